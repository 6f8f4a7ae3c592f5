//! No input takes super-linear work. Each case scans an adversarial input at
//! size N and 4N and compares a deterministic work counter — the number of
//! heap allocations and the bytes allocated by the scanning thread — instead of
//! wall-clock time: linear work grows about 4×, quadratic work 16×.
//!
//! Sizes are small in debug builds (`cargo test`); a release run
//! (`cargo test --release --test time_bounds`) uses the full adversarial
//! sizes: 200,000 n8n nodes, a 50 MB single string.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;

use lcscan::{scan, Policy, Report};
use serde_json::json;

// ---------------------------------------------------------------------------
// The counter: a global allocator counting per thread (tests run in parallel).
// ---------------------------------------------------------------------------

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    // `try_with`: the allocator is also called while thread-locals are torn down.
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
    let _ = BYTES.try_with(|c| c.set(c.get() + bytes as u64));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size.saturating_sub(layout.size()));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Debug, Clone, Copy)]
struct Work {
    allocs: u64,
    bytes: u64,
}

fn work_of<T>(f: impl FnOnce() -> T) -> (T, Work) {
    let (a0, b0) = (ALLOCS.with(Cell::get), BYTES.with(Cell::get));
    let out = f();
    let (a1, b1) = (ALLOCS.with(Cell::get), BYTES.with(Cell::get));
    (
        out,
        Work {
            allocs: a1 - a0,
            bytes: b1 - b0,
        },
    )
}

/// Debug builds (the CI gate) use 1/50 of the adversarial sizes, so the whole
/// file runs in well under a minute there.
const SCALE: usize = if cfg!(debug_assertions) { 1 } else { 50 };

/// Lazily built regexes and tables are made once per process: build them
/// before measuring so the first measured scan does not pay for them.
fn warm_up(policy: &Policy) {
    let wf = n8n_workflow(3, |_| String::new());
    let _ = scan(wf.as_bytes(), "w.json", policy);
    let _ = scan(salesforce_flow(3).as_bytes(), "w.flow-meta.xml", policy);
}

/// Scan `make(n)` and `make(4n)`; both must scan, and the larger may cost at
/// most 5× the smaller (4× plus slack for fixed costs), by both counters.
fn assert_linear(label: &str, n: usize, make: impl Fn(usize) -> (Vec<u8>, String)) -> [Report; 2] {
    let policy = Policy::default();
    warm_up(&policy);
    let (small_bytes, name) = make(n);
    let (big_bytes, big_name) = make(4 * n);
    let (small, ws) = work_of(|| scan(&small_bytes, &name, &policy));
    let (big, wb) = work_of(|| scan(&big_bytes, &big_name, &policy));
    let small = small.unwrap_or_else(|e| panic!("{label} n={n}: {}: {e}", e.code()));
    let big = big.unwrap_or_else(|e| panic!("{label} n={}: {}: {e}", 4 * n, e.code()));
    let ratio_allocs = wb.allocs as f64 / ws.allocs.max(1) as f64;
    let ratio_bytes = wb.bytes as f64 / ws.bytes.max(1) as f64;
    eprintln!(
        "{label}: n={n} input {} B → {ws:?}; 4n input {} B → {wb:?}; ratios allocs {ratio_allocs:.2} bytes {ratio_bytes:.2}",
        small_bytes.len(),
        big_bytes.len()
    );
    assert!(
        ratio_allocs <= 5.0,
        "{label}: allocations grew {ratio_allocs:.2}× for 4× the input (super-linear): {ws:?} → {wb:?}"
    );
    assert!(
        ratio_bytes <= 5.0,
        "{label}: bytes allocated grew {ratio_bytes:.2}× for 4× the input (super-linear): {ws:?} → {wb:?}"
    );
    // The report itself must not blow up either.
    let (rs, rb) = (report_len(&small), report_len(&big));
    assert!(
        rb <= 5 * rs + 4096,
        "{label}: report grew from {rs} to {rb} bytes"
    );
    [small, big]
}

fn report_len(r: &Report) -> usize {
    serde_json::to_string(r).map(|s| s.len()).unwrap_or(0)
}

