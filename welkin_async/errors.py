"""Exceptions raised by welkin_async.

Messages say what was wrong and where (a JSON path, a field, a type), never a value: values are
patient data, tokens or secrets, and exception messages end up in logs.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs


class WelkinError(Exception):
    """Root of every exception this package raises on purpose."""


@attrs.frozen
class DecodeProblem:
    """One place where a JSON document did not fit its model.

    ``path`` is a JSONPath into the document as received (wire names, e.g.
    ``$.content[3].createdAt``); ``expected`` names the type the model wants there; ``got`` names
    the JSON type that was found instead (``"missing"`` for an absent required field).
    """

    path: str
    expected: str
    got: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {self.got}"


class DecodeError(WelkinError):
    """A response body (or a document passed to ``structure``) that does not fit its model."""

    def __init__(self, target: str, problems: Sequence[DecodeProblem]) -> None:
        self.target = target
        self.problems = tuple(problems)
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"cannot decode {target}: {shown}{more}")

    @property
    def path(self) -> str:
        """The JSONPath of the first problem."""
        return self.problems[0].path if self.problems else "$"
