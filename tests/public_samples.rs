//! The 15 public HARs in `../shared/samples/har/` (read in place, never copied): every one loads with
//! exit code 0 or 1, never 2, and its findings are snapshot-tested (values are never printed).

use std::path::Path;
use std::process::Command;

#[test]
fn public_sample_hars_load_and_their_findings_are_stable() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/har");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("../shared/samples/har is absent: public samples not checked");
        return;
    };
    let mut files: Vec<_> =
        entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "har")).collect();
    files.sort();
    assert_eq!(files.len(), 15, "the shared samples folder holds 15 HARs");
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let out = Command::new(env!("CARGO_BIN_EXE_crossjar"))
            .args(["har", "--quiet"])
            .arg(&path)
            .output()
            .expect("the binary runs");
        let code = out.status.code().unwrap_or(-1);
        assert!(code == 0 || code == 1, "{name}: exit {code}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).replace(dir.to_str().unwrap(), "<samples>");
        insta::assert_snapshot!(format!("sample-{name}"), text);
    }
}