fn steps(r: &Report) -> usize {
    r.components.iter().map(|c| c.steps).sum()
}

// ---------------------------------------------------------------------------
// Generators (adversarial shapes of real exports).
// ---------------------------------------------------------------------------

/// An n8n workflow of `n` nodes in a chain; `extra(i)` adds a parameter value.
fn n8n_workflow(n: usize, extra: impl Fn(usize) -> String) -> String {
    let mut nodes = Vec::with_capacity(n);
    let mut connections = serde_json::Map::new();
    for i in 0..n {
        let (kind, params) = match i % 4 {
            0 => (
                "n8n-nodes-base.httpRequest",
                json!({"url": format!("https://api.example.test/items/{i}"), "method": "POST",
                       "bodyParameters": {"parameters": [{"name": "id", "value": "={{ $json.id }}"}]},
                       "note": extra(i)}),
            ),
            1 => (
                "n8n-nodes-base.set",
                json!({"values": {"string": [{"name": format!("field{i}"), "value": extra(i)}]}}),
            ),
            2 => (
                "n8n-nodes-base.if",
                json!({"conditions": {"string": [{"value1": "={{ $json.status }}", "value2": "ok"}]}}),
            ),
            _ => (
                "n8n-nodes-base.code",
                json!({"jsCode": format!("return items; // {}", extra(i))}),
            ),
        };
        nodes.push(json!({
            "parameters": params,
            "id": format!("id-{i}"),
            "name": format!("Step {i}"),
            "type": kind,
            "typeVersion": 1,
            "position": [i * 20, 0],
        }));
        if i + 1 < n {
            connections.insert(
                format!("Step {i}"),
                json!({"main": [[{"node": format!("Step {}", i + 1), "type": "main", "index": 0}]]}),
            );
        }
    }
    json!({"name": "Adversarial", "nodes": nodes, "connections": connections, "settings": {}})
        .to_string()
}

/// A Power Automate definition of `n` actions, each running after the last.
fn power_automate(n: usize) -> String {
    let mut actions = serde_json::Map::new();
    for i in 0..n {
        let run_after = if i == 0 {
            json!({})
        } else {
            json!({ format!("Action_{}", i - 1): ["Succeeded"] })
        };
        actions.insert(
            format!("Action_{i}"),
            json!({"runAfter": run_after, "type": "Http",
                   "inputs": {"method": "GET", "uri": format!("https://api.example.test/{i}?q=@{{triggerBody()?['q']}}")}}),
        );
    }
    json!({
        "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
        "contentVersion": "1.0.0.0",
        "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {}}},
        "actions": actions,
    })
    .to_string()
}

/// A Node-RED flow of `n` nodes wired in a chain.
fn node_red(n: usize) -> String {
    let mut nodes = vec![json!({"id": "tab1", "type": "tab", "label": "Flow 1"})];
    for i in 0..n {
        let (kind, extra) = match i % 3 {
            0 => (
                "http request",
                json!({"url": format!("https://api.example.test/{i}"), "method": "GET"}),
            ),
            1 => (
                "function",
                json!({"func": format!("msg.n = {i}; return msg;")}),
            ),
            _ => (
                "change",
                json!({"rules": [{"t": "set", "p": "payload", "to": format!("v{i}")}]}),
            ),
        };
        let mut node = json!({"id": format!("n{i}"), "type": kind, "z": "tab1", "name": format!("node {i}"),
                              "wires": [[format!("n{}", i + 1)]]});
        if let (Some(o), Some(e)) = (node.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        nodes.push(node);
    }
    serde_json::Value::Array(nodes).to_string()
}

/// A Salesforce flow of `n` assignments chained by connectors.
fn salesforce_flow(n: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Flow xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n",
    );
    for i in 0..n {
        let _ = writeln!(
            xml,
            "<assignments><name>Assign_{i}</name><label>Assign {i}</label><locationX>0</locationX>\
             <locationY>{i}</locationY><assignmentItems><assignToReference>var{i}</assignToReference>\
             <operator>Assign</operator><value><stringValue>value {i}</stringValue></value></assignmentItems>\
             <connector><targetReference>Assign_{}</targetReference></connector></assignments>",
            i + 1
        );
    }
    xml.push_str(
        "<label>Adversarial</label><processType>AutoLaunchedFlow</processType><status>Active</status>\
         <start><locationX>0</locationX><locationY>0</locationY><connector><targetReference>Assign_0</targetReference></connector></start>\n</Flow>\n",
    );
    xml
}

