//! Scans every real export in `../shared/corpus` (when present) and checks
//! that nothing panics; prints the parse rate per platform.
//!
//! `cargo test --release --test corpus -- --nocapture` prints the table that
//! `docs/corpus.md` records. Filter platforms with `LCSCAN_CORPUS=n8n,salesforce-flow`.

mod common;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use common::files_under;
use lcscan::{scan, Policy};

/// Platform folders whose files this build's parsers are expected to read.
const PLATFORMS: &[&str] = &[
    "n8n",
    "n8n-credentials",
    "power-automate",
    "pp-solution",
    "powerapps-canvas",
    "salesforce-flow",
    "logic-apps",
    "nodered",
    "make",
    "appsmith",
    "tooljet",
    "retool-toolscript",
    "uipath",
];

fn corpus_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    root.is_dir().then_some(root)
}

#[derive(Default)]
struct Tally {
    total: usize,
    parsed: usize,
    /// Not an app on its own, with the parser's specific reason.
    explained: usize,
    findings: usize,
    errors: BTreeMap<String, Vec<String>>,
    panics: Vec<String>,
}

#[test]
fn real_exports_scan_without_panics() {
    let Some(root) = corpus_root() else {
        eprintln!("../shared/corpus not found: corpus test skipped");
        return;
    };
    let only: Option<Vec<String>> = std::env::var("LCSCAN_CORPUS")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());
    let policy = Policy::default();
    // Keep the default panic message quiet; panics are collected and reported below.
    std::panic::set_hook(Box::new(|_| {}));
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    for platform in PLATFORMS {
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|p| p == platform))
        {
            continue;
        }
        let files = files_under(&root.join(platform));
        let tally = tallies.entry(platform).or_default();
        for file in files {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let rel = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .display()
                .to_string();
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            tally.total += 1;
            match catch_unwind(AssertUnwindSafe(|| scan(&bytes, &name, &policy))) {
                Ok(Ok(report)) => {
                    tally.parsed += 1;
                    tally.findings += report.findings.len();
                }
                Ok(Err(e)) => {
                    // A parser that recognised the file says exactly what it is
                    // ("this is the manifest of a Power Automate export package…"):
                    // that is a specific answer, not a failure to read.
                    let code = match &e {
                        lcscan::ScanError::NotAnApp { .. } => {
                            tally.explained += 1;
                            "explained".to_string()
                        }
                        other => other.code().to_string(),
                    };
                    tally.errors.entry(code).or_default().push(rel)
                }
                Err(_) => tally.panics.push(rel),
            }
        }
    }
    let _ = std::panic::take_hook();

    println!(
        "| platform folder | files | parsed | parsed or explained | findings | not parsed (reason: count) |"
    );
    println!("|---|---|---|---|---|---|");
    for (platform, t) in &tallies {
        let rate = if t.total == 0 {
            0.0
        } else {
            100.0 * (t.parsed + t.explained) as f64 / t.total as f64
        };
        let reasons: Vec<String> = t
            .errors
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.len()))
            .collect();
        println!(
            "| {platform} | {} | {} | {rate:.1}% | {} | {} |",
            t.total,
            t.parsed,
            t.findings,
            reasons.join(", ")
        );
    }
    for (platform, t) in &tallies {
        for (code, paths) in t.errors.iter().filter(|(code, _)| *code != "explained") {
            for p in paths.iter().take(8) {
                eprintln!("  {platform} {code}: {p}");
            }
        }
    }
    let panics: Vec<&String> = tallies.values().flat_map(|t| &t.panics).collect();
    assert!(panics.is_empty(), "scan panicked on: {panics:#?}");
}

/// Platforms whose exports are folders (a Retool Toolscript app, a UiPath
/// Studio project), with the file that marks the folder holding one app.
const FOLDER_LAYOUTS: &[(&str, &str)] = &[
    ("retool-toolscript", "main.rsx"),
    ("uipath", "project.json"),
];

/// Folder layouts scanned the way a user drops them: each app folder zipped.
/// Every file of the folder counts as read (no note about it), explained (a
/// note that says what it is) or unknown ("does not know this file's format").
#[test]
fn folder_layouts_scan_as_zipped_app_folders() {
    let Some(root) = corpus_root() else {
        return;
    };
    let policy = Policy::default();
    println!(
        "| platform folder (zipped app folders) | apps | files | read | explained | unknown |"
    );
    println!("|---|---|---|---|---|---|");
    for (platform, marker) in FOLDER_LAYOUTS {
        let files = files_under(&root.join(platform));
        let mut app_dirs: Vec<PathBuf> = files
            .iter()
            .filter(|f| f.file_name().is_some_and(|n| n == *marker))
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        app_dirs.sort();
        app_dirs.dedup();
        let (mut total, mut read, mut explained, mut unknown) = (0, 0, 0, 0);
        let mut failed = Vec::new();
        for dir in &app_dirs {
            let bytes = common::zip_dir(dir, "", &[]);
            let report = match catch_unwind(AssertUnwindSafe(|| scan(&bytes, "app.zip", &policy))) {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => {
                    failed.push(format!("{}: {}", dir.display(), e.code()));
                    continue;
                }
                Err(_) => panic!("scan panicked on the zipped folder {}", dir.display()),
            };
            for file in files_under(dir) {
                let rel = file
                    .strip_prefix(dir)
                    .unwrap_or(&file)
                    .to_string_lossy()
                    .replace('\\', "/");
                total += 1;
                let shown = format!("app.zip!/{rel}");
                match report.notes.iter().find(|n| n.file == shown) {
                    None => read += 1,
                    Some(n) if n.message.contains("does not know this file's format") => {
                        unknown += 1;
                        eprintln!("  {platform} unknown: {}/{rel}", dir.display());
                    }
                    Some(_) => explained += 1,
                }
            }
        }
        println!(
            "| {platform} | {} | {total} | {read} | {explained} | {unknown} |",
            app_dirs.len()
        );
        assert!(failed.is_empty(), "{failed:#?}");
    }
}
