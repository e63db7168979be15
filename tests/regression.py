"""The regression baseline: a small fixed experiment whose summary is stored in the tests.

`python tests/regression.py --write` (`make baseline`) refreshes tests/baseline/summary.json;
tests/test_regression.py compares a fresh run with it on every test run. The summary holds the
mean of every result column per scenario; the tolerance only absorbs floating-point differences
between platforms and library versions, so any change of model behaviour fails the test until
the baseline is refreshed deliberately and the change is visible in the diff of summary.json.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "baseline"
EXPERIMENT = HERE / "experiment.yaml"
SUMMARY = HERE / "summary.json"
#: Relative tolerance: floating-point reordering across platforms, not model changes.
RELATIVE = 1e-7
ABSOLUTE = 1e-6


def compute_summary() -> dict[str, dict[str, float]]:
    """Run the baseline experiment in this process; mean of every result column per scenario."""
    from simulation.config.loader import load_config
    from simulation.montecarlo.runner import RunPlan, run_chunk

    experiment, _ = load_config(EXPERIMENT)
    settings = experiment.simulation
    plan = RunPlan(experiment, tuple(experiment.scenarios), settings.runs, settings.seed)
    frame = run_chunk(plan, plan.design(), 0, settings.runs, monthly=False).replications
    numeric = frame.drop(columns=["replication"]).select_dtypes("number")
    means = numeric.groupby(frame["scenario"], sort=False).mean()
    return {
        scenario: {column: float(value) for column, value in row.items()}
        for scenario, row in means.iterrows()
    }


def differences(stored: dict, fresh: dict) -> list[str]:
    """Human-readable differences between two summaries beyond the tolerance."""
    out = []
    for scenario in sorted(set(stored) | set(fresh)):
        old, new = stored.get(scenario, {}), fresh.get(scenario, {})
        for column in sorted(set(old) | set(new)):
            a, b = old.get(column), new.get(column)
            same = (
                a is not None
                and b is not None
                and (
                    (math.isnan(a) and math.isnan(b))
                    or math.isclose(a, b, rel_tol=RELATIVE, abs_tol=ABSOLUTE)
                )
            )
            if not same:
                out.append(f"{scenario}.{column}: {a!r} -> {b!r}")
    return out


def main(argv: list[str]) -> int:
    """`--write` stores a fresh summary; without it, prints the differences (exit 1 if any)."""
    fresh = compute_summary()
    if "--write" in argv:
        SUMMARY.write_text(json.dumps(fresh, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"baseline written: {SUMMARY} ({len(fresh)} scenarios)")
        return 0
    changed = differences(json.loads(SUMMARY.read_text("utf-8")), fresh)
    print("\n".join(changed) or "baseline unchanged")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
