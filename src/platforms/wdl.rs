//! The Workflow Definition Language (WDL): the JSON language of Power Automate
//! cloud flows and Azure Logic Apps (field guide, section "0. Shared: the
//! Workflow Definition Language").
//!
//! This module only knows the language itself: `triggers`, `actions` (with
//! children in `actions`, `else.actions`, `cases.<case>.actions` and
//! `default.actions`), `runAfter`, action `type`/`kind`/`inputs` and
//! `runtimeConfiguration`. Where a definition comes from (a flow package, a
//! solution, an ARM template) and what its connection references mean is the
//! platform module's business.
//!
//! What goes where in the model:
//! * every trigger and action is a [`Step`] with `id` = its key and `name` =
//!   the key with underscores shown as spaces (what the designer shows);
//! * `runAfter` gives [`Edge`]s (`runAfter` when the previous action
//!   succeeded, `fault` when it only runs after a failure); actions that run
//!   first in their scope get a `main` edge from the trigger or from the
//!   Scope / Condition / loop that holds them;
//! * every string under an action's `inputs` is a [`Value`], keyed by the
//!   nearest name (header, query parameter, body field, connector parameter);
//!   `@…` expressions are [`ValueKind::Expression`], text with `@{…}` inside is a
//!   [`ValueKind::Template`];
//! * `Http`/`HttpWebhook` actions fill [`Step::http`] and [`Endpoint`]s;
//!   connector actions fill [`Step::connector`] and [`Step::connection`] (the
//!   key of the connection the action names);
//! * `runtimeConfiguration.secureData.properties` fills
//!   [`Step::secure_inputs`] / [`Step::secure_outputs`].

use serde_json::{Map, Value as Json};

use super::common::{host_of, str_at, walk_strings};
use crate::model::{
    App, Audience, Code, DataAccess, DataField, DataOperation, Edge, Endpoint, FieldUse, HttpAuth,
    HttpCall, Location, SqlQuery, Step, StepKind, Trigger, TriggerKind, Value, ValueContext,
    ValueKind,
};

/// Containers nest at most this deep; deeper actions are not read.
const MAX_NESTING: usize = 64;

/// Whether `v` looks like a WDL definition (`triggers` and/or `actions` objects).
pub fn is_definition(v: &Json) -> bool {
    let triggers = v.get("triggers").is_some_and(Json::is_object);
    let actions = v.get("actions").is_some_and(Json::is_object);
    let schema = str_at(v, "$schema").is_some_and(|s| s.contains("workflowdefinition"));
    (triggers && (actions || schema)) || (schema && actions)
}

/// Read a definition found at `loc` into `app`: steps, triggers, values,
/// edges, endpoints and data fields.
pub fn read_definition(app: &mut App, definition: &Json, loc: &Location) {
    read_parameters(app, definition.get("parameters"), &loc.child("parameters"));
    let mut trigger_ids = Vec::new();
    if let Some(Json::Object(triggers)) = definition.get("triggers") {
        let triggers_loc = loc.child("triggers");
        for (key, trigger) in triggers {
            if !trigger.is_object() {
                continue;
            }
            let step_loc = triggers_loc.child(key).with_step(display_name(key));
            read_trigger(app, key, trigger, &step_loc);
            trigger_ids.push(key.clone());
        }
    }
    if let Some(Json::Object(actions)) = definition.get("actions") {
        read_actions(app, actions, &loc.child("actions"), &trigger_ids, 0);
    }
    // A Response action that sends a body back returns data to the caller
    // (a bare status code does not).
    let responders: Vec<&str> = app
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Response)
        .map(|s| s.id.as_str())
        .collect();
    let responds = app.values.iter().any(|v| {
        v.step_id
            .as_deref()
            .is_some_and(|id| responders.contains(&id))
            && v.location.path.contains("/inputs/body")
    });
    if responds {
        for trigger in &mut app.triggers {
            if matches!(trigger.kind, TriggerKind::Http | TriggerKind::App) {
                trigger.responds_with_data = true;
            }
        }
    }
}

/// What the designer shows for an action key.
pub fn display_name(key: &str) -> String {
    key.replace('_', " ")
}

/// Whether a WDL string is fixed text, an expression or text with expressions inside.
pub fn value_kind(text: &str) -> ValueKind {
    let t = text.trim();
    if t.starts_with("@@") {
        return ValueKind::Literal;
    }
    if let Some(rest) = t.strip_prefix("@{") {
        // One interpolation covering the whole string is an expression.
        if rest.ends_with('}') && !rest.contains("@{") {
            return ValueKind::Expression;
        }
        return ValueKind::Template;
    }
    if t.starts_with('@') {
        return ValueKind::Expression;
    }
    if t.contains("@{") {
        return ValueKind::Template;
    }
    ValueKind::Literal
}

/// The connection key a connector action names: `host.connectionName`,
/// `host.connectionReferenceName`, `host.connection.referenceName`, or the
/// `['key']` inside `@parameters('$connections')['key']['connectionId']`.
pub fn connection_key(host: &Json) -> Option<String> {
    if let Some(name) = str_at(host, "connectionName")
        .or_else(|| str_at(host, "connectionReferenceName"))
        .filter(|n| !n.is_empty())
    {
        return Some(name.to_string());
    }
    let connection = host.get("connection")?;
    if let Some(name) = str_at(connection, "referenceName").filter(|n| !n.is_empty()) {
        return Some(name.to_string());
    }
    let expr = str_at(connection, "name")?;
    connections_key_in(expr)
}

