"""``WelkinClient(models=module)``: a generated tenant module is checked against the server's CDT
definitions on the first use of one of its classes, once per client, and warns for each CDT
that drifted; a module that is not one, or is another tenant's, is refused at construction."""

from __future__ import annotations

import asyncio
import re
import types
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import TENANTS, Connect, a_patient
from welkin_async import ClientCredentials, ModelVersionWarning, RetryPolicy, WelkinClient
from welkin_async._tenant_models import import_tenant_module
from welkin_async.cli import main as cli_main
from welkin_async.errors import ConfigurationError
from welkin_async.testing import Fault, WelkinEmulator

PATIENTS = pytest.mark.welkin_emulator(patients=2, tenants=["acme"])
FORMATION_CDTS = "GET /formations/{version}/cdts"
REGENERATE = "welkin-async codegen --tenant acme --from-api"
SELF_CARE = "cdt-self-care"


def model_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    """The messages of the ModelVersionWarnings among ``caught``."""
    return [str(w.message) for w in caught if issubclass(w.category, ModelVersionWarning)]


def offline_client(tenant: str, models: Any) -> WelkinClient:
    """A client that is only constructed, never opened."""
    return WelkinClient(
        tenant=tenant,
        environment="live",
        credentials=ClientCredentials("client-id", "client-secret"),
        models=models,
    )


