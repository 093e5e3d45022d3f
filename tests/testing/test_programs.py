"""A patient's programs: list, assign, move phase, history."""

from __future__ import annotations

from tests.testing.conftest import Api
from welkin_async.testing import WelkinEmulator


def _fresh_patient(emulator: WelkinEmulator) -> str:
    """A seeded patient with no program (seeding assigns every third patient)."""
    live = emulator.tenant().environments["live"]
    return next(p for p in live.patients.ids() if not any(k[0] == p for k in live.program_of))


async def test_list_shows_every_program_with_the_patients_state(
    api: Api, emulator: WelkinEmulator
) -> None:
    """programs lists all tenant programs as a metaInfo page; unassigned ones have nulls."""
    listed = (await api.call("GET", f"patients/{_fresh_patient(emulator)}/programs")).body
    names = [p["programName"] for p in listed["data"]]
    assert names == ["prog-diabetes", "prog-onboarding", "prog-behavioral-health"]
    assert all(p["assigned"] is False and p["currentPhase"] is None for p in listed["data"])
    assert listed["metaInfo"]["totalElements"] == 3


async def test_assign_then_move_phase_records_history(api: Api, emulator: WelkinEmulator) -> None:
    """Assigning starts at the given phase; moving appends to pathHistory; history answers the
    patient program itself."""
    patient_id = _fresh_patient(emulator)
    base = f"patients/{patient_id}/programs"
    assigned = await api.call(
        "PATCH", f"{base}/prog-diabetes", json_body={"assigned": True, "phaseName": "intake"}
    )
    assert assigned.status == 200
    assert (assigned.body["status"], assigned.body["currentPhase"]["name"]) == (
        "IN_PROGRESS",
        "intake",
    )
    moved = await api.call(
        "PATCH", f"{base}/prog-diabetes/phases", json_body={"phaseName": "active-care"}
    )
    assert [p["name"] for p in moved.body["pathHistory"]] == ["intake", "active-care"]
    current = await api.call("GET", f"{base}/current/prog-diabetes")
    assert current.body["currentPhase"]["name"] == "active-care"
    history = await api.call("GET", f"{base}/history/{moved.body['id']}")
    assert history.body == current.body
    assert [p["name"] for p in history.body["pathHistory"]] == ["intake", "active-care"]


async def test_the_general_update_moves_sets_status_and_unassigns(
    api: Api, emulator: WelkinEmulator
) -> None:
    """``PATCH programs/{name}`` with ``phaseName`` alone moves (the recorded live form), with
    ``status`` sets it, with ``assigned`` false takes the patient out."""
    patient_id = _fresh_patient(emulator)
    base = f"patients/{patient_id}/programs/prog-diabetes"
    await api.call("PATCH", base, json_body={"assigned": True})
    moved = await api.call("PATCH", base, json_body={"phaseName": "active-care"})
    assert moved.status == 200
    assert moved.body["currentPhase"]["name"] == "active-care"
    completed = await api.call("PATCH", base, json_body={"status": "COMPLETED"})
    assert (completed.body["status"], completed.body["currentPhase"]["name"]) == (
        "COMPLETED",
        "active-care",
    )
    out = await api.call("PATCH", base, json_body={"assigned": False})
    assert (out.body["assigned"], out.body["status"]) == (False, "CANCELLED")
    empty = await api.call("PATCH", base, json_body={})
    assert (empty.status, empty.error["errorCode"]) == (400, "PROGRAM_UPDATE_EMPTY")


async def test_unassigned_programs_name_their_author(api: Api, emulator: WelkinEmulator) -> None:
    """A program the patient is not in lists with null ids and times but its author's name,
    as the live API serves it."""
    patient_id = _fresh_patient(emulator)
    listed = (await api.call("GET", f"patients/{patient_id}/programs")).body["data"]
    unassigned = [p for p in listed if not p["assigned"]]
    assert unassigned
    for program in unassigned:
        assert (program["id"], program["createdAt"], program["currentPhase"]) == (None, None, None)
        assert isinstance(program["createdByName"], str)
        assert isinstance(program["updatedByName"], str)


async def test_phase_not_in_program_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """A phase the program does not have answers 400 PHASE_NOT_FOUND; nothing changes."""
    patient_id = _fresh_patient(emulator)
    base = f"patients/{patient_id}/programs"
    await api.call("PATCH", f"{base}/prog-onboarding", json_body={"assigned": True})
    answer = await api.call(
        "PATCH", f"{base}/prog-onboarding/phases", json_body={"phaseName": "intake"}
    )
    assert answer.status == 400
    assert (answer.error["errorCode"], answer.error["details"]) == (
        "PHASE_NOT_FOUND",
        {"field": "phaseName"},
    )
    current = await api.call("GET", f"{base}/current/prog-onboarding")
    assert current.body["currentPhase"]["name"] == "start"


async def test_moving_an_unassigned_program_conflicts(api: Api, emulator: WelkinEmulator) -> None:
    """Moving phase in a program the patient is not in answers 409 PROGRAM_NOT_ASSIGNED."""
    patient_id = _fresh_patient(emulator)
    answer = await api.call(
        "PATCH",
        f"patients/{patient_id}/programs/prog-diabetes/phases",
        json_body={"phaseName": "intake"},
    )
    assert (answer.status, answer.error["errorCode"]) == (409, "PROGRAM_NOT_ASSIGNED")


async def test_finish_phase_completes_the_program(api: Api, emulator: WelkinEmulator) -> None:
    """Moving to a FINISH phase marks the program COMPLETED."""
    patient_id = _fresh_patient(emulator)
    base = f"patients/{patient_id}/programs/prog-onboarding"
    await api.call("PATCH", base, json_body={"assigned": True})
    finished = await api.call("PATCH", base, json_body={"phaseName": "finish"})
    assert finished.body["status"] == "COMPLETED"


async def test_delete_by_patient_program_id_removes_the_assignment(
    api: Api, emulator: WelkinEmulator
) -> None:
    """``DELETE programs/{patientProgramId}`` answers 204 with no body; the program is listed
    unassigned again and its history is 404 PATIENT_PROGRAM_NOT_FOUND."""
    patient_id = _fresh_patient(emulator)
    base = f"patients/{patient_id}/programs"
    assigned = await api.call("PATCH", f"{base}/prog-diabetes", json_body={"assigned": True})
    row_id = assigned.body["id"]
    removed = await api.call("DELETE", f"{base}/{row_id}")
    assert (removed.status, removed.body) == (204, b"")
    listed = (await api.call("GET", base)).body["data"]
    diabetes = next(p for p in listed if p["programName"] == "prog-diabetes")
    assert diabetes["assigned"] is False
    history = await api.call("GET", f"{base}/history/{row_id}")
    assert (history.status, history.error["errorCode"]) == (404, "PATIENT_PROGRAM_NOT_FOUND")


async def test_delete_of_another_patients_program_is_not_found(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A patient program id of another patient answers 404 and removes nothing."""
    live = emulator.tenant().environments["live"]
    (owner, _), row_id = next(iter(live.program_of.items()))
    other = _fresh_patient(emulator)
    answer = await api.call("DELETE", f"patients/{other}/programs/{row_id}")
    assert (answer.status, answer.error["errorCode"]) == (404, "PATIENT_PROGRAM_NOT_FOUND")
    assert row_id in live.patient_programs
    assert owner != other
