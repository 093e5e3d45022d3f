"""WelkinClient end to end against the emulator: requests and URLs, the lifecycle, the
concurrency bound, hooks and logs, reprs, configuration (also from the environment), and the
typed errors of each failure."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from typing import Any

import pytest

from tests.conftest import KINDS, Connect, Kind, a_patient, get_patient, patient_count
from welkin_async import (
    ApiClientSecret,
    ClientCredentials,
    DecodeError,
    Layout,
    RateLimit,
    RequestEvent,
    ResponseEvent,
    RetryEvent,
    RetryPolicy,
    Timeouts,
    WelkinClient,
    structure,
)
from welkin_async._transport import AiohttpTransport, RawResponse
from welkin_async.errors import (
    APIError,
    BadRequest,
    ClientClosedError,
    ConfigurationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
)
from welkin_async.models import PatientCreate
from welkin_async.testing import Fault, ServerRateLimit, WelkinEmulator

PATIENTS = pytest.mark.welkin_emulator(patients=3)
GET_ONE = "GET /patients/{patient_id}"
QUICK = RetryPolicy(initial_delay=0.001, max_delay=0.002)
ONCE = RetryPolicy(max_tries=1)
SECRET = "Zelda-7731-canary-secret"
UNKNOWN_ID = "no-such-patient-7731"


class RecordingTransport:
    """A narrow transport: notes each URL; answers the token endpoint with a token and every
    other request with ``status`` and ``body``."""

    def __init__(self, status: int = 200, body: bytes = b"{}") -> None:
        self.urls: list[str] = []
        self.status = status
        self.body = body

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
        self.urls.append(url)
        if template == "oauth/token":
            return RawResponse(200, {}, b'{"access_token": "t", "expires_in": 3600}')
        return RawResponse(self.status, {"Location": "https://elsewhere.example/"}, self.body)

    async def aclose(self) -> None:
        return None


def offline_client(transport: RecordingTransport) -> WelkinClient:
    return WelkinClient(
        tenant="acme",
        environment="live",
        credentials=ClientCredentials("client-id", SECRET),
        transport=transport,
    )


# --- requests and URLs ---------------------------------------------------------------------------


@PATIENTS
@pytest.mark.parametrize("kind", KINDS)
async def test_request_returns_the_decoded_json_of_a_patient(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind
) -> None:
    """A GET of a patient returns its JSON document as a dict, for either credentials kind."""
    patient_id = a_patient(welkin_emulator)
    async with connect(kind=kind) as client:
        patient = await get_patient(client, patient_id)
    assert isinstance(patient, dict)
    assert patient["id"] == patient_id


@PATIENTS
@pytest.mark.parametrize(
    ("kind", "layout", "token_route"),
    [
        ("client_credentials", Layout.DOCUMENTED, "POST /oauth/token"),
        ("api_client", Layout.LIVE, "POST /api_clients/{client_name}"),
    ],
)
async def test_the_layout_follows_the_credentials(
    welkin_emulator: WelkinEmulator,
    connect: Connect,
    kind: Kind,
    layout: Layout,
    token_route: str,
) -> None:
    """OAuth credentials use the documented layout, an API client secret the live one, each with
    its own token exchange."""
    async with connect(kind=kind) as client:
        await get_patient(client, a_patient(welkin_emulator))
    assert client.layout is layout
    assert welkin_emulator.stats.requests[token_route] == 1
    assert welkin_emulator.stats.tokens_issued == 1


async def test_path_params_are_percent_encoded(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """An external id with a space and a slash fills one path segment and finds its patient."""
    external_id = "Lovelace Ada/1815"
    async with connect() as client:
        created = await client.request("POST", "patients", json={"externalId": external_id})
        found = await client.request(
            "GET", "patients/{id}", path_params={"id": external_id}, params={"type": "EID"}
        )
    assert found["id"] == created["id"]


@pytest.mark.parametrize("external_id", [".", ".."])
async def test_a_dot_segment_path_param_is_refused_before_sending(
    welkin_emulator: WelkinEmulator, connect: Connect, external_id: str
) -> None:
    """A path parameter that is a dot segment is refused (issue 16): a server or proxy may
    resolve it however percent-encoded, so it could climb the path."""
    async with connect(kind="api_client") as client:
        with pytest.raises(ValueError, match="path parameter 'id'"):
            await client.request(
                "GET", "patients/{id}", path_params={"id": external_id}, params={"type": "EID"}
            )
    assert welkin_emulator.stats.total_requests == 0


async def test_a_missing_path_param_raises_value_error_naming_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A placeholder without a value raises ValueError naming it, and nothing is sent."""
    async with connect() as client:
        with pytest.raises(ValueError, match=r"\{id\}"):
            await client.request("GET", "patients/{id}", path_params={})
    assert welkin_emulator.stats.total_requests == 0


