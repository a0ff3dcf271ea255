//! A seeded, deterministic generator of realistic *synthetic* screening records: no real person
//! is behind any of them. It feeds the main job and the benchmarks; tests use hand-written
//! cases, not this generator's logic.
//!
//! Distributions are chosen to look like a DKD screening population referred to a Beijing
//! trial: nephrotic-range proteinuria, eGFR mostly 20–90, units mixed the way Chinese and
//! international labs report them (creatinine in µmol/L or mg/dL, UACR in mg/g or mg/mmol,
//! HbA1c in % or mmol/mol, lipids in mmol/L or mg/dL), some data missing or out of date.

use chrono::{Days, NaiveDate};

use crate::demographics::Sex;
use crate::eligibility::{
    BiopsyFinding, BloodPressure, Condition, ConditionKind, KidneyBiopsy, LabEntry, Labs, Medication, ScreeningRecord,
    SerologyResult, TrialParticipation, ViralLoad,
};

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform integer in [lo, hi].
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Log-normal with the given median and multiplicative spread.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }
    /// A standard normal deviate (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn entry(date: NaiveDate, value: f64, unit: &str) -> LabEntry {
    LabEntry { date, value, unit: unit.into() }
}

/// `date` moved by `days` (negative: earlier), staying within chrono's range.
fn plus_days(date: NaiveDate, days: i64) -> NaiveDate {
    let moved = if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved.unwrap_or(date)
}

