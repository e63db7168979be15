"""`itsim init`: a commented starting config for a company, cut from the reference config.

The config written is self-contained (no `extends`). A file that extends `configs/default.yaml`
would be shorter, but it would depend on where the reference lies (a config written to another
folder or machine no longer loads) and on what the reference says tomorrow (a change there would
silently change the company's results), and it would hide the assumptions an analyst has to
check: the four services of the reference with their 150 users, security and compliance rates.
A self-contained file shows every value the company's results rest on, each with its unit and
source copied from the reference config, so it can be read, reviewed and changed line by line.

Two templates: `default` takes every section of the reference config for the chosen services;
`minimal` only the keys without a built-in default (the README's table lists the defaults). Both
write three scenarios when the mix differs from the other two: everything in house (`internal`,
the team sized by the rule), everything from the provider (`external`) and the chosen mix
(`hybrid`).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from simulation.errors import NO_VALUE, ConfigError
from simulation.files import atomic_path

#: The annotated reference config the templates are cut from.
REFERENCE = Path(__file__).resolve().parents[2] / "configs" / "default.yaml"
TEMPLATES = ("default", "minimal")
#: Short names accepted by --services and --in-house, and the reference's service ids.
SERVICE_ALIASES = {
    "desk": "service_desk",
    "infra": "infrastructure",
    "security": "security_operations",
    "apps": "business_applications",
}
SERVICES = tuple(SERVICE_ALIASES.values())
#: The services the reference's hybrid option runs in house (the default mix).
DEFAULT_IN_HOUSE = ("business_applications",)
PROVIDER = "msp"
SECURITY_SERVICE = "security_operations"
VENDOR_MANAGER = "vendor_manager"
#: The reference's in-house role for each skill (its sizing candidates; administrators are
#: cross-skilled for security).
ROLE_FOR_SKILL = {
    "service_desk": "service_desk_agent",
    "infrastructure": "sysadmin",
    "security": "sysadmin",
    "applications": "app_specialist",
}
#: Column at which comments start (longer lines put theirs two spaces after the value).
COMMENT_COLUMN = 46

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class InitOptions:
    """What `itsim init` asks: the company's size, its services and the mix to compare."""

    employees: int = 150
    services: tuple[str, ...] = SERVICES
    in_house: tuple[str, ...] | None = None  # the mix's in-house services (None: the reference's)
    template: str = "default"
    company: str = "Company"
    file: str = "company.yaml"  # where the config goes (its stem names the experiment)

    @property
    def name(self) -> str:
        return Path(self.file).stem

    def mix(self) -> tuple[str, ...]:
        """The services the mixed option runs in house."""
        if self.in_house is not None:
            return self.in_house
        return tuple(s for s in DEFAULT_IN_HOUSE if s in self.services)


def parse_services(text: str, flag: str) -> tuple[str, ...]:
    """Service ids from a comma-separated list of ids or short names (desk, infra, ...)."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    known = ", ".join(f"{alias} ({sid})" for alias, sid in SERVICE_ALIASES.items())
    out: list[str] = []
    for name in names:
        sid = SERVICE_ALIASES.get(name, name)
        if sid not in SERVICES:
            raise ConfigError(None, flag, name, f"services of the reference config: {known}")
        if sid in out:
            raise ConfigError(None, flag, text, "each service once")
        out.append(sid)
    return tuple(out)


def options_from(
    *,
    employees: int | None = None,
    services: str | None = None,
    in_house: str | None = None,
    template: str = "default",
    company: str | None = None,
    file: str = "company.yaml",
) -> InitOptions:
    """Options from the command line's values (None: the default), checked."""
    options = InitOptions(
        employees=150 if employees is None else employees,
        services=parse_services(services, "--services") if services is not None else SERVICES,
        in_house=parse_services(in_house, "--in-house") if in_house is not None else None,
        template=template,
        company=company or "Company",
        file=file,
    )
    check_options(options)
    return options


def scenario_names(options: InitOptions) -> list[str]:
    """The scenarios the config gets: the mix only when it differs from the other two."""
    mixed = 0 < len(options.mix()) < len(options.services)
    return ["internal", "external", *(["hybrid"] if mixed else [])]


