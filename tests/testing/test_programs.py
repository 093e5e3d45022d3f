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
    """Assigning starts at the given phase; moving appends to pathHistory and to history."""
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
    assert [p["name"] for p in history.body] == ["intake", "active-care"]


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
