"""Assemble a delivery team for a replication: its people, their time away, and its queue.

The same assembly serves the in-house team and every provider's team; the team's input says who
employs it, its service hours, staffing and policy. Random streams are keyed by each member's
stable name, so a member sees the same absences, training dates and resignations in every
scenario that has it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import simpy

from simulation.model.calendar import Calendar, merge_intervals
from simulation.model.delivery import DeliveryTeam
from simulation.model.inputs import ModelInput, TeamInput
from simulation.model.workforce import (
    BlockDraws,
    Slot,
    Workforce,
    absence_intervals,
    tenure_sampler,
    time_to_fill_sampler,
    training,
    training_sessions,
    turnover,
)

Streams = Callable[..., np.random.Generator]


def build_team(
    env: simpy.Environment, team: TeamInput, inputs: ModelInput, generator: Streams
) -> DeliveryTeam:
    """Create a team's workforce and queue and start its people's processes."""
    horizon = inputs.horizon_hours
    workforce = Workforce(team, inputs.calendar, horizon)
    delivery = DeliveryTeam(env, team, workforce, inputs.services, len(inputs.skills))
    wake_times = [] if team.always else [team.calendar.open_starts(horizon)]
    tenure = tenure_sampler(team.staff)
    fill = time_to_fill_sampler(team.staff)
    for slot in workforce.slots:
        sessions = training_sessions(
            team.staff, inputs.calendar, horizon, generator("training", slot.key)
        )
        if not team.seats:  # a seat's rota covers absences and training
            wake_times.append(_time_away(slot, team, inputs.calendar, horizon, generator, sessions))
        env.process(
            turnover(
                env,
                workforce,
                slot,
                BlockDraws(generator("resignation", slot.key), tenure),
                BlockDraws(generator("time_to_fill", slot.key), fill),
                delivery.dispatch_all,
            )
        )
        if len(sessions[0]):
            env.process(training(env, workforce, slot, sessions))
    times = np.unique(np.concatenate(wake_times)) if wake_times else np.empty(0)
    env.process(delivery.roster(times[times < horizon].tolist()))
    return delivery


def _time_away(
    slot: Slot,
    team: TeamInput,
    business: Calendar,
    horizon: float,
    generator: Streams,
    sessions: tuple[np.ndarray, np.ndarray, float],
) -> np.ndarray:
    """Set a person's absences and training as unavailable intervals; returns their ends."""
    a_start, a_end = absence_intervals(
        team.staff, business, horizon, generator("absence", slot.key)
    )
    t_start, t_end, _ = sessions
    u_start, u_end = merge_intervals(
        np.concatenate([a_start, t_start]), np.concatenate([a_end, t_end])
    )
    slot.unavailable_starts = u_start.tolist()
    slot.unavailable_ends = u_end.tolist()
    return u_end
