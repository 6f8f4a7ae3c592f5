//! Ingest: turn the dropped bytes into decoded documents, within hard limits.
//!
//! Handles JSON (with or without BOM, UTF-8 or UTF-16), XML, and zip archives
//! (deflate or stored, in memory, nested up to a limit). Nothing here knows
//! about platforms: it only decides what kind of text each file holds.

mod archive;
mod targz;
mod text;
mod yaml;

use crate::error::ScanError;
use crate::policy::Limits;

pub use text::{check_json_shape, decode_text, MAX_JSON_VALUES};
pub use yaml::parse_yaml;

/// A decoded document.
#[derive(Debug, Clone)]
pub enum Content {
    Json(serde_json::Value),
    /// XML text, checked for depth and DOCTYPE; parse with [`parse_xml`]
    /// (or [`with_parsed_xml`], which reuses the ingest's parse). Shared with
    /// that kept document, so the text is held once.
    Xml(std::sync::Arc<str>),
    /// Other text (YAML, code, CSV), kept for parsers that read it.
    Text(String),
}

/// One file: the dropped file itself or one member of an archive.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What to show the user: `export.zip!/Workflows/Flow-1.json`, or just `flow.json`.
    pub display_path: String,
    /// Path inside the archive with `/` separators (backslashes from Power Apps
    /// are turned into `/`); the file name itself for a lone file.
    pub path: String,
    pub content: Content,
}

impl Entry {
    pub fn json(&self) -> Option<&serde_json::Value> {
        match &self.content {
            Content::Json(v) => Some(v),
            _ => None,
        }
    }

    pub fn xml(&self) -> Option<&str> {
        match &self.content {
            Content::Xml(t) => Some(t),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match &self.content {
            Content::Text(t) => Some(t),
            Content::Xml(t) => Some(t),
            Content::Json(_) => None,
        }
    }

    /// The file name without folders.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// A member of an archive that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub display_path: String,
    pub reason: String,
}

/// Everything read from one dropped file.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    pub name: String,
    pub entries: Vec<Entry>,
    pub skipped: Vec<Skipped>,
    /// The input was an archive.
    pub is_archive: bool,
    /// The policy's limits it was read with (for parsers that read nested
    /// text themselves, e.g. YAML).
    pub limits: Limits,
}

