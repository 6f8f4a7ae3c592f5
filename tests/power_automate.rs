//! Power Automate parser: fixtures in tests/fixtures/power-automate/ read
//! into the normalized model, checked value by value. Package and solution
//! zips are built here from the files in `package/` and `solution/`.

mod common;

use std::path::Path;

use common::parse as parse_bytes;
use lcscan::model::{
    App, Audience, ConnectionIdentity, DataAccess, FieldUse, HttpAuth, Platform, RunMode, StepKind,
    TriggerKind, ValueContext, ValueKind,
};
use lcscan::{scan, Policy};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/power-automate");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn one(bytes: &[u8], name: &str) -> App {
    let (mut apps, notes) = parse_bytes(bytes, name).expect("parse");
    assert_eq!(apps.len(), 1, "{notes:?}");
    apps.remove(0)
}

fn has_edge(app: &App, from: &str, to: &str, kind: &str) -> bool {
    app.edges
        .iter()
        .any(|e| e.from == from && e.to == to && e.kind == kind)
}

/// Zip every file under `fixtures/<folder>` (paths relative to it), skipping `skip`.
fn zip_folder(folder: &str, skip: &[&str]) -> Vec<u8> {
    common::zip_dir(&Path::new(DIR).join(folder), "", skip)
}

// ---------------------------------------------------------------------------
// Bare definition: public HTTP trigger, literal API key, nested actions

#[test]
fn bare_definition_with_public_http_trigger() {
    let app = one(
        &read("public-http-definition.json"),
        "public-http-definition.json",
    );
    assert_eq!(app.platform, Platform::PowerAutomate);
    assert_eq!(app.name, "public-http-definition");

    // The trigger: anyone holding the signed URL, answering the caller.
    assert_eq!(app.triggers.len(), 1);
    let t = &app.triggers[0];
    assert_eq!(t.step_id, "manual");
    assert_eq!(t.kind, TriggerKind::Http);
    assert_eq!(t.audience, Audience::AnyoneWithLink);
    assert!(t.responds_with_data);
    assert_eq!(t.location.path, "/triggers/manual");
    // Step names are the keys as the designer shows them (rules add the trigger's title).
    assert_eq!(t.name, "manual");
    assert_eq!(t.location.step.as_deref(), Some("manual"));

    // HTTP action: literal key header kept with its header name.
    let http = app.step("Call_partner_API").expect("http step");
    assert_eq!(http.name, "Call partner API");
    assert_eq!(http.kind, StepKind::HttpRequest);
    let call = http.http.as_ref().expect("http call");
    assert_eq!(call.method, "POST");
    assert_eq!(call.auth, HttpAuth::Header);
    assert!(!call.url_is_expression);
    assert_eq!(http.secure_inputs, Some(false));
    let key = app
        .values
        .iter()
        .find(|v| v.key == "x-api-key")
        .expect("x-api-key value");
    assert_eq!(key.context, ValueContext::Header);
    assert_eq!(key.kind, ValueKind::Literal);
    assert_eq!(key.step_id.as_deref(), Some("Call_partner_API"));
    assert_eq!(
        key.location.path,
        "/actions/Call_partner_API/inputs/headers/x-api-key"
    );
    assert_eq!(key.location.step.as_deref(), Some("Call partner API"));
    let body = app
        .values
        .iter()
        .find(|v| v.key == "customer")
        .expect("body value");
    assert_eq!(body.context, ValueContext::Body);
    assert_eq!(body.kind, ValueKind::Expression);
    // The trigger's customerId is sent out by the HTTP action.
    assert!(app.fields.iter().any(|f| f.name == "customerId"
        && f.usage == FieldUse::Send
        && f.step_id.as_deref() == Some("Call_partner_API")));
    let url = app
        .values
        .iter()
        .find(|v| v.key == "uri")
        .expect("uri value");
    assert_eq!(url.context, ValueContext::Url);
    assert_eq!(url.kind, ValueKind::Template);
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.host.as_deref() == Some("api.partner.test")
            && e.step_id.as_deref() == Some("Call_partner_API")));

    // Nested If: both branches, with edges from the condition.
    assert!(has_edge(&app, "manual", "Call_partner_API", "main"));
    assert!(has_edge(
        &app,
        "Call_partner_API",
        "Check_result",
        "runAfter"
    ));
    assert!(has_edge(&app, "Check_result", "List_contacts", "main"));
    assert!(has_edge(&app, "Check_result", "Run_script", "main"));
    assert!(has_edge(&app, "Check_result", "Notify_on_failure", "fault"));
    assert_eq!(
        app.step("Check_result").map(|s| s.kind),
        Some(StepKind::Control)
    );

    // Dataverse List rows without $select reads every column.
    let list = app.step("List_contacts").expect("list step");
    assert_eq!(list.kind, StepKind::DataOperation);
    assert_eq!(
        list.connector.as_deref(),
        Some("shared_commondataserviceforapps")
    );
    assert_eq!(
        list.connection.as_deref(),
        Some("shared_commondataserviceforapps")
    );
    let op = list.data_op.as_ref().expect("data op");
    assert_eq!(op.access, vec![DataAccess::Read]);
    assert_eq!(op.object, "contacts");
    assert!(op.all_fields);
    assert_eq!(
        list.location.path,
        "/actions/Check_result/actions/List_contacts"
    );

    // SQL query built from the trigger body.
    let sql = app.step("Find_orders").expect("sql step");
    assert_eq!(sql.kind, StepKind::Database);
    assert_eq!(sql.connector.as_deref(), Some("shared_sql"));
    assert_eq!(sql.connection.as_deref(), Some("shared_sql"));
    let q = sql.sql.as_ref().expect("sql");
    assert!(q.text.starts_with("SELECT * FROM Orders"));
    assert!(q.interpolated);
    assert!(!q.uses_parameters);

    // Code in the else branch.
    let code = app.step("Run_script").expect("code step");
    assert_eq!(code.kind, StepKind::Code);
    let c = code.code.as_ref().expect("code");
    assert_eq!(c.language, "javascript");
    assert!(c.source.contains("workflowContext"));

    // Connections the actions name exist even without connectionReferences.
    for key in ["shared_sql", "shared_commondataserviceforapps"] {
        let c = app.connection(key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(c.identity, ConnectionIdentity::Unknown);
    }
    assert_eq!(
        app.step("Response").map(|s| s.kind),
        Some(StepKind::Response)
    );
}

