//! LC012 sensitive-data-to-external-connector: sensitive fields read by one
//! step can reach a step that sends data outside the organisation.
//!
//! Sources are steps with classified fields; sinks are HTTP calls to a host
//! that is neither private nor in the policy's `allowed_hosts`, and steps
//! whose connector the catalog marks external (or does not know). One
//! breadth-first search from all sources at once along the model's edges
//! (each step visited once) keeps it linear in steps + edges.

use std::collections::{HashMap, VecDeque};

use super::capitalise;
use super::lc010_sensitive_data_field::{
    app_word, group_regulations, level_sentence, regulation_notes, sensitive_fields_by_step,
    surest, StepFields,
};
use super::lc019_unknown_or_blocked_connector::{is_built_in, lookup};
use crate::model::{App, DataField, Platform, SensitivityLevel, Step};
use crate::platforms::common::host_of;
use crate::policy::Policy;
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC012",
    name: "sensitive-data-to-external-connector",
    title: "Sensitive data is sent to an outside service",
    severity: Severity::High,
    owasp: "CD-SEC-03",
    owasp_lcnc: "LCNC-SEC-03",
    cwe: 200,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Personal or sensitive fields (e-mail addresses, card numbers, health data,
passwords…) that a step reads and that can travel, step by step, to a step
sending data outside your organisation: an HTTP call to an outside address,
or a connector to an outside service (chat, e-mail, AI, social media, file
sharing) or one lcscan does not know. Addresses listed in your policy's
`allowed_hosts` and private addresses are not outside. A step that puts the
fields into what it sends is high; data that only passes through earlier
steps on its way to the outside step is medium (it may or may not be sent).
Keys and passwords sent to their own service, and the addresses a message is
sent to, are not counted.

The finding says how sure lcscan is that the data is sensitive (see LC010):
*Sensitive* when the field's name and its sample values agree or your policy
lists it, *Likely sensitive* when only the name (or a checksum-valid value)
says so, *Check* when the evidence is weak (values merely shaped like phone
numbers). When every field is only *Check*, the finding is one step lower
(medium instead of high, low instead of medium). It also names the
regulations that usually apply (GDPR, HIPAA, PCI DSS) in plain words.

## Why it matters

Once data leaves for another service, your organisation no longer controls
who reads it, how long it is kept or where it is stored. Sending customer
or patient data to an unapproved service can breach privacy law (GDPR,
HIPAA, PCI DSS) and contracts, even when the app works as intended.

## How to fix

**n8n** — remove the sensitive fields before the outside node with an
*Edit Fields (Set)* node (turn off *Include Other Input Fields*), or send
the data to an approved service instead.

**Power Automate** — pass only the fields the outside action needs (use a
*Select* action), or use an approved connector; ask your admin to put the
connector in the *Business* group of a data policy.

**Salesforce** — send only the fields the outside service needs, and call
it through a Named Credential your admin has approved.

## Example

An n8n *Slack* node whose message contains `{{ $json.body.customer_email }}`
is reported as high. A form asking for an e-mail address whose next nodes
end in an *HTTP Request* to `https://api.leads-partner.example` is reported
as medium at the HTTP Request node. The same workflow posting to an address
in `allowed_hosts` (or a private one) is not.
"#;

/// Why a step counts as sending data outside, or `None`.
fn outside_target(step: &Step, policy: &Policy) -> Option<String> {
    if step.disabled {
        return None;
    }
    if let Some(http) = &step.http {
        return match host_of(&http.url) {
            Some(host) if is_internal_host(&host, policy) => None,
            Some(host) => Some(format!("the outside address {host}")),
            None if http.url_is_expression
                || http.url.contains("{{")
                || http.url.contains("@{") =>
            {
                Some("an address worked out when it runs".to_string())
            }
            None => None,
        };
    }
    let id = step.connector.as_deref()?;
    match lookup(id) {
        Some(info) if info.external => Some(format!("the outside service {}", info.name)),
        Some(_) => None,
        // The platform's own nodes without a catalog entry: lcscan cannot tell.
        None if is_built_in(id) => None,
        None => Some(format!("the unknown connector {id}")),
    }
}

