//! Version diff (drift): what changed between two reports of the same app.
//!
//! Compares two [`Report`]s, not two files, so a diff uses the same policy
//! and exceptions as the scans it compares. Findings are matched by
//! fingerprint first, then — because inserting a step can move every later
//! step's path — by rule, component and message.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::inventory::who_can_call;
use crate::model::Audience;
use crate::report::{
    ConnectorItem, CredentialItem, EndpointItem, FieldItem, Finding, Report, SharingItem,
};

/// How far a trigger or sharing setting reaches; higher is wider.
fn reach(audience: Audience) -> u8 {
    match audience {
        Audience::Anyone => 6,
        Audience::AnyoneWithLink => 5,
        Audience::Organisation => 4,
        Audience::CredentialHolders => 3,
        Audience::SpecificUsers => 2,
        Audience::Internal => 1,
        Audience::Unknown => 0,
    }
}

fn is_public(audience: Audience) -> bool {
    matches!(audience, Audience::Anyone | Audience::AnyoneWithLink)
}

/// A trigger that can now be started by more people than before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerChange {
    pub name: String,
    pub component: String,
    /// `None` when the trigger is new.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Audience>,
    pub after: Audience,
    pub who_can_call: String,
}

/// A sharing setting or role that now reaches more people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharingChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Audience>,
    pub after: SharingItem,
}

/// Risk score before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreChange {
    pub old: u32,
    pub new: u32,
    pub old_grade: char,
    pub new_grade: char,
}

/// Everything that changed between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub old_file: String,
    pub new_file: String,
    /// Plain-language sentences, most important first.
    pub summary: Vec<String>,
    pub score: ScoreChange,
    pub new_findings: Vec<Finding>,
    pub fixed_findings: Vec<Finding>,
    pub unchanged_findings: Vec<Finding>,
    pub connectors_added: Vec<ConnectorItem>,
    pub connectors_removed: Vec<ConnectorItem>,
    pub triggers_widened: Vec<TriggerChange>,
    pub credentials_added: Vec<CredentialItem>,
    pub sharing_widened: Vec<SharingChange>,
    pub sensitive_fields_added: Vec<FieldItem>,
    pub hosts_added: Vec<String>,
    pub hosts_removed: Vec<String>,
}

impl Diff {
    /// Whether anything at all changed in what lcscan looks at.
    pub fn is_empty(&self) -> bool {
        self.new_findings.is_empty()
            && self.fixed_findings.is_empty()
            && self.connectors_added.is_empty()
            && self.connectors_removed.is_empty()
            && self.triggers_widened.is_empty()
            && self.credentials_added.is_empty()
            && self.sharing_widened.is_empty()
            && self.sensitive_fields_added.is_empty()
            && self.hosts_added.is_empty()
            && self.hosts_removed.is_empty()
    }
}

/// Rules whose findings are hard-coded secrets or credentials.
const SECRET_RULES: [&str; 3] = ["LC002", "LC003", "LC018"];
/// The rule for sensitive data sent to an outside service.
const DATA_LEAVES_RULE: &str = "LC012";

