//! Hardening of `crossjar ingress` inputs (issue 18, the parts in the ingress reader): folders are
//! walked once per file and never loop, non-regular files found while walking are skipped and named,
//! every input is read with a size bound, the YAML alias budget is per input, and a closed pipe is
//! not reported twice.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crossjar::input::ingress::{predict_paths, predict_texts, PredictOptions, MAX_INPUT_BYTES};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ingress").join(rel)
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("crossjar-walk-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_walked_once_and_reported() {
    let d = temp_dir("loop");
    std::fs::copy(fixture("tls/traefik-router-tls.yaml"), d.join("a.yaml")).unwrap();
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::os::unix::fs::symlink(".", d.join("self")).unwrap();
    std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("../a.yaml", d.join("sub/again.yaml")).unwrap();
    let r = predict_paths(std::slice::from_ref(&d), &PredictOptions::default());
    assert_eq!(r.routes.len(), 1, "the manifest counts once, not once per path to it");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let skipped: Vec<String> = r.skipped.iter().map(|e| e.to_string()).collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(skipped.iter().any(|s| s.contains("self") && s.contains("already visited")), "{skipped:?}");
    assert!(skipped.iter().any(|s| s.contains("again.yaml") && s.contains("already read")), "{skipped:?}");
    std::fs::remove_dir_all(&d).ok();
}

#[cfg(unix)]
#[test]
fn a_fifo_named_yaml_in_a_folder_is_skipped_not_read() {
    let d = temp_dir("fifo");
    std::fs::copy(fixture("tls/traefik-router-tls.yaml"), d.join("a.yaml")).unwrap();
    let fifo = d.join("pipe.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
    if !made {
        eprintln!("mkfifo unavailable; skipped");
        return;
    }
    // Reading the FIFO would block forever: the walk must not open it.
    let r = predict_paths(std::slice::from_ref(&d), &PredictOptions::default());
    assert_eq!(r.routes.len(), 1);
    assert!(r.skipped.iter().any(|e| e.to_string().contains("pipe.yaml") && e.message.contains("not a regular file")));
    std::fs::remove_dir_all(&d).ok();
}

#[cfg(unix)]
#[test]
fn an_endless_input_stops_at_the_size_limit_with_a_clear_error() {
    let r = predict_paths(&[PathBuf::from("/dev/zero")], &PredictOptions::default());
    assert_eq!(r.errors.len(), 1);
    let msg = r.errors[0].to_string();
    assert!(msg.contains("/dev/zero"), "{msg}");
    assert!(msg.contains(&format!("{} MiB", MAX_INPUT_BYTES / (1024 * 1024))), "names the limit: {msg}");
}

/// One billion-laughs document (7 levels of 9).
const BOMB: &str = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";

#[test]
fn concatenated_alias_bombs_share_one_budget() {
    let one = predict_texts(&[(PathBuf::from("one.yaml"), BOMB.to_owned())], &PredictOptions::default());
    assert_eq!(one.errors.len(), 1, "a single bomb is stopped");
    let n = 1_000_000 / (BOMB.len() + 4);
    let many = format!("{BOMB}---\n").repeat(n);
    let r = predict_texts(&[(PathBuf::from("many.yaml"), many)], &PredictOptions::default());
    // Every bomb document is stopped; the first ones are named and the rest counted in one line.
    assert_eq!(r.errors.len(), 11, "{:?}", r.errors.last());
    assert!(
        r.errors[10].message.starts_with(&format!("{} more documents skipped", n - 10)),
        "{}",
        r.errors[10].message
    );
    // The per-document allowance is the input's budget shared out, not the single-document budget.
    let limit = |m: &str| m.split(" > ").nth(1).and_then(|t| t.split(' ').next()).and_then(|t| t.parse::<usize>().ok());
    let single = limit(&one.errors[0].message).expect("the limit is named");
    let shared = limit(&r.errors[0].message).expect("the limit is named");
    assert!(shared * n <= single + 64 * n, "shared {shared} × {n} documents vs {single} for one");
}

#[test]
fn a_closed_pipe_is_not_reported_twice() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossjar"))
        .args([
            "ingress",
            "fixtures/ingress",
            "fixtures/ingress",
            "--from",
            "https://app.example.com",
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.matches("cannot write the report").count() <= 1, "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "a closed pipe is the reader's choice: {stderr}");
}
