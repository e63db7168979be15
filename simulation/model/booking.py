"""Booking a finished replication: tickets, outages, users' lost time, contracts, people, costs.

The run leaves records behind (ticket start and end times per team, outage intervals, people's
employment, hires and training, security incidents); this module turns them into the ledger's
monthly costs and counters. Both kinds of team are booked by the same rules; who pays salaries,
recruiting and training is the team's employer.
"""

from __future__ import annotations

import numpy as np

from simulation.model.attribution import allocate, contract_weights, delivered_by, team_weights
from simulation.model.calendar import (
    HOURS_PER_MONTH,
    HOURS_PER_WEEK,
    HOURS_PER_YEAR,
    hours_by_month,
    merge_intervals,
    open_hours_by_month,
)
from simulation.model.contracts import (
    ProviderHistory,
    availability_by_month,
    committed_months,
    monthly_fees,
    price_index,
    service_credits,
    sla_outcome,
    ticket_fees,
)
from simulation.model.delivery import DeliveryTeam
from simulation.model.incidents import Tickets
from simulation.model.inputs import ModelInput, ServiceInput
from simulation.model.ledger import CNT, Ledger, ReplicationResult
from simulation.model.lost_time import LossIntervals, lost_hours_by_month, ticket_losses
from simulation.model.outages import FAILURE, OutageLog
from simulation.model.security import SecurityRecord
from simulation.model.workforce import Slot


def book_replication(
    inputs: ModelInput,
    tickets: list[Tickets],
    routing: list,
    teams: list[DeliveryTeam],
    histories: dict[str, ProviderHistory],
    log: OutageLog,
    security: SecurityRecord,
    compliance: list[tuple],
    detail: bool,
) -> ReplicationResult:
    """The ledger of a finished run, and ticket- and outage-level detail if asked for.

    `compliance` holds per service the random generators of its compliance events (gaps, losses).
    """
    ledger = Ledger(inputs.n_months, tuple(s.id for s in inputs.services))
    records = [_ticket_records(teams, route, inputs.horizon_hours) for route in routing]
    losses = []
    for service in inputs.services:
        before = ledger.costs.sum(axis=0)
        start, end = records[service.index]
        fees = None
        if service.contract is not None:
            fees = _book_contract(ledger, inputs, service, tickets[service.index], histories)
        ticket_loss = _book_tickets(ledger, inputs, service, tickets[service.index], start, end)
        outage_loss = _book_outages(ledger, inputs, service, log, fees)
        _book_internal_costs(ledger, inputs, service)
        _book_compliance(ledger, inputs, service, compliance[service.index])
        ledger.service_costs[service.index] += ledger.costs.sum(axis=0) - before
        losses.append(LossIntervals.concat([ticket_loss, outage_loss]))
    _book_lost_time(ledger, inputs, losses)
    _book_provider_failures(ledger, inputs, histories)
    _book_transition_staff(ledger, inputs)
    for t, (team, spec) in enumerate(zip(teams, inputs.teams, strict=True)):
        before = ledger.costs.sum(axis=0)
        _book_team(ledger, inputs, team, spec.paid_by_company)
        fallback = delivered_by(inputs, t) + contract_weights(
            inputs, lambda c: c.vendor_management_hours_per_month
        )
        ledger.service_costs += allocate(
            ledger.costs.sum(axis=0) - before, team_weights(inputs, team), fallback
        )
    times, amounts = np.asarray(security.times), np.asarray(security.losses)
    ledger.bin_costs("security_losses", times, amounts)
    ledger.bin_counts("security_incidents", times)
    if len(times):
        ledger.service_costs[inputs.security.service] += ledger._bin(times, amounts)
    c = ledger.counters
    c[CNT["sla_breaches"]] = (
        c[CNT["sla_response_breaches"]]
        + c[CNT["sla_resolution_breaches"]]
        + c[CNT["sla_availability_breaches"]]
    )
    return ReplicationResult(
        costs=ledger.costs,
        downtime=ledger.downtime,
        counters=ledger.counters,
        services=ledger.services,
        service_costs=ledger.service_costs,
        tickets=_ticket_detail(inputs, tickets, records) if detail else None,
        outages=_outage_detail(inputs, log) if detail else None,
    )


