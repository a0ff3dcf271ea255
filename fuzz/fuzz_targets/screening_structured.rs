//! Structure-aware screening: the fuzzer's bytes choose a record field by field (dates near the
//! screening date and past every look-back, units of every analyte and none, numbers on and
//! around every threshold, conditions and medications of every kind, fields missing or
//! surplus), so that the criteria themselves are explored rather than the JSON reader. The
//! record is written as JSON and goes through the same reader as outside data.
#![no_main]
use amimestrocel_dkd::eligibility::{screen, CriterionId, ProtocolConfig, ScreeningRecord, Status};
use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

const DATES: &[&str] = &[
    "2025-06-01", "2025-05-31", "2025-05-25", "2025-05-02", "2025-03-03", "2025-03-02", "2024-12-01", "2020-06-01",
    "2015-06-02", "2015-06-01", "2015-05-31", "1980-06-02", "1945-06-02", "1944-06-01", "1825-01-01", "2025-06-02",
    "9999-12-31", "0001-01-01", "2024-02-29", "2025-1-1", "2025-02-30", "",
];
const UNITS: &[&str] = &[
    "mg/g", "mg/mmol", "µmol/L", "μmol/L", "umol/L", "mg/dL", "mmol/L", "%", "mmol/mol", "g/24h", "mg/24h", "g/d",
    "mmHg", "kPa", "mm[Hg]", "mg/L", "g/L", "mEq/L", " MG/G ", "furlongs", "",
];
const NUMBERS: &[f64] = &[
    0.0, -0.0, -1.0, 1.0, 3.5, 3.499_999, 1000.0, 1000.000_1, 113.12, 20.0, 19.99, 160.0, 100.0, 9.0, 8.99, 74.9,
    6.2, 4.1, 549.134, 158.5, 1.3, 97.0, 7.0, 60.0, 21.3, 1e308, 5e-324, 4294967295.0,
];
const SERIES: &[&str] = &[
    "urine_protein_24h", "uacr", "creatinine", "cystatin_c", "hba1c", "triglycerides", "ldl_cholesterol", "potassium",
];
const CONDITIONS: &[&str] = &[
    "atrial_fibrillation", "congenital_heart_disease", "heart_failure", "unstable_angina", "cerebral_haemorrhage",
    "cerebral_infarction", "lacunar_infarction", "malignancy", "active_tuberculosis", "hiv", "severe_immunodeficiency",
    "blood_product_allergy", "heterologous_protein_allergy", "hyperkalaemia", "active_infection", "gout",
];
const DRUGS: &[&str] = &["tacrolimus", "他克莫司", "Cyclosporine A", "metformin", "prednisone", "", "  TACROLIMUS "];

fn pick<'a, T: Copy>(u: &mut Unstructured<'a>, from: &[T]) -> Result<T> {
    Ok(*u.choose(from)?)
}

fn date(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Value::String(u.arbitrary::<String>()?),
        1 => json!(u.arbitrary::<i64>()?),
        _ => Value::String(pick(u, DATES)?.to_owned()),
    })
}

fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=5)? {
        0 => {
            let x = u.arbitrary::<f64>()?;
            if x.is_finite() { json!(x) } else { json!(0.5) }
        }
        1 => json!(u.arbitrary::<i64>()?),
        2 => json!("7.0"),
        _ => json!(pick(u, NUMBERS)?),
    })
}

fn maybe_bool(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=3)? {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(false),
        _ => json!("yes"),
    })
}

fn object(u: &mut Unstructured<'_>, mut map: Map<String, Value>) -> Result<Value> {
    // Now and then a field goes missing or a surplus one comes.
    if u.ratio(1, 16)? {
        if let Some(key) = map.keys().next().cloned() {
            map.remove(&key);
        }
    }
    if u.ratio(1, 32)? {
        map.insert("colour".into(), json!(1));
    }
    Ok(Value::Object(map))
}

fn list(u: &mut Unstructured<'_>, max: u32, item: impl Fn(&mut Unstructured<'_>) -> Result<Value>) -> Result<Value> {
    let n = u.int_in_range(0..=max)?;
    let mut v = Vec::new();
    for _ in 0..n {
        v.push(item(u)?);
    }
    Ok(Value::Array(v))
}

