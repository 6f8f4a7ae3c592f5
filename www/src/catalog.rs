//! "What lcscan looks for": the rules, every secret pattern, every
//! sensitive-field category and the connector catalog, with a text filter.
//! Collapsed by default; the lists are built and rendered only once the
//! section is opened, so the page starts as fast as before. Everything is
//! text (Yew escapes it), never HTML.

use lcscan::detect::{connectors, fields, secrets};
use lcscan::rules::RULES;
use std::rc::Rc;

use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

/// One row of one of the lists, with its text lower-cased for the filter.
#[derive(Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<String>,
    /// A longer description shown under the row's cells (may be empty).
    pub detail: String,
    haystack: String,
}

impl Row {
    fn new(cells: Vec<String>, detail: String) -> Row {
        let haystack = cells
            .iter()
            .chain(std::iter::once(&detail))
            .map(|c| c.to_lowercase())
            .collect::<Vec<_>>()
            .join("\n");
        Row {
            cells,
            detail,
            haystack,
        }
    }

    /// Whether every word of the filter occurs in the row (the empty filter
    /// matches everything).
    pub fn matches(&self, filter: &str) -> bool {
        filter
            .split_whitespace()
            .all(|w| self.haystack.contains(&w.to_lowercase()))
    }
}

/// One list: an id for the page, a heading, column names, rows.
#[derive(Clone, PartialEq)]
pub struct List {
    pub id: &'static str,
    pub title: &'static str,
    pub intro: String,
    pub columns: &'static [&'static str],
    pub rows: Vec<Row>,
}

fn confidence_word(c: Option<secrets::Confidence>) -> &'static str {
    match c {
        Some(secrets::Confidence::High) => "high",
        Some(secrets::Confidence::Medium) => "medium",
        Some(secrets::Confidence::Low) => "low",
        None => "by key name",
    }
}

/// Every list, built from the engine's own data (the same the scanner uses).
pub fn lists() -> Vec<List> {
    let rules = List {
        id: "catalog-rules",
        title: "Rules",
        intro: "Each finding comes from one of these rules.".into(),
        columns: &["Rule", "Severity", "What it finds"],
        rows: RULES
            .iter()
            .map(|r| {
                Row::new(
                    vec![
                        format!("{} {}", r.id, r.name),
                        r.severity.as_str().into(),
                        r.title.into(),
                    ],
                    String::new(),
                )
            })
            .collect(),
    };
    // Read from the rule file without compiling the scanner's regexes.
    let patterns = secrets::pattern_list();
    let mut providers: Vec<&str> = patterns
        .iter()
        .map(|(p, _)| p.provider.as_str())
        .filter(|p| *p != secrets::GENERIC_PROVIDER)
        .collect();
    providers.sort_unstable();
    providers.dedup();
    let secrets = List {
        id: "catalog-secrets",
        title: "Passwords, keys and tokens",
        intro: format!(
            "{} patterns recognise credentials of {} services, plus passwords and keys found by the name of the setting they sit in.",
            patterns.len(),
            providers.len()
        ),
        columns: &["Secret", "Provider", "Confidence"],
        rows: patterns
            .iter()
            .map(|(p, confidence)| {
                Row::new(
                    vec![
                        p.name.clone(),
                        p.provider.clone(),
                        confidence_word(*confidence).into(),
                    ],
                    p.impact.clone(),
                )
            })
            .collect(),
    };
    let entries = fields::all_entries();
    let fields = List {
        id: "catalog-fields",
        title: "Sensitive data fields",
        intro: format!(
            "{} kinds of field are recognised by their names (in several languages) and, for card numbers, bank accounts, e-mail addresses, phone and identity numbers, by sample values.",
            entries.len()
        ),
        columns: &["Field", "Category", "Regulations", "Field names like"],
        rows: entries
            .into_iter()
            .map(|e| {
                let notes: Vec<&str> = e
                    .regulations
                    .iter()
                    .filter_map(|r| fields::regulation_note(r))
                    .collect();
                let regulations = if e.regulations.is_empty() {
                    "none".to_string()
                } else {
                    e.regulations.join(", ")
                };
                let examples = fields::examples_of(&e.label).join(", ");
                Row::new(
                    vec![
                        e.label,
                        format!("{} ({})", fields::category_words(&e.category), e.category),
                        regulations,
                        examples,
                    ],
                    notes.join(" "),
                )
            })
            .collect(),
    };
    let all = connectors::all();
    let per_platform = connectors::count_per_platform();
    let counts: Vec<String> = per_platform
        .iter()
        .map(|(p, n)| format!("{p} {n}"))
        .collect();
    let connectors = List {
        id: "catalog-connectors",
        title: "Connectors",
        intro: format!(
            "{} connectors, nodes and data sources are known ({}). Risk: high = runs code or blocked by default; medium = can move data outside the organisation; low = stays inside.",
            all.len(),
            counts.join(", ")
        ),
        columns: &["Connector", "Platform", "Category", "Risk"],
        rows: all
            .iter()
            .map(|c| {
                Row::new(
                    vec![
                        c.name.clone(),
                        connectors::platform_of(c).into(),
                        c.category.clone(),
                        connectors::risk_class(c).into(),
                    ],
                    c.id.clone(),
                )
            })
            .collect(),
    };
    vec![rules, secrets, fields, connectors]
}

