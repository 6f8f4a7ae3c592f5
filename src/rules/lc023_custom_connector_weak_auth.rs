//! LC023 custom-connector-weak-auth: a custom connector in a Power Platform
//! solution signs in with a shared API key or a user name and password, or
//! with nothing at all.
//!
//! The parser describes each custom connector as a [`Connection`] whose
//! `auth` lists the security schemes of its OpenAPI definition and connection
//! parameters in the platform's words (`apiKey`, `basic`, `oauth2 (aad)`,
//! `none`); connection references to a custom connector carry
//! `custom connector` and are named in the finding. Plain-HTTP hosts on their
//! own are LC004's; here they only raise the severity when a key or password
//! would travel over them.

use crate::model::{App, Connection, Platform};
use crate::report::Severity;
use crate::rules::{Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC023",
    name: "custom-connector-weak-auth",
    title: "A custom connector signs in with a shared key, a password or nothing",
    severity: Severity::Medium,
    owasp: "CD-SEC-01",
    owasp_lcnc: "LCNC-SEC-01",
    cwe: 1390,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Custom connectors in a Power Platform solution whose definition
(`Connector/*_openapidefinition.json` `securityDefinitions`, and
`Connector/*_connectionparameters.json`) sets the authentication type to:

* **No authentication** — the service behind the connector takes calls from
  anyone who knows its address (high);
* **Basic authentication** — a user name and password (medium; high when the
  connector's scheme is HTTP, so the password travels unencrypted);
* **API Key** — one shared key for everyone (medium; high over HTTP).

Connectors using OAuth 2.0 (for example Microsoft Entra ID) are not
reported. The finding names the connection references in the solution that
use the connector.

## Why it matters

With basic or API-key authentication every connection holds a copy of a
long-lived shared secret: it cannot be tied to the person using it, rarely
expires, and is often the same key for the whole organisation, so one leaked
connection exposes the service for everyone. Without authentication the
service itself is open: anyone who finds its address can call it without
Power Platform at all. Over plain HTTP the key or password can be read on the
network.

## How to fix

**Power Platform** — in make.powerapps.com open the solution, open the
custom connector and choose *Edit*. On the **Security** tab set
*Authentication type* to **OAuth 2.0** (identity provider *Azure Active
Directory* / Microsoft Entra ID, or the provider the service supports) and
enter the client id and resource URL; on the **General** tab set *Scheme* to
**HTTPS**. Select *Update connector*, then recreate the connections that use
it. If the service only offers API keys, keep the key in Azure Key Vault
behind Azure API Management and let the connector sign in to API Management
with OAuth instead.

## Example

A custom connector "Partner Orders" whose OpenAPI definition has
`"securityDefinitions": {"basic_auth": {"type": "basic"}}` and
`"schemes": ["http"]` is reported as high; the same connector with
`{"type": "oauth2", "flow": "accessCode", …}` and `"schemes": ["https"]` is not.
"#;

/// The weakest scheme a connector's auth text names, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Weak {
    None,
    Basic,
    ApiKey,
}

fn weakest(auth: &str) -> Option<Weak> {
    let mut found: Option<Weak> = None;
    for part in auth.split(',').map(str::trim) {
        let lower = part.to_ascii_lowercase();
        let weak = if lower == "none" {
            Weak::None
        } else if lower == "basic" {
            Weak::Basic
        } else if lower == "apikey" {
            Weak::ApiKey
        } else if lower.starts_with("oauth2") {
            // OAuth offered: the connector can be used without a shared secret.
            return None;
        } else {
            continue;
        };
        found = Some(found.map_or(weak, |f| f.min(weak)));
    }
    found
}

/// A custom connector, as opposed to a connection reference.
pub(super) fn is_custom_connector(c: &Connection) -> bool {
    c.auth
        .as_deref()
        .is_some_and(|a| !a.eq_ignore_ascii_case("custom connector"))
}

/// Connection references whose connector id names this custom connector
/// (`shared_cr1-5fpartnerorders-5f0123…` for `cr1_partnerorders`).
fn references<'a>(app: &'a App, connector: &Connection) -> Vec<&'a str> {
    let encoded = connector.id.to_ascii_lowercase().replace('_', "-5f");
    app.connections
        .iter()
        .filter(|c| !is_custom_connector(c) && c.id != connector.id)
        .filter(|c| {
            let id = c.connector.to_ascii_lowercase();
            !encoded.is_empty()
                && (id.contains(&format!("shared_{encoded}-5f"))
                    || id.ends_with(&format!("shared_{encoded}")))
        })
        .map(|c| c.display_name.as_str())
        .collect()
}

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    if app.platform != Platform::PowerPlatformSolution {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for c in app.connections.iter().filter(|c| is_custom_connector(c)) {
        let Some(auth) = c.auth.as_deref() else {
            continue;
        };
        let Some(weak) = weakest(auth) else {
            continue;
        };
        let plain_http = c
            .endpoint
            .as_deref()
            .is_some_and(|e| e.to_ascii_lowercase().starts_with("http://"));
        let (how, why, severity) = match weak {
            Weak::None => (
                "uses no authentication",
                "The service behind it accepts calls from anyone who knows its address, with or without Power Platform, so its data and actions are open to everyone on the network or internet.".to_string(),
                Severity::High,
            ),
            Weak::Basic => (
                "signs in with a user name and password (basic authentication)",
                shared_secret_why("password", plain_http),
                if plain_http { Severity::High } else { Severity::Medium },
            ),
            Weak::ApiKey => (
                "signs in with a shared API key",
                shared_secret_why("key", plain_http),
                if plain_http { Severity::High } else { Severity::Medium },
            ),
        };
        let refs = references(app, c);
        let mut message = format!(
            "The custom connector '{}' in solution '{}' {how}",
            c.display_name, app.name
        );
        if plain_http && weak != Weak::None {
            message.push_str(" over plain HTTP");
        }
        if !refs.is_empty() {
            message.push_str(&format!(
                "; connection reference(s) using it: {}",
                refs.join(", ")
            ));
        }
        message.push('.');
        let mut fix = format!(
            "Open the custom connector '{}' (make.powerapps.com › Solutions › the solution › the connector › Edit) and on the Security tab set Authentication type to OAuth 2.0 (for example Microsoft Entra ID)",
            c.display_name
        );
        if plain_http {
            fix.push_str("; on the General tab set Scheme to HTTPS");
        }
        fix.push_str(", then update the connector and recreate its connections.");
        hits.push(Hit {
            location: c.location.clone(),
            message,
            why,
            fix,
            evidence: Some(format!(
                "authentication: {auth}{}",
                c.endpoint
                    .as_deref()
                    .map(|e| format!("; address: {e}"))
                    .unwrap_or_default()
            )),
            severity: Some(severity),
            key: c.id.clone(),
        });
    }
    hits
}

