//! LC021 sensitive-column-without-column-security: a Dataverse table in a
//! solution has high-risk columns that column security does not protect.

use std::collections::{BTreeMap, BTreeSet};

use super::lc010_sensitive_data_field::{
    group_regulations, level_sentence, regulation_notes, surest,
};
use crate::model::{App, DataField, FieldClass, Location, Platform, SensitivityLevel};
use crate::report::Severity;
use crate::rules::{Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC021",
    name: "sensitive-column-without-column-security",
    title: "Sensitive columns are not protected by column security",
    severity: Severity::Medium,
    owasp: "CD-SEC-03",
    owasp_lcnc: "LCNC-SEC-03",
    cwe: 732,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Columns of Dataverse tables defined in a Power Platform solution whose names
say they hold high-risk data — national identity numbers, bank and card
details, salaries, health information, passwords and keys — and that are not
marked for column security (`<IsSecured>0</IsSecured>` in
`customizations.xml`). One finding per table, listing the columns.

The finding says how sure lcscan is about the surest column: *Sensitive*
when your policy lists it, *Likely sensitive* when its name says so (a
solution carries no row values to confirm it), *Check* for weak evidence —
a table whose columns are all only *Check* is low instead of medium. It also
names the regulations that usually apply (GDPR, HIPAA, PCI DSS) in plain
words.

## Why it matters

Without column security, anyone whose security role lets them read a row also
reads every column of it: a clerk who needs an employee's department also sees
their social security number and salary, in the app, in exports to Excel and
through the API. Column security is Dataverse's way to show such columns only
to the people in a field security profile.

## How to fix

**Power Platform** — in make.powerapps.com open the solution, the table, then
the column; under *Advanced options* turn on *Enable column security*. Then in
the Power Platform admin center create a *column security profile* (Settings ›
Users + permissions › Column security profiles), give it read/update on the
column, and add only the users or teams who need it. Columns that do not need
to be stored at all are better removed.

## Example

A table *Employee* with a column *Social Security Number* and
`<IsSecured>0</IsSecured>` is reported; with `<IsSecured>1</IsSecured>` it is
not.
"#;

/// Categories whose exposure hurts most; plain contact details are LC010's.
fn is_high_risk(class: &FieldClass) -> bool {
    matches!(
        class.category.as_str(),
        "financial" | "health" | "credential"
    ) || class.label.contains("identity")
}

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    if app.platform != Platform::PowerPlatformSolution {
        return Vec::new();
    }
    // Columns the solution protects: the parser records `IsSecured: 1` at
    // `<column path>/IsSecured`.
    let secured: BTreeSet<&str> = app
        .sharing
        .iter()
        .filter(|s| s.raw == "IsSecured: 1")
        .filter_map(|s| s.location.path.strip_suffix("/IsSecured"))
        .collect();
    // Table → (first column's location, "Column (kind)" list, the columns).
    let mut tables: BTreeMap<&str, (&Location, Vec<String>, Vec<&DataField>)> = BTreeMap::new();
    for field in &app.fields {
        let Some(class) = &field.classification else {
            continue;
        };
        if !is_high_risk(class)
            || !field.location.path.contains("/attribute[")
            || secured.contains(field.location.path.as_str())
        {
            continue;
        }
        let table = field.object.as_deref().unwrap_or("a table");
        let entry = tables
            .entry(table)
            .or_insert_with(|| (&field.location, Vec::new(), Vec::new()));
        entry.1.push(format!("{} ({})", field.name, class.label));
        entry.2.push(field);
    }
    tables
        .into_iter()
        .map(|(table, (location, columns, fields))| {
            let shown: Vec<&str> = columns.iter().take(8).map(String::as_str).collect();
            let mut list = shown.join(", ");
            if columns.len() > shown.len() {
                list.push_str(&format!(" and {} more", columns.len() - shown.len()));
            }
            let mut message = format!(
                "The table '{table}' in solution '{}' has sensitive columns without column security: {list}.",
                app.name
            );
            let (level, judged) = surest(app, &fields);
            if let Some(judged) = judged {
                message.push(' ');
                message.push_str(&level_sentence(judged));
            }
            let mut why = format!(
                "Anyone whose security role can read a '{table}' row also sees these columns — in the app, in Excel exports and through the API — even when their job only needs the other columns."
            );
            let notes = regulation_notes(&group_regulations(app, &fields));
            if !notes.is_empty() {
                why.push(' ');
                why.push_str(&notes);
            }
            Hit {
                location: location.clone(),
                message,
                why,
                fix: format!(
                    "In make.powerapps.com open the table '{table}', open each listed column and turn on 'Enable column security' under Advanced options, then give access through a column security profile."
                ),
                evidence: Some(format!("{} column(s) with IsSecured = 0", columns.len())),
                // Weak evidence only: worth a look.
                severity: (level == SensitivityLevel::Check).then_some(Severity::Low),
                key: table.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Audience, DataField, FieldUse, Sharing};
    use crate::policy::Policy;

    fn column(name: &str, label: &str, category: &str) -> DataField {
        DataField {
            name: name.into(),
            object: Some("Employee".into()),
            usage: FieldUse::Read,
            step_id: None,
            classification: Some(FieldClass {
                category: category.into(),
                label: label.into(),
            }),
            location: Location::new(
                "customizations.xml",
                format!(
                    "/ImportExportXml/Entities/Entity[cr1_employee]/attributes/attribute[{name}]"
                ),
            ),
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::default();
        check(app, &Context { policy: &policy })
    }

    fn solution(fields: Vec<DataField>, sharing: Vec<Sharing>) -> App {
        App {
            platform: Platform::PowerPlatformSolution,
            name: "Contoso HR".into(),
            fields,
            sharing,
            ..App::default()
        }
    }

    #[test]
    fn unprotected_high_risk_columns_are_listed_per_table() {
        let hits = run(&solution(
            vec![
                column("SSN", "national identity number", "pii"),
                column("Salary", "salary", "financial"),
                column("Email", "e-mail address", "pii"),
            ],
            vec![],
        ));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The table 'Employee' in solution 'Contoso HR' has sensitive columns without column security: SSN (national identity number), Salary (salary)."
        );
    }

    #[test]
    fn the_surest_column_says_how_sure_with_the_law_in_plain_words() {
        let mut app = solution(
            vec![
                column("Salary", "salary or income", "financial"),
                column("cr1_ssn", "national identity number", "pii"),
            ],
            vec![],
        );
        let mut policy = Policy::default();
        policy
            .sensitive_fields
            .insert("cr1_ssn".into(), "pii".into());
        crate::detect::enrich(std::slice::from_mut(&mut app), &policy);
        let hits = check(&app, &Context { policy: &policy });
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0]
                .message
                .ends_with("Sensitive: your organisation's policy lists 'cr1_ssn' as pii data."),
            "{}",
            hits[0].message
        );
        assert!(
            hits[0].why.contains(" GDPR (the EU and UK"),
            "{}",
            hits[0].why
        );
        assert_eq!(hits[0].severity, None);
        let mut app = solution(
            vec![column("Salary", "salary or income", "financial")],
            vec![],
        );
        crate::detect::enrich(std::slice::from_mut(&mut app), &Policy::default());
        let hits = run(&app);
        assert!(
            hits[0].message.ends_with(
                "Likely sensitive: the field 'Salary' is named like a salary or income."
            ),
            "{}",
            hits[0].message
        );
        app.field_assessments[0].level = SensitivityLevel::Check;
        assert_eq!(run(&app)[0].severity, Some(Severity::Low));
    }

    #[test]
    fn secured_columns_and_other_platforms_pass() {
        let ssn = column("SSN", "national identity number", "pii");
        let secured = Sharing {
            audience: Audience::SpecificUsers,
            what: "column is protected".into(),
            raw: "IsSecured: 1".into(),
            location: Location::new(
                "customizations.xml",
                format!("{}/IsSecured", ssn.location.path),
            ),
        };
        assert!(run(&solution(vec![ssn.clone()], vec![secured])).is_empty());
        let mut flow = solution(vec![ssn], vec![]);
        flow.platform = Platform::PowerAutomate;
        assert!(run(&flow).is_empty());
    }
}
