//! The page's state and every change to it, as a pure reducer (tested
//! natively, no browser needed).

use std::collections::BTreeMap;

use lcscan::baseline::{Date, Exception, Exceptions};

use crate::policy::InForce;
use crate::view::{ViewDiff, ViewExceptionOutcome, ViewFinding, ViewReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Findings,
    Inventory,
}

/// The result for one dropped file.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Report {
        report: Box<ViewReport>,
        /// Format name → file contents, for the download buttons.
        downloads: BTreeMap<String, String>,
    },
    Error {
        code: String,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileResult {
    pub name: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Progress {
    pub file: String,
    pub percent: u8,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    /// Files sent to the scanner and not answered yet, in order.
    pub pending: Vec<String>,
    pub progress: Option<Progress>,
    pub results: Vec<FileResult>,
    pub tab: Tab,
    /// Only this severity ("high"), or all.
    pub severity: Option<String>,
    /// Only this rule id ("LC001"), or all.
    pub rule: Option<String>,
    pub search: String,
    /// The scanner stopped unexpectedly; shown until the next scan.
    pub crash: Option<String>,
    /// The policy in force; `None` while the portal's policy is loading.
    pub policy: Option<InForce>,
    /// Why the portal's or the chosen policy could not be used.
    pub policy_error: Option<String>,
    /// Reviewed exceptions applied to every scan (loaded and/or created here).
    pub exceptions: Exceptions,
    /// The exceptions file loaded, if any.
    pub exceptions_file: Option<String>,
    pub exceptions_error: Option<String>,
    /// Fingerprint of the finding whose "accept this risk" form is open.
    pub accepting: Option<String>,
    pub accept_error: Option<String>,
    /// Comparing two versions: under way.
    pub diff_busy: bool,
    /// The last comparison, or why it failed.
    pub diff: Option<Result<ViewDiff, String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// New files were chosen: earlier results are replaced.
    Queued(Vec<String>),
    Progress {
        file: String,
        percent: u8,
        label: String,
    },
    Finished(FileResult),
    /// The scanner crashed on the file it was working on.
    Crashed(String),
    SetTab(Tab),
    SetSeverity(Option<String>),
    SetRule(Option<String>),
    SetSearch(String),
    /// This policy is in force now.
    PolicyReady(InForce),
    /// A policy could not be used: why (the one in force stays, or the
    /// built-in default if none was yet).
    PolicyFailed(String),
    ExceptionsLoaded {
        file: String,
        exceptions: Exceptions,
    },
    ExceptionsFailed(String),
    /// Open (or close, `None`) the accept form of a finding.
    OpenAccept(Option<String>),
    ExceptionAdded(Exception),
    AcceptFailed(String),
    DiffStarted,
    DiffFinished(Result<ViewDiff, String>),
}

pub const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

impl State {
    pub fn reduce(mut self, action: Action) -> State {
        match action {
            Action::Queued(files) => {
                self.results.clear();
                self.crash = None;
                self.severity = None;
                self.rule = None;
                self.search.clear();
                self.progress = files.first().map(|f| Progress {
                    file: f.clone(),
                    percent: 0,
                    label: "Waiting".into(),
                });
                self.pending = files;
            }
            Action::Progress {
                file,
                percent,
                label,
            } => {
                self.progress = Some(Progress {
                    file,
                    percent: percent.min(100),
                    label,
                });
            }
            Action::Finished(result) => {
                if let Some(i) = self.pending.iter().position(|p| *p == result.name) {
                    self.pending.remove(i);
                }
                self.results.push(result);
                self.progress = self.pending.first().map(|f| Progress {
                    file: f.clone(),
                    percent: 0,
                    label: "Waiting".into(),
                });
            }
            Action::Crashed(message) => {
                // The file being scanned failed; the others are sent again by the page.
                if !self.pending.is_empty() {
                    let name = self.pending.remove(0);
                    self.results.push(FileResult {
                        name,
                        outcome: Outcome::Error {
                            code: "internal".into(),
                            message: message.clone(),
                        },
                    });
                }
                self.crash = Some(message);
                self.progress = None;
            }
            Action::SetTab(tab) => self.tab = tab,
            Action::SetSeverity(s) => self.severity = s.filter(|s| !s.is_empty()),
            Action::SetRule(r) => self.rule = r.filter(|r| !r.is_empty()),
            Action::SetSearch(s) => self.search = s,
            Action::PolicyReady(policy) => {
                self.policy = Some(policy);
                self.policy_error = None;
            }
            Action::PolicyFailed(why) => {
                if self.policy.is_none() {
                    self.policy = Some(InForce::built_in());
                }
                self.policy_error = Some(why);
            }
            Action::ExceptionsLoaded { file, exceptions } => {
                self.exceptions = exceptions;
                self.exceptions_file = Some(file);
                self.exceptions_error = None;
            }
            Action::ExceptionsFailed(why) => self.exceptions_error = Some(why),
            Action::OpenAccept(fingerprint) => {
                self.accepting = fingerprint;
                self.accept_error = None;
            }
            Action::ExceptionAdded(exception) => {
                self.exceptions.upsert(exception);
                self.accepting = None;
                self.accept_error = None;
            }
            Action::AcceptFailed(why) => self.accept_error = Some(why),
            Action::DiffStarted => {
                self.diff_busy = true;
                self.diff = None;
            }
            Action::DiffFinished(result) => {
                self.diff_busy = false;
                self.diff = Some(result);
                if self.pending.is_empty() {
                    self.progress = None;
                }
            }
        }
        self
    }

    /// The policy is known, so files can be sent.
    pub fn policy_ready(&self) -> bool {
        self.policy.is_some()
    }

    /// Accepted or expired exceptions over all reports, with their file.
    pub fn exception_outcomes(&self) -> Vec<(&str, &ViewExceptionOutcome)> {
        self.reports()
            .flat_map(|r| r.exceptions.iter().map(move |e| (r.file.as_str(), e)))
            .collect()
    }

    /// The expired exception of a finding still counted, if any.
    pub fn expired_exception(&self, fingerprint: &str) -> Option<&ViewExceptionOutcome> {
        self.reports()
            .flat_map(|r| r.exceptions.iter())
            .find(|e| e.status == "expired" && e.finding.fingerprint == fingerprint)
    }

    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    pub fn reports(&self) -> impl Iterator<Item = &ViewReport> {
        self.results.iter().filter_map(|r| match &r.outcome {
            Outcome::Report { report, .. } => Some(report.as_ref()),
            Outcome::Error { .. } => None,
        })
    }

    /// Findings that pass the filters and the search, with their file.
    pub fn visible(&self) -> Vec<(&str, &ViewFinding)> {
        let needle = self.search.trim().to_lowercase();
        self.reports()
            .flat_map(|r| r.findings.iter().map(move |f| (r.file.as_str(), f)))
            .filter(|(_, f)| self.severity.as_ref().is_none_or(|s| &f.severity == s))
            .filter(|(_, f)| self.rule.as_ref().is_none_or(|r| &f.rule_id == r))
            .filter(|(_, f)| needle.is_empty() || matches_search(f, &needle))
            .collect()
    }

    /// Rule ids present in the results, with titles, for the rule filter.
    pub fn rules_present(&self) -> Vec<(String, String)> {
        let mut rules: BTreeMap<String, String> = BTreeMap::new();
        for r in self.reports() {
            for f in &r.findings {
                rules.entry(f.rule_id.clone()).or_insert(f.title.clone());
            }
        }
        rules.into_iter().collect()
    }

    /// Findings per severity over all reports (before filters).
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for sev in SEVERITIES {
            let n = self
                .reports()
                .flat_map(|r| r.findings.iter())
                .filter(|f| f.severity == sev)
                .count();
            counts.insert(sev, n);
        }
        counts
    }
}

/// What the reviewer typed in the "accept this risk" form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AcceptForm {
    pub accepted_by: String,
    pub reason: String,
    /// `YYYY-MM-DD` (a date input's value).
    pub expires: String,
    pub ticket: String,
}

