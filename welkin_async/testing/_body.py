"""Request bodies as the emulator reads them: strict JSON within fixed bounds, or a 400.

The live API answers a body it cannot read with a 400, whatever the bytes; so must the emulator.
Everything the schema validator and the handlers are given has passed these checks, so neither
meets a document it cannot walk or a value the emulator could not render back:

- UTF-8 only: no byte-order mark, no guessing of UTF-16 or UTF-32, no lone surrogates;
- no ``NaN`` or ``Infinity`` literals, no float that overflows to infinity, no integer beyond
  64 bits (the widest the renderer writes exactly);
- a key repeated within one object keeps its last value, as the live API's parser (Jackson, by
  default) does;
- nesting at most :data:`MAX_DEPTH` deep (the validator and the renderer recurse).

Messages name the rule, never the offending value (values can be patient data).
"""

from __future__ import annotations

import json
from typing import Any

from welkin_async.testing._errors import ApiFailure, bad_request

MAX_DEPTH = 64  # far above any documented body (a handful of levels), far below any recursion
_INT_LIMIT = 2**63  # signed 64-bit: what every client and the renderer round-trip exactly


class _Refused(ValueError):
    """A rule of this module broken while parsing; its message is the 400's."""


def _constant(_literal: str) -> Any:
    raise _Refused("The body holds a NaN or Infinity literal, which JSON does not allow")


def _integer(literal: str) -> int:
    value = int(literal)  # past the interpreter's digit limit this raises ValueError itself
    if not -_INT_LIMIT <= value < _INT_LIMIT:
        raise _Refused("The body holds an integer beyond 64 bits")
    return value


def _float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise _Refused("The body holds a number too large for a double")
    return value


def _check_string(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a "\ud800" escape
            raise _Refused("The body holds a string that is not valid Unicode") from None


def _check_tree(document: Any) -> None:
    """Depth and strings, walked without recursion (the document may be deep)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_string(value)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise _Refused(f"The body nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            for key in value:
                _check_string(key)
            stack.extend((child, depth + 1) for child in value.values())
        else:
            stack.extend((child, depth + 1) for child in value)


def _malformed(message: str) -> ApiFailure:
    return bad_request("MALFORMED_JSON", "REQUEST", message)


def read_json(raw: bytes) -> Any:
    """The JSON document of a non-empty request body; a 400 ``MALFORMED_JSON`` otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("The body is not valid UTF-8") from None
    try:
        document = json.loads(
            text,
            parse_constant=_constant,
            parse_int=_integer,
            parse_float=_float,
        )
        _check_tree(document)
    except _Refused as refused:
        raise _malformed(str(refused)) from None
    except RecursionError:  # deeper than the parser itself can go: far past MAX_DEPTH
        raise _malformed(f"The body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        raise _malformed("The body is not valid JSON") from None
    return document
