"""Visit status of a cohort through Python: participants per second of
`amimestrocel_dkd.schedule.visit_status_table` (two pyarrow tables read column by column; checked
to give the frame's rows), `visit_status_frame` (one call over dicts; the core works GIL-free)
and of `visit_status` called per participant. Each participant has every visit of the 24 months done on
target (every planned activity on the calendar's target date: 105 observations). Run with the
venv's python after `scripts/test-python.sh` has installed the wheel:
    ~/.cache/amimestrocel-dkd/venv/bin/python scripts/bench-schedule.py [N]
"""

import datetime
import pathlib
import sys
from typing import Any, Dict, List

from amimestrocel_dkd import schedule

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchtime import best  # noqa: E402


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


n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
people = cohort(n)
on = "2028-01-01"
import pyarrow as pa

participants = pa.table({"id": [p["id"] for p in people], "first_infusion": [p["first_infusion"] for p in people]})
observations = pa.table({
    "participant": [p["id"] for p in people for _ in p["observations"]],
    "date": [o["date"] for p in people for o in p["observations"]],
    "activity": pa.array([o["activity"] for p in people for o in p["observations"]]).dictionary_encode(),
})
got = schedule.visit_status_table(participants, observations, on).to_pandas()
want = schedule.visit_status_frame(people, on)
assert list(got.state.astype(str)) == list(want.state.astype(str)) and list(got.needs) == list(want.needs)
table = best(lambda: schedule.visit_status_table(participants, observations, on))
frame = best(lambda: schedule.visit_status_frame(people, on))
each = best(lambda: [schedule.visit_status(p, on) for p in people])
print(f"{n} participants, {len(people[0]['observations'])} observations each")
print(f"visit_status_table (two Arrow tables): {table:.3f} s, {n / table:,.0f} participants/s")
print(f"visit_status_frame (one call): {frame:.3f} s, {n / frame:,.0f} participants/s")
print(f"visit_status per participant:  {each:.3f} s, {n / each:,.0f} participants/s")
