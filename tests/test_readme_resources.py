"""The README's table of resource families is true: every method it names exists on the object
its accessor returns, and every family of the vendor's API reference has a row (served, or left
out with the reason)."""

from __future__ import annotations

import re

import attrs
import pytest

from tests.conftest import ROOT
from welkin_async import ClientCredentials, WelkinClient

VENDOR_API = ROOT.parent / "shared" / "reference" / "vendor-api"
# The vendor folder's own index pages, not families.
_NOT_FAMILIES = {"README.md", "index.md"}
_CALLED = re.compile(r"`(?:\w+\.)*([a-z_]\w*)\(")
_ACCESSOR = re.compile(r"`(client(?:\.\w+|\([^`)]*\))*)`")
_STEP = re.compile(r"\.(\w+)|\(([^)]*)\)")
_CELL = re.compile(r"(?<!\\)\|")  # a `\|` inside a cell is an escaped pipe
_LEFT_OUT = "left out:"


@attrs.frozen
class Row:
    family: str
    vendor_files: tuple[str, ...]
    accessors: tuple[str, ...]
    methods: str


def _rows() -> list[Row]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Resources", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header, rule, *body = lines
    assert [cell.strip() for cell in header.strip("|").split("|")] == [
        "family",
        "vendor reference",
        "accessor",
        "methods",
    ]
    assert set(rule) <= {"|", "-"}
    rows: list[Row] = []
    for line in body:
        family, files, accessor, methods = (
            cell.strip() for cell in _CELL.split(line.strip().removeprefix("|").removesuffix("|"))
        )
        accessors = tuple(_ACCESSOR.findall(accessor))
        if not family:  # a continuation row: the family above, another accessor
            family = rows[-1].family
            accessors = accessors or rows[-1].accessors
        rows.append(Row(family, tuple(re.findall(r"`([\w.]+\.md)`", files)), accessors, methods))
    return rows


def _resolve(client: WelkinClient, accessor: str) -> object:
    """The object ``client.x(arg, ...).y`` names, with placeholder arguments (nothing is sent:
    accessors only build views)."""
    target: object = client
    for attribute, arguments in _STEP.findall(accessor.removeprefix("client")):
        if attribute:
            target = getattr(target, attribute)
        else:
            assert callable(target), accessor
            target = target(*["placeholder" for a in arguments.split(",") if a.strip()])
    return target


async def test_every_method_the_table_names_exists() -> None:
    """Each ``name(`` in a row's methods is an attribute of what the row's accessor returns."""
    client = WelkinClient(
        tenant="acme",
        environment="live",
        credentials=ClientCredentials(client_id="id", client_secret="secret"),
        base_url="http://127.0.0.1:9",
    )
    checked = 0
    for row in _rows():
        if _LEFT_OUT in row.methods:
            continue
        assert row.accessors, f"{row.family}: no accessor"
        targets = [_resolve(client, accessor) for accessor in row.accessors]
        for method in _CALLED.findall(row.methods):
            assert any(hasattr(target, method) for target in targets), (row.family, method)
            checked += 1
    await client.aclose()
    assert checked > 50


def test_every_vendor_family_has_a_row() -> None:
    """Every file of the vendor's API reference is named by a row, and a row without an accessor
    says why it was left out."""
    if not VENDOR_API.is_dir():
        pytest.skip("../shared/reference/vendor-api not found beside the repository")
    families = {path.name for path in VENDOR_API.glob("*.md")} - _NOT_FAMILIES
    rows = _rows()
    named = {name for row in rows for name in row.vendor_files}
    assert sorted(families - named) == []
    assert sorted(named - families) == []
    for row in rows:
        assert row.accessors or _LEFT_OUT in row.methods, row.family
