//! `scan()` on raw bytes, with a file name and a policy the fuzzer picks.
#![no_main]

use lcscan_fuzz::{policy, scan_and_check, FILE_NAMES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, bytes) = data.split_first().map_or((0, data), |(h, rest)| (*h, rest));
    let name = FILE_NAMES
        .get(usize::from(head & 0x1f) % FILE_NAMES.len())
        .copied()
        .unwrap_or("x.json");
    scan_and_check(bytes, name, &policy(head >> 5));
});
