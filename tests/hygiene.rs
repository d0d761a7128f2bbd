//! Terminal and format hygiene (issue #18): a string from an input reaches each sink escaped for it —
//! `\u{1b}` in text on stdout and stderr, never `&#x1b;` in XML, `%`-encoded line breaks in GitHub
//! workflow commands.

use std::process::Command;

use crossjar::analysis::rules::Severity;
use crossjar::output::diagnostic::Diagnostic;
use crossjar::output::{github, junit};

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';

fn diagnostic(message: &str, file: &str) -> Diagnostic {
    Diagnostic {
        rule: "credentials-not-included",
        severity: Severity::Error,
        message: message.to_string(),
        file: file.to_string(),
        line: Some(1),
        column: None,
        fingerprint: "f".into(),
        fixes: vec![format!("fix {ESC}[2J")],
    }
}

#[test]
fn junit_writes_only_characters_xml_allows() {
    let file = format!("cap{ESC}]0;pwned{BEL}.har");
    let xml = junit::render(
        crossjar::analysis::rules::Input::Har,
        std::slice::from_ref(&file),
        &[diagnostic(&format!("cookie {ESC}[31mred\u{0}"), &file)],
    );
    assert!(!xml.contains("&#x"), "XML 1.0 forbids these character references: {xml}");
    assert!(!xml.chars().any(|c| c.is_control() && c != '\n'), "raw control characters: {xml:?}");
    assert!(xml.contains("\\u{1b}[31mred\\u{0}"), "shown as text: {xml}");
}

#[test]
fn github_commands_cannot_be_forged_or_drive_the_terminal() {
    let out = github::render(&[diagnostic(&format!("x\n::error::forged{ESC}[1m"), "a,b:c.har")]);
    assert_eq!(out.lines().count(), 1, "one command per finding: {out}");
    assert!(!out.contains(ESC), "{out:?}");
    assert!(out.contains("%0A::error::forged\\u{1b}[1m"), "{out}");
    assert!(out.contains("file=a%2Cb%3Ac.har"), "{out}");
}

/// A capture whose `creator.name` carries terminal controls: the text report shows them as
/// `\u{1b}` even when colours are forced (so the CLI's own styles are raw escape sequences).
#[test]
fn text_reports_and_errors_show_controls_as_escapes() {
    let dir = std::env::temp_dir().join(format!("crossjar-hygiene-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let har = dir.join("ctl.har");
    std::fs::write(
        &har,
        r#"{"log":{"creator":{"name":"evil\u001b]0;title\u0007\u001b[31m","version":"1"},"entries":[
        {"startedDateTime":"2024-01-01T00:00:00Z","request":{"method":"GET","url":"blob:https://a.example/\u001b[2J","headers":[]},
         "response":{"status":200,"headers":[]}}]}}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crossjar"))
        .args(["har", har.to_str().unwrap(), "--fail-on", "never"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("evil\\u{1b}]0;title\\u{7}\\u{1b}[31m"), "{stdout}");
    assert!(
        !stdout.contains(&format!("evil{ESC}")) && !stdout.contains(BEL),
        "raw controls from the input: {stdout:?}"
    );
    assert!(stdout.contains("\\u{1b}[2J"), "the skipped entry's URL, escaped: {stdout}");

    // stderr: an error quoting a file name with controls in it.
    let missing = dir.join(format!("no{ESC}[2Jsuch.har"));
    let out = Command::new(env!("CARGO_BIN_EXE_crossjar")).args(["har", missing.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(ESC), "{stderr:?}");
    assert!(stderr.contains("no\\u{1b}[2Jsuch.har"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `crossjar ingress … | head`: the reader goes away; no error about it, and never twice.
#[test]
fn a_closed_pipe_is_not_an_error_message() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossjar"))
        .args(["ingress", concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ingress"), "--from", "https://a.example"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.to_ascii_lowercase().contains("broken pipe"), "{stderr}");
}