/// `shared_x` from `@parameters('$connections')['shared_x']['connectionId']`
/// (or `…['$connections']['shared_x']…` in flows started by a Power Apps/Flow button).
fn connections_key_in(expr: &str) -> Option<String> {
    let rest = expr.split("'$connections'").nth(1)?;
    let rest = rest.trim_start_matches([')', ']']).trim_start();
    let rest = rest.strip_prefix("['")?;
    let key = rest.split('\'').next()?;
    (!key.is_empty()).then(|| key.to_string())
}

/// The connector id from an API path: `shared_sharepointonline` from
/// `/providers/Microsoft.PowerApps/apis/shared_sharepointonline`, `office365`
/// from `/subscriptions/…/managedApis/office365`.
pub fn connector_from_api_id(api_id: &str) -> Option<String> {
    let last = api_id.trim_end_matches('/').rsplit('/').next()?;
    (!last.is_empty() && !last.starts_with('@') && !last.starts_with('[')).then(|| last.to_string())
}

// ---------------------------------------------------------------------------
// Parameters

fn read_parameters(app: &mut App, parameters: Option<&Json>, loc: &Location) {
    let Some(Json::Object(map)) = parameters else {
        return;
    };
    for (name, param) in map {
        if name.starts_with('$') {
            // `$connections` / `$authentication`: filled in by the platform.
            continue;
        }
        let Some(default) = param.get("defaultValue") else {
            continue;
        };
        let secure = str_at(param, "type").is_some_and(|t| t.eq_ignore_ascii_case("SecureString"));
        let ploc = loc.child(name).child("defaultValue");
        walk_strings(default, name, &ploc, &mut |key, text, l| {
            if text.is_empty() {
                return;
            }
            let context = if secure {
                ValueContext::PasswordField
            } else {
                ValueContext::Variable
            };
            app.values.push(Value {
                key: key.to_string(),
                value: text.to_string(),
                context,
                kind: value_kind(text),
                step_id: None,
                location: l.clone(),
            });
        });
    }
}

// ---------------------------------------------------------------------------
// Triggers

fn read_trigger(app: &mut App, key: &str, trigger: &Json, loc: &Location) {
    let ty = str_at(trigger, "type").unwrap_or_default();
    let kind = str_at(trigger, "kind").unwrap_or_default();
    let inputs = trigger.get("inputs");
    let (trigger_kind, audience, auth) = classify_trigger(ty, kind, trigger);
    let mut step = base_step(key, ty, kind, trigger, loc);
    step.kind = StepKind::Trigger;
    if let Some(inputs) = inputs {
        read_connector(&mut step, inputs);
        if is_http_type(ty) {
            step.http = http_call(ty, inputs, &loc.child("inputs"));
        }
    }
    let name = step.name.clone();
    if ty.eq_ignore_ascii_case("Request") {
        if let Some(schema) = inputs.and_then(|i| i.get("schema")) {
            let schema_loc = loc.child("inputs").child("schema");
            read_schema_fields(app, key, schema, &schema_loc, 0);
        }
    }
    if let Some(inputs) = inputs {
        read_row_trigger_fields(app, key, inputs, &loc.child("inputs"));
    }
    read_inputs(app, &mut step, trigger, loc);
    app.steps.push(step);
    app.triggers.push(Trigger {
        step_id: key.to_string(),
        name,
        kind: trigger_kind,
        audience,
        auth,
        allowed_origins: None,
        ip_restricted: false,
        responds_with_data: false,
        location: loc.clone(),
    });
}

fn classify_trigger(ty: &str, kind: &str, trigger: &Json) -> (TriggerKind, Audience, String) {
    let ty_l = ty.to_ascii_lowercase();
    let kind_l = kind.to_ascii_lowercase();
    match ty_l.as_str() {
        "request" => match kind_l.as_str() {
            "" | "http" => {
                let raw = str_at(trigger, "triggerAuthenticationType")
                    .or_else(|| {
                        trigger
                            .get("inputs")
                            .and_then(|i| str_at(i, "triggerAuthenticationType"))
                    })
                    .unwrap_or("");
                let audience = match raw.to_ascii_lowercase().as_str() {
                    "" | "all" | "anyone" => Audience::AnyoneWithLink,
                    "tenant" => Audience::Organisation,
                    "user" | "users" | "specificusers" => Audience::SpecificUsers,
                    _ => Audience::Unknown,
                };
                let auth = if raw.is_empty() {
                    "none (signed URL only)".to_string()
                } else {
                    raw.to_string()
                };
                (TriggerKind::Http, audience, auth)
            }
            "button" => (
                TriggerKind::Manual,
                Audience::SpecificUsers,
                "flow owners and run-only users".into(),
            ),
            "powerapp" | "powerappv2" => (
                TriggerKind::App,
                Audience::SpecificUsers,
                "users of the app the flow is shared with".into(),
            ),
            "skills" | "virtualagent" | "copilot" => {
                (TriggerKind::Chat, Audience::Unknown, kind.to_string())
            }
            // "For a selected item / file": started by hand from SharePoint.
            "apiconnection" => (
                TriggerKind::Manual,
                Audience::SpecificUsers,
                "flow owners and run-only users".into(),
            ),
            _ => (TriggerKind::Manual, Audience::Unknown, kind.to_string()),
        },
        "recurrence" => (TriggerKind::Schedule, Audience::Internal, String::new()),
        "apiconnection"
        | "openapiconnection"
        | "apiconnectionwebhook"
        | "openapiconnectionwebhook"
        | "apiconnectionnotification"
        | "openapiconnectionnotification"
        | "serviceprovider" => (TriggerKind::Event, Audience::Internal, String::new()),
        "http" => (TriggerKind::Schedule, Audience::Internal, String::new()),
        "httpwebhook" => (TriggerKind::Webhook, Audience::Unknown, String::new()),
        _ => (TriggerKind::Event, Audience::Unknown, String::new()),
    }
}

