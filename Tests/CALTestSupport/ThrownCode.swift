import CALCore

/// The stable code of the CALKit error `body` throws: "none" when it throws nothing, and the
/// error's own description when it throws something else, so that an assertion names the one
/// refusal it expects and not any error at all.
public func thrownCode(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "none"
    } catch let error as CALError {
        return error.code.rawValue
    } catch {
        return "not a CALError: \(error)"
    }
}

/// As above, for an `async` body.
public func thrownCode(_ body: () async throws -> Void) async -> String {
    do {
        try await body()
        return "none"
    } catch let error as CALError {
        return error.code.rawValue
    } catch {
        return "not a CALError: \(error)"
    }
}
