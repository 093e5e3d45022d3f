"""Peak memory of a large file download: streamed to disk, against read whole and then written.

Target: downloading a 200 MiB file with ``client.documents(pid).download(...)`` keeps the peak
RSS growth of the process under 32 MiB over its start; reading the same file whole
(``FileDownload.read()``, then writing those bytes) is shown for contrast. A figure, not a timed
test: the MiB/s of each mode is reported beside it, over loopback.

The server (``bench/_download_server.py``, pinned to the first core) is the emulator with one
patient whose document summary holds one file of ``MIB`` MiB. Each measured run is a fresh
process, ``bench/_download_child.py``, pinned to the client core (a peak is a property of the
whole process, so runs must not share one). The child gets the server's URL, the credentials
and the file's ids on stdin, warms up (imports, session, token: one read of the summary),
reads its RSS, resets the kernel's peak counter (``/proc/self/clear_refs``), downloads the file
to a temporary directory and reads its peak. Growth = peak (``VmHWM``) - start (``VmRSS``).
Every run's file must have the served size and the same SHA-256. Runs alternate S W S W S W:
3 of each::

    python bench/downloads.py            # 200 MiB, 3 + 3 runs: about 15 s
    python bench/downloads.py --quick    # 50 MiB, 2 + 2 runs: about 5 s
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _harness import (
    _CPUS,
    SERVER_CPU,
    BenchError,
    Outcome,
    Row,
    Spread,
    Target,
    _ready_line,
    _stop,
    pin_client,
    ratio,
    run_child,
)
from _report import standalone

SCENARIO = "downloads"
SERVER = Path(__file__).with_name("_download_server.py")
CHILD = Path(__file__).with_name("_download_child.py")
MIB_SIZE, QUICK_MIB = 200, 50
RUNS, QUICK_RUNS = 3, 2
TARGET_MIB = 32.0
CHILD_TIMEOUT = 300.0
KIB = 1024.0
_PATTERN = bytes(range(256)) * 4096  # what the server serves, 1 MiB repeated


@contextlib.contextmanager
def serve(mib: int) -> Iterator[dict[str, Any]]:
    """The emulator with one ``mib`` MiB file, in a child process on the server core."""
    # Fixed arguments, no shell; pinned at once, before the child has started any thread.
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, str(SERVER), "--mib", str(mib)], stdout=subprocess.PIPE
    )
    if len(_CPUS) > 1:
        os.sched_setaffinity(process.pid, {SERVER_CPU})
    try:
        yield _ready_line(process)
    finally:
        _stop(process)


def measured(server: dict[str, Any], mode: str, directory: str) -> dict[str, Any]:
    """One run of ``bench/_download_child.py``, checked for a clean exit and a whole file."""
    message = {**server, "mode": mode, "dir": directory}
    result: dict[str, Any] = run_child(CHILD, message, timeout=CHILD_TIMEOUT, what="download")
    if result["size"] != server["size"]:
        raise BenchError(f"{mode}: {result['size']} bytes written, {server['size']} served")
    return result


def run(quick: bool, results: Path) -> Outcome:
    started = time.perf_counter()
    mib = QUICK_MIB if quick else MIB_SIZE
    runs = QUICK_RUNS if quick else RUNS
    order = ["stream", "whole"] * runs
    expected = hashlib.sha256(_PATTERN * mib).hexdigest()
    pin_client()
    measured_runs: dict[str, list[dict[str, Any]]] = {"stream": [], "whole": []}
    with serve(mib) as server, tempfile.TemporaryDirectory(prefix="welkin-bench-") as directory:
        for mode in order:
            result = measured(server, mode, directory)
            if result["sha256"] != expected:
                raise BenchError(f"{mode}: the file written is not the file served")
            measured_runs[mode].append(result)
    growth = {
        mode: [(r["peak_kib"] - r["start_rss_kib"]) / KIB for r in rs]
        for mode, rs in measured_runs.items()
    }
    speed = {mode: [mib / r["seconds"] for r in rs] for mode, rs in measured_runs.items()}
    median = {mode: statistics.median(values) for mode, values in growth.items()}
    rows = [
        Row("stream", "peak RSS growth", "MiB", Spread.of(growth["stream"]), digits=1),
        Row(
            "whole",
            "peak RSS growth",
            "MiB",
            Spread.of(growth["whole"]),
            ratio(median["whole"], median["stream"]),
            digits=1,
        ),
        Row("stream", "download", "MiB/s", Spread.of(speed["stream"])),
        Row(
            "whole",
            "download",
            "MiB/s",
            Spread.of(speed["whole"]),
            ratio(statistics.median(speed["whole"]), statistics.median(speed["stream"])),
        ),
    ]
    worst = max(growth["stream"])
    targets = [
        Target(
            f"a {MIB_SIZE} MiB file streamed to disk: peak RSS growth < {TARGET_MIB:.0f} MiB "
            "over the process's start, in every run",
            f"{median['stream']:.1f} MiB median, {worst:.1f} MiB worst, over "
            f"{len(growth['stream'])} runs of {mib} MiB"
            + (f" (quick mode: {QUICK_MIB} MiB, not the target's {MIB_SIZE})" if quick else ""),
            worst < TARGET_MIB,
        )
    ]
    sources = sorted({r["peak_source"] for rs in measured_runs.values() for r in rs})
    starts = [r["start_rss_kib"] / KIB for rs in measured_runs.values() for r in rs]
    notes = [
        f"One {mib} MiB file (application/pdf) served by the emulator on CPU {SERVER_CPU}; one "
        f"fresh child process per run, order {' '.join(m[0].upper() for m in order)}. Start RSS "
        f"after the warm-up: {statistics.median(starts):.1f} MiB median.",
        "stream: documents.download(), chunks written to a temporary file beside the target "
        "(1 MiB batches, off the event loop), fsync, rename. whole: FileDownload.read(), then "
        "the bytes written to the target. Both through the same pipeline, with "
        "Limits(max_response_bytes) raised to admit the file.",
        "Peak read as "
        + " and ".join(sources)
        + (
            " (the kernel's high-water mark, reset at the start by /proc/self/clear_refs)."
            if sources == ["VmHWM"]
            else "; ru_maxrss is the peak since exec: growth may be overstated."
        ),
        "Every file written was checked against the served size and SHA-256.",
    ]
    return Outcome(
        scenario=SCENARIO,
        description=(
            f"peak RSS growth and MiB/s of a {mib} MiB file download, "
            "streamed to disk vs read whole then written"
        ),
        rows=rows,
        targets=targets,
        notes=notes,
        seconds=time.perf_counter() - started,
    )


if __name__ == "__main__":
    sys.exit(standalone(run, __doc__.split("\n\n")[0]))
