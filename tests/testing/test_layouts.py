"""Tenants, environments and the two URL layouts."""

from __future__ import annotations

import aiohttp

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import WelkinEmulator


async def test_documented_layout_serves_the_same_resources(
    emulator: WelkinEmulator, session: aiohttp.ClientSession, api: Api
) -> None:
    """/v1/{tenant}/{environment}/... with an OAuth token serves what the live layout serves."""
    credentials = emulator.credentials("acme", "admin")
    async with session.post(
        f"{emulator.url}/v1/acme/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        },
    ) as response:
        token = (await response.json())["access_token"]
    patient_id = emulator.tenant("acme").environments["live"].patients.ids()[0]
    documented = await api.send(
        "GET",
        f"{emulator.url}/v1/acme/live/patients/{patient_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    live = await api.call("GET", f"patients/{patient_id}")
    assert documented.status == live.status == 200
    assert documented.body == live.body


async def test_environments_keep_separate_patients(api_for: ApiFactory) -> None:
    """A patient made in sandbox is not in live; sandbox starts empty."""
    sandbox = await api_for("acme", "sandbox")
    live = await api_for("acme", "live")
    empty = await sandbox.call("POST", "by-filter/patients", json_body={})
    assert empty.body["totalElements"] == 0
    made = await sandbox.call("POST", "patients", json_body={"firstName": "Sandy"})
    assert (await live.call("GET", f"patients/{made.body['id']}")).status == 404
    assert (await sandbox.call("GET", f"patients/{made.body['id']}")).status == 200


async def test_environments_share_the_tenants_configuration(api_for: ApiFactory) -> None:
    """Both environments serve the same formations (CDT definitions, programs)."""
    sandbox = await api_for("acme", "sandbox")
    live = await api_for("acme", "live")
    for path in ("formations/current/cdts", "formations/current/programs"):
        assert (await sandbox.call("GET", path)).body == (await live.call("GET", path)).body


async def test_tenants_have_their_own_configuration(api_for: ApiFactory) -> None:
    """sunrise serves its own CDTs, not acme's."""
    sunrise = await api_for("sunrise")
    names = [cdt["name"] for cdt in (await sunrise.call("GET", "formations/current/cdts")).body]
    assert names == ["intake", "cdt-weight", "check_ins"]


async def test_unknown_environment_is_not_found(api: Api) -> None:
    """An environment the tenant does not have answers 404 with an error array."""
    api.environment = "staging"
    answer = await api.call("GET", "formations/current/cdts")
    assert (answer.status, answer.error["errorCode"]) == (404, "INSTANCE_NOT_FOUND")


async def test_unknown_path_answers_an_error_array(api: Api) -> None:
    """A path the API does not have answers 404 in the API's error format, not HTML."""
    answer = await api.call("GET", "no-such-resource/at/all")
    assert (answer.status, answer.error["errorCode"]) == (404, "NOT_FOUND")


async def test_wrong_method_is_method_not_allowed(api: Api) -> None:
    """PUT on a patient answers 405 with Allow and an error array."""
    answer = await api.call("PUT", "patients/x", json_body={})
    assert (answer.status, answer.error["errorCode"]) == (405, "METHOD_NOT_ALLOWED")
    assert "PATCH" in answer.headers["Allow"]


async def test_openapi_document_lists_the_routes(
    emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """GET /openapi.json is an OpenAPI 3.1 document with both layouts' paths and core schemas."""
    async with session.get(f"{emulator.url}/openapi.json") as response:
        document = await response.json()
    assert document["openapi"] == "3.1.0"
    assert "/{tenant}/{environment}/patients/{patient_id}" in document["paths"]
    assert "/v1/{tenant}/{environment}/patients/{patient_id}" in document["paths"]
    assert "/v1/{tenant}/oauth/token" in document["paths"]
    assert {"Patient", "CdtRecord", "ErrorItem", "Gender"} <= set(document["components"]["schemas"])
