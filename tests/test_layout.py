"""The shape of the code (issue 14): sim/ in layers that import downwards only, no import
cycles, nothing inside the package importing its root, no Streamlit or Plotly in the model, no
private SimPy name outside the kernel's environment, and a README layout that is the tree.

Imports are read from the source (``ast``), not by importing: a cycle that Python tolerates
today (a name used only later) is still a cycle. Imports under ``if TYPE_CHECKING:`` are not
counted: they never run, and type hints across layers are how a lower layer names a higher
one's class without depending on it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIM = ROOT / "sim"
# Lower layers first: a module may import from its own layer and the ones before it.
LAYERS = ("model", "kernel", "analysis", "experiments", "traces", "store", "cli")
PRIVATE_SIMPY = {"_queue", "_eid", "_now", "_active_proc"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path: Path) -> str:
    name = _module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _runtime_imports(path: Path) -> set[str]:
    """The modules ``path`` imports when it runs (anywhere, functions included), as dotted
    names; ``from X import y`` counts as X and, when it exists, X.y."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for b in node.body for n in ast.walk(b))
    out: set[str] = set()
    package = _package_of(path)
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            out.add(mod)
            for alias in node.names:
                out.add(f"{mod}.{alias.name}")
    return out


def _sim_files() -> list[Path]:
    return sorted(SIM.rglob("*.py"))


def _known() -> set[str]:
    return {_module_name(p) for p in _sim_files()}


def _graph() -> dict[str, set[str]]:
    known = _known()
    return {_module_name(p): {m for m in _runtime_imports(p) if m in known} for p in _sim_files()}


def test_no_import_cycles_inside_sim():
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt == "sim":
                continue  # the package root: the next test refuses those imports
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_nothing_inside_the_package_imports_its_root():
    """``sim/__init__.py`` is the public face (``sim.run``, ``sim.load``): modules inside
    import what they need from where it lives, so the root can import any of them."""
    offenders = [
        _module_name(p)
        for p in _sim_files()
        if p != SIM / "__init__.py" and "sim" in _runtime_imports(p)
    ]
    assert offenders == []


def test_layers_import_downwards_only():
    bad = []
    for path in _sim_files():
        parts = path.relative_to(SIM).parts
        if len(parts) < 2:
            continue  # sim/__init__.py and sim/__main__.py sit above every layer
        layer = LAYERS.index(parts[0])
        for mod in _runtime_imports(path):
            bits = mod.split(".")
            up = bits[0] == "sim" and len(bits) > 1 and bits[1] in LAYERS
            if up and LAYERS.index(bits[1]) > layer:
                bad.append(f"{_module_name(path)} imports {mod}")
    assert bad == []


def test_every_module_sits_in_a_layer():
    loose = [p.name for p in SIM.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == []
    assert {p.name for p in SIM.iterdir() if p.is_dir() and p.name != "__pycache__"} >= set(LAYERS)


@pytest.mark.parametrize("gui", ["streamlit", "plotly"])
def test_the_model_imports_no_streamlit_or_plotly(gui):
    users = [
        _module_name(p)
        for p in _sim_files()
        if any(m == gui or m.startswith(gui + ".") for m in _runtime_imports(p))
    ]
    assert users == []


def test_private_simpy_names_only_in_the_kernel_environment():
    """SimPy through its public API everywhere but the one class that extends it
    (sim/kernel/environment.py, which documents what it overrides)."""
    allowed = SIM / "kernel" / "environment.py"
    found = []
    for folder in ("sim", "ui", "pages", "figures", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == allowed:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in PRIVATE_SIMPY:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert found == []


def _readme_layout() -> dict[str, set[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Project layout", 1)[1].split("```", 2)[1]
    listed: dict[str, set[str]] = {}
    package = None
    for line in block.splitlines():
        if m := re.match(r"^  (\w+)/", line):
            package = m.group(1)
            listed.setdefault(package, set())
        elif (m := re.match(r"^    (\w+\.py)\b", line)) and package:
            listed[package].add(m.group(1))
        elif re.match(r"^\S", line):
            package = None
    return listed


def test_the_readme_layout_is_the_tree():
    listed = _readme_layout()
    tree = {
        d.name: {p.name for p in d.glob("*.py") if p.name != "__init__.py"}
        for d in SIM.iterdir()
        if d.is_dir() and (d / "__init__.py").exists() and d.name in LAYERS
    }
    assert listed == tree
