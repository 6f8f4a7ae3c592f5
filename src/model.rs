//! The normalized model every platform parser produces and every rule reads.
//!
//! Parsers describe what an export *contains*; they never judge it. Rules judge
//! the model and never look at platform JSON/XML. Every item carries a
//! [`Location`] so a finding can say where to look.

use serde::Serialize;

/// Where an item sits: the file (inside an archive, if any), a JSON pointer or
/// XPath-like path inside that file, and the step as the user sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// File name as given by the user, or `archive.zip!/inner/path.json` for archive members.
    /// Shared: every item of a file points at one copy of its name.
    pub file: std::sync::Arc<str>,
    /// JSON pointer (`/nodes/3/parameters/url`) or XPath-like path (`/Flow/recordLookups[2]/object`).
    pub path: String,
    /// The step's display name, when the item belongs to a step. Shared:
    /// every item of a step points at one copy of its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<std::sync::Arc<str>>,
}

impl Location {
    pub fn new(file: impl AsRef<str>, path: impl Into<String>) -> Self {
        Location {
            file: std::sync::Arc::from(file.as_ref()),
            path: path.into(),
            step: None,
        }
    }

    /// The same file, a deeper path (`key` is escaped as a JSON pointer token).
    pub fn child(&self, key: &str) -> Self {
        let mut path = String::with_capacity(self.path.len() + 1 + key.len());
        path.push_str(&self.path);
        path.push('/');
        if key.contains(['~', '/']) {
            path.push_str(&escape_pointer_token(key));
        } else {
            path.push_str(key);
        }
        Location {
            file: self.file.clone(),
            path,
            step: self.step.clone(),
        }
    }

    /// The same file, a deeper path with an array index.
    pub fn index(&self, i: usize) -> Self {
        let mut path = String::with_capacity(self.path.len() + 4);
        path.push_str(&self.path);
        path.push('/');
        match u8::try_from(i) {
            Ok(d @ 0..=9) => path.push(char::from(b'0' + d)),
            _ => path.push_str(&i.to_string()),
        }
        Location {
            file: self.file.clone(),
            path,
            step: self.step.clone(),
        }
    }

    pub fn with_step(mut self, step: impl AsRef<str>) -> Self {
        self.step = Some(std::sync::Arc::from(step.as_ref()));
        self
    }
}

/// Escape one JSON pointer reference token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_string()
    }
}

/// The platforms lcscan knows. Only some have parsers yet; `lcscan rules` and
/// the unknown-format message list the ones that do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    // The default only exists so `App { .., ..Default::default() }` works;
    // every parser sets the platform.
    #[default]
    N8n,
    PowerAutomate,
    LogicApps,
    PowerApps,
    PowerPlatformSolution,
    SalesforceFlow,
    NodeRed,
    Make,
    Zapier,
    Appsmith,
    #[serde(rename = "tooljet")]
    ToolJet,
    Retool,
    Budibase,
    #[serde(rename = "uipath")]
    UiPath,
    Windmill,
}

impl Platform {
    /// The name a user of the platform would recognise.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::N8n => "n8n",
            Platform::PowerAutomate => "Power Automate",
            Platform::LogicApps => "Azure Logic Apps",
            Platform::PowerApps => "Power Apps",
            Platform::PowerPlatformSolution => "Power Platform solution",
            Platform::SalesforceFlow => "Salesforce Flow",
            Platform::NodeRed => "Node-RED",
            Platform::Make => "Make",
            Platform::Zapier => "Zapier",
            Platform::Appsmith => "Appsmith",
            Platform::ToolJet => "ToolJet",
            Platform::Retool => "Retool",
            Platform::Budibase => "Budibase",
            Platform::UiPath => "UiPath",
            Platform::Windmill => "Windmill",
        }
    }

    /// What the platform calls one step of an app ("node", "action", "element").
    pub fn step_word(self) -> &'static str {
        match self {
            Platform::N8n | Platform::NodeRed => "node",
            Platform::PowerAutomate | Platform::LogicApps => "action",
            Platform::SalesforceFlow => "element",
            Platform::Make => "module",
            Platform::Appsmith | Platform::ToolJet | Platform::Retool => "query",
            Platform::UiPath => "activity",
            Platform::PowerApps => "control",
            _ => "step",
        }
    }
}

