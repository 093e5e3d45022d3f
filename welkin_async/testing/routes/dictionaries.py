"""Dictionary records: the values of the tenant's current dictionaries, per environment.

``GET dictionaries/{name}`` answers ``{dictionaryName, lastUpdatedAt, records}`` (not paged),
leaving deleted records out unless ``showDeleted=true``; ``dateStart``/``dateEnd`` keep the records
updated at or after / before those instants. ``POST`` adds records (201, answering the new ones),
``PUT`` replaces every record of the dictionary, the old ones removed outright (201, answering the
new ones; an empty list empties it). ``GET|PUT|DELETE dictionaries/{name}/{id}`` read, replace the
values of, and delete one record; a deleted record is kept (``deleted`` true), still read by id,
and answers 404 to a further write. A dictionary the current formation lacks (a draft one is not
published) is 404 ``DICTIONARY_NOT_FOUND``; an unknown record 404 ``DICTIONARY_RECORD_NOT_FOUND``;
writing an internal dictionary (``timezone``) 400 ``DICTIONARY_READ_ONLY``; a value for a field the
dictionary lacks 400 ``INVALID_DICTIONARY_VALUES``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from welkin_async.testing._clock import iso_ms, parse_iso_ms
from welkin_async.testing._dictionaries import full_value, record_row
from welkin_async.testing._errors import bad_request, not_found
from welkin_async.testing._query import flag, instant
from welkin_async.testing._routing import Call, QueryParam, Reply, Route, json_reply
from welkin_async.testing._store import Row
from welkin_async.testing.routes._shapes import ref

RESOURCE = "dictionaries"
_COMPONENT = "DICTIONARY"


def _definition(call: Call) -> dict[str, Any]:
    definition = call.tenant.dictionaries.get(call.params["dictionary_name"])
    if definition is None:
        raise not_found("DICTIONARY_NOT_FOUND", _COMPONENT, "No such dictionary")
    return definition


def _writable(call: Call) -> dict[str, Any]:
    definition = _definition(call)
    if definition.get("internal"):
        raise bad_request(
            "DICTIONARY_READ_ONLY", _COMPONENT, "An internal dictionary cannot be changed"
        )
    return definition


def _record(call: Call, *, live: bool) -> Row:
    """The path's record; with ``live``, a deleted one is not found either."""
    records = call.env.dictionary_records.of(_definition(call)["name"])
    row = records.get(call.params["record_id"])
    if row is None or (live and row["deleted"]):
        raise not_found("DICTIONARY_RECORD_NOT_FOUND", _COMPONENT, "No such dictionary record")
    return row


def _values(definition: Mapping[str, Any], written: Mapping[str, Any]) -> dict[str, str]:
    """A record's values, each for a field of the dictionary."""
    values: dict[str, str] = written["values"]
    fields = {field["name"] for field in definition["fields"]}
    unknown = sorted(set(values) - fields)
    if unknown:
        raise bad_request(
            "INVALID_DICTIONARY_VALUES",
            _COMPONENT,
            f"The dictionary has no field '{unknown[0]}'",
            field=unknown[0],
        )
    return values


def _answer(call: Call, name: str, rows: Iterable[Row], status: int = 200) -> Reply:
    return json_reply(
        {
            "dictionaryName": name,
            "lastUpdatedAt": call.env.dictionary_records.last_updated(name),
            "records": list(rows),
        },
        status,
    )


def list_records(call: Call) -> Reply:
    name = _definition(call)["name"]
    start = instant(call.query, "dateStart", _COMPONENT)
    end = instant(call.query, "dateEnd", _COMPONENT)
    deleted = flag(call.query, "showDeleted", _COMPONENT)

    def shown(row: Row) -> bool:
        updated = parse_iso_ms(row["updatedAt"])
        return (
            (deleted or not row["deleted"])
            and (start is None or updated >= start)
            and (end is None or updated < end)
        )

    return _answer(call, name, filter(shown, call.env.dictionary_records.of(name).values()))


def _new_rows(call: Call, definition: Mapping[str, Any]) -> list[Row]:
    written = [_values(definition, record) for record in call.json_object()["records"]]
    stamp = call.stamp()
    return [record_row(definition, call.backend.new_id(), values, stamp) for values in written]


def add_records(call: Call) -> Reply:
    definition = _writable(call)
    rows = _new_rows(call, definition)
    if not rows:
        raise bad_request("INVALID_REQUEST_BODY", "REQUEST", "Give at least one record to add")
    records = call.env.dictionary_records.of(definition["name"])
    records.update((row["id"], row) for row in rows)
    return _answer(call, definition["name"], rows, 201)


def replace_records(call: Call) -> Reply:
    definition = _writable(call)
    rows = _new_rows(call, definition)
    records = call.env.dictionary_records.of(definition["name"])
    records.clear()
    records.update((row["id"], row) for row in rows)
    return _answer(call, definition["name"], rows, 201)


def get_record(call: Call) -> Reply:
    return json_reply(_record(call, live=False))


def replace_record(call: Call) -> Reply:
    definition = _writable(call)
    row = _record(call, live=True)
    values = _values(definition, call.json_object())
    row.update(
        values=dict(values),
        fullValue=full_value(definition, values),
        updatedAt=iso_ms(call.stamp()),
    )
    return json_reply(row)


def delete_record(call: Call) -> Reply:
    _writable(call)
    row = _record(call, live=True)
    row.update(deleted=True, updatedAt=iso_ms(call.stamp()))
    return json_reply(row)


_DATE_TIME = {"type": "string", "format": "date-time"}
_RECORDS = "/dictionaries/{dictionary_name}"
_RECORD = "/dictionaries/{dictionary_name}/{record_id}"
_MANY = {201: ref("dictionary_records.json")}
_ONE = {200: ref("dictionary_record.json")}
ROUTES = (
    Route(
        "GET",
        _RECORDS,
        list_records,
        "The dictionary's records",
        RESOURCE,
        "read",
        responses={200: ref("dictionary_records.json")},
        query=(
            QueryParam("dateStart", _DATE_TIME, "records updated at or after this instant"),
            QueryParam("dateEnd", _DATE_TIME, "records updated before this instant"),
            QueryParam("showDeleted", {"type": "boolean"}, "include deleted records"),
        ),
    ),
    Route(
        "POST",
        _RECORDS,
        add_records,
        "Add records to the dictionary",
        RESOURCE,
        "create",
        request_body="dictionary_records_write.json",
        responses=_MANY,
    ),
    Route(
        "PUT",
        _RECORDS,
        replace_records,
        "Replace every record of the dictionary",
        RESOURCE,
        "update",
        request_body="dictionary_records_write.json",
        responses=_MANY,
    ),
    Route("GET", _RECORD, get_record, "One dictionary record", RESOURCE, "read", responses=_ONE),
    Route(
        "PUT",
        _RECORD,
        replace_record,
        "Replace a dictionary record's values",
        RESOURCE,
        "update",
        request_body="dictionary_record_write.json",
        responses=_ONE,
    ),
    Route(
        "DELETE",
        _RECORD,
        delete_record,
        "Delete a dictionary record (it is kept, marked deleted)",
        RESOURCE,
        "delete",
        responses=_ONE,
    ),
)
