//! Node-RED: `flows.json` (the editor's Export dialog, the runtime's flow
//! file, library and example files), the Admin API v2 `{"rev", "flows"}`
//! wrapper, and the credentials file `flows_cred.json`.
//!
//! Shapes read (see the field guide, section "2. Node-RED"):
//! * a flat array of nodes `{id, type, z, name, wires, …}`; `tab` and
//!   `subflow` nodes name the flows, nodes without `z` are config nodes;
//! * each tab and subflow becomes one app; config nodes (brokers, TLS
//!   settings, database servers) form one more app when the file has any;
//! * `flows_cred.json`: `{"$": "<hex>"}` when encrypted, otherwise an object
//!   keyed by node id holding user names and passwords in plain text.
//!
//! `http in` nodes have no authentication setting of their own (it lives in
//! the runtime's settings.js, not in the export), so they are recorded as
//! triggers anyone can call.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{Map, Value as Json};

use super::common::{host_of, str_at, walk_strings};
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Audience, Code, Connection, ConnectionIdentity, Credential, CredentialStorage,
    Edge, Endpoint, HttpAuth, HttpCall, Location, Platform, RunContext, RunMode, SqlQuery, Step,
    StepKind, Trigger, TriggerKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::NodeRed,
    claims,
    parse,
};

// ---------------------------------------------------------------------------
// Detection

fn claims(entry: &Entry) -> bool {
    let Some(json) = entry.json() else {
        return false;
    };
    flows_in(json).is_some() || is_encrypted_creds(json) || is_plain_creds(json, entry)
}

/// A node: an object with a string `type` and an `id`.
fn is_node(v: &Json) -> bool {
    str_at(v, "type").is_some() && v.get("id").is_some_and(|id| id.is_string())
}

fn is_flow_array(items: &[Json]) -> bool {
    !items.is_empty()
        && items.iter().all(is_node)
        && items.iter().any(|n| {
            n.get("wires").is_some_and(Json::is_array)
                || str_at(n, "z").is_some()
                || matches!(str_at(n, "type"), Some("tab" | "subflow"))
        })
}

/// The node list of a flows document and the JSON pointer of the list.
fn flows_in(json: &Json) -> Option<(&Vec<Json>, &'static str)> {
    match json {
        Json::Array(items) if is_flow_array(items) => Some((items, "")),
        Json::Object(map) => match map.get("flows") {
            Some(Json::Array(items)) if is_flow_array(items) => Some((items, "/flows")),
            _ => None,
        },
        _ => None,
    }
}

fn is_encrypted_creds(json: &Json) -> bool {
    match json {
        Json::Object(map) => map.len() == 1 && map.get("$").is_some_and(Json::is_string),
        _ => false,
    }
}

