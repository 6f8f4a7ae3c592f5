//! `lcscan accept`, `scan --baseline` and `lcscan diff` end to end.

use std::path::PathBuf;
use std::process::{Command, Output};

const V1: &str = "tests/fixtures/diff/order-alert-v1.json";
const V2: &str = "tests/fixtures/diff/order-alert-v2.json";

fn lcscan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lcscan"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lcscan-review-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn accepted_findings_pass_the_gate_until_they_expire() {
    let dir = scratch("accept");
    let file = dir.join("exceptions.toml");
    let file = file.to_str().unwrap();
    // Without exceptions the public webhook and the key fail the gate.
    assert_eq!(lcscan(&["scan", V2]).status.code(), Some(1));

    let o = lcscan(&[
        "accept",
        V2,
        "--by",
        "Ana (security)",
        "--reason",
        "Lab copy, not deployed",
        "--expires",
        "2027-01-31",
        "--ticket",
        "SEC-42",
        "--rule",
        "LC001",
        "--rule",
        "hardcoded-secret",
        "--rule",
        "LC012",
        "--today",
        "2026-11-23",
        "--exceptions",
        file,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("accepted 3 finding(s) until 2027-01-31"),
        "{}",
        err(&o)
    );
    let written = std::fs::read_to_string(file).unwrap();
    assert!(
        written.contains("reason = \"Lab copy, not deployed\""),
        "{written}"
    );
    assert!(written.contains("ticket = \"SEC-42\""), "{written}");
    assert_eq!(written.matches("[[exception]]").count(), 3);

    // Before expiry: only the high LC006 is left at or above the default gate.
    let o = lcscan(&[
        "scan",
        V2,
        "--baseline",
        file,
        "--today",
        "2027-01-31",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let text = out(&o);
    assert!(
        text.contains("Accepted risks (not counted in the score):"),
        "{text}"
    );
    assert!(
        text.contains("Accepted until 2027-01-31 by Ana (security) on 2026-11-23, ticket SEC-42."),
        "{text}"
    );

    let o = lcscan(&[
        "scan",
        V2,
        "--baseline",
        file,
        "--today",
        "2027-01-31",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["LC006", "LC010"]);
    assert_eq!(report["exceptions"].as_array().unwrap().len(), 3);
    assert_eq!(report["exceptions"][0]["status"], "accepted");

    // SARIF keeps them as suppressed results.
    let o = lcscan(&[
        "scan",
        V2,
        "--baseline",
        file,
        "--today",
        "2027-01-31",
        "--format",
        "sarif",
    ]);
    let sarif: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed = results
        .iter()
        .filter(|r| r["suppressions"][0]["status"] == "accepted")
        .count();
    assert_eq!((results.len(), suppressed), (5, 3));

    // The day after expiry they count again, with a note saying so.
    let o = lcscan(&[
        "scan",
        V2,
        "--baseline",
        file,
        "--today",
        "2027-02-01",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("expired on 2027-01-31, so"), "{}", out(&o));

    // On the old version the exceptions match nothing: the CLI says they can go.
    let o = lcscan(&["scan", V1, "--baseline", file, "--today", "2026-12-01"]);
    assert!(
        err(&o).contains("3 exception(s) in the exceptions file no longer match any finding"),
        "{}",
        err(&o)
    );
}

#[test]
fn bad_exceptions_and_dates_are_refused_with_the_reason() {
    let dir = scratch("bad");
    let file = dir.join("bad.toml");
    std::fs::write(&file, "format_version = 1\n[[exception]]\nfingerprint = \"0123456789abcdef\"\naccepted_by = \"Ana\"\nreason = \"\"\naccepted_on = \"2026-01-01\"\nexpires = \"2026-02-01\"\n").unwrap();
    let o = lcscan(&["scan", V2, "--baseline", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("`reason` must say why the risk is acceptable"),
        "{}",
        err(&o)
    );

    let o = lcscan(&[
        "accept",
        V2,
        "--by",
        "Ana",
        "--reason",
        "r",
        "--expires",
        "soon",
        "--exceptions",
        dir.join("x.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("--expires must be a date like 2027-02-23, not 'soon'"),
        "{}",
        err(&o)
    );
    let o = lcscan(&[
        "accept",
        V2,
        "--by",
        "Ana",
        "--reason",
        "  ",
        "--expires",
        "2027-01-01",
        "--exceptions",
        dir.join("x.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.join("x.toml").exists());
}

#[test]
fn diff_names_what_got_riskier_and_gates_on_new_findings_only() {
    let o = lcscan(&["diff", V1, V2]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("This version adds a public way in: 'New order' in 'Order alert' can now be started by anyone on the internet."), "{text}");
    assert!(
        text.contains("Findings: 4 new, 1 fixed, 1 unchanged."),
        "{text}"
    );

    // Going back only fixes things: no new finding at or above high.
    let o = lcscan(&["diff", V2, V1]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));

    let o = lcscan(&["diff", V1, V2, "--format", "json"]);
    let d: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(d["new_findings"].as_array().unwrap().len(), 4);
    assert_eq!(d["triggers_widened"][0]["after"], "anyone");
    assert_eq!(d["triggers_widened"][0]["before"], "credential-holders");

    let o = lcscan(&["diff", V1, V2, "--format", "markdown"]);
    assert!(out(&o).starts_with("# What changed: "), "{}", out(&o));

    let o = lcscan(&["diff", V1, "tests/fixtures/diff/missing.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("missing.json"), "{}", err(&o));
}

#[test]
fn project_folders_are_one_export_each() {
    // A UiPath project, found inside a folder scan: one report per project,
    // with its XAML read together with project.json.
    let o = lcscan(&["scan", "tests/fixtures/uipath", "--format", "json"]);
    let reports: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let files: Vec<&str> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "tests/fixtures/uipath/InvoiceBot",
            "tests/fixtures/uipath/SafeBot"
        ]
    );
    assert_eq!(reports[0]["platforms"][0], "uipath");
    assert!(reports[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "LC002"));
    assert_eq!(reports[1]["findings"].as_array().unwrap().len(), 0);

    // A Windmill workspace named directly: one report, every component.
    let o = lcscan(&[
        "scan",
        "tests/fixtures/windmill/workspace",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(report["platforms"][0], "windmill");
    assert!(report["components"].as_array().unwrap().len() > 1);
}
