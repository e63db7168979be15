"""The validation checks: the model against closed forms, one function per check.

Every check function takes `quick` (fewer replications, shorter horizons, a looser tolerance) and
`planted_error`, a relative error added to the closed form before judging it (0 in use; tests set
it to show that a check fails when theory and model disagree). It returns one `CheckResult` per
compared quantity; checks that share a simulation return several. Replication r of a check always
uses `ReplicationStreams(SEED, r)`, so every table is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from simulation.config.distributions import LogNormal
from simulation.model.calendar import HOURS_PER_MONTH, HOURS_PER_YEAR
from simulation.model.contracts import service_credits
from simulation.model.inputs import model_input
from simulation.model.ledger import CAT, CNT, RISK_CATEGORIES, discount_factors, net_present_value
from simulation.montecarlo.runner import replication_frames
from simulation.verify import builders as b
from simulation.verify import theory
from simulation.verify.estimates import (
    Estimate,
    mean_estimate,
    rate_estimate,
    ratio_estimate,
    variance_estimate,
)


@dataclass(frozen=True)
class CheckResult:
    """One row of the validation table."""

    check: str  # stable id, e.g. "erlang_c_wait_load_0.80"
    title: str  # short English description
    title_de: str  # the same in German
    unit: str
    theory: float
    simulated: float
    low: float  # 95% interval of the simulated value
    high: float
    tolerance: str  # how pass or fail is decided
    passed: bool
    seconds: float = 0.0


@dataclass(frozen=True)
class Size:
    """How much simulation a check runs, and the tolerance that sample size supports."""

    replications: int
    years: int
    rel_tolerance: float


def pick(quick: bool, full: Size, fast: Size) -> Size:
    """The quick or the full size of a check."""
    return fast if quick else full


def judged(
    meta: tuple[str, str, str, str],
    closed_form: float,
    estimate: Estimate,
    rel_tolerance: float,
    planted_error: float = 0.0,
) -> CheckResult:
    """A result row: the closed form (shifted by `planted_error`) against the estimate."""
    target = closed_form * (1.0 + planted_error)
    rule = f"theory inside the 99.9% interval, whose half-width is <= {rel_tolerance:.0%} of theory"
    passed = bool(estimate.passes(target, rel_tolerance))
    return CheckResult(*meta, target, estimate.value, estimate.low, estimate.high, rule, passed)


def exact_result(
    meta: tuple[str, str, str, str], closed_form: float, value: float, planted_error: float
) -> CheckResult:
    """A result row for a deterministic comparison: equal within floating-point rounding."""
    target = closed_form * (1.0 + planted_error)
    rule = "equal within 1e-12 (relative; deterministic)"
    passed = bool(abs(value - target) <= 1e-12 * max(abs(target), 1.0))
    return CheckResult(*meta, target, value, value, value, rule, passed)


# --- queues -------------------------------------------------------------------------------------

SERVERS = 3  # agents of the M/M/c checks, each working at rate 1 per hour (mean effort 1 hour)
# ~10% relative SD of a one-year replication's mean wait at loads 0.5-0.8 (measured): 25 x 4
# years give a 99.9% half-width of ~4%, 12 x 2 years ~9%. (full, quick)
QUEUE_SIZES = (Size(25, 4, 0.05), Size(12, 2, 0.15))


def mean_waits(tree: dict, replications: int, by_severity: tuple[int, ...] = ()) -> np.ndarray:
    """Each replication's mean wait (hours from arrival to start of work) of all tickets, or of
    each severity in `by_severity` (columns). Tickets still queued at the horizon have no start
    and are left out (a few in hundreds of thousands)."""
    rows = []
    for r in range(replications):
        tickets = b.run(tree, replication=r, detail=True).tickets
        wait = tickets["start"] - tickets["time"]
        if by_severity:
            rows.append([np.nanmean(wait[tickets["severity"] == s]) for s in by_severity])
        else:
            rows.append(np.nanmean(wait))
    return np.asarray(rows, dtype=float)


def erlang_c_wait(
    load: float, quick: bool = False, planted_error: float = 0.0, sourcing: str = "internal"
) -> list[CheckResult]:
    """M/M/3 mean wait in queue at `load` (arrivals / capacity) against Erlang C."""
    size = pick(quick, *QUEUE_SIZES)
    users = round(load * SERVERS * 730)  # one ticket per user and month of 730 hours
    arrival_rate = users / 730
    tree = b.mmc_tree(
        SERVERS, users, b.exponential_effort(1.0), years=size.years, sourcing=sourcing
    )
    waits = mean_waits(tree, size.replications)
    side = "" if sourcing == "internal" else "_provider"
    meta = (
        f"erlang_c_wait_load_{load:.2f}{side}",
        f"M/M/3 mean wait, load {load:.2f} (Erlang C)",
        f"M/M/3 mittlere Wartezeit, Auslastung {load:.2f} (Erlang C)".replace(".", ","),
        "hours",
    )
    closed_form = theory.mmc_mean_wait(arrival_rate, 1.0, SERVERS)
    return [judged(meta, closed_form, mean_estimate(waits), size.rel_tolerance, planted_error)]


COBHAM_SHARES = {"P1": 0.2, "P2": 0.0, "P3": 0.0, "P4": 0.8}


def cobham_waits(
    quick: bool = False, planted_error: float = 0.0, sourcing: str = "internal"
) -> list[CheckResult]:
    """Non-preemptive priorities in M/M/3 at load 2/3: each class's mean wait against Cobham."""
    size = pick(quick, Size(25, 4, 0.06), Size(12, 2, 0.15))
    users = 1460  # 2 tickets an hour; 20% P1, 80% P4, all with exponential 1-hour efforts
    severities = b.priority_severities(COBHAM_SHARES, b.exponential_effort(1.0))
    tree = b.mmc_tree(SERVERS, users, severities=severities, years=size.years, sourcing=sourcing)
    waits = mean_waits(tree, size.replications, by_severity=(0, 3))
    rates = [COBHAM_SHARES["P1"] * users / 730, COBHAM_SHARES["P4"] * users / 730]
    closed_forms = theory.cobham_waits(rates, 1.0, SERVERS)
    results = []
    for column, (name, closed_form) in enumerate(zip(("P1", "P4"), closed_forms, strict=True)):
        side = "" if sourcing == "internal" else "_provider"
        meta = (
            f"cobham_wait_{name.lower()}{side}",
            f"Priority M/M/3 mean wait of {name}, load 0.67 (Cobham)",
            f"Prioritäten-M/M/3 mittlere Wartezeit {name}, Auslastung 0,67 (Cobham)",
            "hours",
        )
        estimate = mean_estimate(waits[:, column])
        results.append(judged(meta, closed_form, estimate, size.rel_tolerance, planted_error))
    return results