/// One scanned export: all apps/flows/workflows found in it (an archive or
/// an n8n multi-workflow export holds several).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Model {
    pub apps: Vec<App>,
}

/// What kind of component an [`App`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AppKind {
    #[default]
    Workflow,
    ScreenFlow,
    CanvasApp,
    InternalTool,
    Solution,
    CredentialStore,
}

/// One app, flow or workflow with everything the rules need to judge it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct App {
    pub platform: Platform,
    pub kind: AppKind,
    /// The app's name as the user sees it.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Whether the platform marks it active/enabled, if the export says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    pub location: Location,
    pub steps: Vec<Step>,
    pub triggers: Vec<Trigger>,
    pub connections: Vec<Connection>,
    pub credentials: Vec<Credential>,
    /// Every literal-or-expression value worth checking for secrets, URLs and ids.
    pub values: Vec<Value>,
    pub fields: Vec<DataField>,
    pub edges: Vec<Edge>,
    pub run_context: RunContext,
    pub sharing: Vec<Sharing>,
    pub sample_data: Vec<SampleData>,
    pub endpoints: Vec<Endpoint>,
    /// Environment variables a solution defines (Power Platform), with their values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env_vars: Vec<EnvVariable>,
    /// Who may read the inputs and outputs in run history, when the platform
    /// has a setting for it (Logic Apps `accessControl.contents`); `None` if not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_history: Option<RunHistoryAccess>,
    /// How sure the detectors are about each classified field, by field name
    /// (sorted by name); filled in by `detect::enrich`. Use [`App::assessment`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub field_assessments: Vec<FieldAssessment>,
    /// Steps by id, built once by [`App::index_steps`] before the rules run
    /// so [`App::step`] is not a linear search inside the rules' loops.
    #[serde(skip)]
    pub step_index: StepIndex,
}

/// Position of each step id in [`App::steps`] (the first step with that id),
/// and how many steps there were when it was built.
#[derive(Debug, Clone, Default)]
pub struct StepIndex {
    positions: crate::FastMap<String, usize>,
    built_for: usize,
}

impl App {
    /// The first step with this id. Uses the index when it was built for the
    /// current step list and the id is in it; otherwise searches.
    pub fn step(&self, id: &str) -> Option<&Step> {
        let index = &self.step_index;
        if index.built_for > 0 && index.built_for == self.steps.len() {
            if let Some(step) = index
                .positions
                .get(id)
                .and_then(|&i| self.steps.get(i))
                .filter(|s| s.id == id)
            {
                return Some(step);
            }
            // Not found (or the list changed since): fall back to a search,
            // which is rare — rules look up ids the parser gave them.
        }
        self.steps.iter().find(|s| s.id == id)
    }

    /// Build the step index (call once the step list is final).
    pub fn index_steps(&mut self) {
        let mut positions = crate::FastMap::with_capacity_and_hasher(
            self.steps.len(),
            foldhash::fast::RandomState::default(),
        );
        for (i, step) in self.steps.iter().enumerate() {
            positions.entry(step.id.clone()).or_insert(i);
        }
        self.step_index = StepIndex {
            positions,
            built_for: self.steps.len(),
        };
    }

    pub fn connection(&self, id: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.id == id)
    }

    /// The detectors' judgement of a classified field (`None` for fields the
    /// dictionary does not recognise, or before `detect::enrich` ran).
    pub fn assessment(&self, field_name: &str) -> Option<&FieldAssessment> {
        self.field_assessments
            .binary_search_by(|a| a.field.as_str().cmp(field_name))
            .ok()
            .and_then(|i| self.field_assessments.get(i))
    }
}

/// What a step does, in platform-neutral terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    Trigger,
    /// A raw HTTP call (n8n HTTP Request, Power Automate HTTP, Salesforce external service).
    HttpRequest,
    /// A call through a platform connector (SharePoint, Slack, Dataverse…).
    ConnectorAction,
    /// Inline code (JavaScript, Python, Apex, C#…).
    Code,
    /// Runs an operating-system command or remote shell.
    Command,
    /// A database query.
    Database,
    /// Reads or writes platform records (Salesforce Get/Create Records, Dataverse).
    DataOperation,
    Variable,
    Control,
    /// Sends a reply to whoever called the trigger.
    Response,
    SubFlow,
    Ai,
    Screen,
    Email,
    #[default]
    Other,
}

