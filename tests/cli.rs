//! The `lcscan` binary end to end: exit codes, formats, folders, bad files,
//! policies and the rule commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn lcscan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lcscan"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run lcscan")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh scratch folder under the system temp dir.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lcscan-cli-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const RISKY: &str = "tests/fixtures/n8n/public-webhook-hardcoded-key.json";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn risky_export_fails_the_default_gate_with_plain_findings() {
    let o = lcscan(&["scan", RISKY]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("CRITICAL  LC001  Anyone on the internet can start this app"));
    assert!(out.contains("Where: Lead intake › Webhook"));
    assert!(out.contains("Fix: Open the node 'Webhook' and set Authentication to Header Auth"));
    // The planted token is masked.
    assert!(out.contains("FAKE••••••56"));
    assert!(
        !out.contains('\x1b'),
        "no colour when NO_COLOR / not a terminal"
    );
}

#[test]
fn fail_on_sets_the_threshold() {
    assert_eq!(
        lcscan(&["scan", RISKY, "--fail-on", "never"]).status.code(),
        Some(0)
    );
    assert_eq!(
        lcscan(&["scan", RISKY, "--fail-on", "critical"])
            .status
            .code(),
        Some(1)
    );
    // safe-webhook's worst finding is high: passes a critical gate, fails a high one.
    let safe = "tests/fixtures/n8n/safe-webhook.json";
    assert_eq!(
        lcscan(&["scan", safe, "--fail-on", "critical"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        lcscan(&["scan", safe, "--fail-on", "high"]).status.code(),
        Some(1)
    );
}

#[test]
fn sarif_output_is_valid_2_1_0() {
    let o = lcscan(&["scan", RISKY, "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "LC001"));
    assert!(results
        .iter()
        .all(|r| r["partialFingerprints"]["lcscan/v1"].is_string()));
    for r in results {
        let rule =
            &v["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        assert!(rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t.as_str().unwrap().starts_with("CD-SEC-")));
        let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(loc["uri"], RISKY, "a plain file is its own artifact");
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
}

#[test]
fn json_output_to_a_file_is_deterministic() {
    let dir = scratch("json");
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    for out in [&a, &b] {
        let o = lcscan(&["scan", RISKY, "-f", "json", "-o", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        assert!(o.stdout.is_empty());
    }
    let a = std::fs::read(a).unwrap();
    assert_eq!(a, std::fs::read(b).unwrap());
    let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert!(v["summary"]["risk_score"].as_u64().unwrap() > 0);
}

#[test]
fn folder_scan_reports_bad_files_and_keeps_going() {
    let dir = scratch("folder");
    std::fs::write(dir.join("good.json"), fixture(RISKY)).unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("sub/safe.json"),
        fixture("tests/fixtures/n8n/safe-webhook.json"),
    )
    .unwrap();
    // A zip cut off mid-download.
    std::fs::write(
        dir.join("broken.zip"),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    )
    .unwrap();
    // Files that are not exports are skipped quietly in folders.
    std::fs::write(
        dir.join("package.json"),
        br#"{"name":"x","version":"1.0.0"}"#,
    )
    .unwrap();
    std::fs::write(dir.join("notes.md"), b"# hello").unwrap();
    std::fs::create_dir_all(dir.join("node_modules")).unwrap();
    std::fs::write(dir.join("node_modules/x.json"), fixture(RISKY)).unwrap();

    let o = lcscan(&["scan", dir.to_str().unwrap(), "--jobs", "2"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unreadable file makes the exit code 2"
    );
    let err = stderr(&o);
    assert!(
        err.contains("broken.zip: This zip archive is damaged or incomplete"),
        "{err}"
    );
    assert!(!err.contains("package.json"), "{err}");
    let out = stdout(&o);
    assert!(out.contains("good.json"));
    assert!(out.contains("sub/safe.json"));
    assert!(!out.contains("node_modules"));
    assert!(out.contains("2 files scanned"));
}

#[test]
fn a_named_file_that_is_not_an_export_is_an_error() {
    let dir = scratch("named");
    let p = dir.join("package.json");
    std::fs::write(&p, br#"{"name":"x","version":"1.0.0"}"#).unwrap();
    let o = lcscan(&["scan", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("We could not recognise this file. lcscan reads:"));
    let o = lcscan(&["scan", "does/not/exist.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such file or folder"));
}

#[test]
fn policy_can_disable_rules_and_bad_policies_are_refused() {
    let dir = scratch("policy");
    let p = dir.join("policy.toml");
    std::fs::write(
        &p,
        "name = \"lab\"\nversion = \"2\"\ndisabled_rules = [\"LC001\", \"hardcoded-secret\"]\n",
    )
    .unwrap();
    let o = lcscan(&["scan", RISKY, "--policy", p.to_str().unwrap(), "-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.contains(&"LC001") && !ids.contains(&"LC002"),
        "{ids:?}"
    );
    assert_eq!(v["tool"]["policy"], "lab");

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "disabled_rulez = []\n").unwrap();
    let o = lcscan(&["scan", RISKY, "--policy", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("policy"), "{}", stderr(&o));
}

#[test]
fn rules_and_rule_commands() {
    let o = lcscan(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("LC001  public-trigger-without-auth"));
    assert_eq!(out.lines().count(), lcscan::rules::RULES.len() + 1);

    let o = lcscan(&["rule", "public-trigger-without-auth"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("LC001 public-trigger-without-auth"));
    assert!(out.contains("## How to fix"));
    assert!(out.contains("CD-SEC-04"));

    let o = lcscan(&["rule", "lc001"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("LC001 public-trigger-without-auth"));

    let o = lcscan(&["rule", "LC999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no rule called 'LC999'"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(lcscan(&["scan"]).status.code(), Some(2));
    assert_eq!(
        lcscan(&["scan", RISKY, "--format", "pdf"]).status.code(),
        Some(2)
    );
    assert_eq!(lcscan(&["frobnicate"]).status.code(), Some(2));
    let o = lcscan(&["formats"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Salesforce Flow"));
    assert!(
        stdout(&o).contains("Report formats (--format): text, json, sarif, markdown, html, csv.")
    );
}

#[test]
fn several_files_come_out_in_sorted_order_whatever_the_argument_order() {
    let safe = "tests/fixtures/n8n/safe-webhook.json";
    let run = |args: &[&str]| {
        let o = lcscan(args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        stdout(&o)
    };
    let a = run(&["scan", safe, RISKY, "--jobs", "2", "-f", "json"]);
    let b = run(&["scan", RISKY, safe, RISKY, "-f", "json"]);
    assert_eq!(a, b, "same order, duplicates scanned once");
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    let files: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, [RISKY, safe]);

    // Text: one section per file and a total line.
    let text = run(&["scan", safe, RISKY]);
    assert!(text.contains("2 files scanned"), "{text}");
    assert!(text.find(RISKY) < text.find(safe));
}

#[test]
fn every_report_format_renders_from_the_cli() {
    for (format, marker) in [
        ("markdown", "# lcscan report: "),
        ("html", "<!doctype html>"),
        ("csv", "\"file\",\"severity\""),
        ("text", "Risk score "),
    ] {
        let o = lcscan(&["scan", RISKY, "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.starts_with(marker) || out.contains(marker),
            "{format}: {out}"
        );
        assert!(!out.contains("<script"), "{format}");
    }
}

#[test]
fn a_folder_with_no_exports_is_not_a_silent_pass() {
    let dir = scratch("empty");
    std::fs::write(dir.join("notes.md"), b"# nothing to scan").unwrap();
    let o = lcscan(&["scan", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no export files found"),
        "{}",
        stderr(&o)
    );
}

#[cfg(unix)]
#[test]
fn symlinked_folders_are_not_followed() {
    let dir = scratch("loop");
    std::fs::write(dir.join("flow.json"), fixture(RISKY)).unwrap();
    // A link back to the folder itself would recurse for ever if followed.
    std::os::unix::fs::symlink(&dir, dir.join("again")).unwrap();
    let o = lcscan(&["scan", dir.to_str().unwrap(), "-f", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["file"].as_str().unwrap().ends_with("flow.json"),
        "one file, one report"
    );
}

#[test]
fn json_policy_can_lower_a_severity_below_the_gate() {
    let dir = scratch("json-policy");
    // Without LC001's critical and with every other rule off, nothing reaches high.
    let ids: Vec<String> = lcscan::rules::RULES
        .iter()
        .filter(|r| r.id != "LC001")
        .map(|r| format!("\"{}\"", r.id))
        .collect();
    let p = dir.join("policy.json");
    std::fs::write(
        &p,
        format!(
            "{{\"name\":\"json lab\",\"disabled_rules\":[{}],\"severity\":{{\"LC001\":\"medium\"}}}}",
            ids.join(",")
        ),
    )
    .unwrap();
    let o = lcscan(&["scan", RISKY, "--policy", p.to_str().unwrap(), "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["tool"]["policy"], "json lab");
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|f| f["rule_id"] == "LC001" && f["severity"] == "medium"));
    // The same findings fail a medium gate.
    let o = lcscan(&[
        "scan",
        RISKY,
        "--policy",
        p.to_str().unwrap(),
        "--fail-on",
        "medium",
    ]);
    assert_eq!(o.status.code(), Some(1));

    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"severity\": {\"LC001\": \"urgent\"}}").unwrap();
    let o = lcscan(&["scan", RISKY, "--policy", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("lcscan: policy "), "{}", stderr(&o));
}

#[test]
fn an_output_file_that_cannot_be_written_exits_2() {
    let dir = scratch("out");
    let target = dir.join("no/such/folder/report.json");
    let o = lcscan(&["scan", RISKY, "-o", target.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("could not write"), "{}", stderr(&o));
}

#[test]
fn strict_policy_custom_rules_fail_the_gate_and_bad_rules_are_named() {
    const STRICT: &str = "rules/policies/strict-regulated.toml";
    const CLINIC: &str = "tests/fixtures/policies/clinic-intake.json";
    let o = lcscan(&["scan", CLINIC, "--policy", STRICT, "-f", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["tool"]["policy"], "Strict (regulated industry)");
    assert_eq!(v["tool"]["policy_version"], "2026.11");
    let findings = v["findings"].as_array().unwrap();
    let org = findings
        .iter()
        .find(|f| f["rule_id"] == "ORG-REG-002")
        .expect("custom rule finding");
    assert_eq!(org["severity"], "critical");
    assert_eq!(org["location"]["step"], "Mail the triage team");
    assert_eq!(
        org["fix"],
        "Send health data only to approved business services, or remove the health fields before this step."
    );
    // A critical gate fails too: the custom rules raise critical findings.
    let o = lcscan(&["scan", CLINIC, "--policy", STRICT, "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("CRITICAL  ORG-REG-001  Public flow uses a consumer service")
            && stdout(&o).contains("OWASP CD-SEC-04 (LCNC-SEC-04) · CWE-306 · org-reg-001"),
        "{}",
        stdout(&o)
    );

    let dir = scratch("custom-rule");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[[custom_rules]]\nid = \"ORG-7\"\ntitle = \"t\"\nseverity = \"high\"\nmessage = \"m\"\nwhen = 'app.steps.exists(s, s.conector == \"x\")'\n",
    )
    .unwrap();
    let o = lcscan(&["scan", CLINIC, "--policy", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("custom rule 'ORG-7'") && err.contains("'conector'"),
        "{err}"
    );
}
