"""What an outage log says about each service: the time between failures (MTBF, with its
posterior) and the time to repair (a per-event distribution fitted with censoring)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.config.distributions import Distribution
from simulation.fitting.censored import EventFit, fit_durations, pseudo_observations, stream
from simulation.fitting.comments import fit_text, gamma_prior_text, source, spec_text
from simulation.fitting.context import ConfigContext, per_service
from simulation.fitting.fragment import Entry, between, fmt
from simulation.fitting.rates import GammaPosterior, gamma_prior, poisson_rate
from simulation.fitting.records import RecordSet
from simulation.fitting.settings import FitSettings

MINUTE_HOURS = 1.0 / 60.0


@dataclass(frozen=True)
class ServiceOutages:
    """The fits of one service's outages, with the data behind them.

    `rate` is the posterior of failures per hour up, as recorded (at the team's knowledge
    then); `rate_factor` the knowledge factor (1 + effect x (1 - knowledge)) that turns it
    into the config's MTBF at full knowledge, `repair_factor` the same for repair times.
    `uptimes`/`uptime_censored` are the times up between outages (the last one running into
    the export), `ttf` their exponential-against-Weibull fit.
    """

    service: str
    rate: GammaPosterior
    downtime_hours: float
    repair: EventFit | None
    uptimes: np.ndarray
    uptime_censored: np.ndarray
    ttf: EventFit | None
    rate_factor: float | None
    repair_factor: float | None


def fit_outages(
    records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> tuple[dict[str, ServiceOutages], list[Entry]]:
    """Fit every service of an outage log; return the fits and the fragment's entries."""
    return per_service(records, ctx, settings, _service, _entries)


def _prior(ctx: ConfigContext, settings: FitSettings, path: tuple[str, ...]) -> Distribution | None:
    return ctx.prior(path) if settings.prior else None


def _service(
    sid: str, frame: pd.DataFrame, records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> ServiceOutages:
    export = records.export
    end = frame["end"].fillna(export).clip(upper=export)
    down = ((end - frame["start"]) / pd.Timedelta(hours=1)).to_numpy(dtype=float)
    rate_factor = ctx.knowledge_factor(sid, "outage_rate")
    repair_factor = ctx.knowledge_factor(sid, "repair")
    mtbf = _prior(ctx, settings, ("services", sid, "outages", "mtbf_hours"))
    kappa = rate_factor or 1.0
    prior = gamma_prior(mtbf, lambda m: kappa / m) if mtbf is not None else None
    rate = poisson_rate(len(frame), records.hours - down.sum(), prior)
    limits = ((export - frame["start"]) / pd.Timedelta(hours=1)).to_numpy(dtype=float)
    ongoing = frame["end"].isna().to_numpy()
    repair_prior = _prior(ctx, settings, ("services", sid, "outages", "repair_hours"))
    pseudo = None
    if repair_prior is not None and (~ongoing).sum() < settings.alone:
        pseudo = pseudo_observations(repair_prior, settings.pseudo) * (repair_factor or 1.0)
    repair = fit_durations(
        down,
        ongoing,
        limits,
        rng=stream(settings.seed, f"repair:{Path(records.file).name}:{sid}"),
        families=settings.families,
        replicates=settings.replicates,
        floor=MINUTE_HOURS,
        pseudo=pseudo,
    )
    uptimes, censored = _uptimes(frame, records.start, export)
    ttf = fit_durations(
        uptimes,
        censored,
        rng=stream(settings.seed, f"ttf:{Path(records.file).name}:{sid}"),
        families=("exponential", "weibull"),
        replicates=0,
        floor=MINUTE_HOURS,
    )
    return ServiceOutages(
        sid, rate, float(down.sum()), repair, uptimes, censored, ttf, rate_factor, repair_factor
    )


def _uptimes(
    frame: pd.DataFrame, start: pd.Timestamp, export: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray]:
    """Hours up before each outage (from the period's start or the previous outage's end) and
    the last stretch up to the export (censored: no failure yet)."""
    ends = [start, *frame["end"].fillna(export)]
    starts = [*frame["start"], export]
    hours = np.array([(b - a) / pd.Timedelta(hours=1) for a, b in zip(ends, starts, strict=True)])
    censored = np.zeros(hours.size, dtype=bool)
    censored[-1] = True
    keep = hours > 0
    return hours[keep], censored[keep]


def _entries(
    fit: ServiceOutages, records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> list[Entry]:
    at = ("services", fit.service, "outages")
    level = settings.level
    kappa = fit.rate_factor or 1.0
    rate = fit.rate
    spec = rate.inverse_spec(kappa)
    low, high = rate.inverse_interval(kappa, level)
    adjust = (
        f"; x{kappa:.3f}: the config's MTBF is at full knowledge, the records at the team's"
        if fit.rate_factor is not None
        else "; as recorded (no config: not adjusted for the team's knowledge)"
    )
    prior = _prior(ctx, settings, (*at, "mtbf_hours"))
    entries = [
        Entry(
            (*at, "mtbf_hours"),
            spec,
            f"hours up between outages; {source(records, int(rate.events), 'outages')}, "
            f"{fmt(rate.exposure)} hours up -> median {fmt(spec['median'])} "
            f"({between(low, high, level)}); 1/rate of the gamma posterior of failures per hour "
            f"up, as the lognormal with its median and p95{adjust}; "
            + gamma_prior_text(rate, prior, "outages", "hours up"),
        )
    ]
    entries += _repair_entries(fit, records, ctx, settings)
    if fit.ttf is not None and len(fit.ttf.candidates) == 2 and fit.ttf.n >= 5:
        shape = next((c for c in fit.ttf.candidates if c.family == "weibull"), None)
        entries.append(
            Entry(
                at,
                comment=f"time to failure: {fit.ttf.best.family} fits best by AIC (by "
                f"{fmt(fit.ttf.delta_aic)}); Weibull shape {fmt(shape.params[0]) if shape else '-'}"
                " (1 is exponential); time_to_failure left as configured",
            )
        )
    return entries


def _repair_entries(
    fit: ServiceOutages, records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> list[Entry]:
    at = ("services", fit.service, "outages")
    if fit.repair is None:
        return [Entry(at, comment="repair_hours kept from the config: too few outages ended")]
    prior = _prior(ctx, settings, (*at, "repair_hours"))
    spec = fit.repair.best.to_spec(fit.repair_factor or 1.0)
    return [
        Entry(
            (*at, "repair_hours"),
            spec,
            f"hours from the start to the end of an outage, {spec_text(spec, 'h')}; "
            f"{records.name}: "
            + fit_text(fit.repair, "h", settings.level, prior, fit.repair_factor)
            + "; includes the time until work started, which the model adds itself (call-out,"
            " closed hours): errs high",
        )
    ]
