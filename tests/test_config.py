"""Config loading and validation: the reference experiment, one-line errors, extends/deep merge.

Requirement: invalid input gives a one-line ConfigError naming the file that holds the bad key,
the dotted key path, the offending value and what was expected; YAML is loaded safely; scenario
files may extend a base file (deep merge; null removes a mapping entry of the base).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulation.config.loader import (
    experiment_from_dict,
    load_config,
    load_experiment,
)
from simulation.config.scenario import central_values, find_uncertain, resolve, scenario_spec
from simulation.config.schema import Experiment, Uncertain
from simulation.errors import ConfigError

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def default_tree() -> dict[str, Any]:
    """A fresh, mutable copy of configs/default.yaml as plain data."""
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))


def write_override(directory: Path, override: dict[str, Any], name: str = "override.yaml") -> Path:
    """Write `override` as a small file that extends configs/default.yaml."""
    path = directory / name
    path.write_text(yaml.safe_dump({"extends": str(DEFAULT), **override}), encoding="utf-8")
    return path


def write_full(directory: Path, mutate: Callable[[dict[str, Any]], None], name="full.yaml") -> Path:
    """Write a standalone copy of configs/default.yaml changed by `mutate`."""
    tree = default_tree()
    mutate(tree)
    path = directory / name
    path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return path


def assert_one_line(exc: ConfigError) -> str:
    message = str(exc)
    assert message, "empty error message"
    assert "\n" not in message, f"not one line: {message!r}"
    assert "\r" not in message, f"not one line: {message!r}"
    assert "Traceback" not in message
    return message


# --------------------------------------------------------------------------------------------
# The reference experiment
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def experiment() -> Experiment:
    return load_experiment(DEFAULT)


def test_default_config_loads(experiment: Experiment, default_config_path: Path) -> None:
    assert default_config_path == DEFAULT
    assert set(experiment.scenarios) == {"internal", "external", "hybrid"}
    assert set(experiment.services) == {
        "service_desk",
        "infrastructure",
        "security_operations",
        "business_applications",
    }
    assert experiment.company.employees == 150
    assert isinstance(experiment.staff.turnover_rate_per_year, Uncertain)
    # load_config also returns the merged tree it validated
    again, tree = load_config(DEFAULT)
    assert tree["scenarios"].keys() == experiment.scenarios.keys()
    assert again == experiment


def _lookup(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(obj, dict):
            obj = obj[part]
        elif isinstance(obj, tuple | list):
            obj = obj[int(part)]
        else:
            obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("name", ["internal", "external", "hybrid"])
def test_every_scenario_resolves(experiment: Experiment, name: str) -> None:
    spec = scenario_spec(experiment, name)
    assert spec.name == name
    params = find_uncertain(spec)
    paths = [path for path, _ in params]
    assert paths, "the reference experiment has uncertain parameters"
    assert len(paths) == len(set(paths)), "uncertain parameter paths must be unique"
    for path, unc in params:
        assert re.fullmatch(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+", path), path
        assert isinstance(unc, Uncertain)
        assert _lookup(spec, path) is unc, f"{path} does not lead to its parameter"
    assert "staff.turnover_rate_per_year" in paths
    assert "company.on_costs_share" in paths
    assert "roles.app_specialist.annual_salary_eur" in paths or name == "external"
    uses_msp = "msp" in spec.sourcing.values()
    assert any(p.startswith("providers.msp.") for p in paths) == uses_msp
    if name == "external":
        assert "providers.msp.contracts.service_desk.fee_per_user_per_month_eur" in paths
        # today's roles price the posts an option gives up
        assert "roles.sysadmin.annual_salary_eur" in paths
    if name == "internal":
        # only the roles a scenario staffs (or has today) are part of it
        assert not any(p.startswith("roles.vendor_manager.") for p in paths)
    # resolving at central values leaves nothing uncertain
    values = central_values(spec)
    assert set(values) == set(paths)
    resolved = resolve(spec, values)
    assert find_uncertain(resolved) == []
    assert resolved.staff.turnover_rate_per_year == pytest.approx(
        spec.staff.turnover_rate_per_year.mean
    )


# --------------------------------------------------------------------------------------------
# Invalid configs: one line naming file, key path, value and expectation
# --------------------------------------------------------------------------------------------


def _contract_for_service_desk() -> dict[str, Any]:
    return copy.deepcopy(default_tree()["providers"]["msp"]["contracts"]["service_desk"])


def _set_p4_share(tree: dict[str, Any]) -> None:
    tree["services"]["service_desk"]["severities"]["P4"]["share"] = 0.30


def _normal_turnover(tree: dict[str, Any]) -> None:
    tree["staff"]["turnover_rate_per_year"] = {"dist": "normal", "mean": 0.05, "sd": 0.05}


def _normal_loss(tree: dict[str, Any]) -> None:
    tree["security"]["loss_eur"] = {"dist": "normal", "mean": 1000, "sd": 5000}


ALL_INTERNAL = {
    "service_desk": "internal",
    "infrastructure": "internal",
    "security_operations": "internal",
    "business_applications": "internal",
}

# (override dict | mutate function, key path, value text or None, expectation regex)
INVALID = [
    pytest.param(
        {"company": {"employees": "many"}},
        "company.employees",
        "'many'",
        r"integer",
        id="wrong-type",
    ),
    pytest.param(
        {"simulaton": {"runs": 3}},
        "simulaton",
        None,
        r"unknown key 'simulaton'.*did you mean 'simulation'",
        id="unknown-key-top-level",
    ),
    pytest.param(
        {"staff": {"turnover_rate_per_yaer": 0.1}},
        "staff.turnover_rate_per_yaer",
        None,
        r"did you mean 'turnover_rate_per_year'",
        id="unknown-key-nested",
    ),
    pytest.param(
        {"services": {"service_desk": {"severities": {"P1": {"shar": 0.1}}}}},
        "services.service_desk.severities.P1.shar",
        None,
        r"did you mean 'share'",
        id="unknown-key-deep",
    ),
    pytest.param(
        {"scenarios": {"internal": {"team": {"staff": {"turnover_rate_per_yaer": 0.1}}}}},
        "scenarios.internal.team.staff.turnover_rate_per_yaer",
        None,
        r"did you mean 'turnover_rate_per_year'",
        id="unknown-key-scenario-staff",
    ),
    pytest.param(
        {"staff": {"turnover_rate_per_year": -0.1}},
        "staff.turnover_rate_per_year",
        "-0.1",
        r">= 0",
        id="negative-rate",
    ),
    pytest.param(
        {"scenarios": {"internal": {"team": {"staff": {"turnover_rate_per_year": -1}}}}},
        "scenarios.internal.team.staff.turnover_rate_per_year",
        "-1",
        r">= 0",
        id="negative-rate-scenario-staff",
    ),
    pytest.param(
        _normal_turnover,
        "staff.turnover_rate_per_year",
        "'normal'",
        r">= 0.*reaches",
        id="normal-for-non-negative-parameter",
    ),
    pytest.param(
        _normal_loss,
        "security.loss_eur",
        "'normal'",
        r">= 0.*reaches",
        id="normal-for-non-negative-event",
    ),
    pytest.param(
        {"services": {"service_desk": {"severities": {"P1": {"share": 1.5}}}}},
        "services.service_desk.severities.P1.share",
        "1.5",
        r"between 0 and 1|less than or equal to 1",
        id="share-above-1",
    ),
    pytest.param(
        {"services": {"service_desk": {"severities": {"P1": {"share": -0.5}}}}},
        "services.service_desk.severities.P1.share",
        "-0.5",
        r"between 0 and 1|greater than or equal to 0",
        id="share-below-0",
    ),
    pytest.param(
        {"staff": {"new_hire_productivity": 1.5}},
        "staff.new_hire_productivity",
        "1.5",
        r"between 0 and 1",
        id="probability-above-1",
    ),
    pytest.param(
        {"security": {"affected_services": {"infrastructure": -0.2}}},
        "security.affected_services.infrastructure",
        "-0.2",
        r"between 0 and 1|greater than or equal to 0",
        id="probability-below-0",
    ),
    pytest.param(
        _set_p4_share,
        "services.service_desk.severities",
        "0.3",
        r"(sum|summing) to 1.*0\.9",
        id="severity-shares-sum-0.9",
    ),
    pytest.param(
        {"security": {"loss_eur": {"dist": "lognormal", "p5": 900, "p95": 100}}},
        "security.loss_eur.p5",
        "900",
        r"p95",
        id="lognormal-p5-above-p95",
    ),
    pytest.param(
        {
            "staff": {
                "turnover_rate_per_year": {"dist": "pret", "min": 0.01, "mode": 0.05, "max": 0.1}
            }
        },
        "staff.turnover_rate_per_year.dist",
        "'pret'",
        r"did you mean 'pert'",
        id="unknown-distribution",
    ),
    pytest.param(
        {"scenarios": {"hybrid": {"sourcing": {"email": "msp"}}}},
        "scenarios.hybrid.sourcing.email",
        "'email'",
        r"a service in `services`",
        id="scenario-unknown-service",
    ),
    pytest.param(
        {"scenarios": {"hybrid": {"sourcing": {"service_desk": "acme"}}}},
        "scenarios.hybrid.sourcing.service_desk",
        "'acme'",
        r"'internal' or a provider",
        id="scenario-unknown-provider",
    ),
    pytest.param(
        {
            "providers": {"cheap": {"name": "Cheap", "contracts": {"service_desk": "CONTRACT"}}},
            "scenarios": {"hybrid": {"sourcing": {"infrastructure": "cheap"}}},
        },
        "scenarios.hybrid.sourcing.infrastructure",
        "'cheap'",
        r"contract for 'infrastructure'",
        id="provider-without-contract",
    ),
    pytest.param(
        {
            "scenarios": {
                "partial": {
                    "sourcing": {"service_desk": "internal"},
                    "team": {"roles": {"sysadmin": 1}},
                }
            }
        },
        "scenarios.partial.sourcing",
        "['service_desk']",
        r"a source for every service.*business_applications",
        id="scenario-missing-service",
    ),
    pytest.param(
        {"scenarios": {"internal": {"team": {"roles": {"wizard": 1}}}}},
        "scenarios.internal.team.roles.wizard",
        "'wizard'",
        r"a role in `roles`",
        id="team-unknown-role",
    ),
    pytest.param(
        {
            "scenarios": {
                "lean": {
                    "sourcing": ALL_INTERNAL,
                    "team": {"roles": {"service_desk_agent": 1, "app_specialist": 1}},
                }
            }
        },
        "scenarios.lean.team.roles",
        "'service_desk_agent': 1",
        r"skill 'infrastructure' for internal service 'infrastructure'",
        id="internal-service-without-skill",
    ),
    pytest.param(
        {"simulation": {"runs": 0}},
        "simulation.runs",
        "0",
        r"greater than or equal to 1",
        id="zero-runs",
    ),
    pytest.param(
        {"providers": {"msp": {"contracts": {"service_desk": {"response_hours": {"P1": 1}}}}}},
        "providers.msp.contracts.service_desk.response_hours",
        None,
        r"simulated by the delivery model; describe the provider's delivery team under `team`",
        id="contract-response-distribution-removed",
    ),
    pytest.param(
        {"providers": {"msp": {"contracts": {"service_desk": {"team": {"agents": 0}}}}}},
        "providers.msp.contracts.service_desk.team.agents",
        "0",
        r"greater than or equal to 1",
        id="contract-team-without-agents",
    ),
    pytest.param(
        {"providers": {"msp": {"staff": {"initial_knowledge": 1.5}}}},
        "providers.msp.staff.initial_knowledge",
        "1.5",
        r"a probability between 0 and 1",
        id="provider-staff-out-of-range",
    ),
    pytest.param(
        {"providers": {"msp": {"contracts": {"infrastructure": {"coverage": "nights"}}}}},
        "providers.msp.contracts.infrastructure.coverage",
        "'nights'",
        r"business_hours.*extended_hours.*on_call.*24x7",
        id="contract-unknown-service-hours",
    ),
    pytest.param(
        {"scenarios": {"internal": {"team": {"peak_roles": {"wizard": 1}}}}},
        "scenarios.internal.team.peak_roles.wizard",
        "'wizard'",
        r"a role in `roles`",
        id="team-unknown-peak-role",
    ),
    pytest.param(
        {"scenarios": {"internal": {"team": {"urgent_severities": ["P5"]}}}},
        "scenarios.internal.team.urgent_severities.0",
        "'P5'",
        r"one of P1, P2, P3, P4",
        id="team-unknown-urgent-severity",
    ),
    pytest.param(
        {"company": {"absence_days_per_year": 300}},
        "company.absence_days_per_year",
        "300",
        r"fewer working days than a year has",
        id="users-absent-all-year",
    ),
]


@pytest.mark.parametrize(("change", "key", "value", "expected"), INVALID)
def test_invalid_config_gives_one_line_error(
    tmp_path: Path,
    change: dict[str, Any] | Callable[[dict[str, Any]], None],
    key: str,
    value: str | None,
    expected: str,
) -> None:
    if callable(change):
        bad_file = write_full(tmp_path, change)
    else:
        change = copy.deepcopy(change)
        if "providers" in change and "cheap" in change["providers"]:
            change["providers"]["cheap"]["contracts"]["service_desk"] = _contract_for_service_desk()
        bad_file = write_override(tmp_path, change)
    with pytest.raises(ConfigError) as info:
        load_experiment(bad_file)
    message = assert_one_line(info.value)
    assert message.startswith(f"{bad_file}: "), message
    assert str(DEFAULT) not in message, "the error must name the file with the bad key"
    assert key in message
    assert key in info.value.path or info.value.path in key
    if value is not None:
        assert value in message, f"value {value} not in {message!r}"
    assert re.search(expected, message), f"{expected!r} not in {message!r}"


# --------------------------------------------------------------------------------------------
# Files: YAML syntax, missing files, extends, unsafe tags
# --------------------------------------------------------------------------------------------


def test_yaml_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text(f"extends: {DEFAULT}\ncompany: {{employees: [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_experiment(bad)
    message = assert_one_line(info.value)
    assert message.startswith(f"{bad}: ")
    assert "YAML syntax error" in message
    assert re.search(r"line \d+", message)


def test_bad_indentation_is_a_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "indent.yaml"
    bad.write_text("company:\n  employees: 5\n    name: x\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_experiment(bad)
    message = assert_one_line(info.value)
    assert "indent.yaml" in message
    assert "line 3" in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    bad = tmp_path / "list.yaml"
    bad.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_experiment(bad)
    assert "a mapping" in assert_one_line(info.value)


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nothere.yaml"
    with pytest.raises(ConfigError) as info:
        load_experiment(missing)
    message = assert_one_line(info.value)
    assert str(missing) in message
    assert "not found" in message


def test_extends_missing_file(tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text("extends: no_such_base.yaml\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_experiment(child)
    message = assert_one_line(info.value)
    assert message.startswith(f"{child}: extends: ")
    assert "no_such_base.yaml" in message
    assert "an existing file" in message


@pytest.mark.parametrize("length", [1, 2, 3])
def test_extends_cycle(tmp_path: Path, length: int) -> None:
    names = [f"cycle{i}.yaml" for i in range(length)]
    for i, name in enumerate(names):
        (tmp_path / name).write_text(f"extends: {names[(i + 1) % length]}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_experiment(tmp_path / names[0])
    message = assert_one_line(info.value)
    assert "extends" in message
    assert "cycle" in message
    assert "cycle0.yaml" in message


def test_extends_must_be_a_file_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad_extends.yaml"
    bad.write_text("extends: {a: 1}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_experiment(bad)
    message = assert_one_line(info.value)
    assert message.startswith(f"{bad}: extends: ")
    assert "a file name" in message


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/apply:subprocess.call",
    ],
)
@pytest.mark.parametrize("where", ["top", "nested", "base"])
def test_python_tags_are_rejected_not_executed(tmp_path: Path, tag: str, where: str) -> None:
    marker = tmp_path / "executed"
    command = f"touch {marker}"
    arg = f'["{command}"]' if "os.system" in tag else f'[["touch", "{marker}"]]'
    payload = f"{tag} {arg}"
    if where == "top":
        text = f"{payload}\n"
    else:
        text = f"extends: {DEFAULT}\ncompany:\n  employees: {payload}\n"
    bad = tmp_path / "evil.yaml"
    bad.write_text(text, encoding="utf-8")
    config = bad
    if where == "base":
        config = tmp_path / "innocent.yaml"
        config.write_text("extends: evil.yaml\nname: innocent\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_experiment(config)
    message = assert_one_line(info.value)
    assert not marker.exists(), "a !!python tag was executed"
    assert str(bad) in message, "the error names the file with the tag"
    assert "python/object" in message


def test_safe_load_ignores_python_tag_in_strings(tmp_path: Path) -> None:
    """A quoted tag is just text: it is a wrong value, not code."""
    bad = write_override(tmp_path, {"company": {"name": "!!python/object/apply:os.system"}})
    experiment = load_experiment(bad)
    assert experiment.company.name == "!!python/object/apply:os.system"


# --------------------------------------------------------------------------------------------
# extends and deep merge
# --------------------------------------------------------------------------------------------


def test_override_keeps_siblings(tmp_path: Path) -> None:
    _, base_tree = load_config(DEFAULT)
    base = load_experiment(DEFAULT)
    override = write_override(
        tmp_path,
        {
            "staff": {"training_days_per_year": 7},
            "services": {"service_desk": {"severities": {"P1": {"users_affected": 40}}}},
        },
    )
    experiment, tree = load_config(override)
    assert experiment.staff.training_days_per_year == 7.0
    assert experiment.services["service_desk"].severities["P1"].users_affected == 40.0
    # everything else in those mappings comes from the base
    for key, value in base_tree["staff"].items():
        if key != "training_days_per_year":
            assert tree["staff"][key] == value, key
    p1 = tree["services"]["service_desk"]["severities"]["P1"]
    assert p1 == {**base_tree["services"]["service_desk"]["severities"]["P1"], "users_affected": 40}
    assert experiment.staff.turnover_rate_per_year == base.staff.turnover_rate_per_year
    assert experiment.services["infrastructure"] == base.services["infrastructure"]
    assert experiment.scenarios == base.scenarios
    assert experiment.staff.model_copy(update={"training_days_per_year": 5.0}) == base.staff
    # the base file itself is untouched by the merge
    assert load_config(DEFAULT)[1] == base_tree


def test_null_removes_a_scenario(tmp_path: Path) -> None:
    # the default's sensitivity section compares against `external`: drop it as well
    override = write_override(tmp_path, {"scenarios": {"external": None}, "sensitivity": None})
    experiment = load_experiment(override)
    assert list(experiment.scenarios) == ["internal", "hybrid"]
    assert experiment.sensitivity is None
    assert experiment.scenarios["internal"] == load_experiment(DEFAULT).scenarios["internal"]


def test_removing_a_scenario_the_sensitivity_needs_is_an_error(tmp_path: Path) -> None:
    override = write_override(tmp_path, {"scenarios": {"internal": None}})
    with pytest.raises(ConfigError) as info:
        load_experiment(override)
    assert "sensitivity.output.baseline: 'internal'" in str(info.value)


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        ({"sobol_n": 100}, "sensitivity.sobol_n", "power of two"),
        (
            {"parameters": ["staff.turnover_rate_per_yaer"]},
            "sensitivity.parameters.0",
            "did you mean 'staff.turnover_rate_per_year'",
        ),
        (
            {"break_even": {"sweep": {"parameter": "company.employes"}}},
            "sensitivity.break_even.sweep.parameter",
            "numeric parameter",
        ),
        ({"output": {"statistic": "median"}}, "sensitivity.output.statistic", "mean, difference"),
    ],
)
def test_sensitivity_section_errors(tmp_path, change, key, expected) -> None:
    override = write_override(tmp_path, {"sensitivity": change})
    with pytest.raises(ConfigError) as info:
        load_experiment(override)
    message = str(info.value)
    assert message.startswith(f"{override}: {key}")
    assert expected in message


def test_override_adds_a_scenario(tmp_path: Path) -> None:
    override = write_override(
        tmp_path,
        {
            "scenarios": {
                "lean": {
                    "label": "Lean",
                    "sourcing": ALL_INTERNAL,
                    "team": {"roles": {"sysadmin": 1, "security_engineer": 1, "app_specialist": 1}},
                }
            }
        },
    )
    experiment = load_experiment(override)
    assert list(experiment.scenarios) == ["internal", "external", "hybrid", "lean"]
    assert experiment.scenarios["lean"].team.roles == {
        "sysadmin": 1,
        "security_engineer": 1,
        "app_specialist": 1,
    }


def test_relative_extends_chain(tmp_path: Path) -> None:
    """extends is resolved relative to the extending file; chains merge in order."""
    (tmp_path / "sub").mkdir()
    middle = write_override(tmp_path, {"staff": {"training_days_per_year": 7}}, "middle.yaml")
    top = tmp_path / "sub" / "top.yaml"
    top.write_text(
        "extends: ../middle.yaml\nstaff: {sick_days_per_year: 9}\nname: top\n", encoding="utf-8"
    )
    experiment = load_experiment(top)
    assert experiment.name == "top"
    assert experiment.staff.training_days_per_year == 7.0
    assert experiment.staff.sick_days_per_year == 9.0
    assert load_experiment(middle).staff.sick_days_per_year == 12.0


def test_error_names_the_file_that_holds_the_bad_key(tmp_path: Path) -> None:
    # a bad key in the base file is reported against the base ...
    base = write_full(
        tmp_path, lambda t: t["staff"].update(turnover_rate_per_year=-0.2), "base.yaml"
    )
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nstaff: {training_days_per_year: 7}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_experiment(child)
    message = assert_one_line(info.value)
    assert message.startswith(f"{base}: staff.turnover_rate_per_year: -0.2 — expected ")
    assert "child.yaml" not in message
    # an override that fixes the base's bad value makes the config valid ...
    child.write_text("extends: base.yaml\nstaff: {turnover_rate_per_year: 0.1}\n", encoding="utf-8")
    assert load_experiment(child).staff.turnover_rate_per_year == 0.1
    # ... and a bad key in the override is reported against the override, not the base
    child.write_text(
        "extends: base.yaml\nstaff: {turnover_rate_per_year: 0.1, training_days_per_yaer: 7}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_experiment(child)
    message = assert_one_line(info.value)
    assert message.startswith(f"{child}: staff.training_days_per_yaer: ")
    assert "did you mean 'training_days_per_year'" in message
    # the same goes for a value error in the override
    child.write_text(
        "extends: base.yaml\nstaff: {turnover_rate_per_year: .inf}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_experiment(child)
    message = assert_one_line(info.value)
    assert message.startswith(f"{child}: staff.turnover_rate_per_year: inf — expected ")
    assert "finite" in message


@pytest.mark.parametrize(
    "override",
    [
        pytest.param(
            {"services": {"service_desk": {"severities": {"P4": {"share": 0.3}}}}}, id="shares"
        ),
        pytest.param(
            {"scenarios": {"internal": {"team": {"roles": {"security_engineer": 0}}}}},
            id="roles",
        ),
    ],
)
def test_mapping_level_error_in_override_names_override(
    tmp_path: Path, override: dict[str, Any]
) -> None:
    bad = write_override(tmp_path, override)
    with pytest.raises(ConfigError) as info:
        load_experiment(bad)
    assert str(info.value).startswith(f"{bad}: ")


@pytest.mark.parametrize(
    "override",
    [
        pytest.param({"company": {"employees": True}}, id="company.employees"),
        pytest.param({"simulation": {"horizon_years": True}}, id="simulation.horizon_years"),
        pytest.param(
            {"scenarios": {"internal": {"team": {"roles": {"sysadmin": True}}}}},
            id="team.roles",
        ),
        pytest.param(
            {"services": {"service_desk": {"business_hours_share": True}}},
            id="business_hours_share",
        ),
    ],
)
def test_boolean_is_not_a_count_or_share(tmp_path: Path, override: dict[str, Any]) -> None:
    bad = write_override(tmp_path, override)
    with pytest.raises(ConfigError) as info:
        load_experiment(bad)
    assert "True" in assert_one_line(info.value)


def test_boolean_is_not_a_number(tmp_path: Path) -> None:
    bad = write_override(tmp_path, {"staff": {"turnover_rate_per_year": True}})
    with pytest.raises(ConfigError) as info:
        load_experiment(bad)
    message = assert_one_line(info.value)
    assert message.startswith(f"{bad}: staff.turnover_rate_per_year: True — expected ")
    assert "not a boolean" in message


def test_override_replaces_a_distribution_spec(tmp_path: Path) -> None:
    spec = {"dist": "lognormal", "median": 0.05, "p95": 0.12}
    bad = write_override(tmp_path, {"staff": {"turnover_rate_per_year": spec}})
    experiment = load_experiment(bad)
    assert type(experiment.staff.turnover_rate_per_year.dist).__name__ == "LogNormal"


# --------------------------------------------------------------------------------------------
# In-memory trees
# --------------------------------------------------------------------------------------------


def test_experiment_from_dict_accepts_the_default_tree() -> None:
    assert experiment_from_dict(default_tree()) == load_experiment(DEFAULT)


@pytest.mark.parametrize(
    ("mutate", "key", "expected"),
    [
        pytest.param(
            lambda t: t["staff"].update(turnover_rate_per_yaer=0.1),
            "staff.turnover_rate_per_yaer",
            r"did you mean 'turnover_rate_per_year'",
            id="unknown-key",
        ),
        pytest.param(
            lambda t: t["company"].update(employees="many"),
            "company.employees: 'many'",
            r"integer",
            id="wrong-type",
        ),
        pytest.param(
            _set_p4_share,
            "services.service_desk.severities",
            r"summing to 1",
            id="shares",
        ),
        pytest.param(
            lambda t: t["scenarios"]["hybrid"]["sourcing"].update(service_desk="acme"),
            "scenarios.hybrid.sourcing.service_desk: 'acme'",
            r"provider",
            id="unknown-provider",
        ),
        pytest.param(
            lambda t: t.pop("company"),
            "company",
            r"required key is missing",
            id="missing-section",
        ),
    ],
)
@pytest.mark.parametrize("source", [None, "notebook-cell-3"])
def test_experiment_from_dict_errors(
    mutate: Callable[[dict[str, Any]], Any], key: str, expected: str, source: str | None
) -> None:
    tree = default_tree()
    mutate(tree)
    args = () if source is None else (source,)
    with pytest.raises(ConfigError) as info:
        experiment_from_dict(tree, *args)
    message = assert_one_line(info.value)
    assert message.startswith(f"{source or '<dict>'}: ")
    assert key in message
    assert re.search(expected, message)


# --------------------------------------------------------------------------------------------
# Every number in the reference config is explained by a comment
# --------------------------------------------------------------------------------------------

_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_0-9.]+):(?P<rest>.*)$")
_ITEM_LINE = re.compile(r"^(?P<indent> *)- (?P<rest>.*)$")


def _split_comment(rest: str) -> tuple[str, bool]:
    """The value part of a line and whether it carries a `#` comment."""
    match = re.search(r"(^|\s)#", rest)
    if match is None:
        return rest.strip(), False
    return rest[: match.start()].strip(), True


def _is_numeric(value: str) -> bool:
    """A number, or a flow mapping/list that holds a number; not aliases or plain text."""
    if re.match(r"^[-+]?\.?\d", value):
        return True
    return value[:1] in "{[" and re.search(r"(:|,|\[)\s*[-+]?\.?\d", value) is not None


@dataclass
class _Line:
    number: int
    text: str
    path: tuple[str, ...]
    value: str
    commented: bool
    is_item: bool
    parent: _Line | None
    children: list[_Line] = field(default_factory=list)

    @property
    def numeric(self) -> bool:
        return _is_numeric(self.value)

    @property
    def is_block(self) -> bool:
        return not self.is_item and (self.value == "" or self.value.startswith("&"))


def _parse_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    stack: list[tuple[int, _Line]] = []  # open block keys: (indent, line)
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key_match = _KEY_LINE.match(raw)
        match = key_match or _ITEM_LINE.match(raw)
        assert match is not None, f"line {number} not understood: {raw!r}"
        indent = len(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else None
        value, commented = _split_comment(match["rest"])
        key = key_match["key"] if key_match else "-"
        line = _Line(
            number,
            raw,
            (*(parent.path if parent else ()), key),
            value,
            commented,
            key_match is None,
            parent,
        )
        if parent is not None:
            parent.children.append(line)
        lines.append(line)
        if line.is_block:
            stack.append((indent, line))
    return lines


def uncommented_numbers(text: str) -> list[tuple[int, str]]:
    """Lines with a numeric value and no explanation, as (line number, line).

    A numeric line is explained by a `#` comment on the line itself, or, for a row of a table,
    on the table's parent key: a list item (credit tiers), or a line whose siblings all hold
    numbers (severity rows P1..P4, response/resolution rows P1..P4, affected_services).
    """
    lines = _parse_lines(text)
    problems = []
    for line in lines:
        if line.commented or line.is_block or not line.numeric:
            continue
        parent = line.parent
        is_row = line.is_item or (
            parent is not None and all(not c.is_block and c.numeric for c in parent.children)
        )
        if parent is not None and parent.commented and is_row:
            continue
        problems.append((line.number, line.text))
    return problems


def test_every_number_in_default_config_has_a_comment() -> None:
    problems = uncommented_numbers(DEFAULT.read_text(encoding="utf-8"))
    assert problems == [], "numbers without a comment:\n" + "\n".join(
        f"  line {n}: {line.strip()}" for n, line in problems
    )


def test_comment_check_catches_new_numbers() -> None:
    text = DEFAULT.read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("staff:"))
    # an uncommented scalar, an uncommented flow mapping with numbers, a new list of numbers
    for extra in (
        "  tea_breaks_per_day: 2",
        "  coffee: {dist: pert, min: 1, mode: 2, max: 3}",
        "  shifts: [1, 2]",
        "  negative_thing: -0.5",
    ):
        changed = "\n".join([*lines[: at + 1], extra, *lines[at + 1 :]])
        assert [line for _, line in uncommented_numbers(changed)] == [extra]
        assert uncommented_numbers(changed.replace(extra, extra + "  # why")) == []
    # an uncommented list item under an uncommented parent
    changed = text.replace("staff:\n", "staff:\n  thresholds:\n    - {below: 0.5, share: 0.1}\n", 1)
    assert [line for _, line in uncommented_numbers(changed)] == ["    - {below: 0.5, share: 0.1}"]
    # a new severity row under a commented parent is fine, text and aliases are not numbers
    assert uncommented_numbers("a:   # unit\n  b: 1\nc: text 5\nd: *alias\ne: [mon, tue]\n") == []


@pytest.mark.parametrize(
    ("commented_line", "flagged"),
    [
        ("  horizon_years: 5  ", ["  horizon_years: 5"]),
        ("      hardware_eur: 20000  ", ["      hardware_eur: 20000"]),
        ("          availability: 0.999  ", ["          availability: 0.999"]),
        ("  affected_services:  ", ["    infrastructure: 0.4", "    business_applications: 0.4"]),
        (
            "      on_call_staff: 1  ",
            ["      on_call_staff: 1"],
        ),
    ],
)
def test_comment_check_catches_removed_comments(commented_line: str, flagged: list[str]) -> None:
    """Removing the comment from a line (or from a table's parent) makes the check fail."""
    lines = DEFAULT.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(commented_line))
    assert "#" in lines[index]
    lines[index] = lines[index][: lines[index].index("#")].rstrip()
    problems = [line.rstrip() for _, line in uncommented_numbers("\n".join(lines))]
    assert sorted(problems) == sorted(flagged)


@pytest.mark.parametrize("path", sorted(DEFAULT.parent.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_config_loads_and_runs(path: Path) -> None:
    from simulation.model.run import simulate
    from simulation.montecarlo.streams import ReplicationStreams

    experiment = load_experiment(path)
    for name in experiment.scenarios:
        spec = scenario_spec(experiment, name)
        result = simulate(resolve(spec, central_values(spec)), ReplicationStreams(1, 0))
        assert result.costs.sum() > 0
