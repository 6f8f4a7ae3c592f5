//! The `lcscan` command line: scan exports, list and explain rules.
//!
//! Exit codes: 0 no finding at or above `--fail-on`; 1 at least one; 2 usage
//! error, bad policy, or a file that could not be scanned.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use lcscan::baseline::{self, Date, Exception, Exceptions};
use lcscan::detect::{connectors, fields, secrets};
use lcscan::render::{self, Format};
use lcscan::rules::RULES;
use lcscan::{Policy, Report, ScanError, Severity};

#[derive(Parser)]
#[command(
    name = "lcscan",
    version,
    about = "Checks low-code / no-code app exports (n8n, Power Automate, Salesforce Flow, …) for risky settings, hard-coded secrets and sensitive data",
    after_help = "Exit codes: 0 = nothing at or above --fail-on, 1 = findings at or above it, 2 = usage error or a file that could not be scanned."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan export files and folders (folders are searched recursively).
    Scan(ScanArgs),
    /// List every rule, or what lcscan looks for (--secrets, --fields, --connectors).
    ///
    /// Without options: every rule's id, name, severity, OWASP id and title.
    /// --secrets: every secret pattern; --fields: every sensitive-field
    /// category; --connectors: the connector catalog.
    Rules(RulesArgs),
    /// Print one rule's documentation (by id like LC001 or name).
    Rule { id: String },
    /// List the export formats lcscan reads and the report formats it writes.
    Formats,
    /// Compare two versions of an export: what is new, fixed, wider or riskier.
    Diff(DiffArgs),
    /// Accept current findings for a limited time: writes them to an exceptions
    /// file (used with `scan --baseline`) with who accepted them, why, and until when.
    Accept(AcceptArgs),
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The older export (the last reviewed version).
    old: PathBuf,
    /// The newer export.
    new: PathBuf,
    /// Output format: text, json or markdown.
    #[arg(long, short, value_enum, default_value = "text")]
    format: DiffFormat,
    /// Write the comparison to this file instead of the terminal.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit with 1 when a NEW finding is at least this severe.
    #[arg(long, value_enum, default_value = "high")]
    fail_on: FailOn,
    /// Organisation policy (TOML or JSON).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Exceptions file: accepted findings are left out of both versions.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Judge exception expiry as of this date (YYYY-MM-DD) instead of today.
    #[arg(long)]
    today: Option<String>,
}

#[derive(clap::Args)]
struct RulesArgs {
    /// List every secret pattern: id, name, provider, confidence, what an attacker can do.
    #[arg(long, group = "list")]
    secrets: bool,
    /// List every sensitive-field category: category, label, example names, regulations.
    #[arg(long, group = "list")]
    fields: bool,
    /// List the connector catalog: platform, id, name, category, risk; counts per platform.
    #[arg(long, group = "list")]
    connectors: bool,
    /// Output format: text, json or markdown.
    #[arg(long, short, value_enum, default_value = "text")]
    format: ListFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(clap::Args)]
