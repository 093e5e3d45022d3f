"""Signed webhook deliveries: verify them, type them, receive them in an aiohttp app.

Deliveries follow Standard Webhooks. Each one is a ping naming a record (``eventEntity``,
``sourceId``, ``patientId``); pull the record with ``client.webhooks.fetch_source(event)``.

    app = webhook_app(handle_event, secrets=["whsec_..."])

    async def handle_event(event: WebhookEvent) -> None:
        record = await client.webhooks.fetch_source(event)
"""

from welkin_async.errors import WebhookFailure, WebhookVerificationError
from welkin_async.models import WebhookEvent, WebhookEventEntity, WebhookEventSubtype
from welkin_async.webhooks._dedupe import DedupeStore, LruDedupe
from welkin_async.webhooks._receiver import (
    WEBHOOK_RECEIVER,
    Handler,
    WebhookReceiver,
    webhook_app,
)
from welkin_async.webhooks._verify import DEFAULT_TOLERANCE, WebhookVerifier, verify

__all__ = [
    "DEFAULT_TOLERANCE",
    "WEBHOOK_RECEIVER",
    "DedupeStore",
    "Handler",
    "LruDedupe",
    "WebhookEvent",
    "WebhookEventEntity",
    "WebhookEventSubtype",
    "WebhookFailure",
    "WebhookReceiver",
    "WebhookVerificationError",
    "WebhookVerifier",
    "verify",
    "webhook_app",
]
