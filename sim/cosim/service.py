"""The simulated ``QiskitRuntimeService`` and its backends: no account; the backends are the
scenario's, each a Qiskit ``BackendV2`` with a fake device's target (for transpiling and
circuit durations) under the scenario backend's name and the simulated queue's status."""

from __future__ import annotations

import types
from typing import TYPE_CHECKING

from .api import Unsupported, api
from .errors import CosimError, UnsupportedAPI

if TYPE_CHECKING:
    from .run import Cosim


def backend_class(cosim: Cosim) -> type:
    """The backend class of this run (a ``BackendV2``: made here because qiskit is imported
    only when a co-simulation runs)."""
    from qiskit.providers import BackendV2

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

    return Backend


def backend_object(cosim: Cosim, name: str):
    """The one backend object of scenario backend ``name`` in this run."""
    if name not in cosim.backend_objects:
        cosim.backend_objects[name] = cosim.SimBackend(name)
    return cosim.backend_objects[name]


def service_class(cosim: Cosim) -> type:
    """``QiskitRuntimeService`` as the script imports it, bound to this run."""

    class QiskitRuntimeService(Unsupported):
        """The service: no account; the scenario's backends."""

        _api_name = "QiskitRuntimeService"
        _cosim = cosim

        def __init__(self, *args, **kwargs):
            cosim.service = self

        @api
        def backend(self, name: str | None = None, instance: str | None = None, **kw):
            return backend_object(cosim, cosim.resolve_backend(name))

        @api
        def backends(self, name: str | None = None, min_num_qubits: int | None = None, **kw):
            if cosim.backend_name is not None:
                names = [cosim.backend_name]
            else:
                names = [b.name for b in cosim.scenario.backends]
            if name is not None:
                names = [cosim.resolve_backend(name)]
            out = [backend_object(cosim, n) for n in names]
            if min_num_qubits is not None:
                out = [b for b in out if b.num_qubits >= min_num_qubits]
            return out

        @api
        def least_busy(self, min_num_qubits: int | None = None, **kw):
            # The backend with the fewest queued jobs right now (the simulated queue).
            options = self.backends(min_num_qubits=min_num_qubits)
            if not options:
                raise CosimError("least_busy(): no backend of the scenario fits")
            return min(options, key=lambda b: cosim.stepper.queue_length(b.name))

        @api
        def job(self, job_id: str):
            raise UnsupportedAPI("QiskitRuntimeService.job()")

        def __repr__(self) -> str:
            return "<QiskitRuntimeService (qsched simulation)>"

    return QiskitRuntimeService
