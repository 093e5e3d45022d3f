"""`welkin-async export` when the disk, the checkpoint or the code itself turns hostile: a full
disk or a refused write of the JSONL file or of the checkpoint, a checkpoint nested too deeply
to parse, an exception no one expected. Every failure is exactly one line on stderr and exit 1,
never a traceback, and never a value; a failed write leaves a file that the next --resume
finishes with every record once.

The command runs as a real subprocess against the test's emulator. Faults are set up in the
child before the command starts, by replacing an ``os`` function with one that fails (with an
OSError of the given errno) for one kind of file only, after letting a number of calls through.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import acme_live
from welkin_async._checkpoint import FORMAT
from welkin_async.testing import WelkinEmulator

CANARY = "Zelda-7731-canary"  # a value that must never reach the output
EMULATOR = pytest.mark.welkin_emulator(patients=120, tenants=["acme"])
ROOT = Path(__file__).resolve().parent.parent.parent

CHILD = """
import sys
exec(sys.argv[1])  # the fault, set up before the command runs
from welkin_async.cli import main
raise SystemExit(main(["export", *sys.argv[2:]]))
"""


def fault(call: str, suffix: str, *, after: int = 0, code: int = errno.ENOSPC) -> str:
    """Python that makes ``os.<call>`` fail with ``code`` on files whose path ends with
    ``suffix`` (given as a path or an open descriptor), after ``after`` such calls succeed. A
    failing ``os.write`` first writes half its data, as a disk that fills mid-write does."""
    return f"""
import os
_real = os.{call}
_calls = [0]
def _named(target):
    if isinstance(target, int):
        try:
            target = os.readlink(f"/proc/self/fd/{{target}}")
        except OSError:
            return False
    return isinstance(target, (str, os.PathLike)) and os.fspath(target).endswith({suffix!r})
