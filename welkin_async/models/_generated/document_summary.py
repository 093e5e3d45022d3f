# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .document_file import DocumentFile


@attrs.define(kw_only=True, repr=False)
class DocumentSummary(WelkinModel):
    """A document summary, the ``jsonBody`` of a ``_document_summary`` record: its document type
    and its files (null until a file is uploaded), beside the record's system fields."""

    type: str | UnsetType | None = attrs.field(default=UNSET)
    """The document type's name (``doc-type-others``)."""
    files: list[DocumentFile] | UnsetType | None = attrs.field(default=UNSET)
    id: UUID | UnsetType | None = attrs.field(default=UNSET)
    created_at: datetime | UnsetType | None = attrs.field(default=UNSET)
    created_by: str | UnsetType | None = attrs.field(default=UNSET)
    created_by_name: str | UnsetType | None = attrs.field(default=UNSET)
    updated_at: datetime | UnsetType | None = attrs.field(default=UNSET)
    updated_by: str | UnsetType | None = attrs.field(default=UNSET)
    updated_by_name: str | UnsetType | None = attrs.field(default=UNSET)
    external_id: str | UnsetType | None = attrs.field(default=UNSET)
    external_guid: str | UnsetType | None = attrs.field(default=UNSET)
    source_id: str | UnsetType | None = attrs.field(default=UNSET)
    source_name: str | UnsetType | None = attrs.field(default=UNSET)
    source_type: str | UnsetType | None = attrs.field(default=UNSET)
