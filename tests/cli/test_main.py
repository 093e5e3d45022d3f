"""`welkin-async` as a whole: its version, help, and how any command fails (one line on stderr,
exit 2 for a command line it cannot take, 1 for a failed run, 130 for Ctrl-C, no traceback)."""

from __future__ import annotations

import argparse
import errno
import os
import re
import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from welkin_async.cli import _codegen, build_parser, main

COMMANDS = ["demo", "codegen", "emulator", "export"]
USAGE_ERROR = 2


def _usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run ``argv`` expecting argparse's exit 2; the stderr, checked to be the command's usage
    and then exactly one error line."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == USAGE_ERROR
    err = capsys.readouterr().err
    usage, _, error = err.rstrip("\n").rpartition("\n")
    assert usage.startswith(f"usage: welkin-async {argv[0]} ")
    assert error.startswith(f"welkin-async {argv[0]}: error: "), err
    return error


def test_version_names_the_installed_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    """`--version` prints `welkin-async <version>` from the installed metadata and exits 0."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"welkin-async {metadata.version('welkin-async')}\n"


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_plain_text(command: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    """Each help is plain text: no reStructuredText or Markdown markup, no terminal codes."""
    with pytest.raises(SystemExit):
        main([command, "--help"] if command else ["--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: welkin-async")
    for markup in ("``", ":class:", "\x1b["):
        assert markup not in text


def _shown_defaults(parser: argparse.ArgumentParser) -> list[tuple[str, object]]:
    """The options of ``parser`` whose default is worth showing: (option, default)."""
    return [
        (action.option_strings[0], action.default)
        for action in parser._actions  # argparse's own list; no public one exists
        if action.option_strings
        and action.default is not None
        and action.default is not False  # a flag's
        and action.default not in ([], argparse.SUPPRESS)
    ]


def _option_blocks(help_text: str) -> dict[str, str]:
    """Each option's entry in a help text (its lines joined), by its first option string."""
    blocks: dict[str, str] = {}
    current = None
    for line in help_text.splitlines():
        if re.match(r"  -", line):
            current = line.split()[0].rstrip(",")
            blocks[current] = ""
        elif not line.strip() or not line.startswith(" "):
            current = None
        if current is not None:
            blocks[current] = " ".join([blocks[current], *line.split()])
    return blocks


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_every_default(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every option with a default says it in its own help entry: `(default: 8080)`."""
    subcommands = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    defaults = _shown_defaults(subcommands.choices[command])
    assert defaults  # every command has some
    with pytest.raises(SystemExit):
        main([command, "--help"])
    blocks = _option_blocks(capsys.readouterr().out)
    for option, default in defaults:
        assert f"(default: {default})" in blocks[option], (option, blocks[option])


def test_a_mistyped_option_gets_the_commands_usage_and_names_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`export --sinse x` (also missing the required --out) is refused by the mistyped name,
    under export's usage, in one error line."""
    error = _usage_error(capsys, ["export", "--sinse", "x"])
    assert error == "welkin-async export: error: unrecognized arguments: --sinse"


def test_an_abbreviated_option_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """`--page` is not read as `--page-size`: a shortened flag is refused by name."""
    error = _usage_error(capsys, ["export", "PATIENT", "--out", "x.jsonl", "--page", "5"])
    assert error.endswith("unrecognized arguments: --page")


def test_an_extra_argument_gets_the_commands_usage(capsys: pytest.CaptureFixture[str]) -> None:
    """A second TYPE is refused under export's usage (not the top level's)."""
    error = _usage_error(capsys, ["export", "PATIENT", "OTHER", "--out", "x.jsonl"])
    assert error.endswith("unrecognized arguments: OTHER")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["export", "PATIENT", "--out", "x.jsonl", "--since", "yesterday"],
            "argument --since: not an ISO 8601 date-time with an offset",
        ),
        (
            ["export", "PATIENT", "--out", "x.jsonl", "--since", "2025-01-01T00:00:00"],
            "argument --since: needs a time zone",
        ),
        (["export", "PATIENT", "--out", "x.jsonl", "--page-size", "0"], "--page-size: must be"),
        (["export", "--out", "x.jsonl"], "argument TYPE: name an export type"),
        (["export", "PATIENT", "--out", ""], "argument --out: must name a file"),
        (["demo", "--patients", "-5"], "argument --patients: must be 0 or more"),
        (["demo", "--seed", "x"], "argument --seed: must be a whole number"),
        (["demo", "--token-ttl", "nan"], "argument --token-ttl: must be a finite number"),
        (["emulator", "--port", "70000"], "argument --port: must be a port number"),
        (["emulator", "--rate", "-1"], "argument --rate: must be above 0"),
        (
            ["emulator", "--faults", "teleport@0.5"],
            "argument --faults: fault 'teleport@0.5': unknown kind",
        ),
        (["demo", "--faults", "503@2"], "argument --faults: fault '503@2'"),
        (["emulator", "--tenant", "nope"], "argument --tenant: no tenant 'nope'"),
        (["emulator", "--role", "nope"], "argument --role: tenant 'acme' has no role 'nope'"),
        (["emulator", "--webhook", "ftp://x"], "argument --webhook: URL must be an http"),
    ],
)
def test_a_bad_value_is_refused_naming_the_option(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value a command cannot take: its usage and one line naming the option as typed, not
    the function that read it."""
    error = _usage_error(capsys, argv)
    assert expected in error
    assert "_since" not in error
    assert "invalid" not in error


def test_a_webhook_secret_in_the_wrong_form_is_refused_without_showing_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A --webhook SECRET not of the form whsec_<base64> is refused, and not echoed."""
    error = _usage_error(capsys, ["emulator", "--webhook", "http://127.0.0.1:9/h,hunter2-secret"])
    assert "SECRET must be of the form whsec_<base64>" in error
    assert "hunter2" not in error


def test_ctrl_c_exits_130_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A KeyboardInterrupt a command does not handle itself ends the run with 130 and no
    output at all."""

    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(_codegen, "run", interrupted)
    assert main(["codegen", "--tenant", "acme", "--definitions", "x.json", "--out", "o"]) == 130
    assert capsys.readouterr() == ("", "")


def test_an_os_error_no_command_expected_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An OSError a command lets through is one line with the file and what the OS said."""

    def refused(path: Path) -> object:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), "/srv/defs.json")

    monkeypatch.setattr(_codegen, "_read_file", refused)
    assert main(["codegen", "--tenant", "acme", "--definitions", "x.json", "--out", "o"]) == 1
    assert capsys.readouterr().err == (
        "welkin-async codegen: error: /srv/defs.json: Permission denied\n"
    )


