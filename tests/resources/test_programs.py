"""``client.programs(patient_id)`` against the emulator: list, assign, current, move, history,
unassign, and the refusals of a phase outside the program and of a program the patient is not
in."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import Connect, acme_live
from welkin_async import WelkinClient
from welkin_async.errors import BadRequest, Conflict, NotFound, PermissionDenied
from welkin_async.models import (
    PatientProgram,
    PhaseFormation,
    ProgramFormation,
    ProgramPhase,
    ProgramStatus,
)
from welkin_async.testing import WelkinEmulator

# Seeded patients 0 and 3 are in a program; 1 and 2 are in none.
pytestmark = pytest.mark.welkin_emulator(patients=4, tenants=["acme"])


def _state(emulator: WelkinEmulator, patient_id: str, program: str) -> dict[str, Any] | None:
    """The emulator's patient-program row of the patient in the program, if any."""
    live = acme_live(emulator)
    row_id = live.program_of.get((patient_id, program))
    if row_id is None:
        return None
    row: dict[str, Any] = live.patient_programs.rows[row_id]
    return row


def _assigned(emulator: WelkinEmulator, patient_id: str, program: str) -> bool:
    row = _state(emulator, patient_id, program)
    return bool(row and row["assigned"])


def _free_patient(emulator: WelkinEmulator) -> str:
    """A patient who is in no program yet."""
    live = acme_live(emulator)
    taken = {patient_id for patient_id, _ in live.program_of}
    return next(pid for pid in live.patients.ids() if pid not in taken)


def _start(program: ProgramFormation) -> PhaseFormation:
    """The phase a program starts in: the START one, else its first."""
    return next((p for p in program.phases if p.type == "START"), program.phases[0])


def _later(program: ProgramFormation) -> list[str]:
    """The program's phase names other than its starting one, in order."""
    start = _start(program).name
    return [p.name for p in program.phases if p.name != start]


def _foreign_phase(programs: list[ProgramFormation], program: ProgramFormation) -> str:
    """The name of a phase of another program that ``program`` does not have."""
    own = {p.name for p in program.phases}
    return next(p.name for other in programs for p in other.phases if p.name not in own)


def _phase(program: PatientProgram) -> str | None:
    """The name of the patient program's current phase (None when it has none)."""
    phase = program.current_phase
    return phase.name if isinstance(phase, ProgramPhase) else None


async def _program(client: WelkinClient, phases: int = 3) -> ProgramFormation:
    """A program of the tenant with at least ``phases`` phases."""
    return next(p for p in await client.formations.programs() if len(p.phases) >= phases)


# --- list ------------------------------------------------------------------------------------


