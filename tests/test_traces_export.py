"""Issue 18: ``trace export-ibm`` pages through QiskitRuntimeService.jobs() for every instance
and writes lines that ``trace import --format ibm-jobs`` reads back. The real service cannot
be reached here: a fake with the documented shapes stands in."""

from __future__ import annotations

import json
import sys

from sim.cli import main as cli
from sim.traces import read
from sim.traces.export import export_jobs


class FakeBackend:
    def __init__(self, name: str):
        self.name = name  # BackendV2: a property


class FakeJob:
    def __init__(
        self,
        jid: str,
        backend: str,
        created: str,
        running: str | None,
        q: float | None,
        session: str | None = None,
        status: str = "DONE",
    ):
        self._id, self._backend, self._status = jid, backend, status
        self.session_id = session
        self._metrics = {
            "timestamps": {"created": created, "running": running, "finished": None},
            "bss": {"seconds": q or 0},
            "usage": {} if q is None else {"quantum_seconds": q, "seconds": q},
            "qiskit_version": "qiskit_ibm_runtime-0.x",
        }

    def job_id(self) -> str:
        return self._id

    def backend(self) -> FakeBackend:
        return FakeBackend(self._backend)

    def status(self) -> str:
        return self._status

    def metrics(self) -> dict:
        return self._metrics


class FakeService:
    """``instances()`` lists dicts with a CRN (today's platform); ``jobs(limit, skip,
    instance)`` returns a page, newest first, as the client does."""

    def __init__(self, jobs_by_instance: dict[str, list[FakeJob]]):
        self.jobs_by_instance = jobs_by_instance
        self.calls: list[tuple] = []

    def instances(self) -> list[dict]:
        return [
            {"crn": crn, "name": crn.upper(), "plan": "premium"} for crn in self.jobs_by_instance
        ]

    def jobs(self, limit=10, skip=0, instance=None, **_):
        self.calls.append((instance, limit, skip))
        return self.jobs_by_instance[instance][skip : skip + limit]


def _service() -> FakeService:
    a = [
        FakeJob(
            f"a{k}", "ibm_torino", f"2024-06-01T10:0{k}:00Z", f"2024-06-01T10:0{k}:30Z", 2.0 + k
        )
        for k in range(5)
    ]
    b = [
        FakeJob("b0", "ibm_fez", "2024-06-01T09:00:00Z", "2024-06-01T09:10:00Z", 7.5, "s9"),
        FakeJob("b1", "ibm_fez", "2024-06-01T09:20:00Z", None, None, "s9", "CANCELLED"),
    ]
    return FakeService({"crn:a": a, "crn:b": b})


def test_export_pages_every_instance_and_imports_back(tmp_path):
    service = _service()
    asked = []
    out = tmp_path / "jobs.jsonl"
    n = export_jobs(
        service,
        out,
        page=2,
        progress=False,
        session_details=lambda sid: asked.append(sid) or {"id": sid, "mode": "dedicated"},
    )
    # Instance a has 5 jobs: pages of 2 at skip 0, 2, 4 (the last short page ends it);
    # instance b has 2: a full page at 0, then an empty one at 2.
    assert service.calls == [
        ("crn:a", 2, 0),
        ("crn:a", 2, 2),
        ("crn:a", 2, 4),
        ("crn:b", 2, 0),
        ("crn:b", 2, 2),
    ]
    assert n == 7
    assert asked == ["s9"]  # one details() call per session
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert lines[5]["session"] == {"id": "s9", "mode": "dedicated"}
    assert lines[5]["instance"] == "crn:b" and lines[0]["backend"] == "ibm_torino"
    trace = read(out, "ibm-jobs")
    # Time 0 = b0 at 09:00:00Z; waits 600 s (b0) and 30 s (a0–a4); a_k at 1 h + k min.
    assert len(trace) == 7
    assert trace.machine[:2] == ["ibm_fez", "ibm_fez"]
    assert (trace.submitted - trace.start).tolist() == [0, 1200, 3600, 3660, 3720, 3780, 3840]
    assert trace.wait[0] == 600 and trace.wait[2:].tolist() == [30.0] * 5
    assert trace.quantum[2:].tolist() == [2.0, 3.0, 4.0, 5.0, 6.0]
    assert trace.status[1] == "CANCELLED" and trace.group[:2] == ["s9", "s9"]


def test_export_limit_per_instance(tmp_path):
    service = _service()
    n = export_jobs(
        service,
        tmp_path / "j.jsonl",
        limit=3,
        page=2,
        progress=False,
        session_details=lambda sid: None,
    )
    # a: 2 at skip 0, then the 1 left of the limit at skip 2, then the limit is reached.
    # b: a full page of 2 could mean more, so one more call for the 1 left: it is empty.
    assert service.calls == [("crn:a", 2, 0), ("crn:a", 1, 2), ("crn:b", 2, 0), ("crn:b", 1, 2)]
    assert n == 5


def test_export_without_the_client_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "qiskit_ibm_runtime", None)  # import fails
    assert cli.main(["trace", "export-ibm", "--out", str(tmp_path / "j.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "needs qiskit-ibm-runtime" in err and "pip install qiskit-ibm-runtime" in err
    assert not (tmp_path / "j.jsonl").exists()


def test_export_bad_options_and_no_account(tmp_path, capsys, monkeypatch):
    out = str(tmp_path / "j.jsonl")
    assert cli.main(["trace", "export-ibm", "--out", out, "--limit", "0"]) == 2
    assert "--limit: must be at least 1" in capsys.readouterr().err

    class NoAccount:
        def QiskitRuntimeService(self):  # noqa: N802 — the client's class name
            raise ValueError("No default account found")

    monkeypatch.setitem(sys.modules, "qiskit_ibm_runtime", NoAccount())
    assert cli.main(["trace", "export-ibm", "--out", out]) == 2
    assert "could not open your saved IBM Quantum account" in capsys.readouterr().err
