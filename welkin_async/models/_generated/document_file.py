# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from uuid import UUID

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class DocumentFile(WelkinModel):
    """A file attached to a document summary: its id (to download it), size in bytes, media type
    and the name it was uploaded under."""

    id: UUID
    size: int | UnsetType | None = attrs.field(default=UNSET)
    storage_key: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "storageKey"}
    )
    content_type: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "contentType"}
    )
    original_name: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "originalName"}
    )
