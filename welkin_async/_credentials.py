"""The two kinds of API-client credentials, as values whose repr never shows the secret.

- :class:`ClientCredentials`: OAuth 2.0 client credentials (RFC 6749 section 4.4), the documented
  layout (``/v1/{tenant}/...``).
- :class:`ApiClientSecret`: the live layout's secret exchange,
  ``POST /{tenant}/admin/api_clients/{name}`` with ``{"secret": ...}``.
"""

from __future__ import annotations

from typing import Any

import attrs

from welkin_async.errors import ConfigurationError


def _sendable(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Text that can be sent: a non-empty string of valid Unicode (no lone surrogate, which no
    encoding can carry). The message names the field, never the value."""
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"{attribute.name} must be a non-empty string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigurationError(f"{attribute.name} is not valid Unicode text") from None


@attrs.frozen
class ClientCredentials:
    """An OAuth 2.0 client id and secret."""

    client_id: str = attrs.field(validator=_sendable)
    client_secret: str = attrs.field(repr=False, validator=_sendable)


@attrs.frozen
class ApiClientSecret:
    """An API client's name and secret, exchanged for a JWT on the live layout."""

    client_name: str = attrs.field(validator=_sendable)
    secret: str = attrs.field(repr=False, validator=_sendable)


Credentials = ClientCredentials | ApiClientSecret
