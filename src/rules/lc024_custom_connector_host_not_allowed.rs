//! LC024 custom-connector-host-not-allowed: a custom connector in a Power
//! Platform solution sends its calls to a host the organisation has not
//! approved (the policy's `allowed_hosts`), or — whatever the policy — to a
//! temporary tunnel, request-capture service or bare public IP address.

use crate::model::{App, Connection, Platform};
use crate::platforms::common::host_of;
use crate::policy::Policy;
use crate::report::Severity;
use crate::rules::lc012_sensitive_data_to_external_connector::is_internal_host;
use crate::rules::lc023_custom_connector_weak_auth::is_custom_connector;
use crate::rules::{Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC024",
    name: "custom-connector-host-not-allowed",
    title: "A custom connector talks to a host that is not approved",
    severity: Severity::Medium,
    owasp: "CD-SEC-07",
    owasp_lcnc: "LCNC-SEC-07",
    cwe: 829,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Custom connectors in a Power Platform solution whose host (the `host` of
`Connector/*_openapidefinition.json`, the *Host* on the connector's
**General** tab) is:

* a temporary tunnel or request-capture service — ngrok, localtunnel,
  Cloudflare quick tunnels, Dev Tunnels, webhook.site, RequestBin/Pipedream,
  Beeceptor and similar — or a bare public IP address (high, whatever the
  policy says);
* not in the organisation's list of approved hosts, when the policy sets
  `allowed_hosts` (medium). Entries may be exact (`api.contoso.com`) or
  wildcards (`*.contoso.com`). Private addresses (`10.x`, `192.168.x`,
  `*.internal`) reached through the on-premises data gateway are not
  reported.

## Why it matters

Everything a flow or app sends through the connector — records, files,
e-mail contents, the connection's key — goes to that host. Tunnels and
request-capture sites are meant for a developer's quick test: whoever runs
them (often one person's laptop, or anyone who knows the bin's address) sees
every call, and the address can be taken over once it lapses. Hosts outside
the approved list have not been through the organisation's review of where
its data may go, and data loss prevention (DLP) policies treat all custom
connectors alike unless someone classifies them.

## How to fix

**Power Platform** — in make.powerapps.com open the solution, open the
custom connector and choose *Edit*. On the **General** tab change *Host*
(and *Base URL*) to the service's production address on an approved domain,
then *Update connector*. If the host is right, ask the platform team to add
it to the approved hosts (the `allowed_hosts` list of the lcscan policy) and
to classify the connector in the environment's DLP policy (Power Platform
admin center › Policies › Data policies › Custom connectors, URL patterns).

## Example

A connector whose OpenAPI definition has `"host": "7f3a-203-0-113-5.ngrok-free.app"`
is reported as high with any policy; with `allowed_hosts = ["*.contoso.com"]`
a connector to `api.partner-logistics.test` is reported as medium and one to
`stock.contoso.com` is not.
"#;

/// Suffixes of tunnel and request-capture services (matched on a label boundary).
const THROWAWAY: &[&str] = &[
    "ngrok.io",
    "ngrok.app",
    "ngrok-free.app",
    "ngrok-free.dev",
    "ngrok.dev",
    "loca.lt",
    "localtunnel.me",
    "trycloudflare.com",
    "serveo.net",
    "serveousercontent.com",
    "localhost.run",
    "lhr.life",
    "devtunnels.ms",
    "app.github.dev",
    "webhook.site",
    "requestbin.com",
    "requestbin.net",
    "pipedream.net",
    "requestcatcher.com",
    "beeceptor.com",
    "hookbin.com",
    "mockbin.org",
    "postb.in",
    "ptsv2.com",
    "ptsv3.com",
    "requestinspector.com",
    "pagekite.me",
    "telebit.io",
];

fn matches_suffix(host: &str, suffix: &str) -> bool {
    host == suffix || host.ends_with(&format!(".{suffix}"))
}

fn throwaway(host: &str) -> Option<&'static str> {
    THROWAWAY.iter().copied().find(|s| matches_suffix(host, s))
}

fn is_public_ip(host: &str) -> bool {
    host.trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok()
}

fn host_of_connector(c: &Connection) -> Option<String> {
    host_of(c.endpoint.as_deref()?)
}

