# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel

from .dictionary_record_write import DictionaryRecordWrite


@attrs.define(kw_only=True, repr=False)
class DictionaryRecordsWrite(WelkinModel):
    """Records to add to a dictionary (``POST dictionaries/{name}``) or to replace all of its
    records with (``PUT dictionaries/{name}``)."""

    records: list[DictionaryRecordWrite]