/// A "When a row is added, modified or deleted" trigger: the columns whose
/// change starts the flow (`subscriptionRequest/filteringattributes`).
fn read_row_trigger_fields(app: &mut App, step_id: &str, inputs: &Json, loc: &Location) {
    let Some(entity) = param_str(inputs, "subscriptionRequest/entityname") else {
        return;
    };
    let key = "subscriptionRequest/filteringattributes";
    let Some(columns) = param_str(inputs, key) else {
        return;
    };
    let object = (!entity.starts_with('@')).then(|| entity.to_string());
    for column in columns.split(',').map(str::trim) {
        if column.is_empty() || column.contains(['@', '(']) {
            continue;
        }
        app.fields.push(DataField {
            name: column.to_string(),
            object: object.clone(),
            usage: FieldUse::Filter,
            step_id: Some(step_id.to_string()),
            classification: None,
            location: loc.child("parameters").child(key),
        });
    }
}

/// The inputs a Request trigger asks its caller for (`schema.properties`).
fn read_schema_fields(app: &mut App, step_id: &str, schema: &Json, loc: &Location, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(items) = schema.get("items") {
        read_schema_fields(app, step_id, items, &loc.child("items"), depth + 1);
    }
    let Some(Json::Object(props)) = schema.get("properties") else {
        return;
    };
    let props_loc = loc.child("properties");
    for (name, prop) in props {
        let prop_loc = props_loc.child(name);
        let nested = prop.get("properties").is_some() || prop.get("items").is_some();
        if nested {
            read_schema_fields(app, step_id, prop, &prop_loc, depth + 1);
            continue;
        }
        // Power Apps / button inputs have generated keys (`text_1`); the title is what the user sees.
        let field = str_at(prop, "title")
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(name);
        app.fields.push(DataField {
            name: field.to_string(),
            object: None,
            usage: FieldUse::Input,
            step_id: Some(step_id.to_string()),
            classification: None,
            location: prop_loc,
        });
    }
}

// ---------------------------------------------------------------------------
// Actions

fn read_actions(
    app: &mut App,
    actions: &Map<String, Json>,
    loc: &Location,
    parents: &[String],
    depth: usize,
) {
    if depth > MAX_NESTING {
        return;
    }
    for (key, action) in actions {
        if !action.is_object() {
            continue;
        }
        let step_loc = loc.child(key).with_step(display_name(key));
        read_edges(app, key, action, parents);
        read_action(app, key, action, &step_loc);
        let me = [key.clone()];
        if let Some(Json::Object(children)) = action.get("actions") {
            read_actions(app, children, &step_loc.child("actions"), &me, depth + 1);
        }
        if let Some(Json::Object(children)) = action.get("else").and_then(|e| e.get("actions")) {
            let l = step_loc.child("else").child("actions");
            read_actions(app, children, &l, &me, depth + 1);
        }
        if let Some(Json::Object(children)) = action.get("default").and_then(|e| e.get("actions")) {
            let l = step_loc.child("default").child("actions");
            read_actions(app, children, &l, &me, depth + 1);
        }
        if let Some(Json::Object(cases)) = action.get("cases") {
            for (case, body) in cases {
                if let Some(Json::Object(children)) = body.get("actions") {
                    let l = step_loc.child("cases").child(case).child("actions");
                    read_actions(app, children, &l, &me, depth + 1);
                }
            }
        }
    }
}

fn read_edges(app: &mut App, key: &str, action: &Json, parents: &[String]) {
    match action.get("runAfter") {
        Some(Json::Object(after)) if !after.is_empty() => {
            for (prev, statuses) in after {
                let succeeded = match statuses {
                    Json::Array(list) => {
                        list.is_empty()
                            || list.iter().any(|s| {
                                s.as_str()
                                    .is_some_and(|s| s.eq_ignore_ascii_case("Succeeded"))
                            })
                    }
                    _ => true,
                };
                app.edges.push(Edge {
                    from: prev.clone(),
                    to: key.to_string(),
                    kind: if succeeded { "runAfter" } else { "fault" }.into(),
                });
            }
        }
        _ => {
            for parent in parents {
                app.edges.push(Edge {
                    from: parent.clone(),
                    to: key.to_string(),
                    kind: "main".into(),
                });
            }
        }
    }
}

fn base_step(key: &str, ty: &str, kind: &str, node: &Json, loc: &Location) -> Step {
    let (secure_inputs, secure_outputs) = secure_data(node);
    let platform_type = if kind.is_empty() {
        ty.to_string()
    } else {
        format!("{ty}/{kind}")
    };
    Step {
        id: key.to_string(),
        name: display_name(key),
        kind: StepKind::Other,
        platform_type,
        location: loc.clone(),
        secure_inputs: Some(secure_inputs),
        secure_outputs: Some(secure_outputs),
        ..Step::default()
    }
}

