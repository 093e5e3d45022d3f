"""The pytest plugin, as a user's test suite sees it."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_fixtures_are_registered_by_entry_point(pytester: pytest.Pytester) -> None:
    """A test using welkin_emulator and welkin_credentials runs with no conftest at all,
    and the marker passes options to the emulator."""
    pytester.makepyfile(
        """
        import aiohttp
        import pytest

        @pytest.mark.welkin_emulator(patients=4)
        async def test_token_and_patients(welkin_emulator, welkin_credentials):
            async with aiohttp.ClientSession() as session:
                async with session.post(
                    f"{welkin_emulator.url}/v1/acme/oauth/token",
                    data={"grant_type": "client_credentials",
                          "client_id": welkin_credentials.client_id,
                          "client_secret": welkin_credentials.client_secret},
                ) as response:
                    token = (await response.json())["access_token"]
                async with session.post(
                    f"{welkin_emulator.url}/acme/live/by-filter/patients",
                    json={}, headers={"Authorization": f"Bearer {token}"},
                ) as response:
                    assert (await response.json())["totalElements"] == 4
        """
    )
    result = pytester.runpytest_subprocess("--asyncio-mode=auto", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
