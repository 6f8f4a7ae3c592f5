//! Hostile and broken input: every case gets a specific, friendly error (or a
//! report), never a panic. Inputs are generated here, not committed.

use std::io::Write;

use lcscan::{scan, Limits, Policy, ScanError};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

fn policy_with(limits: Limits) -> Policy {
    Policy {
        limits,
        ..Policy::default()
    }
}

fn err(bytes: &[u8], name: &str) -> ScanError {
    match scan(bytes, name, &Policy::default()) {
        Ok(report) => panic!("expected an error for {name}, got a report: {report:?}"),
        Err(e) => e,
    }
}

fn zip_of(files: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = SimpleFileOptions::default().compression_method(method);
        for (name, data) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

/// A small pseudo-random generator so the "random binary" is the same every run.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn empty_file() {
    let e = err(b"", "flow.json");
    assert_eq!(e, ScanError::Empty);
    assert_eq!(
        e.to_string(),
        "The file is empty. Export the app again and drop the downloaded file here."
    );
    assert_eq!(err(b"  \n\t ", "flow.json"), ScanError::Empty);
}

#[test]
fn random_binary() {
    let e = err(&noise(4096, 7), "export.json");
    assert_eq!(e.code(), "not-an-export");
    assert!(
        e.to_string()
            .starts_with("This is a binary file, not an app export."),
        "{e}"
    );
}

#[test]
fn png_renamed_to_json() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(noise(200, 3));
    let e = err(&png, "workflow.json");
    assert!(
        e.to_string()
            .starts_with("This is a PNG image, not an app export."),
        "{e}"
    );
}

#[test]
fn truncated_zip() {
    let full = zip_of(
        &[("definition.json", br#"{"a":1}"#.as_slice())],
        CompressionMethod::Deflated,
    );
    let cut = &full[..full.len() / 2];
    let e = err(cut, "package.zip");
    assert_eq!(e.code(), "broken-zip", "{e}");
    assert!(
        e.to_string()
            .starts_with("This zip archive is damaged or incomplete"),
        "{e}"
    );
}

#[test]
fn zip_with_password() {
    let mut bytes = zip_of(
        &[("definition.json", br#"{"a":1}"#.as_slice())],
        CompressionMethod::Stored,
    );
    // Set the "encrypted" flag (bit 0 of the general purpose flags) in the local
    // header and the central directory, as a password-protected zip has.
    bytes[6] |= 1;
    let cd = bytes
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("central directory");
    bytes[cd + 8] |= 1;
    let e = err(&bytes, "package.zip");
    assert_eq!(e, ScanError::EncryptedZip);
    assert!(e.to_string().contains("protected by a password"));
}

#[test]
fn zip_bomb_by_ratio() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let bytes = zip_of(
        &[("bomb.json", zeros.as_slice())],
        CompressionMethod::Deflated,
    );
    assert!(
        bytes.len() < 64 * 1024,
        "deflate should squeeze zeros: {}",
        bytes.len()
    );
    let e = err(&bytes, "bomb.zip");
    assert_eq!(
        e,
        ScanError::ZipBomb {
            limit_mb: 512,
            ratio: 200
        }
    );
    assert!(e.to_string().contains("zip bomb"), "{e}");
}

#[test]
fn zip_bomb_by_total_size() {
    let data = noise(300 * 1024, 11);
    let files: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| (format!("f{i}.json"), data.clone()))
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let bytes = zip_of(&refs, CompressionMethod::Stored);
    let policy = policy_with(Limits {
        max_unpacked_bytes: 1024 * 1024,
        ..Limits::default()
    });
    let e = scan(&bytes, "many.zip", &policy).unwrap_err();
    assert_eq!(e.code(), "zip-bomb");
}

#[test]
fn zip_with_too_many_entries() {
    let names: Vec<String> = (0..50).map(|i| format!("f{i}.json")).collect();
    let refs: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), b"{}".as_slice()))
        .collect();
    let bytes = zip_of(&refs, CompressionMethod::Stored);
    let policy = policy_with(Limits {
        max_entries: 20,
        ..Limits::default()
    });
    let e = scan(&bytes, "many.zip", &policy).unwrap_err();
    assert_eq!(
        e,
        ScanError::TooManyEntries {
            entries: 50,
            limit: 20
        }
    );
}

#[test]
fn zip_inside_zip_inside_zip() {
    let inner = zip_of(&[("a.json", b"{}".as_slice())], CompressionMethod::Deflated);
    let middle = zip_of(
        &[("inner.zip", inner.as_slice())],
        CompressionMethod::Deflated,
    );
    let outer = zip_of(
        &[("middle.zip", middle.as_slice())],
        CompressionMethod::Deflated,
    );
    let policy = policy_with(Limits {
        max_archive_nesting: 1,
        ..Limits::default()
    });
    let e = scan(&outer, "outer.zip", &policy).unwrap_err();
    assert_eq!(e, ScanError::NestedTooDeep { limit: 1 });
}

