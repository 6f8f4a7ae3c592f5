//! Retool parser: the Toolscript app folders in tests/fixtures/retool/apps/
//! (zipped the way a user would drop them) and the JSON export in
//! tests/fixtures/retool/export/, read into the normalized model, and the
//! findings the existing rules raise on them.

mod common;

use std::path::Path;

use lcscan::model::{
    App, AppKind, ConnectionIdentity, DataAccess, FieldUse, HttpAuth, Platform, StepKind,
    ValueContext, ValueKind,
};
use lcscan::{scan, Policy, Report, ScanError, Severity};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/retool");

fn apps_zip() -> Vec<u8> {
    common::zip_dir(&Path::new(DIR).join("apps"), "apps/", &[])
}

fn app_named(apps: &[App], name: &str) -> App {
    apps.iter()
        .find(|a| a.name == name)
        .cloned()
        .unwrap_or_else(|| panic!("no app {name}"))
}

fn both() -> Vec<App> {
    let (apps, notes) = common::parse(&apps_zip(), "retool-apps.zip").expect("parse");
    assert!(notes.is_empty(), "{notes:?}");
    apps
}

fn findings<'a>(report: &'a Report, rule: &str) -> Vec<&'a lcscan::Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .collect()
}

#[test]
fn a_zip_of_two_app_folders_is_two_internal_tools() {
    let apps = both();
    assert_eq!(apps.len(), 2);
    for app in &apps {
        assert_eq!(app.platform, Platform::Retool);
        assert_eq!(app.kind, AppKind::InternalTool);
        assert!(app.run_context.user_facing);
    }
    let orders = app_named(&apps, "OrdersAdmin");
    assert_eq!(
        orders.id.as_deref(),
        Some("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")
    );
    assert_eq!(orders.version.as_deref(), Some("3.52.0"));
    let ids: Vec<&str> = orders.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "sendToPartner",
            "getOrders",
            "updateOrder",
            "notifySlack",
            "formatTotal"
        ]
    );
    assert_eq!(app_named(&apps, "Inventory").steps.len(), 2);
}

#[test]
fn rest_query_without_resource_keeps_url_headers_and_body() {
    let orders = app_named(&both(), "OrdersAdmin");
    let step = orders.step("sendToPartner").unwrap();
    assert_eq!(step.kind, StepKind::HttpRequest);
    assert_eq!(step.connector.as_deref(), Some("retool:rest-api"));
    assert_eq!(step.connection, None, "ad-hoc URL, no stored resource");
    let http = step.http.as_ref().unwrap();
    assert_eq!(http.method, "POST");
    assert!(http.url.starts_with("http://hooks.partner-crm.test/orders"));
    assert!(!http.url_is_expression);
    assert_eq!(http.auth, HttpAuth::Header);
    assert_eq!(
        http.location.path,
        "/GlobalFunctions/Folder[@id='queries']/RESTQuery[@id='sendToPartner']/@query"
    );

    let auth = orders
        .values
        .iter()
        .find(|v| v.key == "Authorization")
        .unwrap();
    assert_eq!(auth.context, ValueContext::Header);
    assert_eq!(auth.kind, ValueKind::Literal);
    assert_eq!(auth.step_id.as_deref(), Some("sendToPartner"));
    assert!(auth.location.path.ends_with("/@headers/0/value"));

    let body = orders.values.iter().find(|v| v.key == "orderId").unwrap();
    assert_eq!(body.context, ValueContext::Body);
    assert_eq!(body.kind, ValueKind::Expression);

    assert!(orders
        .endpoints
        .iter()
        .any(|e| e.host.as_deref() == Some("hooks.partner-crm.test")));
}

#[test]
fn sql_queries_read_their_lib_body_and_gui_writes_their_fields() {
    let orders = app_named(&both(), "OrdersAdmin");
    let get = orders.step("getOrders").unwrap();
    assert_eq!(get.kind, StepKind::Database);
    assert_eq!(get.connector.as_deref(), Some("retool:sql"));
    let sql = get.sql.as_ref().unwrap();
    assert!(sql.text.starts_with("SELECT * FROM orders"));
    assert!(sql.location.file.ends_with("OrdersAdmin/lib/getOrders.sql"));
    // Retool sends {{ }} in SQL as prepared-statement parameters.
    assert!(sql.interpolated && sql.uses_parameters);
    let op = get.data_op.as_ref().unwrap();
    assert_eq!(op.access, [DataAccess::Read]);
    assert_eq!(op.object, "orders");
    assert!(op.all_fields);

    let conn = orders
        .connection("11111111-2222-4333-8444-555555555555")
        .unwrap();
    assert_eq!(conn.display_name, "orders_db");
    assert_eq!(conn.identity, ConnectionIdentity::StoredCredential);
    assert_eq!(orders.connections.len(), 1, "one resource, used twice");

    let update = orders.step("updateOrder").unwrap();
    let op = update.data_op.as_ref().unwrap();
    assert_eq!(op.access, [DataAccess::Update]);
    assert_eq!(op.object, "orders");
    let fields: Vec<(&str, FieldUse)> = orders
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.usage))
        .collect();
    assert_eq!(
        fields,
        [
            ("status", FieldUse::Write),
            ("customer_email", FieldUse::Write),
            ("id", FieldUse::Filter)
        ]
    );
}

