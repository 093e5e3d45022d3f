# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any, Generic

import attrs
from typing_extensions import TypeVar

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class Pageable(WelkinModel):
    """The request a Spring page answers."""

    page_number: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "pageNumber"}
    )
    page_size: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "pageSize"}
    )
    offset: int | UnsetType | None = attrs.field(default=UNSET)
    paged: bool | UnsetType | None = attrs.field(default=UNSET)
    unpaged: bool | UnsetType | None = attrs.field(default=UNSET)
    sort: Sort | UnsetType | None = attrs.field(default=UNSET)


@attrs.define(kw_only=True, repr=False)
class Sort(WelkinModel):
    """How a Spring page is sorted."""

    sorted: bool | UnsetType | None = attrs.field(default=UNSET)
    unsorted: bool | UnsetType | None = attrs.field(default=UNSET)
    empty: bool | UnsetType | None = attrs.field(default=UNSET)


T = TypeVar("T", default=Any)


@attrs.define(kw_only=True, repr=False)
class SpringPage(WelkinModel, Generic[T]):
    """A Spring Data page: 0-based ``number``, ``size``, ``totalPages``."""

    content: list[T]
    total_elements: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "totalElements"}
    )
    total_pages: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "totalPages"}
    )
    number: int | UnsetType | None = attrs.field(default=UNSET)
    size: int | UnsetType | None = attrs.field(default=UNSET)
    number_of_elements: int | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "numberOfElements"}
    )
    first: bool | UnsetType | None = attrs.field(default=UNSET)
    last: bool | UnsetType | None = attrs.field(default=UNSET)
    empty: bool | UnsetType | None = attrs.field(default=UNSET)
    pageable: Pageable | UnsetType | None = attrs.field(default=UNSET)
    sort: Sort | UnsetType | None = attrs.field(default=UNSET)
