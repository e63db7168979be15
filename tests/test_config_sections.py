"""Sections a company does not need: left out or null, they validate, run, and add nothing.

Requirement (issue 10, "Configs in minutes"): `security` (and `compliance`, `change`, `providers`,
`sensitivity`, `simulation`, `roles`) may be left out or set to null. Fair comparison: an absent
mechanism contributes zero for every option alike — in house and at a provider — so without a
`security` section a provider's `security_incidents_per_year` plays no part either.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from simulation.config.loader import experiment_from_dict, load_experiment
from simulation.config.scenario import find_uncertain, scenario_spec
from simulation.config.schema import OPTIONAL_SECTIONS, Change, Compliance, SimulationSettings
from simulation.montecarlo.runner import run_experiment

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
RUNS = 3


def reference_tree() -> dict[str, Any]:
    tree = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    tree.pop("sensitivity")  # a company without `sensitivity` (and a quicker validation)
    tree["simulation"]["horizon_years"] = 1
    return tree


def without(tree: dict[str, Any], section: str, how: str) -> dict[str, Any]:
    out = copy.deepcopy(tree)
    if how == "absent":
        out.pop(section, None)
    else:
        out[section] = None
    return out


def run(tree: dict[str, Any], out_dir: Path) -> pd.DataFrame:
    experiment = experiment_from_dict(tree, "tiny.yaml")
    output = run_experiment(
        experiment, tree, out_dir, config_path="tiny.yaml", runs=RUNS, seed=11, jobs=1
    )
    assert output.metadata["completed"]
    return output.replications


@pytest.fixture(scope="module")
def without_security(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    tree = reference_tree()
    tree["providers"]["msp"]["security_incidents_per_year"] = 5.0  # would be many incidents
    return {
        how: run(without(tree, "security", how), tmp_path_factory.mktemp(how))
        for how in ("absent", "null")
    }


@pytest.mark.parametrize("how", ["absent", "null"])
def test_without_security_no_option_has_security_incidents(
    without_security: dict[str, pd.DataFrame], how: str
) -> None:
    rows = without_security[how]
    assert sorted(rows["scenario"].unique()) == ["external", "hybrid", "internal"]
    assert len(rows) == 3 * RUNS
    # in house (internal) and at the provider (external, hybrid) alike: nothing
    assert (rows["security_incidents"] == 0).all()
    assert (rows["cost_security_losses_eur"] == 0).all()
    assert (rows["cost_total_eur"] > 0).all()


def test_absent_and_null_security_are_the_same_run(
    without_security: dict[str, pd.DataFrame],
) -> None:
    pd.testing.assert_frame_equal(without_security["absent"], without_security["null"])


def test_without_security_the_provider_rate_is_no_parameter() -> None:
    tree = without(reference_tree(), "security", "absent")
    experiment = experiment_from_dict(tree)
    assert experiment.security is None
    for name in experiment.scenarios:
        spec = scenario_spec(experiment, name)
        assert spec.security is None
        paths = [path for path, _ in find_uncertain(spec)]
        assert not [p for p in paths if p.startswith("security.") or "security_incidents" in p]
        for provider in spec.providers.values():
            assert provider.security_incidents_per_year == 0.0


def test_with_security_the_reference_still_has_incidents_on_both_sides() -> None:
    experiment = experiment_from_dict(reference_tree())
    internal = scenario_spec(experiment, "internal")
    external = scenario_spec(experiment, "external")
    assert internal.security is not None
    assert external.security is not None
    assert any(p == "security.incidents_per_year_internal" for p, _ in find_uncertain(internal))
    assert any(
        p == "providers.msp.security_incidents_per_year" for p, _ in find_uncertain(external)
    )


def test_security_without_a_security_service_needs_no_section() -> None:
    """A company without a security-operations service: no `security` section to write."""
    tree = reference_tree()
    del tree["security"]
    del tree["services"]["security_operations"]
    del tree["providers"]["msp"]["contracts"]["security_operations"]
    for scenario in tree["scenarios"].values():
        del scenario["sourcing"]["security_operations"]
    tree["company"]["current_team"].pop("security_engineer")
    experiment = experiment_from_dict(tree)
    assert set(experiment.services) == {"service_desk", "infrastructure", "business_applications"}


@pytest.mark.parametrize("how", ["absent", "null"])
@pytest.mark.parametrize(
    ("section", "default"),
    [("compliance", Compliance()), ("change", Change()), ("simulation", SimulationSettings())],
)
def test_other_sections_left_out_take_their_defaults(section: str, default: Any, how: str) -> None:
    tree = reference_tree()
    if section == "change":  # `change` may go only where no service has change work
        for service in tree["services"].values():
            service.pop("change_hours_per_year", None)
    experiment = experiment_from_dict(without(tree, section, how))
    assert getattr(experiment, section) == default


# Change work is priced on both sides or neither by what the analyst wrote (fair comparison): a
# built-in 0 EUR/h would make the in-house option's unmet change hours, or a provider's billed
# ones, free by omission.


@pytest.mark.parametrize("how", ["absent", "null"])
def test_in_house_change_work_needs_a_rate(how: str) -> None:
    with pytest.raises(Exception, match=r"change\.rate_eur_per_hour: required key is missing"):
        experiment_from_dict(without(reference_tree(), "change", how), "mine.yaml")


def test_deferred_change_work_needs_a_deferral_cost() -> None:
    tree = reference_tree()
    tree["change"] = {"unmet": "defer"}
    with pytest.raises(Exception, match=r"change\.deferral_cost_eur_per_hour"):
        experiment_from_dict(tree, "mine.yaml")
    tree["change"]["deferral_cost_eur_per_hour"] = 0  # written: the analyst's choice
    assert experiment_from_dict(tree).change.deferral_cost_eur_per_hour == 0


def test_a_contract_for_a_service_with_change_work_needs_a_change_rate() -> None:
    tree = reference_tree()
    del tree["providers"]["msp"]["contracts"]["infrastructure"]["change_rate_eur_per_hour"]
    path = r"providers\.msp\.contracts\.infrastructure\.change_rate_eur_per_hour"
    with pytest.raises(Exception, match=path):
        experiment_from_dict(tree, "mine.yaml")
    tree["providers"]["msp"]["contracts"]["infrastructure"]["change_rate_eur_per_hour"] = 0
    experiment_from_dict(tree)  # an explicit 0 (the fee includes change work) is accepted


def test_without_change_work_neither_side_needs_a_rate() -> None:
    tree = reference_tree()
    tree.pop("change")
    for service in tree["services"].values():
        service["change_hours_per_year"] = 0
    for contract in tree["providers"]["msp"]["contracts"].values():
        contract.pop("change_rate_eur_per_hour", None)
    assert experiment_from_dict(tree).change == Change()


def test_no_compliance_section_means_no_compliance_losses(tmp_path: Path) -> None:
    tree = without(reference_tree(), "compliance", "null")
    rows = run(tree, tmp_path / "out")
    assert (rows["cost_compliance_losses_eur"] == 0).all()


def test_a_company_with_no_provider_needs_no_provider_section(tmp_path: Path) -> None:
    tree = reference_tree()
    for section in ("providers", "sensitivity"):
        tree.pop(section, None)
    tree["scenarios"] = {"internal": tree["scenarios"]["internal"]}
    for how in ("absent", "null"):
        experiment = experiment_from_dict(without(tree, "providers", how))
        assert experiment.providers == {}
        assert experiment.sensitivity is None
    rows = run(tree, tmp_path / "out")
    assert list(rows["scenario"].unique()) == ["internal"]
    assert len(rows) == RUNS


def test_null_security_in_a_file_that_extends_the_reference(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(f"extends: {DEFAULT}\nsecurity: null\n", encoding="utf-8")
    assert load_experiment(mine).security is None


def test_required_sections_stay_required() -> None:
    for section in ("company", "services", "staff", "scenarios"):
        assert section not in OPTIONAL_SECTIONS
        tree = without(reference_tree(), section, "null")
        with pytest.raises(Exception, match=section):
            experiment_from_dict(tree, "mine.yaml")
