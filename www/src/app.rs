//! The page's components: drop zone, samples, summary, findings with
//! filters, inventory, downloads. Text from the export is only ever put in
//! text nodes (Yew escapes it), never in HTML.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::bridge::{self, Shared};
use crate::policy::{self, InForce, Source};
use crate::state::{
    new_exception, AcceptForm, Action, FileResult, Outcome, State, Tab, SEVERITIES,
};
use crate::view::{
    JobSettings, ViewDiff, ViewExceptionOutcome, ViewFinding, ViewReport, DOWNLOADS,
};
use crate::SAMPLES;
use lcscan::baseline::Exceptions;

type Files = Vec<(String, Vec<u8>)>;
type Version = (String, Vec<u8>);

/// Yew's store around the pure [`State`].
#[derive(Default, PartialEq)]
pub struct Store(pub State);

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Store(self.0.clone().reduce(action)))
    }
}

/// On the main thread, a panic shows a message instead of a frozen page.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&JsValue::from_str(&info.to_string()));
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("panic"));
        if let Some(el) = el {
            el.set_text_content(Some(
                "Something went wrong inside lcscan and the page stopped. Reload the page to try again. Nothing was uploaded.",
            ));
            let _ = el.remove_attribute("hidden");
        }
    }));
}

/// A same-origin fetch of a policy file: `Ok(None)` when there is none.
async fn fetch_policy(path: &str, missing_is_error: bool) -> Result<Option<String>, String> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_mode(web_sys::RequestMode::SameOrigin);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_cache(web_sys::RequestCache::NoCache);
    let cannot = |detail: &str| {
        format!("The policy {path} could not be loaded ({detail}). lcscan is using its built-in default policy.")
    };
    let response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| cannot("the site did not answer"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| cannot("no answer"))?;
    // A host that answers every unknown address with the page itself is
    // "no policy there" too.
    let html = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.contains("html"));
    if response.status() == 404 || (response.ok() && html) {
        return if missing_is_error {
            Err(cannot("there is no such file on this site"))
        } else {
            Ok(None)
        };
    }
    if !response.ok() {
        return Err(cannot(&format!("the site answered {}", response.status())));
    }
    let text = JsFuture::from(response.text().map_err(|_| cannot("unreadable"))?)
        .await
        .map_err(|_| cannot("unreadable"))?;
    Ok(Some(text.as_string().unwrap_or_default()))
}