@PATIENTS
async def test_matching_versions_do_not_warn(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """With the module generated from the served definitions, using a CDT class checks the
    versions (one formations read) and warns about nothing."""
    self_care: Any = acme.CdtSelfCare
    async with connect(models=acme) as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            records = [r async for r in client.cdts(a_patient(welkin_emulator), self_care).list()]
    assert model_warnings(caught) == []
    assert all(isinstance(r.json_body, self_care) for r in records)
    assert welkin_emulator.stats.requests[FORMATION_CDTS] == 1


@PATIENTS
async def test_changed_version_warns_with_both_versions_and_the_command(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A CDT whose server version differs from the class's warns ModelVersionWarning naming the
    CDT, both versions and the command that regenerates the module."""
    self_care: Any = acme.CdtSelfCare
    generated = self_care.__cdt_version__
    served = welkin_emulator.tenant("acme").bump_cdt_version(SELF_CARE)
    assert served != generated
    async with connect(models=acme) as client:
        with pytest.warns(ModelVersionWarning) as caught:
            [r async for r in client.cdts(a_patient(welkin_emulator), self_care).list()]
    (message,) = model_warnings(caught.list)
    assert SELF_CARE in message
    assert re.search(rf"\b{generated}\b", message)
    assert re.search(rf"\b{served}\b", message)
    assert REGENERATE in message


@PATIENTS
async def test_warns_once_per_client(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """The check runs once per client: later uses (of the same or another class) neither warn
    again nor read the formation again."""
    self_care: Any = acme.CdtSelfCare
    vitals: Any = acme.CdtVitals
    welkin_emulator.tenant("acme").bump_cdt_version(SELF_CARE)
    patient_id = a_patient(welkin_emulator)
    async with connect(models=acme) as client:
        with pytest.warns(ModelVersionWarning, match=SELF_CARE):
            [r async for r in client.cdts(patient_id, self_care).list()]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            [r async for r in client.cdts(patient_id, self_care).list()]
            [r async for r in client.cdts(patient_id, vitals).list()]
    assert model_warnings(caught) == []
    assert welkin_emulator.stats.requests[FORMATION_CDTS] == 1


@PATIENTS
async def test_concurrent_first_uses_check_once(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """Several CDT calls racing to be first read the formation once and warn once."""
    self_care: Any = acme.CdtSelfCare
    welkin_emulator.tenant("acme").bump_cdt_version(SELF_CARE)
    patient_id = a_patient(welkin_emulator)

    async def records(client: WelkinClient) -> list[Any]:
        return [r async for r in client.cdts(patient_id, self_care).list()]

    async with connect(models=acme) as client:
        with pytest.warns(ModelVersionWarning) as caught:
            await asyncio.gather(*(records(client) for _ in range(4)))
    assert len(model_warnings(caught.list)) == 1
    assert welkin_emulator.stats.requests[FORMATION_CDTS] == 1


@PATIENTS
async def test_each_client_checks_again(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A second client with the same module checks (and warns) on its own."""
    self_care: Any = acme.CdtSelfCare
    welkin_emulator.tenant("acme").bump_cdt_version(SELF_CARE)
    patient_id = a_patient(welkin_emulator)
    for _ in range(2):
        async with connect(models=acme) as client:
            with pytest.warns(ModelVersionWarning, match=SELF_CARE):
                [r async for r in client.cdts(patient_id, self_care).list()]
    assert welkin_emulator.stats.requests[FORMATION_CDTS] == 2


@PATIENTS
async def test_cdt_no_longer_defined_warns(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A class of the module whose CDT the server no longer defines warns, naming that CDT."""
    self_care: Any = acme.CdtSelfCare
    removed = next(name for name in acme.CDT_CLASSES if name != SELF_CARE)
    del welkin_emulator.tenant("acme").cdts[removed]
    async with connect(models=acme) as client:
        with pytest.warns(ModelVersionWarning) as caught:
            [r async for r in client.cdts(a_patient(welkin_emulator), self_care).list()]
    (message,) = model_warnings(caught.list)
    assert repr(removed) in message
    assert REGENERATE in message


@PATIENTS
async def test_dict_cdt_calls_do_not_check(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """CDT calls by name (dict bodies) do not read the formation, even with models set."""
    welkin_emulator.tenant("acme").bump_cdt_version(SELF_CARE)
    async with connect(models=acme) as client:
        [r async for r in client.cdts(a_patient(welkin_emulator), SELF_CARE).list()]
    assert welkin_emulator.stats.requests[FORMATION_CDTS] == 0


@pytest.fixture(scope="module")
def sunrise(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The sunrise example tenant's generated module."""
    out = tmp_path_factory.mktemp("sunrise_models")
    definitions = TENANTS / "sunrise" / "cdts.json"
    args = ["codegen", "--tenant", "sunrise", "--definitions", str(definitions), "--out", str(out)]
    assert cli_main(args) == 0
    return import_tenant_module(out / "sunrise.py")


def test_another_tenants_module_is_refused(sunrise: ModuleType) -> None:
    """A module generated for another tenant raises ConfigurationError at construction."""
    with pytest.raises(ConfigurationError, match="sunrise"):
        offline_client("acme", sunrise)


def test_a_module_that_is_not_generated_is_refused() -> None:
    """A module without TENANT and CDT_CLASSES raises ConfigurationError at construction."""
    with pytest.raises(ConfigurationError, match="TENANT"):
        offline_client("acme", types.ModuleType("settings"))


def test_an_object_without_the_names_is_refused() -> None:
    """Any other object without TENANT and CDT_CLASSES raises ConfigurationError too."""
    with pytest.raises(ConfigurationError):
        offline_client("acme", types.SimpleNamespace(unrelated=True))


@PATIENTS
async def test_module_without_a_file_still_warns(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A tenant module built in memory (no __file__) warns about drift like a file would."""
    in_memory = types.ModuleType("acme_in_memory")
    in_memory.TENANT = acme.TENANT  # type: ignore[attr-defined]
    in_memory.CDT_CLASSES = acme.CDT_CLASSES  # type: ignore[attr-defined]
    self_care: Any = acme.CdtSelfCare
    welkin_emulator.tenant("acme").bump_cdt_version(SELF_CARE)
    async with connect(models=in_memory) as client:
        with pytest.warns(ModelVersionWarning, match=SELF_CARE):
            [r async for r in client.cdts(a_patient(welkin_emulator), self_care).list()]


# The one acme role that cannot read formations (scheduler) cannot read CDT records either, so
# "definitions unreadable, records readable" cannot be set up with a role; the same path (the
# definitions cannot be read) is exercised below with an injected server error on the
# formations endpoint instead.
@PATIENTS
async def test_unreadable_definitions_warn_once_and_the_call_succeeds(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """When the definitions cannot be read, one warning says the check could not be done and
    the CDT call itself still succeeds."""
    welkin_emulator.faults = [Fault("status", status=503, route=FORMATION_CDTS)]
    self_care: Any = acme.CdtSelfCare
    patient_id = a_patient(welkin_emulator)
    async with connect(models=acme, retry=RetryPolicy(max_tries=1)) as client:
        with pytest.warns(ModelVersionWarning) as caught:
            records = [r async for r in client.cdts(patient_id, self_care).list()]
        with warnings.catch_warnings(record=True) as later:
            warnings.simplefilter("always")
            [r async for r in client.cdts(patient_id, self_care).list()]
    (message,) = model_warnings(caught.list)
    assert "could not be read" in message
    assert model_warnings(later) == []
    expected = (
        welkin_emulator.tenant("acme").environments["live"].records_of.of((patient_id, SELF_CARE))
    )
    assert sorted(str(r.id) for r in records) == sorted(expected)
    assert welkin_emulator.stats.requests[FORMATION_CDTS] == 1


def test_generated_module_names_its_path_in_the_command(acme: ModuleType) -> None:
    """The regenerate command ends with --out pointing at the module's folder."""
    assert acme.__file__ is not None
    folder = Path(acme.__file__).parent
    client = offline_client("acme", acme)
    assert client.models is not None
    assert client.models.regenerate_command() == f"{REGENERATE} --out {folder}"
