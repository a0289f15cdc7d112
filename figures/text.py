"""User text (scenario, backend, user, instance, workload and job names) inside a figure.

Plotly draws a figure's text as a small subset of HTML: ``<b>``, ``<i>``, ``<a href>``,
``<br>``, ``<span style>``, … in trace names, legends, axis and tick labels, titles,
annotations and hover labels, and a hover template fills in ``%{…}``. A name such as
``<a href="http://evil">x</a>`` or ``%{x}`` would therefore draw a link, or show another
value. :func:`esc` turns a name into text that Plotly shows literally: ``&``, ``<``, ``>``
and ``%`` become HTML entities, which Plotly decodes back into the character when it draws.

Every figure escapes the names it draws where they enter it (trace names, ``customdata``
shown in a hover, categories and tick labels, titles), never the figure's own markup.
:func:`unesc` is the inverse, for a value read back from a chart (a clicked bar's job id).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

# "&" first, so that the entities written for the others are not escaped again. "%" so that a
# name placed in a hover template can never start a "%{…}" field.
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("%", "&#37;"))


def esc(text: object) -> str:
    """``text`` (any value; str() of it) as Plotly text that reads exactly as written."""
    out = str(text)
    for char, entity in _ENTITIES:
        out = out.replace(char, entity)
    return out


def esc_all(values: Iterable[object]) -> list[str]:
    """:func:`esc` of each value (a column of names for ``customdata`` or categories)."""
    return [esc(v) for v in values]


def unesc(text: str) -> str:
    """The name :func:`esc` was given (html.unescape inverts it exactly)."""
    return html.unescape(text)
