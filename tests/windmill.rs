//! Windmill parser: a `wmill sync` workspace (tests/fixtures/windmill/workspace,
//! zipped here as a folder export) and single files, read into the normalized
//! model, and the findings the existing rules raise on them.

mod common;

use std::path::Path;

use lcscan::model::{
    App, AppKind, Audience, CredentialStorage, FieldUse, Platform, RunMode, StepKind, TriggerKind,
    ValueContext, ValueKind,
};
use lcscan::{scan, Policy, Report};

const ROOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/windmill/workspace"
);

fn workspace_zip() -> Vec<u8> {
    common::zip_dir(Path::new(ROOT), "my-workspace/", &[])
}

fn apps() -> Vec<App> {
    let (apps, notes) = common::parse(&workspace_zip(), "my-workspace.zip").expect("parse");
    assert!(notes.is_empty(), "{notes:?}");
    apps
}

fn named<'a>(apps: &'a [App], name: &str) -> &'a App {
    apps.iter().find(|a| a.name == name).unwrap_or_else(|| {
        panic!(
            "no app {name}: {:?}",
            apps.iter().map(|a| &a.name).collect::<Vec<_>>()
        )
    })
}

fn report() -> Report {
    scan(&workspace_zip(), "my-workspace.zip", &Policy::default()).expect("scan")
}

#[test]
fn a_workspace_is_one_app_per_flow_script_and_app_plus_its_settings() {
    let apps = apps();
    let mut names: Vec<&str> = apps.iter().map(|a| a.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "Intranet",
            "Leads dashboard",
            "Nightly lead report",
            "Sync new leads into the CRM",
            "Windmill workspace resources, variables and folders"
        ]
    );
    assert!(apps.iter().all(|a| a.platform == Platform::Windmill));
}

#[test]
fn flow_modules_become_steps_with_code_and_data_flow() {
    let apps = apps();
    let flow = named(&apps, "Sync new leads into the CRM");
    assert_eq!(flow.kind, AppKind::Workflow);
    assert_eq!(flow.id.as_deref(), Some("f/ops/sync_leads"));
    let ids: Vec<&str> = flow.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let fetch = &flow.steps[0];
    assert_eq!(fetch.kind, StepKind::Code);
    let code = fetch.code.as_ref().unwrap();
    assert_eq!(code.language, "typescript");
    // `!inline` content is read from the file beside flow.yaml.
    assert!(code.source.contains("encodeURIComponent(email)"));
    assert_eq!(
        &*code.location.file,
        "my-workspace.zip!/my-workspace/f/ops/sync_leads.flow/fetch_leads.inline_script.ts"
    );
    assert_eq!(flow.steps[1].code.as_ref().unwrap().language, "python");
    // `$res:` inputs are connections to workspace resources.
    assert_eq!(flow.steps[1].connection.as_deref(), Some("f/ops/crm_db"));
    assert_eq!(
        flow.connection("f/ops/crm_db").unwrap().connector,
        "windmill:postgresql"
    );
    assert_eq!(flow.steps[2].kind, StepKind::Control);
    assert_eq!(flow.steps[3].kind, StepKind::ConnectorAction);
    assert_eq!(flow.steps[3].connector.as_deref(), Some("windmill:openai"));
    let archive = &flow.steps[4];
    assert_eq!(archive.kind, StepKind::Command);
    assert!(archive.code.as_ref().unwrap().runs_commands);
    // Order, branches and `results.a` references.
    let has = |from: &str, to: &str, kind: &str| {
        flow.edges
            .iter()
            .any(|e| e.from == from && e.to == to && e.kind == kind)
    };
    assert!(has("a", "b", "main"));
    assert!(has("b", "c", "main"));
    assert!(has("c", "d", "main"));
    assert!(has("c", "e", "main"));
    // `results.a` in b's inputs is the same link as the order: one edge.
    assert_eq!(
        flow.edges
            .iter()
            .filter(|e| e.from == "a" && e.to == "b")
            .count(),
        1
    );
    // Flow inputs and what steps read from them.
    assert!(flow
        .fields
        .iter()
        .any(|f| f.name == "phone" && f.usage == FieldUse::Input));
    assert!(flow.fields.iter().any(|f| f.name == "email"
        && f.usage == FieldUse::Send
        && f.step_id.as_deref() == Some("d")));
    // The HTTP route without authentication is a public trigger.
    let t = &flow.triggers[0];
    assert_eq!(t.kind, TriggerKind::Http);
    assert_eq!(t.audience, Audience::Anyone);
    assert_eq!(t.auth, "none");
    assert_eq!(t.name, "HTTP route POST /leads/new");
    let url = flow.values.iter().find(|v| v.key == "source_url").unwrap();
    assert_eq!(url.context, ValueContext::Url);
    assert_eq!(
        flow.endpoints[0].host.as_deref(),
        Some("leads.example.test")
    );
}

