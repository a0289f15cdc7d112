"""Readers for job traces: ``ibm-jobs``, ``quantumqueue``, ``swf`` and ``csv``.

Each reader streams its file line by line (a million rows in seconds: one pass, plain lists,
no per-row objects), checks every value it uses, and raises :class:`TraceError` naming the
line and the field at the first bad one. Units are converted here, once: minutes
(quantumqueue) to seconds, dates with a UTC offset to UTC epoch seconds, SWF's relative
seconds to epoch seconds from its ``UnixStartTime`` header.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from .trace import Columns, Trace, TraceError

FORMATS = ("ibm-jobs", "quantumqueue", "swf", "csv")

# Status words of every format → the simulator's (jobs.csv's) words.
_STATUS = {
    "DONE": "DONE",
    "COMPLETED": "DONE",
    "ERROR": "ERROR",
    "FAILED": "ERROR",
    "CANCELLED": "CANCELLED",
    "CANCELED": "CANCELLED",
    "UNKNOWN": "UNKNOWN",
}
_QUOTES = "'\" "
_PROGRESS_EVERY = 8192  # lines between progress-bar updates (an update per line costs more)


# --- values --------------------------------------------------------------------------------


def _unquote(text: str) -> str:
    """quantumqueue quotes its strings Python-style inside the CSV field: ``'ibmq_paris'``."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].strip()
    return text


def _shown(text: object) -> str:
    text = str(text)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _number(text: str, line: int, name: str, *, allow_negative: bool = False) -> float:
    try:
        value = float(_unquote(text))
    except ValueError:
        raise TraceError(line, name, f"not a number: {_shown(text)}") from None
    if not math.isfinite(value):
        raise TraceError(line, name, f"not a finite number: {_shown(text)}")
    if value < 0 and not allow_negative:
        raise TraceError(line, name, f"a duration cannot be negative (got {_shown(text)})")
    return value


