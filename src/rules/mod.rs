//! Rules: one file per rule, each judging the normalized model.
//!
//! A rule is a [`Rule`] value: stable id, kebab name, plain title, default
//! severity, OWASP ids, CWE, a Markdown doc with fixed headings
//! (`## What it finds`, `## Why it matters`, `## How to fix`, `## Example`)
//! and a check function. Adding a rule touches its file, one line in
//! [`RULES`] and its fixtures.

// Rule modules, one file per rule, in id order.
// (rule modules: keep this line; add `mod lcNNN_name;` lines below it in id order)
mod lc001_public_trigger_without_auth;
mod lc002_hardcoded_secret;
mod lc003_secret_in_url;
mod lc004_plain_http_endpoint;
mod lc005_tls_verification_disabled;
mod lc006_code_execution_step;
mod lc007_sql_built_from_expressions;
mod lc008_elevated_run_context;
mod lc009_connection_runs_as_maker;
mod lc010_sensitive_data_field;
mod lc011_all_fields_fetched;
mod lc012_sensitive_data_to_external_connector;
mod lc013_secure_inputs_outputs_off;
mod lc014_sample_data_with_sensitive_values;
mod lc015_hardcoded_record_id_or_environment_url;
mod lc016_subworkflow_callable_by_anyone;
mod lc017_any_website_can_call_trigger;
mod lc018_plaintext_credentials_in_export;
mod lc019_unknown_or_blocked_connector;
mod lc020_organisation_wide_security_role;
mod lc021_sensitive_column_without_column_security;
mod lc022_secret_in_environment_variable;
mod lc023_custom_connector_weak_auth;
mod lc024_custom_connector_host_not_allowed;
mod lc025_run_history_not_secured;
mod lc026_business_data_to_non_business_connector;
mod lc030_app_open_to_anyone;

use crate::model::{App, Location, Platform};
use crate::policy::Policy;
use crate::report::{fingerprint, Finding, Severity};

/// What a rule's check sees besides the app.
pub struct Context<'a> {
    pub policy: &'a Policy,
}

/// One problem a check found; the engine turns it into a [`Finding`].
#[derive(Debug, Clone, Default)]
pub struct Hit {
    pub location: Location,
    /// What is wrong, naming the step as the user sees it.
    pub message: String,
    /// Why it matters for this app.
    pub why: String,
    /// How to fix it, in the platform's own words.
    pub fix: String,
    /// Masked evidence.
    pub evidence: Option<String>,
    /// Overrides the rule's default severity for this hit (e.g. worse on a screen flow).
    pub severity: Option<Severity>,
    /// Extra fingerprint material when one location can hold several hits.
    pub key: String,
}

pub struct Rule {
    /// Stable, never reused: `LC001`.
    pub id: &'static str,
    /// Kebab-case name of the problem: `public-trigger-without-auth`.
    pub name: &'static str,
    /// Plain title for non-developers.
    pub title: &'static str,
    pub severity: Severity,
    /// OWASP Citizen Development Top 10 id (`CD-SEC-04`).
    pub owasp: &'static str,
    /// The older OWASP Low-Code/No-Code Top 10 id (`LCNC-SEC-04`).
    pub owasp_lcnc: &'static str,
    pub cwe: u32,
    /// Markdown with `## What it finds`, `## Why it matters`, `## How to fix`, `## Example`.
    pub doc: &'static str,
    pub check: fn(&App, &Context) -> Vec<Hit>,
}

/// Every rule, in id order.
pub static RULES: &[&Rule] = &[
    // (registry: one `&lcNNN_name::RULE,` line per rule, in id order)
    &lc001_public_trigger_without_auth::RULE,
    &lc002_hardcoded_secret::RULE,
    &lc003_secret_in_url::RULE,
    &lc004_plain_http_endpoint::RULE,
    &lc005_tls_verification_disabled::RULE,
    &lc006_code_execution_step::RULE,
    &lc007_sql_built_from_expressions::RULE,
    &lc008_elevated_run_context::RULE,
    &lc009_connection_runs_as_maker::RULE,
    &lc010_sensitive_data_field::RULE,
    &lc011_all_fields_fetched::RULE,
    &lc012_sensitive_data_to_external_connector::RULE,
    &lc013_secure_inputs_outputs_off::RULE,
    &lc014_sample_data_with_sensitive_values::RULE,
    &lc015_hardcoded_record_id_or_environment_url::RULE,
    &lc016_subworkflow_callable_by_anyone::RULE,
    &lc017_any_website_can_call_trigger::RULE,
    &lc018_plaintext_credentials_in_export::RULE,
    &lc019_unknown_or_blocked_connector::RULE,
    &lc020_organisation_wide_security_role::RULE,
    &lc021_sensitive_column_without_column_security::RULE,
    &lc022_secret_in_environment_variable::RULE,
    &lc023_custom_connector_weak_auth::RULE,
    &lc024_custom_connector_host_not_allowed::RULE,
    &lc025_run_history_not_secured::RULE,
    &lc026_business_data_to_non_business_connector::RULE,
    &lc030_app_open_to_anyone::RULE,
];

