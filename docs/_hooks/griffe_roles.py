"""A griffe extension: the code's reST-flavoured docstrings, read as Markdown by mkdocstrings.

The docstrings use Sphinx roles (``:class:`~welkin_async.Limits```) and ``::`` before literal
blocks. Left alone, Markdown shows the role names as text. This turns each role into a link:

- a public, fully qualified target (``welkin_async.errors.NotFound``) becomes a required
  cross-reference, so a reference to a name that is gone fails the strict build;
- any other target is resolved in the docstring's own scope and becomes an optional one (a
  link when the target is documented, plain code when it is private);

and a paragraph's closing ``::`` becomes ``:`` (the indented block after it is already Markdown
code).
"""

from __future__ import annotations

import html
import re
from typing import Any

from griffe import Extension, Module, NameResolutionError, Object

ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod|obj):`(?P<tilde>~?)(?P<target>[^`]+)`")
LITERAL_MARKER = re.compile(r"(?m)^(?P<text>.*)::$")
PACKAGE = "welkin_async"


class SphinxRoles(Extension):
    """Rewrite every docstring of the package once it is fully loaded (names resolve then)."""

    def on_package(self, *, pkg: Module, **kwargs: Any) -> None:
        for obj in _walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = _markdown(obj.docstring.value, obj)


def _walk(obj: Object) -> list[Object]:
    found = [obj]
    for member in obj.members.values():
        if isinstance(member, Object):  # not an Alias: those are rewritten where they point
            found.extend(_walk(member))
    return found


def _markdown(text: str, obj: Object) -> str:
    text = ROLE.sub(lambda match: _reference(match, obj), text)
    return LITERAL_MARKER.sub(_literal_marker, text)


def _literal_marker(match: re.Match[str]) -> str:
    text = match["text"]
    if not text.strip():
        return text  # a ``::`` alone on its line only announces the block
    return f"{text.rstrip()}:"


def _reference(match: re.Match[str], obj: Object) -> str:
    target = match["target"].lstrip(".")
    shown = target.rsplit(".", 1)[-1] if match["tilde"] else target
    if target.split(".")[0] == PACKAGE:
        if not any(part.startswith("_") for part in target.split(".")):
            return f"[`{shown}`][{target}]"
        path = target
    else:
        head, _, rest = target.partition(".")
        try:
            path = obj.resolve(head) + (f".{rest}" if rest else "")
        except NameResolutionError:
            return f"`{shown}`"
    return (
        f'<autoref identifier="{html.escape(path)}" optional>'
        f"<code>{html.escape(shown)}</code></autoref>"
    )
