"""Request hooks: what a service sees of each attempt, to export metrics or traces.

Events carry the path template (``patients/{id}``), never the filled path, a body or a token.
``call_id`` ties the attempts of one logical call together (it counts calls per client, from 1;
0 in an event made outside a client).
A hook may be a plain function or a coroutine function; it runs inline on the request path, so
it should be quick.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

import attrs


@attrs.frozen
class RequestEvent:
    """An attempt is about to be sent (``attempt`` counts from 1)."""

    method: str
    path: str
    attempt: int
    call_id: int = attrs.field(default=0, kw_only=True)


@attrs.frozen
class ResponseEvent:
    """An attempt was answered with ``status`` after ``elapsed`` seconds."""

    method: str
    path: str
    attempt: int
    status: int
    elapsed: float
    call_id: int = attrs.field(default=0, kw_only=True)


@attrs.frozen
class RetryEvent:
    """Attempt ``attempt`` failed with ``reason`` (``"HTTP 503"``, ``"ReadError"``, ...) and the
    call will try again after ``delay`` seconds."""

    method: str
    path: str
    attempt: int
    reason: str
    delay: float
    call_id: int = attrs.field(default=0, kw_only=True)


E = TypeVar("E", RequestEvent, ResponseEvent, RetryEvent)
Hook = Callable[[E], Awaitable[None] | None]


async def fire(hook: Hook[E], event: E) -> None:
    result = hook(event)
    if inspect.isawaitable(result):
        await result
