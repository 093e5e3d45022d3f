# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class ApplicationAccess(WelkinModel):
    """Which applications and environments the user may use."""

    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    user_id: UUID | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "userId"})
    admin_access_enabled: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "adminAccessEnabled"}
    )
    audit_security_access_enabled: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "auditSecurityAccessEnabled"}
    )
    instance_accesses: list[InstanceAccess] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "instanceAccesses"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )


@attrs.define(kw_only=True, repr=False)
class InstanceAccess(WelkinModel):
    """The user's access to one environment."""

    instance_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "instanceId"}
    )
    instance_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "instanceName"}
    )
    instance_description: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "instanceDescription"}
    )
    user_email_with_instance_domain: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "userEmailWithInstanceDomain"}
    )
    workshop_access_enabled: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "workshopAccessEnabled"}
    )
    audit_data_access_enabled: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "auditDataAccessEnabled"}
    )


@attrs.define(kw_only=True, repr=False)
class User(WelkinModel):
    """A user of the tenant (a care-team member), as the admin API serves it."""

    id: UUID
    username: str | UnsetType | None = attrs.field(default=UNSET)
    email: str | UnsetType | None = attrs.field(default=UNSET)
    first_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "firstName"}
    )
    last_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "lastName"}
    )
    phone: str | UnsetType | None = attrs.field(default=UNSET)
    timezone: str | UnsetType | None = attrs.field(default=UNSET)
    credentials: str | UnsetType | None = attrs.field(default=UNSET)
    locale: str | UnsetType | None = attrs.field(default=UNSET)
    enabled: bool | UnsetType | None = attrs.field(default=UNSET)
    mfa_enabled: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "mfaEnabled"}
    )
    status_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "statusType"}
    )
    user_state: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "userState"}
    )
    sso_access: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "ssoAccess"}
    )
    password_access: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "passwordAccess"}
    )
    terminology_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "terminologyName"}
    )
    allowed_to_receive_calls: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "allowedToReceiveCalls"}
    )
    seat_assign_allowed: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "seatAssignAllowed"}
    )
    seats: list[str] | UnsetType | None = attrs.field(default=UNSET)
    roles: list[UserRole] | UnsetType | None = attrs.field(default=UNSET)
    policies: list[UserPolicy] | UnsetType | None = attrs.field(default=UNSET)
    territories: list[UserTerritory] | UnsetType | None = attrs.field(default=UNSET)
    application_access: ApplicationAccess | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "applicationAccess"}
    )
    custom_user_attributes: dict[str, Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "customUserAttributes"}
    )
    user_attributes: dict[str, Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "userAttributes"}
    )
    root_user: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "_root_user"}
    )
    """Whether this is the tenant's root user."""
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    created_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdByName"}
    )
    updated_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedByName"}
    )


@attrs.define(kw_only=True, repr=False)
class UserPolicy(WelkinModel):
    """A security policy of the user in one environment."""

    permission_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "permissionName"}
    )
    type: str | UnsetType | None = attrs.field(default=UNSET)
    instance_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "instanceName"}
    )
    effective_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "effectiveDate"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )


@attrs.define(kw_only=True, repr=False)
class UserRole(WelkinModel):
    """A security role of the user in one environment."""

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
    """A region of the user, with its territories."""

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
