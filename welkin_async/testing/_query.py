"""Reading query parameters the way the live API does."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypeVar

from welkin_async.testing._clock import parse_iso_ms
from welkin_async.testing._errors import bad_request

T = TypeVar("T")


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


def check_uuid(value: str, name: str, component: str, message: str) -> None:
    """Nothing if ``value`` is a UUID; else a 400 ``INVALID_PARAMETER`` with ``message``, naming
    the parameter ``name``."""
    try:
        uuid.UUID(value)
    except ValueError:
        raise bad_request("INVALID_PARAMETER", component, message, parameter=name) from None


def one_of(
    query: Mapping[str, str], name: str, allowed: Collection[str], component: str
) -> frozenset[str] | None:
    """A comma-separated list of ``allowed`` values (blanks around them ignored), None when
    absent; an empty list or a value outside ``allowed`` is a 400 ``INVALID_PARAMETER`` naming
    the parameter and listing what it takes."""
    text = query.get(name)
    if text is None:
        return None
    given = frozenset(part.strip() for part in text.split(",") if part.strip())
    if not given or not given <= frozenset(allowed):
        raise bad_request(
            "INVALID_PARAMETER",
            component,
            f"'{name}' takes comma-separated values of {', '.join(allowed)}",
            parameter=name,
        )
    return given


def sort_by(
    query: Mapping[str, str],
    items: Sequence[T],
    keys: Mapping[str, Callable[[T], Any]],
    component: str,
) -> Sequence[T]:
    """``items`` in the order ``sort=field[,asc|desc]`` asks (items without a value last, ties
    in the order given), or as given without ``sort``. ``keys`` maps each field the list sorts
    by to the item's value of it; another field, or a direction other than ``asc``/``desc``, is
    a 400 ``INVALID_SORT`` naming it."""
    text = query.get("sort")
    if text is None:
        return items
    field, _, direction = (part.strip() for part in text.partition(","))
    key = keys.get(field)
    if key is None:
        raise bad_request(
            "INVALID_SORT",
            component,
            f"Cannot sort by '{field}': sort by one of {', '.join(keys)}",
            parameter="sort",
        )
    if direction.lower() not in ("", "asc", "desc"):
        raise bad_request(
            "INVALID_SORT",
            component,
            f"Cannot sort '{direction}': the direction is asc or desc",
            parameter="sort",
        )
    present = [item for item in items if key(item) is not None]
    absent = [item for item in items if key(item) is None]
    present.sort(key=key, reverse=direction.lower() == "desc")
    return present + absent
