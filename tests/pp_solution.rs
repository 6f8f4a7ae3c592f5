//! Power Platform solution parser: a small solution zip is built here from
//! strings (manifest, customizations, environment variables, a custom
//! connector and a flow) and read into the model and through the rules.

use std::io::Write;

use lcscan::ingest::ingest;
use lcscan::model::{App, AppKind, Audience, Platform, ValueContext, ValueKind};
use lcscan::platforms;
use lcscan::{scan, Limits, Policy};
use zip::write::SimpleFileOptions;

const SOLUTION_XML: &str = r#"<ImportExportXml version="9.2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <SolutionManifest>
    <UniqueName>ContosoHr</UniqueName>
    <LocalizedNames><LocalizedName description="Contoso HR Onboarding" languagecode="1033" /></LocalizedNames>
    <Version>1.2.0.3</Version>
    <Managed>0</Managed>
    <Publisher>
      <UniqueName>contoso</UniqueName>
      <CustomizationPrefix>cr1</CustomizationPrefix>
    </Publisher>
  </SolutionManifest>
</ImportExportXml>"#;

const CUSTOMIZATIONS_XML: &str = r#"<ImportExportXml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Entities>
    <Entity>
      <Name LocalizedName="Employee" OriginalName="Employee">cr1_employee</Name>
      <EntityInfo>
        <entity Name="cr1_employee">
          <LocalizedNames><LocalizedName description="Employee" languagecode="1033" /></LocalizedNames>
          <attributes>
            <attribute PhysicalName="cr1_SocialSecurityNumber">
              <Type>nvarchar</Type>
              <LogicalName>cr1_socialsecuritynumber</LogicalName>
              <IsSecured>0</IsSecured>
              <displaynames><displayname description="Social Security Number" languagecode="1033" /></displaynames>
            </attribute>
            <attribute PhysicalName="cr1_Salary">
              <Type>money</Type>
              <LogicalName>cr1_salary</LogicalName>
              <IsSecured>1</IsSecured>
              <displaynames><displayname description="Salary" languagecode="1033" /></displaynames>
            </attribute>
          </attributes>
        </entity>
      </EntityInfo>
    </Entity>
  </Entities>
  <Roles>
    <Role id="{00000000-0000-0000-0000-000000000001}" name="HR Clerk">
      <RolePrivileges>
        <RolePrivilege name="prvReadcr1_employee" level="Global" />
        <RolePrivilege name="prvWritecr1_employee" level="Basic" />
      </RolePrivileges>
    </Role>
  </Roles>
  <FieldSecurityProfiles>
    <FieldSecurityProfile name="Payroll" fieldsecurityprofileid="{00000000-0000-0000-0000-000000000002}">
      <FieldPermissions>
        <FieldPermission entityname="cr1_employee" attributelogicalname="cr1_salary" canread="4" cancreate="0" canupdate="0" />
      </FieldPermissions>
    </FieldSecurityProfile>
  </FieldSecurityProfiles>
  <connectionreferences>
    <connectionreference connectionreferencelogicalname="cr1_sharedsharepointonline_1">
      <connectionreferencedisplayname>SharePoint HR</connectionreferencedisplayname>
      <connectorid>/providers/Microsoft.PowerApps/apis/shared_sharepointonline</connectorid>
    </connectionreference>
  </connectionreferences>
</ImportExportXml>"#;

const ENV_SECRET_KV: &str = r#"<environmentvariabledefinition schemaname="cr1_ApiSecret">
  <defaultvalue>/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/api</defaultvalue>
  <displayname default="API secret" />
  <secretstore>1</secretstore>
  <type>100000005</type>
</environmentvariabledefinition>"#;

const ENV_STRING_WITH_KEY: &str = r#"<environmentvariabledefinition schemaname="cr1_PayrollApiKey">
  <defaultvalue>Zx9qL2mN7pR4tV8wY3bK6cF1hJ5sD0gA</defaultvalue>
  <displayname default="Payroll API key" />
  <secretstore>0</secretstore>
  <type>100000000</type>
</environmentvariabledefinition>"#;

const ENV_URL: &str = r#"<environmentvariabledefinition schemaname="cr1_PayrollUrl">
  <defaultvalue>http://payroll.contoso.example/api</defaultvalue>
  <type>100000000</type>
</environmentvariabledefinition>"#;

