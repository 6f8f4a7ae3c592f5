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
        // Comments, CDATA and processing instructions may hold `<` (HTML in an
        // email template, even `<!DOCTYPE html>`): skip them whole.
        let opaque: [(&str, &str); 3] = [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")];
        let rest = text.get(at..).unwrap_or_default();
        if let Some((open, close)) = opaque.iter().find(|(open, _)| rest.starts_with(open)) {
            let body = at + open.len();
            i = text
                .get(body..)
                .and_then(|b| b.find(close))
                .map_or(bytes.len(), |p| body + p + close.len());
            continue;
        }
        match next {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'!') => {
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
