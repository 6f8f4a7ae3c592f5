//! Windmill: `wmill sync` workspace layouts (YAML beside code files), whole or
//! in part, as a folder's zip or single files.
//!
//! Shapes read (see the field guide, section "9. Windmill"):
//! * `<name>.resource.yaml` `{resource_type, value: {host, password: '$var:…'}}`;
//! * `<name>.variable.yaml` `{value, is_secret, is_oauth}` (secret values are
//!   exported encrypted unless pulled with plain secrets);
//! * `folder.meta.yaml` `{display_name, owners, extra_perms: {"g/all": false}}`;
//! * `<name>.script.yaml` + the code file `<name>.ts` / `.py` / `.pg.sql` …;
//! * `<name>.flow/flow.yaml` `{summary, value: {modules: [{id, value: {type:
//!   rawscript|script|flow|forloopflow|branchone|…, content, language, path,
//!   input_transforms}}]}}` with inline code in `*.inline_script.*` files;
//! * `<name>.app/app.yaml` `{summary, value, policy: {execution_mode}}`;
//! * `*.schedule.yaml` / `*.http_trigger.yaml` bound to a script or flow path.
//!
//! Each flow, script and app becomes one [`App`]; resources, variables and
//! folder permissions become one credential-store app for the workspace.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::common::{str_at, walk_strings};
use super::Parser;
use crate::ingest::{parse_yaml, Bundle, Content, Entry};
use crate::model::{
    App, AppKind, Audience, Code, Connection, ConnectionIdentity, Credential, CredentialStorage,
    DataField, Edge, FieldUse, Location, Platform, RunContext, RunMode, Sharing, SqlQuery, Step,
    StepKind, Trigger, TriggerKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::Windmill,
    claims,
    parse,
};

// ---------------------------------------------------------------------------
// Detection

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Resource,
    Variable,
    Folder,
    Script,
    Flow,
    AppDef,
    Schedule,
    HttpTrigger,
    /// Code, lock and settings files read through the bundle by the others.
    Side,
}

const CODE_ENDINGS: &[&str] = &[
    ".ts", ".py", ".go", ".sh", ".sql", ".ps1", ".php", ".rs", ".js", ".gql", ".yml", ".nu",
    ".java", ".cs",
];

fn kind_of(path: &str) -> Option<Kind> {
    let lower = path.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    let parent = lower.rsplit('/').nth(1).unwrap_or_default();
    let ends =
        |s: &str| file.ends_with(&format!("{s}.yaml")) || file.ends_with(&format!("{s}.json"));
    if ends(".resource") {
        Some(Kind::Resource)
    } else if ends(".variable") {
        Some(Kind::Variable)
    } else if file == "folder.meta.yaml" || file == "folder.meta.json" {
        Some(Kind::Folder)
    } else if ends(".script") {
        Some(Kind::Script)
    } else if ends(".schedule") {
        Some(Kind::Schedule)
    } else if ends(".http_trigger") {
        Some(Kind::HttpTrigger)
    } else if ((file == "flow.yaml" || file == "flow.json") && parent.ends_with(".flow"))
        || ends(".flow")
    {
        Some(Kind::Flow)
    } else if ((file == "app.yaml" || file == "app.json") && parent.ends_with(".app"))
        || ends(".app")
    {
        Some(Kind::AppDef)
    } else if file.contains(".inline_script.")
        || file.ends_with(".script.lock")
        || ends(".resource-type")
        || file == "wmill.yaml"
        || file == "wmill-lock.yaml"
        || file == ".wmillignore"
        || (in_workspace_folder(&lower) && CODE_ENDINGS.iter().any(|e| file.ends_with(e)))
    {
        Some(Kind::Side)
    } else {
        None
    }
}

/// Under a workspace folder (`f/<folder>/…`) or user space (`u/<user>/…`).
fn in_workspace_folder(path: &str) -> bool {
    path.starts_with("f/") || path.starts_with("u/") || path.contains("/f/") || path.contains("/u/")
}

fn claims(entry: &Entry) -> bool {
    let Some(kind) = kind_of(&entry.path) else {
        return false;
    };
    match (&entry.content, kind) {
        (Content::Xml(_), _) => false,
        (Content::Json(v), k) => k != Kind::Side && v.is_object(),
        (Content::Text(_), _) => true,
    }
}

