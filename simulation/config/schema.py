"""The experiment schema: pydantic models that validate a merged YAML tree into an experiment."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    create_model,
    model_validator,
)

from simulation.config.distributions import (
    Distribution,
    DistributionSpecError,
    Fixed,
    parse_distribution,
)
from simulation.errors import NO_VALUE

SEVERITIES: tuple[str, ...] = ("P1", "P2", "P3", "P4")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTERNAL = "internal"
#: Expected tickets of one service in one replication at most (about a minute of simulation).
MAX_TICKETS = 2_000_000


class ConfigValueError(ValueError):
    """A validation failure deeper than the field pydantic reports: carries a sub-path and value."""

    def __init__(self, subpath: str, value: Any, expected: str) -> None:
        self.subpath = subpath
        self.value = value
        self.expected = expected
        super().__init__(f"@{subpath}@{expected}")


# --------------------------------------------------------------------------------------------
# Numbers that may be uncertain, and distributions sampled per event
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uncertain:
    """A parameter whose true value is unknown: drawn once per replication from `dist`."""

    dist: Distribution

    def __repr__(self) -> str:
        return f"Uncertain({self.dist!r})"

    @property
    def mean(self) -> float:
        return float(self.dist.mean)


def _support_check(dist: Distribution, low: float | None, high: float | None, what: str) -> None:
    lo, hi = dist.support
    if low is not None and lo < low - 1e-12:
        raise ValueError(f"{what} (the distribution {dist!r} reaches {lo:g})")
    if high is not None and hi > high + 1e-12:
        raise ValueError(f"{what} (the distribution {dist!r} reaches {hi:g})")


#: Largest magnitude of any number in a config (a trillion: far above any cost, count or
#: duration of a company's IT; larger values overflow sums and are typing errors).
MAX_MAGNITUDE = 1e12


def _number_or_dist(value: Any) -> float | Distribution:
    if isinstance(value, bool):
        raise ValueError("a number or a distribution spec, not a boolean")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("a finite number")
        if abs(value) > MAX_MAGNITUDE:
            raise ValueError(f"a number of at most {MAX_MAGNITUDE:.0e} in size")
        return float(value)
    if isinstance(value, dict | str):
        try:
            return _bounded(parse_distribution(value))
        except DistributionSpecError as exc:
            raise ConfigValueError(exc.key, NO_VALUE, str(exc)) from None
    if isinstance(value, Uncertain):
        return value.dist
    if isinstance(value, Distribution):
        return value
    raise ValueError(
        "a number or a distribution spec such as {dist: pert, min: 1, mode: 2, max: 4}"
    )


def _bounded(dist: Distribution) -> Distribution:
    """The distribution, if its mean and its 0.1% and 99.9% quantiles are finite numbers of at
    most MAX_MAGNITUDE (parameters that overflow would write infinite costs into results)."""
    try:
        values = [float(dist.mean), *np.asarray(dist.ppf(np.array([0.001, 0.999])), dtype=float)]
    except (OverflowError, ValueError, ZeroDivisionError):
        values = [math.inf]
    if not all(math.isfinite(v) and abs(v) <= MAX_MAGNITUDE for v in values):
        raise ValueError(
            f"a distribution whose mean and 99.9% range stay within ±{MAX_MAGNITUDE:.0e} "
            f"({dist!r} has mean {values[0]:.3g})"
        )
    return dist


def _param_validator(low: float | None, high: float | None, what: str, strict_low: bool = False):
    def validate(value: Any) -> float | Uncertain:
        parsed = _number_or_dist(value)
        if isinstance(parsed, Fixed):
            parsed = float(parsed.mean)
        if isinstance(parsed, float):
            if low is not None and (parsed < low or (strict_low and parsed <= low)):
                raise ValueError(what)
            if high is not None and parsed > high:
                raise ValueError(what)
            return parsed
        _support_check(parsed, low, high, what)
        return Uncertain(parsed)

    return PlainValidator(validate)


def _event_validator(low: float | None, what: str):
    def validate(value: Any) -> Distribution:
        parsed = _number_or_dist(value)
        dist = Fixed(parsed) if isinstance(parsed, float) else parsed
        if low is not None:
            _support_check(dist, low, None, what)
        return dist

    return PlainValidator(validate)


# An uncertain parameter: a number, or a distribution drawn once per replication.
WorkingHours = Annotated[
    float | Uncertain, _param_validator(1.0, 168.0, "hours per week between 1 and 168")
]
Param = Annotated[float | Uncertain, _param_validator(None, None, "a number")]
NonNegParam = Annotated[float | Uncertain, _param_validator(0.0, None, "a value >= 0")]
PosParam = Annotated[float | Uncertain, _param_validator(0.0, None, "a value > 0", strict_low=True)]
ProbParam = Annotated[
    float | Uncertain, _param_validator(0.0, 1.0, "a probability between 0 and 1")
]
# A yearly growth rate: above -100% (prices cannot fall below zero), at most +100%.
GrowthParam = Annotated[
    float | Uncertain,
    _param_validator(-1.0, 1.0, "a yearly rate above -1 (-100%) and at most 1", strict_low=True),
]
# Days per year of a person's working year (260 working days).
DaysParam = Annotated[
    float | Uncertain, _param_validator(0.0, 260.0, "days per year between 0 and 260")
]
# A duration in months: at most 50 years (the horizon is at most 30).
MonthsParam = Annotated[float | Uncertain, _param_validator(0.0, 600.0, "months between 0 and 600")]
# A distribution sampled afresh for every event (ticket effort, repair time, loss per event).
EventDist = Annotated[Distribution, _event_validator(0.0, "a distribution of values >= 0")]

# Plain numbers: strict, so that `true` is not read as 1 (YAML booleans are no numbers).
Int = Annotated[int, Field(strict=True)]
Float = Annotated[float, Field(strict=True)]
Probability = Annotated[float, Field(ge=0.0, le=1.0, strict=True)]
# People in a role (a company of at most a million employees needs no more in one IT role).
Headcount = Annotated[int, Field(strict=True, ge=0, le=1000)]


class Strict(BaseModel):
    """Base of every config model: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# --------------------------------------------------------------------------------------------
