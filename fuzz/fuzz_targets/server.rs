//! The web server's request handling: arbitrary bytes sent as a request to a running `crossjar
//! serve` (small limits) on a loopback port. The process aborts on any panic (libFuzzer's hook), in
//! the connection tasks and workers too. Properties: an answer is HTTP/1.x; an answer the handlers
//! wrote carries the security headers; no answer ever carries an `Access-Control-*` header; a 2xx
//! API answer only for a request with an accepted Host.
#![no_main]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use crossjar::server::{ServeConfig, Server};
use libfuzzer_sys::fuzz_target;

fn port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let config = ServeConfig {
            max_upload: 64 * 1024,
            max_report: 256 * 1024,
            io_timeout: Duration::from_millis(500),
            ..ServeConfig::default()
        };
        let server = Server::bind(&config).expect("bind");
        let port = server.port();
        std::thread::spawn(move || server.run());
        port
    })
}

fuzz_target!(|data: &[u8]| {
    let port = port();
    // Requests name the right Host often enough to reach the handlers.
    let host = format!("127.0.0.1:{port}");
    let request = String::from_utf8_lossy(data).replace("HOSTPORT", &host).into_bytes();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let _ = s.write_all(&request);
    let _ = s.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    if answer.is_empty() {
        return; // closed without an answer (a head that never completed)
    }
    let text = String::from_utf8_lossy(&answer);
    // HTTP/1.0 requests are answered in HTTP/1.0.
    assert!(text.starts_with("HTTP/1.1 ") || text.starts_with("HTTP/1.0 "), "not an HTTP/1.x answer: {text:?}");
    let head = text.split("\r\n\r\n").next().unwrap_or("").to_ascii_lowercase();
    assert!(!head.contains("\r\naccess-control-"), "a CORS header: {head}");
    let status: u16 = head[9..12].parse().expect("a status code");
    if head.contains("content-type: application/json") && status != 503 {
        assert!(head.contains("content-security-policy: default-src 'self'"), "no CSP: {head}");
    }
    if (200..300).contains(&status) {
        let req = String::from_utf8_lossy(&request).to_ascii_lowercase();
        let accepted = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
        let ok_host = req
            .split('\n')
            .filter_map(|l| l.trim_end_matches('\r').split_once(':'))
            .any(|(n, v)| n == "host" && accepted.iter().any(|a| *a == v.trim_matches([' ', '\t'])));
        assert!(ok_host, "2xx without an accepted Host");
    }
});
