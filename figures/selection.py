"""Which job did the user click? Reads a ``st.plotly_chart(..., on_select="rerun")`` event.

Pure: a plain selection dict in, a job id out. Job bars of the Gantt carry the job id as the
first ``customdata`` field (see ``figures.gantt``); other bars (calibrations, held or reserved
idle time, session bands) carry a label that is not a job id and are ignored.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .text import unesc


def selected_job(event: Mapping[str, Any] | None, job_ids: Collection[str]) -> str | None:
    """The job id of the first selected job bar, or None when no job is selected."""
    if not event:
        return None
    selection = event.get("selection") or {}
    for point in selection.get("points") or []:
        data = point.get("customdata")
        # The chart shows the id escaped for Plotly (figures.text): read back the id itself.
        if isinstance(data, list | tuple) and data and isinstance(data[0], str):
            job = unesc(data[0])
            if job in job_ids:
                return job
    return None
