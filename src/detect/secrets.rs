//! Hard-coded secret detection, driven by the patterns in `rules/secrets.toml`.
//!
//! Per value, in linear time: one case-insensitive Aho-Corasick pass finds the
//! patterns whose keywords occur; only those regexes run (compiled once, on
//! bytes, Unicode off); each match then passes the pattern's validator, the
//! entropy floor and the placeholder / expression allowlist. Besides patterns,
//! the key a literal sits under is evidence too (`password`, `apiKey`,
//! `client_secret`…): a random-looking literal there is a "generic" secret.
//! Overlapping hits are reduced to one per span, the most specific winning.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, Anchored, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::model::{Value, ValueContext, ValueKind};

const SECRETS_TOML: &str = include_str!("../../rules/secrets.toml");

/// How sure a detector is that a string is a live secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// One secret found inside a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHit {
    /// Pattern id from `rules/secrets.toml`, e.g. `stripe-live-secret-key`.
    pub pattern_id: String,
    /// Plain name: "Stripe live secret key".
    pub name: String,
    /// What an attacker can do with it and how to rotate it.
    pub impact: String,
    pub confidence: Confidence,
    /// Byte range of the secret inside the value.
    pub start: usize,
    pub end: usize,
}

/// What `lcscan rules` and the page list about one pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternInfo {
    pub id: String,
    pub name: String,
    pub impact: String,
    /// The service that issues the credential; `generic` when not tied to one.
    pub provider: String,
}

/// Pattern id of hits that come from the key a value sits under.
pub const GENERIC_PASSWORD_ID: &str = "generic-password";
pub const GENERIC_SECRET_ID: &str = "generic-secret";
pub const GENERIC_CONNECTION_STRING_ID: &str = "generic-connection-string";
/// `provider` of patterns not tied to one service.
pub const GENERIC_PROVIDER: &str = "generic";

/// Distinct services whose credentials the patterns recognise (generic ones not counted).
pub fn provider_count() -> usize {
    let mut providers: Vec<&str> = engine()
        .patterns
        .iter()
        .map(|p| p.provider.as_str())
        .filter(|p| *p != GENERIC_PROVIDER)
        .collect();
    providers.sort_unstable();
    providers.dedup();
    providers.len()
}

/// Find secrets in one value (the caller masks before showing anything).
/// Values computed at run time (`ValueKind::Expression`) never hold a hit.
pub fn scan_value(value: &Value) -> Vec<SecretHit> {
    if value.kind == ValueKind::Expression {
        return Vec::new();
    }
    // An order's own token in saved sample data names nothing: patterns
    // still run, the key name is no evidence.
    let key = if is_saved_order_token(value) {
        ""
    } else {
        value.key.as_str()
    };
    scan(key, &value.value, value.context)
}

/// A Shopify order or checkout `token` in a saved webhook body (n8n pinned
/// data, sample records): 32 lower-case hex characters under a bare `token`
/// key. It identifies the order, it grants nothing. Not when the saved
/// request carried it as a query parameter or header: that is how webhook
/// callers pass a shared secret (`?token=…`).
fn is_saved_order_token(value: &Value) -> bool {
    if value.context != ValueContext::SampleData || !value.key.eq_ignore_ascii_case("token") {
        return false;
    }
    let text = value.value.as_bytes();
    if text.len() != 32
        || !text
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    {
        return false;
    }
    let parent = value.location.path.rsplit('/').nth(1).unwrap_or("");
    ![
        "query",
        "headers",
        "params",
        "searchParams",
        "queryParameters",
    ]
    .iter()
    .any(|p| parent.eq_ignore_ascii_case(p))
}

/// Find secrets in free text (code, a SQL query, a body) that sits under `key`.
/// Expressions inside the text (`{{ … }}`, `@{…}`, `{!…}`) are skipped.
pub fn scan_text(key: &str, text: &str) -> Vec<SecretHit> {
    scan(key, text, ValueContext::Parameter)
}

