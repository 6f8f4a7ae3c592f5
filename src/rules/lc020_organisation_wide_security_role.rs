//! LC020 organisation-wide-security-role: a Dataverse security role in a
//! solution reaches every record of a table across the whole organisation.

use std::collections::BTreeMap;

use crate::model::{App, Location, Platform, Sharing};
use crate::report::Severity;
use crate::rules::{Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC020",
    name: "organisation-wide-security-role",
    title: "A security role reaches every record in the organisation",
    severity: Severity::Medium,
    owasp: "CD-SEC-02",
    owasp_lcnc: "LCNC-SEC-02",
    cwe: 269,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Security roles shipped in a Power Platform solution that grant a privilege at
**Organization** level (`level="Global"` in `customizations.xml`): the role's
members can read, change, delete, assign or share *every* record of that table,
whoever owns it and whatever business unit it belongs to. One finding per
role, listing the tables.

## Why it matters

Apps built on Dataverse rely on security roles to decide who sees which rows.
An organisation-wide privilege on a table that holds personal or financial
columns means everyone given the role — often every user of the app — sees or
can change all of that data, not just their own or their team's. Roles are
copied from solution to solution, so a broad role spreads quietly
(permission sprawl).

## How to fix

**Power Platform** — in the Power Platform admin center open the
environment's *Settings › Users + permissions › Security roles* (or open the
role from the solution in make.powerapps.com), open the role, and for each
listed table lower the privilege from *Organization* to *Business Unit* or
*User*, unless the role's members really need every record. Keep
organisation-wide write, delete, assign and share for administrator roles
only, and protect sensitive columns with column security (a field security
profile).

## Example

A role "HR Clerk" with `<RolePrivilege name="prvReadcr1_employee"
level="Global" />` on a table with a *Social Security Number* column is
reported as high; the same privilege at `level="Basic"` (User) is not.
"#;

/// Verbs that change or give away records, as the privilege names spell them.
const CHANGING: &[&str] = &["Write", "Delete", "Assign", "Share"];

struct Grant<'a> {
    verb: &'a str,
    table: &'a str,
    location: &'a Location,
}

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    if app.platform != Platform::PowerPlatformSolution {
        return Vec::new();
    }
    // Tables (logical names) that hold classified columns, with one example.
    let mut sensitive: BTreeMap<String, String> = BTreeMap::new();
    // Table logical name → the name the maker sees.
    let mut labels: BTreeMap<String, &str> = BTreeMap::new();
    for field in &app.fields {
        if let (Some(table), Some(label)) = (table_of(&field.location.path), &field.object) {
            labels.insert(table.to_ascii_lowercase(), label);
        }
    }
    for field in &app.fields {
        let (Some(class), Some(table)) = (&field.classification, table_of(&field.location.path))
        else {
            continue;
        };
        sensitive
            .entry(table.to_ascii_lowercase())
            .or_insert_with(|| format!("{} ({})", field.name, class.label));
    }
    // Role name → its organisation-wide grants, in file order.
    let mut roles: BTreeMap<&str, Vec<Grant>> = BTreeMap::new();
    for share in &app.sharing {
        let Some((role, grant)) = org_wide_grant(share) else {
            continue;
        };
        roles.entry(role).or_default().push(grant);
    }
    let mut hits = Vec::new();
    for (role, grants) in roles {
        // Reading reference data organisation-wide is normal; reading a table
        // with sensitive columns, or changing anything org-wide, is not.
        let relevant: Vec<&Grant> = grants
            .iter()
            .filter(|g| {
                CHANGING.contains(&g.verb)
                    || (g.verb == "Read" && sensitive.contains_key(&g.table.to_ascii_lowercase()))
            })
            .collect();
        let Some(first) = relevant.first() else {
            continue;
        };
        let mut by_table: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for g in &relevant {
            by_table.entry(g.table).or_default().push(g.verb);
        }
        let listed: Vec<String> = by_table
            .iter()
            .take(8)
            .map(|(table, verbs)| {
                let shown = labels
                    .get(&table.to_ascii_lowercase())
                    .copied()
                    .unwrap_or(table);
                format!("{} {shown}", verbs.join("/").to_ascii_lowercase())
            })
            .collect();
        let more = by_table.len().saturating_sub(listed.len());
        let mut list = listed.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        let touched: Vec<&String> = by_table
            .keys()
            .filter_map(|t| sensitive.get(&t.to_ascii_lowercase()))
            .collect();
        let severity = if touched.is_empty() {
            Severity::Medium
        } else {
            Severity::High
        };
        let why = match touched.first() {
            Some(example) => format!(
                "Everyone given this role can reach every such record in the organisation, including sensitive columns such as {example}, not just their own or their team's."
            ),
            None => "Everyone given this role can change, delete or give away every such record in the organisation, not just their own or their team's; one mistake or misused account affects all of them.".to_string(),
        };
        hits.push(Hit {
            location: first.location.clone(),
            message: format!(
                "The security role '{role}' in solution '{}' works on every record in the organisation: {list}.",
                app.name
            ),
            why,
            fix: format!(
                "Open the security role '{role}' (Power Platform admin center › Settings › Users + permissions › Security roles) and lower these privileges from Organization to Business Unit or User unless its members need every record."
            ),
            evidence: Some(format!("{} privilege(s) at level Global", relevant.len())),
            severity: Some(severity),
            key: role.to_string(),
        });
    }
    hits
}

