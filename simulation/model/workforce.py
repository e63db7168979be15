"""People of a delivery team: turnover, vacancies, onboarding, absence, knowledge, key persons.

The same mechanics serve the in-house team and a provider's team; only the staff policy differs.
Each position ("slot") is one person at a time — or, for a team staffed in seats, one seat staffed
by a rota that covers absences. A slot's holder resigns after a tenure drawn from the annual
turnover rate; the position stays vacant for a time-to-fill draw (less the notice period, during
which recruiting already runs) and the new hire ramps up over the onboarding period, starting
with lower knowledge. Knowledge per person and skill decays exponentially with a technology-drift
half-life; training sessions take a person away (a seat's rota covers them) and restore knowledge.
Events are recorded on the slots; the booking module prices them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from simulation.model.calendar import (
    HOURS_PER_MONTH,
    HOURS_PER_YEAR,
    Calendar,
    merge_intervals,
)
from simulation.model.inputs import MemberInput, StaffInput, TeamInput, working_days_per_year

LN2 = math.log(2.0)
_BLOCK = 32  # tenure and time-to-fill values drawn per block


@dataclass(eq=False)
class Slot:
    """One position of a team and whoever currently holds it."""

    key: str  # stable name for random streams, e.g. "sysadmin#1"
    skills: tuple[int, ...]  # skill indices
    annual_cost_eur: float  # salary with on-costs, in year-0 prices (0 at a provider)
    category: str  # cost category of the salary
    peak: bool = False  # joins only while the queue is long
    present: bool = True
    hired_at: float = -math.inf
    k_ref: list[float] = field(default_factory=list)  # knowledge per skill index at t_ref
    t_ref: float = 0.0
    unavailable_starts: list[float] = field(default_factory=list)
    unavailable_ends: list[float] = field(default_factory=list)
    _ptr: int = 0
    clear_until: float = -math.inf  # known to be neither absent nor in training before this
    queues: list = field(default_factory=list)  # the team's queues for this slot's skills
    idle: bool = False
    wake: Any = None
    employed_since: float = 0.0
    employment: list[tuple[float, float]] = field(default_factory=list)
    vacancies: list[tuple[float, float]] = field(default_factory=list)
    interims: list[tuple[float, float]] = field(default_factory=list)  # interim cover
    interim: bool = False  # the post is held by an interim contractor
    departures: list[float] = field(default_factory=list)
    hires: list[float] = field(default_factory=list)
    training: list[tuple[float, float]] = field(default_factory=list)  # (start, days) attended
    key_for: tuple[int, ...] = ()  # services for which this slot holds key know-how

    def available(self, t: float) -> bool:
        """Present, and neither absent nor in training at time t (t never decreases)."""
        if not self.present:
            return False
        if t < self.clear_until:
            return True
        ends = self.unavailable_ends
        n = len(ends)
        p = self._ptr
        while p < n and ends[p] <= t:
            p += 1
        self._ptr = p
        if p < n and self.unavailable_starts[p] <= t:
            return False
        self.clear_until = self.unavailable_starts[p] if p < n else math.inf
        return True


def _slot(member: MemberInput) -> Slot:
    return Slot(member.key, member.skills, member.annual_cost_eur, member.category, member.peak)


class Workforce:
    """The slots of one delivery team and the knowledge they carry."""

    def __init__(self, team: TeamInput, calendar: Calendar, horizon: float) -> None:
        staff = team.staff
        self.staff = staff
        self.slots = [_slot(m) for m in team.members]
        self.calendar = calendar
        self.horizon = horizon
        self.decay_per_hour = [LN2 / (h * HOURS_PER_YEAR) for h in team.half_lives_years]
        self.onboarding_hours = staff.onboarding_hours
        self.service_skill = team.service_skill
        # key-person gap per service: share of know-how missing, and when rebuilding began
        self.key_share = dict(team.key_person_shares)
        self.gap_open: dict[int, bool] = dict.fromkeys(self.key_share, False)
        self.gap_rebuild_from: dict[int, float] = dict.fromkeys(self.key_share, -math.inf)
        # per service: before this time a key-person gap may exist (fast check per job)
        self.gap_until = [-math.inf] * len(team.service_skill)
        self.slots_by_skill: dict[int, list[Slot]] = {}
        for slot in self.slots:
            for s in slot.skills:
                self.slots_by_skill.setdefault(s, []).append(slot)
        for slot in self.slots:
            slot.k_ref = [staff.initial_knowledge] * len(team.half_lives_years)
        for service, _ in sorted(self.key_share.items()):
            holder = self.slots_by_skill.get(self.service_skill[service], [None])[0]
            if holder is not None:
                holder.key_for = (*holder.key_for, service)

    # -- knowledge ------------------------------------------------------------------------------

    def knowledge(self, slot: Slot, skill: int, t: float) -> float:
        """The person's knowledge of a skill at time t (1 = fully current)."""
        return slot.k_ref[skill] * math.exp(-self.decay_per_hour[skill] * (t - slot.t_ref))

    def key_person_gap(self, service: int, t: float) -> float:
        """Share of a service's know-how missing because its key person left (0 if none)."""
        share = self.key_share.get(service)
        if not share:
            return 0.0
        if self.gap_open[service]:
            return share
        since = t - self.gap_rebuild_from[service]
        rebuild = self.staff.key_person_rebuild_hours
        if since >= rebuild:
            return 0.0
        return share * (1.0 - since / rebuild) if rebuild > 0 else 0.0

    def productivity(self, slot: Slot, t: float) -> float:
        """Onboarding ramp: new hires start at `new_hire_productivity` and reach 1 linearly."""
        since = t - slot.hired_at
        if since >= self.onboarding_hours:
            return 1.0
        p0 = self.staff.new_hire_productivity
        return p0 + (1.0 - p0) * since / self.onboarding_hours

    def team_knowledge(self, service: int, t: float) -> float:
        """Mean knowledge of present staff with the service's skill, less any key-person gap."""
        skill = self.service_skill[service]
        total = 0.0
        n = 0
        for slot in self.slots_by_skill.get(skill, ()):
            if slot.present:
                total += self.knowledge(slot, skill, t)
                n += 1
        if n == 0:
            return 0.0
        return total / n * (1.0 - self.key_person_gap(service, t))

    def refresh_knowledge(self, slot: Slot, t: float, gain: float) -> None:
        """Bring every skill of the slot to time t and add `gain` (capped at full knowledge)."""
        for s in slot.skills:
            slot.k_ref[s] = min(1.0, self.knowledge(slot, s, t) + gain)
        slot.t_ref = t

    def reset_knowledge(self, t: float, level: float) -> None:
        """Everyone starts again at `level` (a new provider takes over the team's work)."""
        for slot in self.slots:
            slot.k_ref = [level] * len(slot.k_ref)
            slot.t_ref = t

    # -- departures and hires -------------------------------------------------------------------

    def depart(self, slot: Slot, t: float) -> None:
        slot.present = False
        slot.employment.append((slot.employed_since, t))
        slot.departures.append(t)
        for service in slot.key_for:
            self.gap_open[service] = True
            self.gap_until[service] = math.inf

    def cover(self, slot: Slot, t: float) -> None:
        """An interim contractor takes the empty post until the hire arrives."""
        slot.present = True
        slot.interim = True
        slot.hired_at = -math.inf  # productive from the first day
        for s in slot.skills:
            slot.k_ref[s] = self.staff.interim_knowledge
        slot.t_ref = t
        slot.interims.append((t, math.inf))

    def end_cover(self, slot: Slot, t: float) -> None:
        start, _ = slot.interims[-1]
        slot.interims[-1] = (start, t)

    def hire(self, slot: Slot, t: float) -> None:
        slot.present = True
        slot.interim = False
        slot.hired_at = t
        slot.employed_since = t
        slot.hires.append(t)
        k0 = self.staff.new_hire_knowledge
        for s in slot.skills:
            slot.k_ref[s] = k0
        slot.t_ref = t
        for service in slot.key_for:
            self.gap_open[service] = False
            self.gap_rebuild_from[service] = t
            self.gap_until[service] = t + self.staff.key_person_rebuild_hours

    def close_books(self, horizon: float) -> None:
        """End every open employment at the horizon so that payroll can be computed."""
        for slot in self.slots:
            if slot.present and not slot.interim:
                slot.employment.append((slot.employed_since, horizon))


