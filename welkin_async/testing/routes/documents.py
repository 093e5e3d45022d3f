"""A patient's document summaries and their files.

- ``GET .../document-summary``: the summaries, ``{name: "_document_summary", data: <Spring
  page>}``; ``POST`` ``{"type": ...}`` makes one (201) of one of the tenant's document types
  (400 ``DOCUMENT_TYPE_NOT_FOUND`` otherwise), with ``files`` null;
- ``GET|DELETE .../document-summary/{id}``: one summary; a delete answers 200 with no body (as
  the vendor documents it) and drops its files;
- ``POST .../document-summary/{id}/files``: ``multipart/form-data`` with each file under the
  field ``files``, read as it arrives. Only JPEG, PNG and PDF files are taken (400
  ``UNSUPPORTED_FILE_TYPE``), none empty (400 ``EMPTY_FILE``); a file over
  :data:`MAX_FILE_BYTES` or a body over :data:`MAX_UPLOAD_BYTES` is refused with 413
  (``FILE_TOO_LARGE``, ``UPLOAD_TOO_LARGE``; a declared length over the limit before reading).
  Nothing is stored unless every file is taken. The answer (201) lists the new files, as the
  vendor documents it; they are appended to the summary's ``files``;
- ``GET .../document-summary/{id}/files/{fileId}``: the file's bytes, with its content type and
  length.

A summary that is not the patient's is 404 ``DOCUMENT_SUMMARY_NOT_FOUND``, a file that is not
the summary's 404 ``DOCUMENT_FILE_NOT_FOUND``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import hdrs

from welkin_async.testing._documents import (
    SUMMARY_CDT,
    drop_summary,
    file_entry,
    store_summary,
    summary_row,
)
from welkin_async.testing._errors import bad_request, not_found
from welkin_async.testing._pagination import named_page, page_request, spring_page
from welkin_async.testing._records import touch
from welkin_async.testing._routing import Call, Reply, Route, bytes_reply, json_reply
from welkin_async.testing._store import Row
from welkin_async.testing.routes._common import (
    actor,
    form_parts,
    patient,
    render,
    render_one,
)
from welkin_async.testing.routes._shapes import PAGE_PARAMS, array, ref
from welkin_async.testing.routes._shapes import named_page as named_shape
from welkin_async.testing.routes._shapes import spring_page as spring_shape

RESOURCE = "documents"
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
FILE_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})
_FIELD = "files"
_COMPONENT = "DOCUMENT"


def _summary(call: Call) -> Row:
    patient(call)
    row = call.env.document_summaries.get(call.params["summary_id"])
    if row is None or row["patientId"] != call.params["patient_id"]:
        raise not_found("DOCUMENT_SUMMARY_NOT_FOUND", _COMPONENT, "Document summary doesn't exist")
    return row


def list_summaries(call: Call) -> Reply:
    patient(call)
    page = page_request(call.query, call.backend.max_page_size)
    ids = call.env.summaries_of.of(call.params["patient_id"])
    chosen = [ids[index] for index in page.slice(len(ids))]
    inner = spring_page(render(call.env.document_summaries, chosen), len(ids), page)
    return bytes_reply(named_page(SUMMARY_CDT, inner))


def create(call: Call) -> Reply:
    patient(call)
    document_type = call.json_object()["type"]
    if document_type not in call.tenant.document_types:
        raise bad_request(
            "DOCUMENT_TYPE_NOT_FOUND",
            _COMPONENT,
            "No such document type in this tenant's formation",
            field="type",
        )
    stamp = call.stamp()
    row = summary_row(
        call.backend.new_id(),
        call.params["patient_id"],
        call.tenant,
        document_type,
        files=None,
        stamp=stamp,
        actor=actor(call),
    )
    store_summary(call.env, row, stamp)
    return Reply(201, call.env.document_summaries.render(row["id"]))


def get(call: Call) -> Reply:
    row = _summary(call)
    return bytes_reply(render_one(call.env.document_summaries, row["id"]))


def delete(call: Call) -> Reply:
    drop_summary(call.env, _summary(call))
    return Reply(200)


def download(call: Call) -> Reply:
    row = _summary(call)
    wanted = call.params["file_id"]
    entry = next((f for f in row["jsonBody"].get("files") or () if f["id"] == wanted), None)
    content = call.env.files.get(wanted) if entry is not None else None
    if entry is None or content is None:
        raise not_found("DOCUMENT_FILE_NOT_FOUND", _COMPONENT, "Document file doesn't exist")
    kind = entry.get("contentType") or "application/octet-stream"
    return Reply(200, content, {hdrs.CONTENT_TYPE: kind})


# --- upload --------------------------------------------------------------------------------------


async def _received(call: Call) -> list[tuple[str, str, bytes]]:
    """``(name, content type, bytes)`` of each file under the ``files`` field, as they arrive;
    other fields are read past (and count towards the body's limit)."""
    received: list[tuple[str, str, bytes]] = []
    parts = form_parts(
        call,
        field=_FIELD,
        component=_COMPONENT,
        max_part=MAX_FILE_BYTES,
        max_total=MAX_UPLOAD_BYTES,
    )
    async for part in parts:
        if part.name != _FIELD:
            continue
        if part.filename is None or part.content_type not in FILE_TYPES:
            raise bad_request(
                "UNSUPPORTED_FILE_TYPE",
                _COMPONENT,
                "Only named JPEG, PNG and PDF files can be uploaded",
                field=_FIELD,
            )
        if not part.content:
            raise bad_request("EMPTY_FILE", _COMPONENT, "A file is empty", field=_FIELD)
        received.append((part.filename, part.content_type, part.content))
    if not received:
        raise bad_request("NO_FILES", _COMPONENT, "No file under the field 'files'", field=_FIELD)
    return received


async def upload(call: Call) -> Reply:
    row = _summary(call)
    received = await _received(call)
    env, stamp, who = call.env, call.stamp(), actor(call)
    patient_id = call.params["patient_id"]
    added = []
    for name, kind, content in received:
        file_id = call.backend.new_id()
        env.files[file_id] = content
        added.append(file_entry(file_id, content, kind, name, env=env, patient=patient_id))
    body: dict[str, Any] = dict(row["jsonBody"])
    body["files"] = [*(body.get("files") or ()), *added]
    touch(body, stamp, who, snake=True)
    env.document_summaries.put(row["id"], {**row, "jsonBody": body}, stamp)
    return json_reply(added, 201)


# --- the table -----------------------------------------------------------------------------------

_PATH = "/patients/{patient_id}/document-summary"
_ONE = _PATH + "/{summary_id}"
_RECORD = ref("cdt_record.json")
_UPLOAD = {
    "type": "object",
    "properties": {
        _FIELD: {
            "type": "array",
            "items": {"type": "string", "contentMediaType": "application/octet-stream"},
        }
    },
    "required": [_FIELD],
}
_TOO_LARGE = array(ref("error_item.json"))
ROUTES = (
    Route(
        "GET",
        _PATH,
        list_summaries,
        "List the patient's document summaries",
        RESOURCE,
        "read",
        responses={200: named_shape(spring_shape(_RECORD))},
        query=PAGE_PARAMS,
    ),
    Route(
        "POST",
        _PATH,
        create,
        "Create a document summary of one of the tenant's document types",
        RESOURCE,
        "create",
        request_body="document_summary_create.json",
        responses={201: _RECORD},
    ),
    Route("GET", _ONE, get, "One document summary", RESOURCE, "read", responses={200: _RECORD}),
    Route(
        "DELETE",
        _ONE,
        delete,
        "Delete a document summary and its files",
        RESOURCE,
        "delete",
        responses={200: None},
    ),
    Route(
        "POST",
        _ONE + "/files",
        upload,
        "Upload files to a document summary (multipart, field 'files')",
        RESOURCE,
        "create",
        request_body=_UPLOAD,
        request_media_type="multipart/form-data",
        streams_body=True,
        responses={201: array(ref("document_file.json")), 413: _TOO_LARGE},
    ),
    Route(
        "GET",
        _ONE + "/files/{file_id}",
        download,
        "Download a file's bytes, with its content type",
        RESOURCE,
        "read",
        responses={200: None},
    ),
)