# Choices
# --------------------------------------------------------------------------------------------


class SamplingMethod(StrEnum):
    RANDOM = "random"
    LHS = "lhs"
    SOBOL = "sobol"


class Coverage(StrEnum):
    """Service hours of a delivery team, in house or at a provider."""

    BUSINESS_HOURS = "business_hours"
    EXTENDED_HOURS = "extended_hours"
    ON_CALL = "on_call"  # business hours, urgent work called out at night
    ALWAYS = "24x7"


class Staffing(StrEnum):
    """How a team's members are staffed: persons (absences empty the post) or seats."""

    PERSONS = "persons"
    SEATS = "seats"  # a rota staffs each seat throughout the service hours; absences covered


class TenureDistribution(StrEnum):
    EXPONENTIAL = "exponential"
    WEIBULL = "weibull"


class FailureDistribution(StrEnum):
    EXPONENTIAL = "exponential"
    WEIBULL = "weibull"


class CostCategory(StrEnum):
    PERSONNEL = "personnel"
    VENDOR_MANAGEMENT = "vendor_management"


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


class SimulationSettings(Strict):
    """How long and how often to simulate."""

    horizon_years: Int = Field(5, ge=1, le=30)
    runs: Int = Field(1000, ge=1, le=100_000)
    seed: Int = Field(20261126, ge=0, le=2**63 - 1)
    discount_rate: Float = Field(0.08, gt=-1.0, le=1.0)
    sampling: SamplingMethod = SamplingMethod.RANDOM


class BusinessHours(Strict):
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    start_hour: Int = Field(8, ge=0, le=23)
    end_hour: Int = Field(18, ge=1, le=24)

    @model_validator(mode="after")
    def _check(self) -> BusinessHours:
        for i, day in enumerate(self.days):
            if day not in WEEKDAYS:
                raise ConfigValueError(f"days.{i}", day, f"one of {', '.join(WEEKDAYS)}")
        if not self.days:
            raise ConfigValueError("days", [], "at least one weekday (e.g. [mon, tue, wed])")
        if len(set(self.days)) != len(self.days):
            raise ConfigValueError("days", list(self.days), "each weekday at most once")
        if self.end_hour <= self.start_hour:
            raise ConfigValueError(
                "end_hour", self.end_hour, f"an hour after start_hour (={self.start_hour})"
            )
        return self

    @property
    def weekday_numbers(self) -> tuple[int, ...]:
        return tuple(sorted(WEEKDAYS.index(d) for d in self.days))


class Company(Strict):
    """The company whose IT is simulated."""

    name: str = "Company"
    employees: Int = Field(gt=0, le=1_000_000)
    loaded_hourly_cost_eur: NonNegParam
    working_hours_per_week: WorkingHours = 40.0
    absence_days_per_year: NonNegParam = 40.0
    current_team: dict[str, Headcount] = {}  # today's in-house headcount per role (transitions)
    on_costs_share: NonNegParam = 0.28
    wage_growth_per_year: GrowthParam = 0.03
    business_hours: BusinessHours = BusinessHours()
    extended_hours: BusinessHours = BusinessHours(start_hour=7, end_hour=20)

    @model_validator(mode="after")
    def _check(self) -> Company:
        days = self.absence_days_per_year
        high = days.dist.support[1] if isinstance(days, Uncertain) else days
        if high >= 260:
            raise ConfigValueError(
                "absence_days_per_year", days, "fewer working days than a year has (< 260)"
            )
        return self


class Severity(Strict):
    share: Probability
    effort_hours: EventDist
    users_affected: NonNegParam = 1.0
    productivity_loss: ProbParam = 0.5
    workaround_hours: NonNegParam | None = None  # business hours until a workaround helps
    residual_loss_share: ProbParam = 1.0  # share of the loss left once the workaround helps


class Outages(Strict):
    mtbf_hours: PosParam
    time_to_failure: FailureDistribution = FailureDistribution.EXPONENTIAL
    weibull_shape: PosParam = 1.5
    repair_hours: EventDist
    productivity_loss: ProbParam = 1.0


class InternalCosts(Strict):
    hardware_eur: NonNegParam = 0.0
    refresh_years: PosParam = 5.0
    first_purchase_year: NonNegParam = 0.0
    licences_eur_per_user_per_month: NonNegParam = 0.0
    running_eur_per_month: NonNegParam = 0.0


class KnowledgeEffect(Strict):
    effort: NonNegParam = 1.0
    outage_rate: NonNegParam = 0.5
    repair: NonNegParam = 1.0


