"""An aiohttp.web endpoint that receives webhook deliveries: verify, de-duplicate, acknowledge.

Acknowledging comes before handling. The sender waits for its HTTP answer and redelivers on a
timeout, so a slow handler on the response path would turn into duplicate deliveries. The
handler therefore runs in a task of its own once the delivery has been verified and found new,
and the answer (``202``) goes back at once. A handler that fails is logged and counted. The
delivery is not redelivered, so reconcile with ``client.webhooks.deliveries(since=...)`` and
pull the records again (the payload is only a ping).

A body is capped (``max_body``): a declared ``Content-Length`` over the cap is answered ``413``
before a byte of the body is read (and ``Expect: 100-continue`` is refused rather than invited),
and a chunked body is cut off with ``413`` as soon as it grows past the cap. Shutdown is bounded
too (``shutdown_grace``): running handlers get that long to finish, then they are cancelled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from aiohttp.web_urldispatcher import _default_expect_handler as _default_expect

from welkin_async.errors import DecodeError, WebhookVerificationError
from welkin_async.models import WebhookEvent
from welkin_async.webhooks._dedupe import DedupeStore, LruDedupe
from welkin_async.webhooks._verify import DEFAULT_TOLERANCE, WebhookVerifier

logger = logging.getLogger("welkin_async.webhooks")

Handler = Callable[[WebhookEvent], Awaitable[object]]
MAX_BODY = 1024 * 1024  # a ping is a few hundred bytes; anything near this is not a delivery
SHUTDOWN_GRACE = 30.0
# Cancelled handlers get the grace again to unwind, within these bounds: long enough for a
# `finally` that closes a connection, short enough that one swallowing CancelledError cannot
# hold shutdown for long. They are cancelled anew each round, for a handler that swallows one.
_UNWIND_MIN, _UNWIND_MAX, _CANCEL_ROUNDS = 0.1, 5.0, 5


class WebhookReceiver:
    """Receives deliveries for ``handler``: verified with ``secrets``, each ``webhook-id`` once.

    - ``dedupe`` remembers delivery ids (an in-memory :class:`LruDedupe` unless given);
    - ``max_handlers`` bounds the handlers running at once (the others wait their turn);
    - ``max_body`` caps a delivery's body in bytes (``413`` past it, the rest never read);
    - ``shutdown_grace``: seconds the application's shutdown waits for running handlers before
      it cancels them (then it waits as long again, between 0.1 and 5 seconds, for them to
      unwind, and goes on without any that will not);
    - ``stats`` counts ``accepted``, ``duplicate``, ``rejected``, ``too_large``,
      ``dedupe_unavailable`` (answered ``503``: the store failed), ``handled``, ``failed``,
      ``cancelled`` (at shutdown) and ``abandoned`` (ignored their cancellation).
    """

    def __init__(
        self,
        handler: Handler,
        secrets: str | Sequence[str],
        *,
        dedupe: DedupeStore | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
        max_handlers: int = 64,
        max_body: int = MAX_BODY,
        shutdown_grace: float = SHUTDOWN_GRACE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_handlers < 1:
            raise ValueError("max_handlers must be at least 1")
        if max_body < 1:
            raise ValueError("max_body must be at least 1")
        if not shutdown_grace >= 0:  # also refuses NaN
            raise ValueError("shutdown_grace must be zero or more")
        self._handler = handler
        self._max_body = max_body
        self._grace = float(shutdown_grace)
        self._verifier = WebhookVerifier(secrets, tolerance=tolerance, clock=clock)
        self._dedupe = dedupe if dedupe is not None else LruDedupe()
        self._slots = asyncio.Semaphore(max_handlers)
        self._running: set[asyncio.Task[None]] = set()
        self.stats: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"WebhookReceiver(running={len(self._running)}, stats={dict(self.stats)})"

    def application(self, path: str = "/") -> web.Application:
        """An application serving deliveries at ``POST path``; when it shuts down it waits for
        running handlers, up to ``shutdown_grace`` (see :meth:`shutdown`)."""
        app = web.Application(client_max_size=self._max_body)
        app[WEBHOOK_RECEIVER] = self
        app.router.add_post(path, self.handle, expect_handler=self._expect)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        """One delivery: ``202`` new, ``200`` already seen, ``400`` failed verification,
        ``413`` a body over ``max_body``, ``503`` the dedupe store failed (send it again later)."""
        try:
            body = await self._read_body(request)
        except web.RequestPayloadError:  # a body that cannot be decompressed or de-chunked
            self.stats["rejected"] += 1
            logger.warning("webhook delivery rejected: the body cannot be read")
            return web.json_response({"error": "unreadable_body"}, status=400)
        if body is None:
            return await self._too_large(request)
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
        if (not_new := await self._not_new(webhook_id)) is not None:
            return not_new
        self.stats["accepted"] += 1
        task = asyncio.create_task(self._run(event, webhook_id), name=f"webhook {webhook_id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return web.json_response({"status": "accepted"}, status=202)

    async def _not_new(self, webhook_id: str) -> web.Response | None:
        """``None`` for a delivery taken now for the first time; otherwise its answer: ``200``
        already taken, ``503`` the dedupe store failed."""
        try:
            new = await self._dedupe.add(webhook_id)
        except Exception as exc:  # noqa: BLE001 - whatever the store's failure, the sender retries
            # Neither "new" (it may have been handled) nor "duplicate" (it may not have been):
            # a 503 has the sender deliver it again later, when the store can tell.
            self.stats["dedupe_unavailable"] += 1
            logger.warning(
                "webhook delivery answered 503: the dedupe store failed (%s)",
                type(exc).__qualname__,
            )
            return web.json_response({"error": "dedupe_unavailable"}, status=503)
        if new:
            return None
        self.stats["duplicate"] += 1
        logger.debug("webhook delivery %s already taken", webhook_id)
        return web.json_response({"status": "duplicate"}, status=200)

    async def _expect(self, request: web.Request) -> web.Response | None:
        """``Expect: 100-continue`` with a declared body over the cap: ``413`` instead of the
        ``100 Continue`` that would invite the body."""
        if self._declared_too_large(request):
            return await self._too_large(request)
        await _default_expect(request)  # aiohttp's own answer: ``100 Continue``
        return None

    def _declared_too_large(self, request: web.Request) -> bool:
        declared = request.content_length
        return declared is not None and declared > self._max_body

    async def _read_body(self, request: web.Request) -> bytes | None:
        """The body, or ``None`` if it is over the cap: declared so (nothing is read), or grown
        past it while read in chunks (what was read is dropped, the rest never read)."""
        if self._declared_too_large(request):
            return None
        body = bytearray()
        async for chunk in request.content.iter_any():
            body += chunk
            if len(body) > self._max_body:
                return None
        return bytes(body)

    async def _too_large(self, request: web.Request) -> web.Response:
        """Send ``413`` and close the connection once it is flushed. aiohttp would otherwise
        go on reading (and dropping) the rest of the body for its lingering time: work done for
        a sender that declared or sent more than will ever be read."""
        self.stats["too_large"] += 1
        # The cap is configuration; the declared length and the body are the sender's.
        logger.warning("webhook delivery refused: the body is over %d bytes", self._max_body)
        response = web.json_response({"error": "body_too_large"}, status=413)
        response.force_close()
        await response.prepare(request)
        await response.write_eof()
        if request.transport is not None:
            request.transport.close()  # flushes what is buffered first
        return response

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait for every handler started so far to finish: ``True`` once they have. With a
        ``timeout`` (seconds), ``False`` if some are still running when it passes; they go on
        running (nothing is cancelled here)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while pending := self._unfinished():
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return False
            await asyncio.wait(pending, timeout=left)
        return True

    async def shutdown(self) -> None:
        """Wait up to ``shutdown_grace`` seconds for running handlers, then cancel the rest and
        give them a bounded time to unwind. The application calls this when it shuts down."""
        if await self.drain(self._grace):
            return
        stuck = self._unfinished()
        self.stats["cancelled"] += len(stuck)
        logger.warning(
            "webhook receiver shutting down: cancelled %d handler(s) still running after %s s",
            len(stuck),
            self._grace,
        )
        left = await _cancel(stuck, min(max(self._grace, _UNWIND_MIN), _UNWIND_MAX))
        if left:
            self.stats["abandoned"] += len(left)
            logger.error(
                "webhook receiver shutting down without %d handler(s) that ignored cancellation",
                len(left),
            )

    def _unfinished(self) -> set[asyncio.Task[None]]:
        return {task for task in self._running if not task.done()}

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
        await self.shutdown()


async def _cancel(tasks: set[asyncio.Task[None]], within: float) -> set[asyncio.Task[None]]:
    """Cancel ``tasks`` and wait up to ``within`` seconds for them to end, cancelling again each
    round those still running (a task may swallow one CancelledError); returns those left."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    pending = set(tasks)
    while pending:
        for task in pending:
            task.cancel()
        left = deadline - loop.time()
        if left <= 0:
            break
        _, pending = await asyncio.wait(pending, timeout=min(left, within / _CANCEL_ROUNDS))
    return pending