#[test]
fn zip_without_any_export_lists_what_it_holds() {
    let bytes = zip_of(
        &[("logo.png", b"\x89PNG....".as_slice())],
        CompressionMethod::Stored,
    );
    let e = err(&bytes, "images.zip");
    assert_eq!(e.code(), "unknown-format");
    assert!(e.to_string().contains("images.zip!/logo.png"), "{e}");
}

#[test]
fn json_nested_100000_deep() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        err(deep.as_bytes(), "deep.json"),
        ScanError::TooDeep { limit: 100 }
    );
}

#[test]
fn xml_nested_deep() {
    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    assert_eq!(
        err(deep.as_bytes(), "deep.xml"),
        ScanError::TooDeep { limit: 100 }
    );
}

#[test]
fn input_over_the_size_limit_is_refused_before_parsing() {
    let policy = policy_with(Limits {
        max_input_bytes: 1024 * 1024,
        ..Limits::default()
    });
    let big = vec![b' '; 2 * 1024 * 1024 + 1];
    let e = scan(&big, "big.json", &policy).unwrap_err();
    assert_eq!(
        e,
        ScanError::TooLarge {
            size_mb: 3,
            limit_mb: 1
        }
    );
    assert!(e.to_string().contains("more than the 1 MB"), "{e}");
}

#[test]
fn invalid_utf8() {
    let e = err(b"{\"name\": \"caf\xe9\"}", "flow.json");
    assert_eq!(e, ScanError::InvalidUtf8 { offset: 13 });
}

#[test]
fn utf16_with_bom_is_read_as_text() {
    let text = r#"{"hello": "world"}"#;
    let mut bytes = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    // Decoded fine: the error is about the content, not the encoding.
    let e = err(&bytes, "flow.json");
    assert_eq!(e.code(), "unknown-format");
    assert!(
        e.to_string().contains("valid JSON, but not an export"),
        "{e}"
    );
}

#[test]
fn utf8_bom_is_accepted() {
    let e = err(b"\xef\xbb\xbf{\"x\": 1}", "flow.json");
    assert_eq!(e.code(), "unknown-format");
}

#[test]
fn xml_billion_laughs_and_external_entities() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Flow xmlns="http://soap.sforce.com/2006/04/metadata"><label>&lol2;</label></Flow>"#;
    assert_eq!(
        err(laughs.as_bytes(), "x.flow-meta.xml"),
        ScanError::XmlDoctype
    );
    let external = r#"<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Flow>&xxe;</Flow>"#;
    let e = err(external.as_bytes(), "x.flow");
    assert_eq!(e, ScanError::XmlDoctype);
    assert!(e.to_string().contains("DOCTYPE"));
}

#[test]
fn broken_json_says_where() {
    let e = err(
        b"{\n  \"nodes\": [\n    {\"name\": \"a\",,}\n  ]\n}",
        "flow.json",
    );
    match e {
        ScanError::InvalidJson { line, column, .. } => assert_eq!((line, column), (3, 18)),
        other => panic!("{other:?}"),
    }
    let cut = err(b"{\"nodes\": [{\"name\": \"a\"", "flow.json");
    assert!(cut.to_string().contains("the file ends too early"), "{cut}");
}

#[test]
fn huge_number_is_a_json_error_not_a_crash() {
    let e = err(
        b"{\"nodes\": [], \"connections\": {}, \"n\": 1e999}",
        "flow.json",
    );
    assert_eq!(e.code(), "invalid-json");
    assert!(e.to_string().contains("number out of range"), "{e}");
}

#[test]
fn extremely_long_string() {
    let policy = policy_with(Limits {
        max_string_bytes: 1024,
        ..Limits::default()
    });
    let json = format!("{{\"x\": \"{}\"}}", "a".repeat(5000));
    let e = scan(json.as_bytes(), "long.json", &policy).unwrap_err();
    assert_eq!(e.code(), "string-too-long");
    // An unterminated huge string is caught too.
    let open = format!("{{\"x\": \"{}", "a".repeat(5000));
    assert_eq!(
        scan(open.as_bytes(), "long.json", &policy)
            .unwrap_err()
            .code(),
        "string-too-long"
    );
}

#[test]
fn plain_text_and_yaml_are_not_exports() {
    let e = err(b"name: my flow\nsteps: []\n", "flow.yaml");
    assert_eq!(e.code(), "unknown-format");
    assert!(
        e.to_string()
            .starts_with("We could not recognise this file. lcscan reads: "),
        "{e}"
    );
}

#[test]
fn duplicate_keys_do_not_crash() {
    // serde_json keeps the last value; the file is still judged, not rejected.
    let result = scan(b"{\"a\": 1, \"a\": 2}", "dup.json", &Policy::default());
    assert_eq!(result.unwrap_err().code(), "unknown-format");
}

