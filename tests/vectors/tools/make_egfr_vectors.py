"""Writes tests/vectors/egfr.json from published worked values.

Every expected value is either printed in the cited source, or is the value of a formula that
the cited source's own test suite writes out (marked "formula in source"), evaluated here with
plain floating point. See docs/research/egfr-reference-values.md for the survey behind them.
"""
import json, math, pathlib

KE = "scientific-tools-org/kidney.epi, docs/reference/{}.html (example output)"
MH = "mhovd/egfr, reference/{}.md (example output)"
AD = "pharmaverse/admiral, tests/testthat/test-compute_kidney.R, {}"
TR = "johnasher/transplantr, {}"
EP = "alwinw/epocakir, tests/testthat/test-ckd.R (formula in source: {})"
MHT = "mhovd/egfr, tests/testthat/{} (formula in source: {})"

def cr(v, u="mg/dL"): return {"value": v, "unit": u}

cases = []
def case(name, eq, age, sex, expected, tol, source, creat=None, cys=None, weight=None, black=False, unit=None):
    c = {"name": name, "equation": eq, "age": age, "sex": sex, "black": black,
         "creatinine": creat, "cystatin_c": cys, "weight_kg": weight,
         "expected": expected, "tolerance": tol, "source": source}
    if unit: c["unit"] = unit
    cases.append(c)

def err(name, eq, age, sex, error, creat=None, cys=None, weight=None):
    cases.append({"name": name, "equation": eq, "age": age, "sex": sex, "black": False,
                  "creatinine": creat, "cystatin_c": cys, "weight_kg": weight, "error": error})

# CKD-EPI 2009 creatinine (compact form, 141 x 1.018 x 1.159)
case("ckd_epi_2009_male_1_4_age_60", "ckd_epi_2009_cr", 60, "male", 54.22, 0.01, KE.format("egfr.ckdepi.cr.2009"), cr(1.4))
case("ckd_epi_2009_female_1_0_age_50", "ckd_epi_2009_cr", 50, "female", 65.63762, 0.005, MH.format("egfr_ckdepi_cr_2009"), cr(1.0))
case("ckd_epi_2009_black_female_1_0_age_50", "ckd_epi_2009_cr", 50, "female", 76.07401, 0.006, MH.format("egfr_ckdepi_cr_2009"), cr(1.0), black=True)
case("ckd_epi_2009_male_120_umol_age_45", "ckd_epi_2009_cr", 45, "male", 62.5, 0.1,
     TR.format("tests/testthat/test_egfr.R line 5 (age 45.2 there; 62.5 to one decimal; 88.42 factor)"), cr(120, "µmol/L"))
# CKD-EPI 2021 creatinine
case("ckd_epi_2021_male_1_4_age_60", "ckd_epi_2021_cr", 60, "male", 57.54, 0.01, KE.format("egfr.ckdepi.cr.2021"), cr(1.4))
case("ckd_epi_2021_female_1_0_age_50", "ckd_epi_2021_cr", 50, "female", 68.6335, 0.005, MH.format("egfr_ckdepi_cr_2021"), cr(1.0))
case("ckd_epi_2021_female_0_8_age_40", "ckd_epi_2021_cr", 40, "female", 95.46369, 0.005, MH.format("egfr_ckdepi_cr_2021"), cr(0.8))
case("ckd_epi_2021_male_1_2_age_65", "ckd_epi_2021_cr", 65, "male", 67.11141, 0.005, MH.format("egfr_ckdepi_cr_2021"), cr(1.2))
case("ckd_epi_2021_nkf_calculator_male_1_09_age_55", "ckd_epi_2021_cr", 55, "male", 80, 0.5, AD.format("test 01.01, NKF calculator, integer"), cr(1.09))
case("ckd_epi_2021_nkf_calculator_female_85_umol_age_65", "ckd_epi_2021_cr", 65, "female", 66, 0.5, AD.format("test 01.02, NKF calculator, integer"), cr(85, "umol/L"))
case("ckd_epi_2021_male_96_3_umol_age_55", "ckd_epi_2021_cr", 55, "male", 80.2293, 0.03, AD.format("test 01.07 (88.42 factor there; 88.40 here moves the result by < 0.03)"), cr(96.3, "µmol/L"))
case("ckd_epi_2021_female_70_umol_age_52", "ckd_epi_2021_cr", 52, "female", 89.7175, 0.03, AD.format("test 01.07 (88.42 factor there; 88.40 here moves the result by < 0.03)"), cr(70, "µmol/L"))
case("ckd_epi_2021_male_77_umol_age_67", "ckd_epi_2021_cr", 67, "male", 94.5453, 0.03, AD.format("test 01.07 (88.42 factor there; 88.40 here moves the result by < 0.03)"), cr(77, "μmol/L"))
case("ckd_epi_2021_female_65_umol_age_76", "ckd_epi_2021_cr", 76, "female", 84.4646, 0.03, AD.format("test 01.07 (88.42 factor there; 88.40 here moves the result by < 0.03)"), cr(65, "umol/L"))
# CKD-EPI 2012 cystatin C: formulas written out in epocakir's tests
def f(expr): return eval(expr.replace("^", "**"))
for age, sex, scys in [(20, "female", 0.4), (30, "male", 1.2), (20, "male", 0.4), (30, "female", 1.2)]:
    sexf = "*0.932" if sex == "female" else ""
    ratio = scys / 0.8
    expo = "-0.499" if ratio < 1 else "-1.328"
    expr = f"133*({scys}/0.8)^{expo}*0.996^{age}{sexf}"
    case(f"ckd_epi_2012_cys_{sex}_{scys}_age_{age}", "ckd_epi_2012_cys", age, sex, f(expr), 1e-9, EP.format(expr), cys=cr(scys, "mg/L"))
