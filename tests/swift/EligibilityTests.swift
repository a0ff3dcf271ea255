// Tests of the Swift binding layer for eligibility: typed records built in Swift code (not from
// JSON) and screened, typed errors with their field paths, the JSON round trip, the criteria list,
// slugs and the configuration. The criteria themselves are core's, checked by the shared vectors
// (EligibilityVectorTests).
import AmimestrocelDkd
import Foundation
import XCTest

final class EligibilityTests: XCTestCase {
    /// A candidate who meets every criterion, built field by field (the vectors' base record, typed).
    private let eligible = ScreeningRecord(
        id: "SW-001", sex: .female, dateOfBirth: day("1962-07-15"), screeningDate: day("2025-06-01"),
        type2Diabetes: true,
        kidneyBiopsy: KidneyBiopsy(date: day("2021-03-10"), finding: .diabeticKidneyDisease),
        nonDiabeticKidneyDisease: false,
        labs: Labs(
            urineProtein24h: [
                LabEntry(date: day("2025-04-02"), value: 4.2, unit: "g/24h"),
                LabEntry(date: day("2025-05-20"), value: 3900, unit: "mg/24h"),
            ],
            uacr: [LabEntry(date: day("2025-05-20"), value: 1850, unit: "mg/g")],
            creatinine: [LabEntry(date: day("2025-05-20"), value: 150, unit: "µmol/L")],
            hba1c: [LabEntry(date: day("2025-05-20"), value: 7.4, unit: "%")],
            triglycerides: [LabEntry(date: day("2025-05-20"), value: 2.3, unit: "mmol/L")],
            ldlCholesterol: [LabEntry(date: day("2025-05-20"), value: 2.9, unit: "mmol/L")],
            potassium: [LabEntry(date: day("2025-05-20"), value: 4.8, unit: "mmol/L")],
            hbvDna: [ViralLoad(date: day("2025-05-20"), value: 0, upperLimitOfNormal: 20)],
            hcvRna: [ViralLoad(date: day("2025-05-20"), value: 0, upperLimitOfNormal: 15)]),
        bloodPressures: [BloodPressure(date: day("2025-05-28"), systolic: 142, diastolic: 86, unit: "mmHg")],
        medications: [Medication(name: "insulin glargine", start: day("2019-01-01"))],
        conditions: [],
        lactating: false,
        pregnant: false,
        pregnancyOrEggDonationPlan: false,
        otherTrials: [],
        informedConsent: true,
        investigatorDeemsUnsuitable: false)

    private func criterion(_ result: ScreeningResult, _ id: CriterionId) throws -> CriterionResult {
        try XCTUnwrap(result.criteria.first { $0.id == id }, (try? criterionIdSlug(id: id)) ?? "?")
    }

    func testATypedRecordBuiltInCodeIsScreened() throws {
        let result = try screen(record: eligible)
        XCTAssertEqual(result.status, .eligible)
        XCTAssertEqual(result.id, "SW-001")
        XCTAssertEqual(result.screeningDate, day("2025-06-01"))
        XCTAssertEqual(result.criteria.map { $0.id }, try criteria().map { $0.id })
        XCTAssertFalse(result.configVersion.isEmpty)
        for c in result.criteria {
            XCTAssertEqual(c.outcome, c.kind == .inclusion ? .met : .notMet, "\((try? criterionIdSlug(id: c.id)) ?? "?"): \(c.reason)")
        }
        let evidence = try XCTUnwrap(criterion(result, .incUacr).evidence.first)
        XCTAssertEqual(evidence.field, "labs.uacr[0]")
        XCTAssertEqual(evidence.date, day("2025-05-20"))
        XCTAssertEqual(evidence.entered, Quantity(value: 1850, unit: "mg/g"))
        XCTAssertEqual(evidence.converted?.unit, "mg/g")
    }

