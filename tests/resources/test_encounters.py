"""``client.encounters(patient_id)`` against the emulator: create from a template, get, full,
update, complete, delete, list, the encounter's assessments, and the locks a completed encounter
puts on itself and its assessments."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from tests.conftest import Connect, a_patient, acme_live
from welkin_async import WelkinClient
from welkin_async.errors import BadRequest, Conflict, NotFound
from welkin_async.models import (
    AppointmentCreate,
    AssessmentStatus,
    CalendarEvent,
    EncounterCreate,
    EncounterStatus,
    EncounterTemplate,
    ParticipantCreate,
)
from welkin_async.testing import WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(patients=4, tenants=["acme"])


def _names(template: EncounterTemplate) -> list[str]:
    """The assessment names a template carries (none when the field is absent)."""
    return list(template.assessments) if isinstance(template.assessments, list) else []


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
    """The ids of the assessment records the emulator links to the encounter."""
    return list(acme_live(emulator).encounter_assessments.of(encounter_id))


def _listed_ids(emulator: WelkinEmulator, patient_id: str) -> list[str]:
    """The patient's encounter ids in state, in order, deleted ones left out."""
    live = acme_live(emulator)
    return [
        encounter_id
        for encounter_id in live.encounters_of.of(patient_id)
        if live.encounters.rows[encounter_id]["jsonBody"]["status"] != "DELETED"
    ]


# --- create ----------------------------------------------------------------------------------


