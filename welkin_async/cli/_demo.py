"""``welkin-async demo``: the main job, end to end, on a fresh machine with no configuration.

1. Start the emulator in this process and seed a tenant (unless ``--base-url`` names a real one,
   with ``WELKIN_*`` credentials in the environment);
2. regenerate the tenant's CDT models from its live formation (``codegen --from-api``);
3. fetch every patient (pages fanned out) and every CDT record (the export cursor, each record
   typed by its CDT's generated class) concurrently, with a progress bar;
4. print what it took: records/s, requests, 429s, retries, token refreshes and peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

from welkin_async._checkpoint import os_reason
from welkin_async._client import WelkinClient
from welkin_async._tenant_models import import_tenant_module
from welkin_async.cli._codegen import definitions_from_api, render
from welkin_async.cli._emulator import check_faults
from welkin_async.cli._env import client_from_env
from welkin_async.cli._failures import CommandError, require
from welkin_async.cli._parsing import (
    add_command,
    non_negative_float,
    non_negative_int,
    positive_float,
    positive_int,
    whole_number,
)

if TYPE_CHECKING:
    from rich.progress import Progress

    from welkin_async._stats import ClientStats

MakeClient = Callable[..., WelkinClient]


@attrs.frozen
class Summary:
    """What the fetch did, as the closing table shows it."""

    patients: int
    cdt_records: int
    by_cdt: Counter[str]  # records seen per CDT name
    seconds: float
    stats: ClientStats

    @property
    def records(self) -> int:
        return self.patients + self.cdt_records


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def _regenerate(make_client: MakeClient, tenant: str, out: Path) -> ModuleType:
    """Write the tenant's module from its current formation, and import it."""
    async with make_client() as client:
        definitions = await definitions_from_api(client)
    # Lenient: a real tenant may use a field type the generator does not know yet.
    command = ["welkin-async", "codegen", "--tenant", tenant, "--from-api", "--lenient"]
    module = render(tenant, definitions, command, lenient=True)
    try:
        path = module.write(out)
    except OSError as exc:
        raise CommandError(f"--models-dir {out}: cannot be written ({os_reason(exc)})") from None
    return import_tenant_module(path)


async def _fetch_patients(client: WelkinClient, progress: Progress, size: int) -> int:
    task = progress.add_task("patients", total=None)
    count = 0
    async for page in client.patients.list(size=size, concurrency=8).pages():
        count += len(page.items)
        progress.update(task, total=page.total_elements, completed=count)
    return count


async def _fetch_cdt_records(
    client: WelkinClient, progress: Progress, size: int
) -> tuple[int, Counter[str]]:
    """Every CDT record through the export, and how many came of each CDT; with the client's
    ``models=``, each one arrives as ``CdtRecord[<its generated class>]``, so a body that
    drifted from its class fails here."""
    task = progress.add_task("CDT records", total=None)
    records = 0
    by_cdt: Counter[str] = Counter()
    async for page in client.exports.stream("CDT_RECORD", page_size=size).pages():
        records += len(page.items)
        by_cdt.update(r.cdt_name for r in page.items if isinstance(r.cdt_name, str))
        progress.update(task, advance=len(page.items))
    return records, by_cdt


