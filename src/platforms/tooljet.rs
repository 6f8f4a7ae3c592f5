//! ToolJet: app exports ("Export app"), all three generations.
//!
//! Shapes read (see the field guide, section "6. ToolJet"):
//! * v1 (≤ 1.x): the app at the top level `{id, name, slug, isPublic,
//!   dataQueries, dataSources, appVersions: [{definition: {components,
//!   pages}}], tooljetVersion}`; data sources carry their own `options`;
//! * v2 (2.x): `{appV2: {…}, tooljetVersion}` with `dataSourceOptions[]`
//!   (`{dataSourceId, options: {<field>: {value, encrypted}}}`) beside the
//!   data sources, and components as a list;
//! * v3 (≥ 2.2x / 3.x): `{app: [{definition: {appV2: {…}}}], tooljet_database,
//!   tooljet_version}` — one export can hold several apps.
//!
//! A query is `{id, name, kind?, dataSourceId, options: {method, url,
//! headers: [[k, v]], url_params: [[k, v]], body, json_body, query, code,
//! transformation, runOnPageLoad}}`. Data-source option fields marked
//! `encrypted: true` are exported as a reference (`credential_id`); the other
//! fields keep their values in plain text.

use serde_json::Value as Json;

use super::appsmith::{
    binding_roots, endpoints_of, is_secret_key, is_whole_expression, sql_fields, value_kind,
};
use super::common::str_at;
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Audience, Code, Connection, ConnectionIdentity, Credential, CredentialStorage,
    DataField, Edge, FieldUse, HttpAuth, HttpCall, Location, Platform, RunContext, RunMode,
    Sharing, SqlQuery, Step, StepKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::ToolJet,
    claims,
    parse,
};

// ---------------------------------------------------------------------------
// Detection

fn is_app_object(v: &Json) -> bool {
    v.is_object()
        && v.get("dataQueries").is_some_and(Json::is_array)
        && (v.get("dataSources").is_some_and(Json::is_array)
            || v.get("appVersions").is_some_and(Json::is_array))
}

/// Every app in a document, with the JSON pointer where it sits.
fn apps_in(v: &Json) -> Vec<(&Json, String)> {
    let mut out = Vec::new();
    if let Some(a) = v.get("appV2").filter(|a| is_app_object(a)) {
        out.push((a, "/appV2".to_string()));
    }
    if let Some(Json::Array(list)) = v.get("app") {
        for (i, item) in list.iter().enumerate() {
            let def = item.get("definition");
            if let Some(a) = def
                .and_then(|d| d.get("appV2"))
                .filter(|a| is_app_object(a))
            {
                out.push((a, format!("/app/{i}/definition/appV2")));
            } else if let Some(a) = def.filter(|a| is_app_object(a)) {
                out.push((a, format!("/app/{i}/definition")));
            }
        }
    }
    if out.is_empty()
        && is_app_object(v)
        && (v.get("tooljetVersion").is_some() || v.get("isPublic").is_some())
    {
        out.push((v, String::new()));
    }
    out
}

fn claims(entry: &Entry) -> bool {
    let Some(v) = entry.json().filter(|v| v.is_object()) else {
        return false;
    };
    if !apps_in(v).is_empty() {
        return true;
    }
    // A v3 export with only ToolJet Database tables, or an empty app list.
    v.get("tooljet_version").is_some()
        && (v.get("app").is_some_and(Json::is_array)
            || v.get("tooljet_database").is_some_and(Json::is_array))
}

fn parse(_bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    for entry in entries {
        let file = entry.display_path.as_str();
        let Some(v) = entry.json() else {
            continue;
        };
        let found = apps_in(v);
        if found.is_empty() {
            notes.push(Note {
                file: file.to_string(),
                message: "not read: this ToolJet export holds no app, only ToolJet Database table definitions".into(),
            });
            continue;
        }
        let version = str_at(v, "tooljet_version")
            .or_else(|| str_at(v, "tooljetVersion"))
            .map(|s| s.trim().to_string());
        for (app_json, pointer) in found {
            let (app, store) = parse_app(app_json, &Location::new(file, pointer), version.clone());
            apps.push(app);
            if let Some(store) = store {
                apps.push(store);
            }
        }
    }
    apps
}

