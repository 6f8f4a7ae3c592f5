//! LC010 sensitive-data-field: a step handles personal, financial, health or
//! credential data.
//!
//! Fields are classified by `detect::enrich` (the sensitive-field dictionary
//! plus the policy's `sensitive_fields`). One finding per step lists its
//! sensitive fields, so a flow touching thirty columns is not thirty findings.

use std::collections::{BTreeMap, HashMap, HashSet};

/// At most this many distinct sensitive fields are listed per step.
const MAX_FIELDS_PER_STEP: usize = 50;

use super::capitalise;
use crate::detect::fields::{regulation_note, regulations};
use crate::model::{App, DataField, FieldAssessment, FieldClass, Platform, SensitivityLevel, Step};
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC010",
    name: "sensitive-data-field",
    title: "Handles personal or sensitive data",
    severity: Severity::Low,
    owasp: "CD-SEC-03",
    owasp_lcnc: "LCNC-SEC-03",
    cwe: 359,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Steps that read, write, send or ask for fields that hold personal or
sensitive data: e-mail addresses, phone numbers, birth dates, national
identity numbers (personal data, reported as low), card and bank account
numbers, health information and passwords or keys (reported as medium).
Field names are recognised by lcscan's sensitive-field dictionary and by the
`sensitive_fields` of your policy; sample or default values the export keeps
for a field (pinned data, imported tables, Set-node values) confirm or weaken
what the name says. Each step is reported once, listing its fields, and says
how sure lcscan is about the surest of them:

- **Sensitive** — the name and the sample values agree (`customerEmail`
  holding `jane@…`), or your policy lists the field;
- **Likely sensitive** — only the name says so, or a value is an e-mail
  address or passes a card / IBAN checksum under a plain name;
- **Check** — only weak evidence: values merely shaped like phone or
  identity numbers, or a sensitive-sounding name whose values are clearly
  something else (`phone` = `yes`). When every field of a step is only
  *Check*, the finding is info instead of low / medium.

The finding also says which regulations usually apply (GDPR, HIPAA, PCI DSS)
and what each asks, in plain words.

## Why it matters

Privacy law (GDPR, HIPAA, PCI DSS) applies to this data wherever it goes.
Low-code platforms keep run histories, send data to connected services and
let colleagues open the app, so sensitive fields spread further than the
maker intended. Knowing which steps touch them is the first step to
protecting them.

## How to fix

**n8n** — keep only the fields you need (an *Edit Fields (Set)* node with
*Include Other Input Fields* off), and in the workflow's *Settings* set
*Save successful production executions* to *Do not save* if the data must
not be stored.

**Power Automate** — select only the columns you need (*Select columns* in
Dataverse *List rows*), and in the action's ⋯ menu open *Settings* and turn
on *Secure Inputs* and *Secure Outputs* so run history does not show them.

**Salesforce** — in the Get Records element choose *Choose fields and let
Salesforce do the rest* and pick only the fields the flow needs; protect the
fields with field-level security.

## Example

An n8n node that posts `{{ $json.email }}` and `{{ $json.iban }}` to a
service is reported once, listing *e-mail address (email)* and *bank account
number (iban)*, as *Likely sensitive* (only the names say so); if the
workflow's pinned data holds `jane@…` under `email`, as *Sensitive*. A Set
node writing a column `col3` whose sample value is `+44 20 7946 0958` is
reported as info, *Check*. A node that only uses `{{ $json.orderId }}` is
not.
"#;

/// A step's classified fields, deduplicated by name, in order of appearance.
pub(super) struct StepFields<'a> {
    pub step_id: Option<&'a str>,
    pub fields: Vec<&'a DataField>,
}

