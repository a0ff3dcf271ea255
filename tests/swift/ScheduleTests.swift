// The visit schedule through the Swift binding, as the phone app uses it: the shared vectors
// (tests/vectors/schedule/), the next visit and what it needs, the iCalendar export with a
// booked time and reminders, and typed errors. Dates are CalendarDate values in Swift.
import AmimestrocelDkd
import Foundation
import XCTest

final class ScheduleTests: XCTestCase {
    private func readings(_ c: [String: Any]) throws -> String? {
        guard let r = optional(c, "readings") else { return nil }
        return String(decoding: try JSONSerialization.data(withJSONObject: r), as: UTF8.self)
    }

    private func participant(_ p: [String: Any]) throws -> ParticipantSchedule {
        let observations = try ((optional(p, "observations") as? [[String: Any]]) ?? []).map {
            Observation(date: try date($0, "date"), activity: try string($0, "activity"))
        }
        return ParticipantSchedule(
            id: try string(p, "id"),
            firstInfusion: try optionalDate(p, "first_infusion"),
            plannedFirstInfusion: try optionalDate(p, "planned_first_infusion"),
            observations: observations,
            screeningDate: try optionalDate(p, "screening_date"),
            leftStudy: try optionalDate(p, "left_study")
        )
    }

    func testCalendarVectors() throws {
        for c in try Vectors.cases("schedule/calendar.json", "cases", minimum: 8) {
            let name = try string(c, "name")
            let first = try optionalDate(c, "first_infusion")
            let calendar = try scheduleCalendar(
                dayOne: first ?? date(c, "planned_first_infusion"), planned: first == nil, readingsJson: readings(c))
            XCTAssertEqual(calendar.anchor.planned, c["planned"] as? Bool, name)
            guard let expected = c["visits"] as? [[String: Any]] else { throw VectorError.malformed(name) }
            XCTAssertEqual(calendar.visits.count, expected.count, name)
            for (got, want) in zip(calendar.visits, expected) {
                XCTAssertEqual(got.visit, try string(want, "visit"), name)
                XCTAssertEqual(got.target, try date(want, "target"), "\(name): \(got.visit)")
                XCTAssertEqual(got.studyDay, (want["study_day"] as? NSNumber)?.int64Value, "\(name): \(got.visit)")
                XCTAssertEqual(got.windowFirst, try date(want, "window_first"), "\(name): \(got.visit)")
                XCTAssertEqual(got.windowLast, try date(want, "window_last"), "\(name): \(got.visit)")
            }
        }
    }

    func testStatusVectors() throws {
        for c in try Vectors.cases("schedule/status.json", "cases", minimum: 8) {
            let name = try string(c, "name")
            if let error = c["error"] as? [String: String] {
                guard let p = c["participant"] as? [String: Any] else { throw VectorError.malformed(name) }
                let e = thrown(DkdError.self) { try scheduleStatus(participant: participant(p), on: date(c, "on"), readingsJson: readings(c)) }
                XCTAssertEqual(e?.errorKind, error["kind"], name)
                XCTAssertEqual(e?.path, error["path"], name)
                continue
            }
            guard let p = c["participant"] as? [String: Any], let states = c["statuses"] as? [String: String],
                  let assignments = c["assignments"] as? [[String: Any]], let deviations = c["deviations"] as? [[String: Any]]
            else { throw VectorError.malformed(name) }
            let status = try scheduleStatus(participant: participant(p), on: date(c, "on"), readingsJson: readings(c))
            XCTAssertEqual(status.visits.count, states.count, name)
            for v in status.visits {
                XCTAssertEqual(try visitStateSlug(state: v.state), states[v.visit], "\(name): \(v.visit)")
            }
            XCTAssertEqual(status.nextVisit, optional(c, "next_visit") as? String, name)
            XCTAssertEqual(status.assignments.count, assignments.count, name)
            for (got, want) in zip(status.assignments, assignments) {
                XCTAssertEqual(Int(got.observation), (want["observation"] as? NSNumber)?.intValue, name)
                XCTAssertEqual(got.visits, want["visits"] as? [String], name)
                let role: String
                switch got.role {
                case .inWindow: role = "in_window"
                case .outOfWindow: role = "out_of_window"
                case .repeat: role = "repeat"
                case .unscheduled: role = "unscheduled"
                }
                XCTAssertEqual(role, want["role"] as? String, name)
            }
            let gotDeviations: [[String]] = try status.deviations.map {
                switch $0 {
                case let .missedVisit(visit): return ["missed_visit", visit]
                case let .missedInfusion(visit): return ["missed_infusion", visit]
                case let .infusionOutOfWindow(visit, _, days): return ["infusion_out_of_window", visit, String(days)]
                case let .assessmentMissing(visit, assessment): return ["assessment_missing", visit, try assessmentSlug(assessment: assessment)]
                case let .extraInfusion(visit, date): return ["extra_infusion", visit, date.description]
                }
            }
            let wantDeviations: [[String]] = deviations.map { d in
                var row = [d["kind"] as? String ?? "?", d["visit"] as? String ?? "?"]
                if let days = d["days_outside"] as? NSNumber { row.append(String(days.int64Value)) }
                if let a = d["assessment"] as? String { row.append(a) }
                if let date = d["date"] as? String { row.append(date) }
                return row
            }
            XCTAssertEqual(gotDeviations, wantDeviations, name)
            for (visit, target) in (c["targets"] as? [String: String]) ?? [:] {
                XCTAssertEqual(status.calendar.visits.first { $0.visit == visit }?.target, try CalendarDate(target), "\(name): \(visit)")
            }
        }
    }

