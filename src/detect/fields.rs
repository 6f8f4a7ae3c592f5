//! Sensitive field names and values, driven by `rules/fields.toml`.
//!
//! [`classify_name`] recognises field names (`customerEmail`, `date_of_birth`,
//! `IBAN__c`); [`classify_value`] recognises sample-data values (a Luhn-valid
//! card number, an IBAN, an e-mail address, a phone number, a US SSN).

use std::sync::OnceLock;

use serde::Deserialize;

use crate::detect::secrets::{luhn_ok, tokenize_key};
use crate::model::FieldClass;
use crate::policy::Policy;

const FIELDS_TOML: &str = include_str!("../../rules/fields.toml");

/// The categories a field can fall in.
pub const CATEGORIES: &[&str] = &["pii", "financial", "health", "credential", "location"];

/// One dictionary entry, as `lcscan rules` and the page may show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    pub label: String,
    pub category: String,
    /// Regulations that usually apply ("GDPR", "HIPAA", "PCI DSS").
    pub regulations: Vec<String>,
}

/// Classify a field name, e.g. `customerEmail` → pii / e-mail address.
/// The policy's `sensitive_fields` come first (exact or ignoring case and separators).
pub fn classify_name(name: &str, policy: &Policy) -> Option<FieldClass> {
    if let Some(category) = policy.sensitive_fields.get(name) {
        return Some(FieldClass {
            category: category.clone(),
            label: name.to_string(),
        });
    }
    let wanted = if policy.sensitive_fields.is_empty() {
        String::new()
    } else {
        squash(name)
    };
    if !wanted.is_empty() {
        if let Some((policy_name, category)) = policy
            .sensitive_fields
            .iter()
            .find(|(k, _)| squash(k) == wanted)
        {
            return Some(FieldClass {
                category: category.clone(),
                label: policy_name.clone(),
            });
        }
    }
    let entry = dictionary().match_name(name)?;
    Some(FieldClass {
        category: entry.category.clone(),
        label: entry.label.clone(),
    })
}

/// Classify one sample-data value: card number (Luhn + issuer prefix), IBAN
/// (mod-97), US social security number, e-mail address, phone number.
pub fn classify_value(text: &str) -> Option<FieldClass> {
    let t = text.trim();
    if t.is_empty() || t.len() > 254 {
        return None;
    }
    let class = |category: &str, label: &str| {
        Some(FieldClass {
            category: category.into(),
            label: label.into(),
        })
    };
    if is_email(t) {
        return class("pii", "e-mail address");
    }
    if is_iban(t) {
        return class("financial", "bank account number");
    }
    if is_card_number(t) {
        return class("financial", "card number");
    }
    if is_us_ssn(t) || is_uk_nino(t) {
        return class("pii", "national identity number");
    }
    if is_phone(t) {
        return class("pii", "phone number");
    }
    None
}

/// Regulations for a classification (empty for policy-defined or unknown labels).
pub fn regulations(class: &FieldClass) -> Vec<String> {
    dictionary()
        .entries
        .iter()
        .find(|e| e.label == class.label && e.category == class.category)
        .map(|e| e.regulations.clone())
        .unwrap_or_default()
}

/// What a regulation asks, in plain words ("GDPR (the EU and UK data-protection law): …").
pub fn regulation_note(regulation: &str) -> Option<&'static str> {
    dictionary()
        .regulation_notes
        .get(regulation)
        .map(String::as_str)
}

/// How sure the detector is that a field holds sensitive data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sensitivity {
    /// Worth a look: weak evidence (a value shaped like a phone number, or a
    /// sensitive-sounding name whose sample values say otherwise).
    Check,
    /// The name says so, or a value passes a checksum (card, IBAN).
    LikelySensitive,
    /// Name and values agree, or the organisation's policy lists the field.
    Sensitive,
}

impl Sensitivity {
    /// "Sensitive", "Likely sensitive", "Check".
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Sensitive => "Sensitive",
            Sensitivity::LikelySensitive => "Likely sensitive",
            Sensitivity::Check => "Check",
        }
    }
}

