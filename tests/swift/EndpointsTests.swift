// A participant's own endpoints through the Swift binding, as the phone app uses them: the
// shared hand-computed vectors (tests/vectors/endpoints/), the eGFR trend for a chart, and
// typed errors naming the field. Dates are CalendarDate values in Swift.
import AmimestrocelDkd
import Foundation
import XCTest

final class EndpointsTests: XCTestCase {
    private func json(_ value: Any?) throws -> String? {
        guard let value = value, !(value is NSNull) else { return nil }
        return String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self)
    }

    private func close(_ got: Double?, _ want: Any?, _ what: String) throws {
        guard let want = want, !(want is NSNull) else {
            XCTAssertNil(got, what)
            return
        }
        let w = try number(want)
        guard let g = got else { return XCTFail("\(what): none") }
        XCTAssertLessThanOrEqual(abs(g - w), 1e-9 * max(abs(w), 1.0), "\(what): \(g) != \(w)")
    }

    private func event(_ got: EventTime?, _ want: Any?, _ what: String) throws {
        guard let w = want as? [String: Any] else {
            XCTAssertNil(got, what)
            return
        }
        guard let got = got else { return XCTFail("\(what): none") }
        XCTAssertEqual(got.event, w["event"] as? Bool, what)
        XCTAssertEqual(got.date, try date(w, "date"), what)
        XCTAssertEqual(got.days, (w["days"] as? NSNumber)?.int64Value, what)
        XCTAssertEqual(got.component, optional(w, "component") as? String, what)
    }

    func testParticipantVectors() throws {
        for c in try Vectors.cases("endpoints/participants.json", "cases", minimum: 4) {
            let name = try string(c, "name")
            guard let timeline = try json(c["timeline"]), let e = c["expect"] as? [String: Any],
                  let rows = e["rows"] as? [[String: Any]] else { throw VectorError.malformed(name) }
            let p = try endpointsDerive(timelineJson: timeline, configJson: try json(optional(c, "config")))
            XCTAssertEqual(p.dosed, e["dosed"] as? Bool, name)
            for w in rows {
                // A value counts once per visit that shares its target (d28 and w4): rows are told
                // apart by their visit too.
                let adt = try optionalDate(w, "adt")
                let avisit = optional(w, "avisit") as? String
                let found = p.rows.filter { $0.paramcd == w["paramcd"] as? String && $0.adt == adt && $0.avisit == avisit }
                XCTAssertEqual(found.count, 1, "\(name): \(w["paramcd"] ?? "") \(w["adt"] ?? "") \(avisit ?? "-")")
                guard let r = found.first else { continue }
                let what = "\(name): \(r.paramcd) \(r.adt) \(r.avisit ?? "-")"
                try close(r.aval, w["aval"], "\(what) aval")
                try close(r.base, optional(w, "base"), "\(what) base")
                try close(r.chg, optional(w, "chg"), "\(what) chg")
                try close(r.pchg, optional(w, "pchg"), "\(what) pchg")
                XCTAssertEqual(r.ablfl, w["ablfl"] as? Bool, what)
                XCTAssertEqual(r.anl01fl, w["anl01fl"] as? Bool, what)
            }
            if rows.isEmpty { XCTAssertTrue(p.rows.isEmpty, name) }
            if e.keys.contains("renal_composite") { try event(p.renalComposite, e["renal_composite"], "\(name) renal") }
            if e.keys.contains("mace") { try event(p.mace, e["mace"], "\(name) mace") }
            if e.keys.contains("death") { try event(p.death, e["death"], "\(name) death") }
            if e.keys.contains("unconfirmed_decline") {
                XCTAssertEqual(p.unconfirmedDecline, try optionalDate(e, "unconfirmed_decline"), name)
            }
            if let landmarks = e["landmarks"] as? [[String: Any]] {
                XCTAssertEqual(p.landmarks.count, landmarks.count, name)
                for (got, want) in zip(p.landmarks, landmarks) {
                    XCTAssertEqual(got.visit, try string(want, "visit"), name)
                    XCTAssertEqual(got.date, try date(want, "date"), name)
                    XCTAssertEqual(got.renalComposite, optional(want, "renal_composite") as? Bool, "\(name) \(got.visit) renal")
                    XCTAssertEqual(got.mace, optional(want, "mace") as? Bool, "\(name) \(got.visit) mace")
                    XCTAssertEqual(got.death, optional(want, "death") as? Bool, "\(name) \(got.visit) death")
                }
            }
            if let a = e["adverse_events"] as? [String: Any] {
                let s = p.adverseEvents
                XCTAssertEqual(Int(s.beforeTreatment), (a["before_treatment"] as? NSNumber)?.intValue, name)
                XCTAssertEqual(Int(s.treatmentEmergent), (a["treatment_emergent"] as? NSNumber)?.intValue, name)
                XCTAssertEqual(Int(s.serious), (a["serious"] as? NSNumber)?.intValue, name)
                XCTAssertEqual(Int(s.related), (a["related"] as? NSNumber)?.intValue, name)
                XCTAssertEqual(Int(s.grade3OrAbove), (a["grade_3_or_above"] as? NSNumber)?.intValue, name)
                XCTAssertEqual(Int(s.afterWindow), (a["after_window"] as? NSNumber)?.intValue, name)
            }
            XCTAssertEqual(p.unusable.count, (e["unusable"] as? NSNumber)?.intValue, name)
        }
    }

    func testRefusedTimelineVectors() throws {
        for c in try Vectors.cases("endpoints/participants.json", "errors", minimum: 5) {
            let name = try string(c, "name")
            guard let timeline = try json(c["timeline"]) else { throw VectorError.malformed(name) }
            let e = thrown(DkdError.self) { try endpointsDerive(timelineJson: timeline, configJson: nil) }
            XCTAssertEqual(e?.errorKind, try string(c, "kind"), name)
            XCTAssertEqual(e?.path, try string(c, "path"), name)
        }
    }

    func testTheEgfrTrendIsTheBaselineAndEachVisitInDateOrder() throws {
        let timeline = """
            {"schema_version": 1, "id": "P", "sex": "male", "birth_date": "1958-01-01",
             "first_infusion": "2025-03-03", "last_contact": "2026-04-01",
             "labs": [{"date": "2026-03-01", "analyte": "serum_creatinine", "value": 1.4, "unit": "mg/dL"},
                      {"date": "2025-03-01", "analyte": "serum_creatinine", "value": 1.6, "unit": "mg/dL"},
                      {"date": "2025-09-14", "analyte": "serum_creatinine", "value": 1.5, "unit": "mg/dL"},
                      {"date": "2025-10-20", "analyte": "serum_creatinine", "value": 1.9, "unit": "mg/dL"}]}
            """
        let trend = try endpointsTrend(endpoints: try endpointsDerive(timelineJson: timeline, configJson: nil), paramcd: "EGFR")
        XCTAssertEqual(trend.map { $0.avisit }, ["baseline", "w28", "m12"])
        XCTAssertTrue(trend[0].ablfl && trend.dropFirst().allSatisfy { ($0.chg ?? 0) > 0 })
    }

    func testABadReadingIsAConfigurationError() throws {
        let timeline = #"{"schema_version": 1, "id": "P", "sex": "male", "birth_date": "1958-01-01", "last_contact": "2026-04-01"}"#
        let e = thrown(DkdError.self) { try endpointsDerive(timelineJson: timeline, configJson: #"{"decline_fraction": 2}"#) }
        guard case .InvalidConfig(_, _, let path)? = e else { return XCTFail("expected InvalidConfig, got \(String(describing: e))") }
        XCTAssertEqual(path, "decline_fraction")
    }
}
