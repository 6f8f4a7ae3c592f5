//! Detectors backed by data in `rules/`: secret patterns, the sensitive-field
//! dictionary and the connector catalog. Loaded once, shared by all scans.

pub mod connectors;
pub mod fields;
pub mod secrets;

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::FastMap as HashMap;

use crate::model::{App, FieldAssessment, SensitivityLevel, Value, ValueContext, ValueKind};
use crate::policy::Policy;

/// At most this many sample / default values are weighed per field name: a
/// handful is evidence enough, and it keeps a huge pinned table linear.
const MAX_VALUES_PER_FIELD: usize = 20;

/// Fill in what parsers leave to the detectors: each field's classification
/// (from its name, or from its values when the name says nothing) and how
/// sure that is ([`App::field_assessments`]), from the field's name and the
/// literal sample / default values the export keeps for it: under the same
/// key (n8n pinned data, variables) or beside the field's name in the same
/// object (`{name: "customerEmail", value: "jane@…"}` in an n8n Set node, a
/// form field's default value or placeholder).
pub fn enrich(apps: &mut [App], policy: &Policy) {
    for app in apps {
        let judged = judge_fields(app, policy);
        let mut assessments: BTreeMap<String, FieldAssessment> = BTreeMap::new();
        for field in &mut app.fields {
            let assessment = judged.get(&field.name).and_then(Option::as_ref);
            if field.classification.is_none() {
                field.classification = assessment.map(|a| a.class.clone());
            }
            let Some(class) = &field.classification else {
                continue;
            };
            if assessments.contains_key(&field.name) {
                continue;
            }
            let judgement = match assessment {
                Some(a) => FieldAssessment {
                    field: field.name.clone(),
                    level: level_of(a.level),
                    regulations: a.regulations.clone(),
                    reason: a.reason.clone(),
                },
                // Classified by the parser, the dictionary has no opinion.
                None => FieldAssessment {
                    field: field.name.clone(),
                    level: SensitivityLevel::LikelySensitive,
                    regulations: fields::regulations(class),
                    reason: format!(
                        "The field '{}' holds {}.",
                        field.name,
                        with_article(&class.label)
                    ),
                },
            };
            assessments.insert(field.name.clone(), judgement);
        }
        // A BTreeMap yields them sorted by name, as `App::assessment` expects.
        app.field_assessments = assessments.into_values().collect();
    }
}

/// Each distinct field name judged once, with the values of every field of
/// that name (wherever in the app it is named).
fn judge_fields(app: &App, policy: &Policy) -> HashMap<String, Option<fields::Assessment>> {
    let by_key = values_by_key(&app.values);
    let beside = values_by_place(&app.values);
    let mut samples: HashMap<&str, Vec<&str>> = HashMap::default();
    for field in &app.fields {
        let list = samples.entry(field.name.as_str()).or_insert_with(|| {
            by_key
                .get(field.name.to_lowercase().as_str())
                .cloned()
                .unwrap_or_default()
        });
        if list.len() < MAX_VALUES_PER_FIELD {
            list.extend(values_beside(&beside, field));
            list.truncate(MAX_VALUES_PER_FIELD);
        }
    }
    samples
        .into_iter()
        .map(|(name, values)| (name.to_string(), fields::assess(name, &values, policy)))
        .collect()
}

/// "an e-mail address", "a card number".
fn with_article(label: &str) -> String {
    let an = label.chars().next().is_some_and(|c| "aeioAEIO".contains(c));
    format!("{} {label}", if an { "an" } else { "a" })
}

fn level_of(level: fields::Sensitivity) -> SensitivityLevel {
    match level {
        fields::Sensitivity::Sensitive => SensitivityLevel::Sensitive,
        fields::Sensitivity::LikelySensitive => SensitivityLevel::LikelySensitive,
        fields::Sensitivity::Check => SensitivityLevel::Check,
    }
}

/// Literal sample data, variable and parameter values by lower-cased key.
fn values_by_key(values: &[Value]) -> HashMap<Cow<'_, str>, Vec<&str>> {
    let mut out: HashMap<Cow<'_, str>, Vec<&str>> = HashMap::default();
    for v in values {
        if v.kind != ValueKind::Literal
            || !matches!(
                v.context,
                ValueContext::SampleData
                    | ValueContext::Variable
                    | ValueContext::Parameter
                    | ValueContext::WidgetProperty
            )
            || v.key.is_empty()
        {
            continue;
        }
        // Most keys are lower case already: no copy for those.
        let key = if v.key.is_ascii() && !v.key.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Borrowed(v.key.as_str())
        } else {
            Cow::Owned(v.key.to_lowercase())
        };
        let list = out.entry(key).or_default();
        if list.len() < MAX_VALUES_PER_FIELD {
            list.push(v.value.as_str());
        }
    }
    out
}

/// Keys that hold a field's value next to its name in the same object.
const VALUE_KEYS: &[&str] = &[
    "value",
    "stringValue",
    "defaultValue",
    "default",
    "placeholder",
    "example",
];

/// Literal values under [`VALUE_KEYS`], by (file, path of the object holding them).
fn values_by_place(values: &[Value]) -> HashMap<(&str, &str), Vec<&str>> {
    let mut out: HashMap<(&str, &str), Vec<&str>> = HashMap::default();
    for v in values {
        if v.kind != ValueKind::Literal || !VALUE_KEYS.contains(&v.key.as_str()) {
            continue;
        }
        let Some((parent, _)) = v.location.path.rsplit_once('/') else {
            continue;
        };
        let list = out.entry((&*v.location.file, parent)).or_default();
        if list.len() < MAX_VALUES_PER_FIELD {
            list.push(v.value.as_str());
        }
    }
    out
}

