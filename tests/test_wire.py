"""Pages read straight from bytes through the wire twins agree with the general path.

The agreement tests draw documents per model with ``tests/test_compile.py``'s strategies (valid
values, wrong types, nulls, missing and unknown keys, undeclared enum values, date-time and UUID
spellings, integers beyond 64 bits, lone surrogates), write them as JSON bytes in a page, and
require that whatever page the twins accept, the general path (orjson, then the detailed
converter's rules) accepts too, with equal models whose every value has the same type.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Connect, acme_live
from tests.test_compile import MODELS, documents
from welkin_async import _json, _wire
from welkin_async._pagination import Style, _structure_items, read_page
from welkin_async.errors import ModelsBehindWarning
from welkin_async.models import CdtRecord, ChatMessage, Encounter, Patient, User
from welkin_async.models._base import WelkinModel
from welkin_async.testing import WelkinEmulator

PAGES = "by-filter/patients"


def _page(items: list[Any]) -> bytes:
    """A cursor page of ``items`` as a server would write it (the stdlib: any integer, any
    string, a lone surrogate escaped)."""
    return json.dumps({"data": items, "cursor": {"end": None, "hasNext": False}}).encode()


def _general(body: bytes, cls: Any) -> list[Any] | None:
    """The page's items by the general path, ``None`` where it refuses the page."""
    try:
        page, path = read_page("cursor", _json.loads(body))
        return _structure_items(page.items, cls, path)
    except Exception:  # noqa: BLE001 - any refusal is the same outcome here
        return None