async def test_an_unused_path_param_raises_value_error_naming_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A path parameter the template does not use raises ValueError naming it; nothing is sent."""
    async with connect() as client:
        with pytest.raises(ValueError, match="stray"):
            await client.request("GET", "patients/{id}", path_params={"id": "x", "stray": "y"})
    assert welkin_emulator.stats.total_requests == 0


@pytest.mark.parametrize("kind", KINDS)
async def test_admin_paths_hang_under_the_tenant(
    welkin_emulator: WelkinEmulator, connect: Connect, kind: Kind
) -> None:
    """``admin/users`` is sent under the tenant, not the environment, and lists its users."""
    async with connect(kind=kind) as client:
        users = await client.request("GET", "admin/users")
    assert "admin.riley" in {user["username"] for user in users["data"]}
    assert welkin_emulator.stats.requests["GET /users"] == 1


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"firstName": "Ada", "externalId": "EXT-json-body"}, id="dict"),
        pytest.param(
            structure({"firstName": "Ada", "externalId": "EXT-json-body"}, PatientCreate),
            id="model",
        ),
    ],
)
async def test_json_takes_plain_data_or_a_model(
    welkin_emulator: WelkinEmulator, connect: Connect, body: object
) -> None:
    """A dict and a PatientCreate model as ``json`` both create the patient (201, a dict back)."""
    statuses: list[int] = []
    async with connect(on_response=lambda event: statuses.append(event.status)) as client:
        created = await client.request("POST", "patients", json=body)
    assert statuses[-1] == 201
    assert isinstance(created, dict)
    assert (created["firstName"], created["externalId"]) == ("Ada", "EXT-json-body")
    assert created["id"] in welkin_emulator.tenant("acme").environments["live"].patients


@PATIENTS
async def test_an_empty_answer_returns_none(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A DELETE answered 204 returns None, and the patient is gone."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        result = await client.request("DELETE", "patients/{id}", path_params={"id": patient_id})
    assert result is None
    assert patient_id not in welkin_emulator.tenant("acme").environments["live"].patients


@pytest.mark.parametrize(("value", "text"), [(True, "true"), (False, "false")])
async def test_bool_query_params_are_lowercase_words(value: bool, text: str) -> None:
    """A bool query parameter is sent as ``true`` or ``false``, not Python's ``True``."""
    transport = RecordingTransport()
    async with offline_client(transport) as client:
        await client.request("GET", "patients", params={"flag": value})
    assert transport.urls[-1] == f"https://api.welkinhealth.com/v1/acme/live/patients?flag={text}"


async def test_a_redirect_is_not_taken_for_success() -> None:
    """A 3xx answer (redirects are not followed) raises APIError instead of returning None as if
    the call had succeeded: only 2xx is success."""
    transport = RecordingTransport(status=302, body=b"")
    async with offline_client(transport) as client:
        with pytest.raises(APIError) as caught:
            await client.request("DELETE", "patients/{id}", path_params={"id": "x"})
    assert caught.value.status == 302


# --- the lifecycle -------------------------------------------------------------------------------


@PATIENTS
async def test_a_request_before_async_with_raises_client_closed_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A client not yet opened refuses calls with ClientClosedError and sends nothing."""
    client = connect()
    with pytest.raises(ClientClosedError, match="not open yet"):
        await get_patient(client, a_patient(welkin_emulator))
    assert welkin_emulator.stats.total_requests == 0


@PATIENTS
async def test_a_request_after_exit_raises_client_closed_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A client that has exited its ``async with`` refuses calls with ClientClosedError."""
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        await get_patient(client, patient_id)
    sent = welkin_emulator.stats.total_requests
    with pytest.raises(ClientClosedError, match="closed"):
        await get_patient(client, patient_id)
    assert welkin_emulator.stats.total_requests == sent


