"""The built-in defaults of the config schema as a table: key path, default, unit, reference.

The README's table of defaults ("Writing a config") is this module's output, and a test checks
that it still is. After changing a default, a unit or configs/default.yaml, rewrite it with

    python -m simulation.config.defaults --write README.md
"""

from __future__ import annotations

import sys
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from simulation.config.distributions import Distribution, Fixed
from simulation.config.schema import Experiment, StaffOverrides, Uncertain

REFERENCE = Path(__file__).resolve().parents[2] / "configs" / "default.yaml"
BEGIN = "<!-- defaults-table: begin (python -m simulation.config.defaults --write README.md) -->"
END = "<!-- defaults-table: end -->"

#: The placeholder for the entries of a mapping of ids (or of a list) in a key path.
PLACEHOLDERS = {
    "services": "<service>",
    "severities": "<P1…P4>",
    "roles": "<role>",
    "providers": "<provider>",
    "contracts": "<service>",
    "scenarios": "<scenario>",
    "credit_tiers": "<i>",
    "variants": "<i>",
}

#: What a key left unset (None) means, by key name or by the end of its key path.
NOT_SET = {
    "security": "no security incidents for any option",
    "sensitivity": "no sensitivity analysis",
    "services.<service>.name_de": "the name",
    "users": "all employees",
    "business_hours_share": "tickets arrive evenly around the clock",
    "workaround_hours": "no workaround: the loss lasts until resolved",
    "outages": "no outages",
    "services.<service>.knowledge_half_life_years": "the staff policy's",
    "interim_cover_months": "no interim cover",
    "roles.<role>.name": "the role's id",
    "roles.<role>.name_de": "the name",
    "providers.<provider>.name_de": "the name",
    "contracts.<service>.coverage": "the provider's coverage",
    "emergency": "no emergency cover",
    "included_tickets_per_month": "unlimited",
    "contracts.<service>.repair_hours": "the service's repair_hours",
    "description_de": "the description",
    "label": "the id",
    "label_de": "the label",
    "sizing": "the defaults below",
    "users_per_fte": "sized by work hours",
    "baseline": "none (statistic mean or quantile)",
    "sobol_runs": "runs",
    "delta_runs": "runs",
    "break_even": "none",
    "decision_map": "none",
    "structural": "none",
    "values": "from/to and steps",
    "from": "values",
    "to": "values",
}

#: What an empty default means where it is not "none".
EMPTY_MEANS = {
    "sizing.roles": "all roles",
    "decision_map.scenarios": "all scenarios",
}

#: Units by the end of a key name, tried in order (names carry their unit, STYLE.md).
UNIT_SUFFIXES = (
    ("_eur_per_user_per_month", "EUR per user per month"),
    ("_eur_per_month", "EUR per month"),
    ("_eur_per_week", "EUR per person per week"),
    ("_eur_per_hour", "EUR per hour"),
    ("_eur_per_day", "EUR per day"),
    ("_eur", "EUR"),
    ("_hours_per_month", "hours per month"),
    ("_hours_per_year", "hours per year"),
    ("_hours_per_week", "hours per week"),
    ("_days_per_year", "working days per year"),
    ("_per_user_per_month", "per user per month"),
    ("_per_year", "per year"),
    ("_per_month", "per month"),
    ("_hours", "hours"),
    ("_months", "months"),
    ("_years", "years"),
    ("_days", "working days"),
    ("_factor", "factor"),
    ("_share", "share (0–1)"),
    ("_hour", "hour of the day"),
)

