"""Teaching: each figure preset shows the behaviour it teaches; "why did this job wait?" names
the right blocker and rules per interval; the replay's state at t; the explain/replay CLI.

Every expected time below is worked out by hand from the preset's constant durations and
the rules cited; none is copied from the program's output.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.analysis.explain import UnknownJob, explain
from sim.analysis.replay import state_at
from sim.cli.main import main as cli_main
from sim.experiments.tour import STEPS, compare_profiles, step, with_rules
from sim.model.units import parse_duration
from tests.helpers import job, run, session, starts

ROOT = Path(__file__).resolve().parent.parent
WINDOW = 28 * 86400.0  # R7: the fair-share window


def start_rules(result: sim.Result) -> dict[str, str]:
    ev = result.events
    s = ev[ev["event"] == "start"]
    return dict(zip(s["job_id"], s["detail"], strict=True))


def session_jobs(result: sim.Result, sid: str):
    jobs = result.jobs
    return jobs[jobs["session_id"] == sid].sort_values("submitted", kind="stable")


# --- the figure presets ----------------------------------------------------------------------


def test_fig1_only_the_first_job_of_each_session_waits_in_the_queue():
    r = sim.run(sim.preset("fig1-session-flow"))
    rules = start_rules(r)
    for sid in ("alice-vqe:session", "bob-qaoa:session"):
        jobs = session_jobs(r, sid)
        first, later = jobs.iloc[0], jobs.iloc[1:]
        # R12: the first job is picked by fair share and waited; R13: later ones never wait.
        assert rules[first["job_id"]] == "R5 fair share" and first["wait"] > 0
        assert len(later) >= 2
        assert all(rules[j] == "R13 session priority" for j in later["job_id"])
        assert (later["wait"] == 0).all()
        assert session(r, sid)["activations"] == 1
    # By hand: carol-jobs.1 runs 0–2m; at 2m lab-a (no usage) beats lab-c (120 s): alice at
    # 2m. Alice: 4 × 1m + 3 × 20s think → her session ends at 7m, when Bob's first job starts.
    s = starts(r)
    assert s["alice-vqe.1"] == 120 and s["bob-qaoa.1"] == 420
    assert s["carol-jobs.2"] == 420 + 3 * 60 + 2 * 20  # after Bob's session closes


def test_fig2_the_iterative_session_keeps_the_backend_across_iterations():
    r = sim.run(sim.preset("fig2-iterative"))
    sid = "alice-vqe:session"
    ses = session(r, sid)
    assert ses["activations"] == 1  # never lost the backend (R14: 40 s think < 60 s ITTL)
    # 4 think times of 40 s, each held idle for the session (R13, R14).
    assert ses["idle_held_seconds"] == pytest.approx(4 * 40)
    jobs = session_jobs(r, sid)
    first, last = jobs["started"].min(), jobs["finished"].max()
    assert (first, last) == (90, 90 + 5 * 60 + 4 * 40)  # after bob-jobs.1 (90 s)
    tl = r.timeline
    inside = tl[(tl["start"] >= first) & (tl["end"] <= last)]
    assert set(inside["kind"]) == {"job", "idle_held"}
    assert set(inside["session_id"]) == {sid}  # nobody else ran while she held it
    assert (r.jobs.loc[r.jobs["user"] == "bob", "started"].drop(0) >= last).all()


def test_fig3_the_batch_runs_back_to_back():
    r = sim.run(sim.preset("fig3-batch"))
    jobs = session_jobs(r, "gina-batch:session").sort_values("started")
    assert len(jobs) == 8 and (jobs["status"] == "DONE").all()
    assert jobs["started"].iloc[0] == 120  # after hugo-jobs.1 (2m); lab-g has used nothing
    # Each job starts the instant the previous one finishes: no gap, nobody in between.
    assert (jobs["started"].to_numpy()[1:] == jobs["finished"].to_numpy()[:-1]).all()
    assert jobs["finished"].iloc[-1] == 120 + 8 * 60
    assert job(r, "hugo-jobs.2")["started"] == 120 + 8 * 60


def test_fig4_pending_session_jobs_fail_when_the_reservation_ends():
    r = sim.run(sim.preset("fig4-reservation"))
    assert r.scenario.rules == "ibm-2023"
    jobs = session_jobs(r, "gina-session:session")
    # By hand: hugo-jobs.3 runs 8–12m across the window's start (R1); Gina's 4-minute jobs
    # start at 12, 16, 20, 24, 28m; the one started at 28m finishes at 32m (R28), the last
    # three are still pending at 30m and fail.
    done = jobs[jobs["status"] == "DONE"]
    failed = jobs[jobs["status"] == "ERROR"]
    assert list(done["started"]) == [720, 960, 1200, 1440, 1680]
    assert done["finished"].max() == 1920
    assert list(failed["job_id"]) == ["gina-session.6", "gina-session.7", "gina-session.8"]
    assert (failed["reason"] == "reservation_ended").all()
    ev = r.events
    at = ev[ev["job_id"].isin(failed["job_id"]) & (ev["event"] == "error")]["time"]
    assert (at == 1800).all()
    assert session(r, "gina-session:session")["end_reason"] == "reservation_ended"
    assert job(r, "hugo-jobs.4")["started"] == 1920  # others wait out the window (R27)


def test_profiles_close_fails_or_drains_the_queued_jobs():
    runs = compare_profiles(step("profiles-close"))
    old, new = runs["ibm-2023"].jobs, runs["ibm-2024"].jobs
    alice = [f"alice-session.{k}" for k in (4, 5, 6)]  # queued at close() (5m)
    assert set(old.loc[old["job_id"].isin(alice), "reason"]) == {"session_closed"}  # R17 fail
    assert (new.loc[new["job_id"].isin(alice), "status"] == "DONE").all()  # R17 drain
    # alice-session.3 runs 4–6m in both; Bob starts at 6m (old) or after all six (12m).
    assert old.set_index("job_id").at["bob-jobs.1", "started"] == 360
    assert new.set_index("job_id").at["bob-jobs.1", "started"] == 720


def test_profiles_calibration_against_an_active_session():
    runs = compare_profiles(step("profiles-calibration"))

    def cal_start(r):
        ev = r.events
        return float(ev.loc[ev["event"] == "calibration_start", "time"].iloc[0])

    # Alice's jobs: 0–2m, 2m20–4m20, 4m40–6m40 (due at 5m, during job 3). ibm-2024: the
    # calibration runs at 6m40 (R25) and her 4th job, sent at 7m, waits until 16m40 (R26).
    assert cal_start(runs["ibm-2024"]) == 400
    assert job(runs["ibm-2024"], "alice-vqe.4")["wait"] == 1000 - 420
    # ibm-current: the active session keeps it waiting until it ends at 6 × 2m + 5 × 20s.
    assert cal_start(runs["ibm-current"]) == 6 * 120 + 5 * 20
    assert (runs["ibm-current"].jobs.query("user == 'alice'")["wait"] == 0).all()


def test_every_tour_step_has_its_preset_and_job():
    assert [s.preset for s in STEPS][:4] == [
        "fig1-session-flow", "fig2-iterative", "fig3-batch", "fig4-reservation",
    ]  # fmt: skip
    for s in STEPS:
        scenario = s.scenario
        assert scenario.description and scenario.name
        assert s.job in set(sim.run(scenario).jobs["job_id"])
        if s.preset.startswith("profiles-"):
            assert s.profiles is not None and scenario.rules in s.profiles


# --- why did this job wait? (hand-worked) ---------------------------------------------------


def test_explain_fair_share_names_the_keys_and_fifo():
    # b sends two 60 s jobs at 0, a one 60 s job at 10 s. b.1 runs 0–60; at 60 lab A (no
    # usage) beats B (60 s charged): a.1 runs 60–120; b.2 last.
    r = run(
        [
            {"name": "a", "user": "a", "pattern": "batch", "jobs": 1, "quantum": 60, "start": 10},
            {"name": "b", "user": "b", "pattern": "batch", "jobs": 2, "quantum": 60},
        ]
    )
    e = explain(r, "b.2")
    assert [(i.start, i.end, i.holder) for i in e.intervals] == [(0, 60, "b.1"), (60, 120, "a.1")]
    fifo, fair = e.intervals
    assert fifo.rules == ("R5", "R7") and "oldest job" in fifo.text
    assert fair.rules == ("R5", "R7")
    keys = {k.instance: k.key for k in fair.keys}
    # R7: key = usage / (share × window); each flat instance has half the machine.
    assert keys == {"A": 0.0, "B": pytest.approx(60 / (0.5 * WINDOW))}
    a = explain(r, "a.1")
    assert [(i.start, i.end, i.rules) for i in a.intervals] == [(10, 60, ("R1",))]  # no pre-emption
    assert "R5" in a.outcome_rules


def test_explain_session_hold_and_priority():
    # a: iterative session, 2 × 60 s jobs, 30 s think, ITTL 60 s. b sends one job at 10 s.
    r = run(
        [
            {"name": "a", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 2,
             "quantum": 60, "classical": 30, "interactive_ttl": 60},
            {"name": "b", "user": "b", "pattern": "batch", "jobs": 1, "quantum": 60, "start": 10},
        ]
    )  # fmt: skip
    e = explain(r, "b.1")
    got = [(i.start, i.end, i.kind, i.holder, i.rules) for i in e.intervals]
    assert got == [
        (10, 60, "job", "a.1", ("R1",)),
        (60, 90, "idle_held", "a:session", ("R13", "R14")),  # think time inside the ITTL
        (90, 150, "job", "a.2", ("R13",)),
    ]
    assert e.wait == 140 and e.outcome_rules == ("R5", "R7")
    assert explain(r, "a.1").outcome_rules == ("R5", "R12")  # the session's first job


def test_explain_calibration_reservation_and_failure():
    # Reservation for A over [0, 100): b waits through reserved idle time and a's job (R27);
    # a calibration due at 150 takes the backend before b's second job (R25).
    r = run(
        [
            {"name": "a", "user": "a", "pattern": "batch", "jobs": 1, "quantum": 50, "start": 20},
            {"name": "b", "user": "b", "pattern": "batch", "jobs": 2, "quantum": 60},
        ],
        reservations=[{"backend": "qpu", "instance": "A", "start": 0, "end": 100}],
        backends=[{"name": "qpu", "calibrations": [{"at": 150, "duration": 30}]}],
    )
    got = [(i.start, i.end, i.kind, i.rules) for i in explain(r, "b.1").intervals]
    assert got == [
        (0, 20, "reserved_idle", ("R27",)),
        (20, 70, "job", ("R27",)),
        (70, 100, "reserved_idle", ("R27",)),
    ]
    # b.1 runs 100–160; the calibration fell due at 150, so it runs 160–190 (R25), then b.2.
    got = [(i.start, i.end, i.kind, i.rules) for i in explain(r, "b.2").intervals]
    assert got[-1] == (160, 190, "calibration", ("R25", "R26"))
    assert job(r, "b.2")["started"] == 190


def test_explain_a_failed_job_and_an_unknown_one():
    r = sim.run(sim.preset("fig4-reservation"))
    e = explain(r, "gina-session.8")
    assert e.intervals[0].rules == ("R1",)  # hugo-jobs.3 was running when it arrived
    assert e.intervals[-1].end == 1800 and e.outcome_rules == ("R28",)
    assert "reservation_ended" in e.to_text()
    outside = explain(r, "hugo-jobs.4").intervals
    assert any("R27" in i.rules for i in outside if 720 <= i.start < 1800)
    assert all("R27" not in i.rules for i in outside if i.start >= 1800)  # window over
    with pytest.raises(UnknownJob, match="nope"):
        explain(r, "nope")


# --- replay ---------------------------------------------------------------------------------


def test_state_at_running_queue_and_session_states():
    # a: iterative session, 2 × 60 s jobs, 120 s think > ITTL 60 s, so it goes inactive at
    # 120 and its second job (sent at 180) queues again (R15). b sends a 60 s job at 10 s.
    r = run(
        [
            {"name": "a", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 2,
             "quantum": 60, "classical": 120, "interactive_ttl": 60, "start": 5},
            {"name": "b", "user": "b", "pattern": "batch", "jobs": 1, "quantum": 60, "start": 10},
        ]
    )  # fmt: skip
    s = state_at(r, 3)
    assert s.sessions.empty and s.queue.empty  # nothing opened or sent yet
    s = state_at(r, 30)  # a.1 runs 5–65; b.1 waits
    assert s.backends.iloc[0][["doing", "job_id"]].tolist() == ["job", "a.1"]
    assert list(s.queue["job_id"]) == ["b.1"]
    assert s.sessions.set_index("session_id").at["a:session", "state"] == "active"
    s = state_at(r, 100)  # held during the ITTL (65–125), b.1 still waits
    assert s.backends.iloc[0]["doing"] == "idle_held"
    assert list(s.queue["job_id"]) == ["b.1"]
    s = state_at(r, 150)  # ITTL ran out at 125: inactive; b.1 runs 125–185
    assert s.sessions.set_index("session_id").at["a:session", "state"] == "inactive"
    assert s.backends.iloc[0]["job_id"] == "b.1"
    s = state_at(r, 300)  # a.2 ran 185–245, then the session closed
    assert s.sessions.set_index("session_id").at["a:session", "state"] == "closed"
    fig1 = state_at(sim.run(sim.preset("fig1-session-flow")), 190)
    states = fig1.sessions.set_index("session_id")["state"]
    assert states.to_dict() == {"alice-vqe:session": "active", "bob-qaoa:session": "pending"}
    # Bob (lab-b, no usage) ranks before Carol (lab-c, 120 s used) in the fair-share order.
    assert list(fig1.queue["job_id"])[:2] == ["bob-qaoa.1", "carol-jobs.2"]


def test_state_at_lists_a_due_calibration_first_or_behind_the_session():
    scenario = sim.preset("profiles-calibration")
    old = state_at(sim.run(scenario), 330)  # due at 300, Alice's job 3 runs until 400
    assert old.queue.iloc[0]["job_id"] == "ibm_teach/cal1"
    new = state_at(sim.run(with_rules(scenario, "ibm-current")), 330)
    row = new.queue[new.queue["job_id"] == "ibm_teach/cal1"].iloc[0]
    assert "keeps it waiting" in row["why"]


# --- command line ----------------------------------------------------------------------------


def test_cli_explain_through_python_m_sim():
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "explain", "preset:fig4-reservation", "--job",
         "gina-session.6"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "reservation_ended" in proc.stdout and "[R28]" in proc.stdout
    assert "[R1]" in proc.stdout  # hugo-jobs.3 was running when it arrived


@pytest.mark.parametrize(
    "args, code, out, err",
    [
        (["explain", "preset:fig4-reservation", "--job", "nope.1"], 2, "",
         "--job: unknown job 'nope.1'"),
        (["replay", "preset:fig1-session-flow", "--at", "3m10s"], 0,
         "1. bob-qaoa.1 (bob)", ""),
        (["explain", "preset:profiles-close", "--job", "alice-session.5", "--rules", "ibm-2023"],
         0, "session_closed", ""),
        (["replay", "preset:fig1-session-flow", "--at", "soon"], 2, "", "--at: malformed"),
        (["explain", "preset:fig1-session-flow", "--job", "x", "--rules", "ibm-1999"], 2, "",
         "--rules: unknown rule profile"),
        (["replay", "preset:nope", "--at", "1m"], 2, "", "unknown preset"),
    ],
)  # fmt: skip
def test_cli_explain_and_replay(capsys, args, code, out, err):
    assert cli_main(args) == code
    captured = capsys.readouterr()
    assert out in captured.out and err in captured.err
    assert "Traceback" not in captured.err


# --- figures -----------------------------------------------------------------------------------


def test_replay_gantt_marks_the_moment_and_the_cursor_and_clicks_select_jobs():
    from figures.replay import replay_gantt
    from figures.selection import selected_job

    r = sim.run(sim.preset("fig1-session-flow"))
    fig = replay_gantt(r.timeline, r.jobs, r.events, end_time=r.end_time, moment=120,
                       moment_label="first pick", at=190)  # fmt: skip
    shapes = {s["name"]: s for s in fig.to_dict()["layout"]["shapes"]}
    # The run lasts 1240 s (> 2 min), so the axis is in minutes: 120 s → 2, 190 s → 3.1667.
    assert shapes["moment"]["x0"] == 2 and shapes["replay_cursor"]["x0"] == pytest.approx(190 / 60)
    assert "first pick" in fig.to_dict()["layout"]["annotations"][0]["text"]
    # A click on a job bar carries the bar's customdata; its first field is the job id.
    bar = next(t for t in fig.data if t.meta == "job")
    point = {"curve_number": 0, "point_index": 0, "customdata": list(bar.customdata[0])}
    ids = set(r.jobs["job_id"])
    assert selected_job({"selection": {"points": [point]}}, ids) == bar.customdata[0][0]
    held = {"customdata": ["held by alice-vqe:session (alice)", "0:03:00"]}
    assert selected_job({"selection": {"points": [held]}}, ids) is None  # not a job bar
    assert selected_job({"selection": {"points": []}}, ids) is None
    assert selected_job(None, ids) is None


@pytest.mark.parametrize("name", ["contract-example", "reservation-window", "fig1-session-flow"])
def test_every_wait_is_covered_by_contiguous_explained_intervals(name):
    from sim.analysis.history import History

    r = sim.run(sim.preset(name))
    h = History(r)
    for row in r.jobs.iloc[::3].itertuples():  # every third job: each pattern appears often
        e = explain(r, row.job_id, h)
        if row.status in ("DONE", "ERROR") and row.started == row.started:  # it ran
            assert e.wait == pytest.approx(row.wait), row.job_id
        for x, y in zip(e.intervals, e.intervals[1:], strict=False):
            assert x.end == y.start and x.end > x.start, row.job_id
        # Every stretch names a rule, except plain idle time (none expected in these runs).
        assert all(i.rules for i in e.intervals), (row.job_id, e.to_text())


def test_replay_gantt_marks_jobs_that_failed_without_running():
    from figures.replay import replay_gantt

    r = sim.run(sim.preset("fig4-reservation"))
    fig = replay_gantt(r.timeline, r.jobs, r.events, end_time=r.end_time, moment=1800)
    (marks,) = [t for t in fig.data if t.meta == "failed"]
    # Three session jobs fail at 30 min (R28); the run lasts 44 min, so the axis is in minutes.
    # They fail together: one cross, labelled with their number, lists them in its hover.
    assert list(marks.x) == [30] and list(marks.text) == ["3 failed"]
    ((what, reasons, ids),) = marks.customdata
    assert what == "3 jobs failed at 00:30:00" and reasons == "reservation_ended"
    assert ids == "gina-session.6, gina-session.7, gina-session.8"
    assert fig.layout.annotations[0].xanchor == "right"  # 30 of 44 min: label leans left


# --- the tour's text: every number it states comes from the run (issue #13) ----------------

_COUNT_WORDS = {w: n for n, w in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
])}  # fmt: skip
_DURATION_TEXT = re.compile(r"\b\d+(?:\.\d+)?[smhd](?:\s+\d+(?:\.\d+)?[smhd])*\b")


def stated_numbers(text: str) -> set[tuple[str, float]]:
    """Every number ``text`` states: ("duration", seconds) for ``10m`` or ``1h 30m``,
    ("count", n) for ``7`` or ``seven``. Rule references (R13) and profile names (ibm-2023)
    are names, not claims."""
    text = re.sub(r"\bR\d+\b|\bibm-\d{4}\b", " ", text)
    found = {("duration", parse_duration(m)) for m in _DURATION_TEXT.findall(text)}
    text = _DURATION_TEXT.sub(" ", text)
    found |= {("count", float(x)) for x in re.findall(r"\d+(?:\.\d+)?", text)}
    words = re.findall(r"[a-z]+", text.lower())
    return found | {("count", float(_COUNT_WORDS[w])) for w in words if w in _COUNT_WORDS}


def _reservation_in_force(r: sim.Result, t: float) -> bool:
    return state_at(r, t).queue["why"].str.contains("reservation").any()


def replay_numbers(s, r: sim.Result) -> set[tuple[str, float]]:
    """What the replay of the step's run shows at the step's moment, read independently of
    sim.experiments.tour's claims (other tables, other columns where there is a choice)."""
    now = state_at(r, s.moment)
    (backend,) = now.backends.to_dict("records")
    if s.preset == "fig1-session-flow":
        return set()
    if s.preset == "fig2-iterative":
        assert backend["doing"] == "idle_held"  # "the backend stays reserved" between jobs
        ses = session(r, backend["session_id"])
        return {("duration", backend["until"] - backend["since"]),
                ("duration", ses["interactive_ttl"])}  # fmt: skip
    if s.preset == "fig3-batch":
        queued = now.queue[now.queue["session_id"] == backend["session_id"]]
        assert backend["job_id"] == "gina-batch.1"  # only the first waited for its turn
        return {("count", len(queued))}
    if s.preset == "fig4-reservation":
        # The window, as the replay's queue reasons show it (R27), searched minute by minute.
        start = 0.0
        while not _reservation_in_force(r, start):
            start += 60
        end = start
        while _reservation_in_force(r, end):
            end += 60
        assert not _reservation_in_force(r, start - 1) and _reservation_in_force(r, end - 1)
        assert state_at(r, start).backends.at[0, "user"] == "hugo"  # his job is not stopped
        assert backend["user"] == "gina" and job(r, backend["job_id"])["status"] == "DONE"
        just_before = state_at(r, s.moment - 0.001).queue
        waiting = just_before[just_before["session_id"] == backend["session_id"]]
        return {("duration", start), ("duration", end), ("count", len(waiting))}
    if s.preset == "profiles-close":
        sid = backend["session_id"]
        assert backend["doing"] == "job" and sid == "alice-session:session"
        queued = now.queue[now.queue["session_id"] == sid]
        return {("count", len(queued)), ("count", 1), ("count", session(r, sid)["jobs"])}
    if s.preset == "profiles-calibration":
        assert now.sessions.at[0, "state"] == "active"  # "while the session is active"
        assert "ibm_teach/cal1" in set(now.queue["job_id"])  # it has fallen due
        cal = r.timeline[r.timeline["kind"] == "calibration"].iloc[0]
        return {("duration", cal["end"] - cal["start"])}
    raise AssertionError(f"no replay reading for step {s.preset}")


