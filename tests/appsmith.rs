//! Appsmith parser: fixtures in tests/fixtures/appsmith/ (a JSON export and
//! a Git-connected layout) read into the normalized model, and the findings
//! the rules raise on them.

mod common;

use std::path::Path;

use lcscan::model::{
    App, AppKind, Audience, CredentialStorage, FieldUse, HttpAuth, Platform, StepKind,
    ValueContext, ValueKind,
};
use lcscan::{scan, Policy, Report, Severity};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/appsmith");

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

fn layout_zip() -> Vec<u8> {
    common::zip_dir(&Path::new(DIR).join("git-layout"), "customer-lookup/", &[])
}

#[test]
fn json_export_is_read_fully() {
    let all = apps("orders-public.json");
    assert_eq!(all.len(), 2, "the app and its decrypted credentials");
    let app = &all[0];
    assert_eq!(app.platform, Platform::Appsmith);
    assert_eq!(app.kind, AppKind::InternalTool);
    assert_eq!(app.name, "Order desk");
    assert_eq!(app.version.as_deref(), Some("2"));

    // isPublic → open to anyone.
    assert_eq!(app.sharing.len(), 1);
    assert_eq!(app.sharing[0].audience, Audience::Anyone);
    assert_eq!(app.sharing[0].raw, "isPublic: true");
    assert_eq!(
        app.sharing[0].location.path,
        "/exportedApplication/isPublic"
    );

    // Two queries and one JS object (its method in actionList is not a step of its own).
    let names: Vec<&str> = app.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["getOrders", "getShipment", "JSObject1"]);

    let q = app.step("Orders_getOrders").expect("getOrders");
    assert_eq!(q.kind, StepKind::Database);
    assert_eq!(q.connector.as_deref(), Some("appsmith:postgres-plugin"));
    assert_eq!(q.connection.as_deref(), Some("Orders DB"));
    let sql = q.sql.as_ref().expect("sql");
    assert!(sql.interpolated && !sql.uses_parameters);
    assert_eq!(
        sql.location.path,
        "/actionList/0/unpublishedAction/actionConfiguration/body"
    );
    assert_eq!(q.location.step.as_deref(), Some("getOrders"));

    let api = app.step("Orders_getShipment").expect("getShipment");
    assert_eq!(api.kind, StepKind::HttpRequest);
    let http = api.http.as_ref().expect("http");
    assert_eq!(http.method, "GET");
    assert_eq!(
        http.url,
        "http://shipping.internal.example:8080/v1/shipments/{{OrdersTable.selectedRow.id}}"
    );
    assert!(!http.url_is_expression);
    assert_eq!(http.auth, HttpAuth::Header);

    let js = app.step("Orders_JSObject1").expect("JS object");
    assert_eq!(js.kind, StepKind::Code);
    assert!(js
        .code
        .as_ref()
        .is_some_and(|c| c.language == "javascript" && c.source.contains("getOrders.run()")));

    // Values: the literal Authorization header, the URL with a binding.
    let auth = app
        .values
        .iter()
        .find(|v| v.key == "Authorization")
        .expect("header");
    assert_eq!(auth.context, ValueContext::Header);
    assert_eq!(auth.kind, ValueKind::Literal);
    assert_eq!(auth.step_id.as_deref(), Some("Orders_getShipment"));
    assert_eq!(
        auth.location.path,
        "/actionList/1/unpublishedAction/actionConfiguration/headers/0/value"
    );
    assert!(app
        .values
        .iter()
        .any(|v| v.key == "format" && v.context == ValueContext::Query));

    // Connections and endpoints.
    let conns: Vec<(&str, &str)> = app
        .connections
        .iter()
        .map(|c| (c.id.as_str(), c.connector.as_str()))
        .collect();
    assert_eq!(
        conns,
        [
            ("Orders DB", "appsmith:postgres-plugin"),
            ("Shipping API", "appsmith:restapi-plugin")
        ]
    );
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.host.as_deref() == Some("shipping.internal.example")));

    // Fields from the SQL, the table columns and the input widgets.
    let has = |name: &str, usage: FieldUse| {
        app.fields
            .iter()
            .any(|f| f.name == name && f.usage == usage)
    };
    assert!(has("card_number", FieldUse::Read));
    assert!(has("customer_email", FieldUse::Filter));
    assert!(has("Customer email", FieldUse::Input));
    assert!(
        has("Customer email", FieldUse::Send),
        "the query sends the input"
    );

    // The JS object runs getOrders; the button's query reads the table.
    assert!(app
        .edges
        .iter()
        .any(|e| e.from == "Orders_getOrders" && e.to == "Orders_JSObject1"));

    // decryptedFields: a credential store of its own.
    let store = &all[1];
    assert_eq!(store.kind, AppKind::CredentialStore);
    assert_eq!(store.name, "Appsmith credentials in Order desk");
    assert_eq!(store.credentials.len(), 1);
    let c = &store.credentials[0];
    assert_eq!(c.name, "Orders DB");
    assert_eq!(c.storage, CredentialStorage::Plaintext);
    assert_eq!(c.used_by, ["Orders_getOrders"]);
    assert_eq!(c.location.path, "/decryptedFields/Orders DB");
    assert!(store
        .values
        .iter()
        .any(|v| v.key == "password" && v.context == ValueContext::PasswordField));
}

