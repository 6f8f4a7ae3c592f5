//! LC014 sample-data-with-sensitive-values: saved sample / pinned data in the
//! export holds personal data or secrets.
//!
//! Looks at the field names of each [`SampleData`] (sensitive-field
//! dictionary) and at the sample values under it (`ValueContext::SampleData`):
//! e-mail addresses, card and bank numbers, identity numbers, phone numbers
//! and secrets. Name and values of each key are weighed together
//! (`detect::fields::assess`), so the finding can say how sure it is.

use super::lc010_sensitive_data_field::regulation_notes;
use crate::detect::fields::{assess, classify_value, Assessment, Sensitivity};
use crate::detect::secrets::{any_key_word, scan_value, Confidence};
use crate::model::{App, Platform, SampleData, ValueContext};
use crate::report::{mask, Severity};
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC014",
    name: "sample-data-with-sensitive-values",
    title: "Saved test data holds personal data or secrets",
    severity: Severity::High,
    owasp: "CD-SEC-03",
    owasp_lcnc: "LCNC-SEC-03",
    cwe: 312,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Sample or test data saved inside the export that holds real-looking personal
data or secrets: in n8n, *pinned data* (`pinData`); in Power Apps canvas
apps, tables imported from Excel (static data saved inside the `.msapp`);
whose fields are named like sensitive data (`email`, `iban`, `password`) or
whose values are e-mail addresses, card or bank account numbers, identity or
phone numbers, or keys and tokens.

The finding says how sure lcscan is, for the surest field: *Sensitive* when
a field's name and its values agree (`Email` holding `jane@…`) or your
policy lists it, *Likely sensitive* when only the name says so or a value is
an e-mail address or passes a card / IBAN checksum, *Check* when values are
merely shaped like phone or identity numbers. Saved data with only *Check*
fields and no secrets is medium instead of high. The regulations that
usually apply (GDPR, HIPAA, PCI DSS) are named in plain words.

## Why it matters

Pinned data travels with the workflow: everyone who receives the export, the
template or the Git repository it is kept in can read it. Data copied from a
real run is real customer data, and a token captured in a response still
works for whoever finds it.

## How to fix

**n8n** — open the node, delete the pinned data with the pin icon (*Unpin*)
in the output panel, and save. If you need test data, pin made-up values
instead. Change any key or password that was pinned.

**Power Apps** — in Power Apps Studio open *Data* in the left pane, select
the imported table, choose *⋯* › *Remove*, and connect to the data where it
is kept instead (a SharePoint list, a Dataverse table or an Excel file in
OneDrive), so only people with access to it can read it. If the app needs
built-in data, import a table of made-up values.

**Power Automate** — remove real data from the sample payloads used to
generate trigger schemas (*Use sample payload to generate schema*); use
made-up values.

## Example

An n8n export whose `pinData` for the node *Get customers* holds
`"email": "jane.doe@example.com"` and `"card": "4111 1111 1111 1111"` is
reported. Pinned data with only `orderId` and `status` is not.
"#;

struct Found {
    labels: Vec<String>,
    evidence: Option<String>,
    secret: bool,
    /// The surest field assessment, if any field is sensitive data.
    surest: Option<Assessment>,
    /// Regulations of all sensitive fields, in order of first appearance.
    regulations: Vec<String>,
}

