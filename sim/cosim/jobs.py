"""The simulated ``RuntimeJobV2``: its status, metrics and usage answer from the engine's
event log; ``result()`` advances virtual time until the job is final, then returns the result
computed locally when it was submitted."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .api import EPOCH, Unsupported, api, iso

if TYPE_CHECKING:
    from .run import Cosim


class SimJob(Unsupported):
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

    @api
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

    @api
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

    @api
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

    @api
    def metrics(self) -> dict:
        sub, start, end, _ = self._times()
        ran = start is not None and end is not None
        return {
            "timestamps": {"created": iso(sub), "running": iso(start), "finished": iso(end)},
            "usage": {
                "quantum_seconds": (end - start) if ran else 0,
                "seconds": (end - start) if ran else 0,
            },
            "estimated_quantum_seconds": self._quantum,
        }

    @api
    def usage(self, partial: bool = False) -> float:
        return self.metrics()["usage"]["quantum_seconds"]

    def __repr__(self) -> str:
        return f"<SimJob('{self.job_id()}', '{self.primitive_id}')>"
