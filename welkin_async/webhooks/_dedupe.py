"""Which deliveries were already taken, by ``webhook-id``: a sender retries, and replays."""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol, runtime_checkable


@runtime_checkable
class DedupeStore(Protocol):
    """Remembers delivery ids. Back it with Redis or a database to share it between processes."""

    async def add(self, webhook_id: str) -> bool:
        """Record ``webhook_id``; ``True`` if it is new, ``False`` if it was seen before.

        Check and record must be one atomic step (``SET NX`` in Redis), or two deliveries of
        the same id racing each other would both count as new.
        """
        ...


class LruDedupe:
    """The default store: the last ``size`` ids in memory, oldest forgotten first.

    Senders retry for hours, not days, so a bounded memory of recent ids is enough for one
    process; a restart forgets them.
    """

    def __init__(self, size: int = 100_000) -> None:
        if size < 1:
            raise ValueError("the dedupe store must hold at least one id")
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return f"LruDedupe(size={self.size}, held={len(self._ids)})"

    async def add(self, webhook_id: str) -> bool:
        if webhook_id in self._ids:
            self._ids.move_to_end(webhook_id)
            return False
        self._ids[webhook_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True
