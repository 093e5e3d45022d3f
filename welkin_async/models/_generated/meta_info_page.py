# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any, Generic

import attrs
from typing_extensions import TypeVar

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class MetaInfo(WelkinModel):
    """Page position and totals of a metaInfo page; ``page`` is 0-based."""

    page: int | UnsetType | None = attrs.field(default=UNSET)
    page_size: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "pageSize"}
    )
    total_elements: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "totalElements"}
    )
    number_of_elements: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "numberOfElements"}
    )
    first_page: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "firstPage"}
    )
    last_page: bool | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "lastPage"}
    )
    total_pages: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "totalPages"}
    )


T = TypeVar("T", default=Any)


@attrs.define(kw_only=True, repr=False)
class MetaInfoPage(WelkinModel, Generic[T]):
    """A page in the ``{data, metaInfo}`` style (encounters, programs, users)."""

    data: list[T]
    meta_info: MetaInfo = attrs.field(metadata={"wire_name": "metaInfo"})
