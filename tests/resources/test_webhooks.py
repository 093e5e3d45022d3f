"""``client.webhooks`` against the emulator: ``fetch_source`` pulls the record an event names
(patient, CDT record typed or not, encounter, assessment record, patient program) and refuses
events that name none; ``deliveries`` reads the delivery audit newest first, back to ``since``,
and shows the deliveries a receiver missed."""

from __future__ import annotations

import base64
import hashlib
import socket
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any
from uuid import UUID

import attrs
import pytest
from aiohttp import web

from tests.conftest import Connect, a_patient, serving, webhook_attempts
from welkin_async import UNSET, WelkinClient
from welkin_async.errors import WebhookSourceError
from welkin_async.models import (
    AssessmentRecord,
    AssessmentStatus,
    CdtRecord,
    Encounter,
    EncounterStatus,
    Patient,
    PatientProgram,
    ProgramPhase,
    WebhookAudit,
)
from welkin_async.testing import WebhookRetry, WelkinEmulator
from welkin_async.webhooks import (
    WEBHOOK_RECEIVER,
    WebhookEvent,
    WebhookEventEntity,
    WebhookEventSubtype,
    webhook_app,
)

# One attempt per delivery: a delivery to a receiver that is down is audited FAILED once.
pytestmark = pytest.mark.welkin_emulator(
    patients=2, tenants=["acme"], webhook_retry=WebhookRetry(max_tries=1)
)

SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"resources").digest()[:24]).decode()
ALLERGY = {"allergen": "peanut", "severity": "Severe"}


# --- a receiver the emulator delivers to ---------------------------------------------------------


@attrs.define
class Inbox:
    """The events a webhook_app received from the emulator."""

    emulator: WelkinEmulator
    events: list[WebhookEvent] = attrs.field(factory=list)
    app: web.Application = attrs.field(init=False)  # the webhook_app around handle()

    async def handle(self, event: WebhookEvent) -> None:
        self.events.append(event)

    async def settle(self) -> list[WebhookEvent]:
        """Every queued delivery done and handled; the events received so far."""
        await self.emulator.webhooks.drain()
        await self.app[WEBHOOK_RECEIVER].drain()
        return self.events


@asynccontextmanager
async def receiving(
    emulator: WelkinEmulator, events: Collection[str] | None = None
) -> AsyncIterator[Inbox]:
    """A webhook_app on a loopback port, subscribed to the emulator's acme events."""
    inbox = Inbox(emulator)
    inbox.app = webhook_app(inbox.handle, SECRET)
    async with serving(inbox.app) as url:
        emulator.subscribe_webhooks(url, secret=SECRET, events=events)
        yield inbox


def nobody_listening() -> str:
    """A loopback URL where nothing listens (a port bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"


async def new_patient(client: WelkinClient) -> str:
    made = await client.patients.create(first_name="Ping", last_name="Pull")
    return str(made.id)


def event_for(
    entity: WebhookEventEntity, source_name: str, source_id: str, patient_id: str
) -> WebhookEvent:
    """An event built from ids the client returned (as a delivery would carry them)."""
    return WebhookEvent(
        tenant_name="acme",
        instance_name="live",
        source_name=source_name,
        source_id=source_id,
        patient_id=UUID(patient_id),
        event_entity=entity,
    )


# --- fetch_source --------------------------------------------------------------------------------


async def test_fetch_source_of_a_delivered_patient_event_is_the_patient(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A delivered PATIENT_CREATED event pulls the Patient that patients.get returns."""
    async with receiving(welkin_emulator, ["PATIENT_CREATED"]) as inbox, connect() as client:
        patient_id = await new_patient(client)
        (event,) = await inbox.settle()
        fetched = await client.webhooks.fetch_source(event)
        expected = await client.patients.get(patient_id)
    assert isinstance(fetched, Patient)
    assert fetched == expected
    assert str(fetched.id) == patient_id


