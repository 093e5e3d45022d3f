"""Nothing secret leaks: after a workload that meets every failure the client reports, the client
secrets, the bearer tokens and the patient identifiers it used appear in no log line of any logger
at DEBUG (tracebacks included), in no repr, and in the text of no raised error."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs
import pytest

from tests.conftest import Connect
from welkin_async import (
    ApiClientSecret,
    ClientCredentials,
    Page,
    Paginator,
    RateLimit,
    RequestEvent,
    ResponseEvent,
    RetryEvent,
    RetryPolicy,
    Timeouts,
    WelkinClient,
    WelkinError,
)
from welkin_async._transport import AiohttpTransport, RawResponse
from welkin_async.errors import (
    AuthenticationError,
    BadRequest,
    Conflict,
    DecodeError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ReadError,
    ServerError,
)
from welkin_async.errors import TimeoutError as WelkinTimeoutError
from welkin_async.models import Patient
from welkin_async.testing import Fault, WelkinEmulator

Kind = Literal["client_credentials", "api_client"]
KINDS: tuple[Kind, ...] = ("client_credentials", "api_client")
PATIENT = "patients/{id}"
GET_PATIENT = "GET /patients/{patient_id}"
TOKEN_ENDPOINTS = frozenset({"oauth/token", "admin/api_clients/{client_name}"})
FAST = RetryPolicy(max_tries=3, initial_delay=0.001, max_delay=0.002)
APP_LOG = logging.getLogger("tests.leaks.app")  # stands for a service that logs what it catches

# The step of the workload that must fail, and how.
EXPECTED: dict[str, type[WelkinError]] = {
    "404 unknown patient": NotFound,
    "409 duplicate externalId": Conflict,
    "400 page size 0": BadRequest,
    "400 invalid body": BadRequest,
    "403 role may not delete": PermissionDenied,
    "401 wrong secret": AuthenticationError,
    "503 retried": ServerError,
    "malformed JSON": DecodeError,
    "reset after POST": ReadError,
    "429 storm": RateLimited,
}


# --- what the workload leaves behind -------------------------------------------------------------


@attrs.define
class Evidence:
    """The values that must stay hidden, and every text a leak could hide in."""

    canaries: dict[str, str] = attrs.Factory(dict)  # what it is -> its value
    bearer_tokens: set[str] = attrs.Factory(set)
    basic_credentials: set[str] = attrs.Factory(set)
    errors: dict[str, WelkinError] = attrs.Factory(dict)  # workload step -> what it raised
    events: list[RequestEvent | ResponseEvent | RetryEvent] = attrs.Factory(list)
    reprs: list[str] = attrs.Factory(list)
    logs: list[str] = attrs.Factory(list)
    replays: int = 0

    def all_canaries(self) -> dict[str, str]:
        """The named canaries plus every credential the transports sent."""
        sent = {f"bearer token {i}": token for i, token in enumerate(sorted(self.bearer_tokens))}
        basic = {f"basic credentials {i}": v for i, v in enumerate(sorted(self.basic_credentials))}
        return {**self.canaries, **sent, **basic}

    def error_texts(self) -> list[str]:
        """str and repr of every raised error and its causes, and each formatted traceback."""
        texts: list[str] = []
        for error in self.errors.values():
            texts.extend(text for exc in chain(error) for text in (str(exc), repr(exc)))
            texts.append("".join(traceback.format_exception(error)))
        return texts

    def leaked(self, texts: Iterable[str]) -> list[str]:
        """Which canaries appear in any of ``texts`` (by name, so a failure shows no value)."""
        joined = "\n".join(texts)
        return sorted(name for name, value in self.all_canaries().items() if value in joined)


def chain(error: BaseException) -> Iterator[BaseException]:
    """``error`` and everything reachable through ``__cause__`` and ``__context__``."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        exc = pending.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        yield exc
        pending.extend((exc.__cause__, exc.__context__))


def canary(label: str) -> str:
    return f"{label}-canary-{uuid.uuid4().hex}"