def _same_types(ours: Any, theirs: Any) -> bool:
    """Equal values of the same types all the way down (``==`` alone takes 1 for 1.0)."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, WelkinModel):
        return all(
            _same_types(getattr(ours, a.name), getattr(theirs, a.name))
            for a in attrs.fields(type(ours))
        )
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(map(_same_types, ours, theirs))
    if isinstance(ours, dict):
        return ours.keys() == theirs.keys() and all(_same_types(ours[k], theirs[k]) for k in ours)
    return bool(ours == theirs)


def _agree(cls: Any, document: Any) -> None:
    body = _page([document])
    fast = _wire.decode_page("cursor", body, cls)
    if fast is None:
        return  # refused: the general path reads the page, whatever it makes of it
    general = _general(body, cls)
    assert general is not None, "the twins accepted a page the general path refuses"
    assert fast[0].items == general
    assert _same_types(fast[0].items, general)
    assert [dict(m.wire_extra) for m in fast[0].items] == [dict(m.wire_extra) for m in general]


AGREEMENT = settings(
    max_examples=25, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.parametrize("cls", [*MODELS, CdtRecord[Encounter], CdtRecord], ids=str)
@AGREEMENT
@given(data=st.data())
def test_a_page_the_twins_accept_is_read_alike_by_the_general_path(
    cls: Any, data: st.DataObject
) -> None:
    """For every core model, the twins accept only pages the general path reads the same."""
    _agree(cls, data.draw(documents(cls)))


@settings(max_examples=10, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_tenant_cdt_records_read_through_the_twins_agree(
    acme: ModuleType, data: st.DataObject
) -> None:
    """For every CDT class of a generated tenant module, as CdtRecord[cls], the paths agree."""
    for cdt in acme.CDT_CLASSES.values():
        record = CdtRecord[cdt]  # type: ignore[valid-type]
        _agree(record, data.draw(documents(record)))


def test_every_core_model_has_a_twin() -> None:
    """No core model silently keeps the general path: each gets a twin."""
    assert [cls.__name__ for cls in MODELS if not _wire.has_twin(cls)] == []


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("2025-01-02T03:04:05.000Z", True),
        ("2025-01-02T03:04:05+00:00", True),
        ("2025-01-02", False),  # a bare date is no date-time
        ("not a date", False),
    ],
)
def test_date_times_keep_their_written_offset_or_refuse(text: str, accepted: bool) -> None:
    """A date-time keeps Z and +00:00 apart as the general path does; a bare date refuses."""
    document = {"id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d", "createdAt": text}
    fast = _wire.decode_page("cursor", _page([document]), Patient)
    assert (fast is not None) is accepted
    if fast is not None:
        (general,) = _general(_page([document]), Patient) or []
        assert fast[0].items[0].created_at == general.created_at
        assert fast[0].items[0].created_at.tzinfo is general.created_at.tzinfo


@pytest.mark.parametrize(
    "free", [2**64, -(2**63) - 1, [[[]]], {"deep": json.loads("[" * 300 + "]" * 300)}]
)
def test_free_form_values_orjson_reads_otherwise_refuse_the_page(free: Any) -> None:
    """An integer beyond 64 bits or nesting past the twins' bound in a free-form field refuses,
    while an ordinary nested value is taken as orjson gives it."""
    document = {"id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d", "pointOfContact": free}
    fast = _wire.decode_page("cursor", _page([document]), Patient)
    if free == [[[]]]:
        assert fast is not None
        assert fast[0].items[0].point_of_contact == [[[]]]
    else:
        assert fast is None


def test_an_undeclared_enum_value_refuses_and_the_general_path_keeps_it() -> None:
    """An undeclared open-enum value makes the twins refuse; the general path keeps it."""
    document = {"id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d", "gender": "NEWLY_ADDED"}
    assert _wire.decode_page("cursor", _page([document]), Patient) is None
    (general,) = _general(_page([document]), Patient) or []
    assert general.gender == "NEWLY_ADDED"
    assert not general.gender.known


@pytest.mark.parametrize("depth", [1010, 2000])
def test_nesting_past_msgspecs_limit_refuses_and_the_general_path_decides(depth: int) -> None:
    """A value nested past msgspec's limit (below orjson's 1,024 levels) in an envelope key or
    a record makes the twins and the export's facts refuse the page (no RecursionError), and
    the general path reads it as before, or refuses it as malformed."""
    deep = "[" * depth + "]" * depth
    spring = f'{{"content": [], "pageable": {deep}, "last": true}}'.encode()
    cursor = f'{{"data": [{{"id": "r1", "extra": {deep}}}], "cursor": {{}}}}'.encode()
    assert _wire.decode_page("spring", spring, Patient) is None
    assert _wire.record_facts(cursor) is None
    readable = depth < 1024  # orjson's own limit
    for body in (spring, cursor):
        try:
            _json.loads(body)
        except json.JSONDecodeError:
            assert not readable
        else:
            assert readable


@pytest.mark.parametrize("fact", ['"version": 18446744073709551616', '"id": [1]'])
def test_export_facts_orjson_reads_otherwise_refuse_the_page(fact: str) -> None:
    """A compared fact that is not a scalar orjson reads alike (an integer past 64 bits, a
    nested id) leaves the page to the general path."""
    body = f'{{"data": [{{"id": "r1", {fact}}}], "cursor": {{}}}}'.replace(
        '"id": "r1", "id"', '"id"'
    )
    assert _wire.record_facts(body.encode()) is None
    assert _wire.record_facts(b'{"data": [{"id": "r1", "version": 3}], "cursor": {}}') == [
        {"id": "r1", "updatedAt": None, "version": 3, "cdtName": None, "jsonBody": None}
    ]


def test_an_unusual_envelope_refuses() -> None:
    """An envelope key no page of the style carries makes the twins refuse the page."""
    body = json.dumps({"data": [], "cursor": {"hasNext": False}, "surprise": 1}).encode()
    assert _wire.decode_page("cursor", body, Patient) is None


_PATIENT = {"id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d", "firstName": "Ann"}
_ENVELOPES: list[tuple[Style, dict[str, Any]]] = [
    ("spring", {"content": [_PATIENT], "number": 1, "totalPages": 3, "totalElements": 5}),
    ("spring", {"name": "vitals", "data": {"content": [_PATIENT], "number": 0, "last": True}}),
    ("meta-info", {"data": [_PATIENT], "metaInfo": {"page": 0, "totalPages": 2, "lastPage": 0}}),
    ("token", {"content": [_PATIENT], "meta": {"nextPageToken": "t-1"}}),
    ("cursor", {"data": [_PATIENT], "cursor": {"end": "2025-01-01T00:00:00Z", "hasNext": True}}),
]


@pytest.mark.parametrize(("style", "document"), _ENVELOPES)
def test_an_envelope_gives_the_page_the_general_readers_give(
    style: Style, document: dict[str, Any]
) -> None:
    """Each style's envelope, read through the twins, is the Page and items path of the general
    readers: number, totals, last, next parameters."""
    fast = _wire.decode_page(style, json.dumps(document).encode(), Patient)
    assert fast is not None
    page, path = read_page(style, document)
    assert attrs.evolve(fast[0], items=[]) == attrs.evolve(page, items=[])
    assert fast[1] == path


# --- end to end, against the emulator ------------------------------------------------------------


@pytest.fixture
def no_fallback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every page must be read through the twins: a fallback's warning fails the test."""
    monkeypatch.setattr(_wire, "_warned", set())  # an earlier test's warning hides nothing
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelsBehindWarning)
        yield


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.welkin_emulator(patients=30)
async def test_spring_pages_are_read_through_the_twins(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A typed spring scan of patients reads every page through the twins, no fallback."""
    async with connect() as client:
        got = [p async for p in client.paginate("POST", PAGES, size=7, item_type=Patient)]
    assert [str(p.id) for p in got] == list(acme_live(welkin_emulator).patients.ids())
    assert all(p.wire_extra == {} for p in got)


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.welkin_emulator(patients=2)
async def test_cdt_list_pages_are_read_through_the_twins(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """A CDT list ({name, data: <spring page>}) of a tenant class reads through the twins."""
    patient_id = acme_live(welkin_emulator).patients.ids()[0]
    where = {"pid": patient_id, "cdt": "body_weight"}
    cls = acme.CDT_CLASSES["body_weight"]
    async with connect() as client:
        for weight in (150, 151, 152):
            await client.request(
                "POST",
                "patients/{pid}/cdts/{cdt}",
                path_params=where,
                json={"weight_lbs": weight},
            )
        pages = client.paginate(
            "GET",
            "patients/{pid}/cdts/{cdt}",
            path_params=where,
            size=2,
            item_type=CdtRecord[cls],  # type: ignore[valid-type]
        )
        got = [record async for record in pages]
    assert len(got) >= 3
    assert all(isinstance(record.json_body, cls) for record in got)


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.welkin_emulator(patients=1)
async def test_meta_info_pages_are_read_through_the_twins(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A meta-info scan of the tenant's users reads through the twins, no fallback."""
    async with connect() as client:
        got = [u async for u in client.paginate("GET", "admin/users", size=1, item_type=User)]
    assert len(got) == len(welkin_emulator.tenant("acme").users)


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.welkin_emulator(patients=20)
async def test_cursor_pages_are_read_through_the_twins(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A typed cursor scan of export/PATIENT reads through the twins, each patient once."""
    async with connect() as client:
        export = client.paginate(
            "GET", "export/{t}", path_params={"t": "PATIENT"}, size=7, item_type=Patient
        )
        got = [str(p.id) async for p in export]
    assert got == list(acme_live(welkin_emulator).patients.ids())


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.welkin_emulator(patients=20)
async def test_a_typed_export_stream_reads_through_the_twins(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A typed PATIENT export stream reads its cursor pages through the twins, no fallback."""
    async with connect() as client:
        got = [p async for p in client.exports.stream("PATIENT", page_size=7)]
    assert all(isinstance(p, Patient) for p in got)
    assert [str(p.id) for p in got] == acme_live(welkin_emulator).patients.ids()


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.welkin_emulator(patients=3, tenants=["acme"])
async def test_a_cdt_export_with_models_reads_pages_of_one_cdt_through_the_twins(
    welkin_emulator: WelkinEmulator, connect: Connect, acme: ModuleType
) -> None:
    """With models=, a CDT_RECORD export page whose records share one CDT (pages of one) is read
    through that CDT's twins."""
    async with connect(models=acme) as client:
        got = [r async for r in client.exports.stream("CDT_RECORD", page_size=1)]
    assert sorted(str(r.id) for r in got) == sorted(acme_live(welkin_emulator).cdt_records.rows)
    assert all(isinstance(r.json_body, acme.CDT_CLASSES[r.cdt_name]) for r in got)


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.welkin_emulator(patients=1)
async def test_token_pages_are_read_through_the_twins(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A typed scan of a patient's chat (token pages) reads through the twins."""
    patient_id = acme_live(welkin_emulator).patients.ids()[0]
    async with connect() as client:
        for text in ("one", "two", "three"):
            await client.chat(patient_id).send_inbound(text)
        chat = client.paginate(
            "GET",
            "patients/{p}/chat",
            path_params={"p": patient_id},
            size=2,
            item_type=ChatMessage,
        )
        got = [m async for m in chat]
    assert len(got) >= 3


@pytest.mark.welkin_emulator(patients=14)
async def test_unknown_keys_are_kept_and_warned_about_once_per_model(
    welkin_emulator: WelkinEmulator, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two pages with a key the models lack: the key is kept in wire_extra, with one warning
    naming the model class."""
    monkeypatch.setattr(_wire, "_warned", set())
    table = acme_live(welkin_emulator).patients
    for stamp, row_id in enumerate(list(table.ids())[::7], start=10**9):
        table.put(row_id, {**table.get(row_id), "newlyServed": 1}, stamp)  # type: ignore[dict-item]
    with pytest.warns(ModelsBehindWarning) as caught:
        async with connect() as client:
            got = [p async for p in client.paginate("POST", PAGES, size=7, item_type=Patient)]
    assert [dict(p.wire_extra) for p in got if p.wire_extra] == [{"newlyServed": 1}] * 2
    assert len(caught) == 1
    assert "Patient" in str(caught[0].message)
    assert "regenerate" in str(caught[0].message)


@pytest.mark.welkin_emulator(patients=20)
async def test_without_msgspec_the_general_path_gives_the_same_models(
    welkin_emulator: WelkinEmulator, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the twins unavailable, a typed scan gives equal models, silently."""
    async with connect() as client:
        fast = [p async for p in client.paginate("POST", PAGES, size=7, item_type=Patient)]
        monkeypatch.setattr(_wire, "AVAILABLE", False)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ModelsBehindWarning)
            slow = [p async for p in client.paginate("POST", PAGES, size=7, item_type=Patient)]
    assert fast == slow
    assert _same_types(fast, slow)


@pytest.mark.welkin_emulator(patients=20)
async def test_without_msgspec_a_typed_export_gives_the_same_models(
    welkin_emulator: WelkinEmulator, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the twins unavailable, a typed export stream gives equal models, silently."""
    async with connect() as client:
        fast = [p async for p in client.exports.stream("PATIENT", page_size=7)]
        monkeypatch.setattr(_wire, "AVAILABLE", False)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ModelsBehindWarning)
            slow = [p async for p in client.exports.stream("PATIENT", page_size=7)]
    assert fast == slow
    assert _same_types(fast, slow)


def test_a_style_with_an_unbound_generic_reads_its_default() -> None:
    """CdtRecord alone is CdtRecord[dict[str, Any]], its jsonBody a plain dict, as today."""
    document = {"id": "6f1d2c3b-0a9e-4d8c-b7a6-1e2f3a4b5c6d", "jsonBody": {"a": [1, 2.5]}}
    fast = _wire.decode_page("cursor", _page([document]), CdtRecord)
    assert fast is not None
    assert fast[0].items[0].json_body == {"a": [1, 2.5]}
