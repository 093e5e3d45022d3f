"""`welkin-async` as installed, and `welkin-async emulator`: serve until interrupted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from welkin_async.cli import main


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
