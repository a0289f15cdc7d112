"""Durations, rates and random distributions as the contract writes them (contract.md, R33).

Expected values are worked out by hand from the contract's units (s, m, h, d) and from the
textbook moments of each distribution; statistical checks use a fixed seed, so they are
deterministic, and a tolerance of 5 standard errors, so a correct sampler passes for every seed
with probability > 1 - 1e-6 while a wrong parametrisation (e.g. a lognormal whose M is the log's
mean) misses by far more.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import sim
from sim.model.distributions import Distribution, Draws, stream_rng
from sim.model.units import (
    HORIZON,
    duration_text,
    format_clock,
    format_duration,
    format_share,
    parse_duration,
    parse_rate,
    rate_text,
)
from tests.test_properties import scenarios

N = 20_000  # draws per statistical check; sqrt(N) = 141.42
SQRT_N = math.sqrt(N)

# --- parse_duration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (0, 0.0),
        (90, 90.0),
        (1.5, 1.5),
        ("90", 90.0),  # a bare number string is seconds, like a number
        ("90s", 90.0),
        ("20m", 1200.0),  # 20 × 60
        ("2h", 7200.0),  # 2 × 3600
        ("2d", 172_800.0),  # 2 × 86400
        ("1h 30m", 5400.0),  # 3600 + 30 × 60
        ("1h30m", 5400.0),
        ("1d 2h 3m 4s", 93_784.0),  # 86400 + 7200 + 180 + 4
        ("0.5h", 1800.0),
        ("  45s  ", 45.0),
        ("0s", 0.0),
    ],
)
def test_parse_duration_accepts_contract_forms(text, seconds):
    value = parse_duration(text)
    assert isinstance(value, float)
    assert value == seconds


@pytest.mark.parametrize(
    "bad",
    [
        -1,
        -0.5,
        "-5s",
        "-1h",
        "",
        "   ",
        "abc",
        "5 parsecs",
        "5x",
        "1h30",  # trailing number without a unit
        "h",
        "1..5s",
        "s5",
        True,
        False,
        None,
        [],
        {},
        [1, 2],
        float("nan"),
        float("inf"),
        float("-inf"),
        "nan",
        "inf",
        "1e400",  # overflows to infinity
    ],
)
def test_parse_duration_refuses_bad_values_with_value_error(bad):
    with pytest.raises(ValueError) as info:
        parse_duration(bad)
    assert str(info.value), "the message must say what is wrong"


def test_parse_duration_negative_message_says_negative():
    with pytest.raises(ValueError, match="negative"):
        parse_duration("-5s")


# --- parse_rate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "per_second"),
    [
        ("20/h", 20 / 3600),
        ("3/m", 3 / 60),
        ("5/s", 5.0),
        ("48/d", 48 / 86400),
        (2, 2.0),  # a number is per second
        (0.25, 0.25),
        ("0.5", 0.5),
        (" 20 / h ", 20 / 3600),
    ],
)
def test_parse_rate_accepts_contract_forms(text, per_second):
    assert parse_rate(text) == pytest.approx(per_second, rel=1e-12)


@pytest.mark.parametrize(
    "bad",
    [0, 0.0, "0/h", "0", -1, "-3/m", "fast", "/h", "3/", "3/parsec", "a/h", True, None, [1],
     float("nan"), float("inf"), "nan/h"],
)  # fmt: skip
def test_parse_rate_refuses_zero_negative_and_malformed(bad):
    with pytest.raises(ValueError) as info:
        parse_rate(bad)
    assert str(info.value)


# --- format_duration -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (1.5, "1.5s"),
        (60, "1m"),
        (90, "1m 30s"),
        (3600, "1h"),
        (5400, "1h 30m"),
        (3661, "1h 1m 1s"),
        (172_800, "2d"),
        (93_784, "1d 2h 3m 4s"),
    ],
)
def test_format_duration_short_human_form(seconds, text):
    assert format_duration(seconds) == text


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.integers(min_value=0, max_value=400 * 86400))
def test_format_duration_round_trips_whole_seconds(seconds):
    assert parse_duration(format_duration(seconds)) == seconds


# --- Distribution: parse and serialise back to the user form ---------------------------------


@pytest.mark.parametrize(
    ("spec", "kind", "params", "user_form"),
    [
        (30, "constant", (30.0,), 30.0),
        ("2m", "constant", (120.0,), 120.0),
        ({"exponential": "2m"}, "exponential", (120.0,), {"exponential": 120.0}),
        ({"uniform": ["30s", "1m 30s"]}, "uniform", (30.0, 90.0), {"uniform": [30.0, 90.0]}),
        (
            {"normal": {"mean": "10s", "sd": 2}},
            "normal",
            (10.0, 2.0),
            {"normal": {"mean": 10.0, "sd": 2.0}},
        ),
        (
            {"lognormal": {"mean": "20s", "sd": "10s"}},
            "lognormal",
            (20.0, 10.0),
            {"lognormal": {"mean": 20.0, "sd": 10.0}},
        ),
        ({"choice": [10, "1m", "1h"]}, "choice", (10.0, 60.0, 3600.0),
         {"choice": [10.0, 60.0, 3600.0]}),
    ],
)  # fmt: skip
def test_distribution_parses_and_serialises_user_form(spec, kind, params, user_form):
    d = Distribution.model_validate(spec)
    assert d.kind == kind
    assert tuple(d.params) == params
    assert d.model_dump() == user_form
    # The user form parses back to the same distribution, also through JSON.
    assert Distribution.model_validate(d.model_dump()) == d
    assert Distribution.model_validate_json(d.model_dump_json()) == d


@pytest.mark.parametrize(
    "bad",
    [
        -1,
        "soon",
        {"exponential": 0},  # a mean of zero is not an exponential
        {"exponential": -5},
        {"uniform": [5, 1]},  # HIGH below LOW
        {"uniform": [1]},
        {"uniform": 3},
        {"normal": {"mean": 1}},
        {"normal": {"mean": 1, "sd": -1}},
        {"normal": {"mean": 1, "sd": 1, "skew": 2}},
        {"lognormal": {"mean": 0, "sd": 1}},
        {"choice": []},
        {"choice": [1, -2]},
        {"choice": 5},
        {"gamma": 3},
        {"exponential": 5, "uniform": [1, 2]},
        {},
        None,
        True,
    ],
)
def test_distribution_refuses_bad_specs(bad):
    with pytest.raises(ValidationError):
        Distribution.model_validate(bad)


@pytest.mark.parametrize(
    ("spec", "mean"),
    [
        (30, 30.0),
        ({"exponential": 120}, 120.0),
        ({"uniform": [30, 90]}, 60.0),  # (30 + 90) / 2
        ({"lognormal": {"mean": 20, "sd": 10}}, 20.0),  # M is the mean of the values
        ({"choice": [10, 20, 60]}, 30.0),  # 90 / 3
        # half-normal: sd × sqrt(2/π) = 10 × 0.797885
        ({"normal": {"mean": 0, "sd": 10}}, 10 * math.sqrt(2 / math.pi)),
    ],
)
def test_distribution_mean_property(spec, mean):
    assert Distribution.model_validate(spec).mean == pytest.approx(mean, rel=1e-9)


def test_scenario_serialises_distributions_back_to_user_form():
    """Durations in seconds, distributions as written; the dump loads back to an equal scenario."""
    s = sim.from_dict(
        {
            "backends": [{"name": "qpu"}],
            "instances": [{"name": "A"}],
            "users": [{"name": "a", "instance": "A"}],
            "workloads": [
                {"name": "w", "user": "a", "backend": "qpu", "pattern": "iterative",
                 "jobs": 2, "quantum": {"uniform": ["30s", "1m"]}, "classical": "2m"},
            ],
        }
    )  # fmt: skip
    data = s.to_dict()
    assert data["workloads"][0]["quantum"] == {"uniform": [30.0, 60.0]}
    assert data["workloads"][0]["classical"] == 120.0
    assert sim.from_dict(data) == s
    assert sim.parse_text(s.to_yaml()) == s


# --- Distribution: sampling ------------------------------------------------------------------


def _draw(spec, n=N, seed=12345, stream="quantum"):
    d = Distribution.model_validate(spec)
    return d.sample(stream_rng(seed, "units-test", stream), n)


def _assert_mean(x, mean, sd):
    sem = sd / SQRT_N
    assert abs(x.mean() - mean) <= 5 * sem, (x.mean(), mean, 5 * sem)


def test_sample_constant_is_constant():
    x = _draw("45s", n=100)
    assert x.shape == (100,)
    assert np.all(x == 45.0)


def test_sample_exponential_mean_and_median():
    # Exp(mean m): sd = m; median = m ln 2, whose standard error is 1/(2 f(median) sqrt N)
    # with f(median) = 1/(2m), i.e. m / sqrt N.
    m = 120.0
    x = _draw({"exponential": "2m"})
    assert np.all(x >= 0)
    _assert_mean(x, m, m)
    assert abs(np.median(x) - m * math.log(2)) <= 5 * m / SQRT_N


def test_sample_uniform_mean_and_bounds():
    # U(30, 90): mean 60, sd 60 / sqrt(12) = 17.32.
    x = _draw({"uniform": [30, 90]})
    assert x.min() >= 30 and x.max() <= 90
    assert x.min() < 31 and x.max() > 89  # 20 000 draws cover the whole interval
    _assert_mean(x, 60.0, 60 / math.sqrt(12))


def test_sample_normal_far_from_zero_is_plain_normal():
    # N(10, 2): P(X < 0) = Φ(-5) ≈ 3e-7, so truncation does not move the moments.
    x = _draw({"normal": {"mean": 10, "sd": 2}})
    assert np.all(x >= 0)
    _assert_mean(x, 10.0, 2.0)
    assert x.std() == pytest.approx(2.0, rel=0.05)  # sd of a sample sd ≈ σ/sqrt(2N) = 0.5 %


def _truncated_normal_moments(mu, sigma):
    """Mean and sd of N(mu, sigma) truncated to [0, ∞): standard formulas with α = -mu/sigma."""
    alpha = -mu / sigma
    phi = math.exp(-alpha * alpha / 2) / math.sqrt(2 * math.pi)
    z = 1 - 0.5 * (1 + math.erf(alpha / math.sqrt(2)))  # P(X ≥ 0) = 1 - Φ(α)
    lam = phi / z
    mean = mu + sigma * lam
    var = sigma**2 * (1 + alpha * lam - lam**2)
    return mean, math.sqrt(var)


@pytest.mark.parametrize(
    ("mu", "sigma", "hand_mean"),
    [
        (0.0, 10.0, 7.9788),  # half-normal: 10 × sqrt(2/π)
        (5.0, 5.0, 6.4380),  # α = -1: 5 + 5 × φ(1)/Φ(1) = 5 + 5 × 0.24197/0.84134
    ],
)
def test_sample_normal_is_truncated_at_zero_not_clipped(mu, sigma, hand_mean):
    mean, sd = _truncated_normal_moments(mu, sigma)
    assert mean == pytest.approx(hand_mean, abs=1e-3)  # the formula agrees with the hand value
    x = _draw({"normal": {"mean": mu, "sd": sigma}})
    assert np.all(x >= 0)
    # Clipping at 0 instead of truncating would put mass exactly at 0.
    assert np.count_nonzero(x == 0) == 0
    _assert_mean(x, mean, sd)


def test_sample_lognormal_has_the_given_mean_and_sd():
    # Mean M = 20, sd S = 10: σ² = ln(1 + (S/M)²) = ln 1.25, μ = ln M - σ²/2, so the median
    # is e^μ = M / sqrt(1.25) = 17.889. Its standard error is 1/(2 f(med) sqrt N) with
    # f(med) = 1/(med σ sqrt(2π)). The sample sd's relative standard error is about
    # sqrt((κ - 1)/N)/2 with kurtosis κ ≈ 8.03 here, i.e. ≈ 0.94 %; 6 % is > 5 of those.
    m, s = 20.0, 10.0
    sigma2 = math.log(1 + (s / m) ** 2)
    median = m / math.sqrt(1 + (s / m) ** 2)
    assert median == pytest.approx(17.889, abs=1e-3)
    x = _draw({"lognormal": {"mean": m, "sd": s}})
    assert np.all(x > 0)
    _assert_mean(x, m, s)
    assert x.std() == pytest.approx(s, rel=0.06)
    f_med = 1 / (median * math.sqrt(sigma2) * math.sqrt(2 * math.pi))
    assert abs(np.median(x) - median) <= 5 / (2 * f_med * SQRT_N)


def test_sample_choice_is_uniform_over_the_values():
    # Each of 3 values with probability 1/3; standard error of a frequency sqrt(p(1-p)/N).
    x = _draw({"choice": [10, 20, 60]})
    assert set(np.unique(x)) == {10.0, 20.0, 60.0}
    p = 1 / 3
    tol = 5 * math.sqrt(p * (1 - p) / N)
    for v in (10.0, 20.0, 60.0):
        assert abs(np.mean(x == v) - p) <= tol
    _assert_mean(x, 30.0, math.sqrt(((10 - 30) ** 2 + (20 - 30) ** 2 + (60 - 30) ** 2) / 3))


# --- stream_rng: reproducible per (seed, workload, stream) (R33) -----------------------------


def _first(rng, n=20):
    return rng.random(n).tolist()


def test_stream_rng_same_key_same_draws():
    assert _first(stream_rng(7, "vqe", "quantum")) == _first(stream_rng(7, "vqe", "quantum"))


@pytest.mark.parametrize(
    "other",
    [
        (8, "vqe", "quantum"),  # another seed
        (7, "background", "quantum"),  # another workload
        (7, "vqe", "classical"),  # another stream
        (7, "vqe", "arrivals"),
        (7 + 2**32, "vqe", "quantum"),  # the seed's high 32 bits count too
    ],
)
def test_stream_rng_any_key_part_changes_draws(other):
    assert _first(stream_rng(7, "vqe", "quantum")) != _first(stream_rng(*other))


def test_stream_rng_accepts_the_full_seed_range():
    for seed in (0, 1, 2**32 - 1, 2**32, 2**63 - 1):
        assert len(_first(stream_rng(seed, "w", "quantum"))) == 20


def test_stream_rng_streams_are_independent_of_each_other():
    """Drawing from one stream does not shift another (names, not positions, pick it)."""
    a = stream_rng(3, "w", "quantum")
    expected = _first(stream_rng(3, "w", "classical"))
    a.random(1000)
    assert _first(stream_rng(3, "w", "classical")) == expected


# --- Draws: chunking never changes the sequence ----------------------------------------------

ALL_FORMS = [
    30,
    {"exponential": 120},
    {"uniform": [30, 90]},
    {"normal": {"mean": 1, "sd": 2}},  # heavy truncation: many rejections
    {"normal": {"mean": 10, "sd": 2}},
    {"lognormal": {"mean": 20, "sd": 10}},
    {"choice": [10, 20, 60]},
    {"choice": [5, 7]},
]


def _draws(spec, chunk, n=1000, seed=99):
    d = Distribution.model_validate(spec)
    dr = Draws(d, stream_rng(seed, "wl", "quantum"), chunk=chunk)
    return [dr.next() for _ in range(n)]


@pytest.mark.parametrize("spec", ALL_FORMS, ids=str)
def test_draws_chunk_7_equals_chunk_512(spec):
    assert _draws(spec, 7) == _draws(spec, 512)


@pytest.mark.parametrize("spec", ALL_FORMS, ids=str)
@pytest.mark.parametrize("chunk", [1, 3, 1000, 1001])
def test_draws_any_chunk_equals_one_big_sample(spec, chunk):
    d = Distribution.model_validate(spec)
    whole = d.sample(stream_rng(99, "wl", "quantum"), 1000).tolist()
    assert _draws(spec, chunk) == whole


def test_draws_reproducible_and_seed_sensitive():
    spec = {"exponential": 60}
    assert _draws(spec, 512, seed=1) == _draws(spec, 512, seed=1)
    assert _draws(spec, 512, seed=1) != _draws(spec, 512, seed=2)


# --- the engine uses these streams: common random numbers (R33) ------------------------------


def _quanta(extra_workloads, mode="job"):
    data = {
        "seed": 5,
        "backends": [{"name": "qpu"}],
        "instances": [{"name": "A"}, {"name": "B"}],
        "users": [{"name": "a", "instance": "A"}, {"name": "b", "instance": "B"}],
        "workloads": [
            {"name": "w", "user": "a", "backend": "qpu", "pattern": "batch", "mode": mode,
             "jobs": 6, "quantum": {"exponential": 30}},
            *extra_workloads,
        ],
    }  # fmt: skip
    jobs = sim.run(sim.from_dict(data)).jobs
    w = jobs[jobs["workload"] == "w"].copy()
    w["k"] = w["job_id"].str.rsplit(".", n=1).str[1].astype(int)
    return w.sort_values("k")["quantum_seconds"].tolist()


def test_r33_workload_quantum_draws_come_from_its_own_stream():
    """R33 / model.md 'Random numbers': job k of workload w gets draw k of the stream
    (seed, w, quantum), whatever the mode and the other workloads."""
    d = Distribution.model_validate({"exponential": 30})
    dr = Draws(d, stream_rng(5, "w", "quantum"))
    expected = [dr.next() for _ in range(6)]
    other = {"name": "x", "user": "b", "backend": "qpu", "pattern": "stream", "rate": "1/m",
             "jobs": 5, "quantum": {"exponential": 30}}  # fmt: skip
    assert _quanta([]) == pytest.approx(expected, rel=1e-12)
    assert _quanta([other]) == pytest.approx(expected, rel=1e-12)
    assert _quanta([other], mode="session") == pytest.approx(expected, rel=1e-12)


# --- writing durations and rates back (Download as YAML, the library) -----------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0, "0s"),
        (30.0, "30s"),
        (90.0, "1m 30s"),  # whole seconds: as the dashboard shows them (format_duration)
        (5400.0, "1h 30m"),
        (21_600.0, "6h"),  # the issue's `until: 21600.0`
        (86_400.0, "1d"),
        (93_784.0, "1d 2h 3m 4s"),  # 86400 + 7200 + 180 + 4
        (2.5, "2.5s"),
        (90.5, "90.5s"),  # shorter than "1m 30.5s"
        (0.00001, "0.00001s"),  # positional: the parser takes no exponent
        (float("1.1") * 3600, "1.1h"),  # 3960.0000000000005: "1.1h" is the exact text
        (0.1 + 0.2, "0.30000000000000004s"),  # no shorter text reads back to this float
    ],
)
def test_duration_text_is_what_a_user_writes(seconds, text):
    assert duration_text(seconds) == text
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (14 / 3600, "14/h"),  # the issue's `rate: 0.0038888888888888888`
        (20 / 3600, "20/h"),
        (3 / 60, "3/m"),
        (1 / 60, "1/m"),  # shorter than "60/h"
        (0.5, "30/m"),  # a whole count beats "0.5/s"
        (2.0, "2/s"),
        (1 / 7, "1/7s"),  # one every 7 s: 3600/7 per hour is no whole count
        (2.5 / 3600, "60/d"),  # 2.5 per hour = 60 per day
        (1.234567891, 1.234567891),  # no exact count with up to 6 decimals: the number
    ],
)
def test_rate_text_is_what_a_user_writes(rate, text):
    assert rate_text(rate) == text
    assert parse_rate(text) == rate


@settings(max_examples=500, deadline=None, database=None, derandomize=True)
@given(st.floats(min_value=0, max_value=HORIZON, allow_nan=False, allow_infinity=False))
def test_any_duration_written_reads_back_bit_identical(seconds):
    # Every duration a scenario may hold is within the 1000-day horizon, far below 2**53 s:
    # whole d/h/m plus the exact rest in seconds always exists, so the text is never a number.
    text = duration_text(seconds)
    assert parse_duration(text) == seconds
    assert isinstance(text, str)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(
    # At most 4 × 240 days: within the 1000-day horizon every duration must respect.
    st.lists(st.tuples(st.integers(0, 240), st.sampled_from("smhd")), min_size=1, max_size=4),
    st.integers(0, 999),
)
def test_durations_users_type_come_back_as_text(parts, millis):
    typed = " ".join(f"{n}{u}" for n, u in parts) + f" {millis / 1000}s"
    seconds = parse_duration(typed)
    text = duration_text(seconds)
    assert isinstance(text, str) and parse_duration(text) == seconds


@settings(max_examples=500, deadline=None, database=None, derandomize=True)
@given(st.floats(min_value=1e-12, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_any_rate_written_reads_back_bit_identical(rate):
    assert parse_rate(rate_text(rate)) == rate


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.integers(1, 100_000), st.sampled_from(["s", "m", "h", "d"]))
def test_rates_users_type_come_back_as_text(count, unit):
    rate = parse_rate(f"{count}/{unit}")
    text = rate_text(rate)
    assert isinstance(text, str) and parse_rate(text) == rate


def test_a_downloaded_scenario_reads_like_the_file_a_user_wrote():
    """Issue #13 item 9: ``sim/model/presets/vqe-vs-background.yaml`` says ``until: 6h``, ``rate:
    14/h``, ``interactive_ttl: 60s``, ``quantum: {exponential: 100s}``; the download says the
    same in the same words (60 s and 100 s shown as the dashboard shows them), no defaults."""
    text = sim.preset("vqe-vs-background").to_yaml()
    lines = set(text.splitlines())
    expected = [
        "until: 6h", "  rate: 14/h", "  rate: 12/h", "  stop: 5h", "  start: 30m",
        "  interactive_ttl: 1m", "  quantum: {exponential: 1m 40s}",
        "  quantum: {uniform: [30s, 1m 30s]}", "  classical: {exponential: 15s}",
        "  - {duration: 5m, every: 1h, first_at: 45m}",
        "- {name: hub-b/research/main, share: 2}", "hubs: {hub-a: 1, hub-b: 1}",
    ]  # fmt: skip
    for line in expected:
        assert line in lines, (line, text)
    assert "null" not in text and "0.0" not in text  # no defaults, no machine floats
    assert text.startswith("name: VQE session vs background load\ndescription: >\n")


@pytest.mark.parametrize("name", sim.preset_names())
def test_every_preset_downloads_as_words_and_reads_back_identical(name):
    original = sim.preset(name)
    text = original.to_yaml()
    assert sim.parse_text(text) == original
    # Every duration and rate field holds text: a float there is machine-speak.
    import yaml

    def floats(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from floats(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from floats(v, f"{path}[{i}]")
        elif isinstance(node, float):
            yield path

    assert list(floats(yaml.safe_load(text))) == []


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(st.data())
def test_any_valid_scenario_downloads_and_reads_back_identical(data):
    """Whole scenarios from the property suite's generator (every field kind, allocations
    included): the human YAML gives back an equal Scenario, floats bit for bit."""
    original = sim.from_dict(data.draw(scenarios(allocations=data.draw(st.booleans()))))
    assert sim.parse_text(original.to_yaml()) == original


# --- format_clock, format_share (what the dashboard and the explanations show) ---------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00:00"),
        (42, "00:00:42"),
        (42.25, "00:00:42.2"),  # 422.5 tenths rounds half to even
        (0.04, "00:00:00"),
        (120, "00:02:00"),
        (3725, "01:02:05"),
        (3725.4, "01:02:05"),  # past a minute: whole seconds
        (86_400, "1d 00:00:00"),
        (3 * 86_400 + 8 * 3600 + 33 * 60 + 17.383, "3d 08:33:17"),
        (None, ""),
        (math.nan, ""),
    ],
)
def test_format_clock_is_the_one_time_format(seconds, text):
    assert format_clock(seconds) == text


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (7.44e-05, "0.00744 %"),  # R7 key = used / (share x window): a fraction of the share
        (0.007, "0.7 %"),
        (0.12345, "12.3 %"),
        (1.5, "150 %"),
        (0.0, "0 %"),
    ],
)
def test_format_share_reads_as_a_percentage_of_the_share(key, text):
    assert format_share(key) == text
