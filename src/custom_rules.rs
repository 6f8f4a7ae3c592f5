//! The checks an organisation's policy adds: its custom rules (CEL
//! conditions over the normalized model), the connector-group checks
//! (`never_mix`, `review_required_connectors`) and the `sensitive_categories` adjustment of field findings.
//!
//! Custom rules see each app as JSON-like data: the model's own fields
//! (`app.steps`, `app.triggers`, …, spelled as in the JSON report's model)
//! plus a few derived ones so conditions stay short:
//!
//! - every step: `groups` (policy groups of its connector), `category`,
//!   `external` and `connector_name` (from the catalog, `null` when
//!   unknown), `fields` (the data fields this step touches);
//! - every trigger: `public` (anyone on the internet, or anyone with the link);
//! - every field: `category` and `label` (its sensitive-data class, or `null`),
//!   `step_connector` and `step_groups`;
//! - every connection: `groups`, `category`, `host` (of its endpoint);
//! - `app.public` (any public trigger), `app.connectors` (every connector id used).
//!
//! Optional values the model leaves out are present as `null`, so
//! `step.connector == "x"` is simply false for a step without a connector.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value as Json};

use crate::detect::connectors;
use crate::model::{App, Audience, Location};
use crate::policy::{CustomRule, Policy, FOR_EACH};
use crate::report::{fingerprint, Finding, Note, Severity};
use crate::rules::{self, step_ref, Context};

/// Keys every view of an item has, `null` when the model has no value.
const STEP_KEYS: &[&str] = &[
    "connector",
    "connection",
    "http",
    "code",
    "sql",
    "data_op",
    "secure_inputs",
    "secure_outputs",
];
const TRIGGER_KEYS: &[&str] = &["allowed_origins"];
const CONNECTION_KEYS: &[&str] = &["auth", "endpoint"];
const FIELD_KEYS: &[&str] = &["object", "step_id", "classification"];
const ENDPOINT_KEYS: &[&str] = &["host", "step_id"];
const APP_KEYS: &[&str] = &["id", "version", "active"];

fn fill(obj: &mut Json, keys: &[&str]) {
    if let Json::Object(map) = obj {
        for k in keys {
            map.entry((*k).to_string()).or_insert(Json::Null);
        }
    }
}

fn set(obj: &mut Json, key: &str, value: Json) {
    if let Json::Object(map) = obj {
        map.insert(key.to_string(), value);
    }
}

fn is_public(audience: Audience) -> bool {
    matches!(audience, Audience::Anyone | Audience::AnyoneWithLink)
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .rsplit('@')
        .next()
        .unwrap_or_default();
    let host = if host.starts_with('[') {
        host.split_once(']')
            .map_or(host, |(h, _)| h)
            .trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or_default()
    };
    let host = host.trim().to_ascii_lowercase();
    (!host.is_empty() && !host.contains(['{', '}', '@', '$', ' '])).then_some(host)
}

fn connector_facts(id: Option<&str>, policy: &Policy) -> (Json, Json, Json, Json) {
    let Some(id) = id else {
        return (json!([]), Json::Null, Json::Null, Json::Null);
    };
    let info = connectors::lookup(id);
    (
        json!(policy.groups_of(id)),
        info.map_or(Json::Null, |i| json!(i.category)),
        info.map_or(Json::Null, |i| json!(i.external)),
        info.map_or(Json::Null, |i| json!(i.name)),
    )
}

/// The views custom rules see: the app and its items by `for_each` kind.
struct Views {
    app: Json,
    items: BTreeMap<&'static str, Vec<Json>>,
}

