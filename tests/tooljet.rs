//! ToolJet parser: fixtures of the three export generations in
//! tests/fixtures/tooljet/ read into the normalized model, and the findings
//! the rules raise on them.

mod common;

use lcscan::model::{
    App, AppKind, Audience, CredentialStorage, FieldUse, HttpAuth, Platform, StepKind,
    ValueContext, ValueKind,
};
use lcscan::{scan, Policy, Report, Severity};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tooljet");

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

fn ids(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule_id.as_str()).collect()
}

#[test]
fn v1_export_reads_the_editing_version() {
    let all = apps("v1-public-crm.json");
    assert_eq!(
        all.len(),
        1,
        "the password is encrypted: no credential store"
    );
    let app = &all[0];
    assert_eq!(app.platform, Platform::ToolJet);
    assert_eq!(app.kind, AppKind::InternalTool);
    assert_eq!(app.name, "Customer CRM");
    assert_eq!(app.version.as_deref(), Some("1.2.0"));
    assert_eq!(app.sharing.len(), 1);
    assert_eq!(app.sharing[0].audience, Audience::Anyone);
    assert_eq!(app.sharing[0].location.path, "/isPublic");

    // Only the editing version's queries and data sources.
    let names: Vec<&str> = app.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["listCustomers", "getPoints", "formatRows"]);
    assert!(app.step("q-old").is_none());
    let conns: Vec<&str> = app.connections.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(conns, ["ds-pg", "ds-api"]);
    assert_eq!(
        app.connection("ds-api").and_then(|c| c.endpoint.as_deref()),
        Some("http://loyalty.internal.example/api")
    );

    let list = app.step("q-list").expect("listCustomers");
    assert_eq!(list.kind, StepKind::Database);
    assert_eq!(list.connector.as_deref(), Some("tooljet:postgresql"));
    assert_eq!(list.connection.as_deref(), Some("ds-pg"));
    let sql = list.sql.as_ref().expect("sql");
    assert!(sql.interpolated && !sql.uses_parameters);
    assert_eq!(sql.location.path, "/dataQueries/1/options/query");

    let api = app.step("q-points").expect("getPoints");
    assert_eq!(api.kind, StepKind::HttpRequest);
    let http = api.http.as_ref().expect("http");
    assert_eq!(
        http.url,
        "http://loyalty.internal.example/api/points/{{queries.listCustomers.data[0].id}}"
    );
    assert_eq!(http.auth, HttpAuth::Header);
    let key = app
        .values
        .iter()
        .find(|v| v.key == "X-Api-Key")
        .expect("header pair");
    assert_eq!(key.context, ValueContext::Header);
    assert_eq!(key.kind, ValueKind::Literal);
    assert_eq!(key.location.path, "/dataQueries/2/options/headers/0/1");

    let js = app.step("q-format").expect("runjs");
    assert_eq!(js.kind, StepKind::Code);
    assert_eq!(
        js.code.as_ref().map(|c| c.language.as_str()),
        Some("javascript")
    );

    // Encrypted password: a reference, not plaintext.
    assert_eq!(app.credentials.len(), 1);
    assert_eq!(app.credentials[0].storage, CredentialStorage::Reference);
    // Non-encrypted options keep their values (the database user).
    assert!(app.values.iter().any(|v| v.key == "username"
        && v.value == "crm_app"
        && v.context == ValueContext::Credential));

    // Fields: SQL columns, the text input (sent by the query), table columns.
    let has = |name: &str, usage: FieldUse| {
        app.fields
            .iter()
            .any(|f| f.name == name && f.usage == usage)
    };
    assert!(has("iban", FieldUse::Read));
    assert!(has("email", FieldUse::Input));
    assert!(has("email", FieldUse::Send));
    assert!(has("full_name", FieldUse::Read));
    // getPoints reads listCustomers' result.
    assert!(app
        .edges
        .iter()
        .any(|e| e.from == "q-list" && e.to == "q-points"));
    // getPoints runs formatRows when it succeeds.
    assert!(app
        .edges
        .iter()
        .any(|e| e.from == "q-points" && e.to == "q-format" && e.kind == "event"));
}