def patient_fields(evidence: Evidence, suffix: str) -> dict[str, str]:
    """A new patient's identifying fields, each a canary named with ``suffix``."""
    fields = {"externalId": canary("EXT"), "mrn": canary("MRN")}
    evidence.canaries.update({f"{key} {suffix}": value for key, value in fields.items()})
    return fields


def secret_of(credentials: ClientCredentials | ApiClientSecret) -> str:
    if isinstance(credentials, ClientCredentials):
        return credentials.client_secret
    return credentials.secret


def with_wrong_secret(
    credentials: ClientCredentials | ApiClientSecret, secret: str
) -> ClientCredentials | ApiClientSecret:
    if isinstance(credentials, ClientCredentials):
        return ClientCredentials(credentials.client_id, secret)
    return ApiClientSecret(credentials.client_name, secret)


# --- a transport that knows the credentials it sends ---------------------------------------------


def note_credentials(evidence: Evidence, headers: Mapping[str, str]) -> None:
    """Keep the bearer token or Basic credentials of an Authorization header."""
    scheme, _, value = headers.get("Authorization", "").partition(" ")
    if scheme == "Bearer":
        evidence.bearer_tokens.add(value)
    elif scheme == "Basic":
        evidence.basic_credentials.add(value)


class RecordingTransport:
    """The real aiohttp transport, noting the credentials in every Authorization header."""

    def __init__(self, evidence: Evidence) -> None:
        self._inner = AiohttpTransport(max_connections=8, timeouts=Timeouts())
        self._evidence = evidence

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        template: str,
        timeouts: Timeouts | None = None,
    ) -> RawResponse:
        note_credentials(self._evidence, headers)
        return await self._inner.send(
            method, url, headers=headers, body=body, template=template, timeouts=timeouts
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


class SplitTransport:
    """Token requests through one aiohttp transport, API calls through another: that one with
    ``api_timeouts``, and sent to ``api_origin`` instead of ``origin`` if given. Notes every
    credential it sends, like :class:`RecordingTransport`."""

    def __init__(
        self,
        evidence: Evidence,
        origin: str,
        *,
        api_origin: str | None = None,
        api_timeouts: Timeouts | None = None,
    ) -> None:
        self._tokens = AiohttpTransport(max_connections=2, timeouts=Timeouts())
        self._api = AiohttpTransport(max_connections=2, timeouts=api_timeouts or Timeouts())
        self._evidence = evidence
        self._origin, self._api_origin = origin, api_origin or origin

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        template: str,
        timeouts: Timeouts | None = None,
    ) -> RawResponse:
        note_credentials(self._evidence, headers)
        if template in TOKEN_ENDPOINTS:
            return await self._tokens.send(
                method, url, headers=headers, body=body, template=template, timeouts=timeouts
            )
        url = url.replace(self._origin, self._api_origin, 1)
        return await self._api.send(
            method, url, headers=headers, body=body, template=template, timeouts=timeouts
        )

    async def aclose(self) -> None:
        await self._tokens.aclose()
        await self._api.aclose()


# --- every log record of every logger ------------------------------------------------------------


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the message, and any traceback or stack


