"""`itsim init`: a commented, self-contained starting config that validates and runs as it is.

Requirement (issue 10, "Configs in minutes"): `itsim init OUT [--employees N] [--services ...]
[--in-house ...] [--template default|minimal] [--force]` writes a config that extends nothing,
whose every number carries a comment (copied from configs/default.yaml where the value comes from
there), with the scenarios all in house, all external and the chosen mix; it validates with
`itsim validate` and runs with `itsim run`; an existing file is replaced only with --force.
"""

from __future__ import annotations

import contextlib
import io
import itertools
from pathlib import Path

import pandas as pd
import pytest
import yaml
from test_config import uncommented_numbers

from simulation.cli import main
from simulation.config.init import SERVICES, InitOptions, init_config
from simulation.config.loader import experiment_from_dict, load_experiment

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def run_main(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def init(tmp_path: Path, *flags: str, name: str = "acme.yaml") -> Path:
    path = tmp_path / name
    code, out, err = run_main(["init", str(path), *flags])
    assert code == 0, err
    assert f"wrote {path}" in out
    return path


def test_init_writes_a_config_that_validates(tmp_path: Path) -> None:
    path = init(tmp_path, "--employees", "80", "--services", "desk,infra,apps")
    code, out, err = run_main(["validate", str(path)])
    assert code == 0, err
    assert out.startswith(f"{path}: valid — 3 scenarios, 3 services")
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "extends" not in tree  # self-contained
    assert tree["company"]["employees"] == 80
    assert list(tree["services"]) == ["service_desk", "infrastructure", "business_applications"]
    assert tree["scenarios"]["internal"]["sourcing"] == dict.fromkeys(tree["services"], "internal")
    assert tree["scenarios"]["external"]["sourcing"] == dict.fromkeys(tree["services"], "msp")
    assert tree["scenarios"]["hybrid"]["sourcing"] == {
        "service_desk": "msp",
        "infrastructure": "msp",
        "business_applications": "internal",
    }
    assert "security" not in tree  # no security-operations service: no security incidents


def test_init_then_run_to_completion(tmp_path: Path) -> None:
    path = init(tmp_path, "--template", "minimal", "--employees", "30", "--services", "desk,apps")
    out_dir = tmp_path / "results"
    argv = ["run", str(path), "--runs", "2", "--no-plots", "--no-structural", "--no-progress"]
    code, _, err = run_main([*argv, "--jobs", "1", "--out", str(out_dir)])
    assert code == 0, err
    rows = pd.read_parquet(out_dir / "replications.parquet")
    assert sorted(rows["scenario"].unique()) == ["external", "hybrid", "internal"]
    assert len(rows) == 6
    assert (rows["cost_total_eur"] > 0).all()


@pytest.mark.slow
def test_default_template_runs_to_completion(tmp_path: Path) -> None:
    path = init(tmp_path)
    out_dir = tmp_path / "results"
    argv = ["run", str(path), "--runs", "2", "--no-plots", "--no-structural", "--no-progress"]
    code, _, err = run_main([*argv, "--out", str(out_dir)])
    assert code == 0, err
    rows = pd.read_parquet(out_dir / "replications.parquet")
    assert sorted(rows["scenario"].unique()) == ["external", "hybrid", "internal"]
    assert (rows["security_incidents"] >= 0).all()


@pytest.mark.parametrize("template", ["default", "minimal"])
def test_every_number_carries_a_comment(template: str) -> None:
    for services in (SERVICES, ("service_desk", "infrastructure")):
        text = init_config(InitOptions(services=services, template=template))
        problems = uncommented_numbers(text)
        assert problems == [], "numbers without a comment:\n" + "\n".join(
            f"  line {n}: {line.strip()}" for n, line in problems
        )


def test_comments_are_copied_from_the_reference() -> None:
    text = init_config(InitOptions())
    reference = DEFAULT.read_text(encoding="utf-8")
    for key in ("loaded_hourly_cost_eur", "turnover_rate_per_year", "time_to_fill_months"):
        ours = next(line for line in text.splitlines() if line.strip().startswith(f"{key}:"))
        theirs = next(line for line in reference.splitlines() if line.strip().startswith(f"{key}:"))
        assert ours.split("# ", 1)[1] == theirs.split("# ", 1)[1]


def test_the_default_template_keeps_the_reference_values() -> None:
    """All four services, 150 employees: the reference config but for today's team (empty)."""
    ours = experiment_from_dict(yaml.safe_load(init_config(InitOptions())))
    reference = load_experiment(DEFAULT)
    assert ours.services.keys() == reference.services.keys()
    assert ours.staff == reference.staff
    assert ours.security == reference.security
    assert ours.providers["msp"].contracts == reference.providers["msp"].contracts
    assert ours.company.current_team == {}
    for name in ("internal", "hybrid"):
        assert ours.team_roles(name) == reference.team_roles(name)


def _choices(every: bool) -> list[tuple[tuple[str, ...], tuple[str, ...] | None]]:
    """Services and in-house mixes: every subset (slow), or a few that cover the cases."""
    if not every:
        desk_infra = ("service_desk", "infrastructure")
        return [(SERVICES, ("security_operations",)), (desk_infra, None), (desk_infra, ())]
    return [
        (services, in_house)
        for k in range(1, len(SERVICES) + 1)
        for services in itertools.combinations(SERVICES, k)
        for in_house in (None, services[:1], services)
    ]


@pytest.mark.parametrize(
    "every", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["some", "every"]
)
@pytest.mark.parametrize("template", ["default", "minimal"])
def test_every_choice_of_services_and_mix_validates(template: str, every: bool) -> None:
    for services, in_house in _choices(every):
        options = InitOptions(employees=20, services=services, in_house=in_house, template=template)
        experiment = experiment_from_dict(yaml.safe_load(init_config(options)), "x.yaml")
        mix = (
            in_house
            if in_house is not None
            else tuple(s for s in services if s == "business_applications")
        )
        mixed = 0 < len(mix) < len(services)
        expected = ["internal", "external", *(["hybrid"] if mixed else [])]
        assert list(experiment.scenarios) == expected, (services, in_house)
        for name in experiment.scenarios:
            experiment.team_roles(name)


def test_an_existing_file_is_replaced_only_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text("# my notes\n", encoding="utf-8")
    code = main(["init", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        f"itsim: error: OUT: {path} exists: add --force to replace it"
    ]
    assert path.read_text(encoding="utf-8") == "# my notes\n"
    assert main(["init", str(path), "--force"]) == 0
    assert "extends" not in yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--services", "desk,mail"], "--services: 'mail' — expected services of the reference"),
        (["--services", "desk,desk"], "--services: 'desk,desk' — expected each service once"),
        (["--services", ","], "--services: '' — expected at least one service"),
        (["--services", "desk", "--in-house", "apps"], "--in-house: 'business_applications'"),
        (["--employees", "0"], "--employees"),
        (["--template", "huge"], "--template"),
    ],
)
def test_bad_options_are_refused_in_one_line(
    tmp_path: Path, flags: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acme.yaml"
    try:
        code = main(["init", str(path), *flags])
    except SystemExit as exc:  # argparse
        code = exc.code
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(lines) == 1
    assert fragment in lines[0]
    assert not path.exists()


def test_the_out_file_must_be_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "acme.txt")]) == 2
    assert capsys.readouterr().err == (
        f"itsim: error: OUT: {tmp_path / 'acme.txt'}: a file name ending in .yaml or .yml\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_mix_whose_team_cannot_steer_the_provider_gets_a_vendor_manager() -> None:
    """Only the service desk in house: its agents have no vendor-management skill."""
    options = InitOptions(services=("service_desk", "infrastructure"), in_house=("service_desk",))
    tree = yaml.safe_load(init_config(options))
    experiment = experiment_from_dict(tree)
    roles = experiment.team_roles("hybrid")
    assert roles.get("vendor_manager", 0) >= 1
    assert roles.get("service_desk_agent", 0) >= 2  # min_holders of the rule
