//! Salesforce Flow parser: fixtures in tests/fixtures/salesforce-flow/ read
//! into the normalized model, checked value by value.

mod common;

use std::io::Write;

use lcscan::ingest::ingest;
use lcscan::model::{
    App, AppKind, Audience, DataAccess, FieldUse, Platform, RunMode, StepKind, TriggerKind,
    ValueContext, ValueKind,
};
use lcscan::platforms;
use lcscan::report::Note;
use lcscan::{scan, Limits, Policy, ScanError};
use zip::write::SimpleFileOptions;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/salesforce-flow"
);

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

fn edge(app: &App, from: &str, to: &str) -> Option<String> {
    app.edges
        .iter()
        .find(|e| e.from == from && e.to == to)
        .map(|e| e.kind.clone())
}

#[test]
fn screen_flow_without_sharing_is_read_fully() {
    let app = one("Contact_Lookup_Screen.flow-meta.xml");
    assert_eq!(app.platform, Platform::SalesforceFlow);
    assert_eq!(app.kind, AppKind::ScreenFlow);
    assert_eq!(app.name, "Contact Lookup Screen");
    assert_eq!(app.id.as_deref(), Some("Contact_Lookup_Screen"));
    assert_eq!(app.version.as_deref(), Some("60.0"));
    assert_eq!(app.active, Some(true));

    // Run context.
    let rc = &app.run_context;
    assert_eq!(rc.mode, RunMode::SystemWithoutSharing);
    assert_eq!(rc.raw, "SystemModeWithoutSharing");
    assert!(rc.user_facing);
    assert_eq!(rc.requires_permission, Some(false));
    assert_eq!(
        rc.location.as_ref().map(|l| l.path.as_str()),
        Some("/Flow/runInMode")
    );

    // Trigger: a user starts the screen flow.
    assert_eq!(app.triggers.len(), 1);
    let t = &app.triggers[0];
    assert_eq!((t.kind, t.audience), (TriggerKind::App, Audience::Unknown));
    assert_eq!(t.step_id, "start");
    assert!(!t.responds_with_data);

    // Get Records stores all fields.
    let get = app.step("Get_Contact").expect("Get_Contact step");
    assert_eq!(get.name, "Get Contact");
    assert_eq!(get.kind, StepKind::DataOperation);
    assert_eq!(get.platform_type, "recordLookups");
    assert_eq!(get.location.path, "/Flow/recordLookups[1]");
    assert_eq!(get.location.step.as_deref(), Some("Get Contact"));
    let op = get.data_op.as_ref().expect("data op");
    assert_eq!(op.object, "Contact");
    assert_eq!(op.access, vec![DataAccess::Read]);
    assert!(op.all_fields);

    // Filters are fields.
    let owner = app
        .fields
        .iter()
        .find(|f| f.name == "OwnerId")
        .expect("OwnerId filter field");
    assert_eq!(owner.usage, FieldUse::Filter);
    assert_eq!(owner.object.as_deref(), Some("Contact"));
    assert_eq!(owner.step_id.as_deref(), Some("Get_Contact"));
    assert_eq!(
        owner.location.path,
        "/Flow/recordLookups[1]/filters[2]/field"
    );

    // The hard-coded record id is a literal value keyed by its field.
    let id = app
        .values
        .iter()
        .find(|v| v.value == "005FAKE000Test1AAA")
        .expect("record id value");
    assert_eq!(id.key, "OwnerId");
    assert_eq!(id.kind, ValueKind::Literal);
    assert_eq!(id.context, ValueContext::Query);
    assert_eq!(id.step_id.as_deref(), Some("Get_Contact"));
    assert_eq!(
        id.location.path,
        "/Flow/recordLookups[1]/filters[2]/value/stringValue"
    );
    assert_eq!(id.location.step.as_deref(), Some("Get Contact"));

    // The instance URL in a variable is a URL value and an endpoint.
    let url = app
        .values
        .iter()
        .find(|v| v.key == "Support_Portal_URL")
        .expect("url variable");
    assert_eq!(url.context, ValueContext::Url);
    assert_eq!(url.kind, ValueKind::Literal);
    assert_eq!(url.step_id, None);
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.host.as_deref() == Some("fake-example-org.my.salesforce.com")));

    // Builder bookkeeping is not a value.
    assert!(!app.values.iter().any(|v| v.value == "LightningFlowBuilder"));

    // Screens: what the user types and what is shown.
    let input = app
        .fields
        .iter()
        .find(|f| f.name == "Last_Name")
        .expect("input field");
    assert_eq!(input.usage, FieldUse::Input);
    assert_eq!(input.step_id.as_deref(), Some("Ask_Name"));
    let shown: Vec<&str> = app
        .fields
        .iter()
        .filter(|f| f.usage == FieldUse::Read && f.step_id.as_deref() == Some("Show_Contact"))
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(shown, vec!["Name", "Email", "Birthdate"]);
    assert!(app
        .fields
        .iter()
        .filter(|f| f.step_id.as_deref() == Some("Show_Contact"))
        .all(|f| f.object.as_deref() == Some("Contact")));
    assert!(app
        .fields
        .iter()
        .any(|f| f.name == "recordId" && f.usage == FieldUse::Input && f.step_id.is_none()));
    let display = app
        .values
        .iter()
        .find(|v| v.key == "Contact_Details")
        .expect("display text");
    assert_eq!(display.kind, ValueKind::Template);
    assert_eq!(display.context, ValueContext::Body);

    // Connectors become edges.
    assert_eq!(edge(&app, "start", "Ask_Name").as_deref(), Some("main"));
    assert_eq!(
        edge(&app, "Ask_Name", "Get_Contact").as_deref(),
        Some("main")
    );
    assert_eq!(
        edge(&app, "Get_Contact", "Show_Contact").as_deref(),
        Some("main")
    );
    assert_eq!(
        edge(&app, "Get_Contact", "Show_Error").as_deref(),
        Some("fault")
    );
    assert_eq!(app.edges.len(), 4);

    // start + 1 lookup + 3 screens.
    assert_eq!(app.steps.len(), 5);
    assert_eq!(
        app.steps
            .iter()
            .filter(|s| s.kind == StepKind::Screen)
            .count(),
        3
    );
}

