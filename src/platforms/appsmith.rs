//! Appsmith: application JSON exports ("Export" / the import file) and the
//! Git-connected repository layout.
//!
//! Shapes read (see the field guide, section "5. Appsmith"):
//! * a JSON export `{clientSchemaVersion, serverSchemaVersion,
//!   exportedApplication: {name, isPublic, …}, datasourceList, pageList,
//!   actionList, actionCollectionList, decryptedFields, customJSLibList}`;
//!   partial exports carry only some of these lists;
//! * an action (query) is `{id, pluginType, pluginId, unpublishedAction:
//!   {name, datasource, pageId, actionConfiguration: {httpMethod, path,
//!   headers: [{key, value}], queryParameters, body, bodyFormData, formData,
//!   pluginSpecifiedTemplates}, executeOnLoad}, publishedAction}`;
//! * JS objects are `actionCollectionList[].unpublishedCollection.body`
//!   (their methods also appear in `actionList` with a `collectionId` and are
//!   read once, as the JS object);
//! * `decryptedFields` holds data-source passwords in plain text;
//! * pages' widget trees (`pageList[].unpublishedPage.layouts[].dsl`, nested
//!   `children`; one widget per file under `pages/<Page>/widgets/` in the Git
//!   layout): input fields, table columns, and each widget's literal text
//!   properties (a map widget's `googleMapsApiKey`), layout ones skipped;
//!   a partial export of widgets keeps them as a JSON string in `widgets`;
//! * the Git layout: `application.json`, `metadata.json`,
//!   `datasources/<name>.json`, `pages/<Page>/<Page>.json`,
//!   `pages/<Page>/queries/<q>/metadata.json` + `<q>.txt`,
//!   `pages/<Page>/jsobjects/<o>/metadata.json` + `<o>.js` (older layouts:
//!   `pages/<Page>/queries/<q>.json`, `pages/<Page>/jsobjects/<o>.js`).
//!   One layout (one folder or zip) is one app with each query a step.
//!
//! Queries run on the Appsmith server with the data source's saved
//! credentials for whoever opens the app; `isPublic` means anyone with the
//! link can open it without signing in.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::common::{host_of, str_at, walk_strings};
use super::Parser;
use crate::ingest::{Bundle, Content, Entry};
use crate::model::{
    App, AppKind, Audience, Code, Connection, ConnectionIdentity, Credential, CredentialStorage,
    DataField, Edge, Endpoint, FieldUse, HttpAuth, HttpCall, Location, Platform, RunContext,
    RunMode, Sharing, SqlQuery, Step, StepKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::Appsmith,
    claims,
    parse,
};

// ---------------------------------------------------------------------------
// Detection

/// Top-level lists only Appsmith exports carry together.
const EXPORT_LISTS: &[&str] = &[
    "actionList",
    "datasourceList",
    "pageList",
    "actionCollectionList",
    "customJSLibList",
    "decryptedFields",
];

fn has_schema_versions(v: &Json) -> bool {
    v.get("clientSchemaVersion").is_some_and(Json::is_number)
        && v.get("serverSchemaVersion").is_some_and(Json::is_number)
}

/// A whole or partial JSON export (not a Git-layout `metadata.json`).
fn is_export(entry: &Entry) -> bool {
    let Some(v) = entry.json().filter(|v| v.is_object()) else {
        return false;
    };
    if v.get("exportedApplication").is_some_and(Json::is_object) {
        return true;
    }
    let lists = EXPORT_LISTS
        .iter()
        .filter(|k| v.get(**k).is_some_and(|x| x.is_array() || x.is_object()))
        .count();
    let versions = has_schema_versions(v);
    if versions && (lists > 0 || v.get("widgets").is_some_and(Json::is_string)) {
        return true;
    }
    if versions {
        // Only the version numbers: a Git layout's metadata.json, or an
        // export with nothing in it (read and explained).
        return !entry.file_name().eq_ignore_ascii_case("metadata.json");
    }
    // Old exports without version numbers: the query list with pages or data sources.
    v.get("actionList").is_some_and(Json::is_array)
        && (v.get("pageList").is_some_and(Json::is_array)
            || v.get("datasourceList").is_some_and(Json::is_array))
}

/// What a file of a Git-connected layout is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Metadata,
    Application,
    Datasource,
    Page,
    Query,
    QueryBody,
    JsObject,
    JsBody,
    Widget,
    /// `theme.json`: colours and fonts, nothing to judge.
    Theme,
    /// `jslibs/<lib>.json`: an external JavaScript library the app loads.
    JsLib,
}

/// The folder segments of a path, without the file name.
fn segments(path: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts
}

/// Index of the last `pages` folder in the path, if the file sits below one.
fn pages_index(segs: &[&str]) -> Option<usize> {
    segs.iter().rposition(|s| s.eq_ignore_ascii_case("pages"))
}

fn layout_part(entry: &Entry) -> Option<(Part, String)> {
    let path = entry.path.as_str();
    let name = entry.file_name();
    let lower = name.to_ascii_lowercase();
    let segs = segments(path);
    let json = entry.json();
    if let Some(p) = pages_index(&segs) {
        let root = segs.get(..p).map(|s| s.join("/")).unwrap_or_default();
        // pages/<Page>/...
        let below: Vec<&str> = segs.get(p + 1..).map(<[&str]>::to_vec).unwrap_or_default();
        let area = below.get(1).map(|s| s.to_ascii_lowercase());
        match area.as_deref() {
            Some("queries") => {
                if json.is_some_and(|v| v.get("unpublishedAction").is_some_and(Json::is_object)) {
                    return Some((Part::Query, root));
                }
                if lower.ends_with(".txt") || lower.ends_with(".sql") {
                    return Some((Part::QueryBody, root));
                }
                return None;
            }
            Some("jsobjects") => {
                if json.is_some_and(|v| v.get("unpublishedCollection").is_some_and(Json::is_object))
                {
                    return Some((Part::JsObject, root));
                }
                if lower.ends_with(".js") && entry.text().is_some() {
                    return Some((Part::JsBody, root));
                }
                return None;
            }
            Some("widgets") => {
                if json.is_some_and(|v| str_at(v, "widgetName").is_some()) {
                    return Some((Part::Widget, root));
                }
                return None;
            }
            _ => {}
        }
        if json.is_some_and(|v| v.get("unpublishedPage").is_some_and(Json::is_object)) {
            return Some((Part::Page, root));
        }
        return None;
    }
    let v = json.filter(|v| v.is_object())?;
    let dir = segs.join("/");
    if segs
        .last()
        .is_some_and(|s| s.eq_ignore_ascii_case("datasources"))
        && str_at(v, "pluginId").is_some_and(|p| p.ends_with("-plugin"))
        && str_at(v, "name").is_some()
    {
        let root = segs
            .get(..segs.len().saturating_sub(1))
            .map(|s| s.join("/"))
            .unwrap_or_default();
        return Some((Part::Datasource, root));
    }
    if lower == "metadata.json"
        && (has_schema_versions(v) || str_at(v, "artifactJsonType").is_some())
    {
        return Some((Part::Metadata, dir));
    }
    if lower == "theme.json" && v.get("stylesheet").is_some() && v.get("config").is_some() {
        return Some((Part::Theme, dir));
    }
    if segs
        .last()
        .is_some_and(|s| s.eq_ignore_ascii_case("jslibs"))
        && str_at(v, "url").is_some()
        && (v.get("uidString").is_some() || v.get("accessor").is_some())
    {
        let root = segs
            .get(..segs.len().saturating_sub(1))
            .map(|s| s.join("/"))
            .unwrap_or_default();
        return Some((Part::JsLib, root));
    }
    if lower == "application.json"
        && [
            "appIsExample",
            "unpublishedApplicationDetail",
            "applicationDetail",
            "evaluationVersion",
        ]
        .iter()
        .any(|k| v.get(*k).is_some())
    {
        return Some((Part::Application, dir));
    }
    None
}

