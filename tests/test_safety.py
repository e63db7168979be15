"""Safe by construction: YAML never runs code, config strings are never evaluated, results are
never pickles, and `extends` reads only the YAML files a config names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulation.config.loader import load_tree
from simulation.errors import ConfigError

PACKAGE = Path(__file__).resolve().parents[1] / "simulation"
SOURCES = sorted(PACKAGE.rglob("*.py"))

FORBIDDEN = {
    r"\beval\(": "eval of strings",
    r"\bexec\(": "exec of strings",
    r"yaml\.(load|unsafe_load|full_load|load_all)\(": "an unsafe YAML loader",
    r"yaml\.(Loader|FullLoader|UnsafeLoader)\b": "an unsafe YAML loader class",
    r"\bpickle\b|to_pickle|read_pickle|\bjoblib\b|\bdill\b": "pickle files",
    r"\bmarshal\b|\bshelve\b": "code-bearing storage",
}


@pytest.mark.parametrize("pattern", list(FORBIDDEN))
def test_the_package_never_uses(pattern: str) -> None:
    hits = [
        f"{path.relative_to(PACKAGE.parent)}:{n}"
        for path in SOURCES
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(pattern, line) and not line.lstrip().startswith("#")
    ]
    assert not hits, f"{FORBIDDEN[pattern]} at {hits}"


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/apply:subprocess.call [['touch', '{marker}']]",
        "!!python/object/new:os.system ['touch {marker}']",
    ],
)
def test_a_python_tag_is_an_error_and_runs_nothing(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "pwned"
    config = tmp_path / "evil.yaml"
    config.write_text(f"name: {payload.format(marker=marker)}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not allowed"):
        load_tree(config)
    assert not marker.exists()


@pytest.mark.parametrize("target", ["/etc/passwd", "/etc/hostname", "/proc/self/environ"])
def test_extends_cannot_read_files_that_are_not_yaml(tmp_path: Path, target: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(f"extends: {target}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="a YAML file"):
        load_tree(config)


def test_a_results_folder_holds_no_pickles(tmp_path: Path) -> None:
    from simulation.cli import main

    out = tmp_path / "out"
    config = Path(__file__).resolve().parents[1] / "tests" / "baseline" / "experiment.yaml"
    argv = ["run", str(config), "--runs", "2", "--jobs", "1", "--out", str(out)]
    assert main([*argv, "--no-plots", "--no-progress", "--no-structural"]) == 0
    suffixes = {p.suffix for p in out.rglob("*") if p.is_file()}
    assert suffixes <= {".parquet", ".json", ".csv"}, suffixes
