"""Spark itself (issue 15): PySpark `local[2]` on Java 17, in an environment of its own (pandas
< 3, as Spark 4.0 requires), runs the library's `mapInArrow` and `applyInArrow` functions over
200 000 rows each and gets the in-process results, row by row. Run by `scripts/test-spark.sh`,
which prints how long each took."""

from __future__ import annotations

import os
import runpy
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pytest

import amimestrocel_dkd as dkd
from amimestrocel_dkd import endpoints
from amimestrocel_dkd import spark as dkd_spark

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers import this environment's wheel
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("amimestrocel-dkd-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
               .config("spark.driver.memory", "2g").config("spark.sql.session.timeZone", "UTC").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def timed(what: str, run: Any) -> Any:
    start = time.perf_counter()
    out = run()
    print(f"\n[spark timing] {what}: {time.perf_counter() - start:.2f} s", flush=True)
    return out


def test_map_in_arrow_gives_the_in_process_egfr_of_200k_rows(spark: Any) -> None:
    from pyspark.sql import functions as F

    rng = np.random.default_rng(15)
    n = 200_000
    unit = rng.choice(["mg/dL", "umol/L", "mmHg"], n, p=[0.6, 0.39, 0.01])
    creat = rng.uniform(0.4, 5.0, n) * np.where(unit == "umol/L", 88.4, 1.0)
    frame = pd.DataFrame({"ID": np.arange(n), "AGE": rng.integers(16, 95, n), "SEX": rng.choice(["F", "M", "X"], n),
                          "CREAT": creat, "UNIT": unit})
    # Nulls made by Spark itself (a pandas NaN would stay a NaN in Spark).
    df = spark.createDataFrame(frame).withColumn(
        "CREAT", F.when(F.col("ID") % 97 == 0, F.lit(None)).otherwise(F.col("CREAT")))
    got = timed("mapInArrow egfr, 200 000 rows", lambda: dkd_spark.egfr(
        df, age="AGE", sex="SEX", creatinine="CREAT", creatinine_unit="UNIT").toPandas())
    got = got.sort_values("ID").reset_index(drop=True)
    frame.loc[frame.ID % 97 == 0, "CREAT"] = None
    expected = timed("in-process egfr, 200 000 rows", lambda: dkd.egfr(
        frame, age="AGE", sex="SEX", creatinine="CREAT", creatinine_unit="UNIT"))
    assert len(got) == n
    assert list(got.egfr_error) == list(expected.egfr_error.astype(str))
    np.testing.assert_array_equal(got.egfr.to_numpy(dtype=float), expected.egfr.to_numpy(dtype=float, na_value=np.nan))
    # Spark's nulls arrived as nulls: "missing", not "not finite".
    assert (got.egfr_error == "creatinine_missing").sum() > 1_000


def test_apply_in_arrow_gives_the_in_process_lab_endpoints_of_200k_lab_rows(spark: Any) -> None:
    cohort = runpy.run_path(str(ROOT / "scripts" / "bench-endpoints.py"), run_name="spark_test")["cohort"]
    subjects, labs = cohort(4_000, 15)  # 50 lab rows each
    assert len(labs) == 200_000
    # The lab dates as Spark dates; the subjects' as Spark timestamps (instants: a pandas
    # datetime64 read in the session's zone, UTC), read as their day in UTC with tz=.
    def as_dates(frame: Any) -> Any:
        return frame.assign(**{c: frame[c].dt.date for c in frame.columns if str(frame[c].dtype).startswith("datetime")})

    spark_labs = spark.createDataFrame(as_dates(labs))
    spark_subjects = spark.createDataFrame(subjects)
    assert "timestamp" in dict(spark_subjects.dtypes)["BRTHDT"]
    got = timed("applyInArrow lab endpoints, 4 000 participants, 200 000 lab rows",
                lambda: dkd_spark.lab_endpoints(spark_labs, spark_subjects, tz="UTC").toPandas())
    expected = timed("in-process lab_endpoints, same rows", lambda: endpoints.lab_endpoints(labs, subjects)).bds
    key = ["USUBJID", "PARAMCD", "ADT"]
    got = got.sort_values(key, kind="stable").reset_index(drop=True)
    expected = expected.astype({"USUBJID": str, "PARAMCD": str, "PARAM": str, "AVISIT": object})
    expected = expected.sort_values(key, kind="stable").reset_index(drop=True)
    assert len(got) == len(expected) > 0
    for column in ("USUBJID", "PARAMCD", "PARAM", "ADY", "ABLFL", "ANL01FL"):
        assert list(got[column]) == list(expected[column]), column
    assert list(got.AVISIT.fillna("")) == list(expected.AVISIT.fillna("").astype(str))
    assert list(pd.to_datetime(got.ADT)) == list(expected.ADT)
    for column in ("AVAL", "BASE", "CHG", "PCHG", "R2BASE"):
        np.testing.assert_array_equal(got[column].to_numpy(dtype=float),
                                      expected[column].to_numpy(dtype=float, na_value=np.nan), err_msg=column)


def test_a_lab_row_of_no_subject_is_refused_not_dropped(spark: Any) -> None:
    labs = pd.DataFrame({"USUBJID": ["P-9"], "ADT": [pd.Timestamp("2025-03-01").date()],
                         "LBTESTCD": ["serum_creatinine"], "LBSTRESN": [1.1], "LBSTRESU": ["mg/dL"]})
    subjects = pd.DataFrame({"USUBJID": ["P-1"], "SEX": ["F"], "BRTHDT": [pd.Timestamp("1960-01-01").date()],
                             "TRTSDT": [pd.Timestamp("2025-03-03").date()], "LSTCNTDT": [pd.Timestamp("2026-01-01").date()]})
    with pytest.raises(dkd.InvalidInputError, match="USUBJID"):
        dkd_spark.lab_endpoints(spark.createDataFrame(labs), spark.createDataFrame(subjects))
