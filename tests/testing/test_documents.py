"""A patient's document summaries and files, spoken to in plain aiohttp: the list's envelope,
create, get, delete, multipart uploads and their limits, downloads and the 404s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.testing.conftest import Answer, Api, ApiFactory
from welkin_async.testing import Environment, WelkinEmulator
from welkin_async.testing._documents import SEED_EVERY
from welkin_async.testing.routes import documents

PDF = b"%PDF-1.4\n" + b"\x00\x01\x02" * 1000
BOUNDARY = "b0undary"


def multipart(*files: tuple[str, bytes, str]) -> bytes:
    """A multipart/form-data body with each file under ``files``, written out by hand."""
    parts = [
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
        for name, content, content_type in files
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _live(emulator: WelkinEmulator) -> Environment:
    return emulator.tenant().environments["live"]


def _seeded(emulator: WelkinEmulator) -> dict[str, Any]:
    row: dict[str, Any] = next(iter(_live(emulator).document_summaries.rows.values()))
    return row


def _plain_patient(emulator: WelkinEmulator) -> str:
    live = _live(emulator)
    return next(pid for pid in live.patients.ids() if not live.summaries_of.of(pid))


def form(*files: tuple[str, bytes, str], field: str = "files") -> aiohttp.FormData:
    data = aiohttp.FormData()
    for name, content, content_type in files:
        data.add_field(field, content, filename=name, content_type=content_type)
    return data


async def _summary(api: Api, patient_id: str) -> str:
    made = await api.call(
        "POST", f"patients/{patient_id}/document-summary", json_body={"type": "doc-type-others"}
    )
    assert made.status == 201, made.body
    return str(made.body["id"])


async def _upload(api: Api, patient_id: str, summary_id: str, data: Any, **kw: Any) -> Answer:
    return await api.call(
        "POST", f"patients/{patient_id}/document-summary/{summary_id}/files", data=data, **kw
    )


# --- summaries -----------------------------------------------------------------------------------


async def test_the_list_is_a_named_spring_page_of_summary_records(
    api: Api, emulator: WelkinEmulator
) -> None:
    """The list is ``{name: "_document_summary", data: <Spring page>}`` of record envelopes whose
    jsonBody holds the type, the files and the system fields."""
    row = _seeded(emulator)
    answer = await api.call("GET", f"patients/{row['patientId']}/document-summary")
    assert answer.status == 200
    assert answer.body["name"] == "_document_summary"
    (item,) = answer.body["data"]["content"]
    assert set(item) == {"id", "patientId", "cdtId", "version", "jsonBody", "cdtName"}
    assert item["cdtName"] == "_document_summary"
    body = item["jsonBody"]
    assert {"type", "files", "created_at", "updated_by_name", "source_id"} <= set(body)
    (entry,) = body["files"]
    assert set(entry) == {"id", "size", "storageKey", "contentType", "originalName"}
    assert answer.body["data"]["totalElements"] == 1


async def test_create_answers_201_with_null_files(api: Api, emulator: WelkinEmulator) -> None:
    """A new summary of a tenant document type answers 201, its files null, and is stored."""
    patient_id = _plain_patient(emulator)
    made = await api.call(
        "POST", f"patients/{patient_id}/document-summary", json_body={"type": "dt-lab-results"}
    )
    assert made.status == 201
    assert (made.body["jsonBody"]["type"], made.body["jsonBody"]["files"]) == (
        "dt-lab-results",
        None,
    )
    assert made.body["id"] in _live(emulator).document_summaries


async def test_create_of_an_unknown_type_is_a_400(api: Api, emulator: WelkinEmulator) -> None:
    """A type the tenant does not define is refused: 400 DOCUMENT_TYPE_NOT_FOUND, field type."""
    patient_id = _plain_patient(emulator)
    answer = await api.call(
        "POST", f"patients/{patient_id}/document-summary", json_body={"type": "no-such-type"}
    )
    assert answer.status == 400
    assert answer.error["errorCode"] == "DOCUMENT_TYPE_NOT_FOUND"
    assert answer.error["details"] == {"field": "type"}


async def test_delete_answers_200_and_drops_the_files(api: Api, emulator: WelkinEmulator) -> None:
    """DELETE answers 200 with no body; the summary and its files' bytes are gone."""
    row = _seeded(emulator)
    file_id = row["jsonBody"]["files"][0]["id"]
    answer = await api.call("DELETE", f"patients/{row['patientId']}/document-summary/{row['id']}")
    assert (answer.status, answer.body) == (200, b"")
    assert row["id"] not in _live(emulator).document_summaries
    assert file_id not in _live(emulator).files


