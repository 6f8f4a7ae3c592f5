//! Reviewed exceptions: a reviewer accepts a finding for a while, with a name,
//! a reason and an expiry date.
//!
//! The exceptions file (TOML, or the same structure as JSON for the page) is
//! keyed by finding fingerprint, which stays the same across scans and file
//! renames. [`apply`] moves findings with a valid exception out of the report's
//! findings into [`Report::exceptions`] (shown as "accepted until …"); an
//! exception past its expiry date leaves the finding where it is and is
//! listed as expired, so the risk counts again. The engine has no clock: the
//! caller passes today's date.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::report::{Finding, Report};

/// The exceptions file format written and read by this version.
pub const FORMAT_VERSION: u32 = 1;

/// A calendar date (`2026-11-23`), compared as dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parse `YYYY-MM-DD`, checking the day exists in that month.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let valid = (1..=12).contains(&date.month)
            && date.day >= 1
            && date.day <= days_in_month(date.year, date.month)
            && date.year >= 1970;
        valid.then_some(date)
    }

    /// The date `days` days after 1970-01-01 (for callers that have a clock).
    pub fn from_days_since_epoch(days: u64) -> Date {
        // Howard Hinnant's civil-from-days algorithm, for non-negative days.
        let z = days as i64 + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: month as u8,
            day: day as u8,
        }
    }
}

impl Date {
    /// Days from 1970-01-01 to this date (inverse of [`Date::from_days_since_epoch`]).
    pub fn days_since_epoch(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The finding's fingerprint (16 hex characters).
    pub fingerprint: String,
    /// Rule id, for the reader (`LC002`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rule: String,
    /// App / flow the finding is in, for the reader.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub component: String,
    /// What was accepted, for the reader (the finding's message).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub finding: String,
    /// Who accepted the risk.
    pub accepted_by: String,
    /// Why the risk is acceptable.
    pub reason: String,
    /// When it was accepted (`YYYY-MM-DD`).
    pub accepted_on: String,
    /// Last day the exception holds (`YYYY-MM-DD`); after it the finding counts again.
    pub expires: String,
    /// Ticket or change reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

/// An exceptions file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exceptions {
    pub format_version: u32,
    #[serde(default, rename = "exception")]
    pub exceptions: Vec<Exception>,
}

impl Default for Exceptions {
    fn default() -> Self {
        Exceptions {
            format_version: FORMAT_VERSION,
            exceptions: Vec::new(),
        }
    }
}

/// Why an exceptions file or a new exception was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionsError(pub String);

impl fmt::Display for ExceptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "The exceptions file is not valid: {}", self.0)
    }
}

impl std::error::Error for ExceptionsError {}

fn invalid(reason: impl Into<String>) -> ExceptionsError {
    ExceptionsError(reason.into())
}

/// Whether an exception still holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExceptionStatus {
    /// Accepted until its expiry date: the finding is not counted.
    Accepted,
    /// Past its expiry date: the finding counts again.
    Expired,
}

/// What an exception did to one finding of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionOutcome {
    pub status: ExceptionStatus,
    pub exception: Exception,
    pub finding: Finding,
}

impl ExceptionOutcome {
    /// "accepted until 2027-02-21 by Jane (reason: …)" / "exception expired on …".
    pub fn describe(&self) -> String {
        let e = &self.exception;
        let ticket = e
            .ticket
            .as_deref()
            .map(|t| format!(", ticket {t}"))
            .unwrap_or_default();
        match self.status {
            ExceptionStatus::Accepted => format!(
                "Accepted until {} by {} on {}{ticket}. Reason: {}",
                e.expires, e.accepted_by, e.accepted_on, e.reason
            ),
            ExceptionStatus::Expired => format!(
                "The exception that {} accepted on {} expired on {}, so this counts again{ticket}. Reason given then: {}",
                e.accepted_by, e.accepted_on, e.expires, e.reason
            ),
        }
    }
}