impl Bundle {
    /// An entry by its path inside the archive (case-insensitive, `/` separators).
    pub fn find(&self, path: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.path.eq_ignore_ascii_case(path))
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
const GZIP_MAGIC: &[u8] = b"\x1f\x8b";

/// Read one dropped file.
pub fn ingest(input: &[u8], file_name: &str, limits: &Limits) -> Result<Bundle, ScanError> {
    if input.is_empty() {
        return Err(ScanError::Empty);
    }
    if input.len() as u64 > limits.max_input_bytes {
        return Err(ScanError::TooLarge {
            size_mb: mb(input.len() as u64),
            limit_mb: mb(limits.max_input_bytes),
        });
    }
    // Documents kept from an earlier scan on this thread are not wanted.
    forget_parsed_xml();
    let mut bundle = Bundle {
        name: file_name.to_string(),
        limits: limits.clone(),
        ..Bundle::default()
    };
    if input.starts_with(ZIP_MAGIC) || input.starts_with(EMPTY_ZIP_MAGIC) {
        bundle.is_archive = true;
        let mut budget = archive::Budget::new(limits);
        archive::read_zip(input, file_name, "", 0, limits, &mut budget, &mut bundle)?;
        if bundle.entries.is_empty() {
            return Err(ScanError::UnknownFormat {
                detail: describe_skipped(
                    "This zip archive holds no JSON or XML files",
                    &bundle.skipped,
                ),
            });
        }
        return Ok(bundle);
    }
    if input.starts_with(GZIP_MAGIC) {
        bundle.is_archive = true;
        targz::read_targz(input, file_name, limits, &mut bundle)?;
        if bundle.entries.is_empty() {
            return Err(ScanError::UnknownFormat {
                detail: describe_skipped(
                    "This .tar.gz archive holds no JSON, XML or text files",
                    &bundle.skipped,
                ),
            });
        }
        return Ok(bundle);
    }
    let content = decode_named(input, file_name, limits)?;
    bundle.entries.push(Entry {
        display_path: file_name.to_string(),
        path: file_name.replace('\\', "/"),
        content,
    });
    Ok(bundle)
}

/// Decode one file's bytes into a document, or say precisely why not.
pub fn decode_document(bytes: &[u8], limits: &Limits) -> Result<Content, ScanError> {
    if let Some(kind) = binary_kind(bytes) {
        return Err(ScanError::NotAnExport { kind: kind.into() });
    }
    let text = decode_text(bytes)?;
    let trimmed = text.trim_start();
    match trimmed.as_bytes().first() {
        Some(b'{') | Some(b'[') => {
            // Depth and string limits are checked while parsing (one pass).
            match text::parse_json(trimmed, limits) {
                Ok(value) => Ok(Content::Json(value)),
                // Line-delimited JSON (a CouchDB dump): kept as text for its
                // parser, once every line is within the limits.
                Err(text::JsonFailure::Syntax(_)) if is_json_lines(trimmed) => {
                    check_json_shape(trimmed, limits)?;
                    Ok(Content::Text(trimmed.to_string()))
                }
                // A file that is broken *and* over a limit (an unterminated
                // huge string, say) is reported for the limit, as before.
                Err(text::JsonFailure::Syntax(e)) => {
                    check_json_shape(trimmed, limits)?;
                    Err(json_error(&e))
                }
                Err(text::JsonFailure::Limit(e)) => Err(e),
            }
        }
        Some(b'<') => {
            text::check_xml_shape(trimmed, limits)?;
            // Parse once here so a broken file is reported at ingest, not by a
            // parser; the parsed document is kept for the parser (see
            // [`with_parsed_xml`]) so the file is not parsed twice.
            let parsed =
                ParsedXml::try_attach_to_cart(std::sync::Arc::<str>::from(trimmed), |t| {
                    parse_xml(t).map(XmlDoc)
                })?;
            let content = Content::Xml(parsed.backing_cart().clone());
            keep_parsed(parsed);
            Ok(content)
        }
        None => Err(ScanError::Empty),
        Some(_) => Ok(Content::Text(text.into_owned())),
    }
}

/// [`decode_document`], except for files whose name says they are tag-shaped
/// source that is not XML (Retool Toolscript `.rsx`, JSX-like): those are
/// kept as text for their parser to read (it bounds its own nesting depth;
/// `<` in embedded code would make the XML depth check miscount).
pub fn decode_named(bytes: &[u8], name: &str, limits: &Limits) -> Result<Content, ScanError> {
    if !name.to_ascii_lowercase().ends_with(".rsx") {
        return decode_document(bytes, limits);
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(ScanError::NotAnExport { kind: kind.into() });
    }
    let text = decode_text(bytes)?;
    if text.trim().is_empty() {
        return Err(ScanError::Empty);
    }
    Ok(Content::Text(text.into_owned()))
}

/// Parse XML with DTDs refused (no entity expansion, no external entities).
pub fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, ScanError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 5_000_000,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ScanError::XmlDoctype,
        other => ScanError::InvalidXml {
            reason: other.to_string(),
        },
    })
}

/// A parsed XML document together with the text it was parsed from.
#[derive(yoke::Yokeable)]
struct XmlDoc<'a>(roxmltree::Document<'a>);

type ParsedXml = yoke::Yoke<XmlDoc<'static>, std::sync::Arc<str>>;

/// At most this much XML text (and its parsed documents) is kept between
/// ingest and the parsers; larger exports are parsed again by their parser.
const PARSED_XML_BUDGET: usize = 4 * 1024 * 1024;

