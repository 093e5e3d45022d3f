"""Formations: the tenant's Designer configuration (CDTs, programs, encounter templates,
assessments, document types, goal templates) at ``current``, ``draft`` or a version number;
lists are bare JSON arrays, one item is read by name (404 ``FORMATION_ITEM_NOT_FOUND`` for a name
the formation lacks). A version that is no number is refused (400 ``INVALID_FORMATION_VERSION``).
``encounter-disposition`` is one CDT definition, the dispositions' fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from welkin_async.testing._errors import bad_request, not_found
from welkin_async.testing._routing import Call, Reply, Route, json_reply
from welkin_async.testing._tenants import Tenant
from welkin_async.testing.routes._shapes import array, ref

RESOURCE = "formations"


def _check_version(call: Call) -> str:
    """``current``, ``draft`` or the published number; 404 for a number never published, 400
    for anything else."""
    version = call.params["version"]
    if version in ("current", "draft") or version == str(call.tenant.formation_version):
        return version
    if not version.isdecimal():
        raise bad_request(
            "INVALID_FORMATION_VERSION",
            "FORMATION",
            "The version must be current, draft or a number",
            parameter="version",
        )
    raise not_found("FORMATION_NOT_FOUND", "FORMATION", "No such formation version")


def _cdts(tenant: Tenant, version: str) -> dict[str, dict[str, Any]]:
    if version == "draft" and tenant.draft_cdts is not None:
        return tenant.draft_cdts
    return tenant.cdts


_KINDS: dict[str, Callable[[Tenant, str], dict[str, dict[str, Any]]]] = {
    "cdts": _cdts,
    "programs": lambda tenant, _version: tenant.programs,
    "encounters": lambda tenant, _version: tenant.encounter_templates,
    "assessments": lambda tenant, _version: tenant.assessment_templates,
    "document-types": lambda tenant, _version: tenant.document_types,
    "goal-templates": lambda tenant, _version: tenant.goal_templates,
}
_SCHEMAS = {
    "cdts": "cdt_definition.json",
    "programs": "program_formation.json",
    "encounters": "encounter_template.json",
    "assessments": "assessment_template.json",
    "document-types": "cdt_definition.json",
    "goal-templates": "goal_template.json",
}


def _lister(kind: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        return json_reply(list(_KINDS[kind](call.tenant, _check_version(call)).values()))

    return handler


def _getter(kind: str) -> Callable[[Call], Reply]:
    def handler(call: Call) -> Reply:
        items = _KINDS[kind](call.tenant, _check_version(call))
        item = items.get(call.params["name"])
        if item is None:
            raise not_found("FORMATION_ITEM_NOT_FOUND", "FORMATION", f"No such item in {kind}")
        return json_reply(item)

    return handler


def encounter_disposition(call: Call) -> Reply:
    _check_version(call)
    return json_reply(call.tenant.encounter_disposition)


ROUTES = (
    *(
        route
        for kind, schema in _SCHEMAS.items()
        for route in (
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
    ),
    Route(
        "GET",
        "/formations/{version}/encounter-disposition",
        encounter_disposition,
        "The definition of encounter dispositions (a CDT)",
        RESOURCE,
        "read",
        responses={200: ref("cdt_definition.json")},
    ),
)