/// `repo/f/examples/x.flow/flow.yaml` → `f/examples/x`; `u/alice/y.script.yaml` → `u/alice/y`.
fn windmill_path(path: &str, kind: Kind) -> String {
    let start = ["f/", "u/", "g/"]
        .iter()
        .filter_map(|p| {
            if path.starts_with(p) {
                Some(0)
            } else {
                path.rfind(&format!("/{p}")).map(|i| i + 1)
            }
        })
        .min()
        .unwrap_or(0);
    let mut rest = path.get(start..).unwrap_or(path).to_string();
    if matches!(kind, Kind::Flow | Kind::AppDef) {
        for tail in ["/flow.yaml", "/flow.json", "/app.yaml", "/app.json"] {
            if let Some(r) = rest.strip_suffix(tail) {
                rest = r.to_string();
            }
        }
    }
    if kind == Kind::Folder {
        for tail in ["/folder.meta.yaml", "/folder.meta.json"] {
            if let Some(r) = rest.strip_suffix(tail) {
                return r.to_string();
            }
        }
    }
    for suffix in [
        ".resource",
        ".variable",
        ".script",
        ".schedule",
        ".http_trigger",
        ".flow",
        ".app",
    ] {
        for ext in [".yaml", ".json", ""] {
            if let Some(r) = rest.strip_suffix(&format!("{suffix}{ext}")) {
                return r.to_string();
            }
        }
    }
    rest
}

// ---------------------------------------------------------------------------
// Parsing

struct Doc<'a> {
    entry: &'a Entry,
    kind: Kind,
    wm_path: String,
    value: Json,
}

fn parse(bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let limits = &bundle.limits;
    let mut docs: Vec<Doc> = Vec::new();
    for entry in entries {
        let Some(kind) = kind_of(&entry.path) else {
            continue;
        };
        if kind == Kind::Side {
            continue;
        }
        let value = match &entry.content {
            Content::Json(v) => v.clone(),
            Content::Text(t) => match parse_yaml(t, limits) {
                Ok(v) => v,
                Err(reason) => {
                    notes.push(Note {
                        file: entry.display_path.clone(),
                        message: format!(
                            "not read: this Windmill file is not valid YAML ({reason})"
                        ),
                    });
                    continue;
                }
            },
            Content::Xml(_) => continue,
        };
        if !value.is_object() {
            notes.push(Note {
                file: entry.display_path.clone(),
                message: "not read: this Windmill file holds no settings".into(),
            });
            continue;
        }
        docs.push(Doc {
            entry,
            kind,
            wm_path: windmill_path(&entry.path, kind),
            value,
        });
    }
    let resource_types: HashMap<String, String> = docs
        .iter()
        .filter(|d| d.kind == Kind::Resource)
        .filter_map(|d| {
            str_at(&d.value, "resource_type").map(|t| (d.wm_path.clone(), t.to_string()))
        })
        .collect();

    let mut apps: Vec<App> = Vec::new();
    let mut workspace: Option<App> = None;
    for doc in &docs {
        match doc.kind {
            Kind::Resource | Kind::Variable | Kind::Folder => {
                let ws = workspace.get_or_insert_with(|| workspace_app(doc.entry));
                match doc.kind {
                    Kind::Resource => read_resource(ws, doc),
                    Kind::Variable => read_variable(ws, doc),
                    _ => read_folder(ws, doc),
                }
            }
            Kind::Script => apps.push(read_script(bundle, doc)),
            Kind::Flow => apps.push(read_flow(bundle, doc, &resource_types)),
            Kind::AppDef => apps.push(read_app(bundle, doc, &resource_types)),
            Kind::Schedule | Kind::HttpTrigger | Kind::Side => {}
        }
    }
    for doc in docs
        .iter()
        .filter(|d| matches!(d.kind, Kind::Schedule | Kind::HttpTrigger))
    {
        attach_trigger(&mut apps, doc);
    }
    for app in &mut apps {
        finish(app);
    }
    if let Some(ws) = workspace {
        apps.push(ws);
    }
    apps
}

fn workspace_app(entry: &Entry) -> App {
    App {
        platform: Platform::Windmill,
        kind: AppKind::CredentialStore,
        name: "Windmill workspace resources, variables and folders".into(),
        location: Location::new(entry.display_path.clone(), ""),
        ..App::default()
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
            "private_key",
            "privatekey",
            "access_key",
            "accesskey",
            "client_secret",
            "credentials",
        ],
    )
}

/// `$var:f/x/y` / `$res:f/x/y`: a reference to a stored variable or resource.
fn is_reference(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("$var:") || t.starts_with("$res:")
}

