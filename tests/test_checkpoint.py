"""The export checkpoint file: positions round-trip, every save replaces the file atomically and
in the order asked for (also when the saving task is cancelled), several savers on one file
(objects, threads, processes) keep each other's positions, a corrupt file is refused with a
message that names the file and the JSON path, never a value, and every OS error (a full disk,
a read-only directory) is a CheckpointError that leaves the position saved before it."""

from __future__ import annotations

import asyncio
import errno
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import attrs
import pytest

import welkin_async._checkpoint as checkpoint_module
from welkin_async import Checkpoint, CheckpointError, CheckpointStore, ExportPosition
from welkin_async._checkpoint import FORMAT

CANARY = "Zelda-7731-canary"  # a value that must never reach an error message


def patient_position(**changes: Any) -> ExportPosition:
    """A PATIENT position part-way through an export."""
    fields: dict[str, Any] = {
        "since": "2025-01-01T00:00:00.000Z",
        "start": "2025-02-01T00:00:00.000Z",
        "records": 70,
        "pages": 7,
    }
    return ExportPosition("PATIENT", **{**fields, **changes})


def document(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# --- saving and loading --------------------------------------------------------------------------


def test_position_defaults_are_the_start_of_a_full_export() -> None:
    """An ExportPosition made from a type alone is a full export not yet begun."""
    position = ExportPosition("PATIENT")
    assert attrs.asdict(position) == {
        "export_type": "PATIENT",
        "since": None,
        "start": None,
        "records": 0,
        "pages": 0,
        "done": False,
        "boundary": (),
        "file_bytes": None,
        "file_sha256": None,
    }


def test_checkpoint_is_a_checkpoint_store(tmp_path: Path) -> None:
    """Checkpoint satisfies the CheckpointStore protocol that exports accept."""
    assert isinstance(Checkpoint(tmp_path / "c.json"), CheckpointStore)


async def test_saved_positions_load_back_from_a_new_checkpoint(tmp_path: Path) -> None:
    """Positions saved under two keys load back, equal, through another Checkpoint on the file."""
    path = tmp_path / "c.json"
    patients = patient_position()
    cdts = ExportPosition("CDT_RECORD", start="2025-03-01T00:00:00.000Z", records=3, done=True)
    saver = Checkpoint(path)
    await saver.save("PATIENT", patients)
    await saver.save("CDT_RECORD", cdts)
    loader = Checkpoint(path)
    assert await loader.load("PATIENT") == patients
    assert await loader.load("CDT_RECORD") == cdts
    assert await loader.load("ENCOUNTER") is None


async def test_missing_file_loads_nothing_and_is_not_created(tmp_path: Path) -> None:
    """Loading from a file that does not exist gives None and writes nothing."""
    path = tmp_path / "c.json"
    assert await Checkpoint(path).load("PATIENT") is None
    assert list(tmp_path.iterdir()) == []


async def test_missing_directories_are_created(tmp_path: Path) -> None:
    """Saving to a file in directories that do not exist creates them."""
    path = tmp_path / "a" / "b" / "c.json"
    await Checkpoint(path).save("PATIENT", patient_position())
    assert await Checkpoint(path).load("PATIENT") == patient_position()


async def test_each_save_replaces_the_file_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    """After every save the directory holds only the checkpoint, a complete JSON document of all
    positions, and the file is a new one (renamed over the old), not rewritten in place."""
    path = tmp_path / "c.json"
    checkpoint = Checkpoint(path)
    inodes = []
    for pages in range(1, 6):
        position = patient_position(pages=pages, records=10 * pages)
        await checkpoint.save("PATIENT", position)
        assert [p.name for p in tmp_path.iterdir()] == ["c.json"]
        saved = document(path)
        assert saved["format"] == FORMAT
        assert saved["exports"] == {"PATIENT": json.loads(json.dumps(attrs.asdict(position)))}
        inodes.append(path.stat().st_ino)
    assert all(a != b for a, b in itertools.pairwise(inodes))


async def test_concurrent_saves_all_persist_and_the_last_per_key_wins(tmp_path: Path) -> None:
    """Many saves gathered at once, for different keys and several for one key, all reach the
    file, and each key holds the position saved last."""
    path = tmp_path / "c.json"
    checkpoint = Checkpoint(path)
    saves = [checkpoint.save(f"TYPE_{n}", ExportPosition(f"TYPE_{n}", pages=n)) for n in range(40)]
    saves += [checkpoint.save("PATIENT", patient_position(pages=n)) for n in range(1, 11)]
    await asyncio.gather(*saves)
    loader = Checkpoint(path)
    for n in range(40):
        assert await loader.load(f"TYPE_{n}") == ExportPosition(f"TYPE_{n}", pages=n)
    assert await loader.load("PATIENT") == patient_position(pages=10)
    assert len(document(path)["exports"]) == 41
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]


