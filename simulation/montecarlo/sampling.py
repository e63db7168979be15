"""Uncertain parameters: one uniform per (parameter, replication), mapped through each distribution.

Every uncertain parameter gets a uniform u in (0, 1) per replication, keyed by its dotted path, and
each scenario maps u through its own distribution for that path (inverse transform). A parameter
that appears in several scenarios therefore takes the same quantile in replication r of each of
them (common random numbers), even if a scenario overrides its distribution. The uniforms come
from independent streams (`random`), a Latin hypercube (`lhs`) or a scrambled Sobol sequence
(`sobol`) over all replications.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import qmc

from simulation.config.correlations import score_matrix
from simulation.config.scenario import ScenarioSpec, find_uncertain, resolve
from simulation.config.schema import SamplingMethod
from simulation.montecarlo.correlation import iman_conover
from simulation.montecarlo.streams import ReplicationStreams, parameter_stream

#: Replications per Iman–Conover block of the independent-streams design.
BLOCK = 1024


class ParameterDesign:
    """The uniforms of every uncertain parameter for every replication of an experiment.

    `correlations` are (path a, path b, Spearman rho) triples (`Experiment.correlation_pairs`);
    pairs naming a parameter outside `paths` are left out.
    """

    def __init__(
        self,
        paths: list[str],
        method: SamplingMethod,
        seed: int,
        runs: int,
        correlations: list[tuple[str, str, float]] | tuple = (),
    ) -> None:
        self.paths = sorted(set(paths))
        self.method = SamplingMethod(method)
        self.seed = int(seed)
        self.runs = int(runs)
        known = set(self.paths)
        self.correlations = [c for c in correlations if c[0] in known and c[1] in known]
        self._correlated, self._target = score_matrix(self.correlations)
        self._blocks: dict[int, np.ndarray] = {}
        self._matrix: np.ndarray | None = None
        if self.method != SamplingMethod.RANDOM and self.paths:
            self._matrix = self._design()
            if self.correlations:
                columns = [self.paths.index(p) for p in self._correlated]
                rng = parameter_stream(self.seed, "correlation:design")
                self._matrix[:, columns] = iman_conover(self._matrix[:, columns], self._target, rng)

    def _design(self) -> np.ndarray:
        d = len(self.paths)
        rng = parameter_stream(self.seed, f"design:{self.method.value}")
        if self.method == SamplingMethod.LHS:
            sampler = qmc.LatinHypercube(d=d, rng=rng)
            return sampler.random(self.runs)
        sampler = qmc.Sobol(d=d, scramble=True, rng=rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # balance needs a power of two
            return sampler.random(self.runs)

    def uniforms(self, replication: int) -> dict[str, float]:
        """u in (0, 1) for every path in replication r (same in every scenario)."""
        if self._matrix is not None:
            row = self._matrix[replication]
            return {p: _clip(row[i]) for i, p in enumerate(self.paths)}
        streams = ReplicationStreams(self.seed, replication)
        u = {p: _clip(streams.generator("param", p).random()) for p in self.paths}
        if self.correlations:
            block, row = divmod(replication, BLOCK)
            u.update(zip(self._correlated, self._block(block)[row], strict=True))
        return u

    def _block(self, block: int) -> np.ndarray:
        """The correlated parameters' uniforms of replications block*BLOCK ... (BLOCK rows)."""
        if block not in self._blocks:
            rows = np.array(
                [
                    [
                        _clip(ReplicationStreams(self.seed, r).generator("param", p).random())
                        for p in self._correlated
                    ]
                    for r in range(block * BLOCK, (block + 1) * BLOCK)
                ]
            )
            rng = parameter_stream(self.seed, f"correlation:block:{block}")
            self._blocks[block] = iman_conover(rows, self._target, rng)
        return self._blocks[block]


class PointDesign:
    """One point of a sensitivity design on top of a base design.

    `quantiles` fixes the uniform of some uncertain parameters (0.1 = their P10), `values` sets
    any numeric parameter directly, and with `medians` every other uncertain parameter sits at
    its median instead of varying across replications as in the base design.
    """

    def __init__(
        self,
        base: ParameterDesign,
        quantiles: dict[str, float] | None = None,
        values: dict[str, float] | None = None,
        medians: bool = False,
    ) -> None:
        self.base = base
        self.quantiles = {p: _clip(u) for p, u in (quantiles or {}).items()}
        self.values = dict(values or {})
        self.medians = medians

    def uniforms(self, replication: int) -> dict[str, float]:
        u = dict.fromkeys(self.base.paths, 0.5) if self.medians else self.base.uniforms(replication)
        u.update(self.quantiles)
        return u


def _clip(u: float) -> float:
    return float(min(max(u, 1e-12), 1.0 - 1e-12))


def parameter_values(spec: ScenarioSpec, uniforms: dict[str, float]) -> dict[str, float]:
    """Each uncertain parameter of a scenario at the quantile given by its uniform."""
    return {path: float(unc.dist.ppf(uniforms[path])) for path, unc in find_uncertain(spec)}


def scenario_paths(specs: list[ScenarioSpec]) -> list[str]:
    """All uncertain parameter paths over several scenarios."""
    return sorted({path for spec in specs for path, _ in find_uncertain(spec)})


def resolved_scenario(
    spec: ScenarioSpec, uniforms: dict[str, float], fixed: dict[str, float] | None = None
) -> tuple[ScenarioSpec, dict[str, float]]:
    """The scenario with its uncertain parameters drawn (and `fixed` values set), and the values.

    Paths in `fixed` that the scenario does not have (a provider it does not use) are ignored.
    """
    values = parameter_values(spec, uniforms)
    if fixed:
        values.update(fixed)
    return resolve(spec, values), values