impl StepFields<'_> {
    pub fn classes(&self) -> impl Iterator<Item = &FieldClass> {
        self.fields.iter().filter_map(|f| f.classification.as_ref())
    }

    /// "e-mail address (email), card number (cc)" — at most `max`, then "and N more".
    pub fn describe(&self, max: usize) -> String {
        let mut parts: Vec<String> = self
            .fields
            .iter()
            .take(max)
            .map(|f| match &f.classification {
                Some(c) if !c.label.eq_ignore_ascii_case(&f.name) => {
                    format!("{} ({})", c.label, f.name)
                }
                _ => f.name.clone(),
            })
            .collect();
        if self.fields.len() > max {
            parts.push(format!("and {} more", self.fields.len() - max));
        }
        parts.join(", ")
    }
}

/// Classified fields of enabled steps, grouped by step (fields without a step
/// form one group with `step_id: None`).
pub(super) fn sensitive_fields_by_step(app: &App) -> Vec<StepFields<'_>> {
    let disabled: HashSet<&str> = app
        .steps
        .iter()
        .filter(|s| s.disabled)
        .map(|s| s.id.as_str())
        .collect();
    let mut groups: BTreeMap<Option<&str>, (usize, Vec<&DataField>)> = BTreeMap::new();
    for (order, field) in app.fields.iter().enumerate() {
        if field.classification.is_none() {
            continue;
        }
        let step_id = field.step_id.as_deref();
        if let Some(id) = step_id {
            if disabled.contains(id) {
                continue;
            }
        }
        let group = groups.entry(step_id).or_insert((order, Vec::new()));
        // Steps rarely touch many distinct sensitive fields; keep the list short
        // so this stays linear even for a hostile export.
        if group.1.len() < MAX_FIELDS_PER_STEP && !group.1.iter().any(|f| f.name == field.name) {
            group.1.push(field);
        }
    }
    let mut out: Vec<(usize, StepFields)> = groups
        .into_iter()
        .map(|(step_id, (order, fields))| (order, StepFields { step_id, fields }))
        .collect();
    out.sort_by_key(|(order, _)| *order);
    out.into_iter().map(|(_, g)| g).collect()
}

/// How sure the detectors are about the surest field of a group, and that
/// field's assessment. Fields without one (no `detect::enrich` run) count as
/// likely sensitive, which is what a name match alone means.
pub(super) fn surest<'a>(
    app: &'a App,
    fields: &[&DataField],
) -> (SensitivityLevel, Option<&'a FieldAssessment>) {
    let mut best: (SensitivityLevel, Option<&FieldAssessment>) = (SensitivityLevel::Check, None);
    let mut any = false;
    for f in fields {
        let judged = app.assessment(&f.name);
        let level = judged.map_or(SensitivityLevel::LikelySensitive, |a| a.level);
        if !any || level > best.0 {
            best = (level, judged);
            any = true;
        }
    }
    if !any {
        return (SensitivityLevel::LikelySensitive, None);
    }
    best
}

/// "Sensitive: the field 'customerEmail' is named like an e-mail address and
/// its sample values look like e-mail addresses (2 of 2)."
pub(super) fn level_sentence(judged: &FieldAssessment) -> String {
    let mut chars = judged.reason.chars();
    let reason: String = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("{}: {reason}", judged.level.as_str())
}

/// The regulations in plain words, one sentence each ("GDPR (the EU and UK
/// data-protection law): …"), or an empty string.
pub(super) fn regulation_notes(regs: &[String]) -> String {
    let notes: Vec<&str> = regs.iter().filter_map(|r| regulation_note(r)).collect();
    notes.join(" ")
}

/// The regulations of a group's fields, in order of first appearance.
pub(super) fn group_regulations(app: &App, fields: &[&DataField]) -> Vec<String> {
    let mut regs: Vec<String> = Vec::new();
    for f in fields {
        let from_assessment = app.assessment(&f.name).map(|a| a.regulations.clone());
        let found = match (from_assessment, &f.classification) {
            (Some(r), _) => r,
            (None, Some(class)) => regulations(class),
            (None, None) => Vec::new(),
        };
        for r in found {
            if !regs.contains(&r) {
                regs.push(r);
            }
        }
    }
    regs
}

