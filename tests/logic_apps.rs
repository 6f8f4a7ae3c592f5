//! Azure Logic Apps parser: fixtures in tests/fixtures/logic-apps/ read into
//! the normalized model, then scanned end to end. The Standard project zip
//! is built here from the files in `standard/`.

mod common;

use std::path::Path;

use common::parse as parse_bytes;
use lcscan::model::{
    App, Audience, ConnectionIdentity, HttpAuth, Platform, StepKind, TriggerKind, ValueContext,
    ValueKind,
};
use lcscan::report::Report;
use lcscan::{scan, Policy, ScanError, Severity};
use serde_json::{json, Value as Json};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/logic-apps");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn one(bytes: &[u8], name: &str) -> App {
    let (mut apps, notes) = parse_bytes(bytes, name).expect("parse");
    assert_eq!(apps.len(), 1, "{notes:?}");
    apps.remove(0)
}

fn report(bytes: &[u8], name: &str) -> Report {
    scan(bytes, name, &Policy::default()).expect("scan")
}

fn rule_hits<'a>(report: &'a Report, rule: &str) -> Vec<&'a lcscan::Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .collect()
}

/// Zip every file under `fixtures/logic-apps/<folder>` below `prefix`.
fn zip_folder(folder: &str, prefix: &str) -> Vec<u8> {
    common::zip_dir(&Path::new(DIR).join(folder), prefix, &[])
}

// ---------------------------------------------------------------------------
// ARM template: public Request trigger, literal SQL connection string

#[test]
fn arm_template_model() {
    let app = one(&read("arm-public-request.json"), "arm-public-request.json");
    assert_eq!(app.platform, Platform::LogicApps);
    // `[parameters('logicAppName')]` resolved from the template default.
    assert_eq!(app.name, "order-intake");
    assert_eq!(app.active, Some(true));
    assert_eq!(app.location.path, "/resources/1");

    // Step names: action keys with underscores shown as spaces.
    let trigger_step = app.step("When_a_HTTP_request_is_received").unwrap();
    assert_eq!(trigger_step.name, "When a HTTP request is received");
    assert_eq!(trigger_step.kind, StepKind::Trigger);
    assert_eq!(
        trigger_step.location.path,
        "/resources/1/properties/definition/triggers/When_a_HTTP_request_is_received"
    );

    let trigger = &app.triggers[0];
    assert_eq!(trigger.kind, TriggerKind::Http);
    assert_eq!(trigger.audience, Audience::AnyoneWithLink);
    assert!(!trigger.ip_restricted);
    assert!(trigger.responds_with_data);

    // The connector action uses the `sql` connection from `$connections`.
    let rows = app.step("Get_order_rows").unwrap();
    assert_eq!(rows.connection.as_deref(), Some("sql"));
    assert_eq!(rows.connector.as_deref(), Some("sql"));
    let conn = app.connection("sql").expect("sql connection");
    assert_eq!(conn.connector, "sql");
    assert_eq!(conn.identity, ConnectionIdentity::StoredCredential);
    assert_eq!(conn.auth.as_deref(), Some("sqlConnectionString"));
    assert_eq!(conn.display_name, "sql-orders");
    // The Microsoft.Web/connections resource is that same connection, not a second one.
    assert_eq!(app.connections.len(), 1, "{:#?}", app.connections);

    // The connection resource's literal connection string is a value with its key.
    let cs = app
        .values
        .iter()
        .find(|v| v.key == "sqlConnectionString")
        .expect("connection string value");
    assert_eq!(cs.kind, ValueKind::Literal);
    assert_eq!(cs.context, ValueContext::ConnectionString);
    assert_eq!(
        cs.location.path,
        "/resources/0/properties/parameterValues/sqlConnectionString"
    );
    // Template parameter defaults are values; the ARM expression in the header is not literal.
    let default = app
        .values
        .iter()
        .find(|v| v.key == "partnerApiKey")
        .expect("parameter default");
    assert_eq!(default.kind, ValueKind::Literal);
    assert_eq!(
        default.location.path,
        "/parameters/partnerApiKey/defaultValue"
    );
    let header = app.values.iter().find(|v| v.key == "x-api-key").unwrap();
    assert_eq!(header.kind, ValueKind::Expression);
    let location_default = app
        .values
        .iter()
        .find(|v| v.location.path == "/parameters/location/defaultValue")
        .unwrap();
    assert_eq!(location_default.kind, ValueKind::Expression);

    // Managed identity.
    assert_eq!(app.run_context.raw, "managed identity: SystemAssigned");
    let http = app.step("Call_partner_API").unwrap().http.as_ref().unwrap();
    assert_eq!(http.auth, HttpAuth::Header);
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.host.as_deref() == Some("partner.lcscan-fixture.test")));
}

