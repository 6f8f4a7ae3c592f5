//! What the page shows, read back from the engine's JSON report.
//!
//! The scan runs in a Web Worker, which sends the report as JSON (the
//! documented report format) together with the downloads rendered there.
//! These types read only what the page displays; unknown fields are ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use lcscan::render::{self, Format};
use lcscan::Policy;

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
    Failed {
        code: String,
        message: String,
    },
}

/// The worker's job: scan, render the downloads, answer in JSON. Pure, so
/// it is tested natively.
pub fn scan_to_reply(
    bytes: &[u8],
    file_name: &str,
    policy_json: &str,
    progress: &mut dyn FnMut(u8, &str),
) -> String {
    let policy = if policy_json.trim().is_empty() {
        Ok(Policy::default())
    } else {
        Policy::from_json(policy_json)
    };
    let reply = match policy.and_then(|policy| {
        lcscan::scan_with_progress(bytes, file_name, &policy, &mut |stage| {
            progress(stage.percent(), stage.label())
        })
    }) {
        Ok(report) => WorkerReply::Done {
            report: serde_json::to_value(&report).unwrap_or_default(),
            downloads: DOWNLOADS
                .iter()
                .map(|f| (f.name().to_string(), render::render(&report, *f)))
                .collect(),
        },
        Err(e) => WorkerReply::Failed {
            code: e.code().to_string(),
            message: e.to_string(),
        },
    };
    serde_json::to_string(&reply).unwrap_or_else(|_| {
        r#"{"status":"failed","code":"internal","message":"lcscan could not write its answer."}"#
            .into()
    })
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
        let json = scan_to_reply(RISKY, "n8n-lead-intake.json", "", &mut |p, l| {
            stages.push((p, l.to_string()))
        });
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
        let json = scan_to_reply(b"PK\x03\x04\x14\x00", "x.zip", "", &mut |_, _| {});
        let (code, message) = parse_reply(&json).unwrap_err();
        assert_eq!(code, "broken-zip");
        assert!(message.contains("damaged or incomplete"), "{message}");
    }

    #[test]
    fn a_bad_policy_is_reported_not_ignored() {
        let json = scan_to_reply(RISKY, "a.json", "{\"nope\": 1}", &mut |_, _| {});
        let (code, _) = parse_reply(&json).unwrap_err();
        assert_eq!(code, "invalid-policy");
    }

    #[test]
    fn every_sample_scans_with_findings() {
        for (name, bytes, _) in crate::SAMPLES {
            let (report, _) = parse_reply(&scan_to_reply(bytes, name, "", &mut |_, _| {}))
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(!report.findings.is_empty(), "{name}");
        }
    }
}
