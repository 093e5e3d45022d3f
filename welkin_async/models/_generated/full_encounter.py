# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .calendar_event import CalendarEvent
from .cdt_record import CdtRecord


@attrs.define(kw_only=True, repr=False)
class AssessmentLink(WelkinModel):
    """An assessment record made within the encounter."""

    assessment_record_id: UUID = attrs.field(metadata={"wire_name": "assessmentRecordId"})
    assessment_name: str = attrs.field(metadata={"wire_name": "assessmentName"})
    status: str | UnsetType | None = attrs.field(default=UNSET)
    locked: bool | UnsetType = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class FullEncounter(WelkinModel):
    """An encounter with its disposition, calendar event, assessment links and comments."""

    encounter: CdtRecord
    disposition: dict[str, Any] | UnsetType | None = attrs.field(default=UNSET)
    calendar_event: CalendarEvent | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEvent"}
    )
    assessment_links: list[AssessmentLink] | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentLinks"}
    )
    comments: list[dict[str, Any]] | UnsetType = attrs.field(default=UNSET)
