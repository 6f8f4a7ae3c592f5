//! Retool: Toolscript source-control layout (`.rsx` + `lib/` + `metadata.json`)
//! and the JSON app export (`page.data.appState`, Transit-encoded).
//!
//! Shapes read (see the field guide, section "7. Retool"):
//! * Toolscript: `main.rsx` (`<App>` tree), `functions.rsx`
//!   (`<GlobalFunctions>` with the queries), `src/*.rsx` (containers, modules),
//!   `lib/*.js|*.sql|*.gql` bodies pulled in with
//!   `query={include("./lib/x.sql", "string")}`, `metadata.json`
//!   (`toolscriptVersion`, `version`, `pageUuid`), `.positions.json` layout,
//!   Query Library `queries/<name>/query.rsx`. RSX is JSX-like, not XML:
//!   attribute values are `"text"` or `{expression}` (`{'[...]'}`, `{false}`,
//!   `{include(...)}`), so it is read by a small tokenizer here.
//! * JSON export: `{"uuid", "page": {"data": {"appState": "<Transit>"}}}`. The
//!   Transit string (maps `["^ ",k,v…]`, tags `["~#iR",…]`, `~#iOM` ordered
//!   maps, `^N` cache references) is decoded into plain JSON and every
//!   `plugins` entry of type `datasource` is read like an RSX query element.
//!
//! What goes where in the model: a folder (or export) holding one app is one
//! [`App`] of kind [`AppKind::InternalTool`]; each query (`RESTQuery`,
//! `SqlQueryUnified`, `JavascriptQuery`, `Function`, `Transformer`…) is a
//! [`Step`] (`id` = `name` = the query id). `resourceName` becomes a
//! [`Connection`] (resources and their credentials stay in Retool and are not
//! exported; `REST-WithoutResource` means an ad-hoc URL with no stored auth).
//! Headers, URL parameters, cookies and bodies (`[{"key","value"}]` pairs)
//! become [`Value`]s with header / query / body contexts; the URL becomes an
//! [`HttpCall`] and, when absolute, an [`Endpoint`]. SQL is a [`SqlQuery`]:
//! Retool sends `{{ }}` in SQL as prepared-statement parameters unless the
//! resource turns that off (a resource setting, not in the export), so
//! `uses_parameters` is set. GUI-mode writes (`actionType`, `tableName`,
//! `changeset`, `filterBy`) are [`DataOperation`]s with their [`DataField`]s.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::common::{host_of, str_at};
use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{
    App, AppKind, Code, Connection, ConnectionIdentity, DataAccess, DataField, DataOperation,
    Endpoint, FieldUse, HttpAuth, HttpCall, Location, Platform, RunContext, SqlQuery, Step,
    StepKind, Value, ValueContext, ValueKind,
};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::Retool,
    claims,
    parse,
};

const MAX_DEPTH: usize = 128;
/// Elements read from one `.rsx` file at most.
const MAX_ELEMENTS: usize = 200_000;

// ---------------------------------------------------------------------------
// Detection

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Rsx,
    Metadata,
    Positions,
    /// A `lib/` query body inside an archive.
    Lib,
    JsonExport,
}

fn claims(entry: &Entry) -> bool {
    kind_of(entry).is_some()
}

fn kind_of(entry: &Entry) -> Option<FileKind> {
    let name = entry.file_name().to_ascii_lowercase();
    if let Some(json) = entry.json() {
        if json.get("toolscriptVersion").is_some() && json.get("appTemplate").is_some()
            || name == "metadata.json" && json.get("toolscriptVersion").is_some()
        {
            return Some(FileKind::Metadata);
        }
        if (name == ".positions.json" || name == ".mobile_positions.json") && is_positions(json) {
            return Some(FileKind::Positions);
        }
        if app_state(json).is_some() {
            return Some(FileKind::JsonExport);
        }
        return None;
    }
    let text = entry.text()?;
    if name.ends_with(".rsx") && text.trim_start().starts_with('<') {
        return Some(FileKind::Rsx);
    }
    let in_lib = entry.path.contains("/lib/") || entry.path.starts_with("lib/");
    let lib_ext = [".js", ".sql", ".gql", ".graphql"]
        .iter()
        .any(|e| name.ends_with(e));
    if in_lib && lib_ext && entry.display_path.contains("!/") && entry.xml().is_none() {
        return Some(FileKind::Lib);
    }
    None
}

/// `{"<component id>": {"height"|"width"|"col"|"row"|"container": …}, …}`.
fn is_positions(json: &Json) -> bool {
    let Some(map) = json.as_object() else {
        return false;
    };
    !map.is_empty()
        && map.values().all(|v| {
            v.as_object().is_some_and(|o| {
                o.keys().any(|k| {
                    matches!(
                        k.as_str(),
                        "height" | "width" | "col" | "row" | "container" | "subcontainer"
                    )
                })
            })
        })
}

/// The Transit `appState` string of a JSON export.
fn app_state(json: &Json) -> Option<&str> {
    json.pointer("/page/data/appState")
        .and_then(Json::as_str)
        .filter(|s| s.trim_start().starts_with('['))
}

// ---------------------------------------------------------------------------
// Grouping

fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => path.get(..=i).unwrap_or(""),
        None => "",
    }
}

/// The folder an app's own files sit in, seen from one of its files.
fn app_root_of(path: &str) -> &str {
    let dir = dir_of(path);
    for sub in ["src/", "lib/"] {
        if let Some(parent) = dir.strip_suffix(sub) {
            if parent.is_empty() || parent.ends_with('/') {
                return parent;
            }
        }
    }
    dir
}

