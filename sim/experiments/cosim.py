"""Co-simulation: a user's unmodified qiskit-ibm-runtime script against the simulated queue.

``python -m sim cosim SCRIPT.py --scenario S`` runs the script in this process with the
``qiskit_ibm_runtime`` package it imports replaced, for the duration of the run, by a module
of the same name (:func:`_shim_module`) whose service, backends, ``Session``/``Batch`` and
``SamplerV2``/``EstimatorV2`` talk to the simulation through :class:`sim.kernel.stepper.Stepper`:

- every call into that module first lets the script's own time since its previous call pass
  in virtual time (process CPU time by default, or wall-clock; times ``think_scale``): the
  classical think time of R30, measured instead of drawn;
- ``run()`` submits a job at the current virtual time into the script's session, batch or
  none (``--mode`` maps them), with the quantum seconds of IBM's estimate
  (:mod:`sim.model.estimate`) for the job's circuits transpiled against the backend's fake
  device; the job's real result is computed right away, locally (local testing mode: Aer
  with the device's noise model), on CPU time that is not the script's;
- ``job.result()`` advances virtual time until the job is final — the scenario's other
  workloads run meanwhile — and returns that result, so the script's optimizer sees real
  numbers and behaves as it would;
- ``job.status()``, ``job.metrics()``, ``session.details()`` answer from the simulation.

Anything the module does not simulate raises :class:`UnsupportedAPI` naming it. The script's
jobs form one workload named after the script; what it did is also kept as a list of steps
(:attr:`Cosim.steps`) that ``sim record`` writes as a ``trace`` workload.
"""

from __future__ import annotations

import contextlib
import functools
import math
import runpy
import sys
import time
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..analysis.results import Result
from ..kernel.engine import Engine
from ..kernel.stepper import Stepper
from ..model.estimate import (
    DEFAULT_PRECISION,
    DEFAULT_REP_DELAY,
    DEFAULT_SHOTS,
    engine_quantum,
    precision_shots,
    quantum_seconds,
)
from ..model.scenario import Scenario, Workload

MODES = ("as-written", "session", "batch", "job")
# Submodules that talk to the service in ways not simulated (the executor-based primitives,
# the noise learners, calibration jobs): importing anything from them names what is missing.
_BLOCKED = (
    "executor", "executor_sampler", "executor_estimator", "executor_noise_learner",
    "noise_learner", "noise_learner_v3", "quantum_program", "calibrator",
)  # fmt: skip
DEFAULT_DEVICE = "fake_manila"  # 5 qubits: Aer answers in a fraction of a second
# Virtual time 0 as a date, for the timestamps jobs and sessions report (metrics()).
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class CosimError(Exception):
    """The co-simulation cannot go on; the message says why (the CLI exits 2)."""


class UnsupportedAPI(CosimError):
    """The script used a part of qiskit-ibm-runtime that the simulator does not provide."""

    def __init__(self, api: str, hint: str = ""):
        self.api = api
        super().__init__(
            f"{api} is not simulated by qsched's co-simulation" + (f" ({hint})" if hint else "")
        )


# Names of the real package the script may use as they are: options, errors, fake devices.
_PASSTHROUGH = (
    "EstimatorOptions", "SamplerOptions", "Options", "OptionsV2", "RuntimeOptions",
    "IBMError", "IBMInputValueError", "IBMRuntimeError", "RuntimeJobFailureError",
    "RuntimeInvalidStateError", "RuntimeJobTimeoutError", "RuntimeJobMaxTimeoutError",
    "IBMBackendError", "IBMBackendValueError", "JobError", "JobTimeoutError", "QiskitError",
    "fake_provider", "options", "exceptions", "__version__", "version",
)  # fmt: skip


def _iso(t: float | None) -> str | None:
    if t is None or (isinstance(t, float) and math.isnan(t)):
        return None
    return (EPOCH + timedelta(seconds=float(t))).isoformat().replace("+00:00", "Z")


