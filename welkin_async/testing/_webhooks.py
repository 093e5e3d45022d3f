"""Webhook subscriptions, signed deliveries with retries, and the delivery audit.

Payloads carry the live predefined fields (tenantName, instanceName, sourceName, sourceId,
patientId, eventEntity, eventSubtype, url): "ping then pull", the receiver fetches the record.
Deliveries are signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64 HMAC-SHA256>``) by the reference ``standardwebhooks`` library,
retried with exponential back-off on anything but a 2xx, and every attempt is recorded for
``GET /{tenant}/admin/audit-webhook``.

Delivery runs on one worker task owned by the emulator; :meth:`WebhookDispatcher.drain` waits
until every queued delivery has finished, so tests synchronise on it rather than on sleeps.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from collections.abc import Collection
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import aiohttp
import attrs
import backoff
from standardwebhooks import Webhook

from welkin_async.testing import _json
from welkin_async.testing._clock import Clock, iso_ms
from welkin_async.testing._stats import EmulatorStats
from welkin_async.testing._tenants import stable_uuid

logger = logging.getLogger("welkin_async.testing.webhooks")

EVENT_ENTITIES = {
    "PATIENT_CREATED": "PATIENT",
    "PATIENT_UPDATED": "PATIENT",
    "ENCOUNTER_COMPLETED": "ENCOUNTER",
    "ASSESSMENT_COMPLETED": "ASSESSMENT",
    "PROGRAM_PHASE_CHANGED": "PROGRAM",
    "CDT_CREATED": "CDT",
}
_RESPONSE_EXCERPT = 500


@attrs.frozen
class WebhookSubscription:
    """Where a tenant's events go, signed with ``secret`` (``whsec_`` + base64)."""

    tenant: str
    url: str
    secret: str = attrs.field(repr=False)
    events: frozenset[str] = frozenset(EVENT_ENTITIES)
    name: str = "wh-emulator"
    id: str = ""


@attrs.frozen
class WebhookRetry:
    """Delivery attempts per event and the exponential back-off between them (seconds)."""

    max_tries: int = 5
    initial: float = 0.5
    cap: float = 30.0


@attrs.frozen
class _Delivery:
    subscription: WebhookSubscription
    message_id: str
    payload: dict[str, Any]
    instance: str


def _status_name(status: int | None) -> str | None:
    """``OK``, ``INTERNAL_SERVER_ERROR``...: how the audit names a receiver's answer."""
    try:
        return HTTPStatus(status).name if status is not None else None
    except ValueError:
        return str(status)


def make_secret(*parts: object) -> str:
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).digest()
    return "whsec_" + base64.b64encode(digest[:24]).decode()


