# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any, Generic

import attrs
from typing_extensions import TypeVar

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class TokenMeta(WelkinModel):
    """Tokens for the neighbouring pages; ``None`` where there is none."""

    next_page_token: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "nextPageToken"}
    )
    prev_page_token: str | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "prevPageToken"}
    )
    page_size: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "pageSize"}
    )
    found: bool | UnsetType | None = attrs.field(default=UNSET)


T = TypeVar("T", default=Any)


@attrs.define(kw_only=True, repr=False)
class TokenPage(WelkinModel, Generic[T]):
    """A page in the page-token style (chat)."""

    content: list[T]
    meta: TokenMeta
