//! LC018 plaintext-credentials-in-export: the export holds credentials unencrypted.
//!
//! One finding per credential stored in plain text (n8n
//! `export:credentials --decrypted`). LC002 skips credential stores, so each
//! field of a decrypted credential is not reported a second time; the
//! evidence here names the secret fields and shows the first one masked.

use crate::detect::secrets::is_placeholder;
use crate::model::{App, Credential, CredentialStorage, Platform, ValueContext, ValueKind};
use crate::report::{mask, Severity};
use crate::rules::{Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC018",
    name: "plaintext-credentials-in-export",
    title: "This file holds credentials in plain text",
    severity: Severity::Critical,
    owasp: "CD-SEC-08",
    owasp_lcnc: "LCNC-SEC-08",
    cwe: 256,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Exports that contain credentials — passwords, API keys, OAuth tokens,
database logins — unencrypted, for example the output of n8n's
`n8n export:credentials --decrypted`, or a backup where the credential data
is readable JSON instead of an encrypted string.

## Why it matters

Whoever gets this file gets every account in it at once: they can sign in to
the databases, mail boxes, CRMs and APIs your workflows use, as your
workflows. Such files end up in backups, shared drives, tickets and Git
repositories, and often stay there for years.

## How to fix

Treat every credential in the file as known to others: change each password
and revoke each key or token in the service it belongs to. Then delete the
file and every copy of it.

**n8n** — export without `--decrypted` (credentials stay encrypted with the
instance's encryption key) and keep that key separately, or move secrets to
an external secrets store (Settings > External Secrets).

**Power Automate / Power Platform** — connections are never exported with
their secrets; re-create connections in the target environment instead of
copying credential files.

## Example

An n8n credentials export where `"data": { "apiKey": "sk_live_…" }` is a
readable object is reported, once per credential; an export where `data` is
an encrypted string (`"U2FsdGVkX1…"`) is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for credential in &app.credentials {
        if credential.storage != CredentialStorage::Plaintext {
            continue;
        }
        let fields = secret_fields(app, credential);
        let name = if credential.name.is_empty() {
            "(unnamed)".to_string()
        } else {
            credential.name.clone()
        };
        let kind = if credential.credential_type.is_empty() {
            String::new()
        } else {
            format!(" ({})", credential.credential_type)
        };
        let evidence = match fields.first() {
            Some((key, text)) => {
                let more = if fields.len() > 1 {
                    format!(
                        "; also {}",
                        fields
                            .iter()
                            .skip(1)
                            .take(5)
                            .map(|(k, _)| *k)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    String::new()
                };
                format!("{key}: {}{more}", mask(text))
            }
            None => "credential data stored as readable text".to_string(),
        };
        hits.push(Hit {
            location: credential.location.clone(),
            message: format!(
                "The credential '{name}'{kind} is stored in this file unencrypted, so its password or key can be read by anyone who opens the file."
            ),
            why: "Whoever gets a copy of this file can sign in to that service as your workflows do; exported files end up in backups, shared folders and tickets.".into(),
            fix: fix(app.platform),
            evidence: Some(evidence),
            severity: None,
            key: credential.name.clone(),
        });
    }
    hits
}

/// The credential's literal secret-looking fields, key and value.
fn secret_fields<'a>(app: &'a App, credential: &Credential) -> Vec<(&'a str, &'a str)> {
    let prefix = format!("{}/", credential.location.path);
    app.values
        .iter()
        .filter(|v| {
            v.location.file == credential.location.file
                && v.location.path.starts_with(&prefix)
                && v.kind != ValueKind::Expression
                && !is_placeholder(&v.value)
                && (v.context == ValueContext::PasswordField
                    || !crate::detect::secrets::scan_value(v).is_empty())
        })
        .map(|v| (v.key.as_str(), v.value.as_str()))
        .collect()
}

fn fix(platform: Platform) -> String {
    match platform {
        Platform::N8n => "Change every password and key in this file, delete the file and its copies, and export again without --decrypted (or use External Secrets).".into(),
        _ => "Change every password and key in this file, delete the file and its copies, and re-create the connections instead of exporting them.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AppKind, Location, Value};
    use crate::policy::Policy;

    fn app(storage: CredentialStorage) -> App {
        App {
            platform: Platform::N8n,
            kind: AppKind::CredentialStore,
            credentials: vec![Credential {
                name: "Stripe prod".into(),
                credential_type: "stripeApi".into(),
                storage,
                used_by: Vec::new(),
                location: Location::new("creds.json", "/0"),
            }],
            values: vec![
                Value {
                    key: "secretKey".into(),
                    value: "sk_live_FAKEzvOrpWt717faJWxM8hNb3xiV".into(),
                    context: ValueContext::PasswordField,
                    location: Location::new("creds.json", "/0/data/secretKey"),
                    ..Value::default()
                },
                Value {
                    key: "host".into(),
                    value: "api.stripe.com".into(),
                    context: ValueContext::Credential,
                    location: Location::new("creds.json", "/0/data/host"),
                    ..Value::default()
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
    fn decrypted_credential_is_reported_once_with_masked_evidence() {
        let hits = run(&app(CredentialStorage::Plaintext));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The credential 'Stripe prod' (stripeApi) is stored in this file unencrypted, so its password or key can be read by anyone who opens the file."
        );
        assert_eq!(
            hits[0].evidence.as_deref(),
            Some("secretKey: sk_l••••••iV (36 characters)")
        );
        assert!(hits[0].fix.contains("--decrypted"));
    }

    #[test]
    fn encrypted_and_referenced_credentials_are_fine() {
        assert!(run(&app(CredentialStorage::Encrypted)).is_empty());
        assert!(run(&app(CredentialStorage::Reference)).is_empty());
    }
}
