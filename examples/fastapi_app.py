"""A FastAPI app that serves every request through one WelkinClient.

The client is opened when the app starts and closed when it stops (the app's ``lifespan``), so
all requests share one connection pool, one token cache and one rate limit; handlers get it as a
dependency. It is configured by the ``WELKIN_*`` environment variables that
``WelkinClient.from_env`` reads::

    pip install fastapi uvicorn
    export WELKIN_TENANT=acme WELKIN_CLIENT_ID=... WELKIN_CLIENT_SECRET=...
    python examples/fastapi_app.py
    curl http://127.0.0.1:8000/patients/<patient id>
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request

from welkin_async import WelkinClient, unstructure
from welkin_async.errors import NotFound


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, WelkinClient]]:
    """Open the client as the app starts; close it as the app stops.

    What this yields reaches every request as ``request.state``.
    """
    async with WelkinClient.from_env() as client:
        yield {"welkin": client}


def welkin(request: Request) -> WelkinClient:
    """The app's client, for handlers: ``client: Annotated[WelkinClient, Depends(welkin)]``."""
    client: WelkinClient = request.state.welkin
    return client


app = FastAPI(lifespan=lifespan)


@app.get("/patients/{patient_id}")
async def get_patient(
    patient_id: str, client: Annotated[WelkinClient, Depends(welkin)]
) -> dict[str, Any]:
    """The patient with this id, as the API names its fields; 404 if there is none."""
    try:
        patient = await client.patients.get(patient_id)
    except NotFound:
        raise HTTPException(status_code=404, detail="no such patient") from None
    body: dict[str, Any] = unstructure(patient)
    return body


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=8000)
