"""The scenario library and drafts (``sim/store/library.py``), safe uploads
(``sim/store/uploads.py``) and the round-trips the user relies on: YAML download → upload,
library save → load, result CSVs → tables (``sim/analysis/exports.py``).

Every test runs with its own empty ``QSCHED_DATA_DIR`` (``conftest.py``).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.analysis.exports import read_tables, result_tables
from sim.store import library
from sim.store.library import Drafts, Library, LibraryError
from sim.store.uploads import MAX_UPLOAD_BYTES, parse_upload
from tests.helpers import scenario

# --- where the data lives ------------------------------------------------------------------


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QSCHED_DATA_DIR", str(tmp_path / "mine"))
    assert library.data_dir() == tmp_path / "mine"
    monkeypatch.delenv("QSCHED_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert library.data_dir() == tmp_path / "xdg" / "qsched"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert library.data_dir() == tmp_path / "home" / ".local" / "share" / "qsched"


def test_library_defaults_to_the_data_dir(data_dir):
    Library().save("demo", sim.preset("mm1-queue"))
    assert (data_dir / "library" / "demo.yaml").is_file()


# --- the library ---------------------------------------------------------------------------


def test_save_list_load_rename_delete(tmp_path):
    lib = Library(tmp_path)
    assert lib.names() == []
    vqe, mm1 = sim.preset("vqe-vs-background"), sim.preset("mm1-queue")
    assert lib.save("Lecture 3 demo", vqe) == "Lecture 3 demo"
    lib.save("b-queue", mm1)
    assert lib.names() == ["b-queue", "Lecture 3 demo"]  # case-insensitive order
    assert lib.load("Lecture 3 demo") == vqe
    lib.rename("b-queue", "M-M-1 (tuned)")
    assert lib.names() == ["Lecture 3 demo", "M-M-1 (tuned)"]
    assert lib.load("M-M-1 (tuned)") == mm1
    lib.delete("Lecture 3 demo")
    assert lib.names() == ["M-M-1 (tuned)"]


def test_save_overwrites_but_save_as_refuses_a_taken_name(tmp_path):
    lib = Library(tmp_path)
    lib.save("x", sim.preset("mm1-queue"))
    lib.save("x", sim.preset("vqe-vs-background"))  # Save: replaces
    assert lib.load("x") == sim.preset("vqe-vs-background")
    with pytest.raises(LibraryError, match="^name: 'x' already exists"):
        lib.save_as("x", sim.preset("mm1-queue"))
    assert lib.load("x") == sim.preset("vqe-vs-background")  # untouched


def test_rename_refuses_a_taken_name_and_keeps_both(tmp_path):
    lib = Library(tmp_path)
    lib.save("a", sim.preset("mm1-queue"))
    lib.save("b", sim.preset("vqe-vs-background"))
    with pytest.raises(LibraryError, match="^new name: 'b' already exists"):
        lib.rename("a", "b")
    assert lib.load("a") == sim.preset("mm1-queue")
    assert lib.load("b") == sim.preset("vqe-vs-background")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "a name is required"),
        ("   ", "a name is required"),
        ("../../etc/passwd", "not allowed: '/'"),
        ("a/b", "not allowed: '/'"),
        (".hidden", "not '.'"),
        ("x" * 81, "at most 80 characters"),
        ("tab\tname", "not allowed: '\\t'"),
    ],
)
def test_bad_names_are_refused_naming_the_field(tmp_path, name, message):
    lib = Library(tmp_path)
    with pytest.raises(LibraryError) as err:
        lib.save(name, sim.preset("mm1-queue"))
    assert str(err.value).startswith("name: ")
    assert message in str(err.value)
    with pytest.raises(LibraryError, match="^new name: "):
        lib.save("ok", sim.preset("mm1-queue"))
        lib.rename("ok", name)
    assert not list(tmp_path.rglob("passwd"))


def test_missing_entries_give_a_message(tmp_path):
    lib = Library(tmp_path)
    for action in (lambda: lib.load("nope"), lambda: lib.delete("nope")):
        with pytest.raises(LibraryError, match="no scenario named 'nope'"):
            action()


def test_a_hand_broken_entry_reports_its_problems(tmp_path):
    lib = Library(tmp_path)
    lib.save("x", sim.preset("mm1-queue"))
    (tmp_path / "library" / "x.yaml").write_text("backends: []\n")
    with pytest.raises(sim.ScenarioError) as err:
        lib.load("x")
    assert any(p.path == "backends" for p in err.value.problems)


def _variants(n: int) -> list[sim.Scenario]:
    base = sim.preset("vqe-vs-background")
    return [base.model_copy(update={"seed": i, "name": f"variant {i}"}) for i in range(n)]


def test_concurrent_saves_to_one_name_never_corrupt_it(tmp_path):
    """8 threads save different scenarios to one name while a reader loads it: every read is
    one whole scenario, the last write wins, and no temporary file is left behind."""
    lib = Library(tmp_path)
    variants = _variants(8)
    lib.save("shared", variants[0])
    stop, seen, failures = threading.Event(), set(), []

    def writer(s: sim.Scenario) -> None:
        for _ in range(15):
            lib.save("shared", s)

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.add(lib.load("shared").seed)
            except Exception as err:  # a torn or missing file would land here
                failures.append(err)

    read = threading.Thread(target=reader)
    read.start()
    writers = [threading.Thread(target=writer, args=(s,)) for s in variants]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    read.join()
    assert failures == []
    assert seen <= {s.seed for s in variants}
    assert lib.load("shared") in variants
    assert sorted(p.name for p in (tmp_path / "library").iterdir()) == ["shared.yaml"]


def _save_many(root: str, text: str, rounds: int) -> None:
    for _ in range(rounds):
        library.write_atomic(Path(root) / "library" / "shared.yaml", text)


def test_concurrent_saves_from_two_processes(tmp_path):
    """Two server processes (or two `streamlit run`s) sharing one data directory."""
    a, b = (s.to_yaml() for s in _variants(2))
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_save_many, args=(str(tmp_path), t, 40)) for t in (a, b)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert (tmp_path / "library" / "shared.yaml").read_text() in (a, b)
    assert Library(tmp_path).load("shared") in _variants(2)
    assert len(list((tmp_path / "library").iterdir())) == 1


def test_racing_save_as_lets_exactly_one_win(tmp_path):
    lib = Library(tmp_path)
    results: list[str] = []

    def attempt(s: sim.Scenario) -> None:
        try:
            lib.save_as("new", s)
            results.append("saved")
        except LibraryError:
            results.append("refused")

    threads = [threading.Thread(target=attempt, args=(s,)) for s in _variants(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["refused"] * 5 + ["saved"]


# --- drafts --------------------------------------------------------------------------------


def test_drafts_are_kept_per_id(tmp_path):
    drafts = Drafts(tmp_path)
    one, two = drafts.new_id(), drafts.new_id()
    assert one != two and Drafts.valid_id(one)
    drafts.save(one, {"name": "mine"})
    drafts.save(two, {"name": "theirs"})
    assert drafts.load(one) == {"name": "mine"}
    assert drafts.load(two) == {"name": "theirs"}
    assert drafts.load(drafts.new_id()) is None


def test_recent_drafts_newest_first_without_this_tab(tmp_path):
    drafts = Drafts(tmp_path)
    ids = [drafts.new_id() for _ in range(4)]
    for age, draft_id in enumerate(ids):  # ids[0] newest
        drafts.save(draft_id, {"n": age})
        stamp = 2_000_000_000 - 60 * age
        os.utime(tmp_path / "drafts" / f"{draft_id}.json", (stamp, stamp))
    recent = drafts.recent(limit=2, exclude=ids[0])
    assert [(i, d) for i, _, d in recent] == [(ids[1], {"n": 1}), (ids[2], {"n": 2})]


def test_draft_ids_from_a_url_never_become_paths(tmp_path):
    drafts = Drafts(tmp_path)
    for bad in ("../library/x", "", "ABC", "0" * 31, None):
        assert drafts.load(bad) is None
    with pytest.raises(LibraryError, match="^draft: "):
        drafts.save("../x", {})


def test_a_corrupt_draft_is_ignored_and_old_drafts_are_pruned(tmp_path):
    drafts = Drafts(tmp_path)
    broken, old = drafts.new_id(), drafts.new_id()
    drafts.save(old, {"a": 1})
    (tmp_path / "drafts" / f"{broken}.json").write_text("{not json")
    assert drafts.load(broken) is None
    long_ago = 1_000_000_000  # 2001
    os.utime(tmp_path / "drafts" / f"{old}.json", (long_ago, long_ago))
    assert drafts.prune() == 1
    assert drafts.load(old) is None


# --- round-trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sim.preset_names())
def test_download_then_upload_gives_the_same_scenario(name):
    original = sim.preset(name)
    downloaded = original.to_yaml().encode("utf-8")  # what "Download as YAML" serves
    assert parse_upload(downloaded, "x.yaml") == original


def test_library_round_trip_keeps_awkward_values(tmp_path):
    """Non-integer seconds, unicode, names YAML would read as numbers or null."""
    original = scenario(
        [
            {"name": "NA", "user": "a", "pattern": "batch", "jobs": 3, "quantum": 0.1 + 0.2},
            {
                "name": "null",
                "user": "b",
                "pattern": "stream",
                "rate": 1 / 7,
                "stop": 1000,
                "quantum": {"lognormal": {"mean": 12.5, "sd": 1 / 3}},
            },
        ],  # fmt: skip
        name="Größe: 1e5 ‘quoted’",
        description="line one\nline two: yes",
        overrides={"on_close": "fail"},
        seed=2**62,
    )
    lib = Library(tmp_path)
    lib.save("awkward", original)
    assert lib.load("awkward") == original
    assert parse_upload(original.to_yaml().encode(), "a.yaml") == original


def test_exported_csvs_read_back_into_identical_tables(tmp_path):
    """Every table of a run with sessions, batches, reservations, calibrations and failures;
    floats must come back bit for bit (17 significant digits), so the comparison is exact."""
    result = sim.run(sim.preset("contract-example"))
    result.save(tmp_path)
    back, original = read_tables(tmp_path), result_tables(result)
    assert set(back) == {"jobs", "sessions", "timeline", "events"}
    for name in back:
        pd.testing.assert_frame_equal(back[name], original[name], check_exact=True)
    assert back["sessions"]["activations"].dtype == "int64"
    assert back["jobs"]["started"].dtype == "float64"
    # The in-memory table, not only its canonical copy: same floats, same strings.
    jobs = result.jobs
    assert (back["jobs"]["wait"].to_numpy() == jobs["wait"].to_numpy()).sum() == jobs[
        "wait"
    ].notna().sum()
    assert list(back["jobs"]["job_id"]) == list(jobs["job_id"])


def test_awkward_names_and_empty_tables_read_back(tmp_path):
    s = scenario(
        [{"name": "NA", "user": "007", "pattern": "batch", "jobs": 2, "quantum": 0.1}],
        users=[{"name": "007", "instance": "A"}, {"name": "b", "instance": "B"}],
    )
    result = sim.run(s)
    result.save(tmp_path)
    back = read_tables(tmp_path)
    assert list(back["jobs"]["user"]) == ["007", "007"]  # not the number 7
    assert list(back["jobs"]["workload"]) == ["NA", "NA"]  # not a missing value
    assert back["jobs"]["quantum_seconds"].tolist() == [0.1, 0.1]
    assert len(back["sessions"]) == 0
    for name, table in result_tables(result).items():
        pd.testing.assert_frame_equal(back[name], table, check_exact=True)


# --- safe uploads --------------------------------------------------------------------------


def _problems(data: bytes) -> str:
    with pytest.raises(sim.ScenarioError) as err:
        parse_upload(data, "up.yaml")
    return " | ".join(str(p) for p in err.value.problems)


def test_uploads_over_one_megabyte_are_refused():
    good = sim.preset("mm1-queue").to_yaml().encode()
    padded = good + b"#" * (MAX_UPLOAD_BYTES - len(good))
    assert len(padded) == MAX_UPLOAD_BYTES
    assert parse_upload(padded, "up.yaml") == sim.preset("mm1-queue")  # exactly 1 MB: fine
    assert "limited to 1,000,000 bytes (1 MB)" in _problems(padded + b"#")


def test_uploads_never_construct_python_objects(tmp_path):
    marker = tmp_path / "pwned"
    payload = (
        f"name: !!python/object/apply:os.system ['touch {marker}']\nbackends: [{{name: q}}]\n"
    ).encode()
    assert "could not determine a constructor" in _problems(payload)
    assert not marker.exists()


def test_alias_bombs_are_refused():
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    bomb = ("\n".join(lines) + "\nname: *a8\n").encode()
    assert len(bomb) < 1000
    assert "expands (through YAML aliases)" in _problems(bomb)


def test_binary_and_non_utf8_uploads_are_refused():
    assert "not UTF-8" in _problems(b"\xff\xfe\x00name")
    assert "YAML syntax error at line 2" in _problems(b"name: [unclosed\n")


# --- names are file names on every system (issue 13, item 2) -------------------------------


@pytest.mark.parametrize(
    "name", ["Lecture 3 #2 [draft]", "Überblick – Woche 3", "50% load; 2 users!", "a=b @ c~d"]
)
def test_names_any_file_system_can_hold_are_accepted(tmp_path, name):
    lib = Library(tmp_path)
    assert lib.save_as(name, sim.preset("mm1-queue")) == name
    assert lib.names() == [name]
    assert lib.load(name) == sim.preset("mm1-queue")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Lecture 3: batch", "(not allowed: ':'); for example 'Lecture 3 - batch'"),
        ('say "hi"', "(not allowed: '\"'); for example 'say hi'"),
        ("a*b?", "(not allowed: '*' '?'); for example 'a b'"),
        ("CON", "a name Windows keeps for a device"),
        ("lpt1.notes", "a name Windows keeps for a device"),
        ("ends with a dot.", "end with something other than '.'"),
    ],
)
def test_names_some_file_system_refuses_are_refused_with_a_suggestion(tmp_path, name, message):
    with pytest.raises(LibraryError, match="^name: ") as err:
        Library(tmp_path).save(name, sim.preset("mm1-queue"))
    assert message in str(err.value)


def test_the_suggested_name_of_every_preset_is_accepted(tmp_path):
    """The Save as field starts from the scenario's title; titles have colons and slashes."""
    lib = Library(tmp_path)
    expected = {
        "Figure 2: an iterative session": "Figure 2 - an iterative session",
        "M/M/1 queue (one backend, Poisson jobs)": "M-M-1 queue (one backend, Poisson jobs)",
    }
    for preset in sim.preset_names():
        title = sim.preset(preset).name
        name = library.suggest_name(title)
        assert library.check_name(name) == name
        if title in expected:
            assert name == expected[title]
        lib.save(name, sim.preset(preset))
    assert len(lib.names()) == len(sim.preset_names())


