//! A stable-toolchain fuzz smoke test that always runs in CI (no nightly,
//! no cargo-fuzz). Every seed — each file under `tests/fixtures`, the project
//! folders there zipped (UiPath, Retool, Windmill, Appsmith, solutions), a
//! Budibase-style `.tar.gz`, and (when present locally) part of the
//! git-ignored `fuzz/corpus/scan_bytes` — gets a bounded number of
//! deterministic mutations from an inline PRNG: bit flips, truncation, byte
//! insert/delete/duplicate, splices of two seeds, JSON-aware edits (deep
//! nesting, huge numbers, lone surrogates, type swaps, hostile strings —
//! including the Retool Transit `appState` string), XML-aware edits (DOCTYPE,
//! entities, deep nesting), YAML-aware edits (alias bombs, deep flow nesting,
//! merge keys), re-encodings, other file names, and edits of one member of a
//! zip / tar.gz re-packed so they reach the parsers behind the archive.
//!
//! Each input must give `Ok(report)` — whose JSON renders (every 8th: the
//! same on a second scan, and all other formats render) — or a `ScanError`
//! with a friendly message; never a panic.
//! A failing input is written to `tests/artifacts/fuzz-smoke/` (git-ignored).
//!
//! `LCSCAN_FUZZ_SMOKE_ITERS=n` sets mutations per seed (default 10); e.g.
//! `LCSCAN_FUZZ_SMOKE_ITERS=200 cargo test --release --test fuzz_smoke` is a
//! longer stable-toolchain campaign.

use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lcscan::{scan, Limits, Policy, ScanError};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

// ---------------------------------------------------------------------------
// Deterministic PRNG (splitmix64) and seeds.
// ---------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// 0..n (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Container {
    Plain,
    Zip,
    TarGz,
}

#[derive(Clone)]
struct Seed {
    /// The file name `scan()` sees.
    name: String,
    container: Container,
    /// The members of an archive (empty for a plain file).
    members: Vec<(String, Vec<u8>)>,
    bytes: Vec<u8>,
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn zip_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut seen = std::collections::HashSet::new();
        for (name, data) in members {
            // A renamed member may repeat a name the zip writer refuses.
            if !seen.insert(name.clone()) {
                continue;
            }
            w.start_file(name.as_str(), opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

fn targz_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    use flate2::write::GzEncoder;
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    for (name, data) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        // Names the tar crate would refuse to write (too long, `..`) are
        // shortened: the point is the content, the ingest tests cover names.
        let name = if name.len() > 90 || name.contains("..") {
            "member.json"
        } else {
            name.as_str()
        };
        header.set_cksum();
        if builder
            .append_data(&mut header, name, data.as_slice())
            .is_err()
        {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder
                .append_data(&mut header, "member.json", data.as_slice())
                .unwrap();
        }
    }
    builder.into_inner().unwrap().finish().unwrap()
}

fn unzip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).ok()?;
        if f.is_dir() {
            continue;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data).ok()?;
        let name = f.name().ok()?.to_string();
        out.push((name, data));
    }
    Some(out)
}

fn pack(container: Container, members: &[(String, Vec<u8>)]) -> Vec<u8> {
    match container {
        Container::Plain => members.first().map(|m| m.1.clone()).unwrap_or_default(),
        Container::Zip => zip_of(members),
        Container::TarGz => targz_of(members),
    }
}

