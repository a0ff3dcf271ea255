"""Instants (issue 15): a date column of timestamps with a time zone (Spark's timestamps, pandas'
datetime64[ns, UTC], pyarrow timestamp[s, tz]) is read as each instant's day in the zone the
caller names with tz=, and refused (TypeError naming the column) without it. The zone's offsets
come from the standard library's zoneinfo, which is the oracle here."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amimestrocel_dkd import _native, endpoints
from amimestrocel_dkd._arrow import ZONE_SPAN, zone_offsets

SUBJECTS = pd.DataFrame({"USUBJID": ["P-1"], "SEX": ["F"], "BRTHDT": ["1960-05-01"], "TRTSDT": ["2025-03-03"],
                         "LSTCNTDT": ["2026-03-01"]})
# 20:00 UTC on 28 February is 04:00 on 1 March in Shanghai: the day differs by zone.
INSTANTS = [datetime.datetime(2025, 2, 28, 20, 0, tzinfo=datetime.timezone.utc),
            datetime.datetime(2025, 9, 15, 1, 0, tzinfo=datetime.timezone.utc)]
LOCAL_DAYS = ["2025-03-01", "2025-09-15"]


def labs(adt: Any) -> pd.DataFrame:
    return pd.DataFrame({"USUBJID": ["P-1", "P-1"], "ADT": adt, "LBTESTCD": ["urine_protein_24h"] * 2,
                         "LBSTRESN": [2.0, 1.5], "LBSTRESU": ["g/24h"] * 2})


def arrow_labs(unit: str) -> Any:
    """The lab rows as a pyarrow table whose ADT is a timestamp in UTC (an instant)."""
    rows = labs(LOCAL_DAYS)
    return pa.table({**{c: rows[c].tolist() for c in rows.columns if c != "ADT"},
                     "ADT": pa.array(INSTANTS, pa.timestamp(unit, tz="UTC"))})


def test_instants_are_read_as_their_day_in_the_zone_given() -> None:
    expected = endpoints.lab_endpoints(labs(LOCAL_DAYS), SUBJECTS).bds
    as_pandas = labs(pd.Series(INSTANTS, dtype="datetime64[ns, UTC]"))
    got = endpoints.lab_endpoints(as_pandas, SUBJECTS, tz="Asia/Shanghai").bds
    pd.testing.assert_frame_equal(got, expected)
    from_arrow = endpoints.lab_endpoints(arrow_labs("s"), pa.Table.from_pandas(SUBJECTS), tz="Asia/Shanghai").bds
    assert [d.isoformat() for d in from_arrow.column("ADT").to_pylist()] == LOCAL_DAYS
    assert from_arrow.column("BASE").to_pylist() == [None if pd.isna(v) else v for v in expected.BASE]
    # Texts with an offset are instants too.
    texts = labs(["2025-03-01T04:00:00+08:00", "2025-09-15T09:00:00+08:00"])
    pd.testing.assert_frame_equal(endpoints.lab_endpoints(texts, SUBJECTS, tz="Asia/Shanghai").bds, expected)


def test_instants_without_a_zone_are_a_type_error_naming_the_column() -> None:
    with pytest.raises(TypeError, match="column ADT .*tz="):
        endpoints.lab_endpoints(labs(pd.Series(INSTANTS, dtype="datetime64[ns, UTC]")), SUBJECTS)
    with pytest.raises(TypeError, match="column ADT .*tz="):
        endpoints.lab_endpoints(arrow_labs("ms"), pa.Table.from_pandas(SUBJECTS))
    with pytest.raises(ValueError, match="not a time zone"):
        endpoints.lab_endpoints(labs(LOCAL_DAYS), SUBJECTS, tz="Mars/Olympus_Mons")


def test_a_wall_time_without_zone_is_its_own_day_whatever_tz_says() -> None:
    walls = labs(pd.to_datetime(["2025-03-01 04:00", "2025-09-15 09:00"]))
    expected = endpoints.lab_endpoints(labs(LOCAL_DAYS), SUBJECTS).bds
    pd.testing.assert_frame_equal(endpoints.lab_endpoints(walls, SUBJECTS, tz="America/New_York").bds, expected)


@settings(max_examples=300, deadline=None)
@given(st.integers(ZONE_SPAN[0], ZONE_SPAN[1] - 1),
       st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"]))
def test_the_day_of_an_instant_is_the_day_zoneinfo_gives(seconds: int, tz: str) -> None:
    table = pa.table({"T": pa.array([seconds], pa.timestamp("s", tz="UTC"))})
    _n, (days,) = _native.table_columns(table, [("T", "date", None)], zone_offsets(tz))
    expected = datetime.datetime.fromtimestamp(seconds, zoneinfo.ZoneInfo(tz)).date()
    assert datetime.date(1970, 1, 1) + datetime.timedelta(days=int(days[0])) == expected


def test_around_a_change_of_offset_the_day_follows_the_new_offset() -> None:
    # New York left EST (-5 h) for EDT (-4 h) at 07:00 UTC on 9 March 2025.
    starts, offsets = zone_offsets("America/New_York")
    change = int(datetime.datetime(2025, 3, 9, 7, tzinfo=datetime.timezone.utc).timestamp())
    i = starts.index(change)
    assert (offsets[i - 1], offsets[i]) == (-5 * 3600, -4 * 3600)


def test_texts_with_differing_offsets_are_instants_too() -> None:
    # New York in winter (-05:00) and in summer (-04:00): the same local days as written.
    texts = labs(["2025-03-01T23:30:00-05:00", "2025-09-15T23:30:00-04:00"])
    expected = endpoints.lab_endpoints(labs(["2025-03-01", "2025-09-15"]), SUBJECTS).bds
    got = endpoints.lab_endpoints(texts, SUBJECTS, tz="America/New_York").bds
    pd.testing.assert_frame_equal(got, expected)
    with pytest.raises(TypeError, match="column ADT .*tz="):
        endpoints.lab_endpoints(texts, SUBJECTS)


def test_a_pandas_date_column_of_numbers_or_of_text_not_iso_8601_is_refused_not_guessed() -> None:
    """20250303 as an integer would be 1970-01-01 (nanoseconds), and 02/03/2025 is 2 March or
    3 February depending on who wrote it: neither is read as a date."""
    import pandas as pd
    import pytest

    import amimestrocel_dkd as dkd
    from amimestrocel_dkd import omop

    person = pd.DataFrame({"person_id": [1], "gender_concept_id": [8507], "year_of_birth": [1960]})
    labs = {"person_id": [1], "measurement_concept_id": [3034485], "value_as_number": [1500.0],
            "unit_concept_id": [8723]}
    units = pd.DataFrame({"concept_id": [8723], "concept_name": ["mg/g"], "vocabulary_id": ["UCUM"],
                          "concept_code": ["mg/g"]})
    with pytest.raises(TypeError, match="measurement_date holds numbers, not dates"):
        omop.prescreen(person, measurement=pd.DataFrame({**labs, "measurement_date": [20250520]}), concept=units,
                       as_of="2025-06-01")
    with pytest.raises(dkd.InvalidInputError, match=r"measurement_date\[0\]: is not a date"):
        omop.prescreen(person, measurement=pd.DataFrame({**labs, "measurement_date": ["05/20/2025"]}),
                       concept=units, as_of="2025-06-01")
    # A date given in part, or compact, is refused too (pandas would fill in the first of the month).
    for partial in ("2025-05", "2025", "20250520"):
        with pytest.raises(dkd.InvalidInputError, match=r"measurement_date\[0\]: is not a date"):
            omop.prescreen(person, measurement=pd.DataFrame({**labs, "measurement_date": [partial]}),
                           concept=units, as_of="2025-06-01")
    # YYYY-MM-DD, with a time if any, dates, and an empty column (all missing) are read.
    import datetime

    for day in ("2025-05-20", "2025-05-20 08:30", "2025-05-20T08:30:00", datetime.date(2025, 5, 20)):
        out = omop.prescreen(person, measurement=pd.DataFrame({**labs, "measurement_date": [day]}), concept=units,
                             as_of="2025-06-01")
        assert out.persons.inc_uacr[0] == "met", day
    for dtype in ("category", "string"):
        column = pd.Series(["2025-05-20"], dtype=dtype)
        out = omop.prescreen(person, measurement=pd.DataFrame({**labs, "measurement_date": column}), concept=units,
                             as_of="2025-06-01")
        assert out.persons.inc_uacr[0] == "met", dtype
    conditions = pd.DataFrame({"person_id": [1], "condition_concept_id": [201826],
                               "condition_start_date": ["2020-01-01"], "condition_end_date": [float("nan")]})
    out = omop.prescreen(person, condition_occurrence=conditions, as_of="2025-06-01")
    assert out.persons.inc_type2_diabetes[0] == "met"  # an empty end-date column (CSV: float NaN) is missing


def test_a_wall_time_beside_an_instant_is_its_own_day_not_read_with_the_instants_offset() -> None:
    # pandas alone lends the first row's +02:00 to the naive second row (20:00 becomes 02:00 the
    # next day in Shanghai); each row is read on its own here.
    mixed = labs(["2025-03-01T10:00:00+08:00", "2025-09-15T20:00:00"])
    expected = endpoints.lab_endpoints(labs(LOCAL_DAYS), SUBJECTS).bds
    pd.testing.assert_frame_equal(endpoints.lab_endpoints(mixed, SUBJECTS, tz="Asia/Shanghai").bds, expected)
    mixed = labs(["2025-03-01T02:00:00+02:00", "2025-09-15T20:00:00"])
    assert [str(d.date()) for d in endpoints.lab_endpoints(mixed, SUBJECTS, tz="Asia/Shanghai").bds.ADT] == LOCAL_DAYS


def test_dates_up_to_9999_are_read_from_text_and_from_date_objects() -> None:
    """9999-12-31 is OMOP's usual open end: a date pandas' nanoseconds cannot hold."""
    from amimestrocel_dkd.endpoints import _days

    far = datetime.date(9999, 12, 31)
    epoch = datetime.date(1970, 1, 1)
    for column in (["2025-03-01", "9999-12-31"], [datetime.date(2025, 3, 1), far],
                   pd.Series(["2025-03-01", far], dtype=object), ["2025-03-01", "9999-12-31T10:00:00"]):
        got = _days(column, "END", optional=False)
        assert [epoch + datetime.timedelta(days=int(d)) for d in got] == [datetime.date(2025, 3, 1), far]


def test_a_day_that_does_not_exist_or_a_loosely_written_one_is_its_rows_error() -> None:
    import amimestrocel_dkd as dkd
    from amimestrocel_dkd.endpoints import _days

    for bad in ("2025-02-30", "2025-13-01", "2025-1-01T", "2025-03-01T25:00", "2025-03-01T10:00:00+8"):
        with pytest.raises(dkd.InvalidInputError, match=r"END\[1\]: is not a date"):
            _days(["2025-03-01", bad], "END", optional=False)
    with pytest.raises(TypeError, match="column END holds instants"):
        _days([datetime.datetime(2025, 3, 1, 10, tzinfo=datetime.timezone.utc)], "END", optional=False)
