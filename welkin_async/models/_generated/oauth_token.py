# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async._unset import UNSET, UnsetType
from welkin_async.models._base import WelkinModel


@attrs.define(kw_only=True, repr=False)
class OAuthToken(WelkinModel):
    """An OAuth 2.0 client-credentials token response (RFC 6749 section 5.1)."""

    access_token: str
    token_type: str
    expires_in: int | UnsetType | None = attrs.field(default=UNSET)
    scope: str | UnsetType | None = attrs.field(default=UNSET)