async def test_a_summary_of_another_patient_is_a_404(api: Api, emulator: WelkinEmulator) -> None:
    """A summary id under a patient it does not belong to is 404 DOCUMENT_SUMMARY_NOT_FOUND."""
    row = _seeded(emulator)
    answer = await api.call(
        "GET", f"patients/{_plain_patient(emulator)}/document-summary/{row['id']}"
    )
    assert (answer.status, answer.error["errorCode"]) == (404, "DOCUMENT_SUMMARY_NOT_FOUND")


# --- downloads -----------------------------------------------------------------------------------


async def test_a_download_answers_the_bytes_with_their_type_and_length(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A file answers its stored bytes, its content type and a Content-Length."""
    row = _seeded(emulator)
    entry = row["jsonBody"]["files"][0]
    answer = await api.call(
        "GET", f"patients/{row['patientId']}/document-summary/{row['id']}/files/{entry['id']}"
    )
    assert answer.status == 200
    assert answer.body == _live(emulator).files[entry["id"]]
    assert answer.headers["Content-Type"] == entry["contentType"]
    assert int(answer.headers["Content-Length"]) == entry["size"]


async def test_a_file_the_summary_does_not_list_is_a_404(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A file id the summary does not list is 404 DOCUMENT_FILE_NOT_FOUND."""
    row = _seeded(emulator)
    answer = await api.call(
        "GET", f"patients/{row['patientId']}/document-summary/{row['id']}/files/nope"
    )
    assert (answer.status, answer.error["errorCode"]) == (404, "DOCUMENT_FILE_NOT_FOUND")


# --- uploads -------------------------------------------------------------------------------------


async def test_an_upload_answers_201_with_the_new_files_and_appends_them(
    api: Api, emulator: WelkinEmulator
) -> None:
    """Two files under ``files`` answer 201 with both entries; the summary lists them and the
    store holds their bytes."""
    patient_id = _plain_patient(emulator)
    summary_id = await _summary(api, patient_id)
    png = b"\x89PNG\r\n\x1a\n" + b"\x07" * 40
    answer = await _upload(
        api,
        patient_id,
        summary_id,
        form(("a.pdf", PDF, "application/pdf"), ("b.png", png, "image/png")),
    )
    assert answer.status == 201, answer.body
    assert [(f["originalName"], f["contentType"], f["size"]) for f in answer.body] == [
        ("a.pdf", "application/pdf", len(PDF)),
        ("b.png", "image/png", len(png)),
    ]
    live = _live(emulator)
    assert [live.files[f["id"]] for f in answer.body] == [PDF, png]
    assert live.document_summaries.rows[summary_id]["jsonBody"]["files"] == answer.body


async def test_an_upload_must_be_multipart(api: Api, emulator: WelkinEmulator) -> None:
    """A JSON body on the upload route is 400 MULTIPART_REQUIRED."""
    patient_id = _plain_patient(emulator)
    summary_id = await _summary(api, patient_id)
    answer = await _upload(api, patient_id, summary_id, None, json_body={"files": []})
    assert (answer.status, answer.error["errorCode"]) == (400, "MULTIPART_REQUIRED")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            b'--x\r\nContent-Disposition: form-data; name=files; filename="a.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\nunterminated",
            "MALFORMED_MULTIPART",
        ),
        (b"no boundary at all", "MALFORMED_MULTIPART"),
        (b"--x--\r\n", "NO_FILES"),
    ],
    ids=["unterminated", "no-boundary", "empty-form"],
)
async def test_a_body_that_is_not_a_form_of_files_is_a_400(
    api: Api, emulator: WelkinEmulator, body: bytes, code: str
) -> None:
    """A multipart body that cannot be read, or holds no file, is a 400 with the error array,
    and stores nothing."""
    patient_id = _plain_patient(emulator)
    summary_id = await _summary(api, patient_id)
    headers = {"Content-Type": "multipart/form-data; boundary=x"}
    answer = await _upload(api, patient_id, summary_id, body, headers=headers)
    assert answer.status == 400
    assert answer.error["errorCode"] == code
    assert _live(emulator).document_summaries.rows[summary_id]["jsonBody"]["files"] is None


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (("notes.txt", b"hello", "text/plain"), "UNSUPPORTED_FILE_TYPE"),
        (("empty.pdf", b"", "application/pdf"), "EMPTY_FILE"),
    ],
    ids=["text", "empty"],
)
async def test_a_file_the_server_does_not_take_is_a_400_and_nothing_is_stored(
    api: Api, emulator: WelkinEmulator, file: tuple[str, bytes, str], code: str
) -> None:
    """One refused file refuses the whole upload (400): the good file beside it is not kept."""
    patient_id = _plain_patient(emulator)
    summary_id = await _summary(api, patient_id)
    files_before = len(_live(emulator).files)
    answer = await _upload(
        api, patient_id, summary_id, form(("ok.pdf", PDF, "application/pdf"), file)
    )
    assert (answer.status, answer.error["errorCode"]) == (400, code)
    assert len(_live(emulator).files) == files_before