/// At start, before any scan: the portal's policy from `?policy=` (a path on
/// this site) or `policy.json` beside the page, or the built-in default.
async fn load_portal_policy() -> Result<InForce, String> {
    let window = web_sys::window().ok_or("no window")?;
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let param = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get("policy"));
    let (path, explicit) = match param {
        Some(value) => {
            let path = policy::check_param(&value)?;
            // On top of the text check: the resolved address must be this
            // page's own origin.
            let href = location.href().unwrap_or_default();
            let same = web_sys::Url::new_with_base(&path, &href)
                .ok()
                .is_some_and(|u| Some(u.origin()) == location.origin().ok());
            if !same {
                return Err(format!("The policy address '{value}' was not used: it is not on this same site. lcscan is using its built-in default policy."));
            }
            (path, true)
        }
        None => ("policy.json".to_string(), false),
    };
    match fetch_policy(&path, explicit).await? {
        None => Ok(InForce::built_in()),
        Some(text) => InForce::from_text(&text, Source::Portal(path.clone())).map_err(|e| {
            format!("The policy {path} given by this site could not be used: {e} lcscan is using its built-in default policy.")
        }),
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let store = use_reducer(Store::default);
    let bridge: Rc<RefCell<Option<Shared>>> = use_mut_ref(|| None);
    // The files last checked, scanned again when the policy or the
    // exceptions change.
    let last_files: Rc<RefCell<Files>> = use_mut_ref(Vec::new);
    {
        let dispatcher = store.dispatcher();
        let bridge = bridge.clone();
        use_effect_with((), move |_| {
            let for_bridge = dispatcher.clone();
            let dispatch: Rc<dyn Fn(Action)> = Rc::new(move |a| for_bridge.dispatch(a));
            *bridge.borrow_mut() = Some(bridge::new(dispatch));
            wasm_bindgen_futures::spawn_local(async move {
                match load_portal_policy().await {
                    Ok(p) => dispatcher.dispatch(Action::PolicyReady(p)),
                    Err(why) => dispatcher.dispatch(Action::PolicyFailed(why)),
                }
            });
            || ()
        });
    }
    {
        // Every change of policy or exceptions goes to the scanner, and the
        // files on show are checked again with it.
        let policy_text = store.0.policy.as_ref().map(|p| p.text.clone());
        let exceptions = if store.0.exceptions.exceptions.is_empty() {
            String::new()
        } else {
            store.0.exceptions.to_json()
        };
        let dispatcher = store.dispatcher();
        let bridge = bridge.clone();
        let last_files = last_files.clone();
        use_effect_with((policy_text, exceptions), move |(policy, exceptions)| {
            if let (Some(policy), Some(shared)) = (policy, bridge.borrow().as_ref()) {
                bridge::set_settings(
                    shared,
                    JobSettings {
                        policy: policy.clone(),
                        exceptions: exceptions.clone(),
                        today: String::new(),
                    },
                );
                let files = last_files.borrow().clone();
                if !files.is_empty() {
                    dispatcher
                        .dispatch(Action::Queued(files.iter().map(|f| f.0.clone()).collect()));
                    bridge::enqueue(shared, files);
                }
            }
            || ()
        });
    }
    let send = {
        let dispatcher = store.dispatcher();
        let bridge = bridge.clone();
        let last_files = last_files.clone();
        Callback::from(move |files: Files| {
            if files.is_empty() {
                return;
            }
            dispatcher.dispatch(Action::Queued(files.iter().map(|f| f.0.clone()).collect()));
            *last_files.borrow_mut() = files.clone();
            if let Some(shared) = bridge.borrow().as_ref() {
                bridge::enqueue(shared, files);
            }
        })
    };
    let compare = {
        let dispatcher = store.dispatcher();
        let bridge = bridge.clone();
        Callback::from(move |(old, new): (Version, Version)| {
            dispatcher.dispatch(Action::DiffStarted);
            if let Some(shared) = bridge.borrow().as_ref() {
                bridge::enqueue_diff(shared, old, new);
            }
        })
    };
    let state = &store.0;
    let dispatch = {
        let dispatcher = store.dispatcher();
        Callback::from(move |a: Action| dispatcher.dispatch(a))
    };
    html! {
        <>
            <header class="top">
                <h1>{ "lcscan" }</h1>
                <p class="tagline">{ "Check a low-code app export for risky settings, written-in passwords and sensitive data. Your file is read inside this browser tab and is never uploaded." }</p>
            </header>
            <main>
                <PolicyBar policy={state.policy.clone()} error={state.policy_error.clone()} dispatch={dispatch.clone()} />
                <DropZone on_files={send.clone()} busy={state.busy()} />
                <Samples on_files={send} busy={state.busy()} />
                { progress_view(state) }
                { crash_view(state) }
                { errors_view(state) }
                <ExceptionsBar state={state.clone()} dispatch={dispatch.clone()} />
                if state.reports().next().is_some() {
                    <Results state={state.clone()} dispatch={dispatch.clone()} />
                }
                <Compare on_compare={compare} busy={state.diff_busy} result={state.diff.clone()} />
                <crate::catalog::Catalog />
            </main>
            <footer class="foot">
                <p>{ "Findings follow the OWASP Citizen Development Top 10. lcscan makes no network requests while scanning and stores nothing." }</p>
            </footer>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct PolicyBarProps {
    policy: Option<InForce>,
    error: Option<String>,
    dispatch: Callback<Action>,
}

/// Which policy is in force, and a way to use another one from a file.
#[function_component(PolicyBar)]
fn policy_bar(props: &PolicyBarProps) -> Html {
    let on_change = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let d = d.clone();
            read_files(
                input.files(),
                Callback::from(move |files: Files| {
                    let Some((name, bytes)) = files.into_iter().next() else {
                        return;
                    };
                    let text = String::from_utf8_lossy(&bytes);
                    match InForce::from_text(&text, Source::File(name.clone())) {
                        Ok(p) => d.emit(Action::PolicyReady(p)),
                        Err(e) => d.emit(Action::PolicyFailed(format!(
                            "The policy file {name} could not be used: {e} The policy in force has not changed."
                        ))),
                    }
                }),
            );
            input.set_value("");
        })
    };
    let ready = props.policy.is_some();
    html! {
        <section id="policy" class="policy" aria-label="Policy" data-ready={ready.to_string()}>
            {
                match &props.policy {
                    None => html! { <p>{ "Loading your organisation's policy…" }</p> },
                    Some(p) => html! {
                        <p>
                            { "Policy in force: " }
                            <strong id="policy-name">{ p.name.clone() }</strong>
                            { " " }
                            <span id="policy-version">{ format!("version {}", p.version) }</span>
                            { " · " }
                            <span id="policy-source">{
                                match &p.source {
                                    Source::BuiltIn => "built-in default".to_string(),
                                    Source::Portal(path) => format!("set by your organisation ({path})"),
                                    Source::File(name) => format!("from the file you chose ({name})"),
                                }
                            }</span>
                        </p>
                    },
                }
            }
            <label class="policy-pick">{ "Use a policy file (TOML or JSON) " }
                <input id="policy-input" type="file" accept=".toml,.json,application/json" onchange={on_change} />
            </label>
            if let Some(error) = &props.error {
                <p id="policy-error" class="crash" role="alert">{ error.clone() }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct StateProps {
    state: State,
    dispatch: Callback<Action>,
}

/// Reviewed exceptions: load a file, download what was created here.
#[function_component(ExceptionsBar)]
fn exceptions_bar(props: &StateProps) -> Html {
    let state = &props.state;
    let on_change = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let d = d.clone();
            read_files(
                input.files(),
                Callback::from(move |files: Files| {
                    let Some((file, bytes)) = files.into_iter().next() else {
                        return;
                    };
                    match Exceptions::parse(&String::from_utf8_lossy(&bytes)) {
                        Ok(exceptions) => d.emit(Action::ExceptionsLoaded { file, exceptions }),
                        Err(e) => d.emit(Action::ExceptionsFailed(format!("{file}: {e}"))),
                    }
                }),
            );
            input.set_value("");
        })
    };
    let n = state.exceptions.exceptions.len();
    let toml = state.exceptions.to_toml();
    let on_download =
        Callback::from(move |_| download("lcscan-exceptions.toml", &toml, "application/toml"));
    html! {
        <section id="exceptions-bar" class="exceptions-bar" aria-label="Reviewed exceptions">
            <p id="exceptions-count">{
                match (&state.exceptions_file, n) {
                    (_, 0) => "No reviewed exceptions.".to_string(),
                    (Some(file), n) => format!("{n} reviewed exception(s), from {file} and this page."),
                    (None, n) => format!("{n} reviewed exception(s) made on this page."),
                }
            }</p>
            <label>{ "Load an exceptions file " }
                <input id="exceptions-input" type="file" accept=".toml,.json" onchange={on_change} />
            </label>
            if n > 0 {
                <button type="button" id="exceptions-download" onclick={on_download}>{ "Download the exceptions file" }</button>
            }
            if let Some(error) = &state.exceptions_error {
                <p id="exceptions-error" class="crash" role="alert">{ error.clone() }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CompareProps {
    on_compare: Callback<(Version, Version)>,
    busy: bool,
    result: Option<Result<ViewDiff, String>>,
}

/// Compare two versions of the same app.
#[function_component(Compare)]
fn compare(props: &CompareProps) -> Html {
    let old = use_state(|| None::<Version>);
    let new = use_state(|| None::<Version>);
    let pick = |slot: UseStateHandle<Option<Version>>| {
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let slot = slot.clone();
            read_files(
                input.files(),
                Callback::from(move |files: Files| slot.set(files.into_iter().next())),
            );
        })
    };
    let hint = use_state(|| None::<String>);
    // Two files dropped at once: the one changed last is the newer version.
    let on_drop = {
        let (old, new, hint) = (old.clone(), new.clone(), hint.clone());
        let on_compare = props.on_compare.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let Some(list) = e.data_transfer().and_then(|d| d.files()) else {
                return;
            };
            let mut files: Vec<web_sys::File> =
                (0..list.length()).filter_map(|i| list.get(i)).collect();
            if files.len() != 2 {
                hint.set(Some(
                    "Drop exactly two files: the older and the newer version of the same app."
                        .into(),
                ));
                return;
            }
            files.sort_by(|a, b| {
                a.last_modified()
                    .partial_cmp(&b.last_modified())
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            hint.set(None);
            let (old, new, on_compare) = (old.clone(), new.clone(), on_compare.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut read = Vec::new();
                for f in files {
                    let f = gloo::file::File::from(f);
                    let bytes = gloo::file::futures::read_as_bytes(&f)
                        .await
                        .unwrap_or_default();
                    read.push((f.name(), bytes));
                }
                let mut read = read.into_iter();
                if let (Some(o), Some(n)) = (read.next(), read.next()) {
                    old.set(Some(o.clone()));
                    new.set(Some(n.clone()));
                    on_compare.emit((o, n));
                }
            });
        })
    };
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    let chosen = match (&*old, &*new) {
        (None, None) => None,
        (o, n) => Some(format!(
            "Older: {} · Newer: {}",
            o.as_ref().map_or("not chosen yet", |f| f.0.as_str()),
            n.as_ref().map_or("not chosen yet", |f| f.0.as_str())
        )),
    };
    let ready = old.is_some() && new.is_some() && !props.busy;
    let on_run = {
        let (old, new) = (old.clone(), new.clone());
        let on_compare = props.on_compare.clone();
        Callback::from(move |_| {
            if let (Some(o), Some(n)) = ((*old).clone(), (*new).clone()) {
                on_compare.emit((o, n));
            }
        })
    };
    html! {
        <section id="compare" class="compare" aria-label="Compare two versions"
            ondragover={on_drag_over} ondrop={on_drop}>
            <h2>{ "Compare two versions of an app" }</h2>
            <p>{ "Choose the version that was last reviewed and the new one, or drop both files here: lcscan lists what changed and which problems are new or fixed." }</p>
            <label>{ "Older version " }<input id="diff-old" type="file" onchange={pick(old.clone())} /></label>
            <label>{ "Newer version " }<input id="diff-new" type="file" onchange={pick(new.clone())} /></label>
            <button type="button" id="diff-run" disabled={!ready} onclick={on_run}>{ if props.busy { "Comparing…" } else { "Compare" } }</button>
            if let Some(text) = chosen {
                <p id="diff-chosen">{ text }</p>
            }
            if let Some(text) = &*hint {
                <p id="diff-hint" class="crash" role="alert">{ text.clone() }</p>
            }
            {
                match &props.result {
                    None => html! {},
                    Some(Err(message)) => html! { <p id="diff-error" class="crash" role="alert">{ message.clone() }</p> },
                    Some(Ok(d)) => diff_view(d),
                }
            }
        </section>
    }
}

