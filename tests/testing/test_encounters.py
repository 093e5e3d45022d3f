"""Encounters, their assessment links, comments and dispositions, and assessment records: the
live shapes, the lifecycle (DRAFT, OPEN, COMPLETED), locking, full-encounters (one, and the lists
of a patient and of a user), status filters, answers, and reading and changing a disposition."""

from __future__ import annotations

from typing import Any

from tests.testing.conftest import Api, ApiFactory
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


# --- comments ------------------------------------------------------------------------------------

_COMMENT_KEYS = {
    "id",
    "createdAt",
    "updatedAt",
    "createdBy",
    "updatedBy",
    "createdByName",
    "updatedByName",
    "encounterId",
    "text",
}


def _comments_base(patient_id: str, encounter_id: str) -> str:
    return f"patients/{patient_id}/encounters/{encounter_id}/comments"


async def test_comments_are_written_read_replaced_and_deleted(
    api: Api, emulator: WelkinEmulator
) -> None:
    """POST answers 201 with the comment; list is a bare array of it; PUT changes the text and
    the editor only; DELETE answers 204, and the comment is gone (404)."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, emulator)
    base = _comments_base(patient_id, encounter["id"])
    made = await api.call("POST", base, json_body={"text": "first note"})
    assert made.status == 201
    comment = made.body
    assert set(comment) == _COMMENT_KEYS
    assert (comment["encounterId"], comment["text"], comment["createdByName"]) == (
        encounter["id"],
        "first note",
        "acme-admin",
    )
    assert (await api.call("GET", base)).body == [comment]
    assert (await api.call("GET", f"{base}/{comment['id']}")).body == comment
    replaced = (await api.call("PUT", f"{base}/{comment['id']}", json_body={"text": "fixed"})).body
    assert replaced["text"] == "fixed"
    assert replaced["updatedAt"] > comment["updatedAt"]
    unchanged = {k: v for k, v in replaced.items() if k not in {"text", "updatedAt"}}
    assert unchanged == {k: v for k, v in comment.items() if k not in {"text", "updatedAt"}}
    assert (await api.call("DELETE", f"{base}/{comment['id']}")).status == 204
    gone = await api.call("GET", f"{base}/{comment['id']}")
    assert (gone.status, gone.error["errorCode"]) == (404, "ENCOUNTER_COMMENT_NOT_FOUND")
    assert (await api.call("GET", base)).body == []


async def test_full_encounter_lists_its_comments(api: Api, emulator: WelkinEmulator) -> None:
    """full-encounters/{id} carries the encounter's comments, oldest first."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, emulator)
    base = _comments_base(patient_id, encounter["id"])
    made = [(await api.call("POST", base, json_body={"text": t})).body for t in ("a", "b")]
    full = await api.call("GET", f"patients/{patient_id}/full-encounters/{encounter['id']}")
    assert full.body["comments"] == made


