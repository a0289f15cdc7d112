"""The ``platform-2025`` preset shows what its description says (issue 15's dashboard preset):
each claim checked against values worked out by hand from the rules, not read off a run."""

from __future__ import annotations

import pytest

import sim

OVERHEAD = 2.0  # job_overhead_seconds under ibm-2025 (R38)


@pytest.fixture(scope="module")
def result():
    return sim.run(sim.preset("platform-2025"))


def _jobs(result, workload):
    j = result.jobs
    return j[j["workload"] == workload].reset_index(drop=True)


def test_the_open_class_stops_after_its_ten_minutes(result):
    """R35: 10 minutes per 28 days. Each homework job locks the QPU 2 min + 2 s = 122 s; four
    use 488 s (under 600), the fifth brings it to 610 s: it finishes, and the other three are
    never started (a limit stops starting, nothing is cancelled)."""
    hw = _jobs(result, "homework")
    assert list(hw["status"]) == ["DONE"] * 5 + ["QUEUED"] * 3
    assert (hw["finished"] - hw["started"]).dropna().tolist() == [120 + OVERHEAD] * 5


def test_the_long_job_is_cancelled_while_it_runs(result):
    """R37: cancelled at 1h15m = 4500 s while running; it stops at once and is charged the
    time it held the QPU (R38)."""
    [job] = _jobs(result, "long-job").itertuples()
    assert job.started < 4500 and job.finished == 4500
    assert (job.status, job.reason) == ("CANCELLED", "user_cancelled")
    charges = result.charges
    [charged] = charges.loc[charges["job_id"] == job.job_id, "seconds"]
    assert charged == pytest.approx(4500 - job.started)


def test_the_pay_as_you_go_session_stops_mid_job_at_its_cost_limit(result):
    """R39: 7 min 30 s = 450 s of usage; a session bills wall-clock time while active (R9), so
    the limit falls 450 s after its first activation, inside a running job."""
    [s] = result.sessions.itertuples()
    assert (s.end_reason, s.usage_seconds) == ("cost_limit", 450.0)
    loop = _jobs(result, "paid-loop")
    stopped = loop[loop["reason"] == "cost_limit"]
    assert list(stopped["status"]) == ["CANCELLED"]
    assert stopped["finished"].iloc[0] == pytest.approx(s.activated + 450)
    assert stopped["started"].iloc[0] < s.activated + 450


def test_the_startup_waits_less_than_the_lab(result):
    """R34: the Flex startup has used 2 h of 10 (20 %), the Premium lab 12 h of 20 (60 %);
    with the same load the startup's jobs are picked first and wait less on average."""
    startup = _jobs(result, "startup-stream")["wait"].mean()
    lab = _jobs(result, "lab-stream")["wait"].mean()
    assert startup < lab