fn diff_view(d: &ViewDiff) -> Html {
    let list = |id: &'static str, title: &str, findings: &[ViewFinding]| -> Html {
        if findings.is_empty() {
            return html! {};
        }
        html! {
            <div id={id}>
                <h3>{ format!("{title} ({})", findings.len()) }</h3>
                <ul>{ for findings.iter().map(|f| html! {
                    <li class="diff-finding" data-rule={f.rule_id.clone()}>{ format!("{} — {} ({})", f.title, f.component, f.severity) }</li>
                }) }</ul>
            </div>
        }
    };
    html! {
        <div id="diff-result" class="diff-result" aria-live="polite">
            <p class="diff-files">{ format!("{} → {}", d.old_file, d.new_file) }</p>
            <ul id="diff-summary">{ for d.summary.iter().map(|s| html! { <li>{ s.clone() }</li> }) }</ul>
            <p id="diff-score">{ format!("Risk score {} (grade {}) → {} (grade {})", d.score.old, d.score.old_grade, d.score.new, d.score.new_grade) }</p>
            { list("diff-new-findings", "New problems", &d.new_findings) }
            { list("diff-fixed-findings", "Fixed problems", &d.fixed_findings) }
            <p id="diff-unchanged">{ format!("{} problem(s) unchanged.", d.unchanged_findings.len()) }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FilesProps {
    on_files: Callback<Files>,
    busy: bool,
}

fn read_files(list: Option<web_sys::FileList>, on_files: Callback<Files>) {
    let Some(list) = list else {
        return;
    };
    let files: Vec<gloo::file::File> = gloo::file::FileList::from(list).iter().cloned().collect();
    wasm_bindgen_futures::spawn_local(async move {
        let mut read = Vec::new();
        for f in files {
            let name = f.name();
            match gloo::file::futures::read_as_bytes(&f).await {
                Ok(bytes) => read.push((name, bytes)),
                // An unreadable file becomes an empty one, which the engine
                // answers with its "file is empty" message.
                Err(_) => read.push((name, Vec::new())),
            }
        }
        on_files.emit(read);
    });
}

#[function_component(DropZone)]
fn drop_zone(props: &FilesProps) -> Html {
    let input = use_node_ref();
    let dragging = use_state(|| false);
    let open_picker = {
        let input = input.clone();
        Callback::from(move |_| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                el.click();
            }
        })
    };
    let on_key = {
        let open_picker = open_picker.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                open_picker.emit(());
            }
        })
    };
    let on_change = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            read_files(input.files(), on_files.clone());
            // Choosing the same file again must scan it again.
            input.set_value("");
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_e: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let on_files = props.on_files.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            read_files(e.data_transfer().and_then(|d| d.files()), on_files.clone());
        })
    };
    let class = classes!("drop-zone", dragging.then_some("dragging"));
    html! {
        <section class="pick" aria-label="Choose an export to check">
            <div id="drop-zone" class={class} role="button" tabindex="0"
                aria-describedby="drop-help"
                onclick={open_picker.reform(|_: MouseEvent| ())}
                onkeydown={on_key}
                ondragover={on_drag_over}
                ondragleave={on_drag_leave}
                ondrop={on_drop}>
                <p class="drop-title">{ "Drop your app export here, or press to choose files" }</p>
                <p id="drop-help" class="drop-help">{ "Exports from n8n, Power Automate, Logic Apps, Power Platform solutions, Power Apps canvas apps, Salesforce Flow, Node-RED, Make, Appsmith, ToolJet, Retool, UiPath, Zapier, Budibase and Windmill: the .json, .zip, .msapp, .xml, .xaml, .yaml or .tar.gz file the platform gives you. Several files at once are fine." }</p>
            </div>
            <label class="visually-hidden" for="file-input">{ "Export files" }</label>
            <input id="file-input" class="visually-hidden" type="file" multiple=true
                ref={input} onchange={on_change} disabled={props.busy} />
        </section>
    }
}

