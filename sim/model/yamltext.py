"""Scenario text to plain data: YAML's safe subset, read strictly.

One reader for every way a scenario arrives (a file on the command line, ``sim.load``, an
upload, a library entry), so each gets the same protections:

- the safe loader only: plain data, no Python objects, nothing executed;
- a key written twice in one mapping is an error, not "the last one wins" (a scenario with
  two ``rate:`` lines would otherwise silently run with one of them);
- aliases may not expand into a huge document (the "billion laughs" trick: a few hundred
  bytes of nested aliases naming hundreds of millions of values). The nodes are counted
  before anything is built, and the refusal names the field the expansion sits in.
"""

from __future__ import annotations

from typing import Any

import yaml

# The largest built-in scenario has a few hundred nodes; hand-written ones with anchors stay
# far below this. A bomb of 9 levels × 9 aliases names 9**9 ≈ 387 million nodes.
MAX_EXPANDED_NODES = 100_000
# And its text may not grow past the file's own length or 1 MB, whichever is larger: a long
# string repeated through aliases would make a 0.9 MB upload a 10 MB scenario (and draft).
MAX_EXPANDED_CHARS = 1_000_000
_MERGE = "tag:yaml.org,2002:merge"


class YamlTextError(ValueError):
    """Text that is not acceptable scenario YAML; ``paths`` name the fields where known."""

    def __init__(self, message: str, paths: list[str] | None = None):
        super().__init__(message)
        self.paths = paths or [""]


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        # Checked on the keys written in this mapping, before merge keys (<<) are flattened
        # into it: a key given explicitly may override a merged one, as YAML intends.
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise YamlTextError(
                    f"the key {key!r} appears twice in one mapping (again at line {line}); "
                    "write it once"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expanded_sizes(root: yaml.Node) -> tuple[dict[int, int], dict[int, int]]:
    """Each node's size once every alias is expanded: (values, characters) under it.

    The composer shares one node object between an anchor and its aliases, so counting per
    object identity stays linear in the file while the totals can be exponential. Iterative:
    deeply nested input must not exhaust the stack.
    """
    size: dict[int, int] = {}
    chars: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            kids = _children(node)
            size[key] = 1 + sum(size.get(id(c), 1) for c in kids)
            chars[key] = sum(chars.get(id(c), 0) for c in kids)
            continue
        if key in size:
            continue
        # A recursive alias counts once (the safe loader refuses those anyway).
        size[key] = 1
        chars[key] = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
        if not isinstance(node, yaml.ScalarNode):
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in size)
    return size, chars


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _where(root: yaml.Node, size: dict[int, int], limit: int, most: int = 10) -> list[str]:
    """The fields whose values expand past the limit: each the path of the deepest mapping key
    above an oversized value, for every place the value is written (an anchor's definition
    and each field that uses it); at most ``most`` of them."""
    found: dict[str, None] = {}  # insertion-ordered set
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str, str]] = [(root, "", "")]  # node, path, named path
    while stack and len(found) < most:
        node, path, named = stack.pop()
        if id(node) in seen:
            found[named] = None  # an alias of a value already explored: this field uses it
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            pairs = [(f"{path}.{k.value}" if path else str(k.value), v) for k, v in node.value]
            big = [(v, p, p) for p, v in pairs if size[id(v)] > limit]
        elif isinstance(node, yaml.SequenceNode):
            first = {id(v): (i, v) for i, v in reversed(list(enumerate(node.value)))}
            items = [(f"{path}[{i}]", v) for i, v in sorted(first.values(), key=lambda x: x[0])]
            big = [(v, p, named) for p, v in items if size[id(v)] > limit]
        else:
            big = []
        if not big:
            found[named] = None
        stack.extend(reversed(big))  # document order
    return list(found)


def read(text: str) -> Any:
    """The plain data in ``text``; raises :class:`YamlTextError` or ``yaml.YAMLError``."""
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        size, chars = _expanded_sizes(root)
        if size[id(root)] > MAX_EXPANDED_NODES:
            raise YamlTextError(
                f"expands (through YAML aliases) to more than {MAX_EXPANDED_NODES:,} values; "
                "refused",
                _where(root, size, MAX_EXPANDED_NODES),
            )
        limit = max(len(text), MAX_EXPANDED_CHARS)
        if chars[id(root)] > limit:
            raise YamlTextError(
                f"expands (through YAML aliases) to more than {limit:,} characters of text; "
                "refused",
                _where(root, chars, limit),
            )
        return loader.construct_document(root)
    finally:
        loader.dispose()
