//! UiPath Studio projects: `project.json` beside Windows Workflow `*.xaml`
//! files (and C# coded workflows), as a folder zipped or one file at a time.
//!
//! Shapes read (see the field guide, section "6. UiPath"):
//! * `project.json`: `name`, `projectId`, `projectVersion`, `main`,
//!   `dependencies` (activity packages), `entryPoints`, `runtimeOptions`
//!   (`isAttended`, `requiresUserInteraction`), `expressionLanguage`;
//! * `*.xaml`: root `<Activity x:Class>` in the WF4 namespace, arguments in
//!   `<x:Members>` (default values as root attributes), variables with
//!   `Default`, activities as prefixed elements (`ui:`, `uix:`, clr
//!   namespaces naming the package assembly). Property values are either
//!   literal text or `[VB / C# expression]`; `["text"]` is a literal wrapped
//!   in an expression and is read as the literal.
//!
//! What goes where in the model:
//! * one project (the folder holding `project.json`) is one [`App`]; a lone
//!   `.xaml` is an app of its own, named after its `x:Class`;
//! * every activity is a [`Step`] (`id` = `<file>#<IdRef>`, `name` = its
//!   `DisplayName`): Invoke Code → [`StepKind::Code`], Start Process / Invoke
//!   PowerShell → [`StepKind::Command`], HTTP Request → [`StepKind::HttpRequest`]
//!   (with [`HttpCall`] and an [`Endpoint`]), database activities →
//!   [`StepKind::Database`] (SQL and connection string);
//! * attributes and argument literals are [`Value`]s: `Password`,
//!   `SecurePassword`, `SecureText` → [`ValueContext::PasswordField`];
//!   `ApiKey`, `Token`, `ClientSecret` → [`ValueContext::Credential`];
//!   `ConnectionString`, URLs, headers and bodies get their own contexts;
//! * Orchestrator assets and credentials (Get Asset / Get Credential) are
//!   [`Credential`]s with [`CredentialStorage::Reference`] — the safe case;
//! * `dependencies` are [`Connection`]s (catalog id = package id);
//! * `entryPoints` are manual [`Trigger`]s run by a robot (audience internal).
//!
//! Studio's side files (`.project/*.json`, `.local/*`, `*.xaml.json`,
//! `.objects/.metadata`, `.tmh/config.json`) are claimed and read silently in
//! a project; alone they are answered with "not an app" notes.

use std::collections::BTreeSet;

use roxmltree::Node;
use serde_json::Value as Json;

use super::common::{host_of, str_at, with_entry_xml};
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Audience, Code, Connection, ConnectionIdentity, Credential, CredentialStorage,
    Endpoint, HttpAuth, HttpCall, Location, Platform, RunContext, RunMode, SqlQuery, Step,
    StepKind, Trigger, TriggerKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::UiPath,
    claims,
    parse,
};

/// The Windows Workflow (WF4) activities namespace of a XAML root.
const WF_NS: &str = "http://schemas.microsoft.com/netfx/2009/xaml/activities";
/// The XAML language namespace (`x:`).
const XAML_NS: &str = "http://schemas.microsoft.com/winfx/2006/xaml";

const MAX_DEPTH: usize = 200;

// ---------------------------------------------------------------------------
// Detection

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Project,
    Workflow,
    CodedWorkflow,
    /// A member of an `.xlsx` workbook.
    Workbook,
    /// Studio side file: (what it is).
    Plumbing(&'static str),
}

fn claims(entry: &Entry) -> bool {
    kind_of(entry).is_some()
}

fn kind_of(entry: &Entry) -> Option<FileKind> {
    let name = entry.file_name().to_ascii_lowercase();
    let lower_path = entry.path.to_ascii_lowercase();
    // Members of an Excel workbook (REFramework's Data/Config.xlsx) unpacked
    // from a project zip: one note per workbook, not one per member.
    if lower_path.contains(".xlsx!/") {
        return Some(FileKind::Workbook);
    }
    // A workbook dropped on its own: its parts are the top-level entries.
    if lower_path == "xl/workbook.xml" && entry.xml().is_some_and(|x| x.contains("<workbook")) {
        return Some(FileKind::Workbook);
    }
    if name == ".type" && lower_path.ends_with(".objects/.type") {
        return Some(FileKind::Plumbing(
            "UiPath's project object type marker (.objects/.type)",
        ));
    }
    if let Some(json) = entry.json() {
        return json_kind(&name, json);
    }
    if let Some(xml) = entry.xml() {
        if is_workflow_xaml(&name, xml) {
            return Some(FileKind::Workflow);
        }
        if name.ends_with(".nuget.props") && xml.contains("AllDependencies.json") {
            return Some(FileKind::Plumbing(
                "the NuGet restore settings UiPath Studio keeps in the project's .local folder",
            ));
        }
        return None;
    }
    let text = entry.text()?;
    if name.ends_with(".cs")
        && (text.contains("UiPath.CodedWorkflows")
            || text.contains(": CodedWorkflow")
            || text.contains("using UiPath."))
    {
        return Some(FileKind::CodedWorkflow);
    }
    None
}