fn read_resource(ws: &mut App, doc: &Doc) {
    let file = doc.entry.display_path.as_str();
    let rtype = str_at(&doc.value, "resource_type").unwrap_or("resource");
    let value_loc = Location::new(file, "/value");
    let mut secret_fields = 0usize;
    let mut literal_secrets = 0usize;
    let mut endpoint = None;
    if let Some(v) = doc.value.get("value") {
        walk_strings(v, "value", &value_loc, &mut |k, text, l| {
            if text.trim().is_empty() {
                return;
            }
            let secret = is_secret_key(k);
            let reference = is_reference(text);
            if secret {
                secret_fields += 1;
                if !reference {
                    literal_secrets += 1;
                }
            }
            let lk = k.to_ascii_lowercase();
            if endpoint.is_none() && matches!(lk.as_str(), "host" | "url" | "base_url" | "endpoint")
            {
                endpoint = Some(text.to_string());
            }
            let context = if secret {
                ValueContext::PasswordField
            } else if lk.contains("connection_string") || lk == "connectionstring" || lk == "dsn" {
                ValueContext::ConnectionString
            } else if lk == "url" || lk == "base_url" {
                ValueContext::Url
            } else {
                ValueContext::Credential
            };
            ws.values.push(Value {
                key: k.to_string(),
                value: text.to_string(),
                context,
                kind: if reference {
                    ValueKind::Expression
                } else {
                    ValueKind::Literal
                },
                step_id: None,
                location: l.clone(),
            });
        });
    }
    if secret_fields > 0 {
        ws.credentials.push(Credential {
            name: doc.wm_path.clone(),
            credential_type: rtype.to_string(),
            storage: if literal_secrets > 0 {
                CredentialStorage::Plaintext
            } else {
                CredentialStorage::Reference
            },
            used_by: Vec::new(),
            location: value_loc.clone(),
        });
    }
    if !rtype.starts_with("app_") {
        ws.connections.push(Connection {
            id: doc.wm_path.clone(),
            connector: format!("windmill:{rtype}"),
            display_name: doc.wm_path.clone(),
            identity: ConnectionIdentity::StoredCredential,
            auth: None,
            endpoint,
            location: Location::new(file, "/resource_type"),
        });
    }
}

/// Values Windmill encrypts with the workspace key come out as base64.
fn looks_encrypted(text: &str) -> bool {
    let t: String = text.split_whitespace().collect();
    t.len() >= 24
        && t.len() % 4 == 0
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
}

fn read_variable(ws: &mut App, doc: &Doc) {
    let file = doc.entry.display_path.as_str();
    let name = doc.wm_path.rsplit('/').next().unwrap_or(&doc.wm_path);
    let is_secret = doc.value.get("is_secret").and_then(Json::as_bool) == Some(true);
    let is_oauth = doc.value.get("is_oauth").and_then(Json::as_bool) == Some(true);
    let Some(text) = str_at(&doc.value, "value").filter(|t| !t.trim().is_empty()) else {
        return;
    };
    let encrypted = is_secret && looks_encrypted(text);
    let secret_named = is_secret_key(name);
    let context = if is_secret || secret_named {
        ValueContext::PasswordField
    } else {
        ValueContext::Variable
    };
    if !encrypted {
        ws.values.push(Value {
            key: name.to_string(),
            value: text.to_string(),
            context,
            kind: if is_reference(text) {
                ValueKind::Expression
            } else {
                ValueKind::Literal
            },
            step_id: None,
            location: Location::new(file, "/value"),
        });
    }
    if is_secret || is_oauth || secret_named {
        ws.credentials.push(Credential {
            name: doc.wm_path.clone(),
            credential_type: if is_oauth {
                "oauth variable".into()
            } else {
                "secret variable".into()
            },
            storage: if encrypted {
                CredentialStorage::Encrypted
            } else {
                CredentialStorage::Plaintext
            },
            used_by: Vec::new(),
            location: Location::new(file, ""),
        });
    }
}

fn read_folder(ws: &mut App, doc: &Doc) {
    let file = doc.entry.display_path.as_str();
    let folder = str_at(&doc.value, "display_name")
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(&doc.wm_path)
        .to_string();
    let Some(Json::Object(perms)) = doc.value.get("extra_perms") else {
        return;
    };
    for (who, write) in perms {
        let write = write.as_bool() == Some(true);
        let (audience, whom) = if who == "g/all" {
            (
                Audience::Organisation,
                "everyone in the workspace".to_string(),
            )
        } else if let Some(group) = who.strip_prefix("g/") {
            (Audience::SpecificUsers, format!("the group '{group}'"))
        } else {
            let user = who.strip_prefix("u/").unwrap_or(who);
            (Audience::SpecificUsers, format!("the user '{user}'"))
        };
        ws.sharing.push(Sharing {
            audience,
            what: if write {
                format!("{whom} may change everything in the folder '{folder}'")
            } else {
                format!("{whom} may see and run everything in the folder '{folder}'")
            },
            raw: format!("extra_perms: {who}: {write}"),
            location: Location::new(file, "/extra_perms").child(who),
        });
    }
}

// ---------------------------------------------------------------------------
// Scripts, flows and apps

/// What a script language means for the step that runs it.
fn language_step(language: &str) -> (StepKind, &'static str, bool) {
    match language.to_ascii_lowercase().as_str() {
        "python3" | "python" | "py" => (StepKind::Code, "python", false),
        "deno" | "bun" | "nativets" | "typescript" | "ts" | "bunnative" => {
            (StepKind::Code, "typescript", false)
        }
        "javascript" | "js" => (StepKind::Code, "javascript", false),
        "go" => (StepKind::Code, "go", false),
        "bash" | "sh" | "shell" | "nu" => (StepKind::Command, "shell", true),
        "powershell" | "ps1" => (StepKind::Command, "powershell", true),
        "postgresql" | "mysql" | "bigquery" | "snowflake" | "mssql" | "oracledb" | "duckdb"
        | "sql" => (StepKind::Database, "sql", false),
        "graphql" | "gql" => (StepKind::HttpRequest, "graphql", false),
        "php" => (StepKind::Code, "php", false),
        "rust" | "rs" => (StepKind::Code, "rust", false),
        "csharp" | "cs" => (StepKind::Code, "csharp", false),
        "java" => (StepKind::Code, "java", false),
        _ => (StepKind::Code, "code", false),
    }
}