fn parse(bundle: &Bundle, entries: &[&Entry], notes: &mut Vec<Note>) -> Vec<App> {
    let mut apps = Vec::new();
    let mut groups: BTreeMap<&str, Vec<(&Entry, FileKind)>> = BTreeMap::new();
    for entry in entries {
        let Some(kind) = kind_of(entry) else {
            continue;
        };
        if kind == FileKind::JsonExport {
            apps.push(json_export(entry, notes));
            continue;
        }
        groups
            .entry(app_root_of(&entry.path))
            .or_default()
            .push((entry, kind));
    }
    for (root, files) in groups {
        if let Some(app) = toolscript_app(bundle, root, &files, notes) {
            apps.push(app);
        }
    }
    apps
}

fn folder_name(root: &str) -> Option<&str> {
    root.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
}

fn toolscript_app(
    bundle: &Bundle,
    root: &str,
    files: &[(&Entry, FileKind)],
    notes: &mut Vec<Note>,
) -> Option<App> {
    let mut rsx: Vec<&Entry> = files
        .iter()
        .filter(|(_, k)| *k == FileKind::Rsx)
        .map(|(e, _)| *e)
        .collect();
    // main.rsx first, then functions.rsx, then the rest in path order.
    rsx.sort_by_key(|e| {
        let n = e.file_name().to_ascii_lowercase();
        (n != "main.rsx", n != "functions.rsx", e.path.clone())
    });
    let metadata = files
        .iter()
        .find(|(_, k)| *k == FileKind::Metadata)
        .and_then(|(e, _)| e.json().map(|j| (*e, j)));
    if rsx.is_empty() {
        for (entry, kind) in files {
            let what = match kind {
                FileKind::Metadata => "the metadata.json of a Retool app (Toolscript)",
                FileKind::Positions => "the component layout of a Retool app (Toolscript)",
                _ => "a query body from the lib folder of a Retool app (Toolscript)",
            };
            notes.push(Note {
                file: entry.display_path.clone(),
                message: format!(
                    "not read: this is {what}, not the app itself. Zip the whole app folder \
                     (main.rsx, functions.rsx, lib/, src/) and drop the .zip"
                ),
            });
        }
        return None;
    }
    let first = rsx.first()?;
    let is_whole_app = rsx.iter().any(|e| {
        matches!(
            e.file_name().to_ascii_lowercase().as_str(),
            "main.rsx" | "functions.rsx" | "query.rsx"
        )
    });
    let name = folder_name(root)
        .map(str::to_string)
        .unwrap_or_else(|| first.file_name().trim_end_matches(".rsx").to_string());
    let mut app = App {
        platform: Platform::Retool,
        kind: AppKind::InternalTool,
        name,
        id: metadata.and_then(|(_, j)| str_at(j, "pageUuid").map(str::to_string)),
        version: metadata.and_then(|(_, j)| str_at(j, "version").map(str::to_string)),
        location: Location::new(&first.display_path, ""),
        run_context: RunContext {
            user_facing: true,
            ..RunContext::default()
        },
        ..App::default()
    };
    if let Some((entry, json)) = metadata {
        if let Some(js) = json
            .pointer("/appTemplate/preloadedAppJavaScript")
            .and_then(Json::as_str)
            .filter(|s| !s.trim().is_empty())
        {
            let loc = Location::new(&entry.display_path, "/appTemplate/preloadedAppJavaScript");
            let id = "preloadedAppJavaScript".to_string();
            add_code_step(
                &mut app,
                &id,
                "Preloaded JavaScript",
                "javascript",
                js,
                &loc,
            );
        }
    }
    let mut missing: Vec<String> = Vec::new();
    for entry in &rsx {
        let Some(text) = entry.text() else {
            continue;
        };
        let elements = match parse_rsx(text) {
            Ok(e) => e,
            Err(reason) => {
                notes.push(Note {
                    file: entry.display_path.clone(),
                    message: format!("not read: this Retool Toolscript file is damaged ({reason})"),
                });
                continue;
            }
        };
        let mut reader = RsxReader {
            bundle,
            entry,
            app: &mut app,
            missing: &mut missing,
        };
        for el in &elements {
            reader.element(el, "", 0);
        }
    }
    if !missing.is_empty() {
        missing.sort();
        missing.dedup();
        let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
        notes.push(Note {
            file: first.display_path.clone(),
            message: format!(
                "not read: files this Retool app includes were not in what was dropped ({}{}). \
                 Zip the whole app folder and drop the .zip to check them too",
                shown.join(", "),
                if missing.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            ),
        });
    }
    if !is_whole_app && app.steps.is_empty() && app.values.is_empty() {
        notes.push(Note {
            file: first.display_path.clone(),
            message: "not read: this is one screen or container of a Retool app (Toolscript) \
                      with no queries in it. Zip the whole app folder (main.rsx, functions.rsx, \
                      lib/, src/) and drop the .zip"
                .into(),
        });
        return None;
    }
    Some(app)
}

// ---------------------------------------------------------------------------
// RSX tokenizer

#[derive(Debug, Clone, PartialEq)]
enum Attr {
    /// `"text"` or a JS string literal in braces.
    Str(String),
    /// Any other `{expression}` (`{false}`, `{[]}`, `{{ ordered: [] }}`).
    Expr(String),
}

#[derive(Debug, Clone, Default)]
struct Element {
    tag: String,
    attrs: Vec<(String, Attr)>,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    fn str_attr(&self, name: &str) -> Option<&str> {
        match self.attr(name)? {
            Attr::Str(s) => Some(s),
            Attr::Expr(_) => None,
        }
    }
}

struct Tokenizer<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    count: usize,
}

fn parse_rsx(text: &str) -> Result<Vec<Element>, String> {
    let mut t = Tokenizer {
        s: text.as_bytes(),
        text,
        i: 0,
        count: 0,
    };
    let (elements, closing) = t.nodes(0)?;
    if let Some(tag) = closing {
        return Err(format!("an unexpected closing tag </{tag}>"));
    }
    Ok(elements)
}

