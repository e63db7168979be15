"""Small experiments built in code: one mechanism at a time, for the validation suite and tests."""

from __future__ import annotations

import copy
from typing import Any

from simulation.config.loader import experiment_from_dict
from simulation.config.scenario import ScenarioSpec, central_values, resolve, scenario_spec
from simulation.model.calendar import HOURS_PER_MONTH, Calendar
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
    """A provider SLA: response and resolution targets, 99.9% availability, three credit tiers."""
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


SEED = 7  # the master seed of every validation run: the tables are reproducible


def run(
    tree: dict[str, Any],
    scenario: str = "internal",
    replication: int = 0,
    seed: int = SEED,
    detail: bool = False,
) -> ReplicationResult:
    """One replication of `scenario` with its own streams (common random numbers by key)."""
    return simulate(spec_of(tree, scenario), ReplicationStreams(seed, replication), detail=detail)


def cost(result: ReplicationResult, category: str) -> float:
    """Total of one cost category over the horizon, EUR nominal."""
    return float(result.costs[CAT[category]].sum())


def counter(result: ReplicationResult, name: str) -> float:
    """Total of one counter over the horizon."""
    return float(result.counters[CNT[name]].sum())


def exponential_effort(mean_hours: float) -> dict[str, Any]:
    """An exponential effort spec (the service time of a Markovian queue)."""
    return {"dist": "exponential", "mean": mean_hours}


def mmc_tree(
    servers: int,
    users: int,
    effort: Any = None,
    severities: dict[str, Any] | None = None,
    years: int = 10,
    sourcing: str = "internal",
) -> dict[str, Any]:
    """One service as an M/M/c queue: 24/7, fixed staff, no turnover, no decay; delivered by
    the in-house team or by a provider's team of as many agents (the same mechanism).

    `users` raise one ticket a month each: the arrival rate is users / 730 per hour.
    """
    tree = base_tree(
        simulation={"horizon_years": years},
        services={
            "desk": {
                "users": users,
                "incidents_per_user_per_month": 1.0,
                "severities": severities or quiet_severities(effort=effort),
            }
        },
        scenarios={"internal": {"team": {"roles": {"agent": servers}}}},
    )
    return tree if sourcing == "internal" else with_provider(tree)


def priority_severities(shares: dict[str, float], effort: Any) -> dict[str, Any]:
    """A severity table with the given shares and one effort for all classes, no user impact."""
    return {
        p: {"share": s, "effort_hours": effort, "users_affected": 1, "productivity_loss": 0.0}
        for p, s in shares.items()
    }


def outage_tree(
    mtbf_hours: float, repair: Any, years: int = 10, sourcing: str = "internal"
) -> dict[str, Any]:
    """A service that fails every `mtbf_hours` of uptime on average and takes `repair` hours to
    restore, repaired by a team of two that is never busy otherwise."""
    outages = {"mtbf_hours": mtbf_hours, "repair_hours": repair, "productivity_loss": 1.0}
    tree = base_tree(
        simulation={"horizon_years": years},
        services={"desk": {"outages": outages}},
        scenarios={"internal": {"team": {"roles": {"agent": 2}}}},
    )
    return tree if sourcing == "internal" else with_provider(tree)


def turnover_tree(
    headcount: int, rate_per_year: float, time_to_fill_months: float = 0.0, years: int = 5
) -> dict[str, Any]:
    """A team of `headcount` whose members resign at `rate_per_year` each while in post."""
    return base_tree(
        simulation={"horizon_years": years},
        staff={"turnover_rate_per_year": rate_per_year, "time_to_fill_months": time_to_fill_months},
        scenarios={"internal": {"team": {"roles": {"agent": headcount}}}},
    )


def security_tree(rate_per_year: float, loss_eur: dict[str, Any], years: int = 5) -> dict:
    """Security incidents at a constant rate (no knowledge effect), each with a random loss."""
    return base_tree(
        simulation={"horizon_years": years},
        security={
            "operations_service": "desk",
            "incidents_per_year_internal": rate_per_year,
            "knowledge_effect": 0.0,
            "loss_eur": loss_eur,
        },
    )


def mm1_provider_tree(coverage: str, rate_open: float, mu: float, years: int = 20) -> dict:
    """A provider's one-agent team as an M/M/1 queue in its service hours: tickets arrive only
    while the contract's hours are open (Poisson at `rate_open` per open hour), efforts are
    exponential, work pauses at closing and resumes at the next opening."""
    calendar = Calendar.always() if coverage == "24x7" else Calendar()
    per_clock_hour = rate_open * calendar.open_hours_per_week / 168
    tree = base_tree(
        simulation={"horizon_years": years},
        services={
            "desk": {
                "users": 1000,
                "incidents_per_user_per_month": per_clock_hour * HOURS_PER_MONTH / 1000,
                "business_hours_share": None if coverage == "24x7" else 1.0,
                "severities": quiet_severities(effort=exponential_effort(1 / mu)),
            }
        },
    )
    return with_provider(tree, {"coverage": coverage, "team": {"agents": 1, "staffing": "seats"}})


