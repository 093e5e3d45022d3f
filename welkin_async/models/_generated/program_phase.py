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
    title: str | None | UnsetType = attrs.field(default=UNSET)
    description: str | None | UnsetType = attrs.field(default=UNSET)
    timestamp: datetime | None | UnsetType = attrs.field(default=UNSET)
    created_by: str | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "createdBy"}
    )
    created_by_name: str | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "createdByName"}
    )
    current_version: str | None | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "currentVersion"}
    )
    deleted: bool | None | UnsetType = attrs.field(default=UNSET)
