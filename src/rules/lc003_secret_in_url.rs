//! LC003 secret-in-url: a key, signature or password inside a web address.
//!
//! Looks at values that are web addresses (the URL field of a step, or any
//! literal that starts with `http://`, `https://` or `ftp://`) and at query
//! parameters: signatures and keys in the query string (`sig=`, `code=`,
//! `api_key=`, `key=`, `token=`…), `user:password@host`, and every secret
//! format the shared detector knows (Slack / Teams webhook addresses, signed
//! trigger URLs, SAS tokens).
//!
//! Ownership with LC002: every value [`covers`] accepts is reported here and
//! skipped by LC002, so one secret gives one finding. The message differs
//! meaningfully (an address leaks through logs, browser history and shared
//! links, and the fix is to take the secret out of the address), which is why
//! URLs get their own rule rather than a second finding.

use crate::detect::secrets::{expression_spans, is_placeholder, scan_value, Confidence};
use crate::model::{App, Platform, Value, ValueContext, ValueKind};
use crate::report::Severity;
use crate::rules::{owner_ref, Context, Hit, Rule};

use super::lc002_hardcoded_secret::{app_word, evidence, first_sentence, with_article};

pub static RULE: Rule = Rule {
    id: "LC003",
    name: "secret-in-url",
    title: "A key or signature is part of a web address",
    severity: Severity::High,
    owasp: "CD-SEC-08",
    owasp_lcnc: "LCNC-SEC-08",
    cwe: 598,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Web addresses that carry a secret: a signature or key in the query string
(`?sig=…`, `?code=…`, `?api_key=…`, `&key=…`, `&token=…`), a user name and
password before the host (`https://user:password@host/`), and addresses that
are secrets in themselves (Slack or Teams incoming-webhook addresses, signed
Power Automate / Logic Apps trigger URLs, Azure SAS links). Query parameters
set as separate name/value pairs count too, because they end up in the
address. Values computed at run time (`{{ $env.KEY }}`) are not reported.

## Why it matters

A web address is not treated as a secret: it is written to server and proxy
logs, browser history, run history and error messages, and copied along with
the app. Anyone who reads it can call the service with the key, or start the
flow the signed address points to.

## How to fix

Revoke or regenerate the key first, then move it out of the address.

**n8n** — in the HTTP Request node set Authentication to *Generic Credential
Type* and choose *Query Auth* (or *Header Auth*, if the service accepts a
header) so the key lives in an n8n credential; for Slack, use the Slack node
with a Slack credential instead of an incoming-webhook address.

**Power Automate** — keep the signed URL or key in Azure Key Vault and read
it with the *Get secret* action (turn on *Secure outputs*), or call the
other flow as a child flow (*Run a Child Flow*) instead of through its
signed address.

**Salesforce Flow** — call the service through a Named Credential, which
adds the key itself; do not put it in the endpoint URL.

**Appsmith, Retool, ToolJet** — put the key in the data source the queries
use (Appsmith: an Authenticated API datasource with *API Key* auth; Retool:
the REST API resource's URL parameters or headers; ToolJet: a workspace
constant referenced in the data source), which the platform's server adds to
each call, not in a query's address.

## Example

`https://prod-12.westeurope.logic.azure.com/workflows/…/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=AbC…`
in an HTTP action is reported: the `sig=` value lets anyone start that flow.
`https://api.example.com/items?page={{ $json.page }}` is not.
"#;

/// Query parameter names whose value is a key or signature.
const SECRET_PARAMS: &[&str] = &[
    "sig",
    "signature",
    "code",
    "key",
    "apikey",
    "api_key",
    "api-key",
    "token",
    "access_token",
    "accesstoken",
    "auth",
    "auth_token",
    "secret",
    "client_secret",
    "password",
    "pwd",
    "pass",
    "subscription-key",
    "x-api-key",
    "private_token",
    "session",
    "sessionid",
];

/// Whether a value belongs to this rule (and therefore not to LC002).
pub fn covers(value: &Value) -> bool {
    if matches!(value.context, ValueContext::Url | ValueContext::Query) {
        return true;
    }
    if value.kind == ValueKind::Expression
        || matches!(
            value.context,
            ValueContext::Code | ValueContext::SampleData | ValueContext::Credential
        )
    {
        return false;
    }
    let text = value.value.trim();
    let text = text.strip_prefix('=').unwrap_or(text);
    ["http://", "https://", "ftp://"].iter().any(|scheme| {
        text.as_bytes()
            .get(..scheme.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(scheme.as_bytes()))
    })
}

/// One secret inside a value: byte span and what it is.
struct Found {
    start: usize,
    end: usize,
    what: String,
    why: String,
    confidence: Confidence,
    id: String,
    /// The address itself is the secret (signed trigger URL, incoming webhook).
    whole_address: bool,
}

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for value in &app.values {
        if !covers(value) || value.kind == ValueKind::Expression {
            continue;
        }
        let step = value
            .step_id
            .as_deref()
            .and_then(|id| app.step(id))
            .map(|s| (s.name.as_str(), s.disabled))
            .or_else(|| value.location.step.as_deref().map(|n| (n, false)));
        if step.as_ref().is_some_and(|(_, disabled)| *disabled) {
            continue;
        }
        let step_name = step.map(|(n, _)| n);
        for found in find(value) {
            let Some(secret) = value.value.get(found.start..found.end) else {
                continue;
            };
            let owner = step_name.map(|s| owner_ref(app.platform, value, s));
            let where_ = owner
                .clone()
                .unwrap_or_else(|| format!("this {}", app_word(app.platform)));
            let message = if value.context == ValueContext::Query {
                format!(
                    "The query parameter '{}' of {where_} holds {}, so it becomes part of the web address.",
                    value.key, found.what
                )
            } else if found.whole_address {
                format!("The web address in {where_} is {}.", found.what)
            } else {
                format!("A web address in {where_} contains {}.", found.what)
            };
            let severity = match found.confidence {
                // A known provider format in an address is as bad as LC002's worst.
                Confidence::High if !found.id.starts_with("url-param") => Some(Severity::Critical),
                Confidence::Low => Some(Severity::Low),
                _ => None,
            };
            hits.push(Hit {
                location: value.location.clone(),
                message,
                why: found.why.clone(),
                fix: fix(app.platform, owner.as_deref()),
                evidence: Some(evidence(&value.key, secret)),
                severity,
                key: format!("{}:{}", found.id, found.start),
            });
        }
    }
    hits
}

