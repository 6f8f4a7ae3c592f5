//! LC015 hardcoded-record-id-or-environment-url: a step has a Salesforce
//! record id or an org / environment address typed into it.
//!
//! Record ids are 15 or 18 letters and digits starting with a known key
//! prefix (`001` Account, `005` User, `00G` queue, `a0X` custom objects…),
//! with the reserved sixth character `0`; 18-character ids must carry a
//! valid case checksum. Addresses are `*.my.salesforce.com`,
//! `*.lightning.force.com` and Dataverse `*.crm*.dynamics.com` hosts in
//! values and endpoints.

use std::collections::BTreeSet;

use crate::model::{App, Location, Platform, ValueContext, ValueKind};
use crate::report::{mask, Severity};
use crate::rules::{step_ref, Context, Hit, Rule};

use super::capitalise;
use super::lc010_sensitive_data_field::app_word;

pub static RULE: Rule = Rule {
    id: "LC015",
    name: "hardcoded-record-id-or-environment-url",
    title: "Record id or org address typed in",
    severity: Severity::Low,
    owasp: "CD-SEC-09",
    owasp_lcnc: "LCNC-SEC-09",
    cwe: 547,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Values typed straight into a step that only make sense in one org or
environment: Salesforce record ids (15 or 18 characters starting with a key
prefix such as `001` Account, `003` Contact, `005` User, `00G` queue or
group, `012` record type, `a0…` custom objects) and the addresses of one
org or environment (`https://acme.my.salesforce.com`,
`acme.lightning.force.com`, Dataverse `https://contoso.crm4.dynamics.com`).
Saved sample data and values computed while the app runs are ignored.

## Why it matters

Record ids and org addresses are different in every sandbox and in
production. When the app is moved, the step points to a record that does
not exist — or to the wrong one — so it fails, assigns work to a person who
left, or keeps reading and writing the test org from production. A fixed
user or queue id also quietly decides who gets records, which nobody sees
when reviewing the app.

## How to fix

**Salesforce** — find the record while the flow runs instead: add a *Get
Records* element that looks it up by a stable value (a queue's or record
type's *Developer Name*, a user's username), or keep the id in a custom
label or custom metadata type. For org addresses use a *Named Credential*
or the `{!$Api.Partner_Server_URL_…}` global variable.

**Power Automate** — keep the address and ids in *environment variables*
(in your solution: *New* › *More* › *Environment variable*) and use those in
the action, so each environment gets its own value.

**n8n** — put the org address in the credential (its instance URL) or in an
n8n variable, and look records up by a stable field instead of an id.

## Example

A Get Records filter `OwnerId = 0055g00000AbCdEAAZ` or a variable holding
`https://acme.my.salesforce.com/lightning/r/Contact/view` is reported; the
same filter using `{!$User.Id}` is not.
"#;

/// Known key prefixes and what they name.
const PREFIXES: &[(&str, &str)] = &[
    ("001", "Account"),
    ("003", "Contact"),
    ("005", "User"),
    ("006", "Opportunity"),
    ("00D", "organisation"),
    ("00E", "role"),
    ("00G", "queue or group"),
    ("00O", "report"),
    ("00Q", "Lead"),
    ("00T", "Task"),
    ("00U", "Event"),
    ("00e", "profile"),
    ("00X", "e-mail template"),
    ("012", "record type"),
    ("015", "document"),
    ("01t", "Product"),
    ("02i", "Asset"),
    ("068", "file version"),
    ("069", "file"),
    ("0PS", "permission set"),
    ("500", "Case"),
    ("701", "Campaign"),
    ("800", "Contract"),
    ("801", "Order"),
];

const CHECKSUM_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// What a Salesforce record id names ("User", "custom object"), if `t` is one.
pub(super) fn record_id_kind(t: &str) -> Option<&'static str> {
    let bytes = t.as_bytes();
    if !(bytes.len() == 15 || bytes.len() == 18) || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let prefix = t.get(..3)?;
    let kind = match PREFIXES.iter().find(|(p, _)| *p == prefix) {
        Some((_, k)) => *k,
        None if bytes.first() == Some(&b'a') && bytes.get(1).is_some_and(u8::is_ascii_digit) => {
            "custom object"
        }
        None => return None,
    };
    // The sixth character is reserved and always `0`.
    if bytes.get(5) != Some(&b'0') {
        return None;
    }
    if bytes.len() == 18 {
        for chunk in 0..3 {
            let mut bits = 0usize;
            for j in 0..5 {
                if bytes.get(chunk * 5 + j).is_some_and(u8::is_ascii_uppercase) {
                    bits |= 1 << j;
                }
            }
            if CHECKSUM_ALPHABET.get(bits) != bytes.get(15 + chunk) {
                return None;
            }
        }
        Some(kind)
    } else if bytes.iter().skip(3).any(u8::is_ascii_alphabetic) {
        // 15 digits are more likely a number than an id.
        Some(kind)
    } else {
        None
    }
}

