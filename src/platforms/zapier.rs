//! Zapier: zap exports ("Export Zaps" → `zapfile.json`).
//!
//! Shapes read (see the field guide, section "4. Zapier"):
//! * `{metadata: {version}, zaps: [{id, title, status, nodes: {"<id>": node}}]}`;
//!   steps are a map keyed by id, chained by `parent_id` (the trigger has none);
//! * a node is `{id, type_of: read|write|search|filter, action, selected_api:
//!   "GoogleSheetsV2CLIAPI@2.8.0" (older exports: "GoogleSheetsV2API"),
//!   authentication_id, params, meta: {stepTitle, parammap}, title, parent_id}`;
//! * `{{<nodeId>__field}}` (and newer `{{=gives["<nodeId>"]["field"]}}`) map
//!   an earlier step's output into a field.
//!
//! "Catch Hook" triggers (`WebHook…API`, `hook_v2` / `hook_raw` / `catch_hook`)
//! get a public URL with no authentication; the URL itself is not in the file.
//! "Webhooks by Zapier" actions keep their URL, headers, data and
//! `basic_auth` ("user|pass") in plain text; Code steps keep their source.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value as Json;

use super::common::{str_at, walk_strings};
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Audience, Code, Connection, ConnectionIdentity, DataField, Edge, FieldUse,
    HttpAuth, HttpCall, Location, Platform, RunContext, RunMode, Step, StepKind, Trigger,
    TriggerKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::Zapier,
    claims,
    parse,
};

fn is_zapfile(v: &Json) -> bool {
    let Some(Json::Array(zaps)) = v.get("zaps") else {
        return false;
    };
    let versioned = v
        .get("metadata")
        .is_some_and(|m| m.get("version").is_some());
    let has_nodes = zaps
        .iter()
        .any(|z| z.get("nodes").is_some_and(Json::is_object));
    (versioned || has_nodes) && zaps.iter().all(Json::is_object)
}

fn claims(entry: &Entry) -> bool {
    entry.json().is_some_and(is_zapfile)
}

fn parse(_bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    for entry in entries {
        let file = entry.display_path.as_str();
        let Some(Json::Array(zaps)) = entry
            .json()
            .filter(|j| is_zapfile(j))
            .and_then(|j| j.get("zaps"))
        else {
            notes.push(Note {
                file: file.to_string(),
                message: "not read: this is not a Zapier zap export".into(),
            });
            continue;
        };
        let version = entry
            .json()
            .and_then(|j| j.get("metadata"))
            .and_then(|m| m.get("version"))
            .and_then(id_text);
        let before = apps.len();
        for (i, zap) in zaps.iter().enumerate() {
            let loc = Location::new(file, "/zaps").index(i);
            apps.push(parse_zap(zap, &loc, version.clone()));
        }
        if apps.len() == before {
            notes.push(Note {
                file: file.to_string(),
                message: "not read: this Zapier export holds no zaps".into(),
            });
        }
    }
    apps
}