/// Every fixture as itself; zips (and .msapp) also as their members; project
/// folders zipped; a Budibase `.tar.gz`.
fn fixture_seeds() -> Vec<Seed> {
    let base = Path::new(ROOT).join("tests/fixtures");
    let mut files = Vec::new();
    files_under(&base, &mut files);
    let mut seeds = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let rel = path
            .strip_prefix(&base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if bytes.starts_with(b"PK\x03\x04") {
            if let Some(members) = unzip(&bytes).filter(|m| !m.is_empty()) {
                seeds.push(Seed {
                    name: rel.clone(),
                    container: Container::Zip,
                    members,
                    bytes,
                });
                continue;
            }
        }
        seeds.push(Seed {
            name: if rel.contains('/') { name } else { rel },
            container: Container::Plain,
            members: Vec::new(),
            bytes,
        });
    }
    // Project folders, zipped the way the CLI does.
    for folder in [
        "uipath/InvoiceBot",
        "uipath/SafeBot",
        "retool/apps/OrdersAdmin",
        "retool/apps/Inventory",
        "windmill/workspace",
        "appsmith/git-layout",
        "power-automate/solution",
        "logic-apps/standard",
    ] {
        let dir = base.join(folder);
        let mut inner = Vec::new();
        files_under(&dir, &mut inner);
        let members: Vec<(String, Vec<u8>)> = inner
            .iter()
            .filter_map(|p| {
                let rel = p
                    .strip_prefix(&dir)
                    .ok()?
                    .to_string_lossy()
                    .replace('\\', "/");
                Some((rel, std::fs::read(p).ok()?))
            })
            .collect();
        if members.is_empty() {
            continue;
        }
        let leaf = folder.rsplit('/').next().unwrap_or(folder);
        seeds.push(Seed {
            name: format!("{leaf}.zip"),
            container: Container::Zip,
            bytes: zip_of(&members),
            members,
        });
    }
    // Budibase app export: the dump inside a .tar.gz, with an attachment.
    if let Ok(db) = std::fs::read(base.join("budibase/db.txt")) {
        let members = vec![
            ("db.txt".to_string(), db),
            (
                "attachments/app_icon.png".to_string(),
                b"\x89PNG\r\n\x1a\nfake".to_vec(),
            ),
        ];
        seeds.push(Seed {
            name: "app-export.tar.gz".into(),
            container: Container::TarGz,
            bytes: targz_of(&members),
            members,
        });
    }
    // Windmill's workspace as a tar.gz too (YAML behind gzip + tar).
    let mut wm = Vec::new();
    files_under(&base.join("windmill/workspace"), &mut wm);
    let members: Vec<(String, Vec<u8>)> = wm
        .iter()
        .filter_map(|p| {
            let rel = p
                .strip_prefix(base.join("windmill/workspace"))
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some((rel, std::fs::read(p).ok()?))
        })
        .collect();
    if !members.is_empty() {
        seeds.push(Seed {
            name: "workspace.tar.gz".into(),
            container: Container::TarGz,
            bytes: targz_of(&members),
            members,
        });
    }
    seeds
}

/// File names of fuzz/fuzz_targets' `FILE_NAMES`, in the same order: the
/// first byte of a `scan_bytes` corpus input picks one.
const CORPUS_NAMES: &[&str] = &[
    "workflow.json",
    "definition.json",
    "flows.json",
    "flows_cred.json",
    "blueprint.json",
    "workflow.json.data.xml",
    "Orders.flow-meta.xml",
    "Orders.flow",
    "solution.xml",
    "customizations.xml",
    "export.zip",
    "app.msapp",
    "Src/App.fx.yaml",
    "Src/Screen1.pa.yaml",
    "template.json",
    "connections.json",
    "manifest.json",
    "noext",
];

