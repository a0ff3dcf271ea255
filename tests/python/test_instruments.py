"""The instruments through the Python binding: the shared vectors, a session with its audit
trail, save and resume, the store's previous good save, FHIR resources parsed by the
`fhir.resources` package (6.1.0: FHIR R4 4.0.1 models), the DataFrame scoring for the
statistician, and errors."""

import datetime
import json
import math
import pathlib
from typing import Any, Dict, List

import pandas as pd  # type: ignore[import-untyped]
import pytest
from fhir.resources import __fhir_version__ as FHIR_VERSION  # type: ignore[import-untyped,unused-ignore]
from fhir.resources.questionnaire import Questionnaire  # type: ignore[import-untyped,unused-ignore]
from fhir.resources.questionnaireresponse import QuestionnaireResponse  # type: ignore[import-untyped,unused-ignore]
from hypothesis import given, settings
from hypothesis import strategies as st

import amimestrocel_dkd as dkd
from amimestrocel_dkd import instruments as ins
from conftest import load

DOC = load("instruments/scoring.json")
TZ = datetime.timezone(datetime.timedelta(hours=8))
T0 = datetime.datetime(2025, 4, 1, 10, 0, 0, tzinfo=TZ)


def t(seconds: int) -> datetime.datetime:
    return T0 + datetime.timedelta(seconds=seconds)


def answers_of(case: Dict[str, Any], inst: ins.Instrument) -> Dict[str, Any]:
    answers: Dict[str, Any] = {}
    if "all" in case:
        answers = {i: case["all"] for i in inst.item_ids}
    answers.update(case["answers"])
    return answers


def close(got: Any, want: Any) -> bool:
    if want is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    return got is not None and abs(got - want) < 1e-9


def test_vector_files_are_not_empty() -> None:
    assert len(DOC["scores"]) >= 10 and len(DOC["answer_errors"]) >= 5 and len(DOC["efficacy"]) >= 8


@pytest.mark.parametrize("case", DOC["scores"], ids=lambda c: c["name"])
def test_score_vector(case: Dict[str, Any]) -> None:
    inst = ins.Instrument.bundled(case["instrument"])
    scores = inst.score(answers_of(case, inst), case.get("rules"))
    want = case["expected"]
    assert {s.section for s in scores.sections} == set(want["sections"])
    for s in scores.sections:
        w = want["sections"][s.section]
        assert close(s.raw, w["raw"]) and close(s.transformed, w["transformed"]), s
        assert s.prorated == w["prorated"]
    assert close(scores.total, want["total"]) and close(scores.total_transformed, want["total_transformed"])


@pytest.mark.parametrize("case", DOC["scores"], ids=lambda c: c["name"])
def test_score_vector_through_a_dataframe(case: Dict[str, Any]) -> None:
    inst = ins.Instrument.bundled(case["instrument"])
    row = {i: None for i in inst.item_ids}
    row.update(answers_of(case, inst))
    frame = pd.DataFrame([row, row], index=["a", "b"])
    out = ins.score_frame(frame, inst, case.get("rules"))
    assert list(out.index) == ["a", "b"]
    want = case["expected"]
    for section, w in want["sections"].items():
        assert close(out.loc["b", f"{section}_raw"], w["raw"])
        assert close(out.loc["b", f"{section}_transformed"], w["transformed"])
        assert bool(out.loc["b", f"{section}_prorated"]) == w["prorated"]
    assert close(out.loc["a", "total"], want["total"])


@pytest.mark.parametrize("case", DOC["answer_errors"], ids=lambda c: c["name"])
def test_answer_error_vector(case: Dict[str, Any]) -> None:
    inst = ins.Instrument.bundled(case["instrument"])
    s = ins.Session.start(inst, "V", "v", "en", T0)
    with pytest.raises(dkd.InvalidInputError) as e:
        a = case["answer"]
        if a == "not_applicable":
            s.not_applicable(case["item"], T0)
        elif a == "skipped":
            s.skip(case["item"], T0)
        else:
            s.answer(case["item"], a, T0)
    assert (e.value.kind, e.value.path) == (case["error"]["kind"], case["error"]["path"])
    assert s.progress().answered == 0


@pytest.mark.parametrize("case", DOC["efficacy"], ids=lambda c: c["name"])
def test_efficacy_vector(case: Dict[str, Any]) -> None:
    th = ins.EfficacyThresholds(**case["thresholds"]) if "thresholds" in case else None
    if "error" in case:
        with pytest.raises(dkd.DkdError) as e:
            ins.efficacy(case["pre"], case["post"], th)
        assert e.value.kind == case["error"]["kind"]
    else:
        got = ins.efficacy(case["pre"], case["post"], th)
        assert abs(got.index_percent - case["index_percent"]) < 1e-9
        assert got.category == case["category"]


