//! The GFR equations themselves: pure arithmetic on canonical numbers, no checks.
//!
//! Each kernel takes serum creatinine in mg/dL (the unit the equations are published in),
//! cystatin C in mg/L, age in years, weight in kg. Inputs have been checked by the caller
//! ([`super::evaluate`]). Divisions by constants (κ, 0.8) are written as multiplications by
//! their reciprocals, which moves results by at most an ulp and keeps the row loop fast.
//!
//! Every equation but Cockcroft–Gault is a product of powers, so it is written once as a
//! [`LogLinear`] form, `exp(c0 + Σ e_j(x_j)·ln x_j)`, where `min(x,1)^a · max(x,1)^b` becomes the
//! exponent `a` below 1 and `b` above. The scalar functions below and the column-wise batch
//! evaluate the same form with the same [`elementary`](super::elementary) `ln`/`exp`, in the
//! same order, so both give bit-identical results.

use super::elementary::{exp, ln};

/// An equation for one row, as `exp(c0 + Σ_j e_j·ln x_j)` with `e_j = below[j]` when
/// `x_j < 1` and `above[j]` otherwise. Unused terms have `x = 1` (so `ln x = 0` exactly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogLinear {
    /// The log of every factor that does not depend on a power: constant, age, sex, race.
    pub c0: f64,
    /// The bases of the power terms.
    pub x: [f64; 3],
    /// Exponents below 1.
    pub below: [f64; 3],
    /// Exponents at or above 1.
    pub above: [f64; 3],
}

impl LogLinear {
    /// The form with no terms and `c0 = 0` (evaluates to 1): a placeholder.
    pub(crate) fn unit() -> Self {
        LogLinear::new(0.0)
    }

    fn new(c0: f64) -> Self {
        LogLinear { c0, x: [1.0; 3], below: [0.0; 3], above: [0.0; 3] }
    }

    fn term(mut self, j: usize, x: f64, below: f64, above: f64) -> Self {
        self.x[j] = x;
        self.below[j] = below;
        self.above[j] = above;
        self
    }

    /// Evaluates the form.
    pub fn eval(&self) -> f64 {
        // An unused term has x = 1, whose logarithm is exactly +0 (tested): skip computing it.
        let ln_term = |x: f64| if x == 1.0 { 0.0 } else { ln(x) };
        let l = [ln_term(self.x[0]), ln_term(self.x[1]), ln_term(self.x[2])];
        exp(exponent(self.c0, self.below, self.above, l))
    }
}

/// `c0 + Σ e_j·l_j` with `e_j` chosen by the sign of the logarithm `l_j`, in a fixed order: the
/// one expression both [`LogLinear::eval`] and the batch use.
#[inline(always)]
pub(crate) fn exponent(c0: f64, below: [f64; 3], above: [f64; 3], l: [f64; 3]) -> f64 {
    let e = |j: usize| if l[j] < 0.0 { below[j] } else { above[j] };
    c0 + e(0) * l[0] + e(1) * l[1] + e(2) * l[2]
}

/// `female_value` or `male_value`: a select, not a branch, so that a column of mixed sexes
/// stays branch-free and vectorisable.
#[inline(always)]
fn by_sex(female: bool, female_value: f64, male_value: f64) -> f64 {
    if female {
        female_value
    } else {
        male_value
    }
}

/// CKD-EPI 2009 creatinine.
///
/// Levey AS, Stevens LA, Schmid CH, et al. "A new equation to estimate glomerular filtration
/// rate." Ann Intern Med 2009;150(9):604-612, doi:10.7326/0003-4819-150-9-200905050-00006.
/// eGFR = 141 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.209 × 0.993^Age × 1.018 [female]
/// × 1.159 [Black]; κ = 0.7 (F) / 0.9 (M), α = −0.329 (F) / −0.411 (M). (The paper's Table 2
/// rounds 141 × 1.018 to 144; the single-equation form is used here.)
#[inline]
pub fn ckd_epi_2009_cr_form(scr_mg_dl: f64, age: f64, female: bool, black: bool) -> LogLinear {
    let inv_kappa = by_sex(female, 1.0 / 0.7, 1.0 / 0.9);
    let alpha = by_sex(female, -0.329, -0.411);
    let sex = by_sex(female, 1.018_f64.ln(), 0.0);
    let race = if black { 1.159_f64.ln() } else { 0.0 };
    LogLinear::new(141.0_f64.ln() + age * 0.993_f64.ln() + sex + race).term(0, scr_mg_dl * inv_kappa, alpha, -1.209)
}

