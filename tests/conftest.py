"""Shared fixtures: synthetic response bodies, a generated example-tenant module, clients of the
emulator, and a leak guard that reads every SDK log line of every test."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest
from aiohttp import web
from hypothesis import settings

from welkin_async import WelkinClient
from welkin_async._tenant_models import import_tenant_module
from welkin_async.cli import main as cli_main
from welkin_async.testing import Environment, WelkinEmulator

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TENANTS = ROOT / "schemas" / "tenants"

# Fixed seeds: the same examples on every run and machine.
settings.register_profile("welkin", derandomize=True, deadline=None, max_examples=60)
settings.load_profile("welkin")


@pytest.fixture(scope="session")
def root() -> Path:
    """The project checkout the tests run in."""
    return ROOT


@pytest.fixture(scope="session")
def body() -> Callable[[str], Any]:
    """Loads a synthetic response body from tests/fixtures by file name."""

    def load(name: str) -> Any:
        return json.loads((FIXTURES / name).read_text(encoding="utf-8"))

    return load


@pytest.fixture(scope="session")
def acme_module_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The acme example tenant's module, written by the real `welkin-async codegen` command."""
    out = tmp_path_factory.mktemp("acme_models")
    definitions = TENANTS / "acme" / "cdts.json"
    args = ["codegen", "--tenant", "acme", "--definitions", str(definitions), "--out", str(out)]
    assert cli_main(args) == 0
    return out / "acme.py"


@pytest.fixture(scope="session")
def acme(acme_module_path: Path) -> ModuleType:
    """The acme example tenant's generated module, imported."""
    return import_tenant_module(acme_module_path)


# --- clients of the emulator ---------------------------------------------------------------------

Connect = Callable[..., WelkinClient]
Kind = Literal["client_credentials", "api_client"]
KINDS: list[Kind] = ["client_credentials", "api_client"]


@pytest.fixture
def connect(welkin_emulator: WelkinEmulator) -> Connect:
    """Makes (unopened) clients of the test's emulator: acme/live admin, OAuth unless told.

    ``connect(kind="api_client", role="analyst", **client_options)``.
    """

    def make(
        *, kind: Kind = "client_credentials", role: str = "admin", **options: object
    ) -> WelkinClient:
        credentials = welkin_emulator.credentials(role=role, kind=kind)
        options.setdefault("tenant", "acme")
        options.setdefault("environment", "live")
        return WelkinClient(
            credentials=credentials,
            base_url=welkin_emulator.url,
            **options,  # type: ignore[arg-type]
        )

    return make


# --- the acme tenant's live patients -------------------------------------------------------------


def acme_live(emulator: WelkinEmulator) -> Environment:
    """The state of the acme tenant's live environment, which ``connect()`` clients talk to."""
    return emulator.tenant("acme").environments["live"]


def a_patient(emulator: WelkinEmulator) -> str:
    """The id of the first seeded acme/live patient."""
    return acme_live(emulator).patients.ids()[0]


def patient_count(emulator: WelkinEmulator) -> int:
    return len(acme_live(emulator).patients.ids())


async def get_patient(client: WelkinClient, patient_id: str) -> Any:
    return await client.request("GET", "patients/{id}", path_params={"id": patient_id})


# The emulator serves in the test's event loop: these tasks are its own, not the SDK's.
EMULATOR_TASKS = frozenset({"RequestHandler.start", "WebhookDispatcher._run"})


def stray_tasks() -> set[asyncio.Task[Any]]:
    """Tasks still alive besides this test's own and the in-loop emulator's server tasks."""

    def emulators(task: asyncio.Task[Any]) -> bool:
        code = getattr(task.get_coro(), "cr_code", None)
        return code is not None and code.co_qualname in EMULATOR_TASKS

    current = asyncio.current_task()
    return {task for task in asyncio.all_tasks() if task is not current and not emulators(task)}


# --- webhook receivers the emulator delivers to ---------------------------------------------------


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on a loopback port for the block; yields its URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/"
    finally:
        await runner.cleanup()


def webhook_attempts(emulator: WelkinEmulator) -> list[dict[str, Any]]:
    """The emulator's delivery audit of acme, oldest first."""
    return emulator.webhooks.audit.get("acme", [])


# --- the leak guard ------------------------------------------------------------------------------

_JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}")


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter().format(record))  # message, and any traceback


def secrets_and_ids(emulator: WelkinEmulator) -> set[str]:
    """What must never appear in a log: every API client secret, patient id, external id, MRN."""
    found: set[str] = set()
    for tenant in emulator.tenants.values():
        found.update(client.secret for client in tenant.api_clients.values())
        for environment in tenant.environments.values():
            for row in environment.patients.rows.values():
                found.update(str(row[key]) for key in ("id", "externalId", "mrn") if row.get(key))
    return found


@pytest.fixture(autouse=True)
def leak_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every welkin_async log line at DEBUG, checked after the test: no bearer token anywhere,
    and, where the test ran the ``welkin_emulator`` fixture, no secret or patient identifier."""
    logger = logging.getLogger("welkin_async")
    handler, level = _Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    text = "\n".join(handler.lines)
    assert not _JWT.search(text), "a bearer token reached the log"
    emulator = request.node.funcargs.get("welkin_emulator")
    if isinstance(emulator, WelkinEmulator):
        words = set(re.findall(r"[\w-]+", text))
        leaked = secrets_and_ids(emulator) & words
        assert not leaked, f"{len(leaked)} secrets or patient identifiers reached the log"