fn is_plain_creds(json: &Json, entry: &Entry) -> bool {
    let name = entry.file_name().to_ascii_lowercase();
    if !(name.contains("cred") && name.ends_with(".json")) {
        return false;
    }
    match json {
        Json::Object(map) => {
            !map.is_empty()
                && map.values().all(|v| {
                    v.as_object()
                        .is_some_and(|o| o.values().all(|x| x.is_string() || x.is_null()))
                })
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Entry point

fn parse(bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    for entry in entries {
        let Some(json) = entry.json() else {
            continue;
        };
        let file = entry.display_path.as_str();
        if let Some((nodes, base)) = flows_in(json) {
            apps.extend(parse_flows(nodes, file, base));
            if let Some(creds) = json.get("credentials").filter(|c| c.is_object()) {
                if let Some(app) = parse_plain_creds(creds, file, "/credentials", bundle) {
                    apps.push(app);
                }
            }
        } else if is_encrypted_creds(json) {
            apps.push(encrypted_creds_app(file));
        } else if let Some(app) = parse_plain_creds(json, file, "", bundle) {
            apps.push(app);
        } else {
            notes.push(Note {
                file: file.to_string(),
                message:
                    "not read: this looks like a Node-RED credentials file but holds no credential"
                        .into(),
            });
        }
    }
    apps
}

// ---------------------------------------------------------------------------
// Credentials files

fn encrypted_creds_app(file: &str) -> App {
    let loc = Location::new(file, "/$");
    App {
        platform: Platform::NodeRed,
        kind: AppKind::CredentialStore,
        name: "Node-RED credentials (encrypted)".into(),
        location: Location::new(file, ""),
        credentials: vec![Credential {
            name: "flows_cred.json".into(),
            credential_type: "node-red credentials".into(),
            storage: CredentialStorage::Encrypted,
            used_by: Vec::new(),
            location: loc,
        }],
        ..App::default()
    }
}

/// Node names and types by id, from every flows document in the bundle.
fn node_names(bundle: &Bundle) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    for entry in &bundle.entries {
        let Some((nodes, _)) = entry.json().and_then(flows_in) else {
            continue;
        };
        for node in nodes {
            let (Some(id), Some(t)) = (str_at(node, "id"), str_at(node, "type")) else {
                continue;
            };
            out.insert(id.to_string(), (step_name(node, t), t.to_string()));
        }
    }
    out
}

fn parse_plain_creds(json: &Json, file: &str, base: &str, bundle: &Bundle) -> Option<App> {
    let map = json.as_object()?;
    let names = node_names(bundle);
    let base_loc = Location::new(file, base);
    let mut app = App {
        platform: Platform::NodeRed,
        kind: AppKind::CredentialStore,
        name: "Node-RED credentials (plain text)".into(),
        location: base_loc.clone(),
        ..App::default()
    };
    for (id, record) in map {
        let Some(fields) = record.as_object() else {
            continue;
        };
        let (name, node_type) = names
            .get(id)
            .cloned()
            .unwrap_or_else(|| (id.clone(), String::new()));
        let loc = base_loc.child(id).with_step(&name);
        let filled = read_credential_fields(&mut app, fields, &loc, None);
        app.credentials.push(Credential {
            name,
            credential_type: node_type,
            storage: if filled {
                CredentialStorage::Plaintext
            } else {
                CredentialStorage::Reference
            },
            used_by: vec![id.clone()],
            location: loc,
        });
    }
    (!app.credentials.is_empty()).then_some(app)
}

/// Record a credentials object's values; true when any holds text.
fn read_credential_fields(
    app: &mut App,
    fields: &Map<String, Json>,
    loc: &Location,
    step_id: Option<&str>,
) -> bool {
    let mut filled = false;
    for (key, v) in fields {
        let Some(text) = v.as_str().filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        filled = true;
        let context = if is_password_key(key) {
            ValueContext::PasswordField
        } else {
            ValueContext::Credential
        };
        app.values.push(Value {
            key: key.clone(),
            value: text.to_string(),
            context,
            kind: value_kind(text),
            step_id: step_id.map(Into::into),
            location: loc.child(key),
        });
    }
    filled
}

fn is_password_key(key: &str) -> bool {
    super::common::names_secret_field(
        key,
        &[
            "password",
            "passwd",
            "passphrase",
            "secret",
            "token",
            "apikey",
            "api_key",
            "privatekey",
            "keydata",
            "accesskey",
        ],
    )
}

// ---------------------------------------------------------------------------
// Flows

/// Keys that hold layout, wiring or ids, never values worth checking.
const STRUCTURAL_KEYS: &[&str] = &[
    "id",
    "type",
    "z",
    "g",
    "name",
    "x",
    "y",
    "w",
    "h",
    "wires",
    "links",
    "info",
    "label",
    "icon",
    "color",
    "inputLabels",
    "outputLabels",
    "l",
    "d",
    "style",
    "nodes",
    "in",
    "out",
    "meta",
    "credentials",
    "status",
    "category",
];

fn step_name(node: &Json, node_type: &str) -> String {
    if let Some(name) = str_at(node, "name").filter(|n| !n.trim().is_empty()) {
        return name.to_string();
    }
    // The editor labels an unnamed endpoint with its method and path.
    if node_type == "http in" {
        if let Some(url) = str_at(node, "url").filter(|u| !u.is_empty()) {
            let method = str_at(node, "method").unwrap_or("get");
            return format!("[{method}] {url}");
        }
    }
    node_type.to_string()
}

fn is_layout_type(t: &str) -> bool {
    matches!(t, "tab" | "subflow" | "group" | "comment" | "junction")
}

fn is_config_node(node: &Json) -> bool {
    node.get("z")
        .is_none_or(|z| z.as_str().is_none_or(str::is_empty))
        && node.get("wires").is_none()
        && node.get("x").is_none()
}

fn parse_flows(nodes: &[Json], file: &str, base: &str) -> Vec<App> {
    let base_loc = Location::new(file, base);
    // Flows (tabs and subflows) by id, in file order.
    let mut order: Vec<String> = Vec::new();
    let mut flows: HashMap<String, App> = HashMap::new();
    let ids: HashSet<&str> = nodes.iter().filter_map(|n| str_at(n, "id")).collect();
    let by_id: HashMap<&str, &Json> = nodes
        .iter()
        .filter_map(|n| str_at(n, "id").map(|id| (id, n)))
        .collect();
    for (i, node) in nodes.iter().enumerate() {
        let (Some(id), Some(t)) = (str_at(node, "id"), str_at(node, "type")) else {
            continue;
        };
        if t != "tab" && t != "subflow" {
            continue;
        }
        let label = str_at(node, if t == "tab" { "label" } else { "name" })
            .filter(|l| !l.trim().is_empty())
            .unwrap_or(if t == "tab" {
                "Unnamed flow"
            } else {
                "Unnamed subflow"
            });
        let name = if t == "subflow" {
            format!("Subflow: {label}")
        } else {
            label.to_string()
        };
        let loc = base_loc.index(i);
        let disabled = node
            .get("disabled")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let mut app = new_app(name, loc.clone());
        app.id = Some(id.to_string());
        app.active = Some(!disabled);
        if let Some(env) = node.get("env").filter(|e| e.is_array()) {
            read_values(&mut app, None, "env", env, &loc.child("env"), &ids, "");
        }
        order.push(id.to_string());
        flows.insert(id.to_string(), app);
    }
    let mut config = new_app("Configuration nodes".into(), base_loc.clone());
    let mut loose: Option<App> = None;
    let disabled_flows: HashSet<String> = flows
        .iter()
        .filter(|(_, a)| a.active == Some(false))
        .map(|(id, _)| id.clone())
        .collect();

    for (i, node) in nodes.iter().enumerate() {
        let (Some(id), Some(t)) = (str_at(node, "id"), str_at(node, "type")) else {
            continue;
        };
        if is_layout_type(t) {
            continue;
        }
        let z = str_at(node, "z").unwrap_or_default();
        let app = if let Some(app) = flows.get_mut(z) {
            app
        } else if is_config_node(node) {
            &mut config
        } else {
            loose.get_or_insert_with(|| {
                new_app(
                    format!("Node-RED flow ({})", file_stem(file)),
                    base_loc.clone(),
                )
            })
        };
        let loc = base_loc.index(i);
        read_node(
            app,
            node,
            id,
            t,
            &loc,
            &by_id,
            &ids,
            disabled_flows.contains(z),
        );
    }

    let mut apps: Vec<App> = Vec::new();
    if let Some(app) = loose {
        apps.push(app);
    }
    for id in order {
        if let Some(app) = flows.remove(&id) {
            apps.push(app);
        }
    }
    // Config nodes only make a component when they hold something to check.
    if !config.credentials.is_empty() || !config.values.is_empty() {
        apps.push(config);
    }
    if apps.is_empty() {
        // Only layout nodes (an empty tab list): still one app so the user
        // sees the file was read.
        apps.push(new_app(
            format!("Node-RED flow ({})", file_stem(file)),
            base_loc,
        ));
    }
    for app in &mut apps {
        finish(app);
    }
    // Credentials written into nodes are a credential store inside the flow
    // file: one component of their own, so they are reported once (LC018).
    let mut store = new_app(
        format!("Node-RED credentials in {}", file_stem(file)),
        Location::new(file, base),
    );
    store.kind = AppKind::CredentialStore;
    for app in &mut apps {
        let prefixes: Vec<String> = app
            .credentials
            .iter()
            .map(|c| format!("{}/", c.location.path))
            .collect();
        if prefixes.is_empty() {
            continue;
        }
        store.credentials.append(&mut app.credentials);
        let (moved, kept): (Vec<Value>, Vec<Value>) = std::mem::take(&mut app.values)
            .into_iter()
            .partition(|v| prefixes.iter().any(|p| v.location.path.starts_with(p)));
        app.values = kept;
        store.values.extend(moved);
    }
    // The config nodes' component stays only if more than credentials was found.
    apps.retain(|a| a.id.is_some() || !a.values.is_empty() || a.name != "Configuration nodes");
    if !store.credentials.is_empty() {
        apps.push(store);
    }
    apps
}

fn file_stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.strip_suffix(".json").unwrap_or(name)
}

fn new_app(name: String, location: Location) -> App {
    App {
        platform: Platform::NodeRed,
        kind: AppKind::Workflow,
        name,
        location: location.clone(),
        run_context: RunContext {
            mode: RunMode::Owner,
            raw: "runs inside the Node-RED runtime with its settings and credentials".into(),
            user_facing: false,
            requires_permission: None,
            location: Some(location),
        },
        ..App::default()
    }
}

fn step_kind(t: &str) -> StepKind {
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "http in" => StepKind::Trigger,
        "inject" | "mqtt in" | "websocket in" | "tcp in" | "udp in" | "catch" | "status"
        | "complete" | "link in" => StepKind::Trigger,
        "http request" => StepKind::HttpRequest,
        "http response" | "websocket out" | "tcp out" | "udp out" => StepKind::Response,
        "function" => StepKind::Code,
        "exec" | "daemon" | "node-red-node-daemon" => StepKind::Command,
        "change" | "set" => StepKind::Variable,
        "switch" | "delay" | "trigger" | "join" | "split" | "sort" | "batch" | "range" | "rbe"
        | "filter" | "link out" | "link call" => StepKind::Control,
        "e-mail" | "email" | "e-mail in" => StepKind::Email,
        _ if lower.starts_with("subflow:") => StepKind::SubFlow,
        _ if is_database_type(&lower) => StepKind::Database,
        _ if lower.contains("openai") || lower.contains("llm") || lower.contains("ollama") => {
            StepKind::Ai
        }
        "template" | "debug" | "json" | "xml" | "yaml" | "csv" | "html" | "file" | "file in"
        | "watch" => StepKind::Other,
        _ => StepKind::ConnectorAction,
    }
}

