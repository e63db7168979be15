"""The model's input: one resolved scenario as plain numbers, units converted once (hours, EUR).

`model_input` turns a `ScenarioSpec` whose uncertain parameters have been drawn into frozen
dataclasses of floats, so that the model code reads no pydantic objects and needs no casts. Every
service is delivered by a team — the in-house team or a provider's team for its contract — and
both kinds are described by the same `TeamInput`; where they differ, it is a parameter.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulation.config.distributions import Distribution, Fixed
from simulation.config.scenario import ScenarioSpec
from simulation.config.schema import (
    INTERNAL,
    SEVERITIES,
    BusinessHours,
    Coverage,
    DeliveryRules,
    FailureDistribution,
    Service,
    Staffing,
    StaffPolicy,
    TenureDistribution,
    UnmetChange,
    merged_staff,
)
from simulation.model.calendar import HOURS_PER_MONTH, HOURS_PER_WEEK, HOURS_PER_YEAR, Calendar

VENDOR_MANAGEMENT_SKILL = "vendor_management"
COMPANY = "company"  # the employer of the in-house team
OUTAGE_PRIORITY = 0  # incidents use 1..4 for P1..P4
TASK_PRIORITY = 9
N_PRIORITIES = 10


@dataclass(frozen=True, slots=True)
class SeverityInput:
    share: float
    effort: Distribution  # hours of work at full knowledge and productivity, per ticket
    users_affected: float
    productivity_loss: float  # share of an affected user's productivity lost while open
    workaround_hours: float  # business hours after arrival until a workaround helps (inf: never)
    residual_loss_share: float  # share of the loss left once the workaround helps


@dataclass(frozen=True, slots=True)
class OutageInput:
    mtbf_hours: float  # mean hours between failures at full knowledge, as delivered
    unit_time_to_failure: Callable[[np.ndarray], np.ndarray]  # uniforms -> mean-1 times
    repair: Distribution  # hours of repair work at full knowledge
    productivity_loss: float


@dataclass(frozen=True, slots=True)
class InternalCostInput:
    hardware_eur: float
    refresh_hours: float
    first_purchase_hours: float
    licences_eur_per_month: float  # for all of the service's users
    running_eur_per_month: float


@dataclass(frozen=True, slots=True)
class ContractInput:
    """A provider's commercial terms for one service (its delivery team is a `TeamInput`)."""

    provider: str
    calendar: Calendar  # service hours: the SLA clock runs in them
    base_fee_eur_per_month: float  # per-user and fixed fees, priced for the service hours
    fee_per_ticket_eur: float
    included_tickets_per_month: float  # volume band (inf: unlimited)
    overage_fee_per_ticket_eur: float
    minimum_term_months: float
    setup_cost_eur: float
    licences_retained_eur_per_month: float
    response_targets: np.ndarray  # hours in service hours, by severity index
    resolution_targets: np.ndarray
    availability_target: float
    credit_tiers: tuple[tuple[float, float], ...]  # (availability below, credit share)
    credit_cap_share: float
    vendor_management_hours_per_month: float
    change_rate_eur_per_hour: float
    transition_hours: float  # knowledge transfer at go-live ...
    transition_effort_factor: float  # ... during which work takes this much longer
    exit_cost_eur: float


@dataclass(frozen=True, slots=True)
class ServiceInput:
    id: str
    index: int
    skill: int
    users: int
    incidents_per_hour: float
    business_hours_share: float | None
    severities: tuple[SeverityInput, ...]
    outages: OutageInput | None
    lost_margin_eur_per_hour: float
    effort_sensitivity: float  # effort x (1 + s (1 - knowledge))
    outage_rate_sensitivity: float
    repair_sensitivity: float
    key_person_share: float
    change_hours_per_month: float
    compliance_events_per_year: float  # as sourced: in house, or with the provider
    team: int  # index of the delivering team
    internal_costs: InternalCostInput | None  # None when a provider runs it
    contract: ContractInput | None  # None when run in house


