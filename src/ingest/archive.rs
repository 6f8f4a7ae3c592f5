//! Zip archives, read in memory with strict budgets (zip bombs, entry counts, nesting).

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::CompressionMethod;

use super::{decode_named, mb, Bundle, Entry, Skipped, EMPTY_ZIP_MAGIC, ZIP_MAGIC};
use crate::error::ScanError;
use crate::policy::Limits;

/// What is left to unpack, shared by nested archives.
pub struct Budget {
    unpacked_left: u64,
    entries_left: usize,
}

impl Budget {
    pub fn new(limits: &Limits) -> Self {
        Budget {
            unpacked_left: limits.max_unpacked_bytes,
            entries_left: limits.max_entries,
        }
    }
}

/// File endings that are archives we open (Power Apps `.msapp`, nested solution zips).
const NESTED_ARCHIVE_ENDINGS: &[&str] = &[".zip", ".msapp"];
/// Endings never worth decoding (images, fonts, media).
const SKIP_ENDINGS: &[&str] = &[
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".bmp", ".webp", ".ttf", ".woff", ".woff2",
    ".mp3", ".mp4", ".wav", ".pdf", ".dll", ".exe", ".nupkg",
];

pub fn read_zip(
    bytes: &[u8],
    display_prefix: &str,
    path_prefix: &str,
    nesting: usize,
    limits: &Limits,
    budget: &mut Budget,
    bundle: &mut Bundle,
) -> Result<(), ScanError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    let count = archive.len();
    if count > budget.entries_left {
        return Err(ScanError::TooManyEntries {
            entries: count,
            limit: limits.max_entries,
        });
    }
    budget.entries_left -= count;

    for index in 0..count {
        let mut file = archive.by_index(index).map_err(zip_error)?;
        if file.is_dir() {
            continue;
        }
        let name = file.name().map_err(zip_error)?.replace('\\', "/");
        let path = format!("{path_prefix}{name}");
        let display_path = format!("{display_prefix}!/{name}");
        if file.encrypted() {
            return Err(ScanError::EncryptedZip);
        }
        match file.compression() {
            CompressionMethod::Stored | CompressionMethod::Deflated => {}
            other => {
                return Err(ScanError::UnsupportedCompression {
                    method: format!("{other:?}"),
                })
            }
        }
        let lower = name.to_ascii_lowercase();
        if SKIP_ENDINGS.iter().any(|e| lower.ends_with(e)) {
            bundle.skipped.push(Skipped {
                display_path,
                reason: "not a text file".into(),
            });
            continue;
        }

        // The declared size can lie, so read at most the budget plus one byte.
        let declared = file.size();
        let packed = file.compressed_size().max(1);
        if declared > budget.unpacked_left
            || (declared > 1024 * 1024 && declared / packed > limits.max_compression_ratio)
        {
            return Err(bomb(limits));
        }
        let cap = budget.unpacked_left.min(
            packed
                .saturating_mul(limits.max_compression_ratio)
                .max(1024 * 1024),
        );
        let mut data = Vec::with_capacity(declared.min(cap) as usize);
        (&mut file)
            .take(cap.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| ScanError::BrokenZip {
                reason: format!("{name}: {e}"),
            })?;
        if data.len() as u64 > cap {
            return Err(bomb(limits));
        }
        budget.unpacked_left -= data.len() as u64;
        drop(file);

        if data.starts_with(ZIP_MAGIC) || data.starts_with(EMPTY_ZIP_MAGIC) {
            if !NESTED_ARCHIVE_ENDINGS.iter().any(|e| lower.ends_with(e)) && nesting > 0 {
                bundle.skipped.push(Skipped {
                    display_path,
                    reason: "an archive inside an archive".into(),
                });
                continue;
            }
            if nesting + 1 > limits.max_archive_nesting {
                return Err(ScanError::NestedTooDeep {
                    limit: limits.max_archive_nesting,
                });
            }
            read_zip(
                &data,
                &display_path,
                &format!("{path}!/"),
                nesting + 1,
                limits,
                budget,
                bundle,
            )?;
            continue;
        }

        match decode_named(&data, &name, limits) {
            Ok(content) => bundle.entries.push(Entry {
                display_path,
                path,
                content,
            }),
            // A broken member is reported, the rest of the archive is still read.
            Err(err) => bundle.skipped.push(Skipped {
                display_path,
                reason: err.to_string(),
            }),
        }
    }
    Ok(())
}

fn bomb(limits: &Limits) -> ScanError {
    ScanError::ZipBomb {
        limit_mb: mb(limits.max_unpacked_bytes),
        ratio: limits.max_compression_ratio,
    }
}

fn zip_error(e: ZipError) -> ScanError {
    match e {
        ZipError::UnsupportedArchive(msg) if msg.to_ascii_lowercase().contains("password") => {
            ScanError::EncryptedZip
        }
        ZipError::UnsupportedArchive(msg) => ScanError::UnsupportedCompression {
            method: msg.to_string(),
        },
        ZipError::InvalidPassword => ScanError::EncryptedZip,
        ZipError::Io(io) => ScanError::BrokenZip {
            reason: io.to_string(),
        },
        other => ScanError::BrokenZip {
            reason: other.to_string(),
        },
    }
}
