"""``welkin_async.testing``: a stateful local Welkin API for demos, tests and your own tests.

::

    from welkin_async.testing import WelkinEmulator

    async with WelkinEmulator(patients=100) as emulator:
        credentials = emulator.credentials(tenant="acme", role="admin")
        ...  # point a client at emulator.url

Installing welkin-async also registers a pytest plugin with the fixtures ``welkin_emulator``
(one per test), ``welkin_emulator_session`` (one per session) and ``welkin_credentials``; the
command ``welkin-async emulator`` serves one until interrupted. :class:`RedisServer` runs a real
``redis-server`` on a free loopback port, for tests of fleet mode (``welkin_async.fleet``).
"""

from welkin_async.testing._backend import ReceivedRequest
from welkin_async.testing._emulator import WelkinEmulator
from welkin_async.testing._faults import Fault, Faults
from welkin_async.testing._policy import Role
from welkin_async.testing._ratelimit import ServerRateLimit
from welkin_async.testing._redis import RedisServer
from welkin_async.testing._stats import EmulatorStats
from welkin_async.testing._tenants import ApiClient, Environment, Tenant
from welkin_async.testing._webhooks import WebhookRetry, WebhookSubscription

__all__ = [
    "ApiClient",
    "EmulatorStats",
    "Environment",
    "Fault",
    "Faults",
    "ReceivedRequest",
    "RedisServer",
    "Role",
    "ServerRateLimit",
    "Tenant",
    "WebhookRetry",
    "WebhookSubscription",
    "WelkinEmulator",
]