#[test]
fn javascript_queries_and_functions_are_code() {
    let orders = app_named(&both(), "OrdersAdmin");
    for id in ["notifySlack", "formatTotal"] {
        let step = orders.step(id).unwrap();
        assert_eq!(step.kind, StepKind::Code, "{id}");
        let code = step.code.as_ref().unwrap();
        assert_eq!(code.language, "javascript");
        assert!(
            code.location.file.contains("/lib/"),
            "{}",
            code.location.file
        );
    }
    assert!(orders
        .step("notifySlack")
        .unwrap()
        .code
        .as_ref()
        .unwrap()
        .source
        .contains("sendToPartner.trigger"));
}

#[test]
fn findings_on_the_risky_app() {
    let r = scan(&apps_zip(), "retool-apps.zip", &Policy::default()).unwrap();
    // Literal bearer token in a header: LC002, masked.
    let secrets = findings(&r, "LC002");
    assert_eq!(secrets.len(), 1, "{secrets:#?}");
    let ev = secrets[0].evidence.as_deref().unwrap();
    assert!(ev.starts_with("Authorization: 7f3K••••••hJ"), "{ev}");
    assert!(!ev.contains("7f3Kq9LmZ2xV8bN4cR6tY1wP5sD0hJ"));
    assert!(secrets[0].message.contains("'sendToPartner'"));

    // Key in the query string: LC003.
    let in_url = findings(&r, "LC003");
    assert_eq!(in_url.len(), 1);
    assert!(in_url[0].evidence.as_deref().unwrap().contains("Q2w9"));

    // Plain HTTP: the REST query and the logo image.
    let plain = findings(&r, "LC004");
    let shown: Vec<&str> = plain.iter().filter_map(|f| f.evidence.as_deref()).collect();
    assert_eq!(plain.len(), 2, "{shown:?}");
    assert!(plain.iter().any(|f| f.message.contains("'sendToPartner'")));

    // JS query and function: LC006 (low).
    let code = findings(&r, "LC006");
    assert_eq!(code.len(), 2);
    assert!(code.iter().all(|f| f.severity == Severity::Low));

    // Prepared statements: no LC007.
    assert!(findings(&r, "LC007").is_empty());

    // Nothing from the safe Inventory app.
    assert!(
        r.findings
            .iter()
            .all(|f| !f.location.file.contains("/Inventory/")),
        "{:#?}",
        r.findings
    );
}

#[test]
fn json_export_appstate_is_transit_decoded() {
    let bytes = std::fs::read(format!("{DIR}/export/orders-export.json")).unwrap();
    let (apps, notes) = common::parse(&bytes, "orders-export.json").unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(apps.len(), 1);
    let app = &apps[0];
    assert_eq!(app.platform, Platform::Retool);
    assert_eq!(
        app.id.as_deref(),
        Some("cccccccc-dddd-4eee-8fff-000000000001")
    );
    // The table widget is not a step; the REST query is.
    assert_eq!(app.steps.len(), 1);
    let step = &app.steps[0];
    assert_eq!(step.id, "fetchRates");
    assert_eq!(
        step.http.as_ref().unwrap().url,
        "http://rates.fx-partner.test/latest"
    );
    let key = app.values.iter().find(|v| v.key == "X-Api-Key").unwrap();
    assert_eq!(key.context, ValueContext::Header);
    assert_eq!(
        key.location.path,
        "/page/data/appState/plugins/fetchRates/template/headers/0/value"
    );

    let r = scan(&bytes, "orders-export.json", &Policy::default()).unwrap();
    assert_eq!(findings(&r, "LC002").len(), 1);
    assert_eq!(findings(&r, "LC004").len(), 1);
}

#[test]
fn broken_appstate_is_a_note_not_a_crash() {
    let doc = br#"{"uuid":"x","page":{"data":{"appState":"[\"~#iR\",[\"^ \",\"n\",\"^9\"]]"}}}"#;
    let (apps, notes) = common::parse(doc, "broken.json").unwrap();
    assert_eq!(apps.len(), 1);
    assert!(
        notes[0].message.contains("could not be decoded"),
        "{notes:?}"
    );
}

#[test]
fn side_files_alone_are_explained() {
    for (file, words) in [
        (
            "apps/OrdersAdmin/metadata.json",
            "metadata.json of a Retool app",
        ),
        ("apps/OrdersAdmin/.positions.json", "component layout"),
        (
            "apps/OrdersAdmin/src/detailsModal.rsx",
            "one screen or container",
        ),
    ] {
        let bytes = std::fs::read(format!("{DIR}/{file}")).unwrap();
        let name = file.rsplit('/').next().unwrap();
        match common::parse(&bytes, name) {
            Err(ScanError::NotAnApp { detail }) => assert!(detail.contains(words), "{detail}"),
            other => panic!("{file}: {other:?}"),
        }
    }
}

#[test]
fn a_lone_functions_file_is_read_and_says_what_is_missing() {
    let bytes = std::fs::read(format!("{DIR}/apps/OrdersAdmin/functions.rsx")).unwrap();
    let (apps, notes) = common::parse(&bytes, "functions.rsx").unwrap();
    assert_eq!(apps[0].steps.len(), 5);
    assert!(notes
        .iter()
        .any(|n| n.message.contains("./lib/getOrders.sql")));
}