#[test]
fn arm_template_findings() {
    let r = report(&read("arm-public-request.json"), "arm-public-request.json");
    let lc001 = rule_hits(&r, "LC001");
    assert_eq!(lc001.len(), 1, "{:#?}", r.findings);
    // It answers the caller with the database rows.
    assert_eq!(lc001[0].severity, Severity::Critical);
    assert_eq!(
        lc001[0].location.step.as_deref(),
        Some("When a HTTP request is received")
    );
    let lc002 = rule_hits(&r, "LC002");
    let in_connection = lc002
        .iter()
        .find(|f| f.location.path == "/resources/0/properties/parameterValues/sqlConnectionString")
        .unwrap_or_else(|| panic!("no LC002 on the connection string: {lc002:#?}"));
    let evidence = in_connection.evidence.as_deref().unwrap_or_default();
    assert!(
        !evidence.contains("Qv7pL2xRm9Tz4wKd"),
        "secret not masked: {evidence}"
    );
    assert!(lc002
        .iter()
        .any(|f| f.location.path == "/parameters/partnerApiKey/defaultValue"));
}

// ---------------------------------------------------------------------------
// ARM template: IP-restricted trigger, securestring parameters

#[test]
fn safe_arm_template() {
    let bytes = read("arm-safe.json");
    let app = one(&bytes, "arm-safe.json");
    assert_eq!(app.name, "invoice-listener");
    assert_eq!(app.active, Some(false));
    let trigger = &app.triggers[0];
    assert_eq!(trigger.audience, Audience::AnyoneWithLink);
    assert!(trigger.ip_restricted);
    assert_eq!(app.run_context.raw, "managed identity: UserAssigned");
    let conn = app.connection("sql").unwrap();
    assert_eq!(conn.identity, ConnectionIdentity::Service);
    // The password comes from a securestring parameter: a reference, not a literal.
    let pw = app.values.iter().find(|v| v.key == "password").unwrap();
    assert_eq!(pw.kind, ValueKind::Expression);
    // A workflow parameter declared SecureString, given from a securestring template parameter.
    let given = app
        .values
        .iter()
        .find(|v| v.location.path == "/resources/1/properties/parameters/partnerApiKey/value")
        .unwrap();
    assert_eq!(given.context, ValueContext::PasswordField);
    assert_eq!(given.kind, ValueKind::Expression);
    let notify = app.step("Notify_partner").unwrap();
    assert_eq!(notify.secure_inputs, Some(true));

    let r = report(&bytes, "arm-safe.json");
    assert!(rule_hits(&r, "LC002").is_empty(), "{:#?}", r.findings);
    // An IP allow-list lowers the public trigger to medium.
    let lc001 = rule_hits(&r, "LC001");
    assert_eq!(lc001.len(), 1);
    assert_eq!(lc001[0].severity, Severity::Medium);
}

fn with_access_control(ac: Json) -> Vec<u8> {
    let mut t: Json = serde_json::from_slice(&read("arm-safe.json")).unwrap();
    t["resources"][1]["properties"]["accessControl"] = ac;
    serde_json::to_vec(&t).unwrap()
}

#[test]
fn only_other_logic_apps_is_not_public() {
    let bytes = with_access_control(json!({"triggers": {"allowedCallerIpAddresses": []}}));
    let app = one(&bytes, "t.json");
    assert_eq!(app.triggers[0].audience, Audience::Internal);
    let r = report(&bytes, "t.json");
    assert!(rule_hits(&r, "LC001").is_empty());
}

#[test]
fn oauth_policy_keeps_the_signed_url_unless_sas_is_off() {
    let policy = json!({"policies": {"entra": {"type": "AAD", "claims": [{"name": "iss", "value": "https://sts.windows.net/tenant/"}]}}});
    let bytes = with_access_control(json!({"triggers": {"openAuthenticationPolicies": policy}}));
    let app = one(&bytes, "t.json");
    assert_eq!(app.triggers[0].audience, Audience::AnyoneWithLink);
    assert!(!app.triggers[0].ip_restricted);
    assert!(app.triggers[0].auth.contains("OAuth"));

    let bytes = with_access_control(json!({"triggers": {
        "openAuthenticationPolicies": policy,
        "sasAuthenticationPolicy": {"state": "Disabled"}
    }}));
    let app = one(&bytes, "t.json");
    assert_eq!(app.triggers[0].audience, Audience::CredentialHolders);
    assert!(rule_hits(&report(&bytes, "t.json"), "LC001").is_empty());
}

