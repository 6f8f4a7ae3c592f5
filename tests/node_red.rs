//! Node-RED parser: fixtures in tests/fixtures/node-red/ read into the
//! normalized model, and the findings the existing rules raise on them.

mod common;

use std::io::Write;

use lcscan::ingest::ingest;
use lcscan::model::{
    App, AppKind, Audience, CredentialStorage, HttpAuth, Platform, StepKind, TriggerKind,
    ValueContext, ValueKind,
};
use lcscan::platforms;
use lcscan::report::Note;
use lcscan::{scan, Limits, Policy, Report};
use zip::write::SimpleFileOptions;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/node-red");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_bytes(bytes: &[u8], name: &str) -> (Vec<App>, Vec<Note>) {
    common::parse(bytes, name).expect("parse")
}

fn report(name: &str) -> Report {
    scan(&read(name), name, &Policy::default()).expect("scan")
}

fn rule_ids(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule_id.as_str()).collect()
}

#[test]
fn tab_with_public_endpoint_is_read_fully() {
    let (apps, notes) = parse_bytes(&read("orders-api.json"), "orders-api.json");
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(apps.len(), 3, "one tab, the config nodes, the credentials");
    let app = &apps[0];
    assert_eq!(app.platform, Platform::NodeRed);
    assert_eq!(app.kind, AppKind::Workflow);
    assert_eq!(app.name, "Orders API");
    assert_eq!(app.id.as_deref(), Some("a1b2c3d4e5f60001"));
    assert_eq!(app.active, Some(true));

    // The http in node: a public trigger that answers the caller.
    let t = &app
        .triggers
        .iter()
        .find(|t| t.kind == TriggerKind::Http)
        .unwrap();
    assert_eq!(t.step_id, "a1b2c3d4e5f60002");
    assert_eq!(
        t.name, "[post] /orders",
        "unnamed endpoints: the editor's label"
    );
    assert_eq!(t.audience, Audience::Anyone);
    assert_eq!(t.auth, "none");
    assert!(t.responds_with_data);
    assert_eq!(t.location.path, "/1/url");
    assert_eq!(t.location.step.as_deref(), Some("[post] /orders"));

    // Function node with child_process.
    let f = app.step("a1b2c3d4e5f60003").unwrap();
    assert_eq!(f.kind, StepKind::Code);
    assert_eq!(f.name, "Run report script");
    let code = f.code.as_ref().unwrap();
    assert_eq!(code.language, "javascript");
    assert!(code.runs_commands);
    assert!(code.source.contains("execSync"));
    assert_eq!(code.location.path, "/2/func");

    // Exec node.
    let e = app.step("a1b2c3d4e5f60007").unwrap();
    assert_eq!(e.kind, StepKind::Command);
    assert_eq!(e.name, "exec");
    assert_eq!(e.code.as_ref().unwrap().source, "rm -rf /tmp/orders");

    // HTTP request: plain http, TLS check off through the tls-config node, literal header.
    let h = app.step("a1b2c3d4e5f60005").unwrap();
    assert_eq!(h.kind, StepKind::HttpRequest);
    let http = h.http.as_ref().unwrap();
    assert_eq!(http.method, "POST");
    assert_eq!(http.url, "http://crm.example.com/api/notify");
    assert!(!http.url_is_expression);
    assert!(http.tls_verification_disabled);
    assert_eq!(http.auth, HttpAuth::Header);
    let header = app
        .values
        .iter()
        .find(|v| v.key == "Authorization")
        .unwrap();
    assert_eq!(header.context, ValueContext::Header);
    assert_eq!(header.kind, ValueKind::Literal);
    assert_eq!(header.step_id.as_deref(), Some("a1b2c3d4e5f60005"));
    assert_eq!(header.location.path, "/4/headers/0/valueValue");
    assert_eq!(header.location.step.as_deref(), Some("Notify CRM"));
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.host.as_deref() == Some("crm.example.com")));

    // Database node with mustache in its query.
    let db = app.step("a1b2c3d4e5f60006").unwrap();
    assert_eq!(db.kind, StepKind::Database);
    let sql = db.sql.as_ref().unwrap();
    assert!(sql.interpolated);
    assert!(!sql.uses_parameters);
    assert_eq!(db.connection.as_deref(), Some("a1b2c3d4e5f60012"));

    // MQTT out through a broker config node.
    let m = app.step("a1b2c3d4e5f60008").unwrap();
    assert_eq!(m.connector.as_deref(), Some("node-red:mqtt out"));
    assert_eq!(m.connection.as_deref(), Some("a1b2c3d4e5f60011"));
    let broker = app.connection("a1b2c3d4e5f60011").unwrap();
    assert_eq!(broker.connector, "node-red:mqtt-broker");
    assert!(lcscan::detect::connectors::lookup(&broker.connector).is_some());
    assert_eq!(broker.display_name, "Plant broker");
    assert_eq!(broker.endpoint.as_deref(), Some("mqtt.example.com:1883"));

    // Wires become edges; tab env values are variables.
    assert!(app
        .edges
        .iter()
        .any(|e| e.from == "a1b2c3d4e5f60002" && e.to == "a1b2c3d4e5f60003" && e.kind == "main"));
    assert!(app
        .edges
        .iter()
        .any(|e| e.from == "a1b2c3d4e5f60003" && e.to == "a1b2c3d4e5f60005"));
    let region = app.values.iter().find(|v| v.key == "REGION").unwrap();
    assert_eq!(region.context, ValueContext::Variable);

    // Config nodes: the broker's inline credentials are plain text, kept
    // as a credential store of their own.
    assert_eq!(apps[1].name, "Configuration nodes");
    assert!(apps[1].credentials.is_empty());
    let config = &apps[2];
    assert_eq!(config.name, "Node-RED credentials in orders-api");
    assert_eq!(config.kind, AppKind::CredentialStore);
    let cred = &config.credentials[0];
    assert_eq!(cred.name, "Plant broker");
    assert_eq!(cred.credential_type, "mqtt-broker");
    assert_eq!(cred.storage, CredentialStorage::Plaintext);
    assert_eq!(cred.location.path, "/9/credentials");
    let pw = config.values.iter().find(|v| v.key == "password").unwrap();
    assert_eq!(pw.context, ValueContext::PasswordField);
}