/// One synthetic record, `index` of the cohort of `seed`.
pub fn record(rng: &mut Rng, index: usize) -> ScreeningRecord {
    let base = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap_or(NaiveDate::MIN);
    let screening = plus_days(base, rng.int(0, 180));
    let sex = if rng.chance(0.58) { Sex::Male } else { Sex::Female };
    let age_days = rng.int(44 * 365, 81 * 365);
    let dob = plus_days(screening, -age_days);
    let days_ago = |rng: &mut Rng, lo: i64, hi: i64| plus_days(screening, -rng.int(lo, hi));
    // Labs: a recent panel, sometimes out of date.
    let stale = rng.chance(0.03);
    let panel = if stale { days_ago(rng, 100, 200) } else { days_ago(rng, 1, 25) };
    let mut labs = Labs::default();
    let protein_median = rng.lognormal(6.2, 0.3);
    let n_protein = if rng.chance(0.06) { 1 } else { rng.int(2, 3) as usize };
    // Now and then a repeat collected the same day, or within the week: not "continuously".
    let close_repeat = rng.chance(0.04);
    let mut first_date = None;
    for k in 0..n_protein {
        let mut date = days_ago(rng, 3 + 25 * k as i64, 25 + 25 * k as i64);
        if k == 1 && close_repeat {
            date = first_date.map_or(date, |d: NaiveDate| plus_days(d, -rng.int(0, 3)));
        }
        first_date.get_or_insert(date);
        let g = rng.lognormal(protein_median, 0.08);
        labs.urine_protein_24h.push(if rng.chance(0.3) {
            entry(date, round(g * 1000.0, 0), "mg/24h")
        } else {
            entry(date, round(g, 2), "g/24h")
        });
    }
    let uacr = rng.lognormal(2300.0, 0.45);
    labs.uacr.push(if rng.chance(0.3) {
        entry(panel, round(uacr / 8.840, 1), "mg/mmol")
    } else {
        entry(panel, round(uacr, 0), "mg/g")
    });
    let creat_umol = rng.lognormal(150.0, 0.38).clamp(45.0, 900.0);
    if !rng.chance(0.03) {
        labs.creatinine.push(if rng.chance(0.25) {
            entry(panel, round(creat_umol / 88.4, 2), "mg/dL")
        } else {
            entry(panel, round(creat_umol, 0), if rng.chance(0.5) { "µmol/L" } else { "umol/L" })
        });
    }
    if rng.chance(0.4) {
        labs.cystatin_c.push(entry(
            panel,
            round(0.9 * (creat_umol / 90.0).powf(0.8) * rng.uniform(0.85, 1.2), 2),
            "mg/L",
        ));
    }
    let a1c = rng.lognormal(7.2, 0.11).clamp(5.0, 14.0);
    labs.hba1c.push(if rng.chance(0.35) {
        entry(panel, round((a1c - 2.152) / 0.09148, 0), "mmol/mol")
    } else {
        entry(panel, round(a1c, 1), "%")
    });
    let tg = rng.lognormal(2.1, 0.45).min(40.0);
    let ldl = rng.lognormal(2.7, 0.2);
    if rng.chance(0.2) {
        labs.triglycerides.push(entry(panel, round(tg * 88.57, 0), "mg/dL"));
        labs.ldl_cholesterol.push(entry(panel, round(ldl * 38.67, 0), "mg/dL"));
    } else {
        labs.triglycerides.push(entry(panel, round(tg, 2), "mmol/L"));
        labs.ldl_cholesterol.push(entry(panel, round(ldl, 2), "mmol/L"));
    }
    labs.potassium.push(entry(panel, round(rng.uniform(3.6, 5.6), 1), "mmol/L"));
    if rng.chance(0.3) {
        // Screened by serology: HBsAg and anti-HCV, mostly negative; a positive one has no
        // viral load yet.
        labs.hbsag.push(SerologyResult { date: panel, positive: rng.chance(0.03) });
        labs.anti_hcv.push(SerologyResult { date: panel, positive: rng.chance(0.01) });
    } else {
        let hbv = if rng.chance(0.02) { rng.uniform(100.0, 1e5) } else { 0.0 };
        labs.hbv_dna.push(ViralLoad { date: panel, value: round(hbv, 0), upper_limit_of_normal: 20.0 });
        if rng.chance(0.985) {
            labs.hcv_rna.push(ViralLoad { date: panel, value: 0.0, upper_limit_of_normal: 15.0 });
        }
    }
    let sys = rng.uniform(116.0, 164.0).round();
    let dia = (sys * rng.uniform(0.55, 0.64)).round();
    let blood_pressures =
        vec![BloodPressure { date: days_ago(rng, 0, 14), systolic: sys, diastolic: dia, unit: "mmHg".into() }];
    let kidney_biopsy = match rng.unit() {
        u if u < 0.86 => {
            Some(KidneyBiopsy { date: days_ago(rng, 30, 9 * 365), finding: BiopsyFinding::DiabeticKidneyDisease })
        }
        u if u < 0.90 => Some(KidneyBiopsy {
            date: days_ago(rng, 11 * 365, 14 * 365),
            finding: BiopsyFinding::DiabeticKidneyDisease,
        }),
        u if u < 0.935 => Some(KidneyBiopsy { date: days_ago(rng, 30, 5 * 365), finding: BiopsyFinding::NonDiabetic }),
        u if u < 0.96 => {
            Some(KidneyBiopsy { date: days_ago(rng, 30, 9 * 365), finding: BiopsyFinding::DiabeticKidneyDisease })
        }
        _ => None,
    };
    let mut medications = vec![Medication {
        name: "metformin".into(),
        atc: None,
        systemic: true,
        start: days_ago(rng, 400, 4000),
        end: None,
    }];
    if rng.chance(0.6) {
        medications.push(Medication {
            name: "dapagliflozin".into(),
            atc: None,
            systemic: true,
            start: days_ago(rng, 60, 900),
            end: None,
        });
    }
    if rng.chance(0.03) {
        let name = if rng.chance(0.5) { "tacrolimus" } else { "吗替麦考酚酯" };
        medications.push(Medication {
            name: name.into(),
            atc: None,
            systemic: true,
            start: days_ago(rng, 10, 200),
            end: None,
        });
    }
    // Immunosuppressants as sites write them (brands, Chinese forms with dose), some courses
    // stopped a few weeks before screening (a long course reaching into the 30-day window).
    if rng.chance(0.03) {
        let name =
            ["Prograf 1mg bid", "他克莫司胶囊 0.5mg", "环孢素A", "CellCept 500 mg tablets", "雷公藤多苷片 10mg tid"]
                [rng.int(0, 4) as usize];
        let end = days_ago(rng, 5, 60);
        medications.push(Medication {
            name: name.into(),
            atc: None,
            systemic: true,
            start: plus_days(end, -rng.int(20, 200)),
            end: Some(end),
        });
    }
    // A systemic glucocorticoid (not counted under the default reading).
    if rng.chance(0.03) {
        medications.push(Medication {
            name: "醋酸泼尼松片 5mg".into(),
            atc: None,
            systemic: true,
            start: days_ago(rng, 10, 400),
            end: None,
        });
    }
    // A medicine the table does not know: unknown, unless the site gave its ATC code.
    if rng.chance(0.02) {
        let atc = if rng.chance(0.5) { Some("C09CA01".to_owned()) } else { None };
        medications.push(Medication {
            name: "Syn-Cardioprotect 20mg".into(),
            atc,
            systemic: true,
            start: days_ago(rng, 30, 600),
            end: None,
        });
    }
    let mut conditions = Vec::new();
    let mut maybe = |rng: &mut Rng, p: f64, condition: ConditionKind, lo: i64, hi: i64| {
        if rng.chance(p) {
            let onset = Some(plus_days(screening, -rng.int(lo, hi)));
            conditions.push(Condition {
                condition,
                onset,
                resolved: None,
                nyha_class: None,
                residual_deficit: None,
                uncontrolled: None,
                iv_antibiotics: None,
            });
        }
    };
    maybe(rng, 0.03, ConditionKind::AtrialFibrillation, 100, 3000);
    // Myocardial infarctions within and beyond the 6-month look-back, severe valvular disease.
    maybe(rng, 0.02, ConditionKind::MyocardialInfarction, 20, 400);
    maybe(rng, 0.01, ConditionKind::SevereValvularDisease, 100, 3000);
    maybe(rng, 0.02, ConditionKind::CerebralInfarction, 20, 2000);
    maybe(rng, 0.02, ConditionKind::Malignancy, 100, 4000);
    maybe(rng, 0.01, ConditionKind::ActiveTuberculosis, 10, 200);
    maybe(rng, 0.01, ConditionKind::BloodProductAllergy, 400, 8000);
    if rng.chance(0.04) {
        let nyha = rng.int(1, 4) as u8;
        conditions.push(Condition {
            condition: ConditionKind::HeartFailure,
            onset: Some(days_ago(rng, 100, 3000)),
            resolved: None,
            nyha_class: Some(nyha),
            residual_deficit: None,
            uncontrolled: None,
            iv_antibiotics: None,
        });
    }
    if rng.chance(0.03) {
        conditions.push(Condition {
            condition: ConditionKind::LacunarInfarction,
            onset: Some(days_ago(rng, 20, 150)),
            resolved: None,
            nyha_class: None,
            residual_deficit: Some(rng.chance(0.3)),
            uncontrolled: None,
            iv_antibiotics: None,
        });
    }
    let female = sex == Sex::Female;
    ScreeningRecord {
        id: format!("SYN-{:05}", index.saturating_add(1)),
        sex,
        date_of_birth: dob,
        screening_date: screening,
        type2_diabetes: if rng.chance(0.02) { None } else { Some(!rng.chance(0.01)) },
        kidney_biopsy,
        non_diabetic_kidney_disease: Some(false),
        labs,
        blood_pressures,
        medications: if rng.chance(0.02) { None } else { Some(medications) },
        conditions: if rng.chance(0.02) { None } else { Some(conditions) },
        lactating: female.then_some(false),
        // Pregnancy status: recorded for women, rarely missing; rarely a pregnancy (women under 52).
        pregnant: if !female || rng.chance(0.02) { None } else { Some(age_days < 52 * 365 && rng.chance(0.05)) },
        pregnancy_or_egg_donation_plan: female.then_some(false),
        childbearing_plan_without_contraception: (!female).then(|| rng.chance(0.01)),
        other_trials: Some(if rng.chance(0.02) {
            vec![TrialParticipation { interventional: true, start: days_ago(rng, 30, 300), end: None }]
        } else {
            Vec::new()
        }),
        informed_consent: if rng.chance(0.02) { None } else { Some(true) },
        investigator_deems_unsuitable: if rng.chance(0.02) { Some(true) } else { Some(false) },
    }
}

