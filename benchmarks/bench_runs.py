"""Two figures of a Monte Carlo run, each a ratio measured here and now (issue 11, item 6):

(b) the speed-up of `--jobs 2` over `--jobs 1` on the same replications (target >= 1.8 on two
    free cores; a loaded machine shows less);
(d) the variance of the paired cost difference internal − external with common random numbers
    (the runner's streams, keyed by replication) against independent streams (each scenario run
    under its own seed), for total and budget cost: the factor by which common random numbers
    cut the replications a paired comparison needs for the same precision.

Both run `configs/default.yaml` (five years) unless told otherwise. Usage:
python benchmarks/bench_runs.py [--runs N] [--years Y] [--jobs J]
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import numpy as np
import yaml

from simulation.config.loader import experiment_from_dict
from simulation.montecarlo.runner import RunPlan, run_chunks

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
PAIR = ("internal", "external")


def experiment(years: int):
    tree = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    tree.pop("sensitivity", None)
    tree["simulation"]["horizon_years"] = years
    return experiment_from_dict(copy.deepcopy(tree), "default.yaml")


def replications(exp, scenarios, runs: int, seed: int, jobs: int):
    import pandas as pd

    plan = RunPlan(exp, tuple(scenarios), runs, seed)
    frames = [chunk.replications for chunk in run_chunks(plan, jobs)]
    return pd.concat(frames, ignore_index=True)


def speed_up(exp, runs: int, jobs: int) -> tuple[float, float]:
    """Seconds for `runs` replications of the pair with one worker and with `jobs`."""
    times = []
    for workers in (1, jobs):
        start = time.perf_counter()
        replications(exp, PAIR, runs, seed=1, jobs=workers)
        times.append(time.perf_counter() - start)
    return times[0], times[1]


def crn_factor(exp, runs: int, jobs: int) -> dict[str, float]:
    """Var(a − b) with independent streams over Var(a − b) with common random numbers."""
    crn = replications(exp, PAIR, runs, seed=1, jobs=jobs)
    a_alone = replications(exp, PAIR[:1], runs, seed=2, jobs=jobs)
    b_alone = replications(exp, PAIR[1:], runs, seed=3, jobs=jobs)
    factors = {}
    for basis, column in (("total", "cost_npv_eur"), ("budget", "cost_budget_npv_eur")):
        wide = crn.pivot(index="replication", columns="scenario", values=column)
        paired = np.var(wide[PAIR[0]] - wide[PAIR[1]], ddof=1)
        independent = np.var(a_alone[column], ddof=1) + np.var(b_alone[column], ddof=1)
        factors[basis] = float(independent / paired)
    return factors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="replications per measurement")
    parser.add_argument("--years", type=int, default=5, help="horizon (years)")
    parser.add_argument("--jobs", type=int, default=2, help="workers of the parallel run")
    args = parser.parse_args()
    exp = experiment(args.years)
    one, many = speed_up(exp, args.runs, args.jobs)
    print(f"(b) {args.runs} replications of {' and '.join(PAIR)}, {args.years} year(s):")
    print(f"    --jobs 1 {one:7.1f} s, --jobs {args.jobs} {many:7.1f} s")
    print(f"    speed-up {one / many:5.2f}  (target >= 1.8 with 2 free cores)")
    factors = crn_factor(exp, 4 * args.runs, args.jobs)
    print(f"(d) variance of {PAIR[0]} − {PAIR[1]}, independent / common random numbers:")
    for basis, factor in factors.items():
        print(f"    {basis:6s} cost (NPV): {factor:6.2f}  (replications saved for equal precision)")


if __name__ == "__main__":
    main()
