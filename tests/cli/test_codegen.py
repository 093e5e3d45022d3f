"""`welkin-async codegen`: a tenant's definitions (a file, or the live formation through the API)
in, an importable, strictly typed module out."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import TENANTS
from welkin_async import structure, unstructure
from welkin_async._tenant_models import import_tenant_module
from welkin_async.cli import main
from welkin_async.models import CdtRecord
from welkin_async.testing import WelkinEmulator

ACME = TENANTS / "acme" / "cdts.json"


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
    """A missing file or a file that is not JSON gives a one-line error naming the option and
    the file, not a traceback."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    missing = tmp_path / "missing.json"
    args = ["codegen", "--tenant", "acme", "--out", str(tmp_path), "--definitions"]
    assert main([*args, str(bad)]) == 1
    assert main([*args, str(missing)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"welkin-async codegen: error: --definitions {bad}: not JSON (line 1, column 2)",
        f"welkin-async codegen: error: --definitions {missing}: cannot be read "
        "(No such file or directory)",
    ]


# --- from the API ---------------------------------------------------------------------------------


@pytest.fixture
def acme_env(welkin_emulator: WelkinEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """WELKIN_* variables for the test emulator's acme tenant, as a deployment would set them."""
    credentials = welkin_emulator.credentials()
    monkeypatch.setenv("WELKIN_TENANT", "acme")
    monkeypatch.setenv("WELKIN_CLIENT_ID", credentials.client_id)
    monkeypatch.setenv("WELKIN_CLIENT_SECRET", credentials.client_secret)
    monkeypatch.setenv("WELKIN_BASE_URL", welkin_emulator.url)
    monkeypatch.delenv("WELKIN_API_CLIENT", raising=False)


async def _codegen(*args: str) -> int:
    # The command runs its own event loop; the emulator serves from this one.
    return await asyncio.to_thread(main, ["codegen", "--tenant", "acme", *args])


@pytest.mark.usefixtures("acme_env")
async def test_from_api_writes_a_class_per_served_cdt(
    welkin_emulator: WelkinEmulator, tmp_path: Path
) -> None:
    """Every CDT the formation serves becomes a class with its name and version."""
    assert await _codegen("--from-api", "--out", str(tmp_path)) == 0
    module = import_tenant_module(tmp_path / "acme.py")
    served = {name: cdt["version"] for name, cdt in welkin_emulator.tenant().cdts.items()}
    generated = {name: cls.__cdt_version__ for name, cls in module.CDT_CLASSES.items()}
    assert generated == served


@pytest.mark.usefixtures("acme_env")
async def test_from_api_matches_generation_from_the_same_definitions_file(tmp_path: Path) -> None:
    """The API and the file the emulator serves give the same code, apart from the header."""
    from_api, from_file = tmp_path / "api", tmp_path / "file"
    assert await _codegen("--from-api", "--out", str(from_api)) == 0
    definitions = str(ACME)
    assert await _codegen("--definitions", definitions, "--out", str(from_file)) == 0
    api_lines = (from_api / "acme.py").read_text(encoding="utf-8").splitlines()
    file_lines = (from_file / "acme.py").read_text(encoding="utf-8").splitlines()
    assert api_lines[0].endswith("by: welkin-async codegen --tenant acme --from-api")
    assert api_lines[1:] == file_lines[1:]


@pytest.mark.usefixtures("acme_env")
async def test_an_unknown_formation_version_fails_without_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A formation version the tenant lacks is a one-line error naming the 404, and no file."""
    assert await _codegen("--from-api", "--formation", "999", "--out", str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "HTTP 404 FORMATION_NOT_FOUND" in err
    assert "formations/{version}/cdts" in err
    assert not list(tmp_path.iterdir())


async def test_from_api_without_credentials_says_what_to_set(
    welkin_emulator: WelkinEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No WELKIN_* credentials: exit 1 and a message naming the variables."""
    for name in ("WELKIN_CLIENT_ID", "WELKIN_CLIENT_SECRET", "WELKIN_API_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WELKIN_BASE_URL", welkin_emulator.url)
    assert await _codegen("--from-api", "--out", str(tmp_path)) == 1
    assert "WELKIN_CLIENT_ID" in capsys.readouterr().err


async def test_a_wrong_secret_is_an_authentication_error_without_the_secret(
    welkin_emulator: WelkinEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A refused secret fails in one line that names the refusal and never shows the secret."""
    monkeypatch.setenv("WELKIN_BASE_URL", welkin_emulator.url)
    monkeypatch.setenv("WELKIN_CLIENT_ID", welkin_emulator.credentials().client_id)
    monkeypatch.setenv("WELKIN_CLIENT_SECRET", "not-the-secret-123")
    monkeypatch.delenv("WELKIN_API_CLIENT", raising=False)
    assert await _codegen("--from-api", "--out", str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "invalid_client" in err
    assert "not-the-secret-123" not in err


def test_definitions_and_from_api_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    """Giving both sources is a usage error."""
    with pytest.raises(SystemExit) as exit_info:
        main(["codegen", "--tenant", "acme", "--from-api", "--definitions", "x", "--out", "."])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
