"""The dashboard's entry point: ``streamlit run dashboard.py`` (or ``make run``).

Navigation over the pages in ``pages/``; the current scenario and its result live in
``st.session_state`` (see ``ui/state.py``), and the first visit shows the default preset
already run.
"""

import streamlit as st

PAGES = [
    ("scenario.py", "Scenario"),
    ("timeline.py", "Timeline"),
    ("sessions_vs_fairshare.py", "Sessions vs fair-share"),
    ("iterative_vs_batch.py", "Iterative vs batch"),
    ("reservations.py", "Reservations"),
    ("capacity.py", "Capacity planning"),
    ("rules.py", "Rules"),
    ("tour.py", "Guided tour"),
    ("library.py", "Scenario library"),
]
# No icons: :material/…: icons are fetched from fonts.gstatic.com (fails offline, and the
# browser test counts that as a console error), and emoji need an emoji font.

st.set_page_config(page_title="qsched: IBM Quantum scheduler simulator", layout="wide")
page = st.navigation([st.Page(f"pages/{file}", title=title) for file, title in PAGES])
page.run()
