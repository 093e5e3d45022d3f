"""Routes as data: each names its handler, the permission it needs and its documented shapes.

The same table drives the aiohttp router (under both URL layouts), the permission check, the
per-route statistics and fault rules, and the OpenAPI document.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from welkin_async.testing import _json
from welkin_async.testing._body import read_json
from welkin_async.testing._errors import ApiFailure, bad_request
from welkin_async.testing._security_audit import access_denied

if TYPE_CHECKING:
    from aiohttp import web

    from welkin_async.testing._backend import Backend
    from welkin_async.testing._policy import Action
    from welkin_async.testing._tenants import ApiClient, Environment, Tenant

Schema = Mapping[str, Any]


class Scope(enum.Enum):
    """Where a route's path hangs: under an environment, a tenant's admin API, or a tenant."""

    ENVIRONMENT = "/{tenant}/{environment}"
    ADMIN = "/{tenant}/admin"
    TENANT = "/{tenant}"


class Layout(enum.Enum):
    """The documented layout prefixes ``/v1``; the live one does not."""

    DOCUMENTED = "/v1"
    LIVE = ""


@attrs.frozen
class QueryParam:
    name: str
    schema: Schema
    description: str = ""


@attrs.frozen
class Reply:
    status: int = 200
    body: bytes | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, _json.dumps(value))


def bytes_reply(body: bytes, status: int = 200) -> Reply:
    return Reply(status, body)


NO_CONTENT = Reply(204)


@attrs.frozen
class Route:
    """One operation: method, path under its scope, handler, permission, documented shapes."""

    method: str
    path: str
    # A coroutine function only where the handler reads the body itself (``streams_body``).
    handler: Callable[[Call], Reply | Awaitable[Reply]]
    summary: str
    resource: str | None
    action: Action = "read"
    # Further policy resources the route needs the same action on (a care-plan goal's tasks
    # need ``tasks`` as well as ``care-plans``).
    also_needs: tuple[str, ...] = ()
    scope: Scope = Scope.ENVIRONMENT
    layouts: frozenset[Layout] = frozenset(Layout)
    authenticated: bool = True
    # A schema of schemas/core by file ("patient_create.json"), which the pipeline validates
    # bodies against, or an inline schema the handler checks itself.
    request_body: str | Schema | None = None
    request_media_type: str = "application/json"
    body_required: bool = True
    # The handler reads the body as it arrives (a multipart upload, with limits of its own); the
    # pipeline does not read it first.
    streams_body: bool = False
    responses: Mapping[int, Schema | None] = attrs.field(factory=dict)
    query: tuple[QueryParam, ...] = ()
    # Schemas of path parameters that are narrower than any string (e.g. an enum).
    path_params: Mapping[str, Schema] = attrs.field(factory=dict)

    @property
    def key(self) -> str:
        """``GET /patients/{id}``: the name statistics and fault rules use (a path template)."""
        return f"{self.method} {self.path}"


_RESTRICTED = "ACCESS_FOR_API_CLIENT_RESTRICTED"
_UNREAD: Any = object()  # the body is not parsed yet (``None`` is a document: JSON null)


@attrs.define
class Call:
    """What a handler sees: the resolved tenant, environment and client, and the request."""

    backend: Backend
    route: Route
    request: web.Request
    tenant: Tenant
    environment: Environment | None
    client: ApiClient | None
    body: bytes
    _parsed: Any = attrs.field(default=_UNREAD, init=False)

    @property
    def params(self) -> Mapping[str, str]:
        return self.request.match_info

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query

    @property
    def env(self) -> Environment:
        if self.environment is None:  # pragma: no cover - a routing table error
            raise RuntimeError(f"{self.route.key} has no environment")
        return self.environment

    def json(self) -> Any:
        """The body's JSON document, read once by the one strict reader (a 400 otherwise)."""
        if self._parsed is _UNREAD:
            if not self.body.strip():
                raise bad_request("MISSING_REQUEST_BODY", "REQUEST", "A JSON body is required")
            self._parsed = read_json(self.body)
        return self._parsed

    def json_object(self) -> dict[str, Any]:
        value = self.json()
        if not isinstance(value, dict):
            raise bad_request("INVALID_REQUEST_BODY", "REQUEST", "The body must be a JSON object")
        return value

    def stamp(self) -> int:
        return self.env.stamp(self.backend.clock)

    def forbidden(self, *, field: str | None = None, resource: str | None = None) -> ApiFailure:
        """403 ``ACCESS_FOR_API_CLIENT_RESTRICTED`` with the live details (and the field);
        raised by the caller, and audited as a security event here (naming ``resource`` when
        the refusal is for another than the route's)."""
        client = self.client
        details: dict[str, Any] = {
            "clientId": client.client_id if client else None,
            "clientName": client.name if client else None,
            "clientType": "API_CLIENT",
            "organizationName": self.tenant.organization_name,
            "requestURI": self.request.path,
        }
        if field is not None:
            details["field"] = field
        access_denied(self, _RESTRICTED, field=field, resource=resource)
        return ApiFailure(
            403,
            _RESTRICTED,
            "AUTH",
            "Access to this API is restricted for the APIClient",
            details,
            dated=False,  # the live refusal carries no date
        )

    def hidden(self, scope: str) -> frozenset[str]:
        return self.client.role.hidden_fields(scope) if self.client else frozenset()

    def check_writable(self, scope: str, names: Any) -> None:
        if self.client is not None:
            field = self.client.role.first_unwritable(scope, names)
            if field is not None:
                raise self.forbidden(field=field)
