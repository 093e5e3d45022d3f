"""Per-call options, views, raw responses, tracing, network settings and narrowed results, as a
service writes them: type-checked by ``mypy --strict`` (``make typecheck``), never run.

The ``assert_type`` lines pin what the API promises; pytest never collects this file.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import assert_type
from uuid import UUID

import aiohttp

from welkin_async import (
    APIResponse,
    ClientOptions,
    Err,
    Ok,
    RequestOptions,
    Result,
    RetryPolicy,
    Timeouts,
    WelkinClient,
)
from welkin_async.errors import APIError
from welkin_async.models import Patient
from welkin_async.tracing import OpenTelemetryTracing


async def configured(session: aiohttp.ClientSession) -> WelkinClient:
    client = WelkinClient.from_env(
        tracing=OpenTelemetryTracing(),
        proxy="http://proxy.internal:3128",
        ssl=Path("/etc/ssl/private-ca.pem"),
        session=session,
        max_concurrency=8,
    )
    options: ClientOptions = {"trust_env": True, "ssl": ssl.create_default_context()}
    WelkinClient.from_env(**options)
    return client


async def per_call(client: WelkinClient, pid: UUID) -> None:
    options: RequestOptions = {"extra_headers": {"X-Job": "sync"}, "timeout": 5.0}
    await client.request("GET", "patients/{id}", path_params={"id": pid}, **options)
    await client.request("GET", "users", extra_query={"page": 0}, timeout=Timeouts(total=5))
    slow = client.with_options(timeouts=Timeouts(total=300), retry=RetryPolicy(max_tries=2))
    assert_type(slow, WelkinClient)
    raw = await client.with_raw_response(slow.patients.get(str(pid)))
    assert_type(raw, APIResponse[Patient])
    assert_type(raw.value, Patient)
    assert_type(raw.request_id, str | None)
    assert_type(raw.status, int)


async def results(client: WelkinClient, ids: list[str]) -> list[Patient]:
    """The forms that narrow a Result under both mypy and pyright (``if result.ok:`` narrows
    under mypy only: see usage_client.py)."""
    found: list[Patient] = []
    async for result in client.map(client.patients.get, ids):
        assert_type(result, Result[str, Patient])
        if result.error is None:
            assert_type(result, Ok[str, Patient])
            found.append(result.value)
        elif isinstance(result.error, APIError):
            assert_type(result.error.request_id, str | None)
        if isinstance(result, Ok):
            found.append(result.value)
        match result:
            case Ok(value=patient):
                found.append(patient)
            case Err(error=error):
                assert_type(error, Exception)
        assert_type(result.unwrap(), Patient)
    return found
