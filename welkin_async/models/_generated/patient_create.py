# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel, date_as_midnight_utc

from .patient import Gender


@attrs.define(kw_only=True, repr=False)
class CareTeamAssignment(WelkinModel):
    """A user on the patient's care team."""

    id: UUID
    point_of_contact: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "pointOfContact"}
    )


@attrs.define(kw_only=True, repr=False, on_setattr=attrs.setters.NO_OP)
class PatientCreate(WelkinModel):
    """The fields a client may write when it creates or updates a patient."""

    external_id: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "externalId"}
    )
    external_guid: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "externalGuid"}
    )
    mrn: str | UnsetType | None = attrs.field(default=UNSET)
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
    """The birth date: a ``date`` (sent as midnight UTC, the served form) or an aware
    ``datetime``."""
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
    patient_territories: list[TerritoryAssignment] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientTerritories"}
    )
    """The regions (territories of Designer) the patient is in."""
    care_team: list[CareTeamAssignment] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "careTeam"}
    )
    """The users caring for the patient; one is the point of contact (the first,
    when none is marked)."""


@attrs.define(kw_only=True, repr=False)
class TerritoryAssignment(WelkinModel):
    """A region of the patient, with its territories."""

    name: str
    territories: list[str] | UnsetType | None = attrs.field(default=UNSET)
