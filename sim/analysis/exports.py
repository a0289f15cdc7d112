"""Reading exported result tables back: ``result.save(DIR)`` and :func:`read_tables` round-trip.

``Result.save`` writes floats with 17 significant digits, which is enough for every double
to read back bit for bit. What a CSV cannot keep is the difference between a missing text
value and an empty one (``None``, ``NaN`` and ``""`` all become an empty cell), so both sides
are compared in one canonical form (:func:`canonical`): the contract's column types, with an
empty text cell as ``""`` (the contract: "``session_id`` empty outside sessions", "``reason``
empty for DONE").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..kernel.eventlog import EVENT_COLUMNS
from .csvfile import unneutralise
from .results import JOB_COLUMNS, SESSION_COLUMNS, TIMELINE_COLUMNS

TABLES = {
    "jobs": JOB_COLUMNS,
    "sessions": SESSION_COLUMNS,
    "timeline": TIMELINE_COLUMNS,
    "events": EVENT_COLUMNS,
}
FLOATS = {
    "jobs": {"submitted", "started", "finished", "wait", "quantum_seconds", "running_since"},
    "sessions": {
        "created", "activated", "ended", "usage_seconds", "idle_held_seconds", "max_time",
        "interactive_ttl",
    },
    "timeline": {"start", "end"},
    "events": {"time"},
}  # fmt: skip
INTEGERS = {"sessions": {"activations", "jobs", "jobs_done", "jobs_failed"}}


def canonical(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with the contract's column types: float64, int64, or text (object, "")."""
    floats, integers = FLOATS[table], INTEGERS.get(table, set())
    out = {}
    for column in TABLES[table]:
        values = frame[column]
        if column in floats:
            out[column] = pd.to_numeric(values.replace("", None)).astype("float64")
        elif column in integers:
            out[column] = pd.to_numeric(values).astype("int64")
        else:
            text = values.astype(object)
            out[column] = text.where(text.notna(), "").map(str).astype(object)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def read_table(path: str | Path, table: str) -> pd.DataFrame:
    """One exported CSV (``jobs``, ``sessions``, ``timeline`` or ``events``) in canonical form."""
    # Every cell as text first: no guessing, so a user named "NA" or "007" stays a string.
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    missing = [c for c in TABLES[table] if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: not a {table} table (missing columns: {', '.join(missing)})")
    # float() parses the 17-digit text exactly, "" is a missing time.
    for column in FLOATS[table]:
        raw[column] = [float(v) if v != "" else float("nan") for v in raw[column]]
    for column in INTEGERS.get(table, set()):
        raw[column] = [int(v) for v in raw[column]]
    numeric = FLOATS[table] | INTEGERS.get(table, set())
    for column in TABLES[table]:
        if column not in numeric:
            raw[column] = [unneutralise(v) for v in raw[column]]
    return canonical(raw, table)


def read_tables(directory: str | Path) -> dict[str, pd.DataFrame]:
    """Every table ``Result.save(directory)`` wrote, in canonical form."""
    folder = Path(directory)
    return {name: read_table(folder / f"{name}.csv", name) for name in TABLES}


def result_tables(result) -> dict[str, pd.DataFrame]:
    """A result's tables in the same canonical form, to compare with :func:`read_tables`."""
    return {name: canonical(getattr(result, name), name) for name in TABLES}