fn claims(entry: &Entry) -> bool {
    is_export(entry) || layout_part(entry).is_some()
}

fn parse(bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    let mut layouts: BTreeMap<String, Vec<(Part, &Entry)>> = BTreeMap::new();
    for entry in entries {
        if is_export(entry) {
            if let Some(v) = entry.json() {
                parse_export(v, entry, &mut apps, notes);
            }
        } else if let Some((part, root)) = layout_part(entry) {
            layouts.entry(root).or_default().push((part, entry));
        }
    }
    for (root, parts) in &layouts {
        if let Some(app) = parse_layout(bundle, root, parts) {
            apps.push(app);
        } else if let Some((_, first)) = parts.first() {
            notes.push(Note {
                file: first.display_path.clone(),
                message: "not read: this is part of an Appsmith Git repository (its version numbers or settings), with no pages, queries or data sources beside it; scan the whole repository folder as a zip".into(),
            });
        }
    }
    apps
}

// ---------------------------------------------------------------------------
// Shared reading

#[derive(Default)]
struct Ctx {
    /// Data-source name → (plugin id, base URL) for REST queries.
    datasources: BTreeMap<String, (String, Option<String>)>,
    /// Input widget name → the field it asks for.
    inputs: BTreeMap<String, String>,
}

fn new_app(name: String, loc: Location) -> App {
    App {
        platform: Platform::Appsmith,
        kind: AppKind::InternalTool,
        name,
        location: loc.clone(),
        run_context: RunContext {
            mode: RunMode::Owner,
            raw: "queries run on the Appsmith server with the data sources' saved credentials"
                .into(),
            user_facing: true,
            requires_permission: None,
            location: Some(loc),
        },
        ..App::default()
    }
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '!']).next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

fn parse_export(v: &Json, entry: &Entry, apps: &mut Vec<App>, notes: &mut Vec<Note>) {
    let file = entry.display_path.as_str();
    let base = Location::new(file, "");
    let exported = v.get("exportedApplication").filter(|e| e.is_object());
    let has_content = EXPORT_LISTS
        .iter()
        .any(|k| v.get(*k).is_some_and(|x| !is_empty(x)))
        || v.get("widgets")
            .and_then(Json::as_str)
            .is_some_and(|w| !w.trim().is_empty());
    if exported.is_none() && !has_content {
        notes.push(Note {
            file: file.to_string(),
            message: "not read: this Appsmith export holds only its version numbers, no application, pages, queries or data sources".into(),
        });
        return;
    }
    let name = exported
        .and_then(|e| str_at(e, "name"))
        .filter(|n| !n.trim().is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| {
            if exported.is_some() {
                format!("Appsmith app ({})", file_stem(file))
            } else {
                format!("Appsmith partial export ({})", file_stem(file))
            }
        });
    let mut app = new_app(name, base.clone());
    if let Some(e) = exported {
        app.version = e.get("applicationVersion").and_then(number_text);
        read_application(&mut app, e, &base.child("exportedApplication"));
    }
    let mut ctx = Ctx::default();
    if let Some(Json::Array(list)) = v.get("datasourceList") {
        for (i, ds) in list.iter().enumerate() {
            read_datasource(
                &mut app,
                &mut ctx,
                ds,
                &base.child("datasourceList").index(i),
            );
        }
    }
    if let Some(Json::Array(pages)) = v.get("pageList") {
        for (i, page) in pages.iter().enumerate() {
            read_page(&mut app, &mut ctx, page, &base.child("pageList").index(i));
        }
    }
    if let Some(text) = v.get("widgets").and_then(Json::as_str) {
        read_widget_string(&mut app, &mut ctx, text, &base.child("widgets"));
    }
    if let Some(Json::Array(list)) = v.get("actionList") {
        for (i, action) in list.iter().enumerate() {
            read_action(
                &mut app,
                &ctx,
                action,
                &base.child("actionList").index(i),
                None,
            );
        }
    }
    if let Some(Json::Array(list)) = v.get("actionCollectionList") {
        for (i, c) in list.iter().enumerate() {
            read_collection(
                &mut app,
                c,
                &base.child("actionCollectionList").index(i),
                None,
            );
        }
    }
    read_js_libs(
        &mut app,
        v.get("customJSLibList"),
        &base.child("customJSLibList"),
    );
    let store = v
        .get("decryptedFields")
        .and_then(Json::as_object)
        .and_then(|df| decrypted_store(&app, df, &base.child("decryptedFields")));
    if let (Some(store), Some(Json::Array(list))) = (&store, v.get("datasourceList")) {
        // A password both in the data source and in decryptedFields is one
        // problem, reported once with the credential (LC018).
        let covered: Vec<String> = list
            .iter()
            .enumerate()
            .filter(|(_, ds)| {
                str_at(ds, "name").is_some_and(|n| store.credentials.iter().any(|c| c.name == n))
            })
            .map(|(i, _)| format!("{}/", base.child("datasourceList").index(i).path))
            .collect();
        app.values.retain(|val| {
            val.context != ValueContext::PasswordField
                || !covered.iter().any(|p| val.location.path.starts_with(p))
        });
    }
    finish(&mut app, &ctx);
    apps.push(app);
    if let Some(store) = store {
        apps.push(store);
    }
}

fn read_application(app: &mut App, e: &Json, loc: &Location) {
    if let Some(id) = str_at(e, "id").or_else(|| str_at(e, "gitSyncId")) {
        app.id = Some(id.to_string());
    }
    for key in ["isPublic", "appIsPublic"] {
        if e.get(key).and_then(Json::as_bool) == Some(true) {
            app.sharing.push(Sharing {
                audience: Audience::Anyone,
                what:
                    "anyone with the app's link can open it and run its queries without signing in"
                        .into(),
                raw: format!("{key}: true"),
                location: loc.child(key),
            });
            break;
        }
    }
}

