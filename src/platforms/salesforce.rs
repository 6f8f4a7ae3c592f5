//! Salesforce Flow: Flow metadata XML (`*.flow-meta.xml` in SFDX source,
//! `*.flow` in Metadata API packages, also inside zips).
//!
//! Shapes read (see the field guide, section "5. Salesforce Flow metadata"):
//! the root `<Flow xmlns="http://soap.sforce.com/2006/04/metadata">` holds the
//! header (`label`, `apiVersion`, `processType`, `status`, `runInMode`,
//! `start`) and the elements as repeated siblings (`recordLookups`,
//! `actionCalls`, `screens`…). Control flow comes from `connector`,
//! `faultConnector`, `defaultConnector`… `<targetReference>`s.
//!
//! What goes where in the model:
//! * every element (Get Records, Action, Screen, Decision…) is a [`Step`] with
//!   `id` = the element's API name and `name` = its label (what Flow Builder shows);
//!   the `<start>` element is the step `start`, the only trigger step;
//! * literal text in `<stringValue>`s, formulas, text templates and display
//!   text is a [`Value`]; its `key` is the nearest name (the variable,
//!   constant, input parameter, record field or filter field). Bare
//!   `<elementReference>`s are references, not values, and are not listed;
//! * record fields read, written, filtered on, shown or asked for are
//!   [`DataField`]s; a Get Records that stores all fields automatically has
//!   `DataOperation::all_fields`;
//! * `runInMode` is [`RunContext::mode`] (absent = `DefaultMode` = [`RunMode::User`]).
//!   Record-triggered and scheduled flows run in system context whatever this
//!   says; rules can tell them apart by their trigger kind.
//!
//! Any other Salesforce metadata file (same namespace, another root) is
//! claimed and answered with a "not a Salesforce Flow" note.

use std::collections::{HashMap, HashSet};

use roxmltree::Node;

use super::common::host_of;
use super::Parser;
use crate::ingest::{with_parsed_xml, Bundle, Entry};
use crate::model::{
    App, AppKind, Audience, Connection, ConnectionIdentity, DataAccess, DataField, DataOperation,
    Edge, Endpoint, FieldUse, Location, Platform, RunContext, RunMode, Step, StepKind, Trigger,
    TriggerKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::SalesforceFlow,
    claims,
    parse,
};

/// The Salesforce Metadata API namespace.
pub const METADATA_NS: &str = "http://soap.sforce.com/2006/04/metadata";

/// Id of the step made from the `<start>` element.
pub const START_STEP: &str = "start";

const MAX_DEPTH: usize = 64;

// ---------------------------------------------------------------------------
// Detection

/// The root element's name and whether its start tag declares the Salesforce
/// metadata namespace, read from the text without parsing the whole document.
fn root_tag(text: &str) -> Option<(&str, bool)> {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>")?.1;
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->")?.1;
        } else if let Some(r) = rest.strip_prefix('<') {
            let end = r.find('>')?;
            let tag = r.get(..end)?;
            let name_end = tag
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(tag.len());
            let name = tag.get(..name_end)?;
            let local = name.rsplit(':').next().unwrap_or(name);
            return Some((local, tag.contains(METADATA_NS)));
        } else {
            return None;
        }
    }
}

fn has_flow_file_name(entry: &Entry) -> bool {
    let name = entry.file_name().to_ascii_lowercase();
    name.ends_with(".flow-meta.xml") || name.ends_with(".flow")
}

fn claims(entry: &Entry) -> bool {
    let Some(text) = entry.xml() else {
        return false;
    };
    match root_tag(text) {
        Some((_, true)) => true,
        // A Flow without the namespace: only with a Flow file name as tie-breaker.
        Some(("Flow", false)) => has_flow_file_name(entry),
        _ => false,
    }
}

/// What one Salesforce metadata file turned out to be.
enum Read {
    Flow(Box<App>),
    /// A package manifest or flow definition inside an archive: nothing to say.
    Plumbing,
    /// Other metadata: its root element.
    Other(String),
}

/// More non-Flow metadata files than this in one archive get one summary note.
const MAX_NOTES_PER_KIND: usize = 5;

fn parse(bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    // Other Salesforce metadata: (root element, files).
    let mut others: Vec<(String, Vec<&str>)> = Vec::new();
    for entry in entries {
        let Some(text) = entry.xml() else {
            continue;
        };
        let file = entry.display_path.as_str();
        // The document parsed at ingest, handed over (not parsed twice).
        let read: Result<Read, crate::error::ScanError> = with_parsed_xml(text, |doc| {
            let doc = doc?;
            let root = doc.root_element();
            let root_name = root.tag_name().name();
            if root_name == "Flow" {
                return Ok(Read::Flow(Box::new(parse_flow(root, entry))));
            }
            // In a metadata package the manifest and flow definitions are plumbing.
            if bundle.is_archive && matches!(root_name, "Package" | "FlowDefinition") {
                return Ok(Read::Plumbing);
            }
            Ok(Read::Other(root_name.to_string()))
        });
        let root_name = match read {
            Ok(Read::Flow(app)) => {
                apps.push(*app);
                continue;
            }
            Ok(Read::Plumbing) => continue,
            Ok(Read::Other(root_name)) => root_name,
            Err(e) => {
                notes.push(Note {
                    file: file.to_string(),
                    message: format!("not read: {e}"),
                });
                continue;
            }
        };
        match others.iter_mut().find(|(k, _)| *k == root_name) {
            Some((_, files)) => files.push(file),
            None => others.push((root_name, vec![file])),
        }
    }
    let total: usize = others.iter().map(|(_, f)| f.len()).sum();
    if total > MAX_NOTES_PER_KIND {
        let kinds: Vec<String> = others
            .iter()
            .map(|(k, f)| format!("{} {k}", f.len()))
            .collect();
        notes.push(Note {
            file: bundle.name.clone(),
            message: format!(
                "not read: {total} Salesforce metadata files that are not Flows ({})",
                kinds.join(", ")
            ),
        });
    } else {
        for (kind, files) in &others {
            for file in files {
                notes.push(Note {
                    file: (*file).to_string(),
                    message: not_a_flow_message(kind),
                });
            }
        }
    }
    apps
}