#[test]
fn record_triggered_flow_in_default_mode() {
    let app = one("Account_Update_Notify.flow-meta.xml");
    assert_eq!(app.kind, AppKind::Workflow);
    assert_eq!(app.run_context.mode, RunMode::User);
    assert_eq!(app.run_context.raw, "DefaultMode");
    assert!(!app.run_context.user_facing);

    let t = &app.triggers[0];
    assert_eq!(
        (t.kind, t.audience),
        (TriggerKind::Event, Audience::Internal)
    );
    assert_eq!(
        t.name,
        "When an Account record is updated (RecordAfterSave)"
    );
    assert_eq!(t.location.path, "/Flow/start");

    // Entry condition field on the triggering object.
    let rating = app
        .fields
        .iter()
        .find(|f| f.name == "Rating")
        .expect("Rating");
    assert_eq!(
        (
            rating.usage,
            rating.object.as_deref(),
            rating.step_id.as_deref()
        ),
        (FieldUse::Filter, Some("Account"), Some("start"))
    );

    // Get Records with chosen fields does not fetch everything.
    let get = app.step("Get_Owner").expect("Get_Owner");
    let op = get.data_op.as_ref().expect("op");
    assert_eq!(op.object, "User");
    assert!(!op.all_fields);
    let read: Vec<&str> = app
        .fields
        .iter()
        .filter(|f| f.usage == FieldUse::Read && f.step_id.as_deref() == Some("Get_Owner"))
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(read, vec!["Id", "Email"]);

    // Update on $Record resolves to the start object; create has its object.
    let upd = app.step("Mark_Reviewed").expect("update");
    let op = upd.data_op.as_ref().expect("op");
    assert_eq!(
        (op.object.as_str(), op.access.clone()),
        ("Account", vec![DataAccess::Update])
    );
    assert!(app.fields.iter().any(|f| f.name == "Description"
        && f.usage == FieldUse::Write
        && f.object.as_deref() == Some("Account")));
    let create = app.step("Log_Failure").expect("create");
    let op = create.data_op.as_ref().expect("op");
    assert_eq!(
        (op.object.as_str(), op.access.clone()),
        ("Task", vec![DataAccess::Create])
    );
    assert!(!op.all_fields);

    // The e-mail action.
    let mail = app.step("Email_Owner").expect("email");
    assert_eq!(mail.kind, StepKind::Email);
    assert_eq!(mail.connector.as_deref(), Some("salesforce:emailSimple"));
    assert_eq!(mail.name, "Email the owner");
    assert!(app.fields.iter().any(|f| f.name == "Email"
        && f.usage == FieldUse::Send
        && f.step_id.as_deref() == Some("Email_Owner")
        && f.object.as_deref() == Some("User")));
    let subject = app
        .values
        .iter()
        .find(|v| v.key == "emailSubject")
        .expect("subject");
    assert_eq!(subject.kind, ValueKind::Template);
    assert_eq!(subject.step_id.as_deref(), Some("Email_Owner"));
    assert_eq!(
        subject.location.path,
        "/Flow/actionCalls[1]/inputParameters[2]/value/stringValue"
    );

    assert_eq!(
        edge(&app, "Mark_Reviewed", "Get_Owner").as_deref(),
        Some("main")
    );
    assert_eq!(
        edge(&app, "Email_Owner", "Log_Failure").as_deref(),
        Some("fault")
    );
    assert!(app.endpoints.is_empty());
}

