"""The README's "Writing a config": its minimal config runs, and its table of defaults is the
schema's.

Requirement (issue 10, "Configs in minutes"): the smallest config that validates and runs is shown
in the README, and the table of every built-in default (key path, default, unit, what the
reference config sets) is generated from the schema, so it cannot drift from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulation.config.defaults import (
    default_rows,
    defaults_markdown,
    readme_table,
)
from simulation.config.loader import deep_merge, load_experiment
from simulation.config.schema import OPTIONAL_SECTIONS
from simulation.montecarlo.runner import run_experiment

README = Path(__file__).resolve().parents[1] / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def yaml_block(marker: str) -> str:
    """The first ```yaml block after `<!-- marker -->` in the README."""
    text = readme()
    start = text.index(f"<!-- {marker} -->")
    match = re.compile(r"```yaml\n(.*?)```", re.DOTALL).search(text, start)
    assert match is not None, f"no yaml block after {marker}"
    return match.group(1)


def section() -> str:
    text = readme()
    start = text.index("## Writing a config")
    return text[start : text.index("\n## ", start + 1)]


def run(path: Path, out: Path) -> Any:
    experiment = load_experiment(path)
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    return run_experiment(experiment, tree, out, config_path=path, runs=2, seed=3, jobs=1)


def test_the_minimal_config_validates_and_runs(tmp_path: Path) -> None:
    path = tmp_path / "minimal.yaml"
    path.write_text(yaml_block("minimal-config"), encoding="utf-8")
    output = run(path, tmp_path / "out")
    rows = output.replications
    assert list(rows["scenario"].unique()) == ["internal"]
    assert len(rows) == 2
    assert (rows["cost_total_eur"] > 0).all()


def test_the_minimal_config_with_a_provider_compares_two_options(tmp_path: Path) -> None:
    base = yaml.safe_load(yaml_block("minimal-config"))
    added = yaml.safe_load(yaml_block("minimal-config-provider"))
    path = tmp_path / "minimal.yaml"
    path.write_text(yaml.safe_dump(deep_merge(base, added, {}, "x")), encoding="utf-8")
    rows = run(path, tmp_path / "out").replications
    assert sorted(rows["scenario"].unique()) == ["external", "internal"]


def test_the_minimal_config_is_minimal() -> None:
    """Every key it sets is required: leaving any one out is a mistake."""
    from simulation.config.loader import experiment_from_dict
    from simulation.errors import ConfigError

    tree = yaml.safe_load(yaml_block("minimal-config"))

    def leaves(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        if isinstance(node, dict) and node and "dist" not in node:
            return [p for key, value in node.items() for p in leaves(value, (*path, key))]
        return [path]

    for path in leaves(tree):
        changed = yaml.safe_load(yaml_block("minimal-config"))
        node = changed
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
        with pytest.raises(ConfigError):
            experiment_from_dict(changed, "minimal.yaml")


def test_the_table_of_defaults_is_the_schemas() -> None:
    assert readme_table(readme()) == defaults_markdown(), (
        "README's table of defaults is out of date: run "
        "`python -m simulation.config.defaults --write README.md`"
    )


def test_the_table_lists_every_default_with_a_unit() -> None:
    rows = default_rows()
    paths = [row.path for row in rows]
    assert len(paths) == len(set(paths))
    for row in rows:
        assert row.unit, f"{row.path}: no unit (add it to UNITS in simulation/config/defaults.py)"
        assert row.default != "not set: ", f"{row.path}: say what `not set` means (NOT_SET)"
    for key in (
        "simulation.horizon_years",
        "company.working_hours_per_week",
        "staff.vacation_days_per_year",
        "security",
        "providers.<provider>.contracts.<service>.sla.availability",
        "scenarios.<scenario>.team.coverage",
    ):
        assert key in paths


def test_the_table_says_where_the_reference_differs() -> None:
    rows = {row.path: row for row in default_rows()}
    assert rows["simulation.horizon_years"].reference == "as default"
    assert rows["staff.sick_days_per_year"].default == "10"
    assert rows["staff.sick_days_per_year"].reference == "**12**"
    assert rows["company.extended_hours.start_hour"].default == "7"
    assert rows["staff.weibull_shape"].reference == "not set"


def test_every_optional_section_is_explained() -> None:
    text = section()
    for key in OPTIONAL_SECTIONS:
        if key not in ("name", "description"):
            assert f"| `{key}` |" in text, key
