"""One replication of one scenario: the story of an IT department over the horizon.

`simulate` is a pure function of the resolved scenario (uncertain parameters already drawn) and
its random streams; it reads no files and touches no global random state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import simpy

from simulation.config.scenario import ScenarioSpec
from simulation.model.booking import book_replication
from simulation.model.calendar import HOURS_PER_MONTH
from simulation.model.contracts import ProviderHistory, provider_history
from simulation.model.delivery import DeliveryTeam
from simulation.model.incidents import Tickets, draw_tickets
from simulation.model.inputs import VENDOR_MANAGEMENT_SKILL, ModelInput, model_input
from simulation.model.ledger import ReplicationResult
from simulation.model.outages import OutageLog, failures_and_repairs
from simulation.model.security import run_security
from simulation.model.teams import build_team
from simulation.model.workforce import BlockDraws


class RandomStreams(Protocol):
    """Independent random generators keyed by stable names (mechanism, entity)."""

    def generator(self, *key: str) -> np.random.Generator: ...


@dataclass(frozen=True)
class Routing:
    """Where each service's tickets went: the team, and each ticket's place in its records."""

    team: int
    positions: np.ndarray


def simulate(spec: ScenarioSpec, streams: RandomStreams, detail: bool = False) -> ReplicationResult:
    """Run one replication of a resolved scenario (no uncertain parameters left).

    `streams` gives independent generators by stable keys such as ("incidents", "service_desk"),
    so that replication r of every scenario sees the same tickets, failures and resignations
    wherever the entity exists in both. With `detail`, ticket- and outage-level arrays are
    returned as well (for validation and debugging).
    """
    inputs = model_input(spec)
    generator = streams.generator
    env = simpy.Environment()
    log = OutageLog(len(inputs.services))
    tickets = [
        draw_tickets(
            s,
            inputs.horizon_hours,
            inputs.calendar,
            generator("incidents", s.id),
            generator("effort", s.id),
        )
        for s in inputs.services
    ]
    teams = [build_team(env, team, inputs, generator) for team in inputs.teams]
    routing = hand_tickets_to_teams(inputs, tickets, teams)
    histories = start_provider_failures(env, inputs, teams, generator)
    start_outages(env, inputs, teams, generator, log)
    start_vendor_management(env, inputs, teams)
    security = run_security(
        env,
        inputs.security,
        teams[inputs.services[inputs.security.service].team],
        generator,
        log,
        inputs.n_months,
    )
    start_transitions(inputs, teams)
    env.run(until=inputs.horizon_hours)
    compliance = [compliance_streams(generator, s.id) for s in inputs.services]
    return book_replication(
        inputs, tickets, routing, teams, histories, log, security, compliance, detail
    )


def hand_tickets_to_teams(
    inputs: ModelInput, tickets: list[Tickets], teams: list[DeliveryTeam]
) -> list[Routing]:
    """Each team gets the tickets of the services it delivers, as one stream in time order."""
    routing: list[Routing | None] = [None] * len(inputs.services)
    for t, team in enumerate(teams):
        served = [s.index for s in inputs.services if s.team == t]
        if not served:
            continue
        times = np.concatenate([tickets[j].time for j in served])
        order = np.argsort(times, kind="stable")
        service_of = np.concatenate([np.full(len(tickets[j].time), j) for j in served])[order]
        severity = np.concatenate([tickets[j].severity for j in served])[order]
        effort = np.concatenate([tickets[j].effort for j in served])[order]
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        offset = 0
        for j in served:
            routing[j] = Routing(t, position[offset : offset + len(tickets[j].time)])
            offset += len(tickets[j].time)
        skills = np.asarray([s.skill for s in inputs.services])[service_of]
        team.submit_incidents(
            times[order].tolist(),
            (severity + 1).tolist(),
            skills.tolist(),
            service_of.tolist(),
            effort.tolist(),
        )
    return [r if r is not None else Routing(-1, np.empty(0, np.int64)) for r in routing]


def start_provider_failures(
    env: simpy.Environment, inputs: ModelInput, teams: list[DeliveryTeam], generator
) -> dict[str, ProviderHistory]:
    """Draw each provider's failures; at each, a new provider takes over its teams' work."""
    histories = {}
    for pid, provider in inputs.providers.items():
        history = provider_history(
            provider, inputs.horizon_hours, generator("provider_failure", pid)
        )
        histories[pid] = history
        mine = [
            team for team, spec in zip(teams, inputs.teams, strict=True) if spec.employer == pid
        ]
        if len(history.failure_times) and mine:
            env.process(_takeovers(env, history, provider, mine))
    return histories


def _takeovers(env, history: ProviderHistory, provider, teams: list[DeliveryTeam]):
    """At a failure the new provider's people start from the contract's initial knowledge,
    and work is slower for the degraded period (an unplanned transition)."""
    for t in history.failure_times.tolist():
        yield env.timeout(t - env.now)
        for team in teams:
            team.workforce.reset_knowledge(env.now, team.team.staff.initial_knowledge)
            team.degrade(env.now + provider.degraded_hours, provider.degradation_factor)


def start_outages(
    env: simpy.Environment, inputs: ModelInput, teams: list[DeliveryTeam], generator, log
) -> None:
    """A failure-and-repair process for every service that can fail."""
    for service in inputs.services:
        outages = service.outages
        if outages is None:
            continue
        env.process(
            failures_and_repairs(
                env,
                service,
                teams[service.team],
                BlockDraws(generator("outage_ttf", service.id), outages.unit_time_to_failure).next,
                BlockDraws(generator("outage_repair", service.id), outages.repair.ppf).next,
                inputs.horizon_hours,
                log,
            )
        )


def start_vendor_management(
    env: simpy.Environment, inputs: ModelInput, teams: list[DeliveryTeam]
) -> None:
    """Each month the in-house team owes the contracts their vendor-management hours."""
    hours = sum(s.contract.vendor_management_hours_per_month for s in inputs.services if s.contract)
    company = inputs.company_team
    if hours <= 0 or company is None:
        return
    team = teams[company]
    skill = inputs.skills.index(VENDOR_MANAGEMENT_SKILL)

    def monthly():
        for month in range(inputs.n_months):
            yield env.timeout(month * HOURS_PER_MONTH - env.now)
            team.submit_task(skill, hours)

    env.process(monthly())


def start_transitions(inputs: ModelInput, teams: list[DeliveryTeam]) -> None:
    """At go-live a provider's team learns the company's systems: work is slower for a while."""
    for service in inputs.services:
        contract = service.contract
        if contract is not None and contract.transition_hours > 0:
            teams[service.team].degrade(
                contract.transition_hours, contract.transition_effort_factor
            )


def compliance_streams(generator, service: str) -> tuple:
    """The generators of a service's compliance events: unit exponentials for the gaps (time-
    changed by each scenario's rate) and uniforms for the losses; the same in every scenario."""
    return generator("compliance", service), generator("compliance_loss", service)