#[test]
fn other_salesforce_metadata_gets_a_specific_reason() {
    let e = scan(
        &read("Account.object-meta.xml"),
        "Account.object-meta.xml",
        &Policy::default(),
    )
    .expect_err("not a flow");
    match e {
        ScanError::NotAnApp { detail } => {
            assert!(
                detail.contains("Salesforce CustomObject metadata"),
                "{detail}"
            );
            assert!(detail.contains("not a Salesforce Flow"), "{detail}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn detection_is_by_content_not_file_name() {
    let bytes = read("Account_Update_Notify.flow-meta.xml");
    let (apps, _) = parse_bytes(&bytes, "download.xml");
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].platform, Platform::SalesforceFlow);
    // The name is the label; the id falls back to the file stem.
    assert_eq!(apps[0].name, "Account Update Notify");
    // A namespace prefix on the root, or no namespace but a Flow file name.
    let prefixed = "<md:Flow xmlns:md=\"http://soap.sforce.com/2006/04/metadata\">\
                    <md:label>Prefixed</md:label><md:runInMode>SystemModeWithoutSharing</md:runInMode></md:Flow>";
    let (apps, _) = parse_bytes(prefixed.as_bytes(), "a.xml");
    assert_eq!(apps[0].name, "Prefixed");
    assert_eq!(apps[0].run_context.mode, RunMode::SystemWithoutSharing);
    let bare = "<Flow><label>Bare</label></Flow>";
    let (apps, _) = parse_bytes(bare.as_bytes(), "Bare.flow-meta.xml");
    assert_eq!(apps[0].name, "Bare");
    let bundle = ingest(bare.as_bytes(), "bare.xml", &Limits::default()).expect("ingest");
    assert!(platforms::parse(&bundle, &mut Vec::new()).is_err());
    // Other XML with a Flow file name but a foreign root is not claimed.
    let other = b"<?xml version=\"1.0\"?><Workflow xmlns=\"urn:x\"/>";
    let bundle = ingest(other, "x.flow-meta.xml", &Limits::default()).expect("ingest");
    let mut notes = Vec::new();
    assert!(platforms::parse(&bundle, &mut notes).is_err());
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        for (name, data) in files {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

#[test]
fn metadata_package_zip_reads_every_flow() {
    let package = br#"<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata"><types><members>*</members><name>Flow</name></types><version>60.0</version></Package>"#;
    let a = read("Contact_Lookup_Screen.flow-meta.xml");
    let b = read("Account_Update_Notify.flow-meta.xml");
    let o = read("Account.object-meta.xml");
    let bytes = zip_of(&[
        ("unpackaged/package.xml", package),
        ("unpackaged/flows/Contact_Lookup_Screen.flow", &a),
        ("unpackaged/flows/Account_Update_Notify.flow", &b),
        ("unpackaged/objects/Account.object", &o),
    ]);
    let (apps, notes) = parse_bytes(&bytes, "package.zip");
    let mut names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        vec!["Account Update Notify", "Contact Lookup Screen"]
    );
    let screen = apps.iter().find(|a| a.kind == AppKind::ScreenFlow).unwrap();
    assert_eq!(screen.id.as_deref(), Some("Contact_Lookup_Screen"));
    assert_eq!(
        &*screen.location.file,
        "package.zip!/unpackaged/flows/Contact_Lookup_Screen.flow"
    );
    // package.xml is quiet; the object file says why it was not read.
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].file.ends_with("objects/Account.object"));
    assert!(notes[0].message.contains("not a Salesforce Flow"));
}

