# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .cdt_definition import CdtDefinition


@attrs.define(kw_only=True, repr=False)
class DataAudit(WelkinModel):
    """One data-audit event, as ``admin/audit-data`` lists it: who changed which record of which
    patient, when, and the record after the change."""

    event_id: str | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "eventId"})
    """The event's id; the live API shows it on some events only."""
    event_entity: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventEntity"}
    )
    """What kind of record changed: CDT, PATIENT, TASK..."""
    event_subtype: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "eventSubtype"}
    )
    """What happened: CDT_CREATED, CDT_UPDATED, CDT_DELETED, PATIENT_UPDATED..."""
    operation: str | UnsetType | None = attrs.field(default=UNSET)
    """CREATE, UPDATE or DELETE (vendor-documented)."""
    subject_username: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "subjectUsername"}
    )
    subject_user_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "subjectUserId"}
    )
    subject_actor: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "subjectActor"}
    )
    """Who acted: API_CLIENT, USER, PATIENT, CS_TOOL_CLIENT, SYSTEM."""
    subject_full_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "subjectFullName"}
    )
    patient_full_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientFullName"}
    )
    patient_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientId"}
    )
    instance: str | UnsetType | None = attrs.field(default=UNSET)
    """The environment the change was made in."""
    cdt_name: str | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "cdtName"})
    cdt_relation: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "cdtRelation"}
    )
    """The CDT's relation: COMMON, ENCOUNTER_DISPOSITION, PATIENT_INFO..."""
    url: str | UnsetType | None = attrs.field(default=UNSET)
    sent_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "sentAt"}
    )
    cdt: CdtDefinition | UnsetType | None = attrs.field(default=UNSET)
    """The CDT's definition, when asked for with ``includeFormation``."""
    record: dict[str, Any] | UnsetType | None = attrs.field(default=UNSET)
    """The record after the change, as served: for a CDT event the CDT-record envelope
    (``{id, patientId, cdtId, version, cdtName, jsonBody}``, whose jsonBody is null once deleted),
    for others the task or patient."""
