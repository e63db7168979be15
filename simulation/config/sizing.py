"""Sizing an in-house team from the work it will have to do (`team: {roles: auto, sizing: ...}`).

The rule, on expected values of the config (the company sizes for its expected load):

1. Work per skill and year: for each service run in house, its tickets (users × incidents per
   user per month × 12 × the mean effort of the severity mix, raised by the knowledge effect at
   the incumbents' knowledge), its outage repairs (8,760 / MTBF × mean repair time, likewise)
   and its change hours; plus the contracts' vendor-management hours for skill
   `vendor_management`.
2. Productive hours of a person a year: weekly working hours × 52.14 × the share of working days
   not taken by vacation, sickness and training (a seat of a 24/7 team: 168 × 52.14).
3. People per skill: work ÷ (productive hours × `target_utilisation`), or — with `users_per_fte`
   — employees ÷ users per FTE, split over the skills in proportion to their work.
4. Each skill is staffed by the first of the candidate `roles` whose first skill it is (else the
   first that has it); a role starts with the whole people of its skills, rounded down.
5. Every skill of an in-house service gets at least `min_holders` people who hold it, counting
   roles with several skills (cross-skilling): skills held by the fewest candidate roles first,
   each topped up through the role that staffs it.
6. If the team is still smaller than the total people needed (rounded up), the role furthest
   below its share gets one more, until it is not.
"""

from __future__ import annotations

import math
from typing import Any

from simulation.config.schema import (
    INTERNAL,
    SEVERITIES,
    Coverage,
    Experiment,
    Scenario,
    Sizing,
    StaffPolicy,
)

HOURS_PER_YEAR = 8760.0
WEEKS_PER_YEAR = HOURS_PER_YEAR / 168.0
VENDOR_MANAGEMENT = "vendor_management"


def _mean(value: Any) -> float:
    """The expected value of a parameter: a number, an uncertain parameter or a distribution."""
    return float(value) if isinstance(value, int | float) else float(value.mean)


def work_hours_per_skill(experiment: Experiment, scenario: Scenario) -> dict[str, float]:
    """Expected hours of work a year per skill for the services the scenario runs in house."""
    staff = experiment.scenario_staff_for(scenario)
    knowledge = _mean(staff.initial_knowledge)
    work: dict[str, float] = {}
    for sid, source in scenario.sourcing.items():
        if source != INTERNAL:
            continue
        service = experiment.services[sid]
        users = service.users if service.users is not None else experiment.company.employees
        effect = service.knowledge_effect
        per_ticket = sum(
            service.severities[s].share * _mean(service.severities[s].effort_hours)
            for s in SEVERITIES
        ) * (1.0 + _mean(effect.effort) * (1.0 - knowledge))
        hours = users * _mean(service.incidents_per_user_per_month) * 12.0 * per_ticket
        if service.outages is not None:
            repairs = HOURS_PER_YEAR / _mean(service.outages.mtbf_hours)
            repair = _mean(service.outages.repair_hours) * (
                1 + _mean(effect.repair) * (1 - knowledge)
            )
            hours += repairs * repair
        hours += _mean(service.change_hours_per_year)
        work[service.skill] = work.get(service.skill, 0.0) + hours
    vm = sum(
        _mean(experiment.providers[p].contracts[sid].vendor_management_hours_per_month) * 12.0
        for sid, p in scenario.sourcing.items()
        if p != INTERNAL
    )
    if vm > 0:
        work[VENDOR_MANAGEMENT] = work.get(VENDOR_MANAGEMENT, 0.0) + vm
    return work


def productive_hours_per_year(staff: StaffPolicy, coverage: Coverage, work_days: float) -> float:
    """Hours a person (or a 24/7 seat) can work a year, after time away."""
    if coverage == Coverage.ALWAYS:
        return 168.0 * WEEKS_PER_YEAR
    away = sum(
        _mean(getattr(staff, k))
        for k in ("vacation_days_per_year", "sick_days_per_year", "training_days_per_year")
    )
    presence = max(0.05, 1.0 - away / work_days)
    return _mean(staff.working_hours_per_week) * WEEKS_PER_YEAR * presence


def sized_roles(experiment: Experiment, scenario: Scenario) -> dict[str, int]:
    """Headcount per role by the sizing rule of the scenario's team (see the module doc)."""
    team = scenario.team
    sizing: Sizing = team.sizing or Sizing()
    candidates = list(sizing.roles) or list(experiment.roles)
    work = work_hours_per_skill(experiment, scenario)
    staff = experiment.scenario_staff_for(scenario)
    days = len(experiment.company.business_hours.days) * WEEKS_PER_YEAR
    productive = productive_hours_per_year(staff, team.coverage, days)
    people = _people_per_skill(work, productive, sizing, experiment.company.employees)
    staffing_role = {skill: _role_for(skill, candidates, experiment) for skill in people}
    share: dict[str, float] = dict.fromkeys(candidates, 0.0)
    for skill, n in people.items():
        share[staffing_role[skill]] += n
    roles = {role: math.floor(n + 1e-9) for role, n in share.items()}
    critical = {experiment.services[s].skill for s, p in scenario.sourcing.items() if p == INTERNAL}
    for skill in sorted(critical, key=lambda k: (_holding_roles(k, candidates, experiment), k)):
        role = staffing_role.get(skill) or _role_for(skill, candidates, experiment)
        while _holders(roles, skill, experiment) < sizing.min_holders:
            roles[role] += 1
    while sum(roles.values()) < math.ceil(sum(people.values()) - 1e-9):
        role = max(share, key=lambda r: share[r] - roles[r])
        roles[role] += 1
    return {role: n for role, n in roles.items() if n > 0}


def _holding_roles(skill: str, candidates: list[str], experiment: Experiment) -> int:
    return sum(skill in experiment.roles[r].skills for r in candidates)


def _people_per_skill(
    work: dict[str, float], productive: float, sizing: Sizing, employees: int
) -> dict[str, float]:
    if sizing.users_per_fte is not None:
        total = employees / float(sizing.users_per_fte)
        hours = sum(work.values()) or 1.0
        return {skill: total * h / hours for skill, h in work.items()}
    return {skill: h / (productive * float(sizing.target_utilisation)) for skill, h in work.items()}


class SizingError(ValueError):
    """The rule cannot staff a skill with the candidate roles."""


def _role_for(skill: str, candidates: list[str], experiment: Experiment) -> str:
    for role in candidates:
        if experiment.roles[role].skills[0] == skill:
            return role
    for role in candidates:
        if skill in experiment.roles[role].skills:
            return role
    raise SizingError(f"no candidate role has skill '{skill}'")


def _holders(roles: dict[str, int], skill: str, experiment: Experiment) -> int:
    return sum(n for role, n in roles.items() if skill in experiment.roles[role].skills)