#[function_component(Samples)]
fn samples(props: &FilesProps) -> Html {
    html! {
        <section class="samples" aria-label="Sample exports">
            <span>{ "No export at hand? Try a sample: " }</span>
            { for SAMPLES.iter().map(|(name, bytes, label)| {
                let on_files = props.on_files.clone();
                let onclick = Callback::from(move |_| on_files.emit(vec![(name.to_string(), bytes.to_vec())]));
                html! {
                    <button type="button" class="sample-button" data-sample={*name}
                        disabled={props.busy} {onclick}>{ *label }</button>
                }
            }) }
        </section>
    }
}

fn progress_view(state: &State) -> Html {
    let Some(p) = &state.progress else {
        return html! {};
    };
    let waiting = state.pending.len().saturating_sub(1);
    html! {
        <section id="progress" class="progress" aria-live="polite">
            <label for="progress-bar">{ format!("{} — {}", p.label, p.file) }</label>
            <progress id="progress-bar" max="100" value={p.percent.to_string()}>{ format!("{}%", p.percent) }</progress>
            if waiting > 0 {
                <span>{ format!("{waiting} more file(s) waiting") }</span>
            }
        </section>
    }
}

fn crash_view(state: &State) -> Html {
    match &state.crash {
        Some(message) => html! { <p class="crash" role="alert">{ message.clone() }</p> },
        None => html! {},
    }
}