# --- cancelled saves -----------------------------------------------------------------------------


class HeldWrite:
    """Replaces the file writer: the first write waits (in its worker thread) until released;
    ``started``/``finished`` tell the event loop when that write began and ended."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.loop = asyncio.get_running_loop()
        self.started = asyncio.Event()
        self.finished = asyncio.Event()
        self.release = threading.Event()
        self.writes = 0
        real = checkpoint_module._replace

        def replace(path: Path, text: str) -> None:
            self.writes += 1
            if self.writes > 1:
                real(path, text)
                return
            self.loop.call_soon_threadsafe(self.started.set)
            try:
                if not self.release.wait(timeout=10):
                    raise TimeoutError("the held write was never released")
                real(path, text)
            finally:
                self.loop.call_soon_threadsafe(self.finished.set)

        monkeypatch.setattr(checkpoint_module, "_replace", replace)


async def test_a_cancelled_save_still_leaves_a_complete_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelling the task awaiting a save while the file is being written leaves the old file
    intact meanwhile, and then the new position written whole."""
    path = tmp_path / "c.json"
    checkpoint = Checkpoint(path)
    await checkpoint.save("PATIENT", patient_position(pages=1))
    held = HeldWrite(monkeypatch)
    saving = asyncio.ensure_future(checkpoint.save("PATIENT", patient_position(pages=2)))
    try:
        await asyncio.wait_for(held.started.wait(), timeout=10)
        saving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await saving
        assert await Checkpoint(path).load("PATIENT") == patient_position(pages=1)
    finally:
        held.release.set()
    await asyncio.wait_for(held.finished.wait(), timeout=10)
    # The write is done; the save (which then drops its lock file) finishes in its own time.
    assert checkpoint._writing is not None
    await asyncio.wait_for(asyncio.gather(checkpoint._writing), timeout=10)
    assert await Checkpoint(path).load("PATIENT") == patient_position(pages=2)
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]


