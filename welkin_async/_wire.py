"""Pages read straight from their bytes into models, through msgspec "wire twins".

Where msgspec is installed (the ``speedups`` extra), each model class gets, at its first use, a
twin ``msgspec.Struct`` derived at runtime from the attrs class (fields under their wire names,
our own ``UNSET`` as the default of keys the model may lack, unknown keys refused), and a
function compiled for it that copies a twin into the public attrs class as
:mod:`welkin_async._compile` builds one (``object.__new__`` and slot stores). A page envelope gets
a twin per style whose items are the model's twins, so a page is decoded and checked in one pass
in C.

The twins accept a *subset* of what the general path (orjson dicts, then
:func:`welkin_async._serde.structure`) accepts, and give equal values of the same types:

- date-times are taken as text and read by our own hook (``Z`` and ``+00:00`` kept apart, a
  bare date refused); dates and UUIDs are msgspec's, which reads fewer of their spellings than
  we do, never more;
- an open enum is taken as text (or an integer) and looked up among its declared members: an
  undeclared value refuses the page, so that the general path keeps it as a pseudo-member;
- integers outside the signed 64-bit range are refused (orjson reads the largest as floats),
  in free-form values (``Any``, ``dict[str, Any]``) too, which are also refused when nested
  deeper than both decoders read alike;
- the envelope's keys besides the items are read back with orjson and handed to the general
  path's own envelope readers, so a ``Page`` is the same ``Page``.

Anything the twins refuse (unknown keys, an undeclared enum value, any mismatch, an unusual
envelope) makes :func:`decode_page` return ``None``: the caller reads that page by the general
path, which keeps unknown keys in ``wire_extra`` and raises a ``DecodeError`` with exact paths.
When the general path then succeeds, :func:`read_by_general_path` warns once per model class
(:class:`~welkin_async.errors.ModelsBehindWarning`). ``tests/test_wire.py`` proves both paths
agree, model by model, on generated documents.
"""

from __future__ import annotations

import linecache
import re
import types
import warnings
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin
from uuid import UUID

import attrs

from welkin_async import _json
from welkin_async._compile import _bindings, _bound, _split, compilable
from welkin_async._serde import _structure_datetime, _with_default_parameters, describe
from welkin_async._unset import UNSET
from welkin_async.errors import DecodeError, ModelsBehindWarning
from welkin_async.models._base import _NO_EXTRA, OpenIntEnum, OpenStrEnum, WelkinModel, wire_name

try:
    import msgspec
except ImportError:  # pragma: no cover - exercised where the speedups extra is not installed
    msgspec = None  # type: ignore[assignment]

AVAILABLE = msgspec is not None
"""Whether pages may be read through the twins (msgspec is importable)."""

Read = tuple[Any, str]  # a Page of models, and the JSONPath of its items
Copy = Callable[[Any], Any]

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
# Free-form values nested deeper than this are refused: orjson refuses a document deeper than
# 1024 levels, and msgspec's own limit differs, so the twins stay well inside both.
_FREE_DEPTH = 256


class _Mismatch(Exception):
    """A value the twin's copy will not take; the general path reads the page instead."""


class _NoTwin(Exception):
    """A type the twins do not cover: its pages keep the general path."""


def _free(value: Any) -> Any:
    """A free-form JSON value as orjson would give it, or ``_Mismatch``.

    msgspec reads an integer beyond 64 bits as an ``int`` where orjson gives a ``float`` (or
    refuses it), and its nesting limit is not orjson's: such values are refused, the rest are
    the same values of the same types. Walked without recursion.
    """
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        kind = item.__class__
        if kind is int:
            if not _I64_MIN <= item <= _I64_MAX:
                raise _Mismatch
        elif kind is list or kind is dict:
            if depth >= _FREE_DEPTH:
                raise _Mismatch
            pending.extend((x, depth + 1) for x in (item if kind is list else item.values()))
    return value


def _declared(enum_class: type[Enum]) -> dict[Any, Enum]:
    """The declared members by value: a pseudo-member made later is not among them."""
    return {member.value: member for member in enum_class.__members__.values()}


_PRIMITIVES = (str, int, float, bool)