impl Tokenizer<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn starts_with(&self, p: &str) -> bool {
        self.s
            .get(self.i..)
            .is_some_and(|r| r.starts_with(p.as_bytes()))
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn slice(&self, from: usize, to: usize) -> String {
        self.text.get(from..to).unwrap_or_default().to_string()
    }

    /// Children until a closing tag (returned) or the end of the text.
    fn nodes(&mut self, depth: usize) -> Result<(Vec<Element>, Option<String>), String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Ok((out, None)),
                Some(b'<') => {
                    if self.starts_with("<!--") {
                        let rest = self.text.get(self.i..).unwrap_or_default();
                        self.i += rest.find("-->").map_or(rest.len(), |p| p + 3);
                    } else if self.starts_with("</") {
                        self.i += 2;
                        let name = self.name();
                        self.skip_ws();
                        if self.peek() == Some(b'>') {
                            self.i += 1;
                        }
                        return Ok((out, Some(name)));
                    } else {
                        self.i += 1;
                        out.push(self.element(depth)?);
                    }
                }
                Some(b'{') => {
                    // `{/* comment */}` or a child expression: skip it whole.
                    self.expression()?;
                }
                Some(_) => self.i += 1,
            }
        }
    }

    fn name(&mut self) -> String {
        let start = self.i;
        while self.peek().is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-' | b'$')
        }) {
            self.i += 1;
        }
        self.slice(start, self.i)
    }

    fn element(&mut self, depth: usize) -> Result<Element, String> {
        self.count += 1;
        if self.count > MAX_ELEMENTS {
            return Err("too many elements".into());
        }
        let tag = self.name();
        if tag.is_empty() {
            return Err(format!("a '<' without a tag name at byte {}", self.i));
        }
        let mut el = Element {
            tag,
            ..Element::default()
        };
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(format!("<{}> is not closed", el.tag)),
                Some(b'/') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'>') {
                        self.i += 1;
                    }
                    return Ok(el);
                }
                Some(b'>') => {
                    self.i += 1;
                    let (children, closing) = self.nodes(depth + 1)?;
                    el.children = children;
                    return match closing {
                        Some(c) if c == el.tag || c.is_empty() => Ok(el),
                        Some(c) => Err(format!("<{}> is closed by </{c}>", el.tag)),
                        None => Err(format!("<{}> is not closed", el.tag)),
                    };
                }
                Some(b'{') => {
                    // `{...spread}`: skipped.
                    self.expression()?;
                }
                Some(_) => {
                    let name = self.name();
                    if name.is_empty() {
                        self.i += 1;
                        continue;
                    }
                    self.skip_ws();
                    if self.peek() != Some(b'=') {
                        el.attrs.push((name, Attr::Expr("true".into())));
                        continue;
                    }
                    self.i += 1;
                    self.skip_ws();
                    let value = match self.peek() {
                        Some(q @ (b'"' | b'\'')) => {
                            self.i += 1;
                            let start = self.i;
                            while self.peek().is_some_and(|b| b != q) {
                                self.i += 1;
                            }
                            let v = self.slice(start, self.i);
                            self.i += 1;
                            Attr::Str(decode_entities(&v))
                        }
                        Some(b'{') => {
                            let raw = self.expression()?;
                            evaluate(&raw)
                        }
                        _ => Attr::Expr(String::new()),
                    };
                    el.attrs.push((name, value));
                }
            }
        }
    }

    /// A balanced `{…}`; returns what is inside the outer braces.
    fn expression(&mut self) -> Result<String, String> {
        let start = self.i;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.i += 1;
                        return Ok(self.slice(start + 1, self.i - 1));
                    }
                }
                b'"' | b'\'' | b'`' => {
                    self.i += 1;
                    while let Some(c) = self.peek() {
                        if c == b'\\' {
                            self.i += 2;
                            continue;
                        }
                        if c == b {
                            break;
                        }
                        self.i += 1;
                    }
                }
                b'/' if self.starts_with("/*") => {
                    let rest = self.text.get(self.i..).unwrap_or_default();
                    self.i += rest.find("*/").map_or(rest.len(), |p| p + 1);
                }
                _ => {}
            }
            if depth > MAX_DEPTH {
                return Err(format!(
                    "an expression nested more than {MAX_DEPTH} levels deep"
                ));
            }
            self.i += 1;
        }
        Err("an expression in braces is not closed".into())
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `{'text'}` / `{"text"}` / `` {`text`} `` → the string; anything else stays an expression.
fn evaluate(raw: &str) -> Attr {
    let t = raw.trim();
    match js_string(t) {
        Some(s) => Attr::Str(s),
        None => Attr::Expr(t.to_string()),
    }
}

/// One whole JS string literal, unescaped.
fn js_string(t: &str) -> Option<String> {
    let q = t.chars().next().filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let inner = t.strip_prefix(q)?.strip_suffix(q)?;
    if q == '`' && inner.contains("${") {
        return None;
    }
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == q {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(
                    u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{fffd}'),
                );
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// `include("./lib/x.sql", "string")` → the path.
fn include_path(expr: &str) -> Option<String> {
    let rest = expr.trim().strip_prefix("include(")?.strip_suffix(')')?;
    let first = rest.split(',').next()?.trim();
    js_string(first)
}

/// Resolve `./lib/x.sql` / `../lib/x.sql` against the including file's folder.
fn resolve(base_dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

// ---------------------------------------------------------------------------
// RSX → model

/// Tags that are queries or code even without a `resourceName`.
const QUERY_TAGS: &[&str] = &[
    "SqlQueryUnified",
    "SqlQuery",
    "JavascriptQuery",
    "RESTQuery",
    "GraphQLQuery",
    "S3Query",
    "WorkflowRun",
    "Function",
    "Transformer",
    "OpenAPIQuery",
    "RetoolTableQuery",
];

/// A query, from an RSX element or a JSON-export plugin.
struct Query {
    id: String,
    subtype: String,
    /// (key, value, literal string?, location).
    fields: Vec<(String, Field)>,
    loc: Location,
}

struct Field {
    value: String,
    is_string: bool,
    loc: Location,
}

impl Query {
    fn get(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, f)| f)
    }

    fn string(&self, key: &str) -> Option<&str> {
        self.get(key)
            .filter(|f| f.is_string)
            .map(|f| f.value.as_str())
    }
}

struct RsxReader<'a> {
    bundle: &'a Bundle,
    entry: &'a Entry,
    app: &'a mut App,
    /// Included files (`<Include src>`, `include(...)`) not in the bundle.
    missing: &'a mut Vec<String>,
}