fn is_workflow_xaml(_name: &str, text: &str) -> bool {
    let head = head(text, 16384);
    let Some(root) = root_start_tag(head) else {
        return false;
    };
    let local = root.0.rsplit(':').next().unwrap_or(root.0);
    // Dataverse classic workflows are WF4 XAML too: only UiPath's own
    // namespaces (declared on the root) make it a UiPath workflow.
    let uipath = [
        "schemas.uipath.com",
        "assembly=UiPath.",
        "clr-namespace:UiPath.",
    ]
    .iter()
    .any(|m| head.contains(m));
    local == "Activity" && root.1.contains(WF_NS) && uipath && !head.contains("Microsoft.Xrm.Sdk")
}

fn head(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or(text)
}

/// The root element's name and its whole start tag, read without parsing.
fn root_start_tag(text: &str) -> Option<(&str, &str)> {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>")?.1;
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->")?.1;
        } else if let Some(r) = rest.strip_prefix('<') {
            let end = r.find('>').unwrap_or(r.len());
            let tag = r.get(..end)?;
            let name_end = tag
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(tag.len());
            return Some((tag.get(..name_end)?, tag));
        } else {
            return None;
        }
    }
}

fn json_kind(name: &str, json: &Json) -> Option<FileKind> {
    let obj = json.as_object()?;
    if is_project(json) {
        return Some(FileKind::Project);
    }
    let has = |k: &str| obj.contains_key(k);
    if name.ends_with(".xaml.json") && has("DisplayName") && has("Arguments") {
        return Some(FileKind::Plumbing(
            "the argument descriptions UiPath Studio keeps beside a workflow (.xaml)",
        ));
    }
    if name == "design.json" && has("SeparateRuntimeDependencies") {
        return Some(FileKind::Plumbing(
            "UiPath Studio's publish settings (.project/design.json)",
        ));
    }
    if has("ActivityBindings")
        && json
            .get("ActivityBindings")
            .and_then(Json::as_object)
            .is_some_and(|m| m.keys().any(|k| k.starts_with("UiPath.")))
    {
        return Some(FileKind::Plumbing(
            "UiPath Studio's package bindings metadata (.project/PackageBindingsMetadata.json)",
        ));
    }
    if has("issueKeyTestcaseValues") {
        return Some(FileKind::Plumbing(
            "UiPath Test Manager settings (.tmh/config.json)",
        ));
    }
    if has("ProjectBreakpoints") {
        return Some(FileKind::Plumbing(
            "UiPath Studio's local editor state (.local/ProjectSettings.json)",
        ));
    }
    if name == "datamanagerelementsorder.json" && has("Workflows") {
        return Some(FileKind::Plumbing(
            "UiPath Studio's local editor state (.local/dataManagerElementsOrder.json)",
        ));
    }
    if name == "alldependencies.json" && has("targets") {
        return Some(FileKind::Plumbing(
            "the resolved package list UiPath Studio keeps in the project's .local folder",
        ));
    }
    if name == "nuget.cache"
        && str_at(json, "projectFilePath").is_some_and(|p| p.contains("\\.local\\"))
    {
        return Some(FileKind::Plumbing(
            "the NuGet restore cache UiPath Studio keeps in the project's .local folder",
        ));
    }
    if name == "packagecache.json"
        && json
            .get("Packages")
            .and_then(Json::as_array)
            .is_some_and(|a| {
                a.iter().any(|p| {
                    p.pointer("/Package/Id")
                        .and_then(Json::as_str)
                        .is_some_and(|id| id.starts_with("UiPath."))
                })
            })
    {
        return Some(FileKind::Plumbing(
            "the package cache UiPath Studio keeps in the project's .local folder",
        ));
    }
    if has("CreatedBy")
        && json
            .get("CreatedBy")
            .and_then(Json::as_array)
            .is_some_and(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .any(|s| s.starts_with("UiPath."))
            })
    {
        return Some(FileKind::Plumbing(
            "UiPath's project object metadata (.objects/.metadata)",
        ));
    }
    None
}

/// A UiPath `project.json`: activity-package dependencies plus Studio's
/// project keys.
fn is_project(json: &Json) -> bool {
    let Some(deps) = json.get("dependencies").and_then(Json::as_object) else {
        return false;
    };
    let studio = json.get("studioVersion").is_some()
        || json.get("projectVersion").is_some() && json.get("schemaVersion").is_some();
    let uipath_deps = deps.keys().any(|k| k.starts_with("UiPath."));
    let xaml_main = str_at(json, "main").is_some_and(|m| m.to_ascii_lowercase().ends_with(".xaml"));
    studio && (uipath_deps || xaml_main)
}

// ---------------------------------------------------------------------------
// Parsing

fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => path.get(..=i).unwrap_or(""),
        None => "",
    }
}

