"""Small tables the charts need, derived from the event log (the single source of truth).

Pure pandas: events (and the jobs table) in, a tidy DataFrame out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .timefmt import clocks

SPAN_COLUMNS = ["session_id", "backend", "user", "state", "start", "end"]
WINDOW_COLUMNS = ["backend", "instance", "start", "end"]
FAILED = ("ERROR", "CANCELLED")


def _end(events: pd.DataFrame, end_time: float | None) -> float:
    if end_time is not None:
        return float(end_time)
    return float(events["time"].max()) if len(events) else 0.0


def session_spans(events: pd.DataFrame, end_time: float | None = None) -> pd.DataFrame:
    """Active and inactive spans of every session or batch, from open to end.

    A session is inactive from ``session_open`` until a job of it starts
    (``session_activate``), active until ``session_deactivate`` (R14, R15) and so on until
    ``session_end``; a session still open when the run stops is drawn up to ``end_time``.
    """
    kinds = ("session_open", "session_activate", "session_deactivate", "session_end")
    ev = events[events["event"].isin(kinds)]
    end = _end(events, end_time)
    rows: list[tuple] = []
    current: dict[str, tuple[str, float, str, str]] = {}  # sid → (state, since, backend, user)
    for t, event, sid, backend, user in zip(
        ev["time"], ev["event"], ev["session_id"], ev["backend"], ev["user"], strict=True
    ):
        if sid in current:
            state, since, b, u = current.pop(sid)
            if t > since:
                rows.append((sid, b, u, state, since, t))
        if event == "session_end":
            continue
        state = "active" if event == "session_activate" else "inactive"
        current[sid] = (state, t, backend, user)
    for sid, (state, since, b, u) in current.items():
        if end > since:
            rows.append((sid, b, u, state, since, end))
    df = pd.DataFrame(rows, columns=SPAN_COLUMNS)
    df["start"] = df["start"].astype(float)
    df["end"] = df["end"].astype(float)
    return df.sort_values(["backend", "session_id", "start"], kind="stable").reset_index(drop=True)


def reservation_windows(events: pd.DataFrame, end_time: float | None = None) -> pd.DataFrame:
    """Reservation windows as they happened (R27): backend, instance, start, end."""
    ev = events[events["event"].isin(["reservation_start", "reservation_end"])]
    end = _end(events, end_time)
    rows = []
    open_at: dict[str, tuple[float, str]] = {}
    for t, event, backend, instance in zip(
        ev["time"], ev["event"], ev["backend"], ev["detail"], strict=True
    ):
        if event == "reservation_start":
            open_at[backend] = (t, instance)
        elif backend in open_at:
            start, inst = open_at.pop(backend)
            rows.append((backend, inst, start, t))
    for backend, (start, inst) in open_at.items():
        rows.append((backend, inst, start, end))
    df = pd.DataFrame(rows, columns=WINDOW_COLUMNS)
    df["start"] = df["start"].astype(float)
    df["end"] = df["end"].astype(float)
    return df


def queue_length(events: pd.DataFrame) -> pd.DataFrame:
    """Jobs waiting in each backend's queue over time, as a step function.

    A job joins the queue when it is submitted — or, with pre-processing lanes (R41), when its
    pre-processing ends — and leaves it when it starts, or when it fails or is cancelled
    without having run. One row per backend and instant at which the count changes:
    ``backend, time, queued``.
    """
    ev = events
    subs = ev[ev["event"] == "submit"]
    pre = ev[ev["event"] == "preprocess_end"]
    joined = subs["time"].to_numpy(dtype=float)
    leaving = ev[ev["event"].isin(["start", "error", "cancelled"])]
    left = leaving.groupby("job_id")["time"].min()  # a started job leaves at its start
    left_at = subs["job_id"].map(left)
    staged = set(ev.loc[ev["event"].isin(["preprocess_wait", "preprocess_start"]), "job_id"])
    if staged:
        # R41: queued from the end of its pre-processing; one that left before never was.
        entered = subs["job_id"].map(pre.set_index("job_id")["time"])
        joined = np.where(entered.notna(), entered.to_numpy(dtype=float), joined)
        queued = ~(subs["job_id"].isin(staged) & entered.isna()).to_numpy()
        subs, joined, left_at = subs[queued], joined[queued], left_at[queued]
    parts = [
        pd.DataFrame({"backend": subs["backend"].to_numpy(), "time": joined, "change": 1}),
    ]
    gone = left_at.notna().to_numpy()
    parts.append(
        pd.DataFrame(
            {
                "backend": subs["backend"].to_numpy()[gone],
                "time": left_at.to_numpy(dtype=float)[gone],
                "change": -1,
            }
        )
    )
    steps = pd.concat(parts, ignore_index=True)
    if steps.empty:
        return pd.DataFrame({"backend": [], "time": [], "queued": []})
    steps = steps.groupby(["backend", "time"], sort=True)["change"].sum().reset_index()
    steps["queued"] = steps.groupby("backend")["change"].cumsum().astype(int)
    return steps[["backend", "time", "queued"]]


def preprocess_lanes(events: pd.DataFrame, end_time: float | None = None) -> pd.DataFrame:
    """R41: each job's classical pre-processing, with the lane it used: ``backend, lane,
    job_id, user, session_id, start, end``.

    From ``preprocess_start`` to ``preprocess_end`` — or to the job's end if it was cancelled
    or failed in its lane (the engine frees the lane then), or to the end of the run. The
    engine keeps no lane number; lanes are numbered here first free first (from 1), which
    never uses more lanes than were busy at once, so no lane holds two jobs at a time.
    """
    columns = ["backend", "lane", "job_id", "user", "session_id", "start", "end"]
    ev = events
    started = ev[ev["event"] == "preprocess_start"]
    if started.empty:
        return pd.DataFrame({c: [] for c in columns})
    stops = ev[ev["event"].isin(["preprocess_end", "error", "cancelled"])]
    stops = stops[stops["job_id"].isin(set(started["job_id"]))]
    stop = stops.groupby("job_id")["time"].min()
    end = _end(events, end_time)
    rows = []
    free: dict[str, list[float]] = {}  # backend → when each lane is free again
    cols = (started[c] for c in ("backend", "job_id", "user", "session_id", "time"))
    for b, jid, user, sid, t in zip(*cols, strict=True):
        z = float(stop.get(jid, end))
        lanes = free.setdefault(b, [])
        lane = next((k for k, at in enumerate(lanes) if at <= t), len(lanes))
        if lane == len(lanes):
            lanes.append(z)
        else:
            lanes[lane] = z
        rows.append((b, lane + 1, jid, user, sid, float(t), z))
    return pd.DataFrame(rows, columns=columns)


def failed_jobs(jobs: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Jobs that ended ERROR or CANCELLED, with the time they failed (``failed_at``).

    A job that ran fails when it finishes; one that never ran fails at its error/cancel event.
    """
    failed = jobs[jobs["status"].isin(FAILED)].copy()
    finals = events[events["event"].isin(["error", "cancelled"])]
    at = finals.groupby("job_id")["time"].max()
    failed["failed_at"] = np.where(
        failed["finished"].notna(), failed["finished"], failed["job_id"].map(at)
    ).astype(float)
    return failed.reset_index(drop=True)


