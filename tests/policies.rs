//! Every shipped policy in rules/policies/ loads (TOML and its JSON form)
//! and has the effects it promises on small fixtures.

use std::path::Path;

use lcscan::{scan, Finding, Policy, Report, Severity};

const CLINIC: &str = "tests/fixtures/policies/clinic-intake.json";
const SYNC: &str = "tests/fixtures/policies/internal-sync.json";

fn policy(name: &str) -> Policy {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules/policies")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    Policy::from_toml(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn run(file: &str, policy: &Policy) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let bytes = std::fs::read(&path).unwrap();
    scan(&bytes, file, policy).unwrap()
}

fn found<'a>(r: &'a Report, rule: &str, step: Option<&str>) -> Vec<&'a Finding> {
    r.findings
        .iter()
        .filter(|f| f.rule_id == rule && (step.is_none() || f.location.step.as_deref() == step))
        .collect()
}

fn one<'a>(r: &'a Report, rule: &str, step: Option<&str>) -> &'a Finding {
    let hits = found(r, rule, step);
    assert_eq!(
        hits.len(),
        1,
        "{rule} at {step:?}: {:#?}",
        r.findings
            .iter()
            .map(|f| (&f.rule_id, &f.location.step, f.severity))
            .collect::<Vec<_>>()
    );
    hits[0]
}

#[test]
fn every_shipped_policy_loads_cleanly_in_toml_and_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/policies");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "default.toml",
            "permissive-lab.toml",
            "strict-regulated.toml"
        ]
    );
    for name in &names {
        let p = policy(name);
        assert_eq!(p.format_version, lcscan::policy::FORMAT_VERSION, "{name}");
        assert!(p.warnings.is_empty(), "{name}: {:?}", p.warnings);
        assert!(!p.name().is_empty() && !p.version().is_empty(), "{name}");
        let back = Policy::from_json(&p.to_json()).unwrap();
        assert_eq!(back, p, "{name}: JSON form differs");
        // Every policy scans the fixtures.
        for file in [CLINIC, SYNC] {
            let r = run(file, &p);
            assert_eq!(r.tool.policy, p.name);
            assert_eq!(r.tool.policy_version, p.version);
        }
    }
    assert_eq!(policy("default.toml"), Policy::default());
}

#[test]
fn default_policy_has_no_policy_findings() {
    let r = run(CLINIC, &Policy::default());
    assert!(
        r.findings.iter().all(|f| f.rule_id.starts_with("LC")),
        "{:?}",
        r.findings
    );
    assert_eq!(
        one(&r, "LC001", Some("Intake form")).severity,
        Severity::Critical
    );
    assert_eq!(
        one(&r, "LC010", Some("Tell the ward")).severity,
        Severity::Medium
    );
    // Gmail and Telegram are known catalog connectors: not reported without a policy.
    assert!(found(&r, "LC019", None).is_empty());
}

#[test]
fn strict_regulated_policy() {
    let p = policy("strict-regulated.toml");
    let r = run(CLINIC, &p);

    // Custom rules: public flow with a consumer service (app), health data
    // outside the business group (step), public web trigger (trigger).
    let org1 = one(&r, "ORG-REG-001", None);
    assert_eq!(org1.severity, Severity::Critical);
    assert_eq!(
        org1.message,
        "'Clinic intake' can be started by anyone on the internet and sends data to a consumer service."
    );
    assert_eq!(org1.title, "Public flow uses a consumer service");
    let org2 = one(&r, "ORG-REG-002", Some("Mail the triage team"));
    assert!(
        org2.message.contains("The step 'Mail the triage team'"),
        "{}",
        org2.message
    );
    assert!(
        found(&r, "ORG-REG-002", Some("Tell the ward")).is_empty(),
        "Slack is in the business group"
    );
    assert_eq!(
        one(&r, "ORG-REG-003", Some("Intake form")).severity,
        Severity::High
    );

    // Blocked group: Gmail and Telegram are in `consumer`.
    assert_eq!(
        one(&r, "LC019", Some("Mail the triage team")).severity,
        Severity::High
    );
    assert_eq!(
        one(&r, "LC019", Some("Ping on Telegram")).severity,
        Severity::High
    );
    // Slack (business) and Gmail (non-business) in one flow.
    let mix = one(&r, "POLICY-NEVER-MIX", None);
    assert!(
        mix.message.contains("Slack") && mix.message.contains("Gmail"),
        "{}",
        mix.message
    );
    assert!(mix.why.starts_with("Our data policy"), "{}", mix.why);
    // Health data is critical here (LC010 is medium by default).
    assert_eq!(
        one(&r, "LC010", Some("Tell the ward")).severity,
        Severity::Critical
    );
    assert!(
        r.summary
            .counts
            .get(&Severity::Critical)
            .copied()
            .unwrap_or(0)
            >= 5
    );
    assert_eq!(r.summary.grade, 'F');

    // A flow that stays inside the business group is clean of policy findings.
    let r = run(SYNC, &p);
    assert!(
        r.findings
            .iter()
            .all(|f| !f.rule_id.starts_with("ORG") && !f.rule_id.starts_with("POLICY")),
        "{:?}",
        r.findings
    );
}