def sla_tails(
    quick: bool = False, planted_error: float = 0.0, coverage: str = "business_hours"
) -> list[CheckResult]:
    """SLA breach shares of a provider's M/M/1 queue in its service hours against the
    FCFS M/M/1 wait and sojourn tails (the SLA clock runs in the contract's hours)."""
    # busy periods correlate the tickets: a 20-year replication's breach share has a relative
    # SD of ~4% (measured); 20 of them give a 99.9% half-width of ~3.6%, 16 x 5 years ~11%
    size = pick(quick, Size(20, 20, 0.05), Size(16, 5, 0.15))
    lam, mu, response_target, resolution_target = 0.5, 1.0, 2.0, 4.0
    tree = b.mm1_provider_tree(coverage, lam, mu, years=size.years)
    sla = tree["providers"]["p"]["contracts"]["desk"]["sla"]
    sla["response_hours"] = dict.fromkeys(("P1", "P2", "P3", "P4"), response_target)
    sla["resolution_hours"] = dict.fromkeys(("P1", "P2", "P3", "P4"), resolution_target)
    counts = np.zeros((size.replications, 3))
    for r in range(size.replications):
        result = b.run(tree, replication=r)
        for j, name in enumerate(
            ("sla_response_breaches", "sla_resolution_breaches", "incidents_external")
        ):
            counts[r, j] = b.counter(result, name)
    hours = "service hours" if coverage == "business_hours" else "24x7"
    hours_de = "Servicezeit" if coverage == "business_hours" else "24x7"
    suffix = "" if coverage == "business_hours" else f"_{coverage}"
    rows = (
        ("response", "Antwortzeit", theory.mm1_response_tail(lam, mu, response_target), 0),
        ("resolution", "Lösungszeit", theory.mm1_resolution_tail(lam, mu, resolution_target), 1),
    )
    results = []
    for name, name_de, closed_form, column in rows:
        meta = (
            f"sla_{name}_tail{suffix}",
            f"M/M/1 share of SLA {name} breaches, {hours}",
            f"M/M/1 Anteil SLA-Verletzungen {name_de}, {hours_de}",
            "share",
        )
        estimate = ratio_estimate(counts[:, column], counts[:, 2])
        results.append(judged(meta, closed_form, estimate, size.rel_tolerance, planted_error))
    return results


