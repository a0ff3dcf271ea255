//! The urine albumin-to-creatinine ratio computed from its two measurements in one spot urine
//! sample.
//!
//! UACR = urine albumin / urine creatinine, both as mass concentrations: mg of albumin per g of
//! creatinine (KDIGO 2024 Clinical Practice Guideline for the Evaluation and Management of CKD,
//! Kidney Int 2024;105(4S):S117-S314, doi:10.1016/j.kint.2023.10.018, §1.3: "ACR … mg/g";
//! 30 mg/g ≈ 3 mg/mmol). A creatinine entered as a molar concentration becomes a mass
//! concentration through creatinine's molar mass ([`super::chemistry::CREATININE_G_PER_MOL`]),
//! as uom quantities, so the dimension of each step is checked by the compiler.

use uom::si::f64::{MassConcentration, Ratio};
use uom::si::ratio::part_per_thousand;

use super::chemistry::{molar_mass, to_mass, CREATININE_G_PER_MOL};
use super::{AlbuminCreatinineRatio, LabError, LabValue, Uacr, UrineAlbumin, UrineCreatinine};

impl LabValue<AlbuminCreatinineRatio> {
    /// The UACR of a spot urine sample from its albumin and creatinine, each in any unit it
    /// accepts; the result in mg/g, checked against the UACR's plausibility bounds.
    ///
    /// # Errors
    /// [`LabError::OutOfBounds`] if the ratio is beyond the UACR's bounds (an albumin that is
    /// implausibly high for the creatinine of the same sample).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::lab::{Uacr, UrineAlbumin, UrineCreatinine, Unit};
    /// // 30 mg/L of albumin over 1 g/L (8.84 mmol/L) of creatinine is 30 mg/g.
    /// let uacr = Uacr::from_spot_urine(UrineAlbumin::new(30.0, "mg/L")?, UrineCreatinine::new(100.0, "mg/dL")?)?;
    /// assert!((uacr.in_unit(Unit::MilligramPerGram)? - 30.0).abs() < 1e-9);
    /// # Ok::<(), amimestrocel_dkd::lab::LabError>(())
    /// ```
    pub fn from_spot_urine(albumin: UrineAlbumin, creatinine: UrineCreatinine) -> Result<Uacr, LabError> {
        let albumin: MassConcentration = albumin.quantity();
        let creatinine: MassConcentration = to_mass(creatinine.quantity(), molar_mass(CREATININE_G_PER_MOL));
        let ratio: Ratio = albumin / creatinine;
        Uacr::with_unit(ratio.get::<part_per_thousand>(), super::Unit::MilligramPerGram)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Unit;

    fn uacr(albumin: (f64, &str), creatinine: (f64, &str)) -> Result<f64, LabError> {
        let a = UrineAlbumin::new(albumin.0, albumin.1)?;
        let c = UrineCreatinine::new(creatinine.0, creatinine.1)?;
        Uacr::from_spot_urine(a, c)?.in_unit(Unit::MilligramPerGram)
    }

    #[test]
    fn uacr_is_albumin_over_creatinine_in_mg_per_g_whatever_the_units() {
        // KDIGO: mg albumin per g creatinine. 1 g/L of creatinine = 100 mg/dL = 8.84 mmol/L.
        assert!((uacr((30.0, "mg/L"), (100.0, "mg/dL")).unwrap() - 30.0).abs() < 1e-9);
        // Urine creatinine is not entered in g/L (not a unit labs report it in).
        assert!(matches!(uacr((3.0, "mg/dL"), (1.0, "g/L")), Err(LabError::UnitNotForAnalyte { .. })));
        assert!((uacr((3.0, "mg/dL"), (1000.0 / 113.12, "mmol/L")).unwrap() - 30.0).abs() < 1e-9);
        // 113.12 mg/L of albumin over 1 mmol/L of creatinine is 113.12 mg/mmol, which is
        // exactly 1000 mg/g: the screening threshold, as the UACR's own units convert it.
        let at_threshold = uacr((113.12, "mg/L"), (1.0, "mmol/L")).unwrap();
        assert!((at_threshold - 1000.0).abs() < 1e-9);
        let direct = crate::lab::Uacr::new(113.12, "mg/mmol").unwrap().in_unit(Unit::MilligramPerGram).unwrap();
        assert!((at_threshold - direct).abs() < 1e-9);
    }

    #[test]
    fn a_ratio_beyond_the_uacr_bounds_is_refused() {
        // 30 g/L of albumin over 0.1 mmol/L (11.3 mg/L) of creatinine: 2.65 million mg/g.
        assert!(matches!(uacr((30_000.0, "mg/L"), (0.1, "mmol/L")), Err(LabError::OutOfBounds { .. })));
    }

    proptest::proptest! {
        /// More albumin, the same creatinine: a higher ratio; more creatinine: a lower one.
        #[test]
        fn uacr_rises_with_albumin_and_falls_with_creatinine(a in 1.0f64..3000.0, c in 1.0f64..30.0, k in 1.01f64..3.0) {
            let base = uacr((a, "mg/L"), (c, "mmol/L")).unwrap();
            proptest::prop_assert!(uacr((a * k, "mg/L"), (c, "mmol/L")).unwrap() > base);
            proptest::prop_assert!(uacr((a, "mg/L"), (c * k, "mmol/L")).unwrap() < base);
        }
    }
}
