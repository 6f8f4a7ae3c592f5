//! LC025 run-history-not-secured: a Logic App (Consumption) does not limit who
//! may read its run history inputs and outputs (`accessControl.contents`),
//! while its runs carry data worth hiding: requests from outside callers,
//! sensitive fields or secrets.
//!
//! The parser sets [`App::run_history`] only where the platform has the
//! setting (Logic Apps workflow resources); LC013 covers the per-action
//! *Secure inputs/outputs* switches.

use crate::model::{App, Platform, RunHistoryAccess, TriggerKind};
use crate::report::Severity;
use crate::rules::{Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC025",
    name: "run-history-not-secured",
    title: "Anyone with access to the Logic App can read what its runs handled",
    severity: Severity::Low,
    owasp: "CD-SEC-03",
    owasp_lcnc: "LCNC-SEC-03",
    cwe: 532,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Azure Logic Apps (Consumption) workflows whose definition in an ARM
template or workflow resource has no `accessControl.contents` restriction —
no `allowedCallerIpAddresses` for run history inputs and outputs — while the
workflow's runs hold something worth protecting: requests sent in by outside
callers (a *When a HTTP request is received* trigger), fields that look
personal or sensitive, or actions that handle secrets. Workflows that handle
nothing of that kind are not reported.

## Why it matters

Every run is stored with the inputs and outputs of each trigger and action
— the request bodies, the rows read, the e-mails sent, tokens returned — for
up to 90 days. Without a restriction, anyone who can open the Logic App in
the Azure portal (readers, operators, contributors, support staff) can read
all of it from any network, and the run history API hands it to scripts
too. It is the most common way data from a "hidden" integration leaks
inside an organisation.

## How to fix

**Azure Logic Apps** — in the Azure portal open the logic app, then
*Settings › Workflow settings › Access control configuration* and set
*Allowed inbound IP addresses* for **run history** ("Specific IP ranges",
with your organisation's ranges only). In the ARM template add
`"accessControl": { "contents": { "allowedCallerIpAddresses": [ { "addressRange": "10.0.0.0/8" } ] } }`
to the workflow's `properties`. For actions that handle secrets or personal
data also turn on *Secure inputs* and *Secure outputs* in the action's
*Settings*, which hides them from run history entirely.

## Example

A Logic App with a Request trigger that receives `customerEmail` and no
`accessControl.contents` is reported; the same workflow with
`"contents": { "allowedCallerIpAddresses": [ { "addressRange": "10.0.0.0/8" } ] }`
is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    if app.platform != Platform::LogicApps {
        return Vec::new();
    }
    let Some(access) = &app.run_history else {
        return Vec::new();
    };
    if access.restricted {
        return Vec::new();
    }
    let reasons = reasons(app);
    let Some(first) = reasons.first() else {
        return Vec::new();
    };
    let secrets = app.steps.iter().any(|s| s.handles_secret && !s.disabled);
    let severity = if secrets || reasons.len() > 1 {
        Severity::Medium
    } else {
        Severity::Low
    };
    vec![hit(app, access, &reasons, first, severity)]
}

/// What the runs hold that is worth hiding, most telling first.
fn reasons(app: &App) -> Vec<String> {
    let mut out = Vec::new();
    let secret_steps: Vec<&str> = app
        .steps
        .iter()
        .filter(|s| s.handles_secret && !s.disabled)
        .map(|s| s.name.as_str())
        .collect();
    if let Some(first) = secret_steps.first() {
        out.push(format!("the action '{first}' handles a secret"));
    }
    let mut sensitive: Vec<String> = app
        .fields
        .iter()
        .filter_map(|f| {
            f.classification
                .as_ref()
                .map(|c| format!("{} ({})", f.name, c.label))
        })
        .collect();
    sensitive.sort();
    sensitive.dedup();
    if !sensitive.is_empty() {
        let shown: Vec<&str> = sensitive.iter().take(3).map(String::as_str).collect();
        out.push(format!(
            "its runs carry sensitive fields such as {}",
            shown.join(", ")
        ));
    }
    if let Some(t) = app.triggers.iter().find(|t| t.kind == TriggerKind::Http) {
        out.push(format!(
            "the trigger '{}' stores what outside callers send",
            t.name
        ));
    }
    out
}

fn hit(
    app: &App,
    access: &RunHistoryAccess,
    reasons: &[String],
    first: &str,
    severity: Severity,
) -> Hit {
    Hit {
        location: access.location.clone(),
        message: format!(
            "The Logic App '{}' lets anyone who can open it read its run history inputs and outputs from any network, and {first}.",
            app.name
        ),
        why: format!(
            "Run history keeps each trigger's and action's inputs and outputs for up to 90 days; here {}. Without an IP restriction on run history contents, every reader, operator or support person with access to the Logic App can read it, from anywhere.",
            reasons.join("; ")
        ),
        fix: format!(
            "In the Azure portal open the logic app '{}' › Settings › Workflow settings › Access control configuration and allow only your organisation's IP ranges for run history (ARM: properties.accessControl.contents.allowedCallerIpAddresses); turn on Secure inputs and Secure outputs on actions that handle secrets or personal data.",
            app.name
        ),
        evidence: Some(access.raw.clone()),
        severity: Some(severity),
        key: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataField, FieldClass, Location, Step, Trigger};
    use crate::policy::Policy;

    fn app(restricted: Option<bool>) -> App {
        App {
            platform: Platform::LogicApps,
            name: "order-intake".into(),
            triggers: vec![Trigger {
                step_id: "manual".into(),
                name: "When_a_HTTP_request_is_received".into(),
                kind: TriggerKind::Http,
                ..Trigger::default()
            }],
            run_history: restricted.map(|r| RunHistoryAccess {
                restricted: r,
                raw: "accessControl not set".into(),
                location: Location::new("t.json", "/resources/1/properties"),
            }),
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::default();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn open_run_history_of_a_request_trigger_is_low() {
        let hits = run(&app(Some(false)));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::Low));
        assert_eq!(
            hits[0].message,
            "The Logic App 'order-intake' lets anyone who can open it read its run history inputs and outputs from any network, and the trigger 'When_a_HTTP_request_is_received' stores what outside callers send."
        );
        assert_eq!(hits[0].evidence.as_deref(), Some("accessControl not set"));
    }

    #[test]
    fn secrets_or_sensitive_fields_raise_it_to_medium() {
        let mut a = app(Some(false));
        a.triggers.clear();
        a.steps.push(Step {
            id: "Get_secret".into(),
            name: "Get secret".into(),
            handles_secret: true,
            ..Step::default()
        });
        let hits = run(&a);
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        assert!(hits[0]
            .message
            .ends_with("the action 'Get secret' handles a secret."));
        let mut b = app(Some(false));
        b.fields.push(DataField {
            name: "customerEmail".into(),
            classification: Some(FieldClass {
                category: "pii".into(),
                label: "e-mail address".into(),
            }),
            ..DataField::default()
        });
        let hits = run(&b);
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        assert!(hits[0].why.contains("customerEmail (e-mail address)"));
    }

    #[test]
    fn restricted_unknown_or_uninteresting_workflows_pass() {
        assert!(run(&app(Some(true))).is_empty());
        assert!(run(&app(None)).is_empty());
        let mut quiet = app(Some(false));
        quiet.triggers.clear();
        assert!(run(&quiet).is_empty());
    }
}
