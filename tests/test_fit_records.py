"""Fitting a config from a company's records (simulation.fitting): reading exports, recovering
known parameters, and a fragment that merges over the reference config.

Requirement (issue 12): `fit_records` reads ticket exports (ServiceNow, Jira Service
Management, OTRS/Znuny, plain CSV or XLSX), outage logs, HR lists and SLA reports and writes a
YAML fragment whose every value is commented with its source, records, period, fit and prior.
An unusable record is one line naming file, row and column. The example records under
configs/examples/records are generated from known parameters (make_records.py), and fitting
them recovers those parameters within the fits' own stated uncertainty.
"""

from __future__ import annotations

import importlib.util
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from test_config import uncommented_numbers

from simulation.config.loader import load_config, load_tree
from simulation.config.scenario import central_values, resolve, scenario_spec
from simulation.errors import ConfigError
from simulation.fitting import FitSettings, RecordError, fit_records
from simulation.fitting.columns import detect_preset
from simulation.fitting.records import read_table

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"
RECORDS = ROOT / "configs" / "examples" / "records"
PATHS = {
    "tickets": RECORDS / "tickets.csv",
    "outages": RECORDS / "outages.csv",
    "hr": RECORDS / "hr.csv",
    "sla": RECORDS / "sla_reports.csv",
}
SEVERITIES = ("P1", "P2", "P3", "P4")
#: Level of the recovery checks: about 60 true values are each checked against the fit's own
#: interval; at 99.9% the chance that any one falls outside by chance is about 6%.
LEVEL = 0.999