    func testEditedCopiesChangeTheOutcome() throws {
        // 113.12 mg/mmol is exactly 1000 mg/g: not > 1000, so the UACR inclusion is not met.
        var onTheThreshold = eligible
        onTheThreshold.labs.uacr = [LabEntry(date: day("2025-05-20"), value: 113.12, unit: "mg/mmol")]
        let result = try screen(record: onTheThreshold)
        XCTAssertEqual(result.status, .ineligible)
        let uacr = try criterion(result, .incUacr)
        XCTAssertEqual(uacr.outcome, .notMet, uacr.reason)
        XCTAssertEqual(try XCTUnwrap(uacr.evidence.first?.converted).value, 1000, accuracy: 1e-6)

        // nil is "not yet known": pending, never quietly "not met".
        var unknownConsent = eligible
        unknownConsent.informedConsent = nil
        let pending = try screen(record: unknownConsent)
        XCTAssertEqual(pending.status, .pending)
        XCTAssertEqual(try criterion(pending, .incConsent).outcome, .unknown)

        var tacrolimus = eligible
        tacrolimus.medications = [Medication(name: "tacrolimus", start: day("2025-05-01"), end: day("2025-05-20"))]
        XCTAssertEqual(try criterion(screen(record: tacrolimus), .excImmunosuppressant).outcome, .met)
        tacrolimus.medications = [Medication(name: "tacrolimus", systemic: false, start: day("2025-05-01"), end: day("2025-05-20"))]
        XCTAssertEqual(try criterion(screen(record: tacrolimus), .excImmunosuppressant).outcome, .notMet)

        var heart = eligible
        heart.conditions = [Condition(condition: .heartFailure, onset: day("2024-01-01"), nyhaClass: 3)]
        XCTAssertEqual(try criterion(screen(record: heart), .excSevereCardiovascular).outcome, .met)
    }

    func testALabDateAfterScreeningIsATypedErrorWithItsPath() throws {
        var late = eligible
        late.labs.uacr[0].date = day("2025-07-01")
        XCTAssertEqual(
            thrown(DkdError.self) { try screen(record: late) },
            .InvalidInput(
                kind: "date_after_screening", reason: "labs.uacr[0].date: date is after the screening date",
                path: "labs.uacr[0].date"))
    }

