# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .calendar_event_create import EventMode, EventParticipantCreate, EventStatus, EventType


@attrs.define(kw_only=True, repr=False)
class CalendarEventUpdate(WelkinModel):
    """The fields a client may change on a calendar event (a PATCH sends only those given)."""

    start_date_time: datetime | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "startDateTime"}
    )
    end_date_time: datetime | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "endDateTime"}
    )
    host_id: UUID | UnsetType = attrs.field(default=UNSET, metadata={"wire_name": "hostId"})
    participants: list[EventParticipantCreate] | UnsetType = attrs.field(default=UNSET)
    """The whole new list of participants (it replaces the old one)."""
    event_title: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventTitle"}
    )
    event_description: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventDescription"}
    )
    event_type: EventType | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventType"}
    )
    event_status: EventStatus | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventStatus"}
    )
    event_mode: EventMode | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventMode"}
    )
    event_color: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventColor"}
    )
    all_day_event: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "allDayEvent"}
    )
    external_id: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "externalId"}
    )
    timezone: str | UnsetType | None = attrs.field(default=UNSET)
    additional_info: dict[str, Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "additionalInfo"}
    )
