//! Azure Logic Apps (field guide, section "4. Azure Logic Apps").
//!
//! Shapes read:
//! * ARM templates (Consumption): `resources[]` (or a Bicep-style `resources`
//!   object, and nested `Microsoft.Resources/deployments` templates) with
//!   `Microsoft.Logic/workflows` resources — `properties.definition` (WDL),
//!   `properties.parameters` (`$connections` values and workflow parameter
//!   values), `properties.accessControl` (who may call Request triggers),
//!   `properties.state`, `identity` — plus `Microsoft.Web/connections`
//!   resources (`api.id`, literal `parameterValues`) and the template's own
//!   `parameters` defaults;
//! * a Logic App resource on its own (`{type: Microsoft.Logic/workflows,
//!   properties: {definition…}}`, the portal's code view `{definition,
//!   parameters: {$connections: {value}}}`) and gallery templates
//!   (`Microsoft.Logic/galleries/templates`);
//! * Logic Apps Standard projects: `<workflow>/workflow.json` (`{definition,
//!   kind: Stateful|Stateless|Agent}`), `connections.json`
//!   (`managedApiConnections`, `serviceProviderConnections`,
//!   `functionConnections`, `agentConnections`), `parameters.json`
//!   (`{name: {type, value}}`), `local.settings.json` (`Values`; the local
//!   secrets of the project) and `host.json` (runtime settings, nothing to
//!   read);
//! * bare WDL definitions, only when they carry Logic Apps markers (managed
//!   API ids under `/managedApis/`, built-in service providers, integration
//!   account actions…) and no Power Automate markers: every other bare
//!   definition is left to the Power Automate parser, which comes after this
//!   one in [`super::PARSERS`].
//!
//! The definition itself is read by the shared [`super::wdl`] walker. ARM
//! template expressions (`[parameters('x')]`, `[listKeys(…)]`) are
//! references, so values holding one are marked [`ValueKind::Expression`].
//! Items that belong to a whole template or project (connection resources,
//! template parameter defaults, `connections.json`, `local.settings.json`)
//! are added to the first workflow of that template or project, or, when it
//! has none, to a component of their own.

use serde_json::{Map, Value as Json};

use super::common::{host_of, str_at, walk_strings};
use super::wdl;
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Audience, Connection, ConnectionIdentity, Location, Platform, RunContext,
    RunHistoryAccess, RunMode, TriggerKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::LogicApps,
    claims,
    parse,
};

/// Nested deployments are followed at most this deep.
const MAX_TEMPLATE_NESTING: usize = 4;
/// Marker search stops this deep in a definition.
const MAX_MARKER_DEPTH: usize = 48;

// ---------------------------------------------------------------------------
// Detection

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    /// ARM deployment template with Logic Apps resources.
    Arm,
    /// One workflow resource, gallery template or code view; the definition at the pointer.
    Workflow(&'static str),
    /// Standard `workflow.json`.
    Standard,
    /// Bare definition with Logic Apps markers.
    Bare,
    Connections,
    LocalSettings,
    Parameters,
    Host,
    /// A map or schema under a Standard project's `Artifacts/` folder.
    Artifact,
    /// A template gallery's `manifest.json`: the list of its template files.
    GalleryList,
}

fn classify(entry: &Entry) -> Option<Doc> {
    if let Some(xml) = entry.xml() {
        let mut end = xml.len().min(2000);
        while !xml.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        let head = xml.get(..end).unwrap_or_default();
        // An XML schema or XSLT map: Standard projects keep them in `Artifacts/`.
        let schema = head.contains("XMLSchema") && head.contains(":schema");
        let map = head.contains("XSL/Transform")
            && (head.contains(":stylesheet") || head.contains(":transform"));
        return (schema || map).then_some(Doc::Artifact);
    }
    let json = entry.json()?;
    let name = entry.file_name().to_ascii_lowercase();
    if let Json::Array(items) = json {
        let list = name == "manifest.json"
            && !items.is_empty()
            && items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| s.ends_with(".json")));
        return list.then_some(Doc::GalleryList);
    }
    let map = json.as_object()?;
    if is_arm_template(json) {
        return Some(Doc::Arm);
    }
    if let Some(def) = json.get("definition").filter(|d| wdl::is_definition(d)) {
        if str_at(json, "kind").is_some() {
            return Some(Doc::Standard);
        }
        let code_view = json
            .get("parameters")
            .and_then(|p| p.get("$connections"))
            .and_then(|c| c.get("value"))
            .is_some()
            || json
                .get("$connections")
                .and_then(|c| c.get("value"))
                .is_some();
        if code_view || is_logic_apps_definition(def) {
            return Some(Doc::Workflow("/definition"));
        }
        return None;
    }
    if let Some(def) = json
        .get("properties")
        .and_then(|p| p.get("definition"))
        .filter(|d| wdl::is_definition(d))
    {
        let ty = str_at(json, "type").unwrap_or_default();
        let id = str_at(json, "id").unwrap_or_default();
        let props = json.get("properties");
        let la_resource = ty.starts_with("Microsoft.Logic/")
            || id.contains("/Microsoft.Logic/")
            || props.is_some_and(|p| {
                p.get("apiSummaries").is_some()
                    || p.get("accessControl").is_some()
                    || p.get("integrationAccount").is_some()
                    || p.get("galleryName").is_some()
            });
        if la_resource || is_logic_apps_definition(def) {
            return Some(Doc::Workflow("/properties/definition"));
        }
        return None;
    }
    if wdl::is_definition(json) {
        return is_logic_apps_definition(json).then_some(Doc::Bare);
    }
    let conn_keys = [
        "managedApiConnections",
        "serviceProviderConnections",
        "functionConnections",
        "agentConnections",
        "apiManagementConnections",
    ];
    if conn_keys
        .iter()
        .any(|k| map.get(*k).is_some_and(Json::is_object))
        && map.keys().all(|k| conn_keys.contains(&k.as_str()))
    {
        return Some(Doc::Connections);
    }
    if map.get("Values").is_some_and(Json::is_object)
        && (name == "local.settings.json" || map.contains_key("IsEncrypted"))
    {
        return Some(Doc::LocalSettings);
    }
    if name.ends_with("parameters.json")
        && !map.is_empty()
        && map.values().all(|v| {
            v.as_object()
                .is_some_and(|o| o.contains_key("type") && o.contains_key("value"))
        })
    {
        return Some(Doc::Parameters);
    }
    if name == "host.json" && map.contains_key("extensionBundle") {
        return Some(Doc::Host);
    }
    None
}

