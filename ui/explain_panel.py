""" "Why did this job wait?" in the dashboard: pick a job (click on the Gantt or a list) and
show its wait interval by interval, with the rules (``sim.analysis.explain``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import sim
from figures.selection import selected_job
from figures.timefmt import clock, duration
from sim.analysis.explain import explain
from sim.model.units import format_share
from ui import widgets
from ui.text import md

WHY_PX = 300  # the "why" column, wrapped so that no explanation is cut off
LIST_LIMIT = 5000  # above this many jobs a text box replaces the list (a huge list is slow)


def clicked_job(events: list, result: sim.Result) -> str | None:
    """The job clicked in any of the given ``st.plotly_chart`` selection events."""
    if not any(((e or {}).get("selection") or {}).get("points") for e in events):
        return None  # nothing clicked: skip building the set of ids (100k on a big run)
    ids = set(result.jobs["job_id"])
    for event in events:
        job = selected_job(event, ids)
        if job is not None:
            return job
    return None


def pick(result: sim.Result, clicked: str | None, key: str, default: str | None = None) -> str:
    """A job picker that follows clicks on the Gantt; returns the chosen job id ("" if none)."""
    count = len(result.jobs)
    if not count:
        return ""
    last = f"{key}__last_click"
    if clicked is not None and clicked != st.session_state.get(last):
        st.session_state[key] = clicked  # a new click wins over the list's old choice
    st.session_state[last] = clicked
    if count > LIST_LIMIT:
        # Nothing explained until asked: on a big run, explaining a job rebuilds the scheduler's
        # history from the whole event log (about a second per 100k jobs).
        st.session_state.setdefault(key, default or "")
        return st.text_input(
            "Job id", key=key, placeholder="type a job id, or click a job on the chart"
        ).strip()
    ids = list(result.jobs["job_id"])
    if st.session_state.get(key) not in ids:
        st.session_state[key] = default if default in ids else ids[0]
    return st.selectbox("Job", ids, key=key, help="or click a job's bar on the chart")


def show(result: sim.Result, job_id: str, history=None) -> None:
    """The explanation of one job, or an inline error for an unknown id."""
    try:
        e = explain(result, job_id, history)
    except sim.analysis.explain.UnknownJob as err:
        st.error(md(err))  # it quotes the id typed
        return
    status = e.status + (f" ({e.reason})" if e.reason else "")
    st.markdown(
        f"**{md(e.job_id)}** — {md(e.user)}, instance {md(e.instance)}, on {md(e.backend)}; "
        f"submitted at "
        f"{clock(e.submitted)}; {status}; waited {duration(e.wait)}."
    )
    if e.intervals:
        # "user" is left out: the why names it, and its width goes to the why.
        widgets.table(e.table().drop(columns="user"), wrap={"why": WHY_PX})
        fair = [i for i in e.intervals if i.keys]
        if fair:
            with st.expander("Fair-share keys at each pick (R5–R7: the smaller part used goes "
                             "first)"):  # fmt: skip
                rows = [
                    {"at": i.start, "picked": i.holder, "instance": k.instance,
                     "group: share used": format_share(k.group_key),
                     "share used": format_share(k.key), "usage": k.used}
                    for i in fair for k in i.keys
                ]  # fmt: skip
                widgets.table(pd.DataFrame(rows))
    rules = f" ({', '.join(e.outcome_rules)})" if e.outcome_rules else ""
    st.markdown(f"Then: {md(e.outcome)}{rules}.")