// ---------------------------------------------------------------------------
// Many steps.
// ---------------------------------------------------------------------------

#[test]
fn n8n_with_many_nodes() {
    // Release: 50,000 → 200,000 nodes.
    let n = 1_000 * SCALE;
    let [small, big] = assert_linear("n8n nodes", n, |n| {
        (
            n8n_workflow(n, |_| String::new()).into_bytes(),
            "wf.json".into(),
        )
    });
    assert_eq!(steps(&small), n);
    assert_eq!(steps(&big), 4 * n);
}

/// `n` public webhooks (no authentication), each starting the same chain of
/// `n` steps that ends in a database step: LC001 asks, for every webhook,
/// what it reaches. (A walk per webhook was cubic: a fuzzer found a 97-byte
/// input that took 50 s.)
fn n8n_many_webhooks(n: usize) -> String {
    let mut nodes = Vec::new();
    let mut connections = serde_json::Map::new();
    for i in 0..n {
        nodes.push(json!({
            "parameters": {"path": format!("hook-{i}"), "httpMethod": "POST"},
            "name": format!("Hook {i}"),
            "type": "n8n-nodes-base.webhook",
            "typeVersion": 2,
            "webhookId": format!("w-{i}"),
            "position": [0, i * 20],
        }));
        connections.insert(
            format!("Hook {i}"),
            json!({"main": [[{"node": "Step 0", "type": "main", "index": 0}]]}),
        );
        let (kind, params) = if i + 1 == n {
            (
                "n8n-nodes-base.postgres",
                json!({"operation": "executeQuery", "query": "select 1"}),
            )
        } else {
            ("n8n-nodes-base.set", json!({"values": {}}))
        };
        nodes.push(json!({
            "parameters": params,
            "name": format!("Step {i}"),
            "type": kind,
            "typeVersion": 1,
            "position": [200, i * 20],
        }));
        if i + 1 < n {
            connections.insert(
                format!("Step {i}"),
                json!({"main": [[{"node": format!("Step {}", i + 1), "type": "main", "index": 0}]]}),
            );
        }
    }
    json!({"name": "Many hooks", "nodes": nodes, "connections": connections}).to_string()
}

#[test]
fn n8n_with_many_public_webhooks_and_edges() {
    let n = 200 * SCALE;
    let [small, big] = assert_linear("n8n public webhooks", n, |n| {
        (n8n_many_webhooks(n).into_bytes(), "hooks.json".into())
    });
    // Every webhook is reported, and reaches the database step at the end.
    for (report, n) in [(&small, n), (&big, 4 * n)] {
        let lc001: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule_id == "LC001")
            .collect();
        assert_eq!(lc001.len(), n);
        assert!(
            lc001.iter().all(|f| f.why.contains("stored data")),
            "{:?}",
            lc001.first()
        );
    }
}

#[test]
fn power_automate_with_many_actions() {
    let n = 600 * SCALE;
    let [small, big] = assert_linear("power automate actions", n, |n| {
        (power_automate(n).into_bytes(), "definition.json".into())
    });
    assert_eq!(steps(&small), n + 1);
    assert_eq!(steps(&big), 4 * n + 1);
}

#[test]
fn node_red_with_many_nodes() {
    let n = 800 * SCALE;
    let [small, big] = assert_linear("node-red nodes", n, |n| {
        (node_red(n).into_bytes(), "flows.json".into())
    });
    assert!(steps(&small) >= n, "{}", steps(&small));
    assert!(steps(&big) >= 4 * n, "{}", steps(&big));
}

#[test]
fn salesforce_flow_with_many_elements() {
    let n = 500 * SCALE;
    let [small, big] = assert_linear("salesforce elements", n, |n| {
        (salesforce_flow(n).into_bytes(), "Big.flow-meta.xml".into())
    });
    assert!(steps(&small) >= n, "{}", steps(&small));
    assert!(steps(&big) >= 4 * n, "{}", steps(&big));
}

