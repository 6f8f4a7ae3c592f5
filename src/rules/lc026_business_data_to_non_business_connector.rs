//! LC026 business-data-to-non-business-connector: a Power Automate flow or
//! Logic App reads from a business connector (SharePoint, Dataverse, Office
//! 365 Outlook, SQL Server…) and passes what it read on to a non-business or
//! unknown connector or an outside HTTP address — the mix a Power Platform
//! data (DLP) policy with the usual business / non-business groups forbids.
//!
//! Groups come from the connector catalog (`rules/connectors.toml`, `group`);
//! the policy's `approved_connectors` count as business. Steps to which LC012
//! already traces recognised sensitive fields are left to LC012.

use std::collections::{HashMap, HashSet, VecDeque};

use super::capitalise;
use super::lc010_sensitive_data_field::{
    group_regulations, level_sentence, regulation_notes, sensitive_fields_by_step, surest,
};
use super::lc012_sensitive_data_to_external_connector::is_internal_host;
use super::lc019_unknown_or_blocked_connector::{is_built_in, lookup};
use crate::model::{App, Platform, Step, StepKind};
use crate::platforms::common::host_of;
use crate::policy::Policy;
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC026",
    name: "business-data-to-non-business-connector",
    title: "Business data is passed to a consumer or unknown service",
    severity: Severity::Medium,
    owasp: "CD-SEC-03",
    owasp_lcnc: "LCNC-SEC-03",
    cwe: 359,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Power Automate flows and Logic Apps that read from a **business** data
connector — SharePoint, Microsoft Dataverse, Office 365 Outlook, SQL Server,
OneDrive for Business and the other storage, e-mail, CRM, database and
file-sharing connectors the connector catalog puts in the business group,
plus the connectors your policy approves — and then hand what they read to a
**non-business** connector (Gmail, Dropbox, X/Twitter, consumer storage and
chat), in Power Automate to a connector nobody has classified (custom
connectors included), or to an HTTP call that sends data (POST, PUT, PATCH,
DELETE) to an outside address. One finding per receiving action (medium).
A flow that only *uses* both kinds without a path between them is reported
once, as low. Actions to which the sensitive-data rule (LC012) already traces
personal fields are left to it. When the business action also reads fields
lcscan recognises as sensitive (for example the addresses a mail is sent to,
which LC012 does not count as data leaving), the finding lists them, says how
sure lcscan is (*Sensitive*, *Likely sensitive* or *Check*, see LC010) and
names the regulations that usually apply in plain words; the severity stays
medium either way.

## Why it matters

Power Platform data policies (DLP) group connectors into *Business* and
*Non-business* so that organisational data cannot be moved into services the
organisation does not control. A flow that mixes the two is exactly what
such a policy blocks: either the environment has no such policy yet, or the
flow will be suspended once one is applied. Meanwhile files, list items,
e-mails and records leave for a service where your organisation cannot
see who reads them, how long they are kept or where they are stored.

## How to fix

**Power Automate** — replace the non-business action with one on a business
connector (for example save to OneDrive for Business or SharePoint instead of
Dropbox, send with Office 365 Outlook instead of Gmail), or send only data
that is not the organisation's. If the outside service is approved, ask your
admin to move its connector into the *Business* group of the environment's
data policy (Power Platform admin center › Policies › Data policies) and to
add it to the lcscan policy's `approved_connectors`.

**Azure Logic Apps** — use an approved connector or an address in the
policy's `allowed_hosts`, and keep the workflow's data inside the
organisation's services.

## Example

A flow whose *Get items* action reads a SharePoint list and whose next
action *Create file* writes the items to Dropbox is reported at the Dropbox
action; the same flow writing to OneDrive for Business is not.
"#;

/// How a step's connector is grouped, DLP-style.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Group {
    /// A business connector, with its name.
    Business(String),
    /// Non-business, unknown or an outside address: why, in words.
    Outside(String),
    Neither,
}

/// Catalog categories that hold the organisation's data (SharePoint,
/// Dataverse, Outlook, SQL Server…): the business sources this rule follows.
const DATA_CATEGORIES: &[&str] = &["storage", "e-mail", "crm", "database", "file-sharing"];

