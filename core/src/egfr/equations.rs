//! The GFR equations, each written once with the numbers and in the form its paper prints.
//!
//! Every equation but Cockcroft–Gault is a product of powers. Those of one family share a
//! shape ([`CkdEpi`], [`Ekfc`], [`Mdrd`]) and each is a constant of that shape holding the
//! paper's coefficients, in the paper's order. Each shape has two evaluations:
//!
//! - `as_published`: the product of powers as printed (`142 × min(Scr/κ, 1)^α × …`), with the
//!   standard library's `powf`: the reading a clinician checks against the paper;
//! - `log_linear` ([`super::log_linear`]): the same product as `exp(c0 + Σ e·ln x)`, derived
//!   from the same constant, which the scalar [`super::estimate`] and the column-wise batch
//!   both evaluate (so that one patient and a column give bit-identical results).
//!
//! The two agree within a relative 1e-12 for every input within the plausibility bounds (a
//! property test; the largest difference seen is a few units in the 15th digit).
//!
//! Units: serum creatinine in mg/dL and cystatin C in mg/L (the units the equations are
//! published in), age in years, weight in kg. Inputs have been checked by the caller
//! (the checks of `estimate` and the batch).

/// A value that differs between women and men.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BySex {
    /// For women.
    pub female: f64,
    /// For men.
    pub male: f64,
}

impl BySex {
    /// The same value for women and men.
    pub const fn both(value: f64) -> Self {
        BySex { female: value, male: value }
    }

    /// The value for the sex given.
    #[inline(always)]
    pub fn of(self, female: bool) -> f64 {
        // A select, not a branch, so that a column of mixed sexes stays branch-free.
        if female {
            self.female
        } else {
            self.male
        }
    }
}

/// A biomarker term of the CKD-EPI equations: `min(X/κ, 1)^below × max(X/κ, 1)^above`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Knee {
    /// κ, where the exponent changes (mg/dL for creatinine, mg/L for cystatin C).
    pub kappa: BySex,
    /// The exponent below κ (α for creatinine).
    pub below: BySex,
    /// The exponent above κ.
    pub above: f64,
}

impl Knee {
    /// `min(x/κ, 1)^below × max(x/κ, 1)^above`, as printed.
    fn as_published(&self, x: f64, female: bool) -> f64 {
        let ratio = x / self.kappa.of(female);
        ratio.min(1.0).powf(self.below.of(female)) * ratio.max(1.0).powf(self.above)
    }
}

/// The CKD-EPI shape:
///
/// eGFR = A × min(Scr/κ, 1)^α × max(Scr/κ, 1)^β × min(Scys/κ′, 1)^γ × max(Scys/κ′, 1)^δ
/// × C^Age × F \[if female\] × R \[if Black\]
///
/// with the creatinine and cystatin C terms present as the equation uses them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CkdEpi {
    /// A, the leading constant.
    pub constant: f64,
    /// The creatinine term, if the equation uses creatinine.
    pub creatinine: Option<Knee>,
    /// The cystatin C term, if the equation uses cystatin C.
    pub cystatin_c: Option<Knee>,
    /// C, raised to the age in years.
    pub age_base: f64,
    /// F, the factor for women.
    pub female: f64,
    /// R, the factor for Black race (1 for the equations without race).
    pub black: f64,
}

impl CkdEpi {
    /// The equation evaluated as printed.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::egfr::equations::CKD_EPI_2021_CR;
    /// // Inker 2021: a 60-year-old woman with creatinine 1.0 mg/dL has an eGFR of 64.
    /// let egfr = CKD_EPI_2021_CR.as_published(1.0, f64::NAN, 60.0, true, false);
    /// assert_eq!(egfr.round(), 64.0);
    /// ```
    pub fn as_published(&self, scr_mg_dl: f64, scys_mg_l: f64, age: f64, female: bool, black: bool) -> f64 {
        let mut egfr = self.constant;
        if let Some(creatinine) = &self.creatinine {
            egfr *= creatinine.as_published(scr_mg_dl, female);
        }
        if let Some(cystatin_c) = &self.cystatin_c {
            egfr *= cystatin_c.as_published(scys_mg_l, female);
        }
        egfr *= self.age_base.powf(age);
        if female {
            egfr *= self.female;
        }
        if black {
            egfr *= self.black;
        }
        egfr
    }
}

