import Mustache

// swift-mustache finds a name in a model with `Mirror` unless the model answers itself, as a
// `MustacheParent`: a `Mirror` makes every field (its type looked up by mangled name, its value
// boxed) to find one, and `{{title}}` in a list of 10,000 posts does that 10,000 times. That was
// 71 % of the time to render `/archive` with 10,000 posts. So the public pages' models answer by
// name with a `switch`; an optional field that is empty answers `nil`, as with `Mirror`, so the
// name is looked for further out, and the admin's pages, rendered one at a time, keep `Mirror`.

extension MustacheParent {
    /// The answer for a name the model has no field of. Debug builds (the tests) check that with
    /// `Mirror`, so a field added to a model but not to its `child(named:)` fails there instead of
    /// rendering as nothing.
    func noField(_ name: String) -> Any? {
        assert(
            Mirror(reflecting: self).children.allSatisfy { $0.label != name },
            "\(Self.self).child(named:) does not give templates its field `\(name)`"
        )
        return nil
    }
}
