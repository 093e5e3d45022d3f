"""WELKIN_LOG turns the SDK's log lines on from the environment, in a fresh interpreter each time
(the variable is read once, as welkin_async is imported)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

# One request against an emulator, in a fresh process; prints the patient id and the client's
# secret on stdout, for the leak checks, then the SDK logger's level. After importing
# welkin_async, the app configures logging of its own with the argument "root-handler"
# (basicConfig) or "sdk-handler" (a handler on the welkin_async logger), each with its own
# format.
SCRIPT = """
import asyncio, logging, sys
from welkin_async import WelkinClient
from welkin_async.testing import WelkinEmulator

APP_FORMAT = "app: %(name)s: %(message)s"
if sys.argv[1:] == ["root-handler"]:
    logging.basicConfig(level=logging.WARNING, format=APP_FORMAT)
if sys.argv[1:] == ["sdk-handler"]:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(APP_FORMAT))
    logging.getLogger("welkin_async").addHandler(handler)

async def main():
    async with WelkinEmulator(patients=1, seed=0) as emulator:
        patient_id = emulator.tenant("acme").environments["live"].patients.ids()[0]
        credentials = emulator.credentials(tenant="acme", role="admin")
        async with WelkinClient(tenant="acme", environment="live", credentials=credentials,
                                base_url=emulator.url) as client:
            await client.patients.get(patient_id)
        print(patient_id)
        print(credentials.client_secret)
        print(logging.getLevelName(logging.getLogger("welkin_async").level))

asyncio.run(main())
"""
REQUEST_LINE = re.compile(
    r"DEBUG welkin_async: GET patients/\{patient_id\} -> 200 \(attempt 1, [\d.]+ ms\)$", re.M
)
JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}")


def run(welkin_log: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "WELKIN_LOG"}
    if welkin_log is not None:
        env["WELKIN_LOG"] = welkin_log
    finished = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", SCRIPT, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return finished


@pytest.fixture(scope="module")
def debug_run() -> subprocess.CompletedProcess[str]:
    return run("debug")


def test_debug_prints_each_request_on_stderr(
    debug_run: subprocess.CompletedProcess[str],
) -> None:
    """WELKIN_LOG=debug prints the client's per-request DEBUG line, with its path template."""
    assert len(REQUEST_LINE.findall(debug_run.stderr)) == 1


def test_debug_lines_carry_no_ids_or_secrets(debug_run: subprocess.CompletedProcess[str]) -> None:
    """The lines WELKIN_LOG=debug prints name no patient id, client secret or bearer token."""
    patient_id, secret, _ = debug_run.stdout.split()
    assert debug_run.stderr
    assert patient_id not in debug_run.stderr
    assert secret not in debug_run.stderr
    assert not JWT.search(debug_run.stderr)


def test_without_the_variable_nothing_is_printed() -> None:
    """Unset, the library configures no logging: the same run prints nothing on stderr, and
    the SDK's logger keeps no level of its own."""
    finished = run(None)
    assert finished.stderr == ""
    assert finished.stdout.split()[-1] == "NOTSET"


def test_info_leaves_the_debug_lines_out() -> None:
    """WELKIN_LOG=info sets that level: a run with nothing to report prints nothing."""
    finished = run("info")
    assert finished.stderr == ""
    assert finished.stdout.split()[-1] == "INFO"


def test_an_unknown_value_is_reported_once_and_ignored() -> None:
    """An unknown WELKIN_LOG is one warning line on stderr; the run goes on without logging."""
    lines = run("Loud").stderr.splitlines()
    assert lines == ["WELKIN_LOG='loud' is not one of debug, info, warning, error; ignored"]


@pytest.mark.parametrize("where", ["root-handler", "sdk-handler"])
def test_an_app_that_configures_logging_gets_each_line_once(where: str) -> None:
    """Once the app has a handler (on the root or the SDK's logger), the lines go through it
    alone, never printed twice."""
    stderr = run("debug", where).stderr
    lines = [line for line in stderr.splitlines() if "GET patients/{patient_id} -> 200" in line]
    assert len(lines) == 1
    assert lines[0].startswith("app: welkin_async: ")