fn field_view(field: &crate::model::DataField, app: &App, policy: &Policy) -> Json {
    let mut v = serde_json::to_value(field).unwrap_or_default();
    fill(&mut v, FIELD_KEYS);
    let class = field.classification.as_ref();
    set(
        &mut v,
        "category",
        class.map_or(Json::Null, |c| json!(c.category)),
    );
    set(
        &mut v,
        "label",
        class.map_or(Json::Null, |c| json!(c.label)),
    );
    let connector = field
        .step_id
        .as_deref()
        .and_then(|id| app.step(id))
        .and_then(|s| s.connector.as_deref());
    set(&mut v, "step_connector", json!(connector));
    set(
        &mut v,
        "step_groups",
        json!(connector.map(|c| policy.groups_of(c)).unwrap_or_default()),
    );
    v
}

/// The app's view; its long lists of every string value and sample record
/// only when some condition mentions them (`heavy`).
fn views(app: &App, policy: &Policy, heavy: bool) -> Views {
    let fields: Vec<Json> = app
        .fields
        .iter()
        .map(|f| field_view(f, app, policy))
        .collect();
    let mut by_step: std::collections::HashMap<&str, Vec<Json>> = std::collections::HashMap::new();
    for (f, v) in app.fields.iter().zip(&fields) {
        if let Some(id) = f.step_id.as_deref() {
            by_step.entry(id).or_default().push(v.clone());
        }
    }
    let steps: Vec<Json> = app
        .steps
        .iter()
        .map(|s| {
            let mut v = serde_json::to_value(s).unwrap_or_default();
            fill(&mut v, STEP_KEYS);
            let (groups, category, external, name) =
                connector_facts(s.connector.as_deref(), policy);
            set(&mut v, "groups", groups);
            set(&mut v, "category", category);
            set(&mut v, "external", external);
            set(&mut v, "connector_name", name);
            let own = by_step.get(s.id.as_str()).cloned().unwrap_or_default();
            set(&mut v, "fields", Json::Array(own));
            v
        })
        .collect();
    let triggers: Vec<Json> = app
        .triggers
        .iter()
        .map(|t| {
            let mut v = serde_json::to_value(t).unwrap_or_default();
            fill(&mut v, TRIGGER_KEYS);
            set(&mut v, "public", json!(is_public(t.audience)));
            v
        })
        .collect();
    let connections: Vec<Json> = app
        .connections
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            fill(&mut v, CONNECTION_KEYS);
            let (groups, category, external, name) = connector_facts(Some(&c.connector), policy);
            set(&mut v, "groups", groups);
            set(&mut v, "category", category);
            set(&mut v, "external", external);
            set(&mut v, "connector_name", name);
            set(
                &mut v,
                "host",
                json!(c.endpoint.as_deref().and_then(host_of)),
            );
            v
        })
        .collect();
    let endpoints: Vec<Json> = app
        .endpoints
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap_or_default();
            fill(&mut v, ENDPOINT_KEYS);
            v
        })
        .collect();
    let credentials: Vec<Json> = app
        .credentials
        .iter()
        .map(|c| serde_json::to_value(c).unwrap_or_default())
        .collect();

    // The item lists are added as CEL values in `prepare`, shared with the items.
    let mut app_view = serde_json::to_value(header(app, heavy)).unwrap_or_default();
    fill(&mut app_view, APP_KEYS);
    set(
        &mut app_view,
        "public",
        json!(app.triggers.iter().any(|t| is_public(t.audience))),
    );
    let used: BTreeSet<&str> = app
        .steps
        .iter()
        .filter_map(|s| s.connector.as_deref())
        .chain(app.connections.iter().map(|c| c.connector.as_str()))
        .collect();
    set(&mut app_view, "connectors", json!(used));

    let mut items = BTreeMap::new();
    items.insert("step", steps);
    items.insert("trigger", triggers);
    items.insert("connection", connections);
    items.insert("field", fields);
    items.insert("endpoint", endpoints);
    items.insert("credential", credentials);
    Views {
        app: app_view,
        items,
    }
}

