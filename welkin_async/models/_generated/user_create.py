# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Required, TypedDict

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class UserCreate(WelkinModel):
    """A new user of the tenant (``POST admin/users``): a username and an email, and optionally
    the vendor-documented phone, time zone, names and credentials."""

    username: str
    email: str
    phone: str | UnsetType | None = attrs.field(default=UNSET)
    timezone: str | UnsetType | None = attrs.field(default=UNSET)
    first_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "firstName"}
    )
    last_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "lastName"}
    )
    credentials: str | UnsetType | None = attrs.field(default=UNSET)


class UserCreateFields(TypedDict, total=False):
    """The keyword fields of a :class:`UserCreate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    username: Required[str]
    email: Required[str]
    phone: str | UnsetType | None
    timezone: str | UnsetType | None
    first_name: str | UnsetType | None
    last_name: str | UnsetType | None
    credentials: str | UnsetType | None