/// Compare the report of an older version with the report of a newer one.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let (new_findings, fixed_findings, unchanged_findings) =
        match_findings(&old.findings, &new.findings);

    let old_connectors: BTreeSet<&str> = old
        .inventory
        .connectors
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let new_connectors: BTreeSet<&str> = new
        .inventory
        .connectors
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let connectors_added: Vec<ConnectorItem> = new
        .inventory
        .connectors
        .iter()
        .filter(|c| !old_connectors.contains(c.id.as_str()))
        .cloned()
        .collect();
    let connectors_removed: Vec<ConnectorItem> = old
        .inventory
        .connectors
        .iter()
        .filter(|c| !new_connectors.contains(c.id.as_str()))
        .cloned()
        .collect();

    let old_triggers: BTreeMap<(&str, &str), Audience> = old
        .inventory
        .triggers
        .iter()
        .map(|t| ((t.component.as_str(), t.name.as_str()), t.audience))
        .collect();
    let triggers_widened: Vec<TriggerChange> = new
        .inventory
        .triggers
        .iter()
        .filter_map(|t| {
            let before = old_triggers
                .get(&(t.component.as_str(), t.name.as_str()))
                .copied();
            let widened = match before {
                Some(b) => reach(t.audience) > reach(b),
                None => is_public(t.audience) || t.audience == Audience::Organisation,
            };
            widened.then(|| TriggerChange {
                name: t.name.clone(),
                component: t.component.clone(),
                before,
                after: t.audience,
                who_can_call: who_can_call(t.audience).into(),
            })
        })
        .collect();

    let credential_key = |c: &CredentialItem| {
        (
            c.component.clone(),
            c.name.clone(),
            c.credential_type.clone(),
            c.storage.clone(),
        )
    };
    let old_credentials: BTreeSet<_> = old
        .inventory
        .credentials
        .iter()
        .map(credential_key)
        .collect();
    let credentials_added: Vec<CredentialItem> = new
        .inventory
        .credentials
        .iter()
        .filter(|c| !old_credentials.contains(&credential_key(c)))
        .cloned()
        .collect();

    let mut old_sharing: BTreeMap<(&str, &str), Audience> = BTreeMap::new();
    for s in &old.inventory.sharing {
        let e = old_sharing
            .entry((s.component.as_str(), s.what.as_str()))
            .or_insert(s.audience);
        if reach(s.audience) > reach(*e) {
            *e = s.audience;
        }
    }
    let sharing_widened: Vec<SharingChange> = new
        .inventory
        .sharing
        .iter()
        .filter_map(|s| {
            let before = old_sharing
                .get(&(s.component.as_str(), s.what.as_str()))
                .copied();
            let widened = match before {
                Some(b) => reach(s.audience) > reach(b),
                None => reach(s.audience) >= reach(Audience::Organisation),
            };
            widened.then(|| SharingChange {
                before,
                after: s.clone(),
            })
        })
        .collect();

    let field_key = |f: &FieldItem| (f.name.to_ascii_lowercase(), f.category.clone());
    let old_fields: BTreeSet<_> = old
        .inventory
        .sensitive_fields
        .iter()
        .map(field_key)
        .collect();
    let sensitive_fields_added: Vec<FieldItem> = new
        .inventory
        .sensitive_fields
        .iter()
        .filter(|f| !old_fields.contains(&field_key(f)))
        .cloned()
        .collect();

    let hosts = |endpoints: &[EndpointItem]| -> BTreeSet<String> {
        endpoints.iter().filter_map(|e| e.host.clone()).collect()
    };
    let old_hosts = hosts(&old.inventory.endpoints);
    let new_hosts = hosts(&new.inventory.endpoints);
    let hosts_added: Vec<String> = new_hosts.difference(&old_hosts).cloned().collect();
    let hosts_removed: Vec<String> = old_hosts.difference(&new_hosts).cloned().collect();

    let mut diff = Diff {
        old_file: old.file.clone(),
        new_file: new.file.clone(),
        summary: Vec::new(),
        score: ScoreChange {
            old: old.summary.risk_score,
            new: new.summary.risk_score,
            old_grade: old.summary.grade,
            new_grade: new.summary.grade,
        },
        new_findings,
        fixed_findings,
        unchanged_findings,
        connectors_added,
        connectors_removed,
        triggers_widened,
        credentials_added,
        sharing_widened,
        sensitive_fields_added,
        hosts_added,
        hosts_removed,
    };
    diff.summary = summarise(&diff);
    diff
}

/// Split findings into (new, fixed, unchanged).
fn match_findings(old: &[Finding], new: &[Finding]) -> (Vec<Finding>, Vec<Finding>, Vec<Finding>) {
    let mut old_left: Vec<Option<&Finding>> = old.iter().map(Some).collect();
    let mut unmatched_new = Vec::new();
    let mut unchanged = Vec::new();
    let by_fp: BTreeMap<&str, Vec<usize>> = old.iter().enumerate().fold(
        BTreeMap::new(),
        |mut map: BTreeMap<&str, Vec<usize>>, (i, f)| {
            map.entry(f.fingerprint.as_str()).or_default().push(i);
            map
        },
    );
    let take = |old_left: &mut Vec<Option<&Finding>>, candidates: &[usize]| -> bool {
        for &i in candidates {
            if let Some(slot) = old_left.get_mut(i) {
                if slot.take().is_some() {
                    return true;
                }
            }
        }
        false
    };
    for f in new {
        let candidates = by_fp.get(f.fingerprint.as_str()).map(Vec::as_slice);
        if take(&mut old_left, candidates.unwrap_or_default()) {
            unchanged.push(f.clone());
        } else {
            unmatched_new.push(f);
        }
    }
    // Second pass: the same problem at a moved path.
    let mut new_findings = Vec::new();
    for f in unmatched_new {
        let moved: Vec<usize> = old_left
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                o.filter(|o| {
                    o.rule_id == f.rule_id && o.component == f.component && o.message == f.message
                })
                .map(|_| i)
            })
            .take(1)
            .collect();
        if take(&mut old_left, &moved) {
            unchanged.push(f.clone());
        } else {
            new_findings.push(f.clone());
        }
    }
    let fixed = old_left.into_iter().flatten().cloned().collect();
    (new_findings, fixed, unchanged)
}

