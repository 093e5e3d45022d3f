# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class EncounterAssessmentUpdate(WelkinModel):
    """A change to an assessment link: the assessment record that answers it."""

    assessment_record_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentRecordId"}
    )
