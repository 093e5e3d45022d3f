# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .calendar_event import CalendarEvent
from .cdt_record import CdtRecord
from .encounter import Encounter
from .encounter_assessment import EncounterAssessment
from .encounter_comment import EncounterComment
from .user import User


@attrs.define(kw_only=True, repr=False)
class FullEncounter(WelkinModel):
    """An encounter with its disposition, calendar event, the user it is scheduled with, its
    assessment links and comments."""

    encounter: CdtRecord[Encounter]
    disposition: CdtRecord | UnsetType | None = attrs.field(default=UNSET)
    calendar_event: CalendarEvent | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEvent"}
    )
    user_related_to_calendar_event: User | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "userRelatedToCalendarEvent"}
    )
    assessment_links: list[CdtRecord[EncounterAssessment]] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentLinks"}
    )
    comments: list[EncounterComment] | UnsetType | None = attrs.field(default=UNSET)