// ---------------------------------------------------------------------------
// One huge string, and values built to trip up pattern matching.
// ---------------------------------------------------------------------------

/// An n8n workflow whose code node holds one string of `len` bytes made of `unit`.
fn one_long_value(unit: &str, len: usize) -> Vec<u8> {
    let value: String = unit
        .repeat(len / unit.len().max(1) + 1)
        .chars()
        .take(len)
        .collect();
    json!({"name": "Long", "nodes": [
        {"parameters": {"jsCode": value}, "id": "1", "name": "Code", "type": "n8n-nodes-base.code", "typeVersion": 1, "position": [0, 0]},
        {"parameters": {"url": "https://api.example.test"}, "id": "2", "name": "Call", "type": "n8n-nodes-base.httpRequest", "typeVersion": 4, "position": [0, 0]}
    ], "connections": {}})
    .to_string()
    .into_bytes()
}

/// Strings that make naive scanners backtrack or re-scan: runs of one
/// character, separators of URL and query encodings, base64-like text,
/// keyword prefixes of secrets repeated without end, expressions.
const HOSTILE_UNITS: &[(&str, &str)] = &[
    ("run of a", "a"),
    ("run of %", "%"),
    ("run of =", "="),
    ("base64-ish", "QWxhZGRpbjpvcGVuIHNlc2FtZQ+/"),
    ("secret prefixes", "sk_live_"),
    ("key words", "password=secret&api_key=token&"),
    ("url starts", "https://"),
    ("userinfo", "https://a:b@"),
    ("expressions", "={{ $json."),
    ("jwt-ish", "eyJhbGciOi."),
    ("quotes and escapes", "\\\"'`"),
    ("hex", "0123456789abcdef"),
];

#[test]
fn one_50_mb_string() {
    // Release: 7.5 MB → 30 MB in one string value (a longer one is refused
    // by the 32 MB string limit, tested in bad_input.rs).
    let len = (250_000 * SCALE).min(7_500_000);
    let [small, big] = assert_linear("one long string", len, |len| {
        (one_long_value("x", len), "long.json".into())
    });
    assert_eq!(steps(&small), 2);
    assert_eq!(steps(&big), 2);
}

#[test]
fn regex_hostile_values() {
    // Release: 2.5 MB → 10 MB of each pattern.
    let len = 50_000 * SCALE;
    for (label, unit) in HOSTILE_UNITS {
        assert_linear(label, len, |len| {
            (one_long_value(unit, len), "hostile.json".into())
        });
    }
}

#[test]
fn many_small_secret_like_values() {
    // Many candidate secrets: findings grow with them, but linearly.
    let n = 250 * SCALE;
    let [small, big] = assert_linear("many secrets", n, |n| {
        (
            n8n_workflow(n, |i| format!("sk_live_FAKE{i:020}FAKEFAKE")).into_bytes(),
            "wf.json".into(),
        )
    });
    assert!(!small.findings.is_empty());
    assert!(big.findings.len() >= small.findings.len());
}

// ---------------------------------------------------------------------------
// Wide and deep shapes, and archives with many members.
// ---------------------------------------------------------------------------

