//! Text decoding and cheap shape checks done before a full parse.

use std::borrow::Cow;

use crate::error::ScanError;
use crate::policy::Limits;

use super::mb;

/// Decode UTF-8 (with or without BOM) or UTF-16 with a BOM.
pub fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, ScanError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return utf8(rest, 3);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, u16::from_le_bytes).map(Cow::Owned);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, u16::from_be_bytes).map(Cow::Owned);
    }
    utf8(bytes, 0)
}

fn utf8(bytes: &[u8], offset: usize) -> Result<Cow<'_, str>, ScanError> {
    std::str::from_utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|e| ScanError::InvalidUtf8 {
            offset: offset + e.valid_up_to(),
        })
}

fn utf16(bytes: &[u8], decode: fn([u8; 2]) -> u16) -> Result<String, ScanError> {
    let units = bytes
        .chunks_exact(2)
        .map(|c| decode(<[u8; 2]>::try_from(c).unwrap_or_default()));
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, ch) in char::decode_utf16(units).enumerate() {
        match ch {
            Ok(c) => out.push(c),
            Err(_) => return Err(ScanError::InvalidUtf8 { offset: 2 + i * 2 }),
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(ScanError::InvalidUtf8 {
            offset: bytes.len() + 1,
        });
    }
    Ok(out)
}

/// Parse JSON text into a document, refusing (with the same errors as
/// [`check_json_shape`]) nesting deeper than the policy's depth limit and
/// strings longer than its string limit while parsing, so the text is read
/// once, not once to check and once to parse.
///
/// Returns the serde error for any other fault (the caller words it).
pub fn parse_json(text: &str, limits: &Limits) -> Result<serde_json::Value, JsonFailure> {
    let refused = std::cell::Cell::new(None);
    let values = std::cell::Cell::new(0usize);
    let seed = Bounded {
        depth: 0,
        max_depth: limits.max_depth.min(crate::policy::MAX_SUPPORTED_DEPTH),
        max_string: limits.max_string_bytes,
        refused: &refused,
        values: &values,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = serde::de::DeserializeSeed::deserialize(seed, &mut de).and_then(|v| {
        de.end()?;
        Ok(v)
    });
    parsed.map_err(|e| match refused.take() {
        Some(limit) => JsonFailure::Limit(limit),
        None => JsonFailure::Syntax(e),
    })
}

/// Why [`parse_json`] gave no document.
#[derive(Debug)]
pub enum JsonFailure {
    /// Over a limit: the error to report as it is.
    Limit(ScanError),
    /// Not JSON (or not one JSON value).
    Syntax(serde_json::Error),
}

/// Builds a `serde_json::Value` like its own `Deserialize`, counting depth
/// and measuring strings on the way.
#[derive(Clone, Copy)]
struct Bounded<'a> {
    depth: usize,
    max_depth: usize,
    max_string: u64,
    refused: &'a std::cell::Cell<Option<ScanError>>,
    /// Values (of any kind) built so far in this document.
    values: &'a std::cell::Cell<usize>,
}

/// At most this many values in one JSON document (as XML has its node cap and
/// YAML its value cap): a document's memory is about 10-20 times its text
/// for small values, so this bounds what one export can make lcscan hold
/// (the largest real JSON export seen has 33,000; an export fuzzed up to
/// 4 million small values took 1.2 GB).
pub const MAX_JSON_VALUES: usize = 2_000_000;

