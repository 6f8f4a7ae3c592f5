//! LC005 tls-verification-disabled: a step accepts any certificate.

use super::capitalise;
use crate::model::{App, Platform};
use crate::platforms::common::host_of;
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC005",
    name: "tls-verification-disabled",
    title: "Certificate checks are switched off",
    severity: Severity::High,
    owasp: "CD-SEC-04",
    owasp_lcnc: "LCNC-SEC-04",
    cwe: 295,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

HTTP steps that are told to accept any certificate: n8n's *Ignore SSL Issues*
(`allowUnauthorizedCerts`) on an HTTP Request node, or the same switch on a
node's credential; similar "skip certificate validation" settings on other
platforms.

## Why it matters

The certificate check is what proves the app is talking to the real server.
With it off, anyone who can sit between the app and the server (a hostile
Wi-Fi, a compromised router, a DNS trick) can pretend to be that server,
read everything the step sends — including passwords and keys — and answer
with whatever they like. The connection still looks encrypted, so nobody
notices.

## How to fix

Turn the check back on. If the server uses a self-signed or internal
certificate, install that certificate as trusted on the machine running the
app, or get a proper certificate for the server.

**n8n** — open the HTTP Request node, click *Add option* and switch off
*Ignore SSL Issues* (or remove the option). For self-hosted n8n trust an
internal certificate authority with `NODE_EXTRA_CA_CERTS` instead.

**Power Automate** — Power Automate always checks certificates; call the
server through an on-premises data gateway or give it a valid certificate.

## Example

An n8n HTTP Request node with `"options": { "allowUnauthorizedCerts": true }`
is reported; the same node without the option is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for step in &app.steps {
        let Some(http) = &step.http else {
            continue;
        };
        if !http.tls_verification_disabled || step.disabled {
            continue;
        }
        let host = host_of(http.url.trim_start_matches('=')).filter(|_| !http.url_is_expression);
        let target = host
            .as_deref()
            .map_or("the server it calls".to_string(), |h| h.to_string());
        let message = format!(
            "{} accepts any certificate from {target}, so it cannot tell the real server from an impostor.",
            capitalise(&step_ref(app.platform, &step.name))
        );
        let why = format!(
            "Someone who can intercept the connection can pose as {target} and read or change everything this step sends and receives, including passwords and keys."
        );
        hits.push(Hit {
            location: http.location.clone(),
            message,
            why,
            fix: fix(app.platform, &step.name),
            evidence: Some("certificate check: off".into()),
            severity: None,
            key: step.id.clone(),
        });
    }
    hits
}

fn fix(platform: Platform, step: &str) -> String {
    match platform {
        Platform::N8n => format!(
            "Open the node '{step}', and under Options switch off 'Ignore SSL Issues'; if the server has an internal certificate, trust it on the n8n host instead."
        ),
        Platform::PowerAutomate | Platform::LogicApps => format!(
            "Remove the setting that skips certificate checks from the action '{step}' and give the server a valid certificate."
        ),
        Platform::NodeRed => format!(
            "Open the node '{step}', edit its TLS configuration and tick 'Verify server certificate'."
        ),
        Platform::Make => format!(
            "Open the module '{step}', choose Show advanced settings and set 'Reject connections that are using unverified (self-signed) certificates' to Yes."
        ),
        _ => format!("Turn certificate checking back on for the step '{step}'."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HttpCall, Location, Step, StepKind};
    use crate::policy::Policy;

    fn app(tls_off: bool, disabled: bool) -> App {
        App {
            platform: Platform::N8n,
            steps: vec![Step {
                id: "Create lead".into(),
                name: "Create lead".into(),
                kind: StepKind::HttpRequest,
                disabled,
                http: Some(HttpCall {
                    url: "https://crm.example.test/api".into(),
                    tls_verification_disabled: tls_off,
                    location: Location::new("wf.json", "/nodes/1/parameters/url"),
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
    fn switched_off_check_is_reported_with_the_host() {
        let hits = run(&app(true, false));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The node 'Create lead' accepts any certificate from crm.example.test, so it cannot tell the real server from an impostor."
        );
        assert!(hits[0].fix.contains("'Ignore SSL Issues'"));
    }

    #[test]
    fn checked_or_disabled_steps_are_fine() {
        assert!(run(&app(false, false)).is_empty());
        assert!(run(&app(true, true)).is_empty());
    }
}