class _Twins:
    """Twin structs and copy functions, made once per model class and cached."""

    def __init__(self) -> None:
        self.structs: dict[Any, Any] = {}
        self.copies: dict[Any, Copy] = {}
        self.refused: set[Any] = set()  # classes without a twin, remembered
        self.building: set[Any] = set()
        self.namespace: dict[str, Any] = {
            "UNSET": UNSET,
            "_NO_EXTRA": _NO_EXTRA,
            "_new": object.__new__,
            "_free": _free,
        }

    def name(self, value: Any, hint: str) -> str:
        key = f"_{hint}_{len(self.namespace)}"
        self.namespace[key] = value
        return key

    def model(self, cls: Any) -> tuple[Any, Copy]:
        """The twin struct of model ``cls`` and its copy function; ``_NoTwin`` if it has none."""
        cls = _with_default_parameters(cls)
        if cls in self.structs:
            return self.structs[cls], self.copies[cls]
        if cls in self.refused or cls in self.building:  # a cycle is not followed
            raise _NoTwin
        self.building.add(cls)
        try:
            made = self._make(cls)
        except _NoTwin:
            self.refused.add(cls)
            raise
        finally:
            self.building.discard(cls)
        self.structs[cls], self.copies[cls] = made
        return made

    def value(self, tp: Any) -> tuple[Any, Callable[[str], str] | None]:  # noqa: PLR0911
        """``tp``'s twin type, and how the copy turns a twin value ``x`` into ours (``None``:
        as it is)."""
        origin, args = get_origin(tp), get_args(tp)
        if tp in (str, bool, date, UUID):
            # msgspec reads dates (YYYY-MM-DD) and UUIDs (canonical, 32 digits) in fewer
            # spellings than date.fromisoformat and uuid.UUID, never more, into equal values.
            return tp, None
        if tp is int:
            return _INT64, None
        if tp is float:  # a JSON integer in a float field stays an int, as the general path has it
            return _INT64 | float, None
        if origin in (Union, types.UnionType) and all(a in _PRIMITIVES for a in args):
            return Union[tuple(_INT64 if a is int else a for a in args)], None  # noqa: UP007
        if tp is datetime:  # msgspec's offsets and fractions differ from ours: our own hook
            hook = self.name(_structure_datetime, "hook")
            return str, lambda x: f"{hook}({x}, None)"
        if isinstance(tp, type) and issubclass(tp, OpenStrEnum | OpenIntEnum):
            members = self.name(_declared(tp), "members")
            return (str if issubclass(tp, OpenStrEnum) else _INT64), lambda x: f"{members}[{x}]"
        if isinstance(origin or tp, type) and issubclass(origin or tp, WelkinModel):
            struct, copy = self.model(tp)
            name = self.name(copy, "copy")
            return struct, lambda x: f"{name}({x})"
        if tp is Any or isinstance(tp, TypeVar) or _free_form(tp):
            # Falsy values ([], {}, null, 0, "") are as orjson gives them: checked for nothing.
            kind = Any if tp is Any or isinstance(tp, TypeVar) else tp
            return kind, lambda x: f"({x} and _free({x}))"
        if origin is list:
            item, convert = self.value(args[0])
            if convert is None:
                return list[item], None  # type: ignore[valid-type]
            # An empty list is kept as decoded: no comprehension to run for it (the usual case).
            return list[item], lambda x: f"({x} and [{convert('y')} for y in {x}])"  # type: ignore[valid-type]
        if origin is dict and args[0] is str and args[1] in _PRIMITIVES:
            return dict[str, self.value(args[1])[0]], None  # type: ignore[misc]
        raise _NoTwin

    def _make(self, cls: Any) -> tuple[Any, Copy]:
        origin = get_origin(cls) or cls
        if not compilable(origin):
            raise _NoTwin
        bindings = _bindings(cls)
        fields = [a for a in attrs.fields(attrs.resolve_types(origin)) if a.name != "wire_extra"]
        specs: list[tuple[str, Any] | tuple[str, Any, Any]] = []
        body = [f"o = _new({self.name(origin, 'cls')})"]
        for a in fields:
            inner, nullable, optional = _split(_bound(a.type, bindings))
            twin, convert = self.value(inner)
            if nullable and twin is not Any:
                twin = twin | None
            if a.default is attrs.NOTHING and optional:
                raise _NoTwin  # a required key that may be UNSET: not a shape the models have
            # An absent key takes the field's own default (UNSET), so it is copied as it is.
            required = a.default is attrs.NOTHING
            specs.append((a.name, twin) if required else (a.name, twin, a.default))
            skip = ["v is not None"] * nullable
            if not required:
                default = "UNSET" if a.default is UNSET else self.name(a.default, "default")
                skip.insert(0, f"v is not {default}")
            if convert is None:
                body.append(f"o.{a.name} = t.{a.name}")
            elif skip:
                body += [
                    f"v = t.{a.name}",
                    f"if {' and '.join(skip)}: v = {convert('v')}",
                    f"o.{a.name} = v",
                ]
            else:
                body.append(f"o.{a.name} = {convert(f't.{a.name}')}")
        body += ["o.wire_extra = _NO_EXTRA", "return o"]
        struct = msgspec.defstruct(
            f"{origin.__name__}Twin",
            specs,
            kw_only=True,
            forbid_unknown_fields=True,
            rename={a.name: wire_name(a) for a in fields},
            gc=False,  # a twin lives for one copy and holds no cycle: not for the collector
        )
        function = f"copy_{origin.__name__}"
        # The names the body uses, bound as defaults: a local is read faster than a global.
        text = "\n".join(body)
        names = [n for n in self.namespace if re.search(rf"\b{n}\b", text)]
        signature = ", ".join(["t", *(f"{n}={n}" for n in names)])
        source = f"def {function}({signature}):\n" + "".join(f"    {line}\n" for line in body)
        filename = f"<welkin_async wire copy {describe(cls)} {len(self.structs)}>"
        # Registered with linecache so a traceback through the function shows its source.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        # Defined into a dict of its own: two threads building twins never take each other's.
        defined: dict[str, Any] = {}
        exec(compile(source, filename, "exec"), self.namespace, defined)  # noqa: S102 - our own
        copy: Copy = defined[function]
        return struct, copy


