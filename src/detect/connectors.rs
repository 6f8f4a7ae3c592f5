//! The connector catalog, driven by `rules/connectors.toml`.
//!
//! Catalog ids are what parsers put in the model: n8n node types
//! (`n8n-nodes-base.slack`) and credential types (`slackApi`, as aliases),
//! Power Platform API names (`shared_office365`), Salesforce Flow action types
//! (`salesforce:emailSimple`). Unknown ids return `None`; the inventory reports
//! them as unknown.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

const CONNECTORS_TOML: &str = include_str!("../../rules/connectors.toml");

/// The categories a connector can have.
pub const CATEGORIES: &[&str] = &[
    "storage",
    "e-mail",
    "chat",
    "crm",
    "database",
    "ai",
    "social",
    "file-sharing",
    "http",
    "code",
    "productivity",
    "identity",
    "developer",
];

/// The DLP-style default groups.
pub const GROUPS: &[&str] = &["business", "non-business", "blocked"];

/// What lcscan knows about one connector.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorInfo {
    pub id: String,
    pub name: String,
    /// storage, e-mail, chat, crm, database, ai, social, file-sharing, http, code, …
    pub category: String,
    /// Can move data outside the organisation.
    pub external: bool,
    pub executes_code: bool,
    /// business / non-business / blocked (DLP-style default group).
    pub group: String,
    /// Other ids for the same connector (n8n credential types, trigger nodes).
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    connector: Vec<ConnectorInfo>,
}

struct Catalog {
    entries: Vec<ConnectorInfo>,
    /// Lower-case id or alias → index into `entries`.
    index: HashMap<String, usize>,
    #[cfg_attr(not(test), allow(dead_code))]
    error: Option<String>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match toml::from_str::<CatalogFile>(CONNECTORS_TOML) {
        Ok(file) => {
            let mut index = HashMap::new();
            for (i, c) in file.connector.iter().enumerate() {
                for name in std::iter::once(&c.id).chain(c.aliases.iter()) {
                    index.entry(name.to_ascii_lowercase()).or_insert(i);
                }
            }
            Catalog {
                entries: file.connector,
                index,
                error: None,
            }
        }
        Err(e) => Catalog {
            entries: Vec::new(),
            index: HashMap::new(),
            error: Some(e.to_string()),
        },
    })
}

/// Look a connector up by catalog id or alias, ignoring case. A Power Platform
/// API path (`/providers/Microsoft.PowerApps/apis/shared_office365`) is looked
/// up by its last segment.
pub fn lookup(id: &str) -> Option<&'static ConnectorInfo> {
    let cat = catalog();
    let find = |key: &str| {
        cat.index
            .get(&key.trim().to_ascii_lowercase())
            .and_then(|&i| cat.entries.get(i))
    };
    if let Some(found) = find(id) {
        return Some(found);
    }
    // n8n's AI-agent tool and trigger variants of an app node
    // (`n8n-nodes-base.gmailTool`, `…slackTrigger`) talk to the same app.
    if let Some(node) = id.trim().strip_prefix("n8n-nodes-base.") {
        for suffix in ["Tool", "Trigger"] {
            if let Some(base) = node.strip_suffix(suffix).filter(|b| !b.is_empty()) {
                if let Some(found) = find(&format!("n8n-nodes-base.{base}")) {
                    return Some(found);
                }
            }
        }
    }
    let last = id.trim().trim_end_matches('/').rsplit('/').next()?;
    if last.len() < id.trim().len() {
        if let Some(found) = find(last) {
            return Some(found);
        }
    }
    // Logic Apps name managed connectors without Power Platform's `shared_`
    // prefix (`/managedApis/sharepointonline` vs `shared_sharepointonline`).
    let bare = last.to_ascii_lowercase();
    if !bare.starts_with("shared_") && !bare.contains('.') && !bare.contains(':') {
        return find(&format!("shared_{bare}"));
    }
    None
}

