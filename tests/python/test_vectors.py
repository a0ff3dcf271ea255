"""The shared vectors (tests/vectors), run unchanged through the Python binding."""

from typing import Any, Dict, List, Optional

import numpy as np
import pytest

import amimestrocel_dkd as dkd
from conftest import load, number

UNITS = load("units.json")
EGFR = load("egfr.json")


@pytest.mark.parametrize("case", UNITS["conversions"], ids=lambda c: c["name"])
def test_unit_conversion_vector(case: Dict[str, Any]) -> None:
    value = dkd.lab_value(case["analyte"], number(case["value"]), case["unit"])
    got = value.to(case["to_unit"])
    assert abs(got - number(case["expected"])) <= number(case["tolerance"]), got


@pytest.mark.parametrize("case", UNITS["errors"], ids=lambda c: c["name"])
def test_unit_error_vector(case: Dict[str, Any]) -> None:
    with pytest.raises(dkd.InvalidInputError) as info:
        dkd.lab_value(case["analyte"], number(case["value"]), case["unit"])
    assert info.value.kind == case["error"]


def _lab(cls: Any, spec: Optional[Dict[str, Any]]) -> Any:
    return None if spec is None else cls(number(spec["value"]), spec["unit"])


def run_scalar(case: Dict[str, Any]) -> float:
    result = dkd.estimate_gfr(
        case["equation"],
        age=number(case["age"]),
        sex=case["sex"],
        creatinine=_lab(dkd.SerumCreatinine, case["creatinine"]),
        cystatin_c=_lab(dkd.CystatinC, case["cystatin_c"]),
        weight_kg=case["weight_kg"],
        black=case["black"],
    )
    assert result.equation == case["equation"]
    assert dkd.parse_unit(result.unit) == dkd.parse_unit(case.get("unit", "mL/min/1.73m2"))
    return result.value


@pytest.mark.parametrize("case", EGFR["cases"], ids=lambda c: c["name"])
def test_egfr_vector_scalar(case: Dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(dkd.DkdError) as info:
            run_scalar(case)
        assert info.value.kind == case["error"]
    else:
        got = run_scalar(case)
        assert abs(got - number(case["expected"])) <= number(case["tolerance"]), got


BATCHABLE = [
    c
    for c in EGFR["cases"]
    if "error" not in c
    and (c["creatinine"] is None or c["creatinine"]["unit"] in ("mg/dL",))
    and (c["cystatin_c"] is None or c["cystatin_c"]["unit"] == "mg/L")
]


@pytest.mark.parametrize("equation", sorted({c["equation"] for c in BATCHABLE}))
def test_egfr_vectors_as_one_batch_per_equation(equation: str) -> None:
    """The same vectors through the vectorised path give the same values."""
    rows = [c for c in BATCHABLE if c["equation"] == equation]

    def col(key: str) -> List[float]:
        return [np.nan if c[key] is None else number(c[key]["value"]) for c in rows]

    out = dkd.egfr(
        equation,
        age=[number(c["age"]) for c in rows],
        sex=[c["sex"] for c in rows],
        creatinine=col("creatinine"),
        cystatin_c=col("cystatin_c"),
        weight_kg=[np.nan if c["weight_kg"] is None else c["weight_kg"] for c in rows],
        black=[c["black"] for c in rows],
    )
    assert out.error_kinds() == ["ok"] * len(rows)
    for c, got in zip(rows, out.values):
        assert abs(got - number(c["expected"])) <= number(c["tolerance"]), (c["name"], got)


def test_vectors_are_not_empty() -> None:
    assert len(UNITS["conversions"]) >= 20 and len(UNITS["errors"]) >= 10
    assert len(EGFR["cases"]) >= 30 and len(BATCHABLE) >= 15
