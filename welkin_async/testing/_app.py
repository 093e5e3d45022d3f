"""The aiohttp application: every route under both layouts, behind one request pipeline.

pipeline: count -> faults (latency, reset, status, storm) -> tenant -> token -> rate limit ->
environment -> permission -> read body -> parse (strict, bounded) and validate a JSON body ->
handler -> faults on the answer (reset, truncate, malformed, slow) -> respond.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web
from multidict import CIMultiDict, MultiDict

from welkin_async.testing._backend import Backend, ReceivedRequest
from welkin_async.testing._errors import ApiFailure, bad_request
from welkin_async.testing._faults import NO_FAULTS, FaultPlan
from welkin_async.testing._ratelimit import retry_after_header
from welkin_async.testing._routing import Call, Layout, Reply, Route, Scope
from welkin_async.testing._schemas import validate
from welkin_async.testing._security_audit import token_rejected
from welkin_async.testing._tenants import ApiClient, Environment, Tenant

logger = logging.getLogger("welkin_async.testing")

BACKEND_KEY = web.AppKey("backend", Backend)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_JSON = "application/json"
# The environment segment can never be "admin": that name belongs to the tenant's admin API.
_RESERVED_ENVIRONMENTS = frozenset({"admin"})
_GATEWAY_PAGE = b"<html><body><h1>%d</h1>The upstream server did not answer.</body></html>"
_SLOW_PIECES = 8


def _failure_reply(backend: Backend, failure: ApiFailure) -> Reply:
    return Reply(failure.status, failure.body(backend.clock.now_ms()), failure.headers)


def _injected_status(backend: Backend, status: int) -> Reply:
    if status in (502, 504):  # gateways answer in HTML, not with the API's error array
        return Reply(status, _GATEWAY_PAGE % status, {"Content-Type": "text/html"})
    failure = ApiFailure(status, "INTERNAL_SERVER_ERROR", "SERVER", "Injected server error")
    return _failure_reply(backend, failure)


def _authenticate(backend: Backend, request: web.Request, tenant: Tenant) -> ApiClient:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiFailure(401, "UNAUTHORIZED", "AUTH", "A bearer token is required")
    claims = backend.tokens.verify(token.strip())
    client = backend.client_named(tenant, claims.client_name)
    if claims.tenant != tenant.name or client is None:
        raise ApiFailure(
            401, "NOT_VALID_JSON_WEB_TOKEN", "AUTH", "The access token is not valid for this tenant"
        )
    return client


def _too_many_requests(retry_after: str | None) -> ApiFailure:
    """The 429 of both the rate limiter and an injected storm: clients cannot tell them apart."""
    return ApiFailure(
        429,
        "TOO_MANY_REQUESTS",
        "RATE_LIMIT",
        "Rate limit exceeded for the API client",
        headers={} if retry_after is None else {"Retry-After": retry_after},
    )


def _throttle(backend: Backend, client: ApiClient) -> None:
    if backend.limiter is None:
        return
    wait = backend.limiter.acquire(client.client_id)
    if wait is not None:
        limit = backend.limiter.limit
        raise _too_many_requests(retry_after_header(wait, backend.clock, limit.retry_after))


def _resolve(request: web.Request, backend: Backend) -> tuple[Tenant, Environment | None]:
    tenant = backend.tenants.get(request.match_info.get("tenant", ""))
    if tenant is None:
        raise ApiFailure(404, "TENANT_NOT_FOUND", "TENANT", "No such tenant")
    name = request.match_info.get("environment")
    if name is None:
        return tenant, None
    environment = tenant.environment(name)
    if environment is None or name in _RESERVED_ENVIRONMENTS:
        raise ApiFailure(404, "INSTANCE_NOT_FOUND", "TENANT", "No such environment")
    return tenant, environment


async def _read_body(request: web.Request) -> bytes:
    """The body's bytes; one that cannot be decompressed or de-chunked is a 400, as the live
    API answers a body it cannot read."""
    try:
        return await request.read()
    except web.RequestPayloadError:
        raise bad_request("MALFORMED_JSON", "REQUEST", "The body cannot be read") from None


async def _answer(backend: Backend, route: Route, request: web.Request) -> Reply:
    tenant, environment = _resolve(request, backend)
    client = None
    if route.authenticated:
        try:
            client = _authenticate(backend, request, tenant)
        except ApiFailure as refused:
            token_rejected(tenant, route, environment, refused.code, backend.clock.now_ms())
            raise
        _throttle(backend, client)
    reads = request.method in _BODY_METHODS and not route.streams_body
    body = await _read_body(request) if reads else b""
    call = Call(backend, route, request, tenant, environment, client, body)
    resource = route.resource
    if client is not None and resource is not None:
        if not client.role.allows(resource, route.action):
            raise call.forbidden()
        for further in route.also_needs:
            if not client.role.allows(further, route.action):
                raise call.forbidden(resource=further)
    if not body.strip():
        reply = route.handler(call)
        return reply if isinstance(reply, Reply) else await reply
    try:
        handled = _handle_body(route, call)
    except (RecursionError, ValueError, TypeError) as exc:
        # The last resort: a body some check could not cope with is the sender's fault (a
        # 400), not the server's. The type is logged so the check can be fixed; never values.
        logger.warning("%s: a body check raised %s", route.key, type(exc).__qualname__)
        raise bad_request(
            "INVALID_REQUEST_BODY", "REQUEST", "The body could not be validated"
        ) from None
    return handled if isinstance(handled, Reply) else await handled


def _handle_body(route: Route, call: Call) -> Reply | Awaitable[Reply]:
    """Read a JSON body before anything looks at it, so every JSON route refuses an unreadable
    one alike (400, before any lookup); then the documented schema, then the handler."""
    if route.request_body is not None and route.request_media_type == _JSON:
        document = call.json()
        if isinstance(route.request_body, str):
            validate(route.request_body, document)
    return route.handler(call)


def _drop_connection(request: web.Request) -> web.StreamResponse:
    """Abort the TCP connection: the client sees a reset, never a status line."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499)  # never written: the transport is gone


