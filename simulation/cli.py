"""The `itsim` command line: run experiments, validate configs."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from simulation import __version__
from simulation.errors import NO_VALUE, ConfigError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
#: Replications per scenario at most (config `simulation.runs` has the same bound).
MAX_RUNS = 100_000
#: A seed must fit a signed 64-bit integer (Parquet, JSON readers).
MAX_SEED = 2**63 - 1


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) arrived: unwind like Ctrl-C, so that finished work is kept."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated(signum)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the usage is one `--help` away)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _int_between(minimum: int, maximum: int | None = None, why: str = ""):
    """An argparse type: a whole number in [minimum, maximum]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} must be at least {minimum}")
        top = maximum() if callable(maximum) else maximum
        if top is not None and value > top:
            raise argparse.ArgumentTypeError(f"{value:,} must be at most {top:,}{why}")
        return value

    return parse


_runs = _int_between(1, MAX_RUNS)
_jobs = _int_between(1, lambda: 4 * _cores(), " (4 × this machine's cores)")
_seed = _int_between(0, MAX_SEED)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="itsim",
        description="Monte Carlo cost and risk simulation of internal, external and hybrid IT.",
    )
    parser.add_argument("--version", action="version", version=f"itsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    _add_run(sub)
    _add_sensitivity(sub)
    _add_report(sub)
    _add_verify(sub)
    _add_init(sub)
    _add_fit(sub)
    validate = sub.add_parser("validate", help="check a config and list its uncertain parameters")
    validate.add_argument("config")
    return parser


def _add_run(sub) -> None:
    """The `itsim run` command and its options."""
    run = sub.add_parser("run", help="run an experiment and write results")
    run.add_argument("config", help="YAML config, e.g. configs/default.yaml")
    run.add_argument(
        "--runs", type=_runs, help="replications per scenario (config: simulation.runs)"
    )
    run.add_argument("--seed", type=_seed, help="master seed (config: simulation.seed)")
    run.add_argument("--jobs", type=_jobs, help="worker processes (default: all cores)")
    _executor_arguments(run)
    run.add_argument("--out", help="results folder (default: results/<config name>)")
    run.add_argument(
        "--force", action="store_true", help="replace the earlier results in the results folder"
    )
    run.add_argument(
        "--resume",
        action="store_true",
        help="finish the interrupted run in the results folder (same config, seed, runs)",
    )
    run.add_argument(
        "--scenario", action="append", metavar="NAME", help="run only this scenario (repeatable)"
    )
    run.add_argument(
        "--precision",
        type=float,
        metavar="SHARE",
        help="stop once every mean is within ±SHARE (e.g. 0.01) and every pair is told apart "
        "or within ±SHARE",
    )
    run.add_argument(
        "--decision",
        action="store_true",
        help="stop once the cheapest option is settled at 95%% (two batches in a row)",
    )
    run.add_argument(
        "--max-runs", type=int, help="cap for --precision/--decision (default: 10 × runs)"
    )
    run.add_argument(
        "--batch", type=int, default=100, help="replications between looks (default: 100)"
    )
    run.add_argument("--lang", choices=("en", "de"), default="en", help="language of plots")
    run.add_argument(
        "--no-plots", action="store_true", help="skip the figures and reports (data and table only)"
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument(
        "--no-structural",
        action="store_true",
        help="skip what would change the answer (structural variants and break-even)",
    )


def _add_sensitivity(sub) -> None:
    """The `itsim sensitivity` command and its options."""
    sens = sub.add_parser(
        "sensitivity", help="which assumption changes the answer: tornado, Sobol, break-even"
    )
    sens.add_argument("config", help="YAML config with a `sensitivity` section")
    sens.add_argument("--runs", type=_runs, help="replications per design point")
    sens.add_argument("--seed", type=_seed, help="master seed (config: simulation.seed)")
    sens.add_argument("--jobs", type=_jobs, help="worker processes (default: all cores)")
    _executor_arguments(sens)
    sens.add_argument("--out", help="results folder (default: results/<config name>/sensitivity)")
    sens.add_argument(
        "--force", action="store_true", help="replace the earlier results in the results folder"
    )
    sens.add_argument(
        "--method",
        action="append",
        choices=("tornado", "spider", "sobol", "delta", "break_even", "decision_map", "structural"),
        help="run only this method (repeatable; default: the config's list)",
    )
    sens.add_argument("--lang", choices=("en", "de"), default="en", help="language of figures")
    sens.add_argument("--no-plots", action="store_true", help="tables only")
    sens.add_argument("--no-progress", action="store_true", help="no progress bar")


def _add_report(sub) -> None:
    """The `itsim report` command and its options."""
    report = sub.add_parser(
        "report", help="figures, PDF report and Excel workbook of a results folder"
    )
    report.add_argument("results", help="a results folder written by `itsim run`")
    report.add_argument("--lang", choices=("en", "de"), default="en", help="language")
    report.add_argument("--out", help="where to write (default: the results folder)")
    report.add_argument("--no-progress", action="store_true", help="no progress bar")


def _add_verify(sub) -> None:
    """The `itsim verify` command and its options."""
    verify = sub.add_parser(
        "verify", help="check the model against theory on this machine (Erlang C, MTBF, ...)"
    )
    verify.add_argument(
        "--quick", action="store_true", help="fewer replications, looser tolerances (< 1 min)"
    )
    verify.add_argument("--jobs", type=_jobs, help="worker processes (default: all cores)")
    verify.add_argument(
        "--check", action="append", metavar="NAME", help="run only this check (repeatable)"
    )
    verify.add_argument(
        "--out", help="also write verify.csv and verify.json here (e.g. a results folder)"
    )
    verify.add_argument("--no-progress", action="store_true", help="no progress bar")


def _add_init(sub) -> None:
    """The `itsim init` command and its options."""
    init = sub.add_parser(
        "init", help="write a commented starting config for a company (validates and runs as is)"
    )
    init.add_argument("out", metavar="OUT", help="the config to write, e.g. configs/acme.yaml")
    init.add_argument(
        "--employees", type=_int_between(1, 1_000_000), help="people using IT (default: 150)"
    )
    init.add_argument(
        "--services",
        metavar="LIST",
        help="comma-separated: desk, infra, security, apps or service ids (default: all four)",
    )
    init.add_argument(
        "--in-house",
        metavar="LIST",
        help="services the mixed option runs in house (default: apps, as the reference's hybrid)",
    )
    init.add_argument(
        "--template",
        choices=("default", "minimal"),
        default="default",
        help="default: every section of configs/default.yaml; minimal: only keys without a default",
    )
    init.add_argument("--company", help="the company's name (default: Company)")
    init.add_argument("--force", action="store_true", help="replace OUT if it exists")


def _add_fit(sub) -> None:
    """The `itsim fit` command and its options."""
    fit = sub.add_parser(
        "fit", help="fit config values from the company's records (tickets, outages, HR, SLA)"
    )
    for kind, what in (
        ("tickets", "a ticket export (CSV/XLSX: ServiceNow, Jira, OTRS/Znuny or plain columns)"),
        ("outages", "an outage log (start, end, service)"),
        ("hr", "the HR list (person, role, start and leave dates, reason)"),
        ("sla", "the provider's monthly SLA reports"),
    ):
        fit.add_argument(f"--{kind}", metavar="FILE", action="append", default=[], help=what)
    fit.add_argument(
        "--config",
        default=None,
        help="the config the values are fitted for: its services, users, business hours, "
        "knowledge and ranges (combined with few records) (default: configs/default.yaml)",
    )
    fit.add_argument(
        "--mapping",
        metavar="YAML",
        help="column mapping per kind of record: {tickets: {preset: jira, columns: {...}}, ...}",
    )
    fit.add_argument("--users", type=_int_between(1, 1_000_000), help="users of every service")
    fit.add_argument(
        "--out",
        metavar="FRAGMENT",
        help="the fragment to write, e.g. configs/fitted.yaml: it extends the config and runs "
        "with `itsim run` (default: print it)",
    )
    fit.add_argument("--force", action="store_true", help="replace FRAGMENT if it exists")
    fit.add_argument("--seed", type=_seed, default=None, help="seed of the bootstrap refits")
    fit.add_argument(
        "--calibration-runs",
        type=_int_between(0, 1000),
        default=8,
        help="replications at each factor tried when the provider's performance factor is "
        "calibrated by the model on its SLA reports (0: do not calibrate)",
    )
    fit.add_argument(
        "--report",
        metavar="DIR",
        help="write the diagnostics (fit_report.pdf: data against each fit) into DIR",
    )
    fit.add_argument("--lang", choices=("en", "de"), default="en", help="language of the report")


def _executor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where replications run: local worker processes (default) or Dask distributed",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local Dask cluster)",
    )


def _workers(args: argparse.Namespace, jobs: int):
    """The executor of --executor/--scheduler with `jobs` workers (a local cluster's size)."""
    from simulation.montecarlo.executors import Workers

    if args.scheduler and args.executor != "dask":
        raise ConfigError(None, "--scheduler", args.scheduler, "--executor dask with it")
    if args.executor == "dask":
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise ConfigError(
                None, "--executor", "dask", "Dask installed: pip install 'itsim[dask]'"
            )
    return Workers(jobs, args.executor, args.scheduler)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `itsim` and `python -m simulation`; returns the exit code.

    Ctrl-C exits with 130 and SIGTERM/SIGHUP with 143, each with one line and no traceback;
    whatever had completed is kept (see `_run`).
    """
    try:
        _on_termination(_raise_terminated)
        return _dispatch(argv)
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        print(f"\nitsim: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    finally:
        _on_termination(signal.SIG_DFL)


def _on_termination(handler) -> None:
    """Install `handler` for SIGTERM and SIGHUP (only possible in the main thread)."""
    import threading

    if threading.current_thread() is threading.main_thread():
        for name in ("SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), handler)


def _dispatch(argv: list[str] | None) -> int:
    from simulation.errors import ReplicationError

    args = build_parser().parse_args(argv)
    commands = {"run": _run, "report": _report, "sensitivity": _sensitivity, "verify": _verify}
    commands["init"] = _init
    commands["fit"] = _fit
    try:
        return commands.get(args.command, _validate)(args)
    except ConfigError as exc:  # one line per mistake (every mistake of a config at once)
        print("\n".join(f"itsim: error: {line}" for line in exc.lines()), file=sys.stderr)
        return EXIT_USAGE
    except ReplicationError as exc:  # the run stopped; its folder says completed: false
        print(f"\nitsim: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:  # disk full, a folder removed under a run: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"itsim: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR


def _interrupted(exc: KeyboardInterrupt) -> int:
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


def _sensitivity(args: argparse.Namespace) -> int:
    """Which assumption changes the answer: run the config's sensitivity methods, write tables,
    sensitivity.json and figures."""
    from tqdm import tqdm

    from simulation.analysis.sensitivity import planned_model_runs, run_sensitivity
    from simulation.config.variants import variant_experiments
    from simulation.montecarlo.runner import default_jobs
    from simulation.montecarlo.store import prepare_results_folder

    config_path = Path(args.config)
    experiment, tree = _load(config_path)
    settings = _sensitivity_settings(args, experiment, config_path)
    runs = args.runs or settings.runs
    seed = experiment.simulation.seed if args.seed is None else args.seed
    jobs = args.jobs or default_jobs()
    workers = _workers(args, jobs)
    out_dir = Path(args.out) if args.out else Path("results") / config_path.stem / "sensitivity"
    plan = planned_model_runs(experiment, settings, runs)
    prepare_results_folder(out_dir, args.force, "--out" if args.out else "results folder")
    total = sum(plan.values())
    print(
        f"itsim sensitivity: {runs} replications per design point, seed {seed}, {jobs} "
        f"worker{'s' if jobs > 1 else ''} -> {out_dir}",
        file=sys.stderr,
    )
    for method, count in plan.items():
        print(f"  {method}: {count:,} model runs", file=sys.stderr)
    print(f"  total: {total:,} model runs (replications)", file=sys.stderr)
    bar = tqdm(total=total, unit=" model runs", disable=args.no_progress, file=sys.stderr,
               desc="sensitivity", smoothing=0.05)  # fmt: skip
    done = [0]

    def on_progress(model_runs: int) -> None:
        done[0] += model_runs
        bar.set_postfix_str(_sensitivity_method(plan, done[0]), refresh=False)
        bar.update(model_runs)

    bar.set_postfix_str(_sensitivity_method(plan, 0))
    started = time.perf_counter()
    try:
        variants = None
        if settings.structural is not None and "structural" in plan:
            variants = variant_experiments(tree, settings.structural, str(config_path))
        result = run_sensitivity(
            experiment, settings, runs, seed, workers, on_progress=on_progress, variants=variants
        )
    except KeyboardInterrupt as exc:
        bar.close()
        print("\nitsim: interrupted; nothing written", file=sys.stderr)
        return _interrupted(exc)
    bar.close()
    meta = _sensitivity_meta(config_path, experiment, tree, settings, result, plan, seed, runs)
    meta["wall_seconds"] = round(time.perf_counter() - started, 2)
    written = _write_sensitivity(out_dir, result, meta)
    _print_sensitivity(result, settings)
    if not args.no_plots:
        from datetime import UTC, datetime

        from simulation.reporting.plots import FigureContext
        from simulation.reporting.sensitivity_plots import write_sensitivity_figures

        meta["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        ctx = FigureContext.from_metadata(meta, args.lang)
        figures = write_sensitivity_figures(result, ctx, out_dir, settings)
        written += [p for f in figures.values() for p in f.paths]
    print(f"\nwritten to {out_dir}/: " + ", ".join(p.name for p in written))
    return EXIT_OK


#: The order in which `run_sensitivity` runs the methods (whatever the config's order).
_SENSITIVITY_ORDER = (
    "tornado",
    "spider",
    "sobol",
    "delta",
    "break_even",
    "decision_map",
    "structural",
)


def _sensitivity_method(plan: dict[str, int], done: int) -> str:
    """The method running once `done` of the planned model runs (`planned_model_runs`, exact
    counts) are complete: the methods run one after another in `_SENSITIVITY_ORDER`."""
    known = [m for m in _SENSITIVITY_ORDER if m in plan]
    for method in [*known, *(m for m in plan if m not in known)]:
        if done < plan[method]:
            return method.replace("_", "-")
        done -= plan[method]
    return "done"


def _sensitivity_settings(args: argparse.Namespace, experiment, config_path: Path):
    """The config's sensitivity section, restricted to the methods named with --method."""
    settings = experiment.sensitivity
    if settings is None:
        raise ConfigError(
            str(config_path), "sensitivity", NO_VALUE,
            "a `sensitivity` section (see configs/default.yaml) is missing",
        )  # fmt: skip
    if not args.method:
        return settings
    settings = settings.model_copy(update={"methods": tuple(args.method)})
    for method in ("break_even", "decision_map", "structural"):
        if method in args.method and getattr(settings, method) is None:
            raise ConfigError(
                str(config_path), f"sensitivity.{method}", NO_VALUE,
                f"a `{method}` block for --method {method} is missing",
            )  # fmt: skip
    return settings


def _sensitivity_meta(config_path, experiment, tree, settings, result, plan, seed, runs) -> dict:
    """The content of sensitivity.json (provenance and what was run)."""
    from simulation.montecarlo.store import provenance

    return {
        **provenance(experiment, tree, config_path, list(experiment.scenarios), runs, seed),
        "output": result.output.__dict__,
        "methods": list(plan),
        "model_runs": plan,
        "break_even": result.flip,
        "structural_runs": result.structural_runs,
        "structural_variants": _variant_meta(settings),
    }


def _write_sensitivity(out_dir: Path, result, meta: dict) -> list[Path]:
    """The method tables as CSV, then sensitivity.json (each file whole or absent)."""
    import json

    from simulation.montecarlo.store import write_csv_atomic, write_json_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in _SENSITIVITY_ORDER:
        table = getattr(result, name)
        if table is not None:
            write_csv_atomic(out_dir / f"{name}.csv", table)
            written.append(out_dir / f"{name}.csv")
    write_json_atomic(out_dir / "sensitivity.json", json.loads(json.dumps(meta, default=str)))
    return written


def _print_sensitivity(result, settings) -> None:
    if result.tornado is not None:
        print("\nLargest swings of", result.output.describe())
        for row in result.tornado.head(10).itertuples():
            print(f"  {row.parameter:70s} {row.swing:>14,.0f}")
    if result.flip is not None and settings.break_even is not None:
        flip = result.flip
        print(
            f"\nbreak-even of {settings.break_even.sweep.parameter}: {flip['break_even']:.4g} "
            f"(unclear between {flip['band_low']:.4g} and {flip['band_high']:.4g})"
        )


def _what_if(args, experiment, tree, out_dir, scenarios, runs, seed, jobs, metadata) -> None:
    """What would change the answer: the config's structural variants against the scenarios
    and its break-even sweep, each with `structural.runs` replications (`sensitivity.runs`
    without a structural block), at most the run's, on the run's seed; written next to the
    results for the report."""
    from tqdm import tqdm

    from simulation.analysis.sensitivity import ModelEvaluator, Output, sweep_model
    from simulation.analysis.structural import structural_grid
    from simulation.config.variants import variant_experiments
    from simulation.montecarlo.store import remove_whatif, write_whatif

    settings = experiment.sensitivity
    st = settings.structural if settings is not None else None
    be = settings.break_even if settings is not None else None
    be = be if be is not None and {be.a, be.b} <= set(scenarios) else None
    if args.no_structural or (st is None and be is None) or len(scenarios) < 2:
        remove_whatif(out_dir)
        return
    grid_runs = min(st.runs, runs) if st is not None else 0
    sweep_runs = min(st.runs if st is not None else settings.runs, runs)  # as many as the grid
    points = len(be.sweep.grid()) if be is not None else 0
    # a replication of a variant runs every scenario, one of a sweep point both options
    total = (len(st.variants) + 1) * grid_runs if st else 0
    bar = tqdm(
        total=total + points * sweep_runs,
        unit="replication",
        disable=args.no_progress,
        file=sys.stderr,
        desc="what would change the answer",
        smoothing=0.05,
    )
    meta = {
        "config_hash": metadata["config_hash"],
        "seed": seed,
        "variants": _variant_meta(settings),
    }
    grid = sweep = None
    if st is not None:
        variants = variant_experiments(tree, st, str(args.config))
        own = "label_de" if args.lang == "de" else "label"
        names = {v.name: getattr(v, own) or v.label or v.name for v in st.variants}
        left = dict.fromkeys(variants, grid_runs)  # replications to run, variants in order

        def on_variant(name: str, replications: int) -> None:
            left[name] -= replications  # variants start in order: the first unfinished runs
            running = next((v for v, n in left.items() if n > 0), name)
            bar.set_postfix_str(names.get(running, running), refresh=False)
            bar.update(replications)

        bar.set_postfix_str(next(iter(variants)))
        grid = structural_grid(variants, scenarios, grid_runs, seed, jobs, on_variant=on_variant)
        meta["runs"] = grid_runs
    if be is not None:
        pair = Output("difference", be.a, "cost_npv_eur", be.b)
        bar.set_postfix_str(f"break-even of {be.sweep.parameter.rsplit('.', 1)[-1]}")

        def on_model_runs(model_runs: int) -> None:  # a replication runs both options
            bar.update(model_runs // len(pair.scenarios))

        evaluator = ModelEvaluator(experiment, pair, sweep_runs, seed, jobs, False, on_model_runs)
        sweep, flip = sweep_model(evaluator, be.sweep.parameter, be.sweep.grid(), be.a, be.b)
        clean = {k: (v if v == v else None) for k, v in flip.items()}  # NaN -> null
        meta["break_even"] = {
            "parameter": be.sweep.parameter, "a": be.a, "b": be.b, "runs": sweep_runs, "flip": clean
        }  # fmt: skip
    bar.close()
    write_whatif(out_dir, grid, sweep, meta)


def _load(config: str | Path):
    """Load and validate a config, including what only the result layout can check."""
    from simulation.config.loader import load_config
    from simulation.montecarlo.store import check_output_column

    experiment, tree = load_config(config)
    check_output_column(experiment, str(config))
    return experiment, tree


def _kept(out_dir: Path) -> str:
    """What an interrupted run left in its folder, as metadata.json says."""
    import json

    from simulation.montecarlo.store import METADATA

    try:
        meta = json.loads((out_dir / METADATA).read_text("utf-8"))
    except (OSError, ValueError):
        return "nothing written"
    kept = sum((meta.get("replications_completed") or {}).values())
    kept_in = f"{kept:,} completed replications kept in {out_dir}"
    if meta.get("completed"):
        return f"{kept_in} (metadata.json: completed = true)"
    return (
        f"{kept_in} (metadata.json: completed = false); the same command with --resume finishes it"
    )


def _scenarios(named: list[str] | None, experiment, config_path: Path) -> tuple[str, ...]:
    """The scenarios to run: those named with --scenario (each once, all known), or all."""
    if not named:
        return tuple(experiment.scenarios)
    seen: set[str] = set()
    for name in named:
        if name not in experiment.scenarios:
            raise ConfigError(
                str(config_path),
                "--scenario",
                name,
                f"a scenario of the config ({', '.join(experiment.scenarios)})",
            )
        if name in seen:
            raise ConfigError(str(config_path), "--scenario", name, "each scenario named once")
        seen.add(name)
    return tuple(named)


def _variant_meta(settings) -> list[dict] | None:
    """The structural variants of a sensitivity section as plain data (for metadata files)."""
    if settings is None or settings.structural is None:
        return None
    return [v.model_dump(by_alias=True) for v in settings.structural.variants]


def _report(args: argparse.Namespace) -> int:
    from simulation.analysis.board import monthly_columns
    from simulation.montecarlo.store import check_writable_folder, read_results_checked
    from simulation.reporting.report import make_report

    results = Path(args.results)
    if (results / "sensitivity.json").is_file() and not (results / "replications.parquet").exists():
        return _report_sensitivity(args, results)
    frames = read_results_checked(results, monthly_columns)
    if args.out:  # a report replaces the earlier report of the same name
        check_writable_folder(Path(args.out), "--out")
    bar, on_progress = _report_progress(args.no_progress)
    try:
        written = make_report(results, args.lang, args.out, frames=frames, on_progress=on_progress)
    finally:
        bar.close()
    for path in written["paths"]:
        print(path)
    return EXIT_OK


def _report_sensitivity(args: argparse.Namespace, folder: Path) -> int:
    """`itsim report` of a folder written by `itsim sensitivity`: its figures and the
    sensitivity PDF in --lang, from its tables (nothing recomputed, the tables untouched); a
    foreign or broken folder is refused with one line before anything is written."""
    from simulation.montecarlo.store import check_writable_folder, read_sensitivity
    from simulation.reporting.sensitivity_report import make_sensitivity_report

    stored = read_sensitivity(folder)
    if args.out:
        check_writable_folder(Path(args.out), "--out")
    bar, on_progress = _report_progress(args.no_progress)
    try:
        written = make_sensitivity_report(
            folder, args.lang, args.out, on_progress=on_progress, stored=stored
        )
    finally:
        bar.close()
    for path in written["paths"]:
        print(path)
    return EXIT_OK


def _report_progress(no_progress: bool):
    """The bar of `make_report` on stderr: "report: figures 5/12" while the figures are drawn,
    with what is written meanwhile beside it (the workbook, a page of the PDF), then "report:
    pages" (or "report: workbook") once every figure is drawn. Returns the bar (to close) and
    the callback."""
    from tqdm import tqdm

    figures = "{desc} {n_fmt}/{total_fmt} |{bar:24}| [{elapsed}<{remaining}{postfix}]"
    start = {"desc": "report: analysis", "bar_format": "{desc} [{elapsed}]"}
    bar = tqdm(total=0, disable=no_progress, file=sys.stderr, **start)
    doing = [""]  # what is written besides the figures: "workbook", "page 3"

    def on_progress(step: str, done: int, total: int | None) -> None:
        if step == "figures" and done == 0:
            bar.bar_format = figures
            bar.set_description_str("report: figures", refresh=False)
            bar.reset(total=total)
        elif step == "figures":
            bar.update(done - bar.n)
            bar.refresh()  # every count shows, the last too, before the bar turns to pages
        elif step in ("pages", "workbook"):
            doing[0] = f"page {done}" if step == "pages" else "" if done else "workbook"
        else:
            bar.set_description_str(f"report: {step}", refresh=False)
        bar.set_postfix_str(doing[0], refresh=False)
        if doing[0] and bar.total and bar.n >= bar.total:  # every figure drawn
            bar.bar_format = "{desc} [{elapsed}{postfix}]"
            paging = doing[0].startswith("page")
            bar.set_description_str(f"report: {'pages' if paging else doing[0]}", refresh=False)
            bar.set_postfix_str(doing[0] if paging else "", refresh=False)
        bar.refresh()

    return bar, on_progress


def _verify(args: argparse.Namespace) -> int:
    """The validation suite: every check against its closed form; exit 1 if one fails."""
    from datetime import UTC, datetime

    from tqdm import tqdm

    from simulation.montecarlo.runner import default_jobs
    from simulation.montecarlo.store import check_writable_folder, versions, write_json_atomic
    from simulation.montecarlo.store import write_csv_atomic as write_csv
    from simulation.verify import check_names, format_table, run_checks, verify_table

    known = check_names()
    for name in args.check or []:
        if name not in known:
            raise ConfigError(None, "--check", name, f"one of {', '.join(known)}")
    out = Path(args.out) if args.out else None
    if out is not None:
        check_writable_folder(out, "--out")
    names = args.check or known
    jobs = args.jobs or default_jobs()
    mode = "quick" if args.quick else "full"
    print(f"itsim verify: {len(names)} checks ({mode}), {jobs} worker(s)", file=sys.stderr)
    bar = tqdm(total=len(names), unit="check", disable=args.no_progress, file=sys.stderr)
    started = time.perf_counter()
    results = run_checks(args.quick, jobs, args.check, lambda name: bar.update(1))
    bar.close()
    print(format_table(results))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        write_csv(out / "verify.csv", verify_table(results))
        meta = {
            "mode": mode,
            "checks": len(results),
            "passed": int(sum(bool(r.passed) for r in results)),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "wall_seconds": round(time.perf_counter() - started, 2),
            "versions": versions(),
        }
        write_json_atomic(out / "verify.json", meta)
        print(f"written to {out}/: verify.csv, verify.json", file=sys.stderr)
    return EXIT_OK if all(r.passed for r in results) else EXIT_ERROR


def _init(args: argparse.Namespace) -> int:
    """Write a starting config (see `simulation.config.init`); asks a few questions when run
    in a terminal without options."""
    from simulation.config.init import init_config, options_from, scenario_names, write_config

    given = [args.employees, args.services, args.in_house, args.company]
    if all(v is None for v in given) and sys.stdin.isatty() and sys.stdout.isatty():
        _ask_init(args)
    out = Path(args.out)
    if out.exists() and not args.force:  # refused before any question of the options
        write_config(out, "", force=False)
    options = options_from(
        employees=args.employees,
        services=args.services,
        in_house=args.in_house,
        template=args.template,
        company=args.company,
        file=out.name,
    )
    write_config(out, init_config(options), force=args.force)
    print(
        f"itsim init: wrote {out} ({options.template} template, {options.employees} employees, "
        f"{len(options.services)} services; scenarios {', '.join(scenario_names(options))})"
    )
    print(f"next: itsim validate {out}   then   itsim run {out} --runs 200")
    return EXIT_OK


def _fit(args: argparse.Namespace) -> int:
    """Fit config values from record files and write (or print) the commented fragment; an
    unusable record is one line naming file, row and column (exit 2), nothing written."""
    from simulation.config.init import write_config
    from simulation.config.loader import load_tree
    from simulation.config.yamlio import read_yaml
    from simulation.fitting.api import fit_records
    from simulation.fitting.settings import FitSettings

    paths = {k: getattr(args, k) for k in ("tickets", "outages", "hr", "sla") if getattr(args, k)}
    if not paths:
        raise ConfigError(None, "--tickets/--outages/--hr/--sla", NO_VALUE, "a record file")
    config = Path(args.config or Path(__file__).resolve().parents[1] / "configs" / "default.yaml")
    tree, _ = load_tree(config)
    mapping = read_yaml(args.mapping) if args.mapping else None
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not args.force:
        write_config(out, "", force=False)  # refused before the fitting
    settings = FitSettings(calibration_runs=args.calibration_runs)
    if args.seed is not None:
        settings = FitSettings(seed=args.seed, calibration_runs=args.calibration_runs)
    try:
        result = fit_records(paths, tree, mapping, args.users, settings)
    except ValueError as exc:  # a RecordError, no users for a service, an unknown kind
        print(f"itsim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if out is None:
        print(result.fragment_text(), end="")
    else:
        extends = Path(os.path.relpath(config.resolve(), out.resolve().parent)).as_posix()
        write_config(out, result.fragment_text(extends=extends), force=args.force)
        files = sum(map(len, paths.values()))
        print(f"itsim fit: wrote {out} ({len(result.values())} values from {files} files)")
    if args.report:
        from simulation.reporting.fit_report import write_fit_report

        folder = Path(args.report)
        folder.mkdir(parents=True, exist_ok=True)
        source = str(out or config)
        written = write_fit_report(result, folder, args.lang, source=source, base_tree=tree)
        print(f"report: {written['pdf']}", file=sys.stderr if out is None else sys.stdout)
    if out is not None:
        print(f"next: itsim validate {out}   then   itsim run {out} --runs 200")
    return EXIT_OK


def _ask_init(args: argparse.Namespace) -> None:
    """Ask for the options in a terminal, each with its default (Enter keeps it)."""

    def ask(question: str, default: str) -> str:
        answer = input(f"{question} [{default}]: ").strip()
        return answer or default

    employees = ask("Employees using IT", "150")
    try:
        args.employees = int(employees)
    except ValueError:
        raise ConfigError(None, "employees", employees, "a whole number") from None
    args.services = ask("Services (desk, infra, security, apps)", "desk,infra,security,apps")
    apps = any(name in ("apps", "business_applications") for name in args.services.split(","))
    in_house = ask("In house in the mixed option (none: no mix)", "apps" if apps else "none")
    args.in_house = "" if in_house == "none" else in_house
    args.company = ask("Company name", "Company")


def _validate(args: argparse.Namespace) -> int:
    from simulation.config.scenario import find_uncertain, scenario_spec

    experiment, _ = _load(args.config)
    print(
        f"{args.config}: valid — {len(experiment.scenarios)} scenarios, "
        f"{len(experiment.services)} services"
    )
    for name in experiment.scenarios:
        params = find_uncertain(scenario_spec(experiment, name))
        print(f"  {name}: {len(params)} uncertain parameters")
        roles = experiment.team_roles(name)
        if roles:
            auto = experiment.scenarios[name].team.roles == "auto"
            sized = " (sized by the rule)" if auto else ""
            team = ", ".join(f"{role} {n}" for role, n in roles.items())
            print(f"    in-house team{sized}: {team}")
        for path, unc in params:
            print(f"    {path}: {unc.dist!r}")
    return EXIT_OK


def _run_count(args: argparse.Namespace, configured: int) -> tuple[int, str]:
    """Replications to run (with --precision or --decision: the cap) and the flag or key that
    set them."""
    stopping = args.precision is not None or args.decision
    if args.max_runs is not None and not stopping:
        raise ConfigError(None, "--max-runs", args.max_runs, "--precision or --decision with it")
    if args.precision is not None and not 0 < args.precision < 1:
        raise ConfigError(None, "--precision", args.precision, "a share between 0 and 1, e.g. 0.01")
    if args.batch < 2:
        raise ConfigError(None, "--batch", args.batch, "at least 2 replications between looks")
    if not stopping:
        return (args.runs, "--runs") if args.runs else (configured, "simulation.runs")
    if args.max_runs is not None:
        if args.max_runs < 1:
            raise ConfigError(None, "--max-runs", args.max_runs, "at least 1 replication")
        return args.max_runs, "--max-runs"
    return 10 * (args.runs or configured), "--max-runs (default: 10 × runs)"


def _stop_rule(args: argparse.Namespace, scenarios: tuple[str, ...]):
    """The StopRule of --precision and --decision (None without either)."""
    if args.precision is None and not args.decision:
        return None
    from simulation.analysis.precision import decision_settled, precision_met, precision_table
    from simulation.montecarlo.runner import StopRule

    share = args.precision
    names = [f"precision {share:g}"] if share is not None else []
    names += ["decision"] if args.decision else []

    def check(rows) -> bool:
        if share is not None and not precision_met(precision_table(rows, scenarios), share):
            return False
        return not args.decision or decision_settled(rows, scenarios)[0]

    return StopRule(check, args.batch, " and ".join(names), confirm=2 if args.decision else 1)


def _precision(output, scenarios: tuple[str, ...], labels, lang: str) -> dict:
    """Print the precision the run reached and record it in metadata.json."""
    from simulation.analysis.precision import precision_table, recommendation_stability
    from simulation.montecarlo.store import update_metadata
    from simulation.reporting.precision_text import (
        precision_lines,
        precision_record,
        stop_line,
    )

    table = precision_table(output.replications, scenarios)
    means = table[table["kind"] == "mean"].set_index("a")["estimate"]
    leader = str(means.idxmin())
    stability = recommendation_stability(output.replications, scenarios)
    stop = output.metadata.get("stop")
    if stop:
        print(stop_line(stop, lang), file=sys.stderr)
    print("\n".join(precision_lines(table, stability, leader, labels, lang)), file=sys.stderr)
    record = precision_record(table, stability, leader)
    update_metadata(output.out_dir, precision=record)
    return {"precision": record}


def _prepare_out(args: argparse.Namespace, out_dir: Path) -> None:
    """A results folder for a new run (`--force` clears an earlier one), or with `--resume`
    the interrupted run in it (checked by the runner)."""
    from simulation.montecarlo.store import check_writable_folder, prepare_results_folder

    flag = "--out" if args.out else "results folder"
    if not args.resume:
        prepare_results_folder(out_dir, args.force, flag)
        return
    if args.force:
        raise ConfigError(None, "--resume", "--force", "one of --resume and --force, not both")
    check_writable_folder(out_dir, flag)


def _run(args: argparse.Namespace) -> int:
    import textwrap

    from tqdm import tqdm

    from simulation.analysis.summary import summary_table
    from simulation.montecarlo.runner import check_run_size, default_jobs, run_experiment
    from simulation.montecarlo.store import write_csv_atomic
    from simulation.reporting.tables import format_summary

    config_path = Path(args.config)
    experiment, tree = _load(config_path)
    settings = experiment.simulation
    runs, runs_flag = _run_count(args, settings.runs)
    seed = settings.seed if args.seed is None else args.seed
    jobs = args.jobs or default_jobs()
    scenarios = _scenarios(args.scenario, experiment, config_path)
    check_run_size(experiment, scenarios, runs, runs_flag)
    out_dir = Path(args.out) if args.out else Path("results") / config_path.stem
    _prepare_out(args, out_dir)
    labels = experiment.scenario_labels(scenarios, args.lang)
    print(
        f"itsim: {len(scenarios)} scenarios × {runs:,} replications, seed {seed}, "
        f"{jobs} worker{'s' if jobs > 1 else ''} -> {out_dir}",
        file=sys.stderr,
    )
    # a chunk of replications runs every scenario: the bar counts replications of them all
    simulating = textwrap.shorten("simulating " + ", ".join(labels.values()), 60, placeholder=" …")
    bar = tqdm(
        total=runs,
        unit="replication",
        disable=args.no_progress,
        file=sys.stderr,
        desc=simulating,
        smoothing=0.05,
    )
    command = " ".join(["itsim", *(sys.argv[1:] if sys.argv[0].endswith("itsim") else [])])
    try:
        output = run_experiment(
            experiment,
            tree,
            out_dir,
            config_path=config_path,
            runs=runs,
            seed=seed,
            jobs=_workers(args, jobs),
            scenarios=scenarios,
            on_progress=bar.update,
            command=command,
            resume=args.resume,
            stop=_stop_rule(args, scenarios),
        )
    except KeyboardInterrupt as exc:
        bar.close()
        print(f"\nitsim: interrupted; {_kept(out_dir)}", file=sys.stderr)
        return _interrupted(exc)
    bar.close()
    replications = output.replications
    wall = output.metadata["wall_seconds"]
    table = summary_table(replications, list(scenarios))
    write_csv_atomic(out_dir / "summary.csv", table, index=True)
    print(format_summary(table, labels, settings.horizon_years, args.lang))
    output.metadata.update(_precision(output, scenarios, labels, args.lang))
    try:
        grid_workers = _workers(args, jobs)
        _what_if(
            args, experiment, tree, out_dir, scenarios, runs, seed, grid_workers, output.metadata
        )
    except KeyboardInterrupt as exc:
        print("\nitsim: interrupted; the run's results are complete", file=sys.stderr)
        return _interrupted(exc)
    if not args.no_plots:
        from simulation.reporting.report import make_report

        frames = (output.replications, None, output.metadata)  # the report reads its columns
        bar, on_progress = _report_progress(args.no_progress)
        try:
            workers = min(jobs, _cores())  # drawing is CPU-bound: no more than the cores
            written = make_report(
                out_dir, args.lang, frames=frames, jobs=workers, on_progress=on_progress
            )
        finally:
            bar.close()
        print(f"report: {written['pdf']}, {written['xlsx']} and {len(written['figures'])} figures")
    print(
        f"results: {out_dir}/ (replications.parquet, monthly.parquet, metadata.json, "
        f"summary.csv) in {wall:,.1f} s"
    )
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