#[test]
fn permissive_lab_policy() {
    let p = policy("permissive-lab.toml");
    let r = run(CLINIC, &p);
    // Severity override.
    assert_eq!(
        one(&r, "LC001", Some("Intake form")).severity,
        Severity::Low
    );
    // Disabled rule (by name) is absent even though the lab policy has no connector lists.
    assert!(found(&r, "LC019", None).is_empty());
    // Only credentials matter: health findings are lowered (LC012 is high by default).
    assert_eq!(
        one(&r, "LC012", Some("Tell the ward")).severity,
        Severity::Low
    );
    assert_eq!(
        one(&r, "LC010", Some("Tell the ward")).severity,
        Severity::Low
    );
    // The lab's own rule: an active public flow.
    let lab = one(&r, "LAB-001", None);
    assert_eq!(lab.severity, Severity::Low);
    assert_eq!(lab.component, "Clinic intake");
    assert!(
        r.findings.iter().all(|f| f.severity <= Severity::Low),
        "{:?}",
        r.findings
    );
    // The scheduled sync is not public: no lab finding.
    assert!(found(&run(SYNC, &p), "LAB-001", None).is_empty());
}

#[test]
fn custom_rule_findings_have_stable_fingerprints_and_honour_overrides() {
    let mut p = policy("strict-regulated.toml");
    let a = run(CLINIC, &p);
    let b = run(CLINIC, &p);
    let fp = |r: &Report| one(r, "ORG-REG-002", None).fingerprint.clone();
    assert_eq!(fp(&a), fp(&b));
    assert_eq!(fp(&a).len(), 16);

    p.severity.insert("ORG-REG-002".into(), Severity::Low);
    p.disabled_rules.push("ORG-REG-001".into());
    p.disabled_rules.push("never-mix-connector-groups".into());
    let r = run(CLINIC, &p);
    assert_eq!(one(&r, "ORG-REG-002", None).severity, Severity::Low);
    assert!(found(&r, "ORG-REG-001", None).is_empty());
    assert!(found(&r, "POLICY-NEVER-MIX", None).is_empty());
}

#[test]
fn review_required_and_runtime_errors_become_findings_and_notes() {
    let p = Policy::from_toml(
        r#"
review_required_connectors = ["category:chat"]

[[custom_rules]]
id = "ORG-9"
title = "HTTP steps"
severity = "medium"
for_each = "step"
when = 'step.http.url.startsWith("http://")'
message = "{step} calls plain HTTP"
"#,
    )
    .unwrap();
    let r = run(CLINIC, &p);
    let review = found(&r, "POLICY-REVIEW-REQUIRED", None);
    let steps: Vec<_> = review
        .iter()
        .map(|f| f.location.step.as_deref().unwrap())
        .collect();
    assert_eq!(steps, ["Tell the ward", "Ping on Telegram"]);
    assert_eq!(review[0].severity, Severity::Medium);
    // `step.http` is null on these steps: the rule cannot be checked, and says so once.
    assert!(found(&r, "ORG-9", None).is_empty());
    let notes: Vec<_> = r
        .notes
        .iter()
        .filter(|n| n.message.contains("ORG-9"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", r.notes);
    assert!(
        notes[0].message.contains("guard optional values"),
        "{:?}",
        notes
    );
}

#[test]
fn unknown_connectors_in_a_policy_are_report_notes() {
    let p = Policy::from_toml("blocked_connectors = [\"n8n-nodes-base.telegramm\"]").unwrap();
    let r = run(SYNC, &p);
    assert!(
        r.notes
            .iter()
            .any(|n| n.message.contains("'n8n-nodes-base.telegramm'")
                && n.message.contains("did you mean 'n8n-nodes-base.telegram'")),
        "{:?}",
        r.notes
    );
}

#[test]
fn readme_custom_rule_examples_load_and_fire() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("### Custom rules")
        .nth(1)
        .expect("README has the section");
    let block = section
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a toml example");
    let p = Policy::from_toml(block).unwrap_or_else(|e| panic!("README example: {e}"));
    let r = run(CLINIC, &p);
    assert_eq!(one(&r, "ORG-001", None).severity, Severity::High);
    assert_eq!(
        one(&r, "ORG-002", Some("Mail the triage team")).message,
        "The step 'Mail the triage team' handles health data and uses a service outside the approved business group."
    );
}