fn inspect(app: &App, sample: &SampleData, ctx: &Context) -> Found {
    let mut found = Found {
        labels: Vec::new(),
        evidence: None,
        secret: false,
        surest: None,
        regulations: Vec::new(),
    };
    let add = |labels: &mut Vec<String>, label: String| {
        if !labels.contains(&label) {
            labels.push(label);
        }
    };
    // Keys in order: the records' own fields, then keys found deeper down.
    let mut keys: Vec<(&str, Vec<&str>)> = sample
        .fields
        .iter()
        .map(|f| (f.as_str(), Vec::new()))
        .collect();
    let mut secrets_seen: Vec<(&str, String)> = Vec::new();
    let prefix = format!("{}/", sample.location.path);
    let values = app.values.iter().filter(|v| {
        v.context == ValueContext::SampleData
            && v.location.file == sample.location.file
            && v.location.path.starts_with(&prefix)
    });
    for value in values {
        // A webhook's signature header proves one payload; it is not a reusable key.
        let signature = any_key_word(&value.key, |t| t == "signature");
        let secrets: Vec<_> = scan_value(value)
            .into_iter()
            .filter(|h| h.confidence >= Confidence::Medium && !signature)
            .collect();
        if let Some(hit) = secrets.first() {
            found.secret = true;
            if found.evidence.is_none() {
                let text = value.value.get(hit.start..hit.end).unwrap_or(&value.value);
                found.evidence = Some(format!("{}: {}", value.key, mask(text)));
            }
            secrets_seen.push((value.key.as_str(), hit.name.clone()));
            continue;
        }
        if is_technical(&value.key, &value.location.path) {
            continue;
        }
        if found.evidence.is_none() && classify_value(&value.value).is_some() {
            found.evidence = Some(format!("{}: {}", value.key, mask(&value.value)));
        }
        if let Some((_, list)) = keys.iter_mut().find(|(k, _)| *k == value.key) {
            if list.len() < MAX_VALUES_PER_KEY {
                list.push(value.value.as_str());
            }
        } else if keys.len() < MAX_KEYS {
            keys.push((value.key.as_str(), vec![value.value.as_str()]));
        }
    }
    for (key, values) in &keys {
        // Keys deeper in a record count only for what their values show.
        let top_level = sample.fields.iter().any(|f| f == key);
        if !top_level && !values.iter().any(|v| classify_value(v).is_some()) {
            continue;
        }
        let Some(judged) = assess(key, values, ctx.policy) else {
            continue;
        };
        add(&mut found.labels, format!("{} ({key})", judged.class.label));
        for r in &judged.regulations {
            if !found.regulations.contains(r) {
                found.regulations.push(r.clone());
            }
        }
        if found.surest.as_ref().is_none_or(|s| judged.level > s.level) {
            found.surest = Some(judged);
        }
    }
    for (key, name) in secrets_seen {
        // The field name may have said it ("secret, token or API key (access_token)").
        let named = format!("({key})");
        if !found.labels.iter().any(|l| l.ends_with(&named)) {
            add(&mut found.labels, name);
        }
    }
    found
}

/// Enough values per key to weigh it, and enough keys for any real record.
const MAX_VALUES_PER_KEY: usize = 20;
const MAX_KEYS: usize = 500;

/// Request headers and id / trace / address fields hold numbers that only
/// look like phone or card numbers (`x-forwarded-for`, `x-datadog-trace-id`).
fn is_technical(key: &str, path: &str) -> bool {
    if path.contains("/headers/") || key.starts_with("x-") {
        return true;
    }
    any_key_word(key, |t| {
        matches!(
            t,
            "id" | "ids"
                | "trace"
                | "span"
                | "ip"
                | "forwarded"
                | "timestamp"
                | "time"
                | "date"
                | "version"
                | "uuid"
                | "guid"
                | "hash"
                | "checksum"
        )
    })
}

fn check(app: &App, ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for sample in &app.sample_data {
        let found = inspect(app, sample, ctx);
        if found.labels.is_empty() {
            continue;
        }
        let step_name = sample
            .step_id
            .as_deref()
            .and_then(|id| app.step(id))
            .map(|s| s.name.clone())
            .or_else(|| sample.location.step.as_deref().map(str::to_string));
        let records = match sample.records {
            1 => "1 record".to_string(),
            n => format!("{n} records"),
        };
        let mut labels = found.labels.clone();
        if labels.len() > 6 {
            let more = labels.len() - 6;
            labels.truncate(6);
            labels.push(format!("and {more} more"));
        }
        // Only weak evidence and no secret: worth a look, not an alarm.
        let weak = !found.secret
            && found
                .surest
                .as_ref()
                .is_none_or(|j| j.level == Sensitivity::Check);
        let mut why = if found.secret {
            format!("{} can read the saved data, and the key or password in it still works for whoever finds it.", readers(app.platform))
        } else if weak {
            format!(
                "{} can read the saved data, which may be real people's details.",
                readers(app.platform)
            )
        } else {
            format!(
                "{} can read the saved data, which looks like real people's details.",
                readers(app.platform)
            )
        };
        let notes = regulation_notes(&found.regulations);
        if !notes.is_empty() {
            why.push(' ');
            why.push_str(&notes);
        }
        let mut message = format!(
            "{} ({records}) is saved {} and holds {}.",
            saved_data(app.platform, step_name.as_deref()),
            if app.platform == Platform::PowerApps {
                "inside the app file"
            } else {
                "in the export"
            },
            labels.join(", ")
        );
        if let Some(judged) = &found.surest {
            message.push(' ');
            message.push_str(&level_sentence(judged));
        }

        let mut location = sample.location.clone();
        if let Some(n) = &step_name {
            location = location.with_step(n);
        }
        hits.push(Hit {
            location,
            message,
            why,
            fix: fix(app.platform, step_name.as_deref(), found.secret),
            evidence: found.evidence,
            severity: weak.then_some(Severity::Medium),
            key: sample.step_id.clone().unwrap_or_default(),
        });
    }
    hits
}

