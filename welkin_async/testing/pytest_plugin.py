"""pytest fixtures for code that talks to Welkin: a running emulator and credentials for it.

Registered through the ``pytest11`` entry point, so installing welkin-async is enough::

    async def test_sync(welkin_emulator, welkin_credentials):
        async with WelkinClient(tenant="acme", environment="live",
                                credentials=welkin_credentials,
                                base_url=welkin_emulator.url) as client:
            ...

``welkin_emulator`` is an async fixture (it needs an asyncio test runner such as pytest-asyncio
or anyio): a :class:`~welkin_async.testing.WelkinEmulator` started for the test and stopped
after it. Parametrize it with the marker ``@pytest.mark.welkin_emulator(patients=50, ...)``;
the keywords go to ``WelkinEmulator``. ``welkin_credentials`` are the ``acme`` tenant's admin
credentials of the OAuth kind.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from welkin_async._credentials import ClientCredentials
    from welkin_async.testing import WelkinEmulator

MARKER = "welkin_emulator"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(**options): options for the welkin_emulator fixture (WelkinEmulator)"
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    return dict(marker.kwargs) if marker is not None else {}


@pytest.fixture
async def welkin_emulator(request: pytest.FixtureRequest) -> AsyncIterator[WelkinEmulator]:
    """A running emulator for one test (imported lazily: only tests that use it pay for it)."""
    from welkin_async.testing import WelkinEmulator

    async with WelkinEmulator(**_options(request)) as emulator:
        yield emulator


@pytest.fixture
def welkin_credentials(welkin_emulator: WelkinEmulator) -> ClientCredentials:
    """Working OAuth credentials of the ``acme`` tenant's admin API client."""
    return welkin_emulator.credentials(tenant="acme", role="admin")
