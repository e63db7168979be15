"""Write synthetic but realistic records of the reference company from known parameters.

    .venv/bin/python configs/examples/records/make_records.py

writes, next to this script, what a company considering outsourcing has at hand:

- tickets.csv: a ServiceNow-like incident export over two years (150 users, the four services
  of configs/default.yaml as assignment groups, priorities "1 - Critical" .. "5 - Planning",
  time worked as HH:MM:SS, tickets still open at the export without a resolution time);
- outages.csv: the outage log of infrastructure and business applications;
- hr.csv: every IT employee since the department was set up in 2015 (German dates, leave
  reasons, the date notice was given, whom a hire replaced);
- sla_reports.csv: a provider's monthly SLA reports for the four services (availability,
  outages, downtime, tickets, shares within the response and resolution targets).

Every number below is a known parameter the fitting tests recover (tests/test_fit_records.py).
Effort, repair times and failure rates are as the company's team records them today, at its
current knowledge; the config's values are at full knowledge (itsim fit divides accordingly).
The files are seeded: running the script again writes the same files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240917
HERE = Path(__file__).resolve().parent

START = pd.Timestamp("2023-01-01 00:00")  # first moment the ticket export covers
EXPORT = pd.Timestamp("2024-12-31 17:00")  # moment of the export
USERS = 150  # people using IT
HOURS_PER_MONTH = 730.0  # the model's month (365-day year / 12)
BUSINESS_DAYS = (0, 1, 2, 3, 4)  # Monday to Friday
BUSINESS_HOURS = (8, 18)  # local time, as configs/default.yaml

# tickets per user per month, share raised in business hours, severity mix
RATES = {
    "service_desk": 1.1,
    "infrastructure": 0.12,
    "security_operations": 0.04,
    "business_applications": 0.25,
}
BUSINESS_SHARE = {
    "service_desk": 0.88,
    "infrastructure": 0.75,
    "security_operations": 0.65,
    "business_applications": 0.92,
}
SEVERITY_SHARES = {
    "service_desk": (0.01, 0.08, 0.52, 0.39),
    "infrastructure": (0.04, 0.14, 0.45, 0.37),
    "security_operations": (0.06, 0.16, 0.40, 0.38),
    "business_applications": (0.02, 0.12, 0.50, 0.36),
}
# effort per ticket in hours as recorded: lognormal (median, sigma) by severity P1..P4
EFFORT = {
    "service_desk": ((3.0, 0.8), (1.6, 0.8), (0.8, 0.8), (0.35, 0.9)),
    "infrastructure": ((4.5, 0.8), (2.2, 0.8), (1.1, 0.8), (0.5, 0.9)),
    "security_operations": ((8.0, 0.9), (3.0, 0.8), (1.0, 0.8), (0.5, 0.9)),
    "business_applications": ((6.0, 0.8), (3.2, 0.8), (1.5, 0.8), (0.6, 0.9)),
}
# clock hours a ticket waits besides the work (queue, closed hours, the user): lognormal
WAIT = ((0.5, 1.0), (4.0, 1.0), (20.0, 1.0), (60.0, 1.0))
GROUPS = {
    "service_desk": "Service Desk",
    "infrastructure": "Infrastructure",
    "security_operations": "Security Operations",
    "business_applications": "Business Applications",
}
PRIORITIES = ("1 - Critical", "2 - High", "3 - Moderate", "4 - Low")
PLANNING_SHARE = 0.1  # share of P4 tickets filed as "5 - Planning"

# outages as recorded: mean hours up between outages, repair lognormal (median h, sigma)
OUTAGES = {
    "infrastructure": (1500.0, 3.0, 1.0),
    "business_applications": (3000.0, 5.0, 1.1),
}

HR_START = pd.Timestamp("2015-01-01")  # the IT department was set up then
POSTS = {
    "Service desk agent": 1,
    "System administrator": 2,
    "Security engineer": 1,
    "Application specialist": 2,
}
LEAVING_RATE = 0.10  # people leaving per person-year, for any reason
RESIGNATION_SHARE = 0.9  # of leavers; the others retire (resignations: 0.09 per person-year)
NOTICE_MONTHS = (1.0, 3.0)  # notice given this long before leaving (uniform)
TIME_TO_FILL = (5.0, 0.5)  # months from notice to the successor's start: lognormal (median, sigma)

PROVIDER = "Managed-service provider"
PROVIDER_TICKETS = {  # tickets per month the provider reports for the service
    "service_desk": 160,
    "infrastructure": 18,
    "security_operations": 6,
    "business_applications": 37,
}
PROVIDER_OUTAGES_PER_YEAR = {"infrastructure": 3.0, "business_applications": 2.0}
PROVIDER_REPAIR = (2.5, 0.9)  # hours per outage: lognormal (median, sigma)
RESPONSE_MET = 0.97  # share of tickets responded to within target
RESOLUTION_MET = 0.93  # share of tickets resolved within target


def business_slots(start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Every whole hour of [start, end) and whether it lies in business hours."""
    hours = pd.date_range(start, end, freq="h", inclusive="left")
    inside = np.isin(hours.day_of_week, BUSINESS_DAYS) & (hours.hour >= BUSINESS_HOURS[0])
    return hours, inside & (hours.hour < BUSINESS_HOURS[1])


