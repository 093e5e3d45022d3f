"""Reading query parameters the way the live API does."""

from __future__ import annotations

from collections.abc import Mapping

from welkin_async.testing._clock import parse_iso_ms
from welkin_async.testing._errors import bad_request


def flag(query: Mapping[str, str], name: str, component: str) -> bool:
    """A boolean parameter in any case (the recorded clients send ``True``), false when absent;
    anything else is a 400 ``INVALID_PARAMETER`` naming it."""
    value = query.get(name, "false").lower()
    if value not in ("true", "false"):
        raise bad_request("INVALID_PARAMETER", component, "Must be true or false", parameter=name)
    return value == "true"


def instant(
    query: Mapping[str, str], name: str, component: str, *, code: str = "INVALID_DATE_TIME"
) -> int | None:
    """A date-time parameter in epoch ms, None when absent; one that is not an ISO date-time
    with an offset is a 400 ``code`` naming it."""
    text = query.get(name)
    if text is None:
        return None
    try:
        return parse_iso_ms(text)
    except (ValueError, OverflowError):
        raise bad_request(
            code, component, f"'{name}' must be an ISO date-time with an offset", parameter=name
        ) from None
