# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from typing import Any, Generic

import attrs
from typing_extensions import TypeVar

from welkin_async.models._base import WelkinModel

from .spring_page import SpringPage

T = TypeVar("T", default=Any)


@attrs.define(kw_only=True, repr=False)
class NamedPage(WelkinModel, Generic[T]):
    """A page wrapped with the name of what it lists, as CDT record lists are."""

    name: str
    data: SpringPage[T]
