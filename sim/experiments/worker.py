"""Runs in a bounded child process: what the dashboard uses so that no scenario can take the
server down with it.

Validation (:func:`sim.model.scenario.check_size`) refuses the obviously absurd before anything
runs, but an estimate is only an estimate. Each dashboard run, and each replication of a
dashboard sweep, therefore runs in a child process that

- may grow its address space by at most ``memory_mb`` (``RLIMIT_AS``, set in the child over
  what it holds when it starts: numpy and pandas alone map about 370 MB of address space
  that they never touch);
- may use at most ``seconds`` of CPU (``RLIMIT_CPU``, a backstop should the parent vanish)
  and of wall-clock time (the parent's own deadline);
- is killed when the caller gives up: the parent waits in short slices and calls ``cancel``
  between them (the dashboard passes Streamlit's stop/rerun check, so Stop or a closed tab
  ends the child), and a ``finally`` kills it whatever happened.

A run over budget raises :class:`RunBudgetError`, a :class:`~sim.model.scenario.ScenarioError`
whose problem names the limit it hit and the field that makes the scenario big, so every
place that shows a scenario's problems shows it too.

Children come from a ``forkserver`` with ``sim`` preloaded: a fork of a small process that
has already imported numpy, pandas and SimPy starts in tens of milliseconds, and never
inherits the server's threads (a plain ``fork`` of a threaded server can deadlock).

Limits come from the environment (:meth:`Limits.from_env`): ``QSCHED_RUN_MEMORY_MB``
(default 2048) and ``QSCHED_RUN_SECONDS`` (default 120). The command line keeps running
in-process: its user owns the machine.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from typing import Any

from ..model.scenario import (
    EVENTS_PER_CAPPED_JOB,
    PICK_STEPS_PER_CAPPED_JOB,
    Problem,
    Scenario,
    ScenarioError,
    estimated_calibrations,
)

MEMORY_ENV = "QSCHED_RUN_MEMORY_MB"
SECONDS_ENV = "QSCHED_RUN_SECONDS"
DEFAULT_MEMORY_MB = 2048
DEFAULT_SECONDS = 120.0
SLICE = 0.05  # seconds between two looks at the child and at ``cancel``
MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one run may use: ``memory_mb`` of address space beyond the child's start, and
    ``seconds`` of wall-clock (and CPU) time."""

    memory_mb: float = DEFAULT_MEMORY_MB
    seconds: float = DEFAULT_SECONDS

    @classmethod
    def from_env(cls) -> Limits:
        """The limits the environment sets (``QSCHED_RUN_MEMORY_MB``, ``QSCHED_RUN_SECONDS``);
        a missing, unreadable or non-positive value keeps the default."""
        return cls(_env(MEMORY_ENV, DEFAULT_MEMORY_MB), _env(SECONDS_ENV, DEFAULT_SECONDS))


def _env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 and value != float("inf") else default


class RunBudgetError(ScenarioError):
    """A run stopped at its limit; ``limit`` is "memory" or "time"."""

    def __init__(self, limit: str, problems: list[Problem]):
        self.limit = limit
        super().__init__(problems)


# --- what makes a scenario big ----------------------------------------------------------------


def contributors(scenario: Scenario) -> list[tuple[float, str, str]]:
    """(cost in events, field, what) for each part of ``scenario`` that costs work, biggest
    first: each workload's jobs (about four events each), each calibration's occurrences (two
    events each), and the fair-share steps of the busiest backend (ten steps cost about an
    event: the ratio of the caps in :func:`sim.model.scenario.size_problems`)."""
    out = []
    estimate = scenario.estimated_jobs()
    for i, w in enumerate(scenario.workloads):
        field = "jobs" if w.pattern != "stream" or w.jobs is not None else "rate"
        if w.pattern == "trace":
            field = "trace"
        jobs = estimate[w.name]
        out.append((4 * jobs, f"workloads[{i}].{field}",
                    f"workload “{w.name}”, about {jobs:,.0f} jobs"))  # fmt: skip
    for (b, c), count in estimated_calibrations(scenario).items():
        out.append((2 * count, f"backends[{b}].calibrations[{c}].every",
                    f"a calibration of {scenario.backends[b].name} that repeats about "
                    f"{count:,.0f} times"))  # fmt: skip
    users = {u.name: u.instance for u in scenario.users}
    jobs_on: dict[str, float] = {}
    instances_on: dict[str, set[str]] = {}
    for w in scenario.workloads:
        jobs_on[w.backend] = jobs_on.get(w.backend, 0.0) + estimate[w.name]
        instances_on.setdefault(w.backend, set()).add(users.get(w.user, ""))
    per_event = PICK_STEPS_PER_CAPPED_JOB / EVENTS_PER_CAPPED_JOB
    for b, jobs in jobs_on.items():
        n = len(instances_on[b])
        if n > 1:
            what = f"{n:,} instances competing for {b} with about {jobs:,.0f} jobs"
            out.append((jobs * n / per_event, "instances", what))
    return sorted(out, key=lambda item: -item[0])


