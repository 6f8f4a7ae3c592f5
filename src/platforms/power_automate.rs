//! Power Automate cloud flows (field guide, section "1. Power Automate").
//!
//! Shapes read:
//! * a bare `definition.json`: `{name, id, properties: {displayName, state,
//!   definition, connectionReferences}}`, or just `{definition: {…}}`, or the
//!   WDL definition itself (`{$schema…workflowdefinition…, triggers, actions}`);
//! * the legacy export package (.zip): `manifest.json` (`resources.<id>` with
//!   `type` and `details.displayName`) and `Microsoft.Flow/flows/<guid>/definition.json`
//!   (+ `connectionsMap.json`, which maps connection reference keys to the
//!   manifest's connection resources, whose display name is the maker's account);
//! * flows inside a solution: `Workflows/<Name>-<GUID>.json` =
//!   `{properties: {connectionReferences, definition}, schemaVersion}`; the
//!   display name comes from `customizations.xml` / the `.json.data.xml` next to
//!   it, or else from the file name.
//!
//! The definition itself is read by the shared [`super::wdl`] walker. This
//! module adds the flow's name, state and connection references:
//! `source`/`runtimeSource` `Embedded` = [`ConnectionIdentity::Maker`],
//! `Invoker` = [`ConnectionIdentity::Invoker`].
//!
//! Package plumbing (the package `manifest.json`, `apisMap.json`,
//! `connectionsMap.json`, custom connector `apiDefinition.swagger.json`, a
//! solution's `.json.data.xml`) is claimed so it is not reported as unknown;
//! dropped on its own it is answered with a note saying which file to drop instead.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::common::str_at;
use super::wdl;
use super::Parser;
use crate::ingest::{with_parsed_xml, Bundle, Entry};
use crate::model::{
    App, AppKind, Connection, ConnectionIdentity, Location, Platform, RunContext, RunMode,
    TriggerKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::PowerAutomate,
    claims,
    parse,
};

// ---------------------------------------------------------------------------
// Detection

/// Where the WDL definition sits in a flow document, as a JSON pointer.
fn definition_pointer(json: &Json) -> Option<&'static str> {
    if json
        .get("properties")
        .and_then(|p| p.get("definition"))
        .is_some_and(wdl::is_definition)
    {
        return Some("/properties/definition");
    }
    if json.get("definition").is_some_and(wdl::is_definition) {
        // Logic Apps Standard `workflow.json` has the same shape plus a
        // `kind` (Stateful / Stateless / Agent); leave those to Logic Apps.
        if str_at(json, "kind").is_some() {
            return None;
        }
        return Some("/definition");
    }
    if wdl::is_definition(json) {
        return Some("");
    }
    None
}

/// Package plumbing: not a flow, but part of a Power Automate export.
fn side_file_kind(entry: &Entry) -> Option<&'static str> {
    let name = entry.file_name().to_ascii_lowercase();
    if let Some(json) = entry.json() {
        let in_flow_folder = entry.path.to_ascii_lowercase().contains("microsoft.flow/");
        if name == "manifest.json" {
            if json.get("flowAssets").is_some() {
                return Some("the list of flows inside a Power Automate export package");
            }
            if let Some(serde_json::Value::Object(resources)) = json.get("resources") {
                let flowish = resources.values().any(|r| {
                    str_at(r, "type").is_some_and(|t| {
                        t.starts_with("Microsoft.Flow/") || t.starts_with("Microsoft.PowerApps/")
                    })
                });
                if flowish {
                    return Some("the manifest of a Power Automate export package");
                }
            }
        }
        let is_map = name == "apismap.json" || name == "connectionsmap.json";
        // Dropped alone, the map is recognised by its shape: connection
        // reference keys (`shared_…`) pointing at resource ids.
        let map_shape = json.as_object().is_some_and(|m| {
            m.values().all(Json::is_string) && m.keys().all(|k| k.starts_with("shared_"))
        });
        if is_map && (in_flow_folder || map_shape) {
            return Some("the connection map of a Power Automate export package");
        }
        let in_apis_folder = entry
            .path
            .to_ascii_lowercase()
            .contains("microsoft.powerapps/apis/");
        if in_apis_folder && name.ends_with(".swagger.json") {
            return Some("a custom connector's definition in a Power Automate export package");
        }
        return None;
    }
    if let Some(text) = entry.xml() {
        if name.ends_with(".json.data.xml") && text.contains("<Workflow") {
            return Some("the metadata (.data.xml) of a flow in a solution");
        }
    }
    None
}

fn claims(entry: &Entry) -> bool {
    entry.json().and_then(definition_pointer).is_some() || side_file_kind(entry).is_some()
}

