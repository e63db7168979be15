"""One scenario's view of an experiment, and the walk over its uncertain parameters."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from simulation.config.schema import (
    INTERNAL,
    Change,
    Company,
    Compliance,
    Experiment,
    InternalCosts,
    Provider,
    Role,
    Security,
    Service,
    StaffPolicy,
    Strict,
    Team,
    Uncertain,
)


class ScenarioSpec(Strict):
    """Everything the model needs for one scenario; parameter paths match the experiment's."""

    name: str
    label: str
    label_de: str
    horizon_years: int
    discount_rate: float
    company: Company
    services: dict[str, Service]
    sourcing: dict[str, str]
    staff: StaffPolicy
    roles: dict[str, Role]
    team: Team
    providers: dict[str, Provider]
    security: Security | None  # None: no security incidents (for any option)
    change: Change
    compliance: Compliance

    def is_internal(self, service: str) -> bool:
        return self.sourcing[service] == INTERNAL


def scenario_spec(experiment: Experiment, name: str) -> ScenarioSpec:
    """Build the view of scenario `name`: only the roles and providers it uses."""
    scenario = experiment.scenarios[name]
    team_roles = experiment.team_roles(name)
    used_providers = {p for p in scenario.sourcing.values() if p != INTERNAL}
    return ScenarioSpec(
        name=name,
        label=scenario.label or name,
        label_de=scenario.label_de or scenario.label or name,
        horizon_years=experiment.simulation.horizon_years,
        discount_rate=experiment.simulation.discount_rate,
        company=experiment.company,
        services={
            sid: _as_sourced(service, scenario.sourcing[sid])
            for sid, service in experiment.services.items()
        },
        sourcing=dict(scenario.sourcing),
        staff=experiment.scenario_staff(name),
        roles={  # the team's roles, and today's (their pay prices a transition)
            r: experiment.roles[r]
            for r, n in (
                experiment.company.current_team | team_roles | scenario.team.peak_roles
            ).items()
            if n > 0
        },
        team=scenario.team.model_copy(update={"roles": team_roles}),
        providers={
            p: _without_security(
                _used_contracts(experiment.providers[p], p, scenario.sourcing),
                experiment.security,
            )
            for p in sorted(used_providers)
        },
        security=_security_as_sourced(experiment.security, scenario.sourcing),
        change=experiment.change,
        compliance=experiment.compliance,
    )


def _as_sourced(service: Service, source: str) -> Service:
    """A provider-run service drops its in-house running costs (hardware, licences, operations),
    so they do not appear as parameters of the scenario: they have no effect there. Knowledge
    effects, half-life and key-person share stay: they apply to whoever delivers the service."""
    if source == INTERNAL:
        return service
    return service.model_copy(update={"internal_costs": InternalCosts()})


def _security_as_sourced(security: Security | None, sourcing: dict[str, str]) -> Security | None:
    """With security operations at a provider, the in-house base rate plays no part (the
    provider's rate does); the knowledge effect applies to whichever team runs security."""
    if security is None or sourcing.get(security.operations_service) == INTERNAL:
        return security
    return security.model_copy(update={"incidents_per_year_internal": 0.0})


def _without_security(provider: Provider, security: Security | None) -> Provider:
    """Without a `security` section no option has security incidents: a provider's rate plays
    no part either (as the in-house rate, it is no parameter of the scenario then)."""
    if security is not None:
        return provider
    return provider.model_copy(update={"security_incidents_per_year": 0.0})


def _used_contracts(provider: Provider, pid: str, sourcing: dict[str, str]) -> Provider:
    contracts = {sid: c for sid, c in provider.contracts.items() if sourcing.get(sid) == pid}
    return provider.model_copy(update={"contracts": contracts})


# Fields that hold no parameters of their own: the sourcing map, the in-house team's headcounts
# and its raw staff overrides (already merged into the scenario's `staff`).
_SKIP_FIELDS = {
    (ScenarioSpec, "sourcing"),
    (Company, "current_team"),
    (Team, "roles"),
    (Team, "peak_roles"),
    (Team, "staff"),
}


def _fields_of(obj: BaseModel) -> list[str]:
    cls = type(obj)
    return [name for name in cls.model_fields if (cls, name) not in _SKIP_FIELDS]


