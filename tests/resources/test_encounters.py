"""``client.encounters(patient_id)`` against the emulator: create from a template, get, full,
update, start, complete, delete, list, the encounter's assessment links, comments and
disposition, the locks a completed encounter puts on itself and on the assessment records its
links point to, status filters, and full-encounter lists of a patient and of a user
(``client.users.full_encounters``)."""

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
    CareTeamAssignment,
    CdtRecord,
    Encounter,
    EncounterAssessment,
    EncounterAssessmentCreate,
    EncounterComment,
    EncounterCreate,
    EncounterStatus,
    EncounterTemplate,
    FullEncounter,
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


# --- comments --------------------------------------------------------------------------------


def _commented(emulator: WelkinEmulator) -> tuple[str, str]:
    """``(patient id, encounter id)`` of the first seeded encounter that has comments."""
    live = acme_live(emulator)
    encounter_id = next(e for e in live.encounters.ids() if live.comments_of.of(e))
    return live.encounters.rows[encounter_id]["patientId"], encounter_id


def _comment_ids(emulator: WelkinEmulator, encounter_id: str) -> list[str]:
    """The ids of the encounter's comments, as the emulator holds them, oldest first."""
    return list(acme_live(emulator).comments_of.of(encounter_id))


def _comment(emulator: WelkinEmulator, comment_id: str) -> dict[str, Any] | None:
    """A comment as the emulator stores it, or None once deleted."""
    return acme_live(emulator).encounter_comments.get(comment_id)