fn is_database_type(lower: &str) -> bool {
    [
        "mysql",
        "postgres",
        "mssql",
        "sqlite",
        "oracle",
        "tds",
        "mariadb",
        "sqlserver",
    ]
    .iter()
    .any(|d| lower.contains(d))
        && !lower.ends_with("config")
        && !lower.ends_with("-server")
        && !lower.ends_with("database")
}

fn core_type(lower: &str) -> bool {
    matches!(
        lower,
        "inject"
            | "debug"
            | "function"
            | "change"
            | "switch"
            | "template"
            | "delay"
            | "trigger"
            | "join"
            | "split"
            | "sort"
            | "batch"
            | "range"
            | "json"
            | "xml"
            | "yaml"
            | "csv"
            | "html"
            | "catch"
            | "status"
            | "complete"
            | "link in"
            | "link out"
            | "link call"
            | "rbe"
            | "filter"
            | "file"
            | "file in"
            | "watch"
            | "exec"
            | "http in"
            | "http response"
            | "tls-config"
            | "http proxy"
    )
}

#[allow(clippy::too_many_arguments)]
fn read_node(
    app: &mut App,
    node: &Json,
    id: &str,
    t: &str,
    loc: &Location,
    by_id: &HashMap<&str, &Json>,
    ids: &HashSet<&str>,
    flow_disabled: bool,
) {
    let name = match t.strip_prefix("subflow:") {
        Some(sub) if str_at(node, "name").is_none_or(|n| n.trim().is_empty()) => by_id
            .get(sub)
            .and_then(|s| str_at(s, "name"))
            .map_or_else(|| t.to_string(), |n| format!("subflow {n}")),
        _ => step_name(node, t),
    };
    let loc = loc.clone().with_step(&name);
    let lower = t.to_ascii_lowercase();
    let config = is_config_node(node);
    let kind = if config {
        StepKind::Other
    } else {
        step_kind(t)
    };
    let mut step = Step {
        id: id.to_string(),
        name: name.clone(),
        kind,
        platform_type: t.to_string(),
        connector: (!core_type(&lower)).then(|| format!("node-red:{t}")),
        disabled: flow_disabled || node.get("d").and_then(Json::as_bool).unwrap_or(false),
        location: loc.clone(),
        ..Step::default()
    };

    // References to config nodes (broker, server, tls, proxy…) are connections.
    if let Some(map) = node.as_object() {
        for (key, v) in map {
            if matches!(key.as_str(), "id" | "z" | "g" | "wires" | "links") {
                continue;
            }
            let Some(target) = v.as_str().and_then(|r| by_id.get(r)) else {
                continue;
            };
            if !is_config_node(target) {
                continue;
            }
            let (Some(cid), Some(ctype)) = (str_at(target, "id"), str_at(target, "type")) else {
                continue;
            };
            if step.connection.is_none() && key != "tls" && key != "proxy" {
                step.connection = Some(cid.to_string());
            }
            if app.connection(cid).is_none() {
                app.connections
                    .push(connection_of(target, cid, ctype, loc.child(key)));
            }
        }
    }

    // Credentials written into the node itself.
    if let Some(creds) = node.get("credentials").and_then(Json::as_object) {
        let cloc = loc.child("credentials");
        let filled = read_credential_fields(app, creds, &cloc, Some(id));
        if filled {
            app.credentials.push(Credential {
                name: name.clone(),
                credential_type: t.to_string(),
                storage: CredentialStorage::Plaintext,
                used_by: vec![id.to_string()],
                location: cloc,
            });
        }
    }

    match lower.as_str() {
        "http request" => step.http = Some(http_call(node, &loc, by_id)),
        "function" => step.code = Some(function_code(node, &loc)),
        "exec" | "daemon" => {
            let mut source = str_at(node, "command").unwrap_or_default().to_string();
            if let Some(args) = str_at(node, "args").filter(|a| !a.is_empty()) {
                source.push(' ');
                source.push_str(args);
            }
            step.code = Some(Code {
                language: "shell".into(),
                source,
                runs_commands: true,
                location: loc.child("command"),
            });
        }
        _ => {}
    }
    if step.kind == StepKind::Database {
        step.sql = sql_of(node, &loc);
    }
    if lower == "http in" && !step.disabled {
        let method = str_at(node, "method").unwrap_or("get").to_ascii_uppercase();
        let url = str_at(node, "url").unwrap_or_default();
        app.triggers.push(Trigger {
            step_id: id.to_string(),
            name: name.clone(),
            kind: TriggerKind::Http,
            audience: Audience::Anyone,
            auth: "none".into(),
            allowed_origins: None,
            ip_restricted: false,
            responds_with_data: false,
            location: loc.child("url"),
        });
        app.values.push(Value {
            key: format!("{method} url"),
            value: url.to_string(),
            context: ValueContext::Parameter,
            kind: ValueKind::Literal,
            step_id: Some(id.into()),
            location: loc.child("url"),
        });
    } else if step.kind == StepKind::Trigger {
        let (kind, audience) = match lower.as_str() {
            "inject" => (TriggerKind::Schedule, Audience::Internal),
            "catch" | "status" | "complete" => (TriggerKind::Error, Audience::Internal),
            "link in" => (TriggerKind::SubWorkflow, Audience::Internal),
            _ => (TriggerKind::Event, Audience::Unknown),
        };
        app.triggers.push(Trigger {
            step_id: id.to_string(),
            name: name.clone(),
            kind,
            audience,
            auth: String::new(),
            location: loc.clone(),
            ..Trigger::default()
        });
    }

    if let Some(map) = node.as_object() {
        for (key, v) in map {
            if STRUCTURAL_KEYS.contains(&key.as_str()) || (lower == "http in" && key == "url") {
                continue;
            }
            read_values(app, Some(&step), key, v, &loc.child(key), ids, &lower);
        }
    }

    // Wires: one list of targets per output port.
    if let Some(Json::Array(ports)) = node.get("wires") {
        for (port, targets) in ports.iter().enumerate() {
            let Some(targets) = targets.as_array() else {
                continue;
            };
            for target in targets.iter().filter_map(Json::as_str) {
                app.edges.push(Edge {
                    from: id.to_string(),
                    to: target.to_string(),
                    kind: if port == 0 {
                        "main".into()
                    } else {
                        format!("output {}", port + 1)
                    },
                });
            }
        }
    }
    if lower == "link out" || lower == "link call" {
        if let Some(Json::Array(links)) = node.get("links") {
            for target in links.iter().filter_map(Json::as_str) {
                app.edges.push(Edge {
                    from: id.to_string(),
                    to: target.to_string(),
                    kind: "link".into(),
                });
            }
        }
    }
    app.steps.push(step);
}

