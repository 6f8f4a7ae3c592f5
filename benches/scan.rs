//! Throughput of `scan()` on real exports beside plain `serde_json` parsing of
//! the same bytes (the ceiling). Uses `../shared/corpus` when present, else the
//! project's own fixtures. Figures are recorded in docs/benchmarks.md.
//!
//! Also scans one large synthetic Power Platform solution built in memory
//! (group `large-solution`; see [`large_solution`]).
//!
//! Run: `cargo bench --bench scan` (or `-- large-solution` for that one)

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lcscan::{scan, Policy};

const CORPUS_FOLDERS: &[&str] = &[
    "n8n",
    "power-automate",
    "salesforce-flow",
    "logic-apps",
    "pp-solution",
    "powerapps-canvas",
    "nodered",
    "make",
];

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// (file name, bytes) of every export that scans successfully, per platform folder.
fn inputs(folder: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("../shared/corpus").join(folder), &mut files);
    if files.is_empty() {
        collect(&root.join("tests/fixtures").join(folder), &mut files);
    }
    let policy = Policy::default();
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let name = p.file_name()?.to_string_lossy().to_string();
            scan(&bytes, &name, &policy).ok()?;
            Some((name, bytes))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default();
    for folder in CORPUS_FOLDERS {
        let set = inputs(folder);
        if set.is_empty() {
            continue;
        }
        let bytes: u64 = set.iter().map(|(_, b)| b.len() as u64).sum();
        let mut group = c.benchmark_group(*folder);
        group.throughput(Throughput::Bytes(bytes));
        group.sample_size(10);
        group.bench_function("scan", |b| {
            b.iter(|| {
                for (name, data) in &set {
                    let _ = std::hint::black_box(scan(data, name, &policy));
                }
            })
        });
        group.bench_function("parse only: serde_json / roxmltree (ceiling)", |b| {
            b.iter(|| {
                for (_, data) in &set {
                    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
                    if data.first() == Some(&b'<') {
                        let text = std::str::from_utf8(data).unwrap_or("");
                        let _ = std::hint::black_box(roxmltree::Document::parse(text).is_ok());
                    } else {
                        let _ =
                            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(data));
                    }
                }
            })
        });
        group.finish();
    }
}

/// Column names of every generated table: some sensitive, most not.
const COLUMNS: [&str; 12] = [
    "name",
    "emailaddress",
    "mobilephone",
    "birthdate",
    "salary",
    "notes",
    "status",
    "city",
    "iban",
    "startdate",
    "amount",
    "ordercode",
];