#[test]
fn odd_shapes_never_panic_and_unknown_modes_are_read_defensively() {
    let flow = |body: &str| {
        format!(
            "<?xml version=\"1.0\"?><Flow xmlns=\"http://soap.sforce.com/2006/04/metadata\">{body}</Flow>"
        )
    };
    let cases = [
        flow(""),
        flow("<runInMode>SystemModeWitSharing</runInMode><processType>Flow</processType>"),
        flow("<recordLookups/><actionCalls><actionType/></actionCalls><screens><fields><fields><fields/></fields></fields></screens>"),
        flow("<startElementReference>A</startElementReference><decisions><name>A</name><rules><connector><targetReference>B</targetReference></connector></rules><defaultConnector><targetReference>C</targetReference></defaultConnector></decisions>"),
        flow("<formulas><name>f</name><expression>\"unterminated &amp; {!x}</expression></formulas><variables><value><stringValue> </stringValue></value></variables>"),
    ];
    for (i, text) in cases.iter().enumerate() {
        let (apps, _) = parse_bytes(text.as_bytes(), "odd.flow-meta.xml");
        assert_eq!(apps.len(), 1, "case {i}");
    }
    let (apps, _) = parse_bytes(cases[1].as_bytes(), "odd.flow-meta.xml");
    assert_eq!(apps[0].run_context.mode, RunMode::SystemWithSharing);
    assert_eq!(apps[0].run_context.raw, "SystemModeWitSharing");
    assert_eq!(apps[0].triggers[0].audience, Audience::Unknown);
    assert_eq!(apps[0].name, "odd");
    // Autolaunched, restricted to permitted users, returning outputs.
    let restricted = flow(
        "<isAdditionalPermissionRequiredToRun>true</isAdditionalPermissionRequiredToRun>\
         <variables><name>out</name><isOutput>true</isOutput></variables>",
    );
    let (apps, _) = parse_bytes(restricted.as_bytes(), "r.flow");
    let t = &apps[0].triggers[0];
    assert_eq!(
        (t.kind, t.audience, t.responds_with_data),
        (TriggerKind::SubWorkflow, Audience::SpecificUsers, true)
    );
    let (apps, _) = parse_bytes(cases[3].as_bytes(), "odd.flow-meta.xml");
    assert_eq!(edge(&apps[0], "start", "A").as_deref(), Some("main"));
    assert_eq!(edge(&apps[0], "A", "B").as_deref(), Some("outcome"));
    assert_eq!(edge(&apps[0], "A", "C").as_deref(), Some("default"));
}

/// Developer aid: `SF_DUMP=path cargo test --test salesforce dump -- --ignored --nocapture`
/// prints the model read from a file.
#[test]
#[ignore]
fn dump() {
    let Ok(path) = std::env::var("SF_DUMP") else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read");
    let (apps, notes) = parse_bytes(&bytes, &path);
    println!("APPS {}", serde_json::to_string(&apps).expect("json"));
    println!("{notes:?}");
    if let Ok(report) = scan(&bytes, &path, &Policy::default()) {
        for f in &report.findings {
            println!("FINDING {}", serde_json::to_string(f).expect("json"));
        }
    }
}

