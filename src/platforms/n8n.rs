//! n8n: workflow JSON (editor "Download", `n8n export:workflow`, the REST API)
//! and credential exports (`n8n export:credentials`).
//!
//! Shapes read (see the field guide, section "1. n8n"):
//! * one workflow: an object with a `nodes` array and a `connections` object;
//! * several: an array of workflows (CLI `--all`), `{"data": [...]}` (REST API)
//!   or `{"workflow": {...}}` (community dumps);
//! * credentials: one `{id, name, type, data}` record or an array of them, where
//!   `data` is an encrypted string (`U2FsdGVkX1…`) or, when exported with
//!   `--decrypted`, a plain object.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{Map, Value as Json};

use super::common::{host_of, str_at, walk_strings};
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Audience, Code, Connection, ConnectionIdentity, Credential, CredentialStorage,
    DataField, Edge, Endpoint, FieldUse, HttpAuth, HttpCall, Location, Platform, RunContext,
    RunMode, SampleData, Sharing, SqlQuery, Step, StepKind, Trigger, TriggerKind, Value,
    ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::N8n,
    claims,
    parse,
};

fn claims(entry: &Entry) -> bool {
    let Some(json) = entry.json() else {
        return false;
    };
    !workflows_in(json).is_empty() || is_credential_export(json)
}

fn parse(_bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    for entry in entries {
        let Some(json) = entry.json() else {
            continue;
        };
        let file = entry.display_path.as_str();
        let workflows = workflows_in(json);
        if workflows.is_empty() {
            if let Some(app) = parse_credential_export(json, file) {
                apps.push(app);
            } else {
                notes.push(Note {
                    file: file.to_string(),
                    message: "not read: this looks like an n8n export but holds no workflow".into(),
                });
            }
            continue;
        }
        if let Json::Array(items) = json {
            let skipped = items.len().saturating_sub(workflows.len());
            if skipped > 0 {
                notes.push(Note {
                    file: file.to_string(),
                    message: format!(
                        "{skipped} item(s) in this list are not n8n workflows and were skipped"
                    ),
                });
            }
        }
        for (workflow, pointer) in workflows {
            apps.push(parse_workflow(workflow, &Location::new(file, pointer)));
        }
    }
    apps
}

// ---------------------------------------------------------------------------
// Detection

fn is_workflow(v: &Json) -> bool {
    v.get("nodes").is_some_and(Json::is_array) && v.get("connections").is_some_and(Json::is_object)
}

/// Every workflow in a document, with the JSON pointer where it sits.
fn workflows_in(json: &Json) -> Vec<(&Json, String)> {
    if is_workflow(json) {
        return vec![(json, String::new())];
    }
    match json {
        Json::Array(items) => items
            .iter()
            .enumerate()
            .filter(|(_, w)| is_workflow(w))
            .map(|(i, w)| (w, format!("/{i}")))
            .collect(),
        Json::Object(map) => {
            if let Some(w) = map.get("workflow").filter(|w| is_workflow(w)) {
                return vec![(w, "/workflow".to_string())];
            }
            match map.get("data") {
                Some(Json::Array(items)) => items
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| is_workflow(w))
                    .map(|(i, w)| (w, format!("/data/{i}")))
                    .collect(),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

fn is_credential_record(v: &Json) -> bool {
    let data_ok = match v.get("data") {
        Some(Json::String(s)) => s.starts_with("U2FsdGVkX1"),
        Some(Json::Object(_)) => true,
        _ => false,
    };
    data_ok
        && str_at(v, "type").is_some()
        && str_at(v, "name").is_some()
        && v.get("id").is_some()
        && v.get("wires").is_none()
}

fn is_credential_export(json: &Json) -> bool {
    match json {
        Json::Array(items) => !items.is_empty() && items.iter().all(is_credential_record),
        other => is_credential_record(other),
    }
}

// ---------------------------------------------------------------------------
// Credential exports

fn parse_credential_export(json: &Json, file: &str) -> Option<App> {
    let records: Vec<(&Json, Location)> = match json {
        Json::Array(items) => items
            .iter()
            .enumerate()
            .filter(|(_, r)| is_credential_record(r))
            .map(|(i, r)| (r, Location::new(file, format!("/{i}"))))
            .collect(),
        other if is_credential_record(other) => vec![(other, Location::new(file, ""))],
        _ => Vec::new(),
    };
    if records.is_empty() {
        return None;
    }
    let mut app = App {
        platform: Platform::N8n,
        kind: AppKind::CredentialStore,
        name: format!("n8n credentials export ({} credential(s))", records.len()),
        location: Location::new(file, ""),
        run_context: RunContext {
            mode: RunMode::Unknown,
            ..RunContext::default()
        },
        ..App::default()
    };
    for (record, loc) in records {
        let name = str_at(record, "name").unwrap_or_default().to_string();
        let credential_type = str_at(record, "type").unwrap_or_default().to_string();
        let id = id_string(record.get("id")).unwrap_or_else(|| name.clone());
        let data = record.get("data");
        let storage = match data {
            Some(Json::Object(_)) => CredentialStorage::Plaintext,
            _ => CredentialStorage::Encrypted,
        };
        if let Some(data @ Json::Object(_)) = data {
            walk_strings(data, "", &loc.child("data"), &mut |key, text, l| {
                if text.is_empty() {
                    return;
                }
                let context = if is_password_key(key) {
                    ValueContext::PasswordField
                } else {
                    ValueContext::Credential
                };
                app.values.push(Value {
                    key: key.to_string(),
                    value: text.to_string(),
                    context,
                    kind: value_kind(text),
                    step_id: None,
                    location: l.clone(),
                });
            });
        }
        app.connections.push(Connection {
            id: format!("{credential_type}:{id}"),
            connector: credential_type.clone(),
            display_name: name.clone(),
            identity: ConnectionIdentity::StoredCredential,
            auth: credential_auth(&credential_type),
            endpoint: None,
            location: loc.clone(),
        });
        app.credentials.push(Credential {
            name,
            credential_type,
            storage,
            used_by: Vec::new(),
            location: loc,
        });
    }
    Some(app)
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
            "api-key",
            "privatekey",
            "private_key",
            "accesskey",
        ],
    )
}

fn credential_auth(credential_type: &str) -> Option<String> {
    let t = credential_type.to_ascii_lowercase();
    let auth = if t.contains("oauth2") {
        "oauth2"
    } else if t.contains("oauth1") {
        "oauth1"
    } else if t.contains("basicauth") {
        "basic"
    } else if t.contains("headerauth") {
        "header"
    } else if t.contains("queryauth") {
        "query"
    } else if t.contains("jwt") {
        "jwt"
    } else if t.ends_with("api") {
        "apiKey"
    } else {
        return None;
    };
    Some(auth.to_string())
}

// ---------------------------------------------------------------------------
// Workflows

/// What the parser remembers about a node while reading the others.
struct NodeInfo<'a> {
    name: String,
    short_type: &'a str,
    params: &'a Json,
    loc: Location,
    kind: StepKind,
    /// App triggers that n8n registers as a webhook with the outside service.
    has_webhook_id: bool,
}