fn errors_view(state: &State) -> Html {
    let errors: Vec<(&String, &String)> = state
        .results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Error { message, .. } => Some((&r.name, message)),
            Outcome::Report { .. } => None,
        })
        .collect();
    if errors.is_empty() {
        return html! {};
    }
    html! {
        <section id="error" class="errors" role="alert">
            { for errors.into_iter().map(|(name, message)| html! {
                <div class="file-error">
                    <h2>{ format!("{name} could not be checked") }</h2>
                    <p>{ message.clone() }</p>
                </div>
            }) }
        </section>
    }
}

#[function_component(Results)]
fn results(props: &StateProps) -> Html {
    let state = &props.state;
    let d = props.dispatch.clone();
    let tab = |t: Tab, id: &'static str, label: &'static str| {
        let d = d.clone();
        let selected = state.tab == t;
        html! {
            <button type="button" role="tab" id={id} aria-selected={selected.to_string()}
                tabindex={if selected { "0" } else { "-1" }}
                class={classes!("tab", selected.then_some("selected"))}
                onclick={
                    let d = d.clone();
                    Callback::from(move |_| d.emit(Action::SetTab(t)))
                }
                onkeydown={
                    let d = d.clone();
                    Callback::from(move |e: KeyboardEvent| {
                        if e.key() == "ArrowRight" || e.key() == "ArrowLeft" {
                            d.emit(Action::SetTab(if t == Tab::Findings { Tab::Inventory } else { Tab::Findings }));
                        }
                    })
                }>{ label }</button>
        }
    };
    html! {
        <section class="results">
            { for state.results.iter().filter_map(summary_view) }
            <div role="tablist" aria-label="Results" class="tabs">
                { tab(Tab::Findings, "tab-findings", "Findings") }
                { tab(Tab::Inventory, "tab-inventory", "What the app uses") }
            </div>
            if state.tab == Tab::Findings {
                <div role="tabpanel" aria-labelledby="tab-findings">
                    { filters(state, &d) }
                    { findings_view(state, &d) }
                    { accepted_view(state) }
                </div>
            } else {
                <div role="tabpanel" id="inventory" aria-labelledby="tab-inventory">
                    { for state.reports().map(inventory_view) }
                </div>
            }
        </section>
    }
}