async def test_aclose_twice_is_harmless(connect: Connect) -> None:
    """Closing an exited client twice more raises nothing, and its session stays closed."""
    async with connect() as client:
        transport = client._transport
    await client.aclose()
    await client.aclose()
    assert isinstance(transport, AiohttpTransport)
    assert transport._session.closed


async def test_a_closed_client_cannot_be_reopened(connect: Connect) -> None:
    """Entering a client again after it closed raises ClientClosedError."""
    async with connect() as client:
        pass
    with pytest.raises(ClientClosedError, match="opens once"):
        await client.__aenter__()


def _client_tasks(before: set[asyncio.Task[Any]]) -> set[asyncio.Task[Any]]:
    """Tasks started since ``before``, except the emulator's per-connection server handlers
    (which end once they notice the client closed its connections)."""
    return {
        task
        for task in asyncio.all_tasks() - before
        if getattr(task.get_coro(), "__qualname__", "") != "RequestHandler.start"
    }


@PATIENTS
async def test_no_task_of_the_client_outlives_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """After the client exits, no task it started (requests, retries, pages) is left."""
    welkin_emulator.faults = [Fault("status", rate=0.3, route=GET_ONE)]
    before = asyncio.all_tasks()
    patient_id = a_patient(welkin_emulator)
    # Retries enough that every call gets through: a 30% failure rate would otherwise drain
    # the retry budget on a fast run (its refill is per second), which is not what this pins.
    patient_retry = RetryPolicy(
        initial_delay=0.001, max_delay=0.002, max_tries=12, budget_reserve=100.0
    )
    async with connect(retry=patient_retry, max_concurrency=4) as client:
        await asyncio.gather(*(get_patient(client, patient_id) for _ in range(20)))
        pages = [page async for page in client.paginate("POST", "by-filter/patients", size=1)]
    assert len(pages) == 3
    assert _client_tasks(before) == set()


# --- concurrency ---------------------------------------------------------------------------------


async def test_the_connection_pool_is_sized_to_max_concurrency(connect: Connect) -> None:
    """The aiohttp connector allows as many connections as ``max_concurrency``."""
    async with connect(max_concurrency=7) as client:
        transport = client._transport
        assert isinstance(transport, AiohttpTransport)
        connector = transport._session.connector
        assert connector is not None
        assert connector.limit == 7


class InFlight:
    """Counts attempts between their on_request and on_response hooks."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    def on_request(self, event: RequestEvent) -> None:
        if event.path == "patients/{id}":
            self.now += 1
            self.peak = max(self.peak, self.now)

    def on_response(self, event: ResponseEvent) -> None:
        if event.path == "patients/{id}":
            self.now -= 1


@PATIENTS
async def test_max_concurrency_bounds_the_requests_in_flight(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """60 concurrent slow requests with max_concurrency=5 have exactly 5 in flight at the peak."""
    welkin_emulator.faults = "latency=20ms for GET /patients/{patient_id}"
    patient_id = a_patient(welkin_emulator)
    watch = InFlight()
    async with connect(
        max_concurrency=5, on_request=watch.on_request, on_response=watch.on_response
    ) as client:
        await asyncio.gather(*(get_patient(client, patient_id) for _ in range(60)))
    assert watch.peak == 5
    assert welkin_emulator.stats.requests[GET_ONE] == 60


# --- hooks and logs ------------------------------------------------------------------------------

Event = RequestEvent | ResponseEvent | RetryEvent


class Recorder:
    """Keeps every hook event; ends the emulator's faults when a retry is announced."""

    def __init__(self, emulator: WelkinEmulator) -> None:
        self.events: list[Event] = []
        self.emulator = emulator

    def note(self, event: Event) -> None:
        self.events.append(event)
        if isinstance(event, RetryEvent):
            self.emulator.faults = None  # the retry will succeed

    async def note_later(self, event: Event) -> None:
        await asyncio.sleep(0)  # a real suspension: the client must await the hook
        self.note(event)

    def summary(self) -> list[tuple[object, ...]]:
        """The events without their timings."""
        shown: list[tuple[object, ...]] = []
        for event in self.events:
            if isinstance(event, ResponseEvent):
                shown.append(("response", event.method, event.path, event.attempt, event.status))
            elif isinstance(event, RetryEvent):
                shown.append(("retry", event.method, event.path, event.attempt, event.reason))
            else:
                shown.append(("request", event.method, event.path, event.attempt))
        return shown


