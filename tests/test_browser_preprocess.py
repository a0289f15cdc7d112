"""Issue 15 in Chromium: the Timeline draws a queue pause (R40) as its own kind beside a
calibration, and each job's pre-processing (R41) as a thin bar in a lane row under the backend,
before its QPU bar. The screenshot is kept in the test's tmp dir (``timeline.png``) to look at.

Hand-worked (ibm-2025, 5 lanes): w.1..w.6 (quantum 10, preprocess 30) at 0 → lanes 1–5 0–30,
w.6 in lane 1 30–60. QPU: w.1 30–40, w.2 40–50; the pause due at 45 waits for w.2 (R1): 50–70;
the calibration due at 60 waits behind it in the backend's one queue of system jobs: 70–85;
then w.3 85–95, w.4 95–105, w.5 105–115, w.6 (queued since 60) 115–125.
"""

from __future__ import annotations

import pytest
import yaml

import sim
from tests.browser import TIMEOUT_MS, Session
from tests.test_browser import GANTTS_DRAWN, NEXT_FRAME

pytestmark = pytest.mark.browser

SCENARIO = {
    "name": "pauses and lanes",
    "rules": "ibm-2025",
    "overrides": {"job_overhead_seconds": 0},  # R38's 2 s per job is not what is drawn here
    "backends": [{"name": "ibm_lanes", "pauses": [{"at": 45, "duration": 20}],
                  "calibrations": [{"at": 60, "duration": 15}]}],
    "instances": [{"name": "A", "allocation": "10h"}],
    "users": [{"name": "ann", "instance": "A"}],
    "workloads": [{"name": "w", "user": "ann", "backend": "ibm_lanes", "pattern": "batch",
                   "mode": "job", "jobs": 6, "quantum": 10, "preprocess": 30}],
}  # fmt: skip

# Per trace kind: [base, width] of each bar in the chart's time unit (minutes for a run of about
# two minutes), and the row labels, read from Plotly's own data.
BARS = """gd => {
    const out = {};
    for (const t of gd._fullData) {
        if (t.type !== 'bar') continue;
        (out[t.meta] = out[t.meta] || []).push(...t.base.map((b, i) => [b, t.x[i]]));
    }
    return {bars: out, labels: gd._fullLayout.yaxis.ticktext};
}"""


def test_timeline_draws_pauses_and_preprocessing_lanes(server, browser, tmp_path):
    path = tmp_path / "lanes.yaml"
    path.write_text(yaml.safe_dump(SCENARIO, sort_keys=False))
    result = sim.run(sim.load(path))
    qpu = dict(zip(result.jobs["job_id"], result.jobs["started"], strict=True))
    assert qpu == {"w.1": 30.0, "w.2": 40.0, "w.3": 85.0, "w.4": 95.0, "w.5": 105.0,
                   "w.6": 115.0}  # fmt: skip
    tab = Session(browser, server)
    try:
        page = tab.page
        tab.upload_and_run(path, SCENARIO["name"])
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Timeline").click()
        page.wait_for_function(GANTTS_DRAWN, arg=1, timeout=TIMEOUT_MS, polling=100)
        tab.settle("Timeline")
        page.evaluate(NEXT_FRAME)
        gd = page.locator(".js-plotly-plot").first
        gd.screenshot(path=str(tmp_path / "timeline.png"))
        drawn = gd.evaluate(BARS)
        assert gd.evaluate("gd => gd._fullLayout.xaxis.title.text").endswith("(min)")
        seconds = {k: sorted([round(b * 60, 6), round(w * 60, 6)] for b, w in v)
                   for k, v in drawn["bars"].items()}  # fmt: skip
        assert drawn["labels"][:3] == ["ibm_lanes", "↳ pre-processing 1", "↳ pre-processing 2"]
        assert seconds["pause"] == [[50, 20]]
        assert seconds["calibration"] == [[70, 15]]
        # Six pre-processing bars: five from 0 for 30 s, w.6's from 30 (lane 1).
        assert seconds["preprocess"] == [[0, 30]] * 5 + [[30, 30]]
        assert seconds["job"] == [[30, 10], [40, 10], [85, 10], [95, 10], [105, 10], [115, 10]]
        # The jobs table below: RUNNING since (R41) right before the QPU start.
        table = page.locator('[data-testid="stDataFrame"]').last
        table.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        table.screenshot(path=str(tmp_path / "jobs.png"))
        assert not tab.errors, "\n".join(tab.errors)
    finally:
        tab.close()
