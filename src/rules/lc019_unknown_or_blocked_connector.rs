//! LC019 unknown-or-blocked-connector: a step uses a connector the
//! organisation blocks, has not approved, or lcscan does not know.
//!
//! Status comes from [`inventory::connector_status`], checked for the id the
//! export uses and for the catalog's own id and aliases. With the default,
//! empty policy only connectors missing from the catalog are reported (low);
//! connectors that are known but not on a non-empty approved list are info.

use super::capitalise;
use crate::detect::connectors;
use crate::inventory;
use crate::model::{App, Platform, Step};
use crate::policy::Policy;
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC019",
    name: "unknown-or-blocked-connector",
    title: "Uses a blocked, unapproved or unknown connector",
    severity: Severity::Low,
    owasp: "CD-SEC-07",
    owasp_lcnc: "LCNC-SEC-07",
    cwe: 829,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Steps that use a connector (an integration with another service) that your
policy's `blocked_connectors` forbids (high), that is not on your policy's
`approved_connectors` list when you keep one (info), or that lcscan's
connector catalog does not know — community nodes, custom connectors,
third-party packages, Power Platform custom connectors (low). n8n's own
nodes and Salesforce's standard actions are never "unknown", even when the
catalog lacks them. Each connector is reported once per app, at the first
step that uses it.

## Why it matters

A connector decides where the app's data goes and whose code runs. Blocked
connectors were blocked for a reason (data leaving the company, an untrusted
publisher); unknown ones have not been reviewed by anyone, and community
packages can contain any code.

## How to fix

**n8n** — replace the node with a built-in or approved one, or ask your
admin to review the community node before it is used (*Settings* →
*Community nodes*).

**Power Automate** — replace the action with one from an approved connector,
or ask your admin to review the connector and add it to the right group of
the environment's data policy (Power Platform admin center → *Policies* →
*Data policies*).

**Salesforce** — use an action your admin has approved, or ask them to
review the Apex action or external service.

## Example

With `blocked_connectors = ["n8n-nodes-base.telegram"]`, an n8n workflow
with a Telegram node is reported as high. A workflow using only catalog
connectors with the default policy is not reported.
"#;

/// The catalog entry, also for n8n's AI-agent tool variants (`gmailTool` = `gmail`).
pub(super) fn lookup(id: &str) -> Option<&'static connectors::ConnectorInfo> {
    connectors::lookup(id).or_else(|| {
        id.strip_suffix("Tool")
            .filter(|base| !base.ends_with('.'))
            .and_then(connectors::lookup)
    })
}

/// Nodes and actions that ship with the platform itself (n8n's own nodes,
/// Salesforce standard actions): not a community or third-party package,
/// even when the catalog has no entry for them.
pub(super) fn is_built_in(id: &str) -> bool {
    id.starts_with("n8n-nodes-base.") || id.starts_with("@n8n/") || id.starts_with("salesforce:")
}

/// A Power Platform custom connector: `shared_<name>-5f<hex>…`.
fn is_custom_connector(id: &str) -> bool {
    id.starts_with("shared_") && id.contains("-5f")
}

/// `shared_billing-20tool-5f1a2b…-5f9c8d…` → `billing tool`: Power Platform
/// writes spaces as `-20` and underscores as `-5f`, and ends the id with hashes.
fn custom_connector_name(id: &str) -> String {
    let mut rest = id.strip_prefix("shared_").unwrap_or(id);
    while let Some(pos) = rest.rfind("-5f") {
        let tail = rest.get(pos + 3..).unwrap_or_default();
        if tail.len() >= 8 && tail.chars().all(|c| c.is_ascii_hexdigit()) {
            rest = rest.get(..pos).unwrap_or_default();
        } else {
            break;
        }
    }
    let name = rest.replace("-20", " ").replace("-5f", "_");
    if name.trim().is_empty() {
        id.to_string()
    } else {
        name
    }
}

/// Blocked / review / unknown for a connector id, or `None` when it is fine.
fn status(id: &str, policy: &Policy) -> Option<(&'static str, Option<&'static str>)> {
    let info = lookup(id);
    let mut names: Vec<&str> = vec![id];
    if let Some(info) = info {
        names.push(&info.id);
        names.extend(info.aliases.iter().map(String::as_str));
    }
    let statuses: Vec<&str> = names
        .iter()
        .map(|n| inventory::connector_status(n, info.is_some(), policy))
        .collect();
    let name = info.map(|i| i.name.as_str());
    if statuses.contains(&"blocked") {
        return Some(("blocked", name));
    }
    if statuses.contains(&"approved") {
        return None;
    }
    if info.is_none() {
        if is_built_in(id) {
            return (!policy.approved_connectors.is_empty()).then_some(("review", None));
        }
        return Some(("unknown", None));
    }
    // A known connector needs review only when the organisation keeps an approved list.
    (!policy.approved_connectors.is_empty()).then_some(("review", name))
}

