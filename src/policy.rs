//! The organisation's policy: limits, rule selection, severities, connectors.
//!
//! The default policy is data in `rules/policies/default.toml`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ScanError;
use crate::report::Severity;

const DEFAULT_POLICY: &str = include_str!("../rules/policies/default.toml");

/// Hard limits on what is read, so hostile files cannot exhaust memory or time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest input file, in bytes.
    pub max_input_bytes: u64,
    /// Largest total of all unpacked archive members, in bytes.
    pub max_unpacked_bytes: u64,
    /// Largest unpacked/packed size ratio of one archive member.
    pub max_compression_ratio: u64,
    /// Most members in one archive.
    pub max_entries: usize,
    /// Deepest JSON/XML nesting.
    pub max_depth: usize,
    /// Longest single string value, in bytes.
    pub max_string_bytes: u64,
    /// How many archives inside archives are opened.
    pub max_archive_nesting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 100 * 1024 * 1024,
            max_unpacked_bytes: 512 * 1024 * 1024,
            max_compression_ratio: 200,
            max_entries: 10_000,
            max_depth: 100,
            max_string_bytes: 32 * 1024 * 1024,
            max_archive_nesting: 2,
        }
    }
}

/// The highest nesting serde_json itself accepts; our limit must stay below it.
pub const MAX_SUPPORTED_DEPTH: usize = 120;

/// The policy format this lcscan reads (`format_version` in a policy file).
/// Version 1 files (no `format_version`) are read as they are: version 2
/// only added keys.
pub const FORMAT_VERSION: u32 = 2;

/// A named set of connectors, DLP-style: listed catalog ids and every
/// connector in the listed catalog categories.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectorGroup {
    /// What the group is for, shown in messages ("approved business services").
    pub description: String,
    /// Connector catalog ids (or aliases) in the group.
    pub connectors: Vec<String>,
    /// Catalog categories (`chat`, `social`, `file-sharing`…) whose connectors are in the group.
    pub categories: Vec<String>,
}

/// Groups of connectors that must not be used together in one flow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NeverMix {
    /// Two or more group names; a flow may use connectors of at most one of them.
    pub groups: Vec<String>,
    /// Severity of the finding (high unless given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Why the organisation keeps these groups apart, shown in the finding.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub why: String,
}

/// An organisation's own check: a CEL condition over the normalized model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CustomRule {
    /// The organisation's id (`ORG-001`); must not look like a built-in id (`LC…`).
    pub id: String,
    /// Plain title ("Public flows must not use Telegram").
    pub title: String,
    pub severity: Severity,
    /// What the condition is checked for: `app` (once per app, the default),
    /// `step`, `trigger`, `connection`, `field`, `endpoint` or `credential`.
    pub for_each: String,
    /// CEL expression; the rule fires where it is true.
    pub when: String,
    /// What is wrong; `{app}`, `{name}` (the item's name) and `{step}` are filled in.
    pub message: String,
    pub why: String,
    pub fix: String,
    /// Optional OWASP Citizen Development Top 10 id (`CD-SEC-04`), for reports that group by it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub owasp: String,
    /// Optional OWASP Low-Code/No-Code Top 10 id (`LCNC-SEC-04`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub owasp_lcnc: String,
    /// Optional CWE number (306).
    #[serde(skip_serializing_if = "is_zero")]
    pub cwe: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Sensitive-field categories that matter to the organisation: a list
/// (`["health", "financial"]`) or a table of category → lowest severity
/// (`health = "critical"`). Stored as category → optional severity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SensitiveCategories(pub BTreeMap<String, Option<Severity>>);

impl SensitiveCategories {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the category matters; every category does when none is listed.
    pub fn matters(&self, category: &str) -> bool {
        self.0.is_empty() || self.0.contains_key(category)
    }

    /// The lowest severity the organisation wants for findings about this category.
    pub fn floor(&self, category: &str) -> Option<Severity> {
        self.0.get(category).copied().flatten()
    }
}

impl Serialize for SensitiveCategories {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.values().all(Option::is_none) {
            serializer.collect_seq(self.0.keys())
        } else {
            // A table; categories without a floor get "info" (no raise).
            serializer.collect_map(self.0.iter().map(|(k, v)| (k, v.unwrap_or(Severity::Info))))
        }
    }
}