def check_options(options: InitOptions) -> None:
    """Refuse options no config can be written for (ConfigError naming the flag)."""
    if options.template not in TEMPLATES:
        raise ConfigError(None, "--template", options.template, f"one of {', '.join(TEMPLATES)}")
    if not 1 <= options.employees <= 1_000_000:
        raise ConfigError(None, "--employees", options.employees, "a number from 1 to 1,000,000")
    if not options.services:
        raise ConfigError(None, "--services", "", "at least one service")
    outside = [s for s in options.mix() if s not in options.services]
    if outside:
        raise ConfigError(
            None,
            "--in-house",
            ",".join(outside),
            f"services of --services ({', '.join(options.services)})",
        )


def write_config(path: str | Path, text: str, force: bool = False) -> None:
    """Write the config to `path`; an existing file only with `force`."""
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ConfigError(None, "OUT", NO_VALUE, f"{path}: a file name ending in .yaml or .yml")
    if path.is_dir():
        raise ConfigError(None, "OUT", NO_VALUE, f"{path} is a folder: name a file")
    if path.exists() and not force:
        raise ConfigError(None, "OUT", NO_VALUE, f"{path} exists: add --force to replace it")
    if not path.parent.is_dir():
        raise ConfigError(None, "OUT", NO_VALUE, f"{path}: no folder {path.parent}")
    with atomic_path(path) as tmp:  # a reader never sees half a config
        tmp.write_text(text, encoding="utf-8")


def init_config(options: InitOptions, reference: Path = REFERENCE) -> str:
    """The text of a commented, self-contained config for the options (see the module doc)."""
    check_options(options)
    try:
        text = reference.read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(
            str(reference), "", NO_VALUE, "the reference config (not found)"
        ) from None
    ref = yaml.safe_load(text)
    comments = _Comments(text)
    build = _minimal if options.template == "minimal" else _full
    tree, notes = build(ref, options)
    tree["scenarios"] = _scenarios(ref, options, tree)
    comments.own.update(_own_comments(options, tree))
    return _header(options, notes) + "\n".join(_emit(tree, comments)) + "\n"


# -- the trees ----------------------------------------------------------------------------------


def _full(ref: dict[str, Any], options: InitOptions) -> tuple[dict[str, Any], list[str]]:
    """Every section of the reference, cut to the chosen services."""
    services = options.services
    company = copy.deepcopy(ref["company"])
    company.update(name=options.company, employees=options.employees, current_team={})
    tree: dict[str, Any] = {
        "name": options.name,
        "description": f"{options.company}: {_description(options)}",
        "simulation": copy.deepcopy(ref["simulation"]),
        "company": company,
        "services": {sid: _service(ref, sid) for sid in services},
        "staff": copy.deepcopy(ref["staff"]),
        "roles": {
            r: copy.deepcopy(ref["roles"][r]) for r in (*_roles_for(ref, services), VENDOR_MANAGER)
        },
        "providers": {PROVIDER: _provider(ref, services, security=SECURITY_SERVICE in services)},
    }
    notes = []
    if SECURITY_SERVICE in services:
        security = copy.deepcopy(ref["security"])
        affected = security.get("affected_services", {})
        security["affected_services"] = {s: p for s, p in affected.items() if s in services}
        tree["security"] = security
    else:
        notes.append(
            "security: left out (no security-operations service): no security incidents for any "
            "option; copy the section of configs/default.yaml to model them"
        )
    tree["change"] = copy.deepcopy(ref["change"])
    tree["compliance"] = copy.deepcopy(ref["compliance"])
    notes.append(
        "sensitivity: left out; see configs/default.yaml and the README (Sensitivity analysis)"
    )
    return tree, notes


