"""The webhook receiver against hostile senders and stuck handlers.

Oversized bodies: a declared ``Content-Length`` over the cap is answered ``413`` before any of
the body is read (the tests send the headers and then nothing, so a receiver that waited for the
body would never answer); a chunked body is cut off with ``413`` once it grows past the cap (the
tests never send its last chunk). Shutdown: handlers that never finish, or swallow their
cancellation, cannot hold ``runner.cleanup()`` for ever.

Every wait is bounded with ``asyncio.timeout`` as a hang guard, never measured.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp import web
from standardwebhooks import Webhook

from tests.conftest import serving
from welkin_async.webhooks import WEBHOOK_RECEIVER, WebhookEvent, webhook_app
from welkin_async.webhooks._receiver import MAX_BODY

SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"hostile receiver").digest()[:24]).decode()
CANARY = "canary-5f0c2a91"  # a header value that must never reach the log
HANG_GUARD = 5.0  # generous: every answer here comes at once, or never
TEN_GB = 10 * 1024**3


async def ignore(_event: WebhookEvent) -> None:
    raise AssertionError("no delivery here should reach the handler")


# --- raw HTTP: headers first, the body only as the test says ----------------------------------


@asynccontextmanager
async def connection(url: str) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        yield reader, writer
    finally:
        writer.close()


def head(url: str, *lines: str) -> bytes:
    path = urlsplit(url).path or "/"
    request = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"webhook-id: {CANARY}", *lines]
    return ("\r\n".join(request) + "\r\n\r\n").encode()


async def status_line(reader: asyncio.StreamReader) -> str:
    async with asyncio.timeout(HANG_GUARD):
        return (await reader.readline()).decode().strip()


async def answer(reader: asyncio.StreamReader) -> tuple[str, dict[str, str]]:
    """The status line and headers of the next response."""
    line = await status_line(reader)
    headers: dict[str, str] = {}
    async with asyncio.timeout(HANG_GUARD):
        while (header := (await reader.readline()).decode().strip()) != "":
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
    return line, headers


def chunk(size: int) -> bytes:
    return f"{size:x}\r\n".encode() + b" " * size + b"\r\n"


def refusal_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "welkin_async.webhooks" and record.levelno == logging.WARNING
    ]


# --- a declared Content-Length over the cap ------------------------------------------------------


async def test_a_declared_10_gb_body_is_413_before_any_of_it_is_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Headers declaring a 10 GB body, then nothing: 413 comes back at once, with the
    connection closed; it is counted and logged without the declared length or any header
    value."""
    app = webhook_app(ignore, SECRET)
    async with serving(app) as url, connection(url) as (reader, writer):
        writer.write(head(url, f"Content-Length: {TEN_GB}", "Content-Type: application/json"))
        await writer.drain()
        line, headers = await answer(reader)
    assert line == "HTTP/1.1 413 Request Entity Too Large"
    assert headers.get("connection", "").lower() == "close"
    assert app[WEBHOOK_RECEIVER].stats == {"too_large": 1}
    assert len(refusal_lines(caplog)) == 1
    assert str(TEN_GB) not in caplog.text
    assert CANARY not in caplog.text


async def test_expect_100_continue_with_a_declared_oversized_body_is_refused_not_invited() -> None:
    """With ``Expect: 100-continue`` the receiver answers 413 instead of ``100 Continue``, so
    the sender never starts the body."""
    app = webhook_app(ignore, SECRET)
    async with serving(app) as url, connection(url) as (reader, writer):
        writer.write(head(url, f"Content-Length: {TEN_GB}", "Expect: 100-continue"))
        await writer.drain()
        line = await status_line(reader)
    assert line == "HTTP/1.1 413 Request Entity Too Large"
    assert app[WEBHOOK_RECEIVER].stats == {"too_large": 1}


@pytest.mark.parametrize("over", [1, 1000, TEN_GB])
async def test_a_declared_body_over_a_configured_cap_is_413(over: int) -> None:
    """``max_body`` sets the cap: any declared length past it is 413 at once."""
    app = webhook_app(ignore, SECRET, max_body=512)
    async with serving(app) as url, connection(url) as (reader, writer):
        writer.write(head(url, f"Content-Length: {512 + over}"))
        await writer.drain()
        line = await status_line(reader)
    assert line.split()[1] == "413"
    assert app[WEBHOOK_RECEIVER].stats == {"too_large": 1}


async def test_a_body_of_exactly_the_cap_is_read_and_judged() -> None:
    """A body of exactly ``max_body`` bytes is read: unsigned, it is 400 missing_header, not
    413."""
    app = webhook_app(ignore, SECRET, max_body=512)
    async with (
        serving(app) as url,
        aiohttp.ClientSession() as session,
        session.post(url, data=b" " * 512) as resp,
    ):
        status, body = resp.status, await resp.json()
    assert (status, body) == (400, {"error": "missing_header"})
    assert app[WEBHOOK_RECEIVER].stats == {"rejected": 1}


