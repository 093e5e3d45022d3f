"""``client.exports.stream``: bulk export through the cursor, compared with the emulator's state
(every record once, ``since`` against each row's ``updatedAt``, models per export type)."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import math
import random
from collections import defaultdict
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Mapping
from contextlib import aclosing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import Connect, a_patient, acme_live, stray_tasks
from welkin_async import (
    Checkpoint,
    CheckpointError,
    ClientCredentials,
    DecodeError,
    RequestEvent,
    ResponseEvent,
    Timeouts,
    WelkinClient,
)
from welkin_async._transport import RawResponse
from welkin_async.errors import BadRequest, PaginationError
from welkin_async.models import CdtRecord, Patient
from welkin_async.testing import WelkinEmulator
from welkin_async.testing._clock import iso_ms

PATIENTS = pytest.mark.welkin_emulator(patients=20, tenants=["acme"])
EXPORT = "GET /export/{export_type}"


@PATIENTS
async def test_patient_export_yields_every_patient_once(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """stream("PATIENT", page_size=7) follows the cursor and yields every patient once, as a
    Patient."""
    async with connect() as client:
        patients = [p async for p in client.exports.stream("PATIENT", page_size=7)]
    assert all(isinstance(p, Patient) for p in patients)
    ids = [str(p.id) for p in patients]
    state = acme_live(welkin_emulator).patients.ids()
    assert sorted(ids) == sorted(state)
    assert len(ids) == len(set(ids))
    assert welkin_emulator.stats.requests[EXPORT] == math.ceil(len(state) / 7)


@PATIENTS
async def test_since_yields_only_later_changes(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """since= (aware) yields exactly the patients whose updatedAt is at or after it."""
    rows = acme_live(welkin_emulator).patients.rows
    by_change = sorted(rows.values(), key=lambda row: row["updatedAt"])
    since = datetime.fromisoformat(by_change[len(by_change) // 2]["updatedAt"])
    async with connect() as client:
        await client.patients.update(by_change[0]["id"], city="Madison")  # moves to the end
        exported = [str(p.id) async for p in client.exports.stream("PATIENT", since=since)]
    changed = {
        row_id for row_id, row in rows.items() if datetime.fromisoformat(row["updatedAt"]) >= since
    }
    assert by_change[0]["id"] in changed
    assert 0 < len(changed) < len(rows)
    assert sorted(exported) == sorted(changed)


async def test_naive_since_is_refused(connect: Connect) -> None:
    """A since without a time zone raises ValueError before anything is sent."""
    async with connect() as client:
        with pytest.raises(ValueError, match="time zone"):
            client.exports.stream("PATIENT", since=datetime(2024, 1, 1))


@pytest.mark.welkin_emulator(patients=5, tenants=["acme"])
async def test_cdt_record_export_yields_cdt_records(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """stream("CDT_RECORD") yields every stored CDT record, as CdtRecord."""
    async with connect() as client:
        records = [r async for r in client.exports.stream("CDT_RECORD", page_size=10)]
    assert all(isinstance(r, CdtRecord) for r in records)
    state = acme_live(welkin_emulator).cdt_records.rows
    assert sorted(str(r.id) for r in records) == sorted(state)
    for record in records:
        assert record.cdt_name == state[str(record.id)]["cdtName"]


@pytest.mark.welkin_emulator(patients=5, tenants=["acme"])
async def test_untyped_export_yields_plain_data(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """typed=False streams a modelled type (TASK) as the plain dicts the server sent."""
    async with connect() as client:
        tasks = [t async for t in client.exports.stream("TASK", typed=False)]
    state = acme_live(welkin_emulator).tasks.rows
    assert sorted(tasks, key=lambda t: t["id"]) == sorted(state.values(), key=lambda t: t["id"])


async def test_unknown_type_is_bad_request(connect: Connect) -> None:
    """An export type the API does not know raises BadRequest."""
    async with connect() as client:
        with pytest.raises(BadRequest):
            async for _ in client.exports.stream("WIDGET"):
                pass


# --- resumable export: writes during the scan, repeats, typing, checkpoints, fetch-ahead ---------

MANY = pytest.mark.welkin_emulator(patients=200, tenants=["acme"])
THIRTY = pytest.mark.welkin_emulator(patients=30, tenants=["acme"])
EXPORT_PATH = "export/{export_type}"  # the template the client's hooks report for an export page
SIZE = 7


def emulator_now(emulator: WelkinEmulator) -> datetime:
    """The emulator's clock, to the millisecond, as an aware date-time."""
    return datetime.fromtimestamp(emulator.clock.now_ms() / 1000, UTC)


