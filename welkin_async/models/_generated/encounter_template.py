# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class EncounterTemplate(WelkinModel):
    """An encounter template of the formation: an encounter is created from one, by name."""

    name: str
    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    title: str | UnsetType | None = attrs.field(default=UNSET)
    encounter_description: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "encounterDescription"}
    )
    encounter_instruction: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "encounterInstruction"}
    )
    """Instructions for the care team (HTML)."""
    encounter_color: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "encounterColor"}
    )
    type: str | UnsetType | None = attrs.field(default=UNSET)
    delivery_method: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "deliveryMethod"}
    )
    default_duration: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "defaultDuration"}
    )
    """Minutes."""
    assessment_names: list[str] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentNames"}
    )
    """The assessments an encounter of this template starts with."""
