"""The fit report of `itsim fit`: what was fitted from which records, and one page per fitted
quantity with its diagnostic figure and a short paragraph in plain words (English or German).

The report draws and words what a `simulation.fitting.FitResult` holds; it fits nothing. The
first page lists the record files (records, period, column preset, the share not finished at
the export), the values that moved most against the base config (when its tree is given) and
the fits whose goodness-of-fit test failed; then one page per quantity (`fit_quantities`) in
the order of the fragment: per service the ticket rate, the business-hours share, the severity
mix, effort and resolution time per severity; per service the MTBF, repair time and time to
failure; turnover and time to fill; the providers' outage factors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib

from simulation import __version__
from simulation.config.distributions import DistributionSpecError, parse_distribution
from simulation.files import atomic_path
from simulation.fitting.api import FitResult
from simulation.fitting.context import ConfigContext
from simulation.fitting.rates import GammaPosterior
from simulation.reporting import catalogue
from simulation.reporting.figures.frame import FigureContext, figure_path, house_style, thin_ticks
from simulation.reporting.figures.parameters import format_parameter_value, parameter_label
from simulation.reporting.fit_plots import (
    EVENT_KINDS,
    PAGE_RC,
    FitProvenance,
    Quantity,
    censored_share,
    draw_quantity,
    family_name,
    fit_text,
    plot_quantity,
    poisson_band,
    quantity_title,
    sig,
)
from simulation.reporting.labels import format_date, format_number, format_percent, service_label
from simulation.reporting.pages import (
    fit_title,
    line_height,
    page,
    paragraphs_height,
    png_of,
    table,
    table_height,
    wrapped,
)

#: Font size and characters per line of a page's paragraph.
TEXT_SIZE, TEXT_WIDTH = 10.0, 146
#: Font size and characters per line of the notes at the foot of the first page.
NOTE_SIZE, NOTE_WIDTH = 8.5, 168
#: Values listed on the first page as those that moved most against the base config.
CHANGES_SHOWN = 8
#: A goodness-of-fit p-value below this marks a fit as doubtful.
DOUBTFUL_P = 0.05
#: An AIC lead of more than 2 is a clear preference between two candidates (Burnham and
#: Anderson: below 2 both have substantial support).
CLEAR_AIC = 2.0
#: Share of a posterior's weight that is the records' from which they "decide" (and below
#: which the config's range still carries most of it).
DATA_DECIDES, PRIOR_DECIDES = 0.8, 0.4
#: Folder (inside the report's folder) of the figures, one PNG and one PDF per quantity.
FIGURES_FOLDER = "fit_figures"


# -- what the report shows ---------------------------------------------------------------------


def fit_quantities(result: FitResult) -> list[Quantity]:
    """Every fitted quantity of `result` that gets a page, in the fragment's order."""
    return (
        _ticket_quantities(result)
        + _outage_quantities(result)
        + _staff_quantities(result)
        + _provider_quantities(result)
    )


def _recorded(fit: Any) -> bool:
    """Whether a per-event fit rests on records (a fit from the config's pseudo-observations
    alone has nothing to show against its curve)."""
    return fit is not None and len(fit.values) > 0


def _ticket_quantities(result: FitResult) -> list[Quantity]:
    """Per service: the ticket rate, the business-hours share, the severity mix, then effort
    and resolution time per severity (where fitted)."""
    start = result.records["tickets"].start if "tickets" in result.records else None
    found: list[Quantity] = []
    for sid, fit in result.tickets.items():
        at = f"services.{sid}"
        detail = {"monthly": fit.monthly, "users": fit.users, "start": start}
        found += [
            Quantity(f"tickets.{sid}.rate", "ticket_rate", fit.rate, sid,
                     config_key=f"{at}.incidents_per_user_per_month", detail=detail),
            Quantity(f"tickets.{sid}.business_hours", "business_hours", fit.business_hours, sid,
                     config_key=f"{at}.business_hours_share"),
            Quantity(f"tickets.{sid}.mix", "severity_mix", fit.mix, sid,
                     config_key=f"{at}.severities"),
        ]  # fmt: skip
        found += [
            Quantity(f"tickets.{sid}.{sev}.effort", "effort", one, sid, sev,
                     config_key=f"{at}.severities.{sev}.effort_hours", factor=fit.effort_factor)
            for sev, one in fit.effort.items() if _recorded(one)
        ]  # fmt: skip
        found += [
            Quantity(f"tickets.{sid}.{sev}.resolution", "resolution", one, sid, sev)
            for sev, one in fit.resolution.items()
            if _recorded(one)
        ]
    return found


