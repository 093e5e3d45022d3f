"""The live-API recordings the conformance suite replays, read from beside the clone.

The recordings are never copied into the project: they are read at test time from
``../shared/reference/recorded`` (relative to the repository root) or from the folder named by
``WELKIN_RECORDINGS``. Without them every conformance test is skipped with one reason.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, NoReturn

import attrs
import pytest

ENV_VAR = "WELKIN_RECORDINGS"
DEFAULT_FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "recorded"

Scope = Literal["environment", "admin"]

# "/{tenant}/{instance}/<rest>" (an environment's API) or "/{tenant}/admin/<rest>" (the tenant's).
_PREFIX = re.compile(r"/\{tenant\}/(?P<scope>admin|\{instance\})/(?P<rest>.*)\Z", re.DOTALL)
_TOKEN_EXCHANGE = re.compile(r"api_clients/[^/]+\Z")


def recordings_folder() -> Path:
    """Where the recordings are looked for: ``$WELKIN_RECORDINGS``, else beside the clone."""
    configured = os.environ.get(ENV_VAR)
    return Path(configured) if configured else DEFAULT_FOLDER


def recordings_present() -> bool:
    """Whether the recordings folder exists."""
    return recordings_folder().is_dir()


def skip_reason() -> str:
    """The one line every conformance test is skipped with when the recordings are absent."""
    if os.environ.get(ENV_VAR):
        return f"conformance: {recordings_folder()} (${ENV_VAR}) not found; skipped"
    return (
        "conformance: ../shared/reference/recorded not found "
        "(the live-API recordings live beside the clone); skipped"
    )


def skip_conformance() -> NoReturn:
    """Skip the calling test module (at import) with the one shared reason.

    Every module skips from this one line, so ``-ra`` shows a single grouped entry.
    """
    pytest.skip(skip_reason(), allow_module_level=True)


def require_recordings() -> list[Recording]:
    """Every recording, sorted by file name; skips the calling module when they are absent."""
    if not recordings_present():
        skip_conformance()
    return load_recordings(recordings_folder())


@attrs.frozen
class Recording:
    """One recorded exchange with the live API.

    ``path`` is as recorded (``/{tenant}/{instance}/patients/<id>``); ``scope`` says which prefix
    it has (``environment`` or ``admin``) and ``relative`` is the path after it, with any
    trailing slash the recording has.
    """

    file: str
    name: str
    method: str
    path: str
    scope: Scope
    relative: str
    query: Mapping[str, str]
    request_body: Any
    status: int
    response_headers: Mapping[str, list[str]]
    response_body: Any

    def header(self, name: str) -> str | None:
        """The first value of a recorded response header (case-insensitive), if there is one."""
        for key, values in self.response_headers.items():
            if key.lower() == name.lower() and values:
                return values[0]
        return None

    @property
    def is_token_exchange(self) -> bool:
        """Whether this is the live layout's secret exchange (``POST admin/api_clients/...``)."""
        return (
            self.method == "POST"
            and self.scope == "admin"
            and _TOKEN_EXCHANGE.match(self.relative) is not None
        )

    @property
    def error(self) -> Mapping[str, Any] | None:
        """The recorded error item (the first of a live error array), for an error status."""
        if self.status < 400:
            return None
        body = self.response_body
        if isinstance(body, list) and body and isinstance(body[0], dict):
            body = body[0]
        return body if isinstance(body, dict) else None


def split_path(path: str) -> tuple[Scope, str]:
    """``(scope, relative path)`` of a recorded path; ``ValueError`` for another prefix."""
    found = _PREFIX.match(path)
    if found is None:
        raise ValueError(
            f"recorded path {path!r} starts with neither /{{tenant}}/{{instance}}/ "
            "nor /{tenant}/admin/"
        )
    scope: Scope = "admin" if found["scope"] == "admin" else "environment"
    return scope, found["rest"]


def read_recording(file: Path) -> Recording:
    """One recording file, checked for the fields the suite relies on."""
    document = json.loads(file.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{file.name}: a recording is a JSON object")
    missing = {"name", "method", "path", "status"} - set(document)
    if missing:
        raise ValueError(f"{file.name}: a recording needs {sorted(missing)}")
    scope, relative = split_path(str(document["path"]))
    query = document.get("query") or {}
    headers = document.get("response_headers") or {}
    return Recording(
        file=file.name,
        name=str(document["name"]),
        method=str(document["method"]).upper(),
        path=str(document["path"]),
        scope=scope,
        relative=relative,
        query={str(key): str(value) for key, value in query.items()},
        request_body=document.get("request_body"),
        status=int(document["status"]),
        response_headers={
            str(key): [str(v) for v in (value if isinstance(value, list) else [value])]
            for key, value in headers.items()
        },
        response_body=document.get("response_body"),
    )


def synthetic(
    method: str,
    path: str,
    *,
    query: Mapping[str, str] | None = None,
    body: Any = None,
    status: int = 200,
    response: Any = None,
    name: str = "synthetic",
) -> Recording:
    """A recording made up in a test, shaped as the recorded ones are (for the suite's own
    tests; never a stand-in for a real recording)."""
    scope, relative = split_path(path)
    return Recording(
        file=f"{name}.json",
        name=name,
        method=method.upper(),
        path=path,
        scope=scope,
        relative=relative,
        query=dict(query or {}),
        request_body=body,
        status=status,
        response_headers={"Content-Type": ["application/json"]},
        response_body=response,
    )


def load_recordings(folder: Path) -> list[Recording]:
    """Every ``*.json`` recording in ``folder``, sorted by file name."""
    return [read_recording(file) for file in sorted(folder.glob("*.json"), key=lambda f: f.name)]
