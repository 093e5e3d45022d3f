"""Draft formations: Designer's unpublished edits, written through ``formations/draft/...``.

The draft of a kind (programs, encounter templates, assessments, dictionaries) and of the
encounter disposition starts as a deep copy of the current one at its first write (copy on
write), so the current formation never changes; until then the draft serves the current items.
CDT definitions keep their own draft (``Tenant.draft_cdts``), which no route writes.

The checks here are what a write is refused for (400 ``INVALID_FORMATION_ITEM``, naming the item's
field): a program's moves to phases it lacks, an assessment question without the CDT field it
answers (or asked twice), an encounter template naming an assessment the draft lacks, a
dictionary or disposition with a field twice; and a delete of an assessment or dictionary the
draft's encounter templates or disposition still name. Names are configuration, never patient
data, so messages may quote them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from welkin_async.testing._errors import ApiFailure, bad_request
from welkin_async.testing._records import CDT_SYSTEM_FIELDS

Item = dict[str, Any]
Items = dict[str, Item]
# The draft kinds as the paths name them.
PROGRAMS = "programs"
ENCOUNTERS = "encounters"
ASSESSMENTS = "assessments"
DICTIONARIES = "dictionaries"
# The dictionaries every tenant has: their definitions cannot be changed.
BUILT_IN_DICTIONARIES = frozenset({"cpt", "icd-10", "timezone"})


@attrs.define
class FormationDrafts:
    """A tenant's draft items by kind, held only for the kinds written since the tenant loaded."""

    edits: dict[str, Items] = attrs.field(factory=dict)
    encounter_disposition: Item | None = None

    def read(self, kind: str, current: Items) -> Items:
        """The draft's items of ``kind``: the current ones until the first write."""
        return self.edits.get(kind, current)

    def edit(self, kind: str, current: Items) -> Items:
        """The draft's items of ``kind``, to write to: a copy of ``current`` at the first write."""
        if kind not in self.edits:
            self.edits[kind] = copy.deepcopy(current)
        return self.edits[kind]

    def disposition(self, current: Item) -> Item:
        """The draft's encounter disposition: the current one until it is replaced."""
        return self.encounter_disposition if self.encounter_disposition is not None else current


def invalid(message: str, field: str) -> ApiFailure:
    return bad_request("INVALID_FORMATION_ITEM", "FORMATION", message, field=field)


def _once(names: Iterable[str], field: str) -> set[str]:
    """The names, each given once (a 400 naming ``field`` for a repeat)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise invalid(f"'{name}' is given twice", field)
        seen.add(name)
    return seen


def program(body: Item) -> Item:
    """A program as the draft stores it; every move names one of its phases."""
    phases = _once((phase["name"] for phase in body["phases"]), "phases")
    for phase in body["phases"]:
        for link in phase.get("navigateTo") or ():
            if link["name"] not in phases:
                raise invalid(f"No phase '{link['name']}' to move to", "navigateTo")
    return {"title": None, "description": None, **body, "nodes": body.get("nodes")}


_TEMPLATE_KEYS = (
    "title",
    "encounterDescription",
    "encounterInstruction",
    "encounterColor",
    "type",
    "deliveryMethod",
    "defaultDuration",
)


def encounter_template(body: Item, item_id: str, assessments: Mapping[str, Item]) -> Item:
    """An encounter template as the draft stores it, with the server's ``id``; every assessment
    it names is one of the draft's."""
    names = body.get("assessmentNames") or []
    for name in names:
        if name not in assessments:
            raise invalid(f"The draft has no assessment '{name}'", "assessmentNames")
    given = {key: value for key, value in body.items() if key != "id"}
    return {
        "id": item_id,
        **dict.fromkeys(_TEMPLATE_KEYS),
        **given,
        "assessmentNames": list(names),
    }


