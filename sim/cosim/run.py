"""The co-simulation driver: one run of a user's unmodified qiskit-ibm-runtime script against
one scenario.

The script runs in this process with ``qiskit_ibm_runtime`` replaced, for the duration of
the run, by the module of :mod:`sim.cosim.shim`, whose objects talk to the simulation through
:class:`sim.kernel.stepper.Stepper` and call back into :class:`Cosim`:

- every call into that module first lets the script's own time since its previous call pass
  in virtual time (:meth:`Cosim.call`; process CPU time by default, or wall-clock; times
  ``think_scale``): the classical think time of R30, measured instead of drawn;
- ``run()`` submits a job (:meth:`Cosim.submit`) at the current virtual time into the
  script's session, batch or none (``--mode`` maps them), with the quantum seconds of IBM's
  estimate for the job's circuits (:mod:`sim.cosim.circuits`, :mod:`sim.model.estimate`);
- ``job.result()`` advances virtual time until the job is final (:meth:`Cosim.wait`) — the
  scenario's other workloads run meanwhile;
- ``classical`` seconds (``--classical``, default 0) are added to the think time after each
  job's result: the classical step of a problem bigger than the script's own (the toy
  example's optimiser thinks for milliseconds), stated instead of measured.

The script's jobs form one workload named after the script; what it did is also kept as a
list of steps (:attr:`Cosim.steps`, :mod:`sim.cosim.steps`) that ``sim record`` writes as a
``trace`` workload.
"""

from __future__ import annotations

import contextlib
import math
import runpy
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..analysis.results import Result
from ..kernel.engine import Engine
from ..kernel.stepper import Stepper
from ..model.estimate import engine_quantum
from ..model.scenario import Scenario, Workload
from .circuits import DEFAULT_DEVICE, load_device
from .errors import CosimError, UnsupportedAPI
from .service import backend_object
from .sessions import SimSession
from .shim import import_real, shim_module, swapped_in
from .steps import Step

MODES = ("as-written", "session", "batch", "job")


def _check_options(
    mode: str, think: str, think_scale: float, classical: float, script: str | Path
) -> None:
    if mode not in MODES:
        raise CosimError(f"--mode: one of {', '.join(MODES)} (got {mode!r})")
    if think not in ("cpu", "wall"):
        raise CosimError(f"--think: cpu or wall (got {think!r})")
    if not (think_scale >= 0 and math.isfinite(think_scale)):
        raise CosimError(f"--think-scale: a number ≥ 0 (got {think_scale!r})")
    if not (classical >= 0 and math.isfinite(classical)):
        raise CosimError(f"--classical: a duration ≥ 0 (got {classical!r})")
    if not Path(script).is_file():
        raise CosimError(f"SCRIPT: no such file {str(script)!r}")


def _script_user(scenario: Scenario, user: str | None, backend: str | None) -> str:
    """The scenario user who runs the script: ``--user``, else the first user with a program
    of their own (not a background stream)."""
    names = [b.name for b in scenario.backends]
    if backend is not None and backend not in names:
        raise CosimError(f"--backend: unknown backend {backend!r}; one of: {', '.join(names)}")
    users = [u.name for u in scenario.users]
    if user is None:
        mine = [w for w in scenario.workloads if w.pattern != "stream"]
        user = mine[0].user if mine else users[0] if users else None
    if user not in users:
        raise CosimError(f"--user: unknown user {user!r}; one of: {', '.join(users)}")
    return user


def _without_user(scenario: Scenario, user: str) -> Scenario:
    """The scenario without ``user``'s own workloads (and their actions): the script *is*
    this user's program."""
    kept = [w for w in scenario.workloads if w.user != user]
    return scenario.model_copy(
        update={"workloads": kept, "actions": [a for a in scenario.actions
                                               if a.workload in {w.name for w in kept}]}
    )  # fmt: skip