fn language_of_file(file: &str) -> &'static str {
    let lower = file.to_ascii_lowercase();
    match lower.rsplit('.').next().unwrap_or_default() {
        "py" => "python3",
        "ts" | "js" => "bun",
        "go" => "go",
        "sh" | "nu" => "bash",
        "ps1" => "powershell",
        "sql" => "postgresql",
        "gql" => "graphql",
        "php" => "php",
        "rs" => "rust",
        "cs" => "csharp",
        "java" => "java",
        _ => "",
    }
}

/// The folder of an entry's path (with trailing `/`), or "".
fn dir_of(path: &str) -> &str {
    path.rfind('/')
        .and_then(|i| path.get(..=i))
        .unwrap_or_default()
}

/// `'!inline parses_email.inline_script.ts'` → the text of that file beside `beside`.
fn resolve_inline<'a>(
    bundle: &'a Bundle,
    beside: &str,
    content: &'a str,
) -> (&'a str, Option<&'a Entry>) {
    let Some(file) = content.trim().strip_prefix("!inline ") else {
        return (content, None);
    };
    let path = format!("{}{}", dir_of(beside), file.trim());
    match bundle.find(&path) {
        Some(e) => (e.text().unwrap_or_default(), Some(e)),
        None => ("", None),
    }
}

fn code_step(
    id: &str,
    name: &str,
    language: &str,
    source: &str,
    code_loc: &Location,
    loc: &Location,
) -> Step {
    let (kind, lang, commands) = language_step(language);
    let mut step = Step {
        id: id.to_string(),
        name: name.to_string(),
        kind,
        platform_type: format!("rawscript:{language}"),
        location: loc.clone(),
        ..Step::default()
    };
    if source.trim().is_empty() {
        return step;
    }
    if kind == StepKind::Database {
        step.sql = Some(SqlQuery {
            text: source.to_string(),
            // Windmill passes arguments as `$1` / `?` parameters.
            interpolated: false,
            uses_parameters: source.contains("$1") || source.contains('?') || source.contains(":"),
            location: code_loc.clone(),
        });
    } else {
        step.code = Some(Code {
            language: lang.into(),
            source: source.to_string(),
            runs_commands: commands,
            location: code_loc.clone(),
        });
    }
    step
}

fn base_app(doc: &Doc, kind: AppKind) -> App {
    let name = str_at(&doc.value, "summary")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map_or_else(|| doc.wm_path.clone(), str::to_string);
    let loc = Location::new(doc.entry.display_path.clone(), "");
    App {
        platform: Platform::Windmill,
        kind,
        name,
        id: Some(doc.wm_path.clone()),
        location: loc.clone(),
        run_context: RunContext {
            mode: RunMode::Owner,
            raw: "runs on a worker with the permissions of whoever starts it".into(),
            user_facing: false,
            requires_permission: None,
            location: Some(loc),
        },
        ..App::default()
    }
}

/// Arguments from the JSON schema of inputs: asked from whoever runs it.
fn schema_fields(app: &mut App, schema: Option<&Json>, loc: &Location) {
    let Some(Json::Object(props)) = schema.and_then(|s| s.get("properties")) else {
        return;
    };
    for name in props.keys() {
        app.fields.push(DataField {
            name: name.clone(),
            object: None,
            usage: FieldUse::Input,
            step_id: None,
            classification: None,
            location: loc.child("properties").child(name),
        });
    }
}

fn read_script(bundle: &Bundle, doc: &Doc) -> App {
    let mut app = base_app(doc, AppKind::Workflow);
    let file = doc.entry.display_path.as_str();
    schema_fields(
        &mut app,
        doc.value.get("schema"),
        &Location::new(file, "/schema"),
    );
    // The code sits beside the metadata: `<name>.<ext>`.
    let meta_path = &doc.entry.path;
    let stem = meta_path
        .strip_suffix(".script.yaml")
        .or_else(|| meta_path.strip_suffix(".script.json"))
        .unwrap_or(meta_path);
    let prefix = format!("{stem}.");
    let code = bundle.entries.iter().find(|e| {
        e.path.starts_with(&prefix)
            && !e.path.ends_with(".script.yaml")
            && !e.path.ends_with(".script.json")
            && !e.path.ends_with(".lock")
            && !language_of_file(&e.path).is_empty()
            && e.text().is_some()
            && e.path
                .get(prefix.len()..)
                .is_some_and(|rest| !rest.contains('/'))
    });
    let language = str_at(&doc.value, "language")
        .map(str::to_string)
        .or_else(|| code.map(|c| language_of_file(&c.path).to_string()))
        .unwrap_or_default();
    let name = app.name.clone();
    let loc = Location::new(file, "").with_step(&name);
    let (source, code_loc) = match code {
        Some(c) => (
            c.text().unwrap_or_default(),
            Location::new(c.display_path.clone(), "").with_step(&name),
        ),
        None => (
            str_at(&doc.value, "content").unwrap_or_default(),
            loc.child("content"),
        ),
    };
    let step = code_step(&doc.wm_path, &name, &language, source, &code_loc, &loc);
    push_code_value(&mut app, &step);
    app.steps.push(step);
    app
}

