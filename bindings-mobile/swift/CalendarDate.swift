// A calendar date for Swift callers: core's `chrono::NaiveDate`, `YYYY-MM-DD` on the wire.
// Shipped with the uniffi-generated `AmimestrocelDkd.swift` (same module); `uniffi.toml` maps
// `NaiveDate` to it. Written by hand: uniffi generates no Swift type for a custom type.

/// A calendar date without a time or a zone (a birth, a screening, a lab or visit date): core's
/// `chrono::NaiveDate`.
///
/// It is made only from a date core accepts, so a record holding dates is never refused for
/// them when it crosses into Rust: a bad date is refused where it is made, by
/// `CalendarDate(_:)` or `CalendarDate(year:month:day:)`, which throw `DkdError.InvalidInput` of
/// kind `invalid_date` (as Kotlin's `LocalDate.parse` throws where a Kotlin app makes a date).
/// It is not `ExpressibleByStringLiteral`, as Foundation's `URL` is not: a literal that is not a
/// date could then only stop the program.
///
/// ```swift
/// let birth = try CalendarDate("1962-07-15")
/// let leap = try CalendarDate(year: 2024, month: 2, day: 29)
/// ```
public struct CalendarDate: Hashable, Comparable, CustomStringConvertible, Sendable {
    /// The date as core writes it: `YYYY-MM-DD` (core keeps every date of a calendar within
    /// years 1 to 9999, so a date it gives can always be handed back).
    public let iso: String
    /// The year (proleptic Gregorian).
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// Reads `YYYY-MM-DD` exactly as core reads dates (`parseDate`): ten characters, a day that
    /// exists (`2025-02-30` and year `0000` do not).
    ///
    /// - Throws: `DkdError.InvalidInput` of kind `invalid_date`.
    public init(_ text: String) throws {
        self = try parseDate(text: text)
    }

    /// The date of a year, month and day, as `CalendarDate("YYYY-MM-DD")` reads it.
    ///
    /// - Throws: `DkdError.InvalidInput` of kind `invalid_date` for a day that does not exist.
    public init(year: Int, month: Int, day: Int) throws {
        func padded(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        try self.init("\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))")
    }

    /// A date made by Rust (always one core wrote): used by the generated bindings.
    init(unchecked iso: String) {
        let sign = iso.hasPrefix("-") ? -1 : 1
        let unsigned = iso.hasPrefix("-") || iso.hasPrefix("+") ? iso.dropFirst() : Substring(iso)
        let parts = unsigned.split(separator: "-").map { Int($0) ?? 0 }
        self.iso = iso
        self.year = sign * (parts.count > 0 ? parts[0] : 0)
        self.month = parts.count > 1 ? parts[1] : 0
        self.day = parts.count > 2 ? parts[2] : 0
    }

    /// `YYYY-MM-DD`.
    public var description: String { iso }

    /// Earlier dates first.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
