# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

from datetime import datetime

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel

from .dictionary_record import DictionaryRecord


@attrs.define(kw_only=True, repr=False)
class DictionaryRecords(WelkinModel):
    """Records of one dictionary (``GET``, and the answer of ``POST`` and ``PUT``
    ``dictionaries/{name}``), with when any of its records last changed."""

    dictionary_name: str = attrs.field(metadata={"wire_name": "dictionaryName"})
    records: list[DictionaryRecord]
    last_updated_at: datetime | UnsetType | None = attrs.field(
        default=UNSET, metadata={"wire_name": "lastUpdatedAt"}
    )
