"""Rank correlations imposed on a sample by the Iman–Conover method (Iman & Conover 1982).

The method reorders each column of a sample so that its ranks follow those of a matrix of van der
Waerden scores whose Pearson correlation is exactly the target. Only the order of each column
changes, so every parameter keeps its draws (its distribution, and a Latin hypercube's or Sobol
sequence's stratification of that column), while the rank correlations come within sampling error
of the targets. `simulation.config.correlations` builds and checks the target matrix.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm


def iman_conover(sample: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`sample` (n rows, d columns) with its columns reordered to the correlation `target`.

    `target` is the Pearson matrix the normal scores must have (positive definite, d × d). With
    n <= d + 1 rows no reordering can carry d correlations, and the sample comes back as it is.
    """
    n, d = sample.shape
    if d < 2 or n <= d + 1:
        return sample.copy()
    scores = norm.ppf(np.arange(1, n + 1) / (n + 1))
    s = np.column_stack([rng.permutation(scores) for _ in range(d)])
    have = np.linalg.cholesky(np.corrcoef(s, rowvar=False))
    want = np.linalg.cholesky(target)
    # s A with A = have^-T want^T has covariance want want^T = target exactly
    correlated = s @ np.linalg.solve(have.T, want.T)
    ranks = np.argsort(np.argsort(correlated, axis=0, kind="stable"), axis=0, kind="stable")
    ordered = np.sort(sample, axis=0)
    return np.take_along_axis(ordered, ranks, axis=0)