/// One step (node, action, element, module) of an app.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Step {
    /// Stable id inside the app (node name/id, action name, element name).
    pub id: String,
    /// The name as the user sees it in the designer.
    pub name: String,
    pub kind: StepKind,
    /// The platform's own type string (`n8n-nodes-base.httpRequest`, `OpenApiConnection`, `recordLookups`).
    pub platform_type: String,
    /// Catalog id of the connector used (`shared_sharepointonline`, `slackApi`, `n8n-nodes-base.slack`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector: Option<String>,
    /// Id of the [`Connection`] this step uses, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    pub disabled: bool,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpCall>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql: Option<SqlQuery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_op: Option<DataOperation>,
    /// `Some(true)` when the platform hides this step's inputs / outputs from
    /// run history (Power Automate "Secure inputs/outputs"); `None` if the
    /// platform has no such setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_inputs: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_outputs: Option<bool>,
    /// Whether the step handles a secret (gets a key-vault secret, requests a token,
    /// sets a variable named like a password). Set by the parser from what it sees.
    pub handles_secret: bool,
}

/// How an HTTP call authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum HttpAuth {
    #[default]
    None,
    Basic,
    Header,
    Query,
    Bearer,
    OAuth,
    ClientCertificate,
    ManagedIdentity,
    /// A stored credential / connection whose kind is not known.
    Credential,
    Unknown,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct HttpCall {
    pub method: String,
    /// The URL as written (may contain expressions).
    pub url: String,
    /// True when the URL is wholly computed at run time.
    pub url_is_expression: bool,
    pub auth: HttpAuth,
    /// Certificate checks are switched off (n8n "Ignore SSL issues", Node-RED tls verify off).
    pub tls_verification_disabled: bool,
    pub location: Location,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Code {
    /// `javascript`, `python`, `shell`, `apex`, `csharp`, `ssh`…
    pub language: String,
    pub source: String,
    /// Runs operating-system commands (n8n Execute Command, SSH).
    pub runs_commands: bool,
    pub location: Location,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SqlQuery {
    pub text: String,
    /// Run-time values are pasted into the SQL text (`{{ $json.id }}`, `@{body('x')}`).
    pub interpolated: bool,
    /// The step passes values as query parameters instead (`$1`, `@p`, n8n "Query Parameters").
    pub uses_parameters: bool,
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataAccess {
    Read,
    Create,
    Update,
    Delete,
}

/// A read or write of platform records (Salesforce Get Records, Dataverse List rows).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataOperation {
    pub access: Vec<DataAccess>,
    /// Object / table / list the step touches (`Contact`, `accounts`, a SharePoint list).
    pub object: String,
    /// Every field of the record is fetched (Salesforce "store all fields", `select *`).
    pub all_fields: bool,
    pub location: Location,
}

/// How a trigger starts the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum TriggerKind {
    /// An HTTP endpoint (n8n Webhook, Power Automate "When an HTTP request is received").
    Http,
    /// A third-party service calls in (app webhooks such as Stripe or GitHub triggers).
    Webhook,
    Form,
    Chat,
    /// Model Context Protocol server trigger (AI agents call it).
    Mcp,
    Schedule,
    /// Something changed in a connected system (new row, new e-mail, record saved).
    Event,
    /// Started by hand in the designer or by a button.
    #[default]
    Manual,
    /// Called from an app (Power Apps, a screen flow launched by a user).
    App,
    /// Called by another workflow.
    SubWorkflow,
    Error,
}

/// Who can start the app through a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// Anyone on the internet who knows or guesses the address.
    Anyone,
    /// Anyone holding a signed URL (Power Automate SAS URL).
    AnyoneWithLink,
    /// Any signed-in user of the organisation / tenant.
    Organisation,
    /// Named users or groups.
    SpecificUsers,
    /// Callers that present a credential (basic auth, header key, JWT).
    CredentialHolders,
    /// Only the platform itself (schedules, events, the owner).
    Internal,
    #[default]
    Unknown,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Trigger {
    /// Id of the step that is the trigger.
    pub step_id: String,
    pub name: String,
    pub kind: TriggerKind,
    pub audience: Audience,
    /// How callers authenticate, in the platform's words (`none`, `basicAuth`, `Tenant`).
    pub auth: String,
    /// Browser origins allowed to call (`*` = any website).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_origins: Option<String>,
    /// Callers are restricted by IP address.
    pub ip_restricted: bool,
    /// The trigger returns data to the caller (n8n Respond to Webhook, PA Response action).
    pub responds_with_data: bool,
    pub location: Location,
}

/// Whose identity a connection uses when the app runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ConnectionIdentity {
    /// The maker's own sign-in, used for everyone who runs the app (PA "Embedded").
    Maker,
    /// Each person running the app signs in with their own account (PA "Invoker").
    Invoker,
    /// A service account, app registration or managed identity.
    Service,
    /// A stored platform credential (n8n credentials, Make connections).
    StoredCredential,
    #[default]
    Unknown,
}