#[test]
fn scheduled_flow_with_callout_apex_and_hard_coded_values() {
    let app = one("Sync_Orders_Callout.flow-meta.xml");
    assert_eq!(app.active, Some(false));
    assert_eq!(app.run_context.mode, RunMode::SystemWithSharing);
    assert_eq!(app.run_context.requires_permission, Some(true));
    // Scheduled: started by the platform, whatever the permission setting.
    assert!(!app.run_context.user_facing);
    let t = &app.triggers[0];
    assert_eq!(
        (t.kind, t.audience),
        (TriggerKind::Schedule, Audience::Internal)
    );
    assert_eq!(t.name, "Scheduled (Daily)");

    // External service: an HTTP callout through a Named Credential.
    let post = app.step("Post_Order").expect("callout");
    assert_eq!(post.kind, StepKind::HttpRequest);
    assert_eq!(
        post.connector.as_deref(),
        Some("salesforce:externalService")
    );
    assert_eq!(post.connection.as_deref(), Some("ErpOrders"));
    let conn = app.connection("ErpOrders").expect("connection");
    assert_eq!(conn.connector, "salesforce:externalService");
    assert!(app.fields.iter().any(|f| f.name == "TotalAmount"
        && f.usage == FieldUse::Send
        && f.object.as_deref() == Some("Order")));

    // Apex action with a token input: handles a secret; the literal is a value.
    let apex = app.step("Notify_Slack").expect("apex");
    assert_eq!(apex.kind, StepKind::Code);
    assert_eq!(apex.connector.as_deref(), Some("salesforce:apex"));
    assert!(apex.handles_secret);
    assert!(!app.step("Post_Order").unwrap().handles_secret);
    let token = app.values.iter().find(|v| v.key == "token").expect("token");
    assert!(token.value.starts_with("xoxb-"));
    assert_eq!(token.kind, ValueKind::Literal);
    assert_eq!(token.step_id.as_deref(), Some("Notify_Slack"));
    assert_eq!(
        token.location.path,
        "/Flow/actionCalls[2]/inputParameters[1]/value/stringValue"
    );

    // Hard-coded record type ids in a constant and a decision condition.
    let constant = app
        .values
        .iter()
        .find(|v| v.key == "Partner_Record_Type")
        .expect("constant");
    assert_eq!(constant.value, "012FAKE000Test1AAA");
    assert_eq!(constant.context, ValueContext::Variable);
    let cond = app
        .values
        .iter()
        .find(|v| v.value == "012FAKE000Test2AAA")
        .expect("condition");
    assert_eq!(cond.key, "$Record.RecordTypeId");
    assert_eq!(cond.context, ValueContext::Query);
    assert_eq!(cond.step_id.as_deref(), Some("Is_Partner"));
    assert_eq!(
        cond.location.step.as_deref(),
        Some("Is it a partner order?")
    );

    // The formula: the whole expression, and its quoted URL as a literal.
    let formula: Vec<_> = app
        .values
        .iter()
        .filter(|v| v.key == "Order_Link")
        .collect();
    assert_eq!(formula.len(), 2);
    assert_eq!(formula[0].kind, ValueKind::Expression);
    assert_eq!(formula[0].context, ValueContext::Code);
    assert_eq!(
        (
            formula[1].kind,
            formula[1].context,
            formula[1].value.as_str()
        ),
        (
            ValueKind::Literal,
            ValueContext::Url,
            "https://fake-example-org.lightning.force.com/lightning/r/Order/"
        )
    );
    assert_eq!(formula[1].location.path, "/Flow/formulas[1]/expression");
    assert_eq!(
        app.endpoints
            .iter()
            .map(|e| e.host.as_deref().unwrap_or(""))
            .collect::<Vec<_>>(),
        vec!["fake-example-org.lightning.force.com"]
    );

    // Loop and decision connectors.
    assert_eq!(
        edge(&app, "Loop_Orders", "Post_Order").as_deref(),
        Some("next-value")
    );
    assert_eq!(
        edge(&app, "Loop_Orders", "Notify_Slack").as_deref(),
        Some("no-more-values")
    );
    assert_eq!(
        edge(&app, "Is_Partner", "Loop_Orders").as_deref(),
        Some("outcome")
    );
    assert_eq!(
        edge(&app, "Is_Partner", "Notify_Slack").as_deref(),
        Some("default")
    );
    assert_eq!(
        edge(&app, "Post_Order", "Loop_Orders").as_deref(),
        Some("main")
    );
}

