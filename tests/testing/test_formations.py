"""Formations (Designer configuration: CDTs, programs, templates, document types, goal
templates, the encounter disposition) and the admin API (users, webhook audit)."""

from __future__ import annotations

import copy
import json

import pytest

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


# --- the draft's writes --------------------------------------------------------------------------

_PROGRAM = {
    "name": "prog-new",
    "phases": [{"name": "start", "navigateTo": [{"name": "end"}]}, {"name": "end"}],
}


async def test_the_draft_serves_the_current_items_until_written(api: Api) -> None:
    """Before any write, formations/draft serves the current programs, dictionaries and
    disposition."""
    for kind in ("programs", "dictionaries", "encounter-disposition"):
        draft = await api.call("GET", f"formations/draft/{kind}")
        current = await api.call("GET", f"formations/current/{kind}")
        assert draft.body == current.body, kind


async def test_create_answers_201_and_copies_current_on_write(
    api: Api, emulator: WelkinEmulator
) -> None:
    """POST formations/draft/programs answers 201 with the stored program; the draft holds a
    copy of the current programs plus it, and the current programs are unchanged."""
    tenant = emulator.tenant()
    current = copy.deepcopy(tenant.programs)
    answer = await api.call("POST", "formations/draft/programs", json_body=_PROGRAM)
    assert answer.status == 201
    assert answer.body == {**_PROGRAM, "title": None, "description": None, "nodes": None}
    assert tenant.drafts.edits["programs"] == {**current, "prog-new": answer.body}
    assert tenant.programs == current
    assert tenant.drafts.edits["programs"]["prog-diabetes"] is not current["prog-diabetes"]


async def test_delete_answers_204(api: Api, emulator: WelkinEmulator) -> None:
    """DELETE formations/draft/encounters/{name} answers 204 with no body."""
    answer = await api.call("DELETE", "formations/draft/encounters/etmp-follow-up-call")
    assert (answer.status, answer.body) == (204, b"")
    assert "etmp-follow-up-call" not in emulator.tenant().drafts.edits["encounters"]


@pytest.mark.parametrize("version", ["current", "92"])
async def test_a_write_to_a_published_version_is_refused(
    api: Api, emulator: WelkinEmulator, version: str
) -> None:
    """A write to current or a version number answers 400 FORMATION_NOT_EDITABLE."""
    answer = await api.call("POST", f"formations/{version}/programs", json_body=_PROGRAM)
    assert (answer.status, answer.error["errorCode"]) == (400, "FORMATION_NOT_EDITABLE")
    assert answer.error["details"] == {"parameter": "version"}
    deleted = await api.call("DELETE", f"formations/{version}/programs/prog-diabetes")
    assert deleted.error["errorCode"] == "FORMATION_NOT_EDITABLE"
    assert "prog-diabetes" in emulator.tenant().programs
    assert emulator.tenant().drafts.edits == {}


async def test_replace_cannot_rename(api: Api) -> None:
    """A PUT whose body names another item than the path answers 400 INVALID_FORMATION_ITEM."""
    answer = await api.call("PUT", "formations/draft/programs/prog-diabetes", json_body=_PROGRAM)
    assert (answer.status, answer.error["errorCode"], answer.error["details"]) == (
        400,
        "INVALID_FORMATION_ITEM",
        {"field": "name"},
    )


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("programs", {"name": "p", "phases": [{"name": "a"}, {"name": "a"}]}, "phases"),
        ("encounters", {"name": "e", "assessmentNames": ["asm-nowhere"]}, "assessmentNames"),
        (
            "assessments",
            {
                "name": "a",
                "sections": [
                    {
                        "fields": [
                            {
                                "viewType": "question",
                                "refCdtName": "cdt-phq9",
                                "refCdtFieldName": "nowhere",
                                "meta": {},
                            }
                        ]
                    }
                ],
            },
            "refCdtFieldName",
        ),
        (
            "dictionaries",
            {"name": "d", "fields": [{"name": "x", "type": "text"}] * 2},
            "fields",
        ),
        (
            "assessments",
            {
                "name": "a",
                "sections": [
                    {
                        "fields": [
                            {
                                "viewType": "question",
                                "refCdtName": "cdt-phq9",
                                "refCdtFieldName": "cdtf-q1",
                            }
                        ]
                    }
                ],
            },
            "meta",
        ),
    ],
)
async def test_an_inconsistent_item_is_refused(
    api: Api, emulator: WelkinEmulator, kind: str, body: dict[str, object], field: str
) -> None:
    """A repeated phase or field, an unknown assessment or a question on a field no draft CDT
    has answers 400 INVALID_FORMATION_ITEM naming the field; the draft is not touched."""
    answer = await api.call("POST", f"formations/draft/{kind}", json_body=body)
    assert (answer.status, answer.error["errorCode"], answer.error["details"]) == (
        400,
        "INVALID_FORMATION_ITEM",
        {"field": field},
    )
    assert emulator.tenant().drafts.edits == {}


