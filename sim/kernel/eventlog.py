"""The event log: the single source of truth every result table is derived from.

Stored as one flat list, seven values per event in the order of ``EVENT_COLUMNS``: logging an
event is one ``list.extend`` of a short-lived tuple, and ``frame()`` cuts the columns out with
slices. (Seven per-column lists cost seven appends per event; a list of row tuples keeps a
tracked object per event alive for the garbage collector and is slow to transpose.)

The ``detail`` of an event is a typed record where it carries values: a submit's
:data:`SUBMIT` tuple (workload, mode, quantum seconds), a charge's seconds as a float, a
session's :class:`Opened`. The analysis layer reads those values as they are
(:meth:`EventLog.records`); the events table (``detail`` column, the contract's text such as
``workload=vqe;mode=session;quantum=12.5``) is written from them once, in :meth:`frame`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

# A submit event's detail: a plain tuple (workload, mode, quantum seconds), made once per job
# (a NamedTuple's constructor costs several times as much as a tuple display).
SUBMIT = ("workload", "mode", "quantum")


class Opened(NamedTuple):
    """A session_open event's detail: the session's settings as the engine applies them."""

    workload: str
    mode: str
    max_time: float
    interactive_ttl: float

    def text(self) -> str:
        return (f"workload={self.workload};mode={self.mode};max_time={self.max_time!r};"
                f"interactive_ttl={self.interactive_ttl!r}")  # fmt: skip


def detail_text(detail: object) -> str:
    """The events table's text for a typed detail (see the module's docstring)."""
    kind = detail.__class__
    if kind is float:
        return repr(detail)  # 17 significant digits: read back bit for bit
    if kind is tuple:
        workload, mode, quantum = detail
        return f"workload={workload};mode={mode};quantum={quantum!r}"
    text = getattr(detail, "text", None)
    return text() if text is not None else repr(detail)


EVENT_COLUMNS = ["time", "backend", "event", "job_id", "session_id", "user", "detail"]
WIDTH = len(EVENT_COLUMNS)


class EventLog:
    """``add(time, backend, event, job_id=None, session_id=None, user=None, detail="")``.

    The engine's once-per-job paths call ``extend((time, backend, event, job_id, session_id,
    user, detail))`` directly — all seven values, in that order — which skips the Python call.
    """

    __slots__ = ("values", "extend")

    def __init__(self) -> None:
        self.values: list = []
        self.extend = self.values.extend

    def add(
        self,
        time: float,
        backend: str,
        event: str,
        job_id: str | None = None,
        session_id: str | None = None,
        user: str | None = None,
        detail: str = "",
    ) -> None:
        self.extend((time, backend, event, job_id, session_id, user, detail))

    def __len__(self) -> int:
        return len(self.values) // WIDTH

    def frame(self) -> pd.DataFrame:
        # Text columns are built as object columns directly: letting pandas infer its string
        # dtype first and converting afterwards costs about ten times as much. np.fromiter
        # with a known count fills the array in one pass; np.array(list, dtype=object) takes
        # twice as long, looking into every element for nested sequences.
        v = self.values
        n = len(v) // WIDTH
        columns = {"time": pd.Series(np.fromiter(v[0::WIDTH], dtype="float64", count=n))}
        for k, c in enumerate(EVENT_COLUMNS[1:-1], 1):
            values = np.fromiter(v[k::WIDTH], dtype=object, count=n)
            columns[c] = pd.Series(values, dtype=object, copy=False)
        text = [d if d.__class__ is str else detail_text(d) for d in v[WIDTH - 1 :: WIDTH]]
        columns["detail"] = pd.Series(np.fromiter(text, dtype=object, count=n), dtype=object)
        return pd.DataFrame(columns, copy=False)

    def records(self) -> np.ndarray:
        """Each event's detail as logged: typed records where the event carries values."""
        return np.fromiter(self.values[WIDTH - 1 :: WIDTH], dtype=object, count=len(self))
