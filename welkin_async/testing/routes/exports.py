"""Bulk export: ``GET export/{TYPE}?start=<ISO>&pageSize=N``, cursor-paged by ``updatedAt``.

Records whose latest change is at or after ``start`` come oldest first. ``cursor.end`` is one
millisecond past the last record's change (changes are stamped strictly increasing), so the next
page, starting there, neither repeats nor skips. A record changed during a scan moves to the
end and is served again with its new version: consumers de-duplicate by id.
"""

from __future__ import annotations

from collections.abc import Callable

from welkin_async.testing import _json
from welkin_async.testing._clock import iso_ms, parse_iso_ms
from welkin_async.testing._errors import bad_request
from welkin_async.testing._pagination import cursor_page, page_size
from welkin_async.testing._routing import Call, QueryParam, Reply, Route, bytes_reply
from welkin_async.testing._store import Row, Table
from welkin_async.testing._tenants import Environment
from welkin_async.testing.routes._common import without
from welkin_async.testing.routes._shapes import cursor_page as cursor_shape

DEFAULT_PAGE_SIZE = 100
TABLES: dict[str, Callable[[Environment], Table]] = {
    "PATIENT": lambda env: env.patients,
    "CDT_RECORD": lambda env: env.cdt_records,
    "ENCOUNTER": lambda env: env.encounters,
    "ASSESSMENT": lambda env: env.assessments,
    "PATIENT_PROGRAM": lambda env: env.patient_programs,
    "CALENDAR_EVENT": lambda env: env.calendar_events,
    "TASK": lambda env: env.tasks,
    "SMS": lambda env: env.messages.sms,
    "EMAIL": lambda env: env.messages.emails,
}


# Export types whose records a role's field policy of this scope narrows.
_FIELD_SCOPES = {"PATIENT": "patients", "TASK": "tasks"}


def _renderer(call: Call, export_type: str, table: Table) -> Callable[[str], bytes]:
    scope = _FIELD_SCOPES.get(export_type)
    if scope is not None:
        hidden = call.hidden(scope)
        if hidden:
            return lambda row_id: _json.dumps(without(table.rows[row_id], hidden))
    if export_type == "CDT_RECORD" and call.client is not None:
        role = call.client.role

        def render(row_id: str) -> bytes:
            row: Row = table.rows[row_id]
            hidden = role.hidden_fields(f"cdt:{row['cdtName']}")
            if not hidden:
                return table.render(row_id)
            return _json.dumps({**row, "jsonBody": without(row["jsonBody"], hidden)})

        return render
    return table.render


def export(call: Call) -> Reply:
    export_type = call.params["export_type"].upper()
    if export_type not in TABLES:
        raise bad_request(
            "EXPORT_TYPE_NOT_SUPPORTED",
            "EXPORT",
            f"Export types: {', '.join(TABLES)}",
            parameter="export_type",
        )
    start_text = call.query.get("start")
    try:
        start = parse_iso_ms(start_text) if start_text else 0
    except ValueError:
        raise bad_request(
            "INVALID_EXPORT_START",
            "EXPORT",
            "start must be an ISO date-time with an offset",
            parameter="start",
        ) from None
    size = page_size(call.query, "pageSize", DEFAULT_PAGE_SIZE, call.backend.max_page_size)
    table = TABLES[export_type](call.env)
    render = _renderer(call, export_type, table)
    rows: list[bytes] = []
    last_stamp = None
    has_next = False
    for stamp, row_id in table.changed_since(start):
        if len(rows) == size:
            has_next = True
            break
        rows.append(render(row_id))
        last_stamp = stamp
    end = iso_ms(last_stamp + 1) if last_stamp is not None else start_text
    return bytes_reply(cursor_page(rows, start_text, end, has_next=has_next))


ROUTES = (
    Route(
        "GET",
        "/export/{export_type}",
        export,
        "Export records changed since a time",
        "exports",
        "read",
        responses={200: cursor_shape({"type": "object"})},
        path_params={"export_type": {"type": "string", "enum": list(TABLES)}},
        query=(
            QueryParam(
                "start",
                {"type": "string", "format": "date-time"},
                "changed at or after (default: everything)",
            ),
            QueryParam("pageSize", {"type": "integer", "minimum": 1}, "records per page"),
        ),
    ),
)