fn parse_workflow(wf: &Json, base: &Location) -> App {
    let settings = wf.get("settings").filter(|s| s.is_object());
    let mut app = App {
        platform: Platform::N8n,
        kind: AppKind::Workflow,
        name: str_at(wf, "name")
            .filter(|n| !n.trim().is_empty())
            .unwrap_or("Unnamed n8n workflow")
            .to_string(),
        id: id_string(wf.get("id")),
        version: str_at(wf, "versionId").map(str::to_string),
        active: wf.get("active").and_then(Json::as_bool),
        location: base.clone(),
        ..App::default()
    };

    let nodes_loc = base.child("nodes");
    let mut infos: Vec<NodeInfo> = Vec::new();
    let empty = Json::Null;
    if let Some(Json::Array(nodes)) = wf.get("nodes") {
        for (i, node) in nodes.iter().enumerate() {
            if !node.is_object() {
                continue;
            }
            let node_type = str_at(node, "type").unwrap_or_default();
            let short_type = short_type(node_type);
            if short_type == "stickyNote" {
                continue;
            }
            let name = str_at(node, "name")
                .map(str::to_string)
                .or_else(|| id_string(node.get("id")))
                .unwrap_or_else(|| format!("node {i}"));
            let loc = nodes_loc.index(i).with_step(&name);
            let params = node.get("parameters").unwrap_or(&empty);
            let info = read_node(&mut app, node, node_type, short_type, name, params, loc);
            infos.push(info);
        }
    }

    dedupe_credentials(&mut app);
    read_edges(&mut app, wf.get("connections"));
    read_triggers(&mut app, &infos, settings);
    read_pin_data(&mut app, wf.get("pinData"), &base.child("pinData"));
    read_settings(&mut app, settings, &base.child("settings"));

    let endpoints: Vec<Endpoint> = app
        .values
        .iter()
        .filter(|v| v.context == ValueContext::Url && v.kind != ValueKind::Expression)
        .filter_map(|v| {
            let url = v.value.strip_prefix('=').unwrap_or(&v.value);
            host_of(url).map(|host| Endpoint {
                url: url.to_string(),
                host: Some(host),
                step_id: v.step_id.as_deref().map(str::to_string),
                location: v.location.clone(),
            })
        })
        .collect();
    app.endpoints = endpoints;

    let user_facing = app
        .triggers
        .iter()
        .any(|t| matches!(t.kind, TriggerKind::Form | TriggerKind::Chat));
    app.run_context = RunContext {
        mode: RunMode::Owner,
        raw: "runs with the workflow owner's stored credentials".into(),
        user_facing,
        requires_permission: None,
        location: Some(base.clone()),
    };
    app
}

fn short_type(node_type: &str) -> &str {
    node_type.rsplit('.').next().unwrap_or(node_type)
}

fn id_string(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn is_trigger_type(short: &str) -> bool {
    short.ends_with("Trigger")
        || matches!(
            short,
            "webhook" | "cron" | "interval" | "start" | "n8nTrigger"
        )
}

/// n8n's own trigger nodes (as opposed to an app's trigger such as
/// `slackTrigger`, which does connect to that app).
fn is_builtin_trigger(short: &str) -> bool {
    matches!(
        short,
        "webhook"
            | "formTrigger"
            | "chatTrigger"
            | "mcpTrigger"
            | "manualTrigger"
            | "scheduleTrigger"
            | "cron"
            | "interval"
            | "start"
            | "executeWorkflowTrigger"
            | "errorTrigger"
            | "n8nTrigger"
            | "localFileTrigger"
            | "workflowTrigger"
    )
}

fn step_kind(node_type: &str, short: &str, has_credentials: bool) -> StepKind {
    if is_trigger_type(short) {
        return StepKind::Trigger;
    }
    if node_type.starts_with("@n8n/n8n-nodes-langchain.") {
        return match short {
            "toolHttpRequest" => StepKind::HttpRequest,
            "code" | "toolCode" => StepKind::Code,
            _ => StepKind::Ai,
        };
    }
    match short {
        "httpRequest" => StepKind::HttpRequest,
        "code" | "function" | "functionItem" => StepKind::Code,
        "executeCommand" | "ssh" => StepKind::Command,
        "postgres" | "mySql" | "microsoftSql" | "oracleDatabase" | "snowflake" | "questDb"
        | "crateDb" | "timescaleDb" | "mongoDb" | "googleBigQuery" => StepKind::Database,
        "respondToWebhook" => StepKind::Response,
        "executeWorkflow" => StepKind::SubFlow,
        "emailSend" | "gmail" | "microsoftOutlook" | "sendGrid" | "mailgun" | "mailjet"
        | "awsSes" => StepKind::Email,
        "set" | "renameKeys" | "dateTime" | "crypto" => StepKind::Variable,
        "if" | "switch" | "merge" | "noOp" | "filter" | "splitInBatches" | "wait"
        | "stopAndError" | "splitOut" | "aggregate" | "sort" | "limit" | "removeDuplicates"
        | "compareDatasets" | "itemLists" => StepKind::Control,
        "openAi" => StepKind::Ai,
        _ if has_credentials => StepKind::ConnectorAction,
        _ if is_core_utility(short) => StepKind::Other,
        // Templates often ship app nodes with their credentials removed; the
        // node still talks to that app.
        _ => StepKind::ConnectorAction,
    }
}

/// Built-in nodes that work on the items themselves and talk to no outside app.
fn is_core_utility(short: &str) -> bool {
    matches!(
        short,
        "" | "html"
            | "htmlExtract"
            | "extractFromFile"
            | "convertToFile"
            | "form"
            | "markdown"
            | "editImage"
            | "readWriteFile"
            | "readBinaryFile"
            | "readBinaryFiles"
            | "writeBinaryFile"
            | "moveBinaryData"
            | "spreadsheetFile"
            | "compression"
            | "summarize"
            | "executionData"
            | "xml"
            | "xlsx"
            | "debugHelper"
            | "n8n"
            | "totp"
            | "localFileTrigger"
            | "quickChart"
            | "rssFeedRead"
            | "interval"
            | "splitOut"
            | "aiTransform"
            | "jwt"
    )
}

fn read_node<'a>(
    app: &mut App,
    node: &'a Json,
    node_type: &'a str,
    short: &'a str,
    name: String,
    params: &'a Json,
    loc: Location,
) -> NodeInfo<'a> {
    let creds = node.get("credentials").and_then(Json::as_object);
    let has_credentials = creds.is_some_and(|c| !c.is_empty());
    let kind = step_kind(node_type, short, has_credentials);
    let mut step = Step {
        id: name.clone(),
        name: name.clone(),
        kind,
        platform_type: node_type.to_string(),
        disabled: node
            .get("disabled")
            .and_then(Json::as_bool)
            .unwrap_or(false),
        location: loc.clone(),
        ..Step::default()
    };
    // A webhook or form trigger's credential protects the trigger; it does
    // not connect the workflow to another service.
    if (has_credentials && !is_builtin_trigger(short)) || kind == StepKind::ConnectorAction {
        step.connector = Some(node_type.to_string());
    }
    if let Some(creds) = creds {
        step.connection = read_credentials(app, creds, &name, &loc.child("credentials"));
    }
    let params_loc = loc.child("parameters");
    match kind {
        StepKind::HttpRequest => step.http = Some(http_call(node, params, &params_loc)),
        StepKind::Code | StepKind::Command => step.code = code_of(short, params, &params_loc),
        StepKind::Database => step.sql = sql_of(params, &params_loc),
        _ => {}
    }
    read_values(app, &mut step, short, params, &params_loc);
    if short == "set" {
        read_assignments(app, &mut step, params, &params_loc);
    }
    if short == "formTrigger" {
        read_form_fields(app, &name, params, &params_loc);
    }
    app.steps.push(step);
    NodeInfo {
        name,
        short_type: short,
        params,
        loc,
        kind,
        has_webhook_id: str_at(node, "webhookId").is_some_and(|w| !w.is_empty()),
    }
}

