"""Replications that run across Streamlit reruns, so a running sweep can be stopped.

A Streamlit script cannot be interrupted from inside a long computation, but a button click
does interrupt it at the next ``st`` call and reruns the page. So a sweep runs in chunks: each
script run does the next runs for about a second (``st.progress`` advancing as each finishes),
keeps the rows in ``st.session_state`` and calls ``st.rerun()`` to continue. "Stop" (a button
callback) clears the running flag before the next chunk; "Resume" sets it again, and the
partial results stay on screen meanwhile. Each run goes to a bounded child process
(:mod:`sim.experiments.worker`), killed when the script run stops; a run over its limits stops the
sweep
with a message naming the limit. The runs themselves are ``sim.experiments.runs`` tasks, so
the numbers are those of the CLI with the same seeds.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import pandas as pd
import streamlit as st

from sim.analysis.measures import run_metrics
from sim.experiments import runs as experiments
from sim.experiments import worker
from ui import state

CHUNK_SECONDS = 1.0  # how long one script run computes before handing back to Streamlit


@dataclass
class Sweep:
    """A sweep in progress (or finished), kept in ``st.session_state``."""

    signature: str
    todo: list[experiments.Task]
    params: list[str]
    warmup: float
    rows: list[dict] = field(default_factory=list)
    done: int = 0
    running: bool = True
    error: str = ""  # why the sweep stopped on its own (a run over its limits)

    @property
    def complete(self) -> bool:
        return self.done == len(self.todo)

    def frame(self) -> pd.DataFrame:
        """The rows in the order ``sim.experiments.runs.run_tasks`` gives: by point, then
        replication (the runs themselves went replication-major)."""
        rows = pd.DataFrame(self.rows)
        if rows.empty:
            return rows
        return rows.sort_values(["point", "rep"], kind="stable").reset_index(drop=True)


def current(key: str, signature: str | None = None) -> Sweep | None:
    """The sweep stored under ``key``; None if there is none or it was made for other settings."""
    sweep = st.session_state.get(key)
    if sweep is None or (signature is not None and sweep.signature != signature):
        return None
    return sweep


def start(key: str, todo: Sequence[experiments.Task], signature: str, params: list[str],
          warmup: float) -> None:  # fmt: skip
    st.session_state[key] = Sweep(signature, list(todo), params, warmup)


def stop(key: str) -> None:
    if (sweep := st.session_state.get(key)) is not None:
        sweep.running = False


def resume(key: str) -> None:
    if (sweep := st.session_state.get(key)) is not None and not sweep.complete:
        sweep.running = True


def advance(key: str, budget: float = CHUNK_SECONDS) -> Sweep | None:
    """Run the next tasks of a running sweep for about ``budget`` seconds and show progress.
    Returns the sweep (possibly partial); call :func:`keep_going` at the end of the page."""
    sweep = st.session_state.get(key)
    if sweep is None:
        return None
    total = len(sweep.todo)
    bar = st.progress(sweep.done / total if total else 1.0, text=_text(sweep))
    if sweep.error:
        st.error(sweep.error)
    if not sweep.running or sweep.complete:
        return sweep
    sweep.error = ""
    measure = partial(run_metrics, warmup=sweep.warmup)
    began = time.monotonic()
    while sweep.running and not sweep.complete and time.monotonic() - began < budget:
        task = sweep.todo[sweep.done]
        # One run at a time, in a bounded child process (sim.experiments.worker) that Stop kills.
        try:
            rows = worker.run_task(task, measure, cancel=state.stop_check())
        except worker.RunBudgetError as err:
            sweep.running = False
            sweep.error = f"Run {sweep.done + 1} stopped the sweep:\n" + "\n".join(
                f"- {p}" for p in err.problems)  # fmt: skip
            st.error(sweep.error)
            break
        sweep.rows.extend(rows)
        sweep.done += 1
        bar.progress(sweep.done / total, text=_text(sweep))
    if sweep.complete:
        sweep.running = False
    return sweep


def keep_going(key: str) -> None:
    """At the end of the page (after the partial results are drawn): rerun it for the next
    chunk if the sweep is still running."""
    sweep = st.session_state.get(key)
    if sweep is not None and sweep.running and not sweep.complete:
        st.rerun()


def _text(sweep: Sweep) -> str:
    state = "done" if sweep.complete else ("running" if sweep.running else "stopped")
    return f"{sweep.done} of {len(sweep.todo)} runs ({state})"
