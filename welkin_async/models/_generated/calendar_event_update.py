# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypedDict
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


class CalendarEventUpdateFields(TypedDict, total=False):
    """The keyword fields of a :class:`CalendarEventUpdate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    start_date_time: datetime | UnsetType
    end_date_time: datetime | UnsetType
    host_id: UUID | str | UnsetType
    participants: Sequence[EventParticipantCreate | Mapping[str, Any]] | UnsetType
    """The whole new list of participants (it replaces the old one)."""
    event_title: str | UnsetType | None
    event_description: str | UnsetType | None
    event_type: EventType | str | UnsetType | None
    event_status: EventStatus | str | UnsetType | None
    event_mode: EventMode | str | UnsetType | None
    event_color: str | UnsetType | None
    all_day_event: bool | UnsetType | None
    external_id: str | UnsetType | None
    timezone: str | UnsetType | None
    additional_info: dict[str, Any] | UnsetType | None