#[test]
fn part_of_an_export_says_what_it_is_and_what_to_drop_instead() {
    // The manifest of a Power Automate export package, dropped on its own.
    let manifest = br#"{"schema":"1.0","details":{"displayName":"Order intake"},"resources":{"a1":{"type":"Microsoft.Flow/flows"}}}"#;
    let e = err(manifest, "manifest.json");
    assert_eq!(e.code(), "not-an-app", "{e}");
    let text = e.to_string();
    assert!(text.starts_with("lcscan recognised this file"), "{text}");
    assert!(text.contains("Drop the whole exported .zip"), "{text}");
    assert!(!text.contains("We could not recognise"), "{text}");
}

// ---------------------------------------------------------------------------
// Issue 7: the rest of the hostile-input list.
// ---------------------------------------------------------------------------

const N8N_RISKY: &str = "tests/fixtures/n8n/public-webhook-hardcoded-key.json";
const SF_FLOW: &str = "tests/fixtures/salesforce-flow/Sync_Orders_Callout.flow-meta.xml";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn report_json(bytes: &[u8], name: &str) -> serde_json::Value {
    let report = scan(bytes, name, &Policy::default())
        .unwrap_or_else(|e| panic!("{name} should scan, got {}: {e}", e.code()));
    serde_json::to_value(&report).unwrap()
}

fn rule_ids(report: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap_or_default().to_string())
        .collect();
    ids.dedup();
    ids
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
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

#[test]
fn bom_only_and_nul_only_files() {
    assert_eq!(err(b"\xef\xbb\xbf", "flow.json"), ScanError::Empty);
    assert_eq!(err(b"\xff\xfe", "flow.json"), ScanError::Empty);
    assert_eq!(err(b"\xef\xbb\xbf \r\n", "flow.json"), ScanError::Empty);
    let e = err(&[0u8; 64], "flow.json");
    assert_eq!(
        e,
        ScanError::NotAnExport {
            kind: "a binary file".into()
        }
    );
}

#[test]
fn random_bytes_behind_every_kind_of_start_never_panic() {
    // 40 seeds × 8 starts that send the bytes down each ingest path.
    let starts: &[&[u8]] = &[
        b"",
        b"PK\x03\x04",
        b"PK\x05\x06",
        b"{",
        b"[",
        b"<",
        b"\xef\xbb\xbf{",
        b"\xff\xfe",
    ];
    let known = [
        "not-an-export",
        "broken-zip",
        "invalid-json",
        "invalid-xml",
        "invalid-utf8",
        "unknown-format",
        "too-deep",
        "empty",
        "unsupported-compression",
    ];
    for seed in 1..=40u64 {
        for start in starts {
            let mut bytes = start.to_vec();
            bytes.extend(noise(512 + seed as usize * 37, seed));
            match scan(&bytes, "export.json", &Policy::default()) {
                Ok(r) => panic!("noise scanned as an export: {r:?}"),
                Err(e) => assert!(known.contains(&e.code()), "{}: {e}", e.code()),
            }
        }
    }
}

#[test]
fn random_printable_text_is_not_an_export() {
    let text: Vec<u8> = noise(4096, 99)
        .into_iter()
        .map(|b| b' ' + b % 94)
        .filter(|b| !matches!(b, b'{' | b'[' | b'<'))
        .collect();
    let e = err(&text, "notes.json");
    assert_eq!(e.code(), "unknown-format", "{e}");
}

#[test]
fn png_renamed_to_flow_xml_and_zip() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(noise(200, 5));
    for name in ["x.flow-meta.xml", "package.zip", "app.msapp"] {
        let e = err(&png, name);
        assert_eq!(
            e,
            ScanError::NotAnExport {
                kind: "a PNG image".into()
            },
            "{name}"
        );
    }
}

