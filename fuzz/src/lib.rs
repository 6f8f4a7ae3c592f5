//! Shared pieces of the fuzz targets: file names, seed templates taken from
//! the project's own fixtures, and structure-aware edits built with `arbitrary`.

use arbitrary::{Arbitrary, Unstructured};
use lcscan::{scan, Limits, Policy};

/// Names a dropped file might have: the extension and well-known names steer
/// ingest and the parsers, so the fuzzer varies them.
pub const FILE_NAMES: &[&str] = &[
    "workflow.json",
    "definition.json",
    "flows.json",
    "flows_cred.json",
    "blueprint.json",
    "workflow.json.data.xml",
    "Orders.flow-meta.xml",
    "Orders.flow",
    "solution.xml",
    "customizations.xml",
    "export.zip",
    "app.msapp",
    "Src/App.fx.yaml",
    "Src/Screen1.pa.yaml",
    "template.json",
    "connections.json",
    "manifest.json",
    "noext",
];

/// Seed exports for the JSON target (the project's own, scrubbed fixtures).
pub const JSON_TEMPLATES: &[(&str, &[u8])] = &[
    (
        "n8n.json",
        include_bytes!("../../tests/fixtures/n8n/public-webhook-hardcoded-key.json"),
    ),
    (
        "multi.json",
        include_bytes!("../../tests/fixtures/n8n/multi-export.json"),
    ),
    (
        "creds.json",
        include_bytes!("../../tests/fixtures/n8n/credentials-decrypted.json"),
    ),
    (
        "definition.json",
        include_bytes!("../../tests/fixtures/power-automate/public-http-definition.json"),
    ),
    (
        "flow.json",
        include_bytes!("../../tests/fixtures/power-automate/safe-tenant-flow.json"),
    ),
    (
        "arm.json",
        include_bytes!("../../tests/fixtures/logic-apps/arm-public-request.json"),
    ),
    (
        "workflow.json",
        include_bytes!("../../tests/fixtures/logic-apps/standard/orders-intake/workflow.json"),
    ),
    (
        "flows.json",
        include_bytes!("../../tests/fixtures/node-red/orders-api.json"),
    ),
    (
        "flows_cred.json",
        include_bytes!("../../tests/fixtures/node-red/flows_cred.json"),
    ),
    (
        "blueprint.json",
        include_bytes!("../../tests/fixtures/make/webhook-to-crm.json"),
    ),
];

/// Seed exports for the XML target.
pub const XML_TEMPLATES: &[(&str, &[u8])] = &[
    (
        "Sync.flow-meta.xml",
        include_bytes!("../../tests/fixtures/salesforce-flow/Sync_Orders_Callout.flow-meta.xml"),
    ),
    (
        "Screen.flow-meta.xml",
        include_bytes!("../../tests/fixtures/salesforce-flow/Contact_Lookup_Screen.flow-meta.xml"),
    ),
    (
        "Notify.flow-meta.xml",
        include_bytes!("../../tests/fixtures/salesforce-flow/Account_Update_Notify.flow-meta.xml"),
    ),
    (
        "customizations.xml",
        include_bytes!("../../tests/fixtures/power-automate/solution/customizations.xml"),
    ),
    (
        "solution.xml",
        include_bytes!("../../tests/fixtures/power-automate/solution/solution.xml"),
    ),
];

