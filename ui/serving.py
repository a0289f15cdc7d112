"""How the dashboard is served: ``streamlit run dashboard.py`` finds ``app`` in dashboard.py
(Streamlit's ``st.App``) and serves the app through it. Three things need the server itself:

- **Never Streamlit's old multipage mode.** Streamlit decides, once per process and before any
  script runs, whether the app is a "pages/ directory" app (its v1 multipage mode): it is when
  a ``pages/`` folder sits next to the main script, and it stays so until some script calls
  ``st.navigation``. The first visitor after a start who opens a page's address directly
  (``/timeline?scenario=…``, a shared link) therefore got that page run on its own, with
  Streamlit's automatic page list (file names, plus "dashboard") instead of the app's
  navigation, and every rerun of that tab stayed so. The lifespan below switches that mode
  off when the server starts, so every request runs dashboard.py and its ``st.navigation``.
- **No 404s on a page's address.** Opened on ``/timeline``, Streamlit's client does not know
  where the app's root is, so it first probes ``/timeline/_stcore/health`` and
  ``…/host-config`` (404, two console errors) before trying ``/``. The client skips the
  guessing when the page tells it the root (``window.__streamlit.BACKEND_BASE_URL``): every
  page's address is served here with that one line added, computed in the browser from the
  address itself, so it stays right behind a proxy that adds a prefix.
- **A browser id** (:data:`COOKIE`), random, set on the first page load and kept for a year:
  which drafts are this browser's (ui/drafts.py), never guessed from the client's IP address.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

COOKIE = "qsched_browser"
COOKIE_MAX_AGE = 365 * 24 * 3600  # seconds
MARKER = "<head>"


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    # Private Streamlit state, checked by tests/test_browser_drafts.py against the installed
    # version: False means "this app uses st.navigation" (what st.navigation itself sets).
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    yield


def _index_html() -> str:
    from streamlit import file_util

    return (Path(file_util.get_static_dir()) / "index.html").read_text(encoding="utf-8")


def page_html(index: str, page: str) -> str:
    """Streamlit's index.html for the page at ``page`` (its url path; "" for the root), told
    where the app's root is so that the client connects there straight away."""
    if not page:
        return index
    suffix = json.dumps("/" + page)
    script = (
        "<script>(() => { const u = new URL(window.location.href); "
        f"const p = u.pathname.replace(/\\/+$/, ''); const s = {suffix}; "
        "u.pathname = (p.endsWith(s) ? p.slice(0, -s.length) : p) + '/'; u.search = ''; "
        "u.hash = ''; window.__streamlit = { BACKEND_BASE_URL: u.href }; })();</script>"
    )
    return index.replace(MARKER, MARKER + script, 1)


def routes(pages: Iterable[str]) -> list:
    """Routes for the root and each page's address (``pages``: their url paths)."""
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route
    from streamlit import config
    from streamlit.url_util import make_url_path

    index = _index_html()
    base = config.get_option("server.baseUrlPath") or ""

    def endpoint(page: str):
        html = page_html(index, page)

        async def serve(request: Request) -> HTMLResponse:
            response = HTMLResponse(html, headers={"Cache-Control": "no-cache"})
            if not _valid_id(request.cookies.get(COOKIE)):
                response.set_cookie(
                    COOKIE,
                    secrets.token_hex(16),
                    max_age=COOKIE_MAX_AGE,
                    path=make_url_path(base, "") or "/",
                    httponly=True,
                    samesite="lax",
                )
            return response

        return serve

    out = [Route(make_url_path(base, "") or "/", endpoint(""), methods=["GET", "HEAD"])]
    for page in pages:
        out.append(Route(make_url_path(base, page), endpoint(page), methods=["GET", "HEAD"]))
    return out


def _valid_id(text: Any) -> bool:
    return isinstance(text, str) and len(text) == 32 and all(c in "0123456789abcdef" for c in text)


def browser_id(cookies: Any) -> str:
    """This browser's id from the request's cookies ("" when it has none: AppTest, or a
    server started without dashboard.py's ``app``)."""
    value = cookies.get(COOKIE) if cookies is not None else None
    return value if _valid_id(value) else ""
