//! UiPath XAML workflows: the fuzzer writes one `.xaml`; by the first byte
//! it is scanned alone or zipped as a project's main workflow beside a
//! project.json (the project path: entry point, invoked workflows).
#![no_main]

use lcscan_fuzz::{policy, scan_and_check, uipath_project, zip, XAML_NAMES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, xaml) = data.split_first().map_or((0, data), |(h, r)| (*h, r));
    let name = XAML_NAMES
        .get(usize::from(head & 0x03) % XAML_NAMES.len())
        .copied()
        .unwrap_or("Main.xaml");
    let policy = policy(head >> 4);
    if head & 0x04 == 0 {
        scan_and_check(xaml, name, &policy);
    } else {
        let project = uipath_project(name);
        let files = [
            ("project.json".to_string(), project.as_slice()),
            (name.to_string(), xaml),
        ];
        scan_and_check(&zip(&files), "InvoiceBot.zip", &policy);
    }
});
