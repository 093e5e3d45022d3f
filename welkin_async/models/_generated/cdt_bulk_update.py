# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any
from uuid import UUID

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class CdtBulkRow(WelkinModel):
    """One record's id and the field values to change."""

    id: UUID
    json_body: dict[str, Any] = attrs.field(metadata={"wire_name": "jsonBody"})


@attrs.define(kw_only=True, repr=False)
class CdtBulkUpdate(WelkinModel):
    """Several records of one CDT updated in one request."""

    rows: list[CdtBulkRow]