#[test]
fn bare_definition_raises_public_trigger_and_secret_findings() {
    let report = scan(
        &read("public-http-definition.json"),
        "public-http-definition.json",
        &Policy::default(),
    )
    .expect("scan");
    let ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(ids.contains(&"LC001"), "{ids:?}");
    assert!(ids.contains(&"LC002"), "{ids:?}");
    assert!(ids.contains(&"LC006"), "{ids:?}");
    assert!(ids.contains(&"LC007"), "{ids:?}");
    // The secret is masked in the report.
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("FAKEk3yQ9vLr2TzW8xYp4mNc7Hs5Jd6Q"));
}

// ---------------------------------------------------------------------------
// Safe flow: tenant-only trigger, secure inputs/outputs, invoker connection

#[test]
fn tenant_trigger_and_secure_data() {
    let app = one(&read("safe-tenant-flow.json"), "safe-tenant-flow.json");
    assert_eq!(app.name, "Tenant-only order lookup");
    assert_eq!(
        app.id.as_deref(),
        Some("5a1c7e0d-0000-4c1e-9a55-000000000001")
    );
    assert_eq!(app.active, Some(true));
    let t = &app.triggers[0];
    assert_eq!(t.kind, TriggerKind::Http);
    assert_eq!(t.audience, Audience::Organisation);
    assert_eq!(t.auth, "Tenant");
    assert_eq!(t.location.path, "/properties/definition/triggers/manual");
    assert!(!t.responds_with_data);

    let secret = app.step("Get_secret").expect("secret step");
    assert!(secret.handles_secret);
    assert_eq!(secret.secure_inputs, Some(true));
    assert_eq!(secret.secure_outputs, Some(true));
    assert_eq!(secret.connector.as_deref(), Some("shared_keyvault"));
    let http = app.step("Call_orders_API").expect("http step");
    assert_eq!(http.secure_inputs, Some(true));
    assert_eq!(http.secure_outputs, Some(false));
    let key = app
        .values
        .iter()
        .find(|v| v.key == "x-api-key")
        .expect("key");
    assert_eq!(key.kind, ValueKind::Expression);

    let c = app.connection("shared_keyvault").expect("connection");
    assert_eq!(c.identity, ConnectionIdentity::Invoker);
    assert_eq!(c.connector, "shared_keyvault");
    assert_eq!(app.run_context.mode, RunMode::User);

    let report = scan(
        &read("safe-tenant-flow.json"),
        "safe-tenant-flow.json",
        &Policy::default(),
    )
    .expect("scan");
    let ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    for rule in ["LC001", "LC002", "LC003", "LC017"] {
        assert!(!ids.contains(&rule), "{rule} in {ids:?}");
    }
}