impl<'de> Deserialize<'de> for SensitiveCategories {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            List(Vec<String>),
            Table(BTreeMap<String, Severity>),
        }
        let form = Form::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom(
                "sensitive_categories must be a list of categories ([\"health\", \"financial\"]) \
                 or a table of category = severity (health = \"critical\")",
            )
        })?;
        Ok(SensitiveCategories(match form {
            Form::List(list) => list.into_iter().map(|c| (c, None)).collect(),
            Form::Table(table) => table
                .into_iter()
                .map(|(c, s)| (c, (s != Severity::Info).then_some(s)))
                .collect(),
        }))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default = "Policy::empty", deny_unknown_fields)]
pub struct Policy {
    /// The policy format version (currently 2); newer files are refused with a clear message.
    pub format_version: u32,
    pub name: String,
    pub version: String,
    /// One or two sentences on whom the policy is for, shown beside its name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub limits: Limits,
    /// Rule ids or names that are switched off (built-in, policy checks or custom rules).
    pub disabled_rules: Vec<String>,
    /// Rule id or name → severity.
    pub severity: BTreeMap<String, Severity>,
    /// Connectors the organisation approved: catalog ids, `category:<name>` or `group:<name>`.
    pub approved_connectors: Vec<String>,
    /// Connectors the organisation forbids: catalog ids, `category:<name>` or `group:<name>`.
    pub blocked_connectors: Vec<String>,
    /// Connectors that may be used only after a review: catalog ids, `category:<name>` or `group:<name>`.
    pub review_required_connectors: Vec<String>,
    /// Named connector groups (DLP-style). The catalog's default groups
    /// `business`, `non-business` and `blocked` apply unless redefined here.
    pub groups: BTreeMap<String, ConnectorGroup>,
    /// Groups that must not be used together in one flow.
    pub never_mix: Vec<NeverMix>,
    /// Hosts apps may call over HTTP without review (`api.example.com`, `*.example.com`).
    pub allowed_hosts: Vec<String>,
    /// Hosts custom connectors may point at, besides `allowed_hosts`
    /// (LC024 custom-connector-host-not-allowed reads both through
    /// [`Policy::connector_host_allowed`]).
    pub allowed_connector_hosts: Vec<String>,
    /// Sensitive-field categories that matter here; field findings about
    /// other categories are lowered.
    #[serde(skip_serializing_if = "SensitiveCategories::is_empty")]
    pub sensitive_categories: SensitiveCategories,
    /// Extra field names the organisation treats as sensitive, with their category.
    pub sensitive_fields: BTreeMap<String, String>,
    /// The organisation's own checks.
    pub custom_rules: Vec<CustomRule>,
    /// Things in the policy that are allowed but probably mistakes (unknown
    /// connector ids); shown as report notes.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        // The bundled default is checked by a unit test; fall back to an empty policy
        // rather than panicking if it ever failed to parse.
        Policy::from_toml(DEFAULT_POLICY).unwrap_or_else(|_| Policy::empty())
    }
}

/// The ids of the checks the policy itself drives (not in [`crate::rules::RULES`]).
pub const POLICY_CHECKS: &[(&str, &str)] = &[
    ("POLICY-NEVER-MIX", "never-mix-connector-groups"),
    ("POLICY-REVIEW-REQUIRED", "review-required-connector"),
];

/// What `for_each` of a custom rule may name.
pub const FOR_EACH: &[&str] = &[
    "app",
    "step",
    "trigger",
    "connection",
    "field",
    "endpoint",
    "credential",
];

fn invalid(reason: impl Into<String>) -> ScanError {
    ScanError::InvalidPolicy {
        reason: reason.into(),
    }
}