async def test_a_save_after_a_cancelled_one_is_not_overwritten_by_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save asked for after a cancelled one whose write is still running is written after it,
    so the file ends with the later position."""
    path = tmp_path / "c.json"
    checkpoint = Checkpoint(path)
    held = HeldWrite(monkeypatch)
    saving = asyncio.ensure_future(checkpoint.save("PATIENT", patient_position(pages=1)))
    try:
        await asyncio.wait_for(held.started.wait(), timeout=10)
        saving.cancel()
        later = asyncio.ensure_future(checkpoint.save("PATIENT", patient_position(pages=2)))
    finally:
        held.release.set()
    await asyncio.wait_for(later, timeout=10)
    assert held.finished.is_set()
    assert held.writes == 2
    assert await Checkpoint(path).load("PATIENT") == patient_position(pages=2)


# --- corrupt files -------------------------------------------------------------------------------


def exports(value: Any) -> str:
    return json.dumps({"format": FORMAT, "exports": value})


def patient(**changes: Any) -> str:
    """A file whose PATIENT position has ``changes`` (None deletes a key)."""
    entry: dict[str, Any] = attrs.asdict(patient_position())
    entry.update(changes)
    return exports({"PATIENT": entry})


CORRUPT = [
    pytest.param(f'{{"format": "{CANARY}', "line 1 column", id="not-json"),
    pytest.param("", "line 1 column 1", id="empty"),
    pytest.param(json.dumps([CANARY]), "$.format", id="not-an-object"),
    pytest.param(json.dumps({"format": CANARY, "exports": {}}), "$.format", id="other-format"),
    pytest.param(json.dumps({"exports": {}}), "$.format", id="no-format"),
    pytest.param(exports([CANARY]), "$.exports", id="exports-not-an-object"),
    pytest.param(json.dumps({"format": FORMAT}), "$.exports", id="no-exports"),
    pytest.param(exports({"PATIENT": CANARY}), "$.exports.PATIENT", id="position-not-an-object"),
    pytest.param(patient(records=CANARY), "$.exports.PATIENT.records", id="records-string"),
    pytest.param(patient(records=-1), "$.exports.PATIENT.records", id="records-negative"),
    pytest.param(patient(pages=1.5), "$.exports.PATIENT.pages", id="pages-float"),
    pytest.param(patient(done="yes"), "$.exports.PATIENT.done", id="done-string"),
    pytest.param(patient(done=1), "$.exports.PATIENT.done", id="done-number"),
    pytest.param(patient(records=True), "$.exports.PATIENT.records", id="records-bool"),
    pytest.param(patient(since=7), "$.exports.PATIENT.since", id="since-number"),
    pytest.param(patient(start=[CANARY]), "$.exports.PATIENT.start", id="start-list"),
    pytest.param(patient(export_type=3), "$.exports.PATIENT.export_type", id="type-number"),
    pytest.param(patient(export_type=CANARY), "$.exports.PATIENT.export_type", id="type-mismatch"),
    pytest.param(
        exports({"PATIENT": {"since": None}}), "$.exports.PATIENT.export_type", id="type-missing"
    ),
    pytest.param(patient(secret=CANARY), "$.exports.PATIENT", id="unknown-key"),
    pytest.param(patient(file_bytes=-1), "$.exports.PATIENT.file_bytes", id="bytes-negative"),
    pytest.param(patient(file_bytes=CANARY), "$.exports.PATIENT.file_bytes", id="bytes-string"),
    pytest.param(patient(file_bytes=False), "$.exports.PATIENT.file_bytes", id="bytes-bool"),
    pytest.param(patient(file_sha256=CANARY), "$.exports.PATIENT.file_sha256", id="sha-not-hex"),
    pytest.param(patient(file_sha256=7), "$.exports.PATIENT.file_sha256", id="sha-number"),
    pytest.param(
        patient(file_sha256="A" * 64), "$.exports.PATIENT.file_sha256", id="sha-upper-case"
    ),
    pytest.param(patient(file_bytes=3), "$.exports.PATIENT.file_bytes", id="bytes-without-sha"),
    pytest.param(
        patient(file_sha256="0" * 64), "$.exports.PATIENT.file_bytes", id="sha-without-bytes"
    ),
    pytest.param(
        patient(boundary=[["p-1", float("nan"), 1]]), "$.exports.PATIENT.boundary", id="nan"
    ),
    pytest.param(
        patient(boundary=[["p-1", float("inf"), 1]]), "$.exports.PATIENT.boundary", id="infinity"
    ),
]


@pytest.mark.parametrize(("text", "json_path"), CORRUPT)
async def test_corrupt_file_is_refused_naming_file_and_path_not_values(
    tmp_path: Path, text: str, json_path: str
) -> None:
    """Loading a checkpoint that is not a valid checkpoint document raises CheckpointError naming
    the file and where the fault is (the JSON path, or the line and column of bad JSON), and no
    value from the file."""
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CheckpointError) as caught:
        await Checkpoint(path).load("PATIENT")
    message = str(caught.value)
    assert str(path) in message
    assert json_path in message
    assert CANARY not in message
    assert caught.value.__cause__ is None


async def test_corrupt_file_is_refused_by_save_too(tmp_path: Path) -> None:
    """Saving into a corrupt checkpoint raises CheckpointError and leaves the file as it was."""
    path = tmp_path / "c.json"
    path.write_text(patient(records=CANARY), encoding="utf-8")
    with pytest.raises(CheckpointError, match=r"\$\.exports\.PATIENT\.records"):
        await Checkpoint(path).save("CDT_RECORD", ExportPosition("CDT_RECORD"))
    assert path.read_text(encoding="utf-8") == patient(records=CANARY)


# Was a bug: bytes that are not UTF-8 escaped as UnicodeDecodeError (with a byte of the file in its
# message): _parse catches only OSError around read_text.
async def test_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    """A checkpoint file that is not UTF-8 text raises CheckpointError naming the file."""
    path = tmp_path / "c.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CheckpointError) as caught:
        await Checkpoint(path).load("PATIENT")
    assert str(path) in str(caught.value)


async def test_a_position_is_saved_under_its_own_type_only(tmp_path: Path) -> None:
    """Saving a position under another type's key raises ValueError and writes nothing."""
    path = tmp_path / "c.json"
    with pytest.raises(ValueError, match="export_type"):
        await Checkpoint(path).save("CDT_RECORD", ExportPosition("PATIENT"))
    assert not path.exists()