def _faulty(*args, **kwargs):
    named = _named(args[0]) or (
        len(args) > 1 and isinstance(args[1], (str, os.PathLike)) and _named(args[1])
    )
    if named:
        _calls[0] += 1
        if _calls[0] > {after}:
            if {call!r} == "write" and _calls[0] == {after} + 1 and len(args[1]) > 1:
                return _real(args[0], args[1][: len(args[1]) // 2])
            raise OSError({code}, os.strerror({code}))
    return _real(*args, **kwargs)
os.{call} = _faulty
"""


def _environment(emulator: WelkinEmulator) -> dict[str, str]:
    credentials = emulator.credentials("acme")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("WELKIN_")}
    return {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "WELKIN_BASE_URL": emulator.url,
        "WELKIN_TENANT": "acme",
        "WELKIN_ENVIRONMENT": "live",
        "WELKIN_CLIENT_ID": credentials.client_id,
        "WELKIN_CLIENT_SECRET": credentials.client_secret,
    }


async def export(
    emulator: WelkinEmulator, args: list[str], prelude: str = ""
) -> tuple[int, str, str]:
    """Run ``welkin-async export ARGS`` after ``prelude``: exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        prelude,
        *args,
        env=_environment(emulator),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def assert_one_line(code: int, stdout: str, stderr: str, *expected: str) -> None:
    """Exit 1, and stderr exactly one ``error:`` line holding ``expected`` and no value."""
    assert code == 1, stderr
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("welkin-async export: error: "), stderr
    assert "Traceback" not in stderr
    for text in expected:
        assert text in stderr, (text, stderr)
    assert CANARY not in stderr + stdout


def patient_ids(path: Path) -> list[str]:
    with path.open("rb") as file:
        return sorted(str(json.loads(line)["id"]) for line in file)


def all_patients(emulator: WelkinEmulator) -> list[str]:
    return sorted(acme_live(emulator).patients.ids())


# --- the JSONL file ------------------------------------------------------------------------------

FULL = os.strerror(errno.ENOSPC)


# Was a bug: an OSError appending or fsyncing the JSONL file escaped with a traceback.
@EMULATOR
@pytest.mark.parametrize(
    ("call", "code"),
    [
        ("write", errno.ENOSPC),
        ("fsync", errno.ENOSPC),
        ("fsync", errno.EIO),
        ("open", errno.EACCES),
        ("write", errno.EDQUOT),
    ],
    ids=["write-ENOSPC", "fsync-ENOSPC", "fsync-EIO", "open-EACCES", "write-EDQUOT"],
)
async def test_a_failed_write_of_the_export_is_one_line_and_resumes(
    welkin_emulator: WelkinEmulator, tmp_path: Path, call: str, code: int
) -> None:
    """The JSONL file failing on its third page (a disk that fills mid-write, an I/O error, a
    refused open): one line naming the file and what the OS said, exit 1; the next --resume cuts
    what the failed write left and ends with every record once."""
    out = tmp_path / "patients.jsonl"
    args = ["PATIENT", "--out", str(out), "--page-size", "20"]
    result = await export(welkin_emulator, args, fault(call, ".jsonl", after=2, code=code))
    assert_one_line(*result, out.name, os.strerror(code))
    code_after, _, stderr = await export(welkin_emulator, [*args, "--resume"])
    assert code_after == 0, stderr
    assert patient_ids(out) == all_patients(welkin_emulator)


@EMULATOR
async def test_a_failed_cut_on_resume_is_one_line(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """A resume that cannot cut the torn tail (ftruncate fails) stops in one line, exit 1."""
    out = tmp_path / "patients.jsonl"
    args = ["PATIENT", "--out", str(out), "--page-size", "20"]
    assert (await export(welkin_emulator, args, fault("fsync", ".jsonl", after=2)))[0] == 1
    with out.open("ab") as file:
        file.write(b'{"id": "torn')
    result = await export(welkin_emulator, [*args, "--resume"], fault("ftruncate", ".jsonl"))
    assert_one_line(*result, out.name, FULL)


@EMULATOR
async def test_several_types_failing_at_once_are_still_one_line(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """Three types whose files all fail on their first page: still exactly one line, exit 1."""
    out = tmp_path / "acme.jsonl"
    args = ["PATIENT", "--types", "CDT_RECORD,ENCOUNTER", "--out", str(out)]
    result = await export(welkin_emulator, args, fault("fsync", ".jsonl"))
    assert_one_line(*result, FULL)


# --- the checkpoint ------------------------------------------------------------------------------


# Was a bug: an OSError saving the checkpoint escaped from the export with a traceback.
@EMULATOR
@pytest.mark.parametrize(
    ("call", "suffix", "code"),
    [
        ("replace", "checkpoint.json", errno.ENOSPC),
        ("fsync", ".tmp", errno.ENOSPC),
        ("write", ".tmp", errno.EDQUOT),
        ("replace", "checkpoint.json", errno.EROFS),
    ],
    ids=["replace-ENOSPC", "fsync-ENOSPC", "write-EDQUOT", "replace-EROFS"],
)
async def test_a_failed_checkpoint_save_is_one_line_and_resumes(
    welkin_emulator: WelkinEmulator, tmp_path: Path, call: str, suffix: str, code: int
) -> None:
    """The checkpoint failing on its third save: one line naming it and what the OS said, exit
    1; it still holds the second save, and the next --resume ends with every record once."""
    out = tmp_path / "patients.jsonl"
    checkpoint = out.with_name(out.name + ".checkpoint.json")
    args = ["PATIENT", "--out", str(out), "--page-size", "20"]
    result = await export(welkin_emulator, args, fault(call, suffix, after=2, code=code))
    assert_one_line(*result, checkpoint.name, os.strerror(code))
    saved = json.loads(checkpoint.read_text())["exports"]["PATIENT"]
    assert saved["pages"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name, checkpoint.name]
    code_after, _, stderr = await export(welkin_emulator, [*args, "--resume"])
    assert code_after == 0, stderr
    assert patient_ids(out) == all_patients(welkin_emulator)


# Was a bug: json.loads raised RecursionError, which escaped with a traceback.
@EMULATOR
@pytest.mark.parametrize("opener", ["[", '{"a":'])
async def test_a_deeply_nested_checkpoint_is_one_line_and_touches_nothing(
    welkin_emulator: WelkinEmulator, tmp_path: Path, opener: str
) -> None:
    """--resume with a checkpoint nested deeper than any parser goes: one line naming the
    checkpoint, exit 1, and both files as they were."""
    out = tmp_path / "patients.jsonl"
    checkpoint = out.with_name(out.name + ".checkpoint.json")
    out.write_bytes(b'{"id": "p"}\n')
    checkpoint.write_text(opener * 200_000)
    result = await export(welkin_emulator, ["PATIENT", "--out", str(out), "--resume"])
    assert_one_line(*result, checkpoint.name, "nested")
    assert out.read_bytes() == b'{"id": "p"}\n'
    assert checkpoint.read_text() == opener * 200_000


@EMULATOR
async def test_a_checkpoint_that_is_a_directory_is_one_line(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """A --checkpoint that is a directory: one line naming it, exit 1."""
    out = tmp_path / "patients.jsonl"
    checkpoint = tmp_path / "state"
    checkpoint.mkdir()
    args = ["PATIENT", "--out", str(out), "--checkpoint", str(checkpoint), "--resume"]
    result = await export(welkin_emulator, args)
    assert_one_line(*result, "state", os.strerror(errno.EISDIR))


@EMULATOR
async def test_a_file_mark_of_the_wrong_shape_is_one_line(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """A checkpoint whose file mark is not a SHA-256: one line naming the field, exit 1."""
    out = tmp_path / "patients.jsonl"
    checkpoint = out.with_name(out.name + ".checkpoint.json")
    out.write_bytes(b'{"id": "p"}\n')
    position = {"export_type": "PATIENT", "records": 1, "file_bytes": 12, "file_sha256": CANARY}
    checkpoint.write_text(json.dumps({"format": FORMAT, "exports": {"PATIENT": position}}))
    result = await export(welkin_emulator, ["PATIENT", "--out", str(out), "--resume"])
    assert_one_line(*result, "file_sha256")
    assert out.read_bytes() == b'{"id": "p"}\n'


# --- whatever else fails -------------------------------------------------------------------------

UNEXPECTED = [
    pytest.param("RuntimeError", f"RuntimeError({CANARY!r})", id="RuntimeError"),
    pytest.param("ValueError", f"ValueError({CANARY!r})", id="ValueError"),
    pytest.param("KeyError", f"KeyError({CANARY!r})", id="KeyError"),
    pytest.param("OSError (EIO)", f"OSError(5, {CANARY!r}, {CANARY!r})", id="OSError"),
    pytest.param("MemoryError", f"MemoryError({CANARY!r})", id="MemoryError"),
]


# Was a bug: any exception that is not a WelkinError escaped with a traceback quoting it.
@EMULATOR
@pytest.mark.parametrize(("shown", "raised"), UNEXPECTED)
async def test_an_unexpected_exception_is_one_line_with_its_type_only(
    welkin_emulator: WelkinEmulator, tmp_path: Path, shown: str, raised: str
) -> None:
    """An exception no one expected while the records are written (here from the JSON
    encoder): one line with its type only, never its text, exit 1."""
    out = tmp_path / "patients.jsonl"
    prelude = f"""
import welkin_async._json
def _broken(value):
    raise {raised}
welkin_async._json.dumps = _broken
"""
    result = await export(welkin_emulator, ["PATIENT", "--out", str(out)], prelude)
    assert_one_line(*result, f"unexpected {shown}")


@EMULATOR
async def test_an_unexpected_exception_before_the_export_is_one_line(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """An exception while checking the files before anything starts: one line, exit 1."""
    out = tmp_path / "patients.jsonl"
    prelude = f"""
import welkin_async.cli._export as _export
def _broken(*args):
    raise PermissionError(13, {CANARY!r}, {CANARY!r})
_export._check_start = _broken
"""
    result = await export(welkin_emulator, ["PATIENT", "--out", str(out)], prelude)
    assert_one_line(*result, "unexpected PermissionError (EACCES)")


@EMULATOR
async def test_a_checkpoint_whose_count_disagrees_with_its_mark_is_one_line(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """A checkpoint whose record count was edited (its file mark still matching the file): one
    line, exit 1, and the file as it was rather than cut to a count nothing agrees with."""
    out = tmp_path / "patients.jsonl"
    checkpoint = out.with_name(out.name + ".checkpoint.json")
    args = ["PATIENT", "--out", str(out), "--page-size", "20"]
    assert (await export(welkin_emulator, args, fault("fsync", ".jsonl", after=2)))[0] == 1
    document = json.loads(checkpoint.read_text())
    document["exports"]["PATIENT"]["records"] += 1
    checkpoint.write_text(json.dumps(document))
    before = out.read_bytes()
    result = await export(welkin_emulator, [*args, "--resume"])
    assert_one_line(*result, "counts 41 records")
    assert out.read_bytes() == before