impl Policy {
    /// A policy with nothing configured and default limits.
    pub fn empty() -> Self {
        Policy {
            format_version: FORMAT_VERSION,
            name: "built-in".into(),
            version: "0".into(),
            description: String::new(),
            limits: Limits::default(),
            disabled_rules: Vec::new(),
            severity: BTreeMap::new(),
            approved_connectors: Vec::new(),
            blocked_connectors: Vec::new(),
            review_required_connectors: Vec::new(),
            groups: BTreeMap::new(),
            never_mix: Vec::new(),
            allowed_hosts: Vec::new(),
            allowed_connector_hosts: Vec::new(),
            sensitive_categories: SensitiveCategories::default(),
            sensitive_fields: BTreeMap::new(),
            custom_rules: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn from_toml(text: &str) -> Result<Self, ScanError> {
        let policy: Policy =
            toml::from_str(text).map_err(|e| invalid(e.to_string().trim().to_string()))?;
        policy.validated()
    }

    /// The same format as [`Policy::from_toml`], as JSON (what the page loads).
    pub fn from_json(text: &str) -> Result<Self, ScanError> {
        let policy: Policy = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        policy.validated()
    }

    /// The policy as JSON, in the form [`Policy::from_json`] reads.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The policy's name, as shown beside the report ("lcscan default").
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The policy's own version, chosen by its authors ("1", "2026-11").
    pub fn version(&self) -> &str {
        &self.version
    }

    fn validated(mut self) -> Result<Self, ScanError> {
        if self.format_version == 0 || self.format_version > FORMAT_VERSION {
            return Err(invalid(format!(
                "format_version {} is not one this lcscan reads (1 to {FORMAT_VERSION}); \
                 update lcscan or write the policy in format_version {FORMAT_VERSION}",
                self.format_version
            )));
        }
        if self.limits.max_depth == 0 || self.limits.max_depth > MAX_SUPPORTED_DEPTH {
            return Err(invalid(format!(
                "limits.max_depth must be between 1 and {MAX_SUPPORTED_DEPTH}, not {}",
                self.limits.max_depth
            )));
        }
        self.validate_groups()?;
        self.validate_connector_lists()?;
        self.validate_hosts()?;
        self.validate_categories()?;
        self.validate_custom_rules()?;
        self.validate_rule_refs()?;
        Ok(self)
    }

    fn validate_groups(&self) -> Result<(), ScanError> {
        use crate::detect::connectors;
        for (name, group) in &self.groups {
            if name.trim().is_empty() {
                return Err(invalid("a connector group has an empty name"));
            }
            for cat in &group.categories {
                if !connectors::CATEGORIES.contains(&cat.as_str()) {
                    return Err(invalid(format!(
                        "groups.{name}.categories: '{cat}' is not a connector category{}",
                        suggest(cat, connectors::CATEGORIES.iter().copied())
                    )));
                }
            }
        }
        for (i, rule) in self.never_mix.iter().enumerate() {
            if rule.groups.len() < 2 {
                return Err(invalid(format!(
                    "never_mix entry {} needs at least two groups (groups = [\"business\", \"consumer\"])",
                    i + 1
                )));
            }
            for g in &rule.groups {
                self.check_group_name(g, &format!("never_mix entry {}", i + 1))?;
            }
        }
        Ok(())
    }

    /// Every group name the policy may refer to: its own and the catalog's defaults.
    fn group_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.groups.keys().map(String::as_str).collect();
        for g in crate::detect::connectors::GROUPS {
            if !names.contains(g) {
                names.push(g);
            }
        }
        names
    }

    fn check_group_name(&self, group: &str, place: &str) -> Result<(), ScanError> {
        let names = self.group_names();
        if names.contains(&group) {
            return Ok(());
        }
        Err(invalid(format!(
            "{place}: there is no connector group '{group}' (define it as [groups.{group}]){}",
            suggest(group, names.iter().copied())
        )))
    }

    fn validate_connector_lists(&mut self) -> Result<(), ScanError> {
        use crate::detect::connectors;
        let mut warnings = Vec::new();
        let lists = [
            ("approved_connectors", &self.approved_connectors),
            ("blocked_connectors", &self.blocked_connectors),
            (
                "review_required_connectors",
                &self.review_required_connectors,
            ),
        ];
        let group_lists = self
            .groups
            .iter()
            .map(|(name, g)| (format!("groups.{name}.connectors"), &g.connectors));
        let all: Vec<(String, &Vec<String>)> = lists
            .iter()
            .map(|(n, l)| ((*n).to_string(), *l))
            .chain(group_lists)
            .collect();
        for (list_name, list) in all {
            for entry in list {
                if let Some(cat) = entry.strip_prefix("category:") {
                    if !connectors::CATEGORIES.contains(&cat) {
                        return Err(invalid(format!(
                            "{list_name}: '{cat}' in '{entry}' is not a connector category{}",
                            suggest(cat, connectors::CATEGORIES.iter().copied())
                        )));
                    }
                } else if let Some(group) = entry.strip_prefix("group:") {
                    if list_name.starts_with("groups.") {
                        return Err(invalid(format!(
                            "{list_name}: a group cannot contain another group ('{entry}'); \
                             list its connectors or categories instead"
                        )));
                    }
                    self.check_group_name(group, &list_name)?;
                } else if connectors::lookup(entry).is_none() {
                    warnings.push(format!(
                        "policy: {list_name} names '{entry}', which is not in lcscan's connector \
                         catalog (fine for custom connectors; check the spelling otherwise){}",
                        suggest(entry, connectors::all().iter().map(|c| c.id.as_str()))
                    ));
                }
            }
        }
        self.warnings.extend(warnings);
        Ok(())
    }

    fn validate_hosts(&self) -> Result<(), ScanError> {
        for (list_name, list) in [
            ("allowed_hosts", &self.allowed_hosts),
            ("allowed_connector_hosts", &self.allowed_connector_hosts),
        ] {
            for host in list {
                let h = host.trim();
                if h.is_empty() || h.contains("://") || h.contains('/') || h.contains(' ') {
                    return Err(invalid(format!(
                        "{list_name}: '{host}' is not a host name; write only the host, \
                         like 'api.example.com' or '*.example.com' (no https://, no path)"
                    )));
                }
            }
        }
        Ok(())
    }

    fn validate_categories(&self) -> Result<(), ScanError> {
        let mut known: Vec<&str> = crate::detect::fields::CATEGORIES.to_vec();
        for cat in self.sensitive_fields.values() {
            if !known.contains(&cat.as_str()) {
                known.push(cat);
            }
        }
        for cat in self.sensitive_categories.0.keys() {
            if !known.contains(&cat.as_str()) {
                return Err(invalid(format!(
                    "sensitive_categories: '{cat}' is not a field category (known: {}){}",
                    known.join(", "),
                    suggest(cat, known.iter().copied())
                )));
            }
        }
        Ok(())
    }

    fn validate_custom_rules(&self) -> Result<(), ScanError> {
        let mut seen: Vec<&str> = Vec::new();
        for (i, rule) in self.custom_rules.iter().enumerate() {
            let id = rule.id.trim();
            if id.is_empty() {
                return Err(invalid(format!(
                    "custom rule {} has no id (give it one like id = \"ORG-001\")",
                    i + 1
                )));
            }
            let builtin = crate::rules::find(id).is_some()
                || POLICY_CHECKS.iter().any(|(pid, pname)| {
                    pid.eq_ignore_ascii_case(id) || pname.eq_ignore_ascii_case(id)
                });
            if builtin {
                return Err(invalid(format!(
                    "custom rule '{id}' uses the id of a built-in rule; choose your own prefix, like ORG-001"
                )));
            }
            if seen.iter().any(|s| s.eq_ignore_ascii_case(id)) {
                return Err(invalid(format!("custom rule id '{id}' is used twice")));
            }
            seen.push(id);
            if rule.title.trim().is_empty() || rule.message.trim().is_empty() {
                return Err(invalid(format!(
                    "custom rule '{id}' needs a title and a message (what is wrong, in plain words)"
                )));
            }
            if !rule.for_each.is_empty() && !FOR_EACH.contains(&rule.for_each.as_str()) {
                return Err(invalid(format!(
                    "custom rule '{id}': for_each = '{}' is not one of {}{}",
                    rule.for_each,
                    FOR_EACH.join(", "),
                    suggest(&rule.for_each, FOR_EACH.iter().copied())
                )));
            }
            crate::custom_rules::check_expression(rule)
                .map_err(|reason| invalid(format!("custom rule '{id}': {reason}")))?;
        }
        Ok(())
    }

    /// All ids and names `disabled_rules` and `severity` may use.
    fn rule_refs(&self) -> Vec<&str> {
        let mut refs: Vec<&str> = Vec::new();
        for r in crate::rules::RULES {
            refs.push(r.id);
            refs.push(r.name);
        }
        for (id, name) in POLICY_CHECKS {
            refs.push(id);
            refs.push(name);
        }
        refs.extend(self.custom_rules.iter().map(|r| r.id.as_str()));
        refs
    }

    fn validate_rule_refs(&self) -> Result<(), ScanError> {
        let refs = self.rule_refs();
        let known = |r: &str| refs.iter().any(|k| k.eq_ignore_ascii_case(r));
        for r in &self.disabled_rules {
            if !known(r) {
                return Err(invalid(format!(
                    "disabled_rules: there is no rule '{r}'{}",
                    suggest_or_list(r, &refs)
                )));
            }
        }
        for r in self.severity.keys() {
            if !known(r) {
                return Err(invalid(format!(
                    "severity: there is no rule '{r}'{}",
                    suggest_or_list(r, &refs)
                )));
            }
        }
        Ok(())
    }

    /// Whether a rule (by id or kebab name) is switched off.
    pub fn is_disabled(&self, id: &str, name: &str) -> bool {
        self.disabled_rules
            .iter()
            .any(|r| r.eq_ignore_ascii_case(id) || r.eq_ignore_ascii_case(name))
    }

    /// The severity the organisation wants for a rule, if overridden.
    pub fn severity_for(&self, id: &str, name: &str) -> Option<Severity> {
        self.severity
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(id))
            .or_else(|| {
                self.severity
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
            })
            .map(|(_, s)| *s)
    }

