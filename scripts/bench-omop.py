"""OMOP pre-screening through Python (issue 15): persons per second of `omop.prescreen` over
the synthetic cohort's OMOP tables (pyarrow, and pandas), against the hand path a data scientist
would write without it: DuckDB assembles one record per person in SQL, `to_pylist()`, then
`screen_many` (`tests/python/omop_hand_path.py`, the oracle of `tests/python/test_omop.py`). The
script checks both give the same outcome for every criterion (unknown instead of not met where a
criterion reads conditions the bundled sets cannot find), then times each (best of 2), in the
same run. Run with the venv's python after `scripts/test-python.sh` has installed the wheel:
    ~/.cache/amimestrocel-dkd/venv/bin/python scripts/bench-omop.py [N]
"""

import pathlib
import sys
from typing import Any, Callable

import duckdb
import numpy as np

import amimestrocel_dkd as dkd
from amimestrocel_dkd import omop

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests" / "python"))
from omop_hand_path import records as hand_records, register, unknown_where_history_is_not_taken  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchtime import best as best_of  # noqa: E402


def best(f: Callable[[], object]) -> float:
    return best_of(f, repeat=2)



n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
as_of = max(r["screening_date"] for r in dkd.synthetic_cohort(seed=7, count=n))
tables = omop.synthetic_tables(seed=7, count=n)
arrow = {name: t.to_pyarrow() for name, t in tables.items()}
frames = {name: t.to_pandas() for name, t in tables.items()}
sets = omop.concept_sets()
con = duckdb.connect()
register(con, arrow)


def hand() -> Any:
    return unknown_where_history_is_not_taken(dkd.screen_many(hand_records(con, as_of, sets)), con, as_of, sets)


got = omop.prescreen(**arrow, as_of=as_of).persons.to_pandas()
want = hand()
partial = {"exc_severe_cardiovascular", "exc_tuberculosis_hiv_immunodeficiency", "exc_allergy"}
for c in (c.id for c in dkd.criteria()):
    ours, theirs = got[c].astype(str).to_numpy(), want[c].astype(str).to_numpy()
    same = (ours == theirs) | ((ours == "unknown") & (theirs == "not_met")) if c in partial else ours == theirs
    assert same.all(), (c, int((~same).sum()))
rows = {name: len(t) for name, t in arrow.items()}
t_arrow = best(lambda: omop.prescreen(**arrow, as_of=as_of))
t_pandas = best(lambda: omop.prescreen(**frames, as_of=as_of))
t_hand = best(hand)
print(f"{n} persons on {as_of}; rows: {rows}")
print(f"omop.prescreen from pyarrow tables: {t_arrow:.2f} s, {n / t_arrow:,.0f} persons/s")
print(f"omop.prescreen from pandas frames:  {t_pandas:.2f} s, {n / t_pandas:,.0f} persons/s")
print(f"hand path (DuckDB SQL -> to_pylist -> screen_many): {t_hand:.2f} s, {n / t_hand:,.0f} persons/s")
print(f"ratio: pyarrow {t_hand / t_arrow:.1f}x, pandas {t_hand / t_pandas:.1f}x the hand path")
print(f"not excluded by record: {int(np.sum(got.not_excluded_by_record))} of {n}")
