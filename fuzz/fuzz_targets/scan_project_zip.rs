//! Zipped project folders (UiPath projects, Windmill workspaces, Retool
//! Toolscript apps, Appsmith Git layouts): the fuzzer writes the members
//! (`name \0 content`, joined by `MEMBER_SEPARATOR`), the target zips them,
//! so the edits reach the folder parsers behind the zip's checksums. The
//! first byte picks the policy.
#![no_main]

use lcscan_fuzz::{members, policy, scan_and_check, zip};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, rest) = data.split_first().map_or((0, data), |(h, r)| (*h, r));
    let files = members(rest);
    scan_and_check(&zip(&files), "project.zip", &policy(head));
});
