//! Budibase-style `.tar.gz` exports: the fuzzer writes the members
//! (`name \0 content`, joined by `MEMBER_SEPARATOR`), the target packs them
//! into a valid tar.gz, so the edits reach the dump reader and the parsers
//! behind gzip's checksum. The first byte picks the policy.
#![no_main]

use lcscan_fuzz::{members, policy, scan_and_check, targz};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, rest) = data.split_first().map_or((0, data), |(h, r)| (*h, r));
    let files = members(rest);
    scan_and_check(&targz(&files), "app-export.tar.gz", &policy(head));
});