fn read_datasource(app: &mut App, ctx: &mut Ctx, ds: &Json, loc: &Location) {
    let Some(name) = str_at(ds, "name").filter(|n| !n.is_empty()) else {
        return;
    };
    let plugin = str_at(ds, "pluginId").unwrap_or_default().to_string();
    let conf = ds.get("datasourceConfiguration").filter(|c| c.is_object());
    let url = conf
        .and_then(|c| str_at(c, "url"))
        .filter(|u| !u.trim().is_empty())
        .map(|u| u.trim().to_string());
    let host = conf
        .and_then(|c| c.get("endpoints"))
        .and_then(Json::as_array)
        .and_then(|e| e.first())
        .and_then(|e| str_at(e, "host"))
        .map(str::to_string);
    let auth = conf
        .and_then(|c| c.get("authentication"))
        .and_then(|a| str_at(a, "authenticationType").or_else(|| str_at(a, "authType")))
        .map(str::to_string);
    ctx.datasources
        .insert(name.to_string(), (plugin.clone(), url.clone()));
    if app.connection(name).is_none() {
        app.connections.push(Connection {
            id: name.to_string(),
            connector: connector_id(&plugin),
            display_name: name.to_string(),
            identity: ConnectionIdentity::StoredCredential,
            auth,
            endpoint: url.clone().or(host),
            location: loc.clone(),
        });
    }
    if let Some(c) = conf {
        let cloc = loc.child("datasourceConfiguration");
        walk_strings(c, "datasourceConfiguration", &cloc, &mut |k, text, l| {
            if text.trim().is_empty() {
                return;
            }
            let rel = l.path.strip_prefix(&cloc.path).unwrap_or("");
            let context = if rel == "/url" {
                ValueContext::Url
            } else if rel.starts_with("/headers") {
                ValueContext::Header
            } else if rel.starts_with("/queryParameters") {
                ValueContext::Query
            } else if is_secret_key(k) {
                ValueContext::PasswordField
            } else {
                ValueContext::Credential
            };
            app.values.push(Value {
                key: k.to_string(),
                value: text.to_string(),
                context,
                kind: value_kind(text),
                step_id: None,
                location: l.clone(),
            });
        });
    }
}

fn connector_id(plugin: &str) -> String {
    if plugin.is_empty() {
        "appsmith:unknown-plugin".into()
    } else {
        format!("appsmith:{plugin}")
    }
}

/// The unpublished (edit-mode) side of an action, else the published one.
fn action_side<'a>(action: &'a Json, keys: [&'static str; 2]) -> Option<(&'a Json, &'static str)> {
    keys.iter().find_map(|k| {
        action
            .get(*k)
            .filter(|a| a.is_object() && str_at(a, "name").is_some())
            .map(|a| (a, *k))
    })
}

fn is_sql_plugin(plugin: &str) -> bool {
    [
        "postgres",
        "mysql",
        "mssql",
        "oracle",
        "snowflake",
        "redshift",
        "arango",
        "databricks",
        "sql",
    ]
    .iter()
    .any(|p| plugin.contains(p))
}

fn step_kind(plugin_type: &str, plugin: &str) -> StepKind {
    match plugin_type {
        "API" => StepKind::HttpRequest,
        "JS" => StepKind::Code,
        "AI" => StepKind::Ai,
        "DB" if plugin.contains("s3") => StepKind::ConnectorAction,
        "DB" => StepKind::Database,
        "SAAS" | "REMOTE" | "INTERNAL" => StepKind::ConnectorAction,
        _ if plugin.contains("restapi") || plugin.contains("graphql") => StepKind::HttpRequest,
        _ if plugin.contains("js-plugin") => StepKind::Code,
        _ if is_sql_plugin(plugin) || plugin.contains("mongo") || plugin.contains("redis") => {
            StepKind::Database
        }
        _ => StepKind::ConnectorAction,
    }
}

