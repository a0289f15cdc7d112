"""Pure plotting functions: result tables (pandas) in, ``plotly.graph_objects.Figure`` out.

Nothing here imports Streamlit or reads global state, so every figure can be tested through
``fig.to_dict()``. Colours come from :mod:`figures.colors`, so the same user, session or mode
has the same colour on every page.
"""

from __future__ import annotations

from .charts import (
    align,
    execution_order,
    failed_vs_parameter,
    metric_bars,
    queue_length,
    wait_distribution,
    waits_by_job,
)
from .gantt import OVERVIEW_THRESHOLD, WEBGL_THRESHOLD, gantt, is_overview, label_margin

__all__ = [
    "align",
    "OVERVIEW_THRESHOLD",
    "WEBGL_THRESHOLD",
    "execution_order",
    "failed_vs_parameter",
    "gantt",
    "is_overview",
    "label_margin",
    "metric_bars",
    "queue_length",
    "wait_distribution",
    "waits_by_job",
]
