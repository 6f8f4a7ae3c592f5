//! Helper of `scripts/bench-peers.sh`: times `lcscan::scan` and the parse-only
//! ceiling (`serde_json` for JSON, `roxmltree` for XML) on the files listed in
//! the file given as the first argument, in this one process and one thread,
//! best of `REPEAT` runs (default 5) after one warm-up. Files are read into
//! memory first, so both figures are pure CPU work. Times are CPU time of this
//! thread (from /proc/self/schedstat on Linux, so other processes on a busy
//! machine count less), falling back to wall-clock. Prints one JSON line.
//!
//! Run: `cargo run --release --example bench_peers -- files.txt`

#[path = "common/timing.rs"]
mod timing;
use timing::best_of;

use lcscan::{scan, scan_with_progress, Policy, Stage};

fn parse_only(data: &[u8]) -> bool {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    if data.first() == Some(&b'<') {
        std::str::from_utf8(data)
            .ok()
            .and_then(|t| roxmltree::Document::parse(t).ok())
            .is_some()
    } else {
        serde_json::from_slice::<serde_json::Value>(data).is_ok()
    }
}

fn main() {
    let Some(list) = std::env::args().nth(1) else {
        eprintln!("usage: bench_peers <file listing one path per line>");
        std::process::exit(2);
    };
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let text = std::fs::read_to_string(&list).unwrap_or_default();
    let files: Vec<(String, Vec<u8>)> = text
        .lines()
        .filter(|l| !l.is_empty())
        .filter_map(|p| Some((p.to_string(), std::fs::read(p).ok()?)))
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let policy = Policy::default();
    let (scan_s, reports) = best_of(repeat, || {
        files
            .iter()
            .filter(|(name, data)| std::hint::black_box(scan(data, name, &policy)).is_ok())
            .count()
    });
    let findings: usize = files
        .iter()
        .filter_map(|(name, data)| scan(data, name, &policy).ok())
        .map(|r| r.findings.len())
        .sum();
    let (parse_s, parsed) = best_of(repeat, || {
        files
            .iter()
            .filter(|(_, data)| std::hint::black_box(parse_only(data)))
            .count()
    });
    if std::env::var_os("PHASES").is_some() {
        phases(&files, &policy);
    }
    println!(
        "{{\"files\": {}, \"bytes\": {bytes}, \"scan_seconds\": {scan_s:.6}, \"reports\": {reports}, \
         \"findings\": {findings}, \"parse_seconds\": {parse_s:.6}, \"parsed\": {parsed}}}",
        files.len()
    );
}

/// Where a scan's time goes (PHASES=1): wall-clock per stage of
/// `scan_with_progress` over 20 passes (stages are microseconds per file,
/// below CPU-time accounting's resolution), printed to stderr.
fn phases(files: &[(String, Vec<u8>)], policy: &Policy) {
    use std::time::Instant;
    let names = [
        "reading (ingest)",
        "parsing + enrich",
        "checking (rules)",
        "reporting + drop",
    ];
    let mut spent = [0f64; 4];
    for _ in 0..20 {
        for (name, data) in files {
            let mut at = Instant::now();
            let mut stage = 0usize;
            let report = scan_with_progress(data, name, policy, &mut |s| {
                let next = match s {
                    Stage::Reading => 0,
                    Stage::Parsing => 1,
                    Stage::Checking => 2,
                    Stage::Reporting | Stage::Done => 3,
                };
                if next != stage {
                    if let Some(t) = spent.get_mut(stage) {
                        *t += at.elapsed().as_secs_f64();
                    }
                    at = Instant::now();
                    stage = next;
                }
            });
            std::hint::black_box(report).ok();
            if let Some(t) = spent.get_mut(stage) {
                *t += at.elapsed().as_secs_f64();
            }
        }
    }
    let total: f64 = spent.iter().sum();
    for (name, t) in names.iter().zip(spent) {
        eprintln!(
            "{name:>18}: {:6.2} ms/pass ({:4.1} %)",
            t * 1e3 / 20.0,
            100.0 * t / total
        );
    }
}