def test_session_flow_answer_save_resume_change_complete_keeps_the_audit_trail(tmp_path: pathlib.Path) -> None:
    dqol = ins.dqol()
    items = dqol.item_ids
    s = ins.Session.start(dqol, "S-001", "w4", "zh-Hans", T0)
    for n, item in enumerate(items[:23]):
        s.answer(item, n % 5 + 1, t(n + 1))
    saved = s.to_json()
    store = ins.SessionStore(str(tmp_path / "s.json"))
    store.save(s)
    del s
    s = ins.Session.resume(dqol, saved)
    loaded, why = store.load(dqol)
    assert why is None and loaded.answers() == s.answers()
    s.answer("sat01", 5, t(100))
    for n, item in enumerate(items[23:]):
        s.answer(item, 3, t(200 + n))
    s.not_applicable("svw01", t(300))
    scores = s.complete(t(400))
    assert [x.raw for x in scores.sections] == [49.0, 57.0, 21.0, 12.0]
    assert scores.total == 139.0
    audit = s.audit()
    assert len(audit) == 48
    assert audit[23] == ins.AuditEntry(t(100), "sat01", 1, 5)
    assert s.status == "completed"
    with pytest.raises(dkd.InvalidInputError) as e:
        s.answer("sat02", 1, t(500))
    assert (e.value.kind, e.value.path) == ("session_completed", "sat02")
    # Whatever the answer (off the scale, an unknown item): completed first, as in core.
    for item, value in (("sat02", 9), ("headache", 1)):
        with pytest.raises(dkd.InvalidInputError) as e:
            s.answer(item, value, t(500))
        assert (e.value.kind, e.value.path) == ("session_completed", item)


