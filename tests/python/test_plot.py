"""Plots (issue 15), drawn on matplotlib's Agg backend: each test checks the axes, labels and the
data plotted against the tables they come from."""

from __future__ import annotations

from typing import Any, List

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # type: ignore[import-untyped]  # noqa: E402
import pyarrow as pa  # type: ignore[import-untyped]  # noqa: E402
import pytest  # noqa: E402

from amimestrocel_dkd import endpoints, plot, screen, screen_many  # noqa: E402
from amimestrocel_dkd.screening import criteria, synthetic_cohort  # noqa: E402

RECORDS = list(synthetic_cohort(seed=3, count=300))


@pytest.fixture(autouse=True)
def close_figures() -> Any:
    yield
    plt.close("all")


def texts(ax: Any) -> List[str]:
    """The boxes' texts (the arrows are texts without words)."""
    return [t.get_text() for t in ax.texts if t.get_text()]


def test_the_attrition_flow_counts_every_status_of_the_screening() -> None:
    table = screen_many(RECORDS)
    ax = plot.attrition(table)
    counts = table["status"].astype(str).value_counts()
    shown = texts(ax)
    assert shown[0] == f"Screened\nn = {len(RECORDS)}"
    for label, status in (("Ineligible", "ineligible"), ("Pending", "pending"), ("Eligible", "eligible")):
        line = next(t for t in shown if t.startswith(label))
        assert line.endswith(f"n = {counts.get(status, 0)}")
    assert sum(int(t.rsplit("= ", 1)[1]) for t in shown[1:]) == len(RECORDS)
    # The same from a pyarrow table of the same statuses.
    statuses = pa.table({"status": pa.array(table.status.astype(str)).dictionary_encode()})
    assert texts(plot.attrition(statuses)) == shown


def test_criterion_bars_stack_met_not_met_and_unknown_per_criterion() -> None:
    table = screen_many(RECORDS)
    ax = plot.criterion_outcomes(table)
    ids = [c.id for c in criteria()]
    assert [t.get_text() for t in ax.get_yticklabels()] == ids
    assert ax.get_xlabel() == "candidates"
    met, not_met, unknown = (ax.containers[i] for i in range(3))
    for k, c in enumerate(ids):
        outcomes = table[c].astype(str)
        assert met[k].get_width() == (outcomes == "met").sum()
        assert not_met[k].get_width() == (outcomes == "not_met").sum()
        assert unknown[k].get_width() == (outcomes == "unknown").sum()
        assert not_met[k].get_x() == met[k].get_width()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["met", "not_met", "unknown"]
    with pytest.raises(KeyError, match="inc_nothing"):
        plot.criterion_outcomes(table, criteria=["inc_nothing"])


def _lab_tables() -> Any:
    subjects = pd.DataFrame({"USUBJID": ["P-1", "P-2"], "SEX": ["F", "M"], "BRTHDT": ["1960-05-01", "1955-02-11"],
                             "TRTSDT": ["2025-03-03", "2025-03-03"], "LSTCNTDT": ["2026-03-01", "2026-03-01"]})
    rows = []
    for person, scr, prot in (("P-1", [1.2, 1.3, 1.5], [3.0, 2.4]), ("P-2", [1.6, 1.5, 1.4], [2.0, 2.6])):
        for date, value in zip(["2025-02-25", "2025-03-31", "2025-09-14"], scr):
            rows.append({"USUBJID": person, "ADT": date, "LBTESTCD": "serum_creatinine", "LBSTRESN": value,
                         "LBSTRESU": "mg/dL"})
        for date, value in zip(["2025-02-26", "2025-09-15"], prot):
            rows.append({"USUBJID": person, "ADT": date, "LBTESTCD": "urine_protein_24h", "LBSTRESN": value,
                         "LBSTRESU": "g/24h"})
    return pd.DataFrame(rows), subjects


def test_egfr_trajectories_draw_each_participants_values_over_study_days() -> None:
    labs, subjects = _lab_tables()
    bds = endpoints.lab_endpoints(labs, subjects).bds
    ax = plot.egfr_trajectories(bds)
    assert ax.get_xlabel() == "study day" and ax.get_ylabel().startswith("eGFR")
    lines = [line for line in ax.get_lines() if line.get_label() in ("P-1", "P-2")]
    assert [line.get_label() for line in lines] == ["P-1", "P-2"]
    for line in lines:
        own = bds[(bds.USUBJID == line.get_label()) & (bds.PARAMCD == "EGFR")].sort_values("ADY")
        np.testing.assert_array_equal(line.get_xdata(), own.ADY.to_numpy(dtype=float))
        np.testing.assert_array_equal(line.get_ydata(), own.AVAL.to_numpy(dtype=float))
    # The same lines from a pyarrow result.
    arrow_bds = endpoints.lab_endpoints(pa.Table.from_pandas(labs), pa.Table.from_pandas(subjects)).bds
    assert len(plot.egfr_trajectories(arrow_bds).get_lines()) == len(ax.get_lines())


def test_the_protein_waterfall_sorts_each_participants_percent_change_at_the_visit() -> None:
    labs, subjects = _lab_tables()
    bds = endpoints.lab_endpoints(labs, subjects).bds
    ax = plot.protein_waterfall(bds)
    heights = [p.get_height() for p in ax.patches]
    expected = bds[(bds.PARAMCD == "UPRO24") & (bds.AVISIT == "w28") & bds.ANL01FL].PCHG.astype(float)
    assert heights == sorted(expected, reverse=True)
    assert heights == pytest.approx([30.0, -20.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["P-2", "P-1"]
    assert ax.get_ylabel() == "change from baseline (%)"


def test_a_screening_result_shows_itself_as_an_html_table() -> None:
    result = screen(RECORDS[0])
    html = result._repr_html_()
    assert html.count("<tr>") == len(result.criteria) + 1
    assert f"<b>{result.status}</b>" in html
    excluding = [c for c in result.criteria if c.excludes]
    assert html.count("(excludes)") == len(excluding)
    assert "<script" not in html


def test_plots_say_which_extra_brings_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from amimestrocel_dkd._extras import MissingExtraError

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(MissingExtraError, match=r"amimestrocel-dkd\[plot\]"):
        plot.attrition(pd.DataFrame({"status": ["eligible"]}))


def test_the_omop_attrition_flow_shows_each_excluding_criterion_and_the_persons_left() -> None:
    from amimestrocel_dkd import omop

    tables = {name: t.to_pandas() for name, t in omop.synthetic_tables(seed=3, count=300).items()}
    steps = omop.prescreen(**tables, as_of="2025-10-28").attrition
    shown = texts(plot.attrition(steps))
    excluding = steps[(steps.excluded > 0) & (steps.criterion.astype(str) != "person")]
    assert shown[0] == "Persons in the database\nn = 300"
    assert shown[1:-1] == [f"{c}: {n}" for c, n in zip(excluding.criterion.astype(str), excluding.excluded)]
    assert shown[-1] == f"Not excluded by the record\nn = {int(steps.remaining.iloc[-1])}"
    assert len(excluding) >= 3
