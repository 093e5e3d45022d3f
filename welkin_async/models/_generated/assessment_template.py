# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class AnswerScore(WelkinModel):
    """The score of one answer."""

    answer: str | int | float | bool | UnsetType | None = attrs.field(default=UNSET)
    score: float | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class AssessmentField(WelkinModel):
    """A field of an assessment section: a question answering ``refCdtName``'s
    ``refCdtFieldName`` (``viewType`` question) or read-only text."""

    name: str | UnsetType | None = attrs.field(default=UNSET)
    label: str | UnsetType | None = attrs.field(default=UNSET)
    ref_cdt_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "refCdtName"}
    )
    ref_cdt_field_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "refCdtFieldName"}
    )
    order: int | UnsetType | None = attrs.field(default=UNSET)
    view_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "viewType"}
    )
    meta: AssessmentFieldMeta | UnsetType | None = attrs.field(default=UNSET)
    pre_populated_value: PrePopulatedValue | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "prePopulatedValue"}
    )
    attachments: list[Any] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class AssessmentFieldMeta(WelkinModel):
    """How a question is asked."""

    type: str | UnsetType | None = attrs.field(default=UNSET)
    required: bool | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class AssessmentProgram(WelkinModel):
    """A program, and its phases, in which the assessment is offered."""

    program: str | UnsetType | None = attrs.field(default=UNSET)
    phases: list[str] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class AssessmentScoring(WelkinModel):
    """How the assessment is scored: groups of field scores, combined by ``formula`` (SUM or
    AVG)."""

    formula: str | UnsetType | None = attrs.field(default=UNSET)
    groups: list[ScoringGroup] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class AssessmentSection(WelkinModel):
    """A section of an assessment, with its fields in order."""

    name: str | UnsetType | None = attrs.field(default=UNSET)
    title: str | UnsetType | None = attrs.field(default=UNSET)
    order: int | UnsetType | None = attrs.field(default=UNSET)
    fields: list[AssessmentField] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class AssessmentTemplate(WelkinModel):
    """An assessment (form) of the formation: sections of fields, each a question on a CDT field
    or read-only text, with its scoring, programs and condition settings."""

    name: str
    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    title: str | UnsetType | None = attrs.field(default=UNSET)
    version: int | UnsetType | None = attrs.field(default=UNSET)
    sections: list[AssessmentSection] | UnsetType | None = attrs.field(default=UNSET)
    scoring: AssessmentScoring | UnsetType | None = attrs.field(default=UNSET)
    programs: list[AssessmentProgram] | UnsetType | None = attrs.field(default=UNSET)
    template: Any | UnsetType = attrs.field(default=UNSET)
    """The template the assessment was made from (shape not yet recorded)."""
    condition_settings: ConditionSettings | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "conditionSettings"}
    )
    display_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "displayType"}
    )
    auto_completed: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "autoCompleted"}
    )
    contains_phi: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "_containsPHI"}
    )


@attrs.define(kw_only=True, repr=False)
class ConditionSettings(WelkinModel):
    """Which sections and questions show, and which events fire, for which answers."""

    elements: list[dict[str, Any]] | UnsetType | None = attrs.field(default=UNSET)
    events: list[dict[str, Any]] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class PrePopulatedValue(WelkinModel):
    """Where a question's initial answer comes from."""

    type: str | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class ScoredField(WelkinModel):
    """The scores of one question's answers."""

    ref_cdt_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "refCdtName"}
    )
    ref_cdt_field_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "refCdtFieldName"}
    )
    type: str | UnsetType | None = attrs.field(default=UNSET)
    scores: list[AnswerScore] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class ScoringGroup(WelkinModel):
    """A group of scored fields, combined by ``formula``."""

    name: str | UnsetType | None = attrs.field(default=UNSET)
    title: str | UnsetType | None = attrs.field(default=UNSET)
    formula: str | UnsetType | None = attrs.field(default=UNSET)
    fields: list[ScoredField] | UnsetType | None = attrs.field(default=UNSET)