fn parse(_bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let kinds: Vec<(&Entry, FileKind)> = entries
        .iter()
        .filter_map(|e| kind_of(e).map(|k| (*e, k)))
        .collect();
    // Project roots, longest first so nested projects win.
    let mut roots: Vec<&str> = kinds
        .iter()
        .filter(|(_, k)| *k == FileKind::Project)
        .map(|(e, _)| dir_of(&e.path))
        .collect();
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    roots.dedup();

    let mut apps = Vec::new();
    let mut workbooks: Vec<Note> = Vec::new();
    let mut grouped: Vec<Vec<(&Entry, FileKind)>> = vec![Vec::new(); roots.len()];
    let mut loose: Vec<(&Entry, FileKind)> = Vec::new();
    for (entry, kind) in kinds {
        match roots.iter().position(|r| entry.path.starts_with(r)) {
            Some(_) if kind == FileKind::Workbook => loose.push((entry, kind)),
            Some(i) => {
                if let Some(g) = grouped.get_mut(i) {
                    g.push((entry, kind));
                }
            }
            None => loose.push((entry, kind)),
        }
    }
    for group in grouped {
        let Some((project, _)) = group.iter().find(|(_, k)| *k == FileKind::Project) else {
            continue;
        };
        let mut app = project_app(project);
        let root = dir_of(&project.path);
        for (entry, kind) in &group {
            let rel = entry.path.strip_prefix(root).unwrap_or(&entry.path);
            match kind {
                FileKind::Workflow => read_workflow(&mut app, entry, rel, notes),
                FileKind::CodedWorkflow => read_coded_workflow(&mut app, entry, rel),
                _ => {}
            }
        }
        link_entry_points(&mut app);
        apps.push(app);
    }
    for (entry, kind) in loose {
        match kind {
            FileKind::Workflow => {
                let mut app = App {
                    platform: Platform::UiPath,
                    kind: AppKind::Workflow,
                    name: entry.file_name().to_string(),
                    location: Location::new(&entry.display_path, ""),
                    ..App::default()
                };
                read_workflow(&mut app, entry, entry.file_name(), notes);
                apps.push(app);
            }
            FileKind::CodedWorkflow => {
                let mut app = App {
                    platform: Platform::UiPath,
                    kind: AppKind::Workflow,
                    name: entry.file_name().to_string(),
                    location: Location::new(&entry.display_path, ""),
                    ..App::default()
                };
                read_coded_workflow(&mut app, entry, entry.file_name());
                apps.push(app);
            }
            FileKind::Plumbing(what) => notes.push(Note {
                file: entry.display_path.clone(),
                message: format!(
                    "not read: this is {what}, not a workflow. Zip the whole UiPath project folder \
                     (with project.json and the .xaml files) and drop the .zip"
                ),
            }),
            FileKind::Workbook => workbook_note(entry, &mut workbooks),
            FileKind::Project => {}
        }
    }
    notes.extend(workbooks);
    apps
}

/// One note per workbook: lcscan does not read spreadsheets.
fn workbook_note(entry: &Entry, workbooks: &mut Vec<Note>) {
    let lower = entry.display_path.to_ascii_lowercase();
    let file = match lower.rfind(".xlsx!/") {
        Some(end) => entry
            .display_path
            .get(..end + ".xlsx".len())
            .unwrap_or(&entry.display_path)
            .to_string(),
        // The workbook itself was dropped: name it by the archive.
        None => entry
            .display_path
            .split("!/")
            .next()
            .unwrap_or(&entry.display_path)
            .to_string(),
    };
    if workbooks.iter().any(|n| n.file == file) {
        return;
    }
    let config = file.to_ascii_lowercase().ends_with("config.xlsx");
    let message = if config {
        "not read: an Excel workbook (the REFramework settings file); lcscan does not read \
         spreadsheets. Check that its Assets sheet only names Orchestrator assets and that no \
         password or key is typed into its Settings or Constants sheets"
    } else {
        "not read: an Excel workbook (data or test data of the project); lcscan does not read \
         spreadsheets"
    };
    workbooks.push(Note {
        file,
        message: message.into(),
    });
}

/// The app for one `project.json`: name, packages, entry points, run options.
fn project_app(entry: &Entry) -> App {
    let json = entry.json().cloned().unwrap_or(Json::Null);
    let loc = Location::new(&entry.display_path, "");
    let mut app = App {
        platform: Platform::UiPath,
        kind: AppKind::Workflow,
        name: str_at(&json, "name")
            .unwrap_or_else(|| entry.file_name())
            .to_string(),
        id: str_at(&json, "projectId").map(str::to_string),
        version: str_at(&json, "projectVersion").map(str::to_string),
        location: loc.clone(),
        ..App::default()
    };
    if let Some(deps) = json.get("dependencies").and_then(Json::as_object) {
        let deps_loc = loc.child("dependencies");
        for (package, version) in deps {
            let version = version.as_str().unwrap_or_default();
            app.connections.push(Connection {
                id: package.clone(),
                connector: package.clone(),
                display_name: if version.is_empty() {
                    package.clone()
                } else {
                    format!("{package} {}", version.trim_matches(['[', ']']))
                },
                identity: ConnectionIdentity::Unknown,
                auth: None,
                endpoint: None,
                location: deps_loc.child(package),
            });
        }
    }
    let attended = json
        .pointer("/runtimeOptions/isAttended")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    app.run_context = RunContext {
        mode: if attended {
            RunMode::User
        } else {
            RunMode::Unknown
        },
        raw: if attended {
            "isAttended: true".into()
        } else {
            "isAttended: false".into()
        },
        user_facing: attended,
        requires_permission: None,
        location: Some(loc.child("runtimeOptions")),
    };
    let mut entry_points: Vec<(String, Location)> = Vec::new();
    if let Some(list) = json.get("entryPoints").and_then(Json::as_array) {
        for (i, ep) in list.iter().enumerate() {
            if let Some(path) = str_at(ep, "filePath") {
                entry_points.push((path.replace('\\', "/"), loc.child("entryPoints").index(i)));
            }
        }
    }
    if entry_points.is_empty() {
        if let Some(main) = str_at(&json, "main") {
            entry_points.push((main.replace('\\', "/"), loc.child("main")));
        }
    }
    for (path, ep_loc) in entry_points {
        let id = format!("entry:{path}");
        let name = format!("{path} (entry point)");
        app.steps.push(Step {
            id: id.clone(),
            name: name.clone(),
            kind: StepKind::Trigger,
            platform_type: "entryPoint".into(),
            location: ep_loc.clone().with_step(&name),
            ..Step::default()
        });
        app.triggers.push(Trigger {
            step_id: id,
            name,
            kind: TriggerKind::Manual,
            // Started by a robot, from Orchestrator or by the user at the machine.
            audience: Audience::Internal,
            auth: "robot".into(),
            location: ep_loc,
            ..Trigger::default()
        });
    }
    app
}

