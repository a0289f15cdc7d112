"""Mutation check: do the rule tests notice a broken engine? (issue 14)

Each mutant below breaks one rule with a one-line change to the engine or a rule module
(``sim/kernel/engine.py``, ``dispatch.py``, ``fairshare.py``, ``sessions.py``,
``workloads.py``, ``arrivals.py``, ``sim/model/rules.py``, ``settings.py``): an exact source
snippet and its replacement. Every mutant
is applied on its own to a temporary copy of the repository (never to the working tree) and
the rule tests run against it (``pytest -x``, a time limit per mutant). A mutant is
*caught* when a test fails or the run times out, *escaped* when every test passes. The score
is caught / (caught + escaped); the aim is every mutant caught.

A snippet that is missing from its file (or found more than once) is an *error*, reported
loudly and never counted as caught: when the engine is rewritten, this list must be updated
with it, not silently pass.

    python benchmarks/mutation.py                 # every mutant, one at a time
    python benchmarks/mutation.py --check         # only check that every snippet applies
    python benchmarks/mutation.py --only R7-tie R6-group
    python benchmarks/mutation.py --tests tests/test_rules_edges.py --keep-going
                                                  # which tests of a module fail per mutant

Exit status: 0 all caught, 1 some escaped, 2 a snippet did not apply (or a mutant does not
compile), 3 the tests fail without any mutant.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Queue

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TESTS = ["tests/test_rules_*.py", "tests/test_engine_paths.py", "tests/test_properties.py"]
IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache",
                                ".hypothesis", "*.egg-info", "out", "build", "dist")  # fmt: skip


@dataclass(frozen=True)
class Mutant:
    id: str  # the rule it breaks first, then a short name
    file: str
    find: str  # exact source text, found exactly once in ``file``
    replace: str
    what: str  # the broken behaviour, in words

    @property
    def rule(self) -> str:
        return self.id.split("-")[0]


E, D, F, S, W, A, P, T = (
    "sim/kernel/engine.py", "sim/kernel/dispatch.py", "sim/kernel/fairshare.py",
    "sim/kernel/sessions.py", "sim/kernel/workloads.py", "sim/kernel/arrivals.py",
    "sim/model/rules.py", "sim/model/settings.py",
)  # fmt: skip

# The list is a table, one mutant per entry: kept compact by hand.
# fmt: off
MUTANTS: list[Mutant] = [
    # --- the machine (R1–R4) ---
    Mutant("R1-busy", E, "        job.state = RUNNING\n        b.busy = True",
           "        job.state = RUNNING\n        b.busy = False",
           "a running job does not mark the backend busy: a second job can start"),
    Mutant("R2-one-queue", W, "self.backend = engine.backends[spec.backend]",
           "self.backend = next(iter(engine.backends.values()))",
           "every workload submits to the first backend"),
    Mutant("R3-no-limit", E, "job.run_time = need if need <= limit else limit  # R3",
           "job.run_time = need  # R3", "max_execution_time is not applied"),
    Mutant("R3-system-limit", W, "self.limit = min(limit, knobs.job_time_limit)  # R3",
           "self.limit = limit  # R3", "the 3 h system limit is not applied"),
    Mutant("R4-cut-is-done", E, 'self._finalize(job, self._time_limit_event, "max_execution_time")',
           'self._finalize(job, "done")', "a job stopped at its limit ends DONE"),
    Mutant("R4-until", E, "        self.stopped = True\n", "        self.stopped = False\n",
           "`until` is ignored: jobs start after it, none is left QUEUED"),
    # --- fair share (R5–R10) ---
    # The dispatch order and the one fair-share pick live in sim/kernel/dispatch.py since the kernel
    # refactor. There is no full scan beside a one-pass pick any more: one pick (one pass, plus
    # a second pass over groups tied at the smallest ratio), so the old pairs that broke the
    # same meaning in both paths are one mutant each now: R6-fast-project-only and
    # R6-scan-group → R6-group; R6-scan-project → R6-project; R7-fast-tie and
    # R7-scan-project-tie → R7-tie; R7-scan-group-tie → R7-group-tie; R10-scan-not-skipped
    # → R10-not-skipped. The second pass (groups tied at the smallest ratio) repeats the
    # project comparison for those groups: R6-tied-groups-project and R7-tied-groups-tie.
    Mutant("R5-lifo", D, "            head = q[0]\n            while head.state != QUEUED:",
           "            head = q[-1]\n            while head.state != QUEUED:",
           "inside an instance the newest job goes first"),
    Mutant("R5-largest", D, "and gkey > best_gkey:", "and gkey < best_gkey:",
           "the pick skips groups that used less (keeps the first one listed)"),
    Mutant("R6-group", D, "g = group_of[i]", "g = 0",
           "the group key is ignored: projects are compared across groups"),
    Mutant("R6-project", D,
           "elif key < best_key or (key == best_key and head.seq < best.seq):",
           "elif head.seq < best.seq:",
           "the project key is ignored inside a group (the oldest head wins)"),
    Mutant("R6-hub-weight", F,
           "group_share[g] = hub_weight[h] / hub_total * group_weight[g] / total",
           "group_share[g] = group_weight[g] / total", "hub weights are ignored"),
    Mutant("R6-project-weight", F,
           "group_share[i.path[1]] * i.share / project_total[i.path[1]] for i in insts",
           "group_share[i.path[1]] / project_total[i.path[1]] for i in insts",
           "project shares inside a group are ignored"),
    Mutant("R7-tie", D, "(key == best_key and head.seq < best.seq)",
           "(key == best_key and head.seq > best.seq)",
           "tied projects of one group go to the newer job (known escape of the first run)"),
    Mutant("R7-group-tie", D, "return min(groups.values(), key=lambda s: s[2])[0]",
           "return max(groups.values(), key=lambda s: s[2])[0]",
           "tied groups go to the group with the newer oldest job"),
    Mutant("R6-tied-groups-project", D,
           "if key < seen[1] or (key == seen[1] and head.seq < seen[0].seq):",
           "if head.seq < seen[0].seq:",
           "between tied groups, the project key inside a group is ignored"),
    Mutant("R7-tied-groups-tie", D, "(key == seen[1] and head.seq < seen[0].seq)",
           "(key == seen[1] and head.seq > seen[0].seq)",
           "between tied groups, tied projects of one group go to the newer job"),
    Mutant("R7-share-weight", F,
           "next(i.share for i in insts if i.path[1] == g)\n                if flat",
           "1.0\n                if flat", "flat instances' shares are ignored"),
    Mutant("R7-window", D, "if charges and charges[0][0] + ledger.window <= now:",
           "if False:", "usage never leaves the rolling window in the pick"),
    Mutant("R8-prior-usage", E, "self.ledger.charge(0.0, i, inst.used)",
           "self.ledger.charge(0.0, i, 0.0)", "prior usage is ignored"),
    Mutant("R9-session-wall-clock", E, "used = end - start - self._reserved_overlap(",
           "used = 0.0 * start - self._reserved_overlap(",
           "a session is charged nothing for its active time"),
    Mutant("R9-job-charge", F, "self.group_used[self._group_of[instance]] += seconds",
           "self.group_used[self._group_of[instance]] += 0.0",
           "a charge does not count in its group's usage"),
    Mutant("R10-boundary", D,
           "            limit = allocation[i]\n"
           "            if limit is not None and used[i] >= limit:",
           "            limit = allocation[i]\n"
           "            if limit is not None and used[i] > limit:",
           "an instance exactly at its allocation still runs"),
    Mutant("R10-not-skipped", D,
           "blocked = True  # R10: over its allocation\n                continue\n",
           "blocked = True  # R10: over its allocation\n",
           "the pick does not skip an instance over its allocation"),
    Mutant("R10-no-wake", D, "            if blocked:\n", "            if False:\n",
           "blocked jobs never wake when usage leaves the window"),
    # --- fair share by allocation (R34, R35; ibm-2025) ---
    Mutant("R34-share-pick", D, "            self._fair_share_pick = self._allocation_pick\n",
           "            pass\n", "ibm-2025 keeps the share tree's pick"),
    Mutant("R34-tie", D, "if best_rank is None or r < best_rank or head.seq < best.seq:",
           "if best_rank is None or r < best_rank:",
           "instances at the same fraction go to set order, not the older job"),
    Mutant("R34-limit", F, "        if self.limited[i]:\n            return None",
           "        if False:\n            return None",
           "a limited instance at its allocation keeps starting jobs"),
    Mutant("R34-flex-window", F, "        if any(kept):", "        if False:",
           "Flex usage leaves after the window like Premium's"),
    Mutant("R34-payg-priority", F,
           'under, over, none = (1, 2, 0) if knobs.payg_priority == "highest" else (0, 1, 2)',
           "under, over, none = (0, 1, 2)", "payg_priority: highest is ignored"),
    Mutant("R35-open-default", F, 'if inst.allocation is None and inst.plan == "open":',
           "if False:", "the Open plan's default 10 minutes are not applied"),
    # --- sessions (R11–R23) ---
    Mutant("R11-own-max-time", T,
           "limit = max_time if max_time is not None else knobs.default_max_time",
           "limit = knobs.default_max_time",
           "a session's own max_time is ignored"),
    Mutant("R12-clock-from-zero", E,
           "self.later(s.max_time, lambda: self._max_time_reached(s))",
           "self.at(s.max_time, lambda: self._max_time_reached(s))",
           "the max_time clock starts at t=0, not at the first activation"),
    Mutant("R12-active-at-submit", E, "            session.queue.append(job)\n",
           "            session.queue.append(job)\n"
           "            session.activity = type(session.activity).ACTIVE\n",
           "a session counts as active from its first submission"),
    Mutant("R13-no-hold", S, 'self.holds = mode == "session"', "self.holds = False",
           "sessions never hold the backend"),
    Mutant("R14-timer-first", E, "self.later(s.ittl, expired, TIMER)",
           "self.later(s.ittl, expired, 0)",
           "the ITTL check runs before a submission at the same instant"),
    Mutant("R14-queued-ignored", E,
           "if (s.ittl_gen == gen and s.active and not s.queued and not s.running",
           "if (s.ittl_gen == gen and s.active and not s.running",
           "the ITTL ends a session even with a job queued"),
    Mutant("R14-never", E, "                self._start_ittl(s)  # R14",
           "                pass  # R14", "the ITTL never starts: sessions hold until closed"),
    Mutant("R15-no-reactivation", E,
           "            if not s.active:\n                self.activate(s)  # R12",
           "            if s.first_activation is None:\n                self.activate(s)  # R12",
           "an inactive session is not reactivated by its next job"),
    Mutant("R16-reason", S, '"max_time": ("ERROR", "session_max_time"),  # R16',
           '"max_time": ("ERROR", "session_closed"),  # R16',
           "jobs failed by max_time carry the wrong reason"),
    Mutant("R16-never", E, 'self.end_session(s, "max_time")  # R16', "pass  # R16",
           "max_time is never enforced"),
    Mutant("R17-on-close", E, 'if self.knobs.on_close == "fail":',
           'if self.knobs.on_close != "fail":', "close() swaps fail and drain"),
    Mutant("R17-drain-waits", E,
           "elif s.closing and s.queued == 0 and not s.preprocessing:", "elif False:",
           "a drained session waits for its ITTL instead of closing"),
    Mutant("R18-cancel-status", S, '"cancelled": ("CANCELLED", "session_cancelled"),  # R18',
           '"cancelled": ("ERROR", "session_cancelled"),  # R18',
           "cancel() fails queued jobs instead of cancelling them"),
    Mutant("R19-first-job", E,
           "s.first_job is job and self.knobs.first_job_cancel_fails_session:",
           "s.first_job is job and not self.knobs.first_job_cancel_fails_session:",
           "the first-job-cancelled rule applies to the wrong profiles"),
    Mutant("R20-fixed-ittl", T, "        if knobs.interactive_ttl_fixed:\n",
           "        if False:\n",
           "ibm-2023's fixed ITTL lets a workload set its own"),
    Mutant("R20-ittl-over-max-time", T, "    if ittl > limit:\n", "    if False:\n",
           "a session keeps a (fixed) ITTL longer than its max_time"),
    Mutant("R21-open-job-mode", T, 'return "job", ""', 'return "session", ""',
           "Open-plan sessions stay sessions under ibm-2024"),
    Mutant("R22-idle-close", E, "if s.jobs_submitted == 0 and not s.ended:",
           "if not s.ended:", "a session with jobs is closed as idle"),
    Mutant("R23-never-shuffled", D, 'if self.knobs.session_order == "shuffled" and s.queued > 1:',
           'if self.knobs.session_order == "shuffled" and s.queued > 10**9:',
           "session_order: shuffled has no effect"),
    Mutant("R23-batch-fifo", D, "self._start(b, self._next_session_job(batch), BATCH)",
           "self._start(b, self._head(b, batch.instance), BATCH)",
           "a batch ignores session_order (always FIFO)"),
    # --- batch mode (R24) ---
    Mutant("R24-no-jump", D,
           "if batch.queued and (res is None or res.instance == batch.instance):",
           "if False:", "a batch's jobs never jump the queue"),
    Mutant("R24-ittl", T, "ittl = knobs.batch_interactive_ttl  # R24",
           "ittl = knobs.default_interactive_ttl  # R24",
           "a batch gets the session ITTL instead of about 1 s"),
    Mutant("R24-ittl-profile", P, "batch_interactive_ttl: float = 1.0",
           "batch_interactive_ttl: float = 60.0", "the profiles' batch ITTL is 60 s"),
    Mutant("R24-holds", S, 'self.holds = mode == "session"', 'self.holds = mode != "job"',
           "a batch holds the backend like a session"),
    Mutant("R24-open-max-time", T, "cap = knobs.open_plan_batch_max_time",
           "cap = knobs.batch_max_time", "Open-plan batches get 8 h"),
    Mutant("R24-usage", E, "            return  # R24: a batch bills",
           "            pass  # R24: a batch bills",
           "a batch is billed wall-clock time as well as quantum seconds"),
    # --- calibrations (R25, R26, R29) ---
    Mutant("R25-behind-session", D,
           "if b.calibrations and not (holder is not None and "
           "self.knobs.session_blocks_calibration):",
           "if b.calibrations and holder is None:",
           "calibrations never go ahead of an active session"),
    Mutant("R25-merge", E, "if all(c[0] != cid for c in b.calibrations):", "if True:",
           "a periodic calibration still waiting is queued a second time"),
    Mutant("R25-period", E, "                self.later(cal.every, due)",
           "                self.later(cal.every + cal.duration, due)",
           "the period counts from the end of the calibration"),
    Mutant("R26-idle-session", D,
           "not (holder is not None and self.knobs.session_blocks_calibration)",
           "not (holder is not None and holder.queued and self.knobs.session_blocks_calibration)",
           "an idle-held session does not keep a calibration waiting (ibm-current)"),
    Mutant("R29-reservation", D,
           "if b.calibrations and not (holder is not None and "
           "self.knobs.session_blocks_calibration):",
           "if b.calibrations and res is None and not (holder is not None and "
           "self.knobs.session_blocks_calibration):",
           "calibrations wait for the end of a reservation"),
    # --- reservations (R27, R28) ---
    Mutant("R27-open", D,
           "                self._start(b, self._head(b, res.instance), RESERVATION)\n"
           "            return\n",
           "                self._start(b, self._head(b, res.instance), RESERVATION)\n"
           "                return\n",
           "with nothing of the reserved instance queued, others run inside its window"),
    Mutant("R27-charge", E, "self.ledger.charge(self.env.now, res.instance, res.end - res.start)",
           "self.ledger.charge(self.env.now, res.instance, 0.0)",
           "a reservation's window is not charged"),
    Mutant("R27-batch", D,
           "if batch.queued and (res is None or res.instance == batch.instance):",
           "if batch.queued:", "another instance's batch runs inside a reservation"),
    Mutant("R28-end", E, 'self.end_session(s, "reservation_ended")  # R28',
           "pass  # R28", "sessions go on after their reservation ends"),
    # --- workloads (R30–R33) ---
    Mutant("R30-no-think", W, "self.engine.later(think, next_iteration)",
           "self.engine.later(0.0, next_iteration)", "iterations skip the classical time"),
    Mutant("R30-loop-on-error", W, "if ok and len(self.jobs) < self.spec.jobs",
           "if len(self.jobs) < self.spec.jobs", "a loop goes on after a failed job"),
    Mutant("R31-one-at-a-time", W, "for _ in range(self.spec.jobs):", "for _ in range(1):",
           "a batch pattern submits only its first job"),
    Mutant("R32-rate", W, "params=(1.0 / spec.rate,))", "params=(0.5 / spec.rate,))",
           "streams arrive twice as fast as their rate"),
    Mutant("R32-stop", A,
           'valid = int(np.searchsorted(pending, s.stop, side="left"))  # times < stop',
           "valid = len(pending)  # times < stop", "stream arrivals after `stop` are kept"),
    Mutant("R33-unseeded-order", W,
           's.rng = stream_rng(self.engine.seed, stream, "session_order")',
           "s.rng = __import__(\"numpy\").random.default_rng()",
           "the shuffled session order is not seeded"),
    Mutant("R33-seed-ignored", W, "        seed = engine.seed\n", "        seed = 0\n",
           "the scenario's seed does not change the draws"),
    # --- today's platform: a job's life cycle and its billing (R37–R39) ---
    Mutant("R37-no-stop", E, "elif job.state == RUNNING and self.knobs.cancel_running_jobs:",
           "elif False:", "a cancel_job on a running job does nothing (ibm-2025)"),
    Mutant("R38-no-overhead", E, "need = quantum + wl.overhead if wl.overhead else quantum",
           "need = quantum", "the per-job overhead neither locks the QPU nor is billed"),
    Mutant("R38-error-status", E, 'self._time_limit_event = "cancelled" if cancelled else "error"',
           'self._time_limit_event = "error"', "max_execution_time ends ERROR under ibm-2025"),
    Mutant("R38-stop-charges-all", E, "self._charge_job(b, job, b.since, now - b.since)",
           "self._charge_job(b, job, b.since, job.run_time)",
           "a stopped job is charged its whole planned lock, not what it used"),
    Mutant("R39-session-free", E,
           "self._meter(s.instance, 1)  # R38: an active session bills its wall clock", "pass",
           "an active session does not count against the cost limit"),
    Mutant("R39-no-stop", E, '                self._stop_running(job, "cost_limit")',
           "                pass", "the cost limit lets the running job finish"),
    Mutant("R40-due-dropped", E, "(not self.stopped and self._drain_system_jobs())",
           "(not self.stopped and False)",
           "a calibration that fell due is dropped when the user work ends (fact 10)"),
    Mutant("R41-lanes-unbounded", E, "while q and b.lanes_busy < lanes and not self.stopped:",
           "while q and not self.stopped:", "every job pre-processes at once, lanes ignored"),
    Mutant("R41-batches-idle-closed", E,
           "if idle is not None and (s.holds or self.knobs.idle_close_batches):",
           "if idle is not None:", "batches are idle-closed under ibm-2025 too"),
]
# fmt: on


# --- applying mutants ---------------------------------------------------------------------


def apply(mutant: Mutant, source: str) -> str:
    """The mutated source; ValueError when the snippet is missing, ambiguous or breaks the
    syntax (the list is stale: fail loudly)."""
    count = source.count(mutant.find)
    if count != 1:
        where = "not found" if count == 0 else f"found {count} times"
        raise ValueError(f"{mutant.id}: snippet {where} in {mutant.file}: {mutant.find!r}")
    mutated = source.replace(mutant.find, mutant.replace)
    try:
        compile(mutated, mutant.file, "exec")
    except SyntaxError as err:
        raise ValueError(f"{mutant.id}: the mutant does not compile: {err}") from None
    return mutated


def check(mutants: list[Mutant]) -> list[str]:
    errors = []
    for m in mutants:
        try:
            apply(m, (ROOT / m.file).read_text())
        except ValueError as err:
            errors.append(str(err))
    return errors


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # caught | escaped | error
    failed: list[str]
    seconds: float
    note: str = ""


def run_tests(copy: Path, tests: list[str], keep_going: bool, timeout: float) -> tuple:
    """(return code or None when out of time, failing test ids, output tail).

    ``timeout`` is CPU seconds, not wall-clock: on a shared, loaded machine a healthy run can
    take many times its CPU time, while a mutant stuck in a loop burns CPU. Wall-clock gets
    ten times as much, as a safety net for a run that waits without computing.
    """
    # In the order given (the quick rule tests before the slow properties), so that with -x a
    # caught mutant costs little.
    files = list(dict.fromkeys(str(p.relative_to(copy)) for pattern in tests
                               for p in sorted(copy.glob(pattern))))  # fmt: skip
    # -ra lists the failing tests; the repository's own --timeout=300 gives way to the
    # per-mutant limit below; no cache files in the copy.
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o",
               "addopts=-ra", *([] if keep_going else ["-x"]), *files]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    # Its own process group, so that a mutant that hangs is killed with its children only.
    limit = int(timeout)

    def cpu_limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))

    proc = subprocess.Popen(command, cwd=copy, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=cpu_limit)  # fmt: skip
    try:
        out, _ = proc.communicate(timeout=10 * timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this run started, nothing else
        proc.communicate()
        return None, [], ""
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return None, [], ""
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", out, flags=re.MULTILINE)
    return proc.returncode, failed, "\n".join(out.splitlines()[-15:])


def evaluate(mutant: Mutant, copy: Path, tests: list[str], keep_going: bool,
             timeout: float) -> Outcome:  # fmt: skip
    path = copy / mutant.file
    original = path.read_text()
    start = time.monotonic()
    try:
        path.write_text(apply(mutant, original))
    except ValueError as err:
        return Outcome(mutant, "error", [], 0.0, str(err))
    try:
        rc, failed, tail = run_tests(copy, tests, keep_going, timeout)
    finally:
        path.write_text(original)
    seconds = time.monotonic() - start
    if rc is None:
        return Outcome(mutant, "caught", [], seconds, f"out of time ({timeout:.0f} CPU s)")
    if rc == 0:
        return Outcome(mutant, "escaped", [], seconds)
    if rc == 1:
        return Outcome(mutant, "caught", failed, seconds)
    return Outcome(mutant, "error", failed, seconds, f"pytest exit code {rc}:\n{tail}")


def make_copy(base: Path, k: int) -> Path:
    copy = base / f"repo{k}"
    shutil.copytree(ROOT, copy, ignore=IGNORE)
    return copy


def baseline(copy: Path, tests: list[str], timeout: float) -> str | None:
    """None when the unmutated tests pass and import the copy's ``sim``; else what is wrong."""
    env = {**os.environ, "PYTHONPATH": str(copy)}
    command = [sys.executable, "-c", "import sim; print(sim.__file__)"]
    found = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True,
                           check=False)  # fmt: skip
    where = found.stdout.strip()
    if not where.startswith(str(copy)):
        return f"`import sim` resolves to {where!r}, not to the copy {copy}"
    rc, failed, tail = run_tests(copy, tests, False, timeout)
    if rc != 0:
        return f"the tests fail without any mutant (exit {rc}): {failed}\n{tail}"
    return None


