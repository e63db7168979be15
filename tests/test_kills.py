"""Killing real runs: nothing lost, nothing half-written, no worker left behind.

Real `itsim run` processes are signalled (SIGINT, SIGTERM, SIGKILL; the process alone or its
whole process group) at seeded random moments of start-up, simulation, figure drawing and report
writing. Afterwards the results folder must hold no file a reader would take as complete while
it is cut short, metadata.json must tell the truth about what the folder holds, the exit code
must be 130 (SIGINT) or 143 (SIGTERM) without a traceback, and no process of the killed session
may remain. Set ITSIM_KILL_SEED to try other moments.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from simulation.cli import main
from simulation.errors import ReplicationError
from simulation.montecarlo import runner, workers
from simulation.montecarlo.runner import RunPlan, chunk_bounds

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "default.yaml"
RUNS, JOBS = 6, 2
SCENARIOS = ("internal", "external", "hybrid")
SEED = os.environ.get("ITSIM_KILL_SEED", "itsim-kills-1")
SIGNALS = ("SIGINT", "SIGTERM", "SIGKILL")
EXIT_CODES = {"SIGINT": 130, "SIGTERM": 143, "SIGKILL": -signal.SIGKILL}
PNG_END = b"IEND\xaeB`\x82"
#: When each phase has begun, as seen from outside, and how long after it the signal may come.
PHASE_DELAY = {"startup": 1.2, "simulate": 1.5, "figures": 6.0, "report": 10.0}


@dataclass
class Kill:
    """One real run, signalled once; what it left behind."""

    phase: str
    sig: str
    target: str  # "process" or "group"
    out: Path
    delay: float = 0.0
    signalled: bool = False
    grace: float = 5.0  # how long processes of the session may remain after the run ended
    members_at_kill: int = 0  # processes of the session just before the signal
    returncode: int | None = None
    stderr: str = ""
    survivors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.sig} to the {self.target} {self.delay:.2f} s into {self.phase}"


def _command(out: Path, plots: bool = True) -> list[str]:
    command = [sys.executable, "-m", "simulation", "run", str(CONFIG), "--runs", str(RUNS)]
    command += ["--jobs", str(JOBS), "--no-structural", "--no-progress", "--out", str(out)]
    return command + ([] if plots else ["--no-plots"])


def _handles_sigterm(pid: int) -> bool:
    """Has the process installed its SIGTERM handler, i.e. has `itsim`'s main() begun?"""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) >> (signal.SIGTERM - 1) & 1)


def _phase_begun(kill: Kill, pid: int) -> bool:
    if kill.phase == "startup":
        return _handles_sigterm(pid)
    if kill.phase == "simulate":
        return (kill.out / ".parts").is_dir()
    if kill.phase == "figures":
        return kill.out.is_dir() and any(kill.out.glob("[!.]*.png"))
    return (kill.out / ".report.pdf.tmp").exists()


