# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .care_plan_overview import CarePlanOverview


@attrs.define(kw_only=True, repr=False)
class CarePlan(WelkinModel):
    """A patient's care plan: its system fields and its overview (null until one is written)."""

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
    patient_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientId"}
    )
    patient_overview: CarePlanOverview | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientOverview"}
    )
