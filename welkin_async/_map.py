"""``client.map``: run one coroutine function over many items, a bounded number at a time.

Results come as each call finishes, each a :data:`Result`: an :class:`Ok` holding the item and
the value or an :class:`Err` holding the item and the exception; one failing item never stops the
others. Items are pulled from the (async)
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
from typing import Generic, Literal, NoReturn, TypeVar

import attrs
from typing_extensions import TypeAliasType

I = TypeVar("I")  # noqa: E741 - the item type
V = TypeVar("V")


@attrs.frozen(repr=False)
class Ok(Generic[I, V]):
    """A call of ``fn(item)`` that returned ``value``."""

    item: I
    value: V

    @property
    def ok(self) -> Literal[True]:
        """Always true here: ``if result.ok:`` narrows a :data:`Result` to an ``Ok`` (mypy)."""
        return True

    @property
    def error(self) -> None:
        """No error: the call returned."""
        return None

    def unwrap(self) -> V:
        """The value."""
        return self.value

    def __repr__(self) -> str:
        # The item is often a patient id and the value patient data: neither belongs in a log.
        return "Ok(...)"


@attrs.frozen(repr=False)
class Err(Generic[I]):
    """A call of ``fn(item)`` that raised ``error``."""

    item: I
    error: Exception

    @property
    def ok(self) -> Literal[False]:
        """Always false here: the call raised."""
        return False

    @property
    def value(self) -> None:
        """No value: the call raised."""
        return None

    def unwrap(self) -> NoReturn:
        """Raise the call's exception again."""
        raise self.error

    def __repr__(self) -> str:
        return f"Err({type(self.error).__name__})"


Result = TypeAliasType("Result", Ok[I, V] | Err[I], type_params=(I, V))
"""The outcome of one call of ``fn(item)`` in :meth:`WelkinClient.map`: an :class:`Ok` with its
``value`` or an :class:`Err` with its ``error``. ``if result.ok: result.value`` type-checks
under mypy (the check narrows to ``Ok``); ``if result.error is None:``, ``isinstance(result,
Ok)`` and ``match result: case Ok(value=v)`` narrow under mypy and pyright alike.
``result.unwrap()`` returns the value or raises the error."""


async def _run(fn: Callable[[I], Awaitable[V]], item: I) -> Result[I, V]:
    try:
        value = await fn(item)
    except Exception as exc:  # noqa: BLE001 - every failure is handed to the caller in its Result
        return Err(item, exc)
    return Ok(item, value)


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
