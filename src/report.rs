//! The report: findings, inventory, summary and risk score.
//!
//! A finding is data (serialisable), never an error. Renderers in `render/`
//! turn a report into text, JSON, SARIF, Markdown or HTML.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{Audience, Location, Model, Platform};

/// How urgent a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
    }

    /// Points this severity adds to the risk score (see [`risk_score`]).
    pub fn weight(self) -> u32 {
        match self {
            Severity::Critical => 40,
            Severity::High => 20,
            Severity::Medium => 8,
            Severity::Low => 2,
            Severity::Info => 0,
        }
    }
}

/// One problem found, written for the person who built the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `LC001`.
    pub rule_id: String,
    /// Kebab-case rule name, e.g. `public-trigger-without-auth`.
    pub rule_name: String,
    pub severity: Severity,
    /// The rule's plain title ("Anyone on the internet can start this flow").
    pub title: String,
    /// What is wrong here, naming the step as the user sees it.
    pub message: String,
    /// Why it matters for this app.
    pub why: String,
    /// How to fix it, in the platform's own words.
    pub fix: String,
    pub location: Location,
    /// The app / flow / component it is in.
    pub component: String,
    pub platform: Platform,
    /// Masked evidence (never a whole secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// OWASP Citizen Development Top 10 id (`CD-SEC-04`).
    pub owasp: String,
    /// The same risk's id in the older OWASP Low-Code/No-Code Top 10 (`LCNC-SEC-04`).
    pub owasp_lcnc: String,
    pub cwe: u32,
    /// Stable across runs and file renames: rule, component, path inside the export, detail.
    pub fingerprint: String,
}

/// A stable fingerprint: the same problem in the same place gives the same value.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let hex = |n: u8| char::from_digit(u32::from(n), 16).unwrap_or('0');
    let mut out = String::with_capacity(16);
    for b in digest.iter().take(8) {
        out.push(hex(b >> 4));
        out.push(hex(b & 0x0f));
    }
    out
}

/// Show at most the first 4 and last 2 characters of a secret.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        0..=7 => (0, 0),
        8..=15 => (2, 0),
        _ => (4, 2),
    };
    let first: String = chars.iter().take(head).collect();
    let last: String = chars.iter().skip(n - tail).collect();
    format!("{first}••••••{last} ({n} characters)")
}

/// Counts and score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Summary {
    /// 0 (no risk found) to 100 (severe). See [`risk_score`].
    pub risk_score: u32,
    /// A (0) · B (1–19) · C (20–39) · D (40–69) · F (70–100).
    pub grade: char,
    /// Severity → number of findings (all five keys always present).
    pub counts: BTreeMap<Severity, usize>,
    pub total: usize,
    pub components: usize,
    pub steps: usize,
}

/// The risk score, 0–100.
///
/// Each rule counts once at the weight of its most severe finding (critical 40,
/// high 20, medium 8, low 2, info 0), plus a quarter of that weight for each
/// further finding of the same rule, up to twice the weight per rule, so one
/// noisy rule cannot outweigh several different problems. The sum is capped at 100.
pub fn risk_score(findings: &[Finding]) -> u32 {
    let mut per_rule: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for f in findings {
        let e = per_rule.entry(&f.rule_id).or_insert((f.severity, 0));
        e.0 = e.0.max(f.severity);
        e.1 += 1;
    }
    let total: u32 = per_rule
        .values()
        .map(|&(sev, n)| {
            let w = sev.weight();
            let extra = (w / 4).saturating_mul(n.saturating_sub(1) as u32);
            (w + extra).min(w * 2)
        })
        .sum();
    total.min(100)
}

pub fn grade(score: u32) -> char {
    match score {
        0 => 'A',
        1..=19 => 'B',
        20..=39 => 'C',
        40..=69 => 'D',
        _ => 'F',
    }
}

