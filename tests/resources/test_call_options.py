"""Per-call options on the resources: every public method takes ``extra_headers=``,
``extra_query=`` and ``timeout=``, and against the emulator the header and the query parameter
reach the server and a tiny timeout fails the call, for a read, a create, an update, every page
of a list and a file download."""

from __future__ import annotations

import ast
import inspect
import textwrap
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Unpack

import pytest

from tests.conftest import Connect, a_patient, acme_live
from welkin_async import RequestOptions, RetryPolicy
from welkin_async.errors import TimeoutError
from welkin_async.resources import __all__ as resource_names
from welkin_async.resources._base import Resource
from welkin_async.testing import ReceivedRequest, WelkinEmulator
from welkin_async.testing._documents import SEED_EVERY

OPTIONS = ("extra_headers", "extra_query", "timeout")
# Public methods that send nothing themselves, and why.
SENDS_NOTHING = {
    "Encounters.assessments": "returns a view of one encounter's links; its methods send",
    "Encounters.comments": "returns a view of one encounter's comments; its methods send",
    "Audits.cdt_record": "structures a data-audit entry already read",
}
HEADER, TAG = "X-Caller-Tag", "nightly-sync"
PROBE: dict[str, str | bool] = {"probe": "h3", "flag": True}
PROBE_SENT = {"probe": "h3", "flag": "true"}
ONCE = RetryPolicy(max_tries=1)  # a timed-out GET is not tried again: one attempt to observe
SLOW = "latency=300ms for {route}"
TINY = 0.05  # seconds: far below the injected latency

GET = "GET /patients/{patient_id}"
CREATE = "POST /patients"
UPDATE = "PATCH /patients/{patient_id}"
LIST = "POST /by-filter/patients"
FILE = "GET /patients/{patient_id}/document-summary/{summary_id}/files/{file_id}"

# Seeded patient 1 has a summary with one file (every SEED_EVERY-th from the second).
pytestmark = pytest.mark.welkin_emulator(patients=SEED_EVERY, tenants=["acme"])


# --- every method takes them ---------------------------------------------------------------------


def _resource_classes() -> list[type[Resource]]:
    import welkin_async.resources as package

    found = [getattr(package, name) for name in resource_names]
    return [c for c in found if isinstance(c, type) and issubclass(c, Resource)]


def _public_methods() -> Iterator[tuple[str, Callable[..., Any]]]:
    for cls in _resource_classes():
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            qualified = f"{cls.__name__}.{name}"
            if not name.startswith("_") and qualified not in SENDS_NOTHING:
                yield qualified, member


def _takes_options(function: Callable[..., Any]) -> bool:
    """Whether a signature takes the three options: spelt out as keyword-only parameters, or as
    ``**options: Unpack[RequestOptions]``."""
    function = inspect.unwrap(function)  # a context manager's decorator wraps the method
    hints = typing.get_type_hints(function, include_extras=True)
    parameters = inspect.signature(function).parameters.values()
    keywords = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
    if set(OPTIONS) <= keywords:
        return True
    return any(
        p.kind is inspect.Parameter.VAR_KEYWORD and hints.get(p.name) == Unpack[RequestOptions]
        for p in parameters
    )


def test_every_public_resource_method_takes_the_options() -> None:
    """Every public method of every resource class, and each of its overloads, accepts
    ``extra_headers``, ``extra_query`` and ``timeout``."""
    methods = dict(_public_methods())
    assert len(methods) > 80  # the walk found the resources' methods, not an empty list
    lacking = [
        name
        for name, method in methods.items()
        for variant in [method, *typing.get_overloads(inspect.unwrap(method))]
        if not _takes_options(variant)
    ]
    assert lacking == []


def _names_used(function: Callable[..., Any]) -> set[str]:
    """The names a function's body reads (its source parsed, its signature left out)."""
    source = textwrap.dedent(inspect.getsource(inspect.unwrap(function)))
    (definition,) = ast.parse(source).body
    assert isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef)
    return {
        node.id
        for statement in definition.body
        for node in ast.walk(statement)
        if isinstance(node, ast.Name)
    }


def test_every_method_passes_its_options_on() -> None:
    """A method that takes the options also uses them: its body reads ``options`` (the
    ``**options`` it passes on, or what ``call_options`` made of the spelt-out keywords). A
    method that took them and dropped them would pass the signature test above."""
    dropped = []
    for name, method in _public_methods():
        used = _names_used(method)
        if "options" not in used and not set(OPTIONS) <= used:
            dropped.append(name)
    assert dropped == []


def test_the_exempt_methods_exist() -> None:
    """The methods exempted above are real public methods (a rename would hide one)."""
    classes = {c.__name__: c for c in _resource_classes()}
    for qualified in SENDS_NOTHING:
        owner, name = qualified.split(".")
        assert callable(getattr(classes[owner], name))


# --- they reach the server -----------------------------------------------------------------------


@pytest.fixture
def received(welkin_emulator: WelkinEmulator) -> dict[str, list[ReceivedRequest]]:
    """The requests the emulator received, by route key, as they arrived."""
    seen: dict[str, list[ReceivedRequest]] = {}
    welkin_emulator.on_received(lambda request: seen.setdefault(request.route, []).append(request))
    return seen