class Service(Strict):
    name: str
    name_de: str | None = None
    skill: str
    users: Int | None = Field(None, ge=0, le=1_000_000)
    incidents_per_user_per_month: NonNegParam
    business_hours_share: ProbParam | None = None
    severities: dict[str, Severity]
    outages: Outages | None = None
    lost_margin_eur_per_hour: NonNegParam = 0.0
    internal_costs: InternalCosts = InternalCosts()
    knowledge_effect: KnowledgeEffect = KnowledgeEffect()
    knowledge_half_life_years: PosParam | None = None
    key_person_share: ProbParam = 0.0
    change_hours_per_year: NonNegParam = 0.0  # change and improvement work the service needs
    compliance_events_per_year: NonNegParam = 0.0  # data-protection/compliance events in house

    @model_validator(mode="after")
    def _check(self) -> Service:
        keys = set(self.severities)
        if keys != set(SEVERITIES):
            missing = sorted(set(SEVERITIES) - keys)
            extra = sorted(keys - set(SEVERITIES))
            detail = (f"missing {missing}" if missing else "") + (
                f" unknown {extra}" if extra else ""
            )
            raise ConfigValueError(
                "severities", sorted(keys), f"exactly P1, P2, P3, P4 ({detail.strip()})"
            )
        total = sum(self.severities[s].share for s in SEVERITIES)
        if abs(total - 1.0) > 1e-6:
            raise ConfigValueError(
                "severities",
                {s: self.severities[s].share for s in SEVERITIES},
                f"shares summing to 1 (they sum to {total:g})",
            )
        return self


class StaffPolicy(Strict):
    """How people come, go, learn and forget; applies to every role unless a scenario overrides."""

    turnover_rate_per_year: NonNegParam
    tenure_distribution: TenureDistribution = TenureDistribution.EXPONENTIAL
    weibull_shape: PosParam = 1.5
    notice_period_months: MonthsParam = 1.0
    time_to_fill_months: EventDist
    recruiting_cost_share_of_salary: NonNegParam = 0.2
    onboarding_months: MonthsParam = 6.0
    new_hire_productivity: ProbParam = 0.5
    new_hire_knowledge: ProbParam = 0.6
    initial_knowledge: ProbParam = 0.9
    knowledge_half_life_years: PosParam = 3.0
    training_days_per_year: DaysParam = 5.0
    training_sessions_per_year: Int = Field(2, ge=1, le=52)
    knowledge_gain_per_training_day: NonNegParam = 0.05
    training_cost_eur_per_day: NonNegParam = 600.0
    vacation_days_per_year: DaysParam = 30.0
    sick_days_per_year: DaysParam = 10.0
    sickness_episode_days: Annotated[
        float | Uncertain, _param_validator(0.0, 260.0, "days between 0 and 260", strict_low=True)
    ] = 3.0
    key_person_rebuild_months: MonthsParam = 12.0
    interim_cover_months: MonthsParam | None = None  # months until an interim covers a vacancy
    interim_day_rate_eur: NonNegParam = 0.0  # EUR per working day of an interim
    interim_knowledge: ProbParam = 0.5  # an interim's knowledge of the company's systems
    severance_months: MonthsParam = 0.0  # months of salary for a post given up
    transfer_share: ProbParam = 0.0  # share of given-up staff transferred to the provider
    dual_running_months: MonthsParam = 0.0  # months given-up staff stay on during a transition
    on_call_allowance_eur_per_week: NonNegParam = 0.0
    on_call_callout_hours: NonNegParam = 0.5
    working_hours_per_week: WorkingHours = 40.0