#[test]
fn v1_public_export_findings() {
    let r = report("v1-public-crm.json");
    let find = |id: &str| {
        r.findings
            .iter()
            .find(|f| f.rule_id == id)
            .unwrap_or_else(|| panic!("{id} missing: {:#?}", r.findings))
    };
    let lc030 = find("LC030");
    assert_eq!(lc030.severity, Severity::High);
    assert_eq!(lc030.location.path, "/isPublic");
    assert!(lc030.why.contains("'CRM database'"), "{}", lc030.why);
    assert!(lc030.fix.contains("Workspace settings > Groups"));
    let lc004 = find("LC004");
    assert!(lc004.message.contains("query 'getPoints'"));
    assert!(lc004.message.contains("loyalty.internal.example"));
    let lc002 = find("LC002");
    assert!(lc002.message.contains("header 'X-Api-Key'"));
    assert!(find("LC007").message.contains("'listCustomers'"));
    assert!(!ids(&r).contains(&"LC019"), "{:#?}", r.findings);
    assert!(!ids(&r).contains(&"LC018"));
}

#[test]
fn v2_plaintext_data_source_options_are_a_credential_store() {
    let all = apps("v2-sms-campaigns.json");
    assert_eq!(all.len(), 2);
    let app = &all[0];
    assert_eq!(app.name, "SMS campaigns");
    assert_eq!(app.version.as_deref(), Some("2.6.2"));
    assert!(app.sharing.is_empty());
    // Static default data sources are no connections.
    let conns: Vec<&str> = app.connections.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(conns, ["ds-twilio"]);
    let send = app.step("q-send").expect("sendSms");
    assert_eq!(send.kind, StepKind::ConnectorAction);
    assert_eq!(send.connector.as_deref(), Some("tooljet:twilio"));
    let py = app.step("q-py").expect("scoreLeads");
    assert_eq!(py.kind, StepKind::Code);
    assert_eq!(
        py.code.as_ref().map(|c| c.language.as_str()),
        Some("python")
    );
    assert!(py.connection.is_none());
    // The account SID stays with the app; the auth token is in the store.
    assert!(app.values.iter().any(|v| v.key == "accountSid"));
    assert!(!app.values.iter().any(|v| v.key == "authToken"));

    let store = &all[1];
    assert_eq!(store.kind, AppKind::CredentialStore);
    assert_eq!(store.credentials.len(), 1);
    let c = &store.credentials[0];
    assert_eq!(c.name, "Twilio SMS");
    assert_eq!(c.storage, CredentialStorage::Plaintext);
    assert_eq!(c.used_by, ["q-send"]);
    assert_eq!(c.location.path, "/appV2/dataSourceOptions/1/options");

    let r = report("v2-sms-campaigns.json");
    let lc018: Vec<_> = r.findings.iter().filter(|f| f.rule_id == "LC018").collect();
    assert_eq!(lc018.len(), 1, "{:#?}", r.findings);
    assert_eq!(lc018[0].severity, Severity::Critical);
    assert!(lc018[0]
        .evidence
        .as_deref()
        .is_some_and(|e| e.starts_with("authToken: FAKE")));
    assert!(!ids(&r).contains(&"LC030"));
}

#[test]
fn v3_export_with_secret_references_is_clean() {
    let all = apps("v3-inventory.json");
    assert_eq!(all.len(), 1);
    let app = &all[0];
    assert_eq!(app.name, "Inventory");
    assert_eq!(app.version.as_deref(), Some("3.5.11-cloud-lts"));
    assert_eq!(app.location.path, "/app/0/definition/appV2");
    let q = app.step("q-stock").expect("getStock");
    assert_eq!(q.kind, StepKind::HttpRequest);
    assert!(q.connection.is_none());
    assert_eq!(
        q.http.as_ref().map(|h| h.url.as_str()),
        Some("https://inventory.example.com/api/stock")
    );
    let auth = app
        .values
        .iter()
        .find(|v| v.key == "Authorization")
        .expect("header");
    assert_eq!(auth.kind, ValueKind::Template);
    assert!(app
        .fields
        .iter()
        .any(|f| f.name == "SKU" && f.usage == FieldUse::Send));
    assert!(app
        .fields
        .iter()
        .any(|f| f.name == "qty" && f.object.as_deref() == Some("stockTable")));

    let r = report("v3-inventory.json");
    for id in ["LC002", "LC003", "LC004", "LC018", "LC019", "LC030"] {
        assert!(!ids(&r).contains(&id), "{id}: {:#?}", r.findings);
    }
}

#[test]
fn v3_export_without_apps_is_explained() {
    let bytes =
        br#"{"tooljet_database": [{"table_name": "t"}], "app": [], "tooljet_version": "3.0.1"}"#;
    match scan(bytes, "export.json", &Policy::default()) {
        Err(lcscan::ScanError::NotAnApp { detail }) => {
            assert!(detail.contains("ToolJet Database"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
}
