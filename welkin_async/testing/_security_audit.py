"""The security audit (``GET /{tenant}/admin/audit-security``): one entry per security event.

An entry names who acted (``subject*``: an API client, by its name, or a user), whom the action
was taken on (``object*``), what happened (``eventSubtype``), when (``sentAt``) and the object
after the action (``record``). The emulator audits what it can observe itself:

- ``TOKEN_ISSUED``: a token endpoint granted an API client a token (subject and object: the
  client; the record names the client, the grant and the expiry);
- ``TOKEN_REFUSED``: a token endpoint refused a client (wrong secret, unknown client, or a client
  blocked for too many token requests); the subject is the client when one is known by that
  name or id, else unnamed: what a caller typed is never kept, as it may be a secret;
- ``ACCESS_TOKEN_REJECTED``: a 401 for a missing, invalid or expired bearer token (the subject is
  an unnamed API client: an unusable token names no one);
- ``ACCESS_DENIED``: a 403 security-policy refusal (the record names the route by its path
  template, the policy resource and action, and the field for a field policy; never a path with
  ids in it);
- ``USER_PERMISSIONS_UPDATED``, ``USER_TERRITORIES_UPDATED``, ``USER_ACCESS_UPDATED``: a user's
  roles and policies, regions, or application access were replaced (the object is the user; the
  record is what the matching ``GET`` then answers).

No entry ever holds a token or a secret. Entries are kept per tenant, oldest first (the newest
``LIMIT`` of them), and served newest first (or as ``sort=field[,asc|desc]`` asks), narrowed by
the vendor-documented filters. The seed adds the access set-up of every seeded user, by the
tenant's root user (see ``._user_access``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import attrs

from welkin_async.testing._audit_query import AUDIT, filters, newest_first
from welkin_async.testing._clock import iso_ms
from welkin_async.testing._data_audit import Subject
from welkin_async.testing._query import sort_by
from welkin_async.testing._store import Row

if TYPE_CHECKING:
    from welkin_async.testing._routing import Call, Route
    from welkin_async.testing._tenants import ApiClient, Environment, Tenant

GRANTED = "TOKEN_ISSUED"
GRANT_REFUSED = "TOKEN_REFUSED"
BEARER_REJECTED = "ACCESS_TOKEN_REJECTED"
ACCESS_DENIED = "ACCESS_DENIED"
USER_PERMISSIONS_UPDATED = "USER_PERMISSIONS_UPDATED"
USER_TERRITORIES_UPDATED = "USER_TERRITORIES_UPDATED"
USER_ACCESS_UPDATED = "USER_ACCESS_UPDATED"
API_CLIENT = "API_CLIENT"
ACTORS = frozenset({API_CLIENT, "USER", "PATIENT", "CS_TOOL_CLIENT"})
LIMIT = 10_000
# Exact-match filters: query parameter -> the entry's key.
_EXACT = {
    "subjectUsername": "subjectUsername",
    "subjectFullName": "subjectFullName",
    "objectUsername": "objectUsername",
    "objectFullName": "objectFullName",
    "eventSubtype": "eventSubtype",
}
_ENUMERATED = {"subjectActor": ACTORS, "objectActor": ACTORS}
# What ``sort`` may name: ``createdAt`` is when the entry was sent (the vendor's example sorts
# by it, and entries carry ``sentAt``), besides the entry's own texts.
_SORTS: dict[str, Callable[[Row], Any]] = {
    "createdAt": itemgetter("sentAt"),
    **{
        key: itemgetter(key)
        for key in ("sentAt", "eventSubtype", *_EXACT, "subjectActor", "objectActor")
    },
}
_EVENT_ID_BASE = 859_000_000_000_000_000  # as the data audit's: long decimal strings


def _party(role: str, who: Subject | None, actor: str | None) -> Row:
    """The four keys naming the subject or the object (``role``); ``actor`` alone when who it
    was is unknown."""
    return {
        f"{role}Username": who.username if who else None,
        f"{role}UserId": who.user_id if who else None,
        f"{role}Actor": who.actor if who else actor,
        f"{role}FullName": who.full_name if who else None,
    }


@attrs.define
class SecurityAudit:
    """A tenant's security events, oldest first; the oldest are dropped beyond ``LIMIT``."""

    entries: deque[Row] = attrs.field(factory=lambda: deque(maxlen=LIMIT))
    _recorded: int = 0

    def __repr__(self) -> str:
        # How many, never what: entries name users.
        return f"SecurityAudit(entries={len(self.entries)})"

    def record(
        self,
        subtype: str,
        *,
        subject: Subject | None,
        object_: Subject | None,
        record: Row | None,
        sent_ms: int,
    ) -> None:
        """Add one event; a subject of ``None`` is an unnamed API client (only API clients
        present tokens and ask for them)."""
        self._recorded += 1
        entry: Row = {
            "eventId": str(_EVENT_ID_BASE + self._recorded),
            "eventSubtype": subtype,
            "sentAt": iso_ms(sent_ms),
            **_party("subject", subject, API_CLIENT),
            **_party("object", object_, None),
            "record": record,
        }
        self.entries.append(entry)

    def select(self, query: Mapping[str, str]) -> Sequence[Row]:
        """The entries the query asks for, newest first or as ``sort`` asks (a 400 for a refused
        filter value or sort)."""
        chosen = newest_first(self.entries, filters(query, exact=_EXACT, enumerated=_ENUMERATED))
        return sort_by(query, chosen, _SORTS, AUDIT)