/// The maximal runs of ASCII letters and digits that could be a record id
/// (15 or 18 long): what splitting at every other character would give,
/// without looking at the runs of other lengths.
fn alphanumeric_runs(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let start = at;
            at += bytes
                .get(at..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            let run = (start, at);
            // Past the run's end (one separator byte, or the text's end).
            at += 1;
            if matches!(run.1 - run.0, 15 | 18) {
                return text.get(run.0..run.1);
            }
        }
        None
    })
}

/// A host that belongs to one Salesforce org or one Dataverse environment.
pub(super) fn is_instance_host(host: &str) -> bool {
    // Compared without case and without a lower-cased copy: this runs for
    // every host in every value.
    let h = host.trim().trim_end_matches('.');
    let org_part = |suffix: &str| {
        strip_suffix_ignore_case(h, suffix)
            .is_some_and(|rest| !rest.is_empty() && !rest.ends_with('.'))
    };
    if org_part(".my.salesforce.com") || org_part(".lightning.force.com") {
        return true;
    }
    let Some(rest) = strip_suffix_ignore_case(h, ".dynamics.com") else {
        return false;
    };
    let mut labels = rest.rsplit('.');
    let crm = labels.next().unwrap_or_default();
    let is_crm = crm.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("crm"))
        && crm.bytes().skip(3).all(|c| c.is_ascii_digit());
    is_crm && labels.next().is_some_and(|org| !org.is_empty())
}

/// `text` without `suffix` at its end, the suffix's ASCII letters matched
/// in either case.
fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let tail = text.as_bytes().get(cut..)?;
    if tail.eq_ignore_ascii_case(suffix.as_bytes()) {
        text.get(..cut)
    } else {
        None
    }
}

/// Hosts of `http(s)://` addresses in `text`, and `text` itself when it is
/// a bare host, as written (callers lower-case the ones they keep).
fn hosts_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    // Most values have no ':' at all: skip the search set-up for those.
    let schemes = memchr::memchr(b':', bytes)
        .into_iter()
        .flat_map(|_| memchr::memmem::find_iter(bytes, b"://"));
    for at in schemes {
        let rest = bytes.get(at + 3..).unwrap_or_default();
        let len = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-'))
            .count();
        if let Some(host) = text.get(at + 3..at + 3 + len).filter(|h| !h.is_empty()) {
            out.push(host);
        }
    }
    let bare = text.trim();
    if out.is_empty()
        && memchr::memchr(b'.', bare.as_bytes()).is_some()
        && !bare.bytes().any(|b| matches!(b, b'/' | b' ' | b':'))
    {
        out.push(bare);
    }
    out
}

enum Found {
    RecordId(&'static str),
    Address,
}

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut seen: BTreeSet<(Option<String>, String)> = BTreeSet::new();
    let mut hits = Vec::new();
    // The address a step calls first, so its hit points at the URL rather
    // than at a header or token audience repeating the host.
    for step in app.steps.iter().filter(|s| !s.disabled) {
        let Some(http) = step.http.as_ref().filter(|h| !h.url_is_expression) else {
            continue;
        };
        for host in hosts_in(&http.url) {
            if !is_instance_host(host) {
                continue;
            }
            let host = host.to_ascii_lowercase();
            if seen.insert((Some(step.id.clone()), host.clone())) {
                hits.push(hit(
                    app,
                    Some(&step.id),
                    "",
                    &host,
                    Found::Address,
                    &http.location,
                ));
            }
        }
    }
    for value in &app.values {
        if value.kind == ValueKind::Expression
            || matches!(
                value.context,
                ValueContext::SampleData | ValueContext::Credential
            )
        {
            continue;
        }
        let step_id = value.step_id.as_deref();
        // Asked only for values that hold something to report (most hold
        // nothing), and then once.
        let mut step_disabled = None;
        let mut disabled = || {
            *step_disabled.get_or_insert_with(|| {
                step_id
                    .and_then(|id| app.step(id))
                    .is_some_and(|s| s.disabled)
            })
        };
        let text = value.value.as_bytes();
        // A record id is 15 or 18 characters with a `0` in sixth place, and
        // an instance host has dots: most values hold neither, and a byte
        // search says so faster than splitting them.
        let ids = if text.len() >= 15 && memchr::memchr(b'0', text).is_some() {
            Some(alphanumeric_runs(&value.value))
        } else {
            None
        };
        for token in ids.into_iter().flatten() {
            if let Some(kind) = record_id_kind(token) {
                if disabled() {
                    break;
                }
                if seen.insert((step_id.map(str::to_string), token.to_string())) {
                    hits.push(hit(
                        app,
                        step_id,
                        &value.key,
                        token,
                        Found::RecordId(kind),
                        &value.location,
                    ));
                }
            }
        }
        let hosts = if memchr::memchr(b'.', text).is_some() {
            hosts_in(&value.value)
        } else {
            Vec::new()
        };
        for host in hosts {
            if !is_instance_host(host) || disabled() {
                continue;
            }
            let host = host.to_ascii_lowercase();
            if seen.insert((step_id.map(str::to_string), host.clone())) {
                hits.push(hit(
                    app,
                    step_id,
                    &value.key,
                    &host,
                    Found::Address,
                    &value.location,
                ));
            }
        }
    }
    for ep in &app.endpoints {
        // Endpoints outside any step are the platform's own bookkeeping (a
        // Power Apps data source's environment, rebound on import); values
        // typed by the maker outside steps are found above.
        let (Some(host), Some(_)) = (ep.host.as_deref(), ep.step_id.as_deref()) else {
            continue;
        };
        let step_id = ep.step_id.clone();
        if !is_instance_host(host)
            || step_id
                .as_deref()
                .and_then(|id| app.step(id))
                .is_some_and(|s| s.disabled)
        {
            continue;
        }
        if seen.insert((step_id.clone(), host.to_string())) {
            hits.push(hit(
                app,
                step_id.as_deref(),
                "",
                host,
                Found::Address,
                &ep.location,
            ));
        }
    }
    hits
}

