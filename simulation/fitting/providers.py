"""What a provider's monthly SLA reports say: its outage rate against the company's own
(`outage_rate_factor`), its time to repair, and, for comparison with the simulation's output,
its availability and its share of tickets within the response and resolution targets."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.config.distributions import Distribution, LogNormal
from simulation.errors import NO_VALUE
from simulation.fitting.censored import Z95
from simulation.fitting.comments import describe, gamma_prior_text, source
from simulation.fitting.context import ConfigContext
from simulation.fitting.errors import RecordError
from simulation.fitting.fragment import Entry, between, fmt, pct
from simulation.fitting.outages import ServiceOutages
from simulation.fitting.rates import (
    BetaPosterior,
    GammaPosterior,
    gamma_prior,
    poisson_rate,
    share_posterior,
)
from simulation.fitting.records import RecordSet
from simulation.fitting.settings import FitSettings

#: Spread (sigma of log hours) of repair times when neither the config nor the reports give
#: one: a p95 about five times the median (assumption, as wide as the reference config's).
DEFAULT_REPAIR_SIGMA = 1.0


@dataclass(frozen=True)
class ContractSla:
    """One provider's reports for one service, and what was fitted from them.

    `outage_factor` is the posterior of `outage_rate_factor` (None without outage counts or
    a company failure rate to compare with: `reference` says which rate was used);
    `repair_mean_hours` the mean downtime per outage; `response`/`resolution` the posteriors
    of the shares of tickets within target (None without ticket counts).
    """

    provider: str
    service: str
    months: pd.DataFrame
    hours: float
    outages: float
    outage_factor: GammaPosterior | None
    reference: str
    repair_mean_hours: float | None
    response: BetaPosterior | None
    resolution: BetaPosterior | None


def fit_sla(
    records: RecordSet,
    ctx: ConfigContext,
    settings: FitSettings,
    outage_fits: dict[str, ServiceOutages],
) -> tuple[dict[tuple[str, str], ContractSla], list[Entry]]:
    """Fit every provider and service of the SLA reports; return the fits and the entries."""
    fits: dict[tuple[str, str], ContractSla] = {}
    entries: list[Entry] = []
    frame = records.frame
    for (named, sid), group in frame.groupby(["provider", "service"], sort=False):
        pid = ctx.provider_for(str(sid), str(named))
        if pid is None:
            raise RecordError(
                records.file,
                int(group["row"].iloc[0]),
                "provider",
                named or NO_VALUE,
                f"a provider of the config with a contract for {sid!r} (name it in a provider "
                "column when several have one)",
            )
        fit = _contract(pid, str(sid), group, ctx, settings, outage_fits)
        fits[(pid, str(sid))] = fit
        entries += _entries(fit, records, ctx, settings)
    return fits, entries


def _company_rate(
    sid: str, ctx: ConfigContext, outage_fits: dict[str, ServiceOutages]
) -> tuple[float | None, str]:
    """The company's failure rate per hour at full knowledge, and where it comes from."""
    if sid in outage_fits:
        fit = outage_fits[sid]
        return fit.rate.mean / (fit.rate_factor or 1.0), "the company's outage log"
    mtbf = ctx.prior(("services", sid, "outages", "mtbf_hours"))
    if mtbf is None:
        return None, ""
    u = (np.arange(4000) + 0.5) / 4000
    return float(np.mean(1.0 / np.asarray(mtbf.ppf(u)))), f"the config's MTBF {describe(mtbf)}"


def _contract(
    pid: str,
    sid: str,
    group: pd.DataFrame,
    ctx: ConfigContext,
    settings: FitSettings,
    outage_fits: dict[str, ServiceOutages],
) -> ContractSla:
    months = group.sort_values("month").reset_index(drop=True)
    days = months["month"].dt.days_in_month.to_numpy(dtype=float)
    hours = float((days * 24).sum())
    outages = float(months["outages"].sum()) if months["outages"].notna().any() else math.nan
    factor = None
    company, reference = _company_rate(sid, ctx, outage_fits)
    if math.isfinite(outages) and company:
        kappa = ctx.provider_knowledge_factor(pid, sid, "outage_rate") or 1.0
        path = ("providers", pid, "contracts", sid, "outage_rate_factor")
        prior_dist = ctx.prior(path) if settings.prior else None
        prior = gamma_prior(prior_dist) if prior_dist is not None else None
        factor = poisson_rate(outages, hours * company * kappa, prior)
    downtime = months["downtime_hours"]
    repair = None
    if math.isfinite(outages) and outages > 0 and downtime.notna().any():
        repair = float(downtime.sum()) / outages
    return ContractSla(
        pid,
        sid,
        months,
        hours,
        outages,
        factor,
        reference,
        repair,
        _compliance(months, "response_met", settings),
        _compliance(months, "resolution_met", settings),
    )


