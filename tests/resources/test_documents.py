"""``client.documents(patient_id)`` against the emulator: summaries (list, get, create, delete),
uploads, downloads to a path and as a stream, and the refusals of a role without documents, a
missing summary or file, an unknown document type and a file type the server does not take."""

from __future__ import annotations

import asyncio
import io
import threading
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect, acme_live
from welkin_async import Limits, ResponseTooLarge, RetryPolicy
from welkin_async.errors import BadRequest, NotFound, PermissionDenied, ReadError
from welkin_async.models import DocumentFile, DocumentSummary
from welkin_async.resources.documents import DownloadedFile, _SaveTo
from welkin_async.testing import Fault, WelkinEmulator
from welkin_async.testing._documents import SEED_EVERY

# Seeded patient 1 has a summary with one file (every SEED_EVERY-th from the second).
pytestmark = pytest.mark.welkin_emulator(patients=SEED_EVERY, tenants=["acme"])
FILE_ROUTE = "GET /patients/{patient_id}/document-summary/{summary_id}/files/{file_id}"
UPLOAD_ROUTE = "POST /patients/{patient_id}/document-summary/{summary_id}/files"
QUICK = RetryPolicy(initial_delay=0.001, max_delay=0.002)
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 1024  # 256 KiB and a little: several chunks


def _seeded(emulator: WelkinEmulator) -> dict[str, Any]:
    """The seeded summary row (of the second patient), with one file."""
    row: dict[str, Any] = next(iter(acme_live(emulator).document_summaries.rows.values()))
    return row


def _file_of(row: dict[str, Any]) -> tuple[str, str, str]:
    """``(patient id, summary id, file id)`` of the summary's first file."""
    return row["patientId"], row["id"], row["jsonBody"]["files"][0]["id"]


def _other_patient(emulator: WelkinEmulator) -> str:
    live = acme_live(emulator)
    return next(pid for pid in live.patients.ids() if not live.summaries_of.of(pid))


async def _new_summary(connect: Connect, patient_id: str) -> str:
    async with connect() as client:
        made = await client.documents(patient_id).create("doc-type-others")
    return str(made.id)


# --- summaries -----------------------------------------------------------------------------------


