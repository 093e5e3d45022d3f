# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .user import UserTerritory


@attrs.define(kw_only=True, repr=False)
class UserTerritories(WelkinModel):
    """A user's regions and their territories in every environment
    (``admin/user-territories/{userId}``)."""

    user_id: UUID = attrs.field(metadata={"wire_name": "userId"})
    territories: list[UserTerritory]
    id: UUID | UnsetType | None = attrs.field(default=UNSET)
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
