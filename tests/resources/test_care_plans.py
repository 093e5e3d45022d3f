"""``client.care_plan(patient_id)`` against the emulator: the plan, writing and replacing its
overview, and the refusals of a role without care plans, a missing patient and a bad overview."""

from __future__ import annotations

from uuid import UUID

import pytest

from tests.conftest import Connect, acme_live
from welkin_async.errors import BadRequest, NotFound, PermissionDenied
from welkin_async.models import CarePlan, CarePlanOverview
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._care_plans import SEED_EVERY

# Seeded patient 2 has an overview (every SEED_EVERY-th from the third); 0 and 1 have none.
pytestmark = pytest.mark.welkin_emulator(patients=SEED_EVERY, tenants=["acme"])


def _patient(emulator: WelkinEmulator, *, with_overview: bool) -> str:
    live = acme_live(emulator)
    return next(pid for pid in live.patients.ids() if (pid in live.care_plans) is with_overview)


async def test_get_a_plan_without_an_overview(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get() of a patient whose overview was never written is their plan with no overview."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        plan = await client.care_plan(patient_id).get()
    assert isinstance(plan, CarePlan)
    assert (str(plan.patient_id), plan.patient_overview) == (patient_id, None)


async def test_get_a_plan_with_its_overview(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """get() of a patient with an overview returns it as stored."""
    patient_id = _patient(welkin_emulator, with_overview=True)
    stored = acme_live(welkin_emulator).care_plans[patient_id]
    async with connect() as client:
        plan = await client.care_plan(patient_id).get()
    assert isinstance(plan.patient_overview, CarePlanOverview)
    assert plan.patient_overview.overview == stored["patientOverview"]["overview"]
    assert str(plan.id) == stored["id"]


async def test_create_overview_writes_it(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """create_overview(text) stores the text and returns the overview, which get() then shows."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        written = await client.care_plan(patient_id).create_overview("Walks daily.")
        plan = await client.care_plan(patient_id).get()
    assert written.overview == "Walks daily."
    assert isinstance(plan.patient_overview, CarePlanOverview)
    assert plan.patient_overview.overview == "Walks daily."
    stored = acme_live(welkin_emulator).care_plans[patient_id]["patientOverview"]
    assert stored["overview"] == "Walks daily."


async def test_create_overview_again_replaces_it_and_keeps_when_it_was_first_written(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A second create_overview() replaces the text; created_at stays the first write's."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        first = await client.care_plan(patient_id).create_overview("First.")
        second = await client.care_plan(patient_id).create_overview("Second.")
    assert second.overview == "Second."
    assert second.created_at == first.created_at


async def test_replace_overview_changes_an_existing_one(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_overview(text) on a plan with an overview stores and returns the new text."""
    patient_id = _patient(welkin_emulator, with_overview=True)
    async with connect() as client:
        replaced = await client.care_plan(patient_id).replace_overview("Replaced.")
    assert replaced.overview == "Replaced."
    stored = acme_live(welkin_emulator).care_plans[patient_id]["patientOverview"]
    assert stored["overview"] == "Replaced."


async def test_replace_overview_before_any_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_overview() on a plan without an overview raises NotFound and stores nothing."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.care_plan(patient_id).replace_overview("Too soon.")
    assert raised.value.error_code == "CARE_PLAN_OVERVIEW_NOT_FOUND"
    assert patient_id not in acme_live(welkin_emulator).care_plans


# --- refusals ------------------------------------------------------------------------------------


async def test_a_role_without_care_plans_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The analyst role, whose policy does not name care plans, gets PermissionDenied."""
    patient_id = _patient(welkin_emulator, with_overview=True)
    async with connect(role="analyst") as client:
        with pytest.raises(PermissionDenied) as raised:
            await client.care_plan(patient_id).get()
    assert raised.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"


async def test_the_plan_of_a_missing_patient_is_not_found(connect: Connect) -> None:
    """get() for a patient id nobody has raises NotFound with PATIENT_NOT_FOUND, id unshown."""
    missing = str(UUID(int=0xCA2E))
    async with connect() as client:
        with pytest.raises(NotFound) as raised:
            await client.care_plan(missing).get()
    assert raised.value.error_code == "PATIENT_NOT_FOUND"
    assert missing not in str(raised.value)


async def test_an_overview_too_long_is_a_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An overview over 65,535 characters raises BadRequest and leaves the plan as it was."""
    patient_id = _patient(welkin_emulator, with_overview=False)
    async with connect() as client:
        with pytest.raises(BadRequest) as raised:
            await client.care_plan(patient_id).create_overview("x" * 65_536)
    assert raised.value.error_code == "INVALID_REQUEST_BODY"
    assert patient_id not in acme_live(welkin_emulator).care_plans


async def test_an_overview_that_is_not_text_is_refused_before_sending(connect: Connect) -> None:
    """create_overview() of a value that is not a str raises TypeError without a request."""
    async with connect() as client:
        with pytest.raises(TypeError):
            await client.care_plan("any-patient").create_overview(42)  # type: ignore[arg-type]
        assert client.stats.requests == 0
