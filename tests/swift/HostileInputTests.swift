// The bad-input matrix of docs/reliability.md, for Swift: each class of hostile input throws the
// typed error that names what was wrong (never a crash, never a silent reading), and the library
// stays usable after it.
import AmimestrocelDkd
import XCTest

final class HostileInputTests: XCTestCase {
    let base = ScreeningRecord(id: "SW-H", sex: .female, dateOfBirth: day("1962-07-15"), screeningDate: day("2025-06-01"))

    func testNanAndInfiniteLabValuesAreRefused() {
        for x in [Double.nan, .infinity, -.infinity] {
            XCTAssertEqual(thrown(DkdError.self) { try labValue(analyte: .uacr, value: x, unit: "mg/g") }?.errorKind, "not_finite")
            var r = base
            r.labs.uacr = [LabEntry(date: day("2025-05-20"), value: x, unit: "mg/g")]
            let e = thrown(DkdError.self) { try screen(record: r) }
            XCTAssertEqual(e?.errorKind, "not_finite")
            XCTAssertEqual(e?.path, "labs.uacr[0]")
        }
    }

    func testNegativeImplausibleAndUnitErrors() {
        XCTAssertEqual(thrown(DkdError.self) { try labValue(analyte: .serumCreatinine, value: -1, unit: "mg/dL") }?.errorKind, "negative")
        XCTAssertEqual(thrown(DkdError.self) { try labValue(analyte: .serumCreatinine, value: 1e9, unit: "mg/dL") }?.errorKind, "out_of_bounds")
        XCTAssertEqual(thrown(DkdError.self) { try labValue(analyte: .uacr, value: 10, unit: "mg/furlong") }?.errorKind, "unknown_unit")
        XCTAssertEqual(thrown(DkdError.self) { try labValue(analyte: .uacr, value: 10, unit: "mmHg") }?.errorKind, "unit_not_for_analyte")
    }

    func testMalformedJsonTrailingContentAndArraysAreMalformed() throws {
        let json = try screeningRecordToJson(record: base)
        let nested = json.replacingOccurrences(
            of: "{", with: #"{"labs": {"uacr": [["2025-05-20", 1200.0, "mg/g"]]}, "#, options: [], range: json.range(of: "{"))
        for (text, path) in [
            ("{", "."), (json + json, "."), (json + " garbage", "."),
            (#"["SW-H", "F", "1962-07-15", "2025-06-01"]"#, "."), (nested, "labs.uacr[0]"),
        ] {
            let e = thrown(DkdError.self) { try screeningRecordFromJson(json: text) }
            XCTAssertEqual(e?.errorKind, "malformed", text)
            XCTAssertEqual(e?.path, path, text)
        }
        XCTAssertEqual(
            thrown(DkdError.self) { try labValueFromJson(analyte: .uacr, json: #"{"value": 1, "unit": "mg/g"} x"#) }?.errorKind,
            "invalid_json")
    }

    func testDatesOtherThanYyyyMmDdAndExtremeDatesAreRefused() {
        // Refused where the date is made: a record can only hold dates that exist.
        for bad in ["2025-6-1", " 2025-06-01", "+2025-06-01", "-262143-01-10", "2025-02-30"] {
            XCTAssertEqual(thrown(DkdError.self) { try CalendarDate(bad) }?.errorKind, "invalid_date", bad)
        }
    }

    func testDatesOutOfOrderAndImpossibleAges() {
        var r = base
        r.dateOfBirth = day("2026-01-01")
        XCTAssertEqual(thrown(DkdError.self) { try screen(record: r) }?.errorKind, "dates_out_of_order")
        r.dateOfBirth = day("1800-01-01")
        XCTAssertEqual(thrown(DkdError.self) { try screen(record: r) }?.path, "date_of_birth")
        XCTAssertEqual(thrown(DkdError.self) { try ageFromYears(years: 200) }?.errorKind, "invalid_age")
        XCTAssertEqual(thrown(DkdError.self) { try ageFromYears(years: .nan) }?.errorKind, "invalid_age")
    }

    func testAConfigurationOutOfBoundsIsRefused() {
        for field in ["egfr_lookback_days", "stroke_lookback_months", "malignancy_lookback_years"] {
            let e = thrown(DkdError.self) { try screenWithConfig(record: base, configJson: "{\"\(field)\": 4294967295}") }
            XCTAssertEqual(e?.errorKind, "invalid_config", field)
            XCTAssertEqual(e?.path, field)
        }
    }

    func testUnknownEquationsAndSexLabels() throws {
        XCTAssertEqual(thrown(DkdError.self) { try parseEquation(slug: "ckd-epi") }?.errorKind, "unknown_equation")
        XCTAssertEqual(thrown(DkdError.self) { try parseSex(text: "x") }?.errorKind, "unknown_sex")
        XCTAssertEqual(try parseSex(text: "Female"), .female)
    }

    func testAPanicIsTypedAndTheLibraryStaysUsable() throws {
        for _ in 0..<3 {
            XCTAssertEqual(thrown(DkdError.self) { try internalPanicForTest() }?.errorKind, "internal_error")
        }
        XCTAssertEqual(try screen(record: base).status, .pending)
    }
}
