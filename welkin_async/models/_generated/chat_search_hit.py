# Code generated from schemas/core by `make generate` (python -m welkin_codegen core).
# DO NOT EDIT: change the schema and regenerate.

from __future__ import annotations

import attrs

from welkin_async.models._base import WelkinModel

from .chat_message import ChatMessage
from .token_page import TokenMeta


@attrs.define(kw_only=True, repr=False)
class ChatSearchHit(WelkinModel):
    """A chat message matching a search, with tokens of the chat pages around it."""

    meta: TokenMeta
    message: ChatMessage