// ---------------------------------------------------------------------------
// Legacy export package (.zip)

#[test]
fn legacy_package_zip() {
    let bytes = zip_folder("package", &[]);
    let (apps, notes) = parse_bytes(&bytes, "Expense.zip").expect("parse");
    assert_eq!(apps.len(), 1, "{notes:?}");
    // Package plumbing is read, not reported as unknown.
    assert!(notes.is_empty(), "{notes:?}");
    let app = &apps[0];
    assert_eq!(app.name, "Expense approval");
    assert_eq!(
        &*app.location.file,
        "Expense.zip!/Microsoft.Flow/flows/7d3f0c2a-1111-4e2b-9c3d-00000000f10e/definition.json"
    );

    let t = &app.triggers[0];
    assert_eq!(t.kind, TriggerKind::App);
    assert!(app.run_context.user_facing);
    // What the app sends in is an input field of the trigger.
    let input = app
        .fields
        .iter()
        .find(|f| f.name == "Amount_Value")
        .expect("trigger input");
    assert_eq!(input.usage, FieldUse::Input);
    assert_eq!(input.step_id.as_deref(), Some("manual"));

    // Embedded connection: the maker's account, named by the package manifest.
    let c = app.connection("shared_office365").expect("connection");
    assert_eq!(c.identity, ConnectionIdentity::Maker);
    assert_eq!(c.display_name, "maker@contoso.test");
    assert_eq!(c.connector, "shared_office365");
    assert_eq!(app.run_context.mode, RunMode::Owner);

    // Old ApiConnection form inside a Foreach.
    let send = app.step("Send_an_email").expect("send");
    assert_eq!(send.connection.as_deref(), Some("shared_office365"));
    assert_eq!(send.connector.as_deref(), Some("shared_office365"));
    assert!(has_edge(app, "Apply_to_each_line", "Send_an_email", "main"));

    // Secret-named variable and Basic auth password.
    let var = app.step("Initialize_client_secret").expect("var");
    assert_eq!(var.kind, StepKind::Variable);
    assert!(var.handles_secret);
    assert_eq!(var.secure_inputs, Some(false));
    let v = app
        .values
        .iter()
        .find(|v| v.key == "ClientSecret")
        .expect("variable value");
    assert_eq!(v.context, ValueContext::Variable);
    assert_eq!(v.kind, ValueKind::Literal);
    let pw = app
        .values
        .iter()
        .find(|v| v.key == "password")
        .expect("password");
    assert_eq!(pw.context, ValueContext::PasswordField);
    let token = app.step("Get_token").expect("token");
    assert!(token.handles_secret);
    assert_eq!(token.http.as_ref().map(|h| h.auth), Some(HttpAuth::Basic));

    // Parameter default values are values too; $connections is not.
    assert!(app
        .values
        .iter()
        .any(|v| v.key == "Approver" && v.value == "finance@contoso.test"));
    assert!(!app.values.iter().any(|v| v.key.starts_with('$')));
}

#[test]
fn package_plumbing_alone_gets_a_specific_reason() {
    let err = parse_bytes(&read("package/manifest.json"), "manifest.json").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("manifest of a Power Automate export package"),
        "{msg}"
    );
    let data_xml =
        "solution/Workflows/NotifyNewOrder-1B2C3D4E-5F60-EF11-A000-000D3A000C0D.json.data.xml";
    let err = parse_bytes(
        &read(data_xml),
        "NotifyNewOrder-1B2C3D4E-5F60-EF11-A000-000D3A000C0D.json.data.xml",
    )
    .unwrap_err();
    assert!(err.to_string().contains("metadata (.data.xml) of a flow"));
}