/// Adds the node's credential references; returns the first one's connection id.
fn read_credentials(
    app: &mut App,
    creds: &Map<String, Json>,
    step_id: &str,
    loc: &Location,
) -> Option<String> {
    let mut first = None;
    for (credential_type, reference) in creds {
        let (id, name) = match reference {
            Json::Object(_) => (
                id_string(reference.get("id")),
                str_at(reference, "name").unwrap_or_default().to_string(),
            ),
            Json::String(s) => (None, s.clone()),
            _ => continue,
        };
        let key = id.clone().unwrap_or_else(|| name.clone());
        let conn_id = format!("{credential_type}:{key}");
        let cred_loc = loc.child(credential_type);
        // Several nodes share a credential; `dedupe_credentials` merges them
        // once every node is read.
        app.connections.push(Connection {
            id: conn_id.clone(),
            connector: credential_type.clone(),
            display_name: name.clone(),
            identity: ConnectionIdentity::StoredCredential,
            auth: credential_auth(credential_type),
            endpoint: None,
            location: cred_loc.clone(),
        });
        app.credentials.push(Credential {
            name,
            credential_type: credential_type.clone(),
            storage: CredentialStorage::Reference,
            used_by: vec![step_id.to_string()],
            location: cred_loc,
        });
        first.get_or_insert(conn_id);
    }
    first
}

/// One connection and one credential per reference key, with every step that
/// uses it (connections and credentials are pushed in pairs).
fn dedupe_credentials(app: &mut App) {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut connections: Vec<Connection> = Vec::new();
    let mut credentials: Vec<Credential> = Vec::new();
    let pairs = std::mem::take(&mut app.connections)
        .into_iter()
        .zip(std::mem::take(&mut app.credentials));
    for (connection, credential) in pairs {
        match index
            .get(&connection.id)
            .and_then(|&i| credentials.get_mut(i))
        {
            Some(existing) => {
                for step in credential.used_by {
                    if existing.used_by.last() != Some(&step) {
                        existing.used_by.push(step);
                    }
                }
            }
            None => {
                index.insert(connection.id.clone(), credentials.len());
                connections.push(connection);
                credentials.push(credential);
            }
        }
    }
    app.connections = connections;
    app.credentials = credentials;
}

/// `{{ $credentials.basicAuth }}` (post-processed dumps) reads as `basicAuth`.
fn plain_setting(raw: &str) -> &str {
    let t = raw.trim().trim_start_matches('=').trim();
    let Some(inner) = t.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) else {
        return t;
    };
    let inner = inner.trim();
    inner.strip_prefix("$credentials.").unwrap_or(inner).trim()
}

fn param_str<'a>(params: &'a Json, key: &str) -> Option<&'a str> {
    str_at(params, key).map(plain_setting)
}

fn option<'a>(params: &'a Json, key: &str) -> Option<&'a Json> {
    params.get("options").and_then(|o| o.get(key))
}

fn http_call(node: &Json, params: &Json, loc: &Location) -> HttpCall {
    let version = node
        .get("typeVersion")
        .and_then(Json::as_f64)
        .unwrap_or(1.0);
    let method = str_at(params, "method")
        .or_else(|| str_at(params, "requestMethod"))
        .unwrap_or("GET")
        .to_string();
    let url = str_at(params, "url").unwrap_or_default().to_string();
    let url_is_expression = value_kind(&url) == ValueKind::Expression || is_whole_braces(&url);
    let auth = match param_str(params, "authentication").unwrap_or("none") {
        "none" | "" => HttpAuth::None,
        "genericCredentialType" => match param_str(params, "genericAuthType").unwrap_or("") {
            "httpHeaderAuth" => HttpAuth::Header,
            "httpQueryAuth" => HttpAuth::Query,
            "httpBasicAuth" | "httpDigestAuth" => HttpAuth::Basic,
            "httpBearerAuth" => HttpAuth::Bearer,
            "oAuth1Api" | "oAuth2Api" => HttpAuth::OAuth,
            _ => HttpAuth::Credential,
        },
        "predefinedCredentialType" => {
            let t = param_str(params, "nodeCredentialType").unwrap_or("");
            if t.to_ascii_lowercase().contains("oauth") {
                HttpAuth::OAuth
            } else {
                HttpAuth::Credential
            }
        }
        // typeVersion 1 and 2 name the method directly.
        "basicAuth" | "digestAuth" => HttpAuth::Basic,
        "headerAuth" => HttpAuth::Header,
        "queryAuth" => HttpAuth::Query,
        "oAuth1" | "oAuth2" => HttpAuth::OAuth,
        _ if version < 3.0 => HttpAuth::Credential,
        _ => HttpAuth::Unknown,
    };
    let tls_off = |v: Option<&Json>| v.and_then(Json::as_bool).unwrap_or(false);
    let tls_verification_disabled = tls_off(option(params, "allowUnauthorizedCerts"))
        || tls_off(params.get("allowUnauthorizedCerts"));
    HttpCall {
        method,
        url,
        url_is_expression,
        auth,
        tls_verification_disabled,
        location: loc.child("url"),
    }
}

fn code_of(short: &str, params: &Json, loc: &Location) -> Option<Code> {
    let (key, language, runs_commands) = match short {
        "executeCommand" => ("command", "shell", true),
        "ssh" => ("command", "ssh", true),
        _ => {
            let language = str_at(params, "language").unwrap_or("javaScript");
            if params.get("pythonCode").is_some() || language.starts_with("python") {
                ("pythonCode", "python", false)
            } else if params.get("functionCode").is_some() {
                ("functionCode", "javascript", false)
            } else if params.get("jsCode").is_some() {
                ("jsCode", "javascript", false)
            } else {
                ("code", "javascript", false)
            }
        }
    };
    if let Some(source) = str_at(params, key) {
        return Some(Code {
            language: language.to_string(),
            source: source.to_string(),
            runs_commands,
            location: loc.child(key),
        });
    }
    // LangChain Code node: `code: {execute: {code}, supplyData: {code}}`.
    let nested = params.get("code")?;
    let (part, source) = ["execute", "supplyData"].iter().find_map(|p| {
        nested
            .get(p)
            .and_then(|c| str_at(c, "code"))
            .map(|c| (*p, c))
    })?;
    Some(Code {
        language: "javascript".into(),
        source: source.to_string(),
        runs_commands,
        location: loc.child("code").child(part).child("code"),
    })
}

fn sql_of(params: &Json, loc: &Location) -> Option<SqlQuery> {
    let (key, text) = ["query", "sqlQuery"]
        .iter()
        .find_map(|k| str_at(params, k).map(|t| (*k, t)))?;
    let operation = str_at(params, "operation").unwrap_or("executeQuery");
    if !matches!(operation, "executeQuery" | "query" | "aggregate" | "find") && text.is_empty() {
        return None;
    }
    let set = |v: Option<&Json>| match v {
        Some(Json::String(s)) => !s.trim().is_empty(),
        Some(Json::Array(a)) => !a.is_empty(),
        Some(Json::Object(o)) => !o.is_empty(),
        _ => false,
    };
    let uses_parameters = set(option(params, "queryReplacement"))
        || set(option(params, "queryParams"))
        || set(params.get("queryParams"))
        || set(params
            .get("additionalFields")
            .and_then(|a| a.get("queryParams")));
    Some(SqlQuery {
        text: text.to_string(),
        interpolated: text.contains("{{"),
        uses_parameters,
        location: loc.child(key),
    })
}