fn group_of(step: &Step, platform: Platform, policy: &Policy) -> Group {
    if step.disabled {
        return Group::Neither;
    }
    if let Some(http) = &step.http {
        // Fetching something does not hand data over; sending does.
        let method = http.method.trim().to_ascii_uppercase();
        if matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS") {
            return Group::Neither;
        }
        return match host_of(&http.url) {
            Some(host) if is_internal_host(&host, policy) || is_tenant_service(&host) => {
                Group::Neither
            }
            Some(host) => Group::Outside(format!("the outside address {host} (HTTP)")),
            None => Group::Neither,
        };
    }
    let Some(id) = step.connector.as_deref() else {
        return Group::Neither;
    };
    if is_built_in(id) || matches!(step.kind, StepKind::Control | StepKind::Variable) {
        return Group::Neither;
    }
    let approved = policy
        .approved_connectors
        .iter()
        .any(|a| a.eq_ignore_ascii_case(id));
    let info = lookup(id);
    if approved {
        let name = info.map_or_else(|| id.to_string(), |i| i.name.clone());
        let data = info.is_none_or(|i| DATA_CATEGORIES.contains(&i.category.as_str()));
        return if data {
            Group::Business(name)
        } else {
            Group::Neither
        };
    }
    match info {
        Some(i) if i.group == "business" && DATA_CATEGORIES.contains(&i.category.as_str()) => {
            Group::Business(i.name.clone())
        }
        Some(i) if i.group == "non-business" => {
            Group::Outside(format!("the non-business connector {}", i.name))
        }
        // Blocked ones are LC019's; other business connectors are no source.
        Some(_) => Group::Neither,
        // Power Platform puts connectors it has not classified (custom ones
        // included) in the default group; Logic Apps' built-in service
        // providers (openai, serviceBus…) are Azure services, not consumer ones.
        None if platform == Platform::PowerAutomate && id.starts_with("shared_") => {
            Group::Outside(format!("the unclassified connector {id}"))
        }
        None => Group::Neither,
    }
}

/// Microsoft 365 / Dataverse services of the organisation's own tenant
/// (Graph, SharePoint, Dynamics): calling them keeps the data in the tenant.
fn is_tenant_service(host: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "graph.microsoft.com",
        "sharepoint.com",
        "dynamics.com",
        "outlook.office.com",
        "outlook.office365.com",
    ];
    SUFFIXES
        .iter()
        .any(|s| host == *s || host.ends_with(&format!(".{s}")))
}