    func testEveryErrorVariantIsTypedWithKindReasonAndPath() throws {
        var badUnit = eligible
        badUnit.labs.creatinine[0].unit = "mg/furlong"
        XCTAssertEqual(
            thrown(DkdError.self) { try screen(record: badUnit) },
            .InvalidInput(kind: "unknown_unit", reason: "labs.creatinine[0]: unknown unit `mg/furlong` for serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)", path: "labs.creatinine[0]"))

        var backwards = eligible
        backwards.medications = [Medication(name: "metformin", start: day("2025-05-01"), end: day("2025-04-01"))]
        XCTAssertEqual(
            thrown(DkdError.self) { try screen(record: backwards) },
            .InvalidInput(
                kind: "dates_out_of_order", reason: "medications[0].end: date is before `start` of the same entry",
                path: "medications[0].end"))

        var nyha5 = eligible
        nyha5.conditions = [Condition(condition: .heartFailure, nyhaClass: 5)]
        XCTAssertEqual(
            thrown(DkdError.self) { try screen(record: nyha5) },
            .InvalidInput(
                kind: "invalid_value", reason: "conditions[0].nyha_class: NYHA class is 1, 2, 3 or 4",
                path: "conditions[0].nyha_class"))

        // A date that does not exist cannot be put in a record: it is refused where it is made.
        XCTAssertEqual(
            thrown(DkdError.self) { try CalendarDate("01/06/2025") },
            .InvalidInput(
                kind: "invalid_date", reason: "a date is not an ISO-8601 calendar date (YYYY-MM-DD)", path: ""))
        XCTAssertEqual(thrown(DkdError.self) { try CalendarDate("2025-02-30") }?.errorKind, "invalid_date")

        let malformed = thrown(DkdError.self) { try screeningRecordFromJson(json: #"{"id": "X", "sex": "female", "colour": 1}"#) }
        XCTAssertEqual(malformed?.errorKind, "malformed")
        XCTAssertEqual(malformed?.path, "colour")

        let config = thrown(DkdError.self) {
            try screenWithConfig(record: self.eligible, configJson: #"{"uacr": {"bound": "above", "value": 1000, "unit": "mmHg"}}"#)
        }
        XCTAssertEqual(config?.errorKind, "invalid_config")
        XCTAssertEqual(config?.path, "uacr")
        XCTAssertTrue(try errorKinds().contains(config?.errorKind ?? "?"))
    }

    func testATypedRecordRoundTripsThroughJson() throws {
        var record = eligible
        record.conditions = [Condition(condition: .lacunarInfarction, onset: day("2024-01-01"), residualDeficit: false)]
        record.otherTrials = nil
        let json = try screeningRecordToJson(record: record)
        let back = try screeningRecordFromJson(json: json)
        XCTAssertEqual(back, record)
        XCTAssertEqual(try screeningRecordToJson(record: back), json)
        XCTAssertNil(back.otherTrials)  // "not known" survives the trip
        XCTAssertEqual(try screeningRecordFromJson(json: screeningRecordToJson(record: eligible)).otherTrials, [])  // "asked, none" too
        XCTAssertTrue(json.contains(#""date_of_birth":"1962-07-15""#), json)
        XCTAssertEqual(try screen(record: back), try screen(record: record))

        var nan = eligible
        nan.labs.uacr[0].value = .nan
        XCTAssertEqual(thrown(DkdError.self) { try screeningRecordToJson(record: nan) }?.path, "labs.uacr[0].value")
    }

    func testCriteriaAndSlugsComeFromCore() throws {
        let list = try criteria()
        XCTAssertEqual(list.count, 23)
        XCTAssertEqual(list.filter { $0.kind == .inclusion }.count, 9)
        for c in list {
            XCTAssertEqual(try parseCriterionId(slug: try criterionIdSlug(id: c.id)), c.id)
            XCTAssertTrue(try criterionIdSlug(id: c.id).hasPrefix(c.kind == .inclusion ? "inc_" : "exc_"), (try? criterionIdSlug(id: c.id)) ?? "?")
            XCTAssertEqual(try criterionKindSlug(kind: c.kind), c.kind == .inclusion ? "inclusion" : "exclusion")
        }
        let hba1c = try XCTUnwrap(list.first { $0.id == .incHba1c })
        XCTAssertEqual(hba1c.protocolText, "Glycated hemoglobin (HbA1c) < 9%.")
        XCTAssertTrue(hba1c.parameters.contains(Parameter(name: "hba1c", value: "< 9 %")), "\(hba1c.parameters)")
        XCTAssertNil(try parseCriterionId(slug: "inc_colour"))
        XCTAssertEqual(try [Outcome.met, .notMet, .unknown].map { try outcomeSlug(outcome: $0) }, ["met", "not_met", "unknown"])
        XCTAssertEqual(try [Status.eligible, .ineligible, .pending].map { try statusSlug(status: $0) }, ["eligible", "ineligible", "pending"])
    }

    func testTheConfigurationIsJsonInCoresForm() throws {
        let config = try defaultConfigJson()
        XCTAssertTrue(config.contains(#""uacr""#), config)
        XCTAssertEqual(try screenWithConfig(record: eligible, configJson: config), try screen(record: eligible))
        let strict = try screenWithConfig(record: eligible, configJson: #"{"urine_protein_min_measurements": 3}"#)
        XCTAssertEqual(strict.status, .pending)
        XCTAssertEqual(try criterion(strict, .incUrineProtein).outcome, .unknown)
    }
}
