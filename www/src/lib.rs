//! The lcscan page: drop an export, read plain-language findings. The file
//! is read and scanned inside the browser (in a Web Worker running the same
//! engine compiled to WebAssembly); nothing is uploaded or stored.
//!
//! Entry points exported to JavaScript: [`run_app`] (called by `boot.js` on
//! the page), [`scan_in_worker`] and [`diff_in_worker`] (called by
//! `worker.js`), and the module API for portals in [`embed`] (`scan`,
//! `version`, `formats`, wrapped by `lcscan.js`).

pub mod app;
mod bridge;
pub mod catalog;
pub mod embed;
pub mod policy;
pub mod state;
pub mod view;

use wasm_bindgen::prelude::*;

/// Bundled sample exports: (file name, bytes, button label). Written for the
/// page, each with deliberate problems and only fake secrets.
pub const SAMPLES: &[(&str, &[u8], &str)] = &[
    (
        "n8n-lead-intake.json",
        include_bytes!("../samples/n8n-lead-intake.json"),
        "n8n workflow",
    ),
    (
        "power-automate-order-webhook.json",
        include_bytes!("../samples/power-automate-order-webhook.json"),
        "Power Automate flow",
    ),
    (
        "salesforce-contact-lookup.flow-meta.xml",
        include_bytes!("../samples/salesforce-contact-lookup.flow-meta.xml"),
        "Salesforce screen flow",
    ),
    (
        "zapier-contact-form.json",
        include_bytes!("../samples/zapier-contact-form.json"),
        "Zapier zap",
    ),
    (
        "appsmith-support-desk.json",
        include_bytes!("../samples/appsmith-support-desk.json"),
        "Appsmith app",
    ),
];

/// Start the page (main thread).
#[wasm_bindgen]
pub fn run_app() {
    app::install_panic_hook();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}

fn settings(policy: &str, exceptions: &str, today: &str) -> view::JobSettings {
    view::JobSettings {
        policy: policy.to_string(),
        exceptions: exceptions.to_string(),
        today: today.to_string(),
    }
}

fn report_progress(progress: &js_sys::Function) -> impl FnMut(u8, &str) + '_ {
    move |percent, label| {
        let _ = progress.call2(
            &JsValue::NULL,
            &JsValue::from(percent),
            &JsValue::from_str(label),
        );
    }
}

/// Scan one file (worker thread) with the page's policy (TOML or JSON text,
/// empty for the default) and exceptions file (empty for none) as of
/// `today`. `progress(percent, label)` is called at each stage; the answer
/// is a JSON [`view::WorkerReply`].
#[wasm_bindgen]
pub fn scan_in_worker(
    bytes: &[u8],
    file_name: &str,
    policy: &str,
    exceptions: &str,
    today: &str,
    progress: &js_sys::Function,
) -> String {
    install_worker_panic_hook();
    view::scan_to_reply(
        bytes,
        file_name,
        &settings(policy, exceptions, today),
        &mut report_progress(progress),
    )
}

/// Compare two versions (worker thread); answers a JSON [`view::WorkerReply`].
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn diff_in_worker(
    old_bytes: &[u8],
    old_name: &str,
    new_bytes: &[u8],
    new_name: &str,
    policy: &str,
    exceptions: &str,
    today: &str,
    progress: &js_sys::Function,
) -> String {
    install_worker_panic_hook();
    view::diff_to_reply(
        (old_bytes, old_name),
        (new_bytes, new_name),
        &settings(policy, exceptions, today),
        &mut report_progress(progress),
    )
}

/// In the worker, a panic leaves its message where `worker.js` reads it when
/// the module traps, so the page can say what happened.
fn install_worker_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let _ = js_sys::Reflect::set(
                &js_sys::global(),
                &JsValue::from_str("__lcscanPanic"),
                &JsValue::from_str(&info.to_string()),
            );
        }));
    });
}
