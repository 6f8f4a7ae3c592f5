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
use crate::view::parse_reply;

type Dispatch = Rc<dyn Fn(Action)>;

pub struct Bridge {
    worker: Option<Worker>,
    queue: VecDeque<(String, Vec<u8>)>,
    current: Option<String>,
    dispatch: Dispatch,
}

pub type Shared = Rc<RefCell<Bridge>>;

pub fn new(dispatch: Dispatch) -> Shared {
    let shared = Rc::new(RefCell::new(Bridge {
        worker: None,
        queue: VecDeque::new(),
        current: None,
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

/// Queue files; scanning starts at once if the worker is idle.
pub fn enqueue(shared: &Shared, files: Vec<(String, Vec<u8>)>) {
    {
        let mut b = shared.borrow_mut();
        b.queue.clear();
        b.queue.extend(files);
    }
    let idle = shared.borrow().current.is_none();
    if idle {
        send_next(shared);
    }
}

fn send_next(shared: &Shared) {
    let mut b = shared.borrow_mut();
    let Some((name, bytes)) = b.queue.pop_front() else {
        b.current = None;
        return;
    };
    let message = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str(k), v);
    };
    set("name", &JsValue::from_str(&name));
    set("bytes", &js_sys::Uint8Array::from(bytes.as_slice()).into());
    set("policy", &JsValue::from_str(""));
    b.current = Some(name.clone());
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
    let Some(file) = current else {
        return;
    };
    match kind.as_str() {
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
    let had_file = shared.borrow_mut().current.take().is_some();
    if let Some(w) = shared.borrow_mut().worker.take() {
        w.terminate();
    }
    if had_file {
        dispatch(Action::Crashed(message));
    }
    start_worker(shared);
    send_next(shared);
}
