# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Required, TypedDict
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class AppointmentCreate(WelkinModel):
    """The appointment to schedule with a new encounter."""

    event_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventType"}
    )
    event_title: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventTitle"}
    )
    start_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "startDateTime"}
    )
    end_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "endDateTime"}
    )
    host_id: UUID | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "hostId"})
    participants: list[ParticipantCreate] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class EncounterCreate(WelkinModel):
    """The body that creates an encounter from a template."""

    template_name: str = attrs.field(metadata={"wire_name": "templateName"})
    title: str | UnsetType | None = attrs.field(default=UNSET)
    description: str | UnsetType | None = attrs.field(default=UNSET)
    notes: str | UnsetType | None = attrs.field(default=UNSET)
    calendar_event_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEventId"}
    )
    """An existing calendar event to hold the encounter in (instead of
    scheduling a new one with ``currentScheduledAppointment``)."""
    current_scheduled_appointment: AppointmentCreate | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "currentScheduledAppointment"}
    )


class EncounterCreateFields(TypedDict, total=False):
    """The keyword fields of a :class:`EncounterCreate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    template_name: Required[str]
    title: str | UnsetType | None
    description: str | UnsetType | None
    notes: str | UnsetType | None
    calendar_event_id: UUID | str | UnsetType | None
    """An existing calendar event to hold the encounter in (instead of
    scheduling a new one with ``currentScheduledAppointment``)."""
    current_scheduled_appointment: AppointmentCreate | Mapping[str, Any] | UnsetType | None


@attrs.define(kw_only=True, repr=False)
class ParticipantCreate(WelkinModel):
    """A participant named when scheduling."""

    participant_id: UUID = attrs.field(metadata={"wire_name": "participantId"})
    participant_role: str = attrs.field(metadata={"wire_name": "participantRole"})