/// At most `max` inputs of the local (git-ignored) libFuzzer corpus, evenly
/// spread over its sorted names; none on a fresh checkout (CI).
fn corpus_seeds(max: usize) -> Vec<Seed> {
    let mut files = Vec::new();
    files_under(&Path::new(ROOT).join("fuzz/corpus/scan_bytes"), &mut files);
    let step = files.len().div_ceil(max.max(1)).max(1);
    files
        .iter()
        .step_by(step)
        .filter_map(|p| {
            let data = std::fs::read(p).ok()?;
            let (head, rest) = data.split_first()?;
            let name = CORPUS_NAMES[usize::from(head & 0x1f) % CORPUS_NAMES.len()];
            Some(Seed {
                name: name.to_string(),
                container: Container::Plain,
                members: Vec::new(),
                bytes: rest.to_vec(),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Mutations.
// ---------------------------------------------------------------------------

const INTERESTING_BYTES: &[u8] = &[
    0, 0xff, 0x7f, 0x80, 0xc0, 0xef, 0xbb, 0xbf, b'"', b'\\', b'{', b'}', b'[', b']', b'<', b'>',
    b'&', b'\n', b'\r', b'\t', b':', b',', b'-', b'~', b'^', b'*', b'!', b'#', b'%',
];

/// Values the engine reacts to (fake secrets, URLs, expressions) and values
/// that are hostile to scanners.
fn hostile_string(rng: &mut Rng) -> String {
    let n = 1 + rng.below(4000);
    match rng.below(22) {
        0 => "sk_live_FAKEFAKEFAKEFAKEFAKE1234".into(),
        1 => "AKIAFAKEFAKEFAKEFAKE".into(),
        2 => "ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE".into(),
        3 => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIiwiZXhwIjoxfQ.ZmFrZQ".into(),
        4 => "https://user:FakePass123@db.example.invalid:5432/x?key=FAKEKEY123456".into(),
        5 => "={{ $json.body }} @{triggerBody()?['text']} {{ query1.data }}".into(),
        6 => "a".repeat(n),
        7 => "%".repeat(n),
        8 => "=".repeat(n),
        9 => "QUJD".repeat(n / 4 + 1),
        10 => "key=".repeat(n / 4 + 1),
        11 => "\u{0}\u{1}\u{1b}[31m\u{7f}\u{202e}é€😀".into(),
        12 => "\\\"".repeat(n / 2 + 1),
        13 => "https://".repeat(n / 8 + 1),
        14 => "[\"^ \",\"~#iR\",\"^0\",\"^999\",\"~:kw\",\"~$sym\",\"~m1\",\"~ufoo\"]".into(),
        15 => "[\"~#iOM\",[".repeat(rng.below(300)),
        16 => "^".repeat(n),
        17 => "SELECT * FROM users WHERE id = '{{ $json.id }}'".into(),
        18 => "password".into(),
        19 => String::new(),
        20 => "{\"key\": \"X-Api-Key\", \"value\": \"Zt5Rk8Wq2Nm7Pb4Lx9Cv3Hd6Jf\"}".into(),
        _ => "-----BEGIN RSA PRIVATE KEY-----\nMIIFAKE\n-----END RSA PRIVATE KEY-----".into(),
    }
}

const HUGE_NUMBERS: &[&str] = &[
    "1e999",
    "-1e999",
    "1e-999",
    "-0",
    "18446744073709551616",
    "-9223372036854775809",
    "123456789012345678901234567890123456789012345678901234567890",
    "0.0000000000000000000000000000000000000000000000000000000001",
    "1E+308",
    "4.9e-324",
];

fn byte_mutation(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    let len = data.len();
    match rng.below(8) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                if data.is_empty() {
                    break;
                }
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
        }
        1 => data.truncate(rng.below(len + 1)),
        2 => {
            let at = rng.below(len + 1);
            let b = if rng.chance(2) {
                *rng.pick(INTERESTING_BYTES)
            } else {
                rng.next() as u8
            };
            let count = 1 + rng.below(4);
            for _ in 0..count {
                data.insert(at, b);
            }
        }
        3 => {
            if len > 0 {
                let at = rng.below(len);
                let n = (1 + rng.below(64)).min(len - at);
                data.drain(at..at + n);
            }
        }
        4 => {
            // Duplicate a range in place.
            if len > 0 {
                let at = rng.below(len);
                let n = (1 + rng.below(256)).min(len - at);
                let chunk = data[at..at + n].to_vec();
                let to = rng.below(data.len() + 1);
                data.splice(to..to, chunk);
            }
        }
        5 => {
            // Splice: this seed's start, another seed's end.
            let cut = rng.below(len + 1);
            let from = rng.below(other.len() + 1);
            data.truncate(cut);
            data.extend_from_slice(&other[from..]);
        }
        6 => {
            if len > 0 {
                let i = rng.below(len);
                data[i] = *rng.pick(INTERESTING_BYTES);
            }
        }
        _ => {
            // Overwrite a range with a hostile string.
            let s = hostile_string(rng);
            let at = rng.below(len + 1);
            let end = (at + s.len().min(64)).min(len);
            data.splice(at..end, s.bytes());
        }
    }
}

/// Paths to every node of a JSON value (bounded), to pick one at random.
fn json_paths(root: &serde_json::Value) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut todo = vec![(root, Vec::new())];
    while let Some((v, path)) = todo.pop() {
        if out.len() > 20_000 {
            break;
        }
        match v {
            serde_json::Value::Array(items) => {
                for (i, c) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(i);
                    todo.push((c, p));
                }
            }
            serde_json::Value::Object(map) => {
                for (i, c) in map.values().enumerate() {
                    let mut p = path.clone();
                    p.push(i);
                    todo.push((c, p));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

fn json_at<'a>(root: &'a mut serde_json::Value, path: &[usize]) -> &'a mut serde_json::Value {
    let mut node = root;
    for &i in path {
        node = match node {
            serde_json::Value::Array(items) => &mut items[i],
            serde_json::Value::Object(map) => map.values_mut().nth(i).unwrap(),
            _ => unreachable!(),
        };
    }
    node
}

const PLACEHOLDER: &str = "__LCSCAN_FUZZ_RAW__";

fn nested_json(k: usize, inner: &str, objects: bool) -> String {
    let mut s = String::with_capacity(k * 8 + inner.len());
    for _ in 0..k {
        s.push_str(if objects { "{\"a\":" } else { "[" });
    }
    s.push_str(inner);
    for _ in 0..k {
        s.push(if objects { '}' } else { ']' });
    }
    s
}

const DEPTHS: &[usize] = &[1, 50, 95, 98, 99, 100, 101, 119, 120, 121, 200, 5000];

fn json_mutation(rng: &mut Rng, data: &mut Vec<u8>) {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let k = *rng.pick(DEPTHS);
    let op = rng.below(10);
    if op == 0 {
        // Deep nesting around the whole document.
        let doc = String::from_utf8_lossy(data).into_owned();
        *data = nested_json(k, &doc, rng.chance(2)).into_bytes();
        return;
    }
    let paths = json_paths(&value);
    let path = rng.pick(&paths).clone();
    let mut raw: Option<String> = None;
    {
        let node = json_at(&mut value, &path);
        match op {
            1 => {
                // Deep nesting at one node (as raw text: serde_json would
                // refuse to read it back).
                raw = Some(nested_json(k, &node.to_string(), rng.chance(2)));
                *node = PLACEHOLDER.into();
            }
            2 => {
                raw = Some((*rng.pick(HUGE_NUMBERS)).to_string());
                *node = PLACEHOLDER.into();
            }
            3 => {
                // Escapes serde_json refuses or that decode to odd text.
                raw = Some(
                    (*rng.pick(&[
                        "\"\\ud800\"",
                        "\"\\udfff\\ud800\"",
                        "\"\\u0000\"",
                        "\"a\\u202eb\"",
                        "\"\\x41\"",
                        "\"\t\"",
                    ]))
                    .to_string(),
                );
                *node = PLACEHOLDER.into();
            }
            4 => {
                // Type swap: parsers must not assume a shape.
                *node = match rng.below(7) {
                    0 => serde_json::Value::Null,
                    1 => serde_json::json!([]),
                    2 => serde_json::json!({}),
                    3 => serde_json::json!(-1),
                    4 => serde_json::json!(true),
                    5 => serde_json::json!([null, 1, "x", {}]),
                    _ => serde_json::json!(""),
                };
            }
            5 | 6 => {
                // Hostile or mutated string (a string value's own content, e.g.
                // the Retool Transit `appState`, gets byte mutations).
                *node = match node {
                    serde_json::Value::String(s) if rng.chance(2) => {
                        let mut bytes = s.clone().into_bytes();
                        for _ in 0..1 + rng.below(3) {
                            if rng.chance(2) {
                                transit_mutation(rng, &mut bytes);
                            } else {
                                byte_mutation(rng, &mut bytes, b"[\"^ \",\"~#iR\"]");
                            }
                        }
                        String::from_utf8_lossy(&bytes).into_owned().into()
                    }
                    _ => hostile_string(rng).into(),
                };
            }
            7 => {
                // Wide: repeat an array element or an object member.
                let times = 1 + rng.below(60);
                match node {
                    serde_json::Value::Array(items) if !items.is_empty() => {
                        let first = items[rng.below(items.len())].clone();
                        for _ in 0..times {
                            items.push(first.clone());
                        }
                    }
                    serde_json::Value::Object(map) if !map.is_empty() => {
                        let (key, v) = map
                            .iter()
                            .next()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .unwrap();
                        for i in 0..times {
                            map.insert(format!("{key}{i}"), v.clone());
                        }
                    }
                    other => *other = serde_json::json!([other.clone(), other.clone()]),
                }
            }
            8 => {
                // Remove a member / element.
                match node {
                    serde_json::Value::Array(items) if !items.is_empty() => {
                        items.remove(rng.below(items.len()));
                    }
                    serde_json::Value::Object(map) if !map.is_empty() => {
                        let key = map.keys().nth(rng.below(map.len())).cloned().unwrap();
                        map.remove(&key);
                    }
                    other => *other = serde_json::Value::Null,
                }
            }
            _ => {
                // A hostile key.
                if let serde_json::Value::Object(map) = node {
                    map.insert(hostile_string(rng), serde_json::json!("x"));
                } else {
                    *node = serde_json::json!({ "": null, "__proto__": {"a": 1} });
                }
            }
        }
    }
    let mut text = if rng.chance(2) {
        value.to_string()
    } else {
        serde_json::to_string_pretty(&value).unwrap()
    };
    if let Some(raw) = raw {
        text = text.replacen(&format!("\"{PLACEHOLDER}\""), &raw, 1);
    }
    *data = text.into_bytes();
}

/// Transit-encoding tweaks (Retool `appState`): cache references out of
/// range, tags with odd payloads, deep nesting, maps with odd lengths.
fn transit_mutation(rng: &mut Rng, data: &mut Vec<u8>) {
    let pieces: &[&str] = &[
        "\"^0\"",
        "\"^9\"",
        "\"^ZZ\"",
        "\"^\"",
        "\"^ \"",
        "\"~#iR\"",
        "\"~#iOM\"",
        "\"~#iM\"",
        "\"~#list\"",
        "\"~#set\"",
        "\"~#cmap\"",
        "\"~:kw\"",
        "\"~$sym\"",
        "\"~i99999999999999999999\"",
        "\"~d1e999\"",
        "\"~m-1\"",
        "\"~t\"",
        "\"~~\"",
        "[\"^ \"]",
        "[\"^ \",\"k\"]",
        "[\"~#iR\"]",
        "[\"~#iOM\",[\"a\"]]",
        "null",
        "[]",
        "{}",
        ",",
    ];
    let at = rng.below(data.len() + 1);
    let insert: Vec<u8> = if rng.chance(6) {
        let k = *rng.pick(DEPTHS);
        nested_json(k, "\"^ \"", false).into_bytes()
    } else {
        rng.pick(pieces).as_bytes().to_vec()
    };
    data.splice(at..at, insert);
}

fn xml_mutation(rng: &mut Rng, data: &mut Vec<u8>) {
    let text = String::from_utf8_lossy(data).into_owned();
    // Positions just after a '>' (inside the document).
    let gts: Vec<usize> = text.match_indices('>').map(|(i, _)| i + 1).collect();
    let at = if gts.is_empty() {
        text.len()
    } else {
        *rng.pick(&gts)
    };
    let k = *rng.pick(DEPTHS);
    let insert = match rng.below(9) {
        0 => {
            let mut s = "<x>".repeat(k);
            s.push_str(&"</x>".repeat(k));
            s
        }
        1 => {
            // DOCTYPE, in front of the document.
            let doctype = *rng.pick(&[
                "<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>",
                "<!doctype html>",
                "<!DOCTYPE x SYSTEM \"file:///etc/passwd\">",
            ]);
            let decl_end = if text.starts_with("<?xml") {
                text.find("?>").map_or(0, |i| i + 2)
            } else {
                0
            };
            let mut t = text.clone();
            t.insert_str(decl_end, doctype);
            *data = t.into_bytes();
            return;
        }
        2 => (*rng.pick(&["&undefined;", "&#0;", "&#xD800;", "&#99999999;", "&amp", "&lt;&gt;"])).into(),
        3 => format!("<![CDATA[{}]]>", hostile_string(rng)),
        4 => "<!-- <!DOCTYPE html> <a><b> -->".into(),
        5 => {
            // Replace the text up to the next '<' with a hostile value.
            let end = text[at..].find('<').map_or(text.len(), |i| at + i);
            let mut value = hostile_string(rng)
                .replace('&', "&amp;")
                .replace('<', "&lt;");
            if rng.chance(3) {
                value = (*rng.pick(HUGE_NUMBERS)).into();
            }
            let mut t = text.clone();
            t.replace_range(at..end, &value);
            *data = t.into_bytes();
            return;
        }
        6 => {
            // Duplicate the span between two '>'.
            let end = gts.get(rng.below(gts.len().max(1))).copied().unwrap_or(at);
            let (a, b) = if at <= end { (at, end) } else { (end, at) };
            text[a..b].to_string()
        }
        7 => {
            // Remove the span between two '>' (unbalances or drops elements).
            let end = gts.get(rng.below(gts.len().max(1))).copied().unwrap_or(at);
            let (a, b) = if at <= end { (at, end) } else { (end, at) };
            let mut t = text.clone();
            t.replace_range(a..b.min(a + 4096), "");
            *data = t.into_bytes();
            return;
        }
        _ => format!(
            "<Variable x:TypeArguments=\"x:String\" Name=\"{0}\" Default=\"{0}\" xmlns:x=\"urn:x\"/>",
            hostile_string(rng).replace(['"', '<', '&'], "")
        ),
    };
    let mut t = text;
    t.insert_str(at, &insert);
    *data = t.into_bytes();
}

fn yaml_mutation(rng: &mut Rng, data: &mut Vec<u8>) {
    let mut text = String::from_utf8_lossy(data).into_owned();
    let k = *rng.pick(DEPTHS);
    match rng.below(8) {
        0 => {
            // Billion laughs through aliases.
            let mut s = String::from("\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..10 {
                s.push_str(&format!(
                    "l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n",
                    p = i - 1
                ));
            }
            text.push_str(&s);
        }
        1 => {
            text.push_str("\ndeep: ");
            text.push_str(&nested_json(k, "1", rng.chance(2)));
            text.push('\n');
        }
        2 => {
            // Deep block nesting.
            text.push_str("\nroot:\n");
            for i in 0..k.min(300) {
                text.push_str(&" ".repeat(i + 1));
                text.push_str("k:\n");
            }
        }
        3 => {
            // Replace a value after ": " with a hostile one.
            let colons: Vec<usize> = text.match_indices(": ").map(|(i, _)| i + 2).collect();
            if let Some(&at) = colons.get(rng.below(colons.len().max(1))) {
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                let value = match rng.below(6) {
                    0 => (*rng.pick(HUGE_NUMBERS)).to_string(),
                    1 => "*undefined_alias".into(),
                    2 => "!!binary AAAA".into(),
                    3 => "[".into(),
                    4 => "|\n  multi\n line".into(),
                    _ => format!("{:?}", hostile_string(rng)),
                };
                text.replace_range(at..end, &value);
            }
        }
        4 => text.push_str("\n<<: *nope\n? [a, b]\n: c\n---\nsecond: doc\n...\n"),
        5 => text = text.replace("  ", "\t"),
        6 => text.push_str("\nvalue: !custom/tag {a: 1}\nkey: value\nkey: other\n"),
        _ => text.insert_str(0, "%YAML 1.1\n%TAG ! tag:example.invalid,2000:\n---\n"),
    }
    *data = text.into_bytes();
}

/// One content mutation chosen by what the bytes look like.
fn content_mutation(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    let first = data.iter().copied().find(|b| !b.is_ascii_whitespace());
    let aware = rng.below(3) != 0;
    match first {
        Some(b'{') | Some(b'[') if aware => json_mutation(rng, data),
        Some(b'<') if aware => xml_mutation(rng, data),
        Some(_) if aware && rng.chance(2) => yaml_mutation(rng, data),
        _ => byte_mutation(rng, data, other),
    }
}

fn utf16(text: &[u8], big_endian: bool) -> Vec<u8> {
    let text = String::from_utf8_lossy(text);
    let mut out = if big_endian {
        vec![0xfe, 0xff]
    } else {
        vec![0xff, 0xfe]
    };
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

const OTHER_NAMES: &[&str] = &[
    "workflow.json",
    "flows.json",
    "definition.json",
    "Orders.flow-meta.xml",
    "solution.xml",
    "export.zip",
    "app.msapp",
    "app-export.tar.gz",
    "db.txt",
    "flow.yaml",
    "f/ops/x.script.yaml",
    "wmill.yaml",
    "Main.xaml",
    "project.json",
    "main.rsx",
    "orders-export.json",
    "zapfile.json",
    "application.json",
    "noext",
];

/// One test input: the bytes, the name, and a description for the failure
/// message.
struct Input {
    bytes: Vec<u8>,
    name: String,
    what: String,
}

fn mutate(rng: &mut Rng, seed: &Seed, other: &Seed) -> Input {
    let mut name = seed.name.clone();
    let mut what = Vec::new();
    let bytes = if seed.container != Container::Plain && rng.below(3) != 0 {
        // Edit one member (or its name) and re-pack, so the edits reach the
        // parsers behind the archive's checksums.
        let mut members = seed.members.clone();
        let i = rng.below(members.len());
        let other_bytes = other.members.first().map_or(&other.bytes, |m| &m.1);
        for _ in 0..1 + rng.below(3) {
            if rng.chance(8) {
                members[i].0 = (*rng.pick(OTHER_NAMES)).to_string();
                what.push(format!("member {i} renamed {}", members[i].0));
            } else {
                content_mutation(rng, &mut members[i].1, other_bytes);
                what.push(format!("member {i} ({}) edited", members[i].0));
            }
        }
        if rng.chance(6) && members.len() > 1 {
            let last = members.len() - 1;
            members.swap(0, last);
            what.push("members reordered".into());
        }
        pack(seed.container, &members)
    } else {
        let mut bytes = seed.bytes.clone();
        let rounds = if rng.chance(2) { 1 } else { 1 + rng.below(3) };
        for _ in 0..rounds {
            match rng.below(12) {
                0 => {
                    bytes = utf16(&bytes, rng.chance(2));
                    what.push("utf-16".into());
                }
                1 => {
                    bytes.splice(0..0, *b"\xef\xbb\xbf");
                    what.push("utf-8 bom".into());
                }
                2 => {
                    name = (*rng.pick(OTHER_NAMES)).to_string();
                    what.push(format!("renamed {name}"));
                }
                3..=5 => {
                    byte_mutation(rng, &mut bytes, &other.bytes);
                    what.push("bytes".into());
                }
                _ => {
                    content_mutation(rng, &mut bytes, &other.bytes);
                    what.push("content".into());
                }
            }
        }
        bytes
    };
    Input {
        bytes,
        name,
        what: what.join(", "),
    }
}

// ---------------------------------------------------------------------------
// The check.
// ---------------------------------------------------------------------------

/// A friendly message: a sentence for a person, no Rust internals, no raw
/// control characters (crafted names must not reach a terminal raw).
fn check_message(e: &ScanError) -> Result<(), String> {
    let msg = e.to_string();
    if e.code().is_empty() {
        return Err("empty error code".into());
    }
    if msg.trim().len() < 15 {
        return Err(format!("message too short: {msg:?}"));
    }
    if !msg.chars().next().is_some_and(|c| c.is_uppercase()) && !msg.starts_with("lcscan") {
        return Err(format!("message does not start a sentence: {msg:?}"));
    }
    for bad in [
        "panicked",
        "unwrap()",
        "Option::",
        "Result::",
        "Error {",
        "Utf8Error",
    ] {
        if msg.contains(bad) {
            return Err(format!("message shows internals ({bad}): {msg:?}"));
        }
    }
    if msg.chars().any(|c| c.is_control() && c != '\n') {
        return Err(format!("message has raw control characters: {msg:?}"));
    }
    if msg.len() > 2000 {
        return Err(format!("message is {} bytes long", msg.len()));
    }
    Ok(())
}

struct Stats {
    inputs: usize,
    ok: usize,
    errors: std::collections::BTreeMap<&'static str, usize>,
    slowest: (Duration, String),
}

fn check_one(input: &Input, policy: &Policy, stats: &mut Stats, determinism: bool) {
    stats.inputs += 1;
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let result = scan(&input.bytes, &input.name, policy);
        let checked = match &result {
            Ok(report) => {
                let json = lcscan::render::json(report);
                if json.is_empty() || serde_json::from_str::<serde_json::Value>(&json).is_err() {
                    Err("the JSON report does not parse".to_string())
                } else if determinism {
                    // Every other format renders too (a panic is caught below).
                    for format in ["markdown", "html", "sarif", "csv", "text"] {
                        let format = lcscan::render::Format::parse(format).unwrap();
                        assert!(!lcscan::render::render(report, format).is_empty());
                    }
                    let again = scan(&input.bytes, &input.name, policy)
                        .map(|r| lcscan::render::json(&r))
                        .map_err(|e| e.to_string());
                    if again.as_deref() == Ok(json.as_str()) {
                        Ok(())
                    } else {
                        Err("a second scan gives a different report".into())
                    }
                } else {
                    Ok(())
                }
            }
            Err(e) => check_message(e),
        };
        (result.map(|_| ()).map_err(|e| e.code()), checked)
    }));
    let took = started.elapsed();
    if took > stats.slowest.0 {
        stats.slowest = (took, format!("{} ({})", input.name, input.what));
    }
    let problem = match outcome {
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Some(format!("PANIC: {text}"))
        }
        Ok((result, Err(problem))) => {
            let _ = result;
            Some(problem)
        }
        Ok((Ok(()), Ok(()))) => {
            stats.ok += 1;
            None
        }
        Ok((Err(code), Ok(()))) => {
            *stats.errors.entry(code).or_default() += 1;
            None
        }
    };
    // A generous bound: a hang shows up here even on a loaded CI machine.
    let problem =
        problem.or_else(|| (took > Duration::from_secs(30)).then(|| format!("took {took:?}")));
    if let Some(problem) = problem {
        let dir = Path::new(ROOT).join("tests/artifacts/fuzz-smoke");
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!(
            "{:016x}",
            fnv(&format!("{}{}", input.name, input.what)) ^ input.bytes.len() as u64
        ));
        let _ = std::fs::write(&file, &input.bytes);
        panic!(
            "{problem}\n  input: {} ({} bytes, {}) written to {}",
            input.name,
            input.bytes.len(),
            input.what,
            file.display()
        );
    }
}

