//! The same input gives a byte-identical JSON report: same findings in the same
//! order, same fingerprints, same notes. Checked for every fixture of every
//! platform (lone files and the exported folders zipped), for archive member
//! order, and across processes (the CLI run twice). Native vs WebAssembly
//! equality is checked in the browser by tests/e2e/page.test.mjs.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{files_under, zip_dir};
use lcscan::{render, scan, Policy};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every fixture file that scans to a report, as (display name, bytes).
fn scannable_fixtures() -> Vec<(String, Vec<u8>)> {
    let base = root().join("tests/fixtures");
    let policy = Policy::default();
    files_under(&base)
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let name = p
                .strip_prefix(&base)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            scan(&bytes, &name, &policy).ok()?;
            Some((name, bytes))
        })
        .collect()
}

/// Exported folders (packages, solutions, projects) zipped as the platform would.
fn zipped_folders() -> Vec<(String, Vec<u8>)> {
    [
        "tests/fixtures/power-automate/package",
        "tests/fixtures/power-automate/solution",
        "tests/fixtures/logic-apps/standard",
    ]
    .iter()
    .map(|dir| {
        let name = format!(
            "{}.zip",
            Path::new(dir).file_name().unwrap().to_string_lossy()
        );
        (name, zip_dir(&root().join(dir), "", &[]))
    })
    .collect()
}

fn json_report(bytes: &[u8], name: &str) -> String {
    // A fresh policy each time: nothing may depend on state kept between scans.
    let report = scan(bytes, name, &Policy::default())
        .unwrap_or_else(|e| panic!("{name}: {}: {e}", e.code()));
    render::json(&report)
}

#[test]
fn every_fixture_scans_to_a_byte_identical_report_twice() {
    let inputs: Vec<(String, Vec<u8>)> = scannable_fixtures()
        .into_iter()
        .chain(zipped_folders())
        .collect();
    // Every platform folder contributes, plus the rule fixtures.
    assert!(inputs.len() >= 60, "only {} fixtures scanned", inputs.len());
    let mut with_findings = 0;
    for (name, bytes) in &inputs {
        let first = json_report(bytes, name);
        // Scans in between (other files) must not change the next result.
        let _ = scan(
            b"{\"nodes\":[],\"connections\":{}}",
            "x.json",
            &Policy::default(),
        );
        let second = json_report(bytes, name);
        assert_eq!(first, second, "{name}: report differs between two scans");
        if first.contains("\"fingerprint\"") {
            with_findings += 1;
        }
    }
    assert!(
        with_findings >= 30,
        "only {with_findings} fixtures had findings"
    );
}

#[test]
fn fingerprints_are_unique_within_a_report_and_stable() {
    for (name, bytes) in scannable_fixtures() {
        let report = scan(&bytes, &name, &Policy::default()).unwrap();
        let prints: Vec<&str> = report
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        let unique: BTreeSet<&str> = prints.iter().copied().collect();
        assert_eq!(unique.len(), prints.len(), "{name}: duplicate fingerprints");
        assert!(prints.iter().all(|p| p.len() == 16), "{name}: {prints:?}");
    }
}

/// Zip the same members in the given order.
fn zip_in_order(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        for (name, data) in files {
            zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn archive_member_order_does_not_change_findings() {
    // Several workflows of different platforms in one zip, forwards and backwards.
    let members: Vec<(String, Vec<u8>)> = [
        "n8n/public-webhook-hardcoded-key.json",
        "n8n/credentials-decrypted.json",
        "n8n/http-v1.json",
        "make/webhook-to-crm.json",
        "node-red/orders-api.json",
    ]
    .iter()
    .map(|p| {
        (
            p.to_string(),
            std::fs::read(root().join("tests/fixtures").join(p)).unwrap(),
        )
    })
    .collect();
    let forwards = scan(&zip_in_order(&members), "all.zip", &Policy::default()).unwrap();
    let mut reversed_members = members.clone();
    reversed_members.reverse();
    let backwards = scan(
        &zip_in_order(&reversed_members),
        "all.zip",
        &Policy::default(),
    )
    .unwrap();
    let prints = |r: &lcscan::Report| -> Vec<String> {
        r.findings.iter().map(|f| f.fingerprint.clone()).collect()
    };
    assert!(forwards.findings.len() >= 5, "{}", forwards.findings.len());
    assert_eq!(
        prints(&forwards),
        prints(&backwards),
        "the same findings, in the same order, whatever the member order"
    );
    assert_eq!(forwards.summary, backwards.summary);
}

#[test]
fn the_cli_gives_identical_json_in_separate_processes() {
    // Separate processes get different hash seeds: nothing may depend on them.
    let run = |path: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_lcscan"))
            .args(["scan", path, "-f", "json", "--fail-on", "never"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    for path in [
        "tests/fixtures/n8n/public-webhook-hardcoded-key.json",
        "tests/fixtures/power-automate/public-http-definition.json",
        "tests/fixtures/salesforce-flow/Sync_Orders_Callout.flow-meta.xml",
        "tests/fixtures/node-red/orders-api.json",
        "tests/fixtures/logic-apps/arm-public-request.json",
        "tests/fixtures/make/webhook-to-crm.json",
    ] {
        let (a, b) = (run(path), run(path));
        assert!(!a.is_empty());
        assert_eq!(a, b, "{path}: CLI output differs between runs");
        // And the library's own rendering is the same text.
        let bytes = std::fs::read(root().join(path)).unwrap();
        let lib = json_report(&bytes, path);
        assert_eq!(
            String::from_utf8_lossy(&a).trim_end(),
            lib.trim_end(),
            "{path}: CLI and library disagree"
        );
    }
}
