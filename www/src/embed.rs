//! The module API for portals, in the same WebAssembly module as the page:
//!
//! ```js
//! import init, { scan, version, formats } from './lcscan.js';
//! await init();
//! const report = scan(bytes, 'flow.json', policy); // the CLI's --format json report
//! ```
//!
//! `lcscan.js` wraps these exports; `lcscan.d.ts` describes them. A scan runs
//! on the caller's thread and makes no network request.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use lcscan::baseline::{self, Date, Exceptions};
use lcscan::render::{self, Format};

/// Why a scan was refused: the engine's error code and plain message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: String,
    pub message: String,
}

/// Scan with an optional policy (TOML or JSON text) and answer the report
/// exactly as `lcscan scan --format json` writes it. Pure, tested natively.
pub fn scan_json(bytes: &[u8], file_name: &str, policy: Option<&str>) -> Result<String, Refused> {
    scan_json_with(bytes, file_name, policy, None, "")
}

/// [`scan_json`] with an exceptions file (TOML or JSON) applied as of
/// `today` (`YYYY-MM-DD`), like `lcscan scan --baseline FILE --today DATE`.
pub fn scan_json_with(
    bytes: &[u8],
    file_name: &str,
    policy: Option<&str>,
    exceptions: Option<&str>,
    today: &str,
) -> Result<String, Refused> {
    let refused = |e: lcscan::ScanError| Refused {
        code: e.code().to_string(),
        message: e.to_string(),
    };
    let policy = crate::policy::parse(policy.unwrap_or("")).map_err(refused)?;
    let exceptions = match exceptions {
        Some(text) if !text.trim().is_empty() => {
            Some(Exceptions::parse(text).map_err(|e| Refused {
                code: "invalid-exceptions".into(),
                message: e.to_string(),
            })?)
        }
        _ => None,
    };
    let mut report = lcscan::scan(bytes, file_name, &policy).map_err(refused)?;
    if let Some(exceptions) = exceptions {
        let Some(today) = Date::parse(today) else {
            return Err(Refused {
                code: "invalid-date".into(),
                message: format!("`today` must be a date like 2026-11-23, not '{today}'."),
            });
        };
        baseline::apply(&mut report, &exceptions, today);
    }
    Ok(render::render(&report, Format::Json))
}

#[derive(Serialize)]
struct FormatInfo {
    /// The platform id used in reports (`power-automate`).
    id: serde_json::Value,
    /// Its name for people (`Power Automate`).
    name: &'static str,
}