/// A connection to an outside system (n8n credential reference, PA connection reference).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Connection {
    /// Key used in the export to refer to the connection.
    pub id: String,
    /// Catalog id of the connector (`shared_office365`, `slackApi`, `googleSheetsOAuth2Api`).
    pub connector: String,
    /// Name shown to the user (may be an account e-mail).
    pub display_name: String,
    pub identity: ConnectionIdentity,
    /// How it authenticates, in the platform's words (`oauth2`, `apiKey`, `basic`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialStorage {
    /// Only a reference to a credential kept by the platform (the safe case).
    #[default]
    Reference,
    /// Stored encrypted in the export.
    Encrypted,
    /// Stored in plain text in the export.
    Plaintext,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Credential {
    pub name: String,
    /// The credential type (`httpHeaderAuth`, `postgres`, `shared_sql`).
    pub credential_type: String,
    pub storage: CredentialStorage,
    /// Steps that use it.
    pub used_by: Vec<String>,
    pub location: Location,
}

/// Where a value sits, which tells rules how much a literal there matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ValueContext {
    /// A field the platform itself marks as a password / secret.
    PasswordField,
    Header,
    Query,
    Body,
    Url,
    ConnectionString,
    Code,
    /// A variable, constant or default value.
    Variable,
    /// Saved sample / pinned data.
    SampleData,
    /// A credential object in the export.
    Credential,
    #[default]
    Parameter,
    /// A property of a screen widget, set in its property pane (an Appsmith
    /// map widget's `googleMapsApiKey`); `location.step` names the widget.
    WidgetProperty,
}

/// Whether a value is fixed text or computed when the app runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ValueKind {
    #[default]
    Literal,
    /// Wholly computed at run time (`={{ $json.x }}`, `@parameters('x')`, `{!var}`).
    Expression,
    /// Literal text with expressions inside (`Bearer {{ $env.TOKEN }}`).
    Template,
}

/// One string value from the export, with the key it sits under.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Value {
    /// The nearest meaningful key: a header name, parameter name, field name.
    pub key: String,
    pub value: String,
    pub context: ValueContext,
    pub kind: ValueKind,
    /// Id of the step it belongs to, if any. Shared: every value of a step
    /// may point at one copy of its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_id: Option<std::sync::Arc<str>>,
    pub location: Location,
}

/// How a step touches a data field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum FieldUse {
    #[default]
    Read,
    Write,
    Filter,
    /// The field's value is sent out by this step (in a body, message, e-mail).
    Send,
    /// Asked from the user or the caller (form field, trigger input).
    Input,
}

/// A data field (column, record field, form input) an app touches.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataField {
    pub name: String,
    /// Object / table / list the field belongs to, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub usage: FieldUse,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    /// Filled in after parsing by the sensitive-field dictionary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<FieldClass>,
    pub location: Location,
}

/// A sensitive-data category of a field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FieldClass {
    /// `pii`, `financial`, `health`, `credential`, `location`.
    pub category: String,
    /// What the dictionary recognised ("e-mail address", "card number").
    pub label: String,
}

/// How sure the detectors are that a field holds sensitive data, from its
/// name and the sample / default values the export keeps for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SensitivityLevel {
    /// Worth a look: only weak evidence (a phone-shaped value, or a
    /// sensitive-sounding name whose values say otherwise).
    #[default]
    Check,
    /// The name says so (no values to confirm it), or a value passes a
    /// checksum (card number, IBAN) or is an e-mail address.
    LikelySensitive,
    /// Name and values agree, or the organisation's policy lists the field.
    Sensitive,
}

impl SensitivityLevel {
    /// "Sensitive", "Likely sensitive", "Check".
    pub fn as_str(self) -> &'static str {
        match self {
            SensitivityLevel::Sensitive => "Sensitive",
            SensitivityLevel::LikelySensitive => "Likely sensitive",
            SensitivityLevel::Check => "Check",
        }
    }
}

