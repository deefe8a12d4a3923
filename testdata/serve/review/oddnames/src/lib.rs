//! Untrusted names: a module file whose name is an HTML payload, source
//! text full of markup, and a missing module whose name is markup too.
//! The review UI must show all of it as text and run none of it.

#[path = "x<img src=x onerror=window.__pwned=1>.rs"]
mod payload;

#[path = "<script>window.__pwned=2</script>.rs"]
mod missing;

/// `</pre><script>window.__pwned=3</script>`
pub fn greeting() -> String {
    payload::read_config()
}