fn id_text(v: &Json) -> Option<String> {
    match v {
        Json::Number(n) => Some(n.to_string()),
        Json::String(s) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Zaps

fn parse_zap(zap: &Json, base: &Location, version: Option<String>) -> App {
    let title = str_at(zap, "title")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("Untitled Zap")
        .to_string();
    let mut app = App {
        platform: Platform::Zapier,
        kind: AppKind::Workflow,
        name: title.clone(),
        id: zap.get("id").and_then(id_text),
        version,
        active: str_at(zap, "status").map(|s| s == "on"),
        location: base.clone(),
        run_context: RunContext {
            mode: RunMode::Owner,
            raw: "runs with the Zap owner's connected accounts".into(),
            user_facing: false,
            requires_permission: None,
            location: Some(base.clone()),
        },
        ..App::default()
    };
    let Some(Json::Object(nodes)) = zap.get("nodes") else {
        return app;
    };
    let nodes_loc = base.child("nodes");
    let order = step_order(nodes);
    let mut mappings: Vec<(String, Vec<String>)> = Vec::new();
    for key in &order {
        let Some(node) = nodes.get(key).filter(|n| n.is_object()) else {
            continue;
        };
        let id = node
            .get("id")
            .and_then(id_text)
            .unwrap_or_else(|| key.clone());
        let refs = read_node(&mut app, node, &id, &title, &nodes_loc.child(key));
        mappings.push((id, refs));
    }
    finish(&mut app, &mappings);
    app
}

/// Node keys in run order: the trigger first, then each step after its parent.
fn step_order(nodes: &serde_json::Map<String, Json>) -> Vec<String> {
    let parent_of = |n: &Json| n.get("parent_id").and_then(id_text);
    let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut roots = Vec::new();
    for (key, node) in nodes {
        match parent_of(node) {
            Some(p) if nodes.contains_key(&p) => children.entry(p).or_default().push(key.clone()),
            _ => roots.push(key.clone()),
        }
    }
    let mut order = Vec::new();
    let mut seen = HashSet::new();
    let mut todo: Vec<String> = roots.into_iter().rev().collect();
    while let Some(key) = todo.pop() {
        if !seen.insert(key.clone()) {
            continue;
        }
        if let Some(kids) = children.get(&key) {
            todo.extend(kids.iter().rev().cloned());
        }
        order.push(key);
    }
    // Cycles (never in real files): keep every node anyway.
    for key in nodes.keys() {
        if !seen.contains(key) {
            order.push(key.clone());
        }
    }
    order
}

/// `GoogleSheetsV2CLIAPI@2.8.0` → `GoogleSheetsV2CLIAPI`.
fn api_id(selected_api: &str) -> &str {
    selected_api.split('@').next().unwrap_or(selected_api)
}

/// `GoogleSheetsV2CLIAPI` → `GoogleSheets`.
fn app_key(api: &str) -> &str {
    let base = api
        .strip_suffix("CLIAPI")
        .or_else(|| api.strip_suffix("API"))
        .unwrap_or(api);
    let trimmed = base.trim_end_matches(|c: char| c.is_ascii_digit());
    trimmed
        .strip_suffix('V')
        .filter(|t| trimmed.len() < base.len() && !t.is_empty())
        .unwrap_or(base)
}

fn is_hook_action(action: &str) -> bool {
    matches!(
        action,
        "hook" | "hook_v2" | "hook_raw" | "catch_hook" | "catch_raw_hook" | "hook_v2_raw"
    )
}

fn step_kind(app: &str, type_of: &str, action: &str, is_root: bool) -> StepKind {
    let lower = app.to_ascii_lowercase();
    match lower.as_str() {
        "webhook" | "webhooks" if type_of == "read" => StepKind::Trigger,
        "webhook" | "webhooks" => StepKind::HttpRequest,
        "code" => StepKind::Code,
        "filter" | "branching" | "paths" | "delay" | "looper" | "digest" => StepKind::Control,
        "formatter" | "utility" | "storage" => StepKind::Other,
        "schedule" => StepKind::Trigger,
        "zapiermail" | "email" | "smtp" => StepKind::Email,
        _ if lower.contains("openai")
            || lower.contains("chatgpt")
            || lower.contains("anthropic")
            || lower.contains("claude")
            || lower.starts_with("ai") =>
        {
            StepKind::Ai
        }
        _ if type_of == "read" && is_root => StepKind::Trigger,
        _ if action.contains("sql") || lower.contains("sql") => StepKind::Database,
        _ => StepKind::ConnectorAction,
    }
}

/// Zapier's own tools, which are not a connection to another service.
fn is_builtin(app: &str) -> bool {
    matches!(
        app.to_ascii_lowercase().as_str(),
        "code"
            | "filter"
            | "branching"
            | "paths"
            | "delay"
            | "looper"
            | "digest"
            | "formatter"
            | "utility"
            | "storage"
            | "schedule"
    )
}

/// `GoogleSheets` → `Google Sheets`; Zapier's own apps by their shown names.
fn app_label(app: &str) -> String {
    match app {
        "WebHook" | "WebHooks" => return "Webhooks by Zapier".into(),
        "Code" => return "Code by Zapier".into(),
        "Filter" => return "Filter by Zapier".into(),
        "Formatter" => return "Formatter by Zapier".into(),
        "Schedule" => return "Schedule by Zapier".into(),
        "Branching" | "Paths" => return "Paths by Zapier".into(),
        _ => {}
    }
    let mut out = String::new();
    let mut prev_lower = false;
    for c in app.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.push(c);
    }
    out
}

fn action_label(action: &str) -> String {
    if action.is_empty() || (action.len() >= 32 && action.contains('-')) {
        return String::new();
    }
    match action {
        "hook" | "hook_v2" | "catch_hook" => return "Catch Hook".into(),
        "hook_raw" | "catch_raw_hook" | "hook_v2_raw" => return "Catch Raw Hook".into(),
        "post" | "put" | "get" | "patch" | "delete" => return action.to_ascii_uppercase(),
        "custom_request" => return "Custom Request".into(),
        _ => {}
    }
    let words = action.replace('_', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect::<String>())
        .unwrap_or_default()
}

fn read_node(app: &mut App, node: &Json, id: &str, zap_title: &str, loc: &Location) -> Vec<String> {
    let selected = str_at(node, "selected_api").unwrap_or_default();
    let api = api_id(selected);
    let key = app_key(api);
    let action = str_at(node, "action").unwrap_or_default();
    let type_of = str_at(node, "type_of").unwrap_or_default();
    let is_root = node.get("parent_id").and_then(id_text).is_none();
    let kind = step_kind(key, type_of, action, is_root);
    let step_title = node
        .get("meta")
        .and_then(|m| str_at(m, "stepTitle"))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    // The trigger's `title` repeats the Zap's title: not a step name.
    let own_title = str_at(node, "title")
        .map(str::trim)
        .filter(|t| !t.is_empty() && (!is_root || *t != zap_title));
    let name = step_title.or(own_title).map_or_else(
        || {
            let a = action_label(action);
            if a.is_empty() {
                format!("{} ({id})", app_label(key))
            } else {
                format!("{} - {a} ({id})", app_label(key))
            }
        },
        str::to_string,
    );
    let loc = loc.clone().with_step(&name);
    let params = node.get("params").filter(|p| p.is_object());
    let mut step = Step {
        id: id.to_string(),
        name: name.clone(),
        kind,
        platform_type: if action.is_empty() {
            api.to_string()
        } else {
            format!("{api}:{action}")
        },
        connector: (!is_builtin(key) && !key.is_empty()).then(|| format!("zapier:{key}")),
        location: loc.clone(),
        ..Step::default()
    };

    // Connected account.
    if let Some(auth) = node.get("authentication_id").and_then(id_text) {
        step.connection = Some(auth.clone());
        if app.connection(&auth).is_none() {
            app.connections.push(Connection {
                id: auth.clone(),
                connector: format!("zapier:{key}"),
                display_name: format!("{} account {auth}", app_label(key)),
                identity: ConnectionIdentity::StoredCredential,
                auth: None,
                endpoint: None,
                location: loc.child("authentication_id"),
            });
        }
    }

    // Triggers.
    if kind == StepKind::Trigger {
        let (tkind, audience, auth, at) =
            if key.eq_ignore_ascii_case("webhook") && is_hook_action(action) {
                (
                    TriggerKind::Http,
                    Audience::Anyone,
                    "none",
                    loc.child("action"),
                )
            } else if key.eq_ignore_ascii_case("schedule") || action.contains("poll") {
                (TriggerKind::Schedule, Audience::Internal, "", loc.clone())
            } else {
                (TriggerKind::Event, Audience::Internal, "", loc.clone())
            };
        app.triggers.push(Trigger {
            step_id: id.to_string(),
            name: name.clone(),
            kind: tkind,
            audience,
            auth: auth.into(),
            location: at,
            ..Trigger::default()
        });
    }

    // Code by Zapier.
    if kind == StepKind::Code {
        if let Some(source) = params.and_then(|p| str_at(p, "code")) {
            let python = action.contains("python")
                || source.contains("input_data")
                || source.contains("\ndef ")
                || source.starts_with("import ")
                || source.starts_with("def ");
            step.code = Some(Code {
                language: if python { "python" } else { "javascript" }.into(),
                source: source.to_string(),
                runs_commands: false,
                location: loc.child("params").child("code"),
            });
        }
    }

    // Webhooks by Zapier actions.
    if kind == StepKind::HttpRequest {
        if let Some(p) = params {
            step.http = Some(http_call(action, p, &loc.child("params")));
        }
    }

    // Values and mappings.
    let mut refs: Vec<String> = Vec::new();
    let send = matches!(
        kind,
        StepKind::HttpRequest
            | StepKind::ConnectorAction
            | StepKind::Email
            | StepKind::Ai
            | StepKind::Database
    );
    if let Some(p) = params {
        let base = loc.child("params");
        walk_strings(p, "params", &base, &mut |k, text, l| {
            let rel = l.path.strip_prefix(&base.path).unwrap_or("");
            let first = rel.trim_start_matches('/').split('/').next().unwrap_or("");
            let filter = first == "filter_criteria";
            for (src, field) in mapping_refs(text) {
                if !refs.contains(&src) {
                    refs.push(src.clone());
                }
                if let Some(field) = field {
                    app.fields.push(DataField {
                        name: field,
                        object: None,
                        usage: if filter {
                            FieldUse::Filter
                        } else if send {
                            FieldUse::Send
                        } else {
                            FieldUse::Read
                        },
                        step_id: Some(id.to_string()),
                        classification: None,
                        location: l.clone(),
                    });
                }
            }
            if text.trim().is_empty() || filter {
                return;
            }
            let context = value_context(kind, first, k);
            app.values.push(Value {
                key: k.to_string(),
                value: text.to_string(),
                context,
                kind: if context == ValueContext::Code {
                    ValueKind::Literal
                } else {
                    value_kind(text)
                },
                step_id: Some(id.into()),
                location: l.clone(),
            });
        });
        // Filter conditions name the fields they test in `key`.
        if let Some(Json::Array(criteria)) = p.get("filter_criteria") {
            for (i, c) in criteria.iter().enumerate() {
                let Some(k) = str_at(c, "key") else {
                    continue;
                };
                if let Some((src, field)) = k.split_once("__") {
                    if src.chars().all(|c| c.is_ascii_digit()) && !refs.iter().any(|r| r == src) {
                        refs.push(src.to_string());
                    }
                    app.fields.push(DataField {
                        name: last_segment(field),
                        object: None,
                        usage: FieldUse::Filter,
                        step_id: Some(id.to_string()),
                        classification: None,
                        location: base.child("filter_criteria").index(i).child("key"),
                    });
                }
            }
        }
    }
    refs.retain(|r| r != id);
    if let Some(parent) = node.get("parent_id").and_then(id_text) {
        app.edges.push(Edge {
            from: parent,
            to: id.to_string(),
            kind: "main".into(),
        });
    }
    app.steps.push(step);
    refs
}

fn http_call(action: &str, params: &Json, loc: &Location) -> HttpCall {
    let url = str_at(params, "url").unwrap_or_default().trim().to_string();
    let method = match action {
        "custom_request" | "custom" => str_at(params, "method")
            .unwrap_or("POST")
            .to_ascii_uppercase(),
        a if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphabetic()) && a.len() <= 6 => {
            a.to_ascii_uppercase()
        }
        _ => str_at(params, "method")
            .unwrap_or("POST")
            .to_ascii_uppercase(),
    };
    let has_auth_header = params
        .get("headers")
        .and_then(Json::as_object)
        .is_some_and(|h| {
            h.keys().any(|k| {
                let k = k.to_ascii_lowercase();
                k == "authorization" || k.contains("api-key") || k.contains("apikey")
            })
        });
    let auth = if str_at(params, "basic_auth").is_some_and(|b| !b.trim().is_empty()) {
        HttpAuth::Basic
    } else if has_auth_header {
        HttpAuth::Header
    } else {
        HttpAuth::None
    };
    HttpCall {
        method,
        url_is_expression: url.is_empty() || value_kind(&url) == ValueKind::Expression,
        url,
        auth,
        tls_verification_disabled: false,
        location: loc.child("url"),
    }
}

