"""The event log: the single source of truth every result table is derived from.

Stored column-wise (one list per column) so that appending is cheap and the DataFrame is built
once at the end.
"""

from __future__ import annotations

import pandas as pd

EVENT_COLUMNS = ["time", "backend", "event", "job_id", "session_id", "user", "detail"]


class EventLog:
    __slots__ = ("time", "backend", "event", "job_id", "session_id", "user", "detail")

    def __init__(self) -> None:
        for column in EVENT_COLUMNS:
            setattr(self, column, [])

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
        self.time.append(time)
        self.backend.append(backend)
        self.event.append(event)
        self.job_id.append(job_id)
        self.session_id.append(session_id)
        self.user.append(user)
        self.detail.append(detail)

    def __len__(self) -> int:
        return len(self.time)

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame({c: getattr(self, c) for c in EVENT_COLUMNS})
        df["time"] = df["time"].astype("float64")
        for c in ("backend", "event", "job_id", "session_id", "user", "detail"):
            df[c] = df[c].astype(object)
        return df
