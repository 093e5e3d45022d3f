"""JSON to and from bytes: orjson when the ``speedups`` extra is installed, else the stdlib."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

dumps: Callable[[Any], bytes]
loads: Callable[[bytes | str], Any]
try:
    from orjson import dumps, loads
except ImportError:  # pragma: no cover - exercised where orjson is not installed
    loads = json.loads

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
