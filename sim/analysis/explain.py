"""Why did this job wait? Its wait split into intervals, each with what had the backend and
the rule (R-number, ``../shared/spec/semantics.md``) that put it there.

Built from the event log only (via the timeline, which is derived from it): for each stretch
of the job's wait, the timeline says what the backend was doing — another job, a calibration,
idle time held by a session, reserved idle time — and the ``start`` event of the job that ran
says which rule picked it. When fair share picked it (R5–R7), the competing instances' keys
are rebuilt as they were at that moment (``sim.analysis.history``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..model.units import format_clock, format_share
from .history import History, Key
from .results import Result

# The rule behind each failure reason (docs/model.md, "Jobs").
REASON_RULES: dict[str, tuple[str, str]] = {
    "reservation_ended": ("R28", "it was still pending when the reservation ended"),
    "session_max_time": ("R16", "its session reached max_time while it was queued"),
    "session_closed": ("R17", "its session was closed while it was queued (or before it came)"),
    "session_cancelled": ("R18", "its session was cancelled"),
    "first_job_cancelled": ("R19", "its session's first job was cancelled (ibm-2023)"),
    "user_cancelled": ("", "the user cancelled it"),
    "cost_limit": ("R39", "its Pay-As-You-Go instance reached its cost limit"),
    "open_plan_no_sessions": ("R21", "Open-plan instances may not use sessions (ibm-current)"),
    "max_execution_time": ("R3", "it hit its time limit"),
}
# The same reasons for a job that had started: a running job stopped by its user (R37).
RAN_REASON_RULES: dict[str, tuple[str, str]] = {
    "user_cancelled": ("R37", "its user cancelled it while it ran, which stops it at once"),
}
# The rule the dispatcher logged when it started a job → rules and words.
PICKED_BY: dict[str, tuple[tuple[str, ...], str]] = {
    "R13 session priority": (("R13",), "its session was active, and an active session's jobs "
                             "run before every other user job"),
    "R24 batch priority": (("R24",), "its batch had started, and a started batch's jobs jump "
                           "the fair-share queue"),
    "R27 reservation": (("R27",), "the backend was reserved for its instance"),
    "R5 fair share": (("R5", "R7"), "fair share picked it"),
    "R34 fair share by allocation": (("R34",), "fair share by allocation picked it: its "
                                     "instance ranked first by the part of its allocation "
                                     "used"),
}  # fmt: skip


# A job that waited behind thousands of others: the first DETAILED fair-share picks list every
# competing instance's key; later ones only this job's instance and the winner's.
DETAILED = 200


class UnknownJob(LookupError):
    """No job with that id in the run."""

    def __init__(self, job_id: str, known: list[str]):
        hint = ", ".join(known[:5]) + (", …" if len(known) > 5 else "")
        super().__init__(f"unknown job {job_id!r}; job ids look like {hint}")
        self.job_id = job_id


@dataclass(frozen=True)
class Interval:
    """One stretch of a job's wait and what had the backend during it."""

    start: float
    end: float
    # job | calibration | pause | idle_held | reserved_idle | idle; before the QPU's queue
    # (R41): lane_wait | preprocess
    kind: str
    holder: str  # the job, calibration or session that had the backend ("" when idle)
    user: str
    rules: tuple[str, ...]
    text: str
    keys: tuple[Key, ...] = ()  # fair share: the competing instances at that moment

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Explanation:
    job_id: str
    user: str
    instance: str
    backend: str
    session_id: str
    submitted: float
    started: float  # NaN when it never ran
    status: str
    reason: str
    outcome: str  # how the wait ended, in words with its rule
    outcome_rules: tuple[str, ...]
    intervals: list[Interval] = field(default_factory=list)

    @property
    def wait(self) -> float:
        return sum(i.seconds for i in self.intervals)

    def table(self) -> pd.DataFrame:
        """One row per interval (for the dashboard)."""
        return pd.DataFrame(
            {
                "from": [i.start for i in self.intervals],
                "to": [i.end for i in self.intervals],
                "length": [i.seconds for i in self.intervals],
                "backend had": [i.kind for i in self.intervals],
                "holder": [i.holder for i in self.intervals],
                "user": [i.user for i in self.intervals],
                "rules": [", ".join(i.rules) for i in self.intervals],
                "why": [i.text for i in self.intervals],
            }
        )

    def to_text(self) -> str:
        t = format_clock  # the dashboard's time format, so CLI and panel read alike

        head = (f"{self.job_id} ({self.user}, {self.instance}) on {self.backend}: submitted at "
                f"{t(self.submitted)}, {self.status}")  # fmt: skip
        if self.reason:
            head += f" ({self.reason})"
        lines = [head]
        if self.intervals:
            lines.append(f"waited {t(self.wait)}:")
        for i in self.intervals:
            rules = f" [{', '.join(i.rules)}]" if i.rules else ""
            lines.append(f"  {t(i.start)} – {t(i.end)} ({t(i.seconds)}): {i.text}{rules}")
        rules = f" [{', '.join(self.outcome_rules)}]" if self.outcome_rules else ""
        lines.append(f"then: {self.outcome}{rules}")
        return "\n".join(lines)