impl RsxReader<'_> {
    fn element(&mut self, el: &Element, parent: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let path = match el.str_attr("id") {
            Some(id) => format!("{parent}/{}[@id='{id}']", el.tag),
            None => format!("{parent}/{}", el.tag),
        };
        if el.tag == "Include" {
            if let Some(src) = el.str_attr("src") {
                let target = resolve(dir_of(&self.entry.path), src);
                if self.bundle.find(&target).is_none() {
                    self.missing.push(src.to_string());
                }
            }
        }
        let is_query = QUERY_TAGS.contains(&el.tag.as_str())
            || el.attr("resourceName").is_some()
            || el.tag.ends_with("Query");
        if is_query {
            let query = self.query(el, &path);
            add_query(self.app, &query);
        } else if matches!(el.tag.as_str(), "State" | "Variable" | "LocalStorage") {
            for (key, attr) in &el.attrs {
                if let (Attr::Str(v), false) = (attr, key == "id") {
                    self.app.values.push(Value {
                        key: el.str_attr("id").unwrap_or(key).to_string(),
                        value: v.clone(),
                        context: ValueContext::Variable,
                        kind: template_kind(v),
                        step_id: None,
                        location: Location::new(&self.entry.display_path, format!("{path}/@{key}")),
                    });
                }
            }
        } else {
            // Components: only literal web addresses are worth listing.
            for (key, attr) in &el.attrs {
                if let Attr::Str(v) = attr {
                    let lower = v.trim_start().to_ascii_lowercase();
                    if lower.starts_with("http://") || lower.starts_with("https://") {
                        self.app.values.push(Value {
                            key: key.clone(),
                            value: v.clone(),
                            context: ValueContext::Url,
                            kind: template_kind(v),
                            step_id: None,
                            location: Location::new(
                                &self.entry.display_path,
                                format!("{path}/@{key}"),
                            ),
                        });
                    }
                }
            }
        }
        for child in &el.children {
            self.element(child, &path, depth + 1);
        }
    }

    fn query(&mut self, el: &Element, path: &str) -> Query {
        let id = el
            .str_attr("id")
            .map(str::to_string)
            .unwrap_or_else(|| el.tag.clone());
        let file = &self.entry.display_path;
        let mut fields = Vec::new();
        for (key, attr) in &el.attrs {
            let loc = Location::new(file, format!("{path}/@{key}"));
            let field = match attr {
                Attr::Str(s) => Field {
                    value: s.clone(),
                    is_string: true,
                    loc,
                },
                Attr::Expr(e) => match include_path(e) {
                    Some(rel) => {
                        let target = resolve(dir_of(&self.entry.path), &rel);
                        // `lib/*.json` bodies were decoded as JSON at ingest.
                        let body = |e: &Entry| {
                            e.text()
                                .map(str::to_string)
                                .or_else(|| e.json().map(Json::to_string))
                        };
                        match self
                            .bundle
                            .find(&target)
                            .and_then(|e| body(e).map(|t| (e, t)))
                        {
                            Some((lib, text)) => Field {
                                value: text,
                                is_string: true,
                                loc: Location::new(&lib.display_path, ""),
                            },
                            None => {
                                self.missing.push(rel);
                                Field {
                                    value: e.clone(),
                                    is_string: false,
                                    loc,
                                }
                            }
                        }
                    }
                    None => Field {
                        value: e.clone(),
                        is_string: false,
                        loc,
                    },
                },
            };
            fields.push((key.clone(), field));
        }
        Query {
            id,
            subtype: el.tag.clone(),
            fields,
            loc: Location::new(file, path),
        }
    }
}

fn template_kind(v: &str) -> ValueKind {
    let t = v.trim();
    if t.starts_with("{{") && t.ends_with("}}") && t.matches("{{").count() == 1 {
        ValueKind::Expression
    } else if t.contains("{{") {
        ValueKind::Template
    } else {
        ValueKind::Literal
    }
}

fn add_code_step(
    app: &mut App,
    id: &str,
    name: &str,
    language: &str,
    source: &str,
    loc: &Location,
) {
    app.values.push(Value {
        key: id.to_string(),
        value: source.to_string(),
        context: ValueContext::Code,
        kind: ValueKind::Literal,
        step_id: Some(id.into()),
        location: loc.clone().with_step(name),
    });
    app.steps.push(Step {
        id: id.to_string(),
        name: name.to_string(),
        kind: StepKind::Code,
        platform_type: "preloadedAppJavaScript".into(),
        code: Some(Code {
            language: language.into(),
            source: source.to_string(),
            runs_commands: false,
            location: loc.clone(),
        }),
        location: loc.clone().with_step(name),
        ..Step::default()
    });
}

/// Resource names that are not stored resources.
fn is_builtin_resource(name: &str) -> bool {
    name.is_empty()
        || name.ends_with("-WithoutResource")
        || matches!(
            name,
            "JavascriptQuery" | "Function" | "Transformer" | "WorkflowRun"
        )
}