    /// Whether a connector list (`blocked_connectors`…) names this connector:
    /// by id or catalog alias, `category:<name>` or `group:<name>`.
    pub fn lists_connector(&self, list: &[String], id: &str) -> bool {
        list.iter().any(|entry| self.entry_matches(entry, id))
    }

    fn entry_matches(&self, entry: &str, id: &str) -> bool {
        use crate::detect::connectors;
        if let Some(cat) = entry.strip_prefix("category:") {
            return connectors::lookup(id).is_some_and(|info| info.category == cat);
        }
        if let Some(group) = entry.strip_prefix("group:") {
            return self.in_group(group, id);
        }
        if entry.eq_ignore_ascii_case(id) {
            return true;
        }
        match (connectors::lookup(entry), connectors::lookup(id)) {
            (Some(a), Some(b)) => a.id == b.id,
            _ => false,
        }
    }

    /// Whether a connector is in a group: the policy's own definition, or the
    /// catalog's default group of that name when the policy does not define it.
    pub fn in_group(&self, group: &str, id: &str) -> bool {
        use crate::detect::connectors;
        let info = connectors::lookup(id);
        match self.groups.get(group) {
            Some(g) => {
                g.connectors.iter().any(|c| self.entry_matches(c, id))
                    || info.is_some_and(|i| g.categories.contains(&i.category))
            }
            None => info.is_some_and(|i| i.group == group),
        }
    }

