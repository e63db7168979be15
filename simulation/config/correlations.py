"""Rank correlations between uncertain parameters: the target matrix and its validity.

A config's `correlations` names pairs of uncertain parameters (dotted paths, as `itsim validate`
lists them) with a Spearman rank correlation. The sampler (`simulation.montecarlo.correlation`)
imposes them on the replications' uniforms by the Iman–Conover method, which reorders each
parameter's draws and so keeps its distribution exactly. Iman–Conover correlates van der Waerden
(normal) scores; for normal variables Spearman's rho_s and Pearson's rho relate by
rho = 2 sin(pi rho_s / 6) (Pearson 1907), so the scores' target matrix is that transform of the
rank correlations, and it must be positive definite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

#: Smallest eigenvalue a target matrix may have: below it the Cholesky factor is unstable.
MIN_EIGENVALUE = 1e-9


def pearson_of_spearman(rho_s: np.ndarray | float) -> np.ndarray | float:
    """The Pearson correlation of two normal variables with Spearman correlation `rho_s`."""
    return 2.0 * np.sin(np.pi * np.asarray(rho_s, dtype=float) / 6.0)


def rank_matrix(
    pairs: Iterable[tuple[str, str, float]],
) -> tuple[list[str], np.ndarray]:
    """The parameters named by `pairs` (sorted) and their Spearman matrix (1 on the diagonal,
    0 for pairs not named)."""
    pairs = list(pairs)
    paths = sorted({p for a, b, _ in pairs for p in (a, b)})
    index = {p: i for i, p in enumerate(paths)}
    matrix = np.eye(len(paths))
    for a, b, rho in pairs:
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = float(rho)
    return paths, matrix


def score_matrix(pairs: Iterable[tuple[str, str, float]]) -> tuple[list[str], np.ndarray]:
    """The parameters and the Pearson matrix the normal scores must have (Iman–Conover target)."""
    paths, matrix = rank_matrix(pairs)
    target = pearson_of_spearman(matrix)
    np.fill_diagonal(target, 1.0)
    return paths, target


def invalid_pairs(pairs: Sequence[tuple[str, str, float]]) -> tuple[list[tuple[str, str]], float]:
    """The pairs that make the correlations impossible, and the smallest eigenvalue.

    Empty when the target matrix is positive definite. Otherwise the named pairs whose both
    parameters carry weight (|v| >= 0.1) in the eigenvector of the smallest eigenvalue: together
    they ask for something no joint distribution can do (a close to b, b close to c, a far from c).
    """
    if not pairs:
        return [], 1.0
    paths, target = score_matrix(pairs)
    values, vectors = np.linalg.eigh(target)
    smallest = float(values[0])
    if smallest >= MIN_EIGENVALUE:
        return [], smallest
    weight = dict(zip(paths, np.abs(vectors[:, 0]), strict=True))
    culprits = [(a, b) for a, b, _ in pairs if min(weight[a], weight[b]) >= 0.1]
    return culprits or [(a, b) for a, b, _ in pairs], smallest


def pairs_of_config(tree: object) -> list[tuple[str, str, float]]:
    """The `correlations` of a config as written (a mapping, e.g. sensitivity.json's `config`)
    as (path a, path b, Spearman rho) triples; entries that are not a pair with a number are
    left out (the config was validated when it ran)."""
    entries = tree.get("correlations") if isinstance(tree, dict) else None
    pairs = []
    for entry in entries if isinstance(entries, list) else []:
        between = entry.get("between") if isinstance(entry, dict) else None
        rho = entry.get("rank_correlation") if isinstance(entry, dict) else None
        if isinstance(between, list | tuple) and len(between) == 2 and isinstance(rho, int | float):
            pairs.append((str(between[0]), str(between[1]), float(rho)))
    return pairs