@dataclass(frozen=True, slots=True)
class StaffInput:
    """A staff policy in hours and plain numbers."""

    turnover_rate_per_year: float
    tenure_weibull_shape: float | None  # None: exponential tenure
    notice_hours: float
    time_to_fill_months: Distribution
    recruiting_share: float
    onboarding_hours: float
    new_hire_productivity: float
    new_hire_knowledge: float
    initial_knowledge: float
    training_days_per_year: float
    training_sessions_per_year: int
    knowledge_gain_per_training_day: float
    training_cost_eur_per_day: float
    vacation_days_per_year: float
    sick_days_per_year: float
    sickness_episode_days: float
    key_person_rebuild_hours: float
    on_call_allowance_eur_per_week: float
    callout_hours: float
    working_hours_per_week: float
    interim_cover_hours: float  # from a departure until an interim covers the post (inf: never)
    interim_day_rate_eur: float
    interim_knowledge: float


@dataclass(frozen=True, slots=True)
class EmergencyInput:
    """A contractor for urgent work when no holder of the skill is present."""

    response_hours: float
    hourly_rate_eur: float
    knowledge: float
    retainer_eur_per_month: float


@dataclass(frozen=True, slots=True)
class MemberInput:
    key: str  # stable name for random streams, e.g. "sysadmin#1" or "msp:service_desk#0"
    skills: tuple[int, ...]
    annual_cost_eur: float  # salary with on-costs (x seat factor); 0 for a provider's staff
    category: str  # cost category of the salary
    peak: bool = False  # joins only while more than the team's `peak_queue` jobs wait


@dataclass(frozen=True, slots=True)
class TeamInput:
    """A delivery team: the in-house team or a provider's team for one contract."""

    name: str
    employer: str  # COMPANY or the provider's id: who pays salaries, recruiting and training
    members: tuple[MemberInput, ...]
    staff: StaffInput
    calendar: Calendar  # service hours
    always: bool  # 24x7
    on_call: bool
    seats: bool  # absences covered by a rota
    pace: float  # clock hours in service hours per hour of non-urgent work
    urgent: tuple[bool, ...]  # by priority: runs past closing, at full pace, swarmed
    called_out: tuple[bool, ...]  # by priority: worth a night call-out (on-call coverage)
    on_call_staff: int
    swarm: int
    peak_queue: int
    effort_factor: float
    emergency: EmergencyInput | None
    half_lives_years: tuple[float, ...]  # knowledge half-life by skill
    key_person_shares: dict[int, float]  # service index -> share of know-how of a key person
    service_skill: tuple[int, ...]  # skill of every service (by service index)

    @property
    def paid_by_company(self) -> bool:
        return self.employer == COMPANY


@dataclass(frozen=True, slots=True)
class ProviderInput:
    id: str
    price_escalation_per_year: float
    security_incidents_per_year: float
    failure_rate_per_hour: float
    transition_cost_eur: float
    degraded_hours: float
    degradation_factor: float
    new_contract_premium: float


@dataclass(frozen=True, slots=True)
class SecurityInput:
    service: int  # index of the security-operations service
    incidents_per_year: float  # base rate at full knowledge of whoever runs security
    knowledge_effect: float
    loss_eur: Distribution
    downtime_hours: Distribution
    affected: tuple[tuple[int, float], ...]  # (service index, probability of going down)