fn claims(entry: &Entry) -> bool {
    classify(entry).is_some()
}

fn resources_of(template: &Json) -> Vec<(String, &Json)> {
    match template.get("resources") {
        Some(Json::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, r)| (i.to_string(), r))
            .collect(),
        Some(Json::Object(map)) => map.iter().map(|(k, r)| (k.clone(), r)).collect(),
        _ => Vec::new(),
    }
}

fn resource_type(resource: &Json) -> &str {
    str_at(resource, "type").unwrap_or_default()
}

fn is_type(resource: &Json, ty: &str) -> bool {
    resource_type(resource).eq_ignore_ascii_case(ty)
}

fn is_arm_template(json: &Json) -> bool {
    let schema = str_at(json, "$schema").unwrap_or_default();
    let arm = schema.to_ascii_lowercase().contains("deploymenttemplate");
    (arm || json.get("resources").is_some()) && has_logic_resources(json, 0)
}

fn has_logic_resources(template: &Json, depth: usize) -> bool {
    if depth > MAX_TEMPLATE_NESTING {
        return false;
    }
    resources_of(template).iter().any(|(_, r)| {
        is_type(r, "Microsoft.Logic/workflows")
            || is_type(r, "Microsoft.Web/connections")
            || nested_template(r).is_some_and(|t| has_logic_resources(t, depth + 1))
    })
}

fn nested_template(resource: &Json) -> Option<&Json> {
    if !is_type(resource, "Microsoft.Resources/deployments") {
        return None;
    }
    resource.get("properties")?.get("template")
}

#[derive(Default)]
struct Markers {
    logic_apps: bool,
    power_automate: bool,
}

/// A bare definition is Logic Apps' only when it says so and says nothing of Power Automate.
fn is_logic_apps_definition(def: &Json) -> bool {
    let mut m = Markers::default();
    if def
        .get("parameters")
        .and_then(|p| p.get("$authentication"))
        .is_some()
    {
        m.power_automate = true;
    }
    find_markers(def, &mut m, 0);
    m.logic_apps && !m.power_automate
}

fn find_markers(v: &Json, m: &mut Markers, depth: usize) {
    if depth > MAX_MARKER_DEPTH || m.power_automate {
        return;
    }
    match v {
        Json::String(s) => string_markers(s, m),
        Json::Array(items) => items.iter().for_each(|i| find_markers(i, m, depth + 1)),
        Json::Object(map) => {
            if let Some(ty) = str_at(v, "type") {
                type_markers(ty, str_at(v, "kind").unwrap_or_default(), m);
            }
            if map.contains_key("serviceProviderConfiguration") {
                m.logic_apps = true;
            }
            for (k, child) in map {
                if k.starts_with("shared_") {
                    m.power_automate = true;
                }
                find_markers(child, m, depth + 1);
            }
        }
        _ => {}
    }
}

fn string_markers(s: &str, m: &mut Markers) {
    let lower = s.to_ascii_lowercase();
    if lower.contains("/managedapis/") || lower.contains("/serviceproviders/") {
        m.logic_apps = true;
    }
    if lower.contains("microsoft.powerapps/apis/") || lower.contains("['shared_") {
        m.power_automate = true;
    }
}

fn type_markers(ty: &str, kind: &str, m: &mut Markers) {
    let ty = ty.to_ascii_lowercase();
    let kind = kind.to_ascii_lowercase();
    if ty.starts_with("openapiconnection")
        || matches!(
            kind.as_str(),
            "button" | "powerapp" | "powerappv2" | "skills" | "virtualagent"
        )
    {
        m.power_automate = true;
    }
    if matches!(
        ty.as_str(),
        "serviceprovider"
            | "function"
            | "apimanagement"
            | "xslt"
            | "xmlvalidation"
            | "liquid"
            | "flatfileencoding"
            | "flatfiledecoding"
            | "integrationaccountartifactlookup"
            | "agent"
            | "invokefunction"
    ) {
        m.logic_apps = true;
    }
}

// ---------------------------------------------------------------------------
// Parsing

fn parse(bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps: Vec<App> = Vec::new();
    let mut side: Vec<(&Entry, Doc)> = Vec::new();
    // Standard workflows: (project root, index into apps).
    let mut standard: Vec<(String, usize)> = Vec::new();
    for entry in entries {
        let Some(doc) = classify(entry) else {
            continue;
        };
        let Some(json) = entry.json() else {
            side.push((entry, doc));
            continue;
        };
        match doc {
            Doc::Arm => {
                let found = parse_arm(entry, json);
                if found.is_empty() {
                    notes.push(Note {
                        file: entry.display_path.clone(),
                        message: "not read: this ARM template holds no Logic App or API connection lcscan could read".into(),
                    });
                }
                apps.extend(found);
            }
            Doc::Workflow(pointer) => apps.push(parse_resource(entry, json, pointer)),
            Doc::Standard => {
                standard.push((project_root(entry), apps.len()));
                apps.push(parse_standard(entry, json));
            }
            Doc::Bare => apps.push(parse_bare(entry, json)),
            _ => side.push((entry, doc)),
        }
    }
    for (entry, doc) in side {
        read_side_file(bundle, entry, doc, &mut apps, &standard, notes);
    }
    for app in &mut apps {
        finish(app);
    }
    apps
}

