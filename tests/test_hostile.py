"""Hostile and careless inputs: every one is refused with exit code 2 and one line per mistake.

The corpus covers YAML that is broken, binary, huge or malicious, values of the wrong type, size
or range, distributions that make no sense or allow impossible values, references to things that
do not exist, and bad command lines and results folders. Each case must give exit code 2, one
line on stderr per mistake (one mistake in most cases) that names the file or flag, the key path
and what was expected, no traceback, and no results folder. Cases that could exhaust memory or
time run in a child process with a memory limit and a timeout. A property-based test mutates the
reference config at random and asserts that the loader accepts the result or refuses it with
complete one-line messages naming the file, never anything else.
"""

from __future__ import annotations

import copy
import json
import math
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.cli import main
from simulation.config.loader import experiment_from_dict, load_tree
from simulation.errors import MAX_ERROR_LINES, ConfigError
from simulation.montecarlo.store import check_output_column

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"

Setup = Callable[[Path], list[str]]


def _nested(path: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(path.split(".")):
        out = {part: out}
    return out


def override(path: str, value: Any, command: str = "validate") -> Setup:
    """A config extending the reference one with one key path set to `value`."""

    def setup(tmp: Path) -> list[str]:
        config = tmp / "bad.yaml"
        config.write_text(yaml.safe_dump({"extends": str(DEFAULT), **_nested(path, value)}))
        return [command, str(config)]

    return setup


def raw(text: str | bytes, extends: bool = False, name: str = "bad.yaml") -> Setup:
    """A config file with exactly this content (optionally extending the reference config)."""

    def setup(tmp: Path) -> list[str]:
        config = tmp / name
        head = f"extends: {DEFAULT}\n" if extends else ""
        if isinstance(text, bytes):
            config.write_bytes(head.encode() + text)
        else:
            config.write_text(head + text, encoding="utf-8")
        return ["validate", str(config)]

    return setup


def argv(*args: str) -> Setup:
    """A command line on the reference config; `{tmp}` is replaced by the test's folder."""
    return lambda tmp: [a.replace("{tmp}", str(tmp)) for a in args]


def files(layout: dict[str, str], *args: str) -> Setup:
    """Several files (for extends), then a command line; `{tmp}` as in `argv`."""

    def setup(tmp: Path) -> list[str]:
        for name, text in layout.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(text.replace("{tmp}", str(tmp)), encoding="utf-8")
        return [a.replace("{tmp}", str(tmp)) for a in args]

    return setup


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def results_folder(kind: str) -> Setup:
    """A folder for `itsim report` that `itsim run` did not write (whole)."""

    def setup(tmp: Path) -> list[str]:
        folder = tmp / "res"
        folder.mkdir()
        meta = {
            "scenarios": ["internal"], "services": ["desk"], "runs": 2, "seed": 1,
            "horizon_years": 1, "config": {}, "config_hash": "x",
        }  # fmt: skip
        if kind == "garbage":
            (folder / "metadata.json").write_bytes(b"\x00\xff garbage {")
        elif kind == "foreign":
            (folder / "metadata.json").write_text('{"name": "some other tool"}')
        elif kind == "list":
            (folder / "metadata.json").write_text("[1, 2, 3]")
        else:
            (folder / "metadata.json").write_text(json.dumps(meta))
            if kind == "truncated":
                (folder / "replications.parquet").write_bytes(b"PAR1\x00\x00\x00")
                (folder / "monthly.parquet").write_bytes(b"PAR1")
        return ["report", str(folder), "--out", str(tmp / "report_out")]

    return setup


SERVICE = "services.service_desk"
SEV = f"{SERVICE}.severities.P1"
CONTRACT = "providers.msp.contracts.service_desk"

# id -> (setup, a fragment the one-line message must contain)
CASES: dict[str, tuple[Setup, str]] = {
    # -- YAML files -------------------------------------------------------------------------
    "yaml-syntax": (raw("company: {employees: [1, 2\n"), "YAML syntax error"),
    "yaml-unclosed-quote": (raw('name: "open\n'), "YAML syntax error"),
    "yaml-tabs": (raw("simulation:\n\thorizon_years: 5\n"), "YAML syntax error"),
    "yaml-bad-indent": (raw("a:\n  b: 1\n c: 2\n"), "YAML syntax error"),
    "yaml-empty": (raw(""), "required key is missing"),
    "yaml-comments-only": (raw("# nothing here\n"), "required key is missing"),
    "yaml-top-level-list": (raw("- a\n- b\n"), "a mapping of keys at the top level"),
    "yaml-top-level-scalar": (raw("42\n"), "a mapping of keys at the top level"),
    "yaml-binary": (raw(bytes(range(256))), "not a binary file"),
    "yaml-non-utf8": (raw("name: Müller GmbH\n".encode("latin-1")), "UTF-8"),
    "yaml-utf16": (raw("name: x\n".encode("utf-16")), "binary"),
    "yaml-nul-byte": (raw(b"name: a\x00b\n"), "binary"),
    "yaml-python-tag": (raw("name: !!python/object/apply:os.system ['echo pwned']\n"), "YAML"),
    "yaml-python-name": (raw("name: !!python/name:os.system\n"), "YAML"),
    "yaml-unknown-tag": (raw("name: !custom x\n"), "YAML"),
    "yaml-duplicate-top": (raw("simulation: {runs: 5}\nsimulation: {runs: 6}\n"), "duplicate"),
    "yaml-duplicate-nested": (raw("simulation:\n  runs: 5\n  runs: 6\n", True), "duplicate"),
    "yaml-unhashable-key": (raw("? [a, b]\n: 1\n"), "YAML"),
    "yaml-multi-document": (raw("name: a\n---\nname: b\n"), "YAML"),
    "yaml-missing-file": (lambda tmp: ["validate", str(tmp / "nope.yaml")], "file not found"),
    "yaml-directory": (lambda tmp: ["validate", str(tmp)], "not a folder"),
    # -- extends ----------------------------------------------------------------------------
    "extends-missing": (raw("extends: no_such.yaml\n"), "an existing file"),
    "extends-self": (raw("extends: bad.yaml\n"), "no cycle"),
    "extends-cycle": (
        files(
            {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
            "validate",
            "{tmp}/a.yaml",
        ),
        "no cycle",
    ),
    "extends-not-yaml": (raw("extends: /etc/passwd\n"), "a YAML file"),
    "extends-device": (raw("extends: /dev/zero\n"), "a YAML file"),
    "extends-number": (raw("extends: 5\n"), "a file name"),
    "extends-empty-list": (raw("extends: []\n"), "a file name"),
    "extends-directory": (
        files({"x.yaml": "extends: sub.yaml\n"}, "validate", "{tmp}/x.yaml"),
        "an existing file",
    ),
    "extends-binary-base": (
        files({"x.yaml": "extends: base.yaml\n", "base.yaml": "\x00"}, "validate", "{tmp}/x.yaml"),
        "binary",
    ),
    # -- wrong types ------------------------------------------------------------------------
    "type-horizon-text": (override("simulation.horizon_years", "ten"), "simulation.horizon_years"),
    "type-runs-float": (override("simulation.runs", 2.5), "simulation.runs"),
    "type-runs-bool": (override("simulation.runs", True), "simulation.runs"),
    "type-employees-list": (override("company.employees", [1, 2]), "company.employees"),
    "type-services-list": (override("services", ["a"]), "services"),
    "type-severity-text": (override(SEV, "bad"), "severities.P1"),
    "type-rate-bool": (override(f"{SERVICE}.incidents_per_user_per_month", True), "incidents"),
    "type-days-text": (override("company.business_hours.days", "monday"), "business_hours"),
    # -- ranges -----------------------------------------------------------------------------
    "range-horizon-zero": (override("simulation.horizon_years", 0), "horizon_years"),
    "range-horizon-huge": (override("simulation.horizon_years", 1000), "horizon_years"),
    "range-runs-zero": (override("simulation.runs", 0), "simulation.runs"),
    "range-runs-huge": (override("simulation.runs", 10**15), "simulation.runs"),
    "range-seed-negative": (override("simulation.seed", -1), "simulation.seed"),
    "range-seed-huge": (override("simulation.seed", 2**70), "simulation.seed"),
    "range-discount-minus-two": (override("simulation.discount_rate", -2.0), "discount_rate"),
    "range-employees-zero": (override("company.employees", 0), "company.employees"),
    "range-employees-huge": (override("company.employees", 10**9), "company.employees"),
    "range-users-huge": (override(f"{SERVICE}.users", 10**9), "users"),
    "range-negative-rate": (override(f"{SERVICE}.incidents_per_user_per_month", -1), "incidents"),
    "range-zero-mtbf": (override("services.infrastructure.outages.mtbf_hours", 0), "mtbf_hours"),
    "range-negative-salary": (override("roles.sysadmin.annual_salary_eur", -5), "annual_salary"),
    "range-probability-above-one": (override(f"{SERVICE}.key_person_share", 1.5), "key_person"),
    "range-probability-negative": (override(f"{SEV}.productivity_loss", -0.1), "productivity"),
    "range-vacation-huge": (override("staff.vacation_days_per_year", 10**9), "vacation_days"),
    "range-absence-year": (override("company.absence_days_per_year", 400), "absence_days"),
    "range-escalation-below-minus-one": (
        override("providers.msp.price_escalation_per_year", -1.5),
        "price_escalation",
    ),
    "range-wage-growth-huge": (override("company.wage_growth_per_year", 50), "wage_growth"),
    "range-notice-months-huge": (override("staff.notice_period_months", 10**6), "notice_period"),
    "range-huge-number": (override("company.loaded_hourly_cost_eur", 1e300), "loaded_hourly"),
    "range-hours-per-week": (override("company.working_hours_per_week", 200), "working_hours"),
    "range-start-hour": (override("company.business_hours.start_hour", 25), "start_hour"),
    "range-no-weekday": (override("company.business_hours.days", []), "at least one weekday"),
    "range-weekday": (override("company.business_hours.days", ["mon", "funday"]), "days"),
    "range-tickets-volume": (
        override(f"{SERVICE}.incidents_per_user_per_month", 100_000),
        "tickets per replication",
    ),
    "range-headcount": (override("company.current_team.sysadmin", 10**6), "current_team"),
    "range-credit-share": (
        override(f"{CONTRACT}.sla.credit_tiers", [{"below": 0.99, "credit_share": 2}]),
        "credit",
    ),
    "range-severity-share-sum": (override(f"{SEV}.share", 0.5), "severities"),
    "nan": (raw("company:\n  loaded_hourly_cost_eur: .nan\n", True), "loaded_hourly_cost_eur"),
    "infinity": (raw("company:\n  loaded_hourly_cost_eur: .inf\n", True), "loaded_hourly"),
    "minus-infinity": (raw("company:\n  wage_growth_per_year: -.inf\n", True), "wage_growth"),
    # -- keys and names ---------------------------------------------------------------------
    "unknown-key-top": (override("simulaton", {"runs": 5}), "unknown key"),
    "unknown-key-nested": (override("simulation.horizon", 5), "did you mean 'horizon_years'"),
    "unknown-coverage": (override(f"{CONTRACT}.coverage", "sometimes"), "coverage"),
    "unknown-sampling": (override("simulation.sampling", "magic"), "sampling"),
    "unknown-distribution": (
        override("company.on_costs_share", {"dist": "lognorml", "median": 1, "p95": 2}),
        "dist",
    ),
    "missing-required": (raw("company: {name: x}\n"), "required key is missing"),
    "no-scenarios": (override("scenarios", None), "scenarios"),
    "no-services": (override("services", None), "services"),
    "scenario-unknown-service": (
        override("scenarios.internal.sourcing", {"mail": "internal"}),
        "mail",
    ),
    "scenario-unknown-provider": (
        override("scenarios.external.sourcing.service_desk", "acme"),
        "acme",
    ),
    # -- distributions ----------------------------------------------------------------------
    "dist-p5-above-p95": (
        override("company.on_costs_share", {"dist": "lognormal", "p5": 0.5, "p95": 0.2}),
        "p5",
    ),
    "dist-min-above-max": (
        override("company.on_costs_share", {"dist": "pert", "min": 0.5, "mode": 0.4, "max": 0.2}),
        "min",
    ),
    "dist-mode-outside": (
        override("company.on_costs_share", {"dist": "triangular", "min": 0, "mode": 2, "max": 1}),
        "mode",
    ),
    "dist-zero-shape": (
        override(f"{SEV}.effort_hours", {"dist": "gamma", "shape": 0, "scale": 1}),
        "shape",
    ),
    "dist-zero-weibull": (
        override(f"{SEV}.effort_hours", {"dist": "weibull", "shape": 0, "scale": 1}),
        "shape",
    ),
    "dist-negative-sigma": (
        override(f"{SEV}.effort_hours", {"dist": "lognormal", "mu": 0, "sigma": -1}),
        "sigma",
    ),
    "dist-missing-parameter": (
        override(f"{SEV}.effort_hours", {"dist": "pert", "min": 1}),
        "missing parameter",
    ),
    "dist-overflow": (
        override(f"{SEV}.effort_hours", {"dist": "lognormal", "mu": 800, "sigma": 1}),
        "effort",
    ),
    "dist-negative-support-fee": (
        override(f"{CONTRACT}.fee_per_user_per_month_eur", {"dist": "normal", "mean": 10, "sd": 5}),
        "fee_per_user_per_month_eur",
    ),
    "dist-escalation-support": (
        override(
            "providers.msp.price_escalation_per_year",
            {"dist": "uniform", "min": -2, "max": 0.1},
        ),
        "price_escalation",
    ),
    "dist-probability-support": (
        override(f"{SERVICE}.key_person_share", {"dist": "uniform", "min": 0.5, "max": 1.5}),
        "key_person_share",
    ),
    "dist-as-text-garbage": (override("company.on_costs_share", "lognormal(oops"), "on_costs"),
    # -- sensitivity ------------------------------------------------------------------------
    "sensitivity-unknown-column": (
        override("sensitivity.output.column", "cost_npv_eru"),
        "sensitivity.output.column",
    ),
    "sensitivity-unknown-parameter": (
        override("sensitivity.parameters", ["company.no_such"]),
        "sensitivity.parameters",
    ),
    "sensitivity-bad-statistic": (override("sensitivity.output.statistic", "max"), "statistic"),
    "sensitivity-sobol-huge": (override("sensitivity.sobol_n", 2**30), "sobol_n"),
    # -- command lines ----------------------------------------------------------------------
    "cli-runs-zero": (argv("run", str(DEFAULT), "--runs", "0"), "--runs"),
    "cli-runs-negative": (argv("run", str(DEFAULT), "--runs", "-3"), "--runs"),
    "cli-runs-text": (argv("run", str(DEFAULT), "--runs", "many"), "--runs"),
    "cli-runs-float": (argv("run", str(DEFAULT), "--runs", "1e3"), "--runs"),
    "cli-runs-huge": (argv("run", str(DEFAULT), "--runs", str(10**15)), "--runs"),
    "cli-runs-memory": (argv("run", str(DEFAULT), "--runs", "90000"), "--runs"),
    "cli-jobs-zero": (argv("run", str(DEFAULT), "--jobs", "0"), "--jobs"),
    "cli-jobs-huge": (argv("run", str(DEFAULT), "--jobs", "4096"), "--jobs"),
    "cli-seed-negative": (argv("run", str(DEFAULT), "--seed", "-1"), "--seed"),
    "cli-seed-huge": (argv("run", str(DEFAULT), "--seed", str(2**70)), "--seed"),
    "cli-seed-text": (argv("run", str(DEFAULT), "--seed", "abc"), "--seed"),
    "cli-lang": (argv("run", str(DEFAULT), "--lang", "fr"), "--lang"),
    "cli-unknown-flag": (argv("run", str(DEFAULT), "--fast"), "--fast"),
    "cli-unknown-command": (argv("simulate", str(DEFAULT)), "simulate"),
    "cli-no-command": (argv(), "command"),
    "cli-missing-config": (argv("run"), "config"),
    "cli-unknown-scenario": (argv("run", str(DEFAULT), "--scenario", "cloud"), "--scenario"),
    "cli-scenario-twice": (
        argv(
            "run",
            str(DEFAULT),
            "--scenario",
            "internal",
            "--scenario",
            "internal",
            "--out",
            "{tmp}/o",
        ),
        "--scenario",
    ),
    "cli-out-is-file": (
        files({"f.txt": "x"}, "run", str(DEFAULT), "--out", "{tmp}/f.txt"),
        "--out",
    ),
    "cli-out-under-file": (
        files({"f.txt": "x"}, "run", str(DEFAULT), "--out", "{tmp}/f.txt/sub"),
        "--out",
    ),
    "cli-out-unwritable": (argv("run", str(DEFAULT), "--out", "/proc/itsim-results"), "--out"),
    "cli-out-foreign-folder": (
        files({"o/notes.docx": "x"}, "run", str(DEFAULT), "--out", "{tmp}/o"),
        "--out",
    ),
    "cli-out-earlier-run": (
        files(
            {"o/metadata.json": '{"itsim_version": "0.1.0"}', "o/report.pdf": "%PDF"},
            "run",
            str(DEFAULT),
            "--out",
            "{tmp}/o",
        ),
        "add --force",
    ),
    "cli-force-foreign-pdfs": (
        files({"o/board-minutes.pdf": "%PDF"}, "run", str(DEFAULT), "--out", "{tmp}/o", "--force"),
        "--out",
    ),
    "cli-sensitivity-no-section": (
        files(
            {"c.yaml": f"extends: {DEFAULT}\nsensitivity: null\n"}, "sensitivity", "{tmp}/c.yaml"
        ),
        "sensitivity",
    ),
    "cli-sensitivity-method": (argv("sensitivity", str(DEFAULT), "--method", "guess"), "--method"),
    "cli-init-exists": (files({"c.yaml": "name: mine\n"}, "init", "{tmp}/c.yaml"), "--force"),
    "cli-init-service": (argv("init", "{tmp}/n.yaml", "--services", "desk,mail"), "--services"),
    "cli-init-in-house": (
        argv("init", "{tmp}/n.yaml", "--services", "desk", "--in-house", "apps"),
        "--in-house",
    ),
    "cli-init-not-yaml": (argv("init", "{tmp}/n.txt"), ".yaml"),
    # -- results folders for `itsim report` -------------------------------------------------
    "report-missing-folder": (argv("report", "{tmp}/none"), "RESULTS_DIR"),
    "report-a-file": (files({"f.txt": "x"}, "report", "{tmp}/f.txt"), "RESULTS_DIR"),
    "report-no-metadata": (files({"r/x.txt": "x"}, "report", "{tmp}/r"), "metadata.json"),
    "report-garbage-json": (results_folder("garbage"), "metadata.json"),
    "report-foreign-json": (results_folder("foreign"), "metadata.json"),
    "report-json-list": (results_folder("list"), "metadata.json"),
    "report-missing-parquet": (results_folder("missing"), "replications.parquet"),
    "report-truncated-parquet": (results_folder("truncated"), "replications.parquet"),
}


def _run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse
        code = exc.code
    return code, capsys.readouterr().err


# Cases with several mistakes at once, and the lines they give (one per mistake).
SEVERAL_MISTAKES = {
    "yaml-empty": 4,  # company, services, staff, scenarios
    "yaml-comments-only": 4,
    "missing-required": 5,  # company.employees and .loaded_hourly_cost_eur, and the three
}


def assert_refused(code: int, err: str, fragment: str, count: int = 1) -> None:
    """Exit code 2 and `count` lines (one per mistake), the first naming what is wrong, no
    traceback."""
    lines = err.strip().splitlines()
    assert code == 2, f"exit {code}: {err!r}"
    assert len(lines) == count, f"expected {count} line(s), got {err!r}"
    for line in lines:
        assert line.startswith("itsim"), line
        assert "error:" in line, line
    assert "Traceback" not in err
    assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_is_refused_in_one_line(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    setup, fragment = CASES[case]
    args = setup(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    monkeypatch.chdir(tmp_path)
    code, err = _run_main(args, capsys)
    assert_refused(code, err, fragment, SEVERAL_MISTAKES.get(case, 1))
    after = sorted(p.name for p in tmp_path.rglob("*"))
    assert after == before, "nothing may be written"  # no results folder, no report folder


# -- inputs that could exhaust memory or time: a child process with limits -------------------

MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the child


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


RESOURCE_CASES: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "dev-zero": (lambda tmp: ["validate", "/dev/zero"], "not a device"),
    "dev-urandom": (lambda tmp: ["validate", "/dev/urandom"], "not a device"),
    "fifo": (lambda tmp: ["validate", str(_fifo(tmp))], "not a device"),
    "billion-laughs": (raw(billion_laughs()), "alias"),
    "deep-flow-nesting": (raw("a: " + "[" * 5000 + "]" * 5000 + "\n"), "nesting"),
    "deep-block-nesting": (
        raw("".join(f"{'  ' * i}k{i}:\n" for i in range(300)) + "  " * 300 + "v: 1\n"),
        "nesting",
    ),
    "huge-file": (raw("# " + "x" * 3_000_000 + "\n"), "at most"),
    "huge-line-of-numbers": (raw("a: [" + "1, " * 400_000 + "1]\n"), "at most"),
}


def _fifo(tmp: Path) -> Path:
    import os

    path = tmp / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("case", list(RESOURCE_CASES))
def test_resource_exhaustion_is_refused_quickly_with_bounded_memory(
    case: str, tmp_path: Path
) -> None:
    setup, fragment = RESOURCE_CASES[case]
    args = setup(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "simulation", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limited,
    )
    assert_refused(proc.returncode, proc.stderr, fragment)
    assert not (tmp_path / "results").exists()


# -- property: any mutation of a valid config is accepted or refused, one line per mistake ---

_TREE = load_tree(DEFAULT)[0]


def _paths(tree: Any, prefix: tuple = ()) -> list[tuple]:
    if isinstance(tree, dict):
        out = [prefix] if prefix else []
        for key, value in tree.items():
            out += _paths(value, (*prefix, key))
        return out
    if isinstance(tree, list):
        return [prefix, *(p for i, v in enumerate(tree) for p in _paths(v, (*prefix, i)))]
    return [prefix]


PATHS = _paths(_TREE)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["P1", "internal", "auto", "lognormal", "24x7", "pert", "mon"]),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.sampled_from(["dist", "min", "max", "mode", "p5", "p95", "median"]),
                    st.one_of(st.floats(-1e6, 1e6), st.sampled_from(["pert", "lognormal"])),
                    max_size=4),
)  # fmt: skip


