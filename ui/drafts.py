"""Autosave: each browser tab's unsaved work survives navigation, a reload and a restart.

A tab is known by a random id kept in its URL (``?draft=ID``): every page run puts it back
(moving between pages drops the URL's parameters), so a reload, on any page, brings the id
back; a new tab or another user gets a new one, so nobody sees or overwrites another tab's
unsaved edits. The draft (``sim.store.library.Drafts``) holds the current scenario, where it came
from, what is typed in the scenario editor but not yet run, and which fields differ from
what the tab opened; it is written only once something differs (merely opening the app
leaves nothing behind) and read when a session starts.

A fresh tab never continues another tab's work on its own: it shows what its address names
(a link) or the default scenario. The Scenario library page lists this browser's other
drafts — the browser is known by a random cookie (``ui/serving.py``), never by its IP
address — and *Resume* continues a copy of one.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import sim
from sim.store.library import Drafts
from ui import editor, identity, links, scenario_editor, serving, state

PARAM = "draft"
DRAFT_ID = "draft_id"
NOTE = "draft_note"  # the message after opening a fresh tab while this browser has drafts
WRITTEN = "draft_written"  # the JSON last written ("" once removed), so it is not rewritten
# What the editor calls its general fields; the tables go by their titles.
FIELD_LABELS = {
    "name": "Name",
    "description": "Description",
    "rules": "Rule profile",
    "seed": "Seed",
    "until": "Until",
    "overrides": "Knob overrides",
    "hubs": "Hub shares",
    "groups": "Group shares",
}


def store() -> Drafts:
    """This person's drafts: all of them on the single-user dashboard, the signed-in
    person's own folder when served with sign-in (ui/identity.py), so a tab's address
    (``?draft=``) opens nothing of anyone else's."""
    return identity.drafts()  # reads QSCHED_DATA_DIR each time (tests point it elsewhere)


def browser_id() -> str:
    """This browser's id (its cookie), "" when it has none."""
    return serving.browser_id(st.context.cookies)


def draft_id() -> str:
    """This tab's id: the URL's when valid, else a new one (also put in the URL)."""
    if DRAFT_ID not in st.session_state:
        given = st.query_params.get(PARAM)
        if Drafts.valid_id(given):
            st.session_state[DRAFT_ID] = given
        else:
            st.session_state[DRAFT_ID] = Drafts.new_id()
            store().prune()  # a new tab is a good moment to forget long-abandoned ones
    draft = st.session_state[DRAFT_ID]
    if st.query_params.get(PARAM) != draft:
        st.query_params[PARAM] = draft
    return draft


# --- the editor's typed-in state as JSON ---------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, str | int | float | bool) else str(value)


def _json_inputs(values: dict[str, Any]) -> dict[str, Any]:
    """Editor values (general fields and table DataFrames) as plain JSON."""
    out: dict[str, Any] = {}
    for field, value in values.items():
        if isinstance(value, pd.DataFrame):
            rows = [[_plain(v) for v in row] for row in value.itertuples(index=False)]
            out[field] = {"columns": [str(c) for c in value.columns], "rows": rows}
        else:
            out[field] = _plain(value)
    return out


def _editor_inputs() -> dict[str, Any]:
    """What the scenario editor holds for the current generation, without the widget keys'
    generation prefix (a restored session starts at generation 0)."""
    prefix = f"editor:{state.editor_generation()}:"
    held = st.session_state.get(scenario_editor.DRAFTS, {})
    mine = {key.removeprefix(prefix): v for key, v in held.items() if key.startswith(prefix)}
    return _json_inputs(mine)


def _fresh_inputs(scenario: sim.Scenario) -> dict[str, Any]:
    """What the editor holds for ``scenario`` before anything is typed."""
    return _json_inputs(
        {**editor.general_from_scenario(scenario), **editor.frames_from_scenario(scenario)}
    )


def _same(a: Any, b: Any) -> bool:
    """Whether two editor values (as JSON) say the same: an empty cell is empty whether the
    table holds None or "", and 3 equals 3.0."""

    def norm(value: Any) -> Any:
        if isinstance(value, dict) and "rows" in value:
            columns = value.get("columns") or []
            rows = [
                {c: norm(v) for c, v in zip(columns, row, strict=False) if norm(v) is not None}
                for row in value["rows"]
            ]
            return [r for r in rows if r]  # a row left blank is dropped by the editor too
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return float(value)
        return value

    return norm(a) == norm(b)


def _label(field: str) -> str:
    if field in editor.TABLES:
        return scenario_editor.TITLES[field][0]
    return FIELD_LABELS.get(field, field)


def changes() -> list[str]:
    """What differs from what this tab opened or loaded (its origin): the fields and tables,
    in the editor's order, "(not run)" on those typed but not run yet."""
    _, opened = state.origin()
    base = _fresh_inputs(opened)
    ran = _fresh_inputs(state.scenario())
    typed = _editor_inputs()
    out = []
    for field in [*editor.GENERAL, *editor.TABLES]:
        now = typed.get(field, ran.get(field))
        if _same(now, base.get(field)):
            continue
        pending = field in typed and not _same(typed[field], ran.get(field))
        out.append(_label(field) + (" (not run)" if pending else ""))
    return out