#[derive(Properties, PartialEq)]
struct ListsProps {
    filter: String,
}

/// Rows shown per list until "Show all" is pressed (keeps opening and
/// filtering quick: the long lists have hundreds of rows).
pub const FIRST_ROWS: usize = 30;

/// The lists, built once when first shown.
#[function_component(CatalogLists)]
fn catalog_lists(props: &ListsProps) -> Html {
    let built = use_state(|| None::<Rc<Vec<List>>>);
    {
        // Let the browser draw the opened section (with "Loading…") first,
        // and build the lists in the next task.
        let built = built.clone();
        use_effect_with((), move |_| {
            let build = Closure::once_into_js(move || built.set(Some(Rc::new(lists()))));
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback(build.unchecked_ref());
            }
            || ()
        });
    }
    // Lists whose every row is shown.
    let expanded = use_state(Vec::<&'static str>::new);
    let filter = props.filter.trim();
    let Some(lists) = (*built).clone() else {
        return html! { <p id="catalog-loading" class="catalog-none">{ "Loading the lists…" }</p> };
    };
    html! {
        <>
            { for lists.iter().map(|list| {
                let mut shown: Vec<&Row> = list.rows.iter().filter(|r| r.matches(filter)).collect();
                let count = if filter.is_empty() {
                    format!("({})", list.rows.len())
                } else {
                    format!("({} of {})", shown.len(), list.rows.len())
                };
                let matching = shown.len();
                if !expanded.contains(&list.id) {
                    shown.truncate(FIRST_ROWS);
                }
                let more = matching > shown.len();
                let on_more = {
                    let expanded = expanded.clone();
                    let id = list.id;
                    Callback::from(move |_: MouseEvent| {
                        let mut now = (*expanded).clone();
                        now.push(id);
                        expanded.set(now);
                    })
                };
                html! {
                    <section class="catalog-list" id={list.id} aria-label={list.title}>
                        <h3>{ list.title }{ " " }<span class="catalog-count">{ count }</span></h3>
                        <p class="catalog-intro">{ list.intro.clone() }</p>
                        if shown.is_empty() {
                            <p class="catalog-none">{ "Nothing matches the filter." }</p>
                        } else {
                            <table class="catalog-table">
                                <thead><tr>{ for list.columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
                                <tbody>
                                    { for shown.into_iter().map(|row| html! {
                                        <tr class="catalog-row">
                                            { for row.cells.iter().enumerate().map(|(i, c)| {
                                                if i == 0 && !row.detail.is_empty() {
                                                    html! { <td>{ c.clone() }<br /><span class="catalog-detail">{ row.detail.clone() }</span></td> }
                                                } else {
                                                    html! { <td>{ c.clone() }</td> }
                                                }
                                            }) }
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                            if more {
                                <button type="button" class="catalog-more" onclick={on_more}>
                                    { format!("Show all {matching}") }
                                </button>
                            }
                        }
                    </section>
                }
            }) }
        </>
    }
}

/// The collapsed "What lcscan looks for" section.
#[function_component(Catalog)]
pub fn catalog() -> Html {
    let open = use_state(|| false);
    let filter = use_state(String::new);
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                open.set(el.has_attribute("open"));
            }
        })
    };
    let on_input = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                filter.set(input.value());
            }
        })
    };
    html! {
        <details id="catalog" class="catalog" ontoggle={on_toggle}>
            <summary>{ "What lcscan looks for" }</summary>
            if *open {
                <div class="catalog-body">
                    <label class="catalog-filter">{ "Filter " }
                        <input id="catalog-filter" type="search" placeholder="e.g. stripe, IBAN, Slack"
                            value={(*filter).clone()} oninput={on_input} />
                    </label>
                    <CatalogLists filter={(*filter).clone()} />
                </div>
            }
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_hold_every_pattern_field_and_connector_and_filter_by_words() {
        let all = lists();
        let by_id = |id: &str| all.iter().find(|l| l.id == id).unwrap();
        assert_eq!(by_id("catalog-rules").rows.len(), RULES.len());
        assert_eq!(
            by_id("catalog-secrets").rows.len(),
            secrets::all_patterns().len()
        );
        assert_eq!(
            by_id("catalog-fields").rows.len(),
            fields::all_entries().len()
        );
        assert_eq!(
            by_id("catalog-connectors").rows.len(),
            connectors::all().len()
        );
        let stripe: Vec<&Row> = by_id("catalog-secrets")
            .rows
            .iter()
            .filter(|r| r.matches("STRIPE live"))
            .collect();
        assert!(stripe
            .iter()
            .any(|r| r.cells[0] == "Stripe live secret key" && r.detail.contains("refunds")));
        let iban: Vec<&Row> = by_id("catalog-fields")
            .rows
            .iter()
            .filter(|r| r.matches("iban"))
            .collect();
        assert_eq!(iban.len(), 1);
        assert_eq!(iban[0].cells[0], "bank account number");
        assert!(iban[0].detail.contains("GDPR"));
        assert!(by_id("catalog-fields").rows.iter().all(|r| r.matches("")));
    }
}
