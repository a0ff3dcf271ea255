// Tests of the Swift binding layer: typed errors and their associated values, records, lists,
// the usage example. The rules themselves are core's, checked by the shared vectors.
import AmimestrocelDkd
import Foundation
import XCTest

final class BindingTests: XCTestCase {
    private func scr(_ value: Double = 1.3, _ unit: String = "mg/dL") throws -> LabValue {
        try labValue(analyte: .serumCreatinine, value: value, unit: unit)
    }

    /// README.md's example (the Rust and Python sections: 60-year-old woman, creatinine 1.3 mg/dL),
    /// as the Swift section should read; keep the two in step.
    func testReadmeExample() throws {
        let scr = try labValue(analyte: .serumCreatinine, value: 1.3, unit: "mg/dL")
        XCTAssertEqual(try labValueInUnit(lab: scr, unit: "µmol/L"), 114.92, accuracy: 0.01)
        let egfr = try estimateGfr(equation: .ckdEpi2021Cr, input: EgfrInput(ageYears: 60, sex: .female, creatinine: scr))
        XCTAssertEqual(egfr.equation, .ckdEpi2021Cr)
        XCTAssertEqual((egfr.value * 10).rounded() / 10, 47.1)
        XCTAssertEqual(egfr.unit, "mL/min/1.73m²")

        // A unit that does not fit is an error, not a silent conversion:
        do {
            _ = try labValue(analyte: .serumCreatinine, value: 1.3, unit: "mmHg")
            XCTFail("mmHg was accepted for creatinine")
        } catch let LabError.UnitNotForAnalyte(kind, _, _, _, accepted) {
            XCTAssertEqual(kind, "unit_not_for_analyte")
            XCTAssertTrue(accepted.hasPrefix("µmol/L"), accepted)
        }
    }

    /// The usage example of the crate docs (bindings-mobile/src/lib.rs), as a user writes it.
    func testUsageExample() throws {
        let scr = try labValue(analyte: .serumCreatinine, value: 1.6, unit: "mg/dL")
        let egfr = try estimateGfr(
            equation: try protocolDefaultEquation(), input: EgfrInput(ageYears: 67, sex: .male, creatinine: scr))
        XCTAssertGreaterThanOrEqual(egfr.value, 20.0)  // the protocol's eGFR inclusion threshold
        XCTAssertEqual(egfr.value, 46.93, accuracy: 0.01)  // as the GfrEstimate doc comment says
        XCTAssertEqual(egfr.equation, .ckdEpi2021Cr)
        XCTAssertEqual(egfr.unit, "mL/min/1.73m²")
        XCTAssertTrue(egfr.normalised)
    }

    func testLabValueRecordCarriesEnteredAndCanonicalValue() throws {
        let lab = try scr()
        XCTAssertEqual(lab.analyte, .serumCreatinine)
        XCTAssertEqual(lab.value, 1.3)
        XCTAssertEqual(lab.unit, "mg/dL")
        XCTAssertEqual(lab.canonicalUnit, "µmol/L")
        XCTAssertEqual(lab.canonicalValue, 114.92, accuracy: 0.01)
        XCTAssertEqual(try labValueInUnit(lab: lab, unit: "mmol/L"), 0.11492, accuracy: 1e-5)
        XCTAssertEqual(try scr(88.4, "umol/l").unit, "µmol/L")
    }