fn secure_data(node: &Json) -> (bool, bool) {
    let props = node
        .get("runtimeConfiguration")
        .and_then(|r| r.get("secureData"))
        .and_then(|s| s.get("properties"));
    let has = |name: &str| match props {
        Some(Json::Array(list)) => list
            .iter()
            .any(|p| p.as_str().is_some_and(|p| p.eq_ignore_ascii_case(name))),
        _ => false,
    };
    (has("inputs"), has("outputs"))
}

fn is_http_type(ty: &str) -> bool {
    ty.eq_ignore_ascii_case("Http") || ty.eq_ignore_ascii_case("HttpWebhook")
}

fn is_connector_type(ty: &str) -> bool {
    matches!(
        ty.to_ascii_lowercase().as_str(),
        "apiconnection"
            | "openapiconnection"
            | "apiconnectionwebhook"
            | "openapiconnectionwebhook"
            | "apiconnectionnotification"
            | "openapiconnectionnotification"
            | "serviceprovider"
    )
}

fn read_action(app: &mut App, key: &str, action: &Json, loc: &Location) {
    let ty = str_at(action, "type").unwrap_or_default();
    let kind = str_at(action, "kind").unwrap_or_default();
    let mut step = base_step(key, ty, kind, action, loc);
    let empty = Json::Null;
    let inputs = action.get("inputs").unwrap_or(&empty);
    let inputs_loc = loc.child("inputs");
    let ty_l = ty.to_ascii_lowercase();
    step.kind = match ty_l.as_str() {
        "http" | "httpwebhook" => StepKind::HttpRequest,
        "inlinecode" | "javascriptcode" | "csharpscriptcode" | "powershellcode" => StepKind::Code,
        "initializevariable"
        | "setvariable"
        | "incrementvariable"
        | "decrementvariable"
        | "appendtoarrayvariable"
        | "appendtostringvariable"
        | "compose" => StepKind::Variable,
        "if" | "switch" | "foreach" | "until" | "scope" | "terminate" | "wait" => StepKind::Control,
        "response" => StepKind::Response,
        "workflow" => StepKind::SubFlow,
        "agent" => StepKind::Ai,
        t if is_connector_type(t) => StepKind::ConnectorAction,
        _ => StepKind::Other,
    };
    if is_http_type(ty) {
        step.http = http_call(ty, inputs, &inputs_loc);
        step.handles_secret = step.http.as_ref().is_some_and(|h| is_token_request(&h.url));
    }
    if step.kind == StepKind::Code {
        step.code = code_of(ty, kind, inputs, &inputs_loc);
    }
    if step.kind == StepKind::Variable {
        step.handles_secret = variable_names(inputs).iter().any(|n| is_secret_name(n));
    }
    if step.kind == StepKind::ConnectorAction {
        read_connector(&mut step, inputs);
        classify_connector_action(app, &mut step, inputs, &inputs_loc);
    }
    read_inputs(app, &mut step, action, loc);
    app.steps.push(step);
}

/// Connector, connection key and operation of a connector action or trigger.
fn read_connector(step: &mut Step, inputs: &Json) {
    // Logic Apps Standard built-in connectors.
    if let Some(config) = inputs.get("serviceProviderConfiguration") {
        step.connection = str_at(config, "connectionName").map(str::to_string);
        step.connector = str_at(config, "serviceProviderId").and_then(connector_from_api_id);
        return;
    }
    let Some(host) = inputs.get("host") else {
        return;
    };
    step.connection = connection_key(host);
    step.connector = str_at(host, "apiId")
        .and_then(connector_from_api_id)
        .or_else(|| {
            host.get("connection")
                .and_then(|c| str_at(c, "name"))
                .and_then(connections_key_in)
        })
        .or_else(|| str_at(host, "serviceProviderId").and_then(connector_from_api_id))
        .or_else(|| step.connection.clone());
}

fn operation_id(inputs: &Json) -> &str {
    inputs
        .get("host")
        .or_else(|| inputs.get("serviceProviderConfiguration"))
        .and_then(|h| str_at(h, "operationId"))
        .unwrap_or_default()
}

/// The path of an old-style `ApiConnection` action: `/datasets/…/tables/…/items`.
fn api_path(inputs: &Json) -> &str {
    str_at(inputs, "path").unwrap_or_default()
}

fn param<'a>(inputs: &'a Json, name: &str) -> Option<&'a Json> {
    let params = inputs.get("parameters")?;
    params.get(name).or_else(|| {
        params
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn param_str<'a>(inputs: &'a Json, name: &str) -> Option<&'a str> {
    param(inputs, name).and_then(Json::as_str)
}

