"""Fast paths written for speed (issue #6) against the plain versions they replace: each
must give exactly what the plain one gives."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import sim
from sim.analysis.csvfile import to_csv


def test_csv_writer_gives_pandas_bytes_for_awkward_values():
    frame = pd.DataFrame({
        "t": [0.1, math.nan, math.inf, -math.inf, -0.0, 5e-324, 1e16, 123456789.125, 1e-5, 3.0],
        "text": ["a,b", 'say "hi"', "", None, "x", "y\nz", "s", "t", "u", "v"],
        "n": range(10),
        "half": [0.5, None] * 5,
    })  # fmt: skip
    for f in (frame, frame.iloc[:0], frame[["text", "n"]]):
        assert to_csv(f) == f.to_csv(index=False, float_format="%.17g")


def test_csv_writer_gives_pandas_bytes_for_every_result_table(tmp_path):
    result = sim.run(sim.preset("fig4-reservation"))
    for name in ("jobs", "sessions", "timeline", "events"):
        frame = getattr(result, name)
        assert to_csv(frame) == frame.to_csv(index=False, float_format="%.17g"), name
    paths = result.save(tmp_path)
    jobs_csv = next(p for p in paths if p.name == "jobs.csv")
    assert jobs_csv.read_text() == result.jobs.to_csv(index=False, float_format="%.17g")


def plain_timeline_rows(result) -> list[tuple]:
    """The timeline the straightforward way: walk each backend's busy segments in (start, end)
    order, filling the idle time before each with the idle labels it overlaps."""
    from sim.analysis.results import _IDLE_EVENTS

    ev, jobs, end = result.events, result.jobs, result.end_time
    opened = ev[ev["event"] == "session_open"]
    # Each session's mode read from the events table's text, as a user of the CSV would.
    pairs = zip(opened["session_id"], opened["detail"], strict=True)
    mode = {sid: dict(p.split("=", 1) for p in detail.split(";"))["mode"] for sid, detail in pairs}
    rows = []
    for backend in [b.name for b in result.scenario.backends]:
        on = ev[ev["backend"] == backend]
        ran = jobs[(jobs["backend"] == backend) & jobs["started"].notna()]
        busy = [(a, z, "job", j, s, u) for j, s, u, a, z in
                zip(ran["job_id"], ran["session_id"], ran["user"], ran["started"],
                    ran["finished"], strict=True)]  # fmt: skip
        cs = on.loc[on["event"] == "calibration_start", "time"].tolist()
        ce = on.loc[on["event"] == "calibration_end", "time"].tolist()
        busy += [(a, ce[i] if i < len(ce) else end, "calibration", None, None, None)
                 for i, a in enumerate(cs)]  # fmt: skip
        busy.sort(key=lambda seg: (seg[0], seg[1]))
        labels = result._idle_labels(on[on["event"].isin(_IDLE_EVENTS)], mode, end)

        def idle(a, z, backend=backend, labels=labels):
            for la, lz, kind, sid, user in labels:
                lo, hi = max(a, la), min(z, lz)
                if hi > lo:
                    rows.append((backend, lo, hi, kind, None, sid, user))

        cursor = 0.0
        for seg in busy:
            idle(cursor, seg[0])
            rows.append((backend, *seg))
            cursor = max(cursor, seg[1])
        idle(cursor, end)
    return rows


def _same(a, b) -> bool:
    """Equal, with None and NaN both meaning an empty cell."""

    def missing(x) -> bool:
        return x is None or (isinstance(x, float) and math.isnan(x))

    return (missing(a) and missing(b)) or a == b


@pytest.mark.parametrize("name", ["fig1-session-flow", "fig4-reservation", "profiles-calibration",
                                  "vqe-vs-background", "iterative-vs-batch"])  # fmt: skip
def test_timeline_matches_the_plain_walk(name):
    result = sim.run(sim.preset(name))
    fast = list(result.timeline.itertuples(index=False, name=None))
    plain = plain_timeline_rows(result)
    assert len(fast) == len(plain) > 0
    for f, p in zip(fast, plain, strict=True):
        assert all(_same(x, y) for x, y in zip(f, p, strict=True)), (f, p)
