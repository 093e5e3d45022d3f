"""What a call's answer says besides its body: the request id, the headers worth keeping, and
:class:`APIResponse` (``client.with_raw_response``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Generic, TypeVar

import attrs

T = TypeVar("T")

# Where servers and the gateways in front of them put the id of a request, most specific first.
REQUEST_ID_HEADERS = ("X-Request-Id", "Request-Id", "X-Amzn-RequestId", "X-Amz-Request-Id")
# What a request id looks like; anything else (a huge or binary value) is not kept.
_REQUEST_ID = re.compile(r"[A-Za-z0-9_.:/+=-]{1,128}")

# Headers that carry no patient data, credentials or cookies, and help whoever debugs a failure.
_SAFE_HEADERS = frozenset(
    name.lower()
    for name in (
        *REQUEST_ID_HEADERS,
        "Content-Type",
        "Content-Length",
        "Content-Encoding",
        "Date",
        "Retry-After",
        "Server",
        "Via",
        "Cache-Control",
        "WWW-Authenticate",
        "RateLimit",
        "RateLimit-Policy",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
        "traceparent",
    )
)
_MAX_SAFE_VALUE = 512
_REQUEST_ID_NAMES = frozenset(name.lower() for name in REQUEST_ID_HEADERS)


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The request id the server sent, if it sent one that looks like an id."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value is not None and _REQUEST_ID.fullmatch(value.strip()):
            return value.strip()
    return None


def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers of an answer that may be kept on an exception and logged: a request id
    header only if its value looks like an id."""
    return {
        name: value
        for name, value in headers.items()
        if name.lower() in _SAFE_HEADERS
        and len(value) <= _MAX_SAFE_VALUE
        and (name.lower() not in _REQUEST_ID_NAMES or _REQUEST_ID.fullmatch(value.strip()))
    }


@attrs.frozen
class Exchange:
    """One call's final answer, as ``with_raw_response`` records it."""

    status: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    attempts: int


@attrs.frozen(repr=False)
class APIResponse(Generic[T]):
    """A call's parsed value with its answer: ``status``, ``headers`` (all of them: the caller's
    own), ``request_id``, how many ``attempts`` the last call took and how many ``calls`` the
    method made. Its repr shows neither the value nor the headers."""

    value: T
    status: int
    headers: Mapping[str, str]
    request_id: str | None
    attempts: int
    calls: int

    @classmethod
    def of(cls, value: T, exchanges: Sequence[Exchange]) -> APIResponse[T]:
        last = exchanges[-1]
        return cls(
            value=value,
            status=last.status,
            headers=last.headers,
            request_id=request_id_of(last.headers),
            attempts=last.attempts,
            calls=len(exchanges),
        )

    def __repr__(self) -> str:
        return (
            f"APIResponse(status={self.status}, request_id={self.request_id!r}, "
            f"attempts={self.attempts}, calls={self.calls})"
        )
