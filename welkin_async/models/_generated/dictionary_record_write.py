# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class DictionaryRecordWrite(WelkinModel):
    """The values of a dictionary record as written (``PUT dictionaries/{name}/{id}``, and each
    record of a ``POST`` or ``PUT dictionaries/{name}``)."""

    values: dict[str, str]
    """The record's values by the dictionary's field names."""