# CKD-EPI 2012 creatinine-cystatin C (epocakir writes 130.8 = 135 x 0.969 for women)
for age, sex, scr, scys, black in [(30, "male", 1.5, 1.2, True), (20, "female", 0.5, 0.4, False), (30, "female", 1.5, 0.4, False), (20, "male", 0.5, 1.2, False)]:
    k, a = (0.7, -0.248) if sex == "female" else (0.9, -0.207)
    e1 = a if scr / k < 1 else -0.601
    e2 = -0.375 if scys / 0.8 < 1 else -0.711
    lead = "135*0.969" if sex == "female" else "135"
    expr = f"{lead}*({scr}/{k})^{e1}*({scys}/0.8)^{e2}*0.995^{age}" + ("*1.08" if black else "")
    case(f"ckd_epi_2012_cr_cys_{sex}_{scr}_{scys}_age_{age}{'_black' if black else ''}", "ckd_epi_2012_cr_cys", age, sex, f(expr), 1e-9,
         EP.format(expr), cr(scr), cr(scys, "mg/L"), black=black)
# CKD-EPI 2021 creatinine-cystatin C
case("ckd_epi_2021_cr_cys_male_1_4_0_8_age_60", "ckd_epi_2021_cr_cys", 60, "male", 83.97, 0.01, KE.format("egfr.ckdepi.cr_cys.2021"), cr(1.4), cr(0.8, "mg/L"))
case("ckd_epi_2021_cr_cys_female_1_0_0_9_age_50", "ckd_epi_2021_cr_cys", 50, "female", 80.3607, 0.005, MH.format("egfr_ckdepi_cr_cys_2021"), cr(1.0), cr(0.9, "mg/L"))
expr = "135*(0.6/0.9)^-0.144*(0.7/0.8)^-0.323*0.9961^40"
case("ckd_epi_2021_cr_cys_male_0_6_0_7_age_40", "ckd_epi_2021_cr_cys", 40, "male", f(expr), 1e-9, MHT.format("test-reference-values.R", expr), cr(0.6), cr(0.7, "mg/L"))
# EKFC (Q in umol/L, 80/62; mhovd/egfr uses Q = 0.90/0.70 mg/dL, hence the wider tolerance on its rows)
case("ekfc_male_1_4_age_60", "ekfc_2021_cr", 60, "male", 53.56, 0.01, KE.format("egfr.ekfc.cr") + " (Q = 80 umol/L)", cr(1.4))
case("ekfc_female_1_0_age_50", "ekfc_2021_cr", 50, "female", 64.80412, 0.25, MH.format("egfr_ekfc_cr") + " (Q = 0.70 mg/dL there, 62 umol/L here)", cr(1.0))
case("ekfc_creatinine_equal_to_q_at_40_is_107_3", "ekfc_2021_cr", 40, "female", 107.3, 1e-9, MHT.format("test-ekfc-fas.R", "107.3 when Scr = Q, age <= 40"), cr(62, "µmol/L"))
case("ekfc_creatinine_equal_to_q_at_50", "ekfc_2021_cr", 50, "female", 107.3 * 0.990**10, 1e-9, MHT.format("test-ekfc-fas.R", "107.3*0.990^10"), cr(62, "µmol/L"))
case("ekfc_male_q_at_60", "ekfc_2021_cr", 60, "male", 107.3 * 0.990**20, 1e-9, MHT.format("test-reference-values.R", "107.3*0.990^20"), cr(80, "µmol/L"))
case("ekfc_age_18_male_creatinine_at_published_q", "ekfc_2021_cr", 18, "male", 107.3, 0.1,
     MHT.format("test-reference-values.R", "Q(18, male) = 72.3 umol/L; Scr = Q gives 107.3"), cr(72.3, "µmol/L"))
