//! Format detection on the real corpus: every file is read only by the
//! parser(s) of its own platform folder, so one platform's export is never
//! taken for another's. Prints the confusion matrix with `--nocapture`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{files_under, parse};
use lcscan::model::Platform;

/// Which platforms a corpus folder's files may be read as. Solutions hold
/// flows and canvas apps, so their components are read by those parsers.
fn allowed(folder: &str) -> Option<&'static [Platform]> {
    use Platform::*;
    Some(match folder {
        "n8n" | "n8n-credentials" => &[N8n],
        "power-automate" => &[PowerAutomate, PowerPlatformSolution, PowerApps],
        "pp-solution" => &[PowerPlatformSolution, PowerAutomate, PowerApps],
        "powerapps-canvas" => &[PowerApps],
        "salesforce-flow" => &[SalesforceFlow],
        "logic-apps" => &[LogicApps],
        "nodered" => &[NodeRed],
        "make" => &[Make],
        "appsmith" => &[Appsmith],
        "tooljet" => &[ToolJet],
        "retool-toolscript" => &[Retool],
        "uipath" => &[UiPath],
        _ => return None,
    })
}

fn corpus_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    root.is_dir().then_some(root)
}

#[test]
fn no_corpus_file_is_taken_for_another_platform() {
    let Some(root) = corpus_root() else {
        eprintln!("../shared/corpus not found: detection test skipped");
        return;
    };
    let Ok(read) = std::fs::read_dir(&root) else {
        return;
    };
    let mut folders: Vec<PathBuf> = read
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut matrix: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for folder in &folders {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let Some(allowed) = allowed(&name) else {
            wrong.push(format!("{name}: a corpus folder this test does not know"));
            continue;
        };
        for file in files_under(folder) {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let shown = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .display()
                .to_string();
            let Ok((apps, _)) = parse(&bytes, &shown) else {
                continue;
            };
            for app in apps {
                *matrix
                    .entry((name.clone(), app.platform.display_name().to_string()))
                    .or_default() += 1;
                if !allowed.contains(&app.platform) {
                    wrong.push(format!("{shown}: read as {}", app.platform.display_name()));
                }
            }
        }
    }
    eprintln!("| corpus folder | read as | apps |\n| --- | --- | --- |");
    for ((folder, platform), n) in &matrix {
        eprintln!("| {folder} | {platform} | {n} |");
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