fn classify_connector_action(app: &mut App, step: &mut Step, inputs: &Json, loc: &Location) {
    let connector = step
        .connector
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let op = operation_id(inputs).to_ascii_lowercase();
    let path = api_path(inputs).to_ascii_lowercase();

    if connector.contains("keyvault") && (op.contains("secret") || path.contains("/secrets")) {
        step.handles_secret = true;
    }
    if is_sql_connector(&connector) {
        if let Some(sql) = sql_of(inputs, loc) {
            step.kind = StepKind::Database;
            step.sql = Some(sql);
            return;
        }
    }
    if is_dataverse(&connector) || connector.contains("sharepoint") {
        if let Some(access) = data_access(&op, inputs) {
            step.kind = StepKind::DataOperation;
            let object = param_str(inputs, "entityName")
                .or_else(|| param_str(inputs, "table"))
                .unwrap_or_default()
                .to_string();
            let selected = param(inputs, "$select")
                .and_then(Json::as_str)
                .is_some_and(|s| !s.trim().is_empty());
            let all_fields = is_dataverse(&connector) && access == DataAccess::Read && !selected;
            read_record_fields(app, step, inputs, &object, access, loc);
            step.data_op = Some(DataOperation {
                access: vec![access],
                object,
                all_fields,
                location: loc.clone(),
            });
            return;
        }
    }
    let mail = ["office365", "outlook", "sendmail", "sendgrid", "smtp"]
        .iter()
        .any(|m| connector.contains(m));
    if mail && (op.contains("send") || op.contains("reply") || op.contains("forward")) {
        step.kind = StepKind::Email;
    }
    if connector.contains("logicflows") && op.contains("childflow") {
        step.kind = StepKind::SubFlow;
    }
}

fn is_dataverse(connector: &str) -> bool {
    connector.contains("commondataservice") || connector.contains("dynamicscrm")
}

fn is_sql_connector(connector: &str) -> bool {
    [
        "sql", "oracle", "mysql", "postgres", "db2", "teradata", "informix",
    ]
    .iter()
    .any(|s| connector.contains(s))
}

fn data_access(op: &str, inputs: &Json) -> Option<DataAccess> {
    let op = if op.is_empty() {
        // Old ApiConnection actions only have `method` and `path`.
        let method = str_at(inputs, "method")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let path = api_path(inputs);
        if !path.contains("/items") && !path.contains("/tables/") {
            return None;
        }
        return match method.as_str() {
            "get" => Some(DataAccess::Read),
            "post" => Some(DataAccess::Create),
            "patch" | "put" => Some(DataAccess::Update),
            "delete" => Some(DataAccess::Delete),
            _ => None,
        };
    } else {
        op
    };
    if op.starts_with("listrecords")
        || op.starts_with("getitem")
        || op.starts_with("getrecord")
        || op.starts_with("getentit")
        || op.starts_with("getfileitems")
    {
        Some(DataAccess::Read)
    } else if op.starts_with("createrecord")
        || op.starts_with("postitem")
        || op.starts_with("additem")
    {
        Some(DataAccess::Create)
    } else if op.starts_with("updaterecord")
        || op.starts_with("updateonlyrecord")
        || op.starts_with("patchitem")
        || op.starts_with("upsert")
    {
        Some(DataAccess::Update)
    } else if op.starts_with("deleterecord") || op.starts_with("deleteitem") {
        Some(DataAccess::Delete)
    } else {
        None
    }
}

/// Record columns a data operation names: `item/<column>` (written),
/// `$select` (read), `$filter` (filtered on).
fn read_record_fields(
    app: &mut App,
    step: &Step,
    inputs: &Json,
    object: &str,
    access: DataAccess,
    loc: &Location,
) {
    let Some(Json::Object(params)) = inputs.get("parameters") else {
        return;
    };
    let object = (!object.is_empty() && !object.starts_with('@')).then(|| object.to_string());
    let mut push = |name: &str, usage: FieldUse, key: &str| {
        let name = name.trim();
        if name.is_empty() || name.contains(['@', '(', ' ']) {
            return;
        }
        app.fields.push(DataField {
            name: name.to_string(),
            object: object.clone(),
            usage,
            step_id: Some(step.id.clone()),
            classification: None,
            location: loc.child("parameters").child(key).with_step(&step.name),
        });
    };
    for (key, value) in params {
        if let Some(column) = key.strip_prefix("item/") {
            let usage = if access == DataAccess::Read {
                FieldUse::Read
            } else {
                FieldUse::Write
            };
            push(column.split('/').next().unwrap_or(column), usage, key);
        } else if key.eq_ignore_ascii_case("$select") {
            for column in value.as_str().unwrap_or_default().split(',') {
                push(column, FieldUse::Read, key);
            }
        }
    }
}

fn sql_of(inputs: &Json, loc: &Location) -> Option<SqlQuery> {
    let params = inputs.get("parameters");
    let mut found: Option<(Location, String)> = None;
    if let Some(Json::Object(map)) = params {
        for (k, v) in map {
            let last = k.rsplit('/').next().unwrap_or(k).to_ascii_lowercase();
            if matches!(
                last.as_str(),
                "query" | "querytext" | "sql" | "sqlquery" | "statement"
            ) {
                if let Some(text) = v.as_str() {
                    found = Some((loc.child("parameters").child(k), text.to_string()));
                    break;
                }
                if let Some(text) = v.get("query").and_then(Json::as_str) {
                    let l = loc.child("parameters").child(k).child("query");
                    found = Some((l, text.to_string()));
                    break;
                }
            }
        }
    }
    if found.is_none() {
        // Old ApiConnection form: the query is the body.
        if let Some(text) = inputs.get("body").and_then(|b| str_at(b, "query")) {
            found = Some((loc.child("body").child("query"), text.to_string()));
        }
    }
    let (location, text) = found?;
    let interpolated = text.contains("@{")
        || text.trim_start().starts_with("@concat")
        || text.trim_start().starts_with("@replace")
        || text.trim_start().starts_with("@format");
    let uses_parameters = params.is_some_and(|p| {
        p.as_object().is_some_and(|m| {
            m.keys().any(|k| {
                let k = k.to_ascii_lowercase();
                k.contains("formalparameters") || k.contains("queryparameters")
            })
        })
    });
    Some(SqlQuery {
        text,
        interpolated,
        uses_parameters,
        location,
    })
}

