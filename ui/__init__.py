"""Streamlit glue for the dashboard: shared state, cached runs, the sidebar and the scenario
editor. Pages import from here; the model (``sim``) and the figures never import Streamlit."""
