"""The scenario: a validated, immutable description of backends, instances, users and workloads.

Loading never raises anything but :class:`ScenarioError`, whose ``problems`` each name a field
path (``workloads[0].quantum``) and say what is wrong in words a user can act on.
"""

from __future__ import annotations

import json
import math
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializationInfo,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from .distributions import Distribution
from .rules import DEFAULT_PROFILE, KNOB_NAMES, PROFILES, Knobs, knobs_for
from .settings import default_max_time, settings_for
from .units import (
    duration_text,
    format_duration,
    parse_duration,
    parse_rate,
    rate_text,
    short_repr,
)

# Below these, a value is a slip (1e-300 for 1h), not a scenario: a calibration of under a
# second, and streams whose mean gap is under a millisecond, would only spin the engine.
MIN_CALIBRATION = 1.0
MAX_RATE = 1000.0  # jobs per second
DEFAULT_MAX_JOBS = 5_000_000


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ScenarioError(ValueError):
    """A scenario that cannot run, with one problem per offending field."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _duration(value: Any) -> Any:
    return None if value is None else parse_duration(value)


# Characters that change how text is displayed rather than being text: C0/C1 controls (an
# ANSI escape or a newline could forge lines of the CLI's output or a log) and the
# bidirectional overrides that reorder what a reader sees ("Trojan Source").
_HIDDEN = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} | set(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _visible(text: str) -> str:
    hidden = sorted({c for c in text if c in _HIDDEN})
    if hidden:
        codes = ", ".join(f"U+{ord(c):04X}" for c in hidden)
        raise ValueError(f"a name may not contain control characters (found {codes})")
    return text


# Every name a scenario gives (scenario, backends, instances, users, workloads) is shown in
# the dashboard and printed by the CLI: it must be printable text.
Name = Annotated[str, Field(min_length=1), AfterValidator(_visible)]


def human(info: SerializationInfo) -> bool:
    """Whether this dump is for people (``to_yaml``): durations and rates as users write them."""
    return bool(info.context and info.context.get("human"))


def _write_duration(self: Any, value: float | None, info: SerializationInfo) -> Any:
    return duration_text(value) if value is not None and human(info) else value


def _write_number(self: Any, value: float, info: SerializationInfo) -> Any:
    return _whole(value) if human(info) else value


def _whole(value: float) -> float | int:
    """``3`` rather than ``3.0`` for a weight a user typed as 3 (reads back as the same float)."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _durations(*names: str) -> tuple[Any, Any]:
    """Read these fields with :func:`parse_duration`; write them back (for people) with
    :func:`duration_text`, its inverse."""
    read = field_validator(*names, mode="before")(classmethod(lambda cls, v: _duration(v)))
    return read, field_serializer(*names)(_write_duration)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Calibration(_Model):
    """A one-off (``at``) or periodic (``every``, ``first_at``) system job on a backend."""

    duration: float
    at: float | None = None
    every: float | None = None
    first_at: float | None = None

    _read, _write = _durations("duration", "at", "every", "first_at")

    @model_validator(mode="after")
    def _one_kind(self) -> Calibration:
        if (self.at is None) == (self.every is None):
            raise ValueError(
                "give either 'at' (one-off) or 'every' (periodic), not both or neither"
            )
        if self.at is not None and self.first_at is not None:
            raise ValueError("'first_at' goes with 'every', not with 'at'")
        if self.duration < MIN_CALIBRATION:
            raise ValueError(f"'duration' must be at least {MIN_CALIBRATION:g} s")
        if self.every is not None and self.every <= self.duration:
            raise ValueError(
                f"'every' ({format_duration(self.every)}) must be longer than 'duration' "
                f"({format_duration(self.duration)})"
            )
        return self

    @property
    def start(self) -> float:
        """Time of the first occurrence (periodic default: one period in)."""
        if self.at is not None:
            return self.at
        return self.every if self.first_at is None else self.first_at


class Pause(Calibration):
    """R40: a queue pause (``pause: {at, duration}``, or periodic like a calibration).

    A holistic health check found the device degraded and paused the job queue (docs:
    calibration-jobs, "Monitor holistically"): the backend starts no job until it ends. It is
    scheduled as a calibration is — it falls due, a running job finishes first (R1), an active
    session keeps it waiting where it keeps calibrations waiting (R25: the health check is a
    job interleaved with user jobs, and "a calibration job cannot run simultaneously while a
    job or session is running") — and is its own kind in the results (``pause``).
    """


class Backend(_Model):
    name: Name
    calibrations: list[Calibration] = []
    # R40; left out of dumps when empty, so that files without pauses read as before.
    pauses: list[Pause] = Field(default=[], exclude_if=lambda v: not v)


