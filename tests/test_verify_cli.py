"""`itsim verify` on the command line and its table as the report's appendix."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import simulation.verify as verify
from simulation.cli import main
from simulation.verify import CheckResult

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "baseline" / "experiment.yaml"
FAST = ["--check", "npv_annuity", "--check", "service_credit_tiers", "--no-progress"]


def test_verify_prints_the_table_writes_it_and_exits_0(tmp_path: Path, capsys) -> None:
    assert main(["verify", "--quick", *FAST, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 checks passed" in out
    assert "NPV of 60 x 1,000 EUR" in out
    table = pd.read_csv(tmp_path / "verify.csv")
    assert list(table["check"]) == ["service_credit_tiers", "npv_annuity"]
    assert table["passed"].all()
    meta = json.loads((tmp_path / "verify.json").read_text())
    assert (meta["mode"], meta["checks"], meta["passed"]) == ("quick", 2, 2)


def test_a_failing_check_exits_1(tmp_path: Path, monkeypatch, capsys) -> None:
    failed = CheckResult("npv_annuity", "NPV", "Barwert", "EUR", 1.0, 2.0, 2.0, 2.0, "exact",
                         False, 0.0)  # fmt: skip
    monkeypatch.setattr(verify, "run_checks", lambda *args, **kw: [failed])
    assert main(["verify", *FAST]) == 1
    assert "0 of 1 checks passed" in capsys.readouterr().out


def test_an_unknown_check_is_a_usage_error(capsys) -> None:
    assert main(["verify", "--check", "erlang"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--check: 'erlang'" in err


@pytest.mark.slow
def test_the_verify_table_is_the_reports_last_appendix(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from simulation.reporting.report import make_report

    run = ["run", str(BASELINE), "--runs", "3", "--jobs", "1", "--out", str(tmp_path)]
    assert main([*run, "--no-plots", "--no-progress", "--no-structural"]) == 0
    assert main(["verify", "--quick", *FAST, "--out", str(tmp_path)]) == 0
    written = make_report(tmp_path, "de", n_boot=50)
    last = " ".join(PdfReader(written["pdf"]).pages[-1].extract_text().split())
    assert "Anhang: Modellprüfung" in last
    assert "2 von 2 Prüfungen bestanden" in last
    assert "Barwert von 60 x 1.000 EUR" in last
    sheet = pd.read_excel(written["xlsx"], sheet_name="Modellprüfung")
    assert list(sheet["Ergebnis"]) == ["bestanden", "bestanden"]
    assert sheet["Theorie"].iloc[1] == pytest.approx(49644.90335, rel=1e-9)
