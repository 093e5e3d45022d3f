"""A user's access, administered: permissions (security roles and policies), regions and
territories, and application access (``admin/user-permissions``, ``admin/user-territories``,
``admin/application-accesses``, each ``/{userId}``, ``GET`` and ``PUT``).

The three live in the user's row (``roles`` and ``policies``, ``territories``,
``applicationAccess``), so a ``PUT`` changes what ``GET admin/users/{id}`` then shows. A
``PUT`` replaces the whole part (it creates it as well as updates it: the vendor's "create or
update"); an entry that stays as it was keeps its ``createdAt``, a changed or new one is stamped
now. What a ``PUT`` names must exist: the environment (400 ``UNKNOWN_INSTANCE``), the security
role or policy in the tenant's configuration (``UNKNOWN_SECURITY_ROLE``,
``UNKNOWN_SECURITY_POLICY``), the region and its territories (``UNKNOWN_REGION``,
``UNKNOWN_TERRITORY``); an entry named twice is ``DUPLICATE_ENTRY``; an environment may have one
primary role (``MULTIPLE_PRIMARY_ROLES``; with none marked, its first role is primary); only a
role is primary and only a policy has an effective date (``INVALID_PERMISSION``). Every ``400``
names the entry (``field``: ``permissions[1].permissionName``). An unknown user is 404
``USER_NOT_FOUND``. Each replacement is a security-audit event by the API client, on the user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from welkin_async.testing._clock import iso_ms, parse_iso_ms
from welkin_async.testing._data_audit import Subject
from welkin_async.testing._errors import bad_request, not_found
from welkin_async.testing._security_audit import (
    USER_ACCESS_UPDATED,
    USER_PERMISSIONS_UPDATED,
    USER_TERRITORIES_UPDATED,
    user_access_changed,
)
from welkin_async.testing._store import Row
from welkin_async.testing._tenants import Tenant, environment_id, stable_uuid
from welkin_async.testing._users import USERS_EPOCH_MS, instance_access

if TYPE_CHECKING:
    from welkin_async.testing._errors import ApiFailure
    from welkin_async.testing._routing import Call

ROLE, POLICY = "SECURITY_ROLE", "SECURITY_POLICY"
_PERMISSIONS, _TERRITORIES = "user-permissions", "user-territories"
_COMPONENT = "USER"
_SEED_STEP_MS = 60_000
# A stored entry's server-owned keys: the rest is what the caller wrote.
_STAMPS = ("createdAt", "updatedAt", "createdBy", "updatedBy")


def user_index(tenant: Tenant, user_id: str) -> int:
    """The index of the user with this id in the tenant's users; 404 ``USER_NOT_FOUND``."""
    for index, user in enumerate(tenant.users):
        if user["id"] == user_id:
            return index
    raise not_found("USER_NOT_FOUND", _COMPONENT, "User doesn't exist")


# --- the documents the GETs answer ---------------------------------------------------------------


def _replaced(tenant: Tenant, kind: str, user: Mapping[str, Any]) -> tuple[str, str]:
    """When and by whom ``kind`` of the user was last replaced (its creation, until it is)."""
    created = (str(user["createdAt"]), str(user.get("createdByName") or tenant.author))
    return tenant.access_replaced.get((kind, user["id"]), created)


def permissions_document(tenant: Tenant, user: Mapping[str, Any], seed: int) -> Row:
    """The user's roles and policies, as ``GET admin/user-permissions/{userId}`` answers."""
    updated_at, _by = _replaced(tenant, _PERMISSIONS, user)
    return {
        "id": stable_uuid(seed, tenant.name, _PERMISSIONS, user["id"]),
        "createdAt": user["createdAt"],
        "updatedAt": updated_at,
        "userId": user["id"],
        "permissions": [*user["roles"], *user["policies"]],
    }


def territories_document(tenant: Tenant, user: Mapping[str, Any], seed: int) -> Row:
    """The user's regions, as ``GET admin/user-territories/{userId}`` answers."""
    updated_at, updated_by = _replaced(tenant, _TERRITORIES, user)
    return {
        "id": stable_uuid(seed, tenant.name, _TERRITORIES, user["id"]),
        "createdAt": user["createdAt"],
        "updatedAt": updated_at,
        "createdBy": user.get("createdByName") or tenant.author,
        "updatedBy": updated_by,
        "userId": user["id"],
        "territories": user["territories"],
    }


def application_access_document(user: Mapping[str, Any]) -> Row:
    """The user's application access, as ``GET admin/application-accesses/{userId}`` answers."""
    access: Row = user["applicationAccess"]
    return access


# --- checking and applying a PUT -----------------------------------------------------------------


def _refuse(code: str, message: str, field: str) -> ApiFailure:
    return bad_request(code, _COMPONENT, message, field=field)


