"""Each mechanism moves the outputs in the expected direction.

Pairs of runs differ in one parameter and share every random stream (common random numbers), so
a direction shows up in a handful of replications. Where the pairing makes the effect monotone
replication by replication, the test asserts it for every replication, not only on average.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from builders import base_tree, cost, counter, deep_update, run, with_provider

from simulation.model.ledger import CAT

AFFECTED = ("infrastructure", "business_applications")
DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


@pytest.fixture(scope="module")
def default_tree() -> dict:
    return yaml.safe_load(DEFAULT.read_text())


def outcomes(tree: dict, scenario: str, reps: int, measure) -> np.ndarray:
    return np.array([measure(run(tree, scenario, replication=r)) for r in range(reps)])


def paired(tree: dict, low: dict, high: dict, scenario: str, measure, reps: int = 6):
    """The measure under two variants of the tree, replication by replication."""
    a = outcomes(deep_update(tree, low), scenario, reps, measure)
    b = outcomes(deep_update(tree, high), scenario, reps, measure)
    return a, b


def busy_hours(result) -> float:
    return counter(result, "staff_hours_busy")


def mean_resolution(result, severity: int = 3) -> float:
    return counter(result, f"resolution_hours_total_p{severity}") / counter(
        result, f"incidents_p{severity}"
    )


def total_cost(result) -> float:
    return float(result.costs.sum())


# -- staff turnover, vacancies, recruiting, onboarding ----------------------------------------


def test_turnover_raises_departures_vacancies_and_recruiting(default_tree):
    low = {"staff": {"turnover_rate_per_year": 0.02}}
    high = {"staff": {"turnover_rate_per_year": 0.4}}
    for name in ("departures", "vacancy_months"):
        a, b = paired(default_tree, low, high, "internal", lambda r, n=name: counter(r, n))
        assert b.mean() > 3 * max(a.mean(), 0.5), name
    a, b = paired(default_tree, low, high, "internal", lambda r: cost(r, "recruiting"))
    assert b.mean() > a.mean()


def test_longer_vacancies_slow_incident_work_and_save_salary(default_tree):
    base = {"staff": {"turnover_rate_per_year": 0.3}}
    low = deep_update(base, {"staff": {"time_to_fill_months": 1.0}})
    high = deep_update(base, {"staff": {"time_to_fill_months": 12.0}})
    a, b = paired(default_tree, low, high, "internal", lambda r: counter(r, "vacancy_months"))
    assert np.all(b >= a)
    assert b.mean() > 3 * a.mean()
    a, b = paired(default_tree, low, high, "internal", lambda r: cost(r, "personnel"))
    assert np.all(b <= a)
    a, b = paired(default_tree, low, high, "internal", lambda r: mean_resolution(r, 3))
    assert b.mean() > a.mean()


def test_onboarding_ramp_costs_capacity(default_tree):
    base = {"staff": {"turnover_rate_per_year": 0.4, "time_to_fill_months": 1.0}}
    low = deep_update(base, {"staff": {"new_hire_productivity": 1.0, "new_hire_knowledge": 0.85}})
    high = deep_update(base, {"staff": {"new_hire_productivity": 0.2, "new_hire_knowledge": 0.85}})
    a, b = paired(default_tree, low, high, "internal", busy_hours)
    assert b.mean() > a.mean()


def test_absence_slows_incident_work(default_tree):
    low = {"staff": {"vacation_days_per_year": 0.0, "sick_days_per_year": 0.0}}
    high = {"staff": {"vacation_days_per_year": 40.0, "sick_days_per_year": 30.0}}
    a, b = paired(default_tree, low, high, "internal", lambda r: mean_resolution(r, 3))
    assert b.mean() > 1.05 * a.mean()
    a, b = paired(default_tree, low, high, "internal", lambda r: counter(r, "improvement_hours"))
    assert np.all(b < a)


# -- knowledge decay, training, key persons ---------------------------------------------------


def test_knowledge_decay_raises_effort_outages_and_repair(default_tree):
    low = {"staff": {"knowledge_half_life_years": 50.0, "training_days_per_year": 0.0}}
    high = {"staff": {"knowledge_half_life_years": 0.5, "training_days_per_year": 0.0}}
    # service-specific half-lives would override the staff default: remove them
    for sid in default_tree["services"]:
        low = deep_update(low, {"services": {sid: {"knowledge_half_life_years": 50.0}}})
        high = deep_update(high, {"services": {sid: {"knowledge_half_life_years": 0.5}}})
    a, b = paired(default_tree, low, high, "internal", busy_hours)
    assert np.all(b > a)
    a, b = paired(default_tree, low, high, "internal", lambda r: float(r.downtime.sum()), reps=10)
    assert b.mean() > a.mean()
    a, b = paired(default_tree, low, high, "internal", lambda r: counter(r, "outages"), reps=10)
    assert b.sum() > a.sum()


def test_training_restores_knowledge_but_takes_time_and_money(default_tree):
    fast_decay = {"staff": {"knowledge_half_life_years": 1.0}}
    for sid in default_tree["services"]:
        fast_decay = deep_update(
            fast_decay, {"services": {sid: {"knowledge_half_life_years": 1.0}}}
        )
    low = deep_update(fast_decay, {"staff": {"training_days_per_year": 0.0}})
    high = deep_update(fast_decay, {"staff": {"training_days_per_year": 15.0}})
    # incident effort falls: busy hours spent on tickets, per ticket, drop
    a, b = paired(default_tree, low, high, "internal", busy_hours)
    assert b.mean() < a.mean()
    a, b = paired(default_tree, low, high, "internal", lambda r: cost(r, "training"))
    assert np.all(a == 0)
    assert np.all(b > 0)
    a, b = paired(default_tree, low, high, "internal", lambda r: counter(r, "training_days"))
    assert b.mean() > 0.9 * 15 * 6 * 5  # six people, five years (less vacancies)


def test_key_person_departure_hurts(default_tree):
    base = {"staff": {"turnover_rate_per_year": 0.3}}
    low, high = base, base
    for sid in default_tree["services"]:
        low = deep_update(low, {"services": {sid: {"key_person_share": 0.0}}})
        high = deep_update(high, {"services": {sid: {"key_person_share": 0.9}}})
    a, b = paired(default_tree, low, high, "internal", busy_hours, reps=8)
    assert np.all(b >= a - 1e-6)
    assert b.mean() > a.mean()


# -- incidents and coverage -------------------------------------------------------------------


def test_incident_volume_scales_with_users(default_tree):
    from simulation.config.distributions import parse_distribution

    def p3_per_month(desk_users: int) -> float:  # expected P3 tickets a month, all services
        total = 0.0
        for sid, service in default_tree["services"].items():
            users = desk_users if sid == "service_desk" else service.get("users", 150)
            rate = parse_distribution(service["incidents_per_user_per_month"]).mean
            total += users * rate * service["severities"]["P3"]["share"]
        return total

    a, b = paired(
        default_tree,
        {"services": {"service_desk": {"users": 100}}},
        {"services": {"service_desk": {"users": 200}}},
        "external",
        lambda r: counter(r, "incidents_p3"),
        reps=20,
    )
    # 20 x ~5,000 P3 tickets: the ratio of Poisson means is known to about 1%
    assert b.mean() / a.mean() == pytest.approx(p3_per_month(200) / p3_per_month(100), rel=0.03)


def test_more_staff_shortens_queues(default_tree):
    rest = {"sysadmin": 2, "app_specialist": 2}
    small = {"scenarios": {"internal": {"team": {"roles": {"service_desk_agent": 1, **rest}}}}}
    large = {"scenarios": {"internal": {"team": {"roles": {"service_desk_agent": 3, **rest}}}}}
    a, b = paired(default_tree, small, large, "internal", lambda r: mean_resolution(r, 4))
    assert np.all(b < a)


def test_on_call_and_24x7_cut_night_outage_downtime():
    # One internal service with outages at any hour; repairs wait for coverage.
    outages = {"mtbf_hours": 200.0, "repair_hours": 2.0}
    tree = base_tree(
        services={"desk": {"outages": outages}},
        staff={"working_hours_per_week": 40.0},
        scenarios={"internal": {"team": {"roles": {"agent": 2}}}},
    )
    downtime = {}
    for coverage in ("business_hours", "on_call", "24x7"):
        variant = deep_update(tree, {"scenarios": {"internal": {"team": {"coverage": coverage}}}})
        downtime[coverage] = outcomes(variant, "internal", 4, lambda r: float(r.downtime.sum()))
    assert np.all(downtime["business_hours"] > downtime["on_call"])
    assert np.all(downtime["on_call"] >= downtime["24x7"])
    # business hours only: a night failure waits for the morning (mean wait of many hours)
    assert downtime["business_hours"].mean() > 3 * downtime["24x7"].mean()


def test_on_call_costs_allowances_and_callouts(default_tree):
    low = {"scenarios": {"internal": {"team": {"coverage": "business_hours"}}}}
    high = {"scenarios": {"internal": {"team": {"coverage": "on_call"}}}}
    a, b = paired(default_tree, low, high, "internal", lambda r: cost(r, "on_call"), reps=2)
    assert np.all(a == 0)
    assert np.all(b > 0)
    a, b = paired(default_tree, low, high, "internal", lambda r: counter(r, "on_call_callouts"))
    assert np.all(a == 0)
    assert b.sum() > 0


def test_severe_incidents_cost_more_user_hours(default_tree):
    def mix(p1: float) -> dict:
        rest = 1.0 - p1
        return {
            "services": {
                "service_desk": {
                    "severities": {
                        "P1": {"share": p1},
                        "P2": {"share": 0.09 * rest / 0.99},
                        "P3": {"share": 0.50 * rest / 0.99},
                        "P4": {"share": 0.40 * rest / 0.99},
                    }
                }
            }
        }

    a, b = paired(default_tree, mix(0.01), mix(0.1), "external", lambda r: cost(r, "downtime"))
    assert np.all(b > a)


# -- outages ----------------------------------------------------------------------------------


def test_outage_rate_and_repair_time_raise_downtime_and_its_cost(default_tree):
    no_security = {"providers": {"msp": {"security_incidents_per_year": 0.0}}}
    low = deep_update(
        no_security, {"services": {"infrastructure": {"outages": {"mtbf_hours": 4000}}}}
    )
    high = deep_update(
        no_security, {"services": {"infrastructure": {"outages": {"mtbf_hours": 1000}}}}
    )
    a, b = paired(default_tree, low, high, "hybrid", lambda r: float(r.downtime[1].sum()), reps=10)
    assert b.mean() > 2 * a.mean()
    low = {"services": {"business_applications": {"lost_margin_eur_per_hour": 0}}}
    high = {"services": {"business_applications": {"lost_margin_eur_per_hour": 5000}}}
    a, b = paired(default_tree, low, high, "hybrid", lambda r: cost(r, "lost_margin"), reps=4)
    assert np.all(a == 0)
    assert np.all(b >= 0)
    assert b.sum() > 0


# -- providers --------------------------------------------------------------------------------


def test_price_escalation_raises_fees(default_tree):
    low = {"providers": {"msp": {"price_escalation_per_year": 0.0}}}
    high = {"providers": {"msp": {"price_escalation_per_year": 0.1}}}
    a, b = paired(default_tree, low, high, "external", lambda r: cost(r, "provider_fees"), reps=3)
    # five years at 10%: fees of years 2..5 grow by 1.1^k; ratio (1+1.1+...+1.1^4)/5 = 1.221
    assert np.all(b / a == pytest.approx(1.2210, rel=1e-3))


def test_provider_performance_drives_sla_breaches(default_tree):
    low = {"providers": {"msp": {"performance_factor": 1.0}}}
    high = {"providers": {"msp": {"performance_factor": 2.0}}}
    a, b = paired(default_tree, low, high, "external", lambda r: counter(r, "sla_breaches"))
    assert np.all(b > 2 * a)


def test_provider_failure_brings_transition_degradation_and_premium(default_tree):
    low = {"providers": {"msp": {"failure": {"annual_probability": 0.0}}}}
    high = {"providers": {"msp": {"failure": {"annual_probability": 0.6}}}}
    a, b = paired(default_tree, low, high, "external", lambda r: counter(r, "provider_failures"))
    assert np.all(a == 0)
    assert b.mean() > 2
    a, b = paired(default_tree, low, high, "external", lambda r: cost(r, "transition"))
    assert np.all(b >= a)
    assert b.mean() > a.mean()
    a, b = paired(default_tree, low, high, "external", lambda r: cost(r, "provider_fees"))
    assert np.all(b >= a - 1e-6)
    assert b.mean() > a.mean()
    a, b = paired(default_tree, low, high, "external", lambda r: counter(r, "sla_breaches"))
    assert b.mean() > a.mean()


def test_service_credits_are_negative_and_rarely_cover_the_loss(default_tree):
    results = [run(default_tree, "external", replication=r) for r in range(6)]
    credits = np.array([cost(r, "service_credits") for r in results])
    loss = np.array([cost(r, "downtime") + cost(r, "lost_margin") for r in results])
    assert np.all(credits <= 0)
    assert np.all(-credits < loss)


def test_vendor_management_takes_internal_time():
    tree = base_tree(
        staff={"working_hours_per_week": 40.0},
        roles={"agent": {"skills": ["desk", "vendor_management"], "annual_salary_eur": 60000.0}},
        scenarios={"internal": {"team": {"coverage": "business_hours"}}},
    )
    tree = with_provider(tree, {"vendor_management_hours_per_month": 20.0})
    result = run(tree)
    # 20 h a month for 60 months at 60,000 EUR / (40 h x 52.14 weeks): moved out of personnel
    expected = 20 * 60 * 60000 / (40 * 8760 / 168)
    assert cost(result, "vendor_management") == pytest.approx(expected, rel=0.02)
    assert counter(result, "staff_hours_busy") == pytest.approx(20 * 60, rel=0.02)
    assert cost(result, "personnel") + cost(result, "vendor_management") == pytest.approx(
        60000 * 5, rel=1e-9
    )


# -- security ---------------------------------------------------------------------------------


def test_security_incidents_depend_on_who_runs_security(default_tree):
    internal = {"security": {"incidents_per_year_internal": 2.0}}
    provider = {"providers": {"msp": {"security_incidents_per_year": 0.2}}}
    tree = deep_update(default_tree, deep_update(internal, provider))
    counts = {
        s: outcomes(tree, s, 10, lambda r: counter(r, "security_incidents"))
        for s in ("internal", "hybrid")
    }
    assert counts["internal"].sum() > 4 * counts["hybrid"].sum()
    # time change of the same unit-exponential stream: fewer events at the lower rate, always
    assert np.all(counts["hybrid"] <= counts["internal"])


def test_security_knowledge_raises_the_internal_rate(default_tree):
    base = {"security": {"incidents_per_year_internal": 1.0, "knowledge_effect": 3.0}}
    low = deep_update(
        base, {"services": {"security_operations": {"knowledge_half_life_years": 50}}}
    )
    high = deep_update(
        base, {"services": {"security_operations": {"knowledge_half_life_years": 0.3}}}
    )
    a, b = paired(
        default_tree, low, high, "internal", lambda r: counter(r, "security_incidents"), reps=10
    )
    assert np.all(b >= a)
    assert b.sum() > a.sum()


def test_security_incidents_take_services_down(default_tree):
    low = {"security": {"affected_services": {"infrastructure": 0.0, "business_applications": 0.0}}}
    high = {
        "security": {"affected_services": {"infrastructure": 1.0, "business_applications": 1.0}}
    }
    both = {"security": {"incidents_per_year_internal": 3.0}}
    a, b = paired(
        default_tree,
        deep_update(both, low),
        deep_update(both, high),
        "internal",
        lambda r: float(r.downtime.sum()),
    )
    assert np.all(b >= a)
    assert b.mean() > a.mean()


# -- the ledger -------------------------------------------------------------------------------


def test_personnel_cost_has_on_costs_and_raises():
    tree = base_tree(
        company={"on_costs_share": 0.25, "wage_growth_per_year": 0.1},
        roles={"agent": {"skills": ["desk"], "annual_salary_eur": 60000.0}},
        staff={"working_hours_per_week": 40.0},
        scenarios={"internal": {"team": {"coverage": "business_hours"}}},
    )
    result = run(tree)
    years = result.costs[CAT["personnel"]].reshape(5, 12).sum(axis=1)
    expected = 60000 * 1.25 * 1.1 ** np.arange(5)
    np.testing.assert_allclose(years, expected, rtol=1e-9)


def test_hardware_is_bought_at_each_refresh():
    tree = base_tree(
        services={
            "desk": {
                "internal_costs": {
                    "hardware_eur": 50000.0,
                    "refresh_years": 2,
                    "first_purchase_year": 0.5,
                    "licences_eur_per_user_per_month": 10.0,
                }
            }
        }
    )
    result = run(tree)
    hardware = result.costs[CAT["hardware"]]
    purchases = hardware[hardware > 0]
    assert np.flatnonzero(hardware > 0).tolist() == [6, 30, 54]  # months of years 0.5, 2.5, 4.5
    assert purchases.sum() == 150000.0
    # the last purchase is half a year old at the horizon: three quarters of it remain
    assert hardware[-1] == pytest.approx(-50000.0 * 0.75)
    assert cost(result, "licences") == pytest.approx(10.0 * 100 * 60)


def test_downtime_cost_is_users_times_hours_times_loss_times_hourly_cost():
    outages = {"mtbf_hours": 500.0, "repair_hours": 5.0, "productivity_loss": 0.5}
    tree = base_tree(
        services={"desk": {"outages": outages, "users": 40, "lost_margin_eur_per_hour": 100.0}},
        company={
            "business_hours": {
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "start_hour": 0,
                "end_hour": 24,
            }
        },
    )
    result = run(tree)
    hours = float(result.downtime.sum())
    assert hours > 0
    # all hours are business hours here: cost = hours x 40 users x 0.5 x 50 EUR x the share of
    # open hours a user is paid to work and present (40 h of 168, less 40 days of 365 away);
    # margin 100 EUR/h
    paid_share = 40 / 168 * (1 - 40 / (7 * 8760 / 168))
    expected = hours * 40 * 0.5 * 50.0 * paid_share
    assert cost(result, "downtime") == pytest.approx(expected, rel=1e-9)
    assert cost(result, "lost_margin") == pytest.approx(hours * 100.0, rel=1e-9)