def load_device(name: str):
    """A fake device of ``qiskit_ibm_runtime.fake_provider`` by name (``fake_fez``)."""
    from qiskit_ibm_runtime.fake_provider import FakeProviderForBackendV2

    with warnings.catch_warnings():  # the provider warns about some devices it loads
        warnings.simplefilter("ignore")
        provider = FakeProviderForBackendV2()
    try:
        return provider.backend(name)
    except Exception:  # noqa: BLE001 - the provider's own error text varies between versions
        names = ", ".join(b.name for b in provider.backends())
        raise CosimError(f"--device: unknown fake device {name!r}; one of: {names}") from None


# --- the quantum seconds of one job (IBM's estimate, sim.model.estimate) --------------------------


def _duration(circuit, target) -> float:
    try:
        return float(circuit.estimate_duration(target, unit="s"))
    except Exception as err:  # noqa: BLE001 - qiskit raises several kinds here
        raise CosimError(
            f"cannot time circuit {circuit.name!r} on the device ({err}); transpile it for the "
            "backend first (generate_preset_pass_manager(backend=...)), as IBM's primitives "
            "require ISA circuits"
        ) from None


def _bases(observables) -> int:
    """Measurement bases an Estimator PUB needs: groups of its Pauli terms that commute
    qubit by qubit (one circuit each)."""
    from qiskit.quantum_info import SparsePauliOp

    paulis = sorted({p for obs in _flat(observables.tolist()) for p in obs})
    if not paulis:
        return 1
    return len(SparsePauliOp(paulis).group_commuting(qubit_wise=True))


def _flat(x):
    if isinstance(x, list):
        for y in x:
            yield from _flat(y)
    else:
        yield x


def job_executions(kind: str, pubs, target, shots=None, precision=None) -> list[tuple[float, int]]:
    """(circuit duration, executions) per PUB, as :func:`sim.model.estimate.quantum_seconds` takes
    them: a Sampler runs each binding ``shots`` times; an Estimator runs each binding once per
    measurement basis, ⌈1/precision²⌉ shots each."""
    from qiskit.primitives.containers.estimator_pub import EstimatorPub
    from qiskit.primitives.containers.sampler_pub import SamplerPub

    out = []
    for pub_like in pubs:
        if kind == "sampler":
            pub = SamplerPub.coerce(pub_like, shots)
            n = (pub.shots or DEFAULT_SHOTS) * max(1, pub.parameter_values.size)
        else:
            pub = EstimatorPub.coerce(pub_like, precision)
            per = precision_shots(pub.precision or precision or DEFAULT_PRECISION)
            n = per * max(1, pub.parameter_values.size) * _bases(pub.observables)
        out.append((_duration(pub.circuit, target), n))
    return out


# --- what the script did, step by step (for `sim record`) -------------------------------------


@dataclass
class Step:
    """One call of the script that the queue sees: a session/batch opened or closed, a job
    submitted. It happened ``think`` seconds after the later of the previous step and the
    results of the jobs in ``waits`` (the results the script received since that step)."""

    kind: str  # open | job | close | cancel
    think: float
    waits: list[int] = field(default_factory=list)
    group: int = 0  # 0: no session or batch
    mode: str = ""  # open: session | batch
    max_time: float | None = None
    quantum: float = 0.0  # job


