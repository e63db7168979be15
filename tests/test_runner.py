"""The Monte Carlo runner: common random numbers, reproducibility, designs, interruptions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import base_tree, spec_of

from simulation.cli import main
from simulation.config.loader import load_experiment
from simulation.config.scenario import scenario_spec
from simulation.config.schema import SamplingMethod
from simulation.model.ledger import COST_CATEGORIES
from simulation.model.run import simulate
from simulation.montecarlo import runner
from simulation.montecarlo.runner import RunPlan, chunk_bounds, run_chunks
from simulation.montecarlo.sampling import ParameterDesign, resolved_scenario
from simulation.montecarlo.streams import ReplicationStreams, stable_key

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"


@pytest.fixture(scope="module")
def experiment():
    return load_experiment(DEFAULT)


def test_stable_keys_do_not_depend_on_the_process():
    # Python's hash() of a str is salted per process; stable_key must not be
    import subprocess
    import sys

    code = "from simulation.montecarlo.streams import stable_key; print(stable_key('incidents'))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {str(stable_key("incidents"))}
    assert stable_key("a") != stable_key("b")


def test_streams_are_keyed_by_name_not_by_order():
    a = ReplicationStreams(1, 5)
    first = a.generator("incidents", "service_desk").random(3)
    a.generator("outage_ttf", "infrastructure").random(10)  # another stream in between
    again = ReplicationStreams(1, 5).generator("incidents", "service_desk").random(3)
    np.testing.assert_array_equal(first, again)
    other_rep = ReplicationStreams(1, 6).generator("incidents", "service_desk").random(3)
    assert not np.array_equal(first, other_rep)


def test_scenarios_share_tickets_failures_and_resignations(experiment):
    # Common random numbers: replication r of every scenario sees the same incidents.
    design = RunPlan(experiment, tuple(experiment.scenarios), 4, 11).design()
    tickets = {}
    for name in experiment.scenarios:
        resolved, _ = resolved_scenario(scenario_spec(experiment, name), design.uniforms(2))
        tickets[name] = simulate(resolved, ReplicationStreams(11, 2), detail=True).tickets
    for name in ("external", "hybrid"):
        np.testing.assert_array_equal(tickets[name]["time"], tickets["internal"]["time"])
        np.testing.assert_array_equal(tickets[name]["severity"], tickets["internal"]["severity"])


def test_shared_parameters_take_the_same_value_in_every_scenario(experiment):
    plan = RunPlan(experiment, tuple(experiment.scenarios), 3, 5)
    design = plan.design()
    values = {
        name: resolved_scenario(scenario_spec(experiment, name), design.uniforms(1))[1]
        for name in experiment.scenarios
    }
    shared = set(values["internal"]) & set(values["hybrid"])
    assert "staff.turnover_rate_per_year" in shared
    for path in shared:
        assert values["internal"][path] == values["hybrid"][path], path
    # a provider parameter exists only where the provider is used
    assert "providers.msp.price_escalation_per_year" not in values["internal"]
    assert "providers.msp.price_escalation_per_year" in values["external"]


def test_parameter_values_follow_their_distributions(experiment):
    plan = RunPlan(experiment, ("external",), 400, 3)
    design = plan.design()
    spec = scenario_spec(experiment, "external")
    draws = [resolved_scenario(spec, design.uniforms(r))[1] for r in range(400)]
    escalation = np.array([d["providers.msp.price_escalation_per_year"] for d in draws])
    # PERT(0.02, 0.04, 0.08): mean 0.0433, sd 0.0113; 400 draws -> SE 0.00057
    assert escalation.min() >= 0.02
    assert escalation.max() <= 0.08
    assert escalation.mean() == pytest.approx((0.02 + 4 * 0.04 + 0.08) / 6, abs=4 * 0.00057)


@pytest.mark.parametrize("method", [SamplingMethod.LHS, SamplingMethod.SOBOL])
def test_space_filling_designs_stratify_every_parameter(method):
    runs = 64
    design = ParameterDesign(["a", "b", "c"], method, seed=9, runs=runs)
    u = np.array([[design.uniforms(r)[p] for p in ("a", "b", "c")] for r in range(runs)])
    # every one of the 64 equal strata of each parameter holds exactly one point (LHS) and,
    # for a scrambled Sobol' net of 2^6 points, too (a (0, m, s)-net property in 1-D)
    strata = np.floor(u * runs).astype(int)
    for column in strata.T:
        assert sorted(column) == list(range(runs))


def test_chunking_covers_every_replication_once():
    for runs, jobs in [(1, 1), (7, 2), (1000, 2), (1000, 16), (33, 4)]:
        bounds = chunk_bounds(runs, jobs)
        covered = [r for first, last in bounds for r in range(first, last)]
        assert covered == list(range(runs))


def _run(out: Path, jobs: int, runs: int = 6, extra: tuple[str, ...] = ()) -> int:
    return main(
        [
            "run",
            str(DEFAULT),
            "--runs",
            str(runs),
            "--jobs",
            str(jobs),
            "--seed",
            "123",
            "--out",
            str(out),
            "--no-progress",
            "--no-plots",
            *extra,
        ]
    )


def test_same_seed_gives_identical_parquet_for_any_jobs(tmp_path):
    assert _run(tmp_path / "j1", jobs=1) == 0
    assert _run(tmp_path / "j2", jobs=2) == 0
    for name in ("replications.parquet", "monthly.parquet"):
        a = pd.read_parquet(tmp_path / "j1" / name)
        b = pd.read_parquet(tmp_path / "j2" / name)
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert (tmp_path / "j1" / name).read_bytes() == (tmp_path / "j2" / name).read_bytes()
    # and a different seed gives different results
    assert _run(tmp_path / "other", jobs=1, extra=("--seed", "124")) == 0
    a = pd.read_parquet(tmp_path / "j1" / "replications.parquet")
    c = pd.read_parquet(tmp_path / "other" / "replications.parquet")
    assert not np.allclose(a["cost_npv_eur"], c["cost_npv_eur"])


def test_results_do_not_depend_on_runs_or_scenario_selection(tmp_path):
    # replication r is a function of (seed, r, scenario) only: a shorter run is a prefix
    assert _run(tmp_path / "long", jobs=1, runs=6) == 0
    assert _run(tmp_path / "short", jobs=2, runs=3, extra=("--scenario", "hybrid")) == 0
    long = pd.read_parquet(tmp_path / "long" / "replications.parquet")
    short = pd.read_parquet(tmp_path / "short" / "replications.parquet")
    expected = long[(long.scenario == "hybrid") & (long.replication < 3)].reset_index(drop=True)
    # parameters of other scenarios only are empty (NaN) in hybrid's rows of the long run
    assert expected.drop(columns=short.columns).isna().all().all()
    pd.testing.assert_frame_equal(short, expected[short.columns], check_exact=True)


def test_interrupted_run_keeps_completed_replications(tmp_path, monkeypatch):
    assert _run(tmp_path / "full", jobs=1) == 0
    real = runner.run_chunk

    def interrupted(plan, design, first, last):
        if first >= 3:
            raise KeyboardInterrupt
        return real(plan, design, first, last)

    monkeypatch.setattr(runner, "run_chunk", interrupted)
    monkeypatch.setattr(runner, "chunk_bounds", lambda runs, jobs: [(0, 2), (2, 3), (3, 6)])
    assert _run(tmp_path / "cut", jobs=1) == 130
    meta = json.loads((tmp_path / "cut" / "metadata.json").read_text())
    assert meta["completed"] is False
    assert meta["status"] == "interrupted"
    assert meta["replications_completed"] == {"internal": 3, "external": 3, "hybrid": 3}
    cut = pd.read_parquet(tmp_path / "cut" / "replications.parquet")
    full = pd.read_parquet(tmp_path / "full" / "replications.parquet")
    pd.testing.assert_frame_equal(
        cut, full[full.replication < 3].reset_index(drop=True), check_exact=True
    )
    assert not (tmp_path / "cut" / ".parts").exists()


def test_metadata_records_provenance(tmp_path):
    assert _run(tmp_path / "m", jobs=1, runs=2) == 0
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert meta["completed"] is True
    assert meta["seed"] == 123
    assert meta["runs"] == 2
    assert len(meta["config_hash"]) == 12
    assert meta["config"]["company"]["employees"] == 150
    assert {"itsim", "python", "numpy", "scipy", "simpy", "pandas"} <= set(meta["versions"])
    assert meta["scenarios"] == ["internal", "external", "hybrid"]


def test_replication_rows_are_consistent(tmp_path):
    assert _run(tmp_path / "c", jobs=1, runs=3) == 0
    reps = pd.read_parquet(tmp_path / "c" / "replications.parquet")
    monthly = pd.read_parquet(tmp_path / "c" / "monthly.parquet")
    categories = [f"cost_{c}_eur" for c in COST_CATEGORIES]
    np.testing.assert_allclose(reps[categories].sum(axis=1), reps["cost_total_eur"], rtol=1e-9)
    for kind in ("total", "npv"):
        groups = reps[f"cost_budget_{kind}_eur"] + reps[f"cost_risk_{kind}_eur"]
        np.testing.assert_allclose(groups, reps[f"cost_{kind}_eur"], rtol=1e-9)
    # monthly values are stored as float32 (compact.py): each is the float64 value rounded to a
    # relative 2**-24; summed in float64, a sum of such non-negative values is within 2**-24 of
    # the float64 total (twice that allows for the float64 summation itself)
    sums = ["cost_total_eur", "cost_discounted_eur", "downtime_hours"]
    assert (monthly[sums].dtypes == np.float32).all()
    wide = (
        monthly[sums]
        .astype(np.float64)
        .assign(scenario=monthly["scenario"].astype(str), replication=monthly["replication"])
    )
    totals = wide.groupby(["scenario", "replication"], sort=False)[sums].sum()
    merged = reps.set_index(["scenario", "replication"]).join(totals.add_suffix("_m"))
    rtol = 2 * 2.0**-24
    np.testing.assert_allclose(merged["cost_total_eur"], merged["cost_total_eur_m"], rtol=rtol)
    np.testing.assert_allclose(merged["cost_npv_eur"], merged["cost_discounted_eur_m"], rtol=rtol)
    np.testing.assert_allclose(merged["downtime_hours"], merged["downtime_hours_m"], rtol=rtol)
    downtime = [c for c in reps if c.startswith("downtime_") and c != "downtime_hours"]
    np.testing.assert_allclose(reps[downtime].sum(axis=1), reps["downtime_hours"], rtol=1e-9)
    assert (reps["cost_npv_eur"] < reps["cost_total_eur"]).all()  # 8% discount rate


def test_builders_spec_is_resolved():
    # guard for the helper used by the validation tests: no uncertain parameter left
    from simulation.config.scenario import find_uncertain

    assert find_uncertain(spec_of(base_tree())) == []


def test_run_chunks_reports_progress(experiment):
    plan = RunPlan(experiment, ("external",), 4, 1)
    seen: list[int] = []
    chunks = list(run_chunks(plan, jobs=1, on_progress=seen.append))
    assert sum(seen) == 4
    assert sorted(len(c.replications) for c in chunks) == sorted(
        last - first for first, last in chunk_bounds(4, 1)
    )