def _group_members(pgid: int) -> list[str]:
    """Processes (not zombies) whose process group is `pgid`, as 'pid state command'."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(f"{text[: text.rindex(')') + 1]} state {fields[0]}")
    return found


def _survivors(pgid: int, within: float = 5.0) -> list[str]:
    deadline = time.monotonic() + within
    while (members := _group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return members


def _execute(kill: Kill) -> Kill:
    """Start the run, wait for its phase, signal it after the case's delay, collect the end."""
    rng = random.Random(f"{SEED}-{kill.phase}-{kill.sig}-{kill.target}")
    kill.delay = rng.uniform(0.0, PHASE_DELAY[kill.phase])
    err = kill.out.with_name(kill.out.name + ".stderr")
    with err.open("w") as stderr:
        proc = subprocess.Popen(
            _command(kill.out),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240
        while not _phase_begun(kill, proc.pid) and proc.poll() is None:
            assert time.monotonic() < deadline, f"{kill}: phase never began"
            time.sleep(0.005)
        time.sleep(kill.delay)
        if proc.poll() is None:
            kill.members_at_kill = len(_group_members(proc.pid))
            send = os.killpg if kill.target == "group" else os.kill
            send(proc.pid, getattr(signal, kill.sig))
            kill.signalled = True
        kill.returncode = proc.wait(timeout=120)
        kill.survivors = _survivors(proc.pid, kill.grace)
    finally:
        if proc.poll() is None or _group_members(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)  # never leave a test's run behind
            proc.wait()
    kill.stderr = err.read_text()
    return kill


def _execute_all(kills: list[Kill]) -> list[Kill]:
    with ThreadPoolExecutor(len(kills)) as pool:
        return list(pool.map(_execute, kills))


# -- what a killed folder may hold ----------------------------------------------------------------


def _assert_readable(path: Path) -> None:
    """A file a reader would take as complete is complete."""
    suffix = path.suffix
    if suffix == ".parquet":
        pd.read_parquet(path)
    elif suffix == ".json":
        json.loads(path.read_text("utf-8"))
    elif suffix == ".csv":
        pd.read_csv(path)
    elif suffix == ".pdf":
        assert path.read_bytes().rstrip().endswith(b"%%EOF"), f"{path.name} is cut short"
    elif suffix == ".png":
        assert path.read_bytes().endswith(PNG_END), f"{path.name} is cut short"
    elif suffix == ".xlsx":
        import openpyxl

        openpyxl.load_workbook(path, read_only=True).close()


def _assert_whole_chunks(out: Path, reference: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """The replications held are whole chunks, equal to those of an uninterrupted run."""
    reps = pd.read_parquet(out / "replications.parquet")
    monthly = pd.read_parquet(out / "monthly.parquet")
    if reps.empty:  # stopped before a chunk was done
        assert monthly.empty
        return
    held = set(reps["replication"])
    for first, last in chunk_bounds(RUNS, JOBS):
        chunk = set(range(first, last))
        assert chunk <= held or not chunk & held, f"chunk {first}..{last - 1} held in part"
    ref_reps, ref_monthly = reference
    expected = ref_reps[ref_reps["replication"].isin(held)].reset_index(drop=True)
    pd.testing.assert_frame_equal(reps, expected, check_exact=True)
    expected = ref_monthly[ref_monthly["replication"].isin(held)].reset_index(drop=True)
    pd.testing.assert_frame_equal(monthly, expected, check_exact=True)


def _assert_folder(out: Path, reference: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    if not out.exists():
        return
    for path in sorted(out.rglob("*")):
        if path.is_dir():
            continue
        if path.name.startswith("."):
            assert ".tmp" in path.name, f"{path.name}: a hidden file that is not a temporary one"
            continue
        assert path.stat().st_size > 0, f"{path.name} is empty"
        _assert_readable(path)
    if not (out / "metadata.json").exists():
        assert not (out / "replications.parquet").exists()
        return
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    if meta["completed"]:
        reps = pd.read_parquet(out / "replications.parquet")
        assert len(reps) == RUNS * len(SCENARIOS)
        assert meta["replications_completed"] == dict.fromkeys(SCENARIOS, RUNS)
    if (out / "replications.parquet").exists():
        _assert_whole_chunks(out, reference)


def _assert_killed_well(kill: Kill, reference: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    assert not kill.survivors, f"{kill}: processes outlived the run: {kill.survivors}"
    assert "Traceback" not in kill.stderr, f"{kill}:\n{kill.stderr}"
    expected = EXIT_CODES[kill.sig] if kill.signalled else 0  # 0: it finished first
    assert kill.returncode == expected, f"{kill}: exit {kill.returncode}\n{kill.stderr}"
    _assert_folder(kill.out, reference)


@pytest.fixture(scope="module", autouse=True)
def _ctrl_c_reaches_the_runs():
    """A test run started in the background by a shell without job control ignores SIGINT,
    and so would every run it starts (an ignored signal stays ignored across exec). Ctrl-C at
    a terminal is what these tests model: the runs start with SIGINT at its default."""
    previous = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replications and monthly results of the same run, not interrupted."""
    out = tmp_path_factory.mktemp("kills") / "reference"
    subprocess.run(_command(out, plots=False), cwd=ROOT, check=True, capture_output=True)
    return pd.read_parquet(out / "replications.parquet"), pd.read_parquet(out / "monthly.parquet")


def _grid(tmp_path: Path, phase: str, cases: list[tuple[str, str]]) -> list[Kill]:
    return [Kill(phase, sig, target, tmp_path / f"{sig}-{target}") for sig, target in cases]


ALL_CASES = [(sig, target) for sig in SIGNALS for target in ("process", "group")]


@pytest.mark.parametrize("phase", ["startup", "simulate"])
def test_killed_while_starting_or_simulating(tmp_path, reference, phase):
    for kill in _execute_all(_grid(tmp_path, phase, ALL_CASES)):
        _assert_killed_well(kill, reference)


def test_killed_while_drawing_figures(tmp_path, reference):
    # no workers any more: the process alone or its group makes no difference but to the shell
    cases = [("SIGINT", "process"), ("SIGTERM", "group"), ("SIGKILL", "process")]
    for kill in _execute_all(_grid(tmp_path, "figures", cases)):
        _assert_killed_well(kill, reference)


@pytest.mark.slow
def test_killed_while_writing_the_report(tmp_path, reference):
    cases = [("SIGINT", "group"), ("SIGTERM", "process"), ("SIGKILL", "group")]
    for kill in _execute_all(_grid(tmp_path, "report", cases)):
        _assert_killed_well(kill, reference)


def test_workers_follow_a_parent_killed_by_sigkill(tmp_path):
    """SIGKILL to the parent alone, while its workers simulate: they exit within a second or
    so on their own (nobody is left to terminate them)."""
    kill = Kill("simulate", "SIGKILL", "process", tmp_path / "run", grace=1.5)
    kill = _execute(kill)
    assert kill.signalled
    assert kill.members_at_kill == 1 + JOBS, "the workers were not running"
    assert not kill.survivors, f"workers outlived their parent: {kill.survivors}"


# -- a replication that fails ---------------------------------------------------------------------


STALL_SECONDS = 60


def _failing_simulate(scenario: str, replication: int, stall: tuple[str, ...] = ()):
    """`simulate` failing in one replication and taking a minute in the `stall` scenarios'
    replications above it (workers patched too: they are forked)."""
    real = runner.simulate

    def simulate(resolved, streams):
        if resolved.name == scenario and streams.replication == replication:
            raise RuntimeError("boom\nin the model")
        if resolved.name in stall and streams.replication > replication:
            time.sleep(STALL_SECONDS)
        return real(resolved, streams)

    return simulate


def _dispositions() -> tuple[object, object, bool]:
    import threading

    watching = any(t.name == "itsim-parent-watch" for t in threading.enumerate())
    return signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM), watching


def _nothing() -> None:
    pass


def test_workers_leave_signals_to_the_parent_and_watch_it():
    with workers.worker_pool(1, _nothing, (), _dispositions, [()]) as futures:
        (future,) = futures
        sigint, sigterm, watching = future.result()
    assert sigint == signal.SIG_IGN  # Ctrl-C reaches the whole group; the parent decides
    assert sigterm == signal.SIG_DFL  # not the parent's handler: ends the worker quietly
    assert watching
    assert multiprocessing.active_children() == []


def test_a_failing_replication_names_scenario_replication_and_seed(monkeypatch):
    from simulation.config.loader import load_experiment

    monkeypatch.setattr(runner, "simulate", _failing_simulate("external", 2))
    plan = RunPlan(load_experiment(CONFIG), SCENARIOS, 4, 99)
    with pytest.raises(ReplicationError) as caught:
        runner.run_chunk(plan, plan.design(), 0, 4)
    message = str(caught.value)
    assert message == (
        "replication 2 of scenario 'external' (seed 99) failed: RuntimeError: boom in the model"
    )
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert str(pickle.loads(pickle.dumps(caught.value))) == message  # crosses processes


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_replication_stops_the_run(tmp_path, monkeypatch, capsys, reference, jobs):
    monkeypatch.setattr(runner, "simulate", _failing_simulate("hybrid", 3, stall=("internal",)))
    out = tmp_path / "failed"
    argv = ["run", str(CONFIG), "--runs", str(RUNS), "--jobs", str(jobs), "--no-progress"]
    started = time.monotonic()
    assert main([*argv, "--no-structural", "--out", str(out)]) == 1
    assert time.monotonic() - started < STALL_SECONDS / 4  # a stalled worker was not awaited
    assert multiprocessing.active_children() == []  # the workers were stopped, not left
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("itsim: error: replication 3 of scenario 'hybrid' (seed ")
    assert err[-1].endswith("failed: RuntimeError: boom in the model")
    assert not any("Traceback" in line for line in err)
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    assert meta["completed"] is False
    assert "replication 3 of scenario 'hybrid'" in meta["error"]
    assert 3 not in set(pd.read_parquet(out / "replications.parquet")["replication"])
    _assert_folder(out, reference)
    assert not (out / "summary.csv").exists()
    assert not list(out.glob("*.png"))


def test_a_failing_design_point_stops_the_others(monkeypatch):
    from simulation.config.loader import load_experiment

    experiment = load_experiment(CONFIG)
    monkeypatch.setattr(runner, "simulate", _failing_simulate("external", 1, stall=("hybrid",)))
    plans = [RunPlan(experiment, (name,), 4, 7) for name in ("hybrid", "external")]
    started = time.monotonic()
    with pytest.raises(ReplicationError, match=r"replication 1 of scenario 'external' \(seed 7\)"):
        runner.run_variants([(plan, plan.design()) for plan in plans], jobs=2)
    assert time.monotonic() - started < STALL_SECONDS / 4  # the stalled point was not awaited
    assert multiprocessing.active_children() == []
