"""Typed writes as a service writes them, to be type-checked, never run: every create and update
below type-checks under ``mypy --strict`` (``make typecheck``) and pyright's strict mode
(tests/typing/test_typed_writes.py), with ids as strings or as the ``UUID``s models hand out.

Its twin, the misspelt fields that must fail, is in tests/typing/test_typed_writes.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import assert_type
from uuid import UUID

from welkin_async import UNSET, Timeouts, WelkinClient
from welkin_async.models import (
    AssessmentRecord,
    AssessmentStatus,
    CalendarEvent,
    CareTeamAssignment,
    EncounterStatus,
    EventParticipantCreate,
    EventType,
    ParticipantRole,
    Patient,
    PatientCreate,
    PatientCreateFields,
    User,
)
from welkin_async.resources import EncounterAssessmentRecord, EncounterRecord

START = datetime(2031, 3, 3, 15, tzinfo=UTC)
END = datetime(2031, 3, 3, 16, tzinfo=UTC)


async def patients(client: WelkinClient, user_id: UUID) -> None:
    made = await client.patients.create(
        first_name="Ada",
        birth_date=date(1990, 5, 17),  # the converter's input: sent as midnight UTC
        gender="FEMALE",  # an open enum takes its plain value
        care_team=[CareTeamAssignment(id=user_id), {"id": str(user_id)}],
        extra_headers={"X-Job": "import"},
        timeout=5,
    )
    assert_type(made, Patient)
    assert_type(await client.patients.create(PatientCreate(last_name="L")), Patient)
    assert_type(await client.patients.create({"firstName": "Ada"}, timeout=Timeouts()), Patient)
    assert_type(await client.patients.get(made.id), Patient)
    changed = await client.patients.update(made.id, middle_name=None, phone=UNSET, city="Salem")
    assert_type(changed, Patient)
    fields: PatientCreateFields = {"first_name": "Grace", "last_name": "Hopper"}
    assert_type(await client.patients.create(**fields), Patient)
    await client.patients.delete(str(made.id), extra_query={"dryRun": True})


async def users(client: WelkinClient) -> None:
    made = await client.users.create(username="jdoe", email="j.doe@example.org")
    assert_type(made, User)
    assert isinstance(made.id, UUID)
    assert_type(await client.users.update(made.id, last_name=None), User)
    assert_type(await client.users.update("jdoe", phone="+15550100"), User)


async def calendar(client: WelkinClient, user_id: UUID, patient_id: UUID) -> None:
    event = await client.calendar.events.create(
        start_date_time=START,
        end_date_time=END,
        host_id=user_id,
        participants=[
            EventParticipantCreate(participant_id=user_id, participant_role=ParticipantRole.PSM),
            {"participantId": str(patient_id), "participantRole": "patient"},
        ],
        event_type=EventType.APPOINTMENT,
        event_mode="VIDEO",
    )
    assert_type(event, CalendarEvent)
    assert isinstance(event.id, UUID)
    moved = await client.calendar.events.update(event.id, end_date_time=END, event_title=None)
    assert_type(moved, CalendarEvent)


async def encounters(client: WelkinClient, patient_id: UUID, record_id: UUID) -> None:
    encounters = client.encounters(patient_id)
    opened = await encounters.create(template_name="intake", title="First visit")
    assert_type(opened, EncounterRecord)
    changed = await encounters.update(opened.id, status=EncounterStatus.OPEN, notes=None)
    assert_type(changed, EncounterRecord)
    links = encounters.assessments(opened.id)
    link = await links.create(assessment_name="phq9", assessment_record_id=record_id)
    assert_type(link, EncounterAssessmentRecord)
    assert_type(await links.update(link.id, assessment_record_id=None), EncounterAssessmentRecord)


async def assessments(client: WelkinClient, patient_id: str) -> None:
    records = client.assessment_records(patient_id)
    made = await records.create(assessment_name="phq9", status=AssessmentStatus.DRAFT)
    assert_type(made, AssessmentRecord)
    replaced = await records.update(made.id, assessment_name="phq9", answers={"q1": 2})
    assert_type(replaced, AssessmentRecord)
