//! CPU-time measuring shared by the benchmark examples.

use std::time::Instant;

/// Seconds this thread has run on a CPU (Linux), or None elsewhere.
pub fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Run `f` once to warm up, then `repeat` measurements; the shortest CPU time
/// of one call (wall time where CPU time cannot be read) and the last result.
///
/// The kernel may account CPU time in whole scheduler ticks (4 ms here), so
/// each measurement runs `f` as many times as fit in about a quarter of a
/// second and divides: a 20 ms pass is then known to well under 1 %.
pub fn best_of<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let warm_up = Instant::now();
    let mut out = f();
    let once = warm_up.elapsed().as_secs_f64().max(1e-6);
    let batch = ((0.25 / once).ceil() as usize).clamp(1, 10_000);
    let mut best = f64::INFINITY;
    for _ in 0..repeat {
        let (start, cpu) = (Instant::now(), cpu_seconds());
        for _ in 0..batch {
            out = f();
        }
        let took = match (cpu, cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => start.elapsed().as_secs_f64(),
        };
        best = best.min(took / batch as f64);
    }
    (best, out)
}