/// Values in the object that names the field: the field's location is the
/// object itself (`/formFields/values/0`) or its `name` key (`…/0/name`).
fn values_beside<'a>(
    beside: &HashMap<(&str, &str), Vec<&'a str>>,
    field: &crate::model::DataField,
) -> Vec<&'a str> {
    let file = &*field.location.file;
    let path = field.location.path.as_str();
    let object = path.rsplit_once('/').map_or("", |(parent, _)| parent);
    let mut out: Vec<&str> = Vec::new();
    for place in [path, object] {
        if place.is_empty() {
            continue;
        }
        if let Some(list) = beside.get(&(file, place)) {
            out.extend(list.iter().copied());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataField, FieldClass};

    fn app(field: &str, values: &[&str]) -> App {
        App {
            fields: vec![DataField {
                name: field.into(),
                ..DataField::default()
            }],
            values: values
                .iter()
                .map(|v| Value {
                    key: field.into(),
                    value: v.to_string(),
                    context: ValueContext::SampleData,
                    ..Value::default()
                })
                .collect(),
            ..App::default()
        }
    }

    fn enriched(mut a: App, policy: &Policy) -> App {
        enrich(std::slice::from_mut(&mut a), policy);
        a
    }

    #[test]
    fn name_and_matching_values_are_sensitive() {
        let a = enriched(
            app("customerEmail", &["jane@fake.test", "joe@fake.test"]),
            &Policy::empty(),
        );
        let j = a.assessment("customerEmail").unwrap();
        assert_eq!(j.level, SensitivityLevel::Sensitive);
        assert_eq!(j.regulations, ["GDPR"]);
        assert!(
            j.reason.contains("named like an e-mail address"),
            "{}",
            j.reason
        );
        assert_eq!(
            a.fields[0].classification.as_ref().unwrap().label,
            "e-mail address"
        );
    }

    #[test]
    fn name_only_is_likely_sensitive() {
        let a = enriched(app("iban", &[]), &Policy::empty());
        let j = a.assessment("iban").unwrap();
        assert_eq!(j.level, SensitivityLevel::LikelySensitive);
        assert_eq!(
            j.reason,
            "The field 'iban' is named like a bank account number."
        );
    }

    #[test]
    fn phone_shaped_values_under_a_plain_name_are_worth_a_check() {
        let a = enriched(app("col3", &["+44 20 7946 0958"]), &Policy::empty());
        let j = a.assessment("col3").unwrap();
        assert_eq!(j.level, SensitivityLevel::Check);
        assert_eq!(
            a.fields[0].classification.as_ref().unwrap().label,
            "phone number"
        );
        // Expressions are not sample values.
        let mut b = app("col3", &["+44 20 7946 0958"]);
        b.values[0].kind = ValueKind::Expression;
        let b = enriched(b, &Policy::empty());
        assert!(b.field_assessments.is_empty());
        assert!(b.fields[0].classification.is_none());
    }

    #[test]
    fn values_beside_the_name_count() {
        use crate::model::Location;
        let loc = Location::new("wf.json", "/nodes/1/parameters/assignments/assignments/0");
        let mut a = App {
            fields: vec![
                // Named first by an expression elsewhere, without a value.
                DataField {
                    name: "customerEmail".into(),
                    location: Location::new("wf.json", "/nodes/0/parameters/text"),
                    ..DataField::default()
                },
                DataField {
                    name: "customerEmail".into(),
                    location: loc.child("name"),
                    ..DataField::default()
                },
            ],
            ..App::default()
        };
        a.values = vec![
            Value {
                key: "value".into(),
                value: "jane@fake.test".into(),
                location: loc.child("value"),
                ..Value::default()
            },
            // Another assignment's value is not this field's.
            Value {
                key: "value".into(),
                value: "yes".into(),
                location: loc.index(9).child("value"),
                ..Value::default()
            },
        ];
        let a = enriched(a, &Policy::empty());
        let j = a.assessment("customerEmail").unwrap();
        assert_eq!(j.level, SensitivityLevel::Sensitive);
        assert!(j.reason.contains("(1 of 1)"), "{}", j.reason);
    }

    #[test]
    fn policy_listed_fields_are_sensitive() {
        let mut policy = Policy::empty();
        policy
            .sensitive_fields
            .insert("Loyalty_Number".into(), "pii".into());
        let a = enriched(app("Loyalty_Number", &[]), &policy);
        let j = a.assessment("Loyalty_Number").unwrap();
        assert_eq!(j.level, SensitivityLevel::Sensitive);
        assert!(j.reason.contains("policy"), "{}", j.reason);
    }

    #[test]
    fn parser_classified_fields_keep_their_class() {
        let mut a = app("x_col", &[]);
        a.fields[0].classification = Some(FieldClass {
            category: "health".into(),
            label: "diagnosis or condition".into(),
        });
        let a = enriched(a, &Policy::empty());
        assert_eq!(
            a.assessment("x_col").unwrap().level,
            SensitivityLevel::LikelySensitive
        );
        assert!(a.assessment("orderId").is_none());
    }

    #[test]
    fn unknown_fields_get_no_assessment_and_lookup_is_sorted() {
        let mut a = app("orderId", &["A-1001"]);
        for name in ["zipcode", "email", "phone", "orderId"] {
            a.fields.push(DataField {
                name: name.into(),
                ..DataField::default()
            });
        }
        let a = enriched(a, &Policy::empty());
        let names: Vec<&str> = a
            .field_assessments
            .iter()
            .map(|j| j.field.as_str())
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert!(a.assessment("orderId").is_none());
        assert!(a.assessment("email").is_some());
        assert!(a.assessment("phone").is_some());
    }
}