#[test]
fn public_endpoint_flow_raises_the_expected_rules() {
    let r = report("orders-api.json");
    let ids = rule_ids(&r);
    for id in [
        "LC001", "LC002", "LC004", "LC005", "LC006", "LC007", "LC018",
    ] {
        assert!(ids.contains(&id), "{id} missing in {ids:?}");
    }
    let lc001 = r.findings.iter().find(|f| f.rule_id == "LC001").unwrap();
    assert_eq!(lc001.severity, lcscan::Severity::Critical);
    assert!(
        lc001.message.contains("'[post] /orders'"),
        "{}",
        lc001.message
    );
    let lc006: Vec<_> = r.findings.iter().filter(|f| f.rule_id == "LC006").collect();
    assert_eq!(lc006.len(), 2, "function with child_process and exec node");
    assert!(lc006.iter().all(|f| f.severity == lcscan::Severity::High));
    let lc002 = r.findings.iter().find(|f| f.rule_id == "LC002").unwrap();
    assert_eq!(lc002.location.step.as_deref(), Some("Notify CRM"));
    assert!(!lc002
        .evidence
        .as_deref()
        .unwrap_or("")
        .contains("zvOrpWt717"));
    let lc005 = r.findings.iter().find(|f| f.rule_id == "LC005").unwrap();
    assert!(lc005.fix.contains("Verify server certificate"));
}