impl Exception {
    /// A new exception for `finding`, checked like a loaded one.
    pub fn for_finding(
        finding: &Finding,
        accepted_by: &str,
        reason: &str,
        accepted_on: Date,
        expires: Date,
        ticket: Option<&str>,
    ) -> Result<Exception, ExceptionsError> {
        let exception = Exception {
            fingerprint: finding.fingerprint.clone(),
            rule: finding.rule_id.clone(),
            component: finding.component.clone(),
            finding: finding.message.clone(),
            accepted_by: accepted_by.trim().to_string(),
            reason: reason.trim().to_string(),
            accepted_on: accepted_on.to_string(),
            expires: expires.to_string(),
            ticket: ticket
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from),
        };
        exception.check(0)?;
        Ok(exception)
    }

    fn check(&self, index: usize) -> Result<(), ExceptionsError> {
        let which = if self.rule.is_empty() {
            format!("exception {} ({})", index + 1, self.fingerprint)
        } else {
            format!(
                "exception {} ({} {})",
                index + 1,
                self.rule,
                self.fingerprint
            )
        };
        let fp = self.fingerprint.trim();
        if fp.len() != 16 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid(format!(
                "{which}: `fingerprint` must be the 16-character fingerprint shown with the finding"
            )));
        }
        if self.accepted_by.trim().is_empty() {
            return Err(invalid(format!(
                "{which}: `accepted_by` must say who accepted the risk"
            )));
        }
        if self.reason.trim().is_empty() {
            return Err(invalid(format!(
                "{which}: `reason` must say why the risk is acceptable"
            )));
        }
        let Some(accepted_on) = Date::parse(&self.accepted_on) else {
            return Err(invalid(format!(
                "{which}: `accepted_on` must be a date like 2026-11-23, not '{}'",
                self.accepted_on
            )));
        };
        let Some(expires) = Date::parse(&self.expires) else {
            return Err(invalid(format!(
                "{which}: `expires` must be a date like 2027-02-23, not '{}'",
                self.expires
            )));
        };
        if expires < accepted_on {
            return Err(invalid(format!(
                "{which}: `expires` ({expires}) is before `accepted_on` ({accepted_on})"
            )));
        }
        Ok(())
    }
}

impl Exceptions {
    pub fn from_toml(text: &str) -> Result<Exceptions, ExceptionsError> {
        let parsed: Exceptions =
            toml::from_str(text).map_err(|e| invalid(e.to_string().trim().to_string()))?;
        parsed.validated()
    }

    pub fn from_json(text: &str) -> Result<Exceptions, ExceptionsError> {
        let parsed: Exceptions = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        parsed.validated()
    }

    /// Read either form: JSON when the text starts with `{`.
    pub fn parse(text: &str) -> Result<Exceptions, ExceptionsError> {
        let text = text.trim_start_matches('\u{feff}');
        if text.trim_start().starts_with('{') {
            Exceptions::from_json(text)
        } else {
            Exceptions::from_toml(text)
        }
    }

    fn validated(self) -> Result<Exceptions, ExceptionsError> {
        if self.format_version != FORMAT_VERSION {
            return Err(invalid(format!(
                "`format_version` is {}, this lcscan reads version {FORMAT_VERSION}",
                self.format_version
            )));
        }
        let mut seen = BTreeSet::new();
        for (i, e) in self.exceptions.iter().enumerate() {
            e.check(i)?;
            if !seen.insert(e.fingerprint.to_ascii_lowercase()) {
                return Err(invalid(format!(
                    "exception {}: fingerprint {} is listed twice",
                    i + 1,
                    e.fingerprint
                )));
            }
        }
        Ok(self)
    }

    /// Add or replace (same fingerprint) an exception; keeps the list sorted
    /// by rule then fingerprint so the file diffs well.
    pub fn upsert(&mut self, exception: Exception) {
        self.exceptions
            .retain(|e| !e.fingerprint.eq_ignore_ascii_case(&exception.fingerprint));
        self.exceptions.push(exception);
        self.exceptions.sort_by(|a, b| {
            a.rule
                .cmp(&b.rule)
                .then_with(|| a.component.cmp(&b.component))
                .then_with(|| a.fingerprint.cmp(&b.fingerprint))
        });
    }

    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# lcscan exceptions: findings a reviewer accepted for a limited time.\n\
             # Each entry needs who accepted it, why, and until when; after `expires`\n\
             # the finding counts again. Use with `lcscan scan --baseline <this file>`.\n\n",
        );
        out.push_str(&format!("format_version = {}\n", self.format_version));
        for e in &self.exceptions {
            out.push_str("\n[[exception]]\n");
            let mut line = |key: &str, value: &str| {
                out.push_str(&format!("{key} = {}\n", toml_string(value)));
            };
            line("fingerprint", &e.fingerprint);
            if !e.rule.is_empty() {
                line("rule", &e.rule);
            }
            if !e.component.is_empty() {
                line("component", &e.component);
            }
            if !e.finding.is_empty() {
                line("finding", &e.finding);
            }
            line("accepted_by", &e.accepted_by);
            line("reason", &e.reason);
            line("accepted_on", &e.accepted_on);
            line("expires", &e.expires);
            if let Some(ticket) = &e.ticket {
                line("ticket", ticket);
            }
        }
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Exceptions whose fingerprint is not in `matched`: the finding is gone
    /// (fixed, or the app changed), so the entry can be removed.
    pub fn unmatched<'a>(&'a self, matched: &BTreeSet<String>) -> Vec<&'a Exception> {
        self.exceptions
            .iter()
            .filter(|e| !matched.contains(&e.fingerprint.to_ascii_lowercase()))
            .collect()
    }
}

