"""``python -m sim trace export-ibm``: the user's own IBM Quantum job history as JSON Lines.

It uses the account saved with ``QiskitRuntimeService.save_account`` and pages through
``QiskitRuntimeService.jobs(limit=, skip=, instance=)`` for every instance the account has
(``service.instances()``), writing one line per job:

    {"job_id", "backend", "status", "session_id", "instance", "metrics": job.metrics(),
     "session": the session's details() or null}

``metrics`` is what the client returns (``timestamps.created/running/finished`` as UTC
strings, ``usage.quantum_seconds`` / ``seconds``); ``python -m sim trace import --format
ibm-jobs`` reads it back. qiskit-ibm-runtime is imported only here and only when the command
runs, so the rest of the simulator never needs it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

INSTALL_HINT = (
    "python -m sim trace export-ibm needs qiskit-ibm-runtime, which is not installed: "
    "`pip install qiskit-ibm-runtime`, save your account once with "
    "QiskitRuntimeService.save_account(...), then run it again"
)


class RuntimeMissing(RuntimeError):
    """qiskit-ibm-runtime is not installed, or no saved account can be opened."""


def default_service() -> Any:
    """The service of the user's saved account (raises :class:`RuntimeMissing` without the
    client)."""
    try:
        from qiskit_ibm_runtime import QiskitRuntimeService
    except ImportError:
        raise RuntimeMissing(INSTALL_HINT) from None
    try:
        return QiskitRuntimeService()
    except Exception as err:  # noqa: BLE001 — no saved account, or it cannot be read
        raise RuntimeMissing(
            f"could not open your saved IBM Quantum account ({type(err).__name__}: {err}); "
            "save it once with QiskitRuntimeService.save_account(...)"
        ) from None


def _session_details_from_runtime(service: Any) -> Callable[[str], dict | None]:
    def details(session_id: str) -> dict | None:
        from qiskit_ibm_runtime import Session

        return Session.from_id(session_id, service=service).details()

    return details


def instances(service: Any) -> list[str | None]:
    """Every instance of the account (a CRN or a name), or [None] for the default one when
    the client cannot list them."""
    try:
        listed = service.instances()
    except Exception:  # noqa: BLE001 — older clients or channels without the call
        return [None]
    out: list[str | None] = []
    for item in listed or ():
        out.append(item.get("crn") or item.get("name") if isinstance(item, dict) else item)
    return out or [None]


def iter_jobs(service: Any, limit: int | None = None, page: int = 50) -> Iterator[tuple]:
    """(instance, job) for every job of every instance, ``page`` jobs per ``jobs()`` call,
    at most ``limit`` per instance."""
    for instance in instances(service):
        skip = 0
        while True:
            want = page if limit is None else min(page, limit - skip)
            if want <= 0:
                break
            kwargs: dict[str, Any] = {"limit": want, "skip": skip}
            if instance is not None:
                kwargs["instance"] = instance
            batch = service.jobs(**kwargs)
            for job in batch:
                yield instance, job
            skip += len(batch)
            if len(batch) < want:
                break


def _call(value: Any) -> Any:
    return value() if callable(value) else value


def job_record(job: Any, instance: str | None, session: dict | None) -> dict[str, Any]:
    """One line of the export. ``job_id``, ``status`` and ``backend`` are methods of the
    runtime's job; a backend's ``name`` is a property (BackendV2) or a method (V1)."""
    backend = _call(job.backend)
    name = _call(getattr(backend, "name", backend))
    status = _call(job.status)
    status = getattr(status, "name", status)  # a JobStatus enum in older clients
    return {
        "job_id": _call(job.job_id),
        "backend": str(name),
        "status": str(status),
        "session_id": getattr(job, "session_id", None),
        "instance": instance,
        "metrics": job.metrics(),
        "session": session,
    }


def export_jobs(
    service: Any,
    out: str | Path,
    limit: int | None = None,
    page: int = 50,
    session_details: Callable[[str], dict | None] | None = None,
    progress: bool = True,
) -> int:
    """Write the JSON Lines file; returns the number of jobs. Each session's details are
    asked for once."""
    details = session_details or _session_details_from_runtime(service)
    sessions: dict[str, dict | None] = {}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="job", desc="export-ibm", file=sys.stderr, leave=False)
    n = 0
    try:
        with Path(out).open("w", encoding="utf-8") as f:
            for instance, job in iter_jobs(service, limit, page):
                sid = getattr(job, "session_id", None)
                if sid and sid not in sessions:
                    try:
                        sessions[sid] = details(sid)
                    except Exception:  # noqa: BLE001 — a session the account can no longer read
                        sessions[sid] = None
                record = job_record(job, instance, sessions.get(sid) if sid else None)
                f.write(json.dumps(record, default=str) + "\n")
                n += 1
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return n