async def test_a_position_with_its_file_mark_round_trips(tmp_path: Path) -> None:
    """file_bytes and file_sha256, the mark of the file a position counts, load back equal."""
    path = tmp_path / "c.json"
    marked = patient_position(file_bytes=1234, file_sha256="0123456789abcdef" * 4)
    await Checkpoint(path).save("PATIENT", marked)
    assert await Checkpoint(path).load("PATIENT") == marked


async def test_a_file_from_before_the_file_mark_still_loads(tmp_path: Path) -> None:
    """A checkpoint written without file_bytes/file_sha256 (an earlier version) loads, unmarked."""
    path = tmp_path / "c.json"
    entry = attrs.asdict(patient_position())
    del entry["file_bytes"], entry["file_sha256"]
    path.write_text(exports({"PATIENT": entry}), encoding="utf-8")
    assert await Checkpoint(path).load("PATIENT") == patient_position()


# --- files no parser should have to take ---------------------------------------------------------


def nested(depth: int, opener: str, closer: str) -> str:
    return opener * depth + closer * depth


# Was a bug: json.loads raised RecursionError (not a WelkinError) on deep nesting.
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(nested(100_000, "[", "]"), id="lists"),
        pytest.param('{"a":' * 100_000 + "0" + "}" * 100_000, id="objects"),
        pytest.param(
            exports({"PATIENT": None}).replace("null", nested(50_000, "[", "]")),
            id="inside-a-position",
        ),
        pytest.param(nested(100_000, "[", ""), id="unclosed"),
    ],
)
async def test_deeply_nested_file_is_a_checkpoint_error(tmp_path: Path, text: str) -> None:
    """A checkpoint nested deeper than the parser can go raises CheckpointError naming the file
    and the nesting, on load and on save (which leaves the file as it was)."""
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CheckpointError) as caught:
        await Checkpoint(path).load("PATIENT")
    assert str(path) in str(caught.value)
    assert "nested" in str(caught.value)
    assert caught.value.__cause__ is None
    with pytest.raises(CheckpointError):
        await Checkpoint(path).save("PATIENT", patient_position())
    assert path.read_text(encoding="utf-8") == text


# Was a bug: a number past int's digit limit raised a plain ValueError.
async def test_a_number_too_long_to_read_is_a_checkpoint_error(tmp_path: Path) -> None:
    """A JSON number too long for the parser raises CheckpointError without quoting it."""
    path = tmp_path / "c.json"
    path.write_text(patient(records=None).replace("null", "7" * 5000), encoding="utf-8")
    with pytest.raises(CheckpointError) as caught:
        await Checkpoint(path).load("PATIENT")
    assert str(path) in str(caught.value)
    assert "7777" not in str(caught.value)


# --- OS errors -----------------------------------------------------------------------------------

FAILURES = [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EIO, errno.EDQUOT, errno.EISDIR]


