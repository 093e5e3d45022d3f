"""``WelkinEmulator``: a stateful Welkin API on 127.0.0.1, as an async context manager."""

from __future__ import annotations

import functools
import ssl
import time
from collections.abc import Callable, Collection, Iterable
from types import TracebackType
from typing import Literal, Self, overload

from aiohttp import web

from welkin_async._credentials import ApiClientSecret, ClientCredentials
from welkin_async.testing import _json
from welkin_async.testing._app import build_app
from welkin_async.testing._backend import Backend, ReceivedRequest
from welkin_async.testing._clock import Clock
from welkin_async.testing._config import example_tenants
from welkin_async.testing._faults import Fault, Faults
from welkin_async.testing._openapi import build_openapi
from welkin_async.testing._pagination import DEFAULT_MAX_PAGE_SIZE
from welkin_async.testing._ratelimit import RateLimiter, ServerRateLimit
from welkin_async.testing._seed import bulk_allocation, seed_environment
from welkin_async.testing._stats import EmulatorStats
from welkin_async.testing._tenants import Tenant, load_tenant
from welkin_async.testing._tokens import TokenService
from welkin_async.testing._webhooks import WebhookDispatcher, WebhookRetry, WebhookSubscription
from welkin_async.testing.routes import ROUTES

CredentialsKind = Literal["client_credentials", "api_client"]
DEFAULT_TENANT = "acme"
DEFAULT_ROLE = "admin"
DEFAULT_WEBHOOK_RETRY = WebhookRetry()
_SHUTDOWN_GRACE = 2.0