/// Every secret pattern, in file order, plus the key-name based generic ones.
pub fn all_patterns() -> Vec<PatternInfo> {
    let mut out: Vec<PatternInfo> = engine()
        .patterns
        .iter()
        .map(|p| PatternInfo {
            id: p.id.clone(),
            name: p.name.clone(),
            impact: p.impact.clone(),
            provider: p.provider.clone(),
        })
        .collect();
    for kind in [
        KeyKind::Password,
        KeyKind::ConnectionString,
        KeyKind::Secret,
    ] {
        let (id, name, impact) = kind.describe();
        out.push(PatternInfo {
            id: id.into(),
            name: name.into(),
            impact: impact.into(),
            provider: GENERIC_PROVIDER.into(),
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Loading

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    allowlist: AllowlistDef,
    pattern: Vec<PatternDef>,
}

/// `[allowlist]`: values that are never secrets.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowlistDef {
    #[serde(default)]
    expression_markers: Vec<String>,
    #[serde(default)]
    placeholder_contains: Vec<String>,
    #[serde(default)]
    placeholder_whole: Vec<String>,
    #[serde(default)]
    documentation_keys: Vec<String>,
    #[serde(default)]
    known_words: Vec<String>,
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    examples: Vec<String>,
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    negative_examples: Vec<String>,
}

/// The allowlist, compiled.
#[derive(Default)]
struct Allowlist {
    expression_ac: Option<dfa::DFA>,
    placeholder_ac: Option<dfa::DFA>,
    placeholder_whole: Vec<String>,
    documentation_keys: Vec<String>,
    /// Lowercase words the vowel heuristic misses (`is`, `my`, `http`, `json`).
    known_words: Vec<String>,
    #[cfg(test)]
    def: AllowlistDef,
}

impl Allowlist {
    fn compile(def: AllowlistDef, errors: &mut Vec<String>) -> Allowlist {
        let build = |list: &[String], errors: &mut Vec<String>| {
            if list.is_empty() {
                return None;
            }
            match dfa::Builder::new()
                .ascii_case_insensitive(true)
                .prefilter(false)
                .build(list)
            {
                Ok(ac) => Some(ac),
                Err(e) => {
                    errors.push(format!("allowlist: {e}"));
                    None
                }
            }
        };
        Allowlist {
            expression_ac: build(&def.expression_markers, errors),
            placeholder_ac: build(&def.placeholder_contains, errors),
            placeholder_whole: def.placeholder_whole.clone(),
            documentation_keys: def.documentation_keys.clone(),
            known_words: def
                .known_words
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect(),
            #[cfg(test)]
            def,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternDef {
    id: String,
    name: String,
    #[serde(default)]
    provider: String,
    impact: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    key_names: Vec<String>,
    #[serde(default)]
    requires: Vec<String>,
    regex: String,
    min_entropy: Option<f64>,
    validator: Option<String>,
    confidence: Option<String>,
    #[serde(default)]
    generic: bool,
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    examples: Vec<String>,
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    negative_examples: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Validator {
    None,
    GithubChecksum,
    Jwt,
    BasicAuth,
    Luhn,
}

struct Pattern {
    id: String,
    name: String,
    provider: String,
    impact: String,
    regex: LazyRegex,
    min_entropy: Option<f64>,
    validator: Validator,
    confidence: Confidence,
    generic: bool,
    /// Some pattern needs at least one of these (AC ids) present too.
    requires: Vec<usize>,
    #[cfg(test)]
    def: PatternDef,
}

/// A pattern's regex, built the first time a scan needs it.
struct LazyRegex {
    source: String,
    compiled: OnceLock<Result<Regex, String>>,
}

impl LazyRegex {
    fn compiled(&self) -> &Result<Regex, String> {
        self.compiled.get_or_init(|| {
            RegexBuilder::new(&self.source)
                .unicode(false)
                .size_limit(8 * 1024 * 1024)
                .build()
                .map_err(|e| e.to_string())
        })
    }

    /// The regex, or `None` if it does not compile (a test rules that out).
    fn get(&self) -> Option<&Regex> {
        self.compiled().as_ref().ok()
    }
}

struct Engine {
    patterns: Vec<Pattern>,
    allowlist: Allowlist,
    /// Keywords and `requires` strings, all in one automaton.
    ac: Option<dfa::DFA>,
    /// AC pattern id → patterns that list it as a keyword.
    keyword_owners: Vec<Vec<usize>>,
    /// Normalised key name → patterns that apply under it.
    key_patterns: HashMap<String, Vec<usize>>,
    /// Problems met while loading (a test asserts there are none).
    #[cfg_attr(not(test), allow(dead_code))]
    errors: Vec<String>,
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::load(SECRETS_TOML))
}

impl Engine {
    fn load(text: &str) -> Engine {
        let mut errors = Vec::new();
        let (defs, allowlist) = match toml::from_str::<RuleFile>(text) {
            Ok(file) => (file.pattern, file.allowlist),
            Err(e) => {
                errors.push(format!("secrets.toml: {e}"));
                (Vec::new(), AllowlistDef::default())
            }
        };
        let allowlist = Allowlist::compile(allowlist, &mut errors);
        let mut strings: Vec<String> = Vec::new();
        let mut string_ids: HashMap<String, usize> = HashMap::new();
        let mut keyword_owners: Vec<Vec<usize>> = Vec::new();
        let mut key_patterns: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns = Vec::new();
        let mut intern = |s: &str, strings: &mut Vec<String>, owners: &mut Vec<Vec<usize>>| {
            let s = s.to_ascii_lowercase();
            if let Some(&id) = string_ids.get(&s) {
                return id;
            }
            strings.push(s.clone());
            owners.push(Vec::new());
            let id = strings.len() - 1;
            string_ids.insert(s, id);
            id
        };
        for def in defs {
            // Compiled on first use: a scan needs the few patterns whose
            // keywords occur, and building all of them up front was most of
            // the engine's one-time set-up. A test compiles every one.
            let regex = LazyRegex {
                source: def.regex.clone(),
                compiled: OnceLock::new(),
            };
            let validator = match def.validator.as_deref() {
                None => Validator::None,
                Some("github-checksum") => Validator::GithubChecksum,
                Some("jwt") => Validator::Jwt,
                Some("basic-auth") => Validator::BasicAuth,
                Some("luhn") => Validator::Luhn,
                Some(other) => {
                    errors.push(format!("{}: unknown validator {other}", def.id));
                    continue;
                }
            };
            let confidence = match def.confidence.as_deref() {
                None | Some("high") => Confidence::High,
                Some("medium") => Confidence::Medium,
                Some("low") => Confidence::Low,
                Some(other) => {
                    errors.push(format!("{}: unknown confidence {other}", def.id));
                    continue;
                }
            };
            if def.keywords.is_empty() && def.key_names.is_empty() {
                errors.push(format!("{}: needs keywords or key_names", def.id));
                continue;
            }
            let index = patterns.len();
            for kw in &def.keywords {
                let id = intern(kw, &mut strings, &mut keyword_owners);
                if let Some(owners) = keyword_owners.get_mut(id) {
                    owners.push(index);
                }
            }
            let requires = def
                .requires
                .iter()
                .map(|r| intern(r, &mut strings, &mut keyword_owners))
                .collect();
            for key in &def.key_names {
                key_patterns
                    .entry(normalize_key(key))
                    .or_default()
                    .push(index);
            }
            if def.provider.trim().is_empty() {
                errors.push(format!("{}: needs a provider", def.id));
            }
            patterns.push(Pattern {
                id: def.id.clone(),
                name: def.name.clone(),
                provider: def.provider.clone(),
                impact: def.impact.clone(),
                regex,
                min_entropy: def.min_entropy,
                validator,
                confidence,
                generic: def.generic,
                requires,
                #[cfg(test)]
                def,
            });
        }
        let ac = match dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&strings)
        {
            Ok(ac) => Some(ac),
            Err(e) => {
                errors.push(format!("keyword automaton: {e}"));
                None
            }
        };
        Engine {
            patterns,
            allowlist,
            ac,
            keyword_owners,
            key_patterns,
            errors,
        }
    }
}

// ---------------------------------------------------------------------------
// Scanning

/// A hit before overlap resolution; `rank` orders specificity (lower wins)
/// and its second part is the pattern's index. Names are copied into a
/// [`SecretHit`] only for the candidates that survive.
struct Candidate {
    rank: (bool, usize),
    start: usize,
    end: usize,
}

fn scan(key: &str, text: &str, context: ValueContext) -> Vec<SecretHit> {
    if text.is_empty() {
        return Vec::new();
    }
    let engine = engine();
    let expressions = expression_spans(text);
    let mut candidates: Vec<Candidate> = Vec::new();

    // Which keywords and `requires` strings occur (AC ids, each once). Most
    // values hold none or a few, so a short list beats a table per value.
    let mut seen: Vec<usize> = Vec::new();
    if let Some(ac) = &engine.ac {
        keyword_hits(ac, text.as_bytes(), &mut seen);
    }
    // Patterns whose keyword occurs or that apply under this key, in file order.
    let mut wanted: Vec<usize> = Vec::new();
    for &id in &seen {
        if let Some(owners) = engine.keyword_owners.get(id) {
            wanted.extend_from_slice(owners);
        }
    }
    let hinted = has_key_hint(key);
    if hinted {
        if let Some(list) = engine.key_patterns.get(&normalize_key(key)) {
            wanted.extend_from_slice(list);
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    for index in wanted {
        let Some(pattern) = engine.patterns.get(index) else {
            continue;
        };
        if !pattern.requires.is_empty() && !pattern.requires.iter().any(|r| seen.contains(r)) {
            continue;
        }
        for (start, end) in pattern_matches(pattern, text) {
            if overlaps_any(&expressions, start, end) {
                continue;
            }
            candidates.push(Candidate {
                rank: (pattern.generic, index),
                start,
                end,
            });
        }
    }

    let mut hits: Vec<SecretHit> = resolve_overlaps(candidates)
        .into_iter()
        .filter_map(|c| {
            let pattern = engine.patterns.get(c.rank.1)?;
            let mut hit = SecretHit {
                pattern_id: pattern.id.clone(),
                name: pattern.name.clone(),
                impact: pattern.impact.clone(),
                confidence: pattern.confidence,
                start: c.start,
                end: c.end,
            };
            if pattern.validator == Validator::Jwt {
                if let Some(token) = text.get(c.start..c.end) {
                    describe_jwt_expiry(&mut hit, token);
                }
            }
            Some(hit)
        })
        .collect();
    if let Some(generic) = key_evidence(key, hinted, text, context, &expressions, &hits) {
        if !hits
            .iter()
            .any(|h| h.start < generic.end && generic.start < h.end)
        {
            hits.push(generic);
        }
    }
    hits.sort_by_key(|h| (h.start, h.end));
    hits
}

/// Overlapping, ASCII-case-insensitive search for every keyword: pushes the
/// id of each one that occurs (once). A plain loop over the DFA's transitions
/// (built without a prefilter, so only match states are special) keeps the
/// state in a register; the generic `find_overlapping_iter` costs about three
/// times as much per byte.
fn keyword_hits(ac: &dfa::DFA, haystack: &[u8], seen: &mut Vec<usize>) {
    let Ok(mut sid) = ac.start_state(Anchored::No) else {
        return;
    };
    let mut note = |sid| {
        for i in 0..ac.match_len(sid) {
            let id = ac.match_pattern(sid, i).as_usize();
            if !seen.contains(&id) {
                seen.push(id);
            }
        }
    };
    // Only an empty keyword would match here; kept for parity with the iterator.
    if ac.is_match(sid) {
        note(sid);
    }
    for &b in haystack {
        sid = ac.next_state(Anchored::No, sid, b);
        if ac.is_special(sid) {
            if ac.is_dead(sid) {
                return;
            }
            if ac.is_match(sid) {
                note(sid);
            }
        }
    }
}

/// Whether any of the automaton's strings occurs in `haystack` (the same
/// plain loop as [`keyword_hits`]; short strings make the setup of
/// `AhoCorasick::is_match` cost more than the search).
fn dfa_is_match(ac: &dfa::DFA, haystack: &[u8]) -> bool {
    let Ok(mut sid) = ac.start_state(Anchored::No) else {
        return false;
    };
    if ac.is_match(sid) {
        return true;
    }
    for &b in haystack {
        sid = ac.next_state(Anchored::No, sid, b);
        if ac.is_special(sid) {
            return ac.is_match(sid);
        }
    }
    false
}

/// Spans of one pattern in `text` that pass its checks.
fn pattern_matches(pattern: &Pattern, text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let Some(regex) = pattern.regex.get() else {
        return out;
    };
    // Most candidates do not match at all; the lazy DFA answers that fastest.
    if !regex.is_match(text.as_bytes()) {
        return out;
    }
    for caps in regex.captures_iter(text.as_bytes()) {
        // The secret is the first capture group that took part, else the match.
        let Some(m) = caps.iter().skip(1).flatten().next().or_else(|| caps.get(0)) else {
            continue;
        };
        let (start, end) = (m.start(), m.end());
        let Some(secret) = text.get(start..end) else {
            continue;
        };
        if accept(pattern, secret) {
            out.push((start, end));
        }
    }
    out
}

fn accept(pattern: &Pattern, secret: &str) -> bool {
    if is_expression(secret) || is_placeholder(secret) {
        return false;
    }
    if let Some(floor) = pattern.min_entropy {
        if shannon_entropy(secret) < floor {
            return false;
        }
    }
    match pattern.validator {
        Validator::None => true,
        Validator::GithubChecksum => github_checksum_ok(secret),
        Validator::Jwt => jwt_ok(secret),
        Validator::BasicAuth => basic_auth_ok(secret),
        Validator::Luhn => luhn_ok(secret),
    }
}

/// Keep one hit per span: the lowest rank (specific before generic, then file order).
fn resolve_overlaps(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    if candidates.len() <= 1 {
        return candidates;
    }
    candidates.sort_by_key(|c| (c.rank, c.start));
    let mut kept: Vec<Candidate> = Vec::new();
    for c in candidates {
        if kept.iter().any(|k| k.start < c.end && c.start < k.end) {
            continue;
        }
        kept.push(c);
    }
    kept
}

fn overlaps_any(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    spans.iter().any(|&(s, e)| s < end && start < e)
}

// ---------------------------------------------------------------------------
// Key-name evidence

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Password,
    ConnectionString,
    Secret,
}

impl KeyKind {
    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            KeyKind::Password => (
                GENERIC_PASSWORD_ID,
                "Password",
                "A password is written in plain text where anyone who can read the app or its export can copy it. Change the password in the system it belongs to and use the platform's credential or connection instead.",
            ),
            KeyKind::ConnectionString => (
                GENERIC_CONNECTION_STRING_ID,
                "Connection string with a secret",
                "The connection string carries a key or password, so anyone who reads it can connect to the database or service. Rotate the key or password and keep the connection string in a stored connection or key vault.",
            ),
            KeyKind::Secret => (
                GENERIC_SECRET_ID,
                "API key or token",
                "A key or token is written in plain text where anyone who can read the app or its export can use it to act as your app. Revoke or rotate it in the service that issued it and reference a stored credential instead.",
            ),
        }
    }
}

/// Split a key into lowercase words: camelCase, snake_case, kebab-case, dotted,
/// spaces and Salesforce `__c` suffixes all separate words.
pub fn tokenize_key(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_key_word(key, &mut |w| {
        words.push(w.to_string());
        false
    });
    words
}

/// Whether any word of `key` (as [`tokenize_key`] splits it) passes `test`;
/// stops at the first that does, and copies no word.
pub fn any_key_word(key: &str, mut test: impl FnMut(&str) -> bool) -> bool {
    for_each_key_word(key, &mut test)
}

/// Calls `f` with each lower-cased word of `key` in turn, in one reused
/// buffer, until `f` returns true (then returns true).
fn for_each_key_word(key: &str, f: &mut dyn FnMut(&str) -> bool) -> bool {
    // Salesforce custom fields end in `__c` / `__r`: that suffix is no word.
    let key = ["__c", "__r", "__C"]
        .iter()
        .find_map(|suffix| key.strip_suffix(suffix))
        .unwrap_or(key);
    let mut current = String::new();
    let mut prev: Option<char> = None;
    let mut chars = key.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                if f(&current) {
                    return true;
                }
                current.clear();
            }
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let next_lower = chars.peek().is_some_and(|n| n.is_lowercase());
            let boundary = (p.is_lowercase() && c.is_uppercase())
                || (p.is_uppercase() && c.is_uppercase() && next_lower)
                || (p.is_ascii_digit() != c.is_ascii_digit());
            if boundary && !current.is_empty() {
                if f(&current) {
                    return true;
                }
                current.clear();
            }
        }
        if c.is_ascii() {
            current.push(c.to_ascii_lowercase());
        } else {
            current.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    !current.is_empty() && f(&current)
}

/// `secretAccessKey`, `secret_access_key` → `secretaccesskey`.
fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Words that make a "secret" key name describe something else (`tokenUrl`, `secretName`).
const NOT_THE_SECRET: &[&str] = &[
    "name",
    "id",
    "ids",
    "ref",
    "reference",
    "uri",
    "url",
    "endpoint",
    "path",
    "file",
    "type",
    "label",
    "description",
    "desc",
    "expiry",
    "expires",
    "expiration",
    "expire",
    "version",
    "lifetime",
    "ttl",
    "count",
    "limit",
    "length",
    "usage",
    "max",
    "min",
    "field",
    "header",
    "param",
    "parameter",
    "location",
    "prefix",
    "mode",
    "policy",
    "required",
    "hint",
    "reset",
    "placeholder",
    "format",
    "kind",
    "property",
    "method",
    "use",
    "enabled",
    "source",
    "store",
    "vault",
    "rotation",
    "status",
    "validity",
    "hash",
    "confirm",
    "confirmation",
    // Paging and form tokens: `nextPageToken`, `cursor_token`, `csrfToken`
    // (not "page" alone: a Facebook `pageAccessToken` is a credential).
    "next",
    "cursor",
    "continuation",
    "pagination",
    "csrf",
    "xsrf",
];

/// Whether a key name only describes or points to a secret rather than
/// holding one (`apiKeyName`, `tokenUrl`, `passwordPolicy`, `nextPageToken`):
/// the parsers' "is this a password field" checks ask this first.
pub fn key_names_something_else(key: &str) -> bool {
    let words = tokenize_key(key);
    words.iter().any(|w| NOT_THE_SECRET.contains(&w.as_str())) || names_an_order_token(&words)
}

/// `cart_token`, `checkout_token` (Shopify orders and checkouts, shop
/// carts): they identify a cart or an order, they grant no access. Only
/// these two-word endings: `cart` or `checkout` alone says nothing (a
/// Checkout.com `checkout_secret_key` is a credential).
fn names_an_order_token(words: &[String]) -> bool {
    match words {
        [.., what, last] => last == "token" && (what == "cart" || what == "checkout"),
        _ => false,
    }
}

/// Cheap test before tokenising: every secret-ish key contains one of these.
#[cfg_attr(not(test), allow(dead_code))]
const KEY_HINTS: &[&str] = &[
    "pass",
    "pwd",
    "pw",
    "secret",
    "token",
    "key",
    "auth",
    "sig",
    "bearer",
    "credential",
    "conn",
    "dsn",
];

/// Whether `key` contains one of [`KEY_HINTS`], ignoring ASCII case, without
/// allocating: each position is compared only with the hints that start with
/// its letter (a test checks this agrees with a plain search for every hint).
fn has_key_hint(key: &str) -> bool {
    // Lowercase once, on the stack for ordinary keys.
    let mut buf = [0u8; 64];
    let owned: Vec<u8>;
    let k: &[u8] = match buf.get_mut(..key.len()) {
        Some(dst) => {
            for (d, s) in dst.iter_mut().zip(key.as_bytes()) {
                *d = s.to_ascii_lowercase();
            }
            dst
        }
        None => {
            owned = key.to_ascii_lowercase().into_bytes();
            &owned
        }
    };
    (0..k.len()).any(|i| {
        let rest = k.get(i..).unwrap_or_default();
        match rest.first() {
            // `pwd` starts with `pw`.
            Some(b'p') => rest.starts_with(b"pass") || rest.starts_with(b"pw"),
            Some(b's') => rest.starts_with(b"secret") || rest.starts_with(b"sig"),
            Some(b't') => rest.starts_with(b"token"),
            Some(b'k') => rest.starts_with(b"key"),
            Some(b'a') => rest.starts_with(b"auth"),
            Some(b'b') => rest.starts_with(b"bearer"),
            Some(b'c') => rest.starts_with(b"credential") || rest.starts_with(b"conn"),
            Some(b'd') => rest.starts_with(b"dsn"),
            _ => false,
        }
    })
}

/// `hinted`: what [`has_key_hint`] said about `key` (the caller knows already).
fn key_kind(key: &str, hinted: bool) -> Option<KeyKind> {
    if !hinted {
        return None;
    }
    let words = tokenize_key(key);
    if words.is_empty() {
        return None;
    }
    let has = |w: &str| words.iter().any(|x| x == w);
    if words.iter().any(|w| NOT_THE_SECRET.contains(&w.as_str())) || names_an_order_token(&words) {
        return None;
    }
    let joined: String = words.concat();
    if has("password")
        || has("passwd")
        || has("pwd")
        || has("pw")
        || has("passphrase")
        || has("passcode")
        || joined == "pass"
        || joined.ends_with("password")
    {
        return Some(KeyKind::Password);
    }
    if joined.contains("connectionstring") || joined == "connstr" || joined == "dsn" {
        return Some(KeyKind::ConnectionString);
    }
    let key_words = [
        "api",
        "access",
        "secret",
        "private",
        "subscription",
        "functions",
        "function",
        "account",
        "client",
        "master",
        "signing",
        "auth",
        "encryption",
        "shared",
        "app",
        "consumer",
        "license",
        "x",
        "ocp",
    ];
    let secretish = has("secret")
        || has("token")
        || has("apikey")
        || has("sig")
        || has("signature")
        || has("authorization")
        || has("bearer")
        || has("credential")
        || has("credentials")
        || has("privatekey")
        || has("accesskey")
        || has("secretkey")
        || joined == "auth"
        || joined == "key"
        || joined.ends_with("apikey")
        || joined.ends_with("accesstoken")
        || (has("key") && words.iter().any(|w| key_words.contains(&w.as_str())));
    secretish.then_some(KeyKind::Secret)
}

/// Keys that name the key itself (`HEROKU_API_KEY`, `X-Postmark-Server-Token`):
/// a GUID there is the key (Heroku, Postmark and Snyk keys are GUIDs), while
/// a GUID under a bare `token` or `secret` is more often an id.
fn key_names_an_api_key(key: &str) -> bool {
    let words = tokenize_key(key);
    let joined: String = words.concat();
    (words.iter().any(|w| w == "api") && words.iter().any(|w| w == "key"))
        || joined.ends_with("apikey")
        || joined.ends_with("servertoken")
        || joined.ends_with("accesstoken")
        || joined.ends_with("authtoken")
        || joined.ends_with("apitoken")
}

fn key_evidence(
    key: &str,
    hinted: bool,
    text: &str,
    context: ValueContext,
    expressions: &[(usize, usize)],
    taken: &[SecretHit],
) -> Option<SecretHit> {
    if !hinted && context != ValueContext::PasswordField {
        return None;
    }
    let (start, end) = literal_part(text, expressions)?;
    // A pattern already reported this span: the key adds nothing, so skip
    // the costlier checks below (the caller would drop this hit anyway).
    if taken.iter().any(|h| h.start < end && start < h.end) {
        return None;
    }
    let kind = match (key_kind(key, hinted), context) {
        (Some(kind), _) => kind,
        (None, ValueContext::PasswordField) => KeyKind::Password,
        (None, ValueContext::ConnectionString) => return None,
        (None, _) => return None,
    };
    let literal = text.get(start..end)?;
    if literal.len() > 8192 || is_placeholder(literal) || is_expression(literal) {
        return None;
    }
    let password_like = kind == KeyKind::Password || context == ValueContext::PasswordField;
    let accepted = if password_like {
        looks_like_password(literal)
    } else {
        looks_random(literal) || (is_guid(literal) && key_names_an_api_key(key))
    };
    if !accepted {
        return None;
    }
    let (id, name, impact) = kind.describe();
    Some(SecretHit {
        pattern_id: id.into(),
        name: name.into(),
        impact: impact.into(),
        confidence: Confidence::Medium,
        start,
        end,
    })
}

/// The longest literal stretch between expressions, trimmed.
fn literal_part(text: &str, expressions: &[(usize, usize)]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut cursor = 0;
    let consider = |s: usize, e: usize, best: &mut Option<(usize, usize)>| {
        let Some(piece) = text.get(s..e) else {
            return;
        };
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if trimmed.is_empty() {
            return;
        }
        let (ts, te) = (s + lead, s + lead + trimmed.len());
        if best.is_none_or(|(bs, be)| te - ts > be - bs) {
            *best = Some((ts, te));
        }
    };
    for &(s, e) in expressions {
        if s > cursor {
            consider(cursor, s, &mut best);
        }
        cursor = cursor.max(e);
    }
    if cursor < text.len() {
        consider(cursor, text.len(), &mut best);
    }
    best
}

fn looks_like_password(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if s.chars().count() < 4 || s.split_whitespace().count() > 2 {
        return false;
    }
    !matches!(
        lower.as_str(),
        "true" | "false" | "null" | "none" | "undefined" | "nil" | "empty" | "optional"
    )
}

/// Random enough to be a key: entropy, mixed character classes, and not a word,
/// GUID, URL, file path or `data:` URI.
pub fn looks_random(s: &str) -> bool {
    let len = s.len();
    if !(10..=8192).contains(&len) || s.chars().any(char::is_whitespace) {
        return false;
    }
    if s.as_bytes()
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"data:"))
        || s.contains("://")
        || is_guid(s)
        || is_salesforce_id(s)
        || s.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    // Dotted names and paths: `api.example.com`, `/var/lib/app.json`.
    if s.starts_with('/') || s.starts_with("./") {
        return false;
    }
    let floor = if len < 20 { 2.9 } else { 3.2 };
    if shannon_entropy(s) < floor {
        return false;
    }
    let classes = [
        s.bytes().any(|b| b.is_ascii_lowercase()),
        s.bytes().any(|b| b.is_ascii_uppercase()),
        s.bytes().any(|b| b.is_ascii_digit()),
        s.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|&&c| c).count() < 2 {
        return false;
    }
    !is_word_like(s)
}