// ---------------------------------------------------------------------------
// Flows in a solution

const SOLUTION_FLOW: &str = "NotifyNewOrder-1B2C3D4E-5F60-EF11-A000-000D3A000C0D.json";

#[test]
fn solution_flow_json_alone() {
    let app = one(
        &read(&format!("solution/Workflows/{SOLUTION_FLOW}")),
        SOLUTION_FLOW,
    );
    assert_eq!(app.name, "NotifyNewOrder");
    assert_eq!(
        app.id.as_deref(),
        Some("1b2c3d4e-5f60-ef11-a000-000d3a000c0d")
    );
    let t = &app.triggers[0];
    assert_eq!(t.kind, TriggerKind::Event);
    assert_eq!(t.audience, Audience::Internal);
    // The columns whose change starts the flow.
    assert!(app.fields.iter().any(|f| f.name == "customerid"
        && f.usage == FieldUse::Filter
        && f.object.as_deref() == Some("salesorder")
        && f.step_id.as_deref() == Some("When_an_order_is_added")));

    let dv = app
        .connection("shared_commondataserviceforapps")
        .expect("dataverse");
    assert_eq!(dv.identity, ConnectionIdentity::Maker);
    assert_eq!(dv.display_name, "lcs_sharedcommondataserviceforapps_1a2b3");
    let teams = app.connection("shared_teams").expect("teams");
    assert_eq!(teams.identity, ConnectionIdentity::Invoker);
    assert_eq!(app.run_context.mode, RunMode::Owner);

    // Get a row with $select: a read of named columns, not all of them.
    let get = app.step("Get_customer").expect("get");
    let op = get.data_op.as_ref().expect("data op");
    assert_eq!(op.access, vec![DataAccess::Read]);
    assert!(!op.all_fields);
    assert!(app.fields.iter().any(|f| f.name == "emailaddress1"
        && f.usage == FieldUse::Read
        && f.object.as_deref() == Some("accounts")));
    // Update a row: the written column.
    let upd = app.step("Mark_order_seen").expect("update");
    assert_eq!(
        upd.data_op.as_ref().map(|o| o.access.clone()),
        Some(vec![DataAccess::Update])
    );
    assert!(app
        .fields
        .iter()
        .any(|f| f.name == "description" && f.usage == FieldUse::Write));
    let msg = app
        .values
        .iter()
        .find(|v| v.key == "body/messageBody")
        .expect("message");
    assert_eq!(msg.kind, ValueKind::Template);
    assert_eq!(msg.context, ValueContext::Parameter);
    assert!(has_edge(
        &app,
        "When_an_order_is_added",
        "Get_customer",
        "main"
    ));
}

#[test]
fn solution_zip_names_flows_from_customizations() {
    let bytes = zip_folder("solution", &[".data.xml"]);
    let (apps, _notes) = parse_bytes(&bytes, "LcscanOrders_1_0_0_1.zip").expect("parse");
    let flows: Vec<&App> = apps
        .iter()
        .filter(|a| a.platform == Platform::PowerAutomate)
        .collect();
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0].name, "Notify team of new orders (solution)");
    assert_eq!(flows[0].active, Some(true));
    // The connection reference's display name comes from customizations.xml.
    assert_eq!(
        flows[0]
            .connection("shared_teams")
            .map(|c| c.display_name.as_str()),
        Some("Microsoft Teams - Orders")
    );
    assert_eq!(
        &*flows[0].location.file,
        format!("LcscanOrders_1_0_0_1.zip!/Workflows/{SOLUTION_FLOW}")
    );

    // Unpacked layout: the .data.xml next to the flow names it.
    let bytes = zip_folder("solution", &["customizations.xml"]);
    let (apps, notes) = parse_bytes(&bytes, "unpacked.zip").expect("parse");
    let flow = apps
        .iter()
        .find(|a| a.platform == Platform::PowerAutomate)
        .expect("flow");
    assert_eq!(flow.name, "Notify team of new orders");
    assert!(
        !notes.iter().any(|n| n.file.ends_with(".data.xml")),
        "{notes:?}"
    );
}

