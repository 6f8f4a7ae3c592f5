//! Make (formerly Integromat): scenario blueprints ("Export Blueprint", or the
//! API's `GET /scenarios/{id}/blueprint`, which wraps it as
//! `{"response": {"blueprint": …}}`).
//!
//! Shapes read (see the field guide, section "3. Make"):
//! * `{name, flow: [modules], metadata}`; a module is `{id, module: "app:Action",
//!   version, parameters, mapper, filter, routes: [{flow}], onerror,
//!   metadata: {designer: {name}, restore, interface, expect}}`;
//! * `parameters.__IMTCONN__` is a connection id; its label (often the
//!   account's e-mail) is in `metadata.restore.parameters.__IMTCONN__.label`;
//! * `{{1.field}}` mappings read module 1's output.
//!
//! Custom webhooks (`gateway:CustomWebHook`) keep their optional IP
//! restriction and API-key check on the hook object, not in the blueprint,
//! so they are recorded as triggers anyone can call.

use std::collections::HashSet;

use serde_json::Value as Json;

use super::common::{str_at, walk_strings};
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Audience, Code, Connection, ConnectionIdentity, DataField, Edge, FieldUse,
    HttpAuth, HttpCall, Location, Platform, RunContext, RunMode, Sharing, SqlQuery, Step, StepKind,
    Trigger, TriggerKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::Make,
    claims,
    parse,
};

// ---------------------------------------------------------------------------
// Detection

fn is_module(v: &Json) -> bool {
    str_at(v, "module").is_some_and(|m| m.contains(':'))
}

fn is_blueprint(v: &Json) -> bool {
    match v.get("flow") {
        Some(Json::Array(modules)) => {
            modules.iter().all(Json::is_object)
                && modules.iter().any(is_module)
                && v.get("nodes").is_none()
        }
        _ => false,
    }
}

/// The blueprint in a document and the JSON pointer where it sits.
fn blueprint_in(json: &Json) -> Option<(&Json, &'static str)> {
    if is_blueprint(json) {
        return Some((json, ""));
    }
    if let Some(b) = json.get("blueprint").filter(|b| is_blueprint(b)) {
        return Some((b, "/blueprint"));
    }
    json.get("response")
        .and_then(|r| r.get("blueprint"))
        .filter(|b| is_blueprint(b))
        .map(|b| (b, "/response/blueprint"))
}

fn claims(entry: &Entry) -> bool {
    entry.json().and_then(blueprint_in).is_some()
}

fn parse(_bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    for entry in entries {
        let file = entry.display_path.as_str();
        match entry.json().and_then(blueprint_in) {
            Some((bp, pointer)) => apps.push(parse_blueprint(bp, &Location::new(file, pointer))),
            None => notes.push(Note {
                file: file.to_string(),
                message: "not read: this is not a Make scenario blueprint".into(),
            }),
        }
    }
    apps
}

// ---------------------------------------------------------------------------
// Blueprints

fn parse_blueprint(bp: &Json, base: &Location) -> App {
    let meta = bp.get("metadata");
    let mut app = App {
        platform: Platform::Make,
        kind: AppKind::Workflow,
        name: str_at(bp, "name")
            .filter(|n| !n.trim().is_empty())
            .unwrap_or("Unnamed Make scenario")
            .to_string(),
        version: meta.and_then(|m| m.get("version")).and_then(|v| {
            v.as_u64()
                .map(|n| n.to_string())
                .or_else(|| v.as_str().map(str::to_string))
        }),
        location: base.clone(),
        run_context: RunContext {
            mode: RunMode::Owner,
            raw: "runs with the scenario owner's connections".into(),
            user_facing: false,
            requires_permission: None,
            location: Some(base.clone()),
        },
        ..App::default()
    };
    if let Some(scenario) = meta.and_then(|m| m.get("scenario")) {
        if scenario.get("confidential").and_then(Json::as_bool) == Some(true) {
            app.sharing.push(Sharing {
                audience: Audience::Internal,
                what: "run data is hidden from the scenario's execution logs".into(),
                raw: "confidential: true".into(),
                location: base
                    .child("metadata")
                    .child("scenario")
                    .child("confidential"),
            });
        }
    }
    let mut ctx = Walk::default();
    if let Some(Json::Array(modules)) = bp.get("flow") {
        read_flow(&mut app, &mut ctx, modules, &base.child("flow"), None, 0);
    }
    finish(&mut app, &ctx);
    app
}