def test_a_draft_lists_only_for_its_browser_and_can_be_deleted(tmp_path):
    drafts = Drafts(tmp_path)
    mine, theirs, unowned = drafts.new_id(), drafts.new_id(), drafts.new_id()
    drafts.save(mine, {"browser": "a" * 32})
    drafts.save(theirs, {"browser": "b" * 32})
    drafts.save(unowned, {})
    assert [i for i, _, _ in drafts.recent(owner="a" * 32)] == [mine]
    assert len(drafts.recent()) == 3
    drafts.delete(mine)
    drafts.delete(mine)  # already gone: nothing to do
    assert drafts.load(mine) is None and drafts.recent(owner="a" * 32) == []


# --- issue 16 point 11: names by their bytes, renames at once, killed writes -----------------


def test_a_name_is_limited_by_its_bytes_as_a_file_name(tmp_path):
    lib = Library(tmp_path)
    scenario = sim.preset("fig1-session-flow")
    cjk = "量" * 80  # 80 characters (the character limit) but 240 bytes in UTF-8
    with pytest.raises(LibraryError) as info:
        lib.save(cjk, scenario)
    assert info.value.field == "name" and "bytes" in info.value.message
    ok = "量" * 66  # 198 bytes: fits, with room for the temporary file's 19 more
    assert lib.load(lib.save(ok, scenario)) == scenario
    with pytest.raises(LibraryError) as info:
        lib.rename(ok, cjk)
    assert info.value.field == "new name"


