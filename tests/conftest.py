"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def default_config_path() -> Path:
    """Absolute path of the reference experiment, configs/default.yaml."""
    return REPO_ROOT / "configs" / "default.yaml"


#: Tests that run the whole model many times, render reports or kill real runs: part of
#: `make test`, left out of `make test-fast` (the edit-test loop, under two minutes).
SLOW_MODULES = {
    "test_runner.py",
    "test_report.py",
    "test_notebooks.py",
    "test_kills.py",
    "test_mechanisms.py",
    "test_structural.py",
    "test_plots.py",
    "test_sensitivity_plots.py",
    "test_board_pages.py",
}
SLOW_TESTS = (
    "test_analysis.py::test_functions_work_on_real_results",
    "test_cli.py::test_run_writes",
    "test_cli.py::test_run_with_plots",
    "test_cli.py::test_run_german",
    "test_cli.py::test_scenario_option",
    "test_sensitivity.py::test_sensitivity_command",
    "test_sensitivity.py::test_sweep_on_the_model",
    "test_sensitivity.py::test_tornado_on_the_model",
    "test_hostile.py::test_resource_exhaustion",
    "test_safety.py::test_a_results_folder",
    "test_sensitivity_report.py::test_read_back_draws_the_same_figures",
    "test_sensitivity_report.py::test_report_re_renders_a_sensitivity_folder_in_german",
)


def pytest_collection_modifyitems(config, items) -> None:
    """Mark the slow modules and tests listed above `slow` (see SLOW_MODULES)."""
    for item in items:
        module = Path(str(item.fspath)).name
        nodeid = item.nodeid.split("/")[-1]
        if module in SLOW_MODULES or nodeid.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