fn push_code_value(app: &mut App, step: &Step) {
    let (text, loc) = match (&step.code, &step.sql) {
        (Some(c), _) => (c.source.clone(), c.location.clone()),
        (None, Some(s)) => (s.text.clone(), s.location.clone()),
        _ => return,
    };
    app.values.push(Value {
        key: "code".into(),
        value: text,
        context: ValueContext::Code,
        kind: ValueKind::Literal,
        step_id: Some(step.id.as_str().into()),
        location: loc,
    });
}

struct FlowCtx<'a> {
    bundle: &'a Bundle,
    flow_path: &'a str,
    resource_types: &'a HashMap<String, String>,
    /// (step id, ids of steps whose results it reads).
    mappings: Vec<(String, Vec<String>)>,
}

const MAX_DEPTH: usize = 64;

fn read_flow(bundle: &Bundle, doc: &Doc, resource_types: &HashMap<String, String>) -> App {
    let mut app = base_app(doc, AppKind::Workflow);
    let file = doc.entry.display_path.as_str();
    schema_fields(
        &mut app,
        doc.value.get("schema"),
        &Location::new(file, "/schema"),
    );
    let mut ctx = FlowCtx {
        bundle,
        flow_path: &doc.entry.path,
        resource_types,
        mappings: Vec::new(),
    };
    let value = doc.value.get("value");
    let value_loc = Location::new(file, "/value");
    if let Some(Json::Array(modules)) = value.and_then(|v| v.get("modules")) {
        read_modules(
            &mut app,
            &mut ctx,
            modules,
            &value_loc.child("modules"),
            None,
            0,
        );
    }
    for key in ["failure_module", "preprocessor_module"] {
        if let Some(m) = value.and_then(|v| v.get(key)).filter(|m| m.is_object()) {
            read_module(&mut app, &mut ctx, m, &value_loc.child(key), 0);
        }
    }
    let ids: Vec<String> = app.steps.iter().map(|s| s.id.clone()).collect();
    for (to, froms) in &ctx.mappings {
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
    app
}

/// Read a list of modules in order; returns the last one's id.
fn read_modules(
    app: &mut App,
    ctx: &mut FlowCtx,
    modules: &[Json],
    loc: &Location,
    prev: Option<String>,
    depth: usize,
) -> Option<String> {
    if depth > MAX_DEPTH {
        return prev;
    }
    let mut prev = prev;
    for (i, m) in modules.iter().enumerate() {
        if !m.is_object() {
            continue;
        }
        let Some(id) = read_module(app, ctx, m, &loc.index(i), depth) else {
            continue;
        };
        if let Some(from) = prev.take() {
            app.edges.push(Edge {
                from,
                to: id.clone(),
                kind: "main".into(),
            });
        }
        prev = Some(id);
    }
    prev
}

fn read_module(
    app: &mut App,
    ctx: &mut FlowCtx,
    m: &Json,
    loc: &Location,
    depth: usize,
) -> Option<String> {
    let id = str_at(m, "id").filter(|i| !i.is_empty())?.to_string();
    let value = m.get("value").filter(|v| v.is_object())?;
    let mtype = str_at(value, "type").unwrap_or_default();
    let name = str_at(m, "summary")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map_or_else(|| format!("{id} ({mtype})"), str::to_string);
    let sloc = loc.clone().with_step(&name);
    let vloc = sloc.child("value");
    let mut step = match mtype {
        "rawscript" => {
            let language = str_at(value, "language").unwrap_or_default();
            let raw = str_at(value, "content").unwrap_or_default();
            let (source, inline) = resolve_inline(ctx.bundle, ctx.flow_path, raw);
            let code_loc = inline.map_or_else(
                || vloc.child("content").with_step(&name),
                |e| Location::new(e.display_path.clone(), "").with_step(&name),
            );
            code_step(&id, &name, language, source, &code_loc, &sloc)
        }
        "script" => {
            let path = str_at(value, "path").unwrap_or_default();
            let hub = path.strip_prefix("hub/");
            Step {
                id: id.clone(),
                name: name.clone(),
                kind: if hub.is_some() {
                    StepKind::ConnectorAction
                } else {
                    StepKind::SubFlow
                },
                platform_type: format!("script:{path}"),
                // hub/687/openai/create_completion → windmill:openai
                connector: hub
                    .and_then(|h| h.split('/').nth(1))
                    .map(|integration| format!("windmill:{integration}")),
                location: sloc.clone(),
                ..Step::default()
            }
        }
        other => Step {
            id: id.clone(),
            name: name.clone(),
            kind: match other {
                "flow" => StepKind::SubFlow,
                "forloopflow" | "whileloopflow" | "branchone" | "branchall" => StepKind::Control,
                "aiagent" => StepKind::Ai,
                _ => StepKind::Other,
            },
            platform_type: other.to_string(),
            location: sloc.clone(),
            ..Step::default()
        },
    };
    // Inputs: static values and JavaScript expressions over earlier results.
    let mut refs = Vec::new();
    if let Some(Json::Object(inputs)) = value.get("input_transforms") {
        let iloc = vloc.child("input_transforms");
        for (arg, t) in inputs {
            let tloc = iloc.child(arg);
            match str_at(t, "type") {
                Some("javascript") => {
                    let expr = str_at(t, "expr").unwrap_or_default();
                    for (src, field) in expr_refs(expr) {
                        match src.as_str() {
                            "flow_input" => {
                                if let Some(field) = field {
                                    app.fields.push(DataField {
                                        name: field,
                                        object: None,
                                        usage: if sends(step.kind) {
                                            FieldUse::Send
                                        } else {
                                            FieldUse::Read
                                        },
                                        step_id: Some(id.clone()),
                                        classification: None,
                                        location: tloc.child("expr"),
                                    });
                                }
                            }
                            s => {
                                if !refs.iter().any(|r| r == s) {
                                    refs.push(s.to_string());
                                }
                            }
                        }
                    }
                    if !expr.trim().is_empty() {
                        app.values.push(Value {
                            key: arg.clone(),
                            value: expr.to_string(),
                            context: ValueContext::Parameter,
                            kind: ValueKind::Expression,
                            step_id: Some(id.as_str().into()),
                            location: tloc.child("expr"),
                        });
                    }
                }
                _ => {
                    let Some(v) = t.get("value") else {
                        continue;
                    };
                    let vl = tloc.child("value");
                    walk_strings(v, arg, &vl, &mut |k, text, l| {
                        if text.trim().is_empty() {
                            return;
                        }
                        let reference = is_reference(text);
                        if let Some(res) = text.trim().strip_prefix("$res:") {
                            step.connection = Some(res.to_string());
                            if app.connection(res).is_none() {
                                let rtype = ctx
                                    .resource_types
                                    .get(res)
                                    .map_or("resource", String::as_str);
                                app.connections.push(Connection {
                                    id: res.to_string(),
                                    connector: format!("windmill:{rtype}"),
                                    display_name: res.to_string(),
                                    identity: ConnectionIdentity::StoredCredential,
                                    location: l.clone(),
                                    ..Connection::default()
                                });
                            }
                        }
                        let lk = k.to_ascii_lowercase();
                        app.values.push(Value {
                            key: k.to_string(),
                            value: text.to_string(),
                            context: if is_secret_key(k) {
                                ValueContext::PasswordField
                            } else if lk == "url" || lk.ends_with("_url") {
                                ValueContext::Url
                            } else {
                                ValueContext::Parameter
                            },
                            kind: if reference {
                                ValueKind::Expression
                            } else {
                                ValueKind::Literal
                            },
                            step_id: Some(id.as_str().into()),
                            location: l.clone(),
                        });
                    });
                }
            }
        }
    }
    refs.retain(|r| *r != id);
    ctx.mappings.push((id.clone(), refs));
    push_code_value(app, &step);
    app.steps.push(step);

    // Nested modules: loops, branches.
    let nested = |key: &str| value.get(key).and_then(Json::as_array);
    if let Some(inner) = nested("modules") {
        read_modules(
            app,
            ctx,
            inner,
            &vloc.child("modules"),
            Some(id.clone()),
            depth + 1,
        );
    }
    if let Some(branches) = nested("branches") {
        for (b, branch) in branches.iter().enumerate() {
            if let Some(Json::Array(inner)) = branch.get("modules") {
                let bloc = vloc.child("branches").index(b).child("modules");
                read_modules(app, ctx, inner, &bloc, Some(id.clone()), depth + 1);
            }
        }
    }
    if let Some(default) = nested("default") {
        read_modules(
            app,
            ctx,
            default,
            &vloc.child("default"),
            Some(id.clone()),
            depth + 1,
        );
    }
    Some(id)
}

fn sends(kind: StepKind) -> bool {
    matches!(
        kind,
        StepKind::HttpRequest
            | StepKind::ConnectorAction
            | StepKind::Email
            | StepKind::Ai
            | StepKind::Database
    )
}

/// `results.a.name` → ("a", "name"); `flow_input.email` → ("flow_input", "email");
/// `flow_input["Open AI"]` → ("flow_input", "Open AI").
fn expr_refs(expr: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (root, is_results) in [("results", true), ("flow_input", false)] {
        let mut rest = expr;
        while let Some(pos) = rest.find(root) {
            let before = expr.len() - rest.len() + pos;
            let after = rest.get(pos + root.len()..).unwrap_or("");
            rest = after;
            let boundary = before == 0
                || expr
                    .get(..before)
                    .and_then(|b| b.chars().last())
                    .is_some_and(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
            if !boundary {
                continue;
            }
            let segs = path_segments(after);
            if is_results {
                if let Some(first) = segs.first() {
                    out.push((first.clone(), segs.get(1).cloned()));
                }
            } else {
                out.push(("flow_input".into(), segs.first().cloned()));
            }
        }
    }
    out
}

/// `.a.name` / `["Open AI"]` / `.c[0][1]` → ["a", "name"] / ["Open AI"] / ["c"].
fn path_segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while out.len() < 2 {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(r.len());
            let seg = r.get(..end).unwrap_or_default();
            if seg.is_empty() {
                break;
            }
            out.push(seg.to_string());
            rest = r.get(end..).unwrap_or_default();
        } else if let Some(r) = rest.strip_prefix("[\"").or_else(|| rest.strip_prefix("['")) {
            let end = r.find(['"', '\'']).unwrap_or(r.len());
            out.push(r.get(..end).unwrap_or_default().to_string());
            rest = r.get(end + 2..).unwrap_or_default();
        } else {
            break;
        }
    }
    out
}