impl Bounded<'_> {
    fn refuse<E: serde::de::Error>(self, error: ScanError) -> E {
        let message = error.code();
        self.refused.set(Some(error));
        E::custom(message)
    }

    /// One more value: refused past [`MAX_JSON_VALUES`].
    fn count<E: serde::de::Error>(self) -> Result<(), E> {
        let n = self.values.get() + 1;
        self.values.set(n);
        if n > MAX_JSON_VALUES {
            return Err(self.refuse(ScanError::TooManyValues {
                limit: MAX_JSON_VALUES,
            }));
        }
        Ok(())
    }

    /// The seed for the values inside a container opened here.
    fn enter<E: serde::de::Error>(self) -> Result<Self, E> {
        let depth = self.depth + 1;
        if depth > self.max_depth {
            return Err(self.refuse(ScanError::TooDeep {
                limit: self.max_depth,
            }));
        }
        Ok(Bounded { depth, ..self })
    }

    fn string<E: serde::de::Error>(self, len: usize) -> Result<(), E> {
        // As check_json_shape measures: the text and its opening quote.
        let len = len as u64 + 1;
        if len > self.max_string {
            return Err(self.refuse(ScanError::StringTooLong {
                size_mb: super::mb(len),
                limit_mb: super::mb(self.max_string),
            }));
        }
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Bounded<'_> {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Bounded<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.count()?;
        Ok(serde_json::Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.count()?;
        Ok(serde_json::Value::Number(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.count()?;
        Ok(serde_json::Value::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.count()?;
        Ok(serde_json::Number::from_f64(v)
            .map_or(serde_json::Value::Null, serde_json::Value::Number))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.count()?;
        self.string(v.len())?;
        Ok(serde_json::Value::String(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.count()?;
        self.string(v.len())?;
        Ok(serde_json::Value::String(v))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.count()?;
        Ok(serde_json::Value::Null)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.count()?;
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        self.count()?;
        let inner = self.enter()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        self.count()?;
        let inner = self.enter()?;
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.string(key.len())?;
            let value = map.next_value_seed(inner)?;
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

/// One linear pass over JSON text: nesting depth and longest string stay within limits.
/// Runs before serde so hostile files fail fast with a clear message.
pub fn check_json_shape(text: &str, limits: &Limits) -> Result<(), ScanError> {
    let max_depth = limits.max_depth.min(crate::policy::MAX_SUPPORTED_DEPTH);
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                // Jump from quote or backslash to the next (memchr): strings
                // are most of an export's bytes.
                let string_start = i;
                let mut j = i + 1;
                loop {
                    let Some(p) = bytes
                        .get(j..)
                        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                    else {
                        // Unterminated: the string runs to the end.
                        check_string_len(text.len() - string_start, limits)?;
                        return Ok(());
                    };
                    let at = j + p;
                    if bytes.get(at) == Some(&b'\\') {
                        // The escaped byte is part of the string, whatever it is.
                        j = at + 2;
                        continue;
                    }
                    check_string_len(at - string_start, limits)?;
                    i = at;
                    break;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return Err(ScanError::TooDeep { limit: max_depth });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn check_string_len(len: usize, limits: &Limits) -> Result<(), ScanError> {
    if len as u64 > limits.max_string_bytes {
        return Err(ScanError::StringTooLong {
            size_mb: mb(len as u64),
            limit_mb: mb(limits.max_string_bytes),
        });
    }
    Ok(())
}

/// Depth and DOCTYPE check for XML before parsing.
pub fn check_xml_shape(text: &str, limits: &Limits) -> Result<(), ScanError> {
    let max_depth = limits.max_depth;
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(rel) = bytes.get(i..).and_then(|rest| memchr::memchr(b'<', rest)) {
        let at = i + rel;
        let next = bytes.get(at + 1).copied();
        match next {
            Some(b'/') => depth = depth.saturating_sub(1),
            // Comments, CDATA and processing instructions may hold `<` (HTML
            // in an email template, even `<!DOCTYPE html>`): skip them whole.
            Some(b'!') | Some(b'?') => {
                let opaque: [(&str, &str); 3] =
                    [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")];
                let rest = text.get(at..).unwrap_or_default();
                if let Some((open, close)) = opaque.iter().find(|(open, _)| rest.starts_with(open))
                {
                    let body = at + open.len();
                    i = text
                        .get(body..)
                        .and_then(|b| memchr::memmem::find(b.as_bytes(), close.as_bytes()))
                        .map_or(bytes.len(), |p| body + p + close.len());
                    continue;
                }
                if bytes
                    .get(at + 2..at + 9)
                    .is_some_and(|t| t.eq_ignore_ascii_case(b"DOCTYPE"))
                {
                    return Err(ScanError::XmlDoctype);
                }
            }
            _ => {
                let end = bytes
                    .get(at..)
                    .and_then(|rest| memchr::memchr(b'>', rest))
                    .map(|p| at + p);
                let self_closing = end.is_some_and(|e| e > 0 && bytes.get(e - 1) == Some(&b'/'));
                if !self_closing {
                    depth += 1;
                    if depth > max_depth {
                        return Err(ScanError::TooDeep { limit: max_depth });
                    }
                }
            }
        }
        i = at + 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_utf16_are_decoded() {
        assert_eq!(decode_text(b"\xef\xbb\xbf{}").unwrap(), "{}");
        let le: Vec<u8> = [0xff, 0xfe, b'{', 0, b'}', 0].to_vec();
        assert_eq!(decode_text(&le).unwrap(), "{}");
        let be: Vec<u8> = [0xfe, 0xff, 0, b'[', 0, b']'].to_vec();
        assert_eq!(decode_text(&be).unwrap(), "[]");
    }

    #[test]
    fn invalid_utf8_reports_offset() {
        let err = decode_text(b"{\"a\":\"\xff\"}").unwrap_err();
        assert_eq!(err, ScanError::InvalidUtf8 { offset: 6 });
    }

    #[test]
    fn parse_json_builds_what_serde_json_builds() {
        let limits = Limits::default();
        for text in [
            r#"{"a": [1, -2, 3.5, 1e-999, 18446744073709551616, true, null], "b": {"c": "x\u00e9\"y"}}"#,
            r#"[{"k": "v", "k": "w"}, [], {}, "", 0]"#,
            r#""just a string""#,
            r#"{"n": 99999999999999999999999999999999999999}"#,
        ] {
            let ours = parse_json(text, &limits).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
        assert!(matches!(
            parse_json("[1] x", &limits),
            Err(JsonFailure::Syntax(_))
        ));
        assert!(matches!(
            parse_json("[1e999]", &limits),
            Err(JsonFailure::Syntax(_))
        ));
    }

    #[test]
    fn parse_json_refuses_what_check_json_shape_refuses() {
        let limits = Limits {
            max_depth: 3,
            max_string_bytes: 8,
            ..Limits::default()
        };
        for text in [
            "[[[[1]]]]",
            r#"{"a":{"b":{"c":{}}}}"#,
            r#"["123456789"]"#,
            r#"{"123456789": 1}"#,
        ] {
            let Err(JsonFailure::Limit(ours)) = parse_json(text, &limits) else {
                panic!("{text} was not refused");
            };
            assert_eq!(Err(ours), check_json_shape(text, &limits), "{text}");
        }
        assert!(parse_json(r#"[[["1234567"]]]"#, &limits).is_ok());
    }

    #[test]
    fn depth_counts_only_outside_strings() {
        let limits = Limits {
            max_depth: 3,
            ..Limits::default()
        };
        assert!(check_json_shape(r#"{"a":"[[[[[[[["}"#, &limits).is_ok());
        assert_eq!(
            check_json_shape("[[[[1]]]]", &limits),
            Err(ScanError::TooDeep { limit: 3 })
        );
    }

    #[test]
    fn xml_comments_cdata_and_instructions_are_skipped() {
        let limits = Limits {
            max_depth: 2,
            ..Limits::default()
        };
        let text = "<?xml version=\"1.0\"?><a><!-- <!DOCTYPE x> <b><c><d> -->\
                    <b><![CDATA[<!DOCTYPE html><p><p><p>]]></b><?pi <x><y><z> ?></a>";
        assert!(check_xml_shape(text, &limits).is_ok());
        // Unterminated: the rest is skipped, still no panic.
        assert!(check_xml_shape("<a><!-- <b><c><d>", &limits).is_ok());
        assert!(check_xml_shape("<a><![CDATA[", &limits).is_ok());
        assert!(check_xml_shape("<?", &limits).is_ok());
        // The DOCTYPE check still sees a real declaration after a comment.
        assert_eq!(
            check_xml_shape("<!-- x --><!DOCTYPE a><a/>", &limits),
            Err(ScanError::XmlDoctype)
        );
    }

    #[test]
    fn xml_depth_and_doctype() {
        let limits = Limits {
            max_depth: 2,
            ..Limits::default()
        };
        assert!(check_xml_shape("<a><b/><c>x</c></a>", &limits).is_ok());
        assert_eq!(
            check_xml_shape("<a><b><c/><d></d></b></a><e><f><g>", &limits),
            Err(ScanError::TooDeep { limit: 2 })
        );
        assert_eq!(
            check_xml_shape(
                "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x/>",
                &limits
            ),
            Err(ScanError::XmlDoctype)
        );
    }
}
