"""The emulator against the live-API recordings: one test per recording the SDK covers.

The emulator is seeded so that the recorded request makes sense to it (``_arrange``), the recorded
request is sent to it over loopback HTTP (plain aiohttp, not the SDK), and its answer must have
the recorded status and the recorded shape: the same keys, recursively, with the same JSON types
(``_shapes.shape_differences``); values, ids, names and times are its own.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.conformance._arrange import ADMIN_ROLE, ENVIRONMENT, TENANT, World, arrange, route_of
from tests.conformance._catalog import family_of, find_operation
from tests.conformance._recordings import Recording, require_recordings
from tests.conformance._registry import Registry
from tests.conformance._shapes import shape_differences
from tests.testing.conftest import live_token
from welkin_async.testing import WelkinEmulator

RECORDINGS = require_recordings()
pytestmark = pytest.mark.conformance("emulator")
_SHOWN = 12


def _role(emulator: WelkinEmulator, recording: Recording) -> str:
    """The role to send the request as: one the route's permission refuses when the recording
    is a security-policy refusal (403), else the tenant's admin."""
    if recording.status != 403:
        return ADMIN_ROLE
    route = route_of(recording)
    tenant = emulator.tenant(TENANT)
    assert route.resource is not None
    refused = [
        role.name for role in tenant.roles.values() if not role.allows(route.resource, route.action)
    ]
    assert refused, f"no role of {TENANT} is refused {route.action} on {route.resource}"
    return refused[0]


def _url(emulator: WelkinEmulator, recording: Recording) -> str:
    scope = "admin" if recording.scope == "admin" else ENVIRONMENT
    return f"{emulator.url}/{TENANT}/{scope}/{recording.relative}"


async def _served(emulator: WelkinEmulator, recording: Recording, role: str) -> tuple[int, Any]:
    """The emulator's status and decoded answer to the recorded request, sent as ``role``."""
    body = recording.request_body
    url = _url(emulator, recording)
    headers: dict[str, str] = {}
    async with aiohttp.ClientSession() as session:
        if recording.scope == "admin" and recording.relative.startswith("api_clients/"):
            credentials = emulator.credentials(TENANT, role, kind="api_client")
            url = f"{emulator.url}/{TENANT}/admin/api_clients/{credentials.client_name}"
            body = {"secret": credentials.secret}  # the recorded secret is a placeholder
        else:
            token = await live_token(session, emulator, TENANT, role)
            headers["Authorization"] = f"Bearer {token}"
        async with session.request(
            recording.method, url, params=recording.query, json=body, headers=headers
        ) as answer:
            text = await answer.text()
            return answer.status, (await answer.json()) if text else None


@pytest.mark.parametrize("recording", RECORDINGS, ids=lambda r: r.name)
async def test_the_emulator_answers_in_the_recorded_shape(
    recording: Recording, conformance: Registry
) -> None:
    """The emulator, seeded for the recorded request, answers it with the recorded status and a
    body of the recorded shape."""
    found = find_operation(recording)
    if found is None:
        family = family_of(recording)
        conformance.report("emulator", recording.name, "not covered", family=family)
        pytest.skip(f"not covered: {family}")
    operation, match = found
    async with WelkinEmulator(tenants=[TENANT]) as emulator:
        world = World(emulator, recording, match.groupdict())
        await arrange(world, operation)
        status, served = await _served(emulator, recording, _role(emulator, recording))
    assert status == recording.status, served
    differences = shape_differences(recording.response_body, served)
    shown = differences[:_SHOWN] + (["..."] if len(differences) > _SHOWN else [])
    assert not differences, "\n".join(shown)