def _mutate(tree: dict, path: tuple, value: Any, delete: bool) -> dict:
    """The tree with `path` set to `value` (or deleted); unchanged where an earlier mutation
    removed or replaced what the path walks through."""
    out = copy.deepcopy(tree)
    node: Any = out
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return out
    if delete and isinstance(node, dict):
        node.pop(path[-1], None)
    elif isinstance(node, dict) or (isinstance(node, list) and path[-1] < len(node)):
        node[path[-1]] = value
    return out


# derandomize: the same examples on every run (reproducible CI); explore more with
# `pytest tests/test_hostile.py -k mutated -p no:cacheprovider --hypothesis-seed=N`
@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(PATHS), VALUES, st.booleans()), min_size=1, max_size=3
    )
)
def test_mutated_configs_are_accepted_or_refused_in_one_line_per_mistake(mutations) -> None:
    tree = _TREE
    for path, value, delete in mutations:
        tree = _mutate(tree, path, value, delete)
    try:
        experiment = experiment_from_dict(tree, "mutated.yaml")
        check_output_column(experiment, "mutated.yaml")
    except ConfigError as exc:
        _assert_complete_lines(str(exc), exc.lines(), exc.one_line(), exc.omitted)
    else:
        assert experiment.simulation.runs >= 1
        assert all(math.isfinite(v) for v in _numbers(experiment.model_dump(warnings=False)))


def _assert_complete_lines(message: str, lines: list[str], first: str, omitted: int) -> None:
    """One complete line per mistake, each naming the file, its key path and the expectation;
    each once, at most MAX_ERROR_LINES and a last line counting those left out."""
    assert message.split("\n") == lines
    assert lines[0] == first
    assert len(lines) == len(set(lines)), "each mistake once"
    assert len(lines) <= MAX_ERROR_LINES + (1 if omitted else 0)
    for i, line in enumerate(lines):
        assert line.startswith("mutated.yaml: "), line
        assert "\r" not in line
        assert len(line) < 400, line
        if not (omitted and i == len(lines) - 1):  # the last may count those left out
            assert len(line.removeprefix("mutated.yaml: ").split(": ", 1)) == 2, line


def _numbers(tree: Any) -> list[float]:
    if isinstance(tree, dict):
        return [n for v in tree.values() for n in _numbers(v)]
    if isinstance(tree, list | tuple):
        return [n for v in tree for n in _numbers(v)]
    return [float(tree)] if isinstance(tree, int | float) and not isinstance(tree, bool) else []
