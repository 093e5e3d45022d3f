"""A patient's care plan, spoken to in plain aiohttp: the plan as made with the patient, writing
its overview (POST) and replacing it (PUT), and the refusals."""

from __future__ import annotations

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import Environment, WelkinEmulator
from welkin_async.testing._care_plans import SEED_EVERY

PLAN_KEYS = {"id", "createdByName", "createdAt", "updatedByName", "updatedAt", "patientId"}
OVERVIEW_KEYS = {"createdByName", "createdAt", "updatedByName", "updatedAt", "overview"}


def _live(emulator: WelkinEmulator) -> Environment:
    return emulator.tenant().environments["live"]


def _without_overview(emulator: WelkinEmulator) -> str:
    live = _live(emulator)
    return next(pid for pid in live.patients.ids() if pid not in live.care_plans)


async def test_a_plan_never_written_is_served_with_a_null_overview(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A patient's plan exists before its overview is written: its keys, patientOverview null,
    the same id on every read, and nothing stored."""
    patient_id = _without_overview(emulator)
    first = await api.call("GET", f"patients/{patient_id}/care-plan")
    again = await api.call("GET", f"patients/{patient_id}/care-plan")
    assert first.status == 200
    assert set(first.body) == PLAN_KEYS | {"patientOverview"}
    assert (first.body["patientId"], first.body["patientOverview"]) == (patient_id, None)
    assert again.body == first.body
    assert patient_id not in _live(emulator).care_plans


async def test_post_writes_the_overview_and_answers_it(api: Api, emulator: WelkinEmulator) -> None:
    """POST overview answers 200 with the overview; the plan then shows it, under the same id."""
    patient_id = _without_overview(emulator)
    before = await api.call("GET", f"patients/{patient_id}/care-plan")
    written = await api.call(
        "POST", f"patients/{patient_id}/care-plan/overview", json_body={"overview": "Walks."}
    )
    assert written.status == 200
    assert set(written.body) == OVERVIEW_KEYS
    assert written.body["overview"] == "Walks."
    plan = (await api.call("GET", f"patients/{patient_id}/care-plan")).body
    assert plan["patientOverview"] == written.body
    assert plan["id"] == before.body["id"]
    assert plan["updatedAt"] == written.body["updatedAt"]


async def test_put_replaces_the_overview_keeping_its_creation(
    api: Api, emulator: WelkinEmulator
) -> None:
    """PUT overview replaces the text; createdAt stays the first write's."""
    patient_id = _without_overview(emulator)
    path = f"patients/{patient_id}/care-plan/overview"
    first = await api.call("POST", path, json_body={"overview": "One."})
    replaced = await api.call("PUT", path, json_body={"overview": "Two."})
    assert replaced.status == 200
    assert replaced.body["overview"] == "Two."
    assert replaced.body["createdAt"] == first.body["createdAt"]


async def test_put_before_any_overview_is_a_404(api: Api, emulator: WelkinEmulator) -> None:
    """PUT overview on a plan without one is 404 CARE_PLAN_OVERVIEW_NOT_FOUND."""
    patient_id = _without_overview(emulator)
    answer = await api.call(
        "PUT", f"patients/{patient_id}/care-plan/overview", json_body={"overview": "x"}
    )
    assert (answer.status, answer.error["errorCode"]) == (404, "CARE_PLAN_OVERVIEW_NOT_FOUND")


async def test_an_overview_that_is_not_text_or_too_long_is_a_400(
    api: Api, emulator: WelkinEmulator
) -> None:
    """An overview that is a number, missing, or over 65,535 characters is 400
    INVALID_REQUEST_BODY, and nothing is stored."""
    patient_id = _without_overview(emulator)
    path = f"patients/{patient_id}/care-plan/overview"
    for body in ({"overview": 7}, {}, {"overview": "x" * 65_536}, {"overview": "x", "extra": 1}):
        answer = await api.call("POST", path, json_body=body)
        assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY"), body
    assert patient_id not in _live(emulator).care_plans


async def test_the_plan_of_a_missing_patient_is_a_404(api: Api) -> None:
    """A patient id nobody has is 404 PATIENT_NOT_FOUND."""
    answer = await api.call("GET", "patients/nobody/care-plan")
    assert (answer.status, answer.error["errorCode"]) == (404, "PATIENT_NOT_FOUND")


async def test_a_role_without_care_plans_is_refused_with_403(
    api_for: ApiFactory, emulator: WelkinEmulator
) -> None:
    """The analyst, whose policy does not name care plans, is refused: 403."""
    analyst = await api_for(role="analyst")
    answer = await analyst.call("GET", f"patients/{_without_overview(emulator)}/care-plan")
    assert (answer.status, answer.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")


async def test_seeding_writes_some_overviews(emulator: WelkinEmulator) -> None:
    """Every SEED_EVERY-th patient from the third has an overview written by a tenant user."""
    live = _live(emulator)
    ids = live.patients.ids()
    assert sorted(live.care_plans) == sorted(ids[2::SEED_EVERY])
    for plan in live.care_plans.values():
        assert plan["patientOverview"]["overview"]