/// The detectors' judgement of one classified field (see [`App::assessment`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldAssessment {
    /// The field's name, as in [`DataField::name`].
    pub field: String,
    pub level: SensitivityLevel,
    /// Regulations that usually apply (`GDPR`, `HIPAA`, `PCI DSS`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regulations: Vec<String>,
    /// One plain sentence: what was found and why it is judged so.
    pub reason: String,
}

/// Data moves from one step to the next.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// `main`, `ai_tool`, `runAfter`, `fault`…
    pub kind: String,
}

/// In whose name the app runs and what it may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RunMode {
    /// As the person using it, with their permissions.
    User,
    /// As the system, but respecting record sharing.
    SystemWithSharing,
    /// As the system, seeing all data.
    SystemWithoutSharing,
    /// As the owner / maker.
    Owner,
    #[default]
    Unknown,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RunContext {
    pub mode: RunMode,
    /// The mode as the platform writes it (`SystemModeWithoutSharing`).
    pub raw: String,
    /// People interact with it directly (screen flow, form, chat, app).
    pub user_facing: bool,
    /// Running it requires an extra permission (Salesforce `isAdditionalPermissionRequiredToRun`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_permission: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A grant of access to the app or its data.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sharing {
    pub audience: Audience,
    /// What is granted ("may call this workflow as a sub-workflow", "Read on Contact").
    pub what: String,
    /// The setting as the platform writes it (`callerPolicy: any`).
    pub raw: String,
    pub location: Location,
}

/// Saved sample / pinned data stored in the export.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SampleData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    pub records: usize,
    /// Field names present in the sample records.
    pub fields: Vec<String>,
    pub location: Location,
}

/// An outside address the app talks to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Endpoint {
    pub url: String,
    /// Host part, lower-case, if the URL is literal enough to have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    pub location: Location,
}

/// What an environment variable holds, as the platform types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum EnvVarKind {
    Text,
    Number,
    Boolean,
    Json,
    DataSource,
    /// Kept in a secret store (Power Platform type `100000005`, an Azure Key Vault reference).
    Secret,
    #[default]
    Unknown,
}

/// One environment variable definition (Power Platform solution).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnvVariable {
    /// Schema name (`cr1_PartnerApiKey`).
    pub name: String,
    /// The name the maker sees, if the export gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub kind: EnvVarKind,
    /// The type as the platform writes it (`100000005`).
    pub raw_kind: String,
    /// Default and current values shipped in the export.
    pub values: Vec<EnvVarValue>,
    pub location: Location,
}

/// A default or current value of an [`EnvVariable`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnvVarValue {
    pub value: String,
    /// `true` for the current value (`environmentvariablevalues.json`), `false` for the default.
    pub current: bool,
    /// The value points at a secret store (an Azure Key Vault secret id) instead of holding the secret.
    pub secret_reference: bool,
    pub location: Location,
}

/// Who may read run history inputs and outputs (Logic Apps `accessControl.contents`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunHistoryAccess {
    /// Reading is limited (an IP allow-list, or a template parameter that fills one in).
    pub restricted: bool,
    /// The setting as the export writes it (`contents: not set`, `allowedCallerIpAddresses: []`).
    pub raw: String,
    pub location: Location,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str, name: &str) -> Step {
        Step {
            id: id.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn step_lookup_is_the_same_with_and_without_the_index() {
        let mut app = App {
            steps: vec![step("a", "first a"), step("b", "b"), step("a", "second a")],
            ..Default::default()
        };
        let before: Vec<Option<String>> = ["a", "b", "c"]
            .iter()
            .map(|id| app.step(id).map(|s| s.name.clone()))
            .collect();
        app.index_steps();
        let after: Vec<Option<String>> = ["a", "b", "c"]
            .iter()
            .map(|id| app.step(id).map(|s| s.name.clone()))
            .collect();
        assert_eq!(before, after);
        assert_eq!(app.step("a").map(|s| s.name.as_str()), Some("first a"));
        // A step added after the index was built is still found.
        app.steps.push(step("late", "late"));
        assert_eq!(app.step("late").map(|s| s.name.as_str()), Some("late"));
        assert_eq!(app.step("b").map(|s| s.name.as_str()), Some("b"));
    }
}