const ENV_VALUES: &str = r#"{"environmentvariablevalues":{"environmentvariablevalue":{"schemaname":"cr1_PayrollUrl","value":"https://payroll.contoso.example/v2"}}}"#;

const OPENAPI: &str = r#"{"swagger":"2.0","info":{"title":"Payroll API","version":"1.0"},"host":"payroll.contoso.example","basePath":"/api","schemes":["http"],"paths":{},"securityDefinitions":{"apiKeyHeader":{"type":"apiKey","name":"X-Api-Key","in":"header"}}}"#;

const CONN_PARAMS: &str =
    r#"{"api_key":{"type":"securestring","uiDefinition":{"displayName":"API Key"}}}"#;

fn solution_zip(extra: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = SimpleFileOptions::default();
        let mut files = vec![
            ("[Content_Types].xml", r#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" /></Types>"#),
            ("solution.xml", SOLUTION_XML),
            ("customizations.xml", CUSTOMIZATIONS_XML),
            ("environmentvariabledefinitions/cr1_ApiSecret/environmentvariabledefinition.xml", ENV_SECRET_KV),
            ("environmentvariabledefinitions/cr1_PayrollApiKey/environmentvariabledefinition.xml", ENV_STRING_WITH_KEY),
            ("environmentvariabledefinitions/cr1_PayrollUrl/environmentvariabledefinition.xml", ENV_URL),
            ("environmentvariabledefinitions/cr1_PayrollUrl/environmentvariablevalues.json", ENV_VALUES),
            ("Connector/cr1_payroll_openapidefinition.json", OPENAPI),
            ("Connector/cr1_payroll_connectionparameters.json", CONN_PARAMS),
            ("Connector/cr1_payroll_policytemplateinstances.json", "[]"),
        ];
        files.extend_from_slice(extra);
        for (name, text) in files {
            zip.start_file(name, opts).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

fn apps_of(bytes: &[u8]) -> (Vec<App>, Vec<lcscan::report::Note>) {
    let bundle = ingest(bytes, "ContosoHr_1_2_0_3.zip", &Limits::default()).unwrap();
    let mut notes = Vec::new();
    let apps = platforms::parse(&bundle, &mut notes).unwrap();
    (apps, notes)
}

fn solution(apps: &[App]) -> &App {
    apps.iter()
        .find(|a| a.platform == Platform::PowerPlatformSolution)
        .expect("solution app")
}

#[test]
fn manifest_and_customizations_fill_the_model() {
    let (apps, notes) = apps_of(&solution_zip(&[]));
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(apps.len(), 1);
    let app = solution(&apps);
    assert_eq!(app.kind, AppKind::Solution);
    assert_eq!(app.name, "Contoso HR Onboarding");
    assert_eq!(app.id.as_deref(), Some("ContosoHr"));
    assert_eq!(app.version.as_deref(), Some("1.2.0.3"));

    let ssn = app
        .fields
        .iter()
        .find(|f| f.name == "Social Security Number")
        .expect("ssn column");
    assert_eq!(ssn.object.as_deref(), Some("Employee"));
    assert!(
        ssn.classification.is_none(),
        "classified later by detect::enrich"
    );

    let global = app
        .sharing
        .iter()
        .find(|s| s.raw == "prvReadcr1_employee level=Global")
        .expect("global read");
    assert_eq!(global.audience, Audience::Organisation);
    assert!(global.what.contains("HR Clerk"), "{}", global.what);
    assert!(
        global.what.contains("whole organisation"),
        "{}",
        global.what
    );
    let basic = app
        .sharing
        .iter()
        .find(|s| s.raw == "prvWritecr1_employee level=Basic")
        .expect("basic write");
    assert_eq!(basic.audience, Audience::SpecificUsers);
    assert!(app
        .sharing
        .iter()
        .any(|s| s.what.contains("'Payroll' may read column 'cr1_salary'")));
    assert!(app
        .sharing
        .iter()
        .any(|s| s.what.contains("'cr1_salary'") && s.raw == "IsSecured: 1"));

    let sp = app.connection("cr1_sharedsharepointonline_1").expect("ref");
    assert_eq!(sp.connector, "shared_sharepointonline");
    assert_eq!(sp.display_name, "SharePoint HR");

    let custom = app.connection("cr1_payroll").expect("custom connector");
    assert_eq!(custom.display_name, "Payroll API");
    assert_eq!(custom.auth.as_deref(), Some("apiKey"));
    assert_eq!(
        custom.endpoint.as_deref(),
        Some("http://payroll.contoso.example/api")
    );
}

#[test]
fn environment_variables_become_values() {
    let (apps, _) = apps_of(&solution_zip(&[]));
    let app = solution(&apps);
    let kv = app
        .values
        .iter()
        .find(|v| v.key == "cr1_ApiSecret")
        .expect("secret variable");
    assert_eq!(kv.kind, ValueKind::Expression, "a Key Vault reference");
    let key = app
        .values
        .iter()
        .find(|v| v.key == "cr1_PayrollApiKey")
        .expect("string variable");
    assert_eq!(key.context, ValueContext::Variable);
    assert_eq!(key.kind, ValueKind::Literal);
    assert!(app
        .values
        .iter()
        .any(|v| v.key == "cr1_PayrollUrl" && v.value == "https://payroll.contoso.example/v2"));
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.url == "http://payroll.contoso.example/api/"
            || e.url == "http://payroll.contoso.example/api"));
}

#[test]
fn findings_from_existing_rules() {
    let report = scan(
        &solution_zip(&[]),
        "ContosoHr_1_2_0_3.zip",
        &Policy::default(),
    )
    .unwrap();
    let ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    // A live-looking key in a plain String environment variable (LC022 owns
    // environment variables; LC002 leaves them to it).
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule_id == "LC022" && f.location.path.contains("cr1_PayrollApiKey")),
        "{ids:?}"
    );
    // The key is masked in the message.
    assert!(report
        .findings
        .iter()
        .all(|f| !f.message.contains("Zx9qL2mN7pR4tV8wY3bK6cF1hJ5sD0gA")));
    // The custom connector and a default value talk plain HTTP.
    assert!(ids.contains(&"LC004"), "{ids:?}");
    // The Key Vault reference is not a hard-coded secret.
    assert!(!report
        .findings
        .iter()
        .any(|f| matches!(f.rule_id.as_str(), "LC002" | "LC022")
            && f.location.path.contains("cr1_ApiSecret")));
    // The social security number column.
    assert!(ids.contains(&"LC010"), "{ids:?}");
}