def _outage_quantities(result: FitResult) -> list[Quantity]:
    """Per service: the MTBF, the repair time and the time to failure (where fitted)."""
    found: list[Quantity] = []
    for sid, out in result.outages.items():
        at = f"services.{sid}.outages"
        found.append(
            Quantity(
                f"outages.{sid}.mtbf",
                "mtbf",
                out.rate,
                sid,
                config_key=f"{at}.mtbf_hours",
                factor=out.rate_factor,
            )
        )
        if _recorded(out.repair):
            found.append(
                Quantity(
                    f"outages.{sid}.repair",
                    "repair",
                    out.repair,
                    sid,
                    config_key=f"{at}.repair_hours",
                    factor=out.repair_factor,
                )
            )
        if _recorded(out.ttf):
            found.append(
                Quantity(f"outages.{sid}.time_to_failure", "time_to_failure", out.ttf, sid)
            )
    return found


def _staff_quantities(result: FitResult) -> list[Quantity]:
    """Turnover and, where there was a vacancy, the time to fill."""
    staff = result.staff
    if staff is None:
        return []
    found = [
        Quantity(
            "hr.turnover", "turnover", staff.turnover, config_key="staff.turnover_rate_per_year"
        )
    ]
    if _recorded(staff.time_to_fill):
        found.append(
            Quantity(
                "hr.time_to_fill",
                "time_to_fill",
                staff.time_to_fill,
                config_key="staff.time_to_fill_months",
                detail={"vacancies": len(staff.vacancies)},
            )
        )
    return found


def _provider_quantities(result: FitResult) -> list[Quantity]:
    """Each contract's outage rate factor (where the reports counted outages), and each
    provider's performance factor calibrated by the model."""
    found = []
    for (pid, sid), contract in result.sla.items():
        if contract.outage_factor is None:
            continue
        found.append(
            Quantity(
                f"sla.{pid}.{sid}.outage_factor",
                "outage_factor",
                contract.outage_factor,
                sid,
                provider=pid,
                config_key=f"providers.{pid}.contracts.{sid}.outage_rate_factor",
                detail={"reference": contract.reference, "hours": contract.hours},
            )
        )
    for pid, calibration in result.performance.items():
        found.append(
            Quantity(
                f"sla.{pid}.performance",
                "performance",
                calibration,
                provider=pid,
                config_key=f"providers.{pid}.performance_factor",
            )
        )
    return found


def fit_context(
    result: FitResult,
    lang: str = "en",
    source: str = "",
    base_tree: Mapping[str, Any] | None = None,
    day: str = "",
) -> FigureContext:
    """The figure context of a fit: its provenance (record files, seed, bootstrap refits,
    `source`, version, `day` or today) and the services' names (the base config's `name` /
    `name_de`, else the built-in names of the reference services, else the id)."""
    files = ", ".join(r.name for r in result.records.values())
    provenance = FitProvenance(
        config="",
        config_hash="",
        runs=0,
        seed=result.settings.seed,
        version=__version__,
        day=day or date.today().isoformat(),
        records=files,
        replicates=result.settings.replicates,
        source=source,
    )
    services = ConfigContext(base_tree).value(("services",)) or {}
    labels = {}
    for sid in {*result.tickets, *result.outages, *(s for _, s in result.sla)}:
        own = services.get(sid) if isinstance(services, Mapping) else None
        own = own if isinstance(own, Mapping) else {}
        name = own.get("name_de") if lang == "de" else own.get("name")
        labels[sid] = str(name or service_label(sid, lang))
    return FigureContext(provenance=provenance, lang=lang, service_labels=labels)


def flat_values(result: FitResult) -> dict[str, Any]:
    """The fitted values by dotted key path down to each number or distribution spec
    (`services.x.severities.P1.share`, `...P1.effort_hours`)."""
    flat: dict[str, Any] = {}

    def visit(path: str, value: Any) -> None:
        if isinstance(value, Mapping) and "dist" not in value:
            for key, inner in value.items():
                visit(f"{path}.{key}", inner)
        else:
            flat[path] = value

    for path, value in result.values().items():
        visit(path, value)
    return flat


