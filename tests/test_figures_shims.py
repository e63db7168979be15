"""The old modules `reporting.plots` and `reporting.sensitivity_plots` re-export every name the
code, tests, notebooks and benchmarks take from them; the figures live in `reporting.figures`."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from simulation.reporting import plots
from simulation.reporting.figures import frame

ROOT = Path(__file__).resolve().parents[1]
SHIMS = ("plots", "sensitivity_plots")


def sources() -> list[Path]:
    found = [*ROOT.glob("simulation/**/*.py"), *ROOT.glob("tests/**/*.py")]
    found += [*ROOT.glob("benchmarks/**/*.py"), *ROOT.glob("notebooks/*.ipynb")]
    return [p for p in found if "figures" not in p.parts and p.name not in ("plots.py",)]


def used_names(shim: str) -> set[str]:
    """Names taken from `simulation.reporting.<shim>`: imported from it, or read as an attribute
    of the module or of its alias."""
    names: set[str] = set()
    module = rf"simulation\.reporting\.{shim}"
    for path in sources():
        text = path.read_text(encoding="utf-8").replace('\\n",\n    "', "\n")
        for block in re.findall(rf"from {module} import \(?([^)]*?)\)?\n(?!\s)", text, re.S):
            for piece in block.split(","):
                names |= set(re.findall(r"[A-Za-z_]\w*", piece)[:1])
        aliases = set(re.findall(rf"from simulation\.reporting import {shim} as (\w+)", text))
        aliases |= set(re.findall(rf"import {module} as (\w+)", text))
        if re.search(rf"from simulation\.reporting import {shim}\b(?! as)", text):
            aliases.add(shim)
        for alias in aliases:
            names |= set(re.findall(rf"\b{alias}\.([A-Za-z_]\w*)", text))
    return {n for n in names if n and n != "py"}


@pytest.mark.parametrize("shim", SHIMS)
def test_every_name_in_use_is_still_there(shim: str) -> None:
    module = importlib.import_module(f"simulation.reporting.{shim}")
    used = used_names(shim)
    assert used  # the search finds the uses
    missing = sorted(n for n in used if not hasattr(module, n))
    assert not missing
    assert "moved to simulation.reporting.figures; kept for existing imports" in module.__doc__


def test_replacing_plots_save_replaces_the_save_every_figure_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = frame.save
    assert plots._save is original

    def nothing(*args: object) -> list[Path]:
        return []

    with monkeypatch.context() as patch:
        patch.setattr(plots, "_save", nothing)
        assert frame.save is nothing
    assert frame.save is original
    assert plots._save is original
