"""User text (scenario, workload, user, instance and backend names, descriptions, library
entry names, the ``?scenario=`` value) inside Streamlit's Markdown.

``st.markdown``, ``st.caption``, ``st.info``/``warning``/``error``/``success``, subheaders and
widget labels read Markdown, and Streamlit's Markdown goes further than CommonMark: ``$…$`` is
LaTeX, ``:red[…]`` colours text, ``:material/home:`` draws an icon. A name such as
``[x](http://evil)`` or ``![i](http://host/img.png)`` would draw a link or load a remote image.

:func:`md` makes text read exactly as written with CommonMark's backslash escape (which
Streamlit's LaTeX and directive syntax honour too) before each character that can start
something: ``\\ ` * _ [ ] < > & $ ~ |`` anywhere, a colon followed by a letter and both
colons around a short code (``:red[``, ``:material/…:``, ``:smile:``; not "Note: x" nor
"00:10:40"), and at the start of a line what makes a heading, list, quote or rule (``#``,
``-``, ``+``, ``=``, ``1.``). Ordinary text — "Figure 1: a session", "vqe-vs-background" —
is left as it is. Our own Markdown around it (``**Scenario:** …``) stays Markdown. Figures
have their own helper (figures/text.py): Plotly reads a subset of HTML, not Markdown.

One thing escapes cannot stop: GitHub-flavoured Markdown turns bare addresses in the *decoded*
text into links (``http://host.example/x``, ``www.host.example``, ``name@host.example``).
A word joiner (U+2060, invisible, zero width) goes between the letters that would start one
(``http⁠://``, ``www⁠.``, ``@⁠host``), so the text reads the same and links nowhere.
"""

from __future__ import annotations

import re

_ANYWHERE = re.compile(r"([\\`*_\[\]<>&$~|])")
# ":smile:" and ":material/home:" are matched in the decoded text: both colons are escaped,
# and an icon's "/" (Streamlit finds "material/home" even between escaped colons).
_SHORTCODE = re.compile(r":([^\s:]*[A-Za-z][^\s:]*):")  # a letter in it: not "00:10:40"
_ICON = re.compile(r"(?<=material)/", re.IGNORECASE)
_COLON = re.compile(r"(?<!\\):(?=[A-Za-z])")  # ":red[", "a:b" (not "Note: x", "10:40")
_LINE_START = re.compile(r"^([ \t]*)([#+=-]|\d+(?=[.)]))", re.MULTILINE)
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)
# Where an autolink literal would start (remark-gfm matches "http(s)://", "www." and e-mail
# addresses in text after escapes are decoded): a word joiner breaks the match.
_AUTOLINK = re.compile(r"(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
JOINER = "\u2060"


def _line_start(m: re.Match) -> str:
    # "# x", "- x", "+ x", "=" (a heading's underline) escaped; "1. x" / "1) x" by its dot.
    indent, mark = m.group(1), m.group(2)
    if mark[0].isdigit():
        return f"{indent}{mark}\\"  # the dot or bracket follows: escaped by the backslash
    return f"{indent}\\{mark}"


def md(text: object) -> str:
    """``text`` (any value; str() of it) as Markdown that shows exactly that text.

    Lines stay lines (a description's line breaks are kept as hard breaks); leading spaces
    become no-break spaces, so that an indented line is not read as a code block."""
    out = _AUTOLINK.sub(JOINER, str(text))
    out = _ANYWHERE.sub(r"\\\1", out)
    out = _ICON.sub(r"\\/", out)
    out = _SHORTCODE.sub(r"\\:\1\\:", out)
    out = _COLON.sub(r"\\:", out)
    out = _LINE_START.sub(_line_start, out)
    out = _LEADING_SPACE.sub(lambda m: "\u00a0" * len(m.group().expandtabs(4)), out)
    return "  \n".join(out.splitlines()) if "\n" in out or "\r" in out else out
