"""What an HR list says about the in-house staff: resignations per person-year (with the
exposure of everyone employed in the period) and the time to fill a vacancy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.config.distributions import Distribution
from simulation.fitting.censored import EventFit, fit_durations, pseudo_observations, stream
from simulation.fitting.comments import fit_text, gamma_prior_text, source, spec_text
from simulation.fitting.context import ConfigContext
from simulation.fitting.fragment import Entry, between, fmt
from simulation.fitting.rates import (
    HOURS_PER_MONTH,
    GammaPosterior,
    gamma_prior,
    person_years,
    poisson_rate,
)
from simulation.fitting.records import RecordSet
from simulation.fitting.settings import FitSettings

#: Reasons for leaving that are no resignation: they end a person's exposure without counting
#: as turnover (the model's turnover is resignations). An empty reason counts as resignation.
NOT_RESIGNATION = re.compile(
    r"retire|rente|ruhestand|dismiss|fired|redundan|layoff|termination by employer|"
    r"arbeitgeberkündigung|kündigung durch (?:den )?arbeitgeber|end of contract|fixed.term|"
    r"befrist|death|tod|transfer|versetzung",
    re.IGNORECASE,
)
DAY_MONTHS = 24.0 / HOURS_PER_MONTH


@dataclass(frozen=True)
class StaffFits:
    """Turnover (resignations per person-year, posterior), its split by role, and the time to
    fill a vacancy (months; `vacancies` the table of openings, fills and censoring)."""

    turnover: GammaPosterior
    by_role: pd.DataFrame
    vacancies: pd.DataFrame
    time_to_fill: EventFit | None


def resigned(reasons: pd.Series) -> np.ndarray:
    """Whether each leaver's reason counts as a resignation."""
    return ~reasons.fillna("").astype(str).str.contains(NOT_RESIGNATION).to_numpy()


