//! Every rule against its fixtures.
//!
//! `tests/fixtures/rules/<ID>-<name>/` holds small exports shaped like real
//! ones: files starting with `bad` must raise the rule (and their findings are
//! snapshotted, so a change in wording or location shows up in review), files
//! starting with `good` must not. Every registered rule needs at least one of
//! each.

use std::path::{Path, PathBuf};

use lcscan::rules::RULES;
use lcscan::{scan, Policy};

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

fn rule_dir(id: &str, name: &str) -> PathBuf {
    fixture_root().join(format!("{id}-{name}"))
}

fn files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(prefix))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn default_policy() -> Policy {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/policies/default.toml"),
    )
    .expect("default policy");
    Policy::from_toml(&text).expect("default policy parses")
}

#[test]
fn every_rule_has_good_and_bad_fixtures() {
    let mut missing = Vec::new();
    for rule in RULES {
        let dir = rule_dir(rule.id, rule.name);
        if files(&dir, "bad").is_empty() || files(&dir, "good").is_empty() {
            missing.push(format!("{}", dir.display()));
        }
    }
    assert!(
        missing.is_empty(),
        "rules without bad*/good* fixtures:\n{}",
        missing.join("\n")
    );
}

#[test]
fn fixture_folders_belong_to_registered_rules() {
    for entry in std::fs::read_dir(fixture_root())
        .expect("fixture root")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().to_string();
        assert!(
            RULES.iter().any(|r| name == format!("{}-{}", r.id, r.name)),
            "fixture folder {name} matches no registered rule"
        );
    }
}

#[test]
fn bad_fixtures_raise_their_rule_and_good_ones_do_not() {
    let policy = default_policy();
    let mut failures = Vec::new();
    for rule in RULES {
        let dir = rule_dir(rule.id, rule.name);
        for path in files(&dir, "bad") {
            let bytes = std::fs::read(&path).expect("read fixture");
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let report = match scan(&bytes, &name, &policy) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{}: scan failed: {e}", path.display()));
                    continue;
                }
            };
            let hits: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule_id == rule.id)
                .collect();
            if hits.is_empty() {
                failures.push(format!("{}: expected {} to fire", path.display(), rule.id));
                continue;
            }
            for f in &hits {
                assert!(!f.message.is_empty() && !f.why.is_empty() && !f.fix.is_empty());
            }
            let snap_name = format!("{}-{}", rule.id, name.replace('.', "_"));
            insta::with_settings!({snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false}, {
                insta::assert_json_snapshot!(snap_name, hits);
            });
        }
        for path in files(&dir, "good") {
            let bytes = std::fs::read(&path).expect("read fixture");
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            match scan(&bytes, &name, &policy) {
                Ok(report) => {
                    let wrong: Vec<_> = report
                        .findings
                        .iter()
                        .filter(|f| f.rule_id == rule.id)
                        .map(|f| f.message.clone())
                        .collect();
                    if !wrong.is_empty() {
                        failures.push(format!(
                            "{}: {} fired on a good fixture: {wrong:?}",
                            path.display(),
                            rule.id
                        ));
                    }
                }
                Err(e) => failures.push(format!("{}: scan failed: {e}", path.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
