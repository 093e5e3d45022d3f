# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .user_work_hours import WorkHours


@attrs.define(kw_only=True, repr=False)
class ScheduleEvent(WelkinModel):
    """An event as a schedule lists it (``eventId`` is the deprecated copy of ``id``)."""

    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    event_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventId"}
    )
    event_title: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventTitle"}
    )
    event_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventType"}
    )
    event_color: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventColor"}
    )
    all_day_event: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "allDayEvent"}
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


@attrs.define(kw_only=True, repr=False)
class UserSchedule(WelkinModel):
    """One user's schedule over a span: their work-hour rules and their events
    (``GET calendar/psm-schedules``)."""

    psm_id: UUID | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "psmId"})
    work_hours: list[WorkHours] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "workHours"}
    )
    events: list[ScheduleEvent] | UnsetType | None = attrs.field(default=UNSET)