#[derive(Default)]
struct Walk {
    /// Ids of modules that reply to the webhook caller with a body.
    responders: Vec<String>,
    /// (module id, [ids of modules it maps from]).
    mappings: Vec<(String, Vec<String>)>,
}

const MAX_DEPTH: usize = 64;

/// Read one flow (the scenario, a router route or an error handler).
/// `prev` is the module before it, joined to the flow's first module.
fn read_flow(
    app: &mut App,
    ctx: &mut Walk,
    modules: &[Json],
    loc: &Location,
    prev: Option<(String, &str)>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut prev = prev;
    for (i, module) in modules.iter().enumerate() {
        if !module.is_object() {
            continue;
        }
        let mloc = loc.index(i);
        let Some(id) = read_module(app, ctx, module, &mloc, app.steps.is_empty()) else {
            continue;
        };
        if let Some((from, kind)) = prev.take() {
            app.edges.push(Edge {
                from,
                to: id.clone(),
                kind: kind.to_string(),
            });
        }
        if let Some(Json::Array(routes)) = module.get("routes") {
            for (r, route) in routes.iter().enumerate() {
                if let Some(Json::Array(flow)) = route.get("flow") {
                    let rloc = mloc.child("routes").index(r).child("flow");
                    read_flow(
                        app,
                        ctx,
                        flow,
                        &rloc,
                        Some((id.clone(), "route")),
                        depth + 1,
                    );
                }
            }
        }
        if let Some(Json::Array(handlers)) = module.get("onerror") {
            read_flow(
                app,
                ctx,
                handlers,
                &mloc.child("onerror"),
                Some((id.clone(), "error")),
                depth + 1,
            );
        }
        prev = Some((id, "main"));
    }
}