@dataclass(frozen=True, slots=True)
class ModelInput:
    horizon_hours: float
    n_months: int
    calendar: Calendar  # the company's business hours (users work in them)
    employees: int
    hourly_cost_eur: float  # loaded cost of a paid working hour of a user, year-0 prices
    user_hours_share: float  # paid working hours actually worked per open business hour
    wage_index: np.ndarray  # by month
    services: tuple[ServiceInput, ...]
    teams: tuple[TeamInput, ...]
    providers: dict[str, ProviderInput]
    security: SecurityInput
    skills: tuple[str, ...]
    change_bought: bool  # unmet in-house change work: bought (True) or deferred
    change_rate_eur_per_hour: float
    change_deferral_eur_per_hour: float
    compliance_loss_eur: Distribution
    transition_staff_eur: float  # dual running and severance of posts given up, at go-live

    @property
    def company_team(self) -> int | None:
        """Index of the in-house team, if the scenario has one."""
        return next((i for i, t in enumerate(self.teams) if t.paid_by_company), None)


# -- building ---------------------------------------------------------------------------------


def _calendar(hours: BusinessHours) -> Calendar:
    return Calendar(hours.weekday_numbers, hours.start_hour, hours.end_hour)


def working_days_per_year(calendar: Calendar) -> float:
    """Open days a year (about 260.7 for Monday to Friday)."""
    return len(calendar.days) * HOURS_PER_YEAR / HOURS_PER_WEEK


def staff_input(staff: StaffPolicy) -> StaffInput:
    weibull = staff.tenure_distribution == TenureDistribution.WEIBULL
    return StaffInput(
        turnover_rate_per_year=float(staff.turnover_rate_per_year),
        tenure_weibull_shape=float(staff.weibull_shape) if weibull else None,
        notice_hours=float(staff.notice_period_months) * HOURS_PER_MONTH,
        time_to_fill_months=staff.time_to_fill_months,
        recruiting_share=float(staff.recruiting_cost_share_of_salary),
        onboarding_hours=float(staff.onboarding_months) * HOURS_PER_MONTH,
        new_hire_productivity=float(staff.new_hire_productivity),
        new_hire_knowledge=float(staff.new_hire_knowledge),
        initial_knowledge=float(staff.initial_knowledge),
        training_days_per_year=float(staff.training_days_per_year),
        training_sessions_per_year=int(staff.training_sessions_per_year),
        knowledge_gain_per_training_day=float(staff.knowledge_gain_per_training_day),
        training_cost_eur_per_day=float(staff.training_cost_eur_per_day),
        vacation_days_per_year=float(staff.vacation_days_per_year),
        sick_days_per_year=float(staff.sick_days_per_year),
        sickness_episode_days=float(staff.sickness_episode_days),
        key_person_rebuild_hours=float(staff.key_person_rebuild_months) * HOURS_PER_MONTH,
        on_call_allowance_eur_per_week=float(staff.on_call_allowance_eur_per_week),
        callout_hours=float(staff.on_call_callout_hours),
        working_hours_per_week=float(staff.working_hours_per_week),
        interim_cover_hours=math.inf
        if staff.interim_cover_months is None
        else float(staff.interim_cover_months) * HOURS_PER_MONTH,
        interim_day_rate_eur=float(staff.interim_day_rate_eur),
        interim_knowledge=float(staff.interim_knowledge),
    )


