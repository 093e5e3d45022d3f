# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel, date_as_midnight_utc

from .patient_program import PatientProgram


class Gender(OpenStrEnum):
    """A patient's recorded gender."""

    MALE = "MALE"
    FEMALE = "FEMALE"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"


@attrs.define(kw_only=True, repr=False, on_setattr=attrs.setters.NO_OP)
class Patient(WelkinModel):
    """A patient: the central record every clinical datum hangs on."""

    id: UUID
    external_guid: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "externalGuid"}
    )
    external_id: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "externalId"}
    )
    mrn: str | UnsetType | None = attrs.field(default=UNSET)
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
    created_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdByName"}
    )
    updated_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedByName"}
    )
    first_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "firstName"}
    )
    last_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "lastName"}
    )
    middle_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "middleName"}
    )
    birth_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, converter=date_as_midnight_utc, metadata={"wire_name": "birthDate"}
    )
    """The birth date, served as a date-time at midnight UTC (``2022-08-09T00:00:00.000Z``). It
    reads as an aware ``datetime`` exactly as served, so it writes back unchanged; ``.date()``
    gives the calendar date. A ``date`` given here is sent as midnight UTC of that day."""
    gender: Gender | UnsetType | None = attrs.field(default=UNSET)
    marital_status: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "maritalStatus"}
    )
    primary_language: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "primaryLanguage"}
    )
    secondary_language: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "secondaryLanguage"}
    )
    email: str | UnsetType | None = attrs.field(default=UNSET)
    secondary_email: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "secondaryEmail"}
    )
    phone: str | UnsetType | None = attrs.field(default=UNSET)
    secondary_phone: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "secondaryPhone"}
    )
    country: str | UnsetType | None = attrs.field(default=UNSET)
    state: str | UnsetType | None = attrs.field(default=UNSET)
    city: str | UnsetType | None = attrs.field(default=UNSET)
    zip: str | UnsetType | None = attrs.field(default=UNSET)
    address_line1: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "addressLine1"}
    )
    address_line2: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "addressLine2"}
    )
    timezone: str | UnsetType | None = attrs.field(default=UNSET)
    patient_territories: list[Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientTerritories"}
    )
    care_team_members: list[Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "careTeamMembers"}
    )
    patient_programs: list[PatientProgram] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientPrograms"}
    )
    care_team: list[Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "careTeam"}
    )
    cadence: list[Any] | UnsetType | None = attrs.field(default=UNSET)
    patient_region: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientRegion"}
    )
    patient_region_title: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientRegionTitle"}
    )
    patient_territory: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientTerritory"}
    )
    point_of_contact: Any | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "pointOfContact"}
    )
    nric: str | UnsetType | None = attrs.field(default=UNSET, metadata={"seldom": True})
    access_code: Any | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "accessCode", "seldom": True}
    )
    """The patient's access code (shape not yet recorded)."""
    preferable_instance_phone_id: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "preferableInstancePhoneId", "seldom": True}
    )
    primary_phone_capabilities: Any | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "primaryPhoneCapabilities", "seldom": True}
    )
    """What the primary phone can do (shape not yet recorded)."""
    secondary_phone_capabilities: Any | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "secondaryPhoneCapabilities", "seldom": True}
    )
    """What the secondary phone can do (shape not yet recorded)."""
