"""Every effective value of an experiment — written in the config or a built-in default — and
what each option is (who runs each service, the in-house headcount, service hours, prices).

Both feed the report (appendix and "Options compared") through metadata.json, so a board paper
defines the options it compares and lists every value the model used, not only those written.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel

from simulation.config.annotations import source_of
from simulation.config.distributions import Distribution
from simulation.config.schema import INTERNAL, Experiment, Uncertain

#: The source of a value the config does not set.
BUILT_IN = "built-in default"
#: Sections not listed value by value (the sensitivity design is its own report).
_SKIPPED = ("sensitivity",)


def _written(tree: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    """Whether the merged YAML tree sets `path`, and the value as written."""
    node = tree
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return False, None
    return True, node


def _spec(value: Any) -> str:
    """A value as the user wrote it: a number, a word, or a distribution spec."""
    if isinstance(value, dict):
        args = ", ".join(f"{k}={v:g}" if isinstance(v, float | int) else f"{k}={v}"
                         for k, v in value.items() if k != "dist")  # fmt: skip
        return f"{value.get('dist', '')}({args})"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(_spec(v) for v in value)
    return str(value)


def _shown(value: Any) -> tuple[str, float | None]:
    """A validated value as text and, for numbers and distributions, its mean."""
    if isinstance(value, bool) or value is None:
        return str(value).lower(), None
    if isinstance(value, Enum):
        return str(value.value), None
    if isinstance(value, int | float):
        return f"{value:g}", float(value)
    if isinstance(value, Uncertain):
        return repr(value.dist), value.mean
    if isinstance(value, Distribution):
        return repr(value), float(value.mean)
    return str(value), None


def _children(node: Any) -> list[tuple[str, Any]] | None:
    """The named children of a model, dict or list of models; None for a leaf."""
    if isinstance(node, BaseModel):
        fields = type(node).model_fields
        return [(f.alias or name, getattr(node, name)) for name, f in fields.items()]
    if isinstance(node, dict):
        return [(str(k.value if isinstance(k, Enum) else k), v) for k, v in node.items()]
    if isinstance(node, list | tuple) and any(isinstance(v, BaseModel | dict) for v in node):
        return [(str(i), v) for i, v in enumerate(node)]
    return None


def effective_parameters(
    experiment: Experiment, tree: dict[str, Any], comments: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Every leaf value of the validated experiment, in schema order, as rows with `parameter`
    (key path), `value` (as written, or the built-in default), `mean` (numbers and
    distributions), `written` (set in the config or its bases) and `source` (the config's
    comment on the key, else "built-in default"). Unset optional overrides (None: the value
    is inherited from elsewhere) are left out."""
    comments = comments or {}
    rows: list[dict[str, Any]] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        children = _children(node)
        if children is None or (isinstance(node, dict) and not node and path):
            written, as_written = _written(tree, path)
            if node is None and not written:  # an unset override inherits: no value of its own
                return
            shown, mean = _shown(node)
            if isinstance(node, list | tuple):
                shown = ", ".join(_shown(v)[0] for v in node)
            key = ".".join(path)
            rows.append({
                "parameter": key,
                "value": _spec(as_written) if written else shown,
                "mean": mean,
                "written": written,
                "source": (source_of(key, comments) or "config") if written else BUILT_IN,
            })  # fmt: skip
            return
        for name, child in children:
            if not path and name in _SKIPPED:
                continue
            walk(child, (*path, name))

    walk(experiment, ())
    return [r for r in rows if r["parameter"] not in ("name", "description")]


def _mean_of(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else float(value.mean)


def _headcount(experiment: Experiment, name: str) -> dict[str, int]:
    """In-house headcount per role of a scenario (the sizing rule's, for `roles: auto`)."""
    from simulation.config.sizing import sized_roles

    scenario = experiment.scenarios[name]
    roles = scenario.team.roles
    if roles == "auto":
        roles = sized_roles(experiment, scenario)
    return {role: int(n) for role, n in dict(roles).items() if int(n) > 0}


def _contract_terms(experiment: Experiment, provider_id: str, service: str) -> dict[str, Any]:
    """Service hours and mean prices of one contract (EUR, the first year's prices)."""
    provider = experiment.providers[provider_id]
    contract = provider.contracts[service]
    coverage = provider.contract_coverage(service)
    factor = _mean_of(provider.price_factor(coverage))
    return {
        "provider": provider_id,
        "provider_name": provider.name,
        "provider_name_de": provider.name_de or provider.name,
        "coverage": coverage.value,
        "fee_per_user_per_month_eur": _mean_of(contract.fee_per_user_per_month_eur) * factor,
        "fixed_fee_per_month_eur": _mean_of(contract.fixed_fee_per_month_eur) * factor,
        "fee_per_ticket_eur": _mean_of(contract.fee_per_ticket_eur) * factor,
        "setup_cost_eur": _mean_of(contract.setup_cost_eur),
        "price_escalation_per_year": _mean_of(provider.price_escalation_per_year),
    }


def describe_options(experiment: Experiment, scenarios: list[str] | tuple[str, ...]) -> dict:
    """What each option is: per scenario the label, description, in-house team (headcount per
    role name, service hours) and per service who runs it, in which service hours, at what
    mean price (fees times the price factor of the contract's service hours)."""
    options = {}
    for name in scenarios:
        scenario = experiment.scenarios[name]
        services = {}
        for service, runner in scenario.sourcing.items():
            if runner == INTERNAL:
                services[service] = {"provider": INTERNAL, "coverage": scenario.team.coverage.value}
            else:
                services[service] = _contract_terms(experiment, runner, service)
        roles = _headcount(experiment, name)
        options[name] = {
            "description": scenario.description,
            "description_de": scenario.description_de or scenario.description,
            "headcount": roles,
            "role_names": {r: experiment.roles[r].name or r for r in roles},
            "role_names_de": {
                r: experiment.roles[r].name_de or experiment.roles[r].name or r for r in roles
            },
            "team_coverage": scenario.team.coverage.value,
            "services": services,
        }
    return options
