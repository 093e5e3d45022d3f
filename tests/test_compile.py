"""The compiled structuring functions agree with cattrs' detailed converter, document by document.

Documents are drawn per model from its own field types: absent keys, valid values, ``null``,
values of every other JSON type, unknown keys, and UUID and date-time spellings at the edges.
For each one the fast path (``_serde.converter``, compiled functions) and the diagnostic path
(``_serde._diagnostic``, cattrs with detailed validation) must both refuse it, or both return
equal models.
"""

from __future__ import annotations

import inspect
import types
import uuid
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin
from uuid import UUID

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from welkin_async import DecodeError, loads, models, structure
from welkin_async._compile import compilable
from welkin_async._serde import _diagnostic, converter
from welkin_async._unset import UnsetType
from welkin_async.models import CdtRecord, Encounter, Patient, WelkinModel
from welkin_async.models._base import wire_name

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
ZONES = st.sampled_from([UTC, timezone(timedelta(0), "+00:00"), timezone(timedelta(hours=-5))])


def _datetime_text(moment: datetime) -> str:
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") and moment.tzinfo is UTC else text


def _uuid_text(value: UUID, form: str) -> str:
    return {
        "canonical": str(value),
        "upper": str(value).upper(),
        "hex": value.hex,
        "urn": value.urn,
        "braces": "{" + str(value) + "}",
        "underscored": str(value).replace("-", "_", 1),
        "signed": "+" + str(value)[1:],
    }[form]


UUID_TEXTS = st.builds(
    _uuid_text,
    st.uuids(),
    st.sampled_from(["canonical", "upper", "hex", "urn", "braces", "underscored", "signed"]),
)
DATETIME_TEXTS = st.one_of(
    st.builds(_datetime_text, st.datetimes(timezones=ZONES)),
    st.dates().map(lambda day: day.isoformat()),  # a bare date: no date-time
    st.datetimes().map(lambda moment: moment.isoformat(sep=" ")),
)


def _valid(tp: Any, depth: int) -> st.SearchStrategy[Any]:  # noqa: PLR0911 - one per kind
    """JSON values meant to fit ``tp`` (which may still be refused: edges are the point)."""
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        members = [a for a in args if a is not UnsetType]
        return st.one_of([_value(a, depth) for a in members])
    if tp is type(None):
        return st.none()
    if tp is Any or isinstance(tp, TypeVar):
        return JSON
    if origin is list or tp is list:
        return st.lists(_value(args[0] if args else Any, depth + 1), max_size=3)
    if origin is dict or tp is dict:
        return st.dictionaries(st.text(max_size=6), JSON, max_size=3)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=10),
        int: st.integers(-(2**70), 2**70),
        float: st.floats(allow_nan=False, allow_infinity=False) | st.integers(),
        bool: st.booleans(),
        datetime: DATETIME_TEXTS,
        UUID: UUID_TEXTS,
    }
    if tp in simple:
        return simple[tp]
    if getattr(tp, "__name__", "") == "date":
        return st.dates().map(lambda day: day.isoformat()) | st.text(max_size=10)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from([m.value for m in tp]) | (
            st.text(max_size=6) if issubclass(tp, str) else st.integers(-5, 5)
        )
    if isinstance(origin or tp, type) and issubclass(origin or tp, WelkinModel):
        return documents(tp, depth + 1)
    raise AssertionError(f"no strategy for {tp!r}")


def _value(tp: Any, depth: int) -> st.SearchStrategy[Any]:
    """Mostly values meant to fit, sometimes any JSON value at all."""
    return st.one_of(_valid(tp, depth), JSON) if depth < 3 else JSON


@st.composite
def _document(draw: st.DrawFn, cls: Any, depth: int) -> dict[str, Any]:
    origin = get_origin(cls) or cls
    bindings = dict(zip(getattr(origin, "__parameters__", ()), get_args(cls), strict=False))
    document: dict[str, Any] = {}
    for attribute in attrs.fields(attrs.resolve_types(origin)):
        if attribute.name == "wire_extra":
            continue
        required = attribute.default is attrs.NOTHING
        if draw(st.integers(0, 9)) == 0 if required else draw(st.booleans()):
            continue  # absent: rarely for a required key, often for an optional one
        field_type = bindings.get(attribute.type, attribute.type)
        document[wire_name(attribute)] = draw(_value(field_type, depth))
    if draw(st.integers(0, 4)) == 0:
        document[draw(st.text(min_size=1, max_size=8))] = draw(JSON)  # an unknown key
    return document


