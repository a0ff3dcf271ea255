//! The GFR equations themselves: pure arithmetic on canonical numbers, no checks.
//!
//! Each kernel takes serum creatinine in mg/dL (the unit the equations are published in),
//! cystatin C in mg/L, age in years, weight in kg. Inputs have been checked by the caller
//! ([`super::evaluate`]). Power products are computed as `exp(Σ exponent·ln(x))`, one fused
//! pass per row: `min(r,1)^a · max(r,1)^b` is `r^a` below 1 and `r^b` above, so only one
//! logarithm per analyte is needed.

/// CKD-EPI 2009 creatinine.
///
/// Levey AS, Stevens LA, Schmid CH, et al. "A new equation to estimate glomerular filtration
/// rate." Ann Intern Med 2009;150(9):604-612, doi:10.7326/0003-4819-150-9-200905050-00006.
/// eGFR = 141 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.209 × 0.993^Age × 1.018 [female]
/// × 1.159 [Black]; κ = 0.7 (F) / 0.9 (M), α = −0.329 (F) / −0.411 (M).
pub fn ckd_epi_2009_cr(scr_mg_dl: f64, age: f64, female: bool, black: bool) -> f64 {
    let (kappa, alpha, sex) = if female {
        (0.7, -0.329, 1.018_f64.ln())
    } else {
        (0.9, -0.411, 0.0)
    };
    let race = if black { 1.159_f64.ln() } else { 0.0 };
    let ln_r = (scr_mg_dl / kappa).ln();
    let e = if ln_r < 0.0 { alpha } else { -1.209 };
    (141.0_f64.ln() + e * ln_r + age * 0.993_f64.ln() + sex + race).exp()
}

/// CKD-EPI 2021 creatinine, without race.
///
/// Inker LA, Eneanya ND, Coresh J, et al. "New creatinine- and cystatin C-based equations to
/// estimate GFR without race." N Engl J Med 2021;385:1737-1749, doi:10.1056/NEJMoa2102953.
/// eGFR = 142 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.200 × 0.9938^Age × 1.012 [female];
/// κ = 0.7 (F) / 0.9 (M), α = −0.241 (F) / −0.302 (M).
pub fn ckd_epi_2021_cr(scr_mg_dl: f64, age: f64, female: bool) -> f64 {
    let (kappa, alpha, sex) = if female {
        (0.7, -0.241, 1.012_f64.ln())
    } else {
        (0.9, -0.302, 0.0)
    };
    let ln_r = (scr_mg_dl / kappa).ln();
    let e = if ln_r < 0.0 { alpha } else { -1.200 };
    (142.0_f64.ln() + e * ln_r + age * 0.9938_f64.ln() + sex).exp()
}

/// CKD-EPI 2012 cystatin C.
///
/// Inker LA, Schmid CH, Tighiouart H, et al. "Estimating glomerular filtration rate from serum
/// creatinine and cystatin C." N Engl J Med 2012;367:20-29, doi:10.1056/NEJMoa1114248.
/// eGFR = 133 × min(Scys/0.8,1)^−0.499 × max(Scys/0.8,1)^−1.328 × 0.996^Age × 0.932 [female].
pub fn ckd_epi_2012_cys(scys_mg_l: f64, age: f64, female: bool) -> f64 {
    let sex = if female { 0.932_f64.ln() } else { 0.0 };
    let ln_c = (scys_mg_l / 0.8).ln();
    let e = if ln_c < 0.0 { -0.499 } else { -1.328 };
    (133.0_f64.ln() + e * ln_c + age * 0.996_f64.ln() + sex).exp()
}

/// CKD-EPI 2012 creatinine–cystatin C (Inker 2012, as [`ckd_epi_2012_cys`]).
///
/// eGFR = 135 × min(Scr/κ,1)^α × max(Scr/κ,1)^−0.601 × min(Scys/0.8,1)^−0.375
/// × max(Scys/0.8,1)^−0.711 × 0.995^Age × 0.969 [female] × 1.08 [Black];
/// κ = 0.7 (F) / 0.9 (M), α = −0.248 (F) / −0.207 (M).
pub fn ckd_epi_2012_cr_cys(scr_mg_dl: f64, scys_mg_l: f64, age: f64, female: bool, black: bool) -> f64 {
    let (kappa, alpha, sex) = if female {
        (0.7, -0.248, 0.969_f64.ln())
    } else {
        (0.9, -0.207, 0.0)
    };
    let race = if black { 1.08_f64.ln() } else { 0.0 };
    let ln_r = (scr_mg_dl / kappa).ln();
    let ln_c = (scys_mg_l / 0.8).ln();
    let er = if ln_r < 0.0 { alpha } else { -0.601 };
    let ec = if ln_c < 0.0 { -0.375 } else { -0.711 };
    (135.0_f64.ln() + er * ln_r + ec * ln_c + age * 0.995_f64.ln() + sex + race).exp()
}

