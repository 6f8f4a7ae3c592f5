//! LC002 hardcoded-secret: a key, token or password typed into the app itself.
//!
//! Layered, all through [`crate::detect::secrets::scan_value`]: values the
//! platform marks as passwords, values under sensitive keys (Authorization,
//! api_key, token, password, client_secret…), then known token formats and
//! random-looking strings. Expressions and placeholders never count.
//!
//! Ownership with LC003: a value that sits in a web address or a query
//! parameter (see [`super::lc003_secret_in_url::covers`]) is reported by LC003
//! only, because the fix differs (take it out of the address); every other
//! value is reported here. Credential exports are LC018's: a decrypted
//! credentials file is one problem ("this file holds your credentials in
//! plain text"), not one finding per field.

use crate::detect::secrets::{
    scan_value, Confidence, SecretHit, GENERIC_CONNECTION_STRING_ID, GENERIC_PASSWORD_ID,
    GENERIC_SECRET_ID,
};
use crate::model::{App, AppKind, Platform, Step, Value, ValueContext};
use crate::report::{mask, Severity};
use crate::rules::{owner_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC002",
    name: "hardcoded-secret",
    title: "A password, key or token is written into the app",
    severity: Severity::Critical,
    owasp: "CD-SEC-08",
    owasp_lcnc: "LCNC-SEC-08",
    cwe: 798,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Passwords, API keys and tokens typed straight into a step: an `Authorization`
header with a bearer token, an `api_key` query or body field, a password in a
connection string, a Stripe or Slack token inside code. It checks, in order,
fields the platform itself marks as passwords, values under names such as
`Authorization`, `api_key`, `token`, `password` or `client_secret`, and
finally known key formats (Stripe, Slack, AWS, GitHub, Microsoft…) and
random-looking strings. References to stored secrets (`{{ $env.API_KEY }}`,
`={{ $json.token }}`, `@parameters('key')`) and obvious placeholders
(`YOUR_API_KEY`, `xxxx`) are not reported. Keys inside web addresses are
reported by LC003 instead; decrypted credential exports by LC018.

## Why it matters

Anyone who can open the app, its export, a backup or a screenshot can copy
the secret and use the service as you: read customer data, send messages,
spend money. Exports get shared, attached to tickets and committed to Git,
and the secret cannot be taken back once copied. Changing it later breaks
every copy of the app at once, so it tends never to be changed.

## How to fix

First revoke or rotate the secret in the service that issued it: assume it
is already known.

**n8n** — create a credential (Credentials > Add credential, for example
*Header Auth* for an `Authorization` header) and pick it in the node: in the
HTTP Request node set Authentication to *Generic Credential Type* and choose
the credential. In Code nodes read secrets from a credential or an
environment variable (`$env.MY_KEY`) instead of writing them in the code.

**Power Automate** — keep the secret in Azure Key Vault and read it with
the *Azure Key Vault – Get secret* action (with *Secure outputs* turned on
in its Settings), or use a connection / custom connector that stores the key;
never type it into the HTTP action's headers or body.

**Salesforce Flow** — store the secret in a Named Credential / External
Credential (Setup > Named Credentials) and call the service through it.

**Appsmith** — keep keys in the datasource's authentication settings
(Datasources > your API > Authentication), which Appsmith applies on its
server, not in a query's headers or a widget's property pane. A map widget's
Google Maps key belongs in the instance's Admin settings (Google Maps API
key), restricted to your Appsmith address.

## Example