// ---------------------------------------------------------------------------
// Parsing

fn parse(bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    let mut side = Vec::new();
    let solution = SolutionInfo::read(bundle);
    for entry in entries {
        let Some(json) = entry.json() else {
            side.push(*entry);
            continue;
        };
        let Some(pointer) = definition_pointer(json) else {
            side.push(*entry);
            continue;
        };
        apps.push(parse_flow(bundle, &solution, entry, json, pointer));
    }
    if apps.is_empty() {
        for entry in side {
            if let Some(kind) = side_file_kind(entry) {
                notes.push(Note {
                    file: entry.display_path.clone(),
                    message: format!(
                        "not read: this is {kind}, not a Power Automate flow. Drop the whole \
                         exported .zip, or the flow's definition.json (package) or \
                         Workflows/<name>.json (solution)"
                    ),
                });
            }
        }
    }
    apps
}

fn parse_flow(
    bundle: &Bundle,
    solution: &SolutionInfo,
    entry: &Entry,
    json: &Json,
    pointer: &str,
) -> App {
    let file = entry.display_path.as_str();
    let base = Location::new(file, "");
    let props = json.get("properties");
    let definition = json.pointer(pointer).unwrap_or(&Json::Null);
    let mut app = App {
        platform: Platform::PowerAutomate,
        kind: AppKind::Workflow,
        name: flow_name(bundle, solution, entry, json),
        id: flow_id(entry, json),
        version: definition
            .get("contentVersion")
            .and_then(Json::as_str)
            .map(str::to_string),
        active: props
            .and_then(|p| str_at(p, "state"))
            .map(|s| s.eq_ignore_ascii_case("Started"))
            .or_else(|| solution.flow_active(entry)),
        location: base.clone(),
        ..App::default()
    };
    wdl::read_definition(&mut app, definition, &Location::new(file, pointer));
    read_connection_references(bundle, solution, entry, &mut app, props, &base);
    add_missing_connections(&mut app);
    app.run_context = run_context(&app, &base);
    app
}

fn flow_name(bundle: &Bundle, solution: &SolutionInfo, entry: &Entry, json: &Json) -> String {
    let from_json = json
        .get("properties")
        .and_then(|p| str_at(p, "displayName"))
        .or_else(|| str_at(json, "displayName"))
        .filter(|n| !n.trim().is_empty());
    if let Some(name) = from_json {
        return name.to_string();
    }
    if let Some(name) = package_flow_name(bundle, entry) {
        return name;
    }
    if let Some(name) = solution.flow_name(entry) {
        return name;
    }
    name_from_file(entry.file_name())
}

/// The flow's folder guid in a package: `Microsoft.Flow/flows/<guid>/definition.json`.
fn package_guid(entry: &Entry) -> Option<&str> {
    let mut parts = entry.path.rsplit('/');
    let file = parts.next()?;
    if !file.eq_ignore_ascii_case("definition.json") {
        return None;
    }
    let guid = parts.next()?;
    let flows = parts.next()?;
    flows.eq_ignore_ascii_case("flows").then_some(guid)
}

/// The package root (`""` or `"some/folder/"`) of a package flow.
fn package_root(entry: &Entry) -> Option<String> {
    let lower = entry.path.to_ascii_lowercase();
    let at = lower.find("microsoft.flow/flows/")?;
    Some(entry.path.get(..at).unwrap_or_default().to_string())
}

fn package_manifest<'a>(bundle: &'a Bundle, entry: &Entry) -> Option<&'a Json> {
    let root = package_root(entry)?;
    bundle.find(&format!("{root}manifest.json"))?.json()
}

fn package_flow_name(bundle: &Bundle, entry: &Entry) -> Option<String> {
    let guid = package_guid(entry)?;
    let manifest = package_manifest(bundle, entry)?;
    let resource = manifest.get("resources")?.get(guid)?;
    let name = resource
        .get("details")
        .and_then(|d| str_at(d, "displayName"))?;
    (!name.trim().is_empty()).then(|| name.to_string())
}

/// What a solution says about its flows and connection references, read once
/// per bundle from `customizations.xml` and the `.json.data.xml` files
/// (`<Workflow Name=…><JsonFileName>`, `<connectionreference …>`).
#[derive(Default)]
struct SolutionInfo {
    /// Lower-case flow file name → display name.
    flow_names: HashMap<String, String>,
    /// Lower-case flow file name → turned on (`<StateCode>1`).
    flow_states: HashMap<String, bool>,
    /// Connection reference logical name → display name.
    reference_names: HashMap<String, String>,
}