def _free_form(tp: Any) -> bool:
    """``dict[str, Any]``, ``list[Any]`` and ``list[dict[str, Any]]``: JSON taken as decoded."""
    origin, args = get_origin(tp), get_args(tp)
    # Keys stay text: msgspec would read ``dict[int, Any]``'s keys as numbers, orjson never.
    if tp in (dict, list) or (origin is dict and args[0] is str and args[1] is Any):
        return True
    return origin is list and (args[0] is Any or _free_form(args[0]))


_INT64: Any = Annotated[int, msgspec.Meta(ge=_I64_MIN, le=_I64_MAX)] if AVAILABLE else int

# --- page envelopes ------------------------------------------------------------------------------

# Per style: the key of the items, and the other keys a page of that style is known to carry
# (read back with orjson, then by the general path's readers). Any other key refuses the page.
_ENVELOPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "spring": (
        "content",
        (
            "number",
            "totalPages",
            "totalElements",
            "last",
            "first",
            "size",
            "numberOfElements",
            "empty",
            "pageable",
            "sort",
        ),
    ),
    "meta-info": ("data", ("metaInfo",)),
    "token": ("content", ("meta",)),
    "cursor": ("data", ("cursor",)),
}


def _envelope_struct(style: str, item: Any, *, nested: Any = None) -> Any:
    """The envelope twin of ``style`` with items of twin ``item``; ``nested``: a spring page
    that may also come wrapped as a CDT list's ``{name, data: <page>}``."""
    items_key, others = _ENVELOPES[style]
    specs: list[Any] = [(items_key, list[item] | msgspec.UnsetType, msgspec.UNSET)]
    specs += [(key, msgspec.Raw | msgspec.UnsetType, msgspec.UNSET) for key in others]
    if nested is not None:
        specs += [
            ("name", msgspec.Raw | msgspec.UnsetType, msgspec.UNSET),
            ("data", nested | msgspec.UnsetType, msgspec.UNSET),
        ]
    return msgspec.defstruct(
        f"{item.__name__}{'Named' if nested is not None else ''}Envelope",
        specs,
        kw_only=True,
        forbid_unknown_fields=True,
        gc=False,
    )


def _document(envelope: Any, copy: Copy) -> dict[str, Any]:
    """The envelope as the general path's readers take it: items as models, the rest as orjson
    reads it."""
    document: dict[str, Any] = {}
    for key in envelope.__struct_fields__:
        value = getattr(envelope, key)
        if value is msgspec.UNSET:
            continue
        if isinstance(value, list):
            document[key] = [copy(item) for item in value]
        elif isinstance(value, msgspec.Raw):
            document[key] = _json.loads(bytes(value))
        else:  # a nested spring page
            document[key] = _document(value, copy)
    return document


class _Pages:
    """Decoders per (style, item type): the envelope twin whose items are the item's twin."""

    def __init__(self, twins: _Twins) -> None:
        self.twins = twins
        self.decoders: dict[tuple[str, Any], tuple[Any, Copy] | None] = {}

    def decoder(self, style: str, item_type: Any) -> tuple[Any, Copy] | None:
        key = (style, item_type)
        if key not in self.decoders:
            try:
                struct, copy = self.twins.model(item_type)
            except _NoTwin:
                self.decoders[key] = None
            else:
                nested = _envelope_struct(style, struct) if style == "spring" else None
                envelope = _envelope_struct(style, struct, nested=nested)
                self.decoders[key] = (msgspec.json.Decoder(envelope), copy)
        return self.decoders[key]