case("ekfc_age_20_female_creatinine_at_published_q", "ekfc_2021_cr", 20, "female", 107.3, 0.1,
     MHT.format("test-reference-values.R", "Q(20, female) = 61.4 umol/L; Scr = Q gives 107.3"), cr(61.4, "µmol/L"))
# EKFC cystatin C (Pottel 2023): Q = 0.83 mg/L up to 50, 0.83 + 0.005 x (age - 50) above;
# formula as written in CRAN kidney.epi's egfr.ekfc.cys (q <- ifelse(age <= 50, 0.83, 0.83 + 0.005*(age - 50)))
KC = "scientific-tools-org/kidney.epi, R/egfr.ekfc.cys.R (formula in source: {})"
def ekfc_cys(scys, age):
    q = 0.83 if age <= 50 else 0.83 + 0.005 * (age - 50)
    r = scys / q
    return 107.3 * r ** (-0.322 if r < 1 else -1.132) * (0.990 ** (age - 40) if age > 40 else 1.0)
for age, sex, scys in [(40, "female", 0.83), (60, "male", 0.88), (45, "female", 1.2), (80, "male", 2.5), (30, "male", 0.6), (70, "female", 1.4)]:
    q = 0.83 if age <= 50 else 0.83 + 0.005 * (age - 50)
    expr = f"107.3*({scys}/{q:g})^{-0.322 if scys / q < 1 else -1.132}" + (f"*0.990^({age}-40)" if age > 40 else "")
    case(f"ekfc_2023_cys_{sex}_{scys}_age_{age}", "ekfc_2023_cys", age, sex, ekfc_cys(scys, age), 1e-9, KC.format(expr), cys=cr(scys, "mg/L"))
# The biomarker at Q gives 107.3 x the age factor, whatever the sex (the equation has no sex term)
case("ekfc_2023_cys_at_q_age_60_is_107_3_x_0_990_pow_20", "ekfc_2023_cys", 60, "female", 107.3 * 0.990**20, 1e-9,
     KC.format("107.3*0.990^20 at ScysC = Q = 0.88"), cys=cr(0.88, "mg/L"))
# EKFC creatinine-cystatin C: the arithmetic mean of EKFC creatinine (Q 80/62 umol/L) and EKFC cystatin C
KCC = "scientific-tools-org/kidney.epi (arithmetic mean of egfr.ekfc.cr and egfr.ekfc.cys; formula in source: {})"
def ekfc_cr(scr_umol, age, female):
    q = 62.0 if female else 80.0
    r = scr_umol / q
    return 107.3 * r ** (-0.322 if r < 1 else -1.132) * (0.990 ** (age - 40) if age > 40 else 1.0)
for age, sex, scr_umol, scys in [(60, "male", 120.0, 1.1), (50, "female", 62.0, 0.83), (75, "female", 150.0, 1.9)]:
    value = (ekfc_cr(scr_umol, age, sex == "female") + ekfc_cys(scys, age)) / 2
    case(f"ekfc_2023_cr_cys_{sex}_{scr_umol:g}_umol_{scys}_age_{age}", "ekfc_2023_cr_cys", age, sex, value, 1e-9,
         KCC.format("(EKFC-Cr + EKFC-Cys) / 2"), cr(scr_umol, "µmol/L"), cr(scys, "mg/L"))
