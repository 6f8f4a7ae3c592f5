//! Budibase: app exports (`.tar.gz` holding `db.txt`, unpacked by ingest) and
//! the same CouchDB dump as `db/dump.txt` in the templates repository.
//!
//! Shapes read (see the field guide, section "8. Budibase"): a line-delimited
//! dump — a header line `{version, db_type, db_info}`, then `{"docs": [...]}`
//! lines, then `{"seq": N}`. Documents are told apart by `_id` prefix:
//! `app_metadata`, `ta_` tables (`schema` = field names), `screen_` (with
//! `routing.roleId`, `PUBLIC` = no sign-in), `role_` (permission maps),
//! `datasource_` (`source`, `config` — passwords when the export keeps them),
//! `query_` (`fields.sql` or REST `path`/`headers`/`queryString`/`requestBody`)
//! and `au_` automations (`definition.trigger.stepId`, `definition.steps`).
//!
//! The app itself (screens, queries, tables, data sources) becomes one
//! internal-tool [`App`]; each automation becomes a workflow of its own.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::common::{host_of, str_at, walk_strings};
use super::Parser;
use crate::ingest::{Bundle, Content, Entry};
use crate::model::{
    App, AppKind, Audience, Code, Connection, ConnectionIdentity, Credential, CredentialStorage,
    DataAccess, DataField, DataOperation, Edge, Endpoint, FieldUse, HttpAuth, HttpCall, Location,
    Platform, RunContext, RunMode, Sharing, SqlQuery, Step, StepKind, Trigger, TriggerKind, Value,
    ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::Budibase,
    claims,
    parse,
};

// ---------------------------------------------------------------------------
// Detection

const DOC_PREFIXES: &[&str] = &[
    "app_metadata",
    "ta_",
    "screen_",
    "au_",
    "datasource_",
    "query_",
    "role_",
    "layout_",
];

fn is_budibase_doc(doc: &Json) -> bool {
    str_at(doc, "_id").is_some_and(|id| DOC_PREFIXES.iter().any(|p| id.starts_with(p)))
}

/// One line of a dump: the header, a batch of documents or the closing `seq`.
fn is_dump_line(v: &Json) -> bool {
    let header = v.get("db_type").is_some() && v.get("db_info").is_some();
    let docs = v
        .get("docs")
        .and_then(Json::as_array)
        .is_some_and(|d| d.iter().any(is_budibase_doc));
    header || docs
}

fn claims(entry: &Entry) -> bool {
    match &entry.content {
        Content::Json(v) => is_dump_line(v),
        Content::Text(t) => t
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .and_then(|l| serde_json::from_str::<Json>(l).ok())
            .is_some_and(|v| is_dump_line(&v)),
        Content::Xml(_) => false,
    }
}

fn parse(_bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    for entry in entries {
        let file = entry.display_path.as_str();
        let docs = read_docs(entry, notes);
        if docs.is_empty() {
            notes.push(Note {
                file: file.to_string(),
                message: "not read: this Budibase database dump holds no app documents".into(),
            });
            continue;
        }
        apps.extend(parse_dump(&docs, file));
    }
    apps
}

/// A live document and where it sits (`/lines/<n>/docs/<i>`).
struct Doc {
    value: Json,
    loc: Location,
}

fn read_docs(entry: &Entry, notes: &mut Vec<Note>) -> Vec<Doc> {
    let file = entry.display_path.as_str();
    let mut out = Vec::new();
    let push_line = |line_no: usize, v: Json, out: &mut Vec<Doc>| {
        let Json::Object(mut map) = v else {
            return;
        };
        let Some(Json::Array(docs)) = map.remove("docs") else {
            return;
        };
        let base = Location::new(file, "/lines").index(line_no).child("docs");
        for (i, doc) in docs.into_iter().enumerate() {
            if doc.get("_deleted").and_then(Json::as_bool) == Some(true) || !doc.is_object() {
                continue;
            }
            out.push(Doc {
                value: doc,
                loc: base.index(i),
            });
        }
    };
    match &entry.content {
        Content::Json(v) => push_line(1, v.clone(), &mut out),
        Content::Text(text) => {
            let mut broken = 0usize;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                match serde_json::from_str::<Json>(line) {
                    Ok(v) => push_line(n + 1, v, &mut out),
                    Err(_) => broken += 1,
                }
            }
            if broken > 0 {
                notes.push(Note {
                    file: file.to_string(),
                    message: format!(
                        "{broken} line(s) of this Budibase dump are not valid JSON and were skipped"
                    ),
                });
            }
        }
        Content::Xml(_) => {}
    }
    out
}

