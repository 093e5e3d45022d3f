# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any, Required, TypedDict

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .assessment_record import AssessmentStatus


@attrs.define(kw_only=True, repr=False)
class AssessmentRecordWrite(WelkinModel):
    """The body that creates or replaces an assessment record."""

    assessment_name: str = attrs.field(metadata={"wire_name": "assessmentName"})
    status: AssessmentStatus | UnsetType | None = attrs.field(default=UNSET)
    answers: dict[str, Any] | UnsetType | None = attrs.field(default=UNSET)


class AssessmentRecordWriteFields(TypedDict, total=False):
    """The keyword fields of a :class:`AssessmentRecordWrite`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    assessment_name: Required[str]
    status: AssessmentStatus | str | UnsetType | None
    answers: dict[str, Any] | UnsetType | None
