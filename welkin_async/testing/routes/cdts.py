"""CDT records: list (``{name, data: page}``), create, bulk update, get, update, delete.

A record is served in an envelope, ``{id, patientId, cdtId, version, jsonBody, cdtName}``, whose
``jsonBody`` holds every field the CDT defines (null when unset) beside the system fields. A
create takes the values flat beside the CDT's name (``{"cdtName": ..., "<field>": ...}``), a
single-record update takes them flat; only the bulk update wraps each row's values in
``jsonBody``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from welkin_async.testing._cdt_values import check_values
from welkin_async.testing._clock import parse_iso_ms
from welkin_async.testing._data_audit import (
    CDT_CREATED,
    CDT_DELETED,
    CDT_UPDATED,
    audit,
    deleted_record,
    relation_of,
)
from welkin_async.testing._errors import ApiFailure, bad_request, conflict, not_found
from welkin_async.testing._pagination import named_page, page_request, spring_page
from welkin_async.testing._query import instant
from welkin_async.testing._records import blank_fields, cdt_body, cdt_record_row, touch
from welkin_async.testing._routing import (
    NO_CONTENT,
    Call,
    QueryParam,
    Reply,
    Route,
    bytes_reply,
    json_reply,
)
from welkin_async.testing._store import Row
from welkin_async.testing.routes._common import actor, emit, patient, render, render_one
from welkin_async.testing.routes._shapes import (
    PAGE_PARAMS,
    ref,
)
from welkin_async.testing.routes._shapes import (
    named_page as named_shape,
)
from welkin_async.testing.routes._shapes import (
    spring_page as spring_shape,
)

RESOURCE = "cdts"


def _cdt(call: Call) -> dict[str, Any]:
    cdt = call.tenant.cdts.get(call.params["cdt_name"])
    if cdt is None:
        raise not_found("CDT_NOT_FOUND", "CDT", "No such CDT in this tenant's formation")
    return cdt


def _scope(cdt: dict[str, Any]) -> str:
    return f"cdt:{cdt['name']}"


def _strip(
    call: Call, cdt: dict[str, Any], fields: frozenset[str] | None = None
) -> Callable[[Row], Row] | None:
    hidden = call.hidden(_scope(cdt))
    if not hidden and fields is None:
        return None

    def strip(row: Row) -> Row:
        body = {
            key: value
            for key, value in row["jsonBody"].items()
            if key not in hidden and (fields is None or key in fields)
        }
        return {**row, "jsonBody": body}

    return strip


def _record(call: Call, cdt: dict[str, Any]) -> Row:
    patient(call)
    row = call.env.cdt_records.get(call.params["record_id"])
    if (
        row is None
        or row["patientId"] != call.params["patient_id"]
        or row["cdtName"] != cdt["name"]
    ):
        raise not_found("CDT_RECORD_NOT_FOUND", "CDT", "CDT record doesn't exist")
    return row


_CDT_NAME = "cdtName"


def _new_values(call: Call, cdt: dict[str, Any]) -> dict[str, Any]:
    """A create body's field values; the CDT's name beside them must be the path's."""
    values = dict(call.json_object())
    named = values.pop(_CDT_NAME, cdt["name"])
    if named != cdt["name"]:
        raise bad_request(
            "CDT_NAME_MISMATCH", "CDT", "cdtName differs from the CDT in the path", field=_CDT_NAME
        )
    return values


def list_records(call: Call) -> Reply:
    cdt = _cdt(call)
    patient(call)
    page = page_request(call.query, call.backend.max_page_size)
    table = call.env.cdt_records
    ids = call.env.records_of.of((call.params["patient_id"], cdt["name"]))
    if "dateStart" in call.query or "dateEnd" in call.query:
        ids = _between(call, table.rows, ids)
    fields = call.query.get("fields")
    wanted = frozenset(part.strip() for part in fields.split(",")) if fields else None
    chosen = [ids[index] for index in page.slice(len(ids))]
    inner = spring_page(render(table, chosen, _strip(call, cdt, wanted)), len(ids), page)
    return bytes_reply(named_page(cdt["name"], inner))


def _between(call: Call, rows: dict[str, Row], ids: list[str]) -> list[str]:
    start = instant(call.query, "dateStart", "CDT", code="INVALID_DATE_RANGE")
    end = instant(call.query, "dateEnd", "CDT", code="INVALID_DATE_RANGE")
    chosen = []
    for row_id in ids:
        created = parse_iso_ms(rows[row_id]["jsonBody"]["created_at"])
        if (start is None or created >= start) and (end is None or created <= end):
            chosen.append(row_id)
    return chosen


def create(call: Call) -> Reply:
    cdt = _cdt(call)
    patient_row = patient(call)
    values = _new_values(call, cdt)
    check_values(cdt, values, creating=True)
    call.check_writable(_scope(cdt), values)
    key = (patient_row["id"], cdt["name"])
    if cdt.get("type") == "SINGLE_RECORD" and call.env.records_of.of(key):
        raise conflict("CDT_SINGLE_RECORD_EXISTS", "CDT", "This CDT holds one record per patient")
    record_id = call.backend.new_id()
    stamp = call.stamp()
    body = cdt_body(record_id, {**blank_fields(cdt), **values}, stamp, actor(call))
    row = cdt_record_row(record_id, patient_row["id"], cdt, body)
    call.env.cdt_records.put(record_id, row, stamp)
    call.env.records_of.add(key, record_id)
    audit(call, CDT_CREATED, row, cdt_name=cdt["name"], relation=relation_of(cdt))
    emit(
        call,
        "CDT_CREATED",
        source_name=cdt["name"],
        source_id=record_id,
        patient_id=patient_row["id"],
        path=f"patients/{patient_row['id']}/cdts/{cdt['name']}/{record_id}",
    )
    return bytes_reply(render_one(call.env.cdt_records, record_id, _strip(call, cdt)), 201)


