"""Every generated model, core and tenant: structure(unstructure(x)) == x for arbitrary x."""

from __future__ import annotations

import importlib
import pkgutil
import types
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar, Union, get_args, get_origin
from uuid import UUID

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import welkin_async.models._generated as generated_package
from welkin_async import UNSET, UnsetType, structure, unstructure
from welkin_async.models import OpenIntEnum, OpenStrEnum, WelkinModel
from welkin_async.models._base import wire_name

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
ZONES = st.sampled_from(
    [
        None,
        UTC,
        timezone(timedelta(hours=-7)),
        timezone(timedelta(0), "+00:00"),
        timezone(timedelta(hours=5, minutes=30)),
    ]
)


Bindings = dict[Any, Any]
"""A generic model's type parameters, bound to the arguments it is used with."""


def strategy_for(  # noqa: PLR0911 - a branch per kind
    tp: Any, bound: Bindings | None = None
) -> st.SearchStrategy[Any]:
    """Values of the annotation ``tp`` as a model holds them (``bound`` fills type variables)."""
    origin, args = get_origin(tp), get_args(tp)
    if tp is UnsetType:
        return st.just(UNSET)
    if tp is type(None):
        return st.none()
    if isinstance(tp, TypeVar):
        if bound and tp in bound:
            return strategy_for(bound[tp])
        return strategy_for(tp.__default__)  # type: ignore[attr-defined]
    if origin in (Union, types.UnionType):
        return st.one_of([strategy_for(a, bound) for a in args])
    if origin is list:
        return st.lists(strategy_for(args[0], bound), max_size=3)
    if origin is dict:
        values = strategy_for(args[1], bound) if args else JSON_VALUES
        return st.dictionaries(st.text(max_size=6), values, max_size=3)
    if tp is Any:
        return JSON_VALUES
    if isinstance(tp, type) and issubclass(tp, OpenStrEnum):
        return st.sampled_from(list(tp)) | st.text(min_size=1, max_size=6).map(tp)
    if isinstance(tp, type) and issubclass(tp, OpenIntEnum):
        return st.sampled_from(list(tp)) | st.integers(-5, 50).map(tp)
    if isinstance(tp, type) and issubclass(tp, WelkinModel):
        return model_strategy(tp)
    if isinstance(origin, type) and issubclass(origin, WelkinModel):  # e.g. CdtRecord[Encounter]
        parameters = getattr(origin, "__parameters__", ())
        return model_strategy(origin, dict(zip(parameters, args, strict=True)))
    scalars: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=12),
        int: st.integers(min_value=-(2**53), max_value=2**53),
        float: st.floats(allow_nan=False, allow_infinity=False),
        bool: st.booleans(),
        datetime: st.datetimes(timezones=ZONES),
        date: st.dates(),
        UUID: st.uuids(),
    }
    return scalars[tp]


def model_strategy(cls: type[WelkinModel], bound: Bindings | None = None) -> st.SearchStrategy[Any]:
    """Instances of a generated class, including keys a newer server might add."""
    fields = attrs.fields(attrs.resolve_types(cls))
    known = {wire_name(a) for a in fields}
    extra = st.dictionaries(
        st.text(min_size=1, max_size=8).filter(lambda k: k not in known), JSON_VALUES, max_size=2
    )
    values = {a.name: strategy_for(a.type, bound) for a in fields if a.name != "wire_extra"}
    return st.builds(cls, wire_extra=extra, **values)


def generated_classes(module: types.ModuleType) -> list[type[WelkinModel]]:
    return [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, WelkinModel)
        and obj.__module__ == module.__name__
    ]


CORE_CLASSES = sorted(
    (
        cls
        for info in pkgutil.iter_modules(generated_package.__path__)
        for cls in generated_classes(
            importlib.import_module(f"{generated_package.__name__}.{info.name}")
        )
    ),
    key=lambda c: c.__name__,
)


def assert_round_trip(cls: type[WelkinModel], examples: int) -> None:
    @settings(max_examples=examples)
    @given(model_strategy(cls))
    def round_trip(instance: Any) -> None:
        assert structure(unstructure(instance), cls) == instance

    round_trip()


def test_every_core_schema_produced_classes() -> None:
    """The generated package holds a class for every core entity the issue names."""
    names = {c.__name__ for c in CORE_CLASSES}
    assert {
        "Patient",
        "CdtRecord",
        "Encounter",
        "EncounterCreate",
        "User",
        "SpringPage",
        "CursorPage",
    } <= names
    assert len(CORE_CLASSES) >= 30


@pytest.mark.parametrize("cls", CORE_CLASSES, ids=lambda c: c.__name__)
def test_core_model_round_trips(cls: type[WelkinModel]) -> None:
    """Arbitrary instances of each core model survive unstructure then structure unchanged."""
    assert_round_trip(cls, examples=40)


def test_tenant_models_round_trip(acme: types.ModuleType) -> None:
    """Arbitrary instances of each generated acme CDT class survive a round trip unchanged."""
    classes = generated_classes(acme)
    assert len(classes) == 32
    for cls in classes:
        assert_round_trip(cls, examples=15)
