# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .user_permissions import PermissionType


@attrs.define(kw_only=True, repr=False)
class UserPermissionWrite(WelkinModel):
    """One role or policy to give the user in one environment; both must exist in Designer."""

    permission_name: str = attrs.field(metadata={"wire_name": "permissionName"})
    instance_name: str = attrs.field(metadata={"wire_name": "instanceName"})
    """The environment's name."""
    type: PermissionType
    primary_role: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "primaryRole"}
    )
    """A role only: the primary one of the environment (at most one; the
    first role is primary when none is)."""
    effective_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "effectiveDate"}
    )
    """A policy only: when it stops applying."""


@attrs.define(kw_only=True, repr=False)
class UserPermissionsWrite(WelkinModel):
    """The body that replaces a user's roles and policies (``PUT admin/user-permissions/{userId}``):
    the full list; an environment the list does not name is left with none."""

    permissions: list[UserPermissionWrite]
