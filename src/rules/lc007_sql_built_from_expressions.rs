//! LC007 sql-built-from-expressions: run-time values pasted into SQL text.

use super::capitalise;
use crate::detect::secrets::expression_spans;
use crate::model::{App, Platform};
use crate::report::Severity;
use crate::rules::{step_ref, Context, Hit, Rule};

pub static RULE: Rule = Rule {
    id: "LC007",
    name: "sql-built-from-expressions",
    title: "A database query is built from incoming data",
    severity: Severity::High,
    owasp: "CD-SEC-06",
    owasp_lcnc: "LCNC-SEC-06",
    cwe: 89,
    doc: DOC,
    check,
};

const DOC: &str = r#"## What it finds

Database steps whose SQL text has run-time values pasted into it —
`SELECT * FROM users WHERE email = '{{ $json.email }}'` in n8n,
`@{triggerBody()?['id']}` inside a Power Automate SQL query — instead of
passing them as query parameters.

## Why it matters

If any of those values comes from outside (a form, a webhook, an e-mail, a
spreadsheet someone else edits), a crafted value such as `' OR '1'='1` or
`'; DROP TABLE users; --` changes what the query does: read every row, change
or delete data, sometimes run commands on the database server.

## How to fix

Keep the SQL text fixed and pass the changing values separately, as query
parameters; the database then treats them as data, never as SQL.

**n8n** — in the Postgres / MySQL / Microsoft SQL node write `$1`, `$2`
(Postgres) or `?` (MySQL) in the query and fill *Options > Query Parameters*
with the expressions; or use the *Select*, *Insert* and *Update* operations,
which do this for you.

**Power Automate** — use the SQL Server actions *Get rows*, *Insert row*,
*Update row* with a filter, or *Execute stored procedure* with parameters,
instead of *Execute a SQL query* built with expressions.

## Example

`SELECT * FROM orders WHERE customer = '{{ $json.body.customer }}'` is
reported; `SELECT * FROM orders WHERE customer = $1` with the query parameter
`={{ $json.body.customer }}` is not.
"#;

fn check(app: &App, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for step in &app.steps {
        let Some(sql) = &step.sql else {
            continue;
        };
        if step.disabled || !sql.interpolated || sql.uses_parameters {
            continue;
        }
        let pasted: Vec<&str> = expression_spans(&sql.text)
            .into_iter()
            .filter_map(|(s, e)| sql.text.get(s..e))
            .collect();
        let evidence = pasted
            .first()
            .map(|first| {
                let shown: String = first.chars().take(80).collect();
                if pasted.len() > 1 {
                    format!("{shown} (and {} more)", pasted.len() - 1)
                } else {
                    shown
                }
            })
            .or_else(|| Some(sql.text.chars().take(80).collect()));
        let what = capitalise(&step_ref(app.platform, &step.name));
        hits.push(Hit {
            location: sql.location.clone(),
            message: format!(
                "{what} pastes values from earlier steps straight into its SQL query."
            ),
            why: "If one of those values can come from outside — a form, a webhook, an e-mail — someone can craft it to read, change or delete any data in that database.".into(),
            fix: fix(app.platform, &step.name),
            evidence,
            severity: None,
            key: String::new(),
        });
    }
    hits
}

fn fix(platform: Platform, step: &str) -> String {
    match platform {
        Platform::N8n => format!(
            "In the node '{step}', replace each {{{{ … }}}} in the query with $1, $2… and put the expressions under Options > Query Parameters."
        ),
        Platform::PowerAutomate | Platform::LogicApps => format!(
            "Replace the action '{step}' with 'Get rows' / 'Update row' using a filter, or 'Execute stored procedure' with parameters."
        ),
        _ => format!("Pass the values of the step '{step}' as query parameters instead of pasting them into the SQL text."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, SqlQuery, Step, StepKind};
    use crate::policy::Policy;

    fn app(text: &str, interpolated: bool, uses_parameters: bool) -> App {
        App {
            platform: Platform::N8n,
            steps: vec![Step {
                id: "Find orders".into(),
                name: "Find orders".into(),
                kind: StepKind::Database,
                sql: Some(SqlQuery {
                    text: text.into(),
                    interpolated,
                    uses_parameters,
                    location: Location::new("wf.json", "/nodes/1/parameters/query"),
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
    fn pasted_values_are_reported_with_the_expression() {
        let hits = run(&app(
            "SELECT * FROM orders WHERE customer = '{{ $json.body.customer }}' AND y = {{ $json.y }}",
            true,
            false,
        ));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "The node 'Find orders' pastes values from earlier steps straight into its SQL query."
        );
        assert_eq!(
            hits[0].evidence.as_deref(),
            Some("{{ $json.body.customer }} (and 1 more)")
        );
        assert!(hits[0].fix.contains("Query Parameters"));
        assert!(hits[0].fix.contains("{{ … }}"));
    }

    #[test]
    fn parameters_and_fixed_queries_are_fine() {
        assert!(run(&app("SELECT * FROM orders WHERE c = $1", false, true)).is_empty());
        assert!(run(&app("SELECT 1", false, false)).is_empty());
        assert!(run(&app("SELECT * FROM t WHERE c = {{ $json.c }}", true, true)).is_empty());
    }
}
