"""What a catalog entry is: one public SDK method, the exchanges it makes, and the helpers its
invocation uses (reading recorded bodies as typed arguments, gathering list methods' items).

The core table is :mod:`tests.conformance._catalog`; each newer family keeps its entries, and how
the emulator is seeded for them, in a module of its own under :mod:`tests.conformance.families`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from tests.conformance._recordings import Recording, Scope
from welkin_async import WelkinClient
from welkin_async._serde import structure
from welkin_async._unset import UNSET
from welkin_async.errors import DecodeError
from welkin_async.models import MetaInfoPage, NamedPage, SpringPage, TokenPage, WelkinModel

if TYPE_CHECKING:
    from tests.conformance._arrange import World

T = TypeVar("T")
Invoke = Callable[[WelkinClient, "re.Match[str]", Recording], Awaitable[Any]]
Arrange = Callable[["World"], Awaitable[None]]
QueryTest = Callable[[Mapping[str, str]], bool]


class UntypedRequest(Exception):
    """A recorded request body holds keys the SDK's write model does not type."""


def any_query(_: Mapping[str, str]) -> bool:
    return True


def without(*names: str) -> QueryTest:
    def test(query: Mapping[str, str]) -> bool:
        return not any(name in query for name in names)

    return test


def with_(name: str, *values: str) -> QueryTest:
    def test(query: Mapping[str, str]) -> bool:
        return query.get(name) in values

    return test


_SEGMENT = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    """``patients/{patient_id}`` as an anchored regex whose named groups are the placeholders."""
    parts, at = [], 0
    for placeholder in _SEGMENT.finditer(template):
        parts.append(re.escape(template[at : placeholder.start()]))
        parts.append(f"(?P<{placeholder[1]}>[^/]+)")
        at = placeholder.end()
    parts.append(re.escape(template[at:]))
    return re.compile("".join(parts) + r"\Z")


@attrs.frozen
class Operation:
    """One public SDK method and the exchanges it makes."""

    name: str  # the public method, e.g. "patients.get"
    method: str
    template: str  # the path after the prefix, e.g. "patients/{patient_id}"
    scope: Scope
    family: str
    invoke: Invoke = attrs.field(repr=False)
    answer: Any = None  # the type a 2xx body structures into; None: nothing is read back
    listing: bool = False  # the method yields the items of pages of type ``answer``
    write_model: Any = None  # the model the recorded request body must structure into
    query: QueryTest = attrs.field(default=any_query, repr=False)
    token_exchange: bool = False  # the exchange is the client's own token request
    # Seeds the emulator for the recorded request (families' own); None: ``_arrange.arrange``.
    arrange: Arrange | None = attrs.field(default=None, repr=False)
    path: re.Pattern[str] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "path", _pattern(self.template))

    def match(self, recording: Recording) -> re.Match[str] | None:
        """The path match if this operation makes ``recording``'s exchange, else None."""
        if recording.method != self.method or recording.scope != self.scope:
            return None
        if not self.query(recording.query):
            return None
        return self.path.match(recording.relative)


# --- helpers the invocations share ---------------------------------------------------------------


def page_items(page: Any) -> list[Any]:
    """The items of a structured page envelope (or of a bare list)."""
    if isinstance(page, NamedPage):
        return list(page.data.content)
    if isinstance(page, SpringPage):
        return list(page.content)
    if isinstance(page, MetaInfoPage):
        return list(page.data)
    if isinstance(page, TokenPage):
        return list(page.content)
    if isinstance(page, list):
        return page
    raise TypeError(f"{type(page).__name__} is not a page envelope")


def _last(last: Any, number: Any, total: Any) -> bool:
    if isinstance(last, bool):
        return last
    if isinstance(number, int) and isinstance(total, int):
        return number + 1 >= total
    return True


def page_is_last(page: Any) -> bool:
    """Whether a structured page envelope says no page follows it."""
    if isinstance(page, NamedPage):
        page = page.data
    if isinstance(page, SpringPage):
        return _last(page.last, page.number, page.total_pages)
    if isinstance(page, MetaInfoPage):
        meta = page.meta_info
        return _last(meta.last_page, meta.page, meta.total_pages)
    if isinstance(page, TokenPage):
        return not isinstance(page.meta.next_page_token, str)
    return True


def page_limit(recording: Recording, answer: Any) -> int | None:
    """How many items to read from a list method: all of them (None) when the recorded page is
    the last one, else just the recorded page's, so that no page beyond the recording is asked
    for (the replay has only the recorded one)."""
    if not 200 <= recording.status < 300:
        return None
    try:
        page = structure(recording.response_body, answer)
    except DecodeError:
        return None  # the test reports the decode failure; read until the SDK stops
    return None if page_is_last(page) else len(page_items(page))


async def gather(source: AsyncIterable[T], limit: int | None = None) -> list[T]:
    """The items ``async for`` yields, stopping after ``limit`` of them; closes the iteration."""
    items: list[T] = []
    if limit == 0:
        return items
    iterator = aiter(source)
    close = getattr(iterator, "aclose", None)
    try:
        async for item in iterator:
            items.append(item)
            if limit is not None and len(items) >= limit:
                break
    finally:
        if close is not None:
            await close()
    return items


def written(model: type[T], body: Any) -> T:
    """The recorded request body as the SDK's write model; ``UntypedRequest`` if the model does
    not type every key (a typed call could not send them)."""
    value = structure(body if body is not None else {}, model)
    if isinstance(value, WelkinModel) and value.wire_extra:
        keys = ", ".join(sorted(value.wire_extra))
        raise UntypedRequest(f"{model.__name__} does not type the recorded key(s) {keys}")
    return value


def keywords(model: type[WelkinModel], body: Any) -> dict[str, Any]:
    """The recorded request body as keyword arguments by attribute name (typed values), as a
    caller of ``update(id, first_name=...)`` would pass them."""
    value = written(model, body)
    return {
        a.name: getattr(value, a.name)
        for a in attrs.fields(type(value))
        if a.name != "wire_extra" and getattr(value, a.name) is not UNSET
    }


def body_of(recording: Recording) -> dict[str, Any]:
    body = recording.request_body
    if not isinstance(body, dict):
        raise UntypedRequest("the recorded request body is not a JSON object")
    return body


def listing(
    answer: Any, items: Callable[[WelkinClient, re.Match[str], Recording], AsyncIterable[Any]]
) -> Invoke:
    async def invoke(client: WelkinClient, found: re.Match[str], recording: Recording) -> Any:
        return await gather(items(client, found, recording), page_limit(recording, answer))

    return invoke
