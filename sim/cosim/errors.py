"""The co-simulation's errors: what stops a run (the CLI exits 2 with the message)."""

from __future__ import annotations


class CosimError(Exception):
    """The co-simulation cannot go on; the message says why (the CLI exits 2)."""


class UnsupportedAPI(CosimError):
    """The script used a part of qiskit-ibm-runtime that the simulator does not provide."""

    def __init__(self, api: str, hint: str = ""):
        self.api = api
        super().__init__(
            f"{api} is not simulated by qsched's co-simulation" + (f" ({hint})" if hint else "")
        )