/// Entry-point steps lead to the first activity of their workflow.
fn link_entry_points(app: &mut App) {
    let mut edges = Vec::new();
    for trigger in &app.triggers {
        let Some(file) = trigger.step_id.strip_prefix("entry:") else {
            continue;
        };
        let prefix = format!("{file}#");
        if let Some(first) = app
            .steps
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(&prefix) || s.id.starts_with(&prefix))
        {
            edges.push(crate::model::Edge {
                from: trigger.step_id.clone(),
                to: first.id.clone(),
                kind: "entryPoint".into(),
            });
        }
    }
    app.edges.extend(edges);
}

fn read_coded_workflow(app: &mut App, entry: &Entry, rel: &str) {
    let Some(text) = entry.text() else {
        return;
    };
    let loc = Location::new(&entry.display_path, "");
    let name = rel.to_string();
    let id = format!("{rel}#code");
    app.values.push(Value {
        key: "code".into(),
        value: text.to_string(),
        context: ValueContext::Code,
        kind: ValueKind::Literal,
        step_id: Some(id.as_str().into()),
        location: loc.clone().with_step(&name),
    });
    app.steps.push(Step {
        id,
        name: name.clone(),
        kind: StepKind::Code,
        platform_type: "CodedWorkflow".into(),
        code: Some(Code {
            language: "csharp".into(),
            source: text.to_string(),
            runs_commands: text.contains("Process.Start"),
            location: loc.clone(),
        }),
        location: loc.with_step(name),
        ..Step::default()
    });
}

/// What one workflow file adds to the app.
fn read_workflow(app: &mut App, entry: &Entry, rel: &str, notes: &mut Vec<Note>) {
    with_entry_xml(entry, notes, "", |doc| {
        let root = doc.root_element();
        let mut reader = Reader {
            app,
            file: &entry.display_path,
            rel,
            counter: 0,
            seen_ids: BTreeSet::new(),
        };
        if reader.app.name == entry.file_name() {
            if let Some(class) = root.attribute((XAML_NS, "Class")) {
                reader.app.name = class.to_string();
            }
        }
        reader.root_defaults(root);
        let path = format!("/{}", qname(root));
        reader.walk(root, &path, None, 0);
    })
}

struct Reader<'m> {
    app: &'m mut App,
    file: &'m str,
    rel: &'m str,
    counter: usize,
    seen_ids: BTreeSet<String>,
}

/// The element's name as written (`ui:HttpClient`), from its namespace prefix.
fn qname(node: Node) -> String {
    let local = node.tag_name().name();
    match node
        .tag_name()
        .namespace()
        .and_then(|ns| node.lookup_prefix(ns))
    {
        Some(p) if !p.is_empty() => format!("{p}:{local}"),
        _ => local.to_string(),
    }
}

/// Namespaces whose elements are layout, typing or designer data, never activities.
fn is_plumbing_ns(ns: &str) -> bool {
    ns == XAML_NS
        || ns.starts_with("http://schemas.microsoft.com/netfx/2009/xaml/activities/presentation")
        || ns.starts_with("http://schemas.microsoft.com/netfx/2010/xaml/activities/presentation")
        || ns.starts_with("http://schemas.microsoft.com/winfx/2006/xaml/presentation")
        || ns.starts_with("http://schemas.openxmlformats.org/markup-compatibility")
        || ns.starts_with("clr-namespace:System.Collections")
        || ns.starts_with("clr-namespace:Microsoft.VisualBasic.Activities")
        || ns.starts_with("clr-namespace:Microsoft.CSharp.Activities")
}

/// WF4 elements that hold values or structure rather than being activities.
const WF_NON_ACTIVITIES: &[&str] = &[
    "Activity",
    "Variable",
    "InArgument",
    "OutArgument",
    "InOutArgument",
    "AssemblyReference",
    "DelegateInArgument",
    "DelegateOutArgument",
    "ActivityAction",
    "ActivityFunc",
    "FlowStep",
    "FlowDecision",
    "State",
    "Transition",
    "Catch",
    "TryCatch.Catches",
];