async def test_list_yields_every_program_with_the_patients_assignment(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list() yields each tenant program once, assigned exactly where the emulator has it so."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        formations = await client.formations.programs()
        await client.programs(patient_id).assign(formations[-1].name)
        listed = [p async for p in client.programs(patient_id).list()]
    assert [p.program_name for p in listed] == [p.name for p in formations]
    flags = [bool(p.assigned) for p in listed]
    assert flags == [_assigned(welkin_emulator, patient_id, p.name) for p in formations]
    assert True in flags
    assert False in flags


async def test_list_shows_a_seeded_assignment(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A program the seed put the patient in is listed assigned, with its stored id and phase."""
    live = acme_live(welkin_emulator)
    (patient_id, program), row_id = next(iter(live.program_of.items()))
    row = live.patient_programs.rows[row_id]
    async with connect() as client:
        listed = {p.program_name: p async for p in client.programs(patient_id).list(size=1)}
    shown = listed[program]
    assert (shown.assigned, str(shown.id)) == (True, row_id)
    assert _phase(shown) == row["currentPhase"]["name"]


# --- assign, current, move, history ----------------------------------------------------------


async def test_assign_starts_the_patient_at_the_starting_phase(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assign(name) puts the patient in the program at its START phase, IN_PROGRESS."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        assigned = await client.programs(patient_id).assign(program.name)
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    start = _start(program).name
    assert (row["assigned"], row["status"], row["currentPhase"]["name"]) == (
        True,
        "IN_PROGRESS",
        start,
    )
    assert [entry["name"] for entry in row["pathHistory"]] == [start]
    assert str(assigned.id) == row["id"]
    assert _phase(assigned) == start


async def test_assign_at_a_given_phase(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """assign(name, phase=...) puts the patient in the program at that phase."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        phase = _later(program)[-1]
        assigned = await client.programs(patient_id).assign(program.name, phase=phase)
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    assert (row["assigned"], row["currentPhase"]["name"]) == (True, phase)
    assert _phase(assigned) == phase


async def test_current_returns_the_patients_state_in_the_program(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """current(name) returns the stored patient program: id, status and current phase."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        await client.programs(patient_id).assign(program.name)
        current = await client.programs(patient_id).current(program.name)
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    assert (str(current.id), current.program_name, current.status) == (
        row["id"],
        program.name,
        row["status"],
    )
    assert _phase(current) == row["currentPhase"]["name"]


async def test_move_changes_the_current_phase(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """move(name, phase) stores the new current phase and appends it to the path."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        target = _later(program)[0]
        await client.programs(patient_id).assign(program.name)
        moved = await client.programs(patient_id).move(program.name, target)
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    assert row["currentPhase"]["name"] == target
    assert [entry["name"] for entry in row["pathHistory"]] == [_start(program).name, target]
    assert _phase(moved) == target


async def test_move_to_a_finish_phase_completes_the_program(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Moving to the program's FINISH phase stores status COMPLETED."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client, phases=2)
        finish = next(p.name for p in program.phases if p.type == "FINISH")
        await client.programs(patient_id).assign(program.name)
        moved = await client.programs(patient_id).move(program.name, finish)
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    assert row["status"] == "COMPLETED"
    assert moved.status == ProgramStatus.COMPLETED


async def test_history_returns_the_patient_program_with_its_path(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """history(PatientProgram.id) returns that patient program, whose path_history lists every
    phase the patient went through, oldest first (the live API answers one PatientProgram)."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        path = [_start(program).name, *_later(program)[:2]]
        programs = client.programs(patient_id)
        assigned = await programs.assign(program.name)
        for phase in path[1:]:
            await programs.move(program.name, phase)
        history = await programs.history(str(assigned.id))
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    assert isinstance(history, PatientProgram)
    assert (str(history.id), history.program_name, _phase(history)) == (
        row["id"],
        program.name,
        path[-1],
    )
    assert isinstance(history.path_history, list)
    assert [phase.name for phase in history.path_history] == path
    assert [phase.name for phase in history.path_history] == [
        entry["name"] for entry in row["pathHistory"]
    ]


async def test_history_of_another_patients_program_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A patient-program id read under a patient it does not belong to raises NotFound."""
    live = acme_live(welkin_emulator)
    (owner, _), row_id = next(iter(live.program_of.items()))
    other = next(pid for pid in live.patients.ids() if pid != owner)
    async with connect() as client:
        with pytest.raises(NotFound):
            await client.programs(other).history(row_id)


# --- the general update -----------------------------------------------------------------------

_PATCH_PROGRAM = "PATCH /patients/{patient_id}/programs/{program_name}"
_PATCH_PHASES = "PATCH /patients/{patient_id}/programs/{program_name}/phases"


async def test_update_with_a_phase_moves_through_the_program_route(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(name, phase_name=...) moves the patient with ``PATCH .../programs/{name}``
    (the live API's recorded move), not the ``/phases`` route."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        target = _later(program)[0]
        await client.programs(patient_id).assign(program.name)
        before = welkin_emulator.stats.requests.copy()
        moved = await client.programs(patient_id).update(program.name, phase_name=target)
    after = welkin_emulator.stats.requests
    assert after[_PATCH_PROGRAM] - before[_PATCH_PROGRAM] == 1
    assert after[_PATCH_PHASES] == before[_PATCH_PHASES]
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    assert row["currentPhase"]["name"] == target == _phase(moved)


async def test_move_uses_the_documented_phases_route(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """move(name, phase) sends the vendor-documented ``PATCH .../programs/{name}/phases``."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        await client.programs(patient_id).assign(program.name)
        before = welkin_emulator.stats.requests.copy()
        await client.programs(patient_id).move(program.name, _later(program)[0])
    after = welkin_emulator.stats.requests
    assert after[_PATCH_PHASES] - before[_PATCH_PHASES] == 1
    assert after[_PATCH_PROGRAM] == before[_PATCH_PROGRAM]


async def test_update_sets_the_status(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """update(name, status=COMPLETED) stores that status and keeps the current phase."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        assigned = await client.programs(patient_id).assign(program.name)
        updated = await client.programs(patient_id).update(
            program.name, status=ProgramStatus.COMPLETED
        )
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    assert (row["status"], row["currentPhase"]["name"]) == ("COMPLETED", _phase(assigned))
    assert updated.status == ProgramStatus.COMPLETED


async def test_update_assigns_with_a_status(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(name, assigned=True, status="IN_PROGRESS") puts the patient in the program at its
    starting phase with that status (the vendor's general update body)."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        updated = await client.programs(patient_id).update(
            program.name, assigned=True, status="IN_PROGRESS"
        )
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    assert (row["assigned"], row["status"], row["currentPhase"]["name"]) == (
        True,
        "IN_PROGRESS",
        _start(program).name,
    )
    assert (updated.assigned, updated.status) == (True, ProgramStatus.IN_PROGRESS)


async def test_update_of_the_status_of_a_program_the_patient_is_not_in_is_conflict(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(name, status=...) of a program the patient is not in raises Conflict
    PROGRAM_NOT_ASSIGNED and stores nothing."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        with pytest.raises(Conflict) as raised:
            await client.programs(patient_id).update(program.name, status="COMPLETED")
    assert raised.value.error_code == "PROGRAM_NOT_ASSIGNED"
    assert _state(welkin_emulator, patient_id, program.name) is None


# --- unassign --------------------------------------------------------------------------------


async def test_unassign_takes_the_patient_out_of_the_program(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """unassign(name) stores assigned false and status CANCELLED; list() shows it unassigned."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        await client.programs(patient_id).assign(program.name)
        result = await client.programs(patient_id).unassign(program.name)
        listed = {p.program_name: p async for p in client.programs(patient_id).list()}
    row = _state(welkin_emulator, patient_id, program.name)
    assert row is not None
    assert (row["assigned"], row["status"]) == (False, "CANCELLED")
    assert (result.assigned, result.status) == (False, ProgramStatus.CANCELLED)
    assert listed[program.name].assigned is False


async def test_current_after_unassign_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """current(name) of a program the patient was taken out of raises NotFound."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        await client.programs(patient_id).assign(program.name)
        await client.programs(patient_id).unassign(program.name)
        with pytest.raises(NotFound):
            await client.programs(patient_id).current(program.name)


# --- refusals --------------------------------------------------------------------------------


async def test_moving_to_a_phase_outside_the_program_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """move() to a phase the program lacks raises BadRequest PHASE_NOT_FOUND naming phaseName,
    and the patient's current phase stays as it was."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        formations = await client.formations.programs()
        program = await _program(client)
        await client.programs(patient_id).assign(program.name)
        await client.programs(patient_id).move(program.name, _later(program)[0])
        before = copy.deepcopy(_state(welkin_emulator, patient_id, program.name))
        with pytest.raises(BadRequest) as raised:
            await client.programs(patient_id).move(
                program.name, _foreign_phase(formations, program)
            )
        current = await client.programs(patient_id).current(program.name)
    assert raised.value.error_code == "PHASE_NOT_FOUND"
    assert raised.value.field == "phaseName"
    assert before is not None
    assert _state(welkin_emulator, patient_id, program.name) == before
    assert _phase(current) == before["currentPhase"]["name"]


async def test_assigning_at_a_phase_outside_the_program_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assign(name, phase=...) with a phase the program lacks raises BadRequest PHASE_NOT_FOUND
    naming phaseName, and the patient stays out of the program."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        formations = await client.formations.programs()
        program = formations[0]
        with pytest.raises(BadRequest) as raised:
            await client.programs(patient_id).assign(
                program.name, phase=_foreign_phase(formations, program)
            )
    assert (raised.value.error_code, raised.value.field) == ("PHASE_NOT_FOUND", "phaseName")
    assert _state(welkin_emulator, patient_id, program.name) is None


async def test_moving_a_program_the_patient_is_not_in_is_conflict(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """move() of a program the patient is not in raises Conflict PROGRAM_NOT_ASSIGNED."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        with pytest.raises(Conflict) as raised:
            await client.programs(patient_id).move(program.name, _later(program)[0])
    assert raised.value.error_code == "PROGRAM_NOT_ASSIGNED"
    assert _state(welkin_emulator, patient_id, program.name) is None


async def test_current_of_an_unassigned_program_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """current(name) of a program the patient was never in raises NotFound."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        with pytest.raises(NotFound) as raised:
            await client.programs(patient_id).current(program.name)
    assert raised.value.error_code == "PROGRAM_NOT_ASSIGNED"
    assert _state(welkin_emulator, patient_id, program.name) is None


async def test_an_unknown_program_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assign() of a program the tenant lacks raises NotFound PROGRAM_NOT_FOUND."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        names = [p.name for p in await client.formations.programs()]
        missing = "-".join(names) + "-missing"
        with pytest.raises(NotFound) as raised:
            await client.programs(patient_id).assign(missing)
    assert raised.value.error_code == "PROGRAM_NOT_FOUND"
    assert _state(welkin_emulator, patient_id, missing) is None


# --- unassign by id --------------------------------------------------------------------------


async def test_unassign_by_id_removes_the_assignment(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """unassign_by_id(id) removes the patient program: it is listed unassigned again and its
    history is NotFound."""
    patient_id = _free_patient(welkin_emulator)
    async with connect() as client:
        program = await _program(client)
        assigned = await client.programs(patient_id).assign(program.name)
        await client.programs(patient_id).unassign_by_id(str(assigned.id))
        listed = {p.program_name: p async for p in client.programs(patient_id).list()}
        with pytest.raises(NotFound):
            await client.programs(patient_id).history(str(assigned.id))
    assert _state(welkin_emulator, patient_id, program.name) is None
    assert str(assigned.id) not in acme_live(welkin_emulator).patient_programs
    assert listed[program.name].assigned is False


async def test_unassign_by_id_of_an_unknown_id_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An id the patient has no assignment under raises NotFound PATIENT_PROGRAM_NOT_FOUND."""
    live = acme_live(welkin_emulator)
    (owner, _), row_id = next(iter(live.program_of.items()))
    other = next(pid for pid in live.patients.ids() if pid != owner)
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.programs(other).unassign_by_id(row_id)
    assert caught.value.error_code == "PATIENT_PROGRAM_NOT_FOUND"
    assert row_id in live.patient_programs


async def test_unassign_by_id_by_a_role_without_delete_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care coordinator may change programs but not delete an assignment: PermissionDenied."""
    live = acme_live(welkin_emulator)
    (patient_id, _), row_id = next(iter(live.program_of.items()))
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.programs(patient_id).unassign_by_id(row_id)
    assert caught.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
    assert row_id in live.patient_programs