def documents(cls: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    # Sometimes not an object at all.
    return _document(cls, depth) if depth else st.one_of(_document(cls, depth), JSON_SCALARS)


def _outcome(structuring: Any, document: Any, cls: Any) -> tuple[str, Any]:
    try:
        return "ok", structuring.structure(document, cls)
    except Exception as exc:  # noqa: BLE001 - either refusal is the same outcome here
        return "refused", type(exc).__name__


MODELS = sorted(
    (
        cls
        for _, cls in inspect.getmembers(models, inspect.isclass)
        if issubclass(cls, WelkinModel) and cls is not WelkinModel
    ),
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("cls", [*MODELS, CdtRecord[Encounter]], ids=str)
@settings(max_examples=80, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_compiled_function_accepts_and_refuses_what_cattrs_does(
    cls: Any, data: st.DataObject
) -> None:
    """For every model, a compiled function and the detailed converter agree on every document."""
    document = data.draw(documents(cls))
    fast, slow = _outcome(converter, document, cls), _outcome(_diagnostic, document, cls)
    assert fast[0] == slow[0]
    if fast[0] == "ok":
        assert fast[1] == slow[1]
        assert fast[1].wire_extra == slow[1].wire_extra


def test_every_generated_model_is_compiled() -> None:
    """Every core model qualifies for the compiled path, so none falls back to cattrs silently."""
    assert MODELS
    assert [cls.__name__ for cls in MODELS if not compilable(cls)] == []
    hook = converter.get_structure_hook(Patient)
    assert hook.__name__ == "structure_Patient"


@given(text=UUID_TEXTS | st.text(max_size=40))
@settings(max_examples=300, derandomize=True)
def test_a_uuid_is_read_as_uuid_reads_it(text: str) -> None:
    """The UUID shortcut gives uuid.UUID's value, or refuses where uuid.UUID refuses."""
    document = {"id": text}
    try:
        expected: UUID | None = uuid.UUID(text)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(DecodeError):
            structure(document, CdtRecord)
        return
    # A required UUID field with the rest of the record minimal.
    record = structure({**document, "jsonBody": {}}, CdtRecord)
    assert record.id == expected
    assert record.id.is_safe == expected.is_safe
    assert hash(record.id) == hash(expected)


def test_a_wrong_value_is_still_reported_by_path_after_the_compiled_refusal() -> None:
    """The fast path only refuses; the DecodeError still names the JSON path and the types."""
    page = b'[{"id": "6d1f0f0e-8d7c-4c57-9d83-2f1a6c1c5a10"}, {"id": 7, "firstName": 3}]'
    with pytest.raises(DecodeError) as caught:
        loads(page, list[Patient])
    found = {(p.path, p.expected, p.got) for p in caught.value.problems}
    assert ("$[1].id", "UUID string", "integer") in found
    assert ("$[1].firstName", "string", "integer") in found


def test_seldom_served_keys_are_typed_when_present_and_unknown_keys_kept() -> None:
    """A patient without the seldom-served keys (the usual record), with some of them, or with
    an unknown key besides, structures as cattrs does: seldom keys typed, unknown ones kept."""
    usual: dict[str, Any] = {
        wire_name(a): None
        for a in attrs.fields(Patient)
        if a.name not in ("wire_extra", "id") and not a.metadata.get("seldom")
    }
    usual["id"] = "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d"
    hook = converter.get_structure_hook(Patient)
    for document in (
        usual,
        {**usual, "nric": "S1234567D"},
        {**usual, "nric": None, "riskScore": 3},
        {**usual, "riskScore": 3},
    ):
        compiled = hook(dict(document), Patient)
        assert compiled == _diagnostic.structure(dict(document), Patient)
        assert dict(compiled.wire_extra) == ({"riskScore": 3} if "riskScore" in document else {})
    assert hook({**usual, "nric": "S1234567D"}, Patient).nric == "S1234567D"
