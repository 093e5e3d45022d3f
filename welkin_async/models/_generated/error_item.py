# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class ErrorItem(WelkinModel):
    """One entry of the JSON array that every API error response carries."""

    error_code: str = attrs.field(metadata={"wire_name": "errorCode"})
    component_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "componentType"}
    )
    message: str | UnsetType | None = attrs.field(default=UNSET)
    details: dict[str, Any] | UnsetType | None = attrs.field(default=UNSET)
    """Structured context, e.g. the API client a security policy refused."""
    date: datetime | UnsetType | None = attrs.field(default=UNSET)