fn new_app(name: String, loc: &Location) -> App {
    App {
        platform: Platform::LogicApps,
        kind: AppKind::Workflow,
        name,
        location: loc.clone(),
        ..App::default()
    }
}

fn stem(file_name: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(file_name);
    if stem.is_empty() {
        "Unnamed Logic App".into()
    } else {
        stem.to_string()
    }
}

/// An ARM template expression (`[parameters('x')]`), not literal text.
fn is_arm_expression(text: &str) -> bool {
    let t = text.trim();
    t.starts_with('[') && !t.starts_with("[[") && t.ends_with(']')
}

// ---------------------------------------------------------------------------
// ARM templates

fn parse_arm(entry: &Entry, json: &Json) -> Vec<App> {
    let file = entry.display_path.as_str();
    let mut apps = Vec::new();
    let mut template_values = Vec::new();
    let mut connections = Vec::new();
    read_template(
        file,
        json,
        &Location::new(file, ""),
        &mut apps,
        &mut template_values,
        &mut connections,
        0,
    );
    if apps.is_empty() && (connections.is_empty() && template_values.is_empty()) {
        return apps;
    }
    if apps.is_empty() {
        apps.push(new_app(
            format!("API connections in {}", entry.file_name()),
            &Location::new(file, ""),
        ));
    }
    // Connections each workflow refers to get the resource's details.
    let mut matched: Vec<String> = Vec::new();
    for app in &mut apps {
        for c in &mut app.connections {
            if let Some(res) = connections.iter().find(|r: &&Connection| {
                r.id.eq_ignore_ascii_case(&c.id)
                    || (!c.display_name.is_empty() && r.id.eq_ignore_ascii_case(&c.display_name))
            }) {
                if c.identity == ConnectionIdentity::Unknown {
                    c.identity = res.identity;
                }
                if c.auth.is_none() {
                    c.auth = res.auth.clone();
                }
                matched.push(res.id.clone());
            }
        }
    }
    if let Some(first) = apps.first_mut() {
        first.values.extend(template_values);
        for c in connections {
            if !matched.contains(&c.id) && !first.connections.iter().any(|x| x.id == c.id) {
                first.connections.push(c);
            }
        }
    }
    apps.iter_mut().for_each(mark_arm_expressions);
    apps
}

#[allow(clippy::too_many_arguments)]
fn read_template(
    file: &str,
    template: &Json,
    loc: &Location,
    apps: &mut Vec<App>,
    values: &mut Vec<Value>,
    connections: &mut Vec<Connection>,
    depth: usize,
) {
    if depth > MAX_TEMPLATE_NESTING {
        return;
    }
    read_template_parameters(template, &loc.child("parameters"), values);
    for (key, resource) in resources_of(template) {
        let rloc = loc.child("resources").child(&key);
        if is_type(resource, "Microsoft.Logic/workflows") {
            apps.push(parse_workflow_resource(file, resource, &rloc, template));
        } else if is_type(resource, "Microsoft.Web/connections") {
            read_connection_resource(resource, &rloc, template, values, connections);
        } else if let Some(inner) = nested_template(resource) {
            let iloc = rloc.child("properties").child("template");
            read_template(file, inner, &iloc, apps, values, connections, depth + 1);
        }
        // Logic Apps nested as child resources of another resource.
        if let Some(Json::Array(children)) = resource.get("resources") {
            for (i, child) in children.iter().enumerate() {
                if is_type(child, "Microsoft.Logic/workflows") {
                    let cloc = rloc.child("resources").index(i);
                    apps.push(parse_workflow_resource(file, child, &cloc, template));
                }
            }
        }
    }
}

/// Template `parameters.<p>.defaultValue`: literal defaults are values like any other.
fn read_template_parameters(template: &Json, loc: &Location, values: &mut Vec<Value>) {
    let Some(Json::Object(params)) = template.get("parameters") else {
        return;
    };
    for (name, param) in params {
        let Some(default) = param.get("defaultValue") else {
            continue;
        };
        let ty = str_at(param, "type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let context = if ty.starts_with("secure") {
            ValueContext::PasswordField
        } else {
            ValueContext::Variable
        };
        push_strings(
            values,
            default,
            name,
            &loc.child(name).child("defaultValue"),
            context,
        );
    }
}

fn push_strings(
    values: &mut Vec<Value>,
    v: &Json,
    key: &str,
    loc: &Location,
    context: ValueContext,
) {
    walk_strings(v, key, loc, &mut |k, text, l| {
        if text.trim().is_empty() {
            return;
        }
        values.push(Value {
            key: k.to_string(),
            value: text.to_string(),
            context: refine_context(context, k, text),
            kind: value_kind(text),
            step_id: None,
            location: l.clone(),
        });
    });
}

fn value_kind(text: &str) -> ValueKind {
    if is_arm_expression(text) {
        ValueKind::Expression
    } else {
        wdl::value_kind(text)
    }
}

fn refine_context(context: ValueContext, key: &str, text: &str) -> ValueContext {
    if context == ValueContext::PasswordField {
        return context;
    }
    let t = text.to_ascii_lowercase();
    if (t.contains("accountkey=")
        || t.contains("password=")
        || t.contains("pwd=")
        || t.contains("sharedaccesskey=")
        || t.contains("sharedaccesssignature="))
        && t.contains(';')
    {
        return ValueContext::ConnectionString;
    }
    let k = key.to_ascii_lowercase();
    if k.contains("connectionstring") && t.contains('=') {
        return ValueContext::ConnectionString;
    }
    if (t.starts_with("https://") || t.starts_with("http://")) && !t.contains(' ') {
        return ValueContext::Url;
    }
    context
}