def failing(code: int) -> Any:
    def fail(*_: Any, **__: Any) -> Any:
        raise OSError(code, os.strerror(code))

    return fail


def only_checkpoint_files(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir())


# Was a bug: a full disk, a read-only directory and the like escaped as OSError, and a write
# that failed past the temporary file's creation could not be told from a bug.
@pytest.mark.parametrize("code", FAILURES, ids=[errno.errorcode[c] for c in FAILURES])
@pytest.mark.parametrize(
    ("module", "name"),
    [
        (os, "write"),
        (os, "fsync"),
        (os, "replace"),
        (os, "close"),
        (tempfile, "mkstemp"),
    ],
    ids=["write", "fsync", "replace", "close", "mkstemp"],
)
async def test_a_failed_save_is_a_checkpoint_error_and_keeps_the_old_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: Any, name: str, code: int
) -> None:
    """An OSError at any step of the write raises CheckpointError naming the file and what the
    OS said, with no chained cause; the file still holds the position saved before, whole, and
    no temporary or lock file is left."""
    path = tmp_path / "c.json"
    checkpoint = Checkpoint(path)
    await checkpoint.save("PATIENT", patient_position(pages=1))
    before = path.read_bytes()
    real_close = os.close
    failures = failing(code)

    def close(descriptor: int) -> None:  # close fails, but the descriptor is still released
        real_close(descriptor)
        failures()

    monkeypatch.setattr(module, name, close if name == "close" else failures)
    with pytest.raises(CheckpointError) as caught:
        await checkpoint.save("PATIENT", patient_position(pages=2))
    monkeypatch.undo()
    message = str(caught.value)
    assert str(path) in message
    assert os.strerror(code) in message
    assert "\n" not in message
    assert caught.value.__cause__ is None
    if name != "close":  # a failing close may come after the rename: either position is whole
        assert path.read_bytes() == before
    assert await Checkpoint(path).load("PATIENT") in (
        patient_position(pages=1),
        patient_position(pages=2),
    )
    assert only_checkpoint_files(tmp_path) == ["c.json"]
    await checkpoint.save("PATIENT", patient_position(pages=3))  # the next save still works
    assert await Checkpoint(path).load("PATIENT") == patient_position(pages=3)


