//! Tests only: compiled under `#[cfg(test)]` (declared so in the parent module), never in the library.
use super::*;
use crate::lab::SerumCreatinine;
use proptest::prelude::*;

fn inputs(age: u32, sex: Sex, scr_mg_dl: f64) -> EgfrInputs {
    EgfrInputs::new(Age::from_years(age).unwrap(), sex)
        .with_creatinine(SerumCreatinine::new(scr_mg_dl, "mg/dL").unwrap())
        .with_cystatin_c(CystatinC::new(1.0, "mg/L").unwrap())
        .with_weight(Mass::new::<kilogram>(70.0))
}

#[test]
fn every_egfr_error_message_is_pinned() {
    let young = EgfrInputs::new(Age::from_years(17).unwrap(), Sex::Male);
    let cases: Vec<(EgfrError, &str, &str)> = vec![
        (EgfrEquation::from_slug("ckd_epi").unwrap_err(), "unknown_equation", "unknown equation `ckd_epi` (expected one of ckd_epi_2009_cr, ckd_epi_2021_cr, ckd_epi_2012_cys, ckd_epi_2012_cr_cys, ckd_epi_2021_cr_cys, ekfc_2021_cr, ekfc_2023_cys, ekfc_2023_cr_cys, mdrd4_idms, cockcroft_gault)"),
        (
            estimate(EgfrEquation::CkdEpi2012Cys, &EgfrInputs::new(Age::from_years(50).unwrap(), Sex::Male))
                .unwrap_err(),
            "missing_input",
            "ckd_epi_2012_cys needs cystatin_c",
        ),
        (
            estimate(EgfrEquation::CkdEpi2021Cr, &young.with_creatinine(SerumCreatinine::new(1.0, "mg/dL").unwrap()))
                .unwrap_err(),
            "age_out_of_range",
            "age is outside the range 18–125 years of ckd_epi_2021_cr",
        ),
        (
            estimate(EgfrEquation::CockcroftGault, &inputs(50, Sex::Male, 1.0).with_weight(Mass::new::<kilogram>(5.0)))
                .unwrap_err(),
            "weight_out_of_bounds",
            "weight is not within 20–400 kg",
        ),
        (
            EgfrError::ColumnLength { column: "sex", expected: 3, actual: 2 },
            "column_length",
            "column `sex` has 2 rows, expected 3",
        ),
    ];
    for (error, kind, message) in cases {
        assert_eq!(error.kind(), kind);
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn every_equation_slug_round_trips_and_cites_a_doi() {
    for eq in EgfrEquation::ALL {
        assert_eq!(EgfrEquation::from_slug(eq.slug()).unwrap(), eq);
        assert!(eq.source().contains("doi:10."), "{eq}");
    }
}

#[test]
fn cockcroft_gault_is_a_clearance_not_an_egfr() {
    let est = estimate(EgfrEquation::CockcroftGault, &inputs(60, Sex::Male, 1.0)).unwrap();
    assert!(matches!(est, GfrEstimate::CreatinineClearance { .. }));
    assert_eq!(est.unit(), Unit::MilliliterPerMinute);
    assert!(est.egfr().is_none());
    // (140 − 60) × 70 / (72 × 1.0) = 77.78 mL/min (Cockcroft & Gault 1976).
    assert!((est.value() - 77.777_777).abs() < 1e-5);
}

#[test]
fn protocol_default_is_ckd_epi_2021_creatinine() {
    assert_eq!(PROTOCOL_DEFAULT_EQUATION, EgfrEquation::CkdEpi2021Cr);
}

#[test]
fn the_same_creatinine_in_umol_and_mg_gives_the_same_egfr() {
    let a = estimate(EgfrEquation::CkdEpi2021Cr, &inputs(60, Sex::Female, 1.2)).unwrap().value();
    let umol = EgfrInputs::new(Age::from_years(60).unwrap(), Sex::Female)
        .with_creatinine(SerumCreatinine::new(1.2 * 88.401_697_312_588_4, "µmol/L").unwrap());
    let b = estimate(EgfrEquation::CkdEpi2021Cr, &umol).unwrap().value();
    assert!((a - b).abs() < 1e-9);
}

fn equation() -> impl Strategy<Value = EgfrEquation> {
    (0..EgfrEquation::ALL.len()).prop_map(|i| EgfrEquation::ALL[i])
}

proptest! {
    /// eGFR does not increase when creatinine rises (every creatinine-based equation).
    #[test]
    fn non_increasing_in_creatinine(eq in equation(), age in 18u32..100, female: bool, a in 0.2f64..15.0, b in 0.2f64..15.0) {
        prop_assume!(eq.needs_creatinine());
        let sex = if female { Sex::Female } else { Sex::Male };
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let e_lo = estimate(eq, &inputs(age, sex, lo));
        let e_hi = estimate(eq, &inputs(age, sex, hi));
        if let (Ok(l), Ok(h)) = (e_lo, e_hi) {
            prop_assert!(h.value() <= l.value() * (1.0 + 1e-12), "{} {} {}", eq, l.value(), h.value());
        }
    }

    /// eGFR does not increase with age (every equation, at fixed labs).
    #[test]
    /// (EKFC creatinine, alone or averaged with cystatin C, is excluded up to age 25, where its
    /// Q rises with age by design.)
    fn non_increasing_in_age(eq in equation(), a in 18u32..110, b in 18u32..110, female: bool, scr in 0.3f64..10.0) {
        prop_assume!(!matches!(eq, EgfrEquation::Ekfc2021Cr | EgfrEquation::Ekfc2023CrCys) || a.min(b) > 25);
        let sex = if female { Sex::Female } else { Sex::Male };
        let (young, old) = if a < b { (a, b) } else { (b, a) };
        if let (Ok(y), Ok(o)) = (estimate(eq, &inputs(young, sex, scr)), estimate(eq, &inputs(old, sex, scr))) {
            prop_assert!(o.value() <= y.value() * (1.0 + 1e-12));
        }
    }

    /// Where both sexes are on the same side of their knots, the female/male ratio is the
    /// published sex coefficient (CKD-EPI 2021 Cr: 1.012 × (0.7/0.9)^−1.200 above both κ).
    #[test]
    fn published_sex_factor_above_both_knots(age in 18u32..100, scr in 0.95f64..10.0) {
        let f = estimate(EgfrEquation::CkdEpi2021Cr, &inputs(age, Sex::Female, scr)).unwrap().value();
        let m = estimate(EgfrEquation::CkdEpi2021Cr, &inputs(age, Sex::Male, scr)).unwrap().value();
        let expected = 1.012 * (0.7f64 / 0.9).powf(1.2);
        prop_assert!((f / m - expected).abs() < 1e-9);
        let cys_f = estimate(EgfrEquation::CkdEpi2012Cys, &inputs(age, Sex::Female, scr)).unwrap().value();
        let cys_m = estimate(EgfrEquation::CkdEpi2012Cys, &inputs(age, Sex::Male, scr)).unwrap().value();
        prop_assert!((cys_f / cys_m - 0.932).abs() < 1e-12);
        let mdrd_f = estimate(EgfrEquation::Mdrd4Idms, &inputs(age, Sex::Female, scr)).unwrap().value();
        let mdrd_m = estimate(EgfrEquation::Mdrd4Idms, &inputs(age, Sex::Male, scr)).unwrap().value();
        prop_assert!((mdrd_f / mdrd_m - 0.742).abs() < 1e-12);
    }

    /// Any creatinine, cystatin, weight and age give a value or a typed error, never a panic,
    /// and a value is always finite and within the eGFR bounds.
    #[test]
    fn no_panic_and_bounded(eq in equation(), age in 0u32..130, female: bool, scr in proptest::num::f64::ANY,
                            cys in proptest::num::f64::ANY, w in proptest::num::f64::ANY) {
        let mut inp = EgfrInputs::new(Age::from_years(age.min(125)).unwrap(), if female { Sex::Female } else { Sex::Male })
            .with_weight(Mass::new::<kilogram>(w));
        if let Ok(c) = SerumCreatinine::new(scr, "mg/dL") { inp = inp.with_creatinine(c); }
        if let Ok(c) = CystatinC::new(cys, "mg/L") { inp = inp.with_cystatin_c(c); }
        if let Ok(e) = estimate(eq, &inp) {
            prop_assert!(e.value().is_finite() && e.value() >= 0.0 && e.value() <= 500.0);
        }
    }

    /// The batch gives, row for row, what the scalar function gives, on any split over threads;
    /// a Black-race flag other than 0 or 1 fails the row only for an equation that reads it.
    #[test]
    fn batch_equals_scalar(eq in equation(), rows in proptest::collection::vec((0.0f64..130.0, 0u8..4, -1.0f64..20.0, 0u8..3), 1..50), threads in 1usize..4) {
        let age: Vec<f64> = rows.iter().map(|r| r.0.round()).collect();
        let sex: Vec<u8> = rows.iter().map(|r| r.1).collect();
        let scr: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let cys = vec![1.1; rows.len()];
        let weight = vec![70.0; rows.len()];
        let black: Vec<u8> = rows.iter().map(|r| r.3).collect();
        let mut cols = BatchColumns::new(&age, &sex);
        cols.creatinine = Some(&scr);
        cols.cystatin_c = Some(&cys);
        cols.weight_kg = Some(&weight);
        cols.black = Some(&black);
        let (mut out, mut codes) = (vec![0.0; rows.len()], vec![0u8; rows.len()]);
        egfr_batch(eq, &cols, &mut out, &mut codes, threads).unwrap();
        for i in 0..rows.len() {
            let scalar = (|| {
                let sex = Sex::from_iso5218(i64::from(sex[i])).ok()?;
                if eq.uses_race() && black[i] > 1 { return None; }
                let mut inp = EgfrInputs::new(Age::from_f64(age[i]).ok()?, sex)
                    .with_black(black[i] == 1)
                    .with_cystatin_c(CystatinC::new(1.1, "mg/L").ok()?)
                    .with_weight(Mass::new::<kilogram>(70.0));
                if eq.needs_creatinine() { inp = inp.with_creatinine(SerumCreatinine::new(scr[i], "mg/dL").ok()?); }
                estimate(eq, &inp).ok()
            })();
            match scalar {
                Some(e) => { prop_assert_eq!(codes[i], 0); prop_assert_eq!(out[i], e.value()); }
                None => { prop_assert!(codes[i] != 0); prop_assert!(out[i].is_nan()); }
            }
        }
    }
}

#[test]
fn batch_refuses_short_columns_and_absent_needed_columns() {
    let age = [60.0, 61.0];
    let sex = [1u8];
    let cols = BatchColumns::new(&age, &sex);
    let (mut out, mut codes) = ([0.0; 2], [0u8; 2]);
    assert_eq!(
        egfr_batch(EgfrEquation::CkdEpi2021Cr, &cols, &mut out, &mut codes, 1).unwrap_err().kind(),
        "column_length"
    );
    let sex = [1u8, 2];
    let cols = BatchColumns::new(&age, &sex);
    assert_eq!(
        egfr_batch(EgfrEquation::CkdEpi2021Cr, &cols, &mut out, &mut codes, 1).unwrap_err().kind(),
        "missing_input"
    );
}

#[test]
fn checked_batch_fills_any_range_of_rows_and_refuses_ranges_past_the_end() {
    let age = [60.0, 70.0, 80.0, 90.0];
    let sex = [2u8, 1, 2, 1];
    let scr = [1.0, 1.2, 0.8, f64::NAN];
    let mut cols = BatchColumns::new(&age, &sex);
    cols.creatinine = Some(&scr);
    let (mut whole, mut whole_codes) = ([0.0; 4], [0u8; 4]);
    egfr_batch(EgfrEquation::CkdEpi2021Cr, &cols, &mut whole, &mut whole_codes, 1).unwrap();
    let batch = cols.checked(EgfrEquation::CkdEpi2021Cr).unwrap();
    assert_eq!((batch.len(), batch.equation()), (4, EgfrEquation::CkdEpi2021Cr));
    let (mut part, mut part_codes) = ([0.0; 2], [0u8; 2]);
    batch.fill_rows(2, &mut part, &mut part_codes).unwrap();
    assert_eq!(part[0].to_bits(), whole[2].to_bits());
    assert!(part[1].is_nan());
    assert_eq!(part_codes, [whole_codes[2], whole_codes[3]]);
    // A range past the last row, or codes of another length, is refused, not truncated.
    assert_eq!(batch.fill_rows(3, &mut part, &mut part_codes).unwrap_err().kind(), "column_length");
    assert_eq!(batch.fill_rows(usize::MAX, &mut part, &mut part_codes).unwrap_err().kind(), "column_length");
    assert_eq!(batch.fill_rows(0, &mut part, &mut [0u8; 1]).unwrap_err().kind(), "column_length");
}

#[test]
fn batch_row_error_codes_are_stable_and_listed() {
    for e in RowError::ALL {
        assert_eq!(RowError::from_code(e.code()), Some(e));
    }
    assert_eq!(RowError::from_code(0), None);
    assert_eq!(RowError::CreatinineNotFinite.code(), 4);
    assert_eq!(RowError::CreatinineNotFinite.slug(), "creatinine_not_finite");
}

#[test]
fn the_batch_writes_every_output_element_for_every_equation_even_when_every_row_is_bad() {
    // The Python binding hands the batch numpy buffers; it relies on every element of `out`
    // and `codes` being written, whatever the rows hold.
    let n = 700; // more than two blocks of 256, with a partial last block
    let ages: Vec<f64> = (0..n).map(|i| [60.0, 17.0, f64::NAN, 70.5, 45.0][i % 5]).collect();
    let sexes: Vec<u8> = (0..n).map(|i| [1u8, 2, 0, 9][i % 4]).collect();
    let scr: Vec<f64> = (0..n).map(|i| [1.0, f64::NAN, -1.0, 1e9, 0.7][i % 5]).collect();
    let scys: Vec<f64> = (0..n).map(|i| [1.1, f64::INFINITY, 0.9][i % 3]).collect();
    let weight: Vec<f64> = (0..n).map(|i| [70.0, f64::NAN][i % 2]).collect();
    let bad_ages = vec![f64::NAN; n];
    for equation in EgfrEquation::ALL {
        for age in [&ages, &bad_ages] {
            let mut cols = BatchColumns::new(age, &sexes);
            cols.creatinine = Some(&scr);
            cols.cystatin_c = Some(&scys);
            cols.weight_kg = Some(&weight);
            let (mut out, mut codes) = (vec![-12345.0; n], vec![0xEE_u8; n]);
            egfr_batch(equation, &cols, &mut out, &mut codes, 1).unwrap();
            for i in 0..n {
                assert!(out[i] != -12345.0, "{equation:?} row {i}: estimate not written");
                assert!(codes[i] != 0xEE, "{equation:?} row {i}: code not written");
                assert_eq!(out[i].is_nan(), codes[i] != 0, "{equation:?} row {i}");
            }
        }
    }
}

/// The eGFR bound (300 mL/min/1.73m², 500 mL/min for a clearance) is reached well inside the
/// input bounds at the lowest creatinines: these are the real limits, stated in
/// docs/interpretation.md ("Plausibility bounds").
#[test]
fn the_result_bound_is_reached_at_the_creatinines_the_docs_state() {
    let man18 = |scr: f64| inputs(18, Sex::Male, scr);
    // MDRD: refused at 0.37 mg/dL for an 18-year-old man, accepted at 0.38.
    assert_eq!(estimate(EgfrEquation::Mdrd4Idms, &man18(0.37)).unwrap_err().kind(), "out_of_bounds");
    assert!(estimate(EgfrEquation::Mdrd4Idms, &man18(0.38)).is_ok());
    // ... 0.30 at 65 (refused), 0.31 accepted.
    assert!(estimate(EgfrEquation::Mdrd4Idms, &inputs(65, Sex::Male, 0.30)).is_err());
    assert!(estimate(EgfrEquation::Mdrd4Idms, &inputs(65, Sex::Male, 0.31)).is_ok());
    // Cockcroft-Gault at 100 kg: refused at 0.33 mg/dL, accepted at 0.34.
    let cg = |scr: f64| man18(scr).with_weight(Mass::new::<kilogram>(100.0));
    assert!(estimate(EgfrEquation::CockcroftGault, &cg(0.33)).is_err());
    assert!(estimate(EgfrEquation::CockcroftGault, &cg(0.34)).is_ok());
    // CKD-EPI 2009: refused below about 0.105 mg/dL (18-year-old man); 2021: never, down to
    // the creatinine bound (5 umol/L = 0.057 mg/dL).
    assert!(estimate(EgfrEquation::CkdEpi2009Cr, &man18(0.10)).is_err());
    assert!(estimate(EgfrEquation::CkdEpi2009Cr, &man18(0.11)).is_ok());
    let lowest = SerumCreatinine::new(5.0, "µmol/L").unwrap();
    for sex in [Sex::Male, Sex::Female] {
        let i = EgfrInputs::new(Age::from_years(18).unwrap(), sex).with_creatinine(lowest);
        assert!(estimate(EgfrEquation::CkdEpi2021Cr, &i).is_ok(), "{sex:?}");
    }
}

/// Each power-law equation: the published form and the fast form derived from it, both as the
/// scalar path evaluates them (in the published units), for one row.
fn both_forms(eq: EgfrEquation, scr: f64, scys: f64, age: f64, female: bool, black: bool) -> Option<(f64, f64)> {
    use super::equations::*;
    let (published, fast) = match eq {
        EgfrEquation::CkdEpi2009Cr => (CKD_EPI_2009_CR, CKD_EPI_2009_CR),
        EgfrEquation::CkdEpi2021Cr => (CKD_EPI_2021_CR, CKD_EPI_2021_CR),
        EgfrEquation::CkdEpi2012Cys => (CKD_EPI_2012_CYS, CKD_EPI_2012_CYS),
        EgfrEquation::CkdEpi2012CrCys => (CKD_EPI_2012_CR_CYS, CKD_EPI_2012_CR_CYS),
        EgfrEquation::CkdEpi2021CrCys => (CKD_EPI_2021_CR_CYS, CKD_EPI_2021_CR_CYS),
        EgfrEquation::Ekfc2021Cr => {
            return Some((
                EKFC_2021_CR.as_published(scr, age, female),
                EKFC_2021_CR.log_linear(scr, age, female).eval(),
            ))
        }
        EgfrEquation::Ekfc2023Cys => {
            return Some((
                EKFC_2023_CYS.as_published(scys, age, female),
                EKFC_2023_CYS.log_linear(scys, age, female).eval(),
            ))
        }
        EgfrEquation::Mdrd4Idms => {
            return Some((
                MDRD4_IDMS.as_published(scr, age, female, black),
                MDRD4_IDMS.log_linear(scr, age, female, black).eval(),
            ))
        }
        EgfrEquation::Ekfc2023CrCys | EgfrEquation::CockcroftGault => return None,
    };
    // The 2021 equations have no race factor (it is 1): `black` is passed through to show it.
    Some((published.as_published(scr, scys, age, female, black), fast.log_linear(scr, scys, age, female, black).eval()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    /// The fast form is the published equation: equal within a relative 1e-12 for every input
    /// within the plausibility bounds (creatinine 5–4000 µmol/L, cystatin C 0.1–20 mg/L) and
    /// the equations' ages.
    #[test]
    fn the_fast_form_is_the_published_equation(
        eq in equation(),
        scr_umol in 5.0f64..4000.0,
        scys in 0.1f64..20.0,
        age in 18u32..=125,
        female: bool,
        black: bool,
    ) {
        let scr = scr_umol * super::MG_DL_PER_UMOL;
        if let Some((published, fast)) = both_forms(eq, scr, scys, f64::from(age), female, black) {
            let relative = ((fast - published) / published).abs();
            prop_assert!(relative <= 1e-12, "{eq}: published {published}, fast {fast}, relative {relative:e}");
        }
    }
}

#[test]
fn the_published_forms_agree_with_the_fast_forms_on_a_grid_within_a_few_units_of_the_15th_digit() {
    // The largest difference over a grid, as stated in the module documentation.
    let mut worst: f64 = 0.0;
    for eq in EgfrEquation::ALL {
        for scr_umol in [5.0, 20.0, 44.2, 61.88, 79.56, 88.4, 150.0, 400.0, 1200.0, 4000.0] {
            for scys in [0.1, 0.5, 0.8, 1.0, 2.5, 7.0, 20.0] {
                for age in [18.0, 25.0, 40.0, 41.0, 50.0, 65.0, 80.0, 125.0] {
                    for (female, black) in [(false, false), (true, false), (false, true), (true, true)] {
                        let scr = scr_umol * super::MG_DL_PER_UMOL;
                        if let Some((p, f)) = both_forms(eq, scr, scys, age, female, black) {
                            worst = worst.max(((f - p) / p).abs());
                        }
                    }
                }
            }
        }
    }
    eprintln!("largest relative difference, published form vs fast form: {worst:e}");
    assert!(worst < 1e-13, "largest relative difference {worst:e}");
}

#[test]
fn a_null_is_named_missing_only_where_its_nan_check_failed_so_the_order_of_checks_is_kept() {
    use super::{mark_missing, BatchInput};
    // The caller's nulls arrive as NaN (sex: code 0). Row 0: creatinine null. Row 1: age null
    // and creatinine null (age is checked first). Row 2: creatinine NaN, not null. Row 3: sex
    // null. Row 4: a sex code that names no sex (checked before creatinine) and creatinine null.
    let age = [60.0, f64::NAN, 60.0, 60.0, 60.0];
    let sex = [2u8, 2, 2, 0, 9];
    let creatinine = [f64::NAN, f64::NAN, f64::NAN, 1.0, f64::NAN];
    let mut cols = BatchColumns::new(&age, &sex);
    cols.creatinine = Some(&creatinine);
    let (mut out, mut codes) = (vec![0.0; 5], vec![0u8; 5]);
    egfr_batch(EgfrEquation::CkdEpi2021Cr, &cols, &mut out, &mut codes, 1).unwrap();
    mark_missing(&mut codes, &[false, true, false, false, false], BatchInput::Age).unwrap();
    mark_missing(&mut codes, &[false, false, false, true, false], BatchInput::Sex).unwrap();
    mark_missing(&mut codes, &[true, true, false, false, true], BatchInput::Creatinine).unwrap();
    let slugs: Vec<&str> = codes.iter().map(|c| RowError::from_code(*c).map_or("ok", RowError::slug)).collect();
    assert_eq!(slugs, ["creatinine_missing", "age_missing", "creatinine_not_finite", "sex_missing", "unknown_sex"]);
}

/// Issue 15, a unit per row: a table whose creatinine rows carry their own unit gives each row
/// the eGFR it has in a table of one unit, to the bit.
#[test]
fn rows_with_their_own_creatinine_unit_give_the_egfr_of_a_column_in_that_unit() {
    let ages = [60.0, 45.0, 70.0, 52.0];
    let sexes = [2u8, 1, 2, 1];
    let scr = [1.1, 97.0, 0.09, 1.3];
    let texts = ["mg/dL", "umol/L", "mmol/L"];
    let codes = [0i64, 1, 2, 0];
    let units = RowUnits { codes: &codes, texts: &texts };
    let one_unit = units.to_canonical(LabColumn::Creatinine, &scr).unwrap();
    assert_eq!(one_unit.unit_errors, [0; 4]);
    let mut cols = BatchColumns::new(&ages, &sexes);
    cols.creatinine = Some(&one_unit.values);
    cols.creatinine_unit = one_unit.unit;
    let (mut mixed, mut mixed_codes) = ([0.0; 4], [0u8; 4]);
    egfr_batch(EgfrEquation::CkdEpi2021Cr, &cols, &mut mixed, &mut mixed_codes, 1).unwrap();
    for (i, (&code, unit)) in codes
        .iter()
        .zip([
            Unit::MilligramPerDeciliter,
            Unit::MicromolePerLiter,
            Unit::MillimolePerLiter,
            Unit::MilligramPerDeciliter,
        ])
        .enumerate()
    {
        let mut one = BatchColumns::new(&ages[i..=i], &sexes[i..=i]);
        one.creatinine = Some(&scr[i..=i]);
        one.creatinine_unit = unit;
        let (mut out, mut out_codes) = ([0.0; 1], [0u8; 1]);
        egfr_batch(EgfrEquation::CkdEpi2021Cr, &one, &mut out, &mut out_codes, 1).unwrap();
        assert_eq!(
            (mixed[i].to_bits(), mixed_codes[i]),
            (out[0].to_bits(), out_codes[0]),
            "row {i} (unit {})",
            texts[code as usize]
        );
    }
}

/// A row's unit that is missing, not a unit, or not creatinine's is that row's error, named
/// for what was wrong; a missing value keeps its own error, and an earlier failing check
/// (age) keeps its error.
#[test]
fn a_bad_unit_is_the_rows_own_error_after_earlier_checks_and_a_missing_value() {
    let ages = [60.0, 60.0, 60.0, 60.0, f64::NAN, 60.0];
    let sexes = [2u8; 6];
    let scr = [1.0, 1.0, 1.0, f64::NAN, 1.0, 1.0];
    let texts = ["mg/furlong", "mmHg", "mg/dL"];
    let codes = [-1i64, 0, 1, 0, 0, 7];
    let one_unit = RowUnits { codes: &codes, texts: &texts }.to_canonical(LabColumn::Creatinine, &scr).unwrap();
    let mut cols = BatchColumns::new(&ages, &sexes);
    cols.creatinine = Some(&one_unit.values);
    cols.creatinine_unit = one_unit.unit;
    let (mut out, mut row_codes) = ([0.0; 6], [0u8; 6]);
    egfr_batch(EgfrEquation::CkdEpi2021Cr, &cols, &mut out, &mut row_codes, 1).unwrap();
    mark_unit_errors(&mut row_codes, &one_unit.unit_errors, LabColumn::Creatinine).unwrap();
    let slugs: Vec<&str> = row_codes.iter().map(|&c| RowError::from_code(c).map_or("ok", RowError::slug)).collect();
    assert_eq!(
        slugs,
        [
            "creatinine_unit_missing",
            "creatinine_unit_unknown",
            "creatinine_unit_not_for_analyte",
            "creatinine_not_finite",
            "invalid_age",
            "creatinine_unit_missing"
        ]
    );
    assert!(out.iter().all(|v| v.is_nan()));
    // Cystatin C has one unit: mg/dL is not one of its.
    let cys =
        RowUnits { codes: &[0, 1], texts: &["mg/L", "mg/dL"] }.to_canonical(LabColumn::CystatinC, &[1.0, 1.0]).unwrap();
    assert_eq!(cys.unit_errors, [0, RowError::CystatinCUnitNotForAnalyte.code()]);
    // Codes and values of different lengths are refused, not truncated.
    let short = RowUnits { codes: &[0], texts: &["mg/dL"] }.to_canonical(LabColumn::Creatinine, &[1.0, 1.0]);
    assert_eq!(short.unwrap_err().kind(), "column_length");
}