def _ticket_records(teams: list[DeliveryTeam], route, horizon: float):
    """Start (first work) and end of a service's tickets; NaN where the horizon came first."""
    if route.team < 0:
        return np.empty(0), np.empty(0)
    team = teams[route.team]
    start = np.asarray(team.incident_start, dtype=float)[route.positions]
    end = np.asarray(team.incident_end, dtype=float)[route.positions]
    return start, np.where(end > horizon, np.nan, end)


def _book_tickets(
    ledger: Ledger,
    inputs: ModelInput,
    service: ServiceInput,
    t: Tickets,
    start: np.ndarray,
    end: np.ndarray,
) -> LossIntervals:
    """Counts, resolution times, SLA breaches; returns the tickets' loss intervals."""
    horizon = inputs.horizon_hours
    for i in range(len(service.severities)):
        ledger.bin_counts(f"incidents_p{i + 1}", t.time[t.severity == i])
    kind = "incidents_internal" if service.contract is None else "incidents_external"
    ledger.bin_counts(kind, t.time)
    open_end = np.isnan(end)
    if open_end.any():
        ledger.count("backlog_at_end", horizon, float(open_end.sum()))
    resolved = np.where(open_end, horizon, end)
    for i in range(len(service.severities)):
        mask = t.severity == i
        ledger.bin_counts(
            f"resolution_hours_total_p{i + 1}", t.time[mask], resolved[mask] - t.time[mask]
        )
    if service.contract is not None:
        sla = sla_outcome(service.contract, t.time, t.severity, start, end, horizon)
        ledger.bin_counts("sla_response_breaches", t.time[sla.response_breach])
        ledger.bin_counts("sla_resolution_breaches", t.time[sla.resolution_breach])
    return ticket_losses(
        service.severities, t.time, t.severity, resolved, inputs.employees, inputs.calendar
    )


def _book_contract(
    ledger: Ledger,
    inputs: ModelInput,
    service: ServiceInput,
    t: Tickets,
    histories: dict[str, ProviderHistory],
) -> np.ndarray:
    """A contract's fees, set-up, retained licences and commitments; returns monthly fees."""
    contract = service.contract
    provider = inputs.providers[contract.provider]
    history = histories[contract.provider]
    n = inputs.n_months
    fees = monthly_fees(contract, provider, history, n)
    ledger.add_costs_by_month("provider_fees", fees)
    ledger.add_costs_by_month("provider_fees", ticket_fees(contract, provider, history, t.time, n))
    committed = committed_months(contract, history, inputs.horizon_hours)
    ledger.add_cost("provider_fees", inputs.horizon_hours, committed * fees[-1])
    ledger.add_cost("transition", 0.0, contract.setup_cost_eur)
    ledger.add_cost("transition", inputs.horizon_hours, contract.exit_cost_eur)
    change = service.change_hours_per_month * contract.change_rate_eur_per_hour
    if change > 0:
        ledger.count_by_month("change_hours_bought", np.full(n, service.change_hours_per_month))
        index = price_index(provider, history, np.arange(n) * HOURS_PER_MONTH)
        ledger.add_costs_by_month("change_work", change * index)
    ledger.add_costs_by_month("licences", np.full(n, contract.licences_retained_eur_per_month))
    return fees


def _book_outages(
    ledger: Ledger,
    inputs: ModelInput,
    service: ServiceInput,
    log: OutageLog,
    fees: np.ndarray | None,
) -> LossIntervals:
    """Downtime, lost margin, outage counts and service credits; returns the loss intervals."""
    j = service.index
    n = inputs.n_months
    starts, ends, causes = log.intervals(j, inputs.horizon_hours)
    failure = causes == FAILURE
    ledger.bin_counts("outages", starts[failure])
    down_start, down_end = merge_intervals(starts, ends)
    ledger.downtime[j] += hours_by_month(down_start, down_end, n)
    margin_hours = open_hours_by_month(inputs.calendar, down_start, down_end, n)
    ledger.add_costs_by_month("lost_margin", margin_hours * service.lost_margin_eur_per_hour)
    if fees is not None:
        f_start, f_end = merge_intervals(starts[failure], ends[failure])
        contract = service.contract
        availability = availability_by_month(contract, f_start, f_end, n)
        credits = service_credits(
            contract.credit_tiers, contract.credit_cap_share, availability, fees
        )
        ledger.add_costs_by_month("service_credits", -credits)
        below = (availability < contract.availability_target).astype(float)
        ledger.count_by_month("sla_availability_breaches", below)
    loss = service.outages.productivity_loss if service.outages is not None else 1.0
    share = min(service.users / inputs.employees, 1.0) * loss
    return LossIntervals(down_start, down_end, np.full(len(down_start), share))


