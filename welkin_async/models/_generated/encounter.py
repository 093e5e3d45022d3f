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

    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    created_at: datetime | UnsetType | None = attrs.field(default=UNSET)
    created_by: str | UnsetType | None = attrs.field(default=UNSET)
    created_by_name: str | UnsetType | None = attrs.field(default=UNSET)
    updated_at: datetime | UnsetType | None = attrs.field(default=UNSET)
    updated_by: str | UnsetType | None = attrs.field(default=UNSET)
    updated_by_name: str | UnsetType | None = attrs.field(default=UNSET)
    external_id: str | UnsetType | None = attrs.field(default=UNSET)
    external_guid: str | UnsetType | None = attrs.field(default=UNSET)
    source_id: str | UnsetType | None = attrs.field(default=UNSET)
    source_name: str | UnsetType | None = attrs.field(default=UNSET)
    source_type: str | UnsetType | None = attrs.field(default=UNSET)
    local_created_at: datetime | UnsetType | None = attrs.field(default=UNSET)
    local_updated_at: datetime | UnsetType | None = attrs.field(default=UNSET)
    title: str | UnsetType | None = attrs.field(default=UNSET)
    description: str | UnsetType | None = attrs.field(default=UNSET)
    type: str | UnsetType | None = attrs.field(default=UNSET)
    template_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "templateName"}
    )
    template_title: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "templateTitle"}
    )
    notes: str | UnsetType | None = attrs.field(default=UNSET)
    instruction: str | UnsetType | None = attrs.field(default=UNSET)
    status: EncounterStatus | UnsetType | None = attrs.field(default=UNSET)
    start_datetime: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "startDatetime"}
    )
    end_datetime: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "endDatetime"}
    )
    local_start_datetime: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localStartDatetime"}
    )
    local_end_datetime: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localEndDatetime"}
    )
    calendar_event_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEventId"}
    )
    calendar_event_start_datetime: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEventStartDatetime"}
    )
    local_calendar_event_start_datetime: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localCalendarEventStartDatetime"}
    )
    calendar_event: CalendarEvent | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "calendarEvent"}
    )
    current_scheduled_appointment: CalendarEvent | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "currentScheduledAppointment"}
    )
    disposition_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "dispositionId"}
    )
    owner_user_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "ownerUserId"}
    )
    owner_user_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "ownerUserName"}
    )
    active_user_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "activeUserId"}
    )
    active_user_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "activeUserName"}
    )
    patient_info: PatientInfo | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientInfo"}
    )


class EncounterStatus(OpenStrEnum):
    """An encounter's lifecycle state; once COMPLETED, the assessment records its links point
    to are locked."""

    DRAFT = "DRAFT"
    OPEN = "OPEN"
    COMPLETED = "COMPLETED"
    DELETED = "DELETED"


@attrs.define(kw_only=True, repr=False)
class PatientInfo(WelkinModel):
    """The patient an encounter is with, as a user's encounter list names them."""

    patient_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientId"}
    )
    first_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "firstName"}
    )
    last_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "lastName"}
    )
