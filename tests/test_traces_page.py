"""Issue 18: the Validation page's pieces without a browser — the upload path (1 MB limit,
errors as messages), the Q-Q figure and the table (tests/test_browser_validation.py drives
the page itself)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from figures.validation import qq_figure, quantile_table
from sim.traces import TraceError, read
from sim.traces.validate import compare, validate_upload

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures" / "traces"


def test_upload_limit_and_errors():
    with pytest.raises(TraceError) as err:
        validate_upload(b"x" * 1_000_001, "csv")
    assert err.value.field == "upload" and "1 MB" in str(err.value)
    with pytest.raises(TraceError) as err:
        validate_upload(b"run_time,queue_time\n", "quantumqueue")
    assert (err.value.line, err.value.field) == (1, "machine")
    comparison, cal = validate_upload((FIX / "quantumqueue.csv").read_bytes(), "quantumqueue")
    assert cal is None and list(comparison.table.machine) == ["ibmq_paris", "ibmq_rome", "all"]


def test_qq_figure_draws_the_quantiles_and_the_diagonal():
    # Paris without background (test_traces_validate): observed {0, 120}, simulated {0, 15}
    # per replication; the 50 % point is (60, 7.5) seconds — below the diagonal.
    c = compare(read(FIX / "quantumqueue.csv", "quantumqueue"), reps=1)
    fig = qq_figure(c.qq, "ibmq_paris")
    diagonal, points = fig.data
    assert list(diagonal.x) == list(diagonal.y)
    assert len(points.x) == 99
    assert (points.x[49], points.y[49]) == (60.0, 7.5)
    assert fig.layout.xaxis.title.text == "observed wait (s)"
    assert fig.layout.xaxis.range == fig.layout.yaxis.range
    table = quantile_table(c.table)
    assert table.loc[0, "p50 obs. s"] == 60 and table.loc[0, "p50 sim. s"] == 7.5


def test_page_renders_without_an_upload():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/validation.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Validation"
    assert not at.error