/// "Slack, Gmail and 2 more".
fn list(items: &[String], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    let rest = items.len().saturating_sub(max);
    match (shown.as_slice(), rest) {
        ([], _) => String::new(),
        ([one], 0) => (*one).to_string(),
        ([init @ .., last], 0) => format!("{} and {last}", init.join(", ")),
        (all, rest) => format!("{} and {rest} more", all.join(", ")),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn summarise(d: &Diff) -> Vec<String> {
    let mut out = Vec::new();
    if d.is_empty() {
        out.push("Nothing lcscan checks changed between these two versions.".to_string());
        return out;
    }
    let public: Vec<&TriggerChange> = d
        .triggers_widened
        .iter()
        .filter(|t| is_public(t.after))
        .collect();
    if !public.is_empty() {
        let names: Vec<String> = public
            .iter()
            .map(|t| format!("'{}' in '{}'", t.name, t.component))
            .collect();
        out.push(format!(
            "This version adds a public way in: {} can now be started by {}.",
            list(&names, 3),
            who_can_call(public.first().map_or(Audience::Anyone, |t| t.after))
        ));
    }
    let other_widened: Vec<String> = d
        .triggers_widened
        .iter()
        .filter(|t| !is_public(t.after))
        .map(|t| format!("'{}' ({})", t.name, t.who_can_call))
        .collect();
    if !other_widened.is_empty() {
        out.push(format!(
            "More people can start {}.",
            list(&other_widened, 3)
        ));
    }
    let secrets: Vec<&Finding> = d
        .new_findings
        .iter()
        .filter(|f| SECRET_RULES.contains(&f.rule_id.as_str()))
        .collect();
    if !secrets.is_empty() {
        out.push(format!(
            "It adds {} written into the export.",
            plural(
                secrets.len(),
                "hard-coded secret or password",
                "hard-coded secrets or passwords"
            )
        ));
    }
    for f in d
        .new_findings
        .iter()
        .filter(|f| f.rule_id == DATA_LEAVES_RULE)
        .take(3)
    {
        out.push(format!("New data leaving: {}", f.message));
    }
    if !d.connectors_added.is_empty() {
        let names: Vec<String> = d.connectors_added.iter().map(|c| c.name.clone()).collect();
        out.push(format!("It starts using {}.", list(&names, 4)));
    }
    if !d.sensitive_fields_added.is_empty() {
        let names: Vec<String> = d
            .sensitive_fields_added
            .iter()
            .map(|f| format!("{} ({})", f.name, f.label.to_lowercase()))
            .collect();
        out.push(format!("It starts handling {}.", list(&names, 4)));
    }
    if !d.sharing_widened.is_empty() {
        let items: Vec<String> = d
            .sharing_widened
            .iter()
            .map(|s| format!("{} — {}", s.after.what, s.after.who))
            .collect();
        out.push(format!("Access is wider: {}.", list(&items, 3)));
    }
    if !d.hosts_added.is_empty() {
        out.push(format!(
            "It calls new outside addresses: {}.",
            list(&d.hosts_added, 4)
        ));
    }
    if !d.credentials_added.is_empty() {
        let names: Vec<String> = d
            .credentials_added
            .iter()
            .map(|c| format!("'{}'", c.name))
            .collect();
        out.push(format!("It uses new credentials: {}.", list(&names, 4)));
    }
    if !d.connectors_removed.is_empty() {
        let names: Vec<String> = d
            .connectors_removed
            .iter()
            .map(|c| c.name.clone())
            .collect();
        out.push(format!("It no longer uses {}.", list(&names, 4)));
    }
    out.push(format!(
        "Findings: {} new, {} fixed, {} unchanged. Risk score {} ({}) → {} ({}).",
        d.new_findings.len(),
        d.fixed_findings.len(),
        d.unchanged_findings.len(),
        d.score.old,
        d.score.old_grade,
        d.score.new,
        d.score.new_grade
    ));
    out
}

/// The diff as plain text for a terminal.
pub fn render_text(d: &Diff) -> String {
    let mut out = format!("Changes from {} to {}\n\n", d.old_file, d.new_file);
    for line in &d.summary {
        out.push_str(&format!("  • {line}\n"));
    }
    let section = |out: &mut String, title: &str, findings: &[Finding]| {
        if findings.is_empty() {
            return;
        }
        out.push_str(&format!("\n{title}\n"));
        for f in findings {
            out.push_str(&format!(
                "  [{}] {} {} — {}\n      {}\n",
                f.severity.as_str().to_uppercase(),
                f.rule_id,
                f.title,
                f.component,
                f.message
            ));
        }
    };
    section(&mut out, "New findings", &d.new_findings);
    section(&mut out, "Fixed findings", &d.fixed_findings);
    out
}

/// The diff as Markdown (for a pull-request comment).
pub fn render_markdown(d: &Diff) -> String {
    let esc = |s: &str| crate::render::markdown::esc(s);
    let mut out = format!(
        "# What changed: {} → {}\n\n",
        esc(&d.old_file),
        esc(&d.new_file)
    );
    for line in &d.summary {
        out.push_str(&format!("- {}\n", esc(line)));
    }
    let section = |out: &mut String, title: &str, findings: &[Finding]| {
        if findings.is_empty() {
            return;
        }
        out.push_str(&format!(
            "\n## {title}\n\n| Severity | Rule | Component | What |\n|---|---|---|---|\n"
        ));
        for f in findings {
            out.push_str(&format!(
                "| {} | {} {} | {} | {} |\n",
                f.severity.as_str(),
                f.rule_id,
                esc(&f.title),
                esc(&f.component),
                esc(&f.message)
            ));
        }
    };
    section(&mut out, "New findings", &d.new_findings);
    section(&mut out, "Fixed findings", &d.fixed_findings);
    out
}

/// The diff as JSON.
pub fn render_json(d: &Diff) -> String {
    serde_json::to_string_pretty(d).unwrap_or_default() + "\n"
}