#[test]
fn everyone_ip_range_is_no_restriction() {
    let bytes = with_access_control(
        json!({"triggers": {"allowedCallerIpAddresses": [{"addressRange": "0.0.0.0-255.255.255.255"}]}}),
    );
    let app = one(&bytes, "t.json");
    assert!(!app.triggers[0].ip_restricted);
}

// ---------------------------------------------------------------------------
// Logic Apps Standard project

#[test]
fn standard_project_zip() {
    let bytes = zip_folder("standard", "OrdersApp/");
    let (apps, notes) = parse_bytes(&bytes, "orders.zip").unwrap();
    // host.json, parameters.json and local.settings.json belong to the one workflow.
    assert_eq!(apps.len(), 1, "{apps:#?}");
    let app = &apps[0];
    assert_eq!(app.platform, Platform::LogicApps);
    assert_eq!(app.name, "orders-intake");
    assert_eq!(app.run_context.raw, "Stateful workflow");
    assert_eq!(app.triggers[0].audience, Audience::AnyoneWithLink);
    let insert = app.step("Insert_order").unwrap();
    assert_eq!(insert.name, "Insert order");
    assert_eq!(insert.connection.as_deref(), Some("sql"));
    let sql = app.connection("sql").unwrap();
    assert_eq!(sql.display_name, "Orders database");
    assert_eq!(
        &*sql.location.file,
        "orders.zip!/OrdersApp/connections.json"
    );
    let mail = app.connection("office365").unwrap();
    assert_eq!(mail.connector, "office365");
    assert_eq!(mail.identity, ConnectionIdentity::Service);
    let storage = app
        .values
        .iter()
        .find(|v| v.key == "AzureWebJobsStorage")
        .expect("local setting");
    assert_eq!(storage.context, ValueContext::ConnectionString);
    assert_eq!(
        &*storage.location.file,
        "orders.zip!/OrdersApp/local.settings.json"
    );
    assert_eq!(storage.location.path, "/Values/AzureWebJobsStorage");
    // `@appsetting(…)` is a reference.
    let cs = app
        .values
        .iter()
        .find(|v| v.key == "connectionString")
        .unwrap();
    assert_eq!(cs.kind, ValueKind::Expression);
    assert!(notes
        .iter()
        .any(|n| n.file.ends_with("local.settings.json") && n.message.contains("developer")));
    assert!(
        !notes.iter().any(|n| n.message.starts_with("not read")),
        "{notes:?}"
    );

    let r = report(&bytes, "orders.zip");
    let lc002 = rule_hits(&r, "LC002");
    let key = lc002
        .iter()
        .find(|f| f.location.file.ends_with("local.settings.json"))
        .unwrap_or_else(|| panic!("no LC002 on the storage key: {:#?}", r.findings));
    assert_eq!(key.location.path, "/Values/AzureWebJobsStorage");
    // Only the storage key: settings about secrets are not secrets.
    assert_eq!(lc002.len(), 1, "{lc002:#?}");
    assert!(!key
        .evidence
        .as_deref()
        .unwrap_or_default()
        .contains("wQ85IiwCSOmtYE89"));
    assert_eq!(rule_hits(&r, "LC001").len(), 1);
}

