//! LC017 any-website-can-call-trigger: a public trigger allows every browser origin.
//!
//! Only public triggers (audience `Anyone` / `AnyoneWithLink`) count: with
//! sign-in or a key, a foreign website cannot call it anyway, and `*` never
//! lets a browser send the user's cookies.

use crate::model::{App, Audience, Platform, Trigger, TriggerKind};
use crate::report::Severity;
use crate::rules::{Context, Hit, Rule};

use super::capitalise;
use super::lc001_public_trigger_without_auth::trigger_ref;

pub static RULE: Rule = Rule {
    id: "LC017",
    name: "any-website-can-call-trigger",
    title: "Any website can call this trigger from a visitor's browser",
    severity: Severity::Medium,
    owasp: "CD-SEC-05",
    owasp_lcnc: "LCNC-SEC-05",
    cwe: 942,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Public web triggers (webhooks, forms, chats) whose *Allowed Origins (CORS)*
setting is `*`, meaning scripts on every website may call them from a
visitor's browser and read the answer. Only an explicit `*` is reported:
n8n also allows every origin when the option is missing, but such a trigger
is already reported by LC001 when it is open, and a finding per webhook for a
default setting would drown the real ones.

## Why it matters

Any web page — an advert, a phishing site, a forum post — can quietly make
its visitors' browsers call your trigger: flooding the app with requests
from thousands of addresses you cannot block, submitting your form or
chatting with your AI assistant at your cost, and reading whatever the
trigger answers. Requests from inside your network (an employee's browser)
reach triggers that are only meant to be reachable there.

## How to fix

**n8n** — open the Webhook (or Form / Chat Trigger) node, *Add option* >
*Allowed Origins (CORS)*, and list only your own sites, for example
`https://www.example.com`. Also set Authentication (see LC001).

**Power Automate** — call the flow from your own back end rather than from
browser code, and restrict who can trigger it.

## Example

An n8n Webhook node with Authentication *None* and
`"options": { "allowedOrigins": "*" }` is reported; with
`"allowedOrigins": "https://shop.example.com"` it is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for trigger in &app.triggers {
        if !allows_any_origin(trigger) || !is_public_web_trigger(trigger) {
            continue;
        }
        if app.step(&trigger.step_id).is_some_and(|s| s.disabled) {
            continue;
        }
        let answer = if trigger.responds_with_data {
            " and read what it answers"
        } else {
            ""
        };
        hits.push(Hit {
            location: trigger.location.clone(),
            message: format!(
                "{} lets scripts on any website call it from a visitor's browser (allowed origins: *).",
                capitalise(&trigger_ref(app.platform, &trigger.name))
            ),
            why: format!(
                "Any web page can make its visitors' browsers start this {}{answer}, from addresses you cannot block.",
                super::lc002_hardcoded_secret::app_word(app.platform)
            ),
            fix: fix(app.platform, &trigger.name),
            evidence: trigger.allowed_origins.as_ref().map(|o| format!("allowed origins: {o}")),
            severity: None,
            key: trigger.step_id.clone(),
        });
    }
    hits
}

fn allows_any_origin(trigger: &Trigger) -> bool {
    trigger
        .allowed_origins
        .as_deref()
        .is_some_and(|o| o.split(',').any(|part| part.trim() == "*"))
}

fn is_public_web_trigger(trigger: &Trigger) -> bool {
    matches!(
        trigger.kind,
        TriggerKind::Http | TriggerKind::Form | TriggerKind::Chat | TriggerKind::Mcp
    ) && matches!(
        trigger.audience,
        Audience::Anyone | Audience::AnyoneWithLink
    )
}

fn fix(platform: Platform, name: &str) -> String {
    match platform {
        Platform::N8n => format!(
            "Open the node '{name}', choose Add option > Allowed Origins (CORS) and list only your own sites (for example https://www.example.com) instead of *."
        ),
        Platform::PowerAutomate | Platform::LogicApps => format!(
            "Call the trigger '{name}' from your own server instead of from browser code, and restrict who can trigger the flow."
        ),
        _ => format!("Allow only your own websites to call '{name}' instead of *."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::policy::Policy;

    fn app(origins: Option<&str>, audience: Audience) -> App {
        App {
            platform: Platform::N8n,
            triggers: vec![Trigger {
                step_id: "Webhook".into(),
                name: "Webhook".into(),
                kind: TriggerKind::Http,
                audience,
                allowed_origins: origins.map(str::to_string),
                responds_with_data: true,
                location: Location::new("wf.json", "/nodes/0"),
                ..Trigger::default()
            }],
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn star_on_a_public_webhook_is_reported() {
        let hits = run(&app(Some("*"), Audience::Anyone));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The node 'Webhook' lets scripts on any website call it from a visitor's browser (allowed origins: *)."
        );
        assert!(hits[0].why.contains("read what it answers"));
        assert!(hits[0].fix.contains("Allowed Origins (CORS)"));
        assert_eq!(
            run(&app(Some("https://a.test, *"), Audience::Anyone)).len(),
            1
        );
    }

    #[test]
    fn listed_origins_or_protected_triggers_are_fine() {
        assert!(run(&app(Some("https://shop.example.com"), Audience::Anyone)).is_empty());
        assert!(run(&app(None, Audience::Anyone)).is_empty());
        assert!(run(&app(Some("*"), Audience::CredentialHolders)).is_empty());
    }
}
