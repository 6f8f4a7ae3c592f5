//! The page's side of the scanner worker: a queue of files sent one at a
//! time, progress and answers turned into [`Action`]s, and a fresh worker
//! after a crash.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::state::{Action, FileResult, Outcome};
use crate::view::{parse_diff_reply, parse_reply, JobSettings};

type Dispatch = Rc<dyn Fn(Action)>;

/// One piece of work for the scanner worker.
#[derive(Debug, Clone)]
pub enum Job {
    Scan(String, Vec<u8>),
    /// Compare an older and a newer version.
    Diff {
        old: (String, Vec<u8>),
        new: (String, Vec<u8>),
    },
}

impl Job {
    fn label(&self) -> String {
        match self {
            Job::Scan(name, _) => name.clone(),
            Job::Diff { old, new } => format!("{} → {}", old.0, new.0),
        }
    }
}

pub struct Bridge {
    worker: Option<Worker>,
    queue: VecDeque<Job>,
    /// What the job being worked on is: a file name, or a comparison.
    current: Option<(String, bool)>,
    /// Policy and exceptions for every job; `None` until the page knows
    /// which policy is in force, and jobs wait until then.
    settings: Option<JobSettings>,
    dispatch: Dispatch,
}

pub type Shared = Rc<RefCell<Bridge>>;

pub fn new(dispatch: Dispatch) -> Shared {
    let shared = Rc::new(RefCell::new(Bridge {
        worker: None,
        queue: VecDeque::new(),
        current: None,
        settings: None,
        dispatch,
    }));
    start_worker(&shared);
    shared
}

/// Start the worker now, so its files are loaded with the page and no
/// request is made while a file is being scanned.
fn start_worker(shared: &Shared) {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = match Worker::new_with_options("./worker.js", &options) {
        Ok(w) => w,
        Err(_) => {
            let dispatch = shared.borrow().dispatch.clone();
            dispatch(Action::Crashed(
                "This browser could not start lcscan's scanner. Try a current version of Chrome, Edge, Firefox or Safari.".into(),
            ));
            return;
        }
    };
    let for_messages = shared.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        handle(&for_messages, &event.data());
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Lives as long as the worker; a replaced worker's handler is simply leaked
    // (a few bytes, only after a crash).
    on_message.forget();
    let for_errors = shared.clone();
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_e: JsValue| {
        crashed(
            &for_errors,
            "lcscan's scanner stopped unexpectedly while reading this file.".into(),
        );
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    shared.borrow_mut().worker = Some(worker);
}

/// Queue files; scanning starts at once if the worker is idle (and the
/// policy is known).
pub fn enqueue(shared: &Shared, files: Vec<(String, Vec<u8>)>) {
    shared
        .borrow_mut()
        .queue
        .retain(|j| matches!(j, Job::Diff { .. }));
    shared
        .borrow_mut()
        .queue
        .extend(files.into_iter().map(|(n, b)| Job::Scan(n, b)));
    kick(shared);
}

/// Queue a comparison of two versions.
pub fn enqueue_diff(shared: &Shared, old: (String, Vec<u8>), new: (String, Vec<u8>)) {
    shared.borrow_mut().queue.push_back(Job::Diff { old, new });
    kick(shared);
}

/// The policy (and exceptions) for the next jobs; the first call lets
/// waiting jobs go.
pub fn set_settings(shared: &Shared, settings: JobSettings) {
    shared.borrow_mut().settings = Some(settings);
    kick(shared);
}

fn kick(shared: &Shared) {
    let idle = shared.borrow().current.is_none();
    if idle {
        send_next(shared);
    }
}

/// Today in the browser's time zone, `YYYY-MM-DD`.
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

fn send_next(shared: &Shared) {
    let mut b = shared.borrow_mut();
    let Some(settings) = b.settings.clone() else {
        return;
    };
    let Some(job) = b.queue.pop_front() else {
        b.current = None;
        return;
    };
    let message = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str(k), v);
    };
    let bytes = |b: &[u8]| -> JsValue { js_sys::Uint8Array::from(b).into() };
    let is_diff = match &job {
        Job::Scan(name, data) => {
            set("kind", &JsValue::from_str("scan"));
            set("name", &JsValue::from_str(name));
            set("bytes", &bytes(data));
            false
        }
        Job::Diff { old, new } => {
            set("kind", &JsValue::from_str("diff"));
            set("oldName", &JsValue::from_str(&old.0));
            set("oldBytes", &bytes(&old.1));
            set("newName", &JsValue::from_str(&new.0));
            set("newBytes", &bytes(&new.1));
            true
        }
    };
    set("policy", &JsValue::from_str(&settings.policy));
    set("exceptions", &JsValue::from_str(&settings.exceptions));
    set("today", &JsValue::from_str(&today()));
    b.current = Some((job.label(), is_diff));
    let sent = b
        .worker
        .as_ref()
        .map(|w| w.post_message(&message).is_ok())
        .unwrap_or(false);
    drop(b);
    if !sent {
        crashed(
            shared,
            "lcscan's scanner is not running. Reload the page.".into(),
        );
    }
}

fn get_str(data: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(data, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

fn handle(shared: &Shared, data: &JsValue) {
    let kind = get_str(data, "type").unwrap_or_default();
    let dispatch = shared.borrow().dispatch.clone();
    let current = shared.borrow().current.clone();
    let Some((file, is_diff)) = current else {
        return;
    };
    match kind.as_str() {
        "done" if is_diff => {
            let reply = get_str(data, "reply").unwrap_or_default();
            shared.borrow_mut().current = None;
            dispatch(Action::DiffFinished(
                parse_diff_reply(&reply).map_err(|(_, message)| message),
            ));
            send_next(shared);
        }
        "progress" => {
            let percent = js_sys::Reflect::get(data, &JsValue::from_str("percent"))
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0);
            dispatch(Action::Progress {
                file,
                percent: percent.clamp(0.0, 100.0) as u8,
                label: get_str(data, "label").unwrap_or_default(),
            });
        }
        "done" => {
            let reply = get_str(data, "reply").unwrap_or_default();
            let outcome = match parse_reply(&reply) {
                Ok((report, downloads)) => Outcome::Report {
                    report: Box::new(report),
                    downloads,
                },
                Err((code, message)) => Outcome::Error { code, message },
            };
            shared.borrow_mut().current = None;
            dispatch(Action::Finished(FileResult {
                name: file,
                outcome,
            }));
            send_next(shared);
        }
        "crash" => {
            let detail = get_str(data, "message").unwrap_or_default();
            web_sys::console::error_1(&JsValue::from_str(&detail));
            crashed(
                shared,
                "lcscan hit an internal error on this file and could not finish. The page still works: try another file, and please report this file's type to the lcscan team.".into(),
            );
        }
        _ => {}
    }
}

/// The current file failed inside the worker: report it, start a fresh
/// worker and go on with the rest of the queue.
fn crashed(shared: &Shared, message: String) {
    let dispatch = shared.borrow().dispatch.clone();
    let current = shared.borrow_mut().current.take();
    if let Some(w) = shared.borrow_mut().worker.take() {
        w.terminate();
    }
    match current {
        Some((_, true)) => dispatch(Action::DiffFinished(Err(message))),
        Some((_, false)) => dispatch(Action::Crashed(message)),
        None => {}
    }
    start_worker(shared);
    send_next(shared);
}
