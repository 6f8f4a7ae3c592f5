//! LC030 app-open-to-anyone: anyone on the internet can open the app without
//! signing in.
//!
//! Reads `App::sharing` entries whose audience is [`Audience::Anyone`]:
//! Appsmith and ToolJet `isPublic`, and the same shape from other parsers
//! (Budibase screens with the PUBLIC role, Windmill anonymous apps).
//!
//! Severity: **high** when the open app reaches something worth protecting —
//! it reads or writes fields the sensitive-field dictionary recognises, its
//! queries run through saved data-source connections or credentials (a
//! visitor uses them as the app does), or it holds a secret — otherwise
//! **medium** (a public page that shows static content or calls only public
//! services is still worth a look, but exposes little).

use crate::model::{App, AppKind, Audience, CredentialStorage, Platform, ValueContext, ValueKind};
use crate::report::Severity;
use crate::rules::{Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC030",
    name: "app-open-to-anyone",
    title: "Anyone on the internet can open this app",
    severity: Severity::Medium,
    owasp: "CD-SEC-02",
    owasp_lcnc: "LCNC-SEC-02",
    cwe: 284,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Apps that anyone on the internet can open without signing in: an Appsmith
app with *Make application public* switched on (`isPublic: true` in the
export), a ToolJet app shared with *Make application public*
(`isPublic: true`), a Budibase screen whose access role is *Public*, a
Windmill app published for anonymous users.

## Why it matters

A public app runs its queries for every visitor. Whatever the app can read
or change through its data sources — the customer table, the orders
spreadsheet, the internal API — anyone who has or guesses the link can read
or change too, using the app's saved credentials and without an account,
and nothing records who they were. Links to "internal" tools end up in
chats, tickets, browser histories and search engines.

The finding is **high** when the app reads or writes sensitive fields
(names, e-mail addresses, card numbers, health data…), runs queries through
saved data-source connections or credentials, or holds a secret; otherwise
it is **medium**.

## How to fix

Make the app private and give access only to the people who need it. If
part of it really must be public (a sign-up form), build that part as a
separate app that can only do that one thing.

**Appsmith** — open the app, click *Share* (top right) and switch off
*Make application public*; invite the users or groups who need it instead.

**ToolJet** — open the app in the editor, click *Share* (top right) and
switch off *Make application public*; give access through workspace
groups (*Workspace settings > Groups*).

**Budibase** — in *Design*, open each screen's settings and set *Access*
to *Basic* (or higher) instead of *Public*.

**Windmill** — in the app editor, open the app's settings and stop
publishing it for anonymous users; share it with the users or groups who
need it.

## Example

An Appsmith export with `"exportedApplication": {"name": "Orders",
"isPublic": true}` and a Postgres query reading `email` and `card_number`
is reported (high); the same app with `"isPublic": false` is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    if app.kind == AppKind::CredentialStore {
        return Vec::new();
    }
    let Some(setting) = app.sharing.iter().find(|s| s.audience == Audience::Anyone) else {
        return Vec::new();
    };
    let sensitive: Vec<String> = {
        let mut names: Vec<String> = Vec::new();
        for f in &app.fields {
            if let Some(class) = &f.classification {
                let shown = format!("{} ({})", class.label, f.name);
                if !names.contains(&shown) {
                    names.push(shown);
                }
            }
        }
        names
    };
    let connections: Vec<&str> = app
        .connections
        .iter()
        .filter(|c| {
            app.steps
                .iter()
                .any(|s| s.connection.as_deref() == Some(c.id.as_str()))
        })
        .map(|c| c.display_name.as_str())
        .collect();
    let secret = app
        .credentials
        .iter()
        .any(|c| c.storage == CredentialStorage::Plaintext)
        || app.values.iter().any(|v| {
            v.context == ValueContext::PasswordField
                && v.kind == ValueKind::Literal
                && !v.value.trim().is_empty()
        });
    let queries = app.steps.iter().filter(|s| !s.disabled).count();
    let what = app_word(app.platform);
    let word = app.platform.step_word();
    let runs = match queries {
        0 => String::new(),
        1 => format!(" and run its {word}"),
        n => format!(" and run its {n} {}", plural(word)),
    };
    let mut reasons: Vec<String> = Vec::new();
    if !sensitive.is_empty() {
        let more = if sensitive.len() > 3 {
            format!(" and {} more", sensitive.len() - 3)
        } else {
            String::new()
        };
        reasons.push(format!(
            "it handles sensitive data: {}{more}",
            sensitive
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !connections.is_empty() {
        reasons.push(format!(
            "it reaches the saved connection{} {}",
            if connections.len() == 1 { "" } else { "s" },
            connections
                .iter()
                .take(3)
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if secret {
        reasons.push(format!("the {what} holds a password or key"));
    }
    let high = !reasons.is_empty();
    let why = if high {
        format!(
            "Every visitor gets the {what}'s own access: {}. Anyone with the link can read or change that data without an account, and nothing records who they were.",
            reasons.join("; ")
        )
    } else {
        format!(
            "Anyone who has or guesses the link can use the {what} without an account; today it reaches no sensitive data or saved connection, but anything added to it later is public too."
        )
    };
    vec![Hit {
        location: setting.location.clone(),
        message: format!(
            "Anyone on the internet who has the link can open the {what} '{}' without signing in{runs}.",
            app.name
        ),
        why,
        fix: fix(app.platform),
        evidence: Some(setting.raw.clone()),
        severity: Some(if high {
            Severity::High
        } else {
            Severity::Medium
        }),
        key: setting.raw.clone(),
    }]
}

fn plural(word: &str) -> String {
    match word.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{word}s"),
    }
}

fn app_word(platform: Platform) -> &'static str {
    match platform {
        Platform::Windmill | Platform::Budibase | Platform::Appsmith | Platform::ToolJet => "app",
        _ => super::lc002_hardcoded_secret::app_word(platform),
    }
}

fn fix(platform: Platform) -> String {
    match platform {
        Platform::Appsmith => "Open the app, click Share (top right) and switch off 'Make application public'; invite the users or groups who need it instead.".into(),
        Platform::ToolJet => "Open the app in the editor, click Share (top right) and switch off 'Make application public'; give access through workspace groups (Workspace settings > Groups).".into(),
        Platform::Budibase => "In Design, open each public screen's settings and set Access to 'Basic' (or higher) instead of 'Public'.".into(),
        Platform::Windmill => "In the app editor, open the app's settings and stop publishing it for anonymous users; share it with the users or groups who need it.".into(),
        Platform::Retool => "Turn off the app's public access link (Share > Public) and share it with the groups who need it.".into(),
        _ => "Turn off public access and share the app only with the people who need it.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Connection, DataField, FieldClass, Location, Sharing, Step, StepKind};
    use crate::policy::Policy;

    fn app(audience: Audience) -> App {
        App {
            platform: Platform::Appsmith,
            kind: AppKind::InternalTool,
            name: "Orders".into(),
            sharing: vec![Sharing {
                audience,
                what: "anyone with the link can open it".into(),
                raw: "isPublic: true".into(),
                location: Location::new("app.json", "/exportedApplication/isPublic"),
            }],
            steps: vec![Step {
                id: "q1".into(),
                name: "getOrders".into(),
                kind: StepKind::HttpRequest,
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
    fn public_app_without_data_is_medium() {
        let hits = run(&app(Audience::Anyone));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        assert_eq!(
            hits[0].message,
            "Anyone on the internet who has the link can open the app 'Orders' without signing in and run its query."
        );
        assert_eq!(hits[0].location.path, "/exportedApplication/isPublic");
        assert_eq!(hits[0].evidence.as_deref(), Some("isPublic: true"));
        assert!(hits[0].fix.contains("Make application public"));
    }

    #[test]
    fn sensitive_fields_or_connections_make_it_high() {
        let mut a = app(Audience::Anyone);
        a.fields.push(DataField {
            name: "card_number".into(),
            classification: Some(FieldClass {
                category: "financial".into(),
                label: "card number".into(),
            }),
            ..DataField::default()
        });
        let hits = run(&a);
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert!(
            hits[0].why.contains("card number (card_number)"),
            "{}",
            hits[0].why
        );

        let mut b = app(Audience::Anyone);
        b.platform = Platform::ToolJet;
        b.connections.push(Connection {
            id: "ds1".into(),
            display_name: "Orders DB".into(),
            ..Connection::default()
        });
        b.steps[0].connection = Some("ds1".into());
        let hits = run(&b);
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert!(hits[0]
            .why
            .contains("it reaches the saved connection 'Orders DB'"));
        assert!(hits[0].fix.contains("Workspace settings > Groups"));
    }

    #[test]
    fn private_apps_and_credential_stores_are_fine() {
        assert!(run(&app(Audience::Organisation)).is_empty());
        assert!(run(&app(Audience::SpecificUsers)).is_empty());
        let mut store = app(Audience::Anyone);
        store.kind = AppKind::CredentialStore;
        assert!(run(&store).is_empty());
        let mut none = app(Audience::Anyone);
        none.sharing.clear();
        assert!(run(&none).is_empty());
    }
}
