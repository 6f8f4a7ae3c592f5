//! UiPath parser: the project folders in tests/fixtures/uipath/ (zipped the
//! way a user would drop them) read into the normalized model, and the
//! findings the existing rules raise on them.

mod common;

use std::path::Path;

use lcscan::model::{
    App, AppKind, Audience, CredentialStorage, HttpAuth, Platform, StepKind, TriggerKind,
    ValueContext, ValueKind,
};
use lcscan::{scan, Policy, Report, ScanError, Severity};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/uipath");

fn project_zip(folder: &str) -> Vec<u8> {
    common::zip_dir(&Path::new(DIR).join(folder), &format!("{folder}/"), &[])
}

fn app(folder: &str) -> App {
    let (mut apps, notes) = common::parse(&project_zip(folder), "project.zip").expect("parse");
    assert_eq!(apps.len(), 1, "{notes:?}");
    apps.remove(0)
}

fn report(folder: &str) -> Report {
    scan(&project_zip(folder), "project.zip", &Policy::default()).expect("scan")
}

fn findings<'a>(report: &'a Report, rule: &str) -> Vec<&'a lcscan::Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .collect()
}

#[test]
fn project_json_gives_name_packages_and_entry_point() {
    let app = app("InvoiceBot");
    assert_eq!(app.platform, Platform::UiPath);
    assert_eq!(app.kind, AppKind::Workflow);
    assert_eq!(app.name, "InvoiceBot");
    assert_eq!(
        app.id.as_deref(),
        Some("0c1d2e3f-4a5b-4c6d-8e7f-000000000001")
    );
    assert_eq!(app.version.as_deref(), Some("1.0.3"));
    let packages: Vec<&str> = app
        .connections
        .iter()
        .map(|c| c.connector.as_str())
        .collect();
    assert_eq!(
        packages,
        [
            "UiPath.Database.Activities",
            "UiPath.Mail.Activities",
            "UiPath.System.Activities",
            "UiPath.WebAPI.Activities"
        ]
    );
    assert_eq!(app.triggers.len(), 1);
    let t = &app.triggers[0];
    assert_eq!(t.step_id, "entry:Main.xaml");
    assert_eq!(t.kind, TriggerKind::Manual);
    assert_eq!(t.audience, Audience::Internal);
    assert!(!app.run_context.user_facing);
    assert!(app
        .edges
        .iter()
        .any(|e| e.from == "entry:Main.xaml" && e.to == "Main.xaml#Sequence_1"));
}

#[test]
fn activities_become_steps_of_the_right_kind() {
    let app = app("InvoiceBot");
    let step = |id: &str| {
        app.step(id).unwrap_or_else(|| {
            panic!(
                "no step {id}: {:?}",
                app.steps.iter().map(|s| &s.id).collect::<Vec<_>>()
            )
        })
    };
    let code = step("Framework/CallApi.xaml#InvokeCode_1");
    assert_eq!(code.kind, StepKind::Code);
    assert_eq!(code.name, "Invoke Code");
    let c = code.code.as_ref().unwrap();
    assert_eq!(c.language, "vbnet");
    assert!(c.source.contains("Process.Start"));
    assert!(c.runs_commands);

    let ps = step("Framework/CallApi.xaml#InvokePowerShell`1_1");
    assert_eq!(ps.kind, StepKind::Command);
    assert_eq!(ps.code.as_ref().unwrap().language, "powershell");

    let http = step("Framework/CallApi.xaml#HttpClient_1");
    assert_eq!(http.kind, StepKind::HttpRequest);
    assert_eq!(http.connector.as_deref(), Some("UiPath.Web.Activities"));
    let call = http.http.as_ref().unwrap();
    assert_eq!(call.method, "POST");
    assert_eq!(call.url, "http://billing.example-corp.test/v1/invoices");
    assert!(!call.url_is_expression);
    assert_eq!(call.auth, HttpAuth::None);
    assert!(app
        .endpoints
        .iter()
        .any(|e| e.host.as_deref() == Some("billing.example-corp.test")));

    let db = step("Framework/Database.xaml#ExecuteQuery_1");
    assert_eq!(db.kind, StepKind::Database);
    let sql = db.sql.as_ref().unwrap();
    assert!(sql.interpolated);
    assert!(!sql.uses_parameters);

    let mail = step("Main.xaml#SendMail_1");
    assert_eq!(mail.kind, StepKind::Email);
    assert_eq!(mail.connection.as_deref(), Some("UiPath.Mail.Activities"));

    // Commented-out activities do not run.
    let old = step("Main.xaml#StartProcess_9");
    assert_eq!(old.kind, StepKind::Command);
    assert!(old.disabled);

    assert_eq!(
        step("Main.xaml#InvokeWorkflowFile_1").kind,
        StepKind::SubFlow
    );
}

