// Application fixture for Warden: a whole HTTP client stack (reqwest ->
// hyper -> tokio -> mio, native-tls -> openssl) behind one call, to measure
// how large "warden tree" reports grow on a realistic dependency tree.
fn main() -> Result<(), reqwest::Error> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "https://example.org/".to_string());
    let body = reqwest::blocking::get(url)?.text()?;
    println!("{} bytes", body.len());
    Ok(())
}