impl SolutionInfo {
    fn read(bundle: &Bundle) -> Self {
        let mut info = SolutionInfo::default();
        if !bundle.is_archive {
            return info;
        }
        for entry in &bundle.entries {
            let path = entry.path.to_ascii_lowercase();
            if !(path.ends_with("customizations.xml") || path.ends_with(".json.data.xml")) {
                continue;
            }
            let Some(text) = entry.xml() else {
                continue;
            };
            with_parsed_xml(text, |doc| {
                let Ok(doc) = doc else {
                    return;
                };
                for node in doc.descendants().filter(|n| n.is_element()) {
                    if node.has_tag_name("Workflow") {
                        let json_file = child_text(node, "JsonFileName");
                        let file = json_file.rsplit(['/', '\\']).next().unwrap_or_default();
                        let name = node.attribute("Name").unwrap_or_default().trim();
                        let state = child_text(node, "StateCode").trim();
                        if !file.is_empty() && !state.is_empty() {
                            info.flow_states
                                .insert(file.to_ascii_lowercase(), state == "1");
                        }
                        if !file.is_empty() && !name.is_empty() {
                            // The .data.xml next to the flow wins over customizations.xml.
                            let key = file.to_ascii_lowercase();
                            if path.ends_with(".json.data.xml")
                                || !info.flow_names.contains_key(&key)
                            {
                                info.flow_names.insert(key, name.to_string());
                            }
                        }
                    } else if node.has_tag_name("connectionreference") {
                        let logical = node
                            .attribute("connectionreferencelogicalname")
                            .unwrap_or_default();
                        let display = child_text(node, "connectionreferencedisplayname");
                        if !logical.is_empty() && !display.trim().is_empty() {
                            info.reference_names
                                .insert(logical.to_string(), display.trim().to_string());
                        }
                    }
                }
            });
        }
        info
    }

    fn flow_active(&self, entry: &Entry) -> Option<bool> {
        self.flow_states
            .get(&entry.file_name().to_ascii_lowercase())
            .copied()
    }

    fn flow_name(&self, entry: &Entry) -> Option<String> {
        self.flow_names
            .get(&entry.file_name().to_ascii_lowercase())
            .cloned()
    }
}

fn child_text<'a>(node: roxmltree::Node<'a, '_>, tag: &str) -> &'a str {
    node.children()
        .find(|c| c.has_tag_name(tag))
        .and_then(|c| c.text())
        .unwrap_or_default()
}

/// `CopyDueDate-9048F760-5A9B-EF11-8A6A-000D3A348B6B.json` → `CopyDueDate`.
fn name_from_file(file_name: &str) -> String {
    let stem = file_name
        .strip_suffix(".json")
        .or_else(|| file_name.strip_suffix(".JSON"))
        .unwrap_or(file_name);
    // A solution flow file ends with `-` and a 36-character GUID.
    let name = match stem.len().checked_sub(37) {
        Some(at) if stem.get(at..at + 1) == Some("-") => stem.get(..at).unwrap_or(stem),
        _ => stem,
    };
    if name.is_empty() || name.eq_ignore_ascii_case("definition") {
        "Unnamed Power Automate flow".to_string()
    } else {
        name.to_string()
    }
}

fn flow_id(entry: &Entry, json: &Json) -> Option<String> {
    if let Some(name) = str_at(json, "name").filter(|n| !n.is_empty()) {
        return Some(name.to_string());
    }
    if let Some(guid) = package_guid(entry) {
        return Some(guid.to_string());
    }
    let stem = entry.file_name().strip_suffix(".json")?;
    let guid = stem.get(stem.len().checked_sub(36)?..)?;
    (guid.chars().filter(|c| *c == '-').count() == 4).then(|| guid.to_ascii_lowercase())
}

// ---------------------------------------------------------------------------
// Connections

fn identity_of(source: &str) -> ConnectionIdentity {
    match source.to_ascii_lowercase().as_str() {
        "embedded" => ConnectionIdentity::Maker,
        "invoker" => ConnectionIdentity::Invoker,
        _ => ConnectionIdentity::Unknown,
    }
}