def _minimal(ref: dict[str, Any], options: InitOptions) -> tuple[dict[str, Any], list[str]]:
    """Only the keys without a built-in default; everything else at its default."""
    services = options.services
    tree: dict[str, Any] = {
        "name": options.name,
        "company": {
            "name": options.company,
            "employees": options.employees,
            "loaded_hourly_cost_eur": ref["company"]["loaded_hourly_cost_eur"],
        },
        "services": {},
        "staff": {k: ref["staff"][k] for k in ("turnover_rate_per_year", "time_to_fill_months")},
        "roles": {
            r: {k: ref["roles"][r][k] for k in ("name", "skills", "annual_salary_eur")}
            for r in _roles_for(ref, services)
        },
        "providers": {
            PROVIDER: {
                "name": ref["providers"][PROVIDER]["name"],
                "contracts": {
                    sid: {
                        "fee_per_user_per_month_eur": contract["fee_per_user_per_month_eur"],
                        "sla": {
                            k: contract["sla"][k] for k in ("response_hours", "resolution_hours")
                        },
                    }
                    for sid, contract in _contracts(ref, services).items()
                },
            }
        },
    }
    for sid in services:
        service = ref["services"][sid]
        tree["services"][sid] = {
            "name": service["name"],
            "skill": service["skill"],
            "incidents_per_user_per_month": service["incidents_per_user_per_month"],
            "severities": {
                sev: {k: row[k] for k in ("share", "effort_hours")}
                for sev, row in service["severities"].items()
            },
        }
    notes = [
        "Left out, at their built-in defaults (README: Writing a config): simulation (5 years, "
        "1,000 runs), the company's hours and costs, outages, in-house running costs, the "
        "staff policy but turnover and time to fill, provider terms but fee and SLA targets. "
        "Left out and switched off for every option: security incidents, compliance losses, "
        "change work, sensitivity."
    ]
    return tree, notes


def _service(ref: dict[str, Any], sid: str) -> dict[str, Any]:
    service = copy.deepcopy(ref["services"][sid])
    service.pop("users", None)  # every employee uses every service (the company's size)
    return service


def _contracts(ref: dict[str, Any], services: tuple[str, ...]) -> dict[str, Any]:
    contracts = ref["providers"][PROVIDER]["contracts"]
    return {sid: copy.deepcopy(contracts[sid]) for sid in services}


def _provider(ref: dict[str, Any], services: tuple[str, ...], security: bool) -> dict[str, Any]:
    provider = copy.deepcopy(ref["providers"][PROVIDER])
    provider["contracts"] = _contracts(ref, services)
    if not security:  # without a `security` section no option has security incidents
        provider.pop("security_incidents_per_year", None)
    return provider


def _roles_for(ref: dict[str, Any], services: tuple[str, ...]) -> list[str]:
    """The reference's in-house roles for these services' skills, in the reference's order."""
    needed = {ROLE_FOR_SKILL[ref["services"][sid]["skill"]] for sid in services}
    return [role for role in ref["roles"] if role in needed]


# -- the scenarios ------------------------------------------------------------------------------


def _scenarios(ref: dict[str, Any], options: InitOptions, tree: dict[str, Any]) -> dict[str, Any]:
    services = options.services
    mix = options.mix()
    minimal = options.template == "minimal"
    scenarios: dict[str, Any] = {
        "internal": {
            "label": "Internal",
            "label_de": "Intern",
            "description": f"Own team for {_names(services)}",
            "sourcing": dict.fromkeys(services, "internal"),
            "team": _in_house_team(ref, "internal", _roles_for(ref, services), minimal),
        },
        "external": {
            "label": "External",
            "label_de": "Extern",
            "description": f"{_names(services).capitalize()} from a managed-service provider",
            "sourcing": dict.fromkeys(services, PROVIDER),
        },
    }
    if not minimal:
        scenarios["external"]["description"] += ", one internal vendor manager"
        scenarios["external"]["team"] = copy.deepcopy(ref["scenarios"]["external"]["team"])
    if "hybrid" in scenario_names(options):
        outside = tuple(s for s in services if s not in mix)
        candidates = _roles_for(ref, mix)
        team = _in_house_team(ref, "hybrid", candidates, minimal)
        scenarios["hybrid"] = {
            "label": "Hybrid",
            "label_de": "Hybrid",
            "description": (
                f"{_names(outside).capitalize()} from the provider; {_names(mix)} in house"
            ),
            "sourcing": {s: "internal" if s in mix else PROVIDER for s in services},
            "team": team,
        }
        steering = any("vendor_management" in ref["roles"][r]["skills"] for r in candidates)
        if not minimal and not steering:
            team["sizing"]["roles"] = [*candidates, VENDOR_MANAGER]
            others = {k: v for k, v in scenarios.items() if k != "hybrid"}
            sized = _sized(tree | {"scenarios": others}, scenarios["hybrid"])
            if not sized.get(VENDOR_MANAGER):
                team["roles"] = {**sized, VENDOR_MANAGER: 1}
                team.pop("sizing")
    return scenarios


