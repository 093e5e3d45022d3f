# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any, Generic
from uuid import UUID

import attrs
from typing_extensions import TypeVar

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

T = TypeVar("T", default=dict[str, Any])


@attrs.define(kw_only=True, repr=False)
class CdtRecord(WelkinModel, Generic[T]):
    """One record of a Custom Data Type; its field values travel in ``jsonBody``."""

    id: UUID
    json_body: T = attrs.field(metadata={"wire_name": "jsonBody"})
    """The record's field values, by wire name."""
    patient_id: UUID | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "patientId"}
    )
    cdt_id: UUID | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "cdtId"})
    version: int | UnsetType | None = attrs.field(default=UNSET)
    cdt_name: str | UnsetType | None = attrs.field(default=UNSET, metadata={"wire_name": "cdtName"})