/// `security role 'HR Clerk': …` with raw `prvReadcr1_employee level=Global`.
fn org_wide_grant(share: &Sharing) -> Option<(&str, Grant<'_>)> {
    let (privilege, level) = share.raw.split_once(" level=")?;
    if level != "Global" {
        return None;
    }
    let role = share
        .what
        .strip_prefix("security role '")?
        .split_once("':")?
        .0;
    let rest = privilege.strip_prefix("prv")?;
    let verb = [
        "AppendTo", "Append", "Assign", "Create", "Delete", "Read", "Share", "Write",
    ]
    .into_iter()
    .find(|v| rest.starts_with(v))?;
    let table = rest.get(verb.len()..).filter(|t| !t.is_empty())?;
    Some((
        role,
        Grant {
            verb,
            table,
            location: &share.location,
        },
    ))
}

/// The table's logical name from a column's path (`…/Entity[cr1_employee]/…`).
fn table_of(path: &str) -> Option<&str> {
    let start = path.find("Entity[")? + "Entity[".len();
    let rest = path.get(start..)?;
    rest.get(..rest.find(']')?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Audience, DataField, FieldClass, FieldUse};
    use crate::policy::Policy;

    fn grant(role: &str, privilege: &str, level: &str) -> Sharing {
        Sharing {
            audience: Audience::Organisation,
            what: format!("security role '{role}': something"),
            raw: format!("{privilege} level={level}"),
            location: Location::new("customizations.xml", format!("/Roles/Role[{role}]")),
        }
    }

    fn app(sharing: Vec<Sharing>) -> App {
        App {
            platform: Platform::PowerPlatformSolution,
            name: "Contoso HR".into(),
            sharing,
            fields: vec![DataField {
                name: "Social Security Number".into(),
                object: Some("Employee".into()),
                usage: FieldUse::Read,
                step_id: None,
                classification: Some(FieldClass {
                    category: "government-id".into(),
                    label: "national identity number".into(),
                }),
                location: Location::new(
                    "customizations.xml",
                    "/ImportExportXml/Entities/Entity[cr1_employee]/attributes/attribute[cr1_ssn]",
                ),
            }],
            ..App::default()
        }
    }

    fn run(app: &App) -> Vec<Hit> {
        let policy = Policy::default();
        check(app, &Context { policy: &policy })
    }

    #[test]
    fn org_wide_read_of_a_sensitive_table_is_high() {
        let hits = run(&app(vec![
            grant("HR Clerk", "prvReadcr1_employee", "Global"),
            grant("HR Clerk", "prvReadcurrency", "Global"),
        ]));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::High));
        assert_eq!(
            hits[0].message,
            "The security role 'HR Clerk' in solution 'Contoso HR' works on every record in the organisation: read Employee."
        );
        assert!(hits[0].why.contains("Social Security Number"));
    }

    #[test]
    fn org_wide_changes_are_medium_and_grouped_per_role() {
        let hits = run(&app(vec![
            grant("Sales", "prvWriteaccount", "Global"),
            grant("Sales", "prvDeleteaccount", "Global"),
            grant("Sales", "prvReadaccount", "Global"),
        ]));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].severity, Some(Severity::Medium));
        assert!(
            hits[0].message.ends_with(": write/delete account."),
            "{}",
            hits[0].message
        );
    }

    #[test]
    fn narrower_levels_and_plain_org_wide_reads_pass() {
        assert!(run(&app(vec![
            grant("HR Clerk", "prvReadcr1_employee", "Basic"),
            grant("HR Clerk", "prvWritecr1_employee", "Local"),
            grant("Everyone", "prvReadcurrency", "Global"),
        ]))
        .is_empty());
        let mut other = app(vec![grant("X", "prvWriteaccount", "Global")]);
        other.platform = Platform::PowerAutomate;
        assert!(run(&other).is_empty());
    }
}