def report(outcomes: list[Outcome]) -> str:
    lines = [f"{'mutant':<26} {'status':<8} {'s':>5}  first failing test / note"]
    for o in outcomes:
        first = o.failed[0] if o.failed else o.note.splitlines()[0] if o.note else ""
        lines.append(f"{o.mutant.id:<26} {o.status:<8} {o.seconds:5.0f}  {first}")
        for more in o.failed[1:]:
            lines.append(f"{'':<42}{more}")
        if o.status == "escaped":
            lines.append(f"{'':<42}(escaped: {o.mutant.what})")
    caught = sum(o.status == "caught" for o in outcomes)
    escaped = sum(o.status == "escaped" for o in outcomes)
    errors = sum(o.status == "error" for o in outcomes)
    rules = sorted({o.mutant.rule for o in outcomes}, key=lambda r: int(r[1:]))
    percent = f" ({100 * caught / (caught + escaped):.0f} %)" if caught + escaped else ""
    lines.append("")
    lines.append(
        f"score: {caught}/{caught + escaped} mutants caught{percent}, {escaped} escaped, "
        f"{errors} errors; {len(rules)} rules broken: {' '.join(rules)}"
    )
    for o in outcomes:
        if o.status == "error":
            lines.append(f"ERROR {o.mutant.id}: {o.note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="mutants run in parallel (1)")
    parser.add_argument("--timeout", type=float, default=180.0,
                        help="CPU seconds per mutant before it counts as caught (180)")  # fmt: skip
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these mutants")
    parser.add_argument("--tests", nargs="+", metavar="GLOB", default=DEFAULT_TESTS,
                        help="test files (globs) to run against each mutant")  # fmt: skip
    parser.add_argument("--keep-going", action="store_true",
                        help="no -x: list every failing test per mutant (slower)")  # fmt: skip
    parser.add_argument("--check", action="store_true",
                        help="only check that every snippet applies and compiles")  # fmt: skip
    args = parser.parse_args(argv)

    mutants = MUTANTS
    if args.only:
        unknown = set(args.only) - {m.id for m in MUTANTS}
        if unknown:
            parser.error(f"unknown mutant(s): {sorted(unknown)}")
        mutants = [m for m in MUTANTS if m.id in args.only]
    ids = [m.id for m in MUTANTS]
    assert len(ids) == len(set(ids)), "duplicate mutant ids"
    errors = check(mutants)
    if args.check or errors:
        print("\n".join(f"ERROR {e}" for e in errors) or f"all {len(mutants)} snippets apply")
        return 2 if errors else 0

    with tempfile.TemporaryDirectory(prefix="qsched-mutation-") as tmp:
        copies: Queue[Path] = Queue()
        for k in range(max(1, args.jobs)):
            copies.put(make_copy(Path(tmp), k))
        first = copies.get()
        problem = baseline(first, args.tests, args.timeout)
        copies.put(first)
        if problem:
            print(f"baseline: {problem}")
            return 3
        print(f"baseline passes; {len(mutants)} mutants, {args.jobs} at a time", flush=True)

        def one(m: Mutant) -> Outcome:
            copy = copies.get()
            try:
                o = evaluate(m, copy, args.tests, args.keep_going, args.timeout)
            finally:
                copies.put(copy)
            print(f"  {m.id}: {o.status} ({o.seconds:.0f} s)", flush=True)
            return o

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            outcomes = list(pool.map(one, mutants))
    print()
    print(report(outcomes))
    if any(o.status == "error" for o in outcomes):
        return 2
    return 1 if any(o.status == "escaped" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
