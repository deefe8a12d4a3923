//! A small client: `fetch` opens a TCP connection through mio.

use std::io;
use std::net::SocketAddr;

/// Connects to `addr` (the witness path the browser test follows).
pub fn fetch(addr: SocketAddr) -> io::Result<mio::net::TcpStream> {
    mio::net::TcpStream::connect(addr)
}

fn main() {
    let addr: SocketAddr = "127.0.0.1:8080".parse().expect("an address");
    match fetch(addr) {
        Ok(_) => println!("connected"),
        Err(e) => eprintln!("{e}"),
    }
    println!("{}", oddnames::greeting());
}
