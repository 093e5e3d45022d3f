# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class CalendarEvent(WelkinModel):
    """A scheduled event, such as an encounter's appointment."""

    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    created_by: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdBy"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_by: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedBy"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    external_id: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "externalId"}
    )
    external_id_updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "externalIdUpdatedAt"}
    )
    event_title: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventTitle"}
    )
    event_description: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventDescription"}
    )
    start_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "startDateTime"}
    )
    local_start_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localStartDateTime"}
    )
    end_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "endDateTime"}
    )
    local_end_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localEndDateTime"}
    )
    all_day_event: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "allDayEvent"}
    )
    duration: int | UnsetType | None = attrs.field(default=UNSET)
    event_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventType"}
    )
    event_status: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventStatus"}
    )
    event_mode: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventMode"}
    )
    event_color: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventColor"}
    )
    host_id: UUID | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "hostId"})
    timezone: str | UnsetType | None = attrs.field(default=UNSET)
    additional_info: dict[str, Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "additionalInfo"}
    )
    """Free-form details the event's creator gave (``location``, ``remarks``, ...)."""
    participants: list[Participant] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class Participant(WelkinModel):
    """Someone taking part in a calendar event."""

    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    participant_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "participantId"}
    )
    participant_role: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "participantRole"}
    )
    participation_status: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "participationStatus"}
    )
    attended: bool | UnsetType | None = attrs.field(default=UNSET)
    timezone: str | UnsetType | None = attrs.field(default=UNSET)
    first_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "firstName"}
    )
    last_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "lastName"}
    )
    deleted: bool | UnsetType | None = attrs.field(default=UNSET)
    has_access: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "hasAccess"}
    )
    email: str | UnsetType | None = attrs.field(default=UNSET)
    phone: str | UnsetType | None = attrs.field(default=UNSET)
    gender: str | UnsetType | None = attrs.field(default=UNSET)
    birth_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "birthDate"}
    )
    enabled: bool | UnsetType | None = attrs.field(default=UNSET)
