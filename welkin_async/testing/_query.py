"""Reading query parameters the way the live API does."""

from __future__ import annotations

from collections.abc import Mapping

from welkin_async.testing._errors import bad_request


def flag(query: Mapping[str, str], name: str, component: str) -> bool:
    """A boolean parameter in any case (the recorded clients send ``True``), false when absent;
    anything else is a 400 ``INVALID_PARAMETER`` naming it."""
    value = query.get(name, "false").lower()
    if value not in ("true", "false"):
        raise bad_request("INVALID_PARAMETER", component, "Must be true or false", parameter=name)
    return value == "true"
