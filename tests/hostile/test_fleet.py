"""Fleet mode against hostile conditions: garbage under the fleet's keys, a Redis that is silent,
not Redis, locked, full, read-only, password-protected, frozen or killed with calls in flight,
bad arguments, and clients that join, leave, close and cancel all at once.

What is pinned everywhere: every call ends in bounded time, with its answer or a typed
``WelkinError``, and nothing secret reaches a log, a repr or an error. A real redis-server of
this module's own (so that tests may set a password, fill its memory or kill it without
disturbing other modules) and the real emulator; the ``Valve`` proxy makes a Redis that stops
answering at a moment the test chooses, and knows which calls wait on it, so no test sleeps to
synchronise. The bugs this sweep found are fixed; their tests stay as regression tests.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.connection import parse_url
from redis.exceptions import RedisError

from tests.conftest import Connect, a_patient, acme_live, get_patient
from tests.fleet._members import TokenEndpoint, member
from welkin_async import CheckpointError, ExportPosition, RetryPolicy, WelkinClient
from welkin_async.errors import ConfigurationError, WelkinError
from welkin_async.fleet import (
    FleetStoreError,
    RedisCheckpoint,
    RedisCoordination,
    RedisDedupe,
    _token,
)
from welkin_async.fleet._coordination import RedisMembership
from welkin_async.fleet._crypto import Sealer
from welkin_async.testing import RedisServer, WelkinEmulator

PREFIX = "hostile"
PASSWORD = "redis-pw-7c1e9a"  # must never show in a log, a repr or an error
BOUND = 30.0  # generous: a hang guard, never a measure (each call here ends in well under 1 s)
TIMEOUT = 0.2  # the coordination's Redis timeout in these tests: silence is given up at once
EMULATOR = pytest.mark.welkin_emulator(tenants=["acme"], patients=10)


# --- this module's Redis, emptied and reset for each test ----------------------------------------


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of this module's own: tests here break it in ways others must not see."""
    with RedisServer() as server:
        yield server


