//! Why a file could not be scanned, in words a non-developer understands.
//!
//! Every variant's message says what is wrong with the file and what to do.
//! `code()` gives a stable identifier for tests, the CLI and the page.

use thiserror::Error;

/// The list shown when a file is not recognised. Keep in step with the parsers.
pub const SUPPORTED_FORMATS: &str = "n8n workflow exports (.json, one workflow or many), \
Power Automate flows (definition.json, the exported package .zip, or flows inside a solution .zip), \
Salesforce Flow metadata (.flow-meta.xml or .flow), \
Node-RED flows (flows.json, exported flows, flows_cred.json), \
Power Platform solutions (solution .zip or unpacked solution.xml / customizations.xml), \
Power Apps canvas apps (.msapp, or unpacked Src/*.fx.yaml / *.pa.yaml sources), \
Make scenario blueprints (.json), \
Appsmith app exports (.json, or the Git-connected repository folder .zip), \
ToolJet app exports (.json, any version), \
Retool apps (Toolscript folder .zip with main.rsx / functions.rsx, or the JSON app export), \
UiPath Studio projects (project folder .zip with project.json and .xaml workflows, or one .xaml), \
Zapier zap exports (zapfile.json), \
Budibase app exports (.tar.gz, or the db.txt / dump.txt database dump), \
Windmill workspaces (wmill sync folder .zip, or single *.flow/flow.yaml, *.script.yaml, *.app/app.yaml, *.resource.yaml, *.variable.yaml files), \
and Azure Logic Apps (ARM templates, Logic Apps Standard workflow.json / project .zip, or a workflow definition)";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScanError {
    #[error("The file is empty. Export the app again and drop the downloaded file here.")]
    Empty,

    #[error(
        "This file is {size_mb} MB, more than the {limit_mb} MB lcscan reads at once. \
         Export a single app or flow instead of a whole backup."
    )]
    TooLarge { size_mb: u64, limit_mb: u64 },

    #[error("We could not recognise this file. lcscan reads: {SUPPORTED_FORMATS}. {detail}")]
    UnknownFormat { detail: String },

    #[error("This is {kind}, not an app export. lcscan reads: {SUPPORTED_FORMATS}.")]
    NotAnExport { kind: String },

    /// A parser recognised the file as part of an export (a package manifest,
    /// a settings file) that holds no app to check on its own.
    #[error(
        "lcscan recognised this file, but there is no app in it to check on its own: {detail}"
    )]
    NotAnApp { detail: String },

    #[error(
        "This file looks like JSON but is broken at line {line}, column {column} ({reason}). \
         It may have been cut off while downloading or changed by hand: export it again."
    )]
    InvalidJson {
        line: usize,
        column: usize,
        reason: String,
    },

    #[error(
        "This file looks like XML but is broken ({reason}). \
         It may have been cut off while downloading or changed by hand: export it again."
    )]
    InvalidXml { reason: String },

    #[error(
        "This XML file declares a document type (DOCTYPE). Real app exports never do, and such \
         declarations can be used to attack the tools that read them, so lcscan does not read it."
    )]
    XmlDoctype,

    #[error(
        "This file is nested more than {limit} levels deep, far deeper than any real export. \
         It may be damaged or built to crash scanners, so lcscan stopped reading it."
    )]
    TooDeep { limit: usize },

    #[error(
        "This file has a single text value of {size_mb} MB, more than the {limit_mb} MB lcscan accepts. \
         It may be damaged or built to slow scanners down."
    )]
    StringTooLong { size_mb: u64, limit_mb: u64 },

    #[error(
        "This file holds millions of separate values (more than {limit}), far more than any real export. \
         It may be damaged or built to exhaust memory, so lcscan stopped reading it."
    )]
    TooManyValues { limit: usize },

    #[error(
        "This file is not valid text: it has bytes that are not UTF-8 near byte {offset}. \
         Export it again, or save it as UTF-8."
    )]
    InvalidUtf8 { offset: usize },

    #[error(
        "This zip archive is damaged or incomplete ({reason}). \
         It may have been cut off while downloading: download or export it again."
    )]
    BrokenZip { reason: String },

    #[error(
        "This zip archive is protected by a password, so lcscan cannot read what is inside. \
         Export the app again without a password."
    )]
    EncryptedZip,

    #[error(
        "This zip archive would unpack to more than {limit_mb} MB (or expands over {ratio}×), \
         which is far more than any app export. It looks like a \"zip bomb\", so lcscan did not unpack it."
    )]
    ZipBomb { limit_mb: u64, ratio: u64 },

    #[error(
        "This zip archive holds {entries} files, more than the {limit} lcscan reads. \
         Export a single app or solution instead."
    )]
    TooManyEntries { entries: usize, limit: usize },

    #[error(
        "This zip archive uses a compression method lcscan cannot read ({method}). \
         Re-create it with ordinary zip (\"deflate\") compression, or export it again from the platform."
    )]
    UnsupportedCompression { method: String },

    #[error(
        "This zip archive holds zip archives inside zip archives more than {limit} levels deep. \
         Unpack it and drop the app export itself."
    )]
    NestedTooDeep { limit: usize },

    #[error("The policy file is not valid: {reason}")]
    InvalidPolicy { reason: String },

    #[error(
        "This .tar.gz archive is damaged or incomplete ({reason}). \
         It may have been cut off while downloading: download or export it again."
    )]
    BrokenTarGz { reason: String },

    #[error(
        "This .tar.gz archive would unpack to more than {limit_mb} MB (or expands over {ratio}×), \
         which is far more than any app export. It looks like an archive bomb, so lcscan stopped unpacking it."
    )]
    TarGzBomb { limit_mb: u64, ratio: u64 },

    #[error(
        "This .tar.gz archive holds more than {limit} files, more than lcscan reads. \
         Export a single app instead."
    )]
    TarGzTooManyEntries { limit: usize },
}

