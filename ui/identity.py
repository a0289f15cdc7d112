"""Who is using the dashboard: decided by authentication, never by the client's address.

``QSCHED_AUTH`` picks the identity source:

- ``local`` (the default): one person on this machine. The server listens on loopback only
  (``.streamlit/config.toml``), there is one scenario library, and drafts are told apart by
  the browser's random cookie (``ui/serving.py``) — today's single-user convenience.
- ``header``: an authenticating reverse proxy (oauth2-proxy, Authelia, Apache/nginx with
  their auth modules…) signs people in and passes the user name in a header,
  ``QSCHED_AUTH_HEADER`` (default ``X-Forwarded-User``), read from the request that opened
  the session (``st.context.headers``). The proxy must set that header itself, dropping any
  copy the client sent, and must be the only way to reach the server.
- ``oidc``: Streamlit's own sign-in (``st.login`` / ``st.user``) with an OpenID Connect
  provider configured in ``.streamlit/secrets.toml`` (``[auth]``; README). The user is the
  token's issuer and subject, which the provider never reuses for someone else.

In ``header`` and ``oidc`` mode every person has their own library, drafts and trash
(``sim.store.library``: ``Library(owner=…)``); a request without an identity gets a sign-in
message and no data. A server bound to anything but loopback refuses to start in ``local``
mode (:func:`serving_problem`, called by dashboard.py and by ``make serve``).
"""

from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass

import streamlit as st

from sim.store.library import Drafts, Library
from ui.text import md

MODE_ENV = "QSCHED_AUTH"
HEADER_ENV = "QSCHED_AUTH_HEADER"
DEFAULT_HEADER = "X-Forwarded-User"
MODES = ("local", "header", "oidc")
USER_MAX = 256  # characters of a user name from the header


@dataclass(frozen=True)
class User:
    """Who is signed in: ``key`` owns the files (None: the single local user), ``label`` is
    what the page shows."""

    key: str | None
    label: str

    @property
    def signed_in(self) -> bool:
        return self.key is not None


LOCAL = User(None, "")


def mode() -> str:
    """The configured identity source; :class:`ValueError` naming the variable if unknown."""
    value = os.environ.get(MODE_ENV, "").strip().lower() or "local"
    if value not in MODES:
        raise ValueError(f"{MODE_ENV}={value!r}: use one of {', '.join(MODES)}")
    return value


def header_name() -> str:
    return os.environ.get(HEADER_ENV, "").strip() or DEFAULT_HEADER


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable from this machine only. Streamlit
    binds every interface when the address is empty."""
    if not address or not address.strip():
        return False
    address = address.strip().strip("[]")
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def serving_problem(address: str | None, auth: str | None = None) -> str | None:
    """Why the dashboard must not be served on ``address`` with identity source ``auth``
    (default: :func:`mode`), or None when it may."""
    try:
        chosen = mode() if auth is None else auth
    except ValueError as err:
        return str(err)
    if chosen not in MODES:
        return f"{MODE_ENV}={chosen!r}: use one of {', '.join(MODES)}"
    if chosen == "local" and not is_loopback(address):
        return (
            f"refusing to serve on {address or 'every interface'!r} without sign-in: set "
            f"{MODE_ENV}=header (behind an authenticating proxy that sets "
            f"{DEFAULT_HEADER}) or {MODE_ENV}=oidc (Streamlit's st.login; [auth] in "
            ".streamlit/secrets.toml). See README, 'Serving it to others'."
        )
    if chosen == "oidc":
        from streamlit.auth_util import get_secrets_auth_section, is_authlib_installed

        if not is_authlib_installed():
            return (
                f"{MODE_ENV}=oidc needs Authlib: pip install 'streamlit[auth]' "
                "(or: pip install -e '.[auth]')"
            )
        if not get_secrets_auth_section():
            return (
                f"{MODE_ENV}=oidc needs the provider's settings: an [auth] section in "
                ".streamlit/secrets.toml (README, 'Serving it to others')"
            )
    return None


def _from_header() -> User | None:
    values = st.context.headers.get_all(header_name())
    if len(values) != 1:
        return None  # none, or two (a client's own copy the proxy did not drop): no identity
    name = values[0].strip()
    if not name or len(name) > USER_MAX or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return None
    return User(f"header:{name}", name)


def _from_oidc() -> User | None:
    user = st.user
    if not user.get("is_logged_in"):
        return None
    issuer, subject = user.get("iss"), user.get("sub")
    if not subject:
        return None
    label = user.get("email") or user.get("name") or subject
    return User(f"oidc:{issuer or ''}|{subject}", str(label))


def current() -> User | None:
    """The person using this session; None when sign-in is required and missing."""
    chosen = mode()
    if chosen == "header":
        return _from_header()
    if chosen == "oidc":
        return _from_oidc()
    return LOCAL


def require() -> User:
    """The signed-in person; otherwise a sign-in message (a button in ``oidc`` mode) and the
    script stops before anything else is read or shown."""
    try:
        user = current()
    except ValueError as err:
        st.error(f"The dashboard is misconfigured: {err}")
        st.stop()
    if user is not None:
        return user
    st.title("Sign-in required")
    if mode() == "oidc":
        st.write("Each person's scenarios and drafts are their own: sign in to see yours.")
        if st.button("Sign in", type="primary", key="identity_login"):
            st.login()
    else:
        st.warning(
            "Sign-in required: this dashboard is served behind a sign-in page, and this "
            "request did not come through it. Open the address your sign-in page gives you."
        )
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def user() -> User:
    """The person using this session (dashboard.py has already required one)."""
    return current() or LOCAL


def library() -> Library:
    """This person's library (reads QSCHED_DATA_DIR each time: tests point it elsewhere)."""
    return Library(owner=user().key)


def drafts() -> Drafts:
    return Drafts(owner=user().key)


def show_signed_in() -> None:
    """In the sidebar: who is signed in, and (oidc) a way out."""
    who = user()
    if not who.signed_in:
        return
    st.caption(f"Signed in as **{md(who.label)}**")
    if mode() == "oidc" and st.button("Sign out", key="identity_logout"):
        st.logout()


def main(argv: list[str]) -> int:
    """``python -m ui.identity ADDRESS``: exit 2 with the reason when the dashboard must not
    be served on ADDRESS with the configured identity source (``make serve`` runs it)."""
    address = argv[0] if argv else ""
    problem = serving_problem(address)
    if problem:
        print(f"qsched: {problem}", file=sys.stderr)
        return 2
    if mode() == "header" and not is_loopback(address):
        print(
            f"qsched: trusting the {header_name()} header from every client that reaches "
            f"{address or 'every interface'}: make sure only the sign-in proxy can.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
