"""OpenTelemetry tracing: one span per logical call, retries as events, W3C context sent along;
read back from opentelemetry-sdk's in-memory exporter, against the emulator over loopback."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.conftest import Connect, a_patient, acme_live
from welkin_async import ClientCredentials, WelkinClient
from welkin_async.errors import ConfigurationError, NotFound
from welkin_async.testing import Fault, ReceivedRequest, WelkinEmulator
from welkin_async.tracing import CallTrace, OpenTelemetryTracing

pytestmark = pytest.mark.welkin_emulator(patients=3, tenants=["acme"])
GET_ONE = "GET /patients/{patient_id}"
SPAN = "GET patients/{patient_id}"


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    memory = InMemorySpanExporter()
    yield memory
    memory.clear()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    traces = TracerProvider()
    traces.add_span_processor(SimpleSpanProcessor(exporter))
    return traces


def spans_named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [span for span in exporter.get_finished_spans() if span.name == name]


async def test_one_span_per_call_with_its_outcome_and_no_ids(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
) -> None:
    pid = a_patient(welkin_emulator)
    row = acme_live(welkin_emulator).patients.rows[pid]
    seen: list[ReceivedRequest] = []
    welkin_emulator.on_received(seen.append)
    async with connect(tracing=OpenTelemetryTracing(provider)) as client:
        await client.patients.get(pid)
    (span,) = spans_named(exporter, SPAN)
    assert span.kind is trace.SpanKind.CLIENT
    assert dict(span.attributes or {}) == {
        "http.request.method": "GET",
        "url.template": "patients/{patient_id}",
        "http.response.status_code": 200,
        "welkin.attempts": 1,
        "welkin.retries": 0,
    }
    assert span.status.status_code is trace.StatusCode.UNSET
    # The token exchange the call needed is its own span.
    assert len(spans_named(exporter, "POST oauth/token")) == 1
    # The attempt carried the span's context (W3C traceparent: version-trace-span-flags).
    (received,) = [r for r in seen if r.route == GET_ONE]
    context = span.context
    assert context is not None
    assert received.headers["traceparent"] == (
        f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"
    )
    text = repr([(s.name, s.attributes, s.events) for s in exporter.get_finished_spans()])
    assert not [value for value in (pid, row["firstName"], row["mrn"]) if str(value) in text]


async def test_retries_are_events_of_the_one_span(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
) -> None:
    pid = a_patient(welkin_emulator)
    welkin_emulator.faults = [Fault("status", status=503, route=GET_ONE)]
    parents: set[str] = set()

    def heal_on_the_retry(received: ReceivedRequest) -> None:
        if received.route == GET_ONE:
            parents.add(received.headers["traceparent"])
            if len(parents) == 1 and welkin_emulator.stats.requests[GET_ONE] == 2:
                welkin_emulator.faults = []

    welkin_emulator.on_received(heal_on_the_retry)
    async with connect(tracing=OpenTelemetryTracing(provider)) as client:
        await client.patients.get(pid)
    (span,) = spans_named(exporter, SPAN)
    attributes = dict(span.attributes or {})
    assert (attributes["welkin.attempts"], attributes["welkin.retries"]) == (2, 1)
    assert attributes["http.response.status_code"] == 200
    (event,) = span.events
    assert event.name == "retry"
    assert dict(event.attributes or {})["welkin.retry.reason"] == "HTTP 503"
    assert len(parents) == 1  # both attempts carried the same span's context


async def test_a_failed_call_is_an_error_span_within_the_callers_trace(
    connect: Connect, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    tracer = provider.get_tracer("a service")
    async with connect(tracing=OpenTelemetryTracing(provider)) as client:
        with tracer.start_as_current_span("handle request") as outer, pytest.raises(NotFound):
            await client.patients.get("00000000-0000-4000-8000-000000000000")
    (span,) = spans_named(exporter, SPAN)
    assert span.status.status_code is trace.StatusCode.ERROR
    assert span.status.description is None  # the error's text is not copied into the trace
    attributes = dict(span.attributes or {})
    assert (attributes["error.type"], attributes["http.response.status_code"]) == ("404", 404)
    assert span.parent is not None
    assert span.parent.span_id == outer.get_span_context().span_id
    assert span.context.trace_id == outer.get_span_context().trace_id


def test_without_opentelemetry_the_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    with pytest.raises(ConfigurationError, match=r"welkin-async\[otel\]"):
        OpenTelemetryTracing()


@pytest.mark.welkin_emulator(
    patients=1, tenants=["acme"], faults=[Fault(kind="latency", seconds=60.0, route=GET_ONE)]
)
async def test_a_cancelled_call_ends_its_span(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
) -> None:
    arrived = asyncio.Event()
    welkin_emulator.on_request(lambda route: arrived.set() if route == GET_ONE else None)
    async with connect(tracing=OpenTelemetryTracing(provider)) as client:
        call = asyncio.create_task(client.patients.get(a_patient(welkin_emulator)))
        await arrived.wait()  # the server holds the request: the call is in flight
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
    (span,) = spans_named(exporter, SPAN)
    assert span.status.status_code is trace.StatusCode.ERROR
    assert dict(span.attributes or {})["error.type"] == "CancelledError"


class BrokenTracing:
    """A tracer whose every part fails, or tries to replace the client's own headers."""

    def __init__(self, fail_at: str) -> None:
        self.fail_at = fail_at

    def start(self, method: str, template: str) -> CallTrace:
        if self.fail_at == "start":
            raise RuntimeError("start")
        return self

    def headers(self) -> Mapping[str, str]:
        if self.fail_at == "headers":
            return {"Authorization": "Bearer forged", "traceparent": "x"}
        return {"X-Trace": "1"}

    def retry(self, attempt: int, reason: str, delay: float) -> None:
        raise RuntimeError("retry")

    def end(self, status: int | None, attempts: int, error: BaseException | None) -> None:
        if self.fail_at == "end":
            raise RuntimeError("end")


@pytest.mark.parametrize("fail_at", ["start", "headers", "end"])
async def test_a_failing_tracer_never_fails_or_rewrites_a_call(
    welkin_emulator: WelkinEmulator, connect: Connect, fail_at: str
) -> None:
    pid = a_patient(welkin_emulator)
    seen: list[ReceivedRequest] = []
    welkin_emulator.on_received(seen.append)
    async with connect(tracing=BrokenTracing(fail_at)) as client:
        patient = await client.patients.get(pid)
        with pytest.raises(NotFound):  # the real error, not the tracer's
            await client.patients.get("00000000-0000-4000-8000-000000000000")
    assert str(patient.id) == pid
    (first, _) = [r for r in seen if r.route == GET_ONE]
    assert first.headers["Authorization"] != "Bearer forged"
    assert ("X-Trace" in first.headers) is (fail_at == "end")


@pytest.mark.parametrize("tracing", [True, "otel", OpenTelemetryTracing])
def test_tracing_must_be_a_tracer(tracing: Any) -> None:
    """``tracing=True`` (or the class itself) would trace nothing: refused when made."""
    with pytest.raises(ConfigurationError, match="tracing must be a Tracing"):
        WelkinClient(
            tenant="acme",
            environment="live",
            credentials=ClientCredentials("id", "secret"),
            tracing=tracing,
        )
