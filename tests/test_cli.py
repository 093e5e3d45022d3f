"""`welkin-async codegen`: a tenant file in, an importable, strictly typed module out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from welkin_async import structure, unstructure
from welkin_async.cli import main
from welkin_async.models import CdtRecord

ACME = Path(__file__).resolve().parent.parent / "schemas" / "tenants" / "acme" / "cdts.json"


def test_generated_module_has_a_class_per_cdt_with_name_and_version(acme: ModuleType) -> None:
    """Every CDT of the 32-CDT example tenant has a class carrying its wire name and version."""
    definitions = json.loads(ACME.read_text(encoding="utf-8"))
    assert len(definitions) >= 30
    assert acme.TENANT == "acme"
    assert set(acme.CDT_CLASSES) == {d["name"] for d in definitions}
    for d in definitions:
        cls = acme.CDT_CLASSES[d["name"]]
        assert (cls.__cdt_name__, cls.__cdt_version__) == (d["name"], d["version"])


def test_running_twice_is_byte_identical(acme_module_path: Path, tmp_path: Path) -> None:
    """The same command on the same definitions writes the same bytes."""
    args = ["codegen", "--tenant", "acme", "--definitions", str(ACME), "--out", str(tmp_path)]
    assert main(args) == 0
    assert (tmp_path / "acme.py").read_bytes() == acme_module_path.read_bytes()


def test_generated_module_passes_mypy_strict(acme_module_path: Path) -> None:
    """The generated tenant module type-checks under mypy --strict."""
    result = subprocess.run(  # noqa: S603 - the test's own interpreter running mypy
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(acme_module_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_hyphenated_wire_names_round_trip(acme: ModuleType) -> None:
    """A typed CDT record with hyphenated field names reads into attributes and writes back."""
    data = {
        "id": "3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9",
        "cdtName": "cdt-self-care",
        "version": 9,
        "jsonBody": {"cdtf-alone-time": "Sometimes", "cdtf-unwind": None, "cdtf-has-routine": True},
    }
    self_care: Any = acme.CdtSelfCare  # a module imported at run time: mypy cannot see it
    record: CdtRecord[Any] = structure(data, CdtRecord[self_care])
    assert record.json_body.cdtf_alone_time is acme.CdtSelfCareCdtfAloneTime.SOMETIMES
    assert record.json_body.cdtf_has_routine is True
    assert unstructure(record) == data


def test_header_names_the_command(acme_module_path: Path) -> None:
    """The module opens with a do-not-edit header naming the command that made it."""
    first, second = acme_module_path.read_text(encoding="utf-8").splitlines()[:2]
    assert f"welkin-async codegen --tenant acme --definitions {ACME}" in first
    assert "DO NOT EDIT" in second


def write_definitions(tmp_path: Path, definitions: Any) -> Path:
    path = tmp_path / "cdts.json"
    path.write_text(json.dumps(definitions), encoding="utf-8")
    return path


UNKNOWN_TYPE = [
    {"name": "consents", "version": 2, "fields": [{"name": "cdtf-sig", "type": "signature"}]}
]


def test_unknown_field_type_fails_naming_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown field type exits non-zero, writes nothing, and names tenant, CDT and field."""
    path = write_definitions(tmp_path, UNKNOWN_TYPE)
    out = tmp_path / "out"
    assert main(["codegen", "--tenant", "acme", "--definitions", str(path), "--out", str(out)]) == 1
    assert "tenant 'acme', CDT 'consents', field 'cdtf-sig'" in capsys.readouterr().err
    assert not out.exists()


def test_lenient_maps_unknown_types_to_any_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --lenient the module is written, the field typed Any, and a warning printed."""
    path = write_definitions(tmp_path, UNKNOWN_TYPE)
    args = [
        "codegen",
        "--tenant",
        "acme",
        "--definitions",
        str(path),
        "--out",
        str(tmp_path),
        "--lenient",
    ]
    assert main(args) == 0
    assert "warning: tenant 'acme', CDT 'consents', field 'cdtf-sig'" in capsys.readouterr().err
    assert "cdtf_sig: Any | UnsetType" in (tmp_path / "acme.py").read_text(encoding="utf-8")


def test_unreadable_definitions_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file or a file that is not JSON gives a one-line error, not a traceback."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    args = ["codegen", "--tenant", "acme", "--out", str(tmp_path), "--definitions"]
    assert main([*args, str(bad)]) == 1
    assert main([*args, str(tmp_path / "missing.json")]) == 1
    err = capsys.readouterr().err
    assert "not JSON (line 1, column 2)" in err
    assert "cannot read" in err


def test_console_script_is_installed() -> None:
    """`welkin-async` is on the PATH of the environment the package is installed in."""
    script = Path(sys.executable).parent / "welkin-async"
    command = [str(script), "codegen", "--help"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0
    assert "--definitions FILE" in result.stdout


def test_emulator_command_serves_until_interrupted() -> None:
    """`welkin-async emulator` prints its URL and credentials, serves, and stops on Ctrl-C."""
    import signal
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "welkin_async.cli", "emulator", "--port", "0", "--patients", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Welkin emulator serving at http://127.0.0.1:")
        url = first.split()[4]
        lines = [process.stdout.readline() for _ in range(10)]
        assert any("WELKIN_CLIENT_ID=" in line for line in lines)
        with urllib.request.urlopen(f"{url}/openapi.json") as response:  # noqa: S310 - loopback
            assert json.load(response)["openapi"] == "3.1.0"
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert "emulator stopped" in errors


def test_emulator_command_refuses_a_bad_fault_spec(capsys: pytest.CaptureFixture[str]) -> None:
    """A fault spec that does not parse exits 2 with the reason."""
    assert main(["emulator", "--faults", "teleport@0.5"]) == 2
    assert "unknown kind 'teleport'" in capsys.readouterr().err