fn check(app: &App, ctx: &Context) -> Vec<Hit> {
    if !matches!(app.platform, Platform::PowerAutomate | Platform::LogicApps) {
        return Vec::new();
    }
    let groups: HashMap<&str, Group> = app
        .steps
        .iter()
        .map(|s| (s.id.as_str(), group_of(s, app.platform, ctx.policy)))
        .collect();
    let sources: Vec<&Step> = app
        .steps
        .iter()
        .filter(|s| matches!(groups.get(s.id.as_str()), Some(Group::Business(_))))
        .collect();
    let outside: Vec<&Step> = app
        .steps
        .iter()
        .filter(|s| matches!(groups.get(s.id.as_str()), Some(Group::Outside(_))))
        .collect();
    let (Some(first_source), Some(first_outside)) = (sources.first(), outside.first()) else {
        return Vec::new();
    };
    // Breadth-first from every business step at once: step → the business
    // step whose data reached it first.
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &app.edges {
        next.entry(e.from.as_str()).or_default().push(e.to.as_str());
    }
    let mut origin: HashMap<&str, &str> = HashMap::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    for s in &sources {
        if origin.insert(s.id.as_str(), s.id.as_str()).is_none() {
            queue.push_back(s.id.as_str());
        }
    }
    while let Some(id) = queue.pop_front() {
        let Some(from) = origin.get(id).copied() else {
            continue;
        };
        for &to in next.get(id).map(Vec::as_slice).unwrap_or_default() {
            if !origin.contains_key(to) {
                origin.insert(to, from);
                queue.push_back(to);
            }
        }
    }
    // Receiving steps LC012 already reports.
    let lc012: HashSet<String> =
        (super::lc012_sensitive_data_to_external_connector::RULE.check)(app, ctx)
            .into_iter()
            .map(|h| h.key)
            .collect();
    let sensitive = sensitive_fields_by_step(app);
    let mut hits = Vec::new();
    for sink in &outside {
        let Some(source_id) = origin.get(sink.id.as_str()).copied() else {
            continue;
        };
        if source_id == sink.id || lc012.contains(&sink.id) {
            continue;
        }
        let (Some(Group::Business(from)), Some(Group::Outside(to))) =
            (groups.get(source_id), groups.get(sink.id.as_str()))
        else {
            continue;
        };
        let source_name = app.step(source_id).map_or(source_id, |s| s.name.as_str());
        let mut message = format!(
            "{} passes data read from the business connector {from} (by {}) to {to}.",
            capitalise(&step_ref(app.platform, &sink.name)),
            step_ref(app.platform, source_name)
        );
        let mut why = why();
        if let Some(fields) = sensitive.iter().find(|g| g.step_id == Some(source_id)) {
            message.push_str(&format!(
                " The data read includes sensitive fields: {}.",
                fields.describe(5)
            ));
            if let (_, Some(judged)) = surest(app, &fields.fields) {
                message.push(' ');
                message.push_str(&level_sentence(judged));
            }
            let notes = regulation_notes(&group_regulations(app, &fields.fields));
            if !notes.is_empty() {
                why.push(' ');
                why.push_str(&notes);
            }
        }
        hits.push(Hit {
            location: sink.location.clone().with_step(&sink.name),
            message,
            why,
            fix: fix(app.platform, &sink.name),
            evidence: sink
                .http
                .as_ref()
                .map(|h| h.url.clone())
                .or_else(|| sink.connector.clone())
                .filter(|e| !e.is_empty()),
            severity: None,
            key: sink.id.clone(),
        });
    }
    let reached = outside.iter().any(|s| origin.contains_key(s.id.as_str()));
    if hits.is_empty() && !reached {
        // Both kinds in one flow, no path between them (or none the export shows).
        let (Some(Group::Business(from)), Some(Group::Outside(to))) = (
            groups.get(first_source.id.as_str()),
            groups.get(first_outside.id.as_str()),
        ) else {
            return hits;
        };
        hits.push(Hit {
            location: first_outside
                .location
                .clone()
                .with_step(&first_outside.name),
            message: format!(
                "This flow uses the business connector {from} ({}) together with {to} ({}).",
                step_ref(app.platform, &first_source.name),
                step_ref(app.platform, &first_outside.name)
            ),
            why: "A data (DLP) policy with the usual Business / Non-business groups does not let one flow use both, so this flow is either outside such a policy or will be suspended when one applies; data from the business side can be moved to the other at any time.".into(),
            fix: fix(app.platform, &first_outside.name),
            evidence: first_outside.connector.clone(),
            severity: Some(Severity::Low),
            key: "mixed".into(),
        });
    }
    hits
}

fn why() -> String {
    "Business data leaves for a service your organisation does not control — a Power Platform data (DLP) policy with the usual Business / Non-business groups blocks exactly this mix, so either the environment has no such policy or the flow will be suspended once one applies.".into()
}