async def test_a_file_over_the_per_file_limit_is_a_413(
    api: Api, emulator: WelkinEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file larger than MAX_FILE_BYTES is refused with 413 FILE_TOO_LARGE, naming the limit."""
    monkeypatch.setattr(documents, "MAX_FILE_BYTES", 1000)
    patient_id = _plain_patient(emulator)
    summary_id = await _summary(api, patient_id)
    answer = await _upload(api, patient_id, summary_id, form(("a.pdf", PDF, "application/pdf")))
    assert (answer.status, answer.error["errorCode"]) == (413, "FILE_TOO_LARGE")
    assert answer.error["details"] == {"limit": 1000}


async def test_files_over_the_upload_limit_together_are_a_413(
    api: Api, emulator: WelkinEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files each within their limit but over MAX_UPLOAD_BYTES together, in a body sent chunked
    (no declared length), are refused with 413 UPLOAD_TOO_LARGE as they are read."""
    monkeypatch.setattr(documents, "MAX_UPLOAD_BYTES", len(PDF) + 100)
    patient_id = _plain_patient(emulator)
    summary_id = await _summary(api, patient_id)
    body = multipart(("a.pdf", PDF, "application/pdf"), ("b.pdf", PDF, "application/pdf"))

    async def chunks() -> AsyncIterator[bytes]:  # aiohttp sends an async iterable chunk-encoded
        for start in range(0, len(body), 1024):
            yield body[start : start + 1024]

    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    answer = await _upload(api, patient_id, summary_id, chunks(), headers=headers)
    assert (answer.status, answer.error["errorCode"]) == (413, "UPLOAD_TOO_LARGE")


async def test_a_declared_length_over_the_upload_limit_is_a_413_before_reading(
    api: Api, emulator: WelkinEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Content-Length over MAX_UPLOAD_BYTES is refused with 413 UPLOAD_TOO_LARGE."""
    monkeypatch.setattr(documents, "MAX_UPLOAD_BYTES", 100)
    patient_id = _plain_patient(emulator)
    summary_id = await _summary(api, patient_id)
    answer = await _upload(api, patient_id, summary_id, form(("a.pdf", PDF, "application/pdf")))
    assert (answer.status, answer.error["errorCode"]) == (413, "UPLOAD_TOO_LARGE")


async def test_an_upload_to_a_missing_summary_is_a_404(api: Api, emulator: WelkinEmulator) -> None:
    """An upload to a summary id nobody has is 404 DOCUMENT_SUMMARY_NOT_FOUND."""
    patient_id = _plain_patient(emulator)
    answer = await _upload(api, patient_id, "nope", form(("a.pdf", PDF, "application/pdf")))
    assert (answer.status, answer.error["errorCode"]) == (404, "DOCUMENT_SUMMARY_NOT_FOUND")


async def test_a_role_without_documents_is_refused_with_403(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """The care coordinator, whose policy does not name documents, is refused: 403."""
    coordinator = await api_for(role="care-coordinator")
    row = _seeded(emulator)
    answer = await coordinator.call("GET", f"patients/{row['patientId']}/document-summary")
    assert (answer.status, answer.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")


async def test_seeding_gives_some_patients_one_summary_with_one_file(
    emulator: WelkinEmulator,
) -> None:
    """Every SEED_EVERY-th patient from the second has one summary with one stored file; the
    same seed seeds the same documents."""
    live = _live(emulator)
    ids = live.patients.ids()
    assert [pid for pid in ids if live.summaries_of.of(pid)] == ids[1::SEED_EVERY]
    for row in live.document_summaries.rows.values():
        (entry,) = row["jsonBody"]["files"]
        assert len(live.files[entry["id"]]) == entry["size"]
    again = WelkinEmulator(seed=7, patients=25)
    again.seed_data()
    assert again.tenant().environments["live"].document_summaries.rows == (
        live.document_summaries.rows
    )