def _epoch(text: Any, line: int, name: str) -> float:
    """UTC epoch seconds from an ISO date-time (with or without a UTC offset; without one it
    is read as UTC) or from a number of epoch seconds."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        if not math.isfinite(text):
            raise TraceError(line, name, f"not a finite time: {_shown(text)}")
        return float(text)
    if not isinstance(text, str):
        raise TraceError(line, name, f"expected a date-time, got {_shown(text)}")
    raw = _unquote(text)
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        try:
            return _number(raw, line, name, allow_negative=True)
        except TraceError:
            raise TraceError(
                line,
                name,
                f"not a date-time: {_shown(text)} (expected e.g. "
                "'2020-12-10 19:11:49.528000-06:00' or epoch seconds)",
            ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _status(text: Any, line: int, name: str = "status") -> str:
    word = _unquote(str(text)).upper().removeprefix("JOBSTATUS.")
    try:
        return _STATUS[word]
    except KeyError:
        raise TraceError(
            line,
            name,
            f"unknown status {_shown(text)}; a finished job is DONE, ERROR or "
            "CANCELLED (JobStatus.DONE etc.)",
        ) from None


# --- reading lines with a progress bar -----------------------------------------------------


class _Lines:
    """The text lines of a file or of bytes, counting bytes for a tqdm bar on stderr."""

    def __init__(self, source: str | Path | bytes, progress: bool, desc: str):
        if isinstance(source, bytes):
            self.raw: IO[bytes] = io.BytesIO(source)
            total = len(source)
        else:
            path = Path(source)
            if not path.is_file():
                raise TraceError(0, "", f"{path}: not a regular file")
            self.raw = path.open("rb")
            total = path.stat().st_size
        self.bar = None
        if progress:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, unit="B", unit_scale=True, desc=desc, file=sys.stderr, leave=False
            )

    def __iter__(self) -> Iterator[str]:
        done = 0
        bar = self.bar
        for n, raw in enumerate(self.raw, 1):
            done += len(raw)
            if bar is not None and n % _PROGRESS_EVERY == 0:
                bar.update(done - bar.n)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise TraceError(n, "", "not UTF-8 text") from None
        if bar is not None:
            bar.update(done - bar.n)

    def close(self) -> None:
        self.raw.close()
        if self.bar is not None:
            self.bar.close()


# --- quantumqueue --------------------------------------------------------------------------

QUANTUMQUEUE_COLUMNS = (
    "run_time",
    "queue_time",
    "machine",
    "date",
    "status",
    "batch",
    "shots",
    "depth",
    "width",
    "memory",
    "qubits",
    "gateops",
    "pulse",
)
_QQ_REQUIRED = ("run_time", "queue_time", "machine", "date", "status")


def _header(reader: Any, required: tuple[str, ...], fmt: str) -> dict[str, int]:
    try:
        header = next(reader)
    except StopIteration:
        raise TraceError(0, "", "the file is empty") from None
    names = [_unquote(h).lower() for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise TraceError(
            1,
            missing[0],
            f"missing column (a {fmt} header names "
            f"{', '.join(required)}; this one has "
            f"{', '.join(names) or 'nothing'})",
        )
    return {n: i for i, n in enumerate(names)}


def _quantumqueue(lines: _Lines) -> Trace:
    """Ravi et al.'s per-job CSV: times in minutes, quoted names and statuses, dates with a
    UTC offset; ``date`` is taken as the submission time, ``queue_time`` as the observed wait
    and ``run_time`` as the QPU time."""
    reader = csv.reader(lines)
    col = _header(reader, _QQ_REQUIRED, "quantumqueue")
    width = len(col)
    i_run, i_queue, i_machine = col["run_time"], col["queue_time"], col["machine"]
    i_date, i_status, i_batch = col["date"], col["status"], col.get("batch")
    names = list(col)
    out = Columns("quantumqueue")
    # The hot loop: the common row (plain numbers, known machine and status) takes the fast
    # path; anything unusual goes through the checked readers, which name the bad field.
    machines: dict[str, str] = {}
    statuses: dict[str, str] = {}
    isnan = math.isnan
    for row in reader:
        line = reader.line_num
        if len(row) != width:
            if not row or row == [""]:
                continue  # a blank line
            field = names[len(row)] if len(row) < width else f"column {width + 1}"
            raise TraceError(line, field, f"the row has {len(row)} values, the header {width}")
        try:
            run = 60.0 * float(row[i_run])
            queue = 60.0 * float(row[i_queue])
            when = datetime.fromisoformat(row[i_date].strip(_QUOTES))
            submitted = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
            machine = machines[row[i_machine]]
            status = statuses[row[i_status]]
            cell = row[i_batch] if i_batch is not None else ""
            batch = float(cell) if cell else math.nan
            if not (run >= 0 and queue >= 0 and (isnan(batch) or batch >= 0)) or run == math.inf:
                raise ValueError
        except (ValueError, KeyError):
            run = 60.0 * _number(row[i_run], line, "run_time")
            queue = 60.0 * _number(row[i_queue], line, "queue_time")
            submitted = _epoch(row[i_date], line, "date")
            machine = machines.setdefault(row[i_machine], _unquote(row[i_machine]))
            if not machine:
                raise TraceError(line, "machine", "empty machine name") from None
            status = statuses.setdefault(row[i_status], _status(row[i_status], line))
            batch = math.nan
            if i_batch is not None and row[i_batch].strip():
                batch = _number(row[i_batch], line, "batch")
        out.add(line, machine, submitted, run, queue, status, "", batch)
    return out.trace()


# --- SWF -----------------------------------------------------------------------------------

# Fields of the Standard Workload Format that a trace of QPU jobs uses (1-based, as in the
# format's definition): submit time, wait time, run time, allocated processors (read as the
# batch size), status, user id, partition (read as the machine).
_SWF_STATUS = {"1": "DONE", "0": "ERROR", "5": "CANCELLED"}
_SWF_HEADER = re.compile(r";\s*(\w+)\s*:\s*(.*?)\s*$")


def _swf(lines: _Lines) -> Trace:
    """Parallel Workloads Archive format: 18 whitespace-separated fields per job, ``-1`` for
    unknown, ``;`` header comments (``UnixStartTime`` gives the epoch of time 0, ``Computer``
    the machine's name). Each partition (field 16) is a machine when there are several."""
    out = Columns("swf", "user")
    start = 0.0
    computer = "swf"
    partitions: list[str] = []
    for line, text in enumerate(lines, 1):
        text = text.strip()
        if not text:
            continue
        if text.startswith(";"):
            if m := _SWF_HEADER.match(text):
                key, value = m.group(1).lower(), m.group(2)
                if key == "unixstarttime":
                    start = _number(value, line, "UnixStartTime")
                elif key == "computer" and value:
                    computer = value
            continue
        f = text.split()
        if len(f) != 18:
            raise TraceError(
                line,
                f"field {min(len(f), 17) + 1}",
                f"an SWF line has 18 fields, this one {len(f)}",
            )
        submit = _number(f[1], line, "submit_time (field 2)")
        wait = _number(f[2], line, "wait_time (field 3)", allow_negative=True)
        run = _number(f[3], line, "run_time (field 4)", allow_negative=True)
        procs = _number(f[4], line, "allocated_processors (field 5)", allow_negative=True)
        for value, name in ((wait, "wait_time (field 3)"), (run, "run_time (field 4)")):
            if value < 0 and value != -1:
                raise TraceError(
                    line, name, f"a duration cannot be negative (got {value:g}; -1 means unknown)"
                )
        user = f[11]
        partitions.append(f[15])
        out.add(
            line,
            computer,
            start + submit,
            run if run >= 0 else math.nan,
            wait if wait >= 0 else math.nan,
            _SWF_STATUS.get(f[10], "UNKNOWN"),
            f"user-{user}" if user != "-1" else "",
            procs if procs >= 0 else math.nan,
        )
    if len(set(partitions)) > 1:
        out.machine = [f"{computer}-{p}" if p != "-1" else computer for p in partitions]
    return out.trace()


# --- ibm-jobs ------------------------------------------------------------------------------

_USAGE_KEYS = ("quantum_seconds", "qpu_charge_time_seconds", "seconds")


def _get(record: dict, path: str, line: int) -> Any:
    value: Any = record
    for key in path.split("."):
        if not isinstance(value, dict):
            raise TraceError(line, path, f"expected a mapping at {key!r}")
        value = value.get(key)
    return value


def _ibm_jobs(lines: _Lines) -> Trace:
    """JSON Lines written by ``python -m sim trace export-ibm``: one job per line with
    ``backend``, ``status``, ``session_id`` and ``metrics`` (``job.metrics()``:
    ``timestamps.created/running/finished`` as UTC strings, ``usage`` in seconds). The wait
    is running − created; the QPU time is usage's ``quantum_seconds`` (else
    ``qpu_charge_time_seconds``, else ``seconds``), else finished − running."""
    out = Columns("ibm-jobs", "session")
    for line, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as err:
            raise TraceError(line, "", f"not a JSON object: {err.msg}") from None
        if not isinstance(record, dict):
            raise TraceError(line, "", "expected one JSON object per line")
        backend = record.get("backend")
        if not isinstance(backend, str) or not backend:
            raise TraceError(line, "backend", "missing (the job's backend name)")
        created = _get(record, "metrics.timestamps.created", line)
        if created is None:
            raise TraceError(
                line, "metrics.timestamps.created", "missing (when the job was created)"
            )
        submitted = _epoch(created, line, "metrics.timestamps.created")
        running = _get(record, "metrics.timestamps.running", line)
        finished = _get(record, "metrics.timestamps.finished", line)
        started = None if running is None else _epoch(running, line, "metrics.timestamps.running")
        ended = None if finished is None else _epoch(finished, line, "metrics.timestamps.finished")
        wait = math.nan
        if started is not None:
            wait = started - submitted
            if wait < 0:
                raise TraceError(line, "metrics.timestamps.running", "comes before created")
        quantum = math.nan
        usage = _get(record, "metrics.usage", line) or {}
        if not isinstance(usage, dict):
            raise TraceError(line, "metrics.usage", "expected a mapping")
        for key in _USAGE_KEYS:
            if usage.get(key) is not None:
                quantum = _number(str(usage[key]), line, f"metrics.usage.{key}")
                break
        else:
            if started is not None and ended is not None:
                quantum = ended - started
                if quantum < 0:
                    raise TraceError(line, "metrics.timestamps.finished", "comes before running")
        if record.get("status") is None:
            raise TraceError(line, "status", "missing (DONE, ERROR or CANCELLED)")
        circuits = _get(record, "metrics.num_circuits", line)
        batch = math.nan if circuits is None else _number(str(circuits), line, "num_circuits")
        session = record.get("session_id") or ""
        out.add(
            line,
            backend,
            submitted,
            quantum,
            wait,
            _status(record["status"], line),
            str(session),
            batch,
        )
    return out.trace()


# --- any CSV with a column mapping ---------------------------------------------------------

CSV_FIELDS = (
    "submitted",
    "started",
    "finished",
    "machine",
    "quantum",
    "wait",
    "status",
    "user",
    "session",
    "batch",
)


def parse_map(text: str | None) -> dict[str, str]:
    """``submitted=created,started=running`` → {field: column}. Fields not given map to the
    column of their own name, where there is one."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, column = part.partition("=")
        key = key.strip()
        if not sep or not column.strip():
            raise TraceError(0, "--map", f"expected FIELD=COLUMN, got {_shown(part)}")
        if key not in CSV_FIELDS:
            raise TraceError(
                0, "--map", f"unknown field {_shown(key)}; fields: {', '.join(CSV_FIELDS)}"
            )
        mapping[key] = column.strip()
    return mapping


def _csv(lines: _Lines, mapping: dict[str, str]) -> Trace:
    """Times are ISO date-times (with or without offset; UTC if none) or epoch seconds;
    durations are seconds. Without a ``wait`` column the wait is started − submitted; without
    a ``quantum`` column the QPU time is finished − started; without ``status`` every job is
    DONE; without ``machine`` every job is on one machine called ``trace``."""
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise TraceError(0, "", "the file is empty") from None
    names = [h.strip() for h in header]
    where = {n: i for i, n in enumerate(names)}
    cols: dict[str, int] = {}
    for key in CSV_FIELDS:
        column = mapping.get(key, key)
        if column in where:
            cols[key] = where[column]
        elif key in mapping:
            raise TraceError(1, column, f"no such column for {key} (columns: {', '.join(names)})")
    if "submitted" not in cols:
        raise TraceError(
            1,
            "submitted",
            "no submission-time column; name it 'submitted' or map it: --map submitted=COLUMN",
        )
    group_kind = "session" if "session" in cols else ("user" if "user" in cols else "")
    out = Columns("csv", group_kind)
    width = len(names)
    label = {k: names[i] for k, i in cols.items()}

    def cell(row: list[str], key: str) -> str:
        i = cols.get(key)
        return row[i].strip() if i is not None else ""

    for row in reader:
        line = reader.line_num
        if len(row) != width:
            if not row or row == [""]:
                continue
            raise TraceError(
                line,
                names[len(row)] if len(row) < width else f"column {width + 1}",
                f"the row has {len(row)} values, the header {width}",
            )
        submitted = _epoch(cell(row, "submitted"), line, label["submitted"])
        started = finished = None
        if text := cell(row, "started"):
            started = _epoch(text, line, label["started"])
            if started < submitted:
                raise TraceError(line, label["started"], "comes before the submission")
        if text := cell(row, "finished"):
            finished = _epoch(text, line, label["finished"])
            if started is not None and finished < started:
                raise TraceError(line, label["finished"], "comes before the start")
        wait = quantum = batch = math.nan
        if text := cell(row, "wait"):
            wait = _number(text, line, label["wait"])
        elif started is not None:
            wait = started - submitted
        if text := cell(row, "quantum"):
            quantum = _number(text, line, label["quantum"])
        elif started is not None and finished is not None:
            quantum = finished - started
        if text := cell(row, "batch"):
            batch = _number(text, line, label["batch"])
        status = _status(text, line, label["status"]) if (text := cell(row, "status")) else "DONE"
        group = cell(row, "session") or cell(row, "user")
        out.add(
            line, cell(row, "machine") or "trace", submitted, quantum, wait, status, group, batch
        )
    return out.trace()


# --- entry point ---------------------------------------------------------------------------


def read(
    source: str | Path | bytes,
    fmt: str,
    mapping: str | dict[str, str] | None = None,
    progress: bool = False,
) -> Trace:
    """Read a trace from a path or from bytes (an upload). Raises :class:`TraceError`."""
    if fmt not in FORMATS:
        raise TraceError(
            0, "--format", f"unknown format {_shown(fmt)}; choose one of {', '.join(FORMATS)}"
        )
    if mapping is not None and fmt != "csv":
        raise TraceError(0, "--map", "a column mapping applies to --format csv only")
    fields = parse_map(mapping) if isinstance(mapping, str | None) else dict(mapping)
    lines = _Lines(source, progress, f"import {fmt}")
    try:
        if fmt == "quantumqueue":
            return _quantumqueue(lines)
        if fmt == "swf":
            return _swf(lines)
        if fmt == "ibm-jobs":
            return _ibm_jobs(lines)
        return _csv(lines, fields)
    except csv.Error as err:
        raise TraceError(0, "", f"not a readable CSV file: {err}") from None
    finally:
        lines.close()