# --- availability, counts, people ---------------------------------------------------------------

MTBF_HOURS, MTTR_HOURS = 60.0, 40.0


def availability(
    sourcing: str = "internal", quick: bool = False, planted_error: float = 0.0
) -> list[CheckResult]:
    """Share of time a failing service is up, run in house or by a provider, against
    MTBF / (MTBF + MTTR) (lognormal repairs: the formula needs only their mean)."""
    # ~880 failure/repair cycles per 10-year replication: ~1% SD of its availability.
    size = pick(quick, Size(20, 10, 0.02), Size(8, 5, 0.05))
    repair = LogNormal.from_mean_sd(MTTR_HOURS, 30.0).to_spec()
    tree = b.outage_tree(MTBF_HOURS, repair, years=size.years, sourcing=sourcing)
    horizon = size.years * HOURS_PER_YEAR
    shares = [
        1.0 - float(b.run(tree, replication=r).downtime.sum()) / horizon
        for r in range(size.replications)
    ]
    side, side_de = ("in house", "intern") if sourcing == "internal" else ("provider", "Anbieter")
    meta = (
        f"availability_{'in_house' if sourcing == 'internal' else 'provider'}",
        f"Availability, {side} (MTBF/(MTBF+MTTR))",
        f"Verfügbarkeit, {side_de} (MTBF/(MTBF+MTTR))",
        "share",
    )
    closed_form = theory.availability(MTBF_HOURS, MTTR_HOURS)
    return [judged(meta, closed_form, mean_estimate(shares), size.rel_tolerance, planted_error)]


POISSON_PER_MONTH = 20.0  # tickets a month: 100 users x 0.2


def poisson_counts(quick: bool = False, planted_error: float = 0.0) -> list[CheckResult]:
    """Monthly ticket counts against Poisson: mean and variance both equal the rate."""
    # Months of a homogeneous Poisson process are independent: 150 replications of 5 years give
    # 9,000 monthly counts (180,000 tickets); the variance of that many is known to ~5% at 99.9%,
    # the mean (exact Poisson interval) to ~0.8%, so the mean takes half the tolerance.
    size = pick(quick, Size(150, 5, 0.10), Size(15, 5, 0.20))
    tree = b.base_tree(
        simulation={"horizon_years": size.years},
        services={"desk": {"incidents_per_user_per_month": POISSON_PER_MONTH / 100}},
    )
    tree["services"]["desk"]["severities"] = b.quiet_severities(effort=0.1)
    monthly = np.concatenate(
        [b.run(tree, replication=r).counters[CNT["incidents_p4"]] for r in range(size.replications)]
    )
    mean_meta = (
        "poisson_count_mean",
        "Tickets per month, mean (Poisson)",
        "Tickets pro Monat, Mittelwert (Poisson)",
        "tickets",
    )
    variance_meta = (
        "poisson_count_variance",
        "Tickets per month, variance (Poisson: = mean)",
        "Tickets pro Monat, Varianz (Poisson: = Mittelwert)",
        "tickets²",
    )
    mean = rate_estimate(float(monthly.sum()), len(monthly))
    return [
        judged(mean_meta, POISSON_PER_MONTH, mean, size.rel_tolerance / 2, planted_error),
        judged(
            variance_meta,
            POISSON_PER_MONTH,
            variance_estimate(monthly),
            size.rel_tolerance,
            planted_error,
        ),
    ]