    func testRecordRoundTripThroughJsonIsExact() throws {
        let lab = try scr()
        let json = try labValueToJson(lab: lab)
        XCTAssertEqual(json, #"{"value":1.3,"unit":"mg/dL"}"#)
        XCTAssertEqual(try labValueFromJson(analyte: .serumCreatinine, json: json), lab)
    }

    func testAnEditedRecordIsCheckedAgain() throws {
        var negative = try scr()
        negative.value = -1
        XCTAssertEqual(
            thrown(LabError.self) { try labValueInUnit(lab: negative, unit: "mg/dL") },
            .Negative(kind: "negative", reason: "serum creatinine is negative", analyte: "serum_creatinine"))
        var other = try scr()
        other.analyte = .potassium
        XCTAssertEqual(thrown(LabError.self) { try labValueToJson(lab: other) }?.errorKind, "unit_not_for_analyte")
        var stale = try scr()
        stale.canonicalValue = 1.0e6  // ignored: the value is rebuilt from value and unit
        XCTAssertEqual(try labValueInUnit(lab: stale, unit: "µmol/L"), 114.92, accuracy: 0.01)
        var mmHg = try scr()
        mmHg.unit = "mmHg"
        let error = thrown(EgfrError.self) {
            try estimateGfr(equation: .ckdEpi2021Cr, input: EgfrInput(ageYears: 50, sex: .male, creatinine: mmHg))
        }
        XCTAssertEqual(error?.errorKind, "unit_not_for_analyte")
    }

    func testLabErrorsAreTypedWithTheirAssociatedValues() throws {
        XCTAssertEqual(
            thrown(LabError.self) { try parseUnit(text: "mg/furlong") },
            .UnknownUnit(kind: "unknown_unit", reason: "unknown unit `mg/furlong`", unit: "mg/furlong"))
        XCTAssertEqual(
            thrown(LabError.self) { try labValue(analyte: .potassium, value: 4, unit: "mg/dL") },
            .UnitNotForAnalyte(
                kind: "unit_not_for_analyte", reason: "unit `mg/dL` does not fit potassium (accepted: mmol/L, mEq/L)",
                analyte: "potassium", unit: "mg/dL", accepted: "mmol/L, mEq/L"))
        XCTAssertEqual(
            thrown(LabError.self) { try parseAnalyte(slug: "serum_unobtainium") },
            .UnknownAnalyte(
                kind: "unknown_analyte", reason: "unknown analyte `serum_unobtainium`", name: "serum_unobtainium"))
        XCTAssertEqual(
            thrown(LabError.self) { try labValue(analyte: .serumCreatinine, value: .nan, unit: "mg/dL") },
            .NotFinite(kind: "not_finite", reason: "serum creatinine is not a finite number", analyte: "serum_creatinine"))
        XCTAssertEqual(
            thrown(LabError.self) { try labValue(analyte: .uacr, value: -1, unit: "mg/g") },
            .Negative(kind: "negative", reason: "urine albumin-to-creatinine ratio is negative", analyte: "uacr"))
        XCTAssertEqual(
            thrown(LabError.self) { try labValue(analyte: .potassium, value: 20, unit: "mmol/L") },
            .OutOfBounds(
                kind: "out_of_bounds", reason: "potassium is outside the plausible range 1–15 mmol/L",
                analyte: "potassium", min: 1, max: 15, unit: "mmol/L"))
        XCTAssertEqual(thrown(LabError.self) { try labValueFromJson(analyte: .serumCreatinine, json: "{") }?.errorKind, "invalid_json")
        XCTAssertEqual(
            thrown(LabError.self) { try labValueFromJson(analyte: .serumCreatinine, json: #"{"value":1.3}"#) },
            .InvalidJson(kind: "invalid_json", reason: "invalid lab value JSON: missing field `unit` at line 1 column 13"))
        // (A value of the wrong JSON type is still quoted by core's reader: see the ignored Rust
        // test invalid_json_never_repeats_a_mistyped_value.)
        let quiet = thrown(LabError.self) {
            try labValueFromJson(analyte: .serumCreatinine, json: #"{"value":1.3,"unit":"mg/dL","patient":"secret-4711"}"#)
        }
        guard case let .InvalidJson(_, reason)? = quiet else { return XCTFail("expected InvalidJson, got \(String(describing: quiet))") }
        XCTAssertFalse(reason.contains("4711"), "the input is never repeated: \(reason)")
        // Swift's errors are LocalizedError: the description names the case and its values.
        let described = (thrown(LabError.self) { try parseUnit(text: "furlongs") } as Error?)?.localizedDescription ?? ""
        XCTAssertTrue(described.contains("UnknownUnit"), described)
    }

    func testEgfrErrorsAreTypedWithTheirAssociatedValues() throws {
        let scr = try scr()
        XCTAssertEqual(
            thrown(EgfrError.self) { try parseEquation(slug: "ckd_epi") },
            .UnknownEquation(kind: "unknown_equation", reason: "unknown equation `ckd_epi` (expected one of ckd_epi_2009_cr, ckd_epi_2021_cr, ckd_epi_2012_cys, ckd_epi_2012_cr_cys, ckd_epi_2021_cr_cys, ekfc_2021_cr, ekfc_2023_cys, ekfc_2023_cr_cys, mdrd4_idms, cockcroft_gault)", name: "ckd_epi"))
        XCTAssertEqual(
            thrown(EgfrError.self) {
                try estimateGfr(equation: .cockcroftGault, input: EgfrInput(ageYears: 50, sex: .male, creatinine: scr))
            },
            .MissingInput(
                kind: "missing_input", reason: "cockcroft_gault needs weight", equation: "cockcroft_gault", input: "weight"))
        XCTAssertEqual(
            thrown(EgfrError.self) {
                try estimateGfr(equation: .ckdEpi2021Cr, input: EgfrInput(ageYears: 17, sex: .female, creatinine: scr))
            },
            .AgeOutOfRange(
                kind: "age_out_of_range", reason: "age is outside the range 18–125 years of ckd_epi_2021_cr",
                equation: "ckd_epi_2021_cr", min: 18, max: 125))
        XCTAssertEqual(
            thrown(EgfrError.self) {
                try estimateGfr(
                    equation: .cockcroftGault, input: EgfrInput(ageYears: 50, sex: .male, creatinine: scr, weightKg: 5))
            },
            .WeightOutOfBounds(kind: "weight_out_of_bounds", reason: "weight is not within 20–400 kg", min: 20, max: 400))
        XCTAssertEqual(
            thrown(EgfrError.self) {
                try estimateGfr(
                    equation: .ckdEpi2021Cr,
                    input: EgfrInput(ageYears: 50, sex: .male, creatinine: labValue(analyte: .cystatinC, value: 1, unit: "mg/L")))
            },
            .Lab(kind: "wrong_analyte", reason: "a cystatin C value was given where serum creatinine is expected"))
        XCTAssertEqual(
            thrown(EgfrError.self) {
                try estimateGfr(
                    equation: .mdrd4Idms,
                    input: EgfrInput(ageYears: 18, sex: .male, creatinine: labValue(analyte: .serumCreatinine, value: 0.06, unit: "mg/dL")))
            },
            .Lab(kind: "out_of_bounds", reason: "eGFR is outside the plausible range 0–300 mL/min/1.73m²"))
        // A negative age is an Int64, so it reaches the library's own error.
        XCTAssertEqual(
            thrown(EgfrError.self) {
                try estimateGfr(equation: .ckdEpi2021Cr, input: EgfrInput(ageYears: -1, sex: .male, creatinine: scr))
            },
            .InvalidAge(kind: "invalid_age", reason: "age is not a whole number of years between 0 and 125", max: 125))
        XCTAssertEqual(thrown(EgfrError.self) { try ageFromYears(years: 50.5) }?.errorKind, "invalid_age")
        XCTAssertEqual(
            thrown(EgfrError.self) { try parseSex(text: "x") },
            .UnknownSex(
                kind: "unknown_sex",
                reason: "unknown sex `x` (expected female/male, F/M, 女/男, or ISO/IEC 5218 code 1 or 2)", text: "x"))
        XCTAssertEqual(
            thrown(EgfrError.self) { try ageOn(birthDate: "2025-01-02", on: "2025-01-01") },
            .BirthAfterDate(kind: "birth_after_date", reason: "date of birth is after the date of assessment"))
        XCTAssertEqual(
            thrown(EgfrError.self) { try ageOn(birthDate: "01/03/1960", on: "2025-03-01") },
            .InvalidDate(
                kind: "invalid_date", reason: "`birth_date` is not an ISO-8601 date (YYYY-MM-DD)", argument: "birth_date"))
    }

    func testErrorKindsListsEveryKind() throws {
        let kinds = try errorKinds()
        XCTAssertEqual(kinds.count, 23)
        XCTAssertEqual(kinds, kinds.sorted())
        for k in [
            "unknown_unit", "unit_not_for_analyte", "unknown_analyte", "not_finite", "negative", "out_of_bounds",
            "invalid_json", "wrong_analyte", "unknown_equation", "missing_input", "age_out_of_range",
            "weight_out_of_bounds", "column_length", "invalid_age", "unknown_sex", "birth_after_date", "invalid_date",
            "malformed", "date_after_screening", "dates_out_of_order", "invalid_value", "invalid_config",
            "internal_error",
        ] {
            XCTAssertTrue(kinds.contains(k), k)
        }
    }

    func testAnalytesAndEquationsComeFromCore() throws {
        let analytes = try analytes()
        XCTAssertEqual(analytes.count, 15)
        for a in analytes {
            XCTAssertEqual(try parseAnalyte(slug: a.slug), a.analyte)
            XCTAssertEqual(a.units.first, a.canonicalUnit)
            XCTAssertLessThanOrEqual(a.min, a.max, a.slug)
        }
        let potassium = try XCTUnwrap(analytes.first { $0.analyte == .potassium })
        XCTAssertEqual(potassium.units, ["mmol/L", "mEq/L"])
        XCTAssertEqual([potassium.min, potassium.max], [1, 15])

        let equations = try equations()
        XCTAssertEqual(equations.count, 10)
        for e in equations {
            XCTAssertEqual(try parseEquation(slug: e.slug), e.equation)
            XCTAssertTrue(e.source.contains("doi:"), e.slug)
            XCTAssertEqual(e.minAge, 18)
        }
        let cg = try XCTUnwrap(equations.first { $0.equation == .cockcroftGault })
        XCTAssertFalse(cg.normalised)
        XCTAssertEqual(cg.unit, "mL/min")
        XCTAssertEqual(cg.maxAge, 120)
        XCTAssertEqual(try protocolDefaultEquation(), .ckdEpi2021Cr)
    }

    func testParsingHelpers() throws {
        XCTAssertEqual(try parseUnit(text: "umol/l"), "µmol/L")
        XCTAssertEqual(try parseUnit(text: "mm[Hg]"), "mmHg")
        XCTAssertEqual(try parseSex(text: " F "), .female)
        XCTAssertEqual(try parseSex(text: "男"), .male)
        XCTAssertEqual(try ageOn(birthDate: "1960-03-01", on: "2025-02-28"), 64)
        XCTAssertEqual(try ageOn(birthDate: "1960-02-29", on: "2025-03-01"), 65)
        XCTAssertEqual(try ageFromYears(years: 60), 60)
    }

    func testEgfrInputHasDefaults() throws {
        let input = EgfrInput(ageYears: 60, sex: .female)
        XCTAssertNil(input.creatinine)
        XCTAssertNil(input.cystatinC)
        XCTAssertNil(input.weightKg)
        XCTAssertFalse(input.black)
        let cg = try estimateGfr(
            equation: .cockcroftGault,
            input: EgfrInput(ageYears: 40, sex: .male, creatinine: scr(1.0, "mg/dL"), weightKg: 72))
        XCTAssertEqual(cg.unit, "mL/min")
        XCTAssertFalse(cg.normalised)
        XCTAssertEqual(cg.value, 100, accuracy: 1e-9)
    }

    func testAPanicInsideTheLibraryIsAThrownErrorNotACrash() throws {
        // The deliberate panic of the test entry point comes out as a thrown ScreeningError
        // (Internal), not an abort of the process.
        XCTAssertEqual(
            thrown(ScreeningError.self) { try internalPanicForTest() },
            .Internal(
                kind: "internal_error",
                reason: "internal error in amimestrocel-dkd (a bug): please report it with the call that raised it"))
        // The library stays usable after it.
        XCTAssertEqual(try protocolDefaultEquation(), .ckdEpi2021Cr)
    }

    func testDatesAreYyyyMmDdOnly() {
        for bad in ["1960-3-1", " 1960-03-01", "+1960-03-01", "-262143-01-01"] {
            XCTAssertEqual(thrown(EgfrError.self) { try ageOn(birthDate: bad, on: "2025-03-01") }?.errorKind, "invalid_date", bad)
        }
    }
}
