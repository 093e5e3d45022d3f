"""``client.encounters(patient_id)`` against the emulator: create from a template, get, full,
update, start, complete, delete, list, the encounter's assessment links and its disposition, and
the locks a completed encounter puts on itself and on the assessment records its links point to."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from tests.conftest import Connect, a_patient, acme_live
from welkin_async import WelkinClient, unstructure
from welkin_async.errors import BadRequest, Conflict, NotFound, PermissionDenied
from welkin_async.models import (
    AppointmentCreate,
    CalendarEvent,
    CdtRecord,
    Encounter,
    EncounterAssessment,
    EncounterAssessmentCreate,
    EncounterCreate,
    EncounterStatus,
    EncounterTemplate,
    ParticipantCreate,
    User,
)
from welkin_async.resources import question_keys
from welkin_async.testing import WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(patients=4, tenants=["acme"])


def _names(template: EncounterTemplate) -> list[str]:
    """The assessment names a template carries (none when the field is absent)."""
    return list(template.assessment_names) if isinstance(template.assessment_names, list) else []


async def _template(client: WelkinClient) -> EncounterTemplate:
    """A template of the tenant that carries at least one assessment."""
    templates = await client.formations.encounter_templates()
    return next(t for t in templates if _names(t))


async def _open(client: WelkinClient, patient_id: str, **fields: Any) -> str:
    """Create an encounter from a template with assessments; return its id."""
    template = await _template(client)
    made = await client.encounters(patient_id).create(template_name=template.name, **fields)
    return str(made.id)


def _stored(emulator: WelkinEmulator, encounter_id: str) -> dict[str, Any]:
    """The encounter's fields (``jsonBody``) as the emulator stores them."""
    body: dict[str, Any] = acme_live(emulator).encounters.rows[encounter_id]["jsonBody"]
    return body


def _linked(emulator: WelkinEmulator, encounter_id: str) -> list[str]:
    """The ids of the encounter's assessment links, as the emulator holds them."""
    return list(acme_live(emulator).links_of.of(encounter_id))


def _link(emulator: WelkinEmulator, link_id: str) -> dict[str, Any]:
    """An assessment link's fields (``jsonBody``) as the emulator stores them."""
    body: dict[str, Any] = acme_live(emulator).encounter_links.rows[link_id]["jsonBody"]
    return body


async def _answer_link(
    client: WelkinClient, emulator: WelkinEmulator, patient_id: str, encounter_id: str
) -> str:
    """Fill in the encounter's first assessment link: a record of its assessment, linked."""
    link_id = _linked(emulator, encounter_id)[0]
    name = _link(emulator, link_id)["assessmentName"]
    record = await client.assessment_records(patient_id).create(assessment_name=name)
    links = client.encounters(patient_id).assessments(encounter_id)
    await links.update(link_id, assessment_record_id=record.id)
    return str(record.id)


def _listed_ids(emulator: WelkinEmulator, patient_id: str) -> list[str]:
    """The patient's encounter ids in state, in order, deleted ones left out."""
    live = acme_live(emulator)
    return [
        encounter_id
        for encounter_id in live.encounters_of.of(patient_id)
        if live.encounters.rows[encounter_id]["jsonBody"]["status"] != "DELETED"
    ]


# --- create ----------------------------------------------------------------------------------