# Worked out by hand from the preset files: fig2's classical step is 40 s and its ITTL 60 s;
# fig3's batch has 8 jobs, the first running; fig4's window is 10–30 min and jobs 6–8 of 4
# minutes each (starts 12, 16, 20, 24, 28 min) are still waiting at 30 min; profiles-close's
# 2-minute jobs from 0 mean that at 5 min jobs 1–2 are done, 3 runs and 4–6 are queued;
# profiles-calibration's calibration lasts 10 min.
BY_HAND = {
    "fig1-session-flow": set(),
    "fig2-iterative": {("duration", 40), ("duration", 60)},
    "fig3-batch": {("count", 7)},
    "fig4-reservation": {("duration", 600), ("duration", 1800), ("count", 3)},
    "profiles-close": {("count", 3), ("count", 1), ("count", 6)},
    "profiles-calibration": {("duration", 600)},
}


@pytest.mark.parametrize("s", STEPS, ids=lambda s: s.preset)
def test_every_number_a_tour_step_states_is_the_replays(s):
    r = sim.run(s.scenario)
    text = s.explain(r)
    assert "{" not in text and "}" not in text  # every placeholder filled
    assert stated_numbers(text) == replay_numbers(s, r) == BY_HAND[s.preset], text


def test_profiles_close_step_says_three_queued_and_one_running():
    """The wrong fact of issue #13: at close() (5m) three of the six jobs are queued."""
    s = step("profiles-close")
    text = s.explain(sim.run(s.scenario))
    assert "three of her six session jobs are still queued and one is running" in text
    assert "four" not in text