/// κ of the CKD-EPI creatinine terms: 0.7 mg/dL for women, 0.9 for men.
const KAPPA_CR: BySex = BySex { female: 0.7, male: 0.9 };
/// κ of the CKD-EPI cystatin C terms: 0.8 mg/L for women and men.
const KAPPA_CYS: BySex = BySex::both(0.8);

/// CKD-EPI 2009 creatinine.
///
/// Levey AS, Stevens LA, Schmid CH, et al. "A new equation to estimate glomerular filtration
/// rate." Ann Intern Med 2009;150(9):604-612, doi:10.7326/0003-4819-150-9-200905050-00006.
/// eGFR = 141 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.209 × 0.993^Age × 1.018 \[female\]
/// × 1.159 \[Black\]; κ = 0.7 (F) / 0.9 (M), α = −0.329 (F) / −0.411 (M). (The paper's Table 2
/// rounds 141 × 1.018 to 144; the single-equation form is used here.)
pub const CKD_EPI_2009_CR: CkdEpi = CkdEpi {
    constant: 141.0,
    creatinine: Some(Knee { kappa: KAPPA_CR, below: BySex { female: -0.329, male: -0.411 }, above: -1.209 }),
    cystatin_c: None,
    age_base: 0.993,
    female: 1.018,
    black: 1.159,
};

/// CKD-EPI 2021 creatinine, without race.
///
/// Inker LA, Eneanya ND, Coresh J, et al. "New creatinine- and cystatin C-based equations to
/// estimate GFR without race." N Engl J Med 2021;385:1737-1749, doi:10.1056/NEJMoa2102953.
/// eGFR = 142 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.200 × 0.9938^Age × 1.012 \[female\];
/// κ = 0.7 (F) / 0.9 (M), α = −0.241 (F) / −0.302 (M).
pub const CKD_EPI_2021_CR: CkdEpi = CkdEpi {
    constant: 142.0,
    creatinine: Some(Knee { kappa: KAPPA_CR, below: BySex { female: -0.241, male: -0.302 }, above: -1.200 }),
    cystatin_c: None,
    age_base: 0.9938,
    female: 1.012,
    black: 1.0,
};

/// CKD-EPI 2012 cystatin C.
///
/// Inker LA, Schmid CH, Tighiouart H, et al. "Estimating glomerular filtration rate from serum
/// creatinine and cystatin C." N Engl J Med 2012;367:20-29, doi:10.1056/NEJMoa1114248.
/// eGFR = 133 × min(Scys/0.8,1)^−0.499 × max(Scys/0.8,1)^−1.328 × 0.996^Age × 0.932 \[female\].
pub const CKD_EPI_2012_CYS: CkdEpi = CkdEpi {
    constant: 133.0,
    creatinine: None,
    cystatin_c: Some(Knee { kappa: KAPPA_CYS, below: BySex::both(-0.499), above: -1.328 }),
    age_base: 0.996,
    female: 0.932,
    black: 1.0,
};

/// CKD-EPI 2012 creatinine–cystatin C (Inker 2012, as [`CKD_EPI_2012_CYS`]).
///
/// eGFR = 135 × min(Scr/κ,1)^α × max(Scr/κ,1)^−0.601 × min(Scys/0.8,1)^−0.375
/// × max(Scys/0.8,1)^−0.711 × 0.995^Age × 0.969 \[female\] × 1.08 \[Black\];
/// κ = 0.7 (F) / 0.9 (M), α = −0.248 (F) / −0.207 (M).
pub const CKD_EPI_2012_CR_CYS: CkdEpi = CkdEpi {
    constant: 135.0,
    creatinine: Some(Knee { kappa: KAPPA_CR, below: BySex { female: -0.248, male: -0.207 }, above: -0.601 }),
    cystatin_c: Some(Knee { kappa: KAPPA_CYS, below: BySex::both(-0.375), above: -0.711 }),
    age_base: 0.995,
    female: 0.969,
    black: 1.08,
};

