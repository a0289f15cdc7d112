"""Guided tour: the session figures as presets, replayed and explained (see ui/tour.py)."""

from ui import tour

tour.main()
