"""``welkin-async emulator``: serve the local Welkin API emulator until interrupted.

Once it serves, stdout holds only ``export WELKIN_...=...`` lines, shell-quoted, for
``WelkinClient.from_env()`` (and any other ``WELKIN_*`` reader) to reach it; everything else goes
to stderr. ``--webhook URL[,SECRET]`` subscribes a receiver outside the emulator to the tenant's
events, as a Designer webhook subscription would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import signal
import sys
from typing import TYPE_CHECKING

import attrs
from yarl import URL

from welkin_async._checkpoint import os_reason
from welkin_async.cli._failures import CommandError, UsageError, require
from welkin_async.cli._parsing import (
    add_command,
    non_negative_int,
    port,
    positive_float,
    whole_number,
)

if TYPE_CHECKING:
    from welkin_async.testing import WelkinEmulator

ENVIRONMENT = "live"  # the environment the emulator seeds
CREDENTIALS = {
    # --credentials -> the emulator's kind, and the variables WelkinClient.from_env reads
    "oauth": ("client_credentials", "WELKIN_CLIENT_ID", "WELKIN_CLIENT_SECRET"),
    "api-client": ("api_client", "WELKIN_API_CLIENT", "WELKIN_API_SECRET"),
}
# Where the secret the emulator made for a --webhook given none is printed (a name, no secret).
WEBHOOK_SECRET = "WELKIN_WEBHOOK_SECRET"  # noqa: S105


@attrs.frozen
class Webhook:
    """A ``--webhook``: where the tenant's events go, and the secret they are signed with
    (``None``: one the emulator makes)."""

    url: str
    secret: str | None = attrs.field(default=None, repr=False)


def webhook(text: str) -> Webhook:
    """``URL[,SECRET]``: an http(s) URL and, after its last comma, a ``whsec_`` secret."""
    from yarl import URL

    from welkin_async.errors import ConfigurationError
    from welkin_async.webhooks import WebhookVerifier

    url, comma, secret = text.rpartition(",")
    if not comma:
        url, secret = text, ""
    try:
        parsed = URL(url)
    except ValueError:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise argparse.ArgumentTypeError("URL must be an http:// or https:// URL with a host")
    if not secret:
        return Webhook(url)
    try:
        WebhookVerifier(secret)  # the receiver will need it in this form to verify
    except ConfigurationError:  # its text says what is wrong, never the secret
        raise argparse.ArgumentTypeError("SECRET must be of the form whsec_<base64>") from None
    return Webhook(url, secret)


def check_faults(spec: str | None) -> None:
    """Refuse a ``--faults`` spec that does not parse, as a usage error."""
    from welkin_async.testing import Faults

    if spec:
        try:
            Faults.parse(spec)
        except ValueError as exc:  # it names the rule and what is wrong with it
            raise UsageError("--faults", str(exc)) from None


def export_lines(emulator: WelkinEmulator, args: argparse.Namespace) -> list[str]:
    """Shell lines that point ``WelkinClient.from_env()`` at ``emulator``, as the chosen
    tenant's API client of the chosen role."""
    kind, name_variable, secret_variable = CREDENTIALS[args.credentials]
    client = emulator.tenant(args.tenant).client_for_role(args.role)
    settings = {
        "WELKIN_BASE_URL": emulator.url,
        "WELKIN_TENANT": args.tenant,
        "WELKIN_ENVIRONMENT": ENVIRONMENT,
        name_variable: client.client_id if kind == "client_credentials" else client.name,
        secret_variable: client.secret,
    }
    return [f"export {name}={shlex.quote(value)}" for name, value in settings.items()]


def _check_choices(emulator: WelkinEmulator, args: argparse.Namespace) -> None:
    """``--tenant`` and ``--role`` name ones the emulator has (known once its tenants load)."""
    if args.tenant not in emulator.tenants:
        raise UsageError(
            "--tenant", f"no tenant {args.tenant!r}; tenants: {sorted(emulator.tenants)}"
        )
    roles = emulator.tenant(args.tenant).roles
    if args.role not in roles:
        raise UsageError(
            "--role", f"tenant {args.tenant!r} has no role {args.role!r}; roles: {sorted(roles)}"
        )


def _subscribe(emulator: WelkinEmulator, args: argparse.Namespace) -> str | None:
    """Subscribe each ``--webhook``; those given no secret share the first one the emulator
    made, which is returned (``None`` if every webhook came with its own)."""
    made: str | None = None
    for hook in args.webhooks:
        subscription = emulator.subscribe_webhooks(
            hook.url, tenant=args.tenant, secret=hook.secret or made
        )
        if hook.secret is None:
            made = subscription.secret
    return made