@contextlib.contextmanager
def all_logging_at_debug() -> Iterator[list[str]]:
    """Every record of every logger at DEBUG, formatted, while the block runs."""
    root = logging.getLogger()
    loggers = [
        root,
        *(x for x in root.manager.loggerDict.values() if isinstance(x, logging.Logger)),
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    handler = _Lines()
    deaf = [logger for logger in loggers if not logger.propagate]  # records never reach the root
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    for logger in (root, *deaf):
        logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        for logger in (root, *deaf):
            logger.removeHandler(handler)
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled


# --- the workload --------------------------------------------------------------------------------


async def expect(evidence: Evidence, step: str, call: Awaitable[object]) -> None:
    """Run ``call``; keep what it raises under ``step``, and log it as a service would."""
    try:
        await call
    except WelkinError as exc:
        evidence.errors[step] = exc
        APP_LOG.warning("%s failed: %s", step, exc, exc_info=exc)


async def drain(paginator: Paginator[Any]) -> list[Page[Any]]:
    return [page async for page in paginator.pages()]


def remember(evidence: Evidence, client: WelkinClient) -> None:
    """The reprs of a client and of every policy and value it holds."""
    evidence.reprs.extend(
        repr(value)
        for value in (
            client,
            client.credentials,
            client.retry,
            client.rate_limit,
            client.timeouts,
            client.stats,
        )
    )


class Workload:
    """Normal CRUD of a patient, then each failure the client reports, as one credentials kind."""

    def __init__(self, emulator: WelkinEmulator, connect: Connect, kind: Kind) -> None:
        self.emulator = emulator
        self.connect = connect
        self.kind = kind
        self.evidence = Evidence()

    def hooks(self) -> dict[str, object]:
        events = self.evidence.events

        async def on_retry(event: RetryEvent) -> None:  # a coroutine hook, as some services use
            events.append(event)

        return {"on_request": events.append, "on_response": events.append, "on_retry": on_retry}

    def client(self, role: str = "admin", /, **options: object) -> WelkinClient:
        credentials = self.emulator.credentials(role=role, kind=self.kind)
        self.evidence.canaries[f"{role} secret"] = secret_of(credentials)
        options.setdefault("retry", FAST)
        transport = RecordingTransport(self.evidence)
        return self.connect(kind=self.kind, role=role, transport=transport, **options)

    async def run(self) -> Evidence:
        patient_id = await self.as_admin()
        await self.forbidden_delete(patient_id)
        await self.wrong_secret(patient_id)
        await self.throttled(patient_id)
        async with self.client(**self.hooks()) as admin:
            await admin.request("DELETE", PATIENT, path_params={"id": patient_id})
            remember(self.evidence, admin)
        return self.evidence

    async def as_admin(self) -> str:
        """CRUD, 404, 409, 400s, expiry, 503, malformed JSON and a reset; the patient's id."""
        evidence, emulator = self.evidence, self.emulator
        fields = patient_fields(evidence, "1")
        options = {**self.hooks(), "rate_limit": RateLimit(per_second=1000)}
        async with self.client(**options) as client:
            created = await client.request("POST", "patients", json=fields)
            patient_id = str(created["id"])
            evidence.canaries["patient id 1"] = patient_id
            one = {"id": patient_id}
            await client.request("GET", PATIENT, path_params=one)
            await client.request("PATCH", PATIENT, path_params=one, json={"lastName": "Bird"})
            found = client.paginate(
                "POST", "by-filter/patients", json={"ids": [patient_id]}, item_type=Patient
            )
            pages = await drain(found)
            evidence.reprs.extend(repr(x) for page in pages for x in (page, *page.items))

            missing = str(uuid.uuid4())
            evidence.canaries["unknown patient id"] = missing
            get_missing = client.request("GET", PATIENT, path_params={"id": missing})
            await expect(evidence, "404 unknown patient", get_missing)
            duplicate = client.request(
                "POST", "patients", json={"externalId": fields["externalId"]}
            )
            await expect(evidence, "409 duplicate externalId", duplicate)
            by_external_id = {"externalIds": [fields["externalId"]]}
            bad_size = client.paginate(
                "POST", "by-filter/patients", params={"size": 0}, json=by_external_id
            )
            await expect(evidence, "400 page size 0", drain(bad_size))
            bad_gender = {"gender": fields["mrn"]}  # a value the server may quote back
            patch = client.request("PATCH", PATIENT, path_params=one, json=bad_gender)
            await expect(evidence, "400 invalid body", patch)

            emulator.clock.advance(3700)  # the server now refuses the cached token
            await client.request("GET", PATIENT, path_params=one)
            evidence.replays = client.stats.replays

            emulator.faults = f"503 for {GET_PATIENT}"
            await expect(evidence, "503 retried", client.request("GET", PATIENT, path_params=one))
            emulator.faults = f"malformed for {GET_PATIENT}"
            malformed = client.request("GET", PATIENT, path_params=one)
            await expect(evidence, "malformed JSON", malformed)
            emulator.faults = "reset-after for POST /patients"
            lost = patient_fields(evidence, "2")
            await expect(
                evidence, "reset after POST", client.request("POST", "patients", json=lost)
            )
            emulator.faults = None

            # The reset POST was applied: find that patient by external id, and delete it.
            by_eid = {"id": lost["externalId"]}
            second = await client.request(
                "GET", PATIENT, path_params=by_eid, params={"type": "EID"}
            )
            evidence.canaries["patient id 2"] = str(second["id"])
            await client.request("DELETE", PATIENT, path_params={"id": second["id"]})
            remember(evidence, client)
        remember(evidence, client)  # closed, too
        return patient_id

    async def forbidden_delete(self, patient_id: str) -> None:
        async with self.client("integration-no-delete", **self.hooks()) as client:
            delete = client.request("DELETE", PATIENT, path_params={"id": patient_id})
            await expect(self.evidence, "403 role may not delete", delete)
            remember(self.evidence, client)

    async def wrong_secret(self, patient_id: str) -> None:
        right = self.emulator.credentials(kind=self.kind)
        wrong = with_wrong_secret(right, canary("wrong-secret"))
        self.evidence.canaries["wrong secret"] = secret_of(wrong)
        transport = RecordingTransport(self.evidence)
        async with WelkinClient(
            tenant="acme",
            environment="live",
            credentials=wrong,
            base_url=self.emulator.url,
            retry=FAST,
            transport=transport,
        ) as client:
            get = client.request("GET", PATIENT, path_params={"id": patient_id})
            await expect(self.evidence, "401 wrong secret", get)
            remember(self.evidence, client)

    async def throttled(self, patient_id: str) -> None:
        self.emulator.faults = [Fault("storm", length=1, route=GET_PATIENT, retry_after=1)]
        try:
            async with self.client(retry=RetryPolicy(max_tries=1), **self.hooks()) as client:
                get = client.request("GET", PATIENT, path_params={"id": patient_id})
                await expect(self.evidence, "429 storm", get)
                remember(self.evidence, client)
        finally:
            self.emulator.faults = None


@pytest.fixture(params=KINDS)
async def evidence(
    request: pytest.FixtureRequest, welkin_emulator: WelkinEmulator, connect: Connect
) -> Evidence:
    """The workload run as one credentials kind, with every log record captured meanwhile."""
    with all_logging_at_debug() as lines:
        found = await Workload(welkin_emulator, connect, request.param).run()
    found.logs = list(lines)
    return found


# --- the workload did what it must, so the checks below can fail --------------------------------


def test_the_workload_meets_every_failure(evidence: Evidence) -> None:
    """Each failing step raised exactly the error type it was meant to provoke."""
    raised = {step: type(error) for step, error in evidence.errors.items()}
    assert raised == EXPECTED


def test_the_expired_token_was_refreshed_and_the_call_replayed(evidence: Evidence) -> None:
    """The clock jump made the server refuse one token: one replay, with a new token."""
    assert evidence.replays == 1
    # admin: first token and its replacement; the 403 client, the 429 client and the final
    # admin client: one each; the wrong secret never got one.
    assert len(evidence.bearer_tokens) == 5


def test_the_rate_limited_error_carries_retry_after(evidence: Evidence) -> None:
    """The storm's 429 ended in RateLimited with the server's wait, as max_tries=1 allows."""
    error = evidence.errors["429 storm"]
    assert isinstance(error, RateLimited)
    assert error.retry_after == 1.0


def test_the_searched_texts_hold_what_a_leak_would_hide_in(evidence: Evidence) -> None:
    """The logs hold the SDK's DEBUG lines and the service's tracebacks; reprs and events exist."""
    logs = "\n".join(evidence.logs)
    for line in ("-> 401", "-> 503", "-> ReadError", "retrying GET patients/{id}"):
        assert line in logs
    assert "Traceback (most recent call last)" in logs
    assert {type(event) for event in evidence.events} == {RequestEvent, ResponseEvent, RetryEvent}
    assert any(text.startswith("WelkinClient(") for text in evidence.reprs)
    assert len(evidence.error_texts()) >= 3 * len(EXPECTED)


def test_the_search_finds_a_planted_canary(evidence: Evidence) -> None:
    """A token, a secret or a patient id written into a text is found, so silence means clean."""
    names = evidence.all_canaries()
    planted = [f"...{names[name]}..." for name in ("bearer token 0", "admin secret", "mrn 1")]
    assert evidence.leaked(planted) == sorted(["bearer token 0", "admin secret", "mrn 1"])


# --- the acceptance check ------------------------------------------------------------------------


def test_no_canary_in_any_log_line(evidence: Evidence) -> None:
    """No secret, token or patient identifier is in any DEBUG log record of any logger."""
    assert evidence.logs
    assert evidence.leaked(evidence.logs) == []


def test_no_canary_in_any_raised_error(evidence: Evidence) -> None:
    """No secret, token or patient identifier is in the str, repr or traceback of an error."""
    assert evidence.leaked(evidence.error_texts()) == []


def test_no_canary_in_any_repr(evidence: Evidence) -> None:
    """No secret, token or patient identifier is in the repr of a client, its credentials,
    policies and stats, a page, a patient model, or a hook's event."""
    texts = [*evidence.reprs, *(repr(event) for event in evidence.events)]
    assert evidence.leaked(texts) == []


# --- errors the workload's faults do not provoke --------------------------------------------------


@pytest.fixture
async def garbled_origin() -> AsyncIterator[str]:
    """A loopback server whose every answer is not valid HTTP (a bad Content-Length)."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n")
            await writer.drain()
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def failed_get(evidence: Evidence, client: WelkinClient) -> WelkinError:
    """What a GET of a (canary) patient id raises through ``client``."""
    patient_id = evidence.canaries["patient id"] = str(uuid.uuid4())
    async with client:
        with pytest.raises(WelkinError) as caught:
            await client.request("GET", PATIENT, path_params={"id": patient_id})
    return caught.value


async def test_no_canary_in_the_error_chain_of_a_garbled_answer(
    welkin_emulator: WelkinEmulator, connect: Connect, garbled_origin: str
) -> None:
    """An answer that is not HTTP raises ReadError; no error in its chain (``__context__``
    included) shows the bearer token or the patient id."""
    evidence = Evidence()
    transport = SplitTransport(evidence, welkin_emulator.url, api_origin=garbled_origin)
    error = await failed_get(evidence, connect(retry=FAST, transport=transport))
    assert isinstance(error, ReadError)
    assert evidence.bearer_tokens
    evidence.errors["garbled answer"] = error
    assert evidence.leaked(evidence.error_texts()) == []


async def test_no_canary_in_the_error_chain_of_a_connect_timeout(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A connect timeout (forced by a one-microsecond limit) raises TimeoutError; no error in
    its chain (``__context__`` included) shows the patient id."""
    evidence = Evidence()
    instant = Timeouts(connect=1e-6)
    transport = SplitTransport(evidence, welkin_emulator.url, api_timeouts=instant)
    error = await failed_get(evidence, connect(retry=FAST, transport=transport))
    assert isinstance(error, WelkinTimeoutError)
    assert not error.request_sent
    evidence.errors["connect timeout"] = error
    assert evidence.leaked(evidence.error_texts()) == []


async def test_no_canary_in_the_error_chain_of_an_unreadable_field(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A stored birthDate that is not a date (server drift) raises DecodeError when paged as
    Patient; no error in its chain (``__context__`` included) shows the value."""
    evidence = Evidence()
    async with connect(transport=RecordingTransport(evidence)) as client:
        created = await client.request("POST", "patients", json=patient_fields(evidence, "1"))
        live = welkin_emulator.tenant("acme").environments["live"]
        drifted = {**created, "birthDate": canary("birthDate")}
        evidence.canaries["birthDate"] = drifted["birthDate"]
        live.patients.put(created["id"], drifted, live.stamp(welkin_emulator.clock))
        pages = client.paginate(
            "POST", "by-filter/patients", json={"ids": [created["id"]]}, item_type=Patient
        )
        with pytest.raises(DecodeError) as caught:
            await drain(pages)
    assert caught.value.path == "$.content[0].birthDate"
    evidence.errors["unreadable field"] = caught.value
    assert evidence.leaked(evidence.error_texts()) == []
