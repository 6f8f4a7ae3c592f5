//! Zapier parser: fixtures in tests/fixtures/zapier/ read into the normalized
//! model, and the findings the existing rules raise on them.

mod common;

use lcscan::model::{
    App, AppKind, Audience, ConnectionIdentity, FieldUse, HttpAuth, Platform, StepKind,
    TriggerKind, ValueContext, ValueKind,
};
use lcscan::{scan, Policy, Report};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/zapier");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn apps(name: &str) -> Vec<App> {
    let (apps, notes) = common::parse(&read(name), name).expect("parse");
    assert!(notes.is_empty(), "{notes:?}");
    apps
}

fn report(name: &str) -> Report {
    scan(&read(name), name, &Policy::default()).expect("scan")
}

fn has_edge(app: &App, from: &str, to: &str, kind: &str) -> bool {
    app.edges
        .iter()
        .any(|e| e.from == from && e.to == to && e.kind == kind)
}

#[test]
fn every_zap_is_one_app_with_steps_in_run_order() {
    let apps = apps("zapfile.json");
    assert_eq!(apps.len(), 2);
    let app = &apps[0];
    assert_eq!(app.platform, Platform::Zapier);
    assert_eq!(app.kind, AppKind::Workflow);
    assert_eq!(app.name, "Website leads to Sheets");
    assert_eq!(app.id.as_deref(), Some("410000001"));
    assert_eq!(app.version.as_deref(), Some("gdpr_v1"));
    assert_eq!(app.active, Some(true));
    let ids: Vec<&str> = app.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["410000001", "410000002", "410000003", "410000004"]);
    assert!(has_edge(app, "410000001", "410000002", "main"));
    assert!(has_edge(app, "410000003", "410000004", "main"));
    // Mappings from earlier steps are data flow too.
    assert!(has_edge(app, "410000001", "410000004", "mapping"));
    assert!(has_edge(app, "410000002", "410000004", "mapping"));

    let second = &apps[1];
    assert_eq!(second.name, "Untitled Zap");
    assert_eq!(second.active, Some(false));
    assert_eq!(second.steps[0].name, "New Inbound Email");
    assert_eq!(second.steps[1].kind, StepKind::Control);
    assert_eq!(second.steps[1].connector, None);
    assert_eq!(second.triggers[0].kind, TriggerKind::Event);
    assert_eq!(second.triggers[0].audience, Audience::Internal);
    assert!(second
        .fields
        .iter()
        .any(|f| f.name == "subject" && f.usage == FieldUse::Filter));
    assert!(second.fields.iter().any(|f| f.name == "email"
        && f.usage == FieldUse::Send
        && f.step_id.as_deref() == Some("410000012")));
}

