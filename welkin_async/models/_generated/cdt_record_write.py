# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class CdtRecordWrite(WelkinModel):
    """The body that creates or updates one CDT record: its field values by wire name."""

    json_body: dict[str, Any] = attrs.field(metadata={"wire_name": "jsonBody"})