/// Read one query. `body` is the Git layout's separate body file (text and
/// where it sits).
fn read_action(
    app: &mut App,
    ctx: &Ctx,
    action: &Json,
    loc: &Location,
    body: Option<(&str, Location)>,
) {
    let Some((side, side_key)) = action_side(action, ["unpublishedAction", "publishedAction"])
    else {
        return;
    };
    let plugin_type = str_at(action, "pluginType").unwrap_or_default();
    // Methods of a JS object are read with the JS object itself.
    if plugin_type == "JS"
        && (side.get("collectionId").is_some()
            || str_at(side, "fullyQualifiedName").is_some_and(|n| n.contains('.')))
    {
        return;
    }
    let name = str_at(side, "name").unwrap_or_default().to_string();
    let id = str_at(action, "id")
        .or_else(|| str_at(action, "gitSyncId"))
        .map_or_else(|| name.clone(), str::to_string);
    if app.step(&id).is_some() {
        return;
    }
    let sloc = loc.child(side_key).with_step(&name);
    let ds = side.get("datasource").filter(|d| d.is_object());
    let ds_name = ds.and_then(|d| str_at(d, "name").or_else(|| str_at(d, "id")));
    let known = ds_name.and_then(|n| ctx.datasources.get(n));
    let plugin = str_at(action, "pluginId")
        .or_else(|| ds.and_then(|d| str_at(d, "pluginId")))
        .or_else(|| known.map(|k| k.0.as_str()))
        .unwrap_or_default()
        .to_string();
    let kind = step_kind(plugin_type, &plugin);
    let inline_url = ds
        .and_then(|d| d.get("datasourceConfiguration"))
        .and_then(|c| str_at(c, "url"))
        .filter(|u| !u.trim().is_empty());
    let base_url = inline_url.or_else(|| known.and_then(|k| k.1.as_deref()));
    let conf = side.get("actionConfiguration").filter(|c| c.is_object());
    let cloc = sloc.child("actionConfiguration");
    let mut step = Step {
        id: id.clone(),
        name: name.clone(),
        kind,
        platform_type: if plugin_type.is_empty() {
            plugin.clone()
        } else {
            format!("{plugin_type}:{plugin}")
        },
        connector: Some(connector_id(&plugin)),
        connection: ds_name
            .filter(|n| app.connection(n).is_some())
            .map(str::to_string),
        location: sloc.clone(),
        ..Step::default()
    };

    // The body, from the action or the Git layout's body file.
    let body_text = conf
        .and_then(|c| str_at(c, "body"))
        .filter(|b| !b.trim().is_empty())
        .map(|b| (b.to_string(), cloc.child("body")))
        .or_else(|| body.clone().map(|(t, l)| (t.to_string(), l)))
        .or_else(|| {
            conf.and_then(|c| c.get("formData"))
                .and_then(|f| f.get("body"))
                .and_then(|b| str_at(b, "data").or_else(|| b.as_str()))
                .filter(|b| !b.trim().is_empty())
                .map(|b| (b.to_string(), cloc.child("formData").child("body")))
        });

    // HTTP.
    if kind == StepKind::HttpRequest {
        let path = conf.and_then(|c| str_at(c, "path")).unwrap_or_default();
        let url = join_url(base_url.unwrap_or_default(), path);
        let method = conf
            .and_then(|c| str_at(c, "httpMethod"))
            .unwrap_or("GET")
            .to_ascii_uppercase();
        let has_auth_header = conf
            .and_then(|c| c.get("headers"))
            .and_then(Json::as_array)
            .is_some_and(|hs| {
                hs.iter().any(|h| {
                    str_at(h, "key").is_some_and(|k| {
                        let k = k.to_ascii_lowercase();
                        k == "authorization" || k.contains("api-key") || k.contains("apikey")
                    }) && str_at(h, "value").is_some_and(|v| !v.trim().is_empty())
                })
            });
        let url_loc = if inline_url.is_some() {
            sloc.child("datasource")
                .child("datasourceConfiguration")
                .child("url")
        } else if !path.is_empty() {
            cloc.child("path")
        } else {
            sloc.child("datasource")
        };
        step.http = Some(HttpCall {
            method,
            url_is_expression: url.trim().is_empty() || is_whole_expression(&url),
            url: url.clone(),
            auth: if has_auth_header {
                HttpAuth::Header
            } else if known.is_some() {
                HttpAuth::Credential
            } else {
                HttpAuth::None
            },
            tls_verification_disabled: false,
            location: url_loc.clone(),
        });
        if !url.trim().is_empty() {
            app.values.push(Value {
                key: "url".into(),
                value: url,
                context: ValueContext::Url,
                kind: value_kind(base_url.unwrap_or_default()).max(value_kind(path)),
                step_id: Some(id.as_str().into()),
                location: url_loc,
            });
        }
    }

    // SQL.
    if kind == StepKind::Database && is_sql_plugin(&plugin) {
        if let Some((text, bloc)) = &body_text {
            let prepared = prepared_statement(conf);
            let interpolated = text.contains("{{");
            step.sql = Some(SqlQuery {
                text: text.clone(),
                interpolated,
                uses_parameters: prepared && interpolated,
                location: bloc.clone(),
            });
            for (field, usage) in sql_fields(text) {
                app.fields.push(DataField {
                    name: field,
                    object: None,
                    usage,
                    step_id: Some(id.clone()),
                    classification: None,
                    location: bloc.clone(),
                });
            }
        }
    }
    if kind == StepKind::Code {
        if let Some((text, bloc)) = &body_text {
            step.code = Some(Code {
                language: "javascript".into(),
                source: text.clone(),
                runs_commands: false,
                location: bloc.clone(),
            });
        }
    }

    // Values.
    if let Some(c) = conf {
        walk_strings(c, "actionConfiguration", &cloc, &mut |k, text, l| {
            // UQI forms repeat each value as `componentData` beside `data`.
            if text.trim().is_empty() || matches!(k, "componentData" | "viewType") {
                return;
            }
            let rel = l.path.strip_prefix(&cloc.path).unwrap_or("");
            let first = rel.trim_start_matches('/').split('/').next().unwrap_or("");
            if first == "path" && kind == StepKind::HttpRequest {
                return; // Recorded with the whole URL above.
            }
            let context = match first {
                "headers" => ValueContext::Header,
                "queryParameters" => ValueContext::Query,
                "body" | "bodyFormData" if kind == StepKind::Code => ValueContext::Code,
                "body" | "bodyFormData" if kind == StepKind::HttpRequest => ValueContext::Body,
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
                step_id: Some(id.as_str().into()),
                location: l.clone(),
            });
        });
    }
    if let Some((text, bloc)) = body {
        if !text.trim().is_empty() {
            app.values.push(Value {
                key: "body".into(),
                value: text.to_string(),
                context: match kind {
                    StepKind::Code => ValueContext::Code,
                    StepKind::HttpRequest => ValueContext::Body,
                    _ => ValueContext::Parameter,
                },
                kind: value_kind(text),
                step_id: Some(id.as_str().into()),
                location: bloc,
            });
        }
    }
    // Input widgets whose values the query sends.
    let send = matches!(
        kind,
        StepKind::HttpRequest | StepKind::ConnectorAction | StepKind::Database | StepKind::Ai
    );
    if send {
        let texts: Vec<(String, Location)> = app
            .values
            .iter()
            .filter(|v| v.step_id.as_deref() == Some(id.as_str()) && v.kind != ValueKind::Literal)
            .map(|v| (v.value.clone(), v.location.clone()))
            .collect();
        for (text, l) in texts {
            for root in binding_roots(&text) {
                if let Some(field) = ctx.inputs.get(&root) {
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

fn prepared_statement(conf: Option<&Json>) -> bool {
    let Some(c) = conf else {
        return false;
    };
    let from_templates = c
        .get("pluginSpecifiedTemplates")
        .and_then(Json::as_array)
        .and_then(|t| t.first())
        .and_then(|t| t.get("value"))
        .and_then(Json::as_bool);
    let from_form = c.get("formData").and_then(|f| {
        f.get("preparedStatement")
            .or_else(|| f.get("smartSubstitution"))
            .and_then(|p| p.get("data").unwrap_or(p).as_bool())
    });
    from_templates.or(from_form).unwrap_or(false)
}

fn join_url(base: &str, path: &str) -> String {
    let base = base.trim();
    let path = path.trim();
    if base.is_empty() {
        return path.to_string();
    }
    if path.is_empty() {
        return base.to_string();
    }
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_string();
    }
    match (base.ends_with('/'), path.starts_with('/')) {
        (true, true) => format!("{base}{}", path.get(1..).unwrap_or("")),
        (false, false) => format!("{base}/{path}"),
        _ => format!("{base}{path}"),
    }
}

/// Read one JS object. `body` is the Git layout's `.js` file.
fn read_collection(app: &mut App, c: &Json, loc: &Location, body: Option<(&str, Location)>) {
    let Some((side, side_key)) = action_side(c, ["unpublishedCollection", "publishedCollection"])
    else {
        return;
    };
    let name = str_at(side, "name").unwrap_or_default().to_string();
    let id = str_at(c, "id")
        .or_else(|| str_at(c, "gitSyncId"))
        .map_or_else(|| name.clone(), str::to_string);
    if app.step(&id).is_some() {
        return;
    }
    let sloc = loc.child(side_key).with_step(&name);
    let plugin = str_at(side, "pluginId").unwrap_or("js-plugin");
    let source = str_at(side, "body")
        .filter(|b| !b.trim().is_empty())
        .map(|b| (b.to_string(), sloc.child("body")))
        .or_else(|| body.map(|(t, l)| (t.to_string(), l)));
    let mut step = Step {
        id: id.clone(),
        name,
        kind: StepKind::Code,
        platform_type: format!("JS:{plugin}"),
        connector: None,
        location: sloc.clone(),
        ..Step::default()
    };
    if let Some((text, bloc)) = source {
        app.values.push(Value {
            key: "body".into(),
            value: text.clone(),
            context: ValueContext::Code,
            kind: ValueKind::Literal,
            step_id: Some(id.as_str().into()),
            location: bloc.clone(),
        });
        step.code = Some(Code {
            language: "javascript".into(),
            source: text,
            runs_commands: false,
            location: bloc,
        });
    }
    if let Some(Json::Array(vars)) = side.get("variables") {
        for (i, var) in vars.iter().enumerate() {
            if let (Some(k), Some(v)) = (str_at(var, "name"), str_at(var, "value")) {
                if !v.trim().is_empty() {
                    app.values.push(Value {
                        key: k.to_string(),
                        value: v.to_string(),
                        context: ValueContext::Variable,
                        kind: value_kind(v),
                        step_id: Some(id.as_str().into()),
                        location: sloc.child("variables").index(i).child("value"),
                    });
                }
            }
        }
    }
    app.steps.push(step);
}

/// External JavaScript libraries the app loads in the browser.
fn read_js_libs(app: &mut App, libs: Option<&Json>, loc: &Location) {
    let Some(Json::Array(libs)) = libs else {
        return;
    };
    for (i, lib) in libs.iter().enumerate() {
        if let Some(url) = str_at(lib, "url").filter(|u| !u.trim().is_empty()) {
            app.values.push(Value {
                key: str_at(lib, "name").unwrap_or("url").to_string(),
                value: url.to_string(),
                context: ValueContext::Url,
                kind: value_kind(url),
                step_id: None,
                location: loc.index(i).child("url"),
            });
        }
    }
}

const INPUT_WIDGETS: &[&str] = &[
    "INPUT_WIDGET",
    "INPUT_WIDGET_V2",
    "PHONE_INPUT_WIDGET",
    "CURRENCY_INPUT_WIDGET",
    "RICH_TEXT_EDITOR_WIDGET",
    "DATE_PICKER_WIDGET2",
    "SELECT_WIDGET",
    "FILE_PICKER_WIDGET_V2",
];

fn read_page(app: &mut App, ctx: &mut Ctx, page: &Json, loc: &Location) {
    let Some((side, side_key)) = action_side(page, ["unpublishedPage", "publishedPage"]) else {
        return;
    };
    let ploc = loc.child(side_key);
    if let Some(Json::Array(layouts)) = side.get("layouts") {
        for (i, layout) in layouts.iter().enumerate() {
            if let Some(dsl) = layout.get("dsl") {
                read_widget(
                    app,
                    ctx,
                    dsl,
                    &ploc.child("layouts").index(i).child("dsl"),
                    0,
                );
            }
        }
    }
}

/// A partial export of widgets ("Export" of selected widgets): `widgets` is
/// a JSON string `{"widgets": [{"list": [widget, …], "parentId"}, …],
/// "flexLayers"}`. Locations continue into the string
/// (`/widgets/widgets/0/list/0/googleMapsApiKey`), as Retool's `appState` does.
fn read_widget_string(app: &mut App, ctx: &mut Ctx, text: &str, loc: &Location) {
    let Ok(parsed) = serde_json::from_str::<Json>(text) else {
        return;
    };
    let Some(Json::Array(groups)) = parsed.get("widgets") else {
        return;
    };
    for (i, group) in groups.iter().enumerate() {
        let Some(Json::Array(list)) = group.get("list") else {
            continue;
        };
        let gloc = loc.child("widgets").index(i).child("list");
        for (j, w) in list.iter().enumerate() {
            read_widget(app, ctx, w, &gloc.index(j), 0);
        }
    }
}

const MAX_WIDGET_DEPTH: usize = 64;

fn read_widget(app: &mut App, ctx: &mut Ctx, w: &Json, loc: &Location, depth: usize) {
    if depth > MAX_WIDGET_DEPTH || !w.is_object() {
        return;
    }
    let wtype = str_at(w, "type").unwrap_or_default();
    if let (Some(props), Some(name)) = (w.as_object(), str_at(w, "widgetName")) {
        if wtype != "CANVAS_WIDGET" {
            read_widget_properties(app, props, &loc.clone().with_step(name));
        }
    }
    if let Some(name) = str_at(w, "widgetName") {
        if INPUT_WIDGETS.contains(&wtype) {
            let field = str_at(w, "label")
                .filter(|l| !l.trim().is_empty() && !l.contains("{{"))
                .unwrap_or(name)
                .to_string();
            ctx.inputs.insert(name.to_string(), field.clone());
            app.fields.push(DataField {
                name: field,
                object: None,
                usage: FieldUse::Input,
                step_id: None,
                classification: None,
                location: loc.clone(),
            });
        }
        if wtype.starts_with("TABLE_WIDGET") {
            if let Some(Json::Object(cols)) = w.get("primaryColumns") {
                for (key, col) in cols {
                    let label = str_at(col, "label").unwrap_or(key);
                    app.fields.push(DataField {
                        name: label.to_string(),
                        object: Some(name.to_string()),
                        usage: FieldUse::Read,
                        step_id: None,
                        classification: None,
                        location: loc.child("primaryColumns").child(key),
                    });
                }
            }
        }
    }
    if let Some(Json::Array(children)) = w.get("children") {
        for (i, child) in children.iter().enumerate() {
            read_widget(app, ctx, child, &loc.child("children").index(i), depth + 1);
        }
    }
}

/// Widget properties that never hold a secret: identity, layout, looks and
/// event handlers (always `{{ … }}` bindings). Checked by name alone, before
/// anything is copied: large apps have thousands of widgets.
fn is_layout_property(key: &str) -> bool {
    const EXACT: &[&str] = &[
        "widgetId",
        "widgetName",
        "parentId",
        "type",
        "key",
        "tabId",
        "displayName",
        "renderMode",
        "version",
        "mainCanvasId",
        "mainContainerId",
        "primaryColumnId",
        "defaultTab",
        "dateFormat",
        "timePrecision",
        "datePickerType",
        "gridType",
        "progressType",
        "chartType",
        "capType",
        "mode",
        "inputType",
        "imageShape",
        "objectFit",
        "recaptchaType",
        "delimiter",
        "selectionType",
        "dynamicHeight",
        "positioning",
        "overflow",
        "searchKey",
        "currentItemsView",
        "selectedItemView",
        "triggeredItemView",
        "inlineEditingSaveOption",
    ];
    const PARTS: &[&str] = &[
        "color",
        "colour",
        "style",
        "font",
        "align",
        "size",
        "radius",
        "shadow",
        "width",
        "height",
        "position",
        "placement",
        "variant",
        "icon",
        "border",
        "behavior",
        "behaviour",
        "orientation",
        "svg",
    ];
    if EXACT.contains(&key) {
        return true;
    }
    // Event handlers: `onClick`, `onMarkerClick`, `onSubmit`.
    let bytes = key.as_bytes();
    if bytes.starts_with(b"on") && bytes.get(2).is_some_and(u8::is_ascii_uppercase) {
        return true;
    }
    let lower = key.to_ascii_lowercase();
    PARTS.iter().any(|p| lower.contains(p))
}

/// A widget's own literal text properties (a Google Maps key in a map
/// widget's `googleMapsApiKey`, a token in an iframe's `source`), as values
/// of the app: the secret rules judge them. Only the widget's top-level
/// strings are read (its nested settings are column and schema layouts);
/// bindings (`{{ Query1.data }}`) are computed in the browser and skipped,
/// text with bindings inside is kept as a template.
/// `loc` names the widget as its step (findings say "the widget 'Map1'").
fn read_widget_properties(app: &mut App, w: &serde_json::Map<String, Json>, loc: &Location) {
    for (key, v) in w {
        let Json::String(text) = v else {
            continue;
        };
        if is_layout_property(key) {
            continue;
        }
        let trimmed = text.trim();
        if trimmed.is_empty()
            || trimmed.eq_ignore_ascii_case("true")
            || trimmed.eq_ignore_ascii_case("false")
            || trimmed.starts_with("data:image/")
        {
            continue;
        }
        let kind = value_kind(text);
        if kind == ValueKind::Expression {
            continue;
        }
        app.values.push(Value {
            key: key.clone(),
            value: text.clone(),
            context: ValueContext::WidgetProperty,
            kind,
            step_id: None,
            location: loc.child(key),
        });
    }
}

/// `decryptedFields`: data-source passwords in plain text, as a credential
/// store of their own so they are reported once (LC018).
fn decrypted_store(app: &App, df: &serde_json::Map<String, Json>, loc: &Location) -> Option<App> {
    let mut store = new_app(format!("Appsmith credentials in {}", app.name), loc.clone());
    store.kind = AppKind::CredentialStore;
    store.run_context = RunContext::default();
    for (ds, fields) in df {
        let cloc = loc.child(ds);
        let mut filled = false;
        walk_strings(fields, ds, &cloc, &mut |k, text, l| {
            if text.trim().is_empty() || k == "authType" || k.ends_with("Type") {
                return;
            }
            let secret = is_secret_key(k);
            filled |= secret;
            store.values.push(Value {
                key: k.to_string(),
                value: text.to_string(),
                context: if secret {
                    ValueContext::PasswordField
                } else {
                    ValueContext::Credential
                },
                kind: value_kind(text),
                step_id: None,
                location: l.clone(),
            });
        });
        if filled {
            let kind = str_at(fields, "authType")
                .map(|t| t.rsplit('.').next().unwrap_or(t).to_string())
                .or_else(|| app.connection(ds).map(|c| c.connector.clone()))
                .unwrap_or_default();
            store.credentials.push(Credential {
                name: ds.clone(),
                credential_type: kind,
                storage: CredentialStorage::Plaintext,
                used_by: app
                    .steps
                    .iter()
                    .filter(|s| s.connection.as_deref() == Some(ds.as_str()))
                    .map(|s| s.id.clone())
                    .collect(),
                location: cloc,
            });
        } else {
            store
                .values
                .retain(|v| !v.location.path.starts_with(&format!("{}/", cloc.path)));
        }
    }
    (!store.credentials.is_empty()).then_some(store)
}

fn finish(app: &mut App, _ctx: &Ctx) {
    // Queries and JS objects that read each other's results or run each other.
    let names: Vec<(String, String)> = app
        .steps
        .iter()
        .map(|s| (s.name.clone(), s.id.clone()))
        .collect();
    let mut edges: Vec<Edge> = Vec::new();
    for step in &app.steps {
        let mut texts: Vec<&str> = app
            .values
            .iter()
            .filter(|v| v.step_id.as_deref() == Some(step.id.as_str()))
            .map(|v| v.value.as_str())
            .collect();
        if let Some(code) = &step.code {
            texts.push(code.source.as_str());
        }
        for text in texts {
            let refs = if step.kind == StepKind::Code {
                identifiers(text)
            } else {
                binding_roots(text)
            };
            for r in refs {
                if let Some((_, from)) = names.iter().find(|(n, _)| *n == r) {
                    if *from != step.id && !edges.iter().any(|e| e.from == *from && e.to == step.id)
                    {
                        edges.push(Edge {
                            from: from.clone(),
                            to: step.id.clone(),
                            kind: "binding".into(),
                        });
                    }
                }
            }
        }
    }
    app.edges.extend(edges);
    app.endpoints = endpoints_of(&app.values);
}

pub(crate) fn endpoints_of(values: &[Value]) -> Vec<Endpoint> {
    let mut out: Vec<Endpoint> = Vec::new();
    for v in values
        .iter()
        .filter(|v| v.context == ValueContext::Url && v.kind != ValueKind::Expression)
    {
        if let Some(host) = host_of(&v.value) {
            if out
                .iter()
                .any(|e| e.url == v.value && e.step_id.as_deref() == v.step_id.as_deref())
            {
                continue;
            }
            out.push(Endpoint {
                url: v.value.clone(),
                host: Some(host),
                step_id: v.step_id.as_deref().map(str::to_string),
                location: v.location.clone(),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Git-connected layout

fn parse_layout(bundle: &Bundle, root: &str, parts: &[(Part, &Entry)]) -> Option<App> {
    let has_content = parts.iter().any(|(p, _)| {
        matches!(
            p,
            Part::Query | Part::JsObject | Part::Page | Part::Datasource | Part::JsBody
        )
    });
    if !has_content {
        return None;
    }
    let application = parts
        .iter()
        .find(|(p, _)| *p == Part::Application)
        .and_then(|(_, e)| e.json().map(|j| (j, *e)));
    let folder = root.rsplit('/').next().filter(|f| !f.is_empty());
    let name = application
        .and_then(|(j, _)| str_at(j, "name").or_else(|| str_at(j, "slug")))
        .filter(|n| !n.trim().is_empty())
        .map(str::to_string)
        .or_else(|| folder.map(str::to_string))
        .unwrap_or_else(|| format!("Appsmith app ({})", file_stem(&bundle.name)));
    let first = parts
        .first()
        .map(|(_, e)| e.display_path.as_str())
        .unwrap_or("");
    let base_file = first.split_once("!/").map_or_else(
        || bundle.name.clone(),
        |(zip, _)| {
            if root.is_empty() {
                format!("{zip}!/")
            } else {
                format!("{zip}!/{root}/")
            }
        },
    );
    let mut app = new_app(name, Location::new(base_file, ""));
    if let Some((j, e)) = application {
        app.version = j.get("applicationVersion").and_then(number_text);
        read_application(&mut app, j, &Location::new(e.display_path.clone(), ""));
    }
    let mut ctx = Ctx::default();
    let of = |kind: Part| {
        parts
            .iter()
            .filter(move |(p, _)| *p == kind)
            .map(|(_, e)| *e)
    };
    for e in of(Part::Datasource) {
        if let Some(j) = e.json() {
            read_datasource(
                &mut app,
                &mut ctx,
                j,
                &Location::new(e.display_path.clone(), ""),
            );
        }
    }
    for e in of(Part::Page) {
        if let Some(j) = e.json() {
            read_page(
                &mut app,
                &mut ctx,
                j,
                &Location::new(e.display_path.clone(), ""),
            );
        }
    }
    for e in of(Part::JsLib) {
        if let Some(j) = e.json() {
            let list = Json::Array(vec![j.clone()]);
            let loc = Location::new(e.display_path.clone(), "");
            read_js_libs(&mut app, Some(&list), &loc);
            // One library per file: its pointer is the file's root.
            if let Some(v) = app.values.last_mut() {
                if v.location.file == loc.file {
                    v.location.path = "/url".into();
                }
            }
        }
    }
    for e in of(Part::Widget) {
        if let Some(j) = e.json() {
            read_widget(
                &mut app,
                &mut ctx,
                j,
                &Location::new(e.display_path.clone(), ""),
                0,
            );
        }
    }
    let bodies: Vec<&Entry> = of(Part::QueryBody).collect();
    for e in of(Part::Query) {
        let Some(j) = e.json() else {
            continue;
        };
        let body = sibling_body(e, &bodies, &["txt", "sql"]);
        read_action(
            &mut app,
            &ctx,
            j,
            &Location::new(e.display_path.clone(), ""),
            body.as_ref().map(|(t, l)| (t.as_str(), l.clone())),
        );
    }
    let js: Vec<&Entry> = of(Part::JsBody).collect();
    let mut used_js: Vec<&str> = Vec::new();
    for e in of(Part::JsObject) {
        let Some(j) = e.json() else {
            continue;
        };
        let body = sibling_body(e, &js, &["js"]);
        if let Some((_, l)) = &body {
            used_js.push(
                js.iter()
                    .find(|b| *b.display_path == *l.file)
                    .map_or("", |b| b.path.as_str()),
            );
        }
        read_collection(
            &mut app,
            j,
            &Location::new(e.display_path.clone(), ""),
            body.as_ref().map(|(t, l)| (t.as_str(), l.clone())),
        );
    }
    // JS objects with only their .js file (older layouts).
    for e in js.iter().filter(|e| !used_js.contains(&e.path.as_str())) {
        let Some(text) = entry_text(e) else {
            continue;
        };
        let name = file_stem(&e.path).to_string();
        let id = e.path.clone();
        let loc = Location::new(e.display_path.clone(), "").with_step(&name);
        app.values.push(Value {
            key: "body".into(),
            value: text.clone(),
            context: ValueContext::Code,
            kind: ValueKind::Literal,
            step_id: Some(id.as_str().into()),
            location: loc.clone(),
        });
        app.steps.push(Step {
            id,
            name,
            kind: StepKind::Code,
            platform_type: "JS:js-plugin".into(),
            location: loc.clone(),
            code: Some(Code {
                language: "javascript".into(),
                source: text,
                runs_commands: false,
                location: loc,
            }),
            ..Step::default()
        });
    }
    finish(&mut app, &ctx);
    Some(app)
}

/// The text of a body file beside a query's / JS object's metadata.json
/// (`queries/q/metadata.json` + `queries/q/q.txt`, or `queries/q.json` + `q.txt`).
fn sibling_body(meta: &Entry, bodies: &[&Entry], exts: &[&str]) -> Option<(String, Location)> {
    let dir = meta.path.rsplit_once('/').map_or("", |(d, _)| d);
    let stem = if meta.file_name().eq_ignore_ascii_case("metadata.json") {
        dir.rsplit('/').next().unwrap_or("")
    } else {
        file_stem(meta.file_name())
    };
    let found = bodies.iter().find(|b| {
        let bdir = b.path.rsplit_once('/').map_or("", |(d, _)| d);
        bdir == dir
            && exts
                .iter()
                .any(|x| b.file_name().eq_ignore_ascii_case(&format!("{stem}.{x}")))
    })?;
    entry_text(found).map(|t| (t, Location::new(found.display_path.clone(), "")))
}

/// A text file's content (a body that happens to be JSON is turned back into text).
fn entry_text(e: &Entry) -> Option<String> {
    match &e.content {
        Content::Text(t) => Some(t.clone()),
        Content::Xml(t) => Some(t.to_string()),
        Content::Json(j) => serde_json::to_string_pretty(j).ok(),
    }
}

// ---------------------------------------------------------------------------
// Small helpers, also used by the ToolJet parser.

fn number_text(v: &Json) -> Option<String> {
    v.as_u64()
        .map(|n| n.to_string())
        .or_else(|| v.as_f64().map(|n| n.to_string()))
        .or_else(|| v.as_str().map(str::to_string))
}

fn is_empty(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        Json::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

pub(crate) fn is_whole_expression(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("{{") && t.ends_with("}}") && t.matches("{{").count() == 1
}

/// Literal, wholly computed (`{{ Input1.text }}`) or text with bindings inside.
pub(crate) fn value_kind(text: &str) -> ValueKind {
    if is_whole_expression(text) {
        ValueKind::Expression
    } else if text.contains("{{") {
        ValueKind::Template
    } else {
        ValueKind::Literal
    }
}

/// Keys the platforms use for passwords, keys and tokens.
pub(crate) fn is_secret_key(key: &str) -> bool {
    if crate::detect::secrets::key_names_something_else(key) {
        return false;
    }
    let k = key.to_ascii_lowercase().replace(['_', '-'], "");
    [
        "password",
        "passwd",
        "secret",
        "apikey",
        "token",
        "privatekey",
        "accesskey",
        "clientsecret",
        "connectionstring",
    ]
    .iter()
    .any(|w| k.contains(w))
        && !k.ends_with("type")
        && !k.ends_with("url")
        && !k.contains("tokenurl")
}

/// The first identifier of every `{{ … }}` binding (`Input1` in
/// `{{ Input1.text }}`, `components` in ToolJet's `{{components.x.value}}`).
pub(crate) fn binding_roots(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = rest.get(start + 2..).unwrap_or("");
        let end = after.find("}}").unwrap_or(after.len());
        let inner = after.get(..end).unwrap_or("");
        for id in identifiers(inner) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        rest = after.get(end..).unwrap_or("");
    }
    out
}

/// Identifiers directly followed by a `.` (`Query1` in `Query1.run()`), the
/// way one Appsmith entity refers to another.
fn identifiers(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        let prev_ok = i == 0
            || chars
                .get(i - 1)
                .is_some_and(|p| !(p.is_alphanumeric() || *p == '_' || *p == '.' || *p == '$'));
        if (c.is_alphabetic() || c == '_') && prev_ok {
            let s = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            if chars.get(i) == Some(&'.') {
                let id: String = chars
                    .get(s..i)
                    .map(|s| s.iter().collect())
                    .unwrap_or_default();
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Column names a SQL statement reads or writes: the `SELECT` list, the
/// `INSERT INTO t (…)` list, `UPDATE … SET col =` and `WHERE col =` filters.
/// Approximate on purpose: it only feeds the sensitive-field dictionary.
pub(crate) fn sql_fields(sql: &str) -> Vec<(String, FieldUse)> {
    let mut out: Vec<(String, FieldUse)> = Vec::new();
    let lower = sql.to_ascii_lowercase();
    let mut push = |name: &str, usage: FieldUse| {
        let name = name
            .trim()
            .trim_matches(['"', '`', '[', ']', '\'', ';', '(', ')'])
            .rsplit('.')
            .next()
            .unwrap_or("")
            .trim_matches(['"', '`', '[', ']']);
        let ok = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !name.chars().all(|c| c.is_ascii_digit())
            && !matches!(
                name.to_ascii_lowercase().as_str(),
                "distinct" | "as" | "null" | "true" | "false" | "and" | "or" | "not" | "count"
            );
        if ok && !out.iter().any(|(n, u)| n == name && *u == usage) {
            out.push((name.to_string(), usage));
        }
    };
    // SELECT a, b AS c FROM
    if let Some(s) = lower.find("select ") {
        let from = lower.get(s..).and_then(|r| r.find(" from ")).map(|f| s + f);
        if let Some(list) = from.and_then(|f| sql.get(s + 7..f)) {
            for col in split_top_level(list) {
                let col = col.trim();
                if col == "*" || col.contains('(') || col.contains("{{") {
                    continue;
                }
                let first = col.split_whitespace().next().unwrap_or("");
                push(first, FieldUse::Read);
            }
        }
    }
    // INSERT INTO t (a, b)
    if let Some(s) = lower.find("insert into") {
        let rest = sql.get(s..).unwrap_or("");
        if let (Some(o), Some(c)) = (rest.find('('), rest.find(')')) {
            if o < c {
                for col in rest.get(o + 1..c).unwrap_or("").split(',') {
                    push(col, FieldUse::Write);
                }
            }
        }
    }
    // UPDATE t SET a = …, b = … / WHERE a = …
    for (kw, usage) in [(" set ", FieldUse::Write), (" where ", FieldUse::Filter)] {
        if let Some(s) = lower.find(kw) {
            let rest = sql
                .get(s + kw.len()..)
                .unwrap_or("")
                .replace(" AND ", " and ")
                .replace(" OR ", " and ")
                .replace(" or ", " and ");
            for part in rest.split([',', '\n']).flat_map(|p| p.split(" and ")) {
                if let Some((lhs, _)) = part.split_once('=') {
                    let lhs = lhs.trim_end_matches(['!', '<', '>']).trim();
                    if !lhs.contains(' ') {
                        push(lhs, usage);
                    }
                }
            }
        }
    }
    out
}

fn split_top_level(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(list.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(list.get(start..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(path: &str, v: Json) -> Entry {
        Entry {
            display_path: path.into(),
            path: path.into(),
            content: Content::Json(v),
        }
    }

    #[test]
    fn detection() {
        assert!(claims(&entry(
            "a.json",
            json!({"exportedApplication": {"name": "x"}, "actionList": []})
        )));
        assert!(claims(&entry(
            "a.json",
            json!({"clientSchemaVersion": 1, "serverSchemaVersion": 7, "actionList": []})
        )));
        assert!(claims(&entry(
            "r/pages/Page1/queries/q1/metadata.json",
            json!({"pluginType": "DB", "unpublishedAction": {"name": "q1"}})
        )));
        assert!(claims(&entry(
            "r/datasources/Users DB.json",
            json!({"name": "Users DB", "pluginId": "postgres-plugin"})
        )));
        assert!(!claims(&entry(
            "a.json",
            json!({"nodes": [], "connections": {}})
        )));
        assert!(!claims(&entry("a.json", json!({"actionList": []}))));
        let meta = entry(
            "metadata.json",
            json!({"clientSchemaVersion": 1, "serverSchemaVersion": 7}),
        );
        assert!(!is_export(&meta));
        assert_eq!(layout_part(&meta).map(|p| p.0), Some(Part::Metadata));
    }

    #[test]
    fn urls_join() {
        assert_eq!(join_url("http://a.io/", "/x"), "http://a.io/x");
        assert_eq!(join_url("http://a.io", "x"), "http://a.io/x");
        assert_eq!(join_url("", "/x"), "/x");
    }

    #[test]
    fn sql_columns() {
        let f =
            sql_fields("SELECT id, email AS mail, count(*) FROM users WHERE ssn = {{Input1.text}}");
        assert!(f.contains(&("email".to_string(), FieldUse::Read)));
        assert!(f.contains(&("ssn".to_string(), FieldUse::Filter)));
        let f = sql_fields("INSERT INTO t (name, card_number) VALUES ({{a.b}}, 2)");
        assert!(f.contains(&("card_number".to_string(), FieldUse::Write)));
        assert!(sql_fields("").is_empty());
    }

    #[test]
    fn bindings() {
        assert_eq!(
            binding_roots("a {{ Input1.text }} b {{Api1.data.items.map(x => x.id)}}"),
            vec!["Input1".to_string(), "Api1".to_string(), "x".to_string()]
        );
        assert_eq!(identifiers("await Query1.run(); x.y"), vec!["Query1", "x"]);
    }

    #[test]
    fn odd_shapes_never_panic() {
        let v = json!({"exportedApplication": {"name": 3, "isPublic": "yes"},
            "actionList": [1, {"unpublishedAction": {"name": "q", "actionConfiguration": {"headers": [1, {"key": 2}]}, "datasource": 5}}],
            "datasourceList": [{"name": "d", "datasourceConfiguration": {"endpoints": [7]}}],
            "pageList": [{"unpublishedPage": {"name": "p", "layouts": [{"dsl": {"children": [1, {"widgetName": "I", "type": "INPUT_WIDGET_V2"}]}}]}}],
            "decryptedFields": {"d": {"password": "", "dbAuth": 4}},
            "actionCollectionList": [{"unpublishedCollection": {"name": "JS", "variables": [3]}}]});
        let e = entry("x.json", v);
        let mut apps = Vec::new();
        let mut notes = Vec::new();
        parse_export(e.json().unwrap(), &e, &mut apps, &mut notes);
        assert_eq!(apps.len(), 1);
        assert_eq!(apps[0].steps.len(), 2);
    }
}
