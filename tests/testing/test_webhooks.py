"""Webhook deliveries: Standard Webhooks signatures, predefined fields, retries, audit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import attrs
import pytest
from aiohttp import web
from standardwebhooks import Webhook

from tests.testing.conftest import Api, live_token
from welkin_async.testing import WebhookRetry, WelkinEmulator


@attrs.define
class Receiver:
    """A webhook endpoint on loopback that records deliveries and fails the first few."""

    failures_left: int = 0
    deliveries: list[tuple[bytes, dict[str, str]]] = attrs.field(factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.deliveries.append((await request.read(), dict(request.headers)))
        if self.failures_left:
            self.failures_left -= 1
            return web.Response(status=500, text="boom")
        return web.Response(text="Message stored.")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    sink = Receiver()
    app = web.Application()
    app.router.add_post("/hook", sink.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sink.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield sink
    await runner.cleanup()


@pytest.fixture
async def hooked(receiver: Receiver) -> AsyncIterator[WelkinEmulator]:
    async with WelkinEmulator(patients=2, webhook_retry=WebhookRetry(initial=0.01)) as emulator:
        yield emulator


async def _api(emulator: WelkinEmulator, session: aiohttp.ClientSession) -> Api:
    token = await live_token(session, emulator, "acme", "admin")
    return Api(session, emulator.url, "acme", "live", token)


def _payload(delivery: tuple[bytes, dict[str, str]], secret: str) -> dict[str, Any]:
    body, headers = delivery
    verified: dict[str, Any] = Webhook(secret).verify(body, headers)
    return verified


async def test_patient_created_is_delivered_signed(
    hooked: WelkinEmulator, receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    """Creating a patient delivers PATIENT_CREATED with the live predefined fields, signed
    so that the Standard Webhooks reference library verifies it."""
    subscription = hooked.subscribe_webhooks(receiver.url)
    assert subscription.secret.startswith("whsec_")
    api = await _api(hooked, session)
    made = (await api.call("POST", "patients", json_body={"firstName": "Hook"})).body
    await hooked.webhooks.drain()
    assert len(receiver.deliveries) == 1
    payload = _payload(receiver.deliveries[0], subscription.secret)
    assert payload == {
        "tenantName": "acme",
        "instanceName": "live",
        "sourceName": "patients",
        "sourceId": made["id"],
        "patientId": made["id"],
        "eventEntity": "PATIENT",
        "eventSubtype": "PATIENT_CREATED",
        "url": f"{hooked.url}/acme/live/patients/{made['id']}",
    }
    headers = receiver.deliveries[0][1]
    assert headers["webhook-id"].startswith("msg_")
    assert headers["webhook-signature"].startswith("v1,")


async def test_tampered_delivery_does_not_verify(
    hooked: WelkinEmulator, receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    """The signature covers the body: one changed byte fails verification."""
    subscription = hooked.subscribe_webhooks(receiver.url)
    api = await _api(hooked, session)
    await api.call("POST", "patients", json_body={"firstName": "Hook"})
    await hooked.webhooks.drain()
    body, headers = receiver.deliveries[0]
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(subscription.secret).verify(body.replace(b"acme", b"acmf"), headers)


async def test_failed_delivery_is_retried_and_audited(
    hooked: WelkinEmulator, receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    """Non-2xx answers are retried with back-off; each attempt appears in admin/audit-webhook."""
    receiver.failures_left = 2
    hooked.subscribe_webhooks(receiver.url)
    api = await _api(hooked, session)
    await api.call("POST", "patients", json_body={"firstName": "Retry"})
    await hooked.webhooks.drain()
    assert len(receiver.deliveries) == 3
    assert {d[1]["webhook-id"] for d in receiver.deliveries} == {
        receiver.deliveries[0][1]["webhook-id"]
    }
    audit = (await api.admin("GET", "audit-webhook")).body
    assert [(e["status"], e["statusCode"]) for e in audit["data"]] == [
        ("DELIVERED", "OK"),
        ("FAILED", "INTERNAL_SERVER_ERROR"),
        ("FAILED", "INTERNAL_SERVER_ERROR"),
    ]
    assert audit["data"][1]["response"] == "boom"
    assert hooked.stats.webhooks == {"attempted": 3, "failed": 2, "delivered": 1}


async def test_delivery_gives_up_after_max_tries(
    receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    """A receiver that keeps failing gets max_tries attempts, all audited FAILED."""
    receiver.failures_left = 100
    retry = WebhookRetry(max_tries=3, initial=0.01)
    async with WelkinEmulator(webhook_retry=retry) as emulator:
        emulator.subscribe_webhooks(receiver.url)
        api = await _api(emulator, session)
        await api.call("POST", "patients", json_body={"firstName": "Never"})
        await emulator.webhooks.drain()
        assert len(receiver.deliveries) == 3
        statuses = [e["status"] for e in emulator.webhooks.audit["acme"]]
    assert statuses == ["FAILED"] * 3


async def test_every_event_kind_is_emitted(
    hooked: WelkinEmulator, receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    """Patient update, CDT creation, encounter completion, assessment completion and a phase
    change each deliver their subtype."""
    subscription = hooked.subscribe_webhooks(receiver.url)
    api = await _api(hooked, session)
    patient_id = hooked.tenant().environments["live"].patients.ids()[0]
    await api.call("PATCH", f"patients/{patient_id}", json_body={"city": "Salem"})
    await api.call(
        "POST",
        f"patients/{patient_id}/cdts/cdt-self-care",
        json_body={"cdtf-unwind": "x"},
    )
    encounter = (
        await api.call(
            "POST",
            f"patients/{patient_id}/encounters",
            json_body={"templateName": "etmp-care-plan-review"},
        )
    ).body
    await api.call(
        "PATCH",
        f"patients/{patient_id}/encounters/{encounter['id']}",
        json_body={"status": "COMPLETED"},
    )
    record = (
        await api.call(
            "POST",
            f"patients/{patient_id}/assessment-records",
            json_body={"assessmentName": "asm-self-care-check"},
        )
    ).body
    await api.call(
        "PUT",
        f"patients/{patient_id}/assessment-records/{record['id']}",
        json_body={"assessmentName": "asm-self-care-check", "status": "COMPLETED"},
    )
    await api.call(
        "PATCH", f"patients/{patient_id}/programs/prog-onboarding", json_body={"assigned": True}
    )
    await api.call(
        "PATCH",
        f"patients/{patient_id}/programs/prog-onboarding/phases",
        json_body={"phaseName": "finish"},
    )
    await hooked.webhooks.drain()
    subtypes = [_payload(d, subscription.secret)["eventSubtype"] for d in receiver.deliveries]
    assert subtypes == [
        "PATIENT_UPDATED",
        "CDT_CREATED",
        "ENCOUNTER_COMPLETED",
        "ASSESSMENT_COMPLETED",
        "PROGRAM_PHASE_CHANGED",
    ]


async def test_subscription_filters_events(
    hooked: WelkinEmulator, receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    """A subscription to CDT_CREATED only does not receive patient events."""
    hooked.subscribe_webhooks(receiver.url, events=["CDT_CREATED"])
    api = await _api(hooked, session)
    await api.call("POST", "patients", json_body={"firstName": "Quiet"})
    await hooked.webhooks.drain()
    assert receiver.deliveries == []
