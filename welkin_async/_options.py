"""Per-call options: the headers, query parameters and timeout of one call, on top of the
client's.

Every resource method takes them as keywords (``extra_headers=``, ``extra_query=``,
``timeout=``); :meth:`WelkinClient.with_options` sets client-wide ones on a cheap view. They are
checked when the call is made, before anything is sent: a header the client owns
(``Authorization``, the body's framing) cannot be replaced, and a header that is not one line of
text is refused, so an option can never smuggle a second header or request.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TypedDict

import attrs

from welkin_async._config import Timeouts
from welkin_async.errors import ConfigurationError

QueryValue = str | int | float | bool
"""A query parameter's value: booleans are sent as ``true``/``false``."""


class RequestOptions(TypedDict, total=False):
    """The keywords every resource method accepts for that one call.

    - ``extra_headers``: sent with the call, after the client's own (``with_options(headers=)``);
    - ``extra_query``: query parameters added to the call's own (they win on a clash; a list's
      paging parameters stay the paginator's);
    - ``timeout``: seconds for the whole of each attempt, or a :class:`Timeouts`. A streamed
      download is bounded until its headers arrive, then between chunks (``Timeouts.read``):
      a large file may take longer than any total. Getting a token is not part of a call's
      attempts: the client's own timeouts bound it.
    """

    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, QueryValue]
    timeout: float | Timeouts


# Headers the client writes itself: the credentials, and what frames the body on the wire.
_OWNED = frozenset(
    {"authorization", "content-length", "content-type", "host", "transfer-encoding", "connection"}
)


def checked_headers(headers: Mapping[str, str] | None, where: str) -> dict[str, str]:
    """``headers`` as a plain dict, if each is a single line the client does not own itself."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise ConfigurationError(f"{where} must be a mapping of header names to strings")
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not name or not _is_token(name):
            raise ConfigurationError(f"{where}: {name!r} is not a valid header name")
        if name.lower() in _OWNED:
            raise ConfigurationError(f"{where}: the client sets {name} itself")
        if not isinstance(value, str) or not _is_field_value(value):
            # The value is not shown: it may be a credential of the caller's own.
            raise ConfigurationError(f"{where}: the value of {name} must be one line of text")
        checked[name] = value
    return checked


# Control characters other than the tab (RFC 9110 section 5.5): a CR or LF would end the header.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _is_field_value(value: str) -> bool:
    """Whether ``value`` can be a header's value: no control character but the tab, and text
    that UTF-8 can carry (no lone surrogate)."""
    if _CONTROL.search(value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_token(name: str) -> bool:
    """Whether ``name`` is an HTTP token (RFC 9110): visible ASCII without separators."""
    return all(33 <= ord(c) < 127 and c not in '"(),/:;<=>?@[\\]{}' for c in name)


def checked_timeouts(timeout: float | Timeouts | None, base: Timeouts) -> Timeouts | None:
    """A call's :class:`Timeouts`: ``timeout`` seconds for each whole attempt (the connect and
    read limits of ``base`` kept, within it), a ``Timeouts`` as given, or ``None`` for ``base``."""
    if timeout is None or isinstance(timeout, Timeouts):
        return timeout
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not 0 < timeout < math.inf  # NaN fails both tests
    ):
        raise ConfigurationError("timeout must be a positive number of seconds or a Timeouts")
    seconds = float(timeout)

    def within(limit: float | None) -> float:
        return seconds if limit is None else min(limit, seconds)

    return Timeouts(connect=within(base.connect), read=within(base.read), total=seconds)


@attrs.frozen
class CallOptions:
    """:class:`RequestOptions` checked and resolved against a client's defaults."""

    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    query: Mapping[str, QueryValue] = attrs.field(factory=dict, repr=False)
    timeouts: Timeouts | None = None

    @classmethod
    def of(
        cls, options: RequestOptions | None, *, headers: Mapping[str, str], base: Timeouts
    ) -> CallOptions:
        """The options of one call: ``options`` over the client's ``headers`` and ``base``."""
        if not options:
            return cls(headers=headers) if headers else _NONE
        unknown = set(options) - set(RequestOptions.__annotations__)
        if unknown:
            raise TypeError(f"unknown request option {', '.join(sorted(unknown))}")
        query = options.get("extra_query") or {}
        if not isinstance(query, Mapping) or not all(isinstance(k, str) for k in query):
            raise ConfigurationError("extra_query must be a mapping of parameter names to values")
        for name, value in query.items():
            if not isinstance(value, str | int | float):  # bool is an int
                raise ConfigurationError(
                    f"extra_query: {name!r} must be a string, a number or a bool, "
                    f"not {type(value).__name__}"
                )
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigurationError(f"extra_query: {name!r} must be a finite number")
        return cls(
            headers={**headers, **checked_headers(options.get("extra_headers"), "extra_headers")},
            query=dict(query),
            timeouts=checked_timeouts(options.get("timeout"), base),
        )


_NONE = CallOptions()