#: Units of the keys whose name does not end in one (checked by a test: none may stay empty).
UNITS = {
    "name": "text",
    "name_de": "text",
    "description": "text",
    "description_de": "text",
    "label": "text",
    "label_de": "text",
    "operations_service": "a service id",
    "runs": "replications",
    "seed": "integer",
    "discount_rate": "per year",
    "current_team": "headcount per role",
    "days": "weekdays",
    "users": "users",
    "users_affected": "users",
    "productivity_loss": "share (0–1)",
    "effort": "share more at zero knowledge",
    "outage_rate": "share more at zero knowledge",
    "repair": "share more at zero knowledge",
    "knowledge_effect": "share more at zero knowledge",
    "first_purchase_year": "years from the start",
    "weibull_shape": "shape",
    "new_hire_productivity": "share (0–1)",
    "new_hire_knowledge": "knowledge (0–1)",
    "initial_knowledge": "knowledge (0–1)",
    "interim_knowledge": "knowledge (0–1)",
    "knowledge": "knowledge (0–1)",
    "knowledge_gain_per_training_day": "knowledge (0–1) per day",
    "recruiting_cost_share_of_salary": "share of annual salary",
    "training_sessions_per_year": "sessions per year",
    "on_call_staff": "people",
    "swarm": "people",
    "agents": "people",
    "peak_agents": "people",
    "peak_queue": "waiting jobs",
    "min_holders": "people",
    "target_utilisation": "share (0–1)",
    "users_per_fte": "users per FTE",
    "urgent_severities": "severities",
    "on_call_severities": "severities",
    "roles": "headcount per role, or auto",
    "sizing.roles": "candidate roles",
    "incidents_per_year_internal": "incidents per year",
    "security_incidents_per_year": "incidents per year",
    "compliance_events_per_year": "events per year",
    "included_tickets_per_month": "tickets per month",
    "interim_day_rate_eur": "EUR per working day",
    "hourly_rate_eur": "EUR per hour",
    "peak_roles": "headcount per role",
    "coverage_price_factor": "factor per coverage",
    "availability": "share of service hours (0–1)",
    "annual_probability": "probability per year",
    "new_contract_premium": "share of the fee",
    "affected_services": "probability per service",
    "staff": "staff keys",
    "parameters": "parameter paths",
    "sobol_parameters": "parameter paths",
    "delta_parameters": "parameter paths",
    "percentiles": "quantiles (0–1)",
    "methods": "methods",
    "low": "quantile (0–1)",
    "high": "quantile (0–1)",
    "q": "quantile (0–1)",
    "top": "parameters",
    "sobol_n": "design points (power of 2)",
    "sobol_runs": "replications",
    "delta_n": "design points",
    "delta_runs": "replications",
    "steps": "values",
    "values": "values",
    "from": "value",
    "to": "value",
    "baseline": "a scenario",
    "column": "a result column",
    "statistic": "mean, difference or quantile",
    "scenarios": "scenarios",
}


@dataclass(frozen=True)
class DefaultRow:
    """One built-in default: where it applies, its value, its unit, and the reference's value."""

    path: str
    default: str
    unit: str
    reference: str


def default_rows(reference: dict[str, Any] | None = None) -> list[DefaultRow]:
    """Every key of the schema that has a built-in default, in the schema's order."""
    if reference is None:
        reference = _reference_tree()
    rows: list[DefaultRow] = []
    _walk(Experiment, None, (), reference, rows)
    return rows


def defaults_markdown(reference: dict[str, Any] | None = None) -> str:
    """The table of defaults as Markdown (the README's, between its markers)."""
    lines = [
        "| Key | Built-in default | Unit | configs/default.yaml |",
        "|---|---|---|---|",
    ]
    for row in default_rows(reference):
        cells = (f"`{row.path}`", row.default, row.unit, row.reference)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def readme_table(text: str) -> str:
    """The table between the README's markers."""
    start = text.index(BEGIN) + len(BEGIN)
    return text[start : text.index(END, start)].strip()


def write_readme(path: Path, reference: dict[str, Any] | None = None) -> bool:
    """Replace the table between the markers of `path`; True if it changed."""
    text = path.read_text(encoding="utf-8")
    start = text.index(BEGIN) + len(BEGIN)
    end = text.index(END, start)
    new = text[:start] + "\n" + defaults_markdown(reference) + "\n" + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


# -- walking the schema -------------------------------------------------------------------------


def _reference_tree() -> dict[str, Any]:
    from simulation.config.loader import load_tree

    return load_tree(REFERENCE)[0]


def _walk(
    model: type[BaseModel],
    instance: BaseModel | None,
    path: tuple[str, ...],
    reference: dict[str, Any],
    rows: list[DefaultRow],
) -> None:
    for name, info in model.model_fields.items():
        key = info.alias or name
        here = (*path, key)
        annotation = _unwrap(info.annotation)
        default = getattr(instance, name) if instance is not None else _default_of(info)
        if annotation is StaffOverrides:  # each key of `staff`, for the provider's people
            meaning = "not set: each key as in the scenario's `staff`"
            rows.append(
                DefaultRow(
                    ".".join(here), meaning, "staff keys", _reference(here, meaning, reference)
                )
            )
            continue
        if _is_model(annotation):
            if default is None and not info.is_required():
                meaning = "not set: " + _not_set(here)
                rows.append(
                    DefaultRow(
                        ".".join(here), meaning, "section", _reference(here, meaning, reference)
                    )
                )
            nested = default if isinstance(default, BaseModel) else None
            _walk(annotation, nested, here, reference, rows)
            continue
        entry = _entry_model(annotation)
        if entry is not None:
            _walk(entry, None, (*here, PLACEHOLDERS.get(key, "<id>")), reference, rows)
            continue
        if info.is_required() and instance is None:
            continue
        rows.append(_row(here, default, annotation, reference))


