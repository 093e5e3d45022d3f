"""``webhook_app`` / ``WebhookReceiver`` end to end: the emulator delivers signed events over
loopback HTTP to the app, which verifies them, takes each ``webhook-id`` once, answers at once
and runs the handler off the response path."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from uuid import UUID

import aiohttp
import pytest
from aiohttp import web

from tests.conftest import Connect, a_patient, serving, webhook_attempts
from welkin_async import WelkinClient
from welkin_async.models import AssessmentStatus, ProgramPhase
from welkin_async.testing import WebhookRetry, WelkinEmulator
from welkin_async.webhooks import (
    WEBHOOK_RECEIVER,
    WebhookEvent,
    WebhookEventEntity,
    WebhookEventSubtype,
    webhook_app,
)

# One attempt per delivery: a rejected or timed-out delivery is audited once, never retried.
pytestmark = pytest.mark.welkin_emulator(
    patients=2, tenants=["acme"], webhook_retry=WebhookRetry(max_tries=1)
)


def make_secret(label: str) -> str:
    """A fixed ``whsec_`` secret derived from ``label``."""
    return "whsec_" + base64.b64encode(hashlib.sha256(label.encode()).digest()[:24]).decode()


SECRET = make_secret("receiver")
OLD, NEW = make_secret("rotation-old"), make_secret("rotation-new")
CANARY = "canary-3b8e51d0"


class Recorder:
    """A handler that keeps every event it is given."""

    def __init__(self) -> None:
        self.events: list[WebhookEvent] = []

    async def __call__(self, event: WebhookEvent) -> None:
        self.events.append(event)


async def settle(emulator: WelkinEmulator, app: web.Application) -> None:
    """Every queued delivery done, then every handler it started finished."""
    await emulator.webhooks.drain()
    await app[WEBHOOK_RECEIVER].drain()


def answers(emulator: WelkinEmulator) -> list[tuple[str, str]]:
    """(status, statusCode) of every audited attempt, oldest first."""
    return [(entry["status"], entry["statusCode"]) for entry in webhook_attempts(emulator)]


async def new_patient(client: WelkinClient) -> str:
    made = await client.patients.create(first_name="Hook", last_name="Receiver")
    return str(made.id)


# --- what each kind of event is made by: returns (sourceId, patientId) -------------------------

Arrange = Callable[[WelkinClient, WelkinEmulator], Awaitable[tuple[str, str]]]


async def create_patient(client: WelkinClient, emulator: WelkinEmulator) -> tuple[str, str]:
    patient_id = await new_patient(client)
    return patient_id, patient_id


async def complete_encounter(client: WelkinClient, emulator: WelkinEmulator) -> tuple[str, str]:
    patient_id = a_patient(emulator)
    template = (await client.formations.encounter_templates())[0]
    made = await client.encounters(patient_id).create(template_name=template.name)
    done = await client.encounters(patient_id).complete(str(made.id))
    return str(done.id), patient_id


async def complete_assessment(client: WelkinClient, emulator: WelkinEmulator) -> tuple[str, str]:
    patient_id = a_patient(emulator)
    name = (await client.formations.assessments())[0].name
    records = client.assessment_records(patient_id)
    made = await records.create(assessment_name=name)
    done = await records.update(
        str(made.id), assessment_name=name, status=AssessmentStatus.COMPLETED
    )
    return str(done.id), patient_id


async def change_phase(client: WelkinClient, emulator: WelkinEmulator) -> tuple[str, str]:
    patient_id = await new_patient(client)  # in no program yet
    program = next(p for p in await client.formations.programs() if len(p.phases) >= 2)
    assigned = await client.programs(patient_id).assign(program.name)
    assert isinstance(assigned.current_phase, ProgramPhase)
    target = next(p.name for p in program.phases if p.name != assigned.current_phase.name)
    moved = await client.programs(patient_id).move(program.name, target)
    return str(moved.id), patient_id


KINDS = [
    pytest.param(WebhookEventSubtype.PATIENT_CREATED, WebhookEventEntity.PATIENT, create_patient),
    pytest.param(
        WebhookEventSubtype.ENCOUNTER_COMPLETED, WebhookEventEntity.ENCOUNTER, complete_encounter
    ),
    pytest.param(
        WebhookEventSubtype.ASSESSMENT_COMPLETED,
        WebhookEventEntity.ASSESSMENT,
        complete_assessment,
    ),
    pytest.param(
        WebhookEventSubtype.PROGRAM_PHASE_CHANGED, WebhookEventEntity.PROGRAM, change_phase
    ),
]


# --- delivery ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("subtype", "entity", "arrange"), KINDS)
async def test_an_emulator_event_reaches_the_handler_typed(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    subtype: WebhookEventSubtype,
    entity: WebhookEventEntity,
    arrange: Arrange,
) -> None:
    """The emulator's delivery of each event kind reaches the handler once, as a WebhookEvent
    naming the entity, subtype, source and patient the client calls produced."""
    inbox = Recorder()
    app = webhook_app(inbox, SECRET)
    async with serving(app) as url, connect() as client:
        welkin_emulator.subscribe_webhooks(url, secret=SECRET, events=[subtype.value])
        source_id, patient_id = await arrange(client, welkin_emulator)
        await settle(welkin_emulator, app)
    assert len(inbox.events) == 1
    event = inbox.events[0]
    assert isinstance(event, WebhookEvent)
    assert event.event_subtype is subtype
    assert event.event_entity is entity
    assert (event.source_id, event.patient_id) == (source_id, UUID(patient_id))
    assert (event.tenant_name, event.instance_name) == ("acme", "live")
    assert answers(welkin_emulator) == [("DELIVERED", "ACCEPTED")]


async def test_a_replayed_delivery_reaches_the_handler_once(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A delivery the emulator sends again with the same webhook-id is answered 2xx both times
    but handed to the handler once, and counted as a duplicate."""
    inbox = Recorder()
    app = webhook_app(inbox, SECRET)
    async with serving(app) as url, connect() as client:
        welkin_emulator.subscribe_webhooks(url, secret=SECRET)
        patient_id = await new_patient(client)
        await settle(welkin_emulator, app)
        listed = [attempt async for attempt in client.webhooks.deliveries()]
        assert len(listed) == 1
        webhook_id = welkin_emulator.webhooks.webhook_ids[str(listed[0].id)]
        welkin_emulator.webhooks.replay(webhook_id)
        await settle(welkin_emulator, app)
    assert [event.source_id for event in inbox.events] == [patient_id]
    ids = welkin_emulator.webhooks.webhook_ids
    assert [
        (ids[entry["id"]], entry["status"], entry["statusCode"])
        for entry in webhook_attempts(welkin_emulator)
    ] == [(webhook_id, "DELIVERED", "ACCEPTED"), (webhook_id, "DELIVERED", "OK")]
    assert app[WEBHOOK_RECEIVER].stats == Counter(accepted=1, handled=1, duplicate=1)


