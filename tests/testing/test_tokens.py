"""Token endpoints and bearer-token checks, over HTTP."""

from __future__ import annotations

import base64

import aiohttp
import jwt

from tests.testing.conftest import Api, ApiFactory, live_token
from welkin_async.testing import WelkinEmulator


async def _oauth(
    session: aiohttp.ClientSession, emulator: WelkinEmulator, **form: str
) -> tuple[int, dict[str, object], dict[str, str]]:
    async with session.post(f"{emulator.url}/v1/acme/oauth/token", data=form) as response:
        return response.status, await response.json(), dict(response.headers)


async def test_oauth_form_body_issues_a_bearer_token(
    emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """Client credentials in the form body get access_token, token_type and expires_in."""
    credentials = emulator.credentials("acme", "admin")
    status, body, headers = await _oauth(
        session,
        emulator,
        grant_type="client_credentials",
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
    )
    assert status == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert isinstance(body["access_token"], str)
    assert headers["Cache-Control"] == "no-store"


async def test_oauth_http_basic_is_accepted(
    emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """RFC 6749 section 2.3.1: the client may authenticate with HTTP Basic instead."""
    credentials = emulator.credentials("acme", "admin")
    basic = base64.b64encode(f"{credentials.client_id}:{credentials.client_secret}".encode())
    async with session.post(
        f"{emulator.url}/v1/acme/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic.decode()}"},
    ) as response:
        assert response.status == 200
        assert "access_token" in await response.json()


async def test_oauth_wrong_secret_is_invalid_client(
    emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """A wrong secret answers 401 invalid_client, and no token is counted as issued."""
    credentials = emulator.credentials("acme", "admin")
    status, body, _ = await _oauth(
        session,
        emulator,
        grant_type="client_credentials",
        client_id=credentials.client_id,
        client_secret="not-the-secret",
    )
    assert (status, body["error"]) == (401, "invalid_client")
    assert emulator.stats.tokens_issued == 0


async def test_oauth_other_grant_types_are_unsupported(
    emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """Only client_credentials is served: a password grant gets 400 unsupported_grant_type."""
    status, body, _ = await _oauth(session, emulator, grant_type="password")
    assert (status, body["error"]) == (400, "unsupported_grant_type")


async def test_api_client_jwt_exp_is_honest(
    emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """The live exchange returns a JWT whose exp is issue time plus the configured lifetime."""
    before = int(emulator.clock.time())
    token = await live_token(session, emulator, "acme", "admin")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 3600
    assert before <= claims["iat"] <= int(emulator.clock.time())
    assert emulator.stats.tokens_issued == 1


async def test_api_client_wrong_secret_is_refused(
    emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """A wrong API-client secret answers 401 with an error array."""
    async with session.post(
        f"{emulator.url}/acme/admin/api_clients/acme-admin", json={"secret": "wrong"}
    ) as response:
        assert response.status == 401
        body = await response.json()
    assert body[0]["errorCode"] == "API_CLIENT_AUTHENTICATION_FAILED"


async def test_lifetime_is_configurable_down_to_seconds(session: aiohttp.ClientSession) -> None:
    """token_ttl=2 issues tokens that say they last 2 seconds."""
    async with WelkinEmulator(token_ttl=2) as emulator:
        credentials = emulator.credentials()
        status, body, _ = await _oauth(
            session,
            emulator,
            grant_type="client_credentials",
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
        )
    assert (status, body["expires_in"]) == (200, 2)


async def test_expired_token_is_token_expired(api: Api, emulator: WelkinEmulator) -> None:
    """Past its exp a token answers 401 TOKEN_EXPIRED with the live error array."""
    assert (await api.call("GET", "formations/current/programs")).status == 200
    emulator.clock.advance(3600)
    answer = await api.call("GET", "formations/current/programs")
    assert answer.status == 401
    assert answer.error["errorCode"] == "TOKEN_EXPIRED"


async def test_forged_token_is_not_valid(api: Api, emulator: WelkinEmulator) -> None:
    """A JWT signed with a key the emulator never had answers 401 NOT_VALID_JSON_WEB_TOKEN."""
    claims = jwt.decode(api.token or "", options={"verify_signature": False})
    api.token = jwt.encode(claims, "k" * 32, algorithm="HS256")
    answer = await api.call("GET", "formations/current/programs")
    assert answer.status == 401
    assert answer.error["errorCode"] == "NOT_VALID_JSON_WEB_TOKEN"


async def test_garbage_token_is_not_valid(api: Api) -> None:
    """A bearer value that is not a JWT answers 401 NOT_VALID_JSON_WEB_TOKEN."""
    api.token = "not-a-jwt"
    answer = await api.call("GET", "formations/current/programs")
    assert (answer.status, answer.error["errorCode"]) == (401, "NOT_VALID_JSON_WEB_TOKEN")


async def test_missing_token_is_unauthorized(api: Api) -> None:
    """A request without Authorization answers 401."""
    api.token = None
    answer = await api.call("GET", "formations/current/programs")
    assert (answer.status, answer.error["errorCode"]) == (401, "UNAUTHORIZED")


async def test_token_of_another_tenant_is_refused(api_for: ApiFactory) -> None:
    """An acme token does not open sunrise's data."""
    acme = await api_for("acme")
    acme.tenant = "sunrise"
    answer = await acme.call("GET", "formations/current/programs")
    assert (answer.status, answer.error["errorCode"]) == (401, "NOT_VALID_JSON_WEB_TOKEN")


async def test_more_than_100_token_requests_in_5_minutes_block_the_client(
    emulator: WelkinEmulator, session: aiohttp.ClientSession
) -> None:
    """The 101st token request within 5 minutes is refused (429), and so are later ones
    until 5 minutes have passed."""
    for _ in range(100):
        await live_token(session, emulator, "acme", "admin")
    credentials = emulator.credentials("acme", "admin", kind="api_client")
    url = f"{emulator.url}/acme/admin/api_clients/{credentials.client_name}"
    async with session.post(url, json={"secret": credentials.secret}) as response:
        assert response.status == 429
        assert (await response.json())[0]["errorCode"] == "API_CLIENT_BLOCKED"
        assert response.headers["Retry-After"] == "300"
    emulator.clock.advance(299)
    async with session.post(url, json={"secret": credentials.secret}) as response:
        assert response.status == 429
    emulator.clock.advance(1)
    async with session.post(url, json={"secret": credentials.secret}) as response:
        assert response.status == 200
    assert emulator.stats.token_requests_refused == 2
