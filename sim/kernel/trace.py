"""Recorded programs: the ``trace`` workload pattern (written by ``python -m sim record``).

A trace is what a real program did, as the queue sees it: the sessions and batches it opened
and closed and the jobs it submitted, in order, each with the think time before it and the
results it waited for (:class:`sim.model.scenario.TraceStep`). Replaying it keeps the program's
*dependence structure*, not its timestamps: a step happens ``think`` seconds after the later
of the previous step and the moment every job it ``waits`` for was final. So the same trace
placed on a busier backend waits longer between its jobs exactly where the program would.

- :func:`replay` is the workload's SimPy process (the engine runs a ``trace`` workload
  through :class:`sim.kernel.client.DrivenRun`).
- :func:`steps_from_cosim` turns a co-simulation's steps (sim.experiments.cosim) into trace steps.
- :func:`trace_as` maps a trace to session / batch / plain jobs (what ``cosim --mode`` does
  to the script), :func:`place` puts a trace on a scenario's backend, as its user's program.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any

from ..model.estimate import engine_quantum
from ..model.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    TraceStep,
    Workload,
    from_dict,
    problems_from,
)

if TYPE_CHECKING:
    from .client import Client

TRACE_MODES = ("as-written", "session", "batch", "job")


def replay(client: Client) -> Generator:
    """Submit a trace workload's steps (see the module's docstring)."""
    run = client._run
    env = client.env
    groups: dict[int, Any] = {}
    handles: list = []
    finals: dict[int, float] = {}
    plain = None
    last = env.now
    for step in run.spec.trace or ():
        for j in step.waits:
            handle = handles[j - 1]
            if not handle.final.processed:
                yield handle.final
        ref = max([last] + [finals[j] for j in step.waits])
        at = ref + step.think
        if at > env.now:
            yield env.timeout(at - env.now)
        if client.stopped:
            break  # until (R1): nothing new is submitted
        if step.do == "open":
            groups[step.group] = run.open_group(step.mode, step.max_time)
        elif step.do == "job":
            group = groups.get(step.group)
            if group is None:
                if plain is None:
                    plain = run.open_group("job")
                group = plain
            # The recorded estimate includes IBM's per-job overhead; a profile whose engine
            # adds it (R38) gets the rest (as the co-simulation does).
            run.submit_one(engine_quantum(step.quantum, run.overhead), group)
            handle = run.handles[run.jobs[-1]]
            k = len(handles) + 1
            handles.append(handle)
            if handle.final.processed or handle.final.triggered:  # rejected at once
                finals[k] = env.now
            else:
                handle.final.callbacks.append(lambda _e, k=k: finals.__setitem__(k, env.now))
        elif step.do in ("close", "cancel"):
            group = groups.get(step.group)
            if group is not None and group.session is not None and group.session.opened:
                if step.do == "close":
                    run.engine.close_session(group.session)  # R17
                else:
                    run.cancel_session(group.session)  # R18
        last = env.now
    client.done()


def steps_from_cosim(steps: Iterable) -> list[TraceStep]:
    """A co-simulation's steps (:class:`sim.experiments.cosim.Step`) as trace steps."""
    out = []
    for s in steps:
        fields: dict[str, Any] = {"do": s.kind, "think": s.think}
        if s.waits:
            fields["waits"] = list(s.waits)
        if s.group:
            fields["group"] = s.group
        if s.kind == "open":
            fields["mode"] = s.mode
            if s.max_time is not None:
                fields["max_time"] = s.max_time
        if s.kind == "job":
            fields["quantum"] = s.quantum
        out.append(TraceStep(**fields))
    return out


def trace_as(spec: Workload, mode: str) -> Workload:
    """The same program run as written, or with every job in one session / one batch / as
    plain jobs — what ``cosim --mode`` does to a script: its sessions and batches become
    ``mode``; under session or batch, jobs outside any group go into one group opened at the
    first of them and closed at the program's end."""
    if mode not in TRACE_MODES:
        raise ValueError(f"mode: one of {', '.join(TRACE_MODES)} (got {mode!r})")
    steps = list(spec.trace or ())
    if mode == "as-written":
        return spec
    out: list[TraceStep] = []
    extra = max([s.group for s in steps] + [0]) + 1
    opened = False
    for s in steps:
        if s.do == "open":
            s = s.model_copy(update={"mode": mode})
        elif s.do == "job" and s.group == 0 and mode != "job":
            if not opened:
                opened = True
                out.append(TraceStep(do="open", think=s.think, waits=s.waits, group=extra,
                                     mode=mode))  # fmt: skip
                s = s.model_copy(update={"think": 0.0, "waits": []})
            s = s.model_copy(update={"group": extra})
        elif s.do == "end" and opened:
            out.append(TraceStep(do="close", think=s.think, waits=s.waits, group=extra))
            s = s.model_copy(update={"think": 0.0, "waits": []})
        out.append(s)
    return spec.model_copy(update={"trace": out})


