"""One delivery model for both sides: the mirror property, urgency, seats, open outages.

The mirror property is the fairness guarantee of the model: a provider whose delivery team has
exactly the in-house team's capacity, skills, coverage, staff policy and knowledge gives the same
downtime, lost time and resolution times, replication by replication, so that the difference in
cost is the price alone.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import (
    base_tree,
    busy_tree,
    counter,
    mirrored,
    quiet_severities,
    run,
    with_provider,
)

from simulation.model.calendar import HOURS_PER_YEAR, Calendar
from simulation.verify import checks, theory


@pytest.mark.parametrize("coverage", ["business_hours", "on_call", "extended_hours", "24x7"])
def test_mirror_provider_with_the_in_house_team_gives_identical_outcomes(coverage):
    # the suite's check `mirror_property` runs all coverages at once; here one at a time, with
    # the quantities that differ named
    differ, totals = checks.mirror_mismatches(coverage, replications=3)
    assert differ == []
    assert totals["personnel_in_house"] > 0  # the price differs: salaries in house ...
    assert totals["personnel_provider"] == 0  # ... fees at the provider
    assert totals["risk_in_house"] > 0, "the mirror must be tested on a company that loses time"
    assert totals["interim_months"] > 0, "... and whose vacancies are covered by interims"


def test_mirror_check_reports_a_difference():
    # the check itself: a provider that differs in one respect is named as differing
    (result,) = checks.mirror_property(quick=True, coverages=("business_hours",))
    assert result.passed
    (planted,) = checks.mirror_property(
        quick=True, planted_error=1e-6, coverages=("business_hours",)
    )
    assert not planted.passed


def test_mirror_breaks_when_the_provider_knows_less():
    # The same team with less knowledge of the company's systems is slower: the mirror test
    # above would catch a model that treated the sides differently in code.
    tree = busy_tree("business_hours")
    provider = mirrored(tree, "business_hours")
    provider["providers"]["p"]["contracts"]["desk"]["team"]["staff"] = {"initial_knowledge": 0.4}
    a = [counter(run(tree, replication=r), "user_hours_lost") for r in range(3)]
    b = [counter(run(provider, replication=r), "user_hours_lost") for r in range(3)]
    assert all(y > x for x, y in zip(a, b, strict=True))


def urgency_tree(urgent: list[str]) -> dict:
    """One P1 ticket a week, arriving an hour before closing, 3 hours of work."""
    severities = quiet_severities(effort=3.0, share_p4=0.0)
    severities["P1"]["share"] = 1.0
    severities["P2"]["share"] = severities["P3"]["share"] = 0.0
    return base_tree(
        services={"desk": {"incidents_per_user_per_month": 0.02, "severities": severities}},
        staff={"working_hours_per_week": 50.0},
        scenarios={
            "internal": {"team": {"coverage": "business_hours", "urgent_severities": urgent}}
        },
    )


@pytest.mark.parametrize("sourcing", ["internal", "provider"])
def test_urgent_work_after_closing_is_an_explicit_choice(sourcing):
    def resolution(urgent):
        tree = urgency_tree(urgent)
        if sourcing == "provider":
            team = {"agents": 1, "urgent_severities": urgent}
            tree = with_provider(tree, {"coverage": "business_hours", "team": team})
        tickets = run(tree, detail=True).tickets
        done = ~np.isnan(tickets["end"])
        return tickets["end"][done] - tickets["start"][done]

    paced = resolution([])
    urgent = resolution(["P1"])
    # urgent: exactly the 3 hours of work from the start; otherwise it stops at closing
    # whenever it would run past it, so some tickets take overnight
    np.testing.assert_allclose(urgent, 3.0)
    assert (paced > 12.0).any()


def test_a_24x7_seat_is_never_empty_for_absence():
    # A seat staffed in shifts covers its holders' vacation and sickness: its working hours are
    # the whole clock. A business-hours person loses the absent share.
    staff = {"vacation_days_per_year": 30.0, "sick_days_per_year": 10.0}
    seat = base_tree(staff=staff, scenarios={"internal": {"team": {"roles": {"agent": 2}}}})
    available = counter(run(seat), "staff_hours_available")
    assert available == pytest.approx(2 * 5 * HOURS_PER_YEAR, rel=1e-9)


def test_an_outage_still_under_repair_at_the_horizon_is_booked_to_the_horizon():
    # A repair that cannot finish in time: the outage counts from its start to the horizon,
    # alike whoever delivers the service.
    outages = {"mtbf_hours": 2000.0, "repair_hours": 1e6, "productivity_loss": 1.0}
    tree = base_tree(services={"desk": {"outages": outages}})
    for variant in (tree, with_provider(tree)):
        result = run(variant, detail=True)
        first = float(result.outages["start"][0])
        assert result.downtime.sum() == pytest.approx(5 * HOURS_PER_YEAR - first, rel=1e-9)
        assert counter(result, "outages") == 1
        business = Calendar().open_hours_between(first, 5 * HOURS_PER_YEAR)
        assert counter(result, "user_hours_lost") == pytest.approx(
            100 * business * user_share(variant), rel=1e-9
        )


def user_share(tree: dict) -> float:
    """Paid working hours per open business hour of the tree's company (builders' defaults)."""
    from builders import spec_of

    from simulation.model.inputs import model_input

    return model_input(spec_of(tree)).user_hours_share


@pytest.mark.parametrize(("peak_queue", "servers"), [(0, 2), (10**6, 1)])
def test_peak_members_join_only_while_the_queue_is_long(peak_queue, servers):
    # One agent and one peak agent: with peak_queue 0 the peak agent takes every waiting job
    # (an M/M/2 queue), with an unreachable threshold never (M/M/1). Erlang C: lambda = 0.6,
    # mu = 1: Wq = C(c, a) / (c mu - lambda).
    severities = quiet_severities(effort={"dist": "exponential", "mean": 1.0})
    tree = base_tree(
        simulation={"horizon_years": 10},
        services={
            "desk": {"users": 438, "incidents_per_user_per_month": 1.0, "severities": severities}
        },
    )
    team = {"agents": 1, "peak_agents": 1, "peak_queue": peak_queue, "staffing": "seats"}
    tree = with_provider(tree, {"team": team})
    waits = []
    for r in range(5):
        tickets = run(tree, replication=r, detail=True).tickets
        waits.append(np.nanmean(tickets["start"] - tickets["time"]))
    lam = 438 / 730
    expected = theory.mmc_mean_wait(lam, 1.0, servers)
    # ~52k tickets per replication; measured over 6 replications, the SE of a replication's
    # mean wait is 3.6-4.3% of it, so the SE of the 5-run mean is below 2% and 6% is > 3 SE
    se = np.std(waits, ddof=1) / np.sqrt(len(waits))
    assert se < 0.025 * expected
    assert np.mean(waits) == pytest.approx(expected, rel=0.06)
