//! What the page shows, read back from the engine's JSON report.
//!
//! The scan runs in a Web Worker, which sends the report as JSON (the
//! documented report format) together with the downloads rendered there.
//! These types read only what the page displays; unknown fields are ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use lcscan::baseline::{self, Date, Exceptions};
use lcscan::render::{self, Format};
use lcscan::{Report, ScanError};

/// The formats offered as downloads, in button order.
pub const DOWNLOADS: [Format; 4] = [Format::Json, Format::Sarif, Format::Markdown, Format::Csv];

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewReport {
    pub file: String,
    pub platforms: Vec<String>,
    pub components: Vec<ViewComponent>,
    pub summary: ViewSummary,
    pub findings: Vec<ViewFinding>,
    pub inventory: ViewInventory,
    pub notes: Vec<ViewNote>,
    pub tool: ViewTool,
    /// Findings a reviewer accepted (or whose acceptance expired).
    pub exceptions: Vec<ViewExceptionOutcome>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewExceptionOutcome {
    /// "accepted" or "expired".
    pub status: String,
    pub exception: ViewException,
    pub finding: ViewFinding,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewException {
    pub fingerprint: String,
    pub accepted_by: String,
    pub reason: String,
    pub accepted_on: String,
    pub expires: String,
    pub ticket: Option<String>,
}

/// What changed between two versions of an app, as the page shows it.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewDiff {
    pub old_file: String,
    pub new_file: String,
    pub summary: Vec<String>,
    pub score: ViewScoreChange,
    pub new_findings: Vec<ViewFinding>,
    pub fixed_findings: Vec<ViewFinding>,
    pub unchanged_findings: Vec<ViewFinding>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewScoreChange {
    pub old: u32,
    pub new: u32,
    pub old_grade: String,
    pub new_grade: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewTool {
    pub policy: String,
    pub policy_version: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewComponent {
    pub name: String,
    pub platform: String,
    pub kind: String,
    pub steps: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewSummary {
    pub risk_score: u32,
    pub grade: String,
    pub counts: BTreeMap<String, usize>,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewLocation {
    pub file: String,
    pub path: String,
    pub step: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewFinding {
    pub rule_id: String,
    pub rule_name: String,
    pub severity: String,
    pub title: String,
    pub message: String,
    pub why: String,
    pub fix: String,
    pub location: ViewLocation,
    pub component: String,
    pub platform: String,
    pub evidence: Option<String>,
    pub owasp: String,
    pub owasp_lcnc: String,
    pub cwe: u32,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewInventory {
    pub connectors: Vec<ViewConnector>,
    pub connections: Vec<ViewConnection>,
    pub triggers: Vec<ViewTrigger>,
    pub credentials: Vec<ViewCredential>,
    pub sensitive_fields: Vec<ViewField>,
    pub endpoints: Vec<ViewEndpoint>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewConnector {
    pub id: String,
    pub name: String,
    pub category: String,
    pub external: bool,
    pub status: String,
    pub uses: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewConnection {
    pub name: String,
    pub connector: String,
    pub identity: String,
    pub component: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewTrigger {
    pub name: String,
    pub kind: String,
    pub who_can_call: String,
    pub auth: String,
    pub component: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewCredential {
    pub name: String,
    pub credential_type: String,
    pub storage: String,
    pub component: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewField {
    pub name: String,
    pub category: String,
    pub label: String,
    pub object: Option<String>,
    pub uses: usize,
    /// `sensitive`, `likely-sensitive` or `check`; absent when not judged.
    pub level: Option<String>,
    pub regulations: Vec<String>,
}

impl ViewField {
    /// "Sensitive", "Likely sensitive", "Check" (as the findings say it).
    pub fn level_words(&self) -> String {
        match self.level.as_deref() {
            Some("sensitive") => "Sensitive".to_string(),
            Some("likely-sensitive") => "Likely sensitive".to_string(),
            Some("check") => "Check".to_string(),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewEndpoint {
    pub url: String,
    pub host: Option<String>,
    pub component: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct ViewNote {
    pub file: String,
    pub message: String,
}

/// What the worker sends back for one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum WorkerReply {
    Done {
        report: serde_json::Value,
        /// Format name → rendered file.
        downloads: BTreeMap<String, String>,
    },
    /// Two versions compared: the diff as JSON.
    Diff {
        diff: serde_json::Value,
    },
    Failed {
        code: String,
        message: String,
    },
}

/// What the page sends with every job besides the file(s).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobSettings {
    /// Policy text, TOML or JSON; empty for the built-in default.
    pub policy: String,
    /// Exceptions file text, TOML or JSON; empty for none.
    pub exceptions: String,
    /// Today's date (`YYYY-MM-DD`), from the browser's clock: exceptions past
    /// their expiry date count again.
    pub today: String,
}

fn failed(e: &ScanError) -> WorkerReply {
    WorkerReply::Failed {
        code: e.code().to_string(),
        message: e.to_string(),
    }
}

/// Scan with the job's policy and exceptions.
fn scan_one(
    bytes: &[u8],
    file_name: &str,
    settings: &JobSettings,
    progress: &mut dyn FnMut(u8, &str),
) -> Result<Report, WorkerReply> {
    let policy = crate::policy::parse(&settings.policy).map_err(|e| failed(&e))?;
    let exceptions = if settings.exceptions.trim().is_empty() {
        None
    } else {
        Some(
            Exceptions::parse(&settings.exceptions).map_err(|e| WorkerReply::Failed {
                code: "invalid-exceptions".into(),
                message: e.to_string(),
            })?,
        )
    };
    let mut report = lcscan::scan_with_progress(bytes, file_name, &policy, &mut |stage| {
        progress(stage.percent(), stage.label())
    })
    .map_err(|e| failed(&e))?;
    if let Some(exceptions) = exceptions {
        let today = Date::parse(&settings.today).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        });
        baseline::apply(&mut report, &exceptions, today);
    }
    Ok(report)
}

fn to_json(reply: &WorkerReply) -> String {
    serde_json::to_string(reply).unwrap_or_else(|_| {
        r#"{"status":"failed","code":"internal","message":"lcscan could not write its answer."}"#
            .into()
    })
}

/// The worker's job: scan, render the downloads, answer in JSON. Pure, so
/// it is tested natively.
pub fn scan_to_reply(
    bytes: &[u8],
    file_name: &str,
    settings: &JobSettings,
    progress: &mut dyn FnMut(u8, &str),
) -> String {
    let reply = match scan_one(bytes, file_name, settings, progress) {
        Ok(report) => WorkerReply::Done {
            report: serde_json::to_value(&report).unwrap_or_default(),
            downloads: DOWNLOADS
                .iter()
                .map(|f| (f.name().to_string(), render::render(&report, *f)))
                .collect(),
        },
        Err(reply) => reply,
    };
    to_json(&reply)
}

/// The worker's other job: scan two versions with the same policy and
/// exceptions and compare them.
pub fn diff_to_reply(
    old: (&[u8], &str),
    new: (&[u8], &str),
    settings: &JobSettings,
    progress: &mut dyn FnMut(u8, &str),
) -> String {
    // A failure names the file and which version it is.
    let named = |name: &str, which: &str| {
        let label = format!("{name} ({which})");
        move |reply: WorkerReply| match reply {
            WorkerReply::Failed { code, message } => WorkerReply::Failed {
                code,
                message: format!("{label} could not be checked: {message}"),
            },
            other => other,
        }
    };
    let both = scan_one(old.0, old.1, settings, &mut |p, l| progress(p / 2, l))
        .map_err(named(old.1, "older version"))
        .and_then(|o| {
            scan_one(new.0, new.1, settings, &mut |p, l| progress(50 + p / 2, l))
                .map_err(named(new.1, "newer version"))
                .map(|n| (o, n))
        });
    let reply = match both {
        Ok((o, n)) => WorkerReply::Diff {
            diff: serde_json::to_value(lcscan::diff::diff(&o, &n)).unwrap_or_default(),
        },
        Err(reply) => reply,
    };
    to_json(&reply)
}

/// Read a diff reply.
pub fn parse_diff_reply(json: &str) -> Result<ViewDiff, (String, String)> {
    match serde_json::from_str::<WorkerReply>(json) {
        Ok(WorkerReply::Diff { diff }) => serde_json::from_value(diff).map_err(|e| {
            (
                "internal".into(),
                format!("lcscan could not read its own comparison ({e})."),
            )
        }),
        Ok(WorkerReply::Failed { code, message }) => Err((code, message)),
        Ok(WorkerReply::Done { .. }) => Err((
            "internal".into(),
            "lcscan answered with a report where a comparison was expected.".into(),
        )),
        Err(e) => Err((
            "internal".into(),
            format!("lcscan could not read its own answer ({e})."),
        )),
    }
}

/// Read a worker reply into what the page shows.
pub fn parse_reply(json: &str) -> Result<(ViewReport, BTreeMap<String, String>), (String, String)> {
    match serde_json::from_str::<WorkerReply>(json) {
        Ok(WorkerReply::Done { report, downloads }) => serde_json::from_value(report)
            .map(|r| (r, downloads))
            .map_err(|e| {
                (
                    "internal".into(),
                    format!("lcscan could not read its own report ({e})."),
                )
            }),
        Ok(WorkerReply::Failed { code, message }) => Err((code, message)),
        Ok(WorkerReply::Diff { .. }) => Err((
            "internal".into(),
            "lcscan answered with a comparison where a report was expected.".into(),
        )),
        Err(e) => Err((
            "internal".into(),
            format!("lcscan could not read its own answer ({e})."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RISKY: &[u8] = include_bytes!("../samples/n8n-lead-intake.json");

    #[test]
    fn a_risky_sample_round_trips_through_the_worker_reply() {
        let mut stages = Vec::new();
        let json = scan_to_reply(
            RISKY,
            "n8n-lead-intake.json",
            &JobSettings::default(),
            &mut |p, l| stages.push((p, l.to_string())),
        );
        assert_eq!(stages.first().map(|s| s.0), Some(5));
        assert_eq!(stages.last().map(|s| s.0), Some(100));
        let (report, downloads) = parse_reply(&json).expect("done");
        assert_eq!(report.platforms, vec!["n8n".to_string()]);
        assert!(report.findings.iter().any(|f| f.rule_id == "LC001"));
        assert!(report.summary.risk_score > 0);
        assert!(!report.summary.grade.is_empty());
        for f in DOWNLOADS {
            assert!(
                downloads.get(f.name()).is_some_and(|d| !d.is_empty()),
                "{f}"
            );
        }
        let sarif: serde_json::Value = serde_json::from_str(&downloads["sarif"]).unwrap();
        assert_eq!(sarif["version"], "2.1.0");
    }

    #[test]
    fn a_broken_file_gives_the_engine_message() {
        let json = scan_to_reply(
            b"PK\x03\x04\x14\x00",
            "x.zip",
            &JobSettings::default(),
            &mut |_, _| {},
        );
        let (code, message) = parse_reply(&json).unwrap_err();
        assert_eq!(code, "broken-zip");
        assert!(message.contains("damaged or incomplete"), "{message}");
    }

    #[test]
    fn a_bad_policy_is_reported_not_ignored() {
        let settings = JobSettings {
            policy: "{\"nope\": 1}".into(),
            ..Default::default()
        };
        let json = scan_to_reply(RISKY, "a.json", &settings, &mut |_, _| {});
        let (code, _) = parse_reply(&json).unwrap_err();
        assert_eq!(code, "invalid-policy");
    }

    #[test]
    fn every_sample_scans_with_findings() {
        for (name, bytes, _) in crate::SAMPLES {
            let (report, _) = parse_reply(&scan_to_reply(
                bytes,
                name,
                &JobSettings::default(),
                &mut |_, _| {},
            ))
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(!report.findings.is_empty(), "{name}");
        }
    }

    fn scan(settings: &JobSettings) -> ViewReport {
        parse_reply(&scan_to_reply(RISKY, "a.json", settings, &mut |_, _| {}))
            .expect("done")
            .0
    }

    #[test]
    fn a_toml_policy_is_applied_and_named_in_the_report() {
        let plain = scan(&JobSettings::default());
        assert!(plain.findings.iter().any(|f| f.rule_id == "LC005"));
        let report = scan(&JobSettings {
            policy: "name = \"Portal lab\"\nversion = \"7\"\ndisabled_rules = [\"LC005\"]\n".into(),
            ..Default::default()
        });
        assert!(!report.findings.iter().any(|f| f.rule_id == "LC005"));
        assert_eq!(report.tool.policy, "Portal lab");
        assert_eq!(report.tool.policy_version, "7");
    }

    fn exceptions_for(fingerprint: &str, expires: &str) -> String {
        format!(
            "format_version = 1\n[[exception]]\nfingerprint = \"{fingerprint}\"\naccepted_by = \"Jane Reviewer\"\nreason = \"Internal test flow\"\naccepted_on = \"2026-01-01\"\nexpires = \"{expires}\"\n"
        )
    }

    #[test]
    fn exceptions_accept_a_finding_until_its_expiry() {
        let plain = scan(&JobSettings::default());
        let target = plain.findings.first().expect("a finding").clone();
        let settings = JobSettings {
            exceptions: exceptions_for(&target.fingerprint, "2027-03-01"),
            today: "2026-11-23".into(),
            ..Default::default()
        };
        let accepted = scan(&settings);
        assert_eq!(accepted.findings.len(), plain.findings.len() - 1);
        assert!(!accepted
            .findings
            .iter()
            .any(|f| f.fingerprint == target.fingerprint));
        assert_eq!(accepted.exceptions.len(), 1);
        let outcome = &accepted.exceptions[0];
        assert_eq!(outcome.status, "accepted");
        assert_eq!(outcome.exception.expires, "2027-03-01");
        assert_eq!(outcome.exception.accepted_by, "Jane Reviewer");
        assert_eq!(outcome.finding.title, target.title);
        // The day after the expiry date the finding counts again.
        let expired = scan(&JobSettings {
            today: "2027-03-02".into(),
            ..settings
        });
        assert_eq!(expired.findings.len(), plain.findings.len());
        assert_eq!(expired.exceptions[0].status, "expired");
    }

    #[test]
    fn a_broken_exceptions_file_is_reported() {
        let json = scan_to_reply(
            RISKY,
            "a.json",
            &JobSettings {
                exceptions: exceptions_for("not-a-fingerprint", "2027-03-01"),
                ..Default::default()
            },
            &mut |_, _| {},
        );
        let (code, message) = parse_reply(&json).unwrap_err();
        assert_eq!(code, "invalid-exceptions");
        assert!(message.contains("fingerprint"), "{message}");
    }

    #[test]
    fn two_versions_are_compared() {
        let old = crate::SAMPLES[0].1;
        let mut stages = Vec::new();
        let json = diff_to_reply(
            (old, "v1.json"),
            (RISKY, "v1-copy.json"),
            &JobSettings::default(),
            &mut |p, _| stages.push(p),
        );
        let same = parse_diff_reply(&json).expect("diff");
        assert_eq!(
            (same.old_file.as_str(), same.new_file.as_str()),
            ("v1.json", "v1-copy.json")
        );
        assert!(same.new_findings.is_empty() && same.fixed_findings.is_empty());
        assert!(!same.unchanged_findings.is_empty());
        assert_eq!(stages.last(), Some(&100));
        // Switching a rule off by policy "fixes" its findings in the newer scan
        // only if both use the same policy: they do, so compare a real change.
        let text = String::from_utf8_lossy(RISKY).replace(
            "\"allowUnauthorizedCerts\": true",
            "\"allowUnauthorizedCerts\": false",
        );
        let json = diff_to_reply(
            (RISKY, "v1.json"),
            (text.as_bytes(), "v2.json"),
            &JobSettings::default(),
            &mut |_, _| {},
        );
        let changed = parse_diff_reply(&json).expect("diff");
        assert!(
            changed.fixed_findings.iter().any(|f| f.rule_id == "LC005"),
            "{changed:?}"
        );
        assert!(!changed.summary.is_empty());
        let broken = diff_to_reply(
            (RISKY, "a.json"),
            (b"", "b.json"),
            &JobSettings::default(),
            &mut |_, _| {},
        );
        let (code, message) = parse_diff_reply(&broken).unwrap_err();
        assert_eq!(code, "empty");
        assert!(
            message.starts_with("b.json (newer version) could not be checked: The file is empty"),
            "{message}"
        );
    }
}