fn is_password_key(key: &str) -> bool {
    super::common::names_secret_field(
        key,
        &[
            "basic_auth",
            "password",
            "passwd",
            "secret",
            "apikey",
            "api_key",
            "token",
            "private_key",
        ],
    )
}

fn value_context(kind: StepKind, first: &str, key: &str) -> ValueContext {
    if kind == StepKind::Code && first == "code" {
        return ValueContext::Code;
    }
    if kind == StepKind::HttpRequest {
        match first {
            "headers" => return ValueContext::Header,
            "url" => return ValueContext::Url,
            "params" | "query" | "querystring" => return ValueContext::Query,
            _ => {}
        }
    }
    if is_password_key(first) || is_password_key(key) {
        return ValueContext::PasswordField;
    }
    if kind == StepKind::HttpRequest && matches!(first, "data" | "payload" | "body" | "raw") {
        return ValueContext::Body;
    }
    ValueContext::Parameter
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

/// `data__items[]id` → `id`; `from__email` → `email`.
fn last_segment(path: &str) -> String {
    path.rsplit("__")
        .next()
        .unwrap_or(path)
        .rsplit("[]")
        .next()
        .unwrap_or(path)
        .trim()
        .to_string()
}

/// Steps and fields a text maps from: `{{123__from__email}}` → ("123", "email"),
/// `{{=gives["123"]["summary"]}}` → ("123", "summary").
fn mapping_refs(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = rest.get(start + 2..).unwrap_or("");
        let end = after.find("}}").unwrap_or(after.len());
        let inner = after.get(..end).unwrap_or("").trim();
        rest = after.get(end..).unwrap_or("");
        if let Some(expr) = inner.strip_prefix('=') {
            // gives["123"]["field"]
            let parts: Vec<&str> = expr
                .split(['[', ']', '"', '\''])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            if parts.first() == Some(&"gives") {
                if let Some(src) = parts
                    .get(1)
                    .filter(|s| s.chars().all(|c| c.is_ascii_digit()))
                {
                    out.push((
                        src.to_string(),
                        parts.last().filter(|f| *f != src).map(|f| f.to_string()),
                    ));
                }
            }
            continue;
        }
        let Some((src, field)) = inner.split_once("__") else {
            continue;
        };
        if src.is_empty() || !src.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let field = last_segment(field);
        out.push((src.to_string(), (!field.is_empty()).then_some(field)));
    }
    out
}