fn variable_names(inputs: &Json) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(Json::Array(vars)) = inputs.get("variables") {
        names.extend(
            vars.iter()
                .filter_map(|v| str_at(v, "name"))
                .map(str::to_string),
        );
    }
    if let Some(name) = str_at(inputs, "name") {
        names.push(name.to_string());
    }
    names
}

fn is_secret_name(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if n == "token" || n == "key" || n == "sas" {
        return true;
    }
    // Paging and continuation tokens are not secrets.
    [
        "secret",
        "password",
        "passwd",
        "pwd",
        "apikey",
        "accesstoken",
        "authtoken",
        "bearertoken",
        "apitoken",
        "refreshtoken",
        "idtoken",
        "sastoken",
        "clientkey",
        "privatekey",
        "subscriptionkey",
        "connectionstring",
    ]
    .iter()
    .any(|w| n.contains(w))
}

fn is_token_request(url: &str) -> bool {
    let u = url.to_ascii_lowercase();
    u.contains("/oauth2/") && u.contains("token") || u.contains("login.microsoftonline.com")
}

fn code_of(ty: &str, kind: &str, inputs: &Json, loc: &Location) -> Option<Code> {
    let source = str_at(inputs, "code")
        .or_else(|| str_at(inputs, "script"))
        .unwrap_or_default();
    let language = match (ty.to_ascii_lowercase().as_str(), kind.to_ascii_lowercase()) {
        ("csharpscriptcode", _) => "csharp".to_string(),
        ("powershellcode", _) => "powershell".to_string(),
        (_, k) if k == "csharp" => "csharp".to_string(),
        (_, k) if k == "powershell" => "powershell".to_string(),
        _ => "javascript".to_string(),
    };
    Some(Code {
        language,
        source: source.to_string(),
        runs_commands: false,
        location: loc.child("code"),
    })
}

// ---------------------------------------------------------------------------
// HTTP

fn http_call(ty: &str, inputs: &Json, loc: &Location) -> Option<HttpCall> {
    let (target, target_loc) = if ty.eq_ignore_ascii_case("HttpWebhook") {
        (inputs.get("subscribe")?, loc.child("subscribe"))
    } else {
        (inputs, loc.clone())
    };
    let url = str_at(target, "uri").unwrap_or_default().to_string();
    let url_is_expression = value_kind(&url) == ValueKind::Expression;
    Some(HttpCall {
        method: str_at(target, "method")
            .unwrap_or("GET")
            .to_ascii_uppercase(),
        auth: http_auth(target),
        url,
        url_is_expression,
        tls_verification_disabled: false,
        location: target_loc.child("uri"),
    })
}

fn http_auth(target: &Json) -> HttpAuth {
    match target.get("authentication") {
        Some(Json::Object(auth)) => {
            let ty = auth
                .get("type")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase();
            match ty.as_str() {
                "none" => header_auth(target),
                "basic" => HttpAuth::Basic,
                "clientcertificate" => HttpAuth::ClientCertificate,
                "activedirectoryoauth" => HttpAuth::OAuth,
                "managedserviceidentity" => HttpAuth::ManagedIdentity,
                "raw" => HttpAuth::Header,
                _ => HttpAuth::Unknown,
            }
        }
        Some(Json::String(_)) => HttpAuth::Credential,
        _ => header_auth(target),
    }
}

/// Authentication carried in headers or the query string when the action has no `authentication`.
fn header_auth(target: &Json) -> HttpAuth {
    if let Some(Json::Object(headers)) = target.get("headers") {
        for (name, value) in headers {
            let n = name.to_ascii_lowercase();
            if n == "authorization" {
                let v = value
                    .as_str()
                    .unwrap_or_default()
                    .trim_start()
                    .to_ascii_lowercase();
                return if v.starts_with("bearer") {
                    HttpAuth::Bearer
                } else if v.starts_with("basic") {
                    HttpAuth::Basic
                } else {
                    HttpAuth::Header
                };
            }
            if n.contains("key") || n.contains("token") || n.contains("secret") {
                return HttpAuth::Header;
            }
        }
    }
    if let Some(Json::Object(queries)) = target.get("queries") {
        if queries.keys().any(|k| {
            let k = k.to_ascii_lowercase();
            k == "code" || k == "sig" || k.contains("key") || k.contains("token")
        }) {
            return HttpAuth::Query;
        }
    }
    HttpAuth::None
}

// ---------------------------------------------------------------------------
// Values