#[test]
fn json_export_findings() {
    let r = report("orders-public.json");
    let find = |id: &str| {
        r.findings
            .iter()
            .find(|f| f.rule_id == id)
            .unwrap_or_else(|| panic!("{id} missing: {:#?}", r.findings))
    };
    let lc018 = find("LC018");
    assert_eq!(lc018.severity, Severity::Critical);
    assert_eq!(lc018.location.path, "/decryptedFields/Orders DB");
    assert!(lc018
        .evidence
        .as_deref()
        .is_some_and(|e| e.starts_with("password: FAKE")));

    let lc002 = find("LC002");
    assert_eq!(
        lc002.message,
        "A Stripe live secret key is written in the header 'Authorization' of the query 'getShipment'."
    );
    assert!(!lc002
        .evidence
        .as_deref()
        .unwrap_or_default()
        .contains("FAKEq7Zt4PwX9mB2vN8cR3sKd"));

    let lc004 = find("LC004");
    assert!(lc004.message.contains("query 'getShipment'"));
    assert!(lc004.message.contains("shipping.internal.example"));

    let lc007 = find("LC007");
    assert!(lc007.message.contains("'getOrders'"));

    let lc030 = find("LC030");
    assert_eq!(lc030.severity, Severity::High);
    assert_eq!(
        lc030.message,
        "Anyone on the internet who has the link can open the app 'Order desk' without signing in and run its 3 queries."
    );
    assert!(lc030.fix.contains("Make application public"));

    // Known connectors: nothing unknown.
    assert!(
        !r.findings.iter().any(|f| f.rule_id == "LC019"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn private_app_with_safe_queries_is_quiet() {
    let all = apps("team-private.json");
    assert_eq!(all.len(), 1, "empty decryptedFields is no credential store");
    let app = &all[0];
    assert!(app.sharing.is_empty());
    let q = app.step("Home_findStaff").expect("findStaff");
    let sql = q.sql.as_ref().expect("sql");
    assert!(sql.uses_parameters, "prepared statement on");
    let api = app.step("Home_getHolidays").expect("getHolidays");
    assert_eq!(
        api.http.as_ref().map(|h| h.url.as_str()),
        Some("https://holidays.example.com/api/v2/holidays")
    );
    let r = report("team-private.json");
    for id in ["LC002", "LC004", "LC007", "LC018", "LC030", "LC019"] {
        assert!(
            !r.findings.iter().any(|f| f.rule_id == id),
            "{id}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn git_layout_is_one_app_with_each_query_a_step() {
    let bytes = layout_zip();
    let (all, notes) = common::parse(&bytes, "customer-lookup.zip").expect("parse");
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(all.len(), 1);
    let app = &all[0];
    assert_eq!(app.platform, Platform::Appsmith);
    assert_eq!(app.name, "customer-lookup");
    assert!(app.sharing.is_empty());
    let names: Vec<&str> = app.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["findCustomer", "Helpers"]);

    let q = app.step("Customers_findCustomer").expect("query");
    assert_eq!(q.kind, StepKind::Database);
    assert_eq!(q.connection.as_deref(), Some("Customers DB"));
    let sql = q.sql.as_ref().expect("sql from the .txt file");
    assert!(sql.text.contains("FROM customers"));
    assert!(sql.interpolated && !sql.uses_parameters);
    assert_eq!(
        &*sql.location.file,
        "customer-lookup.zip!/customer-lookup/pages/Customers/queries/findCustomer/findCustomer.txt"
    );

    let js = app.step("Customers_Helpers").expect("JS object");
    assert!(js
        .code
        .as_ref()
        .is_some_and(|c| c.source.contains("findCustomer.run()")));
    assert!(app
        .edges
        .iter()
        .any(|e| e.from == "Customers_findCustomer" && e.to == "Customers_Helpers"));
    assert!(app
        .fields
        .iter()
        .any(|f| f.name == "date_of_birth" && f.usage == FieldUse::Read));
    assert!(app
        .fields
        .iter()
        .any(|f| f.name == "phone_number" && f.usage == FieldUse::Send));

    // The external library the app loads (over plain HTTP).
    assert!(app.values.iter().any(|v| v.key == "xmlParser"
        && v.context == ValueContext::Url
        && v.location.file.ends_with("jslibs/xmlParser.json")));

    let r = scan(&bytes, "customer-lookup.zip", &Policy::default()).expect("scan");
    let ids: Vec<&str> = r.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(ids.contains(&"LC007"), "{ids:?}");
    assert!(ids.contains(&"LC004"), "{ids:?}");
    assert!(ids.contains(&"LC010"), "{ids:?}");
    assert!(!ids.contains(&"LC030"), "{ids:?}");
    // The layout's plumbing files are read, not listed as unknown.
    assert!(
        !r.notes.iter().any(|n| n.message.contains("does not know")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_file_with_only_version_numbers_is_explained() {
    let bytes = br#"{"clientSchemaVersion": 1, "serverSchemaVersion": 1}"#;
    match scan(bytes, "app.json", &Policy::default()) {
        Err(lcscan::ScanError::NotAnApp { detail }) => {
            assert!(detail.contains("only its version numbers"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
}

/// A page's widget tree (nested `children`) as the JSON export has it.
const WIDGET_EXPORT: &str = r##"{"clientSchemaVersion": 1, "serverSchemaVersion": 7,
 "exportedApplication": {"name": "Site visits"},
 "pageList": [{"unpublishedPage": {"name": "Visits", "layouts": [{"dsl": {
   "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "widgetId": "0", "backgroundColor": "none",
   "children": [{"widgetName": "Box", "type": "CONTAINER_WIDGET", "widgetId": "k2jd8s0x1q", "key": "tq3d7w8ncr",
     "children": [
       {"widgetName": "VisitMap", "type": "MAP_WIDGET", "widgetId": "b8uzdzq7zw", "key": "x9f2l1m3pz",
        "parentId": "k2jd8s0x1q", "borderRadius": "0.375rem", "isVisible": true, "mapCenter": {"lat": 52.3},
        "googleMapsApiKey": "AIzaSyFAKEmapsQ7vRt2LwX9cN4bH1dJ6kP3sZ8",
        "defaultMarkers": "{{getVisits.data}}", "onMarkerClick": "{{showModal('Visit')}}"},
       {"widgetName": "Title", "type": "TEXT_WIDGET", "widgetId": "3h4qv8rt95", "textColor": "#231F20",
        "text": "Visits for {{appsmith.user.name}}", "image": "data:image/png;base64,iVBORw0KGgo="}
     ]}]}}]}}]}"##;

#[test]
fn widget_text_properties_are_values_and_layout_ones_are_not() {
    let (all, notes) = common::parse(WIDGET_EXPORT.as_bytes(), "visits.json").expect("parse");
    assert!(notes.is_empty(), "{notes:?}");
    let app = &all[0];
    let mut keys: Vec<&str> = app.values.iter().map(|v| v.key.as_str()).collect();
    keys.sort_unstable();
    // Ids, the widget `key`, colours, sizes, handlers, whole bindings,
    // booleans, nested settings and embedded images are not copied.
    assert_eq!(keys, ["googleMapsApiKey", "text"]);
    let key = app
        .values
        .iter()
        .find(|v| v.key == "googleMapsApiKey")
        .expect("map key");
    assert_eq!(key.kind, ValueKind::Literal);
    assert_eq!(key.context, ValueContext::WidgetProperty);
    assert_eq!(key.step_id, None);
    // Findings name the widget ("the widget 'VisitMap'").
    assert_eq!(key.location.step.as_deref(), Some("VisitMap"));
    assert_eq!(
        key.location.path,
        "/pageList/0/unpublishedPage/layouts/0/dsl/children/0/children/0/googleMapsApiKey"
    );
    let text = app.values.iter().find(|v| v.key == "text").expect("text");
    assert_eq!(text.kind, ValueKind::Template);

    // LC002 reports the key, masked.
    let r = scan(WIDGET_EXPORT.as_bytes(), "visits.json", &Policy::default()).expect("scan");
    let lc002: Vec<_> = r.findings.iter().filter(|f| f.rule_id == "LC002").collect();
    assert_eq!(lc002.len(), 1, "{:#?}", r.findings);
    assert_eq!(lc002[0].location.path, key.location.path);
    assert_eq!(
        lc002[0].evidence.as_deref(),
        Some("googleMapsApiKey: AIza••••••Z8 (39 characters)")
    );
    assert!(lc002[0].message.contains("'googleMapsApiKey'"));
}

#[test]
fn git_layout_widget_files_are_read_too() {
    let dir = std::env::temp_dir().join(format!("lcscan-appsmith-widgets-{}", std::process::id()));
    let widgets = dir.join("pages/Visits/widgets/Box");
    std::fs::create_dir_all(&widgets).expect("mkdir");
    std::fs::write(
        dir.join("pages/Visits/Visits.json"),
        r#"{"unpublishedPage": {"name": "Visits", "layouts": [{"dsl": {"widgetName": "MainContainer", "type": "CANVAS_WIDGET"}}]}}"#,
    )
    .expect("page");
    std::fs::write(
        widgets.join("VisitMap.json"),
        r#"{"widgetName": "VisitMap", "type": "MAP_WIDGET", "widgetId": "b8uzdzq7zw", "key": "x9f2l1m3pz",
            "googleMapsApiKey": "AIzaSyFAKEmapsQ7vRt2LwX9cN4bH1dJ6kP3sZ8"}"#,
    )
    .expect("widget");
    let bytes = common::zip_dir(&dir, "visits/", &[]);
    let _ = std::fs::remove_dir_all(&dir);
    let r = scan(&bytes, "visits.zip", &Policy::default()).expect("scan");
    let lc002: Vec<_> = r.findings.iter().filter(|f| f.rule_id == "LC002").collect();
    assert_eq!(lc002.len(), 1, "{:#?}", r.findings);
    assert_eq!(
        &*lc002[0].location.file,
        "visits.zip!/visits/pages/Visits/widgets/Box/VisitMap.json"
    );
    assert_eq!(lc002[0].location.path, "/googleMapsApiKey");
}

#[test]
fn thousands_of_widgets_add_one_value_per_text_not_per_property() {
    let widget = |i: usize| {
        serde_json::json!({
            "widgetName": format!("Text{i}"), "type": "TEXT_WIDGET",
            "widgetId": format!("w{i:09}"), "key": format!("k{i:09}"), "parentId": "0",
            "borderRadius": "0.375rem", "boxShadow": "none", "fontSize": "1rem",
            "textColor": "#231F20", "textAlign": "LEFT", "fontStyle": "BOLD",
            "overflow": "NONE", "responsiveBehavior": "fill", "dynamicHeight": "AUTO_HEIGHT",
            "onClick": "{{Query1.run()}}", "isVisible": true, "topRow": 1, "leftColumn": 2,
            "text": format!("Row {i}"),
        })
    };
    let n = 5_000;
    let children: Vec<serde_json::Value> = (0..n).map(widget).collect();
    let export = serde_json::json!({
        "clientSchemaVersion": 1, "serverSchemaVersion": 7,
        "exportedApplication": {"name": "Big"},
        "pageList": [{"unpublishedPage": {"name": "P", "layouts": [{"dsl": {
            "widgetName": "MainContainer", "type": "CANVAS_WIDGET", "children": children}}]}}]
    });
    let bytes = serde_json::to_vec(&export).expect("json");
    let (all, _) = common::parse(&bytes, "big.json").expect("parse");
    let texts = all[0].values.iter().filter(|v| v.key == "text").count();
    assert_eq!(texts, n);
    assert_eq!(all[0].values.len(), n, "only the text of each widget");
}

#[test]
fn partial_export_of_widgets_is_read_from_its_string() {
    let inner = serde_json::json!({"widgets": [{"hierarchy": 4, "parentId": "0", "widgetId": "b8uzdzq7zw",
        "list": [{"widgetName": "VisitMap", "type": "MAP_WIDGET", "widgetId": "b8uzdzq7zw",
            "key": "x9f2l1m3pz", "googleMapsApiKey": "AIzaSyFAKEmapsQ7vRt2LwX9cN4bH1dJ6kP3sZ8"}]},
        {"hierarchy": 4, "parentId": "0", "widgetId": "q1",
        "list": [{"widgetName": "EmailInput", "type": "INPUT_WIDGET_V2", "widgetId": "q1",
            "label": "customer_email", "defaultText": "{{appsmith.user.email}}"}]}],
        "flexLayers": []});
    let export = serde_json::json!({"artifactJsonType": "APPLICATION", "clientSchemaVersion": 1,
        "serverSchemaVersion": 11, "widgets": inner.to_string()});
    let bytes = serde_json::to_vec(&export).expect("json");
    let (all, notes) = common::parse(&bytes, "widgets.json").expect("parse");
    assert!(notes.is_empty(), "{notes:?}");
    let app = &all[0];
    assert!(app
        .fields
        .iter()
        .any(|f| f.name == "customer_email" && f.usage == FieldUse::Input));
    let r = scan(&bytes, "widgets.json", &Policy::default()).expect("scan");
    let lc002: Vec<_> = r.findings.iter().filter(|f| f.rule_id == "LC002").collect();
    assert_eq!(lc002.len(), 1, "{:#?}", r.findings);
    assert_eq!(
        lc002[0].location.path,
        "/widgets/widgets/0/list/0/googleMapsApiKey"
    );
}
