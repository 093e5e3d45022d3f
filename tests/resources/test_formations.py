"""``client.formations``: the tenant's Designer configuration read through the SDK, compared with
the emulator tenant's state (CDT definitions, drafts, numbered versions, programs, templates,
document types, goal templates, the encounter disposition, one item of each kind by name)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from tests.conftest import Connect
from welkin_async import unstructure
from welkin_async.errors import BadRequest, Conflict, NotFound, PermissionDenied
from welkin_async.models import (
    CdtFieldDefinition,
    CdtFieldMeta,
    CdtFieldType,
    EncounterTemplate,
    GoalTaskSubject,
)
from welkin_async.resources import question_keys
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._tenants import Tenant


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


# --- the draft's writes --------------------------------------------------------------------------


@attrs.frozen
class Kind:
    """One kind of draft item: its SDK methods, its current items and two bodies of one name."""

    path: str  # the kind as the paths name it
    noun: str  # create_<noun>, replace_<noun>, delete_<noun>, formations.<noun>(name)
    nouns: str  # formations.<nouns>(version)
    current: Callable[[Tenant], dict[str, dict[str, Any]]]
    body: Callable[[Tenant], dict[str, Any]]
    changed: Callable[[Tenant], dict[str, Any]]


def _assessment(tenant: Tenant, title: str) -> dict[str, Any]:
    copied = {k: v for k, v in tenant.assessment_templates["asm-phq9-screen"].items() if k != "id"}
    return {**copied, "name": "asm-new", "title": title}


KINDS = [
    Kind(
        "programs",
        "program",
        "programs",
        lambda tenant: tenant.programs,
        lambda _tenant: {
            "name": "prog-new",
            "title": "New program",
            "description": "Made from code",
            "phases": [
                {"name": "start", "title": "Start", "navigateTo": [{"name": "end"}]},
                {"name": "end", "title": "End", "navigateTo": None},
            ],
        },
        lambda _tenant: {
            "name": "prog-new",
            "title": "New program",
            "description": "One phase now",
            "phases": [{"name": "start", "title": "Start", "navigateTo": None}],
        },
    ),
    Kind(
        "encounters",
        "encounter_template",
        "encounter_templates",
        lambda tenant: tenant.encounter_templates,
        lambda _tenant: {
            "name": "etmp-new",
            "title": "New visit",
            "assessmentNames": ["asm-phq9-screen"],
        },
        lambda _tenant: {"name": "etmp-new", "title": "New visit", "assessmentNames": []},
    ),
    Kind(
        "assessments",
        "assessment",
        "assessments",
        lambda tenant: tenant.assessment_templates,
        lambda tenant: _assessment(tenant, "New screen"),
        lambda tenant: _assessment(tenant, "Renamed screen"),
    ),
    Kind(
        "dictionaries",
        "dictionary",
        "dictionaries",
        lambda tenant: tenant.dictionaries,
        lambda _tenant: {
            "name": "alphabet",
            "title": "Alphabet",
            "fields": [{"name": "lower", "type": "text"}, {"name": "upper", "type": "text"}],
        },
        lambda _tenant: {
            "name": "alphabet",
            "title": "Alphabet",
            "fields": [{"name": "character", "type": "text"}],
        },
    ),
]
BY_KIND = pytest.mark.parametrize("kind", KINDS, ids=[kind.path for kind in KINDS])


def draft_items(tenant: Tenant, kind: Kind) -> dict[str, dict[str, Any]]:
    """The emulator's draft items of ``kind``: its current ones until the first write."""
    return tenant.drafts.read(kind.path, kind.current(tenant))


@BY_KIND
async def test_create_adds_an_item_to_the_draft_only(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind
) -> None:
    """create_<kind>() stores the item in the draft, which the draft read returns; the current
    formation stays as it was."""
    tenant = welkin_emulator.tenant("acme")
    body = kind.body(tenant)
    current = copy.deepcopy(kind.current(tenant))
    async with connect() as client:
        created = await getattr(client.formations.draft, f"create_{kind.noun}")(body)
        read = await getattr(client.formations, kind.noun)(body["name"], version="draft")
        with pytest.raises(NotFound):
            await getattr(client.formations, kind.noun)(body["name"])
    assert unstructure(created) == unstructure(read) == draft_items(tenant, kind)[body["name"]]
    assert {k: v for k, v in unstructure(created).items() if k in body} == body
    assert kind.current(tenant) == current


