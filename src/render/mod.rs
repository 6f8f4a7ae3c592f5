//! Renderers: a report as text, JSON, SARIF 2.1.0, Markdown, HTML or CSV.
//!
//! Pure functions from [`Report`] to `String`, shared by the CLI and the
//! browser page (which offers the same files as downloads). Every renderer
//! treats the export's own text (step names, messages quoting it) as hostile:
//! escaped for the target format, never interpreted.

mod csv;
mod html;
mod json;
pub(crate) mod markdown;
mod sarif;
mod text;

use std::fmt;
use std::str::FromStr;

use crate::report::{Finding, Report, Severity};

pub use text::{render_many as render_text_many, render_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
    Html,
    Csv,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
        Format::Csv,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Csv => "csv",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "txt" => Some(Format::Text),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "markdown" | "md" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// File name extension for downloads.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
        }
    }

    /// Media type for downloads.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Text => "text/plain;charset=utf-8",
            Format::Json => "application/json",
            Format::Sarif => "application/sarif+json",
            Format::Markdown => "text/markdown;charset=utf-8",
            Format::Html => "text/html;charset=utf-8",
            Format::Csv => "text/csv;charset=utf-8",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::parse(s).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            format!("unknown format '{s}': use one of {}", names.join(", "))
        })
    }
}

/// Render one report.
pub fn render(report: &Report, format: Format) -> String {
    render_many(std::slice::from_ref(report), format)
}

/// Render the reports of several scanned files as one document.
///
/// JSON: one report is the report object itself; several are an array.
/// SARIF: one run holding every file's results. Text, Markdown, HTML: one
/// section per file and a total. CSV: one table.
pub fn render_many(reports: &[Report], format: Format) -> String {
    match format {
        Format::Text => text::render_many(reports, false),
        Format::Json => json::render_many(reports),
        Format::Sarif => sarif::render(reports),
        Format::Markdown => markdown::render(reports),
        Format::Html => html::render(reports),
        Format::Csv => csv::render(reports),
    }
}

/// Deterministic pretty JSON of one report.
pub fn json(report: &Report) -> String {
    json::render(report)
}

/// "Send to Slack" › "the node 'x'" style "where" for one finding: component,
/// step, then file and path.
pub(crate) fn place(f: &Finding) -> String {
    let mut out = f.component.clone();
    if let Some(step) = &f.location.step {
        if !out.is_empty() {
            out.push_str(" › ");
        }
        out.push_str(step);
    }
    out
}

