"""The emulator's notion of time: real time plus an offset that tests move forward.

Token expiry, rate-limit refills and ``Retry-After`` dates all read this clock, so a test proves
"the token has expired" with ``emulator.clock.advance(3600)`` instead of sleeping.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import attrs

_last_second: list[object] = [None, ""]  # consecutive stamps mostly share their second


def iso_ms(epoch_ms: int) -> str:
    """``2025-01-01T00:00:00.000Z``: the millisecond UTC form every timestamp on the wire uses."""
    second, millis = divmod(epoch_ms, 1000)
    if _last_second[0] != second:
        moment = datetime.fromtimestamp(second, UTC)
        _last_second[:] = [second, moment.strftime("%Y-%m-%dT%H:%M:%S.")]
    return f"{_last_second[1]}{millis:03d}Z"


def parse_iso_ms(text: str) -> int:
    """The epoch milliseconds of an ISO-8601 date-time with an offset, in years 1 to 9999 in UTC
    (so that :func:`iso_ms` can serve it back); ``ValueError`` otherwise."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a date-time needs an offset (Z or +hh:mm)")
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the instant is outside years 1 to 9999 in UTC") from None
    return round(moment.timestamp() * 1000)


@attrs.define
class Clock:
    """Wall-clock and monotonic seconds, both shifted by :meth:`advance`."""

    _offset: float = 0.0

    def time(self) -> float:
        return time.time() + self._offset

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def now_ms(self) -> int:
        return int(self.time() * 1000)

    def advance(self, seconds: float) -> None:
        """Move time forward (tokens expire, buckets refill) without waiting."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