fn check(app: &App, ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for step in app.steps.iter().filter(|s| !s.disabled) {
        let Some(id) = step.connector.as_deref() else {
            continue;
        };
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some((status, name)) = status(id, ctx.policy) else {
            continue;
        };
        let users: Vec<&Step> = app
            .steps
            .iter()
            .filter(|s| !s.disabled && s.connector.as_deref() == Some(id))
            .collect();
        let shown = match name {
            Some(n) => format!("{n} ({id})"),
            None if is_custom_connector(id) => format!("'{}'", custom_connector_name(id)),
            None => format!("'{id}'"),
        };
        let also = match users.len() {
            0 | 1 => String::new(),
            2 => format!(" (and 1 other {})", app.platform.step_word()),
            n => format!(" (and {} other {}s)", n - 1, app.platform.step_word()),
        };
        let (message, why, severity) = match status {
            "blocked" => (
                format!(
                    "{} uses the connector {shown}{also}, which your organisation's policy blocks.",
                    capitalise(&step_ref(app.platform, &step.name))
                ),
                "Your organisation blocked this connector, usually because data sent through it leaves the company's control.",
                Severity::High,
            ),
            "review" => (
                format!(
                    "{} uses the connector {shown}{also}, which is not on your organisation's approved list.",
                    capitalise(&step_ref(app.platform, &step.name))
                ),
                "Nobody has checked whether this service may receive your organisation's data.",
                Severity::Info,
            ),
            _ => (
                format!(
                    "{} uses the connector {shown}{also}, {}.",
                    capitalise(&step_ref(app.platform, &step.name)),
                    if is_custom_connector(id) {
                        "a custom connector built in your organisation"
                    } else {
                        "which is not in lcscan's list of known connectors (it may be a community, custom or third-party connector)"
                    }
                ),
                "Nobody has reviewed where this connector sends data or what code it runs, so it could leak data or do more than it says.",
                Severity::Low,
            ),
        };
        hits.push(Hit {
            location: step.location.clone().with_step(&step.name),
            message,
            why: why.into(),
            fix: fix(app.platform, status),
            evidence: Some(id.to_string()),
            severity: Some(severity),
            key: id.to_string(),
        });
    }
    hits
}

fn fix(platform: Platform, status: &str) -> String {
    let blocked = status == "blocked";
    match platform {
        Platform::N8n if blocked => "Replace this node with an approved one.".into(),
        Platform::N8n => "Ask your n8n admin to review this node (Settings → Community nodes) before using it, or replace it with a built-in node.".into(),
        Platform::PowerAutomate | Platform::LogicApps if blocked => "Replace this action with one from an approved connector.".into(),
        Platform::PowerAutomate | Platform::LogicApps => "Ask your admin to review this connector and add it to the environment's data policy, or use an approved connector.".into(),
        Platform::SalesforceFlow => "Ask your Salesforce admin to review this action, or use an approved one.".into(),
        _ if blocked => "Replace this step with one that uses an approved connector.".into(),
        _ => "Ask your admin to review this connector before it is used.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(connector: &str) -> App {
        App {
            platform: Platform::N8n,
            steps: vec![
                Step {
                    id: "A".into(),
                    name: "A".into(),
                    connector: Some(connector.into()),
                    ..Step::default()
                },
                Step {
                    id: "B".into(),
                    name: "B".into(),
                    connector: Some(connector.into()),
                    ..Step::default()
                },
            ],
            ..App::default()
        }
    }

    fn run(app: &App, policy: &Policy) -> Vec<Hit> {
        check(app, &Context { policy })
    }

    #[test]
    fn unknown_connectors_are_low_once() {
        let hits = run(&app("n8n-nodes-acme.crm"), &Policy::empty());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::Low));
        assert_eq!(
            hits[0].message,
            "The node 'A' uses the connector 'n8n-nodes-acme.crm' (and 1 other node), which is not in lcscan's list of known connectors (it may be a community, custom or third-party connector)."
        );
    }

    #[test]
    fn built_in_nodes_and_tool_variants_are_not_unknown() {
        assert!(run(&app("n8n-nodes-base.noOp"), &Policy::empty()).is_empty());
        assert!(run(&app("salesforce:quickAction"), &Policy::empty()).is_empty());
        assert!(lookup("n8n-nodes-base.slackTool").is_some());
        let hits = run(
            &app("shared_graph-20api-5f04d5eb22c34423fb-5f448e0b83a75acf03"),
            &Policy::empty(),
        );
        assert!(
            hits[0].message.contains("custom connector"),
            "{}",
            hits[0].message
        );
    }

    #[test]
    fn blocked_by_alias_is_high() {
        let mut policy = Policy::empty();
        policy.blocked_connectors = vec!["n8n-nodes-base.slack".into()];
        let hits = run(&app("slackApi"), &policy);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::High));
    }

    #[test]
    fn known_connectors_pass_the_default_policy_and_approved_ones_pass_any() {
        assert!(run(&app("n8n-nodes-base.slack"), &Policy::empty()).is_empty());
        let mut policy = Policy::empty();
        policy.approved_connectors = vec!["n8n-nodes-base.slack".into()];
        assert!(run(&app("n8n-nodes-base.slack"), &policy).is_empty());
        let hits = run(&app("n8n-nodes-base.telegram"), &policy);
        assert_eq!(hits.first().and_then(|h| h.severity), Some(Severity::Info));
    }
}
