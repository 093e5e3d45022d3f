# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


@attrs.define(kw_only=True, repr=False)
class UserWorkHours(WelkinModel):
    """One user's work-hour rules, as ``GET calendar/work-hours`` lists them (``psmId`` is the
    user's id)."""

    psm_id: UUID | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "psmId"})
    details: list[WorkHours] | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class WorkDay(WelkinModel):
    """The hours of one weekday in a rule (``day`` 1 is Monday); null times: not working."""

    days_info_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "daysInfoId"}
    )
    day: int | UnsetType | None = attrs.field(default=UNSET)
    start_time: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "startTime"}
    )
    """``HH:MM:SS`` in the user's time zone."""
    end_time: str | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "endTime"})
    """``HH:MM:SS`` in the user's time zone."""


@attrs.define(kw_only=True, repr=False)
class WorkHours(WelkinModel):
    """A rule of a user's week over a span of dates: when they work (``WORKING_HOURS``) or take
    appointments (``AVAILABILITY``); an ``OVERRIDE`` replaces the ``DEFAULT`` rule on its dates."""

    work_hours_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "workHoursId"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    created_by: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdBy"}
    )
    updated_by: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedBy"}
    )
    name: str | UnsetType | None = attrs.field(default=UNSET)
    type: WorkHoursType | UnsetType | None = attrs.field(default=UNSET)
    rule_type: WorkHoursRule | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "ruleType"}
    )
    start_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "startDateTime"}
    )
    end_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "endDateTime"}
    )
    """Null: the rule has no end."""
    local_start_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localStartDateTime"}
    )
    local_end_date_time: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localEndDateTime"}
    )
    days_info: list[WorkDay] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "daysInfo"}
    )
    encounters: list[str] | UnsetType | None = attrs.field(default=UNSET)
    """The encounter templates an availability rule takes (by name)."""


class WorkHoursRule(OpenStrEnum):
    """Whether a rule is the usual week or replaces it on its dates."""

    DEFAULT = "DEFAULT"
    OVERRIDE = "OVERRIDE"


class WorkHoursType(OpenStrEnum):
    """What a work-hours rule describes."""

    WORKING_HOURS = "WORKING_HOURS"
    AVAILABILITY = "AVAILABILITY"
