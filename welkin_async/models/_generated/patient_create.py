# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypedDict
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


class PatientCreateFields(TypedDict, total=False):
    """The keyword fields of a :class:`PatientCreate`, typed as a call's
    ``**fields`` take them: a name the class lacks is a type error. A nested
    record is its model, or a mapping of its wire names (``pointOfContact``)."""

    external_id: str | UnsetType | None
    external_guid: str | UnsetType | None
    mrn: str | UnsetType | None
    first_name: str | UnsetType | None
    last_name: str | UnsetType | None
    middle_name: str | UnsetType | None
    birth_date: datetime | date | UnsetType | None
    """The birth date: a ``date`` (sent as midnight UTC, the served form) or an aware
    ``datetime``."""
    gender: Gender | str | UnsetType | None
    marital_status: str | UnsetType | None
    primary_language: str | UnsetType | None
    secondary_language: str | UnsetType | None
    email: str | UnsetType | None
    secondary_email: str | UnsetType | None
    phone: str | UnsetType | None
    secondary_phone: str | UnsetType | None
    country: str | UnsetType | None
    state: str | UnsetType | None
    city: str | UnsetType | None
    zip: str | UnsetType | None
    address_line1: str | UnsetType | None
    address_line2: str | UnsetType | None
    timezone: str | UnsetType | None
    patient_territories: Sequence[TerritoryAssignment | Mapping[str, Any]] | UnsetType | None
    """The regions (territories of Designer) the patient is in."""
    care_team: Sequence[CareTeamAssignment | Mapping[str, Any]] | UnsetType | None
    """The users caring for the patient; one is the point of contact (the first,
    when none is marked)."""


@attrs.define(kw_only=True, repr=False)
class TerritoryAssignment(WelkinModel):
    """A region of the patient, with its territories."""

    name: str
    territories: list[str] | UnsetType | None = attrs.field(default=UNSET)
