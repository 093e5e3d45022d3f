"""Hostile input at issue 18's surfaces: per-call options, ``with_options`` views,
``with_raw_response``, request ids a server makes up, proxies and CA bundles, ids, typed writes
and the command line.

The bar: a typed error (a ``WelkinError``; a ``TypeError`` or a ``ValueError`` naming the
parameter for a programming mistake), in bounded time, with nothing sent (the emulator's
``on_received`` sees no request) and no value or secret in its text.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import signal
import ssl
import sys
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import trustme
from aiohttp import web

from tests.conftest import ROOT, Connect, a_patient, serving
from tests.hostile._server import HostileServer, json_answer
from welkin_async import ApiClientSecret, RequestOptions, RetryPolicy, WelkinClient
from welkin_async.cli import main
from welkin_async.errors import APIError, ConfigurationError, TLSError, TransportError
from welkin_async.testing import ReceivedRequest, WelkinEmulator
from welkin_async.tracing import CallTrace

pytestmark = pytest.mark.welkin_emulator(patients=3, tenants=["acme"])

SECRET = "s3cret-Value"  # never to come back in an error, a repr or a line on stderr


@asynccontextmanager
async def opened(
    emulator: WelkinEmulator, connect: Connect
) -> AsyncIterator[tuple[WelkinClient, list[ReceivedRequest], str]]:
    """An open client that has its token, the requests received from now on, a patient's id."""
    received: list[ReceivedRequest] = []
    async with connect() as client:
        patient = a_patient(emulator)
        await client.patients.get(patient)
        emulator.on_received(received.append)
        yield client, received, patient


def unechoed(error: BaseException) -> None:
    """Neither the error's text, its repr nor its traceback holds the secret."""
    assert SECRET not in str(error) + repr(error) + "".join(traceback.format_exception(error))


# --- extra_headers and with_options(headers=) ---------------------------------------------------

EMPTIES: list[Any] = ["", 0, [], ()]


@pytest.mark.parametrize(
    "headers",
    [
        *({"X-Note": v} for v in (f"{SECRET}\r\nX-Evil: 1", f"{SECRET}\n", f"{SECRET}\0")),
        *({"X-Note": v} for v in (5, None, SECRET.encode())),
        *({name: SECRET} for name in ("", "X Note", "X-Note:", "X-Nöte", "\ud800", 5)),
        *({name: SECRET} for name in ("AUTHORIZATION", "Host", "transfer-encoding")),
        [("X-Note", SECRET)],
        SECRET,
        *(pytest.param({"X-Note": v}) for v in ("\x0b", "\x1b[", "\x7f")),
        pytest.param({"X-Note": "\ud800"}),
        *(pytest.param(empty) for empty in EMPTIES),
    ],
    ids=repr,
)
async def test_a_bad_header_is_refused_unsent_without_its_value(
    welkin_emulator: WelkinEmulator, connect: Connect, headers: Any
) -> None:
    async with opened(welkin_emulator, connect) as (client, received, patient):
        with pytest.raises(ConfigurationError, match=r"^extra_headers") as per_call:
            await client.patients.get(patient, extra_headers=headers)
        with pytest.raises(ConfigurationError, match=r"^headers") as per_view:
            client.with_options(headers=headers)
    assert received == []
    unechoed(per_call.value)
    unechoed(per_view.value)


