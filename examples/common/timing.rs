//! CPU-time measuring shared by the benchmark examples.

use std::time::Instant;

/// Seconds this thread has run on a CPU (Linux), or None elsewhere.
pub fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Run `f` once to warm up, then `repeat` times; the shortest CPU time
/// (wall time where CPU time cannot be read) and the last result.
pub fn best_of<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut out = f();
    let mut best = f64::INFINITY;
    for _ in 0..repeat {
        let (start, cpu) = (Instant::now(), cpu_seconds());
        out = f();
        let took = match (cpu, cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => start.elapsed().as_secs_f64(),
        };
        best = best.min(took);
    }
    (best, out)
}