/// CKD-EPI 2021 creatinine, without race.
///
/// Inker LA, Eneanya ND, Coresh J, et al. "New creatinine- and cystatin C-based equations to
/// estimate GFR without race." N Engl J Med 2021;385:1737-1749, doi:10.1056/NEJMoa2102953.
/// eGFR = 142 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.200 × 0.9938^Age × 1.012 [female];
/// κ = 0.7 (F) / 0.9 (M), α = −0.241 (F) / −0.302 (M).
#[inline]
pub fn ckd_epi_2021_cr_form(scr_mg_dl: f64, age: f64, female: bool) -> LogLinear {
    let inv_kappa = by_sex(female, 1.0 / 0.7, 1.0 / 0.9);
    let alpha = by_sex(female, -0.241, -0.302);
    let sex = by_sex(female, 1.012_f64.ln(), 0.0);
    LogLinear::new(142.0_f64.ln() + age * 0.9938_f64.ln() + sex).term(0, scr_mg_dl * inv_kappa, alpha, -1.200)
}

/// CKD-EPI 2012 cystatin C.
///
/// Inker LA, Schmid CH, Tighiouart H, et al. "Estimating glomerular filtration rate from serum
/// creatinine and cystatin C." N Engl J Med 2012;367:20-29, doi:10.1056/NEJMoa1114248.
/// eGFR = 133 × min(Scys/0.8,1)^−0.499 × max(Scys/0.8,1)^−1.328 × 0.996^Age × 0.932 [female].
#[inline]
pub fn ckd_epi_2012_cys_form(scys_mg_l: f64, age: f64, female: bool) -> LogLinear {
    let sex = if female { 0.932_f64.ln() } else { 0.0 };
    LogLinear::new(133.0_f64.ln() + age * 0.996_f64.ln() + sex).term(1, scys_mg_l * 1.25, -0.499, -1.328)
}

/// CKD-EPI 2012 creatinine–cystatin C (Inker 2012, as [`ckd_epi_2012_cys_form`]).
///
/// eGFR = 135 × min(Scr/κ,1)^α × max(Scr/κ,1)^−0.601 × min(Scys/0.8,1)^−0.375
/// × max(Scys/0.8,1)^−0.711 × 0.995^Age × 0.969 [female] × 1.08 [Black];
/// κ = 0.7 (F) / 0.9 (M), α = −0.248 (F) / −0.207 (M).
#[inline]
pub fn ckd_epi_2012_cr_cys_form(scr_mg_dl: f64, scys_mg_l: f64, age: f64, female: bool, black: bool) -> LogLinear {
    let inv_kappa = by_sex(female, 1.0 / 0.7, 1.0 / 0.9);
    let alpha = by_sex(female, -0.248, -0.207);
    let sex = by_sex(female, 0.969_f64.ln(), 0.0);
    let race = if black { 1.08_f64.ln() } else { 0.0 };
    LogLinear::new(135.0_f64.ln() + age * 0.995_f64.ln() + sex + race)
        .term(0, scr_mg_dl * inv_kappa, alpha, -0.601)
        .term(1, scys_mg_l * 1.25, -0.375, -0.711)
}

