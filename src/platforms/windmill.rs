//! Windmill (work in progress).

use super::Parser;
use crate::ingest::{Bundle, Entry};
use crate::model::{App, Platform};
use crate::report::Note;

pub static PARSER: Parser = Parser {
    platform: Platform::Windmill,
    claims,
    parse,
};

fn claims(_entry: &Entry) -> bool {
    false
}

fn parse(_bundle: &Bundle, _entries: &[&Entry], _notes: &mut Vec<Note>) -> Vec<App> {
    Vec::new()
}