/// A small app with one item of every kind, to try a condition on when the policy is loaded.
fn sample_app() -> App {
    use crate::model::*;
    App {
        name: "sample".into(),
        steps: vec![Step {
            id: "s".into(),
            name: "s".into(),
            ..Default::default()
        }],
        triggers: vec![Trigger {
            step_id: "s".into(),
            ..Default::default()
        }],
        connections: vec![Connection::default()],
        fields: vec![DataField {
            step_id: Some("s".into()),
            ..Default::default()
        }],
        endpoints: vec![Endpoint::default()],
        credentials: vec![Credential::default()],
        ..Default::default()
    }
}

fn for_each(rule: &CustomRule) -> &str {
    if rule.for_each.is_empty() {
        "app"
    } else {
        rule.for_each.as_str()
    }
}

/// Every key any view has, to tell a misspelt property from one that is just empty.
fn all_keys(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                all_keys(v, out);
            }
        }
        Json::Array(list) => list.iter().for_each(|v| all_keys(v, out)),
        _ => {}
    }
}

fn compile(rule: &CustomRule) -> Result<cel::Program, String> {
    if rule.when.trim().is_empty() {
        return Err("`when` is empty: write the condition under which the rule fires".into());
    }
    // The CEL parser recurses per nesting level; refuse absurd nesting before it does.
    let depth = rule
        .when
        .chars()
        .scan(0i32, |d, c| {
            match c {
                '(' | '[' | '{' => *d += 1,
                ')' | ']' | '}' => *d -= 1,
                _ => {}
            }
            Some(*d)
        })
        .max()
        .unwrap_or(0);
    if depth > 32 || rule.when.len() > 4096 {
        return Err("the condition is too long or too deeply nested".into());
    }
    cel::Program::compile(&rule.when).map_err(|e| {
        format!(
            "the condition `when` is not valid CEL: {}",
            e.to_string().trim()
        )
    })
}

/// A runtime error in words, never echoing values (they may hold secrets).
fn describe(err: &cel::ExecutionError) -> String {
    match err {
        cel::ExecutionError::NoSuchKey(k) => format!("'{k}' is not there"),
        cel::ExecutionError::UndeclaredReference(k) => format!("'{k}' is not known"),
        cel::ExecutionError::NoSuchOverload(_)
        | cel::ExecutionError::UnsupportedBinaryOperator(..)
        | cel::ExecutionError::ValuesNotComparable(..)
        | cel::ExecutionError::UnexpectedType { .. } => {
            "it compares or combines values of different types".into()
        }
        _ => "it could not be evaluated".into(),
    }
}

/// Checked when the policy is loaded: the condition parses, names only the
/// variables its `for_each` provides and real properties, and gives true or false.
pub(crate) fn check_expression(rule: &CustomRule) -> Result<(), String> {
    let program = compile(rule)?;
    let kind = for_each(rule);
    if !FOR_EACH.contains(&kind) {
        return Err(format!("for_each must be one of {}", FOR_EACH.join(", ")));
    }
    let app = sample_app();
    let policy = Policy::empty();
    let views = views(&app, &policy, true);
    let mut keys = BTreeSet::new();
    all_keys(&views.app, &mut keys);
    for list in views.items.values() {
        list.iter().for_each(|v| all_keys(v, &mut keys));
    }
    let prepared = prepare(&views);
    let item = prepared.items.get(kind).and_then(|l| l.first());
    let root = root_context(&prepared.app);
    let result = evaluate(&program, &root, kind, item);
    match result {
        Ok(cel::Value::Bool(_)) => Ok(()),
        Ok(_) => Err("the condition must give true or false".into()),
        Err(cel::ExecutionError::UndeclaredReference(name)) => Err(format!(
            "'{name}' is not known here; with for_each = \"{kind}\" the condition can use {}",
            variables(kind).join(" and ")
        )),
        Err(cel::ExecutionError::NoSuchKey(key)) if !keys.contains(key.as_str()) => Err(format!(
            "'{key}' is not a property of the model (see the Policy section of the README for what a condition can use)"
        )),
        // Other errors depend on the data (a null http on a step without one): checked per scan.
        Err(_) => Ok(()),
    }
}