#[test]
fn truncated_zip_at_every_tenth() {
    let full = zip_of(
        &[
            ("definition.json", fixture(N8N_RISKY).as_slice()),
            ("b.json", br#"{"b":2}"#.as_slice()),
        ],
        CompressionMethod::Deflated,
    );
    for tenth in 1..10 {
        let cut = &full[..full.len() * tenth / 10];
        let e = err(cut, "package.zip");
        assert_eq!(e.code(), "broken-zip", "cut at {tenth}/10: {e}");
        assert!(
            e.to_string()
                .contains("It may have been cut off while downloading"),
            "{e}"
        );
    }
}

#[test]
fn empty_zip_says_it_holds_nothing() {
    let bytes = zip_of(&[], CompressionMethod::Stored);
    let e = err(&bytes, "empty.zip");
    assert_eq!(
        e,
        ScanError::UnknownFormat {
            detail: "This zip archive holds no JSON or XML files.".into()
        }
    );
}

#[test]
fn zip_with_unsupported_compression() {
    let mut bytes = zip_of(
        &[("definition.json", br#"{"a":1}"#.as_slice())],
        CompressionMethod::Stored,
    );
    // Method 12 (bzip2) in the local header and the central directory.
    bytes[8] = 12;
    let cd = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    bytes[cd + 10] = 12;
    let e = err(&bytes, "package.zip");
    assert_eq!(e.code(), "unsupported-compression", "{e}");
    assert!(e.to_string().contains("ordinary zip"), "{e}");
}

/// Patch the uncompressed size of the only member (local header and central
/// directory) so the archive lies about how big it unpacks.
fn lie_about_size(bytes: &mut [u8], size: u32) {
    bytes[22..26].copy_from_slice(&size.to_le_bytes());
    let cd = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    bytes[cd + 24..cd + 28].copy_from_slice(&size.to_le_bytes());
}

#[test]
fn zip_bomb_that_lies_about_its_size_is_stopped_while_reading() {
    let zeros = vec![b' '; 16 * 1024 * 1024];
    let mut bytes = zip_of(
        &[("bomb.json", zeros.as_slice())],
        CompressionMethod::Deflated,
    );
    lie_about_size(&mut bytes, 100);
    // The zip reader stops at the declared size: reported as a damaged archive.
    let e = err(&bytes, "bomb.zip");
    assert_eq!(
        e,
        ScanError::BrokenZip {
            reason: "bomb.json: File is larger than its declared uncompressed size".into()
        }
    );
}

#[test]
fn zip_bomb_of_many_entries_hits_the_default_limit() {
    let names: Vec<String> = (0..10_001).map(|i| format!("d/f{i}.json")).collect();
    let refs: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), b"{}".as_slice()))
        .collect();
    let bytes = zip_of(&refs, CompressionMethod::Stored);
    let e = err(&bytes, "many.zip");
    assert_eq!(
        e,
        ScanError::TooManyEntries {
            entries: 10_001,
            limit: 10_000
        }
    );
    assert_eq!(
        e.to_string(),
        "This zip archive holds 10001 files, more than the 10000 lcscan reads. \
         Export a single app or solution instead."
    );
}

#[test]
fn zip_bomb_of_many_small_high_ratio_members() {
    // 64 members of 2 MB of spaces each: every one over the ratio limit.
    let spaces = vec![b' '; 2 * 1024 * 1024];
    let names: Vec<String> = (0..64).map(|i| format!("f{i}.json")).collect();
    let refs: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), spaces.as_slice()))
        .collect();
    let bytes = zip_of(&refs, CompressionMethod::Deflated);
    assert_eq!(err(&bytes, "bomb.zip").code(), "zip-bomb");
}

#[test]
fn entries_of_nested_archives_share_one_budget() {
    // 3 inner archives of 8 entries each, 30 allowed: the total, not each, counts.
    let inner_names: Vec<String> = (0..8).map(|i| format!("f{i}.json")).collect();
    let inner_refs: Vec<(&str, &[u8])> = inner_names
        .iter()
        .map(|n| (n.as_str(), b"{}".as_slice()))
        .collect();
    let inner = zip_of(&inner_refs, CompressionMethod::Stored);
    let outer = zip_of(
        &[
            ("a.zip", inner.as_slice()),
            ("b.zip", inner.as_slice()),
            ("c.zip", inner.as_slice()),
            ("d.zip", inner.as_slice()),
        ],
        CompressionMethod::Stored,
    );
    let policy = policy_with(Limits {
        max_entries: 30,
        ..Limits::default()
    });
    let e = scan(&outer, "outer.zip", &policy).unwrap_err();
    assert_eq!(
        e,
        ScanError::TooManyEntries {
            entries: 8,
            limit: 30
        }
    );
}

#[test]
fn nested_zip_beyond_the_default_nesting_limit() {
    let mut archive = zip_of(&[("a.json", b"{}".as_slice())], CompressionMethod::Deflated);
    for level in 0..3 {
        let name = format!("level{level}.zip");
        archive = zip_of(
            &[(name.as_str(), archive.as_slice())],
            CompressionMethod::Stored,
        );
    }
    let e = err(&archive, "outer.zip");
    assert_eq!(e, ScanError::NestedTooDeep { limit: 2 });
    assert!(
        e.to_string().starts_with(
            "This zip archive holds zip archives inside zip archives more than 2 levels deep."
        ),
        "{e}"
    );
}

#[test]
fn nested_zip_within_the_limit_is_read() {
    // An n8n export inside a zip inside a zip: two levels, the default limit.
    let inner = zip_of(
        &[("wf.json", fixture(N8N_RISKY).as_slice())],
        CompressionMethod::Deflated,
    );
    let middle = zip_of(
        &[("inner.zip", inner.as_slice())],
        CompressionMethod::Stored,
    );
    let outer = zip_of(
        &[("middle.zip", middle.as_slice())],
        CompressionMethod::Stored,
    );
    let report = report_json(&outer, "outer.zip");
    assert_eq!(report["platforms"], serde_json::json!(["n8n"]));
    assert_eq!(
        report["components"][0]["file"],
        "outer.zip!/middle.zip!/inner.zip!/wf.json"
    );
    assert!(rule_ids(&report).contains(&"LC002".to_string()));
}