fn connector_for(subtype: &str) -> Option<&'static str> {
    Some(match subtype {
        "RESTQuery" | "OpenAPIQuery" => "retool:rest-api",
        "GraphQLQuery" => "retool:graphql",
        "SqlQueryUnified" | "SqlQuery" => "retool:sql",
        "RetoolTableQuery" => "retool:retool-database",
        "S3Query" => "retool:s3",
        "WorkflowRun" => "retool:workflow",
        _ => return None,
    })
}

/// Keys that are designer settings, never values worth checking.
const SETTING_KEYS: &[&str] = &[
    "id",
    "resourceName",
    "resourceDisplayName",
    "resourceTypeOverride",
    "isMultiplayerEdited",
    "notificationDuration",
    "showSuccessToaster",
    "showFailureToaster",
    "runWhenModelUpdates",
    "runWhenPageLoads",
    "editorMode",
    "warningCodes",
    "updateSetValueDynamically",
    "showUpdateSetValueDynamicallyToggle",
    "enableTransformer",
    "queryTimeout",
    "queryRefreshTime",
    "requireConfirmation",
    "confirmationMessage",
    "successMessage",
    "queryDisabledMessage",
    "events",
    "allowedGroupIds",
    "isFunction",
    "bodyType",
    "type",
    "actionType",
    "tableName",
    "folder",
    "uuid",
    "subtype",
    "createdAt",
    "updatedAt",
    "lastReceivedFromResourceAt",
];

