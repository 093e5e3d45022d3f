"""Everything a fleet writes to Redis, scanned: no token, secret or patient data in clear."""

from __future__ import annotations

from redis.asyncio import Redis

from welkin_async import WelkinClient
from welkin_async.fleet import RedisCheckpoint, RedisCoordination, RedisDedupe
from welkin_async.testing import ReceivedRequest, RedisServer, WelkinEmulator


def _bytes(value: object) -> bytes:
    assert isinstance(value, bytes)  # the connection does not decode replies
    return value


async def stored(redis: Redis) -> list[bytes]:
    """Every key, and every value (each field of a hash), the server holds."""
    found: list[bytes] = []
    async for key in redis.scan_iter(count=1000):
        found.append(_bytes(key))
        kind = _bytes(await redis.type(key)).decode()
        if kind == "string":
            found.append(_bytes(await redis.get(key)))
        elif kind == "hash":
            for field, value in (await redis.hgetall(key)).items():
                found += [_bytes(field), _bytes(value)]
        else:
            raise AssertionError(f"the fleet wrote a {kind}, which this scan does not read")
    return found


async def test_no_key_or_value_holds_a_secret_a_token_or_a_patient(
    redis_server: RedisServer, redis: Redis
) -> None:
    """After shared calls, a checkpointed export and webhook ids, every key and value the fleet
    wrote is free of the token, the client's id and secret, the tenant, patient ids, names and
    bodies, and the delivery ids."""
    authorizations: set[str] = set()

    def listen(request: ReceivedRequest) -> None:
        if (value := request.headers.get("Authorization", "")).startswith("Bearer "):
            authorizations.add(value.removeprefix("Bearer "))

    async with WelkinEmulator(patients=20, tenants=["acme"]) as emulator:
        emulator.on_received(listen)
        credentials = emulator.credentials("acme")
        coordination = RedisCoordination(redis_server.url, key_prefix="scan")
        async with WelkinClient(
            tenant="acme",
            environment="live",
            credentials=credentials,
            base_url=emulator.url,
            coordination=coordination,
        ) as client:
            patients = [patient async for patient in client.patients.list()]
            checkpoint = RedisCheckpoint(
                redis_server.url, secret=credentials.client_secret, key_prefix="scan"
            )
            async with checkpoint:
                async for _ in client.exports.stream("PATIENT", checkpoint=checkpoint).pages():
                    pass
            async with RedisDedupe(redis_server.url, key_prefix="scan") as dedupe:
                assert await dedupe.add("msg_2bQdelivery000000000001")

    found = b"\n".join(await stored(redis))
    assert found.count(b"scan:") >= 4  # the limit, the token, the checkpoint, the delivery
    assert authorizations
    forbidden = {
        *authorizations,
        credentials.client_id,
        credentials.client_secret,
        "acme",
        "PATIENT",
        "msg_2bQdelivery000000000001",
    }
    for patient in patients:
        forbidden.add(str(patient.id))
        # Names as short as three letters could turn up by chance in the sealed (random) bytes.
        names = (patient.first_name, patient.last_name)
        forbidden |= {name for name in names if isinstance(name, str) and len(name) >= 6}
    for value in forbidden:
        assert value.encode() not in found, "a value the fleet stored in clear"