#[test]
fn json_nested_100000_deep_objects_and_mixed() {
    let objects = format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    assert_eq!(
        err(objects.as_bytes(), "deep.json"),
        ScanError::TooDeep { limit: 100 }
    );
    // Unbalanced: only openers, never closed.
    let open = "[{\"a\":".repeat(100_000);
    let e = err(open.as_bytes(), "deep.json");
    assert_eq!(e, ScanError::TooDeep { limit: 100 });
    assert_eq!(
        e.to_string(),
        "This file is nested more than 100 levels deep, far deeper than any real export. \
         It may be damaged or built to crash scanners, so lcscan stopped reading it."
    );
    // Deep inside a zip member: the member is skipped with the reason, not the whole scan.
    let bytes = zip_of(
        &[
            ("deep.json", objects.as_bytes()),
            ("wf.json", fixture(N8N_RISKY).as_slice()),
        ],
        CompressionMethod::Deflated,
    );
    let report = report_json(&bytes, "both.zip");
    let notes = report["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["file"] == "both.zip!/deep.json"
            && n["message"]
                .as_str()
                .unwrap()
                .contains("nested more than 100 levels deep")),
        "{notes:?}"
    );
}

#[test]
fn depth_limit_comes_from_the_policy() {
    let policy = Policy::from_toml("[limits]\nmax_depth = 5").unwrap();
    let e = scan(b"[[[[[[1]]]]]]", "x.json", &policy).unwrap_err();
    assert_eq!(e, ScanError::TooDeep { limit: 5 });
    let e = scan(b"<a><b><c><d><e><f/></e></d></c></b></a>", "x.xml", &policy);
    assert_ne!(e.unwrap_err().code(), "too-deep");
    let e = scan(
        b"<a><b><c><d><e><f>x</f></e></d></c></b></a>",
        "x.xml",
        &policy,
    );
    assert_eq!(e.unwrap_err(), ScanError::TooDeep { limit: 5 });
}