def arrivals(rng: np.random.Generator, sid: str) -> pd.DatetimeIndex:
    """Ticket creation times of a service: Poisson count, business-hours share, uniform within."""
    hours, inside = business_slots(START, EXPORT)
    expected = RATES[sid] * USERS * len(hours) / HOURS_PER_MONTH
    n = rng.poisson(expected)
    in_business = rng.random(n) < BUSINESS_SHARE[sid]
    slots = np.where(
        in_business,
        rng.choice(np.flatnonzero(inside), n),
        rng.choice(np.flatnonzero(~inside), n),
    )
    seconds = rng.integers(0, 3600, n)
    return (hours[slots] + pd.to_timedelta(seconds, unit="s")).sort_values()


def duration_text(hours: np.ndarray) -> list[str]:
    """Hours as HH:MM:SS, as ServiceNow exports a duration."""
    seconds = np.round(hours * 3600).astype(int)
    return [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in seconds]


def service_tickets(rng: np.random.Generator, sid: str) -> pd.DataFrame:
    """One service's tickets with the columns of a ServiceNow incident export."""
    created = arrivals(rng, sid)
    n = len(created)
    severity = rng.choice(4, n, p=SEVERITY_SHARES[sid])
    median = np.array([EFFORT[sid][s][0] for s in severity])
    sigma = np.array([EFFORT[sid][s][1] for s in severity])
    effort = median * np.exp(sigma * rng.standard_normal(n))
    wait_median = np.array([WAIT[s][0] for s in severity])
    wait = wait_median * np.exp(np.array([WAIT[s][1] for s in severity]) * rng.standard_normal(n))
    resolved = created + pd.to_timedelta((effort + wait) * 3600, unit="s").round("s")
    open_ = resolved > EXPORT
    elapsed = (EXPORT - created) / pd.Timedelta(hours=1)
    logged = np.where(open_, effort * np.clip(elapsed / (effort + wait), 0, 1), effort)
    closed = resolved + pd.Timedelta(days=3)
    priority = np.array(PRIORITIES)[severity]
    planning = (severity == 3) & (rng.random(n) < PLANNING_SHARE)
    return pd.DataFrame(
        {
            "opened_at": created,
            "resolved_at": resolved.where(~open_),
            "closed_at": closed.where(closed <= EXPORT),
            "state": np.where(
                open_, "In Progress", np.where(closed <= EXPORT, "Closed", "Resolved")
            ),
            "priority": np.where(planning, "5 - Planning", priority),
            "assignment_group": GROUPS[sid],
            "caller_id": [f"u{c:03d}" for c in rng.integers(1, USERS + 1, n)],
            "time_worked": duration_text(logged),
        }
    )


def tickets(rng: np.random.Generator) -> pd.DataFrame:
    """All services' tickets in creation order, numbered as ServiceNow numbers incidents."""
    frame = pd.concat([service_tickets(rng, sid) for sid in RATES], ignore_index=True)
    frame = frame.sort_values("opened_at", kind="stable").reset_index(drop=True)
    frame.insert(0, "number", [f"INC{10001 + i:07d}" for i in range(len(frame))])
    for key in ("opened_at", "resolved_at", "closed_at"):
        frame[key] = frame[key].dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    return frame


