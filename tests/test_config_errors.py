"""Every mistake of a config at once: one complete line per mistake, in key-path order.

Requirement (issue 10, "Configs in minutes"): `itsim validate` reports all schema errors of a file
in one run, each as its own line naming file, key path, value and expectation (the wording of a
single error), each once, at most MAX_ERROR_LINES lines and a last line counting the rest; exit
code 2. A single mistake still gives exactly the one line it always gave.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from simulation.cli import main
from simulation.config.loader import experiment_from_dict, load_experiment
from simulation.errors import MAX_ERROR_LINES, NO_VALUE, ConfigError

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def write(tmp_path: Path, tree: dict[str, Any], name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(tree, sort_keys=False), encoding="utf-8")
    return path


def reference_tree() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))


def three_mistakes() -> dict[str, Any]:
    """The reference with a missing key, an unknown key and a bad value, in three sections."""
    tree = reference_tree()
    del tree["company"]["employees"]  # missing
    tree["simulation"]["horizon"] = 5  # unknown (horizon_years has a default: nothing missing)
    tree["staff"]["turnover_rate_per_year"] = -0.1  # bad value
    return tree


def refuse(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err.strip().splitlines()


def test_three_independent_mistakes_give_three_lines(tmp_path: Path) -> None:
    path = write(tmp_path, three_mistakes())
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    lines = str(info.value).split("\n")
    assert lines == info.value.lines()
    assert lines == [
        f"{path}: simulation.horizon: unknown key 'horizon' — expected a known key; "
        "did you mean 'horizon_years'?",
        f"{path}: company.employees: required key is missing",
        f"{path}: staff.turnover_rate_per_year: -0.1 — expected a value >= 0",
    ]
    # the exception's fields are the first mistake's, as for a single error
    assert info.value.path == "simulation.horizon"
    assert info.value.one_line() == lines[0]


def test_validate_prints_every_mistake_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, three_mistakes())
    lines = refuse(["validate", str(path)], capsys)
    assert len(lines) == 3
    for line, key in zip(
        lines,
        ("simulation.horizon", "company.employees", "staff.turnover_rate_per_year"),
        strict=True,
    ):
        assert line.startswith(f"itsim: error: {path}: {key}: "), line
    assert capsys.readouterr().out == ""


def test_run_refuses_with_every_mistake_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, three_mistakes())
    out = tmp_path / "results"
    assert len(refuse(["run", str(path), "--out", str(out), "--no-progress"], capsys)) == 3
    assert not out.exists()


def test_a_single_mistake_is_the_line_it_always_was(tmp_path: Path) -> None:
    tree = reference_tree()
    tree["company"]["employees"] = "many"
    path = write(tmp_path, tree)
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    expected = f"{path}: company.employees: 'many' — expected a valid integer"
    assert str(info.value) == expected
    assert info.value.lines() == [expected]
    assert info.value.errors == (info.value,)
    assert info.value.others == ()


def test_two_wrong_types_give_two_lines_the_first_as_before(tmp_path: Path) -> None:
    tree = reference_tree()
    tree["company"]["employees"] = "many"
    tree["company"]["loaded_hourly_cost_eur"] = "cheap"
    path = write(tmp_path, tree)
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    first, second = str(info.value).split("\n")
    assert first == f"{path}: company.employees: 'many' — expected a valid integer"
    assert second.startswith(f"{path}: company.loaded_hourly_cost_eur: ")
    assert "cheap" in second
    assert "more error" not in str(info.value)


def test_each_line_names_the_file_that_holds_its_key(tmp_path: Path) -> None:
    base = reference_tree()
    base["staff"]["vacation_days_per_year"] = 900
    write(tmp_path, base, "base.yaml")
    mine = write(tmp_path, {"extends": "base.yaml", "company": {"employees": 0}})
    with pytest.raises(ConfigError) as info:
        load_experiment(mine)
    lines = str(info.value).split("\n")
    assert len(lines) == 2
    assert lines[0].startswith(f"{mine}: company.employees: 0 — expected")
    assert lines[1].startswith(f"{tmp_path / 'base.yaml'}: staff.vacation_days_per_year: 900")


def test_a_misspelt_required_key_is_one_line() -> None:
    tree = reference_tree()
    tree["staff"]["time_to_fil_months"] = tree["staff"].pop("time_to_fill_months")
    with pytest.raises(ConfigError) as info:
        experiment_from_dict(tree, "mine.yaml")
    assert str(info.value) == (
        "mine.yaml: staff.time_to_fil_months: unknown key 'time_to_fil_months' — expected a known "
        "key; did you mean 'time_to_fill_months'?"
    )


def test_a_missing_key_without_a_close_misspelling_is_reported() -> None:
    tree = reference_tree()
    del tree["staff"]["time_to_fill_months"]
    tree["staff"]["coffee_breaks"] = 2
    with pytest.raises(ConfigError) as info:
        experiment_from_dict(tree, "mine.yaml")
    lines = info.value.lines()
    assert lines[0] == "mine.yaml: staff.time_to_fill_months: required key is missing"
    assert lines[1].startswith("mine.yaml: staff.coffee_breaks: unknown key 'coffee_breaks'")


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (5, "mine.yaml: scenarios.external.team.roles: 5 — expected a valid dictionary or 'auto'"),
        (
            {"vendor_manager": "x"},
            "mine.yaml: scenarios.external.team.roles.vendor_manager: 'x' — expected a valid "
            "integer",
        ),
    ],
    ids=["fits-no-form", "a-mapping-with-a-bad-headcount"],
)
def test_a_key_of_several_forms_gives_one_line_without_pydantic_tags(
    roles: Any, expected: str
) -> None:
    tree = reference_tree()
    tree["scenarios"]["external"]["team"]["roles"] = roles
    with pytest.raises(ConfigError) as info:
        experiment_from_dict(tree, "mine.yaml")
    assert str(info.value) == expected


def test_lines_follow_the_order_of_sections_and_keys() -> None:
    """Key-path order: sections as in the schema (and configs/default.yaml), entries of a
    mapping as in the file, whatever order the mistakes were made in."""
    tree = reference_tree()
    tree["scenarios"]["hybrid"]["team"]["swarm"] = 0
    tree["services"]["infrastructure"]["key_person_share"] = 2
    tree["services"]["service_desk"]["key_person_share"] = 2
    tree["simulation"]["runs"] = 0
    with pytest.raises(ConfigError) as info:
        experiment_from_dict(tree, "mine.yaml")
    paths = [line.split(": ")[1] for line in info.value.lines()]
    assert paths == [
        "simulation.runs",
        "services.service_desk.key_person_share",
        "services.infrastructure.key_person_share",
        "scenarios.hybrid.team.swarm",
    ]


def test_many_mistakes_are_capped_with_a_count_of_the_rest() -> None:
    tree = reference_tree()
    for i in range(MAX_ERROR_LINES + 10):
        tree["simulation"][f"extra_{i:03d}"] = i
    with pytest.raises(ConfigError) as info:
        experiment_from_dict(tree, "mine.yaml")
    lines = str(info.value).split("\n")
    assert len(lines) == MAX_ERROR_LINES + 1
    assert all(line.startswith("mine.yaml: simulation.extra_") for line in lines[:-1])
    assert lines[-1] == "mine.yaml: … and 10 more errors (fix these and validate again)"
    assert info.value.omitted == 10


def test_collected_errors_are_each_reported_once() -> None:
    one = ConfigError("a.yaml", "x.y", 3, "a value >= 5")
    other = ConfigError("a.yaml", "x.z", NO_VALUE, "required key is missing")
    same = ConfigError("a.yaml", "x.y", 3, "a value >= 5")
    error = ConfigError.collected([one, other, same, ConfigError.collected([other, one])])
    assert error.lines() == [
        "a.yaml: x.y: 3 — expected a value >= 5",
        "a.yaml: x.z: required key is missing",
    ]
    assert str(ConfigError.collected([one])) == str(one)


def test_checks_across_sections_still_report_alone(tmp_path: Path) -> None:
    """Run once every key is valid: a scenario naming an unknown provider is one line."""
    tree = reference_tree()
    tree["scenarios"]["external"]["sourcing"]["service_desk"] = "acme"
    tree["scenarios"]["hybrid"]["sourcing"]["service_desk"] = "acme"
    with pytest.raises(ConfigError) as info:
        experiment_from_dict(tree, "mine.yaml")
    assert info.value.lines() == [str(info.value)]
    assert info.value.path == "scenarios.external.sourcing.service_desk"
