"""A mkdocs hook: every public module of welkin_async has a reference page, or the build warns.

A public module is a direct child of the package whose name has no leading underscore
(``welkin_async.errors``, ``welkin_async.webhooks``, ...). A page covers it with a
``::: welkin_async.<name>`` block; the command line is covered by the page that shows its
``--help``. Under ``--strict`` a new public module without a page fails the build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page

PACKAGE = "welkin_async"
IDENTIFIER = re.compile(rf"(?m)^::: {PACKAGE}\.(?P<module>\w+)")
CLI_HELP = re.compile(r"(?m)^<!-- welkin-async (?:[a-z-]+ )*--help -->$")

log = get_plugin_logger(__name__)
covered: set[str] = set()


def on_pre_build(config: MkDocsConfig, **kwargs: Any) -> None:
    covered.clear()  # `mkdocs serve` builds again in the same process


def on_page_markdown(markdown: str, page: Page, **kwargs: Any) -> str:
    covered.update(match["module"] for match in IDENTIFIER.finditer(markdown))
    if CLI_HELP.search(markdown):
        covered.add("cli")
    return markdown


def on_post_build(config: MkDocsConfig, **kwargs: Any) -> None:
    root = Path(config.config_file_path).parent / PACKAGE
    public = {
        path.stem
        for path in root.iterdir()
        if not path.name.startswith("_")
        and (path.suffix == ".py" or (path / "__init__.py").is_file())
    }
    for module in sorted(public - covered):
        log.warning("%s.%s is public but no page documents it (docs/api/)", PACKAGE, module)