@pytest.mark.parametrize("base_url", ["http://[::1", "ftp://example.com"])
def test_a_bad_base_url_is_one_line_naming_the_option(
    base_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in {"WELKIN_TENANT": "acme", "WELKIN_CLIENT_ID": "id"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WELKIN_CLIENT_SECRET", "not-shown")
    out = str(tmp_path / "x.jsonl")
    assert main(["export", "PATIENT", "--base-url", base_url, "--out", out]) == 1
    err = capsys.readouterr().err
    assert err.startswith("welkin-async export: error: --base-url: ")
    assert err.count("\n") == 1
    assert "not-shown" not in err


def test_a_busy_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`emulator --port` on a port already taken: exit 1 and one line naming the port."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["emulator", "--port", str(port), "--patients", "0"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"welkin-async emulator: error: --port {port}: cannot listen on 127.0.0.1 "
        "(Address already in use)\n"
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["codegen", "--tenant", "acme", "--definitions", "{definitions}", "--out", "{out}"],
         "--out {out}: cannot be written (Not a directory)"),
        (["export", "PATIENT", "--out", "{out}/x.jsonl"],
         "--checkpoint {out}/x.jsonl.checkpoint.json: no directory {out} to write it in"),
        (["export", "PATIENT", "--out", "{out}/x.jsonl", "--checkpoint", "{tmp}/c.json"],
         "--out {out}/x.jsonl: no directory {out} to write it in"),
    ],
)  # fmt: skip
def test_an_unwritable_out_is_one_line(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --out that cannot be written (under a regular file: refused even to root) fails in
    one line naming the option, before anything is fetched."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    out = blocker / "models"
    names = {"definitions": str(_definitions()), "out": str(out), "tmp": str(tmp_path)}
    assert main([word.format(**names) for word in argv]) == 1
    err = capsys.readouterr().err
    assert err == f"welkin-async {argv[0]}: error: {expected.format(**names)}\n"


def _definitions() -> Path:
    return Path(__file__).resolve().parents[2] / "schemas" / "tenants" / "acme" / "cdts.json"


# The first module each command imports from its extra, made unimportable in a fresh process.
MISSING = [
    (["codegen", "--tenant", "acme", "--definitions", "x.json", "--out", "o"],
     "datamodel_code_generator", "codegen"),
    (["codegen", "--tenant", "acme", "--definitions", "x.json", "--out", "o"], "ruff", "codegen"),
    (["demo", "--patients", "0"], "rich", "demo"),
    (["demo", "--patients", "0"], "jsonschema", "demo"),
    (["emulator", "--patients", "0", "--port", "0"], "jsonschema", "testing"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "module", "extra"), MISSING)
def test_a_missing_extra_names_it(argv: list[str], module: str, extra: str) -> None:
    """A command whose optional dependency is missing exits 1 with one line naming the extra
    to install, never a traceback."""
    child = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from welkin_async.cli import main\n"
        "raise SystemExit(main(sys.argv[1:]))\n"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", child, *argv], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        f"welkin-async {argv[0]}: error: {module} is not installed: install welkin-async[{extra}]\n"
    )