/// Every catalog entry, in file order.
pub fn all() -> &'static [ConnectorInfo] {
    &catalog().entries
}

/// How many catalog entries each platform has, by platform name (ignoring
/// case). For `lcscan rules --connectors` and the page.
pub fn count_per_platform() -> Vec<(&'static str, usize)> {
    let mut per_platform: Vec<(&'static str, usize)> = Vec::new();
    for c in all() {
        let platform = platform_of(c);
        match per_platform.iter_mut().find(|(p, _)| *p == platform) {
            Some((_, n)) => *n += 1,
            None => per_platform.push((platform, 1)),
        }
    }
    per_platform.sort_by_key(|(p, _)| p.to_lowercase());
    per_platform
}

/// The platform a catalog entry belongs to, from its id (`n8n-nodes-base.` →
/// n8n, `shared_` → Power Platform, `zapier:` → Zapier, …). For
/// `lcscan rules --connectors` and the page.
pub fn platform_of(c: &ConnectorInfo) -> &'static str {
    let id = c.id.as_str();
    const PREFIXES: &[(&str, &str)] = &[
        ("n8n-nodes-base.", "n8n"),
        ("@n8n/", "n8n"),
        ("shared_", "Power Platform / Logic Apps"),
        ("salesforce:", "Salesforce Flow"),
        ("node-red:", "Node-RED"),
        ("make:", "Make"),
        ("appsmith:", "Appsmith"),
        ("tooljet:", "ToolJet"),
        ("retool:", "Retool"),
        ("UiPath.", "UiPath"),
        ("zapier:", "Zapier"),
        ("budibase:", "Budibase"),
        ("windmill:", "Windmill"),
    ];
    if let Some((_, platform)) = PREFIXES.iter().find(|(p, _)| id.starts_with(p)) {
        return platform;
    }
    // n8n credential types (`googleApi`, `aws`) are the other ids without a prefix.
    if id == "http" {
        "any platform"
    } else {
        "n8n"
    }
}

