//! The report as JSON: the [`Report`] structure serialised as-is, pretty
//! printed, fields in declaration order and maps in key order, so the same
//! scan always gives byte-identical output. Schema: `docs/report-schema.md`.

use crate::report::Report;

/// Deterministic pretty JSON of one report.
pub fn render(report: &Report) -> String {
    pretty(report)
}

/// One report is the report object itself; several are an array of reports.
pub fn render_many(reports: &[Report]) -> String {
    match reports {
        [one] => pretty(one),
        many => pretty(&many),
    }
}

fn pretty<T: serde::Serialize>(value: &T) -> String {
    // Serialising our own plain structs cannot fail; keep a valid JSON answer anyway.
    serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into()) + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;

    #[test]
    fn json_has_the_documented_top_level_fields() {
        let out = render(&sample::report());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        for key in [
            "schema_version",
            "tool",
            "file",
            "platforms",
            "components",
            "summary",
            "findings",
            "inventory",
            "notes",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["summary"]["counts"]["critical"], 1);
        assert_eq!(v["summary"]["grade"], "D");
        assert_eq!(v["findings"][1]["evidence"], "sk_l••••••4x (32 characters)");
        // No evidence: the key is left out rather than null.
        assert!(v["findings"][0].get("evidence").is_none());
        assert!(out.ends_with("}\n"));
        insta::assert_snapshot!(out);
    }

    /// docs/report-schema.md names every field the report has.
    #[test]
    fn schema_doc_lists_every_field() {
        fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, child) in map {
                        out.push(k.clone());
                        keys(child, out);
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|i| keys(i, out)),
                _ => {}
            }
        }
        let doc = include_str!("../../docs/report-schema.md");
        let mut r = sample::report();
        r.inventory.sensitive_fields.push(crate::report::FieldItem {
            name: "email".into(),
            category: "contact".into(),
            label: "e-mail address".into(),
            object: Some("Contact".into()),
            uses: 1,
            components: vec![],
            level: Some(crate::model::SensitivityLevel::LikelySensitive),
            regulations: vec!["GDPR".into()],
        });
        let v: serde_json::Value = serde_json::from_str(&render(&r)).unwrap();
        let mut all = Vec::new();
        keys(&v, &mut all);
        for k in all {
            // Severity keys of summary.counts are values, documented as such.
            assert!(
                doc.contains(&format!("`{k}`")),
                "docs/report-schema.md lacks `{k}`"
            );
        }
    }

    #[test]
    fn empty_list_is_an_empty_array() {
        assert_eq!(render_many(&[]), "[]\n");
    }
}
