"""Token endpoints: OAuth 2.0 client credentials (documented layout) and the live layout's
API-client secret exchange."""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import parse_qsl, unquote_plus

from welkin_async.testing._errors import ApiFailure
from welkin_async.testing._routing import Call, Layout, Reply, Route, Scope, json_reply
from welkin_async.testing._security_audit import token_issued, token_refused
from welkin_async.testing._tenants import ApiClient
from welkin_async.testing.routes._shapes import ref

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# How a token was asked for, as the security audit names it.
_CLIENT_CREDENTIALS, _API_CLIENT_SECRET = "client_credentials", "api_client_secret"


def _issue(call: Call, client: ApiClient, grant: str) -> tuple[str, int]:
    try:
        token, lifetime = call.backend.tokens.issue(client)
    except ApiFailure as refused:
        call.backend.stats.token_requests_refused += 1
        token_refused(call, client, code=refused.code, grant=grant)
        raise
    call.backend.stats.tokens_issued += 1
    expires_ms = call.backend.clock.now_ms() + lifetime * 1000
    token_issued(call, client, grant=grant, expires_ms=expires_ms)
    return token, lifetime


def _oauth_error(status: int, error: str, description: str, *, basic: bool = False) -> Reply:
    headers = dict(_NO_STORE)
    if basic:
        headers["WWW-Authenticate"] = 'Basic realm="welkin"'
    reply = json_reply({"error": error, "error_description": description}, status)
    return Reply(reply.status, reply.body, headers)


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return unquote_plus(user), unquote_plus(password)  # form-encoded first: RFC 6749 2.3.1


def oauth_token(call: Call) -> Reply:
    """RFC 6749 section 4.4: ``grant_type=client_credentials``, client in the form or Basic."""
    form = dict(parse_qsl(call.body.decode("utf-8", "replace"), keep_blank_values=True))
    basic = _basic(call.request.headers.get("Authorization", ""))
    if form.get("grant_type") is None:
        return _oauth_error(400, "invalid_request", "grant_type is required")
    if form["grant_type"] != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
    client_id, secret = basic or (form.get("client_id"), form.get("client_secret"))
    if not client_id or secret is None:
        return _oauth_error(401, "invalid_client", "client authentication is required", basic=True)
    client = call.backend.client_with_id(call.tenant, client_id)
    if client is None or not hmac.compare_digest(client.secret.encode(), secret.encode()):
        token_refused(call, client, code="invalid_client", grant=_CLIENT_CREDENTIALS)
        return _oauth_error(
            401, "invalid_client", "client authentication failed", basic=bool(basic)
        )
    token, lifetime = _issue(call, client, _CLIENT_CREDENTIALS)
    reply = json_reply({"access_token": token, "token_type": "Bearer", "expires_in": lifetime})
    return Reply(reply.status, reply.body, _NO_STORE)


def api_client_token(call: Call) -> Reply:
    client = call.backend.client_named(call.tenant, call.params["client_name"])
    secret = call.json_object()["secret"]
    if client is None or not hmac.compare_digest(client.secret.encode(), secret.encode()):
        code = "API_CLIENT_AUTHENTICATION_FAILED"
        token_refused(call, client, code=code, grant=_API_CLIENT_SECRET)
        raise ApiFailure(401, code, "AUTH", "Unknown API client or wrong secret")
    token, _lifetime = _issue(call, client, _API_CLIENT_SECRET)
    return json_reply({"token": token})


_FORM = {
    "type": "object",
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string"},
        "scope": {"type": "string"},
    },
    "required": ["grant_type"],
}
ROUTES = (
    Route(
        "POST",
        "/oauth/token",
        oauth_token,
        "Get a bearer token (OAuth 2.0 client credentials)",
        None,
        scope=Scope.TENANT,
        layouts=frozenset({Layout.DOCUMENTED}),
        authenticated=False,
        request_body=_FORM,
        request_media_type="application/x-www-form-urlencoded",
        responses={
            200: ref("oauth_token.json"),
            400: ref("oauth_error.json"),
            401: ref("oauth_error.json"),
        },
    ),
    Route(
        "POST",
        "/api_clients/{client_name}",
        api_client_token,
        "Exchange an API client's secret for a JWT",
        None,
        scope=Scope.ADMIN,
        layouts=frozenset({Layout.LIVE}),
        authenticated=False,
        request_body="api_client_token_request.json",
        responses={200: ref("api_client_token.json")},
    ),
)