/// Values the engine reacts to: secrets shaped right but obviously fake,
/// URLs, expressions, platform words. Mixed into generated strings.
pub const DICTIONARY: &[&str] = &[
    "",
    "sk_live_FAKEFAKEFAKEFAKEFAKE1234",
    "AKIAFAKEFAKEFAKEFAKE",
    "ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE",
    "xoxb-0000000000-FAKEFAKEFAKE",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.ZmFrZQ",
    "Bearer FAKE.TOKEN.VALUE",
    "password",
    "apiKey",
    "Authorization",
    "http://example.invalid/api?key=FAKEKEY123456",
    "https://user:pass@example.invalid/",
    "={{ $json.body }}",
    "@{triggerBody()?['text']}",
    "@parameters('$connections')",
    "SELECT * FROM users WHERE id = '{{ $json.id }}'",
    "n8n-nodes-base.httpRequest",
    "n8n-nodes-base.webhook",
    "n8n-nodes-base.code",
    "Request",
    "Http",
    "OpenApiConnection",
    "shared_office365",
    "/providers/Microsoft.PowerApps/apis/shared_sql",
    "Microsoft.Logic/workflows",
    "http in",
    "function",
    "SystemModeWithoutSharing",
    "apex",
    "Anonymous",
    "ssn",
    "123-45-6789",
    "4111 1111 1111 1111",
    "%%%%%%%%%%%%%%%%%%%%%%%%%%%%",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "==========================================",
    "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIzNDU2Nzg5MA==",
    "\u{0}\u{1}\u{7f}",
    "é€😀\u{202e}",
];

/// A few policies: the default, tight limits, and one with everything tuned.
pub fn policy(choice: u8) -> Policy {
    match choice % 3 {
        0 => Policy::default(),
        1 => Policy {
            limits: Limits {
                max_input_bytes: 64 * 1024,
                max_unpacked_bytes: 256 * 1024,
                max_compression_ratio: 20,
                max_entries: 16,
                max_depth: 12,
                max_string_bytes: 4096,
                max_archive_nesting: 1,
                ..Limits::default()
            },
            ..Policy::default()
        },
        _ => Policy::from_toml(
            "name = \"fuzz\"\nversion = \"1\"\ndisabled_rules = [\"LC001\"]\n\
             approved_connectors = [\"shared_office365\"]\nblocked_connectors = [\"shared_sql\"]\n\
             allowed_hosts = [\"*.example.invalid\"]\n[sensitive_fields]\nfoo = \"health\"\n",
        )
        .unwrap_or_default(),
    }
}

/// Scan, and when a report comes out, check properties every report must have.
pub fn scan_and_check(bytes: &[u8], name: &str, policy: &Policy) {
    let Ok(report) = scan(bytes, name, policy) else {
        return;
    };
    let json = lcscan::render::json(&report);
    // Deterministic: the same input gives a byte-identical report.
    let again = scan(bytes, name, policy).map(|r| lcscan::render::json(&r));
    assert_eq!(
        again.as_deref(),
        Ok(json.as_str()),
        "report differs between runs"
    );
    // Every other format renders without panicking.
    for format in ["markdown", "html", "sarif", "csv", "text"] {
        if let Some(f) = lcscan::render::Format::parse(format) {
            let _ = lcscan::render::render(&report, f);
        }
    }
}

/// A JSON value built by the fuzzer, bounded in depth when converted.
#[derive(Debug, Arbitrary)]
pub enum ArbValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Word(u8),
    Text(String),
    WordWith(u8, String),
    Array(Vec<ArbValue>),
    Object(Vec<(ArbKey, ArbValue)>),
}

#[derive(Debug, Arbitrary)]
pub enum ArbKey {
    Word(u8),
    Text(String),
}

impl ArbKey {
    fn to_key(&self) -> String {
        match self {
            ArbKey::Word(i) => word(*i).to_string(),
            ArbKey::Text(s) => s.clone(),
        }
    }
}

pub fn word(i: u8) -> &'static str {
    DICTIONARY
        .get(usize::from(i) % DICTIONARY.len())
        .copied()
        .unwrap_or_default()
}

impl ArbValue {
    pub fn to_json(&self, depth: usize) -> serde_json::Value {
        use serde_json::Value;
        if depth > 20 {
            return Value::Null;
        }
        match self {
            ArbValue::Null => Value::Null,
            ArbValue::Bool(b) => Value::Bool(*b),
            ArbValue::Int(i) => Value::from(*i),
            ArbValue::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            ArbValue::Word(i) => Value::String(word(*i).into()),
            ArbValue::Text(s) => Value::String(s.clone()),
            ArbValue::WordWith(i, s) => Value::String(format!("{}{s}", word(*i))),
            ArbValue::Array(items) => {
                Value::Array(items.iter().map(|v| v.to_json(depth + 1)).collect())
            }
            ArbValue::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_key(), v.to_json(depth + 1)))
                    .collect(),
            ),
        }
    }
}

