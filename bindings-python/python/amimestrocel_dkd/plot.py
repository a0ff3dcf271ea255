"""Plots of screening and endpoint tables (issue 15; extra ``plot``: matplotlib). Each function
draws on the ``ax`` given (or a new figure's), returns the axes, and only draws what the tables
already say: no rule is computed here.

- :func:`attrition`: the screening flow, CONSORT-style: screened, refused, ineligible, pending,
  eligible, from the ``status`` column of :func:`~amimestrocel_dkd.screen_many`.
- :func:`criterion_outcomes`: per criterion, how many candidates met it, did not, and are not
  yet known (the columns of :func:`~amimestrocel_dkd.screen_many`).
- :func:`egfr_trajectories`: each participant's eGFR over study days (the BDS of
  :func:`~amimestrocel_dkd.endpoints.lab_endpoints`, ``PARAMCD == "EGFR"``).
- :func:`protein_waterfall`: each participant's percent change of 24-hour urine protein from
  baseline at a visit, sorted (``PARAMCD == "UPRO24"``, the analysis value ``ANL01FL``).

Tables may be pandas, pyarrow or polars (they are read through pandas).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from amimestrocel_dkd import plot
>>> table = pd.DataFrame({"status": ["eligible", "ineligible", "pending", "eligible"]})
>>> ax = plot.attrition(table)
>>> [t.get_text() for t in ax.texts][:2]
['Screened\\nn = 4', 'Refused (record not readable)\\nn = 0']
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ._extras import require

__all__ = ["attrition", "criterion_outcomes", "egfr_trajectories", "protein_waterfall"]

_OUTCOMES = ("met", "not_met", "unknown")
_COLOURS = {"met": "#4c72b0", "not_met": "#dd8452", "unknown": "#bbbbbb"}


def _pandas(table: Any) -> Any:
    """The table as a pandas DataFrame (pyarrow and polars through their ``to_pandas``)."""
    pd = require("pandas", "amimestrocel_dkd.plot")
    if isinstance(table, pd.DataFrame):
        return table
    if hasattr(table, "collect") and not hasattr(table, "to_pandas"):  # a polars LazyFrame
        table = table.collect()
    if hasattr(table, "to_pandas"):
        return table.to_pandas()
    raise TypeError(f"a table (pandas, pyarrow or polars) is needed, not {type(table).__name__}")


def _axes(ax: Any) -> Any:
    plt = require("matplotlib.pyplot", "amimestrocel_dkd.plot")
    if ax is None:
        _figure, ax = plt.subplots()
    return ax


def _counts(column: Any) -> Dict[str, int]:
    values = [str(v) for v in column if v is not None and str(v) not in ("nan", "<NA>", "None")]
    return {v: values.count(v) for v in set(values)}


def attrition(screening: Any, ax: Any = None) -> Any:
    """The screening flow of a :func:`~amimestrocel_dkd.screen_many` table, CONSORT-style:
    a box of the candidates screened, then one box per status (refused, ineligible, pending,
    eligible) with its count, joined by arrows. Given the ``attrition`` table of an OMOP
    pre-screen (:func:`amimestrocel_dkd.omop.prescreen`), the flow is its steps instead: the
    persons read, then each criterion that excluded someone, with the number it excluded, down
    to the persons the record does not exclude. Returns the axes; their texts are the boxes'."""
    table = _pandas(screening)
    if {"criterion", "excluded", "remaining"} <= set(table.columns):
        return _attrition_steps(table, _axes(ax))
    if "status" not in table.columns:
        raise KeyError("the screening table has no column 'status' (a screen_many result has), nor is it an "
                       "attrition table (criterion, excluded, remaining)")
    ax = _axes(ax)
    counts = _counts(table["status"])
    steps = [("refused", "Refused (record not readable)"), ("ineligible", "Ineligible"),
             ("pending", "Pending (something not yet known)"), ("eligible", "Eligible")]
    box = {"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "black"}
    ax.text(0.5, 0.92, f"Screened\nn = {len(table)}", ha="center", va="center", bbox=box)
    for i, (status, label) in enumerate(steps):
        y = 0.72 - i * 0.2
        ax.text(0.5, y, f"{label}\nn = {counts.get(status, 0)}", ha="center", va="center", bbox=box)
        ax.annotate("", xy=(0.5, y + 0.07), xytext=(0.5, y + 0.13), arrowprops={"arrowstyle": "->"})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.set_title("Screening flow")
    return ax


def _attrition_steps(table: Any, ax: Any) -> Any:
    """The flow of an OMOP pre-screen's attrition table: the persons read, each criterion that
    excluded someone (a side box with its count), and the persons left."""
    box = {"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "black"}
    first = table.iloc[0]
    steps = [row for _, row in table.iloc[1:].iterrows() if int(row["excluded"]) > 0]
    rows = len(steps) + 2

    def y(i: int) -> float:
        """The height of the i-th row of boxes."""
        return 1 - (i + 0.5) / rows

    read = int(first["remaining"]) + int(first["excluded"])
    ax.text(0.3, y(0), f"Persons in the database\nn = {read}", ha="center", va="center", bbox=box)
    if int(first["excluded"]):
        ax.text(0.78, y(0), f"Not readable: {int(first['excluded'])}", ha="center", va="center", bbox=box)
    for i, row in enumerate(steps, start=1):
        ax.text(0.78, y(i), f"{row['criterion']}: {int(row['excluded'])}", ha="center", va="center", bbox=box)
        ax.annotate("", xy=(0.6, y(i)), xytext=(0.3, y(i)), arrowprops={"arrowstyle": "->"})
    last = int(table.iloc[-1]["remaining"])
    ax.text(0.3, y(rows - 1), f"Not excluded by the record\nn = {last}", ha="center", va="center", bbox=box)
    ax.annotate("", xy=(0.3, y(rows - 1) + 0.5 / rows), xytext=(0.3, y(0) - 0.5 / rows),
                arrowprops={"arrowstyle": "->"})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.set_title("Pre-screening flow")
    return ax


def criterion_outcomes(screening: Any, ax: Any = None, criteria: Optional[List[str]] = None) -> Any:
    """Per criterion (the criterion columns of a :func:`~amimestrocel_dkd.screen_many` table, or
    those named), a horizontal stacked bar of the candidates who met it, did not, and are not
    yet known (refused records have no outcome and are not counted). Returns the axes."""
    from .screening import criteria as all_criteria

    table = _pandas(screening)
    ids = criteria if criteria is not None else [c.id for c in all_criteria() if c.id in table.columns]
    missing = [c for c in ids if c not in table.columns]
    if missing:
        raise KeyError(f"the screening table has no column {missing[0]!r}")
    ax = _axes(ax)
    left = [0] * len(ids)
    for outcome in _OUTCOMES:
        widths = [_counts(table[c]).get(outcome, 0) for c in ids]
        ax.barh(ids, widths, left=left, color=_COLOURS[outcome], label=outcome)
        left = [a + b for a, b in zip(left, widths)]
    ax.invert_yaxis()  # inclusions first, as the protocol lists them
    ax.set_xlabel("candidates")
    ax.set_title("Outcome per criterion")
    ax.legend(loc="lower right")
    return ax


def _param(bds: Any, paramcd: str) -> Any:
    table = _pandas(bds)
    for column in ("USUBJID", "PARAMCD", "ADY", "AVAL"):
        if column not in table.columns:
            raise KeyError(f"the BDS table has no column {column!r} (a lab_endpoints result has)")
    return table[table["PARAMCD"].astype(str) == paramcd]


def egfr_trajectories(bds: Any, ax: Any = None, paramcd: str = "EGFR") -> Any:
    """Each participant's eGFR (``AVAL``) over study days (``ADY``), one line per participant,
    from a BDS table (:func:`~amimestrocel_dkd.endpoints.lab_endpoints`). Returns the axes."""
    rows = _param(bds, paramcd).sort_values(["USUBJID", "ADY"], kind="stable")
    ax = _axes(ax)
    for subject, own in rows.groupby(rows["USUBJID"].astype(str), sort=False):
        ax.plot(own["ADY"].to_numpy(dtype=float), own["AVAL"].to_numpy(dtype=float), marker="o", linewidth=1,
                label=subject)
    ax.axvline(1, color="grey", linestyle=":", linewidth=1)  # study day 1, the first infusion
    ax.set_xlabel("study day")
    ax.set_ylabel("eGFR (mL/min/1.73 m²)")
    ax.set_title("eGFR over the study")
    return ax


def protein_waterfall(bds: Any, ax: Any = None, visit: str = "w28", paramcd: str = "UPRO24") -> Any:
    """Each participant's percent change of 24-hour urine protein from baseline (``PCHG``) at
    ``visit``, from the analysis values (``ANL01FL``) of a BDS table, one bar per participant,
    largest rise first. Participants without a percent change there are left out (none is made
    up). Returns the axes."""
    rows = _param(bds, paramcd)
    for column in ("AVISIT", "ANL01FL", "PCHG"):
        if column not in rows.columns:
            raise KeyError(f"the BDS table has no column {column!r} (a lab_endpoints result has)")
    rows = rows[(rows["AVISIT"].astype(str) == visit) & rows["ANL01FL"].astype(bool)]
    rows = rows[rows["PCHG"].notna()].sort_values("PCHG", ascending=False, kind="stable")
    ax = _axes(ax)
    values = rows["PCHG"].to_numpy(dtype=float)
    ax.bar(range(len(values)), values, color=["#dd8452" if v > 0 else "#4c72b0" for v in values])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(values)), [str(s) for s in rows["USUBJID"]], rotation=90)
    ax.set_ylabel("change from baseline (%)")
    ax.set_title(f"24-hour urine protein at {visit}")
    return ax