def _check_instance(tenant: Tenant, name: str, field: str) -> None:
    if tenant.environment(name) is None:
        raise _refuse("UNKNOWN_INSTANCE", "No environment has this name", field)


def _check_unique(keys: Iterable[tuple[str, ...]], where: str) -> None:
    seen: set[tuple[str, ...]] = set()
    for index, key in enumerate(keys):
        if key in seen:
            raise _refuse("DUPLICATE_ENTRY", "The entry is named twice", f"{where}[{index}]")
        seen.add(key)


def _stamped(
    given: Row, before: Mapping[tuple[str, ...], Row], key: tuple[str, ...], now: Row
) -> Row:
    """``given`` with its stamps: kept when the same entry was stored as it is, else ``now``
    (keeping the creation stamps of an entry that was stored under the same key)."""
    old = before.get(key)
    if old is None:
        return {**now, **given}
    if {k: v for k, v in old.items() if k not in _STAMPS} == given:
        return old
    created = {k: old[k] for k in now if k.startswith("created")}
    return {**now, **created, **given}


def _permission(tenant: Tenant, item: Mapping[str, Any], field: str) -> Row:
    """One permission as stored, from a checked body item."""
    name, kind = item["permissionName"], item["type"]
    _check_instance(tenant, item["instanceName"], f"{field}.instanceName")
    known, code = (
        (tenant.security_roles, "UNKNOWN_SECURITY_ROLE")
        if kind == ROLE
        else (tenant.security_policies, "UNKNOWN_SECURITY_POLICY")
    )
    if name not in known:
        raise _refuse(
            code, f"No {kind.lower().replace('_', ' ')} has this name", field + ".permissionName"
        )
    if kind == ROLE:
        if item.get("effectiveDate") is not None:
            raise _refuse("INVALID_PERMISSION", "A role has no effective date", field)
        return {
            "permissionName": name,
            "instanceName": item["instanceName"],
            "type": ROLE,
            "primaryRole": bool(item.get("primaryRole")),
        }
    if item.get("primaryRole") is not None:
        raise _refuse("INVALID_PERMISSION", "Only a role can be primary", field)
    effective = item.get("effectiveDate")
    return {
        "permissionName": name,
        "instanceName": item["instanceName"],
        "type": POLICY,
        "effectiveDate": iso_ms(parse_iso_ms(effective)) if effective is not None else None,
    }


def _with_primary_roles(permissions: list[Row]) -> list[Row]:
    """The permissions (in body order) with one primary role per environment: at most one may
    be marked, and the environment's first role is when none is."""
    marked: dict[str, int] = {}
    firsts: dict[str, int] = {}
    for index, entry in enumerate(permissions):
        if entry["type"] != ROLE:
            continue
        instance = entry["instanceName"]
        firsts.setdefault(instance, index)
        if entry["primaryRole"]:
            if instance in marked:
                raise _refuse(
                    "MULTIPLE_PRIMARY_ROLES",
                    "An environment has one primary role",
                    f"permissions[{index}].primaryRole",
                )
            marked[instance] = index
    primary = {**firsts, **marked}
    return [
        {**entry, "primaryRole": primary[entry["instanceName"]] == index}
        if entry["type"] == ROLE
        else entry
        for index, entry in enumerate(permissions)
    ]


def _by_key(
    entries: Iterable[Row], key: Callable[[Mapping[str, Any]], tuple[str, ...]]
) -> dict[tuple[str, ...], Row]:
    return {key(entry): entry for entry in entries}


def _permission_key(entry: Mapping[str, Any]) -> tuple[str, ...]:
    return (entry["type"], entry["permissionName"], entry["instanceName"])


def _region_key(entry: Mapping[str, Any]) -> tuple[str, ...]:
    return (entry["name"], entry["instanceName"])


def _store(call: Call, index: int, kind: str | None, changes: Row, now_ms: int) -> Row:
    """Replace the user's row with ``changes`` applied; note when ``kind`` was replaced."""
    user = call.tenant.users[index]
    updated = {**user, **changes}
    call.tenant.users[index] = updated
    if kind is not None:
        by = call.client.name if call.client is not None else call.tenant.author
        call.tenant.access_replaced[(kind, user["id"])] = (iso_ms(now_ms), by)
    return updated


def replace_permissions(call: Call) -> Row:
    """``PUT admin/user-permissions/{userId}``: the user's roles and policies, as now stored."""
    index = user_index(call.tenant, call.params["user_id"])
    items: Sequence[Mapping[str, Any]] = call.json_object()["permissions"]
    given = [_permission(call.tenant, item, f"permissions[{i}]") for i, item in enumerate(items)]
    _check_unique(map(_permission_key, given), "permissions")
    given = _with_primary_roles(given)
    roles = [entry for entry in given if entry["type"] == ROLE]
    policies = [entry for entry in given if entry["type"] == POLICY]
    user = call.tenant.users[index]
    before = _by_key([*user["roles"], *user["policies"]], _permission_key)
    now_ms = call.backend.clock.now_ms()
    now = {"createdAt": iso_ms(now_ms), "updatedAt": iso_ms(now_ms)}
    changes = {
        "roles": [_stamped(e, before, _permission_key(e), now) for e in roles],
        "policies": [_stamped(e, before, _permission_key(e), now) for e in policies],
    }
    updated = _store(call, index, _PERMISSIONS, changes, now_ms)
    document = permissions_document(call.tenant, updated, call.backend.seed)
    user_access_changed(call, USER_PERMISSIONS_UPDATED, updated, document)
    return document