async def test_comment_bodies_are_checked(api: Api, emulator: WelkinEmulator) -> None:
    """A comment body without text, with an empty, blank or too-long text, or with an unknown
    field answers 400 INVALID_REQUEST_BODY; nothing is stored."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, emulator)
    base = _comments_base(patient_id, encounter["id"])
    for body in (
        {},
        {"text": ""},
        {"text": " \t\n"},
        {"text": "x" * 65_536},
        {"text": 5},
        {"text": "ok", "pinned": True},
    ):
        answer = await api.call("POST", base, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY"), body
    assert (await api.call("POST", base, json_body={"text": "x" * 65_535})).status == 201
    assert len((await api.call("GET", base)).body) == 1


async def test_comments_of_a_deleted_encounter_cannot_change(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A completed encounter takes comments; once an encounter is deleted, writing its comments
    answers 409 ENCOUNTER_LOCKED while reading them still works."""
    patient_id = _patient(emulator)
    completed, dropped = await _encounter(api, emulator), await _encounter(api, emulator)
    await api.call(
        "PATCH",
        f"patients/{patient_id}/encounters/{completed['id']}",
        json_body={"status": "COMPLETED"},
    )
    addendum = await api.call(
        "POST", _comments_base(patient_id, completed["id"]), json_body={"text": "addendum"}
    )
    assert addendum.status == 201
    base = _comments_base(patient_id, dropped["id"])
    comment = (await api.call("POST", base, json_body={"text": "note"})).body
    assert (
        await api.call("DELETE", f"patients/{patient_id}/encounters/{dropped['id']}")
    ).status == 204
    for method, path, body in (
        ("POST", base, {"text": "again"}),
        ("PUT", f"{base}/{comment['id']}", {"text": "again"}),
        ("DELETE", f"{base}/{comment['id']}", None),
    ):
        answer = await api.call(method, path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (409, "ENCOUNTER_LOCKED"), method
    assert (await api.call("GET", base)).body == [comment]


async def test_comment_refusals(api_for: ApiFactory, emulator: WelkinEmulator) -> None:
    """Unknown patient, encounter or comment answer 404 with their codes; the analyst is refused
    writing a comment, the care coordinator deleting one (403)."""
    admin = await api_for()
    patient_id = _patient(emulator)
    encounter = await _encounter(admin, emulator)
    base = _comments_base(patient_id, encounter["id"])
    comment = (await admin.call("POST", base, json_body={"text": "note"})).body
    unknown = "00000000-0000-4000-8000-000000000001"
    for path, code in (
        (_comments_base(unknown, encounter["id"]), "PATIENT_NOT_FOUND"),
        (_comments_base(patient_id, unknown), "ENCOUNTER_NOT_FOUND"),
        (f"{base}/{unknown}", "ENCOUNTER_COMMENT_NOT_FOUND"),
    ):
        answer = await admin.call("GET", path)
        assert (answer.status, answer.error["errorCode"]) == (404, code)
    analyst = await api_for(role="analyst")
    assert (await analyst.call("GET", base)).status == 200
    assert (await analyst.call("POST", base, json_body={"text": "x"})).status == 403
    assert (
        await analyst.call("PUT", f"{base}/{comment['id']}", json_body={"text": "x"})
    ).status == 403
    coordinator = await api_for(role="care-coordinator")
    assert (
        await coordinator.call("PUT", f"{base}/{comment['id']}", json_body={"text": "y"})
    ).status == 200
    assert (await coordinator.call("DELETE", f"{base}/{comment['id']}")).status == 403


async def test_seeded_comments_are_on_every_third_encounter(emulator: WelkinEmulator) -> None:
    """Every third seeded encounter carries two comments by tenant users, and no other does."""
    live = emulator.tenant().environments["live"]
    users = {user["id"] for user in emulator.tenant().users}
    ids = live.encounters.ids()
    assert len(ids) >= 3
    for index, encounter_id in enumerate(ids):
        comments = [live.encounter_comments.rows[c] for c in live.comments_of.of(encounter_id)]
        assert len(comments) == (2 if index % 3 == 0 else 0)
        assert all(c["encounterId"] == encounter_id and c["createdBy"] in users for c in comments)


async def test_seeded_comments_are_the_same_for_the_same_seed(emulator: WelkinEmulator) -> None:
    """A second emulator of the same seed seeds the same comments."""
    async with WelkinEmulator(seed=7, patients=25) as again:
        other = again.tenant().environments["live"].encounter_comments.rows
        assert other == emulator.tenant().environments["live"].encounter_comments.rows


async def test_deleting_a_patient_drops_their_encounters_comments(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A deleted patient's encounters take their comments with them."""
    live = emulator.tenant().environments["live"]
    encounter_id = next(e for e in live.encounters.ids() if live.comments_of.of(e))
    patient_id = live.encounters.rows[encounter_id]["patientId"]
    comment_ids = list(live.comments_of.of(encounter_id))
    assert (await api.call("DELETE", f"patients/{patient_id}")).status == 204
    assert live.comments_of.of(encounter_id) == []
    assert not set(comment_ids) & set(live.encounter_comments.rows)


# --- full-encounter lists and status filters -----------------------------------------------------

_FULL_KEYS = {
    "encounter",
    "disposition",
    "calendarEvent",
    "userRelatedToCalendarEvent",
    "assessmentLinks",
    "comments",
}


async def test_full_encounters_list_is_a_meta_info_page_of_full_encounters(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A patient's full-encounters list is a metaInfo page whose items are what
    full-encounters/{id} answers, in the order the encounters list has them."""
    patient_id = _patient(emulator)
    for _ in range(3):
        await _encounter(api, emulator)
    listed = (
        await api.call("GET", f"patients/{patient_id}/full-encounters", params={"size": "2"})
    ).body
    plain = (await api.call("GET", f"patients/{patient_id}/encounters", params={"size": "2"})).body
    assert listed["metaInfo"] == plain["metaInfo"]
    assert [item["encounter"] for item in listed["data"]] == plain["data"]
    for item in listed["data"]:
        assert set(item) == _FULL_KEYS
        one = f"patients/{patient_id}/full-encounters/{item['encounter']['id']}"
        assert (await api.call("GET", one)).body == item


async def test_only_with_calendar_event_nulls_the_rest(api: Api, emulator: WelkinEmulator) -> None:
    """onlyWithCalendarEvent=true keeps the encounter, its event and its user; the disposition,
    assessment links and comments are null."""
    patient_id = _patient(emulator)
    encounter = await _encounter(api, emulator)
    await api.call(
        "POST", _comments_base(patient_id, encounter["id"]), json_body={"text": "hidden"}
    )
    listed = (
        await api.call(
            "GET",
            f"patients/{patient_id}/full-encounters",
            params={"onlyWithCalendarEvent": "true"},
        )
    ).body
    item = next(i for i in listed["data"] if i["encounter"]["id"] == encounter["id"])
    assert (item["disposition"], item["assessmentLinks"], item["comments"]) == (None, None, None)
    assert item["calendarEvent"] == encounter["jsonBody"]["calendarEvent"]
    assert item["userRelatedToCalendarEvent"]["id"] == _host(emulator)["id"]


async def test_statuses_filter_every_encounter_list(api: Api, emulator: WelkinEmulator) -> None:
    """statuses=... keeps exactly the encounters in those statuses, in each of the four lists;
    without it, deleted encounters are left out."""
    patient_id, host = _patient(emulator), _host(emulator)["id"]
    draft = await _encounter(api, emulator)
    dropped = await _encounter(api, emulator)
    await api.call("DELETE", f"patients/{patient_id}/encounters/{dropped['id']}")

    async def ids(path: str, key: str, statuses: str | None) -> list[str]:
        params = {"size": "1000"} | ({"statuses": statuses} if statuses else {})
        data = (await api.call("GET", path, params=params)).body["data"]
        return [item[key]["id"] if key else item["id"] for item in data]

    for path, key in (
        (f"patients/{patient_id}/encounters", ""),
        (f"patients/{patient_id}/full-encounters", "encounter"),
        (f"users/{host}/encounters", ""),
        (f"users/{host}/full-encounters", "encounter"),
    ):
        assert draft["id"] in await ids(path, key, None)
        assert dropped["id"] not in await ids(path, key, None)
        assert await ids(path, key, "DELETED") == [dropped["id"]]
        assert draft["id"] in await ids(path, key, "DRAFT, OPEN")
        assert draft["id"] not in await ids(path, key, "COMPLETED")


async def test_unknown_status_or_flag_is_refused(api: Api, emulator: WelkinEmulator) -> None:
    """An unknown status, or an onlyWithCalendarEvent that is no boolean, answers 400
    INVALID_PARAMETER naming the parameter."""
    path = f"patients/{_patient(emulator)}/full-encounters"
    for params, name in (
        ({"statuses": "DRAFT,FINISHED"}, "statuses"),
        ({"statuses": ","}, "statuses"),
        ({"onlyWithCalendarEvent": "yes"}, "onlyWithCalendarEvent"),
    ):
        answer = await api.call("GET", path, params=params)
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_PARAMETER")
        assert answer.error["details"] == {"parameter": name}


async def test_the_vendors_documented_statuses_are_taken(
    api: Api, emulator: WelkinEmulator
) -> None:
    """statuses= takes the vendor's documented ACTIVE and FINALIZED (no encounter is in them, so
    they list nothing) beside the lifecycle's, in every encounter list."""
    patient_id, host = _patient(emulator), _host(emulator)["id"]
    draft = await _encounter(api, emulator)
    for path in (
        f"patients/{patient_id}/encounters",
        f"patients/{patient_id}/full-encounters",
        f"users/{host}/encounters",
        f"users/{host}/full-encounters",
    ):
        only = await api.call("GET", path, params={"statuses": "ACTIVE,FINALIZED"})
        assert (only.status, only.body["data"]) == (200, []), path
        mixed = await api.call("GET", path, params={"statuses": "FINALIZED,DRAFT", "size": "1000"})
        data = mixed.body["data"]
        assert draft["id"] in [item.get("encounter", item)["id"] for item in data], path


async def test_an_unknown_status_is_refused_listing_those_taken(
    api: Api, emulator: WelkinEmulator
) -> None:
    """The 400 for an unknown status lists every status the filter takes."""
    path = f"patients/{_patient(emulator)}/encounters"
    answer = await api.call("GET", path, params={"statuses": "DONE"})
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_PARAMETER")
    message = answer.error["message"]
    for status in ("DRAFT", "OPEN", "ACTIVE", "FINALIZED", "COMPLETED", "DELETED"):
        assert status in message


async def test_every_encounter_list_sorts_as_asked(api: Api, emulator: WelkinEmulator) -> None:
    """sort=createdAt,desc serves each encounter list newest first, sort=createdAt,asc and no
    sort oldest first."""
    patient_id, host = _patient(emulator), _host(emulator)["id"]
    for _ in range(2):
        await _encounter(api, emulator)

    rows = emulator.tenant().environments["live"].encounters.rows

    def created(encounter_id: str) -> str:
        stamp: str = rows[encounter_id]["jsonBody"]["created_at"]
        return stamp

    async def ids(path: str, sort: str | None) -> list[str]:
        params = {"size": "1000"} | ({"sort": sort} if sort else {})
        data = (await api.call("GET", path, params=params)).body["data"]
        return [item.get("encounter", item)["id"] for item in data]

    for path in (
        f"patients/{patient_id}/encounters",
        f"patients/{patient_id}/full-encounters",
        f"users/{host}/encounters",
    ):
        stored = await ids(path, None)
        assert len(stored) >= 2, path
        assert await ids(path, "createdAt,asc") == sorted(stored, key=created), path
        newest = sorted(stored, key=created, reverse=True)
        assert await ids(path, "createdAt,desc") == newest, path
        assert newest != stored, path


async def test_a_user_full_encounter_list_sorts_by_title(
    api: Api, emulator: WelkinEmulator
) -> None:
    """users/{id}/full-encounters?sort=title,desc serves the encounters by title, last first,
    those without one last."""
    host = _host(emulator)["id"]
    await _encounter(api, emulator)
    params = {"size": "1000", "sort": "title,desc"}
    data = (await api.call("GET", f"users/{host}/full-encounters", params=params)).body["data"]
    titles = [item["encounter"]["jsonBody"]["title"] for item in data]
    named = [title for title in titles if title is not None]
    assert titles == sorted(named, reverse=True) + [None] * (len(titles) - len(named))


async def test_an_unknown_sort_field_is_refused_naming_it(
    api: Api, emulator: WelkinEmulator
) -> None:
    """sort= by a field the encounters cannot be sorted by, or in another direction, is 400
    INVALID_SORT naming what was wrong."""
    path = f"patients/{_patient(emulator)}/encounters"
    for sort, named in (("colour,asc", "colour"), ("createdAt,up", "up")):
        answer = await api.call("GET", path, params={"sort": sort})
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_SORT")
        assert answer.error["details"] == {"parameter": "sort"}
        assert f"'{named}'" in answer.error["message"]


async def test_user_full_encounters_are_the_users_encounters_in_full(
    api: Api, emulator: WelkinEmulator
) -> None:
    """users/{id}/full-encounters lists the encounters users/{id}/encounters lists, each as
    full-encounters/{id} answers it; an unknown user is 404 USER_NOT_FOUND."""
    host = _host(emulator)["id"]
    await _encounter(api, emulator)
    full = (await api.call("GET", f"users/{host}/full-encounters", params={"size": "1000"})).body
    plain = (await api.call("GET", f"users/{host}/encounters", params={"size": "1000"})).body
    assert full["metaInfo"] == plain["metaInfo"]
    assert [i["encounter"]["id"] for i in full["data"]] == [e["id"] for e in plain["data"]]
    item = full["data"][-1]
    one = f"patients/{item['encounter']['patientId']}/full-encounters/{item['encounter']['id']}"
    assert (await api.call("GET", one)).body == item
    unknown = await api.call("GET", "users/00000000-0000-4000-8000-000000000002/full-encounters")
    assert (unknown.status, unknown.error["errorCode"]) == (404, "USER_NOT_FOUND")
