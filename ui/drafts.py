"""Autosave: each browser tab's unsaved work survives a reload and a server restart.

A tab is known by a random id kept in its URL (``?draft=ID``): a reload or a reopened tab
brings the id back, a new tab or another user gets a new one, so nobody sees or overwrites
another tab's unsaved edits. The draft (``sim.library.Drafts``) holds the current scenario,
where it came from, and what is typed in the scenario editor but not yet run; it is written
whenever that changes, and read when a session starts.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import sim
from sim.library import Drafts
from ui import editor, links, scenario_editor, state

PARAM = "draft"
DRAFT_ID = "draft_id"
RESTORED = "draft_restored"  # the message after continuing the last-edited scenario
WRITTEN = "draft_written"  # the JSON last written, so an unchanged state is not rewritten


def store() -> Drafts:
    return Drafts()  # reads QSCHED_DATA_DIR each time (tests point it at a temp folder)


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


def _editor_inputs() -> dict[str, Any]:
    """What the scenario editor holds for the current generation, without the widget keys'
    generation prefix (a restored session starts at generation 0)."""
    prefix = f"editor:{state.editor_generation()}:"
    out: dict[str, Any] = {}
    for key, value in st.session_state.get(scenario_editor.DRAFTS, {}).items():
        if not key.startswith(prefix):
            continue
        field = key.removeprefix(prefix)
        if isinstance(value, pd.DataFrame):
            rows = [[_plain(v) for v in row] for row in value.itertuples(index=False)]
            out[field] = {"columns": [str(c) for c in value.columns], "rows": rows}
        else:
            out[field] = _plain(value)
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
    return {
        "version": 1,
        "scenario": scenario.to_dict(),
        "preset": st.session_state.get(state.PRESET) or "",
        "library": list(st.session_state.get(state.LIBRARY) or ()),
        "link": links.current_name(),
        "editor": _editor_inputs(),
    }


def autosave() -> None:
    """Write this tab's draft if anything changed since the last write."""
    data = _snapshot()
    text = json.dumps(data, sort_keys=True)
    if st.session_state.get(WRITTEN) == text:
        return
    store().save(draft_id(), data)
    st.session_state[WRITTEN] = text


def _restore(data: dict[str, Any]) -> bool:
    try:
        scenario = sim.from_dict(data["scenario"])
    except (sim.ScenarioError, KeyError, TypeError):
        return False  # written by an older version, or edited by hand: start afresh
    state.set_current(scenario, preset=data.get("preset") or "")
    library = data.get("library")
    if isinstance(library, list) and len(library) == 2:
        st.session_state[state.LIBRARY] = (str(library[0]), str(library[1]))
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


def local_user() -> bool:
    """Whether this browser runs on the computer that runs the dashboard.

    Streamlit gives no address (None) for a loopback connection; a remote user has a string.
    (AppTest, with no connection at all, gives a placeholder object: local too.)
    """
    return not isinstance(st.context.ip_address, str)


def _continue_last_edited() -> bool:
    """A fresh tab of the local user continues, as a copy, the draft written last — so the
    dashboard opened again (a new tab, a restarted server) shows the scenario last worked on.
    Remote users of a shared server start from the default: another person's unsaved work is
    never shown to them."""
    if not local_user():
        return False
    for _other, written, data in store().recent(limit=1, exclude=draft_id()):
        if _restore(data):
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(written))
            st.session_state[RESTORED] = (
                f"Continuing “{title(data)}”, the scenario last edited here ({when}). "
                "To start afresh, load a preset on the Scenario page."
            )
            return True
    return False


def show_restored() -> None:
    if message := st.session_state.pop(RESTORED, None):
        st.info(message)


def start() -> None:
    """A new browser session: restore this tab's draft, else open what the URL names, else
    (local user, bare address) continue the last-edited scenario.

    A URL naming another scenario than the draft was showing (a link pasted into a tab that
    already had a draft) opens the link: the user asked for it.
    """
    data = store().load(draft_id())
    named = st.query_params.get(links.PARAM)
    if data is not None and (not named or named == data.get("link")) and _restore(data):
        return
    if links.open_from_url():
        return
    if data is None:
        _continue_last_edited()
