//! The commands the starters document run as written from the repository root: every
//! `cargo run -p <package> -- <file>` in a starter's doc comment, its README or the root
//! README names a workspace package and an event file that exists from the root.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `cargo run [-q] -p <package> -- <argument>` in `text`, with the line it is on.
fn commands(text: &str) -> Vec<(usize, String, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let Some(start) = line.find("cargo run") else {
            continue;
        };
        let words: Vec<&str> = line[start..]
            .split_whitespace()
            .map(|word| word.trim_end_matches(['`', '.', ',']))
            .collect();
        let package = words
            .windows(2)
            .find(|pair| pair[0] == "-p")
            .map(|pair| pair[1]);
        let argument = words
            .windows(2)
            .find(|pair| pair[0] == "--")
            .map(|pair| pair[1]);
        if let (Some(package), Some(argument)) = (package, argument) {
            found.push((number + 1, package.to_owned(), argument.to_owned()));
        }
    }
    found
}

#[test]
fn documented_commands_name_files_that_exist_from_the_root() {
    let root = root();
    let mut documents = vec![root.join("README.md")];
    for starter in fs::read_dir(root.join("examples")).unwrap() {
        let starter = starter.unwrap().path();
        documents.push(starter.join("README.md"));
        documents.push(starter.join("src/main.rs"));
    }
    let mut checked = 0;
    let mut wrong = Vec::new();
    for document in documents.iter().filter(|path| path.exists()) {
        let text = fs::read_to_string(document).unwrap();
        for (line, package, argument) in commands(&text) {
            let shown = format!("{}:{line}", document.strip_prefix(&root).unwrap().display());
            if !root
                .join("examples")
                .join(&package)
                .join("Cargo.toml")
                .exists()
                && !root.join(&package).join("Cargo.toml").exists()
                && package != "lambda-contract-tests"
            {
                wrong.push(format!("{shown}: no package `{package}`"));
            }
            // Flags (`--openapi`) and stdin (`-`) are not files.
            if argument.starts_with('-') {
                continue;
            }
            if !root.join(&argument).is_file() {
                wrong.push(format!(
                    "{shown}: `{argument}` is not a file from the repository root"
                ));
            }
            checked += 1;
        }
    }
    assert!(
        wrong.is_empty(),
        "documented commands that fail:\n{}",
        wrong.join("\n")
    );
    assert!(
        checked >= 6,
        "only {checked} documented commands found: is the parser wrong?"
    );
}

#[test]
fn the_parser_reads_a_command() {
    let found =
        commands("//! `cargo run -q -p starter -- events/a.json`.\ncargo run -p x -- --openapi");
    assert_eq!(
        found,
        [
            (1, "starter".to_owned(), "events/a.json".to_owned()),
            (2, "x".to_owned(), "--openapi".to_owned())
        ]
    );
}