def _apply(call: Call, row: Row, values: dict[str, Any], cdt: dict[str, Any]) -> None:
    stamp = call.stamp()
    body = {**row["jsonBody"], **values}
    touch(body, stamp, actor(call), snake=True)
    updated = {**row, "jsonBody": body}
    call.env.cdt_records.put(row["id"], updated, stamp)
    audit(call, CDT_UPDATED, updated, cdt_name=cdt["name"], relation=relation_of(cdt))


def get(call: Call) -> Reply:
    cdt = _cdt(call)
    row = _record(call, cdt)
    return bytes_reply(render_one(call.env.cdt_records, row["id"], _strip(call, cdt)))


def update(call: Call) -> Reply:
    cdt = _cdt(call)
    row = _record(call, cdt)
    values = call.json_object()
    check_values(cdt, values, creating=False)
    call.check_writable(_scope(cdt), values)
    _apply(call, row, values, cdt)
    return bytes_reply(render_one(call.env.cdt_records, row["id"], _strip(call, cdt)))


def delete(call: Call) -> Reply:
    cdt = _cdt(call)
    row = _record(call, cdt)
    call.env.cdt_records.delete(row["id"])
    call.env.records_of.remove((row["patientId"], cdt["name"]), row["id"])
    audit(call, CDT_DELETED, deleted_record(row), cdt_name=cdt["name"], relation=relation_of(cdt))
    return NO_CONTENT


def bulk_update(call: Call) -> Reply:
    """Every row is checked before any is written; a row whose record is missing reports it."""
    cdt = _cdt(call)
    patient(call)
    rows = call.json_object()["rows"]
    for index, item in enumerate(rows):
        try:
            check_values(cdt, item["jsonBody"], creating=False)
        except ApiFailure as failure:
            failure.details["row"] = index
            raise
        call.check_writable(_scope(cdt), item["jsonBody"])
    strip = _strip(call, cdt)
    results = []
    for item in rows:
        row = call.env.cdt_records.get(item["id"])
        if (
            row is None
            or row["patientId"] != call.params["patient_id"]
            or row["cdtName"] != cdt["name"]
        ):
            results.append(
                {
                    "id": item["id"],
                    "jsonBody": None,
                    "result": {"status": "NOT_FOUND", "content": None},
                }
            )
            continue
        _apply(call, row, item["jsonBody"], cdt)
        stored = call.env.cdt_records.rows[item["id"]]
        body = (strip(stored) if strip else stored)["jsonBody"]
        results.append(
            {"id": item["id"], "jsonBody": body, "result": {"status": "OK", "content": None}}
        )
    return json_reply({"rows": results})


_PATH = "/patients/{patient_id}/cdts/{cdt_name}"
_RECORD = ref("cdt_record.json")
# Checked by the handler against the CDT's definition (check_values), not by a core schema.
_FLAT_VALUES = {
    "type": "object",
    "description": "The changed field values, by field name",
    "additionalProperties": True,
}
_FLAT_CREATE = {
    **_FLAT_VALUES,
    "description": "The field values by field name, beside the CDT's name",
    "properties": {_CDT_NAME: {"type": "string"}},
}
ROUTES = (
    Route(
        "GET",
        _PATH,
        list_records,
        "List a patient's records of one CDT",
        RESOURCE,
        "read",
        responses={200: named_shape(spring_shape(_RECORD))},
        query=(
            *PAGE_PARAMS,
            QueryParam("fields", {"type": "string"}, "comma-separated fields to return"),
            QueryParam(
                "dateStart", {"type": "string", "format": "date-time"}, "created at or after"
            ),
            QueryParam(
                "dateEnd", {"type": "string", "format": "date-time"}, "created at or before"
            ),
        ),
    ),
    Route(
        "POST",
        _PATH,
        create,
        "Create a CDT record",
        RESOURCE,
        "create",
        request_body=_FLAT_CREATE,
        responses={201: _RECORD},
    ),
    Route(
        "PATCH",
        _PATH,
        bulk_update,
        "Update several records of one CDT",
        RESOURCE,
        "update",
        request_body="cdt_bulk_update.json",
        responses={200: ref("cdt_bulk_result.json")},
    ),
    Route(
        "GET",
        _PATH + "/{record_id}",
        get,
        "Get a CDT record",
        RESOURCE,
        "read",
        responses={200: _RECORD},
    ),
    Route(
        "PATCH",
        _PATH + "/{record_id}",
        update,
        "Change some fields of a CDT record",
        RESOURCE,
        "update",
        request_body=_FLAT_VALUES,
        responses={200: _RECORD},
    ),
    Route(
        "DELETE",
        _PATH + "/{record_id}",
        delete,
        "Delete a CDT record",
        RESOURCE,
        "delete",
        responses={204: None},
    ),
)