#[test]
fn many_other_metadata_files_in_a_zip_get_one_summary_note() {
    let flow = read("Account_Update_Notify.flow-meta.xml");
    let object = read("Account.object-meta.xml");
    let class = br#"<?xml version="1.0" encoding="UTF-8"?><ApexClass xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>60.0</apiVersion><status>Active</status></ApexClass>"#;
    let names: Vec<String> = (0..6)
        .map(|i| format!("classes/C{i}.cls-meta.xml"))
        .collect();
    let mut files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &class[..])).collect();
    files.push(("objects/Account.object-meta.xml", &object));
    files.push(("flows/Account_Update_Notify.flow-meta.xml", &flow));
    let (apps, notes) = parse_bytes(&zip_of(&files), "force-app.zip");
    assert_eq!(apps.len(), 1);
    let ours: Vec<&Note> = notes
        .iter()
        .filter(|n| n.message.contains("Salesforce metadata"))
        .collect();
    assert_eq!(ours.len(), 1, "{notes:?}");
    assert_eq!(ours[0].file, "force-app.zip");
    assert_eq!(
        ours[0].message,
        "not read: 7 Salesforce metadata files that are not Flows (6 ApexClass, 1 CustomObject)"
    );
}

#[test]
fn process_builder_trigger_comes_from_its_metadata_values() {
    let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<Flow xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Case Escalation Process</label>
    <processMetadataValues><name>ObjectType</name><value><stringValue>Case</stringValue></value></processMetadataValues>
    <processMetadataValues><name>TriggerType</name><value><stringValue>onCreateOnly</stringValue></value></processMetadataValues>
    <processType>Workflow</processType>
    <startElementReference>myDecision</startElementReference>
    <status>Obsolete</status>
    <decisions><name>myDecision</name><label>myDecision</label></decisions>
</Flow>"#;
    let (apps, _) = parse_bytes(text.as_bytes(), "Case_Escalation_Process.flow");
    let app = &apps[0];
    assert_eq!(app.active, Some(false));
    assert_eq!(app.id.as_deref(), Some("Case_Escalation_Process"));
    let t = &app.triggers[0];
    assert_eq!(
        (t.kind, t.audience),
        (TriggerKind::Event, Audience::Internal)
    );
    assert_eq!(t.name, "When a Case record is created (Process Builder)");
    assert_eq!(t.location.path, "/Flow");
    assert_eq!(edge(app, "start", "myDecision").as_deref(), Some("main"));
    // Builder bookkeeping is not a value.
    assert!(app.values.is_empty(), "{:?}", app.values);
}

