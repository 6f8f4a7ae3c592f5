//! Budibase parser: the CouchDB dump (`db.txt` / `dump.txt`) alone and inside
//! a `.tar.gz` app export, the model it gives, the findings on it, and broken
//! or hostile `.tar.gz` input.

mod common;

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use lcscan::model::{
    App, AppKind, Audience, ConnectionIdentity, CredentialStorage, DataAccess, FieldUse, HttpAuth,
    Platform, StepKind, TriggerKind, ValueContext, ValueKind,
};
use lcscan::{scan, Limits, Policy, Report, ScanError};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/budibase");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn apps_of(bytes: &[u8], name: &str) -> Vec<App> {
    let (apps, notes) = common::parse(bytes, name).expect("parse");
    assert!(notes.is_empty(), "{notes:?}");
    apps
}

fn report(bytes: &[u8], name: &str) -> Report {
    scan(bytes, name, &Policy::default()).expect("scan")
}

/// A gzip-compressed tar of `files`, like Budibase's "Export app".
fn targz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *data).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

#[test]
fn dump_is_one_app_plus_one_workflow_per_automation() {
    let apps = apps_of(&read("db.txt"), "db.txt");
    assert_eq!(apps.len(), 3);
    let app = &apps[0];
    assert_eq!(app.platform, Platform::Budibase);
    assert_eq!(app.kind, AppKind::InternalTool);
    assert_eq!(app.name, "Patient intake");
    assert_eq!(app.id.as_deref(), Some("app_fake_7f3c2a1b0d9e4c8f"));
    assert_eq!(app.version.as_deref(), Some("2.20.8"));
    // Screens (the deleted one is left out) and queries are the steps.
    let names: Vec<&str> = app.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Screen /intake",
            "Screen /admin/patients",
            "Find patient",
            "Get lab results"
        ]
    );
    assert_eq!(app.steps[0].kind, StepKind::Screen);

    // Table columns are data fields, so the sensitive-field rules see them.
    let dob = app
        .fields
        .iter()
        .find(|f| f.name == "Date of birth")
        .unwrap();
    assert_eq!(dob.object.as_deref(), Some("Patients"));
    assert_eq!(dob.usage, FieldUse::Read);
    assert_eq!(dob.location.path, "/lines/2/docs/1/schema/Date of birth");

    // Public screen and the Public role's table permission: open to anyone.
    let public: Vec<&str> = app
        .sharing
        .iter()
        .filter(|s| s.audience == Audience::Anyone)
        .map(|s| s.raw.as_str())
        .collect();
    assert_eq!(
        public,
        ["routing.roleId: PUBLIC", "role_PUBLIC permissions: write"]
    );
    assert!(app.sharing[1].what.contains("table 'Patients'"));

    // Data sources: a literal password is a plaintext credential, env bindings are not.
    let pg = app.connection("datasource_pg0001").unwrap();
    assert_eq!(pg.connector, "budibase:postgres");
    assert_eq!(pg.identity, ConnectionIdentity::Service);
    assert_eq!(pg.endpoint.as_deref(), Some("db.clinic.example.test"));
    assert_eq!(app.credentials.len(), 1);
    assert_eq!(app.credentials[0].name, "Clinic DB");
    assert_eq!(app.credentials[0].storage, CredentialStorage::Plaintext);
    let pw = app
        .values
        .iter()
        .find(|v| v.location.path == "/lines/2/docs/2/config/password")
        .unwrap();
    assert_eq!(pw.context, ValueContext::PasswordField);
    assert_eq!(pw.kind, ValueKind::Literal);
    let env_pw = app
        .values
        .iter()
        .find(|v| v.location.path == "/lines/2/docs/4/config/password")
        .unwrap();
    assert_eq!(env_pw.kind, ValueKind::Expression);

    // SQL bindings are sent as parameters; REST queries are HTTP calls.
    let sql = app.steps[2].sql.as_ref().unwrap();
    assert!(!sql.interpolated);
    assert!(sql.uses_parameters);
    let rest = &app.steps[3];
    assert_eq!(rest.kind, StepKind::HttpRequest);
    let http = rest.http.as_ref().unwrap();
    assert_eq!(http.method, "GET");
    assert_eq!(http.url, "http://lab.example.test/api/results");
    assert_eq!(http.auth, HttpAuth::None);
    assert!(app
        .values
        .iter()
        .any(|v| v.key == "queryString" && v.context == ValueContext::Query));
}