fn hit(
    app: &App,
    step_id: Option<&str>,
    key: &str,
    text: &str,
    found: Found,
    location: &Location,
) -> Hit {
    let step = step_id.and_then(|id| app.step(id));
    let (subject, location) = match step {
        Some(s) => (
            capitalise(&step_ref(app.platform, &s.name)),
            location.clone().with_step(&s.name),
        ),
        None => (
            format!("The {} '{}'", app_word(app.platform), app.name),
            location.clone(),
        ),
    };
    let under = if key.is_empty() || key.eq_ignore_ascii_case(text) {
        String::new()
    } else {
        format!(" (in '{key}')")
    };
    let (message, why, evidence) = match found {
        Found::RecordId(kind) => (
            format!("{subject} has a fixed {kind} record id typed in{under}."),
            format!(
                "Record ids differ between sandbox and production, so when this {} is moved it points to a missing or wrong {kind} and fails or changes the wrong record.",
                app_word(app.platform)
            ),
            format!("record id {}", mask(text)),
        ),
        Found::Address => (
            format!("{subject} has the address of one org or environment, {text}, typed in{under}."),
            format!(
                "When this {} is moved to another sandbox or to production it keeps using {text}, so it fails or reads and changes data in the wrong environment.",
                app_word(app.platform)
            ),
            format!("address {text}"),
        ),
    };
    Hit {
        location,
        message,
        why,
        fix: fix(app.platform, &found),
        evidence: Some(evidence),
        severity: None,
        key: text.to_string(),
    }
}

