"""Issue 16 point 9: text from a user stays text.

- A name with control characters (an ANSI escape, a newline, a bidirectional override) is
  refused with its field: such a name could forge lines of the CLI's output or a log, or show
  a reader something else than what is there.
- CSV exports neutralise cells a spreadsheet would run as a formula (``=``, ``+``, ``-``,
  ``@``, tab, carriage return), and the exported tables still read back exactly.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

import sim
from sim.analysis.csvfile import to_csv
from sim.analysis.exports import read_tables, result_tables
from tests.test_bad_input import base, edit

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("bad", ["x\x1b[31m", "two\nlines", "tab\there", "rtl\u202eevil", "\x85"])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("name", "name"),
        ("backends.0.name", "backends[0].name"),
        ("instances.0.name", "instances[0].name"),
        ("users.0.name", "users[0].name"),
        ("workloads.0.name", "workloads[0].name"),
    ],
)
def test_a_name_with_control_characters_is_refused(path, field, bad):
    with pytest.raises(sim.ScenarioError) as info:
        sim.from_dict(edit(base(), {path: bad}))
    # \x85 is also whitespace, so an instance name of it is refused twice (blank, hidden).
    [problem] = [p for p in info.value.problems if p.path == field and "control" in p.message]
    assert f"U+{ord(next(c for c in bad if not c.isalnum())):04X}" in problem.message


def test_the_cli_never_prints_a_raw_escape_from_a_file(tmp_path):
    file = tmp_path / "evil.yaml"
    file.write_text(
        yaml.safe_dump(edit(base(), {"name": "ok\x1b[2J\nvalid (forged)"})), encoding="utf-8"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "\x1b" not in proc.stdout + proc.stderr
    assert "forged" not in proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr  # one problem, one line


def test_formula_cells_are_neutralised_in_csv():
    frame = pd.DataFrame(
        {
            "user": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "'quoted", "plain"],
            "wait": [1.0, 2.0, -3.0, 4.0, 5.0, 6.0],
        }
    )
    lines = to_csv(frame).splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(") or lines[1].startswith("'=HYPERLINK(")
    assert lines[2] == "'+1,2"
    assert lines[3] == "'-2,-3"  # a negative number in a float column is left alone
    assert lines[4] == "'@SUM(A1),4"
    assert lines[5] == "''quoted,5"
    assert lines[6] == "plain,6"


def test_exports_with_formula_like_names_read_back_identical(tmp_path):
    evil = "=cmd|' /C calc'!A0"
    data = edit(base(), {"users.0.name": evil, "workloads.0.user": evil,
                         "workloads.0.name": "@vqe", "actions.0.workload": "@vqe"})  # fmt: skip
    result = sim.run(sim.from_dict(data))
    result.save(tmp_path)
    text = (tmp_path / "jobs.csv").read_text()
    assert "\n@vqe" not in text and ",=cmd" not in text
    assert "'@vqe.1" in text
    back = read_tables(tmp_path)
    for name, table in result_tables(result).items():
        pd.testing.assert_frame_equal(back[name], table, check_exact=True)
