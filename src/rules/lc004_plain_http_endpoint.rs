//! LC004 plain-http-endpoint: the app talks to a web address without encryption.
//!
//! Collects literal `http://` and `ftp://` addresses from HTTP steps, the
//! app's endpoints and URL values (deduplicated by location). The local
//! machine (`localhost`, `127.x`, `::1`, `host.docker.internal`) is skipped;
//! private network addresses and one-word container names (`http://ollama:11434`)
//! are reported at low severity, since the traffic stays inside your network.

use std::collections::{HashMap, HashSet};

use super::capitalise;
use crate::model::{App, HttpAuth, Location, Platform, ValueContext, ValueKind};
use crate::platforms::common::host_of;
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC004",
    name: "plain-http-endpoint",
    title: "Data is sent over an unencrypted connection",
    severity: Severity::Medium,
    owasp: "CD-SEC-04",
    owasp_lcnc: "LCNC-SEC-04",
    cwe: 319,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Steps that call a web address starting with `http://` or `ftp://` instead of
`https://` / `sftp://`. Addresses on the same machine (`localhost`,
`127.0.0.1`) and addresses computed at run time are not reported; private
network addresses (`10.…`, `192.168.…`) and one-word service names
(`http://ollama:11434`) are reported at low severity.

## Why it matters

Without encryption, everything the step sends and receives — passwords,
keys in headers, customer data — crosses every network on the way in plain
text. Anyone on the same Wi-Fi, at the hosting provider or on the route can
read it or change it on the way.

## How to fix

Change the address to `https://` (or `sftp://` for file transfers). If the
service does not offer encryption, ask its owner to turn it on or put it
behind a proxy that does.

