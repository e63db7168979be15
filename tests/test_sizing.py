"""The sizing rule of `roles: auto`: hand-computed headcounts for fixed loads."""

from __future__ import annotations

import pytest
from builders import base_tree

from simulation.config.loader import experiment_from_dict
from simulation.errors import ConfigError

WEEKS = 8760 / 168


def sized(tree: dict, scenario: str = "internal") -> dict[str, int]:
    return experiment_from_dict(tree).team_roles(scenario)


def load_tree(hours_per_year: float, **team) -> dict:
    """One service needing `hours_per_year` of work: 1-hour P4 tickets at full knowledge."""
    users = 100
    tree = base_tree(
        services={"desk": {"incidents_per_user_per_month": hours_per_year / users / 12}},
        staff={"working_hours_per_week": 40.0, "vacation_days_per_year": 26.07},
        scenarios={"internal": {"team": {"roles": "auto", "coverage": "business_hours", **team}}},
    )
    tree["services"]["desk"]["severities"]["P4"]["effort_hours"] = 1.0
    return tree


def test_people_follow_work_over_productive_hours_at_the_target_utilisation():
    # productive hours: 40 h x 52.14 weeks x (1 - 26.07 / 260.7) = 1,877; at 60% a person
    # takes 1,126 h of work: 4,000 h need 3.55 -> 4 people, 2,000 h need 1.78 -> 2.
    productive = 40 * WEEKS * (1 - 26.07 / (5 * WEEKS))
    for hours in (4000.0, 2000.0, 7000.0):
        need = hours / (productive * 0.6)
        assert sized(load_tree(hours)) == {"agent": max(2, -(-need // 1))}


def test_users_per_fte_sizes_the_team_from_headcount():
    tree = load_tree(500.0, sizing={"users_per_fte": 20.0, "min_holders": 1})
    assert sized(tree) == {"agent": 5}  # 100 users / 20


def test_every_critical_skill_gets_two_holders_through_cross_skilled_roles():
    # two services, little work: a cross-skilled role covers both skills, so two people give
    # each skill two holders; single-skilled roles would need four.
    tree = load_tree(100.0)
    tree["services"]["ops"] = dict(tree["services"]["desk"], name="Ops", skill="ops")
    tree["scenarios"]["internal"]["sourcing"]["ops"] = "internal"
    tree["roles"] = {
        "generalist": {"skills": ["desk", "ops"], "annual_salary_eur": 50_000.0},
        "opsonly": {"skills": ["ops"], "annual_salary_eur": 50_000.0},
    }
    assert sized(tree) == {"generalist": 2}
    tree["roles"]["generalist"]["skills"] = ["desk"]
    assert sized(tree) == {"generalist": 2, "opsonly": 2}


def test_a_skill_no_candidate_role_has_is_a_config_error():
    tree = load_tree(100.0, sizing={"roles": ["agent"]})
    tree["roles"]["clerk"] = {"skills": ["paper"], "annual_salary_eur": 1.0}
    tree["scenarios"]["internal"]["team"]["sizing"]["roles"] = ["clerk"]
    with pytest.raises(ConfigError, match=r"sizing\.roles.*no candidate role has skill 'desk'"):
        experiment_from_dict(tree)
