//! `.tar.gz` archives (Budibase app exports), read in memory as a stream with
//! the same budgets as zip archives: unpacked size, expansion ratio and the
//! number of entries. Every byte the gzip stream yields counts, including
//! members that are skipped, so a tar bomb stops as soon as it crosses a limit.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

use flate2::read::GzDecoder;

use super::{decode_document, mb, Bundle, Entry, Skipped};
use crate::error::ScanError;
use crate::policy::Limits;

/// Endings never worth decoding (uploaded attachments, app icons).
const SKIP_ENDINGS: &[&str] = &[
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".bmp", ".webp", ".ttf", ".woff", ".woff2",
    ".mp3", ".mp4", ".wav", ".pdf", ".zip", ".gz", ".exe",
];

/// Counts what the gzip stream yields and refuses to go past `cap` bytes.
struct Capped<R> {
    inner: R,
    read: u64,
    cap: u64,
    exceeded: Rc<Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read = self.read.saturating_add(n as u64);
        if self.read > self.cap {
            self.exceeded.set(true);
            return Err(io::Error::other("unpacked size limit"));
        }
        Ok(n)
    }
}

/// Read a gzip-compressed tar archive into `bundle`.
pub fn read_targz(
    bytes: &[u8],
    display_prefix: &str,
    limits: &Limits,
    bundle: &mut Bundle,
) -> Result<(), ScanError> {
    let exceeded = Rc::new(Cell::new(false));
    let ratio_cap = (bytes.len() as u64)
        .saturating_mul(limits.max_compression_ratio)
        .max(1024 * 1024);
    let reader = Capped {
        inner: GzDecoder::new(bytes),
        read: 0,
        cap: limits.max_unpacked_bytes.min(ratio_cap),
        exceeded: Rc::clone(&exceeded),
    };
    let bomb = || ScanError::TarGzBomb {
        limit_mb: mb(limits.max_unpacked_bytes),
        ratio: limits.max_compression_ratio,
    };
    let broken = |e: io::Error| {
        if exceeded.get() {
            return bomb();
        }
        let reason = match e.kind() {
            io::ErrorKind::UnexpectedEof => "the file ends too early".to_string(),
            _ => e.to_string(),
        };
        ScanError::BrokenTarGz { reason }
    };

    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(broken)?;
    let mut count = 0usize;
    for entry in entries {
        let mut entry = entry.map_err(broken)?;
        count += 1;
        if count > limits.max_entries {
            return Err(ScanError::TarGzTooManyEntries {
                limit: limits.max_entries,
            });
        }
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let raw = entry.path_bytes();
        let name = String::from_utf8_lossy(&raw).replace('\\', "/");
        let name = name.trim_start_matches("./").to_string();
        if name.is_empty() {
            continue;
        }
        let display_path = format!("{display_prefix}!/{name}");
        let lower = name.to_ascii_lowercase();
        if SKIP_ENDINGS.iter().any(|e| lower.ends_with(e)) {
            bundle.skipped.push(Skipped {
                display_path,
                reason: "not a text file".into(),
            });
            continue;
        }
        // The declared size can lie: read at most the budget plus one byte.
        let declared = entry.size();
        let mut data = Vec::with_capacity(declared.min(16 * 1024 * 1024) as usize);
        (&mut entry)
            .take(limits.max_unpacked_bytes.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(broken)?;
        if data.len() as u64 > limits.max_unpacked_bytes {
            return Err(bomb());
        }
        match decode_document(&data, limits) {
            Ok(content) => bundle.entries.push(Entry {
                display_path,
                path: name,
                content,
            }),
            Err(err) => bundle.skipped.push(Skipped {
                display_path,
                reason: err.to_string(),
            }),
        }
    }
    if exceeded.get() {
        return Err(bomb());
    }
    Ok(())
}