// ---------------------------------------------------------------------------
// Apps

struct Source {
    id: String,
    name: String,
    kind: String,
    /// ToolJet's own default data sources (`type: static`): no connection.
    builtin: bool,
}

fn parse_app(a: &Json, base: &Location, version: Option<String>) -> (App, Option<App>) {
    let name = str_at(a, "name")
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("Unnamed ToolJet app")
        .to_string();
    let workflow = str_at(a, "type") == Some("workflow");
    let mut app = App {
        platform: Platform::ToolJet,
        kind: if workflow {
            AppKind::Workflow
        } else {
            AppKind::InternalTool
        },
        name: name.clone(),
        id: str_at(a, "id").map(str::to_string),
        version,
        location: base.clone(),
        run_context: RunContext {
            mode: RunMode::Owner,
            raw: "queries run on the ToolJet server with the data sources' saved credentials"
                .into(),
            user_facing: !workflow,
            requires_permission: None,
            location: Some(base.clone()),
        },
        ..App::default()
    };
    if a.get("isPublic").and_then(Json::as_bool) == Some(true) {
        app.sharing.push(Sharing {
            audience: Audience::Anyone,
            what: "anyone with the app's link can open it and run its queries without signing in"
                .into(),
            raw: "isPublic: true".into(),
            location: base.child("isPublic"),
        });
    }
    if let Some(token) = str_at(a, "workflowApiToken").filter(|t| !t.trim().is_empty()) {
        app.values.push(Value {
            key: "workflowApiToken".into(),
            value: token.to_string(),
            context: ValueContext::PasswordField,
            kind: ValueKind::Literal,
            step_id: None,
            location: base.child("workflowApiToken"),
        });
    }

    // Which version to read: v1 exports list the queries and data sources of
    // every saved version; keep the editing version's when it can be told.
    let editing = a
        .get("editingVersion")
        .and_then(|e| str_at(e, "id"))
        .or_else(|| str_at(a, "currentVersionId"));
    let keep = |item: &Json, list: &[Json]| -> bool {
        let Some(ed) = editing else {
            return true;
        };
        let any_match = list.iter().any(|x| str_at(x, "appVersionId") == Some(ed));
        !any_match || str_at(item, "appVersionId").is_none_or(|v| v == ed)
    };

    // Data sources.
    let mut sources: Vec<Source> = Vec::new();
    let mut store = App {
        platform: Platform::ToolJet,
        kind: AppKind::CredentialStore,
        name: format!("ToolJet credentials in {name}"),
        location: base.clone(),
        ..App::default()
    };
    if let Some(Json::Array(list)) = a.get("dataSources") {
        for (i, ds) in list.iter().enumerate() {
            if !keep(ds, list) {
                continue;
            }
            let loc = base.child("dataSources").index(i);
            let (Some(id), Some(kind)) = (str_at(ds, "id"), str_at(ds, "kind")) else {
                continue;
            };
            let ds_name = str_at(ds, "name").unwrap_or(kind).to_string();
            let builtin = is_builtin(kind) || str_at(ds, "type") == Some("static");
            sources.push(Source {
                id: id.to_string(),
                name: ds_name.clone(),
                kind: kind.to_string(),
                builtin,
            });
            if builtin {
                continue;
            }
            app.connections.push(Connection {
                id: id.to_string(),
                connector: format!("tooljet:{kind}"),
                display_name: ds_name.clone(),
                identity: ConnectionIdentity::StoredCredential,
                auth: None,
                endpoint: None,
                location: loc.clone(),
            });
            if let Some(opts) = ds.get("options").filter(|o| o.is_object()) {
                read_options(
                    &mut app,
                    &mut store,
                    id,
                    &ds_name,
                    kind,
                    opts,
                    &loc.child("options"),
                );
            }
        }
    }
    if let Some(Json::Array(list)) = a.get("dataSourceOptions") {
        for (i, o) in list.iter().enumerate() {
            let Some(ds_id) = str_at(o, "dataSourceId") else {
                continue;
            };
            let Some(src) = sources.iter().find(|s| s.id == ds_id) else {
                continue;
            };
            if src.builtin {
                continue;
            }
            if let Some(opts) = o.get("options").filter(|o| o.is_object()) {
                let (sid, sname, skind) = (src.id.clone(), src.name.clone(), src.kind.clone());
                read_options(
                    &mut app,
                    &mut store,
                    &sid,
                    &sname,
                    &skind,
                    opts,
                    &base.child("dataSourceOptions").index(i).child("options"),
                );
            }
        }
    }

    // Components (read before the queries so their bindings name fields).
    let mut inputs: Vec<(String, String)> = Vec::new();
    read_components(&mut app, a, base, &mut inputs);

    // Queries.
    if let Some(Json::Array(list)) = a.get("dataQueries") {
        for (i, q) in list.iter().enumerate() {
            if !keep(q, list) {
                continue;
            }
            read_query(
                &mut app,
                &sources,
                &inputs,
                q,
                &base.child("dataQueries").index(i),
            );
        }
    }
    finish(&mut app);
    query_events(&mut app, a);
    for c in &mut store.credentials {
        c.used_by = app
            .steps
            .iter()
            .filter(|s| {
                s.connection
                    .as_deref()
                    .and_then(|id| app.connection(id))
                    .is_some_and(|conn| conn.display_name == c.name)
            })
            .map(|s| s.id.clone())
            .collect();
    }
    let store = (!store.credentials.is_empty()).then_some(store);
    (app, store)
}

