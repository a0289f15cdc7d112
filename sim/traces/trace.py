"""A job trace as columns: what happened to each recorded job, in the units the simulator uses.

Every reader (:mod:`sim.traces.formats`) turns its format into one :class:`Trace`: submission
times in UTC epoch seconds, QPU time and observed queue wait in seconds, one status word. The
rest of the package (import to a scenario, fit, validate) reads only this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

STATUSES = ("DONE", "ERROR", "CANCELLED", "UNKNOWN")


class TraceError(ValueError):
    """A trace that cannot be read: ``line`` (1-based, 0 when the whole file is wrong) and the
    ``field`` at fault, so the message can say where to look."""

    def __init__(self, line: int, field: str, message: str):
        self.line = line
        self.field = field
        self.message = message
        where = f"line {line}: " if line else ""
        what = f"{field}: " if field else ""
        super().__init__(f"{where}{what}{message}")


@dataclass
class Trace:
    """Columns of one trace, one entry per job, sorted by submission time.

    - ``machine``: the backend the job ran (or was meant to run) on.
    - ``submitted``: UTC epoch seconds (a float; SWF's relative times are added to its
      ``UnixStartTime`` header, or to 0).
    - ``quantum``: QPU seconds the job used (NaN when the trace does not say).
    - ``wait``: observed queue wait in seconds, submission to start (NaN when unknown).
    - ``status``: one of :data:`STATUSES`.
    - ``group``: who submitted it, where the trace says (a user, or a session id); "" if not.
    - ``batch``: circuits (or processors) per job, where the trace says (NaN otherwise).
    - ``line``: the line of the file the job came from (for messages).
    """

    format: str
    group_kind: str  # "user", "session" or "" — what ``group`` holds
    machine: list[str] = field(default_factory=list)
    submitted: np.ndarray = field(default_factory=lambda: np.empty(0))
    quantum: np.ndarray = field(default_factory=lambda: np.empty(0))
    wait: np.ndarray = field(default_factory=lambda: np.empty(0))
    status: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    batch: np.ndarray = field(default_factory=lambda: np.empty(0))
    line: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.machine)

    @property
    def start(self) -> float:
        """The first submission (epoch seconds): time 0 of a scenario built from the trace."""
        return float(self.submitted[0]) if len(self) else 0.0

    def machines(self) -> list[str]:
        """Machine names in order of first appearance."""
        return list(dict.fromkeys(self.machine))

    def select(self, mask: np.ndarray) -> Trace:
        """The jobs where ``mask`` is true, in the same order."""
        idx = np.flatnonzero(mask)
        pick = idx.tolist()
        return Trace(
            self.format,
            self.group_kind,
            [self.machine[i] for i in pick],
            self.submitted[idx],
            self.quantum[idx],
            self.wait[idx],
            [self.status[i] for i in pick],
            [self.group[i] for i in pick],
            self.batch[idx],
            self.line[idx],
        )

    def on(self, machine: str) -> Trace:
        return self.select(np.array([m == machine for m in self.machine], dtype=bool))


class Columns:
    """Accumulates parsed rows (plain lists: appending is the reader's hot loop), then sorts
    them into a :class:`Trace` by submission time (stable: ties keep file order)."""

    def __init__(self, fmt: str, group_kind: str = ""):
        self.fmt = fmt
        self.group_kind = group_kind
        self.machine: list[str] = []
        self.submitted: list[float] = []
        self.quantum: list[float] = []
        self.wait: list[float] = []
        self.status: list[str] = []
        self.group: list[str] = []
        self.batch: list[float] = []
        self.line: list[int] = []

    def add(
        self,
        line: int,
        machine: str,
        submitted: float,
        quantum: float,
        wait: float,
        status: str,
        group: str = "",
        batch: float = math.nan,
    ) -> None:
        self.line.append(line)
        self.machine.append(machine)
        self.submitted.append(submitted)
        self.quantum.append(quantum)
        self.wait.append(wait)
        self.status.append(status)
        self.group.append(group)
        self.batch.append(batch)

    def trace(self) -> Trace:
        if not self.line:
            raise TraceError(0, "", "the trace has no jobs")
        submitted = np.asarray(self.submitted, dtype=float)
        order = np.argsort(submitted, kind="stable")
        pick = order.tolist()
        return Trace(
            self.fmt,
            self.group_kind,
            [self.machine[i] for i in pick],
            submitted[order],
            np.asarray(self.quantum, dtype=float)[order],
            np.asarray(self.wait, dtype=float)[order],
            [self.status[i] for i in pick],
            [self.group[i] for i in pick],
            np.asarray(self.batch, dtype=float)[order],
            np.asarray(self.line, dtype=np.int64)[order],
        )


def from_jobs(jobs, start_epoch: float = 0.0, fmt: str = "simulated") -> Trace:
    """A trace of simulated jobs (a result's ``jobs`` table, or some of its rows): what a
    recorder of the simulated platform would have written. Used to check the fit and the
    validation on traces whose truth is known."""
    out = Columns(fmt)
    for k, row in enumerate(jobs.itertuples(index=False), 1):
        wait = row.wait if row.wait == row.wait else math.nan
        out.add(
            k,
            row.backend,
            start_epoch + row.submitted,
            float(row.quantum_seconds),
            wait,
            row.status if row.status in STATUSES else "UNKNOWN",
        )
    return out.trace()