fn connection_of(target: &Json, cid: &str, ctype: &str, loc: Location) -> Connection {
    let endpoint = ["broker", "host", "server", "hostname", "url", "path"]
        .iter()
        .find_map(|k| str_at(target, k).filter(|s| !s.is_empty()))
        .map(|host| {
            match str_at(target, "port").map(str::to_string).or_else(|| {
                target
                    .get("port")
                    .and_then(Json::as_u64)
                    .map(|p| p.to_string())
            }) {
                Some(port) if !port.is_empty() && !host.contains("://") => format!("{host}:{port}"),
                _ => host.to_string(),
            }
        });
    let display = str_at(target, "name")
        .filter(|n| !n.trim().is_empty())
        .map(str::to_string)
        .or_else(|| endpoint.clone())
        .unwrap_or_else(|| ctype.to_string());
    let has_creds = target
        .get("credentials")
        .and_then(Json::as_object)
        .is_some_and(|c| !c.is_empty());
    Connection {
        id: cid.to_string(),
        connector: format!("node-red:{ctype}"),
        display_name: display,
        identity: if has_creds {
            ConnectionIdentity::StoredCredential
        } else {
            ConnectionIdentity::Unknown
        },
        auth: None,
        endpoint,
        location: loc,
    }
}

fn http_call(node: &Json, loc: &Location, by_id: &HashMap<&str, &Json>) -> HttpCall {
    let url = str_at(node, "url").unwrap_or_default().trim().to_string();
    let method = str_at(node, "method").unwrap_or("GET");
    let method = if method.eq_ignore_ascii_case("use") {
        "set by msg.method".to_string()
    } else {
        method.to_ascii_uppercase()
    };
    let tls_off = str_at(node, "tls")
        .and_then(|id| by_id.get(id))
        .and_then(|tls| tls.get("verifyservercert"))
        .is_some_and(|v| matches!(v, Json::Bool(false)) || v.as_str() == Some("false"));
    let mut auth = match str_at(node, "authType").unwrap_or_default() {
        "basic" | "digest" => HttpAuth::Basic,
        "bearer" => HttpAuth::Bearer,
        _ => HttpAuth::None,
    };
    if auth == HttpAuth::None && node.get("useAuth").and_then(Json::as_bool).unwrap_or(false) {
        auth = HttpAuth::Basic;
    }
    if auth == HttpAuth::None {
        if let Some(Json::Array(headers)) = node.get("headers") {
            if headers.iter().any(|h| {
                header_name(h).is_some_and(|n| {
                    let n = n.to_ascii_lowercase();
                    n == "authorization" || n.contains("api-key") || n.contains("apikey")
                })
            }) {
                auth = HttpAuth::Header;
            }
        }
    }
    HttpCall {
        method,
        url_is_expression: url.is_empty() || is_whole_mustache(&url),
        url,
        auth,
        tls_verification_disabled: tls_off,
        location: loc.child("url"),
    }
}

