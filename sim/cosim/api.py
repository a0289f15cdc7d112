"""What every simulated object of the shim shares: a call lets the script's think time pass
first (:meth:`sim.cosim.run.Cosim.call`), and an attribute the object does not define is an API
we do not simulate, named in the error; timestamps as the client reports them."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .errors import UnsupportedAPI

# Virtual time 0 as a date, for the timestamps jobs and sessions report (metrics()).
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def iso(t: float | None) -> str | None:
    """Virtual time ``t`` as the ISO timestamp the client reports (None when unknown)."""
    if t is None or (isinstance(t, float) and math.isnan(t)):
        return None
    return (EPOCH + timedelta(seconds=float(t))).isoformat().replace("+00:00", "Z")


def api(method: Callable) -> Callable:
    """A method the script calls: its think time passes first (Cosim.call)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._cosim.call():
            return method(self, *args, **kwargs)

    return wrapper


class Unsupported:
    """Any attribute not defined here is an API we do not simulate: say which."""

    _api_name = "object"

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedAPI(f"{self._api_name}.{name}")
