// Fixture for Warden: two macro invocations whose definitions exist nowhere
// (no dependency, no macro_rules!, no extern crate defines them). Whatever
// they expand to is unknown, so the analysis of this crate is incomplete and
// Warden must say so. It does not compile: rustc reports the two macros as
// unresolved.

// Item-level invocation of a macro from a crate that is not a dependency.
mystery::hidden_io!();

/// Calls a macro that is not defined anywhere; its expansion could do anything.
pub fn hidden(path: &str) -> usize {
    secret!(path);
    path.len()
}

/// The one effect a reader can see: fs through std.
pub fn load(path: &str) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}