class Cosim:
    """One run of one script against one scenario (see the module's docstring)."""

    def __init__(
        self,
        scenario: Scenario,
        script: str | Path,
        *,
        seed: int | None = None,
        backend: str | None = None,
        user: str | None = None,
        mode: str = "as-written",
        think: str = "cpu",
        think_scale: float = 1.0,
        device: str = DEFAULT_DEVICE,
        start: float | None = None,
        clock: Callable[[], float] | None = None,
        classical: float = 0.0,
    ):
        """``clock``: the think clock (seconds); None reads process CPU time (``think="cpu"``)
        or the wall clock (``"wall"``). Tests give one the script moves by hand.
        ``classical``: seconds of think time added after each job's result (the first time
        the script receives it)."""
        _check_options(mode, think, think_scale, classical, script)
        self.script = Path(script)
        self.user = user = _script_user(scenario, user, backend)
        self.name = self.script.stem
        replaced = [w for w in scenario.workloads if w.user == user]
        if start is None:
            start = replaced[0].start if replaced else 0.0
        if self.name in {w.name for w in scenario.workloads if w.user != user}:
            self.name = f"{self.name}-script"
        self.scenario = _without_user(scenario, user)
        self.seed = scenario.seed if seed is None else seed
        self.start = start
        self.backend_name = backend
        self.mode = mode
        if clock is None:
            clock = time.process_time if think == "cpu" else time.perf_counter
        self.clock = clock
        self.think_scale = think_scale
        self.classical = float(classical)
        self._owed = 0.0  # classical seconds of results received since the last call
        self._received: set[int] = set()
        self.device_name = device
        self.devices: dict[str, Any] = {}
        self.stepper: Stepper | None = None
        self.run_name: str | None = None  # the workload, once the script picks a backend
        self.run_backend: str | None = None
        self.handles: list = []  # the script's jobs, in submission order
        self.finals: dict[int, float] = {}  # job number → when it became final
        self.steps: list[Step] = []
        self.groups: list[SimSession] = []
        self._implicit = None  # --mode session/batch: the group plain jobs go into
        self._plain = None
        self._depth = 0
        self._mark = 0.0
        self._ref = 0.0  # virtual time of the last step
        self._waits: list[int] = []
        self.script_start = self.script_end = None
        self.think_total = 0.0

    # --- the think clock -----------------------------------------------------------------------

    @contextlib.contextmanager
    def call(self):
        """Around every call of the script into the module: the script's time since its
        previous call passes in virtual time first; the module's own time does not count."""
        self._depth += 1
        try:
            if self._depth == 1:
                self._let_think_pass()
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._mark = self.clock()

    def _let_think_pass(self) -> None:
        spent = max(0.0, self.clock() - self._mark) * self.think_scale + self._owed
        self._owed = 0.0
        self.think_total += spent
        if spent > 0:
            self.stepper.advance(spent)

    # --- the simulation side -------------------------------------------------------------------

    def device(self, backend: str):
        if backend not in self.devices:
            self.devices[backend] = load_device(self.device_name)
        return self.devices[backend]

    def resolve_backend(self, name: str | None) -> str:
        names = [b.name for b in self.scenario.backends]
        if self.backend_name is not None:
            return self.backend_name  # --backend: whatever the script asks for runs there
        if name is None:
            return names[0]
        if name not in names:
            raise CosimError(
                f"the script asked for backend {name!r}, which the scenario does not have "
                f"(its backends: {', '.join(names)}); pass --backend NAME to map it"
            )
        return name

    def workload(self, backend: str) -> str:
        """The script's workload, created when it first opens a session or submits."""
        if self.run_name is None:
            spec = Workload(name=self.name, user=self.user, backend=backend,
                            pattern="iterative", mode="job", quantum=0, close="never",
                            start=self.stepper.now)  # fmt: skip
            self.stepper.add_workload(spec)
            self.stepper.start(spec.name)
            self.run_name, self.run_backend = spec.name, backend
        elif backend != self.run_backend:
            raise UnsupportedAPI(
                "submitting to a second backend", f"this run's jobs go to {self.run_backend}"
            )
        return self.run_name

    def _step(self, step: Step) -> Step:
        ref = max([self._ref] + [self.finals[j] for j in self._waits if j in self.finals])
        step.think = self.stepper.now - ref
        step.waits = sorted(set(self._waits))
        self._waits = []
        self._ref = self.stepper.now
        self.steps.append(step)
        return step

    def open_group(self, backend: str, kind: str, max_time: float | None):
        mapped = kind if self.mode == "as-written" else self.mode
        name = self.workload(backend)
        group = self.stepper.open_group(name, mapped, max_time)
        self._step(Step("open", 0.0, group=len(self.groups) + 1, mode=kind, max_time=max_time))
        return group

    def submit(self, backend: str, group, quantum: float, index_of_group: int):
        name = self.workload(backend)
        if self.stepper.engine.stopped:
            raise CosimError(
                f"the scenario stopped (until) at {self.stepper.now:g} s before the script's "
                f"job {len(self.handles) + 1} could be submitted"
            )
        # ``quantum`` is IBM's estimate, its per-job overhead included; a profile whose
        # engine adds the overhead itself (R38) gets it without (sim.model.estimate).
        overhead = self.stepper.engine.knobs.job_overhead_seconds
        handle = self.stepper.submit(name, engine_quantum(quantum, overhead), group)
        k = len(self.handles) + 1
        self.handles.append(handle)
        env = self.stepper.env
        handle.final.callbacks.append(lambda _e, k=k: self.finals.__setitem__(k, env.now))
        self._step(Step("job", 0.0, group=index_of_group, quantum=quantum))
        return handle, k

    def wait(self, k: int) -> str:
        status = self.stepper.wait(self.handles[k - 1])
        self._waits.append(k)
        if k not in self._received:  # --classical: the script works on this result next
            self._received.add(k)
            self._owed += self.classical
        return status

    def plain_group(self, backend: str):
        """The group a job outside any Session/Batch goes into: plain jobs as written, or
        one session/batch for the whole script under --mode session|batch."""
        if self.mode in ("session", "batch"):
            if self._implicit is None:
                self._implicit = SimSession(self, backend_object(self, backend), None,
                                            self.mode, implicit=True)  # fmt: skip
            return self._implicit._group, self._implicit._index
        if self._plain is None:
            self._plain = self.stepper.open_group(self.workload(backend), "job")
        return self._plain, 0

    # --- running the script --------------------------------------------------------------------

    def run(self):
        """Run the script; returns the result tables of the whole scenario."""
        real = import_real()
        engine = Engine(self.scenario, self.seed)
        # The run lasts at least as long as the script: without this, a scenario whose only
        # workloads were the user's would be over at time 0 (nothing left to wait for).
        engine.hold()
        self.stepper = Stepper(engine)
        self.stepper.advance_to(self.start)
        with swapped_in(shim_module(self, real), self.script):
            self._run_script()
        self.script_end = self.stepper.now
        if not self.handles:
            raise CosimError(
                "the script submitted no job through qiskit_ibm_runtime (nothing to simulate)"
            )
        if self._implicit is not None:  # --mode session|batch: closed at the script's end
            self.stepper.close(self._implicit._group)
            self._step(Step("close", 0.0, group=self._implicit._index))
        self._step(Step("end", 0.0))
        self.stepper.done(self.run_name)
        engine.release()
        return Result.of(engine)

    def _run_script(self) -> None:
        """The script as ``__main__``; its own error becomes a :class:`CosimError` naming the
        line, after its traceback."""
        self.script_start = self.stepper.now
        self._ref = self.stepper.now
        self._mark = self.clock()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                try:
                    runpy.run_path(str(self.script), run_name="__main__")
                except SystemExit as exc:
                    if exc.code not in (None, 0):
                        raise CosimError(f"the script exited with status {exc.code}") from None
            with self.call():  # the script's time after its last call
                pass
        except CosimError:
            raise
        except Exception as err:  # the script's own error: its traceback, then our message
            import traceback

            traceback.print_exc(file=sys.stderr)
            where = _script_line(err, self.script)
            raise CosimError(f"the script raised {type(err).__name__}: {err}{where}") from None


def _script_line(err: BaseException, script: Path) -> str:
    tb = err.__traceback__
    line = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).resolve() == script.resolve():
            line = tb.tb_lineno
        tb = tb.tb_next
    return f" (line {line} of {script.name})" if line else ""
