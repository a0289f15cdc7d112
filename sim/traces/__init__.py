"""Real job traces in and checked (issue 18): read a trace (:mod:`.formats`), turn it into a
scenario that replays it (:mod:`.build`), fit the load it shows (:mod:`.fit`) and compare the
simulator's queue waits with the observed ones (:mod:`.validate`). The IBM job history comes
from :mod:`.export`. Nothing here imports Streamlit or Plotly."""

from .formats import FORMATS, read
from .trace import STATUSES, Trace, TraceError

__all__ = ["FORMATS", "STATUSES", "Trace", "TraceError", "read"]
