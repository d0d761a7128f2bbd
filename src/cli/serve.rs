//! `crossjar serve`: a local web page for people who would rather drop a HAR (or paste `curl -i` output
//! or ingress YAML) and look than read a terminal report. The command only reads its options and
//! starts [`crate::server`], where the server, its guards and its limits live.

use std::io::{self, Write};
use std::time::Duration;

use clap::Args;

use super::EXIT_INPUT;
pub use crate::server::{
    ServeConfig, Server, DEFAULT_MAX_REPORT, DEFAULT_MAX_UPLOAD, MAX_HEADERS_BODY, MAX_INGRESS_BODY, PASTED_YAML,
    REPORT_CHUNK,
};

/// `crossjar serve` options.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0 picks a free one; the URL is printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// The largest HAR upload accepted, in bytes (suffixes K, M, G: powers of 1024).
    #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = parse_size)]
    pub max_upload: u64,
    /// The largest report the page gets, in bytes; a larger one keeps its first entries and says to
    /// use the CLI (suffixes K, M, G).
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = parse_size)]
    pub max_report: u64,
    /// Seconds a client may take to send a request head, to pause inside a body, or to take an answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

/// Parses `1073741824`, `512M`, `1G`, `64k`, `2GiB` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: u64 = num.parse().map_err(|_| format!("`{s}` is not a size: use bytes, or a number with K, M or G"))?;
    let mul: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{s}`: unknown unit; use K, M or G")),
    };
    n.checked_mul(mul).ok_or_else(|| format!("`{s}` is too large"))
}

/// Runs `crossjar serve`: prints `crossjar: serving on http://127.0.0.1:PORT/` and serves until
/// interrupted.
pub fn run(args: &ServeArgs) -> i32 {
    let config = ServeConfig {
        port: args.port,
        max_upload: args.max_upload,
        max_report: args.max_report,
        io_timeout: Duration::from_secs(args.timeout),
    };
    let server = match Server::bind(&config) {
        Ok(s) => s,
        Err(e) => {
            super::error(format_args!("cannot listen on 127.0.0.1:{} ({e})", args.port));
            return EXIT_INPUT;
        }
    };
    let url = server.url();
    println!("crossjar: serving on {url}");
    let _ = io::stdout().flush();
    eprintln!(
        "crossjar: loopback only; captures are analysed in this process and never leave the machine (Ctrl-C stops)"
    );
    if args.open {
        open_browser(&url);
    }
    match server.run() {
        Ok(()) => 0,
        Err(e) => {
            super::error(format_args!("server stopped ({e})"));
            EXIT_INPUT
        }
    }
}

fn open_browser(url: &str) {
    let (cmd, pre): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let spawned = std::process::Command::new(cmd)
        .args(pre)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        super::error(format_args!("--open: cannot start `{cmd}` ({e}); open {url} yourself"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("2KiB"), Ok(2048));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("1T").is_err());
        assert!(parse_size("G").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