def explain(result: Result, job_id: str, history: History | None = None) -> Explanation:
    """Why ``job_id`` waited; raises :class:`UnknownJob` for an id not in the run.

    Pass a :class:`History` to explain several jobs of one run without rebuilding it.
    """
    jobs = result.jobs
    rows = jobs[jobs["job_id"] == job_id]
    if rows.empty:
        raise UnknownJob(job_id, list(jobs["job_id"]))
    job = rows.iloc[0]
    h = history or History(result)
    sid = job["session_id"] if isinstance(job["session_id"], str) else ""
    submitted = float(job["submitted"])
    started = float(job["started"])
    ran = not math.isnan(started)
    if ran:
        end = started
    elif job["status"] == "QUEUED":
        end = float(result.end_time)
    else:
        end = _final_time(result, job_id)
    pre, queued = _preprocessing(result, job_id, submitted, end)
    intervals = pre + _intervals(result, h, job, sid, queued, end)
    outcome, outcome_rules = _outcome(result, h, job, sid, ran)
    return Explanation(
        job_id=job_id,
        user=str(job["user"]),
        instance=str(job["instance"]),
        backend=str(job["backend"]),
        session_id=sid,
        submitted=submitted,
        started=started,
        status=str(job["status"]),
        reason=str(job["reason"] or ""),
        outcome=outcome,
        outcome_rules=outcome_rules,
        intervals=intervals,
    )


def _preprocessing(result: Result, job_id: str, submitted: float,
                   end: float) -> tuple[list[Interval], float]:  # fmt: skip
    """R41: the part of the wait before the job entered the QPU's queue — waiting for a
    pre-processing lane, then pre-processing (RUNNING for the client) — and when it entered
    (``submitted`` for a job without pre-processing; ``end`` for one that never got there)."""
    ev = result.events
    mine = ev[(ev["job_id"] == job_id)
              & ev["event"].isin(["preprocess_start", "preprocess_end"])]  # fmt: skip
    if mine.empty:
        # No lane yet: either no pre-processing at all, or it waited for a lane to the end.
        waited = ((ev["job_id"] == job_id) & (ev["event"] == "preprocess_wait")).any()
        if not waited:
            return [], submitted
        return [_lane_wait(submitted, end)] if end > submitted else [], end
    times = dict(zip(mine["event"], mine["time"].astype(float), strict=True))
    began = times["preprocess_start"]
    queued = times.get("preprocess_end", end)
    out = [_lane_wait(submitted, began)] if began > submitted else []
    if queued > began:
        out.append(Interval(began, queued, "preprocess", job_id, "", ("R41",),
                            "classical pre-processing in a lane: the job shows RUNNING, but it "
                            "is not in the QPU's queue yet"))  # fmt: skip
    return out, queued


def _lane_wait(a: float, z: float) -> Interval:
    return Interval(a, z, "lane_wait", "", "", ("R41",),
                    "every pre-processing lane of the backend was busy: the job waited for "
                    "one, first come first served")  # fmt: skip


def _final_time(result: Result, job_id: str) -> float:
    ev = result.events
    final = ev[(ev["job_id"] == job_id) & ev["event"].isin(["error", "cancelled"])]
    return float(final["time"].iloc[0]) if len(final) else float(result.end_time)


