//! The fast form of the equations that are products of powers, derived from their published
//! form ([`super::equations`]): `A × Π x_j^e_j × …` is `exp(c0 + Σ e_j·ln x_j)`, where
//! `min(x,1)^a · max(x,1)^b` becomes the exponent `a` below 1 and `b` above, and every factor
//! that does not depend on a power (the constant, the age factor, sex, race) folds into `c0`.
//!
//! The scalar [`super::estimate`] and the column-wise batch evaluate this one form with the
//! same [`elementary`](super::elementary) `ln`/`exp`, in the same order, so both give
//! bit-identical results; a property test holds it within a relative 1e-12 of the published
//! form. Divisions by κ are written as multiplications by 1/κ, which moves results by at most
//! an ulp and keeps the row loop fast.

use super::elementary::{exp, ln};
use super::equations::{CkdEpi, Ekfc, EkfcMarker, Mdrd};

/// An equation for one row, as `exp(c0 + Σ_j e_j·ln x_j)` with `e_j = below[j]` when
/// `x_j < 1` and `above[j]` otherwise. Unused terms have `x = 1` (so `ln x = 0` exactly).
/// Term 0 is creatinine, 1 cystatin C, 2 age (MDRD).
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

/// `ln factor` where it applies, else 0.
#[inline(always)]
fn ln_if(applies: bool, factor: f64) -> f64 {
    if applies {
        factor.ln()
    } else {
        0.0
    }
}

impl CkdEpi {
    /// The fast form of [`CkdEpi::as_published`] for one row.
    #[inline(always)]
    pub fn log_linear(&self, scr_mg_dl: f64, scys_mg_l: f64, age: f64, female: bool, black: bool) -> LogLinear {
        let c0 = self.constant.ln() + age * self.age_base.ln() + ln_if(female, self.female) + ln_if(black, self.black);
        let mut form = LogLinear::new(c0);
        if let Some(k) = &self.creatinine {
            form = form.term(0, scr_mg_dl * (1.0 / k.kappa.of(female)), k.below.of(female), k.above);
        }
        if let Some(k) = &self.cystatin_c {
            form = form.term(1, scys_mg_l * (1.0 / k.kappa.of(female)), k.below.of(female), k.above);
        }
        form
    }
}

impl Ekfc {
    /// The fast form of [`Ekfc::as_published`] for one row (`x` in the biomarker's unit).
    #[inline(always)]
    pub fn log_linear(&self, x: f64, age: f64, female: bool) -> LogLinear {
        let age_term = if age > self.age_from { (age - self.age_from) * self.age_base.ln() } else { 0.0 };
        let j = match self.marker {
            EkfcMarker::Creatinine => 0,
            EkfcMarker::CystatinC => 1,
        };
        LogLinear::new(self.constant.ln() + age_term).term(j, x / self.q(age, female), self.below, self.above)
    }
}

impl Mdrd {
    /// The fast form of [`Mdrd::as_published`] for one row.
    #[inline(always)]
    pub fn log_linear(&self, scr_mg_dl: f64, age: f64, female: bool, black: bool) -> LogLinear {
        let c0 = self.constant.ln() + ln_if(female, self.female) + ln_if(black, self.black);
        LogLinear::new(c0).term(0, scr_mg_dl, self.creatinine_exponent, self.creatinine_exponent).term(
            2,
            age,
            self.age_exponent,
            self.age_exponent,
        )
    }
}
