"""Encounters, their assessment links and dispositions, and assessment records: the live
shapes, the lifecycle (DRAFT, OPEN, COMPLETED), locking, full-encounters, answers, and reading
and changing a disposition."""

from __future__ import annotations

from typing import Any

from tests.testing.conftest import Api
from welkin_async.testing import WelkinEmulator

START, END = "2026-01-05T15:00:00.000Z", "2026-01-05T16:00:00.000Z"


def _patient(emulator: WelkinEmulator) -> str:
    return emulator.tenant().environments["live"].patients.ids()[1]


def _host(emulator: WelkinEmulator) -> dict[str, Any]:
    host: dict[str, Any] = emulator.tenant().users[1]
    return host


def _create(emulator: WelkinEmulator) -> dict[str, Any]:
    """The recorded create body: a template, and an appointment with a user and the patient."""
    host = _host(emulator)["id"]
    return {
        "templateName": "etmp-initial-consultation",
        "title": "First visit",
        "description": "new encounter",
        "currentScheduledAppointment": {
            "eventType": "ENCOUNTER",
            "eventTitle": "FIRST VISIT",
            "startDateTime": START,
            "endDateTime": END,
            "hostId": host,
            "participants": [
                {"participantId": host, "participantRole": "psm"},
                {"participantId": _patient(emulator), "participantRole": "patient"},
            ],
        },
    }


async def _encounter(api: Api, emulator: WelkinEmulator) -> dict[str, Any]:
    made = await api.call(
        "POST", f"patients/{_patient(emulator)}/encounters", json_body=_create(emulator)
    )
    assert made.status == 201, made.body
    encounter: dict[str, Any] = made.body
    return encounter


