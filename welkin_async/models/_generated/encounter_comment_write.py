# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class EncounterCommentWrite(WelkinModel):
    """The body that writes an encounter comment (``POST`` a new one, ``PUT`` a replacement
    text): 1 to 65,535 characters, not all blank."""

    text: str