// ---------------------------------------------------------------------------
// The app

struct Index<'a> {
    tables: HashMap<&'a str, &'a Doc>,
    datasources: HashMap<&'a str, &'a Doc>,
    queries: HashMap<&'a str, &'a Doc>,
    automations: HashMap<&'a str, &'a Doc>,
}

fn id_of(doc: &Doc) -> &str {
    str_at(&doc.value, "_id").unwrap_or_default()
}

fn name_of(doc: &Doc) -> &str {
    str_at(&doc.value, "name")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| id_of(doc))
}

fn parse_dump(docs: &[Doc], file: &str) -> Vec<App> {
    fn with_prefix<'a>(docs: &'a [Doc], p: &str) -> HashMap<&'a str, &'a Doc> {
        docs.iter()
            .filter(|d| id_of(d).starts_with(p))
            .map(|d| (id_of(d), d))
            .collect()
    }
    let index = Index {
        tables: with_prefix(docs, "ta_"),
        datasources: with_prefix(docs, "datasource_"),
        queries: with_prefix(docs, "query_"),
        automations: with_prefix(docs, "au_"),
    };
    let meta = docs.iter().find(|d| id_of(d) == "app_metadata");
    let app_name = meta
        .map(name_of)
        .filter(|n| *n != "app_metadata")
        .unwrap_or("Budibase app")
        .to_string();
    let base = meta.map_or_else(|| Location::new(file, ""), |m| m.loc.clone());
    let mut app = App {
        platform: Platform::Budibase,
        kind: AppKind::InternalTool,
        name: app_name.clone(),
        id: meta
            .and_then(|m| str_at(&m.value, "appId"))
            .map(str::to_string),
        version: meta
            .and_then(|m| str_at(&m.value, "version"))
            .map(str::to_string),
        location: base.clone(),
        run_context: RunContext {
            mode: RunMode::Owner,
            raw: "queries run with the data source's stored credentials".into(),
            user_facing: true,
            requires_permission: None,
            location: Some(base.clone()),
        },
        ..App::default()
    };

    // Tables: their columns are the data the app holds.
    let mut tables: Vec<&&Doc> = index.tables.values().collect();
    tables.sort_by_key(|d| d.loc.clone());
    for table in tables {
        push_table_fields(&mut app, table, None, FieldUse::Read);
    }
    // Data sources.
    let mut sources: Vec<&&Doc> = index.datasources.values().collect();
    sources.sort_by_key(|d| d.loc.clone());
    for ds in sources {
        read_datasource(&mut app, ds);
    }
    // Screens and roles.
    for doc in docs {
        let id = id_of(doc);
        if id.starts_with("screen_") {
            read_screen(&mut app, doc);
        } else if id.starts_with("role_") {
            read_role(&mut app, doc, &index);
        }
    }
    // Queries.
    let mut queries: Vec<&&Doc> = index.queries.values().collect();
    queries.sort_by_key(|d| d.loc.clone());
    for q in queries {
        let step = query_step(&mut app, q, &index, q.loc.clone(), id_of(q).to_string());
        app.steps.push(step);
    }
    finish(&mut app);

    let mut apps = vec![app];
    let mut automations: Vec<&&Doc> = index.automations.values().collect();
    automations.sort_by_key(|d| d.loc.clone());
    for au in automations {
        apps.push(parse_automation(au, &index, &app_name));
    }
    apps
}

fn push_table_fields(app: &mut App, table: &Doc, step_id: Option<&str>, usage: FieldUse) {
    let Some(Json::Object(schema)) = table.value.get("schema") else {
        return;
    };
    let object = name_of(table).to_string();
    for (key, col) in schema {
        let name = str_at(col, "name").unwrap_or(key);
        app.fields.push(DataField {
            name: name.to_string(),
            object: Some(object.clone()),
            usage,
            step_id: step_id.map(str::to_string),
            classification: None,
            location: table.loc.child("schema").child(key),
        });
    }
}

