// Application fixture for Warden: hostname 0.3.1 defines `get` inside a
// match_cfg! invocation; on unix it ends in libc::gethostname (ffi, and a
// read of system identity).
fn main() {
    match hostname::get() {
        Ok(name) => println!("{}", name.to_string_lossy()),
        Err(e) => eprintln!("hostname: {e}"),
    }
}
