# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any, Generic

import attrs
from typing_extensions import TypeVar

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class Cursor(WelkinModel):
    """An export cursor; ``start`` and ``end`` are opaque to clients."""

    has_next: bool = attrs.field(metadata={"wire_name": "hasNext"})
    start: str | UnsetType | None = attrs.field(default=UNSET)
    end: str | UnsetType | None = attrs.field(default=UNSET)


T = TypeVar("T", default=Any)


@attrs.define(kw_only=True, repr=False)
class CursorPage(WelkinModel, Generic[T]):
    """A page of a bulk export: the next request starts at ``cursor.end``."""

    data: list[T]
    cursor: Cursor