@PATIENTS
@pytest.mark.parametrize("style", ["sync", "async"])
async def test_hooks_see_each_attempt_by_its_template(
    welkin_emulator: WelkinEmulator, connect: Connect, style: str
) -> None:
    """Plain and coroutine hooks alike see each attempt of a GET retried after a 503, by path
    template, attempt number and status."""
    welkin_emulator.faults = [Fault("status", status=503, route=GET_ONE)]
    recorder = Recorder(welkin_emulator)
    hook = recorder.note if style == "sync" else recorder.note_later
    async with connect(retry=QUICK, on_request=hook, on_response=hook, on_retry=hook) as client:
        await get_patient(client, a_patient(welkin_emulator))
        await get_patient(client, a_patient(welkin_emulator))
    # One call id ties each call's attempts, retry included; the token call has its own.
    ids = [event.call_id for event in recorder.events]
    token, first, second = ids[0], ids[2], ids[-1]
    assert ids == [token, token, first, first, first, first, first, second, second]
    assert len({token, first, second}) == 3
    assert recorder.summary()[:7] == [
        ("request", "POST", "oauth/token", 1),
        ("response", "POST", "oauth/token", 1, 200),
        ("request", "GET", "patients/{id}", 1),
        ("response", "GET", "patients/{id}", 1, 503),
        ("retry", "GET", "patients/{id}", 1, "HTTP 503"),
        ("request", "GET", "patients/{id}", 2),
        ("response", "GET", "patients/{id}", 2, 200),
    ]


@PATIENTS
async def test_debug_log_lines_show_the_template_status_attempt_and_time(
    welkin_emulator: WelkinEmulator, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    """Each attempt logs method, path template, status, attempt and milliseconds at DEBUG, and
    no line holds the patient's id."""
    patient_id = a_patient(welkin_emulator)
    with caplog.at_level(logging.DEBUG, logger="welkin_async"):
        async with connect() as client:
            await get_patient(client, patient_id)
    lines = [record.getMessage() for record in caplog.records if record.name == "welkin_async"]
    shapes = [
        r"POST oauth/token -> 200 \(attempt 1, \d+\.\d ms\)",
        r"GET patients/\{id\} -> 200 \(attempt 1, \d+\.\d ms\)",
    ]
    assert len(lines) == len(shapes)
    assert all(re.fullmatch(shape, line) for shape, line in zip(shapes, lines, strict=True))
    assert not [line for line in lines if patient_id in line]


# --- reprs ---------------------------------------------------------------------------------------

STATES = ("new", "open", "closed")


@pytest.mark.parametrize(
    ("credentials", "name"),
    [
        (ClientCredentials("client-id-42", SECRET), "client-id-42"),
        (ApiClientSecret("acme-admin", SECRET), "acme-admin"),
    ],
)
async def test_no_repr_of_a_client_or_what_it_holds_shows_the_secret(
    credentials: ClientCredentials | ApiClientSecret, name: str
) -> None:
    """The reprs of a client (new, open, closed) and of its credentials, policies and stats name
    the API client but never show its secret."""
    client = WelkinClient(
        tenant="acme",
        environment="live",
        credentials=credentials,
        rate_limit=RateLimit(per_second=5),
        transport=RecordingTransport(),
    )
    texts = [repr(client)]
    async with client:
        texts.append(repr(client))
    texts.append(repr(client))
    texts += [repr(value) for value in (credentials, client.retry, client.timeouts)]
    texts += [repr(client.rate_limit), repr(client.stats)]
    assert [SECRET in text for text in texts] == [False] * len(texts)
    assert all(name in text for text in texts[:4])
    assert [f"state='{state}'" in text for state, text in zip(STATES, texts, strict=False)] == [
        True
    ] * len(STATES)


@pytest.mark.parametrize(
    ("policy", "text"),
    [
        (RetryPolicy(max_tries=3), "RetryPolicy(max_tries=3, max_elapsed=60.0, "),
        (RateLimit(per_second=5, burst=10), "RateLimit(per_second=5, burst=10)"),
        (Timeouts(read=5.0), "Timeouts(connect=10.0, read=5.0, total=120.0)"),
    ],
)
def test_policy_reprs_show_their_settings(policy: object, text: str) -> None:
    """A policy's repr names its class and shows each setting."""
    assert repr(policy).startswith(text)


# --- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        pytest.param({"base_url": "http://api.example.com"}, "plain http", id="remote-http"),
        pytest.param({"base_url": "https://api.example.com/?x=1"}, "query", id="query"),
        pytest.param({"layout": Layout.LIVE}, "documented layout", id="layout"),
        pytest.param({"max_concurrency": 0}, "max_concurrency", id="concurrency"),
        pytest.param({"tenant": "ac/me"}, "tenant", id="tenant-slash"),
        pytest.param({"environment": ""}, "environment", id="no-environment"),
        pytest.param({"environment": ".."}, "environment must name one", id="dot-dot"),
        pytest.param({"tenant": "a\ud800"}, "tenant is not valid Unicode", id="surrogate"),
        pytest.param({"tenant": 7}, "tenant must be a string", id="not-text"),
    ],
)
def test_a_misconfiguration_raises_configuration_error_naming_it(
    options: dict[str, Any], reason: str
) -> None:
    """Each wrong setting raises ConfigurationError at construction, saying what is wrong."""
    settings: dict[str, Any] = {
        "tenant": "acme",
        "environment": "live",
        "credentials": ClientCredentials("client-id", SECRET),
        **options,
    }
    with pytest.raises(ConfigurationError, match=reason):
        WelkinClient(**settings)


