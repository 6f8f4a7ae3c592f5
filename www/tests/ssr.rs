//! Server-side rendering of the page's first view (no browser needed): the
//! drop zone, file input with its label, and one sample button per bundled
//! sample are there, and nothing is injected as HTML.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

struct Noop;
impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

/// Enough of an executor for Yew's local SSR renderer (it never waits on I/O).
fn block_on<F: Future>(fut: F) -> F::Output {
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn first_view() -> String {
    block_on(yew::LocalServerRenderer::<lcscan_www::app::App>::new().render())
}

#[test]
fn first_view_has_a_keyboard_usable_drop_zone_and_labelled_file_input() {
    let html = first_view();
    assert!(html.contains(r#"id="drop-zone""#), "{html}");
    assert!(html.contains(r#"role="button""#), "{html}");
    assert!(html.contains(r#"tabindex="0""#), "{html}");
    assert!(html.contains(r#"<label for="file-input""#), "{html}");
    assert!(html.contains(r#"id="file-input""#), "{html}");
    assert!(html.contains("multiple"), "{html}");
    assert!(html.contains("never uploaded"), "{html}");
}

#[test]
fn first_view_offers_one_button_per_sample() {
    let html = first_view();
    assert_eq!(lcscan_www::SAMPLES.len(), 5);
    for (name, _, label) in lcscan_www::SAMPLES {
        assert!(
            html.contains(&format!(r#"data-sample="{name}""#)),
            "{name}: {html}"
        );
        assert!(html.contains(label), "{label}");
    }
    // No results, errors or progress before a file is chosen.
    assert!(!html.contains(r#"id="summary""#));
    assert!(!html.contains(r#"id="error""#));
    assert!(!html.contains(r#"id="progress""#));
}

#[test]
fn first_view_has_no_inline_script_or_style() {
    let html = first_view();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<style"), "{html}");
    assert!(!html.contains(" style="), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
}

#[test]
fn bundled_samples_each_raise_findings_natively() {
    // The same samples the buttons load, scanned by the engine directly.
    for (name, bytes, _) in lcscan_www::SAMPLES {
        let report = lcscan::scan(bytes, name, &lcscan::Policy::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule_id == "LC002" || f.rule_id == "LC001"),
            "{name}: {:?}",
            report
                .findings
                .iter()
                .map(|f| &f.rule_id)
                .collect::<Vec<_>>()
        );
        assert!(report.summary.risk_score >= 40, "{name}");
    }
}

#[test]
fn first_view_waits_for_the_policy_and_offers_policy_exceptions_and_compare() {
    let html = first_view();
    // Before the portal's policy is known the page says it is loading it.
    assert!(
        html.contains(r#"id="policy""#) && html.contains(r#"data-ready="false""#),
        "{html}"
    );
    assert!(html.contains("Loading your organisation"), "{html}");
    assert!(html.contains(r#"id="policy-input""#), "{html}");
    assert!(html.contains(r#"id="exceptions-input""#), "{html}");
    assert!(html.contains("No reviewed exceptions."), "{html}");
    // Nothing to download until an exception exists.
    assert!(!html.contains(r#"id="exceptions-download""#), "{html}");
    assert!(html.contains(r#"id="diff-old""#) && html.contains(r#"id="diff-new""#));
    assert!(html.contains(r#"id="diff-run""#), "{html}");
    assert!(!html.contains(r#"id="diff-result""#), "{html}");
}