fn module_id(module: &Json) -> Option<String> {
    match module.get("id") {
        Some(Json::Number(n)) => Some(n.to_string()),
        Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn step_kind(module: &str) -> StepKind {
    let (app, action) = module.split_once(':').unwrap_or((module, ""));
    let action_l = action.to_ascii_lowercase();
    match app {
        "gateway" if action == "CustomWebHook" || action == "CustomMailHook" => StepKind::Trigger,
        "gateway" => StepKind::Response,
        "http" => StepKind::HttpRequest,
        "builtin" => StepKind::Control,
        "util" if action_l.contains("variable") => StepKind::Variable,
        "util" | "json" | "regexp" | "xml" | "csv" | "markdown" | "html" => StepKind::Other,
        "code" => StepKind::Code,
        "scenario-service" => StepKind::SubFlow,
        "datastore" => StepKind::DataOperation,
        "email" | "google-email" | "microsoft-smtp-imap" | "smtp" => StepKind::Email,
        _ if app.contains("openai") || app.contains("anthropic") || app.contains("ai-") => {
            StepKind::Ai
        }
        _ if is_database_app(app) => StepKind::Database,
        _ if action_l.starts_with("watch") => StepKind::Trigger,
        _ => StepKind::ConnectorAction,
    }
}

fn is_database_app(app: &str) -> bool {
    [
        "mysql",
        "postgres",
        "sql-server",
        "mssql",
        "oracle",
        "snowflake",
        "bigquery",
    ]
    .iter()
    .any(|d| app.contains(d))
}

/// Apps that are Make's own plumbing, not a connection to another service.
fn is_builtin_app(app: &str) -> bool {
    matches!(
        app,
        "builtin"
            | "util"
            | "json"
            | "regexp"
            | "gateway"
            | "xml"
            | "csv"
            | "markdown"
            | "html"
            | "scenario-service"
            | "code"
    )
}

fn read_module(
    app: &mut App,
    ctx: &mut Walk,
    module: &Json,
    loc: &Location,
    first: bool,
) -> Option<String> {
    let id = module_id(module)?;
    let module_type = str_at(module, "module").unwrap_or_default();
    let meta = module.get("metadata");
    let designer_name = meta
        .and_then(|m| m.get("designer"))
        .and_then(|d| str_at(d, "name"))
        .filter(|n| !n.trim().is_empty());
    let name = designer_name.map_or_else(|| module_label(module_type, &id), str::to_string);
    let loc = loc.clone().with_step(&name);
    let (app_name, action) = module_type.split_once(':').unwrap_or((module_type, ""));
    let mut kind = step_kind(module_type);
    let params = module.get("parameters").filter(|p| p.is_object());
    let mapper = module.get("mapper").filter(|m| m.is_object());
    let hook_ref = params.and_then(|p| p.get("__IMTHOOK__"));
    if hook_ref.is_some() {
        kind = StepKind::Trigger;
    }
    let mut step = Step {
        id: id.clone(),
        name: name.clone(),
        kind,
        platform_type: module_type.to_string(),
        connector: (!is_builtin_app(app_name) && !app_name.is_empty())
            .then(|| format!("make:{app_name}")),
        disabled: false,
        location: loc.clone(),
        ..Step::default()
    };

    // Connection.
    if let Some(conn) = params.and_then(|p| p.get("__IMTCONN__")).and_then(id_text) {
        let restore = meta
            .and_then(|m| m.get("restore"))
            .and_then(|r| r.get("parameters"))
            .and_then(|p| p.get("__IMTCONN__"));
        let label = restore.and_then(|r| str_at(r, "label")).unwrap_or_default();
        let connector = restore
            .and_then(|r| r.get("data"))
            .and_then(|d| str_at(d, "connection"))
            .unwrap_or(app_name);
        step.connection = Some(conn.clone());
        let label_loc = loc
            .child("metadata")
            .child("restore")
            .child("parameters")
            .child("__IMTCONN__")
            .child("label");
        if app.connection(&conn).is_none() {
            app.connections.push(Connection {
                id: conn.clone(),
                connector: format!("make:{connector}"),
                display_name: if label.is_empty() {
                    format!("{app_name} connection {conn}")
                } else {
                    label.to_string()
                },
                identity: ConnectionIdentity::StoredCredential,
                auth: None,
                endpoint: None,
                location: loc.child("parameters").child("__IMTCONN__"),
            });
        }
        if !label.is_empty() {
            // The label usually names the signed-in account (an e-mail address).
            app.values.push(Value {
                key: "connection label".into(),
                value: label.to_string(),
                context: ValueContext::Parameter,
                kind: ValueKind::Literal,
                step_id: Some(id.as_str().into()),
                location: label_loc.clone(),
            });
            let object = format!("{connector} connection");
            let known = app
                .fields
                .iter()
                .any(|f| f.object.as_deref() == Some(object.as_str()));
            // Recorded once per connection and not as data a module sends:
            // it names the account, it is not part of the scenario's data.
            if label.contains('@') && !known {
                app.fields.push(DataField {
                    name: "email".into(),
                    object: Some(object),
                    usage: FieldUse::Read,
                    step_id: None,
                    classification: None,
                    location: label_loc,
                });
            }
        }
    }

    // Triggers.
    if kind == StepKind::Trigger {
        let custom = app_name == "gateway";
        let ip_restricted = params.is_some_and(|p| {
            ["ipRestrictions", "ip", "ipRestriction", "allowedIps"]
                .iter()
                .any(|k| p.get(k).is_some_and(|v| !is_empty_json(v)))
        });
        let api_key = params.is_some_and(|p| {
            ["apiKey", "apiKeys", "headerApiKey", "auth"]
                .iter()
                .any(|k| p.get(k).is_some_and(|v| !is_empty_json(v)))
        });
        let (tkind, audience, auth) = if custom {
            if api_key {
                (TriggerKind::Http, Audience::CredentialHolders, "apiKey")
            } else {
                (TriggerKind::Http, Audience::Anyone, "none")
            }
        } else if hook_ref.is_some() {
            (TriggerKind::Webhook, Audience::Internal, "app webhook")
        } else {
            (TriggerKind::Schedule, Audience::Internal, "")
        };
        app.triggers.push(Trigger {
            step_id: id.clone(),
            name: name.clone(),
            kind: tkind,
            audience,
            auth: auth.into(),
            allowed_origins: None,
            ip_restricted,
            responds_with_data: false,
            location: if custom {
                loc.child("parameters").child("hook")
            } else {
                loc.clone()
            },
        });
        // Fields the webhook's callers send.
        if let Some(Json::Array(fields)) = meta.and_then(|m| m.get("interface")) {
            for (i, f) in fields.iter().enumerate() {
                if let Some(n) = str_at(f, "name").filter(|n| !n.is_empty()) {
                    app.fields.push(DataField {
                        name: n.to_string(),
                        object: None,
                        usage: FieldUse::Input,
                        step_id: Some(id.clone()),
                        classification: None,
                        location: loc.child("metadata").child("interface").index(i),
                    });
                }
            }
        }
    } else if first {
        // The first module of a scenario starts it: on a schedule or by hand.
        app.triggers.push(Trigger {
            step_id: id.clone(),
            name: name.clone(),
            kind: TriggerKind::Schedule,
            audience: Audience::Internal,
            location: loc.clone(),
            ..Trigger::default()
        });
    }
    if module_type == "gateway:WebhookRespond"
        && mapper.is_some_and(|m| m.get("body").is_some_and(|b| !is_empty_json(b)))
    {
        ctx.responders.push(id.clone());
    }

    // HTTP.
    if app_name == "http" {
        if let Some(m) = mapper {
            step.http = Some(http_call(action, params, m, &loc.child("mapper")));
        }
    }
    // Code.
    if let Some(m) = mapper {
        if kind == StepKind::Code {
            let source = ["code", "codeEditorJavascript", "codeEditorPython", "script"]
                .iter()
                .find_map(|k| str_at(m, k).map(|s| (*k, s)));
            if let Some((key, source)) = source {
                let language = if key.contains("Python")
                    || str_at(m, "language").is_some_and(|l| l.eq_ignore_ascii_case("python"))
                {
                    "python"
                } else {
                    "javascript"
                };
                step.code = Some(Code {
                    language: language.into(),
                    source: source.to_string(),
                    runs_commands: false,
                    location: loc.child("mapper").child(key),
                });
            }
        }
        if kind == StepKind::Database {
            step.sql = ["query", "sql", "statement"].iter().find_map(|k| {
                let text = str_at(m, k).filter(|t| !t.trim().is_empty())?;
                let interpolated = text.contains("{{");
                Some(SqlQuery {
                    text: text.to_string(),
                    interpolated,
                    uses_parameters: !interpolated && (text.contains('?') || text.contains("$1")),
                    location: loc.child("mapper").child(k),
                })
            });
        }
    }

    // Values and mappings.
    let mut refs: Vec<String> = Vec::new();
    let send = matches!(
        kind,
        StepKind::HttpRequest
            | StepKind::ConnectorAction
            | StepKind::Email
            | StepKind::Response
            | StepKind::Ai
            | StepKind::Database
            | StepKind::DataOperation
    );
    for (key, part) in [
        ("mapper", mapper),
        ("parameters", params),
        ("filter", module.get("filter")),
    ] {
        let Some(part) = part else {
            continue;
        };
        let base = loc.child(key);
        walk_strings(part, key, &base, &mut |k, text, l| {
            for (src, field) in mapping_refs(text) {
                if !refs.contains(&src) {
                    refs.push(src.clone());
                }
                if let Some(field) = field {
                    app.fields.push(DataField {
                        name: field,
                        object: None,
                        usage: if send && key == "mapper" {
                            FieldUse::Send
                        } else if key == "filter" {
                            FieldUse::Filter
                        } else {
                            FieldUse::Read
                        },
                        step_id: Some(id.clone()),
                        classification: None,
                        location: l.clone(),
                    });
                }
            }
            if text.trim().is_empty() || key == "filter" {
                return;
            }
            let rel = l.path.strip_prefix(&base.path).unwrap_or("");
            let context = value_context(kind, rel, k);
            app.values.push(Value {
                key: k.to_string(),
                value: text.to_string(),
                context,
                kind: if context == ValueContext::Code {
                    ValueKind::Literal
                } else {
                    value_kind(text)
                },
                step_id: Some(id.as_str().into()),
                location: l.clone(),
            });
        });
    }
    refs.retain(|r| *r != id);
    ctx.mappings.push((id.clone(), refs));
    app.steps.push(step);
    Some(id)
}

/// The name the scenario editor shows for a module without a custom name:
/// the app and the action, and the module's number (`HTTP - Make a request (2)`).
fn module_label(module_type: &str, id: &str) -> String {
    let (app, action) = module_type.split_once(':').unwrap_or((module_type, ""));
    let app_label = match app {
        "gateway" => "Webhooks".to_string(),
        "http" => "HTTP".to_string(),
        "builtin" => "Flow Control".to_string(),
        "util" => "Tools".to_string(),
        "json" => "JSON".to_string(),
        "regexp" => "Text parser".to_string(),
        "datastore" => "Data store".to_string(),
        "openai-gpt-3" => "OpenAI".to_string(),
        "scenario-service" => "Scenarios".to_string(),
        other => other
            .split(['-', '_'])
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" "),
    };
    let action_label = match action {
        "CustomWebHook" => "Custom webhook".to_string(),
        "WebhookRespond" => "Webhook response".to_string(),
        "ActionSendData" => "Make a request".to_string(),
        "ActionSendDataBasicAuth" => "Make a Basic Auth request".to_string(),
        "ActionSendDataAPIKeyAuth" => "Make an API Key Auth request".to_string(),
        "ActionSendDataOAuth" => "Make an OAuth 2.0 request".to_string(),
        "BasicRouter" => "Router".to_string(),
        "ParseJSON" => "Parse JSON".to_string(),
        "CreateJSON" => "Create JSON".to_string(),
        other => {
            let mut words = String::new();
            let mut prev_lower = false;
            for c in other.chars() {
                if c.is_uppercase() && prev_lower {
                    words.push(' ');
                }
                prev_lower = c.is_lowercase() || c.is_ascii_digit();
                words.extend(c.to_lowercase());
            }
            let mut c = words.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        }
    };
    if action_label.is_empty() {
        format!("{app_label} ({id})")
    } else {
        format!("{app_label} - {action_label} ({id})")
    }
}

fn id_text(v: &Json) -> Option<String> {
    match v {
        Json::Number(n) => Some(n.to_string()),
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn is_empty_json(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::String(s) => s.trim().is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        Json::Number(_) => false,
    }
}

fn http_call(action: &str, params: Option<&Json>, m: &Json, loc: &Location) -> HttpCall {
    let url = str_at(m, "url").unwrap_or_default().trim().to_string();
    let method = str_at(m, "method").unwrap_or("get").to_ascii_uppercase();
    let has_auth_header = ["headers"].iter().any(|k| {
        m.get(k).and_then(Json::as_array).is_some_and(|hs| {
            hs.iter().any(|h| {
                str_at(h, "name")
                    .or_else(|| str_at(h, "key"))
                    .is_some_and(|n| {
                        let n = n.to_ascii_lowercase();
                        n == "authorization" || n.contains("api-key") || n.contains("apikey")
                    })
            })
        })
    });
    let auth_type = params
        .and_then(|p| str_at(p, "authenticationType"))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let auth = if action.contains("BasicAuth")
        || str_at(m, "authUser").is_some_and(|u| !u.is_empty())
        || str_at(m, "authPass").is_some_and(|u| !u.is_empty())
        || auth_type.contains("basic")
    {
        HttpAuth::Basic
    } else if action.contains("APIKeyAuth") || auth_type.contains("apikey") {
        HttpAuth::Header
    } else if action.contains("OAuth") || auth_type.contains("oauth") {
        HttpAuth::OAuth
    } else if action.contains("ClientCertificate") || m.get("useMtls") == Some(&Json::Bool(true)) {
        HttpAuth::ClientCertificate
    } else if has_auth_header {
        HttpAuth::Header
    } else {
        HttpAuth::None
    };
    let tls_off = matches!(m.get("rejectUnauthorized"), Some(Json::Bool(false)))
        || str_at(m, "rejectUnauthorized") == Some("false");
    HttpCall {
        method,
        url_is_expression: url.is_empty() || is_whole_expression(&url),
        url,
        auth,
        tls_verification_disabled: tls_off,
        location: loc.child("url"),
    }
}

fn is_whole_expression(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("{{") && t.ends_with("}}") && t.matches("{{").count() == 1
}

fn value_kind(text: &str) -> ValueKind {
    if is_whole_expression(text) {
        ValueKind::Expression
    } else if text.contains("{{") {
        ValueKind::Template
    } else {
        ValueKind::Literal
    }
}

fn is_password_key(key: &str) -> bool {
    super::common::names_secret_field(
        key,
        &[
            "authpass",
            "password",
            "passwd",
            "secret",
            "apikey",
            "api_key",
            "token",
            "privatekey",
        ],
    )
}

/// The context of a value from its path under `mapper` / `parameters`.
fn value_context(kind: StepKind, rel: &str, key: &str) -> ValueContext {
    let first = rel.trim_start_matches('/').split('/').next().unwrap_or("");
    let first_l = first.to_ascii_lowercase();
    if kind == StepKind::Code
        && matches!(
            first,
            "code" | "codeEditorJavascript" | "codeEditorPython" | "script"
        )
    {
        return ValueContext::Code;
    }
    if first_l == "headers" {
        return ValueContext::Header;
    }
    if first_l == "qs" || first_l == "queryparameters" {
        return ValueContext::Query;
    }
    if first_l == "url" && kind == StepKind::HttpRequest {
        return ValueContext::Url;
    }
    if is_password_key(first) || is_password_key(key) {
        return ValueContext::PasswordField;
    }
    if kind == StepKind::HttpRequest
        && matches!(
            first_l.as_str(),
            "data" | "body" | "jsonstringbodycontent" | "bodycontent"
        )
    {
        return ValueContext::Body;
    }
    if kind == StepKind::Variable {
        return ValueContext::Variable;
    }
    ValueContext::Parameter
}

/// `{{1.field}}`, `{{3.`Meeting URL`}}`, `{{ifempty(2.email; "")}}`: the
/// module ids mapped from and the first field name after each.
fn mapping_refs(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = rest.get(start + 2..).unwrap_or("");
        let end = after.find("}}").unwrap_or(after.len());
        let inner = after.get(..end).unwrap_or("");
        out.extend(refs_in_expression(inner));
        rest = after.get(end..).unwrap_or("");
    }
    out
}

fn refs_in_expression(expr: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let bytes: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(' ');
        let prev = if i == 0 {
            None
        } else {
            bytes.get(i - 1).copied()
        };
        let starts = c.is_ascii_digit()
            && prev.is_none_or(|p| !(p.is_alphanumeric() || p == '.' || p == '_' || p == '`'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while bytes.get(j).is_some_and(char::is_ascii_digit) {
            j += 1;
        }
        if bytes.get(j) != Some(&'.') {
            i = j.max(i + 1);
            continue;
        }
        let id: String = bytes
            .get(i..j)
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        let mut k = j + 1;
        let field: String = if bytes.get(k) == Some(&'`') {
            k += 1;
            let s = k;
            while bytes.get(k).is_some_and(|c| *c != '`') {
                k += 1;
            }
            bytes
                .get(s..k)
                .map(|s| s.iter().collect())
                .unwrap_or_default()
        } else {
            let s = k;
            while bytes
                .get(k)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            {
                k += 1;
            }
            bytes
                .get(s..k)
                .map(|s| s.iter().collect())
                .unwrap_or_default()
        };
        // `1.5` is a number, not a mapping.
        if !field.chars().all(|c| c.is_ascii_digit()) {
            out.push((id, (!field.is_empty()).then_some(field)));
        }
        i = k.max(i + 1);
    }
    out
}

fn finish(app: &mut App, ctx: &Walk) {
    let ids: HashSet<&str> = app.steps.iter().map(|s| s.id.as_str()).collect();
    let mut edges: Vec<Edge> = Vec::new();
    for (to, froms) in &ctx.mappings {
        for from in froms {
            if ids.contains(from.as_str())
                && !app.edges.iter().any(|e| &e.from == from && &e.to == to)
                && !edges.iter().any(|e| &e.from == from && &e.to == to)
            {
                edges.push(Edge {
                    from: from.clone(),
                    to: to.clone(),
                    kind: "mapping".into(),
                });
            }
        }
    }
    app.edges.extend(edges);
    if !ctx.responders.is_empty() {
        for t in &mut app.triggers {
            if t.kind == TriggerKind::Http {
                t.responds_with_data = true;
            }
        }
    }
    app.endpoints = super::common::url_endpoints(&app.values);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(v: Json) -> Entry {
        Entry {
            display_path: "b.json".into(),
            path: "b.json".into(),
            content: crate::ingest::Content::Json(v),
        }
    }

    #[test]
    fn detection() {
        assert!(claims(&entry(
            json!({"name": "s", "flow": [{"id": 1, "module": "http:ActionSendData"}], "metadata": {}})
        )));
        assert!(claims(&entry(
            json!({"response": {"blueprint": {"flow": [{"id": 1, "module": "slack:CreateMessage"}]}}})
        )));
        assert!(!claims(&entry(json!({"flow": []}))));
        assert!(!claims(&entry(json!({"flow": [{"id": 1, "module": "x"}]}))));
        assert!(!claims(&entry(
            json!([{"id": "1", "type": "inject", "wires": []}])
        )));
    }

    #[test]
    fn mapping_references() {
        let r = mapping_refs("Hi {{1.name}} {{3.`Meeting URL`}} {{ifempty(12.email; \"x\")}} {{1.5}} {{formatDate(now; \"YYYY\")}}");
        assert_eq!(
            r,
            vec![
                ("1".to_string(), Some("name".to_string())),
                ("3".to_string(), Some("Meeting URL".to_string())),
                ("12".to_string(), Some("email".to_string())),
            ]
        );
        assert!(mapping_refs("{{var.scenario.x}} {{a1.b}}").is_empty());
    }

    #[test]
    fn module_labels() {
        assert_eq!(
            module_label("google-sheets:filterRows", "3"),
            "Google Sheets - Filter rows (3)"
        );
        assert_eq!(
            module_label("gateway:CustomWebHook", "1"),
            "Webhooks - Custom webhook (1)"
        );
        assert_eq!(module_label("odd", "7"), "Odd (7)");
    }

    #[test]
    fn odd_shapes_never_panic() {
        let bp = json!({"flow": [
            {"id": null, "module": "a:b"},
            {"id": 2, "module": "http:ActionSendData", "mapper": {"headers": [1, {"name": 2}], "url": 5}, "routes": "x"},
            {"id": 3, "module": "builtin:BasicRouter", "routes": [{"flow": [{"id": 4, "module": "gateway:CustomWebHook", "parameters": {"__IMTCONN__": {}}}]}, 7]},
            "text"
        ], "metadata": 3});
        let app = parse_blueprint(&bp, &Location::new("f", ""));
        assert_eq!(app.steps.len(), 3);
    }
}