/// Every string under the step's `inputs` as a [`Value`]; URLs also become [`Endpoint`]s.
fn read_inputs(app: &mut App, step: &mut Step, node: &Json, loc: &Location) {
    let Some(inputs) = node.get("inputs") else {
        return;
    };
    let inputs_loc = loc.child("inputs");
    let base_len = inputs_loc.path.len();
    let kind = step.kind;
    // Straight into the app's list (no per-step list copied over after).
    let start = app.values.len();
    let values = &mut app.values;
    // One shared copy of the id for all the step's values.
    let shared_id: std::sync::Arc<str> = step.id.as_str().into();
    walk_strings(inputs, "inputs", &inputs_loc, &mut |key, text, l| {
        if text.is_empty() {
            return;
        }
        let rel: Vec<&str> = l
            .path
            .get(base_len..)
            .unwrap_or("")
            .split('/')
            .filter(|t| !t.is_empty())
            .collect();
        let first = rel.first().copied().unwrap_or("");
        if matches!(
            first,
            "host" | "schema" | "metadata" | "serviceProviderConfiguration"
        ) {
            return;
        }
        // A variable's own name and type are not values.
        let last = rel.last().copied().unwrap_or("");
        let own = rel.len() == 1 || (rel.len() == 3 && first == "variables");
        if kind == StepKind::Variable && own && matches!(last, "name" | "type") {
            return;
        }
        let value_kind = value_kind(text);
        let context = value_context(kind, &rel, key, text, value_kind);
        values.push(Value {
            key: key.to_string(),
            value: text.to_string(),
            context,
            kind: value_kind,
            step_id: Some(shared_id.clone()),
            location: l.clone(),
        });
    });
    let values = app.values.get(start..).unwrap_or_default();
    read_field_refs(&mut app.fields, step, values);
    for v in values {
        if v.context != ValueContext::Url || v.kind == ValueKind::Expression {
            continue;
        }
        if let Some(host) = host_of(&v.value) {
            app.endpoints.push(Endpoint {
                url: v.value.clone(),
                host: Some(host),
                step_id: v.step_id.as_deref().map(str::to_string),
                location: v.location.clone(),
            });
        }
    }
}

/// Record fields the step's expressions use: `…?['body/<column>']` (dynamic
/// content from a trigger or connector) and `triggerBody()?['<name>']`.
/// Steps that send data out (e-mail, HTTP, a response) send them.
fn read_field_refs(fields: &mut Vec<DataField>, step: &Step, values: &[Value]) {
    let usage = if matches!(
        step.kind,
        StepKind::Email | StepKind::HttpRequest | StepKind::Response
    ) {
        FieldUse::Send
    } else {
        FieldUse::Read
    };
    let mut seen: Vec<String> = Vec::new();
    for v in values {
        if v.kind == ValueKind::Literal {
            continue;
        }
        for name in field_refs(&v.value) {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            fields.push(DataField {
                name,
                object: None,
                usage,
                step_id: Some(step.id.clone()),
                classification: None,
                location: v.location.clone(),
            });
        }
    }
}

fn field_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find("['") {
        let before = rest.get(..pos).unwrap_or_default();
        let after = rest.get(pos + 2..).unwrap_or_default();
        let Some(end) = after.find("']") else {
            break;
        };
        let inner = after.get(..end).unwrap_or_default();
        let name = if let Some(col) = inner.strip_prefix("body/") {
            Some(col)
        } else if before.ends_with("triggerBody()?") || before.ends_with("triggerBody()") {
            Some(inner)
        } else {
            None
        };
        if let Some(name) = name {
            let name = name.trim();
            let plain = !name.is_empty()
                && name.len() <= 100
                && !name.contains(['@', '(', '\'', '['])
                && name != "value";
            if plain && !out.iter().any(|n: &String| n == name) {
                out.push(name.to_string());
            }
        }
        rest = after.get(end + 2..).unwrap_or_default();
    }
    out
}

fn value_context(
    kind: StepKind,
    rel: &[&str],
    key: &str,
    text: &str,
    value_kind: ValueKind,
) -> ValueContext {
    // HttpWebhook: subscribe/unsubscribe hold their own uri/headers/body.
    let rel = match rel.first() {
        Some(&"subscribe") | Some(&"unsubscribe") => rel.get(1..).unwrap_or_default(),
        _ => rel,
    };
    let first = rel.first().copied().unwrap_or("");
    let is_url = value_kind != ValueKind::Expression && {
        let t = text.trim_start().to_ascii_lowercase();
        t.starts_with("http://") || t.starts_with("https://") || t.starts_with("ftp://")
    };
    match first {
        "headers" => ValueContext::Header,
        "queries" => ValueContext::Query,
        "body" if kind == StepKind::HttpRequest => ValueContext::Body,
        "uri" => ValueContext::Url,
        "authentication" => {
            let k = key.to_ascii_lowercase();
            if matches!(
                k.as_str(),
                "password" | "secret" | "pfx" | "value" | "clientsecret"
            ) {
                ValueContext::PasswordField
            } else {
                // `audience` / `authority` name the token issuer, not a call target.
                ValueContext::Parameter
            }
        }
        "code" | "script" if kind == StepKind::Code => ValueContext::Code,
        _ if kind == StepKind::Variable => ValueContext::Variable,
        _ if is_url => ValueContext::Url,
        _ if is_connection_string(text) => ValueContext::ConnectionString,
        _ => ValueContext::Parameter,
    }
}