TEAM, TURNOVER = 20, 0.25  # people, resignations per person and year in post


def departures(
    time_to_fill_months: float = 0.0, quick: bool = False, planted_error: float = 0.0
) -> list[CheckResult]:
    """Resignations against the turnover rate: headcount x rate x years without vacancies,
    rate x filled person-years with them (an empty position cannot resign)."""
    size = pick(quick, Size(400, 5, 0.05), Size(100, 5, 0.10))
    tree = b.turnover_tree(TEAM, TURNOVER, time_to_fill_months, years=size.years)
    counts, filled = np.zeros(size.replications), np.zeros(size.replications)
    for r in range(size.replications):
        result = b.run(tree, replication=r)
        counts[r] = b.counter(result, "departures")
        filled[r] = TEAM * size.years - b.counter(result, "vacancy_months") / 12.0
    if time_to_fill_months == 0:
        meta = (
            "departures_no_vacancies",
            f"Departures, {TEAM} people x {TURNOVER:.0%}/year, no vacancies",
            f"Abgänge, {TEAM} Personen x {TURNOVER * 100:.0f} %/Jahr, ohne Vakanzen",
            "per person-year",
        )
        estimate = rate_estimate(float(counts.sum()), float(filled.sum()))
    else:
        meta = (
            "departures_with_vacancies",
            f"Departures per filled person-year, {time_to_fill_months:g}-month vacancies",
            f"Abgänge pro besetztem Personenjahr, {time_to_fill_months:g} Monate Vakanz",
            "per person-year",
        )
        estimate = ratio_estimate(counts, filled)
    return [judged(meta, TURNOVER, estimate, size.rel_tolerance, planted_error)]


SECURITY_RATE = 10.0  # incidents a year
SECURITY_LOSS = LogNormal.from_interval(10_000.0, 50_000.0)  # EUR, 90% interval


def compound_losses(quick: bool = False, planted_error: float = 0.0) -> list[CheckResult]:
    """Security incidents: Poisson counts, and the annual loss (a compound Poisson sum) against
    E[S] = rate E[X] and Var[S] = rate E[X^2]."""
    # Years of a homogeneous compound Poisson process are independent. Annual loss: CV ~0.36,
    # excess kurtosis ~0.26 (lognormal sigma 0.49), so the relative SE of the sample variance is
    # sqrt(2.26 / n): 600 x 10 years give a 99.9% half-width of ~6.4%, 40 x 10 years ~25%.
    size = pick(quick, Size(600, 10, 0.10), Size(40, 10, 0.30))
    tree = b.security_tree(SECURITY_RATE, SECURITY_LOSS.to_spec(), years=size.years)
    counts, annual = [], []
    for r in range(size.replications):
        result = b.run(tree, replication=r)
        counts.append(b.counter(result, "security_incidents"))
        monthly = result.costs[CAT["security_losses"]]
        annual.append(monthly.reshape(size.years, 12).sum(axis=1))
    annual_losses = np.concatenate(annual)
    mean, variance = theory.compound_poisson_moments(
        SECURITY_RATE, SECURITY_LOSS.mean, SECURITY_LOSS.variance
    )
    years = size.replications * size.years
    count_meta = (
        "security_incidents_per_year",
        "Security incidents per year (Poisson)",
        "Sicherheitsvorfälle pro Jahr (Poisson)",
        "per year",
    )
    mean_meta = (
        "annual_loss_mean",
        "Annual security loss, mean (compound Poisson)",
        "Sicherheitsschaden pro Jahr, Mittelwert (Compound Poisson)",
        "EUR",
    )
    variance_meta = (
        "annual_loss_variance",
        "Annual security loss, variance (compound Poisson)",
        "Sicherheitsschaden pro Jahr, Varianz (Compound Poisson)",
        "EUR²",
    )
    tol = size.rel_tolerance
    return [
        judged(
            count_meta, SECURITY_RATE, rate_estimate(sum(counts), years), tol / 2, planted_error
        ),
        judged(mean_meta, mean, mean_estimate(annual_losses), tol / 2, planted_error),
        judged(variance_meta, variance, variance_estimate(annual_losses), tol, planted_error),
    ]