def test_two_renames_of_one_entry_at_once_leave_one_entry_and_a_message(tmp_path):
    import threading

    lib = Library(tmp_path)
    scenario = sim.preset("fig1-session-flow")
    for attempt in range(30):
        lib.save("A", scenario)
        barrier = threading.Barrier(2)
        outcome: dict[str, object] = {}

        def rename(new: str, barrier=barrier, outcome=outcome) -> None:
            barrier.wait()
            try:
                outcome[new] = lib.rename("A", new)
            except LibraryError as err:  # the loser: a message, never another error
                outcome[new] = err

        threads = [threading.Thread(target=rename, args=(n,)) for n in ("B", "C")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        names = lib.names()
        assert names in (["B"], ["C"]), (attempt, names, outcome)
        winner = names[0]
        assert outcome[winner] == winner
        loser = "C" if winner == "B" else "B"
        # Either it lost the claim ("renamed or deleted meanwhile") or came after the winner
        # had finished ("no scenario named 'A'"): a message naming the entry either way.
        assert isinstance(outcome[loser], LibraryError), outcome
        assert outcome[loser].field == "name" and "'A'" in outcome[loser].message
        lib.delete(winner)
        assert not list(lib.folder.glob(".*")), "no claim left behind"


def test_leftovers_of_killed_writes_are_cleaned_up(tmp_path):
    from sim.store.library import tidy

    lib = Library(tmp_path)
    scenario = sim.preset("fig1-session-flow")
    lib.save("kept", scenario)
    folder = lib.folder
    partial = folder / ".kept.yaml.x1y2z3w4.tmp"
    partial.write_text("name: half a fi")
    claim = folder / ".moved.yaml.0123abcd.renaming"
    claim.write_text((folder / "kept.yaml").read_text())
    clash = folder / ".kept.yaml.89abcdef.renaming"
    clash.write_text((folder / "kept.yaml").read_text())
    tidy(folder)  # all just written: a write or rename may still be going on
    assert partial.exists() and claim.exists()
    tidy(folder, stale=-1)  # now count them as old
    assert not partial.exists() and not claim.exists() and not clash.exists()
    assert lib.names() == ["kept", "kept (recovered)", "moved"]
    assert lib.load("moved") == scenario