/// A `Microsoft.Web/connections` resource: the connector, how it signs in,
/// and its literal parameter values.
fn read_connection_resource(
    resource: &Json,
    loc: &Location,
    template: &Json,
    values: &mut Vec<Value>,
    connections: &mut Vec<Connection>,
) {
    let props = resource.get("properties");
    let raw_name = str_at(resource, "name").unwrap_or_default();
    let id = resolve_name(raw_name, template).unwrap_or_else(|| raw_name.to_string());
    let connector = props
        .and_then(|p| p.get("api"))
        .and_then(|a| str_at(a, "id"))
        .and_then(api_name)
        .unwrap_or_default();
    let display_name = props
        .and_then(|p| str_at(p, "displayName"))
        .filter(|n| !is_arm_expression(n))
        .map(str::to_string)
        .unwrap_or_else(|| id.clone());
    let alternative = props
        .and_then(|p| str_at(p, "parameterValueType"))
        .is_some_and(|t| t.eq_ignore_ascii_case("Alternative"));
    let param_values = props.and_then(|p| p.get("parameterValues"));
    let pv_loc = loc.child("properties").child("parameterValues");
    let mut auth_keys = Vec::new();
    if let Some(Json::Object(pv)) = param_values {
        for (k, v) in pv {
            auth_keys.push(k.clone());
            let context = if is_secret_key(k) {
                ValueContext::PasswordField
            } else {
                ValueContext::Credential
            };
            push_strings(values, v, k, &pv_loc.child(k), context);
        }
    }
    if let Some(Json::Object(cpv)) = props.and_then(|p| p.get("customParameterValues")) {
        let cloc = loc.child("properties").child("customParameterValues");
        for (k, v) in cpv {
            push_strings(values, v, k, &cloc.child(k), ValueContext::Credential);
        }
    }
    let (identity, auth) = if alternative {
        (
            ConnectionIdentity::Service,
            Some("managed identity".to_string()),
        )
    } else if auth_keys.is_empty() {
        (ConnectionIdentity::Unknown, None)
    } else {
        (
            ConnectionIdentity::StoredCredential,
            Some(auth_keys.join(", ")),
        )
    };
    connections.push(Connection {
        id,
        connector,
        display_name,
        identity,
        auth,
        endpoint: None,
        location: loc.clone(),
    });
}

fn is_secret_key(key: &str) -> bool {
    if crate::detect::secrets::key_names_something_else(key) {
        return false;
    }
    let k = key.to_ascii_lowercase().replace(['_', '-', ' ', '.'], "");
    // Settings *about* a secret (`AzureWebJobsSecretStorageType`, `keyVaultUri`).
    let about = [
        "type", "name", "uri", "url", "endpoint", "id", "version", "provider", "mode",
    ];
    if about.iter().any(|w| k.ends_with(w)) {
        return false;
    }
    [
        "password",
        "secret",
        "apikey",
        "accesskey",
        "sharedkey",
        "accountkey",
        "token",
        "clientsecret",
        "privatekey",
        "pwd",
    ]
    .iter()
    .any(|w| k.contains(w))
}

/// `office365` from `/subscriptions/…/managedApis/office365`, also inside an
/// ARM `concat(…)`; `serviceBus` from `/serviceProviders/serviceBus`.
fn api_name(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    for marker in ["/managedapis/", "/serviceproviders/", "/apis/"] {
        if let Some(at) = lower.rfind(marker) {
            let rest = id.get(at + marker.len()..)?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .collect();
            if !name.is_empty() {
                return Some(name);
            }
        }
    }
    if is_arm_expression(id) || id.contains("@{") {
        return None;
    }
    wdl::connector_from_api_id(id)
}

/// A resource name: literal, or an ARM `[parameters('x')]` / `[variables('x')]`
/// resolved from the template's literal default, or else the parameter's name.
fn resolve_name(raw: &str, template: &Json) -> Option<String> {
    if raw.is_empty() {
        return None;
    }
    if !is_arm_expression(raw) {
        return Some(raw.to_string());
    }
    for (func, section, field) in [
        ("parameters('", "parameters", Some("defaultValue")),
        ("variables('", "variables", None),
    ] {
        if let Some(rest) = raw.split(func).nth(1) {
            let name = rest.split('\'').next().unwrap_or_default();
            let simple = raw
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
                == format!("{func}{name}')").as_str();
            let entry = template.get(section).and_then(|s| s.get(name));
            let literal = match field {
                Some(f) => entry.and_then(|e| str_at(e, f)),
                None => entry.and_then(Json::as_str),
            }
            .filter(|v| !is_arm_expression(v) && !v.trim().is_empty());
            if simple {
                if let Some(v) = literal {
                    return Some(v.to_string());
                }
            }
            if !name.is_empty() {
                return Some(name.to_string());
            }
        }
    }
    None
}

