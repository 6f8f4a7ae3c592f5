//! The terminal report: a summary line, then findings by severity with
//! where / what / why / fix, wrapped for reading.

use std::fmt::Write;

use super::{accepted, by_severity, counts_line, expired_note, place};
use crate::report::{Report, Severity};

const WIDTH: usize = 96;

/// One report as terminal text; `color` adds ANSI colours to severities.
pub fn render_text(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let platforms = report.platform_names();
    let _ = writeln!(
        out,
        "{}{}",
        bold(&report.file, color),
        if platforms.is_empty() {
            String::new()
        } else {
            format!("  ({platforms})")
        }
    );
    for c in &report.components {
        let _ = writeln!(
            out,
            "  {} {} '{}': {} steps",
            c.platform.display_name(),
            c.kind,
            clean(&c.name),
            c.steps
        );
    }
    let _ = writeln!(
        out,
        "Risk score {}/100, grade {} — {}",
        report.summary.risk_score,
        report.summary.grade,
        counts_line(report)
    );
    if report.findings.is_empty() {
        let _ = writeln!(out, "\nNo problems found.");
    }
    for (severity, findings) in by_severity(report) {
        for f in findings {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "{}  {}  {}",
                label(severity, color),
                f.rule_id,
                bold(&clean(&f.title), color)
            );
            let place = place(f);
            let mut where_ = clean(&place);
            let file_path = format!("{} {}", f.location.file, f.location.path);
            if where_.is_empty() {
                where_ = clean(&file_path);
            } else {
                where_ = format!("{where_} ({})", clean(&file_path));
            }
            // Not wrapped: a file path split over two lines cannot be copied.
            let _ = writeln!(out, "      Where: {where_}");
            wrap_into(&mut out, "What", &clean(&f.message));
            wrap_into(&mut out, "Why", &clean(&f.why));
            wrap_into(&mut out, "Fix", &clean(&f.fix));
            if let Some(ev) = &f.evidence {
                wrap_into(&mut out, "Seen", &clean(ev));
            }
            if let Some(note) = expired_note(report, f) {
                wrap_into(&mut out, "Note", &clean(&note));
            }
            let _ = writeln!(
                out,
                "      OWASP {} ({}) · CWE-{} · {} · fingerprint {}",
                f.owasp, f.owasp_lcnc, f.cwe, f.rule_name, f.fingerprint
            );
        }
    }
    let accepted = accepted(report);
    if !accepted.is_empty() {
        let _ = writeln!(out, "\nAccepted risks (not counted in the score):");
        for o in accepted {
            let f = &o.finding;
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "ACCEPTED  {}  {}",
                f.rule_id,
                bold(&clean(&f.title), color)
            );
            wrap_into(&mut out, "What", &clean(&f.message));
            wrap_into(&mut out, "Note", &clean(&o.describe()));
        }
    }
    if !report.notes.is_empty() {
        let _ = writeln!(out, "\nNotes:");
        for n in &report.notes {
            let _ = writeln!(out, "  {}: {}", clean(&n.file), clean(&n.message));
        }
    }
    out
}

/// Several reports, then a total line.
pub fn render_many(reports: &[Report], color: bool) -> String {
    let mut out = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.push_str(&"─".repeat(40));
            out.push('\n');
        }
        out.push_str(&render_text(r, color));
    }
    if reports.len() > 1 {
        let total: usize = reports.iter().map(|r| r.findings.len()).sum();
        let worst = reports
            .iter()
            .map(|r| r.summary.risk_score)
            .max()
            .unwrap_or(0);
        let _ = writeln!(
            out,
            "\n{} files scanned, {total} findings, highest risk score {worst}/100.",
            reports.len()
        );
    }
    out
}

/// Terminal-safe text: control characters (ANSI escapes an export could
/// carry to repaint the terminal) become spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn wrap_into(out: &mut String, label: &str, text: &str) {
    let indent = 6;
    let head = format!("{:indent$}{label}: ", "");
    let mut line = head.clone();
    let pad = " ".repeat(head.chars().count());
    let mut line_len = line.chars().count();
    let mut first = true;
    for word in text.split_whitespace() {
        let wlen = word.chars().count();
        if !first && line_len + 1 + wlen > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = pad.clone();
            line_len = pad.len();
            first = true;
        }
        if !first {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(word);
        line_len += wlen;
        first = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn label(severity: Severity, color: bool) -> String {
    let text = format!("{:<8}", severity.as_str().to_ascii_uppercase());
    if !color {
        return text;
    }
    let code = match severity {
        Severity::Critical => "1;97;41",
        Severity::High => "1;31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn bold(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;

    #[test]
    fn text_has_summary_where_what_why_fix() {
        let out = render_text(&sample::report(), false);
        assert!(out
            .contains("Risk score 42/100, grade D — 1 critical, 0 high, 0 medium, 1 low, 0 info"));
        assert!(out.contains("CRITICAL  LC001  Anyone on the internet can start this workflow"));
        assert!(out.contains(
            "Where: Lead intake › <img src=x onerror=alert(1)> (flows.zip!/wf/main.json"
        ));
        assert!(out.contains("Fix: Open the Webhook node"));
        assert!(out.contains("Seen: sk_l••••••4x (32 characters)"));
        assert!(!out.contains('\x1b'));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn escape_sequences_from_the_export_are_neutralised() {
        let mut r = sample::report();
        r.findings[0].message = "evil \x1b[2J\x1b]0;title\x07 text".into();
        let out = render_text(&r, true);
        assert!(!out.contains("\x1b[2J"));
        assert!(out.contains("evil [2J ]0;title text"));
    }

    #[test]
    fn long_text_wraps() {
        let mut r = sample::report();
        r.findings[0].why = "word ".repeat(60);
        let out = render_text(&r, false);
        assert!(out
            .lines()
            .filter(|l| !l.contains("Where:") && !l.contains("OWASP"))
            .all(|l| l.chars().count() <= WIDTH));
        assert!(out.contains("      Why: word word"));
        assert!(
            out.contains("\n           word word"),
            "continuation lines are indented"
        );
    }
}