#[test]
fn literal_passwords_and_keys_are_values_in_password_contexts() {
    let app = app("InvoiceBot");
    let value = |key: &str| {
        app.values
            .iter()
            .find(|v| v.key == key)
            .unwrap_or_else(|| panic!("no value {key}"))
    };
    let smtp = value("Password");
    assert_eq!(smtp.context, ValueContext::PasswordField);
    assert_eq!(smtp.kind, ValueKind::Literal);
    assert_eq!(smtp.step_id.as_deref(), Some("Main.xaml#SendMail_1"));
    assert_eq!(
        smtp.location.path,
        "/Activity/Sequence[1]/ump:SendMail[1]/@Password"
    );

    let arg = value("in_Password");
    assert_eq!(arg.context, ValueContext::PasswordField);
    assert_eq!(arg.value, "Hunter2-FAKE-Pa55word");

    // Expressions stay expressions.
    assert_eq!(value("in_Customer").kind, ValueKind::Expression);

    let header = value("X-Api-Key");
    assert_eq!(header.context, ValueContext::Header);

    let cs = value("ConnectionString");
    assert_eq!(cs.context, ValueContext::ConnectionString);

    // The root's default argument value.
    let default = value("in_SmtpPassword");
    assert_eq!(default.context, ValueContext::PasswordField);
    assert_eq!(default.location.path, "/Activity/@Main.in_SmtpPassword");

    // A variable's default is a value too; named like an address, it is a URL.
    assert_eq!(value("billingUrl").context, ValueContext::Url);
    assert_eq!(
        value("billingUrl").value,
        "https://billing.example-corp.test/api"
    );
}

#[test]
fn orchestrator_assets_are_credential_references() {
    let bot = app("InvoiceBot");
    let cred = &bot.credentials[0];
    assert_eq!(cred.name, "BillingApiLogin");
    assert_eq!(cred.credential_type, "orchestrator-credential");
    assert_eq!(cred.storage, CredentialStorage::Reference);
    assert_eq!(cred.used_by, ["Main.xaml#GetRobotCredential_1"]);
    assert!(
        bot.step("Main.xaml#GetRobotCredential_1")
            .unwrap()
            .handles_secret
    );

    let safe = app("SafeBot");
    assert_eq!(safe.credentials[0].name, "BillingApiKey");
    assert_eq!(safe.credentials[0].credential_type, "orchestrator-asset");
    assert!(safe.run_context.user_facing, "attended process");
}

#[test]
fn findings_on_the_risky_project() {
    let r = report("InvoiceBot");
    // Every literal password is LC002, masked.
    let secrets = findings(&r, "LC002");
    let keys: Vec<&str> = secrets
        .iter()
        .filter_map(|f| f.evidence.as_deref())
        .collect();
    for (key, shown) in [
        ("Password", "Password: Sm7p••••••ue"),
        ("in_Password", "in_Password: Hunt••••••rd"),
        ("in_SmtpPassword", "in_SmtpPassword: Tr0u••••••9x"),
        ("X-Api-Key", "X-Api-Key: k9Qw••••••Ks"),
        ("ConnectionString", "ConnectionString: Db-F••••••77"),
    ] {
        assert!(
            keys.iter().any(|e| e.starts_with(shown)),
            "{key} not reported: {keys:?}"
        );
    }
    for f in &secrets {
        let ev = f.evidence.as_deref().unwrap_or_default();
        assert!(!ev.contains("Sm7p-FAKE-Secret-Value") && !ev.contains("Hunter2-FAKE"));
    }
    assert!(secrets
        .iter()
        .any(|f| f.severity == Severity::Critical && f.message.contains("'Send reminder'")));

    // Invoke Code that starts a process, and Invoke PowerShell: LC006 high.
    let code = findings(&r, "LC006");
    assert!(code
        .iter()
        .any(|f| f.message.contains("'Invoke Code'") && f.severity == Severity::High));
    assert!(code.iter().any(|f| f.message.contains("'List invoices'")));
    // The commented-out Start Process does not count.
    assert!(!code.iter().any(|f| f.message.contains("Old cleanup")));

    // Plain-HTTP endpoint.
    let http = findings(&r, "LC004");
    assert_eq!(http.len(), 1, "{http:#?}");
    assert!(http[0]
        .evidence
        .as_deref()
        .is_some_and(|e| e.starts_with("http://billing.example-corp.test")));

    // SQL concatenated from an argument.
    let sql = findings(&r, "LC007");
    assert_eq!(sql.len(), 1);
    assert!(sql[0].message.contains("'Get open invoices'"));
}

#[test]
fn safe_project_raises_none_of_the_secret_code_or_transport_rules() {
    let r = report("SafeBot");
    for rule in ["LC002", "LC003", "LC004", "LC006", "LC007", "LC018"] {
        assert!(findings(&r, rule).is_empty(), "{rule}: {:#?}", r.findings);
    }
}

#[test]
fn a_lone_workflow_is_an_app_and_a_side_file_is_explained() {
    let bytes = std::fs::read(format!("{DIR}/InvoiceBot/Framework/CallApi.xaml")).unwrap();
    let (apps, _) = common::parse(&bytes, "CallApi.xaml").unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].name, "CallApi");
    assert!(apps[0].steps.iter().any(|s| s.kind == StepKind::Code));

    let side = std::fs::read(format!("{DIR}/InvoiceBot/.project/design.json")).unwrap();
    match common::parse(&side, "design.json") {
        Err(ScanError::NotAnApp { detail }) => {
            assert!(
                detail.contains("UiPath Studio's publish settings"),
                "{detail}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn project_json_is_not_taken_for_another_platform_and_vice_versa() {
    let bytes = std::fs::read(format!("{DIR}/SafeBot/project.json")).unwrap();
    let (apps, _) = common::parse(&bytes, "project.json").unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].platform, Platform::UiPath);
    // An npm-style package.json with "dependencies" is not a UiPath project.
    let npm =
        br#"{"name":"x","version":"1.0.0","main":"index.js","dependencies":{"left-pad":"1.3.0"}}"#;
    assert!(common::parse(npm, "project.json").is_err());
}