@attrs.define
class WebhookDispatcher:
    """Queues events per subscription and delivers them from one background task."""

    clock: Clock
    stats: EmulatorStats
    seed: int = 0
    retry: WebhookRetry = WebhookRetry()
    subscriptions: list[WebhookSubscription] = attrs.field(factory=list)
    audit: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    # audit entry id -> the delivery's webhook-id: the live audit does not show it, but a test
    # replays a delivery by it
    webhook_ids: dict[str, str] = attrs.field(factory=dict)
    base_url: str = ""
    _queue: asyncio.Queue[_Delivery] | None = None
    _worker: asyncio.Task[None] | None = None
    _session: aiohttp.ClientSession | None = None
    _sequence: int = 0
    _queued: dict[str, _Delivery] = attrs.field(factory=dict)

    def subscribe(
        self,
        tenant: str,
        url: str,
        *,
        secret: str | None = None,
        events: Collection[str] | None = None,
    ) -> WebhookSubscription:
        unknown = set(events or ()) - set(EVENT_ENTITIES)
        if unknown:
            raise ValueError(f"unknown webhook events {sorted(unknown)}; known: {EVENT_ENTITIES}")
        index = len(self.subscriptions)
        subscription = WebhookSubscription(
            tenant=tenant,
            url=url,
            secret=secret or make_secret(self.seed, tenant, "webhook", index),
            events=frozenset(events) if events else frozenset(EVENT_ENTITIES),
            id=stable_uuid(self.seed, tenant, "webhook", index),
        )
        self.subscriptions.append(subscription)
        return subscription

    def emit(
        self,
        *,
        tenant: str,
        instance: str,
        subtype: str,
        source_name: str,
        source_id: str,
        patient_id: str | None,
        path: str,
    ) -> None:
        """Queue ``subtype`` for every subscription of ``tenant`` that wants it."""
        for subscription in self.subscriptions:
            if subscription.tenant != tenant or subtype not in subscription.events:
                continue
            if self._queue is None:
                raise RuntimeError("the emulator is not running: webhooks cannot be delivered")
            self._sequence += 1
            payload = {
                "tenantName": tenant,
                "instanceName": instance,
                "sourceName": source_name,
                "sourceId": source_id,
                "patientId": patient_id,
                "eventEntity": EVENT_ENTITIES[subtype],
                "eventSubtype": subtype,
                "url": f"{self.base_url}/{tenant}/{instance}/{path}",
            }
            message_id = "msg_" + stable_uuid(self.seed, "delivery", self._sequence)
            delivery = _Delivery(subscription, message_id, payload, instance)
            self._queued[message_id] = delivery
            self._queue.put_nowait(delivery)

    def replay(self, webhook_id: str) -> None:
        """Send a delivery again, as a sender's retry or an operator's "resend" does: the same
        ``webhook-id`` and payload, a new timestamp and signature."""
        delivery = self._queued.get(webhook_id)
        if delivery is None:
            raise KeyError(f"no delivery {webhook_id!r} was queued")
        if self._queue is None:
            raise RuntimeError("the emulator is not running: webhooks cannot be delivered")
        self._queue.put_nowait(delivery)

    async def start(self, base_url: str) -> None:
        self.base_url = base_url
        self._queue = asyncio.Queue()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._worker = asyncio.create_task(self._run(), name="welkin-emulator-webhooks")

    async def drain(self) -> None:
        """Return once every delivery queued so far has succeeded or used up its retries."""
        if self._queue is not None:
            await self._queue.join()

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._queue = None

    async def _run(self) -> None:
        assert self._queue is not None  # noqa: S101 - set by start()
        deliver = backoff.on_predicate(
            backoff.expo,
            predicate=lambda delivered: not delivered,
            max_tries=self.retry.max_tries,
            factor=self.retry.initial,
            base=2,
            max_value=self.retry.cap,
            jitter=None,  # the schedule stays predictable for receivers under test
        )(self._attempt)
        while True:
            delivery = await self._queue.get()
            try:
                await deliver(delivery)
            finally:
                self._queue.task_done()

    async def _attempt(self, delivery: _Delivery) -> bool:
        assert self._session is not None  # noqa: S101 - set by start()
        body = _json.dumps(delivery.payload).decode()
        sent_at = datetime.fromtimestamp(int(self.clock.time()), UTC)
        signature = Webhook(delivery.subscription.secret).sign(delivery.message_id, sent_at, body)
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signature,
        }
        self.stats.webhooks["attempted"] += 1
        status: int | None = None
        excerpt = ""
        try:
            async with self._session.post(
                delivery.subscription.url, data=body, headers=headers
            ) as resp:
                status = resp.status
                excerpt = (await resp.text(errors="replace"))[:_RESPONSE_EXCERPT]
        except (aiohttp.ClientError, TimeoutError) as exc:
            excerpt = type(exc).__name__
        delivered = status is not None and 200 <= status < 300
        self.stats.webhooks["delivered" if delivered else "failed"] += 1
        self._record(delivery, status, excerpt, delivered)
        return delivered

    def _record(self, delivery: _Delivery, status: int | None, excerpt: str, ok: bool) -> None:
        subscription = delivery.subscription
        audit_id = stable_uuid(
            self.seed, "audit", delivery.message_id, self.stats.webhooks["attempted"]
        )
        self.webhook_ids[audit_id] = delivery.message_id
        self.audit.setdefault(subscription.tenant, []).append(
            {
                "id": audit_id,
                "sentAt": iso_ms(self.clock.now_ms()),
                "eventEntity": delivery.payload["eventEntity"],
                "eventSubtype": delivery.payload["eventSubtype"],
                "instance": delivery.instance,
                "patientId": delivery.payload["patientId"],
                "status": "DELIVERED" if ok else "FAILED",
                "statusCode": _status_name(status),
                "response": excerpt,
                "record": {
                    "name": subscription.name,
                    "title": "Emulator subscription",
                    "url": subscription.url,
                    "headers": [],
                    "queryParameters": [],
                    "payload": {
                        "customFields": [],
                        "predefinedFields": [
                            "INSTANCE_NAME",
                            "TENANT_NAME",
                            "SOURCE_NAME",
                            "SOURCE_ID",
                            "PATIENT_ID",
                            "EVENT_ENTITY",
                            "EVENT_SUBTYPE",
                            "URL",
                        ],
                    },
                    "active": True,
                    "enabled": True,
                },
            }
        )
        logger.debug(
            "webhook %s to subscription %s: %s",
            delivery.payload["eventSubtype"],
            subscription.id,
            status,
        )