/// Data sources every ToolJet app has that hold no connection of their own.
fn is_builtin(kind: &str) -> bool {
    matches!(kind, "runjs" | "runpy" | "tooljetdb" | "workflows")
}

/// One data source's option fields: non-encrypted secret fields with a value
/// are plaintext credentials (kept in their own credential store, reported
/// once); other non-encrypted values stay with the app.
fn read_options(
    app: &mut App,
    store: &mut App,
    ds_id: &str,
    ds_name: &str,
    kind: &str,
    opts: &Json,
    loc: &Location,
) {
    let Some(map) = opts.as_object() else {
        return;
    };
    let mut plaintext = false;
    let mut encrypted = false;
    for (key, field) in map {
        let floc = loc.child(key);
        let is_encrypted = field.get("encrypted").and_then(Json::as_bool) == Some(true);
        encrypted |= is_encrypted;
        let raw = field.get("value").unwrap_or(field);
        let text = match raw {
            Json::String(s) => s.clone(),
            Json::Number(n) => n.to_string(),
            Json::Array(items) => {
                // Header-like pairs: [["Authorization", "Bearer …"], …]
                for (i, pair) in items.iter().enumerate() {
                    if let (Some(k), Some(v)) = (
                        pair.get(0).and_then(Json::as_str),
                        pair.get(1).and_then(Json::as_str),
                    ) {
                        if !v.trim().is_empty() {
                            let context = if key.contains("header") {
                                ValueContext::Header
                            } else if key.contains("param") {
                                ValueContext::Query
                            } else {
                                ValueContext::Credential
                            };
                            app.values.push(Value {
                                key: k.to_string(),
                                value: v.to_string(),
                                context,
                                kind: value_kind(v),
                                step_id: None,
                                location: floc.child("value").index(i).index(1),
                            });
                        }
                    }
                }
                continue;
            }
            _ => continue,
        };
        if text.trim().is_empty() || is_encrypted {
            continue;
        }
        let vloc = if field.get("value").is_some() {
            floc.child("value")
        } else {
            floc.clone()
        };
        if key == "url" || key.ends_with("_url") || key == "host" && text.contains("://") {
            if key == "url" {
                if let Some(c) = app.connections.iter_mut().find(|c| c.id == ds_id) {
                    c.endpoint = Some(text.clone());
                }
            }
            app.values.push(Value {
                key: key.clone(),
                value: text.clone(),
                context: ValueContext::Url,
                kind: value_kind(&text),
                step_id: None,
                location: vloc,
            });
            continue;
        }
        if is_secret_key(key) && value_kind(&text) == ValueKind::Literal {
            plaintext = true;
            store.values.push(Value {
                key: key.clone(),
                value: text.clone(),
                context: ValueContext::PasswordField,
                kind: ValueKind::Literal,
                step_id: None,
                location: vloc,
            });
            continue;
        }
        if key == "auth_type" {
            if let Some(c) = app.connections.iter_mut().find(|c| c.id == ds_id) {
                c.auth = Some(text.clone());
            }
        }
        app.values.push(Value {
            key: key.clone(),
            value: text.clone(),
            context: ValueContext::Credential,
            kind: value_kind(&text),
            step_id: None,
            location: vloc,
        });
    }
    if plaintext {
        store.credentials.push(Credential {
            name: ds_name.to_string(),
            credential_type: kind.to_string(),
            storage: CredentialStorage::Plaintext,
            used_by: Vec::new(),
            location: loc.clone(),
        });
    } else if encrypted {
        app.credentials.push(Credential {
            name: ds_name.to_string(),
            credential_type: kind.to_string(),
            storage: CredentialStorage::Reference,
            used_by: Vec::new(),
            location: loc.clone(),
        });
    }
}