def _restore_editor(inputs: dict[str, Any]) -> None:
    prefix = f"editor:{state.editor_generation()}:"
    restored: dict[str, Any] = {}
    for field, value in inputs.items():
        if isinstance(value, dict) and field in editor.TABLES:
            frame = pd.DataFrame(value["rows"], columns=value["columns"], dtype=object)
            for column in frame.columns:
                if (field, column) in editor.NUMBERS:
                    frame[column] = pd.to_numeric(frame[column]).astype(float)
            restored[prefix + field] = frame
        elif field in editor.GENERAL:
            restored[prefix + field] = value
    st.session_state[scenario_editor.DRAFTS] = restored


# --- save and restore ----------------------------------------------------------------------


def _snapshot() -> dict[str, Any]:
    scenario = state.scenario()
    label, opened = state.origin()
    return {
        "version": 1,
        "scenario": scenario.to_dict(),
        "preset": st.session_state.get(state.PRESET) or "",
        "library": list(st.session_state.get(state.LIBRARY) or ()),
        "link": links.current_name(),
        "editor": _editor_inputs(),
        "origin": {"label": label, "scenario": opened.to_dict()},
        "changes": changes(),
        "browser": browser_id(),
    }


def autosave() -> None:
    """Keep this tab's draft up to date: written when something differs from what the tab
    opened (or when the scenario shown has no name a link could reopen: an uploaded file),
    removed when nothing does any more (back to a preset, or saved to the library)."""
    tab = draft_id()
    data = _snapshot()
    if data["changes"] or data["link"] is None:
        text = json.dumps(data, sort_keys=True)
        if st.session_state.get(WRITTEN) != text:
            store().save(tab, data)
            st.session_state[WRITTEN] = text
    elif st.session_state.get(WRITTEN, "") != "":
        store().delete(tab)  # the address (?scenario=) reopens the same now
        st.session_state[WRITTEN] = ""


def _restore(data: dict[str, Any]) -> bool:
    try:
        scenario = sim.from_dict(data["scenario"])
    except (sim.ScenarioError, KeyError, TypeError):
        return False  # written by an older version, or edited by hand: start afresh
    state.set_current(scenario, preset=data.get("preset") or "")
    library = data.get("library")
    if isinstance(library, list) and len(library) == 2:
        st.session_state[state.LIBRARY] = (str(library[0]), str(library[1]))
    origin = data.get("origin")
    if isinstance(origin, dict):
        with contextlib.suppress(sim.ScenarioError, KeyError, TypeError):
            state.set_origin(sim.from_dict(origin["scenario"]), str(origin["label"]))
    inputs = data.get("editor")
    if isinstance(inputs, dict):
        _restore_editor(inputs)
    return True


def title(data: dict[str, Any]) -> str:
    """What a draft is about: the name typed in the editor, else its scenario's name."""
    typed = (data.get("editor") or {}).get("name")
    return str(typed or (data.get("scenario") or {}).get("name") or "untitled")


def resume(other: str) -> bool:
    """Continue another draft (another tab's, or a closed one's) in this tab, as a copy: the
    other draft is left as it is. Returns False if it is gone or unreadable."""
    data = store().load(other)
    if data is None:
        return False
    st.session_state[state.EDITOR_GENERATION] = state.editor_generation() + 1
    if not _restore(data):
        return False
    autosave()
    return True


def describe(data: dict[str, Any]) -> str:
    """What tells a draft apart: where it started from and what was changed."""
    origin = (data.get("origin") or {}).get("label") or ""
    changed = data.get("changes") or []
    parts = [f"from {origin}"] if origin else []
    parts.append("changed: " + ", ".join(changed) if changed else "not changed")
    return " · ".join(parts)


def others() -> list[tuple[str, float, dict[str, Any]]]:
    """This browser's other drafts, newest first (none for a browser without an id); when
    signed in, the person's other drafts from any browser (their folder holds only theirs)."""
    if identity.user().signed_in:
        return store().recent(limit=5, exclude=draft_id())
    mine = browser_id()
    if not mine:
        return []
    return store().recent(limit=5, exclude=draft_id(), owner=mine)


def show_note() -> None:
    if message := st.session_state.pop(NOTE, None):
        st.info(message)


def start() -> None:
    """A new browser session: restore this tab's draft, else open what the URL names, else
    the default scenario (the caller's). Another tab's draft is never opened unasked.

    A URL naming another scenario than the draft was showing (a link pasted into a tab that
    already had a draft) opens the link: the user asked for it.
    """
    data = store().load(draft_id())
    named = st.query_params.get(links.PARAM)
    if data is not None and (not named or named == data.get("link")) and _restore(data):
        st.session_state[WRITTEN] = json.dumps(data, sort_keys=True)
        return
    links.open_from_url()
    if mine := others():
        st.session_state[NOTE] = (
            f"{'You have' if identity.user().signed_in else 'This browser has'} {len(mine)} "
            "other unsaved draft(s), the last edited "
            f"{_when(mine[0][1])}: the Scenario library page lists them, and Resume continues "
            "one here."
        )


def _when(written: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(written))
