"""One replication of one scenario: build the SimPy model, run it to the horizon, book the ledger.

`simulate` is a pure function of the resolved scenario (uncertain parameters already drawn) and
its random streams; it reads no files and touches no global random state.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any, Protocol

import numpy as np
import simpy

from simulation.config.scenario import ScenarioSpec
from simulation.config.schema import INTERNAL, SEVERITIES, Coverage
from simulation.model.calendar import (
    HOURS_PER_MONTH,
    HOURS_PER_WEEK,
    HOURS_PER_YEAR,
    Calendar,
    hours_by_month,
    merge_intervals,
    open_hours_by_month,
)
from simulation.model.incidents import Tickets, draw_tickets, user_hours_lost
from simulation.model.ledger import CNT, Ledger, ReplicationResult
from simulation.model.outages import (
    OutageLog,
    internal_outages,
    provider_outages,
    unit_time_to_failure,
)
from simulation.model.providers import (
    contract_calendar,
    handle_tickets,
    monthly_fees,
    provider_history,
    service_credits,
)
from simulation.model.security import security_incidents
from simulation.model.team import InternalTeam
from simulation.model.workforce import (
    BlockDraws,
    Slot,
    Workforce,
    absence_intervals,
    tenure_sampler,
    training_sessions,
)

VENDOR_MANAGEMENT_SKILL = "vendor_management"


class RandomStreams(Protocol):
    """Independent random generators keyed by stable names (mechanism, entity)."""

    def generator(self, *key: str) -> np.random.Generator: ...


def business_calendar(spec: ScenarioSpec) -> Calendar:
    hours = spec.company.business_hours
    return Calendar(hours.weekday_numbers, hours.start_hour, hours.end_hour)


class _Replication:
    """Holds the state of one run while it is assembled, run and booked."""

    def __init__(self, spec: ScenarioSpec, streams: RandomStreams) -> None:
        self.spec = spec
        self.streams = streams
        self.horizon = spec.horizon_years * HOURS_PER_YEAR
        self.n_months = spec.horizon_years * 12
        self.service_ids = tuple(spec.services)
        self.services = [spec.services[s] for s in self.service_ids]
        self.calendar = business_calendar(spec)
        self.ledger = Ledger(self.n_months, self.service_ids)
        self.env = simpy.Environment()
        self.log = OutageLog(len(self.services))
        employees = spec.company.employees
        self.users = [s.users if s.users is not None else employees for s in self.services]
        skills = [s.skill for s in self.services]
        for role in spec.roles.values():
            skills.extend(role.skills)
        skills.append(VENDOR_MANAGEMENT_SKILL)
        self.skill_index = {name: i for i, name in enumerate(dict.fromkeys(skills))}
        self.service_skill = [self.skill_index[s.skill] for s in self.services]
        months = np.arange(self.n_months)
        self.wage_index = (1.0 + float(spec.company.wage_growth_per_year)) ** (months // 12)
        # Outside 24/7 a person works `working_hours_per_week` within the longer opening hours:
        # work progresses at that share of the clock. A 24/7 position is a seat staffed in shifts:
        # it works every hour and costs 168 / working_hours_per_week salaries.
        working = float(spec.staff.working_hours_per_week)
        if spec.team.coverage == Coverage.ALWAYS:
            self.pace = 1.0
            self.seat_cost_factor = HOURS_PER_WEEK / working
            self.team_calendar = Calendar.always()
        else:
            self.pace = max(1.0, self.calendar.open_hours_per_week / working)
            self.seat_cost_factor = 1.0
            self.team_calendar = self.calendar
        self.team: InternalTeam | None = None
        self.workforce: Workforce | None = None

    # -- building ---------------------------------------------------------------------------

    def draw_tickets(self) -> list[Tickets]:
        return [
            draw_tickets(
                service,
                self.users[j],
                self.horizon,
                self.calendar,
                self.streams.generator("incidents", sid),
                self.streams.generator("effort", sid),
            )
            for j, (sid, service) in enumerate(zip(self.service_ids, self.services, strict=True))
        ]

    def build_team(self) -> None:
        spec = self.spec
        staff = spec.staff
        on_costs = float(spec.company.on_costs_share)
        slots: list[Slot] = []
        for role_id, count in spec.team.roles.items():
            if count <= 0:
                continue
            role = spec.roles[role_id]
            for i in range(count):
                slots.append(
                    Slot(
                        key=f"{role_id}#{i}",
                        role=role_id,
                        skills=tuple(self.skill_index[s] for s in role.skills),
                        annual_cost_eur=float(role.annual_salary_eur)
                        * (1.0 + on_costs)
                        * self.seat_cost_factor,
                        category=role.cost_category.value,
                    )
                )
        if not slots:
            return
        half_lives = [float(staff.knowledge_half_life_years)] * len(self.skill_index)
        for service in self.services:
            if service.knowledge_half_life_years is not None:
                half_lives[self.skill_index[service.skill]] = float(
                    service.knowledge_half_life_years
                )
        key_shares = {}
        for j, service in enumerate(self.services):
            share = float(service.key_person_share)
            if share > 0 and spec.is_internal(self.service_ids[j]):
                holder = next((s for s in slots if self.service_skill[j] in s.skills), None)
                if holder is not None:
                    holder.key_for = (*holder.key_for, j)
                    key_shares[j] = share
        self.workforce = Workforce(
            staff,
            slots,
            half_lives,
            key_shares,
            self.service_skill,
            self.calendar,
            self.horizon,
        )
        team = spec.team
        on_call_priorities = max(
            (SEVERITIES.index(s) + 1 for s in team.on_call_severities), default=0
        )
        self.team = InternalTeam(
            self.env,
            self.workforce,
            self.calendar,
            team.coverage,
            on_call_priorities,
            team.on_call_staff,
            float(staff.on_call_callout_hours),
            [float(s.knowledge_effect.effort) for s in self.services],
            [float(s.knowledge_effect.repair) for s in self.services],
            len(self.skill_index),
            pace=self.pace,
        )
        wake_times = (
            [] if team.coverage == Coverage.ALWAYS else [self.calendar.open_starts(self.horizon)]
        )
        tenure = tenure_sampler(staff)
        fill_dist = staff.time_to_fill_months
        for slot in slots:
            a_start, a_end = absence_intervals(
                staff, self.calendar, self.horizon, self.streams.generator("absence", slot.key)
            )
            t_start, t_end, days_each = training_sessions(
                staff, self.calendar, self.horizon, self.streams.generator("training", slot.key)
            )
            u_start, u_end = merge_intervals(
                np.concatenate([a_start, t_start]), np.concatenate([a_end, t_end])
            )
            slot.unavailable_starts = u_start.tolist()
            slot.unavailable_ends = u_end.tolist()
            wake_times.append(u_end)
            self.env.process(
                self.turnover(
                    slot,
                    BlockDraws(self.streams.generator("resignation", slot.key), tenure),
                    BlockDraws(
                        self.streams.generator("time_to_fill", slot.key),
                        lambda u, d=fill_dist: d.ppf(u) * HOURS_PER_MONTH,
                    ),
                )
            )
            if len(t_start):
                self.env.process(self.training(slot, t_start.tolist(), t_end.tolist(), days_each))
        times = np.unique(np.concatenate(wake_times)) if wake_times else np.empty(0)
        self.env.process(self.team.roster(times[times < self.horizon].tolist()))

    def turnover(
        self, slot: Slot, tenure: BlockDraws, time_to_fill: BlockDraws
    ) -> Generator[Any, Any, None]:
        """Resignation, vacancy (recruiting runs during the notice period), hire; and again."""
        env = self.env
        staff = self.spec.staff
        notice_hours = float(staff.notice_period_months) * HOURS_PER_MONTH
        recruiting_share = float(staff.recruiting_cost_share_of_salary)
        while True:
            stay = tenure.next()
            if env.now + stay >= self.horizon:
                return
            yield env.timeout(stay)
            self.workforce.depart(slot, env.now)
            self.ledger.count("departures", env.now)
            vacancy = max(0.0, time_to_fill.next() - notice_hours)
            slot.vacancies.append((env.now, env.now + vacancy))
            if env.now + vacancy >= self.horizon:
                return
            yield env.timeout(vacancy)
            self.workforce.hire(slot, env.now)
            self.ledger.count("hires", env.now)
            month = self.ledger.month(env.now)
            self.ledger.add_cost(
                "recruiting",
                env.now,
                recruiting_share * slot.annual_cost_eur * self.wage_index[month],
            )
            self.team.dispatch_all()

    def training(
        self, slot: Slot, starts: list[float], ends: list[float], days_each: float
    ) -> Generator[Any, Any, None]:
        """Attend each scheduled session if employed; knowledge is refreshed at its end."""
        env = self.env
        staff = self.spec.staff
        gain = float(staff.knowledge_gain_per_training_day) * days_each
        cost = float(staff.training_cost_eur_per_day) * days_each
        for start, end in zip(starts, ends, strict=True):
            if start > env.now:
                yield env.timeout(start - env.now)
            if not slot.present:
                continue
            person = slot.hired_at
            self.ledger.add_cost("training", env.now, cost)
            self.ledger.count("training_days", env.now, days_each)
            if end >= self.horizon:
                return
            yield env.timeout(end - env.now)
            if slot.present and slot.hired_at == person:
                self.workforce.refresh_knowledge(slot, env.now, gain)

    def vendor_tasks(self, hours_per_month: float) -> Generator[Any, Any, None]:
        skill = self.skill_index[VENDOR_MANAGEMENT_SKILL]
        for month in range(self.n_months):
            yield self.env.timeout(month * HOURS_PER_MONTH - self.env.now)
            self.team.submit_task(skill, hours_per_month)

    # -- running ----------------------------------------------------------------------------

    def run(self, detail: bool) -> ReplicationResult:
        spec = self.spec
        env = self.env
        tickets = self.draw_tickets()
        self.build_team()
        histories = {
            pid: provider_history(
                provider, self.horizon, self.streams.generator("provider_failure", pid)
            )
            for pid, provider in spec.providers.items()
        }
        # incidents of internal services go to the team, merged into one arrival stream
        internal = [j for j, sid in enumerate(self.service_ids) if spec.is_internal(sid)]
        internal_index: dict[int, np.ndarray] = {}
        if internal and self.team is not None:
            times = np.concatenate([tickets[j].time for j in internal])
            order = np.argsort(times, kind="stable")
            service_of = np.concatenate([np.full(len(tickets[j].time), j) for j in internal])[order]
            severity = np.concatenate([tickets[j].severity for j in internal])[order]
            effort = np.concatenate([tickets[j].effort for j in internal])[order]
            position = np.empty(len(order), dtype=np.int64)
            position[order] = np.arange(len(order))
            offset = 0
            for j in internal:
                internal_index[j] = position[offset : offset + len(tickets[j].time)]
                offset += len(tickets[j].time)
            skill_of = np.asarray(self.service_skill)[service_of]
            self.team.submit_incidents(
                times[order].tolist(),
                (severity + 1).tolist(),
                skill_of.tolist(),
                service_of.tolist(),
                effort.tolist(),
            )
        # outages
        for j, sid in enumerate(self.service_ids):
            service = self.services[j]
            if service.outages is None:
                continue
            outages = service.outages
            unit_ttf = BlockDraws(
                self.streams.generator("outage_ttf", sid), unit_time_to_failure(outages)
            )
            repair_u = self.streams.generator("outage_repair", sid)
            mtbf = float(outages.mtbf_hours)
            if spec.is_internal(sid):
                repair = BlockDraws(repair_u, outages.repair_hours.ppf)
                env.process(
                    internal_outages(
                        env,
                        j,
                        self.service_skill[j],
                        mtbf,
                        float(service.knowledge_effect.outage_rate),
                        self.workforce.team_knowledge,
                        self.team.submit_outage,
                        unit_ttf.next,
                        repair.next,
                        self.horizon,
                        self.log,
                    )
                )
            else:
                pid = spec.sourcing[sid]
                provider = spec.providers[pid]
                contract = provider.contracts[sid]
                dist = contract.repair_hours or outages.repair_hours
                repair = BlockDraws(repair_u, dist.ppf)
                factor = float(contract.outage_rate_factor)
                history = histories[pid]
                performance = float(provider.performance_factor)
                provider_outages(
                    j,
                    mtbf / factor if factor > 0 else math.inf,
                    unit_ttf.next,
                    repair.next,
                    lambda t, h=history, p=performance: p * float(h.degradation(np.array([t]))[0]),
                    contract_calendar(provider, self.calendar),
                    self.horizon,
                    self.log,
                )
        # vendor management
        vm_hours = sum(
            float(spec.providers[src].contracts[sid].vendor_management_hours_per_month)
            for sid, src in spec.sourcing.items()
            if src != INTERNAL
        )
        if vm_hours > 0 and self.team is not None:
            env.process(self.vendor_tasks(vm_hours))
        # security
        env.process(self.security())
        env.run(until=self.horizon)
        return self.book(tickets, internal_index, histories, detail)

    def security(self) -> Generator[Any, Any, None]:
        spec = self.spec
        security = spec.security
        sec_service = self.service_ids.index(security.operations_service)
        operator = spec.sourcing[security.operations_service]
        if operator == INTERNAL:
            base = float(security.incidents_per_year_internal)
            sensitivity = float(security.knowledge_effect)
            workforce = self.workforce

            def rate(t: float) -> float:
                return base * (1.0 + sensitivity * (1.0 - workforce.team_knowledge(sec_service, t)))
        else:
            fixed = float(spec.providers[operator].security_incidents_per_year)

            def rate(t: float) -> float:
                return fixed

        gaps = BlockDraws(self.streams.generator("security", "events"), lambda u: -np.log1p(-u))
        losses = BlockDraws(self.streams.generator("security", "loss"), security.loss_eur.ppf)
        durations = BlockDraws(
            self.streams.generator("security", "downtime"), security.downtime_hours.ppf
        )
        impact = BlockDraws(self.streams.generator("security", "impact"), lambda u: u)
        affected = [
            (self.service_ids.index(sid), p)
            for sid, p in sorted(security.affected_services.items())
        ]

        def on_event(t: float) -> None:
            self.ledger.add_cost("security_losses", t, losses.next())
            self.ledger.count("security_incidents", t)
            duration = durations.next()
            for j, p in affected:
                if impact.next() < p and duration > 0:
                    self.log.add(j, t, t + duration, cause=1)

        yield from security_incidents(self.env, rate, gaps.next, on_event, self.n_months)

    # -- booking ----------------------------------------------------------------------------

    def book(
        self,
        tickets: list[Tickets],
        internal_index: dict[int, np.ndarray],
        histories: dict,
        detail: bool,
    ) -> ReplicationResult:
        spec = self.spec
        ledger = self.ledger
        company = spec.company
        hourly = float(company.loaded_hourly_cost_eur)
        horizon = self.horizon
        team = self.team
        fees_by_service: dict[int, np.ndarray] = {}
        detail_rows: dict[str, list[np.ndarray]] = {
            k: [] for k in ("service", "time", "severity", "start", "end", "internal")
        }
        incident_end = np.asarray(team.incident_end) if team is not None else np.empty(0)
        incident_start = np.asarray(team.incident_start) if team is not None else np.empty(0)
        for j, sid in enumerate(self.service_ids):
            service = self.services[j]
            t = tickets[j]
            n = len(t.time)
            if n:
                for i in range(len(SEVERITIES)):
                    ledger.bin_counts(f"incidents_p{i + 1}", t.time[t.severity == i])
            if spec.is_internal(sid):
                if j in internal_index:
                    end = incident_end[internal_index[j]]
                    start = incident_start[internal_index[j]]
                else:
                    end = np.full(n, np.nan)
                    start = np.full(n, np.nan)
                open_end = np.isnan(end)
                if open_end.any():
                    ledger.count("backlog_at_end", horizon, float(open_end.sum()))
                resolved_at = np.where(open_end, horizon, end)
                ledger.bin_counts("incidents_internal", t.time)
            else:
                pid = spec.sourcing[sid]
                provider = spec.providers[pid]
                contract = provider.contracts[sid]
                history = histories[pid]
                handled = handle_tickets(
                    contract, provider, history, t, contract_calendar(provider, self.calendar)
                )
                resolved_at = handled.resolved_at
                start = np.full(n, np.nan)
                ledger.bin_counts("incidents_external", t.time)
                ledger.bin_counts("sla_response_breaches", t.time[handled.response_breach])
                ledger.bin_counts("sla_resolution_breaches", t.time[handled.resolution_breach])
                fees = monthly_fees(contract, provider, history, self.users[j], self.n_months)
                fees_by_service[j] = fees
                ledger.add_costs_by_month("provider_fees", fees)
                per_ticket = float(contract.fee_per_ticket_eur)
                if per_ticket > 0 and n:
                    escalation = (1.0 + float(provider.price_escalation_per_year)) ** (
                        t.time // HOURS_PER_YEAR
                    )
                    ledger.bin_costs(
                        "provider_fees",
                        t.time,
                        per_ticket * escalation * history.price_multiplier(t.time),
                    )
                ledger.add_cost("transition", 0.0, float(contract.setup_cost_eur))
                ledger.add_costs_by_month(
                    "licences",
                    np.full(
                        self.n_months,
                        float(contract.licences_retained_eur_per_user_per_month) * self.users[j],
                    ),
                )
            resolution = resolved_at - t.time
            for i in range(len(SEVERITIES)):
                mask = t.severity == i
                ledger.bin_counts(
                    f"resolution_hours_total_p{i + 1}", t.time[mask], resolution[mask]
                )
            lost = user_hours_lost(service, t, resolved_at, self.calendar)
            ledger.bin_counts("user_hours_lost", t.time, lost)
            ledger.bin_costs("downtime", t.time, lost * hourly)
            if detail:
                detail_rows["service"].append(np.full(n, j))
                detail_rows["time"].append(t.time)
                detail_rows["severity"].append(t.severity)
                detail_rows["start"].append(start)
                detail_rows["end"].append(resolved_at)
                detail_rows["internal"].append(np.full(n, spec.is_internal(sid)))
            if spec.is_internal(sid):
                self.book_internal_service_costs(j)
        self.book_outages(fees_by_service, hourly)
        for pid, history in histories.items():
            failure = spec.providers[pid].failure
            for ft in history.failure_times:
                ledger.add_cost("transition", ft, float(failure.transition_cost_eur))
                ledger.count("provider_failures", ft)
        ledger.counters[CNT["sla_breaches"]] = (
            ledger.counters[CNT["sla_response_breaches"]]
            + ledger.counters[CNT["sla_resolution_breaches"]]
            + ledger.counters[CNT["sla_availability_breaches"]]
        )
        if self.workforce is not None:
            self.book_people()
        tickets_detail = None
        if detail:
            tickets_detail = {
                k: np.concatenate(v) if v else np.empty(0) for k, v in detail_rows.items()
            }
        outage_detail = None
        if detail:
            outage_detail = {
                "service": np.concatenate(
                    [np.full(len(s), j) for j, s in enumerate(self.log.starts)]
                ),
                "start": np.concatenate([np.asarray(s, dtype=float) for s in self.log.starts]),
                "end": np.concatenate([np.asarray(e, dtype=float) for e in self.log.ends]),
                "cause": np.concatenate([np.asarray(c, dtype=int) for c in self.log.causes]),
            }
        return ReplicationResult(
            costs=ledger.costs,
            downtime=ledger.downtime,
            counters=ledger.counters,
            services=self.service_ids,
            tickets=tickets_detail,
            outages=outage_detail,
        )

    def book_internal_service_costs(self, j: int) -> None:
        costs = self.services[j].internal_costs
        ledger = self.ledger
        hardware = float(costs.hardware_eur)
        if hardware > 0:
            t = float(costs.first_purchase_year) * HOURS_PER_YEAR
            while t < self.horizon:
                ledger.add_cost("hardware", t, hardware)
                t += float(costs.refresh_years) * HOURS_PER_YEAR
        ledger.add_costs_by_month(
            "licences",
            np.full(self.n_months, float(costs.licences_eur_per_user_per_month) * self.users[j]),
        )
        ledger.add_costs_by_month(
            "operations", np.full(self.n_months, float(costs.running_eur_per_month))
        )

    def book_outages(self, fees_by_service: dict[int, np.ndarray], hourly: float) -> None:
        ledger = self.ledger
        horizon = self.horizon
        for j, service in enumerate(self.services):
            starts = np.asarray(self.log.starts[j], dtype=float)
            if len(starts) == 0:
                if j in fees_by_service:
                    self.book_availability(j, np.zeros(self.n_months), fees_by_service[j])
                continue
            ends = np.minimum(np.asarray(self.log.ends[j], dtype=float), horizon)
            causes = np.asarray(self.log.causes[j])
            ledger.bin_counts("outages", starts[causes == 0])
            m_start, m_end = merge_intervals(starts, ends)
            ledger.downtime[j] += hours_by_month(m_start, m_end, self.n_months)
            open_hours = open_hours_by_month(self.calendar, m_start, m_end, self.n_months)
            loss_share = float(service.outages.productivity_loss) if service.outages else 1.0
            lost_user_hours = open_hours * self.users[j] * loss_share
            ledger.count_by_month("user_hours_lost", lost_user_hours)
            ledger.add_costs_by_month("downtime", lost_user_hours * hourly)
            ledger.add_costs_by_month(
                "lost_margin", open_hours * float(service.lost_margin_eur_per_hour)
            )
            if j in fees_by_service:
                f_start, f_end = merge_intervals(starts[causes == 0], ends[causes == 0])
                failure_hours = hours_by_month(f_start, f_end, self.n_months)
                self.book_availability(j, failure_hours, fees_by_service[j])

    def book_availability(self, j: int, downtime_hours: np.ndarray, fees: np.ndarray) -> None:
        sid = self.service_ids[j]
        sla = self.spec.providers[self.spec.sourcing[sid]].contracts[sid].sla
        availability = 1.0 - downtime_hours / HOURS_PER_MONTH
        self.ledger.add_costs_by_month("service_credits", -service_credits(sla, availability, fees))
        self.ledger.count_by_month(
            "sla_availability_breaches", (availability < sla.availability).astype(float)
        )

    def book_people(self) -> None:
        spec = self.spec
        ledger = self.ledger
        staff = spec.staff
        team = self.team
        workforce = self.workforce
        horizon = self.horizon
        workforce.close_books(horizon)
        working_hours_per_year = (
            float(staff.working_hours_per_week)
            * self.seat_cost_factor
            * HOURS_PER_YEAR
            / HOURS_PER_WEEK
        )
        available = np.zeros(self.n_months)
        for slot in workforce.slots:
            emp = np.asarray(slot.employment, dtype=float).reshape(-1, 2)
            hours = hours_by_month(emp[:, 0], emp[:, 1], self.n_months)
            ledger.add_costs_by_month(
                slot.category, hours * slot.annual_cost_eur / HOURS_PER_YEAR * self.wage_index
            )
            available += open_hours_by_month(
                self.team_calendar, emp[:, 0], emp[:, 1], self.n_months
            )
            if slot.unavailable_starts:
                a_s, a_e = _intersect(
                    np.asarray(slot.unavailable_starts), np.asarray(slot.unavailable_ends), emp
                )
                available -= open_hours_by_month(self.team_calendar, a_s, a_e, self.n_months)
            if slot.vacancies:
                vac = np.asarray(slot.vacancies, dtype=float)
                ledger.count_by_month(
                    "vacancy_months",
                    hours_by_month(vac[:, 0], np.minimum(vac[:, 1], horizon), self.n_months)
                    / HOURS_PER_MONTH,
                )
        busy = open_hours_by_month(
            self.team_calendar,
            np.asarray(team.busy_starts),
            np.asarray(team.busy_ends),
            self.n_months,
        )
        available /= self.pace
        busy /= self.pace
        ledger.count_by_month("staff_hours_available", available)
        ledger.count_by_month("staff_hours_busy", busy)
        ledger.count_by_month("improvement_hours", np.maximum(available - busy, 0.0))
        ledger.bin_counts("on_call_callouts", np.asarray(team.callouts))
        if spec.team.coverage == Coverage.ON_CALL:
            allowance = (
                spec.team.on_call_staff
                * float(staff.on_call_allowance_eur_per_week)
                * HOURS_PER_MONTH
                / HOURS_PER_WEEK
            )
            ledger.add_costs_by_month("on_call", allowance * self.wage_index)
        for end, slot, hours in team.task_hours:
            if slot.category == "vendor_management":
                continue
            month = ledger.month(end)
            eur = hours * slot.annual_cost_eur * self.wage_index[month] / working_hours_per_year
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


def simulate(spec: ScenarioSpec, streams: RandomStreams, detail: bool = False) -> ReplicationResult:
    """Run one replication of a resolved scenario (no uncertain parameters left).

    `streams` gives independent generators by stable keys such as ("incidents", "service_desk"),
    so that replication r of every scenario sees the same tickets, failures and resignations
    wherever the entity exists in both. With `detail`, ticket- and outage-level arrays are
    returned as well (for validation and debugging).
    """
    return _Replication(spec, streams).run(detail)
