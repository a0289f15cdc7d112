"""User text (scenario, workload, user, instance and backend names, descriptions, library
entry names, the ``?scenario=`` value) inside Streamlit's Markdown.

``st.markdown``, ``st.caption``, ``st.info``/``warning``/``error``/``success``, subheaders and
widget labels read Markdown, and Streamlit's Markdown goes further than CommonMark: ``$…$`` is
LaTeX, ``:red[…]`` colours text, ``:material/home:`` draws an icon. A name such as
``[x](http://evil)`` or ``![i](http://host/img.png)`` would draw a link or load a remote image.

:func:`md` makes text read exactly as written: a backslash before every ASCII punctuation
character (CommonMark's escape, honoured by Streamlit's LaTeX and directive syntax too), so
no character of it can start Markdown, HTML, an entity, LaTeX or a directive. Our own
Markdown around it (``**Scenario:** …``) stays Markdown. Figures have their own helper
(figures/text.py): Plotly reads a subset of HTML, not Markdown.

One thing escapes cannot stop: GitHub-flavoured Markdown turns bare addresses in the *decoded*
text into links (``http://host.example/x``, ``www.host.example``, ``name@host.example``).
A word joiner (U+2060, invisible, zero width) goes between the letters that would start one
(``http⁠://``, ``www⁠.``, ``@⁠host``), so the text reads the same and links nowhere.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)
# Where an autolink literal would start (remark-gfm matches "http(s)://", "www." and e-mail
# addresses in text after escapes are decoded): a word joiner breaks the match.
_AUTOLINK = re.compile(r"(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
JOINER = "\u2060"


def md(text: object) -> str:
    """``text`` (any value; str() of it) as Markdown that shows exactly that text.

    Lines stay lines (a description's line breaks are kept as hard breaks); leading spaces
    become no-break spaces, so that an indented line is not read as a code block."""
    out = _AUTOLINK.sub(JOINER, str(text))
    out = _PUNCTUATION.sub(r"\\\1", out)
    out = _LEADING_SPACE.sub(lambda m: "\u00a0" * len(m.group().expandtabs(4)), out)
    return "  \n".join(out.splitlines()) if "\n" in out or "\r" in out else out
