"""The "Your program" page (issue 17), headless: a recorded trace placed on a backend of the
current scenario, shown as a session, a batch and plain jobs; bad input is refused inline."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.kernel.trace import read_workload, variants
from tests.test_pages import specs, start

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "vqe_session.trace.yaml"


def test_without_a_program_the_page_says_what_to_do():
    at = start("vqe-vs-background", "your_program")
    assert at.title[0].value == "Your program"
    assert at.info and not specs(at)


def test_the_example_shows_three_arms_with_the_runs_measures():
    at = start("vqe-vs-background", "your_program")
    at.button(key="program_example").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    assert list(table.columns) == ["measure", "session", "batch", "plain jobs"]
    # The table's numbers are those of the runs the page placed (same scenario, same seed).
    spec = read_workload(EXAMPLE.read_bytes())
    runs = {k: sim.run(s) for k, s in variants(sim.preset("vqe-vs-background"), spec,
                                               "ibm_alpha", "alice", 1800.0).items()}  # fmt: skip
    jobs = runs["session"].jobs
    assert (jobs.workload == "vqe_session").sum() == 10
    plain = runs["plain jobs"].jobs
    assert set(plain[plain.workload == "vqe_session"]["mode"]) == {"job"}
    assert len(specs(at)) == 4 + 3  # four measure charts, three Gantts


def test_a_bad_start_is_refused_beside_the_field():
    at = start("vqe-vs-background", "your_program")
    at.button(key="program_example").click().run()
    at.text_input(key="program_start").set_value("soon").run()
    assert not at.exception
    assert any("Starting at" in e.value for e in at.error)
