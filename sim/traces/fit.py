"""``python -m sim trace fit``: the load a trace shows, per machine, as scenario streams.

- **Arrival rate**: jobs are read as a Poisson stream (R32). Between the first and the last
  submission there are n − 1 gaps, so the rate is (n − 1) / span, and its exact 95 %
  interval comes from the gaps' sum being Gamma(n − 1, rate): χ²(2(n − 1)) / (2 · span).
  By hour of day (UTC): the jobs submitted in that hour of the day over the hours of the
  span that fall in it.
- **QPU time**: exponential, lognormal and gamma fitted by maximum likelihood
  (``scipy.stats``, location 0) to the jobs that used the QPU (QPU time > 0); the family with
  the smallest Kolmogorov–Smirnov distance to the data is chosen. The distance and the AIC
  are printed for each. Above 200,000 values a seeded random sample of that size is fitted.
- **Batch size**: the trace's circuits (or processors) per job, summarised.

The streams written describe only the jobs in the trace. Where a trace shows some users of
a machine (one's own job history), the rest of the machine's load is not in it: it is the
background utilization that ``trace validate --calibrate`` estimates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import yaml
from scipy import stats

from ..model.units import duration_text, format_duration
from .build import iso
from .trace import Trace

MAX_FIT_SAMPLE = 200_000
FAMILIES = ("exponential", "lognormal", "gamma")


@dataclass
class FamilyFit:
    name: str
    ks: float  # Kolmogorov–Smirnov distance between the data and the fitted distribution
    aic: float
    mean: float
    sd: float
    params: tuple[float, ...]  # scipy's (shape…, loc, scale)

    @property
    def spec(self) -> dict | float:
        """The scenario's distribution (the contract's forms; ``gamma`` added by issue 18)."""
        if self.name == "exponential":
            return {"exponential": _seconds(self.mean)}
        return {self.name: {"mean": _seconds(self.mean), "sd": _seconds(self.sd)}}

    def cdf(self, x: np.ndarray) -> np.ndarray:
        return _DIST[self.name].cdf(x, *self.params)

    def ppf(self, q: np.ndarray) -> np.ndarray:
        return _DIST[self.name].ppf(q, *self.params)


def _seconds(x: float) -> str:
    """Four significant digits, as a duration a scenario reads (``19.93s``)."""
    return f"{float(f'{x:.4g}'):g}s"


_DIST = {"exponential": stats.expon, "lognormal": stats.lognorm, "gamma": stats.gamma}


@dataclass
class MachineFit:
    machine: str
    jobs: int
    first: float  # epoch seconds
    span: float  # seconds from the first to the last submission
    rate: float  # jobs per second
    rate_low: float
    rate_high: float
    hourly: np.ndarray  # jobs per second, by UTC hour of day (NaN: no exposure)
    qpu_jobs: int  # jobs with a QPU time > 0 (the fitted ones)
    no_qpu: int  # jobs without one (never ran, or unknown)
    qpu_mean: float
    qpu_mean_ci: tuple[float, float]
    families: list[FamilyFit] = field(default_factory=list)  # best (smallest KS) first
    batch: dict[str, float] = field(default_factory=dict)
    batch_common: list[tuple[float, float]] = field(default_factory=list)  # (size, share)

    @property
    def chosen(self) -> FamilyFit | None:
        return self.families[0] if self.families else None


def rate_interval(n: int, span: float, level: float = 0.95) -> tuple[float, float, float]:
    """(rate, low, high) of a Poisson stream with ``n`` arrivals over ``span`` seconds from
    the first to the last: n − 1 exponential gaps."""
    gaps = n - 1
    if gaps < 1 or span <= 0:
        return math.nan, math.nan, math.nan
    a = (1 - level) / 2
    low = stats.chi2.ppf(a, 2 * gaps) / (2 * span)
    high = stats.chi2.ppf(1 - a, 2 * gaps) / (2 * span)
    return gaps / span, float(low), float(high)


def _exposure(t0: float, t1: float) -> np.ndarray:
    """Seconds of [t0, t1] in each UTC hour of the day."""
    out = np.zeros(24)
    days, rest = divmod(t1 - t0, 86400.0)
    out += 3600.0 * days
    t, end = t0 + 86400.0 * days, t1
    while t < end:
        nxt = min(end, (math.floor(t / 3600.0) + 1) * 3600.0)
        out[int(t // 3600.0) % 24] += nxt - t
        t = nxt
    return out


def fit_families(values: np.ndarray, seed: int = 0) -> list[FamilyFit]:
    """The three families fitted to positive ``values``, best (smallest KS distance) first."""
    x = np.asarray(values, dtype=float)
    if len(x) > MAX_FIT_SAMPLE:
        x = np.random.default_rng(seed).choice(x, MAX_FIT_SAMPLE, replace=False)
    out = []
    for name in FAMILIES:
        dist = _DIST[name]
        params = dist.fit(x, floc=0)
        k = len(params) - 1  # loc is fixed
        loglik = float(np.sum(dist.logpdf(x, *params)))
        ks = float(stats.kstest(x, dist.cdf, args=params).statistic)
        mean, var = (float(v) for v in dist.stats(*params, moments="mv"))
        out.append(FamilyFit(name, ks, 2 * k - 2 * loglik, mean, math.sqrt(var), params))
    out.sort(key=lambda f: f.ks)
    return out


def fit_machine(trace: Trace, machine: str) -> MachineFit:
    t = trace.on(machine)
    n = len(t)
    first, last = float(t.submitted[0]), float(t.submitted[-1])
    span = last - first
    rate, low, high = rate_interval(n, span)
    exposure = _exposure(first, last)
    counts = np.bincount(((t.submitted // 3600.0) % 24).astype(int), minlength=24)
    with np.errstate(invalid="ignore", divide="ignore"):
        hourly = np.where(exposure > 0, counts / exposure, np.nan)
    q = t.quantum[np.isfinite(t.quantum) & (t.quantum > 0)]
    families = fit_families(q) if len(q) >= 2 and np.ptp(q) > 0 else []
    mean = float(q.mean()) if len(q) else math.nan
    half = 1.96 * float(q.std(ddof=1)) / math.sqrt(len(q)) if len(q) > 1 else math.nan
    batch = t.batch[np.isfinite(t.batch)]
    summary: dict[str, float] = {}
    common: list[tuple[float, float]] = []
    if len(batch):
        summary = {
            "mean": float(batch.mean()),
            "median": float(np.median(batch)),
            "p90": float(np.quantile(batch, 0.9)),
            "max": float(batch.max()),
        }
        sizes, freq = np.unique(batch, return_counts=True)
        top = np.argsort(-freq, kind="stable")[:5]
        common = [(float(sizes[i]), float(freq[i] / len(batch))) for i in top]
    return MachineFit(
        machine,
        n,
        first,
        span,
        rate,
        low,
        high,
        hourly,
        len(q),
        n - len(q),
        mean,
        (mean - half, mean + half),
        families,
        summary,
        common,
    )


def fit_trace(trace: Trace) -> list[MachineFit]:
    return [fit_machine(trace, m) for m in trace.machines()]


def _per_hour(rate: float) -> str:
    return "—" if not math.isfinite(rate) else f"{rate * 3600:.3g}/h"


def report(fits: list[MachineFit], trace: Trace) -> str:
    lines = []
    if trace.group_kind:
        groups = {g for g in trace.group if g}
        lines.append(
            f"The trace shows {len(groups):,} {trace.group_kind}(s). The fitted streams "
            "describe these jobs only; the rest of each machine's load is a parameter "
            "(--background-utilization) to be calibrated with "
            "`python -m sim trace validate --calibrate`."
        )
    else:
        lines.append(
            "The fitted streams describe the jobs in this trace. If it holds only some "
            "users of a machine, the rest of the load is a parameter "
            "(--background-utilization) to be calibrated with "
            "`python -m sim trace validate --calibrate`."
        )
    for f in fits:
        lines.append("")
        lines.append(
            f"{f.machine}: {f.jobs:,} jobs over {format_duration(round(f.span))} "
            f"(from {iso(f.first)})"
        )
        lines.append(
            f"  arrival rate {_per_hour(f.rate)} (95% CI {_per_hour(f.rate_low)} – "
            f"{_per_hour(f.rate_high)})"
        )
        hours = "  ".join(f"{h:02d} {_per_hour(r)}" for h, r in enumerate(f.hourly))
        lines.append(f"  by hour of day (UTC): {hours}")
        lines.append(
            f"  QPU time: {f.qpu_jobs:,} jobs used the QPU, {f.no_qpu:,} did not "
            "(or the trace does not say)"
        )
        if f.families:
            lines.append(
                f"    mean {f.qpu_mean:.4g} s (95% CI {f.qpu_mean_ci[0]:.4g} – "
                f"{f.qpu_mean_ci[1]:.4g} s)"
            )
            lines.append(
                f"    {'family':<12} {'KS distance':>11} {'AIC':>12} {'mean s':>9} {'sd s':>9}"
            )
            for k, fam in enumerate(f.families):
                mark = "*" if k == 0 else " "
                lines.append(
                    f"  {mark} {fam.name:<12} {fam.ks:>11.4f} {fam.aic:>12.1f} "
                    f"{fam.mean:>9.4g} {fam.sd:>9.4g}"
                )
            lines.append(f"    chosen: {f.families[0].name} (smallest Kolmogorov–Smirnov distance)")
        if f.batch:
            b = f.batch
            top = ", ".join(f"{s:g} ({p:.0%})" for s, p in f.batch_common)
            lines.append(
                f"  batch size: mean {b['mean']:.3g}, median {b['median']:g}, "
                f"90th percentile {b['p90']:g}, max {b['max']:g}; most common {top}"
            )
    lines.append("")
    lines.append("Streams to paste under `workloads:` (user: give one of your scenario's users):")
    lines.append(streams_yaml(fits).rstrip())
    return "\n".join(lines)


def streams(fits: list[MachineFit], user: str = "background") -> list[dict]:
    """One stream workload per machine, over the trace's span."""
    out = []
    for f in fits:
        if not math.isfinite(f.rate) or f.rate <= 0:
            continue
        chosen = f.chosen
        quantum = chosen.spec if chosen else _seconds(f.qpu_mean if f.qpu_jobs else 0.0)
        out.append(
            {
                "name": f"fitted-{f.machine}",
                "user": user,
                "backend": f.machine,
                "pattern": "stream",
                "mode": "job",
                "rate": f"{float(f'{f.rate * 3600:.4g}'):g}/h",
                "quantum": quantum,
                "start": 0,
                "stop": duration_text(math.ceil(f.span)),
            }
        )
    return out


def streams_yaml(fits: list[MachineFit], user: str = "background") -> str:
    items = streams(fits, user)
    return yaml.safe_dump(
        {"workloads": items},
        sort_keys=False,
        default_flow_style=None,
        width=200,
        allow_unicode=True,
    )