fn is_secret_key(key: &str) -> bool {
    super::common::names_secret_field(
        key,
        &[
            "password",
            "passwd",
            "secret",
            "token",
            "apikey",
            "api_key",
            "privatekey",
            "private_key",
            "accesskey",
            "access_key",
            "clientsecret",
        ],
    )
}

fn value_kind(text: &str) -> ValueKind {
    let t = text.trim();
    if t.starts_with("{{") && t.ends_with("}}") && t.matches("{{").count() == 1 {
        ValueKind::Expression
    } else if t.contains("{{") {
        ValueKind::Template
    } else {
        ValueKind::Literal
    }
}

fn read_datasource(app: &mut App, ds: &Doc) {
    let id = id_of(ds).to_string();
    let source = str_at(&ds.value, "source").unwrap_or("unknown");
    let name = name_of(ds).to_string();
    let config = ds.value.get("config").filter(|c| c.is_object());
    let endpoint = config.and_then(|c| {
        str_at(c, "url")
            .or_else(|| str_at(c, "host"))
            .or_else(|| str_at(c, "server"))
            .filter(|h| !h.trim().is_empty())
            .map(str::to_string)
    });
    let cfg_loc = ds.loc.child("config");
    let mut literal_secrets = 0usize;
    let mut auth: Option<String> = None;
    if let Some(c) = config {
        walk_strings(c, "config", &cfg_loc, &mut |k, text, l| {
            if text.trim().is_empty() {
                return;
            }
            let rel = l.path.strip_prefix(&cfg_loc.path).unwrap_or("");
            let first = rel.trim_start_matches('/').split('/').next().unwrap_or("");
            let context = if first == "defaultHeaders" {
                ValueContext::Header
            } else if first == "staticVariables" {
                ValueContext::Variable
            } else if k.eq_ignore_ascii_case("connectionString") {
                ValueContext::ConnectionString
            } else if is_secret_key(k) {
                ValueContext::PasswordField
            } else if k == "url" {
                ValueContext::Url
            } else {
                ValueContext::Parameter
            };
            let kind = value_kind(text);
            if kind == ValueKind::Literal
                && matches!(
                    context,
                    ValueContext::PasswordField | ValueContext::ConnectionString
                )
            {
                literal_secrets += 1;
            }
            app.values.push(Value {
                key: k.to_string(),
                value: text.to_string(),
                context,
                kind,
                step_id: None,
                location: l.clone(),
            });
        });
        if let Some(Json::Array(auths)) = c.get("authConfigs") {
            auth = auths
                .iter()
                .find_map(|a| str_at(a, "type"))
                .map(str::to_string);
        } else if config.is_some_and(|c| c.get("password").is_some()) {
            auth = Some("password".into());
        }
    }
    if literal_secrets > 0 {
        app.credentials.push(Credential {
            name: name.clone(),
            credential_type: source.to_ascii_lowercase(),
            storage: CredentialStorage::Plaintext,
            used_by: Vec::new(),
            location: cfg_loc.clone(),
        });
    }
    app.connections.push(Connection {
        id,
        connector: format!("budibase:{}", source.to_ascii_lowercase()),
        display_name: name,
        identity: ConnectionIdentity::Service,
        auth,
        endpoint,
        location: ds.loc.clone(),
    });
}

fn read_screen(app: &mut App, doc: &Doc) {
    let routing = doc.value.get("routing");
    let route = routing
        .and_then(|r| str_at(r, "route"))
        .unwrap_or_default()
        .to_string();
    let role = routing
        .and_then(|r| str_at(r, "roleId"))
        .unwrap_or_default();
    let name = if route.is_empty() {
        name_of(doc).to_string()
    } else {
        format!("Screen {route}")
    };
    let loc = doc.loc.clone().with_step(&name);
    app.steps.push(Step {
        id: id_of(doc).to_string(),
        name: name.clone(),
        kind: StepKind::Screen,
        platform_type: "screen".into(),
        location: loc.clone(),
        ..Step::default()
    });
    if role == "PUBLIC" {
        app.sharing.push(Sharing {
            audience: Audience::Anyone,
            what: format!("the screen {route} opens without signing in"),
            raw: "routing.roleId: PUBLIC".into(),
            location: loc.child("routing").child("roleId"),
        });
    }
}