def outages(rng: np.random.Generator) -> pd.DataFrame:
    """Failures after exponential times up; an outage not over at the export has no end."""
    rows = []
    for sid, (mtbf, median, sigma) in OUTAGES.items():
        t = START
        while True:
            t = t + pd.Timedelta(hours=rng.exponential(mtbf))
            if t >= EXPORT:
                break
            end = t + pd.Timedelta(hours=median * np.exp(sigma * rng.standard_normal()))
            rows.append(
                {"service": GROUPS[sid], "start": t, "end": end if end <= EXPORT else pd.NaT}
            )
            if end > EXPORT:
                break
            t = end
    frame = pd.DataFrame(rows).sort_values("start").reset_index(drop=True)
    frame.insert(0, "outage_id", [f"OUT-{i + 1:03d}" for i in range(len(frame))])
    for key in ("start", "end"):
        frame[key] = frame[key].dt.strftime("%Y-%m-%d %H:%M").fillna("")
    return frame


def people(rng: np.random.Generator) -> pd.DataFrame:
    """Each post's holders since 2015: exponential tenures, notice, a successor after a
    lognormal time to fill counted from the notice (a vacancy open at the export has none)."""
    rows: list[dict[str, object]] = []
    month = pd.Timedelta(hours=HOURS_PER_MONTH)
    for role, count in POSTS.items():
        for _ in range(count):
            start, replaces = HR_START + pd.Timedelta(days=int(rng.integers(0, 180))), ""
            while start < EXPORT:
                person = f"E{len(rows) + 1:03d}"
                leave = start + pd.Timedelta(days=365 * rng.exponential(1 / LEAVING_RATE))
                row = {
                    "employee_id": person,
                    "role": role,
                    "start_date": start,
                    "replaces": replaces,
                }
                rows.append(row)
                if leave >= EXPORT:
                    break
                resigned = rng.random() < RESIGNATION_SHARE
                notice = leave - rng.uniform(*NOTICE_MONTHS) * month
                row.update(
                    leave_date=leave,
                    leave_reason="resignation" if resigned else "retirement",
                    notice_date=notice,
                )
                fill = TIME_TO_FILL[0] * np.exp(TIME_TO_FILL[1] * rng.standard_normal())
                start, replaces = notice + fill * month, person
    frame = pd.DataFrame(rows)
    for key in ("start_date", "leave_date", "notice_date"):
        frame[key] = pd.to_datetime(frame[key]).dt.strftime("%d.%m.%Y").fillna("")
    frame["leave_reason"] = frame["leave_reason"].fillna("")
    columns = ["employee_id", "role", "start_date", "leave_date", "leave_reason", "notice_date"]
    return frame[[*columns, "replaces"]]


def sla_reports(rng: np.random.Generator) -> pd.DataFrame:
    """Monthly reports per service: outages and their downtime, availability over the month's
    hours, tickets and the shares within the response and resolution targets."""
    rows = []
    for month in pd.date_range(START, EXPORT, freq="MS"):
        hours = month.days_in_month * 24
        for sid, group in GROUPS.items():
            per_hour = PROVIDER_OUTAGES_PER_YEAR.get(sid, 0.0) / 8760.0
            count = rng.poisson(per_hour * hours)
            down = PROVIDER_REPAIR[0] * np.exp(PROVIDER_REPAIR[1] * rng.standard_normal(count))
            tickets_ = rng.poisson(PROVIDER_TICKETS[sid])
            response = rng.binomial(tickets_, RESPONSE_MET) / max(tickets_, 1)
            resolution = rng.binomial(tickets_, RESOLUTION_MET) / max(tickets_, 1)
            rows.append(
                {
                    "month": f"{month:%Y-%m}",
                    "provider": PROVIDER,
                    "service": group,
                    "availability": f"{100 * (1 - down.sum() / hours):.3f}%",
                    "outages": count,
                    "downtime_minutes": round(60 * down.sum()),
                    "tickets": tickets_,
                    "response_met": f"{100 * response:.1f}%",
                    "resolution_met": f"{100 * resolution:.1f}%",
                }
            )
    return pd.DataFrame(rows)


def main(folder: Path = HERE) -> None:
    """Write the four files into `folder` (next to this script by default)."""
    root = np.random.SeedSequence(SEED)
    streams = dict(zip(("tickets", "outages", "hr", "sla"), root.spawn(4), strict=True))
    rng = {name: np.random.default_rng(seq) for name, seq in streams.items()}
    tickets(rng["tickets"]).to_csv(folder / "tickets.csv", index=False)
    outages(rng["outages"]).to_csv(folder / "outages.csv", index=False)
    people(rng["hr"]).to_csv(folder / "hr.csv", index=False)
    sla_reports(rng["sla"]).to_csv(folder / "sla_reports.csv", index=False)


if __name__ == "__main__":
    main()
