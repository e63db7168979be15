"""The model's behaviour against the stored regression baseline (see tests/regression.py)."""

from __future__ import annotations

import json

from regression import SUMMARY, compute_summary, differences


def test_model_behaviour_matches_the_stored_baseline() -> None:
    stored = json.loads(SUMMARY.read_text("utf-8"))
    changed = differences(stored, compute_summary())
    shown = "\n".join(changed[:15]) + (
        f"\n... and {len(changed) - 15} more" if len(changed) > 15 else ""
    )
    assert not changed, (
        f"{len(changed)} summary values changed against tests/baseline/summary.json:\n{shown}\n"
        "If the change of model behaviour is intended, run `make baseline` and commit the diff."
    )


def test_the_comparison_sees_a_change() -> None:
    stored = {"internal": {"cost_npv_eur": 1_000_000.0, "downtime_hours": float("nan")}}
    assert differences(stored, stored) == []
    moved = {"internal": {"cost_npv_eur": 1_000_001.0, "downtime_hours": float("nan")}}
    assert differences(stored, moved) == ["internal.cost_npv_eur: 1000000.0 -> 1000001.0"]
    assert differences(stored, {}) != []