def _in_house_team(
    ref: dict[str, Any], name: str, candidates: list[str], minimal: bool
) -> dict[str, Any]:
    """The reference's in-house team of option `name` (internal or hybrid), sized by the rule
    with the candidate roles of the services it runs."""
    if minimal:
        return {"roles": "auto"}
    team = copy.deepcopy(ref["scenarios"][name]["team"])
    team["sizing"]["roles"] = candidates
    return team


def _sized(tree: dict[str, Any], scenario: dict[str, Any]) -> dict[str, int]:
    """Headcount per role the sizing rule gives the in-house team of `scenario`.

    A mix whose in-house roles cannot steer the provider takes a vendor manager as a candidate;
    when the rule gives none (steering is a small part of the work, rounded away), itsim init
    writes the headcounts with one vendor manager.
    """
    from simulation.config.loader import experiment_from_dict
    from simulation.config.schema import Scenario
    from simulation.config.sizing import sized_roles

    experiment = experiment_from_dict(tree, "itsim init")
    return sized_roles(experiment, Scenario.model_validate(scenario))


def _names(services: tuple[str, ...]) -> str:
    words = [s.replace("_", " ") for s in services]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _description(options: InitOptions) -> str:
    return f"{len(options.services)} IT services in house, from a provider, or mixed"


def _header(options: InitOptions, notes: list[str]) -> str:
    mix = options.mix()
    flags = [
        f"--employees {options.employees}",
        f"--services {','.join(options.services)}",
        *([f"--in-house {','.join(mix)}"] if options.in_house is not None else []),
        f"--template {options.template}",
    ]
    lines = [
        f"itsim config for {options.company}, written by `itsim init {' '.join(flags)}` from",
        "configs/default.yaml (the reference config). Self-contained: it extends no other file,",
        "so every value the results rest on is here. Each number carries its unit and source;",
        "'assumption' marks values without a public source: replace them with your own.",
        "",
        f"  itsim validate {options.file}    # check it; prints the teams the rule sizes",
        f"  itsim run {options.file} --runs 200",
        "",
        *notes,
    ]
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(_wrap(line) if line and not line.startswith("  ") else [line])
    return "".join(f"# {line}".rstrip() + "\n" for line in wrapped) + "\n"


def _wrap(text: str, width: int = 96) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def _own_comments(options: InitOptions, tree: dict[str, Any]) -> dict[Path_, str]:
    """Comments for values itsim init sets (the rest come from the reference config)."""
    hybrid_roles = tree["scenarios"].get("hybrid", {}).get("team", {}).get("roles")
    auto = "sized by the rule (itsim validate prints the headcount)"
    sized = (
        f"headcount: the sizing rule's team for {options.employees} employees (itsim init), "
        "and a vendor manager to steer the provider"
    )
    own: dict[Path_, str] = {
        ("company", "employees"): "people using IT (every service serves them all)",
        ("company", "current_team"): (
            "today's IT team, headcount per role, e.g. {sysadmin: 2}: posts an option gives up "
            "cost dual running and severance; empty: none for any option"
        ),
        ("scenarios", "internal", "team", "roles"): auto,
        ("scenarios", "hybrid", "team", "roles"): sized if isinstance(hybrid_roles, dict) else auto,
    }
    for name in ("internal", "hybrid"):
        own[("scenarios", name, "team", "sizing", "roles")] = (
            "candidate roles for the in-house services"
        )
    if options.template == "minimal":  # the reference's row comment names keys left out
        for sid in options.services:
            own[("services", sid, "severities", "P1")] = ""
    return own


