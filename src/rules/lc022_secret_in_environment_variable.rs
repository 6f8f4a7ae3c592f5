//! LC022 secret-in-environment-variable: a Power Platform environment variable
//! ships a secret in the solution — a *Secret*-type variable holding the
//! secret itself instead of a Key Vault reference, or a plain Text/JSON
//! variable holding something that looks like a key, token or password.
//!
//! Ownership with LC002: every value of an environment variable is judged
//! here (see [`covers`]), because the fix differs (make it a Secret variable
//! backed by Azure Key Vault), so LC002 skips them.

use crate::detect::secrets::{is_placeholder, scan_value, Confidence};
use crate::model::{App, EnvVarKind, EnvVarValue, EnvVariable, Value, ValueContext, ValueKind};
use crate::report::Severity;
use crate::rules::lc002_hardcoded_secret::{evidence, first_sentence, with_article};
use crate::rules::{Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC022",
    name: "secret-in-environment-variable",
    title: "An environment variable carries a secret in the solution",
    severity: Severity::High,
    owasp: "CD-SEC-08",
    owasp_lcnc: "LCNC-SEC-08",
    cwe: 798,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Environment variables in a Power Platform solution that ship a secret inside
the solution file:

* a variable of type **Secret** whose default or current value is the secret
  itself rather than a reference to an Azure Key Vault secret
  (`/subscriptions/…/providers/Microsoft.KeyVault/vaults/…/secrets/…`);
* a variable of type **Text** or **JSON** (or an older untyped one) whose
  default or current value looks like a key, token, password or connection
  string — the same detectors as the hard-coded secret rule (LC002).

Key Vault references, placeholders and numbers, yes/no and data-source
variables are not reported.

## Why it matters

A solution is exported, copied between environments, attached to tickets and
kept in source control. Every environment variable value in it — default
values in `environmentvariabledefinition.xml` and current values in
`environmentvariablevalues.json` — travels with it in plain text. Anyone with
a copy of the solution can use the key as your app. Text variables are also
shown to every maker who can open the solution, and flows that read them
write the value into run history.

## How to fix

First revoke or rotate the secret in the service that issued it: assume it is
already known.

**Power Platform** — store the secret in Azure Key Vault. In
make.powerapps.com open the solution, select *New › More › Environment
variable*, set *Data type* to **Secret**, *Secret store* to *Azure Key Vault*,
and enter the vault's subscription, resource group, vault and secret name.
Point the flows and apps at the new variable and delete the old Text
variable. Before exporting, remove the current value from the solution
(*Remove from this solution* on the value) so each environment sets its own.

## Example

A Text variable `cr1_PartnerApiKey` with the default value
`sk_live_…` is reported as critical; the same variable as type Secret with
the value `/subscriptions/…/providers/Microsoft.KeyVault/vaults/kv/secrets/partner-key`
is not.
"#;

/// Whether a model value is a value of one of the app's environment
/// variables (and therefore judged here, not by LC002).
pub(super) fn covers(app: &App, value: &Value) -> bool {
    !app.env_vars.is_empty()
        && app.env_vars.iter().any(|var| {
            var.values.iter().any(|v| {
                v.location.file == value.location.file && v.location.path == value.location.path
            })
        })
}

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for var in &app.env_vars {
        for value in &var.values {
            let text = value.value.trim();
            if text.is_empty() || value.secret_reference {
                continue;
            }
            match var.kind {
                EnvVarKind::Secret => {
                    if is_placeholder(text) {
                        continue;
                    }
                    hits.push(literal_secret(app, var, value));
                }
                EnvVarKind::Text | EnvVarKind::Json | EnvVarKind::Unknown => {
                    hits.extend(secret_looking(app, var, value));
                }
                EnvVarKind::Number | EnvVarKind::Boolean | EnvVarKind::DataSource => {}
            }
        }
    }
    hits
}

fn shown_name(var: &EnvVariable) -> String {
    match &var.display_name {
        Some(d) if d != &var.name => format!("'{d}' ({})", var.name),
        _ => format!("'{}'", var.name),
    }
}

fn which(value: &EnvVarValue) -> &'static str {
    if value.current {
        "current value"
    } else {
        "default value"
    }
}

fn literal_secret(app: &App, var: &EnvVariable, value: &EnvVarValue) -> Hit {
    Hit {
        location: value.location.clone(),
        message: format!(
            "The secret environment variable {} in solution '{}' has its {} written out in the solution instead of pointing to Azure Key Vault.",
            shown_name(var),
            app.name,
            which(value)
        ),
        why: "A Secret environment variable is meant to hold only a reference to a Key Vault secret; with the secret itself in it, anyone who gets a copy of the solution file can read and use it.".into(),
        fix: fix(var),
        evidence: Some(evidence(&var.name, value.value.trim())),
        severity: None,
        key: format!("{}:{}", var.name, which(value)),
    }
}