@pytest.fixture
async def admin(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """A connection to this module's Redis, emptied first and reset after the test: running,
    no password, no memory cap, a master (a test may have changed any of these)."""
    try:
        connection = Redis.from_url(redis_server.url)
        await connection.ping()
    except (RedisError, OSError):  # a test killed it and failed before starting it again
        await connection.aclose()
        redis_server.start()
        connection = Redis.from_url(redis_server.url)
    await connection.flushdb()
    try:
        yield connection
    finally:
        try:
            await connection.config_set("requirepass", "")
            await connection.config_set("maxmemory", "0")
            await connection.replicaof("NO", "ONE")
        except (RedisError, OSError):  # killed: the next test's fixture starts it again
            pass
        await connection.aclose()


def with_password(url: str, password: str = PASSWORD) -> str:
    return url.replace("redis://", f"redis://:{password}@")


# --- servers that are Redis only in part ---------------------------------------------------------

Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Loopback:
    """A TCP server on a free loopback port; closing it ends every connection it still serves,
    so that no task of it outlives the test."""

    def __init__(self, serve: Serve) -> None:
        self._serve = serve
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[Any]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def __aenter__(self) -> Loopback:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        for handler in self._handlers:
            handler.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._serve(reader, writer)
        # The client went away, or __aexit__ ended the connection: ended quietly, as asyncio's
        # server logs a handler task that ends cancelled as an error.
        except (OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()


async def command(reader: asyncio.StreamReader) -> bool:
    """Read one command a Redis client sends (a RESP array of bulk strings); False at its end."""
    header = await reader.readline()
    if not header.startswith(b"*"):
        return False
    for _ in range(int(header[1:])):
        length = int((await reader.readline())[1:])
        await reader.readexactly(length + 2)
    return True


@asynccontextmanager
async def answering(reply: bytes, *, password: str | None = None) -> AsyncIterator[str]:
    """A server that answers each command with ``reply`` or, when ``reply`` is not RESP, sends it
    for whatever it is sent (empty: it hangs up at once); yields a ``redis://`` URL to it, with
    ``password`` in it if given."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not reply:
            return
        resp = reply[:1] in (b"+", b"-", b":", b"$", b"*")
        while await command(reader) if resp else await reader.read(65536):
            writer.write(reply)
            await writer.drain()

    async with Loopback(serve) as server:
        url = f"redis://127.0.0.1:{server.port}/0"
        yield url if password is None else with_password(url, password)


class Valve:
    """A proxy in front of Redis whose way in can be shut: while it is shut, what clients send
    waits in the proxy, so to them Redis accepts connections and never answers (frozen, or a
    network that drops packets); ``stuck(n)`` returns once ``n`` connections wait so."""

    def __init__(self, port: int) -> None:
        self._upstream = port
        self._open = asyncio.Event()
        self._open.set()
        self._matching = b""
        self._stuck = 0
        self._changed = asyncio.Condition()
        self._loopback = Loopback(self._proxy)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self._loopback.port}/0"

    async def __aenter__(self) -> Valve:
        await self._loopback.__aenter__()
        return self

    async def __aexit__(self, *_: object) -> None:
        self._open.set()
        await self._loopback.__aexit__()

    def shut(self, matching: bytes = b"") -> None:
        """Hold what clients send from now on (only what holds ``matching``, if given)."""
        self._matching = matching
        self._open.clear()

    def open(self) -> None:
        self._open.set()

    async def stuck(self, count: int) -> None:
        """Return once ``count`` connections have a command waiting at the shut valve."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self._stuck >= count), BOUND)

    async def drained(self) -> None:
        """Return once every command held has been passed on to Redis (after ``open()``)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self._stuck == 0), BOUND)

    async def _proxy(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._upstream)
        try:
            await asyncio.gather(self._inward(reader, up_writer), _pump(up_reader, writer))
        finally:
            up_writer.close()

    async def _inward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(65536):
            if not self._open.is_set() and self._matching in chunk:
                await self._count(1)
                try:
                    await self._open.wait()
                    writer.write(chunk)
                    await writer.drain()
                finally:
                    await self._count(-1)
            else:
                writer.write(chunk)
                await writer.drain()
        writer.close()

    async def _count(self, change: int) -> None:
        async with self._changed:
            self._stuck += change
            self._changed.notify_all()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while chunk := await reader.read(65536):
        writer.write(chunk)
        await writer.drain()
    writer.close()


# --- clients of the emulator in fleet mode -------------------------------------------------------


def fleet(url: str, **options: Any) -> RedisCoordination:
    options.setdefault("timeout", TIMEOUT)
    return RedisCoordination(url, key_prefix=PREFIX, **options)


async def all_patients(client: WelkinClient, emulator: WelkinEmulator) -> None:
    """Fetch every patient at once, each answer the right one, within the bound."""
    ids = acme_live(emulator).patients.ids()
    async with asyncio.timeout(BOUND):
        answers = await asyncio.gather(*(get_patient(client, one) for one in ids))
    assert [answer["id"] for answer in answers] == ids


async def stored_keys(admin: Redis, pattern: str = "*") -> list[bytes]:
    """The keys in Redis matching ``pattern`` (the admin connection does not decode: bytes)."""
    found = await admin.keys(pattern)
    keys = [key for key in found if isinstance(key, bytes)]
    assert len(keys) == len(found)
    return keys


async def fleet_key(admin: Redis, kind: str) -> bytes:
    """The one key of ``kind`` (``limit``, ``token``) the fleet wrote for the acme client."""
    [key] = await stored_keys(admin, f"{PREFIX}:*:{kind}")
    return key


async def settle_shared(client: WelkinClient, emulator: WelkinEmulator) -> None:
    """Call until the client is back in shared mode (Redis is tried again a second after a
    failure): a readiness poll with a deadline."""
    async with asyncio.timeout(BOUND):
        while not client.stats.fleet_shared:
            await get_patient(client, a_patient(emulator))
            await asyncio.sleep(0.05)


# --- arguments -----------------------------------------------------------------------------------

BAD_URLS = [
    pytest.param("http://127.0.0.1:6379", id="scheme-http"),
    pytest.param("redis+sentinel://127.0.0.1:26379", id="scheme-sentinel"),
    pytest.param(f"redis://:{PASSWORD}@10.1.2.3:6379/0", id="plain-to-another-host"),
    pytest.param(f"redis://:{PASSWORD}@localhost.evil.example:6379", id="plain-lookalike-host"),
    pytest.param(b"redis://127.0.0.1:6379", id="bytes"),
    pytest.param(None, id="none"),
    # Refused only when the object is first used, as redis-py's ValueError, before the fix.
    pytest.param(f"redis://:{PASSWORD}@127.0.0.1:99999/0", id="port-out-of-range"),
    pytest.param(f"redis://:{PASSWORD}@127.0.0.1:port/0", id="port-not-a-number"),
    pytest.param(f"redis://:{PASSWORD}@127.0.0.1:6379/0?db=zero", id="query-not-a-number"),
    pytest.param(f"redis://:{PASSWORD}@127.0.0.1:6379/0?socket_timeout=600", id="own-timeout"),
]
BAD_PREFIXES = ["", "a b", "a\nb", "a\tb", "a\x00b", "émile", "\ud800", 42, None]
BAD_SECONDS: list[Any] = [
    0,
    -1.0,
    math.nan,
    math.inf,
    -math.inf,
    True,
    "1",
    None,
    pytest.param(
        10**400,
        id="int-past-float",
    ),
]
STORES: dict[str, Callable[..., object]] = {
    "coordination": RedisCoordination,
    "checkpoint": lambda url, **options: RedisCheckpoint(url, secret="s3cret", **options),
    "dedupe": RedisDedupe,
}


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("make", STORES.values(), ids=STORES.keys())
def test_a_bad_url_is_a_configuration_error_at_once(make: Callable[..., object], url: Any) -> None:
    """A URL that cannot be used is refused when the object is made, with ConfigurationError,
    never later as another type; the message never shows the password in it."""
    with pytest.raises(ConfigurationError) as caught:
        make(url)
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize("key_prefix", BAD_PREFIXES)
@pytest.mark.parametrize("make", STORES.values(), ids=STORES.keys())
def test_a_bad_key_prefix_is_a_configuration_error(
    make: Callable[..., object], key_prefix: object
) -> None:
    """A prefix that is empty, not a str, or not printable ASCII without spaces is refused."""
    with pytest.raises(ConfigurationError, match="key_prefix"):
        make("redis://127.0.0.1:6379/0", key_prefix=key_prefix)


@pytest.mark.parametrize("timeout", BAD_SECONDS)
@pytest.mark.parametrize("make", STORES.values(), ids=STORES.keys())
def test_a_bad_timeout_is_a_configuration_error(
    make: Callable[..., object], timeout: object
) -> None:
    """A timeout that is not a positive, finite number of seconds (a bool neither) is refused."""
    with pytest.raises(ConfigurationError, match="timeout"):
        make("redis://127.0.0.1:6379/0", timeout=timeout)


@pytest.mark.parametrize(
    "ttl",
    [
        pytest.param(10**400, id="int-past-float"),
        pytest.param(1e300, id="1e300"),
        pytest.param(10**30, id="1e30-int"),
    ],
)
def test_a_ttl_redis_cannot_keep_is_a_configuration_error(ttl: object) -> None:
    """A dedupe TTL past what Redis can set as an expiry is refused when the store is made."""
    with pytest.raises(ConfigurationError, match="ttl"):
        RedisDedupe("redis://127.0.0.1:6379/0", ttl=ttl)  # type: ignore[arg-type]


async def test_a_ttl_of_years_is_kept(redis_server: RedisServer, admin: Redis) -> None:
    """A long but expressible TTL (30 years) is set as the id's expiry."""
    years = 30 * 365 * 24 * 3600.0
    async with RedisDedupe(redis_server.url, ttl=years) as dedupe:
        assert await dedupe.add("msg_1") is True
    [key] = await admin.keys("*")
    assert years - 60 < await admin.ttl(key) <= years


@pytest.mark.parametrize("make", [RedisCheckpoint, RedisDedupe])
def test_a_secret_that_is_not_text_is_a_configuration_error(
    make: type[RedisCheckpoint | RedisDedupe],
) -> None:
    """A secret str that cannot be encoded (a lone surrogate) is refused as ConfigurationError."""
    with pytest.raises(ConfigurationError, match="secret"):
        make("redis://127.0.0.1:6379/0", secret="\ud800")


def verification_off(url: str) -> bool:
    """Whether redis-py, given ``url``, would connect without verifying the server."""
    options: dict[str, Any] = dict(parse_url(url))
    return options.get("ssl_cert_reqs") in ("none", "optional") or (
        options.get("ssl_check_hostname") is False
    )


@pytest.mark.parametrize(
    "query",
    [
        "ssl_cert_reqs=none",
        "ssl_cert_reqs=optional",
        "ssl_cert_reqs=%6Eone",
        "ssl_check_hostname=false",
        "ssl_check_hostname=No",
        "ssl_check_hostname=0",
        # Accepted before the fix: redis-py reads f and n as false, and the first of a
        # repeated option, where the check read only false/0/no, and the last one.
        "ssl_check_hostname=f",
        "ssl_check_hostname=N",
        "ssl_cert_reqs=none&ssl_cert_reqs=required",
        "ssl_check_hostname=false&ssl_check_hostname=true",
    ],
)
def test_tls_verification_off_in_any_spelling_is_refused(query: str) -> None:
    """Every query that makes redis-py skip verifying the server is refused, never the URL
    (with its password) shown."""
    url = f"rediss://:{PASSWORD}@cache.internal:6380/0?{query}"
    assert verification_off(url)  # the premise: redis-py would not verify
    with pytest.raises(ConfigurationError, match="verification") as caught:
        RedisCoordination(url)
    assert PASSWORD not in str(caught.value)


WEIRD_IDS = ["", "x" * 2**20, "\ud800", "\udfff\ud800", "a\x00b", "a", "A", "ä", "a\u0308", "\n"]


@pytest.mark.parametrize("secret", [None, "dedupe-secret"])
async def test_weird_webhook_ids_are_each_new_once(
    redis_server: RedisServer, admin: Redis, secret: str | None
) -> None:
    """Empty, 1 MB, lone-surrogate, NUL and look-alike ids: each is new once, then a duplicate,
    none taken for another; every key is the prefix and 64 hex digits."""
    async with RedisDedupe(redis_server.url, secret=secret, key_prefix=PREFIX) as dedupe:
        assert [await dedupe.add(one) for one in WEIRD_IDS] == [True] * len(WEIRD_IDS)
        assert [await dedupe.add(one) for one in WEIRD_IDS] == [False] * len(WEIRD_IDS)
    keys = await stored_keys(admin)
    assert len(keys) == len(WEIRD_IDS)
    for key in keys:
        prefix, kind, digest = key.decode("ascii").split(":")
        assert (prefix, kind) == (PREFIX, "webhook")
        assert len(digest) == 64
        int(digest, 16)


async def test_weird_export_keys_round_trip_apart(redis_server: RedisServer, admin: Redis) -> None:
    """Positions saved under empty, lone-surrogate, NUL, newline and 1 MB export keys load back
    each under its own key only, and no key shows in Redis in clear."""
    exports = ["", "\ud800", "PATIENT\x00", "PATIENT\n", "P" * 2**20]
    async with RedisCheckpoint(redis_server.url, secret="s3cret", key_prefix=PREFIX) as store:
        for pages, export in enumerate(exports):
            await store.save(export, ExportPosition(export, pages=pages))
        for pages, export in enumerate(exports):
            assert await store.load(export) == ExportPosition(export, pages=pages)
        assert await store.load("PATIENT") is None
    stored = [(key, await admin.get(key)) for key in await stored_keys(admin)]
    assert len(stored) == len(exports)
    for key, value in stored:
        assert isinstance(value, bytes)
        assert b"PATIENT" not in key + value
        assert b"PPPPPPPP" not in key + value


# --- garbage under the fleet's keys --------------------------------------------------------------

LIMIT_GARBAGE = [
    ("rate", "abc"),
    ("rate", "nan"),
    ("rate", "-5"),
    ("tat", "nan"),
    ("tat", "-inf"),
    ("ceil", "-1"),
    ("known", "7"),
    ("dec", "inf"),
    ("mfrom", "nan"),
    ("ws", "-inf"),
    ("succ", "-1e308"),
]


@EMULATOR
@pytest.mark.parametrize("garbage", LIMIT_GARBAGE, ids="-".join)
async def test_garbage_in_the_limit_state_does_not_stop_calls(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    garbage: tuple[str, str],
) -> None:
    """A non-numeric, NaN, infinite or negative field in the shared limit's hash: every call
    still gets its answer in bounded time."""
    async with connect(coordination=fleet(redis_server.url)) as client:
        await get_patient(client, a_patient(welkin_emulator))
        field, value = garbage
        await admin.hset(await fleet_key(admin, "limit"), field, value)
        await all_patients(client, welkin_emulator)


async def pause_key(admin: Redis) -> bytes:
    """The key of the fleet's shared pause (a number: when it ends, in Redis's milliseconds)."""
    return (await fleet_key(admin, "limit")).removesuffix(b":limit") + b":pause"


@EMULATOR
@pytest.mark.parametrize("end", ["soon", "nan", "-inf", "-1e308", "0x10"])
async def test_garbage_in_the_shared_pause_does_not_stop_calls(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    end: str,
) -> None:
    """The shared pause's end written as text, NaN, minus infinity, or a time long past: every
    call still gets its answer in bounded time."""
    async with connect(coordination=fleet(redis_server.url)) as client:
        await get_patient(client, a_patient(welkin_emulator))
        await admin.set(await pause_key(admin), end)
        await all_patients(client, welkin_emulator)


@EMULATOR
@pytest.mark.parametrize("end", ["inf", "1e300"])
async def test_an_endless_shared_pause_does_not_stop_a_client_for_ever(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    end: str,
) -> None:
    """A pause no Retry-After could have set, written as the shared pause: calls end in bounded
    time, and once the garbage is gone from Redis the client's calls succeed again."""
    async with connect(coordination=fleet(redis_server.url)) as client:
        await get_patient(client, a_patient(welkin_emulator))
        pause = await pause_key(admin)
        await admin.set(pause, end)
        with suppress(WelkinError):  # refusing while it is there may be fair
            await asyncio.wait_for(get_patient(client, a_patient(welkin_emulator)), BOUND)
        await admin.delete(pause)
        await all_patients(client, welkin_emulator)


@EMULATOR
async def test_a_slot_far_in_the_future_does_not_hang_a_call(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
) -> None:
    """The shared schedule's next slot set years ahead: a call with max_elapsed=1 ends within
    a few seconds, answered or with a typed error, never asleep for ever."""
    retry = RetryPolicy(max_elapsed=1.0)
    async with connect(coordination=fleet(redis_server.url), retry=retry) as client:
        await get_patient(client, a_patient(welkin_emulator))
        await admin.hset(await fleet_key(admin, "limit"), "tat", "1e300")
        with suppress(WelkinError):
            await asyncio.wait_for(get_patient(client, a_patient(welkin_emulator)), 3.0)


@EMULATOR
@pytest.mark.parametrize(
    "garbage",
    [
        ("limit", "list"),
        ("limit", "string"),
        ("pause", "list"),
        ("pause", "hash"),
        ("token", "hash"),
        ("token", "list"),
    ],
    ids="-".join,
)
async def test_a_fleet_key_of_the_wrong_type_is_worked_around(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    garbage: tuple[str, str],
) -> None:
    """The limit, pause or token key holding another type (WRONGTYPE): a running client and one
    starting after it both get every answer."""
    async with connect(coordination=fleet(redis_server.url)) as client:
        await get_patient(client, a_patient(welkin_emulator))
        kind, wrong = garbage
        key = await pause_key(admin) if kind == "pause" else await fleet_key(admin, kind)
        await admin.delete(key)
        if wrong == "list":
            await admin.rpush(key, "garbage")
        elif wrong == "hash":
            await admin.hset(key, "garbage", "1")
        else:
            await admin.set(key, "garbage")
        await all_patients(client, welkin_emulator)
        async with connect(coordination=fleet(redis_server.url)) as starting:
            await all_patients(starting, welkin_emulator)


def sealed_for(secret: str, key: bytes, document: object) -> bytes:
    return Sealer(secret, "token").seal(json.dumps(document).encode(), key.decode())


UNOPENABLE: dict[str, Callable[[str, bytes, bytes], bytes]] = {
    "not-sealed": lambda _secret, _key, _sealed: b"Bearer not-a-sealed-token",
    "empty": lambda _secret, _key, _sealed: b"",
    "nonce-only": lambda _secret, _key, sealed: sealed[:12],
    "truncated": lambda _secret, _key, sealed: sealed[:-1],
    "bit-flipped": lambda _secret, _key, sealed: (
        sealed[:20] + bytes([sealed[20] ^ 1]) + sealed[21:]
    ),
    "sealed-for-another-key": lambda secret, key, _sealed: sealed_for(
        secret, key + b"-other", {"token": "x", "lifetime": 3600}
    ),
    "sealed-with-another-secret": lambda _secret, key, _sealed: sealed_for(
        "another-secret", key, {"token": "x", "lifetime": 3600}
    ),
    "4-mb": lambda _secret, _key, _sealed: os.urandom(4 * 2**20),
}


@EMULATOR
@pytest.mark.parametrize("damage", UNOPENABLE.values(), ids=UNOPENABLE.keys())
async def test_a_stored_token_that_does_not_open_is_replaced(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    damage: Callable[[str, bytes, bytes], bytes],
) -> None:
    """The shared token replaced by bytes that do not open with this client's key: a client
    starting then gets every answer with a new token, which it stores sealed in its place."""
    secret = welkin_emulator.credentials("acme").client_secret
    async with connect(coordination=fleet(redis_server.url)) as client:
        await get_patient(client, a_patient(welkin_emulator))
    key = await fleet_key(admin, "token")
    sealed = await admin.get(key)
    assert isinstance(sealed, bytes)
    await admin.set(key, damage(secret, key, sealed), px=600_000)
    async with connect(coordination=fleet(redis_server.url)) as starting:
        await all_patients(starting, welkin_emulator)
    assert welkin_emulator.stats.tokens_issued == 2
    replaced = await admin.get(key)
    assert isinstance(replaced, bytes)
    assert json.loads(Sealer(secret, "token").open(replaced, key.decode()))["token"]


@EMULATOR
@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"token": None, "lifetime": 3600}, id="token-none"),
        pytest.param({"token": "x"}, id="no-lifetime"),
        pytest.param(["token", 3600], id="a-list"),
        pytest.param(
            {"token": "x", "lifetime": "an hour"},
            id="lifetime-text",
        ),
        pytest.param(
            {"token": "x", "lifetime": [3600]},
            id="lifetime-list",
        ),
    ],
)
async def test_a_sealed_token_document_of_the_wrong_shape_is_replaced(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    document: object,
) -> None:
    """A document sealed with the right key but not of the fleet's shape (another version of
    the library, say): a client starting then gets every answer with a new token."""
    secret = welkin_emulator.credentials("acme").client_secret
    async with connect(coordination=fleet(redis_server.url)) as client:
        await get_patient(client, a_patient(welkin_emulator))
    key = await fleet_key(admin, "token")
    await admin.set(key, sealed_for(secret, key, document), px=600_000)
    async with connect(coordination=fleet(redis_server.url)) as starting:
        await all_patients(starting, welkin_emulator)
    assert welkin_emulator.stats.tokens_issued == 2