@pytest.mark.parametrize("s", STEPS, ids=lambda s: s.preset)
def test_tour_texts_type_no_numbers(s):
    """A number typed into a step's text or label would not follow the run: none may be."""
    blank = collections.defaultdict(str)
    assert stated_numbers(s.template.format_map(blank)) == set()
    assert stated_numbers(s.moment_label) == set()


def test_explain_and_replay_write_keys_as_shares_and_times_as_clocks():
    """Issue 13 item 8: keys read as a part of the share, times in the dashboard's one format."""
    r = run(
        [
            {"name": "a", "user": "a", "pattern": "batch", "jobs": 1, "quantum": 60, "start": 10},
            {"name": "b", "user": "b", "pattern": "batch", "jobs": 2, "quantum": 60},
        ]
    )
    e = explain(r, "b.2")
    # B's key at 60 s: 60 s / (0.5 × 28 days = 1,209,600 s) = 4.96e-05, i.e. 0.00496 %.
    assert e.intervals[1].text == (
        "a.1 (a) ran: fair share put A (used 0 % of its share) ahead of this job's B "
        "(used 0.00496 % of its share)"
    )
    text = e.to_text()
    assert "submitted at 00:00:00" in text and "waited 00:02:00:" in text
    assert "  00:01:00 – 00:02:00 (00:01:00): a.1 (a) ran" in text
    assert "then: started at 00:02:00: fair share picked it [R5, R7]" in text
    # The tour's queue at 90 s: a.1 runs, b.2 waits with B's 60 s charged.
    why = state_at(r, 90).queue.set_index("job_id").at["b.2", "why"]
    assert why == "fair share: B used 0.00496 % of its share (R5–R7)"
