"""What a ticket export says about each service: incidents per user per month, the share in
business hours, the severity mix, effort per severity and (for comparison) resolution times."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from simulation.config.distributions import Distribution
from simulation.fitting.censored import EventFit, fit_durations, pseudo_observations, stream
from simulation.fitting.comments import describe, fit_text, gamma_prior_text, source, spec_text
from simulation.fitting.context import ConfigContext, per_service
from simulation.fitting.fragment import Entry, between, fmt, pct
from simulation.fitting.rates import (
    HOURS_PER_MONTH,
    BetaPosterior,
    GammaPosterior,
    SeverityMix,
    beta_prior,
    dispersion,
    gamma_prior,
    in_business_hours,
    monthly_counts,
    poisson_rate,
    severity_mix,
    share_posterior,
)
from simulation.fitting.records import SEVERITIES, RecordSet
from simulation.fitting.settings import FitSettings

#: Shortest duration a ticket can have in the records (a minute, in hours).
MINUTE_HOURS = 1.0 / 60.0


@dataclass(frozen=True)
class ServiceTickets:
    """The fits of one service's tickets, with the data behind them (for diagnostics).

    `monthly` holds tickets and hours per calendar month; `effort` and `resolution` the fits
    per severity on the scale observed (None where too few records); `effort_factor` the
    knowledge factor effort was divided by for the config (None: not adjusted).
    """

    service: str
    users: int
    rate: GammaPosterior
    monthly: pd.DataFrame
    business_hours: BetaPosterior
    mix: SeverityMix
    effort: dict[str, EventFit | None] = field(default_factory=dict)
    resolution: dict[str, EventFit | None] = field(default_factory=dict)
    effort_factor: float | None = None


def fit_tickets(
    records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> tuple[dict[str, ServiceTickets], list[Entry]]:
    """Fit every service of a ticket export; return the fits and the fragment's entries."""
    return per_service(records, ctx, settings, _service, _entries)