**n8n** — open the HTTP Request node (or the node's credential) and change
the URL to start with `https://`.

**Power Automate** — open the HTTP action and change *URI* to an `https://`
address; for custom connectors set the scheme to HTTPS on the *General* tab.

**Salesforce Flow** — change the Named Credential's or External Service's URL
to `https://`.

## Example

`http://api.example-crm.com/v1/leads` in an n8n HTTP Request node is
reported; `https://api.example-crm.com/v1/leads` and `http://localhost:5678/`
are not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut candidates: Vec<(String, Location, Option<String>)> = Vec::new();
    for step in &app.steps {
        if let Some(http) = &step.http {
            if !http.url_is_expression && !step.disabled {
                candidates.push((
                    http.url.clone(),
                    http.location.clone(),
                    Some(step.id.clone()),
                ));
            }
        }
    }
    for endpoint in &app.endpoints {
        candidates.push((
            endpoint.url.clone(),
            endpoint.location.clone(),
            endpoint.step_id.clone(),
        ));
    }
    for value in &app.values {
        if value.context == ValueContext::Url && value.kind != ValueKind::Expression {
            candidates.push((
                value.value.clone(),
                value.location.clone(),
                value.step_id.as_deref().map(str::to_string),
            ));
        }
    }
    let mut hits = Vec::new();
    // One finding per unencrypted host and scheme; the rest are counted in it.
    let mut groups: HashMap<(String, &'static str), (usize, usize)> = HashMap::new();
    for (url, location, step_id) in candidates {
        let url = url.trim();
        let url = url.strip_prefix('=').unwrap_or(url);
        let Some(scheme) = plain_scheme(url) else {
            continue;
        };
        if !seen.insert(format!("{}\u{0}{}", location.file, location.path)) {
            continue;
        }
        let step = step_id.as_deref().and_then(|id| app.step(id));
        if step.is_some_and(|s| s.disabled) {
            continue;
        }
        let Some(host) = host_of(url) else {
            continue;
        };
        let reach = classify(&host);
        if reach == Reach::Local {
            continue;
        }
        if let Some(group) = groups.get_mut(&(host.clone(), scheme)) {
            group.1 += 1;
            continue;
        }
        groups.insert((host.clone(), scheme), (hits.len(), 0));
        let step_name = step
            .map(|s| s.name.clone())
            .or_else(|| location.step.as_deref().map(str::to_string));
        let where_ = match &step_name {
            Some(name) => step_ref(app.platform, name),
            None => format!(
                "this {}",
                super::lc002_hardcoded_secret::app_word(app.platform)
            ),
        };
        let secure = if scheme == "ftp" {
            "sftp://"
        } else {
            "https://"
        };
        let message = format!(
            "{} sends its data to {} over an unencrypted {} connection.",
            capitalise(&where_),
            host,
            scheme.to_ascii_uppercase()
        );
        let sends_login = step.and_then(|s| s.http.as_ref()).is_some_and(|h| {
            matches!(
                h.auth,
                HttpAuth::Basic
                    | HttpAuth::Header
                    | HttpAuth::Query
                    | HttpAuth::Bearer
                    | HttpAuth::OAuth
                    | HttpAuth::Credential
                    | HttpAuth::ManagedIdentity
            )
        });
        let what = if sends_login {
            "including the login or key this step sends with every call"
        } else {
            "including any passwords, keys or customer data"
        };
        let why = match reach {
            Reach::Internal => format!(
                "Anyone who can watch your internal network can read or change what goes to {host}, {what}."
            ),
            _ => format!(
                "Anyone on the networks between this {} and {host} can read or change what is sent, {what}.",
                super::lc002_hardcoded_secret::app_word(app.platform)
            ),
        };
        hits.push(Hit {
            location: location.clone(),
            message,
            why,
            fix: fix(app.platform, step_name.as_deref(), secure),
            evidence: Some(redact_userinfo(url)),
            severity: (reach == Reach::Internal).then_some(Severity::Low),
            key: host.clone(),
        });
    }
    for (index, others) in groups.into_values() {
        if others == 0 {
            continue;
        }
        if let Some(hit) = hits.get_mut(index) {
            let word = app.platform.step_word();
            hit.message.push_str(&if others == 1 {
                format!(" One other {word} uses the same address.")
            } else {
                format!(" {others} other {word}s use the same address.")
            });
        }
    }
    hits
}

/// `http` or `ftp` for unencrypted absolute addresses.
fn plain_scheme(url: &str) -> Option<&'static str> {
    let head = url.get(..7).unwrap_or(url).to_ascii_lowercase();
    if head.starts_with("http://") {
        Some("http")
    } else if head.starts_with("ftp://") {
        Some("ftp")
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Local,
    Internal,
    Internet,
}

fn classify(host: &str) -> Reach {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
        || host == "host.docker.internal"
    {
        return Reach::Local;
    }
    let octets: Vec<u8> = host.split('.').filter_map(|p| p.parse().ok()).collect();
    if octets.len() == 4 && host.split('.').count() == 4 {
        let private = match octets.as_slice() {
            [10, ..] | [192, 168, ..] | [169, 254, ..] => true,
            [172, b, ..] => (16..=31).contains(b),
            _ => false,
        };
        return if private {
            Reach::Internal
        } else {
            Reach::Internet
        };
    }
    if !host.contains('.')
        || host.ends_with(".local")
        || host.ends_with(".internal")
        || host.ends_with(".lan")
        || host.ends_with(".svc.cluster.local")
    {
        return Reach::Internal;
    }
    Reach::Internet
}

/// Evidence without any `user:password@` part.
fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or(rest);
    let tail = rest.get(authority_end..).unwrap_or("");
    let shown = match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://••••••@{host}"),
        None => format!("{scheme}://{authority}"),
    };
    // The path and query may hold keys too; show only the path.
    // Stop at a query string or a run-time expression (`{{ … }}`, `@{…}`).
    let cut = ["?", "#", "{{", "@{", "${"]
        .iter()
        .filter_map(|m| tail.find(m))
        .min()
        .unwrap_or(tail.len());
    let path = tail.get(..cut).unwrap_or("");
    let suffix = if tail.len() > path.len() { "…" } else { "" };
    format!("{shown}{path}{suffix}")
}

