"""CDT export: a whole ``CDT_RECORD`` export of 40-field records, typed, against what a user writes.

The emulator (``bench/_server.py --patients 0 --cdt-records N``) serves, from the first core,
30,000 records (6,000 with ``--quick``) of the 40-field CDT ``cdt-forty`` (``bench/_cdt_forty.py``)
and nothing else. This process, on the other core, exports them all with
``GET export/CDT_RECORD?pageSize=100``: a cursor walk, where each page names the next page's
``start`` (``cursor.end``), so no contender can have more than the next page in flight.

- ``raw``: aiohttp + ``json.loads``, records as dicts; the next page is requested as soon as this
  one is decoded, before its records are walked, as the SDK's stream does (one page ahead);
- ``pydantic``: the same client, each page parsed by ``model_validate_json`` into pydantic v2
  peers of ``CdtRecord[CdtForty]`` (``bench/_peers.py``), what a user would write instead;
- ``welkin``: ``client.exports.stream("CDT_RECORD", page_size=100)`` on a client given
  ``models=`` the module ``welkin-async codegen --tenant acme --from-api`` makes, so each record
  comes as ``CdtRecord[CdtForty]``.

Each contender opens its own session and gets its token (welkin: its models checked too) before
its clock starts. Before anything is timed, one whole run of each must return every record
exactly once; welkin's bodies must be ``CdtForty``, with no warning (models behind the server, a
page its fast path refused); and every pydantic record must hold welkin's values field by field
(``_peers.check_equal``). Then the contenders alternate A B C, C B A over 5 rounds after a
warm-up (3 with ``--quick``), keeping only the ids.

Targets: welkin_async reaches at least 1.0x the records/s of raw aiohttp + ``json.loads``
(which yields dicts) and at least 1.5x the pydantic client::

    python bench/cdt_export.py            # 30,000 records, 5 rounds
    python bench/cdt_export.py --quick    # 6,000 records, 3 rounds
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
import warnings
from collections.abc import Awaitable, Callable, Mapping
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import _cdt_forty
import aiohttp
from _harness import (
    ENVIRONMENT,
    TENANT,
    BenchError,
    Outcome,
    Row,
    Server,
    Spread,
    Target,
    alternate,
    fetch_token,
    pin_client,
    ratio,
    serve,
)
from _peers import check_equal, cursor_page_peer
from _report import standalone

from welkin_async import ClientCredentials, WelkinClient
from welkin_async.models import CdtRecord

RECORDS, QUICK_RECORDS = 30_000, 6_000
REPEATS, QUICK_REPEATS = 5, 3
SIZE = 100
EXPORT = "CDT_RECORD"
UNIT = "records/s"

Keep = Callable[[Any], Any]
Export = Callable[[Keep], Awaitable[tuple[list[Any], float]]]
"""``export(keep)``: ``keep(record)`` of every record as it came, and the seconds of the walk."""
Read = Callable[[bytes], tuple[list[Any], str | None, bool]]
"""A page's body -> its records, the ``start`` of the next page, and whether there is one."""

# How each contender's record names its id: the checks compare ids as text.
IDS: dict[str, Keep] = {"raw": itemgetter("id"), "pydantic": attrgetter("id")}
IDS["welkin"] = IDS["pydantic"]


async def _walk(server: Server, read: Read, keep: Keep) -> tuple[list[Any], float]:
    """A hand-rolled aiohttp client's export: the next page in flight while this one is walked."""
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {await fetch_token(session, server)}"}
        url = f"{server.api}/export/{EXPORT}"

        async def page(start: str | None) -> bytes:
            params = {"pageSize": str(SIZE)} | ({} if start is None else {"start": start})
            async with session.get(url, params=params, headers=headers) as response:
                if response.status != 200:
                    raise BenchError(f"an export page was answered {response.status}")
                return await response.read()

        kept: list[Any] = []
        started = time.perf_counter()
        ahead: asyncio.Future[bytes] | None = asyncio.ensure_future(page(None))
        try:
            while ahead is not None:
                records, end, more = read(await ahead)
                ahead = asyncio.ensure_future(page(end)) if more else None
                kept += map(keep, records)
        finally:
            if ahead is not None:  # a page that failed to read: no request left behind
                ahead.cancel()
        return kept, time.perf_counter() - started


def _read_json(body: bytes) -> tuple[list[Any], str | None, bool]:
    page = json.loads(body)
    return page["data"], page["cursor"]["end"], page["cursor"]["hasNext"]


def _pydantic_reader(body_class: type[Any]) -> Read:
    page_class: Any = cursor_page_peer(CdtRecord[body_class])  # type: ignore[valid-type]

    def read(body: bytes) -> tuple[list[Any], str | None, bool]:
        page = page_class.model_validate_json(body)
        return page.data, page.cursor.end, page.cursor.has_next

    return read


