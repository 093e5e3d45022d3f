"""schemas/core as the emulator uses it: request bodies are validated against the same JSON
Schemas that generate the SDK's models, and the OpenAPI document embeds them.

Validation uses the ``jsonschema`` library. Its messages quote the offending value, and values
can be patient data, so an error is re-worded here from the failing keyword and the JSON path
alone.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from welkin_async.testing._config import schemas_root
from welkin_async.testing._errors import ApiFailure

_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value).tzinfo is not None


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


@functools.cache
def core_schemas() -> dict[str, dict[str, Any]]:
    """Every schema of schemas/core by its ``$id`` (``patient.json``)."""
    folder = schemas_root() / "core"
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.json"))
    }


@functools.cache
def _registry() -> Registry:
    resources = [(name, Resource.from_contents(doc)) for name, doc in core_schemas().items()]
    return Registry().with_resources(resources)


@functools.cache
def _validator(schema_id: str) -> Draft202012Validator:
    return Draft202012Validator(
        core_schemas()[schema_id], registry=_registry(), format_checker=_FORMATS
    )


def _path(error: ValidationError) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


_REASONS = {
    "type": "must be of type {expected}",
    "enum": "must be one of {expected}",
    "format": "must be a {expected}",
    "anyOf": "matches none of the allowed shapes",
    "minimum": "must be at least {expected}",
    "maximum": "must be at most {expected}",
}


def _reason(error: ValidationError) -> str:
    keyword = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    if keyword == "required":
        missing = [name for name in expected if name not in instance]
        return f"is missing required field(s) {missing}"
    if keyword == "additionalProperties":
        schema: Any = error.schema
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        return f"has unknown field(s) {extra}"
    return _REASONS.get(str(keyword), f"fails '{keyword}'").format(expected=expected)


def validate(schema_id: str, document: Any) -> None:
    """Raise a 400 ``INVALID_REQUEST_BODY`` naming the JSON path and the rule that failed."""
    error = best_match(_validator(schema_id).iter_errors(document))
    if error is None:
        return
    path, reason = _path(error), _reason(error)
    raise ApiFailure(
        400,
        "INVALID_REQUEST_BODY",
        "REQUEST",
        f"{path} {reason}",
        {"path": path, "reason": reason},
    )
