# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class DictionaryRecord(WelkinModel):
    """One record (value) of a dictionary: its values by the dictionary's field names, and
    ``fullValue``, the values as one text. A deleted record is kept, ``deleted`` true."""

    id: UUID
    values: dict[str, str]
    """The record's values by the dictionary's field names."""
    created_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "createdAt"}
    )
    updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "updatedAt"}
    )
    full_value: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "fullValue"}
    )
    deleted: bool | UnsetType | None = attrs.field(default=UNSET)