fn summary_view(result: &FileResult) -> Option<Html> {
    let Outcome::Report { report, downloads } = &result.outcome else {
        return None;
    };
    let counts = &report.summary.counts;
    let apps: Vec<&str> = report.components.iter().map(|c| c.name.as_str()).collect();
    let platforms: Vec<String> = report
        .components
        .iter()
        .map(|c| platform_name(&c.platform))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    Some(html! {
        <section id="summary" class={classes!("summary", format!("grade-{}", report.summary.grade.to_ascii_lowercase()))} aria-label={format!("Summary for {}", report.file)}>
            <div class="score">
                <span id="risk-score" class="risk-score">{ report.summary.risk_score }</span>
                <span class="of">{ "/100 risk" }</span>
                <span id="grade" class="grade">{ format!("Grade {}", report.summary.grade) }</span>
            </div>
            <div class="facts">
                <p class="file-name">{ report.file.clone() }</p>
                <p>{ format!("{} · {}", platforms.join(", "), apps.join(", ")) }</p>
                <p class="report-policy">{ format!("Judged by the policy {} (version {})", report.tool.policy, report.tool.policy_version) }</p>
                <ul class="counts">
                    { for SEVERITIES.iter().map(|s| html! {
                        <li class={classes!("count", *s)}>{ format!("{} {}", counts.get(*s).copied().unwrap_or(0), s) }</li>
                    }) }
                </ul>
                if !report.notes.is_empty() {
                    <details class="notes"><summary>{ format!("{} note(s) about files not read", report.notes.len()) }</summary>
                        <ul>{ for report.notes.iter().map(|n| html! { <li>{ format!("{}: {}", n.file, n.message) }</li> }) }</ul>
                    </details>
                }
            </div>
            <div class="downloads" aria-label="Download the report">
                { for DOWNLOADS.iter().map(|f| {
                    let text = downloads.get(f.name()).cloned().unwrap_or_default();
                    let file = format!("{}.lcscan.{}", report.file, f.extension());
                    let mime = f.mime();
                    let onclick = Callback::from(move |_| download(&file, &text, mime));
                    html! { <button type="button" class="download" data-format={f.name()} {onclick}>{ format!("Download {}", label_of(f.name())) }</button> }
                }) }
            </div>
        </section>
    })
}

fn label_of(format: &str) -> &'static str {
    match format {
        "json" => "JSON",
        "sarif" => "SARIF",
        "markdown" => "Markdown",
        "csv" => "CSV",
        _ => "file",
    }
}

fn platform_name(kebab: &str) -> String {
    match kebab {
        "n8n" => "n8n".into(),
        "power-automate" => "Power Automate".into(),
        "salesforce-flow" => "Salesforce Flow".into(),
        "logic-apps" => "Azure Logic Apps".into(),
        "power-apps" => "Power Apps".into(),
        "power-platform-solution" => "Power Platform solution".into(),
        other => other.replace('-', " "),
    }
}

/// Make a file in the browser and offer it: no server involved.
fn download(name: &str, text: &str, mime: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document
        .create_element("a")
        .map(|e| e.unchecked_into::<web_sys::HtmlAnchorElement>())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn filters(state: &State, d: &Callback<Action>) -> Html {
    let on_severity = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                d.emit(Action::SetSeverity(Some(s.value())));
            }
        })
    };
    let on_rule = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                d.emit(Action::SetRule(Some(s.value())));
            }
        })
    };
    let on_search = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                d.emit(Action::SetSearch(s.value()));
            }
        })
    };
    let counts = state.counts();
    html! {
        <div class="filters">
            <label>{ "Severity " }
                <select id="filter-severity" onchange={on_severity}>
                    <option value="" selected={state.severity.is_none()}>{ "All" }</option>
                    { for SEVERITIES.iter().map(|s| html! {
                        <option value={*s} selected={state.severity.as_deref() == Some(*s)}>{ format!("{s} ({})", counts.get(s).copied().unwrap_or(0)) }</option>
                    }) }
                </select>
            </label>
            <label>{ "Problem " }
                <select id="filter-rule" onchange={on_rule}>
                    <option value="" selected={state.rule.is_none()}>{ "All" }</option>
                    { for state.rules_present().into_iter().map(|(id, title)| {
                        let selected = state.rule.as_deref() == Some(id.as_str());
                        html! { <option value={id.clone()} {selected}>{ format!("{id} — {title}") }</option> }
                    }) }
                </select>
            </label>
            <label>{ "Search " }
                <input id="search" type="search" value={state.search.clone()} oninput={on_search}
                    placeholder="step, word, rule…" />
            </label>
        </div>
    }
}

