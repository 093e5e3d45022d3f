"""Export acceptance: an export SIGKILLed in one process resumes in another from its Redis
checkpoint, and every record is delivered once.

Both processes (tests/fleet/_child_export.py) export from the emulator this test serves, each to
its own file, with a RedisCheckpoint on the session's redis-server. A process writes and fsyncs a
page before it asks for the next, and the stream saves the page's position only then: what the
first process *committed* is the part of its file that the saved position counts (its first
``records`` lines). A page written after that, not yet counted, is delivered again by the second
process; the test kills the first at a page it says it has reached, before or after writing it.
"""

from __future__ import annotations

import json
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.conftest import acme_live
from tests.fleet._children import said, spawn, stop
from welkin_async.fleet import RedisCheckpoint
from welkin_async.testing import RedisServer, WelkinEmulator

PATIENTS = 95
PAGE_SIZE = 10  # 10 pages
KILLED_AT = 4  # the page the first process is killed at
SECRET = "checkpoint-secret-export-resume"


def records(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of ``path``."""
    return [json.loads(line) for line in path.read_bytes().splitlines()]


@pytest.mark.welkin_emulator(patients=PATIENTS, tenants=["acme"])
@pytest.mark.parametrize("hold", ["before_write", "after_write"])
async def test_an_export_killed_in_one_process_resumes_in_another(
    welkin_emulator: WelkinEmulator,
    redis_server: RedisServer,
    redis: Redis,
    tmp_path: Path,
    hold: str,
) -> None:
    """A PATIENT export SIGKILLed at page 4 (before writing it, or written but not yet counted)
    resumes in a new process with a new RedisCheckpoint at the first page not counted: the
    first process's committed lines and the second's output hold every patient exactly once,
    and the finished position is in Redis with no id or export type in clear."""
    credentials = welkin_emulator.credentials("acme")
    prefix = f"test-{tmp_path.name}"
    config = {
        "url": welkin_emulator.url,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "redis": redis_server.url,
        "prefix": prefix,
        "secret": SECRET,
        "page_size": PAGE_SIZE,
    }
    first_out, second_out = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first = await spawn(
        "_child_export",
        {**config, "out": str(first_out), "hold": [hold, KILLED_AT]},
        tmp_path / "first.json",
    )
    try:
        reported = []
        while "held" not in (line := await said(first)):
            reported.append(line)
        first.kill()
        assert await first.wait() == -signal.SIGKILL
    finally:
        await stop(first)

    async with RedisCheckpoint(redis_server.url, secret=SECRET, key_prefix=prefix) as checkpoint:
        saved = await checkpoint.load("PATIENT")
    assert saved is not None
    assert (saved.pages, saved.done) == (KILLED_AT - 1, False)
    written = records(first_out)
    assert len(written) == reported[-1]["records"]  # every line it said it wrote, whole
    if hold == "after_write":
        assert len(written) > saved.records  # a page written that the checkpoint does not count
    else:
        assert len(written) == saved.records
    committed = written[: saved.records]

    second = await spawn(
        "_child_export", {**config, "out": str(second_out), "hold": None}, tmp_path / "second.json"
    )
    try:
        pages = []
        while "done" not in (line := await said(second)):
            pages.append(line["page"])
        assert await second.wait() == 0
    finally:
        await stop(second)
    assert pages == list(range(KILLED_AT, PATIENTS // PAGE_SIZE + 2))  # resumed, not restarted

    delivered = Counter(str(record["id"]) for record in committed + records(second_out))
    patients = acme_live(welkin_emulator).patients.ids()
    assert delivered == Counter(patients)

    async with RedisCheckpoint(redis_server.url, secret=SECRET, key_prefix=prefix) as checkpoint:
        final = await checkpoint.load("PATIENT")
    assert final is not None
    assert (final.done, final.records) == (True, PATIENTS)
    stored: list[tuple[Any, Any]] = [(key, await redis.get(key)) for key in await redis.keys("*")]
    assert len(stored) == 1  # the one position (the client shares nothing else here)
    for clear in (b"PATIENT", *(patient.encode() for patient in patients)):
        assert all(clear not in key + value for key, value in stored)