/// The package (assembly) an activity comes from, when its namespace names one.
fn package_of(ns: &str) -> Option<String> {
    let assembly = ns.split(";assembly=").nth(1)?;
    let assembly = assembly.split(',').next()?.trim();
    assembly
        .starts_with("UiPath.")
        .then(|| assembly.to_string())
}

/// Step kind from the activity's local name (and its package).
fn kind_for(local: &str, package: Option<&str>) -> StepKind {
    let l = local.to_ascii_lowercase();
    match l.as_str() {
        "invokecode" => return StepKind::Code,
        "invokepowershell"
        | "startprocess"
        | "invokeprocess"
        | "invokevbscript"
        | "runpowershellscript" => return StepKind::Command,
        "httpclient" | "nethttprequest" | "httprequest" | "soapclient" => {
            return StepKind::HttpRequest
        }
        "invokeworkflowfile" | "invokeworkflow" | "invokeprocess2" => return StepKind::SubFlow,
        "assign" | "multipleassign" | "assignoperation" => return StepKind::Variable,
        "sequence"
        | "flowchart"
        | "statemachine"
        | "if"
        | "ifelseif"
        | "while"
        | "dowhile"
        | "foreach"
        | "foreachrow"
        | "switch"
        | "trycatch"
        | "retryscope"
        | "parallel"
        | "interruptibledowhile"
        | "throw"
        | "rethrow"
        | "pick"
        | "pickbranch"
        | "commentout"
        | "comment"
        | "delay" => return StepKind::Control,
        _ => {}
    }
    if l.contains("database")
        || matches!(
            l.as_str(),
            "executequery" | "executenonquery" | "runquery" | "bulkinsert" | "bulkupdate"
        )
    {
        return StepKind::Database;
    }
    let pkg = package.unwrap_or_default().to_ascii_lowercase();
    if l.contains("mail") || pkg.contains(".mail.") {
        return StepKind::Email;
    }
    if l.contains("queueitem") || l.contains("transaction") {
        return StepKind::DataOperation;
    }
    if !pkg.is_empty()
        && !pkg.starts_with("uipath.system.")
        && !pkg.starts_with("uipath.uiautomation.")
    {
        return StepKind::ConnectorAction;
    }
    StepKind::Other
}

/// Attributes that are designer or typing data.
fn is_layout_attr(node: Node, attr: &roxmltree::Attribute) -> bool {
    if let Some(ns) = attr.namespace() {
        if is_plumbing_ns(ns) {
            return true;
        }
    }
    let name = attr.name();
    let _ = node;
    matches!(
        name,
        "DisplayName"
            | "HintSize"
            | "IdRef"
            | "TypeArguments"
            | "Key"
            | "ContinueOnError"
            | "TimeoutMS"
            | "Annotation.AnnotationText"
            | "Ignorable"
    ) || name.ends_with(".HintSize")
        || name.ends_with(".IdRef")
}

/// `[expression]` vs literal; `["text"]` / `"text"` (C#) is read as the literal `text`.
fn classify(raw: &str) -> (String, ValueKind) {
    let t = raw.trim();
    if let Some(inner) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return match quoted_literal(inner.trim()) {
            Some(lit) => (lit, ValueKind::Literal),
            None if inner.contains('"') && inner.contains('+') || inner.contains('&') => {
                (t.to_string(), ValueKind::Template)
            }
            None => (t.to_string(), ValueKind::Expression),
        };
    }
    (raw.to_string(), ValueKind::Literal)
}

