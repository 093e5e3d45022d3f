"""Proxies and TLS (welkin_async/_network.py and the transport): a loopback forward proxy is
used when configured, and TLS verification cannot be switched off, by ``ssl=`` or by a session
brought along; the emulator serves https with a throwaway CA's certificate."""

from __future__ import annotations

import re
import ssl
import warnings
from base64 import b64encode
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import trustme
from aiohttp import web

from tests.conftest import serving
from welkin_async import ClientCredentials, WelkinClient
from welkin_async.errors import ConfigurationError, NotFound, TLSError
from welkin_async.testing import ReceivedRequest, WelkinEmulator

# Hop-by-hop headers (RFC 9110 section 7.6.1) are the proxy's own; the rest are forwarded.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authorization", "te", "transfer-encoding"}
HOP_BY_HOP |= {"upgrade", "host", "content-length"}
UNUSED = ClientCredentials("id", "secret")  # for clients refused before they are opened


class ForwardProxy:
    """An HTTP forward proxy on loopback that notes the path of every request it carries."""

    def __init__(self) -> None:
        self.carried: list[str] = []
        self.authorizations: list[str] = []

    async def forward(self, request: web.Request) -> web.Response:
        self.carried.append(request.url.path)
        if "Proxy-Authorization" in request.headers:
            self.authorizations.append(request.headers["Proxy-Authorization"])
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                request.url,
                headers=headers,
                data=await request.read(),
                allow_redirects=False,
            ) as answer,
        ):
            return web.Response(
                status=answer.status,
                body=await answer.read(),
                headers={"Content-Type": answer.headers.get("Content-Type", "text/plain")},
            )


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[str, ForwardProxy]]:
    forward = ForwardProxy()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward.forward)
    async with serving(app) as url:
        yield url.rstrip("/"), forward


def client_of(emulator: WelkinEmulator, **options: Any) -> WelkinClient:
    return WelkinClient(
        tenant="acme",
        environment="live",
        credentials=emulator.credentials(),
        base_url=emulator.url,
        **options,
    )


async def test_requests_go_through_the_configured_proxy(
    welkin_emulator: WelkinEmulator, proxy: tuple[str, ForwardProxy]
) -> None:
    url, forward = proxy
    async with client_of(welkin_emulator, proxy=url) as client:
        await client.users.list().pages().__anext__()
    assert forward.carried == ["/v1/acme/oauth/token", "/v1/acme/admin/users"]
    assert welkin_emulator.stats.total_requests == 2


