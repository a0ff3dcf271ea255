//! Runs the shared, language-neutral vectors in `tests/vectors/` (the same files pytest, the
//! Kotlin tests and the Swift tests read).

use amimestrocel_dkd::demographics::{Age, Sex};
use amimestrocel_dkd::egfr::{estimate, EgfrEquation, EgfrInputs};
use amimestrocel_dkd::lab::{AnalyteKind, CystatinC, Measurement, SerumCreatinine, Unit};
use serde_json::Value;
use uom::si::f64::Mass;
use uom::si::mass::kilogram;

fn load(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Numbers, or the strings NaN / Infinity / -Infinity that JSON cannot hold as numbers.
fn number(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap(),
        Value::String(s) => match s.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            other => panic!("not a number: {other}"),
        },
        other => panic!("not a number: {other}"),
    }
}

fn measurement(analyte: &str, value: &Value, unit: &str) -> Result<Measurement, String> {
    let kind = AnalyteKind::from_slug(analyte).map_err(|e| e.kind().to_owned())?;
    Measurement::new(kind, number(value), unit).map_err(|e| e.kind().to_owned())
}

#[test]
fn unit_conversion_vectors() {
    let vectors = load("units.json");
    let mut failures = Vec::new();
    let cases = vectors["conversions"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let m = measurement(case["analyte"].as_str().unwrap(), &case["value"], case["unit"].as_str().unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let to = Unit::parse(case["to_unit"].as_str().unwrap()).unwrap();
        let got = m.in_unit(to).unwrap();
        let (expected, tol) = (number(&case["expected"]), number(&case["tolerance"]));
        if (got - expected).abs() > tol {
            failures.push(format!("{name}: got {got}, expected {expected} ± {tol}"));
        }
    }
    assert!(cases.len() >= 20);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn unit_error_vectors() {
    let vectors = load("units.json");
    for case in vectors["errors"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let got = measurement(case["analyte"].as_str().unwrap(), &case["value"], case["unit"].as_str().unwrap());
        assert_eq!(got.err().as_deref(), case["error"].as_str(), "{name}");
    }
}

/// Runs one eGFR case; returns the value or the error kind.
fn run_egfr(case: &Value) -> Result<f64, String> {
    let equation = EgfrEquation::from_slug(case["equation"].as_str().unwrap()).map_err(|e| e.kind().to_owned())?;
    let age = Age::from_f64(number(&case["age"])).map_err(|e| e.kind().to_owned())?;
    let sex = Sex::parse(case["sex"].as_str().unwrap()).map_err(|e| e.kind().to_owned())?;
    let mut inputs = EgfrInputs::new(age, sex).with_black(case["black"].as_bool().unwrap_or(false));
    if let Some(cr) = case.get("creatinine").filter(|v| !v.is_null()) {
        let m = measurement("serum_creatinine", &cr["value"], cr["unit"].as_str().unwrap())?;
        inputs = inputs.with_creatinine(SerumCreatinine::try_from_measurement(m).unwrap());
    }
    if let Some(cys) = case.get("cystatin_c").filter(|v| !v.is_null()) {
        let m = measurement("cystatin_c", &cys["value"], cys["unit"].as_str().unwrap())?;
        inputs = inputs.with_cystatin_c(CystatinC::try_from_measurement(m).unwrap());
    }
    if let Some(w) = case.get("weight_kg").filter(|v| !v.is_null()) {
        inputs = inputs.with_weight(Mass::new::<kilogram>(number(w)));
    }
    let estimate = estimate(equation, &inputs).map_err(|e| e.kind().to_owned())?;
    assert_eq!(estimate.equation(), equation);
    assert_eq!(estimate.unit().as_str(), case["unit"].as_str().unwrap_or(equation.result_unit().as_str()));
    Ok(estimate.value())
}

#[test]
fn egfr_vectors() {
    let vectors = load("egfr.json");
    let cases = vectors["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        match (run_egfr(case), case.get("error").and_then(Value::as_str)) {
            (Ok(got), None) => {
                let (expected, tol) = (number(&case["expected"]), number(&case["tolerance"]));
                if (got - expected).abs() > tol {
                    failures.push(format!("{name}: got {got}, expected {expected} ± {tol}"));
                }
            }
            (Err(kind), Some(expected)) if kind == expected => {}
            (got, expected) => failures.push(format!("{name}: got {got:?}, expected error {expected:?}")),
        }
    }
    assert!(cases.len() >= 30);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Screens one eligibility case: Ok(result) or Err((kind, path)).
fn run_screening(case: &Value) -> Result<amimestrocel_dkd::eligibility::ScreeningResult, (String, String)> {
    use amimestrocel_dkd::eligibility::{screen, ProtocolConfig, ScreeningError, ScreeningRecord};
    let text = match case.get("json").and_then(Value::as_str) {
        Some(raw) => raw.to_owned(),
        None => case["record"].to_string(),
    };
    let record = ScreeningRecord::from_json(&text).map_err(|e| (e.kind().to_owned(), e.path().to_owned()))?;
    screen(&record, &ProtocolConfig::default()).map_err(|e| match e {
        ScreeningError::Record(r) => (r.kind().to_owned(), r.path().to_owned()),
        other => (other.kind().to_owned(), String::new()),
    })
}

#[test]
fn eligibility_vectors() {
    let vectors = load("eligibility/cases.json");
    let cases = vectors["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        match (run_screening(case), case.get("error")) {
            (Ok(result), None) => {
                if result.status.as_str() != case["status"].as_str().unwrap() {
                    failures.push(format!("{name}: status {:?}", result.status));
                }
                for (id, outcome) in case["criteria"].as_object().unwrap() {
                    let got = result.criterion(id).map(|c| c.outcome.as_str());
                    if got != outcome.as_str() {
                        let reason = result.criterion(id).map(|c| c.reason.to_string());
                        failures.push(format!("{name}: {id} = {got:?}, expected {outcome} ({reason:?})"));
                    }
                }
            }
            (Err((kind, path)), Some(expected)) => {
                if kind != expected["kind"].as_str().unwrap() || path != expected["path"].as_str().unwrap() {
                    failures.push(format!("{name}: error {kind} at {path}, expected {expected}"));
                }
            }
            (got, expected) => failures.push(format!("{name}: got {:?}, expected {expected:?}", got.map(|r| r.status))),
        }
    }
    assert!(cases.len() >= 80);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Privacy: no error message the vectors produce repeats a participant's identifier, a date of
/// the record (a birth date is personal data) or a value entered in it.
#[test]
fn no_error_message_repeats_an_identifier_a_date_or_a_value() {
    use amimestrocel_dkd::eligibility::{screen, ProtocolConfig, ScreeningRecord};
    fn secrets(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.len() >= 4 => out.push(s.clone()),
            Value::Number(n) => {
                let text = n.to_string();
                if text.trim_start_matches('-').len() >= 4 {
                    out.push(text);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| secrets(i, out)),
            // A unit as entered is named in unit errors on purpose: it is vocabulary, not data.
            Value::Object(map) => map.iter().filter(|(k, _)| *k != "unit").for_each(|(_, i)| secrets(i, out)),
            _ => {}
        }
    }
    // Texts that are vocabulary, not data: units, enum values, booleans spelled out.
    let vocabulary = |s: &str| {
        Unit::parse(s).is_ok()
            || s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            || ["female", "male"].contains(&s.to_ascii_lowercase().as_str())
    };
    let vectors = load("eligibility/cases.json");
    let mut checked = 0;
    for case in vectors["cases"].as_array().unwrap() {
        if case.get("error").is_none() {
            continue;
        }
        let text = match case.get("json").and_then(Value::as_str) {
            Some(raw) => raw.to_owned(),
            None => case["record"].to_string(),
        };
        let message = match ScreeningRecord::from_json(&text) {
            Err(e) => e.to_string(),
            Ok(r) => match screen(&r, &ProtocolConfig::default()) {
                Err(e) => e.to_string(),
                Ok(_) => continue,
            },
        };
        let mut found = Vec::new();
        secrets(&case["record"], &mut found);
        for secret in found.iter().filter(|s| !vocabulary(s)) {
            assert!(!message.contains(secret.as_str()), "{}: the message `{message}` repeats `{secret}`", case["name"]);
        }
        checked += 1;
    }
    assert!(checked >= 10, "the vectors hold refused records ({checked})");
}

/// tests/vectors/names.json: every shared type name is the name of a type of the core crate
/// (listed here by type, so a renamed type does not compile, and compared with the file).
#[test]
fn every_shared_name_is_a_name_of_the_core_crate() {
    use amimestrocel_dkd::egfr::{EquationInfo, GfrEstimate};
    use amimestrocel_dkd::eligibility::{
        CriterionId, CriterionInfo, CriterionKind, CriterionResult, Evidence, LabEntry, Labs, Outcome, Parameter,
        Quantity, ScreeningRecord, ScreeningResult, Status,
    };
    use amimestrocel_dkd::lab::{AnalyteInfo, LabValue, PotassiumIon};
    fn short<T: ?Sized>() -> String {
        let full = std::any::type_name::<T>();
        let path = full.split('<').next().unwrap_or(full);
        path.rsplit("::").next().unwrap_or(path).to_owned()
    }
    let core = vec![
        short::<AnalyteInfo>(),
        short::<EquationInfo>(),
        short::<CriterionInfo>(),
        short::<Parameter>(),
        short::<LabValue<PotassiumIon>>(),
        short::<GfrEstimate>(),
        short::<ScreeningResult>(),
        short::<CriterionResult>(),
        short::<Evidence>(),
        short::<Quantity>(),
        short::<AnalyteKind>(),
        short::<EgfrEquation>(),
        short::<EgfrInputs>(),
        short::<Sex>(),
        short::<ScreeningRecord>(),
        short::<Labs>(),
        short::<LabEntry>(),
        short::<CriterionId>(),
        short::<CriterionKind>(),
        short::<Outcome>(),
        short::<Status>(),
    ];
    let names = load("names.json");
    let listed: Vec<String> = ["types", "typed_types"]
        .iter()
        .flat_map(|k| names[*k].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(core, listed);
}

/// Shared vectors `egfr_units_per_row.json`: each row's creatinine in its own unit, converted by
/// `RowUnits` and run through the batch; a bad unit is that row's own error.
#[test]
fn egfr_with_a_unit_per_row_matches_the_shared_vectors() {
    use amimestrocel_dkd::egfr::{
        egfr_batch, mark_missing, mark_unit_errors, BatchColumns, BatchInput, LabColumn, RowError, RowUnits,
    };
    let vectors = load("egfr_units_per_row.json");
    let cases = vectors["cases"].as_array().unwrap();
    let ages: Vec<f64> = cases.iter().map(|c| c["age"].as_f64().unwrap()).collect();
    let sexes: Vec<u8> = cases.iter().map(|c| if c["sex"] == "female" { 2 } else { 1 }).collect();
    let values: Vec<f64> = cases.iter().map(|c| c["creatinine"].as_f64().unwrap_or(f64::NAN)).collect();
    let missing: Vec<bool> = cases.iter().map(|c| c["creatinine"].is_null()).collect();
    let mut texts: Vec<&str> = Vec::new();
    let codes: Vec<i64> = cases
        .iter()
        .map(|c| match c["unit"].as_str() {
            None => -1,
            Some(u) => {
                if !texts.contains(&u) {
                    texts.push(u);
                }
                texts.iter().position(|t| *t == u).unwrap() as i64
            }
        })
        .collect();
    let one = RowUnits { codes: &codes, texts: &texts }.to_canonical(LabColumn::Creatinine, &values).unwrap();
    let mut cols = BatchColumns::new(&ages, &sexes);
    cols.creatinine = Some(&one.values);
    cols.creatinine_unit = one.unit;
    let equation = EgfrEquation::from_slug(vectors["equation"].as_str().unwrap()).unwrap();
    let (mut out, mut row_codes) = (vec![0.0; cases.len()], vec![0u8; cases.len()]);
    egfr_batch(equation, &cols, &mut out, &mut row_codes, 1).unwrap();
    mark_unit_errors(&mut row_codes, &one.unit_errors, LabColumn::Creatinine).unwrap();
    mark_missing(&mut row_codes, &missing, BatchInput::Creatinine).unwrap();
    for (i, c) in cases.iter().enumerate() {
        let name = c["name"].as_str().unwrap();
        match c["error"].as_str() {
            Some(error) => assert_eq!(RowError::from_code(row_codes[i]).map(RowError::slug), Some(error), "{name}"),
            None => {
                assert_eq!(row_codes[i], 0, "{name}");
                let (expected, tolerance) = (c["expected"].as_f64().unwrap(), c["tolerance"].as_f64().unwrap());
                assert!((out[i] - expected).abs() <= tolerance, "{name}: {} vs {expected}", out[i]);
            }
        }
    }
}
