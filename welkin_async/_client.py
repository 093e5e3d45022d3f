"""WelkinClient: one aiohttp session, a token cache, a limiter and a retry loop, per client.

One call, end to end::

    request(method, template, ...)  ->  _Call (URL, headers, body; built once)
      -> limiter.acquire (slot, pause, bucket)  ->  token (cached; single-flight refresh)
      -> transport.send  ->  2xx: return | 401: replay once | else: typed error
      -> retryable and within policy and budget? back off and go again : raise

A streamed call (a file download, :meth:`WelkinClient._stream`) runs the same loop but opens the
answer instead of reading it: a 2xx is handed out open, with its first chunk read (so a failure
up to there is retried like any other), and keeps its limiter slot until it is closed; an error
answer is read whole and raised as above. An upload's body (a ``StreamedBody``) is made afresh
for each attempt.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import itertools
import logging
import os
import re
import ssl
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Mapping,
)
from contextvars import ContextVar
from time import monotonic
from types import ModuleType, TracebackType
from typing import Any, Literal, TypedDict, TypeVar, Unpack, overload
from urllib.parse import quote, urlencode
from uuid import UUID

import aiohttp
import attrs

from welkin_async import _json
from welkin_async._auth import IssuedToken, TokenCache, read_token, token_request
from welkin_async._config import (
    Layout,
    Limits,
    RateLimit,
    RetryPolicy,
    Timeouts,
    checked_base_url,
)
from welkin_async._coordination import Coordination, FleetMember, Membership, member_identity
from welkin_async._credentials import ApiClientSecret, ClientCredentials, Credentials
from welkin_async._events import Hook, RequestEvent, ResponseEvent, RetryEvent, fire
from welkin_async._limits import Gate, Limiter, PauseTooLong
from welkin_async._map import Result, map_concurrently
from welkin_async._network import checked_proxy, checked_session, verified_ssl_context
from welkin_async._options import CallOptions, QueryValue, RequestOptions, checked_headers
from welkin_async._pagination import (
    PageCount,
    PageCounts,
    Paginator,
    Params,
    Style,
    check_extra_query,
    style_for,
)
from welkin_async._raw import APIResponse, Exchange
from welkin_async._responses import api_error, decode_json
from welkin_async._retry import (
    IDEMPOTENT_METHODS,
    RetryBudget,
    RetryState,
    may_retry_error,
    may_retry_status,
    parse_retry_after,
)
from welkin_async._serde import unstructure
from welkin_async._stats import ClientStats
from welkin_async._tenant_models import TenantModels
from welkin_async._transport import (
    AiohttpTransport,
    RawResponse,
    StreamedBody,
    StreamedResponse,
    StreamingTransport,
    Transport,
)
from welkin_async.errors import (
    ClientClosedError,
    ConfigurationError,
    RateLimited,
    TransportError,
    WelkinError,
)
from welkin_async.resources import (
    AssessmentRecords,
    Audits,
    Calendar,
    CarePlan,
    CdtRecords,
    Chat,
    Dictionaries,
    Documents,
    Emails,
    Encounters,
    Exports,
    Formations,
    Patients,
    Programs,
    Sms,
    Tasks,
    Unrecognized,
    Users,
    Webhooks,
)
from welkin_async.tracing import CallTrace, Tracing, start_call

logger = logging.getLogger("welkin_async")

T = TypeVar("T")
B = TypeVar("B")
I = TypeVar("I")  # noqa: E741 - the item type of map()
V = TypeVar("V")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_JSON_HEADERS = {"Accept": "application/json"}
_JSON_BODY_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
_ANY_HEADERS = {"Accept": "*/*"}


def _json_body(json: Any) -> tuple[bytes | None, Mapping[str, str]]:
    """The body (a model or plain data, as JSON bytes) and the headers that go with it.

    JSON has no NaN or infinity (orjson would write null, clearing a field; the stdlib invalid
    JSON): a ``ValueError`` naming the JSON path of the first one, before anything is sent.
    """
    if json is None:
        return None, _JSON_HEADERS
    document = unstructure(json)
    _json.check_finite(document)
    return _json.dumps(document), _JSON_BODY_HEADERS


@attrs.frozen
class _Call:
    """One logical call, ready to send as many times as the policy allows."""

    method: str
    url: str = attrs.field(repr=False)  # the filled URL may hold patient ids
    template: str
    headers: Mapping[str, str] = attrs.field(repr=False)
    body: bytes | StreamedBody | None = attrs.field(repr=False)
    idempotent: bool
    call_id: int  # ties the attempts of one call together in hooks and traces
    authenticated: bool = True  # False only for the token endpoint itself
    max_tries: int | None = None  # None: the client's RetryPolicy
    timeouts: Timeouts | None = None  # None: the transport's (the client's Timeouts)


# The exchanges made under ``with_raw_response``; None (no list) everywhere else.
_CAPTURED: ContextVar[list[Exchange] | None] = ContextVar("welkin_async_captured", default=None)


class _Shared:
    """What a client and every view of it (``with_options``) share: the session and transport,
    the token cache, the limiter, the retry budget and the lifecycle."""

    def __init__(self, tokens: TokenCache, budget: RetryBudget) -> None:
        self.state: Literal["new", "open", "closed"] = "new"
        self.transport: Transport | None = None
        self.limiter: Gate | None = None
        self.membership: Membership | None = None  # in a fleet (``coordination=``)
        self.tokens = tokens
        self.budget = budget
        self.call_ids = itertools.count(1)
        self.models_checked = False
        self.models_lock = asyncio.Lock()
        self.page_counts = PageCounts()  # how many pages the lists read lately had


class ClientOptions(TypedDict, total=False):
    """The keywords of :class:`WelkinClient`, for :meth:`WelkinClient.from_env` (type-checked)."""

    tenant: str
    environment: str
    credentials: Credentials
    base_url: str | None
    layout: Layout | None
    max_concurrency: int
    rate_limit: RateLimit | None
    retry: RetryPolicy | None
    timeouts: Timeouts | None
    limits: Limits | None
    on_request: Hook[RequestEvent] | None
    on_response: Hook[ResponseEvent] | None
    on_retry: Hook[RetryEvent] | None
    models: ModuleType | None
    tracing: Tracing | None
    trust_env: bool
    proxy: str | None
    ssl: ssl.SSLContext | str | os.PathLike[str] | None
    session: aiohttp.ClientSession | None
    transport: Transport | None
    coordination: Coordination | None


class WelkinClient:
    """An asyncio client for one tenant and environment of the Welkin API.

    Use it as an async context manager; the aiohttp session is made on entry and closed on exit::

        async with WelkinClient(tenant="acme", environment="live",
                                credentials=ClientCredentials(client_id, secret)) as client:
            patient = await client.request("GET", "patients/{id}", path_params={"id": pid})

    - ``layout`` follows the credentials: :class:`ClientCredentials` use the documented
      ``/v1/{tenant}/...`` layout and OAuth; :class:`ApiClientSecret` the live layout and its
      secret exchange. ``base_url`` is the host root (``https://...``; plain ``http`` only to a
      loopback address, such as the emulator's ``emulator.url``).
    - ``max_concurrency`` bounds requests in flight (and sizes the connection pool);
      ``rate_limit`` adds a client-side token bucket. A 429 with ``Retry-After`` pauses every
      task of the client; 429s slow the client down on their own, and successes speed it up.
    - ``retry``, ``timeouts`` and ``limits`` are policies (:class:`RetryPolicy`,
      :class:`Timeouts`, :class:`Limits`: the largest answer accepted, 64 MiB by default).
    - ``on_request``, ``on_response``, ``on_retry`` are hooks for metrics and tracing.
    - ``models`` is the tenant's module made by ``welkin-async codegen``: the first use of a
      CDT class checks its definition version against the server's, once, and warns
      (:class:`~welkin_async.ModelVersionWarning`) for each CDT that changed.
    - ``tracing`` makes spans of calls (:class:`~welkin_async.tracing.OpenTelemetryTracing`).
    - ``proxy`` (an http(s) URL, credentials allowed) or ``trust_env`` (``HTTP(S)_PROXY``,
      ``NO_PROXY``) route requests through a proxy; ``ssl`` is a CA bundle path or a verifying
      ``ssl.SSLContext`` (verification cannot be turned off); ``session`` is an
      ``aiohttp.ClientSession`` of your own, used and never closed.
    - ``transport`` replaces the aiohttp transport (for narrow tests).
    - ``coordination`` puts the client in a fleet: processes on the same API client share one
      rate limit, pause, adaptive rate and token
      (:class:`~welkin_async.fleet.RedisCoordination`; see "Running a fleet" in the README).

    Resources: :attr:`patients`, :meth:`cdts`, :meth:`encounters`, :meth:`assessment_records`,
    :meth:`programs`, :meth:`care_plan`, :meth:`documents`, :meth:`emails`, :meth:`sms`,
    :meth:`chat`, :attr:`unrecognized`, :attr:`calendar`, :attr:`formations`, :attr:`users`,
    :attr:`audits`, :attr:`exports`, :attr:`webhooks`, :attr:`tasks`;
    :meth:`map` runs a coroutine function over many items, a bounded number at a time.
    """

    def __init__(
        self,
        *,
        tenant: str,
        environment: str,
        credentials: Credentials,
        base_url: str | None = None,
        layout: Layout | None = None,
        max_concurrency: int = 32,
        rate_limit: RateLimit | None = None,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        limits: Limits | None = None,
        on_request: Hook[RequestEvent] | None = None,
        on_response: Hook[ResponseEvent] | None = None,
        on_retry: Hook[RetryEvent] | None = None,
        models: ModuleType | None = None,
        tracing: Tracing | None = None,
        trust_env: bool = False,
        proxy: str | None = None,
        ssl: ssl.SSLContext | str | os.PathLike[str] | None = None,
        session: aiohttp.ClientSession | None = None,
        transport: Transport | None = None,
        coordination: Coordination | None = None,
    ) -> None:
        if not isinstance(credentials, ClientCredentials | ApiClientSecret):
            raise ConfigurationError("credentials must be ClientCredentials or ApiClientSecret")
        natural = Layout.DOCUMENTED if isinstance(credentials, ClientCredentials) else Layout.LIVE
        if layout is not None and layout is not natural:
            raise ConfigurationError(
                f"{type(credentials).__name__} authenticate on the {natural.value} layout only"
            )
        if max_concurrency < 1:
            raise ConfigurationError("max_concurrency must be at least 1")
        if transport is not None and (
            session is not None or proxy is not None or trust_env or ssl is not None
        ):
            raise ConfigurationError(
                "session=, proxy=, trust_env= and ssl= configure the aiohttp transport; "
                "a custom transport= takes none of them"
            )
        tracer = tracing is None or (
            not isinstance(tracing, type) and callable(getattr(tracing, "start", None))
        )
        if not tracer:
            raise ConfigurationError(
                "tracing must be a Tracing, e.g. welkin_async.tracing.OpenTelemetryTracing()"
            )
        if coordination is not None and (  # a str has a .join too: ask for a coroutine one
            isinstance(coordination, type)
            or not inspect.iscoroutinefunction(getattr(coordination, "join", None))
        ):
            raise ConfigurationError(
                "coordination must be a Coordination, e.g. welkin_async.fleet.RedisCoordination"
            )
        _check_scope_name("tenant", tenant)
        _check_scope_name("environment", environment)
        self.tenant = tenant
        self.environment = environment
        self.credentials = credentials
        self.layout = natural
        self.base_url = checked_base_url(base_url or natural.default_base_url)
        self.max_concurrency = max_concurrency
        self.rate_limit = rate_limit
        self.retry = retry or RetryPolicy()
        self.timeouts = timeouts or Timeouts()
        self.limits = limits or Limits()
        self.stats = ClientStats()
        self._hooks = (on_request, on_response, on_retry)
        self._tracing = tracing
        self._headers: Mapping[str, str] = {}  # a view's own (``with_options(headers=)``)
        self._ssl = verified_ssl_context(ssl)
        self._proxy = checked_proxy(proxy)
        self._trust_env = trust_env
        self._session = checked_session(session) if session is not None else None
        self._coordination = coordination
        self._tenant_root = natural.tenant_root(self.base_url, quote(tenant, safe=""))
        self._env_root = f"{self._tenant_root}{quote(environment, safe='')}/"
        self._view = False
        self._shared = _Shared(
            TokenCache(self._fetch_token, on_floored=self._token_floored),
            RetryBudget(self.retry),
        )
        self._shared.transport = transport
        self.models = TenantModels(models, tenant) if models is not None else None
        self._bind_resources()

    def _bind_resources(self) -> None:
        """The resource attributes, bound to this client (or view)."""
        self.patients = Patients(self)
        """The environment's patients."""
        self.formations = Formations(self)
        """The tenant's configuration: CDT definitions, programs, templates."""
        self.users = Users(self)
        """The tenant's users."""
        self.exports = Exports(self)
        """Bulk exports of records changed since a time."""
        self.webhooks = Webhooks(self)
        """The records webhook events point to, and the webhook delivery audit."""
        self.calendar = Calendar(self)
        """Calendar events, users' work hours and schedules."""
        self.audits = Audits(self)
        """The tenant's data audit and webhook delivery audit."""
        self.tasks = Tasks(self)
        """The environment's tasks, their watchers and comments."""
        self.unrecognized = Unrecognized(self)
        """The emails and text messages from senders no patient matched."""

    def with_options(
        self,
        *,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> WelkinClient:
        """A view of this client with other defaults: cheap, and sharing everything that counts.

        The view sends through the same session, token cache, limiter, retry budget, stats and
        hooks; only ``timeouts``, ``retry`` (its tries, delays and elapsed bound; the budget is
        the client's) and extra ``headers`` differ. The token exchange keeps the client's own
        policies and headers: a token serves every view. It lives as long as the client: open
        and close the client, not the view::

            slow = client.with_options(timeouts=Timeouts(total=300), headers={"X-Job": "nightly"})
            await slow.patients.get(pid)
        """
        view = copy.copy(self)
        view._view = True
        if timeouts is not None:
            view.timeouts = _checked(timeouts, Timeouts, "timeouts")
        if retry is not None:
            view.retry = _checked(retry, RetryPolicy, "retry")
        if headers is not None:
            view._headers = {**self._headers, **checked_headers(headers, "headers")}
        view._bind_resources()
        return view

    async def with_raw_response(self, call: Coroutine[Any, Any, T], /) -> APIResponse[T]:
        """Await ``call`` (the coroutine of any method of this client) and return its value with
        the answer's status, headers and request id::

            raw = await client.with_raw_response(client.patients.get(pid))
            raw.status, raw.request_id, raw.headers["Content-Type"], raw.value  # a Patient

        Where the method made several calls (a check of the tenant's models first, say), the
        answer shown is the last one's; ``raw.calls`` counts them. A failure raises as usual:
        the :class:`~welkin_async.errors.APIError` has ``request_id`` and ``headers`` too.
        """
        if not inspect.iscoroutine(call):
            # A task or future runs in a context of its own, copied when it was made: its
            # calls could not be seen, and it would have run (a POST written) for nothing.
            raise TypeError(
                "with_raw_response takes the coroutine of one call, not yet awaited, e.g. "
                "client.with_raw_response(client.patients.get(pid))"
            )
        exchanges: list[Exchange] = []
        reset = _CAPTURED.set(exchanges)
        try:
            value = await call
        finally:
            _CAPTURED.reset(reset)
            if (outer := _CAPTURED.get()) is not None:  # nested: the outer call made these too
                outer.extend(exchanges)
        if not exchanges:
            raise TypeError("with_raw_response was given an awaitable that made no API call")
        return APIResponse.of(value, exchanges)

    @classmethod
    def from_env(cls, **options: Unpack[ClientOptions]) -> WelkinClient:
        """A client configured from ``WELKIN_*`` environment variables (``options`` override).

        ``WELKIN_TENANT``, ``WELKIN_ENVIRONMENT`` (default ``live``), ``WELKIN_BASE_URL``, and
        one pair of credentials: ``WELKIN_CLIENT_ID``/``WELKIN_CLIENT_SECRET`` (OAuth) or
        ``WELKIN_API_CLIENT``/``WELKIN_API_SECRET`` (the live secret exchange).
        """
        env = os.environ
        oauth = (env.get("WELKIN_CLIENT_ID"), env.get("WELKIN_CLIENT_SECRET"))
        live = (env.get("WELKIN_API_CLIENT"), env.get("WELKIN_API_SECRET"))
        if "credentials" not in options:
            if (all(oauth) and any(live)) or (all(live) and any(oauth)):
                raise ConfigurationError(
                    "set either WELKIN_CLIENT_ID/WELKIN_CLIENT_SECRET or "
                    "WELKIN_API_CLIENT/WELKIN_API_SECRET, not both"
                )
            if oauth[0] and oauth[1]:
                options["credentials"] = ClientCredentials(oauth[0], oauth[1])
            elif live[0] and live[1]:
                options["credentials"] = ApiClientSecret(live[0], live[1])
            else:
                raise ConfigurationError(
                    "no credentials: set WELKIN_CLIENT_ID and WELKIN_CLIENT_SECRET, "
                    "or WELKIN_API_CLIENT and WELKIN_API_SECRET"
                )
        if "tenant" not in options:
            if not env.get("WELKIN_TENANT"):
                raise ConfigurationError("WELKIN_TENANT is not set")
            options["tenant"] = env["WELKIN_TENANT"]
        options.setdefault("environment", env.get("WELKIN_ENVIRONMENT") or "live")
        options.setdefault("base_url", env.get("WELKIN_BASE_URL") or None)
        return cls(**options)

    def __repr__(self) -> str:
        view = ", view=True" if self._view else ""
        return (
            f"WelkinClient(tenant={self.tenant!r}, environment={self.environment!r}, "
            f"layout={self.layout.value!r}, base_url={self.base_url!r}, "
            f"credentials={self.credentials!r}, state={self._shared.state!r}{view})"
        )

    # --- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> WelkinClient:
        self._not_a_view("opened")
        shared = self._shared
        if shared.state != "new":
            raise ClientClosedError("a WelkinClient opens once; make a new one")
        limiter = Limiter(self.max_concurrency, self.rate_limit, self.stats)
        shared.limiter = limiter
        if self._coordination is not None:  # first: nothing to undo if joining fails
            fleet_id, secret = member_identity(self._tenant_root, self.credentials)
            member = FleetMember(
                fleet_id, secret, limiter, self._fetch_token, self.stats, self.rate_limit
            )
            shared.membership = membership = await self._coordination.join(member)
            shared.limiter = membership.gate
            shared.tokens = TokenCache(
                membership.fetch_token,
                on_floored=self._token_floored,
                on_refused=membership.refused,
            )
        if shared.transport is None:
            try:
                shared.transport = AiohttpTransport(
                    max_connections=self.max_concurrency,
                    timeouts=self.timeouts,
                    limits=self.limits,
                    ssl=self._ssl,
                    proxy=self._proxy,
                    trust_env=self._trust_env,
                    session=self._session,
                )
            except BaseException:
                if shared.membership is not None:
                    await shared.membership.leave()
                raise
        shared.state = "open"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the session (not one passed as ``session=``); closing again does nothing."""
        self._not_a_view("closed")
        shared = self._shared
        if shared.state == "open" and shared.transport is not None:
            shared.state = "closed"
            try:
                await shared.transport.aclose()
            finally:
                if shared.membership is not None:
                    await shared.membership.leave()
        shared.state = "closed"

    def _not_a_view(self, what: str) -> None:
        if self._view:
            raise ClientClosedError(
                f"a view from with_options() shares its client's session: the client is {what} "
                "with 'async with', not the view"
            )

    @property
    def _transport(self) -> Transport | None:
        return self._shared.transport

    @property
    def _tokens(self) -> TokenCache:
        return self._shared.tokens

    # --- calls -----------------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Any:
        """Send one call and return its decoded JSON (``None`` for an empty answer).

        The escape hatch for anything the typed resources do not cover: the same pipeline
        (token, limiter, retries, typed errors), untyped in and out. ``path`` is a template
        relative to the environment (``patients/{id}``) or, for ``admin/...``, to the tenant;
        ``path_params`` fill it, percent-encoded. ``json`` may be a model or plain data.
        ``idempotent`` marks a POST that only reads (it may be retried). ``options``:
        ``extra_headers``, ``extra_query``, ``timeout`` (:class:`RequestOptions`).
        """
        response = await self._send(
            method,
            path,
            path_params=path_params,
            params=params,
            json=json,
            idempotent=idempotent,
            options=options,
        )
        return decode_json(response, method.upper(), path.strip("/"))

    async def _send(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        body: StreamedBody | None = None,
        options: RequestOptions | None = None,
    ) -> RawResponse:
        """:meth:`request` without decoding: the answer's status, headers and body bytes.

        ``body`` is sent instead of ``json``: a body that is not JSON (an upload), made afresh
        for each attempt.
        """
        method = method.upper()
        sent: bytes | StreamedBody | None
        headers: Mapping[str, str]
        if body is not None:
            if json is not None:
                raise TypeError("pass either json or body, not both")
            sent = body
            headers = {"Accept": "application/json", "Content-Type": body.content_type}
        else:
            sent, headers = _json_body(json)
        call = self._new_call(
            method,
            path.strip("/"),
            path_params=path_params,
            params=params,
            headers=headers,
            body=sent,
            idempotent=method in IDEMPOTENT_METHODS if idempotent is None else idempotent,
            options=self._options(options),
        )
        return await self._execute(call)

    async def _stream(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        options: RequestOptions | None = None,
    ) -> StreamedResponse:
        """:meth:`_send` for an answer read as it arrives (a file's bytes): the open 2xx answer,
        its first chunk already read. The caller must ``aclose()`` it: it holds a connection
        and one of the client's ``max_concurrency`` slots until then."""
        method = method.upper()
        call = self._new_call(
            method,
            path.strip("/"),
            path_params=path_params,
            params=params,
            headers=_ANY_HEADERS,
            body=None,
            idempotent=method in IDEMPOTENT_METHODS,
            options=self._options(options),
        )
        return await self._execute(call, streamed=True)

    def _options(self, options: RequestOptions | None) -> CallOptions:
        """One call's options, checked, over this client's (or view's) defaults."""
        return CallOptions.of(options, headers=self._headers, base=self.timeouts)

    def _new_call(
        self,
        method: str,
        template: str,
        *,
        path_params: Mapping[str, object] | None,
        params: Mapping[str, QueryValue] | None,
        headers: Mapping[str, str],
        body: bytes | StreamedBody | None,
        idempotent: bool,
        options: CallOptions,
    ) -> _Call:
        if options.query:
            params = {**(params or {}), **options.query}
        # A view's timeouts differ from those the transport was made with: sent per call.
        timeouts = options.timeouts or (self.timeouts if self._view else None)
        return _Call(
            method=method,
            url=self._url(template, path_params, params),
            template=template,
            headers={**headers, **options.headers} if options.headers else headers,
            body=body,
            idempotent=idempotent,
            call_id=next(self._shared.call_ids),
            timeouts=timeouts,
        )

    @overload
    def paginate(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = ...,
        params: Mapping[str, QueryValue] | None = ...,
        json: Any = ...,
        size: int | None = ...,
        style: Style | None = ...,
        concurrency: int = ...,
        ordered: bool = ...,
        item_type: None = ...,
        options: RequestOptions | None = ...,
        expected_pages: int | None = ...,
    ) -> Paginator[Any]: ...
    @overload
    def paginate(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = ...,
        params: Mapping[str, QueryValue] | None = ...,
        json: Any = ...,
        size: int | None = ...,
        style: Style | None = ...,
        concurrency: int = ...,
        ordered: bool = ...,
        item_type: type[T],
        options: RequestOptions | None = ...,
        expected_pages: int | None = ...,
    ) -> Paginator[T]: ...
    def paginate(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        size: int | None = None,
        style: Style | None = None,
        concurrency: int = 1,
        ordered: bool = True,
        item_type: type[T] | None = None,
        options: RequestOptions | None = None,
        expected_pages: int | None = None,
    ) -> Paginator[Any]:
        """Iterate over a list endpoint's items (``async for``) or pages (``.pages()``).

        The envelope style follows the endpoint unless ``style`` is given. ``concurrency=N``
        fetches up to N pages at once after the first; items still come in page order unless
        ``ordered=False``. ``item_type`` structures each item into that model. Pages are reads,
        so they are retried like GETs even when sent as POST (``by-filter/patients``).
        ``options`` (:class:`RequestOptions`) apply to every page. Untyped without
        ``item_type``: the escape hatch beside :meth:`request`.

        An offset list's page count is only known from page 0, so the other pages would wait a
        round for it: where the list is expected to have more pages, up to ``concurrency - 1``
        of them are requested with page 0, and any past the end are dropped unread.
        ``expected_pages`` says how many to expect; without it, the count the same list (method,
        path, parameters, body and size) had when this client last read it, if it did lately.
        """
        method = method.upper()
        template = path.strip("/")
        chosen = style or style_for(template)
        fixed = {key: _query_value(key, value) for key, value in (params or {}).items()}
        body, headers = _json_body(json)
        resolved = self._options(options)  # checked now, not at the first page
        check_extra_query(resolved.query, chosen, template)

        async def fetch(page_params: Params) -> RawResponse:
            call = self._new_call(
                method,
                template,
                path_params=path_params,
                params=page_params,
                headers=headers,
                body=body,
                idempotent=True,
                options=resolved,
            )
            return await self._execute(call)  # its bytes: the paginator reads them

        return Paginator(
            fetch,
            chosen,
            params=fixed,
            size=size,
            concurrency=concurrency,
            ordered=ordered,
            item_type=item_type,
            template=template,
            expected_pages=expected_pages,
            memory=self._page_count(
                path_params, method, template, fixed, size, body, resolved.query
            ),
            decode=lambda response: decode_json(response, method, template),
        )

    def _page_count(
        self, path_params: Mapping[str, object] | None, *names: object
    ) -> PageCount | None:
        """The remembered page count of one list: its path filled with ``path_params``, and
        ``names`` (all else that chooses its pages: method, parameters, body, size)."""
        try:
            filled = sorted((name, str(value)) for name, value in (path_params or {}).items())
        except ValueError:  # a value with no text: its first page will say so
            return None
        return self._shared.page_counts.of(filled, *names)

    # --- resources ---------------------------------------------------------------------------

    @overload
    def cdts(self, patient_id: str | UUID, cdt: str) -> CdtRecords[dict[str, Any]]: ...
    @overload
    def cdts(self, patient_id: str | UUID, cdt: type[B]) -> CdtRecords[B]: ...
    def cdts(self, patient_id: str | UUID, cdt: str | type[Any]) -> CdtRecords[Any]:
        """One patient's records of one CDT, given by name (dict bodies) or generated class."""
        return CdtRecords(self, patient_id, cdt)

    def encounters(self, patient_id: str | UUID) -> Encounters:
        """One patient's encounters."""
        return Encounters(self, patient_id)

    def assessment_records(self, patient_id: str | UUID) -> AssessmentRecords:
        """One patient's assessment records."""
        return AssessmentRecords(self, patient_id)

    def programs(self, patient_id: str | UUID) -> Programs:
        """One patient's programs and phases."""
        return Programs(self, patient_id)

    def care_plan(self, patient_id: str | UUID) -> CarePlan:
        """One patient's care plan: its overview, and its goals (``.goals``)."""
        return CarePlan(self, patient_id)

    def documents(self, patient_id: str | UUID) -> Documents:
        """One patient's document summaries and their files."""
        return Documents(self, patient_id)

    def emails(self, patient_id: str | UUID) -> Emails:
        """One patient's emails."""
        return Emails(self, patient_id)

    def sms(self, patient_id: str | UUID) -> Sms:
        """One patient's text messages."""
        return Sms(self, patient_id)

    def chat(self, patient_id: str | UUID) -> Chat:
        """One patient's chat messages."""
        return Chat(self, patient_id)

    def dictionaries(self, name: str) -> Dictionaries:
        """The records of one dictionary (``cpt``, ``icd-10``, the tenant's own)."""
        return Dictionaries(self, name)

    def map(
        self,
        fn: Callable[[I], Awaitable[V]],
        items: Iterable[I] | AsyncIterable[I],
        *,
        concurrency: int | None = None,
    ) -> AsyncGenerator[Result[I, V], None]:
        """``Result(item, value | error)`` of ``await fn(item)`` for every item, as each finishes.

        At most ``concurrency`` calls run at once (the client's ``max_concurrency`` by
        default); items are pulled from ``items`` only as slots free up. A failing item is a
        ``Result`` with ``.error``; it never stops the batch. Leaving the loop cancels the rest.
        """
        chosen = self.max_concurrency if concurrency is None else concurrency
        return map_concurrently(fn, items, chosen)

    async def _check_models(self) -> None:
        """Compare the tenant module's CDT versions with the server's, once per client."""
        if self.models is None or self._shared.models_checked:
            return
        async with self._shared.models_lock:
            if self._shared.models_checked:
                return
            try:
                definitions = await self.formations.cdts()
            except WelkinError as exc:  # e.g. a role without formations access: say so, go on
                problems = [
                    f"the CDT definitions of tenant {self.tenant!r} could not be read to check "
                    f"the models ({type(exc).__name__})"
                ]
            else:
                problems = self.models.drift(definitions)
            self._shared.models_checked = True
        self.models.warn(problems)

    # --- the pipeline ----------------------------------------------------------------------------

    def _url(
        self,
        template: str,
        path_params: Mapping[str, object] | None,
        params: Mapping[str, QueryValue] | None,
    ) -> str:
        values = path_params or {}
        used: set[str] = set()

        def fill(match: re.Match[str]) -> str:
            name = match[1]
            if name not in values:
                raise ValueError(f"path_params has no value for {{{name}}} in {template!r}")
            used.add(name)
            return quote(path_segment(name, values[name]), safe="")

        path = _PLACEHOLDER.sub(fill, template)
        if unused := set(values) - used:
            raise ValueError(f"path_params {sorted(unused)} do not appear in {template!r}")
        root = self._tenant_root if template.startswith("admin/") else self._env_root
        url = root + path
        if params:
            query = {str(key): _query_value(str(key), value) for key, value in params.items()}
            for key, value in query.items():
                _check_unicode("query parameter", key, key + value)
            url += "?" + urlencode(query)
        return url

    @overload
    async def _execute(self, call: _Call, *, streamed: Literal[False] = ...) -> RawResponse: ...
    @overload
    async def _execute(self, call: _Call, *, streamed: Literal[True]) -> StreamedResponse: ...
    async def _execute(
        self, call: _Call, *, streamed: bool = False
    ) -> RawResponse | StreamedResponse:
        """Send ``call`` until it succeeds or the policy gives up; raise a typed error then.

        ``streamed``: the 2xx answer is returned open (see the module docstring). With tracing
        on, the call is one span whatever its attempts.
        """
        limiter = self._open_limiter()
        if call.authenticated:
            self.stats.requests += 1
        retry = RetryState(self.retry, call.max_tries or self.retry.max_tries)
        trace = start_call(self._tracing, call.method, call.template) if self._tracing else None
        try:
            answer = await self._retrying(call, retry, limiter, trace, streamed=streamed)
        except BaseException as exc:
            if trace is not None:
                trace.end(getattr(exc, "status", None), retry.attempts, exc)
            raise
        if trace is not None:
            trace.end(answer.status, retry.attempts, None)
        if call.authenticated and (captured := _CAPTURED.get()) is not None:
            captured.append(Exchange(answer.status, answer.headers, retry.attempts))
        return answer

    async def _retrying(
        self,
        call: _Call,
        retry: RetryState,
        limiter: Gate,
        trace: CallTrace | None,
        *,
        streamed: bool,
    ) -> RawResponse | StreamedResponse:
        """The attempts of :meth:`_execute`: the first, 401 replays and the retries."""
        replayed = False
        while True:
            token = await self._admitted(call, limiter, retry)
            retry_after: float | None = None
            try:
                answer, sent_at = await self._attempt(
                    call, retry.attempts, token, limiter, trace=trace, streamed=streamed
                )
            except TransportError as exc:
                if not may_retry_error(exc, idempotent=call.idempotent):
                    raise
                failure: WelkinError = exc
            else:
                if 200 <= answer.status < 300:  # redirects are not followed: an error
                    self._succeeded(call, limiter)
                    return answer
                response = await _whole(answer)  # whole already, from ``_exchange``: typed
                if response.status == 401 and call.authenticated and not replayed:
                    replayed = True  # a stale token: refresh (once, for everyone) and replay
                    self._shared.tokens.invalidate(token)
                    self.stats.replays += 1
                    continue
                if response.status == 429:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    self._throttled(call, retry_after, sent_at, limiter)
                failure = api_error(
                    response,
                    call.method,
                    call.template,
                    retry_after=retry_after,
                    token_endpoint=not call.authenticated,
                )
                if not self._may_retry(call, response.status, retry_after):
                    raise failure
            delay = retry.next_delay(retry_after, paused_by_limiter=call.authenticated)
            # The shared pause is waited out inside the next attempt: it counts against
            # max_elapsed like a delay of our own, so a pause longer than what is left fails now.
            waited = max(delay, limiter.pause_remaining) if call.authenticated else delay
            if not retry.allows(waited):
                raise failure
            # A 429 on an API call is paced by the limiter (its pause and its lowered rate), so
            # retrying it adds no load the server did not ask for: only failures spend the
            # budget. Otherwise one opening burst against a rate limit would fail calls outright.
            paced = isinstance(failure, RateLimited) and call.authenticated
            if not paced and not self._shared.budget.withdraw():
                self.stats.retry_budget_exhausted += 1
                raise failure
            await self._announce_retry(call, retry.attempts, failure, delay, trace)
            if delay > 0:
                await asyncio.sleep(delay)

    def _succeeded(self, call: _Call, limiter: Gate) -> None:
        self._shared.budget.deposit()
        if call.authenticated:
            limiter.on_success()

    def _may_retry(self, call: _Call, status: int, retry_after: float | None) -> bool:
        if retry_after is not None and retry_after > self.retry.max_retry_after:
            return False  # too long to wait out: fail this call now
        return may_retry_status(status, idempotent=call.idempotent)

    async def _announce_retry(
        self,
        call: _Call,
        attempt: int,
        failure: WelkinError,
        delay: float,
        trace: CallTrace | None,
    ) -> None:
        self.stats.retries += 1
        status = getattr(failure, "status", None)
        reason = f"HTTP {status}" if status is not None else type(failure).__name__
        if trace is not None:
            trace.retry(attempt, reason, delay)
        logger.debug(
            "retrying %s %s after %s in %.3f s (attempt %d)",
            call.method,
            call.template,
            reason,
            delay,
            attempt,
        )
        if self._hooks[2] is not None:
            event = RetryEvent(
                call.method, call.template, attempt, reason, delay, call_id=call.call_id
            )
            await fire(self._hooks[2], event)

    def _throttled(
        self, call: _Call, retry_after: float | None, sent_at: float, limiter: Gate
    ) -> None:
        self.stats.rate_limited += 1
        if call.authenticated:  # the token endpoint's limits are not the API's
            too_long = retry_after is not None and retry_after > self.retry.max_retry_after
            limiter.on_throttle(None if too_long else retry_after, sent_at)

    async def _attempt(
        self,
        call: _Call,
        attempt: int,
        token: str | None,
        limiter: Gate,
        *,
        trace: CallTrace | None,
        streamed: bool = False,
    ) -> tuple[RawResponse | StreamedResponse, float]:
        """Send once, with the token; log and fire hooks. An API call comes admitted by
        :meth:`_admitted`: this attempt gives its limiter slot back (an open, ``streamed`` 2xx
        answer keeps it until it is closed).
        """
        if call.authenticated:
            self.stats.attempts += 1
        else:
            self.stats.token_requests += 1
        held = call.authenticated  # whether this attempt still holds a limiter slot
        try:
            headers = (
                call.headers
                if token is None
                else {**call.headers, "Authorization": f"Bearer {token}"}
            )
            if trace is not None:
                headers = {**headers, **trace.headers()}  # W3C traceparent, the span's context
            transport = self._transport
            assert transport is not None  # noqa: S101 - set whenever the client is open
            if self._hooks[0] is not None:
                event = RequestEvent(call.method, call.template, attempt, call_id=call.call_id)
                await fire(self._hooks[0], event)
            sent_at = monotonic()
            try:
                response = await _exchange(transport, call, headers, streamed=streamed)
            except TransportError as exc:
                self.stats.transport_errors += 1
                logger.debug(
                    "%s %s -> %s (attempt %d, %.1f ms)",
                    call.method,
                    call.template,
                    type(exc).__name__,
                    attempt,
                    (monotonic() - sent_at) * 1000,
                )
                raise
            if held and isinstance(response, StreamedResponse):
                response.on_close(limiter.release)  # the open answer gives the slot back
                held = False
        finally:
            if held:
                limiter.release()
        elapsed = monotonic() - sent_at
        self.stats.responses[response.status] += 1
        logger.debug(
            "%s %s -> %d (attempt %d, %.1f ms)",
            call.method,
            call.template,
            response.status,
            attempt,
            elapsed * 1000,
        )
        if self._hooks[1] is not None:
            done = ResponseEvent(
                call.method, call.template, attempt, response.status, elapsed, call_id=call.call_id
            )
            try:
                await fire(self._hooks[1], done)
            except BaseException:
                if isinstance(response, StreamedResponse):
                    await response.aclose()
                raise
        return response, sent_at

    async def _admitted(self, call: _Call, limiter: Gate, retry: RetryState) -> str | None:
        """An API call's token and the limiter's admission of this attempt (its slot is then
        held); none of either for the token request itself. The attempt counts in ``retry`` from
        when it has its token."""
        if not call.authenticated:
            retry.attempts += 1
            return None
        try:
            token = await self._slot_and_token(limiter, retry)
        except PauseTooLong as exc:
            raise _paused_past_deadline(call, exc.wait) from None
        if self._shared.state != "open":  # closed while this attempt waited its turn
            limiter.release()
            raise ClientClosedError("the WelkinClient was closed before this call was sent")
        return token

    async def _slot_and_token(self, limiter: Gate, retry: RetryState) -> str:
        """With the client's own limiter, once it has had a token: the slot, then the token, then
        the rest of the admission (pause, bucket), after which the request leaves at once. When
        1,000 calls find the token expired, all but the slot holders queue for a slot as with a
        valid token, and only the holders wait for the one refresh: not 1,000 wake-ups, each
        followed by a second wait for a slot (issue 19). The token comes first for a client's
        first token, which paces its opening burst (see :class:`TokenCache`), and with a fleet's
        gate, which admits in one step that asks the shared store, where the fleet's token is.
        """
        tokens = self._shared.tokens
        if not isinstance(limiter, Limiter) or not tokens.issued:
            token = await tokens.get()
            retry.attempts += 1
            await limiter.acquire(retry.deadline)
            return token
        await limiter.acquire_slot()
        try:
            token = await tokens.get()
            retry.attempts += 1
            await limiter.admit(retry.deadline)
        except BaseException:
            limiter.release()
            raise
        return token

    async def _fetch_token(self, retry: bool) -> IssuedToken:
        """Exchange the credentials for a token (one attempt only when ``retry`` is False)."""
        exchange = token_request(self.credentials, self._tenant_root)
        call = _Call(
            method="POST",
            url=exchange.url,
            template=exchange.template,
            headers=exchange.headers,
            body=exchange.body,
            idempotent=True,  # a second token is harmless
            call_id=next(self._shared.call_ids),
            authenticated=False,
            max_tries=None if retry else 1,
        )
        try:
            response = await self._execute(call)
            issued = read_token(exchange, response)
        except WelkinError:
            self.stats.token_failures += 1
            raise
        self.stats.token_refreshes += 1
        return issued

    def _token_floored(self) -> None:
        self.stats.token_lifetime_floored += 1

    def _open_limiter(self) -> Gate:
        shared = self._shared
        if shared.state != "open" or shared.limiter is None:
            raise ClientClosedError(
                "the WelkinClient is closed"
                if shared.state == "closed"
                else "use the WelkinClient inside 'async with' (it is not open yet)"
            )
        return shared.limiter


async def _exchange(
    transport: Transport, call: _Call, headers: Mapping[str, str], *, streamed: bool
) -> RawResponse | StreamedResponse:
    """One HTTP exchange: the whole answer; or, ``streamed``, a 2xx answer left open with its
    first chunk read (a failure up to there belongs to this attempt). An error answer is
    always read whole, and a :class:`StreamedBody` is sent as it is made."""
    opened = streamed or isinstance(call.body, StreamedBody)
    if opened and isinstance(transport, StreamingTransport):
        response = await transport.open(
            call.method,
            call.url,
            headers=headers,
            body=call.body,
            template=call.template,
            timeouts=call.timeouts,
        )
    else:  # the whole answer; from a transport that only sends bytes, a body made whole too
        body = await call.body.read() if isinstance(call.body, StreamedBody) else call.body
        whole = await transport.send(
            call.method,
            call.url,
            headers=headers,
            body=body,
            template=call.template,
            timeouts=call.timeouts,
        )
        if not (streamed and 200 <= whole.status < 300):
            return whole
        response = StreamedResponse.of(whole)
    try:
        if streamed and 200 <= response.status < 300:
            await response.prefetch()
            return response
    except BaseException:
        await response.aclose()
        raise
    return await _whole(response)


async def _whole(response: RawResponse | StreamedResponse) -> RawResponse:
    """The answer with its body read whole (within the transport's cap), and closed."""
    if isinstance(response, RawResponse):
        return response
    try:
        body = await response.read()
    finally:
        await response.aclose()
    return RawResponse(response.status, response.headers, body)


def _checked(value: T, kind: type[T], name: str) -> T:
    if not isinstance(value, kind):
        raise ConfigurationError(f"{name} must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _check_scope_name(name: str, value: object) -> None:
    """A tenant or environment name is one printable path segment (``ConfigurationError``,
    naming ``name`` and what is wrong, never the value)."""
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigurationError(f"{name} is not valid Unicode text") from None
    if value in ("", ".", ".."):
        raise ConfigurationError(f"{name} must name one {name}, not {value!r}")
    if "/" in value or not value.isprintable() or value != value.strip():
        raise ConfigurationError(
            f"{name} must be one path segment: no '/', spaces at the ends or control characters"
        )


def path_segment(name: str, value: object) -> str:
    """``value`` as the text of one path segment, or a ``ValueError`` naming ``name``.

    An empty segment would address the collection (``DELETE patients/``) and ``.``/``..`` would
    be resolved as dot segments on the way out, so all three are refused before sending; so is
    a value that is not a scalar (``None``, a list), whose text would be a wrong but valid id.
    """
    if value is None or isinstance(value, bool | bytes | bytearray | Mapping | list | tuple | set):
        raise ValueError(
            f"path parameter {name!r} must be a string or a number, not {type(value).__name__}"
        )
    text = _text("path parameter", name, value)
    if text in ("", ".", ".."):
        shown = "empty" if not text else f"{text!r}"
        raise ValueError(f"path parameter {name!r} is {shown}: it must name one record")
    _check_unicode("path parameter", name, text)
    return text


def _check_unicode(kind: str, name: str, text: str) -> None:
    """A lone surrogate cannot be percent-encoded: a ``ValueError`` naming the parameter."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{kind} {name!r} is not valid Unicode text") from None


def _paused_past_deadline(call: _Call, wait: float) -> RateLimited:
    """The error of a call whose ``max_elapsed`` ends before the client's shared pause does (or,
    in a fleet, before the shared rate's next slot for it)."""
    return RateLimited(
        429,
        retry_after=wait,
        method=call.method,
        path=call.template,
        error_code="PAUSED_PAST_MAX_ELAPSED",
        message=(
            "the client is held by its rate limit (a pause after a 429, or the fleet's next "
            "slot) for longer than the call may take"
        ),
    )


def _query_value(name: str, value: QueryValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text("query parameter", name, value)


def _text(kind: str, name: str, value: object) -> str:
    """``str(value)``, or a ``ValueError`` naming the parameter: an int of more digits than
    Python will convert (4,300 by default) has no text."""
    try:
        return str(value)
    except ValueError:
        raise ValueError(f"{kind} {name!r} is a number too large to send") from None
