"""The generated keyword-field ``TypedDict``s (``PatientCreateFields``, ...) agree with their
models: the same names, required where the model has no default, and each value type at least
as wide as the attribute's, so a call that builds a valid model always type-checks."""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from typing import Any, Required, Union, get_args, get_origin

import attrs
import pytest

from welkin_async import models

FIELDS = sorted(name for name in models.__all__ if name.endswith("Fields"))


def _members(tp: Any) -> set[Any]:
    """The members of a union (``Required`` unwrapped), or the type itself."""
    if get_origin(tp) is Required:
        (tp,) = get_args(tp)
    if get_origin(tp) in (Union, typing.Union) or isinstance(tp, type(int | str)):
        return set(get_args(tp))
    return {tp}


def _widens(accepted: set[Any], member: Any) -> bool:
    """Whether ``accepted`` takes every value of the attribute type ``member``: the member
    itself, or for a ``list[X]`` a ``Sequence`` of something that takes ``X``."""
    if member in accepted:
        return True
    if get_origin(member) is list:
        (item,) = get_args(member)
        return any(get_origin(a) is Sequence and item in _members(get_args(a)[0]) for a in accepted)
    return False


def test_the_write_models_have_field_dicts() -> None:
    """Every model a resource builds from keyword fields has its ``TypedDict``."""
    assert FIELDS == [
        "AssessmentRecordWriteFields",
        "CalendarEventCreateFields",
        "CalendarEventUpdateFields",
        "EmailUpdateFields",
        "EncounterAssessmentCreateFields",
        "EncounterAssessmentUpdateFields",
        "EncounterCreateFields",
        "EncounterUpdateFields",
        "GoalUpdateFields",
        "PatientCreateFields",
        "SmsUpdateFields",
        "TaskCreateFields",
        "TaskUpdateFields",
        "UserCreateFields",
        "UserUpdateFields",
    ]


@pytest.mark.parametrize("name", FIELDS)
def test_a_field_dict_names_the_models_fields_and_requires_its_required_ones(name: str) -> None:
    """The keys are the model's attributes; the required keys its fields without a default.

    Read from the annotations: with postponed annotations, Python 3.11 cannot fill a
    ``TypedDict``'s ``__required_keys__`` (type checkers read ``Required`` all the same).
    """
    fields = typing.get_type_hints(getattr(models, name), include_extras=True)
    model = getattr(models, name.removesuffix("Fields"))
    attributes = [a for a in attrs.fields(model) if a.name != "wire_extra"]
    assert list(fields) == [a.name for a in attributes]
    required = {key for key, tp in fields.items() if get_origin(tp) is Required}
    assert required == {a.name for a in attributes if a.default is attrs.NOTHING}


@pytest.mark.parametrize("name", FIELDS)
def test_a_field_dict_accepts_every_value_of_its_attribute(name: str) -> None:
    """Each key's type takes every value the model's attribute holds (and, where the attribute
    is a nested model, a mapping of its wire names too)."""
    fields = typing.get_type_hints(getattr(models, name), include_extras=True)
    model = getattr(models, name.removesuffix("Fields"))
    attributes = typing.get_type_hints(model)
    for key, accepted in fields.items():
        members = _members(accepted)
        narrower = [m for m in _members(attributes[key]) if not _widens(members, m)]
        assert narrower == [], f"{name}.{key} does not take {narrower}"
        nested = [m for m in members if attrs.has(m)]
        assert not nested or Mapping[str, Any] in members, f"{name}.{key}"
