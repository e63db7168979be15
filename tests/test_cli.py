"""The `itsim` command line: validate, run, results on disk, one-line errors with exit code 2."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from simulation import __version__
from simulation.cli import main
from simulation.config.loader import config_hash, load_config

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
SCENARIOS = ["internal", "external", "hybrid"]
LABELS = {"internal": "Internal", "external": "External", "hybrid": "Hybrid"}
MONTHS = 60  # horizon_years: 5 in configs/default.yaml
FAST = ["--jobs", "1", "--no-progress"]

REPLICATION_COLUMNS = [
    "scenario",
    "replication",
    "cost_total_eur",
    "cost_npv_eur",
    "cost_budget_total_eur",
    "cost_risk_total_eur",
    "cost_budget_npv_eur",
    "cost_risk_npv_eur",
    "downtime_hours",
    "downtime_service_desk_hours",
    "incidents_p1",
    "incidents_p2",
    "incidents_p3",
    "incidents_p4",
    "sla_breaches",
    "departures",
    "outages",
]

THOUSANDS_EN = re.compile(r"\b\d{1,3}(,\d{3})+\b")  # 6,397 (thousand EUR)
THOUSANDS_DE = re.compile(r"\b\d{1,3}(\.\d{3})+\b")  # 6.397 (Tsd. EUR)


def run_main(argv: list[str]) -> tuple[int, str, str]:
    """Call `main` in-process and capture what it prints (usable in module-scoped fixtures)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {err!r}"
    assert lines[0].startswith("itsim: error: "), lines[0]
    assert "Traceback" not in err
    return lines[0]


def write_override(directory: Path, override: dict[str, Any], name: str = "bad.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump({"extends": str(DEFAULT), **override}), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------------


def test_validate_default_lists_uncertain_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DEFAULT)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "valid" in out
    assert "3 scenarios, 4 services" in out
    for name in SCENARIOS:
        assert re.search(rf"^  {name}: \d+ uncertain parameters$", out, re.MULTILINE), name
    assert re.search(r"^    staff\.turnover_rate_per_year: PERT\(", out, re.MULTILINE)
    assert "providers.msp.contracts.service_desk.fee_per_user_per_month_eur" in out


def test_validate_bad_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_override(tmp_path, {"staff": {"turnover_rate_per_yaer": 0.1}})
    assert main(["validate", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = assert_one_error_line(err)
    assert str(bad) in line
    assert "staff.turnover_rate_per_yaer" in line
    assert "did you mean 'turnover_rate_per_year'" in line


# --------------------------------------------------------------------------------------------
# run: errors write nothing
# --------------------------------------------------------------------------------------------

BAD_CONFIGS = [
    pytest.param({"simulaton": {"runs": 3}}, "simulaton", id="unknown-key"),
    pytest.param({"company": {"employees": "many"}}, "company.employees", id="wrong-type"),
    pytest.param(
        {"staff": {"turnover_rate_per_year": -0.1}}, "staff.turnover_rate_per_year", id="negative"
    ),
    pytest.param(
        {"security": {"loss_eur": {"dist": "lognormal", "p5": 900, "p95": 100}}},
        "security.loss_eur.p5",
        id="lognormal-p5-above-p95",
    ),
    pytest.param(
        {"scenarios": {"hybrid": {"sourcing": {"service_desk": "acme"}}}},
        "scenarios.hybrid.sourcing.service_desk",
        id="unknown-provider",
    ),
]


@pytest.mark.parametrize(("override", "key"), BAD_CONFIGS)
def test_run_with_bad_config_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], override: dict[str, Any], key: str
) -> None:
    bad = write_override(tmp_path, override)
    out_dir = tmp_path / "out"
    assert main(["run", str(bad), "--runs", "2", "--out", str(out_dir), *FAST]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = assert_one_error_line(err)
    assert f"{bad}: {key}" in line
    assert not out_dir.exists(), "no results may be written for an invalid config"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('!!python/object/apply:os.system ["touch EXECUTED"]\n', id="python-tag"),
        pytest.param("company: {employees: [1, 2\n", id="yaml-syntax"),
        pytest.param(None, id="missing-file"),
        pytest.param("extends: bad.yaml\n", id="extends-cycle"),
    ],
)
def test_run_with_bad_file_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str | None,
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.yaml"
    if text is not None:
        bad.write_text(text, encoding="utf-8")
    # no --out: the default results/<config name> must not be created either
    assert main(["run", str(bad), "--runs", "2", *FAST]) == 2
    _, err = capsys.readouterr()
    line = assert_one_error_line(err)
    assert str(bad) in line
    assert not (tmp_path / "EXECUTED").exists()
    assert not (tmp_path / "results").exists()