fn fix(platform: Platform, step: Option<&str>, secure: &str) -> String {
    let node = step.map_or("the node".to_string(), |s| format!("the node '{s}'"));
    match platform {
        Platform::N8n => format!("Open {node} and change the URL to start with {secure}."),
        Platform::PowerAutomate | Platform::LogicApps => format!(
            "Open the action{} and change its URI to start with {secure}.",
            step.map_or(String::new(), |s| format!(" '{s}'"))
        ),
        Platform::SalesforceFlow => {
            format!("Change the Named Credential or External Service URL to start with {secure}.")
        }
        _ => format!("Change the address to start with {secure}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HttpCall, Step, StepKind};
    use crate::policy::Policy;

    fn app(url: &str) -> App {
        App {
            platform: Platform::N8n,
            name: "Sync".into(),
            steps: vec![Step {
                id: "Push".into(),
                name: "Push".into(),
                kind: StepKind::HttpRequest,
                http: Some(HttpCall {
                    url: url.into(),
                    location: Location::new("wf.json", "/nodes/0/parameters/url"),
                    ..HttpCall::default()
                }),
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
    fn http_to_the_internet_is_medium() {
        let hits = run(&app("http://api.example-crm.test/v1/leads?key=abc"));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The node 'Push' sends its data to api.example-crm.test over an unencrypted HTTP connection."
        );
        assert_eq!(hits[0].severity, None);
        assert_eq!(
            hits[0].evidence.as_deref(),
            Some("http://api.example-crm.test/v1/leads…")
        );
        assert!(hits[0].fix.contains("https://"));
    }

    #[test]
    fn internal_hosts_are_low_and_ftp_logins_are_hidden() {
        let hits = run(&app("http://ollama:11434/api/generate"));
        assert_eq!(hits[0].severity, Some(Severity::Low));
        let hits = run(&app("ftp://bob:hunter22@files.example.test/in"));
        assert_eq!(
            hits[0].evidence.as_deref(),
            Some("ftp://••••••@files.example.test/in")
        );
        assert!(hits[0].message.contains("FTP"));
        assert!(hits[0].fix.contains("sftp://"));
    }

    #[test]
    fn evidence_stops_at_expressions() {
        assert_eq!(
            redact_userinfo("http://erp.example.test/orders/@{triggerBody()?['id']}"),
            "http://erp.example.test/orders/…"
        );
        assert_eq!(
            redact_userinfo("http://a.test/x/{{ $json.id }}"),
            "http://a.test/x/…"
        );
    }

    #[test]
    fn one_finding_per_host_counts_the_other_steps() {
        let mut a = app("http://qdrant:6333/collections/a");
        let mut second = a.steps[0].clone();
        second.id = "Push 2".into();
        second.name = "Push 2".into();
        if let Some(h) = second.http.as_mut() {
            h.url = "http://qdrant:6333/collections/b".into();
            h.location = Location::new("wf.json", "/nodes/1/parameters/url");
        }
        a.steps.push(second);
        let hits = run(&a);
        assert_eq!(hits.len(), 1);
        assert!(hits[0]
            .message
            .ends_with(" One other node uses the same address."));
    }

    #[test]
    fn https_local_and_computed_addresses_are_fine() {
        for url in [
            "https://api.example.test/x",
            "http://localhost:5678/webhook/x",
            "http://127.0.0.1:8080",
            "={{ $json.url }}",
        ] {
            let mut a = app(url);
            if url.starts_with('=') {
                if let Some(h) = a.steps[0].http.as_mut() {
                    h.url_is_expression = true;
                }
            }
            assert!(run(&a).is_empty(), "{url}");
        }
    }
}
