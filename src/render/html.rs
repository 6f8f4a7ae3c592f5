//! A self-contained static HTML report: inline CSS, no script, every piece
//! of text from the export escaped.

use std::fmt::Write;

use super::{
    accepted, by_severity, component_names, counts_line, expired_note, inventory_tables, place,
};
use crate::report::{Report, Severity};

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}\
h1{font-size:1.5rem}.sum{padding:.75rem 1rem;background:#f3f4f6;border-radius:.5rem}\
.card{border:1px solid #d0d4da;border-left-width:.4rem;border-radius:.4rem;padding:.5rem 1rem;margin:1rem 0}\
.critical{border-left-color:#8b0000}.high{border-left-color:#c62828}.medium{border-left-color:#b26a00}\
.low{border-left-color:#1565c0}.info{border-left-color:#6b7280}\
.sev{font-weight:700;text-transform:uppercase;font-size:.8rem}dt{font-weight:600}dd{margin:0 0 .4rem 0}\
code{background:#f3f4f6;padding:0 .2rem;border-radius:.2rem;word-break:break-all}\
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #d0d4da;padding:.25rem .5rem;text-align:left}\
.meta{color:#4b5563;font-size:.85rem}";

pub fn render(reports: &[Report]) -> String {
    let mut out = String::new();
    let title = match reports {
        [one] => format!("lcscan report: {}", esc(&one.file)),
        _ => format!("lcscan report: {} files", reports.len()),
    };
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\n"
    );
    for r in reports {
        one(&mut out, r);
    }
    if reports.len() > 1 {
        let total: usize = reports.iter().map(|r| r.findings.len()).sum();
        let _ = writeln!(
            out,
            "<section><h1>All files</h1><p class=\"sum\"><strong>{} files scanned, {total} findings.</strong></p>",
            reports.len()
        );
        out.push_str(
            "<table><tr><th>File</th><th>Risk score</th><th>Grade</th><th>Findings</th></tr>\n",
        );
        for r in reports {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}/100</td><td>{}</td><td>{}</td></tr>",
                esc(&r.file),
                r.summary.risk_score,
                r.summary.grade,
                r.findings.len()
            );
        }
        out.push_str("</table></section>\n");
    }
    out.push_str("</body></html>\n");
    out
}

fn one(out: &mut String, r: &Report) {
    let _ = writeln!(out, "<section><h1>lcscan report: {}</h1>", esc(&r.file));
    let _ = writeln!(
        out,
        "<p class=\"sum\"><strong>Risk score {}/100, grade {}</strong> — {}<br>\
         Platform: {} · Apps: {} · Policy: {} {}</p>",
        r.summary.risk_score,
        r.summary.grade,
        counts_line(r),
        esc(&r.platform_names()),
        esc(&component_names(r)),
        esc(&r.tool.policy),
        esc(&r.tool.policy_version)
    );
    if r.findings.is_empty() {
        let _ = writeln!(out, "<p>No problems found.</p>");
    }
    for (severity, findings) in by_severity(r) {
        let _ = writeln!(out, "<h2>{} ({})</h2>", heading(severity), findings.len());
        for f in findings {
            let _ = writeln!(
                out,
                "<article class=\"card {sev}\"><p><span class=\"sev\">{sev}</span> {title}</p><dl>\
                 <dt>Where</dt><dd>{place} <span class=\"meta\">({file} at <code>{path}</code>)</span></dd>\
                 <dt>What</dt><dd>{msg}</dd><dt>Why it matters</dt><dd>{why}</dd>\
                 <dt>How to fix</dt><dd>{fix}</dd>",
                sev = severity.as_str(),
                title = esc(&f.title),
                place = esc(&place(f)),
                file = esc(&f.location.file),
                path = esc(&f.location.path),
                msg = esc(&f.message),
                why = esc(&f.why),
                fix = esc(&f.fix),
            );
            if let Some(ev) = &f.evidence {
                let _ = writeln!(
                    out,
                    "<dt>Seen (masked)</dt><dd><code>{}</code></dd>",
                    esc(ev)
                );
            }
            if let Some(note) = expired_note(r, f) {
                let _ = writeln!(out, "<dt>Exception expired</dt><dd>{}</dd>", esc(&note));
            }
            let _ = writeln!(
                out,
                "</dl><p class=\"meta\">{} {} · OWASP {} ({}) · CWE-{} · fingerprint {}</p></article>",
                esc(&f.rule_id),
                esc(&f.rule_name),
                esc(&f.owasp),
                esc(&f.owasp_lcnc),
                f.cwe,
                esc(&f.fingerprint)
            );
        }
    }
    let accepted = accepted(r);
    if !accepted.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Accepted risks, not counted ({})</h2><ul>",
            accepted.len()
        );
        for o in accepted {
            let _ = writeln!(
                out,
                "<li><span class=\"sev\">{}</span> {} {}: {} <em>{}</em></li>",
                o.finding.severity.as_str(),
                esc(&o.finding.rule_id),
                esc(&o.finding.title),
                esc(&o.finding.message),
                esc(&o.describe())
            );
        }
        out.push_str("</ul>\n");
    }
    inventory(out, r);
    if !r.notes.is_empty() {
        out.push_str("<h2>Notes</h2><ul>\n");
        for n in &r.notes {
            let _ = writeln!(out, "<li>{}: {}</li>", esc(&n.file), esc(&n.message));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn inventory(out: &mut String, r: &Report) {
    for t in inventory_tables(r) {
        table(out, t.title, t.head, t.rows);
    }
}

/// A table of export text; every cell escaped.
fn table(out: &mut String, title: &str, head: &[&str], rows: Vec<Vec<String>>) {
    if rows.is_empty() {
        return;
    }
    let _ = write!(out, "<h2>{title}</h2><table><tr>");
    for h in head {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", esc(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn heading(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "For information",
    }
}

/// Escape text for HTML element content and quoted attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
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
    fn html_has_no_script_and_escapes_everything() {
        let out = render(&[sample::report()]);
        assert!(!out.contains("<img"));
        assert!(!out.to_ascii_lowercase().contains("<script"));
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(out.contains("default-src 'none'"));
        assert!(out.contains("<span class=\"sev\">critical</span>"));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn inventory_cells_and_file_names_are_escaped_too() {
        let mut r = sample::report();
        r.file = "<script>alert(1)</script>.json".into();
        r.inventory.endpoints.push(crate::report::EndpointItem {
            url: "https://x.test/?a=<svg onload=alert(1)>".into(),
            host: Some("x.test".into()),
            component: "\"><img src=x>".into(),
            location: crate::model::Location::new("f.json", "/nodes/1"),
        });
        let out = render(&[r.clone(), r]);
        assert!(!out.contains("<script>") && !out.contains("<svg") && !out.contains("<img"));
        assert!(out.contains("<h2>Addresses it calls</h2>"));
        assert!(out.contains("https://x.test/?a=&lt;svg onload=alert(1)&gt;"));
        assert!(out.contains("<h1>All files</h1>"));
        assert!(out.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;.json</td><td>42/100</td>"));
    }
}
