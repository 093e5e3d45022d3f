"""A patient's programs: list, current state, the general update, the phase move, history.

``PATCH .../programs/{name}`` is the general update: ``assigned`` true puts the patient in the
program (at ``phaseName`` or its START phase), false takes them out; ``status`` sets the status;
``phaseName`` alone moves the patient to that phase (the live API's recorded move). ``PATCH
.../programs/{name}/phases`` is the vendor-documented move. ``GET .../programs/history/{id}``
answers the patient program itself, its ``pathHistory`` holding every phase it went through.

A phase that is not in the program is refused (400 ``PHASE_NOT_FOUND``); moving or setting the
status of a program the patient is not in is refused (409 ``PROGRAM_NOT_ASSIGNED``).

``DELETE .../programs/{patientProgramId}`` removes an assignment by the patient program's id
(204, no body; the vendor reference shows none): the program is listed unassigned again and its
history is gone (404 ``PATIENT_PROGRAM_NOT_FOUND`` for an id the patient has no assignment under).
"""

from __future__ import annotations

from typing import Any

from welkin_async.testing import _json
from welkin_async.testing._errors import bad_request, conflict, not_found
from welkin_async.testing._records import (
    assigned_program,
    program_phase,
    touch_program,
    unassigned_program,
)
from welkin_async.testing._routing import NO_CONTENT, Call, Reply, Route, json_reply
from welkin_async.testing._store import Row
from welkin_async.testing.routes._common import actor, emit, meta_info_list, patient
from welkin_async.testing.routes._shapes import (
    PAGE_PARAMS,
    ref,
)
from welkin_async.testing.routes._shapes import (
    meta_info_page as meta_shape,
)

RESOURCE = "programs"


def _program(call: Call) -> dict[str, Any]:
    program: dict[str, Any] | None = call.tenant.programs.get(call.params["program_name"])
    if program is None:
        raise not_found("PROGRAM_NOT_FOUND", "PROGRAM", "No such program")
    return program


def _phase(program: dict[str, Any], name: str | None) -> dict[str, Any]:
    phases: list[dict[str, Any]] = program["phases"]
    if name is None:
        return next((p for p in phases if p.get("type") == "START"), phases[0])
    for phase in phases:
        if phase["name"] == name:
            return phase
    raise bad_request(
        "PHASE_NOT_FOUND",
        "PROGRAM",
        f"Phase '{name}' is not in program '{program['name']}'",
        field="phaseName",
    )


def _state(call: Call, program_name: str) -> Row | None:
    key = (call.params["patient_id"], program_name)
    row_id = call.env.program_of.get(key)
    return call.env.patient_programs.rows.get(row_id) if row_id else None


def list_programs(call: Call) -> Reply:
    patient(call)
    return meta_info_list(
        call,
        list(call.tenant.programs.values()),
        lambda program: _json.dumps(
            _state(call, program["name"]) or unassigned_program(program, call.tenant.author)
        ),
    )


def current(call: Call) -> Reply:
    patient(call)
    program = _program(call)
    row = _state(call, program["name"])
    if row is None or not row["assigned"]:
        raise not_found("PROGRAM_NOT_ASSIGNED", "PROGRAM", "The patient is not in this program")
    return json_reply(row)


def _patient_program(call: Call, row_id: str) -> Row:
    patient(call)
    row = call.env.patient_programs.get(row_id)
    if row is None or row["patientId"] != call.params["patient_id"]:
        raise not_found("PATIENT_PROGRAM_NOT_FOUND", "PROGRAM", "No such patient program")
    return row


def history(call: Call) -> Reply:
    return json_reply(_patient_program(call, call.params["program_id"]))


def remove(call: Call) -> Reply:
    row = _patient_program(call, call.params["patient_program_id"])
    call.env.patient_programs.delete(row["id"])
    key = (row["patientId"], row["programName"])
    if call.env.program_of.get(key) == row["id"]:
        del call.env.program_of[key]
    return NO_CONTENT


def _assign(call: Call, program: dict[str, Any], phase_name: str | None) -> Row:
    phase = _phase(program, phase_name)
    stamp = call.stamp()
    who = actor(call)
    entry = program_phase(phase, stamp, who, call.tenant.formation_version)
    existing = _state(call, program["name"])
    row_id = existing["id"] if existing else call.backend.new_id()
    created = (
        (existing["createdAt"], existing["createdByName"])
        if existing
        else (entry["timestamp"], who.name)
    )
    row = assigned_program(
        program,
        call.tenant.author,
        row_id=row_id,
        patient_id=call.params["patient_id"],
        path=[*(existing["pathHistory"] if existing else ()), entry],
        created=created,
        who=who,
    )
    call.env.patient_programs.put(row_id, row, stamp)
    call.env.program_of[(call.params["patient_id"], program["name"])] = row_id
    return row


