"""Writes tests/vectors/eligibility/cases.json: hand-written screening cases.

Each case is the base record (eligibility/base_record.json, eligible under the default
configuration) with one change, written as an RFC 7396 JSON merge patch here and stored as the
full record in the vector file, so that no test runner needs to apply patches. The expected
outcomes are written by hand from the protocol text and docs/interpretation.md; nothing is
computed by the library under test.
"""
import copy
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent.parent / "eligibility"
BASE = json.loads((HERE / "base_record.json").read_text(encoding="utf-8"))


def merge(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge(out.get(k), v)
    return out


cases = []


def case(name, patch, status, **expected):
    cases.append({"name": name, "record": merge(BASE, patch), "status": status, "criteria": expected})


def error(name, patch, kind, path, raw=None):
    c = {"name": name, "error": {"kind": kind, "path": path}}
    if raw is not None:
        c["json"] = raw
    else:
        c["record"] = merge(BASE, patch)
    cases.append(c)


def labs(**series):
    return {"labs": series}


def entry(date, value, unit):
    return [{"date": date, "value": value, "unit": unit}]


def cond(*items):
    return {"conditions": list(items)}


E, I, P = "eligible", "ineligible", "pending"
case("base_record_is_eligible", {}, E, inc_age="met", inc_uacr="met", inc_egfr="met", exc_hyperlipidaemia="not_met")
# Age 45-80 inclusive on the screening date (2025-06-01)
case("age_45_on_screening_day", {"date_of_birth": "1980-06-01"}, E, inc_age="met")
case("age_44_day_before_45th_birthday", {"date_of_birth": "1980-06-02"}, I, inc_age="not_met")
case("age_80_on_screening_day", {"date_of_birth": "1945-06-01"}, E, inc_age="met")
case("age_80_and_364_days", {"date_of_birth": "1944-06-02"}, E, inc_age="met")
case("age_81", {"date_of_birth": "1944-06-01"}, I, inc_age="not_met")
# Type 2 diabetes
case("no_type2_diabetes", {"type2_diabetes": False}, I, inc_type2_diabetes="not_met")
case("type2_diabetes_not_recorded", {"type2_diabetes": None}, P, inc_type2_diabetes="unknown")
# Biopsy within 10 years
case("biopsy_exactly_10_years_ago", {"kidney_biopsy": {"date": "2015-06-01"}}, E, inc_dkd_biopsy="met")
# A biopsy older than the window is a diagnosis older than 10 years: not met (readings-2)
case("biopsy_older_than_10_years_is_not_met", {"kidney_biopsy": {"date": "2015-05-31"}}, I, inc_dkd_biopsy="not_met")
case("biopsy_non_diabetic", {"kidney_biopsy": {"finding": "non_diabetic"}}, I, inc_dkd_biopsy="not_met", exc_non_diabetic_kidney_disease="met")
case("no_biopsy", {"kidney_biopsy": None}, P, inc_dkd_biopsy="unknown")
# 24-hour urine protein: continuously >= 3.5 g (>= 2 measurements in 90 days, all >= 3.5)
case("urine_protein_exactly_3_5_g_in_two_units", labs(urine_protein_24h=entry("2025-04-02", 3.5, "g/24h") + entry("2025-05-20", 3500, "mg/24h")), E, inc_urine_protein="met")
case("urine_protein_one_below_3_5", labs(urine_protein_24h=entry("2025-04-02", 4.0, "g/24h") + entry("2025-05-20", 3490, "mg/24h")), I, inc_urine_protein="not_met")
case("urine_protein_single_measurement", labs(urine_protein_24h=entry("2025-05-20", 4.0, "g/24h")), P, inc_urine_protein="unknown")
# "Continuously": distinct dates at least 7 days apart (readings-2)
case("urine_protein_two_on_the_same_day", labs(urine_protein_24h=entry("2025-05-20", 4.0, "g/24h") + entry("2025-05-20", 4100, "mg/24h")), P, inc_urine_protein="unknown")
case("urine_protein_6_days_apart", labs(urine_protein_24h=entry("2025-05-14", 4.0, "g/24h") + entry("2025-05-20", 4.1, "g/24h")), P, inc_urine_protein="unknown")
case("urine_protein_exactly_7_days_apart", labs(urine_protein_24h=entry("2025-05-13", 4.0, "g/24h") + entry("2025-05-20", 4.1, "g/24h")), E, inc_urine_protein="met")
case("urine_protein_old_low_value_not_used", labs(urine_protein_24h=entry("2025-01-10", 2.0, "g/24h") + entry("2025-04-02", 3.8, "g/24h") + entry("2025-05-20", 4.1, "g/d")), E, inc_urine_protein="met")
# UACR > 1000 mg/g
case("uacr_exactly_1000_mg_g", labs(uacr=entry("2025-05-20", 1000, "mg/g")), I, inc_uacr="not_met")
case("uacr_1000_1_mg_g", labs(uacr=entry("2025-05-20", 1000.1, "mg/g")), E, inc_uacr="met")
case("uacr_113_12_mg_mmol_is_exactly_1000_mg_g", labs(uacr=entry("2025-05-20", 113.12, "mg/mmol")), I, inc_uacr="not_met")
case("uacr_113_2_mg_mmol_is_above", labs(uacr=entry("2025-05-20", 113.2, "mg/mmol")), E, inc_uacr="met")
case("uacr_latest_counts", labs(uacr=entry("2025-05-01", 2000, "mg/g") + entry("2025-05-25", 900, "mg/g")), I, inc_uacr="not_met")
case("uacr_older_than_90_days_is_unknown", labs(uacr=entry("2025-02-01", 2000, "mg/g")), P, inc_uacr="unknown")
# readings-3: of two results of one date the later entered is a correction of the earlier
case("urine_protein_corrected_up_on_the_same_date", labs(urine_protein_24h=entry("2025-04-02", 4.2, "g/24h") + entry("2025-05-20", 3.0, "g/24h") + entry("2025-05-20", 3.9, "g/24h")), E, inc_urine_protein="met")
case("urine_protein_corrected_down_on_the_same_date", labs(urine_protein_24h=entry("2025-04-02", 4.2, "g/24h") + entry("2025-05-20", 3.9, "g/24h") + entry("2025-05-20", 3.0, "g/24h")), I, inc_urine_protein="not_met")
# Day windows: "within 90 days" is at most 90 days elapsed (2025-03-03 to 2025-06-01, readings-2)
case("uacr_exactly_90_days_before_is_within", labs(uacr=entry("2025-03-03", 2000, "mg/g")), E, inc_uacr="met")
case("uacr_91_days_before_is_not", labs(uacr=entry("2025-03-02", 2000, "mg/g")), P, inc_uacr="unknown")
# eGFR >= 20 by CKD-EPI 2021 (woman, 62): 150 umol/L ~ 33; 3.0 mg/dL ~ 17
case("egfr_below_20", labs(creatinine=entry("2025-05-20", 3.0, "mg/dL")), I, inc_egfr="not_met")
case("egfr_creatinine_older_than_30_days", labs(creatinine=entry("2025-04-20", 150, "µmol/L")), P, inc_egfr="unknown")
case("egfr_creatinine_in_mg_dl", labs(creatinine=entry("2025-05-20", 1.7, "mg/dL")), E, inc_egfr="met")
# Blood pressure <= 160/100 (latest within 30 days)
case("bp_exactly_160_100", {"blood_pressures": [{"date": "2025-05-28", "systolic": 160, "diastolic": 100, "unit": "mmHg"}]}, E, inc_blood_pressure="met")
case("bp_systolic_161", {"blood_pressures": [{"date": "2025-05-28", "systolic": 161, "diastolic": 90, "unit": "mmHg"}]}, I, inc_blood_pressure="not_met")
case("bp_diastolic_101", {"blood_pressures": [{"date": "2025-05-28", "systolic": 150, "diastolic": 101, "unit": "mmHg"}]}, I, inc_blood_pressure="not_met")
case("bp_in_kpa_below", {"blood_pressures": [{"date": "2025-05-28", "systolic": 21.3, "diastolic": 13.3, "unit": "kPa"}]}, E, inc_blood_pressure="met")
case("bp_in_kpa_above", {"blood_pressures": [{"date": "2025-05-28", "systolic": 21.4, "diastolic": 13.0, "unit": "kPa"}]}, I, inc_blood_pressure="not_met")
case("bp_latest_reading_counts", {"blood_pressures": [{"date": "2025-05-10", "systolic": 175, "diastolic": 105, "unit": "mmHg"}, {"date": "2025-05-28", "systolic": 150, "diastolic": 90, "unit": "mmHg"}]}, E, inc_blood_pressure="met")
case("bp_older_than_30_days", {"blood_pressures": [{"date": "2025-04-01", "systolic": 140, "diastolic": 80, "unit": "mmHg"}]}, P, inc_blood_pressure="unknown")
# HbA1c < 9 %
case("hba1c_exactly_9_percent", labs(hba1c=entry("2025-05-20", 9.0, "%")), I, inc_hba1c="not_met")
case("hba1c_8_9_percent", labs(hba1c=entry("2025-05-20", 8.9, "%")), E, inc_hba1c="met")
case("hba1c_75_mmol_mol_is_9_0_percent", labs(hba1c=entry("2025-05-20", 75, "mmol/mol")), I, inc_hba1c="not_met")
case("hba1c_74_mmol_mol_is_8_9_percent", labs(hba1c=entry("2025-05-20", 74, "mmol/mol")), E, inc_hba1c="met")
# Consent
case("no_consent", {"informed_consent": False}, I, inc_consent="not_met")
case("consent_not_recorded", {"informed_consent": None}, P, inc_consent="unknown")
# Immunosuppressants: a course of more than 7 days reaching into the 30 days before enrolment
# (readings-2: course length; the window starts on 2025-05-02)
case("tacrolimus_ongoing_13_days", {"medications": [{"name": "Tacrolimus", "start": "2025-05-20"}]}, I, exc_immunosuppressant="met")
case("tacrolimus_exactly_7_days", {"medications": [{"name": "tacrolimus", "start": "2025-05-26"}]}, E, exc_immunosuppressant="not_met")
case("tacrolimus_8_days", {"medications": [{"name": "tacrolimus", "start": "2025-05-25"}]}, I, exc_immunosuppressant="met")
case("mycophenolate_stopped_before_window", {"medications": [{"name": "mycophenolate mofetil", "start": "2024-01-01", "end": "2025-04-15"}]}, E, exc_immunosuppressant="not_met")
case("cyclosporine_in_chinese", {"medications": [{"name": "环孢素", "start": "2025-01-01"}]}, I, exc_immunosuppressant="met")
case("topical_tacrolimus_is_not_systemic", {"medications": [{"name": "tacrolimus", "systemic": False, "start": "2025-01-01"}]}, E, exc_immunosuppressant="not_met")
case("prednisone_is_a_glucocorticoid_not_counted", {"medications": [{"name": "prednisone", "start": "2025-01-01"}]}, E, exc_immunosuppressant="not_met")
case("six_month_tacrolimus_stopped_25_days_before", {"medications": [{"name": "tacrolimus", "start": "2024-11-07", "end": "2025-05-07"}]}, I, exc_immunosuppressant="met")
case("course_ending_on_the_first_day_of_the_window", {"medications": [{"name": "tacrolimus", "start": "2025-04-01", "end": "2025-05-02"}]}, I, exc_immunosuppressant="met")
case("course_ending_the_day_before_the_window", {"medications": [{"name": "tacrolimus", "start": "2025-04-01", "end": "2025-05-01"}]}, E, exc_immunosuppressant="not_met")
for label, name in [("cyclosporin", "cyclosporin"), ("cyclosporin_a_in_chinese", "环孢素A"), ("tacrolimus_capsules_in_chinese", "他克莫司胶囊"), ("fk506", "FK506"), ("prograf_with_dose_and_frequency", "Prograf 1mg bid"), ("mizoribine", "mizoribine"), ("mizoribine_in_chinese", "咪唑立宾"), ("voclosporin", "voclosporin"), ("cyclosporine_a", "Cyclosporine A")]:
    case("immunosuppressant_named_" + label, {"medications": [{"name": name, "start": "2025-01-01"}]}, I, exc_immunosuppressant="met")
case("metformin_does_not_leave_the_candidate_pending", {"medications": [{"name": "Metformin 500mg", "start": "2020-01-01"}, {"name": "二甲双胍片", "start": "2020-01-01"}]}, E, exc_immunosuppressant="not_met")
case("an_unknown_drug_in_the_window_is_unknown", {"medications": [{"name": "mystery-mab", "start": "2025-01-01"}]}, P, exc_immunosuppressant="unknown")
case("an_unknown_drug_stopped_before_the_window_does_not_matter", {"medications": [{"name": "mystery-mab", "start": "2024-01-01", "end": "2025-04-01"}]}, E, exc_immunosuppressant="not_met")
case("an_unknown_drug_with_an_l04_atc_code_counts", {"medications": [{"name": "mystery-mab", "atc": "L04AG99", "start": "2025-01-01"}]}, I, exc_immunosuppressant="met")
case("an_unknown_drug_with_an_antidiabetic_atc_code_does_not", {"medications": [{"name": "mystery-flozin", "atc": "A10BK99", "start": "2025-01-01"}]}, E, exc_immunosuppressant="not_met")
case("a_counted_drug_wins_over_an_unknown_one", {"medications": [{"name": "mystery-mab", "start": "2025-01-01"}, {"name": "tacrolimus", "start": "2025-01-01"}]}, I, exc_immunosuppressant="met")
case("medication_history_not_taken", {"medications": None}, P, exc_immunosuppressant="unknown")
# readings-3: entries that overlap or follow on the next day are one course, whichever
# immunosuppressants they name; a cream in a combination does not hide its systemic part
case("back_to_back_tacrolimus_entries_are_one_course", {"medications": [{"name": "tacrolimus", "start": "2025-05-10", "end": "2025-05-14"}, {"name": "tacrolimus", "start": "2025-05-15", "end": "2025-05-19"}]}, I, exc_immunosuppressant="met")
case("a_switch_from_tacrolimus_to_cyclosporine_is_one_course", {"medications": [{"name": "tacrolimus", "start": "2025-05-15", "end": "2025-05-19"}, {"name": "cyclosporine", "start": "2025-05-20", "end": "2025-05-23"}]}, I, exc_immunosuppressant="met")
case("a_day_without_treatment_makes_two_courses", {"medications": [{"name": "tacrolimus", "start": "2025-05-10", "end": "2025-05-14"}, {"name": "tacrolimus", "start": "2025-05-16", "end": "2025-05-20"}]}, E, exc_immunosuppressant="not_met")
case("a_course_begun_before_the_window_counts_whole", {"medications": [{"name": "tacrolimus", "start": "2025-04-25", "end": "2025-05-01"}, {"name": "tacrolimus", "start": "2025-05-02", "end": "2025-05-03"}]}, I, exc_immunosuppressant="met")
case("a_name_and_an_atc_code_that_disagree_leave_it_unknown", {"medications": [{"name": "metformin", "atc": "L04AD02", "start": "2025-01-01"}]}, P, exc_immunosuppressant="unknown")
case("a_name_and_an_atc_code_that_agree_decide_it", {"medications": [{"name": "tacrolimus", "atc": "L04AD02", "start": "2025-01-01"}]}, I, exc_immunosuppressant="met")
case("a_form_word_in_one_part_of_a_combination_is_for_a_person_to_read", {"medications": [{"name": "cyclosporine/hydrocortisone cream", "start": "2025-01-01"}]}, P, exc_immunosuppressant="unknown")
case("a_form_word_in_one_part_beside_an_uncounted_steroid_does_not_count", {"medications": [{"name": "prednisone/hydrocortisone cream", "start": "2025-01-01"}]}, E, exc_immunosuppressant="not_met")
case("such_a_combination_with_a_systemic_atc_code_counts", {"medications": [{"name": "cyclosporine/hydrocortisone cream", "atc": "L04AD01", "start": "2025-01-01"}]}, I, exc_immunosuppressant="met")
case("hyperkalaemia_resolved_long_ago_does_not_answer_for_a_raised_potassium", {**labs(potassium=entry("2025-05-20", 6.5, "mmol/L")), **cond({"condition": "hyperkalaemia", "onset": "2010-01-01", "resolved": "2010-02-01"})}, P, exc_hyperkalaemia="unknown")
# Severe cardiovascular disease
case("atrial_fibrillation", cond({"condition": "atrial_fibrillation", "onset": "2020-01-01"}), I, exc_severe_cardiovascular="met")
case("atrial_fibrillation_resolved", cond({"condition": "atrial_fibrillation", "onset": "2020-01-01", "resolved": "2021-01-01"}), E, exc_severe_cardiovascular="not_met")
case("heart_failure_nyha_2", cond({"condition": "heart_failure", "onset": "2022-01-01", "nyha_class": 2}), E, exc_severe_cardiovascular="not_met")
case("heart_failure_nyha_3", cond({"condition": "heart_failure", "onset": "2022-01-01", "nyha_class": 3}), I, exc_severe_cardiovascular="met")
case("myocardial_infarction_5_months_ago", cond({"condition": "myocardial_infarction", "onset": "2025-01-01", "resolved": "2025-01-20"}), I, exc_severe_cardiovascular="met")
case("acute_coronary_syndrome_exactly_6_months_ago", cond({"condition": "acute_coronary_syndrome", "onset": "2024-12-01"}), I, exc_severe_cardiovascular="met")
case("myocardial_infarction_6_months_and_a_day_ago", cond({"condition": "myocardial_infarction", "onset": "2024-11-30", "resolved": "2024-12-10"}), E, exc_severe_cardiovascular="not_met")
case("myocardial_infarction_undated", cond({"condition": "myocardial_infarction"}), P, exc_severe_cardiovascular="unknown")
# readings-3: without an onset, resolved before the window opened is before the window
case("unstable_angina_resolved_but_begun_within_6_months", cond({"condition": "unstable_angina", "onset": "2025-04-01", "resolved": "2025-04-10"}), I, exc_severe_cardiovascular="met")
case("unstable_angina_resolved_and_begun_before_6_months", cond({"condition": "unstable_angina", "onset": "2024-10-01", "resolved": "2024-10-10"}), E, exc_severe_cardiovascular="not_met")
case("myocardial_infarction_undated_resolved_before_6_months", cond({"condition": "myocardial_infarction", "resolved": "2024-11-01"}), E, exc_severe_cardiovascular="not_met")
case("severe_valvular_disease", cond({"condition": "severe_valvular_disease", "onset": "2023-01-01"}), I, exc_severe_cardiovascular="met")
case("heart_failure_class_unknown", cond({"condition": "heart_failure", "onset": "2022-01-01"}), P, exc_severe_cardiovascular="unknown")
case("medical_history_not_taken", {"conditions": None}, P, exc_severe_cardiovascular="unknown", exc_stroke="unknown", exc_malignancy="unknown")
# Stroke within 6 months, lacunar exception
case("cerebral_infarction_4_months_ago", cond({"condition": "cerebral_infarction", "onset": "2025-02-01"}), I, exc_stroke="met")
case("cerebral_haemorrhage_exactly_6_months_ago", cond({"condition": "cerebral_haemorrhage", "onset": "2024-12-01"}), I, exc_stroke="met")
case("cerebral_infarction_6_months_and_a_day_ago", cond({"condition": "cerebral_infarction", "onset": "2024-11-30"}), E, exc_stroke="not_met")
case("lacunar_infarction_without_deficit", cond({"condition": "lacunar_infarction", "onset": "2025-03-01", "residual_deficit": False}), E, exc_stroke="not_met")
case("lacunar_infarction_with_deficit", cond({"condition": "lacunar_infarction", "onset": "2025-03-01", "residual_deficit": True}), I, exc_stroke="met")
case("lacunar_infarction_deficit_unknown", cond({"condition": "lacunar_infarction", "onset": "2025-03-01"}), P, exc_stroke="unknown")
# readings-3: the lacunar exception holds whenever it happened; an undated stroke resolved
# before the window is before it, one resolved within it is not known to be
case("lacunar_infarction_without_deficit_undated", cond({"condition": "lacunar_infarction", "residual_deficit": False}), E, exc_stroke="not_met")
case("cerebral_haemorrhage_undated_resolved_before_6_months", cond({"condition": "cerebral_haemorrhage", "resolved": "2024-10-01"}), E, exc_stroke="not_met")
case("cerebral_haemorrhage_undated_resolved_within_6_months", cond({"condition": "cerebral_haemorrhage", "resolved": "2025-03-01"}), P, exc_stroke="unknown")
# Severe hyperlipidaemia: TG >= 6.2 mmol/L or LDL-C >= 4.1 mmol/L
case("triglycerides_exactly_6_2", labs(triglycerides=entry("2025-05-20", 6.2, "mmol/L")), I, exc_hyperlipidaemia="met")
case("triglycerides_549_134_mg_dl_is_6_2", labs(triglycerides=entry("2025-05-20", 549.134, "mg/dL")), I, exc_hyperlipidaemia="met")
case("triglycerides_6_19", labs(triglycerides=entry("2025-05-20", 6.19, "mmol/L")), E, exc_hyperlipidaemia="not_met")
case("ldl_exactly_4_1", labs(ldl_cholesterol=entry("2025-05-20", 4.1, "mmol/L")), I, exc_hyperlipidaemia="met")
case("ldl_158_5265_mg_dl_is_4_1", labs(ldl_cholesterol=entry("2025-05-20", 158.5265, "mg/dL")), I, exc_hyperlipidaemia="met")
case("ldl_150_mg_dl_below", labs(ldl_cholesterol=entry("2025-05-20", 150, "mg/dL")), E, exc_hyperlipidaemia="not_met")
case("lipids_not_measured", labs(triglycerides=[], ldl_cholesterol=[]), P, exc_hyperlipidaemia="unknown")
# Hyperkalaemia
case("uncontrolled_hyperkalaemia", cond({"condition": "hyperkalaemia", "onset": "2025-01-01", "uncontrolled": True}), I, exc_hyperkalaemia="met")
case("controlled_hyperkalaemia", cond({"condition": "hyperkalaemia", "onset": "2025-01-01", "uncontrolled": False}), E, exc_hyperkalaemia="not_met")
# readings-3: the latest potassium within 30 days is read; above 5.5 mmol/L with no
# hyperkalaemia recorded, whether it can be controlled is not known
case("potassium_above_5_5_without_hyperkalaemia_recorded", labs(potassium=entry("2025-05-20", 5.8, "mmol/L")), P, exc_hyperkalaemia="unknown")
case("potassium_6_0_meq_per_l_without_hyperkalaemia_recorded", labs(potassium=entry("2025-05-20", 6.0, "mEq/L")), P, exc_hyperkalaemia="unknown")
case("potassium_exactly_5_5_is_not_raised", labs(potassium=entry("2025-05-20", 5.5, "mmol/L")), E, exc_hyperkalaemia="not_met")
case("raised_potassium_with_controlled_hyperkalaemia_recorded", {**labs(potassium=entry("2025-05-20", 5.8, "mmol/L")), **cond({"condition": "hyperkalaemia", "onset": "2025-01-01", "uncontrolled": False})}, E, exc_hyperkalaemia="not_met")
case("raised_potassium_older_than_30_days", labs(potassium=entry("2025-04-20", 5.8, "mmol/L")), E, exc_hyperkalaemia="not_met")
# Viral hepatitis
case("hbv_dna_above_uln", labs(hbv_dna=[{"date": "2025-05-20", "value": 25, "upper_limit_of_normal": 20}]), I, exc_viral_hepatitis="met")
case("hbv_dna_at_uln", labs(hbv_dna=[{"date": "2025-05-20", "value": 20, "upper_limit_of_normal": 20}]), E, exc_viral_hepatitis="not_met")
case("hcv_rna_not_measured", labs(hcv_rna=[]), P, exc_viral_hepatitis="unknown")
# Serology (readings-2): a negative HBsAg / anti-HCV rules out the active infection when no viral
# load is known; a positive one needs the viral load
case("negative_hbsag_rules_out_hbv", labs(hbv_dna=[], hbsag=[{"date": "2025-05-20", "positive": False}]), E, exc_viral_hepatitis="not_met")
case("negative_anti_hcv_rules_out_hcv", labs(hcv_rna=[], anti_hcv=[{"date": "2025-05-20", "positive": False}]), E, exc_viral_hepatitis="not_met")
case("positive_hbsag_needs_the_viral_load", labs(hbv_dna=[], hbsag=[{"date": "2025-05-20", "positive": True}]), P, exc_viral_hepatitis="unknown")
case("the_viral_load_wins_over_a_negative_serology", labs(hbv_dna=[{"date": "2025-05-20", "value": 25, "upper_limit_of_normal": 20}], hbsag=[{"date": "2025-05-20", "positive": False}]), I, exc_viral_hepatitis="met")
case("serology_older_than_90_days_is_not_used", labs(hbv_dna=[], hbsag=[{"date": "2025-02-01", "positive": False}]), P, exc_viral_hepatitis="unknown")
# TB / HIV / immunodeficiency, malignancy, allergy
case("hiv", cond({"condition": "hiv", "onset": "2010-01-01"}), I, exc_tuberculosis_hiv_immunodeficiency="met")
case("malignancy_resolved_within_5_years", cond({"condition": "malignancy", "onset": "2021-01-01", "resolved": "2021-06-01"}), I, exc_malignancy="met")
case("malignancy_resolved_6_years_ago", cond({"condition": "malignancy", "onset": "2015-01-01", "resolved": "2019-05-01"}), E, exc_malignancy="not_met")
case("malignancy_undated", cond({"condition": "malignancy"}), P, exc_malignancy="unknown")
case("malignancy_undated_resolved_before_5_years", cond({"condition": "malignancy", "resolved": "2000-01-01"}), E, exc_malignancy="not_met")
case("blood_product_allergy", cond({"condition": "blood_product_allergy"}), I, exc_allergy="met")
# Pregnancy, lactation, childbearing
case("lactating", {"lactating": True}, I, exc_pregnancy_lactation="met")
case("currently_pregnant", {"pregnant": True}, I, exc_pregnancy_lactation="met")
case("pregnancy_not_recorded", {"pregnant": None}, P, exc_pregnancy_lactation="unknown")
case("pregnancy_plan_unknown", {"pregnancy_or_egg_donation_plan": None}, P, exc_pregnancy_lactation="unknown")
case("woman_with_a_childbearing_plan", {"childbearing_plan_without_contraception": True}, I, exc_pregnancy_lactation="met")
case("man_with_childbearing_plan_without_contraception", {"sex": "male", "lactating": None, "pregnant": None, "pregnancy_or_egg_donation_plan": None, "childbearing_plan_without_contraception": True}, I, exc_pregnancy_lactation="met")
case("man_without_such_plan", {"sex": "male", "lactating": None, "pregnant": None, "pregnancy_or_egg_donation_plan": None, "childbearing_plan_without_contraception": False}, E, exc_pregnancy_lactation="not_met")
# Active infection with IV antibiotics within 1 week
case("infection_iv_antibiotics_4_days_ago", cond({"condition": "active_infection", "onset": "2025-05-28", "iv_antibiotics": True}), I, exc_active_infection="met")
case("infection_oral_antibiotics", cond({"condition": "active_infection", "onset": "2025-05-28", "iv_antibiotics": False}), E, exc_active_infection="not_met")
case("infection_resolved_before_the_week", cond({"condition": "active_infection", "onset": "2025-05-10", "resolved": "2025-05-20", "iv_antibiotics": True}), E, exc_active_infection="not_met")
case("infection_undated_without_iv_antibiotics", cond({"condition": "active_infection", "iv_antibiotics": False}), E, exc_active_infection="not_met")
# Other interventional trial within 3 months
case("trial_ended_within_3_months", {"other_trials": [{"interventional": True, "start": "2024-06-01", "end": "2025-03-15"}]}, I, exc_other_trial="met")
case("trial_ended_3_months_and_a_day_ago", {"other_trials": [{"interventional": True, "start": "2024-06-01", "end": "2025-02-28"}]}, E, exc_other_trial="not_met")
case("observational_study_does_not_count", {"other_trials": [{"interventional": False, "start": "2025-05-01"}]}, E, exc_other_trial="not_met")
case("investigator_deems_unsuitable", {"investigator_deems_unsuitable": True}, I, exc_investigator_judgement="met")
# Units spelled as labs print them, outside the table's exact spellings (case, spaces, aliases,
# UCUM codes): read as the same unit, so the same thresholds hold exactly
case("urine_protein_exactly_3_5_g_spelled_g_per_day_and_mg_24H", labs(urine_protein_24h=entry("2025-04-02", 3.5, "g/day") + entry("2025-05-20", 3500, "MG/24H")), E, inc_urine_protein="met")
case("uacr_113_12_mg_mmol_spelled_in_capitals_is_exactly_1000", labs(uacr=entry("2025-05-20", 113.12, "MG/MMOL")), I, inc_uacr="not_met")
case("creatinine_in_ascii_lower_case_umol_l", labs(creatinine=entry("2025-05-20", 150, "umol/l")), E, inc_egfr="met")
case("hba1c_exactly_9_spelled_percent_ngsp_with_spaces", labs(hba1c=entry("2025-05-20", 9.0, " %(NGSP) ")), I, inc_hba1c="not_met")
case("bp_exactly_160_100_in_ucum_mm_hg", {"blood_pressures": [{"date": "2025-05-28", "systolic": 160, "diastolic": 100, "unit": "mm[Hg]"}]}, E, inc_blood_pressure="met")
# Ineligible wins over pending
case("ineligible_wins_over_pending", {"informed_consent": None, "type2_diabetes": False}, I, inc_consent="unknown", inc_type2_diabetes="not_met")
# Bad input: typed errors naming the field path
error("date_after_screening", labs(uacr=entry("2025-06-02", 1500, "mg/g")), "date_after_screening", "labs.uacr[0].date")
error("unknown_unit", labs(creatinine=entry("2025-05-20", 150, "mg/furlong")), "unknown_unit", "labs.creatinine[0]")
error("unit_not_for_analyte", labs(hba1c=entry("2025-05-20", 7, "mmHg")), "unit_not_for_analyte", "labs.hba1c[0]")
error("medication_end_before_start", {"medications": [{"name": "tacrolimus", "start": "2025-01-10", "end": "2025-01-01"}]}, "dates_out_of_order", "medications[0].end")
error("nyha_class_5", cond({"condition": "heart_failure", "nyha_class": 5}), "invalid_value", "conditions[0].nyha_class")
error("medication_atc_not_an_atc_code", {"medications": [{"name": "x", "atc": "L4AD02", "start": "2025-01-01"}]}, "invalid_value", "medications[0].atc")
error("serology_after_screening", labs(hbsag=[{"date": "2025-06-02", "positive": False}]), "date_after_screening", "labs.hbsag[0].date")
error("viral_load_upper_limit_of_zero", labs(hbv_dna=[{"date": "2025-05-20", "value": 0, "upper_limit_of_normal": 0}]), "invalid_value", "labs.hbv_dna[0].upper_limit_of_normal")
error("birth_after_screening", {"date_of_birth": "2026-01-01"}, "dates_out_of_order", "screening_date")
value_without_unit = merge(BASE, {})
value_without_unit["labs"]["uacr"] = [{"date": "2025-05-20", "value": 1500}]
error("value_without_unit", None, "malformed", "labs.uacr[0]", raw=json.dumps(value_without_unit, ensure_ascii=False))
unknown = merge(BASE, {})
unknown["labs"]["colour"] = "red"
error("unknown_field", None, "malformed", "labs.colour", raw=json.dumps(unknown, ensure_ascii=False))
error("malformed_json_ends_inside_a_field", None, "malformed", "sex", raw='{"id": "X", "sex": ')
error("not_json_at_all", None, "malformed", ".", raw="id=X; sex=F")

doc = {
    "description": "Screening vectors. Screen `record` (or the raw text `json`) under the default ProtocolConfig; expect `status` and, for each id in `criteria`, that outcome; or expect an error of `error.kind` whose path is `error.path`.",
    "cases": cases,
}
(HERE / "cases.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(f"{len(cases)} cases -> {HERE / 'cases.json'}")