#[test]
fn scripts_apps_and_schedules() {
    let apps = apps();
    let report = named(&apps, "Nightly lead report");
    assert_eq!(report.steps.len(), 1);
    let step = &report.steps[0];
    assert_eq!(step.kind, StepKind::Database);
    let sql = step.sql.as_ref().unwrap();
    assert!(sql.text.contains("$1::timestamptz"));
    assert!(sql.uses_parameters && !sql.interpolated);
    assert_eq!(report.triggers[0].kind, TriggerKind::Schedule);
    assert_eq!(report.triggers[0].audience, Audience::Internal);
    assert!(report.fields.iter().any(|f| f.name == "since"));

    let dash = named(&apps, "Leads dashboard");
    assert_eq!(dash.kind, AppKind::InternalTool);
    assert_eq!(dash.sharing.len(), 1);
    assert_eq!(dash.sharing[0].audience, Audience::Anyone);
    assert_eq!(dash.sharing[0].raw, "policy.execution_mode: anonymous");
    assert_eq!(dash.sharing[0].location.path, "/policy/execution_mode");
    assert_eq!(dash.steps[0].name, "List leads");
    assert!(dash.steps[0]
        .code
        .as_ref()
        .unwrap()
        .source
        .contains("lead@example.test"));

    let intranet = named(&apps, "Intranet");
    assert!(intranet.sharing.is_empty());
    assert_eq!(intranet.run_context.mode, RunMode::User);
}

#[test]
fn resources_variables_and_folders() {
    let apps = apps();
    let ws = named(&apps, "Windmill workspace resources, variables and folders");
    assert_eq!(ws.kind, AppKind::CredentialStore);
    let storage = |name: &str| {
        ws.credentials
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.storage)
            .unwrap_or_else(|| panic!("no credential {name}: {:?}", ws.credentials))
    };
    assert_eq!(storage("f/ops/crm_db"), CredentialStorage::Plaintext);
    assert_eq!(storage("f/ops/reporting_db"), CredentialStorage::Reference);
    assert_eq!(
        storage("f/ops/reporting_db_password"),
        CredentialStorage::Encrypted
    );
    assert_eq!(
        storage("f/ops/slack_bot_token"),
        CredentialStorage::Plaintext
    );
    assert!(!ws.credentials.iter().any(|c| c.name == "f/ops/region"));
    let pw = ws
        .values
        .iter()
        .find(|v| v.location.file.ends_with("crm_db.resource.yaml") && v.key == "password")
        .unwrap();
    assert_eq!(pw.context, ValueContext::PasswordField);
    assert_eq!(pw.kind, ValueKind::Literal);
    assert_eq!(pw.location.path, "/value/password");
    let reference = ws
        .values
        .iter()
        .find(|v| v.location.file.ends_with("reporting_db.resource.yaml") && v.key == "password")
        .unwrap();
    assert_eq!(reference.kind, ValueKind::Expression);
    // Folder permissions.
    let all = ws
        .sharing
        .iter()
        .find(|s| s.raw == "extra_perms: g/all: true")
        .unwrap();
    assert_eq!(all.audience, Audience::Organisation);
    assert!(all.what.contains("folder 'Operations'"));
    let alice = ws
        .sharing
        .iter()
        .find(|s| s.raw == "extra_perms: u/alice: false")
        .unwrap();
    assert_eq!(alice.audience, Audience::SpecificUsers);
}

#[test]
fn findings_on_the_workspace() {
    let report = report();
    let find = |rule: &str, file_end: &str, path: &str| {
        report
            .findings
            .iter()
            .find(|f| {
                f.rule_id == rule && f.location.file.ends_with(file_end) && f.location.path == path
            })
            .unwrap_or_else(|| panic!("{rule} at {file_end} {path}: {:#?}", report.findings))
    };
    find(
        "LC001",
        "lead_hook.http_trigger.yaml",
        "/authentication_method",
    );
    let lc018 = find("LC018", "crm_db.resource.yaml", "/value");
    assert!(!lc018.evidence.as_deref().unwrap().contains("kQ2mLp9z"));
    find("LC018", "slack_bot_token.variable.yaml", "");
    find(
        "LC006",
        "sync_leads.flow/flow.yaml",
        "/value/modules/2/value/default/0/value/content",
    );
    find("LC006", "fetch_leads.inline_script.ts", "");
    find(
        "LC030",
        "leads_dashboard.app/app.yaml",
        "/policy/execution_mode",
    );
    find(
        "LC004",
        "sync_leads.flow/flow.yaml",
        "/value/modules/0/value/input_transforms/source_url/value",
    );
    // References and encrypted secrets are the safe case.
    assert!(!report.findings.iter().any(|f| f
        .location
        .file
        .ends_with("reporting_db.resource.yaml")
        || f.location
            .file
            .ends_with("reporting_db_password.variable.yaml")));
    // The SQL script passes its argument as a parameter.
    assert!(!report.findings.iter().any(|f| f.rule_id == "LC007"));
}

#[test]
fn single_files_are_read_too() {
    let resource = std::fs::read(format!("{ROOT}/f/ops/crm_db.resource.yaml")).unwrap();
    let report = scan(&resource, "crm_db.resource.yaml", &Policy::default()).unwrap();
    assert_eq!(report.platforms, [Platform::Windmill]);
    assert!(report.findings.iter().any(|f| f.rule_id == "LC018"));

    let safe = b"value:\n  host: db.example.test\n  password: '$var:f/ops/db_password'\nresource_type: postgresql\n";
    let report = scan(safe, "db.resource.yaml", &Policy::default()).unwrap();
    assert!(!report
        .findings
        .iter()
        .any(|f| f.rule_id == "LC018" || f.rule_id == "LC002"));

    let broken = b"value: [unclosed\nresource_type: x\n";
    let e = scan(broken, "db.resource.yaml", &Policy::default()).unwrap_err();
    assert_eq!(e.code(), "not-an-app");
    assert!(e.to_string().contains("not valid YAML"), "{e}");
}
