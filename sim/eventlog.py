"""The event log: the single source of truth every result table is derived from.

Stored column-wise (one list per column) so that appending is cheap and the DataFrame is built
once at the end.
"""

from __future__ import annotations

import pandas as pd

EVENT_COLUMNS = ["time", "backend", "event", "job_id", "session_id", "user", "detail"]


class EventLog:
    """``add(time, backend, event, job_id=None, session_id=None, user=None, detail="")``."""

    __slots__ = (*EVENT_COLUMNS, "add")

    def __init__(self) -> None:
        for column in EVENT_COLUMNS:
            setattr(self, column, [])
        self.add = self._adder()

    def _adder(self):
        # The engine logs about four events per job. A closure over the seven bound ``append``
        # methods saves fourteen attribute look-ups per event over a method doing
        # ``self.time.append(...)``; in the fleet benchmark's profile the log was the top entry.
        t, b, e, j, s, u, d = (getattr(self, c).append for c in EVENT_COLUMNS)

        def add(
            time: float,
            backend: str,
            event: str,
            job_id: str | None = None,
            session_id: str | None = None,
            user: str | None = None,
            detail: str = "",
        ) -> None:
            t(time)
            b(backend)
            e(event)
            j(job_id)
            s(session_id)
            u(user)
            d(detail)

        return add

    def __len__(self) -> int:
        return len(self.time)

    def frame(self) -> pd.DataFrame:
        # Text columns are built as object columns directly: letting pandas infer its string
        # dtype first and converting afterwards costs about ten times as much.
        columns = {"time": pd.Series(self.time, dtype="float64")}
        for c in EVENT_COLUMNS[1:]:
            columns[c] = pd.Series(getattr(self, c), dtype=object)
        return pd.DataFrame(columns, copy=False)
