//! LC001 public-trigger-without-auth: anyone with the address can start the app.
//!
//! Fires on triggers whose [`Audience`] is `Anyone` (no sign-in, no key) or
//! `AnyoneWithLink` (the signed address is the only key). Worse (critical)
//! when the trigger sends data back to the caller or the steps it starts read
//! a database, platform records or sensitive fields. An IP allow-list lowers it
//! to medium: only callers from those addresses get in.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::model::{App, Audience, Platform, StepKind, Trigger, TriggerKind};
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC001",
    name: "public-trigger-without-auth",
    title: "Anyone on the internet can start this app",
    severity: Severity::High,
    owasp: "CD-SEC-04",
    owasp_lcnc: "LCNC-SEC-04",
    cwe: 306,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Triggers that start the app from a web address without asking the caller who
they are: an n8n Webhook, Form, public Chat or MCP Server Trigger with
Authentication set to *None*; a Power Automate "When a HTTP request is
received" trigger that anyone with the URL can call. It is reported as
critical when the trigger also sends data back to the caller, or when the
steps it starts read a database, platform records or sensitive fields.

## Why it matters

Web addresses leak: they sit in browser history, chat messages, logs and
the export itself, and short ones can be guessed. Whoever has the address
can run the app as often as they like, with any input, using every account
and connection the app holds — send e-mails in your name, fill your database
with junk, run up costs, or, if the app answers, read the data it returns.

## How to fix

**n8n** — open the Webhook node and set Authentication to *Header Auth*
(or *Basic Auth* / *JWT Auth*) and give the key only to the callers that
need it. For a Form Trigger set Authentication to *Basic Auth*; for a Chat
Trigger turn off *Make Chat Publicly Available* or set Authentication to
*n8n User Auth*; for an MCP Server Trigger set Authentication to *Bearer
Auth* or *Header Auth*.

**Power Automate** — in the trigger "When a HTTP request is received", set
*Who can trigger the flow?* to *Any user in my tenant* or *Specific users in
my tenant*, so callers must sign in with Microsoft Entra ID.

**Salesforce Flow** — do not expose the flow through a public site or guest
user; run it from an authenticated experience or an Apex REST endpoint that
checks the caller.

## Example

An n8n Webhook node with `"authentication": "none"` followed by a
*Respond to Webhook* node that returns customer records is reported as
critical. The same Webhook node with Authentication *Header Auth* is not
reported.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut reach = None;
    for trigger in &app.triggers {
        if !matches!(
            trigger.audience,
            Audience::Anyone | Audience::AnyoneWithLink
        ) {
            continue;
        }
        if app.step(&trigger.step_id).is_some_and(|s| s.disabled) {
            continue;
        }
        let reach = reach.get_or_insert_with(|| Reach::of(app));
        let reaches_data = reaches_sensitive_data(app, reach, trigger);
        let severity = if trigger.ip_restricted {
            Some(Severity::Medium)
        } else if trigger.responds_with_data || reaches_data.is_some() {
            Some(Severity::Critical)
        } else {
            None
        };
        hits.push(Hit {
            location: trigger.location.clone(),
            message: message(app, trigger),
            why: why(app, trigger, reaches_data.as_deref()),
            fix: fix(app.platform, trigger),
            evidence: Some(format!("authentication: {}", shown_auth(&trigger.auth))),
            severity,
            key: trigger.step_id.clone(),
        });
    }
    hits
}

fn shown_auth(auth: &str) -> &str {
    if auth.trim().is_empty() {
        "none"
    } else {
        auth
    }
}

/// "the node 'Webhook'", or "the trigger '…'" where the platform says trigger.
pub(super) fn trigger_ref(platform: Platform, name: &str) -> String {
    match platform {
        Platform::PowerAutomate | Platform::LogicApps | Platform::Zapier | Platform::Make => {
            format!("the trigger '{name}'")
        }
        _ => step_ref(platform, name),
    }
}

fn app_word(platform: Platform) -> &'static str {
    super::lc002_hardcoded_secret::app_word(platform)
}

fn message(app: &App, trigger: &Trigger) -> String {
    let what = trigger_ref(app.platform, &trigger.name);
    let app_word = app_word(app.platform);
    let mut text = match trigger.audience {
        Audience::AnyoneWithLink => format!(
            "Anyone who has the web address of {what} can start this {app_word}: the address itself is the only key."
        ),
        _ => format!(
            "Anyone on the internet who knows the web address of {what} can start this {app_word}: it asks for no sign-in or key."
        ),
    };
    if trigger.ip_restricted {
        text.push_str(" Only callers from the allowed IP addresses get through.");
    }
    text
}