/// True for text made of readable words (`SuperLongConfigurationName`,
/// `my_app_config`), which is a name, not a key.
pub fn is_word_like(s: &str) -> bool {
    let short_words = &engine().allowlist.known_words;
    let mut wordy = 0usize;
    let mut total = 0usize;
    let mut long_word = false;
    for_each_word(s, |word| {
        total += word.len();
        if is_readable_word(word) {
            wordy += word.len();
            long_word = true;
        } else if word.bytes().all(|b| b.is_ascii_alphabetic())
            && short_words.iter().any(|w| w.eq_ignore_ascii_case(word))
        {
            // `Is`, `My` in `ThisIsMyDisplayName`; `http`, `json` in `httpHeaderAuth`.
            wordy += word.len();
        }
    });
    long_word && total > 0 && wordy * 10 >= total * 8
}

/// Calls `f` with each word of `s`: runs of ASCII letters and digits, split
/// where a lowercase letter meets an uppercase one and between letters and
/// digits. Words are slices of `s`, nothing is allocated.
fn for_each_word<'a>(s: &'a str, mut f: impl FnMut(&'a str)) {
    let bytes = s.as_bytes();
    let mut start: Option<usize> = None;
    for (i, &c) in bytes.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if let Some(from) = start.take() {
                if let Some(word) = s.get(from..i) {
                    f(word);
                }
            }
            continue;
        }
        match start {
            None => start = Some(i),
            Some(from) => {
                let p = bytes.get(i.wrapping_sub(1)).copied().unwrap_or(0);
                if (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                    || (p.is_ascii_digit() != c.is_ascii_digit())
                {
                    if let Some(word) = s.get(from..i) {
                        f(word);
                    }
                    start = Some(i);
                }
            }
        }
    }
    if let Some(word) = start.and_then(|from| s.get(from..)) {
        f(word);
    }
}

