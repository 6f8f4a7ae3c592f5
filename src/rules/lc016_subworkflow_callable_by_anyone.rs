//! LC016 subworkflow-callable-by-anyone: any workflow on the instance may call this one.
//!
//! The n8n parser turns `settings.callerPolicy` into the audience of the
//! workflow's Execute Workflow Trigger (`any` → `Organisation`). Without such
//! a trigger the workflow cannot be called at all, so the setting alone
//! (kept in `App::sharing`) is not reported.

use crate::model::{App, Audience, Platform, TriggerKind};
use crate::report::Severity;
use crate::rules::{Context, Hit, Rule};

use super::lc001_public_trigger_without_auth::trigger_ref;

pub static RULE: Rule = Rule {
    id: "LC016",
    name: "subworkflow-callable-by-anyone",
    title: "Any other workflow can call this one",
    severity: Severity::Medium,
    owasp: "CD-SEC-02",
    owasp_lcnc: "LCNC-SEC-02",
    cwe: 285,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Workflows that can be started as a sub-workflow by every other workflow on
the instance, whoever built it: in n8n, a workflow with an *Execute Workflow
Trigger* (*When Executed by Another Workflow*) whose setting *This workflow
can be called by* is *All workflows* (`callerPolicy: any`).

## Why it matters

The sub-workflow runs with its own credentials. Anyone who can build a
workflow on the instance — a colleague, a contractor, a compromised account —
can call it and use those credentials and the data it returns, without ever
being given access to them. A sub-workflow that sends e-mails, reads the
CRM or pays invoices becomes a tool for everyone.

## How to fix

**n8n** — open the workflow's *Settings* and set *This workflow can be
called by* to *Only workflows from the same project* (or *Selected
workflows* and list the callers' IDs).

**Power Automate** — child flows can only be called from flows in the same
solution; keep sensitive child flows in a solution only trusted makers can
edit.

## Example

A workflow with an Execute Workflow Trigger and
`"settings": { "callerPolicy": "any" }` is reported; with
`"callerPolicy": "workflowsFromSameOwner"` it is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for trigger in &app.triggers {
        if trigger.kind != TriggerKind::SubWorkflow
            || !matches!(trigger.audience, Audience::Anyone | Audience::Organisation)
        {
            continue;
        }
        if app.step(&trigger.step_id).is_some_and(|s| s.disabled) {
            continue;
        }
        let setting = app
            .sharing
            .iter()
            .find(|s| matches!(s.audience, Audience::Anyone | Audience::Organisation));
        let location = setting.map_or_else(|| trigger.location.clone(), |s| s.location.clone());
        let evidence = setting.map_or_else(|| trigger.auth.clone(), |s| s.raw.clone());
        let uses: Vec<&str> = app
            .credentials
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| !n.is_empty())
            .collect();
        let why = if uses.is_empty() {
            "Anyone who can build a workflow on this instance can call it and get whatever it returns, without being given access to it.".to_string()
        } else {
            format!(
                "Anyone who can build a workflow on this instance can call it and make it use its credentials ({}), without being given access to them.",
                uses.iter().take(3).map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
            )
        };
        hits.push(Hit {
            location: location.with_step(&trigger.name),
            message: format!(
                "Every workflow on the instance may start this workflow through {}, not only your own.",
                trigger_ref(app.platform, &trigger.name)
            ),
            why,
            fix: fix(app.platform),
            evidence: Some(evidence),
            severity: None,
            key: trigger.step_id.clone(),
        });
    }
    hits
}

fn fix(platform: Platform) -> String {
    match platform {
        Platform::N8n => "Open the workflow's Settings and set 'This workflow can be called by' to 'Only workflows from the same project' (or 'Selected workflows').".into(),
        Platform::PowerAutomate => "Keep this child flow in a solution that only trusted makers can edit.".into(),
        _ => "Allow only the workflows that need it to call this one.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credential, Location, Sharing, Trigger};
    use crate::policy::Policy;

    fn app(audience: Audience) -> App {
        App {
            platform: Platform::N8n,
            triggers: vec![Trigger {
                step_id: "Start".into(),
                name: "Start".into(),
                kind: TriggerKind::SubWorkflow,
                audience,
                auth: "callerPolicy: any".into(),
                location: Location::new("wf.json", "/nodes/0"),
                ..Trigger::default()
            }],
            sharing: vec![Sharing {
                audience,
                what: "may start this workflow as a sub-workflow".into(),
                raw: "callerPolicy: any".into(),
                location: Location::new("wf.json", "/settings/callerPolicy"),
            }],
            credentials: vec![Credential {
                name: "CRM admin".into(),
                ..Credential::default()
            }],
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn any_caller_is_reported_at_the_setting() {
        let hits = run(&app(Audience::Organisation));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].location.path, "/settings/callerPolicy");
        assert_eq!(
            hits[0].message,
            "Every workflow on the instance may start this workflow through the node 'Start', not only your own."
        );
        assert!(hits[0].why.contains("'CRM admin'"));
        assert!(hits[0].fix.contains("This workflow can be called by"));
    }

    #[test]
    fn restricted_callers_and_other_triggers_are_fine() {
        assert!(run(&app(Audience::Internal)).is_empty());
        assert!(run(&app(Audience::SpecificUsers)).is_empty());
        let mut a = app(Audience::Organisation);
        a.triggers[0].kind = TriggerKind::Http;
        assert!(run(&a).is_empty());
    }
}
