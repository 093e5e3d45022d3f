"""Roles and their security policies: create/read/update/delete per resource and per field.

A role is read from a tenant's ``access.json``::

    "care-coordinator": {
      "resources": {"patients": "cru", "cdts": "cru", "*": "r"},
      "fields": {"patients": {"mrn": "r"}, "cdt:insurance": {"member_id": ""}}
    }

Letters grant actions (``c`` create, ``r`` read, ``u`` update, ``d`` delete); ``*`` is the
default for resources not named. A field policy narrows its scope (``patients`` or
``cdt:<name>``): a field without ``r`` is left out of responses, and writing a field without
``u`` is refused with a 403 that names it. Fields not named follow the resource.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

Action = Literal["create", "read", "update", "delete"]
_LETTERS: Mapping[str, Action] = {"c": "create", "r": "read", "u": "update", "d": "delete"}
RESOURCES = (
    "patients",
    "cdts",
    "encounters",
    "assessment-records",
    "programs",
    "formations",
    "users",
    "exports",
    "audit",
    "calendar",
    "care-plans",
    "documents",
    "messages",
    "dictionaries",
    "tasks",
)


def _actions(letters: str, where: str) -> frozenset[Action]:
    unknown = set(letters) - set(_LETTERS)
    if unknown:
        raise ValueError(f"{where}: unknown permission letters {sorted(unknown)}")
    return frozenset(_LETTERS[letter] for letter in letters)


@attrs.frozen
class Role:
    """What an API client with this role may do."""

    name: str
    resources: Mapping[str, frozenset[Action]]
    fields: Mapping[str, Mapping[str, frozenset[Action]]] = attrs.field(factory=dict)

    @classmethod
    def from_json(cls, name: str, document: Mapping[str, object]) -> Role:
        resources = document.get("resources", {})
        fields = document.get("fields", {})
        if not isinstance(resources, Mapping) or not isinstance(fields, Mapping):
            raise ValueError(f"role {name}: 'resources' and 'fields' must be objects")
        unknown = set(resources) - {*RESOURCES, "*"}
        if unknown:
            raise ValueError(f"role {name}: unknown resources {sorted(unknown)}")
        return cls(
            name=name,
            resources={
                resource: _actions(letters, f"role {name}, {resource}")
                for resource, letters in resources.items()
            },
            fields={
                scope: {
                    field: _actions(letters, f"role {name}, {scope}.{field}")
                    for field, letters in policy.items()
                }
                for scope, policy in fields.items()
            },
        )

    def allows(self, resource: str, action: Action) -> bool:
        granted = self.resources.get(resource, self.resources.get("*", frozenset()))
        return action in granted

    def hidden_fields(self, scope: str) -> frozenset[str]:
        """Fields of ``scope`` this role may not read: they are left out of responses."""
        return frozenset(
            field for field, actions in self.fields.get(scope, {}).items() if "read" not in actions
        )

    def first_unwritable(self, scope: str, names: Iterable[str]) -> str | None:
        """The first of ``names`` this role may not update, or ``None``."""
        policy = self.fields.get(scope, {})
        for name in names:
            actions = policy.get(name)
            if actions is not None and "update" not in actions:
                return name
        return None
