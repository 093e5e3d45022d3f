# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel

from .calendar_event import CalendarEvent


@attrs.define(kw_only=True, repr=False)
class Encounter(WelkinModel):
    """The encounter fields carried in an encounter record's ``jsonBody``."""

    id: UUID | None | UnsetType = attrs.field(default=UNSET)
    created_at: datetime | None | UnsetType = attrs.field(default=UNSET)
    created_by: str | None | UnsetType = attrs.field(default=UNSET)
    created_by_name: str | None | UnsetType = attrs.field(default=UNSET)
    updated_at: datetime | None | UnsetType = attrs.field(default=UNSET)
    updated_by: str | None | UnsetType = attrs.field(default=UNSET)
    updated_by_name: str | None | UnsetType = attrs.field(default=UNSET)
    external_id: str | None | UnsetType = attrs.field(default=UNSET)
    external_guid: str | None | UnsetType = attrs.field(default=UNSET)
    source_id: str | None | UnsetType = attrs.field(default=UNSET)
    source_name: str | None | UnsetType = attrs.field(default=UNSET)
    source_type: str | None | UnsetType = attrs.field(default=UNSET)
    local_created_at: datetime | None | UnsetType = attrs.field(default=UNSET)
    local_updated_at: datetime | None | UnsetType = attrs.field(default=UNSET)
    title: str | None | UnsetType = attrs.field(default=UNSET)
    description: str | None | UnsetType = attrs.field(default=UNSET)
    type: str | None | UnsetType = attrs.field(default=UNSET)
    template_name: str | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "templateName"}
    )
    template_title: str | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "templateTitle"}
    )
    notes: str | None | UnsetType = attrs.field(default=UNSET)
    instruction: str | None | UnsetType = attrs.field(default=UNSET)
    status: EncounterStatus | None | UnsetType = attrs.field(default=UNSET)
    start_datetime: datetime | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "startDatetime"}
    )
    end_datetime: datetime | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "endDatetime"}
    )
    local_start_datetime: datetime | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "localStartDatetime"}
    )
    local_end_datetime: datetime | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "localEndDatetime"}
    )
    calendar_event_id: UUID | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEventId"}
    )
    calendar_event_start_datetime: datetime | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEventStartDatetime"}
    )
    local_calendar_event_start_datetime: datetime | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "localCalendarEventStartDatetime"}
    )
    calendar_event: CalendarEvent | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEvent"}
    )
    current_scheduled_appointment: CalendarEvent | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "currentScheduledAppointment"}
    )
    disposition_id: UUID | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "dispositionId"}
    )
    owner_user_id: UUID | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "ownerUserId"}
    )
    owner_user_name: str | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "ownerUserName"}
    )
    active_user_id: UUID | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "activeUserId"}
    )
    active_user_name: str | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "activeUserName"}
    )


class EncounterStatus(OpenStrEnum):
    """An encounter's lifecycle state; once COMPLETED its assessments are locked."""

    DRAFT = "DRAFT"
    OPEN = "OPEN"
    COMPLETED = "COMPLETED"
    DELETED = "DELETED"