/// CKD-EPI 2021 creatinine–cystatin C, without race (Inker 2021, as [`ckd_epi_2021_cr_form`]).
///
/// eGFR = 135 × min(Scr/κ,1)^α × max(Scr/κ,1)^−0.544 × min(Scys/0.8,1)^−0.323
/// × max(Scys/0.8,1)^−0.778 × 0.9961^Age × 0.963 [female];
/// κ = 0.7 (F) / 0.9 (M), α = −0.219 (F) / −0.144 (M).
#[inline]
pub fn ckd_epi_2021_cr_cys_form(scr_mg_dl: f64, scys_mg_l: f64, age: f64, female: bool) -> LogLinear {
    let inv_kappa = by_sex(female, 1.0 / 0.7, 1.0 / 0.9);
    let alpha = by_sex(female, -0.219, -0.144);
    let sex = by_sex(female, 0.963_f64.ln(), 0.0);
    LogLinear::new(135.0_f64.ln() + age * 0.9961_f64.ln() + sex).term(0, scr_mg_dl * inv_kappa, alpha, -0.544).term(
        1,
        scys_mg_l * 1.25,
        -0.323,
        -0.778,
    )
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
#[inline]
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
#[inline]
pub fn ekfc_cr_form(scr_mg_dl: f64, age: f64, female: bool) -> LogLinear {
    let q_mg_dl = ekfc_q_umol_l(age, female) * super::MG_DL_PER_UMOL;
    let age_term = if age > 40.0 { (age - 40.0) * 0.990_f64.ln() } else { 0.0 };
    LogLinear::new(107.3_f64.ln() + age_term).term(0, scr_mg_dl / q_mg_dl, -0.322, -1.132)
}

/// The EKFC cystatin C rescaling constant Q, in mg/L: 0.83 up to age 50, then rising by
/// 0.005 mg/L a year (0.98 at 80), for women and men alike.
///
/// Pottel H, Björk J, Rule AD, et al. "Cystatin C-based equation to estimate GFR without the
/// inclusion of race and sex." N Engl J Med 2023;388(4):333-343, doi:10.1056/NEJMoa2203769.
/// (The additive form after 50 as implemented by CRAN `kidney.epi` `egfr.ekfc.cys`, egfr.app
/// and Delanaye et al. Clin Kidney J 2023;16(9):1375-1383; the paper's own table was not
/// available to this project: `docs/interpretation.md`, "EKFC cystatin C".)
#[inline]
pub fn ekfc_cys_q_mg_l(age: f64) -> f64 {
    if age <= 50.0 {
        0.83
    } else {
        0.83 + 0.005 * (age - 50.0)
    }
}

/// EKFC cystatin C (Pottel 2023, see [`ekfc_cys_q_mg_l`]).
///
/// eGFR = 107.3 × (ScysC/Q)^α × 0.990^(Age−40) [if Age > 40], with α = −0.322 when ScysC/Q < 1
/// and −1.132 otherwise: the EKFC form with cystatin C as the biomarker.
#[inline]
pub fn ekfc_cys_form(scys_mg_l: f64, age: f64) -> LogLinear {
    let age_term = if age > 40.0 { (age - 40.0) * 0.990_f64.ln() } else { 0.0 };
    LogLinear::new(107.3_f64.ln() + age_term).term(1, scys_mg_l / ekfc_cys_q_mg_l(age), -0.322, -1.132)
}

/// EKFC creatinine–cystatin C: the arithmetic mean of the EKFC creatinine estimate
/// ([`ekfc_cr_form`]) and the EKFC cystatin C estimate ([`ekfc_cys_form`]), as defined with
/// the cystatin C equation (Pottel 2023; the definition as implemented by CRAN `kidney.epi` and
/// used by Pottel et al., Pediatr Nephrol 2024).
#[inline]
pub fn ekfc_cr_cys(scr_mg_dl: f64, scys_mg_l: f64, age: f64, female: bool) -> f64 {
    (ekfc_cr_form(scr_mg_dl, age, female).eval() + ekfc_cys_form(scys_mg_l, age).eval()) / 2.0
}

/// MDRD study equation, 4 variables, re-expressed for IDMS-traceable creatinine.
///
/// Levey AS, Coresh J, Greene T, et al. "Using standardized serum creatinine values in the
/// modification of diet in renal disease study equation for estimating glomerular filtration
/// rate." Ann Intern Med 2006;145(4):247-254, doi:10.7326/0003-4819-145-4-200608150-00004.
/// eGFR = 175 × Scr^−1.154 × Age^−0.203 × 0.742 [female] × 1.212 [Black].
#[inline]
pub fn mdrd4_idms_form(scr_mg_dl: f64, age: f64, female: bool, black: bool) -> LogLinear {
    let sex = if female { 0.742_f64.ln() } else { 0.0 };
    let race = if black { 1.212_f64.ln() } else { 0.0 };
    LogLinear::new(175.0_f64.ln() + sex + race).term(0, scr_mg_dl, -1.154, -1.154).term(2, age, -0.203, -0.203)
}

/// Cockcroft–Gault creatinine clearance, mL/min, NOT normalised to body-surface area.
///
/// Cockcroft DW, Gault MH. "Prediction of creatinine clearance from serum creatinine."
/// Nephron 1976;16(1):31-41, doi:10.1159/000180580.
/// CrCl = (140 − Age) × weight(kg) / (72 × Scr) × 0.85 [female].
#[inline]
pub fn cockcroft_gault(scr_mg_dl: f64, age: f64, female: bool, weight_kg: f64) -> f64 {
    let sex = if female { 0.85 } else { 1.0 };
    (140.0 - age) * weight_kg / (72.0 * scr_mg_dl) * sex
}
