"""Visit status of a cohort through Python: participants per second of
`amimestrocel_dkd.schedule.visit_status_frame` (one call; the core works GIL-free) and of
`visit_status` called per participant. Each participant has every visit of the 24 months done on
target (every planned activity on the calendar's target date: 105 observations). Run with the
venv's python after `scripts/test-python.sh` has installed the wheel:
    ~/.cache/amimestrocel-dkd/venv/bin/python scripts/bench-schedule.py [N]
"""

import datetime
import sys
import time
from typing import Any, Callable, Dict, List

from amimestrocel_dkd import schedule


def cohort(n: int) -> List[Dict[str, Any]]:
    people = []
    for i in range(n):
        day_one = datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 365)
        observations: List[Dict[str, Any]] = []
        for v in schedule.calendar(day_one).visits:
            observations.append({"date": v.target, "activity": "attended"})
            if v.infusion:
                observations.append({"date": v.target, "activity": "infusion"})
            observations += [{"date": v.target, "activity": a} for a in v.assessments]
        people.append({"id": f"S-{i}", "first_infusion": day_one, "observations": observations})
    return people


def best(f: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
people = cohort(n)
on = "2028-01-01"
frame = best(lambda: schedule.visit_status_frame(people, on))
each = best(lambda: [schedule.visit_status(p, on) for p in people])
print(f"{n} participants, {len(people[0]['observations'])} observations each")
print(f"visit_status_frame (one call): {frame:.3f} s, {n / frame:,.0f} participants/s")
print(f"visit_status per participant:  {each:.3f} s, {n / each:,.0f} participants/s")