def _compliance(months: pd.DataFrame, key: str, settings: FitSettings) -> BetaPosterior | None:
    """Tickets within target as successes of all tickets (monthly shares x ticket counts)."""
    known = months[key].notna() & months["tickets"].notna()
    if not known.any():
        return None
    tickets = months.loc[known, "tickets"].to_numpy(dtype=float)
    met = np.round(months.loc[known, key].to_numpy(dtype=float) * tickets)
    return share_posterior(float(met.sum()), float(tickets.sum()))


def _repair_sigma(ctx: ConfigContext, pid: str, sid: str) -> tuple[float, str]:
    for path in (
        ("providers", pid, "contracts", sid, "repair_hours"),
        ("services", sid, "outages", "repair_hours"),
    ):
        dist = ctx.prior(path)
        if isinstance(dist, LogNormal):
            return dist.sigma, f"the spread of {'.'.join(path)} ({describe(dist)})"
    return DEFAULT_REPAIR_SIGMA, f"an assumed spread (sigma {DEFAULT_REPAIR_SIGMA})"


def _entries(
    fit: ContractSla, records: RecordSet, ctx: ConfigContext, settings: FitSettings
) -> list[Entry]:
    at = ("providers", fit.provider, "contracts", fit.service)
    level = settings.level
    n = len(fit.months)
    entries = [Entry(at, comment=_availability_text(fit, records, ctx))]
    entries += _compliance_notes(fit, level)
    if fit.outage_factor is not None:
        post = fit.outage_factor
        prior: Distribution | None = (
            ctx.prior((*at, "outage_rate_factor")) if settings.prior else None
        )
        entries.append(
            Entry(
                (*at, "outage_rate_factor"),
                post.to_spec(),
                f"provider's outages per hour against the company's at full knowledge; "
                f"{source(records, n, 'monthly reports')}: {fmt(fit.outages)} outages in "
                f"{fmt(fit.hours)} hours -> {fmt(post.mean)} "
                f"({between(*post.interval(level), level)}) of the rate from {fit.reference}, "
                "adjusted for the provider team's knowledge; gamma posterior; "
                + gamma_prior_text(
                    post, prior, "outages", "outages expected at the company's rate"
                ),
            )
        )
    if fit.repair_mean_hours is not None:
        entries.append(_repair_entry(fit, records, ctx))
    return entries


def _repair_entry(fit: ContractSla, records: RecordSet, ctx: ConfigContext) -> Entry:
    at = ("providers", fit.provider, "contracts", fit.service)
    sigma, whence = _repair_sigma(ctx, fit.provider, fit.service)
    kappa = ctx.provider_knowledge_factor(fit.provider, fit.service, "repair") or 1.0
    mean = fit.repair_mean_hours / kappa
    median = mean / math.exp(0.5 * sigma * sigma)
    spec = {"dist": "lognormal", "median": median, "p95": median * math.exp(Z95 * sigma)}
    return Entry(
        (*at, "repair_hours"),
        spec,
        f"hours to restore; {records.name}: {fmt(fit.repair_mean_hours)} h of downtime per "
        f"outage on average ({fmt(fit.outages)} outages); the reports give totals only, so "
        f"the lognormal has that mean (divided by {kappa:.3f} for the provider team's "
        f"knowledge) and {whence}",
    )


def _availability_text(fit: ContractSla, records: RecordSet, ctx: ConfigContext) -> str:
    values = fit.months["availability"].dropna()
    if values.empty:
        return f"{records.name}: {len(fit.months)} monthly reports, no availability column"
    target = ctx.value(("providers", fit.provider, "contracts", fit.service, "sla", "availability"))
    below = ""
    if isinstance(target, float | int):
        missed = int((values < target).sum())
        below = f", {missed} of {len(values)} months below the target {pct(target, 2)}"
    return (
        f"measured availability {pct(values.mean(), 3)} on average (lowest {pct(values.min(), 3)})"
        f"{below} ({records.name}; the target is contractual, not fitted)"
    )


#: What each reported share is used for (`simulation.fitting.performance`).
_COMPLIANCE_USE = {
    "response": "no config key: compare with the simulated response breaches (the "
    "provider's performance factor is calibrated on resolution)",
    "resolution": "calibrates providers.{provider}.performance_factor with the model "
    "(with a config and --calibration-runs above 0)",
}


def _compliance_notes(fit: ContractSla, level: float) -> list[Entry]:
    at = ("providers", fit.provider, "contracts", fit.service)
    notes = []
    for what, post in (("response", fit.response), ("resolution", fit.resolution)):
        if post is None:
            continue
        notes.append(
            Entry(
                at,
                comment=f"{what} within target: {int(post.successes):,} of {int(post.trials):,} "
                f"tickets -> {pct(post.mean)} ({between(*post.interval(level), level, True)}); "
                + _COMPLIANCE_USE[what].format(provider=fit.provider),
            )
        )
    return notes
