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