#[test]
fn very_wide_object() {
    let n = 4_000 * SCALE;
    assert_linear("wide object", n, |n| {
        let wide: serde_json::Map<String, serde_json::Value> = (0..n)
            .map(|i| (format!("key{i}"), json!(format!("value {i}"))))
            .collect();
        let wf = json!({"name": "Wide", "nodes": [
            {"parameters": {"options": wide}, "id": "1", "name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 1, "position": [0, 0]}
        ], "connections": {}});
        (wf.to_string().into_bytes(), "wide.json".into())
    });
}

#[test]
fn many_values_just_under_the_depth_limit() {
    // n copies of a value nested 95 deep: depth × count work, no more.
    let n = 50 * SCALE;
    assert_linear("deep values", n, |n| {
        let deep = format!("{}\"bottom\"{}", "[".repeat(95), "]".repeat(95));
        let items: Vec<String> = (0..n).map(|_| deep.clone()).collect();
        let text = format!(
            "{{\"name\":\"Deep\",\"nodes\":[{{\"parameters\":{{\"list\":[{}]}},\"id\":\"1\",\"name\":\"Set\",\
             \"type\":\"n8n-nodes-base.set\",\"typeVersion\":1,\"position\":[0,0]}}],\"connections\":{{}}}}",
            items.join(",")
        );
        (text.into_bytes(), "deep.json".into())
    });
}

#[test]
fn archive_with_many_workflows() {
    use std::io::Write;
    let n = 25 * SCALE;
    let [small, big] = assert_linear("zip members", n, |n| {
        let one = n8n_workflow(4, |_| String::new());
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for i in 0..n {
                w.start_file(format!("workflows/wf{i}.json"), opts).unwrap();
                w.write_all(one.as_bytes()).unwrap();
            }
            w.finish().unwrap();
        }
        (out.into_inner(), "export.zip".into())
    });
    assert_eq!(small.components.len(), n);
    assert_eq!(big.components.len(), 4 * n);
}

// ---------------------------------------------------------------------------
// The newer readers: Windmill YAML, YAML aliases, Retool Transit, UiPath
// XAML, Budibase tar.gz.
// ---------------------------------------------------------------------------

/// A Windmill flow.yaml of `n` modules, each with a literal URL and a script.
fn windmill_flow(n: usize) -> String {
    let mut s = String::from("summary: Many steps\nvalue:\n  modules:\n");
    for i in 0..n {
        let _ = write!(
            s,
            "    - id: m{i}\n      summary: Step {i}\n      value:\n        type: rawscript\n        \
             content: |\n          const r = await fetch('http://api{i}.example.test/x?token=' + t);\n        \
             input_transforms:\n          url:\n            type: static\n            value: http://host{i}.example.test/api\n          \
             key:\n            type: javascript\n            expr: flow_input.key\n        language: deno\n"
        );
    }
    s
}

#[test]
fn windmill_flow_with_many_modules() {
    let n = 200 * SCALE;
    let [small, big] = assert_linear("windmill modules", n, |n| {
        (
            windmill_flow(n).into_bytes(),
            "f/ops/big.flow/flow.yaml".into(),
        )
    });
    assert!(steps(&small) >= n, "{}", steps(&small));
    assert!(steps(&big) >= 4 * n, "{}", steps(&big));
}

#[test]
fn yaml_with_many_aliases() {
    // Aliases are copied: n aliases of a 10-value anchor cost n × 10, no more.
    let n = 400 * SCALE;
    assert_linear("yaml aliases", n, |n| {
        let mut s = String::from(
            "summary: Aliases\nshared: &s [a, b, c, d, e, f, g, h, i]\nvalue:\n  modules: []\nlist:\n",
        );
        for _ in 0..n {
            s.push_str("  - *s\n");
        }
        (s.into_bytes(), "f/ops/alias.flow/flow.yaml".into())
    });
}

/// A Retool JSON export whose Transit `appState` holds `n` REST queries, the
/// later ones using cache references the way Retool writes them.
fn retool_export(n: usize) -> Vec<u8> {
    let mut plugins = Vec::with_capacity(n);
    for i in 0..n {
        // Every record spells its tag out rather than pointing at the Transit
        // cache ("^0"): a reader resets the cache after 44×44 entries, so a
        // cache code from the start is no longer valid in a long export.
        let (tag, map) = ("\"~#iR\"", "\"^ \"");
        plugins.push(format!(
            "\"q{i}\",[{tag},[{map},\"n\",\"pluginTemplate\",\"v\",[{map},\"id\",\"q{i}\",\"type\",\"datasource\",\
             \"subtype\",\"RESTQuery\",\"template\",[\"~#iM\",[\"query\",\"http://api{i}.example.test/x?api_key=FAKE{i:08}\",\
             \"type\",\"GET\"]]]]]"
        ));
    }
    let state = format!(
        "[\"~#iR\",[\"^ \",\"n\",\"appTemplate\",\"v\",[\"^ \",\"plugins\",[\"~#iOM\",[{}]]]]]",
        plugins.join(",")
    );
    json!({"uuid": "cccccccc-dddd-4eee-8fff-000000000001",
           "page": {"id": 1, "data": {"appState": state}, "changesRecord": [], "pageId": 7, "userId": 3},
           "modules": {}})
    .to_string()
    .into_bytes()
}