def _budget_error(limit: str, scenario: Scenario | None, limits: Limits) -> RunBudgetError:
    if limit == "memory":
        what = (f"the run needed more than its memory limit of {limits.memory_mb:,.0f} MB "
                f"(set by {MEMORY_ENV}) and was stopped")  # fmt: skip
    else:
        what = (f"the run took longer than its time limit of {limits.seconds:,g} s "
                f"(set by {SECONDS_ENV}) and was stopped")  # fmt: skip
    biggest = contributors(scenario) if scenario is not None else []
    if not biggest:
        return RunBudgetError(limit, [Problem("", what)])
    _, field, detail = biggest[0]
    fix = ("make it smaller or shorter (until), or run it from the command line "
           "(python -m sim run), which has no such limit")  # fmt: skip
    return RunBudgetError(limit, [Problem(field, f"{what}; what makes it big: {detail}; {fix}")])


# --- the child ----------------------------------------------------------------------------------


def _address_space() -> int:
    """Bytes of address space this process has mapped (VmSize)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit_self(limits: Limits) -> None:
    try:
        base = _address_space()
    except OSError:  # no /proc: bound the whole address space
        base = 0
    cap = base + int(limits.memory_mb * MB)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = max(1, int(limits.seconds + 0.999))
    # SIGXCPU at the soft limit, SIGKILL a little later should it be caught.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:  # die with the forkserver (and so with the server) on Linux
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(conn: Any, limits: Limits, fn: Callable, args: tuple) -> None:
    """Run ``fn(*args)`` under ``limits`` and send back ("ok", value), ("memory", None) or
    ("error", exception)."""
    try:
        _limit_self(limits)
        message: tuple[str, Any] = ("ok", fn(*args))
        conn.send(message)
        return
    except MemoryError:
        message = ("memory", None)
    except BaseException as err:  # noqa: BLE001 — handed to the parent
        message = ("error", err)
    try:
        conn.send(message)
    except MemoryError:
        conn.send(("memory", None))
    except Exception as err:  # noqa: BLE001 — an exception that does not pickle
        conn.send(("error", RuntimeError(f"{type(message[1]).__name__}: {message[1]}; {err}")))


_MEMORY_SIGNALS = {-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS}
_context: Any = None


def _mp() -> Any:
    global _context
    if _context is None:
        ctx = multiprocessing.get_context("forkserver")
        # sim.experiments.runs too: it imports SciPy, seconds that every sweep run would pay; and
        # sim.experiments._warmup: one small run, so that children start with pandas and pydantic
        # warm.
        # Not "__main__" (the default): see _no_main_in_children.
        ctx.set_forkserver_preload(["sim", "sim.experiments.runs", "sim.experiments._warmup"])
        _context = ctx
    return _context


def _no_main_in_children() -> None:
    """Children run functions of ``sim`` and need nothing of the main module; but
    multiprocessing re-imports a main module that has a file and no ``__spec__`` (a script;
    Streamlit's page module, which it installs as ``__main__`` on every script run) in each
    child: for the dashboard, Streamlit and the whole app, two seconds per run. Naming it
    "__main__" is what multiprocessing skips (``spawn._fixup_main_from_name``)."""
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None and hasattr(main, "__file__"):
        main.__spec__ = ModuleSpec("__main__", None)


def call(
    fn: Callable,
    *args: Any,
    limits: Limits | None = None,
    scenario: Scenario | None = None,
    cancel: Callable[[], None] | None = None,
) -> Any:
    """``fn(*args)`` in a bounded child process (``fn`` and its arguments must pickle).

    Raises :class:`RunBudgetError` when the child hits a limit (naming what in ``scenario``
    makes it big), re-raises what ``fn`` raised, and lets ``cancel()`` (called between short
    waits) raise to give up. The child is gone when this returns or raises.
    """
    limits = limits or Limits.from_env()
    _no_main_in_children()
    ctx = _mp()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, limits, fn, args), daemon=True)
    deadline = time.monotonic() + limits.seconds
    process.start()
    send.close()  # the child holds the other copy: EOF here once it is gone
    try:
        # Never wait past the deadline: an answer after it is over the limit too.
        while not receive.poll(max(0.0, min(SLICE, deadline - time.monotonic()))):
            if cancel is not None:
                cancel()
            if time.monotonic() >= deadline:
                raise _budget_error("time", scenario, limits)
        try:
            status, value = receive.recv()
        except EOFError:  # the child died without a word: a signal
            process.join(1.0)
            if process.exitcode == -signal.SIGXCPU:  # the CPU limit's signal
                raise _budget_error("time", scenario, limits) from None
            if process.exitcode in _MEMORY_SIGNALS:
                # Killed otherwise (the kernel's OOM killer, an abort or a fault on a failed
                # allocation in C code): under an address-space limit, the memory ran out.
                raise _budget_error("memory", scenario, limits) from None
            raise RuntimeError(f"the run's process ended unexpectedly "
                               f"(exit code {process.exitcode})") from None  # fmt: skip
        except MemoryError:  # the parent itself could not take the result in
            raise _budget_error("memory", scenario, limits) from None
        if status == "memory":
            raise _budget_error("memory", scenario, limits)
        if status == "error":
            raise value
        return value
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()
        process.close()


# --- what the dashboard runs ---------------------------------------------------------------------


def _run_json(scenario_json: str, seed: int | None, max_jobs: int) -> Any:
    from .single import run

    result = run(Scenario.model_validate_json(scenario_json), seed=seed, max_jobs=max_jobs)
    # Build the derived tables here, inside the limits, so that the parent only unpickles them.
    result.jobs, result.sessions, result.timeline  # noqa: B018
    return result


def run(
    scenario: Scenario,
    seed: int | None = None,
    *,
    limits: Limits | None = None,
    cancel: Callable[[], None] | None = None,
    max_jobs: int | None = None,
) -> Any:
    """:func:`sim.run` in a bounded child: the same tables (jobs, sessions and timeline built
    already), or :class:`RunBudgetError`, or :class:`ScenarioError` from validation."""
    from ..model.scenario import DEFAULT_MAX_JOBS

    cap = DEFAULT_MAX_JOBS if max_jobs is None else max_jobs
    return call(_run_json, scenario.model_dump_json(), seed, cap, limits=limits,
                scenario=scenario, cancel=cancel)  # fmt: skip


class Bounded(Executor):
    """An executor for :func:`sim.experiments.runs.run_tasks` that runs each task, when it is
    submitted, in a bounded child (one at a time, like its in-process executor). A task's
    arguments name its scenario, so an over-budget replication names what makes it big."""

    def __init__(self, limits: Limits | None = None, cancel: Callable[[], None] | None = None):
        self.limits = limits
        self.cancel = cancel

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001
        future: Future = Future()
        try:
            scenario = _scenario_of(args)
            value = call(_apply, fn, args, kwargs, limits=self.limits, scenario=scenario,
                         cancel=self.cancel)  # fmt: skip
            future.set_result(value)
        except Exception as err:  # noqa: BLE001 — handed to the caller through the future
            future.set_exception(err)
        return future


def _apply(fn: Callable, args: tuple, kwargs: dict) -> Any:
    return fn(*args, **kwargs)


def _scenario_of(args: tuple) -> Scenario | None:
    for arg in args:
        text = getattr(arg, "scenario_json", None)
        if isinstance(text, str):
            return Scenario.model_validate_json(text)
    return None


def run_task(task: Any, measure: Callable, *, limits: Limits | None = None,
             cancel: Callable[[], None] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """:func:`sim.experiments.runs.run_task` in a bounded child."""
    from .runs import run_task as in_process

    scenario = Scenario.model_validate_json(task.scenario_json)
    return call(in_process, task, measure, limits=limits, scenario=scenario, cancel=cancel)
