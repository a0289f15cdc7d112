"""What a browser sees when the dashboard fails unexpectedly: a short message and an error
id, never a traceback or a path on the server (issue 16 point 8).

``dashboard.py`` hands :func:`on_script_error` to ``st.App``; Streamlit calls it for every
uncaught exception of a script run, a fragment's rerun or a widget callback (never for its
own control flow: ``st.rerun``/``st.stop`` raise ``RerunException``/``StopException``,
which are not ``Exception`` and which Streamlit handles before any handler). The handler
writes the traceback with a fresh id to the server's log, shows the id in the page, and
tells Streamlit not to show the exception itself. ``client.showErrorDetails = "none"``
(.streamlit/config.toml) covers anything that still reaches Streamlit's own display.

Expected problems (a bad scenario, a name taken) never come here: they are inline errors
naming the field.
"""

from __future__ import annotations

import logging
import secrets
import sys

import streamlit as st

LOG = logging.getLogger("qsched.dashboard")


def _logger() -> logging.Logger:
    # Streamlit configures only its own loggers: ours writes to the server's stderr, next to
    # Streamlit's lines, whatever the root logger is set to.
    if not LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False
    return LOG


def new_id() -> str:
    return secrets.token_hex(4)  # 8 hex digits: enough to find one line in a day's log


def message(error_id: str) -> str:
    return (
        f"Something went wrong (error id {error_id}). The details are in the server's log: "
        "give this id to whoever runs the dashboard. Other pages still work."
    )


def report(exc: BaseException) -> str:
    """Log ``exc`` with its traceback under a new id; returns the id."""
    error_id = new_id()
    _logger().error("error id %s: unexpected %s", error_id, type(exc).__name__, exc_info=exc)
    return error_id


def on_script_error(exc: Exception) -> bool:
    """``st.App``'s handler: log with an id, show the id, hide the exception (True)."""
    error_id = report(exc)
    try:
        st.error(message(error_id))
    except Exception:  # nowhere to draw it (no script run): the log has it all the same
        _logger().exception("error id %s: could not show the message", error_id)
    return True
