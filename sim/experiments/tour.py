"""The guided tour: the teaching presets in order, each with what to look at and when.

Each step names a preset, says in a few sentences what the student should notice, the moment
of the run that shows it (the dashboard annotates it on the Gantt and starts the replay
there), and a job worth asking "why did it wait?" about. The ``profiles-*`` steps also name
two rule profiles: the same scenario is run under both to compare.

No number in a step's text is typed: the text is a template whose ``{placeholders}`` are
filled from the step's run — the replay's state at the step's moment (``sim.analysis.replay``), the
run's tables and its scenario. A typed "four of her six jobs" was wrong once (issue #13);
tests/test_teaching.py compares every number a step states with the replay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..analysis.history import History
from ..analysis.replay import ReplayState, state_at
from ..analysis.results import Result
from ..model.files import preset
from ..model.scenario import Scenario, from_dict
from ..model.units import format_duration
from .single import run

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve")  # fmt: skip


@dataclass(frozen=True)
class Count:
    """A number of jobs, written as a word up to twelve."""

    n: int

    def __str__(self) -> str:
        return _WORDS[self.n] if 0 <= self.n < len(_WORDS) else str(self.n)


@dataclass(frozen=True)
class Span:
    """A duration, written as the dashboard writes durations (``40s``, ``10m``)."""

    seconds: float

    def __str__(self) -> str:
        return format_duration(self.seconds)


Claims = Callable[[Result, ReplayState], dict[str, Count | Span]]


def _no_claims(result: Result, now: ReplayState) -> dict[str, Count | Span]:
    return {}


@dataclass(frozen=True)
class Step:
    preset: str
    template: str  # the explanation; {placeholders} come from ``claims`` (and {old}, {new})
    moment: float  # seconds since the start: when the behaviour is visible
    moment_label: str  # drawn on the Gantt: no numbers (the chart shows the time itself)
    job: str  # a job whose wait is worth explaining
    profiles: tuple[str, str] | None = None  # compare the run under these two profiles
    claims: Claims = field(default=_no_claims, repr=False)  # the numbers, read off the run

    @property
    def scenario(self) -> Scenario:
        return preset(self.preset)

    def facts(self, result: Result, history: History | None = None) -> dict[str, Count | Span]:
        """What the text states, read off ``result`` (the step's run) at the step's moment."""
        return self.claims(result, state_at(result, self.moment, history))

    def explain(self, result: Result, history: History | None = None) -> str:
        """The explanation with every number filled in from the step's run."""
        old, new = self.profiles or ("", "")
        return self.template.format(old=old, new=new, **self.facts(result, history))


class StepMismatch(AssertionError):
    """The run no longer shows what a step's text is about (a preset or a rule changed)."""


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise StepMismatch(what)


def _session_of(result: Result, job_id: str) -> str:
    return str(result.jobs.set_index("job_id").at[job_id, "session_id"])


def _held_think_time(result: Result, now: ReplayState) -> dict[str, Count | Span]:
    """fig2: at the moment the backend is held for the session through one think time."""
    (held,) = now.backends.itertuples()
    _check(held.doing == "idle_held", f"the backend is not held at {now.time:g}s")
    ttl = result.sessions.set_index("session_id").at[held.session_id, "interactive_ttl"]
    return {"think": Span(held.until - held.since), "ttl": Span(float(ttl))}


def _batch_behind_first(result: Result, now: ReplayState) -> dict[str, Count | Span]:
    """fig3: the batch's first job runs; the rest of its jobs queue behind it."""
    (running,) = now.backends.itertuples()
    _check(running.doing == "job" and running.user == "gina", "gina's first job is not running")
    queued = now.queue[now.queue["session_id"] == running.session_id]
    return {"rest": Count(len(queued))}


def _reservation_window(result: Result, now: ReplayState) -> dict[str, Count | Span]:
    """fig4: the window (the run's reservation) and the session jobs that fail as it ends."""
    (window,) = result.scenario.reservations
    _check(now.time == window.end, "the step's moment is not the end of the reservation")
    failed = result.jobs[result.jobs["reason"] == "reservation_ended"]
    return {"start": Span(window.start), "end": Span(window.end), "failed": Count(len(failed))}


def _close_with_queued_jobs(result: Result, now: ReplayState) -> dict[str, Count | Span]:
    """profiles-close: Alice's session jobs queued and running when she calls close()."""
    sid = _session_of(result, "alice-session.1")
    queued = now.queue[now.queue["session_id"] == sid]
    b = now.backends
    running = b[(b["session_id"] == sid) & (b["doing"] == "job")]
    total = result.sessions.set_index("session_id").at[sid, "jobs"]
    return {"queued": Count(len(queued)), "running": Count(len(running)),
            "total": Count(int(total))}  # fmt: skip


def _calibration_due(result: Result, now: ReplayState) -> dict[str, Count | Span]:
    """profiles-calibration: the calibration that falls due at the moment, and its length."""
    due = now.queue[now.queue["submitted"].isna()]  # calibrations carry no submit time
    _check(len(due) == 1, f"expected one due calibration at {now.time:g}s")
    ev = result.events
    ev = ev[ev["detail"] == due["job_id"].iloc[0]].set_index("event")["time"]
    return {"calibration": Span(ev["calibration_end"] - ev["calibration_start"])}


STEPS: tuple[Step, ...] = (
    Step(
        preset="fig1-session-flow",
        template=(
            "A session does not skip the queue at first: Alice's first job competes with "
            "Carol's queued jobs by fair share, and wins because Alice's group has used less "
            "of its share (R5, R12). From then on her jobs go first and the backend waits for "
            "her between iterations (R13). Bob's session must wait for the same pick; once he "
            "is in, his later jobs do not queue either. Carol's jobs resume when both are done."
        ),
        moment=120.0,
        moment_label="Alice's first job wins the fair-share pick; her session becomes active",
        job="bob-qaoa.1",
    ),
    Step(
        preset="fig2-iterative",
        template=(
            "An iterative algorithm alternates quantum jobs with classical work. Here the "
            "classical step ({think}) is shorter than the interactive timeout ({ttl}), so "
            "between iterations the backend stays reserved for Alice's session — the hatched "
            "'held' bars (R14, R30). Nobody else runs during them, and her session is billed "
            "for them (R9). Bob's jobs, queued from the start, run only after she closes."
        ),
        moment=150.0,
        moment_label="Alice thinks; the backend is held for her",
        job="bob-jobs.2",
        claims=_held_think_time,
    ),
    Step(
        preset="fig3-batch",
        template=(
            "Gina sends all her jobs at once in a session. Only the first waits for a fair "
            "share turn; then the other {rest} run back to back with no gap, because an "
            "active session's queued jobs go first (R13, R31). Hugo's queued jobs wait for the "
            "whole batch."
        ),
        moment=120.0,
        moment_label="the batch's first job starts; the rest follow back to back",
        job="hugo-jobs.2",
        claims=_batch_behind_first,
    ),
    Step(
        preset="fig4-reservation",
        template=(
            "A reservation gives Gina's group the backend from {start} to {end}. Hugo's job "
            "that is running at {start} is not stopped (R1), then only Gina's jobs may run "
            "(R27). Her session asks for more time than the window has: the job running at "
            "{end} completes, the {failed} still waiting fail with reservation_ended (R28). "
            "That is why a session inside a reservation needs a realistic max_time."
        ),
        moment=1800.0,
        moment_label="the reservation ends: pending session jobs fail (R28)",
        job="gina-session.6",
        claims=_reservation_window,
    ),
    Step(
        preset="profiles-close",
        template=(
            "Alice calls close() while {queued} of her {total} session jobs are still queued "
            "and {running} is running. Under `{old}` close() fails the queued ones "
            "(session_closed); under `{new}` the session refuses new jobs but finishes the "
            "queued ones first (R17). Bob's jobs start much earlier under the old rules."
        ),
        moment=300.0,
        moment_label="Alice calls close()",
        job="alice-session.5",
        profiles=("ibm-2023", "ibm-2024"),
        claims=_close_with_queued_jobs,
    ),
    Step(
        preset="profiles-calibration",
        template=(
            "A calibration of {calibration} falls due while Alice's iterative session is "
            "active. Under `{old}` it takes the backend as soon as the running job ends, and "
            "Alice's next job waits for it (R25, R26). Under `{new}` the active session keeps "
            "the calibration waiting until the session ends (R25): Alice is not interrupted, "
            "and the calibration runs late."
        ),
        moment=300.0,
        moment_label="the calibration falls due",
        job="alice-vqe.4",
        profiles=("ibm-2024", "ibm-current"),
        claims=_calibration_due,
    ),
)


def step(name: str) -> Step:
    for s in STEPS:
        if s.preset == name:
            return s
    raise KeyError(f"no tour step for preset {name!r}")


def with_rules(scenario: Scenario, profile: str) -> Scenario:
    """The same scenario under another rule profile (validated again: defaults may change)."""
    data = scenario.to_dict()
    data["rules"] = profile
    return from_dict(data)


def compare_profiles(s: Step, runner=None) -> dict[str, Result]:
    """The step's scenario run under each of its two profiles (same seed: same draws, R33)."""
    if s.profiles is None:
        raise ValueError(f"tour step {s.preset!r} compares no profiles")
    go = runner or (lambda sc: run(sc))
    return {p: go(with_rules(s.scenario, p)) for p in s.profiles}