fn accepted_view(state: &State) -> Html {
    let accepted: Vec<(&str, &ViewExceptionOutcome)> = state
        .exception_outcomes()
        .into_iter()
        .filter(|(_, e)| e.status == "accepted")
        .collect();
    if accepted.is_empty() {
        return html! {};
    }
    html! {
        <section id="accepted" class="accepted" aria-label="Accepted risks">
            <h2>{ format!("Accepted risks ({})", accepted.len()) }</h2>
            <p>{ "A reviewer accepted these for a limited time; they are not counted until their acceptance ends." }</p>
            { for accepted.into_iter().map(|(_, e)| {
                let x = &e.exception;
                let ticket = x.ticket.as_ref().map(|t| format!(", ticket {t}")).unwrap_or_default();
                html! {
                    <article class="accepted-finding" data-rule={e.finding.rule_id.clone()} data-fingerprint={e.finding.fingerprint.clone()}>
                        <h3 class="accepted-title">{ e.finding.title.clone() }</h3>
                        <p class="accepted-until">{ format!("Accepted until {} by {} on {}{ticket}.", x.expires, x.accepted_by, x.accepted_on) }</p>
                        <p class="accepted-reason">{ format!("Reason: {}", x.reason) }</p>
                        <p class="finding-step">{ format!("In {}", e.finding.component) }</p>
                    </article>
                }
            }) }
        </section>
    }
}

fn findings_view(state: &State, d: &Callback<Action>) -> Html {
    let visible = state.visible();
    if visible.is_empty() {
        let any = state.reports().any(|r| !r.findings.is_empty());
        return html! {
            <p id="no-findings" class="empty">{
                if any { "No finding matches these filters." } else { "No problems found. Have the app reviewed anyway before it goes live: lcscan checks common risks, not everything." }
            }</p>
        };
    }
    let multi_file = state.reports().count() > 1;
    let mut groups: BTreeMap<usize, Vec<(&str, &ViewFinding)>> = BTreeMap::new();
    for (file, f) in visible {
        let rank = SEVERITIES
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(SEVERITIES.len());
        groups.entry(rank).or_default().push((file, f));
    }
    html! {
        <div id="findings">
            { for groups.into_iter().map(|(rank, items)| {
                let sev = SEVERITIES.get(rank).copied().unwrap_or("other");
                html! {
                    <section class={classes!("group", sev)} aria-label={format!("{sev} findings")}>
                        <h2>{ format!("{} ({})", heading(sev), items.len()) }</h2>
                        { for items.into_iter().map(|(file, f)| finding_card(state, file, f, multi_file, d)) }
                    </section>
                }
            }) }
        </div>
    }
}

fn heading(sev: &str) -> &'static str {
    match sev {
        "critical" => "Critical",
        "high" => "High",
        "medium" => "Medium",
        "low" => "Low",
        "info" => "For information",
        _ => "Other",
    }
}

fn finding_card(
    state: &State,
    file: &str,
    f: &ViewFinding,
    multi_file: bool,
    d: &Callback<Action>,
) -> Html {
    let step = f.location.step.clone();
    let expired = state.expired_exception(&f.fingerprint).map(|e| {
        format!(
            "A reviewer accepted this until {} ({}); that has ended, so it counts again.",
            e.exception.expires, e.exception.accepted_by
        )
    });
    let accepting = state.accepting.as_deref() == Some(f.fingerprint.as_str());
    let open = {
        let d = d.clone();
        let fp = f.fingerprint.clone();
        Callback::from(move |_| d.emit(Action::OpenAccept(Some(fp.clone()))))
    };
    html! {
        <article class={classes!("finding", f.severity.clone())} data-rule={f.rule_id.clone()} data-severity={f.severity.clone()}>
            <header>
                <span class="badge">{ f.severity.clone() }</span>
                <h3 class="finding-title">{ f.title.clone() }</h3>
                <span class="finding-owasp" title="OWASP Citizen Development Top 10">{ format!("{} · {}", f.owasp, f.rule_id) }</span>
            </header>
            <p class="finding-step">{
                match step {
                    Some(s) => format!("In {} › {}", f.component, s),
                    None => format!("In {}", f.component),
                }
            }</p>
            <p class="finding-message">{ f.message.clone() }</p>
            <dl>
                <dt>{ "Why it matters" }</dt><dd class="finding-why">{ f.why.clone() }</dd>
                <dt>{ "How to fix it" }</dt><dd class="finding-fix">{ f.fix.clone() }</dd>
                if let Some(ev) = &f.evidence {
                    <dt>{ "What we saw (secrets are partly hidden)" }</dt><dd><code class="finding-evidence">{ ev.clone() }</code></dd>
                }
            </dl>
            <p class="finding-where">{
                if multi_file { format!("{file}: {} at {}", f.location.file, f.location.path) }
                else { format!("{} at {}", f.location.file, f.location.path) }
            }</p>
            if let Some(text) = expired {
                <p class="finding-expired">{ text }</p>
            }
            if accepting {
                <AcceptRisk finding={f.clone()} error={state.accept_error.clone()} dispatch={d.clone()} />
            } else if !f.fingerprint.is_empty() {
                <button type="button" class="accept" onclick={open}>{ "Accept this risk…" }</button>
            }
        </article>
    }
}

