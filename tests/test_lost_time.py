"""Users' lost time: closed forms for single and overlapping losses, workarounds, months, bound."""

from __future__ import annotations

import numpy as np
import pytest
from builders import base_tree, counter, run, spec_of

from simulation.model.calendar import HOURS_PER_MONTH, Calendar
from simulation.model.inputs import SeverityInput, model_input
from simulation.model.ledger import CAT, CNT
from simulation.model.lost_time import LossIntervals, lost_hours_by_month, ticket_losses
from simulation.verify import checks

ALWAYS = Calendar.always()


def losses(starts, ends, shares) -> LossIntervals:
    return LossIntervals(*(np.asarray(x, dtype=float) for x in (starts, ends, shares)))


def test_one_loss_is_users_times_share_times_open_hours():
    # Monday 09:00 to Tuesday 12:00: business hours 9..18 and 8..12 = 13 open hours.
    got = lost_hours_by_month(losses([9.0], [36.0], [0.3]), 200, Calendar(), 1)
    assert got.sum() == pytest.approx(200 * 0.3 * 13.0, rel=1e-12)


def test_overlapping_losses_combine_as_independent_shares():
    # Two company-wide losses of 50% and 40% at once leave 0.5 x 0.6 = 30% of the time.
    both = lost_hours_by_month(losses([0.0, 0.0], [10.0, 10.0], [0.5, 0.4]), 100, ALWAYS, 1)
    assert both.sum() == pytest.approx(100 * (1 - 0.5 * 0.6) * 10.0, rel=1e-12)
    # small losses of different users barely overlap: they add up
    small = lost_hours_by_month(losses([0.0] * 5, [10.0] * 5, [0.002] * 5), 100, ALWAYS, 1)
    assert small.sum() == pytest.approx(100 * 0.01 * 10.0, rel=0.01)


def test_a_loss_is_booked_in_the_months_it_is_open():
    start, end = HOURS_PER_MONTH - 100.0, HOURS_PER_MONTH + 30.0
    got = lost_hours_by_month(losses([start], [end], [1.0]), 10, ALWAYS, 3)
    np.testing.assert_allclose(got, [10 * 100.0 * (1 - 1e-12), 10 * 30.0 * (1 - 1e-12), 0.0])


def test_workaround_lowers_the_loss_to_the_residual():
    # arrival Monday 08:00, resolved Tuesday 18:00 (20 business hours); workaround after 4
    # business hours leaves 25% of the loss: 4 h at full loss + 16 h at a quarter.
    severity = SeverityInput(0.0, None, 10.0, 0.6, 4.0, 0.25)  # effort unused here
    severities = (severity,) * 4
    intervals = ticket_losses(
        severities, np.array([8.0]), np.array([0]), np.array([42.0]), 100, Calendar()
    )
    got = lost_hours_by_month(intervals, 100, Calendar(), 1).sum()
    per_hour = 100 * -np.expm1(np.log1p(-0.1 * 0.6))  # = 10 users x 0.6
    assert got == pytest.approx(per_hour * 4 + per_hour * 0.25 * 16, rel=1e-9)


@pytest.mark.parametrize("sourcing", ["internal", "provider"])
def test_user_hours_lost_never_exceed_what_users_are_paid_to_work(sourcing):
    # a company flooded with tickets (60 users affected by each) and outages: lost over paid
    # hours by replication and month (the suite's check `lost_time_bound` runs both sides)
    shares = checks.lost_time_shares(sourcing, replications=5)
    assert np.all(shares <= 1 + 1e-9)
    assert shares.max() > 0.9, "the test must saturate the company"
    (result,) = checks.lost_time_bound(sourcings=(sourcing,))
    assert result.passed, result


def test_paid_hours_share_follows_weekly_hours_and_presence():
    tree = base_tree(company={"working_hours_per_week": 40.0, "absence_days_per_year": 40.0})
    share = model_input(spec_of(tree)).user_hours_share
    assert share == pytest.approx(40 / 50 * (1 - 40 / (5 * 8760 / 168)), rel=1e-12)


def test_lost_time_is_valued_at_the_hourly_cost_with_wage_growth():
    outages = {"mtbf_hours": 500.0, "repair_hours": 20.0, "productivity_loss": 0.5}
    tree = base_tree(
        services={"desk": {"outages": outages}},
        company={"wage_growth_per_year": 0.05, "loaded_hourly_cost_eur": 40.0},
    )
    result = run(tree)
    months = np.arange(result.costs.shape[1])
    value = result.counters[CNT["user_hours_lost"]] * 40.0 * 1.05 ** (months // 12)
    np.testing.assert_allclose(result.costs[CAT["downtime"]], value, rtol=1e-12)
    assert counter(result, "user_hours_lost") > 0
