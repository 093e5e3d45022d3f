"""The hostile server, one per test, and a bound on how long any hostile test may take."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.hostile._server import HostileServer, hostile_server


@pytest.fixture
async def server() -> AsyncIterator[HostileServer]:
    async with hostile_server() as running:
        yield running