/// A single VB/C# string literal (`"a ""b"""` / `"a \"b\""`), unquoted.
fn quoted_literal(expr: &str) -> Option<String> {
    let inner = expr.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // VB doubles quotes; anything else means this is not one literal.
                if chars.next() != Some('"') {
                    return None;
                }
                out.push('"');
            }
            '\\' => {
                if let Some(&n) = chars.peek() {
                    if n == '"' || n == '\\' {
                        chars.next();
                        out.push(n);
                        continue;
                    }
                }
                out.push('\\');
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// The value context a property name implies.
fn context_for(key: &str) -> ValueContext {
    let k = key.to_ascii_lowercase();
    if k.contains("password") || k == "securetext" || k == "securestring" {
        ValueContext::PasswordField
    } else if k.contains("apikey")
        || k.contains("api_key")
        || k.contains("clientsecret")
        || k.ends_with("secret")
        || k == "token"
        || k.ends_with("accesstoken")
        || k.ends_with("oauth2token")
        || k.ends_with("oauth1token")
        || k.ends_with("bearertoken")
    {
        ValueContext::Credential
    } else if k == "connectionstring" {
        ValueContext::ConnectionString
    } else if matches!(
        k.as_str(),
        "endpoint" | "url" | "uri" | "resource" | "baseurl"
    ) || k.ends_with("url")
    {
        ValueContext::Url
    } else if k == "headers" {
        ValueContext::Header
    } else if k == "body" || k == "jsonbody" {
        ValueContext::Body
    } else if k == "parameters" || k == "urlsegments" {
        ValueContext::Query
    } else if k == "code" || k == "commandtext" || k == "scripttext" {
        ValueContext::Code
    } else {
        ValueContext::Parameter
    }
}

fn is_boolean_or_number(s: &str) -> bool {
    let t = s.trim();
    t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") || t.parse::<f64>().is_ok()
}

impl Reader<'_> {
    fn loc(&self, path: &str) -> Location {
        Location::new(self.file, path)
    }

    /// Default argument values written on the root (`this:Main.in_Key="…"`)
    /// and `x:Property` defaults.
    fn root_defaults(&mut self, root: Node) {
        for attr in root.attributes() {
            let Some((_, key)) = attr.name().rsplit_once('.') else {
                continue;
            };
            if attr.namespace().is_some_and(is_plumbing_ns) || attr.value().trim().is_empty() {
                continue;
            }
            let (value, kind) = classify(attr.value());
            let context = match context_for(key) {
                ValueContext::Parameter => ValueContext::Variable,
                other => other,
            };
            let path = format!("/{}/@{}", qname(root), attr.name());
            self.push_value(key, value, kind, context, None, self.loc(&path));
        }
    }

    fn push_value(
        &mut self,
        key: &str,
        value: String,
        kind: ValueKind,
        mut context: ValueContext,
        step: Option<(&str, &str)>,
        loc: Location,
    ) {
        if value.trim().is_empty() || value.trim() == "{x:Null}" {
            return;
        }
        if context == ValueContext::PasswordField && is_boolean_or_number(&value) {
            context = ValueContext::Parameter;
        }
        let loc = match step {
            Some((_, name)) => loc.with_step(name),
            None => loc,
        };
        self.app.values.push(Value {
            key: key.to_string(),
            value,
            context,
            kind,
            step_id: step.map(|(id, _)| (*id).into()),
            location: loc,
        });
    }

    fn walk(&mut self, node: Node, path: &str, step: Option<(&str, &str)>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for child in node.children().filter(Node::is_element) {
            let q = qname(child);
            let n = counts.entry(q.clone()).or_insert(0);
            *n += 1;
            let child_path = format!("{path}/{q}[{n}]");
            self.element(child, &child_path, step, depth + 1);
        }
    }

    fn element(&mut self, node: Node, path: &str, step: Option<(&str, &str)>, depth: usize) {
        let local = node.tag_name().name();
        let ns = node.tag_name().namespace().unwrap_or_default();
        // Property element (`ui:HttpClient.Headers`): values under it take its name.
        if let Some((_, prop)) = local.rsplit_once('.') {
            if is_plumbing_ns(ns)
                || local.starts_with("TextExpression.")
                || local.starts_with("VisualBasic.")
            {
                return;
            }
            self.property(node, prop, path, step, depth);
            return;
        }
        if is_plumbing_ns(ns) {
            return;
        }
        if local == "Variable" {
            self.variable(node, path, step);
            return;
        }
        if WF_NON_ACTIVITIES.contains(&local) {
            self.walk(node, path, step, depth);
            return;
        }
        let package = package_of(ns);
        let id_ref = node
            .attributes()
            .find(|a| a.name() == "WorkflowViewState.IdRef")
            .map(|a| a.value().to_string());
        self.counter += 1;
        let mut id = format!(
            "{}#{}",
            self.rel,
            id_ref
                .clone()
                .unwrap_or_else(|| format!("{local}_{}", self.counter))
        );
        if !self.seen_ids.insert(id.clone()) {
            id = format!("{id}_{}", self.counter);
            self.seen_ids.insert(id.clone());
        }
        let name = node
            .attribute("DisplayName")
            .map(str::to_string)
            .unwrap_or_else(|| local.to_string());
        let kind = kind_for(local, package.as_deref());
        let loc = self.loc(path).with_step(&name);
        let mut new = Step {
            id: id.clone(),
            name: name.clone(),
            kind,
            platform_type: qname(node),
            connector: package.clone(),
            connection: package
                .clone()
                .filter(|p| self.app.connections.iter().any(|c| c.id == *p)),
            location: loc.clone(),
            disabled: false,
            ..Step::default()
        };
        self.activity_details(node, &mut new, path);
        self.app.steps.push(new);
        // Attributes → values.
        for attr in node.attributes() {
            if is_layout_attr(node, &attr) {
                continue;
            }
            let (value, vkind) = classify(attr.value());
            let context = context_for(attr.name());
            let attr_path = format!("{path}/@{}", attr.name());
            self.push_value(
                attr.name(),
                value,
                vkind,
                context,
                Some((&id, &name)),
                self.loc(&attr_path),
            );
        }
        if local.eq_ignore_ascii_case("CommentOut") {
            // Commented-out activities do not run: read them as disabled.
            let before = self.app.steps.len();
            self.walk(node, path, Some((&id, &name)), depth);
            for s in self.app.steps.iter_mut().skip(before) {
                s.disabled = true;
            }
            return;
        }
        self.walk(node, path, Some((&id, &name)), depth);
    }

    /// `<Variable x:TypeArguments="x:String" Name="apiKey" Default="…" />`
    fn variable(&mut self, node: Node, path: &str, step: Option<(&str, &str)>) {
        let Some(name) = node.attribute("Name") else {
            return;
        };
        if let Some(default) = node.attribute("Default") {
            let (value, kind) = classify(default);
            let context = match context_for(name) {
                ValueContext::Parameter => ValueContext::Variable,
                other => other,
            };
            self.push_value(
                name,
                value,
                kind,
                context,
                step,
                self.loc(&format!("{path}/@Default")),
            );
        }
    }

    /// A property element: literal text in `InArgument`s / `x:String`s under it.
    fn property(
        &mut self,
        node: Node,
        prop: &str,
        path: &str,
        step: Option<(&str, &str)>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for child in node.children().filter(Node::is_element) {
            let q = qname(child);
            let n = counts.entry(q.clone()).or_insert(0);
            *n += 1;
            let child_path = format!("{path}/{q}[{n}]");
            let local = child.tag_name().name();
            let is_argument = matches!(
                local,
                "InArgument" | "OutArgument" | "InOutArgument" | "String" | "Literal"
            ) || local == "CSharpValue"
                || local == "VisualBasicValue";
            if is_argument {
                // Dictionary entries and invoked-workflow arguments carry x:Key.
                let key = child
                    .attribute((XAML_NS, "Key"))
                    .unwrap_or(prop)
                    .to_string();
                if local == "OutArgument" {
                    continue;
                }
                self.argument(child, &key, prop, &child_path, step, depth + 1);
            } else {
                self.element(child, &child_path, step, depth + 1);
            }
        }
    }

    fn argument(
        &mut self,
        node: Node,
        key: &str,
        prop: &str,
        path: &str,
        step: Option<(&str, &str)>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        // The text is either directly inside or inside a CSharpValue / VisualBasicValue.
        let inner = node.children().find(|c| c.is_element()).filter(|c| {
            matches!(
                c.tag_name().name(),
                "CSharpValue" | "VisualBasicValue" | "Literal"
            )
        });
        let (text, is_code_expr) = match inner {
            Some(c) => (c.text().unwrap_or_default(), true),
            None => {
                if node.children().any(|c| c.is_element()) {
                    // An activity used as an argument value.
                    self.walk(node, path, step, depth);
                    return;
                }
                let is_code = matches!(node.tag_name().name(), "CSharpValue" | "VisualBasicValue");
                (node.text().unwrap_or_default(), is_code)
            }
        };
        let (value, kind) = if is_code_expr {
            match quoted_literal(text.trim()) {
                Some(lit) => (lit, ValueKind::Literal),
                None => (text.to_string(), ValueKind::Expression),
            }
        } else {
            classify(text)
        };
        let mut context = context_for(key);
        if context == ValueContext::Parameter {
            context = context_for(prop);
        }
        self.push_value(key, value, kind, context, step, self.loc(path));
    }

    /// Kind-specific details: HTTP, code, command, SQL, credentials.
    fn activity_details(&mut self, node: Node, step: &mut Step, path: &str) {
        let local = node.tag_name().name().to_ascii_lowercase();
        let attr = |name: &str| -> Option<String> {
            node.attributes()
                .find(|a| a.name().eq_ignore_ascii_case(name))
                .map(|a| a.value().to_string())
                .or_else(|| property_text(node, name))
        };
        match step.kind {
            StepKind::Code => {
                let language = match attr("Language").as_deref() {
                    Some(l) if l.eq_ignore_ascii_case("CSharp") => "csharp",
                    Some(l) if l.to_ascii_lowercase().contains("vb") => "vbnet",
                    _ => "vbnet",
                };
                let source = attr("Code").unwrap_or_default();
                let lower = source.to_ascii_lowercase();
                step.code = Some(Code {
                    language: language.into(),
                    runs_commands: lower.contains("process.start")
                        || lower.contains("shell(")
                        || lower.contains("powershell"),
                    source,
                    location: self.loc(&format!("{path}/@Code")).with_step(&step.name),
                });
            }
            StepKind::Command => {
                let (language, source, at) = if local.contains("powershell") {
                    let text = attr("CommandText")
                        .or_else(|| attr("ScriptText"))
                        .unwrap_or_default();
                    ("powershell", text, "@CommandText")
                } else {
                    let file = attr("FileName").unwrap_or_default();
                    let args = attr("Arguments").unwrap_or_default();
                    let source = if args.is_empty() {
                        file
                    } else {
                        format!("{file} {args}")
                    };
                    ("shell", source, "@FileName")
                };
                step.code = Some(Code {
                    language: language.into(),
                    source,
                    runs_commands: true,
                    location: self.loc(&format!("{path}/{at}")).with_step(&step.name),
                });
            }
            StepKind::HttpRequest => {
                let raw = attr("EndPoint")
                    .or_else(|| attr("Url"))
                    .or_else(|| attr("Uri"))
                    .or_else(|| attr("RequestUrl"))
                    .unwrap_or_default();
                let (url, kind) = classify(&raw);
                let method = attr("Method")
                    .or_else(|| attr("RequestMethod"))
                    .unwrap_or_else(|| "GET".into())
                    .to_ascii_uppercase();
                let auth = http_auth(node);
                let url_loc = self.loc(&format!("{path}/@EndPoint")).with_step(&step.name);
                if kind == ValueKind::Literal && !url.is_empty() {
                    self.app.endpoints.push(Endpoint {
                        url: url.clone(),
                        host: host_of(&url),
                        step_id: Some(step.id.clone()),
                        location: url_loc.clone(),
                    });
                }
                step.http = Some(HttpCall {
                    method,
                    url_is_expression: kind == ValueKind::Expression,
                    url,
                    auth,
                    tls_verification_disabled: attr("IgnoreSslErrors")
                        .or_else(|| attr("DisableSslVerification"))
                        .is_some_and(|v| v.eq_ignore_ascii_case("true")),
                    location: url_loc,
                });
            }
            StepKind::Database => {
                if let Some(sql) = attr("Sql").or_else(|| attr("CommandText")) {
                    let (text, kind) = classify(&sql);
                    let uses_parameters = node.children().any(|c| {
                        c.tag_name().name().ends_with(".Parameters")
                            && c.descendants()
                                .any(|d| d.attribute((XAML_NS, "Key")).is_some())
                    });
                    step.sql = Some(SqlQuery {
                        interpolated: kind != ValueKind::Literal,
                        uses_parameters,
                        text,
                        location: self.loc(&format!("{path}/@Sql")).with_step(&step.name),
                    });
                }
                if attr("ConnectionString").is_some() {
                    step.handles_secret = true;
                }
            }
            _ => {}
        }
        // Orchestrator assets and credentials: references, the safe case.
        let credential_type = match local.as_str() {
            "getrobotasset" | "getasset" => Some("orchestrator-asset"),
            "getrobotcredential" | "getcredential" => Some("orchestrator-credential"),
            "getsecurecredential" => Some("windows-credential-manager"),
            _ => None,
        };
        if let Some(credential_type) = credential_type {
            step.handles_secret = true;
            if step.kind == StepKind::Other {
                step.kind = StepKind::DataOperation;
            }
            let name = attr("AssetName")
                .or_else(|| attr("Target"))
                .map(|n| classify(&n).0)
                .unwrap_or_else(|| step.name.clone());
            self.app.credentials.push(Credential {
                name,
                credential_type: credential_type.into(),
                storage: CredentialStorage::Reference,
                used_by: vec![step.id.clone()],
                location: step.location.clone(),
            });
        }
        if local.contains("password") || local == "typesecuretext" {
            step.handles_secret = true;
        }
    }
}

