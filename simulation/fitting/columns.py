"""Column mappings of record exports: presets for common ticket systems, detection by header."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from simulation.errors import NO_VALUE
from simulation.fitting.errors import RecordError

#: The kinds of records and the fields read from each; required fields first.
KINDS = ("tickets", "outages", "hr", "sla")
REQUIRED: dict[str, tuple[str, ...]] = {
    "tickets": ("created", "service", "priority"),
    "outages": ("service", "start"),
    "hr": ("start",),
    "sla": ("month", "service"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "tickets": ("id", "resolved", "closed", "effort", "state"),
    "outages": ("end",),
    "hr": ("person", "role", "leave", "reason", "notice", "vacancy", "replaces"),
    "sla": (
        "provider",
        "availability",
        "outages",
        "downtime_minutes",
        "downtime_hours",
        "tickets",
        "response_met",
        "resolution_met",
    ),
}
#: Units of a number in an effort column.
EFFORT_UNITS = {"hours": 1.0, "minutes": 1.0 / 60.0, "seconds": 1.0 / 3600.0}

_SERVICENOW_PRIORITIES = {
    "1 - critical": "P1",
    "2 - high": "P2",
    "3 - moderate": "P3",
    "4 - low": "P4",
    "5 - planning": "P4",
    "1": "P1",
    "2": "P2",
    "3": "P3",
    "4": "P4",
    "5": "P4",
}
_JIRA_PRIORITIES = {
    "highest": "P1",
    "high": "P2",
    "medium": "P3",
    "low": "P4",
    "lowest": "P4",
    "blocker": "P1",
    "critical": "P1",
    "major": "P2",
    "minor": "P3",
    "trivial": "P4",
}
_OTRS_PRIORITIES = {
    "5 very high": "P1",
    "4 high": "P2",
    "3 normal": "P3",
    "2 low": "P4",
    "1 very low": "P4",
}
_PLAIN_PRIORITIES = {
    **{f"p{i}": f"P{i}" for i in range(1, 5)},
    **{str(i): f"P{i}" for i in range(1, 5)},
    "critical": "P1",
    "high": "P2",
    "medium": "P3",
    "low": "P4",
}


@dataclass(frozen=True)
class ColumnMapping:
    """How one export names its columns and values.

    `columns` maps each field (e.g. `created`) to the header names tried in order (matched
    without regard to case and spacing); `priorities` maps a priority as written (lower case)
    to P1..P4; `services` maps a service or group as written to a service id of the config, or
    to None to leave its rows out. `effort_unit` is the unit of plain numbers in the effort
    column (durations such as 01:30:00 are read as such); `dayfirst` reads 03/04/2024 as
    3 April. `since` and `export` fix the period the file covers (default: from the first
    record's day to the latest time in the file); `sheet` is the worksheet of an XLSX file.
    """

    name: str
    columns: Mapping[str, tuple[str, ...]]
    priorities: Mapping[str, str] = field(default_factory=dict)
    services: Mapping[str, str | None] = field(default_factory=dict)
    effort_unit: str = "hours"
    dayfirst: bool = True
    since: str | None = None
    export: str | None = None
    sheet: str | int = 0


PRESETS: dict[str, dict[str, ColumnMapping]] = {
    "tickets": {
        "servicenow": ColumnMapping(
            "servicenow",
            {
                "id": ("number",),
                "created": ("opened_at", "sys_created_on", "opened"),
                "resolved": ("resolved_at", "resolved"),
                "closed": ("closed_at", "closed"),
                "service": ("assignment_group", "business_service", "category"),
                "priority": ("priority",),
                "effort": ("time_worked", "u_effort_hours"),
                "state": ("state", "incident_state"),
            },
            _SERVICENOW_PRIORITIES,
            effort_unit="seconds",
        ),
        "jira": ColumnMapping(
            "jira",
            {
                "id": ("issue key",),
                "created": ("created",),
                "resolved": ("resolved",),
                "service": ("customer request type", "request type", "component/s", "components"),
                "priority": ("priority",),
                "effort": ("time spent", "σ time spent"),
                "state": ("status",),
            },
            _JIRA_PRIORITIES,
            effort_unit="seconds",
        ),
        "otrs": ColumnMapping(
            "otrs",
            {
                "id": ("ticket#", "ticketnumber", "ticket number"),
                "created": ("created", "create time"),
                "resolved": ("close time", "closed", "solution time"),
                "service": ("service", "queue"),
                "priority": ("priority",),
                "effort": ("accounted time", "time units", "timeunit"),
                "state": ("state",),
            },
            _OTRS_PRIORITIES,
            effort_unit="minutes",
        ),
        "plain": ColumnMapping(
            "plain",
            {
                "id": ("id", "ticket", "ticket_id"),
                "created": ("created", "created_at", "opened"),
                "resolved": ("resolved", "resolved_at", "closed", "closed_at"),
                "service": ("service", "category", "group"),
                "priority": ("priority", "severity"),
                "effort": ("effort_hours", "effort"),
                "state": ("state", "status"),
            },
            _PLAIN_PRIORITIES,
        ),
    },
    "outages": {
        "plain": ColumnMapping(
            "plain",
            {
                "service": ("service", "business_service", "system"),
                "start": ("start", "started_at", "start_time", "outage_start", "begin"),
                "end": ("end", "ended_at", "end_time", "outage_end", "restored_at", "resolved"),
            },
        )
    },
    "hr": {
        "plain": ColumnMapping(
            "plain",
            {
                "person": ("employee_id", "person", "personnel_number", "id", "name"),
                "role": ("role", "position", "job_title"),
                "start": ("start_date", "hire_date", "entry_date", "start"),
                "leave": ("leave_date", "exit_date", "termination_date", "end_date", "leave"),
                "reason": ("leave_reason", "exit_reason", "reason"),
                "notice": ("notice_date", "resignation_date"),
                "vacancy": ("vacancy_opened", "requisition_opened", "recruiting_start"),
                "replaces": ("replaces", "predecessor"),
            },
        )
    },
    "sla": {
        "plain": ColumnMapping(
            "plain",
            {
                "month": ("month", "period", "report_month"),
                "provider": ("provider", "vendor", "supplier"),
                "service": ("service", "contract", "service_id"),
                "availability": ("availability", "availability_pct", "uptime"),
                "outages": ("outages", "outage_count"),
                "downtime_minutes": ("downtime_minutes", "downtime_min"),
                "downtime_hours": ("downtime_hours",),
                "tickets": ("tickets", "ticket_count", "volume"),
                "response_met": ("response_met", "response_compliance", "response_in_target"),
                "resolution_met": (
                    "resolution_met",
                    "resolution_compliance",
                    "resolution_in_target",
                ),
            },
        )
    },
}


def normalise(text: Any) -> str:
    """A header or value for matching: lower case, single spaces, no padding."""
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def detect_preset(kind: str, headers: Sequence[str]) -> ColumnMapping:
    """The preset of `kind` whose column names the headers match best (ties: the first)."""
    have = {normalise(h) for h in headers}
    presets = PRESETS[kind]

    def score(mapping: ColumnMapping) -> int:
        return sum(any(name in have for name in names) for names in mapping.columns.values())

    return max(presets.values(), key=score)


def resolve_mapping(
    kind: str, headers: Sequence[str], override: Mapping[str, Any] | ColumnMapping | None, file: str
) -> ColumnMapping:
    """The mapping for one file: a named or detected preset, with the caller's overrides.

    `override` may be a ColumnMapping (used as it is) or a mapping with any of the keys
    `preset`, `columns` (field -> header or list of headers), `priorities`, `services`,
    `effort_unit`, `dayfirst`, `since`, `export`, `sheet`.
    """
    if isinstance(override, ColumnMapping):
        return override
    override = dict(override or {})
    unknown = sorted(set(override) - {"preset", *ColumnMapping.__dataclass_fields__} - {"name"})
    if unknown:
        raise RecordError(file, None, None, unknown[0], "a mapping key (" + _KEYS + ")")
    name = override.pop("preset", None)
    presets = PRESETS[kind]
    if name is None:
        base = detect_preset(kind, headers)
    elif name in presets:
        base = presets[name]
    else:
        raise RecordError(file, None, None, name, f"a preset for {kind}: {', '.join(presets)}")
    columns = dict(base.columns)
    for key, names in (override.pop("columns", None) or {}).items():
        if key not in REQUIRED[kind] + OPTIONAL[kind]:
            fields = ", ".join(REQUIRED[kind] + OPTIONAL[kind])
            raise RecordError(file, None, None, key, f"a field of {kind} records ({fields})")
        columns[key] = (names,) if isinstance(names, str) else tuple(names)
    priorities = {**base.priorities}
    priorities.update(
        {normalise(k): v for k, v in (override.pop("priorities", None) or {}).items()}
    )
    services = {normalise(k): v for k, v in (override.pop("services", None) or {}).items()}
    unit = override.get("effort_unit", base.effort_unit)
    if unit not in EFFORT_UNITS:
        raise RecordError(file, None, None, unit, "effort_unit " + " | ".join(EFFORT_UNITS))
    return replace(base, columns=columns, priorities=priorities, services=services, **override)


_KEYS = "preset, columns, priorities, services, effort_unit, dayfirst, since, export, sheet"


def locate_columns(
    kind: str, headers: Sequence[str], mapping: ColumnMapping, file: str
) -> dict[str, str]:
    """Field -> the file's header for each field found; a required field missing is an error."""
    by_name = {normalise(h): h for h in headers}
    found: dict[str, str] = {}
    for key in REQUIRED[kind] + OPTIONAL[kind]:
        for name in mapping.columns.get(key, ()):
            if normalise(name) in by_name:
                found[key] = by_name[normalise(name)]
                break
        else:
            if key in REQUIRED[kind]:
                names = ", ".join(mapping.columns.get(key, ())) or "none"
                raise RecordError(
                    file,
                    None,
                    key,
                    NO_VALUE,
                    f"no column for {key!r} (looked for {names} with the {mapping.name} mapping;"
                    f" name it with mapping columns.{key})",
                )
    return found