# --- the co-simulation ------------------------------------------------------------------------


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
    ):
        """``clock``: the think clock (seconds); None reads process CPU time (``think="cpu"``)
        or the wall clock (``"wall"``). Tests give one the script moves by hand."""
        if mode not in MODES:
            raise CosimError(f"--mode: one of {', '.join(MODES)} (got {mode!r})")
        if think not in ("cpu", "wall"):
            raise CosimError(f"--think: cpu or wall (got {think!r})")
        if not (think_scale >= 0 and math.isfinite(think_scale)):
            raise CosimError(f"--think-scale: a number ≥ 0 (got {think_scale!r})")
        self.script = Path(script)
        if not self.script.is_file():
            raise CosimError(f"SCRIPT: no such file {str(script)!r}")
        names = [b.name for b in scenario.backends]
        if backend is not None and backend not in names:
            raise CosimError(f"--backend: unknown backend {backend!r}; one of: {', '.join(names)}")
        users = [u.name for u in scenario.users]
        if user is None:
            # The scenario's first user with a program of their own (not a background stream).
            mine = [w for w in scenario.workloads if w.pattern != "stream"]
            user = mine[0].user if mine else users[0] if users else None
        if user not in users:
            raise CosimError(f"--user: unknown user {user!r}; one of: {', '.join(users)}")
        self.user = user
        self.name = self.script.stem
        # The script *is* this user's program: the user's own workloads leave the scenario.
        replaced = [w for w in scenario.workloads if w.user == user]
        if start is None:
            start = replaced[0].start if replaced else 0.0
        if self.name in {w.name for w in scenario.workloads if w.user != user}:
            self.name = f"{self.name}-script"
        kept = [w for w in scenario.workloads if w.user != user]
        self.scenario = scenario.model_copy(
            update={"workloads": kept, "actions": [a for a in scenario.actions
                                                   if a.workload in {w.name for w in kept}]}
        )  # fmt: skip
        self.seed = scenario.seed if seed is None else seed
        self.start = start
        self.backend_name = backend
        self.mode = mode
        if clock is None:
            clock = time.process_time if think == "cpu" else time.perf_counter
        self.clock = clock
        self.think_scale = think_scale
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
        spent = max(0.0, self.clock() - self._mark) * self.think_scale
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
        return status

    def plain_group(self, backend: str):
        """The group a job outside any Session/Batch goes into: plain jobs as written, or
        one session/batch for the whole script under --mode session|batch."""
        if self.mode in ("session", "batch"):
            if self._implicit is None:
                self._implicit = SimSession(self, SimBackend.of(self, backend), None, self.mode,
                                            implicit=True)  # fmt: skip
            return self._implicit._group, self._implicit._index
        if self._plain is None:
            self._plain = self.stepper.open_group(self.workload(backend), "job")
        return self._plain, 0

    # --- running the script --------------------------------------------------------------------

    def run(self):
        """Run the script; returns the result tables of the whole scenario."""
        real = _import_real()
        engine = Engine(self.scenario, self.seed)
        # The run lasts at least as long as the script: without this, a scenario whose only
        # workloads were the user's would be over at time 0 (nothing left to wait for).
        engine.hold()
        self.stepper = Stepper(engine)
        self.stepper.advance_to(self.start)
        shim = _shim_module(self, real)
        blocked = {f"qiskit_ibm_runtime.{m}": _blocked_module(m) for m in _BLOCKED}
        saved = {k: sys.modules.get(k) for k in ("qiskit_ibm_runtime", *blocked)}
        sys.modules.update(blocked)
        argv, path0 = sys.argv, list(sys.path)
        sys.modules["qiskit_ibm_runtime"] = shim
        sys.argv = [str(self.script)]
        sys.path.insert(0, str(self.script.resolve().parent))
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
        finally:
            sys.argv = argv
            sys.path[:] = path0
            for k, v in saved.items():
                if v is None:
                    sys.modules.pop(k, None)
                else:
                    sys.modules[k] = v
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


def _script_line(err: BaseException, script: Path) -> str:
    tb = err.__traceback__
    line = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).resolve() == script.resolve():
            line = tb.tb_lineno
        tb = tb.tb_next
    return f" (line {line} of {script.name})" if line else ""


