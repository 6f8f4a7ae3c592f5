//! Small helpers every parser uses. Platform-specific logic stays in the
//! platform's own module.

use serde_json::Value as Json;

use crate::model::Location;

/// Call `f(key, text, location)` for every string under `value`.
///
/// `key` is the nearest object key; inside arrays of `{name, value}` or
/// `{key, value}` pairs (how most platforms store headers and parameters) the
/// pair's name is used as the key of its value.
pub fn walk_strings(
    value: &Json,
    key: &str,
    loc: &Location,
    f: &mut dyn FnMut(&str, &str, &Location),
) {
    // One location whose path grows and shrinks as the walk goes down and
    // back up: a path is only ever built once per level, not per value.
    let mut at = loc.clone();
    // Room for a few levels below: the path then rarely grows in steps.
    at.path.reserve(64);
    walk(value, key, &mut at, f, 0);
}

const MAX_WALK_DEPTH: usize = 128;

fn walk(
    value: &Json,
    key: &str,
    loc: &mut Location,
    f: &mut dyn FnMut(&str, &str, &Location),
    depth: usize,
) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    match value {
        Json::String(s) => f(key, s, loc),
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if !holds_strings(item) {
                    continue;
                }
                let len = loc.path.len();
                push_index(&mut loc.path, i);
                walk(item, key, loc, f, depth + 1);
                loc.path.truncate(len);
            }
        }
        Json::Object(map) => {
            let pair = pair(map);
            if let Some((name, inner)) = pair {
                if holds_strings(inner) {
                    let len = loc.path.len();
                    push_token(&mut loc.path, pair_value_key(map));
                    walk(inner, name, loc, f, depth + 1);
                    loc.path.truncate(len);
                }
            }
            for (k, v) in map {
                if (pair.is_some() && is_pair_key(k)) || !holds_strings(v) {
                    continue;
                }
                let len = loc.path.len();
                push_token(&mut loc.path, k);
                walk(v, k, loc, f, depth + 1);
                loc.path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Numbers, booleans and null hold no string to visit.
fn holds_strings(value: &Json) -> bool {
    matches!(value, Json::String(_) | Json::Array(_) | Json::Object(_))
}

/// `path` + `/` + the array index (as [`Location::index`] builds it).
fn push_index(path: &mut String, i: usize) {
    path.push('/');
    match u8::try_from(i) {
        Ok(d @ 0..=9) => path.push(char::from(b'0' + d)),
        _ => path.push_str(&i.to_string()),
    }
}

/// `path` + `/` + the escaped key (as [`Location::child`] builds it).
fn push_token(path: &mut String, key: &str) {
    path.push('/');
    if key.contains(['~', '/']) {
        path.push_str(&crate::model::escape_pointer_token(key));
    } else {
        path.push_str(key);
    }
}

fn pair(map: &serde_json::Map<String, Json>) -> Option<(&str, &Json)> {
    // `value` first: most objects have none, and then one lookup decides.
    let value = map.get("value")?;
    let name = map
        .get("name")
        .or_else(|| map.get("key"))
        .and_then(Json::as_str)?;
    Some((name, value))
}

fn pair_value_key(_map: &serde_json::Map<String, Json>) -> &'static str {
    "value"
}

fn is_pair_key(k: &str) -> bool {
    matches!(k, "name" | "key" | "value")
}

/// An endpoint for every literal URL value that has a host (expressions and
/// relative paths are not addresses yet).
pub fn url_endpoints(values: &[crate::model::Value]) -> Vec<crate::model::Endpoint> {
    values
        .iter()
        .filter(|v| {
            v.context == crate::model::ValueContext::Url
                && v.kind != crate::model::ValueKind::Expression
        })
        .filter_map(|v| {
            host_of(&v.value).map(|host| crate::model::Endpoint {
                url: v.value.clone(),
                host: Some(host),
                step_id: v.step_id.as_deref().map(str::to_string),
                location: v.location.clone(),
            })
        })
        .collect()
}

/// The lower-case host of an absolute http(s)/ftp URL, if it has a literal one.
pub fn host_of(url: &str) -> Option<String> {
    let url = url.trim();
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map(|h| format!("{h}]"))?
    } else {
        host_port.split(':').next()?.to_string()
    };
    let host = host.to_ascii_lowercase();
    let literal = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':'));
    literal.then_some(host)
}

/// A string field of a JSON object.
pub fn str_at<'a>(value: &'a Json, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Json::as_str)
}

/// Call `f` with an entry's XML document — the one parsed at ingest when it
/// is still kept, else a fresh parse. A document that does not parse gets a
/// note (`"{what}not read: …"`) instead; an entry that is not XML, nothing.
pub fn with_entry_xml(
    entry: &crate::ingest::Entry,
    notes: &mut Vec<crate::report::Note>,
    what: &str,
    f: impl for<'d> FnOnce(&'d roxmltree::Document<'d>),
) {
    let Some(text) = entry.xml() else { return };
    crate::ingest::with_parsed_xml(text, |doc| match doc {
        Ok(doc) => f(doc),
        Err(e) => notes.push(crate::report::Note {
            file: entry.display_path.clone(),
            message: format!("{what}not read: {e}"),
        }),
    })
}

/// Whether `key` names a field that holds a secret: it contains one of the
/// parser's `words` (lower case; matched in any case) and does not merely
/// describe or point to a secret (`apiKeyName`, `tokenUrl`). The cheap word
/// test runs first: tokenising the key is only worth it for the few keys
/// that look like a secret's.
pub fn names_secret_field(key: &str, words: &[&str]) -> bool {
    words.iter().any(|w| contains_ignore_ascii_case(key, w))
        && !crate::detect::secrets::key_names_something_else(key)
}

/// Whether `haystack` contains `needle`, ASCII letters compared without case
/// (no lower-cased copy of either).
pub fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn contains_ignore_ascii_case_matches_any_case() {
        assert!(contains_ignore_ascii_case("X-API-Key", "api-key"));
        assert!(contains_ignore_ascii_case("userPassword", "PASSWORD"));
        assert!(contains_ignore_ascii_case("anything", ""));
        assert!(!contains_ignore_ascii_case("pass", "password"));
        assert!(!contains_ignore_ascii_case("api_key", "api-key"));
    }

    #[test]
    fn pairs_use_their_name_as_key() {
        let v = json!({"parameters": [{"name": "Authorization", "value": "Bearer x"}], "url": "https://a"});
        let mut seen = Vec::new();
        walk_strings(&v, "", &Location::new("f", ""), &mut |k, s, l| {
            seen.push((k.to_string(), s.to_string(), l.path.clone()))
        });
        assert!(seen.contains(&(
            "Authorization".into(),
            "Bearer x".into(),
            "/parameters/0/value".into()
        )));
        assert!(seen.contains(&("url".into(), "https://a".into(), "/url".into())));
    }

    #[test]
    fn host_of_handles_userinfo_ports_and_expressions() {
        assert_eq!(
            host_of("https://u:p@API.Example.com:8443/x?y").as_deref(),
            Some("api.example.com")
        );
        assert_eq!(host_of("http://10.0.0.1/path").as_deref(), Some("10.0.0.1"));
        assert_eq!(host_of("={{ $json.url }}"), None);
        assert_eq!(host_of("https://{{ $env.HOST }}/x"), None);
    }
}