# -- comments of the reference, and the YAML writer --------------------------------------------

#: Keys under which mapping entries are ids (a service, role, provider, scenario, contract).
_ID_PARENTS = ("services", "roles", "providers", "contracts", "scenarios")
_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[^\s#:-][^:#]*?):(?:\s+(?P<rest>.*))?$")


@dataclass
class _Comments:
    """The comment of every key path of the reference config, and whether its value is inline.

    A path an id makes different (a contract for another service) takes the comment of the same
    key elsewhere (`providers.msp.contracts.*.sla`), as the reference shares them by anchors.
    """

    text: str
    own: dict[Path_, str] = field(default_factory=dict)
    exact: dict[Path_, str] = field(default_factory=dict)
    general: dict[Path_, str] = field(default_factory=dict)
    inline: dict[Path_, bool] = field(default_factory=dict)
    paths: set[Path_] = field(default_factory=set)

    def __post_init__(self) -> None:
        stack: list[tuple[int, Path_]] = []
        for raw in self.text.splitlines():
            match = _KEY_LINE.match(raw)
            if match is None or raw.lstrip().startswith("#"):
                continue
            indent = len(match["indent"])
            while stack and stack[-1][0] >= indent:
                stack.pop()
            path = (*(stack[-1][1] if stack else ()), match["key"].strip())
            value, comment = _split_comment(match["rest"] or "")
            value = re.sub(r"^&\S+\s*", "", value)  # an anchor is no value
            self.inline.setdefault(_general(path), bool(value))
            self.paths.add(path)
            if comment:
                self.exact.setdefault(path, comment)
                self.general.setdefault(_general(path), comment)
            stack.append((indent, path))

    def comment(self, path: Path_) -> str | None:
        """The comment for `path`: itsim init's own, the reference's line, or for a line the
        reference lacks (shared by an anchor, or new) that of the same key elsewhere."""
        if path in self.own:
            return self.own[path]
        if path in self.paths:
            return self.exact.get(path)
        return self.general.get(_general(path))

    def is_inline(self, path: Path_, value: Any) -> bool:
        known = self.inline.get(_general(path))
        if known is not None:
            return known
        return isinstance(value, dict) and (
            "dist" in value or (len(value) <= 6 and all(_is_scalar(v) for v in value.values()))
        )


def _general(path: Path_) -> Path_:
    return tuple("*" if i and path[i - 1] in _ID_PARENTS else p for i, p in enumerate(path))


def _split_comment(rest: str) -> tuple[str, str]:
    """A line's value and its comment (`#` after whitespace, outside quotes)."""
    quote = None
    for i, char in enumerate(rest):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or rest[i - 1].isspace()):
            return rest[:i].strip(), rest[i + 1 :].strip()
    return rest.strip(), ""


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple)


def _flow(value: Any) -> str:
    """A value as flow-style YAML on one line."""
    text = yaml.safe_dump(
        value, default_flow_style=True, width=10**9, sort_keys=False, allow_unicode=True
    )
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _line(text: str, comment: str | None) -> str:
    if not comment:
        return text
    return f"{text.ljust(COMMENT_COLUMN - 2)}  # {comment}"


def _emit(tree: dict[str, Any], comments: _Comments, path: Path_ = (), depth: int = 0) -> list[str]:
    """Block-style YAML of `tree` with the reference's comments; a blank line between sections."""
    lines: list[str] = []
    indent = "  " * depth
    for key, value in tree.items():
        here = (*path, str(key))
        comment = comments.comment(here)
        head = f"{indent}{_flow(key)}:"
        if depth == 0 and lines and isinstance(value, dict):
            lines.append("")  # a blank line before each section
        if isinstance(value, dict) and value and not comments.is_inline(here, value):
            lines.append(_line(head, comment))
            lines.extend(_emit(value, comments, here, depth + 1))
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            lines.append(_line(head, comment))
            lines.extend(f"{indent}  - {_flow(item)}" for item in value)
        else:
            lines.append(_line(f"{head} {_flow(value)}", comment))
    return lines
