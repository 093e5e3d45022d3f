# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class CarePlanOverview(WelkinModel):
    """A patient's care plan overview: its text and who wrote and changed it when."""

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
    overview: str | UnsetType | None = attrs.field(default=UNSET)