def _import_real():
    try:
        import qiskit_ibm_runtime
        import qiskit_ibm_runtime.fake_provider  # noqa: F401 - imported before the swap
    except ImportError as err:
        raise CosimError(
            f"co-simulation needs the qiskit extra: pip install 'qsched[qiskit]' ({err})"
        ) from None
    if isinstance(qiskit_ibm_runtime, _Shim):
        raise CosimError("a co-simulation is already running in this process")
    return qiskit_ibm_runtime


# --- the simulated qiskit_ibm_runtime -----------------------------------------------------------


def _api(method: Callable) -> Callable:
    """A method the script calls: its think time passes first (Cosim.call)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._cosim.call():
            return method(self, *args, **kwargs)

    return wrapper


class _Unsupported:
    """Any attribute not defined here is an API we do not simulate: say which."""

    _api_name = "object"

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedAPI(f"{self._api_name}.{name}")


class SimBackend:
    """Made at import of the module (see _shim_module): a ``BackendV2`` whose target is the
    fake device's, whose name is the scenario backend's, and whose status is the queue's."""

    @staticmethod
    def of(cosim: Cosim, name: str):
        return cosim.backend_objects[name]


class SimJob(_Unsupported):
    _api_name = "RuntimeJobV2"

    def __init__(self, cosim: Cosim, k: int, handle, backend, result, quantum, session, kind):
        self._cosim = cosim
        self._k = k
        self._handle = handle
        self._backend = backend
        self._result = result
        self._quantum = quantum
        self._session = session
        self._kind = kind

    def job_id(self) -> str:
        return self._handle.id

    @property
    def session_id(self) -> str | None:
        return self._session.session_id if self._session is not None else None

    @property
    def primitive_id(self) -> str:
        return self._kind

    @property
    def usage_estimation(self) -> dict:
        return {"quantum_seconds": self._quantum}

    @property
    def creation_date(self):
        return EPOCH + timedelta(seconds=self._times()[0])

    def backend(self, timeout: float | None = None):
        return self._backend

    @_api
    def status(self) -> str:
        return self._handle.status

    def done(self) -> bool:
        return self.status() == "DONE"

    def errored(self) -> bool:
        return self.status() == "ERROR"

    def running(self) -> bool:
        return self.status() == "RUNNING"

    def in_final_state(self) -> bool:
        return self.status() in ("DONE", "ERROR", "CANCELLED")

    @_api
    def result(self, timeout: float | None = None, decoder: Any = None):
        status = self._cosim.wait(self._k)
        if status == "DONE":
            return self._result
        from qiskit_ibm_runtime.exceptions import RuntimeJobFailureError

        reason = self._reason()
        if status == "QUEUED":
            raise RuntimeJobFailureError(
                f"Job {self.job_id()} never ran: the simulated scenario ended first"
            )
        raise RuntimeJobFailureError(f"Unable to retrieve job result. {status}: {reason}")

    def wait_for_final_state(self, timeout: float | None = None) -> None:
        with self._cosim.call():
            self._cosim.wait(self._k)

    @_api
    def cancel(self) -> None:
        self._cosim.stepper.cancel_job(self._handle)

    def _times(self) -> tuple:
        """(submitted, started, finished, reason) from the event log."""
        log = self._cosim.stepper.engine.log.values
        jid = self._handle.id
        sub = start = end = None
        reason = ""
        for i in range(0, len(log), 7):
            if log[i + 3] == jid:
                ev = log[i + 2]
                if ev == "submit":
                    sub = log[i]
                elif ev == "start":
                    start = log[i]
                elif ev in ("done", "error", "cancelled"):
                    end, reason = log[i], log[i + 6]
        return sub, start, end, reason

    def _reason(self) -> str:
        return self._times()[3]

    @_api
    def metrics(self) -> dict:
        sub, start, end, _ = self._times()
        ran = start is not None and end is not None
        return {
            "timestamps": {"created": _iso(sub), "running": _iso(start), "finished": _iso(end)},
            "usage": {
                "quantum_seconds": (end - start) if ran else 0,
                "seconds": (end - start) if ran else 0,
            },
            "estimated_quantum_seconds": self._quantum,
        }

    @_api
    def usage(self, partial: bool = False) -> float:
        return self.metrics()["usage"]["quantum_seconds"]

    def __repr__(self) -> str:
        return f"<SimJob('{self.job_id()}', '{self.primitive_id}')>"


