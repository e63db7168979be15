"""Ticket throughput of the full model against a bare SimPy M/M/c queue, in the same process.

Prints simulated tickets per second for the default `internal` and `external` scenarios (whole
replications: drawing, simulation and booking; every ticket of both goes through the delivery
model's queues) and customers per second of the textbook SimPy M/M/c model (one process per
customer, a `simpy.Resource` with c servers), and their ratios. All run here and now, in
alternating rounds, so the ratios are meaningful on a shared, noisy machine; the absolute figures
are not. Target: ratio >= 1.0 for both scenarios.

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


def model_tickets(
    replications: int, scenario: str = "internal", config: str = "configs/default.yaml"
) -> float:
    """Tickets per second of whole replications of a scenario of the default config."""
    experiment = load_experiment(config)
    spec = scenario_spec(experiment, scenario)
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
    scenarios = ("internal", "external")
    best_bare = 0.0
    best = dict.fromkeys(scenarios, 0.0)
    for _ in range(args.repeat):  # alternate so that all see the same machine load
        best_bare = max(best_bare, bare_simpy_mmc(args.customers))
        for name in scenarios:
            best[name] = max(best[name], model_tickets(args.replications, name))
    print(f"bare SimPy M/M/c       : {best_bare:12,.0f} customers/s")
    for name in scenarios:
        print(f"itsim {name:17s}: {best[name]:12,.0f} tickets/s (whole replications)")
    for name in scenarios:
        ratio = best[name] / best_bare
        print(f"ratio {name:9s} / bare : {ratio:12.2f}  (target >= 1.0)")


if __name__ == "__main__":
    main()
