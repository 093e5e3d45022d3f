"""JSON bytes in and out: orjson where the ``speedups`` extra installed it, else the stdlib.

Both raise ``json.JSONDecodeError`` on malformed input (orjson's error subclasses it), deep
nesting included (the stdlib's ``RecursionError`` is turned into one).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

loads: Callable[[bytes | str], Any]
dumps: Callable[[Any], bytes]
try:  # orjson parses about twice as fast as the standard library and writes bytes directly.
    from orjson import dumps, loads
except ImportError:  # pragma: no cover - exercised where orjson is not installed

    def loads(text: bytes | str) -> Any:
        try:
            return json.loads(text)
        except RecursionError:  # orjson refuses deep nesting with a JSONDecodeError: so do we
            raise json.JSONDecodeError("nested too deeply", "", 0) from None

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def check_finite(document: Any, path: str = "$") -> None:
    """A ``ValueError`` naming the JSON path of the first NaN or infinity in ``document``."""
    if isinstance(document, float):
        if not math.isfinite(document):
            raise ValueError(f"{path}: JSON has no NaN or infinity")
    elif isinstance(document, Mapping):
        for key, value in document.items():
            check_finite(value, f"{path}.{key}")
    elif isinstance(document, list | tuple):
        for index, value in enumerate(document):
            check_finite(value, f"{path}[{index}]")
