//! YAML text to a JSON value, for parsers of YAML-based exports (Windmill).
//!
//! Built from the parser's event stream with an explicit stack, so nesting
//! depth and the number of nodes stay within limits; aliases are expanded by
//! copy but count against the same node budget ("billion laughs" stops early).

use serde_json::{Map, Number, Value as Json};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use crate::policy::Limits;

/// Most nodes (scalars, mappings, sequences, alias copies) one document may produce.
const MAX_NODES: usize = 2_000_000;

enum Frame {
    Seq(Vec<Json>, usize),
    Map(Map<String, Json>, Option<String>, usize),
}

/// Parse the first YAML document in `text`. An empty document is `null`.
pub fn parse_yaml(text: &str, limits: &Limits) -> Result<Json, String> {
    let max_depth = limits.max_depth.min(crate::policy::MAX_SUPPORTED_DEPTH);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Json> = std::collections::HashMap::new();
    let mut nodes = 0usize;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| e.to_string())?;
        let value = match event {
            Event::StreamEnd => return Ok(Json::Null),
            Event::DocumentEnd => {
                if stack.is_empty() {
                    return Ok(Json::Null);
                }
                continue;
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart => continue,
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= max_depth {
                    return Err(format!("nested more than {max_depth} levels deep"));
                }
                stack.push(Frame::Seq(Vec::new(), anchor));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= max_depth {
                    return Err(format!("nested more than {max_depth} levels deep"));
                }
                stack.push(Frame::Map(Map::new(), None, anchor));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match stack.pop() {
                    Some(Frame::Seq(items, anchor)) => (Json::Array(items), anchor),
                    Some(Frame::Map(map, _, anchor)) => (Json::Object(map), anchor),
                    None => return Err("unbalanced document".into()),
                };
                if anchor > 0 {
                    anchors.insert(anchor, value.clone());
                }
                value
            }
            Event::Alias(id) => {
                let value = anchors.get(&id).cloned().unwrap_or(Json::Null);
                nodes = nodes.saturating_add(count_nodes(&value));
                value
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(text, style, tag.is_some());
                if anchor > 0 {
                    anchors.insert(anchor, value.clone());
                }
                value
            }
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(format!(
                "more than {MAX_NODES} values (near line {}), far more than any real export",
                mark.line()
            ));
        }
        match stack.last_mut() {
            None => return Ok(value),
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(map, key, _)) => match key.take() {
                None => *key = Some(key_text(&value)),
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
}

fn count_nodes(value: &Json) -> usize {
    let mut count = 0usize;
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        count += 1;
        match v {
            Json::Array(items) => todo.extend(items.iter()),
            Json::Object(map) => todo.extend(map.values()),
            _ => {}
        }
    }
    count
}

fn key_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// YAML 1.2 core schema resolution for plain scalars; quoted and block
/// scalars (and tagged ones) stay text.
fn scalar(text: String, style: TScalarStyle, tagged: bool) -> Json {
    if style != TScalarStyle::Plain || tagged {
        return Json::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
        "true" | "True" | "TRUE" => return Json::Bool(true),
        "false" | "False" | "FALSE" => return Json::Bool(false),
        _ => {}
    }
    let looks_numeric = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'));
    if looks_numeric {
        if let Ok(n) = text.parse::<i64>() {
            return Json::Number(n.into());
        }
        if let Some(n) = text
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .and_then(Number::from_f64)
        {
            return Json::Number(n);
        }
    }
    Json::String(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Json {
        parse_yaml(text, &Limits::default()).unwrap()
    }

    #[test]
    fn block_and_flow_styles() {
        let text = "value:\n  host: db.example.com\n  password: '$var:f/x/y'\n  port: 3306\n  ssl: true\nlist:\n  - a\n  - {b: 1}\ntext: >-\n  folded\n  line\nempty:\n";
        assert_eq!(
            parse(text),
            json!({"value": {"host": "db.example.com", "password": "$var:f/x/y", "port": 3306, "ssl": true},
                   "list": ["a", {"b": 1}], "text": "folded line", "empty": null})
        );
        assert_eq!(parse("'3306'"), json!("3306"));
        assert_eq!(parse(""), Json::Null);
    }

    #[test]
    fn alias_bombs_and_deep_nesting_stop() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='l' {
            bomb.push_str(&format!(
                "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = c;
        }
        assert!(parse_yaml(&bomb, &Limits::default())
            .unwrap_err()
            .contains("far more"));
        let deep = "[".repeat(10_000);
        assert!(parse_yaml(&deep, &Limits::default()).is_err());
        assert!(parse_yaml("a: [1, 2", &Limits::default()).is_err());
    }
}