class SimSession(_Unsupported):
    """``Session`` (and, with ``kind="batch"``, ``Batch``): a context manager whose
    ``__exit__`` closes it, as the real client's does (R17)."""

    _api_name = "Session"

    def __init__(self, cosim, backend, max_time, kind, implicit=False):
        self._cosim = cosim
        self._backend = backend
        self._kind = kind
        self._max_time = _seconds(max_time, "max_time")
        self._closed = False
        self._group = cosim.open_group(backend.name, kind, self._max_time)
        cosim.groups.append(self)
        self._index = len(cosim.groups)
        self._implicit = implicit

    @property
    def session_id(self) -> str | None:
        return self._group.id

    @property
    def service(self):
        return self._cosim.service

    def backend(self) -> str:
        return self._backend.name

    @_api
    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._cosim.stepper.close(self._group)
            self._cosim._step(Step("close", 0.0, group=self._index))

    @_api
    def cancel(self) -> None:
        self._closed = True
        self._cosim.stepper.cancel(self._cosim.run_name, self._group)
        self._cosim._step(Step("cancel", 0.0, group=self._index))

    @_api
    def details(self) -> dict:
        st = self._cosim.stepper.session_state(self._group)
        return {
            "id": self.session_id,
            "backend_name": self._backend.name,
            "interactive_timeout": st.get("interactive_timeout"),
            "max_time": st.get("max_time"),
            "state": st["state"],
            "accepting_jobs": st.get("accepting_jobs", True),
            "activated_at": _iso(st.get("activated_at")),
            "mode": "dedicated" if st["mode"] == "session" else st["mode"],
            "usage_time": self._usage(),
        }

    def _usage(self) -> float:
        sid = self.session_id
        if sid is None:
            return 0.0
        log = self._cosim.stepper.engine.log.values
        return sum(float(log[i + 6]) for i in range(0, len(log), 7)
                   if log[i + 2] == "charge" and log[i + 4] == sid)  # fmt: skip

    @_api
    def usage(self) -> float:
        return self._usage()

    @_api
    def status(self) -> str:
        st = self._cosim.stepper.session_state(self._group)
        if st["state"] in ("open", "inactive", "none"):
            return "Pending"
        if st["state"] == "active":
            if st["accepting_jobs"]:
                return "In progress, accepting new jobs"
            return "In progress, not accepting new jobs"
        return "Closed"

    def __enter__(self):
        self._cosim.context.append(self)
        return self

    def __exit__(self, *exc) -> None:
        if self._cosim.context and self._cosim.context[-1] is self:
            self._cosim.context.pop()
        self.close()