async def test_create_with_keyword_fields_stores_an_open_encounter(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create(template_name=..., title=...) stores an OPEN encounter of that template."""
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
        "OPEN",
    )
    assert made.json_body.status == EncounterStatus.OPEN
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


async def test_create_makes_the_templates_assessments(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The template's assessments are created with the encounter and listed under it."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        template = await _template(client)
        made = await client.encounters(patient_id).create(template_name=template.name)
        listed = await client.encounters(patient_id).assessments(str(made.id)).list()
    linked = _linked(welkin_emulator, str(made.id))
    assert [str(record.id) for record in listed] == linked
    assert [record.assessment_name for record in listed] == _names(template)
    rows = acme_live(welkin_emulator).assessments.rows
    assert [rows[record_id]["patientId"] for record_id in linked] == [patient_id] * len(linked)


async def test_full_carries_links_to_the_templates_assessments(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """full(id) holds the encounter and a link to each of its assessment records."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        full = await client.encounters(patient_id).full(encounter_id)
    assert str(full.encounter.id) == encounter_id
    assert isinstance(full.assessment_links, list)
    rows = acme_live(welkin_emulator).assessments.rows
    assert [
        (str(link.assessment_record_id), link.assessment_name, link.locked)
        for link in full.assessment_links
    ] == [
        (record_id, rows[record_id]["assessmentName"], False)
        for record_id in _linked(welkin_emulator, encounter_id)
    ]


async def test_create_schedules_the_given_appointment(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An AppointmentCreate given to create() is stored as the encounter's calendar event."""
    patient_id = a_patient(welkin_emulator)
    start = datetime(2026, 1, 5, 15, tzinfo=UTC)
    appointment = AppointmentCreate(
        event_title="Visit",
        start_date_time=start,
        end_date_time=start + timedelta(hours=1),
        participants=[ParticipantCreate(participant_id=uuid4(), participant_role="patient")],
    )
    async with connect() as client:
        template = await _template(client)
        made = await client.encounters(patient_id).create(
            template_name=template.name, current_scheduled_appointment=appointment
        )
        full = await client.encounters(patient_id).full(str(made.id))
    stored = _stored(welkin_emulator, str(made.id))
    assert stored["startDatetime"] == "2026-01-05T15:00:00.000Z"
    assert stored["currentScheduledAppointment"]["eventTitle"] == "Visit"
    assert made.json_body.start_datetime == start
    assert isinstance(full.calendar_event, CalendarEvent)
    assert str(full.calendar_event.id) == stored["calendarEventId"]


async def test_a_template_without_assessments_makes_none(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An encounter from a template that carries no assessments lists no assessment records."""
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
        version = acme_live(welkin_emulator).encounters.rows[encounter_id]["version"]
        with pytest.raises(TypeError, match="template_name"):
            await client.encounters(patient_id).update(encounter_id, template_name="other")
    assert acme_live(welkin_emulator).encounters.rows[encounter_id]["version"] == version


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


async def test_complete_locks_the_encounters_assessments(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """After complete(id) every linked assessment is LOCKED, in state and in full()'s links."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        await client.encounters(patient_id).complete(encounter_id)
        full = await client.encounters(patient_id).full(encounter_id)
    linked = _linked(welkin_emulator, encounter_id)
    rows = acme_live(welkin_emulator).assessments.rows
    assert linked
    assert [rows[record_id]["status"] for record_id in linked] == ["LOCKED"] * len(linked)
    assert isinstance(full.assessment_links, list)
    assert [link.locked for link in full.assessment_links] == [True] * len(linked)


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


# --- the encounter's assessments -------------------------------------------------------------


async def test_encounter_assessment_get_returns_the_stored_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assessments(eid).get(rid) returns the linked record as stored."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        record_id = _linked(welkin_emulator, encounter_id)[0]
        got = await client.encounters(patient_id).assessments(encounter_id).get(record_id)
    row = acme_live(welkin_emulator).assessments.rows[record_id]
    assert (str(got.id), got.assessment_name, got.status, got.answers) == (
        record_id,
        row["assessmentName"],
        row["status"],
        row["answers"],
    )


async def test_encounter_assessment_get_of_an_unlinked_record_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A record of the patient made outside the encounter is NotFound under the encounter."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        template = await _template(client)
        encounter_id = await _open(client, patient_id)
        outside = await client.assessment_records(patient_id).create(
            assessment_name=_names(template)[0]
        )
        with pytest.raises(NotFound):
            await client.encounters(patient_id).assessments(encounter_id).get(str(outside.id))


async def test_encounter_assessment_create_links_a_new_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assessments(eid).create(assessment_name=...) stores a DRAFT record linked to it."""
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
    row = acme_live(welkin_emulator).assessments.rows[str(made.id)]
    assert (row["assessmentName"], row["patientId"], row["status"]) == (
        names[-1],
        patient_id,
        "DRAFT",
    )
    assert _linked(welkin_emulator, encounter_id)[-1] == str(made.id)
    assert [str(record.id) for record in listed] == _linked(welkin_emulator, encounter_id)


async def test_encounter_assessment_create_of_an_unknown_assessment_is_bad_request(
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


async def test_encounter_assessment_replace_drops_answers_not_given(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assessments(eid).replace(rid, ...) stores exactly the given answers and status."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        record_id = _linked(welkin_emulator, encounter_id)[0]
        row = acme_live(welkin_emulator).assessments.rows[record_id]
        first, second = list(row["questions"])[:2]
        await client.assessment_records(patient_id).answer(record_id, {first: 1, second: 2})
        replaced = (
            await client.encounters(patient_id)
            .assessments(encounter_id)
            .replace(
                record_id,
                assessment_name=row["assessmentName"],
                answers={second: 3},
                status=AssessmentStatus.IN_PROGRESS,
            )
        )
    stored = acme_live(welkin_emulator).assessments.rows[record_id]
    assert (stored["answers"], stored["status"]) == ({second: 3}, "IN_PROGRESS")
    assert replaced.answers == {second: 3}


# --- a completed encounter locks its assessments ---------------------------------------------

Attempt = Callable[[WelkinClient, str, str, dict[str, Any]], Awaitable[object]]


async def _answer(client: WelkinClient, patient_id: str, _: str, row: dict[str, Any]) -> object:
    question = next(iter(row["questions"]))
    return await client.assessment_records(patient_id).answer(row["id"], {question: 1})


async def _replace(
    client: WelkinClient, patient_id: str, encounter_id: str, row: dict[str, Any]
) -> object:
    return (
        await client.encounters(patient_id)
        .assessments(encounter_id)
        .replace(row["id"], assessment_name=row["assessmentName"], answers={})
    )


async def _delete(client: WelkinClient, patient_id: str, _: str, row: dict[str, Any]) -> object:
    await client.assessment_records(patient_id).delete(row["id"])
    return None


@pytest.mark.parametrize(
    "attempt", [_answer, _replace, _delete], ids=["answer", "replace", "delete"]
)
async def test_a_completed_encounters_assessment_is_locked(
    welkin_emulator: WelkinEmulator, connect: Connect, attempt: Attempt
) -> None:
    """After complete(), changing the encounter's assessment raises Conflict ASSESSMENT_LOCKED
    and leaves the stored record as it was."""
    patient_id = a_patient(welkin_emulator)
    live = acme_live(welkin_emulator)
    async with connect() as client:
        encounter_id = await _open(client, patient_id)
        record_id = _linked(welkin_emulator, encounter_id)[0]
        await client.encounters(patient_id).complete(encounter_id)
        before = copy.deepcopy(live.assessments.rows[record_id])
        with pytest.raises(Conflict) as raised:
            await attempt(client, patient_id, encounter_id, before)
    assert raised.value.error_code == "ASSESSMENT_LOCKED"
    assert before["status"] == "LOCKED"
    assert live.assessments.rows[record_id] == before
    assert record_id in live.assessments_of.of(patient_id)


async def test_adding_an_assessment_to_a_completed_encounter_is_conflict(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assessments(eid).create() on a completed encounter raises Conflict ENCOUNTER_LOCKED."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        template = await _template(client)
        encounter_id = await _open(client, patient_id)
        await client.encounters(patient_id).complete(encounter_id)
        before = _linked(welkin_emulator, encounter_id)
        with pytest.raises(Conflict) as raised:
            await (
                client.encounters(patient_id)
                .assessments(encounter_id)
                .create(assessment_name=_names(template)[0])
            )
    assert raised.value.error_code == "ENCOUNTER_LOCKED"
    assert _linked(welkin_emulator, encounter_id) == before