def _book_lost_time(ledger: Ledger, inputs: ModelInput, losses: list[LossIntervals]) -> None:
    """Users' paid working hours lost, valued at the loaded hourly cost with wage growth; the
    cost is attributed to services by each one's own lost time."""
    args = (inputs.employees, inputs.calendar, inputs.n_months)
    business = lost_hours_by_month(LossIntervals.concat(losses), *args)
    paid = business * inputs.user_hours_share
    cost = paid * inputs.hourly_cost_eur * inputs.wage_index
    ledger.count_by_month("user_hours_lost", paid)
    ledger.add_costs_by_month("downtime", cost)
    own = np.array([lost_hours_by_month(loss, *args) for loss in losses])
    ledger.service_costs += allocate(cost, own, np.ones(len(losses)))


def _book_compliance(
    ledger: Ledger, inputs: ModelInput, service: ServiceInput, streams: tuple
) -> None:
    """Data-protection and compliance events of a service as it is sourced: a Poisson process at
    the in-house or the provider's rate (a time change of the same unit exponentials in every
    scenario), a loss per event."""
    rate = service.compliance_events_per_year / HOURS_PER_YEAR
    if rate <= 0:
        return
    gaps_rng, loss_rng = streams
    gaps: list[np.ndarray] = []
    total = 0.0
    while total < rate * inputs.horizon_hours:
        gaps.append(-np.log1p(-gaps_rng.random(32)))
        total += float(gaps[-1].sum())
    times = np.cumsum(np.concatenate(gaps)) / rate
    times = times[times < inputs.horizon_hours]
    losses = inputs.compliance_loss_eur.ppf(loss_rng.random(len(times)))
    ledger.bin_costs("compliance_losses", times, losses)
    ledger.bin_counts("compliance_events", times)


def _book_transition_staff(ledger: Ledger, inputs: ModelInput) -> None:
    """Dual running and severance of the posts the scenario gives up, at go-live, attributed to
    the contracts by their fees."""
    cost = inputs.transition_staff_eur
    if cost <= 0:
        return
    ledger.add_cost("transition", 0.0, cost)
    month = np.zeros(inputs.n_months)
    month[0] = cost
    fees = contract_weights(inputs, lambda c: c.base_fee_eur_per_month)
    ledger.service_costs += allocate(month, np.zeros_like(ledger.service_costs), fees)


def _book_provider_failures(
    ledger: Ledger, inputs: ModelInput, histories: dict[str, ProviderHistory]
) -> None:
    """Transition cost of each provider failure, attributed to that provider's contracts."""
    for pid, history in histories.items():
        cost = inputs.providers[pid].transition_cost_eur
        fees = contract_weights(
            inputs, lambda c, p=pid: c.base_fee_eur_per_month if c.provider == p else 0.0
        )
        for t in history.failure_times:
            ledger.add_cost("transition", t, cost)
            ledger.count("provider_failures", t)
            month = np.zeros(inputs.n_months)
            month[ledger.month(t)] = cost
            ledger.service_costs += allocate(month, np.zeros_like(ledger.service_costs), fees)


def _book_internal_costs(ledger: Ledger, inputs: ModelInput, service: ServiceInput) -> None:
    """Hardware at each refresh, less the residual value of the last purchase at the horizon
    (straight-line over the refresh cycle); licences and running costs every month."""
    costs = service.internal_costs
    if costs is None:
        return
    horizon = inputs.horizon_hours
    if costs.hardware_eur > 0 and costs.first_purchase_hours < horizon:
        t = costs.first_purchase_hours
        while t < horizon:
            ledger.add_cost("hardware", t, costs.hardware_eur)
            last, t = t, t + costs.refresh_hours
        used = (horizon - last) / costs.refresh_hours
        ledger.add_cost("hardware", horizon, -costs.hardware_eur * max(0.0, 1.0 - used))
    n = inputs.n_months
    ledger.add_costs_by_month("licences", np.full(n, costs.licences_eur_per_month))
    ledger.add_costs_by_month("operations", np.full(n, costs.running_eur_per_month))


