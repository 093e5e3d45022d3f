"""The core's seam for fleet mode: who a client is to its fleet, and what it hands over."""

from __future__ import annotations

import pytest

from tests.conftest import a_patient
from welkin_async import ApiClientSecret, ClientCredentials, WelkinClient
from welkin_async._auth import IssuedToken
from welkin_async._coordination import Coordination, FleetMember, member_identity
from welkin_async._limits import Gate
from welkin_async.errors import ConfigurationError
from welkin_async.testing import WelkinEmulator

ROOT = "https://api.example/v1/acme/"


def test_a_fleet_id_names_neither_tenant_nor_client() -> None:
    """The id is a digest of tenant root and client name; the secret is handed over apart."""
    fleet_id, secret = member_identity(ROOT, ClientCredentials("client-7", "s3cret"))
    assert len(fleet_id) == 32
    assert "acme" not in fleet_id
    assert "client-7" not in fleet_id
    assert secret == "s3cret"


@pytest.mark.parametrize(
    "other",
    [
        ("https://api.example/v1/other/", ClientCredentials("client-7", "s3cret")),
        (ROOT, ClientCredentials("client-8", "s3cret")),
        (ROOT, ApiClientSecret("client-7", "s3cret")),
    ],
)
def test_another_tenant_or_client_is_another_fleet(
    other: tuple[str, ClientCredentials | ApiClientSecret],
) -> None:
    """Processes share a limit and token only on the same tenant and API client."""
    ours = member_identity(ROOT, ClientCredentials("client-7", "s3cret"))[0]
    theirs = member_identity(*other)[0]
    assert (theirs == ours) is isinstance(other[1], ApiClientSecret)  # one name, one client


def test_a_client_refuses_what_is_not_a_coordination() -> None:
    """coordination= takes a Coordination; anything else is a ConfigurationError at once."""
    with pytest.raises(ConfigurationError, match="coordination must be a Coordination"):
        WelkinClient(
            tenant="acme",
            environment="live",
            credentials=ClientCredentials("id", "secret"),
            coordination="redis://127.0.0.1:6379",  # type: ignore[arg-type]
        )


class Recorded:
    """A coordination of one process that keeps what it was given and counts what it is asked."""

    def __init__(self) -> None:
        self.members: list[FleetMember] = []
        self.fetches = 0
        self.refusals: list[str] = []
        self.left = 0

    async def join(self, member: FleetMember) -> Recorded:
        self.members.append(member)
        return self

    @property
    def gate(self) -> Gate:
        return self.members[0].limiter

    async def fetch_token(self, retry: bool) -> IssuedToken:
        self.fetches += 1
        return await self.members[0].fetch_token(retry)

    def refused(self, token: str) -> None:
        self.refusals.append(token)

    async def leave(self) -> None:
        self.left += 1


@pytest.mark.welkin_emulator(patients=1, tenants=["acme"])
async def test_a_client_sends_through_its_coordination(welkin_emulator: WelkinEmulator) -> None:
    """An open client joins once, gets its token through the membership, and leaves on close."""
    coordination = Recorded()
    assert isinstance(coordination, Coordination)
    async with WelkinClient(
        tenant="acme",
        environment="live",
        credentials=welkin_emulator.credentials(),
        base_url=welkin_emulator.url,
        coordination=coordination,
    ) as client:
        await client.patients.get(a_patient(welkin_emulator))
        assert coordination.left == 0
    assert len(coordination.members) == 1
    assert coordination.fetches == 1
    assert coordination.left == 1
    assert "secret" not in repr(coordination.members[0]).lower()