fn add_query(app: &mut App, q: &Query) {
    let id = q.id.clone();
    let name = q.id.clone();
    let resource = q.string("resourceName").unwrap_or_default().to_string();
    let connector = connector_for(&q.subtype).map(str::to_string).or_else(|| {
        (!is_builtin_resource(&resource)
            && !matches!(
                q.subtype.as_str(),
                "JavascriptQuery" | "Function" | "Transformer"
            ))
        .then(|| format!("retool:{}", q.subtype.to_ascii_lowercase()))
    });
    let mut step = Step {
        id: id.clone(),
        name: name.clone(),
        platform_type: q.subtype.clone(),
        connector: connector.clone(),
        location: q.loc.clone().with_step(&name),
        disabled: q
            .get("isDisabled")
            .is_some_and(|f| f.value.trim() == "true"),
        ..Step::default()
    };
    if !is_builtin_resource(&resource) {
        if !app.connections.iter().any(|c| c.id == resource) {
            app.connections.push(Connection {
                id: resource.clone(),
                connector: connector
                    .clone()
                    .unwrap_or_else(|| "retool:resource".into()),
                display_name: q
                    .string("resourceDisplayName")
                    .filter(|s| !s.is_empty())
                    .unwrap_or(&resource)
                    .to_string(),
                identity: ConnectionIdentity::StoredCredential,
                auth: None,
                endpoint: None,
                location: q
                    .get("resourceName")
                    .map_or(q.loc.clone(), |f| f.loc.clone()),
            });
        }
        step.connection = Some(resource.clone());
    }
    let mut handled: Vec<&str> = Vec::new();
    let value = |key: &str, text: &str, context: ValueContext, loc: &Location| Value {
        key: key.to_string(),
        value: text.to_string(),
        context,
        kind: template_kind(text),
        step_id: Some(id.as_str().into()),
        location: loc.clone().with_step(&name),
    };
    let mut values: Vec<Value> = Vec::new();
    // Pairs stored as JSON text: headers, url params, cookies, form bodies.
    for (key, context) in [
        ("headers", ValueContext::Header),
        ("cookies", ValueContext::Header),
        ("urlparams", ValueContext::Query),
        ("urlParams", ValueContext::Query),
        ("paginationParams", ValueContext::Query),
        ("bodyParams", ValueContext::Body),
    ] {
        let Some(f) = q.get(key) else {
            continue;
        };
        handled.push(key);
        for (k, v, i) in pairs(&f.value) {
            values.push(value(&k, &v, context, &f.loc.index(i).child("value")));
        }
    }
    let code_kind = matches!(
        q.subtype.as_str(),
        "JavascriptQuery" | "Function" | "Transformer"
    ) || resource == "JavascriptQuery";
    match q.subtype.as_str() {
        _ if code_kind => {
            let f = q
                .get("query")
                .or_else(|| q.get("funcBody"))
                .or_else(|| q.get("value"));
            step.kind = StepKind::Code;
            if let Some(f) = f.filter(|f| f.is_string) {
                handled.push("query");
                handled.push("funcBody");
                handled.push("value");
                values.push(value(&q.subtype, &f.value, ValueContext::Code, &f.loc));
                step.code = Some(Code {
                    language: "javascript".into(),
                    source: f.value.clone(),
                    runs_commands: false,
                    location: f.loc.clone().with_step(&name),
                });
            }
        }
        "RESTQuery" | "OpenAPIQuery" | "GraphQLQuery" => {
            step.kind = StepKind::HttpRequest;
            let url_field = if q.subtype == "GraphQLQuery" {
                q.get("url")
            } else {
                q.get("query").or_else(|| q.get("url"))
            };
            let url = url_field.map(|f| f.value.clone()).unwrap_or_default();
            let url_loc = url_field
                .map_or(q.loc.clone(), |f| f.loc.clone())
                .with_step(&name);
            if q.subtype != "GraphQLQuery" {
                handled.push("query");
            }
            handled.push("url");
            if !url.is_empty() {
                values.push(value("url", &url, ValueContext::Url, &url_loc));
            }
            let has_auth_header = values.iter().any(|v| {
                v.context == ValueContext::Header && v.key.eq_ignore_ascii_case("authorization")
            });
            let auth = if !is_builtin_resource(&resource) {
                HttpAuth::Credential
            } else if has_auth_header {
                HttpAuth::Header
            } else {
                HttpAuth::None
            };
            if host_of(&url).is_some() {
                app.endpoints.push(Endpoint {
                    url: url.clone(),
                    host: host_of(&url),
                    step_id: Some(id.clone()),
                    location: url_loc.clone(),
                });
            }
            step.http = Some(HttpCall {
                method: q
                    .string("type")
                    .filter(|m| !m.is_empty())
                    .unwrap_or("GET")
                    .to_ascii_uppercase(),
                url_is_expression: template_kind(&url) == ValueKind::Expression
                    || url_field.is_some_and(|f| !f.is_string),
                url,
                auth,
                tls_verification_disabled: false,
                location: url_loc,
            });
            if let Some(f) = q.get("body").filter(|f| f.is_string) {
                handled.push("body");
                let body_pairs = pairs(&f.value);
                if body_pairs.is_empty() {
                    values.push(value("body", &f.value, ValueContext::Body, &f.loc));
                } else {
                    for (k, v, i) in body_pairs {
                        values.push(value(
                            &k,
                            &v,
                            ValueContext::Body,
                            &f.loc.index(i).child("value"),
                        ));
                    }
                }
            }
            if q.subtype == "GraphQLQuery" {
                if let Some(f) = q.get("query").filter(|f| f.is_string) {
                    handled.push("query");
                    values.push(value("query", &f.value, ValueContext::Body, &f.loc));
                }
            }
        }
        "SqlQueryUnified" | "SqlQuery" | "RetoolTableQuery" => {
            step.kind = StepKind::Database;
            let table = q.string("tableName").unwrap_or_default().to_string();
            let gui = q.string("editorMode") == Some("gui") || q.get("actionType").is_some();
            if let Some(f) = q.get("query").filter(|f| f.is_string && !gui) {
                handled.push("query");
                let lower = f.value.to_ascii_lowercase();
                step.sql = Some(SqlQuery {
                    text: f.value.clone(),
                    interpolated: f.value.contains("{{"),
                    // Retool turns `{{ }}` in SQL into prepared-statement parameters.
                    uses_parameters: true,
                    location: f.loc.clone().with_step(&name),
                });
                step.data_op = Some(DataOperation {
                    access: sql_access(&lower),
                    object: sql_table(&lower).unwrap_or_else(|| table.clone()),
                    all_fields: lower.contains("select *") || lower.contains("select\n*"),
                    location: f.loc.clone().with_step(&name),
                });
            } else if gui {
                handled.push("query");
                let action = q
                    .string("actionType")
                    .unwrap_or_default()
                    .to_ascii_uppercase();
                let access = if action.starts_with("INSERT") || action.contains("BULK_INSERT") {
                    vec![DataAccess::Create]
                } else if action.starts_with("DELETE") {
                    vec![DataAccess::Delete]
                } else if action.starts_with("UPDATE") || action.contains("UPSERT") {
                    vec![DataAccess::Update]
                } else {
                    vec![DataAccess::Read]
                };
                step.data_op = Some(DataOperation {
                    access,
                    object: table.clone(),
                    all_fields: false,
                    location: q.loc.clone(),
                });
                for (key, usage) in [
                    ("changeset", FieldUse::Write),
                    ("filterBy", FieldUse::Filter),
                ] {
                    let Some(f) = q.get(key) else {
                        continue;
                    };
                    handled.push(key);
                    for (k, v, i) in pairs(&f.value) {
                        let loc = f.loc.index(i);
                        app.fields.push(DataField {
                            name: k.clone(),
                            object: (!table.is_empty()).then(|| table.clone()),
                            usage,
                            step_id: Some(id.clone()),
                            classification: None,
                            location: loc.clone().with_step(&name),
                        });
                        values.push(value(&k, &v, ValueContext::Parameter, &loc.child("value")));
                    }
                }
            }
        }
        "WorkflowRun" => step.kind = StepKind::SubFlow,
        _ => {
            step.kind = if connector.is_some() {
                StepKind::ConnectorAction
            } else {
                StepKind::Other
            };
        }
    }
    if let Some(f) = q
        .get("transformer")
        .filter(|f| f.is_string && !f.value.trim().is_empty())
    {
        handled.push("transformer");
        values.push(value("transformer", &f.value, ValueContext::Code, &f.loc));
    }
    for (key, f) in &q.fields {
        if !f.is_string
            || f.value.trim().is_empty()
            || handled.contains(&key.as_str())
            || SETTING_KEYS.contains(&key.as_str())
        {
            continue;
        }
        let context = match key.to_ascii_lowercase().as_str() {
            k if k.contains("password") => ValueContext::PasswordField,
            k if k.contains("url") => ValueContext::Url,
            "body" => ValueContext::Body,
            _ => ValueContext::Parameter,
        };
        values.push(value(key, &f.value, context, &f.loc));
    }
    app.values.extend(values);
    app.steps.push(step);
}

/// `[{"key": "Authorization", "value": "…"}]` as JSON text → (key, value, index).
fn pairs(text: &str) -> Vec<(String, String, usize)> {
    let Ok(Json::Array(items)) = serde_json::from_str::<Json>(text.trim()) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let k = str_at(item, "key").or_else(|| str_at(item, "name"))?;
            let v = match item.get("value") {
                Some(Json::String(s)) => s.clone(),
                Some(Json::Null) | None => return None,
                Some(other) => other.to_string(),
            };
            (!k.is_empty()).then(|| (k.to_string(), v, i))
        })
        .collect()
}

fn sql_access(lower: &str) -> Vec<DataAccess> {
    let first = lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    vec![match first {
        "insert" => DataAccess::Create,
        "update" | "merge" => DataAccess::Update,
        "delete" | "truncate" | "drop" => DataAccess::Delete,
        _ => DataAccess::Read,
    }]
}

fn sql_table(lower: &str) -> Option<String> {
    let words: Vec<&str> = lower.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| matches!(*w, "from" | "into" | "update"))?;
    let name = words.get(at + 1)?;
    let name = name.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'));
    (!name.is_empty()).then(|| name.to_string())
}

