"""A bounded schemathesis run against the emulator's own ``/openapi.json``.

The emulator runs in a thread with its own event loop and is reached over real loopback HTTP,
as any client would; schemathesis loads the document from it, generates requests for every
live-layout operation (and the documented OAuth token endpoint), sends them with a real bearer
token and checks each answer against the document: no 5xx, a documented status code, the
documented content type, and a body that matches the documented schema.

Bounded and repeatable: derandomized Hypothesis with a few examples per operation, no example
database, and a fresh emulator with the same seed on every run.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from welkin_async.testing import WelkinEmulator

TENANT = "acme"
ENVIRONMENT = "live"
PATIENTS = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The live layout (``/{tenant}/...``, admin included) and the documented OAuth token endpoint;
# the documented ``/v1`` copies of the live routes share their handlers.
OPERATIONS = r"^/\{tenant\}/|^/v1/\{tenant\}/oauth/token$"


class EmulatorThread:
    """A :class:`WelkinEmulator` served from a thread with its own event loop."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._started: Future[WelkinEmulator] = Future()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="welkin-emulator", daemon=True)

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        try:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            async with WelkinEmulator(**self._options) as emulator:
                self._started.set_result(emulator)
                await self._stop.wait()
        except BaseException as exc:
            if not self._started.done():
                self._started.set_exception(exc)
            raise

    def __enter__(self) -> WelkinEmulator:
        self._thread.start()
        return self._started.result(timeout=30)

    def __exit__(self, *_exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the emulator thread did not stop"


def oauth_token(emulator: WelkinEmulator) -> str:
    """A bearer token from the documented OAuth endpoint (client credentials grant)."""
    credentials = emulator.credentials(tenant=TENANT, role="admin")
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback http only
        f"{emulator.url}/v1/{TENANT}/oauth/token", data=form, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        token: str = json.load(response)["access_token"]
    return token


@pytest.fixture(scope="module")
def conformance_emulator() -> Iterator[WelkinEmulator]:
    with EmulatorThread(seed=0, patients=PATIENTS) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def bearer(conformance_emulator: WelkinEmulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {oauth_token(conformance_emulator)}"}


@pytest.fixture(scope="module")
def api_schema(conformance_emulator: WelkinEmulator) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict(
        {"parameters": {"path.tenant": TENANT, "path.environment": ENVIRONMENT}}
    )
    loaded = schemathesis.openapi.from_url(f"{conformance_emulator.url}/openapi.json", config=config)
    return loaded.include(path_regex=OPERATIONS)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_emulator_conforms_to_its_openapi_document(
    case: schemathesis.Case, conformance_emulator: WelkinEmulator, bearer: dict[str, str]
) -> None:
    case.call_and_validate(base_url=conformance_emulator.url, headers=bearer, checks=CHECKS)