def _seconds(value, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    from ..model.units import parse_duration

    try:
        return parse_duration(value)
    except Exception as err:  # noqa: BLE001
        raise CosimError(f"{field}: {err}") from None


class _Primitive(_Unsupported):
    _kind = ""

    def __init__(self, mode=None, options=None):
        cosim = self._cosim
        with cosim.call():
            if mode is None and cosim.context:
                mode = cosim.context[-1]
            if isinstance(mode, SimSession):
                self._session, backend = mode, mode._backend
            elif isinstance(mode, cosim.SimBackend):
                self._session, backend = None, mode
            elif mode is None:
                raise ValueError("A backend or session must be specified.")
            else:
                raise UnsupportedAPI(
                    f"{self._api_name}(mode={type(mode).__name__})",
                    "pass a backend from QiskitRuntimeService, a Session or a Batch",
                )
            self._mode = mode
            self._backend = backend
            device = cosim.device(backend.name)
            real = getattr(cosim.real, self._api_name)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._real = real(mode=device, options=options)

    @property
    def mode(self):
        return self._mode

    @property
    def options(self):
        return self._real.options

    def backend(self):
        return self._backend

    def _submit(self, pubs, **kwargs):
        cosim = self._cosim
        pubs = list(pubs)
        device = cosim.device(self._backend.name)
        opts = self._real.options
        rep_delay = _opt(lambda: opts.execution.rep_delay)
        if rep_delay is None:
            rep_delay = getattr(device.configuration(), "default_rep_delay", DEFAULT_REP_DELAY)
        if self._kind == "sampler":
            shots = kwargs.get("shots") or _opt(lambda: opts.default_shots) or DEFAULT_SHOTS
            runs = job_executions("sampler", pubs, device.target, shots=shots)
        else:
            precision = kwargs.get("precision") or _opt(lambda: opts.default_precision)
            dshots = _opt(lambda: opts.default_shots)
            if precision is None and dshots:
                precision = 1 / math.sqrt(dshots)
            runs = job_executions("estimator", pubs, device.target,
                                  precision=precision or DEFAULT_PRECISION)  # fmt: skip
        quantum = quantum_seconds(runs, rep_delay)
        k = len(cosim.handles) + 1
        # The real result, computed now on CPU time that is not the script's. Its seed comes
        # from the run's seed and the job's number: --mode variants get the same numbers (R33).
        sim_opts = opts.simulator
        seeded = _opt(lambda: sim_opts.seed_simulator) is None
        if seeded:
            sim_opts.seed_simulator = (cosim.seed * 1_000_003 + k) % (2**31)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = self._real.run(pubs, **kwargs).result()
        finally:
            if seeded:
                sim_opts.seed_simulator = _unset()
        session = self._session
        if session is not None and not session._implicit:
            group, index = session._group, session._index
        else:
            group, index = cosim.plain_group(self._backend.name)
            if cosim._implicit is not None:
                session = cosim._implicit
        handle, k = cosim.submit(self._backend.name, group, quantum, index)
        return SimJob(cosim, k, handle, self._backend, result, quantum, session, self._kind)


def _unset():
    from qiskit_ibm_runtime.options.utils import Unset

    return Unset


def _opt(read: Callable):
    """An option's value, or None when unset."""
    from qiskit_ibm_runtime.options.utils import Unset

    try:
        value = read()
    except AttributeError:
        return None
    return None if value is Unset or value is None else value


class _Shim(types.ModuleType):
    pass


def _blocked_module(name: str) -> types.ModuleType:
    """``qiskit_ibm_runtime.NAME`` during a run: any name taken from it is not simulated."""
    mod = _Shim(f"qiskit_ibm_runtime.{name}")
    mod.__path__ = []  # a package: its own submodules are blocked the same way when imported

    def __getattr__(attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise UnsupportedAPI(f"qiskit_ibm_runtime.{name}.{attr}")

    mod.__getattr__ = __getattr__
    return mod


def _shim_module(cosim: Cosim, real) -> types.ModuleType:
    """The ``qiskit_ibm_runtime`` the script imports during the run."""
    from qiskit.providers import BackendV2

    cosim.real = real
    cosim.context = []

    class Backend(BackendV2):
        """A scenario backend as the script sees it: the fake device's target (for
        transpiling and circuit durations) under the scenario backend's name."""

        def __init__(self, name: str):
            super().__init__(name=name, description=f"qsched simulated backend {name}",
                             backend_version="sim")  # fmt: skip
            self._device = cosim.device(name)

        @property
        def target(self):
            return self._device.target

        @property
        def max_circuits(self):
            return None

        @classmethod
        def _default_options(cls):
            from qiskit.providers import Options

            return Options()

        def run(self, *args, **kwargs):
            raise UnsupportedAPI("backend.run()", "use SamplerV2 or EstimatorV2")

        def configuration(self):
            return self._device.configuration()

        def properties(self, refresh: bool = False, datetime=None):
            return self._device.properties()

        @property
        def pending_jobs(self) -> int:
            return cosim.stepper.queue_length(self.name)

        def status(self):
            # The fields of the client's BackendStatus that scripts read.
            return types.SimpleNamespace(backend_name=self.name, backend_version="sim",
                                         operational=True, pending_jobs=self.pending_jobs,
                                         status_msg="active")  # fmt: skip

        def __repr__(self) -> str:
            return f"<SimBackend('{self.name}')>"

    cosim.SimBackend = Backend
    cosim.backend_objects = {}

    def backend_object(name: str) -> Backend:
        if name not in cosim.backend_objects:
            cosim.backend_objects[name] = Backend(name)
        return cosim.backend_objects[name]

    class QiskitRuntimeService(_Unsupported):
        """The service: no account; the scenario's backends."""

        _api_name = "QiskitRuntimeService"

        def __init__(self, *args, **kwargs):
            cosim.service = self

        @_api
        def backend(self, name: str | None = None, instance: str | None = None, **kw):
            return backend_object(cosim.resolve_backend(name))

        @_api
        def backends(self, name: str | None = None, min_num_qubits: int | None = None, **kw):
            if cosim.backend_name is not None:
                names = [cosim.backend_name]
            else:
                names = [b.name for b in cosim.scenario.backends]
            if name is not None:
                names = [cosim.resolve_backend(name)]
            out = [backend_object(n) for n in names]
            if min_num_qubits is not None:
                out = [b for b in out if b.num_qubits >= min_num_qubits]
            return out

        @_api
        def least_busy(self, min_num_qubits: int | None = None, **kw):
            # The backend with the fewest queued jobs right now (the simulated queue).
            options = self.backends(min_num_qubits=min_num_qubits)
            if not options:
                raise CosimError("least_busy(): no backend of the scenario fits")
            return min(options, key=lambda b: cosim.stepper.queue_length(b.name))

        @_api
        def job(self, job_id: str):
            raise UnsupportedAPI("QiskitRuntimeService.job()")

        def __repr__(self) -> str:
            return "<QiskitRuntimeService (qsched simulation)>"

    class Session(SimSession):
        _api_name = "Session"

        def __init__(self, backend=None, max_time=None, *, create_new=True):
            with cosim.call():
                if not isinstance(backend, Backend):
                    raise UnsupportedAPI(f"Session(backend={type(backend).__name__})",
                                         "pass a backend from QiskitRuntimeService")  # fmt: skip
                SimSession.__init__(self, cosim, backend, max_time, "session")

        @classmethod
        def from_id(cls, *args, **kwargs):
            raise UnsupportedAPI("Session.from_id()")

    class Batch(SimSession):
        _api_name = "Batch"

        def __init__(self, backend=None, max_time=None, *, create_new=True):
            with cosim.call():
                if not isinstance(backend, Backend):
                    raise UnsupportedAPI(f"Batch(backend={type(backend).__name__})",
                                         "pass a backend from QiskitRuntimeService")  # fmt: skip
                SimSession.__init__(self, cosim, backend, max_time, "batch")

        @classmethod
        def from_id(cls, *args, **kwargs):
            raise UnsupportedAPI("Batch.from_id()")

    class SamplerV2(_Primitive):
        _api_name = "SamplerV2"
        _kind = "sampler"
        _cosim = cosim

        @_api
        def run(self, pubs, *, shots: int | None = None):
            return self._submit(pubs, **({"shots": shots} if shots is not None else {}))

    class EstimatorV2(_Primitive):
        _api_name = "EstimatorV2"
        _kind = "estimator"
        _cosim = cosim

        @_api
        def run(self, pubs, *, precision: float | None = None):
            kw = {"precision": precision} if precision is not None else {}
            return self._submit(pubs, **kw)

    for cls in (QiskitRuntimeService, Session, Batch):
        cls._cosim = cosim

    mod = _Shim("qiskit_ibm_runtime", "qsched's simulated qiskit_ibm_runtime (co-simulation)")
    mod.__path__ = real.__path__
    mod.__file__ = real.__file__
    provided = {
        "QiskitRuntimeService": QiskitRuntimeService,
        "Session": Session,
        "Batch": Batch,
        "SamplerV2": SamplerV2,
        "EstimatorV2": EstimatorV2,
        "Sampler": SamplerV2,  # in 0.51 the top-level names are still the V2 primitives
        "Estimator": EstimatorV2,
    }
    for k, v in provided.items():
        setattr(mod, k, v)
    for k in _PASSTHROUGH:
        if hasattr(real, k):
            setattr(mod, k, getattr(real, k))

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedAPI(f"qiskit_ibm_runtime.{name}")

    mod.__getattr__ = __getattr__
    return mod


# --- record -------------------------------------------------------------------------------------


def record(script: str | Path, *, device: str = DEFAULT_DEVICE, think: str = "cpu",
           think_scale: float = 1.0, seed: int = 0,
           clock: Callable[[], float] | None = None) -> Workload:  # fmt: skip
    """Run ``script`` once against an empty backend (no queue: local testing mode in virtual
    time) and return what it did as a ``trace`` workload (sim.kernel.trace)."""
    from ..kernel.trace import steps_from_cosim

    empty = Scenario.model_validate({
        "name": "record", "rules": "ibm-2024", "backends": [{"name": "qpu"}],
        "instances": [{"name": "you/you/you", "share": 1}],
        "users": [{"name": "you", "instance": "you/you/you"}],
        "workloads": [{"name": "-", "user": "you", "backend": "qpu", "pattern": "batch",
                       "jobs": 1, "quantum": 0, "start": "1000d"}],
    })  # fmt: skip
    # The placeholder workload above (the format needs one) is the user's: the script
    # replaces it, and the run is the script alone.
    c = Cosim(empty, script, seed=seed, backend="qpu", user="you", think=think,
              think_scale=think_scale, device=device, start=0.0, clock=clock)  # fmt: skip
    c.run()
    return Workload(name=c.name, user="you", backend="qpu", pattern="trace",
                    trace=steps_from_cosim(c.steps))  # fmt: skip


# --- the summary --------------------------------------------------------------------------------


def script_summary(result, workload: str) -> dict[str, float]:
    """What the script experienced, from the result tables (the event log's derivatives):
    its jobs' waits, their QPU time, the usage billed to its sessions, batches and jobs
    (R9, R24), the idle time its sessions held the backend, and the others' mean wait."""
    jobs, sessions, events = result.jobs, result.sessions, result.events
    mine = jobs[jobs["workload"] == workload]
    others = jobs[jobs["workload"] != workload]
    ran = mine.dropna(subset=["started", "finished"])
    my_sessions = sessions[sessions["workload"] == workload]
    sids = set(my_sessions["session_id"])
    jids = set(mine["job_id"])
    charges = events[events["event"] == "charge"]
    billed = charges[charges["session_id"].isin(sids) | charges["job_id"].isin(jids)]
    return {
        "jobs": float(len(mine)),
        "jobs_done": float((mine["status"] == "DONE").sum()),
        "wait_total": float(mine["wait"].sum()),
        "wait_mean": float(mine["wait"].mean()) if len(mine) else 0.0,
        "wait_max": float(mine["wait"].max()) if mine["wait"].notna().any() else 0.0,
        "qpu_seconds": float((ran["finished"] - ran["started"]).sum()),
        "usage_billed": float(billed["detail"].astype(float).sum()),
        "idle_held": float(my_sessions["idle_held_seconds"].sum()),
        "others_wait_mean": float(others["wait"].mean()) if others["wait"].notna().any()
        else 0.0,
    }  # fmt: skip
