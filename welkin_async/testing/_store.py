"""One kind of record in one environment: rows by id, kept in insertion order, indexed by change.

Rows are the wire JSON (plain dicts). Each row's rendered bytes are cached until it changes, so a
page of 100 patients costs 100 dictionary lookups and one join, not 100 serialisations.

Every write stamps the row with a millisecond time that is strictly greater than any before it in
the environment, and appends ``(stamp, id)`` to a change log. The log is therefore sorted, which
is what the export cursor (``updatedAt >= start``) bisects; superseded entries are skipped.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from welkin_async.testing import _json

Row = dict[str, Any]


@attrs.define
class Table:
    """The rows of one record kind, with a render cache and an ordered change log."""

    rows: dict[str, Row] = attrs.field(factory=dict)
    _order: list[str] = attrs.field(factory=list)
    _rendered: dict[str, bytes] = attrs.field(factory=dict)
    _stamps: dict[str, int] = attrs.field(factory=dict)
    _log_stamps: list[int] = attrs.field(factory=list)
    _log_ids: list[str] = attrs.field(factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, row_id: object) -> bool:
        return row_id in self.rows

    def get(self, row_id: str) -> Row | None:
        return self.rows.get(row_id)

    def put(self, row_id: str, row: Row, stamp: int) -> None:
        """Insert or replace a row; ``stamp`` must exceed every earlier stamp of the table."""
        if row_id not in self.rows:
            self._order.append(row_id)
        self.rows[row_id] = row
        self._rendered.pop(row_id, None)
        self._stamps[row_id] = stamp
        self._log_stamps.append(stamp)
        self._log_ids.append(row_id)

    def delete(self, row_id: str) -> Row:
        row = self.rows.pop(row_id)
        self._order.remove(row_id)
        self._rendered.pop(row_id, None)
        del self._stamps[row_id]
        return row

    def ids(self) -> list[str]:
        """Ids in insertion order (the order lists are served in)."""
        return self._order

    def render(self, row_id: str) -> bytes:
        cached = self._rendered.get(row_id)
        if cached is None:
            # A copy of exactly the document's size: orjson's own bytes keep the capacity of the
            # buffer it wrote into (about 16 KiB), which a cache of every row multiplies.
            cached = self._rendered[row_id] = bytes(memoryview(_json.dumps(self.rows[row_id])))
        return cached

    def changed_since(self, start: int) -> Iterator[tuple[int, str]]:
        """``(stamp, id)`` of rows whose latest change is at or after ``start``, oldest first."""
        index = bisect.bisect_left(self._log_stamps, start)
        stamps, ids, current = self._log_stamps, self._log_ids, self._stamps
        for position in range(index, len(stamps)):
            row_id = ids[position]
            if current.get(row_id) == stamps[position]:
                yield stamps[position], row_id


@attrs.define
class ChildIndex:
    """Child ids grouped by a parent key (a patient, or a patient and a CDT), in creation order."""

    _children: dict[Any, list[str]] = attrs.field(factory=dict)

    def add(self, key: Any, child_id: str) -> None:
        self._children.setdefault(key, []).append(child_id)

    def remove(self, key: Any, child_id: str) -> None:
        children = self._children.get(key)
        if children and child_id in children:
            children.remove(child_id)

    def of(self, key: Any) -> list[str]:
        return self._children.get(key, [])

    def drop(self, key: Any) -> list[str]:
        return self._children.pop(key, [])

    def keys_where(self, predicate: Callable[[Any], bool]) -> list[Any]:
        return [key for key in self._children if predicate(key)]
