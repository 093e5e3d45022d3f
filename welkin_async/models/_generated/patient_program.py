# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import OpenStrEnum, WelkinModel

from .program_phase import ProgramPhase


@attrs.define(kw_only=True, repr=False)
class PatientProgram(WelkinModel):
    """A program as it applies to one patient: assignment, current phase, path."""

    program_name: str = attrs.field(metadata={"wire_name": "programName"})
    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    created_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdByName"}
    )
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedByName"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    program_title: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "programTitle"}
    )
    program_description: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "programDescription"}
    )
    assigned: bool | UnsetType | None = attrs.field(default=UNSET)
    patient_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientId"}
    )
    current_phase: ProgramPhase | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "currentPhase"}
    )
    status: ProgramStatus | UnsetType | None = attrs.field(default=UNSET)
    compatible_with_current_version: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "compatibleWithCurrentVersion"}
    )
    path_history: list[ProgramPhase] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "pathHistory"}
    )


class ProgramStatus(OpenStrEnum):
    """Where a patient stands in a program."""

    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