/// The literal text of `<X.Name><InArgument>text</InArgument></X.Name>`.
fn property_text(node: Node, name: &str) -> Option<String> {
    let prop = node.children().find(|c| {
        c.is_element()
            && c.tag_name()
                .name()
                .rsplit_once('.')
                .is_some_and(|(_, p)| p.eq_ignore_ascii_case(name))
    })?;
    let arg = prop.children().find(|c| c.is_element())?;
    let text = match arg.children().find(|c| c.is_element()) {
        Some(inner) => {
            let t = inner.text().unwrap_or_default().trim();
            quoted_literal(t).unwrap_or_else(|| format!("[{t}]"))
        }
        None => arg.text().unwrap_or_default().to_string(),
    };
    Some(text)
}

fn http_auth(node: Node) -> HttpAuth {
    let has = |n: &str| {
        node.attributes()
            .any(|a| a.name().eq_ignore_ascii_case(n) && a.value() != "{x:Null}")
    };
    if has("OAuth2Token") || has("AccessToken") {
        HttpAuth::Bearer
    } else if has("OAuth1Token") || has("ConsumerKey") {
        HttpAuth::OAuth
    } else if has("Password") || has("SecurePassword") || has("Username") {
        HttpAuth::Basic
    } else if has("ClientCertificate") {
        HttpAuth::ClientCertificate
    } else if node.descendants().any(|d| {
        d.attribute((XAML_NS, "Key"))
            .is_some_and(|k| k.eq_ignore_ascii_case("Authorization"))
    }) {
        HttpAuth::Header
    } else {
        HttpAuth::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_inside_expressions_are_read_as_literals() {
        assert_eq!(
            classify("[\"p@ss\"]"),
            ("p@ss".to_string(), ValueKind::Literal)
        );
        assert_eq!(
            classify("[row(\"Asset\").ToString]").1,
            ValueKind::Expression
        );
        assert_eq!(classify("plain").1, ValueKind::Literal);
        assert_eq!(
            quoted_literal("\"a \"\"b\"\"\"").as_deref(),
            Some("a \"b\"")
        );
        assert_eq!(quoted_literal("\"a\" + b + \"c\""), None);
    }

    #[test]
    fn contexts_from_property_names() {
        assert_eq!(context_for("Password"), ValueContext::PasswordField);
        assert_eq!(context_for("SecurePassword"), ValueContext::PasswordField);
        assert_eq!(context_for("ApiKey"), ValueContext::Credential);
        assert_eq!(context_for("EndPoint"), ValueContext::Url);
        assert_eq!(
            context_for("ConnectionString"),
            ValueContext::ConnectionString
        );
        assert_eq!(context_for("Message"), ValueContext::Parameter);
    }

    #[test]
    fn package_from_clr_namespace() {
        assert_eq!(
            package_of("clr-namespace:UiPath.Mail.SMTP.Activities;assembly=UiPath.Mail.Activities")
                .as_deref(),
            Some("UiPath.Mail.Activities")
        );
        assert_eq!(
            package_of("http://schemas.uipath.com/workflow/activities"),
            None
        );
    }
}
