"""The dashboard starts, runs its scenario and shows a table, without raising."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

# AppTest resolves relative paths against this file, not the working directory.
DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"


def test_dashboard_runs_and_shows_a_dataframe():
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe) >= 1