def place(scenario: Scenario, spec: Workload, backend: str | None = None,
          user: str | None = None, start: float | None = None) -> Scenario:  # fmt: skip
    """``scenario`` with the trace workload ``spec`` as ``user``'s program on ``backend``: the
    user's own workloads leave (the trace *is* their program), and it starts at ``start``
    (default: the replaced workload's start, else its own). Unknown names raise ValueError
    naming the argument."""
    backends = [b.name for b in scenario.backends]
    users = [u.name for u in scenario.users]
    backend = backend or spec.backend
    if backend not in backends:
        raise ValueError(f"backend: {backend!r} is not in the scenario ({', '.join(backends)})")
    if user is None:
        mine = [w for w in scenario.workloads if w.pattern != "stream"]
        user = spec.user if spec.user in users else (mine[0].user if mine else users[0])
    if user not in users:
        raise ValueError(f"user: {user!r} is not in the scenario ({', '.join(users)})")
    replaced = [w for w in scenario.workloads if w.user == user]
    if start is None:
        start = replaced[0].start if replaced else spec.start
    kept = [w for w in scenario.workloads if w.user != user]
    names = {w.name for w in kept}
    name = spec.name if spec.name not in names else f"{spec.name}-trace"
    placed = spec.model_copy(update={"name": name, "user": user, "backend": backend,
                                     "start": start})  # fmt: skip
    actions = [a for a in scenario.actions if a.workload in names]
    placed_scenario = scenario.model_copy(update={"workloads": [*kept, placed],
                                                  "actions": actions})  # fmt: skip
    return from_dict(placed_scenario.to_dict())  # validated again: the trace's steps too


# --- the file `sim record` writes ---------------------------------------------------------------


def workload_yaml(spec: Workload) -> str:
    """A trace workload as YAML: one mapping, one line per step, times in seconds (exact)."""
    import yaml

    data = spec.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    data = {"name": data.pop("name"), "user": data.pop("user"), "backend": data.pop("backend"),
            "pattern": "trace", **{k: v for k, v in data.items() if k != "pattern"}}  # fmt: skip
    data.pop("quantum", None)  # a trace's quantum is in its steps

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120,
                          default_flow_style=None)  # fmt: skip


def read_workload(text: str | bytes, source: str = "workload") -> Workload:
    """A trace workload from YAML (``sim record``'s file), validated: problems name the field
    (``trace[3].quantum``) and raise :class:`ScenarioError`."""
    from ..model import yamltext
    from ..model.scenario import _trace_problems

    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError([Problem("", f"{source} is not UTF-8 text")]) from None
    try:
        data = yamltext.read(text)
    except Exception as err:  # noqa: BLE001 - any YAML problem is the file's
        raise ScenarioError([Problem("", f"{source}: not valid YAML ({err})")]) from None
    if not isinstance(data, dict):
        raise ScenarioError([Problem("", f"{source}: a workload must be a mapping")])
    if data.get("pattern") != "trace":
        raise ScenarioError([Problem("pattern", "a recorded program has pattern: trace")])
    from pydantic import ValidationError

    try:
        spec = Workload.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(problems_from(err)) from None
    problems = [Problem(p.path.removeprefix("."), p.message) for p in _trace_problems(spec, "")]
    if problems:
        raise ScenarioError(problems)
    return spec


# The arms of "Your program" (the dashboard): the recorded program three ways, as --mode does.
ARMS = {"session": "session", "batch": "batch", "plain jobs": "job"}


def variants(
    scenario: Scenario,
    spec: Workload,
    backend: str | None = None,
    user: str | None = None,
    start: float | None = None,
) -> dict[str, Scenario]:
    """The trace placed on ``backend`` of ``scenario`` as a session, a batch and plain jobs
    (same seed: the other workloads draw the same, R33). Keys are the arms' labels."""
    return {label: place(scenario, trace_as(spec, mode), backend, user, start)
            for label, mode in ARMS.items()}  # fmt: skip
