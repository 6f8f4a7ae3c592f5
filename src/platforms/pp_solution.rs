//! Power Platform solutions (field guide, section "2. Power Platform solutions").
//!
//! Reads the solution's own files; the cloud flows in `Workflows/*.json` are
//! read by [`super::power_automate`] and the canvas apps inside
//! `CanvasApps/*.msapp` by [`super::power_apps`], each as its own component.
//! This module adds one [`App`] of kind [`AppKind::Solution`] per solution:
//!
//! * `solution.xml` (`Other/Solution.xml` unpacked): unique name, display
//!   name, version, managed flag, publisher;
//! * `customizations.xml` (`Other/Customizations.xml`, `Entities/*/Entity.xml`,
//!   `Roles/*.xml` unpacked): table columns → [`DataField`]s (object = table);
//!   security role privileges and field security profiles → [`Sharing`];
//!   connection references → [`Connection`]s; environment variable
//!   definitions → [`Value`]s (type `100000005` = secret, a Key Vault reference);
//! * `environmentvariabledefinitions/<schema>/environmentvariabledefinition.xml`
//!   and `environmentvariablevalues.json`: definitions and current values;
//! * custom connectors, `Connector/<name>_openapidefinition.json` (host,
//!   scheme, `securityDefinitions`) and `_connectionparameters.json` (auth
//!   parameters, OAuth settings) → [`Connection`]s and [`Endpoint`]s.
//!
//! One solution per archive level: entries are grouped by the archive they
//! sit in (`outer.zip!/inner.zip!/solution.xml`).

use std::collections::BTreeMap;

use roxmltree::Node;
use serde_json::Value as Json;

use super::common::{host_of, str_at, walk_strings, with_entry_xml};
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Audience, Connection, DataField, Endpoint, EnvVarKind, EnvVarValue, EnvVariable,
    FieldUse, Location, Platform, Sharing, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::PowerPlatformSolution,
    claims,
    parse,
};

/// Environment variable type codes.
const ENV_SECRET: &str = "100000005";

// ---------------------------------------------------------------------------
// Detection

fn claims(entry: &Entry) -> bool {
    kind_of(entry).is_some()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Manifest,
    Customizations,
    EnvValues,
    ConnectorOpenApi,
    ConnectorParameters,
    /// Solution plumbing with nothing to judge (policy templates, canvas app
    /// side files).
    Plumbing,
}

