"""Writing generated modules to disk, and comparing them with what is there."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from welkin_codegen._render import Modules


def write_modules(modules: Modules, out_dir: Path) -> None:
    """Write ``modules`` under ``out_dir`` and remove generated files it no longer has.

    Each file is written to a temporary name and renamed, so a reader never sees half a module.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = {out_dir.joinpath(*parts) for parts in modules}
    for stale in set(out_dir.rglob("*.py")) - wanted:
        stale.unlink()
    for parts, code in modules.items():
        write_atomic(out_dir.joinpath(*parts), code)


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def differences(modules: Modules, out_dir: Path) -> list[str]:
    """Files that are missing, stale or different under ``out_dir``, as readable lines."""
    problems = []
    expected = {out_dir.joinpath(*parts): code for parts, code in modules.items()}
    for path, code in sorted(expected.items()):
        if not path.exists():
            problems.append(f"missing: {path}")
        elif path.read_text(encoding="utf-8") != code:
            problems.append(f"differs: {path}")
    problems.extend(
        f"not generated: {p}" for p in sorted(set(out_dir.rglob("*.py")) - set(expected))
    )
    return problems