/// Name and value evidence about one field, combined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub level: Sensitivity,
    pub class: FieldClass,
    /// Regulations that usually apply ("GDPR", "HIPAA", "PCI DSS").
    pub regulations: Vec<String>,
    /// One plain sentence: what was found and why it is judged so.
    pub reason: String,
}

impl Assessment {
    /// The regulations in plain words, one sentence each.
    pub fn regulation_notes(&self) -> Vec<&'static str> {
        self.regulations
            .iter()
            .filter_map(|r| regulation_note(r))
            .collect()
    }
}

/// Combine what a field is called with sample values seen for it:
/// - **Sensitive**: the name and at least one value point at the same kind of
///   data (`customerEmail` holding `jane@…`), or the policy lists the field;
/// - **Likely sensitive**: only the name says so, or only values do but with
///   a strong check (Luhn-valid card number, IBAN, e-mail address);
/// - **Check**: only weakly shaped values (phone-like, SSN/NINO-like), or a
///   sensitive-sounding name whose sample values are clearly something else.
pub fn assess(name: &str, values: &[&str], policy: &Policy) -> Option<Assessment> {
    let from_policy = policy.sensitive_fields.contains_key(name)
        || policy
            .sensitive_fields
            .keys()
            .any(|k| !squash(k).is_empty() && squash(k) == squash(name));
    let by_name = classify_name(name, policy);
    let mut by_value: Option<FieldClass> = None;
    let mut value_hits = 0usize;
    let mut non_empty = 0usize;
    for v in values {
        if v.trim().is_empty() {
            continue;
        }
        non_empty += 1;
        if let Some(c) = classify_value(v) {
            value_hits += 1;
            if by_value.is_none() {
                by_value = Some(c);
            }
        }
    }
    let strong = |c: &FieldClass| {
        matches!(
            c.label.as_str(),
            "card number" | "bank account number" | "e-mail address"
        )
    };
    let (level, class, reason) = match (by_name, by_value) {
        (Some(n), _) if from_policy => {
            let reason = format!(
                "Your organisation's policy lists '{name}' as {} data.",
                n.category
            );
            (Sensitivity::Sensitive, n, reason)
        }
        (Some(n), Some(v)) if n.category == v.category => {
            // `address` holding e-mail addresses: different kinds, same category.
            let both = if n.label == v.label {
                String::new()
            } else {
                format!(" — both {}", category_words(&n.category))
            };
            let reason = format!(
                "The field '{name}' is named like {} and its sample values look like {} ({value_hits} of {non_empty}){both}.",
                article(&n.label),
                plural(&v.label)
            );
            (Sensitivity::Sensitive, n, reason)
        }
        (Some(n), _) if non_empty >= 3 && value_hits == 0 && weakly_contradicted(&n, values) => {
            let reason = format!(
                "The field '{name}' is named like {}, but its sample values do not look like it; check what it holds.",
                article(&n.label)
            );
            (Sensitivity::Check, n, reason)
        }
        (Some(n), _) => {
            let reason = format!("The field '{name}' is named like {}.", article(&n.label));
            (Sensitivity::LikelySensitive, n, reason)
        }
        (None, Some(v)) => {
            let level = if strong(&v) {
                Sensitivity::LikelySensitive
            } else {
                Sensitivity::Check
            };
            let reason = format!(
                "The name '{name}' says nothing, but {value_hits} of {non_empty} sample values look like {}.",
                plural(&v.label)
            );
            (level, v, reason)
        }
        (None, None) => return None,
    };
    let regulations = match regulations(&class) {
        r if r.is_empty() && class.category != "credential" => vec!["GDPR".to_string()],
        r => r,
    };
    Some(Assessment {
        level,
        class,
        regulations,
        reason,
    })
}

/// Values that show a field holds flags or codes, not the named data
/// (`phone` = `yes` / `no`): only for labels whose values have a checkable shape.
fn weakly_contradicted(class: &FieldClass, values: &[&str]) -> bool {
    let checkable = matches!(
        class.label.as_str(),
        "e-mail address" | "phone number" | "card number" | "bank account number"
    );
    checkable
        && values.iter().filter(|v| !v.trim().is_empty()).all(|v| {
            v.len() <= 5 || v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
        })
}