# --- what routes and the pipeline observe --------------------------------------------------------


def _client_record(client: ApiClient) -> Row:
    return {"clientId": client.client_id, "clientName": client.name}


def token_issued(call: Call, client: ApiClient, *, grant: str, expires_ms: int) -> None:
    """A token endpoint granted ``client`` a token of the ``grant`` kind, valid until then."""
    who = Subject.of_client(client)
    call.tenant.security_audit.record(
        GRANTED,
        subject=who,
        object_=who,
        record={**_client_record(client), "grantType": grant, "expiresAt": iso_ms(expires_ms)},
        sent_ms=call.backend.clock.now_ms(),
    )


def token_refused(call: Call, client: ApiClient | None, *, code: str, grant: str) -> None:
    """A token endpoint refused a client (``client``, when one is known), for ``code``."""
    who = Subject.of_client(client) if client is not None else None
    call.tenant.security_audit.record(
        GRANT_REFUSED,
        subject=who,
        object_=who,
        record={"errorCode": code, "grantType": grant},
        sent_ms=call.backend.clock.now_ms(),
    )


def _route_record(route: Route, environment: Environment | None, code: str) -> Row:
    """What a refusal names of the request: its route (a path template) and environment."""
    return {
        "errorCode": code,
        "route": route.key,
        "instance": environment.name if environment is not None else None,
    }


def token_rejected(
    tenant: Tenant, route: Route, environment: Environment | None, code: str, sent_ms: int
) -> None:
    """``route`` refused a request's bearer token (401 ``code``)."""
    tenant.security_audit.record(
        BEARER_REJECTED,
        subject=None,
        object_=None,
        record=_route_record(route, environment, code),
        sent_ms=sent_ms,
    )


def access_denied(call: Call, code: str, *, field: str | None, resource: str | None = None) -> None:
    """The call's client was refused by its role's security policy (403 ``code``) on
    ``resource`` (by default the route's)."""
    client = call.client
    call.tenant.security_audit.record(
        ACCESS_DENIED,
        subject=Subject.of_client(client) if client is not None else None,
        object_=None,
        record={
            **_route_record(call.route, call.environment, code),
            "resource": resource or call.route.resource,
            "action": call.route.action,
            "field": field,
        },
        sent_ms=call.backend.clock.now_ms(),
    )


def user_access_changed(call: Call, subtype: str, user: Mapping[str, Any], record: Row) -> None:
    """The call's client replaced a part of ``user``'s access; ``record`` is it afterwards."""
    client = call.client
    call.tenant.security_audit.record(
        subtype,
        subject=Subject.of_client(client) if client is not None else None,
        object_=Subject.of_user(user),
        record=record,
        sent_ms=call.backend.clock.now_ms(),
    )