@pytest.mark.parametrize("base_url", ["https://api.example.com/?", "https://api.example.com/#"])
def test_a_base_url_with_an_empty_query_or_fragment_is_refused(base_url: str) -> None:
    """A base_url ending in a bare '?' or '#' is refused: every path would land in its query
    or fragment."""
    with pytest.raises(ConfigurationError):
        WelkinClient(
            tenant="acme",
            environment="live",
            credentials=ClientCredentials("client-id", SECRET),
            base_url=base_url,
        )


@pytest.mark.parametrize("base_url", ["http://[::1", "https://host:99999", "https://host:port"])
def test_a_malformed_base_url_is_a_configuration_error(base_url: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url is not a well-formed URL"):
        WelkinClient(
            tenant="acme",
            environment="live",
            credentials=ClientCredentials("client-id", SECRET),
            base_url=base_url,
        )


@pytest.mark.parametrize("base_url", ["http://localhost:8080", "http://[::1]:8080/"])
def test_plain_http_to_a_loopback_host_is_accepted(base_url: str) -> None:
    """Plain http is allowed to a loopback host (an emulator), without a trailing slash."""
    client = WelkinClient(
        tenant="acme",
        environment="live",
        credentials=ClientCredentials("client-id", SECRET),
        base_url=base_url,
    )
    assert client.base_url == base_url.rstrip("/")


ENV_NAMES = (
    "WELKIN_TENANT",
    "WELKIN_ENVIRONMENT",
    "WELKIN_BASE_URL",
    "WELKIN_CLIENT_ID",
    "WELKIN_CLIENT_SECRET",
    "WELKIN_API_CLIENT",
    "WELKIN_API_SECRET",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No WELKIN_* variable set, except WELKIN_TENANT=acme; set more with ``env.setenv``."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WELKIN_TENANT", "acme")
    return monkeypatch


def set_oauth(env: pytest.MonkeyPatch) -> None:
    env.setenv("WELKIN_CLIENT_ID", "client-id-42")
    env.setenv("WELKIN_CLIENT_SECRET", SECRET)


def set_api_client(env: pytest.MonkeyPatch) -> None:
    env.setenv("WELKIN_API_CLIENT", "acme-admin")
    env.setenv("WELKIN_API_SECRET", SECRET)


def test_from_env_with_an_oauth_pair_uses_the_documented_layout(env: pytest.MonkeyPatch) -> None:
    """WELKIN_CLIENT_ID and WELKIN_CLIENT_SECRET give ClientCredentials on the documented layout."""
    set_oauth(env)
    client = WelkinClient.from_env()
    assert client.credentials == ClientCredentials("client-id-42", SECRET)
    assert client.layout is Layout.DOCUMENTED


def test_from_env_with_an_api_client_pair_uses_the_live_layout(env: pytest.MonkeyPatch) -> None:
    """WELKIN_API_CLIENT and WELKIN_API_SECRET give ApiClientSecret on the live layout."""
    set_api_client(env)
    client = WelkinClient.from_env()
    assert client.credentials == ApiClientSecret("acme-admin", SECRET)
    assert client.layout is Layout.LIVE


def test_from_env_with_both_pairs_is_a_configuration_error(env: pytest.MonkeyPatch) -> None:
    """Both pairs of credentials set is ambiguous: ConfigurationError."""
    set_oauth(env)
    set_api_client(env)
    with pytest.raises(ConfigurationError, match="not both"):
        WelkinClient.from_env()


def test_from_env_without_credentials_names_the_variables(env: pytest.MonkeyPatch) -> None:
    """No credentials raises ConfigurationError naming all four variables."""
    with pytest.raises(ConfigurationError) as caught:
        WelkinClient.from_env()
    assert all(name in str(caught.value) for name in ENV_NAMES[3:])


def test_from_env_without_a_tenant_names_the_variable(env: pytest.MonkeyPatch) -> None:
    """A missing WELKIN_TENANT raises ConfigurationError naming it."""
    set_oauth(env)
    env.delenv("WELKIN_TENANT")
    with pytest.raises(ConfigurationError, match="WELKIN_TENANT"):
        WelkinClient.from_env()


def test_from_env_defaults_the_environment_to_live(env: pytest.MonkeyPatch) -> None:
    """Without WELKIN_ENVIRONMENT the client works on the ``live`` environment."""
    set_oauth(env)
    assert WelkinClient.from_env().environment == "live"


def test_from_env_reads_the_environment_and_base_url(env: pytest.MonkeyPatch) -> None:
    """WELKIN_ENVIRONMENT and WELKIN_BASE_URL are used when set."""
    set_oauth(env)
    env.setenv("WELKIN_ENVIRONMENT", "sandbox")
    env.setenv("WELKIN_BASE_URL", "https://welkin.example.org/")
    client = WelkinClient.from_env()
    assert (client.environment, client.base_url) == ("sandbox", "https://welkin.example.org")


@PATIENTS
async def test_a_client_from_env_talks_to_the_emulator(
    welkin_emulator: WelkinEmulator, env: pytest.MonkeyPatch
) -> None:
    """A client configured only by environment variables fetches a patient from the emulator."""
    credentials = welkin_emulator.credentials(kind="api_client")
    env.setenv("WELKIN_API_CLIENT", credentials.client_name)
    env.setenv("WELKIN_API_SECRET", credentials.secret)
    env.setenv("WELKIN_BASE_URL", welkin_emulator.url)
    patient_id = a_patient(welkin_emulator)
    async with WelkinClient.from_env() as client:
        patient = await get_patient(client, patient_id)
    assert patient["id"] == patient_id


# --- typed errors --------------------------------------------------------------------------------


async def test_an_unknown_patient_raises_not_found(connect: Connect) -> None:
    """An unknown id raises NotFound with the code; its text names the template, not the id."""
    async with connect() as client:
        with pytest.raises(NotFound) as caught:
            await get_patient(client, UNKNOWN_ID)
    error = caught.value
    assert (error.status, error.error_code) == (404, "PATIENT_NOT_FOUND")
    assert "patients/{id}" in str(error)
    assert "PATIENT_NOT_FOUND" in str(error)
    assert UNKNOWN_ID not in str(error)


async def test_a_duplicate_external_id_raises_conflict(connect: Connect) -> None:
    """A second patient with the same externalId raises Conflict naming the field."""
    async with connect() as client:
        await client.request("POST", "patients", json={"externalId": "EXT-twice"})
        with pytest.raises(Conflict) as caught:
            await client.request("POST", "patients", json={"externalId": "EXT-twice"})
    error = caught.value
    assert (error.status, error.error_code) == (409, "PATIENT_ALREADY_EXISTS")
    assert "field=externalId" in str(error)


async def test_a_bad_page_size_raises_bad_request_naming_the_parameter(connect: Connect) -> None:
    """size=0 on by-filter/patients raises BadRequest whose text names ``parameter=size``."""
    async with connect() as client:
        with pytest.raises(BadRequest) as caught:
            await client.request("POST", "by-filter/patients", params={"size": 0}, json={})
    error = caught.value
    assert (error.status, error.error_code) == (400, "INVALID_PAGE_REQUEST")
    assert "parameter=size" in str(error)


@PATIENTS
async def test_a_role_without_delete_raises_permission_denied(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A role that may not delete raises PermissionDenied; the details name the API client, and
    the text does not hold the patient id that the details' requestURI does."""
    patient_id = a_patient(welkin_emulator)
    async with connect(role="integration-no-delete") as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.request("DELETE", "patients/{id}", path_params={"id": patient_id})
    error = caught.value
    assert (error.status, error.error_code) == (403, "ACCESS_FOR_API_CLIENT_RESTRICTED")
    assert error.details["clientName"] == "acme-integration-no-delete"
    assert error.details["organizationName"] == "Acme Care Network"
    assert patient_id in str(error.details["requestURI"])
    assert patient_id not in str(error)
    assert patient_count(welkin_emulator) == 3


@PATIENTS
async def test_writing_a_restricted_cdt_field_raises_permission_denied_naming_it(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A care coordinator writing the insurance group number gets PermissionDenied naming the
    field."""
    async with connect(role="care-coordinator") as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.request(
                "POST",
                "patients/{id}/cdts/{cdt}",
                path_params={"id": a_patient(welkin_emulator), "cdt": "insurance"},
                json={"payer_name": "P", "group_number": "G1"},
            )
    error = caught.value
    assert (error.status, error.details["field"]) == (403, "group_number")
    assert "field=group_number" in str(error)


@PATIENTS
async def test_an_html_502_raises_server_error_without_a_code(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A gateway's HTML 502 raises ServerError with no error code."""
    welkin_emulator.faults = [Fault("status", status=502, route=GET_ONE)]
    async with connect(retry=ONCE) as client:
        with pytest.raises(ServerError) as caught:
            await get_patient(client, a_patient(welkin_emulator))
    assert (caught.value.status, caught.value.error_code) == (502, None)


@PATIENTS
async def test_a_429_raises_rate_limited_with_retry_after(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A 429 with Retry-After, once the policy gives up, raises RateLimited with that wait."""
    welkin_emulator.faults = [Fault("storm", route=GET_ONE, length=1, retry_after=3)]
    async with connect(retry=ONCE) as client:
        with pytest.raises(RateLimited) as caught:
            await get_patient(client, a_patient(welkin_emulator))
    error = caught.value
    assert (error.status, error.error_code, error.retry_after) == (429, "TOO_MANY_REQUESTS", 3.0)


@pytest.mark.welkin_emulator(
    patients=3, rate_limit=ServerRateLimit(per_second=1, burst=1, retry_after="none")
)
async def test_a_429_without_retry_after_raises_rate_limited_without_a_wait(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A 429 without Retry-After raises RateLimited whose retry_after is None."""
    patient_id = a_patient(welkin_emulator)
    async with connect(retry=ONCE) as client:
        await get_patient(client, patient_id)
        with pytest.raises(RateLimited) as caught:
            await get_patient(client, patient_id)
    assert (caught.value.status, caught.value.retry_after) == (429, None)


@PATIENTS
async def test_a_malformed_json_answer_raises_decode_error(
    welkin_emulator: WelkinEmulator, connect: Connect
) -> None:
    """A 200 whose body is not valid JSON raises DecodeError naming the call, not the body."""
    welkin_emulator.faults = [Fault("malformed", route=GET_ONE)]
    patient_id = a_patient(welkin_emulator)
    async with connect() as client:
        with pytest.raises(DecodeError) as caught:
            await get_patient(client, patient_id)
    assert "GET patients/{id}" in str(caught.value)
    assert patient_id not in str(caught.value)


def test_client_options_name_every_keyword_of_the_client() -> None:
    """``from_env(**options)`` is typed by ClientOptions: it must list exactly the client's
    keywords, with the same annotations."""
    import inspect

    from welkin_async import ClientOptions

    parameters = inspect.signature(WelkinClient.__init__).parameters
    keywords = {name: p.annotation for name, p in parameters.items() if name != "self"}
    typed = {name: hint.__forward_arg__ for name, hint in ClientOptions.__annotations__.items()}
    assert typed == keywords