/// A new exception for a finding from the form, checked: who and why are
/// required, and an expiry date from today on.
pub fn new_exception(
    finding: &ViewFinding,
    form: &AcceptForm,
    today: &str,
) -> Result<Exception, String> {
    if form.accepted_by.trim().is_empty() {
        return Err("Say who accepts this risk (your name or role).".into());
    }
    if form.reason.trim().is_empty() {
        return Err(
            "Say why this risk is acceptable: the reason is kept with the exception.".into(),
        );
    }
    let Some(expires) = Date::parse(&form.expires) else {
        return Err("Choose the last day this acceptance holds: an exception always ends.".into());
    };
    let Some(today_date) = Date::parse(today) else {
        return Err("This browser's date could not be read.".into());
    };
    if expires < today_date {
        return Err(format!(
            "The end date {expires} has passed: choose today ({today_date}) or later."
        ));
    }
    let ticket = form.ticket.trim();
    let exception = Exception {
        fingerprint: finding.fingerprint.clone(),
        rule: finding.rule_id.clone(),
        component: finding.component.clone(),
        finding: finding.message.clone(),
        accepted_by: form.accepted_by.trim().to_string(),
        reason: form.reason.trim().to_string(),
        accepted_on: today_date.to_string(),
        expires: expires.to_string(),
        ticket: (!ticket.is_empty()).then(|| ticket.to_string()),
    };
    // The engine's own checks, as when the file is loaded again.
    let probe = Exceptions {
        exceptions: vec![exception.clone()],
        ..Exceptions::default()
    };
    Exceptions::from_json(&probe.to_json()).map_err(|e| e.to_string())?;
    Ok(exception)
}