fn parse_workflow_resource(file: &str, resource: &Json, loc: &Location, template: &Json) -> App {
    let props = resource.get("properties");
    let name = str_at(resource, "name")
        .and_then(|n| resolve_name(n, template))
        .or_else(|| {
            resource
                .get("tags")
                .and_then(|t| str_at(t, "displayName"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| stem(file));
    let mut app = new_app(name, loc);
    app.id = str_at(resource, "name")
        .filter(|n| !is_arm_expression(n))
        .map(str::to_string);
    app.active = props
        .and_then(|p| str_at(p, "state"))
        .map(|s| s.eq_ignore_ascii_case("Enabled"));
    let ploc = loc.child("properties");
    if let Some(def) = props.and_then(|p| p.get("definition")) {
        wdl::read_definition(&mut app, def, &ploc.child("definition"));
    }
    read_workflow_parameters(
        &mut app,
        props.and_then(|p| p.get("parameters")),
        &ploc.child("parameters"),
        Some(template),
        props
            .and_then(|p| p.get("definition"))
            .and_then(|d| d.get("parameters")),
    );
    if let Some(ac) = props.and_then(|p| p.get("accessControl")) {
        apply_access_control(&mut app, ac, &ploc.child("accessControl"));
    }
    app.run_history = Some(run_history_access(
        props.and_then(|p| p.get("accessControl")),
        &ploc,
    ));
    app.run_context = run_context(resource.get("identity"), &app, loc);
    app
}

/// `properties.parameters`: `$connections.value.<key>` connections and the
/// values given to the definition's parameters.
fn read_workflow_parameters(
    app: &mut App,
    params: Option<&Json>,
    loc: &Location,
    template: Option<&Json>,
    declared: Option<&Json>,
) {
    let Some(Json::Object(params)) = params else {
        return;
    };
    // `loc` is where the parameters object itself sits.
    let ploc = loc.clone();
    for (name, param) in params {
        if name == "$connections" {
            let Some(Json::Object(conns)) = param.get("value") else {
                continue;
            };
            let cloc = ploc.child(name).child("value");
            for (key, c) in conns {
                read_connection_value(app, key, c, &cloc.child(key), template);
            }
            continue;
        }
        let Some(value) = param.get("value") else {
            continue;
        };
        // Declared `SecureString` / `SecureObject` in the definition, or named like a secret.
        let secure = declared
            .and_then(|d| d.get(name))
            .and_then(|d| str_at(d, "type"))
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("secure"))
            || is_secret_key(name);
        let context = if secure {
            ValueContext::PasswordField
        } else {
            ValueContext::Variable
        };
        push_strings(
            &mut app.values,
            value,
            name,
            &ploc.child(name).child("value"),
            context,
        );
    }
}

/// One `$connections` entry: `{connectionId, connectionName, id, connectionProperties}`.
fn read_connection_value(
    app: &mut App,
    key: &str,
    c: &Json,
    loc: &Location,
    template: Option<&Json>,
) {
    let connector = str_at(c, "id")
        .and_then(api_name)
        .unwrap_or_else(|| key.to_string());
    let display_name = str_at(c, "connectionName")
        .filter(|n| !n.is_empty())
        .map(|n| {
            if is_arm_expression(n) {
                template
                    .and_then(|t| resolve_name(n, t))
                    .or_else(|| arm_reference_name(n))
                    .unwrap_or_else(|| key.to_string())
            } else {
                n.to_string()
            }
        })
        .unwrap_or_else(|| key.to_string());
    let msi = c
        .get("connectionProperties")
        .and_then(|p| p.get("authentication"))
        .and_then(|a| str_at(a, "type"))
        .is_some_and(|t| t.eq_ignore_ascii_case("ManagedServiceIdentity"));
    let (identity, auth) = if msi {
        (
            ConnectionIdentity::Service,
            Some("managed identity".to_string()),
        )
    } else {
        (ConnectionIdentity::Unknown, None)
    };
    app.connections.retain(|x| x.id != key);
    app.connections.push(Connection {
        id: key.to_string(),
        connector,
        display_name,
        identity,
        auth,
        endpoint: None,
        location: loc.clone(),
    });
}

/// The parameter or variable an ARM expression names (`[parameters('office365_name')]`).
fn arm_reference_name(expr: &str) -> Option<String> {
    for func in ["parameters('", "variables('"] {
        if let Some(rest) = expr.split(func).nth(1) {
            let name = rest.split('\'').next()?;
            if !name.is_empty() {
                return Some(name.to_string());
            }
        }
    }
    None
}

/// `accessControl.triggers`: who may call the Request triggers.
fn apply_access_control(app: &mut App, ac: &Json, loc: &Location) {
    let Some(triggers) = ac.get("triggers") else {
        return;
    };
    let tloc = loc.child("triggers");
    let ips = triggers.get("allowedCallerIpAddresses");
    // `[]` is the portal's "Only other Logic Apps": no outside caller gets in.
    let only_logic_apps = matches!(ips, Some(Json::Array(list)) if list.is_empty());
    let ip_restricted = match ips {
        Some(Json::Array(list)) => !list.is_empty() && !list.iter().any(allows_everyone),
        // A template parameter fills the list in at deployment.
        Some(Json::String(s)) => is_arm_expression(s),
        _ => false,
    };
    let oauth = triggers
        .get("openAuthenticationPolicies")
        .and_then(|p| p.get("policies"))
        .is_some_and(|p| p.as_object().is_some_and(|m| !m.is_empty()));
    let sas_disabled = triggers
        .get("sasAuthenticationPolicy")
        .and_then(|p| str_at(p, "state"))
        .is_some_and(|s| s.eq_ignore_ascii_case("Disabled"));
    for trigger in &mut app.triggers {
        if trigger.kind != TriggerKind::Http {
            continue;
        }
        if only_logic_apps {
            trigger.audience = Audience::Internal;
            trigger.auth = "only other Logic Apps (allowedCallerIpAddresses is empty)".into();
            trigger.location = tloc.child("allowedCallerIpAddresses");
            continue;
        }
        trigger.ip_restricted = ip_restricted;
        if oauth {
            if sas_disabled {
                trigger.audience = Audience::CredentialHolders;
                trigger.auth = "Microsoft Entra ID OAuth (signed URL switched off)".into();
            } else {
                // The SAS-signed URL keeps working next to the OAuth policy.
                trigger.auth =
                    "Microsoft Entra ID OAuth policy, but the signed URL still works".into();
            }
        } else if sas_disabled {
            trigger.audience = Audience::Unknown;
            trigger.auth = "signed URL switched off".into();
        }
    }
}

/// `accessControl.contents`: who may read run history inputs and outputs
/// (`props_loc` is the workflow's `properties`).
fn run_history_access(ac: Option<&Json>, props_loc: &Location) -> RunHistoryAccess {
    let ac_loc = props_loc.child("accessControl");
    let Some(contents) = ac.and_then(|a| a.get("contents")) else {
        return RunHistoryAccess {
            restricted: false,
            raw: if ac.is_some() {
                "accessControl.contents not set".into()
            } else {
                "accessControl not set".into()
            },
            location: if ac.is_some() {
                ac_loc
            } else {
                props_loc.clone()
            },
        };
    };
    let loc = ac_loc.child("contents");
    let (restricted, raw) = match contents.get("allowedCallerIpAddresses") {
        // An empty list lets no address read the contents.
        Some(Json::Array(list)) if list.is_empty() => {
            (true, "allowedCallerIpAddresses: []".to_string())
        }
        Some(Json::Array(list)) => {
            let open = list.iter().any(allows_everyone);
            (
                !open,
                format!("allowedCallerIpAddresses: {} range(s)", list.len()),
            )
        }
        // A template parameter fills the list in at deployment.
        Some(Json::String(s)) if is_arm_expression(s) => {
            (true, format!("allowedCallerIpAddresses: {s}"))
        }
        _ => (
            false,
            "contents without allowedCallerIpAddresses".to_string(),
        ),
    };
    RunHistoryAccess {
        restricted,
        raw,
        location: loc,
    }
}

fn allows_everyone(range: &Json) -> bool {
    let r = str_at(range, "addressRange")
        .or_else(|| range.as_str())
        .unwrap_or_default()
        .trim();
    matches!(r, "0.0.0.0/0" | "0.0.0.0-255.255.255.255" | "*" | "::/0")
}

fn run_context(identity: Option<&Json>, app: &App, loc: &Location) -> RunContext {
    let ty = identity.and_then(|i| str_at(i, "type")).unwrap_or_default();
    let user_facing = app
        .triggers
        .iter()
        .any(|t| matches!(t.kind, TriggerKind::App | TriggerKind::Manual));
    if ty.is_empty() || ty.eq_ignore_ascii_case("None") {
        return RunContext {
            user_facing,
            ..RunContext::default()
        };
    }
    RunContext {
        mode: RunMode::Unknown,
        raw: format!("managed identity: {ty}"),
        user_facing,
        requires_permission: None,
        location: Some(loc.child("identity")),
    }
}

// ---------------------------------------------------------------------------
// Workflow resources, code view, gallery templates, bare definitions

fn parse_resource(entry: &Entry, json: &Json, pointer: &str) -> App {
    let file = entry.display_path.as_str();
    let base = Location::new(file, "");
    let props = json.get("properties");
    let display = props
        .and_then(|p| str_at(p, "displayName"))
        .or_else(|| str_at(json, "name").filter(|_| props.is_some()))
        .filter(|n| !n.trim().is_empty() && !n.contains("${") && !looks_like_guid(n));
    let name = display
        .map(str::to_string)
        .unwrap_or_else(|| stem(entry.file_name()));
    let mut app = new_app(name, &base);
    app.id = str_at(json, "id")
        .or_else(|| str_at(json, "name"))
        .map(str::to_string);
    app.active = props
        .and_then(|p| str_at(p, "state"))
        .map(|s| s.eq_ignore_ascii_case("Enabled"));
    let def = json.pointer(pointer).unwrap_or(&Json::Null);
    let def_loc = Location::new(file, pointer);
    wdl::read_definition(&mut app, def, &def_loc);
    if pointer == "/definition" {
        read_workflow_parameters(
            &mut app,
            json.get("parameters"),
            &base.child("parameters"),
            None,
            def.get("parameters"),
        );
        if let Some(c) = json.get("$connections") {
            // Some saved code views keep `$connections` beside the definition.
            let wrapped = serde_json::json!({ "$connections": c });
            read_workflow_parameters(&mut app, Some(&wrapped), &base, None, None);
        }
    } else {
        read_workflow_parameters(
            &mut app,
            props.and_then(|p| p.get("parameters")),
            &base.child("properties").child("parameters"),
            None,
            def.get("parameters"),
        );
        if let Some(Json::Object(refs)) = props.and_then(|p| p.get("connectionReferences")) {
            let rloc = base.child("properties").child("connectionReferences");
            for (key, r) in refs {
                if app.connection(key).is_some() {
                    continue;
                }
                let c = r.get("api").cloned().map_or_else(
                    || r.clone(),
                    |api| serde_json::json!({ "id": api.get("id").cloned().unwrap_or(Json::Null) }),
                );
                read_connection_value(&mut app, key, &c, &rloc.child(key), None);
            }
        }
        if let Some(ac) = props.and_then(|p| p.get("accessControl")) {
            apply_access_control(
                &mut app,
                ac,
                &base.child("properties").child("accessControl"),
            );
        }
        app.run_history = Some(run_history_access(
            props.and_then(|p| p.get("accessControl")),
            &base.child("properties"),
        ));
    }
    app.run_context = run_context(json.get("identity"), &app, &base);
    app
}

fn looks_like_guid(s: &str) -> bool {
    s.len() >= 32 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

fn parse_bare(entry: &Entry, json: &Json) -> App {
    let file = entry.display_path.as_str();
    let base = Location::new(file, "");
    let mut app = new_app(stem(entry.file_name()), &base);
    wdl::read_definition(&mut app, json, &base);
    app
}

// ---------------------------------------------------------------------------
// Logic Apps Standard

/// The folder holding a Standard project's `connections.json`: the parent of
/// the workflow's own folder (`proj/wf/workflow.json` → `proj/`).
fn project_root(entry: &Entry) -> String {
    let mut parts: Vec<&str> = entry.path.split('/').collect();
    parts.pop();
    if entry.file_name().eq_ignore_ascii_case("workflow.json") {
        parts.pop();
    }
    folder(&parts)
}

fn folder(parts: &[&str]) -> String {
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// The folder a side file sits in (`proj/connections.json` → `proj/`).
fn side_root(entry: &Entry) -> String {
    let mut parts: Vec<&str> = entry.path.split('/').collect();
    parts.pop();
    // `workflow-designtime/local.settings.json` belongs to the project above it.
    if parts
        .last()
        .is_some_and(|p| p.eq_ignore_ascii_case("workflow-designtime"))
    {
        parts.pop();
    }
    folder(&parts)
}

fn parse_standard(entry: &Entry, json: &Json) -> App {
    let file = entry.display_path.as_str();
    let base = Location::new(file, "");
    let mut parts: Vec<&str> = entry.path.split('/').collect();
    parts.pop();
    let name = if entry.file_name().eq_ignore_ascii_case("workflow.json") {
        parts
            .last()
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "workflow".into())
    } else {
        stem(entry.file_name())
    };
    let mut app = new_app(name.clone(), &base);
    app.id = Some(name);
    let def = json.get("definition").unwrap_or(&Json::Null);
    let def_loc = base.child("definition");
    wdl::read_definition(&mut app, def, &def_loc);
    if let Some(kind) = str_at(json, "kind") {
        app.version = None;
        app.run_context.raw = format!("{kind} workflow");
    }
    app
}

fn read_side_file(
    bundle: &Bundle,
    entry: &Entry,
    doc: Doc,
    apps: &mut Vec<App>,
    standard: &[(String, usize)],
    notes: &mut Vec<Note>,
) {
    let empty = Json::Null;
    let json = entry.json().unwrap_or(&empty);
    let root = side_root(entry);
    let project: Vec<usize> = standard
        .iter()
        .filter(|(r, _)| r.eq_ignore_ascii_case(&root))
        .map(|(_, i)| *i)
        .collect();
    let file = entry.display_path.as_str();
    let base = Location::new(file, "");
    let mut values = Vec::new();
    let mut connections = Vec::new();
    match doc {
        Doc::GalleryList => {
            if !bundle.is_archive {
                notes.push(Note {
                    file: file.to_string(),
                    message: "not read: this is the list of templates in a Logic Apps template \
                              gallery, not a workflow. Drop one of the template files it names"
                        .into(),
                });
            }
            return;
        }
        Doc::Artifact => {
            if !bundle.is_archive {
                notes.push(Note {
                    file: file.to_string(),
                    message: "not read: this is an XML schema or XSLT map (Logic Apps Standard \
                              projects keep them in Artifacts/), not a workflow. Drop the whole \
                              project .zip, or a workflow.json"
                        .into(),
                });
            }
            return;
        }
        Doc::Host => {
            if project.is_empty() && !bundle.is_archive {
                notes.push(Note {
                    file: file.to_string(),
                    message: "not read: host.json only holds the runtime settings of a Logic Apps \
                              Standard project. Drop the whole project .zip, or a workflow.json"
                        .into(),
                });
            }
            return;
        }
        Doc::Connections => read_connections_json(json, &base, &mut values, &mut connections),
        Doc::LocalSettings => {
            if let Some(v) = json.get("Values") {
                push_local_settings(&mut values, v, &base.child("Values"));
            }
            if let Some(v) = json.get("ConnectionStrings") {
                push_strings(
                    &mut values,
                    v,
                    "ConnectionStrings",
                    &base.child("ConnectionStrings"),
                    ValueContext::ConnectionString,
                );
            }
            notes.push(Note {
                file: file.to_string(),
                message: "read as settings: local.settings.json holds a Logic Apps Standard \
                          project's local app settings (connection strings and keys); it is meant \
                          to stay on the developer's machine, not in an export or repository"
                    .into(),
            });
        }
        Doc::Parameters => {
            if let Json::Object(map) = json {
                for (name, p) in map {
                    let Some(v) = p.get("value") else {
                        continue;
                    };
                    let ty = str_at(p, "type").unwrap_or_default().to_ascii_lowercase();
                    let context = if ty.starts_with("secure") {
                        ValueContext::PasswordField
                    } else {
                        ValueContext::Variable
                    };
                    push_strings(
                        &mut values,
                        v,
                        name,
                        &base.child(name).child("value"),
                        context,
                    );
                }
            }
        }
        _ => return,
    }
    // Workflows of the project use the connections they name.
    for &i in &project {
        if let Some(app) = apps.get_mut(i) {
            for c in &connections {
                let used = app
                    .steps
                    .iter()
                    .any(|s| s.connection.as_deref() == Some(c.id.as_str()));
                if used {
                    app.connections.retain(|x| x.id != c.id);
                    app.connections.push(c.clone());
                }
            }
        }
    }
    let target = project.first().copied();
    match target.and_then(|i| apps.get_mut(i)) {
        Some(app) => app.values.extend(values),
        None => {
            let what = match doc {
                Doc::Connections => "connections",
                Doc::LocalSettings => "local settings",
                _ => "parameters",
            };
            let mut app = new_app(
                format!("Logic Apps Standard {what} ({})", entry.file_name()),
                &base,
            );
            app.values = values;
            app.connections = connections;
            apps.push(app);
        }
    }
}

fn push_local_settings(values: &mut Vec<Value>, v: &Json, loc: &Location) {
    let Json::Object(map) = v else {
        return;
    };
    // The platform marks none of these as secret: the detector judges by key and value.
    for (key, value) in map {
        push_strings(values, value, key, &loc.child(key), ValueContext::Variable);
    }
}

fn read_connections_json(
    json: &Json,
    base: &Location,
    values: &mut Vec<Value>,
    connections: &mut Vec<Connection>,
) {
    let empty = Map::new();
    let section = |k: &str| json.get(k).and_then(Json::as_object).unwrap_or(&empty);
    let mloc = base.child("managedApiConnections");
    for (key, c) in section("managedApiConnections") {
        let cloc = mloc.child(key);
        let connector = c
            .get("api")
            .and_then(|a| str_at(a, "id"))
            .and_then(api_name)
            .unwrap_or_else(|| key.clone());
        let (identity, auth) = match c.get("authentication") {
            Some(Json::Object(a)) => {
                let ty = a.get("type").and_then(Json::as_str).unwrap_or_default();
                if let Some(p) = a.get("parameter") {
                    push_strings(
                        values,
                        p,
                        "parameter",
                        &cloc.child("authentication").child("parameter"),
                        ValueContext::PasswordField,
                    );
                }
                let identity = if ty.eq_ignore_ascii_case("ManagedServiceIdentity") {
                    ConnectionIdentity::Service
                } else if ty.eq_ignore_ascii_case("Raw") {
                    ConnectionIdentity::StoredCredential
                } else {
                    ConnectionIdentity::Unknown
                };
                let auth = if ty.eq_ignore_ascii_case("ManagedServiceIdentity") {
                    "managed identity".to_string()
                } else {
                    ty.to_string()
                };
                (identity, (!auth.is_empty()).then_some(auth))
            }
            _ => (ConnectionIdentity::Unknown, None),
        };
        let endpoint = str_at(c, "connectionRuntimeUrl")
            .filter(|u| host_of(u).is_some())
            .map(str::to_string);
        connections.push(Connection {
            id: key.clone(),
            connector,
            display_name: str_at(c, "displayName").unwrap_or(key).to_string(),
            identity,
            auth,
            endpoint,
            location: cloc,
        });
    }
    let sloc = base.child("serviceProviderConnections");
    for (key, c) in section("serviceProviderConnections") {
        let cloc = sloc.child(key);
        let connector = c
            .get("serviceProvider")
            .and_then(|s| str_at(s, "id"))
            .and_then(api_name)
            .unwrap_or_else(|| key.clone());
        let mut literal_keys = Vec::new();
        let mut msi = false;
        if let Some(Json::Object(pv)) = c.get("parameterValues") {
            for (k, v) in pv {
                let context = if is_secret_key(k) {
                    ValueContext::PasswordField
                } else {
                    ValueContext::Credential
                };
                if let Some(ty) = v.get("type").and_then(Json::as_str) {
                    msi |= ty.eq_ignore_ascii_case("ManagedServiceIdentity");
                }
                if v.as_str()
                    .is_some_and(|s| value_kind(s) == ValueKind::Literal)
                {
                    literal_keys.push(k.clone());
                }
                push_strings(
                    values,
                    v,
                    k,
                    &cloc.child("parameterValues").child(k),
                    context,
                );
            }
        }
        let (identity, auth) = if msi {
            (
                ConnectionIdentity::Service,
                Some("managed identity".to_string()),
            )
        } else {
            (ConnectionIdentity::StoredCredential, None)
        };
        connections.push(Connection {
            id: key.clone(),
            connector,
            display_name: str_at(c, "displayName").unwrap_or(key).to_string(),
            identity,
            auth: auth.or_else(|| (!literal_keys.is_empty()).then(|| literal_keys.join(", "))),
            endpoint: None,
            location: cloc,
        });
    }
    for section_name in [
        "functionConnections",
        "agentConnections",
        "apiManagementConnections",
    ] {
        let floc = base.child(section_name);
        for (key, c) in section(section_name) {
            let cloc = floc.child(key);
            push_strings(values, c, key, &cloc, ValueContext::Credential);
            connections.push(Connection {
                id: key.clone(),
                connector: section_name.trim_end_matches("Connections").to_string(),
                display_name: str_at(c, "displayName").unwrap_or(key).to_string(),
                identity: ConnectionIdentity::Unknown,
                auth: None,
                endpoint: None,
                location: cloc,
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Finishing touches

/// In an ARM template, `[…]` strings are template expressions, filled in at deployment.
fn mark_arm_expressions(app: &mut App) {
    for v in &mut app.values {
        if v.kind == ValueKind::Literal && is_arm_expression(&v.value) {
            v.kind = ValueKind::Expression;
        }
    }
    app.endpoints.retain(|e| !is_arm_expression(&e.url));
    for step in &mut app.steps {
        if let Some(http) = &mut step.http {
            if is_arm_expression(&http.url) {
                http.url_is_expression = true;
            }
        }
    }
}

/// ARM expressions are references, not literal text; steps that use a
/// connection the workflow does not list still get one.
fn finish(app: &mut App) {
    for step in &mut app.steps {
        // Connector of a step whose connection the workflow lists.
        if let Some(key) = &step.connection {
            if let Some(c) = app.connections.iter().find(|c| &c.id == key) {
                if step.connector.is_none() || step.connector.as_deref() == Some(key.as_str()) {
                    step.connector = Some(c.connector.clone());
                }
            }
        }
    }
    let mut missing: Vec<Connection> = Vec::new();
    for step in &app.steps {
        let Some(key) = &step.connection else {
            continue;
        };
        if app.connection(key).is_some() || missing.iter().any(|c| &c.id == key) {
            continue;
        }
        missing.push(Connection {
            id: key.clone(),
            connector: step.connector.clone().unwrap_or_else(|| key.clone()),
            display_name: key.clone(),
            identity: ConnectionIdentity::Unknown,
            auth: None,
            endpoint: None,
            location: step.location.clone(),
        });
    }
    app.connections.extend(missing);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names() {
        assert_eq!(
            api_name("[concat('/subscriptions/', subscription().subscriptionId, '/providers/Microsoft.Web/locations/', parameters('location'), '/managedApis/office365')]").as_deref(),
            Some("office365")
        );
        assert_eq!(
            api_name("/serviceProviders/serviceBus").as_deref(),
            Some("serviceBus")
        );
        assert_eq!(api_name("[parameters('x')]"), None);
    }

    #[test]
    fn arm_expressions() {
        assert!(is_arm_expression("[parameters('sql')]"));
        assert!(!is_arm_expression("[[literal]"));
        assert!(!is_arm_expression("Server=tcp:x;Password=y;"));
    }

    #[test]
    fn names_resolve_from_defaults() {
        let t = serde_json::json!({"parameters": {"logicAppName": {"type": "string", "defaultValue": "order-intake"}}});
        assert_eq!(
            resolve_name("[parameters('logicAppName')]", &t).as_deref(),
            Some("order-intake")
        );
        assert_eq!(
            resolve_name("[concat(parameters('logicAppName'), '-x')]", &t).as_deref(),
            Some("logicAppName")
        );
    }
}
