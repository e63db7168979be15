"""Fit a config fragment from a company's records: the one entry point, `fit_records`."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.fitting.censored import EventFit
from simulation.fitting.columns import KINDS, ColumnMapping, normalise
from simulation.fitting.context import ConfigContext
from simulation.fitting.fragment import Entry, render
from simulation.fitting.outages import ServiceOutages, fit_outages
from simulation.fitting.performance import Calibration, calibrate_performance
from simulation.fitting.providers import ContractSla, fit_sla
from simulation.fitting.records import (
    RecordSet,
    Window,
    read_hr,
    read_outages,
    read_sla,
    read_tickets,
)
from simulation.fitting.settings import FitSettings
from simulation.fitting.staff import StaffFits, fit_staff
from simulation.fitting.tickets import ServiceTickets, fit_tickets

PathLike = str | Path
#: What each kind of record is called in the header of a fragment.
RECORD_NAMES = {"tickets": "tickets", "outages": "outages", "hr": "people", "sla": "reports"}


@dataclass(frozen=True)
class FitResult:
    """Everything fitted from the records, and the fragment that carries it into a config.

    `records` are the tidy records per kind; `tickets`, `outages` (by service id), `staff` and
    `sla` (by provider and service id) the fits with their data, censoring flags, fitted scipy
    distributions and candidate tables (see `event_fits`); `entries` the fragment's values and
    notes in order; `performance` the providers' performance factors calibrated by the model
    on their SLA reports (by provider id).
    """

    records: dict[str, RecordSet]
    tickets: dict[str, ServiceTickets] = field(default_factory=dict)
    outages: dict[str, ServiceOutages] = field(default_factory=dict)
    staff: StaffFits | None = None
    sla: dict[tuple[str, str], ContractSla] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()
    settings: FitSettings = field(default_factory=FitSettings)
    with_config: bool = False
    performance: dict[str, Calibration] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        """The fitted values by dotted key path (as the fragment writes them)."""
        return {".".join(e.path): e.value for e in self.entries if not e.is_note}

    def comments(self) -> dict[str, str]:
        """The comment of each fitted value by dotted key path."""
        return {".".join(e.path): e.comment for e in self.entries if not e.is_note}

    def event_fits(self) -> dict[str, EventFit]:
        """Every per-event fit by name (`tickets.<service>.<P>.effort` or `.resolution`,
        `outages.<service>.repair` or `.time_to_failure`, `hr.time_to_fill`)."""
        fits: dict[str, EventFit | None] = {}
        for sid, fit in self.tickets.items():
            for sev, one in fit.effort.items():
                fits[f"tickets.{sid}.{sev}.effort"] = one
            for sev, one in fit.resolution.items():
                fits[f"tickets.{sid}.{sev}.resolution"] = one
        for sid, out in self.outages.items():
            fits[f"outages.{sid}.repair"] = out.repair
            fits[f"outages.{sid}.time_to_failure"] = out.ttf
        if self.staff is not None:
            fits["hr.time_to_fill"] = self.staff.time_to_fill
        return {name: fit for name, fit in fits.items() if fit is not None}

    def header(self) -> list[str]:
        """The fragment's header comment lines."""
        files = [_file_text(kind, r) for kind, r in self.records.items()]
        level = f"{self.settings.level:.0%}"
        replicates = self.settings.replicates
        lines = [
            "Fitted from the company's records by itsim fit (simulation.fitting).",
            "Records: " + "; ".join(files) + ".",
            "Uncertain parameters (rates, shares, MTBF, outage factor) are posterior "
            "distributions of the true value, drawn once per replication; per-event "
            "distributions (effort, repair, time to fill) are the best fit by AIC among "
            + ", ".join(self.settings.families)
            + ", sampled per event.",
            f"Intervals are {level} intervals. Goodness of fit: KS distance between the "
            f"Kaplan-Meier estimate and the fit, parametric-bootstrap p-value ({replicates} "
            "refits).",
            "Use: merge over a config (`extends: [base.yaml, this file]`) or copy the keys.",
        ]
        if self.performance:
            lines.insert(
                3,
                "A provider's performance factor is calibrated by the model: the factor at "
                "which the simulated share of tickets resolved within target matches the "
                "reported one (simulation.fitting.performance).",
            )
        if not self.with_config:
            lines.append(
                "Fitted without a config: no priors, no adjustment for the team's knowledge, "
                "service ids from the files' names."
            )
        return lines

    def fragment_text(self, extends: str | None = None) -> str:
        """The YAML fragment: every fitted value with its comment; with `extends`, a first
        line `extends: <extends>` so that the fragment loads as a config by itself."""
        header = [line for text in self.header() for line in textwrap.wrap(text, 98)]
        return render(self.entries, header, extends)


