"""Webhook acceptance: 4 receiver processes behind one URL, sharing a RedisDedupe, handle each
event once while the emulator delivers, retries and replays.

The replicas (tests/fleet/_child_webhook.py) are real processes on loopback ports. Between them
and the emulator stands a load balancer in this test's loop, as in production: the sender knows
one URL and cannot tell which replica took a delivery, so a retry or a replay may reach another.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from redis.asyncio import Redis

from tests.conftest import Connect, serving, webhook_attempts
from tests.fleet._children import said, spawn, stop
from welkin_async.testing import RedisServer, WebhookRetry, WelkinEmulator

pytestmark = pytest.mark.welkin_emulator(
    tenants=["acme"], webhook_retry=WebhookRetry(max_tries=3, initial=0.05)
)

REPLICAS = 4
EVENTS = 12
WHSEC = "whsec_" + "cmVwbGljYXMtdGVzdC1zaWduaW5nLWtleQ=="
FORWARDED = ("content-type", "webhook-id", "webhook-timestamp", "webhook-signature")


class Fleet:
    """The running replicas: their URLs, and what each handled once they are shut down."""

    def __init__(self, processes: list[asyncio.subprocess.Process], ports: list[int]) -> None:
        self.processes = processes
        self.urls = [f"http://127.0.0.1:{port}/" for port in ports]

    async def finish(self) -> list[dict[str, Any]]:
        """Shut every replica down (each waits for its running handlers) and collect what each
        says it handled, and its receiver's counts."""
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.close()
        summaries = [await said(process) for process in self.processes]
        assert [await process.wait() for process in self.processes] == [0] * REPLICAS
        return summaries


@asynccontextmanager
async def replicas(redis_url: str, tmp_path: Path) -> AsyncIterator[Fleet]:
    """``REPLICAS`` receiver processes sharing one RedisDedupe, each serving."""
    config = {
        "whsec": WHSEC,
        "redis": redis_url,
        "prefix": f"test-{tmp_path.name}",
        "secret": "dedupe-secret-replicas",
    }
    path = tmp_path / "replica.json"
    processes = [await spawn("_child_webhook", config, path) for _ in range(REPLICAS)]
    try:
        ports = [(await said(process))["port"] for process in processes]
        yield Fleet(processes, ports)
    finally:
        for process in processes:
            await stop(process)


class Balancer:
    """A load balancer: each delivery to the next replica in turn, or (``mirror``) to all of
    them at once. Every ``lose_every``-th answer is lost on its way back (the replica took the
    delivery, the sender gets a 504 and delivers again: to the next replica)."""

    def __init__(self, upstreams: list[str], *, lose_every: int = 0, mirror: bool = False) -> None:
        self.upstreams = upstreams
        self.forwarded: Counter[int] = Counter()  # deliveries per replica
        self.lost = 0
        self._lose_every = lose_every
        self._mirror = mirror
        self._turn = 0
        self._session: aiohttp.ClientSession | None = None

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        """Serve for the block; yields the one URL the sender knows."""
        app = web.Application()
        app.router.add_post("/", self._handle)
        async with aiohttp.ClientSession() as self._session, serving(app) as url:
            yield url

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {name: request.headers[name] for name in FORWARDED}
        if self._mirror:
            targets = list(range(len(self.upstreams)))
        else:
            targets = [self._turn % len(self.upstreams)]
            self._turn += 1
        statuses = await asyncio.gather(*(self._send(n, body, headers) for n in targets))
        if self._lose_every and self._turn % self._lose_every == 0:
            self.lost += 1
            return web.Response(status=504)
        return web.Response(status=max(statuses))

    async def _send(self, replica: int, body: bytes, headers: dict[str, str]) -> int:
        assert self._session is not None
        self.forwarded[replica] += 1
        async with self._session.post(self.upstreams[replica], data=body, headers=headers) as sent:
            await sent.read()
            return sent.status


async def create_patients(connect: Connect) -> list[str]:
    """Create ``EVENTS`` patients, one after another: one PATIENT_CREATED event each."""
    async with connect() as client:
        return [
            str((await client.patients.create(first_name="Hook", last_name=f"Replica{n}")).id)
            for n in range(EVENTS)
        ]


def replay_all(emulator: WelkinEmulator) -> int:
    """Replay every delivery made so far, as an operator's "resend all" does; how many."""
    webhook_ids = sorted(set(emulator.webhooks.webhook_ids.values()))
    for webhook_id in webhook_ids:
        emulator.webhooks.replay(webhook_id)
    return len(webhook_ids)


async def test_each_event_is_handled_once_across_replicas_through_retries_and_replays(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    redis: Redis,
    tmp_path: Path,
) -> None:
    """Deliveries spread round-robin over 4 replica processes, every third answer lost on its
    way back (the sender retries, and the retry reaches the next replica), then every delivery
    replayed: each event is handled exactly once across the four, each replica handled some,
    and every retry and replay was answered as a duplicate."""
    async with replicas(redis_server.url, tmp_path) as fleet:
        balancer = Balancer(fleet.urls, lose_every=3)
        async with balancer.serving() as url:
            welkin_emulator.subscribe_webhooks(url, secret=WHSEC, events=["PATIENT_CREATED"])
            made = await create_patients(connect)
            await welkin_emulator.webhooks.drain()
            replayed = replay_all(welkin_emulator)
            await welkin_emulator.webhooks.drain()
        summaries = await fleet.finish()
    handled = Counter(source for summary in summaries for source in summary["handled"])
    assert handled == Counter(made)
    assert replayed == EVENTS
    assert balancer.lost > 0
    assert all(summary["handled"] for summary in summaries)
    assert sorted(balancer.forwarded) == list(range(REPLICAS))
    totals = sum((Counter(summary["stats"]) for summary in summaries), Counter[str]())
    assert totals == {
        "accepted": EVENTS,
        "handled": EVENTS,
        "duplicate": balancer.lost + replayed,
    }
    statuses = Counter(entry["status"] for entry in webhook_attempts(welkin_emulator))
    assert statuses == {"DELIVERED": EVENTS + replayed, "FAILED": balancer.lost}


async def test_a_delivery_racing_on_every_replica_is_handled_once(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    redis: Redis,
    tmp_path: Path,
) -> None:
    """Each delivery sent to all 4 replica processes at the same moment is taken by exactly one
    of them (one atomic SET NX in Redis) and answered as a duplicate by the other three."""
    async with replicas(redis_server.url, tmp_path) as fleet:
        balancer = Balancer(fleet.urls, mirror=True)
        async with balancer.serving() as url:
            welkin_emulator.subscribe_webhooks(url, secret=WHSEC, events=["PATIENT_CREATED"])
            made = await create_patients(connect)
            await welkin_emulator.webhooks.drain()
        summaries = await fleet.finish()
    handled = Counter(source for summary in summaries for source in summary["handled"])
    assert handled == Counter(made)
    assert balancer.forwarded == dict.fromkeys(range(REPLICAS), EVENTS)
    totals = sum((Counter(summary["stats"]) for summary in summaries), Counter[str]())
    assert totals == {"accepted": EVENTS, "handled": EVENTS, "duplicate": 3 * EVENTS}