fn is_readable_word(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() < 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    // Capitalised or all one case, like words are written.
    let rest_upper = bytes
        .iter()
        .skip(1)
        .filter(|b| b.is_ascii_uppercase())
        .count();
    if rest_upper != 0 && rest_upper != bytes.len() - 1 {
        return false;
    }
    let is_vowel = |b: u8| {
        matches!(
            b.to_ascii_lowercase(),
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
        )
    };
    let vowels = bytes.iter().filter(|&&b| is_vowel(b)).count();
    let ratio = vowels as f64 / bytes.len() as f64;
    // 0.15: `string`, `script`, `strength` are words too.
    if !(0.15..=0.7).contains(&ratio) {
        return false;
    }
    let mut run = 0;
    for &b in bytes {
        if is_vowel(b) {
            run = 0;
        } else {
            run += 1;
            // English has four-consonant runs ("abstract", "instruct"); five is rare.
            if run >= 5 {
                return false;
            }
        }
    }
    true
}

/// Salesforce record ids: 15 or 18 letters and digits, with the run of
/// zeros that pads the counter (`0015g00000XyZabAAB`).
fn is_salesforce_id(s: &str) -> bool {
    (s.len() == 15 || s.len() == 18)
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
        && s.contains("0000")
}

fn is_guid(s: &str) -> bool {
    let t = s.trim_start_matches('{').trim_end_matches('}');
    let parts: Vec<&str> = t.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

// ---------------------------------------------------------------------------
// Allowlist

/// Spans of expressions inside text: `{{ … }}`, `${…}`, `@{…}`, `{!…}`.
pub fn expression_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        // Every opener has `{` as its first or second byte: jump to the
        // first `{` at or after `i` and look one byte before it.
        let Some(brace) = bytes.get(i..).and_then(|rest| find_byte(rest, b'{')) else {
            break;
        };
        i = (i + brace).saturating_sub(1).max(i);
        if i + 1 >= bytes.len() {
            break;
        }
        let (open, close): (usize, &[u8]) = match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'{'), Some(b'{')) => (2, b"}}"),
            (Some(b'$' | b'@'), Some(b'{')) => (2, b"}"),
            (Some(b'{'), Some(b'!')) => (2, b"}"),
            _ => {
                i += 1;
                continue;
            }
        };
        let from = i + open;
        let end = bytes
            .get(from..)
            .and_then(|rest| find_close(rest, close))
            .map_or(bytes.len(), |p| from + p + close.len());
        spans.push((i, end));
        i = end.max(i + 1);
    }
    spans
}

