// The questionnaires through the Swift binding, as the phone app uses them: an app flow with the
// DQOL in Simplified Chinese (answer half, save, drop everything, resume, change, finish), the
// shared scoring vectors (tests/vectors/instruments/), a site translation, FHIR, and typed errors.
// Times are RFC 3339 strings in Swift.
import AmimestrocelDkd
import Foundation
import XCTest

final class InstrumentTests: XCTestCase {
    private let start = "2025-04-01T10:00:00+08:00"
    /// `start` plus `seconds` (under a minute, or whole minutes), as the phone's clock would give it.
    private func t(_ seconds: Int) -> String {
        String(format: "2025-04-01T10:%02d:%02d+08:00", seconds / 60, seconds % 60)
    }

    func testAppFlowDqolInChineseAnswerHalfSaveDropResumeChangeFinish() throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("dkd-swift-\(ProcessInfo.processInfo.processIdentifier)-dqol.json").path
        var saved = ""
        var items: [ItemView] = []
        do {
            let dqol = try Instrument.bundled(id: "dqol")
            let view = try dqol.view(language: "zh-Hans")
            XCTAssertEqual(view.title, "糖尿病生活质量量表（DQOL）")
            XCTAssertEqual(view.wording, .placeholder)
            items = view.sections.flatMap { $0.items }
            XCTAssertEqual(items.count, 46)
            XCTAssertEqual(items[0].options[0].label, "1 – 非常满意")
            let session = try Session.start(instrument: dqol, participant: "S-001", visit: "w4", language: "zh-Hans", at: t(0))
            for (i, item) in items.prefix(23).enumerated() {
                try session.answer(item: item.id, value: Int64(i % 5 + 1), at: t(i + 1))
            }
            XCTAssertEqual(try session.progress().answered, 23)
            XCTAssertEqual(try session.progress().nextItem, "imp09")
            saved = try session.toJson()
            try SessionStore(path: file).save(session: session)
        } // The app is killed: every object is dropped here.

        let dqol = try Instrument.bundled(id: "dqol")
        let stored = try SessionStore(path: file).load(instrument: dqol)
        XCTAssertNil(stored.recoveredFrom)
        XCTAssertEqual(try stored.session.progress().answered, 23)
        let session = try Session.resume(instrument: dqol, saved: saved)
        XCTAssertEqual(try session.progress().answered, 23)
        try session.answer(item: "sat01", value: 5, at: t(100)) // was 1
        for (i, item) in items.dropFirst(23).enumerated() {
            try session.answer(item: item.id, value: 3, at: t(200 + i))
        }
        try session.notApplicable(item: "svw01", at: t(300))
        let scores = try session.complete(at: t(400), rules: nil)

        // By hand: satisfaction 49, impact 57, social worry prorated 3 x 7 = 21, diabetes worry
        // 12; total 139, on 0-100 (230 - 139) / 184 x 100 (see InstrumentTest.kt).
        XCTAssertEqual(scores.sections.map { $0.raw }, [49, 57, 21, 12])
        XCTAssertTrue(scores.sections[2].prorated)
        XCTAssertEqual(scores.total, 139)
        XCTAssertEqual(scores.totalTransformed ?? -1, (230.0 - 139.0) / 184.0 * 100.0, accuracy: 1e-9)
        XCTAssertEqual(try session.status(), .completed)

        let audit = try session.audit()
        XCTAssertEqual(audit.count, 23 + 1 + 23 + 1)
        XCTAssertEqual(audit[23].item, "sat01")
        XCTAssertEqual(audit[23].old, .value(1))
        XCTAssertEqual(audit[23].new, .value(5))
        XCTAssertEqual(audit[23].at, t(100))
        XCTAssertEqual(audit.last?.new, .notApplicable)