    /// The names of every group the connector is in, in name order.
    pub fn groups_of(&self, id: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .group_names()
            .into_iter()
            .filter(|g| self.in_group(g, id))
            .map(str::to_string)
            .collect();
        names.sort();
        names
    }

    pub fn is_blocked(&self, id: &str) -> bool {
        self.lists_connector(&self.blocked_connectors, id)
    }

    pub fn is_approved(&self, id: &str) -> bool {
        self.lists_connector(&self.approved_connectors, id)
    }

    pub fn needs_review(&self, id: &str) -> bool {
        self.lists_connector(&self.review_required_connectors, id)
    }

    /// Whether a custom connector may point at this host: it matches
    /// `allowed_connector_hosts` or `allowed_hosts` (`*.example.com` covers subdomains).
    pub fn connector_host_allowed(&self, host: &str) -> bool {
        host_in(&self.allowed_connector_hosts, host) || host_in(&self.allowed_hosts, host)
    }

    /// Whether the policy lists any allowed host for custom connectors.
    pub fn restricts_connector_hosts(&self) -> bool {
        !self.allowed_connector_hosts.is_empty() || !self.allowed_hosts.is_empty()
    }
}

/// Whether a host matches a list of hosts (`*.example.com` covers the domain and its subdomains).
pub fn host_in(list: &[String], host: &str) -> bool {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    list.iter().any(|allowed| {
        let allowed = allowed.trim().to_ascii_lowercase();
        match allowed.strip_prefix("*.") {
            Some(suffix) => host.ends_with(&format!(".{suffix}")) || host == suffix,
            None => host == allowed,
        }
    })
}