def test_unknown_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    argv = ["run", str(DEFAULT), "--scenario", "internal", "--scenario", "outsourced"]
    assert main([*argv, "--runs", "2", "--out", str(out_dir), *FAST]) == 2
    _, err = capsys.readouterr()
    line = assert_one_error_line(err)
    assert "'outsourced'" in line
    assert "internal, external, hybrid" in line
    assert not out_dir.exists()


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["run", str(DEFAULT), "--runs", "0"], id="runs-0"),
        pytest.param(["run", str(DEFAULT), "--runs", "-3"], id="runs-negative"),
        pytest.param(["run", str(DEFAULT), "--runs", "many"], id="runs-text"),
        pytest.param(["run", str(DEFAULT), "--jobs", "0"], id="jobs-0"),
        pytest.param(["run", str(DEFAULT), "--seed", "-1"], id="seed-negative"),
        pytest.param(["run", str(DEFAULT), "--lang", "fr"], id="unknown-lang"),
        pytest.param(["run"], id="missing-config"),
        pytest.param([], id="missing-command"),
        pytest.param(["simulate", str(DEFAULT)], id="unknown-command"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    _, err = capsys.readouterr()
    assert err.strip().startswith("itsim")
    assert "error:" in err
    assert "--help" in err
    assert len(err.strip().splitlines()) == 1  # one line: the usage is one --help away
    assert not (tmp_path / "results").exists()


def test_subprocess_bad_config_exit_code_and_stderr(tmp_path: Path) -> None:
    bad = write_override(
        tmp_path, {"services": {"service_desk": {"severities": {"P1": {"share": 1.5}}}}}
    )
    out_dir = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "simulation", "run", str(bad), "--out", str(out_dir), *FAST],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    line = assert_one_error_line(proc.stderr)
    assert f"{bad}: services.service_desk.severities.P1.share: 1.5 — expected " in line
    assert not out_dir.exists()


def test_subprocess_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "simulation", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"itsim {__version__}"


# --------------------------------------------------------------------------------------------
# run: a real small experiment
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    out_dir = tmp_path_factory.mktemp("run") / "out"
    argv = ["run", str(DEFAULT), "--runs", "3", "--out", str(out_dir), *FAST, "--no-plots"]
    code, out, err = run_main(argv)
    assert code == 0, err
    return out_dir, out, err


def test_run_writes_replications(full_run: tuple[Path, str, str]) -> None:
    out_dir, _, _ = full_run
    reps = pd.read_parquet(out_dir / "replications.parquet")
    assert len(reps) == 3 * 3
    missing = [c for c in REPLICATION_COLUMNS if c not in reps.columns]
    assert missing == []
    assert list(reps["scenario"].unique()) == SCENARIOS
    assert reps.groupby("scenario")["replication"].apply(sorted).to_dict() == {
        name: [0, 1, 2] for name in SCENARIOS
    }
    params = [c for c in reps.columns if c.startswith("param_")]
    assert "param_staff.turnover_rate_per_year" in params
    assert "param_providers.msp.contracts.service_desk.fee_per_user_per_month_eur" in params
    numeric = reps[[c for c in REPLICATION_COLUMNS if c not in ("scenario", "replication")]]
    assert numeric.notna().all().all()
    assert (reps["cost_total_eur"] > 0).all()
    assert (reps["cost_npv_eur"] > 0).all()
    for kind in ("total", "npv"):
        parts = reps[f"cost_budget_{kind}_eur"] + reps[f"cost_risk_{kind}_eur"]
        assert parts.to_numpy() == pytest.approx(reps[f"cost_{kind}_eur"].to_numpy(), rel=1e-12)
    # parameters a scenario does not use are empty; used ones are drawn within their range
    internal = reps[reps["scenario"] == "internal"]
    assert internal["param_staff.turnover_rate_per_year"].between(0.03, 0.15).all()
    # replications differ (the uncertain parameters are drawn per replication)
    assert internal["param_staff.turnover_rate_per_year"].nunique() == 3


def test_run_writes_monthly(full_run: tuple[Path, str, str]) -> None:
    out_dir, _, _ = full_run
    monthly = pd.read_parquet(out_dir / "monthly.parquet")
    assert len(monthly) == 3 * 3 * MONTHS
    assert {"scenario", "replication", "month", "cost_total_eur"} <= set(monthly.columns)
    for (_, _), group in monthly.groupby(["scenario", "replication"]):
        assert sorted(group["month"]) == list(range(MONTHS))
    # the monthly rows add up to the replication totals
    reps = pd.read_parquet(out_dir / "replications.parquet").set_index(["scenario", "replication"])
    # monthly values are float32 (montecarlo/compact.py), each within a relative 2**-24 of the
    # float64 value: summed in float64, non-negative months keep that (twice, for the sum)
    wide = monthly.astype({"scenario": str, "cost_total_eur": float, "outages": float})
    sums = wide.groupby(["scenario", "replication"])[["cost_total_eur", "outages"]].sum()
    joined = reps[["cost_total_eur", "outages"]].join(sums.add_suffix("_monthly"))
    assert joined["cost_total_eur"].to_numpy() == pytest.approx(
        joined["cost_total_eur_monthly"].to_numpy(), rel=2 * 2.0**-24
    )
    assert (joined["outages"] == joined["outages_monthly"]).all()


