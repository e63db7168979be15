"""Delivery: one queueing mechanism for every team, in house or at a provider.

Tickets, outage repairs and tasks wait in one priority queue per skill; the team's members are
SimPy processes that pull the most urgent job they may work on (there is no process per ticket).
A job waits until someone with the skill is present and inside the team's service hours: business
or extended hours, on call (the called-out severities at night, after a call-out delay) or around
the clock. Peak members (a provider's pool, standby staff) take work only while more than the
team's `peak_queue` jobs wait for their skill. Non-urgent work stops at closing time and resumes
at the next opening; urgent work (outage repairs and the team's urgent severities), once started,
runs to the end at full pace, with up to `swarm` idle members sharing it. Effort grows as the
team's knowledge of the client's systems falls, during onboarding, by the team's effort factor,
and while a provider's service is degraded after a failure.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Generator
from typing import Any

import simpy

from simulation.model.inputs import OUTAGE_PRIORITY, TASK_PRIORITY, ServiceInput, TeamInput
from simulation.model.workforce import Slot, Workforce

INCIDENT, OUTAGE, TASK = 0, 1, 2
_ALWAYS, _OPEN, _ON_CALL = 0, 1, 2


class DeliveryTeam:
    """Queues per skill, dispatch rules, and one worker process per member."""

    def __init__(
        self,
        env: simpy.Environment,
        team: TeamInput,
        workforce: Workforce,
        services: tuple[ServiceInput, ...],
        n_skills: int,
    ) -> None:
        self.env = env
        self.team = team
        self.workforce = workforce
        self.calendar = team.calendar
        self.always = team.always
        self.pace = team.pace  # clock hours in service hours per hour of non-urgent effort
        self.urgent = team.urgent
        self.called_out = team.called_out
        self.on_call = team.on_call
        self.on_call_staff = team.on_call_staff
        self.swarm = team.swarm
        self.peak_queue = team.peak_queue
        self.effort_factor = team.effort_factor
        self.effort_sensitivity = [s.effort_sensitivity for s in services]
        self.repair_sensitivity = [s.repair_sensitivity for s in services]
        self.queues: list[list[tuple]] = [[] for _ in range(n_skills)]
        self.seq = itertools.count()
        self.on_call_busy = 0
        self.degraded_until = -math.inf
        self.degradation_factor = 1.0
        self.callouts: list[float] = []
        # job records, filled in by the workers
        self.incident_service: list[int] = []
        self.incident_effort: list[float] = []
        self.incident_start: list[float] = []
        self.incident_end: list[float] = []
        self.outage_base_repair: list[float] = []
        self.outage_service: list[int] = []
        self.outage_done: list[simpy.Event] = []
        self.task_hours: list[tuple[float, Slot, float]] = []  # (end, who, hours) of task work
        self.emergency_work: list[tuple[float, float]] = []  # (start, hours) by contractors
        self.busy_starts: list[float] = []
        self.busy_ends: list[float] = []
        self.busy_service: list[int] = []  # service index of each stretch of work (-1: a task)
        self.workers_by_skill: list[list[Slot]] = [
            workforce.slots_by_skill.get(s, []) for s in range(n_skills)
        ]
        for slot in workforce.slots:
            slot.queues = [self.queues[s] for s in slot.skills]
            slot.idle = False
            env.process(self._work(slot))

    def knowledge(self, service: int, t: float) -> float:
        """The team's knowledge of a service's systems at time t."""
        return self.workforce.team_knowledge(service, t)

    def degrade(self, until: float, factor: float) -> None:
        """Multiply every hour of work started before `until` by `factor` (after a failure)."""
        self.degraded_until = until
        self.degradation_factor = factor

    # -- putting work in ------------------------------------------------------------------------
    # A job is a tuple (priority, time, seq, kind, ref, remaining_hours, skill); the heap orders by
    # priority, then arrival, then submission. remaining_hours < 0 means "not started yet".

    def submit_incidents(
        self,
        times: list[float],
        priorities: list[int],
        skills: list[int],
        services: list[int],
        efforts: list[float],
    ) -> None:
        """Register the team's tickets (sorted by time) and start their arrival process."""
        base = len(self.incident_start)
        n = len(times)
        self.incident_service.extend(services)
        self.incident_effort.extend(efforts)
        self.incident_start.extend([math.nan] * n)
        self.incident_end.extend([math.nan] * n)
        self.env.process(self._arrivals(times, priorities, skills, base))

    def _arrivals(
        self, times: list[float], priorities: list[int], skills: list[int], base: int
    ) -> Generator[Any, Any, None]:
        """Each ticket joins its skill's queue at its arrival time; idle staff are offered it."""
        env = self.env
        queues = self.queues
        seq = self.seq
        push = heapq.heappush
        dispatch = self._dispatch_skill
        timeout = env.timeout
        urgent = self.urgent if self.team.emergency is not None else (False,) * len(self.urgent)
        for i, t in enumerate(times):
            yield timeout(t - env._now)
            skill = skills[i]
            job = (priorities[i], t, next(seq), INCIDENT, base + i, -1.0, skill)
            push(queues[skill], job)
            dispatch(skill)
            if urgent[priorities[i]]:
                self._watch_unstaffed(job)

    def submit_outage(self, service: int, skill: int, base_repair_hours: float) -> simpy.Event:
        """A service is down: queue its repair at top priority; the event fires when repaired."""
        ref = len(self.outage_done)
        done = self.env.event()
        self.outage_done.append(done)
        self.outage_service.append(service)
        self.outage_base_repair.append(base_repair_hours)
        job = (OUTAGE_PRIORITY, self.env.now, next(self.seq), OUTAGE, ref, -1.0, skill)
        heapq.heappush(self.queues[skill], job)
        self._dispatch_skill(skill)
        if self.team.emergency is not None:
            self._watch_unstaffed(job)
        return done

    # -- emergency cover ------------------------------------------------------------------------

    def _unstaffed(self, skill: int, now: float) -> bool:
        """Nobody with the skill is at work (posts empty, holders absent)."""
        return not any(s.present and s.available(now) for s in self.workers_by_skill[skill])

    def _watch_unstaffed(self, job: tuple) -> None:
        """An urgent job nobody can take: call the emergency contractor after the response time."""
        if self._unstaffed(job[6], self.env.now):
            delay = self.env.timeout(self.team.emergency.response_hours)
            delay.callbacks.append(lambda _: self._emergency(job))

    def _emergency(self, job: tuple) -> None:
        """The contractor does the job if it still waits and nobody with the skill is back."""
        queue = self.queues[job[6]]
        now = self.env.now
        if job not in queue or not self._unstaffed(job[6], now):
            return
        queue.remove(job)
        heapq.heapify(queue)
        cover = self.team.emergency
        kind, ref = job[3], job[4]
        if kind == INCIDENT:
            self.incident_start[ref] = now
            service, base = self.incident_service[ref], self.incident_effort[ref]
            sensitivity = self.effort_sensitivity[service]
        else:
            service, base = self.outage_service[ref], self.outage_base_repair[ref]
            sensitivity = self.repair_sensitivity[service]
        hours = base * (1.0 + sensitivity * (1.0 - cover.knowledge))
        self.emergency_work.append((now, hours))
        done = self.env.timeout(hours)
        if kind == INCIDENT:
            done.callbacks.append(lambda _: self.incident_end.__setitem__(ref, now + hours))
        else:
            done.callbacks.append(lambda _: self.outage_done[ref].succeed(now + hours))

    def submit_task(self, skill: int, hours: float) -> None:
        """A non-urgent task of fixed effort (vendor management)."""
        job = (TASK_PRIORITY, self.env.now, next(self.seq), TASK, -1, hours * self.pace, skill)
        heapq.heappush(self.queues[skill], job)
        self._dispatch_skill(skill)

    # -- dispatch -------------------------------------------------------------------------------

    def _take(self, slot: Slot, now: float) -> tuple | None:
        """Pop the most urgent job this person may work on now, with the mode it is worked in."""
        best_q = None
        best = None
        for q in slot.queues:
            if q and (best is None or q[0] < best):
                best = q[0]
                best_q = q
        if best is None or (slot.peak and len(best_q) <= self.peak_queue):
            return None
        if self.always:
            mode = _ALWAYS
        elif self.calendar.is_open(now):
            mode = _OPEN
        elif self.on_call and self.called_out[best[0]] and self.on_call_busy < self.on_call_staff:
            mode = _ON_CALL
        else:
            return None
        heapq.heappop(best_q)
        return best, mode

    def _offer(self, slot: Slot, now: float) -> bool:
        """Give an idle, available person the best job they may take; True if they took one.

        The job starts now; the person's wake-up event is scheduled for the moment the work
        ends, so a job handed to an idle person costs one event, as for a busy one.
        """
        taken = self._take(slot, now)
        if taken is None:
            return False
        slot.idle = False
        work = self._start(slot, taken[0], taken[1], now)
        slot.wake.trigger_after(work[3] - now, work)
        return True

    def _dispatch_skill(self, skill: int) -> None:
        queue = self.queues[skill]
        now = self.env._now
        for slot in self.workers_by_skill[skill]:
            if not queue:
                return
            if slot.idle and slot.present and (now < slot.clear_until or slot.available(now)):
                self._offer(slot, now)

    def dispatch_all(self) -> None:
        """Offer queued work to every idle person (at opening time, after absences, on hire)."""
        now = self.env.now
        for slot in self.workforce.slots:
            if slot.idle and slot.available(now):
                self._offer(slot, now)

    def roster(self, times: list[float]) -> Generator[Any, Any, None]:
        """Wake idle staff at each time their availability may have begun."""
        env = self.env
        for t in times:
            if t > env.now:
                yield env.timeout(t - env.now)
            self.dispatch_all()

    # -- the work itself ------------------------------------------------------------------------

    def _effort(self, slot: Slot, kind: int, ref: int, now: float) -> float:
        """Hours of work of a job's first start: base effort, more with lower knowledge, during
        onboarding, by the team's effort factor and while degraded."""
        if kind == INCIDENT:
            self.incident_start[ref] = now
            service = self.incident_service[ref]
            base, sensitivity = self.incident_effort[ref], self.effort_sensitivity[service]
        else:  # outage repair
            service = self.outage_service[ref]
            base, sensitivity = self.outage_base_repair[ref], self.repair_sensitivity[service]
        workforce = self.workforce
        skill = workforce.service_skill[service]
        k = slot.k_ref[skill] * math.exp(-workforce.decay_per_hour[skill] * (now - slot.t_ref))
        if now < workforce.gap_until[service]:
            k *= 1.0 - workforce.key_person_gap(service, now)
        hours = base * (1.0 + sensitivity * (1.0 - k)) * self.effort_factor
        if now < self.degraded_until:
            hours *= self.degradation_factor
        if now - slot.hired_at < workforce.onboarding_hours:
            hours /= workforce.productivity(slot, now)
        return hours

    def _start(self, slot: Slot, job: tuple, mode: int, now: float) -> tuple:
        """Begin a job: its effort, helpers, where it pauses, and its end; the work in hand."""
        priority, _, _, kind, ref, remaining, _ = job
        urgent = self.urgent[priority]
        if remaining < 0.0:  # first start of this job
            remaining = self._effort(slot, kind, ref, now)
            if urgent and mode != _ON_CALL and self.swarm > 1:
                remaining /= self._swarm(slot, job, mode, now, remaining)
            elif not urgent and mode != _ALWAYS:
                remaining *= self.pace
        rest = 0.0
        end = now + remaining
        if mode == _ON_CALL:
            self.on_call_busy += 1
            self.callouts.append(now)
            end += self.team.staff.callout_hours
        elif mode == _OPEN and not urgent:
            close = self.calendar.next_close(now)
            if end > close:  # stop at closing time, resume at the next opening
                rest = end - close
                end = close
        return job, mode, now, end, rest, False

    def _swarm(self, lead: Slot, job: tuple, mode: int, now: float, effort: float) -> int:
        """Idle members with the skill join an urgent job; returns how many share it."""
        helpers = []
        for slot in self.workers_by_skill[job[6]]:
            if len(helpers) + 1 >= self.swarm:
                break
            if slot is not lead and slot.idle and slot.available(now):
                helpers.append(slot)
        share = len(helpers) + 1
        for slot in helpers:
            slot.idle = False
            work = (job, mode, now, now + effort / share, 0.0, True)
            slot.wake.trigger_after(effort / share, work)
        return share

    def _finish(self, slot: Slot, work: tuple) -> None:
        """Book a finished stretch of work; requeue what is left of a job paused at closing."""
        job, mode, start, end, rest, helping = work
        _, _, _, kind, ref, _, skill = job
        if mode == _ON_CALL:
            self.on_call_busy -= 1
        self.busy_starts.append(start)
        self.busy_ends.append(end)
        if kind == INCIDENT:
            self.busy_service.append(self.incident_service[ref])
        else:
            self.busy_service.append(self.outage_service[ref] if kind == OUTAGE else -1)
        if helping:
            return
        if kind == TASK:
            self.task_hours.append((end, slot, (end - start) / self.pace))
        if rest > 0.0:
            heapq.heappush(self.queues[skill], (*job[:5], rest, skill))
        elif kind == INCIDENT:
            self.incident_end[ref] = end
        elif kind == OUTAGE:
            self.outage_done[ref].succeed(end)

    def _work(self, slot: Slot) -> Generator[Any, Any, None]:
        """A person's working life: take the most urgent job allowed now, work it, book it."""
        env = self.env
        taken = None
        while True:
            if taken is None:
                slot.idle = True
                slot.wake = _Wake(env)
                work = yield slot.wake  # fires when the job a dispatcher started is done
            else:
                now = env._now
                work = self._start(slot, taken[0], taken[1], now)
                yield env.timeout(work[3] - now)
            self._finish(slot, work)
            end = work[3]
            taken = None
            if slot.present and (end < slot.clear_until or slot.available(end)):
                taken = self._take(slot, end)


class _Wake(simpy.Event):
    """An idle person's event, triggered with a delay: at the end of the job they were given."""

    def trigger_after(self, delay: float, value: Any) -> None:
        # what simpy.Timeout does at construction: an already-decided event scheduled later
        self._ok = True
        self._value = value
        self.env.schedule(self, simpy.events.NORMAL, delay)