#[test]
fn catch_hook_code_and_webhook_action_are_mapped() {
    let apps = apps("zapfile.json");
    let app = &apps[0];
    let hook = &app.steps[0];
    assert_eq!(hook.kind, StepKind::Trigger);
    assert_eq!(hook.name, "Webhooks by Zapier - Catch Hook (410000001)");
    assert_eq!(hook.platform_type, "WebHookCLIAPI:hook_v2");
    let t = &app.triggers[0];
    assert_eq!(t.step_id, "410000001");
    assert_eq!(t.kind, TriggerKind::Http);
    assert_eq!(t.audience, Audience::Anyone);
    assert_eq!(t.auth, "none");

    let code = &app.steps[1];
    assert_eq!(code.kind, StepKind::Code);
    assert_eq!(code.name, "Score the lead");
    let c = code.code.as_ref().unwrap();
    assert_eq!(c.language, "python");
    assert!(c.source.contains("input_data.get('email'"));
    assert_eq!(c.location.path, "/zaps/0/nodes/410000002/params/code");

    let post = &app.steps[2];
    assert_eq!(post.kind, StepKind::HttpRequest);
    assert_eq!(post.connector.as_deref(), Some("zapier:WebHook"));
    let http = post.http.as_ref().unwrap();
    assert_eq!(http.method, "POST");
    assert_eq!(http.url, "http://crm.example.test/api/leads");
    assert!(!http.url_is_expression);
    assert_eq!(http.auth, HttpAuth::Basic);
    let auth_header = app
        .values
        .iter()
        .find(|v| v.key == "Authorization")
        .unwrap();
    assert_eq!(auth_header.context, ValueContext::Header);
    assert_eq!(auth_header.kind, ValueKind::Literal);
    assert_eq!(
        auth_header.location.path,
        "/zaps/0/nodes/410000003/params/headers/Authorization"
    );
    let basic = app.values.iter().find(|v| v.key == "basic_auth").unwrap();
    assert_eq!(basic.context, ValueContext::PasswordField);
    let mapped = app
        .values
        .iter()
        .find(|v| v.step_id.as_deref() == Some("410000003") && v.key == "email")
        .unwrap();
    assert_eq!(mapped.kind, ValueKind::Expression);
    assert_eq!(mapped.context, ValueContext::Body);
    assert_eq!(app.endpoints[0].host.as_deref(), Some("crm.example.test"));

    let sheets = &app.steps[3];
    assert_eq!(sheets.kind, StepKind::ConnectorAction);
    assert_eq!(sheets.connector.as_deref(), Some("zapier:GoogleSheets"));
    assert_eq!(sheets.connection.as_deref(), Some("62000001"));
    let conn = app.connection("62000001").unwrap();
    assert_eq!(conn.identity, ConnectionIdentity::StoredCredential);
    assert_eq!(conn.display_name, "Google Sheets account 62000001");
    // `{{=gives["id"]["field"]}}` names the field too.
    assert!(app
        .fields
        .iter()
        .any(|f| f.name == "score" && f.step_id.as_deref() == Some("410000004")));
}

#[test]
fn findings_on_the_zap_export() {
    let report = report("zapfile.json");
    let find = |rule: &str, path: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule_id == rule && f.location.path == path)
            .unwrap_or_else(|| panic!("{rule} at {path}: {:#?}", report.findings))
    };
    let lc001 = find("LC001", "/zaps/0/nodes/410000001/action");
    assert!(lc001.message.contains("Webhooks by Zapier - Catch Hook"));
    // Secrets: header token, basic auth password, AWS key in code — masked.
    let header = find(
        "LC002",
        "/zaps/0/nodes/410000003/params/headers/Authorization",
    );
    assert!(!header
        .evidence
        .as_deref()
        .unwrap_or("")
        .contains("q7VnTr29LwXe8KpZc4HsMd1Yb"));
    find("LC002", "/zaps/0/nodes/410000003/params/basic_auth");
    find("LC002", "/zaps/0/nodes/410000002/params/code");
    find("LC006", "/zaps/0/nodes/410000002/params/code");
    find("LC004", "/zaps/0/nodes/410000003/params/url");
    // The Inbound e-mail Zap starts from a connected app, not a public hook.
    assert!(!report
        .findings
        .iter()
        .any(|f| f.rule_id == "LC001" && f.location.path.starts_with("/zaps/1/")));
}

#[test]
fn a_zap_without_a_catch_hook_has_no_public_trigger() {
    let text = r#"{"metadata":{"version":2},"zaps":[{"id":7,"title":"Nightly","nodes":{
        "7":{"id":7,"type_of":"read","action":"","selected_api":"ScheduleAPI","params":{"frequency":"daily"},"parent_id":null},
        "8":{"id":8,"type_of":"write","action":"add_row","selected_api":"GoogleSheetsV2API","params":{"COL$A":"x"},"parent_id":7,"authentication_id":null}}}]}"#;
    let report = scan(text.as_bytes(), "zapfile.json", &Policy::default()).unwrap();
    assert_eq!(report.platforms, [Platform::Zapier]);
    assert!(!report.findings.iter().any(|f| f.rule_id == "LC001"));
    let (apps, _) = common::parse(text.as_bytes(), "zapfile.json").unwrap();
    assert_eq!(apps[0].triggers[0].kind, TriggerKind::Schedule);
    assert_eq!(apps[0].version.as_deref(), Some("2"));
}