fn inventory_view(report: &ViewReport) -> Html {
    let inv = &report.inventory;
    let table = |title: &str, head: &[&str], rows: Vec<Vec<String>>| -> Html {
        if rows.is_empty() {
            return html! {};
        }
        html! {
            <>
                <h3>{ title.to_string() }</h3>
                <table class="inventory-table">
                    <thead><tr>{ for head.iter().map(|h| html! { <th scope="col">{ h.to_string() }</th> }) }</tr></thead>
                    <tbody>{ for rows.into_iter().map(|row| html! {
                        <tr>{ for row.into_iter().map(|c| html! { <td>{ c }</td> }) }</tr>
                    }) }</tbody>
                </table>
            </>
        }
    };
    html! {
        <section class="inventory" aria-label={format!("What {} uses", report.file)}>
            <h2>{ report.file.clone() }</h2>
            { table("Connectors", &["Connector", "Category", "Leaves the organisation", "Status", "Steps"],
                inv.connectors.iter().map(|c| vec![c.name.clone(), c.category.clone(),
                    if c.external { "yes".into() } else { "no".into() }, c.status.clone(), c.uses.to_string()]).collect()) }
            { table("Triggers: who can start it", &["Trigger", "Kind", "Who can start it", "Sign-in"],
                inv.triggers.iter().map(|t| vec![t.name.clone(), t.kind.clone(), t.who_can_call.clone(), t.auth.clone()]).collect()) }
            { table("Connections", &["Connection", "Connector", "Runs as"],
                inv.connections.iter().map(|c| vec![c.name.clone(), c.connector.clone(), c.identity.clone()]).collect()) }
            { table("Credentials", &["Credential", "Type", "Stored"],
                inv.credentials.iter().map(|c| vec![c.name.clone(), c.credential_type.clone(), c.storage.clone()]).collect()) }
            { table("Sensitive data fields", &["Field", "Kind of data", "How sure", "Regulations", "Uses"],
                inv.sensitive_fields.iter().map(|f| vec![f.name.clone(), f.label.clone(), f.level_words(), f.regulations.join(", "), f.uses.to_string()]).collect()) }
            { table("Addresses it calls", &["Address", "Host"],
                inv.endpoints.iter().map(|e| vec![e.url.clone(), e.host.clone().unwrap_or_default()]).collect()) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AcceptProps {
    finding: ViewFinding,
    error: Option<String>,
    dispatch: Callback<Action>,
}

/// The "accept this risk" form: who, why and until when are required.
#[function_component(AcceptRisk)]
fn accept_risk(props: &AcceptProps) -> Html {
    let form = use_state(AcceptForm::default);
    let field = |set: fn(&mut AcceptForm, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .map(|i| i.value())
                .or_else(|| {
                    e.target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                        .map(|t| t.value())
                })
                .unwrap_or_default();
            let mut next = (*form).clone();
            set(&mut next, value);
            form.set(next);
        })
    };
    let on_accept = {
        let form = form.clone();
        let finding = props.finding.clone();
        let d = props.dispatch.clone();
        Callback::from(
            move |_| match new_exception(&finding, &form, &bridge::today()) {
                Ok(e) => d.emit(Action::ExceptionAdded(e)),
                Err(why) => d.emit(Action::AcceptFailed(why)),
            },
        )
    };
    let on_cancel = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.emit(Action::OpenAccept(None)))
    };
    html! {
        <div class="accept-form" role="group" aria-label="Accept this risk">
            <label>{ "Who accepts it (required) " }
                <input id="accept-who" type="text" value={form.accepted_by.clone()} oninput={field(|f, v| f.accepted_by = v)} />
            </label>
            <label>{ "Why it is acceptable (required) " }
                <textarea id="accept-why" value={form.reason.clone()} oninput={field(|f, v| f.reason = v)} />
            </label>
            <label>{ "Last day it holds (required) " }
                <input id="accept-until" type="date" value={form.expires.clone()} oninput={field(|f, v| f.expires = v)} />
            </label>
            <label>{ "Ticket or change reference (optional) " }
                <input id="accept-ticket" type="text" value={form.ticket.clone()} oninput={field(|f, v| f.ticket = v)} />
            </label>
            <button type="button" id="accept-save" onclick={on_accept}>{ "Accept until this date" }</button>
            <button type="button" id="accept-cancel" onclick={on_cancel}>{ "Cancel" }</button>
            if let Some(error) = &props.error {
                <p id="accept-error" class="crash" role="alert">{ error.clone() }</p>
            }
        </div>
    }
}
