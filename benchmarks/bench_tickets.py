"""Ticket throughput of the full model against a bare SimPy M/M/c queue, in the same process.

Prints simulated tickets per second for the default `internal` scenario (whole replications:
drawing, simulation and booking) and customers per second of the textbook SimPy M/M/c model
(one process per customer, a `simpy.Resource` with c servers), and their ratio. Both run here and
now, so the ratio is meaningful on a shared, noisy machine; the absolute figures are not.
Target: ratio >= 1.0.

Usage: python benchmarks/bench_tickets.py [--replications N] [--customers N] [--repeat K]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import simpy

from simulation.config.loader import load_experiment
from simulation.config.scenario import central_values, resolve, scenario_spec
from simulation.model.run import simulate
from simulation.montecarlo.streams import ReplicationStreams


def bare_simpy_mmc(
    customers: int,
    servers: int = 3,
    arrival_rate: float = 2.0,
    service_rate: float = 1.0,
    seed: int = 1,
) -> float:
    """The textbook SimPy M/M/c queue; returns customers per second of wall time."""
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0 / arrival_rate, customers).tolist()
    services = rng.exponential(1.0 / service_rate, customers).tolist()
    waits: list[float] = []

    def customer(env, desk, service):
        arrive = env.now
        with desk.request() as request:
            yield request
            waits.append(env.now - arrive)
            yield env.timeout(service)

    def source(env, desk):
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(env, desk, service))

    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=servers)
    env.process(source(env, desk))
    start = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - start
    assert len(waits) == customers
    return customers / elapsed


def model_tickets(replications: int, config: str = "configs/default.yaml") -> float:
    """Tickets per second of whole replications of the default internal scenario."""
    experiment = load_experiment(config)
    spec = scenario_spec(experiment, "internal")
    resolved = resolve(spec, central_values(spec))
    tickets = 0
    start = time.perf_counter()
    for r in range(replications):
        result = simulate(resolved, ReplicationStreams(experiment.simulation.seed, r))
        tickets += int(result.counters[:4].sum())  # incidents_p1..p4
    elapsed = time.perf_counter() - start
    return tickets / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of K alternating rounds")
    args = parser.parse_args()
    best_model = best_bare = 0.0
    for _ in range(args.repeat):  # alternate so that both see the same machine load
        best_bare = max(best_bare, bare_simpy_mmc(args.customers))
        best_model = max(best_model, model_tickets(args.replications))
    print(f"bare SimPy M/M/c       : {best_bare:12,.0f} customers/s")
    print(f"itsim internal scenario: {best_model:12,.0f} tickets/s (whole replications)")
    print(f"ratio model / bare     : {best_model / best_bare:12.2f}  (target >= 1.0)")


if __name__ == "__main__":
    main()