fn read_role(app: &mut App, doc: &Doc, index: &Index) {
    if id_of(doc) != "role_PUBLIC" {
        return;
    }
    let Some(Json::Object(perms)) = doc.value.get("permissions") else {
        return;
    };
    for (resource, levels) in perms {
        let levels: Vec<&str> = levels
            .as_array()
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        if levels.is_empty() {
            continue;
        }
        let what = index
            .tables
            .get(resource.as_str())
            .map(|t| format!("table '{}'", name_of(t)))
            .or_else(|| {
                index
                    .queries
                    .get(resource.as_str())
                    .map(|q| format!("query '{}'", name_of(q)))
            })
            .or_else(|| {
                index
                    .automations
                    .get(resource.as_str())
                    .map(|a| format!("automation '{}'", name_of(a)))
            })
            .unwrap_or_else(|| format!("'{resource}'"));
        app.sharing.push(Sharing {
            audience: Audience::Anyone,
            what: format!(
                "people who are not signed in may {} the {what}",
                levels.join(" and ")
            ),
            raw: format!("role_PUBLIC permissions: {}", levels.join(", ")),
            location: doc.loc.child("permissions").child(resource),
        });
    }
}

fn http_method(verb: &str) -> String {
    match verb {
        "read" => "GET".into(),
        "create" => "POST".into(),
        "update" => "PUT".into(),
        "patch" => "PATCH".into(),
        "delete" => "DELETE".into(),
        other => other.to_ascii_uppercase(),
    }
}

const SQL_SOURCES: &[&str] = &[
    "POSTGRES",
    "MYSQL",
    "SQL_SERVER",
    "ORACLE",
    "SNOWFLAKE",
    "REDSHIFT",
    "MARIADB",
    "ARANGODB",
];

/// A query as a step: SQL, REST or another data source's native query.
fn query_step(app: &mut App, q: &Doc, index: &Index, loc: Location, step_id: String) -> Step {
    let name = name_of(q).to_string();
    let loc = loc.with_step(&name);
    let ds_id = str_at(&q.value, "datasourceId").unwrap_or_default();
    let ds = index.datasources.get(ds_id);
    let source = ds
        .and_then(|d| str_at(&d.value, "source"))
        .unwrap_or_default()
        .to_ascii_uppercase();
    let fields = q.value.get("fields").filter(|f| f.is_object());
    let fields_loc = q.loc.child("fields").with_step(&name);
    let mut step = Step {
        id: step_id.clone(),
        name,
        kind: StepKind::Database,
        platform_type: format!("query:{}", source.to_ascii_lowercase()),
        connector: (!source.is_empty())
            .then(|| format!("budibase:{}", source.to_ascii_lowercase())),
        connection: (!ds_id.is_empty()).then(|| ds_id.to_string()),
        location: loc.clone(),
        ..Step::default()
    };
    if let Some(ds) = ds {
        if app.connection(ds_id).is_none() {
            app.connections.push(Connection {
                id: ds_id.to_string(),
                connector: format!("budibase:{}", source.to_ascii_lowercase()),
                display_name: name_of(ds).to_string(),
                identity: ConnectionIdentity::Service,
                location: ds.loc.clone(),
                ..Connection::default()
            });
        }
    }
    let verb = str_at(&q.value, "queryVerb").unwrap_or("read");
    if let Some(sql) = fields
        .and_then(|f| str_at(f, "sql"))
        .filter(|s| !s.trim().is_empty())
    {
        // Budibase sends `{{ bindings }}` in SQL as query parameters, not pasted text.
        step.sql = Some(SqlQuery {
            text: sql.to_string(),
            interpolated: false,
            uses_parameters: sql.contains("{{"),
            location: fields_loc.child("sql"),
        });
    } else if source == "REST" {
        step.kind = StepKind::HttpRequest;
        let base_url = ds
            .and_then(|d| d.value.get("config"))
            .and_then(|c| str_at(c, "url"))
            .unwrap_or_default();
        let path = fields.and_then(|f| str_at(f, "path")).unwrap_or_default();
        let url = if path.contains("://") || base_url.is_empty() {
            path.to_string()
        } else {
            format!(
                "{}/{}",
                base_url.trim_end_matches('/'),
                path.trim_start_matches('/')
            )
        };
        let has_auth = fields
            .and_then(|f| str_at(f, "authConfigId"))
            .is_some_and(|a| !a.is_empty());
        step.http = Some(HttpCall {
            method: http_method(verb),
            url_is_expression: url.trim().is_empty() || value_kind(&url) == ValueKind::Expression,
            url,
            auth: if has_auth {
                HttpAuth::Credential
            } else {
                HttpAuth::None
            },
            tls_verification_disabled: false,
            location: fields_loc.child("path"),
        });
    } else if !SQL_SOURCES.contains(&source.as_str()) && !source.is_empty() {
        step.kind = StepKind::ConnectorAction;
    }
    if step.kind == StepKind::Database && step.sql.is_none() && verb == "read" {
        step.data_op = Some(DataOperation {
            access: vec![DataAccess::Read],
            object: name_of(q).to_string(),
            all_fields: false,
            location: loc.clone(),
        });
    }
    if let Some(f) = fields {
        let http = step.kind == StepKind::HttpRequest;
        walk_strings(f, "fields", &fields_loc, &mut |k, text, l| {
            if text.trim().is_empty() {
                return;
            }
            let rel = l.path.strip_prefix(&fields_loc.path).unwrap_or("");
            let first = rel.trim_start_matches('/').split('/').next().unwrap_or("");
            let context = match first {
                "headers" => ValueContext::Header,
                "queryString" => ValueContext::Query,
                "requestBody" | "json" => ValueContext::Body,
                "path" if http => ValueContext::Url,
                _ if is_secret_key(k) => ValueContext::PasswordField,
                _ => ValueContext::Parameter,
            };
            app.values.push(Value {
                key: k.to_string(),
                value: text.to_string(),
                context,
                kind: value_kind(text),
                step_id: Some(step_id.as_str().into()),
                location: l.clone(),
            });
        });
    }
    if let Some(http) = &step.http {
        if let Some(host) = host_of(&http.url) {
            app.endpoints.push(Endpoint {
                url: http.url.clone(),
                host: Some(host),
                step_id: Some(step_id.clone()),
                location: http.location.clone(),
            });
        }
    }
    step
}