class Instance(_Model):
    """A fair-share entity: ``hub/group/project``, or a flat name (one project per group).

    Under ``fair_share_basis: allocation`` (ibm-2025, R34) every name is flat, slashes or not:
    the scenario marks its instances so (``_flat``), and each scenario validates its own copies
    (``revalidate_instances``), so one instance object never serves two readings.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", revalidate_instances="always")

    name: Name
    share: float = 1.0
    used: float = 0.0
    # premium | open (every profile); flex | payg: today's platform only (R34, ibm-2025).
    plan: Literal["premium", "open", "flex", "payg"] = "premium"
    allocation: float | None = None  # R10/R34: quantum seconds per fair-share window
    # R34 (docs: allocation-limits): the allocation is also a limit (ibm-2025); under the
    # older profiles an allocation always is one (R10), so `limit` is refused there.
    limit: bool | None = None
    # R39 (docs: manage-cost): a Pay-As-You-Go instance's cost limit, as the runtime seconds
    # it may use in all (the docs convert the dollar limit to seconds).
    cost_limit: float | None = None
    _flat: bool = PrivateAttr(default=False)

    _read, _write = _durations("used", "allocation", "cost_limit")
    _write_share = field_serializer("share")(_write_number)

    @field_validator("share")
    @classmethod
    def _share(cls, v: float) -> float:
        if not math.isfinite(v) or v <= 0:
            raise ValueError("a share must be a positive number")
        return v

    @field_validator("allocation")
    @classmethod
    def _allocation(cls, v: float | None) -> float | None:
        if v is not None and v <= 0:
            raise ValueError("an allocation must be positive (omit it for no limit)")
        return v

    @field_validator("cost_limit")
    @classmethod
    def _cost_limit(cls, v: float | None) -> float | None:
        if v is not None and v <= 0:
            raise ValueError("a cost limit must be positive (omit it for no limit)")
        return v

    @property
    def path(self) -> tuple[str, str, str]:
        """(hub, group, project); a flat instance is its own group under one implicit hub."""
        parts = self.name.split("/")
        if self._flat or len(parts) != 3:
            return ("", self.name, self.name)
        return (parts[0], f"{parts[0]}/{parts[1]}", self.name)


class User(_Model):
    name: Name
    instance: str


class TraceStep(_Model):
    """One step of a recorded program (``pattern: trace``, written by ``sim record``): it
    happens ``think`` seconds after the later of the previous step and the moment every job in
    ``waits`` (job numbers, 1 = the trace's first job) was final."""

    do: Literal["open", "job", "close", "cancel", "end"]
    think: float = 0.0
    waits: list[Annotated[int, Field(ge=1)]] = []
    group: int = Field(default=0, ge=0)  # 0: no session or batch
    mode: Literal["session", "batch", "job"] | None = None  # open: what the program opened
    max_time: float | None = None  # open
    quantum: float | None = None  # job: IBM's estimate of its QPU time, 2 s overhead included

    _read, _write = _durations("think", "max_time", "quantum")

    @field_validator("think", "quantum")
    @classmethod
    def _not_negative(cls, v: float | None) -> float | None:
        if v is not None and v < 0:
            raise ValueError("cannot be negative")
        return v


REPLAY_STATUSES = ("DONE", "ERROR", "CANCELLED", "UNKNOWN")


class ReplayJob(_Model):
    """One job of a ``replay`` workload: submitted at ``at`` (seconds from the start of the
    run, absolute, not a gap) with ``quantum`` seconds of QPU time (default: a draw from the
    workload's ``quantum``). ``observed_wait`` and ``observed_status`` are what the trace
    recorded for this job; the run never reads them — they are kept beside the job so that
    ``python -m sim trace validate`` can compare the simulated wait with the observed one."""

    at: float = Field(ge=0)
    quantum: float | None = Field(default=None, ge=0)
    observed_wait: float | None = Field(default=None, ge=0)
    observed_status: Literal["DONE", "ERROR", "CANCELLED", "UNKNOWN"] | None = None

    _read, _write = _durations("at", "quantum", "observed_wait")


class Workload(_Model):
    name: Name
    user: str
    backend: str
    pattern: Literal["iterative", "batch", "stream", "trace", "replay"]
    mode: Literal["job", "session", "batch"] = "job"
    start: float = 0.0
    jobs: int | None = Field(default=None, ge=1)
    quantum: Distribution
    classical: Distribution = Distribution(kind="constant", params=(0.0,))
    rate: float | None = None
    stop: float | None = None
    max_time: float | None = None
    interactive_ttl: float | None = None
    max_execution_time: float | None = None
    close: Literal["after_last", "never"] = "after_last"
    open_at: float | None = None  # when the session is opened; default: the workload's start
    # pattern trace: the recorded steps (sim.kernel.trace, issue 17). Left out of dumps when
    # absent, like replay, so that files of the other patterns read as before.
    trace: list[TraceStep] | None = Field(default=None, exclude_if=lambda v: v is None)
    # pattern: replay — recorded jobs at absolute submission times (sim/traces, issue 18).
    # Left out of dumps when absent, so that files of the other patterns read as before
    # (in older versions too).
    replay: list[ReplayJob] | None = Field(default=None, exclude_if=lambda v: v is None)
    # R41: each job's classical pre-processing before it enters the QPU's pick, run in the
    # backend's `preprocess_lanes` (the knob; 0 — the older profiles — ignores it). Left out
    # of dumps when 0, as `replay` above.
    preprocess: float = Field(default=0.0, exclude_if=lambda v: v == 0)

    _read, _write = _durations("start", "stop", "max_time", "interactive_ttl",
                               "max_execution_time", "open_at", "preprocess")  # fmt: skip

    @model_validator(mode="before")
    @classmethod
    def _trace_quantum(cls, data: Any) -> Any:
        # A trace carries each job's quantum seconds in its steps: no distribution needed.
        if isinstance(data, dict) and data.get("pattern") == "trace" and "quantum" not in data:
            data = {**data, "quantum": 0}
        return data

    @property
    def trace_jobs(self) -> int:
        """How many jobs a trace submits."""
        return sum(1 for step in self.trace or () if step.do == "job")

    @field_validator("rate", mode="before")
    @classmethod
    def _rate(cls, v: Any) -> Any:
        if v is None:
            return None
        rate = parse_rate(v)
        if rate > MAX_RATE:
            raise ValueError(
                f"at most {MAX_RATE:g} jobs per second (a mean gap of 1 ms; got {short_repr(v)})"
            )
        return rate

    @field_serializer("rate")
    def _write_rate(self, value: float | None, info: SerializationInfo) -> Any:
        return rate_text(value) if value is not None and human(info) else value

    @field_validator("max_time", "max_execution_time")
    @classmethod
    def _positive(cls, v: float | None) -> float | None:
        if v is not None and v <= 0:
            raise ValueError("must be positive")
        return v

    @field_validator("jobs", mode="before")
    @classmethod
    def _whole(cls, v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v


class Reservation(_Model):
    backend: str
    instance: str
    start: float
    end: float

    _read, _write = _durations("start", "end")

    @model_validator(mode="after")
    def _window(self) -> Reservation:
        if self.end <= self.start:
            raise ValueError("'end' must come after 'start'")
        return self


class Action(_Model):
    workload: str
    at: float
    do: Literal["close", "cancel", "cancel_job"]
    job: int | None = Field(default=None, ge=1)  # cancel_job: the workload's job number (1 = first)

    _read, _write = _durations("at")

    @model_validator(mode="after")
    def _job(self) -> Action:
        if (self.do == "cancel_job") != (self.job is not None):
            raise ValueError(
                "'job' (a job number, 1 = first) goes with do: cancel_job, and only there"
            )
        return self


class Scenario(_Model):
    name: Name = "Untitled scenario"
    description: str = ""
    seed: int = Field(default=0, ge=0, lt=2**63)
    rules: str = DEFAULT_PROFILE
    overrides: dict[str, Any] = {}
    until: float | None = None
    backends: list[Backend] = Field(min_length=1)
    instances: list[Instance] = Field(min_length=1)
    hubs: dict[str, float] = {}
    groups: dict[str, float] = {}
    users: list[User] = Field(min_length=1)
    workloads: list[Workload] = Field(min_length=1)
    reservations: list[Reservation] = []
    actions: list[Action] = []

    _read, _write = _durations("until")

    @field_serializer("hubs", "groups")
    def _write_weights(self, value: dict[str, float], info: SerializationInfo) -> Any:
        return {k: _whole(v) for k, v in value.items()} if human(info) else value

    @field_validator("rules")
    @classmethod
    def _profile(cls, v: str) -> str:
        if v not in PROFILES:
            raise ValueError(f"unknown rule profile {v!r}; choose one of {', '.join(PROFILES)}")
        return v

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        # R34: under fair share by allocation every instance name is flat, slashes or not.
        flat = _knobs_or_profile(self).fair_share_basis == "allocation"
        for inst in self.instances:
            inst._flat = flat
        problems = list(_cross_problems(self))
        if problems:
            # Each line carries its own field path; load() splits them back into problems.
            raise ValueError("\n".join(f"@{p.path}@ {p.message}" for p in problems))
        return self

    @property
    def knobs(self) -> Knobs:
        return knobs_for(self.rules, self.overrides)

    def to_dict(self) -> dict[str, Any]:
        """The scenario in the file format (durations in seconds), ready for YAML or JSON."""
        return self.model_dump(mode="json")

    def to_human_dict(self) -> dict[str, Any]:
        """The scenario as a user would write it: durations as ``6h`` or ``1h 30m``, rates as
        ``14/h``, defaults left out (the header's name, seed and rules always kept). Reading
        it back gives an identical scenario: each text is checked against its parser."""
        full = self.model_dump(mode="json", context={"human": True})
        return _without_defaults(self, full, keep=_HEADER)

    def to_yaml(self) -> str:
        """The file behind Download as YAML and the library: :meth:`to_human_dict` in YAML,
        small mappings on one line (``{exponential: 2m}``) like the examples."""
        data = self.to_human_dict()
        text = yaml.dump(data, Dumper=_HumanDumper, sort_keys=False, allow_unicode=True,
                         default_flow_style=None, width=100)  # fmt: skip
        # A folded block has corner cases (lines starting with spaces, trailing blanks): if the
        # text does not read back to the same data, write plain quoted YAML instead.
        if yaml.safe_load(text) != data:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        return text

    def estimated_jobs(self) -> dict[str, float]:
        """Expected job count per workload (for the size cap): counts, or rate × duration."""
        out: dict[str, float] = {}
        for w in self.workloads:
            if w.pattern == "trace":
                out[w.name] = float(w.trace_jobs)
                continue
            if w.pattern == "replay":
                out[w.name] = float(len(w.replay or ()))
                continue
            if w.pattern != "stream":
                out[w.name] = float(w.jobs or 0)
                continue
            end = w.stop if w.stop is not None else self.until
            span = max(0.0, (end or 0.0) - w.start)
            expected = (w.rate or 0.0) * span
            out[w.name] = min(expected, w.jobs) if w.jobs is not None else expected
        return out


_HEADER = ("name", "seed", "rules")


class _HumanDumper(yaml.SafeDumper):
    """Safe YAML in the style of the examples: a distribution on one line
    (``quantum: {uniform: [30s, 1m 30s]}``) and a multi-line description as a folded block."""

    def represent_dict(self, data: Any) -> yaml.Node:
        node = super().represent_dict(data)
        if len(data) == 1 and all(_flat(v) for v in data.values()):
            node.flow_style = True
        return node

    def represent_str(self, data: str) -> yaml.Node:
        if "\n" in data:
            return self.represent_scalar("tag:yaml.org,2002:str", data, style=">")
        return super().represent_str(data)


_HumanDumper.add_representer(dict, _HumanDumper.represent_dict)
_HumanDumper.add_representer(str, _HumanDumper.represent_str)


def _flat(value: Any) -> bool:
    """A scalar, or a list or mapping of scalars."""
    if isinstance(value, list):
        return all(not isinstance(v, list | dict) for v in value)
    if isinstance(value, dict):
        return all(not isinstance(v, list | dict) for v in value.values())
    return True


def _without_defaults(model: BaseModel, dumped: dict[str, Any], keep=()) -> dict[str, Any]:
    """``dumped`` (the dump of ``model``) less the fields left at their defaults, at every level.

    pydantic's own ``exclude_defaults`` keeps every field that has a serializer (all the
    durations), hence this walk over the models and their dumps side by side.
    """
    out = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        default = None if field.is_required() else field.get_default(call_default_factory=True)
        if name not in keep and not field.is_required() and value == default:
            continue
        item = dumped[name]
        if isinstance(value, _Model):
            item = _without_defaults(value, item)
        elif isinstance(value, list):
            item = [_without_defaults(v, d) if isinstance(v, _Model) else d
                    for v, d in zip(value, item, strict=True)]  # fmt: skip
        out[name] = item
    return out


def _reference_problems(sections: dict[str, list[dict[str, Any]]]) -> Iterable[Problem]:
    """Duplicate names and references to unknown names.

    Works on plain mappings so that it can also run on raw data whose other fields failed
    validation: the user then hears about every problem at once.
    """
    names: dict[str, set[Any]] = {}
    for section in ("backends", "instances", "users", "workloads"):
        seen: set[Any] = set()
        for i, item in enumerate(sections.get(section, [])):
            name = item.get("name")
            if name in seen:
                yield Problem(f"{section}[{i}].name", f"duplicate name {name!r}")
            seen.add(name)
        names[section] = seen
    refs = (
        ("users", "instance", "instances", "instance"),
        ("workloads", "user", "users", "user"),
        ("workloads", "backend", "backends", "backend"),
        ("reservations", "backend", "backends", "backend"),
        ("reservations", "instance", "instances", "instance"),
        ("actions", "workload", "workloads", "workload"),
    )
    for section, key, target, noun in refs:
        for i, item in enumerate(sections.get(section, [])):
            value = item.get(key)
            if value is not None and value not in names[target]:
                yield Problem(f"{section}[{i}].{key}", f"unknown {noun} {value!r}")


def _raw_sections(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The list sections of raw data, keeping only well-formed named items."""
    out: dict[str, list[dict[str, Any]]] = {}
    for section in ("backends", "instances", "users", "workloads", "reservations", "actions"):
        items = data.get(section)
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            continue  # the field error already says what is wrong with this section
        if not all(isinstance(x.get(k, ""), str) for x in items for k in
                   ("name", "instance", "user", "backend", "workload")):  # fmt: skip
            continue
        out[section] = items
    return out


def _knobs_or_profile(s: Scenario) -> Knobs:
    """The scenario's knobs, or its profile's when the overrides are invalid (reported apart)."""
    try:
        return s.knobs
    except (ValidationError, KeyError):
        return PROFILES[s.rules]


def _tree_name_problems(names: Iterable[Any]) -> Iterable[Problem]:
    """R6: under the share tree a name is ``hub/group/project`` or flat (no slash)."""
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name:
            continue  # not text, or empty: the field's own message says so
        parts = name.split("/")
        if len(parts) not in (1, 3) or not all(p.strip() for p in parts):
            yield Problem(
                f"instances[{i}].name", f"{name!r} is neither 'hub/group/project' nor a flat name"
            )


def _raw_tree_names(data: dict[str, Any]) -> Iterable[Problem]:
    """:func:`_tree_name_problems` on raw data whose other fields failed validation, when its
    rules (profile and override) read names as a tree."""
    rules = data.get("rules", DEFAULT_PROFILE)
    overrides = data.get("overrides")
    basis = overrides.get("fair_share_basis") if isinstance(overrides, dict) else None
    if basis is None and isinstance(rules, str) and rules in PROFILES:
        basis = PROFILES[rules].fair_share_basis
    instances = data.get("instances")
    if basis == "share_tree" and isinstance(instances, list):
        yield from _tree_name_problems(
            x.get("name") if isinstance(x, dict) else None for x in instances
        )


def _plan_problems(s: Scenario, knobs: Knobs) -> Iterable[Problem]:
    """Plans, limits and cost limits (R10, R34, R35, R39)."""
    today = knobs.fair_share_basis == "allocation"
    for i, inst in enumerate(s.instances):
        at = f"instances[{i}]"
        if not today and inst.plan in ("flex", "payg"):
            yield Problem(
                f"{at}.plan",
                f"plan {inst.plan!r} exists on today's platform only (rules: ibm-2025, R34); "
                f"under {s.rules} a plan is premium or open",
            )
        if inst.limit is not None and not today:
            yield Problem(
                f"{at}.limit",
                f"under {s.rules} an allocation always is a limit (R10); 'limit' belongs to "
                "ibm-2025, where an allocation is a limit only when it says so (R34)",
            )
        default_allocation = inst.plan == "open" and knobs.open_plan_allocation is not None
        if inst.limit and inst.allocation is None and not default_allocation:
            yield Problem(f"{at}.limit", "a limit needs an 'allocation' to limit (R34)")
        if inst.plan == "payg" and inst.allocation is not None:
            yield Problem(
                f"{at}.allocation",
                "a Pay-As-You-Go instance has no allocation (R34); limit it with 'cost_limit'",
            )
        if inst.cost_limit is not None and inst.plan != "payg":
            yield Problem(
                f"{at}.cost_limit",
                "a cost limit belongs to Pay-As-You-Go instances (plan: payg) only (R39)",
            )
    limited = {i.name for i in s.instances if i.cost_limit is not None}
    for k, r in enumerate(s.reservations):
        if r.instance in limited:
            # R39 counts usage as it accrues; a reservation bills its window at its end (R27),
            # which the cost limit's reading does not cover (docs/model.md, ibm-2025).
            yield Problem(
                f"reservations[{k}].instance",
                f"instance {r.instance!r} has a cost_limit (R39); a reservation for a "
                "cost-limited Pay-As-You-Go instance is not modelled",
            )


def _cross_problems(s: Scenario) -> Iterable[Problem]:
    """Problems between fields (pydantic has checked each field on its own)."""
    yield from _reference_problems({k: [x.model_dump() for x in getattr(s, k)] for k in
                                    ("backends", "instances", "users", "workloads",
                                     "reservations", "actions")})  # fmt: skip
    knobs = yield from _knob_problems(s)
    yield from _share_problems(s, knobs)
    yield from _plan_problems(s, knobs)
    users = {u.name: u.instance for u in s.users}
    plans = {i.name: i.plan for i in s.instances}
    for i, w in enumerate(s.workloads):
        at = f"workloads[{i}]"
        yield from _pattern_problems(w, at, s.until)
        plan = plans.get(users.get(w.user, ""), "premium")
        yield from _session_problems(s, w, at, knobs, plan, users.get(w.user))
    yield from _system_time_problems(s)
    yield from _reservation_overlaps(s)


def _knob_problems(s: Scenario) -> Generator[Problem, None, Knobs]:
    """Unknown or invalid overrides; returns the knobs the rest is checked against."""
    knobs = None
    unknown = [k for k in s.overrides if k not in KNOB_NAMES]
    for k in unknown:
        yield Problem(f"overrides.{k}", f"unknown rule knob; known knobs: {', '.join(KNOB_NAMES)}")
    if not unknown:
        try:
            knobs = s.knobs
        except ValidationError as err:
            for e in err.errors():
                yield Problem("overrides." + ".".join(map(str, e["loc"])), _message(e))
    knobs = knobs or PROFILES[s.rules]
    return knobs


def _share_problems(s: Scenario, knobs: Knobs) -> Iterable[Problem]:
    """R5–R7's tree of names and weights, or R34's flat instances (no hub or group weights)."""
    if knobs.fair_share_basis == "share_tree":
        yield from _tree_name_problems([i.name for i in s.instances])
        flat = {len(i.name.split("/")) == 1 for i in s.instances}
        if len(flat) > 1:
            yield Problem(
                "instances",
                "mix of flat names and hub/group/project names; use one form for every instance",
            )
        hubs = {i.path[0] for i in s.instances}
        groups = {i.path[1] for i in s.instances}
        for hub, weight in s.hubs.items():
            if hub not in hubs:
                yield Problem(f"hubs.{hub}", "no instance belongs to this hub")
            if not (math.isfinite(weight) and weight > 0):
                yield Problem(f"hubs.{hub}", "a share must be a positive number")
        for group, weight in s.groups.items():
            if group not in groups:
                yield Problem(f"groups.{group}", "no instance belongs to this hub/group")
            if not (math.isfinite(weight) and weight > 0):
                yield Problem(f"groups.{group}", "a share must be a positive number")
    else:
        # R34 (docs: fair-share-scheduler): today's platform has no hub/group/project tree.
        for key in ("hubs", "groups"):
            if getattr(s, key):
                yield Problem(
                    key,
                    f"'{key}' weights belong to the hub/group/project tree, which {s.rules} "
                    "does not have (instances compete by their allocation, R34); remove "
                    f"'{key}' and give each instance an 'allocation'",
                )


def _pattern_problems(w: Workload, at: str, until: float | None) -> Iterable[Problem]:
    """What each pattern needs (R30–R32; a trace and a replay have their own checks)."""
    if w.pattern == "stream":
        if w.rate is None:
            yield Problem(f"{at}.rate", "a stream needs an arrival rate, e.g. '20/h'")
        if w.stop is None and w.jobs is None and until is None:
            yield Problem(
                f"{at}.stop",
                "a stream needs 'stop' or 'jobs' (or the scenario's 'until'), or it never ends",
            )
        if w.stop is not None and w.stop <= w.start:
            yield Problem(f"{at}.stop", "'stop' must come after 'start'")
    elif w.pattern == "trace":
        yield from _trace_problems(w, at)
    elif w.pattern == "replay":
        yield from _replay_problems(w, at)
    else:
        if w.jobs is None:
            article = "an" if w.pattern == "iterative" else "a"
            yield Problem(f"{at}.jobs", f"{article} {w.pattern} workload needs a number of jobs")
        for key in ("rate", "stop"):
            if getattr(w, key) is not None:
                yield Problem(f"{at}.{key}", f"'{key}' applies to stream workloads only")
    if w.replay is not None and w.pattern != "replay":
        yield Problem(f"{at}.replay", "'replay' applies to pattern: replay only")


def _session_problems(
    s: Scenario, w: Workload, at: str, knobs: Knobs, plan: str, instance: str | None
) -> Iterable[Problem]:
    """R20, R21, R24, R35, R36: the session settings a workload may ask for."""
    if w.max_time is not None and w.max_time > knobs.max_time_limit:
        yield Problem(
            f"{at}.max_time",
            f"{format_duration(w.max_time)} exceeds the system limit of "
            f"{format_duration(knobs.max_time_limit)} (R20)",
        )
    # R20, R21, R24: what this workload runs as (sim/model/settings.py, the one place).
    runs = settings_for(w, knobs, plan, s.rules)
    max_time = w.max_time if w.max_time is not None else default_max_time(runs.mode, knobs)
    if w.interactive_ttl is not None and runs.own_ittl and w.interactive_ttl > max_time:
        yield Problem(
            f"{at}.interactive_ttl",
            f"the interactive timeout ({format_duration(w.interactive_ttl)}) may not exceed "
            f"max_time ({format_duration(max_time)}) (R20)",
        )
    if w.open_at is not None and w.open_at > w.start:
        yield Problem(f"{at}.open_at", "a session is opened at or before its first job")
    if w.interactive_ttl is not None and not knobs.interactive_ttl_configurable:
        # R36 (docs: run-jobs-session, max-execution-time): the ITTL cannot be configured.
        yield Problem(
            f"{at}.interactive_ttl",
            f"under {s.rules} the interactive timeout is fixed "
            f"({format_duration(knobs.default_interactive_ttl)}) and a workload cannot set "
            "it (R36); remove it, or override the rule with "
            "'overrides: {interactive_ttl_configurable: true}'",
        )
    if runs.rejected and knobs.open_plan_session_refusal == "validation":
        # R35 (docs: execution-modes): creating a session on the Open plan is an error,
        # raised before any job runs.
        yield Problem(
            f"{at}.mode",
            f"mode: {w.mode} opens a session, and under {s.rules} the Open plan has no "
            f"sessions (instance {instance!r} is on the Open plan, R35); use "
            "mode: job or batch, or an instance on a paid plan",
        )


def _system_time_problems(s: Scenario) -> Iterable[Problem]:
    """R25/R40: periodic calibrations and pauses must leave the backend time for jobs."""
    for i, b in enumerate(s.backends):
        periodic = [c for c in (*b.calibrations, *b.pauses) if c.every is not None]
        duty = sum(c.duration / c.every for c in periodic)
        if duty >= 1:
            # R25/R40: calibrations and pauses go first, so at 100 % no job would ever start.
            yield Problem(
                f"backends[{i}].calibrations",
                f"periodic calibrations{' and pauses' if b.pauses else ''} would take "
                f"{duty:.0%} of the backend's time; "
                "together they must leave room for jobs (less than 100 %)",
            )


def _reservation_overlaps(s: Scenario) -> Iterable[Problem]:
    by_backend: dict[str, list[tuple[float, float, int]]] = {}
    for i, r in enumerate(s.reservations):
        by_backend.setdefault(r.backend, []).append((r.start, r.end, i))
    for windows in by_backend.values():
        windows.sort()
        for (_, end, _), (start, _, j) in zip(windows, windows[1:], strict=False):
            if start < end:
                yield Problem(f"reservations[{j}]", "overlaps another reservation on this backend")


def _replay_problems(w: Workload, at: str) -> Iterable[Problem]:
    """A replay lists its jobs in submission order: job K of the result (``NAME.K``) is entry
    K of the list, so an observed outcome can be matched with the simulated one."""
    if not w.replay:
        example = "[{at: 0, quantum: 30s}, {at: 1m, quantum: 12s}]"
        yield Problem(f"{at}.replay", f"a replay workload needs a list of jobs, e.g. {example}")
        return
    for key in ("rate", "stop", "jobs"):
        if getattr(w, key) is not None:
            yield Problem(f"{at}.{key}", f"'{key}' does not apply to a replay (its jobs are "
                                         "the 'replay' list)")  # fmt: skip
    if w.replay[0].at < w.start:
        yield Problem(f"{at}.replay[0].at", f"the first job ({w.replay[0].at:g} s) comes before "
                                            f"the workload's start ({w.start:g} s)")  # fmt: skip
    previous = -math.inf
    for k, job in enumerate(w.replay):
        if job.at < previous:
            yield Problem(f"{at}.replay[{k}].at", f"jobs are listed in submission order; "
                                                  f"{job.at:g} s comes before the previous "
                                                  f"job's {previous:g} s")  # fmt: skip
            return  # one message, not one per later job
        previous = job.at


# --- loading -------------------------------------------------------------------------------

_PYDANTIC_MESSAGES = {
    "missing": "required",
    "extra_forbidden": "unknown key",
    "model_type": "expected a mapping of keys to values",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _PYDANTIC_MESSAGES:
        return _PYDANTIC_MESSAGES[kind]
    if kind in ("greater_than_equal", "greater_than", "less_than"):
        bound = {"greater_than_equal": ("at least", "ge"), "greater_than": ("above", "gt"),
                 "less_than": ("below", "lt")}[kind]  # fmt: skip
        return f"must be {bound[0]} {ctx.get(bound[1])} (got {short_repr(error.get('input'))})"
    if kind in ("int_from_float", "int_parsing", "int_type"):
        return f"must be a whole number, an integer (got {short_repr(error.get('input'))})"
    if kind == "too_short":
        return "must not be empty"
    if kind == "invalid_key":
        return "keys must be text (names), not numbers or lists"
    msg = str(error.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after[_one_kind()]",) or str(part).startswith("function-"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for e in error.errors():
        msg = _message(e)
        loc = e["loc"]
        if e.get("type") == "invalid_key" and loc:
            loc = (*loc[:-1], str(loc[-1]))  # the offending key itself, not a list position
        base = _path(loc)
        if "@" in msg and msg.lstrip().startswith("@"):
            for line in msg.splitlines():
                _, path, text = line.split("@", 2)
                problems.append(Problem(path, text.strip()))
        else:
            problems.append(Problem(base, msg))
    return problems


def from_dict(data: Any) -> Scenario:
    """Validate plain data (as parsed from YAML/JSON) into a :class:`Scenario`."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ScenarioError(
            [Problem("", f"a scenario must be a mapping of keys to values, got {kind}")]
        )
    huge = list(_too_large_numbers(data))
    if huge:
        raise ScenarioError(huge)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        problems = problems_from(err)
        # Field errors stop pydantic before the cross-checks; run the name checks on the raw
        # data too, so one round of messages covers every problem.
        extras = [*_reference_problems(_raw_sections(data)), *_raw_tree_names(data)]
        for extra in extras:
            if extra not in problems:
                problems.append(extra)
        raise ScenarioError(problems) from None


def _too_large_numbers(data: Any) -> Iterable[Problem]:
    """Integers no float can hold (``10**1000``), wherever they are: every number of a scenario
    ends up as a float or is compared with one, which would raise ``OverflowError``.

    Iterative, so that deeply nested data cannot exhaust the stack; the nesting itself is
    refused later by validation.
    """
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, loc = stack.pop()
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                float(value)
            except OverflowError:
                digits = len(str(abs(value))) if value.bit_length() < 40_000 else "thousands of"
                yield Problem(_path(loc), f"the number is too large ({digits} digits)")
        elif isinstance(value, dict) and len(loc) < 50:
            stack.extend((v, (*loc, str(k))) for k, v in value.items())
        elif isinstance(value, list | tuple) and len(loc) < 50:
            stack.extend((v, (*loc, i)) for i, v in enumerate(value))


MAX_SEED = 2**63 - 1


def seed_problem(seed: object, field: str = "seed") -> Problem | None:
    """Why ``seed`` cannot seed a run, or None. Seeds are 0 … 2**63 − 1: the random streams
    use 64 bits of it, so a larger seed would silently equal a smaller one (R33)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        return Problem(
            field, f"must be a whole number from 0 to {MAX_SEED} (got {short_repr(seed)})"
        )
    return None


def check_seed(seed: object, field: str = "seed") -> None:
    problem = seed_problem(seed, field)
    if problem:
        raise ScenarioError([problem])


# What a run costs besides its jobs, as multiples of the job cap (``--max-jobs`` raises all of
# them together). Events: a job logs about four (submit, start, charge, done), a calibration
# two. Fair-share steps: each start looks at every instance with jobs queued on its backend,
# so 5,000 instances with 40 jobs each cost 200k × 5,000 steps — minutes — for 200k jobs.
def _trace_problems(w: Workload, at: str):
    """A ``trace`` workload (sim.kernel.trace): its steps must make sense in order — a group is
    opened before it is used, a job waits only for jobs before it."""
    if not w.trace:
        yield Problem(f"{at}.trace", "a trace workload needs its recorded steps (sim record)")
        return
    for key in ("jobs", "rate", "stop"):
        if getattr(w, key) is not None:
            yield Problem(f"{at}.{key}", f"'{key}' does not apply to a trace (its steps say)")
    opened: set[int] = set()
    jobs = 0
    for k, step in enumerate(w.trace):
        here = f"{at}.trace[{k}]"
        for j in step.waits:
            if j > jobs:
                yield Problem(f"{here}.waits", f"job {j} is not submitted before this step")
        if step.do == "open":
            if step.mode is None:
                yield Problem(f"{here}.mode", "an 'open' step needs a mode: session or batch")
            if step.group == 0 or step.group in opened:
                yield Problem(f"{here}.group", "an 'open' step needs a new group number (≥ 1)")
            opened.add(step.group)
        elif step.do in ("job", "close", "cancel") and step.group and step.group not in opened:
            yield Problem(f"{here}.group", f"group {step.group} is not opened before this step")
        if step.do == "job":
            jobs += 1
            if step.quantum is None:
                yield Problem(f"{here}.quantum", "a 'job' step needs its quantum seconds")
        elif step.quantum is not None:
            yield Problem(f"{here}.quantum", "only a 'job' step has quantum seconds")
        if step.do in ("close", "cancel") and step.group == 0:
            yield Problem(f"{here}.group", f"a '{step.do}' step needs the group it ends")


EVENTS_PER_CAPPED_JOB = 5
PICK_STEPS_PER_CAPPED_JOB = 50


def estimated_end(scenario: Scenario) -> float:
    """When the run is expected to end: ``until``, else the last workload's expected end (its
    stop, or its jobs' mean quantum and think times back to back), window or action."""
    if scenario.until is not None:
        return scenario.until
    end = 0.0
    for w in scenario.workloads:
        if w.pattern == "stream":
            last = w.stop if w.stop is not None else w.start + (w.jobs or 0) / (w.rate or 1.0)
        elif w.pattern == "trace":
            last = w.start + sum(st.think + (st.quantum or 0.0) for st in w.trace or ())
        elif w.pattern == "replay":
            last = max((j.at + (j.quantum or w.quantum.mean) for j in w.replay or ()), default=0)
        else:
            last = w.start + (w.jobs or 0) * (w.quantum.mean + w.classical.mean)
        end = max(end, last)
    times = [r.end for r in scenario.reservations] + [a.at for a in scenario.actions]
    return max([end, *times])


def estimated_calibrations(scenario: Scenario) -> dict[tuple[int, int], float]:
    """Expected occurrences of each calibration, keyed by (backend index, calibration index):
    a periodic one repeats until the run ends."""
    end = estimated_end(scenario)
    out = {}
    for b, backend in enumerate(scenario.backends):
        for c, cal in enumerate(backend.calibrations):
            out[b, c] = 1.0 if cal.every is None else 1.0 + max(0.0, end - cal.start) / cal.every
    return out


def size_problems(scenario: Scenario, max_jobs: int = DEFAULT_MAX_JOBS) -> list[Problem]:
    """Why ``scenario`` is too big to run under the cap: jobs, events or fair-share work, each
    naming the field that makes it big."""
    problems = []
    estimate = scenario.estimated_jobs()
    total = sum(estimate.values())
    index = {w.name: i for i, w in enumerate(scenario.workloads)}
    hint = "lower it, or raise the cap with --max-jobs"
    if total > max_jobs:
        worst = max(estimate, key=estimate.__getitem__)
        w = scenario.workloads[index[worst]]
        field = "jobs" if w.pattern != "stream" else ("rate" if w.jobs is None else "jobs")
        if w.pattern == "trace":
            field = "trace"
        field = "replay" if w.pattern == "replay" else field
        problems.append(
            Problem(
                f"workloads[{index[worst]}].{field}",
                f"the scenario would simulate about {total:,.0f} jobs, above the cap of "
                f"{max_jobs:,} (this workload: {estimate[worst]:,.0f}); {hint}",
            )
        )
    calibrations = estimated_calibrations(scenario)
    events = 4 * total + 2 * sum(calibrations.values())
    if events > EVENTS_PER_CAPPED_JOB * max_jobs and calibrations:
        (b, c), count = max(calibrations.items(), key=lambda item: item[1])
        if 2 * count > 4 * total:  # the calibrations make it big, not the jobs (named above)
            problems.append(
                Problem(
                    f"backends[{b}].calibrations[{c}].every",
                    f"the run would log about {events:,.0f} events, above the cap of "
                    f"{EVENTS_PER_CAPPED_JOB * max_jobs:,}: this calibration alone repeats "
                    f"about {count:,.0f} times before the run ends; make it less frequent or "
                    "the run shorter (until), or raise the cap with --max-jobs",
                )
            )
    jobs_on: dict[str, float] = {}
    instances_on: dict[str, set[str]] = {}
    users = {u.name: u.instance for u in scenario.users}
    for w in scenario.workloads:
        jobs_on[w.backend] = jobs_on.get(w.backend, 0.0) + estimate[w.name]
        instances_on.setdefault(w.backend, set()).add(users.get(w.user, ""))
    steps = sum(jobs_on[b] * len(instances_on[b]) for b in jobs_on)
    if steps > PICK_STEPS_PER_CAPPED_JOB * max_jobs:
        busiest = max(jobs_on, key=lambda b: jobs_on[b] * len(instances_on[b]))
        problems.append(
            Problem(
                "instances",
                f"{len(instances_on[busiest]):,} instances compete for {busiest} with about "
                f"{jobs_on[busiest]:,.0f} jobs: about {steps:,.0f} fair-share steps, above the "
                f"cap of {PICK_STEPS_PER_CAPPED_JOB * max_jobs:,}; use fewer instances or "
                "jobs, or raise the cap with --max-jobs",
            )
        )
    return problems


def check_size(scenario: Scenario, max_jobs: int = DEFAULT_MAX_JOBS) -> None:
    """Refuse scenarios too large to finish in reasonable time (raise the cap to run them)."""
    problems = size_problems(scenario, max_jobs)
    if problems:
        raise ScenarioError(problems)


def dumps_json(scenario: Scenario) -> str:
    return json.dumps(scenario.to_dict(), sort_keys=True)