An n8n HTTP Request node with the header
`Authorization: Bearer sk_live_…` typed in is reported as "a Stripe live
secret key in the header 'Authorization'". The same node using a *Header
Auth* credential, or `={{ 'Bearer ' + $env.STRIPE_KEY }}`, is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    if app.kind == AppKind::CredentialStore {
        return Vec::new();
    }
    let mut hits = Vec::new();
    // Steps by id, built once: a lookup per value in `app.steps` made this
    // rule quadratic (200,000 n8n nodes took minutes; found by the
    // release-size time bounds). Reversed so the first of repeated ids wins,
    // as in `App::step`.
    let steps: crate::FastMap<&str, &Step> =
        app.steps.iter().rev().map(|s| (s.id.as_str(), s)).collect();
    for value in &app.values {
        if super::lc003_secret_in_url::covers(value) {
            continue;
        }
        // Environment variable values are LC022's.
        if super::lc022_secret_in_environment_variable::covers(app, value) {
            continue;
        }
        let step = value.step_id.as_deref().and_then(|id| steps.get(id));
        // Borrowed: only copied into the few findings made.
        let step_name: Option<&str> = step
            .map(|s| s.name.as_str())
            .or(value.location.step.as_deref());
        if step.is_some_and(|s| s.disabled) {
            continue;
        }
        let found_all = scan_value(value);
        if found_all.is_empty() {
            continue;
        }
        // "the node 'Fetch'", "the widget 'Map1'": named once per value with findings.
        let owner = step_name.map(|s| owner_ref(app.platform, value, s));
        for found in found_all {
            // Saved sample data only counts when the format is unmistakable.
            if value.context == ValueContext::SampleData && found.confidence < Confidence::High {
                continue;
            }
            let Some(secret) = value.value.get(found.start..found.end) else {
                continue;
            };
            hits.push(Hit {
                location: value.location.clone(),
                message: message(app, value, &found, owner.as_deref()),
                why: why(app, &found),
                fix: fix(app.platform, value, owner.as_deref()),
                evidence: Some(evidence(&value.key, secret)),
                severity: severity(value, &found),
                key: format!("{}:{}", found.pattern_id, found.start),
            });
        }
    }
    hits
}

fn severity(value: &Value, found: &SecretHit) -> Option<Severity> {
    if value.context == ValueContext::PasswordField {
        return None;
    }
    match found.confidence {
        Confidence::High => None,
        Confidence::Medium => Some(Severity::High),
        Confidence::Low => Some(Severity::Low),
    }
}

pub(super) fn app_word(platform: Platform) -> &'static str {
    match platform {
        Platform::N8n | Platform::Windmill => "workflow",
        Platform::PowerAutomate | Platform::LogicApps | Platform::SalesforceFlow => "flow",
        Platform::Make => "scenario",
        Platform::Zapier => "Zap",
        Platform::UiPath => "process",
        _ => "app",
    }
}

/// "a Stripe live secret key", "an API key or token", "a password".
pub(super) fn with_article(name: &str) -> String {
    let first_word = name.split_whitespace().next().unwrap_or("");
    // Common words are lower-cased mid-sentence; brands and acronyms keep their case.
    let shown = if is_common_word(first_word) {
        let mut chars = name.chars();
        let head: String = chars
            .next()
            .map(|c| c.to_lowercase().collect())
            .unwrap_or_default();
        head + chars.as_str()
    } else {
        name.to_string()
    };
    let acronym = first_word.len() >= 2 && first_word.chars().all(|c| c.is_ascii_uppercase());
    let first = shown.chars().next().unwrap_or(' ');
    let an = if acronym {
        "AEFHILMNORSX".contains(first)
    } else {
        "aeioAEIO".contains(first)
    };
    format!("{} {shown}", if an { "an" } else { "a" })
}

fn is_common_word(word: &str) -> bool {
    matches!(
        word,
        "Password"
            | "Private"
            | "User"
            | "Bearer"
            | "Database"
            | "Connection"
            | "Expiring"
            | "Signed"
            | "Secret"
            | "Generic"
            | "Personal"
            | "Access"
            | "Token"
            | "Key"
            | "Client"
            | "Webhook"
            | "Basic"
            | "Service"
            | "Shared"
            | "Session"
            | "Signing"
    )
}

fn place(value: &Value) -> String {
    let key = value.key.as_str();
    match value.context {
        ValueContext::Header => format!("in the header '{key}'"),
        ValueContext::Query => format!("in the query parameter '{key}'"),
        ValueContext::Body => format!("in the request body field '{key}'"),
        ValueContext::Url => "in a web address".into(),
        ValueContext::ConnectionString => "in a connection string".into(),
        ValueContext::Code => "in the code".into(),
        ValueContext::PasswordField => format!("in the password field '{key}'"),
        ValueContext::Variable => format!("in the value '{key}'"),
        ValueContext::SampleData => format!("in saved sample data (field '{key}')"),
        ValueContext::Credential => format!("in the credential field '{key}'"),
        ValueContext::Parameter if key.is_empty() => "in a setting".into(),
        ValueContext::Parameter => format!("in the setting '{key}'"),
        ValueContext::WidgetProperty => format!("in the property '{key}'"),
    }
}