/// One structural edit of a template: walk `path` (each step picks a child
/// modulo the number of children), then replace, insert into or remove there.
#[derive(Debug, Arbitrary)]
pub struct JsonEdit {
    pub path: Vec<u8>,
    pub op: JsonOp,
}

#[derive(Debug, Arbitrary)]
pub enum JsonOp {
    Replace(ArbValue),
    Insert(ArbKey, ArbValue),
    Remove,
    /// Copy the node many times into its parent array/object (wide inputs).
    Repeat(u8),
}

pub fn apply_json_edit(root: &mut serde_json::Value, edit: &JsonEdit) {
    use serde_json::Value;
    let mut node = root;
    for step in &edit.path {
        let len = match &*node {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            _ => 0,
        };
        if len == 0 {
            break;
        }
        let i = usize::from(*step) % len;
        node = match node {
            Value::Array(a) => match a.get_mut(i) {
                Some(n) => n,
                None => return,
            },
            Value::Object(o) => match o.values_mut().nth(i) {
                Some(n) => n,
                None => return,
            },
            _ => return,
        };
    }
    match &edit.op {
        JsonOp::Replace(v) => *node = v.to_json(0),
        JsonOp::Insert(k, v) => match node {
            Value::Object(o) => {
                o.insert(k.to_key(), v.to_json(0));
            }
            Value::Array(a) => a.push(v.to_json(0)),
            other => *other = v.to_json(0),
        },
        JsonOp::Remove => match node {
            Value::Object(o) => {
                let first = o.keys().next().cloned();
                if let Some(k) = first {
                    o.remove(&k);
                }
            }
            Value::Array(a) => {
                a.pop();
            }
            other => *other = Value::Null,
        },
        JsonOp::Repeat(n) => match node {
            Value::Array(a) => {
                if let Some(first) = a.first().cloned() {
                    for _ in 0..*n {
                        a.push(first.clone());
                    }
                }
            }
            Value::Object(o) => {
                if let Some((k, v)) = o.iter().next().map(|(k, v)| (k.clone(), v.clone())) {
                    for i in 0..*n {
                        o.insert(format!("{k}{i}"), v.clone());
                    }
                }
            }
            _ => {}
        },
    }
}

/// Pick a template and a file name from the fuzzer's bytes.
pub fn pick<'a>(
    u: &mut Unstructured<'_>,
    set: &'a [(&'a str, &'a [u8])],
) -> Option<(&'a str, &'a [u8])> {
    let i = usize::from(u.arbitrary::<u8>().ok()?) % set.len().max(1);
    set.get(i).copied()
}

/// A minimal XML tree (elements, text, attributes) for structural XML edits.
#[derive(Debug, Clone)]
pub enum XmlNode {
    Element {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<XmlNode>,
    },
    Text(String),
}

impl XmlNode {
    pub fn from_doc(doc: &roxmltree::Document<'_>) -> Option<XmlNode> {
        Some(Self::from_node(doc.root_element()))
    }

    fn from_node(n: roxmltree::Node<'_, '_>) -> XmlNode {
        if n.is_text() {
            return XmlNode::Text(n.text().unwrap_or_default().to_string());
        }
        let tag = n.tag_name();
        let name = tag.name().to_string();
        let mut attrs: Vec<(String, String)> = n
            .attributes()
            .map(|a| (a.name().to_string(), a.value().to_string()))
            .collect();
        if let Some(ns) = tag.namespace() {
            if n.parent()
                .is_none_or(|p| p.tag_name().namespace() != Some(ns))
            {
                attrs.push(("xmlns".into(), ns.to_string()));
            }
        }
        let children = n
            .children()
            .filter(|c| c.is_element() || c.is_text())
            .map(Self::from_node)
            .collect();
        XmlNode::Element {
            name,
            attrs,
            children,
        }
    }