def _default_of(info: Any) -> Any:
    return None if info.is_required() else info.get_default(call_default_factory=True)


def _unwrap(annotation: Any) -> Any:
    from simulation.config.loader import _unwrap as unwrap

    return unwrap(annotation)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _entry_model(annotation: Any) -> type[BaseModel] | None:
    """The model of the entries of a mapping of ids (or of a list) of models."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is dict and args and _is_model(_unwrap(args[1])):
        return _unwrap(args[1])
    if origin is tuple and args and _is_model(_unwrap(args[0])):
        return _unwrap(args[0])
    return None


def _row(path: tuple[str, ...], default: Any, annotation: Any, reference: dict) -> DefaultRow:
    text = "not set: " + _not_set(path) if default is None else _format(default)
    meaning = EMPTY_MEANS.get(".".join(path[-2:]))
    if meaning and default in ((), [], {}):
        text += f" ({meaning})"
    unit = _unit(path, annotation)
    return DefaultRow(".".join(path), text, unit, _reference(path, text, reference, unit))


def _not_set(path: tuple[str, ...]) -> str:
    for n in range(len(path), 0, -1):
        meaning = NOT_SET.get(".".join(path[-n:]))
        if meaning is not None:
            return meaning
    return ""


def _unit(path: tuple[str, ...], annotation: Any) -> str:
    """The unit of a key: its choices, a listed unit, or the one its name ends in."""
    choices = _choices(annotation)
    if choices:
        return " | ".join(choices)
    for n in range(len(path), 0, -1):
        unit = UNITS.get(".".join(path[-n:]))
        if unit is not None:
            return unit
    key = path[-1]
    if key.endswith("_eur") and "_per_" in key:  # fee_per_user_per_month_eur
        return "EUR " + key[key.index("per_") : -len("_eur")].replace("_", " ")
    for suffix, unit in UNIT_SUFFIXES:
        if key.endswith(suffix):
            return unit
    return ""


def _choices(annotation: Any) -> list[str]:
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return [str(member.value) for member in arg]
    return []


def _format(value: Any) -> str:
    """A default as it would be written in a config."""
    if isinstance(value, Fixed):
        return _format(float(value.mean))
    if isinstance(value, Uncertain | Distribution):
        return repr(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value or "empty"
    if isinstance(value, dict):
        if "dist" in value:
            rest = ", ".join(f"{k} {_format(v)}" for k, v in value.items() if k != "dist")
            return f"{value['dist']}({rest})"
        return "{" + ", ".join(f"{k}: {_format(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    if isinstance(value, BaseModel):
        return "set"
    return str(value)


def _reference(path: tuple[str, ...], default: str, tree: dict[str, Any], unit: str = "") -> str:
    """What configs/default.yaml sets at `path`: "as default", a value (bold where it differs),
    "set" (a section, or a text), or "not set"."""
    values = _values_at(tree, path)
    if not values:
        return "not set"
    shown = []
    for value in values:
        section = isinstance(value, dict) and "dist" not in value and default.startswith("not set")
        if section or unit == "text":
            text = "set"
        else:
            text = _format(value) if value is not None else "null"
        if text not in shown:
            shown.append(text)
    if shown == [default]:
        return "as default"
    if len(shown) == 1:
        return f"**{shown[0]}**"
    return f"**{len(shown)} values**"


def _values_at(node: Any, path: tuple[str, ...]) -> list[Any]:
    if not path:
        return [node]
    key, rest = path[0], path[1:]
    if key.startswith("<"):
        if isinstance(node, dict):
            return [v for child in node.values() for v in _values_at(child, rest)]
        if isinstance(node, list):
            return [v for child in node for v in _values_at(child, rest)]
        return []
    if isinstance(node, dict) and key in node:
        return _values_at(node[key], rest)
    return []


def main(argv: list[str] | None = None) -> int:
    """Print the table, or with `--write FILE` put it between the markers of FILE."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--write"] and len(args) == 2:
        changed = write_readme(Path(args[1]))
        print(f"{args[1]}: table of defaults {'rewritten' if changed else 'up to date'}")
        return 0
    print(defaults_markdown())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
