"""Paging through lists: the four envelope styles end to end, fan-out with bounded buffering,
offset drift, early exit without stray tasks, and decode errors that name their JSONPath."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import logging
from collections import Counter
from collections.abc import AsyncGenerator, Iterable
from typing import Any, cast

import pytest

from tests.conftest import Connect, acme_live, get_patient, stray_tasks
from welkin_async import (
    ClientCredentials,
    DecodeError,
    Paginator,
    RequestEvent,
    ResponseEvent,
    WelkinClient,
)
from welkin_async._pagination import (
    IDLE_PAGES,
    PageCounts,
    Params,
    Style,
    _RecentIds,
    offset_limit,
)
from welkin_async.errors import PaginationError
from welkin_async.models import Patient
from welkin_async.testing import WelkinEmulator

SIZE = 7
PAGES = "by-filter/patients"  # the template the client's hooks report for a page of patients
PAGES_ROUTE = "POST /by-filter/patients"  # the emulator's route key for it
SLOW_PAGES = f"latency=20ms for {PAGES_ROUTE}"
CDT = "body_weight"  # a MULTI_RECORD CDT of the acme tenant


# --- helpers -------------------------------------------------------------------------------------


def patient_ids(emulator: WelkinEmulator) -> list[str]:
    """The acme/live patients, in creation order (the emulator's default list order)."""
    return list(acme_live(emulator).patients.ids())


def ids(items: Iterable[Any]) -> list[str]:
    return [str(item["id"]) for item in items]


async def collect(paginator: Paginator[Any]) -> list[Any]:
    return [item async for item in paginator]


def patients(client: WelkinClient, **options: Any) -> Paginator[Any]:
    """A scan of ``by-filter/patients``, ``SIZE`` to a page unless told."""
    options.setdefault("size", SIZE)
    return client.paginate("POST", PAGES, **options)


async def create_patient(client: WelkinClient, name: str) -> str:
    created = await client.request(
        "POST", "patients", json={"firstName": name, "lastName": "Drift"}
    )
    return str(created["id"])


class InFlight:
    """``on_request``/``on_response`` hooks counting page requests between the two."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    def on_request(self, event: RequestEvent) -> None:
        if event.path == PAGES:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def on_response(self, event: ResponseEvent) -> None:
        if event.path == PAGES:
            self.now -= 1


class HoldPages:
    """An ``on_request`` hook that lets the first ``answered`` page requests go and holds every
    later one before it is sent: those stay in flight until something cancels them."""

    def __init__(self, answered: int) -> None:
        self.answered = answered
        self.seen = 0
        self._never = asyncio.Event()

    async def __call__(self, event: RequestEvent) -> None:
        if event.path == PAGES:
            self.seen += 1
            if self.seen > self.answered:
                await self._never.wait()


class Served:
    """A fake fetch function: serves ``documents`` in turn and records the params of each call."""

    def __init__(self, *documents: Any) -> None:
        self.documents = list(documents)
        self.sent: list[Params] = []

    async def __call__(self, params: Params) -> Any:
        self.sent.append(params)
        return self.documents[len(self.sent) - 1]


def paginator(
    fetch: Served, style: Style, *, size: int | None = None, item_type: type[Any] | None = None
) -> Paginator[Any]:
    return Paginator(
        fetch,
        style,
        params={},
        size=size,
        concurrency=1,
        ordered=True,
        item_type=item_type,
    )


def a_patient_id(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


# --- each style, end to end ----------------------------------------------------------------------


@pytest.mark.welkin_emulator(patients=50)
async def test_spring_pages_return_every_patient(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A spring scan of by-filter/patients, 7 to a page, yields the emulator's patients in order."""
    async with connect() as client:
        got = ids(await collect(patients(client)))
    assert got == patient_ids(welkin_emulator)
    assert welkin_emulator.stats.requests[PAGES_ROUTE] == 8  # ceil(50 / 7)


@pytest.mark.welkin_emulator(patients=3)
async def test_wrapped_spring_pages_return_every_cdt_record(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A patient's CDT list, spring pages wrapped in {name, data}, yields each of their records."""
    patient_id = patient_ids(welkin_emulator)[0]
    where = {"pid": patient_id, "cdt": CDT}
    async with connect() as client:
        for weight in range(150, 155):
            await client.request(
                "POST",
                "patients/{pid}/cdts/{cdt}",
                path_params=where,
                json={"weight_lbs": weight},
            )
        pages = client.paginate("GET", "patients/{pid}/cdts/{cdt}", path_params=where, size=2)
        got = ids(await collect(pages))
    expected = acme_live(welkin_emulator).records_of.of((patient_id, CDT))
    assert len(expected) >= 5
    assert got == expected


@pytest.mark.welkin_emulator(patients=1)
async def test_meta_info_pages_return_every_user(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A meta-info scan of admin/users, one to a page, yields each of the tenant's users."""
    async with connect() as client:
        got = ids(await collect(client.paginate("GET", "admin/users", size=1)))
    expected = ids(welkin_emulator.tenant("acme").users)
    assert len(expected) > 1
    assert got == expected


@pytest.mark.welkin_emulator(patients=50)
async def test_cursor_pages_return_every_exported_patient(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A cursor scan of export/PATIENT, pageSize 7, yields each patient once, oldest first."""
    async with connect() as client:
        export = client.paginate("GET", "export/{type}", path_params={"type": "PATIENT"}, size=SIZE)
        got = ids(await collect(export))
    assert got == patient_ids(welkin_emulator)
    assert welkin_emulator.stats.requests["GET /export/{export_type}"] == 8


async def test_token_pages_send_the_token_alone_after_the_first() -> None:
    """The token style sends pageSize on the first page only, then pageToken without pageSize."""
    fetch = Served(
        {"content": [{"id": "a"}, {"id": "b"}], "meta": {"nextPageToken": "t1"}},
        {"content": [{"id": "c"}, {"id": "d"}], "meta": {"nextPageToken": "t2"}},
        {"content": [{"id": "e"}], "meta": {"nextPageToken": None}},
    )
    got = ids(await collect(paginator(fetch, "token", size=2)))
    assert got == ["a", "b", "c", "d", "e"]
    assert fetch.sent == [{"pageSize": "2"}, {"pageToken": "t1"}, {"pageToken": "t2"}]


# --- fan-out -------------------------------------------------------------------------------------


@pytest.mark.welkin_emulator(patients=50, faults=SLOW_PAGES)
async def test_fan_out_keeps_order_fetches_each_page_once_and_caps_requests_in_flight(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """concurrency=4 yields what a sequential scan yields, in order, fetching each page once,
    with four page requests in flight at most, and four at some point."""
    flight = InFlight()
    async with connect(on_request=flight.on_request, on_response=flight.on_response) as client:
        sequential = ids(await collect(patients(client)))
        welkin_emulator.stats.reset()
        flight.peak = 0
        fanned = ids(await collect(patients(client, concurrency=4)))
    assert fanned == sequential == patient_ids(welkin_emulator)
    assert welkin_emulator.stats.requests[PAGES_ROUTE] == 8
    assert flight.peak == 4


@pytest.mark.parametrize(
    "latency",
    [
        pytest.param(SLOW_PAGES, id="pages-finish-together"),
        pytest.param(f"latency=1ms..40ms for {PAGES_ROUTE}", id="pages-finish-out-of-order"),
    ],
)
@pytest.mark.welkin_emulator(patients=50)
async def test_unordered_fan_out_yields_each_patient_once(
    welkin_emulator: WelkinEmulator, connect: Connect, latency: str
) -> None:
    """ordered=False yields the patients the emulator holds, each exactly once, whether the
    pages in flight finish together or out of order."""
    welkin_emulator.faults = latency
    async with connect() as client:
        got = ids(await collect(patients(client, concurrency=4, ordered=False)))
    assert Counter(got) == Counter(patient_ids(welkin_emulator))


@pytest.mark.welkin_emulator(patients=50, faults="latency=20ms for GET /patients/{patient_id}")
async def test_a_slow_consumer_bounds_the_pages_fetched_ahead(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """With concurrency=N and a consumer slower than the server, page requests never run more
    than N + 1 pages ahead of the pages the consumer has received."""
    concurrency = 3
    received = requested = 0
    ahead: list[int] = []

    def on_request(event: RequestEvent) -> None:
        nonlocal requested
        if event.path == PAGES:
            requested += 1
            ahead.append(requested - received)

    async with connect(on_request=on_request) as client:
        async for page in patients(client, size=5, concurrency=concurrency).pages():
            received += 1
            await get_patient(client, page.items[0]["id"])  # the consumer's own slow work
    assert received == requested == 10
    assert concurrency <= max(ahead) <= concurrency + 1


# --- lists that change during a scan -------------------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.welkin_emulator(patients=49)
async def test_offset_drift_yields_each_patient_once(
    welkin_emulator: WelkinEmulator, connect: Connect, concurrency: int
) -> None:
    """Newest first, a patient created after the first page shifts every later page by one: each
    patient is still yielded once, and none of the original ones is lost."""
    original = patient_ids(welkin_emulator)  # 49: exactly 7 full pages, until one more arrives
    got: list[str] = []
    async with connect() as client:
        scan = patients(client, params={"sort": "createdAt,desc"}, concurrency=concurrency)
        async for item in scan:
            got.append(item["id"])
            if len(got) == SIZE:  # the whole first page has been consumed
                await create_patient(client, "Newest")
    assert len(got) == len(set(got))
    assert set(original) <= set(got)


@pytest.mark.welkin_emulator(patients=20)
async def test_pages_that_appear_during_a_fan_out_scan_are_fetched(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Patients created after the first page (which announced 4 pages) are still yielded: the
    scan goes on past the pages the first one announced."""
    async with connect() as client:
        got: list[str] = []
        async for item in patients(client, size=5, concurrency=3):
            got.append(item["id"])
            if len(got) == 5:
                for number in range(7):
                    await create_patient(client, f"Late{number}")
    assert len(patient_ids(welkin_emulator)) == 27
    assert got == patient_ids(welkin_emulator)


@pytest.mark.welkin_emulator(patients=20)
async def test_item_type_structures_each_item(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """item_type=Patient yields Patient models, one per patient."""
    async with connect() as client:
        got = [patient async for patient in patients(client, item_type=Patient)]
    assert all(isinstance(patient, Patient) for patient in got)
    assert [str(patient.id) for patient in got] == patient_ids(welkin_emulator)


# --- leaving early -------------------------------------------------------------------------------


@pytest.mark.welkin_emulator(patients=50)
async def test_closing_the_items_early_cancels_the_pages_in_flight(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Closing the item iterator (aclosing) in the middle of a concurrency=8 fan-out leaves no
    task behind once aclose returns."""
    hold = HoldPages(answered=2)
    async with connect(on_request=hold) as client:
        items = cast(AsyncGenerator[Any, None], aiter(patients(client, concurrency=8)))
        async with contextlib.aclosing(items):
            for _ in range(SIZE + 1):  # the first page, and the first item of the second
                await anext(items)
            assert stray_tasks()  # the fan-out is in flight: pages 2 to 8 are held
        assert stray_tasks() == set()


@pytest.mark.welkin_emulator(patients=50)
async def test_breaking_out_of_the_loop_leaves_nothing_pending(
    welkin_emulator: WelkinEmulator, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    """A plain break out of a concurrency=8 fan-out leaves, once the iterator is finalised, no
    pending task and nothing logged by asyncio (no task destroyed while pending)."""
    caplog.set_level(logging.WARNING, logger="asyncio")
    hold = HoldPages(answered=2)
    async with connect(on_request=hold) as client:
        seen = 0
        async for _ in patients(client, concurrency=8):
            seen += 1
            if seen == SIZE + 1:  # the first item of the second page: the fan-out is in flight
                assert stray_tasks()
                break
        gc.collect()
        for _ in range(10):  # let the loop run the async generators' finalisers
            await asyncio.sleep(0)
        assert stray_tasks() == set()
    assert [record.getMessage() for record in caplog.records if record.name == "asyncio"] == []


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "document", "path"),
    [
        pytest.param("spring", [], "$", id="spring-not-an-object"),
        pytest.param("spring", {"content": {"id": "a"}}, "$.content", id="spring-content"),
        pytest.param(
            "spring", {"name": CDT, "data": {"content": None}}, "$.data.content", id="cdt-content"
        ),
        pytest.param("meta-info", {"data": []}, "$.metaInfo", id="meta-info-meta"),
        pytest.param("meta-info", {"metaInfo": {}, "data": 3}, "$.data", id="meta-info-data"),
        pytest.param("token", {"content": [], "meta": "x"}, "$.meta", id="token-meta"),
        pytest.param(
            "cursor", {"data": [], "cursor": {"hasNext": True}}, "$.cursor.end", id="cursor-end"
        ),
    ],
)
async def test_a_wrong_envelope_raises_decode_error_naming_its_path(
    style: Style, document: Any, path: str
) -> None:
    """A page whose envelope does not fit its style raises DecodeError with the JSONPath, into
    the document as received, of what is wrong."""
    with pytest.raises(DecodeError) as raised:
        await collect(paginator(Served(document), style))
    assert raised.value.path == path


async def test_an_item_that_does_not_fit_item_type_names_its_path_in_the_page() -> None:
    """An item that does not fit item_type raises DecodeError whose JSONPath points into the page
    as received ($.content[1].id), not into a bare list of items."""
    page = {
        "content": [{"id": a_patient_id(1)}, {"id": 5}],
        "number": 0,
        "totalPages": 1,
        "last": True,
    }
    with pytest.raises(DecodeError) as raised:
        await collect(paginator(Served(page), "spring", item_type=Patient))
    assert raised.value.path == "$.content[1].id"


def test_an_unknown_endpoint_without_style_names_its_template() -> None:
    """paginate() on an endpoint with no known envelope style, and no style=, raises ValueError
    naming the path template."""
    client = WelkinClient(
        tenant="acme", environment="live", credentials=ClientCredentials("id", "secret")
    )
    with pytest.raises(ValueError, match=r"'patients/\{id\}/notes'"):
        client.paginate("GET", "patients/{id}/notes", path_params={"id": "p"})


# --- the progress rule ---------------------------------------------------------------------------


async def test_a_token_sent_before_raises_pagination_error_without_its_value() -> None:
    """A next token this scan has already sent raises PaginationError on the page that brings it,
    naming the style and the list, never the token."""
    fetch = Served(
        {"content": [{"id": "a"}], "meta": {"nextPageToken": "token-one"}},
        {"content": [{"id": "b"}], "meta": {"nextPageToken": "token-two"}},
        {"content": [{"id": "c"}], "meta": {"nextPageToken": "token-one"}},
    )
    with pytest.raises(PaginationError) as raised:
        await collect(paginator(fetch, "token"))
    assert len(fetch.sent) == 3
    assert (raised.value.style, raised.value.path) == ("token", "a list")
    assert "token-" not in str(raised.value)


async def test_an_offset_page_answering_another_number_raises_pagination_error() -> None:
    """Page 1 answered as page 0 again is a lie: PaginationError, not a second copy of page 0."""
    page = {"content": [{"id": "a"}], "number": 0, "totalPages": 2, "totalElements": 2}
    fetch = Served(page, page)
    with pytest.raises(PaginationError, match="another page number"):
        await collect(paginator(fetch, "spring"))
    assert fetch.sent == [{"page": "0"}, {"page": "1"}]


async def test_an_offset_scan_stops_within_the_allowance_past_the_first_total() -> None:
    """Pages that keep saying more follow are requested up to the first page's totalPages plus
    the allowance for records added during the scan, then PaginationError."""
    pages = [
        {"content": [{"id": f"i{n}"}], "number": n, "totalPages": 2 + n, "last": False}
        for n in range(50)
    ]
    fetch = Served(*pages)
    with pytest.raises(PaginationError, match="more pages"):
        await collect(paginator(fetch, "spring"))
    assert len(fetch.sent) == offset_limit(2) == 5


@pytest.mark.parametrize("style", ["spring", "token", "cursor"])
async def test_pages_that_bring_nothing_new_raise_pagination_error(style: Style) -> None:
    """IDLE_PAGES pages in a row that say more follow yet are empty raise PaginationError."""

    def empty(n: int) -> dict[str, Any]:
        if style == "spring":
            return {"content": [], "number": n, "totalPages": 10**6, "last": False}
        if style == "token":
            return {"content": [], "meta": {"nextPageToken": f"t{n}"}}
        return {"data": [], "cursor": {"end": f"2025-01-01T00:00:{n:02d}Z", "hasNext": True}}

    fetch = Served(*[empty(n) for n in range(20)])
    with pytest.raises(PaginationError, match="nothing new"):
        await collect(paginator(fetch, style))
    assert len(fetch.sent) == IDLE_PAGES


@pytest.mark.parametrize(
    ("bad", "got"),
    [([1], "array"), ({"a": 1}, "object"), (2.5, "number"), (True, "boolean")],
)
async def test_an_item_id_of_the_wrong_json_type_is_a_decode_error(bad: Any, got: str) -> None:
    """An id that is not a string or an integer raises DecodeError at its JSONPath before any
    de-duplication, never TypeError."""
    page = {"content": [{"id": "a"}, {"id": bad}], "number": 0, "totalPages": 1, "last": True}
    with pytest.raises(DecodeError) as raised:
        await collect(paginator(Served(page), "spring"))
    assert raised.value.path == "$.content[1].id"
    assert raised.value.problems[0].got == got


# --- the first round: pages requested with page 0 ------------------------------------------------


class FirstRound:
    """``on_request``/``on_response`` hooks counting the page requests sent before the first
    page answer of a scan came back (``reset()`` between scans)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.sent = 0
        self.size: int | None = None

    def on_request(self, event: RequestEvent) -> None:
        if event.path == PAGES and self.size is None:
            self.sent += 1

    def on_response(self, event: ResponseEvent) -> None:
        if event.path == PAGES and self.size is None:
            self.size = self.sent


@pytest.mark.welkin_emulator(patients=50, faults=SLOW_PAGES)
async def test_a_list_read_before_sends_its_next_pages_with_page_0(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A second scan of the same list with concurrency=4 requests pages 0 to 3 at once, where
    the first scan requested page 0 alone; both yield the same patients, each page fetched
    once."""
    first_round = FirstRound()
    hooks = {"on_request": first_round.on_request, "on_response": first_round.on_response}
    async with connect(**hooks) as client:
        first = ids(await collect(patients(client, concurrency=4)))
        alone = first_round.size
        first_round.reset()
        welkin_emulator.stats.reset()
        second = ids(await collect(patients(client, concurrency=4)))
    assert (alone, first_round.size) == (1, 4)
    assert first == second == patient_ids(welkin_emulator)
    assert welkin_emulator.stats.requests[PAGES_ROUTE] == 8


@pytest.mark.welkin_emulator(patients=50, faults=SLOW_PAGES)
async def test_expected_pages_sends_that_many_pages_with_page_0(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """expected_pages=3 on a client that never read the list requests pages 0 to 2 at once."""
    first_round = FirstRound()
    hooks = {"on_request": first_round.on_request, "on_response": first_round.on_response}
    async with connect(**hooks) as client:
        got = ids(await collect(patients(client, concurrency=4, expected_pages=3)))
    assert first_round.size == 3
    assert got == patient_ids(welkin_emulator)


@pytest.mark.welkin_emulator(patients=10, faults=SLOW_PAGES)
async def test_pages_guessed_past_the_end_are_never_yielded(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Expecting 8 pages of a list of 2 yields its 2 pages, each patient once, and no empty page
    for the 6 requested past the end."""
    async with connect() as client:
        listing = patients(client, concurrency=8, expected_pages=8)
        got = [page async for page in listing.pages()]
    assert [page.number for page in got] == [0, 1]
    assert ids(item for page in got for item in page.items) == patient_ids(welkin_emulator)


@pytest.mark.welkin_emulator(patients=10, faults=SLOW_PAGES)
async def test_the_count_page_0_tells_replaces_a_wrong_guess(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """After a scan that expected 8 pages of a list of 2, the next scan of it requests 2 pages
    at once."""
    first_round = FirstRound()
    hooks = {"on_request": first_round.on_request, "on_response": first_round.on_response}
    async with connect(**hooks) as client:
        await collect(patients(client, concurrency=8, expected_pages=8))
        first_round.reset()
        await collect(patients(client, concurrency=8))
    assert first_round.size == 2


@pytest.mark.welkin_emulator(patients=50, faults=SLOW_PAGES)
async def test_views_share_the_remembered_page_counts(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A list read through a with_options view is remembered by its client too."""
    first_round = FirstRound()
    hooks = {"on_request": first_round.on_request, "on_response": first_round.on_response}
    async with connect(**hooks) as client:
        await collect(patients(client.with_options(headers={"X-Job": "nightly"}), concurrency=4))
        first_round.reset()
        await collect(patients(client, concurrency=4))
    assert first_round.size == 4


@pytest.mark.welkin_emulator(patients=50, faults=SLOW_PAGES)
async def test_another_size_of_the_same_list_is_not_guessed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """The count is remembered per page size: the same list read 10 to a page after 7 to a page
    requests page 0 alone."""
    first_round = FirstRound()
    hooks = {"on_request": first_round.on_request, "on_response": first_round.on_response}
    async with connect(**hooks) as client:
        await collect(patients(client, concurrency=4))
        first_round.reset()
        await collect(patients(client, concurrency=4, size=10))
    assert first_round.size == 1


@pytest.mark.welkin_emulator(patients=50)
async def test_closing_the_items_in_the_first_round_cancels_the_pages_sent_with_page_0(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Closing the items at the first patient, with pages 1 to 3 sent beside page 0 and held,
    leaves no task behind once aclose returns."""
    hold = HoldPages(answered=1)
    async with connect(on_request=hold) as client:
        listing = patients(client, concurrency=4, expected_pages=8)
        items = cast(AsyncGenerator[Any, None], aiter(listing))
        async with contextlib.aclosing(items):
            await anext(items)
            assert stray_tasks()  # pages 1 to 3 are in flight, held
        assert stray_tasks() == set()


@pytest.mark.parametrize(
    "past_the_end",
    [
        pytest.param({"content": [], "number": 0, "totalPages": 1, "last": True}, id="renumbered"),
        pytest.param(RuntimeError("an answer that could not be read"), id="failed"),
    ],
)
async def test_a_page_guessed_past_the_end_is_never_an_error(past_the_end: Any) -> None:
    """A page requested past the end that answers another page number, or fails, is dropped:
    the scan yields the list's one page."""
    only = {"content": [{"id": "a"}], "number": 0, "totalPages": 1, "last": True}

    async def fetch(params: Params) -> Any:
        if params["page"] == "0":
            return only
        if isinstance(past_the_end, BaseException):
            raise past_the_end
        return past_the_end

    listing: Paginator[Any] = Paginator(
        fetch,
        "spring",
        params={},
        size=None,
        concurrency=4,
        ordered=True,
        item_type=None,
        expected_pages=4,
    )
    assert ids(await collect(listing)) == ["a"]


def test_expected_pages_below_one_is_refused() -> None:
    """expected_pages=0 raises ValueError when the scan is made, before any request."""
    client = WelkinClient(
        tenant="acme", environment="live", credentials=ClientCredentials("id", "secret")
    )
    with pytest.raises(ValueError, match="expected_pages"):
        client.paginate("POST", PAGES, concurrency=4, expected_pages=0)


def test_page_counts_forget_the_least_recently_read_list_past_capacity() -> None:
    """A PageCounts of capacity 2 keeps the two lists read last: one recalled since is kept."""
    counts = PageCounts(capacity=2)
    first, second, third = (counts.of("by-filter/patients", size) for size in (1, 2, 3))
    first.record(5)
    second.record(6)
    assert first.recall() == 5  # read again: now the most recent
    third.record(7)
    assert (first.recall(), second.recall(), third.recall()) == (5, None, 7)


def test_page_counts_know_a_list_by_a_digest_never_its_text() -> None:
    """A list's key is a 16-byte digest of what names it: neither it nor the entry's repr holds
    the path, and another path is another key."""
    path = "patients/3ff322fd-b504-4784-9798-0c7c8a4fdfb8/cdts/x"
    counts = PageCounts()
    entry = counts.of(path)
    assert entry.key == hashlib.blake2b(repr((path,)).encode(), digest_size=16).digest()
    assert entry.key == counts.of(path).key
    assert entry.key != counts.of(path.replace("3ff3", "3ff4")).key
    assert "3ff322fd" not in repr(entry)


def test_repeats_within_a_page_and_of_a_recent_page_are_dropped_in_order() -> None:
    """The de-duplication keeps the first of each id, across a page and the recent pages."""
    recent = _RecentIds(2)
    assert ids(recent.fresh([{"id": "a"}, {"id": "b"}])) == ["a", "b"]
    assert ids(recent.fresh([{"id": "c"}, {"id": "b"}, {"id": "c"}, {"id": "d"}])) == ["c", "d"]
