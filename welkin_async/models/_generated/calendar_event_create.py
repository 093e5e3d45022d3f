# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Required, TypedDict
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


@attrs.define(kw_only=True, repr=False)
class CalendarEventCreate(WelkinModel):
    """The body that schedules a calendar event; its host must be one of its participants."""

    start_date_time: datetime = attrs.field(metadata={"wire_name": "startDateTime"})
    end_date_time: datetime = attrs.field(metadata={"wire_name": "endDateTime"})
    host_id: UUID = attrs.field(metadata={"wire_name": "hostId"})
    """The user who owns the event."""
    participants: list[EventParticipantCreate]
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
    """The caller's own id of the event; different for each event."""
    timezone: str | UnsetType | None = attrs.field(default=UNSET)
    """An IANA time zone (``US/Pacific``): the event's local times are shown in it."""
    additional_info: dict[str, Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "additionalInfo"}
    )
    """Free-form details (``location``, ``remarks``, ...)."""


class CalendarEventCreateFields(TypedDict, total=False):
    """The keyword fields of a :class:`CalendarEventCreate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    start_date_time: Required[datetime]
    end_date_time: Required[datetime]
    host_id: Required[UUID | str]
    """The user who owns the event."""
    participants: Required[Sequence[EventParticipantCreate | Mapping[str, Any]]]
    event_title: str | UnsetType | None
    event_description: str | UnsetType | None
    event_type: EventType | str | UnsetType | None
    event_status: EventStatus | str | UnsetType | None
    event_mode: EventMode | str | UnsetType | None
    event_color: str | UnsetType | None
    all_day_event: bool | UnsetType | None
    external_id: str | UnsetType | None
    """The caller's own id of the event; different for each event."""
    timezone: str | UnsetType | None
    """An IANA time zone (``US/Pacific``): the event's local times are shown in it."""
    additional_info: dict[str, Any] | UnsetType | None
    """Free-form details (``location``, ``remarks``, ...)."""


class EventMode(OpenStrEnum):
    """How an event is held."""

    IN_PERSON = "IN-PERSON"
    CALL = "CALL"
    VIDEO = "VIDEO"


@attrs.define(kw_only=True, repr=False)
class EventParticipantCreate(WelkinModel):
    """A user (``psm``) or patient (``patient``) taking part in an event, by id."""

    participant_id: UUID = attrs.field(metadata={"wire_name": "participantId"})
    participant_role: ParticipantRole = attrs.field(metadata={"wire_name": "participantRole"})
    attended: bool | UnsetType | None = attrs.field(default=UNSET)


class EventStatus(OpenStrEnum):
    """Where an event stands; lists leave ``CANCELLED`` ones out unless asked."""

    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"
    MISSED = "MISSED"


class EventType(OpenStrEnum):
    """What an event is for; ``ENCOUNTER`` marks an encounter's appointment."""

    APPOINTMENT = "APPOINTMENT"
    GROUP_THERAPY = "GROUP_THERAPY"
    LEAVE = "LEAVE"
    ENCOUNTER = "ENCOUNTER"


class ParticipantRole(OpenStrEnum):
    """Who a participant is: a user of the tenant (``psm``) or a patient."""

    PSM = "psm"
    PATIENT = "patient"
