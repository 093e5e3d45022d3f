"""How the client reaches the server: TLS that always verifies, and an optional HTTP proxy.

Both are checked when the client is made, so a mistake is a ``ConfigurationError`` at start-up,
not a connection that quietly skips certificate checks.
"""

from __future__ import annotations

import base64
import functools
import os
import ssl
import urllib.request
from collections.abc import Callable, Mapping

import aiohttp
import attrs
from yarl import URL

from welkin_async.errors import ConfigurationError

# The NO_PROXY test on the environment as read once (proxy_bypass() reads it again per call
# and, on macOS and Windows, the system settings): in CPython since 2.x, not in typeshed.
_bypassed: Callable[[str, dict[str, str]], bool]
_bypassed = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]


def verified_ssl_context(value: ssl.SSLContext | str | os.PathLike[str] | None) -> ssl.SSLContext:
    """The TLS context every request uses: the system's trust store (``None``), a CA bundle
    (a path to PEM certificates, for a private CA), or the caller's own context, which must
    verify both the certificate and the host name.

    ``False``, ``CERT_NONE`` or ``check_hostname=False`` are refused: there is no switch for
    turning verification off, so it cannot be turned off by accident.
    """
    if value is None:
        return _system_trust()
    if isinstance(value, ssl.SSLContext):
        if value.verify_mode != ssl.CERT_REQUIRED or not value.check_hostname:
            raise ConfigurationError(
                "ssl: the SSLContext must verify certificates and host names "
                "(verify_mode CERT_REQUIRED, check_hostname True)"
            )
        return value
    if isinstance(value, str | os.PathLike) and not isinstance(value, bool):
        path = os.fspath(value)
        try:
            if os.path.isdir(path):
                return ssl.create_default_context(capath=path)
            return ssl.create_default_context(cafile=path)
        except (OSError, ssl.SSLError, ValueError) as exc:  # ValueError: a NUL or a surrogate
            problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
            raise ConfigurationError(f"ssl: cannot load the CA bundle ({problem})") from None
    raise ConfigurationError(
        "ssl must be an ssl.SSLContext or the path of a CA bundle; TLS verification cannot be "
        f"switched off (got {type(value).__name__})"
    )


@functools.cache
def _system_trust() -> ssl.SSLContext:
    """The verifying context of the system's trust store, made once: loading the store takes
    tens of milliseconds, too long to pay for every client (aiohttp shares its own likewise)."""
    return ssl.create_default_context()


@attrs.frozen
class Proxy:
    """An HTTP proxy: its URL without credentials, and the ``Proxy-Authorization`` header its
    credentials make (a repr shows neither)."""

    url: URL = attrs.field(repr=False)
    headers: Mapping[str, str] = attrs.field(repr=False)


def checked_proxy(proxy: str | None, where: str = "proxy") -> Proxy | None:
    """``proxy`` if it is an absolute http(s) URL; credentials in it (``http://user:pw@host``)
    become its ``Proxy-Authorization`` header. The URL is never shown: it may hold a password."""
    if proxy is None:
        return None
    if not isinstance(proxy, str):
        raise ConfigurationError(f"{where} must be a URL string")
    try:
        url = URL(proxy)
        ok = url.scheme in ("http", "https") and bool(url.host) and url.port is not None
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise ConfigurationError(f"{where} must be an absolute http:// or https:// URL")
    if url.user is None:
        return Proxy(url, {})
    # Basic credentials (RFC 7617), as the URL's user info gives them, decoded, in UTF-8.
    pair = f"{url.user}:{url.password or ''}".encode()
    authorization = f"Basic {base64.b64encode(pair).decode('ascii')}"
    return Proxy(url.with_user(None), {"Proxy-Authorization": authorization})


class ProxyChoice:
    """Which proxy a request goes through: the one given, else (``trust_env``) the one the
    environment names for its scheme (``HTTP_PROXY``, ``HTTPS_PROXY``), unless ``NO_PROXY``
    names its host. The environment is read once, when the client opens.

    This is done here rather than by aiohttp's ``trust_env``, which also adds ``.netrc``
    credentials to requests: the token exchange would carry them to the API.
    """

    def __init__(self, proxy: Proxy | None, *, trust_env: bool) -> None:
        self._proxy = proxy
        self._environment = (
            urllib.request.getproxies_environment() if trust_env and proxy is None else {}
        )
        self._by_scheme = {
            scheme: checked_proxy(url, f"the {scheme.upper()}_PROXY environment variable")
            for scheme, url in self._environment.items()
            if scheme in ("http", "https")
        }

    def for_url(self, url: URL) -> Proxy | None:
        if self._proxy is not None or not self._by_scheme:
            return self._proxy
        host = url.host or ""
        if _bypassed(host, self._environment):
            return None
        return self._by_scheme.get(url.scheme)


# Default headers of a session brought along that would go to the API with every request.
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def checked_session(session: object) -> aiohttp.ClientSession:
    """``session`` if the client can send through it without sending anything else along:
    no credentials of its own (``auth=``, an ``Authorization`` or ``Cookie`` default header, or
    ``trust_env``, which adds ``.netrc`` credentials) and no ``base_url``."""
    if not isinstance(session, aiohttp.ClientSession):
        raise ConfigurationError("session must be an aiohttp.ClientSession")
    if session.closed:
        raise ConfigurationError("session is closed")
    if session.trust_env:
        raise ConfigurationError(
            "session: a session made with trust_env=True adds .netrc credentials to the API's "
            "requests; make it without, and pass trust_env=True to WelkinClient for proxies"
        )
    if session.auth is not None or _CREDENTIAL_HEADERS & {h.lower() for h in session.headers}:
        raise ConfigurationError(
            "session: its own credentials (auth=, or an Authorization, Proxy-Authorization or "
            "Cookie default header) would go to the API with every request"
        )
    if getattr(session, "_base_url", None) is not None:  # aiohttp has no public accessor
        raise ConfigurationError("session: a session with a base_url cannot send the client's URLs")
    return session