fn step_kind(kind: &str) -> StepKind {
    match kind {
        "restapi" | "graphql" | "openapi" => StepKind::HttpRequest,
        "runjs" | "runpy" => StepKind::Code,
        "postgresql" | "mysql" | "mssql" | "oracledb" | "snowflake" | "bigquery" | "redshift"
        | "clickhouse" | "mariadb" | "cosmosdb" | "mongodb" | "redis" | "dynamodb"
        | "elasticsearch" | "couchdb" | "cassandra" | "influxdb" | "tooljetdb" | "databricks" => {
            StepKind::Database
        }
        "smtp" | "sendgrid" | "mailgun" => StepKind::Email,
        "openai" | "gemini" | "anthropic" => StepKind::Ai,
        "workflows" => StepKind::SubFlow,
        _ => StepKind::ConnectorAction,
    }
}

fn is_sql(kind: &str) -> bool {
    matches!(
        kind,
        "postgresql"
            | "mysql"
            | "mssql"
            | "oracledb"
            | "snowflake"
            | "bigquery"
            | "redshift"
            | "clickhouse"
            | "mariadb"
            | "databricks"
    )
}

fn read_query(
    app: &mut App,
    sources: &[Source],
    inputs: &[(String, String)],
    q: &Json,
    loc: &Location,
) {
    let Some(name) = str_at(q, "name") else {
        return;
    };
    let id = str_at(q, "id").unwrap_or(name).to_string();
    if app.step(&id).is_some() {
        return;
    }
    let src = str_at(q, "dataSourceId").and_then(|d| sources.iter().find(|s| s.id == d));
    let kind_s = str_at(q, "kind")
        .or_else(|| src.map(|s| s.kind.as_str()))
        .unwrap_or("unknown")
        .to_string();
    let kind = step_kind(&kind_s);
    let qloc = loc.clone().with_step(name);
    let oloc = qloc.child("options");
    let opts = q.get("options").filter(|o| o.is_object());
    let connection = src
        .filter(|s| !s.builtin)
        .map(|s| s.id.clone())
        .filter(|s| app.connection(s).is_some());
    let mut step = Step {
        id: id.clone(),
        name: name.to_string(),
        kind,
        platform_type: kind_s.clone(),
        connector: Some(format!("tooljet:{kind_s}")),
        connection: connection.clone(),
        location: qloc.clone(),
        ..Step::default()
    };
    if let Some(o) = opts {
        if kind == StepKind::HttpRequest {
            let url = str_at(o, "url").unwrap_or_default().trim().to_string();
            let base = connection
                .as_deref()
                .and_then(|c| app.connection(c))
                .and_then(|c| c.endpoint.clone())
                .unwrap_or_default();
            let full = if url.is_empty() {
                base
            } else if base.is_empty() || url.contains("://") || url.starts_with("{{") {
                url.clone()
            } else {
                format!(
                    "{}/{}",
                    base.trim_end_matches('/'),
                    url.trim_start_matches('/')
                )
            };
            let has_auth_header = pairs(o.get("headers")).iter().any(|(k, v)| {
                let k = k.to_ascii_lowercase();
                (k == "authorization" || k.contains("api-key") || k.contains("apikey"))
                    && !v.trim().is_empty()
            });
            step.http = Some(HttpCall {
                method: str_at(o, "method").unwrap_or("get").to_ascii_uppercase(),
                url_is_expression: full.is_empty() || is_whole_expression(&full),
                url: full,
                auth: if has_auth_header {
                    HttpAuth::Header
                } else if connection.is_some() {
                    HttpAuth::Credential
                } else {
                    HttpAuth::None
                },
                tls_verification_disabled: false,
                location: oloc.child("url"),
            });
        }
        if kind == StepKind::Code {
            if let Some(code) = str_at(o, "code").filter(|c| !c.trim().is_empty()) {
                step.code = Some(Code {
                    language: if kind_s == "runpy" {
                        "python".into()
                    } else {
                        "javascript".into()
                    },
                    source: code.to_string(),
                    runs_commands: false,
                    location: oloc.child("code"),
                });
            }
        }
        if let Some(sql) = str_at(o, "query").filter(|s| !s.trim().is_empty()) {
            if is_sql(&kind_s) {
                let interpolated = sql.contains("{{");
                let params = o
                    .get("query_params")
                    .and_then(Json::as_array)
                    .is_some_and(|p| !p.is_empty());
                step.sql = Some(SqlQuery {
                    text: sql.to_string(),
                    interpolated,
                    uses_parameters: params && !interpolated,
                    location: oloc.child("query"),
                });
                for (field, usage) in sql_fields(sql) {
                    app.fields.push(DataField {
                        name: field,
                        object: None,
                        usage,
                        step_id: Some(id.clone()),
                        classification: None,
                        location: oloc.child("query"),
                    });
                }
            }
        }
        read_query_values(app, &id, kind, o, &oloc);
    }
    // Input components whose values the query sends.
    if !matches!(kind, StepKind::Code | StepKind::Other) {
        let texts: Vec<(String, Location)> = app
            .values
            .iter()
            .filter(|v| v.step_id.as_deref() == Some(id.as_str()) && v.kind != ValueKind::Literal)
            .map(|v| (v.value.clone(), v.location.clone()))
            .collect();
        for (text, l) in texts {
            for comp in component_refs(&text) {
                if let Some((_, field)) = inputs.iter().find(|(n, _)| *n == comp) {
                    app.fields.push(DataField {
                        name: field.clone(),
                        object: None,
                        usage: FieldUse::Send,
                        step_id: Some(id.clone()),
                        classification: None,
                        location: l.clone(),
                    });
                }
            }
        }
    }
    app.steps.push(step);
}

