"""Small experiments built in code, for tests that need one mechanism at a time."""

from __future__ import annotations

import copy
from typing import Any

from simulation.config.loader import experiment_from_dict
from simulation.config.scenario import ScenarioSpec, central_values, resolve, scenario_spec
from simulation.model.ledger import CAT, CNT, ReplicationResult
from simulation.model.run import simulate
from simulation.montecarlo.streams import ReplicationStreams


def quiet_severities(effort: Any = 1.0, share_p4: float = 1.0) -> dict[str, Any]:
    """A severity table with every ticket P4 (single class, FIFO) unless shares say otherwise."""
    rest = (1.0 - share_p4) / 3.0
    return {
        p: {
            "share": share_p4 if p == "P4" else rest,
            "effort_hours": effort,
            "users_affected": 1,
            "productivity_loss": 0.0,
        }
        for p in ("P1", "P2", "P3", "P4")
    }


def sla_block() -> dict[str, Any]:
    return {
        "response_hours": {"P1": 0.5, "P2": 2, "P3": 4, "P4": 24},
        "resolution_hours": {"P1": 4, "P2": 8, "P3": 24, "P4": 120},
        "availability": 0.999,
        "credit_tiers": [
            {"below": 0.999, "credit_share": 0.10},
            {"below": 0.990, "credit_share": 0.25},
            {"below": 0.950, "credit_share": 1.00},
        ],
        "credit_cap_share": 1.0,
    }


def with_provider(
    tree: dict[str, Any], contract: dict[str, Any] | None = None, **provider: Any
) -> dict[str, Any]:
    """The tree with service `desk` run by provider `p`: by default a 24/7 team of as many
    agents as the in-house team has, with the company's staff policy (`contract` overrides)."""
    agents = sum(tree["scenarios"]["internal"]["team"].get("roles", {}).values()) or 1
    terms = {"coverage": "24x7", "team": {"agents": agents}, "sla": sla_block(), **(contract or {})}
    out = deep_update(tree, {"providers": {"p": {"name": "P", **provider, "contracts": {}}}})
    out["providers"]["p"]["contracts"]["desk"] = terms
    out["scenarios"]["internal"]["sourcing"]["desk"] = "p"
    return out


def base_tree(**overrides: Any) -> dict[str, Any]:
    """One internal service, one role, nothing stochastic switched on but what a test turns on.

    Defaults: 24/7 coverage, no turnover, no absence, no training, no knowledge effects, no
    outages, no security incidents, no provider. Tests deep-copy and change what they study.
    """
    tree: dict[str, Any] = {
        "name": "test",
        "simulation": {"horizon_years": 5, "runs": 10, "seed": 7, "discount_rate": 0.0},
        "company": {
            "employees": 100,
            "loaded_hourly_cost_eur": 50.0,
            "on_costs_share": 0.0,
            "wage_growth_per_year": 0.0,
        },
        "services": {
            "desk": {
                "name": "Desk",
                "skill": "desk",
                "users": 100,
                "incidents_per_user_per_month": 0.0,
                "severities": quiet_severities(),
                "knowledge_effect": {"effort": 0.0, "outage_rate": 0.0, "repair": 0.0},
            }
        },
        "staff": {
            "turnover_rate_per_year": 0.0,
            "notice_period_months": 0.0,
            "time_to_fill_months": 0.0,
            "recruiting_cost_share_of_salary": 0.0,
            "onboarding_months": 0.0,
            "initial_knowledge": 1.0,
            "new_hire_knowledge": 1.0,
            "new_hire_productivity": 1.0,
            "knowledge_half_life_years": 1000.0,
            "training_days_per_year": 0.0,
            "vacation_days_per_year": 0.0,
            "sick_days_per_year": 0.0,
            "working_hours_per_week": 168.0,
        },
        "roles": {"agent": {"skills": ["desk"], "annual_salary_eur": 0.0}},
        "security": {"operations_service": "desk"},
        "scenarios": {
            "internal": {
                "sourcing": {"desk": "internal"},
                "team": {"roles": {"agent": 1}, "coverage": "24x7"},
            }
        },
    }
    return deep_update(tree, overrides)


def deep_update(tree: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `tree` with nested `changes` merged in (dicts merge, values replace)."""
    out = copy.deepcopy(tree)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_update(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def spec_of(tree: dict[str, Any], scenario: str = "internal") -> ScenarioSpec:
    """The scenario with uncertain parameters at their means."""
    spec = scenario_spec(experiment_from_dict(tree), scenario)
    return resolve(spec, central_values(spec))


def run(
    tree: dict[str, Any],
    scenario: str = "internal",
    replication: int = 0,
    seed: int = 7,
    detail: bool = False,
) -> ReplicationResult:
    return simulate(spec_of(tree, scenario), ReplicationStreams(seed, replication), detail=detail)


def cost(result: ReplicationResult, category: str) -> float:
    return float(result.costs[CAT[category]].sum())


def counter(result: ReplicationResult, name: str) -> float:
    return float(result.counters[CNT[name]].sum())