#[test]
fn standard_files_alone() {
    let app = one(
        &read("standard/orders-intake/workflow.json"),
        "workflow.json",
    );
    assert_eq!(app.platform, Platform::LogicApps);
    // Connections named by steps but not listed still appear.
    assert!(app.connection("office365").is_some());

    let settings = one(&read("standard/local.settings.json"), "local.settings.json");
    assert_eq!(settings.platform, Platform::LogicApps);
    assert!(settings
        .values
        .iter()
        .any(|v| v.key == "AzureWebJobsStorage"));
    let r = report(&read("standard/local.settings.json"), "local.settings.json");
    assert!(!rule_hits(&r, "LC002").is_empty(), "{:#?}", r.findings);

    let conns = one(&read("standard/connections.json"), "connections.json");
    assert_eq!(conns.connections.len(), 2);

    match parse_bytes(&read("standard/host.json"), "host.json") {
        Err(ScanError::NotAnApp { detail }) => {
            assert!(detail.contains("host.json"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    let xsd = br#"<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="Order"/></xs:schema>"#;
    match parse_bytes(xsd, "Order.xsd") {
        Err(ScanError::NotAnApp { detail }) => {
            assert!(detail.contains("XML schema or XSLT map"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    match parse_bytes(br#"["a.json", "b.json"]"#, "manifest.json") {
        Err(ScanError::NotAnApp { detail }) => {
            assert!(detail.contains("template gallery"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Bare definitions: Logic Apps markers vs Power Automate

#[test]
fn bare_definitions_are_told_apart() {
    let la = json!({
        "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
        "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {}}},
        "actions": {"Send_message": {"type": "ServiceProvider", "runAfter": {}, "inputs": {
            "parameters": {"entityName": "orders"},
            "serviceProviderConfiguration": {"connectionName": "serviceBus", "operationId": "sendMessage", "serviceProviderId": "/serviceProviders/serviceBus"}}}}
    });
    let app = one(&serde_json::to_vec(&la).unwrap(), "definition.json");
    assert_eq!(app.platform, Platform::LogicApps);
    assert_eq!(
        app.step("Send_message").unwrap().connector.as_deref(),
        Some("serviceBus")
    );

    let pa = json!({
        "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
        "parameters": {"$connections": {"type": "Object"}, "$authentication": {"type": "SecureObject"}},
        "triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {}}},
        "actions": {"Post": {"type": "OpenApiConnection", "runAfter": {}, "inputs": {
            "host": {"connectionName": "shared_teams", "operationId": "PostMessage", "apiId": "/providers/Microsoft.PowerApps/apis/shared_teams"}}}}
    });
    let app = one(&serde_json::to_vec(&pa).unwrap(), "definition.json");
    assert_eq!(app.platform, Platform::PowerAutomate);

    // No marker either way: left to Power Automate.
    let plain = json!({
        "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {}}},
        "actions": {"Compose": {"type": "Compose", "runAfter": {}, "inputs": "hi"}}
    });
    let app = one(&serde_json::to_vec(&plain).unwrap(), "definition.json");
    assert_eq!(app.platform, Platform::PowerAutomate);
}

#[test]
fn gallery_template_and_code_view() {
    let gallery = json!({
        "id": "/providers/Microsoft.Logic/galleries/public/templates/0123abcd",
        "type": "Microsoft.Logic/galleries/templates",
        "name": "0123abcd",
        "properties": {
            "displayName": "${Resources.TEMPLATE_X}",
            "definition": {
                "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
                "triggers": {"request": {"type": "Request", "kind": "Http", "inputs": {"schema": {}}}},
                "actions": {"Response": {"type": "Response", "runAfter": {}, "inputs": {"statusCode": 200}}}
            },
            "connectionReferences": {"office365": {"connection": {"id": ""}, "api": {"id": "/subscriptions/{0}/providers/Microsoft.Web/locations/{1}/managedApis/office365"}}},
            "apiSummaries": []
        }
    });
    let app = one(
        &serde_json::to_vec(&gallery).unwrap(),
        "request-response.json",
    );
    assert_eq!(app.platform, Platform::LogicApps);
    assert_eq!(app.name, "request-response");
    assert_eq!(app.connection("office365").unwrap().connector, "office365");

    let code_view = json!({
        "definition": {
            "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
            "triggers": {"Recurrence": {"type": "Recurrence", "recurrence": {"frequency": "Day", "interval": 1}}},
            "actions": {"Send": {"type": "ApiConnection", "runAfter": {}, "inputs": {
                "host": {"connection": {"name": "@parameters('$connections')['servicebus_1']['connectionId']"}},
                "method": "post", "path": "/queues/orders/messages"}}}
        },
        "parameters": {"$connections": {"value": {"servicebus_1": {
            "connectionId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/connections/servicebus-1",
            "connectionName": "servicebus-1",
            "id": "/subscriptions/s/providers/Microsoft.Web/locations/westeurope/managedApis/servicebus"}}}}
    });
    let app = one(&serde_json::to_vec(&code_view).unwrap(), "run-once.json");
    assert_eq!(app.platform, Platform::LogicApps);
    let c = app.connection("servicebus_1").unwrap();
    assert_eq!(c.connector, "servicebus");
    assert_eq!(c.display_name, "servicebus-1");
    assert_eq!(
        app.step("Send").unwrap().connector.as_deref(),
        Some("servicebus")
    );
    assert_eq!(app.triggers[0].kind, TriggerKind::Schedule);
    assert_eq!(
        c.location.path,
        "/parameters/$connections/value/servicebus_1"
    );

    // `$connections` saved beside the definition.
    let mut beside = code_view.clone();
    let conns = beside["parameters"]["$connections"].take();
    beside["$connections"] = conns;
    beside.as_object_mut().unwrap().remove("parameters");
    let app = one(&serde_json::to_vec(&beside).unwrap(), "run-once.json");
    assert_eq!(app.platform, Platform::LogicApps);
    let c = app.connection("servicebus_1").unwrap();
    assert_eq!(c.location.path, "/$connections/value/servicebus_1");
}
