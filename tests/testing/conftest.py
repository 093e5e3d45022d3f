"""Fixtures for the emulator's tests: they speak plain aiohttp to it, never the SDK, so the
emulator is verified independently of the client it will test."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import attrs
import pytest

from welkin_async.testing import WelkinEmulator
from welkin_async.testing._policy import Role


@attrs.frozen
class Answer:
    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def error(self) -> dict[str, Any]:
        """The single item of a live-style error array."""
        assert isinstance(self.body, list), self.body
        assert len(self.body) == 1
        item: dict[str, Any] = self.body[0]
        keys = {"errorCode", "componentType", "message", "details"}
        # every error is dated but the security-policy refusal, as the live API serves them
        dated = item["errorCode"] != "ACCESS_FOR_API_CLIENT_RESTRICTED"
        assert set(item) == (keys | {"date"} if dated else keys)
        return item


@attrs.define
class Api:
    """Requests under one tenant and environment (live layout), with a bearer token."""

    session: aiohttp.ClientSession
    url: str
    tenant: str
    environment: str
    token: str | None = None

    @property
    def prefix(self) -> str:
        return f"{self.url}/{self.tenant}/{self.environment}"

    async def send(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
    ) -> Answer:
        sent = dict(headers or {})
        if self.token is not None and "Authorization" not in sent:
            sent["Authorization"] = f"Bearer {self.token}"
        async with self.session.request(
            method, url, json=json_body, params=params, headers=sent, data=data
        ) as response:
            raw = await response.read()
            body = json.loads(raw) if raw and response.content_type == "application/json" else raw
            return Answer(response.status, body, dict(response.headers))

    async def call(self, method: str, path: str, **kwargs: Any) -> Answer:
        return await self.send(method, f"{self.prefix}/{path}", **kwargs)

    async def admin(self, method: str, path: str, **kwargs: Any) -> Answer:
        return await self.send(method, f"{self.url}/{self.tenant}/admin/{path}", **kwargs)


ApiFactory = Callable[..., Awaitable[Api]]


@pytest.fixture
async def emulator() -> AsyncIterator[WelkinEmulator]:
    async with WelkinEmulator(seed=7, patients=25) as running:
        yield running


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


async def live_token(
    session: aiohttp.ClientSession, emulator: WelkinEmulator, tenant: str, role: str
) -> str:
    credentials = emulator.credentials(tenant, role, kind="api_client")
    async with session.post(
        f"{emulator.url}/{tenant}/admin/api_clients/{credentials.client_name}",
        json={"secret": credentials.secret},
    ) as response:
        assert response.status == 200
        token: str = (await response.json())["token"]
        return token


def give_policy(emulator: WelkinEmulator, role: str, policy: Mapping[str, Any]) -> None:
    """Give acme's API client of ``role`` the policy ``policy`` (in ``access.json``'s form)
    instead of its own; every request it makes afterwards is judged by it."""
    tenant = emulator.tenant("acme")
    client = tenant.client_for_role(role)
    tenant.api_clients[client.name] = attrs.evolve(client, role=Role.from_json(role, policy))


@pytest.fixture
def api_for(emulator: WelkinEmulator, session: aiohttp.ClientSession) -> ApiFactory:
    """Make an :class:`Api` for a tenant, environment and role, with a fresh token."""

    async def make(tenant: str = "acme", environment: str = "live", role: str = "admin") -> Api:
        token = await live_token(session, emulator, tenant, role)
        return Api(session, emulator.url, tenant, environment, token)

    return make


@pytest.fixture
async def api(api_for: ApiFactory) -> Api:
    """The acme tenant's live environment as its admin API client."""
    return await api_for()
