//! LC011 all-fields-fetched: a step reads every field of the records it
//! fetches (`DataOperation::all_fields`: Salesforce Get Records storing all
//! fields automatically, Dataverse *List rows* without *Select columns*).
//!
//! Medium; high when the object has sensitive fields in this app or people
//! use the app directly.

use crate::model::{App, DataAccess, Platform};
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

use super::capitalise;
use super::lc010_sensitive_data_field::app_word;

pub static RULE: Rule = Rule {
    id: "LC011",
    name: "all-fields-fetched",
    title: "Fetches every field of a record",
    severity: Severity::Medium,
    owasp: "CD-SEC-03",
    owasp_lcnc: "LCNC-SEC-03",
    cwe: 213,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Steps that read whole records — every field — instead of the fields the app
uses: Salesforce *Get Records* elements that store all fields automatically
without a field list, Dataverse *List rows* / *Get a row by ID* actions
without *Select columns*. Reported as high when the object has sensitive
fields in this app or when people use the app directly (screen flows,
apps).

## Why it matters

Every field fetched is copied into the run: it shows in run history and
debug logs, can be passed on to later steps, and on a screen flow is one
step away from being displayed. Fields added to the object later (salary,
health notes, national ids) are fetched too, without anyone noticing.

## How to fix

**Salesforce** — in the Get Records element, under *How to Store Record
Data*, choose *Choose fields and let Salesforce do the rest* and select only
the fields the flow needs.

**Power Automate** — in the *List rows* action, open *Show advanced options*
and fill in *Select columns* with only the columns you need.

## Example

A Get Records element on `Contact` with
`<storeOutputAutomatically>true</storeOutputAutomatically>` and no
`<queriedFields>` is reported. The same element listing
`<queriedFields>Email</queriedFields>` is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for step in app.steps.iter().filter(|s| !s.disabled) {
        let Some(op) = &step.data_op else {
            continue;
        };
        if !op.all_fields || !op.access.contains(&DataAccess::Read) {
            continue;
        }
        let sensitive: Vec<&str> = app
            .fields
            .iter()
            .filter(|f| f.classification.is_some())
            .filter(|f| {
                !op.object.is_empty()
                    && f.object
                        .as_deref()
                        .is_some_and(|o| o.eq_ignore_ascii_case(&op.object))
            })
            .map(|f| f.name.as_str())
            .fold(Vec::new(), |mut acc, n| {
                if !acc.contains(&n) {
                    acc.push(n);
                }
                acc
            });
        let user_facing = app.run_context.user_facing;
        let high = !sensitive.is_empty() || user_facing;
        let object = if op.object.is_empty() {
            "the records".to_string()
        } else {
            format!("{} records", op.object)
        };
        let word = app_word(app.platform);
        let why = if !sensitive.is_empty() {
            format!(
                "This copies sensitive fields such as {} into every run, where anyone who can see the {word}'s runs or later steps can read them.",
                sensitive.iter().take(4).copied().collect::<Vec<_>>().join(", ")
            )
        } else if user_facing {
            format!("People use this {word} directly, so every field of these records, including ones added later, is one step away from being shown to them.")
        } else {
            format!("Every field, including sensitive ones added later, is copied into each run of this {word} and its history.")
        };
        hits.push(Hit {
            location: op.location.clone().with_step(&step.name),
            message: format!(
                "{} fetches every field of {object}, not only the ones the {word} uses.",
                capitalise(&step_ref(app.platform, &step.name))
            ),
            why,
            fix: fix(app.platform),
            evidence: (!op.object.is_empty()).then(|| format!("object: {}", op.object)),
            severity: high.then_some(Severity::High),
            key: step.id.clone(),
        });
    }
    hits
}

fn fix(platform: Platform) -> String {
    match platform {
        Platform::SalesforceFlow => "In the Get Records element, under 'How to Store Record Data', choose 'Choose fields and let Salesforce do the rest' and select only the fields the flow needs.".into(),
        Platform::PowerAutomate | Platform::LogicApps => "In the action, open 'Show advanced options' and fill in 'Select columns' with only the columns you need.".into(),
        _ => "Fetch only the fields this step needs.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataField, DataOperation, FieldClass, Location, Step};
    use crate::policy::Policy;

    fn app(all_fields: bool) -> App {
        App {
            platform: Platform::SalesforceFlow,
            steps: vec![Step {
                id: "Get_Contact".into(),
                name: "Get Contact".into(),
                data_op: Some(DataOperation {
                    access: vec![DataAccess::Read],
                    object: "Contact".into(),
                    all_fields,
                    location: Location::new("f.flow-meta.xml", "/Flow/recordLookups[1]"),
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
    fn all_fields_is_medium_and_high_with_sensitive_fields() {
        let mut a = app(true);
        let hits = run(&a);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The element 'Get Contact' fetches every field of Contact records, not only the ones the flow uses."
        );
        assert_eq!(hits[0].severity, None);
        a.fields.push(DataField {
            name: "Birthdate".into(),
            object: Some("Contact".into()),
            classification: Some(FieldClass {
                category: "pii".into(),
                label: "date of birth".into(),
            }),
            ..DataField::default()
        });
        let hits = run(&a);
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert!(hits[0].why.contains("Birthdate"));
    }

    #[test]
    fn chosen_fields_are_fine() {
        assert!(run(&app(false)).is_empty());
    }
}