/// Financial, health and credential data weigh more than other personal data.
pub(super) fn is_special_category(class: &FieldClass) -> bool {
    matches!(
        class.category.as_str(),
        "financial" | "health" | "credential"
    )
}

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let steps: HashMap<&str, &Step> = app.steps.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut hits = Vec::new();
    for group in sensitive_fields_by_step(app) {
        let step = group.step_id.and_then(|id| steps.get(id).copied());
        let (where_, location) = match step {
            Some(s) => (
                step_ref(app.platform, &s.name),
                s.location.clone().with_step(&s.name),
            ),
            None => (
                format!("This {}", app_word(app.platform)),
                group
                    .fields
                    .first()
                    .map_or_else(|| app.location.clone(), |f| f.location.clone()),
            ),
        };
        let special = group.classes().any(is_special_category);
        let regs = group_regulations(app, &group.fields);
        let (level, judged) = surest(app, &group.fields);
        let law = if regs.is_empty() {
            "privacy rules".to_string()
        } else {
            regs.join(", ")
        };
        let kind = if special {
            "sensitive data"
        } else {
            "personal data"
        };
        let subject = if step.is_some() {
            capitalise(&where_)
        } else {
            where_
        };
        // Weak evidence: say it may be so, not that it is.
        let verb = if level == SensitivityLevel::Check {
            "may handle"
        } else {
            "handles"
        };
        let mut message = format!("{subject} {verb} {kind}: {}.", group.describe(8));
        if let Some(judged) = judged {
            message.push(' ');
            message.push_str(&level_sentence(judged));
        }
        let falls_under = if level == SensitivityLevel::Check {
            format!("If this is {kind}, it falls under {law}")
        } else {
            format!("This data falls under {law}")
        };
        let mut why = format!(
            "{falls_under}: anyone who can open this {} or its run history can see it, and any service it is passed on to may keep a copy.",
            app_word(app.platform)
        );
        let notes = regulation_notes(&regs);
        if !notes.is_empty() {
            why.push(' ');
            why.push_str(&notes);
        }
        // Weak evidence only: worth a look, not a warning.
        let severity = if level == SensitivityLevel::Check {
            Some(Severity::Info)
        } else {
            special.then_some(Severity::Medium)
        };
        hits.push(Hit {
            location,
            message,
            why,
            fix: fix(app.platform),
            evidence: None,
            severity,
            key: group.step_id.unwrap_or_default().to_string(),
        });
    }
    hits
}

pub(super) fn app_word(platform: Platform) -> &'static str {
    match platform {
        Platform::N8n | Platform::NodeRed => "workflow",
        Platform::PowerAutomate | Platform::SalesforceFlow => "flow",
        Platform::LogicApps => "logic app",
        Platform::Make => "scenario",
        _ => "app",
    }
}