/// First position of `needle` in `hay` (SIMD `memchr`).
fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    memchr::memchr(needle, hay)
}

/// Where `close` (`}` or `}}`) first occurs in `rest`.
fn find_close(rest: &[u8], close: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let p = from + find_byte(rest.get(from..)?, b'}')?;
        if rest.get(p..p + close.len())? == close {
            return Some(p);
        }
        from = p + 1;
    }
}

/// Markers of platform expressions or references to a secret store
/// (`[allowlist] expression_markers` in secrets.toml).
fn is_expression(s: &str) -> bool {
    if s.starts_with('=') || s.starts_with('@') {
        return true;
    }
    engine()
        .allowlist
        .expression_ac
        .as_ref()
        .is_some_and(|ac| dfa_is_match(ac, s.as_bytes()))
}

/// Documentation keys and fill-in-the-blank values that are not real secrets
/// (`[allowlist]` in secrets.toml).
pub fn is_placeholder(s: &str) -> bool {
    let allow = &engine().allowlist;
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return true;
    }
    if trimmed.len() <= 24
        && allow
            .placeholder_whole
            .iter()
            .any(|w| w.eq_ignore_ascii_case(trimmed))
    {
        return true;
    }
    if allow.documentation_keys.iter().any(|k| k == trimmed) {
        return true;
    }
    if allow
        .placeholder_ac
        .as_ref()
        .is_some_and(|ac| dfa_is_match(ac, trimmed.as_bytes()))
    {
        return true;
    }
    let lower = trimmed.as_bytes();
    // One character repeated, or almost no variety at all.
    let mut present = [false; 256];
    let mut distinct = 0;
    for &b in lower {
        let b = b.to_ascii_lowercase();
        if let Some(slot) = present.get_mut(usize::from(b)) {
            if !*slot {
                *slot = true;
                distinct += 1;
            }
        }
    }
    distinct < 3 && lower.len() > 3
}

// ---------------------------------------------------------------------------
// Validators and measures

/// Shannon entropy in bits per byte.
pub fn shannon_entropy(s: &str) -> f64 {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in bytes {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub-style tokens (`ghp_`, `gho_`, `npm_`…): the last 6 characters are the
/// CRC32 of the 30 random characters, base62-encoded.
pub fn github_checksum_ok(token: &str) -> bool {
    let Some((_, body)) = token.rsplit_once('_') else {
        return false;
    };
    if body.len() != 36 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (Some(random), Some(check)) = (body.get(..30), body.get(30..)) else {
        return false;
    };
    base62_fixed(crc32(random.as_bytes()), 6) == check
}

fn base62_fixed(mut n: u32, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        let digit = (n % 62) as usize;
        *slot = BASE62.get(digit).copied().unwrap_or(b'0');
        n /= 62;
    }
    String::from_utf8(out).unwrap_or_default()
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Decode base64 or base64url, padded or not. `None` on any other character.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buf = 0u32;
    let mut bits = 0u32;
    for b in s.trim_end_matches('=').bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xFF) as u8);
        }
    }
    Some(out)
}

/// A JWT: header and payload are base64url JSON objects, the header names `alg`.
pub fn jwt_ok(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let decode = |part: &str| -> Option<serde_json::Map<String, serde_json::Value>> {
        let bytes = base64_decode(part)?;
        match serde_json::from_slice::<serde_json::Value>(&bytes).ok()? {
            serde_json::Value::Object(map) => Some(map),
            _ => None,
        }
    };
    let Some(header) = decode(header) else {
        return false;
    };
    header.get("alg").is_some_and(|a| a.is_string()) && decode(payload).is_some()
}

/// Unix time (seconds) that JWT expiry is compared with. Engine code has no
/// clock (it also runs in WebAssembly), so this starts at the date the rules
/// were last revised: a token that had expired by then has certainly expired
/// now. Front ends that know the time call [`set_reference_time`].
pub const RULES_REVISED_UNIX: i64 = 1_793_491_200; // 2026-11-01

static REFERENCE_TIME: std::sync::atomic::AtomicI64 =
    std::sync::atomic::AtomicI64::new(RULES_REVISED_UNIX);

/// Tell the detector the current time (Unix seconds), so JWT expiry is judged
/// against it; earlier than [`RULES_REVISED_UNIX`] is ignored.
pub fn set_reference_time(unix_seconds: i64) {
    if unix_seconds > RULES_REVISED_UNIX {
        REFERENCE_TIME.store(unix_seconds, std::sync::atomic::Ordering::Relaxed);
    }
}

fn reference_time() -> i64 {
    REFERENCE_TIME.load(std::sync::atomic::Ordering::Relaxed)
}