def generator():
    """configs/examples/records/make_records.py as a module: the known parameters."""
    spec = importlib.util.spec_from_file_location("make_records", RECORDS / "make_records.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tree():
    return load_tree(DEFAULT)[0]


@pytest.fixture(scope="module")
def data_alone(tree):
    """The example records fitted without priors (the data's own uncertainty)."""
    return fit_records(PATHS, tree, settings=FitSettings(replicates=0, prior=False))


@pytest.fixture(scope="module")
def with_priors(tree):
    """The example records fitted as `itsim fit` would (priors from the config)."""
    return fit_records(PATHS, tree, settings=FitSettings(replicates=5))


def inside(interval: tuple[float, float], value: float) -> bool:
    return interval[0] <= value <= interval[1]


# -- the example records ----------------------------------------------------------------------


def test_example_records_are_the_scripts_output_and_small(tmp_path: Path) -> None:
    generator().main(tmp_path)
    for path in PATHS.values():
        assert path.stat().st_size < 2_000_000
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_ticket_export_recovers_rates_shares_and_effort(data_alone) -> None:
    truth = generator()
    for sid, fit in data_alone.tickets.items():
        assert inside(fit.rate.interval(LEVEL), truth.RATES[sid]), sid
        assert inside(fit.business_hours.interval(LEVEL), truth.BUSINESS_SHARE[sid]), sid
        for i, sev in enumerate(SEVERITIES):
            assert inside(fit.mix.interval(sev, LEVEL), truth.SEVERITY_SHARES[sid][i]), (sid, sev)
            effort = fit.effort[sev]
            assert inside(effort.interval("median", LEVEL), truth.EFFORT[sid][i][0]), (sid, sev)
    assert set(data_alone.tickets) == set(truth.RATES)
    assert sum(f.effort["P3"].n_censored for f in data_alone.tickets.values()) > 0


def test_outages_staff_and_provider_reports_recover_their_parameters(data_alone) -> None:
    truth = generator()
    for sid, (mtbf, median, _) in truth.OUTAGES.items():
        fit = data_alone.outages[sid]
        assert inside(fit.rate.inverse_interval(1.0, LEVEL), mtbf), sid
        assert inside(fit.repair.interval("median", LEVEL), median), sid
    staff = data_alone.staff
    assert inside(staff.turnover.interval(LEVEL), truth.LEAVING_RATE * truth.RESIGNATION_SHARE)
    assert inside(staff.time_to_fill.interval("median", LEVEL), truth.TIME_TO_FILL[0])
    for (pid, sid), sla in data_alone.sla.items():
        assert pid == "msp"
        assert inside(sla.response.interval(LEVEL), truth.RESPONSE_MET), sid
        assert inside(sla.resolution.interval(LEVEL), truth.RESOLUTION_MET), sid


def test_the_fragment_merges_over_the_reference_and_runs(with_priors, tmp_path: Path) -> None:
    text = with_priors.fragment_text(extends=str(DEFAULT))
    assert uncommented_numbers(text) == []
    path = tmp_path / "fitted.yaml"
    path.write_text(text, encoding="utf-8")
    experiment, _ = load_config(path)
    reference, _ = load_config(DEFAULT)
    desk = experiment.services["service_desk"]
    fitted = with_priors.tickets["service_desk"]
    assert desk.incidents_per_user_per_month.mean == pytest.approx(fitted.rate.mean, rel=1e-4)
    assert desk.severities["P1"].users_affected == 30  # merged key by key, nothing removed
    assert set(experiment.providers["msp"].contracts) == set(reference.providers["msp"].contracts)
    assert experiment.staff.turnover_rate_per_year.mean == pytest.approx(
        with_priors.staff.turnover.mean, rel=1e-4
    )
    spec = scenario_spec(experiment, "hybrid")
    assert resolve(spec, central_values(spec)) is not None


def test_every_value_says_where_it_comes_from(with_priors) -> None:
    comments = with_priors.comments()
    rate = comments["services.service_desk.incidents_per_user_per_month"]
    for part in ("tickets.csv", "3,920 tickets", "2023-01-01..2024-12-31", "150 users"):
        assert part in rate
    assert "prior: gamma with the mean and spread of the config's pert(min 0.5" in rate
    effort = comments["services.service_desk.severities.P3"]
    assert "lognormal by AIC" in effort
    assert "bootstrap p=" in effort
    assert "censored" in effort
    assert "divided by 1.150" in effort  # 1 + effort effect 1.0 x (1 - knowledge 0.85)
    mtbf = comments["services.infrastructure.outages.mtbf_hours"]
    assert "outages.csv" in mtbf
    assert "x1.075" in mtbf
    assert "6 resignations" in comments["staff.turnover_rate_per_year"]
    text = with_priors.fragment_text()
    assert "resolution time" in text
    assert "response within target" in text


def test_priors_pull_few_records_towards_the_config(with_priors, data_alone) -> None:
    """Six resignations in 56 person-years against the config's pert(3%, 5.5%, 15%): the
    posterior mean lies between the config's mean and the data's rate."""
    prior = with_priors.staff.turnover
    data = data_alone.staff.turnover
    config_mean = (0.03 + 4 * 0.055 + 0.15) / 6
    assert min(config_mean, data.mean) < prior.mean < max(config_mean, data.mean)
    assert prior.sd < data.sd
    fill = with_priors.staff.time_to_fill
    assert fill.pseudo.size == 10
    assert data_alone.staff.time_to_fill.pseudo.size == 0


# -- reading exports --------------------------------------------------------------------------


def write(tmp_path: Path, name: str, rows: list[dict[str, object]], sep: str = ",") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False, sep=sep)
    return path


def jira_rows() -> list[dict[str, object]]:
    return [
        {"Issue key": "SD-1", "Created": "2024-03-01 09:30", "Resolved": "2024-03-01 11:00",
         "Priority": "Highest", "Request Type": "Service Desk", "Time Spent": 3600},
        {"Issue key": "SD-2", "Created": "04.03.2024 10:15", "Resolved": "05.03.2024 08:00",
         "Priority": "Medium", "Request Type": "Service Desk", "Time Spent": 1800},
        {"Issue key": "SD-3", "Created": "2024-03-05T08:00:00Z", "Resolved": "",
         "Priority": "Low", "Request Type": "Infrastructure", "Time Spent": ""},
        {"Issue key": "SD-4", "Created": "06/Mar/24 2:30 PM", "Resolved": "07/03/2024 09:00",
         "Priority": "Lowest", "Request Type": "infrastructure", "Time Spent": 900},
    ]  # fmt: skip


