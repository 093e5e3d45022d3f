"""A bounded schemathesis run against the emulator's ``/openapi.json``.

The emulator runs in a thread with its own event loop and is reached over real loopback HTTP,
as any client would. Schemathesis generates requests for every live-layout operation of the
document (and for the documented OAuth token endpoint), sends them with a real bearer token and
checks each answer against the document: no 5xx, a documented status code, the documented
content type, and a body that matches the documented schema.

Schemathesis needs the document when pytest collects the tests, before any emulator runs (its
lazy ``schemathesis.pytest.from_fixture`` loader reads ``request.node._nodeid``, which pytest 9
no longer has). So the tests are generated from ``build_openapi(ROUTES)``, the function the
emulator serves ``/openapi.json`` from, and every test first proves that the running emulator
serves exactly that document.

Bounded and repeatable: derandomized Hypothesis, a few examples per operation, no example
database, and a fresh emulator with the same seed on every run.
"""

from __future__ import annotations

import asyncio
import copy
import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from welkin_async.testing import WelkinEmulator
from welkin_async.testing._app import full_path
from welkin_async.testing._openapi import build_openapi
from welkin_async.testing._routing import Layout
from welkin_async.testing.routes import ROUTES
from welkin_async.testing.routes.exports import TABLES as EXPORT_TYPES

TENANT = "acme"
ENVIRONMENT = "live"
SEED = 0
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
    with EmulatorThread(seed=SEED, patients=PATIENTS) as emulator:
        assert known_values(emulator) == KNOWN  # read before any request changes the data
        yield emulator


@pytest.fixture(scope="module")
def bearer(conformance_emulator: WelkinEmulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {oauth_token(conformance_emulator)}"}


def known_values(emulator: WelkinEmulator) -> dict[str, list[str]]:
    """Names and ids that exist in a seeded emulator, by the path parameter they fill.

    Path parameters draw from these half of the time, so generated requests reach real
    patients, records and definitions rather than only 404s.
    """
    tenant = emulator.tenant(TENANT)
    live = tenant.environments[ENVIRONMENT]
    definitions = [
        *tenant.cdts,
        *tenant.programs,
        *tenant.encounter_templates,
        *tenant.assessment_templates,
        *tenant.dictionaries,
    ]
    users = [user["id"] for user in tenant.users]
    return {
        "patient_id": live.patients.ids(),
        "record_id": [*live.cdt_records.ids(), *live.assessments.ids()],
        "encounter_id": live.encounters.ids(),
        "program_id": live.patient_programs.ids(),
        "cdt_name": list(tenant.cdts),
        "program_name": list(tenant.programs),
        "name": definitions,
        "version": ["current", "draft", str(tenant.formation_version)],
        "export_type": list(EXPORT_TYPES),
        "user_id": users,
        "client_name": list(tenant.api_clients),
        "task_id": live.tasks.ids(),
        "watcher_id": users,
        "goal_id": live.goals.ids(),
        "comment_id": live.encounter_comments.ids(),
        "email_id": live.messages.emails.ids(),
        "sms_id": live.messages.sms.ids(),
        "dictionary_name": list(tenant.dictionaries),
    }


def _seeded() -> WelkinEmulator:
    emulator = WelkinEmulator(seed=SEED, patients=PATIENTS)
    emulator.seed_data()  # the data the running emulator starts with: same seed, same ids
    return emulator


KNOWN = known_values(_seeded())
# What /openapi.json serves (see the module docstring); `served_document` checks it.
DOCUMENT = build_openapi(ROUTES)
schema = schemathesis.openapi.from_dict(
    copy.deepcopy(DOCUMENT),
    config=schemathesis.Config.from_dict(
        {
            "dictionaries": {name: {"values": values} for name, values in KNOWN.items() if values},
            "parameters": {
                "path.tenant": TENANT,
                "path.environment": ENVIRONMENT,
                **{
                    f"path.{name}": {"dictionary": name, "probability": 0.5}
                    for name, values in KNOWN.items()
                    if values
                },
            },
        }
    ),
).include(path_regex=OPERATIONS)


@pytest.fixture(scope="module")
def served_document(conformance_emulator: WelkinEmulator) -> dict[str, Any]:
    url = f"{conformance_emulator.url}/openapi.json"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback http only
        assert response.headers.get_content_type() == "application/json"
        served: dict[str, Any] = json.load(response)
    assert served == DOCUMENT, "the run must use the document the emulator serves"
    return served


def test_the_run_covers_every_live_route_and_the_oauth_token() -> None:
    live = {
        (route.method, full_path(route, Layout.LIVE))
        for route in ROUTES
        if Layout.LIVE in route.layouts
    }
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "the document has an invalid operation"
    selected = {(operation.method.upper(), operation.path) for operation in operations}
    assert selected == live | {("POST", f"{Layout.DOCUMENTED.value}/{{tenant}}/oauth/token")}


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    database=None,
    deadline=None,
)
def test_emulator_conforms_to_its_openapi_document(
    case: schemathesis.Case[Any],
    conformance_emulator: WelkinEmulator,
    served_document: dict[str, Any],
    bearer: dict[str, str],
) -> None:
    case.call_and_validate(base_url=conformance_emulator.url, headers=bearer, checks=CHECKS)