FAILURE_PROBABILITY = 0.3  # a provider's chance of failing within a year


def provider_failures(quick: bool = False, planted_error: float = 0.0) -> list[CheckResult]:
    """Provider failures against a Poisson process of rate -ln(1 - annual probability)."""
    size = pick(quick, Size(200, 20, 0.10), Size(50, 20, 0.25))
    tree = b.with_provider(
        b.base_tree(simulation={"horizon_years": size.years}),
        failure={"annual_probability": FAILURE_PROBABILITY},
    )
    total = sum(
        b.counter(b.run(tree, replication=r), "provider_failures") for r in range(size.replications)
    )
    meta = (
        "provider_failure_rate",
        f"Provider failures per year, annual probability {FAILURE_PROBABILITY:.0%}",
        f"Anbieterausfälle pro Jahr, Jahreswahrscheinlichkeit {FAILURE_PROBABILITY * 100:.0f} %",
        "per year",
    )
    estimate = rate_estimate(total, size.replications * size.years)
    closed_form = theory.rate_from_annual_probability(FAILURE_PROBABILITY)
    return [judged(meta, closed_form, estimate, size.rel_tolerance, planted_error)]


# --- contracts and money ------------------------------------------------------------------------

CREDIT_CAP = 0.5
CREDIT_AVAILABILITY = (1.0, 0.9995, 0.999, 0.9989, 0.995, 0.99, 0.989, 0.96, 0.95, 0.94)
# by hand: <99.9% -> 10%, <99.0% -> 25%, <95.0% -> 100%, capped at 50% of a 1,000 EUR fee
CREDIT_BY_HAND = (0, 0, 0, 100, 100, 100, 250, 250, 250, 500)


def credit_tiers(quick: bool = False, planted_error: float = 0.0) -> list[CheckResult]:
    """Service credits of ten months around the tier thresholds against a hand computation."""
    tiers = tuple((t["below"], t["credit_share"]) for t in b.sla_block()["credit_tiers"])
    availability = np.array(CREDIT_AVAILABILITY)
    by_hand = np.array(CREDIT_BY_HAND, dtype=float) * (1.0 + planted_error)
    credits = service_credits(tiers, CREDIT_CAP, availability, np.full(len(availability), 1000.0))
    meta = (
        "service_credit_tiers",
        "Service credits at the tier thresholds (by hand)",
        "Servicegutschriften an den Stufengrenzen (von Hand)",
        "EUR",
    )
    result = exact_result(meta, float(by_hand.sum()), float(credits.sum()), 0.0)
    return [replace(result, passed=bool(np.array_equal(credits, by_hand)))]


