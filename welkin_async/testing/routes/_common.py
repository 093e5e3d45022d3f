"""Helpers the resource modules share: lookups that 404 the live way, rendering, the actor."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from welkin_async.testing import _json
from welkin_async.testing._errors import not_found
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
