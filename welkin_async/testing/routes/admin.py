"""The tenant's admin API: users and their access, the data and security audits and the
webhook delivery audit.

Users: list; get by id, username or email (``?type=ID|USERNAME|EMAIL``; without a type the path
names a user by id or by username, as ``users/me`` is looked up); create (``PROVISIONED``, not
enabled, no roles); change by id or username (``PATCH``: only the fields sent; ``null`` clears
an optional one); delete. A username is the tenant's only once (409 ``USER_ALREADY_EXISTS``); an
email must look like one (400 ``INVALID_EMAIL``).

A user's access (by id): permissions, territories and application access, read and replaced
(``PUT``); see ``.._user_access`` for what a replacement checks.
"""

from __future__ import annotations

from typing import Any

from welkin_async.testing._clock import iso_ms
from welkin_async.testing._data_audit import select
from welkin_async.testing._errors import bad_request, conflict, not_found
from welkin_async.testing._routing import (
    NO_CONTENT,
    Call,
    QueryParam,
    Reply,
    Route,
    Scope,
    json_reply,
)
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import stable_uuid
from welkin_async.testing._user_access import (
    application_access_document,
    permissions_document,
    replace_application_access,
    replace_permissions,
    replace_territories,
    territories_document,
    user_index,
)
from welkin_async.testing._users import created_user_row
from welkin_async.testing.routes._common import meta_info_list
from welkin_async.testing.routes._shapes import PAGE_PARAMS, ref
from welkin_async.testing.routes._shapes import meta_info_page as meta_shape

_USER_KEYS = {"ID": "id", "USERNAME": "username", "EMAIL": "email"}
_REQUIRED = ("username", "email")


def list_users(call: Call) -> Reply:
    return meta_info_list(call, call.tenant.users)


def _lookup(call: Call) -> int:
    """The index in the tenant's users of the one the path names (by ``?type``, else by id or
    username); 404 ``USER_NOT_FOUND`` when none is."""
    given = call.query.get("type")
    if given is None:
        keys: tuple[str, ...] = ("id", "username")
    else:
        key = _USER_KEYS.get(given.upper())
        if key is None:
            raise bad_request(
                "INVALID_LOOKUP_TYPE",
                "USER",
                "type must be ID, USERNAME or EMAIL",
                parameter="type",
            )
        keys = (key,)
    wanted = call.params["user_id"]
    for index, user in enumerate(call.tenant.users):
        if any(user.get(key) == wanted for key in keys):
            return index
    raise not_found("USER_NOT_FOUND", "USER", "User doesn't exist")


def get_user(call: Call) -> Reply:
    return json_reply(call.tenant.users[_lookup(call)])


def _check_email(value: Any) -> None:
    if isinstance(value, str) and "@" not in value.strip("@"):
        raise bad_request("INVALID_EMAIL", "USER", "The email address is not valid", field="email")


def _check_username_free(call: Call, username: Any, user_id: str | None = None) -> None:
    if not isinstance(username, str):
        return
    for user in call.tenant.users:
        if user["username"].lower() == username.lower() and user["id"] != user_id:
            raise conflict(
                "USER_ALREADY_EXISTS", "USER", "A user with this username exists", field="username"
            )


def create_user(call: Call) -> Reply:
    spec = call.json_object()
    _check_email(spec["email"])
    _check_username_free(call, spec["username"])
    user_id = call.backend.new_id()
    now = iso_ms(call.backend.clock.now_ms())
    access_id = stable_uuid(call.backend.seed, call.tenant.name, "application-access", user_id)
    row = created_user_row(user_id, spec, access_id=access_id, now=now)
    call.tenant.users.append(row)
    return json_reply(row, 201)


def update_user(call: Call) -> Reply:
    index = _lookup(call)
    user = call.tenant.users[index]
    changes = call.json_object()
    for key in _REQUIRED:
        if key in changes and changes[key] is None:
            raise bad_request("MISSING_FIELD", "USER", f"{key} cannot be cleared", field=key)
    if "email" in changes:
        _check_email(changes["email"])
    if "username" in changes:
        _check_username_free(call, changes["username"], user["id"])
    cleared = {key for key, value in changes.items() if value is None}
    updated: Row = {key: value for key, value in user.items() if key not in cleared}
    updated.update((key, value) for key, value in changes.items() if value is not None)
    client = call.client
    updated.update(
        updatedAt=iso_ms(call.backend.clock.now_ms()),
        updatedByName=client.name if client is not None else None,
    )
    call.tenant.users[index] = updated
    return json_reply(updated)


def delete_user(call: Call) -> Reply:
    del call.tenant.users[_lookup(call)]
    return NO_CONTENT


def audit_data(call: Call) -> Reply:
    return meta_info_list(call, select(call.tenant, call.query))


def audit_security(call: Call) -> Reply:
    return meta_info_list(call, call.tenant.security_audit.select(call.query))


def _user(call: Call) -> Row:
    user: Row = call.tenant.users[user_index(call.tenant, call.params["user_id"])]
    return user


def get_permissions(call: Call) -> Reply:
    return json_reply(permissions_document(call.tenant, _user(call), call.backend.seed))


def put_permissions(call: Call) -> Reply:
    return json_reply(replace_permissions(call))


def get_territories(call: Call) -> Reply:
    return json_reply(territories_document(call.tenant, _user(call), call.backend.seed))


def put_territories(call: Call) -> Reply:
    return json_reply(replace_territories(call))