/// Counts in "1 critical, 2 high, …" form (all five severities).
pub(crate) fn counts_line(report: &Report) -> String {
    Severity::ALL
        .iter()
        .map(|s| {
            let n = report.summary.counts.get(s).copied().unwrap_or(0);
            format!("{n} {}", s.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Severities with their findings, most severe first, skipping empty groups.
pub(crate) fn by_severity(report: &Report) -> Vec<(Severity, Vec<&Finding>)> {
    Severity::ALL
        .iter()
        .filter_map(|&s| {
            let group: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == s).collect();
            (!group.is_empty()).then_some((s, group))
        })
        .collect()
}

/// One inventory table: title, column heads and rows of export text (not
/// yet escaped: each renderer escapes for its own format).
pub(crate) struct InventoryTable {
    pub title: &'static str,
    pub head: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

/// The inventory as tables, in the order Markdown and HTML show them; empty
/// tables are left out.
pub(crate) fn inventory_tables(report: &Report) -> Vec<InventoryTable> {
    let inv = &report.inventory;
    let tables = [
        InventoryTable {
            title: "Connectors",
            head: &[
                "Connector",
                "Category",
                "Leaves the organisation",
                "Status",
                "Steps",
            ],
            rows: inv
                .connectors
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.category.clone(),
                        if c.external { "yes" } else { "no" }.into(),
                        c.status.clone(),
                        c.uses.to_string(),
                    ]
                })
                .collect(),
        },
        InventoryTable {
            title: "Triggers",
            head: &["Trigger", "Kind", "Who can start it", "Sign-in", "App"],
            rows: inv
                .triggers
                .iter()
                .map(|t| {
                    vec![
                        t.name.clone(),
                        t.kind.clone(),
                        t.who_can_call.clone(),
                        t.auth.clone(),
                        t.component.clone(),
                    ]
                })
                .collect(),
        },
        InventoryTable {
            title: "Connections",
            head: &["Connection", "Connector", "Runs as", "App"],
            rows: inv
                .connections
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.connector.clone(),
                        c.identity.clone(),
                        c.component.clone(),
                    ]
                })
                .collect(),
        },
        InventoryTable {
            title: "Credentials",
            head: &["Credential", "Type", "Stored", "App"],
            rows: inv
                .credentials
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.credential_type.clone(),
                        c.storage.clone(),
                        c.component.clone(),
                    ]
                })
                .collect(),
        },
        InventoryTable {
            title: "Sensitive data fields",
            head: &[
                "Field",
                "Kind of data",
                "Category",
                "How sure",
                "Regulations",
                "Uses",
            ],
            rows: inv
                .sensitive_fields
                .iter()
                .map(|f| {
                    vec![
                        f.name.clone(),
                        f.label.clone(),
                        f.category.clone(),
                        f.level.map_or("", |l| l.as_str()).to_string(),
                        f.regulations.join(", "),
                        f.uses.to_string(),
                    ]
                })
                .collect(),
        },
        InventoryTable {
            title: "Addresses it calls",
            head: &["Address", "Host", "App"],
            rows: inv
                .endpoints
                .iter()
                .map(|e| {
                    vec![
                        e.url.clone(),
                        e.host.clone().unwrap_or_default(),
                        e.component.clone(),
                    ]
                })
                .collect(),
        },
        InventoryTable {
            title: "Who has access",
            head: &["Access", "Who", "Setting", "App"],
            rows: inv
                .sharing
                .iter()
                .map(|s| {
                    vec![
                        s.what.clone(),
                        s.who.clone(),
                        s.raw.clone(),
                        s.component.clone(),
                    ]
                })
                .collect(),
        },
    ];
    tables.into_iter().filter(|t| !t.rows.is_empty()).collect()
}

/// Component names of a report, for headers.
pub(crate) fn component_names(report: &Report) -> String {
    let names: Vec<&str> = report.components.iter().map(|c| c.name.as_str()).collect();
    names.join(", ")
}

/// The note for a finding whose exception expired ("The exception … expired on …").
pub(crate) fn expired_note(report: &Report, f: &crate::report::Finding) -> Option<String> {
    report
        .exceptions
        .iter()
        .find(|o| {
            o.status == crate::baseline::ExceptionStatus::Expired
                && o.finding.fingerprint == f.fingerprint
        })
        .map(crate::baseline::ExceptionOutcome::describe)
}

/// Findings a reviewer accepted and whose acceptance still holds.
pub(crate) fn accepted(report: &Report) -> Vec<&crate::baseline::ExceptionOutcome> {
    report
        .exceptions
        .iter()
        .filter(|o| o.status == crate::baseline::ExceptionStatus::Accepted)
        .collect()
}

#[cfg(test)]
pub(crate) mod sample {
    //! A fixed report for renderer tests, independent of the rules.
    use crate::model::{Audience, Location, Platform};
    use crate::report::*;

