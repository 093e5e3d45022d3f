# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel


@attrs.define(kw_only=True, repr=False)
class AssessmentRecord(WelkinModel):
    """A filled-in (or in-progress) assessment form."""

    id: UUID
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
    finalized_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "finalizedDate"}
    )
    local_finalized_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localFinalizedDate"}
    )
    local_created_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localCreatedDate"}
    )
    local_updated_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "localUpdatedDate"}
    )
    assessment_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentName"}
    )
    assessment_title: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentTitle"}
    )
    assessment_cdt_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "assessmentCdtName"}
    )
    version: int | UnsetType | None = attrs.field(default=UNSET)
    patient_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientId"}
    )
    status: AssessmentStatus | UnsetType | None = attrs.field(default=UNSET)
    answers: dict[str, Any] | UnsetType | None = attrs.field(default=UNSET)
    """Answers by CDT field wire name (``cdt-name__cdtf-name``)."""
    scoring: dict[str, Any] | UnsetType | None = attrs.field(default=UNSET)
    folder_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "folderId"}
    )
    expiration_date: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "expirationDate"}
    )
    questions: dict[str, Any] | UnsetType | None = attrs.field(default=UNSET)
    resolved_cdt_values: dict[str, Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "resolvedCdtValues"}
    )
    pfa: bool | UnsetType | None = attrs.field(default=UNSET)


class AssessmentStatus(OpenStrEnum):
    """An assessment's state."""

    DRAFT = "DRAFT"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    LOCKED = "LOCKED"