def fit_staff(
    records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> tuple[StaffFits, list[Entry]]:
    """Fit turnover and time to fill from an HR list; return the fits and the entries."""
    frame = records.frame
    years = person_years(frame["start"], frame["leave"], records.start, records.export)
    left = frame["leave"].between(records.start, records.export).to_numpy()
    event = left & resigned(frame["reason"])
    prior_dist = _prior(ctx, settings, ("staff", "turnover_rate_per_year"))
    prior = gamma_prior(prior_dist) if prior_dist is not None else None
    turnover = poisson_rate(float(event.sum()), float(years.sum()), prior)
    by_role = (
        pd.DataFrame({"role": frame["role"], "resignations": event, "person_years": years})
        .groupby("role")
        .sum()
    )
    vacancies = vacancy_table(frame, records.export, _notice_months(ctx))
    fill_prior = _prior(ctx, settings, ("staff", "time_to_fill_months"))
    filled = vacancies["filled"].to_numpy()
    pseudo = None
    if fill_prior is not None and filled.sum() < settings.alone:
        pseudo = pseudo_observations(fill_prior, settings.pseudo)
    time_to_fill = fit_durations(
        vacancies["months"].to_numpy(dtype=float),
        ~filled,
        vacancies["limit_months"].to_numpy(dtype=float),
        rng=stream(settings.seed, f"time_to_fill:{Path(records.file).name}"),
        families=settings.families,
        replicates=settings.replicates,
        floor=DAY_MONTHS,
        pseudo=pseudo,
    )
    fits = StaffFits(turnover, by_role, vacancies, time_to_fill)
    return fits, _entries(fits, records, ctx, settings, int(left.sum()))


def _prior(ctx: ConfigContext, settings: FitSettings, path: tuple[str, ...]) -> Distribution | None:
    return ctx.prior(path) if settings.prior else None


def _notice_months(ctx: ConfigContext) -> float:
    notice = ctx.prior(("staff", "notice_period_months"))
    return float(notice.mean) if notice is not None else 1.0


def vacancy_table(frame: pd.DataFrame, export: pd.Timestamp, notice_months: float) -> pd.DataFrame:
    """One row per vacancy a leaver left: when recruiting opened (the `vacancy` date, else the
    `notice` date, else the leave date less the notice period), the successor's start (the
    person whose `replaces` names the leaver, else the next hire in the same role), and the
    months between; an unfilled vacancy is censored at the export."""
    leavers = frame[frame["leave"].notna() & (frame["leave"] <= export)].sort_values("leave")
    notice = pd.Timedelta(hours=notice_months * HOURS_PER_MONTH)
    opened = leavers["vacancy"].fillna(leavers["notice"]).fillna(leavers["leave"] - notice)
    taken: set[int] = set()
    rows = []
    for (_, person), opening in zip(leavers.iterrows(), opened, strict=True):
        successor = _successor(frame, person, opening, taken)
        if successor is not None and frame.at[successor, "start"] > export:
            successor = None  # a hire who starts after the export: still open at the export
        end = export if successor is None else frame.at[successor, "start"]
        months = (end - opening) / pd.Timedelta(hours=HOURS_PER_MONTH)
        limit = (export - opening) / pd.Timedelta(hours=HOURS_PER_MONTH)
        rows.append(
            {
                "leaver_row": person["row"],
                "role": person["role"],
                "opened": opening,
                "filled": successor is not None,
                "months": max(months, 0.0),
                "limit_months": limit,
            }
        )
    columns = ["leaver_row", "role", "opened", "filled", "months", "limit_months"]
    return pd.DataFrame(rows, columns=columns).astype({"filled": bool})


def _successor(
    frame: pd.DataFrame, person: pd.Series, opening: pd.Timestamp, taken: set[int]
) -> int | None:
    named = frame.index[(frame["replaces"] == person["person"]) & (person["person"] != "")]
    if len(named):
        taken.add(int(named[0]))
        return int(named[0])
    later = frame[
        (frame["role"] == person["role"])
        & (frame["start"] >= opening)
        & (frame["replaces"] == "")
        & ~frame.index.isin(list(taken))
    ].sort_values("start")
    if later.empty:
        return None
    taken.add(int(later.index[0]))
    return int(later.index[0])


def _entries(
    fits: StaffFits, records: RecordSet, ctx: ConfigContext, settings: FitSettings, leavers: int
) -> list[Entry]:
    level = settings.level
    rate = fits.turnover
    prior = _prior(ctx, settings, ("staff", "turnover_rate_per_year"))
    roles = ", ".join(
        f"{role or '?'} {int(r.resignations)}/{fmt(r.person_years)}"
        for role, r in fits.by_role.iterrows()
    )
    entries = [
        Entry(
            ("staff", "turnover_rate_per_year"),
            rate.to_spec(),
            f"resignations per person-year; {source(records, records.n, 'people')}: "
            f"{int(rate.events)} resignations ({leavers} leavers; retirements, dismissals and "
            f"ends of contract not counted) in {fmt(rate.exposure)} person-years -> "
            f"{fmt(rate.mean)} ({between(*rate.interval(level), level)}); gamma posterior; "
            + gamma_prior_text(rate, prior, "resignations", "person-years"),
        ),
        Entry(("staff",), comment=f"resignations/person-years by role: {roles}"),
    ]
    fill = fits.time_to_fill
    if fill is None:
        entries.append(
            Entry(("staff",), comment="time_to_fill_months kept from the config: no vacancy")
        )
        return entries
    spec = fill.best.to_spec()
    entries.append(
        Entry(
            ("staff", "time_to_fill_months"),
            spec,
            f"months from resignation (recruiting opens) to the successor's start, "
            f"{spec_text(spec, 'months')}; {records.name}: {len(fits.vacancies)} vacancies, "
            f"{int((~fits.vacancies['filled']).sum())} unfilled; "
            + fit_text(
                fill, "months", level, _prior(ctx, settings, ("staff", "time_to_fill_months"))
            ),
        )
    )
    return entries
