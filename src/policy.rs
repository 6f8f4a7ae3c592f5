//! The organisation's policy: limits, rule selection, severities, connectors.
//!
//! The default policy is data in `rules/policies/default.toml`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ScanError;
use crate::report::Severity;

const DEFAULT_POLICY: &str = include_str!("../rules/policies/default.toml");

/// Hard limits on what is read, so hostile files cannot exhaust memory or time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest input file, in bytes.
    pub max_input_bytes: u64,
    /// Largest total of all unpacked archive members, in bytes.
    pub max_unpacked_bytes: u64,
    /// Largest unpacked/packed size ratio of one archive member.
    pub max_compression_ratio: u64,
    /// Most members in one archive.
    pub max_entries: usize,
    /// Deepest JSON/XML nesting.
    pub max_depth: usize,
    /// Longest single string value, in bytes.
    pub max_string_bytes: u64,
    /// How many archives inside archives are opened.
    pub max_archive_nesting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 100 * 1024 * 1024,
            max_unpacked_bytes: 512 * 1024 * 1024,
            max_compression_ratio: 200,
            max_entries: 10_000,
            max_depth: 100,
            max_string_bytes: 32 * 1024 * 1024,
            max_archive_nesting: 2,
        }
    }
}

/// The highest nesting serde_json itself accepts; our limit must stay below it.
pub const MAX_SUPPORTED_DEPTH: usize = 120;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default = "Policy::empty", deny_unknown_fields)]
pub struct Policy {
    pub name: String,
    pub version: String,
    pub limits: Limits,
    /// Rule ids or names that are switched off.
    pub disabled_rules: Vec<String>,
    /// Rule id or name → severity.
    pub severity: BTreeMap<String, Severity>,
    /// Connector catalog ids the organisation approved.
    pub approved_connectors: Vec<String>,
    /// Connector catalog ids the organisation forbids.
    pub blocked_connectors: Vec<String>,
    /// Hosts apps may call over HTTP without review (`api.example.com`, `*.example.com`).
    pub allowed_hosts: Vec<String>,
    /// Extra field names the organisation treats as sensitive, with their category.
    pub sensitive_fields: BTreeMap<String, String>,
}

impl Default for Policy {
    fn default() -> Self {
        // The bundled default is checked by a unit test; fall back to an empty policy
        // rather than panicking if it ever failed to parse.
        Policy::from_toml(DEFAULT_POLICY).unwrap_or_else(|_| Policy::empty())
    }
}

impl Policy {
    /// A policy with nothing configured and default limits.
    pub fn empty() -> Self {
        Policy {
            name: "built-in".into(),
            version: "0".into(),
            limits: Limits::default(),
            disabled_rules: Vec::new(),
            severity: BTreeMap::new(),
            approved_connectors: Vec::new(),
            blocked_connectors: Vec::new(),
            allowed_hosts: Vec::new(),
            sensitive_fields: BTreeMap::new(),
        }
    }

    pub fn from_toml(text: &str) -> Result<Self, ScanError> {
        let policy: Policy = toml::from_str(text).map_err(|e| ScanError::InvalidPolicy {
            reason: e.to_string().trim().to_string(),
        })?;
        policy.validated()
    }

    pub fn from_json(text: &str) -> Result<Self, ScanError> {
        let policy: Policy = serde_json::from_str(text).map_err(|e| ScanError::InvalidPolicy {
            reason: e.to_string(),
        })?;
        policy.validated()
    }

    fn validated(self) -> Result<Self, ScanError> {
        if self.limits.max_depth == 0 || self.limits.max_depth > MAX_SUPPORTED_DEPTH {
            return Err(ScanError::InvalidPolicy {
                reason: format!(
                    "limits.max_depth must be between 1 and {MAX_SUPPORTED_DEPTH}, not {}",
                    self.limits.max_depth
                ),
            });
        }
        Ok(self)
    }

    /// Whether a rule (by id or kebab name) is switched off.
    pub fn is_disabled(&self, id: &str, name: &str) -> bool {
        self.disabled_rules.iter().any(|r| r == id || r == name)
    }

    /// The severity the organisation wants for a rule, if overridden.
    pub fn severity_for(&self, id: &str, name: &str) -> Option<Severity> {
        self.severity
            .get(id)
            .or_else(|| self.severity.get(name))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_default_policy_parses() {
        let p = Policy::from_toml(DEFAULT_POLICY).unwrap();
        assert_eq!(p.name, "lcscan default");
        assert_eq!(p.limits, Limits::default());
    }

    #[test]
    fn unknown_keys_are_rejected_with_a_reason() {
        let err = Policy::from_toml("nmae = \"x\"").unwrap_err();
        assert_eq!(err.code(), "invalid-policy");
        assert!(err.to_string().contains("nmae"), "{err}");
    }

    #[test]
    fn depth_limit_is_bounded() {
        let err = Policy::from_toml("[limits]\nmax_depth = 100000").unwrap_err();
        assert!(err.to_string().contains("max_depth"), "{err}");
    }
}
