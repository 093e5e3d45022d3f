"""Encounters and assessment records: lifecycle, locking, full-encounters, answers."""

from __future__ import annotations

from typing import Any

from tests.testing.conftest import Api
from welkin_async.testing import WelkinEmulator

CREATE = {
    "templateName": "etmp-initial-consultation",
    "title": "First visit",
    "currentScheduledAppointment": {
        "eventTitle": "FIRST VISIT",
        "startDateTime": "2026-01-05T15:00:00.000Z",
        "endDateTime": "2026-01-05T16:00:00.000Z",
        "participants": [{"participantId": "p-1", "participantRole": "patient"}],
    },
}


def _patient(emulator: WelkinEmulator) -> str:
    return emulator.tenant().environments["live"].patients.ids()[1]


async def _encounter(api: Api, patient_id: str) -> dict[str, Any]:
    made = await api.call("POST", f"patients/{patient_id}/encounters", json_body=CREATE)
    assert made.status == 201, made.body
    encounter: dict[str, Any] = made.body
    return encounter


async def test_create_opens_an_encounter_in_the_record_envelope(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A new encounter is OPEN, typed by its template, with the appointment filled in."""
    encounter = await _encounter(api, _patient(emulator))
    body = encounter["jsonBody"]
    assert (encounter["cdtName"], body["status"], body["type"]) == (
        "encounter",
        "OPEN",
        "etmp-initial-consultation",
    )
    appointment = body["currentScheduledAppointment"]
    assert appointment["eventStatus"] == "SCHEDULED"
    assert appointment["participants"][0]["participantRole"] == "patient"


async def test_unknown_template_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """An encounter template the tenant lacks answers 400 naming templateName."""
    answer = await api.call(
        "POST", f"patients/{_patient(emulator)}/encounters", json_body={"templateName": "nope"}
    )
    assert answer.status == 400
    assert answer.error["details"] == {"field": "templateName"}


async def test_list_is_a_meta_info_page_without_deleted(api: Api, emulator: WelkinEmulator) -> None:
    """Encounters list as {data, metaInfo}; a deleted one is left out."""
    patient_id = _patient(emulator)
    kept = await _encounter(api, patient_id)
    dropped = await _encounter(api, patient_id)
    assert (
        await api.call("DELETE", f"patients/{patient_id}/encounters/{dropped['id']}")
    ).status == 204
    listed = (await api.call("GET", f"patients/{patient_id}/encounters")).body
    ids = [e["id"] for e in listed["data"]]
    assert kept["id"] in ids
    assert dropped["id"] not in ids
    assert listed["metaInfo"]["page"] == 0
    assert listed["metaInfo"]["totalElements"] == len(ids)


async def test_completing_locks_the_encounter_and_its_assessments(
    api: Api, emulator: WelkinEmulator
) -> None:
    """After COMPLETED the encounter and its assessments refuse changes with error arrays."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, patient_id)
    base = f"patients/{patient_id}/encounters/{encounter['id']}"
    assessments = (await api.call("GET", f"{base}/assessments")).body
    assert [a["assessmentName"] for a in assessments] == ["asm-phq9-screen"]
    record_id = assessments[0]["id"]
    done = await api.call("PATCH", base, json_body={"status": "COMPLETED", "notes": "done"})
    assert done.body["jsonBody"]["status"] == "COMPLETED"
    again = await api.call("PATCH", base, json_body={"notes": "more"})
    assert (again.status, again.error["errorCode"]) == (409, "ENCOUNTER_LOCKED")
    locked = await api.call(
        "PUT",
        f"patients/{patient_id}/assessment-records/{record_id}/answers",
        json_body={"cdt-phq9__cdtf-q1": "1"},
    )
    assert (locked.status, locked.error["errorCode"]) == (409, "ASSESSMENT_LOCKED")
    via_encounter = await api.call(
        "PUT", f"{base}/assessments/{record_id}", json_body={"assessmentName": "asm-phq9-screen"}
    )
    assert via_encounter.status == 409


async def test_full_encounter_bundles_its_parts(api: Api, emulator: WelkinEmulator) -> None:
    """full-encounters answers the encounter with its calendar event and assessment links."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, patient_id)
    full = (await api.call("GET", f"patients/{patient_id}/full-encounters/{encounter['id']}")).body
    assert full["encounter"]["id"] == encounter["id"]
    assert full["calendarEvent"]["eventTitle"] == "FIRST VISIT"
    assert [link["assessmentName"] for link in full["assessmentLinks"]] == ["asm-phq9-screen"]
    assert full["assessmentLinks"][0]["locked"] is False


async def test_assessment_record_crud_and_answers(api: Api, emulator: WelkinEmulator) -> None:
    """An assessment record is created, answered (merged), completed and listed as a Spring page."""
    patient_id = _patient(emulator)
    base = f"patients/{patient_id}/assessment-records"
    made = await api.call(
        "POST",
        base,
        json_body={
            "assessmentName": "asm-self-care-check",
            "answers": {"cdt-self-care__cdtf-unwind": "tea"},
        },
    )
    assert (made.status, made.body["status"]) == (201, "DRAFT")
    answered = await api.call(
        "PUT",
        f"{base}/{made.body['id']}/answers",
        json_body={"cdt-self-care__cdtf-alone-time": "Yes"},
    )
    assert answered.body["answers"] == {
        "cdt-self-care__cdtf-unwind": "tea",
        "cdt-self-care__cdtf-alone-time": "Yes",
    }
    completed = await api.call(
        "PUT",
        f"{base}/{made.body['id']}",
        json_body={"assessmentName": "asm-self-care-check", "status": "COMPLETED", "answers": {}},
    )
    assert completed.body["status"] == "COMPLETED"
    assert completed.body["finalizedDate"] is not None
    listed = (await api.call("GET", base)).body
    assert made.body["id"] in [r["id"] for r in listed["content"]]
    assert (await api.call("DELETE", f"{base}/{made.body['id']}")).status == 204


async def test_answer_to_an_unknown_question_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """An answer key that is not one of the assessment's questions answers 400 naming it."""
    answer = await api.call(
        "POST",
        f"patients/{_patient(emulator)}/assessment-records",
        json_body={"assessmentName": "asm-self-care-check", "answers": {"cdt-x__y": 1}},
    )
    assert answer.status == 400
    assert answer.error["details"] == {"field": "cdt-x__y"}