def credits_in_ledger(quick: bool = False, planted_error: float = 0.0) -> list[CheckResult]:
    """The ledger's credits of a provider-run service with frequent outages against the tiers
    applied to each month's availability computed from the outage intervals."""
    outages = {"mtbf_hours": 300.0, "repair_hours": b.exponential_effort(3.0)}
    tree = b.with_provider(
        b.base_tree(services={"desk": {"outages": outages}}),
        {"fixed_fee_per_month_eur": 10_000.0},
        price_escalation_per_year=0.0,
    )
    sla = b.sla_block()
    tiers = tuple((t["below"], t["credit_share"]) for t in sla["credit_tiers"])
    result = b.run(tree)
    monthly_availability = 1.0 - result.downtime[0] / HOURS_PER_MONTH
    shares = [theory.credit_share(a, tiers, sla["credit_cap_share"]) for a in monthly_availability]
    breaches = int((monthly_availability < sla["availability"]).sum())
    meta = (
        "service_credits_ledger",
        "Service credits in the ledger (tiers on monthly availability)",
        "Servicegutschriften im Hauptbuch (Stufen auf Monatsverfügbarkeit)",
        "EUR",
    )
    row = exact_result(
        meta, 10_000.0 * sum(shares), -b.cost(result, "service_credits"), planted_error
    )
    consistent = b.counter(result, "sla_availability_breaches") == breaches and sum(shares) > 0
    return [replace(row, passed=row.passed and consistent)]


def npv_annuity(quick: bool = False, planted_error: float = 0.0) -> list[CheckResult]:
    """The discounting of 60 equal monthly payments at 8% a year against the annuity formula."""
    rate, months, amount = 0.08, 60, 1000.0
    meta = (
        "npv_annuity",
        "NPV of 60 x 1,000 EUR at 8%/year (annuity formula)",
        "Barwert von 60 x 1.000 EUR zu 8 %/Jahr (Rentenbarwertformel)",
        "EUR",
    )
    value = net_present_value(np.full(months, amount), rate)
    row = exact_result(meta, theory.annuity_npv(amount, months, rate), value, planted_error)
    year_end = abs(discount_factors(12, rate)[-1] * (1 + rate) - 1.0) <= 1e-15
    return [replace(row, passed=row.passed and year_end)]


def npv_of_replication(quick: bool = False, planted_error: float = 0.0) -> list[CheckResult]:
    """A replication's NPV column when only a fixed running cost is booked: the annuity."""
    tree = b.base_tree(
        simulation={"discount_rate": 0.05},
        services={"desk": {"internal_costs": {"running_eur_per_month": 2500.0}}},
    )
    spec = b.spec_of(tree)
    result = b.run(tree)
    row, _ = replication_frames(
        spec, 0, result.costs, result.downtime, result.counters, result.services, {}
    )
    meta = (
        "npv_of_replication",
        "NPV of a replication, 2,500 EUR/month at 5%/year",
        "Barwert einer Replikation, 2.500 EUR/Monat zu 5 %/Jahr",
        "EUR",
    )
    out = exact_result(
        meta, theory.annuity_npv(2500.0, 60, 0.05), row["cost_npv_eur"], planted_error
    )
    nominal = abs(row["cost_total_eur"] - 2500.0 * 60) <= 1e-9
    return [replace(out, passed=out.passed and nominal)]


# --- model properties ---------------------------------------------------------------------------

COVERAGES = ("business_hours", "on_call", "extended_hours", "24x7")
MIRRORED_COUNTERS = ("user_hours_lost", "outages", "security_incidents", "backlog_at_end")


def _same(x: np.ndarray | float, y: np.ndarray | float) -> bool:
    return bool(np.allclose(x, y, rtol=1e-12, atol=1e-9, equal_nan=True))