fn find(value: &Value) -> Vec<Found> {
    let mut out: Vec<Found> = scan_value(value)
        .into_iter()
        .map(|h| Found {
            start: h.start,
            end: h.end,
            what: with_article(&h.name),
            why: if h.pattern_id.starts_with("generic-") {
                "Web addresses end up in logs, run history and shared links, so anyone who reads one can use this key to call the service as your app.".into()
            } else {
                format!(
                    "Web addresses end up in logs, run history and shared links. What this one allows: {}",
                    first_sentence(&h.impact)
                )
            },
            confidence: h.confidence,
            whole_address: ["url", "webhook", "link"]
                .iter()
                .any(|w| h.name.to_ascii_lowercase().contains(w)),
            id: h.pattern_id,
        })
        .collect();
    let text = value.value.as_str();
    let expressions = expression_spans(text);
    let mut extra = Vec::new();
    // `name=value` pairs in the query string of a literal address.
    if let Some(q) = text.find('?') {
        let mut offset = q + 1;
        let query = text.get(offset..).unwrap_or("");
        for pair in query.split('&') {
            let pair_start = offset;
            offset += pair.len() + 1;
            let Some((name, secret)) = pair.split_once('=') else {
                continue;
            };
            let secret = secret.split('#').next().unwrap_or(secret);
            let start = pair_start + name.len() + 1;
            let end = start + secret.len();
            if !SECRET_PARAMS.contains(&name.to_ascii_lowercase().as_str())
                || !literal_secret(secret)
                || expressions.iter().any(|&(s, e)| s < end && start < e)
            {
                continue;
            }
            extra.push(Found {
                start,
                end,
                what: format!("a key in its '{name}=' part"),
                why: "Web addresses end up in logs, run history and shared links, so anyone who reads one can use this key to call the service as your app.".into(),
                confidence: Confidence::High,
                whole_address: false,
                id: format!("url-param-{}", name.to_ascii_lowercase()),
            });
        }
    }
    // A query parameter set as its own name/value pair.
    if value.context == ValueContext::Query
        && SECRET_PARAMS.contains(&value.key.to_ascii_lowercase().as_str())
        && expressions.is_empty()
        && literal_secret(text.trim())
    {
        let start = text.len() - text.trim_start().len();
        extra.push(Found {
            start,
            end: start + text.trim().len(),
            what: "a key".into(),
            why: "Query parameters are sent as part of the web address, which ends up in logs and run history, so anyone who reads it can use this key to call the service as your app.".into(),
            confidence: Confidence::High,
            whole_address: false,
            id: format!("url-param-{}", value.key.to_ascii_lowercase()),
        });
    }
    for f in extra {
        if !out.iter().any(|o| o.start < f.end && f.start < o.end) {
            out.push(f);
        }
    }
    out.sort_by_key(|f| f.start);
    out
}

/// A literal long and varied enough to be a key, not `page=2` or `code=EUR`.
fn literal_secret(s: &str) -> bool {
    let s = s.trim();
    s.len() >= 12
        && !is_placeholder(s)
        && !s.starts_with('=')
        && !s.contains("{{")
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_alphabetic())
}

