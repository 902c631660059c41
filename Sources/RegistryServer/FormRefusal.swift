/// A form refused by the page itself before the decoder saw it (an unknown case id).
struct FormRefusal: Error {
    let problem: FormProblem
}