async def test_list_yields_the_patients_summaries(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list() yields each stored summary of the patient, with its type and files."""
    row = _seeded(welkin_emulator)
    async with connect() as client:
        listed = [s async for s in client.documents(row["patientId"]).list(size=1)]
    assert [str(s.id) for s in listed] == [row["id"]]
    (summary,) = listed
    assert isinstance(summary.json_body, DocumentSummary)
    assert summary.cdt_name == "_document_summary"
    assert summary.json_body.type == row["jsonBody"]["type"]
    files = summary.json_body.files
    assert isinstance(files, list)
    assert [(str(f.id), f.size) for f in files] == [
        (f["id"], f["size"]) for f in row["jsonBody"]["files"]
    ]


async def test_create_makes_a_summary_without_files(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create(type) stores a summary of that type whose files are null, and returns it."""
    patient_id = _other_patient(welkin_emulator)
    async with connect() as client:
        made = await client.documents(patient_id).create("doc-type-assessment")
    stored = acme_live(welkin_emulator).document_summaries.rows[str(made.id)]
    assert (stored["patientId"], stored["jsonBody"]["type"]) == (patient_id, "doc-type-assessment")
    assert (made.json_body.type, made.json_body.files) == ("doc-type-assessment", None)


async def test_get_returns_one_summary(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """get(id) returns the stored summary."""
    row = _seeded(welkin_emulator)
    async with connect() as client:
        got = await client.documents(row["patientId"]).get(row["id"])
    assert (str(got.id), got.json_body.type) == (row["id"], row["jsonBody"]["type"])


async def test_delete_removes_the_summary_and_its_files(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """delete(id) removes the summary and its files' bytes."""
    patient_id, summary_id, file_id = _file_of(_seeded(welkin_emulator))
    async with connect() as client:
        await client.documents(patient_id).delete(summary_id)
    live = acme_live(welkin_emulator)
    assert summary_id not in live.document_summaries
    assert file_id not in live.files


# --- uploads -------------------------------------------------------------------------------------


async def test_upload_stores_files_from_paths_bytes_and_file_objects(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """upload() of a path, a (name, bytes, type) and a (name, file object) stores each file's
    exact bytes, type and name, and returns them as the summary now lists them."""
    patient_id = _other_patient(welkin_emulator)
    summary_id = await _new_summary(connect, patient_id)
    pdf = tmp_path / "referral.pdf"
    pdf.write_bytes(PDF)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    async with connect() as client:
        added = await client.documents(patient_id).upload(
            summary_id,
            pdf,
            ("card.png", png, "image/png"),
            ("photo.jpg", io.BytesIO(b"\xff\xd8\xff" + b"\x01" * 50)),
        )
    assert all(isinstance(f, DocumentFile) for f in added)
    assert [(f.original_name, f.content_type, f.size) for f in added] == [
        ("referral.pdf", "application/pdf", len(PDF)),
        ("card.png", "image/png", len(png)),
        ("photo.jpg", "image/jpeg", 53),
    ]
    live = acme_live(welkin_emulator)
    assert live.files[str(added[0].id)] == PDF
    assert live.files[str(added[1].id)] == png
    listed = live.document_summaries.rows[summary_id]["jsonBody"]["files"]
    assert [f["id"] for f in listed] == [str(f.id) for f in added]


async def test_an_upload_retried_after_a_503_sends_every_byte_again(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """An upload answered 503 once is sent again whole (a POST is retried on 503): the file
    stored is the file sent, once."""
    patient_id = _other_patient(welkin_emulator)
    summary_id = await _new_summary(connect, patient_id)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(PDF)

    uploads: list[str] = []

    def heal(route: str) -> None:  # runs before the faults are drawn: the first upload meets it
        uploads.extend([route] if route == UPLOAD_ROUTE else [])
        if len(uploads) == 2:
            welkin_emulator.faults = None

    welkin_emulator.faults = [Fault("status", status=503, route=UPLOAD_ROUTE)]
    welkin_emulator.on_request(heal)
    async with connect(retry=QUICK) as client:
        (added,) = await client.documents(patient_id).upload(summary_id, pdf)
        retries = client.stats.retries
    assert retries == 1
    assert acme_live(welkin_emulator).files[str(added.id)] == PDF
    assert welkin_emulator.stats.requests[UPLOAD_ROUTE] == 2


async def test_upload_with_no_files_is_refused_before_sending(connect: Connect) -> None:
    """upload(id) without files raises ValueError and sends nothing."""
    async with connect() as client:
        with pytest.raises(ValueError, match="at least one file"):
            await client.documents("any-patient").upload("any-summary")
        assert client.stats.requests == 0


# --- downloads -----------------------------------------------------------------------------------


async def test_download_writes_the_file_to_the_path(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """download() writes the file's exact bytes to the path and leaves nothing else behind."""
    patient_id = _other_patient(welkin_emulator)
    summary_id = await _new_summary(connect, patient_id)
    target = tmp_path / "copy.pdf"
    async with connect() as client:
        (added,) = await client.documents(patient_id).upload(
            summary_id, ("scan.pdf", PDF, "application/pdf")
        )
        saved = await client.documents(patient_id).download(summary_id, str(added.id), target)
    assert saved == DownloadedFile(target, len(PDF), "application/pdf")
    assert target.read_bytes() == PDF
    assert [p.name for p in tmp_path.iterdir()] == ["copy.pdf"]


async def test_download_replaces_an_existing_file(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """download() over an existing file replaces its content with the file's."""
    patient_id, summary_id, file_id = _file_of(_seeded(welkin_emulator))
    target = tmp_path / "doc"
    target.write_bytes(b"old content")
    async with connect() as client:
        await client.documents(patient_id).download(summary_id, file_id, target)
    assert target.read_bytes() == acme_live(welkin_emulator).files[file_id]


async def test_stream_yields_the_file_in_chunks(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """stream() yields the file's bytes in order, with the declared type and length."""
    patient_id = _other_patient(welkin_emulator)
    summary_id = await _new_summary(connect, patient_id)
    async with connect() as client:
        docs = client.documents(patient_id)
        (added,) = await docs.upload(summary_id, ("scan.pdf", PDF))
        async with docs.stream(summary_id, str(added.id)) as download:
            chunks = [chunk async for chunk in download]
    assert b"".join(chunks) == PDF
    assert all(chunks)
    assert (download.content_type, download.content_length) == ("application/pdf", len(PDF))
    assert download.bytes_read == len(PDF)


async def test_a_download_torn_mid_body_leaves_no_file(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """A body cut off after its first bytes raises ReadError (not retried: bytes were handed
    out) and leaves neither the target nor a temporary file."""
    patient_id = _other_patient(welkin_emulator)
    summary_id = await _new_summary(connect, patient_id)
    async with connect(retry=QUICK) as client:
        (added,) = await client.documents(patient_id).upload(summary_id, ("scan.pdf", PDF))
        welkin_emulator.faults = [Fault("truncate", route=FILE_ROUTE)]
        with pytest.raises(ReadError):
            await client.documents(patient_id).download(
                summary_id, str(added.id), tmp_path / "torn.pdf"
            )
    assert list(tmp_path.iterdir()) == []
    assert welkin_emulator.stats.requests[FILE_ROUTE] == 1


async def test_a_cancelled_download_leaves_no_file(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """Cancelling a download while its body arrives leaves neither the target nor a
    temporary file, and frees the client for the next call."""
    patient_id = _other_patient(welkin_emulator)
    summary_id = await _new_summary(connect, patient_id)
    async with connect(max_concurrency=1) as client:
        docs = client.documents(patient_id)
        (added,) = await docs.upload(summary_id, ("scan.pdf", PDF))
        welkin_emulator.faults = [Fault("slow-body", seconds=2.0, route=FILE_ROUTE)]
        started = asyncio.Event()
        welkin_emulator.on_request(lambda route: started.set() if route == FILE_ROUTE else None)
        task = asyncio.create_task(docs.download(summary_id, str(added.id), tmp_path / "x.pdf"))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert list(tmp_path.iterdir()) == []
        welkin_emulator.faults = None
        async with asyncio.timeout(10):  # the slot the download held is free again
            await docs.get(summary_id)


async def test_a_download_cancelled_during_its_rename_ends_whole(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cancellation that arrives while the finished file is flushed and renamed waits for
    the rename: the target then holds the whole file, no temporary file is left, and the
    cancellation still reaches the caller."""
    patient_id, summary_id, file_id = _file_of(_seeded(welkin_emulator))
    target = tmp_path / "doc"
    target.write_bytes(b"old content")
    renaming, release = threading.Event(), threading.Event()
    commit = _SaveTo._commit

    def held_commit(self: _SaveTo) -> None:
        renaming.set()
        release.wait(10)
        commit(self)

    monkeypatch.setattr(_SaveTo, "_commit", held_commit)
    async with connect() as client:
        task = asyncio.create_task(
            client.documents(patient_id).download(summary_id, file_id, target)
        )
        await asyncio.to_thread(renaming.wait, 10)
        task.cancel()
        await asyncio.sleep(0)  # the cancellation is delivered while the rename is held
        assert not task.done()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert target.read_bytes() == acme_live(welkin_emulator).files[file_id]
    assert [p.name for p in tmp_path.iterdir()] == ["doc"]


async def test_a_file_over_the_size_cap_is_refused_and_leaves_no_file(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """A file larger than Limits.max_response_bytes raises ResponseTooLarge (its declared
    length is refused before reading) and leaves no file."""
    patient_id = _other_patient(welkin_emulator)
    summary_id = await _new_summary(connect, patient_id)
    async with connect() as client:
        (added,) = await client.documents(patient_id).upload(summary_id, ("scan.pdf", PDF))
    async with connect(limits=Limits(max_response_bytes=64 * 1024)) as client:
        with pytest.raises(ResponseTooLarge):
            await client.documents(patient_id).download(
                summary_id, str(added.id), tmp_path / "big.pdf"
            )
    assert list(tmp_path.iterdir()) == []


# --- refusals ------------------------------------------------------------------------------------


async def test_a_role_without_documents_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """The analyst role, whose policy does not name documents, gets PermissionDenied on a
    download, and no file is written."""
    patient_id, summary_id, file_id = _file_of(_seeded(welkin_emulator))
    async with connect(role="analyst") as client:
        with pytest.raises(PermissionDenied) as raised:
            await client.documents(patient_id).download(summary_id, file_id, tmp_path / "f")
    assert raised.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
    assert list(tmp_path.iterdir()) == []


async def test_a_missing_summary_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get() of a summary id nobody has raises NotFound with DOCUMENT_SUMMARY_NOT_FOUND."""
    patient_id = _other_patient(welkin_emulator)
    missing = str(UUID(int=0xD0C))
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.documents(patient_id).get(missing)
    assert raised.value.error_code == "DOCUMENT_SUMMARY_NOT_FOUND"
    assert missing not in str(raised.value)


async def test_a_missing_file_is_not_found_on_entering_the_stream(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """stream() of a file the summary does not have raises NotFound (DOCUMENT_FILE_NOT_FOUND)
    when the block is entered."""
    patient_id, summary_id, _ = _file_of(_seeded(welkin_emulator))
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            async with client.documents(patient_id).stream(summary_id, str(UUID(int=0xF11E))):
                pytest.fail("the block must not be entered")
    assert raised.value.error_code == "DOCUMENT_FILE_NOT_FOUND"


async def test_an_unknown_document_type_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create() of a type the tenant does not have raises BadRequest and stores nothing."""
    patient_id = _other_patient(welkin_emulator)
    live = acme_live(welkin_emulator)
    before = len(live.document_summaries)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.documents(patient_id).create("doc-type-unheard-of")
    assert raised.value.error_code == "DOCUMENT_TYPE_NOT_FOUND"
    assert len(live.document_summaries) == before


async def test_a_file_type_the_server_does_not_take_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """upload() of a text file raises BadRequest (UNSUPPORTED_FILE_TYPE) and stores nothing."""
    patient_id = _other_patient(welkin_emulator)
    summary_id = await _new_summary(connect, patient_id)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.documents(patient_id).upload(summary_id, ("notes.txt", b"hello"))
    assert raised.value.error_code == "UNSUPPORTED_FILE_TYPE"
    row = acme_live(welkin_emulator).document_summaries.rows[summary_id]
    assert row["jsonBody"]["files"] is None
