"""The notebooks run top to bottom with tiny parameters, and are committed without outputs."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebooks extra is not installed")
nbclient = pytest.importorskip("nbclient", reason="the notebooks extra is not installed")
pytest.importorskip("ipykernel", reason="the notebooks extra is not installed")

from simulation.analysis.sensitivity import uncertain_parameters  # noqa: E402
from simulation.config.loader import load_config  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOBOL_PARAMETERS = ["providers.msp.performance_factor", "staff.turnover_rate_per_year"]
#: Tiny parameters per notebook (OUT is set to a temporary folder by `execute`).
SMALL = {
    "01_quickstart": {"RUNS": 4, "JOBS": 2},
    "02_sensitivity_analysis": {
        "SENSITIVITY_RUNS": 2,
        "JOBS": 2,
        "SPIDER_TOP": 2,
        "SOBOL_N": 4,
        "SOBOL_PARAMETERS": SOBOL_PARAMETERS,
        "GRID_STEPS": 2,
        "STRUCTURAL_RUNS": 2,
    },
    "03_custom_scenario": {"RUNS": 4, "JOBS": 2},
    "04_fit_your_data": {"RUNS": 4, "JOBS": 1},
}


def parameters_cell(notebook):
    """The one cell tagged `parameters` (papermill convention)."""
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{len(tagged)} cells tagged 'parameters'"
    return tagged[0]


def assigned_names(source: str) -> set[str]:
    return {
        target.id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def execute(name: str, out: Path, parameters: dict[str, object]):
    """Run a notebook in a fresh `python3` kernel from the notebooks folder, with `parameters`
    appended to its parameters cell (each must be one it defines) and OUT set to `out`."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    cell = parameters_cell(notebook)
    overrides = {**parameters, "OUT": str(out)}
    unknown = set(overrides) - assigned_names(cell.source)
    assert not unknown, f"{name} has no parameters {sorted(unknown)}"
    lines = [f"{key} = {value!r}" for key, value in overrides.items()]
    cell.source += "\n\n# set by tests/test_notebooks.py\n" + "\n".join(lines)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    return notebook


def pngs(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.png")}


def test_every_notebook_has_small_test_parameters():
    assert {p.stem for p in NOTEBOOKS.glob("*.ipynb")} == set(SMALL)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_committed_notebook_is_clean(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in notebook.metadata
    code = [c for c in notebook.cells if c.cell_type == "code"]
    for cell in code:
        assert cell.outputs == [], f"outputs in cell {cell.id}"
        assert cell.execution_count is None, f"execution count in cell {cell.id}"
        assert "execution" not in cell.metadata, f"timing metadata in cell {cell.id}"
    assert parameters_cell(notebook) is code[0], "the parameters cell is not the first code cell"
    assert {"JOBS", "SEED", "LANG", "CONFIG", "OUT"} <= assigned_names(code[0].source)


@pytest.mark.slow
def test_quickstart_runs(tmp_path):
    out = tmp_path / "quickstart"
    execute("01_quickstart", out, SMALL["01_quickstart"])
    replications = pd.read_parquet(out / "replications.parquet")
    assert replications.groupby("scenario").size().to_dict() == {
        "internal": 4,
        "external": 4,
        "hybrid": 4,
    }
    assert (out / "monthly.parquet").exists()
    assert (out / "summary.csv").exists()
    assert {"cost_distribution", "cost_exceedance", "cost_fan", "cost_breakdown"} <= pngs(out)


@pytest.mark.slow
def test_sensitivity_analysis_runs(tmp_path):
    out = tmp_path / "sensitivity"
    small = SMALL["02_sensitivity_analysis"]
    execute("02_sensitivity_analysis", out, small)
    experiment, _ = load_config(ROOT / "configs" / "default.yaml")
    output = experiment.sensitivity.output
    uncertain = set(uncertain_parameters(experiment, [output.scenario, output.baseline]))
    tornado = pd.read_csv(out / "tornado.csv")
    # one bar per uncertain parameter of the compared scenarios, longest first
    assert sorted(tornado["parameter"]) == sorted(uncertain)
    assert tornado["swing"].is_monotonic_decreasing
    assert len(pd.read_csv(out / "spider.csv")) == small["SPIDER_TOP"] * 5
    assert pd.read_csv(out / "sobol.csv")["parameter"].tolist() == SOBOL_PARAMETERS
    assert len(pd.read_csv(out / "break_even.csv")) == small["GRID_STEPS"]
    assert len(pd.read_csv(out / "decision_map.csv")) == small["GRID_STEPS"] ** 2
    structural = pd.read_csv(out / "structural.csv")
    variants = len(experiment.sensitivity.structural.variants) + 1  # and the configured case
    assert len(structural) == variants * len(experiment.scenarios)
    assert (structural["runs"] == small["STRUCTURAL_RUNS"]).all()
    assert pngs(out)


@pytest.mark.slow
def test_custom_scenario_runs(tmp_path):
    out = tmp_path / "custom"
    execute("03_custom_scenario", out, SMALL["03_custom_scenario"])
    reference = pd.read_parquet(out / "default" / "replications.parquet")
    custom = pd.read_parquet(out / "custom" / "replications.parquet")
    assert set(custom["scenario"]) == {*reference["scenario"], "hybrid_plus"}
    experiment, _ = load_config(out / "custom.yaml")  # the saved tree is a valid config
    assert experiment.company.employees == 300
    # paired on the same seed: replication r draws the same assumptions in both experiments
    column = "param_staff.turnover_rate_per_year"
    for name in ("internal", "hybrid"):
        before = reference.loc[reference["scenario"] == name, column].to_numpy()
        after = custom.loc[custom["scenario"] == name, column].to_numpy()
        assert (before == after).all()
    hybrid = custom.loc[custom["scenario"] == "hybrid", column].to_numpy()
    plus = custom.loc[custom["scenario"] == "hybrid_plus", column].to_numpy()
    assert (hybrid == plus).all()
    assert "cost_distribution" in pngs(out / "custom")


@pytest.mark.slow
def test_notebook_04_fit_your_data_runs(tmp_path):
    out = tmp_path / "fit"
    notebook = execute("04_fit_your_data", out, SMALL["04_fit_your_data"])
    runs = SMALL["04_fit_your_data"]["RUNS"]
    keys = ["scenario", "replication"]
    reference = pd.read_parquet(out / "reference" / "replications.parquet").sort_values(keys)
    fitted = pd.read_parquet(out / "fitted" / "replications.parquet").sort_values(keys)
    assert len(reference) == len(fitted) == 3 * runs
    # the fitted service-desk rate (1.09 tickets per user per month, 95%: 1.05-1.13) is drawn,
    # not the reference's pert(0.5, 1, 2)
    rate = "param_services.service_desk.incidents_per_user_per_month"
    assert fitted[rate].between(1.0, 1.2).all()
    assert not reference[rate].between(1.0, 1.2).all()
    # the provider's performance factor is calibrated on the SLA reports (median 1.79, 95%:
    # 1.55-2.07; fitted.yaml), not the reference's lognormal(median 1, p95 1.6)
    factor = "param_providers.msp.performance_factor"
    assert fitted[factor].dropna().between(1.3, 2.5).all()
    # the same seed: a value the fit leaves alone is drawn alike in both experiments
    wages = "param_company.wage_growth_per_year"
    assert np.array_equal(reference[wages], fitted[wages], equal_nan=True)
    assert {"effort_P3_en", "rate_en"} <= pngs(out / "figures")
    printed = "".join(
        output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", [])
    )
    assert "extends:" in printed
    assert "cheapest option on average" in printed