#[test]
fn every_limit_is_read_from_a_policy_file() {
    let policy = Policy::from_toml(
        "[limits]\nmax_input_bytes = 10\nmax_unpacked_bytes = 20\nmax_compression_ratio = 3\n\
         max_entries = 4\nmax_depth = 6\nmax_string_bytes = 7\nmax_archive_nesting = 0\n",
    )
    .unwrap();
    assert_eq!(
        policy.limits,
        Limits {
            max_input_bytes: 10,
            max_unpacked_bytes: 20,
            max_compression_ratio: 3,
            max_entries: 4,
            max_depth: 6,
            max_string_bytes: 7,
            max_archive_nesting: 0,
        }
    );
    let json = Policy::from_json(r#"{"limits": {"max_entries": 4}}"#).unwrap();
    assert_eq!(json.limits.max_entries, 4);
    assert_eq!(json.limits.max_depth, 100);
}

#[test]
fn input_of_1_gb_is_refused_from_its_size_by_the_cli() {
    // A sparse file: 1 GiB long, no disk blocks, nothing allocated in memory.
    let dir = std::env::temp_dir().join(format!("lcscan-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("backup.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(1024 * 1024 * 1024).unwrap();
    drop(file);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lcscan"))
        .args(["scan", path.to_str().unwrap(), "-f", "json"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "This file is 1024 MB, more than the 100 MB lcscan reads at once. \
             Export a single app or flow instead of a whole backup."
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn size_is_checked_before_any_decoding() {
    // A buffer one byte over the limit whose content would fail in other ways
    // (binary, broken zip): the size error wins, so nothing was read.
    let policy = policy_with(Limits {
        max_input_bytes: 4096,
        ..Limits::default()
    });
    for start in [b"PK\x03\x04".as_slice(), b"\x89PNG", b"{{{{", b"\xff\xfe"] {
        let mut bytes = start.to_vec();
        bytes.resize(4097, 0);
        assert_eq!(
            scan(&bytes, "x.json", &policy).unwrap_err(),
            ScanError::TooLarge {
                size_mb: 1,
                limit_mb: 1
            }
        );
    }
}

#[test]
fn invalid_utf8_in_xml_and_inside_a_zip() {
    let e = err(b"<Flow><label>caf\xe9</label></Flow>", "x.flow-meta.xml");
    assert_eq!(e, ScanError::InvalidUtf8 { offset: 16 });
    assert_eq!(
        e.to_string(),
        "This file is not valid text: it has bytes that are not UTF-8 near byte 16. \
         Export it again, or save it as UTF-8."
    );
    // Truncated multi-byte sequence at the very end.
    assert_eq!(
        err(b"{\"a\": \"\xe2\x82", "x.json"),
        ScanError::InvalidUtf8 { offset: 7 }
    );
}

#[test]
fn utf16_le_and_be_exports_scan_like_utf8() {
    let text = String::from_utf8(fixture(N8N_RISKY)).unwrap();
    let plain = report_json(text.as_bytes(), "wf.json");
    for big_endian in [false, true] {
        let report = report_json(&utf16(&text, big_endian), "wf.json");
        assert_eq!(report["findings"], plain["findings"], "BE={big_endian}");
        assert!(!rule_ids(&report).is_empty());
    }
    let xml = String::from_utf8(fixture(SF_FLOW)).unwrap();
    let plain = report_json(xml.as_bytes(), "Sync_Orders_Callout.flow-meta.xml");
    let be = report_json(&utf16(&xml, true), "Sync_Orders_Callout.flow-meta.xml");
    assert_eq!(be["findings"], plain["findings"]);
    assert_eq!(be["platforms"], serde_json::json!(["salesforce-flow"]));
}

#[test]
fn broken_utf16() {
    // A lone high surrogate (D800) after `{`.
    let mut lone = vec![0xff, 0xfe, b'{', 0];
    lone.extend([0x00, 0xd8, b'}', 0]);
    assert_eq!(err(&lone, "x.json"), ScanError::InvalidUtf8 { offset: 4 });
    // An odd number of bytes after the BOM.
    let odd = [0xfe, 0xff, 0, b'{', 0, b'}', 0];
    assert_eq!(err(&odd, "x.json").code(), "invalid-utf8");
}

#[test]
fn xml_doctype_in_every_spelling_is_refused() {
    for text in [
        "<!DOCTYPE Flow><Flow/>",
        "<?xml version=\"1.0\"?>\n<!doctype Flow SYSTEM \"http://example.invalid/flow.dtd\"><Flow/>",
        "<?xml version=\"1.0\"?><!-- a comment --><!DOCTYPE Flow [<!ENTITY % p SYSTEM \"http://example.invalid/p\"> %p;]><Flow/>",
        "\u{feff}<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><x>&c;&c;&c;</x>",
    ] {
        assert_eq!(err(text.as_bytes(), "x.flow-meta.xml"), ScanError::XmlDoctype, "{text}");
    }
}

#[test]
fn xml_undeclared_entity_is_a_parse_error_not_an_expansion() {
    let e = err(b"<Flow><label>&xxe;</label></Flow>", "x.flow-meta.xml");
    assert_eq!(e.code(), "invalid-xml", "{e}");
    assert!(e.to_string().contains("xxe"), "{e}");
}

#[test]
fn xml_doctype_inside_a_zip_skips_that_member_only() {
    let bytes = zip_of(
        &[
            (
                "evil.xml",
                b"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>".as_slice(),
            ),
            ("wf.json", fixture(N8N_RISKY).as_slice()),
        ],
        CompressionMethod::Deflated,
    );
    let report = report_json(&bytes, "mixed.zip");
    assert_eq!(report["platforms"], serde_json::json!(["n8n"]));
    let notes = report["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["file"] == "mixed.zip!/evil.xml"
            && n["message"].as_str().unwrap().contains("DOCTYPE")),
        "{notes:?}"
    );
    assert!(
        !report.to_string().contains("root:"),
        "no file content leaked"
    );
}

#[test]
fn xml_text_that_mentions_doctype_or_tags_is_not_refused() {
    // CDATA and comments may hold HTML (email templates in flows): not a DTD, not depth.
    let mut xml = fixture(SF_FLOW);
    let close = b"</Flow>";
    let at = xml.windows(close.len()).rposition(|w| w == close).unwrap();
    let extra = format!(
        "<description><![CDATA[<!DOCTYPE html>{}]]></description><!-- <!DOCTYPE x> {} -->",
        "<div>".repeat(500),
        "<p>".repeat(500)
    );
    xml.splice(at..at, extra.bytes());
    let report = report_json(&xml, "Sync_Orders_Callout.flow-meta.xml");
    assert_eq!(report["platforms"], serde_json::json!(["salesforce-flow"]));
}

#[test]
fn duplicate_keys_keep_the_last_value_like_the_platforms_do() {
    // n8n (JavaScript JSON.parse) and Power Automate (Json.NET) keep the last
    // duplicate; so does lcscan, so a scan sees what the platform would run.
    let risky: serde_json::Value = serde_json::from_slice(&fixture(N8N_RISKY)).unwrap();
    let nodes = risky["nodes"].to_string();
    let connections = risky["connections"].to_string();
    let hidden_last =
        format!(r#"{{"name":"dup","nodes":[],"nodes":{nodes},"connections":{connections}}}"#);
    let report = report_json(hidden_last.as_bytes(), "dup.json");
    assert!(rule_ids(&report).contains(&"LC002".to_string()), "{report}");
    let benign_last =
        format!(r#"{{"name":"dup","nodes":{nodes},"nodes":[],"connections":{connections}}}"#);
    let e = scan(benign_last.as_bytes(), "dup.json", &Policy::default());
    match e {
        Ok(r) => assert!(r.findings.is_empty(), "{:?}", r.findings),
        Err(e) => assert_eq!(e.code(), "unknown-format", "{e}"),
    }
}

#[test]
fn numbers_out_of_range_and_long_numbers() {
    for n in ["1e999", "-1e999", "1E400"] {
        let json = format!(r#"{{"nodes": [], "connections": {{}}, "n": {n}}}"#);
        let e = err(json.as_bytes(), "flow.json");
        assert_eq!(e.code(), "invalid-json", "{n}");
        assert!(e.to_string().contains("number out of range"), "{e}");
    }
    // Huge integers and tiny floats are read (as floats / zero), not refused.
    let long = format!(
        r#"{{"n": {}, "m": 1e-999, "k": 18446744073709551616}}"#,
        "9".repeat(300)
    );
    assert_eq!(err(long.as_bytes(), "flow.json").code(), "unknown-format");
}

#[test]
fn json_with_more_values_than_any_export() {
    // 2,000,001 tiny values (4 MB of text, under every size limit) would
    // take over half a gigabyte as a parsed document: refused while parsing.
    let mut json = String::with_capacity(4_000_010);
    json.push('[');
    for i in 0..=lcscan::ingest::MAX_JSON_VALUES {
        json.push_str(if i == 0 { "0" } else { ",0" });
    }
    json.push(']');
    let e = err(json.as_bytes(), "many.json");
    assert_eq!(e, ScanError::TooManyValues { limit: 2_000_000 });
    assert_eq!(
        e.to_string(),
        "This file holds millions of separate values (more than 2000000), far more than any real export. \
         It may be damaged or built to exhaust memory, so lcscan stopped reading it."
    );
    // One value fewer (the array itself counts) is read.
    let fewer = format!(
        "[{}]",
        vec!["0"; lcscan::ingest::MAX_JSON_VALUES - 1].join(",")
    );
    assert_ne!(err(fewer.as_bytes(), "many.json").code(), "too-many-values");
}

#[test]
fn string_just_over_the_default_limit() {
    let json = format!("{{\"x\": \"{}\"}}", "a".repeat(32 * 1024 * 1024 + 1));
    let e = err(json.as_bytes(), "long.json");
    assert_eq!(
        e,
        ScanError::StringTooLong {
            size_mb: 33,
            limit_mb: 32
        }
    );
    assert_eq!(
        e.to_string(),
        "This file has a single text value of 33 MB, more than the 32 MB lcscan accepts. \
         It may be damaged or built to slow scanners down."
    );
}

#[test]
fn escaped_quotes_do_not_end_a_long_string_early() {
    let policy = policy_with(Limits {
        max_string_bytes: 1024,
        ..Limits::default()
    });
    // 1,100 quote characters, each written escaped (2,200 bytes of text).
    let json = format!("{{\"x\": \"{}\"}}", "\\\"".repeat(1100));
    assert_eq!(
        scan(json.as_bytes(), "x.json", &policy).unwrap_err().code(),
        "string-too-long"
    );
}

#[test]
fn extremely_long_line_of_a_real_export_scans() {
    // One 8 MB line: a real n8n export padded with a long (allowed) note value
    // and 100k whitespace-free filler keys on the same line.
    let mut wf: serde_json::Value = serde_json::from_slice(&fixture(N8N_RISKY)).unwrap();
    wf["meta"] = serde_json::json!({ "note": "x".repeat(4 * 1024 * 1024) });
    let filler: serde_json::Map<String, serde_json::Value> = (0..100_000)
        .map(|i| (format!("k{i}"), serde_json::Value::from(i)))
        .collect();
    wf["pinData"] = serde_json::Value::Object(filler);
    let line = serde_json::to_vec(&wf).unwrap();
    assert!(!line.contains(&b'\n'));
    let report = report_json(&line, "wf.json");
    assert!(rule_ids(&report).contains(&"LC002".to_string()));
}

#[test]
fn one_platform_under_another_platforms_file_name() {
    // Content decides, not the extension: an n8n workflow named like a
    // Salesforce flow or a Power Automate definition is still read as n8n.
    let n8n = fixture(N8N_RISKY);
    for name in [
        "Orders.flow-meta.xml",
        "definition.json",
        "flows.json",
        "app.msapp.json",
    ] {
        let report = report_json(&n8n, name);
        assert_eq!(report["platforms"], serde_json::json!(["n8n"]), "{name}");
        assert!(rule_ids(&report).contains(&"LC002".to_string()), "{name}");
    }
    // A Salesforce flow named .json is still a Salesforce flow.
    let flow = fixture(SF_FLOW);
    let report = report_json(&flow, "workflow.json");
    assert_eq!(report["platforms"], serde_json::json!(["salesforce-flow"]));
    // A lone JSON export named .zip is read as JSON, not as a broken zip.
    let report = report_json(&n8n, "export.zip");
    assert_eq!(report["platforms"], serde_json::json!(["n8n"]));
}

#[test]
fn archive_member_names_cannot_inject_terminal_escapes() {
    // A crafted member name with ANSI escapes and a bell, and a path-traversal
    // name: shown, never obeyed (nothing is written), and not as raw escapes.
    let dir = std::env::temp_dir().join(format!("lcscan-esc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("crafted.zip");
    let wf = fixture(N8N_RISKY);
    std::fs::write(
        &path,
        zip_of(
            &[
                ("\u{1b}[2J\u{1b}[31mevil\u{7}.json", wf.as_slice()),
                ("../../../etc/x.json", wf.as_slice()),
            ],
            CompressionMethod::Deflated,
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lcscan"))
        .args(["scan", path.to_str().unwrap(), "--fail-on", "never"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("evil"), "{text}");
    assert!(text.contains("../../../etc/x.json"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "raw control characters reached the terminal: {text:?}"
    );
    assert!(!std::path::Path::new("/etc/x.json").exists());
}

// Found by tests/fuzz_smoke.rs: error messages quoted raw input.

#[test]
fn xml_error_quoting_a_control_character_escapes_it() {
    // roxmltree names the character it choked on; an ESC or NUL there must
    // not reach a terminal raw.
    for (bytes, shown) in [
        (&b"<Flow xmlns=\"urn:x\"\x00 a=\"1\"></Flow>"[..], "\\u{0}"),
        (&b"<Flow><a\x1b[2J></a></Flow>"[..], "\\u{1b}"),
        (&b"<Flow><label>x</label\x7f></Flow>"[..], "\\u{7f}"),
    ] {
        let e = err(bytes, "Orders.flow-meta.xml");
        assert_eq!(e.code(), "invalid-xml", "{e}");
        let msg = e.to_string();
        assert!(!msg.chars().any(char::is_control), "{msg:?}");
        assert!(msg.contains(shown), "{msg:?}");
    }
}

#[test]
fn xml_error_quoting_a_huge_tag_name_is_cut_short() {
    // A mismatched closing tag: the parser's message quotes the expected
    // name in full. A 1 MB name must not make a 1 MB error message.
    let name = "Vers".repeat(256 * 1024);
    let xml = format!("<Flow><{name}>x</{name}x></Flow>");
    let e = err(xml.as_bytes(), "Orders.flow-meta.xml");
    assert_eq!(e.code(), "invalid-xml", "{e}");
    let msg = e.to_string();
    assert!(msg.len() < 1200, "{} bytes", msg.len());
    assert!(msg.contains("VersVers") && msg.contains('…'), "{msg}");
    assert!(msg.ends_with("export it again."), "{msg}");
}

#[test]
fn zip_member_names_in_an_error_are_escaped() {
    // A zip with nothing readable lists what it holds: crafted names appear
    // with their escapes written out.
    let zip = zip_of(
        &[("\u{1b}[2J\u{1b}[31mevil\u{7}.png", b"\x89PNG\r\n\x1a\nfake")],
        CompressionMethod::Deflated,
    );
    let e = err(&zip, "export.zip");
    let msg = e.to_string();
    assert!(!msg.chars().any(char::is_control), "{msg:?}");
    assert!(msg.contains("\\u{1b}[31mevil\\u{7}.png"), "{msg}");
}

#[test]
fn yaml_depth_limit_comes_from_the_policy() {
    // Windmill YAML is read by its parser, with the policy's max_depth (it
    // used the default limits before).
    let mut flow = String::from(
        "summary: Deep\nvalue:\n  modules:\n    - id: a\n      value:\n        type: rawscript\n        \
         content: 'x'\n        language: deno\n        input_transforms:\n          deep:\n            type: static\n            value: ",
    );
    flow.push_str(&"[".repeat(20));
    flow.push_str(&"]".repeat(20));
    flow.push('\n');
    let name = "f/ops/deep.flow/flow.yaml";
    let report = scan(flow.as_bytes(), name, &Policy::default()).unwrap();
    assert_eq!(report.components.len(), 1, "{report:?}");
    let tight = policy_with(Limits {
        max_depth: 12,
        ..Limits::default()
    });
    let notes = match scan(flow.as_bytes(), name, &tight) {
        Ok(report) => report
            .notes
            .iter()
            .map(|n| n.message.clone())
            .collect::<Vec<_>>(),
        Err(e) => vec![e.to_string()],
    };
    assert!(
        notes
            .iter()
            .any(|n| n.contains("nested more than 12 levels deep")),
        "{notes:?}"
    );
}