class _Builder:
    """Collects skills, teams and services of one scenario while it is translated."""

    def __init__(self, spec: ScenarioSpec) -> None:
        self.spec = spec
        company = spec.company
        self.business = _calendar(company.business_hours)
        self.extended = _calendar(company.extended_hours)
        skills = [s.skill for s in spec.services.values()]
        for role in spec.roles.values():
            skills.extend(role.skills)
        skills.append(VENDOR_MANAGEMENT_SKILL)
        self.skills = tuple(dict.fromkeys(skills))
        self.skill_index = {name: i for i, name in enumerate(self.skills)}
        self.service_ids = tuple(spec.services)
        self.service_skill = tuple(self.skill_index[s.skill] for s in spec.services.values())
        self.teams: list[TeamInput] = []
        self.team_of: dict[str, int] = {}

    def calendar(self, coverage: Coverage) -> Calendar:
        if coverage == Coverage.ALWAYS:
            return Calendar.always()
        return self.extended if coverage == Coverage.EXTENDED_HOURS else self.business

    def half_lives(self, staff: StaffPolicy) -> tuple[float, ...]:
        lives = [float(staff.knowledge_half_life_years)] * len(self.skills)
        for service in self.spec.services.values():
            if service.knowledge_half_life_years is not None:
                lives[self.skill_index[service.skill]] = float(service.knowledge_half_life_years)
        return tuple(lives)

    def key_shares(self, services: list[str]) -> dict[int, float]:
        shares = {}
        for sid in services:
            share = float(self.spec.services[sid].key_person_share)
            if share > 0:
                shares[self.service_ids.index(sid)] = share
        return shares

    def add_team(
        self,
        name: str,
        employer: str,
        members: list[tuple[str, tuple[str, ...], float, str, bool]],
        staff: StaffPolicy,
        rules: DeliveryRules,
        coverage: Coverage,
        services: list[str],
    ) -> None:
        """Translate one delivery team; `members` are (key, skills, salary, category, peak)."""
        calendar = self.calendar(coverage)
        people = staff_input(staff)
        always = coverage == Coverage.ALWAYS
        seats = always or rules.staffing == Staffing.SEATS
        window = calendar.open_hours_per_week
        pace = 1.0 if seats else max(1.0, window / people.working_hours_per_week)
        seat_factor = _seat_factor(people, window, self.business) if seats else 1.0
        on_costs = 1.0 + float(self.spec.company.on_costs_share)
        urgent, called_out = _urgency(rules, coverage)
        self.teams.append(
            TeamInput(
                name=name,
                employer=employer,
                members=tuple(
                    MemberInput(
                        key=key,
                        skills=tuple(self.skill_index[s] for s in skills),
                        annual_cost_eur=salary * on_costs * seat_factor,
                        category=category,
                        peak=peak,
                    )
                    for key, skills, salary, category, peak in members
                ),
                staff=people,
                calendar=calendar,
                always=always,
                on_call=coverage == Coverage.ON_CALL,
                seats=seats,
                pace=pace,
                urgent=urgent,
                called_out=called_out,
                on_call_staff=int(rules.on_call_staff),
                swarm=int(rules.swarm),
                peak_queue=int(rules.peak_queue),
                emergency=_emergency(rules),
                effort_factor=float(rules.effort_factor),
                half_lives_years=self.half_lives(staff),
                key_person_shares=self.key_shares(services),
                service_skill=self.service_skill,
            )
        )
        for sid in services:
            self.team_of[sid] = len(self.teams) - 1


def _emergency(rules: DeliveryRules) -> EmergencyInput | None:
    cover = rules.emergency
    if cover is None:
        return None
    return EmergencyInput(
        response_hours=float(cover.response_hours),
        hourly_rate_eur=float(cover.hourly_rate_eur),
        knowledge=float(cover.knowledge),
        retainer_eur_per_month=float(cover.retainer_eur_per_month),
    )


def _seat_factor(staff: StaffInput, window_hours_per_week: float, business: Calendar) -> float:
    """Salaries per seat staffed throughout the service hours, absences and training covered."""
    days = working_days_per_year(business)
    away = staff.vacation_days_per_year + staff.sick_days_per_year + staff.training_days_per_year
    presence = max(1.0 - away / days, 0.05)
    return window_hours_per_week / (staff.working_hours_per_week * presence)


def _urgency(rules: DeliveryRules, coverage: Coverage) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """Per priority: urgent (outages always; the urgent severities; on call: the called ones)
    and called out at night (on-call coverage: outages and the on-call severities)."""
    on_call = coverage == Coverage.ON_CALL
    urgent = [False] * N_PRIORITIES
    called = [False] * N_PRIORITIES
    urgent[OUTAGE_PRIORITY] = True
    called[OUTAGE_PRIORITY] = on_call
    for i, sev in enumerate(SEVERITIES, start=1):
        called[i] = on_call and sev in rules.on_call_severities
        urgent[i] = sev in rules.urgent_severities or called[i]
    return tuple(urgent), tuple(called)


