"""Typed writes under the type checkers themselves: a misspelt create or update field is an
error at its line under ``mypy --strict`` and pyright's strict mode, and the correct calls of
tests/typing/usage_writes.py are not."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

USAGE = Path(__file__).with_name("usage_writes.py")
# Checked by pyright as well: the options, views, raw responses and the portable Result forms.
USAGE_OPTIONS = Path(__file__).with_name("usage_options.py")
MISSPELT = """\
from __future__ import annotations

from uuid import UUID

from welkin_async import WelkinClient


async def use(client: WelkinClient, pid: UUID, eid: str) -> None:
    await client.patients.create(frist_name="Ada")  # misspelt
    await client.patients.update(pid, cty="Salem")  # misspelt
    await client.users.create(username="jdoe", emial="j@example.org")  # misspelt
    await client.users.update("jdoe", last_nmae=None)  # misspelt
    await client.calendar.events.update(eid, event_titel="Intake")  # misspelt
    await client.encounters(pid).create(template="intake")  # misspelt
    await client.encounters(pid).update(eid, stauts="COMPLETED")  # misspelt
    await client.encounters(pid).assessments(eid).update(eid, record_id=None)  # misspelt
    await client.assessment_records(pid).create(assessment="phq9")  # misspelt
    await client.patients.create(first_name="Ada", time_out=5)  # misspelt
    await client.patients.update(pid, city=3)  # wrong value type
    await client.users.create(username="jdoe")  # a required field missing
    await client.patients.create(first_name="Ada", last_name="Lovelace", timeout=5)
"""
EXPECTED = {
    number
    for number, line in enumerate(MISSPELT.splitlines(), start=1)
    if "# misspelt" in line or "# wrong" in line or "# a required" in line
}


@pytest.fixture(scope="module")
def snippets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the correct usage file (``good.py``) and the misspelt one (``bad.py``)."""
    folder = tmp_path_factory.mktemp("typed_writes")
    shutil.copyfile(USAGE, folder / "good.py")
    shutil.copyfile(USAGE_OPTIONS, folder / "good_options.py")
    (folder / "bad.py").write_text(MISSPELT, encoding="utf-8")
    return folder


def _checker_env() -> dict[str, str]:
    """The environment with the importable checkout first, as the tests see the package."""
    root = str(Path(__file__).resolve().parents[2])
    paths = [root, *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def test_mypy_strict_flags_each_misspelt_field_and_nothing_else(snippets: Path) -> None:
    """mypy --strict reports an error on every misspelt line of bad.py and none in good.py."""
    result = subprocess.run(  # noqa: S603 - this interpreter's mypy, fixed arguments
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(snippets / ".mypy_cache"),
            "good.py",
            "bad.py",
        ],
        cwd=snippets,
        env=_checker_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    errors = re.findall(r"^(\w+)\.py:(\d+): error:", result.stdout, flags=re.MULTILINE)
    assert {file for file, _ in errors} == {"bad"}, result.stdout
    assert {int(line) for _, line in errors} == EXPECTED, result.stdout


def test_pyright_strict_flags_each_misspelt_field_and_nothing_else(snippets: Path) -> None:
    """pyright in strict mode reports an error on every misspelt line of bad.py and none in
    good.py."""
    config = {"typeCheckingMode": "strict", "pythonVersion": "3.11"}
    (snippets / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pyright",
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "good.py",
            "good_options.py",
            "bad.py",
        ],
        cwd=snippets,
        env=_checker_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    assert {Path(d["file"]).name for d in errors} == {"bad.py"}, errors
    assert {d["range"]["start"]["line"] + 1 for d in errors} == EXPECTED, errors
