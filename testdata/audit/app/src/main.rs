//! An application whose dependency tree the audit test reviews.

fn main() {
    let home = std::env::var("HOME").unwrap_or_default();
    println!("{}", auditdep::config(&home));
}
