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


def test_the_session_emulator_is_shared_by_every_test(pytester: pytest.Pytester) -> None:
    """Tests in two modules, sync and async, get one `welkin_emulator_session`: the same URL,
    serving each of them over HTTP, seeded with the options its options fixture gives."""
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def welkin_emulator_session_options():
            return {"patients": 3, "tenants": ["acme"]}
        """
    )
    served = """
        import urllib.request

        import aiohttp

        def count(emulator):
            return len(emulator.tenant("acme").environments["live"].patients)

        def test_sync_{name}(welkin_emulator_session, tmp_path_factory):
            url = welkin_emulator_session.url
            with urllib.request.urlopen(f"{{url}}/openapi.json") as response:
                assert response.status == 200
            (tmp_path_factory.getbasetemp() / "sync_{name}").write_text(url)
            assert count(welkin_emulator_session) == 3

        async def test_async_{name}(welkin_emulator_session, tmp_path_factory):
            url = welkin_emulator_session.url
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{{url}}/openapi.json") as response:
                    assert response.status == 200
            (tmp_path_factory.getbasetemp() / "async_{name}").write_text(url)
        """
    pytester.makepyfile(test_one=served.format(name="one"), test_two=served.format(name="two"))
    base = pytester.path / "base"
    result = pytester.runpytest_subprocess(
        "--asyncio-mode=auto", "-p", "no:cacheprovider", f"--basetemp={base}"
    )
    result.assert_outcomes(passed=4)
    urls = {path.name: path.read_text() for path in base.iterdir() if path.is_file()}
    assert sorted(urls) == ["async_one", "async_two", "sync_one", "sync_two"]
    assert len(set(urls.values())) == 1
