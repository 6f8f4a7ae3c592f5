//! Power Apps canvas parser: small .msapp files (backslash entry names, as
//! Power Apps writes them) and unpacked YAML sources are built here from
//! strings, read into the model and through the rules.

use std::io::Write;

use lcscan::ingest::ingest;
use lcscan::model::{App, AppKind, DataAccess, Platform, StepKind, ValueContext};
use lcscan::platforms;
use lcscan::{scan, Limits, Policy};
use zip::write::SimpleFileOptions;

const PROPERTIES: &str = r#"{"Author":"","Name":"Expense Tracker","Id":"11111111-2222-3333-4444-555555555555",
"LocalConnectionReferences":"{\"c1\":{\"id\":\"c1\",\"dataSources\":[\"Office365Outlook\"],\"datasets\":{},\"connectionRef\":{\"id\":\"/providers/microsoft.powerapps/apis/shared_office365\",\"displayName\":\"Office 365 Outlook\",\"apiTier\":\"Standard\"}}}",
"LocalDatabaseReferences":"{\"default.cds\":{\"dataSources\":{\"Employees\":{\"entitySetName\":\"cr1_employees\",\"logicalName\":\"cr1_employee\"}},\"instanceUrl\":\"https://contoso.crm.dynamics.com/\"}}",
"AppPreviewFlagsMap":"{}","InstrumentationKey":""}"#;

const DATA_SOURCES: &str = r#"{"DataSources":[
 {"Type":"ServiceInfo","Name":"Office365Outlook","ServiceKind":"ConnectedWadl","ApiId":"/providers/microsoft.powerapps/apis/shared_office365"},
 {"Type":"NativeCDSDataSourceInfo","Name":"Employees","LogicalName":"cr1_employee","EntitySetName":"cr1_employees","IsWritable":true},
 {"Type":"StaticDataSourceInfo","Name":"StaffList","IsSampleData":"False","Data":"[{\"FullName\":\"Jane Example\",\"Email\":\"jane@example.com\",\"IBAN\":\"DE89370400440532013000\"},{\"FullName\":\"John Example\",\"Email\":\"john@example.com\",\"IBAN\":\"GB82WEST12345698765432\"}]"}
]}"#;

const SCREEN: &str = r#"{"TopParent":{"Name":"Home","Template":{"Name":"screen"},
 "Rules":[{"Property":"OnVisible","InvariantScript":"Set(gblApiKey, \"Zx9qL2mN7pR4tV8wY3bK6cF1hJ5sD0gA\")"}],
 "Children":[
  {"Name":"btnSubmit","Template":{"Name":"button"},"Rules":[
    {"Property":"Text","InvariantScript":"\"Submit\""},
    {"Property":"OnChange","InvariantScript":"Patch(Employees, Defaults(Employees), {Title: \"x\"})"},
    {"Property":"OnSelect","InvariantScript":"Office365Outlook.SendEmailV2(User().Email, \"Expense\", \"Body\"); Launch(\"http://intranet.contoso.example/expenses\")"}],
   "Children":[]}
 ]}}"#;

fn msapp() -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = SimpleFileOptions::default();
        for (name, text) in [
            (
                "Header.json",
                r#"{"DocVersion":"1.336","MSAppStructureVersion":"2.0"}"#,
            ),
            ("Properties.json", PROPERTIES),
            ("References\\DataSources.json", DATA_SOURCES),
            ("Controls\\4.json", SCREEN),
            ("checksum.json", r#"{"ClientStampedChecksum":"x"}"#),
        ] {
            zip.start_file(name, opts).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

fn apps_of(bytes: &[u8], name: &str) -> Vec<App> {
    let bundle = ingest(bytes, name, &Limits::default()).unwrap();
    let mut notes = Vec::new();
    let apps = platforms::parse(&bundle, &mut notes).unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    apps
}

#[test]
fn msapp_backslash_entries_are_normalised_and_read() {
    let bundle = ingest(&msapp(), "expenses.msapp", &Limits::default()).unwrap();
    assert!(bundle.find("References/DataSources.json").is_some());
    let apps = apps_of(&msapp(), "expenses.msapp");
    assert_eq!(apps.len(), 1);
    let app = &apps[0];
    assert_eq!(app.platform, Platform::PowerApps);
    assert_eq!(app.kind, AppKind::CanvasApp);
    assert_eq!(app.name, "Expense Tracker");

    let outlook = app.connection("c1").expect("connection");
    assert_eq!(outlook.connector, "shared_office365");
    let table = app.connection("Employees").expect("dataverse table");
    assert_eq!(table.connector, "shared_commondataserviceforapps");

    let button = app.step("btnSubmit").expect("control");
    assert_eq!(button.kind, StepKind::ConnectorAction);
    assert_eq!(button.connector.as_deref(), Some("shared_office365"));
    assert_eq!(button.location.step.as_deref(), Some("btnSubmit"));
    assert_eq!(app.step("Home").expect("screen").kind, StepKind::Screen);
    let op = button.data_op.as_ref().expect("Patch on a Dataverse table");
    assert_eq!(op.object, "Employees");
    assert_eq!(op.access, vec![DataAccess::Update]);

    assert!(app
        .endpoints
        .iter()
        .any(|e| e.url == "http://intranet.contoso.example/expenses"
            && e.step_id.as_deref() == Some("btnSubmit")));
    let key = app
        .values
        .iter()
        .find(|v| v.key == "gblApiKey")
        .expect("Set literal keyed by variable");
    assert_eq!(key.step_id.as_deref(), Some("Home"));

    let sample = app.sample_data.first().expect("static data");
    assert_eq!(sample.records, 2);
    assert!(sample.fields.contains(&"IBAN".to_string()));
    assert!(app
        .values
        .iter()
        .any(|v| v.context == ValueContext::SampleData && v.value == "jane@example.com"));
}

#[test]
fn msapp_findings_from_existing_rules() {
    let report = scan(&msapp(), "expenses.msapp", &Policy::default()).unwrap();
    let ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule_id == "LC004" && f.location.step.as_deref() == Some("btnSubmit")),
        "{ids:?}"
    );
    assert!(ids.contains(&"LC002"), "{ids:?}");
    assert!(report
        .findings
        .iter()
        .all(|f| !f.message.contains("Zx9qL2mN7pR4tV8wY3bK6cF1hJ5sD0gA")));
    assert!(ids.contains(&"LC014"), "{ids:?}");
}