@BY_KIND
async def test_replace_changes_the_drafts_item(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind
) -> None:
    """replace_<kind>() replaces the draft's item of that name (an id it has stays)."""
    tenant = welkin_emulator.tenant("acme")
    changed = kind.changed(tenant)
    async with connect() as client:
        created = await getattr(client.formations.draft, f"create_{kind.noun}")(kind.body(tenant))
        replaced = await getattr(client.formations.draft, f"replace_{kind.noun}")(changed)
    stored = draft_items(tenant, kind)[changed["name"]]
    assert unstructure(replaced) == stored
    assert {k: v for k, v in stored.items() if k in changed} == changed
    assert stored.get("id") == unstructure(created).get("id")


@BY_KIND
async def test_delete_removes_the_drafts_item(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind
) -> None:
    """delete_<kind>() removes an item from the draft (once no draft template names it); the
    current formation keeps it."""
    tenant = welkin_emulator.tenant("acme")
    name = list(kind.current(tenant))[-1]
    async with connect() as client:
        for template in list(draft_items(tenant, KINDS[1]).values()):
            names = template.get("assessmentNames") or []
            if name in names:  # the emulator refuses to delete an assessment a template names
                kept = [other for other in names if other != name]
                await client.formations.draft.replace_encounter_template(
                    {**template, "assessmentNames": kept}
                )
        await getattr(client.formations.draft, f"delete_{kind.noun}")(name)
        listed = await getattr(client.formations, kind.nouns)("draft")
    assert name not in draft_items(tenant, kind)
    assert name not in {item.name for item in listed}
    assert name in kind.current(tenant)


@BY_KIND
async def test_creating_a_name_the_draft_has_is_conflict(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind
) -> None:
    """create_<kind>() of a name the draft already has raises Conflict; nothing changes."""
    tenant = welkin_emulator.tenant("acme")
    name = next(iter(kind.current(tenant)))
    async with connect() as client:
        with pytest.raises(Conflict) as caught:
            await getattr(client.formations.draft, f"create_{kind.noun}")(
                {**kind.body(tenant), "name": name}
            )
    assert caught.value.error_code == "FORMATION_ITEM_ALREADY_EXISTS"
    assert kind.path not in tenant.drafts.edits


@BY_KIND
async def test_replacing_a_name_the_draft_lacks_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind
) -> None:
    """replace_<kind>() of a name the draft lacks raises NotFound FORMATION_ITEM_NOT_FOUND."""
    tenant = welkin_emulator.tenant("acme")
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await getattr(client.formations.draft, f"replace_{kind.noun}")(kind.body(tenant))
    assert caught.value.error_code == "FORMATION_ITEM_NOT_FOUND"
    assert kind.path not in tenant.drafts.edits


