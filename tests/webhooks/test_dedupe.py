"""The in-memory de-duplication store of webhook ids."""

from __future__ import annotations

import pytest

from welkin_async.webhooks import DedupeStore, LruDedupe


async def test_first_sight_is_new_then_seen() -> None:
    """add() returns True for an id the first time and False the next."""
    store = LruDedupe(size=4)
    assert await store.add("msg_a") is True
    assert await store.add("msg_a") is False


async def test_distinct_ids_are_each_new() -> None:
    """Different ids do not count as seen for one another."""
    store = LruDedupe(size=4)
    assert [await store.add(i) for i in ("msg_a", "msg_b", "msg_c")] == [True, True, True]
    assert len(store) == 3


async def test_oldest_id_is_forgotten_beyond_size() -> None:
    """Past its size the store forgets its oldest id, which then counts as new again."""
    store = LruDedupe(size=3)
    for webhook_id in ("msg_a", "msg_b", "msg_c", "msg_d"):
        await store.add(webhook_id)
    assert len(store) == 3
    assert await store.add("msg_a") is True


async def test_only_the_oldest_id_is_forgotten() -> None:
    """Past its size the store still remembers every id but the oldest."""
    store = LruDedupe(size=3)
    for webhook_id in ("msg_a", "msg_b", "msg_c", "msg_d"):
        await store.add(webhook_id)
    assert [await store.add(i) for i in ("msg_d", "msg_c", "msg_b")] == [False, False, False]


async def test_seen_again_id_is_refreshed() -> None:
    """An id seen again moves to the newest end, so the next-oldest is forgotten instead."""
    store = LruDedupe(size=3)
    for webhook_id in ("msg_a", "msg_b", "msg_c"):
        await store.add(webhook_id)
    assert await store.add("msg_a") is False
    assert await store.add("msg_d") is True
    assert await store.add("msg_a") is False
    assert await store.add("msg_b") is True


@pytest.mark.parametrize("size", [0, -1])
def test_size_below_one_is_refused(size: int) -> None:
    """A store that could hold no id is refused."""
    with pytest.raises(ValueError, match="at least one"):
        LruDedupe(size=size)


def test_lru_dedupe_is_a_dedupe_store() -> None:
    """LruDedupe satisfies the runtime-checkable DedupeStore protocol."""
    assert isinstance(LruDedupe(), DedupeStore)
    assert not isinstance(object(), DedupeStore)