/// `[[k, v], …]` pairs (ToolJet headers and URL parameters).
fn pairs(v: Option<&Json>) -> Vec<(String, String)> {
    let Some(Json::Array(items)) = v else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|p| {
            let k = p.get(0).and_then(Json::as_str)?;
            let v = p.get(1).and_then(Json::as_str)?;
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

fn read_query_values(app: &mut App, id: &str, kind: StepKind, o: &Json, oloc: &Location) {
    let Some(map) = o.as_object() else {
        return;
    };
    for (key, v) in map {
        let kloc = oloc.child(key);
        if matches!(
            key.as_str(),
            "events" | "runOnPageLoad" | "requestConfirmation"
        ) {
            continue;
        }
        match v {
            Json::String(text) => {
                if text.trim().is_empty() {
                    continue;
                }
                let context = match key.as_str() {
                    "url" if kind == StepKind::HttpRequest => ValueContext::Url,
                    "code" | "transformation" => ValueContext::Code,
                    "body" | "json_body" | "raw_body" => ValueContext::Body,
                    _ if is_secret_key(key) => ValueContext::PasswordField,
                    _ => ValueContext::Parameter,
                };
                app.values.push(Value {
                    key: key.clone(),
                    value: text.clone(),
                    context,
                    kind: if context == ValueContext::Code {
                        ValueKind::Literal
                    } else {
                        value_kind(text)
                    },
                    step_id: Some(id.into()),
                    location: kloc,
                });
            }
            Json::Array(items) => {
                let context = match key.as_str() {
                    "headers" => ValueContext::Header,
                    "url_params" | "query_params" => ValueContext::Query,
                    "body" | "json_body" => ValueContext::Body,
                    _ => ValueContext::Parameter,
                };
                for (i, pair) in items.iter().enumerate() {
                    let (Some(k), Some(text)) = (
                        pair.get(0).and_then(Json::as_str),
                        pair.get(1).and_then(Json::as_str),
                    ) else {
                        continue;
                    };
                    if text.trim().is_empty() {
                        continue;
                    }
                    app.values.push(Value {
                        key: if k.is_empty() {
                            key.clone()
                        } else {
                            k.to_string()
                        },
                        value: text.to_string(),
                        context,
                        kind: value_kind(text),
                        step_id: Some(id.into()),
                        location: kloc.index(i).index(1),
                    });
                }
            }
            _ => {}
        }
    }
}

/// `components.<name>.` references inside bindings.
fn component_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !binding_roots(text).iter().any(|r| r == "components") {
        return out;
    }
    let mut rest = text;
    while let Some(p) = rest.find("components.") {
        let after = rest.get(p + "components.".len()..).unwrap_or("");
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
        rest = after;
    }
    out
}

const INPUT_COMPONENTS: &[&str] = &[
    "TextInput",
    "NumberInput",
    "PasswordInput",
    "TextArea",
    "EmailInput",
    "PhoneInput",
    "Datepicker",
    "DatetimePickerV2",
    "DropDown",
    "DropdownV2",
    "FilePicker",
];

/// Components of every generation: v2/v3 `components: [{name, type,
/// properties}]`; v1 `appVersions[].definition.{components | pages.*.components}`
/// as `{<id>: {component: {name, component, definition: {properties}}}}`.
fn read_components(app: &mut App, a: &Json, base: &Location, inputs: &mut Vec<(String, String)>) {
    if let Some(Json::Array(list)) = a.get("components") {
        for (i, c) in list.iter().enumerate() {
            let (Some(name), Some(ctype)) = (str_at(c, "name"), str_at(c, "type")) else {
                continue;
            };
            let loc = base.child("components").index(i);
            component(app, name, ctype, c.get("properties"), &loc, inputs);
        }
        return;
    }
    // v1: read the editing version (or the last one) only.
    let Some(Json::Array(versions)) = a.get("appVersions") else {
        return;
    };
    let editing = a.get("editingVersion").and_then(|e| str_at(e, "id"));
    let index = versions
        .iter()
        .position(|v| editing.is_some() && str_at(v, "id") == editing)
        .unwrap_or(versions.len().saturating_sub(1));
    let Some(def) = versions.get(index).and_then(|v| v.get("definition")) else {
        return;
    };
    let dloc = base.child("appVersions").index(index).child("definition");
    let mut maps: Vec<(&Json, Location)> = Vec::new();
    if let Some(c) = def.get("components").filter(|c| c.is_object()) {
        maps.push((c, dloc.child("components")));
    }
    if let Some(Json::Object(pages)) = def.get("pages") {
        for (pid, page) in pages {
            if let Some(c) = page.get("components").filter(|c| c.is_object()) {
                maps.push((c, dloc.child("pages").child(pid).child("components")));
            }
        }
    }
    for (map, mloc) in maps {
        let Some(map) = map.as_object() else {
            continue;
        };
        for (cid, c) in map {
            let comp = c.get("component");
            let (Some(name), Some(ctype)) = (
                comp.and_then(|x| str_at(x, "name")),
                comp.and_then(|x| str_at(x, "component")),
            ) else {
                continue;
            };
            let props = comp
                .and_then(|x| x.get("definition"))
                .and_then(|d| d.get("properties"));
            let loc = mloc.child(cid).child("component");
            component(app, name, ctype, props, &loc.child("definition"), inputs);
        }
    }
}

fn prop_text<'a>(props: Option<&'a Json>, key: &str) -> Option<&'a str> {
    props
        .and_then(|p| p.get(key))
        .and_then(|p| p.get("value"))
        .and_then(Json::as_str)
}