/// A one-word risk class: `high` (runs code, or blocked by default),
/// `medium` (can move data outside the organisation), `low` otherwise.
pub fn risk_class(c: &ConnectorInfo) -> &'static str {
    if c.executes_code || c.group == "blocked" {
        "high"
    } else if c.external {
        "medium"
    } else {
        "low"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logic_apps_managed_api_names_match_power_platform_ids() {
        let c = lookup("/subscriptions/x/providers/Microsoft.Web/locations/westeurope/managedApis/sharepointonline");
        assert_eq!(c.map(|c| c.id.as_str()), Some("shared_sharepointonline"));
        assert_eq!(
            lookup("azureblob").map(|c| c.id.as_str()),
            Some("shared_azureblob")
        );
        assert!(lookup("no_such_thing_here").is_none());
    }

    #[test]
    fn n8n_tool_and_trigger_variants_are_the_app_node() {
        assert_eq!(
            lookup("n8n-nodes-base.gmailTool").map(|c| c.id.as_str()),
            Some("n8n-nodes-base.gmail")
        );
        assert!(lookup("n8n-nodes-base.Tool").is_none());
        assert!(lookup("n8n-nodes-base.noSuchAppTool").is_none());
    }

    #[test]
    fn catalog_loads_with_unique_ids_and_allowed_values() {
        let cat = catalog();
        assert!(cat.error.is_none(), "{:?}", cat.error);
        assert!(cat.entries.len() >= 100, "{}", cat.entries.len());
        let mut names = std::collections::BTreeSet::new();
        for c in &cat.entries {
            assert!(
                CATEGORIES.contains(&c.category.as_str()),
                "{}: {}",
                c.id,
                c.category
            );
            assert!(GROUPS.contains(&c.group.as_str()), "{}: {}", c.id, c.group);
            assert!(!c.name.is_empty(), "{}", c.id);
            for name in std::iter::once(&c.id).chain(c.aliases.iter()) {
                assert!(
                    names.insert(name.to_ascii_lowercase()),
                    "{name} is listed twice"
                );
            }
        }
    }

    #[test]
    fn every_alias_resolves_to_its_entry() {
        for c in all() {
            for a in &c.aliases {
                assert_eq!(lookup(a).map(|x| x.id.as_str()), Some(c.id.as_str()), "{a}");
            }
        }
    }

    #[test]
    fn required_ids_are_present() {
        for id in [
            "n8n-nodes-base.slack",
            "slackApi",
            "n8n-nodes-base.gmail",
            "gmailOAuth2",
            "n8n-nodes-base.googleSheets",
            "n8n-nodes-base.googleDrive",
            "n8n-nodes-base.openAi",
            "openAiApi",
            "n8n-nodes-base.httpRequest",
            "httpHeaderAuth",
            "n8n-nodes-base.postgres",
            "n8n-nodes-base.mySql",
            "n8n-nodes-base.microsoftSql",
            "n8n-nodes-base.mongoDb",
            "n8n-nodes-base.airtable",
            "n8n-nodes-base.notion",
            "n8n-nodes-base.telegram",
            "n8n-nodes-base.discord",
            "n8n-nodes-base.twilio",
            "n8n-nodes-base.sendGrid",
            "n8n-nodes-base.hubspot",
            "n8n-nodes-base.salesforce",
            "n8n-nodes-base.jira",
            "n8n-nodes-base.github",
            "n8n-nodes-base.awsS3",
            "n8n-nodes-base.dropbox",
            "n8n-nodes-base.microsoftOutlook",
            "n8n-nodes-base.microsoftTeams",
            "n8n-nodes-base.executeCommand",
            "n8n-nodes-base.code",
            "n8n-nodes-base.ssh",
            "n8n-nodes-base.ftp",
            "n8n-nodes-base.webhook",
            "n8n-nodes-base.emailSend",
            "@n8n/n8n-nodes-langchain.agent",
            "@n8n/n8n-nodes-langchain.lmChatOpenAi",
            "@n8n/n8n-nodes-langchain.lmChatAnthropic",
            "shared_sharepointonline",
            "shared_office365",
            "shared_office365users",
            "shared_teams",
            "shared_commondataserviceforapps",
            "shared_sql",
            "shared_onedriveforbusiness",
            "shared_outlook",
            "shared_gmail",
            "shared_twitter",
            "shared_dropbox",
            "shared_slack",
            "shared_sendmail",
            "shared_approvals",
            "shared_flowpush",
            "shared_azureblob",
            "shared_keyvault",
            "shared_excelonlinebusiness",
            "shared_planner",
            "http",
            "shared_azuread",
            "shared_webcontents",
            "shared_ftp",
            "shared_sftp",
            "shared_googledrive",
            "shared_salesforce",
            "shared_servicenow",
            "shared_azureopenai",
            "shared_cognitiveservicestextanalytics",
            "salesforce:emailSimple",
            "salesforce:slackPostMessage",
            "salesforce:chatterPost",
            "salesforce:externalService",
            "salesforce:apex",
        ] {
            assert!(lookup(id).is_some(), "{id} missing");
        }
    }

    #[test]
    fn lookup_facts_and_forms() {
        let c = lookup("n8n-nodes-base.executeCommand").unwrap();
        assert!(c.executes_code);
        assert_eq!(c.group, "blocked");
        let c = lookup("/providers/Microsoft.PowerApps/apis/shared_gmail").unwrap();
        assert_eq!(c.id, "shared_gmail");
        assert!(c.external);
        assert_eq!(c.group, "non-business");
        assert_eq!(
            lookup("SHARED_SHAREPOINTONLINE").unwrap().category,
            "file-sharing"
        );
        assert_eq!(lookup("slackOAuth2Api").unwrap().id, "n8n-nodes-base.slack");
        assert!(lookup("salesforce:apex").unwrap().executes_code);
        assert!(lookup("n8n-nodes-base.somethingNew").is_none());
        assert!(lookup("").is_none());
        assert!(lookup("/").is_none());
    }
}
