"""The ledger of one replication: costs by category, downtime by service and counters, by month."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.model.calendar import HOURS_PER_MONTH

COST_CATEGORIES: tuple[str, ...] = (
    "personnel",  # salaries with employer on-costs and raises, of filled positions
    "recruiting",  # fees per hire
    "training",  # course fees (the time is in personnel and lost capacity)
    "on_call",  # on-call allowances
    "hardware",  # capex of internally run services, bought at each refresh
    "licences",  # software licences per user (internal services, and those kept with providers)
    "operations",  # running costs of internal services (hosting, power, tools)
    "provider_fees",  # per-user, fixed and per-ticket fees, with escalation and premiums
    "service_credits",  # negative: credits paid back by providers for missed availability
    "transition",  # one-off costs: set-up of a contract, provider failure and re-sourcing
    "vendor_management",  # internal time spent steering providers
    "contractors",  # interim cover of vacancies, emergency contractors and retainers
    "change_work",  # change and project work bought at time-and-materials rates
    "downtime",  # productivity lost by users during incidents and outages
    "lost_margin",  # gross margin lost while revenue-critical services are down
    "security_losses",  # losses from security incidents
    "compliance_losses",  # losses from data-protection and compliance events
    "deferred_change",  # cost of change work postponed for lack of capacity
)

COUNTERS: tuple[str, ...] = (
    "incidents_p1",
    "incidents_p2",
    "incidents_p3",
    "incidents_p4",
    "incidents_internal",
    "incidents_external",
    "sla_breaches",
    "sla_response_breaches",
    "sla_resolution_breaches",
    "sla_availability_breaches",
    "departures",
    "provider_staff_departures",
    "hires",
    "vacancy_months",
    "outages",
    "security_incidents",
    "compliance_events",
    "provider_failures",
    "user_hours_lost",
    "on_call_callouts",
    "training_days",
    "staff_hours_available",
    "staff_hours_busy",
    "improvement_hours",
    "change_hours_in_house",
    "change_hours_bought",
    "change_hours_deferred",
    "interim_months",
    "emergency_hours",
    "resolution_hours_total_p1",
    "resolution_hours_total_p2",
    "resolution_hours_total_p3",
    "resolution_hours_total_p4",
    "backlog_at_end",
)

# Budget cost is cash out of the company's accounts; risk cost is what the company loses when
# things go wrong (users' lost time, lost margin, security and compliance losses). Reports show
# both side by side and their total, so that a board sees which option wins on which.
RISK_CATEGORIES: tuple[str, ...] = (
    "downtime",
    "lost_margin",
    "security_losses",
    "compliance_losses",
    "deferred_change",
)
BUDGET_CATEGORIES: tuple[str, ...] = tuple(c for c in COST_CATEGORIES if c not in RISK_CATEGORIES)
COST_GROUPS: dict[str, tuple[str, ...]] = {"budget": BUDGET_CATEGORIES, "risk": RISK_CATEGORIES}

CAT = {name: i for i, name in enumerate(COST_CATEGORIES)}
CNT = {name: i for i, name in enumerate(COUNTERS)}


@dataclass
class Ledger:
    """Preallocated monthly arrays; the model adds to them, nothing else reads them mid-run."""

    n_months: int
    services: tuple[str, ...]
    costs: np.ndarray = field(init=False)
    downtime: np.ndarray = field(init=False)
    counters: np.ndarray = field(init=False)
    service_costs: np.ndarray = field(init=False)  # (service, month): costs attributed

    def __post_init__(self) -> None:
        self.costs = np.zeros((len(COST_CATEGORIES), self.n_months))
        self.downtime = np.zeros((len(self.services), self.n_months))
        self.counters = np.zeros((len(COUNTERS), self.n_months))
        self.service_costs = np.zeros((len(self.services), self.n_months))

    def month(self, t: float) -> int:
        """Month index of clock time t (hours), clipped into the horizon."""
        m = int(t // HOURS_PER_MONTH)
        return 0 if m < 0 else (m if m < self.n_months else self.n_months - 1)

    def add_cost(self, category: str, t: float, amount: float) -> None:
        self.costs[CAT[category], self.month(t)] += amount

    def add_costs_by_month(self, category: str, amounts: np.ndarray) -> None:
        self.costs[CAT[category]] += amounts

    def count(self, counter: str, t: float, n: float = 1.0) -> None:
        self.counters[CNT[counter], self.month(t)] += n

    def count_by_month(self, counter: str, amounts: np.ndarray) -> None:
        self.counters[CNT[counter]] += amounts

    def bin_costs(self, category: str, times: np.ndarray, amounts: np.ndarray) -> None:
        """Add many amounts at once, each to the month of its time."""
        if len(times):
            self.costs[CAT[category]] += self._bin(times, amounts)

    def bin_counts(
        self, counter: str, times: np.ndarray, amounts: np.ndarray | None = None
    ) -> None:
        if len(times):
            self.counters[CNT[counter]] += self._bin(times, amounts)

    def _bin(self, times: np.ndarray, amounts: np.ndarray | None) -> np.ndarray:
        months = np.clip(
            (np.asarray(times) // HOURS_PER_MONTH).astype(np.int64), 0, self.n_months - 1
        )
        return np.bincount(months, weights=amounts, minlength=self.n_months)[: self.n_months]


def discount_factors(n_months: int, annual_rate: float) -> np.ndarray:
    """End-of-month discount factors: month m (0-based) is discounted by (1 + r)^-((m + 1) / 12)."""
    return (1.0 + annual_rate) ** (-(np.arange(n_months) + 1.0) / 12.0)


def net_present_value(monthly_costs: np.ndarray, annual_rate: float) -> float:
    """NPV of monthly cash flows paid at the end of each month, at an annual discount rate."""
    return float(np.asarray(monthly_costs) @ discount_factors(len(monthly_costs), annual_rate))


@dataclass
class ReplicationResult:
    """What one replication returns: monthly arrays plus optional ticket-level detail."""

    costs: np.ndarray  # (category, month), EUR nominal
    downtime: np.ndarray  # (service, month), hours of full outage
    counters: np.ndarray  # (counter, month)
    services: tuple[str, ...]
    service_costs: np.ndarray | None = None  # (service, month), EUR nominal, sums to costs
    tickets: dict[str, np.ndarray] | None = None
    outages: dict[str, np.ndarray] | None = None
