"""A scriptable hostile API server: every answer is whatever the test says, lies included.

The server speaks the live layout (``/{tenant}/admin/api_clients/{name}`` for the token, then
``/{tenant}/{environment}/...``). A test scripts it with :meth:`HostileServer.on`: a handler
per method and path pattern, which may answer anything aiohttp can send (a body that never
ends, a gzip bomb, a header no server should send) or stall. Every request is recorded, so a
test can count what the client sent. Unscripted API paths answer 404; the token endpoint
answers a fixed token until a test scripts it too.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import attrs
from aiohttp import web

from welkin_async import ApiClientSecret, WelkinClient

TENANT = "hostile"
ENVIRONMENT = "live"
TOKEN = "hostile-token"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@attrs.frozen
class Seen:
    """One request as the server received it (the path relative to the environment root)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


def json_answer(document: Any, status: int = 200, **headers: str) -> web.Response:
    return web.Response(
        body=json.dumps(document).encode(),
        status=status,
        headers={"Content-Type": "application/json", **headers},
    )


@functools.cache
def gzip_bomb_bytes(decompressed: int) -> bytes:
    """Gzip bytes of a JSON document of ``decompressed`` bytes, compressed as a stream (the
    document itself is never held)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip member
    block = b" " * (1024 * 1024)
    parts = [packer.compress(b'{"data": [')]
    parts.extend(packer.compress(block) for _ in range(decompressed // len(block)))
    parts.append(packer.compress(b"]}") + packer.flush())
    return b"".join(parts)


def gzip_bomb(decompressed: int) -> web.Response:
    """A small gzip body that inflates to ``decompressed`` bytes of JSON whitespace."""
    return web.Response(
        body=gzip_bomb_bytes(decompressed),
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )


async def chunked(
    request: web.Request, total: int | None, chunk: int = 64 * 1024
) -> web.StreamResponse:
    """A chunked JSON body of ``total`` bytes, or one that never ends (``None``), written a
    chunk at a time so that the server holds no more than one."""
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    block = b" " * chunk
    await response.write(b'{"data": [')
    written = 0
    while total is None or written < total:
        await response.write(block)
        written += chunk
    await response.write(b"]}")
    await response.write_eof()
    return response


async def endless(request: web.Request) -> web.StreamResponse:
    """A chunked body that never ends (until the client hangs up)."""
    return await chunked(request, None)


class HostileServer:
    """An aiohttp server on a loopback port; ``on(method, pattern, handler)`` scripts it."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.token_requests = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._token: Handler = self._fixed_token
        self._runner: web.AppRunner | None = None
        self.url = ""

    def on(self, method: str, pattern: str, handler: Handler) -> None:
        """Answer ``method`` on paths matching ``pattern`` (a full regex over the path relative
        to the environment root, e.g. ``patients`` or ``patients/.*``) with ``handler``; later
        scripts win over earlier ones."""
        self._routes.insert(0, (method.upper(), re.compile(pattern), handler))

    def answer(self, method: str, pattern: str, *answers: Callable[[], web.StreamResponse]) -> None:
        """Answer with ``answers`` in turn (the last one again once they run out)."""
        queue = list(answers)

        async def handler(_: web.Request) -> web.StreamResponse:
            return (queue.pop(0) if len(queue) > 1 else queue[0])()

        self.on(method, pattern, handler)

    def token_endpoint(self, handler: Handler) -> None:
        self._token = handler

    def requests(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        return [
            seen
            for seen in self.seen
            if (method is None or seen.method == method) and (path is None or seen.path == path)
        ]

    def client(self, **options: Any) -> WelkinClient:
        """An unopened client of this server."""
        options.setdefault("tenant", TENANT)
        options.setdefault("environment", ENVIRONMENT)
        return WelkinClient(
            credentials=ApiClientSecret("hostile-client", "hostile-secret"),
            base_url=self.url,
            **options,
        )

    async def start(self) -> None:
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.raw_path.split("?", 1)[0]
        token_prefix = f"/{TENANT}/admin/api_clients/"
        if path.startswith(token_prefix):
            self.token_requests += 1
            return await self._token(request)
        env_prefix = f"/{TENANT}/{ENVIRONMENT}/"
        relative = path[len(env_prefix) :] if path.startswith(env_prefix) else path
        self.seen.append(Seen(request.method, relative, dict(request.query), dict(request.headers)))
        for method, pattern, handler in self._routes:
            if method in (request.method, "*") and pattern.fullmatch(relative):
                return await handler(request)
        return json_answer([{"errorCode": "NOT_FOUND"}], status=404)

    @staticmethod
    async def _fixed_token(_: web.Request) -> web.StreamResponse:
        return json_answer({"token": TOKEN})


@asynccontextmanager
async def hostile_server() -> AsyncIterator[HostileServer]:
    server = HostileServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def stall(_: web.Request) -> web.StreamResponse:
    """Never answer (until the client gives up and the server is shut down)."""
    await asyncio.Event().wait()
    raise AssertionError("unreachable")
