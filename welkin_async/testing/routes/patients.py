"""Patients: CRUD, lookup by external id, GUID or MRN, and ``POST by-filter/patients``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from welkin_async.testing._care_plans import drop_goals
from welkin_async.testing._clock import parse_iso_ms
from welkin_async.testing._encounters import drop_comments
from welkin_async.testing._errors import bad_request, conflict, not_found
from welkin_async.testing._pagination import page_request, spring_page
from welkin_async.testing._records import patient_fields, patient_row, touch
from welkin_async.testing._routing import (
    NO_CONTENT,
    Call,
    QueryParam,
    Reply,
    Route,
    bytes_reply,
)
from welkin_async.testing._store import Row
from welkin_async.testing._tasks import forget_patient
from welkin_async.testing._users import care_team_member
from welkin_async.testing.routes._common import (
    actor,
    emit,
    patient,
    render,
    render_one,
    without,
)
from welkin_async.testing.routes._shapes import PAGE_PARAMS, ref
from welkin_async.testing.routes._shapes import spring_page as spring_shape

SCOPE = "patients"
LOOKUP_TYPES = {"ID": None, "EID": "EID", "EGUID": "EGUID", "MRN": "MRN"}
_UNIQUE = (("EID", "externalId"), ("EGUID", "externalGuid"), ("MRN", "mrn"))


def _strip(call: Call) -> Any:
    hidden = call.hidden(SCOPE)
    return (lambda row: without(row, hidden)) if hidden else None


def _reply(call: Call, row_id: str, status: int = 200) -> Reply:
    return bytes_reply(render_one(call.env.patients, row_id, _strip(call)), status)


def _check_unique(call: Call, fields: dict[str, Any], own_id: str | None) -> None:
    for kind, key in _UNIQUE:
        value = fields.get(key)
        holder = call.env.external_ids.get((kind, value)) if value else None
        if holder is not None and holder != own_id:
            raise conflict(
                "PATIENT_ALREADY_EXISTS", "PATIENT", f"A patient with this {key} exists", field=key
            )


def _assignments(call: Call, fields: dict[str, Any]) -> dict[str, Any]:
    """The written fields with the care team resolved to its users, as the API serves it, and
    the territories checked against the tenant's regions."""
    written = dict(fields)
    regions = call.tenant.regions
    for territory in written.get("patientTerritories") or ():
        if territory["name"] not in regions:
            raise bad_request(
                "TERRITORY_NOT_FOUND", "PATIENT", "No such region", field="patientTerritories"
            )
    team = written.get("careTeam")
    if team:
        contact = next((i for i, m in enumerate(team) if m.get("pointOfContact")), 0)
        written["careTeam"] = [
            care_team_member(_user(call, member["id"]), point_of_contact=index == contact)
            for index, member in enumerate(team)
        ]
    return written


def _user(call: Call, user_id: str) -> dict[str, Any]:
    user = call.tenant.user(user_id)
    if user is None:
        raise bad_request("USER_NOT_FOUND", "PATIENT", "No such user", field="careTeam")
    return user


def create(call: Call) -> Reply:
    fields = call.json_object()
    call.check_writable(SCOPE, fields)
    _check_unique(call, fields, None)
    fields = _assignments(call, fields)
    patient_id = call.backend.new_id()
    stamp = call.stamp()
    row = patient_row(patient_id, fields, stamp, actor(call))
    call.env.patients.put(patient_id, row, stamp)
    call.env.index_patient(row)
    emit(
        call,
        "PATIENT_CREATED",
        source_name="patients",
        source_id=patient_id,
        patient_id=patient_id,
        path=f"patients/{patient_id}",
    )
    return _reply(call, patient_id, 201)


def get(call: Call) -> Reply:
    kind = call.query.get("type", "ID").upper()
    if kind not in LOOKUP_TYPES:
        raise bad_request(
            "INVALID_LOOKUP_TYPE",
            "PATIENT",
            "type must be one of ID, EID, EGUID, MRN",
            parameter="type",
        )
    key = call.params["patient_id"]
    lookup = LOOKUP_TYPES[kind]
    patient_id = key if lookup is None else call.env.external_ids.get((lookup, key))
    if patient_id is None or patient_id not in call.env.patients:
        raise not_found("PATIENT_NOT_FOUND", "PATIENT", "Patient doesn't exist")
    return _reply(call, patient_id)


