# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .patient import Gender


@attrs.define(kw_only=True, repr=False)
class PatientFilter(WelkinModel):
    """The body of ``POST by-filter/patients``: every given condition must hold."""

    ids: list[str] | UnsetType = attrs.field(default=UNSET)
    external_ids: list[str] | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "externalIds"}
    )
    mrns: list[str] | UnsetType = attrs.field(default=UNSET)
    last_name: str | UnsetType = attrs.field(default=UNSET, metadata={"wire_name": "lastName"})
    gender: Gender | UnsetType = attrs.field(default=UNSET)
    updated_after: datetime | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAfter"}
    )
    updated_before: datetime | UnsetType = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedBefore"}
    )
