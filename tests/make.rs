//! Make parser: fixtures in tests/fixtures/make/ read into the normalized
//! model, and the findings the existing rules raise on them.

mod common;

use lcscan::model::{
    App, AppKind, Audience, ConnectionIdentity, FieldUse, HttpAuth, Platform, StepKind,
    TriggerKind, ValueContext, ValueKind,
};
use lcscan::report::Note;
use lcscan::{scan, Policy, Report, Severity};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/make");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_bytes(bytes: &[u8], name: &str) -> (Vec<App>, Vec<Note>) {
    common::parse(bytes, name).expect("parse")
}

fn one(name: &str) -> App {
    let (mut apps, notes) = parse_bytes(&read(name), name);
    assert_eq!(apps.len(), 1, "{notes:?}");
    apps.remove(0)
}

fn report(name: &str) -> Report {
    scan(&read(name), name, &Policy::default()).expect("scan")
}

fn rule_ids(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule_id.as_str()).collect()
}

fn has_edge(app: &App, from: &str, to: &str, kind: &str) -> bool {
    app.edges
        .iter()
        .any(|e| e.from == from && e.to == to && e.kind == kind)
}

#[test]
fn webhook_scenario_is_read_fully() {
    let app = one("webhook-to-crm.json");
    assert_eq!(app.platform, Platform::Make);
    assert_eq!(app.kind, AppKind::Workflow);
    assert_eq!(app.name, "Lead intake to CRM");
    assert_eq!(app.version.as_deref(), Some("1"));
    assert_eq!(app.steps.len(), 5);

    // Custom webhook: public, answers the caller.
    let t = &app.triggers[0];
    assert_eq!(t.step_id, "1");
    assert_eq!(t.name, "Lead form webhook");
    assert_eq!(t.kind, TriggerKind::Http);
    assert_eq!(t.audience, Audience::Anyone);
    assert_eq!(t.auth, "none");
    assert!(!t.ip_restricted);
    assert!(t.responds_with_data);
    assert_eq!(t.location.path, "/flow/0/parameters/hook");
    let input = app
        .fields
        .iter()
        .find(|f| f.name == "full_name" && f.usage == FieldUse::Input)
        .unwrap();
    assert_eq!(input.step_id.as_deref(), Some("1"));

    // HTTP module: plain http, TLS off, basic auth with a plaintext password.
    let h = app.step("2").unwrap();
    assert_eq!(h.kind, StepKind::HttpRequest);
    assert_eq!(h.name, "HTTP - Make a request (2)");
    assert_eq!(h.connector.as_deref(), Some("make:http"));
    let http = h.http.as_ref().unwrap();
    assert_eq!(http.method, "POST");
    assert_eq!(http.url, "http://crm.example.com/api/leads");
    assert!(http.tls_verification_disabled);
    assert_eq!(http.auth, HttpAuth::Basic);
    assert_eq!(http.location.path, "/flow/1/mapper/url");
    let auth = app
        .values
        .iter()
        .find(|v| v.key == "Authorization")
        .unwrap();
    assert_eq!(auth.context, ValueContext::Header);
    assert_eq!(auth.kind, ValueKind::Literal);
    assert_eq!(auth.location.path, "/flow/1/mapper/headers/0/value");
    assert_eq!(
        auth.location.step.as_deref(),
        Some("HTTP - Make a request (2)")
    );
    let pass = app.values.iter().find(|v| v.key == "authPass").unwrap();
    assert_eq!(pass.context, ValueContext::PasswordField);
    let qs = app.values.iter().find(|v| v.key == "source").unwrap();
    assert_eq!(qs.context, ValueContext::Query);
    let body = app.values.iter().find(|v| v.key == "data").unwrap();
    assert_eq!(body.context, ValueContext::Body);
    assert_eq!(body.kind, ValueKind::Template);
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.host.as_deref() == Some("crm.example.com")));

    // Router routes, order and {{1.x}} mappings become edges.
    assert!(has_edge(&app, "1", "2", "main"));
    assert!(has_edge(&app, "2", "3", "main"));
    assert!(has_edge(&app, "3", "4", "route"));
    assert!(has_edge(&app, "3", "5", "route"));
    assert!(has_edge(&app, "1", "4", "mapping"));
    assert!(has_edge(&app, "2", "5", "mapping"));
    let sent = app
        .fields
        .iter()
        .find(|f| f.name == "email" && f.step_id.as_deref() == Some("4") && f.object.is_none())
        .unwrap();
    assert_eq!(sent.usage, FieldUse::Send);

    // Slack connection: its label is the account e-mail, kept as personal data.
    let s = app.step("4").unwrap();
    assert_eq!(s.name, "Tell sales");
    assert_eq!(s.kind, StepKind::ConnectorAction);
    assert_eq!(s.connection.as_deref(), Some("3714001"));
    let conn = app.connection("3714001").unwrap();
    assert_eq!(conn.connector, "make:slack2");
    assert_eq!(conn.display_name, "Slack (jane.doe@example.com)");
    assert_eq!(conn.identity, ConnectionIdentity::StoredCredential);
    let label = app
        .values
        .iter()
        .find(|v| v.key == "connection label")
        .unwrap();
    assert_eq!(
        label.location.path,
        "/flow/2/routes/0/flow/0/metadata/restore/parameters/__IMTCONN__/label"
    );
    let account = app
        .fields
        .iter()
        .find(|f| f.object.as_deref() == Some("slack2 connection"))
        .unwrap();
    assert_eq!(account.name, "email");
    assert_eq!(
        account.step_id, None,
        "names the account, not data a module sends"
    );
    assert!(
        account.classification.is_none(),
        "classified by detect::enrich"
    );

    assert_eq!(app.step("5").unwrap().kind, StepKind::Response);
}