    pub fn write(&self, out: &mut String) {
        match self {
            XmlNode::Text(t) => escape(t, out),
            XmlNode::Element {
                name,
                attrs,
                children,
            } => {
                out.push('<');
                out.push_str(name);
                for (k, v) in attrs {
                    out.push(' ');
                    out.push_str(k);
                    out.push_str("=\"");
                    escape(v, out);
                    out.push('"');
                }
                out.push('>');
                for c in children {
                    c.write(out);
                }
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
        }
    }

    /// Element names in the tree, to build new elements platforms would know.
    pub fn names(&self, out: &mut Vec<String>) {
        if let XmlNode::Element { name, children, .. } = self {
            if !out.contains(name) {
                out.push(name.clone());
            }
            for c in children {
                c.names(out);
            }
        }
    }
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

#[derive(Debug, Arbitrary)]
pub struct XmlEdit {
    pub path: Vec<u8>,
    pub op: XmlOp,
}

#[derive(Debug, Arbitrary)]
pub enum XmlOp {
    /// Replace the text of the element (or set it).
    SetText(u8, String),
    /// Add a child element named like one in the document.
    AddChild(u8, u8, String),
    Remove,
    /// Duplicate the element n times in its place (wide documents).
    Repeat(u8),
    SetAttr(String, String),
}

pub fn apply_xml_edit(root: &mut XmlNode, names: &[String], edit: &XmlEdit) {
    edit_at(root, names, &edit.path, &edit.op);
}

/// Walk `path` (each step picks a child element modulo their number); the
/// last step's child is removed or repeated, other edits apply at the end.
fn edit_at(node: &mut XmlNode, names: &[String], path: &[u8], op: &XmlOp) {
    let XmlNode::Element {
        children, attrs, ..
    } = node
    else {
        return;
    };
    let elements: Vec<usize> = children
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, XmlNode::Element { .. }))
        .map(|(i, _)| i)
        .collect();
    if let (Some((step, rest)), false) = (path.split_first(), elements.is_empty()) {
        let Some(&i) = elements.get(usize::from(*step) % elements.len()) else {
            return;
        };
        if rest.is_empty() {
            match op {
                XmlOp::Remove => {
                    children.remove(i);
                    return;
                }
                XmlOp::Repeat(n) => {
                    if let Some(c) = children.get(i).cloned() {
                        for _ in 0..*n {
                            children.insert(i, c.clone());
                        }
                    }
                    return;
                }
                _ => {}
            }
        }
        if let Some(child) = children.get_mut(i) {
            edit_at(child, names, rest, op);
        }
        return;
    }
    match op {
        XmlOp::SetText(w, s) => {
            children.retain(|c| matches!(c, XmlNode::Element { .. }));
            children.push(XmlNode::Text(format!("{}{s}", word(*w))));
        }
        XmlOp::AddChild(n, w, s) => {
            let name = names
                .get(usize::from(*n) % names.len().max(1))
                .cloned()
                .unwrap_or_else(|| "x".into());
            children.push(XmlNode::Element {
                name,
                attrs: Vec::new(),
                children: vec![XmlNode::Text(format!("{}{s}", word(*w)))],
            });
        }
        XmlOp::SetAttr(k, v) => {
            let k: String = k
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .take(16)
                .collect();
            if !k.is_empty() && k != "xmlns" {
                attrs.retain(|(name, _)| name != &k);
                attrs.push((k, v.clone()));
            }
        }
        XmlOp::Remove | XmlOp::Repeat(_) => {}
    }
}

// ---------------------------------------------------------------------------
// Archives (Budibase .tar.gz, zipped project folders) and the newer readers
// (Windmill YAML, Retool Transit, UiPath XAML).
// ---------------------------------------------------------------------------