/// The platforms the engine reads, as JSON: `[{"id":"n8n","name":"n8n"}, …]`.
pub fn formats_json() -> String {
    let list: Vec<FormatInfo> = lcscan::platforms::PARSERS
        .iter()
        .map(|p| FormatInfo {
            id: serde_json::to_value(p.platform).unwrap_or_default(),
            name: p.platform.display_name(),
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

fn js_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error.into()
}

/// `policy` from JavaScript: undefined/null (default), TOML or JSON text, or
/// a policy object.
fn policy_text(policy: &JsValue) -> Result<Option<String>, JsValue> {
    if policy.is_undefined() || policy.is_null() {
        return Ok(None);
    }
    if let Some(text) = policy.as_string() {
        return Ok(Some(text));
    }
    if policy.is_object() {
        return js_sys::JSON::stringify(policy)
            .ok()
            .and_then(|s| s.as_string())
            .map(Some)
            .ok_or_else(|| {
                js_error(
                    "invalid-policy",
                    "The policy object could not be read (it cannot be written as JSON).",
                )
            });
    }
    Err(js_error(
        "invalid-policy",
        "The policy must be TOML or JSON text, a policy object, or left out for the default.",
    ))
}

/// Scan one export. Returns the report object (the CLI's JSON report);
/// throws an `Error` with a `code` (`broken-zip`, `invalid-policy`, …) and a
/// plain-language message when the file cannot be checked. `options` may
/// give `exceptions` (an exceptions file's text) and `today` (`YYYY-MM-DD`,
/// default: the browser's date).
#[wasm_bindgen(js_name = scan)]
pub fn scan(
    bytes: &[u8],
    file_name: &str,
    policy: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let policy = policy_text(&policy)?;
    let option = |key: &str| -> Option<String> {
        if !options.is_object() {
            return None;
        }
        js_sys::Reflect::get(&options, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    let today = option("today").unwrap_or_else(crate::bridge::today);
    let json = scan_json_with(
        bytes,
        file_name,
        policy.as_deref(),
        option("exceptions").as_deref(),
        &today,
    )
    .map_err(|r| js_error(&r.code, &r.message))?;
    js_sys::JSON::parse(&json)
        .map_err(|_| js_error("internal", "lcscan could not read its own report."))
}

/// The lcscan version (`0.1.0`).
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The platforms lcscan reads: `[{ id, name }]`.
#[wasm_bindgen(js_name = formats)]
pub fn formats() -> JsValue {
    js_sys::JSON::parse(&formats_json()).unwrap_or_else(|_| js_sys::Array::new().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RISKY: &[u8] = include_bytes!("../samples/n8n-lead-intake.json");

    #[test]
    fn the_module_report_is_the_cli_json_report() {
        let json = scan_json(RISKY, "n8n-lead-intake.json", None).unwrap();
        let policy = lcscan::Policy::default();
        let report = lcscan::scan(RISKY, "n8n-lead-intake.json", &policy).unwrap();
        assert_eq!(json, render::render(&report, Format::Json));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"] == "LC001"));
    }

    #[test]
    fn a_policy_is_used_and_errors_carry_the_engine_code() {
        let json = scan_json(
            RISKY,
            "a.json",
            Some(r#"{"name":"Portal","version":"3","disabled_rules":["LC001"]}"#),
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["tool"]["policy"], "Portal");
        assert!(!v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"] == "LC001"));
        let err = scan_json(RISKY, "a.json", Some("{\"x\":1}")).unwrap_err();
        assert_eq!(err.code, "invalid-policy");
        let err = scan_json(b"", "a.json", None).unwrap_err();
        assert_eq!(err.code, "empty");
    }

    #[test]
    fn formats_lists_every_parser() {
        let v: serde_json::Value = serde_json::from_str(&formats_json()).unwrap();
        let list = v.as_array().unwrap();
        assert_eq!(list.len(), lcscan::platforms::PARSERS.len());
        assert!(list
            .iter()
            .any(|f| f["id"] == "power-automate" && f["name"] == "Power Automate"));
    }

    #[test]
    fn exceptions_are_applied_as_of_the_given_day() {
        let plain: serde_json::Value =
            serde_json::from_str(&scan_json(RISKY, "a.json", None).unwrap()).unwrap();
        let fp = plain["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_string();
        let file = format!(
            "format_version = 1\n[[exception]]\nfingerprint = \"{fp}\"\naccepted_by = \"Jo\"\nreason = \"Test\"\naccepted_on = \"2026-01-01\"\nexpires = \"2026-12-31\"\n"
        );
        let json = scan_json_with(RISKY, "a.json", None, Some(&file), "2026-11-23").unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["exceptions"][0]["status"], "accepted");
        assert_eq!(
            v["findings"].as_array().unwrap().len() + 1,
            plain["findings"].as_array().unwrap().len()
        );
        let json = scan_json_with(RISKY, "a.json", None, Some(&file), "2027-01-01").unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["exceptions"][0]["status"], "expired");
        let err = scan_json_with(
            RISKY,
            "a.json",
            None,
            Some("format_version = 9"),
            "2026-11-23",
        )
        .unwrap_err();
        assert_eq!(err.code, "invalid-exceptions");
        let err = scan_json_with(RISKY, "a.json", None, Some(&file), "tomorrow").unwrap_err();
        assert_eq!(err.code, "invalid-date");
    }
}