def assessment(body: Item, item_id: str, cdts: Mapping[str, Item]) -> Item:
    """An assessment as the draft stores it, with the server's ``id``: each question answers a
    field of one of the draft's CDTs, and no field is asked twice."""
    asked: set[tuple[str, str]] = set()
    for section in body.get("sections") or ():
        for field in section.get("fields") or ():
            if field.get("viewType") != "question":
                continue
            cdt, name = field.get("refCdtName"), field.get("refCdtFieldName")
            definition = cdts.get(cdt) if isinstance(cdt, str) else None
            if definition is None or name not in {f["name"] for f in definition["fields"]}:
                raise invalid("A question must name a CDT field of the draft", "refCdtFieldName")
            if field.get("meta") is None:
                raise invalid("A question needs its meta", "meta")
            if (cdt, name) in asked:
                raise invalid(f"'{cdt}.{name}' is asked twice", "refCdtFieldName")
            asked.add((cdt, name))
    given = {key: value for key, value in body.items() if key != "id"}
    return {"id": item_id, **given}


def dictionary(body: Item) -> Item:
    """A dictionary definition as the draft stores it (never ``internal``)."""
    _once((field["name"] for field in body["fields"]), "fields")
    return {
        "name": body["name"],
        "title": body.get("title"),
        "internal": False,
        "fields": [{"name": f["name"], "type": f["type"]} for f in body["fields"]],
    }


def _system(name: str) -> bool:
    return name in CDT_SYSTEM_FIELDS or name.startswith("external_")


_FIELD_DEFAULTS: Item = {
    "formula": None,
    "dictionary": None,
    "profileDataType": None,
    "editable": True,
    "searchable": False,
    "bulkEdit": False,
    "phi": False,
    "disable": False,
    "injectedSource": False,
    "displayType": None,
    "valueType": None,
    "meta": {"required": False},
}


def _dictionary_field(field: Item, dictionaries: Mapping[str, Item]) -> None:
    """A field drawing its values from a dictionary names one of the draft's, and its field."""
    reference = field.get("dictionary")
    if reference is None:
        return
    if not isinstance(reference, dict):
        raise invalid("A dictionary reference is an object {name, field}", "dictionary")
    name = reference.get("name")
    definition = dictionaries.get(name) if isinstance(name, str) else None
    fields = {f["name"] for f in definition["fields"]} if definition else set()
    if reference.get("field") not in fields:
        raise invalid("The reference names no dictionary field of the draft", "dictionary")


def check_unreferenced(
    kind: str, name: str, templates: Mapping[str, Item], disposition: Item
) -> None:
    """Refuse deleting the draft's ``kind`` item ``name`` while the draft still names it (400
    ``INVALID_FORMATION_ITEM``, naming what does): an assessment in an encounter template's
    ``assessmentNames``, a dictionary in a field of the encounter disposition."""
    if kind == ASSESSMENTS:
        by = [key for key, item in templates.items() if name in (item.get("assessmentNames") or ())]
        where = "encounter templates"
    elif kind == DICTIONARIES:
        by = [
            field["name"]
            for field in disposition["fields"]
            if isinstance(field.get("dictionary"), dict) and field["dictionary"].get("name") == name
        ]
        where = f"fields of the encounter disposition '{disposition['name']}'"
    else:
        return
    if by:
        raise bad_request(
            "INVALID_FORMATION_ITEM",
            "FORMATION",
            f"'{name}' is named by the draft's {where}: {', '.join(by)}",
            name=name,
            referencedBy=by,
        )


def encounter_disposition(body: Item, current: Item, dictionaries: Mapping[str, Item]) -> Item:
    """The disposition with ``body``'s fields in place of its own (the system fields stay)."""
    if body.get("name", current["name"]) != current["name"]:
        raise invalid(f"The disposition is named '{current['name']}'", "name")
    names = _once((field["name"] for field in body["fields"]), "fields")
    reserved = sorted(name for name in names if _system(name))
    if reserved:
        raise invalid(f"'{reserved[0]}' is a system field", "fields")
    for field in body["fields"]:
        _dictionary_field(field, dictionaries)
    system = [field for field in current["fields"] if _system(field["name"])]
    fields = [{"name": f["name"], **_FIELD_DEFAULTS, **f} for f in body["fields"]]
    return {**current, "fields": [*fields, *system]}