class WelkinEmulator:
    """A local, stateful Welkin API for demos and tests, served over real HTTP on loopback.

    ``async with WelkinEmulator(patients=1000) as emulator:`` loads the example tenants
    (``acme``, ``sunrise``), seeds ``patients`` synthetic patients into each tenant's ``live``
    environment (``sandbox`` starts empty), and serves both URL layouts at ``emulator.url``.

    - ``emulator.credentials(tenant="acme", role="admin")`` gives working credentials;
    - ``emulator.stats`` counts requests per route, tokens, 429s, faults and webhooks;
    - ``emulator.tenants["acme"].environments["live"].patients`` is the live state;
    - ``emulator.clock.advance(seconds)`` moves time (token expiry, rate-limit refill).

    ``token_ttl`` is the token lifetime in seconds; ``rate_limit`` a per-client limit (a
    :class:`ServerRateLimit` or requests per second); ``faults`` a :class:`Faults`, a list of
    :class:`Fault` or a command-line spec string; ``max_page_size`` bounds ``size``;
    ``ssl_context`` serves https instead of http (with a test CA's certificate for 127.0.0.1,
    to test a client's TLS settings).
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        patients: int = 0,
        token_ttl: float = 3600.0,
        rate_limit: ServerRateLimit | float | None = None,
        faults: Faults | Iterable[Fault] | str | None = None,
        tenants: Collection[str] | None = None,
        max_page_size: int = DEFAULT_MAX_PAGE_SIZE,
        webhook_retry: WebhookRetry = DEFAULT_WEBHOOK_RETRY,
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if patients < 0:
            raise ValueError("patients must be zero or more")
        self.seed = seed
        self.clock = Clock()
        self.stats = EmulatorStats()
        self.tenants: dict[str, Tenant] = {
            name: load_tenant(name, seed=seed) for name in (tenants or example_tenants())
        }
        self._patients = patients
        self._port = port
        self._ssl_context = ssl_context  # serve https (a test CA's certificate, for TLS tests)
        limit = ServerRateLimit(rate_limit) if isinstance(rate_limit, int | float) else rate_limit
        self.backend = Backend(
            tenants=self.tenants,
            clock=self.clock,
            tokens=TokenService(clock=self.clock, ttl=token_ttl),
            stats=self.stats,
            webhooks=WebhookDispatcher(self.clock, self.stats, seed=seed, retry=webhook_retry),
            max_page_size=max_page_size,
            limiter=RateLimiter(limit, self.clock) if limit is not None else None,
            faults=_faults(faults, seed),
            seed=seed,
        )
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._seeded = False
        self.seed_seconds = 0.0

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``: the host root; both layouts hang below it."""
        if self._url is None:
            raise RuntimeError("the emulator is not running: use `async with WelkinEmulator()`")
        return self._url

    @property
    def webhooks(self) -> WebhookDispatcher:
        return self.backend.webhooks

    @property
    def faults(self) -> Faults | None:
        return self.backend.faults

    @faults.setter
    def faults(self, value: Faults | Iterable[Fault] | str | None) -> None:
        """Change fault rules while running (e.g. after seeding through the API)."""
        self.backend.faults = _faults(value, self.seed)

    def tenant(self, name: str = DEFAULT_TENANT) -> Tenant:
        try:
            return self.tenants[name]
        except KeyError:
            raise KeyError(f"no tenant {name!r}; tenants: {sorted(self.tenants)}") from None

    @overload
    def credentials(
        self, tenant: str = ..., role: str = ..., *, kind: Literal["client_credentials"] = ...
    ) -> ClientCredentials: ...
    @overload
    def credentials(
        self, tenant: str = ..., role: str = ..., *, kind: Literal["api_client"]
    ) -> ApiClientSecret: ...
    def credentials(
        self,
        tenant: str = DEFAULT_TENANT,
        role: str = DEFAULT_ROLE,
        *,
        kind: CredentialsKind = "client_credentials",
    ) -> ClientCredentials | ApiClientSecret:
        """Working credentials of the seeded API client with ``role`` in ``tenant``.

        ``kind="client_credentials"`` (OAuth, documented ``/v1`` layout) or ``"api_client"``
        (secret exchange, live layout).
        """
        client = self.tenant(tenant).client_for_role(role)
        if kind == "api_client":
            return ApiClientSecret(client.name, client.secret)
        return ClientCredentials(client.client_id, client.secret)

    def subscribe_webhooks(
        self,
        url: str,
        *,
        tenant: str = DEFAULT_TENANT,
        secret: str | None = None,
        events: Collection[str] | None = None,
    ) -> WebhookSubscription:
        """Deliver ``tenant``'s events to ``url``, signed with the subscription's ``secret``."""
        self.tenant(tenant)
        return self.backend.webhooks.subscribe(tenant, url, secret=secret, events=events)

    def on_request(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(route_key)`` (``"GET /export/{export_type}"``) as each request arrives,
        before it is answered: a test acts at an exact point of a client's run this way."""
        self.backend.request_listeners.append(listener)

    def on_received(self, listener: Callable[[ReceivedRequest], None]) -> None:
        """Call ``listener`` with each request's route, query and headers as it arrives: what a
        test of the client's headers (its ``traceparent``, a caller's extra header) reads."""
        self.backend.received_listeners.append(listener)

    def seed_data(self) -> None:
        """Seed every tenant's ``live`` environment (done once, by ``__aenter__``)."""
        if self._seeded:
            return
        started = time.perf_counter()
        with bulk_allocation():
            for tenant in self.tenants.values():
                live = tenant.environment("live")
                if live is not None and self._patients:
                    seed_environment(tenant, live, self._patients, self.seed)
        self.seed_seconds = time.perf_counter() - started
        self._seeded = True

    async def __aenter__(self) -> Self:
        if self._runner is not None:
            raise RuntimeError("this emulator is already running")
        self.seed_data()
        max_page_size = self.backend.max_page_size

        async def openapi(_request: web.Request) -> web.Response:
            document = _openapi_document(max_page_size)
            return web.Response(body=document, content_type="application/json")

        app = build_app(self.backend, ROUTES, openapi)
        # Stopping waits at most 2 s for requests in flight (aiohttp's default is 60 s): a
        # test that timed out of a request the emulator holds (a latency fault) ends promptly.
        runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=_SHUTDOWN_GRACE
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self._port, ssl_context=self._ssl_context)
        try:
            await site.start()
        except OSError:  # the port is taken: nothing may stay open behind the error
            await runner.cleanup()
            raise
        port = runner.addresses[0][1]
        self._runner = runner
        scheme = "https" if self._ssl_context is not None else "http"
        self._url = f"{scheme}://127.0.0.1:{port}"
        await self.backend.webhooks.start(self._url)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop serving and delivering; safe to call twice."""
        await self.backend.webhooks.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@functools.cache
def _openapi_document(max_page_size: int) -> bytes:
    """The OpenAPI document the emulator serves, made at its first request and once per page
    bound: the routes are fixed, and building it costs more than starting an emulator."""
    return _json.dumps(build_openapi(ROUTES, max_page_size=max_page_size))


def _faults(value: Faults | Iterable[Fault] | str | None, seed: int) -> Faults | None:
    if value is None or isinstance(value, Faults):
        return value
    if isinstance(value, str):
        return Faults.parse(value, seed=seed)
    return Faults(rules=list(value), seed=seed)