async def _start_stream(
    request: web.Request, reply: Reply, headers: dict[str, str], length: int
) -> web.StreamResponse:
    """Send the status line and headers, announcing the full body length, for a faulty body."""
    response = web.StreamResponse(status=reply.status, headers=headers)
    response.content_length = length
    await response.prepare(request)
    return response


async def _respond(request: web.Request, reply: Reply, plan: FaultPlan) -> web.StreamResponse:
    body = reply.body or b""
    headers = dict(reply.headers)
    if reply.body is not None and "Content-Type" not in headers:
        headers["Content-Type"] = _JSON
    if plan.malformed and body:
        body = body[: max(1, len(body) // 2)] + b"\x00}{"
    if plan.truncate and len(body) > 1:
        response = await _start_stream(request, reply, headers, len(body))
        await response.write(body[: len(body) // 2])
        return _drop_connection(request)
    if plan.slow_body is not None and body:
        response = await _start_stream(request, reply, headers, len(body))
        piece = -(-len(body) // _SLOW_PIECES)
        for offset in range(0, len(body), piece):
            await asyncio.sleep(plan.slow_body / _SLOW_PIECES)
            await response.write(body[offset : offset + piece])
        await response.write_eof()
        return response
    return web.Response(
        status=reply.status, body=body if reply.body is not None else None, headers=headers
    )


def _pipeline(
    backend: Backend, route: Route
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        backend.stats.requests[route.key] += 1
        for listener in backend.request_listeners:
            listener(route.key)
        if backend.received_listeners:
            received = ReceivedRequest(
                route.key, MultiDict(request.query), CIMultiDict(request.headers)
            )
            for observer in backend.received_listeners:
                observer(received)
        plan = backend.faults.plan(route.key) if backend.faults is not None else NO_FAULTS
        if plan is not NO_FAULTS:
            backend.stats.faults.update(plan.kinds)
            if plan.latency:
                await asyncio.sleep(plan.latency)
            if plan.reset_before:
                return _drop_connection(request)
        try:
            if plan.status is not None:
                reply = _injected_status(backend, plan.status)
            elif plan.storm_retry_after is not None:
                raise _too_many_requests(str(plan.storm_retry_after))
            else:
                reply = await _answer(backend, route, request)
        except ApiFailure as failure:
            reply = _failure_reply(backend, failure)
        if reply.status == 429:
            backend.stats.rate_limited += 1
        if plan.reset_after:
            return _drop_connection(request)
        logger.debug("%s -> %d", route.key, reply.status)
        return await _respond(request, reply, plan)

    return handle


@web.middleware
async def _unmatched_as_error_array(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Unknown paths and methods answer like the rest of the API: with an error array."""
    try:
        return await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as exc:
        backend = request.app[BACKEND_KEY]
        code = "NOT_FOUND" if exc.status == 404 else "METHOD_NOT_ALLOWED"
        failure = ApiFailure(exc.status, code, "REQUEST", exc.reason)
        headers = {"Content-Type": _JSON}
        if isinstance(exc, web.HTTPMethodNotAllowed):
            headers["Allow"] = ", ".join(sorted(exc.allowed_methods))
        return web.Response(
            status=exc.status, body=failure.body(backend.clock.now_ms()), headers=headers
        )


def _request_id_stamper() -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    """Every answer carries an ``X-Request-Id``, as gateways in front of APIs add one: the id
    a user quotes to support, which the client puts on its errors and raw responses."""
    ids = itertools.count(1)

    async def stamp(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.setdefault("X-Request-Id", f"emu-{next(ids):010d}")

    return stamp


def full_path(route: Route, layout: Layout) -> str:
    return layout.value + route.scope.value + route.path


def build_app(
    backend: Backend,
    routes: Iterable[Route],
    openapi: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> web.Application:
    app = web.Application(middlewares=[_unmatched_as_error_array], client_max_size=16 * 1024**2)
    app[BACKEND_KEY] = backend
    app.on_response_prepare.append(_request_id_stamper())
    app.router.add_get("/openapi.json", openapi)
    # Fixed segments first: "/v1/..." and ".../admin/..." must win over "/{tenant}/{environment}".
    ordered = sorted(routes, key=lambda route: route.scope == Scope.ENVIRONMENT)
    for layout in (Layout.DOCUMENTED, Layout.LIVE):
        for route in ordered:
            if layout in route.layouts:
                app.router.add_route(
                    route.method, full_path(route, layout), _pipeline(backend, route)
                )
    return app
