"""`welkin-async export`: append-only JSONL that a SIGKILL at any point and a resume leave with
every record exactly once; Ctrl-C stops cleanly; several types; refusals, among them a resume
onto a file whose counted part was edited in any way (the checkpoint keeps its length and hash).

The command runs as a real subprocess against the test's emulator over loopback. Kill points are
chosen by the emulator: it signals the child as the child's K-th export request arrives, so with
the page fetched ahead the child is then writing, fsyncing or checkpointing an earlier page.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import acme_live
from welkin_async.testing import WelkinEmulator

EXPORT = "GET /export/{export_type}"
BIG = pytest.mark.welkin_emulator(patients=25_000, tenants=["acme"])  # 50,000 CDT records
SMALL = pytest.mark.welkin_emulator(patients=300, tenants=["acme"])


def _environment(emulator: WelkinEmulator) -> dict[str, str]:
    credentials = emulator.credentials("acme")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("WELKIN_")}
    return {
        **inherited,
        "WELKIN_BASE_URL": emulator.url,
        "WELKIN_TENANT": "acme",
        "WELKIN_ENVIRONMENT": "live",
        "WELKIN_CLIENT_ID": credentials.client_id,
        "WELKIN_CLIENT_SECRET": credentials.client_secret,
    }


class Child:
    """One `welkin-async export` run; ``stop_at`` sends ``signal`` as its K-th export request
    reaches the emulator."""

    def __init__(self, emulator: WelkinEmulator, *, jitter: random.Random | None = None) -> None:
        self.emulator = emulator
        self.process: asyncio.subprocess.Process | None = None
        self._target: tuple[int, int] | None = None  # (requests to let through, signal)
        self._seen = 0
        self._jitter = jitter
        self.stderr = ""  # the last run's, alone
        emulator.on_request(self._arrived)

    def _arrived(self, route: str) -> None:
        if route != EXPORT or self.process is None or self._target is None:
            return
        self._seen += 1
        if self._seen == self._target[0]:
            # Not synchronisation: a random extra moment, so that the signal lands anywhere in
            # the child's write, fsync and checkpoint of the page before, not always at one spot.
            delay = self._jitter.uniform(0, 0.03) if self._jitter else 0.0
            asyncio.get_running_loop().call_later(delay, self._signal, self.process)

    def _signal(self, process: asyncio.subprocess.Process) -> None:
        if process.returncode is None and self._target is not None:
            process.send_signal(self._target[1])

    async def run(
        self,
        args: Sequence[str],
        *,
        stop_at: int | None = None,
        sig: int = signal.SIGKILL,
        unimportable: Sequence[str] = (),
    ) -> tuple[int, str]:
        """Run the command; ``unimportable`` modules fail to import in the child."""
        self._seen = 0
        self._target = (stop_at, sig) if stop_at is not None else None
        blocked = "".join(f"sys.modules[{name!r}] = None\n" for name in unimportable)
        child = f"import sys\n{blocked}from welkin_async.cli import main\nsys.exit(main())\n"
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            child,
            "export",
            *args,
            env=_environment(self.emulator),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await self.process.communicate()
        code = self.process.returncode
        self.process = None
        self.stderr = err.decode()
        assert code is not None
        return code, (out + err).decode()


def _records(path: Path) -> Iterator[dict[str, object]]:
    with path.open("rb") as file:
        for line in file:
            yield json.loads(line)


def _checkpoint(path: Path) -> dict[str, object]:
    exports = json.loads(path.read_text())["exports"]
    assert isinstance(exports, dict)
    return exports


@BIG
async def test_sigkill_at_ten_random_points_then_resume_leaves_every_record_once(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """50,000 CDT records, the export SIGKILLed at 10 random points and resumed each time: the
    final JSONL holds every record exactly once (id set and count), each as stored."""
    out = tmp_path / "cdt.jsonl"
    rng = random.Random(6)  # noqa: S311 - kill points, not secrets
    child = Child(welkin_emulator, jitter=rng)
    args = ["CDT_RECORD", "--out", str(out), "--page-size", "500"]
    killed = 0
    for attempt in range(10):  # at most 8 pages a run: 10 runs cannot finish the 100 pages
        code, _ = await child.run(
            [*args, "--resume"] if attempt else args, stop_at=rng.randint(2, 9)
        )
        assert code == -signal.SIGKILL
        killed += 1
    code, output = await child.run([*args, "--resume"])
    assert code == 0, output
    assert killed == 10
    stored = acme_live(welkin_emulator).cdt_records.rows
    ids = [record["id"] for record in _records(out)]
    assert len(ids) == len(stored) == 50_000
    assert set(ids) == set(stored)
    assert all(record == stored[str(record["id"])] for record in _records(out))


@SMALL
async def test_ctrl_c_stops_cleanly_with_the_checkpoint_saved(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """SIGINT mid-export exits 130 saying how to resume; the checkpoint counts exactly the
    lines in the file, and the resume completes it without a repeat."""
    out = tmp_path / "patients.jsonl"
    child = Child(welkin_emulator)
    args = ["PATIENT", "--out", str(out), "--page-size", "20"]
    code, output = await child.run(args, stop_at=6, sig=signal.SIGINT)
    assert code == 130
    assert "--resume" in output
    saved = _checkpoint(out.with_name(out.name + ".checkpoint.json"))["PATIENT"]
    assert isinstance(saved, dict)
    assert 0 < int(saved["records"]) < 300
    assert saved["done"] is False
    lines = out.read_bytes().count(b"\n")
    assert lines >= int(saved["records"])  # a page written after the last save is cut on resume
    code, output = await child.run([*args, "--resume"])
    assert code == 0, output
    ids = [str(record["id"]) for record in _records(out)]
    assert sorted(ids) == sorted(acme_live(welkin_emulator).patients.ids())


@SMALL
async def test_resume_cuts_a_torn_last_line(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """Bytes after the lines the checkpoint counts (a torn line) are cut before the resume
    appends, so the file parses and holds every patient once."""
    out = tmp_path / "patients.jsonl"
    child = Child(welkin_emulator)
    args = ["PATIENT", "--out", str(out), "--page-size", "50"]
    code, _ = await child.run(args, stop_at=3)
    assert code == -signal.SIGKILL
    first = out.read_bytes().split(b"\n")[0]
    with out.open("ab") as file:
        file.write(first + b"\n" + b'{"id": "torn')
    code, output = await child.run([*args, "--resume"])
    assert code == 0, output
    ids = [record["id"] for record in _records(out)]
    assert len(ids) == len(set(ids)) == 300


@SMALL
async def test_an_existing_file_is_not_overwritten_without_resume(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """A second run without --resume refuses (exit 1) and leaves the file as it was."""
    out = tmp_path / "patients.jsonl"
    child = Child(welkin_emulator)
    assert (await child.run(["PATIENT", "--out", str(out)]))[0] == 0
    before = out.read_bytes()
    code, output = await child.run(["PATIENT", "--out", str(out)])
    assert code == 1
    assert "--resume" in output
    assert out.read_bytes() == before


@SMALL
async def test_resume_refuses_a_file_without_its_checkpoint(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """--resume onto a non-empty file with no checkpoint refuses: nothing says where it ends."""
    out = tmp_path / "patients.jsonl"
    out.write_text('{"id": "x"}\n')
    code, output = await Child(welkin_emulator).run(["PATIENT", "--out", str(out), "--resume"])
    assert code == 1
    assert "checkpoint" in output
    assert out.read_text() == '{"id": "x"}\n'


@SMALL
async def test_without_rich_or_a_terminal_progress_is_plain_lines_on_stderr(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """With rich unimportable and stderr a pipe, the export completes and reports progress as
    plain lines on stderr (`--progress-every 0`: one per page), leaving stdout to the result."""
    out = tmp_path / "patients.jsonl"
    child = Child(welkin_emulator)
    args = ["PATIENT", "--out", str(out), "--page-size", "100", "--progress-every", "0"]
    code, output = await child.run(args, unimportable=["rich"])
    assert code == 0, output
    progress = re.compile(
        r"welkin-async export: PATIENT: (\d+) records in (\d+) pages, [-\d,]+ records/s, 0 retries"
    )
    lines = [
        (m[1], m[2]) if (m := progress.fullmatch(line)) else line
        for line in child.stderr.splitlines()
    ]
    assert lines == [("100", "1"), ("200", "2"), ("300", "3")]
    assert "\x1b[" not in output  # no terminal codes anywhere
    assert "PATIENT: 300 records in 3 pages to" in output
    assert len(list(_records(out))) == 300


@SMALL
async def test_several_types_export_concurrently_each_to_its_own_file(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """TYPE plus --types writes one JSONL per type (stem.type.jsonl), each complete."""
    out = tmp_path / "acme.jsonl"
    code, output = await Child(welkin_emulator).run(
        ["PATIENT", "--types", "CDT_RECORD,ENCOUNTER", "--out", str(out), "--concurrency", "4"]
    )
    assert code == 0, output
    live = acme_live(welkin_emulator)
    tables = {
        "patient": live.patients,
        "cdt_record": live.cdt_records,
        "encounter": live.encounters,
    }
    for name, table in tables.items():
        exported = list(_records(tmp_path / f"acme.{name}.jsonl"))
        assert sorted(str(r["id"]) for r in exported) == sorted(table.rows), name
    assert set(_checkpoint(tmp_path / "acme.jsonl.checkpoint.json")) == {
        "PATIENT",
        "CDT_RECORD",
        "ENCOUNTER",
    }


@SMALL
async def test_since_exports_only_later_changes_and_resume_keeps_it(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """--since exports the patients changed at or after it; a killed run resumed without
    --since continues the same incremental export."""
    rows = acme_live(welkin_emulator).patients.rows
    changes = sorted(row["updatedAt"] for row in rows.values())
    since = changes[len(changes) // 3]
    wanted = {i for i, row in rows.items() if row["updatedAt"] >= since}
    out = tmp_path / "since.jsonl"
    child = Child(welkin_emulator)
    args = ["PATIENT", "--out", str(out), "--page-size", "20"]
    code, _ = await child.run([*args, "--since", since], stop_at=3)
    assert code == -signal.SIGKILL
    code, output = await child.run([*args, "--resume"])
    assert code == 0, output
    ids = [str(record["id"]) for record in _records(out)]
    assert len(ids) == len(set(ids))
    assert set(ids) == wanted
    done = _checkpoint(out.with_name(out.name + ".checkpoint.json"))["PATIENT"]
    assert isinstance(done, dict)
    assert datetime.fromisoformat(str(done["since"])) == datetime.fromisoformat(since)


@SMALL
async def test_a_finished_export_refuses_another_since_in_the_same_file(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """--resume with a new --since onto a finished export exits 1 and leaves the file and its
    checkpoint as they were: the next incremental export goes to a new file."""
    out = tmp_path / "patients.jsonl"
    checkpoint = out.with_name(out.name + ".checkpoint.json")
    child = Child(welkin_emulator)
    assert (await child.run(["PATIENT", "--out", str(out)]))[0] == 0
    before = (out.read_bytes(), checkpoint.read_bytes())
    saved = _checkpoint(checkpoint)["PATIENT"]
    assert isinstance(saved, dict)
    code, output = await child.run(
        ["PATIENT", "--out", str(out), "--resume", "--since", str(saved["start"])]
    )
    assert code == 1
    assert "new --out" in output
    assert (out.read_bytes(), checkpoint.read_bytes()) == before


# --- a resume onto a file edited since its checkpoint ---------------------------------------------


def _swap_lines(lines: list[bytes]) -> list[bytes]:
    return [lines[1], lines[0], *lines[2:]]


def _same_length_edit(lines: list[bytes]) -> list[bytes]:
    """One character of the second line changed, its length and the line count kept."""
    line = lines[1]
    at = line.index(b'"', 2) - 1  # the last character of the first key's name
    changed = line[:at] + (b"X" if line[at : at + 1] != b"X" else b"Y") + line[at + 1 :]
    return [lines[0], changed, *lines[2:]]


def _reformat_line(lines: list[bytes]) -> list[bytes]:
    """The first record written again as equal JSON with other spacing."""
    return [json.dumps(json.loads(lines[0]), indent=None).encode() + b"\n", *lines[1:]]


Edit = Callable[[list[bytes]], list[bytes]]
EDITS: dict[str, Edit] = {
    "line-duplicated": lambda lines: [lines[0], *lines],
    "line-inserted": lambda lines: [b'{"id": "inserted"}\n', *lines],
    "first-line-removed": lambda lines: lines[1:],
    "second-line-removed": lambda lines: [lines[0], *lines[2:]],
    "lines-swapped": _swap_lines,
    "line-changed-same-length": _same_length_edit,
    "line-reformatted": _reformat_line,
    "line-end-changed": lambda lines: [lines[0][:-1] + b"\r\n", *lines[1:]],
    "cut-after-the-first-line": lambda lines: lines[:1],
    "cut-inside-the-first-line": lambda lines: [lines[0][:10]],
    "emptied": lambda lines: [],
}


async def _refusals(
    emulator: WelkinEmulator, out: Path, args: list[str], tmp_path: Path, edits: Sequence[str]
) -> dict[str, tuple[int, str, bool]]:
    """Each edit made to its own copy of ``out`` and its checkpoint, resumed (all at once): the
    exit code, stderr, and whether both files were left as they were, by edit."""
    checkpoint = out.with_name(out.name + ".checkpoint.json")

    async def resume(name: str, edit: Edit) -> tuple[int, str, bool]:
        copy = tmp_path / name / out.name
        copy.parent.mkdir()
        lines = out.read_bytes().splitlines(keepends=True)
        edited = b"".join(edit(lines))
        copy.write_bytes(edited)
        copy_checkpoint = copy.with_name(checkpoint.name)
        copy_checkpoint.write_bytes(checkpoint.read_bytes())
        child = Child(emulator)
        code, _ = await child.run([*args, "--out", str(copy), "--resume"])
        untouched = (copy.read_bytes(), copy_checkpoint.read_bytes()) == (
            edited,
            checkpoint.read_bytes(),
        )
        return code, child.stderr, untouched

    results = await asyncio.gather(*(resume(name, EDITS[name]) for name in edits))
    return dict(zip(edits, results, strict=True))


def _assert_refused(results: dict[str, tuple[int, str, bool]], out: Path) -> None:
    for name, (code, stderr, untouched) in results.items():
        assert code == 1, name
        assert stderr.count("\n") == 1, (name, stderr)
        assert stderr.startswith("welkin-async export: error: "), name
        assert "changed after its checkpoint was saved" in stderr, (name, stderr)
        assert out.name in stderr, name
        assert untouched, name


# Was a bug: a resume cut the file to the number of lines the checkpoint counted, so a line
# duplicated, inserted or edited before the resume exited 0 with a record lost and one repeated.
@SMALL
async def test_resume_refuses_a_finished_file_edited_since(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """A finished export's file edited in any way in the part its checkpoint counts (each edit
    in EDITS, on its own copy): --resume refuses in one line on stderr (exit 1) and leaves the
    file and the checkpoint as they were."""
    out = tmp_path / "patients.jsonl"
    args = ["PATIENT", "--page-size", "50"]
    assert (await Child(welkin_emulator).run([*args, "--out", str(out)]))[0] == 0
    _assert_refused(await _refusals(welkin_emulator, out, args, tmp_path, list(EDITS)), out)


@SMALL
async def test_resume_refuses_a_killed_export_edited_since(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """An export SIGKILLed after its checkpoint counted 40 lines or more, then edited in its
    first two lines (four of EDITS, each on its own copy): --resume refuses (exit 1, one line)
    and leaves both files as they were; the unedited file resumes to every record once."""
    out = tmp_path / "patients.jsonl"
    checkpoint = out.with_name(out.name + ".checkpoint.json")
    child = Child(welkin_emulator)
    args = ["PATIENT", "--page-size", "20"]
    # At the 4th request, page 3 is in hand, so pages 1 and 2 are saved whatever the timing.
    assert (await child.run([*args, "--out", str(out)], stop_at=4))[0] == -signal.SIGKILL
    saved = _checkpoint(checkpoint)["PATIENT"]
    assert isinstance(saved, dict)
    assert int(saved["records"]) >= 40
    edits = ["line-duplicated", "line-inserted", "lines-swapped", "line-changed-same-length"]
    _assert_refused(await _refusals(welkin_emulator, out, args, tmp_path, edits), out)
    code, output = await child.run([*args, "--out", str(out), "--resume"])
    assert code == 0, output
    ids = [str(record["id"]) for record in _records(out)]
    assert sorted(ids) == sorted(acme_live(welkin_emulator).patients.ids())


@SMALL
async def test_resume_of_a_checkpoint_without_a_file_mark_counts_lines(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """A checkpoint saved before the file mark existed (no file_bytes/file_sha256) still
    resumes by its line count, cutting a torn tail, and the file ends with every record once."""
    out = tmp_path / "patients.jsonl"
    checkpoint = out.with_name(out.name + ".checkpoint.json")
    child = Child(welkin_emulator)
    args = ["PATIENT", "--out", str(out), "--page-size", "20"]
    assert (await child.run(args, stop_at=4))[0] == -signal.SIGKILL
    document = json.loads(checkpoint.read_text())
    del document["exports"]["PATIENT"]["file_bytes"]
    del document["exports"]["PATIENT"]["file_sha256"]
    checkpoint.write_text(json.dumps(document))
    with out.open("ab") as file:
        file.write(b'{"id": "torn')
    code, output = await child.run([*args, "--resume"])
    assert code == 0, output
    ids = [str(record["id"]) for record in _records(out)]
    assert sorted(ids) == sorted(acme_live(welkin_emulator).patients.ids())
    marked = _checkpoint(checkpoint)["PATIENT"]
    assert isinstance(marked, dict)
    assert marked["file_bytes"] == out.stat().st_size
