"""The dashboard's entry point: ``streamlit run dashboard.py`` (or ``make run``).

Navigation over the pages in ``pages/``; the current scenario and its result live in
``st.session_state`` (see ``ui/state.py``), and the first visit shows the default preset
already run.

The file is read twice. ``streamlit run`` imports it as a module (``__name__`` is
"dashboard") and finds ``app``: the server, with what a page's address needs
(``ui/serving.py``). Every script run of a browser session then runs it as ``__main__``:
the navigation.
"""

from pathlib import Path

import streamlit as st

PAGES = [
    ("scenario.py", "Scenario"),
    ("timeline.py", "Timeline"),
    ("sessions_vs_fairshare.py", "Sessions vs fair-share"),
    ("iterative_vs_batch.py", "Iterative vs batch"),
    ("your_program.py", "Your program"),
    ("reservations.py", "Reservations"),
    ("capacity.py", "Capacity planning"),
    ("validation.py", "Validation"),
    ("rules.py", "Rules"),
    ("tour.py", "Guided tour"),
    ("library.py", "Scenario library"),
]
# A page's address is its file's name: /timeline, /sessions_vs_fairshare (links depend on it).
URL_PATHS = [Path(file).stem for file, _ in PAGES]
# No icons: :material/…: icons are fetched from fonts.gstatic.com (fails offline, and the
# browser test counts that as a console error), and emoji need an emoji font.

if __name__ == "__main__":
    from ui import identity

    st.set_page_config(page_title="qsched: IBM Quantum scheduler simulator", layout="wide")
    identity.require()  # served with sign-in: nobody signed in sees nothing but a sign-in page
    page = st.navigation(
        [
            st.Page(f"pages/{file}", title=title, url_path=path)
            for (file, title), path in zip(PAGES, URL_PATHS, strict=True)
        ]
    )
    page.run()
else:
    from ui import errors, identity, serving

    # Served beyond this machine only with an identity source (ui/identity.py): checked here,
    # before the server binds, whatever the command line or the configuration says.
    if problem := identity.serving_problem(st.get_option("server.address")):
        raise SystemExit(f"qsched: {problem}")
    # An unexpected exception shows a short message and an error id; the traceback goes to
    # the server's log with that id (ui/errors.py).
    app = st.App(
        __file__,
        lifespan=serving.lifespan,
        routes=serving.routes(URL_PATHS),
        on_script_error=errors.on_script_error,
    )