async def test_a_mounted_receiver_refuses_a_declared_oversized_body() -> None:
    """Mounted under another application (whose own size limit is larger), the receiver's cap
    still applies, before the body is read."""
    inner = webhook_app(ignore, SECRET, max_body=512)
    outer = web.Application(client_max_size=64 * 1024**2)
    outer.add_subapp("/welkin", inner)
    async with serving(outer) as url, connection(url + "welkin/") as (reader, writer):
        writer.write(head(url + "welkin/", "Content-Length: 4096"))
        await writer.drain()
        line = await status_line(reader)
    assert line.split()[1] == "413"
    assert inner[WEBHOOK_RECEIVER].stats == {"too_large": 1}


# --- a chunked body that grows past the cap ------------------------------------------------------


@pytest.mark.parametrize(("cap", "piece"), [(512, 100), (MAX_BODY, 64 * 1024)])
async def test_a_chunked_body_growing_past_the_cap_is_cut_off_with_413(
    cap: int, piece: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A chunked body (no Content-Length) that passes the cap and never ends: 413 once the
    cap is passed, without waiting for the end."""
    app = webhook_app(ignore, SECRET, max_body=cap)
    async with serving(app) as url, connection(url) as (reader, writer):
        writer.write(head(url, "Transfer-Encoding: chunked"))
        for _ in range(cap // piece + 1):
            writer.write(chunk(piece))
        await writer.drain()  # and the terminating chunk never comes
        line = await status_line(reader)
    assert line.split()[1] == "413"
    assert app[WEBHOOK_RECEIVER].stats == {"too_large": 1}
    assert len(refusal_lines(caplog)) == 1
    assert CANARY not in caplog.text


@pytest.mark.parametrize("max_body", [0, -1])
def test_a_cap_below_one_byte_is_refused(max_body: int) -> None:
    with pytest.raises(ValueError, match="max_body"):
        webhook_app(ignore, SECRET, max_body=max_body)


# --- shutdown with stuck handlers ----------------------------------------------------------------


def signed(webhook_id: str) -> tuple[bytes, dict[str, str]]:
    """A delivery of a PATIENT_UPDATED ping, signed now with SECRET."""
    body = json.dumps(
        {
            "tenantName": "acme",
            "instanceName": "live",
            "sourceName": "patients",
            "sourceId": "0b9e4c7a-1f2d-4e3b-8a5c-6d7e8f901a2b",
            "patientId": "7c1f3a52-0d7e-4b8e-9a61-3f2a9b8c4d10",
            "eventEntity": "PATIENT",
            "eventSubtype": "PATIENT_UPDATED",
            "url": "https://api.example/acme/live/patients/0b9e4c7a-1f2d-4e3b-8a5c-6d7e8f901a2b",
        }
    ).encode()
    now = int(time.time())
    signature = Webhook(SECRET).sign(webhook_id, datetime.fromtimestamp(now, UTC), body.decode())
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(now),
        "webhook-signature": signature,
        "Content-Type": "application/json",
    }
    return body, headers


async def deliver(url: str, webhook_id: str = "msg_stuck") -> int:
    body, headers = signed(webhook_id)
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as r,
    ):
        return r.status


class Stuck:
    """A handler that waits for ``release`` and swallows the first ``swallow`` cancellations
    it gets; ``started`` is set once it runs, ``cancels`` counts the cancellations it saw."""

    def __init__(self, swallow: int = 0) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.swallow = swallow
        self.cancels = 0
        self.finished = False

    async def __call__(self, _event: WebhookEvent) -> None:
        self.started.set()
        while True:
            try:
                await self.release.wait()
            except asyncio.CancelledError:
                self.cancels += 1
                if self.cancels > self.swallow:
                    raise
                continue
            self.finished = True
            return


@asynccontextmanager
async def running(app: web.Application, handler: Stuck) -> AsyncIterator[tuple[web.AppRunner, str]]:
    """Serve ``app``; the test shuts it down with ``runner.cleanup()``. Afterwards ``handler``
    is released and the app cleaned up again (harmless once done), so that a shutdown that
    hangs fails the test at the hang guard instead of hanging the run."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield runner, f"http://127.0.0.1:{runner.addresses[0][1]}/"
    finally:
        handler.release.set()
        async with asyncio.timeout(HANG_GUARD):
            await runner.cleanup()


async def shut_down_with(handler: Stuck, *, grace: float = 0.2) -> web.Application:
    """Deliver one event to ``handler``, wait until it runs, then shut the app down (bounded by
    the hang guard: an unbounded shutdown fails the test)."""
    app = webhook_app(handler, SECRET, shutdown_grace=grace)
    async with running(app, handler) as (runner, url):
        assert await deliver(url) == 202
        async with asyncio.timeout(HANG_GUARD):
            await handler.started.wait()
        async with asyncio.timeout(HANG_GUARD):
            await runner.cleanup()
    return app


def shutdown_lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "welkin_async.webhooks" and record.levelno == level
    ]