// ---------------------------------------------------------------------------
// Values and fields

/// `={{ $json.x }}` is wholly computed; `=Bearer {{ $env.T }}` and legacy
/// `{{$node["X"].json["y"]}}` without `=` mix text and expressions; the rest is literal.
fn value_kind(text: &str) -> ValueKind {
    if let Some(rest) = text.strip_prefix('=') {
        if !has_doubled(rest, b'{') {
            return ValueKind::Literal;
        }
        if is_whole_braces(rest) {
            return ValueKind::Expression;
        }
        return ValueKind::Template;
    }
    if has_doubled(text, b'{') && has_doubled(text, b'}') {
        ValueKind::Template
    } else {
        ValueKind::Literal
    }
}

/// Whether `text` holds `c` twice in a row (`{{`, `}}`): a byte search, as
/// this runs for every value and most are short.
fn has_doubled(text: &str, c: u8) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(c, bytes).any(|i| bytes.get(i + 1) == Some(&c))
}

/// The whole text is one `{{ … }}` block.
fn is_whole_braces(text: &str) -> bool {
    let t = text.trim();
    let Some(inner) = t.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) else {
        return false;
    };
    !has_doubled(inner, b'{') && !has_doubled(inner, b'}')
}

/// What a parameter value is, from where it sits in the node's parameters.
///
/// `rel_path` is the value's JSON pointer below the node's parameters. Its
/// tokens are compared as written: an escaped token (`~0`, `~1`) holds `~` or
/// `/` either way, and no name compared against does.
fn value_context(kind: StepKind, short: &str, rel_path: &str, key: &str) -> ValueContext {
    // One pass over the path's tokens (this runs for every parameter value).
    let (mut top, mut last) = (None, None);
    let (mut header, mut query, mut body, mut assigned) = (false, false, false, false);
    for token in path_tokens(rel_path) {
        top.get_or_insert(token);
        last = Some(token);
        match token {
            "headerParameters"
            | "headerParametersUi"
            | "headerParametersJson"
            | "jsonHeaders"
            | "headers" => header = true,
            "queryParameters"
            | "queryParametersUi"
            | "queryParametersJson"
            | "jsonQuery"
            | "qs" => query = true,
            "bodyParameters" | "bodyParametersUi" | "bodyParametersJson" | "jsonBody" | "body" => {
                body = true
            }
            "assignments" | "values" | "fields" | "jsonOutput" => assigned = true,
            _ => {}
        }
    }
    let top = top.unwrap_or(key);
    let last = last.unwrap_or(key);
    if matches!(last, "password" | "passphrase") {
        return ValueContext::PasswordField;
    }
    if matches!(top, "jsCode" | "pythonCode" | "functionCode" | "code")
        || (matches!(short, "executeCommand" | "ssh") && top == "command")
    {
        return ValueContext::Code;
    }
    if header {
        return ValueContext::Header;
    }
    if query {
        return ValueContext::Query;
    }
    if body && kind == StepKind::HttpRequest {
        return ValueContext::Body;
    }
    if matches!(
        last,
        "url" | "baseUrl" | "baseURL" | "endpoint" | "webhookUrl"
    ) {
        return ValueContext::Url;
    }
    if short == "set" && assigned {
        return ValueContext::Variable;
    }
    ValueContext::Parameter
}

/// The non-empty `/`-separated tokens of a JSON pointer (a plain byte loop:
/// `str::split` costs several times more per token on these short paths).
fn path_tokens(path: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    path.bytes()
        .chain(std::iter::once(b'/'))
        .enumerate()
        .filter_map(move |(i, b)| {
            if b != b'/' {
                return None;
            }
            let token = path.get(start..i);
            start = i + 1;
            token.filter(|t| !t.is_empty())
        })
}

fn is_send_key(key: &str) -> bool {
    matches!(
        key,
        "text"
            | "message"
            | "html"
            | "content"
            | "body"
            | "subject"
            | "emailBody"
            | "blocksUi"
            | "attachments"
            | "caption"
    )
}

fn read_values(app: &mut App, step: &mut Step, short: &str, params: &Json, loc: &Location) {
    let kind = step.kind;
    let step_id = step.id.clone();
    // One shared copy of the id for all the step's values.
    let shared_id: std::sync::Arc<str> = step_id.as_str().into();
    // Straight into the app's list (no per-step list copied over after).
    let start = app.values.len();
    let values = &mut app.values;
    walk_strings(params, "", loc, &mut |key, text, l| {
        if text.is_empty() {
            return;
        }
        let rel = l.path.strip_prefix(loc.path.as_str()).unwrap_or("");
        let context = value_context(kind, short, rel, key);
        values.push(Value {
            key: key.to_string(),
            value: text.to_string(),
            context,
            kind: value_kind(text),
            step_id: Some(shared_id.clone()),
            location: l.clone(),
        });
    });
    let mut seen = HashSet::new();
    for v in app.values.get(start..).unwrap_or_default() {
        if kind == StepKind::HttpRequest
            && v.context == ValueContext::Body
            && (v.key.eq_ignore_ascii_case("grant_type") || is_password_key(&v.key))
        {
            step.handles_secret = true;
        }
        if v.kind == ValueKind::Literal || v.context == ValueContext::Code {
            continue;
        }
        let send = v.context == ValueContext::Body
            || kind == StepKind::Email
            || (kind == StepKind::ConnectorAction && is_send_key(&v.key));
        let usage = if send { FieldUse::Send } else { FieldUse::Read };
        for name in json_field_refs(&v.value) {
            if seen.insert((name, usage)) {
                app.fields.push(DataField {
                    name: name.to_string(),
                    object: None,
                    usage,
                    step_id: Some(step_id.clone()),
                    classification: None,
                    location: v.location.clone(),
                });
            }
        }
    }
}