/// What the export contains, whatever the findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Inventory {
    pub connectors: Vec<ConnectorItem>,
    pub connections: Vec<ConnectionItem>,
    pub triggers: Vec<TriggerItem>,
    pub credentials: Vec<CredentialItem>,
    pub sensitive_fields: Vec<FieldItem>,
    pub endpoints: Vec<EndpointItem>,
    /// Who has been given access to the app or its data (roles, sharing settings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sharing: Vec<SharingItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharingItem {
    pub audience: Audience,
    /// Plain words: "anyone on the internet", "everyone in your organisation".
    pub who: String,
    /// What is granted ("may open the app", "Read on Contact").
    pub what: String,
    /// The setting as the platform writes it.
    pub raw: String,
    pub component: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectorItem {
    pub id: String,
    pub name: String,
    pub category: String,
    /// Can move data outside the organisation.
    pub external: bool,
    /// `approved`, `blocked`, `review`, or `unknown` (not in the catalog).
    pub status: String,
    /// Steps that use it.
    pub uses: usize,
    pub components: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionItem {
    pub name: String,
    pub connector: String,
    pub identity: String,
    pub component: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerItem {
    pub name: String,
    pub kind: String,
    pub audience: Audience,
    /// Plain words: "anyone on the internet", "signed-in users of your organisation".
    pub who_can_call: String,
    pub auth: String,
    pub component: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialItem {
    pub name: String,
    pub credential_type: String,
    pub storage: String,
    pub component: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldItem {
    pub name: String,
    pub category: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub uses: usize,
    pub components: Vec<String>,
    /// How sure lcscan is that the field holds sensitive data (the surest
    /// judgement across components); absent when it was not judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<crate::model::SensitivityLevel>,
    /// Regulations that usually apply (`GDPR`, `HIPAA`, `PCI DSS`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regulations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointItem {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub component: String,
    pub location: Location,
}

/// One app / flow / component in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentSummary {
    pub name: String,
    pub platform: Platform,
    pub kind: String,
    pub steps: usize,
    pub file: String,
}

/// A file inside the export that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub file: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    pub policy: String,
    pub policy_version: String,
}

/// The result of one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Report format version; bump when fields change meaning.
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub file: String,
    pub platforms: Vec<Platform>,
    pub components: Vec<ComponentSummary>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub inventory: Inventory,
    pub notes: Vec<Note>,
    /// Findings a reviewer accepted (still valid) or whose acceptance expired,
    /// from an exceptions file (see [`crate::baseline`]). Accepted findings are
    /// not in `findings` and not counted; expired ones are in both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<crate::baseline::ExceptionOutcome>,
}

impl Report {
    /// The highest severity among findings, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Human name of the platform(s) detected.
    pub fn platform_names(&self) -> String {
        self.platforms
            .iter()
            .map(|p| p.display_name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Sort findings: most severe first, then by component, file and path, so the
/// same input always gives the same report.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.component.cmp(&b.component))
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}

impl Summary {
    /// Recount severities, total and score after findings were removed or added.
    pub fn recount(&mut self, findings: &[Finding]) {
        let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|&s| (s, 0)).collect();
        for f in findings {
            *counts.entry(f.severity).or_default() += 1;
        }
        self.counts = counts;
        self.total = findings.len();
        self.risk_score = risk_score(findings);
        self.grade = grade(self.risk_score);
    }
}

pub fn summarize(model: &Model, findings: &[Finding]) -> Summary {
    let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|&s| (s, 0)).collect();
    for f in findings {
        *counts.entry(f.severity).or_default() += 1;
    }
    let risk_score = risk_score(findings);
    Summary {
        risk_score,
        grade: grade(risk_score),
        counts,
        total: findings.len(),
        components: model.apps.len(),
        steps: model.apps.iter().map(|a| a.steps.len()).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_never_shows_more_than_four_and_two() {
        assert_eq!(
            mask("sk_live_abcdefghijklmnop"),
            "sk_l••••••op (24 characters)"
        );
        assert_eq!(mask("hunter2"), "•••••• (7 characters)");
        assert_eq!(mask("abcdefghij"), "ab•••••• (10 characters)");
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        assert_eq!(fingerprint(&["a", "bc"]), fingerprint(&["a", "bc"]));
        assert_ne!(fingerprint(&["a", "bc"]), fingerprint(&["ab", "c"]));
        assert_eq!(fingerprint(&["x"]).len(), 16);
    }

    fn finding(rule: &str, sev: Severity) -> Finding {
        Finding {
            rule_id: rule.into(),
            rule_name: String::new(),
            severity: sev,
            title: String::new(),
            message: String::new(),
            why: String::new(),
            fix: String::new(),
            location: Location::default(),
            component: String::new(),
            platform: Platform::N8n,
            evidence: None,
            owasp: String::new(),
            owasp_lcnc: String::new(),
            cwe: 0,
            fingerprint: String::new(),
        }
    }

    #[test]
    fn score_counts_each_rule_once_with_diminishing_repeats() {
        assert_eq!(risk_score(&[]), 0);
        assert_eq!(risk_score(&[finding("A", Severity::High)]), 20);
        let many: Vec<_> = (0..10).map(|_| finding("A", Severity::High)).collect();
        assert_eq!(risk_score(&many), 40);
        let mixed = [
            finding("A", Severity::Critical),
            finding("B", Severity::Critical),
            finding("C", Severity::High),
        ];
        assert_eq!(risk_score(&mixed), 100);
        assert_eq!(grade(0), 'A');
        assert_eq!(grade(100), 'F');
    }
}
