"""Random durations: the scenario's distribution specs and the seeded streams that draw them.

Each workload draws from its own named streams (``quantum``, ``classical``, ``arrivals``)
seeded from ``(seed, workload name, stream name)``. Job k of a workload therefore gets the same
draws whatever its mode, the other workloads or the rule profile — the common random numbers
that make comparisons paired (R33).
"""

from __future__ import annotations

import itertools
import math
import zlib
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, SerializationInfo, model_serializer, model_validator

from .units import duration_text, parse_duration

Kind = Literal["constant", "exponential", "uniform", "normal", "lognormal", "gamma", "choice"]
_FORMS = (
    "a duration (e.g. '30s'), {exponential: MEAN}, {uniform: [LOW, HIGH]}, "
    "{normal: {mean: M, sd: S}}, {lognormal: {mean: M, sd: S}}, {gamma: {mean: M, sd: S}} "
    "or {choice: [D1, D2, ...]}"
)


class Distribution(BaseModel):
    """A non-negative random duration in seconds, written as in the contract."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    params: tuple[float, ...]

    @model_validator(mode="before")
    @classmethod
    def _from_user_form(cls, data: Any) -> Any:
        if isinstance(data, Distribution):
            return data
        if isinstance(data, dict) and set(data) == {"kind", "params"}:
            return data  # already the internal form (model_validate_json round-trip)
        if not isinstance(data, dict):
            return {"kind": "constant", "params": (parse_duration(data),)}
        if len(data) != 1:
            raise ValueError(f"expected exactly one distribution, written as {_FORMS}")
        ((kind, arg),) = data.items()
        if kind == "exponential":
            mean = parse_duration(arg)
            if mean <= 0:
                raise ValueError("exponential: the mean must be positive")
            return {"kind": kind, "params": (mean,)}
        if kind == "uniform":
            if not isinstance(arg, list | tuple) or len(arg) != 2:
                raise ValueError("uniform: expected [LOW, HIGH]")
            low, high = parse_duration(arg[0]), parse_duration(arg[1])
            if high < low:
                raise ValueError("uniform: HIGH must not be below LOW")
            return {"kind": kind, "params": (low, high)}
        if kind in ("normal", "lognormal", "gamma"):
            if not isinstance(arg, dict) or set(arg) != {"mean", "sd"}:
                raise ValueError(f"{kind}: expected {{mean: M, sd: S}}")
            mean, sd = parse_duration(arg["mean"]), parse_duration(arg["sd"])
            if kind == "lognormal":
                if mean <= 0:
                    raise ValueError("lognormal: the mean must be positive")
                try:
                    math.log1p((sd / mean) ** 2)  # the shape parameter sample() computes
                except OverflowError:
                    raise ValueError(
                        "lognormal: the sd is too large for its mean (sd/mean overflows)"
                    ) from None
            if kind == "gamma" and not (mean > 0 and sd > 0):
                # The shape (mean/sd)² and scale sd²/mean need both positive; a fitted QPU
                # time (sim.traces.fit) always has them.
                raise ValueError("gamma: the mean and the sd must be positive")
            return {"kind": kind, "params": (mean, sd)}
        if kind == "choice":
            if not isinstance(arg, list | tuple) or not arg:
                raise ValueError("choice: expected a non-empty list of durations")
            return {"kind": kind, "params": tuple(parse_duration(v) for v in arg)}
        raise ValueError(f"unknown distribution {kind!r}; write {_FORMS}")

    @model_serializer
    def _to_user_form(self, info: SerializationInfo) -> Any:
        # For people (Scenario.to_yaml) every parameter is a duration text such as "2m".
        human = bool(info.context and info.context.get("human"))
        p = tuple(duration_text(x) for x in self.params) if human else self.params
        match self.kind:
            case "constant":
                return p[0]
            case "exponential":
                return {"exponential": p[0]}
            case "uniform":
                return {"uniform": [p[0], p[1]]}
            case "normal" | "lognormal" | "gamma":
                return {self.kind: {"mean": p[0], "sd": p[1]}}
            case _:
                return {"choice": list(p)}

    @property
    def mean(self) -> float:
        p = self.params
        match self.kind:
            case "constant" | "exponential" | "lognormal" | "gamma":
                return p[0]
            case "uniform":
                return (p[0] + p[1]) / 2
            case "normal":
                return _truncated_normal_mean(p[0], p[1])
            case _:
                return sum(p) / len(p)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent draws; the sequence does not depend on how it is chunked."""
        p = self.params
        match self.kind:
            case "constant":
                return np.full(size, p[0])
            case "exponential":
                return rng.exponential(p[0], size)
            case "uniform":
                return rng.uniform(p[0], p[1], size)
            case "normal":
                # Truncated at 0 by rejection, one value at a time so that chunking the
                # stream cannot change which values are kept.
                out = np.empty(size)
                for i in range(size):
                    x = rng.normal(p[0], p[1])
                    while x < 0:
                        x = rng.normal(p[0], p[1])
                    out[i] = x
                return out
            case "lognormal":
                mean, sd = p
                sigma2 = math.log1p((sd / mean) ** 2)
                return rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), size)
            case "gamma":
                mean, sd = p  # shape k = (mean/sd)², scale θ = sd²/mean: k·θ = mean, k·θ² = sd²
                return rng.gamma((mean / sd) ** 2, sd * sd / mean, size)
            case _:
                return np.asarray(p)[rng.integers(0, len(p), size)]


def _truncated_normal_mean(mu: float, sd: float) -> float:
    if sd == 0:
        return mu
    alpha = -mu / sd
    pdf = math.exp(-alpha * alpha / 2) / math.sqrt(2 * math.pi)
    tail = 0.5 * math.erfc(alpha / math.sqrt(2))
    return mu + sd * pdf / tail


def stream_rng(seed: int, workload: str, stream: str) -> np.random.Generator:
    """An independent generator per (seed, workload, stream): names, not positions, pick it."""
    key = [seed & 0xFFFFFFFF, seed >> 32 & 0xFFFFFFFF, zlib.crc32(workload.encode()),
           zlib.crc32(stream.encode())]  # fmt: skip
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(key)))


class Draws:
    """Draws one value at a time from a distribution, refilled in chunks for speed.

    ``next`` is the ``__next__`` of a C-level iterator chaining the chunks: a draw is then one
    C call that resumes no Python frame (the engine draws twice per stream job); Python runs
    only to sample a new chunk, which happens when the first value of it is needed.
    """

    __slots__ = ("_dist", "_rng", "_chunk", "next")

    def __init__(self, dist: Distribution, rng: np.random.Generator, chunk: int = 512):
        self._dist, self._rng, self._chunk = dist, rng, chunk
        chunks = map(self._sample, itertools.repeat(None))
        self.next = itertools.chain.from_iterable(chunks).__next__

    def _sample(self, _: None) -> list[float]:
        return self.chunk().tolist()

    def chunk(self) -> np.ndarray:
        """The next whole chunk as an array, for a consumer that takes values in bulk (stream
        arrivals); a stream of draws is read either this way or with ``next``, never both."""
        return self._dist.sample(self._rng, self._chunk)