#[test]
fn msapp_inside_a_solution_is_its_own_component() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = SimpleFileOptions::default();
        zip.start_file("solution.xml", opts).unwrap();
        zip.write_all(br#"<ImportExportXml><SolutionManifest><UniqueName>Exp</UniqueName><LocalizedNames><LocalizedName description="Expenses" languagecode="1033" /></LocalizedNames><Version>1.0</Version><Managed>1</Managed></SolutionManifest></ImportExportXml>"#).unwrap();
        zip.start_file("CanvasApps/cr1_expenses_a1b2c_DocumentUri.msapp", opts)
            .unwrap();
        zip.write_all(&msapp()).unwrap();
        zip.finish().unwrap();
    }
    let apps = apps_of(&buf.into_inner(), "Expenses_1_0_managed.zip");
    assert_eq!(apps.len(), 2);
    assert!(apps
        .iter()
        .any(|a| a.platform == Platform::PowerApps && a.name == "Expense Tracker"));
    assert!(apps
        .iter()
        .any(|a| a.platform == Platform::PowerPlatformSolution && a.name == "Expenses"));
}

const FX_YAML: &str = r#"Home As screen:
    OnVisible: =Set(gblToken, "Zx9qL2mN7pR4tV8wY3bK6cF1hJ5sD0gA")

    btnOpen As button:
        OnSelect: |-
            =Launch("http://reports.contoso.example/view")
        Text: ="Open"
"#;

const PA_YAML: &str = r#"Screens:
  Home:
    Properties:
      OnVisible: =Set(var1, "hello world!")
    Children:
      - btnGo:
          Control: Button
          Properties:
            OnSelect: =Launch("http://go.contoso.example/")
            Text: ="Go"
"#;

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        for (name, text) in files {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn unpacked_fx_yaml_sources() {
    let bytes = zip_of(&[
        ("Expenses/Src/Home.fx.yaml", FX_YAML),
        (
            "Expenses/CanvasManifest.json",
            r#"{"FormatVersion":"0.24","Properties":{"Name":"Expenses src","Id":"x"}}"#,
        ),
        (
            "Expenses/Connections/Connections.json",
            r#"{"c9":{"connectionRef":{"id":"/providers/microsoft.powerapps/apis/shared_sql","displayName":"SQL Server"},"dataSources":["Orders"],"id":"c9"}}"#,
        ),
    ]);
    let apps = apps_of(&bytes, "expenses-src.zip");
    assert_eq!(apps.len(), 1);
    let app = &apps[0];
    assert_eq!(app.name, "Expenses src");
    assert_eq!(app.connection("c9").unwrap().connector, "shared_sql");
    assert_eq!(app.step("btnOpen").unwrap().platform_type, "button");
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.url == "http://reports.contoso.example/view"
            && e.step_id.as_deref() == Some("btnOpen")));
    assert!(app.values.iter().any(|v| v.key == "gblToken"));
    let report = scan(&bytes, "expenses-src.zip", &Policy::default()).unwrap();
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule_id == "LC004" && f.message.contains("btnOpen")));
}

#[test]
fn pa_yaml_sources() {
    let apps = apps_of(PA_YAML.as_bytes(), "Screen1.pa.yaml");
    let app = &apps[0];
    assert_eq!(app.step("Home").unwrap().kind, StepKind::Screen);
    let go = app.step("btnGo").expect("control");
    assert_eq!(go.platform_type, "Button");
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.url == "http://go.contoso.example/" && e.step_id.as_deref() == Some("btnGo")));
}
