"""The tenant's users in the admin API's shape, and as other answers embed them.

A user row carries what ``GET admin/users`` serves: roles and territories per environment, the
application access, seats and flags. A calendar event's host, embedded in a full encounter as
``userRelatedToCalendarEvent``, is the same user without its application access and with its
``locale`` (the live API renders the two differently).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from welkin_async.testing._clock import iso_ms
from welkin_async.testing._records import full_name
from welkin_async.testing._store import Row

USERS_EPOCH_MS = 1_733_011_200_000  # 2024-12-01T00:00:00Z: users exist before the seed data
_LOCALE = "en-US"


def user_row(
    user_id: str,
    spec: Mapping[str, Any],
    *,
    environments: Sequence[tuple[str, str]],
    regions: Mapping[str, Sequence[str]],
    access_id: str,
    author: str,
    root: bool,
) -> Row:
    """A user as ``GET admin/users`` lists it; ``environments`` are ``(id, name)`` pairs."""
    now = iso_ms(USERS_EPOCH_MS)
    home = environments[0][1]
    return {
        "territories": [
            {
                "createdAt": now,
                "updatedAt": now,
                "createdBy": author,
                "updatedBy": author,
                "name": region,
                "territories": list(regions.get(region, ())),
                "instanceName": home,
            }
            for region in spec["territories"]
        ],
        "roles": [
            {
                "createdAt": now,
                "updatedAt": now,
                "permissionName": role,
                "instanceName": home,
                "type": "SECURITY_ROLE",
                "primaryRole": index == 0,
            }
            for index, role in enumerate(spec["roles"])
        ],
        "policies": [],
        "seats": ["GENERAL"],
        "seatAssignAllowed": True,
        "applicationAccess": {
            "id": access_id,
            "createdAt": now,
            "updatedAt": now,
            "userId": user_id,
            "adminAccessEnabled": "admin" in spec["roles"],
            "auditSecurityAccessEnabled": False,
            "instanceAccesses": [
                instance_access(environment_id, name, workshop=True, audit_data=False)
                for environment_id, name in environments
            ],
        },
        "id": user_id,
        "username": spec["username"],
        "email": spec["email"],
        "firstName": spec["firstName"],
        "lastName": spec["lastName"],
        "enabled": True,
        "mfaEnabled": False,
        "statusType": None,
        "createdAt": now,
        "updatedAt": now,
        "createdByName": author,
        "updatedByName": author,
        "ssoAccess": False,
        "passwordAccess": True,
        "terminologyName": "english",
        "userState": "ACTIVE",
        "customUserAttributes": {},
        "allowedToReceiveCalls": True,
        "userAttributes": {},
        "_root_user": root,
    }


def instance_access(environment_id: str, name: str, *, workshop: bool, audit_data: bool) -> Row:
    """A user's access to one environment, as their application access lists it."""
    return {
        "instanceId": environment_id,
        "instanceName": name,
        "instanceDescription": f"The {name} environment",
        "userEmailWithInstanceDomain": None,
        "workshopAccessEnabled": workshop,
        "auditDataAccessEnabled": audit_data,
    }


# What ``POST admin/users`` may set besides the username and email; absent ones are not served.
OPTIONAL_USER_FIELDS = ("firstName", "lastName", "phone", "timezone", "credentials")


def created_user_row(user_id: str, spec: Mapping[str, Any], *, access_id: str, now: str) -> Row:
    """A user as ``POST admin/users`` answers it: provisioned, not yet enabled, with no roles,
    territories, seats or environments; the optional fields only when they were given."""
    row: Row = {
        "territories": [],
        "roles": [],
        "policies": [],
        "seats": [],
        "seatAssignAllowed": False,
        "applicationAccess": {
            "id": access_id,
            "createdAt": now,
            "updatedAt": now,
            "userId": user_id,
            "adminAccessEnabled": False,
            "auditSecurityAccessEnabled": False,
            "instanceAccesses": [],
        },
        "id": user_id,
        "username": spec["username"],
        "email": spec["email"],
        "enabled": False,
        "mfaEnabled": False,
        "statusType": None,
        "createdAt": now,
        "updatedAt": now,
        "ssoAccess": False,
        "passwordAccess": True,
        "terminologyName": "english",
        "userState": "PROVISIONED",
        "customUserAttributes": {},
        "allowedToReceiveCalls": False,
        "userAttributes": {},
        "_root_user": False,
    }
    row.update((key, spec[key]) for key in OPTIONAL_USER_FIELDS if spec.get(key) is not None)
    return row


def display_name(user: Mapping[str, Any]) -> str:
    """How the API names a user in ``...ByName`` fields (its username when it has no name)."""
    return full_name(user) or str(user["username"])


def as_related_user(user: Row) -> Row:
    """The user as a full encounter embeds its calendar event's host."""
    related = {
        key: value
        for key, value in user.items()
        if key not in ("applicationAccess", "createdByName")
    }
    related["locale"] = _LOCALE
    return related


def care_team_member(user: Mapping[str, Any], *, point_of_contact: bool) -> Row:
    """A user as a patient's care team lists them (the vendor's documented shape)."""
    return {
        "id": user["id"],
        "username": user["username"],
        "firstName": user.get("firstName"),
        "lastName": user.get("lastName"),
        "roles": [
            {"name": role["permissionName"], "primaryRole": role["primaryRole"]}
            for role in user["roles"]
        ],
        "pointOfContact": point_of_contact,
    }