fn fix(platform: Platform, found: &Found) -> String {
    match (platform, found) {
        (Platform::SalesforceFlow, Found::RecordId(_)) => "Look the record up while the flow runs with a Get Records element (by Developer Name, username or another stable field), or keep the id in a custom label or custom metadata type.".into(),
        (Platform::SalesforceFlow, Found::Address) => "Replace the typed address with a Named Credential or the {!$Api.Partner_Server_URL_…} global variable.".into(),
        (Platform::PowerAutomate | Platform::LogicApps, _) => "Keep the value in an environment variable of your solution (New › More › Environment variable) and use that in the action.".into(),
        (Platform::N8n, Found::Address) => "Put the org address in the node's credential (its instance URL) or in an n8n variable instead of the node.".into(),
        (Platform::N8n, Found::RecordId(_)) => "Look the record up by a stable field in an earlier node, or keep the id in an n8n variable.".into(),
        _ => "Look the value up while the app runs, or keep it in per-environment settings, instead of typing it into the step.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, Step, Value};
    use crate::policy::Policy;

    #[test]
    fn runs_are_what_splitting_gives_of_the_id_lengths() {
        for text in [
            "OwnerId = 0055g00000AbCdEAAZ and 001000000000001",
            "é0055g00000AbCdEAAZé/001000000000001x",
            "0055g00000AbCdEAAZ",
            "",
            "a-b-c",
            "0055g00000AbCdEAAZ0",
        ] {
            let split: Vec<&str> = text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|t| matches!(t.len(), 15 | 18))
                .collect();
            assert_eq!(alphanumeric_runs(text).collect::<Vec<_>>(), split, "{text}");
        }
    }

    fn app(platform: Platform, values: &[(&str, &str, ValueKind)]) -> App {
        App {
            platform,
            name: "Case routing".into(),
            steps: vec![Step {
                id: "Assign_Owner".into(),
                name: "Assign owner".into(),
                ..Step::default()
            }],
            values: values
                .iter()
                .map(|(key, value, kind)| Value {
                    key: key.to_string(),
                    value: value.to_string(),
                    kind: *kind,
                    step_id: Some("Assign_Owner".into()),
                    location: Location::new("f.flow-meta.xml", "/Flow/recordUpdates[1]"),
                    ..Value::default()
                })
                .collect(),
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn record_ids_are_recognised_by_prefix_and_checksum() {
        assert_eq!(record_id_kind("0055g00000AbCdEAAV"), Some("User"));
        assert_eq!(record_id_kind("00G5g00000QuEuE"), Some("queue or group"));
        assert_eq!(record_id_kind("a0X5g00000LmNoPEAV"), Some("custom object"));
        // Wrong checksum, reserved character not 0, all digits, unknown prefix.
        assert_eq!(record_id_kind("0055g00000AbCdEAAA"), None);
        assert_eq!(record_id_kind("005FAKE000Test1AAA"), None);
        assert_eq!(record_id_kind("001000000000000"), None);
        assert_eq!(record_id_kind("9995g00000AbCdE"), None);
        assert_eq!(record_id_kind("OrderNumber12345"), None);
    }

    #[test]
    fn instance_hosts_are_recognised() {
        assert!(is_instance_host("acme.my.salesforce.com"));
        assert!(is_instance_host("acme--uat.sandbox.my.salesforce.com"));
        assert!(is_instance_host("acme.lightning.force.com"));
        assert!(is_instance_host("contoso.crm4.dynamics.com"));
        assert!(is_instance_host("contoso.api.crm.dynamics.com"));
        assert!(!is_instance_host("login.salesforce.com"));
        assert!(!is_instance_host("my.salesforce.com"));
        assert!(!is_instance_host("www.dynamics.com"));
        assert!(!is_instance_host("api.example.test"));
    }

    #[test]
    fn typed_id_and_org_address_are_reported_once_each() {
        let a = app(
            Platform::SalesforceFlow,
            &[
                ("OwnerId", "0055g00000AbCdEAAV", ValueKind::Literal),
                ("OwnerId", "0055g00000AbCdEAAV", ValueKind::Literal),
                (
                    "Portal_URL",
                    "https://acme.my.salesforce.com/lightning/r/Case/view",
                    ValueKind::Literal,
                ),
            ],
        );
        let mut a = a;
        a.endpoints.push(Endpoint {
            url: "https://acme.my.salesforce.com/lightning/r/Case/view".into(),
            host: Some("acme.my.salesforce.com".into()),
            step_id: Some("Assign_Owner".into()),
            ..Endpoint::default()
        });
        let hits = run(&a);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(
            hits[0].message,
            "The element 'Assign owner' has a fixed User record id typed in (in 'OwnerId')."
        );
        assert_eq!(
            hits[0].evidence.as_deref(),
            Some("record id 0055••••••AV (18 characters)")
        );
        assert!(hits[0].fix.contains("Get Records"));
        assert!(hits[1].message.contains("acme.my.salesforce.com"));
    }

    #[test]
    fn running_user_references_and_computed_values_are_fine() {
        let a = app(
            Platform::SalesforceFlow,
            &[
                ("OwnerId", "{!$User.Id}", ValueKind::Expression),
                ("OwnerId", "0055g00000AbCdEAAV", ValueKind::Expression),
                (
                    "Url",
                    "https://login.salesforce.com/services",
                    ValueKind::Literal,
                ),
                (
                    "Subject",
                    "Order 123456789012345 shipped",
                    ValueKind::Literal,
                ),
            ],
        );
        assert!(run(&a).is_empty());
    }

    #[test]
    fn data_source_bindings_outside_steps_are_fine() {
        let mut a = app(Platform::PowerApps, &[]);
        a.endpoints.push(Endpoint {
            url: "https://org0000fake.crm.dynamics.com/".into(),
            host: Some("org0000fake.crm.dynamics.com".into()),
            step_id: None,
            ..Endpoint::default()
        });
        assert!(run(&a).is_empty());
        a.endpoints[0].step_id = Some("Assign_Owner".into());
        assert_eq!(run(&a).len(), 1);
    }
}
