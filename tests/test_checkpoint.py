"""The export checkpoint file: positions round-trip, every save replaces the file atomically and
in the order asked for (also when the saving task is cancelled), and a corrupt file is refused
with a message that names the file and the JSON path, never a value."""

from __future__ import annotations

import asyncio
import itertools
import json
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
