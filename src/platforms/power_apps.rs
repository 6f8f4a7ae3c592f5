//! Power Apps canvas apps (field guide, section "3. Power Apps canvas apps").
//!
//! Shapes read:
//! * a `.msapp` (a zip; ingest opens it, also inside a solution's
//!   `CanvasApps/`, and turns its backslash entry names into `/`):
//!   `Properties.json` (`Name`, `Id`, `LocalConnectionReferences` and
//!   `LocalDatabaseReferences` as JSON strings), `References/DataSources.json`
//!   (`DataSources[]` by `Type`), `Controls/<n>.json` and `Components/<n>.json`
//!   (`TopParent` control tree, formulas in `Rules[].InvariantScript`),
//!   `Src/*.pa.yaml` in newer apps;
//! * the unpacked source layout: `CanvasManifest.json`, `Src/*.fx.yaml`
//!   (`Name As template:` blocks with `Property: =formula`),
//!   `Src/*.pa.yaml` (`Screens: <Name>: Children: - <Ctrl>: Control: <Type>
//!   Properties: <Prop>: =formula`), `Connections/Connections.json`,
//!   `DataSources/<name>.json`.
//!
//! Each control (screens included) is a [`Step`], named as in Power Apps
//! Studio. Power Fx formulas are scanned lightly, not parsed: text literals
//! become [`Value`]s (URLs also [`Endpoint`]s), `Source.Operation(` calls on
//! a connector data source give the step its connector. Connections and data
//! sources become [`Connection`]s; static (imported) data becomes
//! [`SampleData`] with its cells as sample values.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

use super::common::{host_of, str_at, walk_strings};
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Connection, DataAccess, DataOperation, Endpoint, Location, Platform, SampleData,
    Step, StepKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::PowerApps,
    claims,
    parse,
};

const DATAVERSE: &str = "shared_commondataserviceforapps";
/// Bounds on what one app may add (static data can hold thousands of rows).
const MAX_SAMPLE_VALUES: usize = 2000;
const MAX_DEPTH: usize = 64;

// ---------------------------------------------------------------------------
// Detection

fn in_msapp(entry: &Entry) -> bool {
    entry.display_path.to_ascii_lowercase().contains(".msapp!/")
}

fn claims(entry: &Entry) -> bool {
    if in_msapp(entry) {
        return true;
    }
    let name = entry.file_name().to_ascii_lowercase();
    let lower = entry.path.to_ascii_lowercase();
    if name.ends_with(".fx.yaml") || name.ends_with(".pa.yaml") {
        return entry.text().is_some();
    }
    let Some(json) = entry.json() else {
        return false;
    };
    if name == "canvasmanifest.json" {
        return json.get("Properties").is_some() || json.get("FormatVersion").is_some();
    }
    if lower.ends_with("connections/connections.json") {
        return json
            .as_object()
            .is_some_and(|m| m.values().any(|v| v.get("connectionRef").is_some()));
    }
    if parent_dir(&lower) == Some("datasources") {
        return json.as_array().is_some_and(|a| {
            a.iter()
                .any(|d| str_at(d, "Type").is_some_and(|t| t.ends_with("Info")))
        });
    }
    false
}

fn parent_dir(path: &str) -> Option<&str> {
    let mut parts = path.rsplit('/');
    parts.next()?;
    parts.next()
}

// ---------------------------------------------------------------------------
// Grouping: one app per .msapp or per unpacked source folder

/// Folders of the unpacked layout, stripped to find the app's root.
const LAYOUT_DIRS: &[&str] = &[
    "src",
    "screens",
    "components",
    "editorstate",
    "datasources",
    "connections",
    "controls",
    "references",
    "other",
];

fn group_of(entry: &Entry) -> String {
    let lower = entry.display_path.to_ascii_lowercase();
    if let Some(i) = lower.rfind(".msapp!/") {
        return entry.display_path.get(..i + 8).unwrap_or("").to_string();
    }
    let mut parts: Vec<&str> = entry.path.split('/').collect();
    parts.pop();
    while parts
        .last()
        .is_some_and(|p| LAYOUT_DIRS.contains(&p.to_ascii_lowercase().as_str()))
    {
        parts.pop();
    }
    parts.join("/")
}