fn component(
    app: &mut App,
    name: &str,
    ctype: &str,
    props: Option<&Json>,
    loc: &Location,
    inputs: &mut Vec<(String, String)>,
) {
    if INPUT_COMPONENTS.contains(&ctype) {
        let field = prop_text(props, "label")
            .filter(|l| !l.trim().is_empty() && !l.contains("{{"))
            .unwrap_or(name)
            .to_string();
        inputs.push((name.to_string(), field.clone()));
        app.fields.push(DataField {
            name: field,
            object: None,
            usage: FieldUse::Input,
            step_id: None,
            classification: None,
            location: loc.clone(),
        });
    }
    if ctype == "Table" {
        if let Some(Json::Array(cols)) = props
            .and_then(|p| p.get("columns"))
            .and_then(|c| c.get("value"))
        {
            for (i, col) in cols.iter().enumerate() {
                let Some(n) = str_at(col, "name").or_else(|| str_at(col, "key")) else {
                    continue;
                };
                app.fields.push(DataField {
                    name: n.to_string(),
                    object: Some(name.to_string()),
                    usage: FieldUse::Read,
                    step_id: None,
                    classification: None,
                    location: loc
                        .child("properties")
                        .child("columns")
                        .child("value")
                        .index(i),
                });
            }
        }
    }
    // Literal URLs and secrets typed into component properties.
    if let Some(Json::Object(map)) = props {
        for (key, p) in map {
            let Some(text) = p.get("value").and_then(Json::as_str) else {
                continue;
            };
            let trimmed = text.trim();
            if trimmed.is_empty() || value_kind(trimmed) != ValueKind::Literal {
                continue;
            }
            let url = trimmed.starts_with("http://") || trimmed.starts_with("https://");
            if url || is_secret_key(key) {
                app.values.push(Value {
                    key: key.clone(),
                    value: text.to_string(),
                    context: if url {
                        ValueContext::Url
                    } else {
                        ValueContext::PasswordField
                    },
                    kind: ValueKind::Literal,
                    step_id: None,
                    location: loc.child("properties").child(key).child("value"),
                });
            }
        }
    }
}