def get_application_access(call: Call) -> Reply:
    return json_reply(application_access_document(_user(call)))


def put_application_access(call: Call) -> Reply:
    return json_reply(replace_application_access(call))


def audit_webhooks(call: Call) -> Reply:
    entries = call.backend.webhooks.audit.get(call.tenant.name, [])
    return meta_info_list(call, entries[::-1])


_LOOKUP = (QueryParam("type", {"type": "string", "enum": list(_USER_KEYS)}),)
_USER = "/users/{user_id}"
_TEXT = {"type": "string"}
_DATA_AUDIT_QUERY = (
    *PAGE_PARAMS,
    QueryParam("entity", _TEXT, "the event entity (CDT, PATIENT...)"),
    QueryParam("cdtName", _TEXT),
    QueryParam("subjectUsername", _TEXT),
    QueryParam("subjectFullName", _TEXT),
    QueryParam(
        "subjectActor",
        {"type": "string", "enum": ["API_CLIENT", "USER", "PATIENT", "CS_TOOL_CLIENT", "SYSTEM"]},
    ),
    QueryParam("instance", _TEXT, "an environment's name"),
    QueryParam("patientFullName", _TEXT),
    QueryParam("patientId", _TEXT),
    QueryParam("operation", {"type": "string", "enum": ["CREATE", "UPDATE", "DELETE"]}),
    QueryParam("dateStart", {"type": "string", "format": "date-time"}, "sent at or after"),
    QueryParam("dateEnd", {"type": "string", "format": "date-time"}, "sent at or before"),
    QueryParam("includeFormation", {"type": "boolean"}, "add each CDT event's definition"),
)
_ACTOR = {"type": "string", "enum": ["API_CLIENT", "USER", "PATIENT", "CS_TOOL_CLIENT"]}
_SECURITY_AUDIT_QUERY = (
    *PAGE_PARAMS,
    QueryParam("subjectUsername", _TEXT, "who acted"),
    QueryParam("subjectFullName", _TEXT),
    QueryParam("subjectActor", _ACTOR),
    QueryParam("objectUsername", _TEXT, "whom the action was taken on"),
    QueryParam("objectFullName", _TEXT),
    QueryParam("objectActor", _ACTOR),
    QueryParam("eventSubtype", _TEXT, "what happened (USER_ACCESS_UPDATED, TOKEN_ISSUED...)"),
    QueryParam("dateStart", {"type": "string", "format": "date-time"}, "sent at or after"),
    QueryParam("dateEnd", {"type": "string", "format": "date-time"}, "sent at or before"),
    QueryParam("sort", _TEXT, "createdAt (when sent) or an entry's field, then ',asc' or ',desc'"),
)
# A user's access: (path, what, GET handler, PUT handler, answer schema, PUT body schema).
_ACCESS = (
    (
        "/user-permissions/{user_id}",
        "security roles and policies",
        get_permissions,
        put_permissions,
        ref("user_permissions.json"),
        "user_permissions_write.json",
    ),
    (
        "/user-territories/{user_id}",
        "regions and territories",
        get_territories,
        put_territories,
        ref("user_territories.json"),
        "user_territories_write.json",
    ),
    (
        "/application-accesses/{user_id}",
        "application access",
        get_application_access,
        put_application_access,
        ref("user.json#/$defs/ApplicationAccess"),
        "application_access_write.json",
    ),
)
_ACCESS_ROUTES = tuple(
    route
    for path, what, read, replace, answer, body in _ACCESS
    for route in (
        Route(
            "GET",
            path,
            read,
            f"A user's {what}",
            "users",
            "read",
            scope=Scope.ADMIN,
            responses={200: answer},
        ),
        Route(
            "PUT",
            path,
            replace,
            f"Replace a user's {what}",
            "users",
            "update",
            scope=Scope.ADMIN,
            request_body=body,
            responses={200: answer},
        ),
    )
)
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
        "POST",
        "/users",
        create_user,
        "Create a user (provisioned, not yet enabled)",
        "users",
        "create",
        scope=Scope.ADMIN,
        request_body="user_create.json",
        responses={201: ref("user.json")},
    ),
    Route(
        "GET",
        _USER,
        get_user,
        "Get a user by id, username or email",
        "users",
        "read",
        scope=Scope.ADMIN,
        responses={200: ref("user.json")},
        query=_LOOKUP,
    ),
    Route(
        "PATCH",
        _USER,
        update_user,
        "Change some fields of a user, named by id or username",
        "users",
        "update",
        scope=Scope.ADMIN,
        request_body="user_update.json",
        responses={200: ref("user.json")},
        query=_LOOKUP,
    ),
    Route(
        "DELETE",
        _USER,
        delete_user,
        "Delete a user",
        "users",
        "delete",
        scope=Scope.ADMIN,
        responses={204: None},
        query=_LOOKUP,
    ),
    Route(
        "GET",
        "/audit-data",
        audit_data,
        "Data-audit events (record changes), newest first",
        "audit",
        "read",
        scope=Scope.ADMIN,
        responses={200: meta_shape(ref("data_audit.json"))},
        query=_DATA_AUDIT_QUERY,
    ),
    Route(
        "GET",
        "/audit-security",
        audit_security,
        "Security-audit events (tokens, refusals, user access changes), newest first",
        "audit",
        "read",
        scope=Scope.ADMIN,
        responses={200: meta_shape(ref("security_audit.json"))},
        query=_SECURITY_AUDIT_QUERY,
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
    *_ACCESS_ROUTES,
)