fn article(label: &str) -> String {
    let an = label.chars().next().is_some_and(|c| "aeioAEIO".contains(c));
    format!("{} {label}", if an { "an" } else { "a" })
}

/// "personal data", "financial data" — a category in plain words.
pub fn category_words(category: &str) -> &'static str {
    match category {
        "financial" => "financial data",
        "health" => "health data",
        "credential" => "passwords or keys",
        "location" => "location data",
        _ => "personal data",
    }
}

fn plural(label: &str) -> String {
    // "e-mail address" → "e-mail addresses".
    if label.ends_with("ss") {
        return format!("{label}es");
    }
    if label.ends_with("data") || label.ends_with('s') {
        label.to_string()
    } else {
        format!("{label}s")
    }
}

/// Every dictionary entry, in file order.
pub fn all_entries() -> Vec<FieldInfo> {
    dictionary()
        .entries
        .iter()
        .map(|e| FieldInfo {
            label: e.label.clone(),
            category: e.category.clone(),
            regulations: e.regulations.clone(),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Dictionary

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldsFile {
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    not_sensitive: Vec<String>,
    field: Vec<Entry>,
    /// Regulation → what it asks, in plain words.
    #[serde(default)]
    regulation_notes: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    label: String,
    category: String,
    #[serde(default)]
    regulations: Vec<String>,
    phrases: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    examples: Vec<String>,
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    negative_examples: Vec<String>,
    /// Each phrase split into words, filled in after loading.
    #[serde(skip)]
    phrase_words: Vec<Phrase>,
}

/// One phrase, prepared once: its words and the words written as one.
#[derive(Debug, Default)]
struct Phrase {
    words: Vec<String>,
    one_word: String,
    /// `one_word.chars().count()`.
    one_word_chars: usize,
}

struct Dictionary {
    entries: Vec<Entry>,
    /// Every phrase written as one word, for a first pass over a name: a name
    /// can only match an entry if one of the entry's phrases, written as one
    /// word, occurs in the name's words written as one (see [`entry_matches`]).
    phrase_ac: Option<aho_corasick::AhoCorasick>,
    /// Pattern id of `phrase_ac` → index of its entry.
    phrase_entry: Vec<usize>,
    regulation_notes: std::collections::BTreeMap<String, String>,
    #[cfg_attr(not(test), allow(dead_code))]
    not_sensitive: Vec<String>,
    #[cfg_attr(not(test), allow(dead_code))]
    error: Option<String>,
}

fn dictionary() -> &'static Dictionary {
    static DICT: OnceLock<Dictionary> = OnceLock::new();
    DICT.get_or_init(|| match toml::from_str::<FieldsFile>(FIELDS_TOML) {
        Ok(mut file) => {
            let mut patterns: Vec<String> = Vec::new();
            let mut phrase_entry = Vec::new();
            for (i, entry) in file.field.iter_mut().enumerate() {
                entry.phrase_words = entry
                    .phrases
                    .iter()
                    .map(|p| {
                        let words = tokenize_key(p);
                        let one_word = words.concat();
                        Phrase {
                            one_word_chars: one_word.chars().count(),
                            words,
                            one_word,
                        }
                    })
                    .collect();
                for phrase in &entry.phrase_words {
                    if !phrase.words.is_empty() && !phrase.one_word.is_empty() {
                        patterns.push(phrase.one_word.clone());
                        phrase_entry.push(i);
                    }
                }
                entry.exclude = entry.exclude.iter().map(|e| e.to_lowercase()).collect();
            }
            Dictionary {
                entries: file.field,
                phrase_ac: aho_corasick::AhoCorasick::new(&patterns).ok(),
                phrase_entry,
                regulation_notes: file.regulation_notes,
                not_sensitive: file.not_sensitive,
                error: None,
            }
        }
        Err(e) => Dictionary {
            entries: Vec::new(),
            phrase_ac: None,
            phrase_entry: Vec::new(),
            regulation_notes: std::collections::BTreeMap::new(),
            not_sensitive: Vec::new(),
            error: Some(e.to_string()),
        },
    })
}

/// Remainders that may follow a phrase inside one word (`patientid`, `tokens`).
const COMPOUND_TAILS: &[&str] = &["id", "no", "nr", "num", "number", "code", "s"];

impl Dictionary {
    fn match_name(&self, name: &str) -> Option<&Entry> {
        let words = tokenize_key(name);
        if words.is_empty() {
            return None;
        }
        let joined: String = words.concat();
        let Some(ac) = &self.phrase_ac else {
            return self
                .entries
                .iter()
                .find(|e| entry_matches(e, &words, &joined));
        };
        // Only entries with a phrase inside `joined` can match; the first
        // (in file order) that does wins, as if every entry were tried.
        let mut candidate = vec![false; self.entries.len()];
        let mut any = false;
        for m in ac.find_overlapping_iter(joined.as_str()) {
            if let Some(slot) = self
                .phrase_entry
                .get(m.pattern().as_usize())
                .and_then(|&i| candidate.get_mut(i))
            {
                *slot = true;
                any = true;
            }
        }
        if !any {
            return None;
        }
        self.entries
            .iter()
            .zip(&candidate)
            .filter(|(_, &c)| c)
            .map(|(e, _)| e)
            .find(|e| entry_matches(e, &words, &joined))
    }
}

/// Whether a name (its words, and the words written as one) matches an entry.
/// It can only if `joined` contains one of the entry's phrases written as one
/// word: every way to match below implies that.
fn entry_matches(entry: &Entry, words: &[String], joined: &str) -> bool {
    if words.iter().any(|w| entry.exclude.contains(w)) {
        return false;
    }
    entry.phrase_words.iter().any(|p| {
        let (phrase, one_word) = (&p.words, &p.one_word);
        if phrase.is_empty() {
            return false;
        }
        if words.windows(phrase.len()).any(|w| w == phrase.as_slice()) {
            return true;
        }
        if one_word == joined || words.contains(one_word) {
            return true;
        }
        // Compounds written as one word: `customeremail`, `patientid`.
        p.one_word_chars >= 5
            && words.iter().any(|w| {
                if let Some(head) = w.strip_suffix(one_word.as_str()) {
                    !head.is_empty() && !entry.exclude.iter().any(|x| x == head)
                } else if let Some(tail) = w.strip_prefix(one_word.as_str()) {
                    COMPOUND_TAILS.contains(&tail)
                } else {
                    false
                }
            })
    })
}

/// Lowercase letters and digits only.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

// ---------------------------------------------------------------------------
// Value validators

pub fn is_email(t: &str) -> bool {
    let Some((local, domain)) = t.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-'".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    local_ok && domain_ok
}

/// IBAN: country letters, check digits, 11–30 alphanumerics, mod-97 = 1.
pub fn is_iban(t: &str) -> bool {
    // The length without spaces first: most values are not 15–34 long.
    if !(15..=34).contains(&t.bytes().filter(|b| *b != b' ').count()) {
        return false;
    }
    let compact: String = t
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bytes = compact.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes.iter().all(u8::is_ascii_alphanumeric)
        || !bytes.iter().take(2).all(u8::is_ascii_uppercase)
        || !bytes.iter().skip(2).take(2).all(u8::is_ascii_digit)
    {
        return false;
    }
    let rearranged = bytes.iter().skip(4).chain(bytes.iter().take(4));
    let mut rem: u32 = 0;
    for &b in rearranged {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// 13–19 digits (spaces or dashes allowed), a known issuer prefix, Luhn-valid.
pub fn is_card_number(t: &str) -> bool {
    if !t
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b' ' || b == b'-')
    {
        return false;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
    let known = digits.starts_with('4')
        || prefix(2).is_some_and(|p| {
            (51..=55).contains(&p)
                || p == 34
                || p == 37
                || p == 35
                || p == 36
                || p == 38
                || p == 65
                || p == 62
        })
        || prefix(4).is_some_and(|p| (2221..=2720).contains(&p) || p == 6011)
        || prefix(3).is_some_and(|p| (644..=649).contains(&p) || (300..=305).contains(&p));
    known && luhn_ok(&digits)
}

/// US SSN written `AAA-GG-SSSS`, with the structural rules (no 000/666/9xx area,
/// no 00 group, no 0000 serial).
pub fn is_us_ssn(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    let [area, group, serial] = parts.as_slice() else {
        return false;
    };
    let all_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(area, 3) && all_digits(group, 2) && all_digits(serial, 4)) {
        return false;
    }
    *area != "000"
        && *area != "666"
        && !area.starts_with('9')
        && *group != "00"
        && *serial != "0000"
}

/// UK National Insurance number `AB 12 34 56 C`: two prefix letters (not D,
/// F, I, Q, U or V; the second not O; not BG, GB, KN, NK, NT, TN or ZZ), six
/// digits, suffix A–D.
pub fn is_uk_nino(t: &str) -> bool {
    // Two letters, six digits, one letter: nine characters without spaces.
    if t.bytes().filter(|b| *b != b' ').count() != 9 {
        return false;
    }
    let compact: Vec<u8> = t
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let [a, b, d @ .., s] = compact.as_slice() else {
        return false;
    };
    if d.len() != 6 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let bad_first = b"DFIQUV";
    let bad_second = b"DFIQUVO";
    let prefix = [*a, *b];
    a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !bad_first.contains(a)
        && !bad_second.contains(b)
        && !matches!(
            &prefix,
            b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
        )
        && matches!(s, b'A'..=b'D')
}

/// E.164-ish: optional `+`, 9–15 digits, only phone punctuation; without a `+`
/// it needs separators (a bare run of digits is more likely an id).
pub fn is_phone(t: &str) -> bool {
    let body = t.strip_prefix('+').unwrap_or(t);
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || b" -.()/".contains(&b))
        || !body
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'(')
    {
        return false;
    }
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    if !(9..=15).contains(&digits) {
        return false;
    }
    // The US SSN layout (`AAA-GG-SSSS`) is not a phone layout.
    let groups: Vec<usize> = body.split('-').map(str::len).collect();
    if groups == [3, 2, 4] {
        return false;
    }
    let has_plus = t.starts_with('+');
    let separators = body.bytes().filter(|b| b" -()".contains(b)).count();
    let dots = body.bytes().filter(|&b| b == b'.').count();
    // Decimal numbers and dates are not phone numbers.
    if dots == 1 && separators == 0 {
        return false;
    }
    has_plus || separators >= 1 || dots >= 2
}

/// Example field names of the dictionary entry with this label (empty when
/// there is none). For `lcscan rules --fields` and the page.
pub fn examples_of(label: &str) -> Vec<String> {
    dictionary()
        .entries
        .iter()
        .find(|e| e.label == label)
        .map(|e| e.examples.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Option<FieldClass> {
        classify_name(n, &Policy::empty())
    }

    #[test]
    fn dictionary_loads_and_is_well_formed() {
        let d = dictionary();
        assert!(d.error.is_none(), "{:?}", d.error);
        assert!(d.entries.len() >= 15);
        for e in &d.entries {
            assert!(CATEGORIES.contains(&e.category.as_str()), "{}", e.label);
            assert!(!e.examples.is_empty(), "{} has no examples", e.label);
            assert!(
                !e.negative_examples.is_empty(),
                "{} has no negatives",
                e.label
            );
            for r in &e.regulations {
                assert!(["GDPR", "HIPAA", "PCI DSS"].contains(&r.as_str()), "{r}");
            }
        }
    }

    #[test]
    fn every_example_classifies_and_negatives_do_not() {
        let d = dictionary();
        let mut failures = Vec::new();
        for e in &d.entries {
            for ex in &e.examples {
                match name(ex) {
                    Some(c) if c.category == e.category => {}
                    other => failures.push(format!("{}: {ex} -> {other:?}", e.label)),
                }
            }
            for neg in &e.negative_examples {
                if let Some(c) = name(neg) {
                    if c.label == e.label {
                        failures.push(format!("{}: negative {neg} matched", e.label));
                    }
                }
            }
        }
        for n in &d.not_sensitive {
            if let Some(c) = name(n) {
                failures.push(format!("not_sensitive {n} -> {c:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn first_pass_finds_what_trying_every_entry_finds() {
        let d = dictionary();
        let slow = |n: &str| {
            let words = tokenize_key(n);
            let joined = words.concat();
            d.entries
                .iter()
                .find(|e| !words.is_empty() && entry_matches(e, &words, &joined))
                .map(|e| e.label.clone())
        };
        let mut names: Vec<String> = Vec::new();
        for e in &d.entries {
            names.extend(e.examples.iter().cloned());
            names.extend(e.negative_examples.iter().cloned());
            names.extend(e.phrases.iter().cloned());
            names.extend(
                e.phrases
                    .iter()
                    .map(|p| format!("{}Id", p.replace(' ', ""))),
            );
            names.extend(
                e.phrases
                    .iter()
                    .map(|p| format!("old_{}", p.replace(' ', "_"))),
            );
        }
        names.extend(d.not_sensitive.iter().cloned());
        names.extend(
            [
                "",
                "__c",
                "x",
                "Email__c",
                "emailTemplate",
                "BillingStreet",
                "Ünïcode_Émail",
            ]
            .map(String::from),
        );
        for n in &names {
            assert_eq!(d.match_name(n).map(|e| e.label.clone()), slow(n), "{n}");
        }
    }

    #[test]
    fn labels_and_regulations() {
        let c = name("customerEmail").unwrap();
        assert_eq!(
            (c.category.as_str(), c.label.as_str()),
            ("pii", "e-mail address")
        );
        assert_eq!(regulations(&c), ["GDPR"]);
        let c = name("Card_Number__c").unwrap();
        assert_eq!(c.label, "card number");
        assert!(regulations(&c).contains(&"PCI DSS".to_string()));
        assert_eq!(name("date_of_birth").unwrap().label, "date of birth");
        assert_eq!(name("patientId").unwrap().category, "health");
        assert_eq!(name("ipAddress").unwrap().category, "location");
        assert_eq!(name("billingAddress").unwrap().label, "postal address");
    }

    #[test]
    fn policy_extends_the_dictionary() {
        let mut policy = Policy::empty();
        policy
            .sensitive_fields
            .insert("Loyalty_Number".into(), "pii".into());
        let c = classify_name("loyaltyNumber", &policy).unwrap();
        assert_eq!(c.category, "pii");
        assert_eq!(c.label, "Loyalty_Number");
        assert!(classify_name("loyaltyNumber", &Policy::empty()).is_none());
    }

    #[test]
    fn values_are_recognised() {
        let v = |t: &str| classify_value(t).map(|c| c.label);
        assert_eq!(v("jane.doe@example.org").as_deref(), Some("e-mail address"));
        assert_eq!(v("4111 1111 1111 1111").as_deref(), Some("card number"));
        assert_eq!(v("5555-5555-5555-4444").as_deref(), Some("card number"));
        assert_eq!(
            v("GB82 WEST 1234 5698 7654 32").as_deref(),
            Some("bank account number")
        );
        assert_eq!(
            v("DE89370400440532013000").as_deref(),
            Some("bank account number")
        );
        assert_eq!(
            v("123-45-6789").as_deref(),
            Some("national identity number")
        );
        assert_eq!(v("+44 20 7946 0958").as_deref(), Some("phone number"));
        assert_eq!(v("(555) 010-4477").as_deref(), Some("phone number"));
        assert_eq!(v("+15550104477").as_deref(), Some("phone number"));
    }

    #[test]
    fn uk_nino_structure() {
        assert!(is_uk_nino("AB 12 34 56 C"));
        assert!(is_uk_nino("JG103759A"));
        assert!(!is_uk_nino("QQ 12 34 56 C")); // the documentation example
        assert!(!is_uk_nino("GB123456A"));
        assert!(!is_uk_nino("AO123456A"));
        assert!(!is_uk_nino("AB123456E"));
        assert!(!is_uk_nino("AB12345C"));
        assert_eq!(
            classify_value("JG 10 37 59 A").map(|c| c.label).as_deref(),
            Some("national identity number")
        );
    }

    #[test]
    fn name_and_values_combine_into_a_level() {
        let p = Policy::empty();
        let a = assess("customerEmail", &["jane@fake.test", "joe@fake.test"], &p).unwrap();
        assert_eq!(a.level, Sensitivity::Sensitive);
        assert_eq!(a.class.label, "e-mail address");
        assert_eq!(a.regulations, ["GDPR"]);
        assert!(a.reason.contains("2 of 2"), "{}", a.reason);
        assert!(a.regulation_notes()[0].starts_with("GDPR (the EU and UK"));

        let a = assess("cardNumber", &[], &p).unwrap();
        assert_eq!(a.level, Sensitivity::LikelySensitive);
        assert!(a.regulations.contains(&"PCI DSS".to_string()));
        assert!(a
            .regulation_notes()
            .iter()
            .any(|n| n.starts_with("PCI DSS (the card companies")));

        // Value only: a checksum-valid card number is likely sensitive…
        let a = assess("field_7", &["4111 1111 1111 1111"], &p).unwrap();
        assert_eq!(a.level, Sensitivity::LikelySensitive);
        assert_eq!(a.class.label, "card number");
        // …a phone-shaped value only worth a check.
        let a = assess("col3", &["+44 20 7946 0958"], &p).unwrap();
        assert_eq!(a.level, Sensitivity::Check);
        // A phone field that holds yes/no flags.
        let a = assess("phone", &["yes", "no", "yes"], &p).unwrap();
        assert_eq!(a.level, Sensitivity::Check);
        // Health data: HIPAA in plain words.
        let a = assess("diagnosis", &[], &p).unwrap();
        assert!(a.regulations.contains(&"HIPAA".to_string()));
        assert!(a.regulation_notes().iter().any(|n| n.starts_with("HIPAA")));
        // Different kinds of the same category agree that it is sensitive.
        let a = assess("address", &["jane@fake.test"], &p).unwrap();
        assert_eq!(a.level, Sensitivity::Sensitive);
        assert!(
            a.reason.ends_with("(1 of 1) — both personal data."),
            "{}",
            a.reason
        );
        // Nothing either way.
        assert!(assess("statement", &["hello", "world"], &p).is_none());
        assert!(assess("filename", &["report.pdf"], &p).is_none());
        // The policy makes it sensitive.
        let mut policy = Policy::empty();
        policy
            .sensitive_fields
            .insert("Loyalty_Number".into(), "pii".into());
        let a = assess("loyaltyNumber", &[], &policy).unwrap();
        assert_eq!(a.level, Sensitivity::Sensitive);
        assert_eq!(Sensitivity::LikelySensitive.as_str(), "Likely sensitive");
    }

    #[test]
    fn every_regulation_has_a_plain_note() {
        for e in &dictionary().entries {
            for r in &e.regulations {
                assert!(regulation_note(r).is_some_and(|n| n.len() > 60), "{r}");
            }
        }
    }

    #[test]
    fn lookalike_values_are_not() {
        for t in [
            "4111 1111 1111 1112", // Luhn fails
            "1234567812345670",    // Luhn passes, no issuer prefix
            "GB82 WEST 1234 5698 7654 33",
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "1700000000123", // a timestamp
            "3.14159265358",
            "2024-01-01",
            "not an email@",
            "user@localhost",
            "12345",
        ] {
            assert!(
                classify_value(t).is_none(),
                "{t} -> {:?}",
                classify_value(t)
            );
        }
        assert!(is_iban("GB82WEST12345698765432"));
        assert!(!is_iban("GB00WEST12345698765432"));
    }
}
