"""Typed results and one name per concept: the Literal slugs equal the lists the library
returns, results are typed records whose plain form is core's JSON, and every shared name of
tests/vectors/names.json exists in the package."""

import datetime
import json
import typing
from typing import Any, Dict, List

import pytest

import amimestrocel_dkd as dkd
from amimestrocel_dkd import _native, types
from conftest import load

NAMES = load("names.json")
CASES = load("eligibility/cases.json")["cases"]
BASE = load("eligibility/base_record.json")


def test_every_shared_name_is_a_name_of_the_package() -> None:
    for name in NAMES["types"] + NAMES["functions"] + NAMES["errors"]["python"]:
        assert hasattr(dkd, name), name
    for typed, slug in NAMES["python_slugs"].items():
        assert hasattr(types, slug), f"{typed} is {slug} in Python"
    assert set(NAMES["python_slugs"]) <= set(NAMES["typed_types"])


def test_the_literal_slugs_are_the_lists_core_gives() -> None:
    def args(alias: Any) -> List[str]:
        return list(typing.get_args(alias))

    assert args(types.AnalyteSlug) == [a.analyte for a in dkd.analytes()]
    assert args(types.EquationSlug) == [e.equation for e in dkd.equations()]
    assert args(types.CriterionIdSlug) == [c.id for c in dkd.criteria()]
    assert args(types.CriterionKindSlug) == list(dict.fromkeys(c.kind for c in dkd.criteria()))
    assert args(types.OutcomeSlug) == _native.OUTCOMES
    assert args(types.StatusSlug) == _native.STATUSES[:-1] and _native.STATUSES[-1] == "refused"


def test_results_are_typed_records() -> None:
    r = dkd.screen(BASE)
    assert isinstance(r, dkd.ScreeningResult) and isinstance(r.screening_date, datetime.date)
    c = r.criterion("inc_uacr")
    assert isinstance(c, dkd.CriterionResult)
    e = c.evidence[0]
    assert isinstance(e, dkd.Evidence) and isinstance(e.date, datetime.date)
    assert isinstance(e.entered, dkd.Quantity) and e.entered.unit == "mg/g"
    info = dkd.criteria()[0]
    assert isinstance(info, dkd.CriterionInfo) and isinstance(info.parameters[0], dkd.Parameter)
    assert isinstance(dkd.analytes()[0], dkd.AnalyteInfo) and isinstance(dkd.equations()[0], dkd.EquationInfo)


@pytest.mark.parametrize("case", [c for c in CASES if "error" not in c], ids=lambda c: c["name"])
def test_the_plain_form_of_a_result_is_cores_json(case: Dict[str, Any]) -> None:
    record = case["json"] if "json" in case else json.dumps(case["record"])
    assert dkd.screen(record).to_dict() == json.loads(_native.screen_json(record))


@pytest.mark.parametrize("case", [c for c in CASES if "error" not in c], ids=lambda c: c["name"])
def test_excludes_is_cores_rule_and_decides_the_status(case: Dict[str, Any]) -> None:
    """`excludes` comes from core (not re-implemented here): a result is ineligible exactly when
    a criterion excludes, and an exclusion excludes exactly when it is met."""
    r = dkd.screen(case["json"] if "json" in case else case["record"])
    assert (r.status == "ineligible") == any(c.excludes for c in r.criteria)
    for c in r.criteria:
        if c.kind == "exclusion":
            assert c.excludes == (c.outcome == "met")