impl ScanError {
    /// The same error with control characters in its text (an XML parser
    /// quoting the byte it choked on, a crafted archive member name) written
    /// as `\u{1b}`, so a message never sends raw escapes to a terminal, and
    /// each quoted part cut to 240 characters (a parser quoting a mismatched
    /// tag name of megabytes must not make a megabyte message).
    pub fn printable(self) -> ScanError {
        const MAX_CHARS: usize = 240;
        fn clean(text: String) -> String {
            let long = text.chars().nth(MAX_CHARS).is_some();
            if !long && !text.chars().any(char::is_control) {
                return text;
            }
            let mut out: String = text
                .chars()
                .take(MAX_CHARS)
                .map(|c| {
                    if c.is_control() {
                        format!("\\u{{{:x}}}", u32::from(c))
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            if long {
                out.push('…');
            }
            out
        }
        match self {
            ScanError::UnknownFormat { detail } => ScanError::UnknownFormat {
                detail: clean(detail),
            },
            ScanError::NotAnExport { kind } => ScanError::NotAnExport { kind: clean(kind) },
            ScanError::NotAnApp { detail } => ScanError::NotAnApp {
                detail: clean(detail),
            },
            ScanError::InvalidJson {
                line,
                column,
                reason,
            } => ScanError::InvalidJson {
                line,
                column,
                reason: clean(reason),
            },
            ScanError::InvalidXml { reason } => ScanError::InvalidXml {
                reason: clean(reason),
            },
            ScanError::BrokenZip { reason } => ScanError::BrokenZip {
                reason: clean(reason),
            },
            ScanError::UnsupportedCompression { method } => ScanError::UnsupportedCompression {
                method: clean(method),
            },
            ScanError::InvalidPolicy { reason } => ScanError::InvalidPolicy {
                reason: clean(reason),
            },
            ScanError::BrokenTarGz { reason } => ScanError::BrokenTarGz {
                reason: clean(reason),
            },
            other => other,
        }
    }

    /// A stable identifier for each kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::Empty => "empty",
            ScanError::TooLarge { .. } => "too-large",
            ScanError::UnknownFormat { .. } => "unknown-format",
            ScanError::NotAnExport { .. } => "not-an-export",
            ScanError::NotAnApp { .. } => "not-an-app",
            ScanError::InvalidJson { .. } => "invalid-json",
            ScanError::InvalidXml { .. } => "invalid-xml",
            ScanError::XmlDoctype => "xml-doctype",
            ScanError::TooDeep { .. } => "too-deep",
            ScanError::StringTooLong { .. } => "string-too-long",
            ScanError::TooManyValues { .. } => "too-many-values",
            ScanError::InvalidUtf8 { .. } => "invalid-utf8",
            ScanError::BrokenZip { .. } => "broken-zip",
            ScanError::EncryptedZip => "encrypted-zip",
            ScanError::ZipBomb { .. } => "zip-bomb",
            ScanError::TooManyEntries { .. } => "too-many-entries",
            ScanError::UnsupportedCompression { .. } => "unsupported-compression",
            ScanError::NestedTooDeep { .. } => "nested-too-deep",
            ScanError::InvalidPolicy { .. } => "invalid-policy",
            ScanError::BrokenTarGz { .. } => "broken-targz",
            ScanError::TarGzBomb { .. } => "targz-bomb",
            ScanError::TarGzTooManyEntries { .. } => "targz-too-many-entries",
        }
    }
}