async def test_a_short_write_is_finished_and_a_write_of_nothing_is_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.write taking a few bytes at a time still writes the whole file; one that takes nothing
    (a full disk) raises CheckpointError and keeps the old position."""
    path = tmp_path / "c.json"
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))
    await Checkpoint(path).save("PATIENT", patient_position(pages=1))
    assert await Checkpoint(path).load("PATIENT") == patient_position(pages=1)
    monkeypatch.setattr(os, "write", lambda fd, data: 0)
    with pytest.raises(CheckpointError, match="No space left"):
        await Checkpoint(path).save("PATIENT", patient_position(pages=2))
    monkeypatch.undo()
    assert await Checkpoint(path).load("PATIENT") == patient_position(pages=1)
    assert only_checkpoint_files(tmp_path) == ["c.json"]


@pytest.mark.parametrize("code", FAILURES, ids=[errno.errorcode[c] for c in FAILURES])
async def test_a_failed_read_is_a_checkpoint_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """An OSError reading the file raises CheckpointError naming the file and the OS's words,
    on load and on save."""
    path = tmp_path / "c.json"
    await Checkpoint(path).save("PATIENT", patient_position())
    monkeypatch.setattr(checkpoint_module, "read_regular_file", failing(code))
    for attempt in (
        Checkpoint(path).load("PATIENT"),
        Checkpoint(path).save("PATIENT", patient_position(pages=9)),
    ):
        with pytest.raises(CheckpointError) as caught:
            await attempt
        assert str(path) in str(caught.value)
        assert os.strerror(code) in str(caught.value)
        assert caught.value.__cause__ is None


async def test_a_checkpoint_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    """A checkpoint path that is a directory raises CheckpointError on load and on save."""
    path = tmp_path / "c.json"
    path.mkdir()
    with pytest.raises(CheckpointError, match="directory"):
        await Checkpoint(path).load("PATIENT")
    with pytest.raises(CheckpointError, match="directory"):
        await Checkpoint(path).save("PATIENT", patient_position())
    assert path.is_dir()


async def test_a_checkpoint_under_a_file_is_refused(tmp_path: Path) -> None:
    """A checkpoint whose directory is a file (cannot be created) raises CheckpointError."""
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    path = tmp_path / "plain" / "c.json"
    with pytest.raises(CheckpointError) as caught:
        await Checkpoint(path).save("PATIENT", patient_position())
    assert str(path) in str(caught.value)
    assert caught.value.__cause__ is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
async def test_a_read_only_directory_is_a_checkpoint_error(tmp_path: Path) -> None:
    """Saving into a directory without write permission raises CheckpointError and keeps the
    position saved before."""
    path = tmp_path / "c.json"
    await Checkpoint(path).save("PATIENT", patient_position(pages=1))
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(CheckpointError, match="Permission denied"):
            await Checkpoint(path).save("PATIENT", patient_position(pages=2))
    finally:
        tmp_path.chmod(0o700)
    assert await Checkpoint(path).load("PATIENT") == patient_position(pages=1)
    assert only_checkpoint_files(tmp_path) == ["c.json"]


# --- several savers on one file ------------------------------------------------------------------


def key_position(key: str, pages: int) -> ExportPosition:
    return ExportPosition(key, start=f"2025-01-01T00:00:{pages:02d}Z", pages=pages)


# Was a bug: each Checkpoint object serialised only its own saves, so two objects on one file
# read the same old content and the later rename dropped the other's key (4 rounds in 10).
async def test_many_checkpoint_objects_on_one_file_keep_every_position(tmp_path: Path) -> None:
    """Eight Checkpoint objects (one per exporting task, as separate exports would make them),
    saving 4 keys each 5 times, all at once, in shuffled order: every key ends at its last
    position, and only the checkpoint file is left."""
    path = tmp_path / "c.json"
    rng = random.Random(16)  # noqa: S311 - an order of saves, not a secret
    savers = [Checkpoint(path) for _ in range(8)]

    async def export(number: int, saver: Checkpoint) -> None:
        for pages in range(1, 6):
            keys = [f"T{number}_{k}" for k in range(4)]
            rng.shuffle(keys)
            await asyncio.gather(*(saver.save(key, key_position(key, pages)) for key in keys))

    for _ in range(3):  # rounds: the file is shared from the first save on
        await asyncio.gather(*(export(n, saver) for n, saver in enumerate(savers)))
    saved = await Checkpoint(path).load("T0_0"), document(path)["exports"]
    assert saved[0] == key_position("T0_0", 5)
    assert sorted(saved[1]) == sorted(f"T{n}_{k}" for n in range(8) for k in range(4))
    loader = Checkpoint(path)
    for n in range(8):
        for k in range(4):
            assert await loader.load(f"T{n}_{k}") == key_position(f"T{n}_{k}", 5)
    assert only_checkpoint_files(tmp_path) == ["c.json"]


async def test_savers_in_other_event_loops_and_threads_keep_every_position(tmp_path: Path) -> None:
    """Checkpoint objects on one file used from several threads, each with its own event loop
    (the path as given differs: relative, with '..'), keep every key's last position."""
    path = tmp_path / "c.json"
    spellings = [path, tmp_path / "sub" / ".." / "c.json", tmp_path / "." / "c.json"]
    (tmp_path / "sub").mkdir()
    start = threading.Barrier(6)

    def worker(number: int) -> None:
        saver = Checkpoint(spellings[number % len(spellings)])
        start.wait(timeout=30)

        async def saves() -> None:
            for pages in range(1, 11):
                await saver.save(f"W{number}", key_position(f"W{number}", pages))

        asyncio.run(saves())

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    loader = Checkpoint(path)
    for n in range(6):
        assert await loader.load(f"W{n}") == key_position(f"W{n}", 10)