fn secret_looking(app: &App, var: &EnvVariable, value: &EnvVarValue) -> Vec<Hit> {
    let probe = Value {
        key: var.name.clone(),
        value: value.value.clone(),
        context: ValueContext::Variable,
        kind: ValueKind::Literal,
        step_id: None,
        location: value.location.clone(),
    };
    // A key inside a web address is LC003's (take it out of the address).
    if super::lc003_secret_in_url::covers(&probe) {
        return Vec::new();
    }
    let kind_word = match var.kind {
        EnvVarKind::Json => "JSON",
        _ => "text",
    };
    scan_value(&probe)
        .into_iter()
        .filter_map(|found| {
            let secret = probe.value.get(found.start..found.end)?;
            let severity = match found.confidence {
                Confidence::High => Severity::Critical,
                Confidence::Medium => Severity::High,
                Confidence::Low => Severity::Low,
            };
            Some(Hit {
                location: value.location.clone(),
                message: format!(
                    "The {kind_word} environment variable {} in solution '{}' holds {} in its {}.",
                    shown_name(var),
                    app.name,
                    with_article(&found.name),
                    which(value)
                ),
                why: format!(
                    "Environment variable values travel in plain text with every copy of the solution and are shown to every maker who opens it, so anyone with the file can use this secret. What it allows: {}",
                    first_sentence(&found.impact)
                ),
                fix: fix(var),
                evidence: Some(evidence(&var.name, secret)),
                severity: Some(severity),
                key: format!("{}:{}:{}", which(value), found.pattern_id, found.start),
            })
        })
        .collect()
}

fn fix(var: &EnvVariable) -> String {
    format!(
        "Revoke this secret, then keep the new one in Azure Key Vault and make {} an environment variable of type Secret that points to it (make.powerapps.com › Solutions › New › More › Environment variable › Data type: Secret); remove its value from the solution before exporting.",
        shown_name(var)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Platform};
    use crate::policy::Policy;

    fn var(kind: EnvVarKind, value: &str, current: bool) -> EnvVariable {
        EnvVariable {
            name: "cr1_PartnerApiKey".into(),
            display_name: Some("Partner API key".into()),
            kind,
            raw_kind: String::new(),
            values: vec![EnvVarValue {
                value: value.into(),
                current,
                secret_reference: value.starts_with("/subscriptions/"),
                location: Location::new(
                    "s.zip!/x.xml",
                    "/environmentvariabledefinition[cr1_PartnerApiKey]/defaultvalue",
                ),
            }],
            location: Location::default(),
        }
    }

    fn run(vars: Vec<EnvVariable>) -> Vec<Hit> {
        let app = App {
            platform: Platform::PowerPlatformSolution,
            name: "Partner Sync".into(),
            env_vars: vars,
            ..App::default()
        };
        let policy = Policy::default();
        check(&app, &Context { policy: &policy })
    }

    const FAKE_LIVE_KEY: &str = "sk_live_FAKEq3WmZr8LpT2vXn5KdJ7b";

    #[test]
    fn secret_variable_with_literal_value_is_reported() {
        let hits = run(vec![var(EnvVarKind::Secret, "Wq8#kLp2!vRt", false)]);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The secret environment variable 'Partner API key' (cr1_PartnerApiKey) in solution 'Partner Sync' has its default value written out in the solution instead of pointing to Azure Key Vault."
        );
        assert_eq!(hits[0].severity, None);
        let ev = hits[0].evidence.clone().unwrap_or_default();
        assert!(!ev.contains("Wq8#kLp2!vRt"), "{ev}");
    }

    #[test]
    fn key_vault_references_and_placeholders_pass() {
        assert!(run(vec![var(
            EnvVarKind::Secret,
            "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/k",
            false
        )])
        .is_empty());
        assert!(run(vec![var(EnvVarKind::Secret, "<set at deployment>", true)]).is_empty());
    }

    #[test]
    fn text_variable_with_known_key_format_is_critical() {
        let hits = run(vec![var(EnvVarKind::Text, FAKE_LIVE_KEY, true)]);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].severity, Some(Severity::Critical));
        assert!(hits[0]
            .message
            .starts_with("The text environment variable 'Partner API key'"));
        assert!(
            hits[0].message.ends_with("in its current value."),
            "{}",
            hits[0].message
        );
        assert!(!hits[0]
            .evidence
            .clone()
            .unwrap_or_default()
            .contains(FAKE_LIVE_KEY));
    }

    #[test]
    fn ordinary_text_numbers_and_urls_pass() {
        assert!(run(vec![var(EnvVarKind::Text, "Finance Approvers", false)]).is_empty());
        assert!(run(vec![var(EnvVarKind::Number, FAKE_LIVE_KEY, false)]).is_empty());
        assert!(run(vec![var(
            EnvVarKind::Text,
            "https://contoso.sharepoint.com/sites/Finance",
            false
        )])
        .is_empty());
    }

    #[test]
    fn covers_only_environment_variable_values() {
        let v = var(EnvVarKind::Text, "x", false);
        let app = App {
            env_vars: vec![v.clone()],
            ..App::default()
        };
        let mut value = Value {
            location: v.values[0].location.clone(),
            ..Value::default()
        };
        assert!(covers(&app, &value));
        value.location.path = "/other".into();
        assert!(!covers(&app, &value));
    }
}