async def test_a_slow_handler_does_not_delay_the_answer(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The delivery is answered 202 while its handler is still waiting; the handler finishes
    once released."""
    release = asyncio.Event()
    finished: list[WebhookEvent] = []

    async def slow(event: WebhookEvent) -> None:
        await release.wait()
        finished.append(event)

    app = webhook_app(slow, SECRET)
    async with serving(app) as url, connect() as client:
        welkin_emulator.subscribe_webhooks(url, secret=SECRET)
        try:
            patient_id = await new_patient(client)
            await welkin_emulator.webhooks.drain()
            answered = answers(welkin_emulator)
            finished_before_release = len(finished)
        finally:
            release.set()  # never leave the handler waiting, or the app's shutdown would hang
        await app[WEBHOOK_RECEIVER].drain()
    assert answered == [("DELIVERED", "ACCEPTED")]
    assert finished_before_release == 0
    assert [event.source_id for event in finished] == [patient_id]
    assert app[WEBHOOK_RECEIVER].stats == Counter(accepted=1, handled=1)


# --- verification --------------------------------------------------------------------------------


async def test_a_delivery_signed_with_another_secret_is_rejected(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A delivery signed with a secret the app does not hold is answered 400
    no_matching_signature, counted as rejected, and never handed to the handler."""
    inbox = Recorder()
    app = webhook_app(inbox, SECRET)
    async with serving(app) as url, connect() as client:
        welkin_emulator.subscribe_webhooks(url, secret=make_secret("someone else"))
        await new_patient(client)
        await settle(welkin_emulator, app)
    assert answers(welkin_emulator) == [("FAILED", "BAD_REQUEST")]
    assert json.loads(webhook_attempts(welkin_emulator)[0]["response"]) == {
        "error": "no_matching_signature"
    }
    assert inbox.events == []
    assert app[WEBHOOK_RECEIVER].stats == Counter(rejected=1)


@pytest.mark.parametrize("signing", [NEW, OLD], ids=["new", "old"])
async def test_during_rotation_either_secret_is_accepted(
    welkin_emulator: WelkinEmulator, connect: Connect, signing: str
) -> None:
    """An app holding [old, new] accepts and handles a delivery signed with either of them."""
    inbox = Recorder()
    app = webhook_app(inbox, [OLD, NEW])
    async with serving(app) as url, connect() as client:
        welkin_emulator.subscribe_webhooks(url, secret=signing)
        patient_id = await new_patient(client)
        await settle(welkin_emulator, app)
    assert answers(welkin_emulator) == [("DELIVERED", "ACCEPTED")]
    assert [event.source_id for event in inbox.events] == [patient_id]


# --- failing handlers ----------------------------------------------------------------------------


def failing_first(seen: list[WebhookEvent]) -> Callable[[WebhookEvent], Awaitable[None]]:
    """A handler that records each event and raises (with the canary) on the first one."""

    async def handler(event: WebhookEvent) -> None:
        seen.append(event)
        if len(seen) == 1:
            raise RuntimeError(f"handler broke on {CANARY}")

    return handler


async def test_a_failing_handler_is_counted_and_the_app_serves_on(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A handler that raises is counted as failed; the next delivery is accepted and handled."""
    seen: list[WebhookEvent] = []
    app = webhook_app(failing_first(seen), SECRET)
    async with serving(app) as url, connect() as client:
        welkin_emulator.subscribe_webhooks(url, secret=SECRET)
        first = await new_patient(client)
        await settle(welkin_emulator, app)
        second = await new_patient(client)
        await settle(welkin_emulator, app)
    assert [event.source_id for event in seen] == [first, second]
    assert answers(welkin_emulator) == [("DELIVERED", "ACCEPTED")] * 2
    assert app[WEBHOOK_RECEIVER].stats == Counter(accepted=2, failed=1, handled=1)


async def test_a_failing_handler_is_logged_without_its_message(
    welkin_emulator: WelkinEmulator, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    """The error logged for a failing handler names the failure but not the exception's message
    (which may hold patient data), and carries no traceback."""
    seen: list[WebhookEvent] = []
    app = webhook_app(failing_first(seen), SECRET)
    async with serving(app) as url, connect() as client:
        welkin_emulator.subscribe_webhooks(url, secret=SECRET)
        await new_patient(client)
        await settle(welkin_emulator, app)
    errors = [
        record
        for record in caplog.records
        if record.name.startswith("welkin_async.webhooks") and record.levelno >= logging.ERROR
    ]
    assert len(errors) == 1
    assert "RuntimeError" in errors[0].getMessage()
    assert CANARY not in errors[0].getMessage()
    assert errors[0].exc_info is None
    assert CANARY not in caplog.text


# --- a pluggable de-duplication store ------------------------------------------------------------


class EverythingSeen:
    """A DedupeStore that records each id it is asked about and reports it as taken already."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def add(self, webhook_id: str) -> bool:
        self.asked.append(webhook_id)
        return False


async def test_a_custom_dedupe_store_replaces_the_lru(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The app asks the given store, not its in-memory LRU: a first delivery the store calls
    taken is answered 200 duplicate and never handled."""
    store = EverythingSeen()
    inbox = Recorder()
    app = webhook_app(inbox, SECRET, dedupe=store)
    async with serving(app) as url, connect() as client:
        welkin_emulator.subscribe_webhooks(url, secret=SECRET)
        await new_patient(client)
        await settle(welkin_emulator, app)
    ids = welkin_emulator.webhooks.webhook_ids
    assert store.asked == [ids[entry["id"]] for entry in webhook_attempts(welkin_emulator)]
    assert answers(welkin_emulator) == [("DELIVERED", "OK")]
    assert inbox.events == []
    assert app[WEBHOOK_RECEIVER].stats == Counter(duplicate=1)


# --- plain HTTP to the app -----------------------------------------------------------------------

HEADERS = {
    "webhook-id": "msg_direct",
    "webhook-timestamp": str(int(time.time())),
    "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
}


@pytest.mark.parametrize("missing", sorted(HEADERS))
async def test_a_post_without_a_webhook_header_is_400_missing_header(missing: str) -> None:
    """A POST lacking any one of the three webhook headers is answered 400 missing_header."""
    inbox = Recorder()
    app = webhook_app(inbox, SECRET)
    headers = {name: value for name, value in HEADERS.items() if name != missing}
    async with serving(app) as url, aiohttp.ClientSession() as session:
        async with session.post(url, data=b'{"eventEntity": "PATIENT"}', headers=headers) as resp:
            status, body = resp.status, await resp.json()
        await app[WEBHOOK_RECEIVER].drain()
    assert (status, body) == (400, {"error": "missing_header"})
    assert inbox.events == []
    assert app[WEBHOOK_RECEIVER].stats == Counter(rejected=1)


async def test_a_get_is_405() -> None:
    """The app serves deliveries by POST only: a GET is answered 405."""
    app = webhook_app(Recorder(), SECRET)
    async with serving(app) as url, aiohttp.ClientSession() as session, session.get(url) as resp:
        status = resp.status
    assert status == 405
    assert app[WEBHOOK_RECEIVER].stats == Counter()
