"""People cover, change work, transitions, the horizon end and compliance: closed forms.

Each mechanism is checked against a value computed by hand (a fixed load, a known purchase
date, a known headcount) or against a Poisson law, on both sides where it applies to both.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import base_tree, cost, counter, quiet_severities, run, spec_of, with_provider

from simulation.config.distributions import LogNormal
from simulation.model.calendar import HOURS_PER_MONTH, Calendar
from simulation.model.inputs import model_input
from simulation.model.ledger import CAT, CNT


def test_hardware_residual_value_is_straight_line_over_the_refresh_cycle():
    # bought in years 1 and 4 of a 5-year horizon, 3-year refresh: the second purchase is one
    # year old at the horizon, so two thirds of it are still worth something.
    costs = {"hardware_eur": 90_000.0, "refresh_years": 3.0, "first_purchase_year": 1.0}
    result = run(base_tree(services={"desk": {"internal_costs": costs}}))
    hardware = result.costs[CAT["hardware"]]
    assert hardware.sum() == pytest.approx(2 * 90_000.0 - 90_000.0 * 2 / 3, rel=1e-12)
    assert hardware[-1] == pytest.approx(-60_000.0, rel=1e-12)


def test_contract_exit_cost_is_booked_at_the_horizon():
    tree = with_provider(base_tree(), {"exit_cost_eur": 25_000.0, "setup_cost_eur": 5_000.0})
    transition = run(tree).costs[CAT["transition"]]
    assert transition[0] == pytest.approx(5_000.0)
    assert transition[-1] == pytest.approx(25_000.0)
    assert transition.sum() == pytest.approx(30_000.0)


def change_tree(hours_per_year: float) -> dict:
    """No tickets: an in-house agent's whole working time is spare for change work."""
    return base_tree(
        services={"desk": {"change_hours_per_year": hours_per_year}},
        staff={"working_hours_per_week": 40.0},
        change={"unmet": "buy", "rate_eur_per_hour": 90.0, "deferral_cost_eur_per_hour": 50.0},
        scenarios={"internal": {"team": {"coverage": "business_hours"}}},
    )


def test_change_work_uses_spare_capacity_and_buys_the_rest():
    # one person, 40 h of a 50-h week: spare = open hours x 40/50 each month; demand 3,000 h a
    # year (250 a month) is more than a month's ~174 spare hours: the rest is bought at 90 EUR.
    result = run(change_tree(3000.0))
    spare = result.counters[CNT["improvement_hours"]]
    done = result.counters[CNT["change_hours_in_house"]]
    bought = result.counters[CNT["change_hours_bought"]]
    np.testing.assert_allclose(done, np.minimum(spare, 250.0))
    np.testing.assert_allclose(bought, 250.0 - done)
    assert (bought > 0).all()
    assert cost(result, "change_work") == pytest.approx(90.0 * bought.sum(), rel=1e-12)


def test_change_work_deferred_costs_its_deferral_rate_as_risk():
    tree = change_tree(3000.0)
    tree["change"]["unmet"] = "defer"
    result = run(tree)
    deferred = counter(result, "change_hours_deferred")
    assert deferred > 0
    assert cost(result, "change_work") == 0
    assert cost(result, "deferred_change") == pytest.approx(50.0 * deferred, rel=1e-12)


def test_a_provider_bills_change_work_at_its_rate():
    tree = with_provider(change_tree(1200.0), {"change_rate_eur_per_hour": 110.0})
    tree["providers"]["p"]["price_escalation_per_year"] = 0.0
    result = run(tree)
    assert cost(result, "change_work") == pytest.approx(1200.0 * 5 * 110.0, rel=1e-12)
    assert counter(result, "change_hours_bought") == pytest.approx(1200.0 * 5, rel=1e-12)


def test_posts_given_up_cost_dual_running_and_severance():
    # today: 3 agents; the provider scenario keeps none: each costs 2 months of dual running
    # and, for the 75% not transferred, 6 months' severance, at 60,000 EUR a year (+20%).
    tree = base_tree(
        company={"current_team": {"agent": 3}, "on_costs_share": 0.2},
        staff={"severance_months": 6.0, "transfer_share": 0.25, "dual_running_months": 2.0},
        roles={"agent": {"skills": ["desk"], "annual_salary_eur": 60_000.0}},
    )
    tree = with_provider(tree)
    tree["scenarios"]["internal"]["team"]["roles"] = {}
    monthly = 60_000.0 * 1.2 / 12
    expected = 3 * monthly * (2.0 + 0.75 * 6.0)
    assert model_input(spec_of(tree)).transition_staff_eur == pytest.approx(expected)
    assert run(tree).costs[CAT["transition"]][0] == pytest.approx(expected)