// ---------------------------------------------------------------------------
// JSON export (Transit-encoded appState)

fn json_export(entry: &Entry, notes: &mut Vec<Note>) -> App {
    let json = entry.json().cloned().unwrap_or(Json::Null);
    let file = &entry.display_path;
    let name = json
        .pointer("/page/name")
        .and_then(Json::as_str)
        .or_else(|| str_at(&json, "name"))
        .map(str::to_string)
        .unwrap_or_else(|| entry.file_name().trim_end_matches(".json").to_string());
    let mut app = App {
        platform: Platform::Retool,
        kind: AppKind::InternalTool,
        name,
        id: str_at(&json, "uuid").map(str::to_string),
        location: Location::new(file, ""),
        run_context: RunContext {
            user_facing: true,
            ..RunContext::default()
        },
        ..App::default()
    };
    let Some(state) = app_state(&json) else {
        return app;
    };
    let decoded = serde_json::from_str::<Json>(state)
        .map_err(|e| e.to_string())
        .and_then(|raw| {
            let mut t = Transit::default();
            t.decode(&raw, false, 0)
        });
    let decoded = match decoded {
        Ok(d) => d,
        Err(reason) => {
            notes.push(Note {
                file: file.clone(),
                message: format!(
                    "not read: the app's definition (page.data.appState) could not be decoded \
                     ({reason}), so its queries were not checked"
                ),
            });
            return app;
        }
    };
    let Some(plugins) = find_plugins(&decoded, 0) else {
        notes.push(Note {
            file: file.clone(),
            message: "not read: the app's definition (page.data.appState) holds no components \
                      or queries lcscan recognises"
                .into(),
        });
        return app;
    };
    let base = Location::new(file, "/page/data/appState/plugins");
    for (key, plugin) in plugins {
        if str_at(plugin, "type") != Some("datasource") {
            continue;
        }
        let id = str_at(plugin, "id").unwrap_or(key).to_string();
        let loc = base.child(&id);
        let mut fields = Vec::new();
        for top in ["resourceName", "resourceDisplayName"] {
            if let Some(v) = str_at(plugin, top) {
                fields.push((
                    top.to_string(),
                    Field {
                        value: v.to_string(),
                        is_string: true,
                        loc: loc.child(top),
                    },
                ));
            }
        }
        if let Some(template) = plugin.get("template").and_then(Json::as_object) {
            let tloc = loc.child("template");
            for (k, v) in template {
                let (value, is_string) = match v {
                    Json::String(s) => (s.clone(), true),
                    Json::Array(_) | Json::Object(_) => (v.to_string(), true),
                    Json::Null => continue,
                    other => (other.to_string(), false),
                };
                fields.push((
                    k.clone(),
                    Field {
                        value,
                        is_string,
                        loc: tloc.child(k),
                    },
                ));
            }
        }
        let query = Query {
            id,
            subtype: str_at(plugin, "subtype").unwrap_or("Query").to_string(),
            fields,
            loc,
        };
        add_query(&mut app, &query);
    }
    app
}

/// The first `plugins` object holding plugin objects.
fn find_plugins(v: &Json, depth: usize) -> Option<&serde_json::Map<String, Json>> {
    if depth > MAX_DEPTH {
        return None;
    }
    match v {
        Json::Object(map) => {
            if let Some(p) = map.get("plugins").and_then(Json::as_object) {
                if p.values().any(|x| x.get("subtype").is_some()) {
                    return Some(p);
                }
            }
            map.values().find_map(|x| find_plugins(x, depth + 1))
        }
        Json::Array(items) => items.iter().find_map(|x| find_plugins(x, depth + 1)),
        _ => None,
    }
}

/// Transit JSON reader state: the write cache of keys and tags.
#[derive(Default)]
struct Transit {
    cache: Vec<String>,
}

const CACHE_BASE: usize = 44;
const CACHE_SIZE: usize = CACHE_BASE * CACHE_BASE;

impl Transit {
    /// The raw string, with `^N` references resolved and cacheable strings remembered.
    fn read_str(&mut self, s: &str, as_key: bool) -> Result<String, String> {
        if s.len() > 1 && s.starts_with('^') && s != "^ " {
            let code: Vec<u32> = s.chars().skip(1).map(|c| c as u32).collect();
            let index = match code.as_slice() {
                [a] => a.checked_sub(48).map(|a| a as usize),
                [a, b] => a
                    .checked_sub(48)
                    .zip(b.checked_sub(48))
                    .map(|(a, b)| a as usize * CACHE_BASE + b as usize),
                _ => None,
            };
            return index
                .and_then(|i| self.cache.get(i))
                .cloned()
                .ok_or_else(|| format!("unknown cache reference {s}"));
        }
        let cacheable = s.len() > 3
            && (as_key || s.starts_with("~#") || s.starts_with("~$") || s.starts_with("~:"));
        if cacheable {
            if self.cache.len() >= CACHE_SIZE {
                self.cache.clear();
            }
            self.cache.push(s.to_string());
        }
        Ok(s.to_string())
    }

    fn scalar(s: &str) -> Json {
        if let Some(rest) = s.strip_prefix('~') {
            let mut chars = rest.chars();
            return match chars.next() {
                Some('~') | Some('^') | Some('`') => Json::String(rest.to_string()),
                Some('_') => Json::Null,
                Some('?') => Json::Bool(rest == "?t"),
                Some('i') | Some('n') | Some('d') | Some('f') => {
                    let t = chars.as_str();
                    t.parse::<i64>()
                        .map(Json::from)
                        .or_else(|_| t.parse::<f64>().map(Json::from))
                        .unwrap_or_else(|_| Json::String(t.to_string()))
                }
                Some(_) => Json::String(chars.as_str().to_string()),
                None => Json::String(String::new()),
            };
        }
        Json::String(s.to_string())
    }

