"""Formations: the tenant's Designer configuration (CDTs, programs, encounter templates,
assessments, document types, goal templates, dictionaries) at ``current``, ``draft`` or a version
number; lists are bare JSON arrays, one item is read by name (404 ``FORMATION_ITEM_NOT_FOUND`` for
a name the formation lacks). A version that is no number is refused (400
``INVALID_FORMATION_VERSION``). ``encounter-disposition`` is one CDT definition, the
dispositions' fields.

Only the draft is written (see ``.._formations``): ``POST formations/draft/<kind>`` creates an
item (201; 409 ``FORMATION_ITEM_ALREADY_EXISTS`` for a name the draft has), ``PUT
.../<kind>/<name>`` replaces one (the body's name must be the path's: an item is not renamed) and
``DELETE`` removes one (204; 400 ``INVALID_FORMATION_ITEM`` for an assessment an encounter
template of the draft names, or a dictionary a field of the draft's disposition draws on); both
404 ``FORMATION_ITEM_NOT_FOUND`` for a name the draft lacks.
``PUT formations/draft/encounter-disposition`` replaces the disposition's own fields. A write to
any other version is refused (400 ``FORMATION_NOT_EDITABLE``), as is a change to a built-in
dictionary's definition (``cpt``, ``icd-10``, ``timezone``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from welkin_async.testing import _formations as drafts
from welkin_async.testing._errors import bad_request, conflict, not_found
from welkin_async.testing._routing import NO_CONTENT, Call, Reply, Route, json_reply
from welkin_async.testing._tenants import Tenant
from welkin_async.testing.routes._shapes import array, ref

RESOURCE = "formations"
_DRAFT = "draft"


def _check_version(call: Call) -> str:
    """``current``, ``draft`` or the published number; 404 for a number never published, 400
    for anything else."""
    version = call.params["version"]
    if version in ("current", _DRAFT) or version == str(call.tenant.formation_version):
        return version
    if not version.isdecimal():
        raise bad_request(
            "INVALID_FORMATION_VERSION",
            "FORMATION",
            "The version must be current, draft or a number",
            parameter="version",
        )
    raise not_found("FORMATION_NOT_FOUND", "FORMATION", "No such formation version")


def _check_draft(call: Call) -> None:
    """Writes go to the draft only."""
    if call.params["version"] != _DRAFT:
        raise bad_request(
            "FORMATION_NOT_EDITABLE",
            "FORMATION",
            "Only the draft formation can be changed",
            parameter="version",
        )


_CURRENT: dict[str, Callable[[Tenant], drafts.Items]] = {
    "cdts": lambda tenant: tenant.cdts,
    drafts.PROGRAMS: lambda tenant: tenant.programs,
    drafts.ENCOUNTERS: lambda tenant: tenant.encounter_templates,
    drafts.ASSESSMENTS: lambda tenant: tenant.assessment_templates,
    "document-types": lambda tenant: tenant.document_types,
    "goal-templates": lambda tenant: tenant.goal_templates,
    drafts.DICTIONARIES: lambda tenant: tenant.dictionaries,
}
_SCHEMAS = {
    "cdts": "cdt_definition.json",
    drafts.PROGRAMS: "program_formation.json",
    drafts.ENCOUNTERS: "encounter_template.json",
    drafts.ASSESSMENTS: "assessment_template.json",
    "document-types": "cdt_definition.json",
    "goal-templates": "goal_template.json",
    drafts.DICTIONARIES: "dictionary_definition.json",
}


def items_at(tenant: Tenant, kind: str, version: str) -> drafts.Items:
    """The formation's items of ``kind`` at ``version`` (a checked one)."""
    current = _CURRENT[kind](tenant)
    if version != _DRAFT:
        return current
    if kind == "cdts":
        return tenant.draft_cdts if tenant.draft_cdts is not None else current
    return tenant.drafts.read(kind, current)


