//! Helpers shared by the integration tests (each test file is its own crate
//! and uses only some of them).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use lcscan::ingest::ingest;
use lcscan::model::App;
use lcscan::platforms;
use lcscan::report::Note;
use lcscan::{Limits, ScanError};
use zip::write::SimpleFileOptions;

/// Ingest and parse, without detectors or rules: the parser's own model.
pub fn parse(bytes: &[u8], name: &str) -> Result<(Vec<App>, Vec<Note>), ScanError> {
    let bundle = ingest(bytes, name, &Limits::default())?;
    let mut notes = Vec::new();
    let apps = platforms::parse(&bundle, &mut notes)?;
    Ok((apps, notes))
}

/// Every file below `dir`, recursively, in sorted order (missing folder: none).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Zip every file below `root` as `prefix` + its relative path, leaving out
/// files whose relative path ends with one of `skip`.
pub fn zip_dir(root: &Path, prefix: &str, skip: &[&str]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        for file in files_under(root) {
            let rel = file
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if skip.iter().any(|s| rel.ends_with(s)) {
                continue;
            }
            zip.start_file(format!("{prefix}{rel}"), SimpleFileOptions::default())
                .unwrap();
            zip.write_all(&std::fs::read(&file).unwrap()).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}