fn read_app(bundle: &Bundle, doc: &Doc, resource_types: &HashMap<String, String>) -> App {
    let mut app = base_app(doc, AppKind::InternalTool);
    let file = doc.entry.display_path.clone();
    app.run_context.user_facing = true;
    let policy = doc.value.get("policy");
    let mode = policy
        .and_then(|p| str_at(p, "execution_mode"))
        .unwrap_or_default();
    let mode_loc = Location::new(file.clone(), "/policy/execution_mode");
    match mode {
        "anonymous" => {
            app.run_context.mode = RunMode::Owner;
            app.run_context.raw = "execution_mode: anonymous".into();
            app.sharing.push(Sharing {
                audience: Audience::Anyone,
                what:
                    "anyone with the link can open the app and run its scripts without signing in"
                        .into(),
                raw: "policy.execution_mode: anonymous".into(),
                location: mode_loc.clone(),
            });
        }
        "publisher" => {
            app.run_context.mode = RunMode::Owner;
            app.run_context.raw = "execution_mode: publisher".into();
        }
        "viewer" => {
            app.run_context.mode = RunMode::User;
            app.run_context.raw = "execution_mode: viewer".into();
        }
        _ => {}
    }
    app.run_context.location = Some(mode_loc);
    let mut ctx = FlowCtx {
        bundle,
        flow_path: &doc.entry.path,
        resource_types,
        mappings: Vec::new(),
    };
    if let Some(v) = doc.value.get("value") {
        let mut found: Vec<(String, &Json, Location)> = Vec::new();
        collect_inline_scripts(v, "", &Location::new(file.clone(), "/value"), &mut found, 0);
        for (i, (runnable, script, loc)) in found.into_iter().enumerate() {
            let id = format!("script{i}");
            let name = if runnable.is_empty() {
                format!("Inline script {}", i + 1)
            } else {
                runnable
            };
            let sloc = loc.clone().with_step(&name);
            let language = str_at(script, "language").unwrap_or_default();
            let raw = str_at(script, "content").unwrap_or_default();
            let (source, inline) = resolve_inline(ctx.bundle, ctx.flow_path, raw);
            let code_loc = inline.map_or_else(
                || sloc.child("content"),
                |e| Location::new(e.display_path.clone(), "").with_step(&name),
            );
            let step = code_step(&id, &name, language, source, &code_loc, &sloc);
            push_code_value(&mut app, &step);
            app.steps.push(step);
        }
    }
    ctx.mappings.clear();
    app
}