_pages = _Pages(_Twins())
_warned: set[Any] = set()


# What a page the twins cannot read raises. RecursionError: msgspec's nesting limit is below
# orjson's (1,024 levels), and it applies to values it skips too.
_REFUSALS = (
    RecursionError,
    _Mismatch,
    DecodeError,
    KeyError,
    ValueError,
    TypeError,
    *((msgspec.DecodeError,) if AVAILABLE else ()),
)


def decode_page(style: str, body: bytes, item_type: Any) -> Read | None:
    """A page of ``style`` read from ``body`` with its items as ``item_type``, and the JSONPath
    of its items; ``None`` where the twins refuse it (or msgspec is not installed): the caller
    then reads it by the general path."""
    if not AVAILABLE:
        return None
    found = _pages.decoder(style, item_type)
    if found is None:
        return None
    decoder, copy = found
    # Local import: _pagination imports this module for its paginator.
    from welkin_async._pagination import read_page

    try:
        return read_page(style, _document(decoder.decode(body), copy))  # type: ignore[arg-type]
    except _REFUSALS:
        return None  # outside the handler nothing is raised: no value reaches a traceback


def has_twin(item_type: Any) -> bool:
    """Whether pages of ``item_type`` are tried through the twins first."""
    if not AVAILABLE:
        return False
    try:
        _pages.twins.model(item_type)
    except _NoTwin:
        return False
    return True


def read_by_general_path(item_type: Any) -> None:
    """Say, once per model class, that a page the twins refused was read by the general path:
    the server sent what the models do not describe."""
    if item_type in _warned or not has_twin(item_type):
        return
    _warned.add(item_type)
    warnings.warn(
        f"a page of {describe(item_type)} did not fit the fast path (keys or values the model "
        "does not declare, as a rule) and was read by the general path; the models may be "
        "behind the server (regenerate them)",
        ModelsBehindWarning,
        stacklevel=3,
    )


# --- what an export stream compares records by -----------------------------------------------


def _facts_decoder() -> Any:
    """A decoder of a cursor page that reads only what the export stream compares records by;
    every other key is skipped (the page's own decoder has checked it)."""
    body = msgspec.defstruct("BodyFacts", [("updated_at", Any, None)])
    record = msgspec.defstruct(
        "RecordFacts",
        [(key, Any, None) for key in ("id", "updatedAt", "version", "cdtName")]
        + [("jsonBody", body | None, None)],
    )
    page = msgspec.defstruct("PageFacts", [("data", list[record])])  # type: ignore[valid-type]
    return msgspec.json.Decoder(page)


_facts: list[Any] = []  # the decoder, made at first use


def _plain(value: Any) -> bool:
    """Whether ``value`` is a JSON scalar orjson would read as the same value and type."""
    kind = value.__class__
    if kind is int:
        return bool(_I64_MIN <= value <= _I64_MAX)
    return value is None or kind is str or kind is float or kind is bool


def record_facts(body: bytes) -> list[dict[str, Any]] | None:
    """Each record of an export page ``body`` as a dict of the keys the export stream compares
    and shapes records by (``id``, ``updatedAt``, ``version``, ``cdtName``,
    ``jsonBody.updated_at``), as the general path's dicts hold them; ``None`` where msgspec
    cannot read them so (or is not installed)."""
    if not AVAILABLE:
        return None
    if not _facts:
        _facts.append(_facts_decoder())
    try:
        records = _facts[0].decode(body).data
    except (msgspec.DecodeError, RecursionError):
        return None
    # A fact that is not a plain JSON scalar as orjson reads it (an integer past 64 bits, which
    # orjson reads as a float, or a nested value): the general path reads the page.
    for r in records:
        facts = (r.id, r.updatedAt, r.version, r.cdtName)
        if not all(map(_plain, facts)) or (
            r.jsonBody is not None and not _plain(r.jsonBody.updated_at)
        ):
            return None
    return [
        {
            "id": r.id,
            "updatedAt": r.updatedAt,
            "version": r.version,
            "cdtName": r.cdtName,
            "jsonBody": None if r.jsonBody is None else {"updated_at": r.jsonBody.updated_at},
        }
        for r in records
    ]