/// Edit distance, for "did you mean" suggestions.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest few candidates ("; did you mean 'LC001' or 'LC010'?"), or nothing.
fn near_matches<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let w = wanted.to_lowercase();
    let max = (wanted.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|c| {
            let d = distance(&w, c);
            let lc = c.to_lowercase();
            let close = d <= max || (w.len() >= 4 && (lc.contains(&w) || w.contains(&lc)));
            close.then_some((d, c))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

fn suggest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let near = near_matches(wanted, candidates);
    if near.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            near.iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    }
}

fn suggest_or_list(wanted: &str, refs: &[&str]) -> String {
    let s = suggest(wanted, refs.iter().copied());
    if s.is_empty() {
        "; run `lcscan rules` for the built-in ids (LC001…) or check your custom rule ids".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_default_policy_parses() {
        let p = Policy::from_toml(DEFAULT_POLICY).unwrap();
        assert_eq!(p.name, "lcscan default");
        assert_eq!(p.limits, Limits::default());
    }

    #[test]
    fn unknown_keys_are_rejected_with_a_reason() {
        let err = Policy::from_toml("nmae = \"x\"").unwrap_err();
        assert_eq!(err.code(), "invalid-policy");
        assert!(err.to_string().contains("nmae"), "{err}");
    }

    #[test]
    fn unknown_rule_ids_are_named_with_near_matches() {
        let err = Policy::from_toml("disabled_rules = [\"LC0001\"]").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("disabled_rules: there is no rule 'LC0001'"),
            "{text}"
        );
        assert!(text.contains("did you mean 'LC001'"), "{text}");
        let err =
            Policy::from_toml("[severity]\npublic-triger-without-auth = \"low\"").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("severity: there is no rule 'public-triger-without-auth'"),
            "{text}"
        );
        assert!(text.contains("'public-trigger-without-auth'"), "{text}");
        // Ids and names of built-in rules, policy checks and custom rules are accepted.
        let ok = Policy::from_toml(
            "disabled_rules = [\"lc001\", \"never-mix-connector-groups\"]\n[severity]\nLC010 = \"high\"",
        )
        .unwrap();
        assert!(ok.is_disabled("LC001", "public-trigger-without-auth"));
        assert_eq!(ok.severity_for("LC010", "x"), Some(Severity::High));
    }

    #[test]
    fn format_version_is_checked() {
        assert_eq!(
            Policy::from_toml("").unwrap().format_version,
            FORMAT_VERSION
        );
        assert_eq!(
            Policy::from_toml("format_version = 1")
                .unwrap()
                .format_version,
            1
        );
        let err = Policy::from_toml("format_version = 3").unwrap_err();
        assert!(err.to_string().contains("format_version 3"), "{err}");
    }

    #[test]
    fn groups_categories_and_lists() {
        let p = Policy::from_toml(
            r#"
blocked_connectors = ["group:consumer", "n8n-nodes-base.telegram"]
approved_connectors = ["category:crm"]
review_required_connectors = ["slackApi"]
[groups.consumer]
connectors = ["n8n-nodes-base.gmail"]
categories = ["social"]
"#,
        )
        .unwrap();
        assert!(p.is_blocked("n8n-nodes-base.gmail"));
        assert!(
            p.is_blocked("gmailOAuth2"),
            "aliases resolve to the catalog entry"
        );
        assert!(p.is_blocked("n8n-nodes-base.telegram"));
        assert!(!p.is_blocked("n8n-nodes-base.slack"));
        assert!(p.needs_review("n8n-nodes-base.slack"));
        assert!(p.in_group("consumer", "n8n-nodes-base.gmail"));
        // Catalog default groups apply when the policy does not redefine them.
        assert!(p.in_group("business", "n8n-nodes-base.slack"));
        assert!(p
            .groups_of("n8n-nodes-base.gmail")
            .contains(&"consumer".to_string()));
    }

    #[test]
    fn bad_groups_and_categories_are_explained() {
        let err = Policy::from_toml("[groups.x]\ncategories = [\"chta\"]").unwrap_err();
        assert!(err.to_string().contains("did you mean 'chat'"), "{err}");
        let err =
            Policy::from_toml("[[never_mix]]\ngroups = [\"business\", \"consumr\"]").unwrap_err();
        assert!(
            err.to_string().contains("no connector group 'consumr'"),
            "{err}"
        );
        let err = Policy::from_toml("[[never_mix]]\ngroups = [\"business\"]").unwrap_err();
        assert!(err.to_string().contains("at least two groups"), "{err}");
        let err = Policy::from_toml("blocked_connectors = [\"group:nope\"]").unwrap_err();
        assert!(
            err.to_string().contains("no connector group 'nope'"),
            "{err}"
        );
        let err = Policy::from_toml("sensitive_categories = [\"helth\"]").unwrap_err();
        assert!(err.to_string().contains("did you mean 'health'"), "{err}");
        let err = Policy::from_toml("allowed_connector_hosts = [\"https://api.example.com/x\"]")
            .unwrap_err();
        assert!(err.to_string().contains("not a host name"), "{err}");
    }

    #[test]
    fn unknown_connectors_are_warnings() {
        let p = Policy::from_toml("blocked_connectors = [\"n8n-nodes-base.slak\"]").unwrap();
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert!(p.warnings[0].contains("'n8n-nodes-base.slak'"));
        assert!(
            p.warnings[0].contains("did you mean 'n8n-nodes-base.slack'"),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn sensitive_categories_list_or_table() {
        let p = Policy::from_toml("sensitive_categories = [\"health\"]").unwrap();
        assert!(p.sensitive_categories.matters("health"));
        assert!(!p.sensitive_categories.matters("pii"));
        assert_eq!(p.sensitive_categories.floor("health"), None);
        let p = Policy::from_toml("[sensitive_categories]\nhealth = \"critical\"\npii = \"info\"")
            .unwrap();
        assert_eq!(
            p.sensitive_categories.floor("health"),
            Some(Severity::Critical)
        );
        assert!(p.sensitive_categories.matters("pii"));
        assert_eq!(p.sensitive_categories.floor("pii"), None);
        // The org's own categories from sensitive_fields are allowed.
        Policy::from_toml(
            "sensitive_categories = [\"hr\"]\n[sensitive_fields]\nsalaryBand = \"hr\"",
        )
        .unwrap();
    }

    #[test]
    fn custom_rule_errors_name_the_rule() {
        let rule = |when: &str, for_each: &str| {
            format!(
                "[[custom_rules]]\nid = \"ORG-1\"\ntitle = \"t\"\nseverity = \"high\"\nmessage = \"m\"\nfor_each = \"{for_each}\"\nwhen = '{when}'"
            )
        };
        let err = Policy::from_toml(&rule("app.steps.exists(s, ", "app")).unwrap_err();
        assert!(err.to_string().contains("custom rule 'ORG-1'"), "{err}");
        assert!(err.to_string().contains("not valid CEL"), "{err}");
        let err = Policy::from_toml(&rule("step.connector == \"x\"", "app")).unwrap_err();
        assert!(
            err.to_string().contains("'step' is not known here"),
            "{err}"
        );
        let err = Policy::from_toml(&rule("step.conector == \"x\"", "step")).unwrap_err();
        assert!(
            err.to_string().contains("'conector' is not a property"),
            "{err}"
        );
        let err = Policy::from_toml(&rule("step.name", "step")).unwrap_err();
        assert!(err.to_string().contains("true or false"), "{err}");
        let err = Policy::from_toml(&rule("true", "steps")).unwrap_err();
        assert!(err.to_string().contains("did you mean 'step'"), "{err}");
        Policy::from_toml(&rule("step.connector == \"x\" && app.public", "step")).unwrap();
        let err = Policy::from_toml(&rule("true", "app").replace("ORG-1", "LC001")).unwrap_err();
        assert!(err.to_string().contains("id of a built-in rule"), "{err}");
    }

    #[test]
    fn json_form_round_trips() {
        let p = Policy::from_toml(
            "name = \"x\"\nversion = \"7\"\nsensitive_categories = [\"health\"]\n[groups.a]\nconnectors = [\"slackApi\"]",
        )
        .unwrap();
        let back = Policy::from_json(&p.to_json()).unwrap();
        assert_eq!(back, p);
        assert_eq!((back.name(), back.version()), ("x", "7"));
    }

    #[test]
    fn depth_limit_is_bounded() {
        let err = Policy::from_toml("[limits]\nmax_depth = 100000").unwrap_err();
        assert!(err.to_string().contains("max_depth"), "{err}");
    }
}
