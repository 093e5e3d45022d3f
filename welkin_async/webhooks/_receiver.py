"""An aiohttp.web endpoint that receives webhook deliveries: verify, de-duplicate, acknowledge.

Acknowledging comes before handling. The sender waits for its HTTP answer and redelivers on a
timeout, so a slow handler on the response path would turn into duplicate deliveries. The
handler therefore runs in a task of its own once the delivery has been verified and found new,
and the answer (``202``) goes back at once. A handler that fails is logged and counted. The
delivery is not redelivered, so reconcile with ``client.webhooks.deliveries(since=...)`` and
pull the records again (the payload is only a ping).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from welkin_async.errors import DecodeError, WebhookVerificationError
from welkin_async.models import WebhookEvent
from welkin_async.webhooks._dedupe import DedupeStore, LruDedupe
from welkin_async.webhooks._verify import DEFAULT_TOLERANCE, WebhookVerifier

logger = logging.getLogger("welkin_async.webhooks")

Handler = Callable[[WebhookEvent], Awaitable[object]]
MAX_BODY = 1024 * 1024  # a ping is a few hundred bytes; anything near this is not a delivery


class WebhookReceiver:
    """Receives deliveries for ``handler``: verified with ``secrets``, each ``webhook-id`` once.

    - ``dedupe`` remembers delivery ids (an in-memory :class:`LruDedupe` unless given);
    - ``max_handlers`` bounds the handlers running at once (the others wait their turn);
    - ``stats`` counts ``accepted``, ``duplicate``, ``rejected``, ``handled`` and ``failed``.
    """

    def __init__(
        self,
        handler: Handler,
        secrets: str | Sequence[str],
        *,
        dedupe: DedupeStore | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
        max_handlers: int = 64,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_handlers < 1:
            raise ValueError("max_handlers must be at least 1")
        self._handler = handler
        self._verifier = WebhookVerifier(secrets, tolerance=tolerance, clock=clock)
        self._dedupe = dedupe if dedupe is not None else LruDedupe()
        self._slots = asyncio.Semaphore(max_handlers)
        self._running: set[asyncio.Task[None]] = set()
        self.stats: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"WebhookReceiver(running={len(self._running)}, stats={dict(self.stats)})"

    def application(self, path: str = "/") -> web.Application:
        """An application serving deliveries at ``POST path``; it waits for running handlers
        when it shuts down."""
        app = web.Application(client_max_size=MAX_BODY)
        app[WEBHOOK_RECEIVER] = self
        app.router.add_post(path, self.handle)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        """One delivery: ``202`` new, ``200`` already seen, ``400`` failed verification."""
        body = await request.read()
        try:
            webhook_id = self._verifier.check(body, request.headers)
            event = self._verifier.event(body)
        except WebhookVerificationError as exc:
            self.stats["rejected"] += 1
            logger.warning("webhook delivery rejected: %s", exc.reason.value)
            return web.json_response({"error": exc.reason.value}, status=400)
        except DecodeError as exc:  # signed, but not an event: a 4xx the sender's audit shows
            self.stats["rejected"] += 1
            logger.warning("webhook delivery rejected: the body is not an event (%s)", exc.path)
            return web.json_response({"error": "not_an_event", "path": exc.path}, status=400)
        if not await self._dedupe.add(webhook_id):
            self.stats["duplicate"] += 1
            logger.debug("webhook delivery %s already taken", webhook_id)
            return web.json_response({"status": "duplicate"}, status=200)
        self.stats["accepted"] += 1
        task = asyncio.create_task(self._run(event, webhook_id), name=f"webhook {webhook_id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return web.json_response({"status": "accepted"}, status=202)

    async def drain(self) -> None:
        """Return once every handler started so far has finished."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _run(self, event: WebhookEvent, webhook_id: str) -> None:
        async with self._slots:
            try:
                await self._handler(event)
            except Exception as exc:  # noqa: BLE001 - a handler's failure must not end the app
                self.stats["failed"] += 1
                # The type only: the message of an exception raised on patient data may hold it.
                logger.error(
                    "webhook handler failed on delivery %s: %s", webhook_id, type(exc).__qualname__
                )
            else:
                self.stats["handled"] += 1

    async def _on_shutdown(self, _: web.Application) -> None:
        await self.drain()


WEBHOOK_RECEIVER = web.AppKey("welkin_async.webhook_receiver", WebhookReceiver)
"""``app[WEBHOOK_RECEIVER]`` is the receiver behind an application (for ``drain`` and ``stats``)."""


def webhook_app(
    handler: Handler,
    secrets: str | Sequence[str],
    *,
    dedupe: DedupeStore | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    path: str = "/",
) -> web.Application:
    """An aiohttp application that verifies deliveries and hands each new event to ``handler``.

    ``secrets``: one ``whsec_`` secret, or several while rotating. ``dedupe``: where delivery
    ids are remembered (in memory, the last 100,000, by default). Serve it with
    ``web.run_app(webhook_app(...))``, or mount it with ``app.add_subapp("/welkin", ...)`` to
    receive at ``POST /welkin/``.
    """
    receiver = WebhookReceiver(handler, secrets, dedupe=dedupe, tolerance=tolerance)
    return receiver.application(path)