fn variables(kind: &str) -> Vec<&str> {
    match kind {
        "app" => vec!["app"],
        "field" => vec!["app", "field", "item"],
        other => vec!["app", other, "item"],
    }
}

/// The app and its items as CEL values, converted once per app.
struct Prepared {
    app: cel::Value,
    items: BTreeMap<&'static str, Vec<cel::Value>>,
}

fn prepare(views: &Views) -> Prepared {
    let convert = |j: &Json| cel::to_value(j).unwrap_or(cel::Value::Null);
    let items: BTreeMap<&'static str, Vec<cel::Value>> = views
        .items
        .iter()
        .map(|(k, list)| (*k, list.iter().map(convert).collect()))
        .collect();
    let mut app = convert(&views.app);
    if let cel::Value::Map(map) = &mut app {
        let entries = std::sync::Arc::make_mut(&mut map.map);
        for (kind, list) in &items {
            let key = match *kind {
                "step" => "steps",
                "trigger" => "triggers",
                "connection" => "connections",
                "field" => "fields",
                "endpoint" => "endpoints",
                _ => "credentials",
            };
            entries.insert(
                cel::objects::Key::from(key),
                cel::Value::List(std::sync::Arc::new(list.clone())),
            );
        }
    }
    Prepared { app, items }
}

/// The app without its item lists (they are added as shared CEL values).
fn header(app: &App, heavy: bool) -> App {
    App {
        platform: app.platform,
        kind: app.kind,
        name: app.name.clone(),
        id: app.id.clone(),
        version: app.version.clone(),
        active: app.active,
        location: app.location.clone(),
        edges: app.edges.clone(),
        run_context: app.run_context.clone(),
        sharing: app.sharing.clone(),
        values: if heavy {
            app.values.clone()
        } else {
            Vec::new()
        },
        sample_data: if heavy {
            app.sample_data.clone()
        } else {
            Vec::new()
        },
        ..App::default()
    }
}

fn root_context(app: &cel::Value) -> cel::Context<'static, 'static> {
    let mut ctx = cel::Context::default();
    ctx.add_variable_from_value("app", app.clone());
    ctx
}

fn evaluate(
    program: &cel::Program,
    root: &cel::Context,
    kind: &str,
    item: Option<&cel::Value>,
) -> Result<cel::Value, cel::ExecutionError> {
    match item {
        Some(item) => {
            let mut ctx = root.new_inner_scope();
            ctx.add_variable_from_value(kind.to_string(), item.clone());
            ctx.add_variable_from_value("item", item.clone());
            program.execute(&ctx)
        }
        None => program.execute(root),
    }
}

/// One item a custom rule looks at: what to name it and where it is.
struct Target {
    name: String,
    step: String,
    location: Location,
    key: String,
}

