//! SARIF 2.1.0 for code-scanning dashboards: every rule with its help text,
//! every finding as a result with a stable partial fingerprint.

use serde_json::{json, Value};

use crate::report::{Finding, Report, Severity};
use crate::rules::{Rule, RULES};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(reports: &[Report]) -> String {
    let rules: Vec<Value> = RULES.iter().map(|r| rule(r)).collect();
    let mut artifacts = Artifacts::default();
    let mut results: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .map(|(r, f)| result(r, f, &mut artifacts))
        .collect();
    // Accepted findings stay in the log as suppressed results, so code
    // scanning tools show them as dismissed with the reviewer's reason.
    for r in reports {
        for o in super::accepted(r) {
            let mut res = result(r, &o.finding, &mut artifacts);
            if let Some(obj) = res.as_object_mut() {
                obj.insert(
                    "suppressions".into(),
                    json!([{
                        "kind": "external",
                        "status": "accepted",
                        "justification": o.describe(),
                    }]),
                );
            }
            results.push(res);
        }
    }
    let version = reports
        .first()
        .map_or(env!("CARGO_PKG_VERSION").to_string(), |r| {
            r.tool.version.clone()
        });
    let notifications: Vec<Value> = reports
        .iter()
        .flat_map(|r| {
            r.notes.iter().map(|n| {
                json!({
                    "level": "note",
                    "message": { "text": format!("{}: {}", n.file, n.message) },
                })
            })
        })
        .collect();
    let mut invocation = json!({ "executionSuccessful": true });
    if !notifications.is_empty() {
        if let Some(obj) = invocation.as_object_mut() {
            obj.insert(
                "toolExecutionNotifications".into(),
                Value::Array(notifications),
            );
        }
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "lcscan",
                    "version": version,
                    "semanticVersion": version,
                    "rules": rules,
                }
            },
            "invocations": [invocation],
            "artifacts": artifacts.list,
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's 0–10 `security-severity`.
fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn first_paragraph(doc: &str, heading: &str) -> String {
    let Some((_, rest)) = doc.split_once(heading) else {
        return String::new();
    };
    rest.trim_start()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn rule(r: &Rule) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": first_paragraph(r.doc, "## What it finds") },
        "help": { "text": r.doc, "markdown": r.doc },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": ["security", r.owasp, r.owasp_lcnc, format!("external/cwe/cwe-{}", r.cwe)],
            "security-severity": security_severity(r.severity),
            "precision": "high",
        }
    })
}

/// The file the user has, and the member inside it for archive members.
fn artifact(file: &str) -> (&str, Option<&str>) {
    match file.split_once("!/") {
        Some((outer, inner)) => (outer, Some(inner)),
        None => (file, None),
    }
}

/// A relative URI reference: path separators kept, everything else that is
/// not unreserved percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The scanned file: relative paths stay relative references (what code
/// scanning services match against the repository); absolute paths become
/// `file://` URIs, as SARIF asks for absolute locations.
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let drive = path.as_bytes().get(1) == Some(&b':') && path.as_bytes().get(2) == Some(&b'/');
    if let (true, Some(letter), Some(rest)) = (drive, path.get(..2), path.get(2..)) {
        // `C:/x` → `file:///C:/x` (the colon after the drive letter stays).
        format!("file:///{letter}{}", uri(rest))
    } else if path.starts_with('/') {
        format!("file://{}", uri(&path))
    } else {
        uri(&path)
    }
}

/// `run.artifacts`: every file results point at, in first-seen order. A file
/// inside an archive is its own artifact (uri = the path inside the archive)
/// whose `parentIndex` is the archive, as SARIF 2.1.0 §3.24.3 describes.
#[derive(Default)]
struct Artifacts {
    list: Vec<Value>,
    /// (parent index, uri) → index in `list`.
    seen: Vec<(Option<usize>, String)>,
}

impl Artifacts {
    fn index(&mut self, parent: Option<usize>, uri: String) -> usize {
        if let Some(i) = self
            .seen
            .iter()
            .position(|(p, u)| *p == parent && *u == uri)
        {
            return i;
        }
        let mut artifact = json!({ "location": { "uri": uri } });
        if let (Some(p), Some(obj)) = (parent, artifact.as_object_mut()) {
            obj.insert("parentIndex".into(), json!(p));
        }
        self.list.push(artifact);
        self.seen.push((parent, uri));
        self.seen.len() - 1
    }