/// A header entry's name: `keyValue` for custom names, otherwise the chosen one.
fn header_name(h: &Json) -> Option<&str> {
    match str_at(h, "keyType") {
        Some("other") | None => str_at(h, "keyValue"),
        Some(t) => Some(t),
    }
}

fn function_code(node: &Json, loc: &Location) -> Code {
    let mut parts: Vec<&str> = Vec::new();
    let mut first_key = "func";
    for key in ["func", "initialize", "finalize"] {
        if let Some(s) = str_at(node, key).filter(|s| !s.trim().is_empty()) {
            if parts.is_empty() {
                first_key = key;
            }
            parts.push(s);
        }
    }
    let source = parts.join("\n");
    let lower = source.to_ascii_lowercase();
    let libs_use_commands = node
        .get("libs")
        .and_then(Json::as_array)
        .is_some_and(|libs| {
            libs.iter().any(|l| {
                str_at(l, "module").is_some_and(|m| {
                    matches!(
                        m,
                        "child_process" | "node:child_process" | "shelljs" | "execa"
                    )
                })
            })
        });
    let runs_commands = libs_use_commands
        || lower.contains("child_process")
        || lower.contains("execsync(")
        || lower.contains("spawnsync(")
        || lower.contains(".spawn(")
        || lower.contains("execfile(");
    Code {
        language: "javascript".into(),
        source,
        runs_commands,
        location: loc.child(first_key),
    }
}