fn finish(app: &mut App) {
    let known: Vec<String> = app.endpoints.iter().map(|e| e.url.clone()).collect();
    let extra: Vec<Endpoint> = super::common::url_endpoints(&app.values)
        .into_iter()
        .filter(|e| !known.contains(&e.url))
        .collect();
    app.endpoints.extend(extra);
}

// ---------------------------------------------------------------------------
// Automations

fn parse_automation(au: &Doc, index: &Index, app_name: &str) -> App {
    let name = name_of(au).to_string();
    let mut app = App {
        platform: Platform::Budibase,
        kind: AppKind::Workflow,
        name: format!("{app_name} › automation '{name}'"),
        id: Some(id_of(au).to_string()),
        active: au.value.get("disabled").and_then(Json::as_bool).map(|d| !d),
        location: au.loc.clone(),
        run_context: RunContext {
            mode: RunMode::Owner,
            raw: "automations run on the server with the app's data sources".into(),
            user_facing: false,
            requires_permission: None,
            location: Some(au.loc.clone()),
        },
        ..App::default()
    };
    let def = au.value.get("definition");
    let def_loc = au.loc.child("definition");
    let mut prev: Option<String> = None;
    if let Some(trigger) = def.and_then(|d| d.get("trigger")).filter(|t| t.is_object()) {
        let id = read_trigger(&mut app, trigger, &def_loc.child("trigger"), index);
        prev = Some(id);
    }
    if let Some(Json::Array(steps)) = def.and_then(|d| d.get("steps")) {
        for (i, s) in steps.iter().enumerate() {
            if !s.is_object() {
                continue;
            }
            let id = read_automation_step(&mut app, s, i, &def_loc.child("steps").index(i), index);
            if let Some(from) = prev.take() {
                app.edges.push(Edge {
                    from,
                    to: id.clone(),
                    kind: "main".into(),
                });
            }
            prev = Some(id);
        }
    }
    finish(&mut app);
    app
}