async def stuck_lock(admin: Redis, ttl_ms: int | None) -> bytes:
    """The token deleted and its refresh lock taken by an owner that never gives it back."""
    token = await fleet_key(admin, "token")
    await admin.delete(token)
    lock = token + b"-lock"
    await admin.set(lock, "another-process", px=ttl_ms)
    return lock


@EMULATOR
@pytest.mark.parametrize("ttl_ms", [None, 365 * 24 * 3600 * 1000], ids=["no-ttl", "a-year"])
async def test_a_refresh_lock_that_is_no_lease_does_not_stall_token_fetches(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    ttl_ms: int | None,
) -> None:
    """A refresh lock without a lease (no TTL, or a year's): a client starting then does not
    wait out a whole lease for a token; its first calls are answered within seconds."""
    async with connect(coordination=fleet(redis_server.url)) as client:
        await get_patient(client, a_patient(welkin_emulator))
    await stuck_lock(admin, ttl_ms)
    async with connect(coordination=fleet(redis_server.url)) as starting:
        await asyncio.wait_for(get_patient(starting, a_patient(welkin_emulator)), 2.0)


@EMULATOR
async def test_a_refresh_lock_held_for_ever_is_taken_over(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A refresh lock held for ever (no lease: no member set it): a starting client takes it
    over, refreshes, gets every answer, and gives the lock back."""
    monkeypatch.setattr(_token, "LEASE_SECONDS", 0.3)
    async with connect(coordination=fleet(redis_server.url)) as client:
        await get_patient(client, a_patient(welkin_emulator))
    lock = await stuck_lock(admin, None)
    async with connect(coordination=fleet(redis_server.url)) as starting:
        await all_patients(starting, welkin_emulator)
    assert welkin_emulator.stats.tokens_issued == 2
    assert await admin.get(lock) is None


@EMULATOR
async def test_a_call_cancelled_while_taking_the_refresh_lock_does_not_stall_the_fleet(
    welkin_emulator: WelkinEmulator, connect: Connect, redis_server: RedisServer, admin: Redis
) -> None:
    """A client's first call cancelled while its taking of the refresh lock is on its way to
    Redis: a client starting next gets its first answer within seconds, not after a lease."""
    async with (
        Valve(redis_server.port) as valve,
        connect(coordination=fleet(valve.url, timeout=5.0)) as client,
    ):
        valve.shut(matching=b"token-lock\r\n")  # the first command naming the lock: taking it
        call = asyncio.create_task(get_patient(client, a_patient(welkin_emulator)))
        await valve.stuck(1)
        call.cancel()
        valve.open()
        with suppress(asyncio.CancelledError):
            await asyncio.wait_for(call, BOUND)
        await valve.drained()
    await admin.ping()  # Redis has run the taking, sent before this on loopback
    async with connect(coordination=fleet(redis_server.url)) as starting:
        await asyncio.wait_for(get_patient(starting, a_patient(welkin_emulator)), 2.0)


@EMULATOR
async def test_a_flushed_script_cache_is_loaded_again(
    welkin_emulator: WelkinEmulator, connect: Connect, redis_server: RedisServer, admin: Redis
) -> None:
    """Redis's script cache emptied mid-run (SCRIPT FLUSH, as after a failover): the gate loads
    its script again and stays in shared mode, every call answered."""
    async with connect(coordination=fleet(redis_server.url)) as client:
        await get_patient(client, a_patient(welkin_emulator))
        await admin.script_flush()
        await all_patients(client, welkin_emulator)
        assert client.stats.fleet_shared is True
        assert client.stats.fleet_outages == 0


# --- a Redis that does not answer as Redis -------------------------------------------------------


@EMULATOR
@pytest.mark.parametrize(
    "reply",
    [b"", b"HTTP/1.1 400 Bad Request\r\n\r\n", b"\x00\xff" * 64, b"-ERR no\r\n"],
    ids=["hangs-up", "http", "binary", "error"],
)
async def test_a_server_that_is_not_redis_is_worked_around(
    welkin_emulator: WelkinEmulator, connect: Connect, reply: bytes
) -> None:
    """A URL to a server that hangs up, or answers HTTP, binary noise or errors: every call is
    answered (each process alone), and the stores raise FleetStoreError."""
    async with answering(reply) as url:
        async with connect(coordination=fleet(url)) as client:
            await all_patients(client, welkin_emulator)
            assert client.stats.fleet_shared is False
        await stores_refuse(url)


async def stores_refuse(url: str) -> None:
    """Both stores raise FleetStoreError (the checkpoint's a CheckpointError too), in bound."""
    async with asyncio.timeout(BOUND):
        async with RedisDedupe(url, timeout=TIMEOUT) as dedupe:
            with pytest.raises(FleetStoreError):
                await dedupe.add("msg_1")
        async with RedisCheckpoint(url, secret="s3cret", timeout=TIMEOUT) as checkpoint:
            with pytest.raises(CheckpointError) as caught:
                await checkpoint.save("PATIENT", ExportPosition("PATIENT"))
            assert isinstance(caught.value, FleetStoreError)


@EMULATOR
@pytest.mark.parametrize(
    ("reply", "password"),
    [
        (b"+OK\r\n", None),
        (b"+OK\r\n", PASSWORD),
        (b":1\r\n", None),
        (b":1\r\n", PASSWORD),
        (b"$-1\r\n", None),
    ],
    ids=["ok", "ok-password", "int", "int-password", "nil"],
)
async def test_a_server_answering_replies_of_the_wrong_shape_is_worked_around(
    welkin_emulator: WelkinEmulator, connect: Connect, reply: bytes, password: str | None
) -> None:
    """A server that answers every command with one valid reply of the wrong shape (+OK, or an
    integer): every call is still answered, each process alone."""
    async with (
        answering(reply, password=password) as url,
        connect(coordination=fleet(url)) as client,
    ):
        await all_patients(client, welkin_emulator)


@pytest.mark.parametrize("reply", [b"+OK\r\n", b":1\r\n"], ids=["ok", "int"])
async def test_a_store_behind_a_server_answering_the_wrong_shape_raises_typed(
    reply: bytes,
) -> None:
    """Behind a password, a server answering +OK or an integer to everything: the stores raise
    FleetStoreError, not an AttributeError of the client library."""
    async with answering(reply, password=PASSWORD) as url:
        await stores_refuse(url)


# --- a Redis that refuses ------------------------------------------------------------------------


@EMULATOR
async def test_a_password_redis_refuses_is_worked_around_and_never_shown(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Redis requiring a password the URL lacks or has wrong: every call is answered alone, the
    stores raise FleetStoreError; no password shows in the log, an error or a repr."""
    caplog.set_level(logging.DEBUG, logger="welkin_async")
    await admin.config_set("requirepass", PASSWORD)
    wrong = "wrong-pw-3b8d"
    shown: list[str] = []
    for url in (redis_server.url, with_password(redis_server.url, wrong)):
        coordination = fleet(url)
        async with connect(coordination=coordination) as client:
            await all_patients(client, welkin_emulator)
            assert client.stats.fleet_shared is False
            shown += [repr(coordination), repr(client), repr(client.stats)]
        for store in (RedisDedupe(url), RedisCheckpoint(url, secret="s3cret")):
            shown.append(repr(store))
            with pytest.raises(FleetStoreError) as caught:
                await (
                    store.add("msg_1")
                    if isinstance(store, RedisDedupe)
                    else store.save("PATIENT", ExportPosition("PATIENT"))
                )
            await store.aclose()
            shown.append(str(caught.value))
    text = caplog.text + "\n".join(shown)
    assert "AuthenticationError" in caplog.text  # the outage was logged, by type
    assert PASSWORD not in text
    assert wrong not in text


@EMULATOR
@pytest.mark.parametrize("refusal", ["out-of-memory", "read-only"])
async def test_a_redis_refusing_writes_is_worked_around(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    refusal: str,
) -> None:
    """Redis out of memory (noeviction) or made a read-only replica: every call is answered
    alone; a dedupe add and a checkpoint save raise typed errors, a load still answers."""
    async with RedisCheckpoint(redis_server.url, secret="s3cret") as checkpoint:
        await checkpoint.save("PATIENT", ExportPosition("PATIENT", pages=3))
        if refusal == "out-of-memory":
            await admin.config_set("maxmemory-policy", "noeviction")
            await admin.config_set("maxmemory", "1")
        else:  # a master turned replica of one that is not there
            await admin.replicaof("127.0.0.1", 1)
        async with connect(coordination=fleet(redis_server.url)) as client:
            await all_patients(client, welkin_emulator)
            assert client.stats.fleet_shared is False
        async with RedisDedupe(redis_server.url) as dedupe:
            with pytest.raises(FleetStoreError, match="answered with an error"):
                await dedupe.add("msg_1")
        with pytest.raises(CheckpointError, match="answered with an error"):
            await checkpoint.save("PATIENT", ExportPosition("PATIENT", pages=4))
        assert await checkpoint.load("PATIENT") == ExportPosition("PATIENT", pages=3)


# --- a Redis that stops answering, or dies, with calls in flight ---------------------------------


@EMULATOR
async def test_a_redis_frozen_with_calls_in_flight(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Redis stops answering (commands sent, never answered) with calls waiting on it: every
    call is answered alone, the outage is one warning; answering again, the client shares again."""
    async with Valve(redis_server.port) as valve:
        async with connect(coordination=fleet(valve.url), max_concurrency=8) as client:
            await all_patients(client, welkin_emulator)
            valve.shut()
            with caplog.at_level(logging.WARNING, logger="welkin_async.fleet"):
                ids = acme_live(welkin_emulator).patients.ids()
                calls = [asyncio.create_task(get_patient(client, one)) for one in ids * 3]
                await valve.stuck(1)
                async with asyncio.timeout(BOUND):
                    answers = await asyncio.gather(*calls)
            assert [answer["id"] for answer in answers] == ids * 3
            assert client.stats.fleet_shared is False
            [warning] = [r.getMessage() for r in caplog.records if r.name == "welkin_async.fleet"]
            assert "cannot be used" in warning
            valve.open()
            await settle_shared(client, welkin_emulator)
        assert welkin_emulator.stats.tokens_issued == 1


@EMULATOR
async def test_redis_killed_and_restarted_with_calls_in_flight(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
) -> None:
    """Redis killed while 200 calls run, and started again while they still run: every call is
    answered right (no error of any type escapes), one token in all, and shared mode returns."""
    ids = acme_live(welkin_emulator).patients.ids() * 10
    done = 0
    killed, restarted = asyncio.Event(), asyncio.Event()

    async def call(client: WelkinClient, patient: str) -> Any:
        nonlocal done
        answer = await get_patient(client, patient)
        done += 1
        if done == 20:
            killed.set()
        if done == 100:
            restarted.set()
        return answer

    async with connect(coordination=fleet(redis_server.url), max_concurrency=16) as client:
        calls = [asyncio.create_task(call(client, one)) for one in ids]
        async with asyncio.timeout(BOUND):
            await killed.wait()
            redis_server.stop()
            await restarted.wait()
            redis_server.start()
            answers = await asyncio.gather(*calls)
        assert [answer["id"] for answer in answers] == ids
        assert client.stats.fleet_outages == 1
        await settle_shared(client, welkin_emulator)
    assert welkin_emulator.stats.tokens_issued == 1


@EMULATOR
async def test_closing_the_client_while_calls_wait_on_redis(
    welkin_emulator: WelkinEmulator, connect: Connect, redis_server: RedisServer, admin: Redis
) -> None:
    """The client closed while its calls wait on a Redis that does not answer: closing returns
    in bounded time and every call ends, answered or with a WelkinError, none left running."""
    async with (
        Valve(redis_server.port) as valve,
        connect(coordination=fleet(valve.url, timeout=5.0), max_concurrency=4) as client,
    ):
        await get_patient(client, a_patient(welkin_emulator))
        valve.shut()
        calls = [
            asyncio.create_task(get_patient(client, a_patient(welkin_emulator))) for _ in range(12)
        ]
        await valve.stuck(4)
        async with asyncio.timeout(BOUND):
            await client.aclose()
            outcomes = await asyncio.gather(*calls, return_exceptions=True)
    for outcome in outcomes:
        assert not isinstance(outcome, BaseException) or isinstance(outcome, WelkinError), outcome


async def test_cancelling_acquires_mid_flight_leaks_no_slot(
    redis_server: RedisServer, admin: Redis
) -> None:
    """Acquires cancelled while their Redis command waits unanswered: afterwards all four slots
    can be held at once, and Redis's answers are each given to the right caller."""
    endpoint = TokenEndpoint()
    async with Valve(redis_server.port) as valve:
        membership = await fleet(valve.url, timeout=5.0).join(member(endpoint, max_concurrency=4))
        try:
            await membership.fetch_token(True)
            gate = membership.gate
            valve.shut()
            waiting = [asyncio.create_task(gate.acquire()) for _ in range(12)]
            await valve.stuck(4)
            for task in waiting:
                task.cancel()
            outcomes = await asyncio.gather(*waiting, return_exceptions=True)
            assert all(isinstance(one, asyncio.CancelledError) for one in outcomes)
            valve.open()
            async with asyncio.timeout(BOUND):
                await asyncio.gather(*(gate.acquire() for _ in range(4)))
                for _ in range(4):
                    gate.release()
                assert (await membership.fetch_token(True)).value == "token-1"
            assert membership.shared
        finally:
            await membership.leave()
    assert endpoint.requests == 1


@EMULATOR
async def test_many_clients_joining_and_leaving_at_once(
    welkin_emulator: WelkinEmulator, connect: Connect, redis_server: RedisServer, admin: Redis
) -> None:
    """24 clients of one API client opened, used and closed all at once (each as a process
    would): every answer right, one token for all, and no connection left open in Redis."""

    coordination = fleet(redis_server.url)  # one object joined by all: each has its own pool

    async def one_client() -> None:
        async with connect(coordination=coordination) as client:
            await all_patients(client, welkin_emulator)

    async with asyncio.timeout(BOUND):
        await asyncio.gather(*(one_client() for _ in range(24)))
    assert welkin_emulator.stats.tokens_issued == 1
    # Redis sees the clients' hang-ups on its own time: a readiness poll, bounded.
    async with asyncio.timeout(5.0):
        while len(await admin.client_list()) > 1:  # this test's own connection
            await asyncio.sleep(0.01)


@EMULATOR
async def test_an_outage_shows_no_password_secret_or_token(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    redis_server: RedisServer,
    admin: Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Through a Redis with a password that then stops answering: the log at DEBUG, the reprs of
    the coordination, membership, client and stats, and store errors show neither the password
    nor the client secret nor the token."""
    caplog.set_level(logging.DEBUG, logger="welkin_async")
    await admin.config_set("requirepass", PASSWORD)
    secret = welkin_emulator.credentials("acme").client_secret
    async with Valve(redis_server.port) as valve:
        url = with_password(valve.url)
        coordination = fleet(url)
        async with connect(coordination=coordination) as client:
            await all_patients(client, welkin_emulator)
            key = await fleet_key(admin, "token")
            sealed = await admin.get(key)
            assert isinstance(sealed, bytes)
            token = json.loads(Sealer(secret, "token").open(sealed, key.decode()))["token"]
            valve.shut()
            await all_patients(client, welkin_emulator)
            assert client.stats.fleet_shared is False
            membership = client._shared.membership
            assert isinstance(membership, RedisMembership)
            shown = [repr(coordination), repr(membership), repr(client), repr(client.stats)]
            async with RedisDedupe(url, timeout=TIMEOUT) as dedupe:
                with pytest.raises(FleetStoreError) as caught:
                    await dedupe.add("msg_1")
            shown += [repr(dedupe), str(caught.value)]
            valve.open()
    text = caplog.text + "\n".join(shown)
    assert "TimeoutError" in caplog.text  # the outage was logged, by type
    for never in (PASSWORD, secret, token):
        assert never not in text