/// CKD-EPI 2021 creatinine–cystatin C, without race (Inker 2021, as [`CKD_EPI_2021_CR`]).
///
/// eGFR = 135 × min(Scr/κ,1)^α × max(Scr/κ,1)^−0.544 × min(Scys/0.8,1)^−0.323
/// × max(Scys/0.8,1)^−0.778 × 0.9961^Age × 0.963 \[female\];
/// κ = 0.7 (F) / 0.9 (M), α = −0.219 (F) / −0.144 (M).
pub const CKD_EPI_2021_CR_CYS: CkdEpi = CkdEpi {
    constant: 135.0,
    creatinine: Some(Knee { kappa: KAPPA_CR, below: BySex { female: -0.219, male: -0.144 }, above: -0.544 }),
    cystatin_c: Some(Knee { kappa: KAPPA_CYS, below: BySex::both(-0.323), above: -0.778 }),
    age_base: 0.9961,
    female: 0.963,
    black: 1.0,
};

/// The EKFC shape:
///
/// eGFR = 107.3 × (X/Q)^α × 0.990^(Age−40) \[if Age > 40\], α = −0.322 when X/Q < 1 and −1.132
/// otherwise, where X is the biomarker and Q its rescaling constant for the age (and sex).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ekfc {
    /// The leading constant.
    pub constant: f64,
    /// The exponent when X/Q < 1.
    pub below: f64,
    /// The exponent when X/Q ≥ 1.
    pub above: f64,
    /// The base raised to the years of age above `age_from`.
    pub age_base: f64,
    /// The age, in years, above which the age factor applies.
    pub age_from: f64,
    /// The biomarker the equation reads.
    pub marker: EkfcMarker,
}

/// The biomarker of an EKFC equation and its rescaling constant Q.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EkfcMarker {
    /// Serum creatinine, Q by [`ekfc_q_umol_l`] (converted to mg/dL).
    Creatinine,
    /// Cystatin C, Q by [`ekfc_cys_q_mg_l`].
    CystatinC,
}

impl Ekfc {
    /// Q in the biomarker's published unit (mg/dL for creatinine, mg/L for cystatin C).
    #[inline(always)]
    pub fn q(&self, age: f64, female: bool) -> f64 {
        match self.marker {
            EkfcMarker::Creatinine => ekfc_q_umol_l(age, female) * super::MG_DL_PER_UMOL,
            EkfcMarker::CystatinC => ekfc_cys_q_mg_l(age),
        }
    }