SAVER_PROCESS = """
import asyncio, sys
from welkin_async import Checkpoint, ExportPosition

path, name, saves = sys.argv[1], sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()  # the start signal: every process saves at once

async def main():
    checkpoint = Checkpoint(path)
    for pages in range(1, saves + 1):
        for key in (name + "_A", name + "_B"):
            position = ExportPosition(key, start=f"2025-01-01T00:00:{pages:02d}Z", pages=pages)
            await checkpoint.save(key, position)

asyncio.run(main())
"""


# Was a bug: the docstring asked processes for one file each, as two could lose a save.
async def test_processes_saving_to_one_file_keep_every_position(tmp_path: Path) -> None:
    """Four processes, started together, each saving two keys 15 times to one file: every key
    ends at its last position (the processes serialise on a lock file, which none leaves)."""
    path = tmp_path / "c.json"
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    processes = [
        subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", SAVER_PROCESS, str(path), f"P{n}", "15"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
            text=True,
        )
        for n in range(4)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline() == "ready\n"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        for process in processes:
            process.communicate(timeout=120)
            assert process.returncode == 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    loader = Checkpoint(path)
    for n in range(4):
        for suffix in ("A", "B"):
            key = f"P{n}_{suffix}"
            assert await loader.load(key) == key_position(key, 15)
    assert only_checkpoint_files(tmp_path) == ["c.json"]


async def test_a_lock_file_left_by_a_killed_process_does_not_stop_saves(tmp_path: Path) -> None:
    """A NAME.lock left behind (its process killed mid-save, its flock gone with it) is taken
    over by the next save, and removed."""
    path = tmp_path / "c.json"
    (tmp_path / "c.json.lock").write_bytes(b"")
    await Checkpoint(path).save("PATIENT", patient_position())
    assert await Checkpoint(path).load("PATIENT") == patient_position()
    assert only_checkpoint_files(tmp_path) == ["c.json"]


async def test_a_checkpoint_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """A FIFO in the file's place would block the reader (and the event loop) forever: it is
    refused at once on load and on save."""
    path = tmp_path / "c.json"
    os.mkfifo(path)
    async with asyncio.timeout(10):
        with pytest.raises(CheckpointError, match="not a regular file"):
            await Checkpoint(path).load("PATIENT")
        with pytest.raises(CheckpointError, match="not a regular file"):
            await Checkpoint(path).save("PATIENT", patient_position())


async def test_a_path_with_a_nul_is_a_checkpoint_error(tmp_path: Path) -> None:
    path = tmp_path / "c\x00.json"
    with pytest.raises(CheckpointError):
        await Checkpoint(path).load("PATIENT")
    with pytest.raises(CheckpointError):
        await Checkpoint(path).save("PATIENT", patient_position())


async def test_a_since_that_is_not_a_date_time_is_refused(tmp_path: Path) -> None:
    """A ``since`` always came from a datetime: anything else is a corrupt checkpoint, named by
    its JSON path."""
    path = tmp_path / "c.json"
    await Checkpoint(path).save("PATIENT", patient_position())
    document = json.loads(path.read_text(encoding="utf-8"))
    document["exports"]["PATIENT"]["since"] = CANARY
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CheckpointError, match=r"\$\.exports\.PATIENT\.since") as caught:
        await Checkpoint(path).load("PATIENT")
    assert CANARY not in str(caught.value)


async def test_a_boundary_time_beyond_any_float_loads(tmp_path: Path) -> None:
    """An integer ``updated_at`` too large for a float is still a number: no OverflowError."""
    path = tmp_path / "c.json"
    await Checkpoint(path).save("PATIENT", patient_position())
    document = json.loads(path.read_text(encoding="utf-8"))
    document["exports"]["PATIENT"]["boundary"] = [["a", 10**400, 1]]
    path.write_text(json.dumps(document), encoding="utf-8")
    loaded = await Checkpoint(path).load("PATIENT")
    assert loaded is not None
    assert loaded.boundary == (("a", 10**400, 1),)