def mirror_mismatches(coverage: str, replications: int) -> tuple[list[str], dict[str, float]]:
    """Where the mirrored provider (the in-house team's exact capacity, skills, coverage, staff
    policy and knowledge) differs from the in-house team, replication by replication.

    Returns the names of the quantities that differ (empty: pathwise identical) and totals over
    the replications: risk costs of both sides, interim months and personnel costs, which show
    that the comparison is not vacuous.
    """
    tree = b.busy_tree(coverage)
    provider = b.mirrored(tree, coverage)
    differ: list[str] = []
    totals = dict.fromkeys(("risk_in_house", "risk_provider", "interim_months"), 0.0)
    totals |= dict.fromkeys(("personnel_in_house", "personnel_provider"), 0.0)
    for r in range(replications):
        a = b.run(tree, replication=r, detail=True)
        p = b.run(provider, replication=r, detail=True)
        pairs = {"downtime": (a.downtime, p.downtime)}
        pairs |= {f"ticket_{k}": (a.tickets[k], p.tickets[k]) for k in ("start", "end")}
        pairs |= {k: (b.counter(a, k), b.counter(p, k)) for k in MIRRORED_COUNTERS}
        pairs["departures"] = (
            b.counter(a, "departures"),
            b.counter(p, "provider_staff_departures"),
        )
        pairs |= {k: (b.cost(a, k), b.cost(p, k)) for k in RISK_CATEGORIES}
        differ += [f"{k} (replication {r})" for k, (x, y) in pairs.items() if not _same(x, y)]
        totals["risk_in_house"] += sum(b.cost(a, k) for k in RISK_CATEGORIES)
        totals["risk_provider"] += sum(b.cost(p, k) for k in RISK_CATEGORIES)
        totals["interim_months"] += b.counter(a, "interim_months")
        totals["personnel_in_house"] += b.cost(a, "personnel")
        totals["personnel_provider"] += b.cost(p, "personnel")
    return differ, totals


def mirror_property(
    quick: bool = False, planted_error: float = 0.0, coverages: tuple[str, ...] = COVERAGES
) -> list[CheckResult]:
    """The in-house team and a provider with exactly that team give pathwise identical
    downtime, ticket times, lost time and risk costs, under every coverage."""
    replications = 1 if quick else 3
    risk_in_house = risk_provider = interim = 0.0
    identical = True
    for coverage in coverages:
        differ, totals = mirror_mismatches(coverage, replications)
        identical &= not differ
        identical &= totals["personnel_in_house"] > 0 and totals["personnel_provider"] == 0
        risk_in_house += totals["risk_in_house"]
        risk_provider += totals["risk_provider"]
        interim += totals["interim_months"]
    meta = (
        "mirror_property",
        "Mirror: provider with the in-house team, risk cost",
        "Spiegeltest: Anbieter mit dem internen Team, Risikokosten",
        "EUR",
    )
    row = exact_result(meta, risk_in_house, risk_provider, planted_error)
    passed = row.passed and identical and risk_in_house > 0 and interim > 0
    return [
        replace(
            row,
            passed=passed,
            tolerance="pathwise identical in every replication and coverage (1e-12 relative)",
        )
    ]


def lost_time_shares(sourcing: str, replications: int) -> np.ndarray:
    """Users' lost hours as a share of the hours they are paid to work, by replication and
    month, in a company flooded with tickets and outages."""
    tree = b.flood_tree() if sourcing == "internal" else b.with_provider(b.flood_tree())
    inputs = model_input(b.spec_of(tree))
    edges = np.arange(inputs.n_months + 1) * HOURS_PER_MONTH
    paid = inputs.employees * np.diff(inputs.calendar.cumulative_open_v(edges))
    paid *= inputs.user_hours_share
    return np.array(
        [
            b.run(tree, replication=r).counters[CNT["user_hours_lost"]] / paid
            for r in range(replications)
        ]
    )


def lost_time_bound(
    quick: bool = False,
    planted_error: float = 0.0,
    sourcings: tuple[str, ...] = ("internal", "provider"),
) -> list[CheckResult]:
    """Users never lose more hours in a month than they are paid to work, even when tickets and
    outages overlap far beyond the company's size (in house and at a provider)."""
    replications = 2 if quick else 5
    shares = np.concatenate([lost_time_shares(s, replications).ravel() for s in sourcings])
    bound = 1.0 * (1.0 + planted_error)
    largest = float(shares.max())
    return [
        CheckResult(
            check="lost_time_bound",
            title="Lost user hours / paid hours, worst month (bound 1)",
            title_de="Verlorene / bezahlte Nutzerstunden, schlechtester Monat (Grenze 1)",
            unit="share",
            theory=bound,
            simulated=largest,
            low=largest,
            high=largest,
            tolerance="<= bound (1e-9) in every month, and > 0.9 (the test saturates)",
            passed=bool(0.9 < largest <= bound * (1 + 1e-9)),
        )
    ]