def test_store_loads_the_previous_good_save_when_the_latest_is_damaged(tmp_path: pathlib.Path) -> None:
    dqol = ins.dqol()
    path = str(tmp_path / "s.json")
    store = ins.SessionStore(path)
    s = ins.Session.start(dqol, "S-001", "w4", "en", T0)
    s.answer("sat01", 2, t(1))
    store.save(s)
    s.answer("sat02", 2, t(2))
    store.save(s)
    text = pathlib.Path(path).read_text()
    pathlib.Path(path).write_text(text[: len(text) // 2])
    loaded, why = store.load(dqol)
    assert loaded.answers() == {"sat01": 2}
    assert why is not None and "cannot be read" in why


def test_times_in_utc_read_back_on_every_python_the_package_supports() -> None:
    dqol = ins.dqol()
    utc = datetime.datetime(2025, 4, 1, 2, 0, 0, 123456, tzinfo=datetime.timezone.utc)
    s = ins.Session.start(dqol, "S", "v", "en", utc)
    s.answer("sat01", 2, utc)
    assert s.audit()[0].at == utc
    with pytest.raises(dkd.InvalidInputError) as e:
        s.answer("sat02", True, utc)
    assert (e.value.kind, e.value.path) == ("invalid_answer", "sat02")


def test_naive_times_and_bad_saves_are_typed_errors() -> None:
    dqol = ins.dqol()
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.Session.start(dqol, "S", "v", "en", datetime.datetime(2025, 4, 1, 10, 0))
    assert e.value.kind == "invalid_argument"
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.Session.start(dqol, "S", "v", "en", "yesterday")
    assert e.value.kind == "invalid_argument"
    s = ins.Session.start(dqol, "S", "v", "en", T0)
    saved = s.to_json()
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.Session.resume(dqol, saved[:-1])
    assert e.value.kind == "corrupt_save"
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.Session.resume(ins.tcm_dkd(), saved)
    assert e.value.kind == "instrument_mismatch"
    with pytest.raises(dkd.InvalidConfigError) as c:
        ins.Instrument.from_json('{"format": 1}')
    assert c.value.kind == "invalid_instrument"
    assert set(ins.ERROR_KINDS) >= {"corrupt_save", "answer_out_of_scale", "session_completed"}


def test_score_frame_names_the_row_and_item_of_a_bad_cell_and_a_missing_column() -> None:
    tcm = ins.tcm_dkd()
    row = {i: 0 for i in tcm.item_ids}
    bad = dict(row, fatigue="moderate")
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.score_frame(pd.DataFrame([row, bad]), tcm)
    assert (e.value.kind, e.value.path, e.value.row) == ("invalid_answer", "fatigue", 1)
    off = dict(row, fatigue=3)
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.score_frame(pd.DataFrame([off]), tcm)
    assert (e.value.kind, e.value.path, e.value.row) == ("answer_out_of_scale", "fatigue", 0)
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.score_frame(pd.DataFrame([row]).drop(columns=["hunger"]), tcm)
    assert (e.value.kind, e.value.path) == ("missing_column", "hunger")
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.score_frame(pd.DataFrame([dict(row, fatigue=True)]), tcm)
    assert (e.value.kind, e.value.path) == ("invalid_answer", "fatigue")
    empty = ins.score_frame(pd.DataFrame({i: [] for i in tcm.item_ids}), tcm)
    assert len(empty) == 0 and list(empty.columns)[-2:] == ["total", "total_transformed"]
    # A nullable integer column holds pd.NA for a gap: no answer, not an error.
    nullable = pd.DataFrame([row, row]).astype({"fatigue": "Int64"})
    nullable.loc[1, "fatigue"] = pd.NA
    out_nullable = ins.score_frame(nullable, tcm)
    assert out_nullable["total"].tolist()[0] == 0.0 and math.isnan(out_nullable["total"].tolist()[1])
    # A column of floats with NaN (pandas' form of an int column with gaps) reads as answers.
    frame = pd.DataFrame([row, dict(row, fatigue=None)])
    assert frame["fatigue"].dtype == float or frame["fatigue"].dtype == object
    out = ins.score_frame(frame, tcm)
    assert out["total"].tolist()[0] == 0.0 and math.isnan(out["total"].tolist()[1])


def test_fhir_questionnaire_parses_as_a_fhir_r4_questionnaire() -> None:
    assert FHIR_VERSION == "4.0.1"
    for inst in (ins.dqol(), ins.tcm_dkd()):
        for lang in ("en", "zh-Hans"):
            q: Any = Questionnaire.parse_obj(inst.fhir_questionnaire(lang))
            assert q.status == "active"
            assert sum(len(g.item or []) for g in q.item or []) == len(inst.item_ids)
    # The validator is live: an item without its linkId, or with a field R4 does not have, is refused.
    broken = ins.tcm_dkd().fhir_questionnaire("en")
    del broken["item"][0]["item"][0]["linkId"]
    with pytest.raises(Exception):
        Questionnaire.parse_obj(broken)
    with pytest.raises(Exception):
        Questionnaire.parse_obj(dict(ins.tcm_dkd().fhir_questionnaire("en"), answerOption=[]))


def test_fhir_response_parses_as_a_fhir_r4_questionnaire_response() -> None:
    dqol = ins.dqol()
    s = ins.Session.start(dqol, "S-001", "w4", "zh-Hans", T0)
    s.answer("sat01", 2, t(1))
    s.not_applicable("svw02", t(2))
    s.skip("dw01", t(3))
    r: Any = QuestionnaireResponse.parse_obj(s.fhir_response())
    assert r.status == "in-progress"
    assert r.questionnaire == "urn:amimestrocel-dkd:questionnaire:dqol|1"
    link_ids = [i.linkId for g in r.item or [] for i in g.item or []]
    assert link_ids == ["sat01", "svw02", "dw01"]
    flat = s.flat()
    assert len(flat["answers"]) == 46 and flat["changes"] == 3


def test_site_translation_replaces_the_placeholder_wording() -> None:
    dqol = ins.dqol()
    template = dqol.translation_template("zh-Hans")
    assert set(template["items"].values()) == {""}, "placeholder item texts are left to fill"
    template["language"] = "zh-Hans-CN"
    template["source"] = "site licence"
    template["items"] = {item: f"条目 {item}" for item in template["items"]}
    template["items"]["sat01"] = "您对管理糖尿病所需的时间满意吗？"
    site = dqol.with_translation(json.dumps(template))
    view = site.view("zh-Hans-CN")
    assert view.wording == "licensed" and site.view("zh-Hans").wording == "placeholder"
    assert view.sections[0].items[0].text == "您对管理糖尿病所需的时间满意吗？"
    partial = dict(template, items=dict(template["items"], imp02=""))
    with pytest.raises(dkd.InvalidConfigError) as e:
        dqol.with_translation(json.dumps(partial))
    assert e.value.path == "items.imp02"
    del template["items"]["imp07"]
    with pytest.raises(dkd.InvalidConfigError) as e:
        dqol.with_translation(json.dumps(template))
    assert e.value.path == "items.imp07"


ITEMS: List[str] = ins.dqol().item_ids


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ITEMS + ["nope"]),
            st.one_of(st.integers(-3, 9), st.just("not_applicable"), st.just("skipped"), st.none()),
        ),
        max_size=40,
    )
)
def test_any_sequence_leaves_a_resumable_session_or_a_typed_error(ops: List[Any]) -> None:
    dqol = ins.dqol()
    s = ins.Session.start(dqol, "S", "v", "en", T0)
    for n, (item, answer) in enumerate(ops):
        before = s.to_json()
        try:
            if answer is None:
                s.clear(item, t(n))
            elif answer == "not_applicable":
                s.not_applicable(item, t(n))
            elif answer == "skipped":
                s.skip(item, t(n))
            else:
                s.answer(item, answer, t(n))
        except dkd.InvalidInputError as e:
            assert e.kind in ins.ERROR_KINDS or e.kind == "invalid_argument"
            assert s.to_json() == before
        assert ins.Session.resume(dqol, s.to_json()).answers() == s.answers()