async def test_shutdown_cancels_a_handler_that_never_finishes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A handler waiting on an event never set: shutdown returns after the grace, having
    cancelled it; counted and logged with the count."""
    handler = Stuck()
    app = await shut_down_with(handler)
    stats = app[WEBHOOK_RECEIVER].stats
    assert stats == {"accepted": 1, "cancelled": 1}
    assert handler.cancels == 1
    assert not handler.finished
    warnings = shutdown_lines(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert "cancelled 1 handler" in warnings[0]
    assert shutdown_lines(caplog, logging.ERROR) == []


async def test_shutdown_cancels_again_a_handler_that_swallows_one_cancellation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A handler that swallows its first CancelledError and waits on: it is cancelled again
    and ends; shutdown returns, nothing is abandoned."""
    handler = Stuck(swallow=1)
    app = await shut_down_with(handler)
    assert app[WEBHOOK_RECEIVER].stats == {"accepted": 1, "cancelled": 1}
    assert handler.cancels == 2
    assert shutdown_lines(caplog, logging.ERROR) == []


async def test_shutdown_goes_on_without_a_handler_that_ignores_every_cancellation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A handler that swallows every CancelledError: shutdown still returns, counting and
    logging it as abandoned. (The test releases it afterwards so the loop can close.)"""
    handler = Stuck(swallow=10**6)
    app = await shut_down_with(handler)
    receiver = app[WEBHOOK_RECEIVER]
    assert receiver.stats == {"accepted": 1, "cancelled": 1, "abandoned": 1}
    assert handler.cancels >= 2  # cancelled again each round
    errors = shutdown_lines(caplog, logging.ERROR)
    assert len(errors) == 1
    assert "1 handler" in errors[0]
    async with asyncio.timeout(HANG_GUARD):  # released after the shutdown: it ends now
        assert await receiver.drain()
    assert handler.finished


async def test_shutdown_waits_for_a_handler_that_finishes_within_the_grace() -> None:
    """A handler released once shutdown has begun finishes within the (default) grace: it is
    handled, nothing is cancelled."""
    handler = Stuck()
    app = webhook_app(handler, SECRET)

    async def release(_app: web.Application) -> None:
        handler.release.set()

    app.on_shutdown.insert(0, release)  # runs before the receiver starts to wait
    async with running(app, handler) as (runner, url):
        assert await deliver(url) == 202
        async with asyncio.timeout(HANG_GUARD):
            await handler.started.wait()
        async with asyncio.timeout(HANG_GUARD):
            await runner.cleanup()
    assert app[WEBHOOK_RECEIVER].stats == {"accepted": 1, "handled": 1}
    assert handler.finished


async def test_drain_with_a_timeout_reports_a_handler_still_running() -> None:
    """``drain(timeout)`` returns False while a handler runs on (without cancelling it), True
    once it has finished."""
    handler = Stuck()
    app = webhook_app(handler, SECRET)
    receiver = app[WEBHOOK_RECEIVER]
    async with running(app, handler) as (_runner, url):
        assert await deliver(url) == 202
        async with asyncio.timeout(HANG_GUARD):
            await handler.started.wait()
        assert await receiver.drain(timeout=0.05) is False
        assert handler.cancels == 0
        handler.release.set()
        async with asyncio.timeout(HANG_GUARD):
            assert await receiver.drain(timeout=HANG_GUARD) is True
    assert receiver.stats == {"accepted": 1, "handled": 1}


@pytest.mark.parametrize("grace", [-1.0, float("nan")])
def test_a_negative_grace_is_refused(grace: float) -> None:
    with pytest.raises(ValueError, match="shutdown_grace"):
        webhook_app(ignore, SECRET, shutdown_grace=grace)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_body_that_cannot_be_decompressed_is_400_not_500(encoding: str) -> None:
    """A delivery whose Content-Encoding does not match its bytes: 400, counted as rejected."""
    app = webhook_app(ignore, SECRET)
    async with serving(app) as url, aiohttp.ClientSession() as session:
        headers = {"Content-Encoding": encoding, "Content-Type": "application/json"}
        async with session.post(url, data=b"not compressed", headers=headers) as response:
            status, body = response.status, await response.json()
    assert status == 400
    assert body == {"error": "unreadable_body"}
    assert app[WEBHOOK_RECEIVER].stats == {"rejected": 1}
