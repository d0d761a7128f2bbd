//! The GitHub Actions renderer over arbitrary diagnostics: exactly one workflow command per
//! diagnostic (a message cannot start a second one), no raw control character, and properties hold
//! no raw `,` or `:` that would end them early.
#![no_main]

#[path = "common/diagnostics.rs"]
mod common;

use crossjar::output::github;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: Vec<common::Raw>| {
    let diagnostics: Vec<_> = raw.iter().map(common::Raw::diagnostic).collect();
    let out = github::render(&diagnostics);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), diagnostics.len(), "one command per diagnostic");
    for (line, d) in lines.iter().zip(&diagnostics) {
        assert!(line.starts_with("::error ") || line.starts_with("::warning ") || line.starts_with("::notice "));
        assert!(!line.chars().any(|c| common::is_control(c) || c == '\r' || c == '\t'), "a raw control character");
        let (props, _) = line[2..].split_once("::").expect("`::` after the properties");
        let props = props.split_once(' ').map_or("", |(_, p)| p);
        // file=…,line=…,col=…,title=…: exactly the separators the renderer wrote.
        let expected = 2 + usize::from(d.line.is_some()) + usize::from(d.column.is_some());
        assert_eq!(props.split(',').count(), expected, "a `,` inside a property");
        assert!(
            props.split(',').all(|p| !p.split_once('=').map_or("", |(_, v)| v).contains(':')),
            "a `:` inside a property"
        );
    }
});
