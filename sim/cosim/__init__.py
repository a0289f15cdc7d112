"""Co-simulation (issue 17): a user's unmodified qiskit-ibm-runtime script against the
simulated queue (``python -m sim cosim``, ``sim record``).

The layer above experiments: it drives the kernel's :class:`~sim.kernel.stepper.Stepper`
from a real script and reads the results of :mod:`sim.analysis`. Its modules:

- :mod:`.run` — :class:`Cosim`, one run of a script against a scenario (the think clock,
  submissions, waits; ``--mode``);
- :mod:`.shim` — the module that stands in for ``qiskit_ibm_runtime`` during a run, and its
  blocked submodules; built from :mod:`.service` (``QiskitRuntimeService``, backends),
  :mod:`.sessions` (``Session``/``Batch``), :mod:`.primitives` (``SamplerV2``/``EstimatorV2``)
  and :mod:`.jobs` (the ``RuntimeJobV2``), over :mod:`.api` (what they share);
- :mod:`.circuits` — fake devices, circuit durations and executions: the inputs of IBM's
  estimate (:mod:`sim.model.estimate`);
- :mod:`.steps` and :mod:`.record` — what the script did, as a ``trace`` workload;
- :mod:`.summary` — what the script experienced, from the result tables;
- :mod:`.errors` — :class:`CosimError`, :class:`UnsupportedAPI`.

qiskit is imported only when a run starts (the ``qiskit`` extra).
"""

from .api import EPOCH
from .circuits import DEFAULT_DEVICE, job_executions, load_device
from .errors import CosimError, UnsupportedAPI
from .record import record
from .run import MODES, Cosim
from .steps import Step
from .summary import script_summary

__all__ = [
    "DEFAULT_DEVICE",
    "EPOCH",
    "MODES",
    "Cosim",
    "CosimError",
    "Step",
    "UnsupportedAPI",
    "job_executions",
    "load_device",
    "record",
    "script_summary",
]
