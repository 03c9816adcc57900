#!/usr/bin/env python3
"""Deterministic demo events for ndj-dora: one quarter (13 weeks from
2026-01-05) of deployments, changes and incidents for four teams with
different stories: payments gets faster week by week, search is steady until
a bad last week, mobile ships weekly, data-platform deploys only now and
then (weeks without data). Usage: dora-demo-events.py [SEED] > events.ndjson"""
import json
import random
import signal
import sys
from datetime import datetime, timedelta, timezone

START = datetime(2026, 1, 5, tzinfo=timezone.utc)
WEEKS = 13
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
events = []


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def team_plan(team, week):
    """(deployments this week, median lead hours, failure probability)"""
    last = week == WEEKS - 1
    if team == "payments":
        return 6 + week // 2, 46 * 0.86 ** week, 0.12 - 0.007 * week
    if team == "search":
        return (14, 9.0, 0.30) if last else (16, 4.0, 0.03)
    if team == "mobile":
        return 1, 110.0 + rng.uniform(-20, 20), 0.15
    if team == "data-platform":
        return (0, 30.0, 0.1) if week % 3 == 1 or week in (5, 6) else (2, 30.0, 0.1)
    raise ValueError(team)


n = 0
for team in ["payments", "search", "mobile", "data-platform"]:
    service = team + "-api"
    for week in range(WEEKS):
        count, lead, fail_p = team_plan(team, week)
        for _ in range(count):
            n += 1
            # Working days, working hours.
            day = rng.randrange(5)
            t = START + timedelta(weeks=week, days=day, hours=rng.uniform(8, 18))
            dep_id = f"d{n}"
            changes = []
            for c in range(rng.randint(1, 3)):
                hours = max(0.2, rng.lognormvariate(0, 0.35) * lead)
                cid = f"c{n}-{c}"
                changes.append(cid)
                events.append({"type": "change", "id": cid, "time": ts(t - timedelta(hours=hours)),
                               "team": team})
            failed = rng.random() < fail_p
            events.append({"type": "deployment", "id": dep_id, "time": ts(t), "service": service,
                           "team": team, "status": "success",
                           "change_type": "emergency" if rng.random() < 0.05 else "standard",
                           "changes": changes})
            if failed:
                opened = t + timedelta(minutes=rng.uniform(10, 120))
                fix = rng.uniform(0.5, 6) if team != "mobile" else rng.uniform(12, 60)
                events.append({"type": "incident", "id": f"i{n}", "time": ts(opened),
                               "resolved_at": ts(opened + timedelta(hours=fix)), "service": service,
                               "team": team, "deployment_id": dep_id})

events.sort(key=lambda e: (e["time"], e["id"]))
# A reader that stops early (`| head`) ends this quietly, as it would cat.
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
for e in events:
    print(json.dumps(e, separators=(",", ":")))