async def test_create_makes_a_draft_in_the_record_envelope(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A new encounter is a DRAFT ``__encounter__`` record of its template, owned by the
    appointment's host, with the appointment filled in from the user and the patient."""
    encounter = await _encounter(api, emulator)
    body = encounter["jsonBody"]
    host = _host(emulator)
    patient = emulator.tenant().environments["live"].patients.rows[_patient(emulator)]
    assert (encounter["cdtName"], body["status"], body["type"], body["templateName"]) == (
        "__encounter__",
        "DRAFT",
        "etmp-initial-consultation",
        "etmp-initial-consultation",
    )
    assert (body["ownerUserId"], body["startDatetime"], body["calendarEventStartDatetime"]) == (
        host["id"],
        None,
        START,
    )
    assert (body["localCalendarEventStartDatetime"], body["localEndDatetime"]) == (
        "2026-01-05T15:00:00.000+00:00",
        "2026-01-05T16:00:00.000+00:00",
    )
    appointment = body["currentScheduledAppointment"]
    assert appointment == body["calendarEvent"]
    assert (appointment["eventStatus"], appointment["duration"]) == ("SCHEDULED", 3600)
    psm, person = appointment["participants"]
    assert (psm["firstName"], psm["enabled"], psm["birthDate"]) == (host["firstName"], True, None)
    assert (person["firstName"], person["birthDate"], person["enabled"]) == (
        patient["firstName"],
        patient["birthDate"],
        None,
    )


async def test_unknown_template_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """An encounter template the tenant lacks answers 400 naming templateName."""
    answer = await api.call(
        "POST", f"patients/{_patient(emulator)}/encounters", json_body={"templateName": "nope"}
    )
    assert answer.status == 400
    assert answer.error["details"] == {"field": "templateName"}


async def test_an_unknown_participant_or_host_is_refused(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A participant or host that is no patient or user answers 400; nothing is stored."""
    live = emulator.tenant().environments["live"]
    before = len(live.encounters)
    for change in (
        {"participants": [{"participantId": "p-1", "participantRole": "patient"}]},
        {"participants": [{"participantId": "u-1", "participantRole": "psm"}]},
        {"hostId": _patient(emulator), "participants": []},
    ):
        body = _create(emulator)
        body["currentScheduledAppointment"] |= change
        answer = await api.call("POST", f"patients/{_patient(emulator)}/encounters", json_body=body)
        assert answer.status == 400, change
    assert len(live.encounters) == before


async def test_list_is_a_meta_info_page_without_deleted(api: Api, emulator: WelkinEmulator) -> None:
    """Encounters list as {data, metaInfo}; a deleted one is left out."""
    patient_id = _patient(emulator)
    kept = await _encounter(api, emulator)
    dropped = await _encounter(api, emulator)
    assert (
        await api.call("DELETE", f"patients/{patient_id}/encounters/{dropped['id']}")
    ).status == 204
    listed = (await api.call("GET", f"patients/{patient_id}/encounters")).body
    ids = [e["id"] for e in listed["data"]]
    assert kept["id"] in ids
    assert dropped["id"] not in ids
    assert listed["metaInfo"]["page"] == 0
    assert listed["metaInfo"]["totalElements"] == len(ids)


async def test_opening_then_completing_sets_the_times(api: Api, emulator: WelkinEmulator) -> None:
    """OPEN sets the start time and active user; COMPLETED sets the end time."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, emulator)
    base = f"patients/{patient_id}/encounters/{encounter['id']}"
    opened = (await api.call("PATCH", base, json_body={"status": "OPEN"})).body["jsonBody"]
    assert opened["startDatetime"] is not None
    assert opened["activeUserId"] == opened["updated_by"]
    done = (await api.call("PATCH", base, json_body={"status": "COMPLETED"})).body["jsonBody"]
    assert (done["status"], done["startDatetime"]) == ("COMPLETED", opened["startDatetime"])
    assert done["endDatetime"] is not None


async def test_links_name_the_templates_assessments(api: Api, emulator: WelkinEmulator) -> None:
    """An encounter's assessments are ``__encounter_assessment__`` records, one per assessment of
    its template, answered by no assessment record yet."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, emulator)
    links = (
        await api.call("GET", f"patients/{patient_id}/encounters/{encounter['id']}/assessments")
    ).body
    assert [link["cdtName"] for link in links] == ["__encounter_assessment__"]
    body = links[0]["jsonBody"]
    assert (body["assessmentName"], body["assessmentRecordId"], body["fromTemplate"]) == (
        "asm-phq9-screen",
        None,
        True,
    )
    assert (body["source_id"], body["source_name"], body["relation"]) == (
        encounter["id"],
        "__encounter__",
        "ASSESSMENT",
    )


async def test_completing_locks_the_encounter_and_the_linked_records(
    api: Api, emulator: WelkinEmulator
) -> None:
    """After COMPLETED the encounter, its links and the records they point to refuse changes."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, emulator)
    base = f"patients/{patient_id}/encounters/{encounter['id']}"
    (link,) = (await api.call("GET", f"{base}/assessments")).body
    record = await api.call(
        "POST",
        f"patients/{patient_id}/assessment-records",
        json_body={"assessmentName": "asm-phq9-screen"},
    )
    pointed = await api.call(
        "PATCH",
        f"{base}/assessments/{link['id']}",
        json_body={"assessmentRecordId": record.body["id"]},
    )
    assert pointed.body["jsonBody"]["assessmentRecordId"] == record.body["id"]
    done = await api.call("PATCH", base, json_body={"status": "COMPLETED", "notes": "done"})
    assert done.body["jsonBody"]["status"] == "COMPLETED"
    again = await api.call("PATCH", base, json_body={"notes": "more"})
    assert (again.status, again.error["errorCode"]) == (409, "ENCOUNTER_LOCKED")
    locked = await api.call(
        "PUT",
        f"patients/{patient_id}/assessment-records/{record.body['id']}/answers",
        json_body={"cdt-phq9__cdtf-q1": "1"},
    )
    assert (locked.status, locked.error["errorCode"]) == (409, "ASSESSMENT_LOCKED")
    relink = await api.call(
        "PATCH", f"{base}/assessments/{link['id']}", json_body={"assessmentRecordId": None}
    )
    assert (relink.status, relink.error["errorCode"]) == (409, "ENCOUNTER_LOCKED")


async def test_full_encounter_bundles_its_parts(api: Api, emulator: WelkinEmulator) -> None:
    """full-encounters answers the encounter, its disposition, calendar event, host user,
    assessment links and comments."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, emulator)
    full = (await api.call("GET", f"patients/{patient_id}/full-encounters/{encounter['id']}")).body
    assert set(full) == {
        "encounter",
        "disposition",
        "calendarEvent",
        "userRelatedToCalendarEvent",
        "assessmentLinks",
        "comments",
    }
    assert full["encounter"] == encounter
    assert full["calendarEvent"] == encounter["jsonBody"]["calendarEvent"]
    assert full["disposition"]["id"] == encounter["jsonBody"]["dispositionId"]
    assert full["disposition"]["cdtName"] == "__encounter_disposition__"
    disposition_fields = emulator.tenant().encounter_disposition["fields"]
    editable = {f["name"] for f in disposition_fields if f["editable"]}
    assert editable <= set(full["disposition"]["jsonBody"])
    host = full["userRelatedToCalendarEvent"]
    assert (host["id"], host["locale"]) == (_host(emulator)["id"], "en-US")
    assert "applicationAccess" not in host
    assert [link["jsonBody"]["assessmentName"] for link in full["assessmentLinks"]] == [
        "asm-phq9-screen"
    ]
    assert full["comments"] == []


async def test_assessment_record_crud_and_answers(api: Api, emulator: WelkinEmulator) -> None:
    """An assessment record is created, answered (merged), completed and listed as a Spring
    page; its answers hold the system fields and every question, null until answered."""
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
    assert made.body["answers"]["cdt-self-care__cdtf-alone-time"] is None
    assert made.body["answers"]["source_id"] == made.body["id"]
    answered = await api.call(
        "PUT",
        f"{base}/{made.body['id']}/answers",
        json_body={"cdt-self-care__cdtf-alone-time": "Yes"},
    )
    given = {k: v for k, v in answered.body["answers"].items() if "__" in k and v is not None}
    assert given == {
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
    assert completed.body["localFinalizedDate"] is not None
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


async def test_disposition_is_read_and_changed_like_a_cdt_record(
    api: Api, emulator: WelkinEmulator
) -> None:
    """GET .../disposition is the encounter's disposition record (every field null at first);
    PATCH takes flat values, changes only those and answers the record."""
    encounter = await _encounter(api, emulator)
    path = f"patients/{_patient(emulator)}/encounters/{encounter['id']}/disposition"
    read = await api.call("GET", path)
    assert read.status == 200
    assert read.body["id"] == encounter["jsonBody"]["dispositionId"]
    assert read.body["cdtName"] == "__encounter_disposition__"
    assert read.body["jsonBody"]["uicedf-review"] is None
    changed = await api.call("PATCH", path, json_body={"uicedf-review": "great health"})
    assert changed.status == 200
    assert changed.body["jsonBody"]["uicedf-review"] == "great health"
    assert changed.body["jsonBody"]["uicedf-next-steps"] is None
    assert (await api.call("GET", path)).body == changed.body


async def test_disposition_refusals(api: Api, emulator: WelkinEmulator) -> None:
    """A field the disposition does not define or a value it refuses is 400; an unknown
    encounter 404."""
    encounter = await _encounter(api, emulator)
    base = f"patients/{_patient(emulator)}/encounters"
    path = f"{base}/{encounter['id']}/disposition"
    unknown = await api.call("PATCH", path, json_body={"uicedf-mood": "fine"})
    assert (unknown.status, unknown.error["errorCode"]) == (400, "CDT_FIELD_VALIDATION_FAILED")
    assert unknown.error["details"]["field"] == "uicedf-mood"
    refused = await api.call("PATCH", path, json_body={"uicedf-treatment": "Maybe"})
    assert (refused.status, refused.error["details"]["field"]) == (400, "uicedf-treatment")
    missing = await api.call("GET", f"{base}/00000000-0000-4000-8000-000000000000/disposition")
    assert (missing.status, missing.error["errorCode"]) == (404, "ENCOUNTER_NOT_FOUND")