async def run_demo(
    make_client: MakeClient, tenant: str, models_dir: Path, *, page_size: int, concurrency: int
) -> Summary:
    """Regenerate the models, then fetch everything concurrently; the summary of the fetch."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    models = await _regenerate(make_client, tenant, models_dir)
    print(f"models: {len(models.CDT_CLASSES)} CDT classes written to {models.__file__}")
    sys.stdout.flush()  # before the progress bars draw
    columns = (
        TextColumn("{task.description:>12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    async with make_client(models=models, max_concurrency=concurrency) as client:
        started = time.perf_counter()
        with Progress(*columns, transient=False) as progress:
            async with asyncio.TaskGroup() as group:
                patients = group.create_task(_fetch_patients(client, progress, page_size))
                records = group.create_task(_fetch_cdt_records(client, progress, page_size))
        seconds = time.perf_counter() - started
        cdt_records, by_cdt = records.result()
        return Summary(
            patients=patients.result(),
            cdt_records=cdt_records,
            by_cdt=by_cdt,
            seconds=seconds,
            stats=client.stats,
        )


def print_summary(summary: Summary) -> None:
    stats = summary.stats
    rows = [
        ("records", f"{summary.records:,} ({summary.patients:,} patients, "
                    f"{summary.cdt_records:,} CDT records of {len(summary.by_cdt)} CDTs)"),
        ("time", f"{summary.seconds:.2f} s"),
        ("records/s", f"{summary.records / summary.seconds:,.0f}"),
        ("requests", f"{stats.requests:,} ({stats.attempts:,} attempts)"),
        ("429s", f"{stats.rate_limited:,}"),
        ("retries", f"{stats.retries:,}"),
        ("token refreshes", f"{stats.token_refreshes:,}"),
        ("peak memory", f"{_peak_rss_mib():,.0f} MiB (RSS of this process, any emulator included)"),
    ]  # fmt: skip
    print("\nsummary")
    for label, value in rows:
        print(f"  {label:>16}  {value}")


async def _embedded(args: argparse.Namespace, models_dir: Path) -> Summary:
    from welkin_async.testing import ServerRateLimit, WelkinEmulator

    emulator = WelkinEmulator(
        seed=args.seed,
        patients=args.patients,
        tenants=["acme"],
        token_ttl=args.token_ttl,
        rate_limit=ServerRateLimit(args.server_rate) if args.server_rate > 0 else None,
        faults=args.faults or None,
    )
    async with emulator:
        limit = f"{args.server_rate:g} requests/s" if args.server_rate > 0 else "no"
        print(
            f"embedded emulator at {emulator.url}: tenant acme, {args.patients:,} patients "
            f"seeded in {emulator.seed_seconds:.1f} s; {limit} rate limit, "
            f"faults {args.faults or 'none'}, tokens expire after {args.token_ttl:g} s"
        )
        credentials = emulator.credentials("acme")

        def make_client(**options: Any) -> WelkinClient:
            return WelkinClient(
                tenant="acme",
                environment="live",
                credentials=credentials,
                base_url=emulator.url,
                **options,
            )

        return await run_demo(
            make_client,
            "acme",
            models_dir,
            page_size=args.page_size,
            concurrency=args.concurrency,
        )


async def _remote(args: argparse.Namespace, models_dir: Path) -> Summary:
    def make_client(**options: Any) -> WelkinClient:
        return client_from_env(args, **options)

    tenant = make_client().tenant
    print(f"tenant {tenant} at {args.base_url}")
    return await run_demo(
        make_client, tenant, models_dir, page_size=args.page_size, concurrency=args.concurrency
    )


def run(args: argparse.Namespace) -> int:
    require("demo", "rich", "welkin_codegen.tenant")
    if args.base_url is None:
        require("demo", "welkin_async.testing")  # the embedded emulator
        check_faults(args.faults)
    if args.models_dir is not None:
        summary = asyncio.run(_demo(args, args.models_dir))
    else:
        # Removed at exit, whatever the outcome: the module is only this run's typing.
        with tempfile.TemporaryDirectory(prefix="welkin-models-") as models_dir:
            summary = asyncio.run(_demo(args, Path(models_dir)))
    print_summary(summary)
    return 0


async def _demo(args: argparse.Namespace, models_dir: Path) -> Summary:
    return await (_remote(args, models_dir) if args.base_url else _embedded(args, models_dir))


DESCRIPTION = """\
The main job, end to end, on a fresh machine with no configuration:

1. start the emulator in this process and seed a tenant (unless --base-url names a real one,
   with WELKIN_* credentials in the environment);
2. regenerate the tenant's CDT models from its live formation (as codegen --from-api does);
3. fetch every patient and every CDT record concurrently, with a progress bar;
4. print what it took: records/s, requests, 429s, retries, token refreshes and peak memory.

Needs the demo extra: pip install 'welkin-async[demo]'.
"""


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    parser = add_command(
        commands,
        "demo",
        summary="the main job: fetch a whole tenant concurrently, typed, and report",
        description=DESCRIPTION,
    )
    parser.add_argument(
        "--base-url",
        default=None,
        help="a real deployment's host root; credentials from WELKIN_* (no emulator then)",
    )
    parser.add_argument(
        "--environment",
        default=None,
        help="with --base-url: the environment (else WELKIN_ENVIRONMENT, or live)",
    )
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write the tenant's models (else a temporary directory, removed at exit)",
    )
    parser.add_argument("--concurrency", type=positive_int, default=32, help="requests in flight")
    parser.add_argument("--page-size", type=positive_int, default=200, help="records per page")
    emulator = parser.add_argument_group("the embedded emulator")
    emulator.add_argument(
        "--patients", type=non_negative_int, default=20_000, help="seeded patients"
    )
    emulator.add_argument("--seed", type=whole_number, default=0, help="same seed, same data")
    emulator.add_argument(
        "--server-rate",
        type=non_negative_float,
        default=50.0,
        metavar="PER_SECOND",
        help="its limit in requests/s (0: none)",
    )
    emulator.add_argument(
        "--faults",
        default="503@0.02",
        metavar="SPEC",
        help="its injected faults, as the emulator command's --faults ('' for none)",
    )
    emulator.add_argument(
        "--token-ttl",
        type=positive_float,
        default=10.0,
        metavar="SECONDS",
        help="its tokens' lifetime",
    )
    parser.set_defaults(run=run)
    return parser
