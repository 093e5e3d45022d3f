"""The ``UNSET`` sentinel: a field the server did not send, as opposed to one it sent as ``null``.

Welkin leaves fields out of a response when the API client's role may not read them, and a PATCH
must send only the fields a caller changed. Both need "absent" to differ from ``None`` ("cleared").
A one-member enum is used so that ``x is UNSET`` narrows the type under mypy.
"""

from __future__ import annotations

import enum
from typing import Final, Literal


class UnsetType(enum.Enum):
    """The type of :data:`UNSET`; its only member is ``UNSET``."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = UnsetType.UNSET
"""A field that is absent from the wire, never the same as ``None`` (JSON ``null``)."""