/// "Run query" event handlers of queries (v1 `options.events`, v2/v3
/// top-level `events` whose source is a query): the first query starts the
/// second when it succeeds or fails.
fn query_events(app: &mut App, a: &Json) {
    let mut links: Vec<(String, String)> = Vec::new();
    if let Some(Json::Array(queries)) = a.get("dataQueries") {
        for q in queries {
            let Some(from) = str_at(q, "id") else {
                continue;
            };
            if let Some(Json::Array(events)) = q.get("options").and_then(|o| o.get("events")) {
                for e in events {
                    if str_at(e, "actionId") == Some("run-query") {
                        if let Some(to) = str_at(e, "queryId") {
                            links.push((from.to_string(), to.to_string()));
                        }
                    }
                }
            }
        }
    }
    if let Some(Json::Array(events)) = a.get("events") {
        for e in events {
            let inner = e.get("event");
            if str_at(e, "target") == Some("data_query")
                && inner.and_then(|i| str_at(i, "actionId")) == Some("run-query")
            {
                if let (Some(from), Some(to)) = (
                    str_at(e, "sourceId"),
                    inner.and_then(|i| str_at(i, "queryId")),
                ) {
                    links.push((from.to_string(), to.to_string()));
                }
            }
        }
    }
    for (from, to) in links {
        if from != to
            && app.step(&from).is_some()
            && app.step(&to).is_some()
            && !app
                .edges
                .iter()
                .any(|e| e.from == from && e.to == to && e.kind == "event")
        {
            app.edges.push(Edge {
                from,
                to,
                kind: "event".into(),
            });
        }
    }
}