fn shared_secret_why(secret: &str, plain_http: bool) -> String {
    let mut why = format!(
        "Every connection made with it stores a copy of the same long-lived {secret}; it cannot be tied to the person using it and rarely expires, so one leaked connection or export exposes the service for everyone."
    );
    if plain_http {
        why.push_str(&format!(
            " The connector talks plain HTTP, so the {secret} can also be read on the network."
        ));
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::policy::Policy;

    fn connector(auth: &str, endpoint: &str) -> Connection {
        Connection {
            id: "cr1_partnerorders".into(),
            connector: "cr1_partnerorders".into(),
            display_name: "Partner Orders".into(),
            auth: Some(auth.into()),
            endpoint: Some(endpoint.into()),
            location: Location::new(
                "s.zip!/Connector/cr1_partnerorders_openapidefinition.json",
                "",
            ),
            ..Connection::default()
        }
    }

    fn reference() -> Connection {
        Connection {
            id: "cr1_sharedpartnerorders_1a2b3".into(),
            connector: "shared_cr1-5fpartnerorders-5f0123456789abcdef".into(),
            display_name: "Partner Orders (sync)".into(),
            auth: Some("custom connector".into()),
            ..Connection::default()
        }
    }

    fn run(connections: Vec<Connection>) -> Vec<Hit> {
        let app = App {
            platform: Platform::PowerPlatformSolution,
            name: "Partner Sync".into(),
            connections,
            ..App::default()
        };
        let policy = Policy::default();
        check(&app, &Context { policy: &policy })
    }

    #[test]
    fn basic_auth_over_http_is_high_and_names_the_reference() {
        let hits = run(vec![
            connector("basic", "http://orders.partner.test/api"),
            reference(),
        ]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert_eq!(
            hits[0].message,
            "The custom connector 'Partner Orders' in solution 'Partner Sync' signs in with a user name and password (basic authentication) over plain HTTP; connection reference(s) using it: Partner Orders (sync)."
        );
        assert!(hits[0].fix.contains("Scheme to HTTPS"));
    }

    #[test]
    fn api_key_over_https_is_medium_and_no_auth_is_high() {
        let hits = run(vec![connector("apiKey", "https://orders.partner.test/api")]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        assert!(!hits[0].fix.contains("HTTPS"));
        let hits = run(vec![connector("none", "https://orders.partner.test/api")]);
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert!(hits[0].message.contains("uses no authentication"));
    }

    #[test]
    fn oauth_connectors_references_and_other_platforms_pass() {
        assert!(run(vec![connector("oauth2 (aad)", "https://x.test")]).is_empty());
        assert!(run(vec![connector("apiKey, oauth2", "https://x.test")]).is_empty());
        assert!(run(vec![reference()]).is_empty());
        let app = App {
            platform: Platform::LogicApps,
            connections: vec![connector("basic", "http://x.test")],
            ..App::default()
        };
        let policy = Policy::default();
        assert!(check(&app, &Context { policy: &policy }).is_empty());
    }

    #[test]
    fn weakest_scheme_wins() {
        assert_eq!(weakest("apiKey, basic"), Some(Weak::Basic));
        assert_eq!(weakest("none"), Some(Weak::None));
        assert_eq!(weakest("custom connector"), None);
    }
}