fn sql_of(node: &Json, loc: &Location) -> Option<SqlQuery> {
    let (key, text) = ["query", "sql", "sqlquery", "topic"].iter().find_map(|k| {
        str_at(node, k)
            .filter(|s| !s.trim().is_empty())
            .map(|s| (*k, s))
    })?;
    let interpolated = text.contains("{{")
        || text.contains("${")
        || text.contains("+ msg.")
        || text.contains("+msg.");
    let uses_parameters = !interpolated
        && (text.contains("$1")
            || text.contains(" ?")
            || text.contains("(?")
            || text.contains("@p"));
    Some(SqlQuery {
        text: text.to_string(),
        interpolated,
        uses_parameters,
        location: loc.child(key),
    })
}

fn is_whole_mustache(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("{{") && t.ends_with("}}") && t.matches("{{").count() == 1
}

fn value_kind(text: &str) -> ValueKind {
    if is_whole_mustache(text) {
        ValueKind::Expression
    } else if text.contains("{{") {
        ValueKind::Template
    } else {
        ValueKind::Literal
    }
}

fn value_context(node_type: &str, key: &str, path_has_headers: bool) -> ValueContext {
    let k = key.to_ascii_lowercase();
    if path_has_headers {
        return ValueContext::Header;
    }
    if matches!(
        k.as_str(),
        "func" | "initialize" | "finalize" | "command" | "args"
    ) {
        return ValueContext::Code;
    }
    if node_type == "http request" && k == "url" {
        return ValueContext::Url;
    }
    if node_type == "template" && k == "template" {
        return ValueContext::Body;
    }
    if is_password_key(&k) {
        return ValueContext::PasswordField;
    }
    if matches!(k.as_str(), "connectionstring" | "connstring" | "connection") {
        return ValueContext::ConnectionString;
    }
    if node_type.is_empty() || node_type == "change" || k == "env" {
        return ValueContext::Variable;
    }
    ValueContext::Parameter
}