fn matches_search(f: &ViewFinding, needle: &str) -> bool {
    [
        &f.title,
        &f.message,
        &f.why,
        &f.fix,
        &f.rule_id,
        &f.rule_name,
        &f.component,
    ]
    .iter()
    .any(|t| t.to_lowercase().contains(needle))
        || f.location
            .step
            .as_ref()
            .is_some_and(|s| s.to_lowercase().contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, sev: &str, step: &str) -> ViewFinding {
        ViewFinding {
            rule_id: rule.into(),
            severity: sev.into(),
            title: format!("title {rule}"),
            message: format!("The node '{step}' does something"),
            location: crate::view::ViewLocation {
                step: Some(step.into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn done(name: &str, findings: Vec<ViewFinding>) -> Action {
        Action::Finished(FileResult {
            name: name.into(),
            outcome: Outcome::Report {
                report: Box::new(ViewReport {
                    file: name.into(),
                    findings,
                    ..Default::default()
                }),
                downloads: BTreeMap::new(),
            },
        })
    }

    #[test]
    fn queue_progress_and_results() {
        let s = State::default().reduce(Action::Queued(vec!["a.json".into(), "b.zip".into()]));
        assert!(s.busy());
        assert_eq!(s.progress.as_ref().unwrap().file, "a.json");
        let s = s.reduce(Action::Progress {
            file: "a.json".into(),
            percent: 160,
            label: "Checking".into(),
        });
        assert_eq!(s.progress.as_ref().unwrap().percent, 100);
        let s = s.reduce(done(
            "a.json",
            vec![finding("LC001", "critical", "Webhook")],
        ));
        assert_eq!(s.progress.as_ref().unwrap().file, "b.zip");
        let s = s.reduce(Action::Finished(FileResult {
            name: "b.zip".into(),
            outcome: Outcome::Error {
                code: "broken-zip".into(),
                message: "damaged".into(),
            },
        }));
        assert!(!s.busy());
        assert!(s.progress.is_none());
        assert_eq!(s.results.len(), 2);
        assert_eq!(s.reports().count(), 1);
        // A new drop replaces the results.
        let s = s.reduce(Action::Queued(vec!["c.json".into()]));
        assert!(s.results.is_empty());
    }

    #[test]
    fn filters_and_search_combine() {
        let s = State::default()
            .reduce(Action::Queued(vec!["a".into()]))
            .reduce(done(
                "a",
                vec![
                    finding("LC001", "critical", "Webhook"),
                    finding("LC002", "high", "Send to Slack"),
                    finding("LC002", "high", "Create lead"),
                ],
            ));
        assert_eq!(s.visible().len(), 3);
        let s = s.reduce(Action::SetSeverity(Some("high".into())));
        assert_eq!(s.visible().len(), 2);
        let s = s.reduce(Action::SetSearch("slack".into()));
        assert_eq!(s.visible().len(), 1);
        let s = s
            .reduce(Action::SetSearch(String::new()))
            .reduce(Action::SetSeverity(Some(String::new())))
            .reduce(Action::SetRule(Some("LC001".into())));
        assert_eq!(s.visible().len(), 1);
        assert_eq!(s.rules_present().len(), 2);
        assert_eq!(s.counts()["high"], 2);
    }

    #[test]
    fn a_crash_fails_the_current_file_only() {
        let s = State::default()
            .reduce(Action::Queued(vec!["a".into(), "b".into()]))
            .reduce(Action::Crashed("internal error".into()));
        assert_eq!(s.results.len(), 1);
        assert_eq!(s.pending, vec!["b".to_string()]);
        assert!(s.crash.is_some());
    }

    fn with_fingerprint() -> ViewFinding {
        ViewFinding {
            fingerprint: "0123456789abcdef".into(),
            ..finding("LC002", "high", "Send to Slack")
        }
    }

    #[test]
    fn an_exception_needs_who_why_and_a_future_expiry() {
        let f = with_fingerprint();
        let mut form = AcceptForm {
            accepted_by: "Jane".into(),
            reason: String::new(),
            expires: "2027-01-31".into(),
            ticket: " ".into(),
        };
        assert!(new_exception(&f, &form, "2026-11-23")
            .unwrap_err()
            .contains("why"));
        form.reason = "Test data only".into();
        form.expires = String::new();
        assert!(new_exception(&f, &form, "2026-11-23")
            .unwrap_err()
            .contains("last day"));
        form.expires = "2026-11-22".into();
        assert!(new_exception(&f, &form, "2026-11-23")
            .unwrap_err()
            .contains("has passed"));
        form.expires = "2027-01-31".into();
        let e = new_exception(&f, &form, "2026-11-23").unwrap();
        assert_eq!(e.accepted_on, "2026-11-23");
        assert_eq!(e.ticket, None);
        assert_eq!(e.rule, "LC002");
        form.accepted_by = "  ".into();
        assert!(new_exception(&f, &form, "2026-11-23")
            .unwrap_err()
            .contains("who"));
        // Added exceptions replace one with the same fingerprint.
        let s = State::default()
            .reduce(Action::OpenAccept(Some(f.fingerprint.clone())))
            .reduce(Action::ExceptionAdded(e.clone()))
            .reduce(Action::ExceptionAdded(Exception {
                ticket: Some("CHG-1".into()),
                ..e
            }));
        assert_eq!(s.exceptions.exceptions.len(), 1);
        assert_eq!(s.exceptions.exceptions[0].ticket.as_deref(), Some("CHG-1"));
        assert!(s.accepting.is_none());
        assert!(s.exceptions.to_toml().contains("ticket = \"CHG-1\""));
    }

    #[test]
    fn a_failed_policy_falls_back_to_the_built_in_default_with_a_message() {
        let s = State::default();
        assert!(!s.policy_ready());
        let s = s.reduce(Action::PolicyFailed("not found".into()));
        assert!(s.policy_ready());
        assert_eq!(
            s.policy.as_ref().unwrap().source,
            crate::policy::Source::BuiltIn
        );
        assert_eq!(s.policy_error.as_deref(), Some("not found"));
        let s = s.reduce(Action::PolicyReady(InForce::built_in()));
        assert!(s.policy_error.is_none());
    }
}
