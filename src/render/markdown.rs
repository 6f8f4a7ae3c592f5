//! A Markdown report to paste into a ticket or a pull request.

use std::fmt::Write;

use super::{
    accepted, by_severity, component_names, counts_line, expired_note, inventory_tables, place,
};
use crate::report::{Report, Severity};

pub fn render(reports: &[Report]) -> String {
    let mut out = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        one(&mut out, r);
    }
    if reports.len() > 1 {
        let total: usize = reports.iter().map(|r| r.findings.len()).sum();
        let _ = writeln!(
            out,
            "\n---\n\n## All files\n\n**{} files scanned, {total} findings.**\n",
            reports.len()
        );
        let _ = writeln!(out, "| File | Risk score | Grade | Findings |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for r in reports {
            let _ = writeln!(
                out,
                "| {} | {}/100 | {} | {} |",
                esc(&r.file),
                r.summary.risk_score,
                r.summary.grade,
                r.findings.len()
            );
        }
    }
    out
}

fn one(out: &mut String, r: &Report) {
    let _ = writeln!(out, "# lcscan report: {}\n", esc(&r.file));
    let _ = writeln!(
        out,
        "**Risk score {}/100 (grade {})** — {}\n",
        r.summary.risk_score,
        r.summary.grade,
        counts_line(r)
    );
    let _ = writeln!(out, "| Critical | High | Medium | Low | Info | Total |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    let count = |s: Severity| r.summary.counts.get(&s).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |\n",
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info),
        r.findings.len()
    );
    let _ = writeln!(
        out,
        "Platform: {} · Apps: {} · Policy: {} {}\n",
        esc(&r.platform_names()),
        esc(&component_names(r)),
        esc(&r.tool.policy),
        esc(&r.tool.policy_version)
    );
    let _ = writeln!(out, "## Findings\n");
    if r.findings.is_empty() {
        let _ = writeln!(out, "No problems found.\n");
    }
    let mut n = 0;
    for (severity, findings) in by_severity(r) {
        for f in findings {
            n += 1;
            let _ = writeln!(
                out,
                "### {n}. {} — {}\n",
                severity.as_str().to_ascii_uppercase(),
                esc(&f.title)
            );
            let _ = writeln!(out, "- **Where:** {}", esc(&place(f)));
            let _ = writeln!(
                out,
                "- **File:** {} at {}",
                esc(&f.location.file),
                esc(&f.location.path)
            );
            let _ = writeln!(out, "- **What:** {}", esc(&f.message));
            let _ = writeln!(out, "- **Why it matters:** {}", esc(&f.why));
            let _ = writeln!(out, "- **How to fix:** {}", esc(&f.fix));
            if let Some(ev) = &f.evidence {
                let _ = writeln!(out, "- **Seen (masked):** {}", esc(ev));
            }
            if let Some(note) = expired_note(r, f) {
                let _ = writeln!(out, "- **Exception expired:** {}", esc(&note));
            }
            let _ = writeln!(
                out,
                "- {} {} · OWASP {} ({}) · CWE-{} · fingerprint {}\n",
                f.rule_id,
                esc(&f.rule_name),
                f.owasp,
                f.owasp_lcnc,
                f.cwe,
                f.fingerprint
            );
        }
    }
    let accepted = accepted(r);
    if !accepted.is_empty() {
        let _ = writeln!(out, "## Accepted risks (not counted)\n");
        let _ = writeln!(out, "| Severity | Rule | What | Accepted |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for o in accepted {
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} |",
                o.finding.severity.as_str(),
                o.finding.rule_id,
                esc(&o.finding.title),
                esc(&o.finding.message),
                esc(&o.describe())
            );
        }
        out.push('\n');
    }
    inventory(out, r);
    if !r.notes.is_empty() {
        let _ = writeln!(out, "## Notes\n");
        for note in &r.notes {
            let _ = writeln!(out, "- {}: {}", esc(&note.file), esc(&note.message));
        }
        out.push('\n');
    }
}

fn inventory(out: &mut String, r: &Report) {
    let _ = writeln!(out, "## What the app uses\n");
    for t in inventory_tables(r) {
        table(out, t.title, t.head, t.rows);
    }
}

fn table(out: &mut String, title: &str, head: &[&str], rows: Vec<Vec<String>>) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title}\n");
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(head.len()));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| esc(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// Text from the export, made inert: no HTML, no links, no table breaks,
/// no emphasis, one line.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '`' | '*' | '_' | '~' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;

    #[test]
    fn markdown_escapes_export_text() {
        let out = render(&[sample::report()]);
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!out.contains("<img"));
        assert!(out.contains("data in \\| run it"));
        assert!(out.contains("### 1. CRITICAL — Anyone on the internet can start this workflow"));
        assert!(out.contains("| Slack | communication | yes | unknown | 2 |"));
        assert!(out.contains("| 1 | 0 | 0 | 1 | 0 | 2 |"), "summary table");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn backticks_and_strikethrough_are_inert() {
        let mut r = sample::report();
        r.findings[0].message = "a `code` ~~gone~~ [link](http://x) <b>".into();
        let out = render(&[r]);
        assert!(out.contains("a \\`code\\` \\~\\~gone\\~\\~ \\[link\\](http://x) &lt;b&gt;"));
    }

    #[test]
    fn several_reports_end_with_a_table_of_files() {
        let mut other = sample::report();
        other.file = "a|b.json".into();
        let out = render(&[sample::report(), other]);
        assert!(out.contains("**2 files scanned, 4 findings.**"));
        assert!(out.contains("| a\\|b.json | 42/100 | D | 2 |"));
    }
}
