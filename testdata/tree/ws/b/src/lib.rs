/// Reads an environment variable itself and files through ws_a.
pub fn run() -> bool {
    std::env::var("HOME").is_ok() && ws_a::scratch().is_ok()
}