fn step_label(step_id: &str) -> String {
    let lower = step_id.replace('_', " ").to_ascii_lowercase();
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect::<String>())
        .unwrap_or_default()
}

fn read_trigger(app: &mut App, t: &Json, loc: &Location, index: &Index) -> String {
    let kind_id = str_at(t, "stepId").unwrap_or_default();
    let id = str_at(t, "id").unwrap_or("trigger").to_string();
    let name = str_at(t, "name")
        .filter(|n| !n.trim().is_empty())
        .map_or_else(|| step_label(kind_id), str::to_string);
    let loc = loc.clone().with_step(&name);
    let (tkind, audience, auth) = match kind_id {
        "WEBHOOK" => (TriggerKind::Http, Audience::Anyone, "none"),
        "APP" | "ROW_ACTION" => (TriggerKind::App, Audience::Organisation, "app user"),
        "CRON" => (TriggerKind::Schedule, Audience::Internal, ""),
        _ => (TriggerKind::Event, Audience::Internal, ""),
    };
    app.steps.push(Step {
        id: id.clone(),
        name: name.clone(),
        kind: StepKind::Trigger,
        platform_type: kind_id.to_string(),
        location: loc.clone(),
        ..Step::default()
    });
    app.triggers.push(Trigger {
        step_id: id.clone(),
        name,
        kind: tkind,
        audience,
        auth: auth.into(),
        location: loc.child("stepId"),
        ..Trigger::default()
    });
    // Row triggers hand the whole row to the automation.
    if let Some(table) = t
        .get("inputs")
        .and_then(|i| str_at(i, "tableId"))
        .and_then(|tid| index.tables.get(tid))
    {
        push_table_fields(app, table, Some(&id), FieldUse::Read);
    }
    if let Some(inputs) = t.get("inputs") {
        push_values(app, inputs, &loc.child("inputs"), &id, StepKind::Trigger);
    }
    id
}

