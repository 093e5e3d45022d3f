"""Fault injection: deterministic from a seed, per route or for every route.

Kinds (each counted in ``emulator.stats.faults`` under its kind):

==================  =========================================================================
``status``          answer ``status`` (500, 502, 503 or 504) instead of serving the request
``storm``           a 429 storm: this and the next ``length - 1`` requests get 429
``latency``         wait before serving: ``seconds``, or a distribution (uniform up to
                    ``max_seconds``, or exponential with mean ``seconds``)
``reset-before``    drop the connection before the request body is read (nothing applied)
``reset-after``     apply the request, then drop the connection without answering
``truncate``        announce the full ``Content-Length``, send half the body, drop the connection
``malformed``       answer with the status but a body that is not valid JSON
``slow-body``       send the body in small pieces spread over ``seconds``
==================  =========================================================================

Whether a rule fires is drawn from a random stream per (rule, route), seeded from the
emulator's seed, so the same sequence of requests to a route meets the same faults.

The command line takes a spec: rules separated by ``;``, each ``KIND[=ARG][@RATE][ for ROUTE]``::

    503@0.05; latency=50ms; latency=10ms..90ms; latency=~20ms; storm=20@0.01;
    reset-after@0.1 for PATCH /patients/{id}
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Literal, get_args

import attrs

FaultKind = Literal[
    "status",
    "storm",
    "latency",
    "reset-before",
    "reset-after",
    "truncate",
    "malformed",
    "slow-body",
]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
Distribution = Literal["fixed", "uniform", "exponential"]
INJECTABLE_STATUSES = (500, 502, 503, 504)


@attrs.frozen
class Fault:
    """One rule: inject ``kind`` with probability ``rate`` on ``route`` (or every route)."""

    kind: FaultKind = attrs.field(validator=attrs.validators.in_(FAULT_KINDS))
    rate: float = attrs.field(
        default=1.0, validator=[attrs.validators.ge(0), attrs.validators.le(1)]
    )
    route: str | None = None
    status: int = attrs.field(default=503, validator=attrs.validators.in_(INJECTABLE_STATUSES))
    seconds: float = attrs.field(default=0.0, validator=attrs.validators.ge(0))
    max_seconds: float | None = None
    distribution: Distribution = "fixed"
    length: int = attrs.field(default=10, validator=attrs.validators.ge(1))
    retry_after: int = attrs.field(default=1, validator=attrs.validators.ge(0))

    def applies_to(self, route_key: str) -> bool:
        return self.route is None or self.route == route_key

    def draw_latency(self, rng: random.Random) -> float:
        if self.distribution == "uniform":
            return rng.uniform(self.seconds, self.max_seconds or self.seconds)
        if self.distribution == "exponential":
            return rng.expovariate(1 / self.seconds) if self.seconds else 0.0
        return self.seconds


@attrs.frozen
class FaultPlan:
    """The faults chosen for one request."""

    latency: float = 0.0
    status: int | None = None
    storm_retry_after: int | None = None
    reset_before: bool = False
    reset_after: bool = False
    truncate: bool = False
    malformed: bool = False
    slow_body: float | None = None

    @property
    def kinds(self) -> list[FaultKind]:
        chosen: list[tuple[bool, FaultKind]] = [
            (self.latency > 0, "latency"),
            (self.status is not None, "status"),
            (self.storm_retry_after is not None, "storm"),
            (self.reset_before, "reset-before"),
            (self.reset_after, "reset-after"),
            (self.truncate, "truncate"),
            (self.malformed, "malformed"),
            (self.slow_body is not None, "slow-body"),
        ]
        return [kind for fired, kind in chosen if fired]


NO_FAULTS = FaultPlan()


@attrs.define
class Faults:
    """A set of rules and their random streams; :meth:`plan` decides a request's faults."""

    rules: Sequence[Fault]
    seed: int = 0
    _streams: dict[tuple[int, str], random.Random] = attrs.field(factory=dict, repr=False)
    _storms: dict[int, int] = attrs.field(factory=dict, repr=False)

    def _fires(self, index: int, rule: Fault, route_key: str) -> tuple[bool, random.Random]:
        stream = self._streams.get((index, route_key))
        if stream is None:
            stream = self._streams[(index, route_key)] = random.Random(
                f"{self.seed}:{index}:{route_key}"
            )
        return stream.random() < rule.rate, stream

    def plan(self, route_key: str) -> FaultPlan:
        latency = 0.0
        status: int | None = None
        storm: int | None = None
        slow: float | None = None
        flags: set[str] = set()
        for index, rule in enumerate(self.rules):
            if not rule.applies_to(route_key):
                continue
            if rule.kind == "storm" and self._storms.get(index, 0) > 0:
                self._storms[index] -= 1
                storm = rule.retry_after
                continue
            fired, stream = self._fires(index, rule, route_key)
            if not fired:
                continue
            if rule.kind == "storm":
                self._storms[index] = rule.length - 1
                storm = rule.retry_after
            elif rule.kind == "latency":
                latency += rule.draw_latency(stream)
            elif rule.kind == "status":
                status = rule.status
            elif rule.kind == "slow-body":
                slow = rule.seconds or 0.5
            else:
                flags.add(rule.kind)
        if not (latency or flags) and status is None and storm is None and slow is None:
            return NO_FAULTS
        return FaultPlan(
            latency=latency,
            status=status,
            storm_retry_after=storm,
            reset_before="reset-before" in flags,
            reset_after="reset-after" in flags,
            truncate="truncate" in flags,
            malformed="malformed" in flags,
            slow_body=slow,
        )

    @classmethod
    def parse(cls, spec: str, *, seed: int = 0) -> Faults:
        """Rules from the command-line spec (see the module docstring); ``ValueError`` if bad."""
        rules = [_parse_rule(part.strip()) for part in spec.split(";") if part.strip()]
        return cls(rules=rules, seed=seed)