fn is_connection_string(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    (t.contains("accountkey=") || t.contains("password=") || t.contains("sharedaccesskey="))
        && t.contains(';')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(def: Json) -> App {
        let mut app = App::default();
        read_definition(&mut app, &def, &Location::new("f.json", "/definition"));
        app
    }

    #[test]
    fn sql_queries_from_connector_and_service_provider() {
        let app = read(json!({
            "triggers": {"Recurrence": {"type": "Recurrence"}},
            "actions": {
                "Run_query": {"type": "OpenApiConnection", "runAfter": {},
                    "inputs": {"host": {"connectionName": "shared_sql", "operationId": "ExecutePassThroughNativeQuery_V2",
                        "apiId": "/providers/Microsoft.PowerApps/apis/shared_sql"},
                        "parameters": {"server": "default", "query/query": "DELETE FROM t WHERE id = @{triggerBody()?['id']}"}}},
                "Safe_query": {"type": "ServiceProvider", "runAfter": {"Run_query": ["Succeeded"]},
                    "inputs": {"parameters": {"query": "SELECT id FROM t WHERE id = @id", "queryParameters": {"id": "@body('x')"}},
                        "serviceProviderConfiguration": {"connectionName": "sql", "operationId": "executeQuery", "serviceProviderId": "/serviceProviders/sql"}}}
            }
        }));
        let run = app.step("Run_query").unwrap();
        assert_eq!(run.kind, StepKind::Database);
        let q = run.sql.as_ref().unwrap();
        assert!(q.interpolated);
        assert_eq!(
            q.location.path,
            "/definition/actions/Run_query/inputs/parameters/query~1query"
        );
        let safe = app.step("Safe_query").unwrap();
        assert_eq!(safe.connector.as_deref(), Some("sql"));
        assert_eq!(safe.connection.as_deref(), Some("sql"));
        let q = safe.sql.as_ref().unwrap();
        assert!(!q.interpolated);
        assert!(q.uses_parameters);
    }

    #[test]
    fn field_references() {
        assert_eq!(
            field_refs("Hi @{triggerOutputs()?['body/fullname']} @{triggerBody()?['SSN_Value']} @{body('x')?['id']} @{outputs('y')?['body/value']}"),
            vec!["fullname".to_string(), "SSN_Value".to_string()]
        );
        assert!(field_refs("@parameters('$connections')['shared_x']['connectionId']").is_empty());
    }

    #[test]
    fn secret_names() {
        for n in ["ClientSecret", "api_key", "Access Token", "SAS", "Password"] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in ["Skip Token", "Next Link", "NextPageToken", "Users Array"] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn value_kinds() {
        assert_eq!(value_kind("@parameters('x')"), ValueKind::Expression);
        assert_eq!(value_kind("@{body('x')}"), ValueKind::Expression);
        assert_eq!(value_kind("Bearer @{variables('t')}"), ValueKind::Template);
        assert_eq!(value_kind("@@literal"), ValueKind::Literal);
        assert_eq!(value_kind("plain"), ValueKind::Literal);
    }

    #[test]
    fn connection_keys() {
        let h = json!({"connection": {"name": "@parameters('$connections')['shared_office365']['connectionId']"}});
        assert_eq!(connection_key(&h).as_deref(), Some("shared_office365"));
        let h = json!({"connection": {"name": "@json(decodeBase64(triggerOutputs().headers['X-MS-APIM-Tokens']))['$connections']['shared_sharepointonline']['connectionId']"}});
        assert_eq!(
            connection_key(&h).as_deref(),
            Some("shared_sharepointonline")
        );
        let h = json!({"connectionName": "shared_sql", "apiId": "/providers/Microsoft.PowerApps/apis/shared_sql"});
        assert_eq!(connection_key(&h).as_deref(), Some("shared_sql"));
        assert_eq!(
            connector_from_api_id("/providers/Microsoft.PowerApps/apis/shared_sql").as_deref(),
            Some("shared_sql")
        );
    }

    #[test]
    fn nested_actions_and_edges() {
        let app = read(json!({
            "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {}}},
            "actions": {
                "Check": {"type": "If", "runAfter": {},
                    "actions": {"Yes_step": {"type": "Compose", "inputs": "a"}},
                    "else": {"actions": {"No_step": {"type": "Compose", "inputs": "b"}}}},
                "Pick": {"type": "Switch", "runAfter": {"Check": ["Failed"]},
                    "cases": {"c1": {"actions": {"Case_step": {"type": "Compose", "inputs": "c"}}}},
                    "default": {"actions": {"Default_step": {"type": "Compose", "inputs": "d"}}}},
                "Respond": {"type": "Response", "runAfter": {"Pick": ["Succeeded"]}, "inputs": {"statusCode": 200, "body": "@body('Yes_step')"}}
            }
        }));
        let ids: Vec<&str> = app.steps.iter().map(|s| s.id.as_str()).collect();
        for id in [
            "manual",
            "Check",
            "Yes_step",
            "No_step",
            "Pick",
            "Case_step",
            "Default_step",
            "Respond",
        ] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
        let has = |f: &str, t: &str, k: &str| {
            app.edges
                .iter()
                .any(|e| e.from == f && e.to == t && e.kind == k)
        };
        assert!(has("manual", "Check", "main"));
        assert!(has("Check", "Yes_step", "main"));
        assert!(has("Check", "No_step", "main"));
        assert!(has("Check", "Pick", "fault"));
        assert!(has("Pick", "Respond", "runAfter"));
        let step = app.step("Case_step").unwrap();
        assert_eq!(step.name, "Case step");
        assert_eq!(
            step.location.path,
            "/definition/actions/Pick/cases/c1/actions/Case_step"
        );
        assert_eq!(app.triggers[0].audience, Audience::AnyoneWithLink);
        assert!(app.triggers[0].responds_with_data);

        // A bare status code returns no data.
        let app = read(json!({
            "triggers": {"manual": {"type": "Request", "kind": "Http"}},
            "actions": {"Ack": {"type": "Response", "runAfter": {}, "inputs": {"statusCode": 202}}}
        }));
        assert!(!app.triggers[0].responds_with_data);
    }
}