        let e = thrown(DkdError.self) { try session.answer(item: "sat02", value: 1, at: t(500)) }
        XCTAssertEqual(e?.errorKind, "session_completed")
        XCTAssertEqual(e?.path, "sat02")
        // Whatever the answer (off the scale, an unknown item): completed first, as in core.
        for (item, value) in [("sat02", Int64(9)), ("headache", Int64(1))] {
            let late = thrown(DkdError.self) { try session.answer(item: item, value: value, at: t(500)) }
            XCTAssertEqual(late?.errorKind, "session_completed")
            XCTAssertEqual(late?.path, item)
        }
        try? FileManager.default.removeItem(atPath: file)
    }

    func testBadInputIsATypedErrorWithTheItemAndTheSessionStaysUsable() throws {
        let tcm = try Instrument.bundled(id: "tcm-dkd")
        let session = try Session.start(instrument: tcm, participant: "S-002", visit: "baseline", language: "en", at: t(0))
        let e = thrown(DkdError.self) { try session.answer(item: "fatigue", value: 3, at: t(1)) }
        XCTAssertEqual(e?.errorKind, "answer_out_of_scale")
        XCTAssertEqual(e?.path, "fatigue")
        try session.answer(item: "fatigue", value: 4, at: t(2))
        XCTAssertEqual(try session.answerTo(item: "fatigue"), .value(4))
        // A value beyond a byte is off the scale, not wrapped onto it or trapped on.
        for wide: Int64 in [260, -252, .max] {
            XCTAssertEqual(thrown(DkdError.self) { try session.answer(item: "fatigue", value: wide, at: t(2)) }?.errorKind, "answer_out_of_scale")
        }
        XCTAssertEqual(try session.answerTo(item: "fatigue"), .value(4))
        XCTAssertEqual(thrown(DkdError.self) { try session.complete(at: t(3), rules: nil) }?.path, "dry_mouth_throat")
        let saved = try session.toJson()
        let cut = thrown(DkdError.self) { try Session.resume(instrument: tcm, saved: String(saved.prefix(saved.count / 2))) }
        XCTAssertEqual(cut?.errorKind, "corrupt_save")
        let badTime = thrown(DkdError.self) { try session.answer(item: "fatigue", value: 2, at: "yesterday") }
        XCTAssertEqual(badTime?.errorKind, "invalid_time")
        XCTAssertEqual(try session.answerTo(item: "fatigue"), .value(4))
        let broken = thrown(DkdError.self) { try Instrument.fromJson(text: "{\"format\": 1}") }
        guard case .InvalidConfig(let kind, _, _)? = broken else { return XCTFail("expected InvalidConfig") }
        XCTAssertEqual(kind, "invalid_instrument")
    }

    func testASiteLoadsItsLicensedWordingFromAFile() throws {
        let dqol = try Instrument.bundled(id: "dqol")
        let data = Data(try dqol.translationTemplate(language: "zh-Hans").utf8)
        var template = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        template["language"] = "zh-Hans-CN"
        template["source"] = "Site licence 2025-01"
        var texts = try XCTUnwrap(template["items"] as? [String: String])
        XCTAssertTrue(texts.values.allSatisfy { $0.isEmpty }, "placeholder item texts are left to fill")
        for id in Array(texts.keys) { texts[id] = "条目 \(id)" }
        texts["sat01"] = "您对管理糖尿病所需的时间满意吗？"
        template["items"] = texts
        let json = String(decoding: try JSONSerialization.data(withJSONObject: template), as: UTF8.self)
        let site = try dqol.withTranslation(text: json)
        let view = try site.view(language: "zh-Hans-CN")
        XCTAssertEqual(view.wording, .licensed)
        XCTAssertEqual(try site.view(language: "zh-Hans").wording, .placeholder)
        XCTAssertEqual(view.sections[0].items[0].text, "您对管理糖尿病所需的时间满意吗？")
        texts.removeValue(forKey: "imp07")
        template["items"] = texts
        let partial = String(decoding: try JSONSerialization.data(withJSONObject: template), as: UTF8.self)
        XCTAssertEqual(thrown(DkdError.self) { try dqol.withTranslation(text: partial) }?.path, "items.imp07")
    }

    private func apply(_ session: Session, _ item: String, _ answer: Any, _ at: String) throws {
        if let n = answer as? NSNumber, !(answer is String) {
            try session.answer(item: item, value: n.int64Value, at: at)
        } else if answer as? String == "not_applicable" {
            try session.notApplicable(item: item, at: at)
        } else if answer as? String == "skipped" {
            try session.skip(item: item, at: at)
        } else {
            throw VectorError.malformed("not an answer: \(answer)")
        }
    }

    private func check(_ want: Any?, _ got: Double?, _ what: String) {
        if let w = want as? NSNumber {
            XCTAssertEqual(got ?? .nan, w.doubleValue, accuracy: 1e-9, what)
        } else {
            XCTAssertNil(got, what)
        }
    }

    func testScoringVectors() throws {
        for c in try Vectors.cases("instruments/scoring.json", "scores", minimum: 10) {
            let name = try string(c, "name")
            let inst = try Instrument.bundled(id: try string(c, "instrument"))
            let session = try Session.start(instrument: inst, participant: "V", visit: "v", language: "en", at: start)
            if let all = optional(c, "all") {
                for item in try inst.view(language: "en").sections.flatMap({ $0.items }) {
                    try apply(session, item.id, all, start)
                }
            }
            for (item, a) in (c["answers"] as? [String: Any]) ?? [:] {
                try apply(session, item, a, start)
            }
            var rules: ScoreRules?
            if let r = optional(c, "rules") as? [String: Any] {
                let transform: Transform
                switch try string(r, "transform") {
                case "higher_is_better": transform = .higherIsBetter
                case "same_as_raw": transform = .sameAsRaw
                case "raw_only": transform = .rawOnly
                case let other: throw VectorError.malformed("unknown transform \(other)")
                }
                rules = ScoreRules(minAnsweredFraction: try number(r["min_answered_fraction"]), transform: transform)
            }
            let scores = try session.scores(rules: rules)
            let expected = try XCTUnwrap(c["expected"] as? [String: Any])
            let sections = try XCTUnwrap(expected["sections"] as? [String: [String: Any]])
            XCTAssertEqual(scores.sections.count, sections.count, name)
            for s in scores.sections {
                let want = try XCTUnwrap(sections[s.section], name)
                check(optional(want, "raw"), s.raw, "\(name) \(s.section) raw")
                check(optional(want, "transformed"), s.transformed, "\(name) \(s.section) transformed")
                XCTAssertEqual(s.prorated, want["prorated"] as? Bool, "\(name) \(s.section)")
            }
            check(optional(expected, "total"), scores.total, "\(name) total")
            check(optional(expected, "total_transformed"), scores.totalTransformed, "\(name) total_transformed")
        }
    }

    func testAnswerErrorVectors() throws {
        for c in try Vectors.cases("instruments/scoring.json", "answer_errors", minimum: 5) {
            let session = try Session.start(
                instrument: try Instrument.bundled(id: try string(c, "instrument")),
                participant: "V", visit: "v", language: "en", at: start)
            let want = try XCTUnwrap(c["error"] as? [String: Any])
            let e = thrown(DkdError.self) { try apply(session, try string(c, "item"), c["answer"] as Any, start) }
            XCTAssertEqual(e?.errorKind, want["kind"] as? String)
            XCTAssertEqual(e?.path, want["path"] as? String)
            XCTAssertEqual(try session.progress().answered, 0)
        }
    }

    func testEfficacyVectors() throws {
        for c in try Vectors.cases("instruments/scoring.json", "efficacy", minimum: 8) {
            let name = try string(c, "name")
            var th: EfficacyThresholds?
            if let t = optional(c, "thresholds") as? [String: Any] {
                th = EfficacyThresholds(
                    clinicalRecovery: try number(t["clinical_recovery"]),
                    markedlyEffective: try number(t["markedly_effective"]),
                    effective: try number(t["effective"]))
            }
            let pre = try number(c["pre"]), post = try number(c["post"])
            if let err = optional(c, "error") as? [String: Any] {
                XCTAssertEqual(thrown(DkdError.self) { try efficacy(pre: pre, post: post, thresholds: th) }?.errorKind,
                               err["kind"] as? String, name)
            } else {
                let got = try efficacy(pre: pre, post: post, thresholds: th)
                XCTAssertEqual(got.indexPercent, try number(c["index_percent"]), accuracy: 1e-9, name)
                let category: EfficacyCategory
                switch try string(c, "category") {
                case "clinical_recovery": category = .clinicalRecovery
                case "markedly_effective": category = .markedlyEffective
                case "effective": category = .effective
                case "ineffective": category = .ineffective
                case let other: throw VectorError.malformed("unknown category \(other)")
                }
                XCTAssertEqual(got.category, category, name)
            }
        }
    }
}
