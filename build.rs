//! Records the version of the compiled-in Public Suffix List (the `psl` crate's release, which pins the
//! list snapshot) so `crossjar --version` can say which list verdicts are based on.

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let mut version = "unknown";
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"psl\"" {
            if let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                version = v.trim_end_matches('"');
            }
            break;
        }
    }
    println!("cargo:rustc-env=CROSSJAR_PSL_VERSION={version}");
}