MIRROR_ROLE = "p:desk"  # the provider's members are named "<provider>:<service>#i": same streams
EMERGENCY = {"response_hours": 3.0, "hourly_rate_eur": 120.0, "knowledge": 0.6}


def busy_tree(coverage: str) -> dict[str, Any]:
    """A lively one-service company: every mechanism of delivery and people switched on."""
    severities = quiet_severities(effort={"dist": "lognormal", "median": 1.0, "p95": 4.0})
    severities["P1"] |= {"share": 0.05, "users_affected": 40, "productivity_loss": 0.8}
    severities["P4"] |= {"share": 0.95, "users_affected": 1, "productivity_loss": 0.3}
    severities["P2"]["share"] = severities["P3"]["share"] = 0.0
    tree = base_tree(
        simulation={"horizon_years": 3},
        services={
            "desk": {
                "incidents_per_user_per_month": 0.6,
                "business_hours_share": 0.85,
                "severities": severities,
                "outages": {
                    "mtbf_hours": 400.0,
                    "repair_hours": {"dist": "lognormal", "median": 3.0, "p95": 12.0},
                    "productivity_loss": 0.7,
                },
                "knowledge_effect": {"effort": 1.0, "outage_rate": 0.5, "repair": 1.0},
                "key_person_share": 0.3,
            }
        },
        staff=BUSY_STAFF,
        security={"operations_service": "desk", "incidents_per_year_internal": 1.0},
        roles={MIRROR_ROLE: {"skills": ["desk"], "annual_salary_eur": 60_000.0}},
        scenarios={"internal": {"team": BUSY_TEAM | {"coverage": coverage}}},
    )
    del tree["roles"]["agent"]
    tree["scenarios"]["internal"]["team"]["roles"] = {MIRROR_ROLE: 3}
    tree["scenarios"]["internal"]["team"]["peak_roles"] = {MIRROR_ROLE: 1}
    tree["security"]["downtime_hours"] = 6.0
    tree["security"]["affected_services"] = {"desk": 0.5}
    return tree


BUSY_STAFF: dict[str, Any] = {
    "turnover_rate_per_year": 0.4,
    "time_to_fill_months": {"dist": "lognormal", "median": 4.0, "p95": 9.0},
    "notice_period_months": 1.0,
    "onboarding_months": 3.0,
    "new_hire_productivity": 0.5,
    "initial_knowledge": 0.8,
    "new_hire_knowledge": 0.5,
    "knowledge_half_life_years": 2.0,
    "training_days_per_year": 4.0,
    "vacation_days_per_year": 25.0,
    "sick_days_per_year": 8.0,
    "working_hours_per_week": 40.0,
    "interim_cover_months": 2.0,
    "interim_day_rate_eur": 700.0,
}
BUSY_TEAM: dict[str, Any] = {
    "urgent_severities": ["P1"],
    "swarm": 2,
    "peak_queue": 4,
    "emergency": EMERGENCY,
}


def mirrored(tree: dict[str, Any], coverage: str) -> dict[str, Any]:
    """The same team, at provider `p`: same agents, coverage, urgency and staff policy."""
    team = {"agents": 3, "peak_agents": 1, **copy.deepcopy(BUSY_TEAM)}
    out = with_provider(tree, {"coverage": coverage, "team": team}, security_incidents_per_year=1.0)
    out["scenarios"]["internal"]["team"]["roles"] = {}  # nobody left in house
    out["scenarios"]["internal"]["team"]["peak_roles"] = {}
    return out


def flood_tree() -> dict[str, Any]:
    """Far more ticket load than the company has people: 60 users affected by every ticket."""
    severities = quiet_severities(effort=exponential_effort(30.0))
    for p in severities.values():
        p |= {"users_affected": 60, "productivity_loss": 0.9}
    outages = {"mtbf_hours": 300.0, "repair_hours": 50.0, "productivity_loss": 1.0}
    return base_tree(
        services={
            "desk": {
                "incidents_per_user_per_month": 2.0,
                "outages": outages,
                "severities": severities,
            }
        },
        scenarios={"internal": {"team": {"coverage": "business_hours"}}},
    )
