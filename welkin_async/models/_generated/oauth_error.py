# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class OAuthError(WelkinModel):
    """An OAuth 2.0 token error response (RFC 6749 section 5.2)."""

    error: str
    error_description: str | UnsetType | None = attrs.field(default=UNSET)
    error_uri: str | UnsetType | None = attrs.field(default=UNSET)