fn targets(app: &App, kind: &str) -> Vec<Target> {
    let step_name = |id: Option<&str>| {
        id.and_then(|id| app.step(id))
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let with_step = |loc: &Location, step: &str| {
        if step.is_empty() || loc.step.is_some() {
            loc.clone()
        } else {
            loc.clone().with_step(step)
        }
    };
    match kind {
        "step" => app
            .steps
            .iter()
            .map(|s| Target {
                name: s.name.clone(),
                step: s.name.clone(),
                location: with_step(&s.location, &s.name),
                key: format!("step:{}", s.id),
            })
            .collect(),
        "trigger" => app
            .triggers
            .iter()
            .map(|t| {
                let step = step_name(Some(&t.step_id));
                Target {
                    name: t.name.clone(),
                    location: with_step(&t.location, &step),
                    step,
                    key: format!("trigger:{}", t.step_id),
                }
            })
            .collect(),
        "connection" => app
            .connections
            .iter()
            .map(|c| Target {
                name: if c.display_name.is_empty() {
                    c.id.clone()
                } else {
                    c.display_name.clone()
                },
                step: String::new(),
                location: c.location.clone(),
                key: format!("connection:{}", c.id),
            })
            .collect(),
        "field" => app
            .fields
            .iter()
            .map(|f| {
                let step = step_name(f.step_id.as_deref());
                Target {
                    name: f.name.clone(),
                    location: with_step(&f.location, &step),
                    step,
                    key: format!(
                        "field:{}:{}:{}",
                        f.step_id.as_deref().unwrap_or_default(),
                        f.name,
                        f.location.path
                    ),
                }
            })
            .collect(),
        "endpoint" => app
            .endpoints
            .iter()
            .map(|e| {
                let step = step_name(e.step_id.as_deref());
                Target {
                    name: e.url.clone(),
                    location: with_step(&e.location, &step),
                    step,
                    key: format!("endpoint:{}:{}", e.url, e.location.path),
                }
            })
            .collect(),
        "credential" => app
            .credentials
            .iter()
            .map(|c| Target {
                name: c.name.clone(),
                step: String::new(),
                location: c.location.clone(),
                key: format!("credential:{}", c.name),
            })
            .collect(),
        _ => vec![Target {
            name: app.name.clone(),
            step: String::new(),
            location: app.location.clone(),
            key: String::new(),
        }],
    }
}

fn fill_text(text: &str, app: &App, target: &Target) -> String {
    text.replace("{app}", &app.name)
        .replace("{name}", &target.name)
        .replace("{step}", &target.step)
}

/// What a finding outside [`rules::RULES`] is made of.
struct Made<'a> {
    id: &'a str,
    name: &'a str,
    title: &'a str,
    severity: Severity,
    message: String,
    why: String,
    fix: String,
    location: Location,
    key: String,
    owasp: (&'a str, &'a str, u32),
}

/// The fingerprint a finding gets, the same way built-in rules' findings get theirs.
fn finding_fingerprint(id: &str, app: &App, location: &Location, key: &str) -> String {
    let inner_file = match location.file.split_once("!/") {
        Some((_, inner)) => inner,
        None => "",
    };
    fingerprint(&[id, &app.name, inner_file, &location.path, key])
}

fn make(app: &App, policy: &Policy, m: Made) -> Finding {
    Finding {
        rule_id: m.id.into(),
        rule_name: m.name.into(),
        severity: policy.severity_for(m.id, m.name).unwrap_or(m.severity),
        title: m.title.into(),
        fingerprint: finding_fingerprint(m.id, app, &m.location, &m.key),
        message: m.message,
        why: m.why,
        fix: m.fix,
        location: m.location,
        component: app.name.clone(),
        platform: app.platform,
        evidence: None,
        owasp: m.owasp.0.into(),
        owasp_lcnc: m.owasp.1.into(),
        cwe: m.owasp.2,
    }
}

