"""Precision on the decision (issue 11, item 1): the precision a run reached, and runs that stop
on a precision target or once the decision is settled.

Theory: the order-statistic interval of a quantile holds its level for any continuous
distribution (binomial ranks); the decision rule is a Bonferroni-joint one-sided t test, so with
options of equal cost it declares a winner at most 5% of the time; the paired bootstrap's share
of re-draws with the same leader approaches Phi(mean difference / standard error).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from simulation.analysis.precision import (
    decision_settled,
    precision_met,
    precision_table,
    quantile_interval,
    recommendation_stability,
)
from simulation.config.loader import experiment_from_dict
from simulation.montecarlo.runner import StopRule, run_experiment

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.concat(
        [
            pd.DataFrame({"scenario": s, "replication": np.arange(n), "cost_npv_eur": v})
            for s, v in columns.items()
        ],
        ignore_index=True,
    )


def test_the_p95_interval_holds_its_level() -> None:
    rng = np.random.default_rng(3)
    trials, n = 2000, 200
    covered = 0
    for _ in range(trials):
        low, high = quantile_interval(rng.lognormal(size=n), 0.95)
        true = float(np.exp(stats.norm.ppf(0.95)))
        covered += low <= true <= high
    se = np.sqrt(0.95 * 0.05 / trials)
    assert covered / trials >= 0.95 - 3 * se


def test_the_decision_rule_rarely_settles_between_equal_options() -> None:
    rng = np.random.default_rng(4)
    trials, n = 600, 100
    shared = lambda: rng.normal(100.0, 10.0, n)  # noqa: E731 (common random numbers)
    settled = 0
    for _ in range(trials):
        base = shared()
        columns = {s: base + rng.normal(0.0, 1.0, n) for s in ("a", "b", "c")}
        settled += decision_settled(frame(columns), ["a", "b", "c"])[0]
    se = np.sqrt(0.05 * 0.95 / trials)
    assert settled / trials <= 0.05 + 3 * se


def test_a_clear_winner_is_settled_and_the_precision_table_says_why() -> None:
    rng = np.random.default_rng(5)
    base = rng.normal(100.0, 10.0, 400)
    rows = frame({"a": base - 2.0 + rng.normal(0, 1, 400), "b": base + rng.normal(0, 1, 400)})
    assert decision_settled(rows, ["a", "b"]) == (True, "a")
    table = precision_table(rows, ["a", "b"])
    pair = table[table["kind"] == "difference"].iloc[0]
    assert pair["excludes_zero"]
    assert pair["estimate"] == pytest.approx(-2.0, abs=4 * np.sqrt(2 / 400))
    mean_a = table[(table["kind"] == "mean") & (table["a"] == "a")].iloc[0]
    # t interval: half-width = t(0.975, 399) sd / sqrt(n), as a share of the mean
    expected = stats.t.ppf(0.975, 399) * np.std(base - 2.0, ddof=1) / 20 / 98.0
    assert mean_a["relative"] == pytest.approx(expected, rel=0.1)
    assert precision_met(table, 0.05)
    assert not precision_met(table, 0.001)


def test_stability_follows_the_normal_approximation() -> None:
    rng = np.random.default_rng(6)
    n = 400
    noise = rng.normal(0.0, 1.0, n)
    noise = (noise - noise.mean()) / noise.std(ddof=1)  # exactly mean 0, sd 1
    d = noise - 1.0 / np.sqrt(n)  # mean difference exactly one standard error below zero
    rows = frame({"a": 50.0 + d, "b": np.full(n, 50.0)})
    stability = recommendation_stability(rows, ["a", "b"], n_boot=4000, seed=1)
    assert stability == pytest.approx(stats.norm.cdf(1.0), abs=0.03)


# -- runs that stop ----------------------------------------------------------------------------


def known_case() -> dict:
    """In house against a provider priced ten times over: the answer is known."""
    tree = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    tree.pop("sensitivity")
    tree["simulation"]["horizon_years"] = 1
    for contract in tree["providers"]["msp"]["contracts"].values():
        contract["fixed_fee_per_month_eur"] = 100_000
    return tree


def run(out: Path, rule: StopRule | None, runs: int, jobs: int = 1):
    tree = known_case()
    experiment = experiment_from_dict(tree, "known.yaml")
    return run_experiment(experiment, tree, out, config_path="known.yaml", runs=runs, seed=3,
                          jobs=jobs, scenarios=("internal", "external"), stop=rule)  # fmt: skip


def decision_rule(batch: int) -> StopRule:
    def check(rows):
        return decision_settled(rows, ["internal", "external"])[0]

    return StopRule(check, batch, "decision", confirm=2)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_decision_stop_ends_after_two_settled_batches(tmp_path, jobs) -> None:
    output = run(tmp_path / "stop", decision_rule(4), runs=40, jobs=jobs)
    assert output.metadata["stop"] == {"rule": "decision", "met": True, "cap": 40}
    assert output.metadata["runs"] == 8  # settled at 4 and confirmed at 8
    run(tmp_path / "plain", None, runs=8)
    for name in ("replications.parquet", "monthly.parquet"):
        assert (tmp_path / "stop" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()


def test_an_unreachable_target_runs_to_the_cap(tmp_path) -> None:
    def check(rows):
        return precision_met(precision_table(rows, ["internal", "external"]), 1e-9)

    output = run(tmp_path, StopRule(check, 3, "precision 1e-09"), runs=6)
    assert output.metadata["stop"]["met"] is False
    assert output.metadata["runs"] == 6
    assert len(output.replications) == 12


def test_the_command_line_stops_on_the_decision_and_records_the_precision(tmp_path, capsys):
    import json

    from simulation.cli import main

    config = tmp_path / "known.yaml"
    config.write_text(yaml.safe_dump(known_case()), encoding="utf-8")
    argv = ["run", str(config), "--out", str(tmp_path / "out"), "--seed", "3", "--no-plots",
            "--no-progress", "--no-structural", "--scenario", "internal",
            "--scenario", "external"]  # fmt: skip
    assert main([*argv, "--decision", "--batch", "4", "--max-runs", "40"]) == 0
    err = capsys.readouterr().err
    assert "stopping rule (decision): met" in err
    assert "is the same in 100% of re-runs" in err
    meta = json.loads((tmp_path / "out" / "metadata.json").read_text())
    assert meta["runs"] == 8
    assert meta["precision"]["recommended"] == "internal"
    kinds = {row["kind"] for row in meta["precision"]["rows"]}
    assert kinds == {"mean", "p95", "difference"}
    assert main([*argv, "--force", "--max-runs", "40"]) == 2
    assert "--max-runs: 40 — expected --precision or --decision" in capsys.readouterr().err


@pytest.mark.parametrize(("means", "key"), [("SAME_WINNER", "settled"), ("TIED", "unsettled")])
@pytest.mark.parametrize("lang", ["en", "de"])
def test_page_one_says_in_plain_words_how_settled_the_recommendation_is(means, key, lang):
    import synthetic_results as synthetic

    from simulation.analysis.board import build_analysis
    from simulation.reporting import decision, plots

    tied = {"internal": (2.0e6, 1.0e6), "external": (2.0e6, 1.0e6), "hybrid": (2.0e6, 1.0e6)}
    chosen = tied if means == "TIED" else synthetic.SAME_WINNER
    reps, monthly, meta = synthetic.synthetic_results(chosen, runs=60)
    analysis = build_analysis(reps, monthly, meta, n_boot=400)
    labels = synthetic.LABELS_DE if lang == "de" else synthetic.LABELS
    ctx = plots.FigureContext(meta, lang, labels)
    sentence = decision.basis_lines(analysis, ctx)[-1]
    p = decision.format_percent(analysis.stability, lang)
    assert sentence == decision.text(key, lang, p=p, rec=labels[analysis.recommended])
    assert (analysis.stability >= decision.SETTLED) == (key == "settled")


def test_the_precision_lines_speak_the_report_language():
    from simulation.reporting.precision_text import precision_lines, stop_line

    rng = np.random.default_rng(7)
    base = rng.normal(100.0, 10.0, 200)
    table = precision_table(frame({"a": base - 5.0, "b": base + rng.normal(0, 1, 200)}), ["a", "b"])
    de = precision_lines(table, 0.97, "a", {"a": "Intern", "b": "Extern"}, "de")
    assert de[0] == "erreichte Genauigkeit (95-%-Intervalle, je 200 Läufe):"
    assert "(gesichert verschieden)" in de[3]
    assert de[-1].strip().startswith("die Empfehlung (Intern, niedrigste mittlere Gesamtkosten)")
    assert "97\u00a0%" in de[-1]
    en = precision_lines(table, 0.97, "a", {"a": "Internal", "b": "External"}, "en")
    assert "is the same in 97% of re-runs" in en[-1]
    stop = {"rule": "decision", "met": False, "cap": 10000}
    expected = "Abbruchregel (decision): nicht erfüllt innerhalb von 10.000 Läufen"
    assert stop_line(stop, "de") == expected


def test_the_report_takes_the_stability_the_run_recorded():
    """Page 1 and the terminal say the same share: build_analysis reads metadata.json's
    `precision` when it covers the same options and recommendation, and computes it otherwise."""
    import synthetic_results as synthetic

    from simulation.analysis.board import build_analysis

    reps, monthly, meta = synthetic.synthetic_results(synthetic.SAME_WINNER, runs=30)
    computed = build_analysis(reps, monthly, meta, n_boot=50).stability
    rows = [{"kind": "mean", "a": s} for s in ("internal", "external", "hybrid")]
    recorded = {**meta, "precision": {"rows": rows, "recommended": "external", "stability": 0.5}}
    assert build_analysis(reps, monthly, recorded, n_boot=50).stability == 0.5
    other = {**recorded, "precision": {**recorded["precision"], "recommended": "hybrid"}}
    assert build_analysis(reps, monthly, other, n_boot=50).stability == computed