def _client(server: Server, models: Any) -> WelkinClient:
    """A client with the defaults a user gets and the tenant's generated module."""
    return WelkinClient(
        tenant=TENANT,
        environment=ENVIRONMENT,
        credentials=ClientCredentials(server.client_id, server.client_secret),
        base_url=server.url,
        models=models,
    )


async def _welkin(server: Server, models: Any, keep: Keep) -> tuple[list[Any], float]:
    async with _client(server, models) as client:
        async for _ in client.exports.stream(EXPORT, page_size=1):  # token, models, a connection
            break
        started = time.perf_counter()
        kept = [keep(record) async for record in client.exports.stream(EXPORT, page_size=SIZE)]
        return kept, time.perf_counter() - started


async def _generated(server: Server) -> Any:
    async with _client(server, None) as client:
        return await _cdt_forty.tenant_module(client)


def _exports(server: Server, models: Any) -> dict[str, Export]:
    read_pydantic = _pydantic_reader(models.CdtForty)
    return {
        "raw": lambda keep: _walk(server, _read_json, keep),
        "pydantic": lambda keep: _walk(server, read_pydantic, keep),
        "welkin": lambda keep: _welkin(server, models, keep),
    }


def _once(name: str, ids: list[Any], total: int) -> None:
    if len(ids) != total or len({str(i) for i in ids}) != total:
        raise BenchError(f"{name}: {len(ids)} records, expected {total} distinct")


async def _check(exports: Mapping[str, Export], body_class: type[Any], total: int) -> None:
    """Each contender's records came once; welkin's are typed; pydantic's hold welkin's values."""
    _once("raw", (await exports["raw"](IDS["raw"]))[0], total)
    # The models are generated from the server's own definitions: a warning (models older than
    # the server, pages the fast path refused) means welkin would not be timed on its own path.
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        ours = (await exports["welkin"](lambda record: record))[0]
    if warned:
        raise BenchError(f"welkin warned: {sorted({w.category.__name__ for w in warned})}")
    theirs = (await exports["pydantic"](lambda record: record))[0]
    for name, records in (("welkin", ours), ("pydantic", theirs)):
        _once(name, [IDS[name](record) for record in records], total)
    if any(type(record.json_body) is not body_class for record in ours):
        raise BenchError(f"welkin's records are not all CdtRecord[{body_class.__name__}]")
    for index, (welkin_record, peer_record) in enumerate(zip(ours, theirs, strict=True)):
        check_equal(welkin_record, peer_record, f"pydantic[{index}]")


def _timed(name: str, export: Export, total: int) -> Callable[[], Awaitable[float]]:
    async def run() -> float:
        ids, seconds = await export(IDS[name])
        _once(name, ids, total)
        return total / seconds

    return run


async def _measure(server: Server, total: int, repeats: int) -> dict[str, list[float]]:
    models = await _generated(server)
    exports = _exports(server, models)
    await _check(exports, models.CdtForty, total)
    return await alternate(
        {name: _timed(name, export, total) for name, export in exports.items()}, repeats
    )


def run(quick: bool, results: Path) -> Outcome:
    from _plots import bars  # matplotlib only when plotting

    started = time.perf_counter()
    total = QUICK_RECORDS if quick else RECORDS
    repeats = QUICK_REPEATS if quick else REPEATS
    outcome = Outcome(
        "CDT export",
        f"A CDT_RECORD export of {total:,} records of a 40-field CDT, pages of {SIZE}, one "
        f"page ahead, loopback, no added latency; contenders alternated over {repeats} rounds.",
    )
    pin_client()
    with serve(0, cdt_records=total) as server:
        samples = asyncio.run(_measure(server, total, repeats))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    setting = f"{total:,} records, pages of {SIZE}"
    for name, values in samples.items():
        spread = Spread.of(values)
        outcome.rows.append(Row(name, setting, UNIT, spread, ratio(spread.median, medians["raw"])))
    welkin = medians["welkin"]
    outcome.targets += [
        Target(
            "welkin >= 1.0x raw aiohttp + json",
            ratio(welkin, medians["raw"]),
            welkin >= medians["raw"],
        ),
        Target(
            "welkin >= 1.5x pydantic v2",
            ratio(welkin, medians["pydantic"]),
            welkin >= 1.5 * medians["pydantic"],
        ),
    ]
    outcome.notes += [
        "ratio: against raw aiohttp + json.loads",
        f"each record: the envelope (id, patientId, cdtId, version, cdtName) and a jsonBody of "
        f"the 40 fields and the 12 system fields; {_cdt_forty.PER_PATIENT} records per patient",
        "welkin's models: the tenant module generated from the server's own definitions "
        "(welkin-async codegen --from-api); every pydantic record was checked against welkin's, "
        "field by field, before timing",
    ]
    title = f"CDT export of {total:,} 40-field records (median, min..max)"
    outcome.plots.append(bars(outcome.rows, results / "cdt_export.png", title))
    outcome.seconds = time.perf_counter() - started
    return outcome


if __name__ == "__main__":
    sys.exit(standalone(run, (__doc__ or "").split("\n\n")[0]))