    /// The equation evaluated as printed, for a biomarker value `x` in its published unit.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::egfr::equations::EKFC_2021_CR;
    /// // At X = Q and age 40 or under, eGFR is the constant.
    /// let q = EKFC_2021_CR.q(35.0, false);
    /// assert!((EKFC_2021_CR.as_published(q, 35.0, false) - 107.3).abs() < 1e-9);
    /// ```
    pub fn as_published(&self, x: f64, age: f64, female: bool) -> f64 {
        let ratio = x / self.q(age, female);
        let alpha = if ratio < 1.0 { self.below } else { self.above };
        let age_factor = if age > self.age_from { self.age_base.powf(age - self.age_from) } else { 1.0 };
        self.constant * ratio.powf(alpha) * age_factor
    }
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
/// eGFR = 107.3 × (Scr/Q)^α × 0.990^(Age−40) \[if Age > 40\], with α = −0.322 when Scr/Q < 1 and
/// −1.132 otherwise.
pub const EKFC_2021_CR: Ekfc = Ekfc {
    constant: 107.3,
    below: -0.322,
    above: -1.132,
    age_base: 0.990,
    age_from: 40.0,
    marker: EkfcMarker::Creatinine,
};

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
/// eGFR = 107.3 × (ScysC/Q)^α × 0.990^(Age−40) \[if Age > 40\], with α = −0.322 when ScysC/Q < 1
/// and −1.132 otherwise: the EKFC form with cystatin C as the biomarker.
pub const EKFC_2023_CYS: Ekfc = Ekfc { marker: EkfcMarker::CystatinC, ..EKFC_2021_CR };

/// EKFC creatinine–cystatin C: the arithmetic mean of the EKFC creatinine estimate
/// ([`EKFC_2021_CR`]) and the EKFC cystatin C estimate ([`EKFC_2023_CYS`]), as defined with
/// the cystatin C equation (Pottel 2023; the definition as implemented by CRAN `kidney.epi` and
/// used by Pottel et al., Pediatr Nephrol 2024). Each estimate is evaluated by its fast form,
/// as the scalar path and the batch do.
#[inline]
pub fn ekfc_cr_cys(scr_mg_dl: f64, scys_mg_l: f64, age: f64, female: bool) -> f64 {
    (EKFC_2021_CR.log_linear(scr_mg_dl, age, female).eval() + EKFC_2023_CYS.log_linear(scys_mg_l, age, female).eval())
        / 2.0
}

/// The MDRD shape: eGFR = A × Scr^a × Age^b × F \[if female\] × R \[if Black\].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mdrd {
    /// A, the leading constant.
    pub constant: f64,
    /// a, the exponent of creatinine (mg/dL).
    pub creatinine_exponent: f64,
    /// b, the exponent of age (years).
    pub age_exponent: f64,
    /// F, the factor for women.
    pub female: f64,
    /// R, the factor for Black race.
    pub black: f64,
}

impl Mdrd {
    /// The equation evaluated as printed.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::egfr::equations::MDRD4_IDMS;
    /// assert!((MDRD4_IDMS.as_published(1.0, 1.0, false, false) - 175.0).abs() < 1e-12);
    /// ```
    pub fn as_published(&self, scr_mg_dl: f64, age: f64, female: bool, black: bool) -> f64 {
        let mut egfr = self.constant * scr_mg_dl.powf(self.creatinine_exponent) * age.powf(self.age_exponent);
        if female {
            egfr *= self.female;
        }
        if black {
            egfr *= self.black;
        }
        egfr
    }
}

/// MDRD study equation, 4 variables, re-expressed for IDMS-traceable creatinine.
///
/// Levey AS, Coresh J, Greene T, et al. "Using standardized serum creatinine values in the
/// modification of diet in renal disease study equation for estimating glomerular filtration
/// rate." Ann Intern Med 2006;145(4):247-254, doi:10.7326/0003-4819-145-4-200608150-00004.
/// eGFR = 175 × Scr^−1.154 × Age^−0.203 × 0.742 \[female\] × 1.212 \[Black\].
pub const MDRD4_IDMS: Mdrd =
    Mdrd { constant: 175.0, creatinine_exponent: -1.154, age_exponent: -0.203, female: 0.742, black: 1.212 };

/// Cockcroft–Gault creatinine clearance, mL/min, NOT normalised to body-surface area.
///
/// Cockcroft DW, Gault MH. "Prediction of creatinine clearance from serum creatinine."
/// Nephron 1976;16(1):31-41, doi:10.1159/000180580.
/// CrCl = (140 − Age) × weight(kg) / (72 × Scr) × 0.85 \[female\].
#[inline]
pub fn cockcroft_gault(scr_mg_dl: f64, age: f64, female: bool, weight_kg: f64) -> f64 {
    let sex = if female { 0.85 } else { 1.0 };
    (140.0 - age) * weight_kg / (72.0 * scr_mg_dl) * sex
}