    pub fn report() -> Report {
        let finding = |sev: Severity, id: &str, step: &str, msg: &str, ev: Option<&str>| Finding {
            rule_id: id.into(),
            rule_name: "public-trigger-without-auth".into(),
            severity: sev,
            title: "Anyone on the internet can start this workflow".into(),
            message: msg.into(),
            why: "Strangers can send data in | run it as often as they like.".into(),
            fix: "Open the Webhook node and set Authentication to Header Auth.".into(),
            location: Location {
                file: "flows.zip!/wf/main.json".into(),
                path: "/nodes/0/parameters".into(),
                step: Some(step.into()),
            },
            component: "Lead intake".into(),
            platform: Platform::N8n,
            evidence: ev.map(str::to_string),
            owasp: "CD-SEC-04".into(),
            owasp_lcnc: "LCNC-SEC-04".into(),
            cwe: 306,
            fingerprint: "0123456789abcdef".into(),
        };
        let findings = vec![
            finding(
                Severity::Critical,
                "LC001",
                "<img src=x onerror=alert(1)>",
                "The node '<img src=x onerror=alert(1)>' starts the workflow for anyone.",
                None,
            ),
            finding(
                Severity::Low,
                "LC002",
                "=HYPERLINK(\"http://evil\")",
                "The node '=cmd' has a key, \"quoted\", with a comma.",
                Some("sk_l••••••4x (32 characters)"),
            ),
        ];
        let mut counts = std::collections::BTreeMap::new();
        for s in Severity::ALL {
            counts.insert(s, findings.iter().filter(|f| f.severity == s).count());
        }
        Report {
            schema_version: 1,
            tool: ToolInfo {
                name: "lcscan".into(),
                version: "0.1.0".into(),
                policy: "lcscan default".into(),
                policy_version: "1".into(),
            },
            file: "flows.zip".into(),
            platforms: vec![Platform::N8n],
            components: vec![ComponentSummary {
                name: "Lead intake".into(),
                platform: Platform::N8n,
                kind: "workflow".into(),
                steps: 3,
                file: "flows.zip!/wf/main.json".into(),
            }],
            summary: Summary {
                risk_score: 42,
                grade: 'D',
                counts,
                total: findings.len(),
                components: 1,
                steps: 3,
            },
            inventory: Inventory {
                connectors: vec![ConnectorItem {
                    id: "n8n-nodes-base.slack".into(),
                    name: "Slack".into(),
                    category: "communication".into(),
                    external: true,
                    status: "unknown".into(),
                    uses: 2,
                    components: vec!["Lead intake".into()],
                }],
                triggers: vec![TriggerItem {
                    name: "Webhook".into(),
                    kind: "webhook".into(),
                    audience: Audience::default(),
                    who_can_call: "anyone on the internet".into(),
                    auth: "none".into(),
                    component: "Lead intake".into(),
                    location: Location::new("flows.zip!/wf/main.json", "/nodes/0"),
                }],
                ..Default::default()
            },
            findings,
            notes: vec![Note {
                file: "flows.zip!/readme.txt".into(),
                message: "not read: lcscan does not know this file's format yet".into(),
            }],
            exceptions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_by_name() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
        }
        assert!("pdf".parse::<Format>().unwrap_err().contains("sarif"));
    }

    /// The sensitive-fields table says how sure lcscan is and which
    /// regulations apply, from a real scan (name + values, value only).
    #[test]
    fn sensitive_fields_table_shows_level_and_regulations() {
        let bytes = include_bytes!(
            "../../tests/fixtures/rules/LC010-sensitive-data-field/bad-n8n-levels-from-sample-values.json"
        );
        let policy = crate::Policy::empty();
        let r = crate::scan(bytes, "levels.json", &policy).unwrap();
        let level = |name: &str| {
            r.inventory
                .sensitive_fields
                .iter()
                .find(|f| f.name == name)
                .and_then(|f| f.level)
        };
        use crate::model::SensitivityLevel;
        assert_eq!(level("customerEmail"), Some(SensitivityLevel::Sensitive));
        assert_eq!(level("col3"), Some(SensitivityLevel::Check));
        let tables = inventory_tables(&r);
        let t = tables
            .iter()
            .find(|t| t.title == "Sensitive data fields")
            .unwrap();
        assert!(t.head.contains(&"How sure") && t.head.contains(&"Regulations"));
        assert!(
            t.rows.contains(&vec![
                "customerEmail".to_string(),
                "e-mail address".into(),
                "pii".into(),
                "Sensitive".into(),
                "GDPR".into(),
                "1".into(),
            ]),
            "{:?}",
            t.rows
        );
        let json = render(&r, Format::Json);
        assert!(json.contains("\"level\": \"check\""), "{json}");
        assert_eq!(
            json,
            render(
                &crate::scan(bytes, "levels.json", &policy).unwrap(),
                Format::Json
            )
        );
        for f in [Format::Text, Format::Markdown, Format::Html] {
            assert!(
                render(&r, f).contains("Likely sensitive") || render(&r, f).contains("Sensitive"),
                "{f:?}"
            );
        }
    }

    #[test]
    fn json_is_deterministic_and_parses() {
        let r = sample::report();
        let a = render(&r, Format::Json);
        assert_eq!(a, render(&r, Format::Json));
        let v: serde_json::Value = serde_json::from_str(&a).unwrap();
        assert_eq!(v["findings"][0]["rule_id"], "LC001");
        let many: serde_json::Value =
            serde_json::from_str(&render_many(&[r.clone(), r], Format::Json)).unwrap();
        assert_eq!(many.as_array().map(Vec::len), Some(2));
    }
}