def _lister(kind: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        return json_reply(list(items_at(call.tenant, kind, _check_version(call)).values()))

    return handler


def _item(items: drafts.Items, kind: str, name: str) -> drafts.Item:
    item = items.get(name)
    if item is None:
        raise not_found("FORMATION_ITEM_NOT_FOUND", "FORMATION", f"No such item in {kind}")
    return item


def _getter(kind: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        items = items_at(call.tenant, kind, _check_version(call))
        return json_reply(_item(items, kind, call.params["name"]))

    return handler


# --- draft writes --------------------------------------------------------------------------------

# An item as the draft stores it, from the body and the item it replaces (None on create).
Build = Callable[[Call, dict[str, Any], drafts.Item | None], drafts.Item]


def _item_id(call: Call, existing: drafts.Item | None) -> str:
    """The server's id of an item: kept on replace, new on create."""
    if existing is not None and existing.get("id"):
        return str(existing["id"])
    return call.backend.new_id()


_BUILD: dict[str, Build] = {
    drafts.PROGRAMS: lambda _call, body, _existing: drafts.program(body),
    drafts.ENCOUNTERS: lambda call, body, existing: drafts.encounter_template(
        body, _item_id(call, existing), items_at(call.tenant, drafts.ASSESSMENTS, _DRAFT)
    ),
    drafts.ASSESSMENTS: lambda call, body, existing: drafts.assessment(
        body, _item_id(call, existing), items_at(call.tenant, "cdts", _DRAFT)
    ),
    drafts.DICTIONARIES: lambda _call, body, _existing: drafts.dictionary(body),
}


def _check_editable(kind: str, name: str) -> None:
    if kind == drafts.DICTIONARIES and name in drafts.BUILT_IN_DICTIONARIES:
        raise bad_request(
            "FORMATION_ITEM_NOT_EDITABLE",
            "FORMATION",
            f"The built-in dictionary '{name}' cannot be changed",
            name=name,
        )


def _creator(kind: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        _check_draft(call)
        body = call.json_object()
        name = body["name"]
        if name in items_at(call.tenant, kind, _DRAFT):
            raise conflict(
                "FORMATION_ITEM_ALREADY_EXISTS",
                "FORMATION",
                f"The draft already has '{name}' in {kind}",
                name=name,
            )
        item = _BUILD[kind](call, body, None)
        call.tenant.drafts.edit(kind, _CURRENT[kind](call.tenant))[name] = item
        return json_reply(item, 201)

    return handler


def _replacer(kind: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        _check_draft(call)
        body = call.json_object()
        name = call.params["name"]
        existing = _item(items_at(call.tenant, kind, _DRAFT), kind, name)
        _check_editable(kind, name)
        if body["name"] != name:
            raise drafts.invalid("An item is not renamed: create one, delete the other", "name")
        item = _BUILD[kind](call, body, existing)
        call.tenant.drafts.edit(kind, _CURRENT[kind](call.tenant))[name] = item
        return json_reply(item)

    return handler


def _deleter(kind: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        _check_draft(call)
        name = call.params["name"]
        tenant = call.tenant
        _item(items_at(tenant, kind, _DRAFT), kind, name)
        _check_editable(kind, name)
        drafts.check_unreferenced(
            kind,
            name,
            items_at(tenant, drafts.ENCOUNTERS, _DRAFT),
            tenant.drafts.disposition(tenant.encounter_disposition),
        )
        del call.tenant.drafts.edit(kind, _CURRENT[kind](call.tenant))[name]
        return NO_CONTENT

    return handler


def encounter_disposition(call: Call) -> Reply:
    version = _check_version(call)
    current = call.tenant.encounter_disposition
    return json_reply(call.tenant.drafts.disposition(current) if version == _DRAFT else current)


def replace_encounter_disposition(call: Call) -> Reply:
    _check_draft(call)
    tenant = call.tenant
    replaced = drafts.encounter_disposition(
        call.json_object(),
        tenant.drafts.disposition(tenant.encounter_disposition),
        items_at(tenant, drafts.DICTIONARIES, _DRAFT),
    )
    tenant.drafts.encounter_disposition = replaced
    return json_reply(replaced)


def _reads(kind: str, schema: str) -> tuple[Route, ...]:
    return (
        Route(
            "GET",
            f"/formations/{{version}}/{kind}",
            _lister(kind),
            f"List the formation's {kind}",
            RESOURCE,
            "read",
            responses={200: array(ref(schema))},
        ),
        Route(
            "GET",
            f"/formations/{{version}}/{kind}/{{name}}",
            _getter(kind),
            f"Get one of the formation's {kind} by name",
            RESOURCE,
            "read",
            responses={200: ref(schema)},
        ),
    )


def _writes(kind: str) -> tuple[Route, ...]:
    schema = _SCHEMAS[kind]
    return (
        Route(
            "POST",
            f"/formations/{{version}}/{kind}",
            _creator(kind),
            f"Create one of the draft's {kind}",
            RESOURCE,
            "create",
            request_body=schema,
            responses={201: ref(schema)},
        ),
        Route(
            "PUT",
            f"/formations/{{version}}/{kind}/{{name}}",
            _replacer(kind),
            f"Replace one of the draft's {kind} by name",
            RESOURCE,
            "update",
            request_body=schema,
            responses={200: ref(schema)},
        ),
        Route(
            "DELETE",
            f"/formations/{{version}}/{kind}/{{name}}",
            _deleter(kind),
            f"Delete one of the draft's {kind} by name",
            RESOURCE,
            "delete",
            responses={204: None},
        ),
    )


ROUTES = (
    *(route for kind, schema in _SCHEMAS.items() for route in _reads(kind, schema)),
    *(route for kind in _BUILD for route in _writes(kind)),
    Route(
        "GET",
        "/formations/{version}/encounter-disposition",
        encounter_disposition,
        "The definition of encounter dispositions (a CDT)",
        RESOURCE,
        "read",
        responses={200: ref("cdt_definition.json")},
    ),
    Route(
        "PUT",
        "/formations/{version}/encounter-disposition",
        replace_encounter_disposition,
        "Replace the draft's encounter disposition fields",
        RESOURCE,
        "update",
        request_body="cdt_definition.json",
        responses={200: ref("cdt_definition.json")},
    ),
)