fn record(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut r = Map::new();
    r.insert("id".into(), json!(format!("FUZZ{:08}", u.arbitrary::<u32>()?)));
    r.insert("sex".into(), json!(pick(u, &["F", "M", "female", "Male", "女", "x", ""])?));
    r.insert("date_of_birth".into(), date(u)?);
    r.insert("screening_date".into(), if u.ratio(7, 8)? { json!("2025-06-01") } else { date(u)? });
    for key in ["type2_diabetes", "non_diabetic_kidney_disease", "lactating", "pregnancy_or_egg_donation_plan",
        "childbearing_plan_without_contraception", "informed_consent", "investigator_deems_unsuitable"]
    {
        let v = maybe_bool(u)?;
        if !v.is_null() || u.ratio(1, 2)? {
            r.insert(key.into(), v);
        }
    }
    if u.ratio(3, 4)? {
        let mut b = Map::new();
        b.insert("date".into(), date(u)?);
        b.insert("finding".into(), json!(pick(u, &["diabetic_kidney_disease", "non_diabetic", "other"])?));
        r.insert("kidney_biopsy".into(), object(u, b)?);
    }
    let mut labs = Map::new();
    for series in SERIES {
        if u.ratio(2, 3)? {
            labs.insert((*series).into(), list(u, 3, |u| {
                let mut e = Map::new();
                e.insert("date".into(), date(u)?);
                e.insert("value".into(), number(u)?);
                e.insert("unit".into(), json!(pick(u, UNITS)?));
                object(u, e)
            })?);
        }
    }
    for series in ["hbv_dna", "hcv_rna"] {
        if u.ratio(1, 2)? {
            labs.insert(series.into(), list(u, 2, |u| {
                let mut e = Map::new();
                e.insert("date".into(), date(u)?);
                e.insert("value".into(), number(u)?);
                e.insert("upper_limit_of_normal".into(), number(u)?);
                object(u, e)
            })?);
        }
    }
    r.insert("labs".into(), object(u, labs)?);
    r.insert("blood_pressures".into(), list(u, 3, |u| {
        let mut b = Map::new();
        b.insert("date".into(), date(u)?);
        b.insert("systolic".into(), number(u)?);
        b.insert("diastolic".into(), number(u)?);
        b.insert("unit".into(), json!(pick(u, &["mmHg", "kPa", "mg/dL"])?));
        object(u, b)
    })?);
    if u.ratio(7, 8)? {
        r.insert("medications".into(), list(u, 3, |u| {
            let mut m = Map::new();
            m.insert("name".into(), json!(pick(u, DRUGS)?));
            m.insert("start".into(), date(u)?);
            if u.ratio(1, 2)? {
                m.insert("end".into(), date(u)?);
            }
            if u.ratio(1, 4)? {
                m.insert("systemic".into(), maybe_bool(u)?);
            }
            object(u, m)
        })?);
    }
    if u.ratio(7, 8)? {
        r.insert("conditions".into(), list(u, 4, |u| {
            let mut c = Map::new();
            c.insert("condition".into(), json!(pick(u, CONDITIONS)?));
            for key in ["onset", "resolved"] {
                if u.ratio(1, 2)? {
                    c.insert(key.into(), date(u)?);
                }
            }
            if u.ratio(1, 3)? {
                c.insert("nyha_class".into(), json!(u.int_in_range(0..=6)?));
            }
            for key in ["residual_deficit", "uncontrolled", "iv_antibiotics"] {
                if u.ratio(1, 3)? {
                    c.insert(key.into(), maybe_bool(u)?);
                }
            }
            object(u, c)
        })?);
    }
    if u.ratio(7, 8)? {
        r.insert("other_trials".into(), list(u, 2, |u| {
            let mut t = Map::new();
            t.insert("interventional".into(), maybe_bool(u)?);
            t.insert("start".into(), date(u)?);
            object(u, t)
        })?);
    }
    Ok(Value::Object(r))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(value) = record(&mut u) else { return };
    let text = value.to_string();
    let Ok(record) = ScreeningRecord::from_json(&text) else { return };
    let json = serde_json::to_string(&record).expect("a record serialises");
    assert_eq!(ScreeningRecord::from_json(&json).expect("what was written reads back"), record);
    let Ok(result) = screen(&record, &ProtocolConfig::default()) else { return };
    assert_eq!(result.criteria.len(), CriterionId::ALL.len());
    let excludes = result.criteria.iter().any(|c| c.excludes());
    assert_eq!(result.status == Status::Ineligible, excludes, "ineligible exactly when a criterion excludes");
    for c in &result.criteria {
        assert!(!c.reason.to_string().is_empty(), "every criterion gives a reason");
    }
});
