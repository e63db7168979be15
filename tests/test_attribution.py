"""Costs attributed to services: they add up, and each lands where it belongs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from builders import base_tree, cost, run, with_provider

from simulation.model.attribution import allocate

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def test_allocate_splits_each_month_by_its_weights():
    amounts = np.array([100.0, 50.0, 30.0])
    weights = np.array([[1.0, 0.0, 0.0], [3.0, 0.0, 0.0]])
    got = allocate(amounts, weights, np.array([1.0, 1.0]))
    # month 0 by its own weights; months without weight by the horizon's weights (1 : 3)
    np.testing.assert_allclose(got, [[25.0, 12.5, 7.5], [75.0, 37.5, 22.5]])
    np.testing.assert_allclose(got.sum(axis=0), amounts)


@pytest.mark.parametrize("scenario", ["internal", "external", "hybrid"])
def test_attributed_costs_add_up_to_the_ledger_every_month(scenario):
    tree = yaml.safe_load(DEFAULT.read_text())
    for r in range(2):
        result = run(tree, scenario, replication=r)
        np.testing.assert_allclose(
            result.service_costs.sum(axis=0), result.costs.sum(axis=0), rtol=1e-9, atol=1e-6
        )


def test_a_contract_and_a_team_are_attributed_to_the_services_they_serve():
    # two services: `desk` at a provider (fixed fee), `apps` in house (a salaried agent)
    tree = base_tree(
        services={"desk": {"incidents_per_user_per_month": 0.5}},
        roles={"dev": {"skills": ["apps"], "annual_salary_eur": 60_000.0}},
    )
    tree["services"]["apps"] = dict(tree["services"]["desk"], name="Apps", skill="apps")
    tree["scenarios"]["internal"]["sourcing"]["apps"] = "internal"
    tree["scenarios"]["internal"]["team"]["roles"] = {"dev": 1}
    tree = with_provider(
        tree,
        {"fixed_fee_per_month_eur": 1000.0, "team": {"agents": 1}},
        price_escalation_per_year=0.0,
    )
    result = run(tree)
    desk, apps = result.service_costs.sum(axis=1)
    assert cost(result, "downtime") == 0  # quiet tickets: nobody loses time
    assert desk == pytest.approx(cost(result, "provider_fees"), rel=1e-9)
    assert apps == pytest.approx(cost(result, "personnel"), rel=1e-9)
    assert cost(result, "personnel") > 0