fn iterations() -> usize {
    std::env::var("LCSCAN_FUZZ_SMOKE_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

fn tight_policy() -> Policy {
    Policy {
        limits: Limits {
            max_input_bytes: 64 * 1024,
            max_unpacked_bytes: 256 * 1024,
            max_compression_ratio: 20,
            max_entries: 16,
            max_depth: 12,
            max_string_bytes: 4096,
            max_archive_nesting: 1,
        },
        ..Policy::default()
    }
}

/// Run `per_seed` mutations of each seed; every 8th input also checks
/// determinism, every 5th runs under tight limits.
fn run(label: &str, seeds: &[Seed], per_seed: usize) -> Stats {
    let default = Policy::default();
    let tight = tight_policy();
    let mut stats = Stats {
        inputs: 0,
        ok: 0,
        errors: Default::default(),
        slowest: (Duration::ZERO, String::new()),
    };
    let started = Instant::now();
    for (n, seed) in seeds.iter().enumerate() {
        let mut rng = Rng::new(fnv(&seed.name) ^ ((n as u64) << 32) ^ seed.bytes.len() as u64);
        for i in 0..per_seed {
            let other = &seeds[rng.below(seeds.len())];
            let input = mutate(&mut rng, seed, other);
            let policy = if i % 5 == 4 { &tight } else { &default };
            check_one(&input, policy, &mut stats, i % 8 == 0);
        }
    }
    eprintln!(
        "{label}: {} seeds, {} inputs in {:.1?}: {} reports, errors {:?}; slowest {:.1?} {}",
        seeds.len(),
        stats.inputs,
        started.elapsed(),
        stats.ok,
        stats.errors,
        stats.slowest.0,
        stats.slowest.1
    );
    stats
}

/// Split the seeds into halves so the two test threads share the work.
fn half(seeds: Vec<Seed>, which: usize) -> Vec<Seed> {
    seeds
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == which)
        .map(|(_, s)| s)
        .collect()
}

#[test]
fn mutated_fixtures_first_half() {
    let seeds = half(fixture_seeds(), 0);
    assert!(seeds.len() > 100, "fixtures not found: {}", seeds.len());
    let stats = run("fixtures/0", &seeds, iterations());
    // The mutations keep enough structure to reach the parsers and rules.
    assert!(
        stats.ok * 5 > stats.inputs,
        "only {} of {} inputs gave a report",
        stats.ok,
        stats.inputs
    );
    assert!(
        stats.errors.len() >= 5,
        "too few kinds of error: {:?}",
        stats.errors
    );
}

#[test]
fn mutated_fixtures_second_half() {
    let seeds = half(fixture_seeds(), 1);
    assert!(seeds.len() > 100, "fixtures not found: {}", seeds.len());
    let stats = run("fixtures/1", &seeds, iterations());
    assert!(
        stats.ok * 5 > stats.inputs,
        "only {} of {} inputs gave a report",
        stats.ok,
        stats.inputs
    );
    assert!(
        stats.errors.len() >= 5,
        "too few kinds of error: {:?}",
        stats.errors
    );
}

#[test]
fn mutated_archives_reach_their_members() {
    // Archive seeds only, more mutations each: the re-packed member edits
    // must give reports (the archive is read), not only archive errors.
    let seeds: Vec<Seed> = fixture_seeds()
        .into_iter()
        .filter(|s| s.container != Container::Plain)
        .collect();
    assert!(seeds.iter().any(|s| s.container == Container::TarGz));
    assert!(seeds.len() >= 10, "{}", seeds.len());
    let stats = run("archives", &seeds, iterations() * 2);
    assert!(
        stats.ok * 2 > stats.inputs,
        "only {} of {} archives gave a report",
        stats.ok,
        stats.inputs
    );
}

#[test]
fn mutated_local_fuzz_corpus() {
    // The libFuzzer corpus is git-ignored: on a fresh checkout (CI) there is
    // nothing to do here.
    let seeds = corpus_seeds(150);
    if seeds.is_empty() {
        eprintln!("corpus: fuzz/corpus/scan_bytes is absent: skipped");
        return;
    }
    run("corpus", &seeds, iterations().div_ceil(2));
}

#[test]
fn the_check_itself_can_fail() {
    // A friendly message passes, internals and raw control characters do not.
    assert!(check_message(&ScanError::Empty).is_ok());
    assert!(check_message(&ScanError::InvalidXml {
        reason: "called `Option::unwrap()` on a `None` value".into()
    })
    .is_err());
    assert!(check_message(&ScanError::UnknownFormat {
        detail: "name\u{1b}[31m".into()
    })
    .is_err());
    // The mutations are deterministic.
    let seeds = fixture_seeds();
    let a = mutate(&mut Rng::new(7), &seeds[0], &seeds[1]);
    let b = mutate(&mut Rng::new(7), &seeds[0], &seeds[1]);
    assert_eq!(a.bytes, b.bytes);
    assert_eq!(a.what, b.what);
}