#[test]
fn automations_are_workflows_with_their_triggers() {
    let apps = apps_of(&read("db.txt"), "db.txt");
    let hook = &apps[1];
    assert_eq!(hook.kind, AppKind::Workflow);
    assert_eq!(
        hook.name,
        "Patient intake › automation 'Lab result received'"
    );
    let t = &hook.triggers[0];
    assert_eq!(t.kind, TriggerKind::Http);
    assert_eq!(t.audience, Audience::Anyone);
    assert_eq!(t.location.path, "/lines/3/docs/0/definition/trigger/stepId");
    let kinds: Vec<StepKind> = hook.steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            StepKind::Trigger,
            StepKind::Code,
            StepKind::HttpRequest,
            StepKind::Database
        ]
    );
    assert_eq!(hook.steps[1].code.as_ref().unwrap().language, "javascript");
    assert_eq!(
        hook.steps[2].http.as_ref().unwrap().url,
        "http://ward.example.test/hooks/results"
    );
    // The query step runs the app's query through its data source.
    assert_eq!(hook.steps[3].name, "Look up patient");
    assert_eq!(
        hook.steps[3].connection.as_deref(),
        Some("datasource_pg0001")
    );
    assert!(hook.connection("datasource_pg0001").is_some());
    assert_eq!(hook.edges.len(), 3);
    // Header JSON text is split into headers.
    assert!(hook
        .values
        .iter()
        .any(|v| v.key == "X-Ward-Token" && v.context == ValueContext::Header));

    let rows = &apps[2];
    assert_eq!(rows.triggers[0].kind, TriggerKind::Event);
    assert_eq!(rows.triggers[0].audience, Audience::Internal);
    assert_eq!(rows.active, Some(true));
    assert_eq!(rows.steps[1].kind, StepKind::Email);
    assert!(rows
        .fields
        .iter()
        .any(|f| f.name == "Diagnosis" && f.step_id.as_deref() == Some("t2")));
    let _ = DataAccess::Read;
}

#[test]
fn findings_on_the_dump() {
    let report = report(&read("db.txt"), "db.txt");
    let find = |rule: &str, path: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule_id == rule && f.location.path == path)
            .unwrap_or_else(|| panic!("{rule} at {path}: {:#?}", report.findings))
    };
    find("LC001", "/lines/3/docs/0/definition/trigger/stepId");
    let lc018 = find("LC018", "/lines/2/docs/2/config");
    assert!(lc018.message.contains("'Clinic DB'"));
    assert!(!lc018.evidence.as_deref().unwrap().contains("vLr2!kTm9p"));
    find("LC002", "/lines/2/docs/2/config/password");
    find(
        "LC002",
        "/lines/2/docs/3/config/defaultHeaders/Authorization",
    );
    find("LC006", "/lines/3/docs/0/definition/steps/0/inputs/code");
    find("LC004", "/lines/2/docs/6/fields/path");
    find("LC010", "/lines/2/docs/1/schema/Date of birth");
    // The Reporting DB password is an environment binding: no finding there.
    assert!(!report
        .findings
        .iter()
        .any(|f| f.location.path.starts_with("/lines/2/docs/4/")));
    // Budibase sends SQL bindings as parameters.
    assert!(!report.findings.iter().any(|f| f.rule_id == "LC007"));
}