def in_export_order(emulator: WelkinEmulator) -> list[str]:
    """The acme/live patient ids, oldest change first (the order the export serves them in)."""
    return [row_id for _, row_id in acme_live(emulator).patients.changed_since(0)]


class HoldExports:
    """An ``on_request`` hook that lets the first ``answered`` export requests go and holds every
    later one before it is sent, until something cancels it."""

    def __init__(self, answered: int) -> None:
        self.answered = answered
        self.seen = 0
        self._never = asyncio.Event()

    async def __call__(self, event: RequestEvent) -> None:
        if event.path == EXPORT_PATH:
            self.seen += 1
            if self.seen > self.answered:
                await self._never.wait()


@MANY
async def test_export_during_writes_misses_nothing_and_repeats_no_version(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An export whose consumer inserts patients and updates yielded and not-yet-yielded ones
    between pages yields every patient that existed throughout, and each id's versions in
    strictly increasing updatedAt order (never one twice, the last the newest it saw)."""
    table = acme_live(welkin_emulator).patients
    existing = set(table.ids())
    rng = random.Random(6)  # noqa: S311 - a fixed choice of patients, not a secret
    seen: dict[str, list[datetime]] = defaultdict(list)
    updated_before_yield: set[str] = set()
    async with connect() as client:
        async for page in client.exports.stream("PATIENT", page_size=10, typed=False).pages():
            for record in page.items:
                seen[record["id"]].append(datetime.fromisoformat(record["updatedAt"]))
            pending = sorted(existing - set(seen))
            picks = rng.sample(sorted(seen), 2) + rng.sample(pending, min(2, len(pending)))
            updated_before_yield.update(set(picks) & set(pending))
            for patient_id in picks:
                await client.patients.update(patient_id, city=f"Town {rng.randrange(10_000)}")
            await client.patients.create(first_name="Late", last_name="Arrival")
    assert existing <= set(seen)
    assert updated_before_yield  # some patients changed before the export reached them
    assert any(len(versions) > 1 for versions in seen.values())  # some came again, newer
    for versions in seen.values():
        assert versions == sorted(set(versions))


@MANY
async def test_since_pass_after_export_during_writes_brings_updates_to_latest(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """After an export that ran while patients were inserted and updated, a since= pass from the
    export's start yields exactly the patients written since, each last at its stored
    updatedAt."""
    table = acme_live(welkin_emulator).patients
    rng = random.Random(7)  # noqa: S311 - a fixed choice of patients, not a secret
    started = emulator_now(welkin_emulator)
    written: set[str] = set()
    last_seen: dict[str, str] = {}
    async with connect() as client:
        async for page in client.exports.stream("PATIENT", page_size=10, typed=False).pages():
            last_seen.update((record["id"], record["updatedAt"]) for record in page.items)
            for patient_id in rng.sample(sorted(table.rows), 3):
                await client.patients.update(patient_id, city=f"Town {rng.randrange(10_000)}")
                written.add(patient_id)
            created = await client.patients.create(first_name="Late", last_name="Arrival")
            written.add(str(created.id))
        stale = {pid for pid in written if last_seen.get(pid) != table.rows[pid]["updatedAt"]}
        latest: dict[str, str] = {}
        async for record in client.exports.stream("PATIENT", since=started, typed=False):
            latest[record["id"]] = record["updatedAt"]
    assert stale  # writes after the export's last page left it behind: the since pass is needed
    assert set(latest) == written
    assert latest == {pid: table.rows[pid]["updatedAt"] for pid in written}


# --- repeats, through a narrow transport ---------------------------------------------------------

BASE_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z


def stamp(ms: int) -> str:
    """An ISO date-time of ``BASE_MS + ms``, as the wire writes them."""
    moment = datetime.fromtimestamp((BASE_MS + ms) / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record(number: int, ms: int) -> dict[str, Any]:
    return {"id": f"rec-{number}", "updatedAt": stamp(ms), "firstName": f"R{number}"}


class OfflineExport:
    """A narrow transport: a token for the token endpoint, and export pages from ``serve``, which
    gets the ``start`` of each request (``None`` for the first) and returns the document."""

    def __init__(self, serve: Callable[[str | None], dict[str, Any]]) -> None:
        self.serve = serve
        self.starts: list[str | None] = []

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        template: str,
        timeouts: Timeouts | None = None,
    ) -> RawResponse:
        if template == "oauth/token":
            return RawResponse(200, {}, b'{"access_token": "t", "expires_in": 3600}')
        starts = parse_qs(urlsplit(url).query).get("start")
        start = starts[0] if starts else None
        self.starts.append(start)
        return RawResponse(200, {}, json.dumps(self.serve(start)).encode())

    async def aclose(self) -> None:
        return None


def inclusive_cursor(records: list[dict[str, Any]], size: int) -> OfflineExport:
    """An export whose cursor includes its start: ``cursor.end`` is the last record's own time,
    so each page begins with the last record of the page before, at the same version."""

    def serve(start: str | None) -> dict[str, Any]:
        since = datetime.fromisoformat(start) if start else None
        fresh = [
            r for r in records if since is None or datetime.fromisoformat(r["updatedAt"]) >= since
        ]
        page = fresh[:size]
        end = page[-1]["updatedAt"] if page else start
        return {"data": page, "cursor": {"start": start, "end": end, "hasNext": len(fresh) > size}}

    return OfflineExport(serve)


def served_once(document: dict[str, Any]) -> OfflineExport:
    """An export of one page, ``document``."""
    return OfflineExport(lambda start: document)


def offline_client(transport: OfflineExport) -> WelkinClient:
    return WelkinClient(
        tenant="acme",
        environment="live",
        credentials=ClientCredentials("client-id", "client-secret"),
        transport=transport,
    )


async def test_boundary_repeats_are_dropped_and_counted() -> None:
    """A record served again with the same updatedAt at the start of the next page is yielded
    once, and counted in page.repeats and stream.repeats."""
    records = [record(n, n) for n in range(1, 9)]
    transport = inclusive_cursor(records, size=3)
    async with offline_client(transport) as client:
        stream = client.exports.stream("PATIENT", typed=False)
        pages = [page async for page in stream.pages()]
    assert [item for page in pages for item in page.items] == records
    assert [page.repeats for page in pages] == [0, 1, 1, 1]
    assert stream.repeats == 3
    assert transport.starts == [None, stamp(3), stamp(5), stamp(7)]


@pytest.mark.parametrize("newer_first", [False, True], ids=["older-first", "newer-first"])
async def test_two_copies_in_one_page_keep_only_the_newer(newer_first: bool) -> None:
    """Two copies of an id in one page are yielded once, as the copy with the later updatedAt,
    and the other counts as a repeat."""
    old, other, new = record(1, 1), record(2, 2), record(1, 3)
    data = [new, other, old] if newer_first else [old, other, new]
    transport = served_once(
        {"data": data, "cursor": {"start": None, "end": None, "hasNext": False}}
    )
    async with offline_client(transport) as client:
        stream = client.exports.stream("PATIENT", typed=False)
        pages = [page async for page in stream.pages()]
    assert sorted(pages[0].items, key=lambda r: r["id"]) == [new, other]
    assert pages[0].repeats == 1
    assert stream.repeats == 1


# Was a bug: the repeat window started empty on resume, so with a cursor that includes its start the
# last record of the last page taken before the stop comes again after the resume.
async def test_resume_does_not_repeat_the_boundary_record_of_a_taken_page(tmp_path: Path) -> None:
    """Resuming after page 1 was fully taken, from a server whose cursor includes its start, does
    not yield page 1's last record again."""
    records = [record(n, n) for n in range(1, 9)]
    transport = inclusive_cursor(records, size=3)
    path = tmp_path / "c.json"
    async with offline_client(transport) as client:
        stream = client.exports.stream("PATIENT", typed=False, checkpoint=Checkpoint(path))
        async with aclosing(stream.pages()) as pages:
            taken = (await anext(pages)).items
            await anext(pages)  # asking for page 2 takes page 1; then stop
        rest = [
            r
            async for r in client.exports.stream(
                "PATIENT", typed=False, checkpoint=Checkpoint(path)
            )
        ]
    assert taken == records[:3]
    assert rest == records[3:]


async def drain(stream: AsyncIterable[Any]) -> None:
    async for _ in stream:
        pass


async def test_an_inclusive_cursor_stuck_on_one_instant_raises_pagination_error() -> None:
    """More records changed at one instant than a page holds stall a cursor that includes its
    start: the second page is the first again, and the export stops there with PaginationError
    instead of asking for it forever."""
    records = [record(n, 1) for n in range(1, 9)]
    transport = inclusive_cursor(records, size=3)
    async with offline_client(transport) as client:
        stream = client.exports.stream("PATIENT", typed=False)
        with pytest.raises(PaginationError) as raised:
            await asyncio.wait_for(drain(stream), 10)  # a hang guard: without the rule, endless
    assert (raised.value.style, raised.value.path) == ("cursor", "export/{export_type}")
    assert transport.starts == [None, stamp(1)]


# --- typed records -------------------------------------------------------------------------------


@pytest.mark.welkin_emulator(patients=5, tenants=["acme"])
async def test_cdt_export_with_models_types_each_body_as_its_cdt_class(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """With connect(models=acme), every CDT_RECORD export record's json_body is an instance of
    acme.CDT_CLASSES[record.cdt_name]."""
    async with connect(models=acme) as client:
        records = [r async for r in client.exports.stream("CDT_RECORD", page_size=10)]
    state = acme_live(welkin_emulator).cdt_records.rows
    assert sorted(str(r.id) for r in records) == sorted(state)
    assert len({r.cdt_name for r in records}) > 1
    for r in records:
        assert isinstance(r, CdtRecord)
        assert isinstance(r.json_body, acme.CDT_CLASSES[r.cdt_name])


@pytest.mark.welkin_emulator(patients=5, tenants=["acme"])
async def test_untyped_cdt_export_yields_the_emulator_rows(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """typed=False yields plain dicts equal to the emulator's rows, even with models=."""
    async with connect(models=acme) as client:
        records = [r async for r in client.exports.stream("CDT_RECORD", typed=False)]
    assert all(type(r) is dict for r in records)
    assert {r["id"]: r for r in records} == acme_live(welkin_emulator).cdt_records.rows
    assert len(records) == len(acme_live(welkin_emulator).cdt_records.rows)


@pytest.mark.welkin_emulator(patients=20, tenants=["acme"])
async def test_decode_error_points_into_the_page(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A malformed record raises DecodeError at $.data[<its index in its page>].<field>, after the
    pages before it were yielded, and without the bad value in the message."""
    env = acme_live(welkin_emulator)
    patient_id = a_patient(welkin_emulator)
    now = env.stamp(welkin_emulator.clock)
    bad = {**env.patients.rows[patient_id], "birthDate": 19_700_101, "updatedAt": iso_ms(now)}
    env.patients.put(patient_id, bad, now)  # now the last change
    order = in_export_order(welkin_emulator)
    index = order.index(patient_id)
    yielded: list[Any] = []

    async def export() -> None:
        async for patient in client.exports.stream("PATIENT", page_size=SIZE):
            yielded.append(patient)

    async with connect() as client:
        with pytest.raises(DecodeError) as caught:
            await export()
    assert caught.value.path == f"$.data[{index % SIZE}].birthDate"
    assert len(yielded) == index - index % SIZE
    assert "19700101" not in str(caught.value)


# --- checkpoints ---------------------------------------------------------------------------------


@THIRTY
async def test_resume_after_a_stop_mid_page_repeats_only_that_page(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """Stopping in the middle of page k+1 and resuming with a new Checkpoint on the same file
    yields every record exactly once, except the part of page k+1 already taken, which comes
    again with the rest of that page."""
    k, partial = 2, 3
    path = tmp_path / "c.json"
    taken: list[str] = []
    async with connect() as client:
        first = client.exports.stream("PATIENT", page_size=SIZE, checkpoint=Checkpoint(path))
        async for patient in first:
            taken.append(str(patient.id))
            if len(taken) == k * SIZE + partial:
                break
        resumed = client.exports.stream("PATIENT", page_size=SIZE, checkpoint=Checkpoint(path))
        rest = [str(patient.id) async for patient in resumed]
    order = in_export_order(welkin_emulator)
    assert taken + rest[partial:] == order
    assert rest[:SIZE] == order[k * SIZE : (k + 1) * SIZE]  # page k+1 comes again, whole
    assert resumed.position.records == len(order)  # fully taken records, across the resume


@THIRTY
async def test_saved_position_after_a_stop_counts_the_pages_taken(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """After a stop in the middle of page k+1, the file holds k pages and their records, not
    done, and a start equal to the server's cursor end of page k."""
    k = 2
    path = tmp_path / "c.json"
    async with connect() as client:
        seen = 0
        async for _ in client.exports.stream(
            "PATIENT", page_size=SIZE, checkpoint=Checkpoint(path)
        ):
            seen += 1
            if seen == k * SIZE + 1:
                break
        position = await Checkpoint(path).load("PATIENT")
    assert position is not None
    assert (position.pages, position.records, position.done) == (k, k * SIZE, False)
    last_taken = acme_live(welkin_emulator).patients.rows[
        in_export_order(welkin_emulator)[k * SIZE - 1]
    ]
    assert position.start is not None
    assert datetime.fromisoformat(position.start) > datetime.fromisoformat(last_taken["updatedAt"])
    assert position.since is None


@THIRTY
async def test_pages_received_but_not_followed_come_again(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """With .pages(), breaking right after page k is received (the next not asked for) leaves
    page k untaken: the resumed export starts with page k again."""
    k = 3
    path = tmp_path / "c.json"
    async with connect() as client:
        received: list[list[str]] = []
        pages = client.exports.stream(
            "PATIENT", page_size=SIZE, checkpoint=Checkpoint(path)
        ).pages()
        async with aclosing(pages):
            async for page in pages:
                received.append([str(p.id) for p in page.items])
                if len(received) == k:
                    break
        resumed = client.exports.stream("PATIENT", page_size=SIZE, checkpoint=Checkpoint(path))
        again = [[str(p.id) for p in page.items] async for page in resumed.pages()]
    assert again[0] == received[k - 1]
    order = in_export_order(welkin_emulator)
    assert [i for page in received[: k - 1] + again for i in page] == order


@THIRTY
async def test_finished_export_resumed_yields_nothing_and_sends_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """A finished export run again on its checkpoint yields nothing and sends no request, and its
    saved position is done with every page and record counted."""
    path = tmp_path / "c.json"
    async with connect() as client:
        full = [
            p
            async for p in client.exports.stream(
                "PATIENT", page_size=SIZE, checkpoint=Checkpoint(path)
            )
        ]
        requests = welkin_emulator.stats.requests[EXPORT]
        again = [
            p
            async for p in client.exports.stream(
                "PATIENT", page_size=SIZE, checkpoint=Checkpoint(path)
            )
        ]
        position = await Checkpoint(path).load("PATIENT")
    assert again == []
    assert welkin_emulator.stats.requests[EXPORT] == requests
    assert position is not None
    assert position.done
    assert (position.pages, position.records) == (requests, len(full))


@THIRTY
async def test_finished_position_start_is_the_next_since(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """The start saved by a finished export, used as since= after one update, yields exactly the
    updated patient."""
    path = tmp_path / "c.json"
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        async for _ in client.exports.stream(
            "PATIENT", page_size=SIZE, checkpoint=Checkpoint(path)
        ):
            pass
        position = await Checkpoint(path).load("PATIENT")
        assert position is not None
        assert position.done
        assert position.start is not None
        await client.patients.update(patient_id, city="Madison")
        since = datetime.fromisoformat(position.start)
        changed = [p async for p in client.exports.stream("PATIENT", since=since)]
    assert [str(p.id) for p in changed] == [patient_id]
    assert changed[0].updated_at == datetime.fromisoformat(
        acme_live(welkin_emulator).patients.rows[patient_id]["updatedAt"]
    )


@THIRTY
async def test_resume_with_another_since_is_refused(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """Resuming a checkpointed export with a different since raises CheckpointError before any
    request is sent."""
    path = tmp_path / "c.json"
    async with connect() as client:
        stream = client.exports.stream("PATIENT", page_size=SIZE, checkpoint=Checkpoint(path))
        async with aclosing(stream.pages()) as pages:
            await anext(pages)
            await anext(pages)  # page 1 taken and saved
        requests = welkin_emulator.stats.requests[EXPORT]
        other = client.exports.stream(
            "PATIENT", since=datetime(2025, 1, 1, tzinfo=UTC), checkpoint=Checkpoint(path)
        )
        with pytest.raises(CheckpointError, match="since"):
            async for _ in other:
                pass
    assert welkin_emulator.stats.requests[EXPORT] == requests


@THIRTY
async def test_a_finished_checkpoint_runs_the_next_incremental_export(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """On a checkpoint whose export finished, since=<its start> runs the next incremental export
    (the updated patient), and saves that one's position in its place."""
    path = tmp_path / "c.json"
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        async for _ in client.exports.stream("PATIENT", checkpoint=Checkpoint(path)):
            pass
        first = await Checkpoint(path).load("PATIENT")
        assert first is not None
        assert first.start is not None
        await client.patients.update(patient_id, city="Madison")
        since = datetime.fromisoformat(first.start)
        changed = [
            str(p.id)
            async for p in client.exports.stream(
                "PATIENT", since=since, checkpoint=Checkpoint(path)
            )
        ]
        second = await Checkpoint(path).load("PATIENT")
    assert changed == [patient_id]
    assert second is not None
    assert (second.since, second.records, second.done) == (first.start, 1, True)


@THIRTY
async def test_resume_takes_the_same_instant_in_another_offset(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """A resume whose since is the saved instant written with another offset (+02:00 for Z)
    continues the export rather than refusing it."""
    path = tmp_path / "c.json"
    since = datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    async with connect() as client:
        stream = client.exports.stream(
            "PATIENT", since=since, page_size=SIZE, checkpoint=Checkpoint(path)
        )
        async with aclosing(stream.pages()) as pages:
            taken = (await anext(pages)).items
            await anext(pages)  # page 1 taken and saved
        shifted = since.astimezone(timezone(timedelta(hours=2)))
        rest = [
            p
            async for p in client.exports.stream(
                "PATIENT", since=shifted, page_size=SIZE, checkpoint=Checkpoint(path)
            )
        ]
    ids = [str(p.id) for p in [*taken, *rest]]
    assert sorted(ids) == sorted(acme_live(welkin_emulator).patients.ids())


@pytest.mark.welkin_emulator(patients=10, tenants=["acme"])
async def test_two_export_types_share_one_checkpoint_file(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """A PATIENT export stopped midway and a CDT_RECORD export run to the end on the same file
    keep both positions, and the PATIENT export resumes from its own."""
    path = tmp_path / "c.json"
    checkpoint = Checkpoint(path)
    async with connect() as client:
        patients = client.exports.stream("PATIENT", page_size=SIZE - 3, checkpoint=checkpoint)
        cdts = client.exports.stream("CDT_RECORD", page_size=SIZE, checkpoint=checkpoint)
        async with aclosing(patients.pages()) as patient_pages:
            first = await anext(patient_pages)
            records = [r async for r in cdts]  # saves CDT_RECORD positions in between
            await anext(patient_pages)  # takes the first patient page
        stopped = await Checkpoint(path).load("PATIENT")
        finished = await Checkpoint(path).load("CDT_RECORD")
        rest = [
            str(p.id)
            async for p in client.exports.stream(
                "PATIENT", page_size=SIZE - 3, checkpoint=Checkpoint(path)
            )
        ]
    assert stopped is not None
    assert finished is not None
    assert (stopped.pages, stopped.done) == (1, False)
    assert (finished.records, finished.done) == (len(records), True)
    assert len(records) == len(acme_live(welkin_emulator).cdt_records.rows)
    assert [str(p.id) for p in first.items] + rest == in_export_order(welkin_emulator)


# Was a bug: each Checkpoint cached the file's positions when it first read it and wrote back only
# those, so a second Checkpoint on the same file (another stream, or another process) has its
# saves overwritten by the first one's next save.
@pytest.mark.welkin_emulator(patients=10, tenants=["acme"])
async def test_two_checkpoint_objects_on_one_file_keep_each_others_positions(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """A CDT_RECORD export finished with its own Checkpoint on a file, while a PATIENT export with
    another Checkpoint on the same file was under way, stays saved as done after the PATIENT
    export saves its next page."""
    path = tmp_path / "c.json"
    async with connect() as client:
        patients = client.exports.stream("PATIENT", page_size=SIZE - 3, checkpoint=Checkpoint(path))
        async with aclosing(patients.pages()) as pages:
            await anext(pages)
            async for _ in client.exports.stream("CDT_RECORD", checkpoint=Checkpoint(path)):
                pass
            await anext(pages)  # takes the first patient page: the PATIENT position is saved
    finished = await Checkpoint(path).load("CDT_RECORD")
    stopped = await Checkpoint(path).load("PATIENT")
    assert stopped is not None
    assert stopped.pages == 1
    assert finished is not None
    assert finished.done


# --- fetching ahead, and stopping ----------------------------------------------------------------


@THIRTY
async def test_next_page_is_requested_while_the_current_one_is_consumed(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Once page 1 is received, the emulator gets the request for page 2 before the consumer
    asks for it."""
    answered = asyncio.Event()

    def on_response(event: ResponseEvent) -> None:
        if event.path == EXPORT_PATH and welkin_emulator.stats.requests[EXPORT] == 2:
            answered.set()

    async with connect(on_response=on_response) as client:
        stream = client.exports.stream("PATIENT", page_size=SIZE)
        async with aclosing(stream.pages()) as pages:
            first = await anext(pages)
            assert welkin_emulator.stats.requests[EXPORT] == 1
            await asyncio.wait_for(answered.wait(), timeout=10)
            assert welkin_emulator.stats.requests[EXPORT] == 2  # page 2, not yet asked for
            second = await anext(pages)
    order = in_export_order(welkin_emulator)
    assert [str(p.id) for p in first.items + second.items] == order[: 2 * SIZE]


@THIRTY
async def test_breaking_out_mid_export_leaves_no_task_pending(
    welkin_emulator: WelkinEmulator, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    """A plain break in the middle of page 2, with page 3's request in flight, leaves no pending
    task once the iterator is finalised, and nothing logged by asyncio."""
    caplog.set_level(logging.WARNING, logger="asyncio")
    hold = HoldExports(answered=2)
    async with connect(on_request=hold) as client:
        seen = 0
        async for _ in client.exports.stream("PATIENT", page_size=SIZE):
            seen += 1
            if seen == SIZE + 1:
                assert stray_tasks()  # page 3's request is held in flight
                break
        gc.collect()
        for _ in range(10):  # let the loop run the async generators' finalisers
            await asyncio.sleep(0)
        assert stray_tasks() == set()
    assert hold.seen == 3
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []


@THIRTY
async def test_closing_the_stream_early_cancels_the_page_ahead(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """Closing the record iterator (aclosing) in the middle of page 2 cancels page 3's request
    in flight: no task is left once aclose returns."""
    hold = HoldExports(answered=2)
    async with connect(on_request=hold) as client:
        records = cast(
            AsyncGenerator[Any, None], aiter(client.exports.stream("PATIENT", page_size=SIZE))
        )
        async with aclosing(records):
            for _ in range(SIZE + 1):
                await anext(records)
            assert stray_tasks()
        assert stray_tasks() == set()