/// A rule by id (`LC001`) or name (`public-trigger-without-auth`), case-insensitive.
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name.eq_ignore_ascii_case(id_or_name))
}

/// Run every enabled rule over every app.
pub fn run(apps: &[App], ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        if ctx.policy.is_disabled(rule.id, rule.name) {
            continue;
        }
        let forced = ctx.policy.severity_for(rule.id, rule.name);
        for app in apps {
            for hit in (rule.check)(app, ctx) {
                findings.push(to_finding(rule, app, hit, forced));
            }
        }
    }
    findings
}

fn to_finding(rule: &Rule, app: &App, hit: Hit, forced: Option<Severity>) -> Finding {
    // The file part of the fingerprint is the path inside the export, without
    // the name the user gave the download, so renaming a file keeps fingerprints.
    let inner_file = hit
        .location
        .file
        .split_once("!/")
        .map_or(&*hit.location.file, |(_, inner)| inner);
    let inner_file = if hit.location.file.contains("!/") {
        inner_file
    } else {
        ""
    };
    let fp = fingerprint(&[rule.id, &app.name, inner_file, &hit.location.path, &hit.key]);
    Finding {
        rule_id: rule.id.into(),
        rule_name: rule.name.into(),
        severity: forced.or(hit.severity).unwrap_or(rule.severity),
        title: rule.title.into(),
        message: hit.message,
        why: hit.why,
        fix: hit.fix,
        location: hit.location,
        component: app.name.clone(),
        platform: app.platform,
        evidence: hit.evidence,
        owasp: rule.owasp.into(),
        owasp_lcnc: rule.owasp_lcnc.into(),
        cwe: rule.cwe,
        fingerprint: fp,
    }
}

/// The text with its first letter upper-cased, to start a sentence with a
/// step reference ("The node 'x' …").
pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "the node 'Send to Slack'" — how messages name a step.
pub fn step_ref(platform: Platform, step_name: &str) -> String {
    format!("the {} '{}'", platform.step_word(), step_name)
}

/// What a value belongs to, as a finding names it: its step ("the node
/// 'Fetch'") or, for a widget's property, the widget ("the widget 'Map1'").
pub fn owner_ref(platform: Platform, value: &crate::model::Value, step_name: &str) -> String {
    if value.context == crate::model::ValueContext::WidgetProperty {
        format!("the widget '{step_name}'")
    } else {
        step_ref(platform, step_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_widget_property_is_named_by_its_widget_not_as_a_step() {
        let mut value = crate::model::Value {
            context: crate::model::ValueContext::WidgetProperty,
            ..Default::default()
        };
        assert_eq!(
            owner_ref(Platform::Appsmith, &value, "Map1"),
            "the widget 'Map1'"
        );
        value.context = crate::model::ValueContext::Header;
        assert_eq!(
            owner_ref(Platform::Appsmith, &value, "Get_users"),
            "the query 'Get_users'"
        );
    }

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids = std::collections::BTreeSet::new();
        let mut names = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(ids.insert(r.id), "duplicate id {}", r.id);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(r.id.starts_with("LC") && r.id.len() == 5, "{}", r.id);
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.name
            );
            assert!(r.owasp.starts_with("CD-SEC-"), "{}", r.id);
            assert!(r.owasp_lcnc.starts_with("LCNC-SEC-"), "{}", r.id);
            for heading in [
                "## What it finds",
                "## Why it matters",
                "## How to fix",
                "## Example",
            ] {
                assert!(r.doc.contains(heading), "{} doc lacks {heading}", r.id);
            }
        }
    }
}
