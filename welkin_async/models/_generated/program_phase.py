# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class ProgramPhase(WelkinModel):
    """A phase a patient entered in a program (current or past)."""

    name: str
    title: str | UnsetType | None = attrs.field(default=UNSET)
    description: str | UnsetType | None = attrs.field(default=UNSET)
    timestamp: datetime | UnsetType | None = attrs.field(default=UNSET)
    created_by: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdBy"}
    )
    created_by_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdByName"}
    )
    current_version: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "currentVersion"}
    )
    deleted: bool | UnsetType | None = attrs.field(default=UNSET)
