"""`welkin-async` as installed, and `welkin-async emulator`: it serves until stopped, its stdout
is `export WELKIN_...` lines a shell can eval and `WelkinClient.from_env()` can use, and
`--webhook` subscribes a receiver outside it.

The command runs as a real subprocess; the tests wait for it by reading its stdout lines.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.conftest import ROOT
from welkin_async import WelkinClient
from welkin_async.errors import WebhookVerificationError
from welkin_async.models import WebhookEvent, WebhookEventSubtype
from welkin_async.testing._webhooks import make_secret
from welkin_async.webhooks import verify

EXPORT_LINE = re.compile(r"export (WELKIN_[A-Z_]+)=\S+")
SECRET = make_secret("cli-receiver")


def test_console_script_is_installed() -> None:
    """`welkin-async` is on the PATH of the environment the package is installed in."""
    script = Path(sys.executable).parent / "welkin-async"
    command = [str(script), "codegen", "--help"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0
    assert "--definitions FILE" in result.stdout


class Served:
    """A running `welkin-async emulator` child and the lines it printed once serving."""

    def __init__(self, process: asyncio.subprocess.Process, lines: list[str]) -> None:
        self.process = process
        self.lines = lines

    def settings(self) -> dict[str, str]:
        """The variables the lines set, as bash sets them when it evals them."""
        script = 'eval "$1" && env -0'
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("WELKIN_")}
        result = subprocess.run(  # noqa: S603 - a fixed script; the lines are its argument
            ["/bin/bash", "-c", script, "bash", "\n".join(self.lines)],
            capture_output=True,
            check=True,
            env=inherited,
        )
        pairs = (item.split("=", 1) for item in result.stdout.decode().split("\0") if item)
        return {name: value for name, value in pairs if name.startswith("WELKIN_")}


@asynccontextmanager
async def emulator(*args: str, lines: int) -> AsyncIterator[Served]:
    """`welkin-async emulator --port 0 --patients 3 ARGS`, once it has printed ``lines`` lines on
    stdout; stopped with SIGTERM afterwards, which it must take as a clean stop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "welkin_async.cli",
        "emulator",
        "--port",
        "0",
        "--patients",
        "3",
        *args,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        printed = [(await process.stdout.readline()).decode() for _ in range(lines)]
        assert all(line.endswith("\n") for line in printed), printed  # all came, none cut
        yield Served(process, [line.rstrip("\n") for line in printed])
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        rest, errors = await process.communicate()
    assert process.returncode == 0, errors.decode()
    assert rest == b""  # nothing on stdout but the export lines
    assert errors.decode().endswith("emulator stopped\n")


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("oauth", ["WELKIN_CLIENT_ID", "WELKIN_CLIENT_SECRET"]),
        ("api-client", ["WELKIN_API_CLIENT", "WELKIN_API_SECRET"]),
    ],
)
async def test_its_export_lines_configure_a_client_from_the_environment(
    kind: str, names: Sequence[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its stdout is only `export WELKIN_...` lines, base URL and tenant included; evaluated by
    bash, they are all WelkinClient.from_env() needs to read the seeded patients, with either
    kind of credentials."""
    async with emulator("--credentials", kind, lines=5) as served:
        matches = [(EXPORT_LINE.fullmatch(line), line) for line in served.lines]
        assert [match[1] if match else line for match, line in matches] == [
            "WELKIN_BASE_URL",
            "WELKIN_TENANT",
            "WELKIN_ENVIRONMENT",
            *names,
        ]
        settings = served.settings()
        assert settings["WELKIN_BASE_URL"].startswith("http://127.0.0.1:")
        assert (settings["WELKIN_TENANT"], settings["WELKIN_ENVIRONMENT"]) == ("acme", "live")
        for name in [n for n in os.environ if n.startswith("WELKIN_")]:
            monkeypatch.delenv(name)
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        async with WelkinClient.from_env() as client:
            patients = [patient async for patient in client.patients.list()]
    assert len(patients) == 3


async def test_the_openapi_document_is_served() -> None:
    """The URL it exports serves the OpenAPI document."""
    async with emulator(lines=5) as served:
        url = served.settings()["WELKIN_BASE_URL"]
        async with aiohttp.ClientSession() as session, session.get(f"{url}/openapi.json") as got:
            assert json.loads(await got.read())["openapi"] == "3.1.0"


async def test_ctrl_c_stops_it_cleanly() -> None:
    """SIGINT, as Ctrl-C sends it, stops it with exit 0 and says so."""
    async with emulator(lines=5) as served:
        served.process.send_signal(signal.SIGINT)
        await served.process.wait()


@asynccontextmanager
async def receiver(secrets: list[str]) -> AsyncIterator[tuple[str, asyncio.Queue[WebhookEvent]]]:
    """A webhook receiver on loopback that verifies each delivery's signature with the SDK
    against ``secrets`` as they are then (400 if it fails); yields its URL and the events it
    verified, as they come."""
    verified: asyncio.Queue[WebhookEvent] = asyncio.Queue()

    async def receive(request: web.Request) -> web.Response:
        try:
            event = verify(await request.read(), request.headers, secrets)
        except WebhookVerificationError:
            return web.Response(status=400)
        verified.put_nowait(event)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", receive)
    async with TestServer(app, host="127.0.0.1") as server:
        yield str(server.make_url("/hook")), verified


@pytest.mark.parametrize("own_secret", [True, False])
async def test_a_webhook_receiver_gets_signed_events_of_api_changes(
    own_secret: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--webhook URL,SECRET` subscribes an outside receiver: a patient created through the API
    reaches it as a PATIENT_CREATED event whose signature verifies with SECRET. Given no
    SECRET, the emulator signs with one it makes and prints as WELKIN_WEBHOOK_SECRET."""
    secrets: list[str] = [SECRET] if own_secret else []
    async with receiver(secrets) as (url, verified):
        hook, lines = (f"{url},{SECRET}", 5) if own_secret else (url, 6)
        async with emulator("--webhook", hook, lines=lines) as served:
            settings = served.settings()
            if not own_secret:
                secrets.append(settings.pop("WELKIN_WEBHOOK_SECRET"))
                assert secrets != [SECRET]
            for name, value in settings.items():
                monkeypatch.setenv(name, value)
            monkeypatch.delenv("WELKIN_API_CLIENT", raising=False)
            async with WelkinClient.from_env() as client:
                patient = await client.patients.create(first_name="Hook", last_name="Outside")
            event = await asyncio.wait_for(verified.get(), timeout=30)
    assert event.event_subtype is WebhookEventSubtype.PATIENT_CREATED
    assert event.source_id == str(patient.id)
    assert (event.tenant_name, event.instance_name) == ("acme", "live")