def _service(
    sid: str, frame: pd.DataFrame, records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> ServiceTickets:
    users = ctx.users_for(sid)
    if users is None or users <= 0:
        raise ValueError(
            f"{records.file}: service {sid!r} needs its number of users for a rate per user "
            "(give users=..., or a config with the service's `users` or `company.employees`)"
        )
    counts, hours = monthly_counts(frame["created"], records.start, records.export)
    exposure = users * records.hours / HOURS_PER_MONTH
    prior_dist = _prior(ctx, settings, ("services", sid, "incidents_per_user_per_month"))
    prior = gamma_prior(prior_dist) if prior_dist is not None else None
    rate = poisson_rate(len(frame), exposure, prior, dispersion(counts, hours))
    share_prior = beta_prior(_prior(ctx, settings, ("services", sid, "business_hours_share")))
    inside = in_business_hours(frame["created"], ctx.business_hours())
    business = share_posterior(float(inside.sum()), float(len(frame)), share_prior)
    configured = {
        sev: ctx.value(("services", sid, "severities", sev, "share")) for sev in SEVERITIES
    }
    usable = all(isinstance(v, int | float) for v in configured.values()) and settings.prior
    mix = severity_mix(
        frame["severity"].value_counts().to_dict(), SEVERITIES, configured if usable else None
    )
    factor = ctx.knowledge_factor(sid, "effort")
    effort, resolution = {}, {}
    for sev in SEVERITIES:
        rows = frame[frame["severity"] == sev]
        name = f"{Path(records.file).name}:{sid}:{sev}"
        if records.frame.attrs.get("has_effort"):
            prior_effort = _prior(
                ctx, settings, ("services", sid, "severities", sev, "effort_hours")
            )
            effort[sev] = _effort(rows, prior_effort, factor or 1.0, settings, name)
        resolution[sev] = _resolution(rows, records.export, settings, name)
    monthly = pd.DataFrame({"tickets": counts, "hours": hours})
    return ServiceTickets(sid, users, rate, monthly, business, mix, effort, resolution, factor)


def _prior(ctx: ConfigContext, settings: FitSettings, path: tuple[str, ...]) -> Distribution | None:
    return ctx.prior(path) if settings.prior else None


def _effort(
    rows: pd.DataFrame,
    prior: Distribution | None,
    factor: float,
    settings: FitSettings,
    name: str,
) -> EventFit | None:
    """Effort per ticket (hours); effort logged on an open ticket is a lower bound (censored);
    tickets without effort logged (empty or zero) are left out."""
    logged = rows[rows["effort_hours"] > 0]
    open_ = logged["resolved"].isna().to_numpy()
    pseudo = None
    if prior is not None and (~open_).sum() < settings.alone:
        pseudo = pseudo_observations(prior, settings.pseudo) * factor
    return fit_durations(
        logged["effort_hours"].to_numpy(),
        open_,
        rng=stream(settings.seed, f"effort:{name}"),
        families=settings.families,
        replicates=settings.replicates,
        floor=MINUTE_HOURS,
        pseudo=pseudo,
    )


def _resolution(
    rows: pd.DataFrame, export: pd.Timestamp, settings: FitSettings, name: str
) -> EventFit | None:
    """Clock hours from creation to resolution; a ticket open at the export is censored there,
    and every ticket would have been censored at its age at the export."""
    open_ = rows["resolved"].isna().to_numpy()
    end = rows["resolved"].fillna(export)
    hours = ((end - rows["created"]) / pd.Timedelta(hours=1)).to_numpy(dtype=float)
    limits = ((export - rows["created"]) / pd.Timedelta(hours=1)).to_numpy(dtype=float)
    return fit_durations(
        hours,
        open_,
        limits,
        rng=stream(settings.seed, f"resolution:{name}"),
        families=settings.families,
        replicates=settings.replicates,
        floor=MINUTE_HOURS,
    )


def _entries(
    fit: ServiceTickets, records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> list[Entry]:
    level = settings.level
    at = ("services", fit.service)
    rate = fit.rate
    months = records.hours / HOURS_PER_MONTH
    over = ""
    if rate.dispersion > 1:
        over = f"; monthly counts vary {rate.dispersion:.2f}x a Poisson process's (quasi-Poisson)"
    prior_rate = _prior(ctx, settings, (*at, "incidents_per_user_per_month"))
    entries = [
        Entry(
            (*at, "incidents_per_user_per_month"),
            rate.to_spec(),
            f"tickets per user per month; {source(records, int(rate.events), 'tickets')}, "
            f"{fit.users} users, {months:.1f} months -> {fmt(rate.mean)} "
            f"({between(*rate.interval(level), level)}); gamma posterior of the Poisson rate"
            f"{over}; {gamma_prior_text(rate, prior_rate, 'tickets', 'user-months')}",
        ),
        _business_entry(fit, records, ctx, settings),
    ]
    entries += _severity_entries(fit, records, ctx, settings)
    return entries


def _business_entry(
    fit: ServiceTickets, records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> Entry:
    share, level = fit.business_hours, settings.level
    hours = ctx.business_hours()
    window = f"{hours.days[0]}-{hours.days[-1]} {hours.start_hour:02d}-{hours.end_hour:02d}"
    config = _prior(ctx, settings, ("services", fit.service, "business_hours_share"))
    how = (
        f"prior: beta with the mean and spread of the config's {describe(config)}, conjugate update"
        if share.has_prior
        else "uniform prior: data alone"
    )
    return Entry(
        ("services", fit.service, "business_hours_share"),
        share.to_spec(),
        f"share of tickets raised in business hours ({window}); {records.name}: "
        f"{int(share.successes):,} of {int(share.trials):,} -> {pct(share.mean)} "
        f"({between(*share.interval(level), level, as_pct=True)}); beta posterior, written "
        f"exactly as a PERT on [0, 1]; {how}",
    )


def _severity_entries(
    fit: ServiceTickets, records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> list[Entry]:
    at = ("services", fit.service, "severities")
    level = settings.level
    shares = fit.mix.rounded()
    weight = sum(fit.mix.prior)
    how = (
        "Jeffreys prior"
        if set(fit.mix.prior) == {0.5}
        else f"prior: the config's mix counted as {weight:.0f} tickets"
    )
    entries = []
    for sev in SEVERITIES:
        count = int(fit.mix.counts[SEVERITIES.index(sev)])
        value: dict[str, object] = {"share": shares[sev]}
        comment = (
            f"share {sev}: {count:,} of {fit.mix.n:,} tickets -> {pct(shares[sev], 2)} "
            f"({between(*fit.mix.interval(sev, level), level, as_pct=True)}), Dirichlet "
            f"posterior mean ({how}; a fixed number in the schema)"
        )
        effort = fit.effort.get(sev)
        prior = _prior(ctx, settings, (*at, sev, "effort_hours"))
        if effort is not None:
            spec = effort.best.to_spec(fit.effort_factor or 1.0)
            value["effort_hours"] = spec
            comment += f"; effort {spec_text(spec, 'h')}: " + fit_text(
                effort, "h", level, prior, fit.effort_factor
            )
        elif records.frame.attrs.get("has_effort"):
            comment += "; effort_hours kept from the config: too few tickets with effort logged"
        entries.append(Entry((*at, sev), value, comment))
    if not records.frame.attrs.get("has_effort"):
        entries.append(
            Entry(
                at,
                comment=f"effort_hours kept from the config: {records.name} has no effort "
                "column (resolution times are no effort: they include waiting and closed hours)",
            )
        )
    entries += _resolution_notes(fit, settings)
    return entries


def _resolution_notes(fit: ServiceTickets, settings: FitSettings) -> list[Entry]:
    notes = []
    for sev in SEVERITIES:
        res = fit.resolution.get(sev)
        if res is None:
            continue
        spec = res.best.to_spec()
        notes.append(
            Entry(
                ("services", fit.service, "severities"),
                comment=f"{sev} resolution time, creation to resolution in clock hours (no "
                f"config key; the model simulates it: compare with its results): "
                f"{spec_text(spec, 'h')}; " + fit_text(res, "h", settings.level),
            )
        )
    return notes
