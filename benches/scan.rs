//! Throughput of `scan()` on real exports beside plain `serde_json` parsing of
//! the same bytes (the ceiling). Uses `../shared/corpus` when present, else the
//! project's own fixtures. Figures are recorded in docs/benchmarks.md.
//!
//! Run: `cargo bench --bench scan`

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lcscan::{scan, Policy};

const CORPUS_FOLDERS: &[&str] = &[
    "n8n",
    "power-automate",
    "salesforce-flow",
    "logic-apps",
    "pp-solution",
    "powerapps-canvas",
    "nodered",
    "make",
];

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// (file name, bytes) of every export that scans successfully, per platform folder.
fn inputs(folder: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("../shared/corpus").join(folder), &mut files);
    if files.is_empty() {
        collect(&root.join("tests/fixtures").join(folder), &mut files);
    }
    let policy = Policy::default();
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let name = p.file_name()?.to_string_lossy().to_string();
            scan(&bytes, &name, &policy).ok()?;
            Some((name, bytes))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default();
    for folder in CORPUS_FOLDERS {
        let set = inputs(folder);
        if set.is_empty() {
            continue;
        }
        let bytes: u64 = set.iter().map(|(_, b)| b.len() as u64).sum();
        let mut group = c.benchmark_group(*folder);
        group.throughput(Throughput::Bytes(bytes));
        group.sample_size(10);
        group.bench_function("scan", |b| {
            b.iter(|| {
                for (name, data) in &set {
                    let _ = std::hint::black_box(scan(data, name, &policy));
                }
            })
        });
        group.bench_function("parse only: serde_json / roxmltree (ceiling)", |b| {
            b.iter(|| {
                for (_, data) in &set {
                    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
                    if data.first() == Some(&b'<') {
                        let text = std::str::from_utf8(data).unwrap_or("");
                        let _ = std::hint::black_box(roxmltree::Document::parse(text).is_ok());
                    } else {
                        let _ =
                            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(data));
                    }
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
