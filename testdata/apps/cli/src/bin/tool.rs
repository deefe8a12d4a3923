// Second binary of the cli package: fs through std only.
fn main() {
    match std::fs::read_to_string("Cargo.toml") {
        Ok(s) => println!("{} bytes", s.len()),
        Err(e) => eprintln!("Cargo.toml: {e}"),
    }
}