def step_envelope(
    times: np.ndarray, values: np.ndarray, end: float, bins: int, start: float = 0.0, before=0
) -> tuple:
    """A step function reduced to ``bins`` intervals over [start, end], keeping each interval's
    maximum (the value carried into it counts, ``before`` until the first step): peaks
    survive, at screen resolution."""
    times = np.asarray(times, dtype=float)
    values = np.asarray(values)
    edges = np.linspace(start, end, bins + 1)
    idx = np.clip(np.searchsorted(edges, times, side="right") - 1, 0, bins - 1)
    peak = np.full(bins, -1, dtype=np.int64)
    np.maximum.at(peak, idx, values)
    # The value in force at each interval's start (the last step before it).
    carried_at = np.searchsorted(times, edges[:-1], side="right") - 1
    carried = np.where(carried_at >= 0, values[np.maximum(carried_at, 0)], before)
    return edges[:-1], np.maximum(peak, carried)


# Columns holding a time, by name across the result tables and the dashboard's own tables:
# moments are seconds since the start of the run, lengths a number of seconds.
MOMENT_COLUMNS = ("submitted", "started", "finished", "failed_at", "created", "activated",
                  "ended", "since", "from", "to", "at", "start", "end",
                  "running_since")  # fmt: skip
LENGTH_COLUMNS = ("wait", "quantum_seconds", "usage_seconds", "idle_held_seconds", "max_time",
                  "interactive_ttl", "length", "usage")  # fmt: skip


def readable_times(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for people to read: time columns in the dashboard's one time format
    (``00:02:00``, ``3d 08:33:13``), written so that sorting the text sorts the times; other
    float columns rounded to 2 decimals. The CSV downloads keep full precision."""
    out = frame.copy()
    for column in out.columns:
        if column in MOMENT_COLUMNS or column in LENGTH_COLUMNS:
            if pd.api.types.is_numeric_dtype(out[column]):
                out[column] = clocks(out[column].to_numpy(dtype=float), column=True)
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(2)
    return out
