//! LC009 connection-runs-as-maker: a connection signs in as the maker for
//! everyone who starts the flow (Power Automate "Embedded" connections).
//!
//! Only flows other people can start are reported: medium for instant flows
//! (buttons, Power Apps, Copilot — run-only users), high when a request, form,
//! chat or webhook trigger lets others start it.

use crate::detect::connectors;
use crate::model::{App, Audience, Connection, ConnectionIdentity, Platform, Trigger, TriggerKind};
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

use super::capitalise;
use super::lc010_sensitive_data_field::app_word;

pub static RULE: Rule = Rule {
    id: "LC009",
    name: "connection-runs-as-maker",
    title: "Others act with the maker's own sign-in",
    severity: Severity::Medium,
    owasp: "CD-SEC-01",
    owasp_lcnc: "LCNC-SEC-01",
    cwe: 269,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Connections that use the maker's own account for everyone who runs the
flow — in Power Automate, connection references whose source is `Embedded`
(*Use this connection* in the run-only settings) — on flows that other
people can start: an HTTP request, form, chat or webhook trigger (high) or
an instant flow started from a button, Power Apps or Copilot that can be
shared with run-only users (medium). Scheduled and event-started flows are
not reported.

## Why it matters

Whoever starts the flow acts with the maker's permissions: they can read the
maker's mailbox, files and records, or send messages in the maker's name,
even if their own account could not. Run history and audit logs show the
maker, not the person who really did it, and if the maker leaves the
company the flow breaks or keeps their access alive.

## How to fix

**Power Automate** — open the flow's details page, and under *Run only
users* click *Edit*; for each connection choose *Provided by run-only user*
instead of *Use this connection*. For flows started by an HTTP request,
use a service account or an app registration for the connection instead of
your own account, and restrict who may call the trigger.

## Example

A flow started by *When an HTTP request is received* whose Office 365
Outlook connection reference has `"source": "Embedded"` is reported as high;
the same connection with `"source": "Invoker"` is not.
"#;

/// How strongly other people can start the app: 2 = request-style triggers,
/// 1 = instant flows shared with run-only users, 0 = nobody else.
fn started_by_others(app: &App) -> (u8, Option<&Trigger>) {
    let mut best: (u8, Option<&Trigger>) = (0, None);
    for t in &app.triggers {
        if app.step(&t.step_id).is_some_and(|s| s.disabled) {
            continue;
        }
        let level = match t.kind {
            _ if t.audience == Audience::Internal => 0,
            TriggerKind::Http
            | TriggerKind::Webhook
            | TriggerKind::Form
            | TriggerKind::Chat
            | TriggerKind::Mcp => 2,
            TriggerKind::Manual | TriggerKind::App => 1,
            _ => 0,
        };
        if level > best.0 {
            best = (level, Some(t));
        }
    }
    best
}

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let (level, trigger) = started_by_others(app);
    if level == 0 {
        return Vec::new();
    }
    let severity = if level >= 2 {
        Severity::High
    } else {
        Severity::Medium
    };
    let who = match (level, trigger.map(|t| (t.kind, t.audience))) {
        (2, Some((_, Audience::Anyone))) => "anyone on the internet who has its address",
        (2, Some((_, Audience::AnyoneWithLink))) => "anyone who has its link",
        (2, Some((TriggerKind::Chat, _))) => "anyone who can chat with the agent that calls it",
        (2, Some((TriggerKind::Form, _))) => "anyone who can fill in its form",
        (2, Some((_, Audience::Organisation))) => "anyone in your organisation",
        (2, _) => "the people and systems that call its trigger",
        _ => "the people it is shared with",
    };
    let mut hits = Vec::new();
    for conn in &app.connections {
        if conn.identity != ConnectionIdentity::Maker {
            continue;
        }
        let users: Vec<&str> = app
            .steps
            .iter()
            .filter(|s| !s.disabled && s.connection.as_deref() == Some(conn.id.as_str()))
            .map(|s| s.name.as_str())
            .collect();
        let Some((first, rest)) = users.split_first() else {
            continue;
        };
        let more = match rest.len() {
            0 => String::new(),
            1 => " and 1 other step".to_string(),
            n => format!(" and {n} other steps"),
        };
        let connector = connector_name(conn);
        let message = format!(
            "{}{more} use the {connector} connection with the maker's own sign-in, and this {} can be started by {who}.",
            capitalise(&step_ref(app.platform, first)),
            app_word(app.platform),
        );
        let message = if rest.is_empty() {
            message.replacen(" use the ", " uses the ", 1)
        } else {
            message
        };
        let why = format!(
            "Whoever starts this {} reads, sends or changes things in {connector} as the maker, with the maker's permissions, and the records show the maker as the one who did it.",
            app_word(app.platform)
        );
        hits.push(Hit {
            location: conn.location.clone().with_step(first),
            message,
            why,
            fix: fix(app.platform),
            evidence: Some("connection: the maker's sign-in (Embedded)".into()),
            severity: Some(severity),
            key: conn.id.clone(),
        });
    }
    hits
}