def _book_team(ledger: Ledger, inputs: ModelInput, team: DeliveryTeam, company: bool) -> None:
    """People: departures for every team; pay, hiring, training and hours for the company's."""
    workforce = team.workforce
    workforce.close_books(inputs.horizon_hours)
    if not company:
        for slot in workforce.slots:
            ledger.bin_counts("provider_staff_departures", np.asarray(slot.departures))
        return
    for slot in workforce.slots:
        _book_slot(ledger, inputs, team, slot)
        _book_interims(ledger, inputs, team, slot)
    spare = _book_hours(ledger, inputs, team)
    _book_change_in_house(ledger, inputs, team, spare)
    _book_emergency(ledger, inputs, team)
    spec = team.team
    ledger.bin_counts("on_call_callouts", np.asarray(team.callouts))
    if spec.on_call:
        weekly = spec.on_call_staff * spec.staff.on_call_allowance_eur_per_week
        allowance = weekly * HOURS_PER_MONTH / HOURS_PER_WEEK
        ledger.add_costs_by_month("on_call", allowance * inputs.wage_index)
    _book_vendor_management(ledger, inputs, team)


def _book_slot(ledger: Ledger, inputs: ModelInput, team: DeliveryTeam, slot: Slot) -> None:
    """Pay while employed, recruiting at each hire, course fees, departures and vacancies."""
    n = inputs.n_months
    wage = inputs.wage_index
    staff = team.team.staff
    emp = np.asarray(slot.employment, dtype=float).reshape(-1, 2)
    hours = hours_by_month(emp[:, 0], emp[:, 1], n)
    ledger.add_costs_by_month(slot.category, hours * slot.annual_cost_eur / HOURS_PER_YEAR * wage)
    hires = np.asarray(slot.hires, dtype=float)
    ledger.bin_counts("hires", hires)
    months = np.minimum((hires // HOURS_PER_MONTH).astype(np.int64), n - 1)
    ledger.bin_costs(
        "recruiting", hires, staff.recruiting_share * slot.annual_cost_eur * wage[months]
    )
    ledger.bin_counts("departures", np.asarray(slot.departures))
    if slot.training:
        when, days = np.asarray(slot.training, dtype=float).T
        ledger.bin_costs("training", when, days * staff.training_cost_eur_per_day)
        ledger.bin_counts("training_days", when, days)
    if slot.vacancies:
        vac = np.asarray(slot.vacancies, dtype=float)
        months_vacant = hours_by_month(vac[:, 0], np.minimum(vac[:, 1], inputs.horizon_hours), n)
        ledger.count_by_month("vacancy_months", months_vacant / HOURS_PER_MONTH)


def _book_hours(ledger: Ledger, inputs: ModelInput, team: DeliveryTeam) -> np.ndarray:
    """Hours the team could work, hours it worked, and the rest (room for change and improvement
    work), by month; returns the rest."""
    n = inputs.n_months
    calendar = team.calendar
    available = np.zeros(n)
    for slot in team.workforce.slots:
        held = [*slot.employment, *((a, min(b, inputs.horizon_hours)) for a, b in slot.interims)]
        emp = np.asarray(held, dtype=float).reshape(-1, 2)
        available += open_hours_by_month(calendar, emp[:, 0], emp[:, 1], n)
        if slot.unavailable_starts:
            a_s, a_e = _intersect(
                np.asarray(slot.unavailable_starts), np.asarray(slot.unavailable_ends), emp
            )
            available -= open_hours_by_month(calendar, a_s, a_e, n)
    busy = open_hours_by_month(
        calendar, np.asarray(team.busy_starts), np.asarray(team.busy_ends), n
    )
    available /= team.pace
    busy /= team.pace
    ledger.count_by_month("staff_hours_available", available)
    ledger.count_by_month("staff_hours_busy", busy)
    spare = np.maximum(available - busy, 0.0)
    ledger.count_by_month("improvement_hours", spare)
    return spare


def _book_interims(ledger: Ledger, inputs: ModelInput, team: DeliveryTeam, slot: Slot) -> None:
    """Interim contractors covering a vacancy: their day rate for every working day."""
    if not slot.interims:
        return
    n = inputs.n_months
    cover = np.asarray(slot.interims, dtype=float)
    ends = np.minimum(cover[:, 1], inputs.horizon_hours)
    calendar = inputs.calendar
    day_hours = calendar.open_hours_per_week / len(calendar.days)
    days = open_hours_by_month(calendar, cover[:, 0], ends, n) / day_hours
    rate = team.team.staff.interim_day_rate_eur
    ledger.add_costs_by_month("contractors", days * rate * inputs.wage_index)
    ledger.count_by_month("interim_months", hours_by_month(cover[:, 0], ends, n) / HOURS_PER_MONTH)


def _book_change_in_house(
    ledger: Ledger, inputs: ModelInput, team: DeliveryTeam, spare: np.ndarray
) -> None:
    """Change work of the services the team delivers: done with the time incidents leave; the
    rest bought at the T&M rate or postponed at its deferral cost."""
    index = inputs.teams.index(team.team)
    demand = sum(s.change_hours_per_month for s in inputs.services if s.team == index)
    if demand <= 0:
        return
    done = np.minimum(spare, demand)
    unmet = demand - done
    ledger.count_by_month("change_hours_in_house", done)
    if inputs.change_bought:
        ledger.count_by_month("change_hours_bought", unmet)
        cost = unmet * inputs.change_rate_eur_per_hour * inputs.wage_index
        ledger.add_costs_by_month("change_work", cost)
    else:
        ledger.count_by_month("change_hours_deferred", unmet)
        cost = unmet * inputs.change_deferral_eur_per_hour * inputs.wage_index
        ledger.add_costs_by_month("deferred_change", cost)


def _book_emergency(ledger: Ledger, inputs: ModelInput, team: DeliveryTeam) -> None:
    """Emergency contractors' hours at their rate, and the retainer."""
    cover = team.team.emergency
    if cover is None:
        return
    ledger.add_costs_by_month(
        "contractors", np.full(inputs.n_months, cover.retainer_eur_per_month) * inputs.wage_index
    )
    if team.emergency_work:
        when, hours = np.asarray(team.emergency_work, dtype=float).T
        ledger.bin_counts("emergency_hours", when, hours)
        ledger.bin_costs("contractors", when, hours * cover.hourly_rate_eur)


def _book_vendor_management(ledger: Ledger, inputs: ModelInput, team: DeliveryTeam) -> None:
    """Time spent steering providers moves from the person's pay line to vendor management."""
    spec = team.team
    weekly = spec.calendar.open_hours_per_week if spec.seats else spec.staff.working_hours_per_week
    hours_per_year = weekly * HOURS_PER_YEAR / HOURS_PER_WEEK
    for end, slot, hours in team.task_hours:
        if slot.category == "vendor_management":
            continue
        month = ledger.month(end)
        eur = hours * slot.annual_cost_eur * inputs.wage_index[month] / hours_per_year
        ledger.add_cost("vendor_management", end, eur)
        ledger.add_cost(slot.category, end, -eur)


def _intersect(
    starts: np.ndarray, ends: np.ndarray, employment: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Intervals (starts, ends) clipped to the union of employment intervals."""
    out_s = []
    out_e = []
    for e0, e1 in employment:
        s = np.maximum(starts, e0)
        e = np.minimum(ends, e1)
        keep = e > s
        out_s.append(s[keep])
        out_e.append(e[keep])
    return np.concatenate(out_s), np.concatenate(out_e)


def _ticket_detail(inputs: ModelInput, tickets: list[Tickets], records) -> dict[str, np.ndarray]:
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("service", "time", "severity", "start", "end", "internal")
    }
    for service, t, (start, end) in zip(inputs.services, tickets, records, strict=True):
        n = len(t.time)
        parts["service"].append(np.full(n, service.index))
        parts["time"].append(t.time)
        parts["severity"].append(t.severity)
        parts["start"].append(start if len(start) == n else np.full(n, np.nan))
        parts["end"].append(end if len(end) == n else np.full(n, np.nan))
        parts["internal"].append(np.full(n, service.contract is None))
    return {k: np.concatenate(v) if v else np.empty(0) for k, v in parts.items()}


def _outage_detail(inputs: ModelInput, log: OutageLog) -> dict[str, np.ndarray]:
    rows = [log.intervals(j, inputs.horizon_hours) for j in range(len(inputs.services))]
    return {
        "service": np.concatenate([np.full(len(r[0]), j) for j, r in enumerate(rows)]),
        "start": np.concatenate([r[0] for r in rows]),
        "end": np.concatenate([r[1] for r in rows]),
        "cause": np.concatenate([r[2] for r in rows]),
    }