def _intervals(result, h: History, job, sid: str, a: float, z: float) -> list[Interval]:
    if z <= a:
        return []
    tl = h.segments.get(job["backend"])
    if tl is None:
        return []
    seg = tl[(tl["end"].to_numpy() > a) & (tl["start"].to_numpy() < z)]
    moments = h.moments
    # Fair-share keys are needed at the start of every job that fair share picked.
    fair = {
        jid: float(t)
        for jid, kind, t in zip(seg["job_id"], seg["kind"], seg["start"], strict=True)
        if kind == "job" and moments.at[jid, "start_rule"] == "R5 fair share"
    }
    queries = [(float(moments.at[j, "start_pos"]), t) for j, t in fair.items()]
    keys = dict(zip(fair, h.keys_at(queries), strict=True))
    # Reservation boundaries cut intervals, so that "inside the reservation" (R27) is exact.
    cuts = sorted({t for b, _, s, e in h.windows if b == job["backend"] for t in (s, e)})
    out: list[Interval] = []
    columns = ("start", "end", "kind", "job_id", "session_id", "user")
    for s, e, kind, jid, ssid, user in zip(*(seg[c] for c in columns), strict=True):
        lo, hi = max(a, float(s)), min(z, float(e))
        inner = [t for t in cuts if lo < t < hi]
        for piece_lo, piece_hi in zip([lo, *inner], [*inner, hi], strict=True):
            if piece_hi <= piece_lo:
                continue
            item = _blocker(h, job, sid, float(s), piece_lo, piece_hi, kind, jid, ssid, user,
                            keys.get(jid), full=len(out) < DETAILED)  # fmt: skip
            _append(out, item)
    return out


def _append(out: list[Interval], item: Interval) -> None:
    if out and _same(out[-1], item):
        last = out[-1]
        out[-1] = Interval(last.start, item.end, last.kind, last.holder, last.user, last.rules,
                           last.text, last.keys)  # fmt: skip
    else:
        out.append(item)


def _same(x: Interval, y: Interval) -> bool:
    return (x.end == y.start and x.kind == y.kind and x.holder == y.holder
            and x.text == y.text)  # fmt: skip


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _blocker(h: History, job, sid, seg_start, lo, hi, kind, jid, ssid, user, keys,
             full=True) -> Interval:  # fmt: skip
    backend, mine = job["backend"], job["instance"]
    reserved = h.reservation_at(backend, lo)
    outside = reserved is not None and reserved != mine
    extra = f"; the backend was reserved for {reserved} (R27)" if outside else ""
    plus = ("R27",) if outside else ()
    ssid, user = _text(ssid), _text(user)
    if kind == "calibration":
        ev = h.events
        cid = ev[(ev["event"] == "calibration_start") & (ev["backend"] == backend)
                 & (ev["time"] == seg_start)]["detail"]  # fmt: skip
        name = str(cid.iloc[0]) if len(cid) else "calibration"
        rules = ("R25", "R26") + (("R29",) if reserved else ())
        return Interval(lo, hi, kind, name, "", rules,
                        f"calibration {name} ran: a due calibration goes ahead of every user "
                        "job and is never interrupted" + extra)  # fmt: skip
    if kind == "pause":
        ev = h.events
        pid = ev[(ev["event"] == "pause_start") & (ev["backend"] == backend)
                 & (ev["time"] == seg_start)]["detail"]  # fmt: skip
        name = str(pid.iloc[0]) if len(pid) else "pause"
        return Interval(lo, hi, kind, name, "", ("R40",),
                        f"the queue was paused ({name}): a health check stopped the backend from "
                        "starting jobs until it ended" + extra)  # fmt: skip
    if kind == "idle_held":
        return Interval(lo, hi, kind, ssid, user, ("R13", "R14"),
                        f"{user}'s session {ssid} held the backend while idle, waiting for its "
                        "next job until its interactive timeout (ITTL) ran out")  # fmt: skip
    if kind == "reserved_idle":
        return Interval(lo, hi, kind, reserved or "", "", ("R27",),
                        f"the backend was reserved for {reserved}, which had nothing to run; "
                        "nobody else may use it inside the window")  # fmt: skip
    if kind == "idle":
        return _idle(h, job, lo, hi)
    # Another job had the backend.
    if seg_start < float(job["submitted"]):
        return Interval(lo, hi, kind, jid, user, ("R1",) + plus,
                        f"{jid} ({user}) was already running when this job arrived; nothing "
                        "pre-empts a running job" + extra)  # fmt: skip
    if sid and ssid == sid:
        return Interval(lo, hi, kind, jid, user, ("R1", "R13"),
                        f"{jid}, an earlier job of the same session, was running; a backend "
                        "runs one job at a time")  # fmt: skip
    rule = h.moments.at[jid, "start_rule"]
    if rule == "R5 fair share" and keys is not None:
        return _fair_share(h, job, lo, hi, jid, user, keys, extra, plus, full)
    rules, words = PICKED_BY.get(rule, ((), f"it was picked ({rule})"))
    if "R27" in rules:
        extra, plus = "", ()  # the reservation is already the reason given
    who = f"{user}'s session {ssid}" if ssid else user
    return Interval(lo, hi, kind, jid, user, rules + plus,
                    f"{jid} ({who}) ran: {words}" + extra)  # fmt: skip


