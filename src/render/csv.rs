//! One row per finding, for spreadsheets (RFC 4180, formula-safe).

use crate::report::Report;

const HEADER: [&str; 14] = [
    "file",
    "severity",
    "rule_id",
    "rule_name",
    "title",
    "component",
    "step",
    "file_in_export",
    "path",
    "message",
    "why",
    "fix",
    "evidence",
    "fingerprint",
];

pub fn render(reports: &[Report]) -> String {
    let mut out = row(HEADER.iter().map(|s| s.to_string()));
    for r in reports {
        for f in &r.findings {
            out.push_str(&row([
                r.file.clone(),
                f.severity.as_str().into(),
                f.rule_id.clone(),
                f.rule_name.clone(),
                f.title.clone(),
                f.component.clone(),
                f.location.step.as_deref().unwrap_or_default().to_string(),
                f.location.file.to_string(),
                f.location.path.clone(),
                f.message.clone(),
                f.why.clone(),
                f.fix.clone(),
                f.evidence.clone().unwrap_or_default(),
                f.fingerprint.clone(),
            ]));
        }
    }
    out
}

fn row(cells: impl IntoIterator<Item = String>) -> String {
    let mut line = cells
        .into_iter()
        .map(|c| cell(&c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// Quote every cell; a cell a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading `'`.
fn cell(value: &str) -> String {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let mut out = String::with_capacity(value.len() + 3);
    out.push('"');
    if risky {
        out.push('\'');
    }
    out.push_str(&value.replace('"', "\"\""));
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;

    #[test]
    fn every_formula_start_is_neutralised() {
        for risky in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(risky).starts_with("\"'"), "{risky}");
        }
        assert_eq!(cell("Send to Slack"), "\"Send to Slack\"");
        assert_eq!(cell("a\nb"), "\"a\nb\"", "newlines stay inside the quotes");
    }

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let out = render(&[sample::report()]);
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert!(lines[0].starts_with("\"file\",\"severity\""));
        assert_eq!(lines.len(), 4, "header, two rows, trailing empty");
        assert!(lines[2].contains("\"'=HYPERLINK(\"\"http://evil\"\")\""));
        assert!(lines[2].contains("\"The node '=cmd' has a key, \"\"quoted\"\", with a comma.\""));
        insta::assert_snapshot!(out);
    }
}
