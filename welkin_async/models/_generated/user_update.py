# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import TypedDict

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class UserUpdate(WelkinModel):
    """A change to a user (``PATCH admin/users/{idOrUsername}``): only the fields sent change;
    null clears one."""

    username: str | UnsetType | None = attrs.field(default=UNSET)
    email: str | UnsetType | None = attrs.field(default=UNSET)
    phone: str | UnsetType | None = attrs.field(default=UNSET)
    timezone: str | UnsetType | None = attrs.field(default=UNSET)
    first_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "firstName"}
    )
    last_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "lastName"}
    )
    credentials: str | UnsetType | None = attrs.field(default=UNSET)


class UserUpdateFields(TypedDict, total=False):
    """The keyword fields of a :class:`UserUpdate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    username: str | UnsetType | None
    email: str | UnsetType | None
    phone: str | UnsetType | None
    timezone: str | UnsetType | None
    first_name: str | UnsetType | None
    last_name: str | UnsetType | None
    credentials: str | UnsetType | None
