# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class EncounterAssessment(WelkinModel):
    """An encounter's link to an assessment, the ``jsonBody`` of an ``__encounter_assessment__``
    record: which assessment, and the assessment record that answers it once there is one."""

    assessment_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentName"}
    )
    assessment_title: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentTitle"}
    )
    assessment_record_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentRecordId"}
    )
    """The assessment record filled in for this link; null until there is one."""
    from_template: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "fromTemplate"}
    )
    """Whether the encounter's template put it there."""
    relation: str | UnsetType | None = attrs.field(default=UNSET)
    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    created_at: datetime | UnsetType | None = attrs.field(default=UNSET)
    created_by: str | UnsetType | None = attrs.field(default=UNSET)
    created_by_name: str | UnsetType | None = attrs.field(default=UNSET)
    updated_at: datetime | UnsetType | None = attrs.field(default=UNSET)
    updated_by: str | UnsetType | None = attrs.field(default=UNSET)
    updated_by_name: str | UnsetType | None = attrs.field(default=UNSET)
    external_id: str | UnsetType | None = attrs.field(default=UNSET)
    external_guid: str | UnsetType | None = attrs.field(default=UNSET)
    source_id: str | UnsetType | None = attrs.field(default=UNSET)
    source_name: str | UnsetType | None = attrs.field(default=UNSET)
    source_type: str | UnsetType | None = attrs.field(default=UNSET)