def test_a_save_with_text_after_it_and_a_time_rfc_3339_cannot_write_are_refused() -> None:
    dqol = ins.dqol()
    saved = ins.Session.start(dqol, "S", "v", "en", T0).to_json()
    for tail in ["garbage", saved]:
        with pytest.raises(dkd.InvalidInputError) as e:
            ins.Session.resume(dqol, saved + tail)
        assert e.value.kind == "corrupt_save"
    for beyond in ["+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"]:
        try:
            ins.Session.start(dqol, "S", "v", "en", beyond)
        except dkd.InvalidInputError as refused:
            assert refused.path == "at" or refused.kind == "invalid_argument", refused
        else:
            raise AssertionError(f"{beyond} was accepted")


def test_score_reads_answers_as_score_frame_reads_cells() -> None:
    dqol = ins.dqol()
    assert dqol.score({"sat01": 2.0}).sections == dqol.score({"sat01": 2}).sections
    assert dqol.score({"sat01": None}).sections == dqol.score({}).sections
    with pytest.raises(dkd.InvalidInputError) as e:
        dqol.score({"sat01": True})
    assert (e.value.kind, e.value.path) == ("invalid_answer", "sat01")
    with pytest.raises(dkd.InvalidInputError) as e:
        dqol.score({"sat01": 2**70})
    assert (e.value.kind, e.value.path) == ("answer_out_of_scale", "sat01")


def test_score_frame_takes_a_pandas_frame_with_one_column_per_item() -> None:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    tcm = ins.tcm_dkd()
    frame = pd.DataFrame([{i: 0 for i in tcm.item_ids}])
    with pytest.raises(TypeError, match="pandas DataFrame"):
        ins.score_frame(pa.Table.from_pandas(frame), tcm)
    twice = pd.concat([frame, frame[["fatigue"]]], axis=1)
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.score_frame(twice, tcm)
    assert e.value.details["argument"] == "fatigue"


def test_a_second_completion_says_the_session_is_already_completed() -> None:
    tcm = ins.tcm_dkd()
    s = ins.Session.start(tcm, "S", "w4", "en", T0)
    for item in tcm.item_ids:
        try:
            s.answer(item, 0, T0)
        except dkd.InvalidInputError:
            pass  # an item whose scale has no 0
    s.complete(T0)
    with pytest.raises(dkd.InvalidInputError) as e:
        s.complete(T0)
    assert str(e.value) == "the session is already completed"


def test_a_session_store_takes_a_path(tmp_path: pathlib.Path) -> None:
    dqol = ins.dqol()
    store = ins.SessionStore(tmp_path / "s.json")
    store.save(ins.Session.start(dqol, "S", "v", "en", T0))
    assert store.load(dqol).recovered_from is None


def test_a_numpy_boolean_is_no_answer_of_a_scale_and_pandas_na_is_no_answer() -> None:
    """numpy.bool_ converts to 0 or 1, which a scale holds: it is refused as a boolean is."""
    import numpy as np

    tcm = ins.tcm_dkd()
    row = {i: 0 for i in tcm.item_ids}
    with pytest.raises(dkd.InvalidInputError) as e:
        tcm.score(dict(row, hunger=np.bool_(True)))  # type: ignore[arg-type]  # refused at run time
    assert (e.value.kind, e.value.path) == ("invalid_answer", "hunger")
    s = ins.Session.start(tcm, "S", "v", "en", T0)
    with pytest.raises(dkd.InvalidInputError) as e:
        s.answer("hunger", np.bool_(False), T0)  # type: ignore[arg-type]  # refused at run time
    assert (e.value.kind, s.answers()) == ("invalid_answer", {})
    with pytest.raises(dkd.InvalidInputError) as e:
        ins.score_frame(pd.DataFrame({**{k: [v] for k, v in row.items()},
                                      "hunger": pd.Series([np.bool_(True)], dtype=object)}), tcm)
    assert (e.value.kind, e.value.path, e.value.row) == ("invalid_answer", "hunger", 0)
    # pd.NA is no answer in score as in score_frame; numpy integers are answers.
    assert tcm.score(dict(row, hunger=pd.NA)).total == tcm.score(dict(row, hunger=None)).total
    numpy_int: Dict[str, Any] = dict(row, hunger=np.int64(1))  # numpy integers are read too
    assert tcm.score(numpy_int).total == tcm.score(dict(row, hunger=1)).total
