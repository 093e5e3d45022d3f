"""The two kinds of API-client credentials, as values whose repr never shows the secret.

- :class:`ClientCredentials`: OAuth 2.0 client credentials (RFC 6749 section 4.4), the documented
  layout (``/v1/{tenant}/...``).
- :class:`ApiClientSecret`: the live layout's secret exchange,
  ``POST /{tenant}/admin/api_clients/{name}`` with ``{"secret": ...}``.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class ClientCredentials:
    """An OAuth 2.0 client id and secret."""

    client_id: str
    client_secret: str = attrs.field(repr=False)


@attrs.frozen
class ApiClientSecret:
    """An API client's name and secret, exchanged for a JWT on the live layout."""

    client_name: str
    secret: str = attrs.field(repr=False)


Credentials = ClientCredentials | ApiClientSecret
