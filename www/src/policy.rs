//! Which organisation policy the page uses, and where it came from: the
//! embedding portal (a `?policy=` path or a `policy.json` beside the page,
//! both on the page's own site), a file the user picked, or the built-in
//! default. Pure, so it is tested natively; the fetching is in `app.rs`.

use lcscan::{Policy, ScanError};

/// Where the policy in force came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Source {
    /// Nothing given: the engine's bundled default.
    #[default]
    BuiltIn,
    /// Given by the portal: the `?policy=` path or `policy.json`.
    Portal(String),
    /// A file the user picked on this device.
    File(String),
}

/// The policy the page passes to every scan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InForce {
    pub name: String,
    pub version: String,
    /// The policy text as given (TOML or JSON); empty for the built-in default.
    pub text: String,
    pub source: Source,
}

impl InForce {
    pub fn built_in() -> InForce {
        let p = Policy::default();
        InForce {
            name: p.name,
            version: p.version,
            text: String::new(),
            source: Source::BuiltIn,
        }
    }

    /// Read a policy given as text; `source` says where it came from.
    pub fn from_text(text: &str, source: Source) -> Result<InForce, ScanError> {
        let p = parse(text)?;
        Ok(InForce {
            name: p.name,
            version: p.version,
            text: text.to_string(),
            source,
        })
    }

    /// "Strict regulated (version 2), from your organisation (policies/strict.json)".
    pub fn describe(&self) -> String {
        let what = format!("{} (version {})", self.name, self.version);
        match &self.source {
            Source::BuiltIn => format!("built-in default: {what}"),
            Source::Portal(path) => format!("{what}, set by your organisation ({path})"),
            Source::File(name) => format!("{what}, from the file you chose ({name})"),
        }
    }
}

/// A policy in either form: JSON when the text starts with `{`, else TOML.
pub fn parse(text: &str) -> Result<Policy, ScanError> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Ok(Policy::default());
    }
    if text.trim_start().starts_with('{') {
        Policy::from_json(text)
    } else {
        Policy::from_toml(text)
    }
}

/// Check a `?policy=` value: only a path on the page's own site is taken
/// (`policies/strict.json`, `/portal/policy.toml`). Anything that names
/// another site or a scheme (`https://…`, `//host/…`, `data:…`) is refused
/// with a message saying so. The browser check of the resolved address's
/// origin and the fetch's same-origin mode come on top of this.
pub fn check_param(value: &str) -> Result<String, String> {
    let v = value.trim();
    let refuse = |why: &str| {
        Err(format!(
            "The policy address '{v}' was not used: {why}. A portal gives the policy as a path on this same site, like ?policy=policies/strict.json. lcscan is using its built-in default policy."
        ))
    };
    if v.is_empty() {
        return refuse("it is empty");
    }
    if v.chars().any(|c| c.is_control() || c == '\\') {
        return refuse("it contains characters a path on this site cannot have");
    }
    if v.starts_with("//") {
        return refuse("it names another site");
    }
    // A scheme: letters, digits, + - . before the first ':' that comes
    // before any '/', '?' or '#'.
    let head = v.split(['/', '?', '#']).next().unwrap_or("");
    if head.contains(':') {
        return refuse("only a path on this site is accepted, not a full address");
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_paths_are_taken() {
        for ok in [
            "policies/strict.json",
            "./policy.toml",
            "/portal/policies/lab.json",
            "../shared/policy.json",
            "p.json?v=3",
        ] {
            assert_eq!(check_param(ok).as_deref(), Ok(ok), "{ok}");
        }
    }

    #[test]
    fn other_sites_and_schemes_are_refused_with_a_message() {
        for bad in [
            "https://evil.example/policy.json",
            "http://127.0.0.1:9/policy.json",
            "//evil.example/policy.json",
            "data:application/json,{}",
            "javascript:alert(1)",
            "HTTPS://x/y",
            "\\\\evil\\p.json",
            "",
        ] {
            let err = check_param(bad).unwrap_err();
            assert!(err.contains("built-in default"), "{bad}: {err}");
            assert!(err.contains("same site"), "{bad}: {err}");
        }
    }

    #[test]
    fn policies_are_read_as_json_or_toml_and_described() {
        let json = InForce::from_text(
            r#"{"name": "Portal strict", "version": "2", "disabled_rules": ["LC005"]}"#,
            Source::Portal("policies/strict.json".into()),
        )
        .unwrap();
        assert_eq!(
            (json.name.as_str(), json.version.as_str()),
            ("Portal strict", "2")
        );
        assert_eq!(
            json.describe(),
            "Portal strict (version 2), set by your organisation (policies/strict.json)"
        );
        let toml = InForce::from_text(
            "\u{feff}name = \"Lab\"\nversion = \"0.3\"\n",
            Source::File("lab.toml".into()),
        )
        .unwrap();
        assert_eq!(toml.name, "Lab");
        assert!(toml
            .describe()
            .contains("from the file you chose (lab.toml)"));
        let built_in = InForce::built_in();
        assert!(built_in.text.is_empty());
        assert!(built_in.describe().starts_with("built-in default: "));
        let err = InForce::from_text("{\"nope\": 1}", Source::BuiltIn).unwrap_err();
        assert_eq!(err.code(), "invalid-policy");
        assert!(InForce::from_text("name = [", Source::BuiltIn).is_err());
    }
}