async def test_fetch_source_of_a_delivered_cdt_event_is_the_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A delivered CDT_CREATED event pulls the CdtRecord (a dict body without models) that
    cdts(...).get returns."""
    patient_id = a_patient(welkin_emulator)
    async with receiving(welkin_emulator, ["CDT_CREATED"]) as inbox, connect() as client:
        made = await client.cdts(patient_id, "allergies").create(ALLERGY)
        (event,) = await inbox.settle()
        fetched = await client.webhooks.fetch_source(event)
        expected = await client.cdts(patient_id, "allergies").get(str(made.id))
    assert event.event_subtype is WebhookEventSubtype.CDT_CREATED
    assert isinstance(fetched, CdtRecord)
    assert isinstance(fetched.json_body, dict)
    assert fetched == expected
    assert fetched.id == made.id


async def test_fetch_source_of_a_cdt_event_is_typed_with_models(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """With models=acme, a CDT event pulls a CdtRecord whose json_body is the CDT's generated
    class, equal to what the typed cdts(...).get returns."""
    patient_id = a_patient(welkin_emulator)
    cdt_class: Any = acme.CDT_CLASSES["allergies"]
    async with connect(models=acme) as client:
        made = await client.cdts(patient_id, "allergies").create(ALLERGY)
        event = event_for(WebhookEventEntity.CDT, "allergies", str(made.id), patient_id)
        fetched = await client.webhooks.fetch_source(event)
        expected = await client.cdts(patient_id, cdt_class).get(str(made.id))
    assert isinstance(fetched, CdtRecord)
    assert isinstance(fetched.json_body, cdt_class)
    assert fetched == expected
    assert fetched.json_body.allergen == ALLERGY["allergen"]


async def test_fetch_source_of_a_delivered_encounter_event_is_the_encounter(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A delivered ENCOUNTER_COMPLETED event pulls the encounter's record: a CdtRecord of an
    Encounter with the encounter's id, now COMPLETED."""
    patient_id = a_patient(welkin_emulator)
    async with receiving(welkin_emulator, ["ENCOUNTER_COMPLETED"]) as inbox, connect() as client:
        template = (await client.formations.encounter_templates())[0]
        made = await client.encounters(patient_id).create(template_name=template.name)
        await client.encounters(patient_id).complete(str(made.id))
        (event,) = await inbox.settle()
        fetched = await client.webhooks.fetch_source(event)
        expected = await client.encounters(patient_id).get(str(made.id))
    assert isinstance(fetched, CdtRecord)
    assert isinstance(fetched.json_body, Encounter)
    assert fetched.id == made.id
    assert fetched.json_body.status == EncounterStatus.COMPLETED
    assert fetched == expected


async def test_fetch_source_of_an_assessment_event_is_the_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An ASSESSMENT event pulls the AssessmentRecord that assessment_records(...).get returns."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        name = (await client.formations.assessments())[0].name
        records = client.assessment_records(patient_id)
        made = await records.create(assessment_name=name)
        await records.update(str(made.id), assessment_name=name, status=AssessmentStatus.COMPLETED)
        event = event_for(WebhookEventEntity.ASSESSMENT, name, str(made.id), patient_id)
        fetched = await client.webhooks.fetch_source(event)
        expected = await records.get(str(made.id))
    assert isinstance(fetched, AssessmentRecord)
    assert fetched == expected
    assert fetched.status == AssessmentStatus.COMPLETED


