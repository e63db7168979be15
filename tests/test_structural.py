"""Structural variants: config changes by key path, checked at load time, run on common random
numbers, and the grid's arithmetic (means, shares of being cheapest, paired changes)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from simulation.analysis.structural import (
    answer_changes,
    cheapest_shares,
    grid_table,
    preferred,
    structural_grid,
)
from simulation.config.loader import load_config
from simulation.config.variants import BASELINE, changed_tree, variant_experiments
from simulation.errors import ConfigError

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def _extending(tmp_path: Path, structural: dict) -> Path:
    path = tmp_path / "variants.yaml"
    path.write_text(
        yaml.safe_dump({"extends": str(DEFAULT), "sensitivity": {"structural": structural}})
    )
    return path


# -- changing a config by key path ----------------------------------------------------------------


def test_changed_tree_sets_paths_and_leaves_the_original_alone():
    tree = {"a": {"b": {"c": 1, "d": [1, 2]}}, "e": "x"}
    out = changed_tree(tree, {"a.b.c": "new", "a.b.f": None, "e": {"g": 2}})
    assert out == {"a": {"b": {"c": "new", "d": [1, 2], "f": None}}, "e": {"g": 2}}
    assert tree == {"a": {"b": {"c": 1, "d": [1, 2]}}, "e": "x"}
    out["a"]["b"]["d"].append(3)
    assert tree["a"]["b"]["d"] == [1, 2]  # a deep copy


def test_changed_tree_refuses_paths_through_unknown_keys():
    with pytest.raises(KeyError) as info:
        changed_tree({"a": {"b": 1}}, {"a.x.y": 2})
    assert info.value.args[0] == "a.x.y"
    assert "'a.x' not found" in info.value.args[1]
    with pytest.raises(KeyError):
        changed_tree({"a": {"b": 1}}, {"a.b.c": 2})  # parent is a number


def test_the_reference_config_has_valid_variants():
    experiment, tree = load_config(DEFAULT)
    variants = variant_experiments(tree, experiment.sensitivity.structural)
    assert next(iter(variants)) == BASELINE
    assert len(variants) == len(experiment.sensitivity.structural.variants) + 1
    desk = variants["desk_24x7"].providers["msp"].contracts["service_desk"]
    assert desk.coverage.value == "24x7"
    assert variants[BASELINE].providers["msp"].contracts["service_desk"].coverage.value != "24x7"
    assert variants["no_interim_cover"].staff.interim_cover_months is None


@pytest.mark.parametrize(
    ("changes", "key", "phrase"),
    [
        (
            {"providers.msp.contract.service_desk.coverage": "24x7"},
            ".set.providers.msp.contract",
            "not found",
        ),
        (
            {"providers.msp.contracts.service_desk.coverage": "sometimes"},
            "(variant 'v')",
            "coverage",
        ),
        ({"staff.turnover_rate_per_year": -1}, "(variant 'v')", "turnover_rate_per_year"),
    ],
)
def test_a_bad_variant_stops_the_load_with_one_line(tmp_path, changes, key, phrase):
    path = _extending(tmp_path, {"variants": [{"name": "v", "set": changes}]})
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message
    assert "sensitivity.structural.variants.0.set" in message
    assert key in message
    assert phrase in message


@pytest.mark.parametrize("names", [["a", "a"], ["baseline"]])
def test_variant_names_are_unique_and_not_baseline(tmp_path, names):
    variants = [{"name": n, "set": {"staff.interim_cover_months": None}} for n in names]
    with pytest.raises(ConfigError, match="unique name"):
        load_config(_extending(tmp_path, {"variants": variants}))


def test_cli_exits_2_on_a_bad_variant(tmp_path, capsys):
    from simulation.cli import main

    path = _extending(tmp_path, {"variants": [{"name": "v", "set": {"nope.x": 1}}]})
    out = tmp_path / "out"
    assert main(["run", str(path), "--runs", "2", "--out", str(out), "--no-progress"]) == 2
    assert "sensitivity.structural.variants.0.set.nope.x" in capsys.readouterr().err
    assert not out.exists()  # nothing half-written


# -- the grid's arithmetic on known numbers -----------------------------------------------------


def _frame(values: dict[str, dict[str, list[float]]], budget_share: float = 0.5) -> pd.DataFrame:
    rows = []
    for variant, by_scenario in values.items():
        for scenario, costs in by_scenario.items():
            for r, cost in enumerate(costs):
                rows.append(
                    {
                        "variant": variant,
                        "scenario": scenario,
                        "replication": r,
                        "cost_npv_eur": cost,
                        "cost_budget_npv_eur": budget_share * cost,
                        "cost_risk_npv_eur": (1 - budget_share) * cost,
                    }
                )
    return pd.DataFrame(rows)


def test_grid_table_gives_means_shares_and_paired_changes_exactly():
    values = {
        BASELINE: {"a": [10.0, 20.0, 30.0, 40.0], "b": [15.0, 15.0, 35.0, 35.0]},
        "v": {"a": [12.0, 22.0, 32.0, 42.0], "b": [15.0, 15.0, 35.0, 35.0]},
    }
    grid = grid_table(_frame(values), [BASELINE, "v"], ["a", "b"]).set_index(
        ["variant", "scenario"]
    )
    assert grid.loc[(BASELINE, "a"), "mean_npv_eur"] == 25.0
    assert grid.loc[(BASELINE, "a"), "mean_budget_npv_eur"] == 12.5
    assert grid.loc[(BASELINE, "a"), "p_cheapest_total"] == 0.5  # a wins replications 0 and 2
    assert grid.loc[("v", "a"), "p_cheapest_total"] == 0.5
    assert grid.loc[("v", "a"), "change_vs_baseline_eur"] == pytest.approx(2.0)
    # a constant paired change has no spread: the interval is the point
    assert grid.loc[("v", "a"), "change_ci_low_eur"] == pytest.approx(2.0)
    assert grid.loc[("v", "b"), "change_vs_baseline_eur"] == 0.0
    assert grid.loc[(BASELINE, "a"), "cheapest_total"]
    assert not grid.loc[(BASELINE, "b"), "cheapest_total"]
    assert grid.loc[("v", "b"), "cheapest_total"]  # 25 < 27
    assert preferred(grid.reset_index()).to_dict() == {BASELINE: "a", "v": "b"}
    assert answer_changes(grid.reset_index()).to_dict() == {BASELINE: False, "v": True}


def test_ties_share_the_credit_of_being_cheapest():
    wide = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 4.0], "c": [2.0, 3.0, 3.0]})
    shares = cheapest_shares(wide)
    assert shares.to_dict() == pytest.approx(
        {"a": (0.5 + 0 + 0.5) / 3, "b": (0.5 + 1) / 3, "c": 0.5 / 3}
    )
    assert shares.sum() == pytest.approx(1.0)


# -- on the model: common random numbers -------------------------------------------------------


@pytest.fixture(scope="module")
def model_grid():
    experiment, tree = load_config(DEFAULT)
    structural = experiment.sensitivity.structural.model_copy(
        update={
            "variants": tuple(
                v
                for v in experiment.sensitivity.structural.variants
                if v.name in ("desk_24x7", "no_emergency")
            )
        }
    )
    same = structural.variants[0].model_copy(
        update={"name": "same", "changes": {"simulation.seed": experiment.simulation.seed}}
    )
    structural = structural.model_copy(update={"variants": (*structural.variants, same)})
    variants = variant_experiments(tree, structural)
    grid = structural_grid(variants, list(experiment.scenarios), 6, 11, jobs=1)
    return grid.set_index(["variant", "scenario"])


def test_a_variant_that_changes_nothing_reproduces_the_baseline(model_grid):
    # the same config under another name: the same streams give the same costs, exactly
    for scenario in ("internal", "external", "hybrid"):
        assert model_grid.loc[("same", scenario), "change_vs_baseline_eur"] == 0.0
        assert (
            model_grid.loc[("same", scenario), "mean_npv_eur"]
            == model_grid.loc[(BASELINE, scenario), "mean_npv_eur"]
        )


def test_a_variant_changes_only_the_options_it_touches(model_grid):
    # the provider's desk hours do not reach the all-in-house option, the in-house emergency
    # contractor does not reach the all-external option: on CRN their cost stays exactly equal
    assert model_grid.loc[("desk_24x7", "internal"), "change_vs_baseline_eur"] == 0.0
    assert model_grid.loc[("desk_24x7", "external"), "change_vs_baseline_eur"] != 0.0
    assert model_grid.loc[("no_emergency", "external"), "change_vs_baseline_eur"] == 0.0


def test_shares_of_being_cheapest_add_up_to_one_in_every_variant(model_grid):
    sums = model_grid["p_cheapest_total"].groupby(level="variant").sum()
    assert np.allclose(sums, 1.0)
    assert (model_grid["runs"] == 6).all()
    assert math.isfinite(model_grid["p95_npv_eur"].sum())


# -- itsim run: the grid next to the results, in the report ------------------------------------


def test_run_writes_the_grid_and_the_report_shows_it(tmp_path):
    from pypdf import PdfReader

    from simulation.cli import main

    structural = {
        "runs": 50,
        "variants": [
            {
                "name": "desk",
                "label": "Desk around the clock",
                "set": {"providers.msp.contracts.service_desk.coverage": "24x7"},
            }
        ],
    }
    path = _extending(tmp_path, structural)
    out = tmp_path / "out"
    assert (
        main(["run", str(path), "--runs", "3", "--jobs", "1", "--out", str(out), "--no-progress"])
        == 0
    )
    grid = pd.read_csv(out / "structural.csv")
    assert set(grid["variant"]) == {BASELINE, "desk"}
    assert (grid["runs"] == 3).all()  # at most the run's replications
    meta = json.loads((out / "structural.json").read_text())
    assert meta["break_even"]["parameter"].endswith("fee_per_user_per_month_eur")
    assert len(pd.read_csv(out / "break_even.csv")) == 8
    text = "".join(page.extract_text() for page in PdfReader(out / "report.pdf").pages)
    assert "What would change the answer" in text
    assert "Desk around the clock" in text
    assert "What would change" in pd.ExcelFile(out / "report.xlsx").sheet_names
    assert (
        main(
            [
                "run",
                str(path),
                "--runs",
                "3",
                "--jobs",
                "1",
                "--out",
                str(out),
                "--no-progress",
                "--no-plots",
                "--no-structural",
                "--force",
            ]
        )
        == 0
    )
    assert not (out / "structural.json").exists()  # no stale grid for the report
