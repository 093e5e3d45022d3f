"""The data audit (``GET /{tenant}/admin/audit-data``): one entry per change of a record.

An entry names who made the change (``subject*``: an API client as ``API_CLIENT:<name>``, or a
user), the patient, the environment (``instance``), the CDT and its relation, what happened
(``eventSubtype`` ``CDT_CREATED``, ``CDT_UPDATED``, ``CDT_DELETED``) and when (``sentAt``), and
the record after the change: the CDT-record envelope as stored then (a deleted record keeps its
id and patient only, as live serves it). Entries are kept per tenant, oldest first, and served
newest first, narrowed by the vendor-documented filters.

The seed adds a few ``CDT_CREATED`` entries per environment (records the seed made), so the
audit is not empty before the first write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from welkin_async.testing._audit_query import AUDIT, Check, filters, newest_first
from welkin_async.testing._clock import iso_ms, parse_iso_ms
from welkin_async.testing._errors import bad_request
from welkin_async.testing._ids import family_rng
from welkin_async.testing._query import flag
from welkin_async.testing._records import DISPOSITION_CDT_NAME, full_name
from welkin_async.testing._store import Row
from welkin_async.testing._users import display_name

if TYPE_CHECKING:
    from welkin_async.testing._routing import Call
    from welkin_async.testing._tenants import ApiClient, Environment, Tenant

CDT_CREATED, CDT_UPDATED, CDT_DELETED = "CDT_CREATED", "CDT_UPDATED", "CDT_DELETED"
DISPOSITION_RELATION = "ENCOUNTER_DISPOSITION"
_COMMON_RELATION = "COMMON"
_OPERATIONS = {"CREATE": "_CREATED", "UPDATE": "_UPDATED", "DELETE": "_DELETED"}
_ACTORS = frozenset({"API_CLIENT", "USER", "PATIENT", "CS_TOOL_CLIENT", "SYSTEM"})
# Exact-match filters: query parameter -> the entry's key.
_EXACT = {
    "entity": "eventEntity",
    "cdtName": "cdtName",
    "subjectUsername": "subjectUsername",
    "subjectFullName": "subjectFullName",
    "instance": "instance",
    "patientFullName": "patientFullName",
    "patientId": "patientId",
}
_EVENT_ID_BASE = 858_000_000_000_000_000  # live event ids are long decimal strings
_SEEDED_PER_ENVIRONMENT = 8


@attrs.frozen
class Subject:
    """Who made a change, as the audit names them."""

    username: str | None
    user_id: str | None
    actor: str
    full_name: str

    @classmethod
    def of_client(cls, client: ApiClient) -> Subject:
        return cls(client.name, client.client_id, "API_CLIENT", f"API_CLIENT:{client.name}")

    @classmethod
    def of_user(cls, user: Mapping[str, Any]) -> Subject:
        return cls(user["username"], user["id"], "USER", display_name(user))


def relation_of(cdt: Mapping[str, Any]) -> str:
    """A CDT definition's relation (``COMMON`` for the tenant's own CDTs)."""
    return str(cdt.get("relation") or _COMMON_RELATION)


def deleted_record(row: Row) -> Row:
    """What the audit keeps of a deleted record: its id and patient, nothing else."""
    return {
        "patientId": row["patientId"],
        "jsonBody": None,
        "id": row["id"],
        "cdtName": None,
        "cdtId": None,
        "version": None,
    }


def record_change(
    tenant: Tenant,
    instance: str,
    subtype: str,
    record: Row,
    *,
    cdt_name: str,
    relation: str,
    patient: Mapping[str, Any] | None,
    subject: Subject,
    sent_ms: int,
) -> None:
    """Add one CDT event to the tenant's audit; ``record`` is the envelope after the change
    (stored rows are replaced, never changed in place, so it is kept as it is)."""
    tenant.data_audit.append(
        {
            "eventId": str(_EVENT_ID_BASE + len(tenant.data_audit) + 1),
            "eventEntity": "CDT",
            "subjectUsername": subject.username,
            "subjectUserId": subject.user_id,
            "subjectActor": subject.actor,
            "subjectFullName": subject.full_name,
            "patientFullName": full_name(patient) if patient is not None else None,
            "patientId": record["patientId"],
            "instance": instance,
            "cdtName": cdt_name,
            "cdtRelation": relation,
            "eventSubtype": subtype,
            "sentAt": iso_ms(sent_ms),
            "record": record,
        }
    )


def audit(call: Call, subtype: str, record: Row, *, cdt_name: str, relation: str) -> None:
    """Audit a change a route made, by the call's API client, now."""
    client = call.client
    if client is None:  # pragma: no cover - every writing route is authenticated
        raise RuntimeError(f"{call.route.key} wrote without a client")
    record_change(
        call.tenant,
        call.env.name,
        subtype,
        record,
        cdt_name=cdt_name,
        relation=relation,
        patient=call.env.patients.get(record["patientId"]),
        subject=Subject.of_client(client),
        sent_ms=call.backend.clock.now_ms(),
    )


# --- serving -------------------------------------------------------------------------------------


def _checks(query: Mapping[str, str]) -> list[Check]:
    """The tests an entry must pass for the query's filters (a 400 for a refused value)."""
    checks = filters(query, exact=_EXACT, enumerated={"subjectActor": _ACTORS})
    operation = query.get("operation")
    if operation is not None:
        suffix = _OPERATIONS.get(operation)
        if suffix is None:
            raise bad_request(
                "INVALID_PARAMETER",
                AUDIT,
                f"operation must be one of {sorted(_OPERATIONS)}",
                parameter="operation",
            )
        checks.append(lambda entry: str(entry.get("eventSubtype")).endswith(suffix))
    return checks


def _definition(tenant: Tenant, name: Any) -> dict[str, Any] | None:
    if name == DISPOSITION_CDT_NAME:
        return tenant.encounter_disposition
    if not isinstance(name, str):
        return None
    return tenant.cdts.get(name)


def select(tenant: Tenant, query: Mapping[str, str]) -> list[dict[str, Any]]:
    """The entries the query asks for, newest first; with ``includeFormation=true`` each CDT
    event carries its CDT's definition as ``cdt``."""
    ordered = newest_first(tenant.data_audit, _checks(query))
    with_formation = flag(query, "includeFormation", AUDIT)
    if not with_formation:
        return ordered
    return [{**entry, "cdt": _definition(tenant, entry.get("cdtName"))} for entry in ordered]


# --- seeding -------------------------------------------------------------------------------------


def seed_data_audit(tenant: Tenant, env: Environment, seed: int) -> None:
    """A few ``CDT_CREATED`` entries for records the seed made in ``env``, by the seed's user."""
    rng = family_rng(seed, "audits", tenant.name, env.name)
    ids = env.cdt_records.ids()[: _SEEDED_PER_ENVIRONMENT * 4]
    if not ids or not tenant.users:
        return
    subject = Subject.of_user(tenant.users[0])
    chosen = sorted(rng.sample(range(len(ids)), k=min(_SEEDED_PER_ENVIRONMENT, len(ids))))
    for index in chosen:
        row = env.cdt_records.rows[ids[index]]
        cdt = tenant.cdts.get(row["cdtName"]) or {}
        record_change(
            tenant,
            env.name,
            CDT_CREATED,
            row,
            cdt_name=row["cdtName"],
            relation=relation_of(cdt),
            patient=env.patients.get(row["patientId"]),
            subject=subject,
            sent_ms=parse_iso_ms(row["jsonBody"]["created_at"]),
        )
