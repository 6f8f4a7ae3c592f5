//! Version diff: two exports of the same app compared.

use lcscan::diff::{diff, render_markdown, render_text};
use lcscan::model::Audience;
use lcscan::{scan, Policy};

fn report(name: &str) -> lcscan::Report {
    let path = format!("tests/fixtures/diff/{name}");
    let bytes = std::fs::read(&path).unwrap();
    scan(&bytes, &path, &Policy::default()).unwrap()
}

#[test]
fn a_new_public_trigger_secret_and_slack_leak_are_named_in_the_summary() {
    let d = diff(
        &report("order-alert-v1.json"),
        &report("order-alert-v2.json"),
    );

    let rules = |fs: &[lcscan::Finding]| {
        let mut ids: Vec<String> = fs.iter().map(|f| f.rule_id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(rules(&d.new_findings), ["LC001", "LC002", "LC010", "LC012"]);
    assert_eq!(rules(&d.fixed_findings), ["LC004"]);
    // The code node moved from /nodes/1 to /nodes/2: still the same finding.
    assert_eq!(rules(&d.unchanged_findings), ["LC006"]);

    assert_eq!(d.triggers_widened.len(), 1);
    assert_eq!(
        d.triggers_widened[0].before,
        Some(Audience::CredentialHolders)
    );
    assert_eq!(d.triggers_widened[0].after, Audience::Anyone);
    assert!(d.connectors_added.iter().any(|c| c.name == "Slack"));
    assert!(d
        .sensitive_fields_added
        .iter()
        .any(|f| f.name == "customer_email"));

    let summary = d.summary.join("\n");
    assert!(
        summary.contains("This version adds a public way in: 'New order' in 'Order alert' can now be started by anyone on the internet."),
        "{summary}"
    );
    assert!(
        summary.contains("It adds 1 hard-coded secret or password"),
        "{summary}"
    );
    assert!(summary.contains("New data leaving: The node 'Tell the sales channel' sends sensitive data (e-mail address (customer_email)) to"), "{summary}");
    assert!(summary.contains("It starts using Slack."), "{summary}");
    assert!(
        summary.contains("Findings: 4 new, 1 fixed, 1 unchanged. Risk score 28 (C) → 100 (F)."),
        "{summary}"
    );

    let text = render_text(&d);
    assert!(text.contains("New findings"));
    assert!(text.contains("Fixed findings"));
    let md = render_markdown(&d);
    assert!(
        md.starts_with("# What changed: tests/fixtures/diff/order-alert-v1.json → "),
        "{md}"
    );
    assert!(md.contains("| critical | LC001 "), "{md}");
}

#[test]
fn the_same_version_twice_changes_nothing() {
    let r = report("order-alert-v2.json");
    let d = diff(&r, &r);
    assert!(d.is_empty());
    assert_eq!(d.unchanged_findings.len(), r.findings.len());
    assert_eq!(
        d.summary,
        ["Nothing lcscan checks changed between these two versions."]
    );
}

#[test]
fn going_back_reports_the_fixes() {
    let d = diff(
        &report("order-alert-v2.json"),
        &report("order-alert-v1.json"),
    );
    assert_eq!(d.fixed_findings.len(), 4);
    assert_eq!(d.new_findings.len(), 1);
    assert!(d.triggers_widened.is_empty());
    assert!(
        d.summary.iter().any(|s| s == "It no longer uses Slack."),
        "{:?}",
        d.summary
    );
}
