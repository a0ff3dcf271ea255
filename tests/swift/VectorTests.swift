// The shared vectors (tests/vectors/units.json and egfr.json), run through the Swift binding.
// Each failing case is reported by name; each file must hold at least the minimum of cases.
import AmimestrocelDkd
import Foundation
import XCTest

/// Minimum case counts, as in core/tests/vectors.rs; an empty or truncated file fails.
let minConversions = 20
let minUnitErrors = 10
let minEgfrCases = 30

final class VectorTests: XCTestCase {
    func testUnitConversions() throws {
        let cases = try Vectors.cases("units.json", "conversions", minimum: minConversions)
        for c in cases {
            let name = try string(c, "name")
            do {
                let lab = try labValue(
                    analyte: parseAnalyte(slug: string(c, "analyte")), value: number(c["value"]), unit: string(c, "unit"))
                let got = try labValueInUnit(lab: lab, unit: string(c, "to_unit"))
                XCTAssertEqual(got, try number(c["expected"]), accuracy: try number(c["tolerance"]), name)
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        print("units.json: \(cases.count) conversion cases")
    }

    func testUnitErrors() throws {
        let cases = try Vectors.cases("units.json", "errors", minimum: minUnitErrors)
        for c in cases {
            let name = try string(c, "name")
            var kind: String? = nil
            do {
                _ = try labValue(
                    analyte: parseAnalyte(slug: string(c, "analyte")), value: number(c["value"]), unit: string(c, "unit"))
            } catch let error as DkdError {
                kind = error.errorKind
            }
            XCTAssertEqual(kind, try string(c, "error"), name)
        }
        print("units.json: \(cases.count) error cases")
    }

    /// Runs one eGFR case in the order core/tests/vectors.rs does; the value, or the error kind.
    private func runEgfr(_ c: [String: Any]) throws -> (value: Double?, kind: String?) {
        let name = try string(c, "name")
        do {
            let equation = try parseEquation(slug: string(c, "equation"))
            let age = try ageFromYears(years: number(c["age"]))
            let sex = try parseSex(text: string(c, "sex"))
            var creatinine: LabValue? = nil
            if let cr = optional(c, "creatinine") as? [String: Any] {
                creatinine = try labValue(analyte: .serumCreatinine, value: number(cr["value"]), unit: string(cr, "unit"))
            }
            var cystatinC: LabValue? = nil
            if let cys = optional(c, "cystatin_c") as? [String: Any] {
                cystatinC = try labValue(analyte: .cystatinC, value: number(cys["value"]), unit: string(cys, "unit"))
            }
            let weightKg = try optional(c, "weight_kg").map { try number($0) }
            let input = EgfrInputs(
                ageYears: Int64(age), sex: sex, creatinine: creatinine, cystatinC: cystatinC, weightKg: weightKg,
                black: (optional(c, "black") as? Bool) ?? false)
            let estimate = try estimateGfr(equation: equation, inputs: input)
            XCTAssertEqual(estimate.equation, equation, name)
            let listed = try equations().first { $0.equation == equation }?.unit
            let expectedUnit = (optional(c, "unit") as? String) ?? listed
            XCTAssertEqual(estimate.unit, expectedUnit, name)
            XCTAssertEqual(estimate.normalised, equation != .cockcroftGault, name)
            return (estimate.value, nil)
        } catch let error as DkdError {
            return (nil, error.errorKind)
        }
    }

    func testEgfrCases() throws {
        let cases = try Vectors.cases("egfr.json", "cases", minimum: minEgfrCases)
        for c in cases {
            let name = try string(c, "name")
            let (value, kind) = try runEgfr(c)
            if let expectedError = optional(c, "error") as? String {
                XCTAssertEqual(kind, expectedError, "\(name): got value \(String(describing: value))")
            } else if let value = value {
                XCTAssertEqual(value, try number(c["expected"]), accuracy: try number(c["tolerance"]), name)
            } else {
                XCTFail("\(name): got error \(kind ?? "?"), expected a value")
            }
        }
        print("egfr.json: \(cases.count) cases")
    }
}