fn finish(app: &mut App) {
    // Queries that read other queries' results (`{{queries.getUsers.data}}`).
    let names: Vec<(String, String)> = app
        .steps
        .iter()
        .map(|s| (s.name.clone(), s.id.clone()))
        .collect();
    let mut edges: Vec<Edge> = Vec::new();
    for v in &app.values {
        let Some(to) = v.step_id.as_deref() else {
            continue;
        };
        let mut rest = v.value.as_str();
        while let Some(p) = rest.find("queries.") {
            let after = rest.get(p + "queries.".len()..).unwrap_or("");
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some((_, from)) = names.iter().find(|(n, _)| *n == name) {
                if from != to && !edges.iter().any(|e| e.from == *from && e.to == to) {
                    edges.push(Edge {
                        from: from.clone(),
                        to: to.to_string(),
                        kind: "binding".into(),
                    });
                }
            }
            rest = after;
        }
    }
    app.edges = edges;
    app.endpoints = endpoints_of(&app.values);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(v: Json) -> Entry {
        Entry {
            display_path: "t.json".into(),
            path: "t.json".into(),
            content: crate::ingest::Content::Json(v),
        }
    }

    #[test]
    fn detection() {
        assert!(claims(&entry(
            json!({"appV2": {"name": "a", "dataQueries": [], "dataSources": []}, "tooljetVersion": "2.6.2"})
        )));
        assert!(claims(&entry(
            json!({"app": [{"definition": {"appV2": {"name": "a", "dataQueries": [], "dataSources": []}}}], "tooljet_version": "3.0.1"})
        )));
        assert!(claims(&entry(
            json!({"name": "a", "isPublic": true, "dataQueries": [], "dataSources": [], "tooljetVersion": "0.9.1"})
        )));
        assert!(!claims(&entry(json!({"dataQueries": []}))));
        assert!(!claims(&entry(
            json!({"actionList": [], "exportedApplication": {}})
        )));
    }

    #[test]
    fn component_references() {
        assert_eq!(
            component_refs("{{components.email1.value + components.table1.selectedRow.id}}"),
            vec!["email1".to_string(), "table1".to_string()]
        );
        assert!(component_refs("components.x.value").is_empty());
    }

    #[test]
    fn odd_shapes_never_panic() {
        let v = json!({"appV2": {"name": "a", "isPublic": "yes",
            "dataQueries": [1, {"name": "q", "options": {"headers": [[1], ["a"], "x"], "url": 3}}],
            "dataSources": [{"id": "d", "kind": "restapi"}, 4],
            "dataSourceOptions": [{"dataSourceId": "d", "options": {"password": {"value": 5}, "x": 3}}],
            "components": [{"name": "t", "type": "Table", "properties": {"columns": {"value": [1]}}}]}});
        let (app, store) = parse_app(v.get("appV2").unwrap(), &Location::new("f", "/appV2"), None);
        assert_eq!(app.steps.len(), 1);
        // A numeric password kept unencrypted is still a plaintext credential.
        assert_eq!(store.map(|s| s.credentials.len()), Some(1));
    }
}