def _parse_rule(text: str) -> Fault:
    try:
        return _rule_from_text(text)
    except ValueError as exc:
        if str(exc.args[0]).startswith("fault "):
            raise
        # attrs validators say which attribute is wrong; say which rule too
        raise ValueError(f"fault {text!r}: {exc.args[0]}") from None


_RULE = re.compile(
    r"(?P<kind>[a-z0-9-]+)(?:=(?P<arg>[^@\s]+))?(?:@(?P<rate>[0-9.]+))?(?:\s+for\s+(?P<route>.+))?\Z"
)
_DURATION = re.compile(r"(?P<value>[0-9.]+)(?P<unit>ms|s)\Z")


def _seconds(text: str, rule: str) -> float:
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"fault {rule!r}: {text!r} is not a duration like 50ms or 1.5s")
    value = float(match["value"])
    return value / 1000 if match["unit"] == "ms" else value


def _latency(rule: Fault, arg: str | None, text: str) -> Fault:
    if arg is None:
        raise ValueError(f"fault {text!r}: latency needs a duration, e.g. latency=50ms")
    if ".." in arg:
        low, high = arg.split("..", 1)
        return attrs.evolve(
            rule,
            seconds=_seconds(low, text),
            max_seconds=_seconds(high, text),
            distribution="uniform",
        )
    if arg.startswith("~"):
        return attrs.evolve(rule, seconds=_seconds(arg[1:], text), distribution="exponential")
    return attrs.evolve(rule, seconds=_seconds(arg, text))


def _rule_from_text(text: str) -> Fault:
    match = _RULE.match(text)
    if match is None:
        raise ValueError(f"fault {text!r}: expected KIND[=ARG][@RATE][ for METHOD /path]")
    kind, arg = match["kind"], match["arg"]
    rule = Fault(
        "latency",  # replaced below; a valid kind keeps the validators quiet meanwhile
        rate=float(match["rate"]) if match["rate"] else 1.0,
        route=match["route"].strip() if match["route"] else None,
    )
    if kind.isdigit():
        return attrs.evolve(rule, kind="status", status=int(kind))
    if kind == "latency":
        return _latency(rule, arg, text)
    if kind == "storm":
        return attrs.evolve(rule, kind="storm", length=int(arg) if arg else 10)
    if kind == "slow-body":
        return attrs.evolve(rule, kind="slow-body", seconds=_seconds(arg, text) if arg else 0.5)
    if kind in FAULT_KINDS and kind not in ("status", "latency") and arg is None:
        return attrs.evolve(rule, kind=kind)
    raise ValueError(f"fault {text!r}: unknown kind {kind!r}; kinds: {', '.join(FAULT_KINDS)}")