# -- random draws -----------------------------------------------------------------------------


def tenure_sampler(staff: StaffInput) -> Callable[[np.ndarray], np.ndarray]:
    """Map uniforms to tenures in hours: exponential (memoryless) or Weibull, mean 1/rate years."""
    rate = staff.turnover_rate_per_year
    if rate <= 0:
        return lambda u: np.full_like(u, np.inf)
    mean_hours = HOURS_PER_YEAR / rate
    shape = staff.tenure_weibull_shape
    if shape is None:
        return lambda u: -mean_hours * np.log1p(-u)
    scale = mean_hours / math.gamma(1.0 + 1.0 / shape)
    return lambda u: scale * (-np.log1p(-u)) ** (1.0 / shape)


class BlockDraws:
    """Values drawn from a stream in blocks, handed out one by one (same order everywhere)."""

    def __init__(self, rng: np.random.Generator, transform: Callable[[np.ndarray], np.ndarray]):
        self.rng = rng
        self.transform = transform
        self.values: list[float] = []
        self.i = 0

    def next(self) -> float:
        if self.i >= len(self.values):
            self.values = self.transform(self.rng.random(_BLOCK)).tolist()
            self.i = 0
        value = self.values[self.i]
        self.i += 1
        return value


def absence_intervals(
    staff: StaffInput, calendar: Calendar, horizon: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Vacation blocks and sickness episodes of one slot over the horizon, as clock intervals.

    Placed in working time (open hours of the calendar), then mapped to the clock. Vacation: the
    yearly days in blocks of up to five working days, one block at a random place in each of
    equal parts of the year (so blocks never overlap). Sickness: episodes with exponential
    lengths, starting as a Poisson process whose intensity makes the expected share of sick
    working time equal to sick days / working days (a Boolean model: coverage 1 - exp(-rate x
    mean length)). Sickness during vacation is not credited back (a simplification).
    """
    day_hours = calendar.open_hours_per_week / max(1, len(calendar.days))
    year_open = working_days_per_year(calendar) * day_hours
    total_open = calendar.cumulative_open(horizon)
    starts: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    vacation = staff.vacation_days_per_year
    n_blocks = math.ceil(vacation / 5.0) if vacation > 0 else 0
    if n_blocks:
        block = np.full(n_blocks, 5.0 * day_hours)
        block[-1] = (vacation - 5.0 * (n_blocks - 1)) * day_hours
        part = year_open / n_blocks
        for year in range(math.ceil(total_open / year_open)):
            u = rng.random(n_blocks)
            offset = year * year_open + np.arange(n_blocks) * part
            starts.append(offset + u * np.maximum(part - block, 0.0))
            lengths.append(block)
    share = min(staff.sick_days_per_year / working_days_per_year(calendar), 0.95)
    episode_hours = staff.sickness_episode_days * day_hours
    if share > 0:
        intensity = -math.log1p(-share) / episode_hours  # episodes per open hour
        n = rng.poisson(intensity * total_open)
        starts.append(rng.random(n) * total_open)
        lengths.append(rng.exponential(episode_hours, n))
    if not starts:
        return np.empty(0), np.empty(0)
    start_open = np.concatenate(starts)
    end_open = start_open + np.concatenate(lengths)
    keep = start_open < total_open
    zero = np.zeros(int(keep.sum()))
    start = calendar.next_open_v(calendar.add_open_hours_v(zero, start_open[keep]))
    end = calendar.add_open_hours_v(zero, end_open[keep])
    return merge_intervals(start, end)


def training_sessions(
    staff: StaffInput, calendar: Calendar, horizon: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, float]:
    """Training sessions of one slot, evenly spread with random offsets: starts, ends, days each."""
    days = staff.training_days_per_year
    per_year = staff.training_sessions_per_year
    if days <= 0:
        return np.empty(0), np.empty(0), 0.0
    days_each = days / per_year
    day_hours = calendar.open_hours_per_week / max(1, len(calendar.days))
    years = math.ceil(horizon / HOURS_PER_YEAR)
    k = np.arange(years * per_year)
    u = rng.random(len(k))
    start = calendar.next_open_v((k + u) * HOURS_PER_YEAR / per_year)
    keep = start < horizon
    start = start[keep]
    end = calendar.add_open_hours_v(start, np.full(len(start), days_each * day_hours))
    return start, end, days_each


# -- processes --------------------------------------------------------------------------------


def turnover(
    env: simpy.Environment,
    workforce: Workforce,
    slot: Slot,
    tenure: BlockDraws,
    time_to_fill_hours: BlockDraws,
    on_hire: Callable[[], None],
) -> Generator[Any, Any, None]:
    """Resignation, vacancy (recruiting runs during the notice period), hire; and again."""
    horizon = workforce.horizon
    notice = workforce.staff.notice_hours
    while True:
        stay = tenure.next()
        if env.now + stay >= horizon:
            return
        yield env.timeout(stay)
        workforce.depart(slot, env.now)
        vacancy = max(0.0, time_to_fill_hours.next() - notice)
        cover = workforce.staff.interim_cover_hours
        covered = cover < vacancy
        slot.vacancies.append((env.now, env.now + min(vacancy, cover)))
        if covered and env.now + cover < horizon:
            yield env.timeout(cover)
            workforce.cover(slot, env.now)
            on_hire()
            vacancy -= cover
        if env.now + vacancy >= horizon:
            return
        yield env.timeout(vacancy)
        if covered:
            workforce.end_cover(slot, env.now)
        workforce.hire(slot, env.now)
        on_hire()


def training(
    env: simpy.Environment,
    workforce: Workforce,
    slot: Slot,
    sessions: tuple[np.ndarray, np.ndarray, float],
) -> Generator[Any, Any, None]:
    """Attend each scheduled session if employed; knowledge is refreshed at its end."""
    starts, ends, days_each = sessions
    gain = workforce.staff.knowledge_gain_per_training_day * days_each
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if start > env.now:
            yield env.timeout(start - env.now)
        if not slot.present or slot.interim:
            continue
        person = slot.hired_at
        slot.training.append((env.now, days_each))
        if end >= workforce.horizon:
            return
        yield env.timeout(end - env.now)
        if slot.present and slot.hired_at == person:
            workforce.refresh_knowledge(slot, env.now, gain)


def time_to_fill_sampler(staff: StaffInput) -> Callable[[np.ndarray], np.ndarray]:
    """Map uniforms to vacancy lengths in hours (time to fill before the notice is deducted)."""
    dist = staff.time_to_fill_months
    return lambda u: dist.ppf(u) * HOURS_PER_MONTH