def test_a_messy_export_reads_mixed_dates(tmp_path: Path) -> None:
    path = write(tmp_path, "jira.csv", jira_rows(), sep=";")
    result = fit_records({"tickets": path}, users=150, settings=FitSettings(replicates=0))
    frame = result.records["tickets"].frame
    assert result.records["tickets"].mapping.name == "jira"
    assert frame["created"].tolist() == list(
        pd.to_datetime(
            ["2024-03-01 09:30", "2024-03-04 10:15", "2024-03-05 09:00", "2024-03-06 14:30"]
        )
    )  # the UTC time in local (Berlin) time
    assert frame["severity"].tolist() == ["P1", "P3", "P4", "P4"]
    assert frame["effort_hours"].tolist()[:2] == [1.0, 0.5]
    assert frame["resolved"].isna().tolist() == [False, False, True, False]
    assert set(result.tickets) == {"service_desk", "infrastructure"}


def test_a_bad_row_is_one_line_naming_file_row_and_column(tmp_path: Path) -> None:
    rows = jira_rows()
    rows[2]["Created"] = "31.02.2024 10:00"
    path = write(tmp_path, "jira.csv", rows)
    with pytest.raises(RecordError) as caught:
        fit_records({"tickets": path}, users=150)
    error = caught.value
    assert (error.file, error.row, error.column) == (str(path), 4, "Created")
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"{path}: row 4, column 'Created': '31.02.2024 10:00' — expected ")
    # the same shape as a config error: "file: where: value — expected what"
    like = str(ConfigError(str(path), "row 4, column 'Created'", "31.02.2024 10:00", "x"))
    assert message.split(" — ")[0] == like.split(" — ")[0]


@pytest.mark.parametrize(
    ("change", "row", "column", "expected"),
    [
        ({"Priority": "Urgent"}, 3, "Priority", "a priority of the jira mapping"),
        ({"Request Type": "Facilities"}, 3, "Request Type", "a service of the config"),
        ({"Time Spent": "lots"}, 3, "Time Spent", "a duration"),
        ({"Issue key": "SD-1"}, 3, "Issue key", "a unique id (also on row 2)"),
        ({"Resolved": "2024-03-01 08:00"}, 3, "Resolved", "a time after creation"),
    ],
)
def test_unusable_records_are_named(tmp_path, tree, change, row, column, expected) -> None:
    rows = jira_rows()
    rows[1].update(change)
    path = write(tmp_path, "jira.csv", rows)
    with pytest.raises(RecordError, match=re.escape(expected)) as caught:
        fit_records({"tickets": path}, tree)
    assert (caught.value.row, caught.value.column) == (row, column)


def test_a_missing_column_names_the_field_and_the_mapping(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k != "Priority"} for r in jira_rows()]
    path = write(tmp_path, "jira.csv", rows)
    with pytest.raises(RecordError, match=r"no column for 'priority'.*columns\.priority") as caught:
        fit_records({"tickets": path}, users=150)
    assert caught.value.row is None
    assert caught.value.column == "priority"
    mapped = {"tickets": {"columns": {"priority": "Issue key"}, "priorities": {}}}
    with pytest.raises(RecordError, match="row 2, column 'Issue key': 'SD-1'"):
        fit_records({"tickets": path}, users=150, mapping=mapped)


@pytest.mark.parametrize(
    ("headers", "preset", "priority", "severity"),
    [
        (["number", "opened_at", "resolved_at", "priority", "assignment_group"], "servicenow",
         "1 - Critical", "P1"),
        (["Issue key", "Created", "Resolved", "Priority", "Request Type"], "jira", "High", "P2"),
        (["Ticket#", "Created", "Close Time", "Priority", "Queue"], "otrs", "5 very high", "P1"),
        (["Ticket#", "Created", "Close Time", "Priority", "Queue"], "otrs", "1 very low", "P4"),
        (["id", "created", "resolved", "priority", "service"], "plain", "P3", "P3"),
    ],
)  # fmt: skip
def test_presets_are_detected_by_header(tmp_path, headers, preset, priority, severity) -> None:
    assert detect_preset("tickets", headers).name == preset
    row = dict.fromkeys(headers, "")
    row.update({headers[1]: "2024-01-08 10:00", headers[3]: priority, headers[4]: "Service desk"})
    path = write(tmp_path, "export.csv", [row])
    result = fit_records({"tickets": path}, users=10, settings=FitSettings(replicates=0))
    assert result.records["tickets"].frame["severity"].tolist() == [severity]


