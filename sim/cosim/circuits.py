"""The inputs of IBM's estimate for one job (:mod:`sim.model.estimate`): the fake device a
scenario backend stands for, each circuit's duration on it, and how many times each PUB's
circuits execute."""

from __future__ import annotations

import warnings

from ..model.estimate import DEFAULT_PRECISION, DEFAULT_SHOTS, precision_shots
from .errors import CosimError

DEFAULT_DEVICE = "fake_manila"  # 5 qubits: Aer answers in a fraction of a second


def load_device(name: str):
    """A fake device of ``qiskit_ibm_runtime.fake_provider`` by name (``fake_fez``)."""
    from qiskit_ibm_runtime.fake_provider import FakeProviderForBackendV2

    with warnings.catch_warnings():  # the provider warns about some devices it loads
        warnings.simplefilter("ignore")
        provider = FakeProviderForBackendV2()
    try:
        return provider.backend(name)
    except Exception:  # noqa: BLE001 - the provider's own error text varies between versions
        names = ", ".join(b.name for b in provider.backends())
        raise CosimError(f"--device: unknown fake device {name!r}; one of: {names}") from None


def _duration(circuit, target) -> float:
    try:
        return float(circuit.estimate_duration(target, unit="s"))
    except Exception as err:  # noqa: BLE001 - qiskit raises several kinds here
        raise CosimError(
            f"cannot time circuit {circuit.name!r} on the device ({err}); transpile it for the "
            "backend first (generate_preset_pass_manager(backend=...)), as IBM's primitives "
            "require ISA circuits"
        ) from None


def _bases(observables) -> int:
    """Measurement bases an Estimator PUB needs: groups of its Pauli terms that commute
    qubit by qubit (one circuit each)."""
    from qiskit.quantum_info import SparsePauliOp

    paulis = sorted({p for obs in _flat(observables.tolist()) for p in obs})
    if not paulis:
        return 1
    return len(SparsePauliOp(paulis).group_commuting(qubit_wise=True))


def _flat(x):
    if isinstance(x, list):
        for y in x:
            yield from _flat(y)
    else:
        yield x


def job_executions(kind: str, pubs, target, shots=None, precision=None) -> list[tuple[float, int]]:
    """(circuit duration, executions) per PUB, as :func:`sim.model.estimate.quantum_seconds` takes
    them: a Sampler runs each binding ``shots`` times; an Estimator runs each binding once per
    measurement basis, ⌈1/precision²⌉ shots each."""
    from qiskit.primitives.containers.estimator_pub import EstimatorPub
    from qiskit.primitives.containers.sampler_pub import SamplerPub

    out = []
    for pub_like in pubs:
        if kind == "sampler":
            pub = SamplerPub.coerce(pub_like, shots)
            n = (pub.shots or DEFAULT_SHOTS) * max(1, pub.parameter_values.size)
        else:
            pub = EstimatorPub.coerce(pub_like, precision)
            per = precision_shots(pub.precision or precision or DEFAULT_PRECISION)
            n = per * max(1, pub.parameter_values.size) * _bases(pub.observables)
        out.append((_duration(pub.circuit, target), n))
    return out