fn parse(_bundle: &Bundle, entries: &[&Entry], _notes: &mut Vec<Note>) -> Vec<App> {
    let mut groups: BTreeMap<String, Vec<&Entry>> = BTreeMap::new();
    for entry in entries {
        groups.entry(group_of(entry)).or_default().push(entry);
    }
    groups
        .into_iter()
        .map(|(root, group)| parse_app(&root, &group))
        .collect()
}

/// What a data source name in a formula stands for.
#[derive(Default)]
struct Sources {
    /// Data source name → connector id.
    connector_of: HashMap<String, String>,
}

fn api_name(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

fn rank(entry: &Entry) -> u8 {
    let name = entry.file_name().to_ascii_lowercase();
    match name.as_str() {
        "properties.json" | "canvasmanifest.json" => 0,
        "connections.json" => 1,
        _ if entry.path.to_ascii_lowercase().contains("datasources") => 2,
        _ => 3,
    }
}

fn parse_app(root: &str, entries: &[&Entry]) -> App {
    let mut app = App {
        platform: Platform::PowerApps,
        kind: AppKind::CanvasApp,
        location: Location::new(
            entries
                .first()
                .map(|e| e.display_path.clone())
                .unwrap_or_default(),
            "",
        ),
        ..App::default()
    };
    app.run_context.user_facing = true;
    let mut sources = Sources::default();
    let mut ordered: Vec<&&Entry> = entries.iter().collect();
    ordered.sort_by_key(|e| rank(e));
    for entry in ordered {
        let name = entry.file_name().to_ascii_lowercase();
        let lower = entry.path.to_ascii_lowercase();
        if let Some(json) = entry.json() {
            match name.as_str() {
                "properties.json" if in_msapp(entry) => {
                    read_properties(entry, json, "", &mut app, &mut sources)
                }
                "canvasmanifest.json" => {
                    if let Some(props) = json.get("Properties") {
                        read_properties(entry, props, "/Properties", &mut app, &mut sources);
                    }
                }
                "connections.json" => {
                    read_connections(entry, json, "", &mut app, &mut sources);
                }
                "datasources.json" => {
                    if let Some(list) = json.get("DataSources") {
                        read_data_sources(entry, list, "/DataSources", &mut app, &mut sources);
                    }
                }
                _ if parent_dir(&lower) == Some("datasources") => {
                    read_data_sources(entry, json, "", &mut app, &mut sources)
                }
                _ if json.get("TopParent").is_some() => {
                    if let Some(top) = json.get("TopParent") {
                        let loc = Location::new(&entry.display_path, "/TopParent");
                        read_control(top, &loc, None, &mut app, &sources, 0);
                    }
                }
                _ => {}
            }
        } else if let Some(text) = entry.text() {
            if name.ends_with(".fx.yaml") || name.ends_with(".pa.yaml") {
                read_yaml(entry, text, &mut app, &sources);
            }
        }
    }
    if app.name.is_empty() {
        app.name = fallback_name(root);
    }
    app
}

/// `CanvasApps/cr1_expenses_a1b2c_DocumentUri.msapp!/` → `cr1_expenses_a1b2c`.
fn fallback_name(root: &str) -> String {
    let trimmed = root.trim_end_matches("!/").trim_end_matches('/');
    let last = trimmed.rsplit(['/', '!']).next().unwrap_or(trimmed);
    let stem = last
        .strip_suffix(".msapp")
        .or_else(|| last.strip_suffix(".MSAPP"))
        .unwrap_or(last);
    let stem = stem.strip_suffix("_DocumentUri").unwrap_or(stem);
    if stem.is_empty() {
        "Canvas app".into()
    } else {
        stem.to_string()
    }
}

/// Properties that hold layout and editor settings, not values worth checking.
const NOISE_PROPERTIES: &[&str] = &[
    "AppPreviewFlagsMap",
    "ControlCount",
    "LibraryDependencies",
    "DeserializationLoadTime",
    "AnalysisLoadTime",
    "AppCopilotSchemaName",
];

fn parse_embedded(value: &Json) -> Option<Json> {
    match value {
        Json::String(s) => serde_json::from_str(s).ok(),
        Json::Object(_) => Some(value.clone()),
        _ => None,
    }
}

fn read_properties(entry: &Entry, props: &Json, base: &str, app: &mut App, sources: &mut Sources) {
    let loc = Location::new(&entry.display_path, base);
    if let Some(name) = str_at(props, "Name").filter(|n| !n.is_empty()) {
        app.name = name.to_string();
        app.location = loc.clone();
    }
    if let Some(id) = str_at(props, "Id").filter(|n| !n.is_empty()) {
        app.id = Some(id.to_string());
    }
    if let Some(refs) = props
        .get("LocalConnectionReferences")
        .and_then(parse_embedded)
    {
        read_connections(
            entry,
            &refs,
            &format!("{base}/LocalConnectionReferences"),
            app,
            sources,
        );
    }
    if let Some(db) = props
        .get("LocalDatabaseReferences")
        .and_then(parse_embedded)
    {
        read_database_references(
            entry,
            &db,
            &format!("{base}/LocalDatabaseReferences"),
            app,
            sources,
        );
    }
    let Some(map) = props.as_object() else { return };
    for (key, value) in map {
        if NOISE_PROPERTIES.contains(&key.as_str())
            || key == "LocalConnectionReferences"
            || key == "LocalDatabaseReferences"
        {
            continue;
        }
        walk_strings(value, key, &loc.child(key), &mut |k, text, l| {
            push_literal(app, k, text, None, l);
        });
    }
}

/// `{<id>: {id, connectionRef: {id, displayName, apiTier}, dataSources: [..],
/// datasets: {<site url>: {..}}, connectionParameters}}`.
fn read_connections(entry: &Entry, json: &Json, base: &str, app: &mut App, sources: &mut Sources) {
    let Some(map) = json.as_object() else { return };
    for (key, conn) in map {
        let loc = Location::new(&entry.display_path, base).child(key);
        let api = conn
            .get("connectionRef")
            .and_then(|r| str_at(r, "id"))
            .unwrap_or_default();
        let connector = api_name(api).to_string();
        let display = conn
            .get("connectionRef")
            .and_then(|r| str_at(r, "displayName"))
            .unwrap_or(&connector)
            .to_string();
        if let Some(Json::Array(names)) = conn.get("dataSources") {
            for n in names.iter().filter_map(Json::as_str) {
                sources
                    .connector_of
                    .insert(n.to_string(), connector.clone());
            }
        }
        if let Some(Json::Object(datasets)) = conn.get("datasets") {
            for dataset in datasets.keys() {
                push_url_endpoint(app, dataset, None, &loc.child("datasets").child(dataset));
            }
        }
        if let Some(params) = conn.get("connectionParameters") {
            walk_strings(
                params,
                "connectionParameters",
                &loc.child("connectionParameters"),
                &mut |k, text, l| push_literal(app, k, text, None, l),
            );
        }
        if app.connection(key).is_none() {
            app.connections.push(Connection {
                id: key.clone(),
                connector,
                display_name: display,
                location: loc,
                ..Connection::default()
            });
        }
    }
}

/// `{<env>: {dataSources: {<name>: {entitySetName, logicalName}}, instanceUrl}}`.
fn read_database_references(
    entry: &Entry,
    json: &Json,
    base: &str,
    app: &mut App,
    sources: &mut Sources,
) {
    let Some(map) = json.as_object() else { return };
    for (env, db) in map {
        let loc = Location::new(&entry.display_path, base).child(env);
        if let Some(url) = str_at(db, "instanceUrl") {
            push_url_endpoint(app, url, None, &loc.child("instanceUrl"));
        }
        if let Some(Json::Object(tables)) = db.get("dataSources") {
            for (name, table) in tables {
                sources
                    .connector_of
                    .insert(name.clone(), DATAVERSE.to_string());
                push_table(app, name, str_at(table, "logicalName"), loc.child(name));
            }
        }
    }
}

fn push_table(app: &mut App, name: &str, logical: Option<&str>, location: Location) {
    if app.connection(name).is_some() {
        return;
    }
    app.connections.push(Connection {
        id: name.to_string(),
        connector: DATAVERSE.to_string(),
        display_name: match logical {
            Some(l) if l != name => format!("{name} ({l})"),
            _ => name.to_string(),
        },
        location,
        ..Connection::default()
    });
}

fn read_data_sources(entry: &Entry, list: &Json, base: &str, app: &mut App, sources: &mut Sources) {
    let Some(items) = list.as_array() else { return };
    for (i, ds) in items.iter().enumerate() {
        let loc = Location::new(&entry.display_path, base).index(i);
        let Some(name) = str_at(ds, "Name") else {
            continue;
        };
        match str_at(ds, "Type").unwrap_or_default() {
            "NativeCDSDataSourceInfo" => {
                sources
                    .connector_of
                    .insert(name.to_string(), DATAVERSE.to_string());
                push_table(app, name, str_at(ds, "LogicalName"), loc);
            }
            "ServiceInfo" | "ConnectedDataSourceInfo" => {
                let Some(api) = str_at(ds, "ApiId") else {
                    continue;
                };
                let connector = api_name(api).to_string();
                sources
                    .connector_of
                    .insert(name.to_string(), connector.clone());
                if !app.connections.iter().any(|c| c.connector == connector) {
                    app.connections.push(Connection {
                        id: name.to_string(),
                        connector,
                        display_name: name.to_string(),
                        location: loc,
                        ..Connection::default()
                    });
                }
            }
            "StaticDataSourceInfo" => read_static_data(ds, name, loc, app),
            _ => {}
        }
    }
}

/// Imported (Excel) data: the whole table sits in `Data` as a JSON string.
fn read_static_data(ds: &Json, name: &str, loc: Location, app: &mut App) {
    let Some(data) = ds.get("Data").and_then(parse_embedded) else {
        return;
    };
    let Some(rows) = data.as_array() else { return };
    let mut fields: Vec<String> = Vec::new();
    let data_loc = loc.child("Data");
    let mut budget = MAX_SAMPLE_VALUES.saturating_sub(
        app.values
            .iter()
            .filter(|v| v.context == ValueContext::SampleData)
            .count(),
    );
    for (r, row) in rows.iter().enumerate() {
        let Some(obj) = row.as_object() else { continue };
        for (col, cell) in obj {
            if !fields.contains(col) {
                fields.push(col.clone());
            }
            let text = match cell {
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                _ => continue,
            };
            if budget == 0 {
                continue;
            }
            budget -= 1;
            app.values.push(Value {
                key: col.clone(),
                value: text,
                context: ValueContext::SampleData,
                kind: ValueKind::Literal,
                step_id: None,
                location: data_loc.index(r).child(col),
            });
        }
    }
    app.sample_data.push(SampleData {
        step_id: None,
        records: rows.len(),
        fields,
        location: loc.with_step(name),
    });
}

// ---------------------------------------------------------------------------
// Controls and formulas

fn control_kind(template: &str) -> StepKind {
    match template.to_ascii_lowercase().as_str() {
        "screen" => StepKind::Screen,
        _ => StepKind::Other,
    }
}

fn read_control(
    node: &Json,
    loc: &Location,
    screen: Option<&str>,
    app: &mut App,
    sources: &Sources,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let name = str_at(node, "Name").unwrap_or_default().to_string();
    let template = node
        .get("Template")
        .and_then(|t| str_at(t, "Name"))
        .unwrap_or_default()
        .to_string();
    let is_screen = template.eq_ignore_ascii_case("screen");
    let screen_name = if is_screen {
        Some(name.as_str())
    } else {
        screen
    };
    if !name.is_empty() {
        let step_loc = loc.clone().with_step(&name);
        ensure_step(app, &name, &template, step_loc.clone());
        if let Some(Json::Array(rules)) = node.get("Rules") {
            for (i, rule) in rules.iter().enumerate() {
                let (Some(prop), Some(script)) =
                    (str_at(rule, "Property"), str_at(rule, "InvariantScript"))
                else {
                    continue;
                };
                let rule_loc = step_loc.child("Rules").index(i).child("InvariantScript");
                read_formula(app, sources, &name, prop, script, &rule_loc);
            }
        }
    }
    if let Some(Json::Array(children)) = node.get("Children") {
        let next_screen = screen_name.map(str::to_string);
        for (i, child) in children.iter().enumerate() {
            read_control(
                child,
                &loc.child("Children").index(i),
                next_screen.as_deref(),
                app,
                sources,
                depth + 1,
            );
        }
    }
}

fn ensure_step(app: &mut App, name: &str, template: &str, location: Location) {
    if app.step(name).is_some() {
        return;
    }
    app.steps.push(Step {
        id: name.to_string(),
        name: name.to_string(),
        kind: control_kind(template),
        platform_type: template.to_string(),
        location,
        ..Step::default()
    });
}

/// What the light Power Fx scan finds in one formula.
#[derive(Debug, Default, PartialEq)]
struct Formula {
    /// (key, text): the key is the variable / record field the literal is
    /// assigned to, if any.
    literals: Vec<(Option<String>, String)>,
    /// `Source.Operation(` calls.
    calls: Vec<(String, String)>,
    /// `Function(FirstArgument` for the record functions (`Patch(Employees`).
    record_calls: Vec<(String, String)>,
}

/// Power Fx functions that read or write the data source given first.
fn record_access(function: &str) -> Option<DataAccess> {
    match function.to_ascii_lowercase().as_str() {
        "patch" | "updateif" | "update" => Some(DataAccess::Update),
        "collect" => Some(DataAccess::Create),
        "remove" | "removeif" => Some(DataAccess::Delete),
        "filter" | "lookup" | "search" | "first" | "sort" | "sortbycolumns" => {
            Some(DataAccess::Read)
        }
        _ => None,
    }
}

/// The identifier (plain or `'quoted'`) starting at `i`, skipping blanks.
fn ident_at(chars: &[char], mut i: usize) -> Option<String> {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    let mut out = String::new();
    if chars.get(i) == Some(&'\'') {
        i += 1;
        while let Some(&d) = chars.get(i) {
            if d == '\'' {
                return (!out.is_empty()).then_some(out);
            }
            out.push(d);
            i += 1;
        }
        return None;
    }
    while let Some(&d) = chars.get(i) {
        if d.is_alphanumeric() || d == '_' {
            out.push(d);
            i += 1;
        } else {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn scan_formula(text: &str) -> Formula {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Formula::default();
    let mut i = 0;
    let mut last_ident: Option<String> = None;
    let mut pending_key: Option<String> = None;
    let mut in_set = false;
    while let Some(&c) = chars.get(i) {
        if c == '"' {
            let mut s = String::new();
            i += 1;
            while let Some(&d) = chars.get(i) {
                if d == '"' {
                    if chars.get(i + 1) == Some(&'"') {
                        s.push('"');
                        i += 2;
                        continue;
                    }
                    break;
                }
                s.push(d);
                i += 1;
            }
            i += 1;
            out.literals.push((pending_key.take(), s));
            last_ident = None;
            continue;
        }
        if c == '\'' || c.is_alphabetic() || c == '_' {
            let mut ident = String::new();
            if c == '\'' {
                i += 1;
                while let Some(&d) = chars.get(i) {
                    if d == '\'' {
                        break;
                    }
                    ident.push(d);
                    i += 1;
                }
                i += 1;
            } else {
                while let Some(&d) = chars.get(i) {
                    if d.is_alphanumeric() || d == '_' {
                        ident.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
            }
            // `Source.Operation(`
            if chars.get(i) == Some(&'.') {
                let mut j = i + 1;
                let mut op = String::new();
                while let Some(&d) = chars.get(j) {
                    if d.is_alphanumeric() || d == '_' {
                        op.push(d);
                        j += 1;
                    } else {
                        break;
                    }
                }
                if !op.is_empty() && chars.get(j) == Some(&'(') {
                    out.calls.push((ident.clone(), op));
                }
            }
            if in_set {
                pending_key = Some(ident.clone());
                in_set = false;
            }
            if chars.get(i) == Some(&'(') && record_access(&ident).is_some() {
                if let Some(arg) = ident_at(&chars, i + 1) {
                    out.record_calls.push((ident.clone(), arg));
                }
            }
            if ident.eq_ignore_ascii_case("Set") && chars.get(i) == Some(&'(') {
                in_set = true;
            }
            last_ident = Some(ident);
            continue;
        }
        match c {
            ':' => pending_key = last_ident.take(),
            ')' | ';' | '}' => pending_key = None,
            _ => {}
        }
        i += 1;
    }
    out
}

fn is_url(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn push_url_endpoint(app: &mut App, url: &str, step: Option<&str>, location: &Location) {
    if !is_url(url) {
        return;
    }
    let url = url.trim();
    app.endpoints.push(Endpoint {
        url: url.to_string(),
        host: host_of(url),
        step_id: step.map(str::to_string),
        location: location.clone(),
    });
}

/// A literal worth checking: URLs always, other text when it could be a key
/// (no spaces, long enough).
fn push_literal(app: &mut App, key: &str, text: &str, step: Option<&str>, location: &Location) {
    let trimmed = text.trim();
    if is_url(trimmed) {
        push_url_endpoint(app, trimmed, step, location);
        app.values.push(Value {
            key: key.to_string(),
            value: trimmed.to_string(),
            context: ValueContext::Url,
            kind: ValueKind::Literal,
            step_id: step.map(Into::into),
            location: location.clone(),
        });
        return;
    }
    if trimmed.chars().count() < 8 || trimmed.contains(char::is_whitespace) {
        return;
    }
    app.values.push(Value {
        key: key.to_string(),
        value: trimmed.to_string(),
        context: ValueContext::Parameter,
        kind: ValueKind::Literal,
        step_id: step.map(Into::into),
        location: location.clone(),
    });
}

fn read_formula(
    app: &mut App,
    sources: &Sources,
    control: &str,
    property: &str,
    formula: &str,
    loc: &Location,
) {
    let found = scan_formula(formula);
    for (key, text) in &found.literals {
        let key = key.as_deref().unwrap_or(property);
        push_literal(app, key, text, Some(control), loc);
    }
    for (function, source) in &found.record_calls {
        let (Some(access), Some(connector)) =
            (record_access(function), sources.connector_of.get(source))
        else {
            continue;
        };
        let Some(step) = app.steps.iter_mut().find(|s| s.id == control) else {
            continue;
        };
        if step.connector.is_none() {
            step.connector = Some(connector.clone());
        }
        if step.kind == StepKind::Other {
            step.kind = StepKind::DataOperation;
        }
        let op = step.data_op.get_or_insert_with(|| DataOperation {
            object: source.clone(),
            location: loc.clone(),
            ..DataOperation::default()
        });
        if op.object == *source && !op.access.contains(&access) {
            op.access.push(access);
        }
    }
    for (source, _op) in &found.calls {
        let Some(connector) = sources.connector_of.get(source) else {
            continue;
        };
        if let Some(step) = app.steps.iter_mut().find(|s| s.id == control) {
            // A connector call says more than a record function on a table.
            if step.connector.is_none() || step.kind == StepKind::DataOperation {
                step.connector = Some(connector.clone());
            }
            if matches!(step.kind, StepKind::Other | StepKind::DataOperation) {
                step.kind = if connector == "shared_logicflows" {
                    StepKind::SubFlow
                } else {
                    StepKind::ConnectorAction
                };
            }
        }
    }
}

// ---------------------------------------------------------------------------
// YAML sources (`*.fx.yaml`, `*.pa.yaml`), read line by line

/// Keys of the `.pa.yaml` layout that are structure, not controls.
const PA_STRUCTURE: &[&str] = &[
    "Screens",
    "Children",
    "Properties",
    "App",
    "ComponentDefinitions",
    "DataSources",
    "EditorState",
    "CustomProperties",
    "Parameters",
];

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(s)
}

fn read_yaml(entry: &Entry, text: &str, app: &mut App, sources: &Sources) {
    // (indent, control name)
    let mut stack: Vec<(usize, String)> = Vec::new();
    // The top-level key the line sits under (`Screens`, `App`, `ComponentDefinitions`).
    let mut top_key = String::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((n, raw)) = lines.next() {
        let indent = raw.len() - raw.trim_start().len();
        let mut line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if indent == 0 {
            top_key = line.trim_end_matches(':').trim().to_string();
        }
        let mut item = false;
        if let Some(rest) = line.strip_prefix("- ") {
            line = rest.trim_start();
            item = true;
        }
        let eff_indent = if item { indent + 2 } else { indent };
        while stack.last().is_some_and(|(i, _)| *i >= eff_indent) {
            stack.pop();
        }
        // `Name As template.variant:` (fx.yaml)
        if let Some(head) = line.strip_suffix(':') {
            if let Some((name, template)) = head.rsplit_once(" As ") {
                let name = unquote(name).to_string();
                let template = template.split('.').next().unwrap_or(template).trim();
                let loc = Location::new(&entry.display_path, format!("/{name}"));
                ensure_step(app, &name, template, loc.with_step(&name));
                stack.push((eff_indent, name));
                continue;
            }
            // `- Name:` (pa.yaml control) or `Screens: <Name>:` (pa.yaml screen)
            let key = unquote(head);
            if !PA_STRUCTURE.contains(&key) && !key.contains(": ") {
                let parent_is_screens = indent == 2 && top_key == "Screens";
                if item || parent_is_screens {
                    let kind = if parent_is_screens { "screen" } else { "" };
                    let loc = Location::new(&entry.display_path, format!("/{key}"));
                    ensure_step(app, key, kind, loc.with_step(key));
                    stack.push((eff_indent, key.to_string()));
                }
                continue;
            }
            continue;
        }
        let Some((prop, value)) = line.split_once(':') else {
            continue;
        };
        let prop = unquote(prop);
        let value = value.trim();
        let control = stack.last().map(|(_, c)| c.clone());
        if prop == "Control" {
            if let Some(c) = &control {
                if let Some(step) = app.steps.iter_mut().find(|s| &s.id == c) {
                    if step.platform_type.is_empty() {
                        step.platform_type = value.to_string();
                    }
                }
            }
            continue;
        }
        // `Prop: =formula`, or a block `Prop: |-` / `|` / `>` with `=formula` below.
        let mut formula = String::new();
        if let Some(f) = value.strip_prefix('=') {
            formula.push_str(f);
        } else if value.starts_with('|') || value.starts_with('>') {
            while let Some((_, next)) = lines.peek() {
                let next_indent = next.len() - next.trim_start().len();
                if !next.trim().is_empty() && next_indent <= indent {
                    break;
                }
                formula.push_str(next.trim());
                formula.push('\n');
                lines.next();
            }
            match formula.strip_prefix('=') {
                Some(f) => formula = f.to_string(),
                None => continue,
            }
        } else {
            continue;
        }
        let owner = control.unwrap_or_else(|| "App".to_string());
        if app.step(&owner).is_none() {
            let loc = Location::new(&entry.display_path, format!("/{owner}"));
            ensure_step(app, &owner, "appinfo", loc.with_step(&owner));
        }
        let loc = Location::new(&entry.display_path, format!("/{owner}/{prop}")).with_step(&owner);
        let loc = Location {
            path: format!("{} (line {})", loc.path, n + 1),
            ..loc
        };
        read_formula(app, sources, &owner, prop, &formula, &loc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_give_literals_with_keys_and_connector_calls() {
        let f = scan_formula(
            r#"Set(gblApiKey, "abc123def456"); Office365Outlook.SendEmailV2(User().Email, "Hi ""you""", {Importance: "High"}); Launch("http://x.example/a")"#,
        );
        assert!(f
            .literals
            .contains(&(Some("gblApiKey".into()), "abc123def456".into())));
        assert!(f
            .literals
            .contains(&(Some("Importance".into()), "High".into())));
        assert!(f.literals.contains(&(None, "Hi \"you\"".into())));
        assert!(f.literals.contains(&(None, "http://x.example/a".into())));
        assert!(f
            .calls
            .contains(&("Office365Outlook".into(), "SendEmailV2".into())));
    }

    #[test]
    fn names_fall_back_to_the_msapp_file() {
        assert_eq!(
            fallback_name("sol.zip!/CanvasApps/cr1_expenses_a1b2c_DocumentUri.msapp!/"),
            "cr1_expenses_a1b2c"
        );
        assert_eq!(fallback_name(""), "Canvas app");
    }
}