def _region(tenant: Tenant, item: Mapping[str, Any], field: str) -> Row:
    """One region as stored, from a checked body item."""
    _check_instance(tenant, item["instanceName"], f"{field}.instanceName")
    known = tenant.regions.get(item["name"])
    if known is None:
        raise _refuse("UNKNOWN_REGION", "No region has this name", f"{field}.name")
    for position, territory in enumerate(item["territories"]):
        if territory not in known:
            raise _refuse(
                "UNKNOWN_TERRITORY",
                "The region has no territory of this name",
                f"{field}.territories[{position}]",
            )
    return {
        "name": item["name"],
        "territories": list(dict.fromkeys(item["territories"])),
        "instanceName": item["instanceName"],
    }


def replace_territories(call: Call) -> Row:
    """``PUT admin/user-territories/{userId}``: the user's regions, as now stored."""
    index = user_index(call.tenant, call.params["user_id"])
    items: Sequence[Mapping[str, Any]] = call.json_object()["territories"]
    given = [_region(call.tenant, item, f"territories[{i}]") for i, item in enumerate(items)]
    _check_unique(map(_region_key, given), "territories")
    before = _by_key(call.tenant.users[index]["territories"], _region_key)
    now_ms = call.backend.clock.now_ms()
    by = call.client.name if call.client is not None else call.tenant.author
    now = {
        "createdAt": iso_ms(now_ms),
        "updatedAt": iso_ms(now_ms),
        "createdBy": by,
        "updatedBy": by,
    }
    changes = {"territories": [_stamped(e, before, _region_key(e), now) for e in given]}
    updated = _store(call, index, _TERRITORIES, changes, now_ms)
    document = territories_document(call.tenant, updated, call.backend.seed)
    user_access_changed(call, USER_TERRITORIES_UPDATED, updated, document)
    return document


def replace_application_access(call: Call) -> Row:
    """``PUT admin/application-accesses/{userId}``: the user's application access, as now
    stored (its id and creation kept)."""
    index = user_index(call.tenant, call.params["user_id"])
    body = call.json_object()
    items: Sequence[Mapping[str, Any]] = body["instanceAccesses"]
    for position, item in enumerate(items):
        _check_instance(
            call.tenant, item["instanceName"], f"instanceAccesses[{position}].instanceName"
        )
    _check_unique(((item["instanceName"],) for item in items), "instanceAccesses")
    user = call.tenant.users[index]
    now_ms = call.backend.clock.now_ms()
    access = {
        **user["applicationAccess"],
        "updatedAt": iso_ms(now_ms),
        "adminAccessEnabled": body["adminAccessEnabled"],
        "auditSecurityAccessEnabled": body["auditSecurityAccessEnabled"],
        "instanceAccesses": [
            instance_access(
                environment_id(call.backend.seed, call.tenant.name, item["instanceName"]),
                item["instanceName"],
                workshop=item["workshopAccessEnabled"],
                audit_data=item["auditDataAccessEnabled"],
            )
            for item in items
        ],
    }
    updated = _store(call, index, None, {"applicationAccess": access}, now_ms)
    document = application_access_document(updated)
    user_access_changed(call, USER_ACCESS_UPDATED, updated, document)
    return document


# --- seeding -------------------------------------------------------------------------------------


def seed_user_access_audit(tenant: Tenant, seed: int) -> None:
    """Every seeded user's access set-up in the security audit, by the tenant's root user, a
    minute apart from ``USERS_EPOCH_MS``: permissions, territories, application access."""
    if not tenant.users:
        return
    root = Subject.of_user(tenant.users[0])
    documents: tuple[tuple[str, Callable[[Mapping[str, Any]], Row]], ...] = (
        (USER_PERMISSIONS_UPDATED, lambda user: permissions_document(tenant, user, seed)),
        (USER_TERRITORIES_UPDATED, lambda user: territories_document(tenant, user, seed)),
        (USER_ACCESS_UPDATED, application_access_document),
    )
    sent_ms = USERS_EPOCH_MS
    for user in tenant.users:
        for subtype, render in documents:
            sent_ms += _SEED_STEP_MS
            tenant.security_audit.record(
                subtype,
                subject=root,
                object_=Subject.of_user(user),
                record=render(user),
                sent_ms=sent_ms,
            )