fn read_automation_step(
    app: &mut App,
    s: &Json,
    i: usize,
    loc: &Location,
    index: &Index,
) -> String {
    let kind_id = str_at(s, "stepId").unwrap_or_default();
    let id = str_at(s, "id")
        .filter(|x| !x.is_empty())
        .map_or_else(|| format!("step{i}"), str::to_string);
    let name = str_at(s, "name")
        .filter(|n| !n.trim().is_empty())
        .map_or_else(|| step_label(kind_id), str::to_string);
    let loc = loc.clone().with_step(&name);
    let inputs = s.get("inputs").filter(|x| x.is_object());
    let in_loc = loc.child("inputs");
    let input = |k: &str| inputs.and_then(|x| str_at(x, k)).unwrap_or_default();

    // A query step is described by the query it runs.
    if matches!(kind_id, "EXECUTE_QUERY" | "API_REQUEST") {
        let qid = inputs
            .and_then(|x| x.get("query"))
            .and_then(|q| str_at(q, "queryId"))
            .unwrap_or_default();
        if let Some(q) = index.queries.get(qid) {
            let mut step = query_step(app, q, index, loc.clone(), id.clone());
            step.name = name;
            step.location = loc;
            app.steps.push(step);
            return id;
        }
    }
    let lower = kind_id.to_ascii_lowercase();
    let kind = match kind_id {
        "EXECUTE_SCRIPT" | "EXECUTE_SCRIPT_V2" => StepKind::Code,
        "EXECUTE_BASH" | "BASH" => StepKind::Command,
        "OUTGOING_WEBHOOK" | "slack" | "discord" | "zapier" | "integromat" | "make" | "n8n" => {
            StepKind::HttpRequest
        }
        "EXECUTE_QUERY" | "API_REQUEST" => StepKind::Database,
        "SEND_EMAIL_SMTP" => StepKind::Email,
        "CREATE_ROW" | "UPDATE_ROW" | "DELETE_ROW" | "QUERY_ROWS" => StepKind::DataOperation,
        "LOOP" | "FILTER" | "BRANCH" | "DELAY" | "COLLECT" => StepKind::Control,
        "TRIGGER_AUTOMATION_RUN" => StepKind::SubFlow,
        _ if lower.contains("openai") || lower.contains("llm") || lower.contains("prompt") => {
            StepKind::Ai
        }
        _ => StepKind::Other,
    };
    let mut step = Step {
        id: id.clone(),
        name,
        kind,
        platform_type: kind_id.to_string(),
        connector: matches!(
            kind_id,
            "slack" | "discord" | "zapier" | "integromat" | "make" | "n8n"
        )
        .then(|| format!("budibase:{lower}")),
        location: loc.clone(),
        ..Step::default()
    };
    match kind {
        StepKind::Code | StepKind::Command => {
            let source = input("code");
            if !source.is_empty() {
                let shell = kind == StepKind::Command;
                step.code = Some(Code {
                    language: if shell { "shell" } else { "javascript" }.into(),
                    source: source.to_string(),
                    runs_commands: shell,
                    location: in_loc.child("code"),
                });
            }
        }
        StepKind::HttpRequest => {
            let url = input("url").trim().to_string();
            let method = inputs
                .and_then(|x| str_at(x, "requestMethod"))
                .unwrap_or("POST")
                .to_ascii_uppercase();
            let headers = input("headers").to_ascii_lowercase();
            step.http = Some(HttpCall {
                method,
                url_is_expression: url.is_empty() || value_kind(&url) == ValueKind::Expression,
                url,
                auth: if headers.contains("authorization") {
                    HttpAuth::Header
                } else {
                    HttpAuth::None
                },
                tls_verification_disabled: false,
                location: in_loc.child("url"),
            });
        }
        StepKind::DataOperation => {
            let table_id = inputs
                .and_then(|x| x.get("row"))
                .and_then(|r| str_at(r, "tableId"))
                .or_else(|| inputs.and_then(|x| str_at(x, "tableId")))
                .unwrap_or_default();
            let table = index.tables.get(table_id);
            let access = match kind_id {
                "CREATE_ROW" => DataAccess::Create,
                "UPDATE_ROW" => DataAccess::Update,
                "DELETE_ROW" => DataAccess::Delete,
                _ => DataAccess::Read,
            };
            step.data_op = Some(DataOperation {
                access: vec![access],
                object: table.map_or(table_id, |t| name_of(t)).to_string(),
                all_fields: access == DataAccess::Read,
                location: in_loc.clone(),
            });
            if let Some(t) = table {
                let usage = if access == DataAccess::Read {
                    FieldUse::Read
                } else {
                    FieldUse::Write
                };
                push_table_fields(app, t, Some(&id), usage);
            }
        }
        _ => {}
    }
    if let Some(x) = inputs {
        push_values(app, x, &in_loc, &id, kind);
    }
    app.steps.push(step);
    id
}

fn push_values(app: &mut App, inputs: &Json, loc: &Location, step_id: &str, kind: StepKind) {
    walk_strings(inputs, "inputs", loc, &mut |k, text, l| {
        if text.trim().is_empty() {
            return;
        }
        // Outgoing webhook headers are a JSON object written as text.
        if k == "headers" {
            if let Ok(Json::Object(headers)) = serde_json::from_str::<Json>(text) {
                for (name, v) in &headers {
                    if let Some(v) = v.as_str().filter(|v| !v.trim().is_empty()) {
                        app.values.push(Value {
                            key: name.clone(),
                            value: v.to_string(),
                            context: ValueContext::Header,
                            kind: value_kind(v),
                            step_id: Some(step_id.into()),
                            location: l.clone(),
                        });
                    }
                }
                return;
            }
        }
        let rel = l.path.strip_prefix(&loc.path).unwrap_or("");
        let first = rel.trim_start_matches('/').split('/').next().unwrap_or("");
        let context = match first {
            "code" if matches!(kind, StepKind::Code | StepKind::Command) => ValueContext::Code,
            "url" if kind == StepKind::HttpRequest => ValueContext::Url,
            "headers" => ValueContext::Header,
            "requestBody" | "body" => ValueContext::Body,
            _ if is_secret_key(k) => ValueContext::PasswordField,
            _ => ValueContext::Parameter,
        };
        app.values.push(Value {
            key: k.to_string(),
            value: text.to_string(),
            context,
            kind: if context == ValueContext::Code {
                ValueKind::Literal
            } else {
                value_kind(text)
            },
            step_id: Some(step_id.into()),
            location: l.clone(),
        });
    });
}
