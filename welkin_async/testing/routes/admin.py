"""The tenant's admin API: users, and the webhook delivery audit."""

from __future__ import annotations

from welkin_async.testing._errors import bad_request, not_found
from welkin_async.testing._routing import (
    Call,
    QueryParam,
    Reply,
    Route,
    Scope,
    json_reply,
)
from welkin_async.testing.routes._common import meta_info_list
from welkin_async.testing.routes._shapes import PAGE_PARAMS, ref
from welkin_async.testing.routes._shapes import meta_info_page as meta_shape

_USER_KEYS = {"ID": "id", "USERNAME": "username", "EMAIL": "email"}


def list_users(call: Call) -> Reply:
    return meta_info_list(call, call.tenant.users)


def get_user(call: Call) -> Reply:
    kind = call.query.get("type", "ID").upper()
    key = _USER_KEYS.get(kind)
    if key is None:
        raise bad_request(
            "INVALID_LOOKUP_TYPE", "USER", "type must be ID, USERNAME or EMAIL", parameter="type"
        )
    wanted = call.params["user_id"]
    for user in call.tenant.users:
        if user[key] == wanted:
            return json_reply(user)
    raise not_found("USER_NOT_FOUND", "USER", "User doesn't exist")


def audit_webhooks(call: Call) -> Reply:
    entries = call.backend.webhooks.audit.get(call.tenant.name, [])
    return meta_info_list(call, entries[::-1])


ROUTES = (
    Route(
        "GET",
        "/users",
        list_users,
        "List the tenant's users",
        "users",
        "read",
        scope=Scope.ADMIN,
        responses={200: meta_shape(ref("user.json"))},
        query=PAGE_PARAMS,
    ),
    Route(
        "GET",
        "/users/{user_id}",
        get_user,
        "Get a user by id, username or email",
        "users",
        "read",
        scope=Scope.ADMIN,
        responses={200: ref("user.json")},
        query=(QueryParam("type", {"type": "string", "enum": list(_USER_KEYS)}),),
    ),
    Route(
        "GET",
        "/audit-webhook",
        audit_webhooks,
        "Webhook delivery attempts, newest first",
        "audit",
        "read",
        scope=Scope.ADMIN,
        responses={200: meta_shape(ref("webhook_audit.json"))},
        query=PAGE_PARAMS,
    ),
)