err("ekfc_2023_cys_needs_cystatin_c", "ekfc_2023_cys", 60, "male", "missing_input", creat=cr(1.0))
# MDRD IDMS 175
case("mdrd_male_1_2_age_60", "mdrd4_idms", 60, "male", 61.75871, 0.005, MH.format("egfr_mdrd"), cr(1.2))
case("mdrd_mdcalc_male_1_09_age_55", "mdrd4_idms", 55, "male", 70.2, 0.05, AD.format("test 01.05, MDCalc"), cr(1.09))
case("mdrd_mdcalc_black_female_85_umol_age_65", "mdrd4_idms", 65, "female", 70.6, 0.06, AD.format("test 01.06, MDCalc (88.42 factor)"), cr(85, "µmol/L"), black=True)
# Cockcroft-Gault, mL/min
cg = "mL/min"
case("cockcroft_gault_female_1_0_age_25_60_kg", "cockcroft_gault", 25, "female", 81.45833, 0.00001, TR.format("docs/reference/cockcroft_US.html"), cr(1.0), weight=60, unit=cg)
case("cockcroft_gault_female_88_4_umol", "cockcroft_gault", 25, "female", 81.46, 0.01, TR.format("tests/testthat/test_egfr.R line 17"), cr(88.4, "µmol/L"), weight=60, unit=cg)
case("cockcroft_gault_male_1_0_age_50_80_kg", "cockcroft_gault", 50, "male", 100, 1e-9, MH.format("egfr_cockcroft_gault"), cr(1.0), weight=80, unit=cg)
case("cockcroft_gault_female_1_0_age_50_80_kg", "cockcroft_gault", 50, "female", 85, 1e-9, "mhovd/egfr, tests/testthat/test-ckd-epi.R", cr(1.0), weight=80, unit=cg)
case("cockcroft_gault_nkf_male_1_09_age_55_90_kg", "cockcroft_gault", 55, "male", 97, 0.5, AD.format("test 01.03, NKF calculator, integer"), cr(1.09), weight=90, unit=cg)
# Errors
err("age_17_is_below_the_adult_range", "ckd_epi_2021_cr", 17, "female", "age_out_of_range", cr(1.0))
err("cystatin_equation_without_cystatin", "ckd_epi_2012_cys", 50, "male", "missing_input", cr(1.0))
err("creatinine_equation_without_creatinine", "ckd_epi_2021_cr", 50, "male", "missing_input", cys=cr(1.0, "mg/L"))
err("cockcroft_gault_without_weight", "cockcroft_gault", 50, "male", "missing_input", cr(1.0))
err("cockcroft_gault_weight_5_kg", "cockcroft_gault", 50, "male", "weight_out_of_bounds", cr(1.0), weight=5)
err("unknown_equation", "ckd_epi", 50, "male", "unknown_equation", cr(1.0))
err("unknown_sex", "ckd_epi_2021_cr", 50, "x", "unknown_sex", cr(1.0))
err("fractional_age", "ckd_epi_2021_cr", 50.5, "male", "invalid_age", cr(1.0))
err("creatinine_in_mmhg", "ckd_epi_2021_cr", 50, "male", "unit_not_for_analyte", cr(1.0, "mmHg"))
err("nan_creatinine", "ckd_epi_2021_cr", 50, "male", "not_finite", {"value": "NaN", "unit": "mg/dL"})
err("negative_cystatin", "ckd_epi_2012_cys", 50, "male", "negative", cys=cr(-1.0, "mg/L"))
err("mdrd_result_above_eGFR_bounds", "mdrd4_idms", 18, "male", "out_of_bounds", cr(0.06))

doc = {"description": "eGFR vectors. Build the inputs (age in whole years, sex, optional creatinine/cystatin C as {value, unit}, weight_kg, black), run the equation, and compare the value with expected within tolerance (absolute), or expect the error kind. unit is the result unit (mL/min/1.73m2 unless given).",
       "cases": cases}
path = pathlib.Path(__file__).resolve().parent.parent / "egfr.json"
path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
print(f"{len(cases)} cases -> {path}")