/// The decoded payload of a JWT (no signature check).
pub fn jwt_payload(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64_decode(payload)?;
    match serde_json::from_slice::<serde_json::Value>(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// When a JWT expires: `Some(Some(exp))`, `Some(None)` when it carries no
/// `exp` claim, `None` when the payload cannot be read.
pub fn jwt_expiry(token: &str) -> Option<Option<i64>> {
    let payload = jwt_payload(token)?;
    Some(payload.get("exp").and_then(|e| {
        e.as_i64()
            .or_else(|| e.as_f64().map(|f| f as i64))
            .or_else(|| e.as_str().and_then(|s| s.trim().parse::<i64>().ok()))
    }))
}

/// `2024-01-02` for a Unix time (UTC).
pub fn utc_date(unix_seconds: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let days = unix_seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Put the token's expiry into the hit: "JSON Web Token (JWT, expired on
/// 2024-01-02)". An expired token is low confidence (it no longer opens
/// anything by itself); one without expiry says so, since it never stops working.
fn describe_jwt_expiry(hit: &mut SecretHit, token: &str) {
    let Some(expiry) = jwt_expiry(token) else {
        return;
    };
    let base = hit.name.trim_end_matches(')').to_string();
    let (note, impact) = match expiry {
        Some(exp) if exp < reference_time() => {
            hit.confidence = Confidence::Low;
            let date = utc_date(exp);
            (
                format!("expired on {date}"),
                format!(
                    "This token expired on {date}, so it no longer opens anything by itself, but it shows what it was issued for (user, tenant, scopes) and that tokens get copied into the app. Remove it and fetch tokens at run time instead of storing them."
                ),
            )
        }
        Some(exp) => (format!("expires on {}", utc_date(exp)), hit.impact.clone()),
        None => (
            "no expiry date".to_string(),
            format!(
                "This token has no expiry date, so it works until its signing key is changed. {}",
                hit.impact
            ),
        ),
    };
    hit.name = if base.len() < hit.name.len() {
        format!("{base}, {note})")
    } else {
        format!("{base} ({note})")
    };
    hit.impact = impact;
}

/// `Basic <base64>` decodes to printable `user:password`.
fn basic_auth_ok(encoded: &str) -> bool {
    let Some(bytes) = base64_decode(encoded) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    let Some((user, pass)) = text.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && !pass.is_empty()
        && text.chars().all(|c| !c.is_control())
        && !is_placeholder(pass)
}

/// Luhn checksum over the digits of `s` (spaces and dashes ignored).
pub fn luhn_ok(s: &str) -> bool {
    let digits: Vec<u32> = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_digit(10))
        .collect::<Option<Vec<u32>>>()
        .unwrap_or_default();
    if digits.len() < 12 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// Every pattern as [`all_patterns`] lists it, with how sure its hits are
/// (`None` for the key-name based generic ones), read from the rule file
/// without compiling a single regex: cheap enough for the page's main
/// thread. For `lcscan rules --secrets` and the page's catalog.
pub fn pattern_list() -> Vec<(PatternInfo, Option<Confidence>)> {
    let defs = toml::from_str::<RuleFile>(SECRETS_TOML)
        .map(|f| f.pattern)
        .unwrap_or_default();
    let mut out: Vec<(PatternInfo, Option<Confidence>)> = defs
        .into_iter()
        .map(|d| {
            let confidence = match d.confidence.as_deref() {
                Some("medium") => Confidence::Medium,
                Some("low") => Confidence::Low,
                _ => Confidence::High,
            };
            let info = PatternInfo {
                id: d.id,
                name: d.name,
                impact: d.impact,
                provider: d.provider,
            };
            (info, Some(confidence))
        })
        .collect();
    for kind in [
        KeyKind::Password,
        KeyKind::ConnectionString,
        KeyKind::Secret,
    ] {
        let (id, name, impact) = kind.describe();
        let info = PatternInfo {
            id: id.into(),
            name: name.into(),
            impact: impact.into(),
            provider: GENERIC_PROVIDER.into(),
        };
        out.push((info, None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(key: &str, text: &str, context: ValueContext, kind: ValueKind) -> Value {
        Value {
            key: key.into(),
            value: text.into(),
            context,
            kind,
            ..Default::default()
        }
    }

    fn lit(key: &str, text: &str) -> Vec<SecretHit> {
        scan_value(&value(
            key,
            text,
            ValueContext::Parameter,
            ValueKind::Literal,
        ))
    }

    fn ids(hits: &[SecretHit]) -> Vec<&str> {
        hits.iter().map(|h| h.pattern_id.as_str()).collect()
    }

    #[test]
    fn secrets_toml_loads_without_errors() {
        let e = engine();
        assert!(e.errors.is_empty(), "{:#?}", e.errors);
        // Regexes are built on first use in scans; every one must build.
        for p in &e.patterns {
            if let Err(err) = p.regex.compiled() {
                panic!("{}: bad regex: {err}", p.id);
            }
        }
        assert!(e.patterns.len() >= 80, "only {} patterns", e.patterns.len());
        let mut seen = std::collections::BTreeSet::new();
        for p in &e.patterns {
            assert!(seen.insert(p.id.clone()), "duplicate id {}", p.id);
            assert!(
                p.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                p.id
            );
            assert!(!p.def.examples.is_empty(), "{} has no examples", p.id);
            assert!(
                !p.def.negative_examples.is_empty(),
                "{} has no negative examples",
                p.id
            );
            assert!(p.impact.len() > 40, "{} impact too short", p.id);
            for k in &p.def.keywords {
                assert_eq!(k, &k.to_ascii_lowercase(), "{}: keyword {k}", p.id);
            }
        }
    }

    /// Every example is found by its own pattern, every negative is not; and the
    /// whole pipeline reports something for every example.
    #[test]
    fn every_pattern_matches_its_examples_and_not_its_negatives() {
        let e = engine();
        let mut failures = Vec::new();
        for p in &e.patterns {
            let key = p.def.key_names.first().cloned().unwrap_or_default();
            let applies = |text: &str| {
                let lower = text.to_ascii_lowercase();
                (p.def.requires.is_empty()
                    || p.def.requires.iter().any(|r| lower.contains(r.as_str())))
                    && !pattern_matches(p, text).is_empty()
            };
            for ex in &p.def.examples {
                if !applies(ex) {
                    failures.push(format!("{}: example not matched: {ex}", p.id));
                }
                let hits = scan(&key, ex, ValueContext::Parameter);
                if hits.is_empty() {
                    failures.push(format!("{}: pipeline found nothing in {ex}", p.id));
                } else if !p.generic && !hits.iter().any(|h| h.pattern_id == p.id) {
                    failures.push(format!(
                        "{}: pipeline reported {:?} instead for {ex}",
                        p.id,
                        ids(&hits)
                    ));
                }
            }
            for neg in &p.def.negative_examples {
                if applies(neg) {
                    failures.push(format!("{}: negative matched: {neg}", p.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn at_least_150_providers() {
        let n = provider_count();
        assert!(n >= 150, "only {n} providers");
        // Every provider's name is written the same way each time (no near-duplicates).
        let mut seen = std::collections::BTreeMap::new();
        for p in &engine().patterns {
            let squashed: String = p
                .provider
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            let first = seen.entry(squashed).or_insert_with(|| p.provider.clone());
            assert_eq!(first, &p.provider, "{}", p.id);
        }
    }

    #[test]
    fn stripe_key_span_and_confidence() {
        let text = "key=sk_live_FAKE4eC39HqLyjWDarjtT1zdp7dc";
        let hits = lit("apiKey", text);
        assert_eq!(ids(&hits), ["stripe-live-secret-key"]);
        let h = &hits[0];
        assert_eq!(
            &text[h.start..h.end],
            "sk_live_FAKE4eC39HqLyjWDarjtT1zdp7dc"
        );
        assert_eq!(h.confidence, Confidence::High);
        let test_key = lit("x", "sk_test_FAKE4eC39HqLyjWDarjtT1zdp7dc");
        assert_eq!(test_key[0].confidence, Confidence::Low);
    }

    #[test]
    fn expressions_are_never_hits() {
        let v = value(
            "password",
            "={{ $json.password }}",
            ValueContext::PasswordField,
            ValueKind::Expression,
        );
        assert!(scan_value(&v).is_empty());
        for text in [
            "{{ $env.STRIPE_KEY }}",
            "@parameters('apiKey')",
            "{!$Credential.Password}",
            "[parameters('secret')]",
        ] {
            assert!(lit("apiKey", text).is_empty(), "{text}");
        }
    }

    #[test]
    fn template_literal_parts_are_scanned_expressions_are_not() {
        let v = value(
            "Authorization",
            "Bearer {{ $env.TOKEN }}",
            ValueContext::Header,
            ValueKind::Template,
        );
        assert!(scan_value(&v).is_empty());
        let v = value(
            "url",
            "https://api.fake.test/{{ $json.id }}?key=sk_live_FAKE4eC39HqLyjWDarjtT1zdp7dc",
            ValueContext::Url,
            ValueKind::Template,
        );
        assert_eq!(ids(&scan_value(&v)), ["stripe-live-secret-key"]);
    }

    #[test]
    fn key_names_are_evidence() {
        let hits = lit("client_secret", "Fk8s.Q2-vLr9TzW1xYp4mNc7");
        assert_eq!(ids(&hits), [GENERIC_SECRET_ID]);
        assert_eq!(hits[0].confidence, Confidence::Medium);
        assert_eq!(hits[0].name, "API key or token");
        let hits = lit("x-api-key", "a81Fk2Lq9ZmW3xT7vB0c");
        assert_eq!(ids(&hits), [GENERIC_SECRET_ID]);
        let hits = lit("dbPassword", "hunter2!");
        assert_eq!(ids(&hits), [GENERIC_PASSWORD_ID]);
        assert_eq!(hits[0].name, "Password");
        // A key that only names or points to the secret is not a secret.
        assert!(lit("secretName", "Fk8s.Q2-vLr9TzW1xYp4mNc7").is_empty());
        assert!(lit("tokenUrl", "Fk8s.Q2-vLr9TzW1xYp4mNc7").is_empty());
        // Paging cursors and form (CSRF) tokens are not credentials.
        assert!(lit("nextPageToken", "Fk8s.Q2-vLr9TzW1xYp4mNc7").is_empty());
        assert!(lit("cursor_token", "Fk8s.Q2-vLr9TzW1xYp4mNc7").is_empty());
        assert!(lit("csrfToken", "Fk8s.Q2-vLr9TzW1xYp4mNc7").is_empty());
        assert!(key_names_something_else("apiKeyName"));
        assert!(key_names_something_else("access_token_url"));
        assert!(!key_names_something_else("pageAccessToken"));
        assert!(!key_names_something_else("client_secret"));
        assert_eq!(
            ids(&lit("refreshToken", "Fk8s.Q2-vLr9TzW1xYp4mNc7")),
            [GENERIC_SECRET_ID]
        );
        // Not a secret key at all.
        assert!(lit("description", "Fk8s.Q2-vLr9TzW1xYp4mNc7").is_empty());
    }

    #[test]
    fn order_and_cart_tokens_are_not_key_evidence() {
        let sample = |key: &str, text: &str, path: &str| {
            let mut v = value(key, text, ValueContext::SampleData, ValueKind::Literal);
            v.location = crate::model::Location::new("w.json", path);
            scan_value(&v)
        };
        let order = "4ccf92c8bc3481937ba37d5ef698e4d8";
        let cart = "Z2NwLWV1cm9wZS13ZXN0MToKXqXxNFtMeS7vxeN3Ta7Wv3guAq-YG";
        // A Shopify order webhook body saved as pinned data.
        assert!(sample("token", order, "/pinData/Shop/0/json/body/token").is_empty());
        assert!(sample("cart_token", cart, "/pinData/Shop/0/json/body/cart_token").is_empty());
        assert!(sample(
            "checkout_token",
            order,
            "/pinData/Shop/0/json/checkout_token"
        )
        .is_empty());
        // Cart and checkout tokens are ids wherever they sit.
        assert!(lit("cart_token", cart).is_empty());
        assert!(lit("checkoutToken", order).is_empty());
        assert!(key_names_something_else("cart_token"));
        // A token passed in a saved request's query string or headers is a
        // shared secret, and any other shape under `token` still counts.
        assert_eq!(
            ids(&sample("token", order, "/pinData/Hook/0/json/query/token")),
            [GENERIC_SECRET_ID]
        );
        assert_eq!(
            ids(&sample("token", cart, "/pinData/Shop/0/json/body/token")),
            [GENERIC_SECRET_ID]
        );
        // The same value under `token` in a header, a query parameter or a
        // setting is reported as before.
        for context in [
            ValueContext::Header,
            ValueContext::Query,
            ValueContext::Parameter,
        ] {
            let hits = scan_value(&value("token", order, context, ValueKind::Literal));
            assert_eq!(ids(&hits), [GENERIC_SECRET_ID], "{context:?}");
        }
        // `checkout` or `cart` alone does not hide a credential.
        assert_eq!(
            ids(&lit("checkout_secret_key", "Fk8s.Q2-vLr9TzW1xYp4mNc7")),
            [GENERIC_SECRET_ID]
        );
        assert!(!key_names_something_else("checkout_secret_key"));
    }

    #[test]
    fn password_fields_count_even_with_low_entropy() {
        let v = value(
            "value",
            "summer",
            ValueContext::PasswordField,
            ValueKind::Literal,
        );
        assert_eq!(ids(&scan_value(&v)), [GENERIC_PASSWORD_ID]);
        let v = value(
            "value",
            "changeme",
            ValueContext::PasswordField,
            ValueKind::Literal,
        );
        assert!(scan_value(&v).is_empty());
    }

    #[test]
    fn names_guids_hashes_and_images_are_not_generic_secrets() {
        // Notion property selectors in n8n: `name|type`.
        assert!(lit("key", "abstract|rich_text").is_empty());
        assert!(lit("key", "Technical_Details|rich_text").is_empty());
        assert!(lit("apiKey", "SuperLongConfigurationName").is_empty());
        assert!(lit("token", "3f2504e0-4f89-11d3-9a0c-0305e82c3301").is_empty());
        assert!(lit("secret", "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}").is_empty());
        assert!(lit(
            "sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        .is_empty());
        assert!(lit(
            "accessToken",
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        )
        .is_empty());
        assert!(lit("apiKey", "my_application_settings_value").is_empty());
        assert!(lit("apiKey", "ThisIsMyDisplayName").is_empty());
        assert!(lit("secret", "GetItemsFromTheListOnSave").is_empty());
        assert!(is_word_like("ThisIsMyDisplayName"));
        assert!(!is_word_like("Fk8sQ2vLr9TzW1xYp4mNc7"));
        assert!(!is_word_like("IsMyOk"));
        assert!(lit("credentials", "httpHeaderAuth").is_empty());
        // Placeholders made of words (seen in Logic Apps local.settings.json).
        assert!(lit("AzureBlob-ConnectionString", "any-blob-connection-string").is_empty());
        assert!(lit("Sql_ConnectionString", "any-sql-connection-string").is_empty());
        assert!(lit("token", "a0B5g00000K9vHiEAJ").is_empty());
        // A GUID under a key that names an API key is the key (Heroku, Postmark).
        assert_eq!(
            ids(&lit(
                "HEROKU_API_KEY",
                "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
            )),
            [GENERIC_SECRET_ID]
        );
        assert_eq!(
            ids(&lit(
                "X-Postmark-Server-Token",
                "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
            )),
            [GENERIC_SECRET_ID]
        );
        assert_eq!(ids(&lit("pw", "Zq81kLmw0pQs")), [GENERIC_PASSWORD_ID]);
        assert!(!looks_random("SuperLongConfigurationName"));
        assert!(looks_random("Fk8sQ2vLr9TzW1xYp4mNc7"));
    }

    #[test]
    fn allowlist_examples_are_allowed_and_negatives_are_not() {
        let allow = &engine().allowlist;
        assert!(allow.def.expression_markers.len() >= 10);
        assert!(allow.def.placeholder_contains.len() >= 20);
        for ex in &allow.def.examples {
            assert!(is_placeholder(ex) || is_expression(ex), "{ex}");
            assert!(lit("apiKey", ex).is_empty(), "{ex}");
        }
        for neg in &allow.def.negative_examples {
            assert!(!is_placeholder(neg) && !is_expression(neg), "{neg}");
            assert!(!lit("apiKey", neg).is_empty(), "{neg}");
        }
        // Documentation keys are allowed even under their own pattern.
        assert!(lit("x", "key=sk_test_4eC39HqLyjWDarjtT1zdp7dc").is_empty());
    }

    #[test]
    fn placeholders_are_allowed() {
        for p in [
            "YOUR_API_KEY",
            "your-token-here",
            "xxxxxxxxxxxx",
            "********",
            "<token>",
            "changeme",
            "REPLACE_ME",
            "test",
            "dummy-key-123",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ] {
            assert!(is_placeholder(p), "{p}");
            assert!(lit("apiKey", p).is_empty(), "{p}");
        }
        assert!(!is_placeholder("Fk8sQ2vLr9TzW1xYp4mNc7"));
    }

    #[test]
    fn overlapping_patterns_give_one_hit_most_specific_first() {
        // A JWT inside a bearer header: one hit, the JWT.
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ.c2lnbmF0dXJlLW5vdC1yZWFsLTEyMzQ1Ng";
        let hits = lit("Authorization", &format!("Bearer {jwt}"));
        assert_eq!(ids(&hits), ["jwt"]);
        // Logic Apps trigger URL also carries sv= and sig=: reported once, as the trigger URL.
        let url = "https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=FAKEQ1g2UVkls5I9WX1wXHBUeiuxm69aSK";
        assert_eq!(ids(&lit("uri", url)), ["azure-logic-apps-trigger-url"]);
    }

    #[test]
    fn expiring_platform_links_are_low_confidence() {
        let url = "https://make.powerapps.com/docserver/api/fake?sv=2018-03-28&sr=b&se=2024-01-01T00%3A00%3A00Z&sp=r&sig=cqnLGp9NjmtNL1EihJvc7t3QMlJhc5B71CK0FJJq%3D";
        let hits = lit("Image", url);
        assert_eq!(ids(&hits), ["power-platform-expiring-file-link"]);
        assert_eq!(hits[0].confidence, Confidence::Low);
        assert!(hits[0].name.contains("Expiring"));
    }

    #[test]
    fn escaped_pem_inside_json_is_found() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDFAKEFAKEFAKEFAKE";
        let text = format!(
            "{{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{body}\\n{body}\\n-----END PRIVATE KEY-----\\n\"}}"
        );
        assert_eq!(ids(&lit("json", &text)), ["private-key"]);
    }

    #[test]
    fn jwt_decoding() {
        let good = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ.c2lnbmF0dXJl";
        assert!(jwt_ok(good));
        // Header without alg.
        assert!(!jwt_ok(
            "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJmYWtlLXVzZXIifQ.c2lnbmF0dXJl"
        ));
        // Payload is not JSON.
        assert!(!jwt_ok("eyJhbGciOiJIUzI1NiJ9.bm90LWpzb24.c2ln"));
        assert!(!jwt_ok("a.b"));
    }

    fn make_jwt(payload: &str) -> String {
        let b64 = |s: &str| {
            const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let bytes = s.as_bytes();
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let n = chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b))
                    << (8 * (3 - chunk.len()));
                for i in 0..=chunk.len() {
                    out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
            }
            out
        };
        format!(
            "{}.{}.c2lnbmF0dXJlLW5vdC1yZWFsLTEyMzQ1Ng",
            b64(r#"{"alg":"HS256","typ":"JWT"}"#),
            b64(payload)
        )
    }

    #[test]
    fn jwt_expiry_is_shown_and_expired_tokens_are_low() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(1_704_153_600), "2024-01-02");
        assert_eq!(utc_date(RULES_REVISED_UNIX), "2026-11-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");

        let expired = make_jwt(r#"{"sub":"fake-user","exp":1704153600}"#);
        let hits = lit("Authorization", &format!("Bearer {expired}"));
        assert_eq!(ids(&hits), ["jwt"]);
        assert_eq!(hits[0].name, "JSON Web Token (JWT, expired on 2024-01-02)");
        assert_eq!(hits[0].confidence, Confidence::Low);
        assert!(hits[0]
            .impact
            .starts_with("This token expired on 2024-01-02"));

        let live = make_jwt(r#"{"sub":"fake-user","exp":4102444800}"#);
        let hits = lit("token", &live);
        assert_eq!(hits[0].name, "JSON Web Token (JWT, expires on 2100-01-01)");
        assert_eq!(hits[0].confidence, Confidence::Medium);

        let forever = make_jwt(r#"{"sub":"fake-user"}"#);
        let hits = lit("token", &forever);
        assert_eq!(hits[0].name, "JSON Web Token (JWT, no expiry date)");
        assert!(hits[0].impact.contains("no expiry date"));
        assert_eq!(jwt_expiry(&expired), Some(Some(1_704_153_600)));
        assert_eq!(jwt_expiry("not.a.jwt"), None);
    }

    #[test]
    fn github_checksum() {
        // Build a token the way GitHub does and check it round-trips.
        let random = "FAKEabcdefghijklmnopqrstuvwxyz";
        let token = format!("ghp_{random}{}", base62_fixed(crc32(random.as_bytes()), 6));
        assert!(github_checksum_ok(&token));
        let mut broken = token.clone();
        broken.pop();
        broken.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(!github_checksum_ok(&broken));
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn luhn() {
        assert!(luhn_ok("4111 1111 1111 1111"));
        assert!(luhn_ok("5555-5555-5555-4444"));
        assert!(!luhn_ok("4111 1111 1111 1112"));
        assert!(!luhn_ok("1234"));
    }

    #[test]
    fn key_tokenizer_splits_every_style() {
        assert_eq!(tokenize_key("clientSecret"), ["client", "secret"]);
        assert_eq!(tokenize_key("X-API-Key"), ["x", "api", "key"]);
        assert_eq!(tokenize_key("access_token"), ["access", "token"]);
        assert_eq!(tokenize_key("HTTPHeaderAuth"), ["http", "header", "auth"]);
        assert_eq!(tokenize_key("Api_Key__c"), ["api", "key"]);
        assert_eq!(tokenize_key("auth.password2"), ["auth", "password", "2"]);
    }

    #[test]
    fn any_key_word_sees_the_words_tokenize_key_gives() {
        assert!(any_key_word("X-Hub-Signature-256", |w| w == "signature"));
        assert!(any_key_word("HTTPHeaderAuth", |w| w == "header"));
        // The Salesforce suffix is no word, and a word is never a part of one.
        assert!(!any_key_word("Api_Key__c", |w| w == "c"));
        assert!(!any_key_word("signatures", |w| w == "signature"));
        let mut seen = Vec::new();
        any_key_word("clientSecret", |w| {
            seen.push(w.to_string());
            false
        });
        assert_eq!(seen, tokenize_key("clientSecret"));
    }

    /// The fast paths of the hot loop agree with the plain versions they replace.
    #[test]
    fn fast_paths_agree_with_plain_versions() {
        fn plain_key_hint(key: &str) -> bool {
            let k = key.as_bytes();
            KEY_HINTS.iter().any(|h| {
                let h = h.as_bytes();
                k.windows(h.len()).any(|w| w.eq_ignore_ascii_case(h))
            })
        }
        fn plain_spans(text: &str) -> Vec<(usize, usize)> {
            let bytes = text.as_bytes();
            let mut spans = Vec::new();
            let mut i = 0;
            while i + 1 < bytes.len() {
                let (open, close): (usize, &[u8]) = match (bytes[i], bytes[i + 1]) {
                    (b'{', b'{') => (2, b"}}"),
                    (b'$' | b'@', b'{') => (2, b"}"),
                    (b'{', b'!') => (2, b"}"),
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                let from = i + open;
                let end = bytes[from..]
                    .windows(close.len())
                    .position(|w| w == close)
                    .map_or(bytes.len(), |p| from + p + close.len());
                spans.push((i, end));
                i = end.max(i + 1);
            }
            spans
        }
        let mut keys: Vec<String> = KEY_HINTS
            .iter()
            .flat_map(|h| [h.to_string(), h.to_ascii_uppercase(), format!("x{h}y")])
            .collect();
        keys.extend(
            [
                "",
                "p",
                "pa",
                "PaSs",
                "apiKey",
                "X-API-Key",
                "client_secret",
                "url",
                "Pwd",
                "signature",
                "s",
                "tok",
                "toke",
                "ke",
                "KEY",
                "bearer",
                "Bear",
                "credentia",
                "connection",
                "con",
                "dsn",
                "ds",
                "auth",
                "aut",
                "clé",
                "パスワード",
                "passé",
                "Ocp-Apim-Subscription-Key",
                "name",
                "description",
                "é{pass}",
            ]
            .iter()
            .map(|k| k.to_string()),
        );
        for k in &keys {
            assert_eq!(has_key_hint(k), plain_key_hint(k), "{k:?}");
        }
        let texts = [
            "",
            "{",
            "{{",
            "{{ a }}",
            "x{{ a }",
            "${a}${b}",
            "@{x}} {!y} {{z}}",
            "{\"a\": {\"b\": 1}}",
            "é{{ b }}ü${c}",
            "a$",
            "}{{}}{",
            "{!}",
            "{{{{}}}}",
            "{\"k\":\"@{body('x')}\",\"l\":\"{{ $json.y }}\"} and 0123456789abcdef{",
            "0123456789abcdef0123456789abcdef{{ long }} 0123456789abcdef0123456789abcdef}",
        ];
        for t in texts {
            assert_eq!(expression_spans(t), plain_spans(t), "{t:?}");
        }
        let mut words = Vec::new();
        for_each_word("ThisIsMy_app2Config-é-v10x", |w| words.push(w));
        assert_eq!(
            words,
            ["This", "Is", "My", "app", "2", "Config", "v", "10", "x"]
        );
    }

    /// `cargo test --release --lib secrets::tests::throughput -- --ignored --nocapture`
    #[test]
    #[ignore = "measurement, run in release"]
    fn throughput() {
        let samples = [
            ("url", "https://api.fake-partner.test/v1/orders?limit=100&status=open"),
            ("jsCode", "const items = $input.all();\nreturn items.map(i => ({ json: { id: i.json.id, total: i.json.price * i.json.qty, note: 'token bucket refill' } }));\n"),
            ("text", "Hello {{ $json.firstName }}, your order #12345 has shipped. Track it at https://track.fake.test/abc. Regards, the team"),
            ("query", "SELECT id, email, password_hash FROM users WHERE id = $1 AND status = 'active' ORDER BY created_at DESC"),
            ("Authorization", "Bearer FAKEk2Jd8sLq0pWm3nZx7vBc5tYr1uIo9eA4"),
            ("apiKey", "sk_live_FAKE4eC39HqLyjWDarjtT1zdp7dc"),
            ("body", "{\"name\":\"Widget\",\"description\":\"A long product description with many words about secret sauce and api usage\",\"price\":12.5}"),
            ("id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
        ];
        let mut values = Vec::new();
        let mut bytes = 0usize;
        while bytes < 20_000_000 {
            for (k, v) in samples {
                bytes += v.len();
                values.push(value(k, v, ValueContext::Parameter, ValueKind::Literal));
            }
        }
        let _ = scan_value(&values[0]);
        let start = std::time::Instant::now();
        let mut found = 0;
        for v in &values {
            found += scan_value(v).len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{} values, {:.1} MB, {found} hits, {:.1} MB/s",
            values.len(),
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / secs
        );
    }

    #[test]
    fn all_patterns_lists_file_patterns_and_generic_ones() {
        let all = all_patterns();
        assert!(all.iter().any(|p| p.id == "github-personal-access-token"));
        assert!(all.iter().any(|p| p.id == GENERIC_PASSWORD_ID));
        assert_eq!(all.len(), engine().patterns.len() + 3);
    }
}