/// CKD-EPI 2021 creatinine–cystatin C, without race (Inker 2021, as [`ckd_epi_2021_cr`]).
///
/// eGFR = 135 × min(Scr/κ,1)^α × max(Scr/κ,1)^−0.544 × min(Scys/0.8,1)^−0.323
/// × max(Scys/0.8,1)^−0.778 × 0.9961^Age × 0.963 [female];
/// κ = 0.7 (F) / 0.9 (M), α = −0.219 (F) / −0.144 (M).
pub fn ckd_epi_2021_cr_cys(scr_mg_dl: f64, scys_mg_l: f64, age: f64, female: bool) -> f64 {
    let (kappa, alpha, sex) = if female {
        (0.7, -0.219, 0.963_f64.ln())
    } else {
        (0.9, -0.144, 0.0)
    };
    let ln_r = (scr_mg_dl / kappa).ln();
    let ln_c = (scys_mg_l / 0.8).ln();
    let er = if ln_r < 0.0 { alpha } else { -0.544 };
    let ec = if ln_c < 0.0 { -0.323 } else { -0.778 };
    (135.0_f64.ln() + er * ln_r + ec * ln_c + age * 0.9961_f64.ln() + sex).exp()
}

/// The EKFC creatinine rescaling constant Q, in µmol/L.
///
/// Pottel H, Björk J, Courbebaisse M, et al. "Development and validation of a modified full age
/// spectrum creatinine-based equation to estimate glomerular filtration rate." Ann Intern Med
/// 2021;174(2):183-191, doi:10.7326/M20-4366. Above age 25: 80 µmol/L for men, 62 µmol/L for
/// women. Up to and including 25 (here 18–25, adults only), Q follows the paper's age
/// polynomial: ln Q = 3.200 + 0.259·A − 0.543·ln A − 0.00763·A² + 0.0000790·A³ (men),
/// 3.080 + 0.177·A − 0.223·ln A − 0.00596·A² + 0.0000686·A³ (women). Q is kept in µmol/L, the
/// unit the paper defines it in; the rounded 0.90 / 0.70 mg/dL are not used
/// (docs/interpretation.md, "EKFC Q").
pub fn ekfc_q_umol_l(age: f64, female: bool) -> f64 {
    if age > 25.0 {
        return if female { 62.0 } else { 80.0 };
    }
    let ln_q = if female {
        3.080 + 0.177 * age - 0.223 * age.ln() - 0.00596 * age * age + 0.0000686 * age * age * age
    } else {
        3.200 + 0.259 * age - 0.543 * age.ln() - 0.00763 * age * age + 0.0000790 * age * age * age
    };
    ln_q.exp()
}

/// EKFC creatinine (Pottel 2021, see [`ekfc_q_umol_l`]).
///
/// eGFR = 107.3 × (Scr/Q)^α × 0.990^(Age−40) [if Age > 40], with α = −0.322 when Scr/Q < 1 and
/// −1.132 otherwise.
pub fn ekfc_cr(scr_mg_dl: f64, age: f64, female: bool) -> f64 {
    let q_mg_dl = ekfc_q_umol_l(age, female) / super::umol_per_mg_dl();
    let ln_r = (scr_mg_dl / q_mg_dl).ln();
    let e = if ln_r < 0.0 { -0.322 } else { -1.132 };
    let age_term = if age > 40.0 { (age - 40.0) * 0.990_f64.ln() } else { 0.0 };
    (107.3_f64.ln() + e * ln_r + age_term).exp()
}

/// MDRD study equation, 4 variables, re-expressed for IDMS-traceable creatinine.
///
/// Levey AS, Coresh J, Greene T, et al. "Using standardized serum creatinine values in the
/// modification of diet in renal disease study equation for estimating glomerular filtration
/// rate." Ann Intern Med 2006;145(4):247-254, doi:10.7326/0003-4819-145-4-200608150-00004.
/// eGFR = 175 × Scr^−1.154 × Age^−0.203 × 0.742 [female] × 1.212 [Black].
pub fn mdrd4_idms(scr_mg_dl: f64, age: f64, female: bool, black: bool) -> f64 {
    let sex = if female { 0.742_f64.ln() } else { 0.0 };
    let race = if black { 1.212_f64.ln() } else { 0.0 };
    (175.0_f64.ln() - 1.154 * scr_mg_dl.ln() - 0.203 * age.ln() + sex + race).exp()
}

/// Cockcroft–Gault creatinine clearance, mL/min, NOT normalised to body-surface area.
///
/// Cockcroft DW, Gault MH. "Prediction of creatinine clearance from serum creatinine."
/// Nephron 1976;16(1):31-41, doi:10.1159/000180580.
/// CrCl = (140 − Age) × weight(kg) / (72 × Scr) × 0.85 [female].
pub fn cockcroft_gault(scr_mg_dl: f64, age: f64, female: bool, weight_kg: f64) -> f64 {
    let sex = if female { 0.85 } else { 1.0 };
    (140.0 - age) * weight_kg / (72.0 * scr_mg_dl) * sex
}