/// The synthetic records of `seed`, one at a time, without end: take as many as needed (in
/// constant memory, however many).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::tools::synthetic::{cohort, records};
/// let first: Vec<_> = records(7).take(3).collect();
/// assert_eq!(first, cohort(7, 3));
/// assert_eq!(records(7).nth(1_000).unwrap().id, "SYN-01001");
/// ```
pub fn records(seed: u64) -> Records {
    Records { rng: Rng::new(seed), index: 0 }
}

/// The iterator of [`records`].
#[derive(Debug, Clone)]
pub struct Records {
    rng: Rng,
    index: usize,
}

impl Iterator for Records {
    type Item = ScreeningRecord;

    fn next(&mut self) -> Option<ScreeningRecord> {
        let r = record(&mut self.rng, self.index);
        self.index = self.index.saturating_add(1);
        Some(r)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

/// `count` synthetic records from `seed`; the same seed gives the same records everywhere.
/// (For counts that need not fit in memory at once, iterate [`records`].)
///
/// # Examples
/// ```
/// use amimestrocel_dkd::tools::synthetic::cohort;
/// let a = cohort(7, 3);
/// assert_eq!(a, cohort(7, 3));
/// assert_eq!(a[0].id, "SYN-00001");
/// ```
pub fn cohort(seed: u64, count: usize) -> Vec<ScreeningRecord> {
    // Grown as records come, not reserved up front: a count beyond memory is then an
    // allocation failure at the limit of memory, not an overflow of the first reservation.
    let mut out = Vec::with_capacity(count.min(1 << 16));
    for record in records(seed).take(count) {
        out.push(record);
    }
    out
}

/// The seed and size of the bundled cohort (`data/screening_cohort.jsonl`).
pub const BUNDLED_SEED: u64 = 6_969_807;
/// Records in the bundled cohort.
pub const BUNDLED_COUNT: usize = 300;
