//! A project whose own functions reach the outside world only through
//! their dependencies.

/// Reaches the network through tokio, mio and libc.
pub async fn dial(addr: &str) -> bool {
    tokio::net::TcpStream::connect(addr).await.is_ok()
}

/// Reaches the filesystem through tempfile.
pub fn scratch() -> std::io::Result<std::fs::File> {
    tempfile::tempfile()
}

/// Reaches process spawning through cc (which runs the C compiler).
pub fn build_c() {
    cc::Build::new().file("native.c").compile("native");
}

/// Reaches nothing.
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}