    /// The `artifactLocation` for a finding's file.
    fn location(&mut self, outer: &str, inner: Option<&str>) -> Value {
        let outer_uri = file_uri(outer);
        let outer_index = self.index(None, outer_uri.clone());
        match inner {
            Some(inner) => {
                let inner_uri = uri(inner);
                let i = self.index(Some(outer_index), inner_uri.clone());
                json!({ "uri": inner_uri, "index": i })
            }
            None => json!({ "uri": outer_uri, "index": outer_index }),
        }
    }
}

fn result(report: &Report, f: &Finding, artifacts: &mut Artifacts) -> Value {
    let (outer, inner) = artifact(&f.location.file);
    let outer = if outer.is_empty() {
        &report.file
    } else {
        outer
    };
    let mut text = format!("{} {} How to fix: {}", f.message, f.why, f.fix);
    if let Some(ev) = &f.evidence {
        text.push_str(&format!(" (seen: {ev})"));
    }
    let mut logical = vec![json!({
        "name": f.component,
        "kind": "module",
    })];
    if let Some(step) = &f.location.step {
        logical.push(json!({
            "name": step,
            "fullyQualifiedName": f.location.path,
            "kind": "member",
        }));
    }
    let rule_index = RULES.iter().position(|r| r.id == f.rule_id);
    let mut result = json!({
        "ruleId": f.rule_id,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifacts.location(outer, inner),
            },
            "logicalLocations": logical,
        }],
        "partialFingerprints": { "lcscan/v1": f.fingerprint },
        "properties": {
            "severity": f.severity.as_str(),
            "title": f.title,
            "component": f.component,
            "platform": f.platform.display_name(),
            "export": outer,
            "fileInExport": inner,
            "path": f.location.path,
            "owasp": f.owasp,
            "cwe": f.cwe,
            "security-severity": security_severity(f.severity),
        }
    });
    if let (Some(i), Some(obj)) = (rule_index, result.as_object_mut()) {
        obj.insert("ruleIndex".into(), json!(i));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;

    fn doc() -> Value {
        serde_json::from_str(&render(&[sample::report()])).unwrap()
    }

    /// The properties SARIF 2.1.0 requires (sarif-schema-2.1.0.json `required`
    /// lists) and the ones code-scanning services read.
    #[test]
    fn has_the_required_sarif_structure() {
        let d = doc();
        assert_eq!(d["version"], "2.1.0");
        assert_eq!(d["$schema"], SCHEMA);
        let run = &d["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "lcscan");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        for r in rules {
            assert!(r["id"].is_string());
            assert!(r["shortDescription"]["text"].is_string());
            assert!(r["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## How to fix"));
        }
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        for res in results {
            assert!(res["message"]["text"]
                .as_str()
                .unwrap()
                .contains("How to fix:"));
            assert!(["error", "warning", "note", "none"].contains(&res["level"].as_str().unwrap()));
            let loc = &res["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(loc["uri"], "wf/main.json");
            assert_eq!(loc["index"], 1);
            let step = &res["locations"][0]["logicalLocations"][1];
            assert_eq!(step["fullyQualifiedName"], "/nodes/0/parameters");
            assert!(step["name"].is_string());
            assert_eq!(res["partialFingerprints"]["lcscan/v1"], "0123456789abcdef");
            assert_eq!(res["properties"]["fileInExport"], "wf/main.json");
        }
        // The archive, then the member inside it pointing at its parent.
        let artifacts = run["artifacts"].as_array().unwrap();
        assert_eq!(artifacts.len(), 2);
        assert_eq!(artifacts[0]["location"]["uri"], "flows.zip");
        assert!(artifacts[0].get("parentIndex").is_none());
        assert_eq!(artifacts[1]["location"]["uri"], "wf/main.json");
        assert_eq!(artifacts[1]["parentIndex"], 0);
        assert_eq!(results[0]["level"], "error");
        assert_eq!(results[1]["level"], "note");
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"][0]["level"],
            "note"
        );
    }

    /// Every `required` list of sarif-schema-2.1.0.json that applies to the
    /// objects lcscan writes, checked by hand (no network in tests).
    #[test]
    fn required_properties_of_the_2_1_0_schema() {
        fn has(v: &Value, keys: &[&str], what: &str) {
            for k in keys {
                assert!(v.get(*k).is_some(), "{what} lacks required '{k}': {v}");
            }
        }
        fn message(v: &Value, what: &str) {
            // message / multiformatMessageString: `text` (or `id`) required, a string.
            assert!(v["text"].is_string(), "{what}: {v}");
        }
        let d = doc();
        has(&d, &["version", "runs"], "sarifLog");
        for run in d["runs"].as_array().unwrap() {
            has(run, &["tool"], "run");
            has(&run["tool"], &["driver"], "tool");
            has(&run["tool"]["driver"], &["name"], "toolComponent");
            for r in run["tool"]["driver"]["rules"].as_array().unwrap() {
                has(r, &["id"], "reportingDescriptor");
                for m in ["shortDescription", "fullDescription", "help"] {
                    message(&r[m], m);
                }
                let level = r["defaultConfiguration"]["level"].as_str().unwrap();
                assert!(["none", "note", "warning", "error"].contains(&level));
                let sev: f64 = r["properties"]["security-severity"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((0.0..=10.0).contains(&sev));
            }
            for inv in run["invocations"].as_array().unwrap() {
                has(inv, &["executionSuccessful"], "invocation");
                for n in inv["toolExecutionNotifications"].as_array().unwrap() {
                    has(n, &["message"], "notification");
                    message(&n["message"], "notification.message");
                }
            }
            let artifacts = run["artifacts"].as_array().unwrap();
            for a in artifacts {
                if let Some(p) = a.get("parentIndex") {
                    assert!(p.as_u64().unwrap() < artifacts.len() as u64);
                }
            }
            for res in run["results"].as_array().unwrap() {
                has(res, &["message"], "result");
                message(&res["message"], "result.message");
                assert!(res["ruleIndex"].as_i64().unwrap() >= -1);
                for loc in res["locations"].as_array().unwrap() {
                    let al = &loc["physicalLocation"]["artifactLocation"];
                    let i = al["index"].as_u64().unwrap() as usize;
                    // §3.4.3: with an index, uri equals that artifact's uri.
                    assert_eq!(artifacts[i]["location"]["uri"], al["uri"]);
                }
                for (k, v) in res["partialFingerprints"].as_object().unwrap() {
                    assert!(k.contains('/') && v.is_string());
                }
            }
        }
    }

    #[test]
    fn rule_index_points_at_the_rule() {
        let d = doc();
        let run = &d["runs"][0];
        for res in run["results"].as_array().unwrap() {
            if let Some(i) = res["ruleIndex"].as_u64() {
                assert_eq!(
                    run["tool"]["driver"]["rules"][i as usize]["id"],
                    res["ruleId"]
                );
            }
        }
    }

    #[test]
    fn many_reports_are_one_run_and_plain_files_are_their_own_artifact() {
        let mut plain = sample::report();
        plain.file = "exports/flow one.json".into();
        for f in &mut plain.findings {
            f.location.file = "exports/flow one.json".into();
        }
        let d: Value = serde_json::from_str(&render(&[sample::report(), plain])).unwrap();
        let runs = d["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        let results = runs[0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        let last = &results[3]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(last["uri"], "exports/flow%20one.json");
        assert_eq!(last["index"], 2);
        assert_eq!(runs[0]["artifacts"].as_array().unwrap().len(), 3);
    }

    /// Results and artifacts only: the rules list grows as rules are added.
    #[test]
    fn results_snapshot() {
        let d = doc();
        let run = &d["runs"][0];
        let part = json!({
            "version": d["version"],
            "artifacts": run["artifacts"],
            "invocations": run["invocations"],
            "results": run["results"],
        });
        insta::assert_snapshot!(serde_json::to_string_pretty(&part).unwrap());
    }

    #[test]
    fn absolute_paths_are_file_uris() {
        assert_eq!(file_uri("/tmp/my flow.json"), "file:///tmp/my%20flow.json");
        assert_eq!(file_uri("C:\\Users\\a\\f.zip"), "file:///C:/Users/a/f.zip");
        assert_eq!(file_uri("exports/f.json"), "exports/f.json");
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("my flows\\a b#.zip"), "my%20flows/a%20b%23.zip");
    }
}
