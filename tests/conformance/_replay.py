"""A loopback HTTP server that answers with one recording, and the SDK client that talks to it.

The server (aiohttp.web on 127.0.0.1, a free port) answers the token exchange
(``POST /{tenant}/admin/api_clients/{name}``) with a token of its own, unless the recording under
test is that exchange, and every other request with the recording's status, JSON body and
Content-Type. It captures every request. Past ``max_requests`` API requests it stops answering
with the recording (a 400 ``CONFORMANCE_REPLAY_EXHAUSTED``), so an SDK that keeps paging ends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import attrs
from aiohttp import web
from multidict import CIMultiDict, MultiDict

from tests.conformance._recordings import Recording
from welkin_async import ApiClientSecret, RetryPolicy, WelkinClient

TENANT = "acme-conformance"
INSTANCE = "replay"
CLIENT_NAME = "conformance-client"
SECRET = "conformance-secret"
SERVED_TOKEN = "conformance-token"
MAX_API_REQUESTS = 5
EXHAUSTED = "CONFORMANCE_REPLAY_EXHAUSTED"


@attrs.frozen
class CapturedRequest:
    """A request as it reached the server: method, raw path (no query), query, body, headers."""

    method: str
    raw_path: str
    query: MultiDict[str]
    body: bytes
    headers: Mapping[str, str] = attrs.field(repr=False)


def _json(status: int, body: Any, content_type: str = "application/json") -> web.Response:
    if body is None or status == 204:
        return web.Response(status=status, headers={"Content-Type": content_type})
    return web.Response(
        status=status, body=json.dumps(body).encode(), headers={"Content-Type": content_type}
    )


class ReplayServer:
    """Serves one recording for the length of an ``async with`` block; ``.url`` is its root."""

    def __init__(
        self, recording: Recording, *, tenant: str = TENANT, max_requests: int = MAX_API_REQUESTS
    ) -> None:
        self.recording = recording
        self.tenant = tenant
        self.max_requests = max_requests
        self.requests: list[CapturedRequest] = []
        self._token_path = re.compile(rf"/{re.escape(tenant)}/admin/api_clients/[^/]+\Z")
        self._runner: web.AppRunner | None = None
        self.url = ""

    def is_token_exchange(self, request: CapturedRequest) -> bool:
        """Whether ``request`` is the client's token exchange."""
        return request.method == "POST" and self._token_path.match(request.raw_path) is not None

    @property
    def token_requests(self) -> list[CapturedRequest]:
        """The token exchanges received, in order."""
        return [r for r in self.requests if self.is_token_exchange(r)]

    @property
    def api_requests(self) -> list[CapturedRequest]:
        """Every request but the token exchanges, in order."""
        return [r for r in self.requests if not self.is_token_exchange(r)]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        sent = CapturedRequest(
            method=request.method,
            raw_path=request.rel_url.raw_path,
            query=MultiDict(request.query),
            body=await request.read(),
            headers=CIMultiDict(request.headers),
        )
        self.requests.append(sent)
        recording = self.recording
        if self.is_token_exchange(sent) and not recording.is_token_exchange:
            return _json(200, {"token": SERVED_TOKEN})
        if not self.is_token_exchange(sent) and len(self.api_requests) > self.max_requests:
            problem = {
                "errorCode": EXHAUSTED,
                "componentType": "CONFORMANCE",
                "message": f"the replay answers at most {self.max_requests} requests",
                "details": {},
            }
            return _json(400, [problem])
        content_type = recording.header("Content-Type") or "application/json"
        return _json(recording.status, recording.response_body, content_type)

    async def __aenter__(self) -> ReplayServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def client(self, *, secret: str = SECRET) -> WelkinClient:
        """An (unopened) client of this server: live layout, one try per call."""
        return WelkinClient(
            tenant=self.tenant,
            environment=INSTANCE,
            credentials=ApiClientSecret(CLIENT_NAME, secret),
            base_url=self.url,
            retry=RetryPolicy(max_tries=1),
        )