#[test]
fn quiet_flow_raises_nothing_serious() {
    let (apps, _) = parse_bytes(&read("quiet-flow.json"), "quiet-flow.json");
    assert_eq!(
        apps.len(),
        1,
        "the tls-config node holds nothing: no config app? {apps:#?}"
    );
    let app = &apps[0];
    assert_eq!(app.name, "Weather poll");
    assert_eq!(app.location.path, "/flows/0");
    let inject = &app.triggers[0];
    assert_eq!(inject.kind, TriggerKind::Schedule);
    assert_eq!(inject.audience, Audience::Internal);
    let http = app.steps.iter().find_map(|s| s.http.as_ref()).unwrap();
    assert!(!http.tls_verification_disabled);
    assert_eq!(http.auth, HttpAuth::Bearer);
    let url = app.values.iter().find(|v| v.key == "url").unwrap();
    assert_eq!(url.kind, ValueKind::Template);
    assert!(app.step("b1b2c3d4e5f60005").unwrap().disabled);

    let r = report("quiet-flow.json");
    let ids = rule_ids(&r);
    for id in ["LC001", "LC002", "LC004", "LC005", "LC006", "LC018"] {
        assert!(!ids.contains(&id), "{id} raised: {ids:?}");
    }
}

#[test]
fn credentials_files_plain_and_encrypted() {
    let (apps, _) = parse_bytes(&read("flows_cred.json"), "flows_cred.json");
    let app = &apps[0];
    assert_eq!(app.kind, AppKind::CredentialStore);
    assert_eq!(app.credentials.len(), 2);
    let plain = app
        .credentials
        .iter()
        .find(|c| c.storage == CredentialStorage::Plaintext)
        .unwrap();
    assert_eq!(plain.location.path, "/a1b2c3d4e5f60011");
    let empty = app
        .credentials
        .iter()
        .find(|c| c.location.path == "/a1b2c3d4e5f60005")
        .unwrap();
    assert_eq!(empty.storage, CredentialStorage::Reference);
    let r = report("flows_cred.json");
    assert_eq!(rule_ids(&r), vec!["LC018"]);

    let (apps, _) = parse_bytes(
        &read("encrypted_flows_cred.json"),
        "encrypted_flows_cred.json",
    );
    assert_eq!(apps[0].credentials[0].storage, CredentialStorage::Encrypted);
    assert!(report("encrypted_flows_cred.json").findings.is_empty());
}

#[test]
fn project_zip_names_credentials_after_their_nodes() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = SimpleFileOptions::default();
        zip.start_file("project/flows.json", opts).unwrap();
        zip.write_all(&read("orders-api.json")).unwrap();
        zip.start_file("project/flows_cred.json", opts).unwrap();
        zip.write_all(&read("flows_cred.json")).unwrap();
        zip.finish().unwrap();
    }
    let (apps, _) = parse_bytes(buf.get_ref(), "project.zip");
    let store = apps
        .iter()
        .find(|a| a.kind == AppKind::CredentialStore)
        .unwrap();
    let cred = store
        .credentials
        .iter()
        .find(|c| c.storage == CredentialStorage::Plaintext)
        .unwrap();
    assert_eq!(cred.name, "Plant broker");
    assert_eq!(cred.credential_type, "mqtt-broker");
}

#[test]
fn other_platforms_are_not_claimed() {
    let n8n = br#"{"name":"w","nodes":[{"id":"1","name":"Webhook","type":"n8n-nodes-base.webhook","parameters":{}}],"connections":{}}"#;
    let (apps, _) = parse_bytes(n8n, "w.json");
    assert!(apps.iter().all(|a| a.platform == Platform::N8n));
    let plain_list = br#"[{"id":"1","type":"person","age":3}]"#;
    let bundle = ingest(plain_list, "people.json", &Limits::default()).unwrap();
    let mut notes = Vec::new();
    assert!(platforms::parse(&bundle, &mut notes).is_err());
}