/// Run the policy's own checks and custom rules over every app.
pub fn run(apps: &[App], policy: &Policy, notes: &mut Vec<Note>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for app in apps {
        never_mix(app, policy, &mut findings);
        review_required(app, policy, &mut findings);
    }
    if policy.custom_rules.is_empty() {
        return findings;
    }
    let heavy = policy
        .custom_rules
        .iter()
        .any(|r| r.when.contains("values") || r.when.contains("sample_data"));
    let all_views: Vec<Prepared> = apps
        .iter()
        .map(|a| prepare(&views(a, policy, heavy)))
        .collect();
    for rule in &policy.custom_rules {
        let id = rule.id.trim();
        let name = id.to_ascii_lowercase();
        if policy.is_disabled(id, &name) {
            continue;
        }
        let Ok(program) = compile(rule) else {
            continue;
        };
        let kind = for_each(rule);
        let mut failed: Option<String> = None;
        for (app, prepared) in apps.iter().zip(&all_views) {
            let items: Vec<Option<&cel::Value>> = if kind == "app" {
                vec![None]
            } else {
                prepared
                    .items
                    .get(kind)
                    .map(|l| l.iter().map(Some).collect())
                    .unwrap_or_default()
            };
            let root = root_context(&prepared.app);
            let targets = targets(app, kind);
            for (item, target) in items.into_iter().zip(&targets) {
                match evaluate(&program, &root, kind, item) {
                    Ok(cel::Value::Bool(true)) => {
                        let message = fill_text(&rule.message, app, target);
                        findings.push(make(
                            app,
                            policy,
                            Made {
                                id,
                                name: &name,
                                title: &rule.title,
                                severity: rule.severity,
                                message,
                                why: fill_text(&rule.why, app, target),
                                fix: fill_text(&rule.fix, app, target),
                                location: target.location.clone(),
                                key: target.key.clone(),
                                owasp: (&rule.owasp, &rule.owasp_lcnc, rule.cwe),
                            },
                        ));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        if failed.is_none() {
                            failed = Some(format!(
                                "policy: custom rule {id} could not be checked on {} '{}': {}; \
                                 guard optional values with `x != null &&`",
                                if kind == "app" { "app" } else { kind },
                                target.name,
                                describe(&e)
                            ));
                        }
                    }
                }
            }
        }
        if let Some(message) = failed {
            notes.push(Note {
                file: String::new(),
                message,
            });
        }
    }
    findings
}

fn never_mix(app: &App, policy: &Policy, findings: &mut Vec<Finding>) {
    let (id, name) = ("POLICY-NEVER-MIX", "never-mix-connector-groups");
    if policy.never_mix.is_empty() || policy.is_disabled(id, name) {
        return;
    }
    for (i, rule) in policy.never_mix.iter().enumerate() {
        // group → the first step using one of its connectors.
        let mut first: Vec<(&str, &crate::model::Step, &str)> = Vec::new();
        for group in &rule.groups {
            let found = app.steps.iter().filter(|s| !s.disabled).find_map(|s| {
                let c = s.connector.as_deref()?;
                policy.in_group(group, c).then_some((s, c))
            });
            if let Some((step, connector)) = found {
                first.push((group.as_str(), step, connector));
            }
        }
        if first.len() < 2 {
            continue;
        }
        let describe_use = |(g, s, c): &(&str, &crate::model::Step, &str)| {
            let shown = connectors::lookup(c).map_or((*c).to_string(), |i| i.name.clone());
            format!("{} ({shown}, group '{g}')", step_ref(app.platform, &s.name))
        };
        let uses: Vec<String> = first.iter().map(describe_use).collect();
        let Some((_, last_step, _)) = first.last() else {
            continue;
        };
        let groups: Vec<&str> = first.iter().map(|(g, _, _)| *g).collect();
        findings.push(make(
            app,
            policy,
            Made {
                id,
                name,
                title: "Mixes connector groups your policy keeps apart",
                severity: rule.severity.unwrap_or(Severity::High),
                message: format!(
                    "This {} uses connectors from groups your organisation keeps apart: {}.",
                    if app.platform.step_word() == "control" { "app" } else { "flow" },
                    uses.join(" and ")
                ),
                why: if rule.why.is_empty() {
                    format!(
                        "Data can move between the '{}' services in one run, which your organisation's data policy forbids.",
                        groups.join("' and '")
                    )
                } else {
                    rule.why.clone()
                },
                fix: "Split the work into separate flows, or replace the steps so all connectors come from one group. Ask your platform team if a connector is in the wrong group.".into(),
                location: last_step.location.clone().with_step(&last_step.name),
                key: format!("{i}:{}", groups.join("+")),
                owasp: ("CD-SEC-03", "LCNC-SEC-03", 200),
            },
        ));
    }
}

