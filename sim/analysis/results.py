"""Result tables derived from the event log (contract: jobs, sessions, timeline, events).

Nothing here looks at the engine's internal state: every column is computed from the events,
so a chart, a table and an explanation can never disagree. Tables are built column-wise and
lazily (a sweep that only needs ``jobs`` never builds the timeline).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..kernel.gcpause import gc_paused
from ..model.rules import pending_rules
from ..model.scenario import Scenario
from ..model.units import HORIZON, HORIZON_DAYS
from .csvfile import to_csv

if TYPE_CHECKING:
    from ..kernel.engine import Engine
    from ..kernel.eventlog import EventLog

JOB_COLUMNS = [
    "job_id", "workload", "user", "instance", "backend", "mode", "session_id", "submitted",
    "started", "finished", "wait", "status", "reason", "quantum_seconds", "running_since",
]  # fmt: skip
# running_since (R41): when the client sees RUNNING — the start of the job's classical
# pre-processing where the profile has lanes, else its QPU start (``started``). Added last, so
# the contract's columns keep their places.
SESSION_COLUMNS = [
    "session_id", "workload", "user", "instance", "backend", "mode", "created", "activated",
    "ended", "end_reason", "activations", "jobs", "jobs_done", "jobs_failed", "usage_seconds",
    "idle_held_seconds", "max_time", "interactive_ttl",
]  # fmt: skip
TIMELINE_COLUMNS = ["backend", "start", "end", "kind", "job_id", "session_id", "user"]
_STATUS = {"done": "DONE", "error": "ERROR", "cancelled": "CANCELLED"}


def final_events(kind: np.ndarray) -> np.ndarray:
    """Which events of the log (by their ``event`` values) end a job: done, error, cancelled.
    (Comparisons per value: ``np.isin`` on object arrays costs several times as much.)"""
    final = np.zeros(len(kind), dtype=bool)
    for event in _STATUS:
        final |= kind == event
    return final


def _text(series: pd.Series) -> pd.Series:
    """Strings with "" for missing (a map onto no match yields float NaN, not a string)."""
    return series.astype(object).where(series.notna(), "")


def _objects(values) -> np.ndarray:
    """Text as a numpy object array (the table infers pandas' string dtype from it)."""
    return np.asarray(values, dtype=object)


def _object_column(values) -> pd.Series:
    """Text kept as an object column (columns that may hold non-strings, as before)."""
    return pd.Series(values, dtype=object)


# The only events that change how idle time is labelled (see Result._idle_labels).
_IDLE_EVENTS = ["session_activate", "session_deactivate", "session_end", "reservation_start",
                "reservation_end"]  # fmt: skip


def _backend_segments(ran: pd.DataFrame, cal_starts: np.ndarray, cal_ends: np.ndarray,
                      labels: list[tuple], end_time: float,
                      cal_kinds: np.ndarray | None = None) -> list[list]:  # fmt: skip
    """One backend's timeline rows, as the columns after ``backend``: its jobs and
    calibrations in (start, end) order, each preceded by the idle time since the backend was
    last busy, cut where the idle labels change (``Result._idle_labels``); then the idle
    time to the end of the run.

    ``cal_kinds`` names each system segment (``calibration`` or ``pause``, R40; default all
    calibrations): they run one at a time, so the k-th start pairs with the k-th end.

    Array operations throughout: a 222k-job run has about as many idle gaps as jobs.
    """
    n_jobs, n_cal = len(ran), len(cal_starts)
    cal_z = np.array([cal_ends[i] if i < len(cal_ends) else end_time for i in range(n_cal)],
                     dtype=float)  # fmt: skip
    a = np.concatenate([ran["started"].to_numpy(dtype=float), cal_starts.astype(float)])
    z = np.concatenate([ran["finished"].to_numpy(dtype=float), cal_z])
    nothing = np.full(n_cal, None, dtype=object)
    if cal_kinds is None:
        cal_kinds = np.full(n_cal, "calibration", dtype=object)
    kind = np.concatenate([np.full(n_jobs, "job", dtype=object), cal_kinds.astype(object)])
    job_id = np.concatenate([ran["job_id"].to_numpy(dtype=object), nothing])
    session_id = np.concatenate([ran["session_id"].to_numpy(dtype=object), nothing])
    user = np.concatenate([ran["user"].to_numpy(dtype=object), nothing])
    order = np.lexsort((z, a))  # by start, then end; stable, as sorting (start, end) tuples
    a, z, kind, job_id, session_id, user = (x[order] for x in (a, z, kind, job_id, session_id,
                                                                user))  # fmt: skip
    # Idle gap k runs from the latest end so far to busy segment k's start; gap K to the end.
    gap_a = np.fmax.accumulate(np.concatenate(([0.0], z)))
    gap_z = np.concatenate((a, [end_time]))
    # Each gap is cut by the labels it overlaps: those from the one holding its start to the
    # last one starting before its end.
    lab_a = np.array([lab[0] for lab in labels], dtype=float)
    lab_z = np.array([lab[1] for lab in labels], dtype=float)
    first = np.maximum(np.searchsorted(lab_a, gap_a, side="right") - 1, 0)
    stop = np.searchsorted(lab_a, gap_z, side="left")
    count = np.where(gap_z > gap_a, np.maximum(stop - first, 0), 0)
    gap = np.repeat(np.arange(len(gap_a)), count)
    label = np.repeat(first, count) + (np.arange(len(gap)) - np.repeat(np.cumsum(count) - count,
                                                                       count))  # fmt: skip
    lo = np.maximum(gap_a[gap], lab_a[label])
    hi = np.minimum(gap_z[gap], lab_z[label])
    keep = hi > lo
    gap, label, lo, hi = gap[keep], label[keep], lo[keep], hi[keep]
    lab_kind = np.array([lab[2] for lab in labels], dtype=object)
    lab_session = np.array([lab[3] for lab in labels], dtype=object)
    lab_user = np.array([lab[4] for lab in labels], dtype=object)
    # Rows in order: gap k's pieces (key 2k), then segment k (key 2k + 1); the last gap 2K.
    key = np.concatenate((2 * gap, 2 * np.arange(len(a)) + 1))
    row = np.argsort(key, kind="stable")
    n_idle = len(gap)
    idle_none = np.full(n_idle, None, dtype=object)
    return [
        np.concatenate((lo, a))[row].tolist(),
        np.concatenate((hi, z))[row].tolist(),
        np.concatenate((lab_kind[label], kind))[row].tolist(),
        np.concatenate((idle_none, job_id))[row].tolist(),
        np.concatenate((lab_session[label], session_id))[row].tolist(),
        np.concatenate((lab_user[label], user))[row].tolist(),
    ]


class Result:
    """One simulation run: the event log and the tables derived from it."""

    @classmethod
    def of(cls, engine: Engine) -> Result:
        """Run ``engine`` to the end and return its tables (what ``sim.run`` does; a run
        with workloads driven by SimPy processes is built and driven first, then this)."""
        end = engine.run()
        engine.finish()
        return cls(engine.scenario, engine.seed, engine.log, end)

    def __init__(self, scenario: Scenario, seed: int, log: EventLog, end_time: float):
        self.scenario = scenario
        self.seed = seed
        self.events = log.frame()  # the contract's events table
        # Each event's detail as the engine logged it: typed values (a submit's workload, mode
        # and quantum, a charge's seconds, a session's settings) read here as they are, never
        # parsed back from the table's text.
        self.records = log.records()
        self.end_time = end_time
        self._user_instance = {u.name: u.instance for u in scenario.users}

    # --- jobs -------------------------------------------------------------------------------

    @cached_property
    def jobs(self) -> pd.DataFrame:
        with gc_paused():  # hundreds of thousands of values that all stay alive (see gcpause)
            return self._jobs()

    def _jobs(self) -> pd.DataFrame:
        # Column-wise with numpy: each job has one submit, at most one start and at most one
        # final event, found through one factorize of the job id column.
        ev = self.events
        kind = ev["event"].to_numpy(dtype=object)
        job_id = ev["job_id"].to_numpy(dtype=object)
        time = ev["time"].to_numpy(dtype=float)
        sub = kind == "submit"
        ids = job_id[sub]
        submits = self.records[sub].tolist()  # (workload, mode, quantum) each
        users = ev["user"].to_numpy(dtype=object)[sub]
        # The row of each event's job: one hashing pass over the whole id column (factorize)
        # instead of a lookup per start and per final event.
        code, _ = pd.factorize(job_id)  # -1 for events without a job
        n = len(ids)
        row = np.full(code.max() + 1 if len(code) else 0, -1, dtype=np.intp)
        row[code[sub]] = np.arange(n)
        started = np.full(n, np.nan)
        start = kind == "start"
        started[row[code[start]]] = time[start]
        running_since = started.copy()  # R41: RUNNING from the pre-processing's start, if any
        pre = kind == "preprocess_start"
        if pre.any():
            running_since[row[code[pre]]] = time[pre]
        final = final_events(kind)
        at = row[code[final]]
        final_time = np.full(n, np.nan)
        final_time[at] = time[final]
        status = np.full(n, "QUEUED", dtype=object)  # no final event: still queued
        status[at] = [_STATUS[k] for k in kind[final]]
        reason = np.full(n, "", dtype=object)
        reason[at] = ev["detail"].to_numpy(dtype=object)[final]
        submitted = time[sub]
        return pd.DataFrame(
            {
                "job_id": _objects(ids),
                "workload": _objects([r[0] for r in submits]),
                "user": _objects(users),
                "instance": _object_column([self._user_instance.get(u) for u in users]),
                "backend": ev["backend"].to_numpy(dtype=object)[sub],
                "mode": _objects([r[1] for r in submits]),
                "session_id": ev["session_id"].to_numpy(dtype=object)[sub],
                "submitted": submitted,
                "started": started,
                "finished": np.where(np.isnan(started), np.nan, final_time),
                "wait": started - submitted,
                "status": _object_column(status),
                "reason": _object_column(reason),
                "quantum_seconds": np.fromiter((r[2] for r in submits), float, len(submits)),
                "running_since": running_since,
            }
        )

    # --- sessions ---------------------------------------------------------------------------

    @cached_property
    def sessions(self) -> pd.DataFrame:
        ev = self.events
        kind = ev["event"]
        opened = self.sessions_opened
        if opened.empty:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in SESSION_COLUMNS})
        out = opened[["session_id", "workload", "user", "backend", "mode"]].copy()
        out["created"] = opened["time"].to_numpy(dtype=float)
        out["max_time"] = opened["max_time"].to_numpy(dtype=float)
        out["interactive_ttl"] = opened["interactive_ttl"].to_numpy(dtype=float)
        out.insert(3, "instance", out["user"].map(self._user_instance).astype(object))
        sid = out["session_id"]
        act = ev[kind == "session_activate"].groupby("session_id")["time"]
        out["activated"] = sid.map(act.min()).astype(float)
        out["activations"] = sid.map(act.size()).fillna(0).astype(int)
        ended = ev[kind == "session_end"].set_index("session_id")
        out["ended"] = sid.map(ended["time"]).astype(float)
        out["end_reason"] = _text(sid.map(ended["detail"]))
        jobs = self.jobs
        in_session = jobs[jobs["session_id"].notna()].groupby("session_id")["status"]
        out["jobs"] = sid.map(in_session.size()).fillna(0).astype(int)
        done = jobs[jobs["status"] == "DONE"].groupby("session_id").size()
        failed = jobs[jobs["status"].isin(["ERROR", "CANCELLED"])].groupby("session_id").size()
        out["jobs_done"] = sid.map(done).fillna(0).astype(int)
        out["jobs_failed"] = sid.map(failed).fillna(0).astype(int)
        charges = self.charges[self.charges["session_id"].notna()]
        usage = charges["seconds"].groupby(charges["session_id"]).sum()
        out["usage_seconds"] = sid.map(usage).fillna(0.0).astype(float)
        tl = self.timeline
        held = tl[tl["kind"] == "idle_held"]
        held_time = (held["end"] - held["start"]).groupby(held["session_id"]).sum()
        out["idle_held_seconds"] = sid.map(held_time).fillna(0.0).astype(float)
        return out[SESSION_COLUMNS].reset_index(drop=True)

    # --- timeline ---------------------------------------------------------------------------

    @cached_property
    def timeline(self) -> pd.DataFrame:
        with gc_paused():  # see jobs
            return self._timeline()

    def _timeline(self) -> pd.DataFrame:
        ev = self.events
        end_time = self.end_time
        jobs = self.jobs
        ran = jobs[jobs["started"].notna()]
        columns: dict[str, list] = {c: [] for c in TIMELINE_COLUMNS}
        opened = self.sessions_opened
        session_mode = dict(zip(opened["session_id"], opened["mode"], strict=True))
        # Rows of each backend found once (not one comparison of the whole log per backend),
        # and values read from object arrays: iterating pandas' string columns is slow.
        ev_rows = ev.groupby("backend", sort=False).indices
        ran_rows = ran.groupby("backend", sort=False).indices
        nothing = np.empty(0, dtype=np.intp)
        idle_events = ev["event"].isin(_IDLE_EVENTS).to_numpy()
        kind = ev["event"].to_numpy(dtype=object)
        # System segments: calibrations (R25) and queue pauses (R40), one at a time.
        pause_start = kind == "pause_start"
        cal_start = (kind == "calibration_start") | pause_start
        cal_end = (kind == "calibration_end") | (kind == "pause_end")
        times = ev["time"].to_numpy()
        for backend in [b.name for b in self.scenario.backends]:
            rows = ev_rows.get(backend, nothing)
            r = ran.iloc[ran_rows.get(backend, nothing)]
            starts = rows[cal_start[rows]]
            cs = times[starts]
            ce = times[rows[cal_end[rows]]]
            ck = np.where(pause_start[starts], "pause", "calibration").astype(object)
            labels = self._idle_labels(ev.iloc[rows[idle_events[rows]]], session_mode, end_time)
            segments = _backend_segments(r, cs, ce, labels, end_time, ck)
            columns["backend"].extend([backend] * len(segments[0]))
            for c, values in zip(TIMELINE_COLUMNS[1:], segments, strict=True):
                columns[c].extend(values)
        df = pd.DataFrame(columns)
        df["start"] = df["start"].astype(float)
        df["end"] = df["end"].astype(float)
        for c in ("backend", "kind", "job_id", "session_id", "user"):
            df[c] = df[c].astype(object)
        return df

    @cached_property
    def sessions_opened(self) -> pd.DataFrame:
        """The session_open events with the settings each session was opened with."""
        at = (self.events["event"] == "session_open").to_numpy()
        opened = self.events[at].reset_index(drop=True)
        settings = self.records[at].tolist()  # sim.kernel.eventlog.Opened each
        for field in ("workload", "mode", "max_time", "interactive_ttl"):
            opened[field] = pd.Series([getattr(s, field) for s in settings], dtype=object)
        return opened

    @cached_property
    def charges(self) -> pd.DataFrame:
        """The charge events with the seconds each one billed (R9, R24, R27)."""
        at = (self.events["event"] == "charge").to_numpy()
        charges = self.events[at]
        return charges.assign(seconds=self.records[at].astype(float))

    @staticmethod
    def _idle_labels(on: pd.DataFrame, session_mode: dict, end_time: float) -> list[tuple]:
        """Partition [0, end] into (start, end, kind, session, user) for idle time.

        A holding session's active span makes idle time ``idle_held`` (R13); a reservation
        window makes it ``reserved_idle`` (R27); anything else is plain ``idle``.
        """
        held: list[tuple[float, float, str, str]] = []
        open_since: dict[str, tuple[float, str]] = {}
        windows: list[tuple[float, float]] = []
        res_start = None
        for t, event, sid, user in zip(on["time"], on["event"], on["session_id"], on["user"],
                                       strict=True):  # fmt: skip
            if event == "session_activate" and session_mode.get(sid) == "session":
                open_since[sid] = (t, user)
            elif event in ("session_deactivate", "session_end") and sid in open_since:
                a, u = open_since.pop(sid)
                held.append((a, t, sid, u))
            elif event == "reservation_start":
                res_start = t
            elif event == "reservation_end" and res_start is not None:
                windows.append((res_start, t))
                res_start = None
        for sid, (a, u) in open_since.items():
            held.append((a, end_time, sid, u))
        if res_start is not None:
            windows.append((res_start, end_time))
        cuts = sorted({0.0, end_time, *(x for h in held for x in h[:2]),
                       *(x for w in windows for x in w)})  # fmt: skip
        labels = []
        for a, z in zip(cuts, cuts[1:], strict=False):
            if z <= a:
                continue
            mid = (a + z) / 2
            holder = next((h for h in held if h[0] <= mid < h[1]), None)
            if holder is not None:
                labels.append((a, z, "idle_held", holder[2], holder[3]))
            elif any(w[0] <= mid < w[1] for w in windows):
                labels.append((a, z, "reserved_idle", None, None))
            else:
                labels.append((a, z, "idle", None, None))
        return labels

    # --- summaries and files ----------------------------------------------------------------

    def utilization(self) -> dict[str, float]:
        """Share of each backend's time spent running user jobs."""
        tl = self.timeline
        out = {}
        for b in [b.name for b in self.scenario.backends]:
            seg = tl[tl["backend"] == b]
            span = seg["end"].max() - seg["start"].min() if not seg.empty else 0.0
            busy = seg.loc[seg["kind"] == "job", "end"] - seg.loc[seg["kind"] == "job", "start"]
            out[b] = float(busy.sum() / span) if span > 0 else 0.0
        return out

    @property
    def warnings(self) -> list[str]:
        """What the user must know before trusting the tables (empty for an ordinary run)."""
        out = []
        if self.end_time >= HORIZON:
            # The engine's safety net stopped the run: work left then is cut, not finished.
            open_jobs = int((self.jobs["status"] == "QUEUED").sum())
            out.append(
                f"the run reached the simulator's horizon of {HORIZON_DAYS} days and was stopped "
                f"there: {open_jobs} submitted jobs never ran, and work due later was not "
                "simulated"
            )
        pending = pending_rules(self.scenario.knobs)
        if self.scenario.knobs.preprocess_lanes == 0:
            pre = [w.name for w in self.scenario.workloads if w.preprocess > 0]
            if pre:
                out.append(
                    f"{self.scenario.rules} has no pre-processing lanes (preprocess_lanes: 0), "
                    f"so the `preprocess` time of {', '.join(pre)} is ignored (R41); set "
                    "`overrides: {preprocess_lanes: N}` to model it"
                )
        if pending:
            # Issue 15: the profile is data before the engine reads it; say which rules this
            # run does not follow rather than let its tables pass for today's platform.
            out.append(
                f"{self.scenario.rules}: the engine does not apply these rules yet: "
                + "; ".join(pending)
            )
        return out

    def summary(self) -> str:
        jobs = self.jobs
        lines = [f"{self.scenario.name} — seed {self.seed}, {len(jobs)} jobs, "
                 f"simulated {self.end_time / 3600:.2f} h"]  # fmt: skip
        counts = jobs["status"].value_counts()
        statuses = ("DONE", "ERROR", "CANCELLED", "QUEUED")
        lines.append(
            "jobs by status: " + ", ".join(f"{s} {int(counts.get(s, 0))}" for s in statuses)
        )
        waits = jobs.groupby("mode")["wait"].mean().dropna()
        by_mode = ", ".join(f"{m} {w:.1f}s" for m, w in waits.items()) or "-"
        lines.append("mean wait by mode: " + by_mode)
        util = self.utilization().items()
        lines.append("utilization: " + ", ".join(f"{b} {u:.1%}" for b, u in util))
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def save(self, directory: str | Path) -> list[Path]:
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in ("jobs", "sessions", "timeline", "events"):
            path = out / f"{name}.csv"
            to_csv(getattr(self, name), path)
            paths.append(path)
        return paths
