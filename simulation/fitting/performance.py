"""The provider's `performance_factor` from its SLA reports, calibrated by the model itself.

The factor multiplies the effort of the provider's team (`providers.<id>.performance_factor`).
The reports give the share of tickets resolved within target; the model gives that share as a
function of the factor, through the same queue, service hours, knowledge and SLA measurement
as every run (`model.contracts.sla_outcome`), so no formula kinder to either side stands in
for the model. The run that measures it:

- the config with the values fitted from the company's own records applied (ticket volumes,
  efforts, outages), the scenario in which the provider holds the reported contracts, the
  horizon as long as the reports, and the contracts' transition months set to 0 (the reports
  come from a running contract, not from its go-live);
- on a log-spaced grid of factors (`GRID`), `calibration_runs` replications each, on common
  random numbers across the grid (the same tickets, draws of the uncertain parameters and
  staff events at every factor), so that the simulated share moves with the factor alone.

The observed share's likelihood at a factor is normal, with the replications' mean share and
a variance that adds their spread (parameter uncertainty and chance) to the binomial variance of
the reported tickets. With the prior (the config's distribution of the factor, or, when it
gives one number, a lognormal with that median and a p95 three times it: an assumption) it
gives the posterior on a fine grid, written as a lognormal with its mean and sd of log factor.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from simulation.config.distributions import Distribution, LogNormal, ScipyDistribution
from simulation.fitting.comments import describe
from simulation.fitting.fragment import Entry, between, fmt, pct
from simulation.fitting.providers import ContractSla
from simulation.fitting.settings import FitSettings

#: Performance factors at which the model is run (0.25 to 4 in steps of 2^(1/4): a team needing a
#: quarter of the company's effort up to four times it).
GRID = np.exp(np.linspace(math.log(0.25), math.log(4.0), 17))
#: Points of the fine grid (in log factor) on which the posterior is evaluated.
FINE = 400
#: The prior's p95 against its median when the config gives the factor as one number.
PRIOR_SPREAD = 3.0


@dataclass(frozen=True)
class Calibration:
    """One provider's factor: the reported tickets within the resolution target, the simulated
    shares (replication x grid factor), the prior and the posterior of log factor."""

    provider: str
    scenario: str
    services: tuple[str, ...]
    years: int
    met: float
    tickets: float
    shares: np.ndarray
    prior: Distribution
    prior_text: str
    log_mean: float
    log_sd: float
    at_edge: bool
    fine: np.ndarray  # log factors of the posterior's grid
    loglik: np.ndarray  # log likelihood of the reported share there

    @property
    def prior_assumed(self) -> bool:
        """Whether the prior is the assumed lognormal (the config gave one number)."""
        return self.prior_text.startswith("an assumed")

    @property
    def at_one(self) -> float:
        """The share the model resolves within target at factor 1 (mean of replications)."""
        return float(np.interp(0.0, np.log(GRID), np.nanmean(self.shares, axis=0)))

    @property
    def observed(self) -> float:
        """The reported share of tickets resolved within target."""
        return self.met / self.tickets

    @property
    def posterior(self) -> LogNormal:
        """The posterior of the factor (lognormal)."""
        return LogNormal(self.log_mean, max(self.log_sd, 1e-6))

    def interval(self, level: float) -> tuple[float, float]:
        """Central posterior interval of the factor."""
        low, high = self.posterior.ppf([(1 - level) / 2, (1 + level) / 2])
        return float(low), float(high)


def calibrate_performance(
    tree: Mapping[str, Any],
    sla: Mapping[tuple[str, str], ContractSla],
    fitted: Sequence[Entry],
    prior_of: Any,
    settings: FitSettings,
) -> tuple[dict[str, Calibration], list[Entry]]:
    """Calibrate the factor of every provider whose reports count tickets within the
    resolution target; `fitted` are the values fitted so far (applied to the config first),
    `prior_of(path)` the config's distribution at a key path. Returns the calibrations and
    the fragment's entries (a note instead where the config has no scenario to run)."""
    found: dict[str, Calibration] = {}
    entries: list[Entry] = []
    by_provider: dict[str, list[ContractSla]] = {}
    for fit in sla.values():
        if fit.resolution is not None and fit.resolution.trials > 0:
            by_provider.setdefault(fit.provider, []).append(fit)
    for pid, fits in by_provider.items():
        path = ("providers", pid, "performance_factor")
        scenario = _scenario(tree, pid, [f.service for f in fits])
        if scenario is None:
            note = "no scenario of the config gives the provider these contracts: not calibrated"
            entries.append(Entry(("providers", pid), comment=f"performance_factor: {note}"))
            continue
        name, services = scenario
        fits = [f for f in fits if f.service in services]
        base = _calibration_tree(tree, fitted, pid, services, fits)
        shares = simulated_shares(
            base, pid, name, services, settings.calibration_runs, settings.seed
        )
        if not np.isfinite(shares).all(axis=1).any():  # no future with the provider's tickets
            note = "the model gives these contracts no tickets over the reports' period"
            entries.append(Entry(("providers", pid), comment=f"performance_factor: {note}"))
            continue
        prior, prior_text = _prior(prior_of(path))
        met = sum(float(f.resolution.successes) for f in fits)
        tickets = sum(float(f.resolution.trials) for f in fits)
        found[pid] = posterior(pid, name, services, base, met, tickets, shares, prior, prior_text)
        entries.append(_entry(found[pid], settings))
    return found, entries


