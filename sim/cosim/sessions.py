"""The simulated ``Session`` and ``Batch``: context managers that open a session or batch in
the engine (mapped by ``--mode``), close it on exit as the real client does (R17), and answer
``details()``, ``status()`` and ``usage()`` from the simulation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .api import Unsupported, api, iso
from .errors import CosimError, UnsupportedAPI
from .steps import Step

if TYPE_CHECKING:
    from .run import Cosim


class SimSession(Unsupported):
    """``Session`` (and, with ``kind="batch"``, ``Batch``): a context manager whose
    ``__exit__`` closes it, as the real client's does (R17)."""

    _api_name = "Session"

    def __init__(self, cosim: Cosim, backend, max_time, kind, implicit=False):
        self._cosim = cosim
        self._backend = backend
        self._kind = kind
        self._max_time = _seconds(max_time, "max_time")
        self._closed = False
        self._group = cosim.open_group(backend.name, kind, self._max_time)
        cosim.groups.append(self)
        self._index = len(cosim.groups)
        self._implicit = implicit

    @property
    def session_id(self) -> str | None:
        return self._group.id

    @property
    def service(self):
        return self._cosim.service

    def backend(self) -> str:
        return self._backend.name

    @api
    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._cosim.stepper.close(self._group)
            self._cosim._step(Step("close", 0.0, group=self._index))

    @api
    def cancel(self) -> None:
        self._closed = True
        self._cosim.stepper.cancel(self._cosim.run_name, self._group)
        self._cosim._step(Step("cancel", 0.0, group=self._index))

    @api
    def details(self) -> dict:
        st = self._cosim.stepper.session_state(self._group)
        return {
            "id": self.session_id,
            "backend_name": self._backend.name,
            "interactive_timeout": st.get("interactive_timeout"),
            "max_time": st.get("max_time"),
            "state": st["state"],
            "accepting_jobs": st.get("accepting_jobs", True),
            "activated_at": iso(st.get("activated_at")),
            "mode": "dedicated" if st["mode"] == "session" else st["mode"],
            "usage_time": self._usage(),
        }

    def _usage(self) -> float:
        sid = self.session_id
        if sid is None:
            return 0.0
        log = self._cosim.stepper.engine.log.values
        return sum(float(log[i + 6]) for i in range(0, len(log), 7)
                   if log[i + 2] == "charge" and log[i + 4] == sid)  # fmt: skip

    @api
    def usage(self) -> float:
        return self._usage()

    @api
    def status(self) -> str:
        st = self._cosim.stepper.session_state(self._group)
        if st["state"] in ("open", "inactive", "none"):
            return "Pending"
        if st["state"] == "active":
            if st["accepting_jobs"]:
                return "In progress, accepting new jobs"
            return "In progress, not accepting new jobs"
        return "Closed"

    def __enter__(self):
        self._cosim.context.append(self)
        return self

    def __exit__(self, *exc) -> None:
        if self._cosim.context and self._cosim.context[-1] is self:
            self._cosim.context.pop()
        self.close()


def _seconds(value, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    from ..model.units import parse_duration

    try:
        return parse_duration(value)
    except Exception as err:  # noqa: BLE001
        raise CosimError(f"{field}: {err}") from None


def session_classes(cosim: Cosim, backend_cls: type) -> tuple[type, type]:
    """``Session`` and ``Batch`` as the script imports them, bound to this run; they take a
    backend of the simulated service (``backend_cls``)."""

    class _Group(SimSession):
        _cosim_kind = ""

        def __init__(self, backend=None, max_time=None, *, create_new=True):
            with cosim.call():
                if not isinstance(backend, backend_cls):
                    raise UnsupportedAPI(f"{self._api_name}(backend={type(backend).__name__})",
                                         "pass a backend from QiskitRuntimeService")  # fmt: skip
                SimSession.__init__(self, cosim, backend, max_time, self._cosim_kind)

        @classmethod
        def from_id(cls, *args, **kwargs):
            raise UnsupportedAPI(f"{cls._api_name}.from_id()")

    class Session(_Group):
        _api_name = "Session"
        _cosim_kind = "session"
        _cosim = cosim

    class Batch(_Group):
        _api_name = "Batch"
        _cosim_kind = "batch"
        _cosim = cosim

    return Session, Batch
