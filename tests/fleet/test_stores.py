"""RedisCheckpoint and RedisDedupe against the session's real redis-server: positions round-trip
between store objects and are unreadable in Redis, a wrong secret or a damaged or malformed value
is a typed CheckpointError, a delivery id is new exactly once however many race for it, and
Redis going away is a typed error from both stores (never a guess), which the webhook receiver
answers with 503 so that the sender delivers again."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.conftest import Connect, serving, webhook_attempts
from tests.test_checkpoint import CANARY, CORRUPT, patient_position
from welkin_async import CheckpointError, CheckpointStore, ExportPosition
from welkin_async._checkpoint import dump_positions
from welkin_async.errors import ConfigurationError, WelkinError
from welkin_async.fleet import FleetStoreError, RedisCheckpoint, RedisDedupe
from welkin_async.fleet._crypto import Sealer
from welkin_async.testing import RedisServer, WebhookRetry, WelkinEmulator
from welkin_async.webhooks import WEBHOOK_RECEIVER, DedupeStore, WebhookEvent, webhook_app

SECRET = "checkpoint-secret-5f1c"
PASSWORD = "hunter2-a9d7"  # must never show in a repr or an error message
RECORD_ID = "rec-0b7e2f4c-canary"
WHSEC = "whsec_" + "c3RvcmVzLXRlc3Qtc2lnbmluZy1rZXk="


def marked_position() -> ExportPosition:
    """A PATIENT position with every field set, a record id in its boundary among them."""
    return patient_position(
        boundary=((RECORD_ID, 1_738_368_000.5, 3),),
        file_bytes=4096,
        file_sha256="0123456789abcdef" * 4,
    )


def with_password(url: str) -> str:
    """``url`` with a password in it (``redis://:PASSWORD@host:port/0``)."""
    return url.replace("redis://", f"redis://:{PASSWORD}@")


async def everything(redis: Redis) -> list[tuple[Any, Any]]:
    """Every string key in Redis and its value (bytes)."""
    keys = sorted(await redis.keys("*"))
    return [(key, await redis.get(key)) for key in keys]


@contextmanager
def stopped(server: RedisServer) -> Iterator[None]:
    """Redis killed for the block (a crash), started again on the same port after it."""
    server.stop()
    try:
        yield
    finally:
        server.start()


# --- RedisCheckpoint ------------------------------------------------------------------------------


async def test_a_position_round_trips_through_another_store_object(
    redis_server: RedisServer, redis: Redis
) -> None:
    """A position saved by one RedisCheckpoint loads back equal from a new one (another
    connection pool, as in another process); a type never saved loads as None."""
    async with RedisCheckpoint(redis_server.url, secret=SECRET) as first:
        assert isinstance(first, CheckpointStore)
        await first.save("PATIENT", marked_position())
        assert await first.load("PATIENT") == marked_position()
    async with RedisCheckpoint(redis_server.url, secret=SECRET.encode()) as second:
        assert await second.load("PATIENT") == marked_position()
        assert await second.load("CDT_RECORD") is None


async def test_a_later_save_replaces_the_position(redis_server: RedisServer, redis: Redis) -> None:
    """Each save replaces the export's position; other exports' positions stay as they are."""
    async with RedisCheckpoint(redis_server.url, secret=SECRET) as checkpoint:
        await checkpoint.save("PATIENT", patient_position(pages=1))
        await checkpoint.save("CDT_RECORD", ExportPosition("CDT_RECORD", pages=9))
        await checkpoint.save("PATIENT", patient_position(pages=2))
        assert await checkpoint.load("PATIENT") == patient_position(pages=2)
        assert await checkpoint.load("CDT_RECORD") == ExportPosition("CDT_RECORD", pages=9)
    assert len(await redis.keys("*")) == 2


async def test_nothing_of_a_position_is_in_redis_in_clear(
    redis_server: RedisServer, redis: Redis
) -> None:
    """Redis holds one key, ``PREFIX:checkpoint:<keyed digest>``, whose value shows neither the
    export type nor the record ids, times or counts of the position."""
    async with RedisCheckpoint(redis_server.url, secret=SECRET, key_prefix="billing") as store:
        await store.save("PATIENT", marked_position())
    [(key, value)] = await everything(redis)
    prefix, kind, digest = key.decode().split(":")
    assert (prefix, kind, len(digest)) == ("billing", "checkpoint", 64)
    assert digest != hashlib.sha256(b"PATIENT").hexdigest()  # keyed: not guessable by type
    for clear in (b"PATIENT", RECORD_ID.encode(), b"2025-02-01", b"boundary", b"records"):
        assert clear not in key + value


async def test_a_position_sealed_with_another_secret_is_refused(
    redis_server: RedisServer, redis: Redis
) -> None:
    """A position sealed with another secret (one rotated away) raises CheckpointError saying
    so, naming no secret, and is left in Redis as it was."""
    async with RedisCheckpoint(redis_server.url, secret=SECRET) as store:
        key = store._key("PATIENT")
        document = dump_positions({"PATIENT": marked_position()}).encode()
        await redis.set(key, Sealer("another-secret", "checkpoint").seal(document, key))
        stored = await everything(redis)
        with pytest.raises(CheckpointError, match="another secret, or is damaged") as caught:
            await store.load("PATIENT")
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None
    assert await everything(redis) == stored


async def test_another_secret_finds_no_position(redis_server: RedisServer, redis: Redis) -> None:
    """Keys are digests keyed by the secret: a store with another secret sees no position."""
    async with RedisCheckpoint(redis_server.url, secret=SECRET) as store:
        await store.save("PATIENT", marked_position())
    async with RedisCheckpoint(redis_server.url, secret="another-secret") as other:
        assert await other.load("PATIENT") is None


async def test_a_damaged_value_is_refused(redis_server: RedisServer, redis: Redis) -> None:
    """A stored value with one byte changed raises CheckpointError, as does one moved under
    another export's key (the key is sealed with it)."""
    async with RedisCheckpoint(redis_server.url, secret=SECRET) as store:
        await store.save("PATIENT", marked_position())
        await store.save("CDT_RECORD", ExportPosition("CDT_RECORD"))
        patient_key, cdt_key = store._key("PATIENT"), store._key("CDT_RECORD")
        sealed = await redis.get(patient_key)
        assert isinstance(sealed, bytes)
        damaged = sealed[:-1] + bytes([sealed[-1] ^ 1])
        await redis.set(patient_key, damaged)
        with pytest.raises(CheckpointError, match="does not open"):
            await store.load("PATIENT")
        await redis.set(cdt_key, sealed)
        with pytest.raises(CheckpointError, match="does not open"):
            await store.load("CDT_RECORD")


@pytest.mark.parametrize(("text", "json_path"), CORRUPT)
async def test_a_malformed_position_is_refused_as_the_file_store_refuses_it(
    redis_server: RedisServer, redis: Redis, text: str, json_path: str
) -> None:
    """A document sealed with the right secret but not a valid checkpoint raises the file
    store's CheckpointError: the JSON path of the fault, the export named, no value from it."""
    async with RedisCheckpoint(redis_server.url, secret=SECRET) as store:
        key = store._key("PATIENT")
        await redis.set(key, Sealer(SECRET, "checkpoint").seal(text.encode(), key))
        with pytest.raises(CheckpointError) as caught:
            await store.load("PATIENT")
    message = str(caught.value)
    assert message.startswith("the Redis checkpoint of PATIENT")
    assert json_path in message
    assert CANARY not in message
    assert caught.value.__cause__ is None


async def test_a_document_without_the_position_asked_for_is_refused(
    redis_server: RedisServer, redis: Redis
) -> None:
    """A valid document sealed under an export's key that holds only another export's position
    raises CheckpointError rather than loading as 'never saved'."""
    async with RedisCheckpoint(redis_server.url, secret=SECRET) as store:
        key = store._key("PATIENT")
        document = dump_positions({"CDT_RECORD": ExportPosition("CDT_RECORD")}).encode()
        await redis.set(key, Sealer(SECRET, "checkpoint").seal(document, key))
        with pytest.raises(CheckpointError, match="holds no position of PATIENT"):
            await store.load("PATIENT")


async def test_a_position_is_saved_under_its_own_type_only(
    redis_server: RedisServer, redis: Redis
) -> None:
    """Saving a position under another type's key raises ValueError and writes nothing."""
    async with RedisCheckpoint(redis_server.url, secret=SECRET) as store:
        with pytest.raises(ValueError, match="export_type"):
            await store.save("CDT_RECORD", ExportPosition("PATIENT"))
    assert await redis.keys("*") == []


async def test_redis_stopped_is_a_checkpoint_error_and_the_store_recovers(
    redis_server: RedisServer, redis: Redis
) -> None:
    """With Redis down, load and save raise CheckpointError (a FleetStoreError too) saying the
    store cannot be reached, without the URL; once Redis is back the same store works at once."""
    position = patient_position(pages=1)
    async with RedisCheckpoint(redis_server.url, secret=SECRET) as store:
        await store.save("PATIENT", position)
        attempts: list[Callable[[], Awaitable[object]]] = [
            lambda: store.load("PATIENT"),
            lambda: store.save("PATIENT", position),
        ]
        with stopped(redis_server):
            for attempt in attempts:
                with pytest.raises(CheckpointError) as caught:
                    await attempt()
                assert isinstance(caught.value, FleetStoreError)
                message = str(caught.value)
                assert message.startswith("the Redis checkpoint store cannot be reached (")
                assert str(redis_server.port) not in message
                assert caught.value.__cause__ is None
        await store.save("PATIENT", patient_position(pages=2))  # the pool reconnects by itself
        assert await store.load("PATIENT") == patient_position(pages=2)


async def test_the_pool_opens_on_first_use_and_closes_twice(
    redis_server: RedisServer, redis: Redis
) -> None:
    """Making a store connects to nothing; its first call does; after aclose (twice is safe) its
    next call connects again."""
    store = RedisCheckpoint(redis_server.url, secret=SECRET)
    assert len(await redis.client_list()) == 1  # the test's own connection
    await store.save("PATIENT", patient_position())
    assert len(await redis.client_list()) == 2
    await store.aclose()
    await store.aclose()
    assert await store.load("PATIENT") == patient_position()
    await store.aclose()


# --- RedisDedupe ----------------------------------------------------------------------------------


async def test_an_id_is_new_once_then_a_duplicate(redis_server: RedisServer, redis: Redis) -> None:
    """The first add of an id is True, every later one False; another id is new."""
    async with RedisDedupe(redis_server.url) as dedupe:
        assert isinstance(dedupe, DedupeStore)
        assert await dedupe.add("msg_1") is True
        assert await dedupe.add("msg_1") is False
        assert await dedupe.add("msg_2") is True


async def test_an_id_is_shared_by_every_store_object(
    redis_server: RedisServer, redis: Redis
) -> None:
    """An id added through one store (one replica) is a duplicate through another."""
    async with RedisDedupe(redis_server.url) as one, RedisDedupe(redis_server.url) as two:
        assert await one.add("msg_1") is True
        assert await two.add("msg_1") is False


async def test_an_id_is_kept_for_the_ttl_under_a_digest(
    redis_server: RedisServer, redis: Redis
) -> None:
    """The id's key is ``PREFIX:webhook:<SHA-256 of the id>``, set to expire after ``ttl``."""
    async with RedisDedupe(redis_server.url, key_prefix="hooks", ttl=600) as dedupe:
        await dedupe.add("msg_1")
    [(key, value)] = await everything(redis)
    assert key == f"hooks:webhook:{hashlib.sha256(b'msg_1').hexdigest()}".encode()
    assert value == b"1"
    assert 599_000 < await redis.pttl(key) <= 600_000


async def test_the_default_ttl_is_72_hours(redis_server: RedisServer, redis: Redis) -> None:
    """Without ``ttl`` an id is kept 72 hours."""
    async with RedisDedupe(redis_server.url) as dedupe:
        await dedupe.add("msg_1")
    [key] = await redis.keys("*")
    assert 72 * 3600 - 5 < await redis.ttl(key) <= 72 * 3600


async def test_with_a_secret_the_digest_is_keyed(redis_server: RedisServer, redis: Redis) -> None:
    """With a secret the key holds a keyed digest: neither the id nor its plain SHA-256."""
    async with RedisDedupe(redis_server.url, secret="dedupe-secret") as dedupe:
        assert await dedupe.add("msg_1") is True
        assert await dedupe.add("msg_1") is False
    [key] = await redis.keys("*")
    assert isinstance(key, bytes)
    digest = key.decode().removeprefix("welkin:webhook:")
    assert len(digest) == 64
    assert digest != hashlib.sha256(b"msg_1").hexdigest()
    assert b"msg_1" not in key


async def test_concurrent_adds_of_one_id_make_exactly_one_new(
    redis_server: RedisServer, redis: Redis
) -> None:
    """100 concurrent adds of one id through 4 store objects (4 pools) answer True exactly once."""
    stores = [RedisDedupe(redis_server.url) for _ in range(4)]
    try:
        answers = await asyncio.gather(*(stores[n % 4].add("msg_race") for n in range(100)))
    finally:
        await asyncio.gather(*(store.aclose() for store in stores))
    assert answers.count(True) == 1
    assert answers.count(False) == 99


async def test_redis_stopped_is_a_typed_error_from_the_dedupe_store(
    redis_server: RedisServer, redis: Redis
) -> None:
    """With Redis down, add raises FleetStoreError (a WelkinError) naming neither the URL nor
    its password, never True or False; once Redis is back the same store answers at once."""
    async with RedisDedupe(with_password(redis_server.url)) as dedupe:
        with stopped(redis_server), pytest.raises(FleetStoreError) as caught:
            await dedupe.add("msg_1")
        assert isinstance(caught.value, WelkinError)
        assert not isinstance(caught.value, CheckpointError)
        message = str(caught.value)
        assert message.startswith("the Redis webhook dedupe store cannot be reached (")
        assert PASSWORD not in message
        assert str(redis_server.port) not in message
    async with RedisDedupe(redis_server.url) as dedupe:
        assert await dedupe.add("msg_1") is True


# --- both -----------------------------------------------------------------------------------------


def test_reprs_show_neither_url_nor_secret(redis_server: RedisServer) -> None:
    """A store's repr names its key prefix (and TTL), never the URL, its password or a secret."""
    url = with_password(redis_server.url)
    shown = [
        repr(RedisCheckpoint(url, secret=SECRET, key_prefix="billing")),
        repr(RedisDedupe(url, secret=SECRET, key_prefix="billing")),
    ]
    assert shown == [
        "RedisCheckpoint(key_prefix='billing')",
        "RedisDedupe(key_prefix='billing', ttl=259200.0)",
    ]


GOOD_URL = "redis://127.0.0.1:6379/0"
BAD_ARGUMENTS = [
    pytest.param({"url": "http://127.0.0.1:6379"}, "rediss://", id="url-scheme"),
    pytest.param({"url": "redis://10.0.0.5:6379/0"}, "this machine", id="url-remote-plain"),
    pytest.param({"url": ""}, "non-empty", id="url-empty"),
    pytest.param({"key_prefix": "a b"}, "key_prefix", id="prefix-space"),
    pytest.param({"key_prefix": ""}, "key_prefix", id="prefix-empty"),
    pytest.param({"timeout": 0}, "timeout", id="timeout-zero"),
    pytest.param({"timeout": -1.0}, "timeout", id="timeout-negative"),
    pytest.param({"timeout": float("nan")}, "timeout", id="timeout-nan"),
    pytest.param({"timeout": float("inf")}, "timeout", id="timeout-infinite"),
    pytest.param({"timeout": "1"}, "timeout", id="timeout-string"),
    pytest.param({"timeout": True}, "timeout", id="timeout-bool"),
    pytest.param({"secret": ""}, "secret", id="secret-empty"),
    pytest.param({"secret": b""}, "secret", id="secret-empty-bytes"),
    pytest.param({"secret": 42}, "secret", id="secret-number"),
]


@pytest.mark.parametrize(("changes", "named"), BAD_ARGUMENTS)
@pytest.mark.parametrize("store", [RedisCheckpoint, RedisDedupe])
def test_bad_arguments_are_configuration_errors(
    store: type[RedisCheckpoint | RedisDedupe], changes: dict[str, Any], named: str
) -> None:
    """A wrong URL, prefix, timeout or secret raises ConfigurationError naming what is wrong."""
    arguments: dict[str, Any] = {"url": GOOD_URL, "secret": SECRET, **changes}
    with pytest.raises(ConfigurationError, match=named):
        store(**arguments)


def test_a_checkpoint_needs_a_secret() -> None:
    """A RedisCheckpoint with ``secret=None`` cannot be made: positions are never in clear."""
    with pytest.raises(ConfigurationError, match="secret"):
        RedisCheckpoint(GOOD_URL, secret=None)  # type: ignore[arg-type]


@pytest.mark.parametrize("ttl", [0, -5, float("nan"), float("inf"), "3600", False])
def test_a_bad_ttl_is_a_configuration_error(ttl: object) -> None:
    """A TTL that is not a positive, finite number of seconds raises ConfigurationError."""
    with pytest.raises(ConfigurationError, match="ttl"):
        RedisDedupe(GOOD_URL, ttl=ttl)  # type: ignore[arg-type]


# --- the webhook receiver when its dedupe store fails ---------------------------------------------


class Inbox:
    """A handler that keeps the source ids of the events it is given."""

    def __init__(self) -> None:
        self.sources: list[str] = []

    async def __call__(self, event: WebhookEvent) -> None:
        self.sources.append(str(event.source_id))


@pytest.mark.welkin_emulator(tenants=["acme"], webhook_retry=WebhookRetry(max_tries=1))
async def test_the_receiver_answers_503_while_its_dedupe_store_fails(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    redis: Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A delivery whose id cannot be checked (Redis down) is answered 503 and not handled, with
    a warning naming only the error's type; delivered again once Redis is back it is handled
    once, and a further delivery of it is a duplicate."""
    inbox = Inbox()
    dedupe = RedisDedupe(redis_server.url)
    app = webhook_app(inbox, WHSEC, dedupe=dedupe)
    receiver = app[WEBHOOK_RECEIVER]
    async with serving(app) as url, connect() as client, dedupe:
        welkin_emulator.subscribe_webhooks(url, secret=WHSEC)
        with stopped(redis_server), caplog.at_level(logging.WARNING, "welkin_async.webhooks"):
            made = await client.patients.create(first_name="Hook", last_name="Outage")
            await welkin_emulator.webhooks.drain()
        [webhook_id] = set(welkin_emulator.webhooks.webhook_ids.values())
        assert [entry["statusCode"] for entry in webhook_attempts(welkin_emulator)] == [
            "SERVICE_UNAVAILABLE"
        ]
        assert '"dedupe_unavailable"' in webhook_attempts(welkin_emulator)[0]["response"]
        assert inbox.sources == []
        [warning] = [r.getMessage() for r in caplog.records if r.name == "welkin_async.webhooks"]
        assert warning == "webhook delivery answered 503: the dedupe store failed (FleetStoreError)"
        for _ in range(2):  # the sender's next attempt, then one more
            welkin_emulator.webhooks.replay(webhook_id)
            await welkin_emulator.webhooks.drain()
        await receiver.drain()
    assert inbox.sources == [str(made.id)]
    assert [entry["statusCode"] for entry in webhook_attempts(welkin_emulator)] == [
        "SERVICE_UNAVAILABLE",
        "ACCEPTED",
        "OK",
    ]
    assert receiver.stats == {
        "dedupe_unavailable": 1,
        "accepted": 1,
        "handled": 1,
        "duplicate": 1,
    }