fn fix(platform: Platform, step: &str) -> String {
    match platform {
        Platform::LogicApps => format!(
            "Replace the action '{step}' with one on an approved connector or an address in the policy's allowed_hosts, or send only data that is not the organisation's."
        ),
        _ => format!(
            "Replace the action '{step}' with one on a business connector (for example OneDrive for Business or SharePoint instead of Dropbox, Office 365 Outlook instead of Gmail); if the service is approved, ask your admin to move its connector into the Business group of the data policy (Power Platform admin center › Policies › Data policies)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, HttpCall, Location};

    fn step(id: &str, connector: Option<&str>) -> Step {
        Step {
            id: id.into(),
            name: id.replace('_', " "),
            kind: StepKind::ConnectorAction,
            connector: connector.map(str::to_string),
            location: Location::new("flow.json", format!("/properties/definition/actions/{id}")),
            ..Step::default()
        }
    }

    fn app(steps: Vec<Step>, edges: &[(&str, &str)]) -> App {
        App {
            platform: Platform::PowerAutomate,
            name: "Sync".into(),
            steps,
            edges: edges
                .iter()
                .map(|(f, t)| Edge {
                    from: f.to_string(),
                    to: t.to_string(),
                    kind: "runAfter".into(),
                })
                .collect(),
            ..App::default()
        }
    }

    fn run(app: &App, policy: &Policy) -> Vec<Hit> {
        check(app, &Context { policy })
    }

    #[test]
    fn sharepoint_items_to_dropbox_is_reported_at_the_dropbox_action() {
        let a = app(
            vec![
                step("Get_items", Some("shared_sharepointonline")),
                step("Create_file", Some("shared_dropbox")),
            ],
            &[("Get_items", "Create_file")],
        );
        let hits = run(&a, &Policy::default());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(
            hits[0].message,
            "The action 'Create file' passes data read from the business connector SharePoint (by the action 'Get items') to the non-business connector Dropbox."
        );
        assert_eq!(hits[0].severity, None);
    }

    #[test]
    fn outside_http_and_unknown_connectors_count_but_approved_and_internal_do_not() {
        let mut post = step("Post", None);
        post.kind = StepKind::HttpRequest;
        post.http = Some(HttpCall {
            method: "POST".into(),
            url: "https://hooks.partner.test/in".into(),
            ..HttpCall::default()
        });
        let a = app(
            vec![step("Get_row", Some("shared_sql")), post.clone()],
            &[("Get_row", "Post")],
        );
        assert_eq!(run(&a, &Policy::default()).len(), 1);
        let policy = Policy {
            allowed_hosts: vec!["*.partner.test".into()],
            ..Policy::default()
        };
        assert!(run(&a, &policy).is_empty());

        let b = app(
            vec![
                step("Get_row", Some("shared_sql")),
                step("Send", Some("shared_acme-5fcrm-5f0123abcd")),
            ],
            &[("Get_row", "Send")],
        );
        assert_eq!(run(&b, &Policy::default()).len(), 1);
        let approved = Policy {
            approved_connectors: vec!["shared_acme-5fcrm-5f0123abcd".into()],
            ..Policy::default()
        };
        assert!(run(&b, &approved).is_empty());
    }

    #[test]
    fn fetching_over_http_and_logic_apps_built_ins_do_not_count() {
        let mut get = step("Fetch", None);
        get.kind = StepKind::HttpRequest;
        get.http = Some(HttpCall {
            method: "GET".into(),
            url: "https://raw.githubusercontent.com/x/y".into(),
            ..HttpCall::default()
        });
        let a = app(
            vec![step("Get_row", Some("shared_sql")), get],
            &[("Get_row", "Fetch")],
        );
        assert!(run(&a, &Policy::default()).is_empty());
        let mut graph = step("Invite", None);
        graph.kind = StepKind::HttpRequest;
        graph.http = Some(HttpCall {
            method: "POST".into(),
            url: "https://graph.microsoft.com/v1.0/invitations".into(),
            ..HttpCall::default()
        });
        let g = app(
            vec![step("Get_row", Some("shared_sql")), graph],
            &[("Get_row", "Invite")],
        );
        assert!(run(&g, &Policy::default()).is_empty());
        let mut b = app(
            vec![
                step("Get_row", Some("shared_sql")),
                step("Embed", Some("openai")),
            ],
            &[("Get_row", "Embed")],
        );
        b.platform = Platform::LogicApps;
        assert!(run(&b, &Policy::default()).is_empty());
    }

    #[test]
    fn sensitive_fields_of_the_source_are_named_with_their_level() {
        use crate::model::{DataField, FieldClass, FieldUse};
        let mut a = app(
            vec![
                step("Get_items", Some("shared_sharepointonline")),
                step("Create_file", Some("shared_dropbox")),
            ],
            &[("Get_items", "Create_file")],
        );
        // A recipient address: LC012 does not count it as data leaving.
        a.fields.push(DataField {
            name: "To".into(),
            usage: FieldUse::Read,
            step_id: Some("Get_items".into()),
            classification: Some(FieldClass {
                category: "pii".into(),
                label: "e-mail address".into(),
            }),
            location: Location::new(
                "flow.json",
                "/properties/definition/actions/Get_items/inputs/to",
            ),
            ..DataField::default()
        });
        crate::detect::enrich(std::slice::from_mut(&mut a), &Policy::default());
        let hits = run(&a, &Policy::default());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert!(
            hits[0].message.ends_with(
                "The data read includes sensitive fields: e-mail address (To). Likely sensitive: the field 'To' holds an e-mail address."
            ),
            "{}",
            hits[0].message
        );
        assert!(
            hits[0].why.contains("GDPR (the EU and UK"),
            "{}",
            hits[0].why
        );
        assert_eq!(hits[0].severity, None);
    }

    #[test]
    fn both_groups_without_a_path_is_low_and_business_only_passes() {
        let a = app(
            vec![
                step("Get_items", Some("shared_sharepointonline")),
                step("Tweet", Some("shared_twitter")),
            ],
            &[],
        );
        let hits = run(&a, &Policy::default());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::Low));
        let b = app(
            vec![
                step("Get_items", Some("shared_sharepointonline")),
                step("Send_mail", Some("shared_office365")),
            ],
            &[("Get_items", "Send_mail")],
        );
        assert!(run(&b, &Policy::default()).is_empty());
    }
}