/// `owner`: what the value belongs to, named (`rules::owner_ref`).
fn message(app: &App, value: &Value, found: &SecretHit, owner: Option<&str>) -> String {
    let what = with_article(&found.name);
    let place = place(value);
    // Names that already say where ("… in a Basic Authorization header") read
    // better with the place in brackets.
    if found.name.contains(" in a ") || found.name.contains(" in an ") {
        let target = owner.map_or_else(
            || format!("this {}", app_word(app.platform)),
            str::to_string,
        );
        let place = place.strip_prefix("in ").unwrap_or(&place);
        let s = format!("{what} is written into {target} ({place}).");
        return match s.get(..1) {
            Some(first) => first.to_uppercase() + s.get(1..).unwrap_or(""),
            None => s,
        };
    }
    match owner {
        Some(owner) => {
            let mut s = format!("{what} is written {place} of {owner}.");
            if let Some(first) = s.get(..1) {
                s = first.to_uppercase() + s.get(1..).unwrap_or("");
            }
            s
        }
        None => {
            let mut s = format!(
                "{what} is written {place} of this {}.",
                app_word(app.platform)
            );
            if let Some(first) = s.get(..1) {
                s = first.to_uppercase() + s.get(1..).unwrap_or("");
            }
            s
        }
    }
}

/// The first sentence of the pattern's impact text.
pub(super) fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(i) => text.get(..=i).unwrap_or(text),
        None => text,
    }
}

fn why(app: &App, found: &SecretHit) -> String {
    let app_word = app_word(app.platform);
    match found.pattern_id.as_str() {
        GENERIC_PASSWORD_ID => format!(
            "Anyone who can open this {app_word} or a copy of its export can copy this password and sign in to the service with it."
        ),
        GENERIC_SECRET_ID | GENERIC_CONNECTION_STRING_ID => format!(
            "Anyone who can open this {app_word} or a copy of its export can copy this key and use the service in your name."
        ),
        _ => format!(
            "Anyone who can open this {app_word} or a copy of its export can copy it and use it. What it allows: {}",
            first_sentence(&found.impact)
        ),
    }
}

/// `owner` as in [`message`]; when unknown, the platform's generic word.
fn fix(platform: Platform, value: &Value, owner: Option<&str>) -> String {
    let in_code = value.context == ValueContext::Code;
    match platform {
        Platform::N8n if in_code => format!(
            "Revoke this secret, then read the new one from an n8n credential or an environment variable ($env) instead of writing it in the code of {}.",
            owner.unwrap_or("the node")
        ),
        Platform::N8n => format!(
            "Revoke this secret, then save the new one as an n8n credential (Credentials > Add credential, e.g. Header Auth) and select it under Authentication in {}.",
            owner.unwrap_or("the node")
        ),
        Platform::PowerAutomate | Platform::LogicApps => "Revoke this secret, then keep the new one in Azure Key Vault and read it with the 'Get secret' action (turn on 'Secure outputs' in its Settings) instead of typing it into the action.".into(),
        Platform::SalesforceFlow => "Revoke this secret, then store the new one in a Named Credential (Setup > Named Credentials) and call the service through it.".into(),
        Platform::NodeRed => format!(
            "Revoke this secret, then put the new one in the node's credential fields (kept in flows_cred.json, encrypted with credentialSecret) or an environment variable (${{env.NAME}}) instead of typing it into {}.",
            owner.unwrap_or("the node")
        ),
        Platform::Make => format!(
            "Revoke this secret, then create a connection for the service (or a keychain entry for the HTTP app: Credentials > Add) and select it in {} instead of typing the key into a header or field.",
            owner.unwrap_or("the module")
        ),
        Platform::Appsmith if value.key == "googleMapsApiKey" => format!(
            "Revoke this key in the Google Cloud console, then ask your Appsmith administrator to set a new one (restricted to your Appsmith address) under Admin settings > Google Maps API key, and clear the property '{}' of {}.",
            value.key,
            owner.unwrap_or("the map widget")
        ),
        Platform::Appsmith => format!(
            "Revoke this secret, then keep the new one in the datasource's authentication settings (Datasources > your API > Authentication) so Appsmith adds it on its server, instead of typing it into {}.",
            owner.unwrap_or("the app")
        ),
        _ => "Revoke this secret, then keep the new one in the platform's credential or connection store instead of in the app.".into(),
    }
}