/// A TOML basic string. JSON string escapes (`\"`, `\\`, `\n`, `\u0001`)
/// are all valid TOML escapes, so serde_json writes it.
fn toml_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into())
}

/// Apply exceptions to a report as of `today`. Returns the fingerprints that
/// matched a finding (lower-case), so a caller scanning many files can tell
/// which exceptions no longer match anything.
pub fn apply(report: &mut Report, exceptions: &Exceptions, today: Date) -> BTreeSet<String> {
    let mut matched = BTreeSet::new();
    if exceptions.exceptions.is_empty() {
        return matched;
    }
    let mut kept = Vec::with_capacity(report.findings.len());
    for finding in std::mem::take(&mut report.findings) {
        let fp = finding.fingerprint.to_ascii_lowercase();
        let exception = exceptions
            .exceptions
            .iter()
            .find(|e| e.fingerprint.eq_ignore_ascii_case(&fp));
        let Some(exception) = exception else {
            kept.push(finding);
            continue;
        };
        matched.insert(fp);
        let still_valid = Date::parse(&exception.expires).is_some_and(|d| d >= today);
        let status = if still_valid {
            ExceptionStatus::Accepted
        } else {
            kept.push(finding.clone());
            ExceptionStatus::Expired
        };
        report.exceptions.push(ExceptionOutcome {
            status,
            exception: exception.clone(),
            finding,
        });
    }
    report.findings = kept;
    report.exceptions.sort_by(|a, b| {
        a.status
            .cmp(&b.status)
            .then_with(|| b.finding.severity.cmp(&a.finding.severity))
            .then_with(|| a.finding.fingerprint.cmp(&b.finding.fingerprint))
    });
    report.summary.recount(&report.findings);
    matched
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn dates_parse_strictly_and_compare() {
        assert_eq!(day("2026-11-23").to_string(), "2026-11-23");
        assert!(day("2026-11-23") < day("2027-01-01"));
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("23/11/2026").is_none());
        assert!(Date::parse("2026-1-1").is_none());
        assert!(Date::parse("").is_none());
    }

    #[test]
    fn days_since_epoch_give_the_calendar_date() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(11_016).to_string(),
            "2000-02-29"
        );
        assert_eq!(
            Date::from_days_since_epoch(20_415).to_string(),
            "2025-11-23"
        );
    }

    fn exception(fp: &str, expires: &str) -> Exception {
        Exception {
            fingerprint: fp.into(),
            rule: "LC002".into(),
            component: "Flow".into(),
            finding: String::new(),
            accepted_by: "Ana".into(),
            reason: "Sandbox key".into(),
            accepted_on: "2026-01-01".into(),
            expires: expires.into(),
            ticket: None,
        }
    }

    #[test]
    fn a_reason_an_owner_and_an_expiry_are_required() {
        let file = |body: &str| format!("format_version = 1\n[[exception]]\n{body}");
        let ok = "fingerprint = \"0123456789abcdef\"\naccepted_by = \"Ana\"\nreason = \"r\"\naccepted_on = \"2026-01-01\"\nexpires = \"2026-02-01\"\n";
        assert!(Exceptions::from_toml(&file(ok)).is_ok());
        let no_reason = ok.replace("reason = \"r\"", "reason = \"  \"");
        let err = Exceptions::from_toml(&file(&no_reason)).unwrap_err();
        assert!(err.to_string().contains("`reason` must say why"), "{err}");
        let no_expiry = ok.replace("expires = \"2026-02-01\"\n", "");
        let err = Exceptions::from_toml(&file(&no_expiry)).unwrap_err();
        assert!(err.to_string().contains("expires"), "{err}");
        let bad_date = ok.replace("2026-02-01", "next year");
        let err = Exceptions::from_toml(&file(&bad_date)).unwrap_err();
        assert!(err.to_string().contains("not 'next year'"), "{err}");
        let bad_fp = ok.replace("0123456789abcdef", "abc");
        assert!(Exceptions::from_toml(&file(&bad_fp)).is_err());
        let twice = format!("{}[[exception]]\n{ok}", file(ok));
        let err = Exceptions::from_toml(&twice).unwrap_err();
        assert!(err.to_string().contains("listed twice"), "{err}");
        let unknown = file(&format!("{ok}approver = \"x\"\n"));
        assert!(Exceptions::from_toml(&unknown).is_err());
        let wrong_version = file(ok).replace("format_version = 1", "format_version = 9");
        assert!(Exceptions::from_toml(&wrong_version).is_err());
    }

    #[test]
    fn toml_and_json_round_trip() {
        let mut ex = Exceptions::default();
        ex.upsert(exception("0123456789abcdef", "2027-01-01"));
        ex.upsert(exception("fedcba9876543210", "2027-01-01"));
        ex.upsert(exception("0123456789abcdef", "2027-06-01"));
        ex.exceptions[0].reason =
            "Quotes \" and \\ back\nslash, tab\t, bell \u{7} and ünïcödé".into();
        ex.exceptions[1].ticket = Some("SEC-1".into());
        assert_eq!(ex.exceptions.len(), 2);
        assert_eq!(Exceptions::parse(&ex.to_toml()).unwrap(), ex);
        assert_eq!(Exceptions::parse(&ex.to_json()).unwrap(), ex);
        assert!(ex.to_toml().starts_with("# lcscan exceptions"));
    }

    fn finding(fp: &str, sev: Severity) -> Finding {
        Finding {
            rule_id: "LC002".into(),
            rule_name: "hardcoded-secret".into(),
            severity: sev,
            title: "t".into(),
            message: "m".into(),
            why: String::new(),
            fix: String::new(),
            location: Default::default(),
            component: "Flow".into(),
            platform: Default::default(),
            evidence: None,
            owasp: String::new(),
            owasp_lcnc: String::new(),
            cwe: 0,
            fingerprint: fp.into(),
        }
    }

    #[test]
    fn accepted_findings_leave_the_count_and_expired_ones_stay() {
        let mut report = crate::scan(
            b"{\"nodes\":[],\"connections\":{}}",
            "w.json",
            &Default::default(),
        )
        .unwrap();
        report.findings = vec![
            finding("aaaaaaaaaaaaaaaa", Severity::Critical),
            finding("bbbbbbbbbbbbbbbb", Severity::High),
            finding("cccccccccccccccc", Severity::Low),
        ];
        report.summary.recount(&report.findings);
        assert_eq!(report.summary.total, 3);
        let mut ex = Exceptions::default();
        ex.upsert(exception("AAAAAAAAAAAAAAAA", "2026-11-23"));
        ex.upsert(exception("bbbbbbbbbbbbbbbb", "2026-11-22"));
        ex.upsert(exception("dddddddddddddddd", "2027-01-01"));
        let matched = apply(&mut report, &ex, day("2026-11-23"));

        // Valid through its last day: accepted and no longer counted.
        let left: Vec<_> = report
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        assert_eq!(left, ["bbbbbbbbbbbbbbbb", "cccccccccccccccc"]);
        assert_eq!(report.summary.total, 2);
        assert_eq!(report.summary.counts[&Severity::Critical], 0);
        // One rule: its worst (high, 20) plus a quarter for the repeat.
        assert_eq!(report.summary.risk_score, 25);
        let statuses: Vec<_> = report.exceptions.iter().map(|o| o.status).collect();
        assert_eq!(
            statuses,
            [ExceptionStatus::Accepted, ExceptionStatus::Expired]
        );
        assert!(report.exceptions[0]
            .describe()
            .starts_with("Accepted until 2026-11-23 by Ana"));
        assert!(report.exceptions[1]
            .describe()
            .contains("expired on 2026-11-22"));
        let unmatched: Vec<_> = ex
            .unmatched(&matched)
            .iter()
            .map(|e| e.fingerprint.clone())
            .collect();
        assert_eq!(unmatched, ["dddddddddddddddd"]);
    }

    #[test]
    fn a_new_exception_is_checked() {
        let f = finding("0123456789abcdef", Severity::High);
        let ok = Exception::for_finding(
            &f,
            "Ana",
            "Test data only",
            day("2026-11-23"),
            day("2027-02-23"),
            Some(" SEC-1 "),
        );
        let ok = ok.unwrap();
        assert_eq!(ok.ticket.as_deref(), Some("SEC-1"));
        assert_eq!(ok.rule, "LC002");
        assert!(
            Exception::for_finding(&f, "Ana", " ", day("2026-11-23"), day("2027-02-23"), None)
                .is_err()
        );
        assert!(
            Exception::for_finding(&f, "", "r", day("2026-11-23"), day("2027-02-23"), None)
                .is_err()
        );
        assert!(
            Exception::for_finding(&f, "Ana", "r", day("2026-11-23"), day("2026-11-01"), None)
                .is_err()
        );
    }
}
