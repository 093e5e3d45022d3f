# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class DictionaryDefinition(WelkinModel):
    """A dictionary as the formation defines it (``formations/{version}/dictionaries``): its
    fields, which every record gives values for. A select field of a CDT may draw its options from
    one."""

    name: str
    fields: list[DictionaryField]
    title: str | UnsetType | None = attrs.field(default=UNSET)
    internal: bool | UnsetType | None = attrs.field(default=UNSET)
    """A built-in dictionary the tenant cannot populate (``timezone``)."""


@attrs.define(kw_only=True, repr=False)
class DictionaryField(WelkinModel):
    """One field of a dictionary."""

    name: str
    type: str
    """The type of the field's values (``text``)."""