def _carries_the_options(request: ReceivedRequest) -> bool:
    query = {key: request.query.get(key) for key in PROBE_SENT}
    return request.headers.get(HEADER) == TAG and query == PROBE_SENT


def _file_of(emulator: WelkinEmulator) -> tuple[str, str, str]:
    """``(patient id, summary id, file id)`` of the seeded summary's first file."""
    row = next(iter(acme_live(emulator).document_summaries.rows.values()))
    return row["patientId"], row["id"], row["jsonBody"]["files"][0]["id"]


async def test_a_read_sends_the_header_and_the_query_parameter(
    welkin_emulator: WelkinEmulator, connect: Connect, received: dict[str, list[ReceivedRequest]]
) -> None:
    """patients.get(id, extra_headers=, extra_query=) sends both with the request."""
    async with connect() as client:
        await client.patients.get(
            a_patient(welkin_emulator), extra_headers={HEADER: TAG}, extra_query=PROBE
        )
    (request,) = received[GET]
    assert _carries_the_options(request)


async def test_a_create_and_an_update_send_the_header_and_the_query_parameter(
    connect: Connect, received: dict[str, list[ReceivedRequest]]
) -> None:
    """The spelt-out options of create() and update() go out beside their keyword fields."""
    async with connect() as client:
        made = await client.patients.create(
            first_name="Ada", extra_headers={HEADER: TAG}, extra_query=PROBE
        )
        await client.patients.update(
            made.id, last_name="Lovelace", extra_headers={HEADER: TAG}, extra_query=PROBE
        )
    assert [_carries_the_options(r) for r in received[CREATE] + received[UPDATE]] == [True, True]


async def test_a_list_sends_the_options_with_every_page(
    welkin_emulator: WelkinEmulator, connect: Connect, received: dict[str, list[ReceivedRequest]]
) -> None:
    """list(..., extra_headers=, extra_query=) sends both with each page it asks for."""
    count = len(acme_live(welkin_emulator).patients.ids())
    async with connect() as client:
        listed = client.patients.list(size=2, extra_headers={HEADER: TAG}, extra_query=PROBE)
        patients = [patient async for patient in listed]
    assert len(patients) == count
    pages = received[LIST]
    assert len(pages) == -(-count // 2) > 1
    assert all(_carries_the_options(page) for page in pages)


async def test_a_download_sends_the_header_and_the_query_parameter(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    received: dict[str, list[ReceivedRequest]],
    tmp_path: Path,
) -> None:
    """documents.download(..., extra_headers=, extra_query=) sends both for the file."""
    patient_id, summary_id, file_id = _file_of(welkin_emulator)
    async with connect() as client:
        saved = await client.documents(patient_id).download(
            summary_id, file_id, tmp_path / "file", extra_headers={HEADER: TAG}, extra_query=PROBE
        )
    assert saved.size > 0
    (request,) = received[FILE]
    assert _carries_the_options(request)


# --- a tiny timeout fails the call ---------------------------------------------------------------


async def test_a_read_with_a_tiny_timeout_times_out(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """patients.get(id, timeout=0.05) against a 300 ms answer raises TimeoutError."""
    welkin_emulator.faults = SLOW.format(route=GET)
    async with connect(retry=ONCE) as client:
        with pytest.raises(TimeoutError):
            await client.patients.get(a_patient(welkin_emulator), timeout=TINY)


async def test_a_create_and_an_update_with_a_tiny_timeout_time_out(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """create(..., timeout=) and update(..., timeout=) each raise TimeoutError on slow answers,
    and the same calls without it succeed: the option, not the client, set the limit."""
    welkin_emulator.faults = f"{SLOW.format(route=CREATE)}; {SLOW.format(route=UPDATE)}"
    async with connect(retry=ONCE) as client:
        with pytest.raises(TimeoutError):
            await client.patients.create(first_name="Ada", timeout=TINY)
        with pytest.raises(TimeoutError):
            await client.patients.update(a_patient(welkin_emulator), city="Salem", timeout=TINY)
        made = await client.patients.create(first_name="Grace")
    assert made.first_name == "Grace"


async def test_a_list_with_a_tiny_timeout_times_out(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A page of list(timeout=0.05) against a 300 ms answer raises TimeoutError."""
    welkin_emulator.faults = SLOW.format(route=LIST)
    async with connect(retry=ONCE) as client:
        with pytest.raises(TimeoutError):
            [patient async for patient in client.patients.list(timeout=TINY)]


async def test_a_download_with_a_tiny_timeout_times_out_and_writes_nothing(
    welkin_emulator: WelkinEmulator, connect: Connect, tmp_path: Path
) -> None:
    """documents.download(..., timeout=0.05) against a 300 ms answer raises TimeoutError and
    leaves no file behind."""
    patient_id, summary_id, file_id = _file_of(welkin_emulator)
    welkin_emulator.faults = SLOW.format(route=FILE)
    async with connect(retry=ONCE) as client:
        with pytest.raises(TimeoutError):
            await client.documents(patient_id).download(
                summary_id, file_id, tmp_path / "file", timeout=TINY
            )
    assert list(tmp_path.iterdir()) == []