def fit_records(
    paths_by_kind: Mapping[str, PathLike | Sequence[PathLike]],
    config_tree: Mapping[str, Any] | None = None,
    mapping: Mapping[str, Mapping[str, Any] | ColumnMapping] | None = None,
    users: int | Mapping[str, int] | None = None,
    settings: FitSettings | None = None,
) -> FitResult:
    """Read record files and fit the config values they inform.

    `paths_by_kind` maps a kind (`tickets`, `outages`, `hr`, `sla`) to a file or a list of
    files of one export (read as one). `config_tree` is a merged config tree (as
    `simulation.config.loader.load_tree` returns it): its service ids, users and business
    hours, its values as priors where they carry a range, and its knowledge levels to bring
    recorded effort, repair and failure rates to the config's full-knowledge scale. `mapping`
    gives per kind a preset or column overrides (see `columns.resolve_mapping`); `users` the
    users per service (one number for all, or per id). Files without a period of their own
    take the ticket export's. Raises RecordError (one line: file, row, column) for an
    unusable record. Neither prints nor plots.
    """
    unknown = sorted(set(paths_by_kind) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown kind of records {unknown[0]!r}: expected one of {KINDS}")
    settings = settings or FitSettings()
    ctx = ConfigContext(config_tree, users)
    records = _read_all(paths_by_kind, ctx, mapping or {})
    entries: list[Entry] = []
    tickets: dict[str, ServiceTickets] = {}
    outages: dict[str, ServiceOutages] = {}
    staff = None
    sla: dict[tuple[str, str], ContractSla] = {}
    if "tickets" in records:
        tickets, found = fit_tickets(records["tickets"], ctx, settings)
        entries += found
    if "outages" in records:
        outages, found = fit_outages(records["outages"], ctx, settings)
        entries += found
    if "hr" in records:
        staff, found = fit_staff(records["hr"], ctx, settings)
        entries += found
    if "sla" in records:
        sla, found = fit_sla(records["sla"], ctx, settings, outages)
        entries += found
    performance: dict[str, Calibration] = {}
    if sla and config_tree is not None and settings.calibration_runs > 0:
        performance, found = calibrate_performance(config_tree, sla, entries, ctx.prior, settings)
        entries += found
    return FitResult(
        records,
        tickets,
        outages,
        staff,
        sla,
        tuple(entries),
        settings,
        config_tree is not None,
        performance,
    )


def _read_all(
    paths_by_kind: Mapping[str, PathLike | Sequence[PathLike]],
    ctx: ConfigContext,
    mapping: Mapping[str, Mapping[str, Any] | ColumnMapping],
) -> dict[str, RecordSet]:
    """Read every file, the ticket export first: its period is the others' default."""
    records: dict[str, RecordSet] = {}
    window = Window()
    for kind in KINDS:
        if kind not in paths_by_kind:
            continue
        raw = paths_by_kind[kind]
        paths = [raw] if isinstance(raw, str | Path) else list(raw)
        override = mapping.get(kind)
        sets = [_read(kind, path, ctx, override, window) for path in paths]
        found = sets[0] if len(sets) == 1 else _combine(sets)
        records[kind] = replace(found, period_note=_period_note(kind, found, window))
        if kind == "tickets":
            window = Window(records[kind].start, records[kind].export)
    return records


def _file_text(kind: str, records: RecordSet) -> str:
    """A file in the fragment's header: records, period, mapping, rows left out."""
    parts = [
        f"{records.n:,} {RECORD_NAMES[kind]}",
        records.period_text(),
        f"{records.mapping.name} columns",
    ]
    if records.left_out:
        parts.append(f"{records.left_out:,} rows left out: no service, or outside the period")
    if records.period_note:
        parts.append(records.period_note)
    return f"{records.name} ({'; '.join(parts)})"


def _period_note(kind: str, records: RecordSet, window: Window) -> str:
    """Where a file's period came from, when its mapping did not say (for the header)."""
    if not (records.start_inferred or records.export_inferred) or kind in ("tickets", "sla"):
        return ""
    if kind == "hr":
        end = "the ticket export" if window.export is not None else "its latest date"
        return f"period from the first start date to {end}, where the file does not say"
    if window.export is not None:
        return "period: the ticket export's, where the file does not state its own"
    return (
        "period from its own first and last dates: give mapping since/export if the file "
        "covers more (a rate needs the whole period observed)"
    )


def _read(
    kind: str,
    path: PathLike,
    ctx: ConfigContext,
    override: Mapping[str, Any] | ColumnMapping | None,
    window: Window,
) -> RecordSet:
    services = getattr(override, "services", None) or (override or {}).get("services") or {}
    resolve, known = ctx.resolver({normalise(k): v for k, v in services.items()})
    if kind == "tickets":
        return read_tickets(path, resolve, known, override, window)
    if kind == "outages":
        return read_outages(path, resolve, known, override, window)
    if kind == "hr":
        return read_hr(path, override, Window(None, window.export))
    return read_sla(path, resolve, known, override)


def _combine(sets: list[RecordSet]) -> RecordSet:
    """Files of one export read as one: their records together, the period spanning them."""
    first = sets[0]
    frame = pd.concat([s.frame for s in sets], ignore_index=True)
    frame.attrs = dict(first.frame.attrs)
    return RecordSet(
        first.kind,
        " + ".join(s.file for s in sets),
        frame,
        min(s.start for s in sets),
        max(s.export for s in sets),
        first.mapping,
        any(s.start_inferred for s in sets),
        any(s.export_inferred for s in sets),
        sum(s.left_out for s in sets),
    )