def _in_house_team(b: _Builder) -> None:
    spec = b.spec
    members = []
    for peak, roles in ((False, spec.team.roles), (True, spec.team.peak_roles)):
        for role_id, count in roles.items():
            role = spec.roles.get(role_id)
            for i in range(count if role is not None else 0):
                key = f"{role_id}#{'peak' if peak else ''}{i}"
                salary = float(role.annual_salary_eur)
                members.append((key, role.skills, salary, role.cost_category.value, peak))
    if not any(not m[4] for m in members):
        return
    services = [sid for sid in b.service_ids if spec.is_internal(sid)]
    b.add_team(COMPANY, COMPANY, members, spec.staff, spec.team, spec.team.coverage, services)


def _provider_teams(b: _Builder) -> None:
    spec = b.spec
    for sid in b.service_ids:
        pid = spec.sourcing[sid]
        if pid == INTERNAL:
            continue
        provider = spec.providers[pid]
        contract = provider.contracts[sid]
        skill = spec.services[sid].skill
        name = f"{pid}:{sid}"
        team = contract.team
        agents, peak = int(team.agents), int(team.peak_agents)  # a sweep may set floats
        members = [(f"{name}#{i}", (skill,), 0.0, "personnel", False) for i in range(agents)]
        members += [(f"{name}#peak{i}", (skill,), 0.0, "personnel", True) for i in range(peak)]
        staff = merged_staff(spec.staff, provider.staff, contract.team.staff)
        rules = contract.team.model_copy(
            update={
                "effort_factor": float(contract.team.effort_factor)
                * float(provider.performance_factor)
            }
        )
        b.add_team(name, pid, members, staff, rules, provider.contract_coverage(sid), [sid])


def _severities(service: Service) -> tuple[SeverityInput, ...]:
    out = []
    for name in SEVERITIES:
        sev = service.severities[name]
        workaround = sev.workaround_hours
        out.append(
            SeverityInput(
                share=float(sev.share),
                effort=sev.effort_hours,
                users_affected=float(sev.users_affected),
                productivity_loss=float(sev.productivity_loss),
                workaround_hours=math.inf if workaround is None else float(workaround),
                residual_loss_share=float(sev.residual_loss_share),
            )
        )
    return tuple(out)


def unit_time_to_failure(distribution: FailureDistribution, shape: float):
    """Map uniforms to times to failure with mean 1 (to be scaled by the MTBF)."""
    if distribution == FailureDistribution.EXPONENTIAL:
        return lambda u: -np.log1p(-u)
    scale = 1.0 / math.gamma(1.0 + 1.0 / shape)
    return lambda u: scale * (-np.log1p(-u)) ** (1.0 / shape)


def _outages(service: Service, contract) -> OutageInput | None:
    outages = service.outages
    if outages is None:
        return None
    factor = 1.0 if contract is None else float(contract.outage_rate_factor)
    repair = outages.repair_hours
    if contract is not None and contract.repair_hours is not None:
        repair = contract.repair_hours
    return OutageInput(
        mtbf_hours=float(outages.mtbf_hours) / factor if factor > 0 else math.inf,
        unit_time_to_failure=unit_time_to_failure(
            outages.time_to_failure, float(outages.weibull_shape)
        ),
        repair=repair,
        productivity_loss=float(outages.productivity_loss),
    )


def _internal_costs(service: Service, users: int) -> InternalCostInput:
    costs = service.internal_costs
    return InternalCostInput(
        hardware_eur=float(costs.hardware_eur),
        refresh_hours=float(costs.refresh_years) * HOURS_PER_YEAR,
        first_purchase_hours=float(costs.first_purchase_year) * HOURS_PER_YEAR,
        licences_eur_per_month=float(costs.licences_eur_per_user_per_month) * users,
        running_eur_per_month=float(costs.running_eur_per_month),
    )