async def test_create_with_keyword_fields_stores_a_draft_encounter(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create(template_name=..., title=...) stores a DRAFT encounter of that template (a new
    encounter is a draft on the live API)."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        template = await _template(client)
        made = await client.encounters(patient_id).create(
            template_name=template.name, title="Intake visit", notes="bring labs"
        )
    stored = _stored(welkin_emulator, str(made.id))
    assert acme_live(welkin_emulator).encounters.rows[str(made.id)]["patientId"] == patient_id
    assert (stored["templateName"], stored["title"], stored["notes"], stored["status"]) == (
        template.name,
        "Intake visit",
        "bring labs",
        "DRAFT",
    )
    assert made.cdt_name == "__encounter__"
    assert isinstance(made.json_body, Encounter)
    assert made.json_body.status == EncounterStatus.DRAFT
    assert made.json_body.template_name == template.name


async def test_create_accepts_an_encounter_create_model(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create(EncounterCreate(...)) sends the model's fields by their wire names."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        template = await _template(client)
        made = await client.encounters(patient_id).create(
            EncounterCreate(template_name=template.name, description="from a model")
        )
    stored = _stored(welkin_emulator, str(made.id))
    assert (stored["templateName"], stored["description"]) == (template.name, "from a model")


async def test_create_links_the_templates_assessments(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Each assessment of the template gets a link with the encounter, listed under it as an
    ``__encounter_assessment__`` record that no assessment record answers yet."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        template = await _template(client)
        made = await client.encounters(patient_id).create(template_name=template.name)
        listed = await client.encounters(patient_id).assessments(str(made.id)).list()
    assert [str(link.id) for link in listed] == _linked(welkin_emulator, str(made.id))
    assert [link.cdt_name for link in listed] == ["__encounter_assessment__"] * len(listed)
    bodies = [link.json_body for link in listed]
    assert all(isinstance(body, EncounterAssessment) for body in bodies)
    assert [body.assessment_name for body in bodies] == _names(template)
    assert [(body.assessment_record_id, body.from_template) for body in bodies] == [
        (None, True)
    ] * len(bodies)
    assert {str(link.patient_id) for link in listed} == {patient_id}


async def test_full_carries_the_encounter_its_disposition_and_links(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """full(id) holds the encounter, its (empty) disposition record and its assessment links."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        full = await client.encounters(patient_id).full(encounter_id)
    assert str(full.encounter.id) == encounter_id
    assert isinstance(full.encounter.json_body, Encounter)
    disposition = full.disposition
    assert isinstance(disposition, CdtRecord)
    assert str(disposition.id) == _stored(welkin_emulator, encounter_id)["dispositionId"]
    assert disposition.cdt_name == "__encounter_disposition__"
    assert disposition.json_body["source_id"] == encounter_id
    assert isinstance(full.assessment_links, list)
    assert [str(link.id) for link in full.assessment_links] == _linked(
        welkin_emulator, encounter_id
    )
    assert (full.calendar_event, full.user_related_to_calendar_event, full.comments) == (
        None,
        None,
        [],
    )


async def test_create_schedules_the_given_appointment(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An AppointmentCreate given to create() is stored as the encounter's calendar event, its
    participants filled in from the patient and the user, its host the encounter's owner."""
    patient_id = a_patient(welkin_emulator)
    host = welkin_emulator.tenant("acme").users[1]
    start = datetime(2026, 1, 5, 15, tzinfo=UTC)
    appointment = AppointmentCreate(
        event_title="Visit",
        start_date_time=start,
        end_date_time=start + timedelta(hours=1),
        host_id=UUID(host["id"]),
        participants=[
            ParticipantCreate(participant_id=UUID(host["id"]), participant_role="psm"),
            ParticipantCreate(participant_id=UUID(patient_id), participant_role="patient"),
        ],
    )
    async with connect() as client:
        template = await _template(client)
        made = await client.encounters(patient_id).create(
            template_name=template.name, current_scheduled_appointment=appointment
        )
        full = await client.encounters(patient_id).full(str(made.id))
    stored = _stored(welkin_emulator, str(made.id))
    patient_row = acme_live(welkin_emulator).patients.rows[patient_id]
    assert stored["calendarEventStartDatetime"] == "2026-01-05T15:00:00.000Z"
    assert stored["startDatetime"] is None  # set when the encounter starts, not when scheduled
    assert stored["currentScheduledAppointment"]["eventTitle"] == "Visit"
    assert stored["ownerUserId"] == host["id"]
    assert made.json_body.calendar_event_start_datetime == start
    assert isinstance(full.calendar_event, CalendarEvent)
    assert str(full.calendar_event.id) == stored["calendarEventId"]
    assert full.calendar_event.duration == 3600
    people = full.calendar_event.participants
    assert isinstance(people, list)
    assert [(p.first_name, p.birth_date) for p in people] == [
        (host["firstName"], None),
        (patient_row["firstName"], datetime.fromisoformat(patient_row["birthDate"])),
    ]
    assert isinstance(full.user_related_to_calendar_event, User)
    assert str(full.user_related_to_calendar_event.id) == host["id"]


async def test_an_appointment_with_an_unknown_participant_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A participant who is no patient of the environment raises BadRequest; nothing is made."""
    patient_id, other = acme_live(welkin_emulator).patients.ids()[:2]
    stranger = other[::-1]
    before = list(acme_live(welkin_emulator).encounters_of.of(patient_id))
    appointment = AppointmentCreate(
        participants=[ParticipantCreate(participant_id=UUID(stranger), participant_role="patient")]
    )
    async with connect() as client:
        template = await _template(client)
        with pytest.raises(BadRequest) as raised:
            await client.encounters(patient_id).create(
                template_name=template.name, current_scheduled_appointment=appointment
            )
    assert raised.value.error_code == "PARTICIPANT_NOT_FOUND"
    assert acme_live(welkin_emulator).encounters_of.of(patient_id) == before


async def test_a_template_without_assessments_makes_none(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An encounter from a template that carries no assessments lists no assessment links."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        templates = await client.formations.encounter_templates()
        bare = next(t for t in templates if not _names(t))
        made = await client.encounters(patient_id).create(template_name=bare.name)
        listed = await client.encounters(patient_id).assessments(str(made.id)).list()
    assert listed == []
    assert _linked(welkin_emulator, str(made.id)) == []


async def test_unknown_template_is_bad_request_naming_template_name(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A template the tenant lacks raises BadRequest with field templateName; nothing is made."""
    patient_id = a_patient(welkin_emulator)
    before = list(acme_live(welkin_emulator).encounters_of.of(patient_id))
    async with connect() as client:
        names = {t.name for t in await client.formations.encounter_templates()}
        missing = "-".join(sorted(names)) + "-missing"
        with pytest.raises(BadRequest) as raised:
            await client.encounters(patient_id).create(template_name=missing)
    assert raised.value.field == "templateName"
    assert raised.value.error_code == "ENCOUNTER_TEMPLATE_NOT_FOUND"
    assert acme_live(welkin_emulator).encounters_of.of(patient_id) == before


# --- get, update, complete, delete -----------------------------------------------------------


async def test_get_returns_the_stored_encounter(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get(id) returns the encounter as stored: id, patient, version and fields."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id, title="Check-in")
        got = await client.encounters(patient_id).get(encounter_id)
    row = acme_live(welkin_emulator).encounters.rows[encounter_id]
    assert (str(got.id), str(got.patient_id), got.version) == (
        row["id"],
        row["patientId"],
        row["version"],
    )
    assert (got.json_body.title, got.json_body.status, got.json_body.template_name) == (
        row["jsonBody"]["title"],
        row["jsonBody"]["status"],
        row["jsonBody"]["templateName"],
    )


async def test_get_of_another_patients_encounter_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An encounter id read under a patient it does not belong to raises NotFound."""
    owner, other = acme_live(welkin_emulator).patients.ids()[:2]
    async with connect() as client:
        encounter_id = await _open(client, owner)
        with pytest.raises(NotFound):
            await client.encounters(other).get(encounter_id)


async def test_update_changes_only_the_given_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, notes=...) changes notes and leaves title and description as they were."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id, title="Kept", description="Also kept")
        before = copy.deepcopy(_stored(welkin_emulator, encounter_id))
        updated = await client.encounters(patient_id).update(encounter_id, notes="changed")
    after = _stored(welkin_emulator, encounter_id)
    assert after["notes"] == "changed"
    assert (after["title"], after["description"], after["status"]) == (
        before["title"],
        before["description"],
        before["status"],
    )
    assert (updated.json_body.title, updated.json_body.notes) == (before["title"], "changed")


async def test_update_with_none_clears_a_field(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, description=None) stores null for description and keeps the title."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id, title="Kept", description="Dropped")
        await client.encounters(patient_id).update(encounter_id, description=None)
    after = _stored(welkin_emulator, encounter_id)
    assert (after["title"], after["description"]) == ("Kept", None)


async def test_update_with_an_unknown_field_is_a_type_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A keyword that EncounterUpdate lacks is refused before anything is sent."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        before = copy.deepcopy(acme_live(welkin_emulator).encounters.rows[encounter_id])
        with pytest.raises(TypeError, match="template_title"):
            await client.encounters(patient_id).update(
                encounter_id,
                template_title="other",  # type: ignore[call-arg]
            )
    assert acme_live(welkin_emulator).encounters.rows[encounter_id] == before


async def test_update_to_another_template_changes_its_type(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, template_name=...) moves the encounter to another template of the formation
    (the vendor's PATCH body); its type follows. A template the tenant lacks is BadRequest."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        templates = await client.formations.encounter_templates()
        other = next(
            t.name
            for t in templates
            if t.name != _stored(welkin_emulator, encounter_id)["templateName"]
        )
        updated = await client.encounters(patient_id).update(encounter_id, template_name=other)
        with pytest.raises(BadRequest) as raised:
            await client.encounters(patient_id).update(encounter_id, template_name=other + "-x")
    stored = _stored(welkin_emulator, encounter_id)
    assert (stored["templateName"], stored["type"]) == (other, other)
    assert updated.json_body.template_name == other
    assert (raised.value.error_code, raised.value.field) == (
        "ENCOUNTER_TEMPLATE_NOT_FOUND",
        "templateName",
    )


async def test_complete_marks_the_encounter_completed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """complete(id) moves the stored encounter to COMPLETED and returns it so."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        completed = await client.encounters(patient_id).complete(encounter_id)
    assert _stored(welkin_emulator, encounter_id)["status"] == "COMPLETED"
    assert completed.json_body.status == EncounterStatus.COMPLETED


async def test_opening_starts_the_encounter(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(id, status=OPEN) starts the encounter: its start time and active user are set."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        opened = await client.encounters(patient_id).update(
            encounter_id, status=EncounterStatus.OPEN
        )
    stored = _stored(welkin_emulator, encounter_id)
    assert stored["status"] == "OPEN"
    assert stored["startDatetime"] is not None
    assert stored["activeUserId"] == stored["updated_by"]
    assert opened.json_body.start_datetime == datetime.fromisoformat(stored["startDatetime"])


async def test_complete_locks_the_records_its_links_point_to(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """After complete(id) the assessment record a link points to is LOCKED, in state and as
    read; the encounter's end time is set."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        record_id = await _answer_link(client, welkin_emulator, patient_id, encounter_id)
        await client.encounters(patient_id).complete(encounter_id)
        record = await client.assessment_records(patient_id).get(record_id)
    assert acme_live(welkin_emulator).assessments.rows[record_id]["status"] == "LOCKED"
    assert record.status == "LOCKED"
    assert _stored(welkin_emulator, encounter_id)["endDatetime"] is not None


async def test_updating_a_completed_encounter_is_conflict_encounter_locked(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update() of a completed encounter raises Conflict ENCOUNTER_LOCKED and changes nothing."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id, title="Final")
        await client.encounters(patient_id).complete(encounter_id)
        before = copy.deepcopy(acme_live(welkin_emulator).encounters.rows[encounter_id])
        with pytest.raises(Conflict) as raised:
            await client.encounters(patient_id).update(encounter_id, title="Too late")
    assert raised.value.error_code == "ENCOUNTER_LOCKED"
    assert acme_live(welkin_emulator).encounters.rows[encounter_id] == before


async def test_deleting_a_completed_encounter_is_conflict_encounter_locked(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """delete() of a completed encounter raises Conflict ENCOUNTER_LOCKED; it stays COMPLETED."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        await client.encounters(patient_id).complete(encounter_id)
        with pytest.raises(Conflict) as raised:
            await client.encounters(patient_id).delete(encounter_id)
    assert raised.value.error_code == "ENCOUNTER_LOCKED"
    assert _stored(welkin_emulator, encounter_id)["status"] == "COMPLETED"


async def test_delete_marks_the_encounter_deleted_and_leaves_it_out_of_the_list(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """delete(id) stores status DELETED, and list() no longer yields the encounter."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        kept = await _open(client, patient_id)
        dropped = await _open(client, patient_id)
        await client.encounters(patient_id).delete(dropped)
        listed = [str(record.id) async for record in client.encounters(patient_id).list()]
    assert _stored(welkin_emulator, dropped)["status"] == "DELETED"
    assert dropped not in listed
    assert kept in listed


# --- list ------------------------------------------------------------------------------------


async def test_list_yields_exactly_the_patients_encounters_in_order(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list() yields the ids the emulator holds for the patient, in order, and no one else's."""
    first, second = acme_live(welkin_emulator).patients.ids()[:2]
    async with connect() as client:
        for _ in range(3):
            await _open(client, first)
        await _open(client, second)
        listed = [str(record.id) async for record in client.encounters(first).list()]
    assert listed == _listed_ids(welkin_emulator, first)
    assert not set(listed) & set(_listed_ids(welkin_emulator, second))


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_list_over_many_pages_yields_every_encounter_once(
    welkin_emulator: WelkinEmulator, connect: Connect, concurrency: int
) -> None:
    """list(size=2, concurrency=N) walks every page and yields each encounter once, in order."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        for _ in range(7):
            await _open(client, patient_id)
        listed = [
            str(record.id)
            async for record in client.encounters(patient_id).list(size=2, concurrency=concurrency)
        ]
    expected = _listed_ids(welkin_emulator, patient_id)
    assert len(expected) >= 7
    assert listed == expected


# --- the encounter's assessment links --------------------------------------------------------


async def test_assessment_link_get_returns_the_stored_link(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assessments(eid).get(link_id) returns the link as stored."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        link_id = _linked(welkin_emulator, encounter_id)[0]
        got = await client.encounters(patient_id).assessments(encounter_id).get(link_id)
    stored = _link(welkin_emulator, link_id)
    assert (str(got.id), got.json_body.assessment_name, got.json_body.source_id) == (
        link_id,
        stored["assessmentName"],
        encounter_id,
    )


async def test_assessment_link_of_another_encounter_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A link id read under an encounter it does not belong to raises NotFound."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        first = await _open(client, patient_id)
        second = await _open(client, patient_id)
        link_id = _linked(welkin_emulator, first)[0]
        with pytest.raises(NotFound) as raised:
            await client.encounters(patient_id).assessments(second).get(link_id)
    assert raised.value.error_code == "ENCOUNTER_ASSESSMENT_NOT_FOUND"


async def test_assessment_link_create_adds_a_link(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assessments(eid).create(assessment_name=...) adds an unanswered link, not from the
    template, at the end of the encounter's links."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        names = [a.name for a in await client.formations.assessments()]
        encounter_id = await _open(client, patient_id)
        made = (
            await client.encounters(patient_id)
            .assessments(encounter_id)
            .create(assessment_name=names[-1])
        )
        listed = await client.encounters(patient_id).assessments(encounter_id).list()
    stored = _link(welkin_emulator, str(made.id))
    assert (stored["assessmentName"], stored["assessmentRecordId"], stored["fromTemplate"]) == (
        names[-1],
        None,
        False,
    )
    assert _linked(welkin_emulator, encounter_id)[-1] == str(made.id)
    assert [str(link.id) for link in listed] == _linked(welkin_emulator, encounter_id)


async def test_assessment_link_create_with_its_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create(EncounterAssessmentCreate(..., assessment_record_id=...)) links the record too."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name = (await client.formations.assessments())[0].name
        record = await client.assessment_records(patient_id).create(assessment_name=name)
        encounter_id = await _open(client, patient_id)
        made = (
            await client.encounters(patient_id)
            .assessments(encounter_id)
            .create(EncounterAssessmentCreate(assessment_name=name, assessment_record_id=record.id))
        )
    assert _link(welkin_emulator, str(made.id))["assessmentRecordId"] == str(record.id)
    assert made.json_body.assessment_record_id == record.id


async def test_assessment_link_create_of_an_unknown_assessment_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An assessment the tenant lacks raises BadRequest naming assessmentName; none is linked."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        names = {a.name for a in await client.formations.assessments()}
        encounter_id = await _open(client, patient_id)
        before = _linked(welkin_emulator, encounter_id)
        with pytest.raises(BadRequest) as raised:
            await (
                client.encounters(patient_id)
                .assessments(encounter_id)
                .create(assessment_name="-".join(sorted(names)) + "-missing")
            )
    assert raised.value.field == "assessmentName"
    assert _linked(welkin_emulator, encounter_id) == before


async def test_assessment_link_update_points_it_at_a_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update(link_id, assessment_record_id=...) stores the record the link is answered by."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        record_id = await _answer_link(client, welkin_emulator, patient_id, encounter_id)
        listed = await client.encounters(patient_id).assessments(encounter_id).list()
    link_id = _linked(welkin_emulator, encounter_id)[0]
    assert _link(welkin_emulator, link_id)["assessmentRecordId"] == record_id
    assert str(listed[0].json_body.assessment_record_id) == record_id


async def test_assessment_link_update_to_a_record_of_another_assessment_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A record that answers another assessment raises BadRequest ASSESSMENT_NAME_MISMATCH
    naming assessmentRecordId; the link is unchanged."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        link_id = _linked(welkin_emulator, encounter_id)[0]
        wanted = _link(welkin_emulator, link_id)["assessmentName"]
        forms = await client.formations.assessments()
        other = next(form.name for form in forms if form.name != wanted)
        record = await client.assessment_records(patient_id).create(assessment_name=other)
        before = copy.deepcopy(_link(welkin_emulator, link_id))
        with pytest.raises(BadRequest) as raised:
            await (
                client.encounters(patient_id)
                .assessments(encounter_id)
                .update(link_id, assessment_record_id=record.id)
            )
    assert (raised.value.error_code, raised.value.field) == (
        "ASSESSMENT_NAME_MISMATCH",
        "assessmentRecordId",
    )
    assert _link(welkin_emulator, link_id) == before


async def test_assessment_link_update_to_another_patients_record_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A record of another patient raises NotFound; the link is unchanged."""
    patient_id, other = acme_live(welkin_emulator).patients.ids()[:2]
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        link_id = _linked(welkin_emulator, encounter_id)[0]
        name = _link(welkin_emulator, link_id)["assessmentName"]
        record = await client.assessment_records(other).create(assessment_name=name)
        with pytest.raises(NotFound):
            await (
                client.encounters(patient_id)
                .assessments(encounter_id)
                .update(link_id, assessment_record_id=record.id)
            )
    assert _link(welkin_emulator, link_id)["assessmentRecordId"] is None


async def test_assessment_link_delete_removes_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """delete(link_id) removes the link from the encounter; reading it then is NotFound."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        link_id = _linked(welkin_emulator, encounter_id)[0]
        links = client.encounters(patient_id).assessments(encounter_id)
        await links.delete(link_id)
        with pytest.raises(NotFound):
            await links.get(link_id)
    assert link_id not in _linked(welkin_emulator, encounter_id)
    assert link_id not in acme_live(welkin_emulator).encounter_links


# --- a completed encounter locks its links and their records ---------------------------------

Attempt = Callable[[WelkinClient, str, dict[str, Any]], Awaitable[object]]


async def _answer(client: WelkinClient, patient_id: str, row: dict[str, Any]) -> object:
    question = next(iter(row["questions"]))
    return await client.assessment_records(patient_id).answer(row["id"], {question: 1})


async def _replace(client: WelkinClient, patient_id: str, row: dict[str, Any]) -> object:
    return await client.assessment_records(patient_id).update(
        row["id"], assessment_name=row["assessmentName"], answers={}
    )


async def _delete(client: WelkinClient, patient_id: str, row: dict[str, Any]) -> object:
    await client.assessment_records(patient_id).delete(row["id"])
    return None


@pytest.mark.parametrize(
    "attempt", [_answer, _replace, _delete], ids=["answer", "replace", "delete"]
)
async def test_a_completed_encounters_assessment_record_is_locked(
    welkin_emulator: WelkinEmulator, connect: Connect, attempt: Attempt
) -> None:
    """After complete(), changing the record a link points to raises Conflict ASSESSMENT_LOCKED
    and leaves the stored record as it was."""
    patient_id = a_patient(welkin_emulator)
    live = acme_live(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        record_id = await _answer_link(client, welkin_emulator, patient_id, encounter_id)
        await client.encounters(patient_id).complete(encounter_id)
        before = copy.deepcopy(live.assessments.rows[record_id])
        with pytest.raises(Conflict) as raised:
            await attempt(client, patient_id, before)
    assert raised.value.error_code == "ASSESSMENT_LOCKED"
    assert before["status"] == "LOCKED"
    assert live.assessments.rows[record_id] == before
    assert record_id in live.assessments_of.of(patient_id)


async def test_a_record_no_link_points_to_stays_open(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """complete() locks only records its links point to: another record of the patient can
    still be answered."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        template = await _template(client)
        encounter_id = await _open(client, patient_id)
        await _answer_link(client, welkin_emulator, patient_id, encounter_id)
        form = next(
            f for f in await client.formations.assessments() if f.name == _names(template)[0]
        )
        outside = await client.assessment_records(patient_id).create(assessment_name=form.name)
        await client.encounters(patient_id).complete(encounter_id)
        answered = await client.assessment_records(patient_id).answer(
            str(outside.id), {question_keys(form)[0]: 1}
        )
    assert answered.status != "LOCKED"


LinkChange = Callable[[WelkinClient, str, str, str], Awaitable[object]]


async def _add_link(client: WelkinClient, patient_id: str, encounter_id: str, name: str) -> object:
    return (
        await client.encounters(patient_id).assessments(encounter_id).create(assessment_name=name)
    )


async def _unlink(client: WelkinClient, patient_id: str, encounter_id: str, _: str) -> object:
    links = await client.encounters(patient_id).assessments(encounter_id).list()
    await client.encounters(patient_id).assessments(encounter_id).delete(str(links[0].id))
    return None


@pytest.mark.parametrize("change", [_add_link, _unlink], ids=["create", "delete"])
async def test_a_completed_encounters_links_cannot_change(
    welkin_emulator: WelkinEmulator, connect: Connect, change: LinkChange
) -> None:
    """Adding or removing a link of a completed encounter raises Conflict ENCOUNTER_LOCKED."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        template = await _template(client)
        encounter_id = await _open(client, patient_id)
        await client.encounters(patient_id).complete(encounter_id)
        before = _linked(welkin_emulator, encounter_id)
        with pytest.raises(Conflict) as raised:
            await change(client, patient_id, encounter_id, _names(template)[0])
    assert raised.value.error_code == "ENCOUNTER_LOCKED"
    assert _linked(welkin_emulator, encounter_id) == before


# --- the disposition -------------------------------------------------------------------------


def _disposition_row(emulator: WelkinEmulator, encounter_id: str) -> dict[str, Any]:
    """The encounter's disposition record as the emulator stores it."""
    live = acme_live(emulator)
    row: dict[str, Any] = live.dispositions.rows[_stored(emulator, encounter_id)["dispositionId"]]
    return row


async def test_disposition_is_the_encounters_empty_disposition(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """disposition(id) returns the new encounter's disposition: every field the tenant defines,
    null, in the record envelope of __encounter_disposition__."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        disposition = await client.encounters(patient_id).disposition(encounter_id)
    row = _disposition_row(welkin_emulator, encounter_id)
    assert unstructure(disposition) == row
    assert disposition.cdt_name == "__encounter_disposition__"
    assert disposition.json_body["uicedf-review"] is None
    assert disposition.json_body["source_id"] == encounter_id


async def test_update_disposition_sets_only_the_given_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """update_disposition(id, values) stores the flat values, leaves the other fields, and
    returns the stored disposition."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        updated = await client.encounters(patient_id).update_disposition(
            encounter_id, {"uicedf-review": "great health", "uicedf-treatment": "Adjust"}
        )
    body = _disposition_row(welkin_emulator, encounter_id)["jsonBody"]
    assert (body["uicedf-review"], body["uicedf-treatment"]) == ("great health", "Adjust")
    assert body["uicedf-next-steps"] is None
    assert updated.json_body == body


async def test_update_disposition_is_in_the_data_audit(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A disposition change is audited as CDT_UPDATED of the ENCOUNTER_DISPOSITION relation."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        await client.encounters(patient_id).update_disposition(encounter_id, {"notes": "ok"})
        (latest, *_) = [e async for e in client.audits.data(operation="UPDATE")]
    assert (latest.event_subtype, latest.cdt_relation) == ("CDT_UPDATED", "ENCOUNTER_DISPOSITION")
    assert isinstance(latest.record, dict)
    assert latest.record["jsonBody"]["notes"] == "ok"


async def test_update_disposition_with_an_unknown_field_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A field the tenant's disposition does not define raises BadRequest naming it."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        with pytest.raises(BadRequest) as caught:
            await client.encounters(patient_id).update_disposition(
                encounter_id, {"uicedf-mood": "fine"}
            )
    assert caught.value.error_code == "CDT_FIELD_VALIDATION_FAILED"
    assert caught.value.details["field"] == "uicedf-mood"
    assert "uicedf-mood" not in _disposition_row(welkin_emulator, encounter_id)["jsonBody"]


async def test_disposition_of_an_unknown_encounter_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """disposition() of an encounter the patient does not have raises NotFound."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.encounters(a_patient(welkin_emulator)).disposition(str(UUID(int=7)))
    assert caught.value.error_code == "ENCOUNTER_NOT_FOUND"


async def test_update_disposition_by_a_read_only_role_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The analyst may read encounters but not change a disposition: PermissionDenied."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
    async with connect(role="analyst") as client:
        await client.encounters(patient_id).disposition(encounter_id)
        with pytest.raises(PermissionDenied) as caught:
            await client.encounters(patient_id).update_disposition(encounter_id, {"notes": "x"})
    assert caught.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