/// A solution zip shaped like the real ones in `../shared/corpus/pp-solution`:
/// `flows` cloud flows in `Workflows/` (SharePoint trigger → Dataverse *Add a
/// new row* → condition → Outlook mail, else HTTP POST), `tables` Dataverse
/// tables of 12 columns, 10 security roles (8 privileges per table, Read at
/// Organization level), 3 connection references, 20 environment variables and
/// a custom connector. With 200 flows and 50 tables: about 220 KB zipped,
/// 223 members.
fn large_solution(flows: usize, tables: usize) -> Vec<u8> {
    let mut files: Vec<(String, String)> = Vec::new();
    files.push((
        "[Content_Types].xml".into(),
        r#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" /><Default Extension="json" ContentType="application/octet-stream" /></Types>"#.into(),
    ));
    files.push((
        "solution.xml".into(),
        r#"<ImportExportXml version="9.2" SolutionPackageVersion="9.2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <SolutionManifest>
    <UniqueName>ContosoOperations</UniqueName>
    <LocalizedNames><LocalizedName description="Contoso Operations" languagecode="1033" /></LocalizedNames>
    <Version>4.2.0.17</Version>
    <Managed>0</Managed>
    <Publisher><UniqueName>contoso</UniqueName><CustomizationPrefix>cr1</CustomizationPrefix></Publisher>
  </SolutionManifest>
</ImportExportXml>"#
            .into(),
    ));
    let mut c = String::from(
        "<ImportExportXml xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <Entities>\n",
    );
    for t in 0..tables {
        let _ = write!(
            c,
            "    <Entity>\n      <Name LocalizedName=\"Table {t}\" OriginalName=\"Table {t}\">cr1_table{t}</Name>\n      <EntityInfo>\n        <entity Name=\"cr1_table{t}\">\n          <LocalizedNames><LocalizedName description=\"Table {t}\" languagecode=\"1033\" /></LocalizedNames>\n          <attributes>\n"
        );
        for (k, col) in COLUMNS.iter().enumerate() {
            let kind = if *col == "salary" || *col == "amount" {
                "money"
            } else {
                "nvarchar"
            };
            let _ = write!(
                c,
                "            <attribute PhysicalName=\"cr1_{col}\">\n              <Type>{kind}</Type>\n              <LogicalName>cr1_{col}</LogicalName>\n              <IsSecured>{}</IsSecured>\n              <displaynames><displayname description=\"{col}\" languagecode=\"1033\" /></displaynames>\n            </attribute>\n",
                u8::from(k % 5 == 4)
            );
        }
        c.push_str(
            "          </attributes>\n        </entity>\n      </EntityInfo>\n    </Entity>\n",
        );
    }
    c.push_str("  </Entities>\n  <Roles>\n");
    for r in 0..10 {
        let _ = write!(
            c,
            "    <Role id=\"{{00000000-0000-0000-0000-0000000001{r:02}}}\" name=\"Operations role {r}\">\n      <RolePrivileges>\n"
        );
        for t in 0..tables {
            for (p, level) in [
                ("Read", "Global"),
                ("Write", "Local"),
                ("Create", "Basic"),
                ("Delete", "Basic"),
                ("Append", "Local"),
                ("AppendTo", "Local"),
                ("Assign", "Basic"),
                ("Share", "Basic"),
            ] {
                let _ = writeln!(
                    c,
                    "        <RolePrivilege name=\"prv{p}cr1_table{t}\" level=\"{level}\" />"
                );
            }
        }
        c.push_str("      </RolePrivileges>\n    </Role>\n");
    }
    c.push_str("  </Roles>\n  <connectionreferences>\n");
    for (name, api) in [
        ("sharepoint", "shared_sharepointonline"),
        ("dataverse", "shared_commondataserviceforapps"),
        ("outlook", "shared_office365"),
    ] {
        let _ = write!(
            c,
            "    <connectionreference connectionreferencelogicalname=\"cr1_{name}\">\n      <connectionreferencedisplayname>{name}</connectionreferencedisplayname>\n      <connectorid>/providers/Microsoft.PowerApps/apis/{api}</connectorid>\n    </connectionreference>\n"
        );
    }
    c.push_str("  </connectionreferences>\n</ImportExportXml>\n");
    files.push(("customizations.xml".into(), c));
    for v in 0..20 {
        let (value, kind) = match v % 4 {
            0 => (format!("https://ops{v}.contoso.example/api"), 100000000),
            1 => (format!("ops-queue-{v}"), 100000000),
            2 => ("true".to_string(), 100000002),
            _ => (format!("{}", v * 10), 100000001),
        };
        files.push((
            format!("environmentvariabledefinitions/cr1_Setting{v}/environmentvariabledefinition.xml"),
            format!(
                "<environmentvariabledefinition schemaname=\"cr1_Setting{v}\">\n  <defaultvalue>{value}</defaultvalue>\n  <displayname default=\"Setting {v}\" />\n  <type>{kind}</type>\n</environmentvariabledefinition>"
            ),
        ));
    }
    files.push((
        "Connector/cr1_orders_openapidefinition.json".into(),
        r#"{"swagger":"2.0","info":{"title":"Orders API","version":"1.0"},"host":"orders.contoso.example","basePath":"/api","schemes":["https"],"paths":{"/orders":{"post":{"operationId":"CreateOrder","responses":{"200":{"description":"ok"}}}}},"securityDefinitions":{"apiKeyHeader":{"type":"apiKey","name":"X-Api-Key","in":"header"}}}"#.into(),
    ));
    files.push((
        "Connector/cr1_orders_connectionparameters.json".into(),
        r#"{"api_key":{"type":"securestring","uiDefinition":{"displayName":"API Key"}}}"#.into(),
    ));
    for f in 0..flows {
        let t = f % tables.max(1);
        let col = COLUMNS[f % COLUMNS.len()];
        let flow = format!(
            r#"{{"properties":{{"connectionReferences":{{"shared_sharepointonline":{{"runtimeSource":"embedded","connection":{{"connectionReferenceLogicalName":"cr1_sharepoint"}},"api":{{"name":"shared_sharepointonline"}}}},"shared_commondataserviceforapps":{{"runtimeSource":"embedded","connection":{{"connectionReferenceLogicalName":"cr1_dataverse"}},"api":{{"name":"shared_commondataserviceforapps"}}}},"shared_office365":{{"runtimeSource":"embedded","connection":{{"connectionReferenceLogicalName":"cr1_outlook"}},"api":{{"name":"shared_office365"}}}}}},"definition":{{"$schema":"https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#","contentVersion":"1.0.0.0","parameters":{{"$connections":{{"defaultValue":{{}},"type":"Object"}},"$authentication":{{"defaultValue":{{}},"type":"SecureObject"}}}},"triggers":{{"When_an_item_is_created":{{"recurrence":{{"interval":5,"frequency":"Minute"}},"splitOn":"@triggerOutputs()?['body/value']","type":"OpenApiConnection","inputs":{{"host":{{"connectionName":"shared_sharepointonline","operationId":"GetOnNewItems","apiId":"/providers/Microsoft.PowerApps/apis/shared_sharepointonline"}},"parameters":{{"dataset":"https://contoso.sharepoint.com/sites/ops{f}","table":"{f:08x}-0000-4000-8000-000000000000"}},"authentication":"@parameters('$authentication')"}}}}}},"actions":{{"Add_a_new_row":{{"runAfter":{{}},"type":"OpenApiConnection","inputs":{{"host":{{"connectionName":"shared_commondataserviceforapps","operationId":"CreateRecord","apiId":"/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"}},"parameters":{{"entityName":"cr1_table{t}s","item/cr1_name":"@triggerOutputs()?['body/Title']","item/cr1_{col}":"@triggerOutputs()?['body/{col}']","item/cr1_status":"new"}},"authentication":"@parameters('$authentication')"}}}},"Condition":{{"actions":{{"Send_an_email_(V2)":{{"runAfter":{{}},"type":"OpenApiConnection","inputs":{{"host":{{"connectionName":"shared_office365","operationId":"SendEmailV2","apiId":"/providers/Microsoft.PowerApps/apis/shared_office365"}},"parameters":{{"emailMessage/To":"ops{f}@contoso.example","emailMessage/Subject":"New row {f}","emailMessage/Body":"<p>@{{triggerOutputs()?['body/Title']}} @{{outputs('Add_a_new_row')?['body/cr1_{col}']}}</p>"}},"authentication":"@parameters('$authentication')"}}}}}},"runAfter":{{"Add_a_new_row":["Succeeded"]}},"else":{{"actions":{{"HTTP":{{"runAfter":{{}},"type":"Http","inputs":{{"method":"POST","uri":"https://hooks.contoso.example/flows/{f}","headers":{{"Content-Type":"application/json"}},"body":{{"row":"@outputs('Add_a_new_row')?['body/cr1_table{t}id']","{col}":"@triggerOutputs()?['body/{col}']"}}}}}}}}}},"expression":{{"and":[{{"equals":["@triggerOutputs()?['body/Priority']","High"]}}]}},"type":"If"}}}},"outputs":{{}}}},"templateName":null}},"schemaVersion":"1.0.0.0"}}"#
        );
        files.push((
            format!("Workflows/Flow{f}-{f:08X}-1111-2222-3333-444444444444.json"),
            flow,
        ));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for (name, text) in &files {
            if zip.start_file(name.as_str(), opts).is_err()
                || zip.write_all(text.as_bytes()).is_err()
            {
                return Vec::new();
            }
        }
        let _ = zip.finish();
    }
    buf.into_inner()
}

fn bench_large_solution(c: &mut Criterion) {
    let policy = Policy::default();
    let zip = large_solution(200, 50);
    let name = "ContosoOperations_4_2_0_17.zip";
    match scan(&zip, name, &policy) {
        Ok(report) => eprintln!(
            "large-solution: {} bytes zipped, {} components, {} steps, {} findings",
            zip.len(),
            report.components.len(),
            report.components.iter().map(|c| c.steps).sum::<usize>(),
            report.findings.len()
        ),
        Err(e) => {
            eprintln!("large-solution: does not scan: {e}");
            return;
        }
    }
    let mut group = c.benchmark_group("large-solution");
    group.throughput(Throughput::Bytes(zip.len() as u64));
    group.sample_size(10);
    group.bench_function("scan (200 flows, 50 tables)", |b| {
        b.iter(|| std::hint::black_box(scan(&zip, name, &policy)).is_ok())
    });
    group.finish();
}

criterion_group!(benches, bench, bench_large_solution);
criterion_main!(benches);
