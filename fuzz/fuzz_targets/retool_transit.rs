//! The Retool JSON app export's Transit-encoded `appState`: the fuzzer
//! writes the Transit text itself (cache references, tags, nesting), the
//! target wraps it in a valid export, so every input reaches the Transit
//! decoder. The first byte picks the policy.
#![no_main]

use lcscan_fuzz::{policy, retool_export, scan_and_check};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, rest) = data.split_first().map_or((0, data), |(h, r)| (*h, r));
    let state = String::from_utf8_lossy(rest);
    scan_and_check(&retool_export(&state), "orders-export.json", &policy(head));
});
