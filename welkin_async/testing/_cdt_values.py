"""CDT field values checked against the tenant's definitions, the way the server refuses them.

Each field type accepts JSON of one shape (``null`` clears a field unless it is required).
A bad value answers 400 ``CDT_FIELD_VALIDATION_FAILED`` naming the CDT, the field and the rule,
never the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from welkin_async.testing._errors import ApiFailure
from welkin_async.testing._records import CDT_SYSTEM_FIELDS

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_PHONE = re.compile(r"\+?[0-9 ().-]{7,20}\Z")


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10


def _is_datetime(value: Any) -> bool:
    try:
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_CHECKS: Mapping[str, tuple[Callable[[Any], bool], str]] = {
    "text": (lambda v: isinstance(v, str), "a string"),
    "textarea": (lambda v: isinstance(v, str), "a string"),
    "phone": (lambda v: isinstance(v, str) and bool(_PHONE.match(v)), "a phone number"),
    "email": (lambda v: isinstance(v, str) and bool(_EMAIL.match(v)), "an email address"),
    "integer": (_is_int, "an integer"),
    "float": (_is_number, "a number"),
    "number": (_is_number, "a number"),
    "boolean": (lambda v: isinstance(v, bool), "true or false"),
    "checkbox": (lambda v: isinstance(v, bool), "true or false"),
    "date": (_is_date, "a date (YYYY-MM-DD)"),
    "datetime": (_is_datetime, "a date-time with an offset"),
    "list": (lambda v: isinstance(v, list), "a list"),
}


def _failure(cdt: str, field: str, reason: str) -> ApiFailure:
    return ApiFailure(
        400,
        "CDT_FIELD_VALIDATION_FAILED",
        "CDT",
        f"Field '{field}' of CDT '{cdt}' {reason}",
        {"cdtName": cdt, "field": field, "reason": reason},
    )


def _bound(meta: Mapping[str, Any], key: str) -> float | None:
    value = meta.get(key)
    return None if value in (None, "") else float(value)


def _is_option(value: Any, allowed: set[Any]) -> bool:
    try:
        return value in allowed
    except TypeError:  # a list or an object (unhashable) is never an option
        return False


def _select_reason(value: Any, meta: Mapping[str, Any]) -> str | None:
    allowed = {option.get("value") for option in meta.get("options") or ()}
    if meta.get("multiple"):
        if not isinstance(value, list) or not all(_is_option(item, allowed) for item in value):
            return f"must be a list of options from {sorted(allowed)}"
    elif not _is_option(value, allowed):
        return f"must be one of {sorted(allowed)}"
    return None


def _reason(field: Mapping[str, Any], value: Any) -> str | None:
    meta = field.get("meta") or {}
    kind = field.get("type")
    if kind == "select":
        return _select_reason(value, meta)
    check = _CHECKS.get(str(kind))
    if check is None:  # a field type this emulator does not know: accepted as sent
        return None
    accepts, shape = check
    if not accepts(value):
        return f"must be {shape}"
    low, high = _bound(meta, "minValue"), _bound(meta, "maxValue")
    if low is not None and value < low:
        return f"must be at least {meta['minValue']}"
    if high is not None and value > high:
        return f"must be at most {meta['maxValue']}"
    return None


def check_values(cdt: Mapping[str, Any], values: Mapping[str, Any], *, creating: bool) -> None:
    """Refuse unknown, server-owned or ill-typed fields; when creating, missing required ones."""
    name = str(cdt["name"])
    fields = {field["name"]: field for field in cdt["fields"]}
    for key, value in values.items():
        field = fields.get(key)
        if field is None:
            raise _failure(name, key, "is not a field of this CDT")
        if key in CDT_SYSTEM_FIELDS or not field.get("editable", True):
            raise _failure(name, key, "is set by the server and cannot be written")
        if value is None:
            if (field.get("meta") or {}).get("required"):
                raise _failure(name, key, "is required and cannot be cleared")
            continue
        reason = _reason(field, value)
        if reason is not None:
            raise _failure(name, key, reason)
    if creating:
        for key, field in fields.items():
            if (field.get("meta") or {}).get("required") and values.get(key) is None:
                raise _failure(name, key, "is required")