/// Field names read through `$json.a.b`, `$json["a"]`, `.json.a` (`$('X').item.json.a`,
/// `$node["X"].json["a"]`): the last segment of each path, before any method call.
fn json_field_refs(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out: Vec<&str> = Vec::new();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find("json")) {
        let start = from + pos;
        from = start + 4;
        let prev = start.checked_sub(1).and_then(|i| bytes.get(i)).copied();
        if !matches!(prev, Some(b'$') | Some(b'.')) {
            continue;
        }
        let mut i = start + 4;
        // Only the path's last segment names the field.
        let mut last: Option<&str> = None;
        loop {
            match bytes.get(i) {
                Some(b'.') => {
                    let s = i + 1;
                    let mut e = s;
                    while bytes
                        .get(e)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
                    {
                        e += 1;
                    }
                    if e == s {
                        break;
                    }
                    if bytes.get(e) == Some(&b'(') {
                        break;
                    }
                    if let Some(seg) = text.get(s..e) {
                        last = Some(seg);
                    }
                    i = e;
                }
                Some(b'[') => {
                    let Some(&quote) = bytes.get(i + 1) else {
                        break;
                    };
                    if quote != b'"' && quote != b'\'' {
                        break;
                    }
                    let s = i + 2;
                    let Some(len) = text.get(s..).and_then(|r| r.find(quote as char)) else {
                        break;
                    };
                    if let Some(seg) = text.get(s..s + len) {
                        last = Some(seg);
                    }
                    i = s + len + 1;
                    if bytes.get(i) == Some(&b']') {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        from = from.max(i);
        if let Some(last) = last.map(str::trim) {
            if !last.is_empty() && !out.contains(&last) {
                out.push(last);
            }
        }
    }
    out
}

/// Set / Edit Fields: every assigned field name is written.
fn read_assignments(app: &mut App, step: &mut Step, params: &Json, loc: &Location) {
    let mut names: Vec<(String, Location)> = Vec::new();
    let mut collect = |list: Option<&Json>, list_loc: Location| {
        if let Some(Json::Array(items)) = list {
            for (i, item) in items.iter().enumerate() {
                if let Some(name) = str_at(item, "name").filter(|n| !n.is_empty()) {
                    names.push((name.to_string(), list_loc.index(i).child("name")));
                }
            }
        }
    };
    // v3.3+: assignments.assignments[{name, value, type}]
    collect(
        params.get("assignments").and_then(|a| a.get("assignments")),
        loc.child("assignments").child("assignments"),
    );
    // v3.0–3.2: fields.values[{name, stringValue}]
    collect(
        params.get("fields").and_then(|a| a.get("values")),
        loc.child("fields").child("values"),
    );
    // v1/v2: values.{string,number,boolean}[{name, value}]
    if let Some(Json::Object(groups)) = params.get("values") {
        for (group, list) in groups {
            collect(Some(list), loc.child("values").child(group));
        }
    }
    for (name, l) in names {
        if is_password_key(&name) {
            step.handles_secret = true;
        }
        app.fields.push(DataField {
            name,
            object: None,
            usage: FieldUse::Write,
            step_id: Some(step.id.clone()),
            classification: None,
            location: l,
        });
    }
}

/// Form Trigger: each form field is asked from whoever opens the form.
fn read_form_fields(app: &mut App, step_id: &str, params: &Json, loc: &Location) {
    let Some(Json::Array(items)) = params.get("formFields").and_then(|f| f.get("values")) else {
        return;
    };
    let list_loc = loc.child("formFields").child("values");
    for (i, item) in items.iter().enumerate() {
        let Some(label) = str_at(item, "fieldLabel").or_else(|| str_at(item, "fieldName")) else {
            continue;
        };
        app.fields.push(DataField {
            name: label.to_string(),
            object: None,
            usage: FieldUse::Input,
            step_id: Some(step_id.to_string()),
            classification: None,
            location: list_loc.index(i),
        });
    }
}

// ---------------------------------------------------------------------------
// Edges, triggers, pinned data, settings

fn read_edges(app: &mut App, connections: Option<&Json>) {
    let Some(Json::Object(sources)) = connections else {
        return;
    };
    for (from, kinds) in sources {
        let Json::Object(kinds) = kinds else {
            continue;
        };
        for (kind, outputs) in kinds {
            let Json::Array(outputs) = outputs else {
                continue;
            };
            for output in outputs {
                let Json::Array(targets) = output else {
                    continue;
                };
                for target in targets {
                    if let Some(to) = str_at(target, "node") {
                        app.edges.push(Edge {
                            from: from.clone(),
                            to: to.to_string(),
                            kind: kind.clone(),
                        });
                    }
                }
            }
        }
    }
}

/// Nodes from which a Respond to Webhook node can be reached along `main`
/// links (one backwards search from all responders, so it stays linear).
fn nodes_reaching_response<'a>(app: &'a App, responders: &HashSet<&'a str>) -> HashSet<&'a str> {
    let mut prev: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in app.edges.iter().filter(|e| e.kind == "main") {
        prev.entry(e.to.as_str()).or_default().push(e.from.as_str());
    }
    let mut reaching: HashSet<&str> = HashSet::new();
    let mut queue: VecDeque<&str> = responders.iter().copied().collect();
    while let Some(n) = queue.pop_front() {
        for &p in prev.get(n).into_iter().flatten() {
            if reaching.insert(p) {
                queue.push_back(p);
            }
        }
    }
    reaching
}

fn caller_policy_audience(policy: &str) -> Audience {
    match policy {
        "any" => Audience::Organisation,
        "workflowsFromAList" => Audience::SpecificUsers,
        _ => Audience::Internal,
    }
}

fn read_triggers(app: &mut App, infos: &[NodeInfo], settings: Option<&Json>) {
    let responders: HashSet<&str> = infos
        .iter()
        .filter(|n| n.kind == StepKind::Response)
        .map(|n| n.name.as_str())
        .collect();
    let caller_policy = settings
        .and_then(|s| str_at(s, "callerPolicy"))
        .unwrap_or("workflowsFromSameOwner");
    let reaching = nodes_reaching_response(app, &responders);
    let mut triggers = Vec::new();
    for node in infos.iter().filter(|n| n.kind == StepKind::Trigger) {
        let p = node.params;
        let auth_of = |v: Option<&str>| v.map(plain_setting).unwrap_or("none").to_string();
        let response_mode = param_str(p, "responseMode")
            .or_else(|| option(p, "responseMode").and_then(Json::as_str))
            .unwrap_or("onReceived");
        let no_data = option(p, "responseData").and_then(Json::as_str) == Some("noData");
        let returns = (matches!(response_mode, "lastNode" | "responseNode") && !no_data)
            || reaching.contains(node.name.as_str());
        let origins = option(p, "allowedOrigins")
            .and_then(Json::as_str)
            .map(str::to_string);
        let ip_restricted = option(p, "ipWhitelist")
            .and_then(Json::as_str)
            .is_some_and(|s| !s.trim().is_empty());
        let caller_audience = |auth: &str| match auth {
            "none" | "" => Audience::Anyone,
            "n8nUserAuth" => Audience::Organisation,
            _ => Audience::CredentialHolders,
        };
        let (kind, audience, auth, responds) = match node.short_type {
            "webhook" => {
                let auth = auth_of(str_at(p, "authentication"));
                (TriggerKind::Http, caller_audience(&auth), auth, returns)
            }
            "formTrigger" => {
                let auth = auth_of(str_at(p, "authentication"));
                (TriggerKind::Form, caller_audience(&auth), auth, returns)
            }
            "chatTrigger" => {
                let public = p.get("public").and_then(Json::as_bool).unwrap_or(false);
                let auth = auth_of(option(p, "authentication").and_then(Json::as_str));
                let audience = if public {
                    caller_audience(&auth)
                } else {
                    Audience::Internal
                };
                let auth = if public { auth } else { "editor only".into() };
                (TriggerKind::Chat, audience, auth, true)
            }
            "manualChatTrigger" => (
                TriggerKind::Chat,
                Audience::Internal,
                "editor only".into(),
                true,
            ),
            "mcpTrigger" => {
                let auth = auth_of(str_at(p, "authentication"));
                (TriggerKind::Mcp, caller_audience(&auth), auth, true)
            }
            "executeWorkflowTrigger" => (
                TriggerKind::SubWorkflow,
                caller_policy_audience(caller_policy),
                format!("callerPolicy: {caller_policy}"),
                false,
            ),
            "errorTrigger" => (TriggerKind::Error, Audience::Internal, "none".into(), false),
            "scheduleTrigger" | "cron" | "interval" => (
                TriggerKind::Schedule,
                Audience::Internal,
                "none".into(),
                false,
            ),
            "manualTrigger" | "start" => (
                TriggerKind::Manual,
                Audience::Internal,
                "none".into(),
                false,
            ),
            _ if node.has_webhook_id => (
                TriggerKind::Webhook,
                Audience::Unknown,
                "checked by the calling service, if at all".into(),
                returns,
            ),
            _ => (TriggerKind::Event, Audience::Internal, "none".into(), false),
        };
        triggers.push(Trigger {
            step_id: node.name.clone(),
            name: node.name.clone(),
            kind,
            audience,
            auth,
            allowed_origins: origins,
            ip_restricted,
            responds_with_data: responds,
            location: node.loc.clone(),
        });
    }
    app.triggers = triggers;
}

fn read_pin_data(app: &mut App, pin: Option<&Json>, loc: &Location) {
    let Some(Json::Object(pins)) = pin else {
        return;
    };
    let step_ids: HashSet<String> = app.steps.iter().map(|s| s.id.clone()).collect();
    for (node_name, items) in pins {
        let Json::Array(items) = items else {
            continue;
        };
        let node_loc = loc.child(node_name).with_step(node_name);
        let step_id: Option<std::sync::Arc<str>> = step_ids
            .contains(node_name.as_str())
            .then(|| node_name.as_str().into());
        let mut fields: Vec<String> = Vec::new();
        let mut known: HashSet<&str> = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let (record, record_loc) = match item.get("json") {
                Some(j) => (j, node_loc.index(i).child("json")),
                None => (item, node_loc.index(i)),
            };
            if let Json::Object(map) = record {
                for k in map.keys() {
                    if known.insert(k.as_str()) {
                        fields.push(k.clone());
                    }
                }
            }
            walk_strings(record, "", &record_loc, &mut |key, text, l| {
                if text.is_empty() {
                    return;
                }
                app.values.push(Value {
                    key: key.to_string(),
                    value: text.to_string(),
                    context: ValueContext::SampleData,
                    kind: ValueKind::Literal,
                    step_id: step_id.clone(),
                    location: l.clone(),
                });
            });
        }
        app.sample_data.push(SampleData {
            step_id: step_id.as_deref().map(str::to_string),
            records: items.len(),
            fields,
            location: node_loc,
        });
    }
}

fn read_settings(app: &mut App, settings: Option<&Json>, loc: &Location) {
    let Some(settings) = settings else {
        return;
    };
    if let Some(policy) = str_at(settings, "callerPolicy") {
        app.sharing.push(Sharing {
            audience: caller_policy_audience(policy),
            what: "may start this workflow as a sub-workflow".into(),
            raw: format!("callerPolicy: {policy}"),
            location: loc.child("callerPolicy"),
        });
    }
    if settings.get("availableInMCP").and_then(Json::as_bool) == Some(true) {
        app.sharing.push(Sharing {
            audience: Audience::Organisation,
            what: "exposed to AI agents through MCP".into(),
            raw: "availableInMCP: true".into(),
            location: loc.child("availableInMCP"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Content;

    fn entry(name: &str, text: &str) -> Entry {
        Entry {
            display_path: name.to_string(),
            path: name.to_string(),
            content: Content::Json(serde_json::from_str(text).expect("fixture is JSON")),
        }
    }

    fn parse_text(name: &str, text: &str) -> (Vec<App>, Vec<Note>) {
        let e = entry(name, text);
        assert!(claims(&e), "{name} should be claimed");
        let bundle = Bundle::default();
        let mut notes = Vec::new();
        let apps = parse(&bundle, &[&e], &mut notes);
        (apps, notes)
    }

    fn one(name: &str, text: &str) -> App {
        let (mut apps, _) = parse_text(name, text);
        assert_eq!(apps.len(), 1);
        apps.remove(0)
    }

    fn value<'a>(app: &'a App, key: &str) -> &'a Value {
        app.values
            .iter()
            .find(|v| v.key == key)
            .unwrap_or_else(|| panic!("no value {key}"))
    }

    const PUBLIC: &str = include_str!("../../tests/fixtures/n8n/public-webhook-hardcoded-key.json");
    const SAFE: &str = include_str!("../../tests/fixtures/n8n/safe-webhook.json");
    const V1: &str = include_str!("../../tests/fixtures/n8n/http-v1.json");
    const MULTI: &str = include_str!("../../tests/fixtures/n8n/multi-export.json");
    const CREDS: &str = include_str!("../../tests/fixtures/n8n/credentials-decrypted.json");

    #[test]
    fn public_webhook_workflow_is_read_fully() {
        let app = one("lead.json", PUBLIC);
        assert_eq!(app.name, "Lead intake");
        assert_eq!(app.kind, AppKind::Workflow);
        assert_eq!(app.active, Some(true));
        assert_eq!(app.id.as_deref(), Some("wf1"));
        // Sticky notes are not steps.
        assert_eq!(app.steps.len(), 4);
        assert!(app.step("Sticky Note").is_none());

        let hook = &app.triggers[0];
        assert_eq!(hook.kind, TriggerKind::Http);
        assert_eq!(hook.audience, Audience::Anyone);
        assert_eq!(hook.auth, "none");
        assert_eq!(hook.allowed_origins.as_deref(), Some("*"));
        assert!(hook.responds_with_data);
        assert!(!hook.ip_restricted);
        assert_eq!(hook.location.path, "/nodes/0");

        let http_step = app.step("Create lead").expect("http step");
        assert_eq!(http_step.kind, StepKind::HttpRequest);
        let http = http_step.http.as_ref().expect("http call");
        assert_eq!(http.method, "POST");
        assert_eq!(http.auth, HttpAuth::None);
        assert!(http.tls_verification_disabled);
        assert!(!http.url_is_expression);
        assert_eq!(
            app.endpoints[0].host.as_deref(),
            Some("api.example-crm.test")
        );

        let auth = value(&app, "Authorization");
        assert_eq!(auth.context, ValueContext::Header);
        assert_eq!(auth.kind, ValueKind::Literal);
        assert_eq!(auth.step_id.as_deref(), Some("Create lead"));
        assert_eq!(
            auth.location.path,
            "/nodes/1/parameters/headerParameters/parameters/0/value"
        );
        assert_eq!(auth.location.step.as_deref(), Some("Create lead"));
        let request_id = value(&app, "X-Request-Id");
        assert_eq!(request_id.kind, ValueKind::Expression);
        let body = value(&app, "jsonBody");
        assert_eq!(body.context, ValueContext::Body);
        assert_eq!(body.kind, ValueKind::Template);

        let slack = app.step("Tell sales").expect("slack");
        assert_eq!(slack.kind, StepKind::ConnectorAction);
        assert_eq!(slack.connector.as_deref(), Some("n8n-nodes-base.slack"));
        assert_eq!(slack.connection.as_deref(), Some("slackApi:12"));
        assert_eq!(app.connections[0].display_name, "Slack account");
        assert_eq!(app.credentials[0].used_by, vec!["Tell sales".to_string()]);

        let sends: Vec<(&str, &str)> = app
            .fields
            .iter()
            .filter(|f| f.usage == FieldUse::Send)
            .map(|f| (f.name.as_str(), f.step_id.as_deref().unwrap_or("")))
            .collect();
        assert!(sends.contains(&("email", "Create lead")), "{sends:?}");
        assert!(sends.contains(&("fullName", "Create lead")), "{sends:?}");
        assert!(sends.contains(&("phone", "Tell sales")), "{sends:?}");

        assert_eq!(app.edges.len(), 3);
        assert_eq!(app.edges[0].kind, "main");

        let sample = &app.sample_data[0];
        assert_eq!(sample.step_id.as_deref(), Some("Webhook"));
        assert_eq!(sample.records, 2);
        assert_eq!(sample.fields, vec!["body", "fullName", "phone"]);
        let email = app
            .values
            .iter()
            .find(|v| v.context == ValueContext::SampleData && v.key == "email")
            .expect("pinned e-mail");
        assert_eq!(email.value, "jane.doe@example.com");
        assert_eq!(email.location.path, "/pinData/Webhook/0/json/body/email");

        assert_eq!(app.sharing.len(), 2);
        assert_eq!(app.sharing[0].audience, Audience::Organisation);
        assert_eq!(app.sharing[0].raw, "callerPolicy: any");
        assert_eq!(app.sharing[1].what, "exposed to AI agents through MCP");
        assert_eq!(app.run_context.mode, RunMode::Owner);
        assert!(!app.run_context.user_facing);
    }

    #[test]
    fn authenticated_webhook_and_database_nodes() {
        let app = one("safe.json", SAFE);
        let hook = &app.triggers[0];
        assert_eq!(hook.audience, Audience::CredentialHolders);
        assert_eq!(hook.auth, "headerAuth");
        assert!(hook.ip_restricted);
        assert!(!hook.responds_with_data);

        let http = app.step("Send to ERP").and_then(|s| s.http.as_ref());
        assert_eq!(http.map(|h| h.auth), Some(HttpAuth::Header));

        let save = app.step("Save order").expect("save");
        assert_eq!(save.kind, StepKind::Database);
        let sql = save.sql.as_ref().expect("sql");
        assert!(sql.uses_parameters);
        assert!(!sql.interpolated);
        let lookup = app.step("Look up order").and_then(|s| s.sql.as_ref());
        assert_eq!(
            lookup.map(|q| (q.interpolated, q.uses_parameters)),
            Some((true, false))
        );

        // The same credential used twice is one connection with two users.
        let db: Vec<&Credential> = app
            .credentials
            .iter()
            .filter(|c| c.credential_type == "postgres")
            .collect();
        assert_eq!(db.len(), 1);
        assert_eq!(db[0].used_by, vec!["Save order", "Look up order"]);
        assert_eq!(db[0].storage, CredentialStorage::Reference);
        assert_eq!(app.connections.len(), 3);
        assert_eq!(
            app.connection("httpHeaderAuth:3").map(|c| c.identity),
            Some(ConnectionIdentity::StoredCredential)
        );
        assert_eq!(app.sharing[0].audience, Audience::Internal);
    }

    #[test]
    fn version_one_http_nodes_and_legacy_shapes() {
        let (apps, notes) = parse_text("v1.json", V1);
        let app = &apps[0];
        assert!(notes.is_empty());
        // A non-object node is skipped; an object with odd-typed fields still counts.
        assert_eq!(app.steps.len(), 8);
        assert_eq!(app.step("node 8").map(|s| s.kind), Some(StepKind::Other));
        assert_eq!(app.name, "Legacy token fetch");

        let token = app.step("Get token").expect("token step");
        let http = token.http.as_ref().expect("http");
        assert_eq!(http.method, "POST");
        assert!(http.tls_verification_disabled);
        assert!(token.handles_secret);
        assert_eq!(value(app, "x-api-key").context, ValueContext::Header);
        assert_eq!(value(app, "client_secret").context, ValueContext::Body);

        let call = app.step("Call instance").expect("call");
        let http = call.http.as_ref().expect("http");
        assert_eq!(http.auth, HttpAuth::Basic);
        assert!(http.url_is_expression);
        assert_eq!(
            call.connection.as_deref(),
            Some("httpBasicAuth:Legacy basic")
        );

        let code = app
            .step("Function")
            .and_then(|s| s.code.as_ref())
            .expect("code");
        assert_eq!(code.language, "javascript");
        assert!(code.source.contains("$env.API_KEY"));
        assert_eq!(value(app, "functionCode").context, ValueContext::Code);
        let cmd = app.step("Execute Command").expect("command");
        assert_eq!(cmd.kind, StepKind::Command);
        assert!(cmd.code.as_ref().is_some_and(|c| c.runs_commands));

        let kinds: Vec<TriggerKind> = app.triggers.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, vec![TriggerKind::Manual, TriggerKind::Schedule]);
        assert!(app
            .triggers
            .iter()
            .all(|t| t.audience == Audience::Internal));

        // A null output slot is skipped.
        assert_eq!(app.edges.len(), 4);
        let set = app.step("Set").expect("set");
        assert!(set.handles_secret);
        assert!(app
            .fields
            .iter()
            .any(|f| f.name == "apiToken" && f.usage == FieldUse::Write));
        assert!(app
            .fields
            .iter()
            .any(|f| f.name == "access_token" && f.usage == FieldUse::Read));
        assert!(app
            .endpoints
            .iter()
            .any(|e| e.host.as_deref() == Some("auth.example-legacy.test")));
    }

    #[test]
    fn array_export_gives_one_app_per_workflow() {
        let (apps, notes) = parse_text("all.json", MULTI);
        assert_eq!(apps.len(), 2);
        assert_eq!(notes.len(), 1, "the stray item is mentioned");

        let chat = &apps[0];
        assert_eq!(chat.location.path, "/0");
        let t = &chat.triggers[0];
        assert_eq!((t.kind, t.audience), (TriggerKind::Chat, Audience::Anyone));
        assert!(t.responds_with_data);
        assert!(chat.run_context.user_facing);
        assert_eq!(chat.step("AI Agent").map(|s| s.kind), Some(StepKind::Ai));
        assert!(chat
            .edges
            .iter()
            .any(|e| e.kind == "ai_languageModel" && e.to == "AI Agent"));
        assert_eq!(
            value(chat, "systemMessage").location.path,
            "/0/nodes/1/parameters/options/systemMessage"
        );

        let sub = &apps[1];
        let by_name = |n: &str| sub.triggers.iter().find(|t| t.name == n).expect(n);
        let called = by_name("When called by another workflow");
        assert_eq!(called.kind, TriggerKind::SubWorkflow);
        assert_eq!(called.audience, Audience::SpecificUsers);
        let form = by_name("On form submission");
        assert_eq!(
            (form.kind, form.audience),
            (TriggerKind::Form, Audience::Anyone)
        );
        assert_eq!(by_name("New email").kind, TriggerKind::Event);
        assert_eq!(by_name("Stripe Trigger").kind, TriggerKind::Webhook);
        assert!(sub
            .fields
            .iter()
            .any(|f| f.name == "Card number" && f.usage == FieldUse::Input));
        assert!(sub
            .fields
            .iter()
            .any(|f| f.name == "customerEmail" && f.usage == FieldUse::Write));
        assert_eq!(value(sub, "customerEmail").context, ValueContext::Variable);
    }

    #[test]
    fn decrypted_credentials_are_plaintext_values() {
        let app = one("creds.json", CREDS);
        assert_eq!(app.kind, AppKind::CredentialStore);
        let storage: Vec<CredentialStorage> = app.credentials.iter().map(|c| c.storage).collect();
        assert_eq!(
            storage,
            vec![
                CredentialStorage::Plaintext,
                CredentialStorage::Plaintext,
                CredentialStorage::Encrypted
            ]
        );
        let password = value(&app, "password");
        assert_eq!(password.context, ValueContext::PasswordField);
        assert_eq!(password.location.path, "/1/data/password");
        assert_eq!(
            value(&app, "X-API-Key").context,
            ValueContext::PasswordField
        );
        assert_eq!(value(&app, "host").context, ValueContext::Credential);
        assert!(!app.values.iter().any(|v| v.value.starts_with("U2FsdGVkX1")));
    }

    #[test]
    fn single_encrypted_record_and_wrappers_are_claimed() {
        let rec = r#"{"id":"x","name":"Local","type":"ollamaApi","data":"U2FsdGVkX18abc"}"#;
        let app = one("cred.json", rec);
        assert_eq!(app.credentials[0].storage, CredentialStorage::Encrypted);

        let api = r#"{"data":[{"name":"A","nodes":[],"connections":{}}],"nextCursor":null}"#;
        let app = one("api.json", api);
        assert_eq!(app.location.path, "/data/0");
        let wrapped =
            r#"{"workflow":{"name":"W","nodes":[{"name":"n","type":"x.y"}],"connections":{}}}"#;
        let app = one("w.json", wrapped);
        assert_eq!(app.steps[0].location.path, "/workflow/nodes/0");
    }

    #[test]
    fn app_nodes_without_credentials_and_langchain_code() {
        let text = r#"{"nodes":[
            {"name":"Sheet","type":"n8n-nodes-base.googleSheets","parameters":{}},
            {"name":"Parse","type":"n8n-nodes-base.html","parameters":{}},
            {"name":"Tool","type":"@n8n/n8n-nodes-langchain.code",
             "parameters":{"code":{"supplyData":{"code":"return 1;"}}}}
        ],"connections":{}}"#;
        let app = one("w.json", text);
        let sheet = app.step("Sheet").expect("sheet");
        assert_eq!(sheet.kind, StepKind::ConnectorAction);
        assert_eq!(
            sheet.connector.as_deref(),
            Some("n8n-nodes-base.googleSheets")
        );
        assert_eq!(app.step("Parse").map(|s| s.kind), Some(StepKind::Other));
        let code = app
            .step("Tool")
            .and_then(|s| s.code.as_ref())
            .expect("code");
        assert_eq!(code.source, "return 1;");
        assert_eq!(
            code.location.path,
            "/nodes/2/parameters/code/supplyData/code"
        );
        assert_eq!(app.name, "Unnamed n8n workflow");
    }

    #[test]
    fn odd_shapes_never_panic() {
        let text = r#"{"name":7,"nodes":[null,1,"x",[],
            {"name":"W","type":"n8n-nodes-base.webhook","parameters":{"authentication":5,"options":"x"},
             "credentials":{"a":7,"b":null,"c":{"id":[1],"name":{}}},"typeVersion":"2"},
            {"name":"H","type":"n8n-nodes-base.httpRequest","parameters":{"url":["x"],"method":1,"options":null}},
            {"name":"S","type":"n8n-nodes-base.set","parameters":{"values":{"string":{"name":"x"}},"assignments":[]}},
            {"name":"P","type":"n8n-nodes-base.postgres","parameters":{"query":{"a":1}}}],
          "connections":{"W":{"main":"x"},"H":[],"S":{"main":[null,[null,1,{"node":5}]]}},
          "pinData":{"W":{"json":1},"H":[1,null,{"json":"s"}]},
          "settings":{"callerPolicy":9,"availableInMCP":"yes"}}"#;
        let app = one("odd.json", text);
        assert_eq!(app.name, "Unnamed n8n workflow");
        assert_eq!(app.steps.len(), 4);
        assert_eq!(app.triggers[0].audience, Audience::Anyone);
        assert_eq!(
            app.step("H")
                .and_then(|s| s.http.as_ref())
                .map(|h| h.method.as_str()),
            Some("GET")
        );
        assert!(app.edges.is_empty());
        assert!(app.sharing.is_empty());
        assert_eq!(app.sample_data.len(), 1);
    }

    #[test]
    fn large_workflows_stay_linear() {
        let n = 10_000;
        let mut nodes = Vec::new();
        let mut connections = serde_json::Map::new();
        for i in 0..n {
            nodes.push(serde_json::json!({
                "name": format!("n{i}"),
                "type": if i % 2 == 0 { "n8n-nodes-base.webhook" } else { "n8n-nodes-base.slack" },
                "parameters": {"text": format!("={{{{ $json.f{i} }}}}")},
                "credentials": {"slackApi": {"id": format!("{}", i % 3), "name": "Slack"}}
            }));
            connections.insert(
                format!("n{i}"),
                serde_json::json!({"main": [[{"node": format!("n{}", i + 1), "type": "main", "index": 0}]]}),
            );
        }
        let wf = serde_json::json!({"nodes": nodes, "connections": connections});
        let app = one("big.json", &wf.to_string());
        assert_eq!(app.steps.len(), n);
        assert_eq!(app.connections.len(), 3);
        assert_eq!(app.credentials[0].used_by.len(), n.div_ceil(3));
        assert_eq!(app.triggers.len(), n / 2);
    }

    #[test]
    fn other_json_is_not_claimed() {
        for text in [
            r#"{"a":1}"#,
            r#"[{"id":"1","type":"tab","label":"Flow 1"}]"#,
            r#"{"nodes":{},"connections":{}}"#,
            r#"{"id":"1","name":"n","type":"t","data":"plain text"}"#,
            "[]",
        ] {
            assert!(!claims(&entry("x.json", text)), "{text}");
        }
    }

    #[test]
    fn value_kinds_follow_n8n_expression_rules() {
        assert_eq!(value_kind("={{ $json.a }}"), ValueKind::Expression);
        assert_eq!(value_kind("=Bearer {{ $env.T }}"), ValueKind::Template);
        assert_eq!(
            value_kind("{{$node[\"X\"].json[\"y\"]}}"),
            ValueKind::Template
        );
        assert_eq!(value_kind("=plain"), ValueKind::Literal);
        assert_eq!(value_kind("Bearer abc"), ValueKind::Literal);
    }

    #[test]
    fn field_refs_are_found_in_all_spellings() {
        assert_eq!(json_field_refs("{{ $json.customer.email }}"), vec!["email"]);
        assert_eq!(
            json_field_refs("{{ $json[\"First Name\"] }}"),
            vec!["First Name"]
        );
        assert_eq!(
            json_field_refs("{{ $('A').item.json.phone }} {{$node[\"B\"].json['iban']}}"),
            vec!["phone", "iban"]
        );
        assert_eq!(
            json_field_refs("{{ $json.name.toUpperCase() }}"),
            vec!["name"]
        );
        assert!(json_field_refs("JSON.stringify(x) json").is_empty());
        assert!(json_field_refs("$json[").is_empty());
        assert!(json_field_refs("$json[\"unterminated").is_empty());
    }

    #[test]
    fn webhook_credential_protects_the_trigger_and_is_not_a_connector() {
        let text = r#"{"name":"Guarded","nodes":[
            {"name":"Hook","type":"n8n-nodes-base.webhook","typeVersion":2,"position":[0,0],
             "parameters":{"path":"in","authentication":"headerAuth"},
             "credentials":{"httpHeaderAuth":{"id":"7","name":"Inbound key"}}},
            {"name":"New message","type":"n8n-nodes-base.slackTrigger","typeVersion":1,"position":[0,200],
             "parameters":{},"credentials":{"slackApi":{"id":"8","name":"Slack"}}}
        ],"connections":{}}"#;
        let app = one("guarded.json", text);
        let hook = app.step("Hook").expect("webhook step");
        assert_eq!(hook.kind, StepKind::Trigger);
        assert_eq!(hook.connector, None);
        assert_eq!(hook.connection.as_deref(), Some("httpHeaderAuth:7"));
        assert!(app.credentials.iter().any(|c| c.name == "Inbound key"));
        // An app's own trigger still talks to that app.
        let slack = app.step("New message").expect("slack trigger");
        assert_eq!(
            slack.connector.as_deref(),
            Some("n8n-nodes-base.slackTrigger")
        );
    }
}
