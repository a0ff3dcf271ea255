// Reads the shared, language-neutral vectors in tests/vectors/ (the files core/tests/vectors.rs,
// pytest and the Kotlin tests also read), unchanged, with Foundation's JSONSerialization.
import AmimestrocelDkd
import Foundation
import XCTest

enum VectorError: Error, CustomStringConvertible {
    case missing(String)
    case malformed(String)
    case tooFew(String)

    var description: String {
        switch self {
        case let .missing(s), let .malformed(s), let .tooFew(s): return s
        }
    }
}

enum Vectors {
    /// The vectors folder: $AMIMESTROCEL_VECTORS (set by scripts/test-swift.sh), else ./tests/vectors.
    static var dir: URL {
        let path = ProcessInfo.processInfo.environment["AMIMESTROCEL_VECTORS"] ?? "tests/vectors"
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    static func load(_ name: String) throws -> [String: Any] {
        let url = dir.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw VectorError.missing("vector file not found: \(url.path)")
        }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw VectorError.malformed("\(name) is not a JSON object")
        }
        return object
    }

    /// The cases of one array of a vector file, refusing fewer than `minimum` (an empty file cannot pass).
    static func cases(_ file: String, _ array: String, minimum: Int) throws -> [[String: Any]] {
        guard let cases = try load(file)[array] as? [[String: Any]] else {
            throw VectorError.malformed("\(file): `\(array)` is not an array of objects")
        }
        guard cases.count >= minimum else {
            throw VectorError.tooFew("\(file): only \(cases.count) entries in `\(array)`, expected at least \(minimum)")
        }
        return cases
    }
}

/// A number, or one of the strings NaN / Infinity / -Infinity that JSON cannot hold as numbers.
func number(_ value: Any?) throws -> Double {
    if let n = value as? NSNumber { return n.doubleValue }
    switch value as? String {
    case "NaN": return .nan
    case "Infinity": return .infinity
    case "-Infinity": return -.infinity
    default: throw VectorError.malformed("not a number: \(String(describing: value))")
    }
}

/// The member, or nil when it is absent or JSON null.
func optional(_ object: [String: Any], _ key: String) -> Any? {
    guard let value = object[key], !(value is NSNull) else { return nil }
    return value
}

func string(_ object: [String: Any], _ key: String) throws -> String {
    guard let s = object[key] as? String else { throw VectorError.malformed("`\(key)` is not a string") }
    return s
}

/// A date written in a test (known to be one).
func day(_ text: String) -> CalendarDate {
    // swiftlint:disable:next force_try
    try! CalendarDate(text)
}

/// The date at `key`, made as an app makes one from text (`CalendarDate(_:)`).
func date(_ object: [String: Any], _ key: String) throws -> CalendarDate {
    try CalendarDate(string(object, key))
}

/// The date at `key`, or nil when it is absent or JSON null.
func optionalDate(_ object: [String: Any], _ key: String) throws -> CalendarDate? {
    try (optional(object, key) as? String).map { try CalendarDate($0) }
}

extension DkdError {
    /// The stable kind, the reason and the field path of any error ("" where the input is not
    /// a field of a record). Exhaustive: a new variant does not compile until handled.
    var parts: (kind: String, reason: String, path: String) {
        switch self {
        case let .InvalidInput(kind, reason, path): return (kind, reason, path)
        case let .InvalidConfig(kind, reason, path): return (kind, reason, path)
        case let .Internal(kind, reason): return (kind, reason, "")
        }
    }
    var errorKind: String { parts.kind }
    var path: String { parts.path }
}

/// The error thrown by `body`, which must throw one of type `E`.
func thrown<E: Error, T>(_ type: E.Type, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) -> E? {
    do {
        let value = try body()
        XCTFail("expected \(E.self), got \(value)", file: file, line: line)
    } catch let error as E {
        return error
    } catch {
        XCTFail("expected \(E.self), got \(error)", file: file, line: line)
    }
    return nil
}
