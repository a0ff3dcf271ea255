// The shared eligibility vectors (tests/vectors/eligibility/cases.json), run through the Swift
// binding as an app that receives JSON would: a case's `record` is written back to JSON text with
// JSONSerialization and read with screeningRecordFromJson, a case's `json` is passed as it is;
// then screen(). Each failing case is reported by name; the file must hold at least the minimum.
import AmimestrocelDkd
import Foundation
import XCTest

/// Minimum case count, as in core/tests/vectors.rs; an empty or truncated file fails.
let minEligibilityCases = 80

final class EligibilityVectorTests: XCTestCase {
    /// The text of a case: its raw `json`, or its `record` written back as JSON.
    private func text(_ c: [String: Any]) throws -> String {
        if let raw = optional(c, "json") as? String { return raw }
        guard let record = c["record"], JSONSerialization.isValidJSONObject(record) else {
            throw VectorError.malformed("\(try string(c, "name")): no `record` or `json`")
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self)
    }

    func testEligibilityCases() throws {
        let cases = try Vectors.cases("eligibility/cases.json", "cases", minimum: minEligibilityCases)
        var screened = 0
        var refused = 0
        for c in cases {
            let name = try string(c, "name")
            let expectedError = optional(c, "error") as? [String: Any]
            let result: ScreeningResult
            do {
                result = try screen(record: screeningRecordFromJson(json: text(c)))
            } catch let error as DkdError {
                if let expected = expectedError {
                    XCTAssertEqual(error.errorKind, try string(expected, "kind"), name)
                    XCTAssertEqual(error.path, try string(expected, "path"), name)
                    refused += 1
                } else {
                    XCTFail("\(name): \(error.errorKind) at \(error.path) (\(error.parts.reason)), expected a result")
                }
                continue
            }
            if let expected = expectedError {
                XCTFail("\(name): screened \(try statusSlug(status: result.status)), expected error \(expected)")
                continue
            }
            XCTAssertEqual(try statusSlug(status: result.status), try string(c, "status"), name)
            guard let criteria = c["criteria"] as? [String: String] else {
                throw VectorError.malformed("\(name): `criteria` is not an object of strings")
            }
            for (id, outcome) in criteria {
                guard let criterion = try parseCriterionId(slug: id),
                    let got = result.criteria.first(where: { $0.id == criterion })
                else {
                    XCTFail("\(name): no criterion \(id)")
                    continue
                }
                XCTAssertEqual(try outcomeSlug(outcome: got.outcome), outcome, "\(name): \(id) (\(got.reason))")
            }
            screened += 1
        }
        XCTAssertEqual(screened + refused, cases.count)
        print("eligibility/cases.json: \(cases.count) cases (\(screened) screened, \(refused) refused)")
    }
}
