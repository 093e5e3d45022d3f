# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class User(WelkinModel):
    """A care-team user, with the fields an integration needs; the rest stay in ``wire_extra``."""

    id: UUID
    username: str | UnsetType | None = attrs.field(default=UNSET)
    email: str | UnsetType | None = attrs.field(default=UNSET)
    enabled: bool | UnsetType | None = attrs.field(default=UNSET)
    user_state: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "userState"}
    )
    status_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "statusType"}
    )
    mfa_enabled: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "mfaEnabled"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    roles: list[UserRole] | UnsetType | None = attrs.field(default=UNSET)
    territories: list[UserTerritory] | UnsetType | None = attrs.field(default=UNSET)
    seats: list[str] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class UserRole(WelkinModel):
    """A security role granted to a user in an instance."""

    permission_name: str = attrs.field(metadata={"wire_name": "permissionName"})
    type: str | UnsetType | None = attrs.field(default=UNSET)
    primary_role: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "primaryRole"}
    )
    instance_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "instanceName"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )


@attrs.define(kw_only=True, repr=False)
class UserTerritory(WelkinModel):
    """A named group of territories a user covers."""

    name: str
    territories: list[str] | UnsetType | None = attrs.field(default=UNSET)
    instance_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "instanceName"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    created_by: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdBy"}
    )
    updated_by: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedBy"}
    )