#[test]
fn targz_export_is_unpacked_and_read() {
    let bytes = targz(&[
        ("./db.txt", &read("db.txt")),
        ("./attachments/app_icon.png", b"\x89PNG\r\n\x1a\nnot really"),
    ]);
    let report = report(&bytes, "patient-intake-export.tar.gz");
    assert_eq!(report.platforms, [Platform::Budibase]);
    assert_eq!(report.components.len(), 3);
    let lc018 = report
        .findings
        .iter()
        .find(|f| f.rule_id == "LC018")
        .unwrap();
    assert_eq!(
        &*lc018.location.file,
        "patient-intake-export.tar.gz!/db.txt"
    );
    // The icon is skipped, not an error.
    assert!(report
        .notes
        .iter()
        .any(|n| n.file == "patient-intake-export.tar.gz!/attachments/app_icon.png"));
}

#[test]
fn truncated_targz_gets_a_friendly_error() {
    let bytes = targz(&[("db.txt", &read("db.txt"))]);
    let cut = &bytes[..bytes.len() / 2];
    let e = scan(cut, "export.tar.gz", &Policy::default()).unwrap_err();
    assert_eq!(
        e,
        ScanError::BrokenTarGz {
            reason: "the file ends too early".into()
        }
    );
    assert_eq!(e.code(), "broken-targz");
    assert_eq!(
        e.to_string(),
        "This .tar.gz archive is damaged or incomplete (the file ends too early). \
         It may have been cut off while downloading: download or export it again."
    );
}

#[test]
fn tar_bombs_stop_at_the_limits() {
    // Many entries.
    let names: Vec<String> = (0..20).map(|i| format!("f{i}.txt")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let policy = Policy {
        limits: Limits {
            max_entries: 10,
            ..Limits::default()
        },
        ..Policy::default()
    };
    let e = scan(&targz(&files), "many.tar.gz", &policy).unwrap_err();
    assert_eq!(e, ScanError::TarGzTooManyEntries { limit: 10 });
    assert_eq!(
        e.to_string(),
        "This .tar.gz archive holds more than 10 files, more than lcscan reads. Export a single app instead."
    );

    // Unpacks far beyond its size: 16 MiB of zeros compress to ~16 KiB.
    let zeros = vec![0u8; 16 * 1024 * 1024];
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    {
        let mut builder = tar::Builder::new(&mut gz);
        let mut header = tar::Header::new_gnu();
        header.set_size(zeros.len() as u64);
        header.set_cksum();
        builder
            .append_data(&mut header, "db.txt", &zeros[..])
            .unwrap();
        builder.finish().unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1024 * 1024);
    let e = scan(&bomb, "bomb.tar.gz", &Policy::default()).unwrap_err();
    assert_eq!(
        e,
        ScanError::TarGzBomb {
            limit_mb: 512,
            ratio: 200
        }
    );
    assert_eq!(e.code(), "targz-bomb");
    assert_eq!(
        e.to_string(),
        "This .tar.gz archive would unpack to more than 512 MB (or expands over 200×), which is far more \
         than any app export. It looks like an archive bomb, so lcscan stopped unpacking it."
    );

    // The unpacked-size limit from a policy.
    let policy = Policy {
        limits: Limits {
            max_unpacked_bytes: 4096,
            ..Limits::default()
        },
        ..Policy::default()
    };
    let e = scan(
        &targz(&[("db.txt", &read("db.txt"))]),
        "small.tar.gz",
        &policy,
    )
    .unwrap_err();
    assert_eq!(e.code(), "targz-bomb");
}

#[test]
fn gzip_that_is_not_a_tar_and_json_lines_that_are_not_budibase() {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(b"{\"nodes\": []}").unwrap();
    let e = scan(&gz.finish().unwrap(), "flow.json.gz", &Policy::default()).unwrap_err();
    assert_eq!(e.code(), "broken-targz");

    // Line-delimited JSON of another kind is not claimed by the Budibase parser.
    let e = scan(b"{\"a\":1}\n{\"b\":2}\n", "log.jsonl", &Policy::default()).unwrap_err();
    assert_eq!(e.code(), "unknown-format");
    // And a JSON file with trailing garbage is still a JSON error.
    let e = scan(b"{\"a\":1}\ngarbage", "x.json", &Policy::default()).unwrap_err();
    assert_eq!(e.code(), "invalid-json");
}
