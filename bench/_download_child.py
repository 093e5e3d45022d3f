"""One measured run of ``bench/downloads.py``: one large file downloaded in a fresh process.

Started by ``bench/downloads.py``, one process per run, so that every run starts from the same
heap. It reads its settings as one JSON object on stdin (the server's URL, the API client's id
and secret and the file's ids travel this way, not in argv, which ``ps`` shows), then:

1. pins itself to the client core, opens a ``WelkinClient`` whose ``Limits`` admit the file,
   and reads the summary once: imports, session, connection and token are warm;
2. reads its resident set (``VmRSS``) and resets the kernel's high-water mark (``5`` to
   ``/proc/self/clear_refs``; checked, else ``ru_maxrss`` is used and said so);
3. downloads the file to a path in ``dir``: ``stream`` with ``documents.download()`` (to a
   temporary file, then renamed), ``whole`` by reading it whole (``FileDownload.read()``) and
   then writing those bytes to the path, as code that does not stream would;
4. reads the peak, then checks the file on disk (size and a hash, read in pieces) and prints
   one JSON line: ``start_rss_kib``, ``peak_kib``, ``seconds``, ``size``, ``sha256`` and how
   the peak was read.
"""

# The result line on stdout is this process's interface to its parent.
# ruff: noqa: T201

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from _harness import ENVIRONMENT, TENANT, pin_client
from _memory_child import _peak_kib, _reset_peak, _status

from welkin_async import ClientCredentials, Limits, WelkinClient

MIB = 1024 * 1024


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as file:
        while piece := file.read(MIB):
            sha.update(piece)
    return sha.hexdigest()


async def _run(settings: dict[str, Any]) -> dict[str, Any]:
    mode, size = settings["mode"], int(settings["size"])
    target = Path(settings["dir"]) / f"{mode}.pdf"
    credentials = ClientCredentials(settings["client_id"], settings["client_secret"])
    async with WelkinClient(
        tenant=TENANT,
        environment=ENVIRONMENT,
        credentials=credentials,
        base_url=settings["url"],
        limits=Limits(max_response_bytes=size + MIB),
    ) as client:
        docs = client.documents(settings["patient_id"])
        await docs.get(settings["summary_id"])  # the warm-up
        gc.collect()
        start = _status()["VmRSS"]
        source = "VmHWM" if _reset_peak() else "ru_maxrss"
        started = time.perf_counter()
        if mode == "stream":
            await docs.download(settings["summary_id"], settings["file_id"], target)
        elif mode == "whole":
            async with docs.stream(settings["summary_id"], settings["file_id"]) as download:
                content = await download.read()
            await asyncio.to_thread(target.write_bytes, content)
        else:
            raise SystemExit(f"unknown mode {mode!r}")
        seconds = time.perf_counter() - started
        peak = _peak_kib(source)  # read while the whole body (if any) is still alive
    result = {
        "mode": mode,
        "start_rss_kib": start,
        "peak_kib": peak,
        "seconds": seconds,
        "peak_source": source,
        "size": target.stat().st_size,
        "sha256": _digest(target),
    }
    target.unlink()
    return result


def main() -> int:
    settings: dict[str, Any] = json.loads(sys.stdin.readline())
    pin_client()
    print(json.dumps(asyncio.run(_run(settings))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
