"""``client.map``: run one coroutine function over many items, a bounded number at a time.

Results come as each call finishes, each a :class:`Result` holding the item and either the value
or the exception; one failing item never stops the others. Items are pulled from the (async)
iterable only when a slot is free, so a generator of a million patients is never read ahead.
"""

from __future__ import annotations

import asyncio
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from typing import Generic, TypeVar, cast

import attrs

I = TypeVar("I")  # noqa: E741 - the item type
V = TypeVar("V")


@attrs.frozen(repr=False)
class Result(Generic[I, V]):
    """The outcome of one call of ``fn(item)``: ``value`` if it returned, ``error`` if it raised."""

    item: I
    value: V | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """Whether the call returned (``value`` holds its result)."""
        return self.error is None

    def unwrap(self) -> V:
        """The value, or the call's exception raised again."""
        if self.error is not None:
            raise self.error
        return cast(V, self.value)

    def __repr__(self) -> str:
        # The item is often a patient id and the value patient data: neither belongs in a log.
        outcome = "ok" if self.error is None else f"error={type(self.error).__name__}"
        return f"Result({outcome})"


async def _run(fn: Callable[[I], Awaitable[V]], item: I) -> Result[I, V]:
    try:
        value = await fn(item)
    except Exception as exc:  # noqa: BLE001 - every failure is handed to the caller in its Result
        return Result(item, error=exc)
    return Result(item, value)


def map_concurrently(
    fn: Callable[[I], Awaitable[V]],
    items: Iterable[I] | AsyncIterable[I],
    concurrency: int,
) -> AsyncGenerator[Result[I, V], None]:
    """Yield ``Result(item, ...)`` for every item, as the calls finish, ``concurrency`` at a time.

    Leaving the loop early (or closing the generator) cancels the calls still running.
    """
    if concurrency < 1:  # checked now, not at the first iteration
        raise ValueError("concurrency must be at least 1")
    return _results(fn, items, concurrency)


async def _results(
    fn: Callable[[I], Awaitable[V]],
    items: Iterable[I] | AsyncIterable[I],
    concurrency: int,
) -> AsyncGenerator[Result[I, V], None]:
    source = aiter(items) if isinstance(items, AsyncIterable) else _AsyncOf(iter(items))
    running: set[asyncio.Task[Result[I, V]]] = set()
    exhausted = False
    try:
        while True:
            while not exhausted and len(running) < concurrency:
                try:
                    item = await anext(source)
                except StopAsyncIteration:
                    exhausted = True
                    break
                running.add(asyncio.create_task(_run(fn, item)))
            if not running:
                return
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                yield task.result()
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        # An iterator made here (from a Paginator, say) is closed here, which stops its page
        # fetches; an iterator the caller passed in stays the caller's to close.
        if source is not items and isinstance(source, AsyncGenerator):
            await source.aclose()


class _AsyncOf(AsyncIterator[I]):
    """A plain iterator, read one item at a time from async code."""

    def __init__(self, iterator: Iterator[I]) -> None:
        self._iterator = iterator

    async def __anext__(self) -> I:
        try:
            return next(self._iterator)
        except StopIteration:
            pass  # raised below, outside the handler
        raise StopAsyncIteration