async def test_trust_env_reads_the_proxy_and_no_proxy_variables(
    welkin_emulator: WelkinEmulator,
    proxy: tuple[str, ForwardProxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, forward = proxy
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", url)
    async with client_of(welkin_emulator) as client:  # trust_env is off by default
        await client.users.list().pages().__anext__()
    assert forward.carried == []
    async with client_of(welkin_emulator, trust_env=True) as client:
        await client.users.list().pages().__anext__()
    assert len(forward.carried) == 2
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with client_of(welkin_emulator, trust_env=True) as client:
        await client.users.list().pages().__anext__()
    assert len(forward.carried) == 2  # bypassed


@pytest.mark.parametrize("bad", ["socks5://127.0.0.1:1080", "127.0.0.1:3128", "http://", 3128])
def test_a_proxy_that_is_not_an_http_url_is_refused(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="proxy must be"):
        WelkinClient(
            tenant="acme",
            environment="live",
            credentials=UNUSED,
            proxy=bad,
        )


# --- TLS -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_bundle(authority: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
async def tls_emulator(authority: trustme.CA) -> AsyncIterator[WelkinEmulator]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    async with WelkinEmulator(patients=2, tenants=["acme"], ssl_context=context) as emulator:
        yield emulator


async def test_https_with_a_ca_bundle(tls_emulator: WelkinEmulator, ca_bundle: Path) -> None:
    assert tls_emulator.url.startswith("https://127.0.0.1:")
    async with client_of(tls_emulator, ssl=ca_bundle) as client:
        (page, *_) = [page async for page in client.patients.list().pages()]
    assert len(page.items) == 2


async def test_https_with_an_ssl_context(tls_emulator: WelkinEmulator, ca_bundle: Path) -> None:
    context = ssl.create_default_context(cafile=str(ca_bundle))
    async with client_of(tls_emulator, ssl=context) as client:
        assert len([p async for p in client.patients.list()]) == 2


async def test_an_untrusted_certificate_fails_at_once_and_sends_nothing(
    tls_emulator: WelkinEmulator,
) -> None:
    """Without the CA the certificate does not verify: a TLSError, not retried, and the server
    never sees a request."""
    async with client_of(tls_emulator) as client:
        with pytest.raises(TLSError, match="TLS certificate verification failed"):
            await client.patients.get("p")
        assert client.stats.token_requests == 1
    assert tls_emulator.stats.total_requests == 0


async def test_a_session_brought_along_cannot_switch_verification_off(
    tls_emulator: WelkinEmulator, ca_bundle: Path
) -> None:
    """A session whose connector skips verification (``ssl=False``) still verifies: the client
    names its verifying context on every request. The session stays its owner's to close."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as session:
        async with client_of(tls_emulator, session=session) as client:
            with pytest.raises(TLSError):
                await client.patients.get("p")
        async with client_of(tls_emulator, session=session, ssl=ca_bundle) as client:
            assert len([p async for p in client.patients.list()]) == 2
        assert not session.closed


def test_verification_cannot_be_switched_off(ca_bundle: Path, tmp_path: Path) -> None:
    no_hostname = ssl.create_default_context(cafile=str(ca_bundle))
    no_hostname.check_hostname = False
    unverified = ssl.create_default_context(cafile=str(ca_bundle))
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    refused: list[tuple[Any, str]] = [
        (False, "TLS verification cannot be switched off"),
        (no_hostname, "must verify certificates and host names"),
        (unverified, "must verify certificates and host names"),
        (tmp_path / "missing.pem", "cannot load the CA bundle"),
    ]
    for bad, problem in refused:
        with pytest.raises(ConfigurationError, match=problem):
            WelkinClient(
                tenant="acme",
                environment="live",
                credentials=UNUSED,
                ssl=bad,
            )


def test_a_custom_transport_takes_no_network_options() -> None:
    with pytest.raises(ConfigurationError, match="a custom transport= takes none of them"):
        WelkinClient(
            tenant="acme",
            environment="live",
            credentials=UNUSED,
            proxy="http://127.0.0.1:3128",
            transport=object(),  # type: ignore[arg-type]
        )


async def test_trust_env_never_adds_netrc_credentials(
    welkin_emulator: WelkinEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a ``.netrc`` whose ``default`` matches every host, ``trust_env=True`` still sends
    no netrc credentials: not on the secret exchange, and the bearer calls work."""
    netrc = tmp_path / "netrc"
    netrc.write_text("default login someone password netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    seen: list[ReceivedRequest] = []
    welkin_emulator.on_received(seen.append)
    credentials = welkin_emulator.credentials(kind="api_client")
    async with WelkinClient(
        tenant="acme",
        environment="live",
        credentials=credentials,
        base_url=welkin_emulator.url,
        trust_env=True,
    ) as client:
        await anext(client.users.list().pages())
    assert len(seen) == 2
    assert not [r for r in seen if r.headers.get("Authorization", "").startswith("Basic")]


async def test_proxy_credentials_go_to_the_proxy_only(
    welkin_emulator: WelkinEmulator, proxy: tuple[str, ForwardProxy]
) -> None:
    url, forward = proxy
    seen: list[ReceivedRequest] = []
    welkin_emulator.on_received(seen.append)
    with_credentials = url.replace("http://", "http://relay:pr0xy-pass@")
    async with client_of(welkin_emulator, proxy=with_credentials) as client:
        await anext(client.users.list().pages())
        assert "pr0xy-pass" not in repr(client)
    assert forward.authorizations == [f"Basic {b64encode(b'relay:pr0xy-pass').decode()}"] * 2
    assert not [r for r in seen if "Proxy-Authorization" in r.headers]


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"trust_env": True}, "adds .netrc credentials"),
        ({"auth": "basic"}, "its own credentials"),
        ({"headers": {"authorization": "Bearer other"}}, "its own credentials"),
        ({"headers": {"Cookie": "a=b"}}, "its own credentials"),
        ({"base_url": "https://example.com/"}, "base_url"),
    ],
)
async def test_a_session_with_credentials_of_its_own_is_refused(
    options: dict[str, Any], problem: str
) -> None:
    if options.get("auth") == "basic":
        with warnings.catch_warnings():  # aiohttp 3.14 deprecates BasicAuth; users still have it
            warnings.simplefilter("ignore", DeprecationWarning)
            options["auth"] = aiohttp.BasicAuth("u", "p")
            session = aiohttp.ClientSession(**options)
    else:
        session = aiohttp.ClientSession(**options)
    async with session:
        with pytest.raises(ConfigurationError, match=re.escape(problem)):
            WelkinClient(tenant="acme", environment="live", credentials=UNUSED, session=session)
        assert "Bearer other" not in problem


async def test_a_session_raising_for_status_still_gives_typed_errors(
    welkin_emulator: WelkinEmulator,
) -> None:
    """A session made with ``raise_for_status=True`` cannot turn a 404 into a broken
    connection (retried): the client reads every status itself."""
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        async with client_of(welkin_emulator, session=session) as client:
            with pytest.raises(NotFound):
                await client.patients.get("00000000-0000-4000-8000-000000000000")
            assert client.stats.attempts == 1
        assert not session.closed