pub(super) fn is_internal_host(host: &str, policy: &Policy) -> bool {
    let host = host.trim_matches(['[', ']']);
    if host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || host.ends_with(".internal")
        || host == "::1"
    {
        return true;
    }
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return match ip {
            std::net::IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
            std::net::IpAddr::V6(v6) => v6.is_loopback(),
        };
    }
    policy.allowed_hosts.iter().any(|allowed| {
        let allowed = allowed.trim().to_ascii_lowercase();
        match allowed.strip_prefix("*.") {
            Some(suffix) => host.ends_with(&format!(".{suffix}")) || host == suffix,
            None => host == allowed,
        }
    })
}

/// Fields that are not data leaving: keys and passwords (sending a key to its
/// own service is how it is used) and the addresses a message is sent to.
fn is_leakable(field: &DataField) -> bool {
    let Some(class) = &field.classification else {
        return false;
    };
    if class.category == "credential" {
        return false;
    }
    let key = field
        .location
        .path
        .rsplit(['/', '.'])
        .next()
        .unwrap_or_default()
        .replace("~1", "/")
        .to_ascii_lowercase();
    let key = key.rsplit('/').next().unwrap_or_default();
    // A field named like a recipient (`TO`, `bcc` in a Set node) is one too.
    let name = field.name.to_ascii_lowercase();
    !is_recipient_key(key) && !is_recipient_key(&name)
}

fn is_recipient_key(key: &str) -> bool {
    matches!(
        key,
        "to" | "toemail"
            | "sendto"
            | "torecipients"
            | "recipient"
            | "recipients"
            | "cc"
            | "bcc"
            | "ccemail"
            | "bccemail"
            | "chatid"
            | "toaddresses"
            | "emailaddresses"
    )
}

fn check(app: &App, ctx: &Context) -> Vec<Hit> {
    let groups: Vec<StepFields> = sensitive_fields_by_step(app)
        .into_iter()
        .map(|mut g| {
            g.fields.retain(|f| is_leakable(f));
            g
        })
        .filter(|g| !g.fields.is_empty())
        .collect();
    let by_step: HashMap<&str, &StepFields> = groups
        .iter()
        .filter_map(|g| g.step_id.map(|id| (id, g)))
        .collect();
    if by_step.is_empty() {
        return Vec::new();
    }
    let steps: HashMap<&str, &Step> = app.steps.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &app.edges {
        next.entry(e.from.as_str()).or_default().push(e.to.as_str());
    }
    // step id -> the source step whose data reached it first.
    let mut origin: HashMap<&str, &str> = HashMap::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    for g in &groups {
        if let Some(id) = g.step_id {
            if origin.insert(id, id).is_none() {
                queue.push_back(id);
            }
        }
    }
    let mut order: Vec<&str> = Vec::new();
    while let Some(id) = queue.pop_front() {
        order.push(id);
        let Some(from) = origin.get(id).copied() else {
            continue;
        };
        if steps.get(id).is_some_and(|s| s.disabled) {
            continue;
        }
        for &to in next.get(id).map(Vec::as_slice).unwrap_or_default() {
            if !origin.contains_key(to) {
                origin.insert(to, from);
                queue.push_back(to);
            }
        }
    }
    let mut hits = Vec::new();
    for id in order {
        let Some(step) = steps.get(id).copied() else {
            continue;
        };
        let Some(target) = outside_target(step, ctx.policy) else {
            continue;
        };
        let Some(source_id) = origin.get(id).copied() else {
            continue;
        };
        let Some(fields) = by_step.get(source_id) else {
            continue;
        };
        let source_name = steps.get(source_id).map_or(source_id, |s| s.name.as_str());
        let direct = source_id == id;
        let (level, judged) = surest(app, &fields.fields);
        let mut message = if direct {
            format!(
                "{} sends sensitive data ({}) to {target}.",
                capitalise(&step_ref(app.platform, &step.name)),
                fields.describe(5)
            )
        } else {
            format!(
                "Sensitive data ({}) read by {} flows on to {}, which can send it to {target}.",
                fields.describe(5),
                step_ref(app.platform, source_name),
                step_ref(app.platform, &step.name)
            )
        };
        if let Some(judged) = judged {
            message.push(' ');
            message.push_str(&level_sentence(judged));
        }
        let mut why = format!(
            "Once this {}'s data reaches {target}, your organisation no longer controls who reads it or how long it is kept.",
            app_word(app.platform)
        );
        let notes = regulation_notes(&group_regulations(app, &fields.fields));
        if !notes.is_empty() {
            why.push(' ');
            why.push_str(&notes);
        }
        // Data that only passes by may not be sent, and weak evidence may not
        // be personal data: each is worth a look, not an alarm.
        let severity = match (direct, level == SensitivityLevel::Check) {
            (true, false) => None,
            (true, true) | (false, false) => Some(Severity::Medium),
            (false, true) => Some(Severity::Low),
        };
        hits.push(Hit {
            location: step.location.clone().with_step(&step.name),
            message,
            why,
            fix: fix(app.platform),
            evidence: step
                .http
                .as_ref()
                .map(|h| h.url.clone())
                .filter(|u| !u.is_empty()),
            severity,
            key: step.id.clone(),
        });
    }
    hits
}

