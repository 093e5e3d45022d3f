"""The emulator's state and services, shared by every handler of one emulator."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from welkin_async.testing._clock import Clock
from welkin_async.testing._faults import Faults
from welkin_async.testing._pagination import DEFAULT_MAX_PAGE_SIZE
from welkin_async.testing._ratelimit import RateLimiter
from welkin_async.testing._stats import EmulatorStats
from welkin_async.testing._tenants import ApiClient, Tenant, stable_uuid
from welkin_async.testing._tokens import TokenService
from welkin_async.testing._webhooks import WebhookDispatcher


@attrs.frozen
class ReceivedRequest:
    """What a request brought, as the emulator received it: for tests of what a client sends."""

    route: str  # the route key: "GET /patients/{patient_id}"
    query: Mapping[str, str] = attrs.field(repr=False)
    headers: Mapping[str, str] = attrs.field(repr=False)  # case-insensitive


@attrs.define
class Backend:
    """Tenants, clock, tokens, limits, faults, webhooks and counters of one emulator."""

    tenants: dict[str, Tenant]
    clock: Clock
    tokens: TokenService
    stats: EmulatorStats
    webhooks: WebhookDispatcher
    max_page_size: int = DEFAULT_MAX_PAGE_SIZE
    limiter: RateLimiter | None = None
    faults: Faults | None = None
    seed: int = 0
    request_listeners: list[Callable[[str], None]] = attrs.field(factory=list)
    received_listeners: list[Callable[[ReceivedRequest], None]] = attrs.field(factory=list)
    _ids_issued: int = 0

    def new_id(self) -> str:
        """A fresh record id: deterministic for a seed and the order of writes."""
        self._ids_issued += 1
        return stable_uuid(self.seed, "record", self._ids_issued)

    def client_named(self, tenant: Tenant, name: str) -> ApiClient | None:
        return tenant.api_clients.get(name)

    def client_with_id(self, tenant: Tenant, client_id: str) -> ApiClient | None:
        for client in tenant.api_clients.values():
            if client.client_id == client_id:
                return client
        return None
