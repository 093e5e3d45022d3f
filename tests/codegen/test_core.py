"""welkin_codegen.core: the packaged models are exactly what the schemas generate."""

from __future__ import annotations

import importlib.resources
import shutil
from pathlib import Path

import pytest

from welkin_codegen._render import Modules
from welkin_codegen._write import differences
from welkin_codegen.core import HEADER, OUTPUT, render_core


@pytest.fixture(scope="module")
def fresh(root: Path) -> Modules:
    """A fresh generation from this checkout's schemas/core, in memory."""
    return render_core(root)


def test_packaged_models_equal_a_fresh_generation(fresh: Modules) -> None:
    """The installed wheel's generated modules are byte-identical to a fresh generation."""
    packaged = importlib.resources.files("welkin_async.models._generated")
    installed = {
        p.name: p.read_text(encoding="utf-8") for p in packaged.iterdir() if p.name.endswith(".py")
    }
    assert installed == {parts[-1]: code for parts, code in fresh.items()}


def test_committed_models_equal_a_fresh_generation(fresh: Modules, root: Path) -> None:
    """The checked-in generated files are in sync with schemas/core (make generate-check)."""
    assert differences(fresh, root / OUTPUT) == []


def test_check_reports_drift(fresh: Modules, root: Path, tmp_path: Path) -> None:
    """A hand edit and a stale leftover file are both reported, by path."""
    copy = tmp_path / "_generated"
    shutil.copytree(root / OUTPUT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "patient.py").write_text("# edited by hand\n", encoding="utf-8")
    (copy / "old_model.py").write_text("", encoding="utf-8")
    assert differences(fresh, copy) == [
        f"differs: {copy / 'patient.py'}",
        f"not generated: {copy / 'old_model.py'}",
    ]


def test_every_module_carries_the_do_not_edit_header(fresh: Modules) -> None:
    """Each generated file starts by naming the command that makes it and saying not to edit."""
    for code in fresh.values():
        assert code.startswith(HEADER)
    assert "make generate" in HEADER
    assert "DO NOT EDIT" in HEADER


def test_generation_is_deterministic(fresh: Modules, root: Path) -> None:
    """Two generations from the same schemas are byte-identical (no timestamps, stable order)."""
    assert render_core(root) == fresh


def test_a_schema_parametrizes_its_envelopes_with_its_own_imports(fresh: Modules) -> None:
    """``x-welkin-field-types`` with ``x-welkin-imports`` types a field as a parametrized
    envelope (``CdtRecord[Encounter]``) and imports what it names."""
    code = fresh[("full_encounter.py",)]
    assert "from .encounter import Encounter\n" in code
    assert "from .encounter_assessment import EncounterAssessment\n" in code
    assert "    encounter: CdtRecord[Encounter]\n" in code
    assert "assessment_links: list[CdtRecord[EncounterAssessment]] | UnsetType | None" in code


def test_a_field_converter_runs_in_init_and_leaves_assignment_plain(fresh: Modules) -> None:
    """``x-welkin-field-converters`` gives the field its converter, and the class no on_setattr
    hooks (so the compiled structuring may store its slots directly)."""
    code = fresh[("patient.py",)]
    assert "converter=date_as_midnight_utc" in code
    assert "@attrs.define(kw_only=True, repr=False, on_setattr=attrs.setters.NO_OP)" in code
    assert "on_setattr" not in fresh[("user.py",)]


def test_keyword_fields_become_a_typed_dict_of_what_a_call_accepts(fresh: Modules) -> None:
    """``x-welkin-keyword-fields`` adds ``<Class>Fields``: required keys where the class has no
    default, each value widened to what the resources accept (a plain string for an open enum,
    a str for a UUID, a sequence of models or wire-name mappings, a converter's input)."""
    code = fresh[("calendar_event_create.py",)]
    assert "class CalendarEventCreateFields(TypedDict, total=False):\n" in code
    assert "    start_date_time: Required[datetime]\n" in code
    assert "    host_id: Required[UUID | str]\n" in code
    participants = "Required[Sequence[EventParticipantCreate | Mapping[str, Any]]]"
    assert f"    participants: {participants}\n" in code
    assert "    event_type: EventType | str | UnsetType | None\n" in code
    assert "    birth_date: datetime | date | UnsetType | None\n" in fresh[("patient_create.py",)]
    assert "TypedDict" not in fresh[("patient.py",)]  # a model no call builds from fields