def test_an_xlsx_export_reads_like_its_csv(tmp_path: Path) -> None:
    rows = jira_rows()
    csv_path = write(tmp_path, "jira.csv", rows)
    xlsx_path = tmp_path / "jira.xlsx"
    frame = pd.DataFrame(rows).astype(object)
    frame.loc[0, "Created"] = pd.Timestamp("2024-03-01 09:30")  # a real date cell
    frame.to_excel(xlsx_path, index=False)
    a = fit_records({"tickets": csv_path}, users=150, settings=FitSettings(replicates=0))
    b = fit_records({"tickets": xlsx_path}, users=150, settings=FitSettings(replicates=0))
    columns = ["created", "resolved", "service", "severity", "effort_hours"]
    pd.testing.assert_frame_equal(
        a.records["tickets"].frame[columns], b.records["tickets"].frame[columns]
    )
    assert read_table(xlsx_path)["Created"].iloc[0] == pd.Timestamp("2024-03-01 09:30")


def test_open_tickets_are_censored_at_the_export_not_dropped(tmp_path: Path) -> None:
    """Export at 2024-01-10 10:00: two tickets without a resolution and one resolved only
    afterwards are open then (censored at their age); one created afterwards is left out."""
    rows = [
        {"id": i, "created": f"2024-01-{1 + i:02d} 10:00", "priority": "P3", "service": "desk",
         "resolved": f"2024-01-{1 + i:02d} {11 + i}:00" if i < 5 else ""}
        for i in range(8)
    ]  # fmt: skip
    rows[5]["resolved"] = "2024-01-11 09:00"
    rows.append({"id": 8, "created": "2024-01-12 10:00", "priority": "P3", "service": "desk"})
    path = write(tmp_path, "plain.csv", rows)
    mapping = {"tickets": {"export": "2024-01-10 10:00"}}
    result = fit_records({"tickets": path}, users=10, mapping=mapping)
    assert result.records["tickets"].left_out == 1
    fit = result.tickets["desk"].resolution["P3"]
    assert fit.n == 8
    assert fit.n_censored == 3
    assert sorted(fit.values[fit.censored].tolist()) == [48.0, 72.0, 96.0]  # ages at the export
    assert "effort_hours kept from the config" in result.fragment_text()
    assert not any(k.endswith("effort_hours") for k in result.values())


def test_without_a_config_ids_come_from_names_and_users_are_needed(tmp_path: Path) -> None:
    path = write(tmp_path, "jira.csv", jira_rows())
    with pytest.raises(ValueError, match="number of users"):
        fit_records({"tickets": path})
    result = fit_records({"tickets": path}, users={"service_desk": 40, "infrastructure": 40})
    assert "Fitted without a config" in result.fragment_text()
    with pytest.raises(ValueError, match="unknown kind of records 'tickts'"):
        fit_records({"tickts": path})


def test_hr_list_counts_resignations_and_censors_open_vacancies(tmp_path: Path, tree) -> None:
    rows = [
        {"employee_id": "A", "role": "admin", "start_date": "01.01.2020",
         "leave_date": "30.06.2021", "leave_reason": "resignation", "notice_date": "31.03.2021",
         "replaces": ""},
        {"employee_id": "B", "role": "admin", "start_date": "01.09.2021", "leave_date": "",
         "leave_reason": "", "notice_date": "", "replaces": "A"},
        {"employee_id": "C", "role": "desk", "start_date": "01.01.2020",
         "leave_date": "31.12.2022", "leave_reason": "Retirement", "notice_date": "30.09.2022",
         "replaces": ""},
    ]  # fmt: skip
    path = write(tmp_path, "hr.csv", rows)
    mapping = {"hr": {"export": "2023-12-31"}}
    settings = FitSettings(replicates=0, prior=False)
    result = fit_records({"hr": path}, tree, mapping=mapping, settings=settings)
    staff = result.staff
    assert staff.turnover.events == 1  # the retirement ends exposure but is no resignation
    assert staff.turnover.exposure == pytest.approx((546 + 851 + 1095) / 365)
    vacancies = staff.vacancies.set_index("leaver_row")
    assert vacancies.loc[2, "filled"]
    # from the notice (31.03.2021) to the successor's start (01.09.2021)
    assert vacancies.loc[2, "months"] == pytest.approx(154 * 24 / 730)
    assert not vacancies.loc[4, "filled"]  # censored at the export
    assert vacancies.loc[4, "months"] == pytest.approx(457 * 24 / 730)


