"""Starting the fleet tests' child processes (tests/fleet/_child_*.py) and reading what they
say: one JSON document a line on stdout.

Each child is ``python -m tests.fleet._child_NAME CONFIG`` run from the checkout (so it imports
this checkout's ``welkin_async``, installed or not), CONFIG a JSON file the test wrote in its
``tmp_path``: secrets go there, not on a command line other users can list.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

REPLY_SECONDS = 60.0  # a child that says nothing for this long is stuck: the test fails


async def spawn(module: str, config: dict[str, Any], path: Path) -> asyncio.subprocess.Process:
    """``python -m tests.fleet.MODULE PATH``, with ``config`` written to ``path``; its stdin and
    stdout are pipes."""
    path.write_text(json.dumps(config), encoding="utf-8")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"tests.fleet.{module}",
        str(path),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env=dict(os.environ),
    )


async def said(process: asyncio.subprocess.Process) -> dict[str, Any]:
    """The child's next line, as JSON; fails the test if it exits or is silent too long."""
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), REPLY_SECONDS)
    if not line:
        raise AssertionError(f"a child process exited with {await process.wait()}")
    document: dict[str, Any] = json.loads(line)
    return document


async def ask(process: asyncio.subprocess.Process, command: str) -> dict[str, Any]:
    """Send the child one command line and return its answer."""
    assert process.stdin is not None
    process.stdin.write(f"{command}\n".encode())
    await process.stdin.drain()
    return await said(process)


async def stop(process: asyncio.subprocess.Process) -> bytes:
    """Kill the child if it is still running and reap it, its pipes closed (for a ``finally``);
    returns what it wrote to stdout and was not read."""
    if process.returncode is None:
        process.kill()
    out, _ = await process.communicate(b"")  # b"": its stdin is closed too
    return out
