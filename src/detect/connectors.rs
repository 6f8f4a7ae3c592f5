//! The connector catalog (placeholder API; data lives in `rules/`).

/// What lcscan knows about one connector.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

/// Look a connector up by catalog id.
pub fn lookup(_id: &str) -> Option<&'static ConnectorInfo> {
    None
}