#[test]
fn webhook_scenario_raises_the_expected_rules() {
    let r = report("webhook-to-crm.json");
    let ids = rule_ids(&r);
    for id in ["LC001", "LC002", "LC004", "LC005"] {
        assert!(ids.contains(&id), "{id} missing in {ids:?}");
    }
    let lc001 = r.findings.iter().find(|f| f.rule_id == "LC001").unwrap();
    assert_eq!(lc001.severity, Severity::Critical);
    assert!(lc001.message.contains("the trigger 'Lead form webhook'"));
    assert!(lc001.message.contains("scenario"));
    let lc002: Vec<_> = r.findings.iter().filter(|f| f.rule_id == "LC002").collect();
    assert!(lc002
        .iter()
        .any(|f| f.location.path == "/flow/1/mapper/headers/0/value"));
    assert!(lc002
        .iter()
        .any(|f| f.location.path == "/flow/1/mapper/authPass"));
    assert!(lc002
        .iter()
        .all(|f| !f.evidence.as_deref().unwrap_or("").contains("Tr0ub4dor")));
    assert!(r.components.iter().any(|c| c.platform == Platform::Make));
}

#[test]
fn scheduled_scenario_is_quiet() {
    let app = one("scheduled-report.json");
    let t = &app.triggers[0];
    assert_eq!(t.kind, TriggerKind::Schedule);
    assert_eq!(t.audience, Audience::Internal);
    assert_eq!(t.name, "Google Sheets - Filter rows (1)");
    let http = app.step("2").unwrap().http.clone().unwrap();
    assert_eq!(http.auth, HttpAuth::Header);
    assert!(!http.tls_verification_disabled);
    assert!(has_edge(&app, "1", "2", "main"));
    assert!(app
        .fields
        .iter()
        .any(|f| f.name == "__ROW_NUMBER__" && f.step_id.as_deref() == Some("2")));
    assert_eq!(app.sharing[0].raw, "confidential: true");
    assert!(
        app.fields.iter().all(|f| f.object.is_none()),
        "no e-mail label"
    );

    let r = report("scheduled-report.json");
    let ids = rule_ids(&r);
    for id in [
        "LC001", "LC002", "LC003", "LC004", "LC005", "LC006", "LC007",
    ] {
        assert!(!ids.contains(&id), "{id} raised: {ids:?}");
    }
}

#[test]
fn api_wrapper_and_other_platforms() {
    let wrapped = format!(
        "{{\"response\": {{\"blueprint\": {}}}}}",
        String::from_utf8(read("scheduled-report.json")).unwrap()
    );
    let (apps, _) = parse_bytes(wrapped.as_bytes(), "blueprint.json");
    assert_eq!(apps[0].platform, Platform::Make);
    assert_eq!(apps[0].location.path, "/response/blueprint");
    assert_eq!(apps[0].steps[0].location.path, "/response/blueprint/flow/0");

    // A Node-RED flow is not a Make blueprint and vice versa.
    let nr = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/node-red/orders-api.json"
    ))
    .unwrap();
    let (apps, _) = parse_bytes(&nr, "flows.json");
    assert!(apps.iter().all(|a| a.platform == Platform::NodeRed));
    let (apps, _) = parse_bytes(&read("webhook-to-crm.json"), "flows.json");
    assert!(apps.iter().all(|a| a.platform == Platform::Make));
}
