//! lcscan: a scanner for low-code / no-code app exports.
//!
//! One entry point, [`scan`]: bytes and a file name in, a [`Report`] (or a
//! friendly [`ScanError`]) out. The pipeline is
//! ingest → platform parser → normalized model → detectors → rules → report.
//! No browser or OS dependencies: the same code runs in the CLI and, compiled
//! to WebAssembly, in the browser page.

// A panic in the browser kills the page: the engine's own code must not be
// able to panic on any input (tests may).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]

pub mod baseline;
pub mod custom_rules;
pub mod detect;
pub mod diff;
pub mod error;
pub mod ingest;
pub mod inventory;
pub mod model;
pub mod platforms;
pub mod policy;
pub mod render;
pub mod report;
pub mod rules;

/// A hash map for the engine's per-scan lookups (steps by id, values by key):
/// foldhash is several times cheaper than the standard SipHash on these short
/// keys, and its seed is still random per process.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

pub use error::ScanError;
pub use policy::{Limits, Policy};
pub use report::{Finding, Report, Severity};

/// The stages a scan goes through, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Parsing,
    Checking,
    Reporting,
    Done,
}

impl Stage {
    /// Rough share of the work done when this stage starts, 0–100.
    pub fn percent(self) -> u8 {
        match self {
            Stage::Reading => 5,
            Stage::Parsing => 35,
            Stage::Checking => 60,
            Stage::Reporting => 90,
            Stage::Done => 100,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "Reading the file",
            Stage::Parsing => "Understanding the app",
            Stage::Checking => "Checking for risks",
            Stage::Reporting => "Writing the report",
            Stage::Done => "Done",
        }
    }
}

/// Scan one dropped file.
pub fn scan(input: &[u8], file_name: &str, policy: &Policy) -> Result<Report, ScanError> {
    scan_with_progress(input, file_name, policy, &mut |_| {})
}

/// [`scan`], reporting each stage as it starts.
pub fn scan_with_progress(
    input: &[u8],
    file_name: &str,
    policy: &Policy,
    progress: &mut dyn FnMut(Stage),
) -> Result<Report, ScanError> {
    progress(Stage::Reading);
    let bundle = ingest::ingest(input, file_name, &policy.limits).map_err(ScanError::printable)?;
    let mut notes: Vec<report::Note> = bundle
        .skipped
        .iter()
        .map(|s| report::Note {
            file: s.display_path.clone(),
            message: format!("not read: {}", s.reason),
        })
        .collect();

    progress(Stage::Parsing);
    let parsed = platforms::parse(&bundle, &mut notes);
    // XML documents parsed at ingest that no parser took are not needed now.
    ingest::forget_parsed_xml();
    let mut apps = parsed.map_err(ScanError::printable)?;
    detect::enrich(&mut apps, policy);
    for app in &mut apps {
        app.index_steps();
    }
    let model = model::Model { apps };

    progress(Stage::Checking);
    let ctx = rules::Context { policy };
    let mut findings = rules::run(&model.apps, &ctx);
    // The policy's own checks and custom rules, then its sensitive-category weighting.
    findings.extend(custom_rules::run(&model.apps, policy, &mut notes));
    custom_rules::adjust_for_categories(&model.apps, policy, &mut findings);
    notes.extend(policy.warnings.iter().map(|w| report::Note {
        file: String::new(),
        message: w.clone(),
    }));
    report::sort_findings(&mut findings);

    progress(Stage::Reporting);
    let mut platforms: Vec<model::Platform> = model.apps.iter().map(|a| a.platform).collect();
    platforms.sort();
    platforms.dedup();
    let components = model
        .apps
        .iter()
        .map(|a| report::ComponentSummary {
            name: a.name.clone(),
            platform: a.platform,
            kind: format!("{:?}", a.kind).to_ascii_lowercase(),
            steps: a.steps.len(),
            file: a.location.file.to_string(),
        })
        .collect();
    let report = Report {
        schema_version: 1,
        tool: report::ToolInfo {
            name: "lcscan".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            policy: policy.name.clone(),
            policy_version: policy.version.clone(),
        },
        file: file_name.to_string(),
        platforms,
        components,
        summary: report::summarize(&model, &findings),
        inventory: inventory::build(&model, policy),
        findings,
        notes,
        exceptions: Vec::new(),
    };
    progress(Stage::Done);
    Ok(report)
}
