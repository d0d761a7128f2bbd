//! `crossjar sanitize IN.har -o OUT.har`.

use std::io::{Read, Write};

use super::{error, SanitizeArgs, EXIT_INPUT, EXIT_OK};
use crate::sanitize::{sanitize_har, SanitizeOptions};

/// A salt nobody can guess, so short values cannot be recovered from their hashes by trying them.
fn random_salt() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes[..16].copy_from_slice(&(t ^ u128::from(std::process::id())).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn run(args: &SanitizeArgs) -> i32 {
    let input = if args.input.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(&args.input)
    };
    let input = match input {
        Ok(b) => b,
        Err(e) => {
            error(format_args!("{}: cannot read ({e})", args.input.display()));
            return EXIT_INPUT;
        }
    };
    let options = SanitizeOptions { bodies: args.bodies, salt: args.salt.clone().unwrap_or_else(random_salt) };
    let mut buffer = Vec::with_capacity(input.len());
    match sanitize_har(&input, &mut buffer, &options) {
        Ok(stats) => {
            let written = match args.output.as_deref() {
                None => std::io::stdout().write_all(&buffer),
                Some(p) if p.as_os_str() == "-" => std::io::stdout().write_all(&buffer),
                Some(p) => std::fs::write(p, &buffer),
            };
            if let Err(e) = written {
                error(format_args!("cannot write the output ({e})"));
                return EXIT_INPUT;
            }
            if !args.quiet {
                eprintln!("crossjar: sanitized {} entries, {} values replaced", stats.entries, stats.replaced);
            }
            EXIT_OK
        }
        Err(e) => {
            error(format_args!("{}: {e}", args.input.display()));
            EXIT_INPUT
        }
    }
}
