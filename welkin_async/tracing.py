"""Tracing: one span per logical call, whatever its attempts, and the trace carried onwards.

``WelkinClient(..., tracing=OpenTelemetryTracing())`` (the ``otel`` extra: opentelemetry-api)
makes each call a CLIENT span named by its method and path template (``GET patients/{id}``),
with the final status, the attempts and retries it took, and an event per retry; every attempt
carries the span's W3C ``traceparent`` (through OpenTelemetry's configured propagator), so the
server's and any proxy's spans join the caller's trace. Spans hold no ids, bodies, tokens or
filled paths.

Another tracing system plugs in through :class:`Tracing`: ``start`` is called once per call,
and the :class:`CallTrace` it returns is told of each retry and of the end. A tracer that
raises is logged at DEBUG and otherwise ignored: tracing never fails a call.

A streamed call (a document download) ends its span when the answer's headers arrive; reading
the body is the caller's and is not part of the span.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, Protocol

from welkin_async._options import checked_headers
from welkin_async.errors import APIError, ConfigurationError

if TYPE_CHECKING:
    from opentelemetry.trace import Span, TracerProvider

__all__ = ["CallTrace", "OpenTelemetryTracing", "Tracing"]

logger = logging.getLogger("welkin_async")


class CallTrace(Protocol):
    """The trace of one logical call."""

    def headers(self) -> Mapping[str, str]:
        """Headers every attempt carries (``traceparent``)."""
        ...

    def retry(self, attempt: int, reason: str, delay: float) -> None:
        """Attempt ``attempt`` failed with ``reason`` (``"HTTP 503"``); the next follows after
        ``delay`` seconds."""
        ...

    def end(self, status: int | None, attempts: int, error: BaseException | None) -> None:
        """The call ended: its last status (``None``: no answer) after ``attempts`` attempts,
        and the exception it raised, if it did."""
        ...


class Tracing(Protocol):
    """Makes a :class:`CallTrace` for each call the client makes."""

    def start(self, method: str, template: str) -> CallTrace:
        """A call of ``method`` on the path template ``template`` begins."""
        ...


def start_call(tracing: Tracing, method: str, template: str) -> CallTrace | None:
    """``tracing``'s trace of one call, guarded: a tracer's failure never fails the call."""
    try:
        return _Guarded(tracing.start(method, template))
    except Exception as exc:  # noqa: BLE001 - a tracer's bug must not break the API call
        _noted(exc)
        return None


def _noted(exc: Exception) -> None:
    logger.debug("the tracer failed (%s); the call goes on untraced", type(exc).__name__)


class _Guarded:
    """A :class:`CallTrace` whose failures are logged (their type only) and go no further, and
    whose headers are checked as a caller's extra headers are: a tracer cannot replace the
    token or split the request."""

    __slots__ = ("_trace",)

    def __init__(self, trace: CallTrace) -> None:
        self._trace = trace

    def headers(self) -> Mapping[str, str]:
        try:
            return checked_headers(self._trace.headers(), "the tracer's headers")
        except Exception as exc:  # noqa: BLE001
            _noted(exc)
            return {}

    def retry(self, attempt: int, reason: str, delay: float) -> None:
        try:
            self._trace.retry(attempt, reason, delay)
        except Exception as exc:  # noqa: BLE001
            _noted(exc)

    def end(self, status: int | None, attempts: int, error: BaseException | None) -> None:
        try:
            self._trace.end(status, attempts, error)
        except Exception as exc:  # noqa: BLE001
            _noted(exc)


class OpenTelemetryTracing:
    """:class:`Tracing` with OpenTelemetry: spans from ``tracer_provider`` (the global one by
    default), context injected by the global propagator (W3C trace context by default)."""

    def __init__(self, tracer_provider: TracerProvider | None = None) -> None:
        try:
            from opentelemetry import propagate, trace
        except ImportError:
            raise ConfigurationError(
                "OpenTelemetryTracing needs opentelemetry-api: pip install 'welkin-async[otel]'"
            ) from None
        self._trace = trace
        self._propagate = propagate
        self._tracer = trace.get_tracer(
            "welkin_async", version("welkin-async"), tracer_provider=tracer_provider
        )

    def start(self, method: str, template: str) -> CallTrace:
        span = self._tracer.start_span(
            f"{method} {template}",
            kind=self._trace.SpanKind.CLIENT,
            attributes={"http.request.method": method, "url.template": template},
        )
        return _OpenTelemetryCall(self, span)


class _OpenTelemetryCall:
    __slots__ = ("_headers", "_retries", "_span", "_tracing")

    def __init__(self, tracing: OpenTelemetryTracing, span: Span) -> None:
        self._tracing = tracing
        self._span = span
        self._retries = 0
        self._headers: dict[str, str] | None = None

    def headers(self) -> Mapping[str, str]:
        if self._headers is None:  # the same context for every attempt of the call
            carrier: dict[str, str] = {}
            context = self._tracing._trace.set_span_in_context(self._span)
            self._tracing._propagate.inject(carrier, context=context)
            self._headers = carrier
        return self._headers

    def retry(self, attempt: int, reason: str, delay: float) -> None:
        self._retries += 1
        self._span.add_event(
            "retry",
            {"welkin.attempt": attempt, "welkin.retry.reason": reason, "welkin.retry.delay": delay},
        )

    def end(self, status: int | None, attempts: int, error: BaseException | None) -> None:
        span = self._span
        attributes: dict[str, Any] = {"welkin.attempts": attempts, "welkin.retries": self._retries}
        if status is not None:
            attributes["http.response.status_code"] = status
        span.set_attributes(attributes)
        if error is not None:
            # The status code or the exception's class: never its message.
            kind = str(error.status) if isinstance(error, APIError) else type(error).__name__
            span.set_attribute("error.type", kind)
            span.set_status(self._tracing._trace.StatusCode.ERROR)
        span.end()
