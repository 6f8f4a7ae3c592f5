//! LC014 sample-data-with-sensitive-values: saved sample / pinned data in the
//! export holds personal data or secrets.
//!
//! Looks at the field names of each [`SampleData`] (sensitive-field
//! dictionary) and at the sample values under it (`ValueContext::SampleData`):
//! e-mail addresses, card and bank numbers, identity numbers, phone numbers
//! and secrets.

use crate::detect::fields::{classify_name, classify_value};
use crate::detect::secrets::{scan_value, tokenize_key, Confidence};
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
data or secrets: in n8n, *pinned data* (`pinData`) whose fields are named
like sensitive data (`email`, `iban`, `password`) or whose values are e-mail
addresses, card or bank account numbers, identity or phone numbers, or keys
and tokens.

## Why it matters

Pinned data travels with the workflow: everyone who receives the export, the
template or the Git repository it is kept in can read it. Data copied from a
real run is real customer data, and a token captured in a response still
works for whoever finds it.

## How to fix

**n8n** — open the node, delete the pinned data with the pin icon (*Unpin*)
in the output panel, and save. If you need test data, pin made-up values
instead. Change any key or password that was pinned.

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
}

fn inspect(app: &App, sample: &SampleData, ctx: &Context) -> Found {
    let mut found = Found {
        labels: Vec::new(),
        evidence: None,
        secret: false,
    };
    let add = |labels: &mut Vec<String>, label: String| {
        if !labels.contains(&label) {
            labels.push(label);
        }
    };
    for name in &sample.fields {
        if let Some(class) = classify_name(name, ctx.policy) {
            add(&mut found.labels, format!("{} ({name})", class.label));
        }
    }
    let prefix = format!("{}/", sample.location.path);
    let values = app.values.iter().filter(|v| {
        v.context == ValueContext::SampleData
            && v.location.file == sample.location.file
            && v.location.path.starts_with(&prefix)
    });
    for value in values {
        // A webhook's signature header proves one payload; it is not a reusable key.
        let signature = tokenize_key(&value.key).iter().any(|t| t == "signature");
        let secrets: Vec<_> = scan_value(value)
            .into_iter()
            .filter(|h| h.confidence >= Confidence::Medium && !signature)
            .collect();
        if let Some(hit) = secrets.first() {
            // The field name may already have said it ("secret, token or API key (access_token)").
            let named = format!("({})", value.key);
            if !found.labels.iter().any(|l| l.ends_with(&named)) {
                add(&mut found.labels, hit.name.clone());
            }
            found.secret = true;
            if found.evidence.is_none() {
                let text = value.value.get(hit.start..hit.end).unwrap_or(&value.value);
                found.evidence = Some(format!("{}: {}", value.key, mask(text)));
            }
            continue;
        }
        if is_technical(&value.key, &value.location.path) {
            continue;
        }
        if let Some(class) = classify_value(&value.value) {
            let named = format!("{} (", class.label);
            if !found.labels.iter().any(|l| l.starts_with(&named)) {
                add(&mut found.labels, class.label.clone());
            }
            if found.evidence.is_none() {
                found.evidence = Some(format!("{}: {}", value.key, mask(&value.value)));
            }
        }
    }
    found
}

/// Request headers and id / trace / address fields hold numbers that only
/// look like phone or card numbers (`x-forwarded-for`, `x-datadog-trace-id`).
fn is_technical(key: &str, path: &str) -> bool {
    if path.contains("/headers/") || key.starts_with("x-") {
        return true;
    }
    tokenize_key(key).iter().any(|t| {
        matches!(
            t.as_str(),
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
            .or_else(|| sample.location.step.clone());
        let owner = step_name
            .as_deref()
            .map_or_else(|| "a step".to_string(), |n| step_ref(app.platform, n));
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
        let why = if found.secret {
            "Everyone who gets this export can read the saved data, and the key or password in it still works for whoever finds it."
        } else {
            "Everyone who gets this export can read the saved data, which looks like real people's details."
        };
        let mut location = sample.location.clone();
        if let Some(n) = &step_name {
            location = location.with_step(n.clone());
        }
        hits.push(Hit {
            location,
            message: format!(
                "The test data pinned to {owner} ({records}) is saved in the export and holds {}.",
                labels.join(", ")
            ),
            why: why.into(),
            fix: fix(app.platform, step_name.as_deref(), found.secret),
            evidence: found.evidence,
            severity: None,
            key: sample.step_id.clone().unwrap_or_default(),
        });
    }
    hits
}

fn fix(platform: Platform, step: Option<&str>, secret: bool) -> String {
    let node = step.map_or_else(|| "the node".to_string(), |s| format!("the node '{s}'"));
    let rotate = if secret {
        "; then change the key or password it held"
    } else {
        ""
    };
    match platform {
        Platform::N8n => format!("Open {node}, delete the pinned data with the pin icon in its output panel, and save{rotate}."),
        _ => "Delete the saved sample data from the export and use made-up values instead.".into(),
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
            "The test data pinned to the node 'Get customers' (2 records) is saved in the export and holds e-mail address."
        );
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
            hits[0].message.ends_with("holds e-mail address (email)."),
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