def _fair_share(h: History, job, lo, hi, jid, user, keys: dict[str, Key], extra, plus, full):
    backend, mine = job["backend"], job["instance"]
    theirs = h.moments.at[jid, "instance"]
    if full:
        pos = float(h.moments.at[jid, "start_pos"])
        names = h.queued_instances(backend, pos) | {mine}
    else:  # past DETAILED picks, only the two instances concerned (a scan per pick is slow)
        names = {mine, theirs}
    competing = sorted(names, key=lambda n: (keys[n].group_key, keys[n].key, n))
    shown = tuple(keys[n] for n in competing)
    rules: tuple[str, ...] = ("R5", "R7")
    if theirs == mine:
        words = (
            f"{jid} ({user}) ran first: same instance {mine}, and inside an instance the "
            "oldest job goes first"
        )
    else:
        k_theirs, k_mine = keys[theirs], keys[mine]
        if h.over_allocation(mine, k_mine):
            rules = ("R10",)
            words = (
                f"{jid} ({user}) ran: this job's instance {mine} had used up its "
                "allocation, so fair share skipped it"
            )
        else:
            if "/" in theirs and k_theirs.group != k_mine.group:
                rules = ("R5", "R6", "R7")
            cmp = (
                "=" if (k_theirs.group_key, k_theirs.key) == (k_mine.group_key, k_mine.key) else "<"
            )
            tie = "; a tie goes to the older job" if cmp == "=" else ""
            words = (
                f"{jid} ({user}) ran: fair share put {theirs} ({_k(k_theirs)}) "
                f"{'level with' if cmp == '=' else 'ahead of'} this job's {mine} "
                f"({_k(k_mine)}){tie}"
            )
    return Interval(lo, hi, "job", jid, user, rules + plus, words + extra, shown)


def _k(key: Key) -> str:
    """A key (R7) as the part of its share an instance used: lower goes first."""
    if key.group_key != key.key:
        return (f"its group used {format_share(key.group_key)} of the group's share, "
                f"the project {format_share(key.key)} of its own")  # fmt: skip
    return f"used {format_share(key.key)} of its share"


def _idle(h: History, job, lo, hi) -> Interval:
    mine = job["instance"]
    pos = h.position_after(lo)
    key = h.keys_at([(pos, lo)])[0][mine]
    if h.over_allocation(mine, key):
        rule = "R34" if h.allocations is not None else "R10"  # a limit under ibm-2025
        return Interval(lo, hi, "idle", "", "", (rule,),
                        f"the backend was idle: {mine} had used up its allocation, so its jobs "
                        "stay queued until old usage leaves the 28-day window")  # fmt: skip
    until = h.result.scenario.until
    if until is not None and lo >= until:
        return Interval(lo, hi, "idle", "", "", (),
                        "the run had reached its `until` time: nothing new starts")  # fmt: skip
    return Interval(lo, hi, "idle", "", "", (), "the backend was idle")


def _outcome(result, h: History, job, sid: str, ran: bool) -> tuple[str, tuple[str, ...]]:
    reason = str(job["reason"] or "")
    if not ran:
        if job["status"] == "QUEUED":
            return "still queued when the run stopped", ("R4",)
        rule, words = REASON_RULES.get(reason, ("", reason))
        return f"it never ran: {job['status']} {reason} — {words}", (rule,) if rule else ()
    rule = h.moments.at[job["job_id"], "start_rule"]
    rules, words = PICKED_BY.get(rule, ((), rule))
    fair = "R34" if rule == "R34 fair share by allocation" else "R5"  # the pick's rule
    by_fair_share = rule in ("R5 fair share", "R34 fair share by allocation")
    if by_fair_share and sid and h.session_modes.get(sid) == "session":
        activations = result.events[(result.events["event"] == "session_activate")
                                    & (result.events["session_id"] == sid)]  # fmt: skip
        first = len(activations) and activations["time"].iloc[0] == job["started"]
        if first:
            rules, words = (fair, "R12"), ("as the first job of its session it waited in the "
                                           "fair-share queue like any job; its start made the "
                                           "session active")  # fmt: skip
        else:
            rules, words = (
                (fair, "R15"),
                (
                    "its session had gone inactive, so it waited in the "
                    "fair-share queue; its start reactivated the session"
                ),
            )
    text = f"started at {result_time(job['started'])}: {words}"
    if reason:
        r, w = RAN_REASON_RULES.get(reason) or REASON_RULES.get(reason, ("", reason))
        text += f"; it ended {job['status']} {reason} — {w}"
        rules = rules + ((r,) if r else ())
    elif job["wait"] == 0:
        text = f"it did not wait: {words}"
    return text, tuple(rules)


def result_time(seconds: float) -> str:
    return format_clock(float(seconds))