fn fix(platform: Platform) -> String {
    match platform {
        Platform::N8n => "Keep only the fields this node needs, and in the workflow's Settings set 'Save successful production executions' to 'Do not save' if this data must not be stored.".into(),
        Platform::PowerAutomate | Platform::LogicApps => "Use only the columns you need, and in the action's ⋯ menu open Settings and turn on Secure Inputs and Secure Outputs.".into(),
        Platform::SalesforceFlow => "Read only the fields the flow needs and protect them with field-level security.".into(),
        _ => "Use only the fields this step needs and limit who can see its run history.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldUse, Location};
    use crate::policy::Policy;

    pub(crate) fn field(name: &str, step: &str, category: &str, label: &str) -> DataField {
        DataField {
            name: name.into(),
            usage: FieldUse::Send,
            step_id: Some(step.into()),
            classification: (!category.is_empty()).then(|| FieldClass {
                category: category.into(),
                label: label.into(),
            }),
            location: Location::new("wf.json", format!("/nodes/1/parameters/{name}")),
            ..DataField::default()
        }
    }

    fn app(fields: Vec<DataField>) -> App {
        App {
            platform: Platform::N8n,
            steps: vec![Step {
                id: "Send".into(),
                name: "Send".into(),
                location: Location::new("wf.json", "/nodes/1"),
                ..Step::default()
            }],
            fields,
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::empty();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn one_finding_per_step_listing_the_fields() {
        let hits = run(&app(vec![
            field("email", "Send", "pii", "e-mail address"),
            field("email", "Send", "pii", "e-mail address"),
            field("phone", "Send", "pii", "phone number"),
            field("orderId", "Send", "", ""),
        ]));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The node 'Send' handles personal data: e-mail address (email), phone number (phone)."
        );
        assert_eq!(hits[0].severity, None);
        assert_eq!(hits[0].location.step.as_deref(), Some("Send"));
    }

    #[test]
    fn card_numbers_are_medium() {
        let hits = run(&app(vec![field("cc", "Send", "financial", "card number")]));
        assert_eq!(hits[0].severity, Some(Severity::Medium));
    }

    #[test]
    fn unclassified_and_disabled_steps_are_fine() {
        assert!(run(&app(vec![field("orderId", "Send", "", "")])).is_empty());
        let mut a = app(vec![field("email", "Send", "pii", "e-mail address")]);
        a.steps[0].disabled = true;
        assert!(run(&a).is_empty());
    }

    /// The app after `detect::enrich`, with literal sample values per field.
    fn enriched(fields: &[&str], values: &[(&str, &str)]) -> App {
        let mut a = app(fields.iter().map(|n| field(n, "Send", "", "")).collect());
        a.values = values
            .iter()
            .map(|(k, v)| crate::model::Value {
                key: k.to_string(),
                value: v.to_string(),
                context: crate::model::ValueContext::SampleData,
                ..crate::model::Value::default()
            })
            .collect();
        crate::detect::enrich(std::slice::from_mut(&mut a), &Policy::empty());
        a
    }

    #[test]
    fn the_surest_field_says_how_sure_with_the_law_in_plain_words() {
        let hits = run(&enriched(
            &["customerEmail", "phone"],
            &[
                ("customerEmail", "jane@fake.test"),
                ("customerEmail", "joe@fake.test"),
            ],
        ));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The node 'Send' handles personal data: e-mail address (customerEmail), phone number (phone). \
             Sensitive: the field 'customerEmail' is named like an e-mail address and its sample values look like e-mail addresses (2 of 2)."
        );
        assert!(
            hits[0]
                .why
                .contains(" GDPR (the EU and UK data-protection law): "),
            "{}",
            hits[0].why
        );
        assert_eq!(hits[0].severity, None);

        let hits = run(&enriched(&["cardNumber"], &[]));
        assert!(
            hits[0]
                .message
                .ends_with("Likely sensitive: the field 'cardNumber' is named like a card number."),
            "{}",
            hits[0].message
        );
        assert!(
            hits[0].why.contains("PCI DSS (the card companies"),
            "{}",
            hits[0].why
        );
        assert_eq!(hits[0].severity, Some(Severity::Medium));
    }

    #[test]
    fn only_weak_evidence_is_info() {
        let hits = run(&enriched(&["col3"], &[("col3", "+44 20 7946 0958")]));
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].message.ends_with(
                "Check: the name 'col3' says nothing, but 1 of 1 sample values look like phone numbers."
            ),
            "{}",
            hits[0].message
        );
        assert!(hits[0]
            .message
            .starts_with("The node 'Send' may handle personal data: phone number (col3)."));
        assert!(
            hits[0]
                .why
                .starts_with("If this is personal data, it falls under GDPR: "),
            "{}",
            hits[0].why
        );
        assert_eq!(hits[0].severity, Some(Severity::Info));
    }

    #[test]
    fn long_lists_are_cut() {
        let fields: Vec<DataField> = (0..12)
            .map(|i| field(&format!("email{i}"), "Send", "pii", "e-mail address"))
            .collect();
        let hits = run(&app(fields));
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].message.ends_with("and 4 more."),
            "{}",
            hits[0].message
        );
    }
}