struct AcceptArgs {
    /// Exports whose current findings are accepted.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Who accepts the risk (name, role).
    #[arg(long = "by")]
    accepted_by: String,
    /// Why the risk is acceptable (required).
    #[arg(long)]
    reason: String,
    /// Last day the acceptance holds (YYYY-MM-DD).
    #[arg(long)]
    expires: String,
    /// Ticket or change reference.
    #[arg(long)]
    ticket: Option<String>,
    /// Accept only findings of these rules (id or name); repeat for several.
    #[arg(long)]
    rule: Vec<String>,
    /// Accept only these fingerprints; repeat for several.
    #[arg(long)]
    fingerprint: Vec<String>,
    /// The exceptions file to create or add to.
    #[arg(long, default_value = "lcscan-exceptions.toml")]
    exceptions: PathBuf,
    /// Organisation policy (TOML or JSON).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Date of acceptance (YYYY-MM-DD) instead of today.
    #[arg(long)]
    today: Option<String>,
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Files or folders to scan.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Report format.
    #[arg(long, short, default_value = "text")]
    format: Format,
    /// Write the report to this file instead of the terminal.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value = "high")]
    fail_on: FailOn,
    /// Organisation policy (TOML or JSON): rules, severities, connectors, limits.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Files scanned at once (default: one per CPU).
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Colour in text output: auto (when printing to a terminal), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Exceptions file (from `lcscan accept` or the page): accepted findings
    /// are listed as accepted and not counted until they expire.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Judge exception expiry as of this date (YYYY-MM-DD) instead of today.
    #[arg(long)]
    today: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(args),
        Command::Rules(args) => print_rules(&args).map(|()| ExitCode::SUCCESS),
        Command::Rule { id } => print_rule(&id),
        Command::Formats => {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            println!("lcscan reads: {}.", lcscan::platforms::supported_formats());
            println!("Report formats (--format): {}.", names.join(", "));
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff(args) => diff(args),
        Command::Accept(args) => accept(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lcscan: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A file to scan and whether the user named it (named files must be
/// exports; files found in folders are skipped quietly when they are not).
struct Target {
    path: PathBuf,
    named: bool,
}

fn scan(args: ScanArgs) -> Result<ExitCode> {
    let policy = match &args.policy {
        Some(path) => load_policy(path)?,
        None => Policy::default(),
    };
    let today = today(args.today.as_deref())?;
    let exceptions = args.baseline.as_deref().map(load_exceptions).transpose()?;
    let mut targets = Vec::new();
    let mut failed = false;
    for path in &args.paths {
        if path.is_dir() && is_project_folder(path) {
            targets.push(Target {
                path: path.clone(),
                named: true,
            });
        } else if path.is_dir() {
            failed |= !collect(path, &mut targets);
        } else if path.exists() {
            targets.push(Target {
                path: path.clone(),
                named: true,
            });
        } else {
            eprintln!("lcscan: {}: no such file or folder", path.display());
            failed = true;
        }
    }

    // One stable order whatever order the paths were given in; a file named
    // twice (or named and inside a named folder) is scanned once.
    targets.sort_by(|a, b| a.path.cmp(&b.path));
    targets.dedup_by(|later, kept| {
        let same = later.path == kept.path;
        if same {
            kept.named |= later.named;
        }
        same
    });

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("could not start worker threads")?;
    let outcomes: Vec<(Target, Result<Report, String>)> = pool.install(|| {
        targets
            .into_par_iter()
            .map(|t| {
                // A bug in lcscan on one file must not lose the other files' results.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    scan_file(&t.path, &policy)
                }))
                .unwrap_or_else(|_| {
                    Err("lcscan failed on this file (an internal error; please report it)".into())
                });
                (t, outcome)
            })
            .collect()
    });

    let mut reports = Vec::new();
    let mut matched = std::collections::BTreeSet::new();
    for (target, outcome) in outcomes {
        match outcome {
            Ok(mut report) => {
                if let Some(exceptions) = &exceptions {
                    matched.extend(baseline::apply(&mut report, exceptions, today));
                }
                reports.push(report);
            }
            Err(message) if !target.named && message.starts_with(SKIP_PREFIX) => {}
            Err(message) => {
                eprintln!(
                    "lcscan: {}: {}",
                    target.path.display(),
                    message.trim_start_matches(SKIP_PREFIX)
                );
                failed = true;
            }
        }
    }

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let text = match args.format {
        Format::Text => render::render_text_many(&reports, color),
        other => render::render_many(&reports, other),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("could not write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`lcscan scan … | head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes());
        }
    }

    if let Some(exceptions) = &exceptions {
        report_unmatched(exceptions, &matched);
    }
    if failed {
        return Ok(ExitCode::from(2));
    }
    if reports.is_empty() {
        // A gate that scanned nothing must not pass silently.
        eprintln!(
            "lcscan: no export files found in {} (looked for {} files)",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            CANDIDATE_EXTENSIONS.join(", ")
        );
        return Ok(ExitCode::from(2));
    }
    let worst = reports.iter().filter_map(Report::max_severity).max();
    let over = match (args.fail_on.threshold(), worst) {
        (Some(threshold), Some(worst)) => worst >= threshold,
        _ => false,
    };
    Ok(if over {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Marks "this is not an export" errors, which folder scans skip quietly.
const SKIP_PREFIX: &str = "\u{1}skip:";

/// Folders whose files only make sense together (a UiPath project, a Retool
/// Toolscript app, a Windmill workspace, an unpacked canvas app): scanned as
/// one export, like the zip of the folder, instead of file by file.
fn is_project_folder(dir: &Path) -> bool {
    let has = |name: &str| dir.join(name).is_file();
    let uipath = std::fs::read_to_string(dir.join("project.json"))
        .is_ok_and(|t| t.contains("\"studioVersion\"") || t.contains("UiPath."));
    uipath || has("main.rsx") || has("wmill.yaml") || has("CanvasManifest.json")
}

/// The files of a project folder as an in-memory zip (stored, not compressed),
/// skipping hidden and dependency folders, refused past the input size limit.
fn zip_folder(dir: &Path, limit: u64) -> Result<Vec<u8>, String> {
    fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
        let Ok(read) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let real_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
            if real_dir {
                if !(name.starts_with('.') || matches!(name.as_str(), "node_modules" | "target")) {
                    walk(root, &path, files);
                }
            } else if path.is_file() {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                let rel = rel.to_string_lossy().replace('\\', "/");
                files.push((rel, path));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    let total: u64 = files
        .iter()
        .filter_map(|(_, p)| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    if total > limit {
        return Err(ScanError::TooLarge {
            size_mb: total / (1024 * 1024),
            limit_mb: limit / (1024 * 1024),
        }
        .to_string());
    }
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (rel, path) in files {
        let bytes = std::fs::read(&path).map_err(|e| format!("could not read {rel} ({e})"))?;
        writer
            .start_file(rel.as_str(), options)
            .and_then(|()| writer.write_all(&bytes).map_err(Into::into))
            .map_err(|e| format!("could not read the folder ({e})"))?;
    }
    writer
        .finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| format!("could not read the folder ({e})"))
}

fn scan_file(path: &Path, policy: &Policy) -> Result<Report, String> {
    if path.is_dir() {
        let bytes = zip_folder(path, policy.limits.max_input_bytes)?;
        let name = path.to_string_lossy().replace('\\', "/");
        let name = name.trim_end_matches('/');
        let name = name.strip_prefix("./").unwrap_or(name).to_string();
        return lcscan::scan(&bytes, &name, policy).map_err(|e| e.to_string());
    }
    let limit = policy.limits.max_input_bytes;
    let size = std::fs::metadata(path)
        .map_err(|e| format!("could not read the file ({e})"))?
        .len();
    if size > limit {
        // Refuse before reading a huge file into memory.
        return Err(ScanError::TooLarge {
            size_mb: size / (1024 * 1024),
            limit_mb: limit / (1024 * 1024),
        }
        .to_string());
    }
    let bytes = std::fs::read(path).map_err(|e| format!("could not read the file ({e})"))?;
    let name = path.to_string_lossy().replace('\\', "/");
    let name = name.strip_prefix("./").unwrap_or(&name).to_string();
    lcscan::scan(&bytes, &name, policy).map_err(|e| match e {
        ScanError::UnknownFormat { .. }
        | ScanError::NotAnExport { .. }
        | ScanError::NotAnApp { .. }
        | ScanError::Empty => {
            format!("{SKIP_PREFIX}{e}")
        }
        other => other.to_string(),
    })
}

/// Walk a folder: every file, sorted, skipping hidden folders and build or
/// dependency folders. Symbolic links to folders are not followed (no loops).
/// Returns false when a folder could not be read.
fn collect(dir: &Path, out: &mut Vec<Target>) -> bool {
    let Ok(read) = std::fs::read_dir(dir) else {
        eprintln!("lcscan: {}: could not read the folder", dir.display());
        return false;
    };
    let mut ok = true;
    let mut entries: Vec<(PathBuf, bool)> = read
        .flatten()
        .map(|e| {
            let real_dir = e.file_type().is_ok_and(|t| t.is_dir());
            (e.path(), real_dir)
        })
        .collect();
    entries.sort();
    for (path, real_dir) in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if real_dir {
            if name.starts_with('.') || matches!(name.as_str(), "node_modules" | "target") {
                continue;
            }
            if is_project_folder(&path) {
                out.push(Target { path, named: false });
                continue;
            }
            ok &= collect(&path, out);
        } else if path.is_file() && is_candidate(&name) {
            out.push(Target { path, named: false });
        }
    }
    ok
}

/// File types an export can come as; others in a folder are not looked at.
const CANDIDATE_EXTENSIONS: [&str; 7] =
    [".json", ".xml", ".zip", ".msapp", ".flow", ".yaml", ".yml"];

fn is_candidate(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    CANDIDATE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
}

fn load_policy(path: &Path) -> Result<Policy> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read the policy file {}", path.display()))?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let policy = if is_json {
        Policy::from_json(&text)
    } else {
        Policy::from_toml(&text)
    };
    policy.with_context(|| format!("policy {}", path.display()))
}

/// Today's date (UTC) from the clock, or the date the user gave.
///
/// Also tells the secret detector the date, so JWT expiry is judged against it
/// (start of the day, so reports are the same all day).
fn today(given: Option<&str>) -> Result<Date> {
    let date = today_date(given)?;
    lcscan::detect::secrets::set_reference_time(date.days_since_epoch() * 86_400);
    Ok(date)
}

fn today_date(given: Option<&str>) -> Result<Date> {
    match given {
        Some(text) => Date::parse(text)
            .with_context(|| format!("--today must be a date like 2026-11-23, not '{text}'")),
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            Ok(Date::from_days_since_epoch(secs / 86_400))
        }
    }
}

fn load_exceptions(path: &Path) -> Result<Exceptions> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read the exceptions file {}", path.display()))?;
    Exceptions::parse(&text).with_context(|| format!("exceptions file {}", path.display()))
}