def _scenario(
    tree: Mapping[str, Any], pid: str, services: Sequence[str]
) -> tuple[str, tuple[str, ...]] | None:
    """The first scenario giving the provider the most of the reported services, and those."""
    best: tuple[str, tuple[str, ...]] | None = None
    for name, scenario in (tree.get("scenarios") or {}).items():
        sourcing = (scenario or {}).get("sourcing") or {}
        held = tuple(s for s in services if sourcing.get(s) == pid)
        if held and (best is None or len(held) > len(best[1])):
            best = (str(name), held)
    return best


def _calibration_tree(
    tree: Mapping[str, Any],
    fitted: Sequence[Entry],
    pid: str,
    services: Sequence[str],
    fits: Sequence[ContractSla],
) -> dict[str, Any]:
    """The config with the fitted values applied, the reports' horizon and running contracts."""
    base = copy.deepcopy(dict(tree))
    for entry in fitted:
        if not entry.is_note:
            _put(base, entry.path, copy.deepcopy(entry.value))
    months = max(len(f.months) for f in fits)
    simulation = base.setdefault("simulation", {})
    simulation["horizon_years"] = max(
        1, min(int(simulation.get("horizon_years", 5)), -(-months // 12))
    )
    for sid in services:
        _put(base, ("providers", pid, "contracts", sid, "transition_months"), 0.0)
    _put(base, ("providers", pid, "performance_factor"), 1.0)
    return base


def _put(tree: dict[str, Any], path: Sequence[str], value: Any) -> None:
    node = tree
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def simulated_shares(
    tree: Mapping[str, Any], pid: str, scenario: str, services: Sequence[str], runs: int, seed: int
) -> np.ndarray:
    """Share of the provider's tickets of `services` resolved within target, by replication
    (rows) and factor of `GRID` (columns), on common random numbers across the factors."""
    from simulation.config.loader import experiment_from_dict
    from simulation.config.scenario import scenario_spec
    from simulation.montecarlo.runner import RunPlan
    from simulation.montecarlo.sampling import resolved_scenario

    design = RunPlan(experiment_from_dict(dict(tree)), (scenario,), runs, seed).design()
    shares = np.empty((runs, len(GRID)))
    for j, factor in enumerate(GRID):
        variant = copy.deepcopy(dict(tree))
        variant["providers"][pid]["performance_factor"] = float(factor)
        spec = scenario_spec(experiment_from_dict(variant), scenario)
        for r in range(runs):
            resolved, _ = resolved_scenario(spec, design.uniforms(r))
            shares[r, j] = share_within_target(resolved, seed, r, services)
    return shares


def share_within_target(spec: Any, seed: int, replication: int, services: Sequence[str]) -> float:
    """One replication's share of the tickets of `services` resolved within the contract's
    target, measured as every run measures SLA breaches (`sla_outcome`)."""
    from simulation.model.contracts import sla_outcome
    from simulation.model.inputs import model_input
    from simulation.model.run import simulate
    from simulation.montecarlo.streams import ReplicationStreams

    inputs = model_input(spec)
    tickets = simulate(spec, ReplicationStreams(seed, replication), detail=True).tickets
    met = total = 0
    for service in inputs.services:
        if service.id not in services or service.contract is None:
            continue
        mask = tickets["service"] == service.index
        outcome = sla_outcome(
            service.contract,
            tickets["time"][mask],
            tickets["severity"][mask].astype(np.int64),
            tickets["start"][mask],
            tickets["end"][mask],
            inputs.horizon_hours,
        )
        met += int((~outcome.resolution_breach).sum())
        total += int(mask.sum())
    return met / total if total else math.nan


def _prior(config: Distribution | None) -> tuple[Distribution, str]:
    """The config's distribution of the factor, or a lognormal around its one number."""
    if isinstance(config, ScipyDistribution):  # not a number, not a list of samples
        return config, f"the config's {describe(config)}"
    median = float(config.mean) if config is not None else 1.0
    prior = LogNormal.from_median_p95(median, PRIOR_SPREAD * median)
    return prior, f"an assumed {describe(prior)} around the config's {fmt(median)}"


def posterior(
    pid: str,
    scenario: str,
    services: Sequence[str],
    tree: Mapping[str, Any],
    met: float,
    tickets: float,
    shares: np.ndarray,
    prior: Distribution,
    prior_text: str,
) -> Calibration:
    """The posterior of log factor on a fine grid: prior x likelihood of the reported share."""
    logs = np.log(GRID)
    fine = np.linspace(logs[0], logs[-1], FINE)
    loglik = log_likelihood(met / tickets, tickets, shares, fine)
    x = np.exp(fine)
    with np.errstate(divide="ignore"):
        log_prior = np.log(np.maximum(prior.frozen.pdf(x) * x, 0.0))
    log_w = loglik + log_prior
    w = np.exp(log_w - np.max(log_w))
    w /= w.sum()
    log_mean = float(w @ fine)
    log_sd = float(math.sqrt(max(w @ (fine - log_mean) ** 2, 0.0)))
    at_edge = bool(w[:4].sum() > 0.01 or w[-4:].sum() > 0.01)
    years = int(tree["simulation"]["horizon_years"])
    return Calibration(
        pid, scenario, tuple(services), years, met, tickets, shares, prior, prior_text,
        log_mean, log_sd, at_edge, fine, loglik,
    )  # fmt: skip


def log_likelihood(
    observed: float, tickets: float, shares: np.ndarray, fine: np.ndarray
) -> np.ndarray:
    """Log likelihood of the reported share at each log factor of `fine`: the density of the
    share the model predicts there, a kernel estimate over the replications (each one's share
    interpolated between the factors run; their draws of the uncertain parameters make the
    prediction skewed, e.g. a queue that tips over in a few) widened by the binomial spread of
    the reported tickets. The kernel's bandwidth is Silverman's robust rule, at least 0.001."""
    rows = shares[np.all(np.isfinite(shares), axis=1)]
    logs = np.log(GRID)
    curves = np.array([np.interp(fine, logs, row) for row in rows])
    spread = np.minimum(rows.std(axis=0, ddof=1), stats.iqr(rows, axis=0) / 1.34)
    bandwidth = np.maximum(0.9 * spread * len(rows) ** -0.2, 1e-3)
    h = np.interp(fine, logs, bandwidth)
    sd = np.sqrt(np.clip(curves * (1 - curves), 1e-6, None) / tickets + h**2)
    density = stats.norm.pdf(observed, curves, sd).mean(axis=0)
    with np.errstate(divide="ignore"):
        return np.log(density)


def _entry(cal: Calibration, settings: FitSettings) -> Entry:
    post = cal.posterior
    level = settings.level
    at_one = cal.at_one
    edge = (
        "; the posterior reaches the end of the factors tried (0.25 to 4): the reports lie "
        "beyond what the model produces there, check the contract's team and targets"
        if cal.at_edge
        else ""
    )
    return Entry(
        ("providers", cal.provider, "performance_factor"),
        {"dist": "lognormal", "median": post.median, "p95": float(post.ppf(0.95))},
        f"effort of the provider's team against the company's, calibrated by the model: "
        f"{int(cal.met):,} of {int(cal.tickets):,} reported tickets resolved within target "
        f"({pct(cal.observed)}; {', '.join(cal.services)}); the model resolves "
        f"{pct(at_one)} within target at factor 1 ({settings.calibration_runs} replications "
        f"of scenario '{cal.scenario}' over {cal.years} years at each of {len(GRID)} factors "
        f"from 0.25 to 4, transition months 0, the fitted values applied) -> median "
        f"{fmt(post.median)} ({between(*cal.interval(level), level)}); prior: "
        f"{cal.prior_text}{edge}",
    )