/// `cargo test --release --test power_automate corpus_probe -- --ignored --nocapture`:
/// why each real export in the corpus folders (`LCSCAN_PROBE`, default
/// `power-automate`) is not read.
#[test]
#[ignore]
fn corpus_probe() {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(read) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = read.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let folders = std::env::var("LCSCAN_PROBE").unwrap_or_else(|_| "power-automate".into());
    for folder in folders.split(',') {
        let mut files = Vec::new();
        walk(&root.join(folder), &mut files);
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let bytes = std::fs::read(&file).unwrap();
            match scan(&bytes, &name, &Policy::default()) {
                Ok(r) if std::env::var("NOTES").is_ok() => {
                    for n in &r.notes {
                        println!("NOTE\t{}\t{}", n.file, n.message);
                    }
                }
                Ok(r) => println!(
                    "OK\t{}\t{}\t{}\t{}",
                    r.components.len(),
                    r.findings.len(),
                    file.display(),
                    r.findings
                        .iter()
                        .map(|f| format!("{}:{}", f.rule_id, f.message))
                        .collect::<Vec<_>>()
                        .join(" | ")
                ),
                Err(e) => println!("ERR\t{}\t{e}", file.display()),
            }
        }
    }
}

/// `cargo test --release --test power_automate corpus_model_stats -- --ignored --nocapture`:
/// what the parser finds across the corpus (trigger kinds, step kinds, HTTP auth).
#[test]
#[ignore]
fn corpus_model_stats() {
    use std::collections::BTreeMap;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/power-automate");
    let mut stack = vec![root];
    let mut stats: BTreeMap<String, usize> = BTreeMap::new();
    while let Some(dir) = stack.pop() {
        for p in std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()) {
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let Ok((apps, _)) = parse_bytes(&std::fs::read(&p).unwrap(), &name) else {
                continue;
            };
            for app in apps {
                *stats.entry("apps".into()).or_default() += 1;
                if app.steps.len() <= 1 {
                    println!("few steps: {}", p.display());
                }
                for t in &app.triggers {
                    *stats
                        .entry(format!("trigger {:?} {:?}", t.kind, t.audience))
                        .or_default() += 1;
                }
                for s in &app.steps {
                    *stats.entry(format!("step {:?}", s.kind)).or_default() += 1;
                    if let Some(h) = &s.http {
                        *stats.entry(format!("http auth {:?}", h.auth)).or_default() += 1;
                    }
                    if s.data_op.as_ref().is_some_and(|d| d.all_fields) {
                        *stats.entry("all fields".into()).or_default() += 1;
                    }
                    if s.sql.as_ref().is_some_and(|q| q.interpolated) {
                        *stats.entry("sql interpolated".into()).or_default() += 1;
                    }
                    if s.handles_secret {
                        *stats.entry("handles secret".into()).or_default() += 1;
                    }
                    if s.secure_inputs == Some(true) || s.secure_outputs == Some(true) {
                        *stats.entry("secure data".into()).or_default() += 1;
                    }
                }
                for c in &app.connections {
                    *stats
                        .entry(format!("connection {:?}", c.identity))
                        .or_default() += 1;
                }
                for v in &app.values {
                    if v.context == ValueContext::PasswordField && std::env::var("PW").is_ok() {
                        println!("pw {} = {} at {}", v.key, v.value, v.location.path);
                    }
                    *stats
                        .entry(format!("value {:?} {:?}", v.context, v.kind))
                        .or_default() += 1;
                }
                *stats.entry("endpoints".into()).or_default() += app.endpoints.len();
                *stats.entry("fields".into()).or_default() += app.fields.len();
                *stats.entry("edges".into()).or_default() += app.edges.len();
                if app.steps.iter().any(|s| {
                    s.connector.is_some()
                        && s.connection.is_none()
                        && s.kind != lcscan::model::StepKind::Trigger
                }) {
                    *stats
                        .entry("connector without connection".into())
                        .or_default() += 1;
                }
            }
        }
    }
    for (k, v) in stats {
        println!("{v:6} {k}");
    }
}

// ---------------------------------------------------------------------------
// Robustness

