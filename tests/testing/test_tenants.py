"""How the emulator's tenants show in a test's failure output: their configuration by name, and
never the people in them."""

from __future__ import annotations

import json

from tests.conftest import TENANTS
from welkin_async.testing import WelkinEmulator


def _names(file: str) -> list[str]:
    return [item["name"] for item in json.loads((TENANTS / "acme" / file).read_text())]


def test_a_tenant_shows_its_configuration_by_name() -> None:
    """A tenant's repr names its CDTs, programs, templates, roles and API clients."""
    tenant = WelkinEmulator(tenants=["acme"]).tenant("acme")
    shown = repr(tenant)
    assert shown.startswith("Tenant(name='acme', ")
    for file in ("cdts.json", "programs.json", "encounters.json", "assessments.json"):
        assert str(_names(file)) in shown, file
    assert str(list(tenant.roles)) in shown
    assert "'acme-admin'" in shown


def test_no_patient_or_secret_shows_in_a_seeded_tenant() -> None:
    """Seeded with patients, neither the tenant's repr nor its environments' hold a patient's
    id, name or record, a user's name, a definition's fields, or an API client's secret; an
    environment shows how many rows it holds."""
    emulator = WelkinEmulator(patients=5, tenants=["acme"])
    emulator.seed_data()
    tenant = emulator.tenant("acme")
    live = tenant.environments["live"]
    shown = repr(tenant) + repr(live)
    patients = live.patients.rows.values()
    hidden = {
        *(row["id"] for row in patients),
        *(row["lastName"] for row in patients),
        *live.cdt_records.rows,
        *(user["username"] for user in tenant.users),
        *(client.secret for client in tenant.api_clients.values()),
        "cdtf-",  # any CDT field's name: the definitions are not shown
    }
    assert not {value for value in hidden if value in shown}
    assert "patients=5, cdt_records=10" in repr(live)
