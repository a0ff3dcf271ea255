"""The Spark functions (issue 15) as Spark calls them, without Spark: `egfr_batches` over an
iterator of pyarrow RecordBatches (mapInArrow) and `lab_endpoints_of_person` over one
participant's pyarrow Table (applyInArrow) give the in-process results, in the columns and
types of their DDL schemas. `tests/spark/` runs them in Spark itself."""

from __future__ import annotations

import sys
from typing import Any, List

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

import amimestrocel_dkd as dkd
from amimestrocel_dkd import endpoints
from amimestrocel_dkd import spark as dkd_spark
from amimestrocel_dkd._extras import MissingExtraError


def ddl_names(ddl: str) -> List[str]:
    return [part.strip().split(" ")[0] for part in ddl.split(",")]


def test_egfr_batches_append_the_in_process_egfr_to_every_batch() -> None:
    rng = np.random.default_rng(15)
    n = 5_000
    frame = pd.DataFrame({"ID": np.arange(n), "AGE": rng.integers(18, 95, n), "SEX": rng.choice(["F", "M", "X"], n),
                          "CREAT": rng.uniform(0.3, 5.0, n), "UNIT": rng.choice(["mg/dL", "mg/dL", "furlong"], n)})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    run = dkd_spark.egfr_batches(age="AGE", sex="SEX", creatinine="CREAT", creatinine_unit="UNIT")
    batches = list(run(iter(table.to_batches(max_chunksize=700))))
    assert all(isinstance(b, pa.RecordBatch) for b in batches)
    assert batches[0].schema.names == [*frame.columns, *ddl_names(dkd_spark.EGFR_DDL)]
    assert batches[0].schema.field("egfr_error").type == pa.string()
    out = pa.Table.from_batches(batches)
    expected = dkd.egfr(frame, age="AGE", sex="SEX", creatinine="CREAT", creatinine_unit="UNIT")
    assert out.column("ID").to_pylist() == list(range(n))
    assert out.column("egfr_error").to_pylist() == list(expected.egfr_error.astype(str))
    assert out.column("egfr").to_pylist() == [None if pd.isna(v) else v for v in expected.egfr]


def _cohort() -> Any:
    subjects = pd.DataFrame({"USUBJID": ["P-1", "P-2"], "SEX": ["F", "M"], "BRTHDT": ["1960-05-01", "1955-02-11"],
                             "TRTSDT": ["2025-03-03", "2025-04-07"], "LSTCNTDT": ["2026-03-01", "2026-04-01"]})
    labs = pd.DataFrame({
        "USUBJID": ["P-1", "P-1", "P-2", "P-2", "P-1"],
        "ADT": ["2025-02-20", "2025-09-15", "2025-04-01", "2025-10-20", "2025-03-01"],
        "LBTESTCD": ["urine_protein_24h", "urine_protein_24h", "serum_creatinine", "serum_creatinine", "serum_creatinine"],
        "LBSTRESN": [2.0, 1.5, 1.4, 1.6, 1.1], "LBSTRESU": ["g/24h", "g/24h", "mg/dL", "mg/dL", "mg/dL"]})
    return labs, subjects


def test_the_lab_endpoints_of_one_person_are_that_persons_rows_of_the_cohort() -> None:
    labs, subjects = _cohort()
    whole = endpoints.lab_endpoints(labs, subjects).bds
    run = dkd_spark.lab_endpoints_of_person()
    for person in ("P-1", "P-2"):
        # As Spark hands a group: the person's lab rows with their subject columns joined on.
        rows = labs[labs.USUBJID == person].merge(subjects, on="USUBJID")
        out = run(pa.Table.from_pandas(rows, preserve_index=False))
        assert out.schema.names == ddl_names(dkd_spark.BDS_DDL)
        assert not any(pa.types.is_dictionary(f.type) for f in out.schema)
        assert out.schema.field("ADT").type == pa.date32()
        mine = whole[whole.USUBJID == person]
        assert out.column("PARAMCD").to_pylist() == list(mine.PARAMCD.astype(str))
        assert out.column("AVAL").to_pylist() == list(mine.AVAL)
        assert out.column("CHG").to_pylist() == [None if pd.isna(v) else v for v in mine.CHG]
        assert out.column("ADT").to_pylist() == [d.date() for d in mine.ADT]


def test_the_spark_calls_say_which_extra_brings_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if pyspark were not installed
    with pytest.raises(MissingExtraError, match=r"amimestrocel-dkd\[spark\]"):
        dkd_spark.egfr(object(), age="AGE", sex="SEX", creatinine="CREAT")


def test_the_values_the_bds_leaves_out_are_asked_for_with_table_unusable() -> None:
    labs, subjects = _cohort()
    # A child: no eGFR equation of the protocol takes the age, so the value cannot be used.
    subjects = pd.concat([subjects, pd.DataFrame({"USUBJID": ["P-3"], "SEX": ["F"], "BRTHDT": ["2015-05-01"],
                                                  "TRTSDT": ["2025-03-03"], "LSTCNTDT": ["2026-03-01"]})],
                         ignore_index=True)
    labs = pd.concat([labs, pd.DataFrame({"USUBJID": ["P-3"], "ADT": ["2025-05-01"], "LBTESTCD": ["serum_creatinine"],
                                          "LBSTRESN": [0.5], "LBSTRESU": ["mg/dL"]})], ignore_index=True)
    whole = endpoints.lab_endpoints(labs, subjects).unusable
    assert list(whole.USUBJID) == ["P-3"]
    rows = labs[labs.USUBJID == "P-3"].merge(subjects, on="USUBJID")
    out = dkd_spark.lab_endpoints_of_person(table="unusable")(pa.Table.from_pandas(rows, preserve_index=False))
    assert out.schema.names == ddl_names(dkd_spark.UNUSABLE_DDL)
    assert out.column("REASON").to_pylist() == list(whole.REASON)
    with pytest.raises(ValueError, match="table"):
        dkd_spark.lab_endpoints_of_person(table="adsl")
