"""What the audits (``admin/audit-data``, ``admin/audit-security``) share: their filters.

Each audit keeps its entries oldest first and serves them newest first (by ``sentAt``), narrowed
by the query: exact-match parameters, enumerated ones (a value outside the enumeration is a
400 ``INVALID_PARAMETER`` naming the parameter) and the ``dateStart``/``dateEnd`` bounds of
``sentAt`` (a value that is no ISO date-time with an offset is a 400 ``INVALID_DATE_RANGE``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Reversible
from typing import Any

from welkin_async.testing._clock import parse_iso_ms
from welkin_async.testing._errors import bad_request
from welkin_async.testing._query import instant

Check = Callable[[Mapping[str, Any]], bool]
AUDIT = "AUDIT"


def _equals(key: str, wanted: str) -> Check:
    return lambda entry: entry.get(key) == wanted


def _bounded(start: int | None, end: int | None) -> list[Check]:
    checks: list[Check] = []
    if start is not None:
        checks.append(lambda entry: parse_iso_ms(entry["sentAt"]) >= start)
    if end is not None:
        checks.append(lambda entry: parse_iso_ms(entry["sentAt"]) <= end)
    return checks


def filters(
    query: Mapping[str, str],
    *,
    exact: Mapping[str, str],
    enumerated: Mapping[str, frozenset[str]],
) -> list[Check]:
    """The tests an entry must pass for the query's filters: ``exact`` maps a parameter to the
    entry's key of the same name's value; ``enumerated`` maps a parameter (the entry's key of
    the same name) to the values it may take."""
    checks = [_equals(key, query[name]) for name, key in exact.items() if name in query]
    for name, allowed in enumerated.items():
        wanted = query.get(name)
        if wanted is None:
            continue
        if wanted not in allowed:
            raise bad_request(
                "INVALID_PARAMETER",
                AUDIT,
                f"{name} must be one of {sorted(allowed)}",
                parameter=name,
            )
        checks.append(_equals(name, wanted))
    start = instant(query, "dateStart", AUDIT, code="INVALID_DATE_RANGE")
    end = instant(query, "dateEnd", AUDIT, code="INVALID_DATE_RANGE")
    return checks + _bounded(start, end)


def newest_first(entries: Reversible[dict[str, Any]], checks: list[Check]) -> list[dict[str, Any]]:
    """The entries (kept oldest first) that pass every check, newest first; entries of the same
    millisecond stay newest first (the sort is stable)."""
    chosen = (entry for entry in reversed(entries) if all(check(entry) for check in checks))
    return sorted(chosen, key=lambda entry: entry["sentAt"], reverse=True)