def _optional_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Every field of `model` as optional (None = not set), with its validators kept."""
    fields = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if field.metadata:
            annotation = Annotated[annotation, *field.metadata]
        fields[name] = (annotation | None, None)
    return fields


# The same keys as StaffPolicy, each optional: what a provider (or a contract) sets differently.
StaffOverrides = create_model("StaffOverrides", __base__=Strict, **_optional_fields(StaffPolicy))  # type: ignore[call-overload]
StaffOverrides.__doc__ = "Staff policy keys that differ from the company's `staff` section."


def merged_staff(base: StaffPolicy, *overrides: BaseModel) -> StaffPolicy:
    """The policy `base` with every key set (not None) in `overrides` replaced, in order."""
    values = _fields(base)
    for override in overrides:
        values.update({k: v for k, v in _fields(override).items() if v is not None})
    return StaffPolicy.model_validate(values)


class EmergencyCover(Strict):
    """A contractor (or retainer) who does urgent work when no holder of its skill is present."""

    response_hours: NonNegParam = 4.0  # from the job waiting unstaffed to the contractor working
    hourly_rate_eur: NonNegParam = 0.0
    knowledge: ProbParam = 0.5  # the contractor's knowledge of the company's systems
    retainer_eur_per_month: NonNegParam = 0.0


class DeliveryRules(Strict):
    """How a delivery team works, in house or at a provider: the same keys on both sides.

    Urgent work (outage repairs and the `urgent_severities`) runs past closing time once started,
    at full pace, with up to `swarm` people on it; with on-call coverage the `on_call_severities`
    are called out at night. `effort_factor` multiplies every hour of work (the team's pace).
    """

    urgent_severities: tuple[str, ...] = ()
    on_call_severities: tuple[str, ...] = ("P1",)
    on_call_staff: Int = Field(1, ge=0, le=1000)
    swarm: Int = Field(1, ge=1, le=20)
    # peak members join when more jobs than this wait
    peak_queue: Int = Field(10, ge=0, le=1_000_000)
    staffing: Staffing = Staffing.PERSONS
    effort_factor: PosParam = 1.0
    emergency: EmergencyCover | None = None

    @model_validator(mode="after")
    def _check_severities(self) -> DeliveryRules:
        for name in ("urgent_severities", "on_call_severities"):
            for i, sev in enumerate(getattr(self, name)):
                if sev not in SEVERITIES:
                    raise ConfigValueError(f"{name}.{i}", sev, "one of P1, P2, P3, P4")
        return self


class Role(Strict):
    name: str | None = None
    name_de: str | None = None  # the role's name in German reports
    skills: tuple[str, ...] = Field(min_length=1)
    annual_salary_eur: NonNegParam
    cost_category: CostCategory = CostCategory.PERSONNEL


class CreditTier(Strict):
    below: Probability
    credit_share: Probability


class SLA(Strict):
    response_hours: dict[str, Float]
    resolution_hours: dict[str, Float]
    availability: Probability = 0.999
    credit_tiers: tuple[CreditTier, ...] = ()
    credit_cap_share: Probability = 1.0

    @model_validator(mode="after")
    def _check(self) -> SLA:
        for name in ("response_hours", "resolution_hours"):
            table = getattr(self, name)
            if set(table) != set(SEVERITIES):
                raise ConfigValueError(name, sorted(table), "targets for exactly P1, P2, P3, P4")
            for sev, hours in table.items():
                if not hours > 0:
                    raise ConfigValueError(f"{name}.{sev}", hours, "a target in hours > 0")
        return self


class ContractTeam(DeliveryRules):
    """The provider's delivery team for one contract, described like the in-house team.

    `agents` is the capacity available to this client at a time (a pooled provider may count
    more agents than the fee pays full-time); `peak_agents` more join from the provider's pool
    while more than `peak_queue` jobs wait; `staff` overrides the provider's staff policy.
    """

    agents: Int = Field(1, ge=1, le=200)
    peak_agents: Int = Field(0, ge=0, le=200)
    staff: StaffOverrides = Field(default_factory=lambda: StaffOverrides())


_SIMULATED_TIMES = (
    "no longer a key: response and resolution times are simulated by the delivery model; "
    "describe the provider's delivery team under `team` (agents, staff.initial_knowledge, ...)"
)


class Contract(Strict):
    """What a provider delivers for one service, in which service hours, and at what price."""

    coverage: Coverage | None = None  # service hours; default: the provider's `coverage`
    team: ContractTeam = Field(default_factory=lambda: ContractTeam())
    fee_per_user_per_month_eur: NonNegParam = 0.0
    fixed_fee_per_month_eur: NonNegParam = 0.0
    fee_per_ticket_eur: NonNegParam = 0.0
    included_tickets_per_month: NonNegParam | None = None  # volume band; None = unlimited
    overage_fee_per_ticket_eur: NonNegParam = 0.0
    minimum_term_months: MonthsParam = 0.0
    setup_cost_eur: NonNegParam = 0.0
    licences_retained_eur_per_user_per_month: NonNegParam = 0.0
    sla: SLA
    outage_rate_factor: NonNegParam = 1.0
    repair_hours: EventDist | None = None
    vendor_management_hours_per_month: NonNegParam = 0.0
    # the provider's T&M rate for change work; required when the service has change hours
    change_rate_eur_per_hour: NonNegParam = 0.0
    compliance_events_per_year: NonNegParam = 0.0  # events with the provider holding the data
    transition_months: MonthsParam = 0.0  # knowledge transfer at go-live: work is slower ...
    transition_effort_factor: PosParam = 1.0  # ... by this factor
    exit_cost_eur: NonNegParam = 0.0  # re-tender and data exit at the end of the horizon

    @model_validator(mode="before")
    @classmethod
    def _removed_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("response_hours", "resolution_hours"):
                if key in data:
                    raise ConfigValueError(key, NO_VALUE, _SIMULATED_TIMES)
        return data


class ProviderFailure(Strict):
    annual_probability: ProbParam = 0.0
    transition_cost_eur: NonNegParam = 0.0
    degraded_months: MonthsParam = 3.0
    degradation_factor: NonNegParam = 2.0
    new_contract_premium: NonNegParam = 0.15


class Provider(Strict):
    name: str
    name_de: str | None = None  # the German name in reports (default: `name`)
    coverage: Coverage = Coverage.BUSINESS_HOURS  # default service hours of its contracts
    coverage_price_factor: dict[Coverage, PosParam] = {}  # fee multiplier by service hours
    price_escalation_per_year: GrowthParam = 0.03
    performance_factor: PosParam = 1.0  # multiplies the effort of the provider's team
    security_incidents_per_year: NonNegParam = 0.0
    staff: StaffOverrides = Field(default_factory=lambda: StaffOverrides())
    failure: ProviderFailure = ProviderFailure()
    contracts: dict[str, Contract]

    def contract_coverage(self, service: str) -> Coverage:
        """Service hours of the contract for `service`."""
        return self.contracts[service].coverage or self.coverage

    def price_factor(self, coverage: Coverage) -> float | Uncertain:
        """Fee multiplier for a contract in these service hours (1 if not listed)."""
        return self.coverage_price_factor.get(coverage, 1.0)


class UnmetChange(StrEnum):
    BUY = "buy"  # bought at a time-and-materials rate
    DEFER = "defer"  # postponed, at a cost per hour


class Change(Strict):
    """Change and project work the in-house team cannot do with the time incidents leave."""

    unmet: UnmetChange = UnmetChange.BUY
    # T&M rate when bought; required (see Experiment._check_change_prices) when in-house
    # services have change hours, as the provider's rate is for contracted ones
    rate_eur_per_hour: NonNegParam = 0.0
    deferral_cost_eur_per_hour: NonNegParam = 0.0  # cost of an hour postponed (risk)


class Correlation(Strict):
    """Two uncertain parameters that move together: a Spearman rank correlation in [-1, 1]."""

    between: tuple[str, str]  # dotted parameter paths, as `itsim validate` lists them
    rank_correlation: Annotated[float, Field(ge=-1.0, le=1.0, strict=False)]


class Compliance(Strict):
    """Data-protection and compliance events: rates per service and contract, loss per event."""

    loss_eur: EventDist = Fixed(0.0)


class Security(Strict):
    operations_service: str = "security_operations"
    incidents_per_year_internal: NonNegParam = 0.0
    knowledge_effect: NonNegParam = 1.0
    loss_eur: EventDist = Fixed(0.0)
    downtime_hours: EventDist = Fixed(0.0)
    affected_services: dict[str, Probability] = {}


class Sizing(Strict):
    """How `roles: auto` sizes an in-house team (see `simulation.config.sizing`)."""

    target_utilisation: Annotated[float, Field(gt=0.0, le=1.0, strict=True)] = 0.6
    users_per_fte: Annotated[float, Field(gt=0.0, strict=True)] | None = None
    min_holders: Int = Field(2, ge=1, le=10)
    roles: tuple[str, ...] = ()  # candidate roles, in order of preference (default: all)


class Team(DeliveryRules):
    """The in-house team of a scenario: headcount per role, service hours and how it works."""

    roles: dict[str, Headcount] | Literal["auto"] = {}
    sizing: Sizing | None = None
    peak_roles: dict[str, Headcount] = {}  # members who join only while the queue is long
    coverage: Coverage = Coverage.BUSINESS_HOURS
    staff: dict[str, Any] = {}

    @model_validator(mode="after")
    def _check(self) -> Team:
        for role, count in (self.roles if isinstance(self.roles, dict) else {}).items():
            if count < 0:
                raise ConfigValueError(f"roles.{role}", count, "a headcount >= 0")
        unknown = set(self.staff) - set(StaffPolicy.model_fields)
        if unknown:
            key = sorted(unknown)[0]
            raise ConfigValueError(
                f"staff.{key}", self.staff[key], _unknown_key_hint(key, StaffPolicy.model_fields)
            )
        return self


class Scenario(Strict):
    description: str = ""
    description_de: str | None = None  # the description in German reports
    label: str | None = None
    label_de: str | None = None
    sourcing: dict[str, str]
    team: Team = Team()


class SensitivityMethod(StrEnum):
    TORNADO = "tornado"
    SPIDER = "spider"
    SOBOL = "sobol"  # variance shares; assumes independent inputs
    DELTA = "delta"  # moment-independent and given-data first-order; valid with correlations
    BREAK_EVEN = "break_even"
    DECISION_MAP = "decision_map"
    STRUCTURAL = "structural"


class SensitivityOutput(Strict):
    """The quantity explained: a scenario's mean or quantile, or a paired difference."""

    statistic: str = "mean"
    scenario: str
    baseline: str | None = None
    column: str = "cost_npv_eur"
    q: Probability = 0.95

    @model_validator(mode="after")
    def _check(self) -> SensitivityOutput:
        if self.statistic not in ("mean", "difference", "quantile"):
            raise ConfigValueError("statistic", self.statistic, "mean, difference or quantile")
        if self.statistic == "difference" and not self.baseline:
            raise ConfigValueError("baseline", None, "a baseline scenario for a difference")
        return self


class Sweep(Strict):
    """Values of one parameter: a list, or `from`/`to` with a number of `steps`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    parameter: str
    values: tuple[Float, ...] | None = None
    start: Float | None = Field(None, alias="from")
    stop: Float | None = Field(None, alias="to")
    steps: Int = Field(11, ge=2, le=200)

    @model_validator(mode="after")
    def _check(self) -> Sweep:
        if self.values is None and (self.start is None or self.stop is None):
            raise ConfigValueError("values", None, "a list of values, or `from` and `to`")
        if self.values is not None and len(self.values) < 2:
            raise ConfigValueError("values", list(self.values), "at least two values")
        return self

    def grid(self) -> list[float]:
        if self.values is not None:
            return [float(v) for v in self.values]
        step = (self.stop - self.start) / (self.steps - 1)
        return [self.start + i * step for i in range(self.steps)]


class BreakEven(Strict):
    a: str
    b: str
    sweep: Sweep


class DecisionMap(Strict):
    x: Sweep
    y: Sweep
    scenarios: tuple[str, ...] = ()


class StructuralVariant(Strict):
    """One structural choice of a config changed: dotted key paths of the config and new values.

    Values may be numbers, words (`coverage: business`), mappings or null; every path must lead
    through keys the config has (the last key may be new, e.g. an optional block).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(min_length=1)
    label: str | None = None
    label_de: str | None = None
    changes: dict[str, Any] = Field(alias="set", min_length=1)


class Structural(Strict):
    """The `structural` block: variants of the config run against every scenario on CRN."""

    runs: Int = Field(100, ge=2, le=100_000)
    variants: tuple[StructuralVariant, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Structural:
        names = [v.name for v in self.variants]
        for i, name in enumerate(names):
            if name == "baseline" or name in names[:i]:
                raise ConfigValueError(
                    f"variants.{i}.name", name, "a unique name other than 'baseline'"
                )
        return self


class SensitivitySettings(Strict):
    """The `sensitivity` section: what `itsim sensitivity` computes."""

    output: SensitivityOutput
    methods: tuple[SensitivityMethod, ...] = (SensitivityMethod.TORNADO, SensitivityMethod.SPIDER)
    runs: Int = Field(20, ge=2, le=100_000)
    parameters: tuple[str, ...] = ()
    low: Probability = 0.1
    high: Probability = 0.9
    percentiles: tuple[Probability, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)
    top: Int = Field(8, ge=1, le=100)
    sobol_n: Int = Field(64, ge=2, le=65_536)
    sobol_runs: Int | None = Field(None, ge=1, le=100_000)
    sobol_parameters: tuple[str, ...] = ()
    delta_n: Int = Field(256, ge=64, le=65_536)  # design points of the joint distribution
    delta_runs: Int | None = Field(None, ge=1, le=100_000)
    delta_parameters: tuple[str, ...] = ()
    break_even: BreakEven | None = None
    decision_map: DecisionMap | None = None
    structural: Structural | None = None

    @model_validator(mode="after")
    def _check(self) -> SensitivitySettings:
        if self.sobol_n & (self.sobol_n - 1):
            raise ConfigValueError("sobol_n", self.sobol_n, "a power of two (16, 32, 64, ...)")
        if not self.low < self.high:
            raise ConfigValueError("low", self.low, f"below high (={self.high})")
        if SensitivityMethod.BREAK_EVEN in self.methods and self.break_even is None:
            raise ConfigValueError("break_even", None, "a break_even block for method break_even")
        if SensitivityMethod.DECISION_MAP in self.methods and self.decision_map is None:
            raise ConfigValueError(
                "decision_map", None, "a decision_map block for method decision_map"
            )
        if SensitivityMethod.STRUCTURAL in self.methods and self.structural is None:
            raise ConfigValueError("structural", None, "a structural block for method structural")
        return self


#: Top-level sections a config may leave out or set to null, and what that means. Absence
#: means the same for every option, in house or at a provider: that mechanism adds nothing.
OPTIONAL_SECTIONS: dict[str, str] = {
    "name": "'experiment'",
    "description": "empty",
    "simulation": "the defaults of its keys",
    "roles": "no roles: only options without an in-house team validate",
    "providers": "no provider: every scenario runs every service in house",
    "security": "no security incidents for any option",
    "change": "the defaults of its keys; needs a rate when in-house services have change work",
    "compliance": "no compliance losses for any option (loss per event 0 EUR)",
    "sensitivity": "no sensitivity analysis (`itsim sensitivity` refuses the config)",
    "correlations": "independent uncertain parameters",
}


def _unknown_key_hint(key: str, known: Any) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f"a known key; did you mean '{close[0]}'?" if close else "a known key"


class Experiment(Strict):
    """The whole validated experiment: settings, company, services, people, providers, scenarios."""

    name: str = "experiment"
    description: str = ""
    simulation: SimulationSettings = SimulationSettings()
    company: Company
    services: dict[str, Service] = Field(min_length=1)
    staff: StaffPolicy
    roles: dict[str, Role] = {}
    providers: dict[str, Provider] = {}
    # None (left out, or null): no security incidents for any option, in house or at a provider
    # (providers' `security_incidents_per_year` play no part then)
    security: Security | None = None
    change: Change = Change()
    compliance: Compliance = Compliance()
    scenarios: dict[str, Scenario] = Field(min_length=1)
    sensitivity: SensitivitySettings | None = None
    # Spearman rank correlations between uncertain parameters; none: independent inputs
    correlations: tuple[Correlation, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _null_sections(cls, data: Any) -> Any:
        """A section set to null is a section left out: its defaults (see OPTIONAL_SECTIONS)."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (v is None and k in OPTIONAL_SECTIONS)}
        return data

    def scenario_label(self, name: str, lang: str = "en") -> str:
        """A scenario's display label: in German `label_de`, else `label`, else its name."""
        scenario = self.scenarios[name]
        return (scenario.label_de if lang == "de" else None) or scenario.label or name

    def scenario_labels(self, names, lang: str = "en") -> dict[str, str]:
        """Display labels of the scenarios `names` in `lang` (see `scenario_label`)."""
        return {name: self.scenario_label(name, lang) for name in names}

    @model_validator(mode="after")
    def _cross_check(self) -> Experiment:
        for pid, provider in self.providers.items():
            self._check_provider(pid, provider)
        if self.security is not None:
            self._require_service("security.operations_service", self.security.operations_service)
            for sid in self.security.affected_services:
                self._require_service(f"security.affected_services.{sid}", sid)
        for role, count in self.company.current_team.items():
            if role not in self.roles:
                raise ConfigValueError(
                    f"company.current_team.{role}",
                    role,
                    f"a role in `roles` ({', '.join(self.roles)})",
                )
            if count < 0:
                raise ConfigValueError(f"company.current_team.{role}", count, "a headcount >= 0")
        for name, scenario in self.scenarios.items():
            self._check_scenario(name, scenario)
        if self.sensitivity is not None:
            self._check_sensitivity(self.sensitivity)
        self._check_volume()
        self._check_change_prices()
        self._check_correlations()
        return self

    def correlation_pairs(self) -> list[tuple[str, str, float]]:
        """The `correlations` as (path a, path b, Spearman rho) triples."""
        return [(*c.between, float(c.rank_correlation)) for c in self.correlations]

    def _check_correlations(self) -> None:
        """Each pair names two different uncertain parameters, once; together they are possible."""
        if not self.correlations:
            return
        from simulation.config.correlations import invalid_pairs
        from simulation.config.scenario import find_uncertain, scenario_spec

        uncertain = {
            path for name in self.scenarios for path, _ in find_uncertain(scenario_spec(self, name))
        }
        seen: set[frozenset[str]] = set()
        for i, corr in enumerate(self.correlations):
            for j, path in enumerate(corr.between):
                if path not in uncertain:
                    raise ConfigValueError(
                        f"correlations.{i}.between.{j}",
                        path,
                        "an uncertain parameter (a distribution; `itsim validate` lists them)",
                    )
            pair = frozenset(corr.between)
            if len(pair) < 2 or pair in seen:
                raise ConfigValueError(
                    f"correlations.{i}.between",
                    list(corr.between),
                    "two different parameters, each pair named once",
                )
            seen.add(pair)
        if self.sensitivity is not None and SensitivityMethod.SOBOL in self.sensitivity.methods:
            raise ConfigValueError(
                "sensitivity.methods",
                [m.value for m in self.sensitivity.methods],
                "no sobol while `correlations` is set: Sobol indices assume independent "
                "inputs; use delta, which is valid for correlated inputs",
            )
        culprits, smallest = invalid_pairs(self.correlation_pairs())
        if culprits:
            named = "; ".join(f"{a} ~ {b}" for a, b in culprits)
            raise ConfigValueError(
                "correlations",
                f"{len(self.correlations)} pairs",
                f"rank correlations that can hold together (positive definite; smallest "
                f"eigenvalue {smallest:.3f}): loosen {named}",
            )

    def _check_change_prices(self) -> None:
        """Change work is priced on both sides, or on neither, by what the analyst wrote.

        A provider bills a service's change hours at its contract's rate; an in-house team buys
        (or defers) the hours it cannot fit at `change`'s rate. A built-in 0 EUR/h on either side
        would make that side's change work free by omission, so a rate is required wherever a
        scenario incurs change hours; an explicit 0 (fee includes it) is accepted.
        """
        changing = {sid for sid, s in self.services.items() if s.change_hours_per_year != 0}
        key = (
            "rate_eur_per_hour"
            if self.change.unmet == UnmetChange.BUY
            else ("deferral_cost_eur_per_hour")
        )
        priced = key in self.change.model_fields_set
        for name, scenario in self.scenarios.items():
            for sid, source in scenario.sourcing.items():
                if sid not in changing:
                    continue
                if source == INTERNAL and not priced:
                    raise ConfigValueError(
                        f"change.{key}",
                        NO_VALUE,
                        f"required key is missing: EUR per hour of the change work the in-house "
                        f"team cannot fit (scenario '{name}' runs '{sid}', which has change "
                        f"hours, in house; a provider bills its contract's change rate)",
                    )
                provider = self.providers.get(source)
                if provider is not None and (
                    "change_rate_eur_per_hour" not in provider.contracts[sid].model_fields_set
                ):
                    raise ConfigValueError(
                        f"providers.{source}.contracts.{sid}.change_rate_eur_per_hour",
                        NO_VALUE,
                        f"required key is missing: EUR per hour the provider bills for change "
                        f"work, 0 if the fee includes it ('{sid}' has change hours; in house, "
                        f"unmet change work costs `change`'s rate)",
                    )

    def _check_volume(self) -> None:
        """Refuse a company whose expected tickets per replication would take hours to simulate."""
        months = 12 * self.simulation.horizon_years
        for sid, service in self.services.items():
            users = self.company.employees if service.users is None else service.users
            rate = service.incidents_per_user_per_month
            mean = rate.mean if isinstance(rate, Uncertain) else rate
            if users * mean * months > MAX_TICKETS:
                raise ConfigValueError(
                    f"services.{sid}.incidents_per_user_per_month",
                    rate,
                    f"at most {MAX_TICKETS:,} tickets per replication ({users:,} users × "
                    f"{mean:g} a month × {months} months is {users * mean * months:,.0f})",
                )

    def _require_service(self, path: str, sid: str) -> None:
        if sid not in self.services:
            raise ConfigValueError(
                path, sid, f"a service in `services` ({', '.join(self.services)})"
            )

    def _check_provider(self, pid: str, provider: Provider) -> None:
        at = f"providers.{pid}"
        for sid, contract in provider.contracts.items():
            self._require_service(f"{at}.contracts.{sid}", sid)
            try:
                merged_staff(self.staff, provider.staff, contract.team.staff)
            except ValidationError as exc:
                first = exc.errors()[0]
                key = ".".join(str(part) for part in first["loc"])
                raise ConfigValueError(
                    f"{at}.contracts.{sid}.team.staff.{key}",
                    first.get("input"),
                    _expectation(first),
                ) from None

    def _check_sensitivity(self, settings: SensitivitySettings) -> None:
        names = list(self.scenarios)
        known = f"a scenario in `scenarios` ({', '.join(names)})"
        output = settings.output
        for key in ("scenario", "baseline"):
            value = getattr(output, key)
            if value is not None and value not in self.scenarios:
                raise ConfigValueError(f"sensitivity.output.{key}", value, known)
        if settings.break_even is not None:
            for key in ("a", "b"):
                value = getattr(settings.break_even, key)
                if value not in self.scenarios:
                    raise ConfigValueError(f"sensitivity.break_even.{key}", value, known)
        if settings.decision_map is not None:
            for i, value in enumerate(settings.decision_map.scenarios):
                if value not in self.scenarios:
                    raise ConfigValueError(f"sensitivity.decision_map.scenarios.{i}", value, known)

    def _check_scenario(self, name: str, scenario: Scenario) -> None:
        at = f"scenarios.{name}"
        for sid, source in scenario.sourcing.items():
            self._require_service(f"{at}.sourcing.{sid}", sid)
            if source != INTERNAL and source not in self.providers:
                raise ConfigValueError(
                    f"{at}.sourcing.{sid}",
                    source,
                    f"'internal' or a provider in `providers` ({', '.join(self.providers)})",
                )
            if source != INTERNAL and sid not in self.providers[source].contracts:
                raise ConfigValueError(
                    f"{at}.sourcing.{sid}",
                    source,
                    f"a provider with a contract for '{sid}' (providers.{source}.contracts)",
                )
        missing = [sid for sid in self.services if sid not in scenario.sourcing]
        if missing:
            raise ConfigValueError(
                f"{at}.sourcing",
                sorted(scenario.sourcing),
                f"a source for every service (missing {missing})",
            )
        try:
            StaffPolicy.model_validate({**_fields(self.staff), **scenario.team.staff})
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(part) for part in first["loc"])
            raise ConfigValueError(
                f"{at}.team.staff.{key}", first.get("input"), _expectation(first)
            ) from None
        sizing = scenario.team.sizing.roles if scenario.team.sizing else ()
        for key, names in (
            ("roles", scenario.team.roles if isinstance(scenario.team.roles, dict) else ()),
            ("peak_roles", scenario.team.peak_roles),
            ("sizing.roles", sizing),
        ):
            for i, role in enumerate(names):
                if role not in self.roles:
                    raise ConfigValueError(
                        f"{at}.team.{key}.{role if key != 'sizing.roles' else i}",
                        role,
                        f"a role in `roles` ({', '.join(self.roles)})",
                    )
        roles = self._team_roles(scenario, at)
        skills = {
            skill for role, count in roles.items() if count > 0 for skill in self.roles[role].skills
        }
        for sid, source in scenario.sourcing.items():
            if source == INTERNAL and self.services[sid].skill not in skills:
                raise ConfigValueError(
                    f"{at}.team.roles",
                    dict(roles),
                    f"someone with skill '{self.services[sid].skill}' for internal service '{sid}'",
                )
        uses_providers = any(source != INTERNAL for source in scenario.sourcing.values())
        needs_vm = uses_providers and any(
            self.providers[source].contracts[sid].vendor_management_hours_per_month != 0
            for sid, source in scenario.sourcing.items()
            if source != INTERNAL
        )
        if needs_vm and "vendor_management" not in skills:
            raise ConfigValueError(
                f"{at}.team.roles",
                dict(roles),  # as sized, when `roles: auto`
                "someone with skill 'vendor_management' (contracts need vendor-management hours)",
            )

    def scenario_staff(self, name: str) -> StaffPolicy:
        """The staff policy of a scenario: the experiment's, with the scenario's overrides."""
        return self.scenario_staff_for(self.scenarios[name])

    def scenario_staff_for(self, scenario: Scenario) -> StaffPolicy:
        overrides = scenario.team.staff
        if not overrides:
            return self.staff
        return StaffPolicy.model_validate({**_fields(self.staff), **overrides})

    def team_roles(self, name: str) -> dict[str, int]:
        """Headcount per role of a scenario's in-house team (sized when `roles: auto`)."""
        return self._team_roles(self.scenarios[name], f"scenarios.{name}")

    def _team_roles(self, scenario: Scenario, at: str) -> dict[str, int]:
        if isinstance(scenario.team.roles, dict):
            return dict(scenario.team.roles)
        from simulation.config.sizing import SizingError, sized_roles

        try:
            return sized_roles(self, scenario)
        except SizingError as exc:
            raise ConfigValueError(f"{at}.team.sizing.roles", "auto", str(exc)) from None


def _expectation(error: Any) -> str:
    """Turn a pydantic error dict into the 'expected ...' phrase of a one-line message."""
    ctx = error.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, ConfigValueError):
        return inner.expected
    msg = str(error.get("msg", "a valid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if msg.startswith("Input should be "):
        msg = msg[len("Input should be ") :]
    return msg


def _fields(model: BaseModel) -> dict[str, Any]:
    """A model's field values, unserialised (uncertain parameters stay objects)."""
    return {name: getattr(model, name) for name in type(model).model_fields}