#[test]
fn large_flows_stay_linear() {
    let n = 10_000;
    let mut body = String::from("<processType>Flow</processType><start><connector><targetReference>e0</targetReference></connector></start>");
    for i in 0..n {
        body.push_str(&format!(
            "<recordLookups><name>e{i}</name><label>Get {i}</label>\
             <connector><targetReference>e{}</targetReference></connector>\
             <filters><field>Id</field><operator>EqualTo</operator><value><stringValue>001FAKE{i:011}</stringValue></value></filters>\
             <object>Account</object><storeOutputAutomatically>true</storeOutputAutomatically></recordLookups>\
             <actionCalls><name>a{i}</name><actionName>Svc{i}.op</actionName><actionType>externalService</actionType></actionCalls>",
            i + 1
        ));
    }
    let text = format!("<Flow xmlns=\"http://soap.sforce.com/2006/04/metadata\">{body}</Flow>");
    let started = std::time::Instant::now();
    let (apps, _) = parse_bytes(text.as_bytes(), "big.flow-meta.xml");
    let app = &apps[0];
    assert_eq!(app.steps.len(), 2 * n + 1);
    assert_eq!(app.edges.len(), n + 1);
    assert_eq!(app.values.len(), n);
    assert_eq!(app.connections.len(), n);
    assert_eq!(
        app.values[n - 1].location.path,
        format!("/Flow/recordLookups[{n}]/filters[1]/value/stringValue")
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn trigger_names_for_events_deletes_and_scheduled_paths() {
    let flow = |start: &str| {
        format!(
            "<Flow xmlns=\"http://soap.sforce.com/2006/04/metadata\"><processType>AutoLaunchedFlow</processType><start>{start}</start></Flow>"
        )
    };
    let name = |start: &str| {
        let (apps, _) = parse_bytes(flow(start).as_bytes(), "t.flow");
        let t = &apps[0].triggers[0];
        (t.kind, t.audience, t.name.clone())
    };
    assert_eq!(
        name("<object>Order_Placed__e</object><triggerType>PlatformEvent</triggerType>"),
        (
            TriggerKind::Event,
            Audience::Internal,
            "When an Order_Placed__e platform event is received".to_string()
        )
    );
    assert_eq!(
        name("<triggerType>RecordBeforeDelete</triggerType>").2,
        "When a record is deleted (RecordBeforeDelete)"
    );
    let text = flow(
        "<object>Case</object><recordTriggerType>Create</recordTriggerType><triggerType>RecordAfterSave</triggerType>\
         <scheduledPaths><name>Later</name><connector><targetReference>Remind</targetReference></connector>\
         <offsetNumber>1</offsetNumber></scheduledPaths>",
    );
    let (apps, _) = parse_bytes(text.as_bytes(), "t.flow");
    assert_eq!(
        apps[0].triggers[0].name,
        "When a Case record is created (RecordAfterSave)"
    );
    assert_eq!(
        edge(&apps[0], "start", "Remind").as_deref(),
        Some("scheduled-path")
    );
}

#[test]
fn steps_setting_secret_named_things_handle_secrets() {
    let text = r#"<Flow xmlns="http://soap.sforce.com/2006/04/metadata">
    <assignments><name>Set_Key</name><label>Set the key</label>
        <assignmentItems><assignToReference>Settings.Api_Key__c</assignToReference><operator>Assign</operator>
            <value><elementReference>keyInput</elementReference></value></assignmentItems></assignments>
    <assignments><name>Set_Url</name><label>Set the token URL</label>
        <assignmentItems><assignToReference>tokenUrl</assignToReference><operator>Assign</operator>
            <value><stringValue>https://login.example.invalid/token</stringValue></value></assignmentItems></assignments>
    <apexPluginCalls><name>Legacy</name><apexClass>LegacyPlugin</apexClass>
        <inputParameters><name>password</name><value><elementReference>pw</elementReference></value></inputParameters></apexPluginCalls>
</Flow>"#;
    let (apps, _) = parse_bytes(text.as_bytes(), "s.flow");
    let app = &apps[0];
    assert!(app.step("Set_Key").unwrap().handles_secret);
    assert!(!app.step("Set_Url").unwrap().handles_secret);
    let legacy = app.step("Legacy").unwrap();
    assert!(legacy.handles_secret);
    assert_eq!(
        (legacy.kind, legacy.connector.as_deref()),
        (StepKind::Code, Some("salesforce:apex"))
    );
    let url = app.values.iter().find(|v| v.key == "tokenUrl").unwrap();
    assert_eq!(
        (url.context, url.kind),
        (ValueContext::Url, ValueKind::Literal)
    );
    assert_eq!(app.endpoints[0].step_id.as_deref(), Some("Set_Url"));
}

#[test]
fn create_from_a_transform_resolves_its_object() {
    let text = r#"<Flow xmlns="http://soap.sforce.com/2006/04/metadata">
    <recordCreates><name>Add_Role</name><label>Add role</label><inputReference>Map_Role</inputReference></recordCreates>
    <transforms><name>Map_Role</name><label>Map role</label><objectType>OpportunityContactRole</objectType>
        <transformValues><transformValueActions><outputFieldApiName>Role</outputFieldApiName><transformType>Map</transformType>
            <value><stringValue>Decision Maker</stringValue></value></transformValueActions></transformValues></transforms>
</Flow>"#;
    let (apps, _) = parse_bytes(text.as_bytes(), "t.flow");
    let app = &apps[0];
    let op = app.step("Add_Role").unwrap().data_op.as_ref().unwrap();
    assert_eq!(op.object, "OpportunityContactRole");
    assert_eq!(app.step("Map_Role").unwrap().kind, StepKind::Variable);
    let v = app
        .values
        .iter()
        .find(|v| v.value == "Decision Maker")
        .unwrap();
    assert_eq!(v.key, "Role");
}