/// Every `inlineScript: {content, language}` in an app's component tree, with
/// the name of the runnable that holds it.
fn collect_inline_scripts<'a>(
    v: &'a Json,
    name: &str,
    loc: &Location,
    out: &mut Vec<(String, &'a Json, Location)>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Json::Object(map) => {
            let here = str_at(v, "name").unwrap_or(name);
            if let Some(script) = map
                .get("inlineScript")
                .filter(|s| s.get("content").is_some())
            {
                out.push((here.to_string(), script, loc.child("inlineScript")));
            }
            for (k, inner) in map {
                if k != "inlineScript" {
                    collect_inline_scripts(inner, here, &loc.child(k), out, depth + 1);
                }
            }
        }
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_inline_scripts(item, name, &loc.index(i), out, depth + 1);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Schedules and HTTP routes

fn attach_trigger(apps: &mut Vec<App>, doc: &Doc) {
    let file = doc.entry.display_path.as_str();
    let target = str_at(&doc.value, "script_path")
        .unwrap_or_default()
        .to_string();
    let loc = Location::new(file, "");
    let (kind, audience, auth, name, at) = if doc.kind == Kind::Schedule {
        let cron = str_at(&doc.value, "schedule").unwrap_or_default();
        (
            TriggerKind::Schedule,
            Audience::Internal,
            String::new(),
            format!("Schedule {cron}").trim().to_string(),
            loc.child("schedule"),
        )
    } else {
        let route = str_at(&doc.value, "route_path").unwrap_or_default();
        let method = str_at(&doc.value, "http_method").unwrap_or("post");
        // Newer files say `authentication_method`; older ones `requires_auth`.
        let (auth, at) = match (
            str_at(&doc.value, "authentication_method"),
            doc.value.get("requires_auth").and_then(Json::as_bool),
        ) {
            (Some(m), _) => (m.to_string(), loc.child("authentication_method")),
            (None, Some(true)) => ("windmill".to_string(), loc.child("requires_auth")),
            (None, Some(false)) => ("none".to_string(), loc.child("requires_auth")),
            (None, None) => ("none".to_string(), loc.child("route_path")),
        };
        let audience = match auth.as_str() {
            "none" => Audience::Anyone,
            "windmill" => Audience::Organisation,
            _ => Audience::CredentialHolders,
        };
        (
            TriggerKind::Http,
            audience,
            auth,
            format!(
                "HTTP route {} /{}",
                method.to_ascii_uppercase(),
                route.trim_start_matches('/')
            ),
            at,
        )
    };
    let index = match apps
        .iter()
        .position(|a| a.id.as_deref() == Some(target.as_str()))
    {
        Some(i) => i,
        None => {
            apps.push(App {
                platform: Platform::Windmill,
                kind: AppKind::Workflow,
                name: if target.is_empty() {
                    doc.wm_path.clone()
                } else {
                    target.clone()
                },
                id: (!target.is_empty()).then(|| target.clone()),
                location: loc.clone(),
                ..App::default()
            });
            apps.len() - 1
        }
    };
    let Some(app) = apps.get_mut(index) else {
        return;
    };
    let step_id = app.steps.first().map(|s| s.id.clone()).unwrap_or_default();
    let enabled = doc.value.get("enabled").and_then(Json::as_bool);
    if enabled == Some(false) {
        return;
    }
    app.triggers.push(Trigger {
        step_id,
        name,
        kind,
        audience,
        auth,
        location: at,
        ..Trigger::default()
    });
}