/// `owner`: what the address belongs to, named (`rules::owner_ref`).
fn fix(platform: Platform, owner: Option<&str>) -> String {
    let node = owner.unwrap_or("the node");
    match platform {
        Platform::N8n => format!(
            "Regenerate the key, then in {node} set Authentication to Generic Credential Type > Query Auth (or Header Auth) so the key is kept in an n8n credential instead of the address."
        ),
        Platform::PowerAutomate | Platform::LogicApps => "Regenerate the key or signed URL, then keep it in Azure Key Vault and read it with the 'Get secret' action (turn on 'Secure outputs'), or call the other flow with 'Run a Child Flow' instead of its address.".into(),
        Platform::SalesforceFlow => "Regenerate the key, then call the service through a Named Credential (Setup > Named Credentials) instead of putting the key in the URL.".into(),
        Platform::Appsmith => format!(
            "Regenerate the key, then keep it in an Authenticated API datasource (Datasources > your API > Authentication: API Key, added to the query parameters) so Appsmith adds it on its server, and remove it from the address in {}.",
            owner.unwrap_or("the query")
        ),
        Platform::Retool => format!(
            "Regenerate the key, then add it to the REST API resource (Resources > your API > URL parameters or Headers) so Retool adds it on its server, and remove it from the address in {}.",
            owner.unwrap_or("the query")
        ),
        Platform::ToolJet => "Regenerate the key, then store it as a ToolJet workspace constant and refer to it as {{constants.NAME}} in the REST API data source's settings instead of typing it into the address.".into(),
        _ => "Regenerate the key, then keep it in the platform's credential or connection store instead of in the web address.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_builders_get_their_own_words() {
        let appsmith = fix(Platform::Appsmith, Some("the query 'Get_users'"));
        assert!(
            appsmith.contains("Datasources > your API > Authentication"),
            "{appsmith}"
        );
        assert!(appsmith.contains("'Get_users'"), "{appsmith}");
        assert!(fix(Platform::Retool, None).contains("Resources > your API"));
        assert!(fix(Platform::ToolJet, None).contains("{{constants.NAME}}"));
    }
    use crate::model::{Location, Step, StepKind};
    use crate::policy::Policy;

    fn app_with(key: &str, text: &str, context: ValueContext) -> App {
        App {
            platform: Platform::N8n,
            name: "Notify".into(),
            steps: vec![Step {
                id: "Call API".into(),
                name: "Call API".into(),
                kind: StepKind::HttpRequest,
                ..Step::default()
            }],
            values: vec![Value {
                key: key.into(),
                value: text.into(),
                context,
                kind: ValueKind::Literal,
                step_id: Some("Call API".into()),
                location: Location::new("wf.json", "/nodes/0/parameters/url"),
            }],
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn key_in_query_string_is_found_and_masked() {
        let app = app_with(
            "url",
            "https://api.example-weather.test/v1/now?city=Oslo&api_key=Q7fk29XmZ0pLw8rT",
            ValueContext::Url,
        );
        let hits = run(&app);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(
            hits[0].message,
            "A web address in the node 'Call API' contains a key in its 'api_key=' part."
        );
        assert_eq!(
            hits[0].evidence.as_deref(),
            Some("url: Q7fk••••••rT (16 characters)")
        );
        assert!(hits[0].fix.contains("Query Auth"));
    }

    #[test]
    fn user_and_password_in_address_and_query_pairs() {
        let app = app_with(
            "url",
            "ftp://backup:S3cr3tPa55word!@files.example.test/out",
            ValueContext::Url,
        );
        assert_eq!(run(&app).len(), 1, "{:?}", run(&app));
        let app = app_with("token", "Zk29XmQ7fp0Lw8rTyu", ValueContext::Query);
        let hits = run(&app);
        assert_eq!(hits.len(), 1);
        assert!(hits[0].message.starts_with("The query parameter 'token'"));
    }

    #[test]
    fn expressions_and_harmless_parameters_are_not_reported() {
        for (key, text, ctx) in [
            (
                "url",
                "https://api.example.test/items?page=2&code=EUR",
                ValueContext::Url,
            ),
            (
                "url",
                "=https://api.example.test/v1?api_key={{ $env.WEATHER_KEY }}",
                ValueContext::Url,
            ),
            ("token", "YOUR_TOKEN_HERE", ValueContext::Query),
            ("page", "Zk29XmQ7fp0Lw8rTyu", ValueContext::Query),
        ] {
            let app = app_with(key, text, ctx);
            assert!(run(&app).is_empty(), "{text}: {:?}", run(&app));
        }
    }

    #[test]
    fn covers_addresses_anywhere_but_not_code() {
        let mut v = Value {
            key: "target".into(),
            value: "=https://hooks.example.test/x".into(),
            context: ValueContext::Parameter,
            ..Value::default()
        };
        assert!(covers(&v));
        v.context = ValueContext::Code;
        assert!(!covers(&v));
        v.context = ValueContext::Header;
        v.value = "Bearer abc".into();
        assert!(!covers(&v));
    }
}
