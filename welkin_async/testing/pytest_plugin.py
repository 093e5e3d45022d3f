"""pytest fixtures for code that talks to Welkin: a running emulator and credentials for it.

Registered through the ``pytest11`` entry point, so installing welkin-async is enough::

    async def test_sync(welkin_emulator, welkin_credentials):
        async with WelkinClient(tenant="acme", environment="live",
                                credentials=welkin_credentials,
                                base_url=welkin_emulator.url) as client:
            ...

- ``welkin_emulator`` is an async fixture (it needs an asyncio test runner such as
  pytest-asyncio or anyio): a :class:`~welkin_async.testing.WelkinEmulator` started for the test
  and stopped after it. Parametrize it with the marker
  ``@pytest.mark.welkin_emulator(patients=50, ...)``; the keywords go to ``WelkinEmulator``.
- ``welkin_credentials`` are the ``acme`` tenant's admin credentials of the OAuth kind.
- ``welkin_emulator_session`` is one emulator for the whole session, for suites where seeding
  one per test costs too much. It serves from an event loop of its own, in a background thread,
  so any test reaches it over HTTP: sync or async, on whatever event loop its runner gives it.
  Its state is shared by every test that uses it, so such tests should not count on what the
  others write; and it belongs to that thread: reach it over HTTP (and read ``.url`` or
  ``.credentials()``), but do not change it from a test (``faults``, ``on_received``, its
  tenants' rows): use ``welkin_emulator`` for tests that do. Its ``WelkinEmulator`` keywords
  come from the session fixture ``welkin_emulator_session_options`` (default: none); override
  that in a ``conftest.py``::

      @pytest.fixture(scope="session")
      def welkin_emulator_session_options():
          return {"patients": 500, "tenants": ["acme"]}
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
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


@pytest.fixture(scope="session")
def welkin_emulator_session_options() -> dict[str, Any]:
    """``WelkinEmulator`` keywords of ``welkin_emulator_session``; override it to change them."""
    return {}


@pytest.fixture(scope="session")
def welkin_emulator_session(
    welkin_emulator_session_options: dict[str, Any],
) -> Iterator[WelkinEmulator]:
    """One running emulator for the whole session, serving from a thread of its own."""
    from welkin_async.testing import WelkinEmulator

    with _in_thread(WelkinEmulator(**welkin_emulator_session_options)) as emulator:
        yield emulator


@contextmanager
def _in_thread(emulator: WelkinEmulator) -> Iterator[WelkinEmulator]:
    """``emulator`` running on an event loop in a daemon thread; stopped, and the loop closed,
    on exit. A thread, not the test's own loop: a session-long server on a loop that runs only
    while a test awaits would answer no one between them, and no test's loop lives that long."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="welkin-emulator-session", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(emulator.__aenter__(), loop).result()
        try:
            yield emulator
        finally:
            asyncio.run_coroutine_threadsafe(emulator.aclose(), loop).result()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