fn why(app: &App, trigger: &Trigger, data: Option<&str>) -> String {
    let app_word = app_word(app.platform);
    let first = format!(
        "Whoever finds the address can run this {app_word} as often as they like with any input, using all of its connected accounts."
    );
    if trigger.responds_with_data {
        format!("{first} The {app_word} also sends data back in its reply, so they can read what it returns.")
    } else if let Some(data) = data {
        format!("{first} The steps it starts work with {data}.")
    } else {
        first
    }
}

fn fix(platform: Platform, trigger: &Trigger) -> String {
    match (platform, trigger.kind) {
        (Platform::N8n, TriggerKind::Form) => format!(
            "Open the node '{}' and set Authentication to Basic Auth.",
            trigger.name
        ),
        (Platform::N8n, TriggerKind::Chat) => format!(
            "Open the node '{}' and turn off 'Make Chat Publicly Available', or set Authentication to Basic Auth or n8n User Auth.",
            trigger.name
        ),
        (Platform::N8n, TriggerKind::Mcp) => format!(
            "Open the node '{}' and set Authentication to Bearer Auth or Header Auth.",
            trigger.name
        ),
        (Platform::N8n, _) => format!(
            "Open the node '{}' and set Authentication to Header Auth (or Basic Auth / JWT Auth), then give the key only to the callers that need it.",
            trigger.name
        ),
        (Platform::PowerAutomate, TriggerKind::Http) => format!(
            "In the trigger 'When a HTTP request is received' ('{}'), set 'Who can trigger the flow?' to 'Any user in my tenant' or 'Specific users in my tenant'.",
            trigger.name
        ),
        (Platform::PowerAutomate, _) => format!(
            "In the trigger '{}', require callers to sign in with an account in your tenant.",
            trigger.name
        ),
        (Platform::LogicApps, _) => "Add a Microsoft Entra ID authorization policy to the logic app (Settings > Authorization) and stop sharing the signed trigger URL.".into(),
        (Platform::SalesforceFlow, _) => "Run the flow only from an authenticated page or API that checks who the caller is, not from a public site or guest user.".into(),
        (Platform::NodeRed, _) => format!(
            "Node-RED's 'http in' node ('{}') has no sign-in of its own: turn on httpNodeAuth in settings.js (or put Node-RED behind a proxy that asks for sign-in), and check a secret header with a switch node before the flow does anything.",
            trigger.name
        ),
        (Platform::Make, _) => format!(
            "Open the webhook module '{}', click Edit on the webhook, choose Show advanced settings and fill IP restrictions with your callers' addresses; then add a filter after it that checks a secret header or key.",
            trigger.name
        ),
        _ => "Require callers to sign in or send a key before this trigger starts the app.".into(),
    }
}

/// What sensitive data the steps after the trigger touch, in plain words.
fn reaches_sensitive_data(app: &App, reach: &Reach, trigger: &Trigger) -> Option<String> {
    let start = trigger.step_id.as_str();
    // No edges out of the trigger: every step counts as reachable.
    let (field, data_step) = if reach.has_edges_out.contains(start) {
        (
            reach
                .first_field
                .get(start)
                .and_then(|&i| app.fields.get(i)),
            reach.first_step.get(start).and_then(|&i| app.steps.get(i)),
        )
    } else {
        (
            app.fields.iter().find(|f| sensitive_field(f)),
            app.steps.iter().find(|s| data_step(s)),
        )
    };
    if let Some(class) = field.and_then(|f| f.classification.as_ref()) {
        return Some(format!("sensitive data ({})", class.label));
    }
    data_step.map(|s| {
        format!(
            "stored data (the {} '{}')",
            app.platform.step_word(),
            s.name
        )
    })
}

fn sensitive_field(f: &crate::model::DataField) -> bool {
    f.classification.is_some() && f.usage != crate::model::FieldUse::Input
}

fn data_step(s: &crate::model::Step) -> bool {
    !s.disabled && matches!(s.kind, StepKind::Database | StepKind::DataOperation)
}

/// For every step id: the first sensitive field (by position in
/// `app.fields`) and the first data step (by position in `app.steps`) it
/// can reach along the app's edges, itself included — what a walk from each
/// public trigger would find first, computed once for the whole app.
///
/// Each target, in order, marks every not-yet-marked step that can reach it
/// (a walk backwards along the edges that stops at marked steps: a marked
/// step's callers were walked when it was marked, with a smaller index). So
/// every edge is followed at most once per kind of target, however many
/// triggers the app has: linear, where a walk per trigger was quadratic on
/// apps with thousands of webhooks and edges.
struct Reach<'a> {
    has_edges_out: HashSet<&'a str>,
    first_field: HashMap<&'a str, usize>,
    first_step: HashMap<&'a str, usize>,
}

