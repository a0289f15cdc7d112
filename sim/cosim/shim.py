"""The module that stands in for ``qiskit_ibm_runtime`` while a script runs: the simulated
service, sessions and primitives under the client's names, the real package's options, errors
and fake devices passed through, and everything else (the executor-based primitives, noise
learners, calibration jobs) an :class:`UnsupportedAPI` naming what is missing."""

from __future__ import annotations

import contextlib
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CosimError, UnsupportedAPI
from .primitives import primitive_classes
from .service import backend_class, service_class
from .sessions import session_classes

if TYPE_CHECKING:
    from .run import Cosim

# Submodules that talk to the service in ways not simulated (the executor-based primitives,
# the noise learners, calibration jobs): importing anything from them names what is missing.
BLOCKED = (
    "executor", "executor_sampler", "executor_estimator", "executor_noise_learner",
    "noise_learner", "noise_learner_v3", "quantum_program", "calibrator",
)  # fmt: skip

# Names of the real package the script may use as they are: options, errors, fake devices.
PASSTHROUGH = (
    "EstimatorOptions", "SamplerOptions", "Options", "OptionsV2", "RuntimeOptions",
    "IBMError", "IBMInputValueError", "IBMRuntimeError", "RuntimeJobFailureError",
    "RuntimeInvalidStateError", "RuntimeJobTimeoutError", "RuntimeJobMaxTimeoutError",
    "IBMBackendError", "IBMBackendValueError", "JobError", "JobTimeoutError", "QiskitError",
    "fake_provider", "options", "exceptions", "__version__", "version",
)  # fmt: skip


class Shim(types.ModuleType):
    """A module of ours in ``sys.modules`` (so a second run in the process can tell)."""


def import_real():
    """The real ``qiskit_ibm_runtime`` (and its fake devices), imported before the swap."""
    try:
        import qiskit_ibm_runtime
        import qiskit_ibm_runtime.fake_provider  # noqa: F401 - imported before the swap
    except ImportError as err:
        raise CosimError(
            f"co-simulation needs the qiskit extra: pip install 'qsched[qiskit]' ({err})"
        ) from None
    if isinstance(qiskit_ibm_runtime, Shim):
        raise CosimError("a co-simulation is already running in this process")
    return qiskit_ibm_runtime


def blocked_module(name: str) -> types.ModuleType:
    """``qiskit_ibm_runtime.NAME`` during a run: any name taken from it is not simulated."""
    mod = Shim(f"qiskit_ibm_runtime.{name}")
    mod.__path__ = []  # a package: its own submodules are blocked the same way when imported

    def __getattr__(attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise UnsupportedAPI(f"qiskit_ibm_runtime.{name}.{attr}")

    mod.__getattr__ = __getattr__
    return mod


def shim_module(cosim: Cosim, real) -> types.ModuleType:
    """The ``qiskit_ibm_runtime`` the script imports during the run."""
    cosim.real = real
    cosim.context = []  # the Session/Batch `with` blocks the script is inside
    cosim.SimBackend = backend_class(cosim)
    cosim.backend_objects = {}
    session, batch = session_classes(cosim, cosim.SimBackend)
    sampler, estimator = primitive_classes(cosim)
    mod = Shim("qiskit_ibm_runtime", "qsched's simulated qiskit_ibm_runtime (co-simulation)")
    mod.__path__ = real.__path__
    mod.__file__ = real.__file__
    provided = {
        "QiskitRuntimeService": service_class(cosim),
        "Session": session,
        "Batch": batch,
        "SamplerV2": sampler,
        "EstimatorV2": estimator,
        "Sampler": sampler,  # in 0.51 the top-level names are still the V2 primitives
        "Estimator": estimator,
    }
    for k, v in provided.items():
        setattr(mod, k, v)
    for k in PASSTHROUGH:
        if hasattr(real, k):
            setattr(mod, k, getattr(real, k))

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedAPI(f"qiskit_ibm_runtime.{name}")

    mod.__getattr__ = __getattr__
    return mod


@contextlib.contextmanager
def swapped_in(shim: types.ModuleType, script: Path):
    """While the script runs: ``qiskit_ibm_runtime`` is ``shim`` (its blocked submodules
    too), ``sys.argv`` is the script alone and its folder is first on ``sys.path``, as
    ``python script.py`` would have it; all put back afterwards."""
    blocked = {f"qiskit_ibm_runtime.{m}": blocked_module(m) for m in BLOCKED}
    saved = {k: sys.modules.get(k) for k in ("qiskit_ibm_runtime", *blocked)}
    sys.modules.update(blocked)
    argv, path0 = sys.argv, list(sys.path)
    sys.modules["qiskit_ibm_runtime"] = shim
    sys.argv = [str(script)]
    sys.path.insert(0, str(script.resolve().parent))
    try:
        yield
    finally:
        sys.argv = argv
        sys.path[:] = path0
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