def _move(call: Call, program: dict[str, Any], phase_name: str) -> Row:
    existing = _assigned_state(call, program)
    phase = _phase(program, phase_name)
    stamp = call.stamp()
    who = actor(call)
    entry = program_phase(phase, stamp, who, call.tenant.formation_version)
    row = {
        **existing,
        "currentPhase": entry,
        "pathHistory": [*existing["pathHistory"], entry],
        "status": "COMPLETED" if phase.get("type") == "FINISH" else "IN_PROGRESS",
    }
    touch_program(row, stamp, who)
    call.env.patient_programs.put(row["id"], row, stamp)
    emit(
        call,
        "PROGRAM_PHASE_CHANGED",
        source_name=program["name"],
        source_id=row["id"],
        patient_id=row["patientId"],
        path=f"patients/{row['patientId']}/programs/current/{program['name']}",
    )
    return row


def _assigned_state(call: Call, program: dict[str, Any]) -> Row:
    existing = _state(call, program["name"])
    if existing is None or not existing["assigned"]:
        raise conflict("PROGRAM_NOT_ASSIGNED", "PROGRAM", "The patient is not in this program")
    return existing


def _with_status(call: Call, row: Row, status: str) -> Row:
    updated = {**row, "status": status}
    stamp = call.stamp()
    touch_program(updated, stamp, actor(call))
    call.env.patient_programs.put(row["id"], updated, stamp)
    return updated


def update(call: Call) -> Reply:
    patient(call)
    program = _program(call)
    body = call.json_object()
    assigned, status, phase_name = body.get("assigned"), body.get("status"), body.get("phaseName")
    if assigned is None and status is None and phase_name is None:
        raise bad_request(
            "PROGRAM_UPDATE_EMPTY",
            "PROGRAM",
            "Give assigned, status or phaseName",
            field="phaseName",
        )
    if assigned is False:
        existing = _state(call, program["name"])
        if existing is None:
            raise conflict("PROGRAM_NOT_ASSIGNED", "PROGRAM", "The patient is not in this program")
        row = {**existing, "assigned": False}
        return json_reply(_with_status(call, row, status or "CANCELLED"))
    current_state = _state(call, program["name"])
    if assigned is True and (current_state is None or not current_state["assigned"]):
        row = _assign(call, program, phase_name)
    elif phase_name is not None:
        row = _move(call, program, phase_name)
    else:
        row = _assigned_state(call, program)
    if status is not None and row["status"] != status:
        row = _with_status(call, row, status)
    return json_reply(row)


def move(call: Call) -> Reply:
    patient(call)
    return json_reply(_move(call, _program(call), call.json_object()["phaseName"]))


_PATH = "/patients/{patient_id}/programs"
_ONE = {200: ref("patient_program.json")}
ROUTES = (
    Route(
        "GET",
        _PATH,
        list_programs,
        "List the tenant's programs with the patient's state",
        RESOURCE,
        "read",
        responses={200: meta_shape(ref("patient_program.json"))},
        query=PAGE_PARAMS,
    ),
    Route(
        "GET",
        _PATH + "/current/{program_name}",
        current,
        "The patient's state in a program",
        RESOURCE,
        "read",
        responses=_ONE,
    ),
    Route(
        "GET",
        _PATH + "/history/{program_id}",
        history,
        "A patient program by id, with the phases it went through",
        RESOURCE,
        "read",
        responses=_ONE,
    ),
    Route(
        "PATCH",
        _PATH + "/{program_name}",
        update,
        "Assign, unassign, set the status or move phase",
        RESOURCE,
        "update",
        request_body="program_update.json",
        responses=_ONE,
    ),
    Route(
        "DELETE",
        _PATH + "/{patient_program_id}",
        remove,
        "Remove an assignment by the patient program's id",
        RESOURCE,
        "delete",
        responses={204: None},
    ),
    Route(
        "PATCH",
        _PATH + "/{program_name}/phases",
        move,
        "Move the patient to another phase",
        RESOURCE,
        "update",
        request_body="phase_change.json",
        responses=_ONE,
    ),
)
