"""Seeding many records of one CDT: the data set of the benchmark's CDT export."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.testing.conftest import Api
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._cdt_values import check_values
from welkin_async.testing._records import CDT_SYSTEM_FIELDS
from welkin_async.testing._seed import seed_cdt_records


def _seeded(patients: int = 0) -> WelkinEmulator:
    emulator = WelkinEmulator(seed=5, patients=patients, tenants=["acme"])
    emulator.seed_data()
    tenant = emulator.tenant()
    seed_cdt_records(
        tenant, tenant.environments["live"], "allergies", patients=3, per_patient=4, seed=5
    )
    return emulator


def test_each_new_patient_gets_records_of_that_cdt_alone() -> None:
    """Every new patient holds per_patient records of the named CDT, and nothing else is made."""
    live = _seeded().tenant().environments["live"]
    records = list(live.cdt_records.rows.values())
    assert len(live.patients) == 3
    assert Counter(r["patientId"] for r in records) == dict.fromkeys(live.patients.ids(), 4)
    assert {r["cdtName"] for r in records} == {"allergies"}
    assert (len(live.encounters), len(live.patient_programs)) == (0, 0)


def test_seeded_values_satisfy_the_definition() -> None:
    """Every seeded record passes the validation the API applies to a created record."""
    tenant = _seeded().tenant()
    for record in tenant.environments["live"].cdt_records.rows.values():
        values = {
            key: value
            for key, value in record["jsonBody"].items()
            if key not in CDT_SYSTEM_FIELDS and not key.startswith("external_")
        }
        check_values(tenant.cdts["allergies"], values, creating=True)


def test_patients_added_beside_the_seeded_ones_are_new() -> None:
    """After the environment's own seeding, the new patients have ids and MRNs of their own."""
    live = _seeded(patients=10).tenant().environments["live"]
    rows = live.patients.rows.values()
    assert len(live.patients) == 13
    assert len({row["mrn"] for row in rows}) == 13


@pytest.fixture
async def emulator() -> AsyncIterator[WelkinEmulator]:
    """An emulator whose only data is what seed_cdt_records made (the api fixture uses it)."""
    async with _seeded() as running:
        yield running


async def test_the_cdt_export_serves_the_seeded_records(api: Api) -> None:
    """Over loopback, a CDT_RECORD export of an emulator seeded this way serves those records."""
    page = (await api.call("GET", "export/CDT_RECORD", params={"pageSize": "50"})).body
    assert len(page["data"]) == 12
    assert page["cursor"]["hasNext"] is False