fn read_values(
    app: &mut App,
    step: Option<&Step>,
    key: &str,
    v: &Json,
    loc: &Location,
    ids: &HashSet<&str>,
    node_type: &str,
) {
    // Header lists: {keyType, keyValue, valueType, valueValue}.
    if key == "headers" {
        if let Json::Array(headers) = v {
            for (i, h) in headers.iter().enumerate() {
                let Some(name) = header_name(h) else {
                    continue;
                };
                let Some(text) = str_at(h, "valueValue")
                    .filter(|t| !t.is_empty())
                    .or_else(|| match str_at(h, "valueType") {
                        Some("other") | None => None,
                        Some(t) if t.contains('/') || t.contains('-') => Some(t),
                        Some(_) => None,
                    })
                else {
                    continue;
                };
                let literal = matches!(str_at(h, "valueType"), Some("other") | None)
                    || str_at(h, "valueValue").is_none();
                app.values.push(Value {
                    key: name.to_string(),
                    value: text.to_string(),
                    context: ValueContext::Header,
                    kind: if literal {
                        value_kind(text)
                    } else {
                        ValueKind::Expression
                    },
                    step_id: step.map(|s| s.id.as_str().into()),
                    location: loc.index(i).child("valueValue"),
                });
            }
            return;
        }
    }
    let top = key.to_string();
    walk_strings(v, key, loc, &mut |k, text, l| {
        if text.trim().is_empty() || ids.contains(text) {
            return;
        }
        let context = value_context(node_type, if k == "value" { &top } else { k }, false);
        let context = if node_type.is_empty() && top == "env" {
            ValueContext::Variable
        } else {
            context
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
            step_id: step.map(|s| s.id.as_str().into()),
            location: l.clone(),
        });
    });
}