WEBHOOK_RECEIVER = web.AppKey("welkin_async.webhook_receiver", WebhookReceiver)
"""``app[WEBHOOK_RECEIVER]`` is the receiver behind an application (for ``drain`` and ``stats``)."""


def webhook_app(
    handler: Handler,
    secrets: str | Sequence[str],
    *,
    dedupe: DedupeStore | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    path: str = "/",
    max_body: int = MAX_BODY,
    shutdown_grace: float = SHUTDOWN_GRACE,
) -> web.Application:
    """An aiohttp application that verifies deliveries and hands each new event to ``handler``.

    ``secrets``: one ``whsec_`` secret, or several while rotating. ``dedupe``: where delivery
    ids are remembered (in memory, the last 100,000, by default). ``max_body``: the largest body
    accepted, in bytes (``413`` past it). ``shutdown_grace``: seconds shutdown waits for running
    handlers before cancelling them. Serve it with ``web.run_app(webhook_app(...))``, or mount
    it with ``app.add_subapp("/welkin", ...)`` to receive at ``POST /welkin/``.
    """
    receiver = WebhookReceiver(
        handler,
        secrets,
        dedupe=dedupe,
        tolerance=tolerance,
        max_body=max_body,
        shutdown_grace=shutdown_grace,
    )
    return receiver.application(path)
