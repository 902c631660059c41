import Dispatch

/// Runs slow synchronous work (bcrypt, large reads) on a Dispatch thread so that it does
/// not hold one of the few cooperative threads that serve every request.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result(catching: body))
            }
        }
    }
}