fn not_a_flow_message(root_name: &str) -> String {
    let what = match root_name {
        "Package" => {
            "a Salesforce package manifest (package.xml) that only lists components".to_string()
        }
        "FlowDefinition" => {
            "a Salesforce Flow definition (it only says which version is active)".to_string()
        }
        other => format!("Salesforce {other} metadata"),
    };
    format!(
        "not read: this is {what}, not a Salesforce Flow. Drop the flow itself \
         (a .flow-meta.xml or .flow file, or a zip holding them)."
    )
}

// ---------------------------------------------------------------------------
// Small XML helpers (namespace-agnostic: local names only)

fn is(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

/// Element children named `name`, with their 1-based XPath index.
fn kids<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = (usize, Node<'a, 'i>)> + 'a {
    node.children()
        .filter(move |c| is(c, name))
        .enumerate()
        .map(|(i, c)| (i + 1, c))
}

fn first<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(c, name))
}

/// Trimmed, non-empty text of the first child named `name`.
fn text_of<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    first(node, name)
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A top-level `<processMetadataValues>` string (Process Builder keeps its
/// object and trigger there).
fn process_metadata<'a>(root: Node<'a, '_>, name: &str) -> Option<&'a str> {
    kids(root, "processMetadataValues")
        .map(|(_, n)| n)
        .find(|n| text_of(*n, "name") == Some(name))
        .and_then(|n| first(n, "value"))
        .and_then(|v| text_of(v, "stringValue"))
}

fn is_true(node: Node, name: &str) -> bool {
    text_of(node, name).is_some_and(|t| t.eq_ignore_ascii_case("true"))
}

/// Every element child with its 1-based index among same-named siblings.
fn indexed_children<'a, 'i>(node: Node<'a, 'i>) -> IndexedChildren<'a, 'i> {
    IndexedChildren {
        children: node.children(),
        few: [("", 0); FEW_NAMES],
        few_len: 0,
        many: HashMap::new(),
    }
}

/// Elements have few distinct child names: they are counted in a short list,
/// and in a map only when there are more.
const FEW_NAMES: usize = 24;

struct IndexedChildren<'a, 'i> {
    children: roxmltree::Children<'a, 'i>,
    few: [(&'a str, usize); FEW_NAMES],
    few_len: usize,
    many: HashMap<&'a str, usize>,
}

impl<'a, 'i> Iterator for IndexedChildren<'a, 'i> {
    type Item = (Node<'a, 'i>, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let c = self.children.find(Node::is_element)?;
        let name = c.tag_name().name();
        let known = self.few.get_mut(..self.few_len).unwrap_or_default();
        if let Some((_, n)) = known.iter_mut().find(|(k, _)| *k == name) {
            *n += 1;
            return Some((c, *n));
        }
        if let Some(slot) = self.few.get_mut(self.few_len) {
            *slot = (name, 1);
            self.few_len += 1;
            return Some((c, 1));
        }
        let n = self.many.entry(name).or_insert(0);
        *n += 1;
        Some((c, *n))
    }
}

/// XPath-like path of a child: repeatable elements get their 1-based index
/// (`filters[2]`), single-valued ones do not (`value/stringValue`).
fn child_path(parent: &str, name: &str, index: usize) -> String {
    const SINGLE: &[&str] = &[
        "value",
        "rightValue",
        "defaultValue",
        "stringValue",
        "formulaExpression",
        "elementReference",
        "schedule",
        "connector",
        "defaultConnector",
        "faultConnector",
    ];
    let mut path = String::with_capacity(parent.len() + name.len() + 6);
    path.push_str(parent);
    path.push('/');
    path.push_str(name);
    if !(index == 1 && SINGLE.contains(&name)) {
        path.push('[');
        match u8::try_from(index) {
            Ok(i @ 0..=9) => path.push(char::from(b'0' + i)),
            _ => path.push_str(&index.to_string()),
        }
        path.push(']');
    }
    path
}

// ---------------------------------------------------------------------------
// Values

/// `{!x}` alone is computed at run time; text around merge fields is a template.
pub fn merge_kind(text: &str) -> ValueKind {
    let t = text.trim();
    if !t.contains("{!") {
        return ValueKind::Literal;
    }
    if t.starts_with("{!") && t.ends_with('}') && t.matches("{!").count() == 1 {
        ValueKind::Expression
    } else {
        ValueKind::Template
    }
}

fn looks_like_url(text: &str) -> bool {
    let t = text.trim_start().to_ascii_lowercase();
    t.starts_with("https://") || t.starts_with("http://")
}

/// Record-field references inside merge fields: `{!$Record.Email}` → `Email`,
/// `{!contact.Account.Name}` → `Name`. Global variables (`$User`, `$Flow`…)
/// other than `$Record` are not record fields of the app's data.
fn merge_field_refs(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{!") {
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            break;
        };
        if let Some(reference) = after.get(..end) {
            if let Some(field) = reference_field(reference) {
                out.push((reference.trim().to_string(), field));
            }
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}

/// The record field an element reference points at (`contact.Email` → `Email`).
fn reference_field(reference: &str) -> Option<String> {
    let r = reference.trim();
    let (head, _) = r.split_once('.')?;
    if head.starts_with('$') && !head.starts_with("$Record") {
        return None;
    }
    let field = r.rsplit('.').next()?;
    let ok = !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then(|| field.to_string())
}

/// Quoted string literals inside a formula (`"https://x"&{!id}` → `https://x`).
fn formula_literals(expression: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = expression;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest.get(start..start + 1).unwrap_or("\"");
        let after = rest.get(start + 1..).unwrap_or("");
        let Some(end) = after.find(quote) else {
            break;
        };
        if let Some(lit) = after.get(..end).filter(|l| !l.trim().is_empty()) {
            out.push(lit);
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}

// ---------------------------------------------------------------------------
// The flow

struct Cx<'f> {
    file: &'f str,
    app: App,
    /// Variable name → object type, to resolve `inputReference`s.
    var_objects: HashMap<String, String>,
    /// Object of the record that starts a record-triggered flow (`$Record`).
    start_object: Option<String>,
    /// Ids of the connections already listed.
    connection_ids: HashSet<String>,
}

#[derive(Clone)]
struct StepRef {
    id: String,
    label: String,
}

impl Cx<'_> {
    fn loc(&self, path: &str, step: Option<&StepRef>) -> Location {
        let loc = Location::new(self.file, path);
        match step {
            Some(s) => loc.with_step(&s.label),
            None => loc,
        }
    }

    fn push_value(
        &mut self,
        key: &str,
        text: &str,
        context: ValueContext,
        kind: ValueKind,
        path: &str,
        step: Option<&StepRef>,
    ) {
        if text.trim().is_empty() {
            return;
        }
        let context = if kind != ValueKind::Expression
            && looks_like_url(text)
            && matches!(context, ValueContext::Parameter | ValueContext::Variable)
        {
            ValueContext::Url
        } else {
            context
        };
        let location = self.loc(path, step);
        if kind == ValueKind::Literal && looks_like_url(text) {
            if let Some(host) = host_of(text) {
                self.app.endpoints.push(Endpoint {
                    url: text.trim().to_string(),
                    host: Some(host),
                    step_id: step.map(|s| s.id.clone()),
                    location: location.clone(),
                });
            }
        }
        self.app.values.push(Value {
            key: key.to_string(),
            value: text.to_string(),
            context,
            kind,
            step_id: step.map(|s| s.id.as_str().into()),
            location,
        });
    }

    fn push_field(
        &mut self,
        name: &str,
        object: Option<&str>,
        usage: FieldUse,
        path: &str,
        step: Option<&StepRef>,
    ) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        self.app.fields.push(DataField {
            name: name.to_string(),
            object: object.map(str::to_string),
            usage,
            step_id: step.map(|s| s.id.clone()),
            classification: None,
            location: self.loc(path, step),
        });
    }

    /// The object behind a record reference (`$Record`, an SObject variable, a
    /// Get Records or loop element, `contact.Email`). Paths through lookups
    /// (`contact.Account.Name`) are not followed.
    fn object_of_reference(&self, reference: &str) -> Option<String> {
        if reference.matches('.').count() > 1 {
            return None;
        }
        let head = reference.split('.').next().unwrap_or(reference).trim();
        if head == "$Record" || head == "$Record__Prior" {
            return self.start_object.clone();
        }
        self.var_objects.get(head).cloned()
    }
}

fn app_id_from_file(entry: &Entry) -> Option<String> {
    let name = entry.file_name();
    let lower = name.to_ascii_lowercase();
    let stem_len = [".flow-meta.xml", ".flow", ".xml"]
        .iter()
        .find(|s| lower.ends_with(*s))
        .map(|s| name.len().saturating_sub(s.len()))?;
    name.get(..stem_len)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn parse_flow(root: Node, entry: &Entry) -> App {
    let file = entry.display_path.as_str();
    let id = text_of(root, "fullName")
        .map(str::to_string)
        .or_else(|| app_id_from_file(entry));
    let name = text_of(root, "label")
        .map(str::to_string)
        .or_else(|| id.clone())
        .unwrap_or_else(|| "Unnamed Salesforce Flow".to_string());
    let process_type = text_of(root, "processType").unwrap_or("AutoLaunchedFlow");
    let has_screens = first(root, "screens").is_some();
    let user_facing = is_user_facing(process_type) || has_screens;
    let app = App {
        platform: Platform::SalesforceFlow,
        kind: if user_facing {
            AppKind::ScreenFlow
        } else {
            AppKind::Workflow
        },
        name,
        id,
        version: text_of(root, "apiVersion").map(str::to_string),
        active: text_of(root, "status").map(|s| s.eq_ignore_ascii_case("Active")),
        location: Location::new(file, "/Flow"),
        ..App::default()
    };
    let start = first(root, "start");
    let mut cx = Cx {
        file,
        app,
        var_objects: HashMap::new(),
        connection_ids: HashSet::new(),
        start_object: start
            .and_then(|s| text_of(s, "object"))
            .or_else(|| process_metadata(root, "ObjectType"))
            .map(str::to_string),
    };
    let typed = kids(root, "variables").chain(kids(root, "transforms"));
    for (_, var) in typed {
        if let (Some(n), Some(o)) = (text_of(var, "name"), text_of(var, "objectType")) {
            cx.var_objects.insert(n.to_string(), o.to_string());
        }
    }
    // Get Records that store their output automatically are referenced by name.
    for (_, get) in kids(root, "recordLookups") {
        if let (Some(n), Some(o)) = (text_of(get, "name"), text_of(get, "object")) {
            cx.var_objects.insert(n.to_string(), o.to_string());
        }
    }
    // A loop's current item has the object of the collection it walks.
    for (_, lp) in kids(root, "loops") {
        let (Some(n), Some(c)) = (text_of(lp, "name"), text_of(lp, "collectionReference")) else {
            continue;
        };
        if let Some(o) = cx.object_of_reference(c) {
            cx.var_objects.insert(n.to_string(), o);
        }
    }

    read_start(&mut cx, root, start, process_type);
    for (node, index) in indexed_children(root) {
        let tag = node.tag_name().name();
        let path = child_path("/Flow", tag, index);
        if let Some(kind) = element_kind(tag) {
            read_element(&mut cx, node, tag, kind, &path);
        } else if is_resource(tag) {
            read_resource(&mut cx, node, tag, &path);
        }
    }
    cx.app.run_context = run_context(root, user_facing, file);
    let restricted = cx.app.run_context.requires_permission == Some(true);
    let returns = kids(root, "variables").any(|(_, v)| is_true(v, "isOutput"));
    for t in &mut cx.app.triggers {
        // Only profiles / permission sets given access to this flow may run it.
        if restricted && t.audience == Audience::Unknown {
            t.audience = Audience::SpecificUsers;
        }
        // Output variables go back to whoever started the flow.
        if returns && t.kind == TriggerKind::SubWorkflow {
            t.responds_with_data = true;
        }
    }
    cx.app
}

/// Process types people interact with directly.
fn is_user_facing(process_type: &str) -> bool {
    matches!(
        process_type,
        "Flow"
            | "Survey"
            | "FieldServiceMobile"
            | "FieldServiceWeb"
            | "CheckoutFlow"
            | "ContactRequestFlow"
            | "UserProvisioningFlow"
            | "IdentityUserRegistrationFlow"
            | "LoginFlow"
            | "ActionCadenceStepFlow"
    )
}

fn run_context(root: Node, user_facing: bool, file: &str) -> RunContext {
    let raw_node = first(root, "runInMode");
    let raw = raw_node
        .and_then(|n| n.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("DefaultMode");
    let lower = raw.to_ascii_lowercase();
    let mode = match raw {
        "DefaultMode" => RunMode::User,
        "SystemModeWithSharing" => RunMode::SystemWithSharing,
        "SystemModeWithoutSharing" => RunMode::SystemWithoutSharing,
        // Unknown spellings (`SystemModeWitSharing` exists in the wild): read defensively.
        _ if lower.contains("without") => RunMode::SystemWithoutSharing,
        _ if lower.contains("system") => RunMode::SystemWithSharing,
        _ => RunMode::Unknown,
    };
    let path = if raw_node.is_some() {
        "/Flow/runInMode"
    } else {
        "/Flow"
    };
    RunContext {
        mode,
        raw: raw.to_string(),
        user_facing,
        requires_permission: Some(is_true(root, "isAdditionalPermissionRequiredToRun")),
        location: Some(Location::new(file, path)),
    }
}

// ---------------------------------------------------------------------------
// Start and triggers

fn read_start(cx: &mut Cx, root: Node, start: Option<Node>, process_type: &str) {
    let path = if start.is_some() {
        "/Flow/start"
    } else {
        "/Flow"
    };
    let trigger_type = start.and_then(|s| text_of(s, "triggerType"));
    let object = cx.start_object.clone();
    let (kind, audience, name) =
        trigger_of(process_type, trigger_type, object.as_deref(), start, root);
    let step = StepRef {
        id: START_STEP.to_string(),
        label: "Start".to_string(),
    };
    let location = cx.loc(path, Some(&step));
    cx.app.steps.push(Step {
        id: step.id.clone(),
        name: step.label.clone(),
        kind: StepKind::Trigger,
        platform_type: "start".into(),
        location: location.clone(),
        ..Step::default()
    });
    cx.app.triggers.push(Trigger {
        step_id: step.id.clone(),
        name,
        kind,
        audience,
        auth: String::new(),
        allowed_origins: None,
        ip_restricted: false,
        responds_with_data: false,
        location,
    });
    if let Some(start) = start {
        for (i, filter) in kids(start, "filters") {
            let fpath = child_path(path, "filters", i);
            if let Some(field) = text_of(filter, "field") {
                cx.push_field(
                    field,
                    object.as_deref(),
                    FieldUse::Filter,
                    &format!("{fpath}/field"),
                    Some(&step),
                );
            }
        }
        walk_values(cx, start, path, &step, ValueContext::Parameter, 0);
        read_connectors(cx, start, &step.id, "", 0);
    } else if let Some(target) = text_of(root, "startElementReference") {
        cx.app.edges.push(Edge {
            from: step.id.clone(),
            to: target.to_string(),
            kind: "main".into(),
        });
    }
}

fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

fn trigger_of(
    process_type: &str,
    trigger_type: Option<&str>,
    object: Option<&str>,
    start: Option<Node>,
    root: Node,
) -> (TriggerKind, Audience, String) {
    // "an Account record", or just "a record" when the object is not given.
    let record = match object {
        Some(o) => format!("{} {o} record", article(o)),
        None => "a record".to_string(),
    };
    let event = match object {
        Some(o) => format!("{} {o} platform event", article(o)),
        None => "a platform event".to_string(),
    };
    if let Some(tt) = trigger_type {
        let when = start
            .and_then(|s| text_of(s, "recordTriggerType"))
            .map(|r| match r {
                "Create" => "created",
                "Update" => "updated",
                "CreateAndUpdate" => "created or updated",
                "Delete" => "deleted",
                other => other,
            });
        return match tt {
            "RecordAfterSave" | "RecordBeforeSave" => (
                TriggerKind::Event,
                Audience::Internal,
                format!("When {record} is {} ({tt})", when.unwrap_or("saved")),
            ),
            "RecordBeforeDelete" => (
                TriggerKind::Event,
                Audience::Internal,
                format!("When {record} is deleted ({tt})"),
            ),
            "Scheduled" => {
                let freq = start
                    .and_then(|s| first(s, "schedule"))
                    .and_then(|s| text_of(s, "frequency"))
                    .unwrap_or("on a schedule");
                (
                    TriggerKind::Schedule,
                    Audience::Internal,
                    format!("Scheduled ({freq})"),
                )
            }
            "PlatformEvent" => (
                TriggerKind::Event,
                Audience::Internal,
                format!("When {event} is received"),
            ),
            other => (
                TriggerKind::Event,
                Audience::Internal,
                format!("When {other} happens"),
            ),
        };
    }
    match process_type {
        "Flow" => (
            TriggerKind::App,
            Audience::Unknown,
            "Screen flow, started by a user".into(),
        ),
        "Survey" => (
            TriggerKind::Form,
            Audience::Unknown,
            "Survey, answered by a user".into(),
        ),
        "Workflow" => {
            let when = match process_metadata(root, "TriggerType") {
                Some("onCreateOnly") => "created",
                Some("onAllChanges") | Some("onCreateOrTriggeringUpdate") => "created or edited",
                _ => "saved",
            };
            (
                TriggerKind::Event,
                Audience::Internal,
                format!("When {record} is {when} (Process Builder)"),
            )
        }
        "CustomEvent" | "InvocableProcess" => (
            TriggerKind::Event,
            Audience::Internal,
            format!("Process Builder process ({process_type})"),
        ),
        "RoutingFlow" => (
            TriggerKind::Event,
            Audience::Internal,
            "Omni-Channel routing flow".into(),
        ),
        "AutoLaunchedFlow" | "Orchestrator" | "EvaluationFlow" => (
            TriggerKind::SubWorkflow,
            Audience::Unknown,
            format!("Autolaunched ({process_type}): started by Apex, another flow, a process, an agent or the API"),
        ),
        other if is_user_facing(other) => (
            TriggerKind::App,
            Audience::Unknown,
            format!("{other} flow, started by a user"),
        ),
        other => (
            TriggerKind::Manual,
            Audience::Unknown,
            format!("{other} flow"),
        ),
    }
}

// ---------------------------------------------------------------------------
// Elements

/// Step kind of a top-level element that is a step of the flow.
fn element_kind(tag: &str) -> Option<StepKind> {
    Some(match tag {
        "actionCalls" => StepKind::ConnectorAction,
        "apexPluginCalls" => StepKind::Code,
        "assignments" | "transforms" => StepKind::Variable,
        "collectionProcessors"
        | "customErrors"
        | "decisions"
        | "loops"
        | "waits"
        | "recordRollbacks"
        | "orchestratedStages"
        | "steps" => StepKind::Control,
        "recordLookups" | "recordCreates" | "recordUpdates" | "recordDeletes"
        | "dynamicChoiceSets" => StepKind::DataOperation,
        "screens" => StepKind::Screen,
        "subflows" => StepKind::SubFlow,
        _ => return None,
    })
}

/// Resources: not steps, but they hold values.
fn is_resource(tag: &str) -> bool {
    matches!(
        tag,
        "variables" | "constants" | "formulas" | "textTemplates" | "choices" | "stages"
    )
}

fn action_kind(action_type: &str) -> StepKind {
    match action_type {
        "apex" => StepKind::Code,
        "emailSimple" | "emailAlert" | "sendEmail" => StepKind::Email,
        "externalService" => StepKind::HttpRequest,
        "flow" => StepKind::SubFlow,
        t if t.starts_with("generatePrompt")
            || t.starts_with("einstein")
            || t.contains("Agent") =>
        {
            StepKind::Ai
        }
        _ => StepKind::ConnectorAction,
    }
}

/// Actions whose inputs leave the flow (mail, chat, outside services).
fn action_sends(action_type: &str) -> bool {
    matches!(
        action_type,
        "emailSimple"
            | "emailAlert"
            | "sendEmail"
            | "externalService"
            | "chatterPost"
            | "customNotificationAction"
    ) || action_type.starts_with("slack")
}

/// The words of an API name: `slackAppIdForToken` → `slack app id for token`.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A name that says it holds a secret (`apiKey`, `client_secret`, `Password`),
/// not one that merely mentions it (`slackAppIdForToken`, `tokenUrl`).
fn is_secret_name(name: &str) -> bool {
    // Every secret word below contains one of these (case aside): most names
    // contain none, and are answered without splitting them into words.
    const STEMS: [&[u8]; 6] = [b"pass", b"pwd", b"secret", b"token", b"key", b"credential"];
    let bytes = name.as_bytes();
    let has_stem = STEMS.iter().any(|stem| {
        bytes
            .windows(stem.len())
            .any(|w| w.eq_ignore_ascii_case(stem))
    });
    if !has_stem {
        return false;
    }
    let words = name_words(name);
    let has = |w: &str| words.iter().any(|x| x == w);
    let secret = ["password", "passwd", "pwd", "secret", "token", "apikey", "credential", "credentials"]
        .iter()
        .any(|w| has(w))
        || words
            .windows(2)
            .any(|p| matches!(p, [a, b] if (a == "api" || a == "private" || a == "access") && b == "key"));
    let about_it = [
        "id", "ids", "name", "type", "url", "endpoint", "label", "length", "expiry", "expires",
        "field", "count",
    ]
    .iter()
    .any(|w| has(w));
    secret && !about_it
}

fn read_element(cx: &mut Cx, node: Node, tag: &str, kind: StepKind, path: &str) {
    let id = text_of(node, "name")
        .map(str::to_string)
        .unwrap_or_else(|| path.to_string());
    let label = text_of(node, "label")
        .map(str::to_string)
        .unwrap_or_else(|| id.clone());
    let step = StepRef { id, label };
    let location = cx.loc(path, Some(&step));
    let mut s = Step {
        id: step.id.clone(),
        name: step.label.clone(),
        kind,
        platform_type: tag.to_string(),
        location: location.clone(),
        ..Step::default()
    };
    match tag {
        "actionCalls" => read_action(cx, node, &mut s, &step, path),
        "apexPluginCalls" => {
            s.connector = Some("salesforce:apex".into());
        }
        // A picklist choice set reads the field's picklist values, not records.
        "dynamicChoiceSets" if text_of(node, "object").is_none() => {
            s.kind = StepKind::Variable;
        }
        "recordLookups" | "recordCreates" | "recordUpdates" | "recordDeletes"
        | "dynamicChoiceSets" => {
            s.data_op = Some(read_data_op(cx, node, tag, &step, path));
        }
        "screens" => {
            let mut secret = false;
            for (i, field) in kids(node, "fields") {
                let fpath = child_path(path, "fields", i);
                read_screen_field(cx, field, &fpath, &step, &mut secret, 0);
            }
            s.handles_secret = secret;
        }
        _ => {}
    }
    if is_secret_name(&step.id) || passes_secret(node) {
        s.handles_secret = true;
    }
    cx.app.steps.push(s);
    walk_values(cx, node, path, &step, ValueContext::Parameter, 0);
    read_connectors(cx, node, &step.id, "", 0);
}

/// The element passes or sets something named like a secret: an input
/// parameter `token`, an assignment to `apiKey`, a record field `Password__c`.
fn passes_secret(node: Node) -> bool {
    const NAMED: &[(&str, &str)] = &[
        ("inputParameters", "name"),
        ("inputAssignments", "field"),
        ("inputAssignments", "name"),
        ("assignmentItems", "assignToReference"),
    ];
    NAMED.iter().any(|(list, key)| {
        kids(node, list).any(|(_, item)| {
            text_of(item, key).is_some_and(|n| is_secret_name(n.rsplit('.').next().unwrap_or(n)))
        })
    })
}

fn read_action(cx: &mut Cx, node: Node, s: &mut Step, step: &StepRef, path: &str) {
    let action_type = text_of(node, "actionType").unwrap_or("");
    let action_name = text_of(node, "actionName").unwrap_or("");
    s.kind = action_kind(action_type);
    if !action_type.is_empty() {
        s.connector = Some(format!("salesforce:{action_type}"));
    }
    if action_type == "externalService" {
        // `ServiceName.operationId`: the service stands for its Named Credential.
        let service = action_name.split('.').next().unwrap_or(action_name);
        if !service.is_empty() {
            s.connection = Some(service.to_string());
            if cx.connection_ids.insert(service.to_string()) {
                cx.app.connections.push(Connection {
                    id: service.to_string(),
                    connector: "salesforce:externalService".into(),
                    display_name: service.to_string(),
                    identity: ConnectionIdentity::Service,
                    auth: Some("Named Credential".into()),
                    endpoint: None,
                    location: cx.loc(&format!("{path}/actionName"), Some(step)),
                });
            }
        }
    }
    let sends = action_sends(action_type);
    for (i, param) in kids(node, "inputParameters") {
        let ppath = child_path(path, "inputParameters", i);
        if !sends {
            continue;
        }
        let Some(value) = first(param, "value") else {
            continue;
        };
        if let Some(reference) = text_of(value, "elementReference") {
            if let Some(field) = reference_field(reference) {
                let object = cx.object_of_reference(reference);
                cx.push_field(
                    &field,
                    object.as_deref(),
                    FieldUse::Send,
                    &format!("{ppath}/value/elementReference"),
                    Some(step),
                );
            }
        }
        if let Some(text) = text_of(value, "stringValue") {
            for (reference, field) in merge_field_refs(text) {
                let object = cx.object_of_reference(&reference);
                cx.push_field(
                    &field,
                    object.as_deref(),
                    FieldUse::Send,
                    &format!("{ppath}/value/stringValue"),
                    Some(step),
                );
            }
        }
    }
}

fn read_data_op(cx: &mut Cx, node: Node, tag: &str, step: &StepRef, path: &str) -> DataOperation {
    let object = text_of(node, "object")
        .map(str::to_string)
        .or_else(|| {
            ["inputReference", "outputReference"]
                .iter()
                .find_map(|k| text_of(node, k))
                .and_then(|r| cx.object_of_reference(r))
        })
        .unwrap_or_default();
    let obj = (!object.is_empty()).then_some(object.as_str());
    let access = match tag {
        "recordCreates" => DataAccess::Create,
        "recordUpdates" => DataAccess::Update,
        "recordDeletes" => DataAccess::Delete,
        _ => DataAccess::Read,
    };
    for (i, filter) in kids(node, "filters") {
        if let Some(field) = text_of(filter, "field") {
            let p = format!("{}/field", child_path(path, "filters", i));
            cx.push_field(field, obj, FieldUse::Filter, &p, Some(step));
        }
    }
    let mut queried = 0;
    for (i, q) in kids(node, "queriedFields") {
        if let Some(field) = q.text().map(str::trim).filter(|t| !t.is_empty()) {
            queried += 1;
            let p = child_path(path, "queriedFields", i);
            cx.push_field(field, obj, FieldUse::Read, &p, Some(step));
        }
    }
    for (i, out) in kids(node, "outputAssignments") {
        if let Some(field) = text_of(out, "field") {
            let p = format!("{}/field", child_path(path, "outputAssignments", i));
            cx.push_field(field, obj, FieldUse::Read, &p, Some(step));
        }
    }
    for key in ["displayField", "valueField"] {
        if let Some(field) = text_of(node, key) {
            let p = format!("{path}/{key}");
            cx.push_field(field, obj, FieldUse::Read, &p, Some(step));
        }
    }
    for (i, input) in kids(node, "inputAssignments") {
        if let Some(field) = text_of(input, "field") {
            let p = format!("{}/field", child_path(path, "inputAssignments", i));
            cx.push_field(field, obj, FieldUse::Write, &p, Some(step));
        }
    }
    let all_fields = access == DataAccess::Read
        && tag == "recordLookups"
        && is_true(node, "storeOutputAutomatically")
        && queried == 0;
    DataOperation {
        access: vec![access],
        object,
        all_fields,
        location: cx.loc(path, Some(step)),
    }
}

/// Screen components that show data rather than ask for it.
fn is_display_field(field_type: &str) -> bool {
    matches!(field_type, "DisplayText" | "RegionContainer" | "Region")
}

fn read_screen_field(
    cx: &mut Cx,
    field: Node,
    path: &str,
    step: &StepRef,
    secret: &mut bool,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let field_type = text_of(field, "fieldType").unwrap_or("");
    if let Some(reference) = text_of(field, "objectFieldReference") {
        // Dynamic record field (`contact.Email`): the user edits a record field.
        let object = cx.object_of_reference(reference);
        let name = reference.rsplit('.').next().unwrap_or(reference);
        cx.push_field(
            name,
            object.as_deref(),
            FieldUse::Input,
            &format!("{path}/objectFieldReference"),
            Some(step),
        );
    } else if !is_display_field(field_type) && !field_type.is_empty() {
        if let Some(name) = text_of(field, "name") {
            cx.push_field(
                name,
                None,
                FieldUse::Input,
                &format!("{path}/name"),
                Some(step),
            );
        }
    }
    if field_type == "PasswordField" || is_secret_name(text_of(field, "name").unwrap_or("")) {
        *secret = true;
    }
    if let Some(text) = text_of(field, "fieldText").filter(|_| is_display_field(field_type)) {
        let p = format!("{path}/fieldText");
        let key = text_of(field, "name").unwrap_or(&step.id).to_string();
        if field_type == "DisplayText" {
            for (reference, name) in merge_field_refs(text) {
                let object = cx.object_of_reference(&reference);
                cx.push_field(&name, object.as_deref(), FieldUse::Read, &p, Some(step));
            }
        }
        cx.push_value(
            &key,
            text,
            ValueContext::Body,
            merge_kind(text),
            &p,
            Some(step),
        );
    }
    for (i, inner) in kids(field, "fields") {
        read_screen_field(
            cx,
            inner,
            &child_path(path, "fields", i),
            step,
            secret,
            depth + 1,
        );
    }
}

fn read_resource(cx: &mut Cx, node: Node, tag: &str, path: &str) {
    let name = text_of(node, "name").unwrap_or("").to_string();
    match tag {
        "formulas" => {
            if let Some(expr) = text_of(node, "expression") {
                let p = format!("{path}/expression");
                let loc = cx.loc(&p, None);
                cx.app.values.push(Value {
                    key: name.clone(),
                    value: expr.to_string(),
                    context: ValueContext::Code,
                    kind: ValueKind::Expression,
                    step_id: None,
                    location: loc,
                });
                for lit in formula_literals(expr) {
                    let ctx = if looks_like_url(lit) {
                        ValueContext::Url
                    } else {
                        ValueContext::Code
                    };
                    cx.push_value(&name, lit, ctx, ValueKind::Literal, &p, None);
                }
            }
        }
        "textTemplates" => {
            if let Some(text) = text_of(node, "text") {
                let p = format!("{path}/text");
                cx.push_value(&name, text, ValueContext::Body, merge_kind(text), &p, None);
            }
        }
        "variables" => {
            if is_true(node, "isInput") && !name.is_empty() {
                let object = text_of(node, "objectType");
                cx.push_field(
                    &name,
                    object,
                    FieldUse::Input,
                    &format!("{path}/isInput"),
                    None,
                );
            }
            walk_values_root(cx, node, path, ValueContext::Variable);
        }
        _ => walk_values_root(cx, node, path, ValueContext::Variable),
    }
}

fn walk_values_root(cx: &mut Cx, node: Node, path: &str, context: ValueContext) {
    let id = text_of(node, "name").unwrap_or("").to_string();
    let step = StepRef {
        label: id.clone(),
        id,
    };
    walk_values_inner(cx, node, path, &step, false, context, 0);
}

/// Every `<stringValue>` / `<formulaExpression>` under `node`, keyed by the
/// nearest name (`name`, `field`, `assignToReference`, `leftValueReference`).
fn walk_values(
    cx: &mut Cx,
    node: Node,
    path: &str,
    step: &StepRef,
    context: ValueContext,
    depth: usize,
) {
    walk_values_inner(cx, node, path, step, true, context, depth);
}

fn walk_values_inner(
    cx: &mut Cx,
    node: Node,
    path: &str,
    step: &StepRef,
    in_step: bool,
    context: ValueContext,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for (child, index) in indexed_children(node) {
        let tag = child.tag_name().name();
        // Builder bookkeeping, connectors and nested screen fields' own text
        // hold nothing to check (fieldText is read with the screen).
        if matches!(tag, "processMetadataValues" | "connector" | "fieldText") {
            continue;
        }
        match tag {
            "stringValue" | "formulaExpression" => {
                let Some(text) = child.text().filter(|t| !t.trim().is_empty()) else {
                    continue;
                };
                let cpath = child_path(path, tag, index);
                let key = value_key(node).unwrap_or(&step.id).to_string();
                let ctx = if tag == "formulaExpression" {
                    ValueContext::Code
                } else {
                    value_context(node, context)
                };
                let sref = in_step.then_some(step);
                cx.push_value(&key, text, ctx, merge_kind(text), &cpath, sref);
            }
            // An element without element children holds no values.
            _ if !child.children().any(|c| c.is_element()) => {}
            _ => {
                let cpath = child_path(path, tag, index);
                walk_values_inner(cx, child, &cpath, step, in_step, context, depth + 1);
            }
        }
    }
}

/// The key of a value held by `holder` (`<value>`, `<rightValue>`, `<defaultValue>`).
fn value_key<'a>(holder: Node<'a, '_>) -> Option<&'a str> {
    let container = holder.parent_element()?;
    [
        "name",
        "field",
        "assignToReference",
        "leftValueReference",
        "outputFieldApiName",
    ]
    .iter()
    .find_map(|k| text_of(container, k))
}

fn value_context(holder: Node, default: ValueContext) -> ValueContext {
    match holder.parent_element().map(|c| c.tag_name().name()) {
        Some("filters") | Some("conditions") => ValueContext::Query,
        Some("variables") | Some("constants") | Some("choices") | Some("assignmentItems") => {
            ValueContext::Variable
        }
        _ => default,
    }
}

// ---------------------------------------------------------------------------
// Connectors → edges

fn read_connectors(cx: &mut Cx, node: Node, from: &str, parent_tag: &str, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for child in node.children().filter(Node::is_element) {
        let tag = child.tag_name().name();
        if tag == "connector" || tag.ends_with("Connector") {
            if let Some(target) = text_of(child, "targetReference") {
                let kind = match (tag, parent_tag) {
                    ("connector", "rules") => "outcome",
                    ("connector", "scheduledPaths") => "scheduled-path",
                    ("connector", "waitEvents") => "wait-event",
                    ("connector", _) => "main",
                    ("faultConnector", _) => "fault",
                    ("defaultConnector", _) => "default",
                    ("nextValueConnector", _) => "next-value",
                    ("noMoreValuesConnector", _) => "no-more-values",
                    (other, _) => other,
                };
                cx.app.edges.push(Edge {
                    from: from.to_string(),
                    to: target.to_string(),
                    kind: kind.to_string(),
                });
            }
        } else if !matches!(tag, "processMetadataValues" | "fields") {
            read_connectors(cx, child, from, tag, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_tag_skips_prolog_and_comments() {
        let t = "\u{feff}<?xml version=\"1.0\"?>\n<!-- x -->\n<Flow xmlns=\"http://soap.sforce.com/2006/04/metadata\">";
        assert_eq!(root_tag(t), Some(("Flow", true)));
        assert_eq!(
            root_tag("<CustomObject xmlns=\"http://soap.sforce.com/2006/04/metadata\"/>"),
            Some(("CustomObject", true))
        );
        assert_eq!(root_tag("<Flow>"), Some(("Flow", false)));
        assert_eq!(root_tag("<?xml"), None);
    }

    #[test]
    fn merge_kinds_and_refs() {
        assert_eq!(merge_kind("{!var}"), ValueKind::Expression);
        assert_eq!(merge_kind("Hi {!a} and {!b}"), ValueKind::Template);
        assert_eq!(merge_kind("plain"), ValueKind::Literal);
        assert_eq!(
            merge_field_refs("<p>{!$Record.Email} {!$User.Id} {!c.Account.Name} {!x}</p>"),
            vec![
                ("$Record.Email".to_string(), "Email".to_string()),
                ("c.Account.Name".to_string(), "Name".to_string())
            ]
        );
        assert_eq!(
            formula_literals("\"https://a.my.salesforce.com/\"&{!$User.Id}&'x'"),
            vec!["https://a.my.salesforce.com/", "x"]
        );
    }

    #[test]
    fn secret_names_are_told_from_names_about_secrets() {
        for yes in [
            "token",
            "apiKey",
            "client_secret",
            "Password",
            "ACCESS_KEY",
            "privateKey",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "slackAppIdForToken",
            "tokenUrl",
            "passwordLength",
            "keyField",
            "recordId",
            "",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }
}