fn check(app: &App, ctx: &Context) -> Vec<Hit> {
    if app.platform != Platform::PowerPlatformSolution {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for c in app.connections.iter().filter(|c| is_custom_connector(c)) {
        let Some(host) = host_of_connector(c) else {
            continue;
        };
        if let Some(hit) = judge(app, c, &host, ctx.policy) {
            hits.push(hit);
        }
    }
    hits
}

fn judge(app: &App, c: &Connection, host: &str, policy: &Policy) -> Option<Hit> {
    let internal = is_internal_host(host, policy);
    let (what, why, severity) = if let Some(service) = throwaway(host) {
        (
            format!("a temporary tunnel or request-capture service ({service})"),
            "Tunnels and request-capture sites are for a developer's quick test: whoever runs them — often one person's laptop, or anyone who knows the address — sees every call the connector makes, including the data and the connection's key, and the address can be taken over once it lapses.".to_string(),
            Severity::High,
        )
    } else if !internal && is_public_ip(host) {
        (
            "a bare IP address".to_string(),
            "A connector that calls a raw IP address skips the certificate and domain checks that tie an address to its owner; if the address changes hands, every call and the data in it go to the new owner.".to_string(),
            Severity::High,
        )
    } else if policy.restricts_connector_hosts()
        && !internal
        && !policy.connector_host_allowed(host)
    {
        (
            "a host outside the organisation's approved list".to_string(),
            "Everything sent through the connector — records, files, the connection's key — goes to this host, which has not been through the organisation's review of where its data may go.".to_string(),
            Severity::Medium,
        )
    } else {
        return None;
    };
    let url = c.endpoint.as_deref().unwrap_or(host);
    Some(Hit {
        location: app
            .endpoints
            .iter()
            .find(|e| e.url == url)
            .map_or_else(|| c.location.clone(), |e| e.location.clone()),
        message: format!(
            "The custom connector '{}' in solution '{}' sends its calls to {host}, {what}.",
            c.display_name, app.name
        ),
        why,
        fix: format!(
            "Open the custom connector '{}' (make.powerapps.com › Solutions › the solution › the connector › Edit) and on the General tab set Host to the service's approved production address; if {host} is right, ask the platform team to approve it (policy allowed_hosts) and classify the connector in the DLP policy.",
            c.display_name
        ),
        evidence: Some(format!("host: {host}")),
        severity: Some(severity),
        key: c.id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;

    fn connector(endpoint: &str) -> Connection {
        Connection {
            id: "cr1_stocklevels".into(),
            connector: "cr1_stocklevels".into(),
            display_name: "Stock Levels".into(),
            auth: Some("oauth2 (aad)".into()),
            endpoint: Some(endpoint.into()),
            location: Location::new(
                "s.zip!/Connector/cr1_stocklevels_openapidefinition.json",
                "",
            ),
            ..Connection::default()
        }
    }

    fn run(endpoint: &str, allowed: &[&str]) -> Vec<Hit> {
        let app = App {
            platform: Platform::PowerPlatformSolution,
            name: "Stock".into(),
            connections: vec![connector(endpoint)],
            ..App::default()
        };
        let mut policy = Policy::empty();
        policy.allowed_hosts = allowed.iter().map(|s| s.to_string()).collect();
        check(&app, &Context { policy: &policy })
    }

    #[test]
    fn tunnels_and_public_ips_are_high_without_a_policy() {
        let hits = run("https://7f3a-203-0-113-5.ngrok-free.app/stock", &[]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert_eq!(
            hits[0].message,
            "The custom connector 'Stock Levels' in solution 'Stock' sends its calls to 7f3a-203-0-113-5.ngrok-free.app, a temporary tunnel or request-capture service (ngrok-free.app)."
        );
        assert_eq!(run("http://203.0.113.10/api", &[]).len(), 1);
        assert!(run("http://10.1.2.3/api", &[]).is_empty());
        assert!(run("https://stock.contoso.com/api", &[]).is_empty());
        // "ngrok.io" must match on a label boundary.
        assert!(run("https://notngrok.io/api", &[]).is_empty());
    }

    #[test]
    fn hosts_outside_the_allowed_list_are_medium() {
        let hits = run("https://api.partner-logistics.test/x", &["*.contoso.com"]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        assert!(hits[0]
            .message
            .contains("outside the organisation's approved list"));
        assert!(run("https://stock.contoso.com/x", &["*.contoso.com"]).is_empty());
        assert!(run("https://stock.contoso.com/x", &["stock.contoso.com"]).is_empty());
    }

    #[test]
    fn allowed_connector_hosts_also_approve_a_host() {
        let app = App {
            platform: Platform::PowerPlatformSolution,
            name: "Stock".into(),
            connections: vec![connector("https://api.partner-logistics.test/x")],
            ..App::default()
        };
        let mut policy = Policy::empty();
        policy.allowed_connector_hosts = vec!["*.contoso.com".into()];
        assert_eq!(check(&app, &Context { policy: &policy }).len(), 1);
        policy
            .allowed_connector_hosts
            .push("api.partner-logistics.test".into());
        assert!(check(&app, &Context { policy: &policy }).is_empty());
    }
}