thread_local! {
    /// Documents parsed at ingest and not yet taken by a parser (this thread's
    /// current scan only: emptied when the next ingest starts and by
    /// [`forget_parsed_xml`]).
    static PARSED_XML: std::cell::RefCell<Vec<ParsedXml>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

fn keep_parsed(parsed: ParsedXml) {
    let _ = PARSED_XML.try_with(|cell| {
        if let Ok(mut kept) = cell.try_borrow_mut() {
            let held: usize = kept.iter().map(|p| p.backing_cart().len()).sum();
            if held + parsed.backing_cart().len() <= PARSED_XML_BUDGET {
                kept.push(parsed);
            }
        }
    });
}

/// Drop the documents parsed at ingest that no parser took.
pub fn forget_parsed_xml() {
    let _ = PARSED_XML.try_with(|cell| {
        if let Ok(mut kept) = cell.try_borrow_mut() {
            kept.clear();
        }
    });
}

/// Call `f` with `text` parsed as by [`parse_xml`]: the document parsed when
/// this text was ingested if it is still kept (it is then handed over and
/// dropped after `f`), else a fresh parse. Same result either way.
pub fn with_parsed_xml<R>(
    text: &str,
    f: impl for<'d> FnOnce(Result<&'d roxmltree::Document<'d>, ScanError>) -> R,
) -> R {
    let kept = PARSED_XML
        .try_with(|cell| {
            let mut kept = cell.try_borrow_mut().ok()?;
            // The entry's text is the kept document's own (same address):
            // no need to compare it byte by byte.
            let same = |p: &ParsedXml| {
                let kept: &str = p.backing_cart();
                std::ptr::eq(kept, text) || kept == text
            };
            let i = kept.iter().position(same)?;
            Some(kept.swap_remove(i))
        })
        .ok()
        .flatten();
    match kept {
        Some(parsed) => f(Ok(&parsed.get().0)),
        None => match parse_xml(text) {
            Ok(doc) => f(Ok(&doc)),
            Err(e) => f(Err(e)),
        },
    }
}

/// Two or more lines, each one whole JSON object (checked on the first few).
fn is_json_lines(text: &str) -> bool {
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut seen = 0usize;
    for line in lines.take(3) {
        if !line.starts_with('{') || serde_json::from_str::<serde::de::IgnoredAny>(line).is_err() {
            return false;
        }
        seen += 1;
    }
    seen >= 2
}

fn json_error(e: &serde_json::Error) -> ScanError {
    let reason = match e.classify() {
        serde_json::error::Category::Eof => "the file ends too early".to_string(),
        _ => {
            // serde's message ends with " at line X column Y"; we say that ourselves.
            let msg = e.to_string();
            match msg.find(" at line ") {
                Some(i) => msg.get(..i).unwrap_or(&msg).to_string(),
                None => msg,
            }
        }
    };
    if reason.contains("recursion limit") {
        return ScanError::TooDeep {
            limit: crate::policy::MAX_SUPPORTED_DEPTH,
        };
    }
    ScanError::InvalidJson {
        line: e.line(),
        column: e.column(),
        reason,
    }
}

/// Recognise common binary files by their first bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"\x1f\x8b", "a gzip-compressed file (.gz / .tar.gz)"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
        (b"MZ", "a Windows program"),
        (b"\x7fELF", "a Linux program"),
        (b"\0asm", "a WebAssembly module"),
        (b"SQLite format 3", "an SQLite database"),
    ];
    MAGIC
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
        .or_else(|| looks_binary(bytes).then_some("a binary file"))
}

/// Many NUL or control bytes in the first KiB means this is not text.
/// (UTF-16 text has NULs too, but starts with a byte-order mark.)
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return false;
    }
    let head = bytes.get(..1024).unwrap_or(bytes);
    // A sum of 0/1 per byte (no branch), which the compiler vectorises.
    let control: usize = head
        .iter()
        .map(|&b| usize::from(b < 0x09 || (b > 0x0d && b < 0x20 && b != 0x1b)))
        .sum();
    control * 10 > head.len()
}

fn describe_skipped(lead: &str, skipped: &[Skipped]) -> String {
    if skipped.is_empty() {
        return format!("{lead}.");
    }
    let list: Vec<&str> = skipped
        .iter()
        .take(5)
        .map(|s| s.display_path.as_str())
        .collect();
    format!("{lead} (it holds: {}).", list.join(", "))
}

pub(crate) fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str = "<?xml version=\"1.0\"?>\n<Flow xmlns=\"http://soap.sforce.com/2006/04/metadata\"><label>A</label></Flow>";

    fn root_and_label(text: &str) -> Result<(String, String), ScanError> {
        with_parsed_xml(text, |doc| {
            let root = doc?.root_element();
            let label = root
                .children()
                .find(|c| c.has_tag_name("label"))
                .and_then(|c| c.text())
                .unwrap_or_default();
            Ok((root.tag_name().name().to_string(), label.to_string()))
        })
    }

    #[test]
    fn xml_parsed_at_ingest_is_handed_to_the_parser_once() {
        let bundle = ingest(FLOW.as_bytes(), "a.flow-meta.xml", &Limits::default()).unwrap();
        let text = bundle.entries[0].xml().unwrap();
        let kept =
            |t: &str| PARSED_XML.with(|c| c.borrow().iter().any(|p| &**p.backing_cart() == t));
        assert!(kept(text));
        // Taken from what ingest kept, then parsed afresh: the same document.
        let first = root_and_label(text).unwrap();
        assert!(!kept(text));
        assert_eq!(first, root_and_label(text).unwrap());
        assert_eq!(first, ("Flow".to_string(), "A".to_string()));
        // Broken XML is refused by ingest and by the fresh parse alike.
        assert!(matches!(
            ingest(b"<Flow><a></Flow>", "b.xml", &Limits::default()),
            Err(ScanError::InvalidXml { .. })
        ));
        assert!(matches!(
            root_and_label("<Flow><a></Flow>"),
            Err(ScanError::InvalidXml { .. })
        ));
        // A new ingest or the end of a scan drops what no parser took.
        ingest(FLOW.as_bytes(), "a.flow-meta.xml", &Limits::default()).unwrap();
        forget_parsed_xml();
        assert!(!kept(FLOW));
    }
}
