# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class DocumentSummaryCreate(WelkinModel):
    """The body that creates a document summary: the name of one of the tenant's document types."""

    type: str