async def test_fetch_source_of_a_delivered_program_event_is_the_patient_program(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A delivered PROGRAM_PHASE_CHANGED event pulls the PatientProgram of that program, in the
    phase the patient was moved to."""
    async with receiving(welkin_emulator, ["PROGRAM_PHASE_CHANGED"]) as inbox, connect() as client:
        patient_id = await new_patient(client)  # in no program yet
        program = next(p for p in await client.formations.programs() if len(p.phases) >= 2)
        assigned = await client.programs(patient_id).assign(program.name)
        assert isinstance(assigned.current_phase, ProgramPhase)
        target = next(p.name for p in program.phases if p.name != assigned.current_phase.name)
        moved = await client.programs(patient_id).move(program.name, target)
        (event,) = await inbox.settle()
        fetched = await client.webhooks.fetch_source(event)
    assert isinstance(fetched, PatientProgram)
    assert (fetched.program_name, fetched.id) == (program.name, moved.id)
    assert isinstance(fetched.current_phase, ProgramPhase)
    assert fetched.current_phase.name == target


@attrs.frozen
class Missing:
    """An event of ``entity`` whose ``attribute`` (wire name ``wire``) is ``absent``."""

    entity: WebhookEventEntity
    attribute: str
    wire: str
    absent: Any  # None, UNSET or ""


MISSING = [
    Missing(WebhookEventEntity.PATIENT, "patient_id", "patientId", None),
    Missing(WebhookEventEntity.PATIENT, "patient_id", "patientId", UNSET),
    Missing(WebhookEventEntity.CDT, "source_id", "sourceId", UNSET),
    Missing(WebhookEventEntity.CDT, "source_id", "sourceId", ""),
    Missing(WebhookEventEntity.CDT, "source_name", "sourceName", None),
    Missing(WebhookEventEntity.CDT, "patient_id", "patientId", None),
    Missing(WebhookEventEntity.ENCOUNTER, "source_id", "sourceId", None),
    Missing(WebhookEventEntity.ASSESSMENT, "patient_id", "patientId", UNSET),
    Missing(WebhookEventEntity.PROGRAM, "source_name", "sourceName", ""),
]


@pytest.mark.parametrize(
    "case", MISSING, ids=[f"{c.entity}-{c.wire}-{c.absent!r}" for c in MISSING]
)
async def test_fetch_source_of_an_event_missing_a_field_names_the_field(
    welkin_emulator: WelkinEmulator, connect: Connect, case: Missing
) -> None:
    """An event lacking a field its entity needs raises WebhookSourceError naming the wire field,
    with none of the event's ids in the message, and sends no request for the record."""
    patient_id = a_patient(welkin_emulator)
    source_id = str(UUID(int=0x5EED))
    event = attrs.evolve(
        event_for(case.entity, "allergies", source_id, patient_id), **{case.attribute: case.absent}
    )
    async with connect() as client:
        before = welkin_emulator.stats.total_requests
        with pytest.raises(WebhookSourceError) as raised:
            await client.webhooks.fetch_source(event)
        after = welkin_emulator.stats.total_requests
    message = str(raised.value)
    assert case.wire in message
    assert patient_id not in message
    assert source_id not in message
    assert after == before


async def test_fetch_source_of_a_calendar_event_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A CALENDAR event, whose source fetch_source cannot pull, raises WebhookSourceError
    naming the entity, with none of the event's ids in the message."""
    patient_id = a_patient(welkin_emulator)
    source_id = str(UUID(int=0xCA1))
    event = event_for(WebhookEventEntity.CALENDAR, "calendar-events", source_id, patient_id)
    async with connect() as client:
        with pytest.raises(WebhookSourceError) as raised:
            await client.webhooks.fetch_source(event)
    message = str(raised.value)
    assert "CALENDAR" in message
    assert patient_id not in message
    assert source_id not in message


# Was a bug: fetch_source asked for patientId before it looked at the entity, so an event whose
# source it can never fetch and that names no patient (user access) was refused for a "missing
# patientId" rather than for its entity.
async def test_fetch_source_of_a_user_access_event_is_refused_for_its_entity(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A USER_APP_ACCESS event, which names no patient, is refused for its entity, not for a
    missing patientId."""
    event = WebhookEvent(
        tenant_name="acme",
        instance_name="live",
        source_name="users",
        source_id=str(UUID(int=0xACCE55)),
        event_entity=WebhookEventEntity.USER_APP_ACCESS,
        event_subtype=WebhookEventSubtype.USER_ACCESS_UPDATED,
    )
    async with connect() as client:
        with pytest.raises(WebhookSourceError) as raised:
            await client.webhooks.fetch_source(event)
    assert "USER_APP_ACCESS" in str(raised.value)
    assert "patientId" not in str(raised.value)


async def test_fetch_source_of_an_event_without_entity_says_so(connect: Connect) -> None:
    """An event with no eventEntity is refused naming the missing field, before any request."""
    async with connect() as client:
        with pytest.raises(WebhookSourceError, match="without eventEntity"):
            await client.webhooks.fetch_source(WebhookEvent(source_id="s", patient_id=UUID(int=1)))
        assert client.stats.requests == 0


# --- deliveries ----------------------------------------------------------------------------------


async def test_deliveries_lists_every_attempt_newest_first(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """deliveries() yields a WebhookAudit per audited attempt, newest first, across pages."""
    async with receiving(welkin_emulator) as inbox, connect() as client:
        for _ in range(3):
            await new_patient(client)
        await inbox.settle()
        listed = [attempt async for attempt in client.webhooks.deliveries(size=2)]
    entries = webhook_attempts(welkin_emulator)
    assert len(entries) == 3
    assert all(isinstance(attempt, WebhookAudit) for attempt in listed)
    assert [attempt.id for attempt in listed] == [entry["id"] for entry in reversed(entries)]
    assert [attempt.sent_at for attempt in listed] == [
        datetime.fromisoformat(entry["sentAt"]) for entry in reversed(entries)
    ]


async def test_deliveries_since_stops_at_the_first_older_attempt(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """deliveries(since=...) yields the attempts sent at or after since, newest first, and reads
    no page past the first older attempt."""
    pages: list[str] = []
    welkin_emulator.on_request(lambda route: pages.append(route) if "audit" in route else None)
    welkin_emulator.subscribe_webhooks(nobody_listening())
    async with connect() as client:
        for _ in range(3):
            await new_patient(client)
        await welkin_emulator.webhooks.drain()
        welkin_emulator.clock.advance(60)
        for _ in range(2):
            await new_patient(client)
        await welkin_emulator.webhooks.drain()
        entries = webhook_attempts(welkin_emulator)
        since = datetime.fromisoformat(entries[3]["sentAt"])
        listed = [attempt async for attempt in client.webhooks.deliveries(since=since, size=1)]
    expected = [
        entry["id"]
        for entry in reversed(entries)
        if datetime.fromisoformat(entry["sentAt"]) >= since
    ]
    assert len(expected) == 2
    assert [attempt.id for attempt in listed] == expected
    assert len(pages) == len(expected) + 1  # the page holding the first older attempt, no more


async def test_deliveries_with_a_naive_since_raises_value_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """deliveries(since=<naive datetime>) raises ValueError before reading the audit."""
    pages: list[str] = []
    welkin_emulator.on_request(lambda route: pages.append(route) if "audit" in route else None)
    naive = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    async with connect() as client:
        with pytest.raises(ValueError, match="time zone"):
            _ = [attempt async for attempt in client.webhooks.deliveries(since=naive)]
    assert pages == []


async def test_deliveries_missed_while_the_receiver_was_down_are_failed_and_pullable(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Deliveries to a receiver that was down are listed FAILED; their patients can be pulled
    again with fetch_source."""
    welkin_emulator.subscribe_webhooks(nobody_listening(), events=["PATIENT_CREATED"])
    async with connect() as client:
        made = [await new_patient(client) for _ in range(2)]
        await welkin_emulator.webhooks.drain()
        failed = [a async for a in client.webhooks.deliveries() if a.status == "FAILED"]
        pulled = []
        for attempt in failed:
            assert isinstance(attempt.event_entity, str)
            assert isinstance(attempt.patient_id, str)
            event = WebhookEvent(
                event_entity=WebhookEventEntity(attempt.event_entity),
                patient_id=UUID(attempt.patient_id),
            )
            pulled.append(await client.webhooks.fetch_source(event))
        expected = [await client.patients.get(patient_id) for patient_id in reversed(made)]
    assert [str(a.id) for a in failed] == [
        e["id"] for e in reversed(webhook_attempts(welkin_emulator))
    ]
    assert [a.status_code for a in failed] == [None, None]  # no answer at all
    assert pulled == expected