/// Separates members in the input of the archive targets: each member is
/// `name \0 content`, members are joined by this (see `scripts/fuzz.sh seed`).
pub const MEMBER_SEPARATOR: &[u8] = b"\xff\xfe\xfd";

/// Split an archive target's input into (name, content) members. A member
/// without a `\0` is all content, named `member.json`.
pub fn members(data: &[u8]) -> Vec<(String, &[u8])> {
    let mut out = Vec::new();
    let mut rest = data;
    loop {
        let (part, next) = match find(rest, MEMBER_SEPARATOR) {
            Some(i) => (
                rest.get(..i).unwrap_or_default(),
                rest.get(i + MEMBER_SEPARATOR.len()..),
            ),
            None => (rest, None),
        };
        let (name, content) = match part.iter().position(|&b| b == 0) {
            Some(i) => (
                String::from_utf8_lossy(part.get(..i).unwrap_or_default()).into_owned(),
                part.get(i + 1..).unwrap_or_default(),
            ),
            None => ("member.json".to_string(), part),
        };
        out.push((name, content));
        match next {
            Some(n) if out.len() < 64 => rest = n,
            _ => break,
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A gzip-compressed tar of the members (names the tar writer refuses are
/// replaced: the archive format's own parsing is `scan_bytes`' job).
pub fn targz(members: &[(String, &[u8])]) -> Vec<u8> {
    use flate2::write::GzEncoder;
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    for (i, (name, data)) in members.iter().enumerate() {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        if builder.append_data(&mut header, name, *data).is_err() {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            let _ = builder.append_data(&mut header, format!("member{i}.json"), *data);
        }
    }
    builder
        .into_inner()
        .and_then(|gz| gz.finish())
        .unwrap_or_default()
}

/// A zip (deflate) of the members; repeated names are skipped.
pub fn zip(members: &[(String, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut seen = std::collections::HashSet::new();
        for (name, data) in members {
            if !seen.insert(name.as_str()) || w.start_file(name.as_str(), opts).is_err() {
                continue;
            }
            let _ = w.write_all(data);
        }
        let _ = w.finish();
    }
    out.into_inner()
}

/// Names a Windmill / Power Apps YAML file might have.
pub const YAML_NAMES: &[&str] = &[
    "f/ops/sync_leads.flow/flow.yaml",
    "f/ops/nightly_report.script.yaml",
    "f/ops/leads_dashboard.app/app.yaml",
    "f/ops/crm_db.resource.yaml",
    "f/ops/slack_bot_token.variable.yaml",
    "f/ops/lead_hook.http_trigger.yaml",
    "f/ops/nightly_report.schedule.yaml",
    "f/ops/folder.meta.yaml",
    "wmill.yaml",
    "Src/App.fx.yaml",
    "Src/Screen1.pa.yaml",
    "settings.yaml",
];

/// Names a UiPath workflow might have.
pub const XAML_NAMES: &[&str] = &["Main.xaml", "Framework/CallApi.xaml", "Process.xaml"];

/// The Retool JSON app export around a Transit `appState` string.
pub fn retool_export(app_state: &str) -> Vec<u8> {
    let doc = serde_json::json!({
        "uuid": "cccccccc-dddd-4eee-8fff-000000000001",
        "page": {
            "id": 1,
            "data": { "appState": app_state },
            "changesRecord": [],
            "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-02T00:00:00Z",
            "pageId": 7,
            "userId": 3
        },
        "modules": {}
    });
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// A UiPath project.json naming `main` as the entry point.
pub fn uipath_project(main: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "name": "FuzzBot",
        "projectVersion": "1.0.0",
        "main": main,
        "dependencies": { "UiPath.System.Activities": "[23.10.0]", "UiPath.WebAPI.Activities": "[1.18.0]" },
        "schemaVersion": "4.0",
        "studioVersion": "23.10.0.0",
        "targetFramework": "Windows",
        "expressionLanguage": "VisualBasic"
    }))
    .unwrap_or_default()
}
