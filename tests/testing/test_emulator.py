"""The emulator as a whole: seeding, determinism, statistics, lifecycle."""

from __future__ import annotations

import pytest

from tests.testing.conftest import Api
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._cdt_values import check_values
from welkin_async.testing._records import CDT_SYSTEM_FIELDS


def test_same_seed_same_data() -> None:
    """Two emulators with one seed hold identical patients; another seed differs."""
    first, second, other = (WelkinEmulator(seed=s, patients=30) for s in (1, 1, 2))
    for emulator in (first, second, other):
        emulator.seed_data()
    rows = [e.tenant().environments["live"].patients.rows for e in (first, second, other)]
    assert rows[0] == rows[1]
    assert rows[0] != rows[2]


def test_seeded_cdt_values_satisfy_the_definitions() -> None:
    """Every seeded CDT record passes the same validation the API applies to writes."""
    emulator = WelkinEmulator(seed=3, patients=200)
    emulator.seed_data()
    for tenant in emulator.tenants.values():
        records = tenant.environments["live"].cdt_records.rows.values()
        assert len(records) == 2 * 200
        for record in records:
            cdt = tenant.cdts[record["cdtName"]]
            values = {
                k: v
                for k, v in record["jsonBody"].items()
                if k not in CDT_SYSTEM_FIELDS and not k.startswith("external_")
            }
            check_values(cdt, values, creating=True)


def test_seed_spreads_over_kinds_of_data() -> None:
    """Seeding gives some patients encounters and programs, and only the live environment."""
    emulator = WelkinEmulator(patients=12)
    emulator.seed_data()
    acme = emulator.tenant()
    assert len(acme.environments["live"].patients) == 12
    assert len(acme.environments["live"].encounters) == 3
    assert len(acme.environments["live"].patient_programs) == 4
    assert len(acme.environments["sandbox"].patients) == 0


async def test_stats_count_requests_by_route_template(emulator: WelkinEmulator, api: Api) -> None:
    """stats.requests is keyed by route template, never by a filled path."""
    patient_ids = emulator.tenant().environments["live"].patients.ids()[:3]
    for patient_id in patient_ids:
        await api.call("GET", f"patients/{patient_id}")
    assert emulator.stats.requests["GET /patients/{patient_id}"] == 3
    assert not any(pid in key for key in emulator.stats.requests for pid in patient_ids)
    assert emulator.stats.requests["POST /api_clients/{client_name}"] == 1


async def test_request_listeners_see_each_route_as_it_arrives(
    emulator: WelkinEmulator, api: Api
) -> None:
    """on_request(listener) is called with the route template of each request, in order,
    before the request is answered (the answer's state is not yet visible to the listener)."""
    seen: list[tuple[str, int]] = []
    patients = emulator.tenant().environments["live"].patients
    emulator.on_request(lambda route: seen.append((route, len(patients))))
    before = len(patients)
    await api.call("POST", "patients", json_body={"firstName": "Ada", "lastName": "Byron"})
    await api.call("GET", f"patients/{patients.ids()[0]}")
    assert seen == [("POST /patients", before), ("GET /patients/{patient_id}", before + 1)]


async def test_url_before_start_is_a_clear_error() -> None:
    """Asking for the URL of an emulator that is not running says how to start it."""
    with pytest.raises(RuntimeError, match="async with"):
        _ = WelkinEmulator().url


async def test_closing_twice_is_harmless() -> None:
    """aclose() after the context manager has exited does nothing more."""
    async with WelkinEmulator() as emulator:
        url = emulator.url
    await emulator.aclose()
    assert url.startswith("http://127.0.0.1:")


def test_unknown_role_names_the_roles() -> None:
    """credentials() for a role the tenant lacks lists the roles it has."""
    with pytest.raises(KeyError, match="care-coordinator"):
        WelkinEmulator().credentials("acme", "superuser")


def test_credentials_repr_hides_the_secret() -> None:
    """The credentials' repr shows the client id or name, never the secret."""
    emulator = WelkinEmulator()
    client = emulator.tenant().client_for_role("admin")
    oauth = emulator.credentials(kind="client_credentials")
    live = emulator.credentials(kind="api_client")
    for shown in (repr(oauth), repr(live), repr(client)):
        assert client.secret not in shown
    assert client.client_id in repr(oauth)
    assert client.name in repr(live)
