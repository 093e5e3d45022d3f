"""Formations (Designer configuration: CDTs, programs, templates, document types, goal
templates, the encounter disposition) and the admin API (users, webhook audit)."""

from __future__ import annotations

import json

from tests.testing.conftest import Api, ApiFactory
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._config import schemas_root


async def test_cdt_definitions_are_the_tenants(api: Api) -> None:
    """formations/current/cdts is a bare array equal to the tenant's definitions file."""
    served = (await api.call("GET", "formations/current/cdts")).body
    shipped = json.loads((schemas_root() / "tenants/acme/cdts.json").read_text())
    assert served == shipped


async def test_one_cdt_by_name_and_by_version_number(api: Api) -> None:
    """A single CDT is served by name, under current and under the formation's number."""
    current = await api.call("GET", "formations/current/cdts/cdt-self-care")
    numbered = await api.call("GET", "formations/92/cdts/cdt-self-care")
    assert current.body["name"] == "cdt-self-care"
    assert numbered.body == current.body


async def test_unknown_formation_version_is_not_found(api: Api) -> None:
    """A version that was never published answers 404 FORMATION_NOT_FOUND."""
    answer = await api.call("GET", "formations/3/cdts")
    assert (answer.status, answer.error["errorCode"]) == (404, "FORMATION_NOT_FOUND")


async def test_draft_serves_unpublished_edits(api: Api, emulator: WelkinEmulator) -> None:
    """formations/draft serves the draft definitions when the tenant has some."""
    tenant = emulator.tenant()
    tenant.draft_cdts = {"only-in-draft": {**tenant.cdts["allergies"], "name": "only-in-draft"}}
    names = [c["name"] for c in (await api.call("GET", "formations/draft/cdts")).body]
    assert names == ["only-in-draft"]


async def test_bumped_cdt_version_is_served(api: Api, emulator: WelkinEmulator) -> None:
    """A Designer edit (bump_cdt_version) shows in the served definition's version."""
    version = emulator.tenant().bump_cdt_version("allergies")
    served = await api.call("GET", "formations/current/cdts/allergies")
    assert served.body["version"] == version == 13


async def test_programs_and_templates(api: Api) -> None:
    """Programs carry phases with navigateTo and Designer's graph; encounter templates name their
    assessments (``assessmentNames``); assessments hold sections of questions on CDT fields."""
    programs = (await api.call("GET", "formations/current/programs")).body
    diabetes = next(p for p in programs if p["name"] == "prog-diabetes")
    assert diabetes["phases"][0]["navigateTo"] == [{"name": "active-care"}]
    assert {node["id"] for node in diabetes["nodes"]} >= {p["name"] for p in diabetes["phases"]}
    templates = (await api.call("GET", "formations/current/encounters")).body
    consultation = next(t for t in templates if t["name"] == "etmp-initial-consultation")
    assert consultation["assessmentNames"] == ["asm-phq9-screen"]
    assessment = (await api.call("GET", "formations/current/assessments/asm-phq9-screen")).body
    fields = assessment["sections"][0]["fields"]
    assert {(f["refCdtName"], f["viewType"]) for f in fields} == {("cdt-phq9", "question")}


async def test_users_list_and_get(api: Api) -> None:
    """admin/users is a metaInfo page; a user is found by id or by username."""
    listed = (await api.admin("GET", "users")).body
    assert listed["metaInfo"]["totalElements"] == 4
    user = listed["data"][0]
    by_id = await api.admin("GET", f"users/{user['id']}")
    by_name = await api.admin("GET", f"users/{user['username']}", params={"type": "USERNAME"})
    assert by_id.body == by_name.body == user


async def test_unknown_user_is_user_not_found(api: Api) -> None:
    """admin/users/me for an API client answers 404 USER_NOT_FOUND, as live does."""
    answer = await api.admin("GET", "users/me")
    assert (answer.status, answer.error["errorCode"], answer.error["componentType"]) == (
        404,
        "USER_NOT_FOUND",
        "USER",
    )


async def test_document_types_and_goal_templates_are_the_tenants(api: Api) -> None:
    """document-types and goal-templates are bare arrays equal to the tenant's files, and each
    item is served by name."""
    for kind, file in (
        ("document-types", "document-types.json"),
        ("goal-templates", "goal-templates.json"),
    ):
        served = (await api.call("GET", f"formations/current/{kind}")).body
        shipped = json.loads((schemas_root() / "tenants/acme" / file).read_text())
        assert served == shipped
        one = await api.call("GET", f"formations/current/{kind}/{shipped[-1]['name']}")
        assert one.body == shipped[-1]
    types = (await api.call("GET", "formations/current/document-types")).body
    assert {t["relation"] for t in types} == {"DOCUMENT_TYPE"}


async def test_encounter_disposition_is_the_tenants_definition(api: Api) -> None:
    """formations/{v}/encounter-disposition is the tenant's disposition CDT definition."""
    served = await api.call("GET", "formations/current/encounter-disposition")
    shipped = json.loads((schemas_root() / "tenants/acme/encounter-disposition.json").read_text())
    assert served.body == shipped
    assert served.body["relation"] == "ENCOUNTER_DISPOSITION"


async def test_unknown_item_name_is_not_found(api: Api) -> None:
    """A name the formation lacks answers 404 FORMATION_ITEM_NOT_FOUND."""
    answer = await api.call("GET", "formations/current/goal-templates/nowhere")
    assert (answer.status, answer.error["errorCode"]) == (404, "FORMATION_ITEM_NOT_FOUND")


async def test_a_version_that_is_no_number_is_refused(api: Api) -> None:
    """A version other than current, draft or a number answers 400 INVALID_FORMATION_VERSION."""
    answer = await api.call("GET", "formations/latest/encounter-disposition")
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_FORMATION_VERSION")
    assert answer.error["details"] == {"parameter": "version"}


async def test_a_role_without_formations_is_refused(api_for: ApiFactory) -> None:
    """The scheduler role may not read formations: 403 ACCESS_FOR_API_CLIENT_RESTRICTED."""
    scheduler = await api_for(role="scheduler")
    answer = await scheduler.call("GET", "formations/current/goal-templates")
    assert (answer.status, answer.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")
