"""The scenario editor's widgets: general fields and one ``st.data_editor`` per table, with
each validation problem shown right below the input that caused it.

What the user typed is kept: the tables are text, the editors keep their edits in widget
state, and the last edits are kept as drafts so that they survive a visit to another page.
Loading a preset or a file bumps the editor generation, which reloads every input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

import sim
from ui import editor, state
from ui.text import md

DRAFTS = "editor_drafts"  # widget key → last value (survives leaving the page)
BASES = "editor_bases"  # widget key → the DataFrame the data editor was mounted with

DURATION_HELP = "a duration: 90 (seconds), 90s, 20m, 1h 30m, 2d"
DISTRIBUTION_HELP = (
    "30s, or {exponential: 20s}, {uniform: [45s, 90s]}, {normal: {mean: 40s, sd: 10s}}, "
    "{lognormal: {mean: M, sd: S}}, {gamma: {mean: M, sd: S}}, {choice: [10s, 20s]}"
)
TITLES = {
    "backends": ("Backends", "Quantum processors; each runs one job at a time (R1)."),
    "calibrations": (
        "Calibrations",
        "One-off (`at`) or periodic (`every`, `first_at`) system jobs on a backend (R25).",
    ),
    "pauses": (
        "Queue pauses",
        "A health check stops the job queue for `duration` (R40): one-off or periodic, "
        "queued with the calibrations.",
    ),
    "instances": (
        "Instances",
        "Fair-share entities `hub/group/project` (or flat names): share weight, prior usage "
        "`used` in the 28-day window, plan, optional allocation (R5–R10). Under ibm-2025 a "
        "name is just a name; plans flex and payg, `limit` and `cost_limit` (R34, R39).",
    ),
    "users": ("Users", "Each user submits through one instance."),
    "workloads": (
        "Workloads",
        "What users submit: `iterative` loops, `batch`es or Poisson `stream`s, as plain jobs, "
        "in a session or in batch mode (R11–R24, R30–R32).",
    ),
    "reservations": (
        "Reservations",
        "Windows when only one instance runs on a backend (R27, R28).",
    ),
    "actions": (
        "Session actions",
        "`close`, `cancel` or `cancel_job` at a given time (R17–R19; "
        "under ibm-2025 `cancel_job` also stops a running job, R37).",
    ),
}


def _text(help: str | None = None, label: str | None = None):
    return st.column_config.TextColumn(label, help=help)


def _choice(options: list[str], help: str | None = None):
    return st.column_config.SelectboxColumn(options=options, help=help)


COLUMNS: dict[str, dict[str, Any]] = {
    "backends": {"name": _text("backend name, e.g. ibm_alpha")},
    "calibrations": {
        "backend": _text("the backend's name"),
        "at": _text("one-off: when (" + DURATION_HELP + ")"),
        "every": _text("periodic: the period"),
        "first_at": _text("periodic: the first occurrence (default: one period in)"),
        "duration": _text(DURATION_HELP),
    },
    "pauses": {
        "backend": _text("the backend's name"),
        "at": _text("one-off: when (" + DURATION_HELP + ")"),
        "every": _text("periodic: the period"),
        "first_at": _text("periodic: the first occurrence (default: one period in)"),
        "duration": _text("how long the queue stays paused (" + DURATION_HELP + ")"),
    },
    "instances": {
        "name": _text("hub/group/project, or a flat name"),
        "share": st.column_config.NumberColumn(help="share weight (> 0)", min_value=0.0),
        "used": _text("prior usage in the fair-share window (" + DURATION_HELP + ")"),
        "plan": _choice(["premium", "open", "flex", "payg"]),
        "allocation": _text(
            "optional: usage per 28 days; a limit under the older profiles (R10), the "
            "fair-share basis under ibm-2025 (R34)"
        ),
        "limit": _choice(["true", "false"], "ibm-2025 (R34): the allocation is also a limit"),
        "cost_limit": _text("Pay-As-You-Go only (ibm-2025, R39): runtime seconds in all"),
    },
    "users": {"name": _text(), "instance": _text("the instance's name")},
    "workloads": {
        "name": _text(),
        "user": _text("a user's name"),
        "backend": _text("a backend's name"),
        "pattern": _choice(["iterative", "batch", "stream", "trace", "replay"]),
        "mode": _choice(["job", "session", "batch"]),
        "jobs": st.column_config.NumberColumn(
            help="number of jobs (iterative, batch; optional cap for a stream)",
            min_value=1,
            step=1,
            format="%d",
        ),
        "rate": _text("stream arrivals: 20/h, 3/m or a number per second"),
        "start": _text("when the workload starts (" + DURATION_HELP + ")"),
        "stop": _text("stream: no arrivals from then on"),
        "quantum": _text("quantum time per job: " + DISTRIBUTION_HELP),
        "classical": _text("iterative: think time between a result and the next job"),
        "interactive_ttl": _text("session: interactive timeout (default from the profile)"),
        "max_time": _text("session/batch: maximum time (≤ 8h)"),
        "max_execution_time": _text("per job time limit (R3)"),
        "close": _choice(["after_last", "never"]),
        "open_at": _text("session: when it is opened (default: the workload's start)"),
        "trace": _text("pattern trace: a recorded program's steps (YAML from sim record)"),
        "replay": _text("pattern replay: recorded jobs at absolute times (sim trace import)"),
        "preprocess": _text(
            "classical pre-processing per job, in the backend's lanes before the QPU (R41; "
            "ignored where the profile has no lanes)"
        ),
    },
    "reservations": {
        "backend": _text(),
        "instance": _text("the instance that has the backend"),
        "start": _text(DURATION_HELP),
        "end": _text(DURATION_HELP),
    },
    "actions": {
        "workload": _text(),
        "at": _text(DURATION_HELP),
        "do": _choice(["close", "cancel", "cancel_job"]),
        "job": st.column_config.NumberColumn(
            help="cancel_job: the job number (1 = first)", min_value=1, step=1, format="%d"
        ),
    },
}


WIDTHS = {
    ("backends", "calibrations", "pauses"): [1, 2, 2],
    ("instances", "users"): [3, 2],
    ("reservations", "actions"): [1, 1],
}


def _key(name: str) -> str:
    return f"editor:{state.editor_generation()}:{name}"


def _drafts() -> dict[str, Any]:
    """Drafts of the current generation only (older ones belong to a replaced scenario)."""
    prefix = _key("")
    drafts = st.session_state.setdefault(DRAFTS, {})
    for key in [k for k in drafts if not k.startswith(prefix)]:
        del drafts[key]
    return drafts


def _start_value(key: str, fresh: Any) -> Any:
    """What an input starts from when it is (re)mounted: the draft, else the scenario."""
    return _drafts().get(key, fresh)


def table(name: str, fresh: pd.DataFrame) -> pd.DataFrame:
    """One editable table; returns the edited DataFrame."""
    key = _key(name)
    bases = st.session_state.setdefault(BASES, {})
    if key not in st.session_state or key not in bases:
        # Mounting (first visit, new scenario, or back from another page): start from the
        # last draft so that unapplied edits are not lost.
        bases[key] = _start_value(key, fresh).reset_index(drop=True)
    title, caption = TITLES[name]
    st.markdown(f"**{title}** — {caption}")
    edited = st.data_editor(
        bases[key],
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=COLUMNS[name],
        column_order=editor.TABLES[name],
    )
    _drafts()[key] = edited
    return edited


def general(fresh: Mapping[str, Any]) -> dict[str, Any]:
    """The general fields; returns their values."""
    values: dict[str, Any] = {}

    def start(field: str) -> Any:
        return _start_value(_key(field), fresh[field])

    a, b, c, d = st.columns([3, 2, 1, 1])
    values["name"] = a.text_input("Name", value=start("name"), key=_key("name"))
    profiles = list(sim.PROFILES)
    rules = start("rules")
    values["rules"] = b.selectbox(
        "Rule profile",
        profiles,
        index=profiles.index(rules) if rules in profiles else 0,
        key=_key("rules"),
        help="IBM's rules at different times; see the Rules page",
    )
    values["seed"] = c.number_input(
        "Seed",
        min_value=0,
        step=1,
        value=int(start("seed")),
        key=_key("seed"),
        help="same seed → identical results (R33)",
    )
    values["until"] = d.text_input(
        "Until",
        value=start("until"),
        key=_key("until"),
        help="optional hard stop, e.g. 12h; empty: run until every job is final",
    )
    e, f, g = st.columns(3)
    values["overrides"] = e.text_input(
        "Knob overrides",
        value=start("overrides"),
        key=_key("overrides"),
        help="YAML mapping, e.g. {on_close: fail, default_interactive_ttl: 2m}",
    )
    values["hubs"] = f.text_input(
        "Hub shares", value=start("hubs"), key=_key("hubs"), help="YAML mapping, e.g. {hub-a: 3}"
    )
    values["groups"] = g.text_input(
        "Group shares",
        value=start("groups"),
        key=_key("groups"),
        help="YAML mapping, e.g. {hub-a/group-1: 2}",
    )
    values["description"] = st.text_area(
        "Description", value=start("description"), key=_key("description"), height=68
    )
    drafts = _drafts()
    for field, value in values.items():
        drafts[_key(field)] = value
    return values


def show_problems(problems: list[editor.Located]) -> None:
    for p in problems:
        st.error(md(p), icon="⚠️")  # a problem quotes what was typed


class EditorView:
    """What :func:`render` drew: the scenario it describes and a slot below every input."""

    def __init__(self, general_values, frames, slots):
        self._general, self._frames, self._slots = general_values, frames, slots
        self.built, self.problems = editor.build(general_values, frames)

    def locate(self, problems: list[sim.Problem]) -> list[editor.Located]:
        """Place problems found later (running it: the size cap) in the editor too."""
        _, sources, _ = editor.scenario_data(self._general, self._frames)
        return editor.locate_all(problems, sources)

    def place(self, problems: list[editor.Located]) -> None:
        """Show problems below the table (or general fields) they belong to."""
        for name, items in editor.by_table(problems).items():
            with self._slots.get(name, self._slots["general"]):
                show_problems(items)


def render(scenario: sim.Scenario) -> EditorView:
    """The whole editor, validated live: problems appear right below what caused them."""
    fresh_frames = editor.frames_from_scenario(scenario)
    fresh_general = editor.general_from_scenario(scenario)
    slots: dict[str, Any] = {}

    st.subheader("General")
    general_values = general(fresh_general)
    slots["general"] = st.container()

    frames: dict[str, pd.DataFrame] = {}
    layout = [
        ("backends", "calibrations", "pauses"),
        ("instances", "users"),
        ("workloads",),
        ("reservations", "actions"),
    ]
    for group in layout:
        columns = st.columns(WIDTHS.get(group, [1]))
        for column, name in zip(columns, group, strict=True):
            with column:
                frames[name] = table(name, fresh_frames[name])
                slots[name] = st.container()

    view = EditorView(general_values, frames, slots)
    view.place(view.problems)
    return view