fn read_connection_references(
    bundle: &Bundle,
    solution: &SolutionInfo,
    entry: &Entry,
    app: &mut App,
    props: Option<&Json>,
    base: &Location,
) {
    let Some(serde_json::Value::Object(refs)) = props.and_then(|p| p.get("connectionReferences"))
    else {
        return;
    };
    let refs_loc = base.child("properties").child("connectionReferences");
    let package_names = package_connection_names(bundle, entry);
    for (key, reference) in refs {
        let source = str_at(reference, "source")
            .or_else(|| str_at(reference, "runtimeSource"))
            .unwrap_or_default();
        let connector = reference
            .get("api")
            .and_then(|a| str_at(a, "name"))
            .map(str::to_string)
            .or_else(|| str_at(reference, "id").and_then(wdl::connector_from_api_id))
            .or_else(|| str_at(reference, "apiName").map(str::to_string))
            .unwrap_or_else(|| key.clone());
        let logical = reference
            .get("connection")
            .and_then(|c| str_at(c, "connectionReferenceLogicalName"));
        let display_name = package_names
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n.clone())
            .or_else(|| logical.and_then(|l| solution.reference_names.get(l).cloned()))
            .or_else(|| logical.map(str::to_string))
            .or_else(|| str_at(reference, "displayName").map(str::to_string))
            .unwrap_or_else(|| key.clone());
        let identity = identity_of(source);
        app.connections.push(Connection {
            id: key.clone(),
            connector,
            display_name,
            identity,
            auth: None,
            endpoint: None,
            location: refs_loc.child(key),
        });
    }
    // Steps that name a connection by key get its connector when they had none.
    for step in &mut app.steps {
        if let Some(key) = &step.connection {
            if let Some(c) = app.connections.iter().find(|c| &c.id == key) {
                if step.connector.is_none() || step.connector.as_deref() == Some(key.as_str()) {
                    step.connector = Some(c.connector.clone());
                }
            }
        }
    }
}

/// Connection reference key → the connection's display name (usually the
/// maker's account) from the package's `connectionsMap.json` and manifest.
fn package_connection_names(bundle: &Bundle, entry: &Entry) -> Vec<(String, String)> {
    let Some(guid) = package_guid(entry) else {
        return Vec::new();
    };
    let Some(root) = package_root(entry) else {
        return Vec::new();
    };
    let Some(map) = bundle
        .find(&format!(
            "{root}Microsoft.Flow/flows/{guid}/connectionsMap.json"
        ))
        .and_then(Entry::json)
        .and_then(Json::as_object)
    else {
        return Vec::new();
    };
    let resources = package_manifest(bundle, entry).and_then(|m| m.get("resources"));
    map.iter()
        .filter_map(|(key, res_id)| {
            let res = resources?.get(res_id.as_str()?)?;
            let name = res.get("details").and_then(|d| str_at(d, "displayName"))?;
            Some((key.clone(), name.to_string()))
        })
        .collect()
}

/// Steps that use a connection the flow does not list (older exports) still get one.
fn add_missing_connections(app: &mut App) {
    let mut missing: Vec<(String, String, Location)> = Vec::new();
    for step in &app.steps {
        let Some(key) = &step.connection else {
            continue;
        };
        if app.connection(key).is_some() || missing.iter().any(|(k, _, _)| k == key) {
            continue;
        }
        let connector = step.connector.clone().unwrap_or_else(|| key.clone());
        missing.push((key.clone(), connector, step.location.clone()));
    }
    for (key, connector, location) in missing {
        app.connections.push(Connection {
            id: key.clone(),
            connector,
            display_name: key,
            identity: ConnectionIdentity::Unknown,
            auth: None,
            endpoint: None,
            location,
        });
    }
}

fn run_context(app: &App, base: &Location) -> RunContext {
    let makers = app
        .connections
        .iter()
        .filter(|c| c.identity == ConnectionIdentity::Maker)
        .count();
    let invokers = app
        .connections
        .iter()
        .filter(|c| c.identity == ConnectionIdentity::Invoker)
        .count();
    let (mode, raw) = match (makers, invokers) {
        (0, 0) => (RunMode::Unknown, String::new()),
        (_, 0) => (
            RunMode::Owner,
            "connections are embedded: they use the maker's sign-in for everyone".to_string(),
        ),
        (0, _) => (
            RunMode::User,
            "connections are provided by the person who runs the flow".to_string(),
        ),
        _ => (
            RunMode::Owner,
            "some connections use the maker's sign-in, others the runner's".to_string(),
        ),
    };
    let user_facing = app.triggers.iter().any(|t| {
        matches!(
            t.kind,
            TriggerKind::App | TriggerKind::Manual | TriggerKind::Chat
        )
    });
    RunContext {
        mode,
        raw,
        user_facing,
        requires_permission: None,
        location: Some(base.child("properties").child("connectionReferences")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_files() {
        assert_eq!(
            name_from_file("CopyDueDate-9048F760-5A9B-EF11-8A6A-000D3A348B6B.json"),
            "CopyDueDate"
        );
        assert_eq!(
            name_from_file("definition.json"),
            "Unnamed Power Automate flow"
        );
        assert_eq!(name_from_file("my-flow.json"), "my-flow");
    }
}