def find_uncertain(obj: Any, prefix: str = "") -> list[tuple[str, Uncertain]]:
    """All uncertain parameters below `obj`, as (dotted path, Uncertain), in a stable order."""
    found: list[tuple[str, Uncertain]] = []
    if isinstance(obj, Uncertain):
        found.append((prefix, obj))
    elif isinstance(obj, BaseModel):
        for name in _fields_of(obj):
            found.extend(find_uncertain(getattr(obj, name), _join(prefix, name)))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            found.extend(find_uncertain(value, _join(prefix, str(key))))
    elif isinstance(obj, tuple | list):
        for i, value in enumerate(obj):
            found.extend(find_uncertain(value, _join(prefix, str(i))))
    return found


def resolve(obj: Any, values: dict[str, float], prefix: str = "") -> Any:
    """A copy of `obj` with every uncertain parameter replaced by its value from `values`.

    A number whose path is in `values` is replaced too (sensitivity sweeps set any parameter).
    """
    if isinstance(obj, Uncertain):
        return float(values[prefix])
    if prefix in values and isinstance(obj, int | float) and not isinstance(obj, bool):
        return float(values[prefix])
    if isinstance(obj, BaseModel):
        updates = {}
        for name in _fields_of(obj):
            old = getattr(obj, name)
            new = resolve(old, values, _join(prefix, name))
            if new is not old:
                updates[name] = new
        return obj.model_copy(update=updates) if updates else obj
    if isinstance(obj, dict):
        out = {k: resolve(v, values, _join(prefix, str(k))) for k, v in obj.items()}
        return obj if all(out[k] is obj[k] for k in obj) else out
    if isinstance(obj, tuple):
        out_t = tuple(resolve(v, values, _join(prefix, str(i))) for i, v in enumerate(obj))
        return obj if all(a is b for a, b in zip(out_t, obj, strict=True)) else out_t
    return obj


def parameter_paths(obj: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every numeric parameter below `obj` (uncertain or fixed)."""
    found: list[str] = []
    if isinstance(obj, Uncertain) or (isinstance(obj, int | float) and not isinstance(obj, bool)):
        found.append(prefix)
    elif isinstance(obj, BaseModel):
        for name in _fields_of(obj):
            found.extend(parameter_paths(getattr(obj, name), _join(prefix, name)))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            found.extend(parameter_paths(value, _join(prefix, str(key))))
    return found


def central_values(obj: Any) -> dict[str, float]:
    """Each uncertain parameter at its mean (for deterministic checks and previews)."""
    return {path: unc.mean for path, unc in find_uncertain(obj)}


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def sensitivity_problem(experiment: Experiment) -> tuple[str, str, str] | None:
    """The first parameter path of the `sensitivity` section that its scenarios do not have.

    Returns (key path, value, expectation) for an error message, or None if all are known.
    """
    import difflib

    settings = experiment.sensitivity
    if settings is None:
        return None
    out = settings.output
    scenarios = [out.scenario] + ([out.baseline] if out.baseline else [])
    uncertain = {
        p for name in scenarios for p, _ in find_uncertain(scenario_spec(experiment, name))
    }

    def unknown(key: str, path: str, known: set[str], what: str) -> tuple[str, str, str]:
        close = difflib.get_close_matches(path, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return key, path, f"{what}{hint}"

    for key in ("parameters", "sobol_parameters", "delta_parameters"):
        for i, path in enumerate(getattr(settings, key)):
            if path not in uncertain:
                return unknown(
                    f"sensitivity.{key}.{i}",
                    path,
                    uncertain,
                    "an uncertain parameter of the output's scenarios",
                )
    sweeps = []
    if settings.break_even is not None:
        names = [settings.break_even.a, settings.break_even.b]
        sweeps.append(("sensitivity.break_even.sweep.parameter", settings.break_even.sweep, names))
    if settings.decision_map is not None:
        names = list(settings.decision_map.scenarios) or list(experiment.scenarios)
        sweeps.append(("sensitivity.decision_map.x.parameter", settings.decision_map.x, names))
        sweeps.append(("sensitivity.decision_map.y.parameter", settings.decision_map.y, names))
    for key, sweep, names in sweeps:
        numeric = {p for n in names for p in parameter_paths(scenario_spec(experiment, n))}
        if sweep.parameter not in numeric:
            return unknown(key, sweep.parameter, numeric, "a numeric parameter of the scenarios")
    return None
