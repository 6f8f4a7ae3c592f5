//! One YAML file (Windmill flows, scripts, apps, resources, variables,
//! triggers; Power Apps sources): the YAML reader (`ingest::yaml`, aliases,
//! depth and node budget) and the parsers behind it. The first byte picks
//! the file name and the policy.
#![no_main]

use lcscan_fuzz::{policy, scan_and_check, YAML_NAMES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, bytes) = data.split_first().map_or((0, data), |(h, r)| (*h, r));
    let name = YAML_NAMES
        .get(usize::from(head & 0x0f) % YAML_NAMES.len())
        .copied()
        .unwrap_or("flow.yaml");
    scan_and_check(bytes, name, &policy(head >> 4));
});