    fn key(&mut self, v: &Json, depth: usize) -> Result<String, String> {
        match v {
            Json::String(s) => {
                let raw = self.read_str(s, true)?;
                Ok(match Self::scalar(&raw) {
                    Json::String(k) => k,
                    other => other.to_string(),
                })
            }
            other => Ok(self.decode(other, true, depth + 1)?.to_string()),
        }
    }

    fn decode(&mut self, v: &Json, as_key: bool, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        match v {
            Json::String(s) => {
                let raw = self.read_str(s, as_key)?;
                Ok(Self::scalar(&raw))
            }
            Json::Array(items) => {
                let Some(first) = items.first() else {
                    return Ok(Json::Array(Vec::new()));
                };
                if first.as_str() == Some("^ ") {
                    let mut map = serde_json::Map::new();
                    let mut rest = items.iter().skip(1);
                    while let Some(k) = rest.next() {
                        let key = self.key(k, depth)?;
                        let value = match rest.next() {
                            Some(v) => self.decode(v, false, depth + 1)?,
                            None => Json::Null,
                        };
                        map.insert(key, value);
                    }
                    return Ok(Json::Object(map));
                }
                let mut out = Vec::with_capacity(items.len());
                let mut start = 0;
                if let (Json::String(s), 2) = (first, items.len()) {
                    let raw = self.read_str(s, false)?;
                    if let Some(tag) = raw.strip_prefix("~#") {
                        let inner = items.get(1).unwrap_or(&Json::Null);
                        return self.tagged(tag, inner, depth);
                    }
                    out.push(Self::scalar(&raw));
                    start = 1;
                }
                for item in items.iter().skip(start) {
                    out.push(self.decode(item, false, depth + 1)?);
                }
                Ok(Json::Array(out))
            }
            Json::Object(map) => {
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    let key = self.key(&Json::String(k.clone()), depth)?;
                    out.insert(key, self.decode(v, false, depth + 1)?);
                }
                Ok(Json::Object(out))
            }
            other => Ok(other.clone()),
        }
    }

    fn tagged(&mut self, tag: &str, inner: &Json, depth: usize) -> Result<Json, String> {
        match tag {
            // Ordered maps and maps written as flat [k, v, k, v…] lists.
            "iOM" | "iM" | "cmap" if inner.is_array() => {
                let items = inner.as_array().map(Vec::as_slice).unwrap_or_default();
                let mut map = serde_json::Map::new();
                let mut rest = items.iter();
                while let Some(k) = rest.next() {
                    let key = match self.decode(k, false, depth + 1)? {
                        Json::String(s) => s,
                        other => other.to_string(),
                    };
                    let value = match rest.next() {
                        Some(v) => self.decode(v, false, depth + 1)?,
                        None => Json::Null,
                    };
                    map.insert(key, value);
                }
                Ok(Json::Object(map))
            }
            // Records: {n: name, v: fields} → the fields.
            "iR" => {
                let decoded = self.decode(inner, false, depth + 1)?;
                Ok(match decoded {
                    Json::Object(mut m) if m.contains_key("v") => {
                        m.remove("v").unwrap_or(Json::Null)
                    }
                    other => other,
                })
            }
            _ => self.decode(inner, false, depth + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsx_attributes_strings_expressions_and_includes() {
        let els = parse_rsx(
            r#"<GlobalFunctions>
  <RESTQuery id="q1" headers={'[{"key":"X","value":"1"}]'} runWhenPageLoads={false}
    query={include("./lib/q1.js", "string")} body="{{ a }}" params={{ ordered: [{ a: "}" }] }} />
  <Folder id="f"><SqlQuery id="q2" query="select 1 &lt; 2" /></Folder>
</GlobalFunctions>"#,
        )
        .unwrap();
        let root = &els[0];
        assert_eq!(root.tag, "GlobalFunctions");
        let q1 = &root.children[0];
        assert_eq!(
            q1.attr("headers"),
            Some(&Attr::Str(r#"[{"key":"X","value":"1"}]"#.into()))
        );
        assert_eq!(
            q1.attr("runWhenPageLoads"),
            Some(&Attr::Expr("false".into()))
        );
        let Some(Attr::Expr(inc)) = q1.attr("query") else {
            panic!()
        };
        assert_eq!(include_path(inc).as_deref(), Some("./lib/q1.js"));
        assert_eq!(
            root.children[1].children[0].str_attr("query"),
            Some("select 1 < 2")
        );
        assert!(parse_rsx("<App><Frame></App>").is_err());
    }

    #[test]
    fn includes_resolve_against_the_including_folder() {
        assert_eq!(resolve("apps/a/", "./lib/x.sql"), "apps/a/lib/x.sql");
        assert_eq!(resolve("apps/a/src/", "../lib/x.js"), "apps/a/lib/x.js");
        assert_eq!(app_root_of("apps/a/src/m.rsx"), "apps/a/");
        assert_eq!(app_root_of("lib/x.js"), "");
    }

    #[test]
    fn transit_maps_tags_and_cache_references() {
        let raw: Json = serde_json::from_str(
            r#"["~#iR",["^ ","n","appTemplate","v",["^ ","plugins",["~#iOM",["q1",["^0",["^ ","n","pluginTemplate","v",["^ ","id","q1","subtype","RESTQuery","type","datasource","template",["^ ","query","http://x","^4","~:datasource"]]]]]]]]]"#,
        )
        .unwrap();
        let decoded = Transit::default().decode(&raw, false, 0).unwrap();
        let plugins = find_plugins(&decoded, 0).unwrap();
        let q1 = &plugins["q1"];
        assert_eq!(q1["subtype"], "RESTQuery");
        assert_eq!(q1["template"]["query"], "http://x");
        assert_eq!(q1["template"]["type"], "datasource");
    }
}