fn finish(app: &mut App, mappings: &[(String, Vec<String>)]) {
    let ids: HashSet<String> = app.steps.iter().map(|s| s.id.clone()).collect();
    for (to, froms) in mappings {
        for from in froms {
            if ids.contains(from) && !app.edges.iter().any(|e| &e.from == from && &e.to == to) {
                app.edges.push(Edge {
                    from: from.clone(),
                    to: to.clone(),
                    kind: "mapping".into(),
                });
            }
        }
    }
    app.endpoints = super::common::url_endpoints(&app.values);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_keys_and_labels() {
        assert_eq!(app_key("GoogleSheetsV2CLIAPI"), "GoogleSheets");
        assert_eq!(app_key("WebHookCLIAPI"), "WebHook");
        assert_eq!(app_key("GoogleSheetsV2API"), "GoogleSheets");
        assert_eq!(app_key("App217413CLIAPI"), "App217413");
        assert_eq!(app_label("GoogleSheets"), "Google Sheets");
        assert_eq!(api_id("CodeCLIAPI@1.0.1"), "CodeCLIAPI");
    }

    #[test]
    fn mappings_old_and_new() {
        assert_eq!(
            mapping_refs("Hi {{312730722__phone}} / {{123__data__items[]id}}"),
            vec![
                ("312730722".to_string(), Some("phone".to_string())),
                ("123".to_string(), Some("id".to_string()))
            ]
        );
        assert_eq!(
            mapping_refs("{{=gives[\"350992502\"][\"summary\"]}}"),
            vec![("350992502".to_string(), Some("summary".to_string()))]
        );
        assert!(mapping_refs("{{zap_meta_human_now}}").is_empty());
    }
}
