"""Imported by the run worker's forkserver only (sim/experiments/worker.py): one small run,
tables and all, so that every child forked from it starts with the lazy imports and
first-call set-ups of pandas, numpy and pydantic already done instead of paying them on each run."""

from ..model.files import preset
from .worker import _run_json

_run_json(preset("fig1-session-flow").model_dump_json(), None, 1000)