async def test_a_long_header_is_the_servers_400_and_utf8_arrives_intact(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    async with opened(welkin_emulator, connect) as (client, received, patient):
        async with asyncio.timeout(10):
            with pytest.raises(APIError) as caught:
                await client.patients.get(patient, extra_headers={"X-Note": "x" * 100_000})
            await client.patients.get(patient, extra_headers={"X-Note": "Zoë 漢字 \t end"})
    assert caught.value.status == 400
    assert "xxxx" not in str(caught.value)
    assert received[-1].headers["X-Note"] == "Zoë 漢字 \t end"


class ControlTracer:
    """A tracer whose ``traceparent`` carries a vertical tab: a bug of the tracer's own."""

    def start(self, method: str, template: str) -> CallTrace:
        return self

    def headers(self) -> Mapping[str, str]:
        return {"traceparent": "00-\x0b-01"}

    def retry(self, attempt: int, reason: str, delay: float) -> None:
        pass

    def end(self, status: int | None, attempts: int, error: BaseException | None) -> None:
        pass


async def test_a_tracer_header_with_a_control_character_never_fails_a_call(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    async with connect(tracing=ControlTracer()) as client:
        await client.patients.get(a_patient(welkin_emulator))


# --- extra_query and timeout ---------------------------------------------------------------------


Q = "extra_query"


@pytest.mark.parametrize(
    ("options", "error", "where"),
    [
        *(({Q: {"q": v}}, ConfigurationError, f"{Q}: 'q'") for v in (None, [SECRET], {SECRET})),
        *(({Q: q}, ConfigurationError, f"{Q} must be") for q in ({7: SECRET}, [("q", SECRET)])),
        ({Q: {"q": SECRET.encode()}}, ConfigurationError, f"{Q}: 'q'"),
        ({Q: {"q": SECRET + "\udcff"}}, ValueError, "query parameter 'q'"),
        ({Q: {"q\ud800": SECRET}}, ValueError, "query parameter"),
        pytest.param({Q: {"q": 10**5000}}, ValueError, "'q'", id="huge-int"),
        *(({"timeout": t}, ConfigurationError, "timeout") for t in (math.nan, -1, True, "5")),
        pytest.param({"timeout": math.inf}, ConfigurationError, "timeout"),
    ],
    ids=repr,
)
async def test_a_bad_query_or_timeout_is_refused_unsent(
    welkin_emulator: WelkinEmulator, connect: Connect, options: Any, error: type, where: str
) -> None:
    async with opened(welkin_emulator, connect) as (client, received, patient):
        with pytest.raises(error, match=re.escape(where)) as caught:
            await client.patients.get(patient, **options)
    assert received == []
    unechoed(caught.value)


@pytest.mark.parametrize("query", [{"page": 3}, {"size": 1}, {"x": "1", "page": "0"}], ids=repr)
async def test_extra_query_cannot_move_a_lists_paging(
    welkin_emulator: WelkinEmulator, connect: Connect, query: dict[str, Any]
) -> None:
    token_paging: RequestOptions = {"extra_query": {"pageToken": "t"}}
    async with opened(welkin_emulator, connect) as (client, received, _):
        with pytest.raises(ConfigurationError, match=r"extra_query: (page|size)"):
            client.patients.list(extra_query=query)
        with pytest.raises(ConfigurationError, match="extra_query: pageToken"):
            client.paginate("GET", "patients", style="token", options=token_paging)
    assert received == []


# --- with_raw_response ---------------------------------------------------------------------------


async def test_with_raw_response_takes_only_one_calls_coroutine(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    async def no_call() -> int:
        return 1

    async def fails_after_a_call(client: WelkinClient, patient: str) -> None:
        await client.patients.get(patient)
        raise LookupError("the caller's own")

    async with opened(welkin_emulator, connect) as (client, received, patient):
        task = asyncio.ensure_future(asyncio.sleep(0))
        for bad in [None, 5, client.patients.get, client.patients.list(), task]:
            with pytest.raises(TypeError, match="with_raw_response takes"):
                await client.with_raw_response(bad)  # type: ignore[arg-type]
        await task
        with pytest.raises(TypeError, match="made no API call"):
            await client.with_raw_response(no_call())
        assert received == []
        with pytest.raises(LookupError, match="the caller's own"):
            await client.with_raw_response(fails_after_a_call(client, patient))
        raw = await client.with_raw_response(client.patients.get(patient))  # no capture left
    assert (raw.status, raw.calls) == (200, 1)
    assert patient not in repr(raw)


async def test_nested_with_raw_response_sees_the_call(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    async with opened(welkin_emulator, connect) as (client, _, patient):
        inner = client.with_raw_response(client.patients.get(patient))
        outer = await client.with_raw_response(inner)
    assert outer.calls == 1


# --- request ids a server makes up ---------------------------------------------------------------


@pytest.mark.parametrize(
    "made_up",
    ["x" * 129, f"{SECRET} spaced", f"é-{SECRET}", f"<b>{SECRET}</b>", f"\u202e{SECRET}\tx"],
    ids=repr,
)
async def test_a_made_up_request_id_is_not_kept_and_not_shown(
    server: HostileServer, made_up: str
) -> None:
    hostile = {"X-Request-Id": made_up, "Set-Cookie": f"s={SECRET}"}
    server.answer("GET", "ok", lambda: json_answer({}, 200, **hostile))
    server.answer("GET", "gone", lambda: json_answer([], 404, **hostile))
    async with server.client() as client:
        raw = await client.with_raw_response(client.request("GET", "ok"))
        with pytest.raises(APIError) as caught:
            await client.request("GET", "gone")
    assert raw.request_id is None
    assert SECRET not in repr(raw)
    assert caught.value.request_id is None
    assert "set-cookie" not in {name.lower() for name in caught.value.headers}
    assert str(caught.value).isascii()
    assert str(caught.value).isprintable()
    unechoed(caught.value)


async def test_a_header_past_the_line_limit_is_a_transport_error(server: HostileServer) -> None:
    server.answer("GET", "ok", lambda: json_answer({}, 200, **{"X-Request-Id": SECRET * 10**4}))
    async with server.client(retry=RetryPolicy(max_tries=2, initial_delay=0.01)) as client:
        async with asyncio.timeout(10):
            with pytest.raises(TransportError) as caught:
                await client.request("GET", "ok")
    unechoed(caught.value)


# --- proxies and CA bundles ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        *(("proxy", f"http://u:{SECRET}@{at}") for at in ("[::1", "h:99999", "h:x", "")),
        *(("proxy", bad) for bad in (f"ftp://u:{SECRET}@h:21", f"u:{SECRET}@h:3128", b"")),
        *(("ssl", bad) for bad in (SECRET.encode(), 3, {"cafile": SECRET}, True, 0)),
        *(pytest.param("ssl", p) for p in (f"{SECRET}\0", f"\ud800{SECRET}")),
    ],
    ids=repr,
)
def test_a_bad_proxy_or_ca_bundle_is_refused_without_its_secret(option: str, value: Any) -> None:
    credentials = ApiClientSecret("c", "s")
    with pytest.raises(ConfigurationError, match=f"^{option}") as caught:
        WelkinClient(tenant="t", environment="e", credentials=credentials, **{option: value})
    unechoed(caught.value)


async def test_a_proxy_password_is_in_no_error_or_repr(
    server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy that refuses (407), and a bad one in HTTP_PROXY."""

    async def refuse(_: web.Request) -> web.Response:
        return web.Response(status=407, headers={"Proxy-Authenticate": 'Basic realm="p"'})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", refuse)
    async with serving(app) as url:
        client = server.client(proxy=url.replace("//", f"//u:{SECRET}@"))
        assert SECRET not in repr(client)
        async with client:
            with pytest.raises(APIError, match="HTTP 407") as refused:
                await client.request("GET", "ok")
    monkeypatch.setenv("HTTP_PROXY", f"http://u:{SECRET}@[::1")
    with pytest.raises(ConfigurationError, match="HTTP_PROXY") as from_env:
        async with server.client(trust_env=True) as client:
            await client.request("GET", "ok")
    unechoed(refused.value)
    unechoed(from_env.value)
    assert server.seen == []


async def test_a_directory_of_garbage_as_ca_path_verifies_nothing(tmp_path: Path) -> None:
    """OpenSSL reads a CA directory lazily: garbage there is found at the first handshake, a
    TLSError, not retried, and nothing reaches the server."""
    for name in ("a.pem", "0123abcd.0"):
        (tmp_path / name).write_bytes(b"-----BEGIN CERTIFICATE-----\n\xff\x00garbage\n")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(context)
    async with WelkinEmulator(patients=1, tenants=["acme"], ssl_context=context) as emulator:
        credentials = emulator.credentials(role="admin")
        client = WelkinClient(
            tenant="acme", environment="live", credentials=credentials,
            base_url=emulator.url, ssl=tmp_path,
        )  # fmt: skip
        async with client:
            with pytest.raises(TLSError):
                await client.patients.get("p")
        assert emulator.stats.total_requests == 0


# --- ids -----------------------------------------------------------------------------------------


class Subclassed(str):
    """A str subclass, as an ORM or a wrapper type hands out."""


class Lying(str):
    def __str__(self) -> str:
        return ".."


class SubUUID(UUID):
    """A UUID subclass."""


async def test_str_and_uuid_subclasses_are_ids_by_their_text(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    async with opened(welkin_emulator, connect) as (client, received, patient):
        assert (await client.patients.get(Subclassed(patient))).id is not None
        with pytest.raises(APIError, match="HTTP 404"):
            await client.patients.get(SubUUID(int=7))
        with pytest.raises(ValueError, match=re.escape("'patient_id' is '..'")):
            await client.patients.get(Lying(patient))
    assert [r.route for r in received] == ["GET /patients/{patient_id}"] * 2


CALLS: dict[str, Callable[[WelkinClient, Any], Awaitable[Any]]] = {
    "patients.update": lambda client, bad: client.patients.update(bad, first_name="Ada"),
    "users.get": lambda client, bad: client.users.get(bad),
    "calendar.events.get": lambda client, bad: client.calendar.events.get(bad),
    "documents.list": lambda client, bad: anext(client.documents(bad).list().pages()),
}


@pytest.mark.parametrize("bad", [None, [SECRET], SECRET.encode(), {"id": SECRET}, False, ""])
@pytest.mark.parametrize("call", list(CALLS))
async def test_an_id_of_the_wrong_type_is_refused_naming_the_parameter(
    welkin_emulator: WelkinEmulator, connect: Connect, call: str, bad: Any
) -> None:
    async with opened(welkin_emulator, connect) as (client, received, _):
        with pytest.raises(ValueError, match=r"path parameter '\w*id'") as caught:
            await CALLS[call](client, bad)
    assert received == []
    unechoed(caught.value)


# --- typed writes --------------------------------------------------------------------------------


NAIVE = datetime(1990, 1, 1, 12)  # no time zone: the point


class Opaque:
    """A value no JSON encoder takes, with a repr that is the same in every process (the test
    ids must be, for pytest-xdist's workers to agree on what they collected)."""

    def __repr__(self) -> str:
        return "Opaque()"


@pytest.mark.parametrize(
    ("method", "fields", "problem"),
    [
        *(("update", {"first_name": v}, "not JSON serializable") for v in (b"", Opaque())),
        ("update", {"first_name": SECRET + "\ud800"}, "not valid UTF-8"),
        *(("update", {name: SECRET}, f"no field '{name}'") for name in ("wire_extra", "firstName")),
        ("update", {"birth_date": NAIVE}, "birthDate needs a time zone"),
        pytest.param("create", {"birth_date": NAIVE}, "birthDate needs"),
        pytest.param("update", {"first_name": math.nan}, "firstName"),
        pytest.param("update", {"first_name": -math.inf}, "firstName"),
    ],
    ids=repr,
)
async def test_a_field_that_cannot_be_written_is_refused_unsent(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    method: str,
    fields: dict[str, Any],
    problem: str,
) -> None:
    async with opened(welkin_emulator, connect) as (client, received, patient):
        if method == "create":
            write = client.patients.create(**fields)
        else:
            write = client.patients.update(patient, **fields)
        with pytest.raises((TypeError, ValueError), match=problem) as caught:
            await write
    assert received == []
    unechoed(caught.value)


# --- the command line ----------------------------------------------------------------------------


def one_error_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    """Run the CLI in-process: its exit code and its only error line (no traceback, no secret)."""
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert len(errors) == 1, err
    assert "Traceback" not in err
    assert SECRET not in out + err
    return code, errors[0]


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        *(
            (["--webhook", hook], "--webhook")
            for hook in (
                f"http://127.0.0.1:9/,whsec_\udcff{SECRET}",
                f"ftp://u:{SECRET}@127.0.0.1/",
                f"http://127.0.0.1:99999/,whsec_{SECRET}",
            )
        ),
        (["--token-ttl", "nan"], "--token-ttl"),
        (["--seed", "9" * 5000], "--seed"),
        (["--patients", "0", "--tenant", "no\nsuch\x1b[31m"], "--tenant"),
        (["--faults", "\0;503@nan"], "--faults"),
    ],
    ids=repr,
)
def test_the_emulator_command_refuses_hostile_values_in_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], flag: str
) -> None:
    code, line = one_error_line(capsys, ["emulator", *argv])
    assert code == 2
    assert line.startswith(f"welkin-async emulator: error: argument {flag}")
    assert "\x1b" not in line


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        (["--base-url", f"http://u:{SECRET}@127.0.0.1:9"], "--base-url"),
        ({"WELKIN_BASE_URL": f"http://u:{SECRET}@127.0.0.1:9"}, "WELKIN_BASE_URL"),
        ({"WELKIN_TENANT": "acme\r\nX-Evil: 1"}, "tenant"),
        (["--environment", "../admin"], "environment"),
        pytest.param(
            {"WELKIN_CLIENT_SECRET": SECRET + "\udcff"},  # a byte the locale cannot decode
            "client_secret|WELKIN_CLIENT_SECRET",
        ),
    ],
    ids=repr,
)
def test_export_names_the_bad_setting_in_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    setting: list[str] | dict[str, str],
    named: str,
) -> None:
    for name in [n for n in os.environ if n.startswith("WELKIN_")]:
        monkeypatch.delenv(name)
    environment = {"WELKIN_TENANT": "acme", "WELKIN_CLIENT_ID": "c", "WELKIN_CLIENT_SECRET": "s"}
    environment["WELKIN_BASE_URL"] = "http://127.0.0.1:9"  # never reached: each fails before
    for name, value in {**environment, **(setting if isinstance(setting, dict) else {})}.items():
        monkeypatch.setenv(name, value)
    argv = ["export", "PATIENT", "--out", str(tmp_path / "p.jsonl")]
    code, line = one_error_line(capsys, argv + (setting if isinstance(setting, list) else []))
    assert code == 1
    assert line.startswith("welkin-async export: error: ")
    assert re.search(named, line), line


async def test_the_emulator_never_prints_a_webhook_urls_password() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "welkin_async.cli", "emulator", "--port", "0", "--patients", "0",
        "--webhook", f"http://hook:{SECRET}@127.0.0.1:9/",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        async with asyncio.timeout(30):
            for _ in range(6):  # five settings and the webhook secret it made, or an early end
                if not await process.stdout.readline():
                    break
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        out, err = await process.communicate()
    assert b"127.0.0.1:9/" in err  # it did name the webhook
    assert SECRET.encode() not in out + err
