"""One measured run of ``bench/memory.py``: a whole patient scan in a fresh process, and its peak.

Started by ``bench/memory.py``, one process per run, so that every run starts from the same heap
and no run inherits the arenas of the one before. It reads its settings as one JSON object on
stdin (the server's URL and the API client's id and secret travel this way, not in argv, which
any user of the machine can read with ``ps``), then:

1. pins itself to the client core, opens a ``WelkinClient`` and reads one page of 100 patients:
   the imports, the session, its first connection, the token and the compiled ``Patient``
   structuring are all warm before anything is measured; that page also gives the total;
2. reads its resident set (``VmRSS``) and resets the kernel's high-water mark (writing ``5`` to
   ``/proc/self/clear_refs``), so that ``VmHWM`` afterwards is the peak *since this point*, not
   since ``exec`` (checked; where the kernel refuses, ``ru_maxrss`` is used and said so);
3. scans every patient with ``client.patients.list(size=..., concurrency=...)``: ``stream`` only
   counts them, ``list`` keeps them all in a list until the peak has been read;
4. reads the peak, checks the count against the server's total (and, for ``list``, that the ids
   are distinct, after the peak), and prints one JSON line: ``count``, ``start_rss_kib``,
   ``peak_kib``, ``seconds`` and how the peak was read.

With ``"trace": true`` it also runs ``tracemalloc`` over the scan and reports the Python heap's
peak and the allocation sites alive at the largest page-sized moment it sampled (diagnosis only:
tracing costs memory and time of its own, so such runs are not measurements).
"""

# The result line on stdout is this process's interface to its parent.
# ruff: noqa: T201

from __future__ import annotations

import asyncio
import gc
import json
import resource
import sys
import time
import tracemalloc
from contextlib import aclosing
from typing import Any

from _harness import ENVIRONMENT, TENANT, pin_client

from welkin_async import ClientCredentials, WelkinClient

RESET_PEAK = "5"  # clear_refs(5): reset the peak resident set size (Linux 4.0 and later)
HWM_SLACK_KIB = 256  # right after a reset the peak may exceed the current RSS by a few pages


def _status() -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` of this process, in KiB."""
    values: dict[str, int] = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def _reset_peak() -> bool:
    """Reset ``VmHWM`` to the current RSS; whether the kernel did so (checked, not assumed)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write(RESET_PEAK)
    except OSError:
        return False
    now = _status()
    return now["VmHWM"] <= now["VmRSS"] + HWM_SLACK_KIB


def _peak_kib(source: str) -> int:
    if source == "VmHWM":
        return _status()["VmHWM"]
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


async def _total(client: WelkinClient, size: int) -> int:
    """The server's number of patients, from the first page (which also warms everything up)."""
    async with aclosing(client.patients.list(size=size).pages()) as pages:
        async for page in pages:
            if page.total_elements is None:
                raise SystemExit("the first page gave no totalElements")
            return page.total_elements
    raise SystemExit("the scan gave no page")


class _Sampler:
    """Snapshots of the traced heap whenever it reaches a new high, for the diagnosis mode."""

    def __init__(self) -> None:
        self.best = 0
        self.snapshot: tracemalloc.Snapshot | None = None

    def sample(self) -> None:
        current, _ = tracemalloc.get_traced_memory()
        if current > self.best * 1.05:  # a new high by 5%: worth the cost of a snapshot
            self.best = current
            self.snapshot = tracemalloc.take_snapshot()


def _top(snapshot: tracemalloc.Snapshot, limit: int) -> list[dict[str, Any]]:
    ignore = tracemalloc.Filter(False, tracemalloc.__file__)
    stats = snapshot.filter_traces([ignore]).statistics("lineno")
    return [
        {"where": str(stat.traceback[0]), "kib": round(stat.size / 1024, 1), "blocks": stat.count}
        for stat in stats[:limit]
    ]


async def _run(settings: dict[str, Any]) -> dict[str, Any]:
    mode, size, concurrency = settings["mode"], settings["size"], settings["concurrency"]
    trace = bool(settings.get("trace"))
    credentials = ClientCredentials(settings["client_id"], settings["client_secret"])
    async with WelkinClient(
        tenant=TENANT,
        environment=ENVIRONMENT,
        credentials=credentials,
        base_url=settings["url"],
    ) as client:
        total = await _total(client, size)
        gc.collect()  # the warm-up's garbage is not part of the scan
        start = _status()["VmRSS"]
        source = "VmHWM" if _reset_peak() else "ru_maxrss"
        sampler = _Sampler()
        if trace:
            tracemalloc.start(1)
        count, records = 0, None
        started = time.perf_counter()
        scan = client.patients.list(size=size, concurrency=concurrency)
        if mode == "stream":
            async for _patient in scan:
                count += 1
                if trace and count % size == 0:
                    sampler.sample()
        elif mode == "list":
            records = [patient async for patient in scan]
            count = len(records)
        else:
            raise SystemExit(f"unknown mode {mode!r}")
        seconds = time.perf_counter() - started
        peak = _peak_kib(source)  # read while the list (if any) is still alive
        result: dict[str, Any] = {
            "mode": mode,
            "count": count,
            "start_rss_kib": start,
            "peak_kib": peak,
            "seconds": seconds,
            "peak_source": source,
        }
        if trace:
            result["traced_peak_kib"] = tracemalloc.get_traced_memory()[1] // 1024
            if sampler.snapshot is not None:
                result["traced_at_high_kib"] = sampler.best // 1024
                result["top"] = _top(sampler.snapshot, int(settings.get("top", 12)))
            tracemalloc.stop()
        # The checks come after the peak is read, so that what they allocate is not counted.
        if records is not None:
            result["distinct"] = len({patient.id for patient in records})
            del records
        result["server_total"] = total
        result["server_total_after"] = await _total(client, 1)
    return result


def main() -> int:
    settings: dict[str, Any] = json.loads(sys.stdin.readline())
    pin_client()
    result = asyncio.run(_run(settings))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