async def test_deleting_a_name_the_draft_lacks_is_not_found(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """delete_program() of a name the draft lacks raises NotFound FORMATION_ITEM_NOT_FOUND."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await client.formations.draft.delete_program("prog-nowhere")
    assert caught.value.error_code == "FORMATION_ITEM_NOT_FOUND"


async def test_a_model_body_is_written_as_its_wire_form(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create_encounter_template() takes the model as well as a mapping of wire names."""
    template = EncounterTemplate(name="etmp-typed", title="Typed", default_duration=30)
    async with connect() as client:
        created = await client.formations.draft.create_encounter_template(template)
    stored = welkin_emulator.tenant("acme").drafts.edits["encounters"]["etmp-typed"]
    assert (stored["defaultDuration"], created.default_duration, created.id is not None) == (
        30,
        30,
        True,
    )


async def test_a_program_moving_to_a_phase_it_lacks_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A program whose phase moves to a phase it lacks raises BadRequest INVALID_FORMATION_ITEM."""
    body = {"name": "prog-bad", "phases": [{"name": "a", "navigateTo": [{"name": "b"}]}]}
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.formations.draft.create_program(body)
    assert (caught.value.error_code, caught.value.details["field"]) == (
        "INVALID_FORMATION_ITEM",
        "navigateTo",
    )
    assert "programs" not in welkin_emulator.tenant("acme").drafts.edits


async def test_a_body_without_a_required_field_is_bad_request(connect: Connect) -> None:
    """A dictionary without fields raises BadRequest INVALID_REQUEST_BODY."""
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.formations.draft.create_dictionary({"name": "empty", "fields": []})
    assert caught.value.error_code == "INVALID_REQUEST_BODY"


async def test_a_body_without_a_name_is_refused_before_sending(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_program() of a mapping without a name is a ValueError; nothing is sent."""
    async with connect() as client:
        with pytest.raises(ValueError, match="needs its name"):
            await client.formations.draft.replace_program({"phases": []})
    assert welkin_emulator.stats.requests["PUT /formations/{version}/programs/{name}"] == 0


async def test_a_built_in_dictionary_cannot_be_changed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_dictionary() of cpt raises BadRequest FORMATION_ITEM_NOT_EDITABLE."""
    body = {"name": "cpt", "fields": [{"name": "code", "type": "text"}]}
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.formations.draft.replace_dictionary(body)
    assert caught.value.error_code == "FORMATION_ITEM_NOT_EDITABLE"
    assert "dictionaries" not in welkin_emulator.tenant("acme").drafts.edits


async def test_a_role_that_only_reads_formations_cannot_write_the_draft(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The care-coordinator role reads formations but may not create in the draft."""
    tenant = welkin_emulator.tenant("acme")
    async with connect(role="care-coordinator") as client:
        assert await client.formations.programs("draft")
        with pytest.raises(PermissionDenied):
            await client.formations.draft.create_program(KINDS[0].body(tenant))
    assert tenant.drafts.edits == {}


async def test_a_role_without_delete_cannot_delete_from_the_draft(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A role that may create and update but not delete is refused delete_assessment()."""
    async with connect(role="integration-no-delete") as client:
        with pytest.raises(PermissionDenied):
            await client.formations.draft.delete_assessment("asm-phq9-screen")
    assert welkin_emulator.tenant("acme").drafts.edits == {}


# --- dictionaries and the encounter disposition --------------------------------------------------


async def test_dictionaries_are_the_tenants(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """dictionaries() and dictionary(name) return the tenant's dictionary definitions."""
    async with connect() as client:
        listed = await client.formations.dictionaries()
        one = await client.formations.dictionary("timezone")
    tenant_dictionaries = welkin_emulator.tenant("acme").dictionaries
    assert [unstructure(d) for d in listed] == list(tenant_dictionaries.values())
    assert (one.name, one.internal, [f.name for f in one.fields]) == (
        "timezone",
        True,
        ["timezone"],
    )


async def test_replace_encounter_disposition_changes_the_drafts_fields(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_encounter_disposition() sets the draft's own fields (a select may draw from a
    dictionary), keeps the system fields, and leaves the current disposition as it was."""
    tenant = welkin_emulator.tenant("acme")
    current = copy.deepcopy(tenant.encounter_disposition)
    fields: list[CdtFieldDefinition | dict[str, Any]] = [
        CdtFieldDefinition(name="icd-10", type=CdtFieldType.TEXT, meta=CdtFieldMeta(required=True)),
        {"name": "cpt", "type": "select", "dictionary": {"name": "cpt", "field": "value"}},
    ]
    async with connect() as client:
        replaced = await client.formations.draft.replace_encounter_disposition(fields)
        draft = await client.formations.encounter_disposition("draft")
        served = await client.formations.encounter_disposition()
    names = [field.name for field in draft.fields]
    assert names[:2] == ["icd-10", "cpt"]
    assert names[2:] == [
        "id",
        "created_at",
        "created_by",
        "created_by_name",
        "updated_at",
        "updated_by",
        "updated_by_name",
        "source_name",
        "source_type",
        "source_id",
        "external_id",
        "external_guid",
    ]
    assert "uicedf-review" not in names
    assert unstructure(replaced) == unstructure(draft) == tenant.drafts.encounter_disposition
    assert draft.fields[1].dictionary == {"name": "cpt", "field": "value"}
    assert unstructure(served) == current == tenant.encounter_disposition


async def test_a_disposition_field_from_an_unknown_dictionary_is_bad_request(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A disposition field naming a dictionary the draft lacks raises BadRequest."""
    field = {"name": "code", "type": "select", "dictionary": {"name": "nowhere", "field": "value"}}
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.formations.draft.replace_encounter_disposition([field])
    assert caught.value.details["field"] == "dictionary"
    assert welkin_emulator.tenant("acme").drafts.encounter_disposition is None


async def test_a_dictionary_created_in_the_draft_feeds_its_disposition(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A disposition field may draw from a dictionary created in the draft, not yet published."""
    async with connect() as client:
        await client.formations.draft.create_dictionary(KINDS[3].body(welkin_emulator.tenant()))
        await client.formations.draft.replace_encounter_disposition(
            [
                {
                    "name": "letter",
                    "type": "select",
                    "dictionary": {"name": "alphabet", "field": "upper"},
                }
            ]
        )
        with pytest.raises(NotFound):
            await client.dictionaries("alphabet").list()
    assert welkin_emulator.tenant("acme").drafts.encounter_disposition is not None


async def test_one_field_for_the_disposition_is_a_type_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """replace_encounter_disposition() given one mapping, not an iterable of them, is a
    TypeError; nothing is sent."""
    one: Any = {"name": "notes", "type": "text"}
    async with connect() as client:
        with pytest.raises(TypeError, match="iterable"):
            await client.formations.draft.replace_encounter_disposition(one)
    assert welkin_emulator.stats.requests["PUT /formations/{version}/encounter-disposition"] == 0