fn connector_name(conn: &Connection) -> String {
    if let Some(c) = connectors::lookup(&conn.connector) {
        return c.name.clone();
    }
    // Custom connectors: `shared_my-20api-5fec…-2de1…` = "my api" (`-20` is a
    // space, `-5f` an underscore, the trailing parts a hexadecimal suffix).
    let raw = conn.connector.trim_start_matches("shared_");
    let mut parts: Vec<&str> = raw.split('-').collect();
    while parts.len() > 1
        && parts.last().is_some_and(|p| {
            let p = p.strip_prefix("5f").unwrap_or(p);
            p.len() >= 8 && p.chars().all(|c| c.is_ascii_hexdigit())
        })
    {
        parts.pop();
    }
    let name = parts.join("-").replace("-20", " ").replace("-5f", "_");
    let name = name.trim();
    if name.is_empty() {
        conn.connector.clone()
    } else {
        name.to_string()
    }
}

fn fix(platform: Platform) -> String {
    match platform {
        Platform::PowerAutomate => "Open the flow's details page, under 'Run only users' click 'Edit', and for this connection choose 'Provided by run-only user' instead of 'Use this connection' (for HTTP-started flows, use a service account's connection instead of your own).".into(),
        Platform::LogicApps => "Give the logic app a managed identity or a service account's connection instead of your own account.".into(),
        _ => "Make this connection use a service account, or the account of the person running the app, instead of your own.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Step, StepKind};
    use crate::policy::Policy;

    fn app(kind: TriggerKind, audience: Audience, identity: ConnectionIdentity) -> App {
        App {
            platform: Platform::PowerAutomate,
            name: "Order lookup".into(),
            triggers: vec![Trigger {
                step_id: "manual".into(),
                name: "manual".into(),
                kind,
                audience,
                ..Trigger::default()
            }],
            connections: vec![Connection {
                id: "shared_office365".into(),
                connector: "shared_office365".into(),
                display_name: "maker@contoso.test".into(),
                identity,
                location: Location::new(
                    "flow.json",
                    "/properties/connectionReferences/shared_office365",
                ),
                ..Connection::default()
            }],
            steps: vec![
                Step {
                    id: "manual".into(),
                    name: "manual".into(),
                    kind: StepKind::Trigger,
                    ..Step::default()
                },
                Step {
                    id: "Send_an_email".into(),
                    name: "Send an email (V2)".into(),
                    kind: StepKind::ConnectorAction,
                    connection: Some("shared_office365".into()),
                    ..Step::default()
                },
            ],
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn maker_connection_on_a_public_request_trigger_is_high() {
        let hits = run(&app(
            TriggerKind::Http,
            Audience::Anyone,
            ConnectionIdentity::Maker,
        ));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert!(
            hits[0]
                .message
                .starts_with("The action 'Send an email (V2)' uses the "),
            "{}",
            hits[0].message
        );
        assert!(hits[0]
            .message
            .ends_with("can be started by anyone on the internet who has its address."));
        assert!(hits[0].fix.contains("'Provided by run-only user'"));
        assert_eq!(hits[0].key, "shared_office365");
    }

    #[test]
    fn custom_connector_names_are_readable() {
        let conn = Connection {
            connector: "shared_microsoft-20graph-20api-20demo-5feca8e1ea20c64f-2de1df1a592ec41e"
                .into(),
            ..Connection::default()
        };
        assert_eq!(connector_name(&conn), "microsoft graph api demo");
        let conn = Connection {
            connector: "shared_office365".into(),
            ..Connection::default()
        };
        assert_eq!(connector_name(&conn), "Office 365 Outlook");
    }

    #[test]
    fn maker_connection_on_an_instant_flow_is_medium() {
        let hits = run(&app(
            TriggerKind::Manual,
            Audience::Unknown,
            ConnectionIdentity::Maker,
        ));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::Medium));
    }

    #[test]
    fn invoker_connections_and_flows_nobody_else_starts_are_fine() {
        assert!(run(&app(
            TriggerKind::Http,
            Audience::Anyone,
            ConnectionIdentity::Invoker
        ))
        .is_empty());
        assert!(run(&app(
            TriggerKind::Schedule,
            Audience::Internal,
            ConnectionIdentity::Maker
        ))
        .is_empty());
        assert!(run(&app(
            TriggerKind::Event,
            Audience::Unknown,
            ConnectionIdentity::Maker
        ))
        .is_empty());
        assert!(run(&app(
            TriggerKind::Http,
            Audience::Internal,
            ConnectionIdentity::Maker
        ))
        .is_empty());
    }
}