def _contract(b: _Builder, sid: str, users: int) -> ContractInput:
    pid = b.spec.sourcing[sid]
    provider = b.spec.providers[pid]
    contract = provider.contracts[sid]
    coverage = provider.contract_coverage(sid)
    sla = contract.sla
    base = float(contract.fee_per_user_per_month_eur) * users + float(
        contract.fixed_fee_per_month_eur
    )
    included = contract.included_tickets_per_month
    return ContractInput(
        provider=pid,
        calendar=b.calendar(coverage),
        base_fee_eur_per_month=base * float(provider.price_factor(coverage)),
        fee_per_ticket_eur=float(contract.fee_per_ticket_eur),
        included_tickets_per_month=math.inf if included is None else float(included),
        overage_fee_per_ticket_eur=float(contract.overage_fee_per_ticket_eur),
        minimum_term_months=float(contract.minimum_term_months),
        setup_cost_eur=float(contract.setup_cost_eur),
        licences_retained_eur_per_month=float(contract.licences_retained_eur_per_user_per_month)
        * users,
        response_targets=np.array([float(sla.response_hours[s]) for s in SEVERITIES]),
        resolution_targets=np.array([float(sla.resolution_hours[s]) for s in SEVERITIES]),
        availability_target=float(sla.availability),
        credit_tiers=tuple((float(t.below), float(t.credit_share)) for t in sla.credit_tiers),
        credit_cap_share=float(sla.credit_cap_share),
        vendor_management_hours_per_month=float(contract.vendor_management_hours_per_month),
        change_rate_eur_per_hour=float(contract.change_rate_eur_per_hour),
        transition_hours=float(contract.transition_months) * HOURS_PER_MONTH,
        transition_effort_factor=float(contract.transition_effort_factor),
        exit_cost_eur=float(contract.exit_cost_eur),
    )


def _service(b: _Builder, j: int, sid: str) -> ServiceInput:
    spec = b.spec
    service = spec.services[sid]
    users = service.users if service.users is not None else spec.company.employees
    internal = spec.is_internal(sid)
    contract = None if internal else spec.providers[spec.sourcing[sid]].contracts[sid]
    share = service.business_hours_share
    effect = service.knowledge_effect
    return ServiceInput(
        id=sid,
        index=j,
        skill=b.service_skill[j],
        users=users,
        incidents_per_hour=float(service.incidents_per_user_per_month) * users / HOURS_PER_MONTH,
        business_hours_share=None if share is None else float(share),
        severities=_severities(service),
        outages=_outages(service, contract),
        lost_margin_eur_per_hour=float(service.lost_margin_eur_per_hour),
        effort_sensitivity=float(effect.effort),
        outage_rate_sensitivity=float(effect.outage_rate),
        repair_sensitivity=float(effect.repair),
        key_person_share=float(service.key_person_share),
        change_hours_per_month=float(service.change_hours_per_year) / 12.0,
        compliance_events_per_year=float(
            (service if internal else contract).compliance_events_per_year
        ),
        team=b.team_of.get(sid, -1),
        internal_costs=_internal_costs(service, users) if internal else None,
        contract=None if internal else _contract(b, sid, users),
    )


def _providers(spec: ScenarioSpec) -> dict[str, ProviderInput]:
    out = {}
    for pid, provider in spec.providers.items():
        failure = provider.failure
        p = float(failure.annual_probability)
        rate = 0.0 if p <= 0 else (-math.log1p(-p) if p < 1 else 50.0) / HOURS_PER_YEAR
        out[pid] = ProviderInput(
            id=pid,
            price_escalation_per_year=float(provider.price_escalation_per_year),
            security_incidents_per_year=float(provider.security_incidents_per_year),
            failure_rate_per_hour=rate,
            transition_cost_eur=float(failure.transition_cost_eur),
            degraded_hours=float(failure.degraded_months) * HOURS_PER_MONTH,
            degradation_factor=float(failure.degradation_factor),
            new_contract_premium=float(failure.new_contract_premium),
        )
    return out


