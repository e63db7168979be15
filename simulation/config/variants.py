"""Structural variants of a config: the same experiment with some structural choices changed.

A variant (`sensitivity.structural.variants`) names dotted key paths of the config tree and new
values: a word (`coverage: business`), a number, a mapping or null. Each variant is validated as a
whole experiment with the same checks and one-line messages as the config itself, so a variant
that names a key the config does not have, or sets a value the schema refuses, stops at load time
(exit code 2) before any simulation starts.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from simulation.config.schema import Experiment, Structural
from simulation.errors import ConfigError

BASELINE = "baseline"


def changed_tree(tree: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `tree` with every dotted path in `changes` set to its value.

    Raises KeyError(path, expected) when a path leads through a key the tree does not have; only
    the last key may be new (an optional setting left at its default in the config).
    """
    out = copy.deepcopy(tree)
    for path, value in changes.items():
        keys = path.split(".")
        node: Any = out
        for depth, key in enumerate(keys[:-1]):
            if not isinstance(node, dict) or key not in node:
                known = _some_keys(node)
                where = ".".join(keys[: depth + 1])
                raise KeyError(path, f"a key path of the config ('{where}' not found; {known})")
            node = node[key]
        if not isinstance(node, dict):
            raise KeyError(path, "a key path of the config (its parent is not a mapping)")
        node[keys[-1]] = copy.deepcopy(value)
    return out


def variant_experiments(
    tree: dict[str, Any], structural: Structural, file: str | None = None
) -> dict[str, Experiment]:
    """The baseline experiment and one experiment per variant, validated, in config order.

    Raises ConfigError naming `sensitivity.structural.variants.<i>.set.<path>` when a variant's
    path is unknown or its experiment does not validate (with the underlying message).
    """
    base = {k: v for k, v in tree.items() if k != "sensitivity"}
    experiments = {BASELINE: Experiment.model_validate(base)}
    for i, variant in enumerate(structural.variants):
        at = f"sensitivity.structural.variants.{i}.set"
        try:
            changed = changed_tree(base, variant.changes)
        except KeyError as exc:
            path, expected = exc.args
            raise ConfigError(file, f"{at}.{path}", variant.changes[path], expected) from None
        try:
            experiments[variant.name] = Experiment.model_validate(changed)
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(part) for part in first["loc"])
            message = str(first.get("msg", "a valid value")).removeprefix("Value error, ")
            raise ConfigError(
                file,
                f"{at} (variant '{variant.name}')",
                dict(variant.changes),
                f"changes that give a valid config ({key}: {message})",
            ) from None
    return experiments


def _some_keys(node: Any, limit: int = 6) -> str:
    """The keys a mapping has, the first `limit` of them (an error message stays one short line)."""
    if not isinstance(node, dict):
        return "no keys"
    keys = sorted(str(k) for k in node)
    more = f", … ({len(keys) - limit} more)" if len(keys) > limit else ""
    return "has " + ", ".join(keys[:limit]) + more
