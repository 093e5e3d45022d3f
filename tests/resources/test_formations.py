"""``client.formations``: the tenant's Designer configuration read through the SDK, compared with
the emulator tenant's state (CDT definitions, drafts, numbered versions, programs, templates,
document types, goal templates, the encounter disposition, one item of each kind by name)."""

from __future__ import annotations

import pytest

from tests.conftest import Connect
from welkin_async import unstructure
from welkin_async.errors import BadRequest, NotFound, PermissionDenied
from welkin_async.models import GoalTaskSubject
from welkin_async.resources import question_keys
from welkin_async.testing import WelkinEmulator


def served_versions(definitions: dict[str, dict[str, object]]) -> dict[str, object]:
    """A tenant's CDT definitions as ``{name: version}``."""
    return {name: definition["version"] for name, definition in definitions.items()}


async def test_current_cdts_are_the_tenants(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """cdts() returns every CDT definition of the tenant, with its name and version."""
    async with connect() as client:
        definitions = await client.formations.cdts()
    expected = served_versions(welkin_emulator.tenant("acme").cdts)
    assert {d.name: d.version for d in definitions} == expected
    assert len(definitions) == len(expected)


async def test_cdt_fields_are_structured(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """Each definition's fields come back by name, as the tenant defines them."""
    async with connect() as client:
        definitions = await client.formations.cdts()
    tenant_cdts = welkin_emulator.tenant("acme").cdts
    for definition in definitions:
        wanted = [field["name"] for field in tenant_cdts[definition.name]["fields"]]
        assert [field.name for field in definition.fields] == wanted


async def test_draft_cdts_are_the_tenants_draft(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """cdts("draft") returns the tenant's unpublished draft definitions, not the current ones."""
    tenant = welkin_emulator.tenant("acme")
    edited = {**tenant.cdts["allergies"], "version": tenant.cdts["allergies"]["version"] + 1}
    added = {**tenant.cdts["consents"], "name": "only-in-draft", "version": 1}
    tenant.draft_cdts = {"allergies": edited, "only-in-draft": added}
    async with connect() as client:
        draft = await client.formations.cdts("draft")
        current = await client.formations.cdts()
    assert {d.name: d.version for d in draft} == served_versions(tenant.draft_cdts)
    assert {d.name: d.version for d in current} == served_versions(tenant.cdts)


async def test_cdts_at_the_formation_version_number(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """cdts(<formation version number>) returns the definitions of that published formation."""
    version = welkin_emulator.tenant("acme").formation_version
    async with connect() as client:
        numbered = await client.formations.cdts(version)
        current = await client.formations.cdts()
    assert [(d.name, d.version) for d in numbered] == [(d.name, d.version) for d in current]
    assert welkin_emulator.stats.requests["GET /formations/{version}/cdts"] == 2


async def test_unknown_formation_version_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A formation version that was never published raises NotFound."""
    unpublished = welkin_emulator.tenant("acme").formation_version + 1
    async with connect() as client:
        with pytest.raises(NotFound):
            await client.formations.cdts(unpublished)


async def test_programs_are_the_tenants(welkin_emulator: WelkinEmulator, connect: Connect) -> None:
    """programs() returns every program of the tenant with its phases and their moves."""
    async with connect() as client:
        programs = await client.formations.programs()
    tenant_programs = welkin_emulator.tenant("acme").programs
    assert [p.name for p in programs] == list(tenant_programs)
    for program in programs:
        phases = tenant_programs[program.name]["phases"]
        assert [phase.name for phase in program.phases] == [phase["name"] for phase in phases]
        for phase, wanted in zip(program.phases, phases, strict=True):
            moves = [link["name"] for link in wanted.get("navigateTo", [])]
            assert [link.name for link in phase.navigate_to or []] == moves


async def test_encounter_templates_are_the_tenants(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """encounter_templates() returns every template with its title, delivery and assessments
    (``assessmentNames``), every served key typed."""
    async with connect() as client:
        templates = await client.formations.encounter_templates()
    tenant_templates = welkin_emulator.tenant("acme").encounter_templates
    assert [t.name for t in templates] == list(tenant_templates)
    for template in templates:
        wanted = tenant_templates[template.name]
        assert template.title == wanted.get("title")
        assert (template.delivery_method, template.default_duration) == (
            wanted["deliveryMethod"],
            wanted["defaultDuration"],
        )
        assert list(template.assessment_names or []) == wanted["assessmentNames"]
        assert template.wire_extra == {}


async def test_assessments_are_the_tenants(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """assessments() returns every assessment template with its sections of fields, each
    question naming the CDT field it answers, every served key typed."""
    async with connect() as client:
        assessments = await client.formations.assessments()
    tenant_assessments = welkin_emulator.tenant("acme").assessment_templates
    assert [a.name for a in assessments] == list(tenant_assessments)
    for assessment in assessments:
        wanted = tenant_assessments[assessment.name]
        assert unstructure(assessment) == wanted
        fields = [f for section in wanted["sections"] for f in section["fields"]]
        assert question_keys(assessment) == [
            f"{f['refCdtName']}__{f['refCdtFieldName']}" for f in fields
        ]
        assert assessment.wire_extra == {}


# --- document types, goal templates, the encounter disposition -----------------------------------


async def test_document_types_are_the_tenants(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """document_types() returns every document type: a CDT definition of relation
    DOCUMENT_TYPE, as served, every key typed."""
    async with connect() as client:
        types = await client.formations.document_types()
    tenant_types = welkin_emulator.tenant("acme").document_types
    assert [unstructure(t) for t in types] == list(tenant_types.values())
    assert {t.relation for t in types} == {"DOCUMENT_TYPE"}
    assert all(t.wire_extra == {} for t in types)


async def test_goal_templates_are_the_tenants(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """goal_templates() returns every goal template with its task templates, every key typed."""
    async with connect() as client:
        goals = await client.formations.goal_templates()
    tenant_goals = welkin_emulator.tenant("acme").goal_templates
    assert [unstructure(g) for g in goals] == list(tenant_goals.values())
    assert [g.name for g in goals] == list(tenant_goals)
    subjects = [t.subject_config for g in goals for t in g.task_templates or []]
    assert all(isinstance(s, GoalTaskSubject) and s.wire_extra == {} for s in subjects)


async def test_encounter_disposition_is_the_tenants(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """encounter_disposition() returns the definition of the tenant's dispositions."""
    async with connect() as client:
        definition = await client.formations.encounter_disposition()
    assert unstructure(definition) == welkin_emulator.tenant("acme").encounter_disposition
    assert (definition.name, definition.relation) == (
        "__encounter_disposition__",
        "ENCOUNTER_DISPOSITION",
    )


# --- one item by name ----------------------------------------------------------------------------


async def test_one_item_of_each_kind_by_name(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """cdt, program, encounter_template, assessment, document_type and goal_template(name) each
    return the tenant's item of that name, as served."""
    tenant = welkin_emulator.tenant("acme")
    kinds = {
        "cdt": tenant.cdts,
        "program": tenant.programs,
        "encounter_template": tenant.encounter_templates,
        "assessment": tenant.assessment_templates,
        "document_type": tenant.document_types,
        "goal_template": tenant.goal_templates,
    }
    async with connect() as client:
        for method, items in kinds.items():
            name, stored = list(items.items())[-1]
            item = await getattr(client.formations, method)(name)
            assert unstructure(item) == stored, method


async def test_an_item_at_the_formation_version_number(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An item by name at the published version number is the current one."""
    version = welkin_emulator.tenant("acme").formation_version
    async with connect() as client:
        numbered = await client.formations.goal_template("eat-fruit", version=version)
        current = await client.formations.goal_template("eat-fruit")
    assert numbered == current


async def test_an_unknown_name_is_formation_item_not_found(connect: Connect) -> None:
    """A name the formation does not have raises NotFound FORMATION_ITEM_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.formations.document_type("doc-type-nowhere")
    assert caught.value.error_code == "FORMATION_ITEM_NOT_FOUND"


async def test_a_version_that_is_no_number_is_bad_request(connect: Connect) -> None:
    """A version other than current, draft or a number raises BadRequest naming it."""
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.formations.goal_templates("latest")
    assert caught.value.error_code == "INVALID_FORMATION_VERSION"
    assert caught.value.details["parameter"] == "version"


async def test_a_role_without_formations_access_is_permission_denied(connect: Connect) -> None:
    """The scheduler role may not read formations: PermissionDenied."""
    async with connect(role="scheduler") as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.formations.encounter_disposition()
    assert caught.value.error_code == "ACCESS_FOR_API_CLIENT_RESTRICTED"
