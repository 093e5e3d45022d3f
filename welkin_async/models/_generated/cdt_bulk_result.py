# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class CdtBulkResult(WelkinModel):
    """The outcome of a bulk CDT update, row by row."""

    rows: list[CdtBulkResultRow]


@attrs.define(kw_only=True, repr=False)
class CdtBulkResultRow(WelkinModel):
    """One row: the record's values after the update and whether it applied."""

    id: str
    result: CdtRowResult
    json_body: dict[str, Any] | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "jsonBody"}
    )


@attrs.define(kw_only=True, repr=False)
class CdtRowResult(WelkinModel):
    """``OK``, or an error status with its error array in ``content``."""

    status: str
    content: Any | UnsetType = attrs.field(default=UNSET)