async def test_comments_list_yields_the_encounters_comments_oldest_first(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """comments(id).list() returns the stored comments of the encounter, typed, in order."""
    patient_id, encounter_id = _commented(welkin_emulator)
    async with connect() as client:
        listed = await client.encounters(patient_id).comments(encounter_id).list()
    assert [str(c.id) for c in listed] == _comment_ids(welkin_emulator, encounter_id)
    assert len(listed) >= 1
    for comment in listed:
        assert isinstance(comment, EncounterComment)
        stored = _comment(welkin_emulator, str(comment.id))
        assert stored is not None
        assert (str(comment.encounter_id), comment.text) == (encounter_id, stored["text"])
        assert comment.wire_extra == {}


async def test_comment_get_returns_the_stored_comment(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """comments(id).get(comment_id) reads the comment with its author and times."""
    patient_id, encounter_id = _commented(welkin_emulator)
    comment_id = _comment_ids(welkin_emulator, encounter_id)[0]
    stored = _comment(welkin_emulator, comment_id)
    assert stored is not None
    async with connect() as client:
        comment = await client.encounters(patient_id).comments(encounter_id).get(comment_id)
    assert unstructure(comment) == stored


async def test_comment_create_stores_it_with_the_client_as_author(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create(text) stores a comment last under the encounter, written by the API client."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        made = await client.encounters(patient_id).comments(encounter_id).create("Labs reviewed")
    assert _comment_ids(welkin_emulator, encounter_id) == [str(made.id)]
    stored = _comment(welkin_emulator, str(made.id))
    assert stored is not None
    assert (stored["text"], stored["encounterId"], stored["createdByName"]) == (
        "Labs reviewed",
        encounter_id,
        "acme-admin",
    )
    assert (made.text, made.created_at, made.created_by_name) == (
        "Labs reviewed",
        made.updated_at,
        "acme-admin",
    )


async def test_comment_replace_changes_the_text_and_keeps_when_it_was_written(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace(comment_id, text) stores the new text; the client becomes the last editor and the
    comment keeps its author and creation time."""
    patient_id, encounter_id = _commented(welkin_emulator)
    comment_id = _comment_ids(welkin_emulator, encounter_id)[0]
    before = dict(_comment(welkin_emulator, comment_id) or {})
    async with connect() as client:
        replaced = (
            await client.encounters(patient_id)
            .comments(encounter_id)
            .replace(comment_id, "Corrected: labs pending")
        )
    stored = _comment(welkin_emulator, comment_id)
    assert stored is not None
    assert (stored["text"], stored["updatedByName"]) == ("Corrected: labs pending", "acme-admin")
    assert (stored["createdAt"], stored["createdBy"]) == (before["createdAt"], before["createdBy"])
    assert stored["updatedAt"] > before["updatedAt"]
    assert unstructure(replaced) == stored


async def test_comment_delete_removes_it(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """delete(comment_id) removes the comment; reading it afterwards is NotFound."""
    patient_id, encounter_id = _commented(welkin_emulator)
    comment_id, *rest = _comment_ids(welkin_emulator, encounter_id)
    async with connect() as client:
        comments = client.encounters(patient_id).comments(encounter_id)
        await comments.delete(comment_id)
        with pytest.raises(NotFound) as caught:
            await comments.get(comment_id)
    assert caught.value.error_code == "ENCOUNTER_COMMENT_NOT_FOUND"
    assert _comment(welkin_emulator, comment_id) is None
    assert _comment_ids(welkin_emulator, encounter_id) == rest


async def test_full_carries_the_encounters_comments(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """full(id).comments are the encounter's comments, typed, as comments(id).list() reads them."""
    patient_id, encounter_id = _commented(welkin_emulator)
    async with connect() as client:
        full = await client.encounters(patient_id).full(encounter_id)
        listed = await client.encounters(patient_id).comments(encounter_id).list()
    assert full.comments == listed
    assert [str(c.id) for c in listed] == _comment_ids(welkin_emulator, encounter_id)


async def test_comment_on_a_completed_encounter_is_accepted(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A completed encounter, locked to changes, still takes a comment."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        await client.encounters(patient_id).complete(encounter_id)
        made = await client.encounters(patient_id).comments(encounter_id).create("Addendum")
    assert _comment_ids(welkin_emulator, encounter_id) == [str(made.id)]


async def test_comment_on_a_deleted_encounter_is_conflict(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Commenting on a deleted encounter raises Conflict ENCOUNTER_LOCKED; nothing is stored."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        await client.encounters(patient_id).delete(encounter_id)
        with pytest.raises(Conflict) as caught:
            await client.encounters(patient_id).comments(encounter_id).create("Too late")
    assert caught.value.error_code == "ENCOUNTER_LOCKED"
    assert _comment_ids(welkin_emulator, encounter_id) == []


async def test_comment_of_another_encounter_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A comment id read under an encounter it is not on raises NotFound
    ENCOUNTER_COMMENT_NOT_FOUND."""
    patient_id, encounter_id = _commented(welkin_emulator)
    comment_id = _comment_ids(welkin_emulator, encounter_id)[0]
    async with connect() as client:
        other = await _open(client, patient_id)
        with pytest.raises(NotFound) as caught:
            await client.encounters(patient_id).comments(other).get(comment_id)
    assert caught.value.error_code == "ENCOUNTER_COMMENT_NOT_FOUND"


async def test_comments_of_an_unknown_encounter_are_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """comments(id).list() of an encounter the patient does not have raises NotFound."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.encounters(a_patient(welkin_emulator)).comments(str(UUID(int=7))).list()
    assert caught.value.error_code == "ENCOUNTER_NOT_FOUND"


async def test_comment_create_for_an_unknown_patient_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Commenting under a patient that does not exist raises NotFound PATIENT_NOT_FOUND."""
    _, encounter_id = _commented(welkin_emulator)
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.encounters(str(UUID(int=9))).comments(encounter_id).create("Hello")
    assert caught.value.error_code == "PATIENT_NOT_FOUND"


@pytest.mark.parametrize("text", ["", "   \n", "x" * 65_536], ids=["empty", "blank", "too-long"])
async def test_comment_create_with_a_refused_text_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect, text: str
) -> None:
    """An empty, all-blank or over-65,535-character text raises BadRequest; nothing is stored."""
    patient_id, encounter_id = _commented(welkin_emulator)
    before = _comment_ids(welkin_emulator, encounter_id)
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.encounters(patient_id).comments(encounter_id).create(text)
    assert caught.value.error_code == "INVALID_REQUEST_BODY"
    assert caught.value.details["path"] == "$.text"
    assert _comment_ids(welkin_emulator, encounter_id) == before


async def test_comment_replace_with_an_empty_text_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace() with an empty text raises BadRequest and leaves the comment as it was."""
    patient_id, encounter_id = _commented(welkin_emulator)
    comment_id = _comment_ids(welkin_emulator, encounter_id)[0]
    before = dict(_comment(welkin_emulator, comment_id) or {})
    async with connect() as client:
        with pytest.raises(BadRequest):
            await client.encounters(patient_id).comments(encounter_id).replace(comment_id, "")
    assert _comment(welkin_emulator, comment_id) == before


async def test_comment_text_that_is_not_a_string_is_a_type_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create() with a text that is no str raises TypeError before anything is sent."""
    patient_id, encounter_id = _commented(welkin_emulator)
    async with connect() as client:
        with pytest.raises(TypeError, match="text must be a str"):
            await client.encounters(patient_id).comments(encounter_id).create(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("role", "write"),
    [("analyst", "create"), ("analyst", "replace"), ("care-coordinator", "delete")],
)
async def test_comment_write_without_its_encounters_permission_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect, role: str, write: str
) -> None:
    """A role without the encounters create, update or delete permission is refused that write
    of a comment (PermissionDenied), and the comments stay as they were."""
    patient_id, encounter_id = _commented(welkin_emulator)
    comment_id = _comment_ids(welkin_emulator, encounter_id)[0]
    before = [_comment(welkin_emulator, c) for c in _comment_ids(welkin_emulator, encounter_id)]
    calls: dict[str, Callable[[Any], Awaitable[object]]] = {
        "create": lambda comments: comments.create("From a reader"),
        "replace": lambda comments: comments.replace(comment_id, "From a reader"),
        "delete": lambda comments: comments.delete(comment_id),
    }
    async with connect(role=role) as client:
        comments = client.encounters(patient_id).comments(encounter_id)
        await comments.list()
        with pytest.raises(PermissionDenied) as caught:
            await calls[write](comments)
    assert caught.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
    after = [_comment(welkin_emulator, c) for c in _comment_ids(welkin_emulator, encounter_id)]
    assert after == before


async def test_comments_read_without_the_encounters_permission_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The scheduler, which may not read encounters, is refused their comments."""
    patient_id, encounter_id = _commented(welkin_emulator)
    async with connect(role="scheduler") as client:
        with pytest.raises(PermissionDenied):
            await client.encounters(patient_id).comments(encounter_id).list()


# --- status filters and full-encounter lists ---------------------------------------------------


async def test_list_with_statuses_yields_the_encounters_in_those_statuses(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(statuses=[...]) yields exactly the patient's encounters in those statuses, deleted
    ones included when DELETED is named."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        draft = await _open(client, patient_id)
        dropped = await _open(client, patient_id)
        await client.encounters(patient_id).delete(dropped)
        drafts = [
            str(r.id)
            async for r in client.encounters(patient_id).list(statuses=[EncounterStatus.DRAFT])
        ]
        deleted = [
            str(r.id) async for r in client.encounters(patient_id).list(statuses=["DELETED"])
        ]
    live = acme_live(welkin_emulator)
    assert draft in drafts
    assert drafts == [
        e
        for e in live.encounters_of.of(patient_id)
        if _stored(welkin_emulator, e)["status"] == "DRAFT"
    ]
    assert deleted == [dropped]


async def test_list_with_an_unknown_status_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A status the server does not know raises BadRequest naming the statuses parameter."""
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            [r async for r in client.encounters(a_patient(welkin_emulator)).list(statuses=["DONE"])]
    assert caught.value.error_code == "INVALID_PARAMETER"
    assert caught.value.details["parameter"] == "statuses"


@pytest.mark.parametrize(
    ("statuses", "error"),
    [(42, TypeError), ([], ValueError), (["OPEN,DRAFT"], ValueError), ([None], TypeError)],
)
async def test_statuses_that_are_not_a_list_of_statuses_are_refused_before_sending(
    welkin_emulator: WelkinEmulator, connect: Connect, statuses: Any, error: type[Exception]
) -> None:
    """statuses= must be one status or an iterable of them, none empty or with a comma."""
    async with connect() as client:
        with pytest.raises(error):
            client.encounters(a_patient(welkin_emulator)).list_full(statuses=statuses)


async def test_list_full_yields_each_encounter_as_full_reads_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list_full() yields the patient's encounters in order, each equal to full(id)."""
    patient_id, encounter_id = _commented(welkin_emulator)
    async with connect() as client:
        await _open(client, patient_id)
        encounters = client.encounters(patient_id)
        listed = [full async for full in encounters.list_full()]
        one = await encounters.full(encounter_id)
    assert [str(f.encounter.id) for f in listed] == _listed_ids(welkin_emulator, patient_id)
    assert all(isinstance(f, FullEncounter) for f in listed)
    assert next(f for f in listed if str(f.encounter.id) == encounter_id) == one
    assert isinstance(one.comments, list)
    assert [str(c.id) for c in one.comments] == _comment_ids(welkin_emulator, encounter_id)


async def test_list_full_over_many_pages_yields_every_encounter_once(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list_full(size=2) walks every page and yields each encounter once, in order."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        for _ in range(4):
            await _open(client, patient_id)
        ids = [str(f.encounter.id) async for f in client.encounters(patient_id).list_full(size=2)]
    assert ids == _listed_ids(welkin_emulator, patient_id)
    assert len(ids) >= 5


async def test_list_full_only_with_calendar_event_leaves_out_the_rest(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """only_with_calendar_event=True keeps the encounter and its calendar event and user; its
    disposition, assessment links and comments are None."""
    patient_id, encounter_id = _commented(welkin_emulator)
    async with connect() as client:
        listed = [
            f async for f in client.encounters(patient_id).list_full(only_with_calendar_event=True)
        ]
    full = next(f for f in listed if str(f.encounter.id) == encounter_id)
    event = _stored(welkin_emulator, encounter_id)["calendarEvent"]
    assert isinstance(full.calendar_event, CalendarEvent)
    assert str(full.calendar_event.id) == event["id"]
    assert isinstance(full.user_related_to_calendar_event, User)
    assert str(full.user_related_to_calendar_event.id) == event["hostId"]
    assert (full.disposition, full.assessment_links, full.comments) == (None, None, None)


async def test_list_full_with_statuses_keeps_those_statuses(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list_full(statuses=[...]) yields only the encounters in those statuses."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        completed = await _open(client, patient_id)
        await client.encounters(patient_id).complete(completed)
        await _open(client, patient_id)
        listed = [f async for f in client.encounters(patient_id).list_full(statuses=["COMPLETED"])]
    assert completed in [str(f.encounter.id) for f in listed]
    assert {f.encounter.json_body.status for f in listed} == {EncounterStatus.COMPLETED}


async def test_list_full_of_an_unknown_patient_is_not_found(connect: Connect) -> None:
    """list_full() under a patient that does not exist raises NotFound PATIENT_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            [f async for f in client.encounters(str(UUID(int=9))).list_full()]
    assert caught.value.error_code == "PATIENT_NOT_FOUND"


async def test_list_full_without_the_encounters_permission_is_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The scheduler, which may not read encounters, is refused list_full()."""
    async with connect(role="scheduler") as client:
        with pytest.raises(PermissionDenied):
            [f async for f in client.encounters(a_patient(welkin_emulator)).list_full()]


# --- a user's full encounters ----------------------------------------------------------------


def _owned_by(emulator: WelkinEmulator, user_id: str, statuses: set[str]) -> list[str]:
    """The ids of the encounters the user owns in those statuses, in stored order."""
    return [
        row["id"]
        for row in acme_live(emulator).encounters.rows.values()
        if row["jsonBody"]["ownerUserId"] == user_id and row["jsonBody"]["status"] in statuses
    ]


_LISTED = {"DRAFT", "OPEN", "COMPLETED"}


async def _an_owner(client: WelkinClient, emulator: WelkinEmulator, patient_id: str) -> str:
    """A user who owns two new encounters of the patient (one completed) besides any seeded."""
    user_id: str = emulator.tenant("acme").users[1]["id"]
    start = datetime(2026, 1, 5, 15, tzinfo=UTC)
    appointment = AppointmentCreate(
        event_title="Visit",
        start_date_time=start,
        end_date_time=start + timedelta(hours=1),
        host_id=UUID(user_id),
        participants=[],
    )
    template = await _template(client)
    encounters = client.encounters(patient_id)
    for _ in range(2):
        await encounters.create(
            template_name=template.name, current_scheduled_appointment=appointment
        )
    await encounters.complete(_owned_by(emulator, user_id, {"DRAFT"})[-1])
    return user_id


async def test_user_full_encounters_are_the_ones_the_user_owns(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """users.full_encounters(id) yields the user's encounters in full, as full(id) reads them,
    following pages."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        user_id = await _an_owner(client, welkin_emulator, patient_id)
        listed = [f async for f in client.users.full_encounters(user_id, size=1)]
        first = await client.encounters(str(listed[0].encounter.patient_id)).full(
            str(listed[0].encounter.id)
        )
    assert [str(f.encounter.id) for f in listed] == _owned_by(welkin_emulator, user_id, _LISTED)
    assert listed[0] == first


async def test_user_full_encounters_with_statuses_keep_those_statuses(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """users.full_encounters(id, statuses=[...]) and users.encounters(id, statuses=[...]) yield
    only the user's encounters in those statuses."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        user_id = await _an_owner(client, welkin_emulator, patient_id)
        full = [
            str(f.encounter.id)
            async for f in client.users.full_encounters(user_id, statuses=["COMPLETED"])
        ]
        plain = [str(e.id) async for e in client.users.encounters(user_id, statuses=["COMPLETED"])]
    assert full == plain == _owned_by(welkin_emulator, user_id, {"COMPLETED"})
    assert full


async def test_user_full_encounters_only_with_calendar_event_leave_out_the_rest(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """only_with_calendar_event=True leaves each item's disposition, links and comments None."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        user_id = await _an_owner(client, welkin_emulator, patient_id)
        listed = [
            f async for f in client.users.full_encounters(user_id, only_with_calendar_event=True)
        ]
    assert listed
    assert {(f.disposition, f.assessment_links, f.comments) for f in listed} == {(None, None, None)}
    assert all(isinstance(f.calendar_event, CalendarEvent) for f in listed)


async def test_user_full_encounters_with_care_team_add_the_care_team_patients(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """with_care_team=True adds the encounters of a patient whose care team has the user."""
    users = welkin_emulator.tenant("acme").users
    user_id = users[-1]["id"]
    rows = acme_live(welkin_emulator).encounters.rows.values()
    theirs = next(row for row in rows if row["jsonBody"]["ownerUserId"] != user_id)
    async with connect() as client:
        await client.patients.update(
            theirs["patientId"], care_team=[CareTeamAssignment(id=UUID(user_id))]
        )
        alone = [str(f.encounter.id) async for f in client.users.full_encounters(user_id)]
        team = [
            str(f.encounter.id)
            async for f in client.users.full_encounters(user_id, with_care_team=True)
        ]
    assert theirs["id"] not in alone
    assert theirs["id"] in team


async def test_user_full_encounters_of_an_unknown_user_are_not_found(connect: Connect) -> None:
    """users.full_encounters() of an id no user has raises NotFound USER_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            [f async for f in client.users.full_encounters(str(UUID(int=11)))]
    assert caught.value.error_code == "USER_NOT_FOUND"


async def test_user_full_encounters_without_the_encounters_permission_are_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The scheduler, which may not read encounters, is refused a user's full encounters."""
    user_id = welkin_emulator.tenant("acme").users[1]["id"]
    async with connect(role="scheduler") as client:
        with pytest.raises(PermissionDenied):
            [f async for f in client.users.full_encounters(user_id)]


# --- one status, and sort -------------------------------------------------------------------------


async def test_one_status_given_as_a_string_filters_as_a_list_of_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """list(statuses="DRAFT") keeps what list(statuses=["DRAFT"]) keeps, as tasks' status does."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        await _open(client, patient_id)
        encounters = client.encounters(patient_id)
        one = [str(r.id) async for r in encounters.list(statuses="DRAFT")]
        listed = [str(r.id) async for r in encounters.list(statuses=[EncounterStatus.DRAFT])]
    assert one == listed
    assert one
    assert {_stored(welkin_emulator, e)["status"] for e in one} == {"DRAFT"}


def _created(emulator: WelkinEmulator, encounter_ids: list[str]) -> list[Any]:
    """The stored creation times of the encounters, in the order given."""
    rows = acme_live(emulator).encounters.rows
    return [rows[e]["jsonBody"]["created_at"] for e in encounter_ids]


_SORTED_LISTS: dict[str, Callable[[WelkinClient, str, str, str | None], Any]] = {
    "list": lambda c, pid, uid, sort: c.encounters(pid).list(sort=sort),
    "list_full": lambda c, pid, uid, sort: c.encounters(pid).list_full(sort=sort),
    "users.encounters": lambda c, pid, uid, sort: c.users.encounters(uid, sort=sort),
    "users.full_encounters": lambda c, pid, uid, sort: c.users.full_encounters(uid, sort=sort),
}


def _listed_id(item: Any) -> str:
    return str(item.encounter.id if hasattr(item, "encounter") else item.id)


@pytest.mark.parametrize("name", list(_SORTED_LISTS))
async def test_each_encounter_list_is_ordered_as_sort_asks(
    welkin_emulator: WelkinEmulator, connect: Connect, name: str
) -> None:
    """sort="createdAt,asc" and "createdAt,desc" yield the same encounters, oldest and newest
    first."""
    patient_id = a_patient(welkin_emulator)
    make = _SORTED_LISTS[name]
    async with connect() as client:
        user_id = await _an_owner(client, welkin_emulator, patient_id)
        unsorted = [_listed_id(i) async for i in make(client, patient_id, user_id, None)]
        up = [_listed_id(i) async for i in make(client, patient_id, user_id, "createdAt,asc")]
        down = [_listed_id(i) async for i in make(client, patient_id, user_id, "createdAt,desc")]
    assert sorted(up) == sorted(down) == sorted(unsorted)
    assert len(set(_created(welkin_emulator, up))) > 1
    assert _created(welkin_emulator, up) == sorted(_created(welkin_emulator, up))
    assert _created(welkin_emulator, down) == sorted(_created(welkin_emulator, down), reverse=True)


async def test_a_sort_the_server_does_not_take_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """sort= naming a field encounters cannot be sorted by is BadRequest (INVALID_SORT); a sort
    that is not a str is a TypeError before sending."""
    async with connect() as client:
        encounters = client.encounters(a_patient(welkin_emulator))
        with pytest.raises(BadRequest) as caught:
            [r async for r in encounters.list(sort="firstName,asc")]
        with pytest.raises(TypeError, match="sort"):
            encounters.list(sort=1)  # type: ignore[arg-type]
    assert caught.value.error_code == "INVALID_SORT"
