"""The guided tour: the teaching presets in order, each with what to look at and when.

Each step names a preset, says in a few sentences what the student should notice, the moment
of the run that shows it (the dashboard annotates it on the Gantt and starts the replay
there), and a job worth asking "why did it wait?" about. The ``profiles-*`` steps also name
two rule profiles: the same scenario is run under both to compare.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import run
from .presets import preset
from .results import Result
from .scenario import Scenario, from_dict


@dataclass(frozen=True)
class Step:
    preset: str
    explanation: str
    moment: float  # seconds since the start: when the behaviour is visible
    moment_label: str
    job: str  # a job whose wait is worth explaining
    profiles: tuple[str, str] | None = None  # compare the run under these two profiles

    @property
    def scenario(self) -> Scenario:
        return preset(self.preset)


STEPS: tuple[Step, ...] = (
    Step(
        preset="fig1-session-flow",
        explanation=(
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
        explanation=(
            "An iterative algorithm alternates quantum jobs with classical work. Here the "
            "classical step (40 s) is shorter than the interactive timeout (60 s), so between "
            "iterations the backend stays reserved for Alice's session — the hatched 'held' "
            "bars (R14, R30). Nobody else runs during them, and her session is billed for "
            "them (R9). Bob's jobs, queued from the start, run only after she closes."
        ),
        moment=150.0,
        moment_label="Alice thinks for 40 s; the backend is held for her",
        job="bob-jobs.2",
    ),
    Step(
        preset="fig3-batch",
        explanation=(
            "Gina sends all her jobs at once in a session. Only the first one waits for a fair "
            "share turn; then the other seven run one after the other with no gap, because an "
            "active session's queued jobs go first (R13, R31). Hugo's queued jobs wait for the "
            "whole batch."
        ),
        moment=120.0,
        moment_label="the batch's first job starts; the rest follow back to back",
        job="hugo-jobs.2",
    ),
    Step(
        preset="fig4-reservation",
        explanation=(
            "A reservation gives Gina's group the backend from 10 to 30 minutes. Hugo's job "
            "that is running at 10 minutes is not stopped (R1), then only Gina's jobs may run "
            "(R27). Her session asks for more time than the window has: the job running at 30 "
            "minutes completes, the ones still waiting fail with reservation_ended (R28). "
            "That is why a session inside a reservation needs a realistic max_time."
        ),
        moment=1800.0,
        moment_label="the reservation ends: pending session jobs fail (R28)",
        job="gina-session.6",
    ),
    Step(
        preset="profiles-close",
        explanation=(
            "Alice calls close() while four of her six session jobs are still queued. Under "
            "the 2023 rules close() fails them (session_closed); under the 2024 rules the "
            "session refuses new jobs but finishes the queued ones first (R17). Bob's jobs "
            "start much earlier under the old rules."
        ),
        moment=300.0,
        moment_label="Alice calls close()",
        job="alice-session.5",
        profiles=("ibm-2023", "ibm-2024"),
    ),
    Step(
        preset="profiles-calibration",
        explanation=(
            "A 10-minute calibration falls due while Alice's iterative session is active. "
            "Under ibm-2024 it takes the backend as soon as the running job ends, and Alice's "
            "next job waits for it (R25, R26). Under ibm-current the active session keeps the "
            "calibration waiting until the session ends (R25): Alice is not interrupted, and "
            "the calibration runs late."
        ),
        moment=300.0,
        moment_label="the calibration falls due",
        job="alice-vqe.4",
        profiles=("ibm-2024", "ibm-current"),
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
