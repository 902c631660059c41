/// The user's role does not allow one of the events; `index` is its place in the request.
struct PermissionDenied: Error {
    let message: String
    let index: Int
}