def test_knowledge_transfer_slows_a_provider_at_go_live():
    severities = quiet_severities(effort=1.0)
    tree = base_tree(
        services={"desk": {"incidents_per_user_per_month": 1.0, "severities": severities}}
    )
    plain = with_provider(tree, {"team": {"agents": 1}})
    slow = with_provider(
        tree, {"team": {"agents": 1}, "transition_months": 6.0, "transition_effort_factor": 1.5}
    )
    a, b = (run(t, detail=True).tickets for t in (plain, slow))
    work_a, work_b = (t["end"] - t["start"] for t in (a, b))
    early = a["time"] < 5 * HOURS_PER_MONTH  # well inside the transition
    late = a["time"] > 7 * HOURS_PER_MONTH
    np.testing.assert_allclose(np.nanmedian(work_b[early]), 1.5, rtol=1e-9)
    np.testing.assert_allclose(np.nanmedian(work_a[early]), 1.0, rtol=1e-9)
    np.testing.assert_allclose(np.nanmedian(work_b[late]), 1.0, rtol=1e-9)


def interim_tree(cover_months) -> dict:
    return base_tree(
        staff={
            "turnover_rate_per_year": 0.5,
            "time_to_fill_months": 6.0,
            "interim_cover_months": cover_months,
            "interim_day_rate_eur": 800.0,
        },
        scenarios={"internal": {"team": {"roles": {"agent": 4}}}},
    )


def test_interim_cover_fills_a_vacancy_after_its_lead_time_at_its_day_rate():
    # every vacancy lasts 6 months; cover after 1 month leaves 1 month empty and 5 covered
    covered = run(interim_tree(1.0))
    empty = run(interim_tree(None))
    departures = counter(covered, "departures")
    assert departures == counter(empty, "departures") > 0
    assert counter(covered, "vacancy_months") < 0.25 * counter(empty, "vacancy_months")
    interim = counter(covered, "interim_months")
    assert interim > 0
    calendar = Calendar()
    day_hours = calendar.open_hours_per_week / 5
    days_per_month = HOURS_PER_MONTH * calendar.open_hours_per_week / 168 / day_hours
    # the day rate for every working day of cover (months are equal twelfths of a year)
    assert cost(covered, "contractors") == pytest.approx(800.0 * interim * days_per_month, rel=0.01)
    assert cost(empty, "contractors") == 0


def emergency_tree(emergency) -> dict:
    """One agent who is often away (long sickness) and outages that need urgent repair."""
    outages = {"mtbf_hours": 200.0, "repair_hours": 3.0, "productivity_loss": 1.0}
    team = {"coverage": "business_hours", "emergency": emergency}
    return base_tree(
        services={"desk": {"outages": outages}},
        staff={
            "sick_days_per_year": 80.0,
            "sickness_episode_days": 15.0,
            "working_hours_per_week": 50.0,
        },
        scenarios={"internal": {"team": team}},
    )


@pytest.mark.parametrize("sourcing", ["internal", "provider"])
def test_emergency_contractor_repairs_when_nobody_with_the_skill_is_at_work(sourcing):
    cover = {"response_hours": 2.0, "hourly_rate_eur": 150.0, "knowledge": 1.0}
    with_cover, without = emergency_tree(cover), emergency_tree(None)
    if sourcing == "provider":
        team = {"agents": 1}
        with_cover = with_provider(
            with_cover, {"coverage": "business_hours", "team": team | {"emergency": cover}}
        )
        without = with_provider(without, {"coverage": "business_hours", "team": team})
    a, b = run(with_cover), run(without)
    assert a.downtime.sum() < 0.8 * b.downtime.sum()
    if sourcing == "internal":  # a provider's contractor is the provider's cost
        hours = counter(a, "emergency_hours")
        assert hours > 0
        assert hours == pytest.approx(3.0 * round(hours / 3.0))  # whole repairs of 3 hours
        assert cost(a, "contractors") == pytest.approx(150.0 * hours, rel=1e-12)


@pytest.mark.parametrize("sourcing", ["internal", "provider"])
def test_compliance_events_are_compound_poisson_at_the_sourced_rate(sourcing):
    loss = {"dist": "lognormal", "p5": 1000.0, "p95": 50_000.0}
    tree = base_tree(
        services={"desk": {"compliance_events_per_year": 0.5}}, compliance={"loss_eur": loss}
    )
    if sourcing == "provider":
        tree = with_provider(tree, {"compliance_events_per_year": 1.5})
    rate = 0.5 if sourcing == "internal" else 1.5
    counts, losses = [], []
    for r in range(300):
        result = run(tree, replication=r)
        counts.append(counter(result, "compliance_events"))
        losses.append(cost(result, "compliance_losses"))
    expected = rate * 5
    # Poisson mean 2.5 or 7.5 over 300 runs: SE 0.09 or 0.16 (3.7% / 2.1%); 4 SE bands
    assert np.mean(counts) == pytest.approx(expected, abs=4 * math.sqrt(expected / 300))
    mean_loss = LogNormal.from_interval(1000.0, 50_000.0).mean
    se = np.std(losses, ddof=1) / np.sqrt(len(losses))
    assert abs(np.mean(losses) - expected * mean_loss) < 4 * se