#[test]
fn flows_and_solution_are_separate_components() {
    let flow = r#"{"properties":{"connectionReferences":{},"definition":{"$schema":"https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#","contentVersion":"1.0.0.0","triggers":{"manual":{"type":"Request","kind":"Button","inputs":{}}},"actions":{}}},"schemaVersion":"1.0.0.0"}"#;
    let (apps, notes) = apps_of(&solution_zip(&[(
        "Workflows/Onboard-11111111-2222-3333-4444-555555555555.json",
        flow,
    )]));
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(apps.len(), 2);
    assert!(apps.iter().any(|a| a.platform == Platform::PowerAutomate));
    assert_eq!(solution(&apps).name, "Contoso HR Onboarding");
}

#[test]
fn unpacked_customizations_alone_are_read() {
    let report = scan(
        CUSTOMIZATIONS_XML.as_bytes(),
        "customizations.xml",
        &Policy::default(),
    )
    .unwrap();
    assert_eq!(report.platforms, vec![Platform::PowerPlatformSolution]);
}

#[test]
fn unpacked_solution_layout_is_one_component() {
    let role = r#"<Role id="{00000000-0000-0000-0000-000000000003}" name="Everything Reader">
  <RolePrivileges><RolePrivilege name="prvReadcontact" level="Deep" /></RolePrivileges>
</Role>"#;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        for (name, text) in [
            ("src/Other/Solution.xml", SOLUTION_XML),
            ("src/Other/Customizations.xml", CUSTOMIZATIONS_XML),
            ("src/Roles/Everything Reader.xml", role),
        ] {
            zip.start_file(name, SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    let (apps, notes) = apps_of(&buf.into_inner());
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(apps.len(), 1);
    let app = solution(&apps);
    assert_eq!(app.name, "Contoso HR Onboarding");
    let deep = app
        .sharing
        .iter()
        .find(|s| s.raw == "prvReadcontact level=Deep")
        .expect("role file read");
    assert!(deep.what.contains("'Everything Reader': Read on contact"));
    assert!(deep.location.file.ends_with("Roles/Everything Reader.xml"));
}

#[test]
fn lone_plumbing_is_explained() {
    let err = scan(
        br#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" /></Types>"#,
        "[Content_Types].xml",
        &Policy::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("Power Platform solution"), "{err}");
}
