# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .patient_program import ProgramStatus


@attrs.define(kw_only=True, repr=False)
class ProgramUpdate(WelkinModel):
    """The general update of a patient program (``PATCH .../programs/{programName}``): assign or
    unassign, set its status, or move it to a phase by name."""

    assigned: bool | UnsetType | None = attrs.field(default=UNSET)
    status: ProgramStatus | UnsetType | None = attrs.field(default=UNSET)
    phase_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "phaseName"}
    )
