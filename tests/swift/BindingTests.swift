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
        let egfr = try estimateGfr(equation: .ckdEpi2021Cr, inputs: EgfrInputs(ageYears: 60, sex: .female, creatinine: scr))
        XCTAssertEqual(egfr.equation, .ckdEpi2021Cr)
        XCTAssertEqual((egfr.value * 10).rounded() / 10, 47.1)
        XCTAssertEqual(egfr.unit, "mL/min/1.73m²")

        // A unit that does not fit is an error, not a silent conversion:
        do {
            _ = try labValue(analyte: .serumCreatinine, value: 1.3, unit: "mmHg")
            XCTFail("mmHg was accepted for creatinine")
        } catch let DkdError.InvalidInput(kind, reason, path) {
            XCTAssertEqual(kind, "unit_not_for_analyte")
            XCTAssertTrue(reason.hasSuffix("(accepted: µmol/L, mg/dL, mmol/L, mg/L)"), reason)
            XCTAssertEqual(path, "")
        }
    }

    /// The usage example of the crate docs (bindings-mobile/src/lib.rs), as a user writes it.
    func testUsageExample() throws {
        let scr = try labValue(analyte: .serumCreatinine, value: 1.6, unit: "mg/dL")
        let egfr = try estimateGfr(
            equation: try protocolDefaultEquation(), inputs: EgfrInputs(ageYears: 67, sex: .male, creatinine: scr))
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
            thrown(DkdError.self) { try labValueInUnit(lab: negative, unit: "mg/dL") },
            .InvalidInput(kind: "negative", reason: "serum creatinine is negative", path: ""))
        var other = try scr()
        other.analyte = .potassium
        XCTAssertEqual(thrown(DkdError.self) { try labValueToJson(lab: other) }?.errorKind, "unit_not_for_analyte")
        var stale = try scr()
        stale.canonicalValue = 1.0e6  // ignored: the value is rebuilt from value and unit
        XCTAssertEqual(try labValueInUnit(lab: stale, unit: "µmol/L"), 114.92, accuracy: 0.01)
        var mmHg = try scr()
        mmHg.unit = "mmHg"
        let error = thrown(DkdError.self) {
            try estimateGfr(equation: .ckdEpi2021Cr, inputs: EgfrInputs(ageYears: 50, sex: .male, creatinine: mmHg))
        }
        XCTAssertEqual(error?.errorKind, "unit_not_for_analyte")
    }

    /// The kind and reason of the input error `body` throws.
    private func invalid<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        guard let error = thrown(DkdError.self, file: file, line: line, body), case let .InvalidInput(kind, reason, _) = error
        else { XCTFail("expected DkdError.InvalidInput", file: file, line: line); return [] }
        return [kind, reason]
    }

    func testInputErrorsCarryCoresKindAndText() throws {
        let scr = try scr()
        let cases: [([String], [String])] = [
            (invalid { try parseUnit(text: "mg/furlong") }, ["unknown_unit", "unknown unit `mg/furlong`"]),
            (invalid { try parseAnalyte(slug: "serum_unobtainium") }, ["unknown_analyte", "unknown analyte `serum_unobtainium`"]),
            (invalid { try labValue(analyte: .serumCreatinine, value: .nan, unit: "mg/dL") }, ["not_finite", "serum creatinine is not a finite number"]),
            (invalid { try labValue(analyte: .uacr, value: -1, unit: "mg/g") }, ["negative", "urine albumin-to-creatinine ratio is negative"]),
            (invalid { try labValue(analyte: .potassium, value: 20, unit: "mmol/L") }, ["out_of_bounds", "potassium is outside the plausible range 1–15 mmol/L"]),
            (invalid { try labValueFromJson(analyte: .serumCreatinine, json: #"{"value":1.3}"#) }, ["invalid_json", "invalid lab value JSON: missing field `unit` at line 1 column 13"]),
            (invalid { try estimateGfr(equation: .cockcroftGault, inputs: EgfrInputs(ageYears: 50, sex: .male, creatinine: scr)) }, ["missing_input", "cockcroft_gault needs weight"]),
            (invalid { try estimateGfr(equation: .ckdEpi2021Cr, inputs: EgfrInputs(ageYears: 17, sex: .female, creatinine: scr)) }, ["age_out_of_range", "age is outside the range 18–125 years of ckd_epi_2021_cr"]),
            (invalid { try estimateGfr(equation: .cockcroftGault, inputs: EgfrInputs(ageYears: 50, sex: .male, creatinine: scr, weightKg: 5)) }, ["weight_out_of_bounds", "weight is not within 20–400 kg"]),
            (invalid { try estimateGfr(equation: .ckdEpi2021Cr, inputs: EgfrInputs(ageYears: 50, sex: .male, creatinine: labValue(analyte: .cystatinC, value: 1, unit: "mg/L"))) }, ["wrong_analyte", "a cystatin C value was given where serum creatinine is expected"]),
            (invalid { try estimateGfr(equation: .ckdEpi2021Cr, inputs: EgfrInputs(ageYears: -1, sex: .male, creatinine: scr)) }, ["invalid_age", "age is not a whole number of years between 0 and 125"]),
            (invalid { try parseSex(text: "x") }, ["unknown_sex", "unknown sex (expected female/male, F/M, 女/男, or ISO/IEC 5218 code 1 or 2)"]),
            (invalid { try ageOn(birthDate: day("2025-01-02"), on: day("2025-01-01")) }, ["birth_after_date", "date of birth is after the date of assessment"]),
            (invalid { try ageOn(birthDate: CalendarDate("01/03/1960"), on: day("2025-03-01")) }, ["invalid_date", "a date is not an ISO-8601 calendar date (YYYY-MM-DD)"]),
        ]
        for (got, expected) in cases {
            XCTAssertEqual(got, expected)
        }
        let quiet = invalid { try labValueFromJson(analyte: .serumCreatinine, json: #"{"value":1.3,"unit":"mg/dL","patient":"secret-4711"}"#) }
        XCTAssertFalse(quiet.joined().contains("4711"), "the input is never repeated: \(quiet)")
        // Swift's errors are LocalizedError: the description names the case and its values.
        let described = (thrown(DkdError.self) { try parseUnit(text: "furlongs") } as Error?)?.localizedDescription ?? ""
        XCTAssertTrue(described.contains("InvalidInput"), described)
    }

    func testErrorKindsListsEveryKind() throws {
        let kinds = try errorKinds()
        XCTAssertEqual(kinds.count, 46)
        XCTAssertEqual(kinds, kinds.sorted())
        for k in [
            "unknown_unit", "unit_not_for_analyte", "unknown_analyte", "not_finite", "negative", "out_of_bounds",
            "invalid_json", "wrong_analyte", "unknown_equation", "missing_input", "age_out_of_range",
            "weight_out_of_bounds", "column_length", "invalid_age", "unknown_sex", "birth_after_date", "invalid_date",
            "malformed", "date_after_screening", "dates_out_of_order", "invalid_value", "invalid_config",
            "internal_error",
            "invalid_schedule", "date_out_of_range", "invalid_time", "invalid_instrument", "invalid_translation", "unknown_instrument", "unknown_language", "unknown_item", "answer_out_of_scale", "not_applicable_not_allowed", "skip_not_allowed", "session_completed", "session_incomplete", "invalid_session", "corrupt_save", "instrument_mismatch", "invalid_rules", "efficacy_undefined", "storage", "invalid_answer", "missing_column", "invalid_lab", "unsupported_schema_version",
        ] {
            XCTAssertTrue(kinds.contains(k), k)
        }
    }

    func testAnalytesAndEquationsComeFromCore() throws {
        let analytes = try analytes()
        XCTAssertEqual(analytes.count, 17)
        for a in analytes {
            XCTAssertEqual(try parseAnalyte(slug: a.slug), a.analyte)
            XCTAssertEqual(a.units.first, a.canonicalUnit)
            XCTAssertLessThanOrEqual(a.min, a.max, a.slug)
        }
        let potassium = try XCTUnwrap(analytes.first { $0.analyte == .potassium })
        XCTAssertEqual(potassium.units, ["mmol/L", "mEq/L"])
        XCTAssertEqual([potassium.min, potassium.max], [1, 15])
        XCTAssertEqual(analytes.first { $0.analyte == .urineAlbumin }?.units, ["mg/L", "mg/dL", "g/L"])

        let equations = try equations()
        XCTAssertEqual(equations.count, 10)
        for e in equations {
            XCTAssertEqual(try parseEquation(slug: e.slug), e.equation)
            XCTAssertTrue(e.source.contains("doi:"), e.slug)
            XCTAssertEqual(e.minAge, 18)
        }
        let cg = try XCTUnwrap(equations.first { $0.equation == .cockcroftGault })
        XCTAssertFalse(cg.normalised)
        XCTAssertEqual([cg.unit] + cg.needs, ["mL/min", "creatinine", "weight_kg"])
        XCTAssertEqual(cg.maxAge, 120)
        XCTAssertEqual(try protocolDefaultEquation(), .ckdEpi2021Cr)
    }

    func testParsingHelpers() throws {
        XCTAssertEqual(try parseUnit(text: "umol/l"), "µmol/L")
        XCTAssertEqual(try parseUnit(text: "mm[Hg]"), "mmHg")
        XCTAssertEqual(try parseSex(text: " F "), .female)
        XCTAssertEqual(try parseSex(text: "男"), .male)
        XCTAssertEqual(try ageOn(birthDate: day("1960-03-01"), on: day("2025-02-28")), 64)
        XCTAssertEqual(try ageOn(birthDate: day("1960-02-29"), on: day("2025-03-01")), 65)
        XCTAssertEqual(try ageFromYears(years: 60), 60)
    }

    func testEgfrInputsHaveDefaults() throws {
        let inputs = EgfrInputs(ageYears: 60, sex: .female)
        XCTAssertNil(inputs.creatinine)
        XCTAssertNil(inputs.cystatinC)
        XCTAssertNil(inputs.weightKg)
        XCTAssertFalse(inputs.black)
        let cg = try estimateGfr(
            equation: .cockcroftGault,
            inputs: EgfrInputs(ageYears: 40, sex: .male, creatinine: scr(1.0, "mg/dL"), weightKg: 72))
        XCTAssertEqual(cg.unit, "mL/min")
        XCTAssertFalse(cg.normalised)
        XCTAssertEqual(cg.value, 100, accuracy: 1e-9)
    }

    func testAPanicInsideTheLibraryIsAThrownErrorNotACrash() throws {
        // The deliberate panic of the test entry point comes out as a thrown DkdError.Internal,
        // not an abort of the process.
        XCTAssertEqual(
            thrown(DkdError.self) { try internalPanicForTest() },
            .Internal(
                kind: "internal_error",
                reason: "internal error in amimestrocel-dkd (a bug): please report it with the call that raised it"))
        XCTAssertEqual(try protocolDefaultEquation(), .ckdEpi2021Cr)  // still usable
    }

    func testDatesAreYyyyMmDdOnlyAndRefusedWhereTheyAreMade() throws {
        for bad in ["1960-3-1", " 1960-03-01", "+1960-03-01", "-262143-01-01", "1960-02-30", "0000-01-01"] {
            XCTAssertEqual(thrown(DkdError.self) { try CalendarDate(bad) }?.errorKind, "invalid_date", bad)
        }
        XCTAssertEqual(thrown(DkdError.self) { try CalendarDate(year: 2025, month: 2, day: 29) }?.errorKind, "invalid_date")
        let leap = try CalendarDate(year: 2024, month: 2, day: 29)
        XCTAssertEqual([leap.iso, String(leap.year), String(leap.month), String(leap.day)], ["2024-02-29", "2024", "2", "29"])
        XCTAssertEqual(leap, day("2024-02-29"))
        XCTAssertTrue(try CalendarDate("2024-12-31") < CalendarDate("2025-01-01"))
        // A date Rust makes comes back as the same value (lowered and lifted through parseDate).
        XCTAssertEqual(try parseDate(text: "1960-02-29"), day("1960-02-29"))
    }

    /// tests/vectors/names.json: the shared names exist here under the same name. Types are
    /// listed here by reference (so a renamed type does not compile) and compared with the file;
    /// functions (camelCase) likewise.
    func testEverySharedNameIsANameOfTheBinding() throws {
        let names = try Vectors.load("names.json")
        let types: [Any.Type] = [
            AnalyteInfo.self, EquationInfo.self, CriterionInfo.self, Parameter.self, LabValue.self, GfrEstimate.self,
            ScreeningResult.self, CriterionResult.self, Evidence.self, Quantity.self,
            AnalyteKind.self, EgfrEquation.self, EgfrInputs.self, Sex.self, ScreeningRecord.self, Labs.self, LabEntry.self,
            CriterionId.self, CriterionKind.self, Outcome.self, Status.self, DkdError.self,
        ]
        let expected = (names["types"] as? [String] ?? []) + (names["typed_types"] as? [String] ?? [])
            + ((names["errors"] as? [String: Any])?["swift"] as? [String] ?? [])
        XCTAssertEqual(types.map { String(describing: $0) }, expected)
        let functions: [(String, Any)] = [
            ("labValue", labValue(analyte:value:unit:)), ("parseUnit", parseUnit(text:)), ("analytes", analytes),
            ("estimateGfr", estimateGfr(equation:inputs:)), ("equations", equations), ("ageOn", ageOn(birthDate:on:)),
            ("screen", screen(record:)), ("criteria", criteria),
        ]
        let camel = (names["functions"] as? [String] ?? []).map { name -> String in
            let words = name.split(separator: "_").map(String.init)
            return words[0] + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
        XCTAssertEqual(functions.map { $0.0 }, camel)
    }
}