async def _serve(args: argparse.Namespace) -> None:
    from welkin_async.testing import ServerRateLimit, WelkinEmulator

    rate = ServerRateLimit(args.rate, retry_after=args.retry_after) if args.rate else None
    emulator = WelkinEmulator(
        seed=args.seed,
        patients=args.patients,
        token_ttl=args.token_ttl,
        rate_limit=rate,
        faults=args.faults or None,
        port=args.port,
    )
    _check_choices(emulator, args)
    async with contextlib.AsyncExitStack() as running:
        try:
            await running.enter_async_context(emulator)
        except OSError as exc:  # the port is taken, or not ours to take
            reason = os.strerror(exc.errno) if exc.errno else os_reason(exc)
            raise CommandError(
                f"--port {args.port}: cannot listen on 127.0.0.1 ({reason})"
            ) from None
        made = _subscribe(emulator, args)
        lines = export_lines(emulator, args)
        if made is not None:
            lines.append(f"export {WEBHOOK_SECRET}={shlex.quote(made)}")
        _tell(emulator, args)
        print("\n".join(lines), flush=True)  # last: a reader of these lines may start at once
        stopped = asyncio.Event()
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows loops
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
        await stopped.wait()  # until SIGTERM, or Ctrl-C cancels the run


def _tell(emulator: WelkinEmulator, args: argparse.Namespace) -> None:
    """What the emulator serves, on stderr (stdout is for the export lines alone)."""
    tenants = ", ".join(
        f"{tenant.name} (roles {', '.join(sorted(tenant.roles))})"
        for tenant in emulator.tenants.values()
    )
    told = [
        f"Welkin emulator serving at {emulator.url} (Ctrl-C stops it)",
        f"  seeded {args.patients} patients per tenant in {emulator.seed_seconds:.1f} s",
        f"  OpenAPI document: {emulator.url}/openapi.json",
        f"  tenants: {tenants}",
        f"  on stdout: WELKIN_* settings with {args.tenant}'s {args.role} client's "
        f"{args.credentials} credentials (--tenant, --role and --credentials choose)",
    ]
    for hook in args.webhooks:
        signed = "its SECRET" if hook.secret else f"${WEBHOOK_SECRET}"
        shown = URL(hook.url).with_user(None)  # a receiver's user info may be a password
        told.append(f"  webhook: {args.tenant}'s events to {shown}, signed with {signed}")
    print("\n".join(told), file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    require("testing", "welkin_async.testing")  # it validates bodies with jsonschema
    check_faults(args.faults)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it is meant to stop
        asyncio.run(_serve(args))
    print("emulator stopped", file=sys.stderr)
    return 0


DESCRIPTION = """\
Serve the emulator on 127.0.0.1 until Ctrl-C or SIGTERM. It serves every example tenant, each
with its roles' API clients, and seeds PATIENTS synthetic patients into each tenant's live
environment.

Once it serves, stdout holds only shell lines that set WELKIN_BASE_URL, WELKIN_TENANT,
WELKIN_ENVIRONMENT and one client's credentials, for WelkinClient.from_env() and the other
commands; everything else goes to stderr:

  welkin-async emulator --port 8080 > welkin.env &
  . ./welkin.env        # once stderr says it serves

The credentials are the emulator's own, for local use only. Needs the testing extra:
pip install 'welkin-async[testing]'.
"""


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    parser = add_command(
        commands,
        "emulator",
        summary="serve the local Welkin API emulator",
        description=DESCRIPTION,
    )
    parser.add_argument("--port", type=port, default=8080, help="0 picks a free port")
    parser.add_argument("--patients", type=non_negative_int, default=1000, help="seeded per tenant")
    parser.add_argument("--seed", type=whole_number, default=0, help="same seed, same data")
    parser.add_argument(
        "--token-ttl", type=positive_float, default=3600.0, metavar="SECONDS", help="token lifetime"
    )
    parser.add_argument(
        "--rate",
        type=positive_float,
        default=None,
        metavar="PER_SECOND",
        help="requests/s per API client (default: no limit)",
    )
    parser.add_argument(
        "--retry-after", choices=("seconds", "http-date", "none"), default="seconds",
        help="how 429s say when to retry",
    )  # fmt: skip
    parser.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="fault rules separated by ';', e.g. "
        "'503@0.05; latency=20ms..80ms; reset-after@0.01 for PATCH /patients/{patient_id}'",
    )
    exported = parser.add_argument_group("the credentials printed on stdout")
    exported.add_argument("--tenant", default="acme", help="whose API client")
    exported.add_argument("--role", default="admin", help="the API client's role")
    exported.add_argument(
        "--credentials",
        choices=tuple(CREDENTIALS),
        default="oauth",
        help="oauth: WELKIN_CLIENT_ID/WELKIN_CLIENT_SECRET (the documented /v1 layout); "
        "api-client: WELKIN_API_CLIENT/WELKIN_API_SECRET (the live layout)",
    )
    parser.add_argument(
        "--webhook",
        dest="webhooks",
        type=webhook,
        action="append",
        default=[],
        metavar="URL[,SECRET]",
        help="deliver --tenant's events to URL, signed with SECRET (whsec_...; if none, one "
        f"the emulator makes, printed as {WEBHOOK_SECRET}); repeatable",
    )
    parser.set_defaults(run=run)
    return parser
