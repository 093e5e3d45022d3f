"""An aiohttp.web app that serves every request through one WelkinClient.

The client is opened when the app starts and closed when it stops (a ``cleanup_ctx``), so all
requests share one connection pool, one token cache and one rate limit. It is configured by the
``WELKIN_*`` environment variables that ``WelkinClient.from_env`` reads::

    export WELKIN_TENANT=acme WELKIN_CLIENT_ID=... WELKIN_CLIENT_SECRET=...
    python examples/aiohttp_app.py
    curl http://127.0.0.1:8080/patients/<patient id>
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from welkin_async import WelkinClient, unstructure
from welkin_async.errors import NotFound

WELKIN = web.AppKey("welkin", WelkinClient)


async def welkin_client(app: web.Application) -> AsyncIterator[None]:
    """Open the client as the app starts; close it as the app stops."""
    async with WelkinClient.from_env() as client:
        app[WELKIN] = client
        yield


async def get_patient(request: web.Request) -> web.Response:
    """The patient with the id in the path, as the API names its fields; 404 if there is none."""
    client = request.app[WELKIN]
    try:
        patient = await client.patients.get(request.match_info["patient_id"])
    except NotFound:
        return web.json_response({"error": "no such patient"}, status=404)
    return web.json_response(unstructure(patient))


def make_app() -> web.Application:
    app = web.Application()
    app.cleanup_ctx.append(welkin_client)
    app.router.add_get("/patients/{patient_id}", get_patient)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=8080)
