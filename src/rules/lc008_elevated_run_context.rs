//! LC008 elevated-run-context: the app runs with more access than the person
//! using it (Salesforce "System Context Without Sharing").
//!
//! Reads [`RunContext`](crate::model::RunContext) only: system mode without
//! sharing is high (critical when people use the flow directly, medium when
//! running it needs an extra permission); system mode with sharing is medium.

use crate::model::{App, DataAccess, Platform, RunMode, Step, StepKind};
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

use super::capitalise;
use super::lc010_sensitive_data_field::app_word;

pub static RULE: Rule = Rule {
    id: "LC008",
    name: "elevated-run-context",
    title: "Runs with more access than its users",
    severity: Severity::High,
    owasp: "CD-SEC-02",
    owasp_lcnc: "LCNC-SEC-02",
    cwe: 269,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Apps that run in system mode instead of as the person using them: a
Salesforce flow whose *How to Run the Flow* is *System Context Without
Sharing — Access All Data* (`runInMode` `SystemModeWithoutSharing`, high;
critical for screen flows and other flows people start themselves; medium
when only users with a granted permission may run it), or *System Context
With Sharing — Enforces Record-Level Access* (`SystemModeWithSharing`,
medium).

## Why it matters

In system mode the flow ignores the user's own permissions. Without sharing
it can also see and change every record in the org. Anyone who can run the
flow — and for a screen flow that can be every user, or a guest on a public
site — can read or change records that are otherwise hidden from them,
simply by typing a different name or id into the screen.

## How to fix

**Salesforce** — in Flow Builder, click the gear (*Flow properties*) ›
*Show Advanced*, and set *How to Run the Flow* to *User or System Context —
Depends on How Flow is Launched*, or restrict who can run it with *Override
default behavior and restrict access to enabled profiles or permission
sets*. If the flow really needs system access, keep the elements that use
it small and check in the flow that the user may see the record.

## Example

A screen flow with `<runInMode>SystemModeWithoutSharing</runInMode>` and a
Get Records element on Contact is reported as critical; the same flow
without `runInMode` (default: user context) is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let rc = &app.run_context;
    let (base, mode_words) = match rc.mode {
        RunMode::SystemWithoutSharing => (
            Severity::High,
            "in system context without sharing, so it can see and change every record",
        ),
        RunMode::SystemWithSharing => (
            Severity::Medium,
            "in system context with sharing, so it ignores object and field permissions",
        ),
        _ => return Vec::new(),
    };
    let restricted = rc.requires_permission == Some(true);
    let severity = if restricted {
        Severity::Medium
    } else if rc.user_facing && base == Severity::High {
        Severity::Critical
    } else {
        base
    };
    let data: Vec<&Step> = app
        .steps
        .iter()
        .filter(|s| !s.disabled && (s.data_op.is_some() || s.kind == StepKind::DataOperation))
        .collect();
    let data_steps: Vec<&str> = data.iter().map(|s| s.name.as_str()).collect();
    let elements = match data.as_slice() {
        [] => String::new(),
        [one] => {
            let access = one
                .data_op
                .as_ref()
                .map(|op| op.access.as_slice())
                .unwrap_or_default();
            let verb = if access.iter().all(|a| *a == DataAccess::Read) && !access.is_empty() {
                "reads"
            } else if !access.contains(&DataAccess::Read) && !access.is_empty() {
                "changes"
            } else {
                "reads or changes"
            };
            format!(
                " {} {verb} records with that access.",
                capitalise(&step_ref(app.platform, &one.name))
            )
        }
        _ => format!(
            " Its {} {}s {} read or change records with that access.",
            data_steps.len(),
            app.platform.step_word(),
            list(&data_steps)
        ),
    };
    let message = format!(
        "The {} '{}' runs {mode_words}, whatever access the person running it has.{elements}",
        app_word(app.platform),
        app.name
    );
    let who = if restricted {
        "Users who have been given permission to run this flow"
    } else if rc.user_facing {
        "Anyone who can open this flow"
    } else {
        "Whoever or whatever starts this flow"
    };
    let why = match rc.mode {
        RunMode::SystemWithoutSharing => format!(
            "{who} can read or change records their own access would hide from them, for example other people's contacts or accounts."
        ),
        _ => format!(
            "{who} can read or change fields and objects their own profile does not let them see."
        ),
    };
    let location = rc.location.clone().unwrap_or_else(|| app.location.clone());
    vec![Hit {
        location,
        message,
        why,
        fix: fix(app.platform),
        evidence: Some(format!("run mode: {}", evidence_raw(&rc.raw, rc.mode))),
        severity: Some(severity),
        key: String::new(),
    }]
}

fn evidence_raw(raw: &str, mode: RunMode) -> String {
    if raw.trim().is_empty() {
        match mode {
            RunMode::SystemWithoutSharing => "system without sharing".into(),
            _ => "system with sharing".into(),
        }
    } else {
        raw.chars().take(80).collect()
    }
}

/// "'a', 'b' and 'c'".
fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("'{i}'")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn fix(platform: Platform) -> String {
    match platform {
        Platform::SalesforceFlow => "In Flow Builder, click the gear (Flow properties) › Show Advanced, and set 'How to Run the Flow' to 'User or System Context — Depends on How Flow is Launched', or restrict who can run it with 'Override default behavior and restrict access to enabled profiles or permission sets'.".into(),
        _ => "Make the app run as the person using it, or restrict who may start it to the people who need it.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataOperation, RunContext};
    use crate::policy::Policy;

    fn app(mode: RunMode, user_facing: bool, requires_permission: Option<bool>) -> App {
        App {
            platform: Platform::SalesforceFlow,
            name: "Contact Lookup".into(),
            run_context: RunContext {
                mode,
                raw: "SystemModeWithoutSharing".into(),
                user_facing,
                requires_permission,
                location: None,
            },
            steps: vec![Step {
                id: "Get_Contact".into(),
                name: "Get Contact".into(),
                kind: StepKind::DataOperation,
                data_op: Some(DataOperation {
                    access: vec![DataAccess::Read],
                    object: "Contact".into(),
                    ..DataOperation::default()
                }),
                ..Step::default()
            }],
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn without_sharing_on_a_screen_flow_is_critical_and_names_the_element() {
        let hits = run(&app(RunMode::SystemWithoutSharing, true, Some(false)));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::Critical));
        assert_eq!(
            hits[0].message,
            "The flow 'Contact Lookup' runs in system context without sharing, so it can see and change every record, whatever access the person running it has. The element 'Get Contact' reads records with that access."
        );
        assert!(hits[0].fix.contains("'How to Run the Flow'"));
        assert_eq!(
            hits[0].evidence.as_deref(),
            Some("run mode: SystemModeWithoutSharing")
        );
    }

    #[test]
    fn severity_follows_audience_permission_and_sharing() {
        let background = run(&app(RunMode::SystemWithoutSharing, false, Some(false)));
        assert_eq!(background[0].severity, Some(Severity::High));
        let restricted = run(&app(RunMode::SystemWithoutSharing, true, Some(true)));
        assert_eq!(restricted[0].severity, Some(Severity::Medium));
        let with_sharing = run(&app(RunMode::SystemWithSharing, true, Some(false)));
        assert_eq!(with_sharing[0].severity, Some(Severity::Medium));
    }

    #[test]
    fn user_context_and_unknown_modes_are_fine() {
        assert!(run(&app(RunMode::User, true, None)).is_empty());
        assert!(run(&app(RunMode::Owner, true, None)).is_empty());
        assert!(run(&app(RunMode::Unknown, true, None)).is_empty());
    }
}