#[test]
fn odd_shapes_do_not_panic_and_are_read_as_far_as_possible() {
    let docs = [
        // Triggers/actions of the wrong type, non-object actions, runAfter as a string.
        r#"{"triggers": {"t": 5, "manual": {"type": "Request"}}, "actions": {"a": "x", "b": {"runAfter": "a", "type": 7}, "c": {"type": "Http", "inputs": {"uri": 5, "authentication": 3, "headers": []}}, "d": {"type": "Http", "inputs": {"uri": "https://a.test", "authentication": "@parameters('auth')"}}}}"#,
        // Empty containers and cases that are not objects.
        r#"{"definition": {"triggers": {}, "actions": {"s": {"type": "Switch", "cases": {"x": 1, "y": {"actions": []}}, "default": 2, "else": "no"}}}}"#,
        // Connection references of odd shapes.
        r#"{"properties": {"connectionReferences": {"a": 1, "b": {"source": 5}}, "definition": {"$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#", "actions": {"x": {"type": "OpenApiConnection", "inputs": {"host": {"connectionName": "b", "apiId": "/"}}}}}}}"#,
    ];
    for (i, doc) in docs.iter().enumerate() {
        let (apps, notes) =
            parse_bytes(doc.as_bytes(), &format!("odd{i}.json")).expect("claimed and parsed");
        assert_eq!(apps.len(), 1, "{i}: {notes:?}");
        assert_eq!(apps[0].platform, Platform::PowerAutomate);
    }
    let (apps, _) = parse_bytes(docs[0].as_bytes(), "odd0.json").unwrap();
    let app = &apps[0];
    assert_eq!(app.triggers.len(), 1);
    assert_eq!(
        app.step("c").and_then(|s| s.http.as_ref()).map(|h| h.auth),
        Some(HttpAuth::None)
    );
    assert_eq!(
        app.step("d").and_then(|s| s.http.as_ref()).map(|h| h.auth),
        Some(HttpAuth::Credential)
    );
    // A Logic Apps Standard workflow.json (has `kind`) is not claimed as Power Automate.
    let standard = r#"{"definition": {"$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#", "triggers": {}, "actions": {}}, "kind": "Stateful"}"#;
    let result = parse_bytes(standard.as_bytes(), "workflow.json");
    assert!(
        result.as_ref().map_or(true, |(apps, _)| apps
            .iter()
            .all(|a| a.platform != Platform::PowerAutomate)),
        "{:?}",
        result.map(|(a, _)| a.len())
    );
}

#[test]
fn large_flows_stay_linear() {
    // 4000 chained actions inside a Scope, each with a header and a URL.
    let mut actions = serde_json::Map::new();
    for i in 0..4000 {
        let run_after = if i == 0 {
            serde_json::json!({})
        } else {
            serde_json::json!({ format!("Call_{}", i - 1): ["Succeeded"] })
        };
        actions.insert(
            format!("Call_{i}"),
            serde_json::json!({
                "type": "Http", "runAfter": run_after,
                "inputs": {"method": "GET", "uri": format!("https://api{i}.test/x"), "headers": {"Accept": "application/json"}}
            }),
        );
    }
    let doc = serde_json::json!({
        "definition": {
            "triggers": {"Recurrence": {"type": "Recurrence", "recurrence": {"frequency": "Day", "interval": 1}}},
            "actions": {"Scope": {"type": "Scope", "runAfter": {}, "actions": actions}}
        }
    });
    let bytes = serde_json::to_vec(&doc).unwrap();
    let start = std::time::Instant::now();
    let app = one(&bytes, "big.json");
    assert_eq!(app.steps.len(), 4002);
    assert_eq!(app.endpoints.len(), 4000);
    assert_eq!(app.triggers[0].kind, TriggerKind::Schedule);
    assert_eq!(app.triggers[0].audience, Audience::Internal);
    assert!(has_edge(&app, "Scope", "Call_0", "main"));
    assert!(has_edge(&app, "Call_3998", "Call_3999", "runAfter"));
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

/// `LCSCAN_FILE=<path> cargo test --test power_automate dump_model -- --ignored --nocapture`:
/// print the model of one file as JSON.
#[test]
#[ignore]
fn dump_model() {
    let Ok(path) = std::env::var("LCSCAN_FILE") else {
        return;
    };
    let name = Path::new(&path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let (apps, notes) = parse_bytes(&std::fs::read(&path).unwrap(), &name).expect("parse");
    println!("{}", serde_json::to_string_pretty(&apps).unwrap());
    println!("{notes:?}");
}