impl<'a> Reach<'a> {
    fn of(app: &'a App) -> Self {
        let mut callers: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut has_edges_out = HashSet::new();
        for e in &app.edges {
            callers
                .entry(e.to.as_str())
                .or_default()
                .push(e.from.as_str());
            has_edges_out.insert(e.from.as_str());
        }
        let fields = app.fields.iter().enumerate().filter_map(|(i, f)| {
            sensitive_field(f)
                .then_some(f.step_id.as_deref())
                .flatten()
                .map(|id| (i, id))
        });
        let first_field = mark_callers(&callers, fields);
        let steps = app
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| data_step(s))
            .map(|(i, s)| (i, s.id.as_str()));
        let first_step = mark_callers(&callers, steps);
        Reach {
            has_edges_out,
            first_field,
            first_step,
        }
    }
}

fn mark_callers<'a>(
    callers: &HashMap<&'a str, Vec<&'a str>>,
    targets: impl Iterator<Item = (usize, &'a str)>,
) -> HashMap<&'a str, usize> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    for (index, target) in targets {
        if first.contains_key(target) {
            continue;
        }
        first.insert(target, index);
        queue.push_back(target);
        while let Some(node) = queue.pop_front() {
            for &caller in callers.get(node).into_iter().flatten() {
                if !first.contains_key(caller) {
                    first.insert(caller, index);
                    queue.push_back(caller);
                }
            }
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, Location, Step};
    use crate::policy::Policy;

    fn app(audience: Audience, auth: &str) -> App {
        App {
            platform: Platform::N8n,
            name: "Lead intake".into(),
            steps: vec![
                Step {
                    id: "Webhook".into(),
                    name: "Webhook".into(),
                    kind: StepKind::Trigger,
                    ..Step::default()
                },
                Step {
                    id: "Notify".into(),
                    name: "Notify".into(),
                    kind: StepKind::ConnectorAction,
                    ..Step::default()
                },
            ],
            triggers: vec![Trigger {
                step_id: "Webhook".into(),
                name: "Webhook".into(),
                kind: TriggerKind::Http,
                audience,
                auth: auth.into(),
                location: Location::new("wf.json", "/nodes/0").with_step("Webhook"),
                ..Trigger::default()
            }],
            edges: vec![Edge {
                from: "Webhook".into(),
                to: "Notify".into(),
                kind: "main".into(),
            }],
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn open_webhook_is_high_and_names_the_node() {
        let hits = run(&app(Audience::Anyone, "none"));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, None);
        assert_eq!(
            hits[0].message,
            "Anyone on the internet who knows the web address of the node 'Webhook' can start this workflow: it asks for no sign-in or key."
        );
        assert!(hits[0].fix.contains("set Authentication to Header Auth"));
    }

    #[test]
    fn critical_when_it_answers_or_reaches_a_database() {
        let mut a = app(Audience::Anyone, "none");
        a.triggers[0].responds_with_data = true;
        assert_eq!(run(&a)[0].severity, Some(Severity::Critical));

        let mut a = app(Audience::Anyone, "none");
        a.steps[1].kind = StepKind::Database;
        let hits = run(&a);
        assert_eq!(hits[0].severity, Some(Severity::Critical));
        assert!(hits[0].why.contains("stored data (the node 'Notify')"));

        // Not reachable from this trigger: stays high.
        let mut a = app(Audience::Anyone, "none");
        a.steps.push(Step {
            id: "Elsewhere".into(),
            name: "Elsewhere".into(),
            kind: StepKind::Database,
            ..Step::default()
        });
        assert_eq!(run(&a)[0].severity, None);
    }

    #[test]
    fn power_automate_link_trigger_uses_its_own_words() {
        let mut a = app(Audience::AnyoneWithLink, "");
        a.platform = Platform::PowerAutomate;
        a.triggers[0].name = "manual".into();
        let hits = run(&a);
        assert_eq!(hits.len(), 1);
        assert!(hits[0].message.starts_with(
            "Anyone who has the web address of the trigger 'manual' can start this flow"
        ));
        assert!(hits[0].fix.contains("'Who can trigger the flow?'"));
    }

    #[test]
    fn ip_allow_list_lowers_it_to_medium() {
        let mut a = app(Audience::Anyone, "none");
        a.triggers[0].ip_restricted = true;
        a.triggers[0].responds_with_data = true;
        let hits = run(&a);
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        assert!(hits[0]
            .message
            .ends_with("Only callers from the allowed IP addresses get through."));
    }

    #[test]
    fn authenticated_internal_and_disabled_triggers_are_fine() {
        assert!(run(&app(Audience::CredentialHolders, "headerAuth")).is_empty());
        assert!(run(&app(Audience::Organisation, "n8nUserAuth")).is_empty());
        assert!(run(&app(Audience::Internal, "none")).is_empty());
        assert!(run(&app(Audience::Unknown, "none")).is_empty());
        let mut a = app(Audience::Anyone, "none");
        a.steps[0].disabled = true;
        assert!(run(&a).is_empty());
    }
}
