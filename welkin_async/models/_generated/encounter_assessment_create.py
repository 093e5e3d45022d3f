# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Required, TypedDict
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class EncounterAssessmentCreate(WelkinModel):
    """A new assessment link of an open encounter."""

    assessment_name: str = attrs.field(metadata={"wire_name": "assessmentName"})
    assessment_record_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentRecordId"}
    )


class EncounterAssessmentCreateFields(TypedDict, total=False):
    """The keyword fields of a :class:`EncounterAssessmentCreate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    assessment_name: Required[str]
    assessment_record_id: UUID | str | UnsetType | None
