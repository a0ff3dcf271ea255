//! Molar masses and conversion constants, each with its source.
//!
//! Mass ↔ molar conversions go through the analyte's molar mass as a uom [`MolarMass`], never
//! through a bare factor, so that the dimension of every step is checked by the compiler.

use uom::si::f64::{MassConcentration, MolarConcentration, MolarMass, Ratio};
use uom::si::molar_mass::gram_per_mole;

/// Creatinine, C4H7N3O: 113.12 g/mol.
///
/// Source: PubChem CID 588 (computed by PubChem 2.2 from IUPAC standard atomic weights).
/// 1 mg/dL = 10 mg/L ÷ 113.12 g/mol = 88.40 µmol/L. The KDIGO 2012 CKD guideline and the
/// CKD-EPI papers use 88.4; the occasional 88.42 comes from a rounded molar mass of 113.1 g/mol
/// and is not used here (docs/interpretation.md, "Creatinine conversion factor").
pub const CREATININE_G_PER_MOL: f64 = 113.12;

/// D-glucose, C6H12O6: 180.156 g/mol. Source: PubChem CID 5793 (180.16 g/mol);
/// 1 mmol/L = 18.016 mg/dL.
pub const GLUCOSE_G_PER_MOL: f64 = 180.156;

/// Triglycerides expressed as triolein: 885.7 g/mol, the convention behind the factor
/// 1 mmol/L = 88.57 mg/dL used by NCEP ATP III (Circulation 2002;106:3143, Table 2 note:
/// "to convert triglycerides mg/dL to mmol/L multiply by 0.0113") and by SI unit tables.
pub const TRIGLYCERIDE_G_PER_MOL: f64 = 885.7;

/// Cholesterol, C27H46O: 386.65 g/mol. Source: PubChem CID 5997 (386.7 g/mol); gives
/// 1 mmol/L = 38.67 mg/dL, the factor of NCEP ATP III ("multiply mg/dL by 0.02586").
pub const CHOLESTEROL_G_PER_MOL: f64 = 386.65;

/// HbA1c master equation, NGSP(%) = 0.09148 × IFCC(mmol/mol) + 2.152.
///
/// Source: Hoelzel W. et al., "IFCC reference system for measurement of hemoglobin A1c in human
/// blood and the national standardization schemes in the United States, Japan, and Sweden: a
/// method-comparison study", Clin Chem 2004;50(1):166-174, doi:10.1373/clinchem.2003.024802,
/// as published in mmol/mol form by the NGSP (<https://ngsp.org/ifccngsp.asp>).
pub const HBA1C_MASTER_SLOPE: f64 = 0.09148;
/// Intercept of the HbA1c master equation (see [`HBA1C_MASTER_SLOPE`]).
pub const HBA1C_MASTER_INTERCEPT: f64 = 2.152;

/// The molar mass of `grams_per_mole` as a uom quantity.
pub fn molar_mass(grams_per_mole: f64) -> MolarMass {
    MolarMass::new::<gram_per_mole>(grams_per_mole)
}

/// Mass concentration → molar concentration through the analyte's molar mass.
pub fn to_molar(mass: MassConcentration, molar_mass: MolarMass) -> MolarConcentration {
    (mass / molar_mass).into()
}

/// Molar concentration → mass concentration through the analyte's molar mass.
pub fn to_mass(molar: MolarConcentration, molar_mass: MolarMass) -> MassConcentration {
    (molar * molar_mass).into()
}

/// IFCC HbA1c (mmol/mol, as a dimensionless [`Ratio`]) → NGSP percent, by the master equation.
pub fn hba1c_ifcc_to_ngsp_percent(ifcc: Ratio) -> f64 {
    use uom::si::ratio::part_per_thousand;
    HBA1C_MASTER_SLOPE * ifcc.get::<part_per_thousand>() + HBA1C_MASTER_INTERCEPT
}

/// NGSP percent → IFCC mmol/mol, the inverse of the master equation.
pub fn hba1c_ngsp_percent_to_ifcc(ngsp_percent: f64) -> Ratio {
    use uom::si::ratio::part_per_thousand;
    Ratio::new::<part_per_thousand>((ngsp_percent - HBA1C_MASTER_INTERCEPT) / HBA1C_MASTER_SLOPE)
}
