/// The user's role does not allow one of the events; `index` is its place in the request
/// (nil when the role may append no event at all).
struct PermissionDenied: Error {
    let message: String
    let index: Int?
}