def _mean(value: Any) -> float:
    """The mean of a number or distribution spec; NaN if it is neither."""
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(parse_distribution(value).mean)
    except (DistributionSpecError, TypeError, ValueError):
        return math.nan


def value_changes(result: FitResult, base_tree: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Fitted values against the base config's, by the size of the change: one row per value
    both have as a number or distribution (`path`, `base` and `fitted` means, `ratio`), the
    largest change (on a log scale: doubling and halving weigh alike) first."""
    base = ConfigContext(base_tree)
    rows = []
    for path, value in flat_values(result).items():
        fitted = _mean(value)
        before = _mean(base.value(tuple(path.split("."))))
        if not (fitted > 0 and before > 0):
            continue
        rows.append({"path": path, "base": before, "fitted": fitted, "ratio": fitted / before})
    return sorted(rows, key=lambda row: -abs(math.log(row["ratio"])))


def value_name(path: str, ctx: FigureContext) -> str:
    """A fitted value's name for a table: the severity's share and effort by name, others as
    the sensitivity figures name parameters ("Staff turnover rate (per year)")."""
    parts = path.split(".")
    if len(parts) == 5 and parts[0] == "services" and parts[2] == "severities":
        key = "name_share" if parts[4] == "share" else "name_effort"
        return fit_text(key, ctx.lang, severity=parts[3], service=ctx.service_label(parts[1]))
    return parameter_label(path, ctx.lang, ctx, wrap=None)


def value_text(path: str, value: float, lang: str) -> str:
    """A fitted or base value for a table, with its unit (shares as percentages)."""
    if path.endswith(".share"):
        return format_percent(value, lang, 1)
    return format_parameter_value(path, value, lang, unit=True)


def _change_text(ratio: float, lang: str) -> str:
    change = ratio - 1.0
    text = format_percent(abs(change), lang, 0 if abs(change) >= 0.095 else 1)
    return ("+" if change >= 0 else "−") + text


# -- the first page ----------------------------------------------------------------------------


def _censored_cell(kind: str, result: FitResult, lang: str) -> str:
    """What was not finished at the export: open tickets, ongoing outages, unfilled
    vacancies (count and share); nothing for SLA reports."""
    frame = result.records[kind].frame
    if kind == "tickets":
        open_, total = int(frame["resolved"].isna().sum()), len(frame)
    elif kind == "outages":
        open_, total = int(frame["end"].isna().sum()), len(frame)
    elif kind == "hr" and result.staff is not None and len(result.staff.vacancies):
        vacancies = result.staff.vacancies
        open_, total = int((~vacancies["filled"]).sum()), len(vacancies)
        return fit_text("vacancies_open", lang, k=open_, n=total)
    else:
        return "–"
    share = format_percent(open_ / total if total else 0.0, lang, 1)
    return f"{format_number(open_, lang)} ({share})"


def _period(records, lang: str) -> str:
    """The days a file covers: 2023-01-01 – 2024-12-31 / 01.01.2023 – 31.12.2024."""
    first, last = records.period_text().split("..")
    return f"{format_date(first, lang)} – {format_date(last, lang)}"


def record_rows(result: FitResult, lang: str) -> list[list[str]]:
    """One row per kind of record: kind, file, records, period, column preset, what was not
    finished at the export, rows left out."""
    rows = []
    for kind, records in result.records.items():
        rows.append(
            [
                fit_text(f"kind_{kind}", lang),
                records.name,
                format_number(records.n, lang),
                _period(records, lang),
                records.mapping.name,
                _censored_cell(kind, result, lang),
                format_number(records.left_out, lang),
            ]
        )
    return rows


def _change_rows(result: FitResult, base_tree, ctx: FigureContext) -> list[list[str]]:
    """The values that moved most against the base config, as table rows."""
    lang = ctx.lang
    return [
        [
            value_name(row["path"], ctx),
            value_text(row["path"], row["base"], lang),
            value_text(row["path"], row["fitted"], lang),
            _change_text(row["ratio"], lang),
        ]
        for row in value_changes(result, base_tree)[:CHANGES_SHOWN]
    ]


def quality_text(quantities: list[Quantity], ctx: FigureContext) -> str:
    """Which fitted distributions fail the goodness-of-fit test at 5%, in one sentence."""
    lang = ctx.lang
    tested = [q for q in quantities if q.kind in EVENT_KINDS and math.isfinite(q.fit.gof_pvalue)]
    if not tested:
        return fit_text("quality_untested", lang)
    doubtful = [q for q in tested if q.fit.gof_pvalue < DOUBTFUL_P]
    if not doubtful:
        return fit_text("quality_all_pass", lang, m=format_number(len(tested), lang))
    names = "; ".join(quantity_title(q, ctx) for q in doubtful)
    k, m = format_number(len(doubtful), lang), format_number(len(tested), lang)
    return fit_text("quality_doubtful", lang, k=k, m=m, names=names)


def _section(fig, y: float, heading: str) -> float:
    fig.text(0.05, y, heading, fontsize=13, fontweight="bold", va="top")
    return y - line_height(13) * 1.5


def _table_block(fig, y: float, rows, header, widths, size: float = 9.5) -> float:
    """A table whose top is at `y`; returns the y under it."""
    height = table_height(len(rows), 1.35)
    table(fig, (0.05, y - height, 0.9, height), rows, header, col_widths=widths, size=size)
    return y - height - 0.03


def summary_page(pdf, result: FitResult, quantities, ctx: FigureContext, base_tree) -> None:
    """Page 1: what was fitted from which files, what moved most against the base config (as
    many values as the page holds, up to `CHANGES_SHOWN`), the doubtful fits, and how to read
    the pages."""
    lang = ctx.lang
    fig = fit_title(page(ctx, fit_text("summary_title", lang), 1))
    families = ", ".join(family_name(f, lang) for f in result.settings.families)
    intro = fit_text(
        "summary_intro",
        lang,
        values=format_number(len(flat_values(result)), lang),
        pages=format_number(len(quantities), lang),
        families=families,
    )
    y = wrapped(fig, 0.05, 0.86, [intro], width=TEXT_WIDTH, size=TEXT_SIZE)
    y = _section(fig, y, fit_text("records_heading", lang))
    header = catalogue.entry("fit", "records_columns")[lang]
    widths = [0.17, 0.15, 0.07, 0.19, 0.09, 0.17, 0.16]
    y = _table_block(fig, y, record_rows(result, lang), header, widths)
    settings = result.settings
    how = fit_text("how_to_read", lang, alone=settings.alone, pseudo=settings.pseudo)
    notes = [quality_text(quantities, ctx), how]
    notes_height = paragraphs_height(notes, NOTE_WIDTH, NOTE_SIZE) - 0.8 * line_height(NOTE_SIZE)
    room = y - line_height(13) * 1.5 - notes_height - 0.06  # the notes end above the footer
    y = _section(fig, y, fit_text("changes_heading", lang))
    changes = _change_rows(result, base_tree, ctx) if base_tree is not None else []
    while changes and table_height(len(changes), 1.35) + 0.03 > room:
        changes.pop()
    if changes:
        header = catalogue.entry("fit", "changes_columns")[lang]
        y = _table_block(fig, y, changes, header, [0.5, 0.19, 0.19, 0.12], size=9.0)
    else:
        y = wrapped(fig, 0.05, y, [fit_text("no_base", lang)], width=TEXT_WIDTH, size=TEXT_SIZE)
    wrapped(fig, 0.05, y, notes, width=NOTE_WIDTH, size=NOTE_SIZE)
    pdf.savefig(fig)


# -- one paragraph per quantity ------------------------------------------------------------------


def spec_words(spec: Mapping[str, Any], unit: str, lang: str) -> str:
    """A written distribution spec in words: "lognormal, median 2.58 and P95 10.4 hours"."""
    values = {k: sig(float(v), lang) for k, v in spec.items() if k != "dist"}
    return fit_text(f"spec_{spec['dist']}", lang, unit=unit, **values)


def _ranking_sentence(fit, lang: str) -> str:
    family = family_name(fit.best.family, lang)
    if len(fit.candidates) < 2:
        return fit_text("ranking_single", lang, family=family)
    runner = family_name(fit.candidates[1].family, lang)
    key = "ranking_clear" if fit.delta_aic > CLEAR_AIC else "ranking_close"
    return fit_text(key, lang, family=family, runner=runner, delta=sig(fit.delta_aic, lang))


def _gof_sentence(fit, lang: str) -> str:
    if not math.isfinite(fit.gof_pvalue):
        return fit_text("gof_none", lang)
    key = "gof_poor" if fit.gof_pvalue < DOUBTFUL_P else "gof_ok"
    return fit_text(key, lang, p=format_number(fit.gof_pvalue, lang, 2))


def _event_sentences(q: Quantity, result: FitResult, lang: str) -> list[str]:
    """What the records are, how the fit was chosen and how well it fits, its mean with the
    parameters' uncertainty, what is written to the config and what to keep in mind."""
    fit = q.fit
    unit = fit_text("unit_months" if q.kind == "time_to_fill" else "unit_hours", lang)
    n = format_number(fit.n, lang)
    sentences = [fit_text(f"open_{q.kind}", lang, n=n, severity=q.severity)]
    if fit.n_censored and q.kind != "time_to_failure":
        share = format_percent(censored_share(fit), lang, 1)
        k = format_number(fit.n_censored, lang)
        sentences.append(fit_text("censored", lang, k=k, share=share))
    if fit.pseudo.size:
        k = format_number(fit.pseudo.size, lang)
        sentences.append(fit_text("pseudo", lang, alone=result.settings.alone, k=k))
    sentences += [_ranking_sentence(fit, lang), _gof_sentence(fit, lang)]
    low, high = fit.interval("mean", result.settings.level)
    mean = {"mean": sig(float(fit.frozen.mean()), lang), "unit": unit}
    key = "mean_interval" if math.isfinite(low) else "mean"
    sentences.append(fit_text(key, lang, low=sig(low, lang), high=sig(high, lang), **mean))
    spec = flat_values(result).get(q.config_key) if q.config_key else None
    if isinstance(spec, Mapping):
        if q.factor is not None:
            sentences.append(fit_text("divided", lang, factor=format_number(q.factor, lang, 3)))
        words = spec_words(spec, unit, lang)
        sentences.append(fit_text("written_event", lang, key=q.config_key, spec=words))
    if q.kind in ("resolution", "repair"):
        sentences.append(fit_text(f"note_{q.kind}", lang))
    if q.kind == "time_to_failure":
        shape = next((c.params[0] for c in fit.candidates if c.family == "weibull"), math.nan)
        sentences.append(fit_text("note_time_to_failure", lang, shape=sig(shape, lang)))
    return sentences


def _prior_sentence(
    weight: float, records: tuple[float, float], events: str, lang: str, key: str
) -> str:
    """How much the config's range (worth `weight` records) weighs against the records:
    `records` is (how many, how many they count as: fewer when their counts vary more than a
    Poisson process's)."""
    n, effective = records
    share = effective / (effective + weight) if effective + weight > 0 else 1.0
    dominance = (
        "dominance_data"
        if share >= DATA_DECIDES
        else "dominance_prior"
        if share <= PRIOR_DECIDES
        else "dominance_both"
    )
    return fit_text(
        key,
        lang,
        weight=sig(weight, lang, 2),
        n=format_number(n, lang),
        events=events,
        dominance=fit_text(dominance, lang),
    )


def _rate_opening(q: Quantity, lang: str) -> str:
    """What the records count and the posterior's centre with its 95% interval."""
    post: GammaPosterior = q.fit
    low, high = post.interval(0.95)
    values = {"events": format_number(post.events, lang), "low": sig(low, lang)}
    values |= {"high": sig(high, lang), "mean": sig(post.mean, lang)}
    if q.kind == "ticket_rate":
        users = q.detail["users"]
        months = post.exposure / users
        values |= {"users": format_number(users, lang), "months": sig(months, lang)}
    elif q.kind == "turnover":
        values |= {"exposure": sig(post.exposure, lang), "pct": format_percent(post.mean, lang, 1)}
        values |= {"low": format_percent(low, lang, 1), "high": format_percent(high, lang, 1)}
    elif q.kind == "mtbf":
        kappa = q.factor or 1.0
        low, high = post.inverse_interval(kappa)
        median = kappa / float(post.ppf(0.5))
        values |= {"exposure": format_number(post.exposure, lang), "median": sig(median, lang)}
        values |= {"low": sig(low, lang), "high": sig(high, lang)}
    else:  # outage_factor: the exposure is the outages the company's own rate expects
        reference = "reference_log" if "outage log" in q.detail["reference"] else "reference_config"
        values |= {"hours": format_number(q.detail["hours"], lang)}
        values |= {"expected": sig(post.exposure, lang), "reference": fit_text(reference, lang)}
    return fit_text(f"rate_{q.kind}", lang, **values)


def _rate_sentences(q: Quantity, lang: str) -> list[str]:
    post: GammaPosterior = q.fit
    sentences = [_rate_opening(q, lang)]
    if q.kind == "mtbf" and q.factor is not None:
        sentences.append(fit_text("mtbf_factor", lang, factor=format_number(q.factor, lang, 3)))
    events = fit_text(f"events_{q.kind}", lang)
    if post.has_prior:
        records = (post.events, post.events / post.dispersion)
        sentences.append(_prior_sentence(post.prior_shape, records, events, lang, "prior_used"))
    else:
        sentences.append(fit_text("prior_none", lang))
    if q.kind == "ticket_rate":
        sentences += _count_sentences(q, lang)
    key = "written_mtbf" if q.kind == "mtbf" else "written_rate"
    sentences.append(fit_text(key, lang, key=q.config_key))
    return sentences


def _count_sentences(q: Quantity, lang: str) -> list[str]:
    """The monthly counts against the Poisson band, and the extra variation, if any."""
    band = poisson_band(q)
    k, m = int(band["outside"].sum()), band["counts"].size
    found = [
        fit_text(
            "band",
            lang,
            k=format_number(k, lang),
            m=format_number(m, lang),
            expected=format_number(0.05 * m, lang, 1),
        )
    ]
    if q.fit.dispersion > 1:
        found.append(fit_text("dispersion", lang, phi=format_number(q.fit.dispersion, lang, 2)))
    return found


def _share_sentences(q: Quantity, lang: str) -> list[str]:
    post = q.fit
    low, high = post.interval(0.95)
    sentences = [
        fit_text(
            "share_open",
            lang,
            s=format_number(post.successes, lang),
            n=format_number(post.trials, lang),
            mean=format_percent(post.mean, lang, 1),
            low=format_percent(low, lang, 1),
            high=format_percent(high, lang, 1),
        )
    ]
    if post.has_prior:
        weight = post.prior_alpha + post.prior_beta - 2.0
        events = fit_text("events_business_hours", lang)
        records = (post.trials, post.trials)
        sentences.append(_prior_sentence(weight, records, events, lang, "prior_used"))
    else:
        sentences.append(fit_text("prior_uniform", lang))
    return [*sentences, fit_text("written_share", lang, key=q.config_key)]


def _mix_sentences(q: Quantity, lang: str) -> list[str]:
    mix = q.fit
    means = mix.means()
    shares = "; ".join(
        fit_text(
            "mix_share",
            lang,
            severity=sev,
            share=format_percent(means[sev], lang, 1),
            low=format_percent(mix.interval(sev)[0], lang, 1),
            high=format_percent(mix.interval(sev)[1], lang, 1),
        )
        for sev in mix.categories
    )
    sentences = [fit_text("mix_open", lang, n=format_number(mix.n, lang), shares=shares)]
    if set(mix.prior) == {0.5}:
        sentences.append(fit_text("prior_none", lang))
    else:
        events = fit_text("events_severity_mix", lang)
        records = (mix.n, mix.n)
        sentences.append(_prior_sentence(sum(mix.prior), records, events, lang, "prior_mix"))
    return [*sentences, fit_text("mix_fixed", lang, key=q.config_key)]


def _performance_sentences(q: Quantity, ctx: FigureContext) -> list[str]:
    """What the reports count, how the model was run, the factor and what it absorbs."""
    from simulation.fitting.performance import GRID

    lang, cal = ctx.lang, q.fit
    low, high = cal.interval(0.95)
    text = fit_text(
        "performance_text",
        lang,
        met=format_number(cal.met, lang),
        tickets=format_number(cal.tickets, lang),
        share=format_percent(cal.observed, lang, 1),
        services=", ".join(ctx.service_label(s) for s in cal.services),
        n=format_number(len(GRID), lang),
        runs=format_number(len(cal.shares), lang),
        years=format_number(cal.years, lang),
        at_one=format_percent(cal.at_one, lang, 1),
        median=sig(cal.posterior.median, lang),
        low=sig(low, lang),
        high=sig(high, lang),
        key=q.config_key,
    )
    return [text, fit_text("performance_edge", lang)] if cal.at_edge else [text]


def quantity_paragraph(q: Quantity, result: FitResult, ctx: FigureContext) -> str:
    """The plain-language paragraph of a quantity's page: what the records say, how the value
    was fitted, how sure it is, and what goes into the config."""
    lang = ctx.lang
    if q.kind in EVENT_KINDS:
        sentences = _event_sentences(q, result, lang)
    elif q.kind == "business_hours":
        sentences = _share_sentences(q, lang)
    elif q.kind == "severity_mix":
        sentences = _mix_sentences(q, lang)
    elif q.kind == "performance":
        sentences = _performance_sentences(q, ctx)
    else:
        sentences = _rate_sentences(q, lang)
    return " ".join(sentences)


# -- the PDF -------------------------------------------------------------------------------------


def figure_stem(q: Quantity) -> str:
    """File stem of a quantity's figure: `fit_tickets_service_desk_P3_effort`."""
    return "fit_" + q.key.replace(".", "_")


def quantity_page(pdf, q: Quantity, result: FitResult, ctx: FigureContext, number: int) -> None:
    """A quantity's page: its title and paragraph, and its diagnostic drawn on the page (vector
    graphics, as on its slide but for the title and footer, which the page has). Call inside
    `house_style()`, as `write_fit_report` does."""
    fig = fit_title(page(ctx, quantity_title(q, ctx), number))
    text = quantity_paragraph(q, result, ctx)
    y = wrapped(fig, 0.05, 0.86, [text], width=TEXT_WIDTH, size=TEXT_SIZE)
    with matplotlib.rc_context(PAGE_RC):
        draw_quantity(q, ctx, (fig, y + 0.005))
        thin_ticks(fig)
        pdf.savefig(fig)


def write_fit_report(
    result: FitResult,
    out_dir: Path,
    lang: str = "en",
    source: str = "",
    base_tree: Mapping[str, Any] | None = None,
    figures: bool = False,
) -> dict[str, Path]:
    """Write the fit report `fit_report.pdf` (German: `fit_report_de.pdf`) into `out_dir`:
    a summary page, then one page per fitted quantity (`fit_quantities`) with its diagnostic
    and a paragraph in plain words.

    `source` is shown in every footer (e.g. the fragment written, or the base config);
    `base_tree` is the merged tree of the config the values were fitted for (as
    `simulation.config.loader.load_tree` returns it): with it, the first page lists the values
    that changed most against it. With `figures`, each diagnostic is also written as a 16:9
    slide (300 dpi PNG and vector PDF) into `out_dir/fit_figures/` (about twice the time).
    Returns the PDF (`"pdf"`) and, with `figures`, each slide's PNG by quantity key. Draws what
    `result` holds; fits nothing.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    if lang not in catalogue.LANGUAGES:
        raise ValueError(f"lang (={lang!r}) must be one of {', '.join(catalogue.LANGUAGES)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ctx = fit_context(result, lang, source, base_tree)
    quantities = fit_quantities(result)
    path = out / f"fit_report{'_de' if lang == 'de' else ''}.pdf"
    written: dict[str, Path] = {"pdf": path}
    info = {"Title": fit_text("summary_title", lang), "Creator": f"itsim {__version__}"}
    # the whole file in the house style: its fonts are embedded as the pages were drawn
    with house_style(), atomic_path(path) as tmp, PdfPages(tmp, metadata=info) as pdf:
        summary_page(pdf, result, quantities, ctx, base_tree)
        for number, q in enumerate(quantities, start=2):
            quantity_page(pdf, q, result, ctx, number)
            if figures:
                base = figure_path(out / FIGURES_FOLDER, figure_stem(q), lang)
                written[q.key] = png_of(plot_quantity(q, ctx, base))
    return written