fn finish(app: &mut App) {
    app.endpoints = super::common::url_endpoints(&app.values);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_kinds() {
        assert_eq!(kind_of("f/x/a.resource.yaml"), Some(Kind::Resource));
        assert_eq!(kind_of("repo/f/x/a.flow/flow.yaml"), Some(Kind::Flow));
        assert_eq!(kind_of("f/x/a.app/app.yaml"), Some(Kind::AppDef));
        assert_eq!(kind_of("f/x/a.flow/a.inline_script.ts"), Some(Kind::Side));
        assert_eq!(kind_of("Src/App.fx.yaml"), None);
        assert_eq!(kind_of("flow.yaml"), None);
        assert_eq!(kind_of("f/x/a.ts"), Some(Kind::Side));
        assert_eq!(kind_of("src/a.ts"), None);
        assert_eq!(
            windmill_path("repo/f/x/a.flow/flow.yaml", Kind::Flow),
            "f/x/a"
        );
        assert_eq!(windmill_path("u/al/b.script.yaml", Kind::Script), "u/al/b");
        assert_eq!(windmill_path("f/x/folder.meta.yaml", Kind::Folder), "f/x");
        assert_eq!(
            windmill_path("f/g/mature.script.yaml", Kind::Script),
            "f/g/mature"
        );
    }

    #[test]
    fn expression_references() {
        assert_eq!(
            expr_refs("results.a.name + flow_input.email"),
            vec![
                ("a".to_string(), Some("name".to_string())),
                ("flow_input".to_string(), Some("email".to_string()))
            ]
        );
        assert_eq!(
            expr_refs("flow_input[\"Open AI\"]"),
            vec![("flow_input".to_string(), Some("Open AI".to_string()))]
        );
        assert_eq!(expr_refs("results.c[0][1]"), vec![("c".to_string(), None)]);
        assert!(looks_encrypted(
            "nBSvF62kLE1ALo4mmoCy7esE1vHomr0/toWLMnJxPTFHzNvHoJ2cG8/fABlnvpe1R8ZSKOUEE97oHHptYXf1wA=="
        ));
        assert!(!looks_encrypted("sk-FAKE-plain-secret"));
    }
}