pub(super) fn evidence(key: &str, secret: &str) -> String {
    if key.is_empty() {
        mask(secret)
    } else {
        format!("{key}: {}", mask(secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Step, StepKind, ValueKind};
    use crate::policy::Policy;

    fn app_with(value: Value) -> App {
        App {
            name: "Lead intake".into(),
            steps: vec![Step {
                id: "Create lead".into(),
                name: "Create lead".into(),
                kind: StepKind::HttpRequest,
                ..Step::default()
            }],
            values: vec![value],
            ..App::default()
        }
    }

    fn value(key: &str, text: &str, context: ValueContext, kind: ValueKind) -> Value {
        Value {
            key: key.into(),
            value: text.into(),
            context,
            kind,
            step_id: Some("Create lead".into()),
            location: Location::new("wf.json", "/nodes/1/parameters/x"),
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn stripe_key_in_header_is_named_and_masked() {
        let app = app_with(value(
            "Authorization",
            "Bearer sk_live_FAKEzvOrpWt717faJWxM8hNb3xiV",
            ValueContext::Header,
            ValueKind::Literal,
        ));
        let hits = run(&app);
        assert_eq!(hits.len(), 1, "{hits:?}");
        let hit = &hits[0];
        assert_eq!(
            hit.message,
            "A Stripe live secret key is written in the header 'Authorization' of the node 'Create lead'."
        );
        assert_eq!(
            hit.evidence.as_deref(),
            Some("Authorization: sk_l••••••iV (36 characters)")
        );
        assert!(!hit.why.contains("FAKEzv"));
        assert!(hit.fix.contains("Header Auth"));
        assert_eq!(hit.severity, None);
    }

    #[test]
    fn password_field_is_critical_and_generic_key_is_high() {
        let app = app_with(value(
            "password",
            "Tr0ub4dor&3x",
            ValueContext::PasswordField,
            ValueKind::Literal,
        ));
        let hits = run(&app);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, None);
        assert!(hits[0].message.starts_with("A password is written"));

        let app = app_with(value(
            "client_secret",
            "q8Zr2LmX0vT7bN4kP1sW9yHc",
            ValueContext::Body,
            ValueKind::Literal,
        ));
        let hits = run(&app);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert!(hits[0]
            .message
            .contains("request body field 'client_secret'"));
    }

    #[test]
    fn expressions_placeholders_urls_and_credential_stores_are_skipped() {
        for v in [
            value(
                "Authorization",
                "={{ 'Bearer ' + $env.STRIPE_KEY }}",
                ValueContext::Header,
                ValueKind::Expression,
            ),
            value(
                "Authorization",
                "Bearer {{ $env.TOKEN }}",
                ValueContext::Header,
                ValueKind::Template,
            ),
            value(
                "api_key",
                "YOUR_API_KEY",
                ValueContext::Query,
                ValueKind::Literal,
            ),
            value(
                "api_key",
                "q8Zr2LmX0vT7bN4kP1sW9yHc",
                ValueContext::Query,
                ValueKind::Literal,
            ),
        ] {
            assert!(run(&app_with(v.clone())).is_empty(), "{v:?}");
        }
        let mut store = app_with(value(
            "password",
            "Tr0ub4dor&3x",
            ValueContext::PasswordField,
            ValueKind::Literal,
        ));
        store.kind = AppKind::CredentialStore;
        assert!(run(&store).is_empty());
    }

    #[test]
    fn articles_read_naturally() {
        assert_eq!(
            with_article("Stripe live secret key"),
            "a Stripe live secret key"
        );
        assert_eq!(with_article("API key or token"), "an API key or token");
        assert_eq!(with_article("Password"), "a password");
        assert_eq!(with_article("AWS access key ID"), "an AWS access key ID");
        assert_eq!(with_article("Private key (PEM)"), "a private key (PEM)");
    }

    #[test]
    fn names_that_say_where_keep_the_place_in_brackets() {
        let found = SecretHit {
            pattern_id: "authorization-basic-credentials".into(),
            name: "User name and password in a Basic Authorization header".into(),
            impact: String::new(),
            confidence: Confidence::High,
            start: 0,
            end: 1,
        };
        let v = value(
            "authorization",
            "x",
            ValueContext::Header,
            ValueKind::Literal,
        );
        let app = app_with(v.clone());
        assert_eq!(
            message(
                &app,
                &v,
                &found,
                Some(&owner_ref(app.platform, &v, "Create lead"))
            ),
            "A user name and password in a Basic Authorization header is written into the node 'Create lead' (the header 'authorization')."
        );
    }
}