def _security(spec: ScenarioSpec, service_ids: tuple[str, ...]) -> SecurityInput:
    security = spec.security
    if security is None:  # no `security` section: no incidents, whoever runs the services
        return SecurityInput(
            service=0,
            incidents_per_year=0.0,
            knowledge_effect=0.0,
            loss_eur=Fixed(0.0),
            downtime_hours=Fixed(0.0),
            affected=(),
        )
    operator = spec.sourcing[security.operations_service]
    if operator == INTERNAL:
        rate = float(security.incidents_per_year_internal)
    else:
        rate = float(spec.providers[operator].security_incidents_per_year)
    return SecurityInput(
        service=service_ids.index(security.operations_service),
        incidents_per_year=rate,
        knowledge_effect=float(security.knowledge_effect),
        loss_eur=security.loss_eur,
        downtime_hours=security.downtime_hours,
        affected=tuple(
            (service_ids.index(sid), float(p))
            for sid, p in sorted(security.affected_services.items())
        ),
    )


def user_hours_share(company, business: Calendar) -> float:
    """Paid hours a user works per open business hour: weekly hours over opening hours, less
    vacation and sickness (e.g. 40 / 50 x (1 - 40 / 260.7) = 0.68)."""
    presence = 1.0 - float(company.absence_days_per_year) / working_days_per_year(business)
    weekly = min(float(company.working_hours_per_week), business.open_hours_per_week)
    return weekly / business.open_hours_per_week * max(presence, 0.0)


def model_input(spec: ScenarioSpec) -> ModelInput:
    """The model's view of a resolved scenario (no uncertain parameters left)."""
    b = _Builder(spec)
    _in_house_team(b)
    _provider_teams(b)
    services = tuple(_service(b, j, sid) for j, sid in enumerate(b.service_ids))
    company = spec.company
    n_months = spec.horizon_years * 12
    growth = float(company.wage_growth_per_year)
    return ModelInput(
        horizon_hours=spec.horizon_years * HOURS_PER_YEAR,
        n_months=n_months,
        calendar=b.business,
        employees=company.employees,
        hourly_cost_eur=float(company.loaded_hourly_cost_eur),
        user_hours_share=user_hours_share(company, b.business),
        wage_index=(1.0 + growth) ** (np.arange(n_months) // 12),
        services=services,
        teams=tuple(b.teams),
        providers=_providers(spec),
        security=_security(spec, b.service_ids),
        skills=b.skills,
        change_bought=spec.change.unmet == UnmetChange.BUY,
        change_rate_eur_per_hour=float(spec.change.rate_eur_per_hour),
        change_deferral_eur_per_hour=float(spec.change.deferral_cost_eur_per_hour),
        compliance_loss_eur=spec.compliance.loss_eur,
        transition_staff_eur=transition_staff_cost(spec),
    )


def transition_staff_cost(spec: ScenarioSpec) -> float:
    """Posts of today's team the scenario gives up: each costs its monthly pay (with on-costs)
    for the dual-running months, and severance unless the person transfers to the provider."""
    staff = spec.staff
    months = float(staff.dual_running_months) + (1.0 - float(staff.transfer_share)) * float(
        staff.severance_months
    )
    on_costs = 1.0 + float(spec.company.on_costs_share)
    total = 0.0
    for role_id, current in spec.company.current_team.items():
        given_up = max(0, current - spec.team.roles.get(role_id, 0))
        if given_up:
            salary = float(spec.roles[role_id].annual_salary_eur)
            total += given_up * salary * on_costs / 12.0 * months
    return total