/// After all nodes are read: replies, endpoints.
fn finish(app: &mut App) {
    let responders: HashSet<String> = app
        .steps
        .iter()
        .filter(|s| s.platform_type == "http response")
        .map(|s| s.id.clone())
        .collect();
    if !responders.is_empty() {
        let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
        for e in &app.edges {
            next.entry(e.from.as_str()).or_default().push(e.to.as_str());
        }
        let mut replying: Vec<bool> = Vec::new();
        for trigger in &app.triggers {
            let mut seen: HashSet<&str> = HashSet::new();
            let mut queue: VecDeque<&str> = VecDeque::new();
            queue.push_back(trigger.step_id.as_str());
            let mut found = false;
            while let Some(n) = queue.pop_front() {
                if !seen.insert(n) {
                    continue;
                }
                if responders.contains(n) {
                    found = true;
                    break;
                }
                if let Some(list) = next.get(n) {
                    queue.extend(list.iter().copied());
                }
            }
            replying.push(found);
        }
        for (trigger, found) in app.triggers.iter_mut().zip(replying) {
            if trigger.kind == TriggerKind::Http {
                trigger.responds_with_data = found;
            }
        }
    }
    app.endpoints = app
        .steps
        .iter()
        .filter_map(|s| {
            let http = s.http.as_ref()?;
            if http.url_is_expression {
                return None;
            }
            let host = host_of(&http.url)?;
            Some(Endpoint {
                url: http.url.clone(),
                host: Some(host),
                step_id: Some(s.id.clone()),
                location: http.location.clone(),
            })
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(name: &str, v: Json) -> Entry {
        Entry {
            display_path: name.into(),
            path: name.into(),
            content: crate::ingest::Content::Json(v),
        }
    }

    #[test]
    fn detection_is_by_content() {
        assert!(claims(&entry(
            "a.json",
            json!([{"id": "1", "type": "inject", "z": "t", "wires": [[]]}])
        )));
        assert!(claims(&entry(
            "a.json",
            json!({"rev": "x", "flows": [{"id": "t", "type": "tab"}]})
        )));
        assert!(claims(&entry("flows_cred.json", json!({"$": "abcd"}))));
        assert!(claims(&entry(
            "flows_cred.json",
            json!({"n1": {"user": "u", "password": "p"}})
        )));
        assert!(!claims(&entry("other.json", json!({"n1": {"user": "u"}}))));
        assert!(!claims(&entry("a.json", json!([{"id": 1, "type": "x"}]))));
        assert!(!claims(&entry(
            "a.json",
            json!({"nodes": [], "connections": {}})
        )));
        assert!(!claims(&entry("a.json", json!([]))));
    }

    #[test]
    fn odd_shapes_never_panic() {
        let nodes = json!([
            {"id": "1", "type": "http request", "tls": 5, "headers": [1, {"keyType": 3}], "wires": [null, [2, "x"]]},
            {"id": "2", "type": "function", "z": 7, "libs": "no", "wires": "no"},
            {"id": "3", "type": "subflow:9", "z": "", "credentials": {"password": 4}},
            {"id": "4", "type": "tab"}
        ]);
        let Json::Array(list) = nodes else {
            return;
        };
        let apps = parse_flows(&list, "f.json", "");
        assert!(!apps.is_empty());
    }
}
