# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


class PermissionType(OpenStrEnum):
    """A permission is a security role or a security policy."""

    SECURITY_ROLE = "SECURITY_ROLE"
    SECURITY_POLICY = "SECURITY_POLICY"


@attrs.define(kw_only=True, repr=False)
class UserPermission(WelkinModel):
    """One security role or policy of the user in one environment."""

    permission_name: str = attrs.field(metadata={"wire_name": "permissionName"})
    instance_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "instanceName"}
    )
    type: PermissionType | UnsetType | None = attrs.field(default=UNSET)
    primary_role: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "primaryRole"}
    )
    """A role only: whether it is the user's primary role in the environment."""
    effective_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "effectiveDate"}
    )
    """A policy only: when it stops applying (a temporary policy)."""
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )


@attrs.define(kw_only=True, repr=False)
class UserPermissions(WelkinModel):
    """A user's security roles and policies in every environment
    (``admin/user-permissions/{userId}``)."""

    user_id: UUID = attrs.field(metadata={"wire_name": "userId"})
    permissions: list[UserPermission]
    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