/// "Sensitive: the field 'Email' is named like an e-mail address and …".
fn level_sentence(judged: &Assessment) -> String {
    let mut chars = judged.reason.chars();
    let reason: String = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("{}: {reason}", judged.level.as_str())
}

/// What the saved data is called on the platform, to start the message.
/// Who can read what is saved, in the platform's terms.
fn readers(platform: Platform) -> &'static str {
    match platform {
        Platform::PowerApps => {
            "Everyone the app is shared with, and everyone who gets this app file,"
        }
        _ => "Everyone who gets this export",
    }
}

fn saved_data(platform: Platform, step: Option<&str>) -> String {
    match (platform, step) {
        (Platform::N8n, Some(s)) => format!("The test data pinned to {}", step_ref(platform, s)),
        (Platform::N8n, None) => "Test data pinned to a node".into(),
        (Platform::PowerApps, Some(s)) => format!("The table '{s}' imported into the app"),
        (Platform::PowerApps, None) => "A table imported into the app".into(),
        (_, Some(s)) => format!("The sample data saved with {}", step_ref(platform, s)),
        (_, None) => "Sample data".into(),
    }
}

fn fix(platform: Platform, step: Option<&str>, secret: bool) -> String {
    let rotate = if secret {
        "; then change the key or password it held"
    } else {
        ""
    };
    match platform {
        Platform::N8n => {
            let node = step.map_or_else(|| "the node".to_string(), |s| format!("the node '{s}'"));
            format!("Open {node}, delete the pinned data with the pin icon in its output panel, and save{rotate}.")
        }
        Platform::PowerApps => {
            let table = step.map_or_else(|| "the imported table".to_string(), |s| format!("the table '{s}'"));
            format!("In Power Apps Studio open Data in the left pane, select {table}, choose ⋯ › Remove, and connect to the data where it is kept (a SharePoint list, a Dataverse table or an Excel file in OneDrive) instead; if the app needs built-in data, import made-up values{rotate}.")
        }
        Platform::PowerAutomate => format!("Remove the real data from the sample payload used to generate the trigger's schema and use made-up values instead{rotate}."),
        _ => format!("Delete the saved sample data from the export and use made-up values instead{rotate}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, Step, Value};
    use crate::policy::Policy;

    fn app(fields: &[&str], values: &[(&str, &str)]) -> App {
        let loc = Location::new("wf.json", "/pinData/Get customers");
        App {
            platform: Platform::N8n,
            steps: vec![Step {
                id: "Get customers".into(),
                name: "Get customers".into(),
                ..Step::default()
            }],
            sample_data: vec![SampleData {
                step_id: Some("Get customers".into()),
                records: 2,
                fields: fields.iter().map(|f| f.to_string()).collect(),
                location: loc.clone(),
            }],
            values: values
                .iter()
                .enumerate()
                .map(|(i, (k, v))| Value {
                    key: k.to_string(),
                    value: v.to_string(),
                    context: ValueContext::SampleData,
                    step_id: Some("Get customers".into()),
                    location: loc.index(i).child("json").child(k),
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
    fn personal_values_are_reported_and_masked() {
        let hits = run(&app(
            &["id", "contact"],
            &[("id", "42"), ("contact", "jane.doe@example.com")],
        ));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The test data pinned to the node 'Get customers' (2 records) is saved in the export and holds e-mail address (contact). \
             Likely sensitive: the name 'contact' says nothing, but 1 of 1 sample values look like e-mail addresses."
        );
        assert!(
            hits[0].why.contains("GDPR (the EU and UK"),
            "{}",
            hits[0].why
        );
        assert_eq!(hits[0].severity, None);
        let ev = hits[0].evidence.as_deref().unwrap_or_default();
        assert!(!ev.contains("jane.doe@example.com"), "{ev}");
        assert!(ev.starts_with("contact: jane"), "{ev}");
    }

    #[test]
    fn sensitive_field_names_count_too() {
        let hits = run(&app(&["email"], &[]));
        assert_eq!(hits.len(), 1);
        assert!(hits[0].message.contains("(email)"), "{}", hits[0].message);
    }

    #[test]
    fn header_and_id_numbers_are_not_personal_data() {
        assert!(run(&app(
            &["headers"],
            &[
                ("x-forwarded-for", "52.31.10.7"),
                ("traceId", "5476000000000000047")
            ],
        ))
        .is_empty());
    }

    #[test]
    fn signatures_are_not_keys_and_labels_are_not_repeated() {
        assert!(run(&app(
            &["headers"],
            &[(
                "x-hub-signature-256",
                "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            )],
        ))
        .is_empty());
        let hits = run(&app(&["email"], &[("email", "jane.doe@example.com")]));
        assert!(
            hits[0].message.ends_with(
                "holds e-mail address (email). Sensitive: the field 'email' is named like an e-mail address \
                 and its sample values look like e-mail addresses (1 of 1)."
            ),
            "{}",
            hits[0].message
        );
    }

    #[test]
    fn phone_shaped_values_alone_are_medium_and_secrets_stay_high() {
        let hits = run(&app(&["col3"], &[("col3", "+44 20 7946 0958")]));
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].message.ends_with(
                "holds phone number (col3). Check: the name 'col3' says nothing, but 1 of 1 sample values look like phone numbers."
            ),
            "{}",
            hits[0].message
        );
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        let hits = run(&app(
            &["data"],
            &[("data", "key=sk_live_FAKE4eC39HqLyjWDarjtT1zdp7dc")],
        ));
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].severity, None);
        assert!(
            hits[0]
                .fix
                .ends_with("then change the key or password it held."),
            "{}",
            hits[0].fix
        );
    }

    #[test]
    fn canvas_app_tables_are_named_in_power_apps_words() {
        let mut a = app(&["Email"], &[("Email", "aino@fake.test")]);
        a.platform = Platform::PowerApps;
        a.steps.clear();
        a.sample_data[0].step_id = None;
        a.sample_data[0].location = a.sample_data[0].location.clone().with_step("Staff");
        let hits = run(&a);
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].message.starts_with(
                "The table 'Staff' imported into the app (2 records) is saved inside the app file and holds e-mail address (Email). Sensitive:"
            ),
            "{}",
            hits[0].message
        );
        assert!(
            hits[0].fix.starts_with("In Power Apps Studio open Data in the left pane, select the table 'Staff', choose ⋯ › Remove"),
            "{}",
            hits[0].fix
        );
        assert!(!hits[0].message.contains("pinned"));
    }

    #[test]
    fn policy_listed_sample_fields_are_sensitive() {
        let mut policy = Policy::empty();
        policy
            .sensitive_fields
            .insert("loyaltyNumber".into(), "pii".into());
        let hits = check(
            &app(&["loyaltyNumber"], &[("loyaltyNumber", "LN-0042")]),
            &Context { policy: &policy },
        );
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0]
                .message
                .contains("Sensitive: your organisation's policy lists 'loyaltyNumber'"),
            "{}",
            hits[0].message
        );
    }

    #[test]
    fn harmless_sample_data_is_fine() {
        assert!(run(&app(
            &["orderId", "status"],
            &[("orderId", "A-1001"), ("status", "shipped")]
        ))
        .is_empty());
    }
}