#[test]
fn retool_transit_with_many_queries() {
    let n = 100 * SCALE;
    let [small, big] = assert_linear("retool transit queries", n, |n| {
        (retool_export(n), "orders-export.json".into())
    });
    assert!(steps(&small) >= n, "{}", steps(&small));
    assert!(steps(&big) >= 4 * n, "{}", steps(&big));
}

/// A UiPath workflow of `n` HTTP activities with header secrets.
fn uipath_xaml(n: usize) -> String {
    let mut s = String::from(
        "<Activity x:Class=\"Main\" xmlns=\"http://schemas.microsoft.com/netfx/2009/xaml/activities\" \
         xmlns:ui=\"http://schemas.uipath.com/workflow/activities\" \
         xmlns:uwah=\"clr-namespace:UiPath.Web.Activities;assembly=UiPath.Web.Activities\" \
         xmlns:x=\"http://schemas.microsoft.com/winfx/2006/xaml\"><Sequence DisplayName=\"Main\">",
    );
    for i in 0..n {
        let _ = write!(
            s,
            "<uwah:HttpClient AcceptFormat=\"JSON\" DisplayName=\"Call {i}\" EndPoint=\"http://api{i}.example.test/v1\" Method=\"POST\">\
             <uwah:HttpClient.Headers><InArgument x:TypeArguments=\"x:String\" x:Key=\"X-Api-Key\">k9Qw2Lp7Zx4Vb8Nm3Rt6Yh1J{i:08}</InArgument>\
             </uwah:HttpClient.Headers></uwah:HttpClient>"
        );
    }
    s.push_str("</Sequence></Activity>");
    s
}

#[test]
fn uipath_workflow_with_many_activities() {
    let n = 200 * SCALE;
    let [small, big] = assert_linear("uipath activities", n, |n| {
        (uipath_xaml(n).into_bytes(), "Main.xaml".into())
    });
    assert!(steps(&small) >= n, "{}", steps(&small));
    assert!(steps(&big) >= 4 * n, "{}", steps(&big));
}

/// A Budibase dump (`db.txt`, CouchDB line-delimited JSON) of `n` REST
/// queries on one datasource, packed as a `.tar.gz` app export.
fn budibase_export(n: usize) -> Vec<u8> {
    use flate2::write::GzEncoder;
    let mut docs = vec![
        json!({"_id": "app_metadata", "type": "app", "appId": "app_fake_1", "name": "Big app", "url": "/big"}),
        json!({"_id": "datasource_rest0001", "type": "datasource", "name": "API", "source": "REST",
               "config": {"url": "http://api.example.test", "defaultHeaders": {"Authorization": "Bearer FAKEw4Rt8YhN2mQ9sLk3Vb7Xc1Pz"}}}),
    ];
    for i in 0..n {
        docs.push(json!({"_id": format!("query_{i:06}"), "type": "query", "datasourceId": "datasource_rest0001",
                         "name": format!("Query {i}"), "queryVerb": "read",
                         "fields": {"path": format!("/items/{i}"), "headers": {"X-Api-Key": "{{ env.API_KEY }}"}}}));
    }
    let dump = format!(
        "{}\n{}\n",
        json!({"version": "1.2.10", "db_type": "http", "db_info": {"db_name": "app_fake_1", "doc_count": n + 2}}),
        json!({ "docs": docs })
    );
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    let mut header = tar::Header::new_gnu();
    header.set_size(dump.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header, "db.txt", dump.as_bytes())
        .unwrap();
    builder.into_inner().unwrap().finish().unwrap()
}

#[test]
fn budibase_export_with_many_queries() {
    let n = 200 * SCALE;
    let [small, big] = assert_linear("budibase queries", n, |n| {
        (budibase_export(n), "app-export.tar.gz".into())
    });
    assert!(steps(&small) >= n, "{}", steps(&small));
    assert!(steps(&big) >= 4 * n, "{}", steps(&big));
}
