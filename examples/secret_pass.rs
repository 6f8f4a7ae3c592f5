//! Throughput of the secret pass alone (issue 6/7), beside plain `serde_json`
//! parse speed of the same bytes, in this one process and one thread.
//!
//! Every file under the given folders (default: `../shared/corpus/n8n` and
//! `../shared/corpus/power-automate`, falling back to `tests/fixtures`) is
//! ingested and parsed once into the model; the timed part then runs
//! `detect::secrets::scan_value` over every (key, value) record the parsers
//! produced, exactly what the rules do. Beside it, `serde_json` parses the raw
//! JSON files (the parse ceiling). Best of `REPEAT` runs (default 5) after a
//! warm-up; times are CPU time of this thread (`/proc/self/schedstat`, so other
//! processes on a busy machine count less), falling back to wall-clock.
//!
//! It also prints a checksum of every hit (value index, pattern id, span,
//! confidence, name) so two builds can be compared for identical findings.
//!
//! Run: `cargo run --release --example secret_pass -- [folder ...]`

use std::path::{Path, PathBuf};

#[path = "common/timing.rs"]
mod timing;
use timing::best_of;

use lcscan::detect::secrets::scan_value;
use lcscan::model::Value;
use lcscan::{ingest, platforms, Policy};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// FNV-1a, enough to tell two runs apart.
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= u64::from(b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

fn main() {
    let mut dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        let corpus = Path::new("../shared/corpus");
        dirs = ["n8n", "power-automate"]
            .iter()
            .map(|d| corpus.join(d))
            .filter(|d| d.is_dir())
            .collect();
        if dirs.is_empty() {
            dirs.push(PathBuf::from("tests/fixtures"));
        }
    }
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mut paths = Vec::new();
    for d in &dirs {
        walk(d, &mut paths);
    }
    let policy = Policy::default();
    let mut file_bytes = 0usize;
    let mut json_files: Vec<Vec<u8>> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    for p in &paths {
        let Ok(data) = std::fs::read(p) else {
            continue;
        };
        let name = p.to_string_lossy();
        let Ok(bundle) = ingest::ingest(&data, &name, &policy.limits) else {
            continue;
        };
        let mut notes = Vec::new();
        let Ok(apps) = platforms::parse(&bundle, &mut notes) else {
            continue;
        };
        file_bytes += data.len();
        for app in apps {
            values.extend(app.values);
        }
        let body = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&data);
        if serde_json::from_slice::<serde_json::Value>(body).is_ok() {
            json_files.push(body.to_vec());
        }
    }
    if let Ok(path) = std::env::var("DUMP_VALUES") {
        // One JSON array per line: key, value, context, kind (for profiling elsewhere).
        let lines: Vec<String> = values
            .iter()
            .map(|v| {
                serde_json::json!([
                    v.key,
                    v.value,
                    format!("{:?}", v.context),
                    format!("{:?}", v.kind)
                ])
                .to_string()
            })
            .collect();
        let _ = std::fs::write(path, lines.join("\n"));
    }
    let value_bytes: usize = values.iter().map(|v| v.value.len()).sum();
    let json_bytes: usize = json_files.iter().map(Vec::len).sum();

    let (secret_s, hits) = best_of(repeat, || {
        values
            .iter()
            .map(|v| std::hint::black_box(scan_value(v)).len() as u64)
            .sum::<u64>()
    });
    let (parse_s, _) = best_of(repeat, || {
        json_files
            .iter()
            .filter(|d| {
                std::hint::black_box(serde_json::from_slice::<serde_json::Value>(d)).is_ok()
            })
            .count() as u64
    });
    let mut checksum = 0xcbf2_9ce4_8422_2325u64;
    for (i, v) in values.iter().enumerate() {
        for h in scan_value(v) {
            fnv(&mut checksum, &i.to_le_bytes());
            fnv(&mut checksum, h.pattern_id.as_bytes());
            fnv(&mut checksum, &h.start.to_le_bytes());
            fnv(&mut checksum, &h.end.to_le_bytes());
            fnv(&mut checksum, format!("{:?}", h.confidence).as_bytes());
            fnv(&mut checksum, h.name.as_bytes());
        }
    }
    let mb = |b: usize, s: f64| b as f64 / 1e6 / s;
    println!(
        "{} files ({:.1} MB), {} values ({:.1} MB of value text), {hits} hits, checksum {checksum:016x}",
        paths.len(),
        file_bytes as f64 / 1e6,
        values.len(),
        value_bytes as f64 / 1e6
    );
    println!(
        "secret pass: {secret_s:.3} s CPU = {:.1} MB/s of value text, {:.1} MB/s of export file",
        mb(value_bytes, secret_s),
        mb(file_bytes, secret_s)
    );
    println!(
        "serde_json parse of the same {} JSON files ({:.1} MB): {parse_s:.3} s CPU = {:.1} MB/s",
        json_files.len(),
        json_bytes as f64 / 1e6,
        mb(json_bytes, parse_s)
    );
}
