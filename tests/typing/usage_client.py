"""How a service uses the client, written to be type-checked, never run.

``mypy --strict`` checks this file in ``make typecheck`` (pyproject's ``files`` include
``tests``): every call must type-check against the public API, and each ``assert_type`` pins
what the API promises to return. pytest never collects it (its name does not start with
``test_``) and nothing calls :func:`sync_patients`.
"""

from __future__ import annotations

import logging
from typing import Any, assert_type
from uuid import UUID

from welkin_async import (
    UNSET,
    ApiClientSecret,
    ClientCredentials,
    ClientStats,
    Ok,
    Page,
    Paginator,
    RateLimit,
    RequestEvent,
    ResponseEvent,
    RetryEvent,
    RetryPolicy,
    Timeouts,
    UnsetType,
    WelkinClient,
    structure,
)
from welkin_async.errors import (
    APIError,
    ConfigurationError,
    DecodeError,
    NotFound,
    RateLimited,
    TransportError,
)
from welkin_async.models import Encounter, Patient, PatientCreate

log = logging.getLogger("my_service.welkin")


def on_request(event: RequestEvent) -> None:
    """A plain function hook."""
    log.debug("sending %s %s (attempt %d)", event.method, event.path, event.attempt)


async def on_response(event: ResponseEvent) -> None:
    """A coroutine hook."""
    assert_type(event.status, int)
    assert_type(event.elapsed, float)


def on_retry(event: RetryEvent) -> None:
    log.info(
        "retrying %s %s after %s in %.2f s", event.method, event.path, event.reason, event.delay
    )


def configured_client() -> WelkinClient:
    """Every option a service typically sets, and the environment-based alternative."""
    try:
        return WelkinClient.from_env(max_concurrency=16)
    except ConfigurationError:
        pass
    return WelkinClient(
        tenant="acme",
        environment="live",
        credentials=ClientCredentials("client-id", "client-secret"),
        max_concurrency=16,
        rate_limit=RateLimit(per_second=20, burst=5),
        retry=RetryPolicy(max_tries=4, max_elapsed=30.0, max_retry_after=60.0),
        timeouts=Timeouts(connect=5.0, read=30.0, total=None),
        on_request=on_request,
        on_response=on_response,
        on_retry=on_retry,
    )


async def find_patient(client: WelkinClient, external_id: str) -> Patient | None:
    """A lookup by external id: ``request`` returns decoded JSON, ``structure`` types it."""
    try:
        raw = await client.request(
            "GET", "patients/{id}", path_params={"id": external_id}, params={"type": "EID"}
        )
    except NotFound:
        return None
    assert_type(raw, Any)
    return structure(raw, Patient)


async def sync_patients(known: dict[UUID, str]) -> ClientStats:
    """Create a patient, then page through patients and encounters, handling each error kind."""
    async with configured_client() as client:
        assert_type(client, WelkinClient)
        created = await client.request(
            "POST", "patients", json=PatientCreate(external_id="ext-1", first_name="Ada")
        )
        patient = structure(created, Patient)
        assert_type(patient.id, UUID)
        assert_type(patient.external_id, str | UnsetType | None)
        if patient.first_name is not UNSET and patient.first_name is not None:
            assert_type(patient.first_name, str)

        found = await find_patient(client, "ext-1")
        assert_type(found, Patient | None)

        patients = client.paginate(
            "POST", "by-filter/patients", json={"lastName": "Lovelace"}, size=100, item_type=Patient
        )
        assert_type(patients, Paginator[Patient])
        try:
            async for item in patients:
                assert_type(item, Patient)
                known[item.id] = item.mrn if isinstance(item.mrn, str) else ""
        except RateLimited as exc:
            assert_type(exc.retry_after, float | None)
            log.warning("throttled; come back in %s s", exc.retry_after or "some")
        except APIError as exc:
            assert_type(exc.status, int)
            assert_type(exc.error_code, str | None)
            assert_type(exc.details, dict[str, object])
            log.error("Welkin refused: %s", exc)
        except DecodeError as exc:
            assert_type(exc.path, str)
            log.error("unexpected answer: %s", exc)
        except TransportError as exc:
            assert_type(exc.request_sent, bool)
            log.error("no answer: %s", exc)

        encounters = client.paginate(
            "GET",
            "patients/{id}/encounters",
            path_params={"id": patient.id},
            concurrency=4,
            ordered=False,
            item_type=Encounter,
        )
        async for page in encounters.pages():
            assert_type(page, Page[Encounter])
            assert_type(page.items, list[Encounter])
            assert_type(page.total_pages, int | None)
            assert_type(page.last, bool)

        untyped = client.paginate("GET", "admin/users")
        assert_type(untyped, Paginator[Any])
        async for user in untyped:
            assert_type(user, Any)

        await client.request("DELETE", "patients/{id}", path_params={"id": patient.id})
        assert_type(client.stats.responses[429], int)
        return client.stats


def live_layout_client(name: str, secret: str) -> WelkinClient:
    """The live layout's API client secret; ``layout`` follows the credentials."""
    return WelkinClient(
        tenant="acme", environment="sandbox", credentials=ApiClientSecret(name, secret)
    )


async def narrowed_by_ok(client: WelkinClient, ids: list[str]) -> list[Patient]:
    """``if result.ok:`` narrows a Result to Ok under mypy (pyright narrows the forms in
    usage_options.py instead)."""
    found: list[Patient] = []
    async for result in client.map(client.patients.get, ids):
        if result.ok:
            assert_type(result, Ok[str, Patient])
            found.append(result.value)
        else:
            assert_type(result.error, Exception)
    return found