fn review_required(app: &App, policy: &Policy, findings: &mut Vec<Finding>) {
    let (id, name) = ("POLICY-REVIEW-REQUIRED", "review-required-connector");
    if policy.review_required_connectors.is_empty() || policy.is_disabled(id, name) {
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for step in app.steps.iter().filter(|s| !s.disabled) {
        let Some(c) = step.connector.as_deref() else {
            continue;
        };
        if seen.contains(&c) || !policy.needs_review(c) || policy.is_blocked(c) {
            continue;
        }
        seen.push(c);
        let shown = connectors::lookup(c).map_or(format!("'{c}'"), |i| format!("{} ({c})", i.name));
        findings.push(make(
            app,
            policy,
            Made {
                id,
                name,
                title: "Uses a connector that needs a review first",
                severity: Severity::Medium,
                message: format!(
                    "{} uses the connector {shown}, which your organisation allows only after a review.",
                    rules::capitalise(&step_ref(app.platform, &step.name))
                ),
                why: "Your platform team wants to check how this service is used (what data it gets, whose account it runs as) before the app goes live.".into(),
                fix: "Ask your platform team for a review of this app, or use an approved connector instead.".into(),
                location: step.location.clone().with_step(&step.name),
                key: c.to_string(),
                owasp: ("CD-SEC-07", "LCNC-SEC-07", 829),
            },
        ));
    }
}

/// Built-in rules whose findings come from field classifications, and so
/// follow `sensitive_categories`.
const FIELD_RULES: &[&str] = &["LC010", "LC012", "LC021"];

/// Lower field findings about categories that do not matter to the
/// organisation, and raise those about categories with a floor.
pub fn adjust_for_categories(apps: &[App], policy: &Policy, findings: &mut [Finding]) {
    let cats = &policy.sensitive_categories;
    if cats.is_empty() {
        return;
    }
    let ctx = Context { policy };
    for app in apps {
        let present: BTreeSet<&str> = app
            .fields
            .iter()
            .filter_map(|f| f.classification.as_ref())
            .map(|c| c.category.as_str())
            .collect();
        if present.is_empty() {
            continue;
        }
        // The app with only one category classified, per category.
        let only: Vec<(&str, App)> = present
            .iter()
            .map(|cat| {
                let mut a = app.clone();
                for f in &mut a.fields {
                    if f.classification
                        .as_ref()
                        .is_some_and(|c| c.category != *cat)
                    {
                        f.classification = None;
                    }
                }
                (*cat, a)
            })
            .collect();
        for rule_id in FIELD_RULES {
            let Some(rule) = rules::find(rule_id) else {
                continue;
            };
            if policy.is_disabled(rule.id, rule.name)
                || policy.severity_for(rule.id, rule.name).is_some()
            {
                continue;
            }
            let hits = (rule.check)(app, &ctx);
            if hits.is_empty() {
                continue;
            }
            let mut involved: BTreeMap<String, Vec<&str>> = BTreeMap::new();
            for (cat, a) in &only {
                for hit in (rule.check)(a, &ctx) {
                    involved.entry(hit.key).or_default().push(cat);
                }
            }
            for hit in hits {
                let fp = finding_fingerprint(rule.id, app, &hit.location, &hit.key);
                let Some(finding) = findings.iter_mut().find(|f| f.fingerprint == fp) else {
                    continue;
                };
                let hit_cats = involved.get(&hit.key).cloned().unwrap_or_default();
                if hit_cats.is_empty() {
                    continue;
                }
                if hit_cats.iter().any(|c| cats.matters(c)) {
                    if let Some(floor) = hit_cats.iter().filter_map(|c| cats.floor(c)).max() {
                        finding.severity = finding.severity.max(floor);
                    }
                } else {
                    finding.severity = if finding.severity > Severity::Low {
                        Severity::Low
                    } else {
                        Severity::Info
                    };
                }
            }
        }
    }
}