fn kind_of(entry: &Entry) -> Option<FileKind> {
    let name = entry.file_name().to_ascii_lowercase();
    let lower_path = entry.path.to_ascii_lowercase();
    // Files inside a canvas app belong to the Power Apps parser.
    if lower_path.contains(".msapp!/") {
        return None;
    }
    let in_connector = lower_path.contains("connector/") || lower_path.contains("connectors/");
    if in_connector && name.ends_with("_policytemplateinstances.json") {
        return Some(FileKind::Plumbing);
    }
    if let Some(text) = entry.xml() {
        let head = text.get(..text.len().min(4096)).unwrap_or(text);
        if name == "solution.xml" && text.contains("<SolutionManifest") {
            return Some(FileKind::Manifest);
        }
        if (name == "customizations.xml" && head.contains("<ImportExportXml"))
            || (name == "entity.xml" && head.contains("<Entity"))
            || (lower_path.contains("roles/") && head.contains("<Role "))
            || (name == "environmentvariabledefinition.xml"
                && head.contains("<environmentvariabledefinition"))
            || (name == "connectionreference.xml" && head.contains("<connectionreference"))
        {
            return Some(FileKind::Customizations);
        }
        if name == "[content_types].xml" && head.contains("<Types") {
            return Some(FileKind::Plumbing);
        }
        if lower_path.contains("canvasapps/") && name.ends_with(".meta.xml") {
            return Some(FileKind::Plumbing);
        }
        return None;
    }
    if entry.json().is_some() {
        if name == "environmentvariablevalues.json" || name == "environment_variable_values.json" {
            return Some(FileKind::EnvValues);
        }
        if in_connector && name.ends_with("_openapidefinition.json") {
            return Some(FileKind::ConnectorOpenApi);
        }
        if in_connector && name.ends_with("_connectionparameters.json") {
            return Some(FileKind::ConnectorParameters);
        }
        if lower_path.contains("canvasapps/") && name.contains("_additionaluris") {
            return Some(FileKind::Plumbing);
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Parsing

/// The archive an entry sits in: everything up to the last `!/`.
fn group_of(entry: &Entry) -> &str {
    match entry.path.rfind("!/") {
        Some(i) => entry.path.get(..i + 2).unwrap_or(""),
        None => "",
    }
}

fn parse(bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut groups: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for entry in entries {
        groups.entry(group_of(entry)).or_default().push(entry);
    }
    let mut apps = Vec::new();
    for (_, group) in groups {
        let worth = group
            .iter()
            .any(|e| kind_of(e).is_some_and(|k| k != FileKind::Plumbing));
        if !worth {
            // Dropped on its own, say what the file is instead of "unknown".
            if !bundle.is_archive {
                for entry in group {
                    notes.push(Note {
                        file: entry.display_path.clone(),
                        message: "not read: this file is package plumbing of a Power Platform \
                                  solution and holds nothing to check; drop the solution .zip \
                                  (or its solution.xml and customizations.xml) instead"
                            .into(),
                    });
                }
            }
            continue;
        }
        apps.push(parse_solution(bundle, &group, notes));
    }
    apps
}

fn parse_solution(bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> App {
    let first = entries.first().map(|e| e.display_path.clone());
    let mut app = App {
        platform: Platform::PowerPlatformSolution,
        kind: AppKind::Solution,
        name: String::new(),
        location: Location::new(first.unwrap_or_else(|| bundle.name.clone()), ""),
        ..App::default()
    };
    // Manifest first, so the solution's name is known.
    let mut ordered: Vec<&&Entry> = entries.iter().collect();
    ordered.sort_by_key(|e| match kind_of(e) {
        Some(FileKind::Manifest) => 0,
        Some(FileKind::Customizations) => 1,
        _ => 2,
    });
    for entry in ordered {
        match kind_of(entry) {
            Some(FileKind::Manifest) => read_manifest(entry, &mut app, notes),
            Some(FileKind::Customizations) => read_customizations(entry, &mut app, notes),
            Some(FileKind::EnvValues) => read_env_values(entry, &mut app),
            Some(FileKind::ConnectorOpenApi) => read_openapi(entry, &mut app),
            Some(FileKind::ConnectorParameters) => read_connection_parameters(entry, &mut app),
            Some(FileKind::Plumbing) | None => {}
        }
    }
    if app.name.is_empty() {
        app.name = "Power Platform solution".into();
    }
    app
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name().eq_ignore_ascii_case(name))
}

fn child_text<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name)
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The first `LocalizedName/@description` (or `label/@description`) under `node`.
fn localized(node: Node<'_, '_>, container: &str) -> Option<String> {
    let c = child(node, container)?;
    if let Some(d) = c.attribute("default").filter(|d| !d.is_empty()) {
        return Some(d.to_string());
    }
    c.children()
        .filter(Node::is_element)
        .find_map(|n| n.attribute("description"))
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

fn read_manifest(entry: &Entry, app: &mut App, notes: &mut Vec<Note>) {
    with_entry_xml(entry, notes, "solution.xml ", |doc| {
        let Some(manifest) = doc
            .descendants()
            .find(|n| n.has_tag_name("SolutionManifest"))
        else {
            return;
        };
        app.location = Location::new(&entry.display_path, "/ImportExportXml/SolutionManifest");
        let unique = child_text(manifest, "UniqueName").map(str::to_string);
        let display = localized(manifest, "LocalizedNames");
        app.name = display.or_else(|| unique.clone()).unwrap_or_default();
        app.id = unique;
        app.version = child_text(manifest, "Version").map(str::to_string);
        if let Some(publisher) = child(manifest, "Publisher") {
            let loc = app.location.child("Publisher");
            for (key, value) in [
                ("PublisherUniqueName", child_text(publisher, "UniqueName")),
                (
                    "CustomizationPrefix",
                    child_text(publisher, "CustomizationPrefix"),
                ),
                (
                    "SupportingWebsiteUrl",
                    child_text(publisher, "SupportingWebsiteUrl"),
                ),
            ] {
                if let Some(v) = value {
                    app.values.push(Value {
                        key: key.into(),
                        value: v.into(),
                        context: ValueContext::Parameter,
                        location: loc.child(key),
                        ..Value::default()
                    });
                }
            }
        }
        if let Some(managed) = child_text(manifest, "Managed") {
            app.values.push(Value {
                key: "Managed".into(),
                value: managed.into(),
                context: ValueContext::Parameter,
                location: app.location.child("Managed"),
                ..Value::default()
            });
        }
    })
}

fn read_customizations(entry: &Entry, app: &mut App, notes: &mut Vec<Note>) {
    with_entry_xml(entry, notes, "", |doc| {
        let file = entry.display_path.as_str();
        for node in doc.descendants().filter(Node::is_element) {
            match node.tag_name().name() {
                "entity" if node.attribute("Name").is_some() => read_entity(file, node, app),
                "Role" if node.attribute("name").is_some() => read_role(file, node, app),
                "FieldSecurityProfile" => read_field_profile(file, node, app),
                "connectionreference" => read_connection_reference(file, node, app),
                "environmentvariabledefinition" => read_env_definition(file, node, app),
                _ => {}
            }
        }
    })
}

fn read_entity(file: &str, entity: Node<'_, '_>, app: &mut App) {
    let table = entity.attribute("Name").unwrap_or_default();
    let table_label = localized(entity, "LocalizedNames").unwrap_or_else(|| table.to_string());
    let Some(attributes) = child(entity, "attributes") else {
        return;
    };
    for attr in attributes
        .children()
        .filter(|c| c.has_tag_name("attribute"))
    {
        let logical = child_text(attr, "LogicalName")
            .or_else(|| attr.attribute("PhysicalName"))
            .unwrap_or_default();
        if logical.is_empty() {
            continue;
        }
        let label = localized(attr, "displaynames");
        let secured = child_text(attr, "IsSecured") == Some("1");
        let path =
            format!("/ImportExportXml/Entities/Entity[{table}]/attributes/attribute[{logical}]");
        // The label the maker sees names the column best; the logical name is
        // kept when the label says nothing more.
        let name = label.unwrap_or_else(|| logical.to_string());
        app.fields.push(DataField {
            name,
            object: Some(table_label.clone()),
            usage: FieldUse::Read,
            step_id: None,
            classification: None,
            location: Location::new(file, path.clone()),
        });
        if secured {
            app.sharing.push(Sharing {
                audience: Audience::SpecificUsers,
                what: format!(
                    "column '{logical}' of table '{table_label}' is protected by column security"
                ),
                raw: "IsSecured: 1".into(),
                location: Location::new(file, format!("{path}/IsSecured")),
            });
        }
    }
}

/// Role privilege depth → who the grant reaches.
fn depth_audience(level: &str) -> (Audience, &'static str) {
    match level {
        "Global" => (Audience::Organisation, "the whole organisation"),
        "Deep" => (
            Audience::Organisation,
            "the business unit and its child business units",
        ),
        "Local" => (Audience::Organisation, "the user's business unit"),
        "Basic" => (Audience::SpecificUsers, "the user's own records"),
        _ => (Audience::Unknown, "an unknown depth"),
    }
}

/// `prvReadaccount` → (`Read`, `account`).
fn split_privilege(name: &str) -> (&str, &str) {
    let rest = name.strip_prefix("prv").unwrap_or(name);
    for verb in [
        "AppendTo", "Append", "Assign", "Create", "Delete", "Read", "Share", "Write",
    ] {
        if let Some(object) = rest.strip_prefix(verb) {
            if !object.is_empty() {
                return (verb, object);
            }
        }
    }
    (rest, "")
}

fn read_role(file: &str, role: Node<'_, '_>, app: &mut App) {
    let role_name = role.attribute("name").unwrap_or_default();
    let Some(privileges) = child(role, "RolePrivileges") else {
        return;
    };
    for (i, p) in privileges
        .children()
        .filter(|c| c.has_tag_name("RolePrivilege"))
        .enumerate()
    {
        let Some(name) = p.attribute("name") else {
            continue;
        };
        let level = p.attribute("level").unwrap_or_default();
        let (audience, reach) = depth_audience(level);
        let (verb, object) = split_privilege(name);
        let what = if object.is_empty() {
            format!("security role '{role_name}': {verb} ({reach})")
        } else {
            format!("security role '{role_name}': {verb} on {object} ({reach})")
        };
        app.sharing.push(Sharing {
            audience,
            what,
            raw: format!("{name} level={level}"),
            location: Location::new(
                file,
                format!(
                    "/Roles/Role[{role_name}]/RolePrivileges/RolePrivilege[{}]",
                    i + 1
                ),
            ),
        });
    }
}

fn read_field_profile(file: &str, profile: Node<'_, '_>, app: &mut App) {
    let name = profile
        .attribute("name")
        .map(str::to_string)
        .or_else(|| child_text(profile, "name").map(str::to_string))
        .unwrap_or_default();
    for (i, perm) in profile
        .descendants()
        .filter(|c| c.has_tag_name("FieldPermission"))
        .enumerate()
    {
        let column = perm.attribute("attributelogicalname").unwrap_or_default();
        let table = perm.attribute("entityname").unwrap_or_default();
        let mut rights = Vec::new();
        for (attr, word) in [
            ("canread", "read"),
            ("cancreate", "create"),
            ("canupdate", "update"),
        ] {
            // 4 = allowed, 0 = not allowed.
            if perm.attribute(attr).is_some_and(|v| v == "4") {
                rights.push(word);
            }
        }
        app.sharing.push(Sharing {
            audience: Audience::SpecificUsers,
            what: format!(
                "field security profile '{name}' may {} column '{column}'{}",
                if rights.is_empty() {
                    "not use".to_string()
                } else {
                    rights.join(", ")
                },
                if table.is_empty() {
                    String::new()
                } else {
                    format!(" of table '{table}'")
                }
            ),
            raw: format!(
                "canread={} cancreate={} canupdate={}",
                perm.attribute("canread").unwrap_or(""),
                perm.attribute("cancreate").unwrap_or(""),
                perm.attribute("canupdate").unwrap_or("")
            ),
            location: Location::new(
                file,
                format!(
                    "/FieldSecurityProfiles/FieldSecurityProfile[{name}]/FieldPermissions/FieldPermission[{}]",
                    i + 1
                ),
            ),
        });
    }
}

/// `/providers/Microsoft.PowerApps/apis/shared_sharepointonline` → `shared_sharepointonline`.
fn api_name(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

fn read_connection_reference(file: &str, node: Node<'_, '_>, app: &mut App) {
    let Some(logical) = node.attribute("connectionreferencelogicalname") else {
        return;
    };
    let connector_id = child_text(node, "connectorid").unwrap_or_default();
    let custom = child_text(node, "customconnectorid");
    let connector = api_name(connector_id).to_string();
    if app.connection(logical).is_some() {
        return;
    }
    app.connections.push(Connection {
        id: logical.to_string(),
        connector,
        display_name: child_text(node, "connectionreferencedisplayname")
            .unwrap_or(logical)
            .to_string(),
        auth: custom.map(|_| "custom connector".to_string()),
        location: Location::new(
            file,
            format!("/ImportExportXml/connectionreferences/connectionreference[{logical}]"),
        ),
        ..Connection::default()
    });
}

/// A secret environment variable normally holds a Key Vault secret reference.
fn is_key_vault_reference(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.starts_with("/subscriptions/") && lower.contains("/providers/microsoft.keyvault/")
}

fn env_value(key: &str, value: &str, secret: bool, location: Location) -> Value {
    let (context, kind) = if secret && is_key_vault_reference(value) {
        (ValueContext::Variable, ValueKind::Expression)
    } else if secret {
        (ValueContext::PasswordField, ValueKind::Literal)
    } else {
        (ValueContext::Variable, ValueKind::Literal)
    };
    Value {
        key: key.to_string(),
        value: value.to_string(),
        context,
        kind,
        step_id: None,
        location,
    }
}

fn push_url_endpoint(app: &mut App, value: &str, location: &Location) {
    let trimmed = value.trim();
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        app.endpoints.push(Endpoint {
            url: trimmed.to_string(),
            host: host_of(trimmed),
            step_id: None,
            location: location.clone(),
        });
    }
}

fn read_env_definition(file: &str, node: Node<'_, '_>, app: &mut App) {
    let Some(schema) = node.attribute("schemaname") else {
        return;
    };
    let kind = child_text(node, "type").unwrap_or_default();
    let secret = kind == ENV_SECRET;
    let base = format!("/environmentvariabledefinition[{schema}]");
    let mut var = EnvVariable {
        name: schema.to_string(),
        display_name: localized(node, "displayname"),
        kind: env_kind(kind),
        raw_kind: kind.to_string(),
        values: Vec::new(),
        location: Location::new(file, base.clone()),
    };
    if let Some(default) = child_text(node, "defaultvalue") {
        let loc = Location::new(file, format!("{base}/defaultvalue"));
        push_url_endpoint(app, default, &loc);
        var.values.push(EnvVarValue {
            value: default.to_string(),
            current: false,
            secret_reference: is_key_vault_reference(default),
            location: loc.clone(),
        });
        app.values.push(env_value(schema, default, secret, loc));
    }
    if !app.env_vars.iter().any(|v| v.name == var.name) {
        app.env_vars.push(var);
    }
}

/// Environment variable type codes → kinds.
fn env_kind(code: &str) -> EnvVarKind {
    match code {
        "100000000" => EnvVarKind::Text,
        "100000001" => EnvVarKind::Number,
        "100000002" => EnvVarKind::Boolean,
        "100000003" => EnvVarKind::Json,
        "100000004" => EnvVarKind::DataSource,
        ENV_SECRET => EnvVarKind::Secret,
        _ => EnvVarKind::Unknown,
    }
}

/// `{"environmentvariablevalues": {"environmentvariablevalue": {schemaname, value}}}`
/// (one object or a list).
fn read_env_values(entry: &Entry, app: &mut App) {
    let Some(json) = entry.json() else { return };
    // Definitions are read first (see `parse_solution`): a value of a secret
    // variable is judged as one.
    let secret_names: Vec<String> = app
        .values
        .iter()
        .filter(|v| v.context == ValueContext::PasswordField || v.kind == ValueKind::Expression)
        .map(|v| v.key.clone())
        .collect();
    let mut found: Vec<(String, String, Location)> = Vec::new();
    collect_env_values(json, &Location::new(&entry.display_path, ""), &mut found, 0);
    for (schema, value, loc) in found {
        let secret = secret_names.contains(&schema);
        push_url_endpoint(app, &value, &loc);
        let current = EnvVarValue {
            value: value.clone(),
            current: true,
            secret_reference: is_key_vault_reference(&value),
            location: loc.clone(),
        };
        match app.env_vars.iter_mut().find(|v| v.name == schema) {
            Some(var) => var.values.push(current),
            None => app.env_vars.push(EnvVariable {
                name: schema.clone(),
                location: loc.clone(),
                values: vec![current],
                ..EnvVariable::default()
            }),
        }
        app.values.push(env_value(&schema, &value, secret, loc));
    }
}

fn collect_env_values(
    json: &Json,
    loc: &Location,
    out: &mut Vec<(String, String, Location)>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    match json {
        Json::Object(map) => {
            if let (Some(schema), Some(value)) = (
                str_at(json, "schemaname").or_else(|| str_at(json, "SchemaName")),
                str_at(json, "value").or_else(|| str_at(json, "Value")),
            ) {
                out.push((schema.to_string(), value.to_string(), loc.child("value")));
                return;
            }
            for (k, v) in map {
                collect_env_values(v, &loc.child(k), out, depth + 1);
            }
        }
        Json::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_env_values(v, &loc.index(i), out, depth + 1);
            }
        }
        _ => {}
    }
}

/// `Connector/dem_inventory_openapidefinition.json` → `dem_inventory`.
fn connector_name(entry: &Entry, suffix: &str) -> String {
    let name = entry.file_name();
    let lower = name.to_ascii_lowercase();
    match lower.strip_suffix(suffix) {
        Some(stem) => name.get(..stem.len()).unwrap_or(name).to_string(),
        None => name.to_string(),
    }
}

fn read_openapi(entry: &Entry, app: &mut App) {
    let Some(json) = entry.json() else { return };
    let id = connector_name(entry, "_openapidefinition.json");
    let loc = Location::new(&entry.display_path, "");
    let host = str_at(json, "host").unwrap_or_default();
    let base_path = str_at(json, "basePath").unwrap_or_default();
    let scheme = json
        .get("schemes")
        .and_then(Json::as_array)
        .and_then(|s| {
            // Prefer https when both are offered; http alone stays http.
            let list: Vec<&str> = s.iter().filter_map(Json::as_str).collect();
            if list.contains(&"https") {
                Some("https")
            } else {
                list.first().copied()
            }
        })
        .unwrap_or("https");
    let endpoint = (!host.is_empty()).then(|| format!("{scheme}://{host}{base_path}"));
    let mut auth: Vec<String> = Vec::new();
    if let Some(Json::Object(defs)) = json.get("securityDefinitions") {
        for def in defs.values() {
            if let Some(t) = str_at(def, "type") {
                if !auth.iter().any(|a| a == t) {
                    auth.push(t.to_string());
                }
            }
        }
    }
    let title = json
        .get("info")
        .and_then(|i| str_at(i, "title"))
        .unwrap_or(&id)
        .to_string();
    if let Some(url) = &endpoint {
        app.endpoints.push(Endpoint {
            url: url.clone(),
            host: Some(host.to_ascii_lowercase()),
            step_id: None,
            location: loc.child("host"),
        });
    }
    let auth = if auth.is_empty() {
        "none".to_string()
    } else {
        auth.join(", ")
    };
    upsert_custom_connector(app, &id, title, Some(auth), endpoint, loc);
    // Literal values in the definition (x-ms extensions, examples in
    // parameters) are checked like any other value.
    walk_strings(
        json.get("x-ms-connector-metadata").unwrap_or(&Json::Null),
        "x-ms-connector-metadata",
        &Location::new(&entry.display_path, "/x-ms-connector-metadata"),
        &mut |key, text, l| {
            app.values.push(Value {
                key: key.to_string(),
                value: text.to_string(),
                location: l.clone(),
                ..Value::default()
            })
        },
    );
}

fn upsert_custom_connector(
    app: &mut App,
    id: &str,
    title: String,
    auth: Option<String>,
    endpoint: Option<String>,
    location: Location,
) {
    if let Some(existing) = app.connections.iter_mut().find(|c| c.id == id) {
        if existing.auth.is_none() || existing.auth.as_deref() == Some("none") {
            if let Some(a) = auth {
                existing.auth = Some(a);
            }
        }
        if existing.endpoint.is_none() {
            existing.endpoint = endpoint;
        }
        if !title.is_empty() && title != id {
            existing.display_name = title;
        }
        return;
    }
    app.connections.push(Connection {
        id: id.to_string(),
        connector: id.to_string(),
        display_name: title,
        identity: Default::default(),
        auth,
        endpoint,
        location,
    });
}

/// `{api_key: {type: securestring}}`, `{token: {type: oauthSetting,
/// oAuthSettings: {identityProvider, clientId}}}`, `{username, password}`.
fn read_connection_parameters(entry: &Entry, app: &mut App) {
    let Some(Json::Object(params)) = entry.json() else {
        return;
    };
    let id = connector_name(entry, "_connectionparameters.json");
    let loc = Location::new(&entry.display_path, "");
    let mut kinds: Vec<String> = Vec::new();
    for (name, param) in params {
        let t = str_at(param, "type").unwrap_or_default();
        let kind = if t.eq_ignore_ascii_case("oauthSetting") {
            let provider = param
                .get("oAuthSettings")
                .and_then(|o| str_at(o, "identityProvider"))
                .unwrap_or("oauth2");
            format!("oauth2 ({provider})")
        } else if name.eq_ignore_ascii_case("username") || name.eq_ignore_ascii_case("password") {
            "basic".to_string()
        } else if t.eq_ignore_ascii_case("securestring") {
            "apiKey".to_string()
        } else {
            continue;
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        // Settings that can carry literals (client ids, custom parameters).
        if let Some(settings) = param.get("oAuthSettings") {
            let base = loc.child(name).child("oAuthSettings");
            walk_strings(settings, "oAuthSettings", &base, &mut |key, text, l| {
                if key.eq_ignore_ascii_case("iconUri") {
                    return;
                }
                app.values.push(Value {
                    key: key.to_string(),
                    value: text.to_string(),
                    context: ValueContext::Credential,
                    location: l.clone(),
                    ..Value::default()
                });
            });
        }
    }
    let auth = (!kinds.is_empty()).then(|| kinds.join(", "));
    upsert_custom_connector(app, &id, id.clone(), auth, None, loc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privileges_split_into_verb_and_table() {
        assert_eq!(split_privilege("prvReadaccount"), ("Read", "account"));
        assert_eq!(
            split_privilege("prvAppendTosample_Example"),
            ("AppendTo", "sample_Example")
        );
        assert_eq!(
            split_privilege("prvActOnBehalfOfAnotherUser"),
            ("ActOnBehalfOfAnotherUser", "")
        );
    }

    #[test]
    fn key_vault_references_are_recognised() {
        assert!(is_key_vault_reference(
            "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/s"
        ));
        assert!(!is_key_vault_reference("hunter2"));
    }
}
