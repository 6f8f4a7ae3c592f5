//! Platform parsers: one module per platform, each turning its export format
//! into the normalized [`crate::model`]. Parsers never judge; rules do.

pub mod appsmith;
pub mod budibase;
pub mod common;
pub mod logic_apps;
pub mod make;
pub mod n8n;
pub mod node_red;
pub mod power_apps;
pub mod power_automate;
pub mod pp_solution;
pub mod retool;
pub mod salesforce;
pub mod tooljet;
pub mod uipath;
pub mod wdl;
pub mod windmill;
pub mod zapier;

use crate::error::{ScanError, SUPPORTED_FORMATS};
use crate::ingest::{Bundle, Entry};
use crate::model::{App, Platform};
use crate::report::Note;

/// A platform parser.
pub struct Parser {
    pub platform: Platform,
    /// Whether this entry is a document of this platform (decided from content,
    /// the file name only as a tie-breaker).
    pub claims: fn(&Entry) -> bool,
    /// Parse the claimed entries. The whole bundle is given so a parser can read
    /// side files (package manifests, connection maps). A problem with one entry
    /// becomes a [`Note`]; the other entries are still read.
    pub parse: fn(&Bundle, &[&Entry], &mut Vec<Note>) -> Vec<App>,
}

/// Every parser, in the order they are asked to claim entries.
pub static PARSERS: &[&Parser] = &[
    &n8n::PARSER,
    &salesforce::PARSER,
    // Before Power Automate: claims only WDL documents with Logic Apps markers.
    &logic_apps::PARSER,
    &power_automate::PARSER,
    &node_red::PARSER,
    &power_apps::PARSER,
    &pp_solution::PARSER,
    &make::PARSER,
    &appsmith::PARSER,
    &tooljet::PARSER,
    &uipath::PARSER,
    &retool::PARSER,
    &zapier::PARSER,
    &budibase::PARSER,
    &windmill::PARSER,
];

/// Parse a bundle into apps, or say why nothing in it could be read.
pub fn parse(bundle: &Bundle, notes: &mut Vec<Note>) -> Result<Vec<App>, ScanError> {
    let mut claimed: Vec<Vec<&Entry>> = vec![Vec::new(); PARSERS.len()];
    let mut unclaimed = Vec::new();
    for entry in &bundle.entries {
        match PARSERS.iter().position(|p| (p.claims)(entry)) {
            Some(i) => {
                if let Some(list) = claimed.get_mut(i) {
                    list.push(entry);
                }
            }
            None => unclaimed.push(entry),
        }
    }
    let notes_before = notes.len();
    let mut apps = Vec::new();
    for (parser, entries) in PARSERS.iter().zip(&claimed) {
        if !entries.is_empty() {
            apps.extend((parser.parse)(bundle, entries, notes));
        }
    }
    if apps.is_empty() {
        // A parser claimed the file and said what it is instead of an app.
        if let Some(note) = notes.get(notes_before) {
            let what = note
                .message
                .strip_prefix("not read: ")
                .unwrap_or(&note.message);
            let detail = if bundle.is_archive {
                format!("{}: {what}", note.file)
            } else {
                what.to_string()
            };
            return Err(ScanError::NotAnApp { detail });
        }
        if let Some(note) = notes.first() {
            return Err(ScanError::UnknownFormat {
                detail: format!("{}: {}", note.file, note.message),
            });
        }
        return Err(ScanError::UnknownFormat {
            detail: unrecognised_detail(bundle),
        });
    }
    if bundle.is_archive {
        for entry in unclaimed {
            if is_worth_mentioning(entry) {
                notes.push(Note {
                    file: entry.display_path.clone(),
                    message: unclaimed_reason(entry).into(),
                });
            }
        }
    }
    Ok(apps)
}

/// Why a file beside the app in an archive was not read, as specifically as
/// its name allows.
fn unclaimed_reason(entry: &Entry) -> &'static str {
    let name = entry.file_name().to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let stem = name.split('.').next().unwrap_or("");
    if matches!(
        stem,
        "readme" | "license" | "licence" | "changelog" | "notice" | "placeholder"
    ) || matches!(ext, "md" | "txt" | "rst" | "pdf" | "docx")
    {
        "not read: documentation or a text note, not part of the app"
    } else if matches!(
        ext,
        "png" | "jpg" | "jpeg" | "gif" | "svg" | "ico" | "bmp" | "webp"
    ) {
        "not read: an image"
    } else if matches!(
        ext,
        "cs" | "vb" | "js" | "ts" | "py" | "ps1" | "sql" | "java"
    ) {
        "not read: a code file that no step of the app runs (code is checked where a step runs it)"
    } else {
        "not read: lcscan does not know this file's format yet"
    }
}

fn is_worth_mentioning(entry: &Entry) -> bool {
    let name = entry.file_name().to_ascii_lowercase();
    // Package plumbing that every export carries and that holds nothing to judge.
    !matches!(
        name.as_str(),
        "manifest.json" | "apismap.json" | "connectionsmap.json" | "[content_types].xml"
    )
}

fn unrecognised_detail(bundle: &Bundle) -> String {
    let Some(entry) = bundle.entries.first() else {
        return String::new();
    };
    if bundle.is_archive {
        return "None of the files in this archive is an app export lcscan knows.".into();
    }
    match &entry.content {
        crate::ingest::Content::Json(_) => {
            "This is valid JSON, but not an export of a platform lcscan reads.".into()
        }
        crate::ingest::Content::Xml(_) => {
            "This is valid XML, but not an export of a platform lcscan reads.".into()
        }
        crate::ingest::Content::Text(_) => {
            "This is plain text, not JSON, XML or a zip archive.".into()
        }
    }
}

/// The formats list, for messages and `lcscan --help`.
pub fn supported_formats() -> &'static str {
    SUPPORTED_FORMATS
}