def update(call: Call) -> Reply:
    row = patient(call)
    fields = call.json_object()
    call.check_writable(SCOPE, fields)
    _check_unique(call, fields, row["id"])
    fields = _assignments(call, fields)
    call.env.unindex_patient(row)
    updated = {**row, **patient_fields(fields)}
    stamp = call.stamp()
    touch(updated, stamp, actor(call))
    call.env.patients.put(row["id"], updated, stamp)
    call.env.index_patient(updated)
    emit(
        call,
        "PATIENT_UPDATED",
        source_name="patients",
        source_id=row["id"],
        patient_id=row["id"],
        path=f"patients/{row['id']}",
    )
    return _reply(call, row["id"])


def delete(call: Call) -> Reply:
    row = patient(call)
    env = call.env
    env.unindex_patient(row)
    env.patients.delete(row["id"])
    for key in env.records_of.keys_where(lambda key: key[0] == row["id"]):
        for record_id in env.records_of.drop(key):
            env.cdt_records.delete(record_id)
    for encounter_id in env.encounters_of.drop(row["id"]):
        encounter = env.encounters.delete(encounter_id)
        disposition_id = encounter["jsonBody"].get("dispositionId")
        if disposition_id in env.dispositions:
            env.dispositions.delete(disposition_id)
        for link_id in env.links_of.drop(encounter_id):
            env.encounter_links.delete(link_id)
        drop_comments(env, encounter_id)
    for record_id in env.assessments_of.drop(row["id"]):
        env.assessments.delete(record_id)
    for program_key in [key for key in env.program_of if key[0] == row["id"]]:
        env.patient_programs.delete(env.program_of.pop(program_key))
    drop_goals(env, row["id"])
    forget_patient(env, row["id"], call.stamp)
    return NO_CONTENT


def _matches(row: Row, conditions: dict[str, Any]) -> bool:
    checks: dict[str, Callable[[Any], bool]] = {
        "ids": lambda v: row["id"] in v,
        "externalIds": lambda v: row.get("externalId") in v,
        "mrns": lambda v: row.get("mrn") in v,
        "lastName": lambda v: row.get("lastName") == v,
        "gender": lambda v: row.get("gender") == v,
        "updatedAfter": lambda v: parse_iso_ms(row["updatedAt"]) > v,
        "updatedBefore": lambda v: parse_iso_ms(row["updatedAt"]) < v,
    }
    return all(checks[key](value) for key, value in conditions.items())


SORTS = ("createdAt,asc", "createdAt,desc")


def by_filter(call: Call) -> Reply:
    page = page_request(call.query, call.backend.max_page_size)
    conditions = dict(call.json_object()) if call.body.strip() else {}
    for key in ("updatedAfter", "updatedBefore"):
        if key in conditions:
            conditions[key] = parse_iso_ms(conditions[key])
    table = call.env.patients
    ids = table.ids()
    order = call.query.get("sort", SORTS[0])
    if order not in SORTS:
        raise bad_request(
            "INVALID_PAGE_REQUEST", "PAGINATION", f"sort must be one of {SORTS}", parameter="sort"
        )
    if order == "createdAt,desc":
        ids = ids[::-1]  # newest first: a patient created during a scan shifts every page
    if conditions:
        ids = [row_id for row_id in ids if _matches(table.rows[row_id], conditions)]
    chosen = [ids[index] for index in page.slice(len(ids))]
    return bytes_reply(spring_page(render(table, chosen, _strip(call)), len(ids), page))


_ONE = {200: ref("patient.json")}
ROUTES = (
    Route(
        "POST",
        "/patients",
        create,
        "Create a patient",
        SCOPE,
        "create",
        request_body="patient_create.json",
        responses={201: ref("patient.json")},
    ),
    Route(
        "GET",
        "/patients/{patient_id}",
        get,
        "Get a patient by id, external id, GUID or MRN",
        SCOPE,
        "read",
        responses=_ONE,
        query=(
            QueryParam(
                "type",
                {"type": "string", "enum": list(LOOKUP_TYPES)},
                "what {patient_id} is: ID (default), EID, EGUID or MRN",
            ),
        ),
    ),
    Route(
        "PATCH",
        "/patients/{patient_id}",
        update,
        "Change some of a patient's fields",
        SCOPE,
        "update",
        request_body="patient_create.json",
        responses=_ONE,
    ),
    Route(
        "DELETE",
        "/patients/{patient_id}",
        delete,
        "Delete a patient and their records",
        SCOPE,
        "delete",
        responses={204: None},
    ),
    Route(
        "POST",
        "/by-filter/patients",
        by_filter,
        "List patients matching a filter",
        SCOPE,
        "read",
        request_body="patient_filter.json",
        body_required=False,
        responses={200: spring_shape(ref("patient.json"))},
        query=(
            *PAGE_PARAMS,
            QueryParam(
                "sort", {"type": "string", "enum": list(SORTS)}, "creation order (default asc)"
            ),
        ),
    ),
)