def test_outages_take_the_ticket_period_and_censor_an_ongoing_one(tmp_path: Path) -> None:
    tickets = [
        {"created": "2024-01-01 00:00", "priority": "P3", "service": "infra"},
        {"created": "2024-03-31 10:00", "priority": "P3", "service": "infra"},
    ]
    outages = [
        {"service": "infra", "start": "2024-02-01 10:00", "end": "2024-02-01 14:00"},
        {"service": "infra", "start": "2024-03-31 08:00", "end": ""},
    ]
    paths = {
        "tickets": write(tmp_path, "t.csv", tickets),
        "outages": write(tmp_path, "o.csv", outages),
    }
    result = fit_records(paths, users=10, settings=FitSettings(replicates=0))
    period = result.records["outages"]
    assert (period.start, period.export) == (
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-03-31 10:00"),
    )
    fit = result.outages["infra"]
    assert fit.rate.events == 2
    assert fit.downtime_hours == pytest.approx(4.0 + 2.0)
    assert fit.rate.exposure == pytest.approx(
        (period.export - period.start) / pd.Timedelta(hours=1) - 6.0
    )


def test_sla_reports_give_the_outage_rate_factor(tmp_path: Path) -> None:
    """Without a config: the factor's posterior is Gamma(1/2 + n, T x company rate), the
    company's rate being the posterior mean of its own outage log."""
    tickets = [{"created": "2024-01-01", "priority": "P3", "service": "infra"}]
    outages = [{"service": "infra", "start": f"2024-0{m}-10 10:00", "end": f"2024-0{m}-10 12:00"}
               for m in range(1, 7)]  # fmt: skip
    reports = [
        {"month": f"{m:02d}/2024", "provider": "msp", "service": "infra", "outages": m % 2,
         "downtime_minutes": 90 * (m % 2), "availability": "99.8%", "tickets": 100,
         "response_met": "95%", "resolution_met": "0.9"}
        for m in range(1, 7)
    ]  # fmt: skip
    paths = {
        "tickets": write(tmp_path, "t.csv", tickets),
        "outages": write(tmp_path, "o.csv", outages),
        "sla": write(tmp_path, "s.csv", reports),
    }
    mapping = {"tickets": {"export": "2024-07-01"}}
    result = fit_records(paths, users=10, mapping=mapping, settings=FitSettings(replicates=0))
    sla = result.sla[("msp", "infra")]
    company = result.outages["infra"].rate.mean
    hours = (31 + 29 + 31 + 30 + 31 + 30) * 24
    assert sla.outage_factor.shape == pytest.approx(0.5 + 3)
    assert sla.outage_factor.rate == pytest.approx(hours * company)
    assert sla.repair_mean_hours == pytest.approx(1.5)
    assert sla.response.successes == 570
    assert sla.resolution.trials == 600
    assert "providers.msp.contracts.infra.outage_rate_factor" in result.values()


def test_an_sla_report_of_an_unknown_provider_is_named(tmp_path: Path, tree) -> None:
    reports = [{"month": "2024-01", "provider": "Acme", "service": "Service Desk", "tickets": 5}]
    path = write(tmp_path, "s.csv", reports)
    with pytest.raises(RecordError, match="row 2, column 'provider': 'acme' — expected a provider"):
        fit_records({"sla": path}, tree)


def test_results_do_not_depend_on_the_order_of_kinds(tree) -> None:
    """Every fitted quantity draws from its own stream, keyed by its name."""
    settings = FitSettings(replicates=19)
    some = {"hr": PATHS["hr"], "outages": PATHS["outages"]}
    one = fit_records(some, tree, settings=settings)
    two = fit_records(dict(reversed(some.items())), tree, settings=settings)
    assert one.values() == two.values()
    assert one.comments() == two.comments()
    assert math.isfinite(one.outages["infrastructure"].repair.gof_pvalue)
