# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


@attrs.define(kw_only=True, repr=False)
class Goal(WelkinModel):
    """A goal of a patient's care plan, made from a goal template of the formation."""

    id: UUID
    created_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdByName"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedByName"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    name: str | UnsetType | None = attrs.field(default=UNSET)
    type: str | UnsetType | None = attrs.field(default=UNSET)
    """The template's goal type (``dietary``, ``exercise``...)."""
    priority: GoalPriority | UnsetType | None = attrs.field(default=UNSET)
    status: GoalStatus | UnsetType | None = attrs.field(default=UNSET)
    template_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "templateName"}
    )
    """The goal template it was made from."""


class GoalPriority(OpenStrEnum):
    """How pressing a care-plan goal is."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class GoalStatus(OpenStrEnum):
    """Where a care-plan goal stands."""

    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    REMOVED = "REMOVED"
