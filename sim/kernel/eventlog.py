"""The event log: the single source of truth every result table is derived from.

Stored as one flat list, seven values per event in the order of ``EVENT_COLUMNS``: logging an
event is one ``list.extend`` of a short-lived tuple, and ``frame()`` cuts the columns out with
slices. (Seven per-column lists cost seven appends per event; a list of row tuples keeps a
tracked object per event alive for the garbage collector and is slow to transpose.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
        for k, c in enumerate(EVENT_COLUMNS[1:], 1):
            values = np.fromiter(v[k::WIDTH], dtype=object, count=n)
            columns[c] = pd.Series(values, dtype=object, copy=False)
        return pd.DataFrame(columns, copy=False)