/// Exceptions that matched nothing: the finding was fixed (or the app changed).
fn report_unmatched(exceptions: &Exceptions, matched: &std::collections::BTreeSet<String>) {
    let unmatched = exceptions.unmatched(matched);
    if unmatched.is_empty() {
        return;
    }
    eprintln!(
        "lcscan: {} exception(s) in the exceptions file no longer match any finding (fixed, or the app changed); you can remove them:",
        unmatched.len()
    );
    for e in unmatched {
        eprintln!("  {} {} {}", e.fingerprint, e.rule, e.component);
    }
}

/// Scan one named export for `diff` / `accept`: any problem is an error.
fn scan_one(path: &Path, policy: &Policy) -> Result<Report> {
    scan_file(path, policy)
        .map_err(|m| anyhow::anyhow!("{}: {}", path.display(), m.trim_start_matches(SKIP_PREFIX)))
}

fn diff(args: DiffArgs) -> Result<ExitCode> {
    let policy = match &args.policy {
        Some(path) => load_policy(path)?,
        None => Policy::default(),
    };
    let today = today(args.today.as_deref())?;
    let exceptions = args.baseline.as_deref().map(load_exceptions).transpose()?;
    let mut old = scan_one(&args.old, &policy)?;
    let mut new = scan_one(&args.new, &policy)?;
    if let Some(exceptions) = &exceptions {
        baseline::apply(&mut old, exceptions, today);
        baseline::apply(&mut new, exceptions, today);
    }
    let d = lcscan::diff::diff(&old, &new);
    let text = match args.format {
        DiffFormat::Text => lcscan::diff::render_text(&d),
        DiffFormat::Json => lcscan::diff::render_json(&d),
        DiffFormat::Markdown => lcscan::diff::render_markdown(&d),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("could not write {}", path.display()))?,
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    let worst_new = d.new_findings.iter().map(|f| f.severity).max();
    let over = match (args.fail_on.threshold(), worst_new) {
        (Some(threshold), Some(worst)) => worst >= threshold,
        _ => false,
    };
    Ok(if over {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn accept(args: AcceptArgs) -> Result<ExitCode> {
    let policy = match &args.policy {
        Some(path) => load_policy(path)?,
        None => Policy::default(),
    };
    let today = today(args.today.as_deref())?;
    let expires = Date::parse(&args.expires).with_context(|| {
        format!(
            "--expires must be a date like 2027-02-23, not '{}'",
            args.expires
        )
    })?;
    let mut rules = Vec::new();
    for r in &args.rule {
        let Some(rule) = lcscan::rules::find(r) else {
            anyhow::bail!("no rule called '{r}'. `lcscan rules` lists them.");
        };
        rules.push(rule.id);
    }
    let mut exceptions = if args.exceptions.exists() {
        load_exceptions(&args.exceptions)?
    } else {
        Exceptions::default()
    };
    let mut added = 0;
    for path in &args.paths {
        let report = scan_one(path, &policy)?;
        for f in &report.findings {
            let rule_ok = rules.is_empty() || rules.contains(&f.rule_id.as_str());
            let fp_ok = args.fingerprint.is_empty()
                || args
                    .fingerprint
                    .iter()
                    .any(|fp| fp.eq_ignore_ascii_case(&f.fingerprint));
            if !(rule_ok && fp_ok) {
                continue;
            }
            let exception = Exception::for_finding(
                f,
                &args.accepted_by,
                &args.reason,
                today,
                expires,
                args.ticket.as_deref(),
            )?;
            exceptions.upsert(exception);
            added += 1;
        }
    }
    std::fs::write(&args.exceptions, exceptions.to_toml())
        .with_context(|| format!("could not write {}", args.exceptions.display()))?;
    eprintln!(
        "lcscan: accepted {added} finding(s) until {expires} in {} ({} exception(s) in the file).",
        args.exceptions.display(),
        exceptions.exceptions.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn print_rules(args: &RulesArgs) -> Result<()> {
    let out = if args.secrets {
        list_secrets(args.format)
    } else if args.fields {
        list_fields(args.format)
    } else if args.connectors {
        list_connectors(args.format)
    } else {
        list_rules(args.format)
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(())
}

fn to_json(value: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

/// A table as aligned text columns (the last one unpadded) or Markdown.
fn table(format: ListFormat, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    if format == ListFormat::Markdown {
        let cell = |c: &str| c.replace('|', "\\|").replace('\n', " ");
        out.push_str(&format!("| {} |\n", headers.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(headers.len())));
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        return out;
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    // A very long cell overflows its column rather than widening it for all.
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count().min(60));
        }
    }
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        for (i, c) in cells.enumerate() {
            if i + 1 == headers.len() {
                l.push_str(c);
            } else {
                let pad = widths.get(i).copied().unwrap_or(0);
                l.push_str(&format!("{c:<pad$}  "));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// The first sentence of a description (for one-line text output).
fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(i) => text.get(..=i).unwrap_or(text),
        None => text,
    }
}

fn list_rules(format: ListFormat) -> String {
    match format {
        ListFormat::Json => to_json(&serde_json::json!({
            "count": RULES.len(),
            "rules": RULES.iter().map(|r| serde_json::json!({
                "id": r.id,
                "name": r.name,
                "severity": r.severity.as_str(),
                "owasp": r.owasp,
                "title": r.title,
            })).collect::<Vec<_>>(),
        })),
        ListFormat::Markdown => {
            let rows: Vec<Vec<String>> = RULES
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.name.to_string(),
                        r.severity.as_str().to_string(),
                        r.owasp.to_string(),
                        r.title.to_string(),
                    ]
                })
                .collect();
            table(format, &["ID", "NAME", "SEVERITY", "OWASP", "TITLE"], &rows)
        }
        ListFormat::Text => {
            let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
            let mut out = format!(
                "{:<6} {:<width$} {:<9} {:<10} {}\n",
                "ID", "NAME", "SEVERITY", "OWASP", "TITLE"
            );
            for r in RULES {
                out.push_str(&format!(
                    "{:<6} {:<width$} {:<9} {:<10} {}\n",
                    r.id,
                    r.name,
                    r.severity.as_str(),
                    r.owasp,
                    r.title
                ));
            }
            out
        }
    }
}

fn confidence_word(c: Option<secrets::Confidence>) -> &'static str {
    match c {
        Some(secrets::Confidence::High) => "high",
        Some(secrets::Confidence::Medium) => "medium",
        Some(secrets::Confidence::Low) => "low",
        None => "by key name",
    }
}

fn list_secrets(format: ListFormat) -> String {
    let patterns = secrets::pattern_list();
    let providers = secrets::provider_count();
    if format == ListFormat::Json {
        return to_json(&serde_json::json!({
            "count": patterns.len(),
            "providers": providers,
            "secrets": patterns.iter().map(|(p, confidence)| serde_json::json!({
                "id": p.id,
                "name": p.name,
                "provider": p.provider,
                "confidence": confidence_word(*confidence),
                "impact": p.impact,
            })).collect::<Vec<_>>(),
        }));
    }
    let rows: Vec<Vec<String>> = patterns
        .iter()
        .map(|(p, confidence)| {
            let impact = if format == ListFormat::Text {
                first_sentence(&p.impact)
            } else {
                &p.impact
            };
            vec![
                p.id.clone(),
                p.name.clone(),
                p.provider.clone(),
                confidence_word(*confidence).to_string(),
                impact.to_string(),
            ]
        })
        .collect();
    let mut out = table(
        format,
        &[
            "ID",
            "NAME",
            "PROVIDER",
            "CONFIDENCE",
            "WHAT AN ATTACKER CAN DO",
        ],
        &rows,
    );
    out.push_str(&format!(
        "\n{} secret patterns; they recognise credentials of {providers} services.\n",
        patterns.len()
    ));
    out
}

fn list_fields(format: ListFormat) -> String {
    let entries = fields::all_entries();
    let mut regulations: Vec<&str> = entries
        .iter()
        .flat_map(|e| e.regulations.iter().map(String::as_str))
        .collect();
    regulations.sort_unstable();
    regulations.dedup();
    if format == ListFormat::Json {
        let notes: serde_json::Map<String, serde_json::Value> = regulations
            .iter()
            .map(|r| {
                let note = fields::regulation_note(r).unwrap_or_default();
                (r.to_string(), serde_json::Value::from(note))
            })
            .collect();
        return to_json(&serde_json::json!({
            "count": entries.len(),
            "fields": entries.iter().map(|e| serde_json::json!({
                "category": e.category,
                "label": e.label,
                "examples": fields::examples_of(&e.label),
                "regulations": e.regulations,
            })).collect::<Vec<_>>(),
            "regulations": notes,
        }));
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let regs = if e.regulations.is_empty() {
                "-".to_string()
            } else {
                e.regulations.join(", ")
            };
            vec![
                e.category.clone(),
                e.label.clone(),
                regs,
                fields::examples_of(&e.label).join(", "),
            ]
        })
        .collect();
    let mut out = table(
        format,
        &["CATEGORY", "LABEL", "REGULATIONS", "FIELD NAMES LIKE"],
        &rows,
    );
    out.push_str(&format!(
        "\n{} field categories. The regulations in plain words:\n",
        entries.len()
    ));
    for r in regulations {
        if let Some(note) = fields::regulation_note(r) {
            let bullet = if format == ListFormat::Markdown {
                "- "
            } else {
                "  "
            };
            out.push_str(&format!("{bullet}{note}\n"));
        }
    }
    out
}

fn list_connectors(format: ListFormat) -> String {
    let all = connectors::all();
    let per_platform = connectors::count_per_platform();
    if format == ListFormat::Json {
        return to_json(&serde_json::json!({
            "count": all.len(),
            "per_platform": per_platform
                .iter()
                .map(|(p, n)| (p.to_string(), serde_json::Value::from(*n)))
                .collect::<serde_json::Map<_, _>>(),
            "connectors": all.iter().map(|c| serde_json::json!({
                "platform": connectors::platform_of(c),
                "id": c.id,
                "name": c.name,
                "category": c.category,
                "risk": connectors::risk_class(c),
                "external": c.external,
                "executes_code": c.executes_code,
                "group": c.group,
                "aliases": c.aliases,
            })).collect::<Vec<_>>(),
        }));
    }
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|c| {
            vec![
                connectors::platform_of(c).to_string(),
                c.id.clone(),
                c.name.clone(),
                c.category.clone(),
                connectors::risk_class(c).to_string(),
            ]
        })
        .collect();
    let mut out = table(
        format,
        &["PLATFORM", "ID", "NAME", "CATEGORY", "RISK"],
        &rows,
    );
    let counts: Vec<String> = per_platform
        .iter()
        .map(|(p, n)| format!("{p} {n}"))
        .collect();
    out.push_str(&format!(
        "\n{} connectors. Per platform: {}.\nRisk: high = runs code or blocked by default; medium = can move data outside the organisation; low = stays inside.\n",
        all.len(),
        counts.join(", ")
    ));
    out
}

fn print_rule(id: &str) -> Result<ExitCode> {
    let Some(r) = lcscan::rules::find(id) else {
        eprintln!("lcscan: no rule called '{id}'. `lcscan rules` lists them.");
        return Ok(ExitCode::from(2));
    };
    println!("{} {}: {}", r.id, r.name, r.title);
    println!(
        "Default severity: {} · OWASP Citizen Development Top 10: {} (Low-Code/No-Code Top 10: {}) · CWE-{}\n",
        r.severity.as_str(),
        r.owasp,
        r.owasp_lcnc,
        r.cwe
    );
    println!("{}", r.doc.trim());
    Ok(ExitCode::SUCCESS)
}