    func testTheNextVisitSaysWhatToBring() throws {
        let p = ParticipantSchedule(id: "S-1", firstInfusion: day("2025-03-03"), plannedFirstInfusion: nil, observations: [
            Observation(date: day("2025-03-03"), activity: "attended"), Observation(date: day("2025-03-03"), activity: "infusion"),
        ])
        let next = try XCTUnwrap(try scheduleNextVisit(participant: p, on: day("2025-03-15"), readingsJson: nil))
        XCTAssertEqual(next.visit, "d14")
        XCTAssertEqual(next.state, .inWindow)
        XCTAssertTrue(next.infusion && next.needs.contains(.dqol))
    }

    func testTheIcsExportHasABookedTimeInShanghaiAndReminders() throws {
        let calendar = try scheduleCalendar(dayOne: day("2025-03-03"), planned: false, readingsJson: nil)
        let options = IcsOptions(participant: "S-1", stamp: "2025-03-01T08:00:00",
                                 appointments: [Appointment(visit: "d14", time: "09:30")], durationMinutes: 60, reminderDaysBefore: 1)
        let ics = try scheduleIcs(calendar: calendar, options: options)
        XCTAssertEqual(ics.components(separatedBy: "BEGIN:VEVENT").count - 1, calendar.visits.count)
        XCTAssertTrue(ics.contains("DTSTART;TZID=Asia/Shanghai:20250316T093000\r\n"))
        XCTAssertTrue(ics.contains("DTSTAMP:20250301T080000Z\r\n"))
        let bad = thrown(DkdError.self) {
            try scheduleIcs(calendar: calendar, options: IcsOptions(participant: "S", stamp: "2025-03-01 08:00",
                                                                     appointments: [], durationMinutes: 60, reminderDaysBefore: nil))
        }
        XCTAssertEqual(bad?.errorKind, "invalid_time")
        // What ISO-8601 formatters write: a final Z (UTC) and fractions of a second.
        for stamp in ["2025-03-01T08:00:00Z", "2025-03-01T08:00:00.250", "2025-03-01T08:00:00.250Z"] {
            let ok = try scheduleIcs(calendar: calendar, options: IcsOptions(participant: "S", stamp: stamp, appointments: [
                Appointment(visit: "d14", time: "09:30:00.5")], durationMinutes: 60, reminderDaysBefore: nil))
            XCTAssertTrue(ok.contains("DTSTAMP:20250301T080000Z\r\n"), stamp)
        }
    }

    func testBadInputIsATypedError() throws {
        let unknown = thrown(DkdError.self) {
            try scheduleStatus(participant: ParticipantSchedule(id: "S", firstInfusion: day("2025-03-03"), plannedFirstInfusion: nil,
                                                                observations: [Observation(date: day("2025-03-03"), activity: "blood")]),
                               on: day("2025-04-01"), readingsJson: nil)
        }
        XCTAssertEqual(unknown?.errorKind, "malformed")
        let noDay = thrown(DkdError.self) {
            try scheduleStatus(participant: ParticipantSchedule(id: "S", firstInfusion: nil, plannedFirstInfusion: nil, observations: []),
                               on: day("2025-04-01"), readingsJson: nil)
        }
        XCTAssertEqual(noDay?.path, "first_infusion")
        let badDate = thrown(DkdError.self) { try scheduleCalendar(dayOne: CalendarDate("2025-3-3"), planned: false, readingsJson: nil) }
        XCTAssertEqual(badDate?.errorKind, "invalid_date")
        let config = thrown(DkdError.self) { try scheduleCalendar(dayOne: day("2025-03-03"), planned: false, readingsJson: #"{"week_day": "fortnightly"}"#) }
        XCTAssertEqual(config?.path, "week_day")
    }
}
