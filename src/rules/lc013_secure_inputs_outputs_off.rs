//! LC013 secure-inputs-outputs-off: a Power Automate / Logic Apps action
//! handles a secret but its run history shows it (Secure inputs / Secure
//! outputs not switched on).
//!
//! Which side matters depends on the action: an HTTP call that signs in with
//! a password, key or certificate has the secret in its inputs; a Key Vault
//! "Get secret" returns it in its outputs; a token request or a variable
//! holding a secret has it in both.

use crate::model::{App, HttpAuth, Platform, Step, StepKind};
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

use super::capitalise;
use super::lc010_sensitive_data_field::app_word;

pub static RULE: Rule = Rule {
    id: "LC013",
    name: "secure-inputs-outputs-off",
    title: "Secrets show in the run history",
    severity: Severity::Medium,
    owasp: "CD-SEC-08",
    owasp_lcnc: "LCNC-SEC-08",
    cwe: 532,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Power Automate and Azure Logic Apps actions that handle a secret while
*Secure inputs* or *Secure outputs* is off (`runtimeConfiguration.secureData`
missing): HTTP actions that sign in with a password, API key, bearer token,
client secret or certificate (inputs), Azure Key Vault *Get secret* actions
(outputs), token requests and variables named like a password (both).

## Why it matters

Every run of a flow is saved in its run history with what each action
received and returned. Without the secure settings, the password, key or
token is shown there in plain text to everyone who can open the run history
— co-owners, administrators, support staff — and it stays there for weeks,
long after you have changed the flow.

## How to fix

**Power Automate** — open the action's ⋯ menu › *Settings* and turn on
*Secure inputs* and *Secure outputs*, then save the flow. Actions that use
the output later also hide it in run history.

**Azure Logic Apps** — in the designer select the action, open *Settings*
and turn on *Secure inputs* and *Secure outputs* (in code view:
`"runtimeConfiguration": { "secureData": { "properties": ["inputs",
"outputs"] } }`).

## Example

A Key Vault *Get secret* action without `runtimeConfiguration` is reported
("Secure outputs is off"); the same action with
`"secureData": { "properties": ["inputs", "outputs"] }` is not.
"#;

/// Which sides of the step carry the secret: (inputs, outputs).
fn secret_sides(step: &Step) -> (bool, bool) {
    let http_secret = step.http.as_ref().is_some_and(|h| {
        matches!(
            h.auth,
            HttpAuth::Basic
                | HttpAuth::Header
                | HttpAuth::Query
                | HttpAuth::Bearer
                | HttpAuth::OAuth
                | HttpAuth::ClientCertificate
        )
    });
    if step.handles_secret {
        // A connector that fetches a secret (Key Vault) only returns it.
        let inputs = step.kind != StepKind::ConnectorAction || http_secret;
        (inputs, true)
    } else {
        (http_secret, false)
    }
}

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    if !matches!(app.platform, Platform::PowerAutomate | Platform::LogicApps) {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for step in &app.steps {
        if step.disabled {
            continue;
        }
        let (need_in, need_out) = secret_sides(step);
        let in_off = need_in && step.secure_inputs != Some(true);
        let out_off = need_out && step.secure_outputs != Some(true);
        let (setting, where_) = match (in_off, out_off) {
            (true, true) => (
                "Secure inputs and Secure outputs are",
                "what it sends and receives",
            ),
            (true, false) => ("Secure inputs is", "what it sends"),
            (false, true) => ("Secure outputs is", "what it returns"),
            (false, false) => continue,
        };
        let what = if step.http.is_some() && !step.handles_secret {
            "signs in with a password, key or token"
        } else {
            "handles a secret"
        };
        let message = format!(
            "{} {what}, but {setting} off, so the run history shows {where_} in plain text.",
            capitalise(&step_ref(app.platform, &step.name)),
        );
        let why = format!(
            "Anyone who can open this {}'s run history — co-owners, administrators, support staff — can copy the secret from there, for weeks after each run.",
            app_word(app.platform)
        );
        let evidence = format!(
            "secure inputs: {}, secure outputs: {}",
            on_off(step.secure_inputs),
            on_off(step.secure_outputs)
        );
        hits.push(Hit {
            location: step.location.clone().with_step(&step.name),
            message,
            why,
            fix: fix(app.platform, &step.name),
            evidence: Some(evidence),
            severity: None,
            key: step.id.clone(),
        });
    }
    hits
}

fn on_off(v: Option<bool>) -> &'static str {
    if v == Some(true) {
        "on"
    } else {
        "off"
    }
}

fn fix(platform: Platform, step: &str) -> String {
    match platform {
        Platform::LogicApps => format!(
            "In the designer select the action '{step}', open Settings and turn on Secure inputs and Secure outputs."
        ),
        _ => format!(
            "For the action '{step}', open the action's ⋯ menu › Settings and turn on Secure inputs and Secure outputs."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HttpCall, Location};
    use crate::policy::Policy;

    fn key_vault(secure_outputs: Option<bool>) -> Step {
        Step {
            id: "Get_secret".into(),
            name: "Get secret".into(),
            kind: StepKind::ConnectorAction,
            connector: Some("shared_keyvault".into()),
            handles_secret: true,
            secure_inputs: Some(false),
            secure_outputs,
            location: Location::new("flow.json", "/properties/definition/actions/Get_secret"),
            ..Step::default()
        }
    }

    fn http(auth: HttpAuth, secure_inputs: Option<bool>) -> Step {
        Step {
            id: "Call_API".into(),
            name: "Call API".into(),
            kind: StepKind::HttpRequest,
            http: Some(HttpCall {
                url: "https://api.example.test/orders".into(),
                auth,
                ..HttpCall::default()
            }),
            secure_inputs,
            secure_outputs: Some(false),
            ..Step::default()
        }
    }

    fn run(platform: Platform, steps: Vec<Step>) -> Vec<Hit> {
        let app = App {
            platform,
            steps,
            ..App::default()
        };
        let policy = Policy::empty();
        check(&app, &Context { policy: &policy })
    }

    #[test]
    fn key_vault_secret_without_secure_outputs_is_reported() {
        let hits = run(Platform::PowerAutomate, vec![key_vault(Some(false))]);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The action 'Get secret' handles a secret, but Secure outputs is off, so the run history shows what it returns in plain text."
        );
        assert_eq!(
            hits[0].evidence.as_deref(),
            Some("secure inputs: off, secure outputs: off")
        );
        assert!(hits[0].fix.contains("⋯ menu › Settings"));
    }

    #[test]
    fn http_call_with_a_key_needs_secure_inputs() {
        let hits = run(Platform::LogicApps, vec![http(HttpAuth::Header, None)]);
        assert_eq!(hits.len(), 1);
        assert!(hits[0]
            .message
            .contains("signs in with a password, key or token, but Secure inputs is off"));
        assert!(hits[0]
            .fix
            .starts_with("In the designer select the action 'Call API'"));
    }

    #[test]
    fn secured_or_secretless_steps_and_other_platforms_are_fine() {
        assert!(run(Platform::PowerAutomate, vec![key_vault(Some(true))]).is_empty());
        assert!(run(
            Platform::PowerAutomate,
            vec![http(HttpAuth::Header, Some(true))]
        )
        .is_empty());
        assert!(run(Platform::PowerAutomate, vec![http(HttpAuth::None, None)]).is_empty());
        assert!(run(
            Platform::PowerAutomate,
            vec![http(HttpAuth::ManagedIdentity, None)]
        )
        .is_empty());
        assert!(run(Platform::N8n, vec![key_vault(None)]).is_empty());
    }
}
