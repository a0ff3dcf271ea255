"""Real libraries as oracles for the Arrow path (issue 15): pyarrow.compute's own evaluation of
the CKD-EPI 2021 creatinine equation (Inker 2021, as published), and, through hypothesis, the
library's scalar estimate row by row."""

from __future__ import annotations

from typing import List, Tuple

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

import amimestrocel_dkd as dkd
from amimestrocel_dkd import SerumCreatinine, estimate_gfr


def ckd_epi_2021_in_pyarrow(age: pa.Array, female: pa.Array, scr_mg_dl: pa.Array) -> pa.Array:
    """eGFR = 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−1.200 × 0.9938^age × 1.012 [female];
    κ 0.7 (female) or 0.9 (male), α −0.241 (female) or −0.302 (male). Inker et al., N Engl J
    Med 2021;385:1737-49, written with pyarrow.compute."""
    kappa = pc.if_else(female, 0.7, 0.9)
    alpha = pc.if_else(female, -0.241, -0.302)
    ratio = pc.divide(scr_mg_dl, kappa)
    low = pc.power(pc.min_element_wise(ratio, 1.0), alpha)
    high = pc.power(pc.max_element_wise(ratio, 1.0), -1.200)
    age_term = pc.power(0.9938, pc.cast(age, pa.float64()))
    sex_term = pc.if_else(female, 1.012, 1.0)
    return pc.multiply(pc.multiply(pc.multiply(pc.multiply(142.0, low), high), age_term), sex_term)


def test_the_arrow_path_equals_pyarrow_computes_ckd_epi_2021_within_1e_12() -> None:
    rng = np.random.default_rng(2021)
    n = 100_000
    age = pa.array(rng.integers(18, 100, n))
    sex = pa.array(rng.choice(["F", "M"], n)).dictionary_encode()
    scr = pa.array(rng.uniform(0.2, 15.0, n))
    table = pa.table({"AGE": age, "SEX": sex, "CR": scr})
    ours = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR").column("egfr").to_numpy()
    female = pc.equal(pc.cast(sex, pa.string()), "F")
    theirs = ckd_epi_2021_in_pyarrow(age, female, scr).to_numpy()
    assert np.max(np.abs(ours - theirs) / theirs) <= 1e-12


rows = st.lists(
    st.tuples(st.integers(18, 110), st.sampled_from(["F", "M", "female", "male"]),
              st.floats(0.1, 40.0, allow_nan=False)),
    min_size=1, max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_every_row_of_an_arrow_table_is_the_scalar_estimate_of_that_row(data: List[Tuple[int, str, float]]) -> None:
    ages, sexes, values = zip(*data)
    table = pa.table({"AGE": list(ages), "SEX": list(sexes), "CR": pa.array(values, pa.float64())})
    out = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")
    for (age, sex, value), got, why in zip(data, out.column("egfr").to_pylist(), out.column("egfr_error").to_pylist()):
        try:
            expected = estimate_gfr("ckd_epi_2021_cr", age=age, sex=sex, creatinine=SerumCreatinine(value, "mg/dL"))
        except dkd.DkdError:
            assert got is None and why != "ok"
            continue
        assert why == "ok" and got == expected.value