async def test_an_assessment_asking_a_field_twice_is_refused(api: Api) -> None:
    """Two questions on one CDT field answer 400 INVALID_FORMATION_ITEM."""
    current = (await api.call("GET", "formations/current/assessments/asm-phq9-screen")).body
    section = current["sections"][0]
    doubled = {**section, "fields": [section["fields"][0]] * 2}
    body = {**current, "name": "asm-doubled", "sections": [doubled]}
    answer = await api.call("POST", "formations/draft/assessments", json_body=body)
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_FORMATION_ITEM")
    assert "twice" in answer.error["message"]


async def test_a_body_missing_a_required_field_is_refused(api: Api) -> None:
    """A program without phases answers 400 INVALID_REQUEST_BODY, before any lookup."""
    answer = await api.call("POST", "formations/draft/programs", json_body={"name": "p"})
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_REQUEST_BODY")


async def test_a_disposition_cannot_redefine_a_system_field(
    api: Api, emulator: WelkinEmulator
) -> None:
    """A disposition field named like a system field (created_at) answers 400."""
    body = {"name": "__encounter_disposition__", "fields": [{"name": "created_at", "type": "text"}]}
    answer = await api.call("PUT", "formations/draft/encounter-disposition", json_body=body)
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_FORMATION_ITEM")
    assert emulator.tenant().drafts.encounter_disposition is None


async def test_the_disposition_keeps_its_name(api: Api) -> None:
    """A disposition body naming another CDT answers 400 naming the name."""
    body = {"name": "other", "fields": [{"name": "notes", "type": "text"}]}
    answer = await api.call("PUT", "formations/draft/encounter-disposition", json_body=body)
    assert answer.error["details"] == {"field": "name"}


async def test_a_built_in_dictionary_cannot_be_deleted(api: Api) -> None:
    """DELETE formations/draft/dictionaries/timezone answers 400 FORMATION_ITEM_NOT_EDITABLE."""
    answer = await api.call("DELETE", "formations/draft/dictionaries/timezone")
    assert (answer.status, answer.error["errorCode"]) == (400, "FORMATION_ITEM_NOT_EDITABLE")


async def test_an_assessment_a_draft_template_names_cannot_be_deleted(
    api: Api, emulator: WelkinEmulator
) -> None:
    """DELETE of a draft assessment an encounter template of the draft names answers 400
    INVALID_FORMATION_ITEM naming the template, and keeps the assessment; once no template
    names it, it is deleted."""
    path = "formations/draft/assessments/asm-self-care-check"
    answer = await api.call("DELETE", path)
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_FORMATION_ITEM")
    assert answer.error["details"]["referencedBy"] == ["etmp-follow-up-call"]
    assert "etmp-follow-up-call" in answer.error["message"]
    assert (await api.call("GET", path)).status == 200
    await api.call("DELETE", "formations/draft/encounters/etmp-follow-up-call")
    assert (await api.call("DELETE", path)).status == 204


async def test_a_dictionary_the_draft_disposition_draws_on_cannot_be_deleted(
    api: Api, emulator: WelkinEmulator
) -> None:
    """DELETE of a draft dictionary a field of the draft's disposition draws on answers 400
    INVALID_FORMATION_ITEM naming the field, and keeps the dictionary."""
    body = {
        "name": "__encounter_disposition__",
        "fields": [
            {
                "name": "allergen",
                "type": "text",
                "dictionary": {"name": "allergens", "field": "code"},
            }
        ],
    }
    written = await api.call("PUT", "formations/draft/encounter-disposition", json_body=body)
    assert written.status == 200, written.body
    answer = await api.call("DELETE", "formations/draft/dictionaries/allergens")
    assert (answer.status, answer.error["errorCode"]) == (400, "INVALID_FORMATION_ITEM")
    assert answer.error["details"]["referencedBy"] == ["allergen"]
    assert "allergens" in emulator.tenant().drafts.read(
        "dictionaries", emulator.tenant().dictionaries
    )


async def test_a_role_that_only_reads_formations_is_refused_writes(api_for: ApiFactory) -> None:
    """The analyst role reads formations but is refused a draft write: 403."""
    analyst = await api_for(role="analyst")
    answer = await analyst.call(
        "PUT", "formations/draft/programs/prog-diabetes", json_body=_PROGRAM
    )
    assert (answer.status, answer.error["errorCode"]) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")
