"""The built-in validation suite (`itsim verify`): every check passes, and every check can fail."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from simulation.verify import (
    CheckResult,
    check_names,
    checks,
    format_table,
    run_checks,
    theory,
    verify_table,
)
from simulation.verify import builders as b
from simulation.verify.estimates import Estimate, mean_estimate, rate_estimate
from simulation.verify.suite import REGISTRY, run_group

# checks whose full-size simulation takes more than a few seconds
SLOW = {
    "erlang_c_wait_load_0.50",
    "erlang_c_wait_load_0.80",
    "cobham_wait_p1",
    "cobham_wait_p4",
    "sla_response_tail",
    "sla_resolution_tail",
    "departures_no_vacancies",
    "departures_with_vacancies",
}
GROUP = {name: i for i, check in enumerate(REGISTRY) for name in check.ids}


@functools.cache
def full_group(index: int) -> tuple[CheckResult, ...]:
    """A registry entry's full-size results (computed once for all the checks it returns)."""
    return tuple(run_group(index, quick=False))


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in check_names()],
)
def test_check_passes_in_full_mode(name):
    (result,) = (r for r in full_group(GROUP[name]) if r.check == name)
    assert result.passed, result
    assert result.low <= result.simulated <= result.high


@pytest.mark.slow
def test_quick_mode_runs_every_check_and_passes():
    seen = []
    results = run_checks(quick=True, on_progress=seen.append)
    assert [r.check for r in results] == check_names()
    assert sorted(seen) == sorted(check_names())
    assert all(r.passed for r in results), format_table(results)
    for r in results:
        assert all((r.title, r.title_de, r.unit, r.tolerance)), r
        assert r.seconds >= 0


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(REGISTRY)), ids=[c.ids[0] for c in REGISTRY])
def test_every_check_fails_when_theory_is_wrong(index):
    # a closed form 40% too low: no check may pass it (quick mode, the loosest tolerances)
    results = REGISTRY[index].run(quick=True, planted_error=-0.4)
    assert [r.check for r in results] == list(REGISTRY[index].ids)
    assert not any(r.passed for r in results), results


@pytest.mark.slow
def test_a_two_percent_slower_team_fails_the_erlang_c_check():
    # Work 2% slower than the closed form assumes lengthens the wait by ~9%: the full-size check
    # (99.9% half-width ~4%, tolerance 5%) must see it.
    size = checks.QUEUE_SIZES[0]
    tree = b.mmc_tree(3, 1095, b.exponential_effort(1.02), years=size.years)
    estimate = mean_estimate(checks.mean_waits(tree, size.replications))
    closed_form = theory.mmc_mean_wait(1.5, 1.0, 3)
    assert estimate.value == pytest.approx(1.09 * closed_form, rel=0.05)
    assert not estimate.passes(closed_form, size.rel_tolerance)
    assert estimate.passes(estimate.value, size.rel_tolerance)  # only the theory is off


def test_pass_rule_needs_theory_inside_and_a_tight_interval():
    rng = np.random.default_rng(1)
    tight = mean_estimate(rng.normal(1.0, 0.05, 400))  # 99.9% half-width ~0.8%
    assert tight.passes(1.0, 0.05)
    assert not tight.passes(1.05, 0.05)  # a 5% error is caught
    vague = mean_estimate(rng.normal(1.0, 0.5, 10))  # half-width ~80%: cannot decide
    assert vague.decide_low < 1.0 < vague.decide_high
    assert not vague.passes(1.0, 0.05)


def test_poisson_rate_interval_covers_at_its_level():
    # exact Garwood intervals: 95% coverage, and the 99.9% interval contains the 95% one
    rng = np.random.default_rng(2)
    counts = rng.poisson(50.0, 4000)
    estimates = [rate_estimate(float(c), 1.0) for c in counts]
    coverage = np.mean([e.low <= 50.0 <= e.high for e in estimates])
    # exact intervals cover at least 95% (a little more: counts are discrete); 4,000 draws
    # estimate the coverage to a standard error of 0.35%
    assert 0.94 <= coverage <= 0.98
    assert all(e.decide_low <= e.low and e.high <= e.decide_high for e in estimates)


def test_closed_forms():
    assert theory.mmc_mean_wait(2.0, 1.0, 3) == pytest.approx(4 / 9)
    assert theory.erlang_c(0.5, 1.0, 1) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    # one class: Cobham reduces to Erlang C
    assert theory.cobham_waits([2.0], 1.0, 3)[0] == pytest.approx(4 / 9)
    assert theory.annuity_npv(100.0, 12, 0.0) == pytest.approx(1200.0)
    assert theory.rate_from_annual_probability(1 - np.exp(-0.5)) == pytest.approx(0.5)
    mean, variance = theory.compound_poisson_moments(3.0, 2.0, 5.0)
    assert (mean, variance) == pytest.approx((6.0, 27.0))
    with pytest.raises(ValueError, match="load"):
        theory.erlang_c(3.0, 1.0, 3)


def test_results_do_not_depend_on_the_number_of_processes():
    only = ["availability_provider", "poisson_count_variance", "npv_annuity", "mirror_property"]
    serial = run_checks(quick=True, only=only)
    parallel = run_checks(quick=True, jobs=2, only=only)
    assert [r.check for r in serial] == sorted(only, key=check_names().index)

    def without_time(r):
        return dataclasses.replace(r, seconds=0.0)

    assert [without_time(r) for r in parallel] == [without_time(r) for r in serial]


def test_unknown_check_names_are_refused():
    with pytest.raises(ValueError, match="no_such_check"):
        run_checks(only=["no_such_check"])


def sample_results() -> list[CheckResult]:
    common = {"unit": "hours", "tolerance": "t", "seconds": 1.25}
    return [
        CheckResult("a", "First check", "Erste Prüfung", theory=0.5, simulated=0.51, low=0.49,
                    high=0.53, passed=True, **common),
        CheckResult("b", "Second, longer check title", "Zweite", theory=1234.5, simulated=1300.0,
                    low=1290.0, high=1310.0, passed=False, **common),
        CheckResult("c", "Exact", "Genau", theory=2.0, simulated=2.0, low=2.0, high=2.0,
                    passed=True, **common),
    ]  # fmt: skip


def test_format_table_lists_each_check_with_pass_or_fail_and_a_count():
    text = format_table(sample_results())
    lines = text.splitlines()
    assert lines[-1] == "2 of 3 checks passed"
    assert lines[0].split()[:2] == ["Check", "Theory"]
    first, second, exact_row = lines[2], lines[3], lines[4]
    assert all(s in first for s in ("First check", "PASS", "0.49 .. 0.53"))
    assert all(s in second for s in ("FAIL", "1,300", "1,290 .. 1,310"))
    assert "exact" in exact_row
    # fixed width: the result column starts at the same place on every row
    assert len({line.index("PASS" if "PASS" in line else "FAIL") for line in lines[2:5]}) == 1


def test_verify_table_has_one_row_per_check():
    frame = verify_table(sample_results())
    assert list(frame.columns) == [
        "check", "title", "title_de", "unit", "theory", "simulated", "low", "high",
        "tolerance", "passed", "seconds",
    ]  # fmt: skip
    assert frame["check"].tolist() == ["a", "b", "c"]
    assert frame["passed"].tolist() == [True, False, True]


def test_estimate_is_a_plain_value():
    e = Estimate(1.0, 0.9, 1.1, 0.8, 1.2)
    assert e.passes(1.0, 0.2)
    assert not e.passes(1.0, 0.1)
