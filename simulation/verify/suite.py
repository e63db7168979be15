"""The validation suite: the registry of checks, the runner (serial or in processes), the table."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass, fields, replace
from functools import partial

import pandas as pd

from simulation.montecarlo.workers import worker_pool
from simulation.verify import checks
from simulation.verify.checks import CheckResult


@dataclass(frozen=True)
class Check:
    """One simulation of the suite and the ids of the results it returns, in order."""

    ids: tuple[str, ...]
    run: Callable[..., list[CheckResult]]  # (quick, planted_error) -> results


REGISTRY: tuple[Check, ...] = (
    Check(("erlang_c_wait_load_0.50",), partial(checks.erlang_c_wait, 0.5)),
    Check(("erlang_c_wait_load_0.80",), partial(checks.erlang_c_wait, 0.8)),
    Check(("cobham_wait_p1", "cobham_wait_p4"), checks.cobham_waits),
    Check(("sla_response_tail", "sla_resolution_tail"), checks.sla_tails),
    Check(("availability_in_house",), partial(checks.availability, "internal")),
    Check(("availability_provider",), partial(checks.availability, "provider")),
    Check(("poisson_count_mean", "poisson_count_variance"), checks.poisson_counts),
    Check(("departures_no_vacancies",), partial(checks.departures, 0.0)),
    Check(("departures_with_vacancies",), partial(checks.departures, 6.0)),
    Check(
        ("security_incidents_per_year", "annual_loss_mean", "annual_loss_variance"),
        checks.compound_losses,
    ),
    Check(("provider_failure_rate",), checks.provider_failures),
    Check(("service_credit_tiers",), checks.credit_tiers),
    Check(("service_credits_ledger",), checks.credits_in_ledger),
    Check(("npv_annuity",), checks.npv_annuity),
    Check(("npv_of_replication",), checks.npv_of_replication),
    Check(("mirror_property",), checks.mirror_property),
    Check(("lost_time_bound",), checks.lost_time_bound),
)

COLUMNS = tuple(f.name for f in fields(CheckResult))


def check_names() -> list[str]:
    """The ids of all checks, in the order of the table."""
    return [name for check in REGISTRY for name in check.ids]


def run_group(index: int, quick: bool) -> list[CheckResult]:
    """Run one registry entry and time it; each result gets an equal share of the seconds.

    Raises if the entry returns other ids than registered (a registry defect, not a failure)."""
    check = REGISTRY[index]
    started = time.perf_counter()
    results = check.run(quick=quick)
    seconds = (time.perf_counter() - started) / len(results)
    got = tuple(r.check for r in results)
    if got != check.ids:
        raise RuntimeError(f"check entry {index} returned {got}, registered as {check.ids}")
    return [replace(r, seconds=seconds) for r in results]


def run_checks(
    quick: bool = False,
    jobs: int = 1,
    only: list[str] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> list[CheckResult]:
    """Run the validation suite and return one result per check, in registry order.

    `quick` uses fewer replications and shorter horizons (with looser, stated tolerances);
    `jobs > 1` runs independent simulations in that many processes, with identical results,
    since every check seeds itself. `only` restricts the run to the named checks (a simulation
    shared by several checks runs once). `on_progress(name)` is called as each check finishes.
    """
    names = check_names()
    wanted = set(names if only is None else only)
    unknown = wanted - set(names)
    if unknown:
        raise ValueError(f"unknown checks {sorted(unknown)}; known: {names}")
    indices = [i for i, check in enumerate(REGISTRY) if wanted & set(check.ids)]
    by_index: dict[int, list[CheckResult]] = {}

    def finished(index: int, results: list[CheckResult]) -> None:
        by_index[index] = results
        if on_progress is not None:
            for result in results:
                if result.check in wanted:
                    on_progress(result.check)

    if jobs > 1 and len(indices) > 1:
        tasks = [(i, quick) for i in _longest_first(indices)]
        with worker_pool(min(jobs, len(indices)), _no_setup, (), run_group, tasks) as futures:
            for future in as_completed(futures):
                finished(futures[future][0], future.result())
    else:
        for i in indices:
            finished(i, run_group(i, quick))
    return [r for i in indices for r in by_index[i] if r.check in wanted]


def _no_setup() -> None:
    """Workers of the suite need no set-up (each check builds its own experiment)."""


# rough share of the full suite's time, so that the long simulations start first in processes
_WEIGHT = {"erlang_c_wait_load_0.80": 5, "cobham_wait_p1": 5, "erlang_c_wait_load_0.50": 3}


def _longest_first(indices: list[int]) -> list[int]:
    return sorted(indices, key=lambda i: -_WEIGHT.get(REGISTRY[i].ids[0], 1))


def verify_table(results: list[CheckResult]) -> pd.DataFrame:
    """One row per check: check, title, title_de, unit, theory, simulated, low, high,
    tolerance, passed, seconds."""
    return pd.DataFrame([[getattr(r, c) for c in COLUMNS] for r in results], columns=list(COLUMNS))


def format_table(results: list[CheckResult]) -> str:
    """A fixed-width text table for the terminal: each check's title, theory, simulated value,
    95% interval, unit, PASS or FAIL and seconds; the last line says how many checks passed."""
    header = ("Check", "Theory", "Simulated", "95% interval", "Unit", "Result", "Seconds")
    rows = [
        (
            r.title,
            _number(r.theory),
            _number(r.simulated),
            "exact" if r.low == r.high == r.simulated else f"{_number(r.low)} .. {_number(r.high)}",
            r.unit,
            "PASS" if r.passed else "FAIL",
            f"{r.seconds:.1f}",
        )
        for r in results
    ]
    widths = [max(len(row[k]) for row in [header, *rows]) for k in range(len(header))]
    right = {1, 2, 6}

    def line(row: tuple[str, ...]) -> str:
        cells = [
            c.rjust(w) if k in right else c.ljust(w)
            for k, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    passed = sum(r.passed for r in results)
    body = [line(header), rule, *(line(row) for row in rows), rule]
    return "\n".join([*body, f"{passed} of {len(results)} checks passed"])


def _number(x: float) -> str:
    """Four significant digits, thousands separated; scientific for very large or small."""
    if x == 0:
        return "0"
    if abs(x) >= 1e7 or abs(x) < 1e-3:
        return f"{x:.4g}"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.4g}"
