"""Page parameters and the three paged envelopes the live API uses, assembled from row bytes.

- Spring page (patients by filter, assessment records; CDT lists wrap it in ``{name, data}``);
- metaInfo (encounters, patient programs, users, audits);
- cursor (exports).

Pages are 0-based and ``size`` defaults to 20, as live. Rows arrive already rendered (see
:mod:`._store`), so an envelope is one join plus a small metadata object.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from welkin_async.testing import _json
from welkin_async.testing._errors import bad_request

DEFAULT_PAGE_SIZE = 20
DEFAULT_MAX_PAGE_SIZE = 1000
MAX_PAGE_NUMBER = 10_000_000


@attrs.frozen
class PageRequest:
    number: int
    size: int

    @property
    def start(self) -> int:
        return self.number * self.size

    def slice(self, total: int) -> range:
        return range(min(self.start, total), min(self.start + self.size, total))


def _integer(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise bad_request(
            "INVALID_PAGE_REQUEST", "PAGINATION", f"'{name}' must be an integer", parameter=name
        ) from None
    if not low <= value <= high:
        raise bad_request(
            "INVALID_PAGE_REQUEST",
            "PAGINATION",
            f"'{name}' must be between {low} and {high}",
            parameter=name,
        )
    return value


def page_request(query: Mapping[str, str], max_size: int) -> PageRequest:
    """``page``/``size`` from a query string; an invalid value is a 400 naming the parameter."""
    return PageRequest(
        number=_integer(query, "page", 0, 0, MAX_PAGE_NUMBER),
        size=page_size(query, "size", DEFAULT_PAGE_SIZE, max_size),
    )


def page_size(query: Mapping[str, str], name: str, default: int, max_size: int) -> int:
    """A page-size parameter (``size``, or the export cursor's ``pageSize``), 1 to max_size."""
    return _integer(query, name, default, 1, max_size)


def _join(rows: Sequence[bytes]) -> bytes:
    return b"[" + b",".join(rows) + b"]"


def _total_pages(total: int, size: int) -> int:
    return -(-total // size)


def spring_page(rows: Sequence[bytes], total: int, page: PageRequest) -> bytes:
    pages = _total_pages(total, page.size)
    sort = {"sorted": False, "unsorted": True, "empty": True}
    meta = {
        "pageable": {
            "sort": sort,
            "pageNumber": page.number,
            "pageSize": page.size,
            "offset": page.start,
            "paged": True,
            "unpaged": False,
        },
        "last": page.number >= pages - 1,
        "totalElements": total,
        "totalPages": pages,
        "sort": sort,
        "first": page.number == 0,
        "number": page.number,
        "numberOfElements": len(rows),
        "size": page.size,
        "empty": not rows,
    }
    return b'{"content":' + _join(rows) + b"," + _json.dumps(meta)[1:]


def named_page(name: str, inner: bytes) -> bytes:
    return b'{"name":' + _json.dumps(name) + b',"data":' + inner + b"}"


def meta_info_page(rows: Sequence[bytes], total: int, page: PageRequest) -> bytes:
    pages = _total_pages(total, page.size)
    meta = {
        "page": page.number,
        "pageSize": page.size,
        "totalElements": total,
        "numberOfElements": len(rows),
        "firstPage": page.number == 0,
        "lastPage": page.number >= pages - 1,
        "totalPages": pages,
    }
    return b'{"data":' + _join(rows) + b',"metaInfo":' + _json.dumps(meta) + b"}"


def cursor_page(rows: Sequence[bytes], start: str | None, end: str | None, has_next: bool) -> bytes:
    cursor = {"start": start, "end": end, "hasNext": has_next}
    return b'{"data":' + _join(rows) + b',"cursor":' + _json.dumps(cursor) + b"}"
