"""Helpers the resource modules share: lookups that 404 the live way, rendering, the actor."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

import attrs
from aiohttp import hdrs, web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.multipart import BodyPartReader

from welkin_async.testing import _json
from welkin_async.testing._errors import ApiFailure, bad_request, not_found
from welkin_async.testing._pagination import meta_info_page, page_request
from welkin_async.testing._records import Actor
from welkin_async.testing._routing import Call, Reply, bytes_reply
from welkin_async.testing._store import Row, Table


def actor(call: Call) -> Actor:
    client = call.client
    if client is None:  # pragma: no cover - every writing route is authenticated
        raise RuntimeError(f"{call.route.key} wrote without a client")
    return Actor(id=client.client_id, name=client.name)


def patient(call: Call) -> Row:
    row = call.env.patients.get(call.params["patient_id"])
    if row is None:
        raise not_found("PATIENT_NOT_FOUND", "PATIENT", "Patient doesn't exist")
    return row


def without(row: Row, hidden: frozenset[str]) -> Row:
    return {key: value for key, value in row.items() if key not in hidden}


def render(
    table: Table, ids: Iterable[str], strip: Callable[[Row], Row] | None = None
) -> list[bytes]:
    """Rows as JSON bytes: cached when nothing is hidden, else re-rendered without the fields."""
    if strip is None:
        return [table.render(row_id) for row_id in ids]
    return [_json.dumps(strip(table.rows[row_id])) for row_id in ids]


def render_one(table: Table, row_id: str, strip: Callable[[Row], Row] | None = None) -> bytes:
    return render(table, (row_id,), strip)[0]


def meta_info_list(
    call: Call, items: Sequence[Any], render: Callable[[Any], bytes] = _json.dumps
) -> Reply:
    """One metaInfo page of an in-memory list (users, audit entries, programs)."""
    page = page_request(call.query, call.backend.max_page_size)
    rows = [render(items[index]) for index in page.slice(len(items))]
    return bytes_reply(meta_info_page(rows, len(items), page))


def emit(
    call: Call, subtype: str, *, source_name: str, source_id: str, patient_id: str, path: str
) -> None:
    """Queue a webhook event of this call's tenant and environment (``path`` under it)."""
    call.backend.webhooks.emit(
        tenant=call.tenant.name,
        instance=call.env.name,
        subtype=subtype,
        source_name=source_name,
        source_id=source_id,
        patient_id=patient_id,
        path=path,
    )


@attrs.frozen
class FormPart:
    """One part of a ``multipart/form-data`` body: its field, file name and content type (as
    sent, lower-cased, without parameters), and its bytes."""

    name: str | None
    filename: str | None
    content_type: str
    content: bytes


_FORM_CHUNK = 64 * 1024
_UNREADABLE = (ValueError, RuntimeError, AssertionError, HttpProcessingError, web.HTTPException)


def _too_large(code: str, what: str, limit: int, component: str) -> ApiFailure:
    message = f"{what} is larger than {limit} bytes"
    return ApiFailure(413, code, component, message, {"limit": limit})


def _malformed() -> ApiFailure:
    return bad_request("MALFORMED_MULTIPART", "REQUEST", "The multipart body cannot be read")


async def _content(part: BodyPartReader, read_so_far: int, limits: tuple[int, int, str]) -> bytes:
    """One part's bytes, refused (413) at the per-file or the whole body's limit."""
    max_part, max_total, component = limits
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(_FORM_CHUNK):
        size += len(chunk)
        if size > max_part:
            raise _too_large("FILE_TOO_LARGE", "A file", max_part, component)
        if read_so_far + size > max_total:
            raise _too_large("UPLOAD_TOO_LARGE", "The upload", max_total, component)
        chunks.append(chunk)
    return b"".join(chunks)


async def form_parts(
    call: Call, *, field: str, component: str, max_part: int, max_total: int
) -> AsyncIterator[FormPart]:
    """The parts of a ``multipart/form-data`` body, each as it arrives (documents' uploads, an
    email's attachments).

    Refused: another content type (400 ``MULTIPART_REQUIRED``, naming ``field``), a part over
    ``max_part`` bytes (413 ``FILE_TOO_LARGE``), a body over ``max_total`` (413
    ``UPLOAD_TOO_LARGE``; a declared length over it before reading), and a body that cannot be
    read or nests another (400 ``MALFORMED_MULTIPART``).
    """
    request = call.request
    if request.content_type != "multipart/form-data":
        raise bad_request(
            "MULTIPART_REQUIRED", "REQUEST", "Files are sent as multipart/form-data", field=field
        )
    declared = request.content_length
    if declared is not None and declared > max_total:
        raise _too_large("UPLOAD_TOO_LARGE", "The upload", max_total, component)
    read = 0
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise _malformed()  # a nested multipart body
            content = await _content(part, read, (max_part, max_total, component))
            read += len(content)
            kind = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
            yield FormPart(part.name, part.filename, kind.split(";")[0].strip().lower(), content)
    except _UNREADABLE:
        raise _malformed() from None