fn fix(platform: Platform) -> String {
    match platform {
        Platform::N8n => "Remove the sensitive fields before this node with an Edit Fields (Set) node, or send the data to an approved service instead.".into(),
        Platform::PowerAutomate | Platform::LogicApps => "Pass only the fields this action needs with a Select action, or use a connector your admin has approved.".into(),
        Platform::SalesforceFlow => "Send only the fields the outside service needs, through a Named Credential your admin has approved.".into(),
        _ => "Send only the fields the outside service needs, and only to a service your organisation has approved.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, FieldClass, FieldUse, HttpCall, Location, StepKind};

    fn step(id: &str, kind: StepKind) -> Step {
        Step {
            id: id.into(),
            name: id.into(),
            kind,
            location: Location::new("wf.json", format!("/nodes/{id}")),
            ..Step::default()
        }
    }

    fn http(id: &str, url: &str) -> Step {
        let mut s = step(id, StepKind::HttpRequest);
        s.http = Some(HttpCall {
            url: url.into(),
            ..HttpCall::default()
        });
        s
    }

    fn app(url: &str) -> App {
        App {
            platform: Platform::N8n,
            steps: vec![
                step("Read customers", StepKind::Database),
                step("Tidy", StepKind::Variable),
                http("Post", url),
            ],
            edges: vec![
                Edge {
                    from: "Read customers".into(),
                    to: "Tidy".into(),
                    kind: "main".into(),
                },
                Edge {
                    from: "Tidy".into(),
                    to: "Post".into(),
                    kind: "main".into(),
                },
                // A loop back must not make the search run forever.
                Edge {
                    from: "Post".into(),
                    to: "Read customers".into(),
                    kind: "main".into(),
                },
            ],
            fields: vec![DataField {
                name: "email".into(),
                usage: FieldUse::Read,
                step_id: Some("Read customers".into()),
                classification: Some(FieldClass {
                    category: "pii".into(),
                    label: "e-mail address".into(),
                }),
                ..DataField::default()
            }],
            ..App::default()
        }
    }

    fn run(app: &App, policy: &Policy) -> Vec<Hit> {
        check(app, &Context { policy })
    }

    #[test]
    fn data_reaching_an_outside_host_is_reported_at_the_sender() {
        let hits = run(&app("https://hooks.partner.example/in"), &Policy::empty());
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "Sensitive data (e-mail address (email)) read by the node 'Read customers' flows on to the node 'Post', which can send it to the outside address hooks.partner.example."
        );
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        assert_eq!(hits[0].location.step.as_deref(), Some("Post"));
    }

    #[test]
    fn direct_sends_are_high_but_keys_and_recipients_are_not_data() {
        let mut a = app("https://hooks.partner.example/in");
        a.fields[0].step_id = Some("Post".into());
        let hits = run(&a, &Policy::empty());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, None);
        assert!(hits[0]
            .message
            .starts_with("The node 'Post' sends sensitive data"));
        a.fields[0].location = Location::new("wf.json", "/nodes/2/parameters/toEmail");
        assert!(run(&a, &Policy::empty()).is_empty());
        // A Set-node field named like a recipient is one too.
        a.fields[0].location = Location::new("wf.json", "/nodes/1/parameters/assignments/0/name");
        a.fields[0].name = "BCC".into();
        assert!(run(&a, &Policy::empty()).is_empty());
        a.fields[0].name = "email".into();
        a.fields[0].location = Location::default();
        if let Some(c) = a.fields[0].classification.as_mut() {
            c.category = "credential".into();
        }
        assert!(run(&a, &Policy::empty()).is_empty());
    }

    #[test]
    fn the_level_and_the_law_are_stated_and_check_only_is_one_step_lower() {
        use crate::model::{FieldAssessment, SensitivityLevel};
        let mut a = app("https://hooks.partner.example/in");
        a.fields[0].step_id = Some("Post".into());
        a.field_assessments = vec![FieldAssessment {
            field: "email".into(),
            level: SensitivityLevel::Sensitive,
            regulations: vec!["GDPR".into()],
            reason: "The field 'email' is named like an e-mail address and its sample values look like e-mail addresses (3 of 3).".into(),
        }];
        let hits = run(&a, &Policy::empty());
        assert_eq!(
            hits[0].message,
            "The node 'Post' sends sensitive data (e-mail address (email)) to the outside address hooks.partner.example. \
             Sensitive: the field 'email' is named like an e-mail address and its sample values look like e-mail addresses (3 of 3)."
        );
        assert!(
            hits[0].why.ends_with(
                "deleted when no longer needed; a leak may have to be reported within 72 hours."
            ),
            "{}",
            hits[0].why
        );
        assert_eq!(hits[0].severity, None);
        a.field_assessments[0].level = SensitivityLevel::Check;
        assert_eq!(
            run(&a, &Policy::empty())[0].severity,
            Some(Severity::Medium)
        );
        a.fields[0].step_id = Some("Read customers".into());
        assert_eq!(run(&a, &Policy::empty())[0].severity, Some(Severity::Low));
    }

    #[test]
    fn a_long_chain_is_searched_once() {
        let n = 20_000;
        let mut a = app("https://hooks.partner.example/in");
        a.steps = (0..n)
            .map(|i| step(&format!("s{i}"), StepKind::Variable))
            .collect();
        a.steps
            .push(http("Post", "https://hooks.partner.example/in"));
        a.edges = (0..n)
            .map(|i| Edge {
                from: format!("s{i}"),
                to: if i + 1 == n {
                    "Post".into()
                } else {
                    format!("s{}", i + 1)
                },
                kind: "main".into(),
            })
            .collect();
        a.fields = (0..n)
            .map(|i| DataField {
                name: "email".into(),
                step_id: Some(format!("s{i}")),
                classification: Some(FieldClass {
                    category: "pii".into(),
                    label: "e-mail address".into(),
                }),
                ..DataField::default()
            })
            .collect();
        let started = std::time::Instant::now();
        let hits = run(&a, &Policy::empty());
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].message.contains("read by the node 's19999'"),
            "{}",
            hits[0].message
        );
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn allowed_and_private_hosts_are_fine() {
        let mut policy = Policy::empty();
        policy.allowed_hosts = vec!["*.partner.example".into()];
        assert!(run(&app("https://hooks.partner.example/in"), &policy).is_empty());
        assert!(run(&app("http://10.0.0.5/in"), &Policy::empty()).is_empty());
    }

    #[test]
    fn unconnected_senders_are_fine() {
        let mut a = app("https://hooks.partner.example/in");
        a.edges.clear();
        assert!(run(&a, &Policy::empty()).is_empty());
    }
}
