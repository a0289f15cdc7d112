"""The simulated ``SamplerV2`` and ``EstimatorV2``: ``run()`` works out the job's quantum
seconds (IBM's estimate for its circuits on the fake device), computes the real result
locally (the client's local testing mode: Aer with the device's noise model), and submits
the job to the engine at the current virtual time."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..model.estimate import DEFAULT_PRECISION, DEFAULT_REP_DELAY, DEFAULT_SHOTS, quantum_seconds
from .api import Unsupported, api
from .circuits import job_executions
from .errors import UnsupportedAPI
from .jobs import SimJob
from .sessions import SimSession

if TYPE_CHECKING:
    from .run import Cosim


class Primitive(Unsupported):
    """What the two primitives share; :func:`primitive_classes` binds them to a run."""

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
        quantum = self._quantum(pubs, kwargs)
        k = len(cosim.handles) + 1
        result = self._local_result(pubs, k, kwargs)
        session = self._session
        if session is not None and not session._implicit:
            group, index = session._group, session._index
        else:
            group, index = cosim.plain_group(self._backend.name)
            if cosim._implicit is not None:
                session = cosim._implicit
        handle, k = cosim.submit(self._backend.name, group, quantum, index)
        return SimJob(cosim, k, handle, self._backend, result, quantum, session, self._kind)

    def _quantum(self, pubs: list, kwargs: dict) -> float:
        """IBM's estimate of the job's quantum seconds (sim.model.estimate), with the
        options the script set (shots, precision, rep_delay) or the device's defaults."""
        device = self._cosim.device(self._backend.name)
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
        return quantum_seconds(runs, rep_delay)

    def _local_result(self, pubs: list, k: int, kwargs: dict):
        """The real result of job ``k``, computed now on CPU time that is not the script's.
        Its seed comes from the run's seed and the job's number: --mode variants get the
        same numbers (R33)."""
        sim_opts = self._real.options.simulator
        seeded = _opt(lambda: sim_opts.seed_simulator) is None
        if seeded:
            sim_opts.seed_simulator = (self._cosim.seed * 1_000_003 + k) % (2**31)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return self._real.run(pubs, **kwargs).result()
        finally:
            if seeded:
                sim_opts.seed_simulator = _unset()


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


def primitive_classes(cosim: Cosim) -> tuple[type, type]:
    """``SamplerV2`` and ``EstimatorV2`` as the script imports them, bound to this run."""

    class SamplerV2(Primitive):
        _api_name = "SamplerV2"
        _kind = "sampler"
        _cosim = cosim

        @api
        def run(self, pubs, *, shots: int | None = None):
            return self._submit(pubs, **({"shots": shots} if shots is not None else {}))

    class EstimatorV2(Primitive):
        _api_name = "EstimatorV2"
        _kind = "estimator"
        _cosim = cosim

        @api
        def run(self, pubs, *, precision: float | None = None):
            kw = {"precision": precision} if precision is not None else {}
            return self._submit(pubs, **kw)

    return SamplerV2, EstimatorV2
