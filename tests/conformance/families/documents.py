"""Catalog entries of the documents family (see :mod:`tests.conformance._operation`).

Document summaries: the patient's list (``{name, data: <Spring page>}``), one by id, a new one of
a document type, and a delete. The emulator is seeded with the path's patient and the recorded
summaries (their document type and as many files as each lists) under the recorded ids. File
uploads and downloads have no recording; their tests are in tests/resources/test_documents.py.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable
from typing import Any

from tests.conformance._arrange import World, _list_items
from tests.conformance._operation import Operation, listing, written
from tests.conformance._recordings import Recording, Scope
from welkin_async import WelkinClient
from welkin_async.models import DocumentSummaryCreate, NamedPage
from welkin_async.resources.documents import DocumentSummaryRecord
from welkin_async.testing._documents import SAMPLES, file_entry, store_summary, summary_row

_LIST = "patients/{patient_id}/document-summary"
_ONE = _LIST + "/{summary_id}"
_ENV: Scope = "environment"
_FAMILY = "documents"


def _summaries(client: WelkinClient, m: re.Match[str], r: Recording) -> AsyncIterable[Any]:
    return client.documents(m["patient_id"]).list()


async def _get(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.documents(m["patient_id"]).get(m["summary_id"])


async def _create(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    document_type = written(DocumentSummaryCreate, r.request_body).type
    return await client.documents(m["patient_id"]).create(document_type)


async def _delete(client: WelkinClient, m: re.Match[str], r: Recording) -> Any:
    return await client.documents(m["patient_id"]).delete(m["summary_id"])


def _summary(world: World, recorded: dict[str, Any], patient_id: str) -> None:
    """A summary under the recorded id, of its document type, with as many (sample) files as
    the recorded one lists (``files`` null where it was null)."""
    body = recorded.get("jsonBody") or {}
    document_type = str(body.get("type") or "doc-type-others")
    files = None
    if isinstance(body.get("files"), list):
        files = []
        for index, _ in enumerate(body["files"]):
            content_type, name, content = SAMPLES[index % len(SAMPLES)]
            file_id = world.new_id()
            world.env.files[file_id] = content
            entry = file_entry(
                file_id, content, content_type, name, env=world.env, patient=patient_id
            )
            files.append(entry)
    stamp = world.stamp()
    row = summary_row(
        str(recorded["id"]),
        patient_id,
        world.tenant,
        document_type,
        files=files,
        stamp=stamp,
        actor=world.actor,
    )
    store_summary(world.env, row, stamp)


async def _arrange(world: World) -> None:
    patient_id = world.params["patient_id"]
    world.patient(patient_id)
    if world.recording.method == "POST":
        return  # the document type is the tenant's; the new summary is the emulator's
    recorded = [item for item in _list_items(world.answer) if isinstance(item, dict)]
    if "summary_id" in world.params:
        answer = world.answer if isinstance(world.answer, dict) else {}
        recorded = [{**answer, "id": world.params["summary_id"]}]
    for item in recorded:
        if "id" in item:
            _summary(world, item, patient_id)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "documents.list",
        "GET",
        _LIST,
        _ENV,
        _FAMILY,
        listing(NamedPage[DocumentSummaryRecord], _summaries),
        NamedPage[DocumentSummaryRecord],
        listing=True,
        arrange=_arrange,
    ),
    Operation(
        "documents.create",
        "POST",
        _LIST,
        _ENV,
        _FAMILY,
        _create,
        DocumentSummaryRecord,
        write_model=DocumentSummaryCreate,
        arrange=_arrange,
    ),
    Operation(
        "documents.get", "GET", _ONE, _ENV, _FAMILY, _get, DocumentSummaryRecord, arrange=_arrange
    ),
    Operation("documents.delete", "DELETE", _ONE, _ENV, _FAMILY, _delete, arrange=_arrange),
)