def test_run_writes_metadata(full_run: tuple[Path, str, str]) -> None:
    out_dir, _, _ = full_run
    meta = json.loads((out_dir / "metadata.json").read_text(encoding="utf-8"))
    experiment, tree = load_config(DEFAULT)
    assert meta["completed"] is True
    assert meta["seed"] == experiment.simulation.seed
    assert meta["runs"] == 3
    assert meta["scenarios"] == SCENARIOS
    assert re.fullmatch(r"[0-9a-f]{12}", meta["config_hash"])
    assert meta["config_hash"] == config_hash(tree)
    assert meta["versions"]["itsim"] == __version__
    assert {"python", "numpy", "scipy", "simpy", "pandas"} <= set(meta["versions"])
    assert not (out_dir / ".parts").exists(), "work folder must be cleaned up"


def test_run_writes_summary_and_prints_table(full_run: tuple[Path, str, str]) -> None:
    out_dir, out, err = full_run
    summary = pd.read_csv(out_dir / "summary.csv", index_col=0)
    assert list(summary.index) == SCENARIOS
    assert (summary["runs"] == 3).all()
    table_rows = {
        name: line for line in out.splitlines() for name in LABELS.values() if line.startswith(name)
    }
    assert set(table_rows) == set(LABELS.values())
    for line in table_rows.values():
        assert THOUSANDS_EN.search(line), f"no amount with thousands separators in {line!r}"
    # budget + risk = total, for every scenario, in the table as in the replications
    total = summary["budget_npv_mean_eur"] + summary["risk_npv_mean_eur"]
    assert total.to_numpy() == pytest.approx(summary["npv_mean_eur"].to_numpy(), rel=1e-12)
    assert summary[["p_cheapest", "p_cheapest_budget"]].sum().to_numpy() == pytest.approx(1.0)
    assert "results:" in out
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def subset_run_with_plots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out_dir = tmp_path_factory.mktemp("subset") / "out"
    argv = ["run", str(DEFAULT), "--runs", "3", "--out", str(out_dir), *FAST]
    code, out, err = run_main([*argv, "--scenario", "internal", "--scenario", "hybrid"])
    assert code == 0, err
    return out_dir, out


def test_scenario_option_runs_only_those(
    subset_run_with_plots: tuple[Path, str], full_run: tuple[Path, str, str]
) -> None:
    out_dir, out = subset_run_with_plots
    reps = pd.read_parquet(out_dir / "replications.parquet")
    assert list(reps["scenario"].unique()) == ["internal", "hybrid"]
    assert len(reps) == 6
    meta = json.loads((out_dir / "metadata.json").read_text(encoding="utf-8"))
    assert meta["scenarios"] == ["internal", "hybrid"]
    assert "External" not in out
    # same seed: the same replications as in the full run (common random numbers)
    full = pd.read_parquet(full_run[0] / "replications.parquet")
    full = full[full["scenario"].isin(["internal", "hybrid"])].reset_index(drop=True)
    pd.testing.assert_series_equal(full["cost_total_eur"], reps["cost_total_eur"])


def test_run_with_plots_writes_png_and_pdf(subset_run_with_plots: tuple[Path, str]) -> None:
    out_dir, out = subset_run_with_plots
    png, pdf = out_dir / "cost_distribution.png", out_dir / "cost_distribution.pdf"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert "report:" in out


def test_run_german_plots(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    argv = ["run", str(DEFAULT), "--runs", "3", "--out", str(out_dir), *FAST]
    code, out, err = run_main([*argv, "--scenario", "external", "--lang", "de", "--seed", "7"])
    assert code == 0, err
    assert (out_dir / "cost_distribution_de.png").read_bytes()[:4] == b"\x89PNG"
    assert (out_dir / "cost_distribution_de.pdf").exists()
    assert not (out_dir / "cost_distribution.png").exists()
    row = next(line for line in out.splitlines() if line.startswith("Extern"))
    assert THOUSANDS_DE.search(row), row
    meta = json.loads((out_dir / "metadata.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 7
    assert meta["scenarios"] == ["external"]
